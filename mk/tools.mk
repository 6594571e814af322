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
