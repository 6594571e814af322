/*
 * libprofile-capture: runtime profiling of a C/C++ program, the C
 * counterpart of Go's runtime/pprof. Link with -lprofile-capture (static
 * or shared) or load it into an unmodified program with LD_PRELOAD (see
 * docs/CAPTURE.md for the PPROF_* environment variables).
 *
 * What it records:
 *  - cpu        per-thread CPU-time timers (SIGPROF), pf_capture_cpu_start
 *  - heap       live sampled allocations (malloc & co. are interposed)
 *  - allocs     all sampled allocations since start of the process
 *  - threads    the stacks of all live threads, taken when written
 *  - threadcreate  stacks that created threads (pthread_create)
 *  - mutex      holders of contended pthread mutexes (delay in ns)
 *  - block      time spent blocked in pthread mutex/cond/rwlock waits
 *  - custom profiles made with pf_capture_profile_new
 *
 * Stacks are unwound with the modules' DWARF call frame information
 * (.eh_frame, .debug_frame), so ordinary -O2 builds without frame
 * pointers show complete stacks, through the C library and callbacks.
 * pf_capture_set_unwind (or PPROF_UNWIND=fp) selects frame pointers
 * instead: then only code built with -fno-omit-frame-pointer shows up.
 *
 * Profiles are written as profile.proto (gzipped, "debug=0") through a
 * pf_writer, with mappings from /proc/self/maps and GNU build ids, so
 * `go tool pprof BINARY PROFILE` (or just PROFILE, when the paths in the
 * mappings are still valid) symbolizes them.
 *
 * Thread safety: every call may be made from any thread. None may be
 * made from a signal handler.
 */
#ifndef LIBPROFILE_CAPTURE_H
#define LIBPROFILE_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "profile.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Unwinding                                                           */

typedef enum pf_capture_unwind_method {
    PF_CAPTURE_UNWIND_DWARF = 0,   /* call frame information (default) */
    PF_CAPTURE_UNWIND_FP = 1       /* frame pointers only */
} pf_capture_unwind_method;

/* Choose how every profile's stacks are unwound from now on (the
 * environment variable PPROF_UNWIND=fp|dwarf, read once at load, sets
 * the initial method). Choosing DWARF compiles the unwind tables of the
 * loaded modules now if they are not yet built (a few milliseconds per
 * megabyte of code; later changes to the modules are picked up by the
 * profiles themselves). PF_EINVAL for an unknown method; PF_ENOMEM. */
PF_API int pf_capture_set_unwind(pf_capture_unwind_method m);
PF_API pf_capture_unwind_method pf_capture_unwind(void);
/* "fp" or "dwarf" into *OUT; PF_EINVAL otherwise. */
PF_API int pf_capture_unwind_parse(pf_capture_unwind_method *out,
                                   const char *s);
/* Cost of the current tables: modules with CFI, rows, bytes mapped. */
PF_API void pf_capture_unwind_stats(size_t *modules, size_t *rows,
                                    size_t *bytes);

/* ------------------------------------------------------------------ */
/* CPU profile                                                         */

#define PF_CAPTURE_CPU_RATE_DEFAULT 100

/* Set the sampling rate (samples per second of CPU time per thread) used
 * by the next pf_capture_cpu_start. HZ must be 1..10000; PF_EINVAL
 * otherwise, and PF_EINVAL while a CPU profile is running. The kernel
 * may deliver fewer signals than asked (timer tick granularity): the
 * profile's values are the CPU time measured by the thread CPU clocks,
 * never samples times the requested period. */
PF_API int pf_capture_cpu_set_rate(int hz);

/* Start CPU profiling of every thread of the process (threads that
 * exist now and threads created later). The profile is written to W
 * when pf_capture_cpu_stop is called; W.ctx must stay valid until then.
 * PF_EINVAL if a CPU profile is already running ("cpu profiling already
 * in use"); PF_ENOMEM / PF_EIO (timer or signal setup) with detail. */
PF_API int pf_capture_cpu_start(pf_writer w);

/* Stop CPU profiling and write the profile to the writer given to
 * start (gzipped profile.proto: samples/count, cpu/nanoseconds).
 * PF_EINVAL if no profile is running; PF_EIO if the writer failed. The
 * profiler is stopped in every case. */
PF_API int pf_capture_cpu_stop(void);

/* Like pf_capture_cpu_stop but hands the profile to the caller instead
 * of writing it (*OUT is the caller's, pf_profile_free). */
PF_API int pf_capture_cpu_stop_profile(pf_profile **out);

/* True while a CPU profile is running. */
PF_API bool pf_capture_cpu_running(void);

/* Execution timeline. pf_capture_cpu_start_trace is
 * pf_capture_cpu_start that also records, for every sample, its
 * thread, time and stack (in a pre-allocated ring of 2^17 samples; the
 * oldest are overwritten beyond). pf_capture_cpu_stop_trace stops it,
 * writes the timeline to TRACE as Chrome Trace Event JSON (Perfetto,
 * chrome://tracing; docs/CAPTURE.md) and hands the CPU profile to *OUT
 * (the caller's; OUT may be NULL to drop it). PF_EINVAL "cpu profile
 * has no timeline" (nothing stopped) if the running profile was started
 * without a timeline; a plain stop of a traced profile drops the
 * timeline. */
PF_API int pf_capture_cpu_start_trace(pf_writer w);
PF_API int pf_capture_cpu_stop_trace(pf_profile **out, pf_writer trace);

/* ------------------------------------------------------------------ */
/* Labels                                                              */

/* An immutable set of string key/value pairs, sorted by key, one value
 * per key. Label sets are interned: equal sets are the same pointer,
 * and a set lives until the process exits, so pointers may be kept and
 * compared freely and there is nothing to free. */
typedef struct pf_labelset pf_labelset;

/* The set of NPAIRS pairs KV[0]=KV[1], KV[2]=KV[3], ...; a key given
 * twice keeps its last value. PF_EINVAL for a NULL or empty key. */
PF_API int pf_labelset_new(const pf_labelset **out, const char *const *kv,
                           size_t npairs);
/* BASE (may be NULL) with the pairs of ADD added, ADD's values winning
 * (Go's WithLabels). */
PF_API int pf_labelset_merge(const pf_labelset **out, const pf_labelset *base,
                             const pf_labelset *add);
/* Number of pairs; pair I (sorted by key). NULL set = empty set. */
PF_API size_t pf_labelset_count(const pf_labelset *ls);
PF_API void pf_labelset_at(const pf_labelset *ls, size_t i, const char **key,
                           const char **value);
/* The value of KEY, or NULL if the set has no such key. */
PF_API const char *pf_labelset_lookup(const pf_labelset *ls, const char *key);

/* The labels of the calling thread (NULL = none). CPU samples taken on
 * this thread carry them; threads it creates inherit them. */
PF_API const pf_labelset *pf_capture_thread_labels(void);
/* Replace the labels of the calling thread (Go's SetGoroutineLabels). */
PF_API void pf_capture_set_thread_labels(const pf_labelset *ls);

/* Run FN(ARG) with the calling thread's labels extended by LABELS (Go's
 * pprof.Do), and restore the previous labels afterwards. Returns FN's
 * result; if the merged set cannot be made (out of memory) FN still
 * runs, with the old labels. */
PF_API int pf_capture_do(const pf_labelset *labels, int (*fn)(void *arg),
                         void *arg);

/* ------------------------------------------------------------------ */
/* Profiles registry (runtime/pprof.Profile)                          */

typedef struct pf_capture_profile pf_capture_profile;

/* The profile named NAME, or NULL. Predefined: "allocs", "block",
 * "heap", "mutex", "threadcreate", "threads". */
PF_API pf_capture_profile *pf_capture_lookup(const char *name);
/* Create a custom profile. PF_EINVAL if NAME is empty or already used
 * ("profile 'NAME' already exists"). The profile lives until exit. */
PF_API int pf_capture_profile_new(pf_capture_profile **out, const char *name);
/* All profiles sorted by name. Fills up to CAP entries of OUT (which
 * may be NULL when CAP is 0) and returns the total number. */
PF_API size_t pf_capture_profiles(pf_capture_profile **out, size_t cap);

PF_API const char *pf_capture_profile_name(const pf_capture_profile *p);
/* Number of entries: live threads, threads created, custom entries,
 * sampled heap/allocs records, contention records. */
PF_API size_t pf_capture_profile_count(pf_capture_profile *p);

/* Custom profiles: record VALUE with the caller's stack. SKIP = number
 * of extra frames to leave out (0: the stack starts at the function
 * calling add). PF_EINVAL if VALUE is already in the profile
 * ("profile 'NAME': value already added") or P is predefined. */
PF_API int pf_capture_profile_add(pf_capture_profile *p, const void *value,
                                  int skip);
/* Remove VALUE; no-op if absent. */
PF_API void pf_capture_profile_remove(pf_capture_profile *p,
                                      const void *value);

/* Build the profile as a pf_profile (*OUT is the caller's). */
PF_API int pf_capture_profile_build(pf_capture_profile *p, pf_profile **out);
/* Write the profile: DEBUG 0 = gzipped profile.proto, 1 = legacy text
 * (Go's debug=1), 2 = for "threads" a crash-dump-like listing of every
 * thread's stack, for the others the same as 1. */
PF_API int pf_capture_profile_write(pf_capture_profile *p, pf_writer w,
                                    int debug);

/* ------------------------------------------------------------------ */
/* Heap sampling                                                       */

#define PF_CAPTURE_HEAP_RATE_DEFAULT 524288

/* Mean number of bytes allocated between heap samples (Go's
 * MemProfileRate): 1 = every allocation, 0 = sampling off. Takes effect
 * immediately on every thread. Returns the previous rate. The initial
 * value is 512 KiB, or PPROF_HEAP_RATE from the environment. */
PF_API long pf_capture_heap_set_rate(long bytes);
PF_API long pf_capture_heap_rate(void);
/* Forget every heap/allocs record so far (tests, deltas). */
PF_API void pf_capture_heap_reset(void);

/* ------------------------------------------------------------------ */
/* Contention                                                          */

/* Mutex profile: on average 1 in RATE contention events is recorded
 * (values are scaled back by RATE); 0 turns it off. Returns the
 * previous rate (Go's SetMutexProfileFraction; a negative RATE only
 * reads it). */
PF_API int pf_capture_set_mutex_fraction(int rate);
/* Block profile: record blocking events lasting >= RATE ns, and shorter
 * ones with probability duration/RATE; 1 = every event, 0 = off (Go's
 * SetBlockProfileRate). */
PF_API void pf_capture_set_block_rate(int64_t rate_ns);
/* Forget all mutex and block records. */
PF_API void pf_capture_contention_reset(void);

/* ------------------------------------------------------------------ */
/* Writers                                                             */

/* Open PATH for writing (created/truncated, mode 0666 & ~umask) and
 * return a writer over it in *W. PF_EIO with "cannot open 'PATH': ..."
 * on failure. Close with pf_capture_writer_close. */
PF_API int pf_capture_writer_open(pf_writer *w, const char *path);
/* Close a writer from pf_capture_writer_open; PF_EIO if closing failed
 * (a write error surfaced late). */
PF_API int pf_capture_writer_close(pf_writer *w);

/* ------------------------------------------------------------------ */
/* HTTP endpoint: /debug/pprof/ (Go's net/http/pprof)       http*.c    */

/*
 * Serves the profiles the way Go's net/http/pprof does, so that
 *
 *     go tool pprof http://127.0.0.1:6060/debug/pprof/profile?seconds=10
 *     go tool pprof http://127.0.0.1:6060/debug/pprof/heap
 *
 * work against a C program. SECURITY: the endpoint exposes process
 * internals (stacks, command line, symbol names, allocation sites) and
 * lets any client burn CPU on profiling. It has no authentication:
 * keep it on loopback (the default) or behind your own access control.
 *
 *   /debug/pprof/              HTML index: every registry profile with
 *                              its count and a NAME?debug=1 link
 *   /debug/pprof/NAME          a registry profile (heap, allocs, threads,
 *                              threadcreate, mutex, block, custom);
 *                              "goroutine" is an alias of "threads".
 *                              debug=0: gzipped profile.proto
 *                              (application/octet-stream, attachment);
 *                              debug=N: text (pf_capture_profile_write).
 *                              seconds=N: delta profile over N seconds
 *                              (not for custom profiles, not with debug)
 *   /debug/pprof/profile       CPU profile for seconds=N (default 30)
 *   /debug/pprof/cmdline       argv, NUL-separated
 *   /debug/pprof/symbol        address -> function name (pprof's remote
 *                              symbolization protocol, docs/FORMATS.md 7)
 *   /debug/pprof/trace         501: Go execution traces have no C
 *                              counterpart
 *
 * Statuses and messages are Go's (404 "Unknown profile", 500 "Could not
 * enable CPU profiling: cpu profiling already in use", ...), with one
 * deliberate difference: a `seconds` that is present but not a
 * positive integer is 400 for /profile too (Go silently profiles 30 s).
 * docs/CAPTURE.md has the full table.
 */

/* Start the built-in server (libmicrohttpd, one thread per connection,
 * so a 30 s CPU profile never blocks other requests). ADDR is
 * "HOST:PORT", "[IPV6]:PORT", ":PORT" or "PORT"; without a host it
 * binds 127.0.0.1 (unlike Go's ":6060", which means every interface:
 * say "0.0.0.0:6060" for that). NULL = "127.0.0.1:6060". Port 0 picks
 * a free port. *PORT (may be NULL) gets the bound port. One server per
 * process: PF_EINVAL if one is running or ADDR is malformed ("bad
 * address 'ADDR': ..."); PF_EIO if it cannot listen ("cannot listen on
 * 'ADDR': Address already in use"). */
PF_API int pf_capture_http_start(int *port, const char *addr);

/* Stop the server: stop accepting, end the waits in progress
 * (seconds=N requests answer at once: a CPU profile with what it has,
 * a delta with 500 "context canceled"), wait for every connection
 * thread. No-op when not running (and in a forked child, which has
 * none of the server's threads: it only closes its copy of the
 * socket). */
PF_API void pf_capture_http_stop(void);

/* The port being served, 0 when no server runs. */
PF_API int pf_capture_http_port(void);

/* Server-independent entry point, for programs that already run an
 * HTTP server: route /debug/pprof/ and everything below it here. */
typedef struct pf_capture_http_request {
    unsigned version;           /* PF_CAPTURE_HTTP_REQUEST_VERSION */
    const char *method;         /* "GET", "POST", ...; any is accepted */
    /* The request target as received, percent-encoded, with its query:
     * "/debug/pprof/heap?debug=1". */
    const char *target;
    /* Content-Type of the body or NULL. An
     * application/x-www-form-urlencoded POST body is read for
     * parameters too (Go's FormValue: body first, then query). */
    const char *content_type;
    const void *body;           /* request body (may be NULL) */
    size_t body_len;
    /* The client's connection socket, or -1. When given, a seconds=N
     * wait ends early if the client hangs up (poll POLLRDHUP). */
    int client_fd;
} pf_capture_http_request;
#define PF_CAPTURE_HTTP_REQUEST_VERSION 1
#define PF_CAPTURE_HTTP_REQUEST_INIT                                       \
    { PF_CAPTURE_HTTP_REQUEST_VERSION, "GET", "/debug/pprof/", NULL, NULL, \
      0, -1 }

typedef struct pf_capture_http_header {
    const char *name;
    const char *value;
} pf_capture_http_header;

#define PF_CAPTURE_HTTP_MAX_HEADERS 6

/* A complete response: send STATUS, the NHEADERS headers in order (add
 * Content-Length yourself if your server does not) and BODY. The
 * strings belong to the response; the caller owns it
 * (pf_capture_http_response_release). */
typedef struct pf_capture_http_response {
    int status;
    size_t nheaders;
    pf_capture_http_header headers[PF_CAPTURE_HTTP_MAX_HEADERS];
    pf_membuf body;
    char *priv_[2];             /* private: storage of header values */
} pf_capture_http_response;

/* Handle one request into RESP (which needs no initialisation; any
 * previous content is not released). Blocks for seconds=N requests.
 * Returns PF_OK whenever RESP holds a response, error statuses
 * included; PF_ENOMEM or PF_EINVAL (NULL argument, unknown version)
 * otherwise, and then RESP holds nothing to release. Never prints. */
PF_API int pf_capture_http_serve(pf_capture_http_response *resp,
                                 const pf_capture_http_request *req);
PF_API void pf_capture_http_response_release(pf_capture_http_response *r);

#ifdef __cplusplus
}
#endif
#endif /* LIBPROFILE_CAPTURE_H */
