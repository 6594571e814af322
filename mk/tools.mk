# Tool plumbing beyond tools/tool.c, and its checks.
#
#   make check-sigsafe-tools   undefined symbols of the tools' signal path
#   make check-oom             allocation-failure sweep (tests/torture/)

TOOL_COMMON += $(O)/tools/tool_sig.o

# tool_sig.o runs in signal context: unlink, restore the default
# action, raise. Its normal-context half (arming) copies a path.
TOOL_SIGSAFE_ALLOW := unlink sigaction sigemptyset raise strlen memcpy \
    memset __errno_location __stack_chk_fail _GLOBAL_OFFSET_TABLE_

check-sigsafe-tools: $(O)/tools/tool_sig.o
	@bad=$$(nm -u $< | awk 'NF==2 {print $$2} NF==1 {print $$1}' | \
	    sort -u | grep -v -x -F $(foreach s,$(TOOL_SIGSAFE_ALLOW),-e $(s)) | \
	    grep -v -E -e '_sig$$' -e '_sigvar$$' \
	        $(if $(SANITIZE),-e '^__(asan|ubsan|sanitizer)_') || true); \
	if [ -n "$$bad" ]; then \
	    echo "check-sigsafe-tools: $< calls unsafe symbols:" $$bad >&2; \
	    exit 1; \
	fi; echo "  SIGSAFE $<"

EXTRA_TESTS += check-sigsafe-tools
.PHONY: check-sigsafe-tools

# Input generators of the CLI cases (tests/cli/helpers/*.c), built by
# `make check` into $(O)/tests/cli/.
CLI_HELPER_SRCS := $(sort $(wildcard tests/cli/helpers/*.c))
CLI_HELPERS := $(CLI_HELPER_SRCS:tests/cli/helpers/%.c=$(O)/tests/cli/%)
EXTRA_TESTS += $(CLI_HELPERS)

$(O)/tests/cli/%: tests/cli/helpers/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(BASE_CFLAGS) $(LDFLAGS_ALL) -o $@ $< $(DEP_LIBS)

# Allocation-failure torture (curl's torture tests): the library built
# again with -DPF_TORTURE, so that PF_TORTURE_FAIL_AT=N fails its Nth
# allocation, and the tools linked against it in $(O)/torture/bin.
# tests/torture/run.sh sweeps N over every allocation of a conversion, a
# merge, a report and a symbolization. It always runs under ASan+UBSan
# (LSan finds the leaks of error paths): from a plain build it builds
# in build-oom/; `make check SANITIZE=1` runs it in build-san/.
# the library's sources again with -DPF_TORTURE; its generated objects
# (protobuf-c code, the flame graph's page assets) as they are
TORTURE_LIB_OBJS := $(LIB_SRCS:%.c=$(O)/torture/%.o) \
                    $(filter-out $(LIB_SRCS:%.c=$(O)/%.o),$(LIB_OBJS))
TORTURE_LIB := $(O)/torture/lib/libprofile.a
TORTURE_TOOLS := $(addprefix $(O)/torture/bin/,pprofconv pprofmerge pproftop pprofsym)

$(TORTURE_LIB_OBJS): | $(O)/proto/profile.pb-c.h

$(O)/torture/libprofile/%.o: libprofile/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(LIB_CFLAGS) -DPF_TORTURE -MMD -MP -c $< -o $@

$(TORTURE_LIB): $(TORTURE_LIB_OBJS)
	@mkdir -p $(dir $@)
	@echo "  AR      $@"
	$(Q)rm -f $@ && ar rcs $@ $^

$(O)/torture/bin/%: $(O)/tools/%.o $(TOOL_COMMON) $(TORTURE_LIB)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $< $(TOOL_COMMON) $(TORTURE_LIB) $(DEP_LIBS) \
	    $(TOOL_LIBS)

# pproftop has its web UI beside it (mk/webui.mk)
$(O)/torture/bin/pproftop: $(O)/tools/pproftop.o $(O)/tools/webui.o \
                           $(TOOL_COMMON) $(TORTURE_LIB)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $< $(O)/tools/webui.o $(TOOL_COMMON) \
	    $(TORTURE_LIB) $(DEP_LIBS) $(TOOL_LIBS) $(MHD_LIBS)

-include $(TORTURE_LIB_OBJS:.o=.d)

ifeq ($(SANITIZE),)
check-oom:
	$(Q)$(MAKE) --no-print-directory SANITIZE=1 O=build-oom check-oom
else
check-oom: $(TORTURE_TOOLS) $(TOOLS) $(O)/tests/cli/gzrepeat
	$(Q)O=$(O) tests/torture/run.sh
EXTRA_TESTS += check-oom
endif
.PHONY: check-oom
