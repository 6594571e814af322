/*
 * pprofsym: symbolize a profile offline from ELF binaries and their
 * debug information.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"
#include "tool_fetch.h"

static const char usage_text[] =
    "Usage: pprofsym [OPTIONS] IN OUT\n"
    "Give the locations of the profile IN functions, files, lines and\n"
    "inline frames from the ELF files of its mappings; write OUT.\n"
    "'-' is stdin (IN) or stdout (OUT). IN may be any format pprofconv\n"
    "reads, and a URL (http://HOST:PORT/debug/pprof/NAME, https://...,\n"
    "HOST:PORT[/PATH]) fetched as go tool pprof fetches it.\n"
    "\n"
    "Options:\n"
    "  -b, --binary=PATH     use PATH for the mapping with the same build id\n"
    "                        or base name, or for the main mapping (the\n"
    "                        first binary no other mapping matches);\n"
    "                        repeatable\n"
    "  -s, --search-path=DIRS  ':'-separated directories to look for\n"
    "                        binaries in, as DIR/BUILDID/NAME, DIR/NAME,\n"
    "                        DIR/FULL/PATH (default: $PPROF_BINARY_PATH)\n"
    "      --debug-dir=DIR   root of separate debug files (default\n"
    "                        /usr/lib/debug; '' for none)\n"
    "      --force           re-symbolize locations that already have lines\n"
    "      --allow-partial   write OUT and exit 0 even when some mapping\n"
    "                        could not be symbolized\n"
    "      --demangle=MODE   C++ names: simple (default, like pprof), full,\n"
    "                        none\n"
    "  -f, --format=NAME     output format: proto, debug1, debug2, folded,\n"
    "                        raw (default: from OUT's extension, else proto)\n"
    "  -q, --quiet           print only problems, not the per-mapping summary\n"
    TOOL_SOURCE_HELP
    TOOL_LIMIT_HELP
    "  -h, --help            show this help and exit\n"
    "  -V, --version         show the version and exit\n"
    "\n"
    "A summary of the locations resolved per mapping goes to stderr.\n"
    "A mapping fails when it has locations to symbolize and its file is\n"
    "missing, not ELF, has another build id, or resolves none of them\n"
    "(stripped). Kernel/anonymous mappings ([vdso], ...) and system\n"
    "libraries (/lib*, /usr/lib*) never fail: their frames stay\n"
    "unsymbolized where nothing is available, as in pprof.\n"
    "\n"
    "Exit status: 0 success, 1 failure (a mapping failed and no\n"
    "--allow-partial: OUT is not written), 2 usage error.\n";

static void print_report(const pf_profile *p, const pf_symbolize_report *r,
                         bool quiet)
{
    size_t i;

    for (i = 0; i < r->nmappings; i++) {
        const pf_symbolize_mapping_report *m = &r->mappings[i];
        const pf_mapping *pm = pf_profile_mapping(p, m->mapping);
        char used[600] = "";
        bool problem = m->failed || m->status != PF_SYM_OK ||
                       m->nresolved < m->nlocations;

        if (m->status == PF_SYM_NOTHING_TO_DO || (quiet && !problem))
            continue;
        if (m->file && m->status == PF_SYM_OK &&
            strcmp(m->file, pm->file) != 0)
            snprintf(used, sizeof(used), " from '%s'", m->file);
        else if (m->file && m->status != PF_SYM_OK &&
                 strcmp(m->file, pm->file) != 0)
            snprintf(used, sizeof(used), " (tried '%s')", m->file);
        fprintf(stderr, "%s: mapping %llu '%s': %zu/%zu locations resolved%s",
                tool_name(), (unsigned long long)pm->id,
                pm->file[0] ? pm->file : "(no name)", m->nresolved,
                m->nlocations, used);
        if (m->status == PF_SYM_OK)
            fprintf(stderr, " (%s%s%s)", m->dwarf ? "DWARF" : "symbol table",
                    m->debug_file ? ", debug file " : "",
                    m->debug_file ? m->debug_file : "");
        else
            fprintf(stderr, ": %s", pf_sym_status_name(m->status));
        if (m->detail[0])
            fprintf(stderr, ": %s", m->detail);
        if (m->failed)
            fputs(" [FAILED]", stderr);
        else if (m->system_lib && m->status != PF_SYM_OK)
            fputs(" (system library, not a failure)", stderr);
        fputc('\n', stderr);
    }
    if (r->nunmapped)
        fprintf(stderr, "%s: %zu locations have no mapping and were left "
                "alone\n", tool_name(), r->nunmapped);
    if (!quiet || r->nfailed)
        fprintf(stderr, "%s: %zu/%zu locations resolved, %zu mapping%s "
                "failed\n", tool_name(), r->nresolved, r->nlocations,
                r->nfailed, r->nfailed == 1 ? "" : "s");
}

int main(int argc, char **argv)
{
    enum { OPT_FORCE = 256, OPT_PARTIAL, OPT_DEBUGDIR, OPT_DEMANGLE };
    static const struct option longopts[] = {
        { "binary", required_argument, NULL, 'b' },
        { "search-path", required_argument, NULL, 's' },
        { "debug-dir", required_argument, NULL, OPT_DEBUGDIR },
        { "force", no_argument, NULL, OPT_FORCE },
        { "allow-partial", no_argument, NULL, OPT_PARTIAL },
        { "demangle", required_argument, NULL, OPT_DEMANGLE },
        { "format", required_argument, NULL, 'f' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        TOOL_SOURCE_LONGOPTS,
        TOOL_LIMIT_LONGOPTS,
        { NULL, 0, NULL, 0 }
    };
    pf_symbolize_opts so = PF_SYMBOLIZE_OPTS_INIT;
    pf_symbolize_report rep = PF_SYMBOLIZE_REPORT_INIT;
    pf_out_format of = PF_OUT_UNKNOWN;
    const char **bins = NULL;
    size_t nbins = 0;
    bool partial = false, quiet = false, progress = false;
    tool_fetch_opts fo = { 0, 0, 0 };
    pf_profile *p;
    int c, err;

    tool_init(argv[0]);
    bins = calloc((size_t)argc, sizeof(*bins));
    if (!bins)
        tool_die("out of memory");
    so.search_path = getenv("PPROF_BINARY_PATH");
    while ((c = getopt_long(argc, argv, "b:s:f:qhV", longopts, NULL)) != -1) {
        switch (c) {
        case 'b':
            bins[nbins++] = optarg;
            break;
        case 's':
            so.search_path = optarg;
            break;
        case OPT_DEBUGDIR:
            so.debug_dir = optarg;
            break;
        case OPT_FORCE:
            so.force = true;
            break;
        case OPT_PARTIAL:
            partial = true;
            break;
        case OPT_DEMANGLE:
            if (strcmp(optarg, "simple") == 0)
                so.demangle = PF_DEMANGLE_SIMPLE;
            else if (strcmp(optarg, "full") == 0)
                so.demangle = PF_DEMANGLE_FULL;
            else if (strcmp(optarg, "none") == 0)
                so.demangle = PF_DEMANGLE_NONE;
            else
                tool_usage_error("--demangle wants simple, full or none, not "
                                 "'%s'", optarg);
            break;
        case 'f':
            of = pf_out_format_from_name(optarg);
            if (of == PF_OUT_UNKNOWN)
                tool_usage_error("unknown format '%s' (want proto, debug1, "
                                 "debug2, folded or raw)", optarg);
            break;
        case 'q':
            quiet = true;
            break;
        case 'h':
            fputs(usage_text, stdout);
            free(bins);
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
    so.binaries = bins;
    so.nbinaries = nbins;
    if (of == PF_OUT_UNKNOWN)
        of = pf_out_format_from_path(argv[optind + 1]);
    if (of == PF_OUT_UNKNOWN)
        of = PF_OUT_PROTO;
    tool_source_setup(&fo, progress, 0);
    p = tool_load_profile(argv[optind], NULL, TOOL_EXIT_FAIL, NULL);
    tool_progress_note("read %s: %zu locations in %zu mappings (%.1f s); "
                       "symbolizing", strcmp(argv[optind], "-") == 0
                           ? "<stdin>" : argv[optind],
                       pf_profile_location_count(p),
                       pf_profile_mapping_count(p), tool_progress_elapsed());
    err = pf_profile_symbolize(p, &so, &rep);
    tool_progress_note("symbolized (%.1f s)", tool_progress_elapsed());
    if (err < 0) {
        pf_symbolize_report_release(&rep);
        tool_die_lib(TOOL_EXIT_FAIL, err, "symbolize");
    }
    print_report(p, &rep, quiet);
    if (rep.nfailed && !partial) {
        size_t nf = rep.nfailed;
        pf_symbolize_report_release(&rep);
        tool_die("%zu mapping%s could not be symbolized; not writing '%s' "
                 "(use --allow-partial to write a partial result)",
                 nf, nf == 1 ? "" : "s", argv[optind + 1]);
    }
    pf_symbolize_report_release(&rep);
    tool_write_profile(argv[optind + 1], p, of, NULL, TOOL_EXIT_FAIL);
    tool_progress_note("wrote %s (%.1f s)", strcmp(argv[optind + 1], "-") == 0
                           ? "<stdout>" : argv[optind + 1],
                       tool_progress_elapsed());
    pf_profile_free(p);
    free(bins);
    return TOOL_EXIT_OK;
}
