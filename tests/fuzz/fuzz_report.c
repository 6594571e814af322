/*
 * Fuzz target for filters and reports: the first bytes choose the
 * report (every pf_report_kind: top, traces, tree, peek, folded, dot,
 * flame graph, list, tags, comments, raw), whether it is written as
 * JSON, or the top data as CSV; the granularity, node count and fractions,
 * and a few regular expressions and tag filters (fuzzed text too); the
 * rest is the profile, in any format. Bad options must be refused with
 * a reason, never crash. Corpus: testdata/fuzz/report/.
 */
#include "fuzz_util.h"

static int no_source(void *ctx, const char *path, char **data, size_t *len)
{
    (void)ctx;
    /* a tiny "file" for every path, so -list has text to annotate */
    static const char text[] = "line 1\nline 2\n\tline 3\nline 4 <&>\n";
    if (path[0] == '\0' || (path[0] & 1))
        return -1;
    if (!(*data = malloc(sizeof(text))))
        return -1;
    memcpy(*data, text, sizeof(text));
    *len = sizeof(text) - 1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in in = { data, size };
    pf_report_opts o = PF_REPORT_OPTS_INIT;
    char focus[33], ignore[33], hide[33], tagfocus[33], symbol[33], si[17];
    unsigned kind, flags, gran;
    size_t written = 0;
    pf_writer w = { fuzz_sink, &written };
    pf_profile *p;
    int err;

    kind = fuzz_byte(&in) % (2 * (PF_REPORT_RAW + 1) + 1);
    flags = fuzz_byte(&in);
    gran = fuzz_byte(&in);
    o.nodecount = (int)fuzz_byte(&in) - 2;
    o.nodefraction = (fuzz_byte(&in) % 16) / 100.0;
    o.edgefraction = (fuzz_byte(&in) % 16) / 200.0;
    o.filter.granularity = (pf_granularity)(gran % 5);
    o.filter.noinlines = gran & 8;
    o.cum_sort = flags & 1;
    o.mean = flags & 2;
    o.relative = flags & 4;
    o.filter.no_drop_frames = flags & 8;
    o.divide_by = (flags & 16) ? 3.0 : 0.0;
    o.filter.focus = fuzz_string(&in, focus, 32);
    o.filter.ignore = fuzz_string(&in, ignore, 32);
    o.filter.hide = fuzz_string(&in, hide, 32);
    o.filter.tagfocus = fuzz_string(&in, tagfocus, 32);
    o.symbol = fuzz_string(&in, symbol, 32);
    o.sample_index = fuzz_string(&in, si, 16);
    if (flags & 32)
        o.unit = "ms";
    o.read_source = no_source;
    o.html_title = "fuzz <title>";
    o.html_header = (flags & 64) ? "<nav>fuzz</nav>" : NULL;
    if (pf_filter_opts_check(&o.filter) < 0) {
        fuzz_expect_reason(-1);
        return 0;
    }
    if (!(p = fuzz_read(in)))
        return 0;
    if (kind <= PF_REPORT_RAW) {
        err = pf_report_write(p, w, (pf_report_kind)kind, &o);
        fuzz_expect_reason(err);
    } else if (kind <= 2 * PF_REPORT_RAW + 1) {
        /* JSON: refused (with a reason) for the pictures and -list */
        err = pf_report_write_json(p, w,
                                   (pf_report_kind)(kind - PF_REPORT_RAW - 1),
                                   &o);
        fuzz_expect_reason(err);
    } else {
        pf_top *t = NULL;
        err = pf_report_top(&t, p, &o);
        fuzz_expect_reason(err);
        if (err == PF_OK) {
            if (pf_top_write_csv(t, w) != PF_OK)
                abort();        /* the sink never fails */
        } else if (t) {
            abort();
        }
        pf_top_free(t);
    }
    pf_profile_free(p);
    return 0;
}
