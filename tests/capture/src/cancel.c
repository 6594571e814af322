/* Cancellation workload (cancel_work.h) linked with libprofile-capture:
 * with OUT given, the CPU profile runs around the workload through the
 * API (pf_capture_cpu_start/stop at RATE Hz); without, PPROF_CPU and
 * the library's destructor do it, as in preload mode.
 *
 *   cancel async|deferred WAVES THREADS [OUT RATE]
 */
#include "cancel_work.h"
#include "workload.h"

int main(int argc, char **argv)
{
    pf_writer w;
    int err, rc;

    if (argc != 6)
        return cancel_main(argc, argv);
    if ((err = pf_capture_cpu_set_rate(atoi(argv[5]))) < 0)
        wl_die("rate", err);
    if ((err = pf_capture_writer_open(&w, argv[4])) < 0)
        wl_die(argv[4], err);
    if ((err = pf_capture_cpu_start(w)) < 0)
        wl_die("cpu start", err);
    rc = cancel_main(4, argv);
    if ((err = pf_capture_cpu_stop()) < 0)
        wl_die("cpu stop", err);
    if ((err = pf_capture_writer_close(&w)) < 0)
        wl_die("close", err);
    return rc;
}
