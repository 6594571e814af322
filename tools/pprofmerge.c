/*
 * pprofmerge: merge profiles into one, as `go tool pprof -proto IN...`
 * does. Inputs are read, merged and freed one at a time, so memory
 * follows the size of the result, not the number of inputs. Reading
 * and decoding the next two inputs (one thread each) overlaps merging
 * input I: decoding is over half of the work; at most three inputs are
 * in memory at a time.
 */
#include <getopt.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tool.h"
#include "tool_fetch.h"

static const char usage_text[] =
    "Usage: pprofmerge [OPTIONS] IN...\n"
    "Merge the profiles IN... into one profile, with the semantics of\n"
    "`go tool pprof -proto IN...`: identical stacks with identical labels\n"
    "add up; mappings, functions and locations are de-duplicated; times,\n"
    "durations and periods combine as the reference combines them.\n"
    "'-' reads one input from stdin. Inputs may be in any format the\n"
    "library reads (profile.proto, Go and gperftools legacy formats,\n"
    "folded stacks, perf script); all must have the same sample types.\n"
    "An input may be a URL (http://HOST:PORT/debug/pprof/NAME, https://...,\n"
    "HOST:PORT[/PATH]), fetched as go tool pprof fetches it.\n"
    "\n"
    "Options:\n"
    "  -o, --output=OUT    write the result to OUT ('-' = stdout, the\n"
    "                      default; proto is not written to a terminal)\n"
    "  -f, --format=NAME   output format: proto, debug1, debug2, folded, raw\n"
    "                      (default: from OUT's extension, else proto)\n"
    "  -l, --level=N       gzip level for proto output, 1-9 (default 1)\n"
    "  -c, --common-types  keep only the sample types all inputs share\n"
    "                      (matched by name, in the first input's order)\n"
    "                      instead of failing on differing sample types\n"
    "      --max-inflated=BYTES\n"
    "                      refuse gzip input that inflates past BYTES\n"
    "                      (default 4 GiB); also caps a URL's download\n"
    TOOL_SOURCE_HELP
    TOOL_LIMIT_HELP
    "  -h, --help          show this help and exit\n"
    "  -V, --version       show the version and exit\n"
    "\n"
    "Exit status: 0 success, 1 failure (unreadable or incompatible\n"
    "input, write error), 2 usage error.\n";

/* One input being loaded. Errors are kept as text for the main
 * thread, which reports them in input order (pf_error_last() is
 * per thread). */
typedef struct load_job {
    const char *path;
    const pf_decode_opts *opts;
    pf_profile *p;
    char msg[512];
} load_job;

static void *load_input(void *arg)
{
    load_job *j = arg;
    const char *name = strcmp(j->path, "-") == 0 ? "<stdin>" : j->path;
    tool_file in;
    char msg[256];
    int err;

    j->p = NULL;
    j->msg[0] = '\0';
    if (tool_read_file(&in, j->path, msg, sizeof(msg)) < 0) {
        snprintf(j->msg, sizeof(j->msg), "%s: %s", name, msg);
        return NULL;
    }
    err = pf_profile_read(&j->p, NULL, in.data, in.len, j->opts);
    tool_file_release(&in);
    if (err < 0)    /* the hint now: pf_error_limit() is per thread */
        snprintf(j->msg, sizeof(j->msg), "%s: %s%s", name,
                 pf_error_last()[0] ? pf_error_last() : pf_strerror(err),
                 tool_limit_hint(err));
    return NULL;
}

static void start_load(pthread_t *th, load_job *j)
{
    int err = pthread_create(th, NULL, load_input, j);

    if (err != 0) {         /* no thread: load right here */
        load_input(j);
        *th = 0;
    }
}

static void finish_load(pthread_t th, load_job *j)
{
    if (th)
        pthread_join(th, NULL);
    if (!j->p)
        tool_die_code(TOOL_EXIT_FAIL, "%s", j->msg);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "output", required_argument, NULL, 'o' },
        { "format", required_argument, NULL, 'f' },
        { "level", required_argument, NULL, 'l' },
        { "common-types", no_argument, NULL, 'c' },
        { "max-inflated", required_argument, NULL, 'M' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        TOOL_SOURCE_LONGOPTS,
        TOOL_LIMIT_LONGOPTS,
        { NULL, 0, NULL, 0 }
    };
    pf_decode_opts dopts = PF_DECODE_OPTS_INIT;
    pf_encode_opts eopts = PF_ENCODE_OPTS_INIT;
    pf_merge_opts mopts = PF_MERGE_OPTS_INIT;
    pf_out_format of = PF_OUT_UNKNOWN;
    const char *outpath = "-";
    pf_merger *m = NULL;
    pf_profile *merged = NULL;
    tool_fetch_opts fo = { 0, 0, 0 };
    bool progress = false;
    int c, i, err, nstdin = 0;

    tool_init(argv[0]);
    mopts.scale_units = true;       /* as `go tool pprof -proto` */
    while ((c = getopt_long(argc, argv, "o:f:l:chV", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            outpath = optarg;
            break;
        case 'f':
            of = pf_out_format_from_name(optarg);
            if (of == PF_OUT_UNKNOWN)
                tool_usage_error("unknown format '%s' (want proto, debug1, "
                                 "debug2, folded or raw)", optarg);
            break;
        case 'l':
            eopts.level = tool_parse_gzip_level("--level", optarg);
            break;
        case 'c':
            mopts.common_types = true;
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
    if (optind >= argc)
        tool_usage_error("want at least one input profile");
    for (i = optind; i < argc; i++)
        nstdin += strcmp(argv[i], "-") == 0;
    if (nstdin > 1)
        tool_usage_error("'-' (stdin) can be given only once");
    if (of == PF_OUT_UNKNOWN)
        of = pf_out_format_from_path(outpath);
    if (of == PF_OUT_UNKNOWN)
        of = PF_OUT_PROTO;
    if (of == PF_OUT_PROTO && strcmp(outpath, "-") == 0 &&
        isatty(STDOUT_FILENO))
        tool_usage_error("not writing a binary profile to a terminal "
                         "(use -o OUT or --format)");

    /* One memory budget for the inputs decoded at once. */
    tool_decode_opts(&dopts);
    tool_source_setup(&fo, progress, dopts.max_inflated);
    if ((err = pf_merger_new(&m, &mopts)) < 0)
        tool_die_lib(TOOL_EXIT_FAIL, err, "merge");
    {
        /* A ring of AHEAD + 1 jobs: while input I is merged, the next
         * AHEAD inputs are being read and decoded. */
        enum { AHEAD = 2, RING = AHEAD + 1 };
        load_job jobs[RING];
        pthread_t th[RING];
        int k, next = optind;

        for (k = 0; k < AHEAD && next < argc; k++, next++) {
            jobs[(next - optind) % RING].path = argv[next];
            jobs[(next - optind) % RING].opts = &dopts;
            start_load(&th[(next - optind) % RING],
                       &jobs[(next - optind) % RING]);
        }
        for (i = optind; i < argc; i++) {
            int cur = (i - optind) % RING;
            load_job *j = &jobs[cur];
            const char *name = strcmp(argv[i], "-") == 0 ? "<stdin>" : argv[i];

            finish_load(th[cur], j);
            if (next < argc) {
                int slot = (next - optind) % RING;
                jobs[slot].path = argv[next];
                jobs[slot].opts = &dopts;
                start_load(&th[slot], &jobs[slot]);
                next++;
            }
            err = pf_merger_add(m, j->p);
            pf_profile_free(j->p);
            if (err == PF_EINCOMPAT && !mopts.common_types &&
                strncmp(pf_error_last(), "sample types", 12) == 0)
                tool_die_code(TOOL_EXIT_FAIL, "%s: %s (--common-types keeps "
                              "the shared ones)", name, pf_error_last());
            if (err < 0)
                tool_die_lib(TOOL_EXIT_FAIL, err, name);
            tool_progress_step("merged inputs", (uint64_t)(i - optind + 1),
                               (uint64_t)(argc - optind));
        }
        tool_progress_done();
    }
    if ((err = pf_merger_finish(&merged, m)) < 0)
        tool_die_lib(TOOL_EXIT_FAIL, err, "merge");
    pf_merger_free(m);
    tool_progress_note("writing %zu samples (%.1f s)",
                       pf_profile_sample_count(merged),
                       tool_progress_elapsed());
    tool_write_profile(outpath, merged, of, &eopts, TOOL_EXIT_FAIL);
    tool_progress_note("done (%.1f s)", tool_progress_elapsed());
    pf_profile_free(merged);
    return TOOL_EXIT_OK;
}
