/*
 * Tool plumbing. Output files are written through a temporary file in
 * the target's directory and renamed into place, so that a failed run
 * (bad input, full disk, a signal handled by exit) leaves no partial
 * output. The pending temporary file is remembered so tool_die can
 * remove it.
 */
#include "tool.h"
#include "tool_fetch.h"
#include "tool_sig.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *progname = "pprof";

struct tool_out {
    char *path;         /* NULL for stdout */
    char *tmp;
    FILE *f;
    int die_code;
};

static tool_out *pending;
/* --max-memory: also bounds an input read into memory (a pipe). */
static uint64_t max_memory = TOOL_MAX_MEMORY_DEFAULT;

void tool_init(const char *argv0)
{
    const char *slash = argv0 ? strrchr(argv0, '/') : NULL;
    progname = slash ? slash + 1 : (argv0 ? argv0 : progname);
}

const char *tool_name(void)
{
    return progname;
}

static void cleanup_pending(void)
{
    if (pending)
        tool_out_abort(pending);
}

static void vmsg(const char *fmt, va_list ap)
{
    fprintf(stderr, "%s: ", progname);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void tool_die_code(int code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vmsg(fmt, ap);
    va_end(ap);
    cleanup_pending();
    exit(code);
}

void tool_die(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vmsg(fmt, ap);
    va_end(ap);
    cleanup_pending();
    exit(TOOL_EXIT_FAIL);
}

void tool_die_lib(int code, int err, const char *subject)
{
    const char *detail = pf_error_last();

    if (!detail[0])
        detail = pf_strerror(err);
    tool_die_code(code, "%s: %s", subject, detail);
}

void tool_warn(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vmsg(fmt, ap);
    va_end(ap);
}

void tool_usage_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vmsg(fmt, ap);
    va_end(ap);
    fprintf(stderr, "Try '%s --help' for more information.\n", progname);
    cleanup_pending();
    exit(TOOL_EXIT_USAGE);
}

void tool_version(void)
{
    printf("%s %s (libprofile %s)\n", progname, PF_VERSION_STRING,
           pf_version());
    exit(TOOL_EXIT_OK);
}

int tool_read_file(tool_file *f, const char *path, char *errmsg,
                   size_t errlen)
{
    int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY);
    unsigned char *data = NULL;
    size_t cap = 0, n = 0;
    struct stat st;
    int fr;

    /* A URL source (tool_fetch.c): fetched rather than opened. */
    if (fd < 0) {
        int saved = errno;
        if ((fr = tool_fetch_source(f, path, errmsg, errlen)) <= 0)
            return fr;
        errno = saved;
    }
    memset(f, 0, sizeof(*f));
    if (fd < 0) {
        snprintf(errmsg, errlen, "%s", strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(errmsg, errlen, "is a directory");
        goto fail;
    }
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
        void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m != MAP_FAILED) {
            if (fd != STDIN_FILENO)
                close(fd);
            f->data = m;
            f->len = f->mapped = (size_t)st.st_size;
            return 0;
        }
        /* Not mappable (some special files): read it instead. */
        cap = (size_t)st.st_size + 1;
    } else {
        cap = 1 << 16;
    }
    data = malloc(cap);
    if (!data) {
        snprintf(errmsg, errlen, "out of memory");
        goto fail;
    }
    for (;;) {
        ssize_t r;
        if (n == cap) {
            size_t ncap = cap * 2;
            unsigned char *nd;
            if (n >= max_memory) {
                snprintf(errmsg, errlen, "input exceeds the memory limit of "
                         "%llu bytes (--max-memory raises the limit)",
                         (unsigned long long)max_memory);
                goto fail;
            }
            if (ncap > max_memory)
                ncap = (size_t)max_memory + 1;
            nd = realloc(data, ncap);
            if (!nd) {
                snprintf(errmsg, errlen, "out of memory");
                goto fail;
            }
            data = nd;
            cap = ncap;
        }
        r = read(fd, data + n, cap - n);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            snprintf(errmsg, errlen, "%s", strerror(errno));
            goto fail;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    if (fd != STDIN_FILENO)
        close(fd);
    f->data = data;
    f->len = n;
    return 0;
fail:
    if (fd != STDIN_FILENO)
        close(fd);
    free(data);
    return -1;
}

void tool_file_release(tool_file *f)
{
    if (f->mapped)
        munmap(f->data, f->mapped);
    else
        free(f->data);
    memset(f, 0, sizeof(*f));
}

int tool_parse_gzip_level(const char *opt, const char *arg)
{
    char *end;
    long v = strtol(arg, &end, 10);

    if (*end || end == arg || v < 1 || v > 9)
        tool_usage_error("%s wants 1 to 9, not '%s'", opt, arg);
    return (int)v;
}

uint64_t tool_parse_byte_count(const char *opt, const char *arg)
{
    char *end;
    unsigned long long v;

    errno = 0;
    v = strtoull(arg, &end, 10);
    if (*end || end == arg || v == 0 || errno || arg[0] == '-')
        tool_usage_error("%s wants a positive byte count, not '%s'", opt, arg);
    return v;
}

uint64_t tool_parse_size(const char *opt, const char *arg)
{
    char *end;
    unsigned long long v;
    unsigned shift = 0;

    errno = 0;
    v = strtoull(arg, &end, 10);
    if (end != arg && *end) {
        const char *sfx = strchr("KMGT", end[0] & ~0x20);
        if (sfx && end[0] != ' ') {
            shift = 10 * (unsigned)(sfx - "KMGT" + 1);
            end++;
            if ((end[0] | 0x20) == 'i' && (end[1] | 0x20) == 'b')
                end += 2;
            else if ((end[0] | 0x20) == 'b')
                end++;
        }
    }
    if (*end || end == arg || v == 0 || errno || arg[0] == '-' ||
        v > (UINT64_MAX >> shift))
        tool_usage_error("%s wants a positive size (bytes, or with K, M, G "
                         "or T), not '%s'", opt, arg);
    return (uint64_t)v << shift;
}

static uint64_t max_records = TOOL_MAX_RECORDS_DEFAULT;
static pf_budget *budget;

int tool_limit_option(int opt, const char *arg)
{
    if (opt == TOOL_OPT_MAX_MEMORY)
        max_memory = tool_parse_size("--max-memory", arg);
    else if (opt == TOOL_OPT_MAX_RECORDS) {
        char *end;
        errno = 0;
        max_records = strtoull(arg, &end, 10);
        if (*end || end == arg || max_records == 0 || errno || arg[0] == '-')
            tool_usage_error("--max-records wants a positive count, not '%s'",
                             arg);
    } else
        return 0;
    return 1;
}

void tool_decode_opts(pf_decode_opts *o)
{
    if (o->version < 2) {
        pf_decode_opts d = PF_DECODE_OPTS_INIT;
        d.max_inflated = o->max_inflated;
        d.max_records = o->max_records;
        *o = d;
    }
    /* Never freed: a tool may exit (tool_die) while reads are still
     * running on other threads (pprofmerge's loaders). */
    if (!budget && pf_budget_new(&budget, max_memory) < 0)
        tool_die("out of memory");
    if (!o->budget && !o->max_memory)
        o->budget = budget;
    if (!o->max_records)
        o->max_records = max_records;
}

const char *tool_limit_hint(int err)
{
    if (err != PF_ETOOBIG)
        return "";
    switch (pf_error_limit()) {
    case PF_LIMIT_MEMORY: return " (--max-memory raises the limit)";
    case PF_LIMIT_RECORDS: return " (--max-records raises the limit)";
    case PF_LIMIT_INFLATED: return " (--max-inflated raises the limit)";
    default: return "";
    }
}

void tool_die_read(int code, int err, const char *subject)
{
    const char *detail = pf_error_last();

    if (!detail[0])
        detail = pf_strerror(err);
    tool_die_code(code, "%s: %s%s", subject, detail, tool_limit_hint(err));
}

pf_profile *tool_load_profile(const char *path, pf_format *fmt, int die_code,
                              const pf_decode_opts *opts)
{
    tool_file in;
    char msg[256];
    pf_profile *p;
    pf_decode_opts o = PF_DECODE_OPTS_INIT;
    int err;
    const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;

    if (opts)
        o = *opts;
    tool_decode_opts(&o);
    if (tool_read_file(&in, path, msg, sizeof(msg)) < 0)
        tool_die_code(die_code, "%s: %s", name, msg);
    err = pf_profile_read(&p, fmt, in.data, in.len, &o);
    tool_file_release(&in);
    if (err < 0)
        tool_die_read(die_code, err, name);
    return p;
}

tool_out *tool_out_open(const char *path, int die_code)
{
    tool_out *o = calloc(1, sizeof(*o));
    struct stat st;
    int fd;

    if (!o)
        tool_die_code(die_code, "out of memory");
    o->die_code = die_code;
    if (strcmp(path, "-") == 0) {
        o->f = stdout;
        return o;
    }
    o->path = strdup(path);
    o->tmp = malloc(strlen(path) + 16);
    if (!o->path || !o->tmp)
        tool_die_code(die_code, "out of memory");
    sprintf(o->tmp, "%s.tmpXXXXXX", path);
    /* Only regular files are replaced by rename: a device, FIFO or
     * socket (/dev/stdout, /dev/full, a pipe) is written in place. */
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        free(o->tmp);
        o->tmp = NULL;
        o->f = fopen(path, "wb");
        if (!o->f)
            tool_die_code(die_code, "%s: %s", path, strerror(errno));
        pending = o;
        return o;
    }
    fd = mkstemp(o->tmp);
    if (fd < 0) {
        /* Never fall back to writing PATH in place: a failure half-way
         * would destroy the file (the input itself when they are the
         * same). */
        int saved = errno;
        const char *slash = strrchr(path, '/');
        int dlen = slash ? (int)(slash - path) : 1;
        const char *dir = slash ? path : ".";

        if (slash == path)
            dlen = 1;
        if (saved == ENOENT || saved == ENOTDIR)
            tool_die_code(die_code, "%s: %s", path, strerror(saved));
        tool_die_code(die_code,
                      "cannot create a temporary file in '%.*s': %s; "
                      "output not written", dlen, dir, strerror(saved));
    }
    if (tool_sig_arm(o->tmp) < 0) {
        close(fd);
        unlink(o->tmp);
        tool_die_code(die_code, "%s: path too long", path);
    }
    {
        /* mkstemp creates 0600; give the file the usual umask mode. */
        mode_t um = umask(0);
        umask(um);
        fchmod(fd, 0666 & ~um);
    }
    o->f = fdopen(fd, "wb");
    if (!o->f)
        tool_die_code(die_code, "%s: %s", path, strerror(errno));
    pending = o;
    return o;
}

pf_writer tool_out_writer(tool_out *o)
{
    return pf_writer_file(o->f);
}

FILE *tool_out_file(tool_out *o)
{
    return o->f;
}

static void out_free(tool_out *o)
{
    if (pending == o)
        pending = NULL;
    free(o->path);
    free(o->tmp);
    free(o);
}

void tool_out_commit(tool_out *o)
{
    char name[4096];
    int code = o->die_code;

    /* A copy: tool_out_abort frees O before the message is printed. */
    snprintf(name, sizeof(name), "%s", o->path ? o->path : "<stdout>");
    if (fflush(o->f) != 0 || ferror(o->f)) {
        char msg[256];
        snprintf(msg, sizeof(msg), "%s", strerror(errno));
        tool_out_abort(o);
        tool_die_code(code, "%s: write failed: %s", name, msg);
    }
    if (o->path) {
        if ((o->tmp && fsync(fileno(o->f)) != 0 && errno != EINVAL) ||
            fclose(o->f) != 0) {
            char msg[256];
            snprintf(msg, sizeof(msg), "%s", strerror(errno));
            o->f = NULL;
            tool_out_abort(o);
            tool_die_code(code, "%s: write failed: %s", name, msg);
        }
        o->f = NULL;
        if (o->tmp && rename(o->tmp, o->path) != 0) {
            char msg[256];
            snprintf(msg, sizeof(msg), "%s", strerror(errno));
            tool_out_abort(o);
            tool_die_code(code, "%s: %s", name, msg);
        }
        if (o->tmp)
            tool_sig_disarm();
    }
    out_free(o);
}

void tool_out_abort(tool_out *o)
{
    if (o->f && o->f != stdout)
        fclose(o->f);
    o->f = NULL;
    /* A file written in place (a device, a FIFO) has nothing to undo. */
    if (o->tmp) {
        unlink(o->tmp);
        tool_sig_disarm();
    }
    out_free(o);
}

void tool_write_profile(const char *path, const pf_profile *p,
                        pf_out_format f, const pf_encode_opts *opts,
                        int die_code)
{
    tool_out *o = tool_out_open(path, die_code);
    int err = pf_profile_write(p, tool_out_writer(o), f, opts);

    if (err < 0) {
        const char *name = strcmp(path, "-") == 0 ? "<stdout>" : path;
        char detail[300];
        snprintf(detail, sizeof(detail), "%s",
                 err == PF_EIO ? strerror(errno) : pf_error_last());
        tool_out_abort(o);
        tool_die_code(die_code, "%s: %s", name, detail);
    }
    tool_out_commit(o);
}
