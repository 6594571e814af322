/*
 * The reports that need no call graph: pprof -tags and -comments, as
 * text in pprof's layout (Go 1.19 printTags / printComments) or JSON.
 *
 * -tags sums the selected value of every sample per label value; a
 * numeric label's value is formatted first (pprof's ScaledLabel in
 * the key's unit), so 1024 and "1kB" are one row. Keys print sorted
 * by name, values by |sum| (then name). pprof lays the text out with
 * a right-aligning tabwriter; the two columns are right-aligned here
 * the same way, measuring widths in UTF-8 characters as it does.
 */
#include "report_priv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct tagent {
    const char *key, *val;      /* interned in the report's profile */
    int64_t sum;
} tagent;

static uint64_t tag_hash(const char *key, const char *val)
{
    return pf__hash_mix(pf__hash_mix(0x7a65u, (uint64_t)(uintptr_t)key),
                        (uint64_t)(uintptr_t)val);
}

static bool tag_eq(const void *ctx, uint32_t idx, const void *k)
{
    const tagent *e = &((const tagent *)ctx)[idx];
    const char *const *kv = k;
    return e->key == kv[0] && e->val == kv[1];
}

static int64_t abs64(int64_t v)
{
    return v < 0 ? (int64_t)(0 - (uint64_t)v) : v;
}

/* Keys by name; within a key, |sum| descending, then value name. */
static int tag_cmp(const void *x, const void *y)
{
    const tagent *a = x, *b = y;
    int r;

    if (a->key != b->key && (r = strcmp(a->key, b->key)) != 0)
        return r;
    if (abs64(a->sum) != abs64(b->sum))
        return abs64(a->sum) > abs64(b->sum) ? -1 : 1;
    return strcmp(a->val, b->val);
}

static int pad(pf_writer w, size_t n)
{
    static const char sp[] = "                                ";
    while (n > 0) {
        size_t k = n < sizeof(sp) - 1 ? n : sizeof(sp) - 1;
        PF_TRY(pf__write(w, sp, k));
        n -= k;
    }
    return PF_OK;
}

/* "%.1f%s" of V scaled from the sample unit to UNIT (measurement.Scale). */
static void scaled(char *buf, size_t size, int64_t v, const char *from,
                   const char *unit)
{
    const char *u;
    double f = pf_unit_scale(v, from, unit, &u);
    snprintf(buf, size, "%.1f%s", f, u);
}

/* Collect the (key, value) sums of P into *OUT (sorted). */
static int collect(tagent **out, size_t *nout, pf_profile *p, size_t idx,
                   const char *unit)
{
    pf_numunits units;
    pf_idxset set;
    tagent *e = NULL;
    size_t n = 0, cap = 0;
    int err;

    memset(&units, 0, sizeof(units));
    pf__idxset_init(&set);
    if ((err = pf__numunits_init(&units, p)) < 0)
        goto done;
    for (size_t si = 0; si < p->nsamples; si++) {
        const pf_sample *s = &p->samples[si];
        const pf_label *l = pf__sample_labels(p, s);
        int64_t v = pf__sample_vals(p, si)[idx];

        for (uint32_t i = 0; i < s->nlabel; i++) {
            const char *kv[2] = { l[i].key, l[i].str };
            uint64_t h;
            uint32_t k;

            if (!l[i].str[0]) {
                char buf[64];
                pf_unit_label(buf, sizeof(buf), l[i].num,
                              pf__numunits_get(&units, l[i].key), unit);
                if (!(kv[1] = pf_profile_intern(p, buf))) {
                    err = pf__error_oom();
                    goto done;
                }
            }
            h = tag_hash(kv[0], kv[1]);
            k = pf__idxset_find(&set, h, tag_eq, e, kv);
            if (k == PF_NONE) {
                if ((err = PF_VEC_RESERVE(e, cap, n + 1)) < 0 ||
                    (err = pf__idxset_insert(&set, h, (uint32_t)n)) < 0)
                    goto done;
                e[n].key = kv[0];
                e[n].val = kv[1];
                e[n].sum = 0;
                k = (uint32_t)n++;
            }
            e[k].sum = (int64_t)((uint64_t)e[k].sum + (uint64_t)v);
        }
    }
    if (n > 1)
        qsort(e, n, sizeof(*e), tag_cmp);
    *out = e;
    *nout = n;
    e = NULL;
    err = PF_OK;
done:
    pf__free(e);
    pf__idxset_release(&set);
    pf__numunits_release(&units);
    return err;
}

/* A value's cell: "1.2s (64.48%):", or "1.2s:" when the total is not
 * positive (pprof prints no percentage then). */
static void value_cell(char *buf, size_t size, int64_t v, int64_t total,
                       const char *from, const char *unit)
{
    char t[96], pc[32];

    scaled(t, sizeof(t), v, from, unit);
    if (total > 0) {
        pf_unit_percentage(pc, sizeof(pc), v, total);
        snprintf(buf, size, "%s (%s):", t, pc);
    } else {
        snprintf(buf, size, "%s:", t);
    }
}

static int write_tags_text(pf_writer w, const tagent *e, size_t n,
                           const char *from, const char *unit)
{
    for (size_t i = 0, end; i < n; i = end) {
        int64_t total = 0;
        size_t w0, w1 = 0;
        char t[96], c[160];

        for (end = i; end < n && e[end].key == e[i].key; end++)
            total = (int64_t)((uint64_t)total + (uint64_t)e[end].sum);
        /* Column widths: the widest cell plus one space of padding. */
        w0 = pf__utf8_chars(e[i].key) + 1 + 1;
        if (w0 < 2)
            w0 = 2;
        for (size_t j = i; j < end; j++) {
            size_t cw;
            value_cell(c, sizeof(c), e[j].sum, total, from, unit);
            cw = pf__utf8_chars(c) + 1;
            if (cw > w1)
                w1 = cw;
        }
        scaled(t, sizeof(t), total, from, unit);
        PF_TRY(pad(w, w0 - pf__utf8_chars(e[i].key) - 1));
        PF_TRY(pf__writef(w, "%s: Total %s\n", e[i].key, t));
        for (size_t j = i; j < end; j++) {
            value_cell(c, sizeof(c), e[j].sum, total, from, unit);
            PF_TRY(pad(w, w0 - 1));
            PF_TRY(pad(w, w1 - pf__utf8_chars(c)));
            PF_TRY(pf__writef(w, " %s %s\n", c, e[j].val));
        }
        PF_TRY(pf__write(w, "\n", 1));
    }
    return PF_OK;
}

static double pct_of(int64_t v, int64_t total)
{
    return total ? fabs((double)v / (double)total) * 100 : 0;
}

static int write_tags_json(pf_writer w, const tagent *e, size_t n,
                           const char *stype, const char *from,
                           const char *unit)
{
    size_t nkeys = 0;

    PF_TRY(pf__writef(w, "{\n  \"schema\": \"libprofile.tags/1\",\n"
                      "  \"sample_type\": "));
    PF_TRY(pf__json_str(w, stype));
    PF_TRY(pf__writef(w, ",\n  \"sample_unit\": "));
    PF_TRY(pf__json_str(w, from));
    PF_TRY(pf__writef(w, ",\n  \"output_unit\": "));
    PF_TRY(pf__json_str(w, unit));
    PF_TRY(pf__writef(w, ",\n  \"keys\": ["));
    for (size_t i = 0, end; i < n; i = end) {
        int64_t total = 0;
        for (end = i; end < n && e[end].key == e[i].key; end++)
            total = (int64_t)((uint64_t)total + (uint64_t)e[end].sum);
        PF_TRY(pf__writef(w, "%s\n    {\"key\": ", nkeys++ ? "," : ""));
        PF_TRY(pf__json_str(w, e[i].key));
        PF_TRY(pf__writef(w, ", \"total\": %lld, \"values\": [",
                          (long long)total));
        for (size_t j = i; j < end; j++) {
            PF_TRY(pf__writef(w, "%s\n      {\"value\": ", j > i ? "," : ""));
            PF_TRY(pf__json_str(w, e[j].val));
            PF_TRY(pf__writef(w, ", \"total\": %lld, \"pct\": %.4f}",
                              (long long)e[j].sum, pct_of(e[j].sum, total)));
        }
        PF_TRY(pf__writef(w, "\n    ]}"));
    }
    return pf__writef(w, "%s]\n}\n", nkeys ? "\n  " : "");
}

int pf__report_tags(pf_profile *p, pf_writer w, size_t idx,
                    const char *sample_type, const char *sample_unit,
                    const char *unit, bool json)
{
    tagent *e = NULL;
    size_t n = 0;
    int err;

    if ((err = collect(&e, &n, p, idx, unit)) < 0)
        return err;
    err = json ? write_tags_json(w, e, n, sample_type, sample_unit, unit)
               : write_tags_text(w, e, n, sample_unit, unit);
    pf__free(e);
    return err;
}

int pf__report_comments(const pf_profile *p, pf_writer w, bool json)
{
    if (!json) {
        for (size_t i = 0; i < p->ncomments; i++)
            PF_TRY(pf__writef(w, "%s\n", p->comments[i]));
        return PF_OK;
    }
    PF_TRY(pf__writef(w, "{\n  \"schema\": \"libprofile.comments/1\",\n"
                      "  \"comments\": ["));
    for (size_t i = 0; i < p->ncomments; i++) {
        PF_TRY(pf__writef(w, "%s\n    ", i ? "," : ""));
        PF_TRY(pf__json_str(w, p->comments[i]));
    }
    return pf__writef(w, "%s]\n}\n", p->ncomments ? "\n  " : "");
}
