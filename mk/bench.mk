# Benchmarks (bench/): the profile generator and the codec bench driver.
# `make bench` builds them and runs bench/run.sh; `make check` builds them
# too (EXTRA_TESTS) so they keep compiling, but never runs them.
#
# Other areas' benchmark programs may live in bench/<area>/*.c; this file
# only builds bench/*.c and bench/proto/*.c.

BENCH_SRCS := $(sort $(wildcard bench/*.c bench/proto/*.c))
BENCH_BINS := $(patsubst %.c,$(O)/bench/%,$(notdir $(BENCH_SRCS)))
BENCH_CFLAGS := $(BASE_CFLAGS) -Ilibprofile

EXTRA_TESTS += $(BENCH_BINS)

$(O)/bench/obj/%.o: bench/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(BENCH_CFLAGS) -MMD -MP -c $< -o $@

$(O)/bench/obj/%.o: bench/proto/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(BENCH_CFLAGS) -MMD -MP -c $< -o $@

$(O)/bench/%: $(O)/bench/obj/%.o $(STATIC_LIB)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $< $(STATIC_LIB) $(DEP_LIBS)

bench-tools: $(BENCH_BINS)
bench: bench-tools

.PHONY: bench-tools
