/*
 * Private to filter.c and report*.c: regexps, the in-place filter
 * passes a report runs on its own copy of a profile, unit helpers.
 */
#ifndef LIBPROFILE_REPORT_PRIV_H
#define LIBPROFILE_REPORT_PRIV_H

#include <regex.h>

#include "internal.h"

/* Compile RE2-style PATTERN as POSIX ERE (see profile.h). WHAT names
 * the option in the error detail ("focus"). WHOLE wraps it as ^(...)$.
 * PF_EINVAL with detail on failure; *OUT is then not initialised. */
int pf__re_compile(regex_t *out, const char *pattern, bool whole,
                   const char *what);
bool pf__re_match(const regex_t *re, const char *s);

/* The passes of pf_profile_filter, each in place on P (which must be a
 * profile the caller owns outright, e.g. a fresh clone). */
int pf__filter_drop_frames(pf_profile *p);
int pf__filter_samples(pf_profile *p, const pf_filter_opts *o,
                       unsigned *matched);
int pf__filter_aggregate(pf_profile *p, const pf_filter_opts *o);
/* pprof's -tagroot/-tagleaf (addLabelNodes): for the comma-separated
 * label keys TAGROOT and TAGLEAF, add to every sample a pseudo frame
 * per key, at the root (first key outermost) or the leaf (last key
 * innermost): a location without mapping whose one function is named
 * after the sample's values of that key joined by ',' ("" if none;
 * numeric values formatted in UNIT) and has the key as file name.
 * Sets PF_MATCHED_TAGROOT / _TAGLEAF in *MATCHED when a key had values
 * (or the list is empty). */
int pf__filter_tag_nodes(pf_profile *p, const char *tagroot,
                         const char *tagleaf, const char *unit,
                         unsigned *matched);
/* What pprof's driver does to every profile it reads (a one-profile
 * Merge): samples whose values are all zero are dropped, samples with
 * the same stack (locations compared by content) and labels are
 * combined, in first-seen order. */
int pf__profile_compact_samples(pf_profile *p);

/* Go's filepath.Clean / filepath.Base, interned in P. */
const char *pf__path_clean(pf_profile *p, const char *path);
const char *pf__path_base(pf_profile *p, const char *path);

/* Units of numeric label keys, as pprof's Profile.NumLabelUnits: the
 * first unit seen for a key, else "bytes" for alignment/request, else
 * the key itself. */
typedef struct pf_numunits {
    const char **key;
    const char **unit;
    size_t n, cap;
} pf_numunits;
int pf__numunits_init(pf_numunits *u, const pf_profile *p);
const char *pf__numunits_get(const pf_numunits *u, const char *key);
void pf__numunits_release(pf_numunits *u);

/* A dynamic string (pf__malloc'd). */
typedef struct pf_sbuf {
    char *s;
    size_t len, cap;
} pf_sbuf;
int pf__sbuf_add(pf_sbuf *b, const char *s, size_t n);
int pf__sbuf_puts(pf_sbuf *b, const char *s);
int pf__sbuf_printf(pf_sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void pf__sbuf_release(pf_sbuf *b);

/* The reports that need no call graph (report_tags.c), on P as the
 * report prepared it (filtered): pprof -tags (label values with the
 * sum of value IDX per value, in UNIT: "minimum" or a -unit) and
 * -comments, as text in pprof's layout or as JSON. */
int pf__report_tags(pf_profile *p, pf_writer w, size_t idx,
                    const char *sample_type, const char *sample_unit,
                    const char *unit, bool json);
int pf__report_comments(const pf_profile *p, pf_writer w, bool json);
/* Every field of P as JSON (dump.c; schema libprofile.raw/1). */
int pf__profile_write_json(const pf_profile *p, pf_writer w);

/* UNIT (any alias pprof knows, e.g. "nanoseconds", "kb") as its family
 * (bytes, time, GCU) and its size in the family's base unit. */
bool pf__unit_factor(const char *unit, int *family, double *factor);

/* Number of characters of the UTF-8 string S (Go's fmt widths and
 * tabwriter cells count characters, not bytes). */
size_t pf__utf8_chars(const char *s);

/* S as a JSON string (quoted, escaped; bytes >= 0x80 pass through). */
int pf__json_str(pf_writer w, const char *s);

#endif
