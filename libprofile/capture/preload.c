/*
 * Process-level setup: a constructor that reads the PPROF_* environment
 * (LD_PRELOAD mode, or any program linked with the library), starts the
 * requested profiles, and a destructor that writes them when the
 * process exits. This is the one place of the library that reports on
 * stderr: in LD_PRELOAD mode there is no caller to return errors to.
 *
 *   PPROF_CPU=PATH          CPU profile to PATH
 *   PPROF_CPU_RATE=HZ       its rate (default 100)
 *   PPROF_TRACE=PATH        timeline of the CPU samples (Chrome Trace
 *                           Event JSON) to PATH; runs the CPU profiler
 *                           from load to exit
 *   PPROF_HEAP=PATH         heap profile to PATH at exit
 *   PPROF_ALLOCS=PATH       allocs profile to PATH at exit
 *   PPROF_HEAP_RATE=BYTES   heap sampling rate (default 524288, 0 = off)
 *   PPROF_MUTEX=PATH        mutex profile (fraction PPROF_MUTEX_FRACTION,
 *                           default 1)
 *   PPROF_BLOCK=PATH        block profile (rate PPROF_BLOCK_RATE ns,
 *                           default 1 = every event)
 *   PPROF_THREADCREATE=PATH threadcreate profile at exit
 *   PPROF_UNWIND=fp|dwarf   how stacks are unwound (default dwarf)
 *   PPROF_HTTP=ADDR         serve /debug/pprof/ on ADDR (httpd.c) from
 *                           load to exit; PPROF_HTTP_PORTFILE=PATH gets
 *                           the bound port (useful with port 0)
 *
 * Files are written to PATH.tmp.PID and renamed, so a failed write
 * leaves no partial profile. A process started by exec from the
 * profiled one (its pid differs from PPROF_OWNER_PID) writes to
 * PATH.PID instead of overwriting the parent's profile; a forked child
 * that does not exec writes nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "capint.h"

void pf__cap_cpu_atfork_child(void);

/* Referenced from mallocwrap.c so that static links pull this object
 * (and its constructor) in. */
int pf__cap_preload_linked = 1;

/* Interposers record nothing until the constructor has run. */
_Atomic int pf__cap_ready;

enum { OUT_CPU, OUT_HEAP, OUT_ALLOCS, OUT_MUTEX, OUT_BLOCK, OUT_TC, NOUT };
static const char *const g_env[NOUT] = {
    "PPROF_CPU", "PPROF_HEAP", "PPROF_ALLOCS", "PPROF_MUTEX", "PPROF_BLOCK",
    "PPROF_THREADCREATE"
};
static const char *const g_profname[NOUT] = {
    "cpu", "heap", "allocs", "mutex", "block", "threadcreate"
};
static char *g_path[NOUT];
static char *g_trace_path;
static pid_t g_pid;
static bool g_cpu_on;
static pf_membuf g_unused;

static void say(const char *fmt, const char *a, const char *b)
{
    fprintf(stderr, "libprofile-capture: ");
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
}

static bool env_long(const char *name, long lo, long hi, long *out)
{
    const char *s = getenv(name);
    char *end;
    long v;

    if (!s || !*s)
        return false;
    errno = 0;
    v = strtol(s, &end, 10);
    if (*end || errno || v < lo || v > hi) {
        say("%s: bad value '%s', ignored", name, s);
        return false;
    }
    *out = v;
    return true;
}

/* PATH, or PATH.PID in a process exec'd by the profiled one. */
static char *out_path(const char *path)
{
    const char *owner = getenv("PPROF_OWNER_PID");
    char *p;
    size_t len = strlen(path) + 32;

    if (!(p = malloc(len)))
        return NULL;
    if (owner && atol(owner) != (long)getpid())
        snprintf(p, len, "%s.%ld", path, (long)getpid());
    else
        snprintf(p, len, "%s", path);
    return p;
}

/* Write PATH through PATH.tmp.PID and a rename: a failure leaves no
 * partial file. Either PROF (encoded) or the string TEXT. */
static int write_atomic(const char *path, const pf_profile *prof,
                        const char *text)
{
    char tmp[4200];
    pf_writer w;
    int err;

    snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
    if ((err = pf_capture_writer_open(&w, tmp)) < 0)
        return err;
    if (prof)
        err = pf_profile_encode(prof, w, NULL);
    else if (w.write(w.ctx, text, strlen(text)) < 0)
        err = pf__error_set(PF_EIO, "cannot write '%s'", tmp);
    if (pf_capture_writer_close(&w) < 0 && err == PF_OK)
        err = PF_EIO;
    if (err == PF_OK && rename(tmp, path) != 0)
        err = pf__error_set(PF_EIO, "cannot rename to '%s': %s", path,
                            strerror(errno));
    if (err < 0)
        unlink(tmp);
    return err;
}

/* No prepare or parent handler: nothing is held across fork (capint.h
 * says why); the child repairs what a vanished thread left locked. */
static void atfork_child(void)
{
    pf__cap_ranges_fork_child();
    pf__cap_labels_fork_child();
    pf__cap_heap_fork_child();
    pf__cap_contention_fork_child();
    pf__cap_registry_fork_child();
    pf__cap_threads_fork_child();
    pf__cap_http_fork_child();
    pf__cap_cpu_atfork_child();
    g_cpu_on = false;
}

/* PPROF_HTTP=ADDR: the /debug/pprof/ endpoint. The port goes to
 * PPROF_HTTP_PORTFILE (PATH.PID in an exec'd child, written atomically)
 * or, for an ephemeral port (":0") without one, to stderr. */
static void start_http(void)
{
    const char *addr = getenv("PPROF_HTTP");
    const char *pf = getenv("PPROF_HTTP_PORTFILE");
    char *path = NULL, num[32];
    int port;

    if (!addr || !*addr)
        return;
    if (pf_capture_http_start(&port, addr) < 0) {
        say("cannot start the http endpoint: %s%s", pf_error_last(), "");
        return;
    }
    if (!pf || !*pf) {
        size_t n = strlen(addr);
        if (n >= 2 && strcmp(addr + n - 2, ":0") == 0) {
            snprintf(num, sizeof(num), "%d", port);
            say("serving /debug/pprof/ on port %s%s", num, "");
        }
        return;
    }
    if (!(path = out_path(pf)))
        return;
    snprintf(num, sizeof(num), "%d\n", port);
    if (write_atomic(path, NULL, num) < 0)
        say("cannot write the http port: %s%s", pf_error_last(), "");
    free(path);
}

/* PPROF_UNWIND=fp|dwarf, read once; the tables themselves are built
 * by whatever starts a profile. */
static void init_unwind(void)
{
    const char *s = getenv("PPROF_UNWIND");
    pf_capture_unwind_method m;

    if (!s || !*s)
        return;
    if (pf_capture_unwind_parse(&m, s) < 0)
        say("PPROF_UNWIND: bad value '%s', ignored (want fp or dwarf)%s", s,
            "");
    else
        atomic_store(&pf__cap_unwind_method_sigvar,
                     m == PF_CAPTURE_UNWIND_FP ? PF_CAP_UNWIND_FP
                                               : PF_CAP_UNWIND_DWARF);
}

static void init(void)
{
    long v;
    bool any = false;

    g_pid = getpid();
    pthread_atfork(NULL, NULL, atfork_child);
    init_unwind();
    if (env_long("PPROF_HEAP_RATE", 0, LONG_MAX, &v))
        pf_capture_heap_set_rate(v);
    for (int i = 0; i < NOUT; i++) {
        const char *s = getenv(g_env[i]);
        if (s && *s) {
            g_path[i] = out_path(s);
            any = true;
        }
    }
    if (getenv("PPROF_TRACE") && *getenv("PPROF_TRACE")) {
        g_trace_path = out_path(getenv("PPROF_TRACE"));
        any = true;
    }
    if (getenv("PPROF_HTTP") && *getenv("PPROF_HTTP"))
        any = true;
    if (!any)
        return;
    /* heap, mutex and block stacks need the tables from the start */
    pf__cap_cfi_refresh();
    if (!getenv("PPROF_OWNER_PID")) {
        char buf[32];
        snprintf(buf, sizeof(buf), "%ld", (long)g_pid);
        setenv("PPROF_OWNER_PID", buf, 0);
    }
    if (g_path[OUT_MUTEX]) {
        v = 1;
        env_long("PPROF_MUTEX_FRACTION", 1, INT32_MAX, &v);
        pf_capture_set_mutex_fraction((int)v);
    }
    if (g_path[OUT_BLOCK]) {
        v = 1;
        env_long("PPROF_BLOCK_RATE", 1, LONG_MAX, &v);
        pf_capture_set_block_rate(v);
    }
    if (g_path[OUT_CPU] || g_trace_path) {
        pf_writer unused = pf_writer_membuf(&g_unused);
        int err;
        if (env_long("PPROF_CPU_RATE", 1, 10000, &v))
            pf_capture_cpu_set_rate((int)v);
        /* the profile is taken with stop_profile: this writer is unused */
        if ((err = g_trace_path ? pf_capture_cpu_start_trace(unused)
                                : pf_capture_cpu_start(unused)) < 0)
            say("cannot start the CPU profile: %s%s", pf_error_last(), "");
        else
            g_cpu_on = true;
    }
    start_http();
}

/* The setup's own allocations (the paths kept, the CPU profiler's
 * table) and the threads it starts (the HTTP server's) are not the
 * program's: in_hook. */
__attribute__((constructor)) static void pf_capture_init(void)
{
    pf__cap_thread_init_self();
    atomic_store(&pf__cap_ready, 1);
    pf__cap_tls_sigvar.in_hook++;
    init();
    pf__cap_tls_sigvar.in_hook--;
}

__attribute__((destructor)) static void pf_capture_fini(void)
{
    pf_profile *cpu = NULL;     /* stopped with the timeline */
    int cpu_err = PF_OK;

    if (getpid() != g_pid)
        return;     /* forked child: the profiles are the parent's */
    pf_capture_http_stop();     /* a server still running ends first */
    /* writing one profile must not show in the next (heap, allocs) */
    pf__cap_tls_sigvar.in_hook++;
    if (g_cpu_on && g_trace_path) {
        pf_membuf mb = PF_MEMBUF_INIT;
        pf_writer w = pf_writer_membuf(&mb);
        int err;

        g_cpu_on = false;
        err = cpu_err = pf_capture_cpu_stop_trace(&cpu, w);
        if (err == PF_OK && (err = w.write(w.ctx, "", 1)) < 0)
            err = pf__error_oom();
        if (err == PF_OK)
            err = write_atomic(g_trace_path, NULL, (const char *)mb.data);
        if (err < 0)
            say("cannot write the %s: %s", "timeline", pf_error_last());
        pf_membuf_release(&mb);
    }
    for (int i = 0; i < NOUT; i++) {
        pf_profile *p = NULL;
        int err;

        if (!g_path[i])
            continue;
        if (i == OUT_CPU) {
            if (!g_cpu_on && !cpu)
                continue;
            if (g_cpu_on) {
                g_cpu_on = false;
                err = pf_capture_cpu_stop_profile(&p);
            } else {
                p = cpu;
                cpu = NULL;
                err = cpu_err;
            }
        } else {
            err = pf_capture_profile_build(pf_capture_lookup(g_profname[i]),
                                           &p);
        }
        if (err == PF_OK)
            err = write_atomic(g_path[i], p, NULL);
        if (err < 0)
            say("cannot write the %s profile: %s", g_profname[i],
                pf_error_last());
        pf_profile_free(p);
    }
    pf_profile_free(cpu);       /* a timeline without a CPU profile file */
    pf__cap_tls_sigvar.in_hook--;
}
