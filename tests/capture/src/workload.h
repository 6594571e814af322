/* Helpers shared by the capture workload programs. */
#ifndef TESTS_CAPTURE_WORKLOAD_H
#define TESTS_CAPTURE_WORKLOAD_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "capture.h"

static inline void wl_die(const char *what, int err)
{
    fprintf(stderr, "%s: %s: %s\n", what, pf_strerror(err), pf_error_last());
    exit(1);
}

static inline int64_t wl_thread_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Write capture profile NAME to PATH with DEBUG. */
static inline void wl_write_profile(const char *name, const char *path,
                                    int debug)
{
    pf_capture_profile *p = pf_capture_lookup(name);
    pf_writer w;
    int err;

    if (!p) {
        fprintf(stderr, "unknown profile %s\n", name);
        exit(1);
    }
    if ((err = pf_capture_writer_open(&w, path)) < 0)
        wl_die(path, err);
    if ((err = pf_capture_profile_write(p, w, debug)) < 0)
        wl_die(name, err);
    if ((err = pf_capture_writer_close(&w)) < 0)
        wl_die(path, err);
}

#endif
