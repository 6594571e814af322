# pproftop's web UI (-http) lives in tools/pproftop_http.c, linked into
# pproftop only, with libmicrohttpd (a plain link: unlike the capture
# module, the tool may simply depend on it).
TOOLS := $(filter-out $(O)/bin/pproftop_http,$(TOOLS))
MHD_LIBS := $(shell $(PKG_CONFIG) --libs libmicrohttpd 2>/dev/null || \
              echo -lmicrohttpd)

$(O)/bin/pproftop: $(O)/tools/pproftop.o $(O)/tools/pproftop_http.o \
                   $(TOOL_COMMON) $(STATIC_LIB)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $(O)/tools/pproftop.o \
	    $(O)/tools/pproftop_http.o $(TOOL_COMMON) $(STATIC_LIB) \
	    $(DEP_LIBS) $(TOOL_LIBS) $(MHD_LIBS)
