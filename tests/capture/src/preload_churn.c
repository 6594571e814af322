/*
 * A plain program (not linked with libprofile-capture) for LD_PRELOAD
 * runs that stress the interposers from many short-lived threads:
 * rounds of 4 threads (spawn_batch) that contend on one mutex
 * (hold_mutex), on a rwlock (rw_read, rw_write) and on a condition
 * variable (wait_cond), burn CPU (churn_spin) and allocate, reallocate
 * and free blocks that other threads free later (churn_alloc); a
 * thread forks children that allocate and lock while the rounds go
 * on; at the end, a child execs this program again with "execd" (it
 * writes its own profiles, FILE.PID) unless this is that child.
 *
 *   preload_churn SECONDS [execd]
 *
 * Prints "ok rounds=N forks=N" on stdout and exits 0, or prints
 * "failed ..." and exits 3 if a child or a thread creation failed.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { NWORK = 4, NSLOT = 256 };

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t g_rw = PTHREAD_RWLOCK_INITIALIZER;
static uint64_t g_counter;              /* under g_mu */
static void *g_slot[NSLOT];             /* under g_mu */
static uint64_t g_table[64];            /* under g_rw */
static _Atomic int g_stop;
static _Atomic int g_failed;

/* One ping-pong pair per round: worker 0 waits for worker 1. */
struct pair {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int ready;
};

struct work {
    int id;
    unsigned seed;
    struct pair *pair;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned next(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 8;
}

_Atomic uint64_t g_spin_sink;     /* not static: a store to a static
                                    * no one reads is optimized away */

/* The loop works in a register and stores once (atomically: threads
 * share the sink): a volatile in the loop
 * would make every step a memory access, which TSan instruments, and
 * its CPU samples would land in __tsan_write8 instead of here. */
__attribute__((noinline)) void churn_spin(long n)
{
    uint64_t x = (uint64_t)n | 1;
    for (long i = 0; i < 8 * n; i++)    /* about the time of the old loop */
        x = x * 6364136223846793005ull + 1442695040888963407ull;
    atomic_store_explicit(&g_spin_sink, x, memory_order_relaxed);
}

/* One contention on g_mu that happens whatever the scheduler does:
 * in the first round, worker 2 holds g_mu inside hold_mutex until
 * worker 3 is about to lock it, then a while longer, so the mutex
 * profile (which charges the unlocking stack) has hold_mutex even on a
 * machine so busy that the workers never overlap by chance. */
static atomic_int g_forced_held, g_forced_waiting;

__attribute__((noinline)) void hold_mutex(unsigned *s, bool until_waited)
{
    pthread_mutex_lock(&g_mu);
    g_counter++;
    churn_spin(2000 + next(s) % 2000);
    if (until_waited) {
        double give_up = now_s() + 5;   /* worker 3 may not exist */
        atomic_store(&g_forced_held, 1);
        while (!atomic_load(&g_forced_waiting) && now_s() < give_up)
            sched_yield();
        usleep(50000);                  /* it is blocked by now */
    }
    pthread_mutex_unlock(&g_mu);
}

__attribute__((noinline)) uint64_t rw_read(void)
{
    uint64_t sum = 0;
    pthread_rwlock_rdlock(&g_rw);
    for (int i = 0; i < 64; i++)
        sum += g_table[i];
    churn_spin(1000);
    pthread_rwlock_unlock(&g_rw);
    return sum;
}

__attribute__((noinline)) void rw_write(unsigned *s)
{
    pthread_rwlock_wrlock(&g_rw);
    g_table[next(s) % 64]++;
    churn_spin(1000);
    pthread_rwlock_unlock(&g_rw);
}

__attribute__((noinline)) void wait_cond(struct pair *p)
{
    pthread_mutex_lock(&p->mu);
    while (!p->ready)
        pthread_cond_wait(&p->cv, &p->mu);
    pthread_mutex_unlock(&p->mu);
}

static void signal_cond(struct pair *p)
{
    pthread_mutex_lock(&p->mu);
    p->ready = 1;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

/* Blocks move between threads through g_slot: a block is often freed
 * by another thread than the one that allocated it, and the blocks
 * left in g_slot are live at exit (heap profile). */
__attribute__((noinline)) void churn_alloc(unsigned *s)
{
    for (int i = 0; i < 20; i++) {
        size_t n = 16 + next(s) % 4096;
        void *p, *old;
        unsigned k;
        switch (next(s) % 4) {
        case 0: p = malloc(n); break;
        case 1: p = calloc(1, n); break;
        case 2: p = realloc(malloc(n), 2 * n); break;
        default:
            if (posix_memalign(&p, 64, n) != 0)
                p = NULL;
        }
        if (!p)
            continue;
        memset(p, i, n < 64 ? n : 64);
        k = next(s) % NSLOT;
        pthread_mutex_lock(&g_mu);
        old = g_slot[k];
        g_slot[k] = p;
        pthread_mutex_unlock(&g_mu);
        free(old);
    }
}

static void *churn_worker(void *arg)
{
    struct work *w = arg;

    if (w->id == 0)
        wait_cond(w->pair);
    if (w->seed == 2) {                 /* round 0, worker 2 */
        hold_mutex(&w->seed, true);
    } else if (w->seed == 3) {          /* round 0, worker 3 */
        double give_up = now_s() + 5;
        while (!atomic_load(&g_forced_held) && now_s() < give_up)
            sched_yield();
        atomic_store(&g_forced_waiting, 1);
        hold_mutex(&w->seed, false);
    }
    for (int i = 0; i < 20; i++) {
        hold_mutex(&w->seed, false);
        if (next(&w->seed) % 4 == 0)
            rw_write(&w->seed);
        else
            (void)rw_read();
        churn_alloc(&w->seed);
        churn_spin(20000);
    }
    if (w->id == 1)
        signal_cond(w->pair);
    return NULL;
}

__attribute__((noinline)) void spawn_batch(unsigned round)
{
    pthread_t th[NWORK];
    struct work w[NWORK];
    struct pair p = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0 };

    for (int i = 0; i < NWORK; i++) {
        w[i].id = i;
        w[i].seed = round * NWORK + (unsigned)i;
        w[i].pair = &p;
        if (pthread_create(&th[i], NULL, churn_worker, &w[i]) != 0) {
            atomic_store(&g_failed, 1);
            for (int j = 0; j < i; j++)
                pthread_join(th[j], NULL);
            if (i <= 1)     /* worker 0 may wait for a worker 1 */
                signal_cond(&p);
            return;
        }
    }
    for (int i = 0; i < NWORK; i++)
        pthread_join(th[i], NULL);
    pthread_cond_destroy(&p.cv);
    pthread_mutex_destroy(&p.mu);
}

/* Children forked while the rounds run: they allocate and lock a mutex
 * of their own (g_mu may have been held at the fork) and leave. */
static void *forker(void *arg)
{
    int *forks = arg;

    while (!atomic_load(&g_stop)) {
        pid_t pid = fork();
        if (pid == 0) {
            pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
            unsigned s = 7;
            for (int i = 0; i < 100; i++) {
                void *p = malloc(16 + next(&s) % 1024);
                pthread_mutex_lock(&mu);
                free(p);
                pthread_mutex_unlock(&mu);
            }
            _exit(0);
        }
        if (pid > 0) {
            int st;
            if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
                WEXITSTATUS(st) != 0)
                atomic_store(&g_failed, 1);
            (*forks)++;
        }
        usleep(20000);
    }
    return NULL;
}

static int run_execd(const char *self)
{
    pid_t pid = fork();
    int st;

    if (pid == 0) {
        execl(self, self, "0.2", "execd", (char *)NULL);
        _exit(127);
    }
    if (pid < 0 || waitpid(pid, &st, 0) != pid)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 1, t0 = now_s();
    bool execd = argc > 2 && strcmp(argv[2], "execd") == 0;
    pthread_t fk;
    unsigned rounds = 0;
    int forks = 0;

    if (pthread_create(&fk, NULL, forker, &forks) != 0)
        return 3;
    do
        spawn_batch(rounds++);
    while (now_s() - t0 < seconds && !atomic_load(&g_failed));
    atomic_store(&g_stop, 1);
    pthread_join(fk, NULL);
    if (!execd && run_execd("/proc/self/exe") != 0)
        atomic_store(&g_failed, 1);
    printf("%s rounds=%u forks=%d\n", atomic_load(&g_failed) ? "failed" : "ok",
           rounds, forks);
    return atomic_load(&g_failed) ? 3 : 0;
}
