/*
 * Private to libprofile: the layout of pf_profile and the helpers its
 * modules share. Tools never include this file.
 */
#ifndef LIBPROFILE_INTERNAL_H
#define LIBPROFILE_INTERNAL_H

#include "profile.h"

#include <stdarg.h>
#include <string.h>

#define PF_UNUSED(x) ((void)(x))

/* ------------------------------------------------------------------ */
/* Errors (error.c)                                                    */

/* Record CODE with a printf-style detail for pf_error_last(); returns
 * CODE so that `return pf__error_set(...)` reads naturally. */
int pf__error_set(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Prefix the current detail with "PREFIX: " (context from an outer
 * layer: "sample 12: ..."); returns CODE. */
int pf__error_prefix(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* PF_ENOMEM "out of memory", or PF_ETOOBIG naming the memory limit
 * when a budget refused the allocation. */
int pf__error_oom(void);
/* pf__error_set for a cap: also records which one for pf_error_limit. */
int pf__error_limit(pf_limit which, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define PF_TRY(expr)                                                       \
    do {                                                                   \
        int pf_try_rc_ = (expr);                                           \
        if (pf_try_rc_ < 0)                                                \
            return pf_try_rc_;                                             \
    } while (0)
#define PF_CHECK_ALLOC(ptr)                                                \
    do {                                                                   \
        if ((ptr) == NULL)                                                 \
            return pf__error_oom();                                        \
    } while (0)

/* Value of hex digit C (a byte value) or -1, by table (the legacy
 * readers' hot loops parse addresses with it); the table, in
 * legacy_build.c, holds value + 1 so that unlisted bytes are 0. */
extern const signed char pf__lhex_tab[256];
static inline int pf__hexval(int c)
{
    return pf__lhex_tab[(unsigned char)c] - 1;
}

static inline bool pf__mul_ok(size_t a, size_t b, size_t *out)
{
    return !__builtin_mul_overflow(a, b, out);
}
static inline bool pf__add_ok(size_t a, size_t b, size_t *out)
{
    return !__builtin_add_overflow(a, b, out);
}

/* ------------------------------------------------------------------ */
/* Allocation (arena.c). All heap allocation of the library goes
 * through these, so a test build can fail the Nth call. */

void *pf__malloc(size_t n);
void *pf__calloc(size_t n, size_t size);
void *pf__realloc(void *p, size_t n);
void pf__free(void *p);
/* Test hook: make the Nth allocation from now fail (0 = never). */
void pf__alloc_fail_after(unsigned long n);

/* Charging this thread's allocations to a budget, for the duration of
 * one read (pf_profile_read, pf_profile_decode): enter with the
 * caller's options, leave with the read's result, which is turned into
 * the memory-limit error if the budget refused an allocation on the
 * way. Nested scopes are no-ops. */
typedef struct pf__budget_scope {
    pf_budget *budget;
    pf_budget *owned;       /* made from opts->max_memory */
    uint64_t charged;       /* bytes this scope holds in the budget */
    bool hit;               /* an allocation was refused */
    bool active;
} pf__budget_scope;
int pf__budget_enter(pf__budget_scope *s, const pf_decode_opts *opts);
int pf__budget_leave(pf__budget_scope *s, int err);

/* Ensure *V (elements of ELEM bytes) has room for NEED elements; grows
 * geometrically. Returns PF_OK or PF_ENOMEM/PF_ETOOBIG. */
int pf__vec_reserve(void **v, size_t *cap, size_t need, size_t elem);
#define PF_VEC_RESERVE(vec, capv, need)                                    \
    pf__vec_reserve((void **)&(vec), &(capv), (need), sizeof(*(vec)))

/* Bump arena: allocations live until pf__arena_release / _reset. */
typedef struct pf_arena_block pf_arena_block;
typedef struct pf_arena {
    pf_arena_block *head;
    size_t block_size;
} pf_arena;
void pf__arena_init(pf_arena *a, size_t block_size);
void *pf__arena_alloc(pf_arena *a, size_t n);       /* 8-byte aligned */
/* Free all blocks but the first, which is kept for reuse. */
void pf__arena_reset(pf_arena *a);
void pf__arena_release(pf_arena *a);

/* ------------------------------------------------------------------ */
/* Hashing (hash.c)                                                    */

uint64_t pf__hash_bytes(const void *data, size_t len, uint64_t seed);
static inline uint64_t pf__hash_mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    h *= 0xff51afd7ed558ccdull;
    return h ^ (h >> 32);
}

/* Mix a location's line entries (function, line, column) into H: the
 * part of the location key the builder and merge share. */
static inline uint64_t pf__hash_lines(uint64_t h, const pf_line *lines,
                                      size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        h = pf__hash_mix(h, lines[i].function);
        h = pf__hash_mix(h, (uint64_t)lines[i].line);
        h = pf__hash_mix(h, (uint64_t)lines[i].column);
    }
    return h;
}

/* An open-addressing set of uint32 indices into some external array;
 * the caller supplies the hash of each entry and an equality test. */
typedef struct pf_idxset {
    uint32_t *slot;         /* index + 1, 0 = empty */
    uint32_t *hash;         /* low 32 bits of the entry's hash */
    size_t cap;             /* power of two */
    size_t len;
} pf_idxset;
typedef bool (*pf_idx_eq)(const void *ctx, uint32_t idx, const void *key);
void pf__idxset_init(pf_idxset *s);
void pf__idxset_release(pf_idxset *s);
/* Find an entry equal to KEY (with hash H); PF_NONE if absent. */
uint32_t pf__idxset_find(const pf_idxset *s, uint64_t h, pf_idx_eq eq,
                         const void *ctx, const void *key);
/* Insert IDX (hash H); does not check for duplicates. */
int pf__idxset_insert(pf_idxset *s, uint64_t h, uint32_t idx);

/* uint64 -> uint32 map (profile.proto ids to indices). */
typedef struct pf_u64map {
    uint64_t *key;
    uint32_t *val;          /* PF_NONE = empty slot */
    size_t cap, len;
} pf_u64map;
void pf__u64map_init(pf_u64map *m);
void pf__u64map_release(pf_u64map *m);
/* Returns PF_NONE if absent. */
uint32_t pf__u64map_get(const pf_u64map *m, uint64_t key);
/* Insert; returns 1 if KEY was already present (value left unchanged). */
int pf__u64map_put(pf_u64map *m, uint64_t key, uint32_t val);

/* ------------------------------------------------------------------ */
/* String interning (intern.c)                                         */

/* Interned strings are preceded by this header in the arena, so the
 * length and table index of any interned pointer are O(1). */
typedef struct pf_strhdr {
    uint32_t len;
    uint32_t idx;           /* position in the profile's string list */
} pf_strhdr;

static inline const pf_strhdr *pf__strhdr(const char *s)
{
    return (const pf_strhdr *)(const void *)s - 1;
}
static inline size_t pf__strlen(const char *s) { return pf__strhdr(s)->len; }
static inline uint32_t pf__stridx(const char *s) { return pf__strhdr(s)->idx; }

typedef struct pf_strtab {
    const char **strs;      /* strs[0] == "" */
    size_t n, cap;
    pf_idxset set;
} pf_strtab;

/* ------------------------------------------------------------------ */
/* The profile                                                         */

typedef struct pf_sample {
    uint32_t loc_off;       /* into p->stack */
    uint32_t nloc;
    uint32_t label_off;     /* into p->labels */
    uint32_t nlabel;
} pf_sample;

struct pf_profile {
    pf_arena arena;
    pf_strtab strtab;
    const char *empty;      /* the interned "" */

    pf_value_type *sample_types;
    size_t nsample_types, sample_types_cap;
    pf_value_type period_type;
    int64_t period;
    int64_t time_nanos;
    int64_t duration_nanos;
    const char *drop_frames;
    const char *keep_frames;
    const char *default_sample_type;
    const char *doc_url;
    const char **comments;
    size_t ncomments, comments_cap;

    pf_mapping *mappings;
    size_t nmappings, mappings_cap;
    pf_function *functions;
    size_t nfunctions, functions_cap;
    pf_location *locations;
    size_t nlocations, locations_cap;
    pf_line *lines;
    size_t nlines, lines_cap;

    pf_sample *samples;
    size_t nsamples, samples_cap;
    int64_t *values;        /* nsamples * nsample_types */
    size_t values_cap;
    uint32_t *stack;        /* location indices of all samples */
    size_t nstack, stack_cap;
    pf_label *labels;
    size_t nlabels, labels_cap;

    /* De-duplication indexes for the builder, built on first use. */
    pf_idxset mapping_set, function_set, location_set;
    bool sets_valid;
    uint64_t next_mapping_id, next_function_id, next_location_id;
};

/* Appends without de-duplication (decoders: the input's entities are
 * kept as they are). Strings must already be interned in P. */
int pf__mapping_append(pf_profile *p, uint32_t *out, const pf_mapping *m);
int pf__function_append(pf_profile *p, uint32_t *out, const pf_function *f);
int pf__location_append(pf_profile *p, uint32_t *out, uint64_t id,
                        uint32_t mapping, uint64_t address,
                        const pf_line *lines, size_t nline, bool is_folded);
/* Append a sample whose label strings are already interned in P. */
int pf__sample_append(pf_profile *p, const uint32_t *locs, size_t nloc,
                      const int64_t *values, const pf_label *labels,
                      size_t nlabel);
/* Intern a string known to be interned in another profile (fast path
 * for copying between profiles). */
const char *pf__reintern(pf_profile *dst, const char *s);
/* The function key of the builder and of merge (the reference's:
 * name, system_name, filename, start_line; strings of CTX, a
 * pf_profile, compared by pointer). */
uint64_t pf__function_hash(const pf_function *f);
bool pf__function_eq(const void *ctx, uint32_t idx, const void *key);
/* Drop the builder's de-duplication indexes (after bulk edits). */
void pf__profile_invalidate_sets(pf_profile *p);

static inline const pf_line *pf__loc_lines(const pf_profile *p,
                                           const pf_location *l)
{
    /* No arithmetic on a NULL vector (UB even with offset 0). */
    return p->lines ? p->lines + l->line_off : NULL;
}
static inline const uint32_t *pf__sample_locs(const pf_profile *p,
                                              const pf_sample *s)
{
    return p->stack ? p->stack + s->loc_off : NULL;
}
static inline const int64_t *pf__sample_vals(const pf_profile *p, size_t i)
{
    return p->values ? p->values + i * p->nsample_types : NULL;
}
static inline const pf_label *pf__sample_labels(const pf_profile *p,
                                                const pf_sample *s)
{
    return p->labels ? p->labels + s->label_off : NULL;
}

/* ------------------------------------------------------------------ */
/* Buffers and gzip (buf.c, gz.c)                                      */

/* Write helper: forwards to W, mapping failure to PF_EIO with detail. */
int pf__write(pf_writer w, const void *buf, size_t len);
/* vsnprintf into SMALL (SIZE bytes) or, when the text is longer, into a
 * pf__malloc'd buffer stored in *BIG (caller frees; NULL otherwise).
 * Returns the length, or a negative pf_err. *OUT points at the text. */
int pf__vformat(const char **out, char **big, char *small, size_t size,
                const char *fmt, va_list ap);
/* printf into a writer (through a small stack buffer, heap above it). */
int pf__writef(pf_writer w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Length (1..4) of the valid UTF-8 sequence at S (N > 0 bytes left),
 * its code point in *CP; 0 for bytes that are not one (overlong forms,
 * surrogates, above U+10FFFF, truncated). text_write_common.c. */
size_t pf__utf8_len(const unsigned char *s, size_t n, uint32_t *cp);
/* Go debug=1 text (text_write_debug1.c) with what the profile itself
 * does not carry, known to the capture module. */
#define PF__NO_OFFSET UINT64_MAX
enum { PF__D1_GUESS, PF__D1_BLOCK, PF__D1_MUTEX };
typedef struct pf__debug1_opts {
    /* per location: its address minus the start of its function, for
     * the "#" lines' "+0x..." (PF__NO_OFFSET: unknown, written +0x0);
     * NULL: all unknown */
    const uint64_t *func_offset;
    /* contention profiles: which header; guessed from the leaves
     * (Unlock functions: mutex) with PF__D1_GUESS */
    int contention;
    /* mutex: the sampling fraction the values are scaled by; written
     * as "sampling period=" with the values divided by it, as Go
     * (1 when some value is not a multiple of it) */
    int64_t mutex_period;
} pf__debug1_opts;
int pf__profile_write_debug1(const pf_profile *p, pf_writer w,
                             const pf__debug1_opts *o);

bool pf__is_gzip(const void *buf, size_t len);
/* Gunzip BUF (all members) into *OUT (pf__malloc'd, caller frees),
 * failing with PF_ETOOBIG past CAP bytes. */
int pf__gunzip(unsigned char **out, size_t *outlen, const void *buf,
               size_t len, uint64_t cap);
/* Gzip BUF at LEVEL to W. */
int pf__gzip_write(pf_writer w, const void *buf, size_t len, int level);

/* Streaming gzip writer (gz.c): the stream is cut into CHUNK-byte
 * pieces (0 = PF_GZ_CHUNK), each compressed as an independent gzip
 * member on up to THREADS threads (0 = one per available CPU, at most
 * 8; 1 = no threads) and written to W in order. The output depends
 * only on the bytes, LEVEL and CHUNK, never on THREADS. */
#define PF_GZ_CHUNK ((size_t)1 << 20)
typedef struct pf_gzw pf_gzw;
int pf__gzw_new(pf_gzw **out, pf_writer w, int level, unsigned threads,
                size_t chunk);
int pf__gzw_write(pf_gzw *g, const void *buf, size_t len);
/* Compress and write what is left; the stream is complete after it. */
int pf__gzw_finish(pf_gzw *g);
void pf__gzw_free(pf_gzw *g);       /* NULL is a no-op; stops threads */



/* ------------------------------------------------------------------ */
/* Readers (read.c dispatches)                                         */

/* Test hook (codec_pb.c): false sends every Sample through protobuf-c
 * instead of the hand-written fast path, on decode and encode, so tests
 * can check that both give the same results. Default true. */
extern bool pf__pb_fast_samples;
/* profile.proto without gzip framing; LEN 0 is an error. */
int pf__decode_proto_raw(pf_profile **out, const void *buf, size_t len,
                         const pf_decode_opts *opts);
/* Legacy formats (legacy_*.c): detect and parse BUF (already
 * gunzipped). Returns PF_ENOTFOUND, with no detail set, when no legacy
 * reader recognises the data; any other error is that reader's. */
int pf__read_legacy(pf_profile **out, pf_format *fmt, const uint8_t *buf,
                    size_t len, const pf_decode_opts *opts);
/* Go time.Duration.String() (dump.c), for text that mimics Go output. */
void pf__go_duration(char *buf, size_t size, int64_t d);
/* P in exactly the layout of pprof's -raw (Profile.String(), times in
 * UTC): the raw dump without the fields that layout leaves out. */
int pf__profile_write_pprof_raw(const pf_profile *p, pf_writer w);
#endif /* LIBPROFILE_INTERNAL_H */
