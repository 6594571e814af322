# libprofile: one Makefile for the whole tree (no per-directory makefiles).
# Everything is built under $(O); nothing is written into the source tree.
#
#   make                    library (static + shared + pkg-config), tools
#   make check              install missing deps, then all tests (unit, CLI,
#                           interop with go tool pprof)
#   make check SANITIZE=1   the same under ASan+UBSan, in build-san/
#   make demo               install build deps if missing, convert a bundled
#                           profile and print a summary
#   make bench              benchmarks (see bench/README.md)
#   make install PREFIX=/usr/local DESTDIR=

ifeq ($(SANITIZE),)
O ?= build
SANFLAGS :=
else
O ?= build-san
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
            -fno-omit-frame-pointer
endif

PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
BINDIR ?= $(PREFIX)/bin

CC ?= cc
PKG_CONFIG ?= pkg-config
PROTOC_C ?= protoc-c
DEPS := libprotobuf-c zlib libdeflate libdw

OPT ?= -O2
WARN := -Wall -Wextra -Werror -Wstrict-prototypes -Wvla -Wwrite-strings \
        -Wshadow -Wformat=2 -Wno-format-nonliteral
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE -g $(OPT) $(WARN) $(SANFLAGS) \
               -fno-strict-aliasing
DEP_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(DEPS) 2>/dev/null)
DEP_LIBS := $(shell $(PKG_CONFIG) --libs $(DEPS) 2>/dev/null || \
              echo -lprotobuf-c -lz -ldeflate -ldw -lelf) -lm -lpthread
LIB_CFLAGS := $(BASE_CFLAGS) $(DEP_CFLAGS) -fPIC -fvisibility=hidden \
              -DPF_BUILDING_LIBRARY -Ilibprofile -I$(O)/proto
TOOL_CFLAGS := $(BASE_CFLAGS) -Ilibprofile -Itools
TEST_CFLAGS := $(BASE_CFLAGS) $(DEP_CFLAGS) -Ilibprofile -I$(O)/proto \
               $(shell $(PKG_CONFIG) --cflags cmocka 2>/dev/null)
TEST_LIBS := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null || echo -lcmocka)
LDFLAGS_ALL := $(SANFLAGS) $(LDFLAGS)

ifeq ($(V),1)
Q :=
else
Q := @
endif

# Sources are every .c of a directory: modules are added by creating a
# file, so parallel work never collides on a list here.
LIB_SRCS := $(sort $(wildcard libprofile/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(O)/%.o) $(O)/proto/profile.pb-c.o
TOOL_SRCS := $(sort $(wildcard tools/pprof*.c))
TOOLS := $(TOOL_SRCS:tools/%.c=$(O)/bin/%)
TOOL_COMMON := $(O)/tools/tool.o $(O)/tools/tool_dot.o $(O)/tools/tool_fetch.o \
               $(O)/tools/tool_progress.o
# libcurl (URL sources) is for the tools only, never the library.
TOOL_LIBS := $(shell $(PKG_CONFIG) --libs libcurl 2>/dev/null || echo -lcurl)
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(O)/tests/%)
UNIT_COMMON_SRCS := $(sort $(wildcard tests/unit/helpers/*.c))
UNIT_COMMON := $(UNIT_COMMON_SRCS:%.c=$(O)/%.o)

FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_TARGETS := $(filter-out fuzz_driver,$(FUZZ_SRCS:tests/fuzz/%.c=%))
FUZZ_REPLAY := $(FUZZ_TARGETS:%=$(O)/tests/fuzz/%)
EXAMPLE_SRCS := $(sort $(wildcard examples/*.c))
EXAMPLES := $(EXAMPLE_SRCS:examples/%.c=$(O)/examples/%)

STATIC_LIB := $(O)/lib/libprofile.a
SHARED_LIB := $(O)/lib/libprofile.so.0
PC_FILE := $(O)/lib/pkgconfig/libprofile.pc

.DEFAULT_GOAL := all
-include mk/*.mk

all: $(STATIC_LIB) $(SHARED_LIB) $(PC_FILE) $(TOOLS) $(EXTRA_ALL)

$(O)/proto/profile.pb-c.c $(O)/proto/profile.pb-c.h &: proto/profile.proto
	@mkdir -p $(O)/proto
	@echo "  PROTOC  $<"
	$(Q)$(PROTOC_C) --proto_path=proto --c_out=$(O)/proto $<

$(O)/proto/profile.pb-c.o: $(O)/proto/profile.pb-c.c
	@echo "  CC      $@"
	$(Q)$(CC) $(BASE_CFLAGS) $(DEP_CFLAGS) -fPIC -Wno-unused-parameter \
	    -I$(O)/proto -c $< -o $@

$(LIB_SRCS:%.c=$(O)/%.o): | $(O)/proto/profile.pb-c.h

$(O)/libprofile/%.o: libprofile/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(LIB_CFLAGS) -MMD -MP -c $< -o $@

# libprofile.deps: what a program linking the static library needs after
# it, for scripts (benchmarks) that build against the build tree.
$(STATIC_LIB): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	@echo "  AR      $@"
	$(Q)rm -f $@ && ar rcs $@ $^
	@echo '$(DEP_LIBS)' > $(O)/lib/libprofile.deps

$(SHARED_LIB): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) -shared -Wl,-soname,libprofile.so.0 $(LDFLAGS_ALL) -o $@ $^ \
	    $(DEP_LIBS)
	$(Q)ln -sf libprofile.so.0 $(O)/lib/libprofile.so

# The pkg-config file is written from the current PREFIX/LIBDIR, both
# into the build tree and again at install time.
pc_text = prefix=$(PREFIX)\nlibdir=$(LIBDIR)\nincludedir=$(INCLUDEDIR)\n\nName: libprofile\nDescription: pprof profiles in C\nVersion: 0.1.0\nRequires.private: $(DEPS)\nLibs: -L$${libdir} -lprofile\nLibs.private: -lm -lpthread\nCflags: -I$${includedir}/libprofile\n

$(PC_FILE): Makefile
	@mkdir -p $(dir $@)
	@printf '$(pc_text)' > $@

$(O)/tools/%.o: tools/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(TOOL_CFLAGS) -MMD -MP -c $< -o $@

$(O)/bin/%: $(O)/tools/%.o $(TOOL_COMMON) $(STATIC_LIB)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $< $(TOOL_COMMON) $(STATIC_LIB) $(DEP_LIBS) \
	    $(TOOL_LIBS)

$(O)/tests/unit/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(TEST_CFLAGS) -MMD -MP -c $< -o $@

$(O)/tests/%: $(O)/tests/unit/%.o $(UNIT_COMMON) $(STATIC_LIB)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $< $(UNIT_COMMON) $(STATIC_LIB) \
	    $(TEST_LIBS) $(DEP_LIBS)

# Examples use only the public header, like any program using the library.
$(O)/examples/%: examples/%.c $(STATIC_LIB)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(TOOL_CFLAGS) $(LDFLAGS_ALL) -o $@ $< $(STATIC_LIB) $(DEP_LIBS)

# Fuzz targets: replay binaries (fuzz_driver.c main) for `make check`,
# libFuzzer binaries (clang) for `make fuzz`.
$(O)/tests/fuzz/%.o: tests/fuzz/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(TOOL_CFLAGS) -MMD -MP -c $< -o $@

$(O)/tests/fuzz/fuzz_%: $(O)/tests/fuzz/fuzz_%.o $(O)/tests/fuzz/fuzz_driver.o $(STATIC_LIB)
	@echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(DEP_LIBS)

FUZZ_O := build-fuzz
fuzz:
	$(Q)$(MAKE) --no-print-directory O=$(FUZZ_O) CC=clang \
	    SANFLAGS="-fsanitize=fuzzer-no-link,address,undefined" \
	    $(FUZZ_O)/lib/libprofile.a
	$(Q)for t in $(FUZZ_TARGETS); do \
	    echo "  FUZZ    $(FUZZ_O)/fuzz/$$t"; mkdir -p $(FUZZ_O)/fuzz; \
	    clang -g -O1 -fsanitize=fuzzer,address,undefined -Ilibprofile \
	        tests/fuzz/$$t.c $(FUZZ_O)/lib/libprofile.a $(DEP_LIBS) \
	        -o $(FUZZ_O)/fuzz/$$t || exit 1; done
	@echo "run e.g.: $(FUZZ_O)/fuzz/fuzz_pprof_decode -max_total_time=60 testdata/fuzz/pprof_decode"

# ---------------------------------------------------------------------
# Tests

tests: all $(UNIT_BINS) $(EXAMPLES) $(FUZZ_REPLAY) $(EXTRA_TESTS)

# check first installs missing Debian packages (tests/install-deps.sh;
# a no-op when all are there), then runs in a new make, whose
# pkg-config and compiler probes (DEP_CFLAGS, SAN_CC) see them: on a
# fresh machine `make check` alone sets up and runs everything.
check: deps
	$(Q)$(MAKE) --no-print-directory check-run

check-run: tests
	$(Q)O=$(O) SANITIZE=$(SANITIZE) tests/run.sh

check-unit: tests
	$(Q)O=$(O) tests/run.sh unit

# ---------------------------------------------------------------------
# Setup, demo, bench, install

deps:
	$(Q)tests/install-deps.sh

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)O=$(O) tests/demo.sh

bench: all
	$(Q)O=$(O) bench/run.sh

install: all
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)/libprofile \
	    $(DESTDIR)$(BINDIR)
	install -m 644 $(STATIC_LIB) $(DESTDIR)$(LIBDIR)/
	install -m 755 $(SHARED_LIB) $(DESTDIR)$(LIBDIR)/
	ln -sf libprofile.so.0 $(DESTDIR)$(LIBDIR)/libprofile.so
	install -m 644 libprofile/profile.h $(DESTDIR)$(INCLUDEDIR)/libprofile/
	printf '$(pc_text)' > $(DESTDIR)$(LIBDIR)/pkgconfig/libprofile.pc
	install -m 755 $(TOOLS) $(DESTDIR)$(BINDIR)/
	$(EXTRA_INSTALL)

clean:
	rm -rf build build-san build-san-clang build-fuzz build-fuzz-capture build-tsan build-oom

.PHONY: all tests check check-run check-unit deps demo bench install clean fuzz

.SECONDARY:

-include $(shell find $(O) -name '*.d' 2>/dev/null)
