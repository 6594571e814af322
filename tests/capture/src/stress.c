/*
 * Stress: everything at once, looking for crashes and deadlocks.
 *  - 20 CPU profile start/stop cycles at 1000 Hz (the last written to
 *    OUT), while
 *  - waves of short-lived threads are created and joined (timers armed
 *    and deleted under the handler's feet), each allocating with heap
 *    sampling at 64 bytes and taking a contended mutex with the mutex
 *    and block profiles on,
 *  - a SIGALRM handler of the program allocates (1 kHz); it runs on
 *    one thread that spins on a contended mutex (the interposed lock
 *    paths and their tables), so the handler lands inside the
 *    library's hooks. (It is kept off the threads that call malloc:
 *    an allocating handler that interrupts glibc's malloc deadlocks
 *    in glibc itself, profiler or not.)
 *  - the process forks children that allocate, lock and exit,
 *  - threads/heap/mutex profiles are built while all this runs,
 *  - with STRESS_DLOPEN=LIB in the environment, a thread dlopens LIB,
 *    calls its dl_entry and dlcloses it in a loop (unwind tables are
 *    rebuilt and retired under the handlers' feet).
 *
 *   stress OUT [nofork]
 *
 * nofork: for GCC 12 sanitizer builds, whose allocator is not
 * fork-safe (a child forked while other threads allocate can hang in
 * it); clang 19's runtimes are, and run it with fork.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "workload.h"

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static atomic_int g_stop;
static volatile uint64_t sink;        /* under g_mu */
static volatile uint64_t sink_sig;    /* under g_sigmu */
static volatile sig_atomic_t g_ticks;

static void on_alarm(int sig)
{
    /* volatile: clang drops the unused malloc/memset/free */
    void *volatile p = malloc(32 + (g_ticks & 127));
    (void)sig;
    if (p)
        memset(p, 1, 32);
    free(p);
    g_ticks++;
}

__attribute__((noinline)) void churn_with(pthread_mutex_t *mu)
{
    for (int i = 0; i < 200; i++) {
        void *p = malloc(16 + (size_t)(i * 37 % 2000));
        pthread_mutex_lock(mu);
        sink += (uintptr_t)p;
        pthread_mutex_unlock(mu);
        free(p);
    }
}

__attribute__((noinline)) void churn(void)
{
    churn_with(&g_mu);
}

static void *short_lived(void *arg)
{
    (void)arg;
    churn();
    return NULL;
}

static void *spawner(void *arg)
{
    (void)arg;
    while (!atomic_load(&g_stop)) {
        pthread_t th[8];
        for (int i = 0; i < 8; i++)
            if (pthread_create(&th[i], NULL, short_lived, NULL) != 0)
                exit(3);
        for (int i = 0; i < 8; i++)
            pthread_join(th[i], NULL);
    }
    return NULL;
}

static pthread_mutex_t g_sigmu = PTHREAD_MUTEX_INITIALIZER;

static void *sig_target(void *arg)
{
    sigset_t ss;

    (void)arg;
    sigemptyset(&ss);
    sigaddset(&ss, SIGALRM);
    pthread_sigmask(SIG_UNBLOCK, &ss, NULL);
    while (!atomic_load(&g_stop)) {
        pthread_mutex_lock(&g_sigmu);
        sink_sig++;
        pthread_mutex_unlock(&g_sigmu);
    }
    pthread_sigmask(SIG_BLOCK, &ss, NULL);
    return NULL;
}

static void *sig_rival(void *arg)
{
    (void)arg;
    while (!atomic_load(&g_stop)) {
        pthread_mutex_lock(&g_sigmu);
        for (int i = 0; i < 1000; i++)
            sink_sig++;
        pthread_mutex_unlock(&g_sigmu);
    }
    return NULL;
}

static void *forker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 10 && !atomic_load(&g_stop); i++) {
        pid_t pid = fork();
        if (pid == 0) {
            /* g_mu may have been held by another thread at fork: the
             * child uses its own mutex (the library's locks are
             * fork-safe, the program's are its business) */
            pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
            churn_with(&mu);
            _exit(0);
        }
        if (pid > 0) {
            int st;
            waitpid(pid, &st, 0);
            if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
                exit(4);
        }
        usleep(20000);
    }
    return NULL;
}

static atomic_int g_dl_rounds;
static volatile uint64_t sink_dl;

static void *dl_churn(void *arg)
{
    const char *path = arg;

    while (!atomic_load(&g_stop)) {
        void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
        uint64_t (*entry)(uint64_t);
        if (!h) {
            fprintf(stderr, "stress: %s\n", dlerror());
            exit(5);
        }
        entry = (uint64_t (*)(uint64_t))dlsym(h, "dl_entry");
        if (!entry)
            exit(5);
        sink_dl += entry(20000);
        if (dlclose(h) != 0)
            exit(5);
        atomic_fetch_add(&g_dl_rounds, 1);
        usleep(1000);   /* a few hundred rounds, not a busy core */
    }
    return NULL;
}

static void *builder(void *arg)
{
    const char *names[] = { "threads", "heap", "mutex", "block",
                            "threadcreate" };
    (void)arg;
    while (!atomic_load(&g_stop))
        for (int i = 0; i < 5; i++) {
            pf_profile *p = NULL;
            int err = pf_capture_profile_build(pf_capture_lookup(names[i]), &p);
            if (err < 0)
                wl_die(names[i], err);
            pf_profile_free(p);
        }
    return NULL;
}

int main(int argc, char **argv)
{
    struct itimerval it = { { 0, 1000 }, { 0, 1000 } };
    pthread_t sp[2], fk, bd, st, sr, dl;
    const char *dlpath = getenv("STRESS_DLOPEN");
    sigset_t ss;
    int err;

    bool forks = !(argc > 2 && strcmp(argv[2], "nofork") == 0);

    if (argc < 2)
        return 2;
    sigemptyset(&ss);
    sigaddset(&ss, SIGALRM);
    pthread_sigmask(SIG_BLOCK, &ss, NULL);     /* inherited by all */
    signal(SIGALRM, on_alarm);
    setitimer(ITIMER_REAL, &it, NULL);
    pf_capture_heap_set_rate(64);
    pf_capture_set_mutex_fraction(1);
    pf_capture_set_block_rate(1);
    if ((err = pf_capture_cpu_set_rate(1000)) < 0)
        wl_die("rate", err);
    for (int i = 0; i < 2; i++)
        pthread_create(&sp[i], NULL, spawner, NULL);
    if (forks)
        pthread_create(&fk, NULL, forker, NULL);
    pthread_create(&bd, NULL, builder, NULL);
    pthread_create(&st, NULL, sig_target, NULL);
    pthread_create(&sr, NULL, sig_rival, NULL);
    if (dlpath)
        pthread_create(&dl, NULL, dl_churn, (void *)dlpath);
    for (int c = 0; c < 20; c++) {
        pf_membuf mb = PF_MEMBUF_INIT;
        pf_writer w;
        bool last = c == 19;
        if (last) {
            if ((err = pf_capture_writer_open(&w, argv[1])) < 0)
                wl_die(argv[1], err);
        } else {
            w = pf_writer_membuf(&mb);
        }
        if ((err = pf_capture_cpu_start(w)) < 0)
            wl_die("start", err);
        usleep(30000);
        if ((err = pf_capture_cpu_stop()) < 0)
            wl_die("stop", err);
        if (last && (err = pf_capture_writer_close(&w)) < 0)
            wl_die(argv[1], err);
        pf_membuf_release(&mb);
    }
    atomic_store(&g_stop, 1);
    for (int i = 0; i < 2; i++)
        pthread_join(sp[i], NULL);
    if (forks)
        pthread_join(fk, NULL);
    pthread_join(bd, NULL);
    pthread_join(st, NULL);
    pthread_join(sr, NULL);
    if (dlpath)
        pthread_join(dl, NULL);
    it.it_value.tv_usec = it.it_interval.tv_usec = 0;
    setitimer(ITIMER_REAL, &it, NULL);
    printf("ok ticks=%d threadcreate=%zu dlopen=%d\n", (int)g_ticks,
           pf_capture_profile_count(pf_capture_lookup("threadcreate")),
           atomic_load(&g_dl_rounds));
    return 0;
}
