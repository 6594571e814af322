/*
 * pprofdiff: compare a profile with a base profile, per function; write
 * the diff profile pprof reads like `-diff_base` / `-base`; and act as a
 * CI gate with exit statuses in the diff(1)/cmp(1) style (0 no
 * regression, 1 regression, 2 trouble).
 *
 * The per-function table (pf_diff_table, libprofile/report_diff.c) is
 * computed from the diff_base form of the diff, whatever the output
 * mode; this file is argument handling and I/O.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"
#include "tool_fetch.h"

static const char usage_text[] =
    "Usage: pprofdiff [OPTIONS] BASE NEW\n"
    "Compare the profile NEW with BASE: print the functions whose values\n"
    "changed most, optionally write the diff profile, and fail (exit 1)\n"
    "when a function or the total regressed beyond a threshold.\n"
    "Inputs may be in any format the library reads; '-' is stdin (once).\n"
    "An input may be a URL (http://HOST:PORT/debug/pprof/NAME, https://...,\n"
    "HOST:PORT[/PATH]), fetched as go tool pprof fetches it.\n"
    "\n"
    "Options:\n"
    "  -m, --mode=MODE       diff_base (default): the output keeps base\n"
    "                        samples apart, labelled pprof::base=true, as\n"
    "                        `pprof -diff_base=BASE NEW`; base: plain\n"
    "                        subtraction, as `pprof -base=BASE NEW`\n"
    "  -n, --normalize       first scale NEW, per sample type, to BASE's\n"
    "                        total (pprof -normalize)\n"
    "  -c, --common-types    compare only the sample types both share\n"
    "  -o, --output=OUT      write the diff profile to OUT ('-' = stdout):\n"
    "                        `go tool pprof -top OUT` then prints what\n"
    "                        `go tool pprof -top -diff_base=BASE NEW` does\n"
    "  -f, --format=NAME     output format: proto, debug1, debug2, folded,\n"
    "                        raw (default: from OUT's extension, else proto)\n"
    "  -s, --sample-index=NAME\n"
    "                        value to compare, as pprof's -sample_index\n"
    "                        (default: the profiles' default sample type)\n"
    "  -b, --by=flat|cum     sort by, and gate on, flat (default) or\n"
    "                        cumulative values\n"
    "  -N, --nodecount=N     rows to show (default 20 for the table, all\n"
    "                        for --json; 0 = all)\n"
    "      --fail-above=PCT  regression: a function's (or the total's)\n"
    "                        value grew by more than PCT percent of its\n"
    "                        base value (a function absent from BASE\n"
    "                        counts as infinite growth)\n"
    "      --fail-above-abs=N\n"
    "                        regression: it grew by more than N, in the\n"
    "                        sample type's unit, or with a suffix (ns us\n"
    "                        ms s m h for times; B kB MB GB TB, 1024-based,\n"
    "                        for bytes). With both thresholds, both must\n"
    "                        be exceeded.\n"
    "  -j, --json            print JSON instead of the table (schema in\n"
    "                        docs/TOOLS-merge-diff.md)\n"
    "  -q, --quiet           print no table (exit status and offenders)\n"
    "      --max-inflated=BYTES\n"
    "                        refuse gzip input that inflates past BYTES\n"
    "                        (also caps a URL's download)\n"
    TOOL_SOURCE_HELP
    TOOL_LIMIT_HELP
    "  -h, --help            show this help and exit\n"
    "  -V, --version         show the version and exit\n"
    "\n"
    "Offenders are listed on stderr, one line each.\n"
    "Exit status: 0 no regression beyond the thresholds (or none given),\n"
    "1 regression, 2 trouble (bad input, incompatible profiles, usage).\n";

static int write_stdout(void *ctx, const void *buf, size_t len)
{
    (void)ctx;
    return fwrite(buf, 1, len, stdout) == len ? 0 : -1;
}

static int write_stderr(void *ctx, const void *buf, size_t len)
{
    (void)ctx;
    return fwrite(buf, 1, len, stderr) == len ? 0 : -1;
}

int main(int argc, char **argv)
{
    enum { OPT_FAIL_PCT = 256, OPT_FAIL_ABS, OPT_MAX_INFLATED };
    static const struct option longopts[] = {
        { "mode", required_argument, NULL, 'm' },
        { "normalize", no_argument, NULL, 'n' },
        { "common-types", no_argument, NULL, 'c' },
        { "output", required_argument, NULL, 'o' },
        { "format", required_argument, NULL, 'f' },
        { "sample-index", required_argument, NULL, 's' },
        { "by", required_argument, NULL, 'b' },
        { "nodecount", required_argument, NULL, 'N' },
        { "fail-above", required_argument, NULL, OPT_FAIL_PCT },
        { "fail-above-abs", required_argument, NULL, OPT_FAIL_ABS },
        { "json", no_argument, NULL, 'j' },
        { "quiet", no_argument, NULL, 'q' },
        { "max-inflated", required_argument, NULL, OPT_MAX_INFLATED },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        TOOL_SOURCE_LONGOPTS,
        TOOL_LIMIT_LONGOPTS,
        { NULL, 0, NULL, 0 }
    };
    pf_decode_opts dopts = PF_DECODE_OPTS_INIT;
    pf_encode_opts eopts = PF_ENCODE_OPTS_INIT;
    pf_diff_opts diffo = PF_DIFF_OPTS_INIT, tabo;
    pf_out_format of = PF_OUT_UNKNOWN;
    const char *outpath = NULL, *sindex = NULL, *abs_text = NULL;
    const char *basepath, *newpath, *basename_, *newname;
    bool json = false, quiet = false, by_cum = false;
    long nodecount = -1;
    pf_diff_gate g = PF_DIFF_GATE_INIT;
    pf_diff_table_opts to = PF_DIFF_TABLE_OPTS_INIT;
    pf_diff_table *t = NULL;
    pf_writer out = { write_stdout, NULL }, errw = { write_stderr, NULL };
    pf_profile *base, *cur, *d = NULL, *outp = NULL;
    const pf_value_type *st;
    char *end;
    tool_fetch_opts fo = { 0, 0, 0 };
    bool progress = false;
    int c, err, si;
    size_t noffenders = 0;

    tool_init(argv[0]);
    diffo.scale_units = true;       /* as the reference's fetch */
    while ((c = getopt_long(argc, argv, "m:nco:f:s:b:N:jqhV", longopts,
                            NULL)) != -1) {
        switch (c) {
        case 'm':
            if (strcmp(optarg, "diff_base") == 0)
                diffo.mode = PF_DIFF_MODE_DIFF_BASE;
            else if (strcmp(optarg, "base") == 0)
                diffo.mode = PF_DIFF_MODE_BASE;
            else
                tool_usage_error("--mode wants diff_base or base, not '%s'",
                                 optarg);
            break;
        case 'n':
            diffo.normalize = true;
            break;
        case 'c':
            diffo.common_types = true;
            break;
        case 'o':
            outpath = optarg;
            break;
        case 'f':
            of = pf_out_format_from_name(optarg);
            if (of == PF_OUT_UNKNOWN)
                tool_usage_error("unknown format '%s' (want proto, debug1, "
                                 "debug2, folded or raw)", optarg);
            break;
        case 's':
            sindex = optarg;
            break;
        case 'b':
            if (strcmp(optarg, "flat") == 0)
                by_cum = false;
            else if (strcmp(optarg, "cum") == 0)
                by_cum = true;
            else
                tool_usage_error("--by wants flat or cum, not '%s'", optarg);
            break;
        case 'N':
            errno = 0;
            nodecount = strtol(optarg, &end, 10);
            if (*end || end == optarg || errno || nodecount < 0)
                tool_usage_error("--nodecount wants a count, not '%s'",
                                 optarg);
            break;
        case OPT_FAIL_PCT:
            errno = 0;
            g.pct = strtod(optarg, &end);
            if (*end == '%')
                end++;
            if (end == optarg || *end || errno || !isfinite(g.pct) ||
                g.pct < 0)
                tool_usage_error("--fail-above wants a percentage, not '%s'",
                                 optarg);
            g.have_pct = true;
            break;
        case OPT_FAIL_ABS:
            abs_text = optarg;
            g.have_abs = true;
            break;
        case 'j':
            json = true;
            break;
        case 'q':
            quiet = true;
            break;
        case OPT_MAX_INFLATED:
            dopts.max_inflated = tool_parse_byte_count("--max-inflated",
                                                       optarg);
            break;
        case 'h':
            fputs(usage_text, stdout);
            return TOOL_EXIT_OK;
        case 'V':
            tool_version();
        default:
            if (tool_limit_option(c, optarg))
                break;
            if (!tool_source_option(c, optarg, &fo, &progress))
                tool_usage_error("bad option");
        }
    }
    if (argc - optind != 2)
        tool_usage_error("want 2 arguments (BASE NEW), got %d", argc - optind);
    basepath = argv[optind];
    newpath = argv[optind + 1];
    if (strcmp(basepath, "-") == 0 && strcmp(newpath, "-") == 0)
        tool_usage_error("'-' (stdin) can be given only once");
    if (outpath && strcmp(outpath, "-") == 0 && !quiet)
        tool_usage_error("-o - needs --quiet (the table goes to stdout)");
    if (outpath) {
        if (of == PF_OUT_UNKNOWN)
            of = pf_out_format_from_path(outpath);
        if (of == PF_OUT_UNKNOWN)
            of = PF_OUT_PROTO;
    }
    basename_ = strcmp(basepath, "-") == 0 ? "<stdin>" : basepath;
    newname = strcmp(newpath, "-") == 0 ? "<stdin>" : newpath;

    tool_source_setup(&fo, progress, dopts.max_inflated);
    base = tool_load_profile(basepath, NULL, TOOL_EXIT_USAGE, &dopts);
    cur = tool_load_profile(newpath, NULL, TOOL_EXIT_USAGE, &dopts);

    /* The table's view: diff_base form, same normalization and types. */
    tabo = diffo;
    tabo.mode = PF_DIFF_MODE_DIFF_BASE;
    if ((err = pf_profile_diff(&d, base, cur, &tabo)) < 0)
        tool_die_code(TOOL_EXIT_USAGE, "%s vs %s: %s", basename_, newname,
                      pf_error_last()[0] ? pf_error_last() : pf_strerror(err));
    if ((err = pf_profile_sample_index(&si, d, sindex)) < 0)
        tool_die_code(TOOL_EXIT_USAGE, "--sample-index: %s", pf_error_last());
    st = &pf_profile_sample_types(d)[si];
    if (abs_text && pf_diff_gate_set_abs(&g, abs_text, st->unit) < 0)
        tool_usage_error("--fail-above-abs: %s", pf_error_last());

    if (outpath) {
        if (diffo.mode == PF_DIFF_MODE_DIFF_BASE) {
            outp = d;
        } else if ((err = pf_profile_diff(&outp, base, cur, &diffo)) < 0) {
            tool_die_code(TOOL_EXIT_USAGE, "%s vs %s: %s", basename_, newname,
                          pf_error_last());
        }
        tool_write_profile(outpath, outp, of, &eopts, TOOL_EXIT_USAGE);
        if (outp != d)
            pf_profile_free(outp);
    }
    pf_profile_free(base);
    pf_profile_free(cur);

    if ((err = pf_diff_table_new(&t, d, si, by_cum)) < 0)
        tool_die_lib(TOOL_EXIT_USAGE, err, "change table");
    pf_profile_free(d);
    if (nodecount < 0)
        nodecount = json ? 0 : 20;
    to.base_name = basename_;
    to.new_name = newname;
    to.mode = diffo.mode;
    to.normalize = diffo.normalize;
    to.nodecount = (size_t)nodecount;
    to.gate = &g;
    if (!quiet) {
        err = json ? pf_diff_table_write_json(t, out, &to)
                   : pf_diff_table_write(t, out, &to);
        if (err < 0 || fflush(stdout) != 0)
            tool_die_code(TOOL_EXIT_USAGE, "<stdout>: write failed");
    }
    /* Offenders, one line each, on stderr. */
    if ((err = pf_diff_table_regressions(&noffenders, t, &g, errw,
                                         "pprofdiff: ")) < 0)
        tool_die_lib(TOOL_EXIT_USAGE, err, "<stderr>");
    pf_diff_table_free(t);
    if (ferror(stdout))
        tool_die_code(TOOL_EXIT_USAGE, "<stdout>: write failed");
    return noffenders ? TOOL_EXIT_FAIL : TOOL_EXIT_OK;
}
