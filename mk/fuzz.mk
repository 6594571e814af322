# make fuzz-smoke: every libFuzzer target (make fuzz, make fuzz-capture)
# for FUZZ_SECONDS each, on a copy of its corpus; .ci/run calls it.
# Crashes are saved into testdata/fuzz/<target>/ (tests/fuzz/smoke.sh).
FUZZ_SECONDS ?= 30

fuzz-smoke: fuzz fuzz-capture
	$(Q)tests/fuzz/smoke.sh $(FUZZ_SECONDS) \
	    $(FUZZ_TARGETS:%=$(FUZZ_O)/fuzz/%) $(CAP_FUZZ_O)/fuzz/fuzz_http_request

.PHONY: fuzz-smoke
