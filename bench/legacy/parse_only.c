/*
 * bench/legacy helper: time pf_profile_read alone on a file already in
 * memory (no file reading, no encoding), best of N runs.
 *   parse_only FILE [N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "profile.h"

int main(int argc, char **argv)
{
    FILE *f;
    long n;
    char *buf;
    double best = -1;
    int i, runs = argc > 2 ? atoi(argv[2]) : 3;

    if (argc < 2 || !(f = fopen(argv[1], "rb")))
        return 2;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
        return 1;
    fclose(f);
    for (i = 0; i < runs; i++) {
        struct timespec a, b;
        pf_profile *p;
        double s;
        clock_gettime(CLOCK_MONOTONIC, &a);
        if (pf_profile_read(&p, NULL, buf, (size_t)n, NULL) != PF_OK) {
            fprintf(stderr, "parse_only: %s: %s\n", argv[1], pf_error_last());
            return 1;
        }
        clock_gettime(CLOCK_MONOTONIC, &b);
        pf_profile_free(p);
        s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
        if (best < 0 || s < best)
            best = s;
    }
    printf("%.3f\n", best);
    free(buf);
    return 0;
}
