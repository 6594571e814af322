/*
 * Benchmark helper: CPU time of pf_profile_symbolize alone (the library
 * call), without reading or writing the profile.
 *   symtime PROFILE [REPEAT]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "profile.h"

static double cpu_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    int rep = argc > 2 ? atoi(argv[2]) : 3, i;
    double best = 1e9;
    FILE *f;
    unsigned char *buf;
    long n;

    if (argc < 2 || !(f = fopen(argv[1], "rb")))
        return 2;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
        return 1;
    fclose(f);
    for (i = 0; i < rep; i++) {
        pf_profile *p = NULL;
        pf_symbolize_report r = PF_SYMBOLIZE_REPORT_INIT;
        double t0, t1;
        if (pf_profile_read(&p, NULL, buf, (size_t)n, NULL) < 0)
            return 1;
        t0 = cpu_now();
        if (pf_profile_symbolize(p, NULL, &r) < 0)
            return 1;
        t1 = cpu_now();
        if (t1 - t0 < best)
            best = t1 - t0;
        pf_symbolize_report_release(&r);
        pf_profile_free(p);
    }
    printf("%.3f\n", best);
    free(buf);
    return 0;
}
