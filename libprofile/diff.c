/*
 * Diff profiles as `pprof -diff_base` / `-base` do (docs/FORMATS.md 5.4;
 * the reference's fetchProfiles): optionally normalize the new profile
 * to the base's totals, label the base samples pprof::base=true
 * (diff_base only), negate the base and merge [new, base].
 *
 * The scaling and the label are applied by the merger while it reads
 * each input (pf_merge_xform), in the same order as the reference
 * applies them to its copies; only -normalize needs a compacted copy of
 * the new profile, because rounding happens per combined sample.
 */
#include "merge_priv.h"

#include <stdlib.h>

static int64_t column_sum(const pf_profile *p, size_t col)
{
    uint64_t s = 0;     /* Go's int64 sums wrap */
    size_t i, nv = p->nsample_types;

    for (i = 0; i < p->nsamples; i++)
        s += (uint64_t)p->values[i * nv + col];
    return (int64_t)s;
}

static double ratio_of(int64_t base, int64_t cur)
{
    return cur == 0 ? 0.0 : (double)base / (double)cur;
}

int pf_profile_normalize_ratios(double *ratios, size_t n,
                                const pf_profile *base, const pf_profile *cur)
{
    size_t i;

    PF_TRY(pf__check_compatible(cur, base));
    if (n != cur->nsample_types)
        return pf__error_set(PF_EINVAL,
                             "mismatched scale ratios, got %zu, want %zu", n,
                             cur->nsample_types);
    for (i = 0; i < n; i++)
        ratios[i] = ratio_of(column_sum(base, i), column_sum(cur, i));
    return PF_OK;
}

static int column_of(const pf_profile *p, const char *name)
{
    size_t i;

    for (i = 0; i < p->nsample_types; i++) {
        if (strcmp(p->sample_types[i].type, name) == 0)
            return (int)i;
    }
    return -1;
}

int pf_profile_diff(pf_profile **out, const pf_profile *base,
                    const pf_profile *cur, const pf_diff_opts *opts)
{
    pf_diff_opts o = PF_DIFF_OPTS_INIT;
    pf_merge_opts mo = PF_MERGE_OPTS_INIT;
    pf_merge_xform xcur = { NULL, NULL, NULL }, xbase = { NULL, NULL, NULL };
    const pf_profile *both[2];
    const char **names = NULL;
    double *rcur = NULL, *rbase = NULL;
    pf_merger *m = NULL;
    pf_profile *compact = NULL;
    size_t n, i;
    int err;

    *out = NULL;
    if (opts) {
        if (opts->version != PF_DIFF_OPTS_VERSION)
            return pf__error_set(PF_EINVAL, "diff options: version %u, want %u",
                                 opts->version, PF_DIFF_OPTS_VERSION);
        o = *opts;
    }
    if (o.mode != PF_DIFF_MODE_DIFF_BASE && o.mode != PF_DIFF_MODE_BASE)
        return pf__error_set(PF_EINVAL, "diff options: unknown mode %d",
                             (int)o.mode);
    mo.common_types = o.common_types;
    mo.scale_units = o.scale_units && !o.normalize;
    if ((err = pf_merger_new(&m, &mo)) < 0)
        return err;
    if (o.common_types) {
        /* The new profile is merged first, so its order rules. */
        both[0] = cur;
        both[1] = base;
        if ((err = pf__common_types(&names, &n, both, 2)) < 0 ||
            (err = pf__merger_preset_types(m, names, n)) < 0)
            goto done;
    } else {
        /* Checked here so that the message reads "base vs new". */
        if ((err = pf__check_compatible_x(base, cur, mo.scale_units)) < 0)
            goto done;
        n = cur->nsample_types;
    }
    rcur = pf__calloc(n ? n : 1, sizeof(*rcur));
    rbase = pf__calloc(n ? n : 1, sizeof(*rbase));
    if (!rcur || !rbase) {
        err = pf__error_oom();
        goto done;
    }
    for (i = 0; i < n; i++) {
        int cc = names ? column_of(cur, names[i]) : (int)i;
        int cb = names ? column_of(base, names[i]) : (int)i;
        rcur[i] = ratio_of(column_sum(base, (size_t)cb),
                           column_sum(cur, (size_t)cc));
        rbase[i] = -1.0;
    }
    if (o.normalize) {
        /* The reference scales its compacted copy of NEW (every input
         * is merged alone first), so samples with equal keys are
         * combined before rounding: do the same. */
        if ((err = pf_profile_merge(&compact, &cur, 1, NULL)) < 0)
            goto done;
        cur = compact;
        xcur.ratios = rcur;
    }
    xbase.ratios = rbase;
    if (o.mode == PF_DIFF_MODE_DIFF_BASE) {
        xbase.set_label_key = PF_DIFF_BASE_LABEL;
        xbase.set_label_value = "true";
    }
    if ((err = pf__merger_add_x(m, cur, &xcur)) < 0 ||
        (err = pf__merger_add_x(m, base, &xbase)) < 0)
        goto done;
    err = pf_merger_finish(out, m);
done:
    pf__free(names);
    pf__free(rcur);
    pf__free(rbase);
    pf_merger_free(m);
    pf_profile_free(compact);
    return err;
}
