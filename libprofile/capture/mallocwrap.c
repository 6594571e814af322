/*
 * Heap sampling: malloc, calloc, realloc, free, posix_memalign,
 * aligned_alloc, memalign, valloc and pvalloc are interposed (C++
 * operator new/delete reach them through libstdc++). The real functions
 * come from dlsym(RTLD_NEXT); while dlsym itself allocates, requests are
 * served from a static bootstrap buffer.
 *
 * Sampling is a Poisson process over allocated bytes with mean RATE
 * (Go's MemProfileRate): each thread counts down the bytes to its next
 * sample point, drawn from an exponential distribution, so an
 * allocation of size s is sampled with probability 1 - exp(-s/RATE) and
 * the writer unsamples with the formula of docs/FORMATS.md 4.3. RATE 1
 * samples everything.
 *
 * The bookkeeping (stack buckets, the table of live sampled blocks) sits
 * in a private mmap arena under a futex lock, never in malloc'd memory,
 * and a thread-local in_hook guard makes any allocation made while the
 * sampler runs (by itself, by the profile writer, or by a signal handler
 * of the program interrupting it) pass straight through, so nothing
 * re-enters the lock. free() checks a small counting filter of sampled
 * addresses before taking the lock, so unsampled frees stay lock-free.
 */
#include <dlfcn.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "capint.h"

typedef void *(*malloc_fn)(size_t);
typedef void (*free_fn)(void *);
typedef void *(*calloc_fn)(size_t, size_t);
typedef void *(*realloc_fn)(void *, size_t);
typedef void *(*memalign_fn)(size_t, size_t);
typedef int (*posix_memalign_fn)(void **, size_t, size_t);

/* Set by the constructor (preload.c): no sampling before it ran. */
extern _Atomic int pf__cap_ready;

/* Pull preload.o (constructor, fork handlers) into static links. */
extern int pf__cap_preload_linked;
int *pf__cap_preload_anchor = &pf__cap_preload_linked;

static malloc_fn real_malloc, real_valloc, real_pvalloc;
static free_fn real_free;
static calloc_fn real_calloc;
static realloc_fn real_realloc;
static memalign_fn real_memalign, real_aligned_alloc;
static posix_memalign_fn real_posix_memalign;

/* ------------------------------------------------------------------ */
/* Resolution and the bootstrap buffer */

static _Atomic int g_resolved;          /* 0 no, 1 in progress, 2 done */
static bool g_new_via_real;             /* set by resolve() */
extern void __asan_init(void) __attribute__((weak));
/* volatile: glibc declares dlsym a leaf function (it never calls back
 * into this file, says the attribute), so gcc dropped the store of 1
 * before the dlsym calls as dead, and an allocation made inside dlsym
 * waited for its own thread's resolution to end, for ever. */
static __thread volatile int t_resolving PF_CAP_TLS;
static _Alignas(16) unsigned char g_boot[1 << 16];
static _Atomic size_t g_boot_used;

static bool is_boot(const void *p)
{
    return (const unsigned char *)p >= g_boot &&
           (const unsigned char *)p < g_boot + sizeof(g_boot);
}

/* 16-byte header holding the size, so realloc can copy. */
static void *boot_alloc(size_t n, size_t align)
{
    size_t need, off;

    if (align < 16)
        align = 16;
    need = ((n + 15) & ~(size_t)15) + align;
    off = atomic_fetch_add(&g_boot_used, need);
    if (off + need > sizeof(g_boot))
        return NULL;
    {
        uintptr_t base = (uintptr_t)(g_boot + off) + 16;
        uintptr_t p = (base + align - 1) & ~(uintptr_t)(align - 1);
        ((size_t *)p)[-1] = n;
        return (void *)p;
    }
}

static void filter_mark_boot(void);

static void resolve(void)
{
    int st = 0;

    if (atomic_compare_exchange_strong(&g_resolved, &st, 1)) {
        t_resolving = 1;
        real_malloc = (malloc_fn)dlsym(RTLD_NEXT, "malloc");
        real_free = (free_fn)dlsym(RTLD_NEXT, "free");
        real_calloc = (calloc_fn)dlsym(RTLD_NEXT, "calloc");
        real_realloc = (realloc_fn)dlsym(RTLD_NEXT, "realloc");
        real_memalign = (memalign_fn)dlsym(RTLD_NEXT, "memalign");
        real_aligned_alloc = (memalign_fn)dlsym(RTLD_NEXT, "aligned_alloc");
        real_posix_memalign =
            (posix_memalign_fn)dlsym(RTLD_NEXT, "posix_memalign");
        real_valloc = (malloc_fn)dlsym(RTLD_NEXT, "valloc");
        real_pvalloc = (malloc_fn)dlsym(RTLD_NEXT, "pvalloc");
        /* ASan checks that operator new memory goes back through
         * operator delete: under it, new allocates with the real
         * operator new (see the C++ section below). A weak reference,
         * not dlsym: a failed lookup allocates its error message. */
        g_new_via_real = __asan_init != NULL;
        t_resolving = 0;
        filter_mark_boot();
        atomic_store(&g_resolved, 2);
        return;
    }
    while (atomic_load(&g_resolved) != 2) {
        struct timespec ts = { 0, 100000 };
        nanosleep(&ts, NULL);
    }
}

/* True when the caller must use the bootstrap buffer. */
static inline bool need_boot(void)
{
    if (__builtin_expect(atomic_load_explicit(&g_resolved,
                                              memory_order_acquire) == 2, 1))
        return false;
    if (t_resolving)
        return true;
    resolve();
    return false;
}

/* ------------------------------------------------------------------ */
/* Sampling decision */

static _Atomic long g_rate = PF_CAPTURE_HEAP_RATE_DEFAULT;
static _Atomic uint32_t g_gen = 1;

typedef struct tstate {
    int64_t left;           /* bytes until the next sample point */
    uint32_t gen;
    uint64_t rng;
} tstate;
static __thread tstate t_st PF_CAP_TLS;

static int64_t draw(tstate *t, long rate)
{
    double u;

    if (rate <= 0)
        return INT64_MAX;
    if (rate == 1)
        return 0;
    if (!t->rng) {
        /* no libc call: this can run before a sanitizer runtime has
         * initialised its interceptors (time() is one) */
        static _Atomic uint64_t seq;
        uint64_t x = atomic_fetch_add(&seq, 1) + 1;
#if defined(__x86_64__)
        x ^= __builtin_ia32_rdtsc();
#endif
        t->rng = ((uint64_t)(uintptr_t)t * 0x9e3779b97f4a7c15ull) ^
                 (x * 0xbf58476d1ce4e5b9ull) ^ 0x2545f4914f6cdd1dull;
    }
    /* xorshift64* */
    t->rng ^= t->rng >> 12;
    t->rng ^= t->rng << 25;
    t->rng ^= t->rng >> 27;
    u = (double)((t->rng * 0x2545f4914f6cdd1dull) >> 11) *
        (1.0 / 9007199254740992.0);
    if (u <= 0)
        u = 1e-300;
    return (int64_t)(-log(u) * (double)rate);
}

static inline bool should_sample(size_t n)
{
    tstate *t = &t_st;
    uint32_t gen = atomic_load_explicit(&g_gen, memory_order_relaxed);

    if (__builtin_expect(t->gen != gen, 0)) {
        t->gen = gen;
        t->left = draw(t, atomic_load(&g_rate));
    }
    if (__builtin_expect((t->left -= (int64_t)n) > 0, 1))
        return false;
    if (pf__cap_tls_sigvar.in_hook || pf__cap_tls_sigvar.quiet ||
        !atomic_load_explicit(&pf__cap_ready, memory_order_acquire)) {
        /* the library's own allocation (in a hook, or in a thread the
         * library made, such as the gzip writer's), or one made before
         * its constructor ran (a sanitizer runtime initialising:
         * nothing but the raw allocator may run yet): do not let it
         * use up the sample point */
        t->left += (int64_t)n;
        return false;
    }
    return true;
}

/* The common case, inlined into each interposer before anything else:
 * true when N bytes are certainly not sampled, and counted down; false
 * leaves both the decision and the countdown to should_sample. With
 * resolved(), it lets the interposer end in a tail call to the real
 * function, with no frame of its own. */
static inline bool resolved(void)
{
    return atomic_load_explicit(&g_resolved, memory_order_acquire) == 2;
}

static inline bool skip_fast(size_t n)
{
    tstate *t = &t_st;
    int64_t left = t->left - (int64_t)n;

    if (__builtin_expect(
            t->gen != atomic_load_explicit(&g_gen, memory_order_relaxed) ||
            left <= 0, 0))
        return false;
    t->left = left;
    return true;
}

/* ------------------------------------------------------------------ */
/* Private arena (mmap) */

/* One bucket per (stack, allocation size), as Go's memory profile: the
 * "bytes" label is then exact, every sample of a bucket is unsampled
 * with the same factor, and a delta of two snapshots cancels where
 * nothing was allocated or freed (a per-stack average size changes
 * between snapshots and would leave both whole in the delta). */
typedef struct bucket {
    struct bucket *next;
    uint64_t hash;
    size_t size;
    int64_t allocs, alloc_bytes, frees, free_bytes;
    int depth;
    uintptr_t pcs[];
} bucket;

typedef struct live {
    struct live *next;
    uintptr_t addr;
    size_t size;
    bucket *b;
} live;

#define NBUCKETS (1u << 14)
#define NLIVE (1u << 16)
#define FILTER (1u << 16)
#define ARENA_CHUNK (1u << 20)

static pf_cap_lock g_heap_lock = PF_CAP_LOCK_INIT;
static unsigned char *g_arena_cur, *g_arena_end;
static bucket **g_buckets;      /* NBUCKETS chains, mmap'd */
static live **g_live;           /* NLIVE chains, mmap'd */
static live *g_live_free;
static size_t g_nbuckets;
static _Atomic uint32_t g_filter[FILTER];

static void *arena_alloc(size_t n)
{
    void *p;

    n = (n + 15) & ~(size_t)15;
    if (!g_arena_cur || (size_t)(g_arena_end - g_arena_cur) < n) {
        size_t sz = n > ARENA_CHUNK ? n : ARENA_CHUNK;
        void *m = mmap(NULL, sz, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED)
            return NULL;
        g_arena_cur = m;
        g_arena_end = g_arena_cur + sz;
    }
    p = g_arena_cur;
    g_arena_cur += n;
    return p;
}

static bool tables_ready(void)
{
    if (g_buckets)
        return true;
    g_buckets = arena_alloc(NBUCKETS * sizeof(*g_buckets));
    g_live = arena_alloc(NLIVE * sizeof(*g_live));
    return g_buckets && g_live;
}

static inline size_t addr_hash(uintptr_t a)
{
    return (size_t)(((uint64_t)a >> 4) * 0x9e3779b97f4a7c15ull >> 32);
}

/* The filter counts live sampled blocks per 4 KiB page (pages 256 MiB
 * apart share a counter): blocks freed together sit on nearby pages, so
 * the counters free() reads stay in a few cache lines, where a mixing
 * hash would spread them over the whole 256 KiB table (one cache miss
 * per free). A free on a page holding a live sampled block takes the
 * locked path for nothing: at the default rate about 1 page in 128. */
static inline size_t filter_slot(uintptr_t a)
{
    return (size_t)((a >> 12) ^ (a >> 28)) & (FILTER - 1);
}

/* Each page of the bootstrap buffer holds one count of the filter:
 * free()'s fast path then needs no bounds check of its own, since a
 * bootstrap pointer always takes the slow path, which has it. Marked
 * once, by resolve(), before the fast paths are open. */
#define NBOOTPAGES (sizeof(g_boot) / 4096 + 1)

static size_t boot_slots(size_t *slots)
{
    size_t n = 0;

    for (uintptr_t a = (uintptr_t)g_boot & ~(uintptr_t)4095;
         a < (uintptr_t)(g_boot + sizeof(g_boot)); a += 4096)
        slots[n++] = filter_slot(a);
    return n;
}

static void filter_mark_boot(void)
{
    size_t slots[NBOOTPAGES], n = boot_slots(slots);

    for (size_t k = 0; k < n; k++)
        atomic_fetch_add_explicit(&g_filter[slots[k]], 1,
                                  memory_order_relaxed);
}

/* Drop the counts of sampled blocks, keeping the bootstrap pages'. Each
 * counter goes to its final value in one store: a bootstrap page's
 * never reads 0 to a concurrent free. */
static void filter_clear(void)
{
    size_t slots[NBOOTPAGES], n = boot_slots(slots);

    for (size_t i = 0; i < FILTER; i++) {
        uint32_t v = 0;
        for (size_t k = 0; k < n; k++)
            v += slots[k] == i;
        atomic_store_explicit(&g_filter[i], v, memory_order_relaxed);
    }
}

static uint64_t stack_hash(const uintptr_t *pcs, int n)
{
    uint64_t h = 0xcbf29ce484222325ull;

    for (int i = 0; i < n; i++) {
        h ^= pcs[i];
        h *= 0x100000001b3ull;
        h ^= h >> 31;
    }
    return h;
}

static bucket *bucket_get(const uintptr_t *pcs, int n, size_t size)
{
    uint64_t h = stack_hash(pcs, n) ^ (size * 0x9e3779b97f4a7c15ull);
    bucket **slot = &g_buckets[h & (NBUCKETS - 1)], *b;

    for (b = *slot; b; b = b->next)
        if (b->hash == h && b->size == size && b->depth == n &&
            memcmp(b->pcs, pcs, (size_t)n * sizeof(*pcs)) == 0)
            return b;
    b = arena_alloc(sizeof(*b) + (size_t)n * sizeof(*pcs));
    if (!b)
        return NULL;
    memset(b, 0, sizeof(*b));
    b->hash = h;
    b->size = size;
    b->depth = n;
    memcpy(b->pcs, pcs, (size_t)n * sizeof(*pcs));
    b->next = *slot;
    *slot = b;
    g_nbuckets++;
    return b;
}

/* Remove the live record of ADDR (lock held); true if there was one. */
static bool live_take(uintptr_t addr, live *out)
{
    live **pp = &g_live[addr_hash(addr) & (NLIVE - 1)];

    for (live *l = *pp; l; pp = &l->next, l = l->next) {
        if (l->addr != addr)
            continue;
        *out = *l;
        *pp = l->next;
        l->next = g_live_free;
        g_live_free = l;
        atomic_fetch_sub_explicit(&g_filter[filter_slot(addr)],
                                  1, memory_order_relaxed);
        return true;
    }
    return false;
}

static void account_free(const live *l)
{
    l->b->frees++;
    l->b->free_bytes += (int64_t)l->size;
}

__attribute__((noinline))
static void record_alloc(void *p, size_t n, uintptr_t fp)
{
    uintptr_t pcs[PF_CAP_MAX_DEPTH];
    pf_cap_tls *tls = &pf__cap_tls_sigvar;
    tstate *t = &t_st;
    int depth;
    bucket *b;
    live *l, old;

    tls->in_hook++;
    t->left = draw(t, atomic_load(&g_rate));
    depth = pf__cap_stack_from(fp, pcs, PF_CAP_MAX_DEPTH);
    pf__cap_lock(&g_heap_lock);
    if (!tables_ready() || !(b = bucket_get(pcs, depth, n)))
        goto done;
    /* The block was freed while its record could not be dropped (free
     * from inside the hook): it is gone, count it freed. */
    if (live_take((uintptr_t)p, &old))
        account_free(&old);
    if (g_live_free) {
        l = g_live_free;
        g_live_free = l->next;
    } else if (!(l = arena_alloc(sizeof(*l)))) {
        b->allocs++;
        b->alloc_bytes += (int64_t)n;
        b->frees++;
        b->free_bytes += (int64_t)n;
        goto done;
    }
    b->allocs++;
    b->alloc_bytes += (int64_t)n;
    l->addr = (uintptr_t)p;
    l->size = n;
    l->b = b;
    {
        live **head = &g_live[addr_hash(l->addr) & (NLIVE - 1)];
        l->next = *head;
        *head = l;
    }
    atomic_fetch_add_explicit(&g_filter[filter_slot(l->addr)], 1,
                              memory_order_relaxed);
done:
    pf__cap_unlock(&g_heap_lock);
    tls->in_hook--;
}

static void record_free(void *p)
{
    pf_cap_tls *tls = &pf__cap_tls_sigvar;
    live l;

    if (tls->in_hook)
        return;
    tls->in_hook++;
    pf__cap_lock(&g_heap_lock);
    if (g_live && live_take((uintptr_t)p, &l))
        account_free(&l);
    pf__cap_unlock(&g_heap_lock);
    tls->in_hook--;
}

static inline bool maybe_sampled(const void *p)
{
    return atomic_load_explicit(
               &g_filter[filter_slot((uintptr_t)p)],
               memory_order_relaxed) != 0;
}

/* ------------------------------------------------------------------ */
/* The interposed functions */

#define FRAME() ((uintptr_t)__builtin_frame_address(0))

/* The slow paths are functions of their own so that the interposers'
 * fast paths save no registers. FP is the interposer's frame: its
 * return address is the allocation's call site. (When the call below
 * is made as a tail call, the slow path's own frame takes the same
 * place, with the same saved frame pointer and return address.) */
__attribute__((noinline))
static void *malloc_slow(size_t n, uintptr_t fp)
{
    void *p;

    if (need_boot())
        return boot_alloc(n, 16);
    p = real_malloc(n);
    if (p && should_sample(n))
        record_alloc(p, n, fp);
    return p;
}

PF_API void *malloc(size_t n)
{
    if (__builtin_expect(resolved() && skip_fast(n), 1))
        return real_malloc(n);
    return malloc_slow(n, FRAME());
}

PF_API void free(void *p)
{
    if (__builtin_expect(resolved() && !maybe_sampled(p), 1)) {
        real_free(p);
        return;
    }
    if (!p || is_boot(p))
        return;
    if (need_boot())
        return;
    if (maybe_sampled(p))
        record_free(p);
    real_free(p);
}

__attribute__((noinline))
static void *calloc_slow(size_t n, size_t size, uintptr_t fp)
{
    size_t total;
    void *p;

    if (need_boot()) {
        if (__builtin_mul_overflow(n, size, &total))
            return NULL;
        return boot_alloc(total, 16);   /* static memory is zeroed */
    }
    p = real_calloc(n, size);
    if (p && !__builtin_mul_overflow(n, size, &total) && should_sample(total))
        record_alloc(p, total, fp);
    return p;
}

PF_API void *calloc(size_t n, size_t size)
{
    size_t total;

    if (__builtin_expect(resolved() &&
                         !__builtin_mul_overflow(n, size, &total) &&
                         skip_fast(total), 1))
        return real_calloc(n, size);
    return calloc_slow(n, size, FRAME());
}

PF_API void *realloc(void *old, size_t n)
{
    void *p;

    if (old && is_boot(old)) {
        size_t have = ((size_t *)old)[-1];
        p = malloc(n);
        if (p)
            memcpy(p, old, have < n ? have : n);
        return p;
    }
    /* Only the thread inside dlsym (resolve) gets here with need_boot();
     * every pointer it can hold was allocated during that window, so it
     * is a bootstrap pointer and was handled above. */
    if (need_boot())
        return boot_alloc(n, 16);
    if (old && maybe_sampled(old))
        record_free(old);
    p = real_realloc(old, n);
    if (p && n && should_sample(n))
        record_alloc(p, n, FRAME());
    return p;
}

PF_API int posix_memalign(void **out, size_t align, size_t n)
{
    int rc;

    if (need_boot()) {
        *out = boot_alloc(n, align);
        return *out ? 0 : ENOMEM;
    }
    rc = real_posix_memalign(out, align, n);
    if (rc == 0 && should_sample(n))
        record_alloc(*out, n, FRAME());
    return rc;
}

PF_API void *aligned_alloc(size_t align, size_t n)
{
    void *p;

    if (need_boot())
        return boot_alloc(n, align);
    p = real_aligned_alloc(align, n);
    if (p && should_sample(n))
        record_alloc(p, n, FRAME());
    return p;
}

PF_API void *memalign(size_t align, size_t n)
{
    void *p;

    if (need_boot())
        return boot_alloc(n, align);
    p = real_memalign(align, n);
    if (p && should_sample(n))
        record_alloc(p, n, FRAME());
    return p;
}

PF_API void *valloc(size_t n)
{
    void *p;

    if (need_boot())
        return boot_alloc(n, 4096);
    p = real_valloc(n);
    if (p && should_sample(n))
        record_alloc(p, n, FRAME());
    return p;
}

PF_API void *pvalloc(size_t n)
{
    void *p;

    if (need_boot())
        return boot_alloc(n, 4096);
    p = real_pvalloc(n);
    if (p && should_sample(n))
        record_alloc(p, n, FRAME());
    return p;
}

/* ------------------------------------------------------------------ */
/* C++ operator new */

/* operator new reaches malloc through libstdc++, built without frame
 * pointers: a frame walk from malloc skips the function that called new
 * (its return address sits in operator new's frame, off the chain), so
 * a C++ heap profile would charge its allocations to their callers'
 * callers. The operator new family is therefore interposed too, and
 * allocates with the real malloc (posix_memalign for the aligned forms),
 * sampled at its own frame. The definitions are weak: a program's own
 * operator new wins, at static link time and at run time. What the
 * standard asks on failure (the new_handler loop, std::bad_alloc, NULL
 * for nothrow) is left to libstdc++: when the allocation fails, its own
 * operator is called. Under ASan, which checks that operator new memory
 * is freed by operator delete, the real operators allocate and free
 * instead (ASan's do not go through malloc and free, so operator delete
 * is interposed as well, to drop the records of sampled blocks). */
enum {
    NEW, NEW_A, NEW_NT, NEW_A_NT, NEW_AL, NEW_A_AL, NEW_AL_NT, NEW_A_AL_NT,
    NNEW
};
static const char *const g_new_name[NNEW] = {
    "_Znwm", "_Znam", "_ZnwmRKSt9nothrow_t", "_ZnamRKSt9nothrow_t",
    "_ZnwmSt11align_val_t", "_ZnamSt11align_val_t",
    "_ZnwmSt11align_val_tRKSt9nothrow_t",
    "_ZnamSt11align_val_tRKSt9nothrow_t"
};
static void *_Atomic g_new_real[NNEW];

typedef void *(*new_fn)(size_t);
typedef void *(*new_nt_fn)(size_t, const void *);
typedef void *(*new_al_fn)(size_t, size_t);
typedef void *(*new_al_nt_fn)(size_t, size_t, const void *);

/* libstdc++'s operator K (the next definition); abort if there is none
 * (then nothing can have called ours: it is libstdc++'s ABI). */
static void *real_new(int k)
{
    void *f = atomic_load_explicit(&g_new_real[k], memory_order_acquire);

    if (!f) {
        if (!(f = dlsym(RTLD_NEXT, g_new_name[k])))
            abort();
        atomic_store_explicit(&g_new_real[k], f, memory_order_release);
    }
    return f;
}

/* The allocation of operator K, N bytes aligned to AL (0: malloc's),
 * NT the nothrow tag or NULL; NULL when it failed. */
static void *new_raw(int k, size_t n, size_t al, const void *nt)
{
    void *p;

    if (g_new_via_real) {
        switch (k) {
        case NEW: case NEW_A: return ((new_fn)real_new(k))(n);
        case NEW_NT: case NEW_A_NT: return ((new_nt_fn)real_new(k))(n, nt);
        case NEW_AL: case NEW_A_AL: return ((new_al_fn)real_new(k))(n, al);
        default: return ((new_al_nt_fn)real_new(k))(n, al, nt);
        }
    }
    if (n == 0)
        n = 1;
    if (!al)
        return real_malloc(n);
    if (al < sizeof(void *))
        al = sizeof(void *);
    return real_posix_memalign(&p, al, n) == 0 ? p : NULL;
}

__attribute__((noinline))
static void *new_slow(int k, size_t n, size_t al, const void *nt,
                      uintptr_t fp)
{
    void *p;

    if (need_boot())
        return boot_alloc(n, al > 16 ? al : 16);
    p = new_raw(k, n, al, nt);
    if (p && should_sample(n))
        record_alloc(p, n, fp);
    return p;
}

static inline void *new_common(int k, size_t n, size_t al, const void *nt,
                               uintptr_t fp)
{
    if (__builtin_expect(resolved() && skip_fast(n), 1))
        return new_raw(k, n, al, nt);
    return new_slow(k, n, al, nt, fp);
}

#define PF_WEAK __attribute__((weak))

/* operator delete, every form: the record of a sampled block goes, then
 * the memory, by free() or, under ASan, by the real operator K. */
enum {
    DEL, DEL_A, DEL_NT, DEL_A_NT, DEL_SZ, DEL_A_SZ, DEL_AL, DEL_A_AL,
    DEL_SZ_AL, DEL_A_SZ_AL, DEL_AL_NT, DEL_A_AL_NT, NDEL
};
static const char *const g_del_name[NDEL] = {
    "_ZdlPv", "_ZdaPv", "_ZdlPvRKSt9nothrow_t", "_ZdaPvRKSt9nothrow_t",
    "_ZdlPvm", "_ZdaPvm", "_ZdlPvSt11align_val_t", "_ZdaPvSt11align_val_t",
    "_ZdlPvmSt11align_val_t", "_ZdaPvmSt11align_val_t",
    "_ZdlPvSt11align_val_tRKSt9nothrow_t",
    "_ZdaPvSt11align_val_tRKSt9nothrow_t"
};
static void *_Atomic g_del_real[NDEL];

static void *real_delete(int k)
{
    void *f = atomic_load_explicit(&g_del_real[k], memory_order_acquire);

    if (!f) {
        if (!(f = dlsym(RTLD_NEXT, g_del_name[k])))
            abort();
        atomic_store_explicit(&g_del_real[k], f, memory_order_release);
    }
    return f;
}

/* True when the caller must hand P to the real operator delete; false
 * when it is freed already. */
static inline bool delete_common(void *p)
{
    if (!g_new_via_real) {
        free(p);
        return false;
    }
    if (p && resolved() && maybe_sampled(p))
        record_free(p);
    return true;
}

typedef void (*del_fn)(void *);
typedef void (*del_x_fn)(void *, size_t);      /* size, alignment */
typedef void (*del_nt_fn)(void *, const void *);
typedef void (*del_sz_al_fn)(void *, size_t, size_t);
typedef void (*del_al_nt_fn)(void *, size_t, const void *);

#define DEFINE_DELETE(sym, k, type, params, args)                       \
    PF_API PF_WEAK void sym params                                      \
    {                                                                   \
        if (delete_common(p))                                           \
            ((type)real_delete(k))args;                                 \
    }
DEFINE_DELETE(_ZdlPv, DEL, del_fn, (void *p), (p))
DEFINE_DELETE(_ZdaPv, DEL_A, del_fn, (void *p), (p))
DEFINE_DELETE(_ZdlPvRKSt9nothrow_t, DEL_NT, del_nt_fn,
              (void *p, const void *nt), (p, nt))
DEFINE_DELETE(_ZdaPvRKSt9nothrow_t, DEL_A_NT, del_nt_fn,
              (void *p, const void *nt), (p, nt))
DEFINE_DELETE(_ZdlPvm, DEL_SZ, del_x_fn, (void *p, size_t n), (p, n))
DEFINE_DELETE(_ZdaPvm, DEL_A_SZ, del_x_fn, (void *p, size_t n), (p, n))
DEFINE_DELETE(_ZdlPvSt11align_val_t, DEL_AL, del_x_fn, (void *p, size_t al),
              (p, al))
DEFINE_DELETE(_ZdaPvSt11align_val_t, DEL_A_AL, del_x_fn,
              (void *p, size_t al), (p, al))
DEFINE_DELETE(_ZdlPvmSt11align_val_t, DEL_SZ_AL, del_sz_al_fn,
              (void *p, size_t n, size_t al), (p, n, al))
DEFINE_DELETE(_ZdaPvmSt11align_val_t, DEL_A_SZ_AL, del_sz_al_fn,
              (void *p, size_t n, size_t al), (p, n, al))
DEFINE_DELETE(_ZdlPvSt11align_val_tRKSt9nothrow_t, DEL_AL_NT, del_al_nt_fn,
              (void *p, size_t al, const void *nt), (p, al, nt))
DEFINE_DELETE(_ZdaPvSt11align_val_tRKSt9nothrow_t, DEL_A_AL_NT, del_al_nt_fn,
              (void *p, size_t al, const void *nt), (p, al, nt))
#undef DEFINE_DELETE

PF_API PF_WEAK void *_Znwm(size_t n)
{
    void *p = new_common(NEW, n, 0, NULL, FRAME());
    return __builtin_expect(p != NULL, 1) ? p : ((new_fn)real_new(NEW))(n);
}

PF_API PF_WEAK void *_Znam(size_t n)
{
    void *p = new_common(NEW_A, n, 0, NULL, FRAME());
    return __builtin_expect(p != NULL, 1) ? p
                                          : ((new_fn)real_new(NEW_A))(n);
}

PF_API PF_WEAK void *_ZnwmRKSt9nothrow_t(size_t n, const void *nt)
{
    void *p = new_common(NEW_NT, n, 0, nt, FRAME());
    return p ? p : ((new_nt_fn)real_new(NEW_NT))(n, nt);
}

PF_API PF_WEAK void *_ZnamRKSt9nothrow_t(size_t n, const void *nt)
{
    void *p = new_common(NEW_A_NT, n, 0, nt, FRAME());
    return p ? p : ((new_nt_fn)real_new(NEW_A_NT))(n, nt);
}

PF_API PF_WEAK void *_ZnwmSt11align_val_t(size_t n, size_t al)
{
    void *p = new_common(NEW_AL, n, al, NULL, FRAME());
    return p ? p : ((new_al_fn)real_new(NEW_AL))(n, al);
}

PF_API PF_WEAK void *_ZnamSt11align_val_t(size_t n, size_t al)
{
    void *p = new_common(NEW_A_AL, n, al, NULL, FRAME());
    return p ? p : ((new_al_fn)real_new(NEW_A_AL))(n, al);
}

PF_API PF_WEAK void *_ZnwmSt11align_val_tRKSt9nothrow_t(size_t n, size_t al,
                                                        const void *nt)
{
    void *p = new_common(NEW_AL_NT, n, al, nt, FRAME());
    return p ? p : ((new_al_nt_fn)real_new(NEW_AL_NT))(n, al, nt);
}

PF_API PF_WEAK void *_ZnamSt11align_val_tRKSt9nothrow_t(size_t n, size_t al,
                                                        const void *nt)
{
    void *p = new_common(NEW_A_AL_NT, n, al, nt, FRAME());
    return p ? p : ((new_al_nt_fn)real_new(NEW_A_AL_NT))(n, al, nt);
}

/* ------------------------------------------------------------------ */
/* Control */

/* Forked child (capint.h): if a thread was inside the tables at the
 * fork, start them afresh. The old arena pages are left as they are:
 * they may be half written, and the child's heap and allocs profiles
 * then begin at the fork. */
void pf__cap_heap_fork_child(void)
{
    if (!pf__cap_lock_reset(&g_heap_lock))
        return;
    g_arena_cur = g_arena_end = NULL;
    g_buckets = NULL;
    g_live = NULL;
    g_live_free = NULL;
    g_nbuckets = 0;
    filter_clear();
}

long pf_capture_heap_set_rate(long bytes)
{
    long old;

    if (bytes < 0)
        return atomic_load(&g_rate);
    old = atomic_exchange(&g_rate, bytes);
    atomic_fetch_add(&g_gen, 1);
    if (bytes > 0)
        pf__cap_cfi_refresh();      /* unwind tables for the samples */
    return old;
}

long pf_capture_heap_rate(void)
{
    return atomic_load(&g_rate);
}

void pf_capture_heap_reset(void)
{
    pf__cap_tls_sigvar.in_hook++;
    pf__cap_lock(&g_heap_lock);
    if (g_buckets) {
        for (size_t i = 0; i < NBUCKETS; i++)
            for (bucket *b = g_buckets[i]; b; b = b->next)
                b->allocs = b->alloc_bytes = b->frees = b->free_bytes = 0;
        for (size_t i = 0; i < NLIVE; i++) {
            live *l = g_live[i];
            while (l) {
                live *next = l->next;
                l->next = g_live_free;
                g_live_free = l;
                l = next;
            }
            g_live[i] = NULL;
        }
        filter_clear();
    }
    pf__cap_unlock(&g_heap_lock);
    pf__cap_tls_sigvar.in_hook--;
}

size_t pf__cap_heap_count(void)
{
    size_t n = 0;

    pf__cap_lock(&g_heap_lock);
    if (g_buckets)
        for (size_t i = 0; i < NBUCKETS; i++)
            for (bucket *b = g_buckets[i]; b; b = b->next)
                n += b->allocs > 0;
    pf__cap_unlock(&g_heap_lock);
    return n;
}

/* docs/FORMATS.md 4.3 */
static void unsample(int64_t c, int64_t s, long rate, int64_t *oc, int64_t *os)
{
    double avg, scale;

    if (c == 0 || s == 0) {
        *oc = *os = 0;
        return;
    }
    if (rate <= 1) {
        *oc = c;
        *os = s;
        return;
    }
    avg = (double)s / (double)c;
    scale = 1 / (1 - exp(-avg / (double)rate));
    *oc = (int64_t)((double)c * scale);
    *os = (int64_t)((double)s * scale);
}

typedef struct snap {
    const bucket *b;
    int64_t allocs, alloc_bytes, frees, free_bytes;
} snap;

int pf__cap_heap_build(pf_profile **out, bool allocs)
{
    pf_cap_builder bld;
    snap *s = NULL;
    size_t n = 0, cap;
    long rate = atomic_load(&g_rate);
    struct timespec ts;
    int err;

    *out = NULL;
    pf__cap_tls_sigvar.in_hook++;   /* the writer's own allocations */
    cap = pf__cap_heap_count() + 64;
    s = pf__malloc(cap * sizeof(*s));
    if (!s) {
        err = pf__error_oom();
        goto out;
    }
    pf__cap_lock(&g_heap_lock);
    if (g_buckets)
        for (size_t i = 0; i < NBUCKETS; i++)
            for (bucket *b = g_buckets[i]; b && n < cap; b = b->next) {
                if (b->allocs == 0)
                    continue;
                s[n].b = b;
                s[n].allocs = b->allocs;
                s[n].alloc_bytes = b->alloc_bytes;
                s[n].frees = b->frees;
                s[n].free_bytes = b->free_bytes;
                n++;
            }
    pf__cap_unlock(&g_heap_lock);
    if ((err = pf__cap_builder_init(&bld)) < 0)
        goto out;
    if ((err = pf_profile_add_sample_type(bld.p, "alloc_objects", "count")) < 0 ||
        (err = pf_profile_add_sample_type(bld.p, "alloc_space", "bytes")) < 0 ||
        (err = pf_profile_add_sample_type(bld.p, "inuse_objects", "count")) < 0 ||
        (err = pf_profile_add_sample_type(bld.p, "inuse_space", "bytes")) < 0 ||
        (err = pf_profile_set_period_type(bld.p, "space", "bytes")) < 0 ||
        (allocs &&
         (err = pf_profile_set_default_sample_type(bld.p, "alloc_space")) < 0))
        goto done;
    pf_profile_set_period(bld.p, rate > 0 ? rate : 0);
    clock_gettime(CLOCK_REALTIME, &ts);
    pf_profile_set_time(bld.p, (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
    for (size_t i = 0; i < n; i++) {
        int64_t v[4];
        unsample(s[i].allocs, s[i].alloc_bytes, rate, &v[0], &v[1]);
        unsample(s[i].allocs - s[i].frees, s[i].alloc_bytes - s[i].free_bytes,
                 rate, &v[2], &v[3]);
        if ((err = pf__cap_builder_sample_num(
                 &bld, s[i].b->pcs, s[i].b->depth, v, "bytes",
                 (int64_t)s[i].b->size)) < 0)
            goto done;
    }
    err = pf__cap_builder_finish(&bld, out);
done:
    pf__cap_builder_release(&bld);
out:
    pf__free(s);
    pf__cap_tls_sigvar.in_hook--;
    return err;
}
