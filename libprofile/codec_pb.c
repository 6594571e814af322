/*
 * profile.proto <-> model.
 *
 * Decoding never builds protobuf-c's whole Profile message (for a
 * profile of millions of samples its structs take several times the
 * input). We walk the top-level fields ourselves and hand each
 * sub-message (Location, Mapping, ...) to protobuf-c's unpacker with a
 * scratch arena as allocator, reset after every message. Samples, which
 * are nearly all of a large profile, have a hand-written parser for the
 * plain case (sample_fast) that hands anything unusual back to
 * protobuf-c, so both always agree (test_codec_perf). The walk is
 * done in passes, because references point forward as often as
 * backward (the string table comes last in every writer; Go interleaves
 * Functions with Samples):
 *
 *   1. string table and top-level scalars;
 *   2. mappings and functions;
 *   3. locations (they reference mappings and functions by id);
 *   4. sample types and samples (they reference locations).
 *
 * Each pass only skips over the fields it does not want, which costs a
 * tag and a length per message, and only within the byte range where
 * pass 1 saw its messages (our writer and pprof's group each kind, so
 * passes 2 and 3 then walk a few percent of the input). Errors name the
 * byte offset of the top-level field they were found in.
 *
 * Encoding writes the top-level tags itself and packs each sub-message
 * with protobuf-c (Samples: by hand, the same bytes as protobuf-c's)
 * into a 1 MiB staging buffer that is flushed to the
 * gzip writer (gz.c: parallel gzip members) or straight to the writer
 * for raw output, so memory stays flat whatever the profile size.
 */
#include "internal.h"

#include "profile.pb-c.h"

enum {
    WT_VARINT = 0,
    WT_I64 = 1,
    WT_LEN = 2,
    WT_I32 = 5
};

enum {
    F_SAMPLE_TYPE = 1,
    F_SAMPLE = 2,
    F_MAPPING = 3,
    F_LOCATION = 4,
    F_FUNCTION = 5,
    F_STRING_TABLE = 6,
    F_DROP_FRAMES = 7,
    F_KEEP_FRAMES = 8,
    F_TIME_NANOS = 9,
    F_DURATION_NANOS = 10,
    F_PERIOD_TYPE = 11,
    F_PERIOD = 12,
    F_COMMENT = 13,
    F_DEFAULT_SAMPLE_TYPE = 14,
    F_DOC_URL = 15
};

/* ------------------------------------------------------------------ */
/* Wire cursor                                                         */

typedef struct cur {
    const uint8_t *base, *p, *end;
} cur;

static int read_varint_slow(cur *c, uint64_t *out)
{
    uint64_t v = 0;
    unsigned shift;
    size_t off = (size_t)(c->p - c->base);

    for (shift = 0; shift < 70; shift += 7) {
        uint8_t b;
        if (c->p >= c->end)
            return pf__error_set(PF_EFORMAT,
                                 "truncated varint at byte %zu", off);
        b = *c->p++;
        if (shift == 63 && b > 1)
            return pf__error_set(PF_EFORMAT, "varint overflow at byte %zu",
                                 off);
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *out = v;
            return PF_OK;
        }
    }
    return pf__error_set(PF_EFORMAT, "varint longer than 10 bytes at byte %zu",
                         off);
}

/* Tags and lengths are mostly one or two bytes: decide those inline. */
static inline int read_varint(cur *c, uint64_t *out)
{
    const uint8_t *p = c->p;

    if (c->end - p >= 2) {
        if (p[0] < 0x80) {
            *out = p[0];
            c->p = p + 1;
            return PF_OK;
        }
        if (p[1] < 0x80) {
            *out = (uint64_t)(p[0] & 0x7f) | (uint64_t)p[1] << 7;
            c->p = p + 2;
            return PF_OK;
        }
    }
    return read_varint_slow(c, out);
}

/* One top-level field: its number, wire type, and either its varint
 * value or its payload. */
typedef struct field {
    uint32_t num;
    unsigned wt;
    size_t off;             /* byte offset of the tag */
    uint64_t v;             /* WT_VARINT, WT_I64, WT_I32 */
    const uint8_t *data;    /* WT_LEN */
    size_t len;
} field;

static int next_field(cur *c, field *f)
{
    uint64_t tag, len;

    f->off = (size_t)(c->p - c->base);
    PF_TRY(read_varint(c, &tag));
    f->num = (uint32_t)(tag >> 3);
    f->wt = (unsigned)(tag & 7);
    if ((tag >> 3) > UINT32_MAX)
        return pf__error_set(PF_EFORMAT, "field number too large at byte %zu",
                             f->off);
    switch (f->wt) {
    case WT_VARINT:
        return read_varint(c, &f->v);
    case WT_I64:
        if (c->end - c->p < 8)
            return pf__error_set(PF_EFORMAT,
                                 "truncated fixed64 field %u at byte %zu",
                                 f->num, f->off);
        memcpy(&f->v, c->p, 8);
        c->p += 8;
        return PF_OK;
    case WT_I32:
        if (c->end - c->p < 4) {
            return pf__error_set(PF_EFORMAT,
                                 "truncated fixed32 field %u at byte %zu",
                                 f->num, f->off);
        } else {
            uint32_t v32;
            memcpy(&v32, c->p, 4);
            f->v = v32;
            c->p += 4;
        }
        return PF_OK;
    case WT_LEN:
        PF_TRY(read_varint(c, &len));
        if (len > (uint64_t)(c->end - c->p))
            return pf__error_set(PF_EFORMAT,
                                 "field %u at byte %zu: length %llu runs past "
                                 "the end of the data",
                                 f->num, f->off, (unsigned long long)len);
        f->data = c->p;
        f->len = (size_t)len;
        c->p += len;
        return PF_OK;
    default:
        return pf__error_set(PF_EFORMAT, "unknown wire type %u at byte %zu",
                             f->wt, f->off);
    }
}

/* The wire type each known top-level field must have (repeated scalars
 * accept varint and packed). */
static int check_wire_type(const field *f)
{
    bool ok;

    switch (f->num) {
    case F_SAMPLE_TYPE: case F_SAMPLE: case F_MAPPING: case F_LOCATION:
    case F_FUNCTION: case F_STRING_TABLE: case F_PERIOD_TYPE:
        ok = f->wt == WT_LEN;
        break;
    case F_COMMENT:
        ok = f->wt == WT_LEN || f->wt == WT_VARINT;
        break;
    case F_DROP_FRAMES: case F_KEEP_FRAMES: case F_TIME_NANOS:
    case F_DURATION_NANOS: case F_PERIOD: case F_DEFAULT_SAMPLE_TYPE:
    case F_DOC_URL:
        ok = f->wt == WT_VARINT;
        break;
    default:
        ok = true;
    }
    if (!ok)
        return pf__error_set(PF_EFORMAT,
                             "type mismatch: field %u has wire type %u at "
                             "byte %zu", f->num, f->wt, f->off);
    return PF_OK;
}

/* ------------------------------------------------------------------ */
/* Decoder state                                                       */

typedef struct span {
    size_t lo, hi;          /* empty when lo >= hi */
} span;
#define SPAN_EMPTY { SIZE_MAX, 0 }
#define HDR_MAX 64

static void span_add(span *s, const field *f, const cur *c)
{
    size_t end = (size_t)(c->p - c->base);

    if (f->off < s->lo)
        s->lo = f->off;
    if (end > s->hi)
        s->hi = end;
}

/* A cursor over the fields in span S of the input. */
static cur span_cur(const uint8_t *buf, span s)
{
    cur c = { buf, buf, buf };

    if (s.lo < s.hi) {
        c.p = buf + s.lo;
        c.end = buf + s.hi;
    }
    return c;
}

typedef struct dec {
    pf_profile *p;
    const uint8_t *buf;
    size_t len;
    const char **strs;      /* string_table index -> interned string */
    size_t nstrs, strs_cap;
    pf_u64map mapping_ids, function_ids, location_ids;
    pf_arena scratch;
    ProtobufCAllocator alloc;
    uint64_t max_records, records;
    uint32_t *locbuf;
    size_t locbuf_cap;
    pf_label *labbuf;
    size_t labbuf_cap;
    pf_line *linebuf;
    size_t linebuf_cap;
    uint64_t *rloc;         /* fast sample parse: location ids */
    size_t rloc_cap;
    int64_t *rval;          /* ... values */
    size_t rval_cap;
    struct rlabel *rlab;    /* ... labels */
    size_t rlab_cap;
    bool oom;
    /* Found by pass 1, so that later passes only walk the part of the
     * input where their messages are: byte ranges [lo, hi) of the
     * mappings and functions, the locations, the samples; the offsets
     * of the (few) other fields that need strings. */
    span sp_mf, sp_loc, sp_sample, sp_hdr;
    size_t hdr_off[HDR_MAX];
    size_t nhdr;            /* > HDR_MAX: too many, walk sp_hdr */
    bool loc_dense;         /* location ids are 1..n in order */
} dec;

static void *scratch_alloc(void *ctx, size_t n)
{
    struct dec *d = ctx;
    void *r = pf__arena_alloc(&d->scratch, n);

    /* protobuf-c reports any failure as NULL: remember which it was. */
    if (!r)
        d->oom = true;
    return r;
}

static void scratch_free(void *ctx, void *ptr)
{
    PF_UNUSED(ctx);
    PF_UNUSED(ptr);
}

static int str_at(dec *d, const char **out, int64_t idx, const field *f,
                  const char *what)
{
    if (idx < 0 || (uint64_t)idx >= d->nstrs)
        return pf__error_set(PF_EFORMAT,
                             "%s at byte %zu: string index %lld out of range "
                             "[0, %zu)", what, f->off, (long long)idx,
                             d->nstrs);
    *out = d->strs[idx];
    return PF_OK;
}

static int count_record(dec *d, const field *f)
{
    if (d->max_records && ++d->records > d->max_records)
        return pf__error_limit(PF_LIMIT_RECORDS,
                               "more than %llu records (strings, mappings, "
                               "functions, locations, samples) at byte %zu",
                               (unsigned long long)d->max_records, f->off);
    return PF_OK;
}

#define UNPACK(type, d, f)                                                 \
    perftools__profiles__##type##__unpack(&(d)->alloc, (f)->len, (f)->data)

static int bad_message(const dec *d, const field *f, const char *what)
{
    if (d->oom)
        return pf__error_oom();
    return pf__error_set(PF_EFORMAT, "malformed %s message at byte %zu", what,
                         f->off);
}

/* Pass 1: strings and scalars. */
static int pass_header(dec *d)
{
    cur c = { d->buf, d->buf, d->buf + d->len };
    field f;
    pf_profile *p = d->p;
    bool have_time = false;

    while (c.p < c.end) {
        PF_TRY(next_field(&c, &f));
        PF_TRY(check_wire_type(&f));
        if (f.num == F_STRING_TABLE) {
            const char *s;
            if (d->nstrs == 0 && f.len != 0)
                return pf__error_set(PF_EFORMAT,
                                     "string_table[0] is not empty (byte %zu)",
                                     f.off);
            PF_TRY(count_record(d, &f));
            s = pf_profile_intern_len(p, (const char *)f.data, f.len);
            PF_CHECK_ALLOC(s);
            PF_TRY(PF_VEC_RESERVE(d->strs, d->strs_cap, d->nstrs + 1));
            d->strs[d->nstrs++] = s;
        } else if (f.num == F_TIME_NANOS) {
            if (have_time && p->time_nanos != 0)
                return pf__error_set(PF_EFORMAT,
                                     "concatenated profiles detected (second "
                                     "time_nanos at byte %zu)", f.off);
            have_time = true;
            p->time_nanos = (int64_t)f.v;
        } else if (f.num == F_DURATION_NANOS) {
            p->duration_nanos = (int64_t)f.v;
        } else if (f.num == F_PERIOD) {
            p->period = (int64_t)f.v;
        } else if (f.num == F_MAPPING || f.num == F_FUNCTION) {
            span_add(&d->sp_mf, &f, &c);
        } else if (f.num == F_LOCATION) {
            span_add(&d->sp_loc, &f, &c);
        } else if (f.num == F_SAMPLE) {
            span_add(&d->sp_sample, &f, &c);
        } else if (f.num == F_SAMPLE_TYPE || f.num == F_PERIOD_TYPE ||
                   f.num == F_COMMENT || f.num == F_DROP_FRAMES ||
                   f.num == F_KEEP_FRAMES || f.num == F_DEFAULT_SAMPLE_TYPE ||
                   f.num == F_DOC_URL) {
            span_add(&d->sp_hdr, &f, &c);
            if (d->nhdr < HDR_MAX)
                d->hdr_off[d->nhdr] = f.off;
            d->nhdr++;
        }
    }
    if (d->nstrs == 0)
        return pf__error_set(PF_EFORMAT, "missing string table");
    return PF_OK;
}

static int header_strings(dec *d)
{
    cur c = span_cur(d->buf, d->sp_hdr);
    field f;
    pf_profile *p = d->p;
    size_t i = 0;

    for (;;) {
        /* Visit the fields pass 1 listed, in order, or if there were
         * too many to list, walk their span. */
        if (d->nhdr <= HDR_MAX) {
            if (i == d->nhdr)
                break;
            c.p = d->buf + d->hdr_off[i++];
            c.end = d->buf + d->len;
        } else if (c.p >= c.end) {
            break;
        }
        PF_TRY(next_field(&c, &f));
        switch (f.num) {
        case F_DROP_FRAMES:
            PF_TRY(str_at(d, &p->drop_frames, (int64_t)f.v, &f, "drop_frames"));
            break;
        case F_KEEP_FRAMES:
            PF_TRY(str_at(d, &p->keep_frames, (int64_t)f.v, &f, "keep_frames"));
            break;
        case F_DEFAULT_SAMPLE_TYPE:
            PF_TRY(str_at(d, &p->default_sample_type, (int64_t)f.v, &f,
                          "default_sample_type"));
            break;
        case F_DOC_URL:
            PF_TRY(str_at(d, &p->doc_url, (int64_t)f.v, &f, "doc_url"));
            break;
        case F_COMMENT: {
            cur pc = { d->buf, f.data, f.data + f.len };
            uint64_t v;
            const char *s = NULL;
            if (f.wt == WT_VARINT) {
                PF_TRY(str_at(d, &s, (int64_t)f.v, &f, "comment"));
                PF_TRY(pf_profile_add_comment(p, s));
                break;
            }
            while (pc.p < pc.end) {
                PF_TRY(read_varint(&pc, &v));
                PF_TRY(str_at(d, &s, (int64_t)v, &f, "comment"));
                PF_TRY(pf_profile_add_comment(p, s));
            }
            break;
        }
        case F_PERIOD_TYPE: {
            Perftools__Profiles__ValueType *vt = UNPACK(value_type, d, &f);
            if (!vt)
                return bad_message(d, &f, "period_type");
            PF_TRY(str_at(d, &p->period_type.type, vt->type, &f, "period_type"));
            PF_TRY(str_at(d, &p->period_type.unit, vt->unit, &f, "period_type"));
            pf__arena_reset(&d->scratch);
            break;
        }
        case F_SAMPLE_TYPE: {
            Perftools__Profiles__ValueType *vt = UNPACK(value_type, d, &f);
            pf_value_type t;
            if (!vt)
                return bad_message(d, &f, "sample_type");
            PF_TRY(str_at(d, &t.type, vt->type, &f, "sample_type"));
            PF_TRY(str_at(d, &t.unit, vt->unit, &f, "sample_type"));
            pf__arena_reset(&d->scratch);
            PF_TRY(PF_VEC_RESERVE(p->sample_types, p->sample_types_cap,
                                  p->nsample_types + 1));
            p->sample_types[p->nsample_types++] = t;
            break;
        }
        default:
            break;
        }
    }
    return PF_OK;
}

static int dup_id(const char *what, uint64_t id, const field *f)
{
    if (id == 0)
        return pf__error_set(PF_EFORMAT, "%s at byte %zu has id 0", what,
                             f->off);
    return pf__error_set(PF_EFORMAT, "duplicate %s id %llu at byte %zu", what,
                         (unsigned long long)id, f->off);
}

/* Pass 2: mappings and functions. */
static int pass_mappings_functions(dec *d)
{
    cur c = span_cur(d->buf, d->sp_mf);
    field f;
    pf_profile *p = d->p;
    int r;

    while (c.p < c.end) {
        PF_TRY(next_field(&c, &f));
        if (f.num == F_MAPPING) {
            Perftools__Profiles__Mapping *m = UNPACK(mapping, d, &f);
            pf_mapping nm;
            uint32_t idx;
            if (!m)
                return bad_message(d, &f, "mapping");
            PF_TRY(count_record(d, &f));
            nm.id = m->id;
            nm.start = m->memory_start;
            nm.limit = m->memory_limit;
            nm.offset = m->file_offset;
            PF_TRY(str_at(d, &nm.file, m->filename, &f, "mapping filename"));
            PF_TRY(str_at(d, &nm.build_id, m->build_id, &f, "mapping build_id"));
            nm.has_functions = m->has_functions;
            nm.has_filenames = m->has_filenames;
            nm.has_line_numbers = m->has_line_numbers;
            nm.has_inline_frames = m->has_inline_frames;
            pf__arena_reset(&d->scratch);
            if (nm.id == 0)
                return dup_id("mapping", 0, &f);
            r = pf__u64map_put(&d->mapping_ids, nm.id, (uint32_t)p->nmappings);
            if (r < 0)
                return r;
            if (r == 1)
                return dup_id("mapping", nm.id, &f);
            PF_TRY(pf__mapping_append(p, &idx, &nm));
        } else if (f.num == F_FUNCTION) {
            Perftools__Profiles__Function *fn = UNPACK(function, d, &f);
            pf_function nf;
            if (!fn)
                return bad_message(d, &f, "function");
            PF_TRY(count_record(d, &f));
            nf.id = fn->id;
            nf.start_line = fn->start_line;
            PF_TRY(str_at(d, &nf.name, fn->name, &f, "function name"));
            PF_TRY(str_at(d, &nf.system_name, fn->system_name, &f,
                          "function system_name"));
            PF_TRY(str_at(d, &nf.filename, fn->filename, &f,
                          "function filename"));
            pf__arena_reset(&d->scratch);
            if (nf.id == 0)
                return dup_id("function", 0, &f);
            r = pf__u64map_put(&d->function_ids, nf.id,
                               (uint32_t)p->nfunctions);
            if (r < 0)
                return r;
            if (r == 1)
                return dup_id("function", nf.id, &f);
            PF_TRY(pf__function_append(p, NULL, &nf));
        }
    }
    return PF_OK;
}

/* Pass 3: locations. */
static int pass_locations(dec *d)
{
    cur c = span_cur(d->buf, d->sp_loc);
    field f;
    pf_profile *p = d->p;
    size_t i;
    int r;

    while (c.p < c.end) {
        PF_TRY(next_field(&c, &f));
        if (f.num == F_LOCATION) {
            Perftools__Profiles__Location *l = UNPACK(location, d, &f);
            uint32_t mapping = PF_NONE;
            if (!l)
                return bad_message(d, &f, "location");
            PF_TRY(count_record(d, &f));
            if (l->id == 0)
                return dup_id("location", 0, &f);
            if (l->mapping_id)
                mapping = pf__u64map_get(&d->mapping_ids, l->mapping_id);
            PF_TRY(PF_VEC_RESERVE(d->linebuf, d->linebuf_cap, l->n_line));
            for (i = 0; i < l->n_line; i++) {
                uint64_t fid = l->line[i]->function_id;
                uint32_t fi = fid ? pf__u64map_get(&d->function_ids, fid)
                                  : PF_NONE;
                if (fi == PF_NONE)
                    return pf__error_set(PF_EFORMAT,
                                         "location id %llu (byte %zu): line "
                                         "%zu references unknown function id "
                                         "%llu", (unsigned long long)l->id,
                                         f.off, i, (unsigned long long)fid);
                d->linebuf[i].function = fi;
                d->linebuf[i].line = l->line[i]->line;
                d->linebuf[i].column = l->line[i]->column;
            }
            r = pf__u64map_put(&d->location_ids, l->id,
                               (uint32_t)p->nlocations);
            if (r < 0)
                return r;
            if (r == 1)
                return dup_id("location", l->id, &f);
            PF_TRY(pf__location_append(p, NULL, l->id, mapping, l->address,
                                       d->linebuf, l->n_line, l->is_folded));
            pf__arena_reset(&d->scratch);
        }
    }
    return PF_OK;
}

/* ------------------------------------------------------------------ */
/* Samples                                                             */

/* A Sample as read from the wire, before ids and strings are resolved:
 * either protobuf-c's unpacked message or our fast parse point here. */
typedef struct rlabel {
    int64_t key, str, num, num_unit;
} rlabel;

typedef struct rsample {
    const uint64_t *loc;
    const int64_t *val;
    const rlabel *lab;
    size_t nloc, nval, nlab;
} rsample;

bool pf__pb_fast_samples = true;

static inline const uint8_t *fast_varint(const uint8_t *p, const uint8_t *end,
                                         uint64_t *out)
{
    uint64_t v = 0;
    unsigned shift;

    if (p < end && *p < 0x80) {
        *out = *p;
        return p + 1;
    }
    for (shift = 0; shift < 64 && p < end; shift += 7) {
        uint8_t b = *p++;
        if (shift == 63 && b > 1)
            return NULL;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *out = v;
            return p;
        }
    }
    return NULL;
}

/* Append the varint(s) of a repeated scalar field, packed (WT_LEN) or
 * not, to *VEC. NULL when anything is off. */
static const uint8_t *fast_repeated(const uint8_t *p, const uint8_t *end,
                                    unsigned wt, uint64_t **vec, size_t *cap,
                                    size_t *n)
{
    uint64_t v, len;
    const uint8_t *stop;

    if (wt == WT_VARINT) {
        if (!(p = fast_varint(p, end, &v)))
            return NULL;
        if (PF_VEC_RESERVE(*vec, *cap, *n + 1) < 0)
            return NULL;
        (*vec)[(*n)++] = v;
        return p;
    }
    if (!(p = fast_varint(p, end, &len)) || len > (uint64_t)(end - p))
        return NULL;
    stop = p + len;
    /* At most one value per byte. */
    if (PF_VEC_RESERVE(*vec, *cap, *n + (size_t)len) < 0)
        return NULL;
    while (p < stop) {
        if (!(p = fast_varint(p, stop, &v)))
            return NULL;
        (*vec)[(*n)++] = v;
    }
    return p;
}

/* The fast path for the one message that comes by the million: parse a
 * Sample straight into the decoder's buffers. It takes only the plain
 * case: fields 1-3 with their usual wire types, labels of fields 1-4
 * (varints), varints of at most 10 bytes. On anything else it returns
 * false and protobuf-c decodes the message as before, so errors and
 * oddities (unknown fields, mixed wire types, over-long varints) are
 * handled exactly as protobuf-c handles them. An allocation failure
 * also falls back, and protobuf-c then reports it. */
static bool sample_fast(dec *d, const uint8_t *p, size_t len, rsample *rs)
{
    const uint8_t *end = p + len;
    size_t nloc = 0, nval = 0, nlab = 0;
    uint64_t tag, v, sublen;

    while (p < end) {
        if (!(p = fast_varint(p, end, &tag)))
            return false;
        switch (tag) {
        case 1 << 3 | WT_VARINT:
        case 1 << 3 | WT_LEN:
            p = fast_repeated(p, end, (unsigned)(tag & 7), &d->rloc,
                              &d->rloc_cap, &nloc);
            break;
        case 2 << 3 | WT_VARINT:
        case 2 << 3 | WT_LEN:
            p = fast_repeated(p, end, (unsigned)(tag & 7),
                              (uint64_t **)&d->rval, &d->rval_cap, &nval);
            break;
        case 3 << 3 | WT_LEN: {
            const uint8_t *stop;
            rlabel *l;
            if (!(p = fast_varint(p, end, &sublen)) ||
                sublen > (uint64_t)(end - p))
                return false;
            if (PF_VEC_RESERVE(d->rlab, d->rlab_cap, nlab + 1) < 0)
                return false;
            l = &d->rlab[nlab++];
            memset(l, 0, sizeof(*l));
            stop = p + sublen;
            while (p && p < stop) {
                if (!(p = fast_varint(p, stop, &tag)) ||
                    !(p = fast_varint(p, stop, &v)))
                    return false;
                switch (tag) {
                case 1 << 3 | WT_VARINT: l->key = (int64_t)v; break;
                case 2 << 3 | WT_VARINT: l->str = (int64_t)v; break;
                case 3 << 3 | WT_VARINT: l->num = (int64_t)v; break;
                case 4 << 3 | WT_VARINT: l->num_unit = (int64_t)v; break;
                default: return false;
                }
            }
            break;
        }
        default:
            return false;
        }
        if (!p)
            return false;
    }
    rs->loc = d->rloc;
    rs->val = d->rval;
    rs->lab = d->rlab;
    rs->nloc = nloc;
    rs->nval = nval;
    rs->nlab = nlab;
    return true;
}

/* Resolve ids and strings of one sample and append it. */
static int add_sample(dec *d, const field *f, size_t nsample,
                      const rsample *s)
{
    pf_profile *p = d->p;
    size_t i, nlab;

    if (p->nsample_types == 0)
        return pf__error_set(PF_EFORMAT, "missing sample type information");
    if (s->nval != p->nsample_types)
        return pf__error_set(PF_EFORMAT,
                             "sample %zu (byte %zu) has %zu values, "
                             "want %zu (one per sample type)",
                             nsample, f->off, s->nval, p->nsample_types);
    PF_TRY(PF_VEC_RESERVE(d->locbuf, d->locbuf_cap, s->nloc));
    for (i = 0; i < s->nloc; i++) {
        uint64_t id = s->loc[i];
        uint32_t li = PF_NONE;
        /* Writers number densely from 1: try that first. */
        if (id && id <= p->nlocations &&
            (d->loc_dense || p->locations[id - 1].id == id))
            li = (uint32_t)(id - 1);
        else if (id)
            li = pf__u64map_get(&d->location_ids, id);
        if (li == PF_NONE)
            return pf__error_set(PF_EFORMAT,
                                 "sample %zu (byte %zu) references "
                                 "unknown location id %llu",
                                 nsample, f->off, (unsigned long long)id);
        d->locbuf[i] = li;
    }
    PF_TRY(PF_VEC_RESERVE(d->labbuf, d->labbuf_cap, s->nlab));
    for (i = nlab = 0; i < s->nlab; i++) {
        const rlabel *l = &s->lab[i];
        pf_label *o = &d->labbuf[nlab];
        PF_TRY(str_at(d, &o->key, l->key, f, "label key"));
        PF_TRY(str_at(d, &o->str, l->str, f, "label str"));
        PF_TRY(str_at(d, &o->unit, l->num_unit, f, "label num_unit"));
        o->num = l->num;
        /* The reference reader's rule (docs/FORMATS.md 1.7): a label with
         * neither a string nor a number/unit is dropped. We apply it to
         * the resolved strings: an index pointing at a duplicate ""
         * entry counts as empty, since the model (like every writer)
         * encodes "" as index 0 and the label would not survive a round
         * trip. */
        if (o->str[0]) {
            o->num = 0;
            o->unit = p->empty;
            nlab++;
        } else if (l->num != 0 || o->unit[0]) {
            nlab++;
        }
    }
    return pf__sample_append(p, d->locbuf, s->nloc, s->val, d->labbuf, nlab);
}

/* Pass 4: samples. */
static int pass_samples(dec *d)
{
    cur c = span_cur(d->buf, d->sp_sample);
    field f;
    size_t i, nsamples = 0;
    rsample rs;

    d->loc_dense = true;
    for (i = 0; i < d->p->nlocations && d->loc_dense; i++)
        d->loc_dense = d->p->locations[i].id == i + 1;

    while (c.p < c.end) {
        PF_TRY(next_field(&c, &f));
        if (f.num != F_SAMPLE)
            continue;
        if (pf__pb_fast_samples && sample_fast(d, f.data, f.len, &rs)) {
            PF_TRY(count_record(d, &f));
            PF_TRY(add_sample(d, &f, nsamples, &rs));
        } else {
            Perftools__Profiles__Sample *s = UNPACK(sample, d, &f);
            if (!s)
                return bad_message(d, &f, "sample");
            PF_TRY(count_record(d, &f));
            PF_TRY(PF_VEC_RESERVE(d->rlab, d->rlab_cap, s->n_label));
            for (i = 0; i < s->n_label; i++) {
                d->rlab[i].key = s->label[i]->key;
                d->rlab[i].str = s->label[i]->str;
                d->rlab[i].num = s->label[i]->num;
                d->rlab[i].num_unit = s->label[i]->num_unit;
            }
            rs.loc = s->location_id;
            rs.nloc = s->n_location_id;
            rs.val = s->value;
            rs.nval = s->n_value;
            rs.lab = d->rlab;
            rs.nlab = s->n_label;
            PF_TRY(add_sample(d, &f, nsamples, &rs));
            pf__arena_reset(&d->scratch);
        }
        nsamples++;
    }
    return PF_OK;
}

static int decode_raw(pf_profile **out, const uint8_t *buf, size_t len,
                      const pf_decode_opts *opts)
{
    dec d;
    int err;

    *out = NULL;
    memset(&d, 0, sizeof(d));
    d.buf = buf;
    d.len = len;
    d.sp_mf = d.sp_loc = d.sp_sample = d.sp_hdr = (span)SPAN_EMPTY;
    d.max_records = opts ? opts->max_records : 0;
    pf__u64map_init(&d.mapping_ids);
    pf__u64map_init(&d.function_ids);
    pf__u64map_init(&d.location_ids);
    pf__arena_init(&d.scratch, 16 * 1024);
    d.alloc.alloc = scratch_alloc;
    d.alloc.free = scratch_free;
    d.alloc.allocator_data = &d;
    d.p = pf_profile_new();
    if (!d.p) {
        err = PF_ENOMEM;
        goto done;
    }
    if ((err = pass_header(&d)) < 0 || (err = header_strings(&d)) < 0 ||
        (err = pass_mappings_functions(&d)) < 0 ||
        (err = pass_locations(&d)) < 0 || (err = pass_samples(&d)) < 0)
        goto done;
    *out = d.p;
    d.p = NULL;
done:
    pf_profile_free(d.p);
    pf__free(d.strs);
    pf__free(d.locbuf);
    pf__free(d.labbuf);
    pf__free(d.linebuf);
    pf__free(d.rloc);
    pf__free(d.rval);
    pf__free(d.rlab);
    pf__u64map_release(&d.mapping_ids);
    pf__u64map_release(&d.function_ids);
    pf__u64map_release(&d.location_ids);
    pf__arena_release(&d.scratch);
    return err;
}

int pf__decode_proto_raw(pf_profile **out, const void *buf, size_t len,
                         const pf_decode_opts *opts)
{
    if (len == 0)
        return pf__error_set(PF_EFORMAT, "empty input file");
    return decode_raw(out, buf, len, opts);
}

static int decode_any(pf_profile **out, const void *buf, size_t len,
                      const pf_decode_opts *opts)
{
    unsigned char *raw = NULL;
    size_t rawlen = 0;
    uint64_t cap = opts && opts->max_inflated ? opts->max_inflated
                                              : PF_MAX_INFLATED_DEFAULT;
    int err;

    *out = NULL;
    if (pf__is_gzip(buf, len)) {
        PF_TRY(pf__gunzip(&raw, &rawlen, buf, len, cap));
        err = pf__decode_proto_raw(out, raw, rawlen, opts);
        pf__free(raw);
        return err;
    }
    return pf__decode_proto_raw(out, buf, len, opts);
}

int pf_profile_decode(pf_profile **out, const void *buf, size_t len,
                      const pf_decode_opts *opts)
{
    pf__budget_scope scope;

    *out = NULL;
    PF_TRY(pf__budget_enter(&scope, opts));
    return pf__budget_leave(&scope, decode_any(out, buf, len, opts));
}

/* ------------------------------------------------------------------ */
/* Encoder                                                             */

#define STAGE_SIZE (1u << 20)

typedef struct enc {
    pf_writer w;
    bool gzip;
    pf_gzw *gz;
    uint8_t *stage;
    size_t used;
    uint64_t *idbuf;
    size_t idbuf_cap;
    Perftools__Profiles__Label *labs;
    Perftools__Profiles__Label **labptrs;
    size_t labs_cap, labptrs_cap;
    Perftools__Profiles__Line *lines;
    Perftools__Profiles__Line **lineptrs;
    size_t lines_cap, lineptrs_cap;
} enc;

static int stage_flush(enc *e)
{
    int err;

    if (e->gzip)
        err = pf__gzw_write(e->gz, e->stage, e->used);
    else
        err = pf__write(e->w, e->stage, e->used);
    e->used = 0;
    return err;
}

/* Room for N more bytes in the stage (N <= STAGE_SIZE). */
static int stage_room(enc *e, size_t n)
{
    if (STAGE_SIZE - e->used < n)
        return stage_flush(e);
    return PF_OK;
}

static size_t put_varint(uint8_t *dst, uint64_t v)
{
    size_t n = 0;

    while (v >= 0x80) {
        dst[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    dst[n++] = (uint8_t)v;
    return n;
}

static int emit_varint_field(enc *e, uint32_t num, uint64_t v)
{
    PF_TRY(stage_room(e, 20));
    e->used += put_varint(e->stage + e->used, (uint64_t)num << 3 | WT_VARINT);
    e->used += put_varint(e->stage + e->used, v);
    return PF_OK;
}

static int emit_bytes_field(enc *e, uint32_t num, const void *data,
                            size_t len)
{
    PF_TRY(stage_room(e, 20));
    e->used += put_varint(e->stage + e->used, (uint64_t)num << 3 | WT_LEN);
    e->used += put_varint(e->stage + e->used, len);
    while (len) {
        size_t n;
        PF_TRY(stage_room(e, 1));
        n = STAGE_SIZE - e->used;
        if (n > len)
            n = len;
        memcpy(e->stage + e->used, data, n);
        e->used += n;
        data = (const uint8_t *)data + n;
        len -= n;
    }
    return PF_OK;
}

static int emit_message(enc *e, uint32_t num, const ProtobufCMessage *m)
{
    size_t len = protobuf_c_message_get_packed_size(m);

    if (len + 20 > STAGE_SIZE) {
        /* Rare giant message (a sample with ~100k frames): pack it on
         * the heap. */
        uint8_t *tmp = pf__malloc(len);
        int err;
        PF_CHECK_ALLOC(tmp);
        protobuf_c_message_pack(m, tmp);
        err = emit_bytes_field(e, num, tmp, len);
        pf__free(tmp);
        return err;
    }
    PF_TRY(stage_room(e, len + 20));
    e->used += put_varint(e->stage + e->used, (uint64_t)num << 3 | WT_LEN);
    e->used += put_varint(e->stage + e->used, len);
    e->used += protobuf_c_message_pack(m, e->stage + e->used);
    return PF_OK;
}

static int emit_value_type(enc *e, uint32_t num, const pf_value_type *vt)
{
    Perftools__Profiles__ValueType m = PERFTOOLS__PROFILES__VALUE_TYPE__INIT;

    m.type = pf__stridx(vt->type);
    m.unit = pf__stridx(vt->unit);
    return emit_message(e, num, &m.base);
}

static inline size_t varint_size(uint64_t v)
{
    return v < 0x80 ? 1 : (size_t)(64 - __builtin_clzll(v) + 6) / 7;
}

/* Size of a Label's fields (proto3: zero scalars are not written). */
static inline size_t label_size(uint64_t key, uint64_t str, uint64_t num,
                                uint64_t unit)
{
    return (key ? 1 + varint_size(key) : 0) + (str ? 1 + varint_size(str) : 0) +
           (num ? 1 + varint_size(num) : 0) + (unit ? 1 + varint_size(unit) : 0);
}

static inline uint8_t *put_key_varint(uint8_t *dst, uint8_t tag, uint64_t v)
{
    if (v) {
        *dst++ = tag;
        dst += put_varint(dst, v);
    }
    return dst;
}

/* The fast path for Samples (the bulk of every profile): write the
 * message straight into the stage, byte for byte what protobuf-c packs
 * (fields in number order, repeated scalars packed, zero scalars
 * omitted; test_codec_perf compares the two). Returns 0 when the
 * message does not fit in the stage: the caller then uses protobuf-c. */
static int emit_sample_fast(enc *e, const pf_profile *p, size_t i)
{
    const pf_sample *s = &p->samples[i];
    const uint32_t *locs = pf__sample_locs(p, s);
    const int64_t *vals = pf__sample_vals(p, i);
    const pf_label *labs = pf__sample_labels(p, s);
    size_t nv = p->nsample_types, j, locsz = 0, valsz = 0, len = 0;
    uint8_t *dst;

    PF_TRY(PF_VEC_RESERVE(e->idbuf, e->idbuf_cap, s->nloc));
    for (j = 0; j < s->nloc; j++) {
        uint64_t id = p->locations[locs[j]].id;
        e->idbuf[j] = id;
        locsz += varint_size(id);
    }
    for (j = 0; j < nv; j++)
        valsz += varint_size((uint64_t)vals[j]);
    if (s->nloc)
        len += 1 + varint_size(locsz) + locsz;
    if (nv)
        len += 1 + varint_size(valsz) + valsz;
    for (j = 0; j < s->nlabel; j++) {
        size_t ls = label_size(pf__stridx(labs[j].key), pf__stridx(labs[j].str),
                               (uint64_t)labs[j].num, pf__stridx(labs[j].unit));
        len += 1 + varint_size(ls) + ls;
    }
    if (len + 20 > STAGE_SIZE)
        return 0;
    PF_TRY(stage_room(e, len + 20));
    dst = e->stage + e->used;
    *dst++ = F_SAMPLE << 3 | WT_LEN;
    dst += put_varint(dst, len);
    if (s->nloc) {
        *dst++ = 1 << 3 | WT_LEN;
        dst += put_varint(dst, locsz);
        for (j = 0; j < s->nloc; j++)
            dst += put_varint(dst, e->idbuf[j]);
    }
    if (nv) {
        *dst++ = 2 << 3 | WT_LEN;
        dst += put_varint(dst, valsz);
        for (j = 0; j < nv; j++)
            dst += put_varint(dst, (uint64_t)vals[j]);
    }
    for (j = 0; j < s->nlabel; j++) {
        uint64_t key = pf__stridx(labs[j].key), str = pf__stridx(labs[j].str);
        uint64_t num = (uint64_t)labs[j].num, unit = pf__stridx(labs[j].unit);
        *dst++ = 3 << 3 | WT_LEN;
        dst += put_varint(dst, label_size(key, str, num, unit));
        dst = put_key_varint(dst, 1 << 3 | WT_VARINT, key);
        dst = put_key_varint(dst, 2 << 3 | WT_VARINT, str);
        dst = put_key_varint(dst, 3 << 3 | WT_VARINT, num);
        dst = put_key_varint(dst, 4 << 3 | WT_VARINT, unit);
    }
    e->used = (size_t)(dst - e->stage);
    return 1;
}

static int emit_samples(enc *e, const pf_profile *p)
{
    Perftools__Profiles__Sample m = PERFTOOLS__PROFILES__SAMPLE__INIT;
    size_t i, j;
    int r;

    for (i = 0; i < p->nsamples; i++) {
        const pf_sample *s = &p->samples[i];
        const uint32_t *locs = pf__sample_locs(p, s);
        const pf_label *labs = pf__sample_labels(p, s);

        if (pf__pb_fast_samples) {
            if ((r = emit_sample_fast(e, p, i)) < 0)
                return r;
            if (r)
                continue;
        }
        PF_TRY(PF_VEC_RESERVE(e->idbuf, e->idbuf_cap, s->nloc));
        for (j = 0; j < s->nloc; j++)
            e->idbuf[j] = p->locations[locs[j]].id;
        PF_TRY(PF_VEC_RESERVE(e->labs, e->labs_cap, s->nlabel));
        PF_TRY(PF_VEC_RESERVE(e->labptrs, e->labptrs_cap, s->nlabel));
        for (j = 0; j < s->nlabel; j++) {
            Perftools__Profiles__Label *l = &e->labs[j];
            perftools__profiles__label__init(l);
            l->key = pf__stridx(labs[j].key);
            l->str = pf__stridx(labs[j].str);
            l->num = labs[j].num;
            l->num_unit = pf__stridx(labs[j].unit);
            e->labptrs[j] = l;
        }
        m.n_location_id = s->nloc;
        m.location_id = e->idbuf;
        m.n_value = p->nsample_types;
        m.value = (int64_t *)(uintptr_t)pf__sample_vals(p, i);
        m.n_label = s->nlabel;
        m.label = e->labptrs;
        PF_TRY(emit_message(e, F_SAMPLE, &m.base));
    }
    return PF_OK;
}

static int emit_entities(enc *e, const pf_profile *p)
{
    size_t i, j;

    for (i = 0; i < p->nmappings; i++) {
        const pf_mapping *mp = &p->mappings[i];
        Perftools__Profiles__Mapping m = PERFTOOLS__PROFILES__MAPPING__INIT;
        m.id = mp->id;
        m.memory_start = mp->start;
        m.memory_limit = mp->limit;
        m.file_offset = mp->offset;
        m.filename = pf__stridx(mp->file);
        m.build_id = pf__stridx(mp->build_id);
        m.has_functions = mp->has_functions;
        m.has_filenames = mp->has_filenames;
        m.has_line_numbers = mp->has_line_numbers;
        m.has_inline_frames = mp->has_inline_frames;
        PF_TRY(emit_message(e, F_MAPPING, &m.base));
    }
    for (i = 0; i < p->nlocations; i++) {
        const pf_location *l = &p->locations[i];
        const pf_line *ln = pf__loc_lines(p, l);
        Perftools__Profiles__Location m = PERFTOOLS__PROFILES__LOCATION__INIT;

        PF_TRY(PF_VEC_RESERVE(e->lines, e->lines_cap, l->nline));
        PF_TRY(PF_VEC_RESERVE(e->lineptrs, e->lineptrs_cap, l->nline));
        for (j = 0; j < l->nline; j++) {
            perftools__profiles__line__init(&e->lines[j]);
            e->lines[j].function_id = p->functions[ln[j].function].id;
            e->lines[j].line = ln[j].line;
            e->lines[j].column = ln[j].column;
            e->lineptrs[j] = &e->lines[j];
        }
        m.id = l->id;
        m.mapping_id = l->mapping != PF_NONE ? p->mappings[l->mapping].id : 0;
        m.address = l->address;
        m.n_line = l->nline;
        m.line = e->lineptrs;
        m.is_folded = l->is_folded;
        PF_TRY(emit_message(e, F_LOCATION, &m.base));
    }
    for (i = 0; i < p->nfunctions; i++) {
        const pf_function *f = &p->functions[i];
        Perftools__Profiles__Function m = PERFTOOLS__PROFILES__FUNCTION__INIT;
        m.id = f->id;
        m.name = pf__stridx(f->name);
        m.system_name = pf__stridx(f->system_name);
        m.filename = pf__stridx(f->filename);
        m.start_line = f->start_line;
        PF_TRY(emit_message(e, F_FUNCTION, &m.base));
    }
    return PF_OK;
}

static int emit_profile(enc *e, const pf_profile *p)
{
    size_t i;

    for (i = 0; i < p->nsample_types; i++)
        PF_TRY(emit_value_type(e, F_SAMPLE_TYPE, &p->sample_types[i]));
    PF_TRY(emit_samples(e, p));
    PF_TRY(emit_entities(e, p));
    for (i = 0; i < p->strtab.n; i++) {
        const char *s = p->strtab.strs[i];
        PF_TRY(emit_bytes_field(e, F_STRING_TABLE, s, pf__strlen(s)));
    }
    if (p->drop_frames[0])
        PF_TRY(emit_varint_field(e, F_DROP_FRAMES, pf__stridx(p->drop_frames)));
    if (p->keep_frames[0])
        PF_TRY(emit_varint_field(e, F_KEEP_FRAMES, pf__stridx(p->keep_frames)));
    if (p->time_nanos)
        PF_TRY(emit_varint_field(e, F_TIME_NANOS, (uint64_t)p->time_nanos));
    if (p->duration_nanos)
        PF_TRY(emit_varint_field(e, F_DURATION_NANOS,
                                 (uint64_t)p->duration_nanos));
    if (p->period_type.type[0] || p->period_type.unit[0])
        PF_TRY(emit_value_type(e, F_PERIOD_TYPE, &p->period_type));
    if (p->period)
        PF_TRY(emit_varint_field(e, F_PERIOD, (uint64_t)p->period));
    for (i = 0; i < p->ncomments; i++)
        PF_TRY(emit_varint_field(e, F_COMMENT, pf__stridx(p->comments[i])));
    if (p->default_sample_type[0])
        PF_TRY(emit_varint_field(e, F_DEFAULT_SAMPLE_TYPE,
                                 pf__stridx(p->default_sample_type)));
    if (p->doc_url[0])
        PF_TRY(emit_varint_field(e, F_DOC_URL, pf__stridx(p->doc_url)));
    return PF_OK;
}

int pf_profile_encode(const pf_profile *p, pf_writer w,
                      const pf_encode_opts *opts)
{
    enc e;
    int err;
    int level = opts && opts->level ? opts->level : 1;

    memset(&e, 0, sizeof(e));
    e.w = w;
    e.gzip = !(opts && opts->raw);
    e.stage = pf__malloc(STAGE_SIZE);
    if (!e.stage) {
        err = pf__error_oom();
        goto done;
    }
    if (e.gzip) {
        unsigned threads = opts && opts->version >= 2 ? opts->threads : 0;
        if ((err = pf__gzw_new(&e.gz, w, level, threads, 0)) < 0)
            goto done;
    }
    if ((err = emit_profile(&e, p)) < 0)
        goto done;
    if (e.gzip) {
        if ((err = pf__gzw_write(e.gz, e.stage, e.used)) >= 0)
            err = pf__gzw_finish(e.gz);
    } else {
        err = pf__write(w, e.stage, e.used);
    }
done:
    pf__gzw_free(e.gz);
    pf__free(e.stage);
    pf__free(e.idbuf);
    pf__free(e.labs);
    pf__free(e.labptrs);
    pf__free(e.lines);
    pf__free(e.lineptrs);
    return err;
}
