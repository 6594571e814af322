/*
 * URL sources and progress messages for the tools (tool_fetch.c,
 * tool_progress.c). The library never does I/O; fetching a profile
 * over HTTP lives here, on the tools' input path: tool_read_file (and
 * so tool_load_profile) fetches any source that names a URL.
 */
#ifndef LIBPROFILE_TOOL_FETCH_H
#define LIBPROFILE_TOOL_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tool.h"

/* How URL sources are fetched; set once by main() before any input is
 * read (inputs may then be read from several threads). */
typedef struct tool_fetch_opts {
    int seconds;        /* > 0: ask for a SECONDS-long profile (the URL's
                         * "seconds" query is replaced), as -seconds */
    int timeout;        /* > 0: give up after TIMEOUT seconds in all;
                         * 0: pprof's rule, see tool_source_url */
    uint64_t max_bytes; /* refuse a larger body; 0 = the default input
                         * cap, PF_MAX_INFLATED_DEFAULT */
} tool_fetch_opts;

void tool_fetch_configure(const tool_fetch_opts *o);

/* Does SRC name a URL rather than a file? As `go tool pprof`: a source
 * with a scheme and host ("http://h:p/path", "https://...",
 * "https+insecure://..."), or one that reads as a host and port once
 * "http://" is put before it ("localhost:6060", "h:6060/debug/pprof/heap").
 * An existing file of that name is a file. On yes, returns the URL to
 * fetch (malloc'd): an empty path becomes /debug/pprof/profile, and
 * SECONDS > 0 replaces the "seconds" query. *TIMEOUT_OUT is then the
 * transfer limit in seconds: TIMEOUT if > 0, else pprof's 1.5 x the
 * seconds (the given or the URL's), or 60 without, plus a 5 s margin.
 * *INSECURE is set for https+insecure (no certificate checks). NULL if
 * SRC is no URL, or on out-of-memory (ERRMSG then says so). */
char *tool_source_url(const char *src, int seconds, int timeout,
                      long *timeout_out, bool *insecure, char *errmsg,
                      size_t errlen);

/* GET URL into F (malloc'd, F->mapped = 0): 0, or -1 with a one-line
 * message in ERRMSG (transport error, "server response: 404 Not Found -
 * FIRST BODY LINE", timeout, body over the cap). */
int tool_fetch(tool_file *f, const char *url, long timeout, bool insecure,
               char *errmsg, size_t errlen);

/* tool_read_file's hook: if SRC is a URL (tool_source_url, with the
 * configured seconds and timeout), fetch it into F and return 0, or -1
 * with ERRMSG; 1 if SRC is no URL (F untouched). Says what it fetches
 * when progress is on (as pprof's "Fetching profile over HTTP from"). */
int tool_fetch_source(tool_file *f, const char *src, char *errmsg,
                      size_t errlen);

/* The getopt_long options every profile-reading tool shares:
 * --seconds=N, --timeout=N, --progress. Put TOOL_SOURCE_LONGOPTS in the
 * option table and hand each unknown code to tool_source_option. */
enum {
    TOOL_OPT_SECONDS = 0x5000,
    TOOL_OPT_TIMEOUT,
    TOOL_OPT_PROGRESS
};
#define TOOL_SOURCE_LONGOPTS \
    { "seconds", required_argument, NULL, TOOL_OPT_SECONDS }, \
    { "timeout", required_argument, NULL, TOOL_OPT_TIMEOUT }, \
    { "progress", no_argument, NULL, TOOL_OPT_PROGRESS }
#define TOOL_SOURCE_HELP \
    "      --seconds=N     for URL inputs: ask the server for an N-second\n" \
    "                      profile (sets the URL's seconds query)\n" \
    "      --timeout=N     for URL inputs: give up after N seconds (default\n" \
    "                      1.5 x the seconds, or 60, plus 5)\n" \
    "      --progress      report progress on stderr even when it is not a\n" \
    "                      terminal (on a terminal it always is)\n"
/* True if C was one of the shared options (and records it). */
bool tool_source_option(int c, const char *arg, tool_fetch_opts *fo,
                        bool *progress);
/* After option parsing: configure fetching (FO, with MAX_INFLATED as the
 * body cap when set) and progress. */
void tool_source_setup(const tool_fetch_opts *fo, bool progress,
                       uint64_t max_inflated);

/* Parse the value of a -seconds / -timeout flag (a non-negative whole
 * number of seconds); a bad value is a usage error naming OPT. */
int tool_parse_seconds(const char *opt, const char *arg);

/* ------------------------------------------------------------------ */
/* Progress on stderr (tool_progress.c)                                */

/* Turn progress messages on: FORCE (--progress) or when stderr is a
 * terminal. Off by default, so scripts see nothing extra. */
void tool_progress_enable(bool force);
bool tool_progress_on(void);
/* Seconds since tool_progress_enable. */
double tool_progress_elapsed(void);
/* A message line ("NAME: message"), only when progress is on. */
void tool_progress_note(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
/* "NAME: WHAT: DONE/TOTAL (P%)" when progress is on. On a terminal the
 * line is redrawn in place (at most ten times a second, and always for
 * the last step); otherwise one line per call, at most one per 10%
 * step, so a log stays short. */
void tool_progress_step(const char *what, uint64_t done, uint64_t total);
/* End a redrawn line (newline on a terminal); nothing otherwise. */
void tool_progress_done(void);

#endif
