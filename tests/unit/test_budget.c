/*
 * The memory budget of reads (arena.c): every allocation of a read is
 * charged, a refused one fails the read with PF_LIMIT_MEMORY, the
 * charge is given back when the read returns, and reads on several
 * threads share one budget.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers/fixture.h"
#include "internal.h"

static const char *const profile_path = "corpus/go_heap.pb.gz";

/* Peak charge of reading PATH alone. */
static uint64_t read_peak(const unsigned char *buf, size_t len)
{
    pf_budget *b = NULL;
    pf_decode_opts o = PF_DECODE_OPTS_INIT;
    pf_profile *p = NULL;
    uint64_t peak;

    assert_int_equal(pf_budget_new(&b, UINT64_C(1) << 40), PF_OK);
    o.budget = b;
    assert_int_equal(pf_profile_read(&p, NULL, buf, len, &o), PF_OK);
    pf_profile_free(p);
    peak = pf_budget_peak(b);
    pf_budget_free(b);
    return peak;
}

static void test_budget__small_cap_fails_the_read(void **state)
{
    size_t len;
    unsigned char *buf = fixture_read(profile_path, &len);
    uint64_t peak = read_peak(buf, len);
    pf_decode_opts o = PF_DECODE_OPTS_INIT;
    pf_profile *p = NULL;

    (void)state;
    assert_true(peak > 0);
    o.max_memory = peak / 2;
    assert_int_equal(pf_profile_read(&p, NULL, buf, len, &o), PF_ETOOBIG);
    assert_null(p);
    assert_int_equal(pf_error_limit(), PF_LIMIT_MEMORY);
    assert_non_null(strstr(pf_error_last(), "memory limit of"));
    /* pf_profile_decode has the same cap. */
    assert_int_equal(pf_profile_decode(&p, buf, len, &o), PF_ETOOBIG);
    assert_int_equal(pf_error_limit(), PF_LIMIT_MEMORY);
    /* Enough is enough. */
    o.max_memory = peak;
    assert_int_equal(pf_profile_read(&p, NULL, buf, len, &o), PF_OK);
    pf_profile_free(p);
    free(buf);
}

static void test_budget__charge_is_returned_after_each_read(void **state)
{
    size_t len;
    unsigned char *buf = fixture_read(profile_path, &len);
    uint64_t peak = read_peak(buf, len);
    pf_budget *b = NULL;
    pf_decode_opts o = PF_DECODE_OPTS_INIT;
    pf_profile *p[4];
    int i;

    (void)state;
    /* Room for one read at a time: reads one after the other all fit,
     * while the profiles they returned are still alive. */
    assert_int_equal(pf_budget_new(&b, peak), PF_OK);
    o.budget = b;
    for (i = 0; i < 4; i++)
        assert_int_equal(pf_profile_read(&p[i], NULL, buf, len, &o), PF_OK);
    assert_int_equal(pf_budget_peak(b), peak);
    for (i = 0; i < 4; i++)
        pf_profile_free(p[i]);
    pf_budget_free(b);
    free(buf);
}

/* A read held open on another thread: enter a scope, allocate, wait. */
typedef struct holder {
    pf_decode_opts opts;
    size_t bytes;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int state;              /* 0 start, 1 holding, 2 release, 3 done */
} holder;

static void *hold_main(void *arg)
{
    holder *h = arg;
    pf__budget_scope s;
    void *mem;

    assert_int_equal(pf__budget_enter(&s, &h->opts), PF_OK);
    mem = pf__malloc(h->bytes);
    pthread_mutex_lock(&h->mu);
    h->state = mem ? 1 : 3;
    pthread_cond_broadcast(&h->cv);
    while (h->state == 1)
        pthread_cond_wait(&h->cv, &h->mu);
    pthread_mutex_unlock(&h->mu);
    pf__free(mem);
    pf__budget_leave(&s, PF_OK);
    return NULL;
}

static void test_budget__parallel_reads_share_it(void **state)
{
    size_t len;
    unsigned char *buf = fixture_read(profile_path, &len);
    uint64_t peak = read_peak(buf, len);
    pf_budget *b = NULL;
    pf_profile *p = NULL;
    holder h;
    pthread_t th;

    (void)state;
    assert_int_equal(pf_budget_new(&b, peak + peak / 2), PF_OK);
    memset(&h, 0, sizeof(h));
    h.opts = (pf_decode_opts)PF_DECODE_OPTS_INIT;
    h.opts.budget = b;
    h.bytes = (size_t)(peak * 3 / 4);
    pthread_mutex_init(&h.mu, NULL);
    pthread_cond_init(&h.cv, NULL);
    assert_int_equal(pthread_create(&th, NULL, hold_main, &h), 0);
    pthread_mutex_lock(&h.mu);
    while (h.state == 0)
        pthread_cond_wait(&h.cv, &h.mu);
    pthread_mutex_unlock(&h.mu);
    assert_int_equal(h.state, 1);
    /* While the other thread holds 3/4 of a read, this read does not
     * fit: the budget is one for both. */
    assert_int_equal(pf_profile_read(&p, NULL, buf, len, &h.opts), PF_ETOOBIG);
    assert_int_equal(pf_error_limit(), PF_LIMIT_MEMORY);
    pthread_mutex_lock(&h.mu);
    h.state = 2;
    pthread_cond_broadcast(&h.cv);
    pthread_mutex_unlock(&h.mu);
    pthread_join(th, NULL);
    /* Released: it fits again. */
    assert_int_equal(pf_profile_read(&p, NULL, buf, len, &h.opts), PF_OK);
    pf_profile_free(p);
    pthread_mutex_destroy(&h.mu);
    pthread_cond_destroy(&h.cv);
    pf_budget_free(b);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_budget__small_cap_fails_the_read),
        cmocka_unit_test(test_budget__charge_is_returned_after_each_read),
        cmocka_unit_test(test_budget__parallel_reads_share_it),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
