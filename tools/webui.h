/*
 * Shared by pproftop.c and webui.c (the -http web UI).
 */
#ifndef PPROFTOP_HTTP_H
#define PPROFTOP_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "profile.h"

/* pf_report_opts.read_source over regular files: 0 with *DATA
 * (malloc'ed) and *LEN, or a negative errno. */
int pproftop_read_source(void *ctx, const char *path, char **data,
                         size_t *len);

/* Serve the web UI for P on ADDR ("HOST:PORT", ":PORT" = loopback,
 * port 0 = any free one) until SIGINT or SIGTERM; BASE holds the
 * command line's options (the defaults of every view), TITLE names the
 * profile in the pages. Prints "Serving web UI on URL" on stderr and,
 * if BROWSER, starts $BROWSER or xdg-open on it. Returns the exit code;
 * dies (exit 1) when it cannot listen, exit 2 on a malformed ADDR. */
int webui_run(const char *addr, bool browser, const pf_profile *p,
                      const pf_report_opts *base, const char *title);

#endif
