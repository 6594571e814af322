/*
 * pprofdiff: compare a profile with a base profile, per function; write
 * the diff profile pprof reads like `-diff_base` / `-base`; and act as a
 * CI gate with exit statuses in the diff(1)/cmp(1) style (0 no
 * regression, 1 regression, 2 trouble).
 *
 * The per-function table is computed from the diff_base form of the
 * diff (whatever the output mode), where base samples carry the
 * pprof::base label and are negated: both sides stay apart, after
 * normalization and common-type reduction exactly as the output has
 * them.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
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

/* ------------------------------------------------------------------ */
/* Per-function rows                                                   */

typedef struct side {
    int64_t flat, cum;
} side;

typedef struct row {
    const char *name;       /* interned in the name table */
    side base, cur;
    size_t stamp;           /* last sample counted in cum, + 1 */
} row;

typedef struct table {
    pf_profile *names;      /* only used to intern names */
    row *rows;
    size_t nrows, cap;
    /* open addressing, name pointer -> row index + 1 */
    uint32_t *slot;
    size_t nslot;
    int64_t base_total, cur_total;
} table;

static void *xrealloc(void *p, size_t n)
{
    void *r = realloc(p, n ? n : 1);

    if (!r)
        tool_die_code(TOOL_EXIT_USAGE, "out of memory");
    return r;
}

static size_t ptr_hash(const void *p)
{
    uint64_t h = (uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ull;
    return (size_t)(h ^ (h >> 29));
}

static uint32_t row_of(table *t, const char *name)
{
    size_t i;

    if ((t->nrows + 1) * 2 > t->nslot) {
        size_t n = t->nslot ? t->nslot * 2 : 1024, j;
        uint32_t *s = calloc(n, sizeof(*s));
        if (!s)
            tool_die_code(TOOL_EXIT_USAGE, "out of memory");
        for (j = 0; j < t->nrows; j++) {
            for (i = ptr_hash(t->rows[j].name) & (n - 1); s[i];
                 i = (i + 1) & (n - 1))
                ;
            s[i] = (uint32_t)j + 1;
        }
        free(t->slot);
        t->slot = s;
        t->nslot = n;
    }
    for (i = ptr_hash(name) & (t->nslot - 1); t->slot[i];
         i = (i + 1) & (t->nslot - 1)) {
        if (t->rows[t->slot[i] - 1].name == name)
            return t->slot[i] - 1;
    }
    if (t->nrows == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 256;
        t->rows = xrealloc(t->rows, t->cap * sizeof(*t->rows));
    }
    memset(&t->rows[t->nrows], 0, sizeof(*t->rows));
    t->rows[t->nrows].name = name;
    t->slot[i] = (uint32_t)t->nrows + 1;
    return (uint32_t)t->nrows++;
}

static const char *intern(table *t, const char *s)
{
    const char *r = pf_profile_intern(t->names, s);

    if (!r)
        tool_die_code(TOOL_EXIT_USAGE, "out of memory");
    return r;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static bool is_base_sample(const pf_profile *p, size_t i)
{
    size_t n, j;
    const pf_label *l = pf_sample_labels(p, i, &n);

    for (j = 0; j < n; j++) {
        if (strcmp(l[j].key, PF_DIFF_BASE_LABEL) == 0 &&
            strcmp(l[j].str, "true") == 0)
            return true;
    }
    return false;
}

/* Rows of the frames of each location, innermost first: loc_rows[
 * loc_off[i] .. loc_off[i+1]). A location without lines is named by
 * its mapping and address, as pprof names unsymbolized frames. */
static void build_table(table *t, const pf_profile *d, int si)
{
    size_t nloc = pf_profile_location_count(d);
    size_t nf = pf_profile_function_count(d);
    size_t *loc_off = calloc(nloc + 1, sizeof(*loc_off));
    uint32_t *fn_row = malloc((nf ? nf : 1) * sizeof(*fn_row));
    uint32_t *loc_rows = NULL;
    size_t nlr = 0, i, j, k, ns = pf_profile_sample_count(d);

    if (!loc_off || !fn_row)
        tool_die_code(TOOL_EXIT_USAGE, "out of memory");
    t->names = pf_profile_new();
    if (!t->names)
        tool_die_code(TOOL_EXIT_USAGE, "out of memory");
    for (i = 0; i < nf; i++)
        fn_row[i] = row_of(
            t, intern(t, pf_profile_function(d, (uint32_t)i)->name));
    for (i = 0; i < nloc; i++) {
        const pf_location *l = pf_profile_location(d, (uint32_t)i);
        const pf_line *ln = pf_location_lines(d, l);
        loc_off[i] = nlr;
        loc_rows = xrealloc(loc_rows, (nlr + l->nline + 1) * sizeof(*loc_rows));
        if (l->nline == 0) {
            char buf[300];
            const pf_mapping *m = l->mapping == PF_NONE
                                      ? NULL
                                      : pf_profile_mapping(d, l->mapping);
            if (m && m->file[0])
                snprintf(buf, sizeof(buf), "%s 0x%" PRIx64,
                         base_name(m->file), l->address);
            else
                snprintf(buf, sizeof(buf), "0x%" PRIx64, l->address);
            loc_rows[nlr++] = row_of(t, intern(t, buf));
        }
        for (k = 0; k < l->nline; k++)
            loc_rows[nlr++] = fn_row[ln[k].function];
    }
    loc_off[nloc] = nlr;
    for (i = 0; i < ns; i++) {
        size_t n;
        const uint32_t *locs = pf_sample_locations(d, i, &n);
        int64_t v = pf_sample_values(d, i)[si];
        bool isbase = is_base_sample(d, i);

        if (isbase)
            v = -v;         /* base samples were negated */
        if (isbase)
            t->base_total += v;
        else
            t->cur_total += v;
        if (n == 0)
            continue;
        {
            row *r = &t->rows[loc_rows[loc_off[locs[0]]]];
            if (isbase)
                r->base.flat += v;
            else
                r->cur.flat += v;
        }
        for (j = 0; j < n; j++) {
            for (k = loc_off[locs[j]]; k < loc_off[locs[j] + 1]; k++) {
                row *r = &t->rows[loc_rows[k]];
                if (r->stamp == i + 1)
                    continue;
                r->stamp = i + 1;
                if (isbase)
                    r->base.cum += v;
                else
                    r->cur.cum += v;
            }
        }
    }
    free(loc_off);
    free(fn_row);
    free(loc_rows);
}

static bool by_cum;

static int64_t delta_of(const row *r, bool cum)
{
    return cum ? r->cur.cum - r->base.cum : r->cur.flat - r->base.flat;
}

static int row_cmp(const void *a, const void *b)
{
    const row *x = a, *y = b;
    int64_t dx = llabs(delta_of(x, by_cum)), dy = llabs(delta_of(y, by_cum));

    if (dx != dy)
        return dx > dy ? -1 : 1;
    dx = llabs(delta_of(x, !by_cum));
    dy = llabs(delta_of(y, !by_cum));
    if (dx != dy)
        return dx > dy ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* ------------------------------------------------------------------ */
/* Units                                                               */

typedef struct unit_scale {
    const char *suffix;
    double factor;
} unit_scale;

static const unit_scale time_units[] = {
    { "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 },
    { "m", 60e9 }, { "h", 3600e9 }, { NULL, 0 }
};
static const unit_scale byte_units[] = {
    { "B", 1 }, { "kB", 1024.0 }, { "KB", 1024.0 }, { "KiB", 1024.0 },
    { "MB", 1048576.0 }, { "MiB", 1048576.0 },
    { "GB", 1073741824.0 }, { "GiB", 1073741824.0 },
    { "TB", 1099511627776.0 }, { "TiB", 1099511627776.0 }, { NULL, 0 }
};

/* Value of one unit of UNIT in the family's base (ns or bytes); the
 * family table in *FAM. 0 if UNIT is neither time nor bytes. */
static double unit_base(const char *unit, const unit_scale **fam)
{
    static const struct { const char *name; const unit_scale *fam; double f; }
    known[] = {
        { "nanoseconds", time_units, 1 }, { "nanosecond", time_units, 1 },
        { "ns", time_units, 1 }, { "microseconds", time_units, 1e3 },
        { "us", time_units, 1e3 }, { "milliseconds", time_units, 1e6 },
        { "ms", time_units, 1e6 }, { "seconds", time_units, 1e9 },
        { "s", time_units, 1e9 }, { "bytes", byte_units, 1 },
        { "byte", byte_units, 1 }, { "B", byte_units, 1 },
        { "kilobytes", byte_units, 1024.0 }, { "kB", byte_units, 1024.0 },
        { "megabytes", byte_units, 1048576.0 },
        { "MB", byte_units, 1048576.0 },
        { "gigabytes", byte_units, 1073741824.0 },
        { "GB", byte_units, 1073741824.0 },
    };
    size_t i;

    for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        if (strcmp(unit, known[i].name) == 0) {
            *fam = known[i].fam;
            return known[i].f;
        }
    }
    *fam = NULL;
    return 0;
}

/* "1.27s", "20ms", "3.5MB", "42": pprof-like, 2 decimals at most. */
static void fmt_value(char *buf, size_t size, int64_t v, const char *unit,
                      bool sign)
{
    static const unit_scale show_time[] = {
        { "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 }, { NULL, 0 }
    };
    static const unit_scale show_bytes[] = {
        { "B", 1 }, { "kB", 1024.0 }, { "MB", 1048576.0 },
        { "GB", 1073741824.0 }, { "TB", 1099511627776.0 }, { NULL, 0 }
    };
    const unit_scale *fam, *u, *best;
    double base = unit_base(unit, &fam), x, ax;
    char num[64], *dot;

    if (!fam || v == 0) {
        snprintf(buf, size, sign && v ? "%+" PRId64 : "%" PRId64, v);
        return;
    }
    fam = fam == time_units ? show_time : show_bytes;
    x = (double)v * base;
    ax = fabs(x);
    best = fam;
    for (u = fam; u->suffix; u++) {
        if (ax >= u->factor)
            best = u;
    }
    snprintf(num, sizeof(num), sign ? "%+.2f" : "%.2f", x / best->factor);
    dot = strchr(num, '.');
    if (dot) {
        char *e = num + strlen(num) - 1;
        while (e > dot && *e == '0')
            *e-- = '\0';
        if (e == dot)
            *e = '\0';
    }
    if (strcmp(num, "-0") == 0 || strcmp(num, "+0") == 0)
        snprintf(num, sizeof(num), "%s", sign ? "+0" : "0");
    snprintf(buf, size, "%s%s", num, best->suffix);
}

/* A threshold like "250ms", "1.5MB" or "1000" in the sample unit. */
static int parse_abs(const char *s, const char *unit, double *out)
{
    const unit_scale *fam, *u;
    double base = unit_base(unit, &fam), v;
    char *end;

    errno = 0;
    v = strtod(s, &end);
    if (end == s || errno || v < 0 || !isfinite(v))
        return -1;
    if (*end == '\0') {
        *out = v;
        return 0;
    }
    if (!fam)
        return -1;
    for (u = fam; u->suffix; u++) {
        if (strcmp(end, u->suffix) == 0) {
            *out = v * u->factor / base;
            return 0;
        }
    }
    return -1;
}

/* ------------------------------------------------------------------ */
/* Output                                                              */

static bool pct_of(int64_t delta, int64_t base, double *pct)
{
    if (base == 0)
        return false;
    *pct = (double)delta * 100.0 / fabs((double)base);
    return true;
}

static void fmt_pct(char *buf, size_t size, int64_t delta, int64_t base)
{
    double p;

    if (delta == 0)
        snprintf(buf, size, "0%%");
    else if (!pct_of(delta, base, &p))
        snprintf(buf, size, "new");
    else
        snprintf(buf, size, "%+.1f%%", p);
}

static void json_str(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    fputc('"', f);
    for (; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p == '\t')
            fputs("\\t", f);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

static void json_pct(FILE *f, int64_t delta, int64_t base)
{
    double p;

    if (pct_of(delta, base, &p))
        fprintf(f, "%.4f", p);
    else
        fputs("null", f);
}

static void json_side(FILE *f, int64_t b, int64_t n)
{
    fprintf(f, "{\"base\": %" PRId64 ", \"new\": %" PRId64
               ", \"delta\": %" PRId64 ", \"delta_pct\": ", b, n, n - b);
    json_pct(f, n - b, b);
    fputc('}', f);
}

/* ------------------------------------------------------------------ */
/* The gate                                                            */

typedef struct gate {
    bool have_pct, have_abs;
    double pct, abs;
} gate;

static bool regressed(const gate *g, int64_t base, int64_t cur)
{
    int64_t delta = cur - base;
    double p;
    bool over_pct, over_abs;

    if (delta <= 0 || (!g->have_pct && !g->have_abs))
        return false;
    over_pct = !pct_of(delta, base, &p) || p > g->pct;
    over_abs = (double)delta > g->abs;
    if (g->have_pct && g->have_abs)
        return over_pct && over_abs;
    return g->have_pct ? over_pct : over_abs;
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
    bool json = false, quiet = false, any = false;
    long nodecount = -1;
    gate g = { false, false, 0, 0 };
    pf_profile *base, *cur, *d = NULL, *outp = NULL;
    table t;
    const pf_value_type *st;
    char *end;
    tool_fetch_opts fo = { 0, 0, 0 };
    bool progress = false;
    int c, err, si;
    size_t i, nshow;

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
    if (abs_text && parse_abs(abs_text, st->unit, &g.abs) < 0)
        tool_usage_error("--fail-above-abs: '%s' is not an amount of %s",
                         abs_text, st->unit[0] ? st->unit : "(no unit)");

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

    memset(&t, 0, sizeof(t));
    build_table(&t, d, si);
    qsort(t.rows, t.nrows, sizeof(*t.rows), row_cmp);
    /* Rows with no change at all say nothing. */
    {
        size_t w = 0;
        for (i = 0; i < t.nrows; i++) {
            if (delta_of(&t.rows[i], false) != 0 ||
                delta_of(&t.rows[i], true) != 0)
                t.rows[w++] = t.rows[i];
        }
        t.nrows = w;
    }
    if (nodecount < 0)
        nodecount = json ? 0 : 20;
    nshow = nodecount == 0 || (size_t)nodecount > t.nrows ? t.nrows
                                                          : (size_t)nodecount;

    if (json && !quiet) {
        fputs("{\n  \"base\": ", stdout);
        json_str(stdout, basename_);
        fputs(",\n  \"new\": ", stdout);
        json_str(stdout, newname);
        printf(",\n  \"mode\": \"%s\",\n  \"normalize\": %s,\n",
               diffo.mode == PF_DIFF_MODE_BASE ? "base" : "diff_base",
               diffo.normalize ? "true" : "false");
        fputs("  \"sample_type\": {\"type\": ", stdout);
        json_str(stdout, st->type);
        fputs(", \"unit\": ", stdout);
        json_str(stdout, st->unit);
        printf("},\n  \"by\": \"%s\",\n  \"total\": ", by_cum ? "cum" : "flat");
        json_side(stdout, t.base_total, t.cur_total);
        fputs(",\n  \"functions\": [", stdout);
        for (i = 0; i < nshow; i++) {
            const row *r = &t.rows[i];
            fputs(i ? ",\n    {\"name\": " : "\n    {\"name\": ", stdout);
            json_str(stdout, r->name);
            fputs(", \"flat\": ", stdout);
            json_side(stdout, r->base.flat, r->cur.flat);
            fputs(", \"cum\": ", stdout);
            json_side(stdout, r->base.cum, r->cur.cum);
            fputc('}', stdout);
        }
        fputs(nshow ? "\n  ],\n" : "],\n", stdout);
        fputs("  \"thresholds\": {\"pct\": ", stdout);
        if (g.have_pct)
            printf("%.4f", g.pct);
        else
            fputs("null", stdout);
        fputs(", \"abs\": ", stdout);
        if (g.have_abs)
            printf("%.0f", g.abs);
        else
            fputs("null", stdout);
        fputs("},\n  \"regressions\": [", stdout);
        if (regressed(&g, t.base_total, t.cur_total)) {
            fputs("\n    {\"name\": null, \"delta\": ", stdout);
            printf("%" PRId64 ", \"delta_pct\": ", t.cur_total - t.base_total);
            json_pct(stdout, t.cur_total - t.base_total, t.base_total);
            fputc('}', stdout);
            any = true;
        }
        for (i = 0; i < t.nrows; i++) {
            const row *r = &t.rows[i];
            int64_t b = by_cum ? r->base.cum : r->base.flat;
            int64_t n = by_cum ? r->cur.cum : r->cur.flat;
            if (!regressed(&g, b, n))
                continue;
            fputs(any ? ",\n    {\"name\": " : "\n    {\"name\": ", stdout);
            json_str(stdout, r->name);
            printf(", \"delta\": %" PRId64 ", \"delta_pct\": ", n - b);
            json_pct(stdout, n - b, b);
            fputc('}', stdout);
            any = true;
        }
        printf("%s],\n  \"regressed\": %s\n}\n", any ? "\n  " : "",
               any ? "true" : "false");
        any = false;
    } else if (!quiet) {
        char b1[64], b2[64], b3[64], b4[32];
        printf("Type: %s\n", st->type);
        printf("Mode: %s%s, by %s\n",
               diffo.mode == PF_DIFF_MODE_BASE ? "base" : "diff_base",
               diffo.normalize ? " (normalized)" : "",
               by_cum ? "cum" : "flat");
        fmt_value(b1, sizeof(b1), t.base_total, st->unit, false);
        fmt_value(b2, sizeof(b2), t.cur_total, st->unit, false);
        fmt_value(b3, sizeof(b3), t.cur_total - t.base_total, st->unit, true);
        fmt_pct(b4, sizeof(b4), t.cur_total - t.base_total, t.base_total);
        printf("Total: base %s, new %s, delta %s (%s)\n", b1, b2, b3, b4);
        if (nshow < t.nrows)
            printf("Showing %zu of %zu changed functions\n", nshow, t.nrows);
        printf("%11s %9s %11s %11s  %s\n", "delta", "delta%", "base", "new",
               "function");
        for (i = 0; i < nshow; i++) {
            const row *r = &t.rows[i];
            int64_t b = by_cum ? r->base.cum : r->base.flat;
            int64_t n = by_cum ? r->cur.cum : r->cur.flat;
            fmt_value(b1, sizeof(b1), n - b, st->unit, true);
            fmt_pct(b4, sizeof(b4), n - b, b);
            fmt_value(b2, sizeof(b2), b, st->unit, false);
            fmt_value(b3, sizeof(b3), n, st->unit, false);
            printf("%11s %9s %11s %11s  %s\n", b1, b4, b2, b3, r->name);
        }
    }
    fflush(stdout);

    /* Offenders, one line each, on stderr. */
    {
        char b1[64], b2[32];
        if (regressed(&g, t.base_total, t.cur_total)) {
            fmt_value(b1, sizeof(b1), t.cur_total - t.base_total, st->unit,
                      true);
            fmt_pct(b2, sizeof(b2), t.cur_total - t.base_total, t.base_total);
            tool_warn("regression: total %s %s (%s)", st->type, b1, b2);
            any = true;
        }
        for (i = 0; i < t.nrows; i++) {
            const row *r = &t.rows[i];
            int64_t b = by_cum ? r->base.cum : r->base.flat;
            int64_t n = by_cum ? r->cur.cum : r->cur.flat;
            if (!regressed(&g, b, n))
                continue;
            fmt_value(b1, sizeof(b1), n - b, st->unit, true);
            fmt_pct(b2, sizeof(b2), n - b, b);
            tool_warn("regression: %s: %s %s (%s)", r->name,
                      by_cum ? "cum" : "flat", b1, b2);
            any = true;
        }
    }
    free(t.rows);
    free(t.slot);
    pf_profile_free(t.names);
    pf_profile_free(d);
    if (ferror(stdout))
        tool_die_code(TOOL_EXIT_USAGE, "<stdout>: write failed");
    return any ? TOOL_EXIT_FAIL : TOOL_EXIT_OK;
}
