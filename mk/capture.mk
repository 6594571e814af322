# libprofile-capture: the runtime capture module (libprofile/capture/).
#
#   $(O)/lib/libprofile-capture.a    capture objects only: link with
#                                    -lprofile-capture -lprofile $(DEP_LIBS) -ldl
#   $(O)/lib/libprofile-capture.so   self-contained (libprofile linked in),
#                                    for linking or LD_PRELOAD
#   $(O)/bin/pprofrecord             runs a command under LD_PRELOAD
#   $(O)/tests/capture/*             workload programs of the capture tests
#   make check-sigsafe               undefined symbols of the signal path
#
# Everything in the module is built with frame pointers: the unwinder
# walks them, and the interposers' own frames must be walkable.

CAP_SRCS := $(sort $(wildcard libprofile/capture/*.c))
CAP_OBJS := $(CAP_SRCS:%.c=$(O)/%.o)
CAP_SIG_OBJS := $(addprefix $(O)/libprofile/capture/,sig.o sigmark.o sigtrace.o \
    stacktab.o unwind.o unwind_dwarf.o)
CAP_CFLAGS := $(LIB_CFLAGS) -fno-omit-frame-pointer -Ilibprofile/capture
CAP_STATIC := $(O)/lib/libprofile-capture.a
CAP_SHARED := $(O)/lib/libprofile-capture.so
# libmicrohttpd (the /debug/pprof/ server, httpd.c) is not linked: the
# server dlopens it when first started. Only its header is needed here.
CAP_LIBS := $(DEP_LIBS) -ldl -lrt
CAP_TEST_SRCS := $(sort $(wildcard tests/capture/src/*.c))
CAP_TEST_BINS := $(CAP_TEST_SRCS:tests/capture/src/%.c=$(O)/tests/capture/%)
CAP_TEST_CFLAGS := $(BASE_CFLAGS) -O1 -fno-omit-frame-pointer \
                   -fno-optimize-sibling-calls -fno-inline \
                   -Ilibprofile -Ilibprofile/capture
CAP_TOOL := $(O)/bin/pprofrecord

# pprofrecord is built by the generic tool rule (it only sets the
# environment and execs; it finds libprofile-capture.so in ../lib).
EXTRA_ALL += $(CAP_STATIC) $(CAP_SHARED)
EXTRA_TESTS += $(CAP_TEST_BINS) check-sigsafe
EXTRA_INSTALL += install -m 644 $(CAP_STATIC) $(DESTDIR)$(LIBDIR)/ && \
    install -m 755 $(CAP_SHARED) $(DESTDIR)$(LIBDIR)/ && \
    install -m 644 libprofile/capture/capture.h \
        $(DESTDIR)$(INCLUDEDIR)/libprofile/ && \
    install -m 755 $(CAP_TOOL) $(DESTDIR)$(BINDIR)/;

$(CAP_OBJS): | $(O)/proto/profile.pb-c.h

# The interposers run before the sanitizer runtime is initialised (ASan
# allocates while it sets itself up): no instrumentation there.
$(O)/libprofile/capture/mallocwrap.o $(O)/libprofile/capture/contention.o: \
    CAP_EXTRA := $(if $(SANITIZE),-fno-sanitize=all)

$(O)/libprofile/capture/%.o: libprofile/capture/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(CAP_CFLAGS) $(CAP_EXTRA) -MMD -MP -c $< -o $@

$(CAP_STATIC): $(CAP_OBJS)
	@mkdir -p $(dir $@)
	@echo "  AR      $@"
	$(Q)rm -f $@ && ar rcs $@ $^

$(CAP_SHARED): $(CAP_OBJS) $(STATIC_LIB)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) -shared -Wl,-soname,libprofile-capture.so $(LDFLAGS_ALL) \
	    -o $@ $(CAP_OBJS) $(STATIC_LIB) $(CAP_LIBS)

# Workloads: tests/capture/src/NAME.c. Those named preload_* are plain
# programs (profiled through LD_PRELOAD); the others link the static
# capture library.
$(O)/tests/capture/preload_%: tests/capture/src/preload_%.c
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CC) $(CAP_TEST_CFLAGS) $(LDFLAGS_ALL) -o $@ $< -lpthread -lm

# C++ workloads (preload_*.cc): plain programs too.
CAP_CXX_SRCS := $(sort $(wildcard tests/capture/src/preload_*.cc))
CAP_CXX_BINS := $(CAP_CXX_SRCS:tests/capture/src/%.cc=$(O)/tests/capture/%)
EXTRA_TESTS += $(CAP_CXX_BINS)
CXX ?= g++
$(O)/tests/capture/preload_%: tests/capture/src/preload_%.cc
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CXX) -std=c++17 -g -O1 -Wall -Wextra -Werror $(SANFLAGS) \
	    -fno-omit-frame-pointer -fno-optimize-sibling-calls -fno-inline \
	    $(LDFLAGS_ALL) -o $@ $<

$(O)/tests/capture/%: tests/capture/src/%.c $(CAP_STATIC) $(STATIC_LIB) \
                      tests/capture/src/workload.h
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CC) $(CAP_TEST_CFLAGS) $(LDFLAGS_ALL) -o $@ $< $(CAP_STATIC) \
	    $(STATIC_LIB) $(CAP_LIBS) -lpthread -lm

# Signal-path objects may only call each other (*_sig, *_sigvar data)
# and this allow-list. Sanitizer builds add their runtime's hooks.
CAP_SIGSAFE_ALLOW := write clock_gettime __errno_location memcpy memset \
    __stack_chk_fail _GLOBAL_OFFSET_TABLE_
CAP_SIGSAFE_SAN := $(if $(SANITIZE),'^__(asan|ubsan|tsan|sanitizer)_')

check-sigsafe: $(CAP_SIG_OBJS)
	@bad=$$(nm -u $(CAP_SIG_OBJS) | awk 'NF==2 {print $$2} NF==1 && $$1 !~ /:$$/ {print $$1}' | \
	    sort -u | grep -v -x -F $(foreach s,$(CAP_SIGSAFE_ALLOW),-e $(s)) | \
	    grep -v -E -e '_sig$$' -e '_sigvar$$' \
	        $(if $(SANITIZE),-e $(CAP_SIGSAFE_SAN)) || true); \
	if [ -n "$$bad" ]; then \
	    echo "check-sigsafe: signal-path objects call unsafe symbols:" $$bad >&2; \
	    exit 1; \
	fi; echo "  SIGSAFE $(CAP_SIG_OBJS)"

.PHONY: check-sigsafe

# Fork under sanitizers. GCC 12's ASan and TSan runtimes do not lock
# their allocators around fork(): a child forked while another thread
# is inside them hangs there (seen in gdb: a size-class mutex owned by
# a thread the child does not have). clang 19's runtimes do (Debian
# bookworm: clang-19, libclang-rt-19-dev), so when SAN_CC is found the
# TSan stress build uses it, and the ASan build (SANITIZE=1) adds a
# clang 19 build of the stress workload in $(O)-clang: both then run
# with fork. Their runtimes are linked shared (-shared-libsan) so that
# dlsym(RTLD_NEXT) from our interposers reaches the runtime's malloc
# and pthread_create; with clang's default static runtime it would skip
# them (they sit in the executable, beside ours).
SAN_CC ?= $(shell command -v clang-19 2>/dev/null)
SAN_LDFLAGS = -shared-libsan \
    -Wl,-rpath,$(shell $(SAN_CC) -print-resource-dir)/lib/linux

ifneq ($(SANITIZE),)
ifneq ($(SAN_CC),)
EXTRA_TESTS += cap-clang-stress
# A sub-make: the whole library is rebuilt by clang with ASan+UBSan,
# since objects of two sanitizer runtimes do not mix.
cap-clang-stress:
	$(Q)$(MAKE) --no-print-directory O=$(O)-clang CC=$(SAN_CC) SAN_CC= \
	    SANITIZE=1 LDFLAGS="$(SAN_LDFLAGS) $(LDFLAGS)" \
	    $(O)-clang/tests/capture/stress
.PHONY: cap-clang-stress
endif
endif

# ThreadSanitizer run of the stress workload (tests/interop/capture_tsan.sh,
# or `make check-capture-tsan`). Only in the plain build: TSan cannot be
# combined with ASan. The capture module and the workload are built with
# -fsanitize=thread into $(CAP_TSAN_O); libprofile.a (single-threaded
# profile building) is the plain one. As under ASan, the interposers
# (mallocwrap.o, contention.o) are not instrumented: they run while the
# TSan runtime initialises (its dlsym calls allocate); dlsym(RTLD_NEXT)
# from them reaches TSan's own malloc and pthread interceptors. The
# frame walkers (unwind.o, unwind_dwarf.o), which they call, are not
# instrumented either: they read raw stack words, and code bytes of
# executable mappings.
ifeq ($(SANITIZE),)
CAP_TSAN_O := $(O)-tsan
CAP_TSAN_OBJS := $(CAP_SRCS:%.c=$(CAP_TSAN_O)/%.o)
CAP_TSAN_LIB := $(CAP_TSAN_O)/lib/libprofile-capture.a
CAP_TSAN_BINS := $(CAP_TSAN_O)/tests/capture/stress
CAP_TSAN_FLAGS := -fsanitize=thread -O1 -fno-omit-frame-pointer
CAP_TSAN_CC := $(or $(SAN_CC),$(CC))
CAP_TSAN_LDFLAGS := $(if $(SAN_CC),$(SAN_LDFLAGS))
EXTRA_TESTS += $(CAP_TSAN_BINS)

$(CAP_TSAN_OBJS): | $(O)/proto/profile.pb-c.h
$(CAP_TSAN_O)/libprofile/capture/mallocwrap.o \
$(CAP_TSAN_O)/libprofile/capture/contention.o \
$(CAP_TSAN_O)/libprofile/capture/unwind.o \
$(CAP_TSAN_O)/libprofile/capture/unwind_dwarf.o: CAP_EXTRA := -fno-sanitize=all
# the interposers' lock, invisible to TSan, announced to it (capint.h)
$(CAP_TSAN_O)/libprofile/capture/mallocwrap.o \
$(CAP_TSAN_O)/libprofile/capture/contention.o: CAP_EXTRA += -DPF_CAP_TSAN_SYNC

$(CAP_TSAN_O)/libprofile/capture/%.o: libprofile/capture/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CAP_TSAN_CC) $(CAP_CFLAGS) $(CAP_TSAN_FLAGS) $(CAP_EXTRA) -MMD -MP \
	    -c $< -o $@

$(CAP_TSAN_LIB): $(CAP_TSAN_OBJS)
	@mkdir -p $(dir $@)
	@echo "  AR      $@"
	$(Q)rm -f $@ && ar rcs $@ $^

$(CAP_TSAN_O)/tests/capture/%: tests/capture/src/%.c $(CAP_TSAN_LIB) \
                               $(STATIC_LIB) tests/capture/src/workload.h
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CAP_TSAN_CC) $(CAP_TEST_CFLAGS) $(CAP_TSAN_FLAGS) $(LDFLAGS_ALL) \
	    $(CAP_TSAN_LDFLAGS) -o $@ $< $(CAP_TSAN_LIB) $(STATIC_LIB) \
	    $(CAP_LIBS) -lpthread -lm

-include $(CAP_TSAN_OBJS:.o=.d)

# LD_PRELOAD mode under TSan (tests/interop/capture_tsan_preload.sh):
# the instrumented capture objects (PIC, as all of $(CAP_CFLAGS)) with
# the plain PIC libprofile.a in a shared library that does not link the
# TSan runtime: its __tsan_* references bind to the runtime the program
# brings (a DT_NEEDED of the program, so it comes after the preloaded
# library in lookup order, and dlsym(RTLD_NEXT) from our malloc and
# pthread interposers reaches its interceptors). It therefore loads
# only into programs that bring that runtime: the test preloads it by a
# $ORIGIN-relative path, which other programs exec'd meanwhile (among
# them llvm-symbolizer, started by TSan for a report) do not resolve.
# The workloads are plain programs (preload_*.c) built with
# -fsanitize=thread. clang 19 only: they fork, and GCC 12's runtime is
# not fork-safe (above).
ifneq ($(SAN_CC),)
CAP_TSAN_SHARED := $(CAP_TSAN_O)/lib/libprofile-capture.so
CAP_TSAN_PRELOAD_BINS := $(addprefix $(CAP_TSAN_O)/tests/capture/, \
    preload_work preload_churn)
EXTRA_TESTS += $(CAP_TSAN_SHARED) $(CAP_TSAN_PRELOAD_BINS)

$(CAP_TSAN_SHARED): $(CAP_TSAN_OBJS) $(STATIC_LIB)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CAP_TSAN_CC) -shared -Wl,-soname,libprofile-capture.so \
	    $(LDFLAGS_ALL) -o $@ $(CAP_TSAN_OBJS) $(STATIC_LIB) $(CAP_LIBS)

$(CAP_TSAN_O)/tests/capture/preload_%: tests/capture/src/preload_%.c
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CAP_TSAN_CC) $(CAP_TEST_CFLAGS) $(CAP_TSAN_FLAGS) $(LDFLAGS_ALL) \
	    $(CAP_TSAN_LDFLAGS) -o $@ $< -lpthread -lm
endif

# Both TSan tests: linked-in, then LD_PRELOAD (which skips without
# clang 19).
check-capture-tsan: $(CAP_TSAN_BINS) $(CAP_TSAN_SHARED) \
                    $(CAP_TSAN_PRELOAD_BINS)
	$(Q)for t in capture_tsan capture_tsan_preload; do \
	    w=$$(mktemp -d) && O=$(O) BIN=$(CURDIR)/$(O)/bin TZ=UTC LC_ALL=C \
	    TESTDATA=$(CURDIR)/testdata CORPUS=$(CURDIR)/testdata/corpus \
	    TESTLIB=$(CURDIR)/tests/lib.sh WORK=$$w \
	    bash tests/interop/$$t.sh; rc=$$?; rm -rf $$w; \
	    [ $$rc -eq 0 ] || [ $$rc -eq 77 ] || exit $$rc; \
	done

.PHONY: check-capture-tsan
endif

# Fuzzing the HTTP endpoint's request handling
# (tests/fuzz/capture/fuzz_http_request.c): a replay binary that `make
# check` runs over testdata/fuzz/http_request/ (tests/run.sh, suite
# fuzz), and `make fuzz-capture`, a libFuzzer build by clang 19. The
# capture library interposes malloc and pthread_create, so the fuzzer's
# sanitizer runtime is linked shared (as for the clang stress build) and
# the library is built by a sub-make with coverage instrumentation.
# (libFuzzer brings libstdc++ ahead of that runtime in the library list:
# run with ASAN_OPTIONS=verify_asan_link_order=0.)
CAP_FUZZ_REPLAY := $(O)/tests/fuzz/fuzz_http_request
EXTRA_TESTS += $(CAP_FUZZ_REPLAY)

$(CAP_FUZZ_REPLAY): tests/fuzz/capture/fuzz_http_request.c \
                    $(O)/tests/fuzz/fuzz_driver.o $(CAP_STATIC) $(STATIC_LIB)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CC) $(CAP_TEST_CFLAGS) $(LDFLAGS_ALL) -o $@ $< \
	    $(O)/tests/fuzz/fuzz_driver.o $(CAP_STATIC) $(STATIC_LIB) \
	    $(CAP_LIBS) -lpthread -lm

CAP_FUZZ_O := build-fuzz-capture
fuzz-capture:
	$(Q)test -n "$(SAN_CC)" || { echo "fuzz-capture needs clang-19" >&2; exit 1; }
	$(Q)$(MAKE) --no-print-directory O=$(CAP_FUZZ_O) CC=$(SAN_CC) SAN_CC= \
	    SANITIZE=1 SANFLAGS="-fsanitize=fuzzer-no-link,address,undefined \
	    -fno-omit-frame-pointer" $(CAP_FUZZ_O)/lib/libprofile-capture.a \
	    $(CAP_FUZZ_O)/lib/libprofile.a
	@mkdir -p $(CAP_FUZZ_O)/fuzz
	@echo "  FUZZ    $(CAP_FUZZ_O)/fuzz/fuzz_http_request"
	$(Q)$(SAN_CC) -g -O1 -fno-omit-frame-pointer \
	    -fsanitize=fuzzer,address,undefined $(SAN_LDFLAGS) \
	    -Ilibprofile -Ilibprofile/capture \
	    tests/fuzz/capture/fuzz_http_request.c \
	    $(CAP_FUZZ_O)/lib/libprofile-capture.a $(CAP_FUZZ_O)/lib/libprofile.a \
	    $(CAP_LIBS) -lpthread -lm -o $(CAP_FUZZ_O)/fuzz/fuzz_http_request
	@echo "run e.g.: ASAN_OPTIONS=verify_asan_link_order=0" \
	    "$(CAP_FUZZ_O)/fuzz/fuzz_http_request -max_total_time=60 CORPUS_DIR"
.PHONY: fuzz-capture

# Unwind workloads (tests/interop/capture_unwind_*.sh): a plain program,
# a shared library it links and one it dlopens, all built the way a
# distribution builds code: -O2, no frame pointers (said explicitly,
# after $(SANFLAGS), which asks for them).
CAP_UNW_O := $(O)/tests/capture/unwind
CAP_UNW_CFLAGS := -std=gnu11 -g -O2 $(WARN) $(SANFLAGS) -fomit-frame-pointer
CAP_UNW_BINS := $(CAP_UNW_O)/unwind_o2 $(CAP_UNW_O)/libunwind_dl.so
EXTRA_TESTS += $(CAP_UNW_BINS)

# The libraries are never instrumented: the stress workloads of every
# build (GCC or clang sanitizers, TSan) dlopen the same one.
$(CAP_UNW_O)/lib%.so: tests/capture/src/unwind/%.c
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CC) -std=gnu11 -g -O2 $(WARN) -fomit-frame-pointer -fPIC -shared \
	    $(LDFLAGS) -o $@ $<

$(CAP_UNW_O)/unwind_o2: tests/capture/src/unwind/unwind_o2.c \
                        $(CAP_UNW_O)/libunwind_cb.so
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CC) $(CAP_UNW_CFLAGS) $(LDFLAGS_ALL) -o $@ $< \
	    -L$(CAP_UNW_O) -lunwind_cb -Wl,-rpath,'$$ORIGIN' -ldl -lpthread

# The unwinder's unit test links the capture library (its own asm
# functions and signal handler are the subjects).
$(O)/tests/test_unwind: $(O)/tests/unit/test_unwind.o $(UNIT_COMMON) \
                        $(CAP_STATIC) $(STATIC_LIB)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $< $(UNIT_COMMON) $(CAP_STATIC) \
	    $(STATIC_LIB) $(TEST_LIBS) $(CAP_LIBS) -lpthread -lm

# The cancellation workloads share their code.
$(O)/tests/capture/preload_cancel $(O)/tests/capture/cancel: \
    tests/capture/src/cancel_work.h
