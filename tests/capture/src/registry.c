/*
 * Profiles registry, custom, threads and threadcreate profiles, and
 * error paths. API behaviour is asserted here (exit 1 on failure);
 * profiles are written to DIR for the shell test:
 *   DIR/custom.pb.gz       "example.com/files": 3 x open_a, 2 x open_b
 *                          (one more open_b added then removed)
 *   DIR/threads.pb.gz      main + 3 threads parked in parked_thread
 *   DIR/threads.txt        the same as debug=2
 *   DIR/threadcreate.pb.gz 3 threads from spawn_parked (+1 from main)
 *   DIR/errors.txt         one line per error case: pf_error_last()
 *
 *   registry DIR
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "workload.h"

#define CHECK(c)                                                           \
    do {                                                                   \
        if (!(c)) {                                                        \
            fprintf(stderr, "registry.c:%d: check failed: %s\n", __LINE__, \
                    #c);                                                   \
            exit(1);                                                       \
        }                                                                  \
    } while (0)

static pf_capture_profile *g_files;
static int g_fds[8];
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_cv = PTHREAD_COND_INITIALIZER;
static int g_release, g_parked;

__attribute__((noinline)) void open_a(int i)
{
    CHECK(pf_capture_profile_add(g_files, &g_fds[i], 0) == PF_OK);
}

__attribute__((noinline)) void open_b(int i)
{
    CHECK(pf_capture_profile_add(g_files, &g_fds[i], 0) == PF_OK);
}

__attribute__((noinline)) void parked_thread(void)
{
    pthread_mutex_lock(&g_mu);
    g_parked++;
    pthread_cond_broadcast(&g_cv);
    while (!g_release)
        pthread_cond_wait(&g_cv, &g_mu);
    pthread_mutex_unlock(&g_mu);
}

static void *parked(void *arg)
{
    (void)arg;
    parked_thread();
    return NULL;
}

__attribute__((noinline)) void spawn_parked(pthread_t *th, int n)
{
    for (int i = 0; i < n; i++)
        CHECK(pthread_create(&th[i], NULL, parked, NULL) == 0);
}

static void *noop(void *arg)
{
    return arg;
}

static void write_to(FILE *errs, const char *dir, const char *name,
                     const char *file, int debug)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, file);
    (void)errs;
    wl_write_profile(name, path, debug);
}

int main(int argc, char **argv)
{
    pf_capture_profile *list[32], *dup = NULL;
    pthread_t th[3], t0;
    pf_writer w, bad;
    char path[4096];
    FILE *errs;
    size_t n;

    if (argc != 2)
        return 2;
    snprintf(path, sizeof(path), "%s/errors.txt", argv[1]);
    CHECK((errs = fopen(path, "w")) != NULL);

    /* registry */
    CHECK(pf_capture_profile_new(&g_files, "example.com/files") == PF_OK);
    CHECK(pf_capture_profile_new(&dup, "example.com/files") == PF_EINVAL);
    CHECK(dup == NULL);
    fprintf(errs, "new_profile twice: %s\n", pf_error_last());
    CHECK(pf_capture_profile_new(&dup, "heap") == PF_EINVAL);
    CHECK(pf_capture_lookup("example.com/files") == g_files);
    CHECK(pf_capture_lookup("no-such-profile") == NULL);
    fprintf(errs, "lookup unknown: %s\n",
            pf_capture_lookup("no-such-profile") ? "found" : "not found");
    n = pf_capture_profiles(list, 32);
    CHECK(n == 7);
    for (size_t i = 0; i < n; i++)
        fprintf(errs, "profile %s\n", pf_capture_profile_name(list[i]));
    for (size_t i = 1; i < n; i++)
        CHECK(strcmp(pf_capture_profile_name(list[i - 1]),
                     pf_capture_profile_name(list[i])) < 0);

    /* custom profile */
    for (int i = 0; i < 3; i++)
        open_a(i);
    for (int i = 3; i < 6; i++)
        open_b(i);
    CHECK(pf_capture_profile_add(g_files, &g_fds[0], 0) == PF_EINVAL);
    fprintf(errs, "add twice: %s\n", pf_error_last());
    CHECK(pf_capture_profile_add(pf_capture_lookup("heap"), &g_fds[0], 0) ==
          PF_EINVAL);
    pf_capture_profile_remove(g_files, &g_fds[5]);
    pf_capture_profile_remove(g_files, &g_fds[7]);   /* absent: no-op */
    CHECK(pf_capture_profile_count(g_files) == 5);
    write_to(errs, argv[1], "example.com/files", "custom.pb.gz", 0);
    write_to(errs, argv[1], "example.com/files", "custom.txt", 1);

    /* threads and threadcreate */
    CHECK(pthread_create(&t0, NULL, noop, NULL) == 0);
    CHECK(pthread_join(t0, NULL) == 0);
    spawn_parked(th, 3);
    pthread_mutex_lock(&g_mu);
    while (g_parked < 3)
        pthread_cond_wait(&g_cv, &g_mu);
    pthread_mutex_unlock(&g_mu);
    usleep(20000);
    CHECK(pf_capture_profile_count(pf_capture_lookup("threads")) == 4);
    CHECK(pf_capture_profile_count(pf_capture_lookup("threadcreate")) == 4);
    write_to(errs, argv[1], "threads", "threads.pb.gz", 0);
    write_to(errs, argv[1], "threads", "threads.txt", 2);
    write_to(errs, argv[1], "threadcreate", "threadcreate.pb.gz", 0);
    write_to(errs, argv[1], "threadcreate", "threadcreate.txt", 1);
    pthread_mutex_lock(&g_mu);
    g_release = 1;
    pthread_cond_broadcast(&g_cv);
    pthread_mutex_unlock(&g_mu);
    for (int i = 0; i < 3; i++)
        pthread_join(th[i], NULL);

    /* errors */
    CHECK(pf_capture_writer_open(&bad, "/nonexistent-dir/cpu.pb.gz") == PF_EIO);
    fprintf(errs, "unwritable: %s\n", pf_error_last());
    CHECK(pf_capture_cpu_stop() == PF_EINVAL);
    fprintf(errs, "stop without start: %s\n", pf_error_last());
    snprintf(path, sizeof(path), "%s/cpu.pb.gz", argv[1]);
    CHECK(pf_capture_writer_open(&w, path) == PF_OK);
    CHECK(pf_capture_cpu_start(w) == PF_OK);
    CHECK(pf_capture_cpu_start(w) == PF_EINVAL);
    fprintf(errs, "start twice: %s\n", pf_error_last());
    CHECK(pf_capture_cpu_set_rate(500) == PF_EINVAL);
    fprintf(errs, "rate while running: %s\n", pf_error_last());
    CHECK(pf_capture_cpu_stop() == PF_OK);
    CHECK(pf_capture_writer_close(&w) == PF_OK);
    CHECK(pf_capture_cpu_set_rate(0) == PF_EINVAL);
    fprintf(errs, "bad rate: %s\n", pf_error_last());
    {
        /* a writer that fails: stop reports it and still stops */
        pf_writer failing = { NULL, NULL };
        CHECK(pf_capture_cpu_start(failing) == PF_EINVAL);
        fprintf(errs, "no writer: %s\n", pf_error_last());
    }
    fclose(errs);
    return 0;
}
