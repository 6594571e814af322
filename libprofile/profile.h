/*
 * libprofile: an in-memory model of pprof profiles, with readers and
 * writers for profile.proto and the legacy formats pprof reads, merge,
 * diff, filters, reports and symbolization.
 *
 * Conventions (read these once, they hold for every call below):
 *
 *  - Every fallible call returns int: PF_OK (0) or a negative pf_err.
 *    Out-parameters come first and are NULL/0 after a failure.
 *    pf_error_last() describes the most recent failure on this thread
 *    (file position, record, what was expected); it never allocates.
 *  - A pf_profile owns all of its memory. Strings are interned per
 *    profile: every `const char *` handed out by a profile stays valid
 *    until pf_profile_free(), is never NULL (the empty string is ""),
 *    and equal strings of one profile are the same pointer.
 *  - Entities (mappings, functions, locations) are addressed by their
 *    0-based index in the profile, a uint32_t. PF_NONE means "none"
 *    (e.g. a location without mapping). Indices are stable: entities
 *    are only appended, never moved, except by the calls documented to
 *    rebuild a profile (filters, merge), which return a new profile.
 *  - The library never prints, never exits and never opens files:
 *    codecs take buffers, writers take a pf_writer callback.
 */
#ifndef LIBPROFILE_PROFILE_H
#define LIBPROFILE_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(PF_BUILDING_LIBRARY) && defined(__GNUC__)
#define PF_API __attribute__((visibility("default")))
#else
#define PF_API
#endif

#define PF_VERSION_MAJOR 0
#define PF_VERSION_MINOR 1
#define PF_VERSION_PATCH 0
#define PF_VERSION_STRING "0.1.0"

/* ------------------------------------------------------------------ */
/* Errors                                                              */

typedef enum pf_err {
    PF_OK = 0,
    PF_ENOMEM = -1,      /* allocation failed */
    PF_EINVAL = -2,      /* bad argument or API misuse */
    PF_EFORMAT = -3,     /* malformed input */
    PF_ETOOBIG = -4,     /* input over a configured cap */
    PF_EIO = -5,         /* the writer callback failed */
    PF_ENOTFOUND = -6,   /* a name, file or index does not exist */
    PF_EUNSUPPORTED = -7, /* valid request this profile cannot satisfy */
    PF_EINCOMPAT = -8    /* profiles that cannot be combined */
} pf_err;

/* Static text for an error code ("out of memory", ...). */
PF_API const char *pf_strerror(int code);
/* Detail of the last failure on this thread; never NULL, "" if none. */
PF_API const char *pf_error_last(void);
/* Library version as "MAJOR.MINOR.PATCH". */
PF_API const char *pf_version(void);

/* ------------------------------------------------------------------ */
/* The model                                                           */

#define PF_NONE UINT32_MAX

typedef struct pf_profile pf_profile;

typedef struct pf_value_type {
    const char *type;
    const char *unit;
} pf_value_type;

/* A sample label: a string label has str != ""; a numeric label has
 * str == "" and carries num (and optionally unit, "" if none). */
typedef struct pf_label {
    const char *key;
    const char *str;
    int64_t num;
    const char *unit;
} pf_label;

typedef struct pf_mapping {
    uint64_t id;            /* profile.proto id, unique, non-zero */
    uint64_t start;         /* memory_start */
    uint64_t limit;         /* memory_limit, exclusive */
    uint64_t offset;        /* file_offset of start */
    const char *file;
    const char *build_id;
    bool has_functions;
    bool has_filenames;
    bool has_line_numbers;
    bool has_inline_frames;
} pf_mapping;

typedef struct pf_function {
    uint64_t id;            /* unique, non-zero */
    const char *name;       /* human readable (demangled) */
    const char *system_name;
    const char *filename;
    int64_t start_line;
} pf_function;

/* One frame of a location: line[0] is the innermost inlined function,
 * the last line the function that physically contains the address. */
typedef struct pf_line {
    uint32_t function;      /* function index, never PF_NONE */
    int64_t line;
    int64_t column;
} pf_line;

typedef struct pf_location {
    uint64_t id;            /* unique, non-zero */
    uint64_t address;
    uint32_t mapping;       /* mapping index or PF_NONE */
    uint32_t nline;
    uint32_t line_off;      /* private: use pf_location_lines() */
    bool is_folded;
} pf_location;

/* Lifecycle. pf_profile_new returns NULL only when out of memory. */
PF_API pf_profile *pf_profile_new(void);
PF_API void pf_profile_free(pf_profile *p);          /* NULL is a no-op */
/* A deep copy (same ids, same order). */
PF_API int pf_profile_clone(pf_profile **out, const pf_profile *p);

/* Intern S (NUL-terminated) or S[0..LEN) in P; NULL on out of memory.
 * The result belongs to P. */
PF_API const char *pf_profile_intern(pf_profile *p, const char *s);
PF_API const char *pf_profile_intern_len(pf_profile *p, const char *s,
                                         size_t len);

/* Header fields. Strings are copied (interned). */
PF_API int pf_profile_add_sample_type(pf_profile *p, const char *type,
                                      const char *unit);
PF_API int pf_profile_set_period_type(pf_profile *p, const char *type,
                                      const char *unit);
PF_API void pf_profile_set_period(pf_profile *p, int64_t period);
PF_API void pf_profile_set_time(pf_profile *p, int64_t time_nanos);
PF_API void pf_profile_set_duration(pf_profile *p, int64_t duration_nanos);
PF_API int pf_profile_set_default_sample_type(pf_profile *p,
                                              const char *type);
PF_API int pf_profile_set_drop_frames(pf_profile *p, const char *re);
PF_API int pf_profile_set_keep_frames(pf_profile *p, const char *re);
PF_API int pf_profile_set_doc_url(pf_profile *p, const char *url);
PF_API int pf_profile_add_comment(pf_profile *p, const char *comment);

/* Builder. Each add_* interns its strings and de-duplicates: adding an
 * entity equal to an existing one returns the existing index. An id of
 * 0 in the input means "assign the next free id". */
PF_API int pf_profile_add_mapping(uint32_t *out, pf_profile *p,
                                  const pf_mapping *m);
PF_API int pf_profile_add_function(uint32_t *out, pf_profile *p,
                                   const char *name, const char *system_name,
                                   const char *filename, int64_t start_line);
/* LINES[i].function are function indices of P. MAPPING may be PF_NONE. */
PF_API int pf_profile_add_location(uint32_t *out, pf_profile *p,
                                   uint32_t mapping, uint64_t address,
                                   const pf_line *lines, size_t nline,
                                   bool is_folded);
/* Append a sample: LOCS are location indices, leaf first; VALUES has
 * exactly pf_profile_sample_type_count(p) entries; label strings are
 * interned. Samples are never de-duplicated here (see pf_profile_merge). */
PF_API int pf_profile_add_sample(pf_profile *p, const uint32_t *locs,
                                 size_t nloc, const int64_t *values,
                                 const pf_label *labels, size_t nlabel);

/* Read access. Pointers stay valid until the next call that adds to
 * the same kind of entity (or pf_profile_free). */
PF_API size_t pf_profile_sample_type_count(const pf_profile *p);
PF_API const pf_value_type *pf_profile_sample_types(const pf_profile *p);
PF_API pf_value_type pf_profile_period_type(const pf_profile *p);
PF_API int64_t pf_profile_period(const pf_profile *p);
PF_API int64_t pf_profile_time(const pf_profile *p);
PF_API int64_t pf_profile_duration(const pf_profile *p);
PF_API const char *pf_profile_default_sample_type(const pf_profile *p);
PF_API const char *pf_profile_drop_frames(const pf_profile *p);
PF_API const char *pf_profile_keep_frames(const pf_profile *p);
PF_API const char *pf_profile_doc_url(const pf_profile *p);
PF_API size_t pf_profile_comment_count(const pf_profile *p);
PF_API const char *pf_profile_comment(const pf_profile *p, size_t i);

PF_API size_t pf_profile_mapping_count(const pf_profile *p);
PF_API const pf_mapping *pf_profile_mapping(const pf_profile *p, uint32_t i);
PF_API size_t pf_profile_function_count(const pf_profile *p);
PF_API const pf_function *pf_profile_function(const pf_profile *p,
                                              uint32_t i);
PF_API size_t pf_profile_location_count(const pf_profile *p);
PF_API const pf_location *pf_profile_location(const pf_profile *p,
                                              uint32_t i);
PF_API const pf_line *pf_location_lines(const pf_profile *p,
                                        const pf_location *loc);

PF_API size_t pf_profile_sample_count(const pf_profile *p);
PF_API const uint32_t *pf_sample_locations(const pf_profile *p, size_t i,
                                           size_t *nloc);
PF_API const int64_t *pf_sample_values(const pf_profile *p, size_t i);
PF_API const pf_label *pf_sample_labels(const pf_profile *p, size_t i,
                                        size_t *nlabel);

/* Index of the sample type that reports use by default: the one named
 * by default_sample_type, else the last one. -1 when there is none. */
PF_API int pf_profile_default_index(const pf_profile *p);
/* Resolve a -sample_index style name ("inuse_space", "space", or a
 * decimal index) to a value index. */
PF_API int pf_profile_sample_index(int *out, const pf_profile *p,
                                   const char *name);
/* Sum of value IDX over all samples. */
PF_API int64_t pf_profile_total(const pf_profile *p, size_t idx);

/* The reference reader's CheckValid (docs/FORMATS.md 1.10) plus our own
 * internal consistency. PF_EFORMAT with detail on the first problem. */
PF_API int pf_profile_check(const pf_profile *p);

/* ------------------------------------------------------------------ */
/* Output sink                                                         */

/* A writer receives the bytes of an encoded profile in order. It
 * returns 0 on success or a negative value to stop the encoder, which
 * then fails with PF_EIO. */
typedef struct pf_writer {
    int (*write)(void *ctx, const void *buf, size_t len);
    void *ctx;
} pf_writer;

/* Writer helpers over a stdio stream and a file descriptor (the
 * caller keeps ownership of the stream / descriptor). */
PF_API pf_writer pf_writer_file(FILE *f);
PF_API pf_writer pf_writer_fd(int fd);

/* A growable memory buffer usable as writer (pf_writer_membuf). */
typedef struct pf_membuf {
    unsigned char *data;
    size_t len, cap;
} pf_membuf;
#define PF_MEMBUF_INIT { NULL, 0, 0 }
PF_API pf_writer pf_writer_membuf(pf_membuf *mb);
PF_API void pf_membuf_release(pf_membuf *mb);

/* ------------------------------------------------------------------ */
/* Formats                                                             */

typedef enum pf_format {
    PF_FORMAT_UNKNOWN = 0,
    PF_FORMAT_PROTO,          /* profile.proto (debug=0), gzipped or raw */
    PF_FORMAT_GO_HEAP,        /* Go/gperftools heap text */
    PF_FORMAT_GO_COUNT,       /* Go debug=1 count profile text */
    PF_FORMAT_CONTENTION,     /* Go block/mutex, C++ contentionz text */
    PF_FORMAT_GO_GOROUTINE2,  /* Go debug=2 goroutine dump */
    PF_FORMAT_GPERF_CPU,      /* gperftools binary CPU profile */
    PF_FORMAT_THREADZ,        /* thread profile text */
    PF_FORMAT_FOLDED,         /* folded stacks "a;b;c N" */
    PF_FORMAT_JAVA,           /* Java heapz/contentionz/cpu variants */
    PF_FORMAT_PERF_SCRIPT,    /* Linux `perf script` text */
    PF_FORMAT_PERF_DATA       /* Linux perf.data (perf record) */
} pf_format;

PF_API const char *pf_format_name(pf_format f);

/* A memory budget shared by decodes running at once (on any threads):
 * every library allocation made while reading a profile with
 * opts->budget set is charged to it, and an allocation that would take
 * the total past the limit fails the read with PF_ETOOBIG
 * (pf_error_limit() == PF_LIMIT_MEMORY). A read's charge is given back
 * when it returns: the budget bounds the memory that reads in progress
 * hold together (inflated input, string tables, the profiles being
 * built), not the profiles handed to the caller. Thread-safe. */
typedef struct pf_budget pf_budget;
/* LIMIT in bytes (> 0). */
PF_API int pf_budget_new(pf_budget **out, uint64_t limit);
PF_API void pf_budget_free(pf_budget *b);          /* NULL is a no-op */
PF_API uint64_t pf_budget_limit(const pf_budget *b);
/* Most bytes charged at once so far (for measurements). */
PF_API uint64_t pf_budget_peak(const pf_budget *b);

typedef struct pf_decode_opts {
    unsigned version;
    uint64_t max_inflated;  /* cap on gunzipped size; 0 = default */
    /* Cap on records: strings, samples, locations, functions and
     * mappings together; 0 = none. */
    uint64_t max_records;
    /* (version >= 2) Memory cap: a shared budget, else (if nonzero)
     * max_memory bytes for this read alone; neither = no cap. */
    pf_budget *budget;
    uint64_t max_memory;
} pf_decode_opts;
#define PF_DECODE_OPTS_VERSION 2
#define PF_MAX_INFLATED_DEFAULT (UINT64_C(4) << 30)
#define PF_DECODE_OPTS_INIT { PF_DECODE_OPTS_VERSION, 0, 0, NULL, 0 }

/* Which cap a PF_ETOOBIG failure hit, valid right after it (like
 * pf_error_last(), per thread), so that a program can name the setting
 * that raises it. */
typedef enum pf_limit {
    PF_LIMIT_NONE = 0,
    PF_LIMIT_INFLATED,      /* max_inflated */
    PF_LIMIT_RECORDS,       /* max_records */
    PF_LIMIT_MEMORY         /* budget / max_memory */
} pf_limit;
PF_API pf_limit pf_error_limit(void);

/* Decode profile.proto, gzipped (detected by magic, multi-member
 * accepted) or raw. On success *OUT is the caller's. The result passes
 * pf_profile_check(). */
PF_API int pf_profile_decode(pf_profile **out, const void *buf, size_t len,
                             const pf_decode_opts *opts);

/* Read any supported format, detected by content (docs/FORMATS.md 4.1 plus
 * our own: debug=2 goroutine dumps and folded stacks). *FMT (may be NULL)
 * tells which reader took it. */
PF_API int pf_profile_read(pf_profile **out, pf_format *fmt, const void *buf,
                           size_t len, const pf_decode_opts *opts);

typedef struct pf_encode_opts {
    unsigned version;
    int level;              /* gzip level 1..9, 0 = default (1) */
    bool raw;               /* no gzip: plain serialized Profile */
    /* (version >= 2) threads compressing gzip output: 0 = one per
     * available CPU (at most 8), 1 = the caller's thread only. The
     * output bytes are the same whatever the number. */
    unsigned threads;
} pf_encode_opts;
#define PF_ENCODE_OPTS_VERSION 2
#define PF_ENCODE_OPTS_INIT { PF_ENCODE_OPTS_VERSION, 0, false, 0 }

/* Encode P as profile.proto (gzipped unless opts->raw). Deterministic:
 * the same profile gives the same bytes (for a given libprofile and
 * libdeflate version). Gzip output is a sequence of gzip members, one
 * per 1 MiB of serialized profile, compressed in parallel; every gzip
 * reader accepts it (RFC 1952). */
PF_API int pf_profile_encode(const pf_profile *p, pf_writer w,
                             const pf_encode_opts *opts);

/* A readable dump of every field (format "raw"), for debugging. */
PF_API int pf_profile_write_dump(const pf_profile *p, pf_writer w);

/* Go debug=1 legacy text (docs/FORMATS.md 2.2-2.4): heap/allocs, count
 * profiles (goroutine, threadcreate, custom), block/mutex contention.
 * PF_EUNSUPPORTED (with detail) for profiles that have no such form,
 * e.g. CPU profiles. */
PF_API int pf_profile_write_debug1(const pf_profile *p, pf_writer w);
/* Go debug=2 goroutine-style dump (docs/FORMATS.md 2.5), one block per
 * sample (per goroutine/thread stack). */
PF_API int pf_profile_write_debug2(const pf_profile *p, pf_writer w);
/* Folded stacks, one line per distinct stack: "root;...;leaf VALUE",
 * value of sample index SAMPLE_INDEX (-1 = default). */
PF_API int pf_profile_write_folded(const pf_profile *p, pf_writer w,
                                   int sample_index);

/* Output formats by their fixed names: "proto", "debug1", "debug2",
 * "folded", "raw". */
typedef enum pf_out_format {
    PF_OUT_UNKNOWN = 0,
    PF_OUT_PROTO,
    PF_OUT_DEBUG1,
    PF_OUT_DEBUG2,
    PF_OUT_FOLDED,
    PF_OUT_RAW
} pf_out_format;
PF_API pf_out_format pf_out_format_from_name(const char *name);
/* Guess from a file name's extension (.pb.gz, .pb, .txt, .folded, ...);
 * PF_OUT_UNKNOWN if it says nothing. */
PF_API pf_out_format pf_out_format_from_path(const char *path);
PF_API const char *pf_out_format_name(pf_out_format f);
/* Write P in format F (OPTS only matters for proto; may be NULL). */
PF_API int pf_profile_write(const pf_profile *p, pf_writer w,
                            pf_out_format f, const pf_encode_opts *opts);

/* ------------------------------------------------------------------ */
/* Merge and diff (merge.c, diff.c)                                    */

/*
 * Merging follows the reference (pprof's profile.Merge; docs/FORMATS.md 5):
 *
 *  - Inputs must have equal period types and equal sample type lists
 *    (type and unit at every index; pf_merge_opts.scale_units first
 *    converts compatible units as the pprof tool does). Otherwise
 *    PF_EINCOMPAT, with
 *    detail such as "sample types differ: [samples/count cpu/nanoseconds]
 *    vs [contentions/count delay/nanoseconds]" or "period types differ:
 *    cpu/nanoseconds vs space/bytes". pf_merge_opts.common_types first
 *    reduces every input to the sample types they all share.
 *  - Header: sample types, period type, drop/keep frames and doc_url
 *    come from the first input; period is the maximum (a 0 is replaced
 *    by the next value); durations add up; time is the reference's
 *    rule, in input order: t = 0, then t = in whenever t == 0 or in < t
 *    (the earliest non-zero time, except that a later input with time 0
 *    resets it: documented reference behaviour); comments are the union
 *    in first-seen order; default_sample_type is the first non-empty.
 *  - Mappings are keyed by (size rounded up to 4 KiB, file offset,
 *    build id or else file name); a mapping matched at another start
 *    address shifts its locations' addresses by the difference (ASLR).
 *    The first mapping of the first input with mappings comes first.
 *    Functions are keyed by (name, system name, file, start line);
 *    locations by (address relative to the mapping start, mapping,
 *    is_folded, lines). Ids are renumbered 1..n in first-seen order and
 *    only entities referenced by a kept sample are kept.
 *  - Samples whose values are all 0 are skipped. Samples with the same
 *    locations and labels (string labels: key -> value list; numeric:
 *    key -> (value, unit) list; label order across keys is irrelevant)
 *    are combined by adding values. If a combined sample sums to all
 *    zeros, the result is compacted (merged alone once more), which
 *    drops it and every entity only it referenced.
 *
 * Results are new profiles; inputs are neither modified nor retained.
 * Merging one profile compacts it (pprof's Compact).
 */
typedef struct pf_merge_opts {
    unsigned version;
    /* Keep only the sample types (matched by type name) present in every
     * input, in the order of the first input; an input that had to be
     * changed gets default_sample_type = its own if kept, else the first
     * common type (upstream pprof's CompatibilizeSampleTypes). No common
     * type at all is PF_EINCOMPAT. Units must still agree, unless
     * scale_units. */
    bool common_types;
    /* Convert compatible units first, as the pprof tool does before it
     * merges (measurement.ScaleProfiles): where the inputs' units of a
     * sample type (or of the period type) differ but belong to one of
     * pprof's unit families (bytes B kB MB ... PB, also spelled b,
     * byte(s), kilobyte(s) ...; time ns us ms s hrs, also nanosecond(s)
     * ... hour(s); GCU n*GCU ... P*GCU), every input is scaled to the
     * finest unit of any input (the spelling of the first input having
     * it). Values are scaled with ScaleN rules (see pf_profile_scale),
     * the period is scaled and truncated. Inputs are streamed: values
     * already merged are rescaled when a finer unit arrives, which
     * equals scaling each input once as long as the factors between
     * units are integers (all but GCU). Incompatible units remain
     * PF_EINCOMPAT. Sample type names must still be equal. */
    bool scale_units;
} pf_merge_opts;
#define PF_MERGE_OPTS_VERSION 1
#define PF_MERGE_OPTS_INIT { PF_MERGE_OPTS_VERSION, false, false }

/* A streaming merger: add inputs one at a time and free each after
 * adding it; memory grows with the distinct samples, locations,
 * functions and mappings of the result, not with the number of inputs.
 * OPTS may be NULL (defaults). */
typedef struct pf_merger pf_merger;
PF_API int pf_merger_new(pf_merger **out, const pf_merge_opts *opts);
/* Merge P into M (P is only read during the call). After PF_EINCOMPAT
 * M is unchanged and more inputs may still be added; after any other
 * failure (PF_ENOMEM, PF_ETOOBIG) M can only be freed. */
PF_API int pf_merger_add(pf_merger *m, const pf_profile *p);
/* Number of inputs added so far. */
PF_API size_t pf_merger_count(const pf_merger *m);
/* The merged profile (caller's, pf_profile_free). M is left empty but
 * must still be freed. PF_EINVAL if no input was added ("no profiles to
 * merge"). */
PF_API int pf_merger_finish(pf_profile **out, pf_merger *m);
PF_API void pf_merger_free(pf_merger *m);              /* NULL is a no-op */

/* Merge PROFILES[0..N) in one call. On PF_EINCOMPAT the detail starts
 * with "profile I: " (0-based index of the offending input). */
PF_API int pf_profile_merge(pf_profile **out, const pf_profile *const *profiles,
                            size_t n, const pf_merge_opts *opts);

/* Scale P in place, value i of every sample by RATIOS[i] (N must equal
 * the number of sample types), rounding half away from zero like Go's
 * math.Round; values out of int64 range saturate. Reference ScaleN
 * rules: all ratios 1 is a no-op; otherwise a sample is removed unless
 * some column with ratio != 1 is non-zero after scaling. */
PF_API int pf_profile_scale(pf_profile *p, const double *ratios, size_t n);

/* Diff modes, named after the pprof flags. */
typedef enum pf_diff_mode {
    /* -diff_base: base samples get the string label pprof::base=true,
     * are negated and merged with the new profile; they never combine
     * with new samples, and reports take percentages against the base. */
    PF_DIFF_MODE_DIFF_BASE = 0,
    /* -base: base negated and merged: identical stacks cancel, negative
     * values mean "less than in base". */
    PF_DIFF_MODE_BASE = 1
} pf_diff_mode;
#define PF_DIFF_BASE_LABEL "pprof::base"

typedef struct pf_diff_opts {
    unsigned version;
    pf_diff_mode mode;
    /* -normalize: first scale the NEW profile, per sample type, by
     * sum(base)/sum(new) (0 when sum(new) is 0), as the reference does. */
    bool normalize;
    /* Reduce both profiles to their common sample types first. */
    bool common_types;
    /* Convert compatible units as pf_merge_opts.scale_units does, after
     * the base is negated (the reference's order). Not with normalize:
     * the reference normalizes first, which needs equal units. */
    bool scale_units;
} pf_diff_opts;
#define PF_DIFF_OPTS_VERSION 1
#define PF_DIFF_OPTS_INIT { PF_DIFF_OPTS_VERSION, PF_DIFF_MODE_DIFF_BASE, \
                            false, false, false }

/* The profile that `pprof -diff_base=BASE NEW` (or -base) reports on:
 * merge of [NEW (normalized if asked), BASE labelled (diff_base mode)
 * and scaled by -1], so that header fields combine as in merge with NEW
 * first. OPTS may be NULL (defaults). Incompatible profiles give
 * PF_EINCOMPAT ("sample types differ: ..."). */
PF_API int pf_profile_diff(pf_profile **out, const pf_profile *base,
                           const pf_profile *cur, const pf_diff_opts *opts);

/* The per-sample-type factors -normalize applies to CUR: RATIOS[i] =
 * sum(base)/sum(cur) of value i (0 if sum(cur) is 0). N must equal the
 * number of sample types of both (compatible) profiles. */
PF_API int pf_profile_normalize_ratios(double *ratios, size_t n,
                                       const pf_profile *base,
                                       const pf_profile *cur);


/* The change table of a diff (report_diff.c; the pprofdiff tool): per
 * function, the flat and cumulative values of the base and the new
 * profile, from a diff_base profile made by pf_profile_diff (base
 * samples are those labelled pprof::base=true; their values are
 * negated back). A function is named as in pprof's reports; a frame
 * without symbols by its mapping file's base name and address
 * ("prog 0x4011d6"), or its address alone. */
typedef struct pf_diff_row {
    const char *name;
    int64_t base_flat, new_flat;
    int64_t base_cum, new_cum;
} pf_diff_row;

typedef struct pf_diff_table {
    const char *sample_type;  /* the value compared */
    const char *sample_unit;
    bool by_cum;              /* rows sorted (and gated) by cum */
    int64_t base_total, new_total;
    /* Functions whose flat or cum changed, by |delta| of the sort
     * value, then |delta| of the other, then name. */
    size_t nrows;
    pf_diff_row *rows;
    void *priv;               /* the table's own storage */
} pf_diff_table;

/* Build the table of value SAMPLE_INDEX of DIFF (a diff_base profile).
 * *OUT is the caller's (pf_diff_table_free). */
PF_API int pf_diff_table_new(pf_diff_table **out, const pf_profile *diff,
                             int sample_index, bool by_cum);
PF_API void pf_diff_table_free(pf_diff_table *t);   /* NULL is a no-op */

/* The CI gate: a value regressed when it grew (delta > 0) by more than
 * PCT percent of its base value (a value absent from the base grew
 * infinitely), or by more than ABS (in the sample unit); with both
 * thresholds, both must be exceeded. */
typedef struct pf_diff_gate {
    bool have_pct, have_abs;
    double pct, abs;
} pf_diff_gate;
#define PF_DIFF_GATE_INIT { false, false, 0.0, 0.0 }

/* Set G's absolute threshold from TEXT: a number in UNIT (the sample
 * unit), or with a unit of UNIT's family: ns us ms s m h (minutes,
 * hours) for times, B kB MB GB TB (1024-based; KiB... too) for bytes.
 * PF_EINVAL with detail if TEXT is no such amount. */
PF_API int pf_diff_gate_set_abs(pf_diff_gate *g, const char *text,
                                const char *unit);
PF_API bool pf_diff_regressed(const pf_diff_gate *g, int64_t base,
                              int64_t cur);

typedef struct pf_diff_table_opts {
    unsigned version;
    const char *base_name;    /* the inputs, as the JSON names them */
    const char *new_name;
    pf_diff_mode mode;        /* shown in the header */
    bool normalize;
    size_t nodecount;         /* rows to show; 0 = all */
    const pf_diff_gate *gate; /* NULL = none */
} pf_diff_table_opts;
#define PF_DIFF_TABLE_OPTS_VERSION 1
#define PF_DIFF_TABLE_OPTS_INIT { PF_DIFF_TABLE_OPTS_VERSION, "", "",     \
                                  PF_DIFF_MODE_DIFF_BASE, false, 0, NULL }

/* The table as text (values formatted as pprof formats them), or as
 * JSON with the gate's verdict (schema in docs/TOOLS-merge-diff.md). */
PF_API int pf_diff_table_write(const pf_diff_table *t, pf_writer w,
                               const pf_diff_table_opts *opts);
PF_API int pf_diff_table_write_json(const pf_diff_table *t, pf_writer w,
                                    const pf_diff_table_opts *opts);
/* One line per regression under G, each starting with PREFIX (may be
 * ""): "regression: total cpu +2s (+100.0%)", then "regression: NAME:
 * flat +1.27s (+100.0%)" per function. *COUNT gets their number. */
PF_API int pf_diff_table_regressions(size_t *count, const pf_diff_table *t,
                                     const pf_diff_gate *g, pf_writer w,
                                     const char *prefix);


/* ------------------------------------------------------------------ */
/* Filters and reports (filter.c, report.c)                            */

/*
 * Filters and reports follow `go tool pprof` (Go 1.19): the same
 * options, applied in the same order, give the same numbers and, for
 * the text reports, the same bytes (docs/TOOLS-pproftop.md).
 *
 * Regular expressions are POSIX extended (regcomp REG_EXTENDED) after a
 * translation of the common RE2 spellings: \d \w \s (and upper-case
 * negations), (?:...), a leading (?i), lazy quantifiers (matching is
 * only ever a yes/no test, so laziness does not matter), \A \z, \xHH,
 * \t \n \r \f \v, and backslash escapes of punctuation inside [...].
 * Unicode classes (\pL), \Q...\E and other (?flags) are rejected
 * with PF_EINVAL. Matching is byte-wise; a match anywhere in the
 * string counts (as Go's MatchString).
 */

/* Granularity of report nodes (pprof -functions, -lines, ...). */
typedef enum pf_granularity {
    PF_GRAN_FUNCTIONS = 0,    /* default */
    PF_GRAN_FILEFUNCTIONS,
    PF_GRAN_FILES,
    PF_GRAN_LINES,
    PF_GRAN_ADDRESSES
} pf_granularity;

typedef struct pf_filter_opts {
    unsigned version;
    /* Regexps on function names, file names and mapping file names;
     * NULL or "" = not set. As pprof -focus, -ignore, -hide, -show,
     * -show_from, -prune_from. */
    const char *focus;
    const char *ignore;
    const char *hide;
    const char *show;
    const char *show_from;
    const char *prune_from;
    /* Label filters, pprof -tagfocus/-tagignore syntax: "[KEY=]VALUE"
     * where VALUE is a numeric range ("64", "1kb:4kb", ":2mb", "10ms:")
     * or comma-separated regexps (on "key:value" without KEY=). */
    const char *tagfocus;
    const char *tagignore;
    /* Regexps on label keys: keep only / drop matching label keys. */
    const char *tagshow;
    const char *taghide;
    pf_granularity granularity;
    bool noinlines;           /* attribute inlined frames to the caller */
    bool no_drop_frames;      /* skip the profile's drop/keep_frames */
    /* pprof -tagroot / -tagleaf: comma-separated label keys; every
     * sample gets a pseudo frame per key at the root (the first key
     * outermost) or at the leaf (the last key innermost), named after
     * the sample's values of that key joined by ',' ("" if it has none;
     * numeric values formatted like pprof, in the report's -unit), with
     * the key as file name. Added before the filters run, so they can
     * match them. NULL or "" = none. */
    const char *tagroot;
    const char *tagleaf;
} pf_filter_opts;
#define PF_FILTER_OPTS_VERSION 1
#define PF_FILTER_OPTS_INIT { PF_FILTER_OPTS_VERSION, NULL, NULL, NULL,     \
                              NULL, NULL, NULL, NULL, NULL, NULL, NULL,     \
                              PF_GRAN_FUNCTIONS, false, false, NULL, NULL }

/* Bits of pf_filter_matched: which filters matched at least one sample
 * (pprof warns "X expression matched no samples" when one did not). */
enum {
    PF_MATCHED_FOCUS = 1 << 0,
    PF_MATCHED_IGNORE = 1 << 1,
    PF_MATCHED_HIDE = 1 << 2,
    PF_MATCHED_SHOW = 1 << 3,
    PF_MATCHED_SHOW_FROM = 1 << 4,
    PF_MATCHED_TAGFOCUS = 1 << 5,
    PF_MATCHED_TAGIGNORE = 1 << 6,
    PF_MATCHED_TAGSHOW = 1 << 7,
    PF_MATCHED_TAGHIDE = 1 << 8,
    PF_MATCHED_TAGROOT = 1 << 9,
    PF_MATCHED_TAGLEAF = 1 << 10
};

/* Check the regexps and tag filters of OPTS without a profile:
 * PF_EINVAL with "focus: ..." style detail on the first bad one. */
PF_API int pf_filter_opts_check(const pf_filter_opts *opts);

/* A filtered copy of P, the way pprof prepares a profile for a report:
 * drop_frames/keep_frames pruning (unless opts->no_drop_frames), then
 * focus/ignore/hide/show, show_from, tagfocus/tagignore,
 * tagshow/taghide, prune_from, then the granularity / noinlines
 * aggregation (function names, file names, line numbers or addresses
 * cleared; inlined lines dropped). Entities keep their ids; samples
 * that no longer pass are removed, and, as in pprof, so are samples
 * whose stack is (or becomes) empty. *MATCHED (may be NULL) gets the
 * PF_MATCHED_* bits. PF_EINVAL on a bad regexp or tag filter. */
PF_API int pf_profile_filter(pf_profile **out, unsigned *matched,
                             const pf_profile *p, const pf_filter_opts *opts);

/* Value formatting as pprof's measurement package does it. */
/* Scale VALUE from unit FROM to unit TO ("minimum"/"auto" pick the
 * largest unit keeping the value >= 1); *UNIT_OUT gets the unit name
 * to print (static, "" for plain counts). */
PF_API double pf_unit_scale(int64_t value, const char *from, const char *to,
                            const char **unit_out);
/* "1.27s", "4MB", "0.39MB", "0", "6": %.2f without a ".00" tail. */
PF_API void pf_unit_label(char *buf, size_t size, int64_t value,
                          const char *from, const char *to);
/* "63.50%", "  100%", "  0.5%": at least two significant digits. */
PF_API void pf_unit_percentage(char *buf, size_t size, int64_t value,
                               int64_t total);

typedef enum pf_report_kind {
    PF_REPORT_TOP = 0,        /* pprof -top (-text) */
    PF_REPORT_TRACES,         /* pprof -traces */
    PF_REPORT_TREE,           /* pprof -tree */
    PF_REPORT_PEEK,           /* pprof -peek=RE (symbol = RE) */
    PF_REPORT_FOLDED,         /* "root;...;leaf VALUE" per distinct stack */
    PF_REPORT_DOT,            /* pprof -dot: the call graph in Graphviz DOT */
    PF_REPORT_FLAMEGRAPH,     /* interactive flame graph, one self-contained
                               * HTML page (a diff_base profile from
                               * pf_profile_diff is drawn as a diff) */
    PF_REPORT_LIST,           /* pprof -list=RE (symbol = RE): annotated
                               * source listing */
    PF_REPORT_TAGS,           /* pprof -tags: label values and their
                               * share of the selected value */
    PF_REPORT_COMMENTS,       /* pprof -comments: the profile's comments */
    PF_REPORT_RAW             /* pprof -raw: the (filtered) profile in
                               * the layout of pprof's Profile.String() */
} pf_report_kind;

typedef struct pf_report_opts {
    unsigned version;
    /* Sample value to report: as pprof -sample_index (name, "inuse_"
     * stripped, or decimal index); NULL or "" = the default. */
    const char *sample_index;
    bool mean;                /* -mean: value / value[0] per node */
    pf_filter_opts filter;
    int nodecount;            /* -1 = default (top: all, tree: 80) */
    double nodefraction;      /* < 0 = default 0.005 */
    double edgefraction;      /* < 0 = default 0.001 */
    bool cum_sort;            /* -cum */
    const char *unit;         /* -unit; NULL = "minimum" */
    const char *symbol;       /* peek: regexp on node names */
    bool relative;            /* -relative_percentages */
    bool hide_file_line;      /* omit the "File:" / "Build ID:" lines */
    /* If not NULL, gets the PF_MATCHED_* bits of the filters (pprof
     * warns "Focus expression matched no samples" and so on). */
    unsigned *matched;
    /* -divide_by: text reports show every value divided by it
     * (pprof's int64(float64(v) / divide_by), also when choosing the
     * output unit); 0 or 1 = no division, < 0 is ignored as pprof
     * ignores it. The top data (pf_report_top) stays undivided. */
    double divide_by;
    /* -list: source files are looked for as pprof does (-source_path:
     * directories separated by ':', -trim_path: prefixes to strip,
     * NULL = none). The library never opens files: it asks READ_SOURCE
     * for each candidate path, which returns 0 with *DATA (malloc'ed,
     * freed by the library) and *LEN, or < 0 if there is no such file.
     * NULL READ_SOURCE = no sources (lines print without text). */
    const char *source_path;
    const char *trim_path;
    int (*read_source)(void *ctx, const char *path, char **data,
                       size_t *len);
    void *read_source_ctx;
    /* HTML reports (flame graph): the page title (NULL = made from the
     * profile) and an HTML fragment put at the top of <body>, e.g. the
     * web UI's navigation (NULL = none). */
    const char *html_title;
    const char *html_header;
} pf_report_opts;
#define PF_REPORT_OPTS_VERSION 2
#define PF_REPORT_OPTS_INIT { PF_REPORT_OPTS_VERSION, NULL, false,          \
                              PF_FILTER_OPTS_INIT, -1, -1.0, -1.0, false,   \
                              NULL, NULL, false, false, NULL, 0.0,          \
                              NULL, NULL, NULL, NULL, NULL, NULL }

/* Write report KIND of P to W in pprof's own text layout. P is not
 * modified. PF_ENOTFOUND for an unknown sample index or (peek) a
 * symbol regexp that matches nothing; PF_EINVAL for bad options. */
PF_API int pf_report_write(const pf_profile *p, pf_writer w,
                           pf_report_kind kind, const pf_report_opts *opts);

/* Report KIND of P as JSON, one schema per kind ("libprofile.top/1",
 * ".traces/1", ".tree/1" for tree and peek, ".folded/1", ".tags/1",
 * ".comments/1", ".raw/1"; docs/TOOLS-pproftop.md). The same options
 * select the same data as pf_report_write; values are integers in the
 * sample unit (divided by divide_by, as the text shows them).
 * PF_EUNSUPPORTED for a kind without a JSON form (dot, flame graph,
 * list). */
PF_API int pf_report_write_json(const pf_profile *p, pf_writer w,
                                pf_report_kind kind,
                                const pf_report_opts *opts);

/* The top report as data, for machine-readable output. */
typedef struct pf_top_row {
    const char *name;         /* node name as printed by -top */
    const char *inline_label; /* "", "(inline)" or "(partial-inline)" */
    int64_t flat, cum;        /* in the sample unit */
} pf_top_row;

typedef struct pf_top {
    const char *sample_type;  /* e.g. "cpu", "inuse_space" */
    const char *sample_unit;  /* e.g. "nanoseconds" */
    const char *output_unit;  /* unit pprof scales the text to */
    int64_t total;            /* report total (sum of |value|) */
    int64_t shown_flat;       /* sum of flat over the rows */
    size_t dropped_nodes;     /* below nodefraction */
    int64_t dropped_cutoff;   /* their cum is <= this */
    size_t nodes_before_count;/* rows before -nodecount applied */
    size_t nrows;
    pf_top_row *rows;
    size_t nlabels;           /* header lines as -top prints them */
    const char **labels;
} pf_top;

/* Compute the top report. *OUT is the caller's (pf_top_free). */
PF_API int pf_report_top(pf_top **out, const pf_profile *p,
                         const pf_report_opts *opts);
PF_API void pf_top_free(pf_top *t);               /* NULL is a no-op */
/* Write T as JSON (schema in docs/TOOLS-pproftop.md). */
PF_API int pf_top_write_json(const pf_top *t, pf_writer w);
/* Write T as CSV: a header line, then one line per row. */
PF_API int pf_top_write_csv(const pf_top *t, pf_writer w);


/* ------------------------------------------------------------------ */
/* Symbolization (symbolize.c)                                         */

/*
 * Offline symbolization of ELF binaries with elfutils (libdw/libdwfl).
 * This is the one part of the library that opens files: it reads the
 * ELF binaries and debug files named by the profile's mappings (and by
 * OPTS), read-only. It still never prints: per-mapping diagnostics go
 * into a pf_symbolize_report the caller prints as it likes.
 *
 * Lookup order for a mapping's file (docs/SYMBOLIZE.md has the detail):
 *   1. opts->binaries whose GNU build id equals the mapping's, else whose
 *      base name equals the mapping file's base name; for the main
 *      mapping (index 0) with no file name, the first unmatched binary;
 *   2. each directory D of opts->search_path (':'-separated, like
 *      PPROF_BINARY_PATH): D/BUILDID/BASENAME, D/BASENAME, D/FILE;
 *   3. the mapping's file name itself;
 *   4. DEBUGDIR/.build-id/xx/rest.debug by the mapping's build id.
 * A candidate whose build id differs from the mapping's is rejected
 * (never symbolized with wrong names). DWARF may come from the file or
 * a separate debug file (build id under DEBUGDIR/.build-id, or
 * .gnu_debuglink); without DWARF the ELF symbol table is used.
 */
typedef enum pf_demangle {
    PF_DEMANGLE_SIMPLE = 0, /* pprof's default: no parameters/templates */
    PF_DEMANGLE_FULL,       /* the whole demangled signature */
    PF_DEMANGLE_NONE        /* keep mangled names */
} pf_demangle;

typedef struct pf_symbolize_opts {
    unsigned version;
    const char *const *binaries; /* NBINARIES paths (--binary) */
    size_t nbinaries;
    const char *search_path;     /* ':'-separated directories or NULL */
    const char *debug_dir;       /* NULL = "/usr/lib/debug"; "" = none */
    bool force;                  /* re-symbolize locations that have lines */
    pf_demangle demangle;
} pf_symbolize_opts;
#define PF_SYMBOLIZE_OPTS_VERSION 1
#define PF_SYMBOLIZE_OPTS_INIT                                             \
    { PF_SYMBOLIZE_OPTS_VERSION, NULL, 0, NULL, NULL, false,              \
      PF_DEMANGLE_SIMPLE }

/* What happened to one mapping. */
typedef enum pf_sym_status {
    PF_SYM_OK = 0,          /* file used; see nresolved for coverage */
    PF_SYM_NOTHING_TO_DO,   /* no location of it needs symbols */
    PF_SYM_PSEUDO,          /* [vdso], [vsyscall], [heap], /dev/dri/...:
                               nothing to read, by design */
    PF_SYM_NO_FILE,         /* mapping has no file name and no binary */
    PF_SYM_MISSING,         /* no candidate file exists */
    PF_SYM_NOT_ELF,         /* the file is not an ELF file */
    PF_SYM_BAD_ELF,         /* unreadable or corrupt ELF */
    PF_SYM_BUILD_ID_MISMATCH, /* only files with another build id */
    PF_SYM_NO_SYMBOLS       /* no DWARF and no symbol covers any address */
} pf_sym_status;

PF_API const char *pf_sym_status_name(pf_sym_status s);

typedef struct pf_symbolize_mapping_report {
    uint32_t mapping;       /* index in the profile */
    pf_sym_status status;
    bool failed;            /* counts as failure (see pf_symbolize_report) */
    bool system_lib;        /* file lives in a system library directory */
    bool dwarf;             /* DWARF was found and used */
    bool symtab;            /* an ELF symbol table was used */
    size_t nlocations;      /* locations that wanted symbols */
    size_t naddresses;      /* distinct addresses among them */
    size_t nresolved;       /* locations that got at least a function */
    size_t nsymtab_only;    /* ...of which from the symbol table only */
    char *file;             /* ELF file used or rejected, NULL if none */
    char *debug_file;       /* separate debug file used, NULL if none */
    char detail[200];       /* why not (fully) symbolized, "" if nothing */
} pf_symbolize_mapping_report;

/* Per-mapping diagnostics of pf_profile_symbolize, owned by the caller
 * (pf_symbolize_report_release). A mapping is a failure when it has
 * locations to symbolize and status is NO_FILE, MISSING, NOT_ELF,
 * BAD_ELF, BUILD_ID_MISMATCH or NO_SYMBOLS, except for system libraries
 * (files under /lib*, /usr/lib*) where a missing or stripped file only
 * leaves those frames unsymbolized, as pprof does. PSEUDO mappings are
 * never failures. Individual addresses that no symbol covers (PLT
 * stubs, _start without symbols) are counted, never failures. */
typedef struct pf_symbolize_report {
    pf_symbolize_mapping_report *mappings; /* one per profile mapping */
    size_t nmappings;
    size_t nfailed;         /* mappings with failed set */
    size_t nunmapped;       /* locations with no mapping (left alone) */
    size_t nlocations;      /* locations that wanted symbols */
    size_t nresolved;       /* ...that got at least a function */
} pf_symbolize_report;
#define PF_SYMBOLIZE_REPORT_INIT { NULL, 0, 0, 0, 0, 0 }
PF_API void pf_symbolize_report_release(pf_symbolize_report *rep);

/* Symbolize every location of P through its mapping, in place: each
 * location gets lines in profile.proto order (line[0] innermost inlined
 * function, last line the physical function), functions get demangled
 * names with the linkage name as system_name, and mapping has_* flags
 * are set for what was obtained. Locations that already have lines are
 * left alone unless opts->force. OPTS may be NULL; REP may be NULL, else
 * it is filled (release it even after a failure). Returns PF_OK even
 * when mappings could not be symbolized (that is in REP); an error
 * (PF_ENOMEM, PF_EINVAL) leaves P valid but possibly half-symbolized. */
PF_API int pf_profile_symbolize(pf_profile *p, const pf_symbolize_opts *opts,
                                pf_symbolize_report *rep);


#ifdef __cplusplus
}
#endif
#endif /* LIBPROFILE_PROFILE_H */
