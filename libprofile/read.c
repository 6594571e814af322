/*
 * Format detection and dispatch for reading, and the output-format
 * names and dispatch for writing.
 *
 * Reading follows the reference reader: gunzip if gzip, try
 * profile.proto, then the legacy parsers. When neither recognises the
 * data, the proto decoder's error is the one reported: it names a byte
 * offset, which is the most useful thing to say about a damaged file.
 */
#include "internal.h"

const char *pf_format_name(pf_format f)
{
    switch (f) {
    case PF_FORMAT_PROTO: return "proto";
    case PF_FORMAT_GO_HEAP: return "heap text";
    case PF_FORMAT_GO_COUNT: return "count text";
    case PF_FORMAT_CONTENTION: return "contention text";
    case PF_FORMAT_GO_GOROUTINE2: return "goroutine debug=2";
    case PF_FORMAT_GPERF_CPU: return "gperftools cpu";
    case PF_FORMAT_THREADZ: return "threadz";
    case PF_FORMAT_FOLDED: return "folded";
    case PF_FORMAT_JAVA: return "java";
    case PF_FORMAT_PERF_SCRIPT: return "perf-script";
    case PF_FORMAT_PERF_DATA: return "perf.data";
    default: return "unknown";
    }
}

static int read_any(pf_profile **out, pf_format *fmt, const void *buf,
                    size_t len, const pf_decode_opts *opts)
{
    unsigned char *raw = NULL;
    const uint8_t *data = buf;
    size_t dlen = len;
    uint64_t cap = opts && opts->max_inflated ? opts->max_inflated
                                              : PF_MAX_INFLATED_DEFAULT;
    char proto_err[256];
    int err, lerr;

    *out = NULL;
    if (fmt)
        *fmt = PF_FORMAT_UNKNOWN;
    if (pf__is_gzip(buf, len)) {
        PF_TRY(pf__gunzip(&raw, &dlen, buf, len, cap));
        data = raw;
    }
    if (dlen == 0) {
        err = pf__error_set(PF_EFORMAT, "empty input file");
        goto done;
    }
    err = pf__decode_proto_raw(out, data, dlen, opts);
    if (err == PF_OK) {
        if (fmt)
            *fmt = PF_FORMAT_PROTO;
        goto done;
    }
    if (err != PF_EFORMAT)
        goto done;
    snprintf(proto_err, sizeof(proto_err), "%s", pf_error_last());
    lerr = pf__read_legacy(out, fmt, data, dlen, opts);
    if (lerr == PF_ENOTFOUND) {
        err = pf__error_set(PF_EFORMAT,
                            "unrecognized profile format (as profile.proto: "
                            "%s)", proto_err);
        goto done;
    }
    err = lerr;
done:
    pf__free(raw);
    return err;
}

int pf_profile_read(pf_profile **out, pf_format *fmt, const void *buf,
                    size_t len, const pf_decode_opts *opts)
{
    pf__budget_scope scope;
    int err;

    *out = NULL;
    if (fmt)
        *fmt = PF_FORMAT_UNKNOWN;
    PF_TRY(pf__budget_enter(&scope, opts));
    err = pf__budget_leave(&scope, read_any(out, fmt, buf, len, opts));
    if (err < 0 && *out) {
        pf_profile_free(*out);
        *out = NULL;
    }
    return err;
}

/* ------------------------------------------------------------------ */

static const struct {
    pf_out_format f;
    const char *name;
} out_names[] = {
    { PF_OUT_PROTO, "proto" },
    { PF_OUT_DEBUG1, "debug1" },
    { PF_OUT_DEBUG2, "debug2" },
    { PF_OUT_FOLDED, "folded" },
    { PF_OUT_RAW, "raw" },
};

pf_out_format pf_out_format_from_name(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof(out_names) / sizeof(out_names[0]); i++)
        if (strcmp(name, out_names[i].name) == 0)
            return out_names[i].f;
    return PF_OUT_UNKNOWN;
}

const char *pf_out_format_name(pf_out_format f)
{
    size_t i;

    for (i = 0; i < sizeof(out_names) / sizeof(out_names[0]); i++)
        if (out_names[i].f == f)
            return out_names[i].name;
    return "unknown";
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

pf_out_format pf_out_format_from_path(const char *path)
{
    if (ends_with(path, ".pb.gz") || ends_with(path, ".pb") ||
        ends_with(path, ".pprof") || ends_with(path, ".pprof.gz"))
        return PF_OUT_PROTO;
    if (ends_with(path, ".folded") || ends_with(path, ".collapsed"))
        return PF_OUT_FOLDED;
    if (ends_with(path, ".debug1") || ends_with(path, ".debug1.txt"))
        return PF_OUT_DEBUG1;
    if (ends_with(path, ".debug2") || ends_with(path, ".debug2.txt"))
        return PF_OUT_DEBUG2;
    if (ends_with(path, ".raw") || ends_with(path, ".raw.txt"))
        return PF_OUT_RAW;
    return PF_OUT_UNKNOWN;
}

int pf_profile_write(const pf_profile *p, pf_writer w, pf_out_format f,
                     const pf_encode_opts *opts)
{
    switch (f) {
    case PF_OUT_PROTO: return pf_profile_encode(p, w, opts);
    case PF_OUT_DEBUG1: return pf_profile_write_debug1(p, w);
    case PF_OUT_DEBUG2: return pf_profile_write_debug2(p, w);
    case PF_OUT_FOLDED: return pf_profile_write_folded(p, w, -1);
    case PF_OUT_RAW: return pf_profile_write_dump(p, w);
    default: return pf__error_set(PF_EINVAL, "unknown output format");
    }
}
