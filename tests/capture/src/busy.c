/*
 * One thread burns SECONDS of CPU in a busy loop under a CPU profile at
 * RATE Hz: the profile must read about SECONDS whatever RATE is.
 *
 *   busy OUT RATE SECONDS
 */
#include "workload.h"

static volatile uint64_t sink;

__attribute__((noinline)) void busy_loop(double seconds)
{
    int64_t until = wl_thread_cpu_ns() + (int64_t)(seconds * 1e9);
    uint64_t x = 1;

    while (wl_thread_cpu_ns() < until)
        for (int i = 0; i < 10000; i++)
            x = x * 2862933555777941757ull + 3037000493ull;
    sink = x;
}

int main(int argc, char **argv)
{
    pf_writer w;
    int err;

    if (argc != 4)
        return 2;
    if ((err = pf_capture_cpu_set_rate(atoi(argv[2]))) < 0)
        wl_die("rate", err);
    if ((err = pf_capture_writer_open(&w, argv[1])) < 0)
        wl_die(argv[1], err);
    if ((err = pf_capture_cpu_start(w)) < 0)
        wl_die("start", err);
    busy_loop(atof(argv[3]));
    if ((err = pf_capture_cpu_stop()) < 0)
        wl_die("stop", err);
    if ((err = pf_capture_writer_close(&w)) < 0)
        wl_die(argv[1], err);
    return 0;
}
