/*
 * `perf script` text (Linux perf), with or without call graphs: one
 * sample header per event sample, "COMM PID[/TID] [CPU] TIME: PERIOD
 * EVENT:", followed either by the sampled frame on the same line (no
 * -g) or by one tab-indented frame per line, leaf first, up to a blank
 * line. A frame is "ADDRESS SYMBOL[+0xOFF] (DSO)". See
 * docs/FORMATS-CONVERSION.md for the resulting profile.
 *
 * Sample types and the aggregation of equal stacks are shared with the
 * perf.data reader (legacy_perf_agg.c). Two passes: the first only
 * finds the events (the number of sample types), the second builds
 * locations and samples.
 */
#include "legacy.h"

#include <string.h>

/* ------------------------------------------------------------------ */
/* Line classification and parsing                                     */

typedef struct tok {
    const char *s;
    size_t n;
} tok;

typedef struct hdr {
    tok comm, event, rest;
    int64_t pid;
    int64_t time_ns;        /* -1 if absent */
    int64_t period;         /* 1 if absent */
} hdr;

typedef struct frame {
    uint64_t addr;
    tok sym;                /* without +0xOFF; n = 0 for [unknown] */
    tok dso;                /* without " (deleted)"; n = 0 if none */
} frame;

enum { LINE_BLANK, LINE_COMMENT, LINE_FRAME, LINE_SRCLINE, LINE_RECORD,
       LINE_HEADER };

static bool all_digits(const char *s, size_t n)
{
    size_t i;

    if (n == 0)
        return false;
    for (i = 0; i < n; i++)
        if (!pf__ldigit(s[i]))
            return false;
    return true;
}

/* "123.456789:" */
static bool is_time(tok t)
{
    const char *dot;

    if (t.n < 4 || t.s[t.n - 1] != ':')
        return false;
    dot = memchr(t.s, '.', t.n);
    return dot && all_digits(t.s, (size_t)(dot - t.s)) &&
           all_digits(dot + 1, (size_t)(t.s + t.n - 1 - dot - 1));
}

/* "[003]" */
static bool is_cpu(tok t)
{
    return t.n >= 3 && t.s[0] == '[' && t.s[t.n - 1] == ']' &&
           all_digits(t.s + 1, t.n - 2);
}

/* "123" or "123/456" */
static bool is_pid(tok t, int64_t *pid)
{
    const char *sl = memchr(t.s, '/', t.n);
    size_t pn = sl ? (size_t)(sl - t.s) : t.n;

    if (!all_digits(t.s, pn) || (sl && !all_digits(sl + 1, t.n - pn - 1)))
        return false;
    return pf__lparse_i64(t.s, pn, false, pid);
}

static int classify(const char *s, size_t n)
{
    const char *t = s;
    size_t k = n;

    pf__ltrim(&t, &k);
    if (k == 0)
        return LINE_BLANK;
    if (t[0] == '#' && t == s)
        return LINE_COMMENT;
    if (s[0] == '\t')
        return LINE_FRAME;
    if (t != s) {
        size_t i;
        for (i = 0; i < k && !pf__lspace(t[i]); i++)
            ;
        if (i == k)
            return LINE_SRCLINE;    /* -F +srcline: "  file.c:12" */
    }
    if (pf__lfind(s, n, " PERF_RECORD_"))
        return LINE_RECORD;
    return LINE_HEADER;
}

/* Parse a sample header; false if it is not one. */
static bool parse_header(const char *s, size_t n, hdr *h)
{
    enum { MAXTOK = 48 };
    tok t[MAXTOK];
    size_t nt = 0, i = 0, e, j;

    while (i < n && nt < MAXTOK) {
        size_t b;
        while (i < n && pf__lspace(s[i]))
            i++;
        if (i == n)
            break;
        b = i;
        while (i < n && !pf__lspace(s[i]))
            i++;
        t[nt].s = s + b;
        t[nt].n = i - b;
        nt++;
        /* The event is the first token after the comm that ends in ':'
         * and is not the time. */
        if (nt >= 3 && t[nt - 1].s[t[nt - 1].n - 1] == ':' &&
            !is_time(t[nt - 1]) && t[nt - 1].n > 1)
            break;
    }
    if (nt < 3)
        return false;
    e = nt - 1;
    if (t[e].s[t[e].n - 1] != ':' || is_time(t[e]) || t[e].n < 2)
        return false;
    h->event.s = t[e].s;
    h->event.n = t[e].n - 1;
    h->rest.s = t[e].s + t[e].n;
    h->rest.n = (size_t)(s + n - h->rest.s);
    pf__ltrim(&h->rest.s, &h->rest.n);
    h->period = 1;
    h->time_ns = -1;
    j = e - 1;
    /* Backwards: [period] [time] [cpu] pid. */
    if (j >= 2 && all_digits(t[j].s, t[j].n) &&
        (is_time(t[j - 1]) || is_cpu(t[j - 1]) || is_pid(t[j - 1], &h->pid))) {
        if (!pf__lparse_i64(t[j].s, t[j].n, false, &h->period))
            return false;
        j--;
    }
    if (j >= 2 && is_time(t[j])) {
        const char *dot = memchr(t[j].s, '.', t[j].n);
        int64_t sec, frac;
        size_t fl = (size_t)(t[j].s + t[j].n - 1 - dot - 1), k;
        if (!pf__lparse_i64(t[j].s, (size_t)(dot - t[j].s), false, &sec) ||
            fl > 9 || !pf__lparse_i64(dot + 1, fl, false, &frac) ||
            sec > INT64_MAX / 1000000000 - 1)
            return false;
        for (k = fl; k < 9; k++)
            frac *= 10;
        h->time_ns = sec * 1000000000 + frac;
        j--;
    }
    if (j >= 2 && is_cpu(t[j]))
        j--;
    if (j < 1 || !is_pid(t[j], &h->pid))
        return false;
    h->comm.s = t[0].s;
    h->comm.n = (size_t)(t[j - 1].s + t[j - 1].n - t[0].s);
    return true;
}

/* Parse "ADDRESS SYMBOL[+0xOFF] (DSO)" (already trimmed); false if the
 * text is not a frame. */
static bool parse_frame(const char *s, size_t n, frame *f, bool *addr_big)
{
    size_t i = 0, end = n;

    *addr_big = false;
    while (i < n && pf__lhexval(s[i]) >= 0)
        i++;
    if (i == 0 || (i < n && !pf__lspace(s[i])))
        return false;
    if (!pf__lparse_hex(s, i, &f->addr)) {
        *addr_big = true;
        return false;
    }
    while (i < n && pf__lspace(s[i]))
        i++;
    f->dso.n = 0;
    f->dso.s = s + n;
    if (end > i && s[end - 1] == ')') {
        /* The DSO: the balanced (...) group that ends the line. */
        size_t k = end - 1;
        int depth = 0;
        for (;;) {
            if (s[k] == ')')
                depth++;
            else if (s[k] == '(' && --depth == 0)
                break;
            if (k == i)
                break;
            k--;
        }
        if (depth == 0 && (k == i || pf__lspace(s[k - 1]))) {
            f->dso.s = s + k + 1;
            f->dso.n = end - 1 - (k + 1);
            end = k;
            while (end > i && pf__lspace(s[end - 1]))
                end--;
            if (f->dso.n >= 10 &&
                memcmp(f->dso.s + f->dso.n - 10, " (deleted)", 10) == 0)
                f->dso.n -= 10;
            if (f->dso.n == 9 && memcmp(f->dso.s, "[unknown]", 9) == 0)
                f->dso.n = 0;
        }
    }
    f->sym.s = s + i;
    f->sym.n = end - i;
    if (f->sym.n == 9 && memcmp(f->sym.s, "[unknown]", 9) == 0) {
        f->sym.n = 0;
    } else {
        /* Drop a "+0x1c" offset. */
        size_t k = f->sym.n;
        while (k > 0 && pf__lhexval(f->sym.s[k - 1]) >= 0)
            k--;
        if (k >= 3 && k < f->sym.n && f->sym.s[k - 1] == 'x' &&
            f->sym.s[k - 2] == '0' && f->sym.s[k - 3] == '+')
            f->sym.n = k - 3;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Reader state                                                        */

typedef struct dso_info {
    const char *name;       /* interned */
    uint32_t mapping;       /* profile index */
    uint64_t lo, hi;        /* addresses seen */
    bool any, symbols;
} dso_info;

typedef struct mmap_info {
    const char *name;       /* interned */
    const char *build_id;   /* interned, "" if none */
    uint64_t start, limit, pgoff;
} mmap_info;

typedef struct rd {
    pf_profile *p;
    const pf_decode_opts *opts;
    tok *events;
    size_t nevents, events_cap;
    dso_info *dsos;
    size_t ndsos, dsos_cap;
    pf_u64map dso_by_name;  /* interned name -> dsos index */
    pf_u64map fn_by_name;   /* interned name -> function index */
    mmap_info *mmaps;
    size_t nmmaps, mmaps_cap;
    pf_perfagg agg;
    /* the sample being read */
    hdr cur;
    size_t cur_ev;
    size_t cur_line;        /* its header's line number */
    bool in_sample;
    int64_t tmin, tmax;
} rd;

static size_t event_index(const rd *r, tok ev)
{
    size_t i;

    for (i = 0; i < r->nevents; i++)
        if (r->events[i].n == ev.n && memcmp(r->events[i].s, ev.s, ev.n) == 0)
            return i;
    return SIZE_MAX;
}

static int dso_get(rd *r, tok name, uint32_t *out)
{
    const char *in = pf_profile_intern_len(r->p, name.s, name.n);
    uint32_t d;

    *out = PF_NONE;
    if (!in)
        return pf__error_oom();
    d = pf__u64map_get(&r->dso_by_name, (uint64_t)(uintptr_t)in);
    if (d == PF_NONE) {
        /* A mapping of its own (distinct file names never merge); its
         * range and build id are set once all addresses are known. */
        pf_mapping m;
        memset(&m, 0, sizeof(m));
        m.file = in;
        PF_TRY(PF_VEC_RESERVE(r->dsos, r->dsos_cap, r->ndsos + 1));
        d = (uint32_t)r->ndsos;
        memset(&r->dsos[d], 0, sizeof(r->dsos[d]));
        r->dsos[d].name = in;
        PF_TRY(pf_profile_add_mapping(&r->dsos[d].mapping, r->p, &m));
        r->ndsos++;
        PF_TRY(pf__u64map_put(&r->dso_by_name, (uint64_t)(uintptr_t)in, d));
    }
    *out = d;
    return PF_OK;
}

/* The location of frame F (created on first use) onto the stack. */
static int push_frame(rd *r, const frame *f)
{
    uint32_t d = PF_NONE, mapping = PF_NONE, loc;
    pf_line ln = { 0, 0, 0 };
    size_t nline = 0;

    if (f->dso.n) {
        PF_TRY(dso_get(r, f->dso, &d));
        dso_info *di = &r->dsos[d];
        mapping = di->mapping;
        if (!di->any || f->addr < di->lo)
            di->lo = f->addr;
        if (!di->any || f->addr > di->hi)
            di->hi = f->addr;
        di->any = true;
        if (f->sym.n)
            di->symbols = true;
    }
    if (f->sym.n) {
        const char *name = pf_profile_intern_len(r->p, f->sym.s, f->sym.n);
        uint32_t fn;
        if (!name)
            return pf__error_oom();
        fn = pf__u64map_get(&r->fn_by_name, (uint64_t)(uintptr_t)name);
        if (fn == PF_NONE) {
            PF_TRY(pf_profile_add_function(&fn, r->p, name, name, "", 0));
            PF_TRY(pf__u64map_put(&r->fn_by_name, (uint64_t)(uintptr_t)name,
                                  fn));
        }
        ln.function = fn;
        nline = 1;
    }
    PF_TRY(pf_profile_add_location(&loc, r->p, mapping, f->addr, &ln, nline,
                                   false));
    return pf__perfagg_push(&r->agg, loc);
}

/* End of the current sample: add it to its aggregate. */
static int end_sample(rd *r)
{
    const char *comm;
    int err;

    if (!r->in_sample)
        return PF_OK;
    r->in_sample = false;
    comm = pf_profile_intern_len(r->p, r->cur.comm.s, r->cur.comm.n);
    if (!comm)
        return pf__error_oom();
    err = pf__perfagg_end(&r->agg, r->cur.pid, comm, r->cur_ev,
                          r->cur.period);
    if (err < 0)
        return err;
    if (err > 0)
        return pf__error_set(PF_EFORMAT, "line %zu: event total overflows",
                             r->cur_line);
    if (r->opts && r->opts->max_records &&
        r->agg.nents + pf_profile_location_count(r->p) > r->opts->max_records)
        return pf__error_set(PF_ETOOBIG, "line %zu: more than %llu records",
                             r->cur_line,
                             (unsigned long long)r->opts->max_records);
    return PF_OK;
}

/* "... PERF_RECORD_MMAP2 1/1: [0xSTART(0xLEN) @ 0xPGOFF <BUILDID>]: r-xp PATH"
 * (or "... @ 0xPGOFF 08:01 1234 0]: ..."): remember range and build id.
 * Other side-band records are skipped. */
static int mmap_record(rd *r, const char *s, size_t n)
{
    const char *b = pf__lfind(s, n, " PERF_RECORD_MMAP"), *e = s + n, *q;
    uint64_t start, len, pgoff;
    const char *bid = "", *path;
    size_t pl;

    if (!b || !(b = pf__lfind(b, (size_t)(e - b), ": [0x")))
        return PF_OK;
    b += 5;
    for (q = b; q < e && pf__lhexval(*q) >= 0; q++)
        ;
    if (!pf__lparse_hex(b, (size_t)(q - b), &start) || e - q < 3 ||
        memcmp(q, "(0x", 3) != 0)
        return PF_OK;
    b = q + 3;
    for (q = b; q < e && pf__lhexval(*q) >= 0; q++)
        ;
    if (!pf__lparse_hex(b, (size_t)(q - b), &len) || e - q < 6 ||
        memcmp(q, ") @ ", 4) != 0)
        return PF_OK;
    b = q + 4;
    if (e - b > 2 && b[0] == '0' && b[1] == 'x')
        b += 2;
    for (q = b; q < e && pf__lhexval(*q) >= 0; q++)
        ;
    if (!pf__lparse_hex(b, (size_t)(q - b), &pgoff))
        return PF_OK;
    if (q + 2 < e && q[0] == ' ' && q[1] == '<') {
        const char *gt = memchr(q, '>', (size_t)(e - q));
        if (!gt)
            return PF_OK;
        bid = pf_profile_intern_len(r->p, q + 2, (size_t)(gt - q - 2));
        if (!bid)
            return pf__error_oom();
    }
    if (!(q = pf__lfind(q, (size_t)(e - q), "]: ")))
        return PF_OK;
    q += 3;
    while (q < e && !pf__lspace(*q))       /* protection "r-xp" */
        q++;
    while (q < e && pf__lspace(*q))
        q++;
    path = q;
    pl = (size_t)(e - q);
    while (pl > 0 && pf__lspace(path[pl - 1]))
        pl--;
    if (pl >= 10 && memcmp(path + pl - 10, " (deleted)", 10) == 0)
        pl -= 10;
    /* The kernel's text is mapped as "[kernel.kallsyms]_text" (or
     * _stext) but its frames say "[kernel.kallsyms]". */
    if (pl > 17 && memcmp(path, "[kernel.kallsyms]", 17) == 0)
        pl = 17;
    if (pl == 0 || start + len < start)
        return PF_OK;
    PF_TRY(PF_VEC_RESERVE(r->mmaps, r->mmaps_cap, r->nmmaps + 1));
    r->mmaps[r->nmmaps].name = pf_profile_intern_len(r->p, path, pl);
    if (!r->mmaps[r->nmmaps].name)
        return pf__error_oom();
    r->mmaps[r->nmmaps].build_id = bid;
    r->mmaps[r->nmmaps].start = start;
    r->mmaps[r->nmmaps].limit = start + len;
    r->mmaps[r->nmmaps].pgoff = pgoff;
    r->nmmaps++;
    return PF_OK;
}

/* Give every mapping its range, offset and build id; put the main
 * binary (the first sample's command, else the first file) first. */
static int finish_mappings(rd *r, const char *first_comm)
{
    pf_profile *p = r->p;
    size_t i, k, main_i = SIZE_MAX;

    for (i = 0; i < r->ndsos; i++) {
        dso_info *d = &r->dsos[i];
        pf_mapping *m = &p->mappings[d->mapping];
        const char *base = strrchr(d->name, '/');
        m->start = d->lo;
        m->limit = d->hi + 1 > d->hi ? d->hi + 1 : d->hi;
        m->offset = 0;
        m->has_functions = d->symbols;
        for (k = 0; k < r->nmmaps; k++) {
            const mmap_info *mm = &r->mmaps[k];
            if (mm->name != d->name)
                continue;
            if (mm->build_id[0])
                m->build_id = mm->build_id;
            /* Absolute addresses (no -g): the recorded range holds them. */
            if (mm->start <= d->lo && d->hi < mm->limit) {
                m->start = mm->start;
                m->limit = mm->limit;
                m->offset = mm->pgoff;
            }
        }
        base = base ? base + 1 : d->name;
        if (main_i == SIZE_MAX && d->name[0] != '[' && first_comm &&
            strcmp(base, first_comm) == 0)
            main_i = d->mapping;
    }
    for (i = 0; main_i == SIZE_MAX && i < r->ndsos; i++)
        if (r->dsos[i].name[0] != '[')
            main_i = r->dsos[i].mapping;
    return pf__perf_main_first(p, main_i == SIZE_MAX ? PF_NONE
                                                     : (uint32_t)main_i);
}

/* Pass 1: the events in order of first appearance. 0 = not perf
 * script (ENOTFOUND), <0 error. */
static int find_events(rd *r, const uint8_t *buf, size_t len)
{
    pf_lcur c;
    int lr;
    bool first = true, pending_frame = false;
    size_t first_line = 0;

    pf__lcur_init(&c, buf, len, 0);
    while ((lr = pf__lcur_next(&c)) > 0) {
        int kind = classify(c.line, c.len);
        hdr h;
        if (kind == LINE_BLANK || kind == LINE_COMMENT)
            continue;
        if (pending_frame) {
            /* Recognition: a header then a frame (call graphs), or a
             * header whose rest is a frame, or a side-band record. */
            frame f;
            bool big;
            const char *s = c.line;
            size_t n = c.len;
            pf__ltrim(&s, &n);
            if (kind != LINE_FRAME || !parse_frame(s, n, &f, &big))
                return PF_ENOTFOUND;
            pending_frame = false;
            first = false;
            continue;
        }
        if (kind == LINE_RECORD) {
            if (first && !pf__lfind(c.line, c.len, ": PERF_RECORD_"))
                return PF_ENOTFOUND;
            first = false;
            continue;
        }
        if (kind != LINE_HEADER)
            continue;
        if (!parse_header(c.line, c.len, &h)) {
            if (first)
                return PF_ENOTFOUND;
            continue;       /* reported with its line number in pass 2 */
        }
        if (first) {
            frame f;
            bool big;
            first_line = c.lineno;
            if (h.rest.n == 0)
                pending_frame = true;
            else if (!parse_frame(h.rest.s, h.rest.n, &f, &big))
                return PF_ENOTFOUND;
            else
                first = false;
        }
        if (event_index(r, h.event) == SIZE_MAX) {
            PF_TRY(PF_VEC_RESERVE(r->events, r->events_cap, r->nevents + 1));
            r->events[r->nevents++] = h.event;
        }
    }
    if (lr < 0)     /* an over-long line before anything perf-like:
                     * not ours (folded stacks accept long lines) */
        return first ? PF_ENOTFOUND : lr;
    if (pending_frame && r->nevents == 1 && first_line) {
        /* A lone header with no frames: still perf script. */
        first = false;
    }
    return (first || r->nevents == 0) ? PF_ENOTFOUND : 1;
}

static int build(rd *r, const uint8_t *buf, size_t len)
{
    pf_lcur c;
    int lr;
    const char *first_comm = NULL;

    pf__lcur_init(&c, buf, len, 0);
    while ((lr = pf__lcur_next(&c)) > 0) {
        int kind = classify(c.line, c.len);
        const char *s = c.line;
        size_t n = c.len;
        frame f;
        bool big = false;

        switch (kind) {
        case LINE_BLANK:
            PF_TRY(end_sample(r));
            break;
        case LINE_COMMENT:
        case LINE_SRCLINE:
            break;
        case LINE_RECORD:
            PF_TRY(end_sample(r));
            PF_TRY(mmap_record(r, s, n));
            break;
        case LINE_FRAME:
            pf__ltrim(&s, &n);
            if (!r->in_sample)
                return pf__error_set(PF_EFORMAT, "line %zu: stack frame "
                                     "outside a sample", c.lineno);
            if (!parse_frame(s, n, &f, &big))
                return pf__error_set(PF_EFORMAT, big
                                     ? "line %zu: address does not fit in 64 "
                                       "bits"
                                     : "line %zu: expected a stack frame "
                                       "'ADDRESS SYMBOL (DSO)'", c.lineno);
            PF_TRY(push_frame(r, &f));
            break;
        default:
            PF_TRY(end_sample(r));
            if (!parse_header(s, n, &r->cur))
                return pf__error_set(PF_EFORMAT, "line %zu: expected a "
                                     "sample header 'COMM PID TIME: PERIOD "
                                     "EVENT:'", c.lineno);
            r->cur_ev = event_index(r, r->cur.event);
            if (r->cur_ev == SIZE_MAX)
                return pf__error_set(PF_EFORMAT, "line %zu: unexpected "
                                     "event", c.lineno);
            if (r->cur.period < 0)
                return pf__error_set(PF_EFORMAT, "line %zu: negative "
                                     "period", c.lineno);
            if (!first_comm) {
                first_comm = pf_profile_intern_len(r->p, r->cur.comm.s,
                                                   r->cur.comm.n);
                if (!first_comm)
                    return pf__error_oom();
            }
            if (r->cur.time_ns >= 0) {
                if (r->tmin < 0 || r->cur.time_ns < r->tmin)
                    r->tmin = r->cur.time_ns;
                if (r->cur.time_ns > r->tmax)
                    r->tmax = r->cur.time_ns;
            }
            r->cur_line = c.lineno;
            r->in_sample = true;
            if (r->cur.rest.n && parse_frame(r->cur.rest.s, r->cur.rest.n, &f,
                                             &big))
                PF_TRY(push_frame(r, &f));
            else if (big)
                return pf__error_set(PF_EFORMAT, "line %zu: address does "
                                     "not fit in 64 bits", c.lineno);
            /* Any other rest is tracepoint data: not a frame. */
            break;
        }
    }
    if (lr < 0)
        return lr;
    PF_TRY(end_sample(r));
    PF_TRY(finish_mappings(r, first_comm));
    PF_TRY(pf__perfagg_finish(&r->agg, r->p));
    if (r->tmin >= 0 && r->tmax > r->tmin)
        pf_profile_set_duration(r->p, r->tmax - r->tmin);
    return PF_OK;
}

static int add_types(rd *r)
{
    const char **names = pf__malloc(r->nevents * sizeof(*names));
    size_t *lens = pf__malloc(r->nevents * sizeof(*lens));
    size_t i;
    int err;

    if (!names || !lens) {
        err = pf__error_oom();
        goto done;
    }
    for (i = 0; i < r->nevents; i++) {
        names[i] = r->events[i].s;
        lens[i] = r->events[i].n;
    }
    err = pf__perf_sample_types(r->p, names, lens, r->nevents);
done:
    pf__free(names);
    pf__free(lens);
    return err;
}

int pf__read_perf_script(pf_profile **out, const uint8_t *buf, size_t len,
                         const pf_decode_opts *opts)
{
    rd r;
    int err;

    *out = NULL;
    memset(&r, 0, sizeof(r));
    r.opts = opts;
    r.tmin = -1;
    pf__u64map_init(&r.dso_by_name);
    pf__u64map_init(&r.fn_by_name);
    err = find_events(&r, buf, len);
    if (err <= 0)
        goto done;
    r.p = pf_profile_new();
    if (!r.p) {
        err = pf__error_oom();
        goto done;
    }
    pf__perfagg_init(&r.agg, r.nevents);
    if ((err = add_types(&r)) < 0 || (err = build(&r, buf, len)) < 0)
        goto done;
    *out = r.p;
    r.p = NULL;
    err = PF_OK;
done:
    pf_profile_free(r.p);
    pf__free(r.events);
    pf__free(r.dsos);
    pf__free(r.mmaps);
    pf__perfagg_release(&r.agg);
    pf__u64map_release(&r.dso_by_name);
    pf__u64map_release(&r.fn_by_name);
    return err;
}
