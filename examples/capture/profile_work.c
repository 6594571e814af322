/*
 * profile_work: the capture API linked into a program, the C
 * counterpart of runtime/pprof's StartCPUProfile / WriteHeapProfile /
 * NewProfile.
 *
 *   profile_work CPU_OUT HEAP_OUT HANDLES_OUT
 *
 * Profiles two labelled pieces of work for CPU, writes the heap
 * profile (every allocation sampled) and a custom profile of "open
 * handles". Build: cc profile_work.c $(pkg-config --cflags --libs
 * libprofile-capture) (see examples/README.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capture.h>

static volatile unsigned long sink;

static unsigned long spin(unsigned long n)
{
    unsigned long x = n | 1;

    for (unsigned long i = 0; i < n; i++)
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    return x;
}

/* Work run under a label: CPU samples taken inside carry it. */
static int parse_requests(void *arg)
{
    (void)arg;
    sink += spin(300u * 1000 * 1000);
    return 0;
}

static int render_pages(void *arg)
{
    (void)arg;
    sink += spin(100u * 1000 * 1000);
    return 0;
}

static char *keep[64];

static void build_cache(void)
{
    for (int i = 0; i < 64; i++)
        keep[i] = malloc(4096);     /* in use when the profile is written */
}

static int fail(const char *what, int err)
{
    fprintf(stderr, "profile_work: %s: %s (%s)\n", what, pf_strerror(err),
            pf_error_last());
    return 1;
}

/* Write registry profile NAME to PATH as gzipped profile.proto. */
static int write_profile(pf_capture_profile *p, const char *path)
{
    pf_writer w;
    int err;

    if ((err = pf_capture_writer_open(&w, path)) < 0)
        return fail(path, err);
    err = pf_capture_profile_write(p, w, 0);
    if (pf_capture_writer_close(&w) < 0 && err >= 0)
        err = PF_EIO;
    return err < 0 ? fail(path, err) : 0;
}

int main(int argc, char **argv)
{
    static const char *const kv_parse[] = { "handler", "parse" };
    static const char *const kv_render[] = { "handler", "render" };
    const pf_labelset *parse, *render;
    pf_capture_profile *handles;
    pf_writer cpu;
    int err, handle_a, handle_b;

    if (argc != 4) {
        fprintf(stderr, "usage: profile_work CPU_OUT HEAP_OUT HANDLES_OUT\n");
        return 2;
    }
    /* Sample every allocation, as Go's MemProfileRate = 1. Set it before
     * the allocations to profile. */
    pf_capture_heap_set_rate(1);

    if ((err = pf_capture_writer_open(&cpu, argv[1])) < 0)
        return fail(argv[1], err);
    if ((err = pf_capture_cpu_start(cpu)) < 0)
        return fail("cpu profile", err);
    if (pf_labelset_new(&parse, kv_parse, 1) < 0 ||
        pf_labelset_new(&render, kv_render, 1) < 0)
        return fail("labels", PF_ENOMEM);
    pf_capture_do(parse, parse_requests, NULL);
    pf_capture_do(render, render_pages, NULL);
    if ((err = pf_capture_cpu_stop()) < 0)
        return fail(argv[1], err);
    if ((err = pf_capture_writer_close(&cpu)) < 0)
        return fail(argv[1], err);

    build_cache();
    if (write_profile(pf_capture_lookup("heap"), argv[2]) != 0)
        return 1;

    /* A custom profile: what is in it is what was added and not removed,
     * each with the stack that added it (Go's pprof.NewProfile). */
    if ((err = pf_capture_profile_new(&handles, "example.com/open_handles")) < 0)
        return fail("custom profile", err);
    pf_capture_profile_add(handles, &handle_a, 0);
    pf_capture_profile_add(handles, &handle_b, 0);
    pf_capture_profile_remove(handles, &handle_b);
    if (write_profile(handles, argv[3]) != 0)
        return 1;
    printf("cpu, heap and %zu open handle(s) written\n",
           pf_capture_profile_count(handles));
    for (int i = 0; i < 64; i++)
        free(keep[i]);
    return 0;
}
