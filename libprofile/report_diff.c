/*
 * The change table of a diff, the gate on it and its JSON (the
 * pprofdiff tool; profile.h, "change table").
 *
 * The table is read off a diff_base profile (pf_profile_diff): base
 * samples carry pprof::base=true and were negated, so both sides stay
 * apart after normalization and common-type reduction exactly as the
 * diff has them. One row per function name; a sample adds its value to
 * the flat of its leaf frame's row and, once per sample, to the cum of
 * every row on its stack (recursion counts once, as in pprof).
 */
#include "report_priv.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct trow {
    pf_diff_row r;
    size_t stamp;               /* last sample counted in cum, + 1 */
} trow;

typedef struct tpriv {
    pf_profile *names;          /* interns row names */
    trow *rows;
    size_t nrows, cap;
    pf_idxset set;              /* name pointer -> row */
} tpriv;

static bool row_eq(const void *ctx, uint32_t idx, const void *key)
{
    return ((const trow *)ctx)[idx].r.name == key;
}

static uint64_t name_hash(const char *name)
{
    return pf__hash_mix(0xd1ffu, (uint64_t)(uintptr_t)name);
}

/* The row of NAME (copied into the table), added if new. */
static int row_of(tpriv *t, const char *name, uint32_t *out)
{
    const char *s = pf_profile_intern(t->names, name);
    uint64_t h;
    uint32_t k;

    if (!s)
        return pf__error_oom();
    h = name_hash(s);
    k = pf__idxset_find(&t->set, h, row_eq, t->rows, s);
    if (k == PF_NONE) {
        PF_TRY(PF_VEC_RESERVE(t->rows, t->cap, t->nrows + 1));
        PF_TRY(pf__idxset_insert(&t->set, h, (uint32_t)t->nrows));
        memset(&t->rows[t->nrows], 0, sizeof(trow));
        t->rows[t->nrows].r.name = s;
        k = (uint32_t)t->nrows++;
    }
    *out = k;
    return PF_OK;
}

static bool is_base_sample(const pf_profile *p, const pf_sample *s)
{
    const pf_label *l = pf__sample_labels(p, s);

    for (uint32_t j = 0; j < s->nlabel; j++)
        if (strcmp(l[j].key, PF_DIFF_BASE_LABEL) == 0 &&
            strcmp(l[j].str, "true") == 0)
            return true;
    return false;
}

static int64_t abs64(int64_t v)
{
    return v < 0 ? (int64_t)(0 - (uint64_t)v) : v;
}

static int64_t delta(const pf_diff_row *r, bool cum)
{
    return cum ? r->new_cum - r->base_cum : r->new_flat - r->base_flat;
}

static int row_cmp(const void *a, const void *b, void *ctx)
{
    const pf_diff_row *x = &((const trow *)a)->r, *y = &((const trow *)b)->r;
    bool cum = *(const bool *)ctx;
    int64_t dx = abs64(delta(x, cum)), dy = abs64(delta(y, cum));

    if (dx != dy)
        return dx > dy ? -1 : 1;
    dx = abs64(delta(x, !cum));
    dy = abs64(delta(y, !cum));
    if (dx != dy)
        return dx > dy ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* Rows of every location's frames, innermost first, in
 * LOC_ROWS[LOC_OFF[i] .. LOC_OFF[i+1]). */
static int location_rows(tpriv *t, const pf_profile *d, uint32_t **loc_off,
                         uint32_t **loc_rows)
{
    uint32_t *fn_row = NULL, *off = NULL, *rows = NULL;
    size_t total = 0;
    int err = PF_OK;

    fn_row = pf__malloc((d->nfunctions + 1) * sizeof(*fn_row));
    off = pf__malloc((d->nlocations + 1) * sizeof(*off));
    if (!fn_row || !off) {
        err = pf__error_oom();
        goto done;
    }
    for (size_t i = 0; i < d->nfunctions; i++)
        if ((err = row_of(t, d->functions[i].name, &fn_row[i])) < 0)
            goto done;
    for (size_t i = 0; i < d->nlocations; i++)
        total += d->locations[i].nline ? d->locations[i].nline : 1;
    rows = pf__malloc((total + 1) * sizeof(*rows));
    if (!rows) {
        err = pf__error_oom();
        goto done;
    }
    total = 0;
    for (size_t i = 0; i < d->nlocations; i++) {
        const pf_location *l = &d->locations[i];
        const pf_line *ln = pf__loc_lines(d, l);

        off[i] = (uint32_t)total;
        if (l->nline == 0) {
            const pf_mapping *m = l->mapping == PF_NONE
                                      ? NULL : &d->mappings[l->mapping];
            const char *file = m ? m->file : "", *slash = strrchr(file, '/');
            char buf[300];
            if (slash)
                file = slash + 1;
            if (file[0])
                snprintf(buf, sizeof(buf), "%s 0x%llx", file,
                         (unsigned long long)l->address);
            else
                snprintf(buf, sizeof(buf), "0x%llx",
                         (unsigned long long)l->address);
            if ((err = row_of(t, buf, &rows[total++])) < 0)
                goto done;
        }
        for (uint32_t k = 0; k < l->nline; k++)
            rows[total++] = fn_row[ln[k].function];
    }
    off[d->nlocations] = (uint32_t)total;
    *loc_off = off;
    *loc_rows = rows;
    off = rows = NULL;
done:
    pf__free(fn_row);
    pf__free(off);
    pf__free(rows);
    return err;
}

static int table_fill(pf_diff_table *tab, tpriv *t, const pf_profile *d,
                      size_t si)
{
    uint32_t *loc_off = NULL, *loc_rows = NULL;

    PF_TRY(location_rows(t, d, &loc_off, &loc_rows));
    for (size_t i = 0; i < d->nsamples; i++) {
        const pf_sample *s = &d->samples[i];
        const uint32_t *locs = pf__sample_locs(d, s);
        int64_t v = pf__sample_vals(d, i)[si];
        bool isbase = is_base_sample(d, s);

        if (isbase) {
            v = -v;             /* base samples were negated */
            tab->base_total += v;
        } else {
            tab->new_total += v;
        }
        if (s->nloc == 0)
            continue;
        if (isbase)
            t->rows[loc_rows[loc_off[locs[0]]]].r.base_flat += v;
        else
            t->rows[loc_rows[loc_off[locs[0]]]].r.new_flat += v;
        for (uint32_t j = 0; j < s->nloc; j++) {
            for (uint32_t k = loc_off[locs[j]]; k < loc_off[locs[j] + 1]; k++) {
                trow *r = &t->rows[loc_rows[k]];
                if (r->stamp == i + 1)
                    continue;
                r->stamp = i + 1;
                if (isbase)
                    r->r.base_cum += v;
                else
                    r->r.new_cum += v;
            }
        }
    }
    pf__free(loc_off);
    pf__free(loc_rows);
    return PF_OK;
}

int pf_diff_table_new(pf_diff_table **out, const pf_profile *d,
                      int sample_index, bool by_cum)
{
    pf_diff_table *tab = NULL;
    tpriv *t = NULL;
    size_t keep = 0;
    int err;

    *out = NULL;
    if (sample_index < 0 || (size_t)sample_index >= d->nsample_types)
        return pf__error_set(PF_EINVAL, "sample index %d out of range",
                             sample_index);
    tab = pf__calloc(1, sizeof(*tab));
    t = pf__calloc(1, sizeof(*t));
    if (!tab || !t) {
        pf__free(tab);
        pf__free(t);
        return pf__error_oom();
    }
    pf__idxset_init(&t->set);
    tab->priv = t;
    if (!(t->names = pf_profile_new())) {
        err = pf__error_oom();
        goto fail;
    }
    tab->by_cum = by_cum;
    tab->sample_type = pf_profile_intern(
        t->names, d->sample_types[sample_index].type);
    tab->sample_unit = pf_profile_intern(
        t->names, d->sample_types[sample_index].unit);
    if (!tab->sample_type || !tab->sample_unit) {
        err = pf__error_oom();
        goto fail;
    }
    if ((err = table_fill(tab, t, d, (size_t)sample_index)) < 0)
        goto fail;
    if (t->nrows > 1)
        qsort_r(t->rows, t->nrows, sizeof(*t->rows), row_cmp, &by_cum);
    /* Rows with no change at all say nothing. */
    tab->rows = pf__malloc((t->nrows + 1) * sizeof(*tab->rows));
    if (!tab->rows) {
        err = pf__error_oom();
        goto fail;
    }
    for (size_t i = 0; i < t->nrows; i++)
        if (delta(&t->rows[i].r, false) != 0 || delta(&t->rows[i].r, true) != 0)
            tab->rows[keep++] = t->rows[i].r;
    tab->nrows = keep;
    pf__idxset_release(&t->set);
    pf__free(t->rows);
    t->rows = NULL;
    *out = tab;
    return PF_OK;
fail:
    pf_diff_table_free(tab);
    return err;
}

void pf_diff_table_free(pf_diff_table *tab)
{
    tpriv *t;

    if (!tab)
        return;
    t = tab->priv;
    if (t) {
        pf__idxset_release(&t->set);
        pf__free(t->rows);
        pf_profile_free(t->names);
        pf__free(t);
    }
    pf__free(tab->rows);
    pf__free(tab);
}

/* ------------------------------------------------------------------ */
/* The gate                                                            */

/* Threshold suffixes pprof's unit names lack. */
static const struct {
    const char *suffix;
    const char *as;             /* a unit pprof knows */
    double times;
} extra_units[] = {
    { "m", "s", 60 }, { "h", "s", 3600 }, { "KiB", "kB", 1 },
    { "KB", "kB", 1 }, { "MiB", "MB", 1 }, { "GiB", "GB", 1 },
    { "TiB", "TB", 1 },
};

int pf_diff_gate_set_abs(pf_diff_gate *g, const char *text, const char *unit)
{
    int fam, sfam;
    double base, f, v, times = 1;
    const char *suffix;
    char *end;

    errno = 0;
    v = strtod(text, &end);
    if (end == text || errno || v < 0 || !isfinite(v))
        goto bad;
    suffix = end;
    if (*suffix) {
        for (size_t i = 0; i < sizeof(extra_units) / sizeof(extra_units[0]);
             i++) {
            if (strcmp(suffix, extra_units[i].suffix) == 0) {
                suffix = extra_units[i].as;
                times = extra_units[i].times;
                break;
            }
        }
        if (!pf__unit_factor(unit, &fam, &base) ||
            !pf__unit_factor(suffix, &sfam, &f) || sfam != fam)
            goto bad;
        v = v * times * f / base;
    }
    g->abs = v;
    g->have_abs = true;
    return PF_OK;
bad:
    return pf__error_set(PF_EINVAL, "'%s' is not an amount of %s", text,
                         unit[0] ? unit : "(no unit)");
}

static bool pct_of(int64_t d, int64_t base, double *pct)
{
    if (base == 0)
        return false;
    *pct = (double)d * 100.0 / fabs((double)base);
    return true;
}

bool pf_diff_regressed(const pf_diff_gate *g, int64_t base, int64_t cur)
{
    int64_t d = cur - base;
    double p;
    bool over_pct, over_abs;

    if (!g || d <= 0 || (!g->have_pct && !g->have_abs))
        return false;
    over_pct = !pct_of(d, base, &p) || p > g->pct;
    over_abs = (double)d > g->abs;
    if (g->have_pct && g->have_abs)
        return over_pct && over_abs;
    return g->have_pct ? over_pct : over_abs;
}

/* ------------------------------------------------------------------ */
/* Output                                                              */

/* pprof's value label, with an explicit sign if SIGN and V > 0. */
static void fmt_value(char *buf, size_t size, int64_t v, const char *unit,
                      bool sign)
{
    size_t n = 0;

    if (sign && v > 0 && size > 1)
        buf[n++] = '+';
    pf_unit_label(buf + n, size - n, v, unit, "auto");
}

static void fmt_pct(char *buf, size_t size, int64_t d, int64_t base)
{
    double p;

    if (d == 0)
        snprintf(buf, size, "0%%");
    else if (!pct_of(d, base, &p))
        snprintf(buf, size, "new");
    else
        snprintf(buf, size, "%+.1f%%", p);
}

static int64_t shown_base(const pf_diff_table *t, const pf_diff_row *r)
{
    return t->by_cum ? r->base_cum : r->base_flat;
}

static int64_t shown_new(const pf_diff_table *t, const pf_diff_row *r)
{
    return t->by_cum ? r->new_cum : r->new_flat;
}

static const pf_diff_table_opts default_opts = PF_DIFF_TABLE_OPTS_INIT;

static size_t nshow(const pf_diff_table *t, const pf_diff_table_opts *o)
{
    return o->nodecount == 0 || o->nodecount > t->nrows ? t->nrows
                                                        : o->nodecount;
}

int pf_diff_table_write(const pf_diff_table *t, pf_writer w,
                        const pf_diff_table_opts *o)
{
    char b1[64], b2[64], b3[64], b4[32];
    size_t n;

    if (!o)
        o = &default_opts;
    n = nshow(t, o);
    PF_TRY(pf__writef(w, "Type: %s\nMode: %s%s, by %s\n", t->sample_type,
                      o->mode == PF_DIFF_MODE_BASE ? "base" : "diff_base",
                      o->normalize ? " (normalized)" : "",
                      t->by_cum ? "cum" : "flat"));
    fmt_value(b1, sizeof(b1), t->base_total, t->sample_unit, false);
    fmt_value(b2, sizeof(b2), t->new_total, t->sample_unit, false);
    fmt_value(b3, sizeof(b3), t->new_total - t->base_total, t->sample_unit,
              true);
    fmt_pct(b4, sizeof(b4), t->new_total - t->base_total, t->base_total);
    PF_TRY(pf__writef(w, "Total: base %s, new %s, delta %s (%s)\n", b1, b2,
                      b3, b4));
    if (n < t->nrows)
        PF_TRY(pf__writef(w, "Showing %zu of %zu changed functions\n", n,
                          t->nrows));
    PF_TRY(pf__writef(w, "%11s %9s %11s %11s  %s\n", "delta", "delta%",
                      "base", "new", "function"));
    for (size_t i = 0; i < n; i++) {
        const pf_diff_row *r = &t->rows[i];
        int64_t b = shown_base(t, r), c = shown_new(t, r);
        fmt_value(b1, sizeof(b1), c - b, t->sample_unit, true);
        fmt_pct(b4, sizeof(b4), c - b, b);
        fmt_value(b2, sizeof(b2), b, t->sample_unit, false);
        fmt_value(b3, sizeof(b3), c, t->sample_unit, false);
        PF_TRY(pf__writef(w, "%11s %9s %11s %11s  %s\n", b1, b4, b2, b3,
                          r->name));
    }
    return PF_OK;
}

static int json_pct(pf_writer w, int64_t d, int64_t base)
{
    double p;

    if (pct_of(d, base, &p))
        return pf__writef(w, "%.4f", p);
    return pf__writef(w, "null");
}

static int json_side(pf_writer w, int64_t b, int64_t n)
{
    PF_TRY(pf__writef(w, "{\"base\": %lld, \"new\": %lld, \"delta\": %lld, "
                      "\"delta_pct\": ", (long long)b, (long long)n,
                      (long long)(n - b)));
    PF_TRY(json_pct(w, n - b, b));
    return pf__write(w, "}", 1);
}

static int json_regression(pf_writer w, bool first, const char *name,
                           int64_t b, int64_t n)
{
    PF_TRY(pf__writef(w, "%s\n    {\"name\": ", first ? "" : ","));
    if (name)
        PF_TRY(pf__json_str(w, name));
    else
        PF_TRY(pf__writef(w, "null"));
    PF_TRY(pf__writef(w, ", \"delta\": %lld, \"delta_pct\": ",
                      (long long)(n - b)));
    PF_TRY(json_pct(w, n - b, b));
    return pf__write(w, "}", 1);
}

int pf_diff_table_write_json(const pf_diff_table *t, pf_writer w,
                             const pf_diff_table_opts *o)
{
    const pf_diff_gate *g;
    bool any = false;
    size_t n;

    if (!o)
        o = &default_opts;
    g = o->gate;
    n = nshow(t, o);
    PF_TRY(pf__writef(w, "{\n  \"base\": "));
    PF_TRY(pf__json_str(w, o->base_name ? o->base_name : ""));
    PF_TRY(pf__writef(w, ",\n  \"new\": "));
    PF_TRY(pf__json_str(w, o->new_name ? o->new_name : ""));
    PF_TRY(pf__writef(w, ",\n  \"mode\": \"%s\",\n  \"normalize\": %s,\n"
                      "  \"sample_type\": {\"type\": ",
                      o->mode == PF_DIFF_MODE_BASE ? "base" : "diff_base",
                      o->normalize ? "true" : "false"));
    PF_TRY(pf__json_str(w, t->sample_type));
    PF_TRY(pf__writef(w, ", \"unit\": "));
    PF_TRY(pf__json_str(w, t->sample_unit));
    PF_TRY(pf__writef(w, "},\n  \"by\": \"%s\",\n  \"total\": ",
                      t->by_cum ? "cum" : "flat"));
    PF_TRY(json_side(w, t->base_total, t->new_total));
    PF_TRY(pf__writef(w, ",\n  \"functions\": ["));
    for (size_t i = 0; i < n; i++) {
        const pf_diff_row *r = &t->rows[i];
        PF_TRY(pf__writef(w, "%s\n    {\"name\": ", i ? "," : ""));
        PF_TRY(pf__json_str(w, r->name));
        PF_TRY(pf__writef(w, ", \"flat\": "));
        PF_TRY(json_side(w, r->base_flat, r->new_flat));
        PF_TRY(pf__writef(w, ", \"cum\": "));
        PF_TRY(json_side(w, r->base_cum, r->new_cum));
        PF_TRY(pf__write(w, "}", 1));
    }
    PF_TRY(pf__writef(w, "%s,\n  \"thresholds\": {\"pct\": ",
                      n ? "\n  ]" : "]"));
    if (g && g->have_pct)
        PF_TRY(pf__writef(w, "%.4f", g->pct));
    else
        PF_TRY(pf__writef(w, "null"));
    PF_TRY(pf__writef(w, ", \"abs\": "));
    if (g && g->have_abs)
        PF_TRY(pf__writef(w, "%.0f", g->abs));
    else
        PF_TRY(pf__writef(w, "null"));
    PF_TRY(pf__writef(w, "},\n  \"regressions\": ["));
    if (pf_diff_regressed(g, t->base_total, t->new_total)) {
        PF_TRY(json_regression(w, true, NULL, t->base_total, t->new_total));
        any = true;
    }
    for (size_t i = 0; i < t->nrows; i++) {
        const pf_diff_row *r = &t->rows[i];
        int64_t b = shown_base(t, r), c = shown_new(t, r);
        if (!pf_diff_regressed(g, b, c))
            continue;
        PF_TRY(json_regression(w, !any, r->name, b, c));
        any = true;
    }
    return pf__writef(w, "%s],\n  \"regressed\": %s\n}\n", any ? "\n  " : "",
                      any ? "true" : "false");
}

int pf_diff_table_regressions(size_t *count, const pf_diff_table *t,
                              const pf_diff_gate *g, pf_writer w,
                              const char *prefix)
{
    char b1[64], b2[32];

    *count = 0;
    if (!prefix)
        prefix = "";
    if (pf_diff_regressed(g, t->base_total, t->new_total)) {
        fmt_value(b1, sizeof(b1), t->new_total - t->base_total,
                  t->sample_unit, true);
        fmt_pct(b2, sizeof(b2), t->new_total - t->base_total, t->base_total);
        PF_TRY(pf__writef(w, "%sregression: total %s %s (%s)\n", prefix,
                          t->sample_type, b1, b2));
        (*count)++;
    }
    for (size_t i = 0; i < t->nrows; i++) {
        const pf_diff_row *r = &t->rows[i];
        int64_t b = shown_base(t, r), c = shown_new(t, r);
        if (!pf_diff_regressed(g, b, c))
            continue;
        fmt_value(b1, sizeof(b1), c - b, t->sample_unit, true);
        fmt_pct(b2, sizeof(b2), c - b, b);
        PF_TRY(pf__writef(w, "%sregression: %s: %s %s (%s)\n", prefix,
                          r->name, t->by_cum ? "cum" : "flat", b1, b2));
        (*count)++;
    }
    return PF_OK;
}
