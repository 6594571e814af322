# pproftop's web UI (-http) lives in tools/webui.c (not a tool of its own:
# the name does not match tools/pprof*.c), linked into
# pproftop only, with libmicrohttpd (a plain link: unlike the capture
# module, the tool may simply depend on it).
MHD_LIBS := $(shell $(PKG_CONFIG) --libs libmicrohttpd 2>/dev/null || \
              echo -lmicrohttpd)

$(O)/bin/pproftop: $(O)/tools/pproftop.o $(O)/tools/webui.o \
                   $(TOOL_COMMON) $(STATIC_LIB)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $(O)/tools/pproftop.o \
	    $(O)/tools/webui.o $(TOOL_COMMON) $(STATIC_LIB) \
	    $(DEP_LIBS) $(TOOL_LIBS) $(MHD_LIBS)
