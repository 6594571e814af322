/* Shared by test_merge.c and test_diff.c (included, not compiled on its
 * own): a canonical text form of a profile's samples, so that tests can
 * compare what profiles say rather than how they are laid out, plus a
 * small profile builder. */
#ifndef TESTS_MERGE_HELPERS_H
#define TESTS_MERGE_HELPERS_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"

/* Not every test file uses every helper. */
#define MH_UNUSED __attribute__((unused))

typedef struct canon_row {
    char *key;
    int64_t *vals;
} canon_row;

MH_UNUSED
static int canon_row_cmp(const void *a, const void *b)
{
    return strcmp(((const canon_row *)a)->key, ((const canon_row *)b)->key);
}

MH_UNUSED
static int canon_str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Append to a growing string. */
static void cat(char **s, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void cat(char **s, size_t *len, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    *s = realloc(*s, *len + (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(*s + *len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    *len += (size_t)n;
}

/* The sample key as text: frames (mapping file, address relative to
 * the mapping, lines) leaf first, then labels sorted. */
MH_UNUSED
static char *canon_key(const pf_profile *p, size_t i)
{
    size_t nloc, nlab, j, k, len = 0;
    const uint32_t *locs = pf_sample_locations(p, i, &nloc);
    const pf_label *labs = pf_sample_labels(p, i, &nlab);
    char *s = NULL, **ls = calloc(nlab + 1, sizeof(*ls));

    cat(&s, &len, "%s", "");
    for (j = 0; j < nloc; j++) {
        const pf_location *l = pf_profile_location(p, locs[j]);
        const pf_line *ln = pf_location_lines(p, l);
        const pf_mapping *m = l->mapping == PF_NONE
                                  ? NULL
                                  : pf_profile_mapping(p, l->mapping);
        cat(&s, &len, "%s+%#" PRIx64 "%s", m ? m->file : "-",
            l->address - (m ? m->start : 0), l->is_folded ? "F" : "");
        for (k = 0; k < l->nline; k++) {
            const pf_function *f = pf_profile_function(p, ln[k].function);
            cat(&s, &len, ":%s/%s/%s/%" PRId64 "@%" PRId64, f->name,
                f->system_name, f->filename, f->start_line, ln[k].line);
        }
        cat(&s, &len, ";");
    }
    for (j = 0; j < nlab; j++) {
        size_t ll = 0;
        ls[j] = NULL;
        if (labs[j].str[0])
            cat(&ls[j], &ll, "%s=%s", labs[j].key, labs[j].str);
        else
            cat(&ls[j], &ll, "%s#%" PRId64 "%s", labs[j].key, labs[j].num,
                labs[j].unit);
    }
    /* Sorting all label texts ignores the order of values within a key;
     * tests that care about it look at the labels directly. */
    qsort(ls, nlab, sizeof(*ls), canon_str_cmp);
    for (j = 0; j < nlab; j++) {
        cat(&s, &len, " {%s}", ls[j]);
        free(ls[j]);
    }
    free(ls);
    return s;
}

/* Every distinct sample key with its summed values (times MULT), one
 * per line, sorted; zero rows dropped. Caller frees. */
MH_UNUSED
static char *canon_mult(const pf_profile *p, int64_t mult)
{
    size_t n = pf_profile_sample_count(p), nv = pf_profile_sample_type_count(p);
    canon_row *rows = calloc(n + 1, sizeof(*rows));
    size_t i, j, w = 0, len = 0;
    char *out = NULL;

    for (i = 0; i < n; i++) {
        rows[i].key = canon_key(p, i);
        rows[i].vals = calloc(nv + 1, sizeof(int64_t));
        for (j = 0; j < nv; j++)
            rows[i].vals[j] = pf_sample_values(p, i)[j] * mult;
    }
    qsort(rows, n, sizeof(*rows), canon_row_cmp);
    for (i = 0; i < n; i++) {
        if (w > 0 && strcmp(rows[w - 1].key, rows[i].key) == 0) {
            for (j = 0; j < nv; j++)
                rows[w - 1].vals[j] += rows[i].vals[j];
            free(rows[i].key);
            free(rows[i].vals);
            continue;
        }
        rows[w++] = rows[i];
    }
    cat(&out, &len, "types:");
    for (j = 0; j < nv; j++)
        cat(&out, &len, " %s/%s", pf_profile_sample_types(p)[j].type,
            pf_profile_sample_types(p)[j].unit);
    cat(&out, &len, "\n");
    for (i = 0; i < w; i++) {
        bool zero = true;
        for (j = 0; j < nv; j++)
            zero = zero && rows[i].vals[j] == 0;
        if (!zero) {
            for (j = 0; j < nv; j++)
                cat(&out, &len, "%" PRId64 " ", rows[i].vals[j]);
            cat(&out, &len, "| %s\n", rows[i].key);
        }
        free(rows[i].key);
        free(rows[i].vals);
    }
    free(rows);
    return out;
}

MH_UNUSED
static char *canon(const pf_profile *p)
{
    return canon_mult(p, 1);
}

#define assert_canon_equal(a, b)                                           \
    do {                                                                   \
        char *ca_ = (a), *cb_ = (b);                                       \
        assert_string_equal(ca_, cb_);                                     \
        free(ca_);                                                         \
        free(cb_);                                                         \
    } while (0)

/* A tiny profile: sample types from "type/unit,type/unit", period type
 * cpu/nanoseconds unless PERIOD_TYPE says otherwise. */
MH_UNUSED
static pf_profile *mk_profile(const char *types, const char *period_type)
{
    pf_profile *p = pf_profile_new();
    char buf[256], *tok, *save = NULL;

    snprintf(buf, sizeof(buf), "%s", types);
    for (tok = strtok_r(buf, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        char *slash = strchr(tok, '/');
        *slash = '\0';
        if (pf_profile_add_sample_type(p, tok, slash + 1) != PF_OK)
            abort();
    }
    snprintf(buf, sizeof(buf), "%s", period_type ? period_type
                                                 : "cpu/nanoseconds");
    tok = strchr(buf, '/');
    *tok = '\0';
    if (pf_profile_set_period_type(p, buf, tok + 1) != PF_OK)
        abort();
    return p;
}

/* Location for function NAME in mapping MAP at ADDR (one line). */
MH_UNUSED
static uint32_t mk_loc(pf_profile *p, uint32_t map, uint64_t addr,
                       const char *name, int64_t line)
{
    uint32_t f, l;
    pf_line ln;

    if (pf_profile_add_function(&f, p, name, name, "file.c", 1) != PF_OK)
        abort();
    ln.function = f;
    ln.line = line;
    ln.column = 0;
    if (pf_profile_add_location(&l, p, map, addr, &ln, 1, false) != PF_OK)
        abort();
    return l;
}

MH_UNUSED
static uint32_t mk_map(pf_profile *p, uint64_t start, uint64_t limit,
                       const char *file, const char *build_id)
{
    pf_mapping m;
    uint32_t idx;

    memset(&m, 0, sizeof(m));
    m.start = start;
    m.limit = limit;
    m.file = file;
    m.build_id = build_id;
    m.has_functions = true;
    if (pf_profile_add_mapping(&idx, p, &m) != PF_OK)
        abort();
    return idx;
}

MH_UNUSED
static void mk_sample(pf_profile *p, const uint32_t *locs, size_t nloc,
                      const int64_t *vals, const pf_label *labs, size_t nlab)
{
    if (pf_profile_add_sample(p, locs, nloc, vals, labs, nlab) != PF_OK)
        abort();
}

MH_UNUSED
static pf_profile *merge2(const pf_profile *a, const pf_profile *b)
{
    const pf_profile *in[2];
    pf_profile *out = NULL;

    in[0] = a;
    in[1] = b;
    if (pf_profile_merge(&out, in, 2, NULL) != PF_OK)
        fail_msg("merge: %s", pf_error_last());
    return out;
}

MH_UNUSED
static pf_profile *merge1(const pf_profile *a)
{
    pf_profile *out = NULL;

    if (pf_profile_merge(&out, &a, 1, NULL) != PF_OK)
        fail_msg("merge: %s", pf_error_last());
    return out;
}

#endif
