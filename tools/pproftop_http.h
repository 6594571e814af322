/*
 * Shared by pproftop.c and pproftop_http.c (the -http web UI).
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

#endif
