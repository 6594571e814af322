/*
 * Test input generator for the unit-conversion interop cases: rewrite a
 * profile so that the same data is expressed in other units, the way a
 * different profiler might have written it.
 *
 *   rescale_units IN OUT [COL=UNIT]... [period=UNIT]
 *
 * COL is a sample type index; its values are converted into UNIT with
 * pprof's unit tables (pf_unit_scale), rounded to integers, and its
 * unit renamed (no sample is dropped, even if it becomes all zero: such
 * inputs exercise the ScaleN rule of the merge); period=UNIT does the
 * same to the period (truncated).
 * OUT is written as gzipped profile.proto. Test code: it reaches into
 * the model (internal.h) to rename units, which the public API does not
 * offer.
 */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    size_t cap = 0, n = 0, r;

    if (!f)
        return NULL;
    do {
        if (n == cap) {
            cap = cap ? 2 * cap : 1 << 16;
            buf = realloc(buf, cap);
            if (!buf)
                break;
        }
        r = fread(buf + n, 1, cap - n, f);
        n += r;
    } while (r > 0);
    fclose(f);
    *len = n;
    return buf;
}

int main(int argc, char **argv)
{
    pf_profile *p = NULL;
    double *ratios;
    size_t len = 0, nv;
    unsigned char *buf;
    const char *u;
    FILE *out;
    int i;

    if (argc < 3) {
        fprintf(stderr, "usage: rescale_units IN OUT [COL=UNIT]... "
                        "[period=UNIT]\n");
        return 2;
    }
    buf = slurp(argv[1], &len);
    if (!buf || pf_profile_read(&p, NULL, buf, len, NULL) < 0) {
        fprintf(stderr, "rescale_units: %s: %s\n", argv[1], pf_error_last());
        return 1;
    }
    free(buf);
    nv = p->nsample_types;
    ratios = calloc(nv ? nv : 1, sizeof(*ratios));
    for (size_t j = 0; j < nv; j++)
        ratios[j] = 1.0;
    for (i = 3; i < argc; i++) {
        const char *eq = strchr(argv[i], '=');
        const char *unit = eq ? eq + 1 : "";
        if (!eq) {
            fprintf(stderr, "rescale_units: bad spec '%s'\n", argv[i]);
            return 2;
        }
        if (strncmp(argv[i], "period=", 7) == 0) {
            p->period = (int64_t)pf_unit_scale(p->period, p->period_type.unit,
                                               unit, &u);
            p->period_type.unit = pf_profile_intern(p, unit);
        } else {
            size_t col = strtoul(argv[i], NULL, 10);
            if (col >= nv) {
                fprintf(stderr, "rescale_units: no column %zu\n", col);
                return 2;
            }
            ratios[col] = pf_unit_scale(1, p->sample_types[col].unit, unit, &u);
            p->sample_types[col].unit = pf_profile_intern(p, unit);
        }
    }
    for (size_t k = 0; k < p->nsamples; k++)
        for (size_t j = 0; j < nv; j++)
            p->values[k * nv + j] =
                (int64_t)llround((double)p->values[k * nv + j] * ratios[j]);
    out = fopen(argv[2], "wb");
    if (!out || pf_profile_encode(p, pf_writer_file(out), NULL) < 0 ||
        fclose(out) != 0) {
        fprintf(stderr, "rescale_units: %s: cannot write\n", argv[2]);
        return 1;
    }
    free(ratios);
    pf_profile_free(p);
    return 0;
}
