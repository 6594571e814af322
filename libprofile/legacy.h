/*
 * Private to the legacy readers (legacy_*.c, text_folded_read.c): a line
 * cursor over the input buffer, hand-written number scanners, and the
 * "legacy builder" that turns address stacks into a pf_profile the way
 * the reference reader does (one location per address, memory-map
 * post-processing, id renumbering; docs/FORMATS.md 3.5 and 4).
 *
 * Nothing here allocates per line: lines are (pointer, length) views
 * into the caller's buffer, and stacks are gathered in one scratch
 * vector that is reused for every record.
 */
#ifndef LIBPROFILE_LEGACY_H
#define LIBPROFILE_LEGACY_H

#include "internal.h"

/* Longest text line any legacy reader accepts. The reference stops at
 * 64 KiB; we are more lenient but still refuse absurd lines (a 100 MB
 * line is an error, not a stall). */
#define PF_LEGACY_MAX_LINE ((size_t)4 << 20)

/* ------------------------------------------------------------------ */
/* Line cursor                                                         */

typedef struct pf_lcur {
    const char *pos, *end;  /* unread part of the buffer */
    const char *line;       /* last line returned, without "\n" / "\r\n" */
    size_t len;
    size_t lineno;          /* 1-based number of that line */
    size_t max_line;        /* longer lines are an error; init sets
                             * PF_LEGACY_MAX_LINE */
} pf_lcur;

void pf__lcur_init(pf_lcur *c, const void *buf, size_t len, size_t lineno0);
/* Advance to the next line: 1 = got one, 0 = end of input, PF_EFORMAT
 * (detail set) when the line is longer than PF_LEGACY_MAX_LINE. At the
 * end, c->line is "" (as Go's Scanner.Text() after the last line). */
int pf__lcur_next(pf_lcur *c);

/* Does the line contain a memory-map sentinel ("--- Memory map: ---" or
 * "MAPPED_LIBRARIES:")? */
bool pf__lis_maps_sentinel(const char *s, size_t n);
/* The reference's parseAdditionalSections: from the current line on,
 * skip to a memory-map sentinel; the cursor is then positioned on the
 * map lines. Returns 1 if found, 0 at end of input, <0 on error. */
int pf__lcur_seek_maps(pf_lcur *c);

/* ------------------------------------------------------------------ */
/* Small scanners                                                      */

static inline bool pf__lspace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
           c == '\f';
}
static inline bool pf__ldigit(char c) { return c >= '0' && c <= '9'; }
/* Hex digit value or -1 (pf__hexval, internal.h). */
static inline int pf__lhexval(char c)
{
    return pf__hexval((unsigned char)c);
}

/* Trim ASCII white space on both ends of S[0..*N). */
void pf__ltrim(const char **s, size_t *n);
bool pf__lstarts(const char *s, size_t n, const char *prefix);
/* memmem on a line. */
const char *pf__lfind(const char *s, size_t n, const char *needle);
/* Is the line blank or (after leading white space) a '#' comment? */
bool pf__lspace_or_comment(const char *s, size_t n);

/* Decimal digits S[0..N) (optional leading '-' if NEG_OK) to int64;
 * false on empty, stray characters or overflow. */
bool pf__lparse_i64(const char *s, size_t n, bool neg_ok, int64_t *out);
/* Go strconv.ParseInt(s, 0, 64) for non-negative text as it appears in
 * legacy files: decimal, 0x hex, leading-0 octal. */
bool pf__lparse_i64_base0(const char *s, size_t n, int64_t *out);
/* Hex digits (no prefix) to uint64; false on empty/bad/overflow. */
bool pf__lparse_hex(const char *s, size_t n, uint64_t *out);

/* Collect every "0x[0-9a-f]+" token of S[0..N) (the reference's
 * hexNumberRE), calling the builder for each. Fails with PF_EFORMAT
 * "line L: ..." when a token does not fit in 64 bits. */
struct pf_lb;
int pf__lb_hex_tokens(struct pf_lb *b, const char *s, size_t n,
                      size_t lineno, int adjust_from);

/* ------------------------------------------------------------------ */
/* Legacy builder                                                      */

typedef enum pf_lkind {
    PF_LKIND_CPU,
    PF_LKIND_HEAP,
    PF_LKIND_COUNT,
    PF_LKIND_CONTENTION,
    PF_LKIND_THREADZ,
    PF_LKIND_JAVA
} pf_lkind;

typedef struct pf_lb {
    pf_profile *p;
    const pf_decode_opts *opts;
    struct pf_lb_slot *amap; /* address -> location index (open */
    size_t amap_cap, amap_len; /* addressing, key and value together) */
    uint32_t *stk;          /* the stack being gathered (kept after the */
    uint64_t *stk_addr;     /* sample is added, for its comments) */
    size_t nstk, stk_cap, last_n;
    pf_idxset fnset;        /* functions by (name, file) */
    /* Frame-comment symbolization state (Go debug=1 "#\t0x..." lines) */
    uint32_t sym_loc;       /* location receiving lines, PF_NONE if none */
    uint64_t sym_pc;
    bool sym_active;        /* a comment matched the current record */
    uint32_t *seen;         /* per location: record number of its last */
    size_t seen_cap;        /* frame comment | PF_LB_SYMBOLIZED */
    uint32_t rec;           /* current record number (from 1) */
    uint32_t cmt_k;         /* stack position of the last comment's PC */
} pf_lb;

#define PF_LB_SYMBOLIZED 0x80000000u

int pf__lb_init(pf_lb *b, const pf_decode_opts *opts);
/* The location of ADDR, PF_NONE if none was pushed. */
uint32_t pf__lb_find(const pf_lb *b, uint64_t addr);
/* Frees everything, including the profile unless it was taken. */
void pf__lb_release(pf_lb *b);
/* Hand over the finished profile. */
pf_profile *pf__lb_take(pf_lb *b);

/* Push the location of ADDR (created on first use) onto the stack. */
int pf__lb_push(pf_lb *b, uint64_t addr);
/* Append a sample with the gathered stack and clear the stack. */
int pf__lb_sample(pf_lb *b, const int64_t *values, const pf_label *labels,
                  size_t nlabel);
/* Add a label (strings interned here) to the last sample. */
int pf__lb_label_last(pf_lb *b, const char *key, size_t klen,
                      const char *str, size_t slen);
/* A function by name and file (de-duplicated); NAME/FILE need not be
 * NUL-terminated. */
int pf__lb_function(pf_lb *b, uint32_t *out, const char *name, size_t nlen,
                    const char *file, size_t flen);
/* A Go debug=1 frame comment "#\t0xPC\tfunc+0xOFF\tfile:line": gives the
 * location at PC its lines (consecutive comments with the same PC form
 * its inline chain, innermost first). Lines that are not frame comments
 * are ignored. */
int pf__lb_comment(pf_lb *b, const char *s, size_t n);
/* Close the comments of the last record (call before each record line
 * and at the end of the records). The Go writer prints every frame
 * after the first printed one except runtime.goexit (docs/FORMATS.md 2.1),
 * so an address of the record after its first commented one that got
 * no comment is runtime.goexit and is symbolized as such. */
int pf__lb_record_done(pf_lb *b);

/* The common end of every address-based reader (docs/FORMATS.md 3.5): parse
 * the memory map from MAPS (lines; may be NULL), join split mappings,
 * put the main binary first, renumber locations and functions in order
 * of first use, apply the mapping quirks, bind locations to mappings
 * (fake mapping if needed), set the mapping symbol flags and the
 * default drop/keep frames. */
int pf__lb_finish(pf_lb *b, pf_lcur *maps);
/* CPU and threadz: drop loc[1] when loc[0].address == loc[1].address+1
 * (the signal handler's duplicate of the leaf). */
void pf__lb_drop_duplicate_leaf(pf_lb *b);
/* Set drop_frames/keep_frames from the sample types (docs/FORMATS.md 4.7). */
int pf__legacy_frame_info(pf_profile *p);

/* ------------------------------------------------------------------ */
/* The readers. Each returns PF_ENOTFOUND (no detail) when the data is
 * not its format, PF_OK with *OUT set, or another error. */

int pf__read_gperf_cpu(pf_profile **out, const uint8_t *buf, size_t len,
                       const pf_decode_opts *opts);
int pf__read_heap_text(pf_profile **out, const uint8_t *buf, size_t len,
                       const pf_decode_opts *opts);
int pf__read_count_text(pf_profile **out, const uint8_t *buf, size_t len,
                        const pf_decode_opts *opts);
int pf__read_threadz(pf_profile **out, const uint8_t *buf, size_t len,
                     const pf_decode_opts *opts);
int pf__read_contention(pf_profile **out, const uint8_t *buf, size_t len,
                        const pf_decode_opts *opts);
int pf__read_java(pf_profile **out, const uint8_t *buf, size_t len,
                  const pf_decode_opts *opts);
int pf__read_goroutine2(pf_profile **out, const uint8_t *buf, size_t len,
                        const pf_decode_opts *opts);
int pf__read_folded(pf_profile **out, const uint8_t *buf, size_t len,
                    const pf_decode_opts *opts);
int pf__read_perf_script(pf_profile **out, const uint8_t *buf, size_t len,
                         const pf_decode_opts *opts);
int pf__read_perf_data(pf_profile **out, const uint8_t *buf, size_t len,
                       const pf_decode_opts *opts);

/* Shared by the perf readers (legacy_perf_agg.c). Two sample types per
 * event, in order: NAME_sample (count) and NAME_event (the summed
 * periods: nanoseconds for cpu-clock and task-clock, else count); the
 * first event's NAME_event is the period type, the last one the
 * default. NAMES[i] has LENS[i] bytes. */
int pf__perf_sample_types(pf_profile *p, const char *const *names,
                          const size_t *lens, size_t n);

/* Aggregation of perf samples: push the locations of a stack (leaf
 * first), then end it; equal stacks of the same comm and pid become
 * one sample whose NAME_sample/NAME_event values add up. */
typedef struct pf_perfagg {
    size_t nevents;
    uint32_t *stk;          /* the stacks of all entries, then the */
    size_t nstk, stk_cap;   /* one being gathered (from cur_off) */
    size_t cur_off;
    struct pf_perfagg_ent *ents;
    size_t nents, ents_cap;
    int64_t *vals;          /* nents * 2 * nevents */
    size_t vals_cap;
    pf_idxset set;
} pf_perfagg;

void pf__perfagg_init(pf_perfagg *a, size_t nevents);
void pf__perfagg_release(pf_perfagg *a);
int pf__perfagg_push(pf_perfagg *a, uint32_t loc);
/* Count the gathered stack for event EV with PERIOD. COMM is interned
 * in the profile. 1 if a total would overflow (nothing counted). */
int pf__perfagg_end(pf_perfagg *a, int64_t pid, const char *comm, size_t ev,
                    int64_t period);
/* Add the entries to P as samples labelled comm and pid. */
int pf__perfagg_finish(pf_perfagg *a, pf_profile *p);
/* Make mapping MAIN_I (PF_NONE: none) the first, as pprof expects of
 * the main binary, and number the mappings 1..n in order. */
int pf__perf_main_first(pf_profile *p, uint32_t main_i);

/* Java (legacy_java.c): give the sampled locations their lines from the
 * "0xADDR function (file:line)" tail at C; then, after pf__lb_finish,
 * zero every address (the reference aggregates them away). */
int pf__java_locations(pf_lb *b, pf_lcur *c);
void pf__java_zero_addresses(pf_lb *b);

/* Heap unsampling (docs/FORMATS.md 4.3): scale (C, S) for Poisson sampling
 * with mean RATE bytes. */
void pf__heap_unsample(int64_t *c, int64_t *s, int64_t rate);

#endif /* LIBPROFILE_LEGACY_H */
