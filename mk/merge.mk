# Merge benchmark programs (bench/merge/*.c): built by `make check` too
# (EXTRA_TESTS) so they keep compiling, run only by bench/merge/run.sh.

MERGE_BENCH_SRCS := $(sort $(wildcard bench/merge/*.c))
MERGE_BENCH_BINS := $(MERGE_BENCH_SRCS:bench/merge/%.c=$(O)/bench/merge/%)

EXTRA_TESTS += $(MERGE_BENCH_BINS)

$(O)/bench/merge/obj/%.o: bench/merge/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(BASE_CFLAGS) -Ilibprofile -MMD -MP -c $< -o $@

$(O)/bench/merge/%: $(O)/bench/merge/obj/%.o $(STATIC_LIB)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $< $(STATIC_LIB) $(DEP_LIBS)

merge-bench-tools: $(MERGE_BENCH_BINS)
bench: merge-bench-tools

.PHONY: merge-bench-tools
