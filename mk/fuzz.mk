# make fuzz-smoke: every libFuzzer target (make fuzz, make fuzz-capture)
# for FUZZ_SECONDS each, on a copy of its corpus; FUZZ_RUNS=N instead
# runs N inputs from a fixed seed (FUZZ_SEED, default 1), which is what
# .ci/run does.
# Crashes are saved into testdata/fuzz/<target>/ (tests/fuzz/smoke.sh).
FUZZ_SECONDS ?= 30
FUZZ_RUNS ?=
FUZZ_SEED ?= 1

fuzz-smoke: fuzz fuzz-capture
	$(Q)FUZZ_RUNS=$(FUZZ_RUNS) FUZZ_SEED=$(FUZZ_SEED) tests/fuzz/smoke.sh $(FUZZ_SECONDS) \
	    $(FUZZ_TARGETS:%=$(FUZZ_O)/fuzz/%) $(CAP_FUZZ_O)/fuzz/fuzz_http_request

.PHONY: fuzz-smoke
