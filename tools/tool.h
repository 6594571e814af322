/*
 * Shared plumbing of the command-line tools: messages and exit codes,
 * whole-file input ("-" = stdin), atomic output ("-" = stdout).
 * Tools include only profile.h and this header.
 */
#ifndef LIBPROFILE_TOOL_H
#define LIBPROFILE_TOOL_H

#include <getopt.h>
#include <stdio.h>
#include <stdnoreturn.h>

#include "profile.h"

enum {
    TOOL_EXIT_OK = 0,
    TOOL_EXIT_FAIL = 1,
    TOOL_EXIT_USAGE = 2
};

/* Set the program name used in messages (argv[0]'s base name). */
void tool_init(const char *argv0);
const char *tool_name(void);

/* "NAME: message" on stderr, exit CODE. */
noreturn void tool_die_code(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* "NAME: message" on stderr, exit 1. */
noreturn void tool_die(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
/* "NAME: SUBJECT: <pf_error_last() or pf_strerror(err)>", exit CODE. */
noreturn void tool_die_lib(int code, int err, const char *subject);
/* tool_die_lib for a failed read: a cap's message also names the
 * option that raises it. */
noreturn void tool_die_read(int code, int err, const char *subject);
/* "NAME: message" on stderr, no exit. */
void tool_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Usage error: "NAME: message" and a hint to --help; exit 2. */
noreturn void tool_usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
/* Print "NAME VERSION (libprofile VERSION)" to stdout, exit 0. */
noreturn void tool_version(void);

/* The whole content of an input file: regular files are mapped (no
 * copy, pages shared with the page cache), pipes and stdin read into
 * memory. */
typedef struct tool_file {
    unsigned char *data;
    size_t len;
    size_t mapped;      /* bytes mapped, 0 if malloc'd */
} tool_file;
/* Read all of PATH ("-" = stdin). 0 or -1 with a message in ERRMSG. */
int tool_read_file(tool_file *f, const char *path, char *errmsg,
                   size_t errlen);
void tool_file_release(tool_file *f);
/* Option values shared by several tools; a bad value is a usage error
 * (exit 2) naming OPT. */
int tool_parse_gzip_level(const char *opt, const char *arg);
uint64_t tool_parse_byte_count(const char *opt, const char *arg);

/* Caps on reading profiles, shared by every tool that reads them:
 * --max-memory=SIZE (one budget for all the inputs read at once) and
 * --max-records=N. Add TOOL_LIMIT_LONGOPTS to the getopt_long table,
 * TOOL_LIMIT_HELP to the usage text, and pass unknown option values to
 * tool_limit_option. */
enum { TOOL_OPT_MAX_MEMORY = 0x7f00, TOOL_OPT_MAX_RECORDS };
#define TOOL_MAX_MEMORY_DEFAULT (UINT64_C(3) << 30)
#define TOOL_MAX_RECORDS_DEFAULT UINT64_C(100000000)
#define TOOL_LIMIT_LONGOPTS                                                \
    { "max-memory", required_argument, NULL, TOOL_OPT_MAX_MEMORY },        \
    { "max-records", required_argument, NULL, TOOL_OPT_MAX_RECORDS }
#define TOOL_LIMIT_HELP                                                    \
    "      --max-memory=SIZE\n"                                            \
    "                      memory that reading profiles may use, all\n"    \
    "                      inputs together; SIZE in bytes or with K, M,\n" \
    "                      G (default 3G)\n"                               \
    "      --max-records=N refuse a profile with more than N records:\n"  \
    "                      strings, samples, locations, functions,\n"      \
    "                      mappings (default 100000000)\n"
/* 1 if OPT is one of TOOL_LIMIT_LONGOPTS (its value parsed, a bad one
 * is a usage error), else 0. */
int tool_limit_option(int opt, const char *arg);
/* Fill in O's memory budget (shared by every read of the process) and
 * record cap from the options, where O leaves them unset. */
void tool_decode_opts(pf_decode_opts *o);
/* For a read that failed with ERR: " (--max-memory raises the limit)"
 * or the like if a cap stopped it, else "". Call on the reading
 * thread (pf_error_limit is per thread). */
const char *tool_limit_hint(int err);
/* SIZE: a positive byte count with an optional K, M, G or T suffix
 * (powers of 1024); a bad value is a usage error naming OPT. */
uint64_t tool_parse_size(const char *opt, const char *arg);

/* Read and parse any supported format; dies (exit DIE_CODE) with
 * "NAME: PATH: detail" on failure. */
pf_profile *tool_load_profile(const char *path, pf_format *fmt, int die_code,
                              const pf_decode_opts *opts);

/* Atomic output: data goes to a temporary file beside PATH, renamed
 * over PATH on commit, removed on abort (or exit through tool_die*),
 * so a failure never leaves a partial file. "-" writes to stdout. */
typedef struct tool_out tool_out;
tool_out *tool_out_open(const char *path, int die_code);
pf_writer tool_out_writer(tool_out *o);
FILE *tool_out_file(tool_out *o);
/* Flush, sync, rename; dies with exit DIE_CODE on error. */
void tool_out_commit(tool_out *o);
void tool_out_abort(tool_out *o);

/* Write P to PATH in format F atomically; dies on error. */
void tool_write_profile(const char *path, const pf_profile *p,
                        pf_out_format f, const pf_encode_opts *opts,
                        int die_code);

/* A growing byte buffer (malloc'd; DATA is NUL-terminated). */
typedef struct tool_buf {
    char *data;
    size_t len, cap;
} tool_buf;
void tool_buf_release(tool_buf *b);
pf_writer tool_buf_writer(tool_buf *b);

/* Render the DOT text DOT[0..LEN) with Graphviz's `dot -TFORMAT`, run
 * as a child process found in PATH (tool_dot.c); the picture goes to
 * *OUT. 0, or -1 with a one-line reason in ERRMSG (a missing `dot`
 * names the Debian package graphviz). */
int tool_dot_render(tool_buf *out, const char *format, const char *dot,
                    size_t len, char *errmsg, size_t errlen);
/* Make an SVG from dot navigable in a browser: it fills the window,
 * and a small inline script pans (drag) and zooms (wheel, +/-, 0 or a
 * double click resets). -1 if it does not look like dot's SVG. */
int tool_svg_add_panzoom(tool_buf *svg);

#endif
