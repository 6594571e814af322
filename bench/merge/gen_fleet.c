/*
 * gen_fleet: write COUNT profiles as a fleet of servers running the same
 * binary would produce them, for the merge benchmark.
 *
 * Every profile shares one "binary": the same mappings (with build ids),
 * functions and locations, drawn from a fixed universe seed. Each
 * profile then draws its SAMPLES samples from a shared pool of call
 * stacks with a heavy skew (hot stacks common to all profiles, a long
 * tail that differs from one profile to the next), each with a string
 * label, so merging both combines and adds samples. Profile I uses seed
 * I + 1 for its draws and loads the binary at another address (ASLR),
 * so the merge also shifts addresses. Deterministic.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"

static const char usage_text[] =
    "Usage: gen_fleet [OPTIONS] DIR\n"
    "Write DIR/p000.pb.gz ... (profile.proto, gzipped).\n"
    "  -n, --count=N      number of profiles [100]\n"
    "  -s, --samples=N    samples per profile [200000]\n"
    "  -p, --pool=N       distinct stacks in the shared pool [300000]\n"
    "  -l, --locations=N  locations of the binary [100000]\n"
    "  -d, --max-depth=N  deepest stack (shallowest: 4) [16]\n"
    "      --labels=0|1   a string label on every sample [1]\n"
    "  -a, --aggregate    combine samples with equal stacks and labels into\n"
    "                     one record, as profilers write them (the value\n"
    "                     counts them); default: one record per sample\n"
    "  -h, --help\n";

static uint64_t rng;
static uint64_t max_depth = 16;
static int with_labels = 1;
static int aggregate;

static uint64_t next(void)
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t below(uint64_t n)
{
    return n ? next() % n : 0;
}

static void check(int err, const char *what)
{
    if (err < 0) {
        fprintf(stderr, "gen_fleet: %s: %s\n", what, pf_error_last());
        exit(1);
    }
}

static unsigned long parse(const char *s, const char *what)
{
    char *end;
    unsigned long v;

    errno = 0;
    v = strtoul(s, &end, 10);
    if (*end || end == s || errno || v == 0) {
        fprintf(stderr, "gen_fleet: bad %s '%s'\n", what, s);
        exit(2);
    }
    return v;
}

#define NMAP 4

typedef struct universe {
    uint64_t nloc, pool;
    uint64_t *loc_addr;         /* offset inside its mapping */
    uint32_t *loc_map;
    uint32_t *loc_fn;           /* first function; inlined: fn, fn + 1 */
    uint8_t *loc_inline;
    uint64_t nfn;
    uint32_t *stack_off, *stack_len, *frames;
} universe;

static void make_universe(universe *u, uint64_t nloc, uint64_t pool)
{
    uint64_t i, j, nframes = 0, cap;

    rng = 42;
    u->nloc = nloc;
    u->pool = pool;
    u->nfn = nloc / 4 + 2;
    u->loc_addr = malloc(nloc * sizeof(*u->loc_addr));
    u->loc_map = malloc(nloc * sizeof(*u->loc_map));
    u->loc_fn = malloc(nloc * sizeof(*u->loc_fn));
    u->loc_inline = malloc(nloc);
    for (i = 0; i < nloc; i++) {
        u->loc_map[i] = (uint32_t)(i % 8 < 5 ? 0 : 1 + below(NMAP - 1));
        u->loc_addr[i] = 0x1000 + i * 0x40 + below(0x30);
        u->loc_fn[i] = (uint32_t)below(u->nfn - 1);
        u->loc_inline[i] = below(100) < 20;
    }
    /* Stacks: each copies a prefix (root side) of an earlier one and
     * adds its own frames leafward, like a call tree. */
    cap = pool * (max_depth / 2 + 4);
    u->frames = malloc(cap * sizeof(*u->frames));
    u->stack_off = malloc(pool * sizeof(*u->stack_off));
    u->stack_len = malloc(pool * sizeof(*u->stack_len));
    for (i = 0; i < pool; i++) {
        uint64_t depth = 4 + below(max_depth - 3), keep = 0, parent;
        if (nframes + depth > cap) {
            cap = cap * 2 + depth;
            u->frames = realloc(u->frames, cap * sizeof(*u->frames));
        }
        u->stack_off[i] = (uint32_t)nframes;
        u->stack_len[i] = (uint32_t)depth;
        if (i > 0) {
            parent = below(i);
            keep = below(u->stack_len[parent] < depth ? u->stack_len[parent]
                                                      : depth);
            /* frames are stored leaf first: the root-side prefix is
             * the tail of the parent's frames */
            for (j = 0; j < keep; j++)
                u->frames[nframes + depth - keep + j] =
                    u->frames[u->stack_off[parent] + u->stack_len[parent] -
                              keep + j];
        }
        for (j = 0; j < depth - keep; j++)
            u->frames[nframes + j] = (uint32_t)below(nloc);
        nframes += depth;
    }
}

static void write_profile(const universe *u, const char *dir, unsigned idx,
                          uint64_t nsamples)
{
    pf_profile *p = pf_profile_new();
    uint32_t *fns = malloc(u->nfn * sizeof(*fns));
    uint32_t *locs = malloc(u->nloc * sizeof(*locs));
    uint32_t maps[NMAP], st[64];
    uint64_t shift = (uint64_t)idx * 0x200000, i, j;
    char path[4096], name[128], file[128], val[32];
    pf_membuf mb = PF_MEMBUF_INIT;
    FILE *f;

    if (!p || !fns || !locs)
        check(PF_ENOMEM, "allocate");
    check(pf_profile_add_sample_type(p, "samples", "count"), "type");
    check(pf_profile_add_sample_type(p, "cpu", "nanoseconds"), "type");
    check(pf_profile_set_period_type(p, "cpu", "nanoseconds"), "period");
    pf_profile_set_period(p, 10000000);
    pf_profile_set_time(p, 1700000000000000000LL +
                               (int64_t)idx * 10000000000LL);
    pf_profile_set_duration(p, 10000000000LL);
    for (i = 0; i < NMAP; i++) {
        pf_mapping m;
        memset(&m, 0, sizeof(m));
        m.start = i == 0 ? 0x555500000000ull
                         : 0x7f0000000000ull + i * 0x10000000ull;
        m.start += shift;
        m.limit = m.start + 0x8000000;
        if (i == 0)
            snprintf(file, sizeof(file), "/usr/bin/server");
        else
            snprintf(file, sizeof(file), "/lib/lib%u.so", (unsigned)i);
        snprintf(name, sizeof(name), "%016" PRIx64 "feedface", i * 0x1111);
        m.file = file;
        m.build_id = name;
        m.has_functions = m.has_filenames = m.has_line_numbers = true;
        check(pf_profile_add_mapping(&maps[i], p, &m), "mapping");
    }
    for (i = 0; i < u->nfn; i++) {
        snprintf(name, sizeof(name),
                 "server/pkg%" PRIu64 ".(*T%" PRIu64 ").Method%" PRIu64,
                 i % 97, i % 13, i);
        snprintf(file, sizeof(file),
                 "/src/server/pkg%" PRIu64 "/f%" PRIu64 ".go", i % 97,
                 i % 31);
        check(pf_profile_add_function(&fns[i], p, name, name, file,
                                      (int64_t)(i % 500) + 1), "function");
    }
    /* Locations are created lazily, in first-use order, like a real
     * writer would. */
    for (i = 0; i < u->nloc; i++)
        locs[i] = PF_NONE;
    rng = 1000 + idx;
    for (i = 0; i < nsamples; i++) {
        /* cube of a uniform: a few hot stacks, a long tail */
        double x = (double)(next() >> 11) / 9007199254740992.0;
        uint64_t s = (uint64_t)(x * x * x * (double)u->pool);
        int64_t v[2];
        pf_label lab = { "handler", val, 0, "" };
        uint32_t len = u->stack_len[s];

        for (j = 0; j < len; j++) {
            uint32_t l = u->frames[u->stack_off[s] + j];
            if (locs[l] == PF_NONE) {
                pf_line ln[2];
                size_t nl = 1;
                ln[0].function = fns[u->loc_fn[l]];
                ln[0].line = (int64_t)(l % 400) + 1;
                ln[0].column = 0;
                if (u->loc_inline[l]) {
                    ln[1] = ln[0];
                    ln[1].function = fns[u->loc_fn[l] + 1];
                    ln[1].line += 7;
                    nl = 2;
                }
                uint32_t mi = maps[u->loc_map[l]];
                uint64_t a = pf_profile_mapping(p, mi)->start +
                             u->loc_addr[l];
                check(pf_profile_add_location(&locs[l], p, mi, a, ln, nl,
                                              false), "location");
            }
            st[j] = locs[l];
        }
        v[0] = 1 + (int64_t)below(3);
        v[1] = v[0] * 10000000;
        snprintf(val, sizeof(val), "/api/v%" PRIu64, s % 40);
        check(pf_profile_add_sample(p, st, len, v, &lab, with_labels ? 1 : 0),
              "sample");
    }
    if (aggregate) {
        pf_profile *c = NULL;
        check(pf_profile_merge(&c, (const pf_profile *const *)&p, 1, NULL),
              "aggregate");
        pf_profile_free(p);
        p = c;
    }
    check(pf_profile_encode(p, pf_writer_membuf(&mb), NULL), "encode");
    snprintf(path, sizeof(path), "%s/p%03u.pb.gz", dir, idx);
    f = fopen(path, "wb");
    if (!f || fwrite(mb.data, 1, mb.len, f) != mb.len || fclose(f) != 0) {
        fprintf(stderr, "gen_fleet: %s: %s\n", path, strerror(errno));
        exit(1);
    }
    pf_membuf_release(&mb);
    pf_profile_free(p);
    free(fns);
    free(locs);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "count", required_argument, NULL, 'n' },
        { "samples", required_argument, NULL, 's' },
        { "pool", required_argument, NULL, 'p' },
        { "locations", required_argument, NULL, 'l' },
        { "max-depth", required_argument, NULL, 'd' },
        { "labels", required_argument, NULL, 'L' },
        { "aggregate", no_argument, NULL, 'a' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    unsigned long count = 100, samples = 200000, pool = 300000, nloc = 100000;
    universe u;
    unsigned i;
    int c;

    while ((c = getopt_long(argc, argv, "n:s:p:l:d:ah", longopts,
                            NULL)) != -1) {
        switch (c) {
        case 'n': count = parse(optarg, "--count"); break;
        case 's': samples = parse(optarg, "--samples"); break;
        case 'p': pool = parse(optarg, "--pool"); break;
        case 'l': nloc = parse(optarg, "--locations"); break;
        case 'd':
            max_depth = parse(optarg, "--max-depth");
            if (max_depth < 4 || max_depth > 64) {
                fputs("gen_fleet: --max-depth wants 4..64\n", stderr);
                return 2;
            }
            break;
        case 'a': aggregate = 1; break;
        case 'L': with_labels = strcmp(optarg, "0") != 0; break;
        case 'h': fputs(usage_text, stdout); return 0;
        default: fputs(usage_text, stderr); return 2;
        }
    }
    if (argc - optind != 1) {
        fputs(usage_text, stderr);
        return 2;
    }
    memset(&u, 0, sizeof(u));
    make_universe(&u, nloc, pool);
    for (i = 0; i < count; i++)
        write_profile(&u, argv[optind], i, samples);
    free(u.loc_addr);
    free(u.loc_map);
    free(u.loc_fn);
    free(u.loc_inline);
    free(u.stack_off);
    free(u.stack_len);
    free(u.frames);
    return 0;
}
