/*
 * Private to the text writers (text_write_*.c): a batching output sink,
 * Go's elastic tab stops, Go-style string quoting, and a string table
 * that de-duplicates byte strings (stack keys) with a running sum.
 */
#ifndef LIBPROFILE_TEXT_WRITE_H
#define LIBPROFILE_TEXT_WRITE_H

#include "internal.h"

/* Output batched in a growing buffer and handed to the writer in
 * chunks, so a 2M-sample profile is not 2M writer calls. The first
 * failure sticks in ERR; later calls do nothing and return it. */
typedef struct pf_tsink {
    pf_writer w;
    char *buf;
    size_t len, cap;
    int err;
} pf_tsink;

void pf__tsink_init(pf_tsink *s, pf_writer w);
/* Flush what is pending and free the buffer; returns the sticky
 * error, or the flush's. */
int pf__tsink_finish(pf_tsink *s);
int pf__tsink_put(pf_tsink *s, const char *p, size_t n);
int pf__tsink_puts(pf_tsink *s, const char *str);
int pf__tsink_putc(pf_tsink *s, char c);
int pf__tsink_printf(pf_tsink *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Reserve N bytes at the end of the pending buffer (for callers that
 * format in place); NULL after an allocation failure. */
char *pf__tsink_grow(pf_tsink *s, size_t n);

/* Go's text/tabwriter as runtime/pprof configures it (minwidth 1,
 * tabwidth 8, padding 1, padchar TAB, no flags; docs/FORMATS.md 2.1).
 * Lines are fed whole, newline included; a line without a TAB ends
 * every column block, so pending lines are formatted then. */
typedef struct pf_tabw {
    pf_tsink *out;
    char *text;                 /* pending lines, back to back */
    size_t tlen, tcap;
    size_t *line_end;           /* end offset of each pending line */
    size_t nlines, lcap;
    uint32_t *colw, *textw;     /* scratch: widths per cell */
    size_t ccap, twcap;
    size_t *cstart;             /* scratch: first cell of each line */
    size_t cscap;
} pf_tabw;

void pf__tabw_init(pf_tabw *t, pf_tsink *out);
void pf__tabw_release(pf_tabw *t);
/* Append text (may span several lines; a partial line stays pending
 * until its newline arrives). */
int pf__tabw_write(pf_tabw *t, const char *p, size_t n);
int pf__tabw_printf(pf_tabw *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Format and emit everything pending (a last line without newline is
 * written as is). */
int pf__tabw_flush(pf_tabw *t);

/* Append S quoted like Go's strconv.Quote ("%q") to the growing
 * buffer *BUF (length *LEN, capacity *CAP). */
int pf__go_quote(char **buf, size_t *len, size_t *cap, const char *s,
                 size_t n);

/* A set of byte strings, each with an int64 accumulator: intern the
 * stack key of every sample and sum its value. Keys live in one
 * buffer; ids are dense from 0 in first-seen order. */
typedef struct pf_keytab {
    char *bytes;
    size_t blen, bcap;
    size_t *off;                /* key i = bytes[off[i] .. off[i+1]) */
    int64_t *sum;
    uint32_t *first;            /* first sample index with this key */
    size_t n, ocap, scap, fcap;
    pf_idxset set;
} pf_keytab;

void pf__keytab_init(pf_keytab *k);
void pf__keytab_release(pf_keytab *k);
/* Add VALUE to the key KEY[0..LEN) (created with SAMPLE as its first
 * sample if new). *ID (may be NULL) receives the key's id. */
int pf__keytab_add(pf_keytab *k, uint32_t *id, const char *key, size_t len,
                   int64_t value, uint32_t sample);
static inline const char *pf__keytab_key(const pf_keytab *k, uint32_t id,
                                         size_t *len)
{
    *len = k->off[id + 1] - k->off[id];
    return k->bytes + k->off[id];
}
/* Byte-wise comparison of keys A and B (shorter prefix first). */
int pf__keytab_cmp(const pf_keytab *k, uint32_t a, uint32_t b);

/* Lower-case hex without prefix / signed decimal of V at DST (room for
 * 20 bytes); return the end. printf is the hot spot of big outputs. */
char *pf__fmt_hex(char *dst, uint64_t v);
char *pf__fmt_i64(char *dst, int64_t v);

/* Display name of a frame's function: name, else system name, else
 * "" (unsymbolized). */
static inline const char *pf__func_display(const pf_profile *p,
                                           uint32_t f)
{
    const pf_function *fn = &p->functions[f];
    return fn->name[0] ? fn->name : fn->system_name;
}

/* Addresses for text output: a location's own address, or, for
 * locations without one (address 0, e.g. read from folded stacks), a
 * synthetic one unique in the profile so distinct frames stay
 * distinct when the text is read back. *OUT is pf__malloc'd. */
int pf__text_addresses(uint64_t **out, const pf_profile *p);

#endif /* LIBPROFILE_TEXT_WRITE_H */
