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

/* ------------------------------------------------------------------ */
/* The report graph of report.c, shared with report_dot.c              */

/* A node: one distinct function / file / line / address (pprof's
 * NodeInfo), with its flat and cum values over all samples. */
typedef struct rnode {
    const char *name, *file, *objfile;
    uint64_t address;
    int64_t lineno, startline;
    int64_t flat, flatdiv, cum, cumdiv;
    const char *pname;          /* printable name (in the profile) */
    uint32_t stamp;             /* sample index + 1 that last added cum */
    bool kept;
    bool maybe_inline;          /* some location has it as inlined line */
    bool in_inline, in_noinline;
} rnode;

typedef struct redge {
    uint32_t src, dst;
    int64_t w, wd;
    uint32_t stamp;
    bool inl;
    bool dead;                  /* trimmed (below edgefraction) */
    bool residual;              /* joins kept nodes over dropped ones */
} redge;

typedef struct graph {
    pf_profile *p;
    rnode *nodes;
    size_t nnodes, nodes_cap;
    pf_idxset nodeset;
    uint32_t *loc_off;          /* per location: first entry of ln_node */
    uint32_t *ln_node;          /* node per (location, line) */
    redge *edges;
    size_t nedges, edges_cap;
    pf_idxset edgeset;
} graph;

typedef struct valsel {
    size_t idx;
    bool mean;
} valsel;

typedef struct report {
    pf_profile *p;              /* private, filtered copy */
    const pf_report_opts *o;
    valsel vs;
    const char *sample_type;    /* with "mean_" when -mean */
    const char *sample_unit;
    const char *out_unit;       /* "minimum" until selected */
    double ratio;               /* 1 / -divide_by; applied if > 0, != 1 */
    int64_t total;
    int64_t *totals;            /* flame graph: every sample type's */
    char *type_buf;
    graph g;
    uint32_t *order;            /* kept nodes, sorted */
    size_t norder;
    size_t orig_count, dropped_nodes;
    size_t dropped_edges;       /* shown in the legend when > 0 (dot) */
    int64_t edge_cutoff;
    bool peek_matched;
} report;

/* Helpers of report.c for report_dot.c. pf__report_prepare makes R's
 * private filtered copy of P (pf__report_release frees everything R
 * holds, R->order included). pf__rgraph_nodes creates every node of
 * R's profile, pf__rgraph_values sums their flat and cum;
 * pf__rgraph_edges builds the edges between nodes marked kept (an edge
 * over dropped nodes is residual), adding to G's (empty) edge list. */
int pf__report_prepare(report *r, const pf_profile *p,
                       const pf_report_opts *o, pf_report_kind kind);
void pf__report_release(report *r);
int pf__rgraph_nodes(graph *g, pf_profile *p);
void pf__rgraph_values(graph *g, const valsel *vs);
int pf__rgraph_edges(graph *g, const valsel *vs);
/* pprof's compareNodes (fmt.Sprint of the node info) and edge order
 * (weight, then source and destination names); CTX is the graph. */
int pf__rnode_info_cmp(const rnode *a, const rnode *b);
int pf__redge_cmp(const void *a, const void *b, void *ctx);
/* pprof's selectOutputUnit over the R->norder nodes of R->order. */
void pf__report_select_unit(report *r);
/* A value as the report prints it (-divide_by, output unit). */
void pf__report_fmt_value(const report *r, char *buf, size_t size,
                          int64_t v);
/* The report's header lines (pprof's reportLabels), each passed to
 * FN; R->order/norder are the shown nodes. */
int pf__report_legend(const report *r,
                      int (*fn)(void *ctx, const char *line), void *ctx);
/* The dot report (report_dot.c) of a prepared report. */
int pf__report_dot(report *r, pf_writer w);

/* The flame graph (report_flame.c) over a profile report.c prepared:
 * filtered and aggregated P, and per (location, line) the report node
 * it became, as for the other reports: location i's lines are entries
 * LOC_OFF[i] .. LOC_OFF[i + 1] - 1 of FRAME (innermost line first),
 * each an index into NAMES (pprof's printable node names). TOTALS has
 * every sample type's report total (pprof's computeTotal). */
typedef struct pf__flame_input {
    const pf_profile *p;
    size_t sample_index;
    const int64_t *totals;
    const uint32_t *loc_off;
    const uint32_t *frame;
    const char *const *names;
    size_t nnames;
} pf__flame_input;
int pf__flame_write(pf_writer w, const pf__flame_input *in,
                    const pf_report_opts *o);

/* The units pprof may print a value of UNIT in (its measurement
 * family, smallest first): up to MAX names and their size in UNIT,
 * and *DEF the index of the family's default unit. Returns how many,
 * 0 for a unit of no family (plain numbers). */
size_t pf__unit_ladder(const char *unit, const char **names, double *factors,
                       size_t max, size_t *def);

/* PF_REPORT_LIST (report_list.c). */
int pf__report_list_write(const pf_profile *p, pf_writer w,
                          const pf_report_opts *o);


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
