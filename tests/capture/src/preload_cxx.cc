/*
 * A plain C++ program for LD_PRELOAD runs of the heap profile: each
 * function allocates a known number of bytes with one form of operator
 * new and keeps them (or frees them: churn), so that at heap rate 1 the
 * profile must charge exactly these bytes to exactly these functions.
 * libstdc++'s operator new has no frame pointer: without the
 * interposed operator new, the frame walk from malloc would skip the
 * function calling new.
 *
 * With "huge", it also checks that a failing operator new keeps C++'s
 * semantics through the interposer: std::bad_alloc thrown (through
 * the interposer's frame), NULL from the nothrow forms.
 *
 *   preload_cxx [huge]
 */
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <new>

struct Obj {
    long a[6];                          /* 48 bytes */
};
struct alignas(64) Aligned {
    char b[192];
};

/* visible and volatile: the compiler must keep every allocation */
void *volatile g_keep[8000];
static int g_n;

static void keep(void *p)
{
    g_keep[g_n++] = p;
}

__attribute__((noinline)) void make_arrays()          /* 4000 x 1024 */
{
    for (int i = 0; i < 4000; i++)
        keep(new int[256]);
}

__attribute__((noinline)) void make_objects()         /* 1000 x 48 */
{
    for (int i = 0; i < 1000; i++)
        keep(new Obj());
}

__attribute__((noinline)) void make_aligned()         /* 500 x 192 */
{
    for (int i = 0; i < 500; i++)
        keep(new Aligned());
}

__attribute__((noinline)) void make_nothrow()         /* 100 x 100 */
{
    for (int i = 0; i < 100; i++)
        keep(new (std::nothrow) char[100]);
}

__attribute__((noinline)) void churn()                /* 1000 x 512, freed */
{
    for (int i = 0; i < 1000; i++) {
        char *volatile p = new char[512];
        delete[] p;
    }
}

/* Sizes no allocator can serve. */
__attribute__((noinline)) int huge_fails()
{
    volatile std::size_t n = std::size_t(1) << 62;
    int ok = 0;

    try {
        char *p = new char[n];
        delete[] p;
    } catch (const std::bad_alloc &) {
        ok++;
    }
    try {
        Obj *p = new Obj[n / sizeof(Obj)];
        delete[] p;
    } catch (const std::bad_alloc &) {
        ok++;
    }
    if (new (std::nothrow) char[n] == nullptr)
        ok++;
    if (new (std::nothrow) Aligned[n / sizeof(Aligned)] == nullptr)
        ok++;
    return ok;
}

int main(int argc, char **argv)
{
    if (argc > 1 && std::strcmp(argv[1], "huge") == 0) {
        int ok = huge_fails();
        std::printf("huge failures seen: %d of 4\n", ok);
        return ok == 4 ? 0 : 4;
    }
    make_arrays();
    make_objects();
    make_aligned();
    make_nothrow();
    churn();
    for (int i = 0; i < g_n; i++)
        if (reinterpret_cast<std::size_t>(g_keep[i]) % alignof(Obj) != 0)
            return 3;
    std::printf("kept %d\n", g_n);
    return 0;
}
