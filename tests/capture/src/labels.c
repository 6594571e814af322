/*
 * Labels: API behaviour (asserted here, exit 1 on failure) and a CPU
 * profile in which
 *  - labelled_work runs inside pf_capture_do({"request":"r1"}) on the
 *    main thread,
 *  - child_work runs on a thread created inside
 *    pf_capture_do({"request":"r2","stage":"child"}) (inherited labels),
 *  - unlabelled_work runs with no labels.
 *
 *   labels OUT
 */
#include <pthread.h>
#include <string.h>

#include "workload.h"

#define CHECK(c)                                                           \
    do {                                                                   \
        if (!(c)) {                                                        \
            fprintf(stderr, "labels.c:%d: check failed: %s\n", __LINE__, #c); \
            exit(1);                                                       \
        }                                                                  \
    } while (0)

static volatile uint64_t sink;

static void burn(double s)
{
    int64_t until = wl_thread_cpu_ns() + (int64_t)(s * 1e9);
    uint64_t x = sink;
    while (wl_thread_cpu_ns() < until)
        for (int i = 0; i < 100000; i++)
            x = x * 6364136223846793005ull + 1;
    sink = x;
}

__attribute__((noinline)) void labelled_work(void) { burn(0.3); }
__attribute__((noinline)) void unlabelled_work(void) { burn(0.3); }
__attribute__((noinline)) void child_work(void) { burn(0.3); }

static const pf_labelset *g_child_saw;

static void *child(void *arg)
{
    (void)arg;
    g_child_saw = pf_capture_thread_labels();
    child_work();
    return NULL;
}

static int in_r1(void *arg)
{
    const pf_labelset *cur = pf_capture_thread_labels();
    *(int *)arg = 1;
    CHECK(strcmp(pf_labelset_lookup(cur, "request"), "r1") == 0);
    labelled_work();
    return 7;
}

static int spawn_child(void *arg)
{
    pthread_t t;
    (void)arg;
    CHECK(pthread_create(&t, NULL, child, NULL) == 0);
    CHECK(pthread_join(t, NULL) == 0);
    return 0;
}

int main(int argc, char **argv)
{
    static const char *const r1[] = { "request", "r1" };
    static const char *const r2[] = { "request", "r2", "stage", "child" };
    static const char *const dup[] = { "b", "1", "a", "2", "b", "3" };
    const pf_labelset *l1, *l2, *l2b, *ld, *m;
    const char *k, *v;
    pf_writer w;
    int ran = 0, err;

    if (argc != 2)
        return 2;
    /* interning, ordering, last value wins, lookup, iteration */
    CHECK(pf_labelset_new(&l1, r1, 1) == PF_OK);
    CHECK(pf_labelset_new(&l2, r2, 2) == PF_OK);
    CHECK(pf_labelset_new(&l2b, r2, 2) == PF_OK && l2b == l2);
    CHECK(pf_labelset_new(&ld, dup, 3) == PF_OK);
    CHECK(pf_labelset_count(ld) == 2);
    pf_labelset_at(ld, 0, &k, &v);
    CHECK(strcmp(k, "a") == 0 && strcmp(v, "2") == 0);
    pf_labelset_at(ld, 1, &k, &v);
    CHECK(strcmp(k, "b") == 0 && strcmp(v, "3") == 0);
    CHECK(pf_labelset_lookup(ld, "c") == NULL);
    CHECK(pf_labelset_merge(&m, l1, l2) == PF_OK && m == l2);
    CHECK(pf_labelset_merge(&m, l1, ld) == PF_OK && pf_labelset_count(m) == 3);
    {
        static const char *const bad[] = { "", "x" };
        const pf_labelset *b = l1;
        CHECK(pf_labelset_new(&b, bad, 1) == PF_EINVAL && b == NULL);
    }
    /* do() scopes labels to the call and restores them */
    CHECK(pf_capture_thread_labels() == NULL);
    pf_capture_set_thread_labels(ld);
    CHECK(pf_capture_thread_labels() == ld);
    pf_capture_set_thread_labels(NULL);

    CHECK(pf_capture_cpu_set_rate(1000) == PF_OK);
    if ((err = pf_capture_writer_open(&w, argv[1])) < 0)
        wl_die(argv[1], err);
    if ((err = pf_capture_cpu_start(w)) < 0)
        wl_die("start", err);
    CHECK(pf_capture_do(l1, in_r1, &ran) == 7 && ran == 1);
    CHECK(pf_capture_thread_labels() == NULL);
    unlabelled_work();
    CHECK(pf_capture_do(l2, spawn_child, NULL) == 0);
    CHECK(g_child_saw == l2);
    if ((err = pf_capture_cpu_stop()) < 0)
        wl_die("stop", err);
    if ((err = pf_capture_writer_close(&w)) < 0)
        wl_die(argv[1], err);
    return 0;
}
