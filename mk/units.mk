# Test input generators of the interop cases (tests/interop/helpers/*.c):
# built by `make check` (EXTRA_TESTS), linked with the static library.

INTEROP_HELPER_SRCS := $(sort $(wildcard tests/interop/helpers/*.c))
INTEROP_HELPERS := $(INTEROP_HELPER_SRCS:tests/interop/helpers/%.c=$(O)/tests/interop/%)

EXTRA_TESTS += $(INTEROP_HELPERS)

$(O)/tests/interop/obj/%.o: tests/interop/helpers/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(TEST_CFLAGS) -MMD -MP -c $< -o $@

$(O)/tests/interop/%: $(O)/tests/interop/obj/%.o $(STATIC_LIB)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $< $(STATIC_LIB) $(DEP_LIBS)
