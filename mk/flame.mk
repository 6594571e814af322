# The flame graph page (libprofile/flame/*.js, *.css): compiled into the
# library as byte arrays, so pf_report_write(PF_REPORT_FLAMEGRAPH)
# writes one self-contained page. The generated C stays in $(O).

FLAME_ASSETS := libprofile/flame/flame.js libprofile/flame/flame.css
FLAME_ASSETS_C := $(O)/libprofile/flame_assets.c
LIB_OBJS += $(O)/libprofile/flame_assets.o

# pf__flame_js / pf__flame_css and their lengths (od: no xxd needed).
$(FLAME_ASSETS_C): $(FLAME_ASSETS) mk/flame.mk
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	$(Q){ echo '#include <stddef.h>'; \
	  for f in $(FLAME_ASSETS); do \
	    n=$$(basename $$f | tr . _); \
	    echo "extern const unsigned char pf__$$n[];"; \
	    echo "extern const size_t pf__$${n}_len;"; \
	    echo "const unsigned char pf__$$n[] = {"; \
	    od -An -v -tx1 $$f | sed 's/ *\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	    echo '0 };'; \
	    echo "const size_t pf__$${n}_len = sizeof(pf__$$n) - 1;"; \
	  done; } > $@.tmp && mv $@.tmp $@

$(O)/libprofile/flame_assets.o: $(FLAME_ASSETS_C)
	@echo "  CC      $@"
	$(Q)$(CC) $(LIB_CFLAGS) -c $< -o $@

# The browser tests' npm packages (puppeteer-core, pinned in
# tests/browser/package-lock.json), installed with `npm ci` into $(O)
# so that the source tree stays clean.
FLAME_NODE := $(O)/browser/node_modules/.package-lock.json
EXTRA_TESTS += $(FLAME_NODE)

$(FLAME_NODE): tests/browser/package.json tests/browser/package-lock.json
	@mkdir -p $(O)/browser
	@echo "  NPM     $(O)/browser"
	$(Q)cp tests/browser/package.json tests/browser/package-lock.json \
	    $(O)/browser/
	$(Q)cd $(O)/browser && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit \
	    --no-fund --ignore-scripts --loglevel=error >/dev/null
	$(Q)touch $@
