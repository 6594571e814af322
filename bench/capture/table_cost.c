/*
 * Cost of the DWARF unwind tables: time and memory to compile them for
 * the modules of this process (the program, libc, libm, libdw, libelf,
 * zlib, ... as linked) with pf_capture_set_unwind, then the cost of a
 * refresh that finds nothing changed.
 *
 *   cc -O2 -Ilibprofile -Ilibprofile/capture bench/capture/table_cost.c \
 *       build/lib/libprofile-capture.a build/lib/libprofile.a \
 *       $(pkg-config --libs libprotobuf-c zlib libdw libdeflate) -ldl -lrt \
 *       -lpthread -lm -o /tmp/table_cost && PPROF_UNWIND=fp /tmp/table_cost
 */
#include <stdio.h>
#include <sys/resource.h>
#include <time.h>

#include "capture.h"

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(void)
{
    size_t mods, rows, bytes;
    struct rusage ru0, ru1;
    double t0, t1, t2;

    getrusage(RUSAGE_SELF, &ru0);
    t0 = now_ms();
    if (pf_capture_set_unwind(PF_CAPTURE_UNWIND_DWARF) < 0) {
        fprintf(stderr, "table_cost: %s\n", pf_error_last());
        return 1;
    }
    t1 = now_ms();
    pf_capture_set_unwind(PF_CAPTURE_UNWIND_DWARF);
    t2 = now_ms();
    getrusage(RUSAGE_SELF, &ru1);
    pf_capture_unwind_stats(&mods, &rows, &bytes);
    printf("build: %.2f ms, %zu modules, %zu rows, %zu bytes of tables "
           "(%.1f B/row), max RSS +%ld KiB\n", t1 - t0, mods, rows, bytes,
           rows ? (double)bytes / (double)rows : 0.0,
           ru1.ru_maxrss - ru0.ru_maxrss);
    printf("unchanged refresh: %.3f ms\n", t2 - t1);
    return 0;
}
