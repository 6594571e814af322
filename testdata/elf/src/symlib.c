/*
 * Shared library of the symbolization tests: a function that inlines a
 * static helper, which calls back into the program to record its
 * return address. Lines marked @NAME are looked up by the tests.
 */
typedef void (*symtest_record_fn)(int id);

static volatile int lib_sink;

static inline __attribute__((always_inline)) void lib_leaf(
    symtest_record_fn rec, int x)
{
    rec(10 + x);                                        /* @lib_leaf */
    lib_sink++;
}

__attribute__((noinline)) void symlib_entry(symtest_record_fn rec, int x)
{
    lib_leaf(rec, x);                                   /* @lib_entry */
    lib_sink++;
}
