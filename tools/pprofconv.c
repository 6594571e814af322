/*
 * pprofconv: convert a profile between formats.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"
#include "tool_fetch.h"

static const char usage_text[] =
    "Usage: pprofconv [OPTIONS] IN OUT\n"
    "Convert the profile IN to OUT. '-' is stdin (IN) or stdout (OUT).\n"
    "IN may be a URL, as for go tool pprof: http://HOST:PORT/debug/pprof/NAME,\n"
    "https://..., or HOST:PORT[/PATH] (path /debug/pprof/profile if none).\n"
    "\n"
    "The input format is detected from the content: profile.proto (gzipped\n"
    "or not), Go debug=1 and debug=2 text, gperftools CPU, heap, contention\n"
    "and thread profiles, folded stacks, `perf script` output, perf.data.\n"
    "\n"
    "Options:\n"
    "  -f, --format=NAME   output format: proto, debug1, debug2, folded, raw\n"
    "                      (default: from OUT's extension, else proto)\n"
    "  -l, --level=N       gzip level for proto output, 1-9 (default 1)\n"
    "      --max-inflated=BYTES\n"
    "                      refuse gzip input that inflates past BYTES\n"
    "                      (default 4 GiB); also caps a URL's download\n"
    TOOL_SOURCE_HELP
    TOOL_LIMIT_HELP
    "  -h, --help          show this help and exit\n"
    "  -V, --version       show the version and exit\n"
    "\n"
    "Exit status: 0 success, 1 failure, 2 usage error.\n";

/* Inputs from this size on are "large": their stages are reported on a
 * terminal without --progress (a small conversion stays silent). */
#define BIG_INPUT ((size_t)16 << 20)
static bool big;

/* tool_load_profile, with the stages (read, parsed) as progress. */
static pf_profile *load(const char *path, const pf_decode_opts *dopts,
                        bool progress)
{
    const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
    pf_decode_opts o = *dopts;
    tool_file in;
    char msg[256];
    pf_format fmt;
    pf_profile *p;
    int err;

    tool_decode_opts(&o);       /* the memory budget and record cap */
    if (tool_read_file(&in, path, msg, sizeof(msg)) < 0)
        tool_die("%s: %s", name, msg);
    big = in.len >= BIG_INPUT;
    if (tool_progress_on() && (progress || big))
        tool_progress_note("read %s: %.1f MiB (%.1f s); parsing", name,
                           (double)in.len / (1 << 20),
                           tool_progress_elapsed());
    err = pf_profile_read(&p, &fmt, in.data, in.len, &o);
    tool_file_release(&in);
    if (err < 0)
        tool_die_read(TOOL_EXIT_FAIL, err, name);
    if (tool_progress_on() && (progress || big))
        tool_progress_note("parsed %s: %zu samples, %zu locations (%.1f s); "
                           "writing", pf_format_name(fmt),
                           pf_profile_sample_count(p),
                           pf_profile_location_count(p),
                           tool_progress_elapsed());
    return p;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "format", required_argument, NULL, 'f' },
        { "level", required_argument, NULL, 'l' },
        { "max-inflated", required_argument, NULL, 'M' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        TOOL_SOURCE_LONGOPTS,
        TOOL_LIMIT_LONGOPTS,
        { NULL, 0, NULL, 0 }
    };
    pf_decode_opts dopts = PF_DECODE_OPTS_INIT;
    pf_encode_opts eopts = PF_ENCODE_OPTS_INIT;
    pf_out_format of = PF_OUT_UNKNOWN;
    tool_fetch_opts fo = { 0, 0, 0 };
    bool progress = false;
    pf_profile *p;
    int c;

    tool_init(argv[0]);
    while ((c = getopt_long(argc, argv, "f:l:hV", longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            of = pf_out_format_from_name(optarg);
            if (of == PF_OUT_UNKNOWN)
                tool_usage_error("unknown format '%s' (want proto, debug1, "
                                 "debug2, folded or raw)", optarg);
            break;
        case 'l':
            eopts.level = tool_parse_gzip_level("--level", optarg);
            break;
        case 'M':
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
        tool_usage_error("want 2 arguments (IN OUT), got %d", argc - optind);
    if (of == PF_OUT_UNKNOWN)
        of = pf_out_format_from_path(argv[optind + 1]);
    if (of == PF_OUT_UNKNOWN)
        of = PF_OUT_PROTO;
    tool_source_setup(&fo, progress, dopts.max_inflated);
    p = load(argv[optind], &dopts, progress);
    tool_write_profile(argv[optind + 1], p, of, &eopts, TOOL_EXIT_FAIL);
    if (tool_progress_on() && (progress || big))
        tool_progress_note("wrote %s (%.1f s in all)",
                           strcmp(argv[optind + 1], "-") == 0
                               ? "<stdout>" : argv[optind + 1],
                           tool_progress_elapsed());
    pf_profile_free(p);
    return TOOL_EXIT_OK;
}
