/*
 * pprofconv: convert a profile between formats.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

static const char usage_text[] =
    "Usage: pprofconv [OPTIONS] IN OUT\n"
    "Convert the profile IN to OUT. '-' is stdin (IN) or stdout (OUT).\n"
    "\n"
    "The input format is detected from the content: profile.proto (gzipped\n"
    "or not), Go debug=1 and debug=2 text, gperftools CPU, heap, contention\n"
    "and thread profiles, folded stacks.\n"
    "\n"
    "Options:\n"
    "  -f, --format=NAME   output format: proto, debug1, debug2, folded, raw\n"
    "                      (default: from OUT's extension, else proto)\n"
    "  -l, --level=N       gzip level for proto output, 1-9 (default 1)\n"
    "      --max-inflated=BYTES\n"
    "                      refuse gzip input that inflates past BYTES\n"
    "                      (default 4 GiB)\n"
    TOOL_LIMIT_HELP
    "  -h, --help          show this help and exit\n"
    "  -V, --version       show the version and exit\n"
    "\n"
    "Exit status: 0 success, 1 failure, 2 usage error.\n";

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "format", required_argument, NULL, 'f' },
        { "level", required_argument, NULL, 'l' },
        { "max-inflated", required_argument, NULL, 'M' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        TOOL_LIMIT_LONGOPTS,
        { NULL, 0, NULL, 0 }
    };
    pf_decode_opts dopts = PF_DECODE_OPTS_INIT;
    pf_encode_opts eopts = PF_ENCODE_OPTS_INIT;
    pf_out_format of = PF_OUT_UNKNOWN;
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
            tool_usage_error("bad option");
        }
    }
    if (argc - optind != 2)
        tool_usage_error("want 2 arguments (IN OUT), got %d", argc - optind);
    if (of == PF_OUT_UNKNOWN)
        of = pf_out_format_from_path(argv[optind + 1]);
    if (of == PF_OUT_UNKNOWN)
        of = PF_OUT_PROTO;
    p = tool_load_profile(argv[optind], NULL, TOOL_EXIT_FAIL, &dopts);
    tool_write_profile(argv[optind + 1], p, of, &eopts, TOOL_EXIT_FAIL);
    pf_profile_free(p);
    return TOOL_EXIT_OK;
}
