/*
 * The "threadcreate" profile (stacks that called pthread_create) and
 * the "threads" profile (stacks of all live threads, taken by sending
 * each thread a signal whose handler unwinds its own stack).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "capint.h"

/* ------------------------------------------------------------------ */
/* threadcreate */

typedef struct tc_rec {
    int depth;
    uintptr_t pcs[PF_CAP_MAX_DEPTH];
} tc_rec;

static pf_cap_lock g_tc_lock = PF_CAP_LOCK_INIT;
static tc_rec *g_tc;
static size_t g_ntc, g_tc_cap;

void pf__cap_threadcreate_record(const uintptr_t *pcs, int n);
void pf__cap_threadcreate_record(const uintptr_t *pcs, int n)
{
    pf__cap_tls_sigvar.in_hook++;
    pf__cap_lock(&g_tc_lock);
    if (g_ntc == g_tc_cap) {
        size_t cap = g_tc_cap ? g_tc_cap * 2 : 64;
        tc_rec *r = pf__realloc(g_tc, cap * sizeof(*r));
        if (!r)
            goto done;
        g_tc = r;
        g_tc_cap = cap;
    }
    g_tc[g_ntc].depth = n;
    memcpy(g_tc[g_ntc].pcs, pcs, (size_t)n * sizeof(*pcs));
    g_ntc++;
done:
    pf__cap_unlock(&g_tc_lock);
    pf__cap_tls_sigvar.in_hook--;
}

size_t pf__cap_threadcreate_count(void)
{
    size_t n;

    pf__cap_lock(&g_tc_lock);
    n = g_ntc;
    pf__cap_unlock(&g_tc_lock);
    return n;
}

/* A count profile NAME/count from raw stacks, grouping identical
 * (stack, labels) and ordering groups by count, descending. */
typedef pf_cap_cstack cstack;

static int cmp_cstack(const void *a, const void *b)
{
    const cstack *x = a, *y = b;

    if (x->depth != y->depth)
        return x->depth < y->depth ? -1 : 1;
    for (int i = 0; i < x->depth; i++)
        if (x->pcs[i] != y->pcs[i])
            return x->pcs[i] < y->pcs[i] ? -1 : 1;
    if (x->labels != y->labels)
        return (uintptr_t)x->labels < (uintptr_t)y->labels ? -1 : 1;
    return 0;
}

typedef struct group {
    size_t first;
    int64_t count;
} group;

static int cmp_group(const void *a, const void *b)
{
    const group *x = a, *y = b;

    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return x->first < y->first ? -1 : x->first > y->first;
}

int pf__cap_count_profile(pf_profile **out, const char *name, cstack *s,
                          size_t n, bool leaf_exact)
{
    pf_cap_builder b;
    group *g = NULL;
    size_t ng = 0;
    int err;

    *out = NULL;
    if ((err = pf__cap_builder_init(&b)) < 0)
        return err;
    if ((err = pf_profile_add_sample_type(b.p, name, "count")) < 0 ||
        (err = pf_profile_set_period_type(b.p, name, "count")) < 0)
        goto done;
    pf_profile_set_period(b.p, 1);
    {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        pf_profile_set_time(b.p, (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
    }
    if (n) {
        qsort(s, n, sizeof(*s), cmp_cstack);
        g = pf__malloc(n * sizeof(*g));
        if (!g) {
            err = pf__error_oom();
            goto done;
        }
        for (size_t i = 0; i < n; i++) {
            if (i > 0 && cmp_cstack(&s[i - 1], &s[i]) == 0) {
                g[ng - 1].count++;
                continue;
            }
            g[ng].first = i;
            g[ng].count = 1;
            ng++;
        }
        qsort(g, ng, sizeof(*g), cmp_group);
    }
    for (size_t i = 0; i < ng; i++) {
        const cstack *c = &s[g[i].first];
        if ((err = pf__cap_builder_sample(&b, c->pcs, c->depth, leaf_exact,
                                          &g[i].count, c->labels)) < 0)
            goto done;
    }
    err = pf__cap_builder_finish(&b, out);
done:
    pf__free(g);
    pf__cap_builder_release(&b);
    return err;
}

int pf__cap_threadcreate_build(pf_profile **out)
{
    cstack *s = NULL;
    size_t n;
    int err;

    pf__cap_lock(&g_tc_lock);
    n = g_ntc;
    if (n && !(s = pf__calloc(n, sizeof(*s)))) {
        pf__cap_unlock(&g_tc_lock);
        return pf__error_oom();
    }
    for (size_t i = 0; i < n; i++) {
        s[i].pcs = g_tc[i].pcs;
        s[i].depth = g_tc[i].depth;
    }
    /* records are only appended, and the array only moves under the
     * lock: keep it held while building */
    err = pf__cap_count_profile(out, "threadcreate", s, n, false);
    pf__cap_unlock(&g_tc_lock);
    pf__free(s);
    return err;
}

/* ------------------------------------------------------------------ */
/* threads: a signal to every thread */

#define DUMP_SIGNAL (SIGRTMIN + 7)
#define DUMP_WAIT_NS 200000000

static pf_cap_lock g_dump_lock = PF_CAP_LOCK_INIT;
static bool g_dump_installed;

static int install_dump_handler(void)
{
    struct sigaction sa;

    if (g_dump_installed)
        return PF_OK;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = pf__cap_dump_handler_sig;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    pf__cap_handler_mask(&sa.sa_mask);
    if (sigaction(DUMP_SIGNAL, &sa, NULL) != 0)
        return pf__error_set(PF_EIO, "cannot install the thread dump "
                             "handler: %s", strerror(errno));
    g_dump_installed = true;
    return PF_OK;
}

static int list_tids(int **out, size_t *n)
{
    DIR *d = opendir("/proc/self/task");
    struct dirent *de;
    int *t = NULL;
    size_t cap = 0;

    *out = NULL;
    *n = 0;
    if (!d)
        return pf__error_set(PF_EIO, "cannot list '/proc/self/task': %s",
                             strerror(errno));
    while ((de = readdir(d)) != NULL) {
        int tid = atoi(de->d_name);
        if (tid <= 0)
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            int *nt = pf__realloc(t, cap * sizeof(*nt));
            if (!nt) {
                closedir(d);
                pf__free(t);
                return pf__error_oom();
            }
            t = nt;
        }
        t[(*n)++] = tid;
    }
    closedir(d);
    *out = t;
    return PF_OK;
}

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ------------------------------------------------------------------ */
/* Threads blocked in a system call are not signalled: a handler run
 * on them ends sleeps and waits the kernel does not restart, even
 * with SA_RESTART (nanosleep, poll, epoll_wait, select, ... return
 * EINTR; signal(7)). Their user registers at the system call are in
 * /proc/self/task/TID/syscall (number, six arguments, sp, pc) and
 * their stack does not move while they wait: it is copied with
 * process_vm_readv (a thread that wakes and exits meanwhile makes the
 * copy short, never a fault), links into the stack are relocated into
 * the copy, and the copy is unwound as the handler would unwind the
 * stack itself. Under g_dump_lock. */

#define STACK_COPY (256 << 10)
static uintptr_t g_stack_copy[STACK_COPY / sizeof(uintptr_t)];

/* System call TID is blocked in: its number, sp and pc; false if it
 * is running (or in no system call). */
static bool blocked_regs(int tid, long *nr, uintptr_t *sp, uintptr_t *pc)
{
    char path[64], buf[512];
    unsigned long a[6], s, p;
    ssize_t k;
    int fd;

    snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", tid);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return false;
    k = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (k <= 0)
        return false;
    buf[k] = 0;
    if (sscanf(buf, "%ld %lx %lx %lx %lx %lx %lx %lx %lx", nr, &a[0], &a[1],
               &a[2], &a[3], &a[4], &a[5], &s, &p) != 9 || *nr < 0)
        return false;
    *sp = s;
    *pc = p;
    return true;
}

/* Unwind TID if it is blocked in a system call: true with R filled
 * (R->depth may be 1, the pc alone), false if it must be signalled. */
static bool blocked_stack(int tid, pf_cap_dumprec *r)
{
    long nr, nr2;
    uintptr_t sp, pc, sp2, pc2, base = (uintptr_t)g_stack_copy;
    struct iovec lv = { g_stack_copy, sizeof(g_stack_copy) }, rv;
    ucontext_t uc;
    ssize_t got;
    size_t words;
    int mark;

    if (!blocked_regs(tid, &nr, &sp, &pc))
        return false;
    rv.iov_base = (void *)sp;
    rv.iov_len = sizeof(g_stack_copy);
    got = (sp & 7) ? 0 : process_vm_readv(getpid(), &lv, 1, &rv, 1, 0);
    if (got < 0 && (errno == EPERM || errno == ENOSYS))
        return false;   /* no way to read it: signal it */
    /* still in the same call: the copy is its stack */
    if (!blocked_regs(tid, &nr2, &sp2, &pc2) || nr2 != nr || sp2 != sp ||
        pc2 != pc)
        return false;
    words = got > 0 ? (size_t)got / sizeof(uintptr_t) : 0;
    memset(g_stack_copy + words, 0,
           sizeof(g_stack_copy) - words * sizeof(uintptr_t));
    for (size_t i = 0; i < words; i++)
        if (g_stack_copy[i] >= sp && g_stack_copy[i] - sp < words * 8)
            g_stack_copy[i] = g_stack_copy[i] - sp + base;
    memset(&uc, 0, sizeof(uc));
#if defined(__x86_64__)
    uc.uc_mcontext.gregs[REG_RIP] = (greg_t)pc;
    uc.uc_mcontext.gregs[REG_RSP] = (greg_t)(words ? base : 0);
#endif
    r->tid = tid;
    r->labels = NULL;
    /* the unwinder reads the mapping snapshot a refresh may retire:
     * count in as a handler does */
    mark = pf__cap_handler_enter_sig();
    r->depth = words ? pf__cap_unwind_scan_sig(&uc, r->pcs, PF_CAP_MAX_DEPTH)
                     : 0;
    pf__cap_handler_leave_sig(mark);
    if (r->depth == 0) {
        r->pcs[0] = pc;
        r->depth = 1;
    }
    return true;
}

/* A thread that answered after its wait has two records: drop the
 * empty one the collector made for it. */
static void drop_late_duplicates(pf_cap_dump *d)
{
    int w = 0;

    /* mark first (depth -1), then compact: decisions on the whole array */
    for (int i = 0; i < d->cap; i++) {
        bool dup = false;
        if (d->rec[i].depth == 0)
            for (int j = 0; j < d->cap && !dup; j++)
                dup = j != i && d->rec[j].tid == d->rec[i].tid &&
                      (d->rec[j].depth > 0 || j < i);
        if (dup)
            d->rec[i].depth = -1;
    }
    for (int i = 0; i < d->cap; i++) {
        if (d->rec[i].depth < 0)
            continue;
        if (w != i)
            d->rec[w] = d->rec[i];
        w++;
    }
    d->cap = w;
}

/* Collect one record per live thread into *OUT (records of threads that
 * did not answer within the wait have depth 0). */
static pf_cap_dumprec g_one;     /* under g_dump_lock */

static int dump_threads(pf_cap_dump **out)
{
    pf_cap_dump *d = NULL;
    int *tids = NULL, self = (int)syscall(SYS_gettid), pid = getpid();
    size_t n, late = 0;
    int err;

    *out = NULL;
    pf__cap_thread_init_self();
    if ((err = install_dump_handler()) < 0 || (err = list_tids(&tids, &n)) < 0)
        return err;
    pf__cap_ranges_refresh();
    /* one block: handlers reach the records through D, and both are
     * retired together (dump_free) */
    d = pf__calloc(1, sizeof(*d) + (n + 1) * sizeof(*d->rec));
    if (!d) {
        pf__free(tids);
        return pf__error_oom();
    }
    d->rec = (pf_cap_dumprec *)(void *)(d + 1);
    d->cap = (int)n;
    atomic_store(&pf__cap_dump_sigvar, d);
    for (size_t i = 0; i < n; i++) {
        int want = atomic_load(&d->done) + 1;
        int64_t deadline;
        if (tids[i] == self) {
            int k = atomic_fetch_add(&d->next, 1);
            if (k < d->cap) {
                pf_cap_dumprec *r = &d->rec[k];
                r->depth = pf__cap_stack_here(r->pcs, PF_CAP_MAX_DEPTH, 0);
                r->labels = pf__cap_tls_sigvar.labels;
                r->tid = self;
            }
            atomic_fetch_add(&d->done, 1);
            continue;
        }
        if (blocked_stack(tids[i], &g_one)) {
            int k = atomic_fetch_add(&d->next, 1);
            if (k < d->cap)
                d->rec[k] = g_one;
            atomic_fetch_add(&d->done, 1);
            continue;
        }
        if (syscall(SYS_tgkill, pid, tids[i], DUMP_SIGNAL) != 0)
            continue;       /* exited meanwhile */
        deadline = mono_ns() + DUMP_WAIT_NS;
        while (atomic_load(&d->done) < want && mono_ns() < deadline) {
            struct timespec ts = { 0, 50000 };
            nanosleep(&ts, NULL);
        }
        if (atomic_load(&d->done) < want) {
            /* No answer (yet): a record of its own with an empty stack.
             * Never write a record a handler may claim: a late handler
             * takes the next free one, and the duplicate is dropped
             * below once every handler is out. */
            int f = atomic_fetch_add(&d->next, 1);
            if (f < d->cap) {
                d->rec[f].tid = tids[i];
                d->rec[f].depth = 0;
                late++;
            }
        }
    }
    atomic_store(&pf__cap_dump_sigvar, NULL);
    /* bounded; a handler that never comes back only leaves its record
     * as it was (the records are retired, not freed: dump_free) */
    pf__cap_handlers_wait();
    if (atomic_load(&d->next) < d->cap)
        d->cap = atomic_load(&d->next);
    if (late)
        drop_late_duplicates(d);
    pf__free(tids);
    *out = d;
    return PF_OK;
}

static void dump_free(pf_cap_dump *d)
{
    pf__cap_handlers_retire(d);
}

size_t pf__cap_threads_count(void)
{
    int *t = NULL;
    size_t n = 0;

    if (list_tids(&t, &n) < 0)
        return 0;
    pf__free(t);
    return n;
}

int pf__cap_threads_build(pf_profile **out)
{
    pf_cap_dump *d = NULL;
    cstack *s = NULL;
    int err;

    *out = NULL;
    pf__cap_lock(&g_dump_lock);
    if ((err = dump_threads(&d)) < 0)
        goto done;
    if (d->cap && !(s = pf__calloc((size_t)d->cap, sizeof(*s)))) {
        err = pf__error_oom();
        goto done;
    }
    for (int i = 0; i < d->cap; i++) {
        /* signal-frame leaf is an exact PC; the self record is not */
        s[i].pcs = d->rec[i].pcs;
        s[i].depth = d->rec[i].depth;
        s[i].labels = d->rec[i].labels;
    }
    err = pf__cap_count_profile(out, "threads", s, (size_t)d->cap, false);
done:
    pf__free(s);
    dump_free(d);
    pf__cap_unlock(&g_dump_lock);
    return err;
}

/* What a thread is doing, for the dump's header, from its /proc entry:
 * the scheduler state and, when asleep, the system call it waits in
 * (read after the dump: the threads are back in it by then). */
static void thread_state(int tid, char *buf, size_t size)
{
    char path[64], line[512], *p;
    FILE *f;
    long nr;

    snprintf(buf, size, "unknown");
    snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
    if (!(f = fopen(path, "re")))
        return;
    p = fgets(line, sizeof(line), f) ? strrchr(line, ')') : NULL;
    fclose(f);
    if (!p || p[1] != ' ')
        return;
    switch (p[2]) {
    case 'R': snprintf(buf, size, "running"); return;
    case 'D': snprintf(buf, size, "disk wait"); return;
    case 'T': snprintf(buf, size, "stopped"); return;
    case 't': snprintf(buf, size, "tracing stop"); return;
    case 'Z': snprintf(buf, size, "zombie"); return;
    case 'S': case 'I': break;
    default: snprintf(buf, size, "state %c", p[2]); return;
    }
    snprintf(buf, size, "sleeping");
    snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", tid);
    if (!(f = fopen(path, "re")))
        return;
    if (fscanf(f, "%ld", &nr) == 1) {
        const char *what = NULL;
        switch (nr) {
        case SYS_futex: what = "futex wait"; break;
        case SYS_nanosleep: case SYS_clock_nanosleep: what = "sleep"; break;
        case SYS_read: case SYS_readv: case SYS_pread64: what = "read"; break;
        case SYS_write: case SYS_writev: what = "write"; break;
#ifdef SYS_poll
        case SYS_poll:
#endif
#ifdef SYS_select
        case SYS_select:
#endif
#ifdef SYS_epoll_wait
        case SYS_epoll_wait:
#endif
        case SYS_ppoll: case SYS_pselect6: case SYS_epoll_pwait:
            what = "IO wait"; break;
#ifdef SYS_accept
        case SYS_accept:
#endif
        case SYS_accept4: what = "accept"; break;
        case SYS_recvfrom: case SYS_recvmsg: what = "recv"; break;
        case SYS_wait4: case SYS_waitid: what = "child wait"; break;
#ifdef SYS_pause
        case SYS_pause:
#endif
        case SYS_rt_sigsuspend: case SYS_rt_sigtimedwait:
            what = "signal wait"; break;
        default: break;
        }
        if (what)
            snprintf(buf, size, "%s", what);
        else if (nr >= 0)
            snprintf(buf, size, "syscall %ld", nr);
    }
    fclose(f);
}

/* One frame of the dump: every line of a symbolized location, innermost
 * (inlined) first, as "function(...)" then "\tfile:line"; the frame
 * that holds the address ends with "+0xOFFSET" (file offset in its
 * mapping). Without symbols: "?()" and the mapping's file. */
static int dump_frame(pf_writer w, const pf_profile *p, uint32_t li)
{
    const pf_location *loc = pf_profile_location(p, li);
    const pf_mapping *m = loc->mapping != PF_NONE
                              ? pf_profile_mapping(p, loc->mapping) : NULL;
    const pf_line *ln = pf_location_lines(p, loc);
    unsigned long off = m ? (unsigned long)(loc->address - m->start +
                                            m->offset)
                          : (unsigned long)loc->address;
    int err = PF_OK;

    if (loc->nline == 0) {
        if (!m)
            return pf__writef(w, "?()\n\tpc=0x%lx\n", off);
        return pf__writef(w, "?()\n\t%s +0x%lx\n", m->file, off);
    }
    for (uint32_t k = 0; k < loc->nline && err >= 0; k++) {
        const pf_function *f = pf_profile_function(p, ln[k].function);
        const char *file = *f->filename ? f->filename : m ? m->file : "?";
        err = pf__writef(w, "%s(...)\n\t%s", *f->name ? f->name : "?", file);
        if (err >= 0 && ln[k].line > 0)
            err = pf__writef(w, ":%lld", (long long)ln[k].line);
        if (err >= 0)
            err = k + 1 == loc->nline ? pf__writef(w, " +0x%lx\n", off)
                                      : pf__writef(w, "\n");
    }
    return err;
}

/* debug=2: one block per thread, like a crash dump, symbolized in
 * process as the profiles are (build.c). */
int pf__cap_threads_write_dump(pf_writer w)
{
    pf_cap_dump *d = NULL;
    pf_cap_builder b;
    pf_profile *p = NULL;
    int self = (int)syscall(SYS_gettid);
    int64_t one = 1;
    int err;

    memset(&b, 0, sizeof(b));
    pf__cap_lock(&g_dump_lock);
    if ((err = dump_threads(&d)) < 0)
        goto done;
    if ((err = pf__cap_builder_init(&b)) < 0 ||
        (err = pf_profile_add_sample_type(b.p, "threads", "count")) < 0)
        goto done;
    /* one sample per thread, in dump order; a signalled thread's leaf is
     * the interrupted PC itself, the others are return addresses */
    for (int i = 0; i < d->cap; i++)
        if ((err = pf__cap_builder_sample(&b, d->rec[i].pcs, d->rec[i].depth,
                                          d->rec[i].tid != self, &one,
                                          NULL)) < 0)
            goto done;
    if ((err = pf__cap_builder_finish(&b, &p)) < 0)
        goto done;
    for (int i = 0; i < d->cap && err >= 0; i++) {
        const pf_cap_dumprec *r = &d->rec[i];
        const uint32_t *locs;
        size_t nloc;
        char name[64] = "", state[64], path[64];
        FILE *f;

        snprintf(path, sizeof(path), "/proc/self/task/%d/comm", r->tid);
        if ((f = fopen(path, "re")) != NULL) {
            if (fgets(name, sizeof(name), f))
                name[strcspn(name, "\n")] = 0;
            fclose(f);
        }
        if (r->depth)
            thread_state(r->tid, state, sizeof(state));
        else
            snprintf(state, sizeof(state), "stack unavailable");
        err = pf__writef(w, "%sthread %d \"%s\" [%s]:\n", i ? "\n" : "",
                         r->tid, name, state);
        if (err >= 0 && pf_labelset_count(r->labels)) {
            err = pf__writef(w, "labels:");
            for (size_t k = 0; err >= 0 && k < pf_labelset_count(r->labels);
                 k++) {
                const char *key, *val;
                pf_labelset_at(r->labels, k, &key, &val);
                err = pf__writef(w, " %s=%s", key, val);
            }
            if (err >= 0)
                err = pf__writef(w, "\n");
        }
        locs = pf_sample_locations(p, (size_t)i, &nloc);
        for (size_t k = 0; k < nloc && err >= 0; k++)
            err = dump_frame(w, p, locs[k]);
    }
done:
    pf_profile_free(p);
    pf__cap_builder_release(&b);
    dump_free(d);
    pf__cap_unlock(&g_dump_lock);
    return err;
}

/* Forked child (capint.h): creation records half appended (possibly in
 * the middle of growing the array) are dropped; a thread dump in
 * progress has nothing to leave behind but its lock. */
void pf__cap_threads_fork_child(void)
{
    if (pf__cap_lock_reset(&g_tc_lock)) {
        g_tc = NULL;
        g_ntc = g_tc_cap = 0;
    }
    pf__cap_lock_reset(&g_dump_lock);
}
