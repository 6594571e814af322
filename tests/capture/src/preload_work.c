/*
 * A plain program (not linked with libprofile-capture) for LD_PRELOAD
 * runs: two threads split their CPU 3:1 between three_parts and
 * one_part; kept_alloc keeps 2000 x 4 KiB; a SIGALRM handler of the
 * program allocates and frees on every tick (1 kHz), taken only while
 * the workers spin (an allocating handler that interrupts malloc itself
 * deadlocks in glibc's or ASan's allocator, profiler or not); a forked child
 * burns CPU in child_only_work and exits without exec.
 *
 *   preload_work SECONDS
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* per thread: the two workers would race on a shared one */
static _Thread_local volatile uint64_t sink;
static double g_seconds;
void *volatile g_keep[2000];   /* visible: the mallocs must stay */
/* atomic: the handler runs on both workers (a plain ++ is a data race,
 * which the TSan preload test reports) */
static _Atomic int g_ticks;

static int64_t cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

__attribute__((noinline)) static void spin(long n)
{
    uint64_t x = sink;
    for (long i = 0; i < n; i++)
        x = x * 6364136223846793005ull + 1442695040888963407ull;
    sink = x;
}

__attribute__((noinline)) void three_parts(long u) { spin(3 * u); }
__attribute__((noinline)) void one_part(long u) { spin(u); }

static void *worker(void *arg)
{
    int64_t until = cpu_ns() + (int64_t)(g_seconds * 1e9);
    uint64_t r = (uint64_t)(uintptr_t)&until;
    sigset_t ss;

    (void)arg;
    sigemptyset(&ss);
    sigaddset(&ss, SIGALRM);
    pthread_sigmask(SIG_UNBLOCK, &ss, NULL);
    while (cpu_ns() < until) {
        long u;
        r = r * 6364136223846793005ull + 1442695040888963407ull;
        u = 1000000 + (long)((r >> 33) % 2000000);
        three_parts(u);
        one_part(u);
    }
    pthread_sigmask(SIG_BLOCK, &ss, NULL);
    return NULL;
}

__attribute__((noinline)) void kept_alloc(void)
{
    for (int i = 0; i < 2000; i++)
        g_keep[i] = malloc(4096);
}

/* Not async-signal-safe on purpose: the profiler must not deadlock or
 * crash when a program does this. */
static void on_alarm(int sig)
{
    /* volatile: clang drops an unused malloc/free pair */
    void *volatile p = malloc(64 + (atomic_load(&g_ticks) & 255));
    (void)sig;
    free(p);
    atomic_fetch_add(&g_ticks, 1);
}

__attribute__((noinline)) void child_only_work(void)
{
    int64_t until = cpu_ns() + 200000000;
    while (cpu_ns() < until)
        spin(100000);
}

int main(int argc, char **argv)
{
    struct itimerval it = { { 0, 1000 }, { 0, 1000 } };
    pthread_t th[2];
    pid_t pid;
    sigset_t ss;
    int st;

    g_seconds = argc > 1 ? atof(argv[1]) : 0.5;
    sigemptyset(&ss);
    sigaddset(&ss, SIGALRM);
    pthread_sigmask(SIG_BLOCK, &ss, NULL);     /* workers unblock it */
    signal(SIGALRM, on_alarm);
    setitimer(ITIMER_REAL, &it, NULL);
    kept_alloc();
    pid = fork();
    if (pid == 0) {
        child_only_work();
        exit(0);
    }
    for (int i = 0; i < 2; i++)
        pthread_create(&th[i], NULL, worker, NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    waitpid(pid, &st, 0);
    it.it_value.tv_usec = it.it_interval.tv_usec = 0;
    setitimer(ITIMER_REAL, &it, NULL);
    fprintf(stderr, "ticks %d child %d\n", atomic_load(&g_ticks),
            WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    return 0;
}
