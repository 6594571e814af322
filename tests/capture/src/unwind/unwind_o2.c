/*
 * Workload for tests/interop/capture_unwind_*.sh, built with plain
 * -O2 -fomit-frame-pointer (no frame pointers anywhere, as in a normal
 * distribution build): CPU leaves reached through known chains
 *   main -> a_chain -> b_chain -> leaf_chain
 *   main -> sort_work -> qsort (glibc) -> cmp_slow
 *   main -> use_lib -> lib_walk -> lib_inner (libunwind_cb.so) -> cb_leaf
 *   main -> use_dl -> dl_entry -> dl_mid (dlopen'ed) -> dl_leaf
 * an allocation site main -> heap_a -> heap_b -> malloc, a thread
 * created by main -> spawn_a -> spawn_b -> pthread_create, and a mutex
 * that main and that thread fight over in hold_a -> hold_b.
 * noinline keeps the functions; the work after each call keeps the
 * compiler from turning it into a tail call.
 *
 * Usage: unwind_o2 DLPATH [SCALE]
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define NOINL __attribute__((noinline))

uint64_t lib_walk(uint64_t (*cb)(uint64_t), uint64_t n);

static volatile uint64_t sink;
static long scale = 1;

/* A frameless leaf: no stack adjustment, no saved registers. */
NOINL uint64_t leaf_chain(uint64_t n)
{
    uint64_t x = n;

    for (uint64_t i = 0; i < n; i++)
        x = x * 6364136223846793005ull + 1442695040888963407ull;
    return x;
}

NOINL uint64_t b_chain(uint64_t n)
{
    uint64_t r = leaf_chain(n);

    sink += r;
    return r ^ n;
}

NOINL uint64_t a_chain(uint64_t n)
{
    uint64_t r = 0;

    for (int i = 0; i < 4; i++)
        r += b_chain(n + (uint64_t)i);
    sink += r;
    return r;
}

NOINL int cmp_slow(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    uint64_t h = x;

    for (int i = 0; i < 600; i++)
        h = h * 0x9e3779b97f4a7c15ull + y;
    sink += h;
    return x < y ? -1 : x > y;
}

NOINL uint64_t sort_work(size_t n)
{
    uint64_t *v = malloc(n * sizeof(*v));
    uint64_t r;

    if (!v)
        abort();
    for (size_t i = 0; i < n; i++)
        v[i] = (i * 2654435761u) % 1000003;
    qsort(v, n, sizeof(*v), cmp_slow);
    r = v[n / 2];
    free(v);
    return r + 1;
}

NOINL uint64_t cb_leaf(uint64_t n)
{
    uint64_t x = n;

    for (uint64_t i = 0; i < 3000; i++)
        x = x * 2862933555777941757ull + 3037000493ull;
    return x;
}

NOINL uint64_t use_lib(uint64_t n)
{
    uint64_t r = lib_walk(cb_leaf, n);

    sink += r;
    return r + 1;
}

NOINL uint64_t use_dl(void *h, uint64_t n)
{
    uint64_t (*entry)(uint64_t) = (uint64_t (*)(uint64_t))dlsym(h, "dl_entry");
    uint64_t r;

    if (!entry)
        abort();
    r = entry(n);
    sink += r;
    return r + 1;
}

NOINL void *heap_b(size_t n)
{
    void *p = malloc(n);

    sink += (uintptr_t)p & 1;
    return p;
}

NOINL void *heap_a(size_t n)
{
    void *p = heap_b(n);

    sink += n;
    return p;
}

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;

/* Holds the mutex while it works: the other side waits (block profile)
 * and the delay is charged to the unlocker (mutex profile). */
NOINL uint64_t hold_work(uint64_t n)
{
    uint64_t x = n;

    for (uint64_t i = 0; i < n; i++)
        x = x * 0x5851f42d4c957f2dull + 1;
    return x;
}

NOINL void hold_b(void)
{
    pthread_mutex_lock(&g_mu);
    sink += hold_work(300000);
    pthread_mutex_unlock(&g_mu);
    sink += 1;
}

NOINL void hold_a(int rounds)
{
    for (int i = 0; i < rounds; i++)
        hold_b();
    sink += 2;
}

static pthread_barrier_t g_start;

static void *thread_fn(void *arg)
{
    pthread_barrier_wait(&g_start);     /* both sides start together */
    hold_a((int)(uintptr_t)arg);
    return NULL;
}

NOINL pthread_t spawn_b(void)
{
    pthread_t t;

    if (pthread_create(&t, NULL, thread_fn, (void *)(uintptr_t)100) != 0)
        abort();
    sink += 1;
    return t;
}

NOINL pthread_t spawn_a(void)
{
    pthread_t t = spawn_b();

    sink += 2;
    return t;
}

int main(int argc, char **argv)
{
    void *h, *keep[64];

    if (argc < 2) {
        fprintf(stderr, "usage: unwind_o2 DLPATH [SCALE]\n");
        return 2;
    }
    if (argc > 2)
        scale = atol(argv[2]);
    h = dlopen(argv[1], RTLD_NOW);
    if (!h) {
        fprintf(stderr, "unwind_o2: %s\n", dlerror());
        return 1;
    }
    for (int i = 0; i < 64; i++)
        keep[i] = heap_a(4096 + (size_t)i);
    {
        pthread_t t;
        pthread_barrier_init(&g_start, NULL, 2);
        t = spawn_a();
        pthread_barrier_wait(&g_start);
        hold_a(100);
        pthread_join(t, NULL);
        pthread_barrier_destroy(&g_start);
    }
    for (long k = 0; k < scale; k++) {
        sink += a_chain(10000000);
        sink += sort_work(5000);
        sink += use_lib(12000);
        sink += use_dl(h, 10000000);
    }
    printf("%llu\n", (unsigned long long)(sink & 0xff));
    for (int i = 0; i < 64; i++)
        free(keep[i]);
    return 0;
}
