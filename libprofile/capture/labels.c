/*
 * Label sets: immutable, interned (equal sets are one pointer) and
 * never freed, so a signal handler may hold a pointer to one taken from
 * thread-local storage without any reference counting, and the CPU
 * stack table can use the pointer as part of its key.
 */
#include <stdlib.h>

#include "capint.h"

struct pf_labelset {
    struct pf_labelset *next;       /* intern hash chain */
    uint64_t hash;
    size_t n;
    struct {
        const char *key, *value;
    } kv[];
};

#define NBUCKET 1024
static pf_cap_lock g_lock = PF_CAP_LOCK_INIT;
static pf_labelset *g_bucket[NBUCKET];

typedef struct pair {
    const char *key, *value;
} pair;

static int cmp_pair(const void *a, const void *b)
{
    return strcmp(((const pair *)a)->key, ((const pair *)b)->key);
}

/* Sort by key; for a repeated key keep the last value (stable: pairs
 * are sorted with their input order as tie-break). */
static size_t normalize(pair *p, size_t n)
{
    size_t out = 0;

    /* insertion sort keeps input order among equal keys; sets are small */
    for (size_t i = 1; i < n; i++) {
        pair x = p[i];
        size_t j = i;
        while (j > 0 && cmp_pair(&p[j - 1], &x) > 0) {
            p[j] = p[j - 1];
            j--;
        }
        p[j] = x;
    }
    for (size_t i = 0; i < n; i++) {
        if (out > 0 && strcmp(p[out - 1].key, p[i].key) == 0)
            p[out - 1] = p[i];
        else
            p[out++] = p[i];
    }
    return out;
}

static int intern(const pf_labelset **out, pair *p, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    pf_labelset *ls;
    size_t bytes, strbytes = 0;
    char *s;
    int err = PF_OK;

    n = normalize(p, n);
    for (size_t i = 0; i < n; i++) {
        h = pf__hash_bytes(p[i].key, strlen(p[i].key), h);
        h = pf__hash_bytes(p[i].value, strlen(p[i].value) + 1, h);
        strbytes += strlen(p[i].key) + strlen(p[i].value) + 2;
    }
    if (n == 0) {
        *out = NULL;
        return PF_OK;
    }
    pf__cap_tls_sigvar.in_hook++;
    pf__cap_lock(&g_lock);
    for (ls = g_bucket[h % NBUCKET]; ls; ls = ls->next) {
        size_t i;
        if (ls->hash != h || ls->n != n)
            continue;
        for (i = 0; i < n; i++)
            if (strcmp(ls->kv[i].key, p[i].key) != 0 ||
                strcmp(ls->kv[i].value, p[i].value) != 0)
                break;
        if (i == n)
            goto done;
    }
    bytes = sizeof(*ls) + n * sizeof(ls->kv[0]) + strbytes;
    ls = pf__malloc(bytes);
    if (!ls) {
        err = pf__error_oom();
        goto done;
    }
    ls->hash = h;
    ls->n = n;
    s = (char *)&ls->kv[n];
    for (size_t i = 0; i < n; i++) {
        size_t kl = strlen(p[i].key) + 1, vl = strlen(p[i].value) + 1;
        memcpy(s, p[i].key, kl);
        ls->kv[i].key = s;
        s += kl;
        memcpy(s, p[i].value, vl);
        ls->kv[i].value = s;
        s += vl;
    }
    ls->next = g_bucket[h % NBUCKET];
    /* published by one release store: the chains are consistent at any
     * instant, which a forked child relies on */
    __atomic_store_n(&g_bucket[h % NBUCKET], ls, __ATOMIC_RELEASE);
done:
    pf__cap_unlock(&g_lock);
    pf__cap_tls_sigvar.in_hook--;
    *out = err < 0 ? NULL : ls;
    return err;
}

int pf_labelset_new(const pf_labelset **out, const char *const *kv,
                    size_t npairs)
{
    pair *p;
    int err;

    *out = NULL;
    if (npairs > 4096)
        return pf__error_set(PF_EINVAL, "too many labels (%zu)", npairs);
    if (npairs && !kv)
        return pf__error_set(PF_EINVAL, "labels: NULL pairs");
    for (size_t i = 0; i < npairs; i++)
        if (!kv[2 * i] || !kv[2 * i][0] || !kv[2 * i + 1])
            return pf__error_set(PF_EINVAL, "label %zu: %s", i,
                                 !kv[2 * i] || !kv[2 * i][0]
                                     ? "empty key" : "NULL value");
    p = pf__malloc((npairs + 1) * sizeof(*p));
    if (!p)
        return pf__error_oom();
    for (size_t i = 0; i < npairs; i++) {
        p[i].key = kv[2 * i];
        p[i].value = kv[2 * i + 1];
    }
    err = intern(out, p, npairs);
    pf__free(p);
    return err;
}

int pf_labelset_merge(const pf_labelset **out, const pf_labelset *base,
                      const pf_labelset *add)
{
    size_t nb = base ? base->n : 0, na = add ? add->n : 0;
    pair *p;
    int err;

    *out = NULL;
    if (na == 0) {
        *out = base;
        return PF_OK;
    }
    if (nb == 0) {
        *out = add;
        return PF_OK;
    }
    p = pf__malloc((nb + na) * sizeof(*p));
    if (!p)
        return pf__error_oom();
    for (size_t i = 0; i < nb; i++) {
        p[i].key = base->kv[i].key;
        p[i].value = base->kv[i].value;
    }
    for (size_t i = 0; i < na; i++) {
        p[nb + i].key = add->kv[i].key;
        p[nb + i].value = add->kv[i].value;
    }
    err = intern(out, p, nb + na);
    pf__free(p);
    return err;
}

size_t pf_labelset_count(const pf_labelset *ls)
{
    return ls ? ls->n : 0;
}

void pf_labelset_at(const pf_labelset *ls, size_t i, const char **key,
                    const char **value)
{
    if (!ls || i >= ls->n) {
        *key = *value = NULL;
        return;
    }
    *key = ls->kv[i].key;
    *value = ls->kv[i].value;
}

const char *pf_labelset_lookup(const pf_labelset *ls, const char *key)
{
    size_t lo = 0, hi = ls ? ls->n : 0;

    while (key && lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(key, ls->kv[mid].key);
        if (c == 0)
            return ls->kv[mid].value;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

const pf_labelset *pf_capture_thread_labels(void)
{
    return pf__cap_tls_sigvar.labels;
}

void pf_capture_set_thread_labels(const pf_labelset *ls)
{
    /* A plain store: the handler on this thread sees either the old or
     * the new pointer, both immutable and never freed. */
    pf__cap_tls_sigvar.labels = ls;
}

int pf_capture_do(const pf_labelset *labels, int (*fn)(void *arg), void *arg)
{
    const pf_labelset *old = pf__cap_tls_sigvar.labels, *merged = NULL;
    int rc;

    if (pf_labelset_merge(&merged, old, labels) == PF_OK)
        pf__cap_tls_sigvar.labels = merged;
    rc = fn(arg);
    pf__cap_tls_sigvar.labels = old;
    return rc;
}

/* Forked child (capint.h): the chains are always consistent (one
 * publishing store), so only the lock needs resetting. */
void pf__cap_labels_fork_child(void)
{
    pf__cap_lock_reset(&g_lock);
}
