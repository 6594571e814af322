/*
 * Execution timeline of a traced CPU profile (normal context): the
 * SIGPROF handler appends (thread, time, CPU since the thread's last
 * sample, stack table entry) to a ring (sigtrace.c); at stop this file
 * turns it into Chrome Trace Event JSON, which Perfetto and
 * chrome://tracing load: one "X" (complete) event per run of
 * consecutive samples of a thread with the same stack, named after the
 * stack's leaf function, with the whole stack in its args, and "M"
 * metadata events naming the process and every thread. Times are
 * microseconds since the start of the profile.
 *
 * Every function here runs with the CPU profiler's control lock held
 * (control.c), which also guards the thread names.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "capint.h"

/* 2^17 samples: 20 minutes of one busy thread at 100 Hz, 2 minutes of
 * four at the kernel's 250 Hz tick; older samples are overwritten. */
#define TRACE_EVENTS (1u << 17)

typedef struct tname {
    int tid;
    char name[16];
} tname;

static tname *g_names;
static size_t g_nnames, g_names_cap;

int pf__cap_trace_begin(void)
{
    pf_cap_tring *r = pf__calloc(1, sizeof(*r));

    if (!r || !(r->ev = pf__calloc(TRACE_EVENTS, sizeof(*r->ev)))) {
        pf__free(r);
        return pf__error_oom();
    }
    r->mask = TRACE_EVENTS - 1;
    g_nnames = 0;
    atomic_store(&pf__cap_trace_sigvar, r);
    return PF_OK;
}

void pf__cap_trace_end(void)
{
    pf_cap_tring *r = atomic_exchange(&pf__cap_trace_sigvar, NULL);

    if (!r)
        return;
    pf__cap_handlers_retire(r->ev);
    pf__cap_handlers_retire(r);
    pf__free(g_names);
    g_names = NULL;
    g_nnames = g_names_cap = 0;
}

/* A thread leaving while a timeline is recorded: keep its name, /proc
 * will not have it at the end. */
void pf__cap_trace_thread_exit(int tid)
{
    char name[16] = "";

    if (!atomic_load(&pf__cap_trace_sigvar) || tid <= 0 ||
        prctl(PR_GET_NAME, name) != 0)
        return;
    if (g_nnames == g_names_cap) {
        size_t cap = g_names_cap ? 2 * g_names_cap : 64;
        tname *n = pf__realloc(g_names, cap * sizeof(*n));
        if (!n)
            return;     /* the thread is then "thread TID" */
        g_names = n;
        g_names_cap = cap;
    }
    g_names[g_nnames].tid = tid;
    memcpy(g_names[g_nnames].name, name, sizeof(name));
    g_names[g_nnames].name[15] = 0;
    g_nnames++;
}

static void thread_name(int tid, char *buf, size_t size)
{
    char path[64];
    ssize_t k;
    int fd;

    /* the latest exit of TID, if it exited (a tid can be reused) */
    for (size_t i = g_nnames; i-- > 0;)
        if (g_names[i].tid == tid) {
            snprintf(buf, size, "%s", g_names[i].name);
            return;
        }
    snprintf(path, sizeof(path), "/proc/self/task/%d/comm", tid);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
        k = read(fd, buf, size - 1);
        close(fd);
        if (k > 0) {
            buf[k] = 0;
            buf[strcspn(buf, "\n")] = 0;
            return;
        }
    }
    snprintf(buf, size, "thread %d", tid);
}

/* S as a JSON string: runs of plain bytes go out as they are. */
static int json_string(pf_writer w, const char *s)
{
    const char *run = s;

    PF_TRY(pf__write(w, "\"", 1));
    for (;; s++) {
        unsigned char c = (unsigned char)*s;
        if (c && c != '"' && c != '\\' && c >= 0x20)
            continue;
        PF_TRY(pf__write(w, run, (size_t)(s - run)));
        if (!c)
            break;
        PF_TRY(c < 0x20 ? pf__writef(w, "\\u%04x", c)
                        : pf__writef(w, "\\%c", c));
        run = s + 1;
    }
    return pf__write(w, "\"", 1);
}

/* Function names of sample I of P, leaf first (inlined frames first). */
static int write_frames(pf_writer w, const pf_profile *p, size_t i)
{
    size_t nloc, k = 0;
    const uint32_t *locs = pf_sample_locations(p, i, &nloc);
    char addr[32];

    for (size_t j = 0; j < nloc; j++) {
        const pf_location *loc = pf_profile_location(p, locs[j]);
        const pf_line *ln = pf_location_lines(p, loc);
        if (loc->nline == 0) {
            snprintf(addr, sizeof(addr), "0x%llx",
                     (unsigned long long)loc->address);
            PF_TRY(pf__writef(w, "%s", k++ ? "," : ""));
            PF_TRY(json_string(w, addr));
            continue;
        }
        for (uint32_t l = 0; l < loc->nline; l++) {
            const pf_function *f = pf_profile_function(p, ln[l].function);
            PF_TRY(pf__writef(w, "%s", k++ ? "," : ""));
            PF_TRY(json_string(w, *f->name ? f->name : "?"));
        }
    }
    return PF_OK;
}

/* The name of a slice: the innermost function of the stack. */
static int write_leaf(pf_writer w, const pf_profile *p, uint32_t sample)
{
    size_t nloc;
    const uint32_t *locs;
    const pf_location *loc;
    char addr[32];

    if (sample == PF_NONE)
        return json_string(w, "(unknown)");
    locs = pf_sample_locations(p, sample, &nloc);
    if (!nloc)
        return json_string(w, "(no stack)");
    loc = pf_profile_location(p, locs[0]);
    if (loc->nline) {
        const pf_function *f =
            pf_profile_function(p, pf_location_lines(p, loc)[0].function);
        if (*f->name)
            return json_string(w, f->name);
    }
    snprintf(addr, sizeof(addr), "0x%llx", (unsigned long long)loc->address);
    return json_string(w, addr);
}

typedef struct slice {
    int tid;
    uint32_t sample;
    int64_t start, end, cpu;
    int64_t n;
} slice;

static int write_slice(pf_writer w, const pf_profile *p, const slice *s,
                       int pid)
{
    PF_TRY(pf__writef(w, ",\n{\"ph\":\"X\",\"cat\":\"cpu\",\"pid\":%d,"
                         "\"tid\":%d,\"ts\":%.3f,\"dur\":%.3f,\"name\":",
                      pid, s->tid, (double)s->start / 1e3,
                      (double)(s->end - s->start) / 1e3));
    PF_TRY(write_leaf(w, p, s->sample));
    PF_TRY(pf__writef(w, ",\"args\":{\"samples\":%lld,\"cpu_us\":%.3f,"
                         "\"stack\":[",
                      (long long)s->n, (double)s->cpu / 1e3));
    if (s->sample != PF_NONE)
        PF_TRY(write_frames(w, p, s->sample));
    return pf__writef(w, "]}}");
}

static int cmp_tev(const void *a, const void *b)
{
    const pf_cap_tev *x = a, *y = b;
    int64_t tx = atomic_load_explicit(&x->ts, memory_order_relaxed);
    int64_t ty = atomic_load_explicit(&y->ts, memory_order_relaxed);

    if (x->tid != y->tid)
        return x->tid < y->tid ? -1 : 1;
    return tx < ty ? -1 : tx > ty;
}

int pf__cap_trace_write(pf_writer w, const pf_profile *p,
                        const uint32_t *entry_sample, size_t nentries,
                        int64_t start_mono, int64_t period)
{
    pf_cap_tring *r = atomic_load(&pf__cap_trace_sigvar);
    uint64_t next, first, lost;
    pf_cap_tev *ev = NULL;
    size_t n = 0;
    int pid = getpid(), err = PF_OK;
    char name[64];
    slice cur = { 0 };

    if (!r)
        return pf__error_set(PF_EINVAL, "cpu profile has no timeline");
    next = atomic_load(&r->next);
    first = next > r->mask + 1 ? next - (r->mask + 1) : 0;
    lost = first;
    if (next > first && !(ev = pf__malloc((size_t)(next - first) *
                                          sizeof(*ev))))
        return pf__error_oom();
    for (uint64_t i = first; i < next; i++) {
        const pf_cap_tev *e = &r->ev[i & r->mask];
        int64_t ts = atomic_load(&e->ts);
        /* never finished by its handler, or a thread whose timer was
         * being released (tid 0) */
        if (ts == 0 || ts < start_mono || e->tid <= 0)
            continue;
        atomic_store_explicit(&ev[n].ts, ts - start_mono,
                              memory_order_relaxed);
        ev[n].cpu = e->cpu;
        ev[n].tid = e->tid;
        ev[n].entry = e->entry;
        n++;
    }
    if (n)
        qsort(ev, n, sizeof(*ev), cmp_tev);

    if ((err = pf__writef(w, "{\"displayTimeUnit\":\"ms\",\"traceEvents\":["
                             "\n{\"ph\":\"M\",\"name\":\"process_name\","
                             "\"pid\":%d,\"tid\":%d,\"args\":{\"name\":",
                          pid, pid)) < 0 ||
        (err = json_string(w, program_invocation_short_name)) < 0 ||
        (err = pf__writef(w, "}}")) < 0)
        goto done;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && ev[i].tid == ev[i - 1].tid)
            continue;
        thread_name(ev[i].tid, name, sizeof(name));
        if ((err = pf__writef(w, ",\n{\"ph\":\"M\",\"name\":\"thread_name\","
                                 "\"pid\":%d,\"tid\":%d,\"args\":{\"name\":",
                              pid, ev[i].tid)) < 0 ||
            (err = json_string(w, name)) < 0 ||
            (err = pf__writef(w, "}}")) < 0)
            goto done;
    }
    /* A sample stands for the CPU time its thread used since the
     * previous one, taken just before it: [ts - cpu, ts], cut so that
     * slices of a thread never overlap. Samples of the same stack join
     * the running slice when they start within half a period of its
     * end (a thread that slept in between starts a new one). */
    for (size_t i = 0; i <= n; i++) {
        int64_t ts = 0, start = 0;
        uint32_t sample = PF_NONE;
        bool same_thread;

        if (i < n) {
            ts = atomic_load_explicit(&ev[i].ts, memory_order_relaxed);
            start = ts - ev[i].cpu;
            if (ev[i].entry >= 0 && (size_t)ev[i].entry < nentries)
                sample = entry_sample[ev[i].entry];
        }
        same_thread = i < n && cur.n && ev[i].tid == cur.tid;
        if (same_thread && start < cur.end)
            start = cur.end;
        if (start < 0)
            start = 0;
        if (same_thread && sample == cur.sample &&
            start - cur.end <= period / 2) {
            cur.end = ts;
            cur.cpu += ev[i].cpu;
            cur.n++;
            continue;
        }
        if (cur.n && (err = write_slice(w, p, &cur, pid)) < 0)
            goto done;
        if (i == n)
            break;
        cur.tid = ev[i].tid;
        cur.sample = sample;
        cur.start = start;
        cur.end = ts;
        cur.cpu = ev[i].cpu;
        cur.n = 1;
    }
    err = pf__writef(w, "\n],\"otherData\":{\"generator\":\"libprofile-capture"
                        "\",\"clock\":\"CLOCK_MONOTONIC, microseconds since "
                        "the start of the CPU profile\",\"samples\":%zu,"
                        "\"overwritten_samples\":%llu,\"period_ns\":%lld}}\n",
                     n, (unsigned long long)lost, (long long)period);
done:
    pf__free(ev);
    return err;
}
