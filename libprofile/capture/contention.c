/*
 * Contention profiles: pthread_mutex_lock/unlock, pthread_cond_wait,
 * pthread_cond_timedwait and pthread_rwlock_rdlock/wrlock are
 * interposed. With both profiles off they forward at the cost of one
 * load and branch.
 *
 *  - block (pf_capture_set_block_rate): the waiter's stack and the time
 *    it spent blocked, for contended mutex locks (a trylock fails
 *    first), condition waits and contended rwlocks. Events of at least
 *    RATE ns are kept, shorter ones with probability duration/RATE.
 *  - mutex (pf_capture_set_mutex_fraction): as in Go, the delay is
 *    charged to the *holder* that made others wait: at unlock, the time
 *    the current waiters of that mutex have waited since their arrival
 *    (or since the previous unlock) goes to the unlocker's stack. One
 *    event in RATE is kept, and values are scaled by RATE.
 *
 * Waiters register in a small table keyed by mutex address; unlock
 * consults it only when a counting filter says the address may have
 * waiters, so uncontended unlocks stay cheap.
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#include "capint.h"

typedef int (*mutex_fn)(pthread_mutex_t *);
typedef int (*cond_wait_fn)(pthread_cond_t *, pthread_mutex_t *);
typedef int (*cond_timedwait_fn)(pthread_cond_t *, pthread_mutex_t *,
                                 const struct timespec *);
typedef int (*rwlock_fn)(pthread_rwlock_t *);

static mutex_fn real_lock, real_trylock, real_unlock;
static cond_wait_fn real_cond_wait;
static cond_timedwait_fn real_cond_timedwait;
static rwlock_fn real_rdlock, real_tryrdlock, real_wrlock, real_trywrlock;
static _Atomic int g_resolved;

/* The next definition of condvar function NAME. Not simply
 * dlvsym(NAME, "GLIBC_2.3.2"): a sanitizer runtime between us and libc
 * (TSan's interceptors, LD_PRELOAD mode) defines NAME without a
 * version, and dlvsym skips unversioned definitions, so the waits
 * would bypass TSan, which then saw the waiter hold the mutex all
 * along ("double lock" when another thread took it). dlsym takes the
 * first definition; the versioned lookup is kept for a libc whose
 * dlsym would return its pre-2.3.2 condvar ABI. */
static void *next_cond_fn(const char *name)
{
    void *v = dlsym(RTLD_NEXT, name);
    void *old = dlvsym(RTLD_NEXT, name, "GLIBC_2.2.5");
    void *cur;

    if (v && v != old)
        return v;
    cur = dlvsym(RTLD_NEXT, name, "GLIBC_2.3.2");
    return cur ? cur : v;
}

static void resolve(void)
{
    void *v;

    if (atomic_load_explicit(&g_resolved, memory_order_acquire))
        return;
    real_lock = (mutex_fn)dlsym(RTLD_NEXT, "pthread_mutex_lock");
    real_trylock = (mutex_fn)dlsym(RTLD_NEXT, "pthread_mutex_trylock");
    real_unlock = (mutex_fn)dlsym(RTLD_NEXT, "pthread_mutex_unlock");
    v = next_cond_fn("pthread_cond_wait");
    real_cond_wait = (cond_wait_fn)v;
    v = next_cond_fn("pthread_cond_timedwait");
    real_cond_timedwait = (cond_timedwait_fn)v;
    real_rdlock = (rwlock_fn)dlsym(RTLD_NEXT, "pthread_rwlock_rdlock");
    real_tryrdlock = (rwlock_fn)dlsym(RTLD_NEXT, "pthread_rwlock_tryrdlock");
    real_wrlock = (rwlock_fn)dlsym(RTLD_NEXT, "pthread_rwlock_wrlock");
    real_trywrlock = (rwlock_fn)dlsym(RTLD_NEXT, "pthread_rwlock_trywrlock");
    atomic_store_explicit(&g_resolved, 1, memory_order_release);
}

static _Atomic int g_mutex_rate;
static _Atomic int64_t g_block_rate;

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static __thread uint64_t t_rng PF_CAP_TLS;

static uint64_t rnd(void)
{
    uint64_t x = t_rng;

    if (!x)
        x = (uint64_t)(uintptr_t)&t_rng ^ (uint64_t)mono_ns() ^
            0x9e3779b97f4a7c15ull;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    t_rng = x;
    return x * 0x2545f4914f6cdd1dull;
}

/* ------------------------------------------------------------------ */
/* Records: stack -> (count, delay), in a private mmap arena */

typedef struct rec {
    struct rec *next;
    uint64_t hash;
    int64_t count, delay;
    int depth;
    uintptr_t pcs[];
} rec;

#define NREC (1u << 12)

typedef struct table {
    rec *head[NREC];
    size_t n;
} table;

static pf_cap_lock g_lock = PF_CAP_LOCK_INIT;
static table *g_tab[2];                 /* 0 block, 1 mutex */
static unsigned char *g_cur, *g_end;

static void *arena_alloc(size_t n)
{
    void *p;

    n = (n + 15) & ~(size_t)15;
    if (!g_cur || (size_t)(g_end - g_cur) < n) {
        size_t sz = n > (1u << 20) ? n : (1u << 20);
        void *m = mmap(NULL, sz, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED)
            return NULL;
        g_cur = m;
        g_end = g_cur + sz;
    }
    p = g_cur;
    g_cur += n;
    return p;
}

static void add_event(int which, uintptr_t fp, int64_t count, int64_t delay)
{
    uintptr_t pcs[PF_CAP_MAX_DEPTH];
    uint64_t h = 0xcbf29ce484222325ull;
    rec **slot, *r;
    int n;

    pf__cap_tls_sigvar.in_hook++;
    n = pf__cap_stack_from(fp, pcs, PF_CAP_MAX_DEPTH);
    for (int i = 0; i < n; i++) {
        h ^= pcs[i];
        h *= 0x100000001b3ull;
        h ^= h >> 31;
    }
    pf__cap_lock(&g_lock);
    if (!g_tab[which] && !(g_tab[which] = arena_alloc(sizeof(table))))
        goto done;
    slot = &g_tab[which]->head[h & (NREC - 1)];
    for (r = *slot; r; r = r->next)
        if (r->hash == h && r->depth == n &&
            memcmp(r->pcs, pcs, (size_t)n * sizeof(*pcs)) == 0)
            break;
    if (!r) {
        if (!(r = arena_alloc(sizeof(*r) + (size_t)n * sizeof(*pcs))))
            goto done;
        memset(r, 0, sizeof(*r));
        r->hash = h;
        r->depth = n;
        memcpy(r->pcs, pcs, (size_t)n * sizeof(*pcs));
        r->next = *slot;
        *slot = r;
        g_tab[which]->n++;
    }
    r->count += count;
    r->delay += delay;
done:
    pf__cap_unlock(&g_lock);
    pf__cap_tls_sigvar.in_hook--;
}

static void block_event(uintptr_t fp, int64_t d)
{
    int64_t rate = atomic_load_explicit(&g_block_rate, memory_order_relaxed);

    if (rate <= 0 || d < 0)
        return;
    if (rate > d && (int64_t)(rnd() % (uint64_t)rate) > d)
        return;
    add_event(0, fp, 1, d);
}

/* ------------------------------------------------------------------ */
/* Waiters of contended mutexes (for the mutex profile) */

#define NWAIT 1024
#define WFILTER 4096

typedef struct waitent {
    const void *m;
    int64_t nwait;
    int64_t sum;            /* sum of the waiters' charged-from times */
    int64_t rebase;         /* last unlock that charged them */
} waitent;

static pf_cap_lock g_wlock = PF_CAP_LOCK_INIT;
static waitent g_wait[NWAIT];
static _Atomic uint32_t g_wfilter[WFILTER];

static size_t mhash(const void *m)
{
    return (size_t)(((uint64_t)(uintptr_t)m >> 3) * 0x9e3779b97f4a7c15ull >>
                    40);
}

static waitent *wait_find(const void *m, bool create)
{
    size_t h = mhash(m);

    for (size_t i = 0; i < NWAIT; i++) {
        waitent *e = &g_wait[(h + i) & (NWAIT - 1)];
        if (e->m == m)
            return e;
        if (!e->m && create) {
            e->m = m;
            e->nwait = e->sum = e->rebase = 0;
            return e;
        }
    }
    return NULL;
}

static bool waiter_enter(const void *m, int64_t t0)
{
    waitent *e;

    pf__cap_lock(&g_wlock);
    e = wait_find(m, true);
    if (e) {
        e->nwait++;
        e->sum += t0;
        atomic_fetch_add(&g_wfilter[mhash(m) & (WFILTER - 1)], 1);
    }
    pf__cap_unlock(&g_wlock);
    return e != NULL;
}

static void waiter_leave(const void *m, int64_t t0)
{
    waitent *e;

    pf__cap_lock(&g_wlock);
    e = wait_find(m, false);
    if (e) {
        e->sum -= t0 > e->rebase ? t0 : e->rebase;
        if (--e->nwait == 0) {
            /* Deleting from linear probing: reinsert the followers. */
            size_t i = (size_t)(e - g_wait);
            e->m = NULL;
            for (size_t k = 1; k < NWAIT; k++) {
                waitent *f = &g_wait[(i + k) & (NWAIT - 1)], tmp;
                if (!f->m)
                    break;
                tmp = *f;
                f->m = NULL;
                *wait_find(tmp.m, true) = tmp;
            }
        }
        atomic_fetch_sub(&g_wfilter[mhash(m) & (WFILTER - 1)], 1);
    }
    pf__cap_unlock(&g_wlock);
}

/* At unlock: the waiting time to charge to the unlocker, 0 if none. */
static int64_t charge_waiters(const void *m)
{
    int64_t d = 0, now;
    waitent *e;

    if (atomic_load_explicit(&g_wfilter[mhash(m) & (WFILTER - 1)],
                             memory_order_relaxed) == 0)
        return 0;
    now = mono_ns();
    pf__cap_lock(&g_wlock);
    e = wait_find(m, false);
    if (e && e->nwait > 0) {
        d = e->nwait * now - e->sum;
        e->sum = e->nwait * now;
        e->rebase = now;
    }
    pf__cap_unlock(&g_wlock);
    return d;
}

/* ------------------------------------------------------------------ */
/* Interposers */

#define FRAME() ((uintptr_t)__builtin_frame_address(0))

extern _Atomic int pf__cap_ready;

static inline bool active(void)
{
    return atomic_load_explicit(&pf__cap_ready, memory_order_relaxed) && (atomic_load_explicit(&g_mutex_rate, memory_order_relaxed) > 0 ||
            atomic_load_explicit(&g_block_rate, memory_order_relaxed) > 0) &&
           !pf__cap_tls_sigvar.in_hook && !pf__cap_tls_sigvar.quiet;
}

PF_API int pthread_mutex_lock(pthread_mutex_t *m)
{
    int64_t t0, t1;
    bool waited;
    int rc;

    resolve();
    if (!active())
        return real_lock(m);
    rc = real_trylock(m);
    if (rc != EBUSY)
        return rc;
    t0 = mono_ns();
    waited = atomic_load_explicit(&g_mutex_rate, memory_order_relaxed) > 0 &&
             waiter_enter(m, t0);
    rc = real_lock(m);
    t1 = mono_ns();
    if (waited)
        waiter_leave(m, t0);
    if (rc == 0)
        block_event(FRAME(), t1 - t0);
    return rc;
}

PF_API int pthread_mutex_unlock(pthread_mutex_t *m)
{
    int rate;

    resolve();
    rate = atomic_load_explicit(&g_mutex_rate, memory_order_relaxed);
    if (rate > 0 && !pf__cap_tls_sigvar.in_hook &&
        !pf__cap_tls_sigvar.quiet &&
        atomic_load_explicit(&pf__cap_ready, memory_order_relaxed)) {
        int64_t d = charge_waiters(m);
        if (d > 0 && (rate == 1 || rnd() % (uint64_t)rate == 0))
            add_event(1, FRAME(), rate, d * rate);
    }
    return real_unlock(m);
}

PF_API int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
    int64_t t0;
    int rc;

    resolve();
    if (!active())
        return real_cond_wait(c, m);
    t0 = mono_ns();
    rc = real_cond_wait(c, m);
    block_event(FRAME(), mono_ns() - t0);
    return rc;
}

PF_API int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m,
                                  const struct timespec *abstime)
{
    int64_t t0;
    int rc;

    resolve();
    if (!active())
        return real_cond_timedwait(c, m, abstime);
    t0 = mono_ns();
    rc = real_cond_timedwait(c, m, abstime);
    block_event(FRAME(), mono_ns() - t0);
    return rc;
}

static int rw(rwlock_fn lock, rwlock_fn trylock, pthread_rwlock_t *l,
              uintptr_t fp)
{
    int64_t t0;
    int rc;

    if (!active())
        return lock(l);
    rc = trylock(l);
    if (rc != EBUSY)
        return rc;
    t0 = mono_ns();
    rc = lock(l);
    if (rc == 0)
        block_event(fp, mono_ns() - t0);
    return rc;
}

PF_API int pthread_rwlock_rdlock(pthread_rwlock_t *l)
{
    resolve();
    return rw(real_rdlock, real_tryrdlock, l, FRAME());
}

PF_API int pthread_rwlock_wrlock(pthread_rwlock_t *l)
{
    resolve();
    return rw(real_wrlock, real_trywrlock, l, FRAME());
}

/* ------------------------------------------------------------------ */
/* Control and profiles */

/* Forked child (capint.h). The waiters of the parent are threads the
 * child does not have: their entries always go. The records go only if
 * a thread was updating them at the fork. */
void pf__cap_contention_fork_child(void)
{
    pf__cap_lock_reset(&g_wlock);
    memset(g_wait, 0, sizeof(g_wait));
    for (size_t i = 0; i < WFILTER; i++)
        atomic_store_explicit(&g_wfilter[i], 0, memory_order_relaxed);
    if (pf__cap_lock_reset(&g_lock)) {
        g_tab[0] = g_tab[1] = NULL;
        g_cur = g_end = NULL;
    }
}

int pf_capture_set_mutex_fraction(int rate)
{
    if (rate < 0)
        return atomic_load(&g_mutex_rate);
    if (rate > 0)
        pf__cap_cfi_refresh();      /* unwind tables for the events */
    return atomic_exchange(&g_mutex_rate, rate);
}

void pf_capture_set_block_rate(int64_t rate_ns)
{
    if (rate_ns > 0)
        pf__cap_cfi_refresh();      /* unwind tables for the events */
    atomic_store(&g_block_rate, rate_ns > 0 ? rate_ns : 0);
}

void pf_capture_contention_reset(void)
{
    pf__cap_lock(&g_lock);
    for (int w = 0; w < 2; w++)
        if (g_tab[w])
            for (size_t i = 0; i < NREC; i++)
                for (rec *r = g_tab[w]->head[i]; r; r = r->next)
                    r->count = r->delay = 0;
    pf__cap_unlock(&g_lock);
}

size_t pf__cap_contention_count(bool mutex)
{
    size_t n = 0;

    pf__cap_lock(&g_lock);
    if (g_tab[mutex])
        for (size_t i = 0; i < NREC; i++)
            for (rec *r = g_tab[mutex]->head[i]; r; r = r->next)
                n += r->count > 0;
    pf__cap_unlock(&g_lock);
    return n;
}

typedef struct csnap {
    const rec *r;
    int64_t count, delay;
} csnap;

static int cmp_delay(const void *a, const void *b)
{
    const csnap *x = a, *y = b;
    return x->delay != y->delay ? (x->delay > y->delay ? -1 : 1) : 0;
}

int pf__cap_contention_build(pf_profile **out, bool mutex)
{
    pf_cap_builder bld;
    csnap *s = NULL;
    size_t n = 0, cap;
    struct timespec ts;
    int err;

    *out = NULL;
    cap = pf__cap_contention_count(mutex) + 64;
    if (!(s = pf__malloc(cap * sizeof(*s))))
        return pf__error_oom();
    pf__cap_lock(&g_lock);
    if (g_tab[mutex])
        for (size_t i = 0; i < NREC; i++)
            for (rec *r = g_tab[mutex]->head[i]; r && n < cap; r = r->next)
                if (r->count > 0) {
                    s[n].r = r;
                    s[n].count = r->count;
                    s[n].delay = r->delay;
                    n++;
                }
    pf__cap_unlock(&g_lock);
    qsort(s, n, sizeof(*s), cmp_delay);
    if ((err = pf__cap_builder_init(&bld)) < 0)
        goto out;
    if ((err = pf_profile_add_sample_type(bld.p, "contentions", "count")) < 0 ||
        (err = pf_profile_add_sample_type(bld.p, "delay", "nanoseconds")) < 0 ||
        (err = pf_profile_set_period_type(bld.p, "contentions", "count")) < 0)
        goto done;
    pf_profile_set_period(bld.p, 1);
    clock_gettime(CLOCK_REALTIME, &ts);
    pf_profile_set_time(bld.p, (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
    for (size_t i = 0; i < n; i++) {
        int64_t v[2] = { s[i].count, s[i].delay };
        if ((err = pf__cap_builder_sample_num(&bld, s[i].r->pcs,
                                              s[i].r->depth, v, "", 0)) < 0)
            goto done;
    }
    err = pf__cap_builder_finish(&bld, out);
done:
    pf__cap_builder_release(&bld);
out:
    pf__free(s);
    return err;
}
