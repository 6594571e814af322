# make fuzz-smoke: every libFuzzer target (make fuzz, make fuzz-capture)
# for FUZZ_SECONDS each, on a copy of its corpus; FUZZ_RUNS=N instead
# runs N inputs from a fixed seed (FUZZ_SEED, default 1), which is what
# .ci/run does.
# Crashes are saved into testdata/fuzz/<target>/ (tests/fuzz/smoke.sh).
#
# Seeds that are binaries are built, not committed: the symbolizer's
# ELF files come from tests/fuzz/seeds/tiny.c into $(FUZZ_SEEDS)/symbolize/
# (a shared object with DWARF, one with split DWARF, a stripped copy and
# one cut short after its headers). make check replays them beside
# testdata/fuzz/symbolize/, and fuzz-smoke starts from both.
FUZZ_SEEDS := $(O)/tests/fuzz/seeds
FUZZ_SYM_SEEDS := $(addprefix $(FUZZ_SEEDS)/symbolize/,tiny_dwarf.so \
    tiny_split_dwarf.so tiny_stripped.so tiny_truncated.so)
EXTRA_TESTS += $(FUZZ_SYM_SEEDS)

$(FUZZ_SEEDS)/symbolize/tiny_dwarf.so: tests/fuzz/seeds/tiny.c
	@mkdir -p $(dir $@)
	@echo "  SEED    $@"
	$(Q)$(CC) -shared -nostdlib -g -O1 -fPIC -o $@ $<
$(FUZZ_SEEDS)/symbolize/tiny_split_dwarf.so: tests/fuzz/seeds/tiny.c
	@mkdir -p $(dir $@)
	$(Q)cd $(dir $@) && $(CC) -shared -nostdlib -g -O1 -fPIC -gsplit-dwarf \
	    -o $(notdir $@) $(CURDIR)/$<
$(FUZZ_SEEDS)/symbolize/tiny_stripped.so: $(FUZZ_SEEDS)/symbolize/tiny_dwarf.so
	$(Q)strip -o $@ $<
$(FUZZ_SEEDS)/symbolize/tiny_truncated.so: $(FUZZ_SEEDS)/symbolize/tiny_dwarf.so
	$(Q)head -c 1200 $< >$@

FUZZ_SECONDS ?= 30
FUZZ_RUNS ?=
FUZZ_SEED ?= 1

fuzz-smoke: fuzz fuzz-capture $(FUZZ_SYM_SEEDS)
	$(Q)FUZZ_RUNS=$(FUZZ_RUNS) FUZZ_SEED=$(FUZZ_SEED) FUZZ_SEEDS=$(FUZZ_SEEDS) \
	    tests/fuzz/smoke.sh $(FUZZ_SECONDS) \
	    $(FUZZ_TARGETS:%=$(FUZZ_O)/fuzz/%) $(CAP_FUZZ_O)/fuzz/fuzz_http_request

.PHONY: fuzz-smoke
