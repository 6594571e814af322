/*
 * CPU profiling control (normal context only): per-thread CPU-time
 * timers, the SIGPROF handler's installation, start/stop, and the
 * pthread_create interposer that arms timers in new threads, hands
 * labels down and records thread creation.
 *
 * Each thread gets its own POSIX timer on its own CPU-time clock,
 * delivered to that thread (SIGEV_THREAD_ID), so every thread is
 * sampled in proportion to the CPU it uses (a process-wide
 * setitimer(ITIMER_PROF) signal goes to whichever thread the kernel
 * picks). Timers of threads that existed before start are created from
 * the controlling thread with the target's clock id.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "capint.h"

#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif

/* ------------------------------------------------------------------ */
/* Per-thread setup and stacks */

void pf__cap_thread_init_self(void)
{
    pf_cap_tls *t = &pf__cap_tls_sigvar;
    pthread_attr_t at;

    if (t->tid)
        return;
    t->tid = (int)syscall(SYS_gettid);
    pf__cap_mark_claim(t->tid);
    t->in_hook++;           /* pthread_getattr_np may allocate */
    if (pthread_getattr_np(pthread_self(), &at) == 0) {
        void *addr;
        size_t size;
        if (pthread_attr_getstack(&at, &addr, &size) == 0) {
            t->stack_lo = (uintptr_t)addr;
            t->stack_hi = (uintptr_t)addr + size;
        }
        pthread_attr_destroy(&at);
    }
    t->in_hook--;
}

/* Called from the interposers: no pf__cap_thread_init_self here, it
 * calls pthread_getattr_np, which allocates while holding the thread's
 * lock (an allocation inside pthread_getattr_np would deadlock on it).
 * Threads get their bounds in our thread_start, the main thread in the
 * constructor; others fall back to the mapping snapshot. */
PF_CAP_NO_TSAN int pf__cap_stack_from(uintptr_t fp, uintptr_t *pcs, int max)
{
    uintptr_t sp = (uintptr_t)__builtin_frame_address(0);

    return pf__cap_unwind_here_sig(fp, sp, pcs, max, 0);
}

int pf__cap_stack_here(uintptr_t *pcs, int max, int skip)
{
    uintptr_t fp = (uintptr_t)__builtin_frame_address(0);

    pf__cap_thread_init_self();
    return pf__cap_unwind_here_sig(fp, fp, pcs, max, skip);
}

/* Snapshot of the readable mappings: bounds frame walks of threads we
 * know nothing about. The old snapshot is freed once no handler can
 * still be reading it. */

static pf_cap_lock g_ranges_lock = PF_CAP_LOCK_INIT;

int pf__cap_ranges_refresh(void)
{
    pf_cap_ranges *rs = NULL, *old;
    size_t cap = 0, n = 0, len = 0, bufcap = 1 << 16;
    char *buf = NULL, *line, *nl;
    int fd = -1, err = PF_OK;
    ssize_t k;

    pf__cap_tls_sigvar.in_hook++;
    pf__cap_lock(&g_ranges_lock);
    buf = pf__malloc(bufcap);
    if (!buf) {
        err = pf__error_oom();
        goto done;
    }
    fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        err = pf__error_set(PF_EIO, "cannot open '/proc/self/maps': %s",
                            strerror(errno));
        goto done;
    }
    for (;;) {
        if (len + 1 >= bufcap) {
            char *nb = pf__realloc(buf, bufcap * 2);
            if (!nb) {
                err = pf__error_oom();
                goto done;
            }
            buf = nb;
            bufcap *= 2;
        }
        k = read(fd, buf + len, bufcap - 1 - len);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        len += (size_t)k;
    }
    buf[len] = 0;
    for (line = buf; *line; line = nl + 1) {
        unsigned long lo, hi;
        char perms[8];
        nl = strchr(line, '\n');
        if (!nl)
            break;
        if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3 ||
            perms[0] != 'r')
            continue;
        /* data mappings may be unmapped after the snapshot; code only
         * goes away with dlclose */
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 256;
            pf_cap_ranges *nr = pf__realloc(
                rs, sizeof(*rs) + ncap * sizeof(pf_cap_range));
            if (!nr) {
                err = pf__error_oom();
                goto done;
            }
            rs = nr;
            cap = ncap;
        }
        rs->r[n].lo = lo;
        rs->r[n].hi = hi;
        rs->r[n].exec = perms[2] == 'x';
        n++;
    }
    if (!rs)
        goto done;
    rs->n = n;
    old = (pf_cap_ranges *)atomic_exchange(&pf__cap_ranges_sigvar, rs);
    rs = NULL;
    pf__cap_handlers_retire(old);
done:
    if (fd >= 0)
        close(fd);
    pf__free(buf);
    pf__free(rs);
    pf__cap_unlock(&g_ranges_lock);
    pf__cap_tls_sigvar.in_hook--;
    /* tables that cannot be built leave frame pointers: not an error
     * of the profile */
    if (err == PF_OK)
        pf__cap_cfi_refresh();
    return err;
}

/* ------------------------------------------------------------------ */
/* CPU profiling state */

#define STACKTAB_SIZE (1u << 13)

static pf_cap_lock g_ctl = PF_CAP_LOCK_INIT;
static int g_hz = PF_CAPTURE_CPU_RATE_DEFAULT;
static bool g_running;
static pf_writer g_writer;
static int64_t g_start_ns, g_start_mono;
static struct sigaction g_old_action;
static bool g_installed;
static uint32_t g_gen;
static bool g_traced;           /* the running profile records a timeline */

static int64_t now_ns(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static clockid_t thread_cpu_clock(int tid)
{
    /* The kernel's MAKE_THREAD_CPUCLOCK(tid, CPUCLOCK_SCHED), as glibc's
     * pthread_getcpuclockid builds it. */
    return (clockid_t)(((unsigned)~tid << 3) | 4 | 2);
}

static pf_cap_tslot *slot_find(int tid)
{
    for (size_t i = 0; i < PF_CAP_MAX_TSLOTS; i++)
        if (atomic_load(&pf__cap_tslots_sigvar[i].tid) == tid)
            return &pf__cap_tslots_sigvar[i];
    return NULL;
}

static void slot_release(pf_cap_tslot *s)
{
    if (s->armed)
        timer_delete(s->timer);
    s->armed = 0;
    atomic_store(&s->tid, 0);
}

/* Arm a CPU timer for thread TID (g_ctl held). Failure for one thread
 * (it exited meanwhile, or timers ran out) is not fatal. */
static int arm_thread(int tid)
{
    pf_cap_tslot *s = slot_find(0);
    struct sigevent sev;
    struct itimerspec its;
    struct timespec ts;
    clockid_t clk = thread_cpu_clock(tid);
    int64_t period = 1000000000 / g_hz;

    if (!s)
        return pf__error_set(PF_ENOMEM, "more than %d threads",
                             PF_CAP_MAX_TSLOTS);
    atomic_store(&s->tid, tid);
    memset(&sev, 0, sizeof(sev));
    sev.sigev_notify = SIGEV_THREAD_ID;
    sev.sigev_signo = SIGPROF;
    sev.sigev_notify_thread_id = tid;
    sev.sigev_value.sival_ptr = s;
    if (clock_gettime(clk, &ts) != 0 ||
        timer_create(clk, &sev, &s->timer) != 0) {
        int e = errno;
        atomic_store(&s->tid, 0);
        return pf__error_set(PF_EIO, "cannot create a CPU timer for "
                             "thread %d: %s", tid, strerror(e));
    }
    s->armed = 1;
    s->gen = g_gen;
    atomic_store(&s->last_ns, (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
    its.it_interval.tv_sec = period / 1000000000;
    its.it_interval.tv_nsec = period % 1000000000;
    its.it_value = its.it_interval;
    if (timer_settime(s->timer, 0, &its, NULL) != 0) {
        int e = errno;
        slot_release(s);
        return pf__error_set(PF_EIO, "cannot arm the CPU timer of thread "
                             "%d: %s", tid, strerror(e));
    }
    return PF_OK;
}

/* Arm every thread listed in /proc/self/task that has no timer. */
static int arm_all_threads(void)
{
    DIR *d = opendir("/proc/self/task");
    struct dirent *de;
    int armed = 0;

    if (!d)
        return pf__error_set(PF_EIO, "cannot list '/proc/self/task': %s",
                             strerror(errno));
    while ((de = readdir(d)) != NULL) {
        int tid = atoi(de->d_name);
        if (tid <= 0 || slot_find(tid))
            continue;
        if (arm_thread(tid) == PF_OK)
            armed++;
    }
    closedir(d);
    return armed > 0 ? PF_OK
                     : pf__error_set(PF_EIO, "no thread could be armed");
}

/* Called by new threads (interposed pthread_create). */
static void cpu_thread_attach(void)
{
    int tid = pf__cap_tls_sigvar.tid;

    if (!atomic_load_explicit(&pf__cap_enabled_sigvar, memory_order_relaxed))
        return;
    pf__cap_lock(&g_ctl);
    if (g_running && !slot_find(tid))
        arm_thread(tid);
    pf__cap_unlock(&g_ctl);
}

static void cpu_thread_detach(void)
{
    int tid = pf__cap_tls_sigvar.tid;
    pf_cap_tslot *s;

    pf__cap_lock(&g_ctl);
    if (g_running && tid && (s = slot_find(tid)) != NULL)
        slot_release(s);
    if (g_running && g_traced)
        pf__cap_trace_thread_exit(tid);
    pf__cap_unlock(&g_ctl);
}

int pf_capture_cpu_set_rate(int hz)
{
    int err = PF_OK;

    pf__cap_lock(&g_ctl);
    if (hz < 1 || hz > 10000)
        err = pf__error_set(PF_EINVAL, "cpu rate %d out of range 1..10000",
                            hz);
    else if (g_running)
        err = pf__error_set(PF_EINVAL, "cannot change the cpu rate while "
                            "profiling");
    else
        g_hz = hz;
    pf__cap_unlock(&g_ctl);
    return err;
}

bool pf_capture_cpu_running(void)
{
    bool r;

    pf__cap_lock(&g_ctl);
    r = g_running;
    pf__cap_unlock(&g_ctl);
    return r;
}

static void quiesce_and_disarm(void)
{
    atomic_store(&pf__cap_enabled_sigvar, 0);
    for (size_t i = 0; i < PF_CAP_MAX_TSLOTS; i++)
        if (atomic_load(&pf__cap_tslots_sigvar[i].tid))
            slot_release(&pf__cap_tslots_sigvar[i]);
    /* bounded: the table is then retired, not freed (cpu_stop) */
    pf__cap_handlers_wait();
}

static int cpu_start_locked(pf_writer w, bool traced);

/* The profiler's own allocations and locks stay out of the heap and
 * contention profiles (in_hook). */
static int cpu_start(pf_writer w, bool traced)
{
    int err;

    pf__cap_tls_sigvar.in_hook++;
    err = cpu_start_locked(w, traced);
    if (err == PF_OK)
        pf__cap_cfi_poll_start();
    pf__cap_tls_sigvar.in_hook--;
    return err;
}

int pf_capture_cpu_start(pf_writer w)
{
    return cpu_start(w, false);
}

int pf_capture_cpu_start_trace(pf_writer w)
{
    return cpu_start(w, true);
}

static int cpu_start_locked(pf_writer w, bool traced)
{
    pf_cap_stacktab *t = &pf__cap_cpu_tab_sigvar;
    struct sigaction sa;
    int err;

    if (!w.write)
        return pf__error_set(PF_EINVAL, "cpu profile: no writer");
    pf__cap_thread_init_self();
    pf__cap_lock(&g_ctl);
    if (g_running) {
        err = pf__error_set(PF_EINVAL, "cpu profiling already in use");
        goto done;
    }
    if ((err = pf__cap_ranges_refresh()) < 0)
        goto done;
    /* Pre-allocate everything the handler touches before installing it. */
    t->e = pf__calloc(STACKTAB_SIZE, sizeof(*t->e));
    if (!t->e) {
        err = pf__error_oom();
        goto done;
    }
    t->mask = STACKTAB_SIZE - 1;
    atomic_store(&t->drop_busy, 0);
    atomic_store(&t->drop_full, 0);
    atomic_store(&t->drop_value, 0);
    if (traced && (err = pf__cap_trace_begin()) < 0)
        goto done;
    g_traced = traced;
    if (!g_installed) {
        memset(&sa, 0, sizeof(sa));
        sa.sa_sigaction = pf__cap_prof_handler_sig;
        sa.sa_flags = SA_SIGINFO | SA_RESTART;
        pf__cap_handler_mask(&sa.sa_mask);
        if (sigaction(SIGPROF, &sa, &g_old_action) != 0) {
            err = pf__error_set(PF_EIO, "cannot install the SIGPROF "
                                "handler: %s", strerror(errno));
            goto done;
        }
        g_installed = true;
    }
    g_gen++;
    g_writer = w;
    g_start_ns = now_ns(CLOCK_REALTIME);
    g_start_mono = now_ns(CLOCK_MONOTONIC);
    g_running = true;
    atomic_store(&pf__cap_enabled_sigvar, 1);
    if ((err = arm_all_threads()) < 0) {
        quiesce_and_disarm();
        g_running = false;
        goto done;
    }
done:
    if (err < 0 && t->e && !g_running) {
        pf__cap_trace_end();
        pf__cap_handlers_retire(t->e);
        t->e = NULL;
    }
    pf__cap_unlock(&g_ctl);
    return err;
}

/* After quiescing: turn the table into a profile. ENTRY_SAMPLE, if
 * not NULL, gets the sample index of each table entry (PF_NONE for
 * empty entries), for the timeline. */
static int cpu_build(pf_profile **out, int64_t duration,
                     uint32_t *entry_sample)
{
    pf_cap_stacktab *t = &pf__cap_cpu_tab_sigvar;
    pf_cap_builder b;
    int64_t period = 1000000000 / g_hz, lost;
    int err;

    *out = NULL;
    if ((err = pf__cap_builder_init(&b)) < 0)
        return err;
    if ((err = pf_profile_add_sample_type(b.p, "samples", "count")) < 0 ||
        (err = pf_profile_add_sample_type(b.p, "cpu", "nanoseconds")) < 0 ||
        (err = pf_profile_set_period_type(b.p, "cpu", "nanoseconds")) < 0)
        goto done;
    pf_profile_set_period(b.p, period);
    pf_profile_set_time(b.p, g_start_ns);
    pf_profile_set_duration(b.p, duration);
    for (size_t i = 0, ns = 0; i <= t->mask; i++) {
        pf_cap_entry *e = &t->e[i];
        int64_t v[2];
        if (entry_sample)
            entry_sample[i] = PF_NONE;
        if (atomic_load(&e->state) != PF_CAP_SLOT_FULL)
            continue;
        if (entry_sample)
            entry_sample[i] = (uint32_t)ns;
        ns++;
        v[0] = atomic_load(&e->count);
        v[1] = atomic_load(&e->value);
        if ((err = pf__cap_builder_sample(&b, e->pcs, (int)e->depth, true, v,
                                          e->labels)) < 0)
            goto done;
    }
    lost = atomic_load(&t->drop_busy) + atomic_load(&t->drop_full);
    if (lost > 0) {
        int64_t v[2] = { lost, atomic_load(&t->drop_value) };
        if ((err = pf__cap_builder_synthetic(&b, "lostProfileEvent", v)) < 0)
            goto done;
    }
    err = pf__cap_builder_finish(&b, out);
done:
    pf__cap_builder_release(&b);
    return err;
}

/* Stop; with TRACE, the timeline goes to *TRACE (a traced profile
 * only). */
static int cpu_stop(pf_profile **out, pf_writer *w, const pf_writer *trace)
{
    pf_cap_stacktab *t = &pf__cap_cpu_tab_sigvar;
    uint32_t *entry_sample = NULL;
    int64_t duration;
    int err;

    *out = NULL;
    pf__cap_tls_sigvar.in_hook++;
    /* before g_ctl: the poll thread's exit takes it (cpu_thread_detach) */
    pf__cap_cfi_poll_stop();
    pf__cap_lock(&g_ctl);
    if (!g_running) {
        err = pf__error_set(PF_EINVAL, "cpu profiling is not running");
        goto done;
    }
    if (trace && !g_traced) {
        err = pf__error_set(PF_EINVAL, "cpu profile has no timeline (not "
                            "started with pf_capture_cpu_start_trace)");
        goto done;
    }
    if (trace && !(entry_sample = pf__malloc((t->mask + 1) *
                                             sizeof(*entry_sample)))) {
        err = pf__error_oom();
        goto done;
    }
    quiesce_and_disarm();
    g_running = false;
    /* Give the previous disposition back only if it was a handler: a
     * SIGPROF still queued after the timers are gone must not kill the
     * process (SIG_DFL), so otherwise ours stays, idle. */
    if (g_installed && (g_old_action.sa_flags & SA_SIGINFO
                            ? g_old_action.sa_sigaction != NULL
                            : (g_old_action.sa_handler != SIG_DFL &&
                               g_old_action.sa_handler != SIG_IGN))) {
        sigaction(SIGPROF, &g_old_action, NULL);
        g_installed = false;
    }
    duration = now_ns(CLOCK_MONOTONIC) - g_start_mono;
    *w = g_writer;
    err = cpu_build(out, duration, entry_sample);
    if (err == PF_OK && trace) {
        err = pf__cap_trace_write(*trace, *out, entry_sample, t->mask + 1,
                                  g_start_mono, 1000000000 / g_hz);
        if (err < 0) {
            pf_profile_free(*out);
            *out = NULL;
        }
    }
    pf__cap_trace_end();
    g_traced = false;
    pf__cap_handlers_retire(t->e);
    t->e = NULL;
done:
    pf__free(entry_sample);
    pf__cap_unlock(&g_ctl);
    pf__cap_tls_sigvar.in_hook--;
    return err;
}

int pf_capture_cpu_stop_profile(pf_profile **out)
{
    pf_writer w;

    return cpu_stop(out, &w, NULL);
}

int pf_capture_cpu_stop_trace(pf_profile **out, pf_writer trace)
{
    pf_profile *p = NULL;
    pf_writer w;
    int err;

    if (out)
        *out = NULL;
    if (!trace.write)
        return pf__error_set(PF_EINVAL, "cpu timeline: no writer");
    err = cpu_stop(&p, &w, &trace);
    if (out)
        *out = p;
    else
        pf_profile_free(p);
    return err;
}

int pf_capture_cpu_stop(void)
{
    pf_profile *p = NULL;
    pf_writer w;
    int err;

    if ((err = cpu_stop(&p, &w, NULL)) < 0)
        return err;
    pf__cap_tls_sigvar.in_hook++;
    err = pf_profile_encode(p, w, NULL);
    pf_profile_free(p);
    pf__cap_tls_sigvar.in_hook--;
    return err;
}

/* Forked child (capint.h): the snapshot is swapped in by one store, so
 * it is whole whatever the lock says. */
void pf__cap_ranges_fork_child(void)
{
    pf__cap_lock_reset(&g_ranges_lock);
    pf__cap_cfi_fork_child();
}

/* Process forked: the child has no timers (POSIX timers are not
 * inherited) and must not write the parent's profile. */
void pf__cap_cpu_atfork_child(void);
void pf__cap_cpu_atfork_child(void)
{
    pf_cap_stacktab *t = &pf__cap_cpu_tab_sigvar;
    bool torn = pf__cap_lock_reset(&g_ctl);

    atomic_store(&pf__cap_enabled_sigvar, 0);
    for (size_t i = 0; i < PF_CAP_MAX_TSLOTS; i++) {
        pf__cap_tslots_sigvar[i].armed = 0;
        atomic_store(&pf__cap_tslots_sigvar[i].tid, 0);
    }
    g_running = false;
    g_traced = false;
    /* the ring is the parent's business (left to it, as the table) */
    atomic_store(&pf__cap_trace_sigvar, NULL);
    /* A start or stop was under way (g_ctl held): t->e may be freed
     * already or about to be; leave it to the parent. */
    if (!torn)
        pf__free(t->e);
    t->e = NULL;
    pf__cap_tls_sigvar.tid = (int)syscall(SYS_gettid);
    pf__cap_marks_fork_child(pf__cap_tls_sigvar.tid);
}

/* ------------------------------------------------------------------ */
/* pthread_create interposer */

void pf__cap_block_async_signals(sigset_t *old)
{
    static const int keep[] = { SIGPROF, SIGSEGV, SIGBUS, SIGFPE, SIGILL,
                                SIGTRAP, SIGSYS, SIGABRT };
    sigset_t mask;

    sigfillset(&mask);
    for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
        sigdelset(&mask, keep[i]);
    for (int s = SIGRTMIN; s <= SIGRTMAX; s++)
        sigdelset(&mask, s);
    pthread_sigmask(SIG_BLOCK, &mask, old);
}

void pf__cap_threadcreate_record(const uintptr_t *pcs, int n);

struct start_arg {
    void *(*fn)(void *);
    void *arg;
    const pf_labelset *labels;
    bool quiet;
};

static pthread_key_t g_exit_key;
static pthread_once_t g_key_once = PTHREAD_ONCE_INIT;

/* The thread's last normal-context code, after any cancellation
 * unwinding: its marker first, so that a stop waiting for handlers
 * (holding g_ctl) is not kept waiting by a count this thread left in a
 * handler it never returned from. */
static void on_thread_exit(void *v)
{
    (void)v;
    pf__cap_mark_release();
    cpu_thread_detach();
}

static void make_key(void)
{
    pthread_key_create(&g_exit_key, on_thread_exit);
}

static void *thread_start(void *p)
{
    struct start_arg a = *(struct start_arg *)p;

    free(p);
    pf__cap_tls_sigvar.labels = a.labels;
    pf__cap_tls_sigvar.quiet = a.quiet;
    pf__cap_thread_init_self();
    pthread_setspecific(g_exit_key, (void *)1);
    cpu_thread_attach();
    return a.fn(a.arg);
}

typedef int (*create_fn)(pthread_t *, const pthread_attr_t *,
                         void *(*)(void *), void *);

PF_API int pthread_create(pthread_t *th, const pthread_attr_t *attr,
                          void *(*fn)(void *), void *arg)
{
    static create_fn real;
    uintptr_t pcs[PF_CAP_MAX_DEPTH];
    struct start_arg *a;
    bool quiet;
    int n, rc;

    if (!real) {
        real = (create_fn)dlsym(RTLD_NEXT, "pthread_create");
        if (!real)
            return EAGAIN;
    }
    pthread_once(&g_key_once, make_key);
    pf__cap_thread_init_self();
    n = pf__cap_stack_from((uintptr_t)__builtin_frame_address(0), pcs,
                           PF_CAP_MAX_DEPTH);
    a = malloc(sizeof(*a));
    if (!a)
        return EAGAIN;
    a->fn = fn;
    a->arg = arg;
    a->labels = pf__cap_tls_sigvar.labels;
    /* A thread made by the library itself (the parallel gzip writer's
     * workers, the HTTP server's) is quiet: its allocations and locks
     * stay out of the heap and contention profiles, as the rest of the
     * library's do (in_hook), and it is not counted in threadcreate. */
    quiet = pf__cap_tls_sigvar.in_hook > 0 || pf__cap_tls_sigvar.quiet;
    a->quiet = quiet;
    rc = real(th, attr, thread_start, a);   /* A is the thread's now */
    if (rc != 0) {
        free(a);
        return rc;
    }
    if (!quiet)
        pf__cap_threadcreate_record(pcs, n);
    return 0;
}
