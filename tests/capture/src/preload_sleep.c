/*
 * Threads that sleep and wait while the threads profile is fetched
 * (issue 11.4): profiling must not end their sleeps early. Until
 * STOPFILE exists (at most 60 s):
 *
 *   "nanosleeper"  nanosleep(300 ms) in a loop, in sleep_nano
 *   "sleeper"      sleep(1) in a loop, in sleep_secs
 *   "piperead"     one blocking read(2) on a pipe, in read_pipe; main
 *                  writes a byte at the end
 *
 * Any EINTR, or a short sleep(), counts. Prints "eintr N" at the end.
 *
 *   preload_sleep STOPFILE
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static _Atomic int g_eintr, g_stop;
static int g_pipe[2];

__attribute__((noinline)) static void sleep_nano(void)
{
    struct timespec ts = { 0, 300000000 };

    if (nanosleep(&ts, NULL) != 0 && errno == EINTR) {
        fprintf(stderr, "nanosleep: EINTR\n");
        g_eintr++;
    }
}

__attribute__((noinline)) static void sleep_secs(void)
{
    if (sleep(1) != 0) {
        fprintf(stderr, "sleep: woken early\n");
        g_eintr++;
    }
}

__attribute__((noinline)) static void read_pipe(void)
{
    char c;
    ssize_t k = read(g_pipe[0], &c, 1);

    if (k != 1) {
        fprintf(stderr, "read: %s\n", k < 0 ? "EINTR or error" : "EOF");
        g_eintr++;
    }
}

static void *nanosleeper(void *a)
{
    (void)a;
    while (!g_stop)
        sleep_nano();
    return NULL;
}

static void *sleeper(void *a)
{
    (void)a;
    while (!g_stop)
        sleep_secs();
    return NULL;
}

static void *piperead(void *a)
{
    (void)a;
    read_pipe();
    return NULL;
}

int main(int argc, char **argv)
{
    pthread_t th[3];
    void *(*fn[3])(void *) = { nanosleeper, sleeper, piperead };
    const char *name[3] = { "nanosleeper", "sleeper", "piperead" };

    if (argc != 2 || pipe(g_pipe) != 0)
        return 2;
    for (int i = 0; i < 3; i++) {
        if (pthread_create(&th[i], NULL, fn[i], NULL) != 0)
            return 1;
        pthread_setname_np(th[i], name[i]);
    }
    for (int i = 0; i < 600 && access(argv[1], F_OK) != 0; i++)
        usleep(100000);
    g_stop = 1;
    if (write(g_pipe[1], "x", 1) != 1)
        return 1;
    for (int i = 0; i < 3; i++)
        pthread_join(th[i], NULL);
    printf("eintr %d\n", g_eintr);
    return 0;
}
