/*
 * Folded stacks ("collapsed", the input of flamegraph.pl):
 *
 *     root;caller;...;leaf VALUE
 *
 * one line per distinct stack of frame names, inline frames expanded
 * into names of their own, values of one sample type summed over all
 * samples with that stack (labels and addresses do not count), lines
 * in byte order of the stack text so the output does not depend on
 * sample order, stacks whose sum is 0 left out.
 *
 * Names: the function name; an unsymbolized frame is its address
 * "0x..." (so distinct addresses stay distinct) and an empty stack the
 * single frame "[unknown]", so totals are kept. ';' inside a name
 * would split the frame and a newline the line: both are written as
 * ':' and ' '.
 */
#include "text_write.h"

#include <stdlib.h>

static int add_name(char **buf, size_t *len, size_t *cap, const char *s,
                    size_t n)
{
    size_t need, i;

    if (!pf__add_ok(*len, n + 1, &need))
        return pf__error_set(PF_ETOOBIG, "stack too long");
    PF_TRY(PF_VEC_RESERVE(*buf, *cap, need));
    if (*len)
        (*buf)[(*len)++] = ';';
    for (i = 0; i < n; i++) {
        char ch = s[i];
        (*buf)[(*len)++] = ch == ';' ? ':' : (ch == '\n' || ch == '\r') ? ' '
                                                                        : ch;
    }
    return PF_OK;
}

static int cmp_key(const void *a, const void *b, void *ctx)
{
    return pf__keytab_cmp(ctx, *(const uint32_t *)a, *(const uint32_t *)b);
}

int pf_profile_write_folded(const pf_profile *p, pf_writer w,
                            int sample_index)
{
    pf_keytab kt;
    pf_tsink out;
    char *key = NULL, hex[24];
    size_t kcap = 0, i, nord = 0;
    uint32_t *ord = NULL;
    int idx = sample_index, err = PF_OK;

    if (idx < 0)
        idx = pf_profile_default_index(p);
    if (idx < 0)
        return pf__error_set(PF_EUNSUPPORTED,
                             "profile has no sample types to fold");
    if ((size_t)idx >= p->nsample_types)
        return pf__error_set(PF_EINVAL,
                             "sample index %d out of range (profile has "
                             "%zu sample types)", idx, p->nsample_types);
    pf__keytab_init(&kt);
    pf__tsink_init(&out, w);
    for (i = 0; i < p->nsamples; i++) {
        const pf_sample *s = &p->samples[i];
        const uint32_t *locs = pf__sample_locs(p, s);
        int64_t v = pf__sample_vals(p, i)[idx];
        size_t klen = 0, j;

        if (v == 0)
            continue;
        /* Root first: walk the locations backwards, and each
         * location's lines from the outermost (last) inwards. */
        for (j = s->nloc; j-- > 0;) {
            const pf_location *l = &p->locations[locs[j]];
            const pf_line *ln = pf__loc_lines(p, l);
            uint32_t k;

            if (l->nline == 0) {
                int n = snprintf(hex, sizeof(hex), "0x%llx",
                                 (unsigned long long)l->address);
                if ((err = add_name(&key, &klen, &kcap, hex, (size_t)n)) < 0)
                    goto done;
                continue;
            }
            for (k = l->nline; k-- > 0;) {
                const char *name = pf__func_display(p, ln[k].function);
                size_t n = pf__strlen(name);
                if (n == 0)
                    n = (size_t)snprintf(hex, sizeof(hex), "0x%llx",
                                         (unsigned long long)l->address),
                    name = hex;
                if ((err = add_name(&key, &klen, &kcap, name, n)) < 0)
                    goto done;
            }
        }
        if (s->nloc == 0 &&
            (err = add_name(&key, &klen, &kcap, "[unknown]", 9)) < 0)
            goto done;
        if ((err = pf__keytab_add(&kt, NULL, key, klen, v, (uint32_t)i)) < 0)
            goto done;
    }
    if (kt.n && !(ord = pf__malloc(kt.n * sizeof(*ord)))) {
        err = pf__error_oom();
        goto done;
    }
    for (i = 0; i < kt.n; i++)
        if (kt.sum[i] != 0)
            ord[nord++] = (uint32_t)i;
    if (nord)
        qsort_r(ord, nord, sizeof(*ord), cmp_key, &kt);
    for (i = 0; i < nord && err == PF_OK; i++) {
        size_t klen;
        const char *k = pf__keytab_key(&kt, ord[i], &klen);

        if ((err = pf__tsink_put(&out, k, klen)) == PF_OK)
            err = pf__tsink_printf(&out, " %lld\n", (long long)kt.sum[ord[i]]);
    }
done:
    if (err < 0 && out.err == PF_OK)
        out.err = err;
    {
        int ferr = pf__tsink_finish(&out);
        if (err == PF_OK)
            err = ferr;
    }
    pf__keytab_release(&kt);
    pf__free(key);
    pf__free(ord);
    return err;
}
