/*
 * perf.data files (Linux `perf record`), as `perf script` would show
 * them but without symbols: the file header, the event attributes and
 * their ids, the SAMPLE, MMAP/MMAP2 and COMM records of the data
 * section, and the build-id and event-description feature sections.
 * Layout: the kernel's include/uapi/linux/perf_event.h and perf's
 * Documentation/perf.data-file-format.txt.
 *
 * The profile has the sample types of the perf script reader (shared
 * in legacy_perf_agg.c) and one location per sampled address, bound to
 * the mapping of the process's mmap that holds it (with its build id);
 * functions come later from pprofsym, as for any unsymbolized profile.
 * Two passes over the records: the first gathers mmaps and command
 * names (records are not in time order within a round), the second the
 * samples.
 *
 * Not read: pipe-mode files, compressed records (perf record -z), and
 * samples whose layout includes fields this reader does not skip
 * (reported, not guessed).
 */
#include "legacy.h"

#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>

/* Feature bits of the header's bitmap (perf's header.h). */
enum { FEAT_BUILD_ID = 2, FEAT_EVENT_DESC = 12, FEAT_COMPRESSED = 27 };
/* perf's own record types. */
enum { REC_HEADER_ATTR = 64, REC_COMPRESSED = 81 };
#define MISC_BUILD_ID_SIZE (1u << 15)
#define HDR_SIZE 104u

typedef struct pdbuf {
    const uint8_t *p;
    size_t len;
    bool swap;
} pdbuf;

static uint16_t rd16(const pdbuf *b, size_t o)
{
    uint16_t v;
    memcpy(&v, b->p + o, 2);
    return b->swap ? __builtin_bswap16(v) : v;
}

static uint32_t rd32(const pdbuf *b, size_t o)
{
    uint32_t v;
    memcpy(&v, b->p + o, 4);
    return b->swap ? __builtin_bswap32(v) : v;
}

static uint64_t rd64(const pdbuf *b, size_t o)
{
    uint64_t v;
    memcpy(&v, b->p + o, 8);
    return b->swap ? __builtin_bswap64(v) : v;
}

/* [OFF, OFF+SIZE) inside the buffer? */
static bool in_file(const pdbuf *b, uint64_t off, uint64_t size)
{
    return off <= b->len && size <= b->len - off;
}

typedef struct pattr {
    uint32_t type;
    uint64_t config, sample_type, read_format, period;
    bool freq;
    size_t event;           /* index into the event names */
} pattr;

typedef struct pid_attr {
    uint64_t id;
    size_t attr;
} pid_attr;

typedef struct pmmap {
    uint32_t pid;
    uint64_t start, limit, pgoff;
    const char *file;       /* interned */
    const char *build_id;   /* interned, "" if not in the record */
    size_t seq;
    uint32_t mapping;       /* profile index, PF_NONE until used */
} pmmap;

typedef struct pcomm {
    uint32_t tid;
    size_t seq;             /* order in the file: the last one wins */
    const char *comm;       /* interned */
} pcomm;

typedef struct pbid {
    const char *file;       /* interned */
    const char *build_id;
} pbid;

typedef struct pd {
    pdbuf b;
    pf_profile *p;
    const pf_decode_opts *opts;
    pattr *attrs;
    size_t nattrs;
    pid_attr *ids;          /* sample id -> attribute, sorted by id */
    size_t nids, ids_cap;
    char **names;           /* event names (malloc'd) */
    size_t *name_len;
    size_t nnames;
    pmmap *mm;
    size_t nmm, mm_cap;
    pcomm *comms;
    size_t ncomms, comms_cap;
    pbid *bids;
    size_t nbids, bids_cap;
    uint64_t data_off, data_size;
    pf_perfagg agg;
    int64_t tmin, tmax;
    const char *first_comm;
} pd;

static int fmt_err(size_t off, const char *what)
{
    return pf__error_set(PF_EFORMAT, "perf.data: byte offset %zu: %s", off,
                         what);
}

static const char *sw_names[] = { "cpu-clock", "task-clock", "page-faults",
                                  "context-switches", "cpu-migrations",
                                  "minor-faults", "major-faults" };
static const char *hw_names[] = { "cycles", "instructions", "cache-references",
                                  "cache-misses", "branches", "branch-misses",
                                  "bus-cycles" };

/* A name for attribute I when the file has no event description. */
static int default_name(pd *d, size_t i, char **out)
{
    const pattr *a = &d->attrs[i];
    char buf[64];

    if (a->type == PERF_TYPE_SOFTWARE &&
        a->config < sizeof(sw_names) / sizeof(sw_names[0]))
        snprintf(buf, sizeof(buf), "%s", sw_names[a->config]);
    else if (a->type == PERF_TYPE_HARDWARE &&
             a->config < sizeof(hw_names) / sizeof(hw_names[0]))
        snprintf(buf, sizeof(buf), "%s", hw_names[a->config]);
    else
        snprintf(buf, sizeof(buf), "event_%zu", i);
    *out = pf__malloc(strlen(buf) + 1);
    if (!*out)
        return pf__error_oom();
    strcpy(*out, buf);
    return PF_OK;
}

/* The attrs section: attributes and their sample ids. */
static int read_attrs(pd *d, uint64_t attr_size, uint64_t off, uint64_t size)
{
    const pdbuf *b = &d->b;
    size_t i, n, k;

    if (attr_size < 64 + 16 || size % attr_size || !in_file(b, off, size))
        return fmt_err(16, "bad attribute section");
    n = size / attr_size;
    if (n == 0 || n > 4096)
        return fmt_err(24, "no event attributes (or too many)");
    d->attrs = pf__malloc(n * sizeof(*d->attrs));
    d->names = pf__malloc(n * sizeof(*d->names));
    d->name_len = pf__malloc(n * sizeof(*d->name_len));
    if (!d->attrs || !d->names || !d->name_len)
        return pf__error_oom();
    memset(d->names, 0, n * sizeof(*d->names));
    d->nattrs = d->nnames = n;
    for (i = 0; i < n; i++) {
        size_t a = off + i * attr_size;
        uint32_t asz = rd32(b, a + 4);
        uint64_t flags, ioff, isz;
        pattr *pa = &d->attrs[i];
        if (asz < 64 || asz > attr_size - 16)
            return fmt_err(a, "bad perf_event_attr size");
        pa->type = rd32(b, a);
        pa->config = rd64(b, a + 8);
        pa->period = rd64(b, a + 16);
        pa->sample_type = rd64(b, a + 24);
        pa->read_format = rd64(b, a + 32);
        flags = rd64(b, a + 40);
        pa->freq = (flags >> 10) & 1;
        pa->event = i;
        ioff = rd64(b, a + attr_size - 16);
        isz = rd64(b, a + attr_size - 8);
        if (isz % 8 || !in_file(b, ioff, isz))
            return fmt_err(a, "bad id section of an attribute");
        for (k = 0; k < isz / 8; k++) {
            PF_TRY(PF_VEC_RESERVE(d->ids, d->ids_cap, d->nids + 1));
            d->ids[d->nids].id = rd64(b, ioff + k * 8);
            d->ids[d->nids].attr = i;
            d->nids++;
        }
    }
    return PF_OK;
}

/* Offset and size of feature section FEAT, false if absent. */
static bool feature(const pd *d, unsigned feat, uint64_t *off, uint64_t *size)
{
    const pdbuf *b = &d->b;
    unsigned bit, idx = 0;
    uint64_t base = d->data_off + d->data_size, s;

    if (!((rd64(b, 72 + (feat / 64) * 8) >> (feat % 64)) & 1))
        return false;
    for (bit = 0; bit < feat; bit++)
        if ((rd64(b, 72 + (bit / 64) * 8) >> (bit % 64)) & 1)
            idx++;
    s = base + (uint64_t)idx * 16;
    if (s < base || !in_file(b, s, 16))
        return false;
    *off = rd64(b, s);
    *size = rd64(b, s + 8);
    return in_file(b, *off, *size);
}

/* The attribute of sample id ID (D->ids sorted by id). */
static size_t attr_of(const pd *d, uint64_t id)
{
    size_t lo = 0, hi = d->nids;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->ids[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < d->nids && d->ids[lo].id == id ? d->ids[lo].attr : SIZE_MAX;
}

static int id_cmp(const void *x, const void *y)
{
    const pid_attr *a = x, *b = y;

    return a->id < b->id ? -1 : a->id > b->id;
}

/* HEADER_EVENT_DESC: the events' names, matched to attrs by id. */
static int read_event_desc(pd *d)
{
    const pdbuf *b = &d->b;
    uint64_t off, size, end, o;
    uint32_t nr, asz, i;

    if (!feature(d, FEAT_EVENT_DESC, &off, &size) || size < 8)
        return PF_OK;
    end = off + size;
    nr = rd32(b, off);
    asz = rd32(b, off + 4);
    o = off + 8;
    for (i = 0; i < nr; i++) {
        uint32_t nids, slen;
        size_t ai;
        if (end - o < (uint64_t)asz + 8)
            return PF_OK;       /* truncated: keep the default names */
        o += asz;
        nids = rd32(b, o);
        slen = rd32(b, o + 4);
        o += 8;
        if (end - o < slen || (end - o - slen) / 8 < nids)
            return PF_OK;
        ai = nids > 0 ? attr_of(d, rd64(b, o + slen)) : SIZE_MAX;
        if (ai != SIZE_MAX) {
            const char *s = (const char *)b->p + o;
            size_t n = strnlen(s, slen);
            char *name = pf__malloc(n + 1);
            if (!name)
                return pf__error_oom();
            memcpy(name, s, n);
            name[n] = '\0';
            pf__free(d->names[ai]);
            d->names[ai] = name;
        }
        o += slen + (uint64_t)nids * 8;
    }
    return PF_OK;
}

/* HEADER_BUILD_ID: build ids by file name. */
static int read_build_ids(pd *d)
{
    const pdbuf *b = &d->b;
    uint64_t off, size, o, end;

    if (!feature(d, FEAT_BUILD_ID, &off, &size))
        return PF_OK;
    end = off + size;
    for (o = off; end - o >= 8 + 4 + 24;) {
        uint16_t misc = rd16(b, o + 4), rs = rd16(b, o + 6);
        size_t blen = 20, k, fl;
        char hex[2 * 24 + 1];
        const char *fn;
        if (rs < 8 + 4 + 24 || rs > end - o)
            break;
        if (misc & MISC_BUILD_ID_SIZE) {
            blen = b->p[o + 12 + 20];
            if (blen > 20)
                blen = 20;
        }
        for (k = 0; k < blen; k++)
            snprintf(hex + 2 * k, 3, "%02x", b->p[o + 12 + k]);
        hex[2 * blen] = '\0';
        fn = (const char *)b->p + o + 36;
        fl = strnlen(fn, rs - 36);
        PF_TRY(PF_VEC_RESERVE(d->bids, d->bids_cap, d->nbids + 1));
        d->bids[d->nbids].file = pf_profile_intern_len(d->p, fn, fl);
        d->bids[d->nbids].build_id = pf_profile_intern(d->p, hex);
        if (!d->bids[d->nbids].file || !d->bids[d->nbids].build_id)
            return pf__error_oom();
        d->nbids++;
        o += rs;
    }
    return PF_OK;
}

static int mmap_cmp(const void *x, const void *y)
{
    const pmmap *a = x, *b = y;

    if (a->pid != b->pid)
        return a->pid < b->pid ? -1 : 1;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int comm_cmp(const void *x, const void *y)
{
    const pcomm *a = x, *b = y;

    if (a->tid != b->tid)
        return a->tid < b->tid ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* MMAP / MMAP2 record at O (after the 8-byte header), RS bytes in all. */
static int add_mmap(pd *d, size_t o, size_t rs, uint32_t type, uint16_t misc)
{
    const pdbuf *b = &d->b;
    size_t fo, fl;
    const char *bid = "";
    pmmap *m;
    uint64_t start, len;

    if (rs < 8 + 32 + (type == PERF_RECORD_MMAP2 ? 24 + 8 : 0) + 1)
        return fmt_err(o - 8, "mmap record too short");
    start = rd64(b, o + 8);
    len = rd64(b, o + 16);
    fo = o + 32;
    if (type == PERF_RECORD_MMAP2) {
        if (misc & PERF_RECORD_MISC_MMAP_BUILD_ID) {
            uint8_t n = b->p[o + 32];
            char hex[41];
            size_t k;
            if (n > 20)
                n = 20;
            for (k = 0; k < n; k++)
                snprintf(hex + 2 * k, 3, "%02x", b->p[o + 36 + k]);
            hex[2 * n] = '\0';
            bid = pf_profile_intern(d->p, hex);
            if (!bid)
                return pf__error_oom();
        }
        fo += 24 + 8;           /* dev/inode or build id; prot, flags */
    }
    fl = strnlen((const char *)b->p + fo, o - 8 + rs - fo);
    if (start + len < start || len == 0)
        return PF_OK;
    PF_TRY(PF_VEC_RESERVE(d->mm, d->mm_cap, d->nmm + 1));
    m = &d->mm[d->nmm];
    m->pid = rd32(b, o);
    m->start = start;
    m->limit = start + len;
    m->pgoff = rd64(b, o + 24);
    /* The kernel's text is "[kernel.kallsyms]_text" (or _stext); frames
     * and build ids say "[kernel.kallsyms]". */
    if (fl > 17 && memcmp(b->p + fo, "[kernel.kallsyms]", 17) == 0)
        fl = 17;
    m->file = pf_profile_intern_len(d->p, (const char *)b->p + fo, fl);
    if (!m->file)
        return pf__error_oom();
    m->build_id = bid;
    m->seq = d->nmm;
    m->mapping = PF_NONE;
    d->nmm++;
    return PF_OK;
}

/* Walk the data section; pass 0 gathers mmaps and comms, pass 1
 * samples. */
typedef int (*rec_fn)(pd *d, size_t o, uint32_t type, uint16_t misc,
                      size_t rs);

static int walk(pd *d, rec_fn fn)
{
    const pdbuf *b = &d->b;
    uint64_t o = d->data_off, end = d->data_off + d->data_size;

    while (end - o >= 8) {
        uint32_t type = rd32(b, o);
        uint16_t misc = rd16(b, o + 4), rs = rd16(b, o + 6);
        if (rs < 8 || rs > end - o)
            return fmt_err(o, "record size runs past the data section");
        if (type == REC_COMPRESSED)
            return fmt_err(o, "compressed records (perf record -z) are not "
                           "supported; convert with perf script");
        PF_TRY(fn(d, (size_t)o + 8, type, misc, rs));
        o += rs;
    }
    return PF_OK;
}

static int pass_side(pd *d, size_t o, uint32_t type, uint16_t misc, size_t rs)
{
    const pdbuf *b = &d->b;

    if (type == PERF_RECORD_MMAP || type == PERF_RECORD_MMAP2)
        return add_mmap(d, o, rs, type, misc);
    if (type == PERF_RECORD_COMM) {
        size_t fl;
        if (rs < 8 + 8 + 1)
            return fmt_err(o - 8, "comm record too short");
        fl = strnlen((const char *)b->p + o + 8, rs - 16);
        PF_TRY(PF_VEC_RESERVE(d->comms, d->comms_cap, d->ncomms + 1));
        d->comms[d->ncomms].tid = rd32(b, o + 4);
        d->comms[d->ncomms].seq = d->ncomms;
        d->comms[d->ncomms].comm =
            pf_profile_intern_len(d->p, (const char *)b->p + o + 8, fl);
        if (!d->comms[d->ncomms].comm)
            return pf__error_oom();
        d->ncomms++;
    }
    return PF_OK;
}

static const char *comm_of(const pd *d, uint32_t tid, uint32_t pid)
{
    size_t lo = 0, hi = d->ncomms;
    uint32_t want = tid;
    int round;

    for (round = 0; round < 2; round++, want = pid) {
        lo = 0;
        hi = d->ncomms;
        while (lo < hi) {       /* last entry with tid <= want */
            size_t mid = lo + (hi - lo) / 2;
            if (d->comms[mid].tid <= want)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo > 0 && d->comms[lo - 1].tid == want)
            return d->comms[lo - 1].comm;
    }
    return "";
}

/* The mmap of PID (or the kernel's, pid -1) holding ADDR; NULL if none. */
static pmmap *find_mmap(pd *d, uint32_t pid, uint64_t addr)
{
    int round;
    uint32_t want = pid;

    for (round = 0; round < 2; round++, want = UINT32_MAX) {
        size_t lo = 0, hi = d->nmm, k, steps;
        while (lo < hi) {       /* first entry after (want, addr) */
            size_t mid = lo + (hi - lo) / 2;
            if (d->mm[mid].pid < want ||
                (d->mm[mid].pid == want && d->mm[mid].start <= addr))
                lo = mid + 1;
            else
                hi = mid;
        }
        for (k = lo, steps = 0; k > 0 && steps < 64; k--, steps++) {
            pmmap *m = &d->mm[k - 1];
            if (m->pid != want)
                break;
            if (addr < m->limit)
                return m;
        }
    }
    return NULL;
}

static int mapping_of(pd *d, pmmap *m, uint32_t *out)
{
    if (m->mapping == PF_NONE) {
        pf_mapping pm;
        size_t k;
        memset(&pm, 0, sizeof(pm));
        pm.start = m->start;
        pm.limit = m->limit;
        pm.offset = m->pgoff;
        pm.file = m->file;
        pm.build_id = m->build_id;
        for (k = 0; !pm.build_id[0] && k < d->nbids; k++)
            if (d->bids[k].file == m->file)
                pm.build_id = d->bids[k].build_id;
        PF_TRY(pf_profile_add_mapping(&m->mapping, d->p, &pm));
    }
    *out = m->mapping;
    return PF_OK;
}

static int push_addr(pd *d, uint32_t pid, uint64_t addr)
{
    pmmap *m = find_mmap(d, pid, addr);
    uint32_t mapping = PF_NONE, loc;

    if (m)
        PF_TRY(mapping_of(d, m, &mapping));
    PF_TRY(pf_profile_add_location(&loc, d->p, mapping, addr, NULL, 0,
                                   false));
    return pf__perfagg_push(&d->agg, loc);
}

static int pass_samples(pd *d, size_t o, uint32_t type, uint16_t misc,
                        size_t rs)
{
    const pdbuf *b = &d->b;
    size_t end = o - 8 + rs, ai = 0, p = o;
    const pattr *a;
    uint64_t st, ip = 0, period, nr, k;
    uint32_t pid = 0, tid = 0;
    int64_t t = -1;
    bool have_ip, first = true;
    int err;

    (void)misc;
    if (type != PERF_RECORD_SAMPLE)
        return PF_OK;
    /* Which event: by id, found where the first attr's layout puts it. */
    st = d->attrs[0].sample_type;
    if (d->nattrs > 1) {
        uint64_t id;
        if (st & PERF_SAMPLE_IDENTIFIER) {
            if (end - p < 8)
                return fmt_err(o - 8, "sample too short");
            id = rd64(b, p);
        } else if (st & PERF_SAMPLE_ID) {
            size_t at = p + 8 * (size_t)(!!(st & PERF_SAMPLE_IP) +
                                         !!(st & PERF_SAMPLE_TID) +
                                         !!(st & PERF_SAMPLE_TIME) +
                                         !!(st & PERF_SAMPLE_ADDR));
            if (at + 8 > end)
                return fmt_err(o - 8, "sample too short");
            id = rd64(b, at);
        } else {
            return fmt_err(o - 8, "several events but samples carry no id");
        }
        ai = attr_of(d, id);
        if (ai == SIZE_MAX)
            return fmt_err(o - 8, "sample of an unknown event id");
    }
    a = &d->attrs[ai];
    st = a->sample_type;
    period = a->freq ? 1 : a->period;
#define NEED(n)                                                            \
    do {                                                                   \
        if ((uint64_t)(end - p) < (uint64_t)(n))                           \
            return fmt_err(o - 8, "sample shorter than its fields");      \
    } while (0)
    if (st & PERF_SAMPLE_IDENTIFIER) { NEED(8); p += 8; }
    have_ip = st & PERF_SAMPLE_IP;
    if (have_ip) { NEED(8); ip = rd64(b, p); p += 8; }
    if (st & PERF_SAMPLE_TID) {
        NEED(8);
        pid = rd32(b, p);
        tid = rd32(b, p + 4);
        p += 8;
    }
    if (st & PERF_SAMPLE_TIME) {
        NEED(8);
        t = (int64_t)(rd64(b, p) & INT64_MAX);
        p += 8;
    }
    if (st & PERF_SAMPLE_ADDR) { NEED(8); p += 8; }
    if (st & PERF_SAMPLE_ID) { NEED(8); p += 8; }
    if (st & PERF_SAMPLE_STREAM_ID) { NEED(8); p += 8; }
    if (st & PERF_SAMPLE_CPU) { NEED(8); p += 8; }
    if (st & PERF_SAMPLE_PERIOD) { NEED(8); period = rd64(b, p); p += 8; }
    if (st & PERF_SAMPLE_READ) {
        uint64_t rf = a->read_format, per = 1 + !!(rf & PERF_FORMAT_ID) +
                                            !!(rf & PERF_FORMAT_LOST);
        uint64_t hdr = !!(rf & PERF_FORMAT_TOTAL_TIME_ENABLED) +
                       !!(rf & PERF_FORMAT_TOTAL_TIME_RUNNING);
        if (rf & PERF_FORMAT_GROUP) {
            NEED(8);
            nr = rd64(b, p);
            if (nr > 4096)
                return fmt_err(o - 8, "read group too large");
            p += 8;
            NEED((hdr + nr * per) * 8);
            p += (size_t)(hdr + nr * per) * 8;
        } else {
            NEED((hdr + per) * 8);
            p += (size_t)(hdr + per) * 8;
        }
    }
    if (period > INT64_MAX)
        return fmt_err(o - 8, "period out of range");
    if (st & PERF_SAMPLE_CALLCHAIN) {
        NEED(8);
        nr = rd64(b, p);
        p += 8;
        if (nr > (uint64_t)(end - p) / 8)
            return fmt_err(o - 8, "call chain runs past the record");
        for (k = 0; k < nr; k++) {
            uint64_t pc = rd64(b, p + k * 8);
            if (pc >= (uint64_t)PERF_CONTEXT_MAX)
                continue;       /* a kernel/user context marker */
            if (first) {
                /* The chain starts with the sampled PC itself. */
                PF_TRY(push_addr(d, pid, have_ip ? ip : pc));
                first = false;
            } else if (pc != 0) {
                /* A return address: the call is the byte before. */
                PF_TRY(push_addr(d, pid, pc - 1));
            }
        }
    }
    if (first && have_ip)
        PF_TRY(push_addr(d, pid, ip));
    if (!d->first_comm)
        d->first_comm = comm_of(d, tid, pid);
    if (t >= 0) {
        if (d->tmin < 0 || t < d->tmin)
            d->tmin = t;
        if (t > d->tmax)
            d->tmax = t;
    }
    err = pf__perfagg_end(&d->agg, pid, comm_of(d, tid, pid),
                          d->attrs[ai].event, (int64_t)period);
    if (err < 0)
        return err;
    if (err > 0)
        return fmt_err(o - 8, "event total overflows");
    if (d->opts && d->opts->max_records &&
        d->agg.nents + pf_profile_location_count(d->p) > d->opts->max_records)
        return pf__error_set(PF_ETOOBIG, "perf.data: byte offset %zu: more "
                             "than %llu records", o - 8,
                             (unsigned long long)d->opts->max_records);
    return PF_OK;
#undef NEED
}

/* The mapping of the first sample's command comes first. */
static int order_mappings(pd *d)
{
    size_t i;
    uint32_t main_i = PF_NONE;

    for (i = 0; i < d->nmm && main_i == PF_NONE; i++) {
        const pmmap *m = &d->mm[i];
        const char *base = strrchr(m->file, '/');
        base = base ? base + 1 : m->file;
        if (m->mapping != PF_NONE && d->first_comm &&
            strcmp(base, d->first_comm) == 0)
            main_i = m->mapping;
    }
    return pf__perf_main_first(d->p, main_i);
}

int pf__read_perf_data(pf_profile **out, const uint8_t *buf, size_t len,
                       const pf_decode_opts *opts)
{
    pd d;
    int err;
    size_t i;
    uint64_t hsize;

    *out = NULL;
    if (len < 16 || (memcmp(buf, "PERFILE2", 8) != 0 &&
                     memcmp(buf, "2ELIFREP", 8) != 0))
        return PF_ENOTFOUND;
    memset(&d, 0, sizeof(d));
    d.b.p = buf;
    d.b.len = len;
    d.b.swap = memcmp(buf, "2ELIFREP", 8) == 0;
    d.opts = opts;
    d.tmin = -1;
    hsize = rd64(&d.b, 8);
    if (hsize == 16)
        return pf__error_set(PF_EUNSUPPORTED, "perf.data: pipe-mode data "
                             "(perf record -o -) is not supported; convert "
                             "with perf script");
    if (hsize < HDR_SIZE || len < HDR_SIZE)
        return fmt_err(8, "header too short");
    d.data_off = rd64(&d.b, 40);
    d.data_size = rd64(&d.b, 48);
    if (!in_file(&d.b, d.data_off, d.data_size))
        return fmt_err(40, "data section outside the file");
    if ((rd64(&d.b, 72) >> FEAT_COMPRESSED) & 1)
        return pf__error_set(PF_EUNSUPPORTED, "perf.data: compressed data "
                             "(perf record -z) is not supported; convert "
                             "with perf script");
    d.p = pf_profile_new();
    if (!d.p)
        return pf__error_oom();
    pf__perfagg_init(&d.agg, 0);
    if ((err = read_attrs(&d, rd64(&d.b, 16), rd64(&d.b, 24),
                          rd64(&d.b, 32))) < 0)
        goto done;
    if (d.nids)
        qsort(d.ids, d.nids, sizeof(*d.ids), id_cmp);
    if ((err = read_event_desc(&d)) < 0 || (err = read_build_ids(&d)) < 0)
        goto done;
    for (i = 0; i < d.nattrs; i++)
        if (!d.names[i] && (err = default_name(&d, i, &d.names[i])) < 0)
            goto done;
    /* Attributes of the same name (one per CPU or thread group) are one
     * event. */
    {
        size_t nev = 0, k;
        for (i = 0; i < d.nattrs; i++) {
            for (k = 0; k < i; k++)
                if (strcmp(d.names[k], d.names[i]) == 0)
                    break;
            if (k < i) {
                d.attrs[i].event = d.attrs[k].event;
            } else {
                d.attrs[i].event = nev;
                d.name_len[nev] = strlen(d.names[i]);
                if (nev != i) {
                    char *tmp = d.names[nev];
                    d.names[nev] = d.names[i];
                    d.names[i] = tmp;
                }
                nev++;
            }
        }
        pf__perfagg_release(&d.agg);
        pf__perfagg_init(&d.agg, nev);
        if ((err = pf__perf_sample_types(d.p, (const char *const *)d.names,
                                         d.name_len, nev)) < 0)
            goto done;
    }
    if ((err = walk(&d, pass_side)) < 0)
        goto done;
    if (d.nmm)
        qsort(d.mm, d.nmm, sizeof(*d.mm), mmap_cmp);
    /* By tid, then file order: comm_of takes a tid's last name (exec
     * renames a process). */
    if (d.ncomms)
        qsort(d.comms, d.ncomms, sizeof(*d.comms), comm_cmp);
    if ((err = walk(&d, pass_samples)) < 0 ||
        (err = order_mappings(&d)) < 0 ||
        (err = pf__perfagg_finish(&d.agg, d.p)) < 0)
        goto done;
    if (d.tmin >= 0 && d.tmax > d.tmin)
        pf_profile_set_duration(d.p, d.tmax - d.tmin);
    *out = d.p;
    d.p = NULL;
done:
    pf_profile_free(d.p);
    for (i = 0; i < d.nnames; i++)
        pf__free(d.names[i]);
    pf__free(d.names);
    pf__free(d.name_len);
    pf__free(d.attrs);
    pf__free(d.ids);
    pf__free(d.mm);
    pf__free(d.comms);
    pf__free(d.bids);
    pf__perfagg_release(&d.agg);
    return err;
}
