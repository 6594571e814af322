# Man pages, the capture module's pkg-config file, the capture examples,
# and `make uninstall`.
#
#   $(O)/man/man1/TOOL.1        one page per tool, written from the tool's
#                               --help and tools/man/TOOL.txt by
#                               tools/man/mkman.sh (options are never
#                               written twice, so pages cannot drift)
#   $(O)/lib/pkgconfig/libprofile-capture.pc
#   $(O)/examples/capture/*     examples/capture/*.c, linked against the
#                               capture library (built by `make tests`)
#   make uninstall PREFIX= DESTDIR=   removes what `make install` put there

VERSION := $(shell sed -n 's/^\#define PF_VERSION_STRING "\(.*\)"/\1/p' libprofile/profile.h)
MANDIR ?= $(PREFIX)/share/man
MAN_TOOLS := $(TOOLS:$(O)/bin/%=%)
MAN_PAGES := $(MAN_TOOLS:%=$(O)/man/man1/%.1)
CAP_PC_FILE := $(O)/lib/pkgconfig/libprofile-capture.pc
CAP_EXAMPLE_SRCS := $(sort $(wildcard examples/capture/*.c))
CAP_EXAMPLES := $(CAP_EXAMPLE_SRCS:examples/capture/%.c=$(O)/examples/capture/%)

EXTRA_ALL += $(MAN_PAGES) $(CAP_PC_FILE)
EXTRA_TESTS += $(CAP_EXAMPLES)
EXTRA_INSTALL += install -d $(DESTDIR)$(MANDIR)/man1 && \
    install -m 644 $(MAN_PAGES) $(DESTDIR)$(MANDIR)/man1/ && \
    printf '$(cap_pc_text)' > $(DESTDIR)$(LIBDIR)/pkgconfig/libprofile-capture.pc;

$(O)/man/man1/%.1: $(O)/bin/% tools/man/%.txt tools/man/mkman.sh
	@mkdir -p $(dir $@)
	@echo "  MAN     $@"
	$(Q)$< --help | tools/man/mkman.sh $* $(VERSION) tools/man/$*.txt >$@.tmp
	$(Q)mv $@.tmp $@

# Linking: -lprofile-capture alone takes the shared library, which has
# libprofile in it; --static adds what the static archive needs.
cap_pc_text = prefix=$(PREFIX)\nlibdir=$(LIBDIR)\nincludedir=$(INCLUDEDIR)\n\nName: libprofile-capture\nDescription: runtime profiling of C and C++ programs (CPU, heap, threads, contention) in pprof formats\nVersion: $(VERSION)\nRequires.private: libprofile\nLibs: -L$${libdir} -lprofile-capture\nLibs.private: -ldl -lrt -lpthread\nCflags: -I$${includedir}/libprofile\n

$(CAP_PC_FILE): mk/install.mk
	@mkdir -p $(dir $@)
	@printf '$(cap_pc_text)' > $@

# Examples link the capture library the way an installed program would
# (the static archives, as `pkg-config --static` gives them).
$(O)/examples/capture/%: examples/capture/%.c $(CAP_STATIC) $(STATIC_LIB)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(TOOL_CFLAGS) -Ilibprofile/capture $(LDFLAGS_ALL) -o $@ $< \
	    $(CAP_STATIC) $(STATIC_LIB) $(CAP_LIBS) -lpthread

uninstall:
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,$(MAN_TOOLS))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(MAN_TOOLS:%=%.1))
	rm -f $(addprefix $(DESTDIR)$(LIBDIR)/,libprofile.a libprofile.so \
	    libprofile.so.0 libprofile-capture.a libprofile-capture.so \
	    pkgconfig/libprofile.pc pkgconfig/libprofile-capture.pc)
	rm -f $(addprefix $(DESTDIR)$(INCLUDEDIR)/libprofile/,profile.h capture.h)
	-rmdir $(DESTDIR)$(INCLUDEDIR)/libprofile 2>/dev/null

.PHONY: uninstall
