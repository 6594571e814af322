/*
 * gen_profile: write a large, valid, realistic profile for benchmarks.
 *
 * The profile is built with the public builder API (profile.h), so it
 * is also a test of the builder at scale. Its shape imitates a real
 * server profile:
 *
 *  - a few mappings (main binary first, shared libraries, [vdso]) with
 *    build ids and has_* flags;
 *  - FUNCTIONS functions with package-like names, files, start lines;
 *  - LOCATIONS locations, each an address inside a mapping, with one
 *    line or (INLINE percent of them) 2-4 lines of inlined frames;
 *  - STACKS distinct stacks of depth MIN_DEPTH..MAX_DEPTH, most of them
 *    sharing a root-side prefix with an earlier stack (call trees);
 *    locations are handed out round-robin for new frames, so every
 *    location ends up referenced once stacks * depth > locations;
 *  - SAMPLES samples, each on a stack picked with a heavy skew (a few
 *    hot stacks, a long tail), with cpu or heap sample types and
 *    LABELS labels alternating string (from LABEL_VALUES values) and
 *    numeric (with a unit).
 *
 * Everything comes from one xoshiro256** generator seeded by --seed,
 * so the same options give the same bytes.
 *
 * The command line is used by the merge/top/... benchmarks too: keep
 * it stable (add options, never change the meaning of existing ones).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"

static const char usage_text[] =
    "Usage: gen_profile [OPTIONS] -o OUT\n"
    "Write a large valid profile.proto (gzipped unless --raw) to OUT\n"
    "('-' = stdout). Deterministic: the same options give the same bytes.\n"
    "\n"
    "Options (default in brackets):\n"
    "  -n, --samples=N        number of samples [2000000]\n"
    "      --stacks=N         distinct stacks [samples/10, at least 1]\n"
    "      --locations=N      locations [200000]\n"
    "      --functions=N      functions [50000]\n"
    "      --mappings=N       mappings, main binary first [8]\n"
    "      --labels=N         labels per sample, alternating string and\n"
    "                         numeric [2]\n"
    "      --label-values=N   distinct values per string label key [100]\n"
    "      --type=KIND        sample types: cpu (samples/count,\n"
    "                         cpu/nanoseconds) or heap (alloc_objects,\n"
    "                         alloc_space, inuse_objects, inuse_space,\n"
    "                         plus a numeric 'bytes' label) [cpu]\n"
    "      --min-depth=N      shortest stack [5]\n"
    "      --max-depth=N      longest stack [40]\n"
    "      --inline=PCT       percent of locations with inlined frames [20]\n"
    "  -s, --seed=N           random seed [1]\n"
    "  -l, --level=N          gzip level 1-9 [1]\n"
    "      --raw              write the serialized Profile without gzip\n"
    "  -o, --output=FILE      output file (required; '-' = stdout)\n"
    "  -q, --quiet            no summary on stderr\n"
    "  -h, --help             show this help and exit\n";

/* ------------------------------------------------------------------ */
/* Deterministic randomness: xoshiro256** seeded through splitmix64.   */

static uint64_t rng_s[4];

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void rng_seed(uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        rng_s[i] = splitmix64(&seed);
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(void)
{
    uint64_t r = rotl(rng_s[1] * 5, 7) * 9, t = rng_s[1] << 17;

    rng_s[2] ^= rng_s[0];
    rng_s[3] ^= rng_s[1];
    rng_s[1] ^= rng_s[2];
    rng_s[0] ^= rng_s[3];
    rng_s[2] ^= t;
    rng_s[3] = rotl(rng_s[3], 45);
    return r;
}

/* Uniform in [0, n), n > 0 (the modulo bias is irrelevant here). */
static uint64_t rng_below(uint64_t n)
{
    return rng_next() % n;
}

/* Uniform double in [0, 1). */
static double rng_unit(void)
{
    return (double)(rng_next() >> 11) * (1.0 / 9007199254740992.0);
}

/* Skewed index in [0, n): small indices are much more likely
 * (u^3 puts ~46% of the draws in the first 10%). */
static uint64_t rng_skewed(uint64_t n)
{
    double u = rng_unit();
    uint64_t i = (uint64_t)(u * u * u * (double)n);
    return i < n ? i : n - 1;
}

/* ------------------------------------------------------------------ */
/* Options                                                             */

typedef struct opts {
    uint64_t samples, stacks, locations, functions, mappings;
    uint64_t labels, label_values;
    uint64_t min_depth, max_depth, inline_pct, seed;
    int level;
    int heap;
    int raw, quiet;
    const char *out;
} opts;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2),
                                                     noreturn));
static void die(const char *fmt, ...)
{
    va_list ap;

    fputs("gen_profile: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

static void usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "gen_profile: %s '%s'\n", msg, arg ? arg : "");
    fprintf(stderr, "Try 'gen_profile --help' for more information.\n");
    exit(2);
}

static uint64_t parse_count(const char *s, const char *what, uint64_t min)
{
    char *end;
    unsigned long long v;

    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-' || v < min)
        usage_error(what, s);
    return (uint64_t)v;
}

static void parse_opts(opts *o, int argc, char **argv)
{
    enum { O_STACKS = 256, O_LOCS, O_FUNCS, O_MAPS, O_LABELS, O_LVALUES,
           O_TYPE, O_MIN, O_MAX, O_INLINE, O_RAW };
    static const struct option longopts[] = {
        { "samples", required_argument, NULL, 'n' },
        { "stacks", required_argument, NULL, O_STACKS },
        { "locations", required_argument, NULL, O_LOCS },
        { "functions", required_argument, NULL, O_FUNCS },
        { "mappings", required_argument, NULL, O_MAPS },
        { "labels", required_argument, NULL, O_LABELS },
        { "label-values", required_argument, NULL, O_LVALUES },
        { "type", required_argument, NULL, O_TYPE },
        { "min-depth", required_argument, NULL, O_MIN },
        { "max-depth", required_argument, NULL, O_MAX },
        { "inline", required_argument, NULL, O_INLINE },
        { "seed", required_argument, NULL, 's' },
        { "level", required_argument, NULL, 'l' },
        { "raw", no_argument, NULL, O_RAW },
        { "output", required_argument, NULL, 'o' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    int c;

    memset(o, 0, sizeof(*o));
    o->samples = 2000000;
    o->locations = 200000;
    o->functions = 50000;
    o->mappings = 8;
    o->labels = 2;
    o->label_values = 100;
    o->min_depth = 5;
    o->max_depth = 40;
    o->inline_pct = 20;
    o->seed = 1;
    o->level = 1;
    while ((c = getopt_long(argc, argv, "n:s:l:o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'n': o->samples = parse_count(optarg, "bad --samples", 0); break;
        case O_STACKS: o->stacks = parse_count(optarg, "bad --stacks", 1); break;
        case O_LOCS:
            o->locations = parse_count(optarg, "bad --locations", 1);
            break;
        case O_FUNCS:
            o->functions = parse_count(optarg, "bad --functions", 1);
            break;
        case O_MAPS: o->mappings = parse_count(optarg, "bad --mappings", 1); break;
        case O_LABELS: o->labels = parse_count(optarg, "bad --labels", 0); break;
        case O_LVALUES:
            o->label_values = parse_count(optarg, "bad --label-values", 1);
            break;
        case O_TYPE:
            if (strcmp(optarg, "cpu") == 0)
                o->heap = 0;
            else if (strcmp(optarg, "heap") == 0)
                o->heap = 1;
            else
                usage_error("--type wants cpu or heap, not", optarg);
            break;
        case O_MIN: o->min_depth = parse_count(optarg, "bad --min-depth", 1); break;
        case O_MAX: o->max_depth = parse_count(optarg, "bad --max-depth", 1); break;
        case O_INLINE:
            o->inline_pct = parse_count(optarg, "bad --inline", 0);
            if (o->inline_pct > 100)
                usage_error("--inline wants 0-100, not", optarg);
            break;
        case 's': o->seed = parse_count(optarg, "bad --seed", 0); break;
        case 'l':
            o->level = (int)parse_count(optarg, "bad --level", 1);
            if (o->level > 9)
                usage_error("--level wants 1-9, not", optarg);
            break;
        case O_RAW: o->raw = 1; break;
        case 'o': o->out = optarg; break;
        case 'q': o->quiet = 1; break;
        case 'h': fputs(usage_text, stdout); exit(0);
        default: usage_error("bad option", argv[optind - 1]);
        }
    }
    if (optind != argc)
        usage_error("unexpected argument", argv[optind]);
    if (!o->out)
        usage_error("missing", "-o OUT");
    if (o->min_depth > o->max_depth)
        usage_error("--min-depth is above --max-depth", "");
    if (o->max_depth > 100000)
        usage_error("--max-depth is too large", "");
    if (o->locations >= UINT32_MAX - 1 || o->functions >= UINT32_MAX - 1 ||
        o->mappings > 4096)
        usage_error("too many locations, functions or mappings", "");
    if (o->stacks == 0)
        o->stacks = o->samples / 10 ? o->samples / 10 : 1;
}

/* ------------------------------------------------------------------ */
/* Building                                                            */

static void check(int err, const char *what)
{
    if (err < 0)
        die("%s: %s", what, pf_error_last()[0] ? pf_error_last()
                                                : pf_strerror(err));
}

static const char *const pkgs[] = {
    "runtime", "net/http", "encoding/json", "database/sql", "sync",
    "github.com/acme/server/api", "github.com/acme/server/store",
    "github.com/acme/server/cache", "compress/flate", "crypto/tls",
    "google.golang.org/grpc", "bufio", "reflect", "sort", "strings",
    "github.com/acme/server/internal/auth"
};
#define NPKGS (sizeof(pkgs) / sizeof(pkgs[0]))

static void add_mappings(pf_profile *p, const opts *o, uint64_t *base,
                         uint64_t *span)
{
    char file[256], build_id[64];
    uint64_t i;

    for (i = 0; i < o->mappings; i++) {
        pf_mapping m;
        uint32_t idx;
        int is_vdso = o->mappings > 2 && i == o->mappings - 1;

        memset(&m, 0, sizeof(m));
        /* Main binary low, libraries high, each 64 MiB apart. */
        base[i] = i == 0 ? 0x400000 : 0x7f0000000000ull + i * 0x4000000ull;
        span[i] = 0x2000000ull;
        m.start = base[i];
        m.limit = base[i] + span[i];
        m.offset = i == 0 ? 0 : 0x1000 * (i & 3);
        if (i == 0)
            snprintf(file, sizeof(file), "/usr/local/bin/server");
        else if (is_vdso)
            snprintf(file, sizeof(file), "[vdso]");
        else
            snprintf(file, sizeof(file), "/usr/lib/x86_64-linux-gnu/lib%s.so.%u",
                     pkgs[i % NPKGS] + (strrchr(pkgs[i % NPKGS], '/')
                                            ? strrchr(pkgs[i % NPKGS], '/') -
                                                  pkgs[i % NPKGS] + 1
                                            : 0),
                     (unsigned)(i / NPKGS + 1));
        snprintf(build_id, sizeof(build_id), "%016" PRIx64 "%016" PRIx64,
                 rng_next(), rng_next());
        m.file = file;
        m.build_id = is_vdso ? "" : build_id;
        m.has_functions = !is_vdso;
        m.has_filenames = !is_vdso;
        m.has_line_numbers = !is_vdso;
        m.has_inline_frames = !is_vdso && o->inline_pct > 0;
        check(pf_profile_add_mapping(&idx, p, &m), "add mapping");
    }
}

static void add_functions(pf_profile *p, const opts *o)
{
    char name[256], sysname[256], file[256];
    uint64_t i;

    for (i = 0; i < o->functions; i++) {
        const char *pkg = pkgs[rng_skewed(NPKGS)];
        uint32_t idx;
        uint64_t kind = rng_below(4);

        /* The index makes every name unique, so no de-duplication. */
        if (kind == 0)
            snprintf(name, sizeof(name), "%s.(*Type%" PRIu64 ").Method%" PRIu64,
                     pkg, i % 997, i);
        else if (kind == 1)
            snprintf(name, sizeof(name), "%s.func%" PRIu64 ".1", pkg, i);
        else
            snprintf(name, sizeof(name), "%s.handle%" PRIu64, pkg, i);
        /* A C++-like system name for some, the same name otherwise. */
        if (kind == 3)
            snprintf(sysname, sizeof(sysname), "_ZN6server6handleE%" PRIu64, i);
        else
            snprintf(sysname, sizeof(sysname), "%s", name);
        snprintf(file, sizeof(file), "/src/%s/file%" PRIu64 ".go", pkg,
                 i % 211);
        check(pf_profile_add_function(&idx, p, name, sysname, file,
                                      (int64_t)(1 + rng_below(3000))),
              "add function");
    }
}

static void add_locations(pf_profile *p, const opts *o, const uint64_t *base,
                          const uint64_t *span)
{
    pf_line lines[4];
    uint64_t i, *next = calloc(o->mappings, sizeof(*next));

    if (!next)
        die("out of memory");
    for (i = 0; i < o->mappings; i++)
        next[i] = base[i] + 0x1000;
    for (i = 0; i < o->locations; i++) {
        /* Most code is in the main binary. */
        uint64_t m = rng_below(100) < 70 ? 0 : rng_below(o->mappings);
        uint64_t nline = 1, k, addr;
        uint32_t idx;

        if (rng_below(100) < o->inline_pct)
            nline = 2 + rng_below(3);
        for (k = 0; k < nline; k++) {
            /* Hot functions (low indices) appear in more locations. */
            lines[k].function = (uint32_t)(rng_below(2) ? rng_skewed(o->functions)
                                                         : rng_below(o->functions));
            lines[k].line = (int64_t)(1 + rng_below(5000));
            lines[k].column = 0;
        }
        /* Strictly increasing addresses: no two locations are equal. */
        next[m] += 1 + rng_below(64);
        addr = next[m];
        if (addr >= base[m] + span[m])
            addr = base[m] + span[m] - 1 - (i & 0xff);
        check(pf_profile_add_location(&idx, p, (uint32_t)m, addr, lines,
                                      (size_t)nline, false),
              "add location");
    }
    free(next);
}

typedef struct stacks {
    uint32_t *frames;       /* root first */
    uint64_t *off;          /* stacks + 1 offsets into frames */
} stacks;

static void make_stacks(stacks *st, const opts *o)
{
    uint64_t i, cursor = 0, nframes = 0, cap;

    cap = o->stacks * ((o->min_depth + o->max_depth) / 2 + 1);
    st->frames = malloc(cap * sizeof(*st->frames));
    st->off = malloc((o->stacks + 1) * sizeof(*st->off));
    if (!st->frames || !st->off)
        die("out of memory");
    st->off[0] = 0;
    for (i = 0; i < o->stacks; i++) {
        uint64_t depth = o->min_depth + rng_below(o->max_depth - o->min_depth + 1);
        uint64_t d = 0;

        if (nframes + depth > cap) {
            cap = (cap + depth) * 2;
            st->frames = realloc(st->frames, cap * sizeof(*st->frames));
            if (!st->frames)
                die("out of memory");
        }
        /* Share a root-side prefix with an earlier stack (call trees:
         * main -> server loop -> handler -> ...). */
        if (i > 0 && rng_below(100) < 90) {
            uint64_t j = i - 1 - rng_skewed(i);
            uint64_t plen = st->off[j + 1] - st->off[j];
            uint64_t keep = 1 + rng_below(plen);
            if (keep > depth - 1)
                keep = depth - 1;
            memcpy(st->frames + nframes, st->frames + st->off[j],
                   keep * sizeof(*st->frames));
            d = keep;
        }
        for (; d < depth; d++) {
            uint32_t loc;
            /* Round robin over all locations (so all get used), mixed
             * with hot ones. */
            if (rng_below(100) < 60) {
                loc = (uint32_t)cursor;
                cursor = (cursor + 1) % o->locations;
            } else {
                loc = (uint32_t)rng_skewed(o->locations);
            }
            st->frames[nframes + d] = loc;
        }
        nframes += depth;
        st->off[i + 1] = nframes;
    }
}

static void add_sample_types(pf_profile *p, const opts *o)
{
    if (o->heap) {
        check(pf_profile_add_sample_type(p, "alloc_objects", "count"), "type");
        check(pf_profile_add_sample_type(p, "alloc_space", "bytes"), "type");
        check(pf_profile_add_sample_type(p, "inuse_objects", "count"), "type");
        check(pf_profile_add_sample_type(p, "inuse_space", "bytes"), "type");
        check(pf_profile_set_period_type(p, "space", "bytes"), "period type");
        pf_profile_set_period(p, 524288);
        check(pf_profile_set_default_sample_type(p, "inuse_space"), "default");
    } else {
        check(pf_profile_add_sample_type(p, "samples", "count"), "type");
        check(pf_profile_add_sample_type(p, "cpu", "nanoseconds"), "type");
        check(pf_profile_set_period_type(p, "cpu", "nanoseconds"), "period type");
        pf_profile_set_period(p, 10000000);
        pf_profile_set_duration(p, (int64_t)30 * 1000000000);
    }
    /* A fixed time keeps the output deterministic. */
    pf_profile_set_time(p, INT64_C(1700000000000000000) +
                               (int64_t)(o->seed % 1000) * 1000000000);
    check(pf_profile_add_comment(p, "generated by gen_profile"), "comment");
}

static void add_samples(pf_profile *p, const opts *o, const stacks *st)
{
    static const char *const units[] = { "bytes", "requests", "nanoseconds" };
    uint32_t *leaf_first = malloc(o->max_depth * sizeof(*leaf_first));
    pf_label *labs = calloc(o->labels + 1, sizeof(*labs));
    char (*keys)[32] = calloc(o->labels + 1, sizeof(*keys));
    char (*vals)[48] = calloc(o->labels + 1, sizeof(*vals));
    int64_t v[4];
    uint64_t i, j;

    if (!leaf_first || !labs || !keys || !vals)
        die("out of memory");
    for (j = 0; j < o->labels; j++)
        snprintf(keys[j], sizeof(keys[j]), j % 2 == 0 ? "label%" PRIu64
                                                      : "num%" PRIu64, j / 2);
    for (i = 0; i < o->samples; i++) {
        uint64_t s = rng_skewed(o->stacks);
        uint64_t n = st->off[s + 1] - st->off[s], k, nlab = 0;
        int64_t size = 0;

        for (k = 0; k < n; k++)
            leaf_first[k] = st->frames[st->off[s] + n - 1 - k];
        if (o->heap) {
            int64_t objs = (int64_t)(1 + rng_below(64));
            size = (int64_t)(8u << rng_below(10));
            v[0] = objs;
            v[1] = objs * size;
            v[2] = (int64_t)rng_below((uint64_t)objs + 1);
            v[3] = v[2] * size;
            labs[nlab].key = "bytes";
            labs[nlab].str = "";
            labs[nlab].num = size;
            labs[nlab].unit = "";
            nlab++;
        } else {
            v[0] = (int64_t)(1 + rng_below(8));
            v[1] = v[0] * 10000000;
        }
        for (j = 0; j < o->labels; j++, nlab++) {
            labs[nlab].key = keys[j];
            if (j % 2 == 0) {
                snprintf(vals[j], sizeof(vals[j]), "value-%" PRIu64,
                         rng_skewed(o->label_values));
                labs[nlab].str = vals[j];
                labs[nlab].num = 0;
                labs[nlab].unit = "";
            } else {
                /* Never 0: a numeric 0 without unit is not kept by
                 * readers. */
                labs[nlab].str = "";
                labs[nlab].num = (int64_t)(1 + rng_below(1u << 20));
                labs[nlab].unit = units[(j / 2) % 3];
            }
        }
        check(pf_profile_add_sample(p, leaf_first, (size_t)n, v, labs,
                                    (size_t)nlab),
              "add sample");
    }
    free(leaf_first);
    free(labs);
    free(keys);
    free(vals);
}

int main(int argc, char **argv)
{
    pf_encode_opts eo = PF_ENCODE_OPTS_INIT;
    pf_writer w;
    pf_profile *p;
    stacks st;
    uint64_t *base, *span;
    opts o;
    FILE *f;
    int err;

    parse_opts(&o, argc, argv);
    rng_seed(o.seed);
    base = calloc(o.mappings, sizeof(*base));
    span = calloc(o.mappings, sizeof(*span));
    p = pf_profile_new();
    if (!p || !base || !span)
        die("out of memory");
    add_sample_types(p, &o);
    add_mappings(p, &o, base, span);
    add_functions(p, &o);
    add_locations(p, &o, base, span);
    make_stacks(&st, &o);
    add_samples(p, &o, &st);
    free(st.frames);
    free(st.off);
    free(base);
    free(span);
    check(pf_profile_check(p), "generated profile is invalid");

    if (strcmp(o.out, "-") == 0) {
        f = stdout;
    } else {
        f = fopen(o.out, "wb");
        if (!f)
            die("%s: %s", o.out, strerror(errno));
    }
    eo.level = o.level;
    eo.raw = o.raw != 0;
    w = pf_writer_file(f);
    err = pf_profile_encode(p, w, &eo);
    if (err < 0 || fflush(f) != 0 || (f != stdout && fclose(f) != 0)) {
        if (f != stdout)
            remove(o.out);
        die("%s: %s", o.out, err < 0 ? pf_error_last() : strerror(errno));
    }
    if (!o.quiet)
        fprintf(stderr,
                "gen_profile: %s: %zu samples, %zu locations, %zu functions, "
                "%zu mappings, %zu sample types\n",
                o.out, pf_profile_sample_count(p), pf_profile_location_count(p),
                pf_profile_function_count(p), pf_profile_mapping_count(p),
                pf_profile_sample_type_count(p));
    pf_profile_free(p);
    return 0;
}
