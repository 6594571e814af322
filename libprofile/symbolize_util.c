/*
 * The pure parts of the symbolizer: run-time to ELF address math, the
 * flattened interval index answering "which (inlined) function holds
 * this address" by binary search, and C++ demangling.
 *
 * Demangling uses libstdc++'s __cxa_demangle, loaded with dlopen on
 * first use rather than linked: libprofile stays a C library with no
 * C++ runtime dependency for its users, and any machine that ran C++
 * code worth symbolizing has libstdc++.so.6. Without it names stay
 * mangled (they are still correct, only harder to read).
 */
#include "symbolize_int.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>

/* ------------------------------------------------------------------ */
/* Address math                                                        */

int pf__sym_elf_addr(uint64_t *out, const pf_sym_seg *segs, size_t nseg,
                     bool is_exec, uint64_t start, uint64_t limit,
                     uint64_t offset, uint64_t addr)
{
    const pf_sym_seg *hit = NULL, *nobits = NULL;
    size_t i, nnobits = 0;
    uint64_t fo;

    *out = 0;
    if (start == 0 && offset == 0) {
        *out = addr;
        return PF_OK;
    }
    if (addr < start || (limit > start && addr >= limit))
        goto none;
    fo = addr - start + offset;
    if (fo < offset)                /* wrapped */
        goto none;
    for (i = 0; i < nseg; i++) {
        const pf_sym_seg *s = &segs[i];
        if (s->exec && s->filesz == 0 && s->memsz > 0) {
            nobits = s;
            nnobits++;
        }
        if (fo >= s->off && fo - s->off < s->filesz &&
            (!hit || (s->exec && !hit->exec)))
            hit = s;
    }
    if (hit) {
        *out = fo - hit->off + hit->vaddr;
        return PF_OK;
    }
    /* A separate debug file used alone (objcopy --only-keep-debug) has
     * program headers whose file offsets mean nothing: its code is
     * NOBITS. The kernel mapped the code segment from its page-aligned
     * start, so with one such segment the mapping start is that page. */
    if (nnobits == 1) {
        uint64_t ea = addr - start + (nobits->vaddr & ~UINT64_C(0xfff));
        if (addr >= start && ea >= nobits->vaddr &&
            ea - nobits->vaddr < nobits->memsz) {
            *out = ea;
            return PF_OK;
        }
    }
none:
    if (is_exec) {
        *out = addr;
        return PF_OK;
    }
    return pf__error_set(PF_ENOTFOUND,
                         "address 0x%llx: no segment holds file offset "
                         "0x%llx",
                         (unsigned long long)addr,
                         (unsigned long long)(addr - start + offset));
}

/* ------------------------------------------------------------------ */
/* Interval index                                                      */

static int range_cmp(const void *a, const void *b)
{
    const pf_sym_range *x = a, *y = b;

    if (x->lo != y->lo)
        return x->lo < y->lo ? -1 : 1;
    if (x->depth != y->depth)
        return x->depth < y->depth ? -1 : 1;
    if (x->hi != y->hi)
        return x->hi > y->hi ? -1 : 1;
    return x->node < y->node ? -1 : x->node > y->node;
}

static int emit(pf_sym_span **spans, size_t *n, size_t *cap, uint64_t lo,
                uint64_t hi, uint32_t node)
{
    if (lo >= hi)
        return PF_OK;
    if (*n && (*spans)[*n - 1].hi == lo && (*spans)[*n - 1].node == node) {
        (*spans)[*n - 1].hi = hi;
        return PF_OK;
    }
    PF_TRY(pf__vec_reserve((void **)spans, cap, *n + 1, sizeof(**spans)));
    (*spans)[*n].lo = lo;
    (*spans)[*n].hi = hi;
    (*spans)[*n].node = node;
    (*n)++;
    return PF_OK;
}

int pf__sym_flatten(pf_sym_range *r, size_t n, pf_sym_span **spans,
                    size_t *nspans, size_t *cap)
{
    const pf_sym_range **stack = NULL;
    size_t top = 0, i;
    uint64_t cur = 0;
    int err = PF_OK;

    if (n == 0)
        return PF_OK;
    /* A DIE tree walk yields ranges nearly in order: sort only if not. */
    for (i = 1; i < n && range_cmp(&r[i - 1], &r[i]) <= 0; i++)
        ;
    if (i < n)
        qsort(r, n, sizeof(*r), range_cmp);
    stack = pf__malloc(n * sizeof(*stack));
    if (!stack)
        return pf__error_oom();
    for (i = 0; i < n; i++) {
        const pf_sym_range *x = &r[i];
        if (x->lo >= x->hi)
            continue;
        /* Close everything that ends before X starts. */
        while (top && stack[top - 1]->hi <= x->lo) {
            const pf_sym_range *t = stack[--top];
            if (cur < t->hi) {
                if ((err = emit(spans, nspans, cap, cur, t->hi, t->node)) < 0)
                    goto done;
                cur = t->hi;
            }
        }
        if (top && cur < x->lo &&
            (err = emit(spans, nspans, cap, cur, x->lo,
                        stack[top - 1]->node)) < 0)
            goto done;
        if (cur < x->lo)
            cur = x->lo;
        stack[top++] = x;
    }
    while (top) {
        const pf_sym_range *t = stack[--top];
        if (cur < t->hi) {
            if ((err = emit(spans, nspans, cap, cur, t->hi, t->node)) < 0)
                goto done;
            cur = t->hi;
        }
    }
done:
    pf__free(stack);
    return err;
}

const pf_sym_span *pf__sym_span_find(const pf_sym_span *s, size_t n,
                                     uint64_t a)
{
    size_t lo = 0, hi = n;

    /* First span with lo > a, then step back one. */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s[mid].lo <= a)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0 || a >= s[lo - 1].hi)
        return NULL;
    return &s[lo - 1];
}

/* ------------------------------------------------------------------ */
/* Demangling                                                          */

typedef char *(*cxa_demangle_fn)(const char *, char *, size_t *, int *);

static pthread_once_t demangle_once = PTHREAD_ONCE_INIT;
static cxa_demangle_fn cxa_demangle;

static void demangle_load(void)
{
    void *h = dlopen("libstdc++.so.6", RTLD_LAZY | RTLD_LOCAL);
    void *sym;

    if (!h)
        return;
    sym = dlsym(h, "__cxa_demangle");
    /* The handle stays open for the life of the process on purpose. */
    memcpy(&cxa_demangle, &sym, sizeof(sym));
}

bool pf__sym_demangler_available(void)
{
    pthread_once(&demangle_once, demangle_load);
    return cxa_demangle != NULL;
}

char *pf__sym_demangle(const char *name, pf_demangle mode)
{
    char *d, *r;
    int status = 0;
    size_t len;

    if (mode == PF_DEMANGLE_NONE || strncmp(name, "_Z", 2) != 0 ||
        !pf__sym_demangler_available())
        return NULL;
    d = cxa_demangle(name, NULL, NULL, &status);
    if (!d || status != 0) {
        free(d);
        return NULL;
    }
    /* Hand back memory of our own allocator. */
    len = strlen(d);
    r = pf__malloc(len + 1);
    if (r)
        memcpy(r, d, len + 1);
    free(d);
    if (r && mode == PF_DEMANGLE_SIMPLE)
        pf__sym_simplify(r);
    return r;
}

static bool is_opchar(char c)
{
    return c && strchr("+-*/%^&|~!=<>,[]", c) != NULL;
}

void pf__sym_simplify(char *s)
{
    char *w = s, *start = s;
    const char *p = s;
    int angle = 0, paren = 0;

    while (*p) {
        /* Operator names are copied whole: "operator()", "operator<<",
         * "operator new[]", conversion "operator int". */
        if (angle == 0 && paren == 0 && strncmp(p, "operator", 8) == 0 &&
            (p == s || !(p[-1] == '_' || (p[-1] >= 'a' && p[-1] <= 'z') ||
                         (p[-1] >= 'A' && p[-1] <= 'Z') ||
                         (p[-1] >= '0' && p[-1] <= '9'))) &&
            !(p[8] == '_' || (p[8] >= 'a' && p[8] <= 'z') ||
              (p[8] >= 'A' && p[8] <= 'Z') || (p[8] >= '0' && p[8] <= '9'))) {
            memmove(w, p, 8);
            w += 8;
            p += 8;
            if (p[0] == '(' && p[1] == ')') {
                *w++ = '(';
                *w++ = ')';
                p += 2;
            } else if (is_opchar(*p)) {
                while (is_opchar(*p) && !(p[0] == '<' && p[1] == '>'))
                    *w++ = *p++;
            } else if (*p == ' ') {
                /* new, delete, new[], conversion operators. */
                *w++ = *p++;
                while (*p && *p != '(' && *p != '<')
                    *w++ = *p++;
            }
            if (p[0] == ' ' && p[1] == '<')   /* "operator< <T>" */
                p++;
            continue;
        }
        if (*p == '(' && angle == 0 && paren == 0 &&
            strncmp(p, "(anonymous namespace)", 21) == 0) {
            memmove(w, p, 21);
            w += 21;
            p += 21;
            continue;
        }
        if (*p == '{' && angle == 0 && paren == 0) {
            /* {lambda(int)#1}, {unnamed type#1}: verbatim to the '}'. */
            int depth = 0;
            do {
                if (*p == '{')
                    depth++;
                else if (*p == '}')
                    depth--;
                *w++ = *p++;
            } while (*p && depth > 0);
            continue;
        }
        switch (*p) {
        case '<':
            angle++;
            p++;
            continue;
        case '>':
            if (angle > 0)
                angle--;
            p++;
            continue;
        case '(':
            paren++;
            p++;
            continue;
        case ')':
            if (paren > 0)
                paren--;
            p++;
            continue;
        default:
            break;
        }
        if (angle || paren) {
            p++;
            continue;
        }
        if (*p == ' ') {
            /* A top-level space ends a return type ("void f") or
             * starts a qualifier after the parameters ("f() const"). */
            const char *q = p + 1;
            if (strncmp(q, "const", 5) == 0 || strncmp(q, "volatile", 8) == 0 ||
                *q == '&' || *q == '[' || w == start) {
                /* Drop trailing qualifiers and the rest of the word. */
                p = q;
                while (*p && *p != ' ' && *p != ':' && *p != '(' &&
                       *p != '<')
                    p++;
                continue;
            }
            w = start;          /* forget the return type */
            p = q;
            continue;
        }
        *w++ = *p++;
    }
    *w = '\0';
    /* Trailing "&" / "&&" ref-qualifiers. */
    while (w > s && (w[-1] == '&' || w[-1] == ' '))
        *--w = '\0';
}
