/* Seed of the symbolizer's fuzz target (mk/fuzz.mk builds it into
 * $(O)/tests/fuzz/seeds/symbolize/ as a shared object with DWARF, a
 * stripped copy and one cut short): functions at the addresses the
 * target asks about. */
static int leaf(int x) { return x * 3 + 1; }
__attribute__((noinline)) int middle(int x) { return leaf(x) ^ (x >> 2); }
int top(int n) { int s = 0; for (int i = 0; i < n; i++) s += middle(i); return s; }
