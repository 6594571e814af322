// C++ library of the symbolization tests (demangling): a member of a
// class template in a namespace, inlined into a function of an
// anonymous namespace, records its return address through the
// callback. symtest loads it with dlopen when given its path. Lines
// marked @NAME are looked up by the tests.
typedef void (*symtest_record_fn)(int id);

static volatile int cxx_sink;

namespace pfx {
template <typename T> struct Box {
    T v;
    __attribute__((always_inline)) inline void poke(symtest_record_fn rec) const
    {
        rec(20 + static_cast<int>(v > 0));                // @cxx_poke
        cxx_sink++;
    }
};

namespace {
__attribute__((noinline)) void helper(symtest_record_fn rec, int x)
{
    Box<int> b{x};
    b.poke(rec);                                          // @cxx_helper
    cxx_sink++;
}
} // namespace
} // namespace pfx

extern "C" __attribute__((noinline)) void symcxx_entry(symtest_record_fn rec,
                                                       int x)
{
    pfx::helper(rec, x);
    cxx_sink++;
}
