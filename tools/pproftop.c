/*
 * pproftop: the reports of `go tool pprof` (-top, -traces, -tree,
 * -peek, -dot) with the same flags and byte-identical text, plus folded
 * stacks and JSON/CSV for scripts, and the call graph drawn by Graphviz
 * (-svg, -png, ...). See docs/TOOLS-pproftop.md.
 *
 * Flags are parsed the way Go's flag package does it (-name, --name,
 * -name=value, -name value), so command lines written for
 * `go tool pprof -top` work unchanged.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "webui.h"
#include "tool.h"
#include "tool_fetch.h"

static const char usage_text[] =
    "Usage: pproftop [FLAGS] FILE...\n"
    "Print a report of the profile FILE ('-' = stdin) in the layout of\n"
    "`go tool pprof`; several FILEs are merged first. Any format the\n"
    "library reads is accepted. A FILE may be a URL, as for go tool pprof:\n"
    "http://HOST:PORT/debug/pprof/NAME, https://..., HOST:PORT[/PATH]\n"
    "(path /debug/pprof/profile if none).\n"
    "\n"
    "Report (one of; default -top):\n"
    "  -top, -text         flat/cum table, as go tool pprof -top\n"
    "  -traces             every sample's stack, as -traces\n"
    "  -tree               callers/callees of every node, as -tree\n"
    "  -peek=RE            callers/callees of nodes matching RE, as -peek\n"
    "  -list=RE            annotated source of functions matching RE, as -list\n"
    "  -folded             folded stacks 'root;...;leaf VALUE'\n"
    "  -tags               label values and their share, as -tags\n"
    "  -comments           the profile's comments, as -comments\n"
    "  -raw                the (filtered) profile itself, as -raw\n"
    "  -json               the report as JSON (any report; see the docs)\n"
    "  -csv                the -top table as CSV\n"
    "  -flamegraph         interactive flame graph, one HTML page\n"
    "                      (docs/FLAMEGRAPH.md)\n"
    "  -http=HOST:PORT     serve a web UI (graph, top, flame graph, peek,\n"
    "                      source) on HOST:PORT (':PORT' = 127.0.0.1,\n"
    "                      port 0 = any free port) until SIGINT/SIGTERM\n"
    "  -no_browser         with -http: do not start $BROWSER/xdg-open\n"
    "  -dot                the call graph in Graphviz DOT, as -dot\n"
    "  -svg, -png, -pdf, -ps, -gif\n"
    "                      the call graph drawn by Graphviz's dot (run as a\n"
    "                      child process; Debian package graphviz)\n"
    "  -output=FILE, -o FILE  write to FILE (atomically) instead of stdout\n"
    "\n"
    "Options (as go tool pprof):\n"
    "  -sample_index=NAME|N  value to report (default: the profile's)\n"
    "  -inuse_space -inuse_objects -alloc_space -alloc_objects\n"
    "  -total_delay -contentions -mean_delay\n"
    "                      shorthands for -sample_index (and -mean)\n"
    "  -mean               average value per event (value / value 0)\n"
    "  -nodecount=N        show at most N nodes (top: all; tree, graphs: 80)\n"
    "  -nodefraction=F     hide nodes below F of the total (0.005)\n"
    "  -edgefraction=F     hide edges below F of the total (0.001)\n"
    "  -trim=false         no -nodecount/-nodefraction/-edgefraction trimming\n"
    "  -cum, -flat         sort by cumulative or flat value (default flat)\n"
    "  -unit=UNIT          output unit (default: minimum)\n"
    "  -divide_by=N        show values divided by N\n"
    "  -focus=RE -ignore=RE -hide=RE -show=RE -show_from=RE -prune_from=RE\n"
    "  -tagfocus=[KEY=]VAL -tagignore=[KEY=]VAL -tagshow=RE -taghide=RE\n"
    "  -tagroot=KEYS -tagleaf=KEYS  label values as frames at root / leaf\n"
    "  -functions -filefunctions -files -lines -addresses\n"
    "                      node granularity (default -functions)\n"
    "  -noinlines          attribute inlined calls to their caller\n"
    "  -relative_percentages  percentages of the focused total\n"
    "  -no_drop_frames     ignore the profile's drop_frames/keep_frames\n"
    "  -no_file_line       omit the File:/Build ID: header lines\n"
    "  -source_path=DIRS   where -list looks for sources (':'-separated)\n"
    "  -trim_path=PREFIXES path prefixes -list strips first (':'-separated)\n"
    "  -diff_base=FILE     compare with FILE: percentages of its total,\n"
    "                      its samples kept apart\n"
    "  -base=FILE          subtract FILE\n"
    "  -normalize          scale FILE... to the base's total first\n"
    "  -seconds=N          URL sources: ask for an N-second profile\n"
    "  -timeout=N          URL sources: give up after N seconds (default\n"
    "                      1.5 x the seconds, or 60, plus 5)\n"
    "  -max-memory=SIZE    memory that reading the profiles may use, all\n"
    "                      together (bytes, or K, M, G; default 3G)\n"
    "  -max-records=N      refuse a profile with more than N records:\n"
    "                      strings, samples, locations, functions,\n"
    "                      mappings (default 100000000)\n"
    "  -h, --help          show this help and exit\n"
    "  -V, --version       show the version and exit\n"
    "\n"
    "Exit status: 0 success, 1 failure (unreadable input, -peek matching\n"
    "nothing, unwritable -output, dot missing or failing), 2 usage error\n"
    "(bad flag, invalid regexp or tag filter, unknown sample index).\n";

typedef struct flags {
    pf_report_opts ro;
    pf_report_kind kind;
    int out;                    /* 0 text, 1 json, 2 csv (-top only) */
    int nkind;
    bool zero_divisor;          /* -divide_by=0 */
    const char *si_short;       /* from -inuse_space & co */
    const char *http;           /* -http=HOST:PORT */
    bool no_browser;
    int gran_set;
    /* -base / -diff_base: as in go tool pprof, the last one of each
     * flag counts, and an empty value unsets it. */
    const char *base, *diff_base;
    bool normalize;
    const char *image;          /* -svg, -png, ...: dot -T<image> */
    const char *output;         /* -output=FILE; NULL = stdout */
    tool_fetch_opts fetch;
    bool no_trim;               /* -trim=false */
} flags;

static bool parse_bool(const char *name, const char *v)
{
    if (!v || strcmp(v, "true") == 0 || strcmp(v, "1") == 0 ||
        strcmp(v, "t") == 0 || strcmp(v, "T") == 0 || strcmp(v, "TRUE") == 0 ||
        strcmp(v, "True") == 0)
        return true;
    if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0 ||
        strcmp(v, "f") == 0 || strcmp(v, "F") == 0 ||
        strcmp(v, "FALSE") == 0 || strcmp(v, "False") == 0)
        return false;
    tool_usage_error("invalid boolean value '%s' for -%s", v, name);
}

static void set_kind(flags *f, pf_report_kind k)
{
    f->kind = k;
    f->nkind++;
}

static void set_gran(flags *f, pf_granularity g)
{
    f->ro.filter.granularity = g;
    f->gran_set++;
}

static void set_si(flags *f, const char *name, bool on)
{
    if (!on)
        return;
    if (f->si_short) {
        tool_warn("multiple value selections, ignoring -%s", name);
        return;
    }
    f->si_short = name;
}

/* Returns true if NAME is a boolean flag (and applies it). */
static bool bool_flag(flags *f, const char *name, const char *v)
{
    static const struct { const char *n; int id; } tab[] = {
        { "top", 1 }, { "text", 1 }, { "traces", 2 }, { "tree", 3 },
        { "folded", 4 }, { "json", 5 }, { "csv", 6 }, { "cum", 7 },
        { "flat", 8 }, { "functions", 9 }, { "filefunctions", 10 },
        { "files", 11 }, { "lines", 12 }, { "addresses", 13 },
        { "noinlines", 14 }, { "mean", 15 }, { "relative_percentages", 16 },
        { "no_drop_frames", 17 }, { "no_file_line", 18 },
        { "inuse_space", 20 }, { "inuse_objects", 21 }, { "alloc_space", 22 },
        { "alloc_objects", 23 }, { "total_delay", 24 }, { "contentions", 25 },
        { "mean_delay", 26 }, { "dot", 27 }, { "svg", 28 }, { "png", 29 },
        { "pdf", 30 }, { "ps", 31 }, { "gif", 32 }, { "no_browser", 33 },
        { "normalize", 34 }, { "flamegraph", 35 },
        { "tags", 36 }, { "comments", 37 }, { "raw", 38 }, { "trim", 39 },
    };
    bool on;

    for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
        if (strcmp(tab[i].n, name) != 0)
            continue;
        on = parse_bool(name, v);
        switch (tab[i].id) {
        case 1: if (on) set_kind(f, PF_REPORT_TOP); break;
        case 2: if (on) set_kind(f, PF_REPORT_TRACES); break;
        case 3: if (on) set_kind(f, PF_REPORT_TREE); break;
        case 4: if (on) set_kind(f, PF_REPORT_FOLDED); break;
        case 5: f->out = on ? 1 : f->out == 1 ? 0 : f->out; break;
        case 6: f->out = on ? 2 : f->out == 2 ? 0 : f->out; break;
        case 7: f->ro.cum_sort = on; break;
        case 8: if (on) f->ro.cum_sort = false; break;
        case 9: if (on) set_gran(f, PF_GRAN_FUNCTIONS); break;
        case 10: if (on) set_gran(f, PF_GRAN_FILEFUNCTIONS); break;
        case 11: if (on) set_gran(f, PF_GRAN_FILES); break;
        case 12: if (on) set_gran(f, PF_GRAN_LINES); break;
        case 13: if (on) set_gran(f, PF_GRAN_ADDRESSES); break;
        case 14: f->ro.filter.noinlines = on; break;
        case 15: f->ro.mean = on; break;
        case 16: f->ro.relative = on; break;
        case 17: f->ro.filter.no_drop_frames = on; break;
        case 18: f->ro.hide_file_line = on; break;
        case 20: set_si(f, "inuse_space", on); break;
        case 21: set_si(f, "inuse_objects", on); break;
        case 22: set_si(f, "alloc_space", on); break;
        case 23: set_si(f, "alloc_objects", on); break;
        case 24: set_si(f, "delay", on); break;
        case 25: set_si(f, "contentions", on); break;
        case 27: if (on) set_kind(f, PF_REPORT_DOT); break;
        case 35: if (on) set_kind(f, PF_REPORT_FLAMEGRAPH); break;
        case 28: case 29: case 30: case 31: case 32:
            if (on) {
                set_kind(f, PF_REPORT_DOT);
                f->image = tab[i].n;
            }
            break;
        case 26:
            set_si(f, "delay", on);
            if (on)
                f->ro.mean = true;
            break;
        case 33: f->no_browser = on; break;
        case 34: f->normalize = on; break;
        case 36: if (on) set_kind(f, PF_REPORT_TAGS); break;
        case 37: if (on) set_kind(f, PF_REPORT_COMMENTS); break;
        case 38: if (on) set_kind(f, PF_REPORT_RAW); break;
        case 39: f->no_trim = !on; break;
        default: break;
        }
        return true;
    }
    return false;
}

static double parse_fraction(const char *name, const char *v)
{
    char *end;
    double d;

    errno = 0;
    d = strtod(v, &end);
    if (errno || *end || end == v || d < 0)
        tool_usage_error("invalid value '%s' for -%s", v, name);
    return d;
}

/* Returns true if NAME takes a value (and applies VAL). */
static bool value_flag(flags *f, const char *name, const char *val)
{
    pf_filter_opts *fo = &f->ro.filter;
    const char **dst = NULL;

    if (strcmp(name, "sample_index") == 0) dst = &f->ro.sample_index;
    else if (strcmp(name, "focus") == 0) dst = &fo->focus;
    else if (strcmp(name, "ignore") == 0) dst = &fo->ignore;
    else if (strcmp(name, "hide") == 0) dst = &fo->hide;
    else if (strcmp(name, "show") == 0) dst = &fo->show;
    else if (strcmp(name, "show_from") == 0) dst = &fo->show_from;
    else if (strcmp(name, "prune_from") == 0) dst = &fo->prune_from;
    else if (strcmp(name, "tagfocus") == 0) dst = &fo->tagfocus;
    else if (strcmp(name, "tagignore") == 0) dst = &fo->tagignore;
    else if (strcmp(name, "tagshow") == 0) dst = &fo->tagshow;
    else if (strcmp(name, "taghide") == 0) dst = &fo->taghide;
    else if (strcmp(name, "tagroot") == 0) dst = &fo->tagroot;
    else if (strcmp(name, "tagleaf") == 0) dst = &fo->tagleaf;
    else if (strcmp(name, "unit") == 0) dst = &f->ro.unit;
    else if (strcmp(name, "source_path") == 0) dst = &f->ro.source_path;
    else if (strcmp(name, "trim_path") == 0) dst = &f->ro.trim_path;
    else if (strcmp(name, "http") == 0) dst = &f->http;
    else if (strcmp(name, "base") == 0) dst = &f->base;
    else if (strcmp(name, "diff_base") == 0) dst = &f->diff_base;
    else if (strcmp(name, "output") == 0 || strcmp(name, "o") == 0)
        dst = &f->output;
    if (dst) {
        if (val)
            *dst = val;
        return true;
    }
    if (strcmp(name, "peek") == 0 || strcmp(name, "list") == 0) {
        if (val) {
            f->ro.symbol = val;
            if (*val)
                set_kind(f, name[0] == 'p' ? PF_REPORT_PEEK : PF_REPORT_LIST);
        }
        return true;
    }
    if (strcmp(name, "max-memory") == 0 || strcmp(name, "max_memory") == 0) {
        if (val)
            tool_limit_option(TOOL_OPT_MAX_MEMORY, val);
        return true;
    }
    if (strcmp(name, "max-records") == 0 || strcmp(name, "max_records") == 0) {
        if (val)
            tool_limit_option(TOOL_OPT_MAX_RECORDS, val);
        return true;
    }
    if (strcmp(name, "nodecount") == 0) {
        if (val) {
            char *end;
            long n;
            errno = 0;
            n = strtol(val, &end, 10);
            if (errno || *end || end == val || n < -1 || n > 1000000000)
                tool_usage_error("invalid value '%s' for -nodecount", val);
            f->ro.nodecount = (int)n;
        }
        return true;
    }
    if (strcmp(name, "nodefraction") == 0) {
        if (val)
            f->ro.nodefraction = parse_fraction(name, val);
        return true;
    }
    if (strcmp(name, "divide_by") == 0) {
        if (val) {
            char *end;
            errno = 0;
            f->ro.divide_by = strtod(val, &end);
            if (errno || *end || end == val)
                tool_usage_error("invalid value '%s' for -divide_by", val);
            f->zero_divisor = f->ro.divide_by == 0;
        }
        return true;
    }
    if (strcmp(name, "seconds") == 0 || strcmp(name, "timeout") == 0) {
        if (val) {
            char opt[16];
            snprintf(opt, sizeof(opt), "-%s", name);
            *(name[0] == 's' ? &f->fetch.seconds : &f->fetch.timeout) =
                tool_parse_seconds(opt, val);
        }
        return true;
    }
    if (strcmp(name, "edgefraction") == 0) {
        if (val)
            f->ro.edgefraction = parse_fraction(name, val);
        return true;
    }
    return false;
}

/* Parse ARGV Go-style; returns the index of the first file argument. */
static int parse_args(flags *f, int argc, char **argv)
{
    int i;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *eq, *val = NULL;
        char name[64];
        size_t n;

        if (a[0] != '-' || a[1] == '\0')
            break;
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        a += a[1] == '-' ? 2 : 1;
        eq = strchr(a, '=');
        n = eq ? (size_t)(eq - a) : strlen(a);
        if (n == 0 || n >= sizeof(name))
            tool_usage_error("bad flag syntax: %s", argv[i]);
        memcpy(name, a, n);
        name[n] = '\0';
        if (eq)
            val = eq + 1;
        if (strcmp(name, "h") == 0 || strcmp(name, "help") == 0) {
            fputs(usage_text, stdout);
            exit(TOOL_EXIT_OK);
        }
        if (strcmp(name, "V") == 0 || strcmp(name, "version") == 0)
            tool_version();
        if (bool_flag(f, name, val))
            continue;
        if (value_flag(f, name, NULL)) {
            if (!val) {
                if (i + 1 >= argc)
                    tool_usage_error("flag needs an argument: -%s", name);
                val = argv[++i];
            }
            value_flag(f, name, val);
            continue;
        }
        tool_usage_error("flag provided but not defined: -%s", name);
    }
    return i;
}

/* pf_report_opts.read_source: a regular file, read whole. Directories
 * and other non-regular files count as missing. */
int pproftop_read_source(void *ctx, const char *path, char **data,
                         size_t *len)
{
    struct stat st;
    char *buf = NULL;
    size_t n = 0, cap = 0;
    int fd, rc = 0;

    (void)ctx;
    *data = NULL;
    *len = 0;
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return -errno;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        rc = S_ISDIR(st.st_mode) ? -EISDIR : -ENOENT;
        goto done;
    }
    for (;;) {
        ssize_t r;
        if (n == cap) {
            char *nb;
            cap = cap ? 2 * cap : (size_t)st.st_size + 1;
            if (!(nb = realloc(buf, cap))) {
                rc = -ENOMEM;
                goto done;
            }
            buf = nb;
        }
        r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            rc = -errno;
            goto done;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    *data = buf;
    *len = n;
    buf = NULL;
done:
    free(buf);
    close(fd);
    return rc;
}

/* The DOT of P rendered by Graphviz into W (-svg, -png, ...). */
static int write_image(const pf_profile *p, pf_writer w, const flags *f)
{
    tool_buf dot = { 0 }, img = { 0 };
    char msg[512];
    int err;

    if ((err = pf_report_write(p, tool_buf_writer(&dot), PF_REPORT_DOT,
                               &f->ro)) < 0)
        goto done;
    if (tool_dot_render(&img, f->image, dot.data, dot.len, msg,
                        sizeof(msg)) < 0)
        tool_die("%s", msg);
    if (strcmp(f->image, "svg") == 0 && tool_svg_add_panzoom(&img) < 0)
        tool_die("dot -Tsvg: unexpected output");
    err = w.write(w.ctx, img.data, img.len) < 0 ? PF_EIO : PF_OK;
done:
    tool_buf_release(&dot);
    tool_buf_release(&img);
    return err;
}

/* pprof's "X expression matched no samples" warnings. */
static void warn_unmatched(const pf_filter_opts *o, unsigned matched)
{
    static const struct { const char *name; unsigned bit; } tab[] = {
        { "Focus", PF_MATCHED_FOCUS }, { "Ignore", PF_MATCHED_IGNORE },
        { "Hide", PF_MATCHED_HIDE }, { "Show", PF_MATCHED_SHOW },
        { "ShowFrom", PF_MATCHED_SHOW_FROM },
        { "TagFocus", PF_MATCHED_TAGFOCUS },
        { "TagIgnore", PF_MATCHED_TAGIGNORE },
        { "TagShow", PF_MATCHED_TAGSHOW }, { "TagHide", PF_MATCHED_TAGHIDE },
        { "TagRoot", PF_MATCHED_TAGROOT }, { "TagLeaf", PF_MATCHED_TAGLEAF },
    };
    const char *val[] = { o->focus, o->ignore, o->hide, o->show,
                          o->show_from, o->tagfocus, o->tagignore,
                          o->tagshow, o->taghide, o->tagroot, o->tagleaf };

    for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
        if (val[i] && *val[i] && !(matched & tab[i].bit))
            tool_warn("%s expression matched no samples", tab[i].name);
}

static const char *display_name(const char *path)
{
    return strcmp(path, "-") == 0 ? "<stdin>" : path;
}

/* Read the N files of PATHS; several are merged as go tool pprof does. */
static pf_profile *load_all(int n, char **paths)
{
    if (n == 1)
        return tool_load_profile(paths[0], NULL, TOOL_EXIT_FAIL, NULL);
#ifdef PF_MERGE_OPTS_VERSION
    {
        pf_merge_opts mo = PF_MERGE_OPTS_INIT;
        pf_merger *m = NULL;
        pf_profile *out = NULL;
        int err;

        mo.scale_units = true;      /* as the reference's fetch does */
        if ((err = pf_merger_new(&m, &mo)) < 0)
            tool_die_lib(TOOL_EXIT_FAIL, err, "merge");
        for (int i = 0; i < n; i++) {
            pf_profile *p = tool_load_profile(paths[i], NULL, TOOL_EXIT_FAIL,
                                              NULL);
            err = pf_merger_add(m, p);
            pf_profile_free(p);
            if (err < 0)
                tool_die_lib(TOOL_EXIT_FAIL, err, display_name(paths[i]));
        }
        if ((err = pf_merger_finish(&out, m)) < 0)
            tool_die_lib(TOOL_EXIT_FAIL, err, "merge");
        pf_merger_free(m);
        return out;
    }
#else
    tool_usage_error("several FILEs need the merge library, which this "
                     "build does not have");
#endif
}

/* The profile that go tool pprof reports with -base / -diff_base:
 * the sources merged, then pf_profile_diff against the base. */
static pf_profile *load_diff(const flags *f, int n, char **paths)
{
    pf_diff_opts o = PF_DIFF_OPTS_INIT;
    bool diff = f->diff_base && *f->diff_base;
    char *bpath = (char *)(diff ? f->diff_base : f->base);
    pf_profile *cur, *base, *out = NULL;
    int err;

    o.mode = diff ? PF_DIFF_MODE_DIFF_BASE : PF_DIFF_MODE_BASE;
    /* the flame graph draws base and new apart, which the -base form
     * (base merged into new) would lose */
    if (f->kind == PF_REPORT_FLAMEGRAPH)
        o.mode = PF_DIFF_MODE_DIFF_BASE;
    o.normalize = f->normalize;
    o.scale_units = true;           /* as the reference's fetch */
    cur = load_all(n, paths);
    base = load_all(1, &bpath);
    err = pf_profile_diff(&out, base, cur, &o);
    pf_profile_free(cur);
    pf_profile_free(base);
    if (err < 0)
        tool_die_lib(TOOL_EXIT_FAIL, err, display_name(bpath));
    return out;
}

int main(int argc, char **argv)
{
    pf_report_opts ro0 = PF_REPORT_OPTS_INIT;
    pf_writer w;
    tool_out *out;
    flags f;
    pf_profile *p;
    unsigned matched = 0;
    int first, err, idx;
    bool has_base, has_diff_base;

    tool_init(argv[0]);
    memset(&f, 0, sizeof(f));
    f.ro = ro0;
    f.kind = PF_REPORT_TOP;
    first = parse_args(&f, argc, argv);
    if (f.nkind > 1)
        tool_usage_error("must set at most one output format");
    if (f.gran_set > 1)
        tool_usage_error("conflicting granularity options");
    if (f.out == 2 && f.kind != PF_REPORT_TOP)
        tool_usage_error("-csv writes only the -top table");
    /* -json is a form of the text reports; the pictures have none */
    if (f.out == 1 && (f.kind == PF_REPORT_DOT || f.image ||
                       f.kind == PF_REPORT_FLAMEGRAPH ||
                       f.kind == PF_REPORT_LIST))
        tool_usage_error("must set at most one output format");
    if (f.no_trim) {            /* as pprof: no trimming at all */
        f.ro.nodecount = 0;
        f.ro.nodefraction = 0;
        f.ro.edgefraction = 0;
    }
    if (f.si_short && !(f.ro.sample_index && *f.ro.sample_index))
        f.ro.sample_index = f.si_short;
    if (first >= argc)
        tool_usage_error("no profile source specified");
    has_base = f.base && *f.base;
    has_diff_base = f.diff_base && *f.diff_base;
    if (has_base && has_diff_base)
        tool_usage_error("-base and -diff_base flags cannot both be "
                         "specified");
    if (f.normalize && !has_base && !has_diff_base)
        tool_usage_error("must have base profile to normalize by");
    if (f.output && !*f.output)
        tool_usage_error("empty file name for -output");
    if ((err = pf_filter_opts_check(&f.ro.filter)) < 0)
        tool_die_lib(TOOL_EXIT_USAGE, err, "invalid option");
    tool_source_setup(&f.fetch, false, 0);
    if (has_base || has_diff_base)
        p = load_diff(&f, argc - first, argv + first);
    else
        p = load_all(argc - first, argv + first);
    /* Nothing to report is a fault of the input (exit 1), not of the
     * flags: checked before -sample_index, whose errors are usage. */
    if (pf_profile_sample_type_count(p) == 0)
        tool_die_code(TOOL_EXIT_FAIL, "%s: profile has no sample types",
                      argc - first > 1 ? "merged profile"
                                       : display_name(argv[first]));
    if ((err = pf_profile_sample_index(&idx, p, f.ro.sample_index)) < 0)
        tool_die_lib(TOOL_EXIT_USAGE, err, "-sample_index");
    if (f.zero_divisor)         /* pprof: a failure, after reading */
        tool_die_code(TOOL_EXIT_FAIL, "zero divisor specified");
    f.ro.read_source = pproftop_read_source;
    if (f.http && *f.http) {
        int rc = webui_run(f.http, !f.no_browser, p, &f.ro,
                           argc - first > 1 ? "merged profile"
                                            : display_name(argv[first]));
        pf_profile_free(p);
        return rc;
    }
    /* a temporary file beside -output, renamed when all went well */
    out = tool_out_open(f.output ? f.output : "-", TOOL_EXIT_FAIL);
    w = tool_out_writer(out);
    f.ro.matched = &matched;
    if (f.out == 1) {
        err = pf_report_write_json(p, w, f.kind, &f.ro);
    } else if (f.out == 2) {
        pf_top *t = NULL;
        err = pf_report_top(&t, p, &f.ro);
        if (err >= 0)
            err = pf_top_write_csv(t, w);
        pf_top_free(t);
    } else if (f.image) {
        err = write_image(p, w, &f);
    } else {
        err = pf_report_write(p, w, f.kind, &f.ro);
    }
    pf_profile_free(p);
    if (err >= 0)
        warn_unmatched(&f.ro.filter, matched);
    if (err < 0)
        tool_die_lib(err == PF_EINVAL ? TOOL_EXIT_USAGE : TOOL_EXIT_FAIL, err,
                     argc - first > 1 ? "merged profile"
                                      : display_name(argv[first]));
    tool_out_commit(out);
    return TOOL_EXIT_OK;
}
