/*
 * CPU workload: every thread spends its CPU in two functions in a 3:1
 * split (three_parts runs three units of the same loop one_part runs
 * once), until it has used SECONDS of CPU time.
 *
 *   cpu_split OUT THREADS SECONDS RATE before|after [LABELKEY=VALUE]
 *
 * "before": the worker threads exist before the profile starts (their
 * timers are armed from /proc/self/task); "after": they are created
 * while profiling (interposed pthread_create). With a label, the
 * workers run inside pf_capture_do(label) and an unlabelled spin in
 * main_only_spin runs on the main thread.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "workload.h"

/* One unit is 1-3 M iterations (a few ms), drawn at random per round:
 * a fixed period would alias with the kernel tick that drives CPU
 * timers and sample the same phase of the loop over and over. */
#define UNIT 1000000

static volatile uint64_t sink;
static double g_seconds;
static atomic_int g_go;
static const pf_labelset *g_labels;

__attribute__((noinline)) static void spin(long n)
{
    uint64_t x = sink;
    for (long i = 0; i < n; i++)
        x = x * 6364136223846793005ull + 1442695040888963407ull;
    sink = x;
}

__attribute__((noinline)) void three_parts(long u) { spin(3 * u); }
__attribute__((noinline)) void one_part(long u) { spin(u); }

static int work(void *arg)
{
    int64_t until = wl_thread_cpu_ns() + (int64_t)(g_seconds * 1e9);
    uint64_t r = (uint64_t)(uintptr_t)&until;

    (void)arg;
    while (wl_thread_cpu_ns() < until) {
        long u;
        r = r * 6364136223846793005ull + 1442695040888963407ull;
        u = UNIT + (long)((r >> 33) % (2 * UNIT));
        three_parts(u);
        one_part(u);
    }
    return 0;
}

static void *worker(void *arg)
{
    while (!atomic_load(&g_go))
        usleep(1000);
    if (g_labels)
        pf_capture_do(g_labels, work, arg);
    else
        work(arg);
    return NULL;
}

__attribute__((noinline)) void main_only_spin(void)
{
    int64_t until = wl_thread_cpu_ns() + 200000000;
    while (wl_thread_cpu_ns() < until)
        spin(UNIT);
}

int main(int argc, char **argv)
{
    pthread_t th[64];
    pf_writer w;
    int n, rate, err;
    bool before;

    if (argc < 6) {
        fprintf(stderr, "usage: cpu_split OUT THREADS SECONDS RATE "
                        "before|after [KEY=VALUE]\n");
        return 2;
    }
    n = atoi(argv[2]);
    g_seconds = atof(argv[3]);
    rate = atoi(argv[4]);
    before = strcmp(argv[5], "before") == 0;
    if (n < 1 || n > 64)
        return 2;
    if (argc > 6) {
        char *eq = strchr(argv[6], '=');
        const char *kv[2];
        if (!eq)
            return 2;
        *eq = 0;
        kv[0] = argv[6];
        kv[1] = eq + 1;
        if ((err = pf_labelset_new(&g_labels, kv, 1)) < 0)
            wl_die("labels", err);
    }
    if ((err = pf_capture_cpu_set_rate(rate)) < 0)
        wl_die("rate", err);
    if ((err = pf_capture_writer_open(&w, argv[1])) < 0)
        wl_die(argv[1], err);
    if (before)
        for (int i = 0; i < n; i++)
            pthread_create(&th[i], NULL, worker, NULL);
    if ((err = pf_capture_cpu_start(w)) < 0)
        wl_die("start", err);
    if (!before)
        for (int i = 0; i < n; i++)
            pthread_create(&th[i], NULL, worker, NULL);
    atomic_store(&g_go, 1);
    if (g_labels)
        main_only_spin();
    for (int i = 0; i < n; i++)
        pthread_join(th[i], NULL);
    if ((err = pf_capture_cpu_stop()) < 0)
        wl_die("stop", err);
    if ((err = pf_capture_writer_close(&w)) < 0)
        wl_die(argv[1], err);
    return 0;
}
