/*
 * pprofrecord: run a command with libprofile-capture preloaded, so an
 * unmodified program writes its CPU (and optionally heap, mutex, block)
 * profile when it exits.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tool.h"

static const char usage_text[] =
    "Usage: pprofrecord [OPTIONS] -- CMD [ARGS...]\n"
    "Run CMD with libprofile-capture preloaded and write its profiles\n"
    "(gzipped profile.proto) when it exits.\n"
    "\n"
    "Options:\n"
    "  -o, --output=FILE   CPU profile (default cpu.pb.gz)\n"
    "      --no-cpu        no CPU profile\n"
    "      --rate=HZ       CPU sampling rate, 1-10000 (default 100)\n"
    "      --heap=FILE     also write a heap profile\n"
    "      --heap-rate=BYTES\n"
    "                      mean bytes between heap samples (default\n"
    "                      524288; 1 = every allocation)\n"
    "      --allocs=FILE   also write an allocs profile (every sampled\n"
    "                      allocation since start, freed or not)\n"
    "      --mutex=FILE    also write a mutex contention profile\n"
    "      --block=FILE    also write a block (wait time) profile\n"
    "      --threadcreate=FILE\n"
    "                      also write the stacks that created threads\n"
    "      --unwind=fp|dwarf\n"
    "                      how stacks are unwound: dwarf (default) reads\n"
    "                      the call frame information of every module\n"
    "                      and gives whole stacks of ordinary -O2 code,\n"
    "                      through libc and shared libraries; fp walks\n"
    "                      frame pointers only\n"
    "      --trace=FILE    write a timeline of the CPU samples of every\n"
    "                      thread (Chrome Trace Event JSON, for Perfetto\n"
    "                      or chrome://tracing). The CPU profiler runs\n"
    "                      from start to exit for it; without -o no CPU\n"
    "                      profile file is written.\n"
    "      --http=ADDR     serve /debug/pprof/ on ADDR while CMD runs\n"
    "                      (127.0.0.1:6060, :0 = any free port; see\n"
    "                      PPROF_HTTP_PORTFILE). Without -o there is no\n"
    "                      CPU profile from start to exit (it would\n"
    "                      hold the profiler /debug/pprof/profile uses),\n"
    "                      and heap sampling is on at its default rate.\n"
    "  -h, --help          show this help and exit\n"
    "  -V, --version       show the version and exit\n"
    "\n"
    "The library is libprofile-capture.so from $PPROF_CAPTURE_LIB, else\n"
    "../lib/ next to this program (the build tree and installed layout).\n"
    "With --unwind=fp, only code built with -fno-omit-frame-pointer shows\n"
    "its callers. A command started by CMD through exec writes\n"
    "FILE.PID; forked children without exec write nothing.\n"
    "\n"
    "Profiling does not interrupt the program's system calls: a thread\n"
    "blocked in the kernel is never signalled (the threads profile copies\n"
    "its stack instead). Threads running in user space are signalled\n"
    "(SIGPROF, the thread dump's real-time signal) with SA_RESTART, but\n"
    "the kernel never restarts some calls (nanosleep, poll, select,\n"
    "epoll_wait, ...; see signal(7)): one entered just as the signal\n"
    "arrives can return EINTR, as under any profiler.\n"
    "\n"
    "Exit status: CMD's, or 1 if it cannot be run, 2 on usage error.\n";

static const char *find_lib(char *buf, size_t size)
{
    const char *env = getenv("PPROF_CAPTURE_LIB");
    char exe[PATH_MAX];
    ssize_t n;
    char *slash;

    if (env && *env) {
        if (access(env, R_OK) != 0)
            tool_die("PPROF_CAPTURE_LIB: cannot read '%s': %s", env,
                     strerror(errno));
        return env;
    }
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0)
        tool_die("cannot find my own path: %s", strerror(errno));
    exe[n] = 0;
    slash = strrchr(exe, '/');
    if (slash)
        *slash = 0;
    snprintf(buf, size, "%s/../lib/libprofile-capture.so", exe);
    if (access(buf, R_OK) != 0)
        tool_die("cannot find libprofile-capture.so (looked for '%s'; set "
                 "PPROF_CAPTURE_LIB)", buf);
    return buf;
}

static long parse_long(const char *opt, const char *s, long lo, long hi)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (!*s || *end || errno || v < lo || v > hi)
        tool_usage_error("%s wants an integer in %ld..%ld, not '%s'", opt,
                         lo, hi, s);
    return v;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "output", required_argument, NULL, 'o' },
        { "no-cpu", no_argument, NULL, 'n' },
        { "rate", required_argument, NULL, 'r' },
        { "heap", required_argument, NULL, 'H' },
        { "heap-rate", required_argument, NULL, 'R' },
        { "allocs", required_argument, NULL, 'A' },
        { "mutex", required_argument, NULL, 'm' },
        { "block", required_argument, NULL, 'b' },
        { "threadcreate", required_argument, NULL, 'T' },
        { "http", required_argument, NULL, 'w' },
        { "unwind", required_argument, NULL, 'U' },
        { "trace", required_argument, NULL, 't' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 }
    };
    const char *cpu = "cpu.pb.gz", *heap = NULL, *mutex = NULL, *block = NULL;
    const char *http = NULL, *allocs = NULL, *tcreate = NULL, *trace = NULL;
    const char *unwind = NULL;
    bool cpu_given = false;
    long rate = 0, heap_rate = -1;
    char libbuf[PATH_MAX + 64], num[32], *preload;
    const char *lib, *old;
    int c;

    tool_init(argv[0]);
    while ((c = getopt_long(argc, argv, "+o:hV", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': cpu = optarg; cpu_given = true; break;
        case 'n': cpu = NULL; cpu_given = true; break;
        case 'r': rate = parse_long("--rate", optarg, 1, 10000); break;
        case 'H': heap = optarg; break;
        case 'R':
            heap_rate = parse_long("--heap-rate", optarg, 0, LONG_MAX);
            break;
        case 'A': allocs = optarg; break;
        case 'm': mutex = optarg; break;
        case 'b': block = optarg; break;
        case 'T': tcreate = optarg; break;
        case 't': trace = optarg; break;
        case 'w':
            if (!*optarg)
                tool_usage_error("--http wants an address");
            http = optarg;
            break;
        case 'U':
            if (strcmp(optarg, "fp") != 0 && strcmp(optarg, "dwarf") != 0)
                tool_usage_error("--unwind wants fp or dwarf, not '%s'",
                                 optarg);
            unwind = optarg;
            break;
        case 'h':
            fputs(usage_text, stdout);
            return TOOL_EXIT_OK;
        case 'V':
            tool_version();
        default:
            tool_usage_error("bad option");
        }
    }
    if (optind >= argc)
        tool_usage_error("no command to run");
    if (cpu && !*cpu)
        tool_usage_error("-o wants a file name");
    {
        static const char *const names[] = { "--heap", "--allocs", "--mutex",
                                              "--block", "--threadcreate",
                                              "--trace" };
        const char *files[] = { heap, allocs, mutex, block, tcreate, trace };
        for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
            if (files[i] && !*files[i])
                tool_usage_error("%s wants a file name", names[i]);
    }
    if ((http || trace) && !cpu_given)
        cpu = NULL;
    lib = find_lib(libbuf, sizeof(libbuf));
    old = getenv("LD_PRELOAD");
    if (old && *old) {
        size_t len = strlen(lib) + strlen(old) + 2;
        preload = malloc(len);
        if (!preload)
            tool_die("out of memory");
        snprintf(preload, len, "%s:%s", lib, old);
    } else {
        preload = (char *)lib;
    }
    /* Start from a clean PPROF_* set: only what was asked here. */
    unsetenv("PPROF_CPU");
    unsetenv("PPROF_HEAP");
    unsetenv("PPROF_ALLOCS");
    unsetenv("PPROF_MUTEX");
    unsetenv("PPROF_BLOCK");
    unsetenv("PPROF_THREADCREATE");
    unsetenv("PPROF_HTTP");
    unsetenv("PPROF_UNWIND");
    unsetenv("PPROF_TRACE");
    if ((cpu && setenv("PPROF_CPU", cpu, 1) != 0) ||
        (heap && setenv("PPROF_HEAP", heap, 1) != 0) ||
        (allocs && setenv("PPROF_ALLOCS", allocs, 1) != 0) ||
        (tcreate && setenv("PPROF_THREADCREATE", tcreate, 1) != 0) ||
        (mutex && setenv("PPROF_MUTEX", mutex, 1) != 0) ||
        (block && setenv("PPROF_BLOCK", block, 1) != 0) ||
        (http && setenv("PPROF_HTTP", http, 1) != 0) ||
        (unwind && setenv("PPROF_UNWIND", unwind, 1) != 0) ||
        (trace && setenv("PPROF_TRACE", trace, 1) != 0) ||
        setenv("LD_PRELOAD", preload, 1) != 0)
        tool_die("cannot set the environment: %s", strerror(errno));
    if (rate) {
        snprintf(num, sizeof(num), "%ld", rate);
        setenv("PPROF_CPU_RATE", num, 1);
    }
    /* Heap sampling costs a little on every allocation: off unless a
     * heap profile is wanted. */
    if (heap_rate < 0 && !heap && !allocs && !http)
        heap_rate = 0;
    if (heap_rate >= 0) {
        snprintf(num, sizeof(num), "%ld", heap_rate);
        setenv("PPROF_HEAP_RATE", num, 1);
    }
    snprintf(num, sizeof(num), "%ld", (long)getpid());
    setenv("PPROF_OWNER_PID", num, 1);
    execvp(argv[optind], argv + optind);
    tool_die("cannot run '%s': %s", argv[optind], strerror(errno));
}
