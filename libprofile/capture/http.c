/*
 * The /debug/pprof/ endpoint's request handling (Go's net/http/pprof),
 * independent of any HTTP server: a request (method, raw target, body)
 * in, a complete response (status, headers, body) out. httpd.c puts it
 * behind libmicrohttpd; programs with a server of their own call
 * pf_capture_http_serve.
 *
 * Responses are built whole in memory before anything is sent: the
 * status of a profile request is only known once the profile is built
 * (Go's handlers also write nothing before that), and profiles are
 * small next to the process they describe.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "capint.h"
#include "httpint.h"

#define PREFIX "/debug/pprof/"
#define PREFIX_LEN (sizeof(PREFIX) - 1)

static const char TEXT[] = "text/plain; charset=utf-8";
static const char HTML[] = "text/html; charset=utf-8";
static const char OCTETS[] = "application/octet-stream";

/* ------------------------------------------------------------------ */
/* Responses */

static void resp_init(pf_capture_http_response *r)
{
    memset(r, 0, sizeof(*r));
    r->status = 200;
}

void pf_capture_http_response_release(pf_capture_http_response *r)
{
    if (!r)
        return;
    pf_membuf_release(&r->body);
    for (size_t i = 0; i < sizeof(r->priv_) / sizeof(r->priv_[0]); i++)
        pf__free(r->priv_[i]);
    memset(r, 0, sizeof(*r));
}

/* Set header NAME (replacing an earlier value); VALUE must outlive R. */
static void set_header(pf_capture_http_response *r, const char *name,
                       const char *value)
{
    for (size_t i = 0; i < r->nheaders; i++) {
        if (strcmp(r->headers[i].name, name) == 0) {
            r->headers[i].value = value;
            return;
        }
    }
    if (r->nheaders < PF_CAPTURE_HTTP_MAX_HEADERS) {
        r->headers[r->nheaders].name = name;
        r->headers[r->nheaders].value = value;
        r->nheaders++;
    }
}

static void del_header(pf_capture_http_response *r, const char *name)
{
    for (size_t i = 0; i < r->nheaders; i++) {
        if (strcmp(r->headers[i].name, name) == 0) {
            memmove(&r->headers[i], &r->headers[i + 1],
                    (r->nheaders - i - 1) * sizeof(r->headers[0]));
            r->nheaders--;
            return;
        }
    }
}

/* Header NAME = PREFIX VALUE SUFFIX, stored in private slot SLOT. */
static int set_header_owned(pf_capture_http_response *r, int slot,
                            const char *name, const char *prefix,
                            const char *value, const char *suffix)
{
    size_t len = strlen(prefix) + strlen(value) + strlen(suffix) + 1;
    char *s = pf__malloc(len);

    if (!s)
        return pf__error_oom();
    snprintf(s, len, "%s%s%s", prefix, value, suffix);
    pf__free(r->priv_[slot]);
    r->priv_[slot] = s;
    set_header(r, name, s);
    return PF_OK;
}

/* Content-Disposition: attachment; filename="NAME". Characters that
 * would end the quoted string or the header become '_'. */
static int set_attachment(pf_capture_http_response *r, const char *name,
                          const char *suffix)
{
    char *safe = pf__malloc(strlen(name) + 1);
    int err;

    if (!safe)
        return pf__error_oom();
    for (size_t i = 0;; i++) {
        unsigned char c = (unsigned char)name[i];
        safe[i] = (c && (c < 0x20 || c == 0x7f || c == '"' || c == '\\'))
                      ? '_' : (char)c;
        if (!c)
            break;
    }
    err = set_header_owned(r, 0, "Content-Disposition",
                           "attachment; filename=\"", safe, suffix);
    pf__free(safe);
    return err;
}

static int body_add(pf_capture_http_response *r, const char *s, size_t n)
{
    return pf__write(pf_writer_membuf(&r->body), s, n);
}

static int body_str(pf_capture_http_response *r, const char *s)
{
    return body_add(r, s, strlen(s));
}

/* Go's serveError: text status page, X-Go-Pprof: 1 (pprof shows the
 * body of such errors), no attachment. */
static int serve_error(pf_capture_http_response *r, int status,
                       const char *msg)
{
    r->status = status;
    r->body.len = 0;
    set_header(r, "Content-Type", TEXT);
    set_header(r, "X-Go-Pprof", "1");
    del_header(r, "Content-Disposition");
    PF_TRY(body_str(r, msg));
    return body_str(r, "\n");
}

/* ------------------------------------------------------------------ */
/* Request parsing */

typedef struct reqctx {
    const pf_capture_http_request *req;
    const char *query;          /* raw query (after '?'), "" if none */
    size_t query_len;
    const char *form;           /* urlencoded POST body, NULL if none */
    size_t form_len;
    int stop_fd;
} reqctx;

/* Percent-decode S[0..N) into OUT (N + 1 bytes); PLUS: '+' is a space
 * (query strings). Returns the length, or -1 on a bad escape. */
static long unescape(char *out, const char *s, size_t n, bool plus)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%') {
            int hi, lo;
            if (i + 2 >= n)
                return -1;
            hi = pf__hexval(s[i + 1]);
            lo = pf__hexval(s[i + 2]);
            if (hi < 0 || lo < 0)
                return -1;
            out[k++] = (char)(hi * 16 + lo);
            i += 2;
        } else if (plus && s[i] == '+') {
            out[k++] = ' ';
        } else {
            out[k++] = s[i];
        }
    }
    out[k] = 0;
    return (long)k;
}

/* First value of KEY in the urlencoded pairs S[0..N) into BUF (SIZE
 * bytes). Every parameter of this endpoint is a short integer: a value
 * that does not fit, or is badly escaped, reads as "?" (invalid). */
static bool form_get(const char *s, size_t n, const char *key, char *buf,
                     size_t size)
{
    size_t klen = strlen(key), i = 0;

    while (i < n) {
        size_t end = i, eq;
        char kbuf[64];

        while (end < n && s[end] != '&')
            end++;
        eq = i;
        while (eq < end && s[eq] != '=')
            eq++;
        if (eq - i < sizeof(kbuf) &&
            unescape(kbuf, s + i, eq - i, true) == (long)klen &&
            memcmp(kbuf, key, klen) == 0) {
            size_t vlen = eq < end ? end - eq - 1 : 0;
            if (vlen >= size ||
                unescape(buf, s + eq + 1, vlen, true) < 0)
                snprintf(buf, size, "?");
            return true;
        }
        i = end + 1;
    }
    return false;
}

/* Go's r.FormValue(KEY): POST form body first, then the query; "" when
 * absent. */
static const char *param(const reqctx *c, const char *key, char *buf,
                         size_t size)
{
    if (c->form && form_get(c->form, c->form_len, key, buf, size))
        return buf;
    if (form_get(c->query, c->query_len, key, buf, size))
        return buf;
    buf[0] = 0;
    return buf;
}

/* Go's strconv.ParseInt(S, 10, 64) == V without error. */
static bool parse_int(const char *s, long long *v)
{
    char *end;

    if (!*s || (*s != '+' && *s != '-' && (*s < '0' || *s > '9')))
        return false;
    if ((*s == '+' || *s == '-') && (s[1] < '0' || s[1] > '9'))
        return false;
    errno = 0;
    *v = strtoll(s, &end, 10);
    return !*end && !errno;
}

/* Go's strconv.Atoi: invalid -> 0 */
static int atoi_go(const char *s)
{
    long long v;

    if (!parse_int(s, &v) || v > INT32_MAX || v < INT32_MIN)
        return 0;
    return (int)v;
}

/* ------------------------------------------------------------------ */
/* Waiting (seconds=N) */

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t real_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Wait SECONDS. Returns true when the time has passed, false when the
 * client hung up or the server is stopping. */
static bool wait_seconds(const reqctx *c, long long seconds)
{
    int64_t end, now = mono_ns();

    /* beyond 100 years it is forever */
    if (seconds > 100LL * 366 * 86400)
        seconds = 100LL * 366 * 86400;
    end = now + seconds * 1000000000;
    while ((now = mono_ns()) < end) {
        struct pollfd fds[2];
        nfds_t n = 0;
        int64_t ms = (end - now + 999999) / 1000000;
        int k;

        if (c->stop_fd >= 0) {
            fds[n].fd = c->stop_fd;
            fds[n].events = POLLIN;
            n++;
        }
        if (c->req->client_fd >= 0) {
            fds[n].fd = c->req->client_fd;
            fds[n].events = POLLRDHUP;
            n++;
        }
        k = poll(fds, n, ms > 60000 ? 60000 : (int)ms);
        if (k < 0 && errno != EINTR)
            return false;
        for (nfds_t i = 0; k > 0 && i < n; i++)
            if (fds[i].revents & (POLLIN | POLLRDHUP | POLLHUP | POLLERR |
                                  POLLNVAL))
                return false;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* /debug/pprof/ index */

static const struct {
    const char *name, *desc;
} g_desc[] = {
    { "allocs", "A sampling of all past memory allocations" },
    { "block", "Stack traces that led to blocking on synchronization "
               "primitives (pthread mutexes, condition variables, rwlocks)" },
    { "cmdline", "The command line invocation of the current program" },
    { "heap", "A sampling of memory allocations of live objects" },
    { "mutex", "Stack traces of holders of contended mutexes" },
    { "profile", "CPU profile. You can specify the duration in the seconds "
                 "GET parameter. After you get the profile file, use the "
                 "go tool pprof command to investigate the profile." },
    { "symbol", "Function names of program counters (the remote "
                "symbolization protocol of go tool pprof)" },
    { "threadcreate", "Stack traces that led to the creation of new OS "
                      "threads" },
    { "threads", "Stack traces of all current threads (also served as "
                 "goroutine)" },
    { "trace", "A timeline of the CPU samples of every thread, as Chrome "
               "Trace Event JSON (Perfetto, chrome://tracing). You can "
               "specify the duration in the seconds GET parameter." },
};

static const char *describe(const char *name)
{
    for (size_t i = 0; i < sizeof(g_desc) / sizeof(g_desc[0]); i++)
        if (strcmp(g_desc[i].name, name) == 0)
            return g_desc[i].desc;
    return "";
}

static int put_html(pf_writer w, const char *s)
{
    for (; *s; s++) {
        const char *e = NULL;
        switch (*s) {
        case '<': e = "&lt;"; break;
        case '>': e = "&gt;"; break;
        case '&': e = "&amp;"; break;
        case '\'': e = "&#39;"; break;
        case '"': e = "&#34;"; break;
        }
        PF_TRY(e ? pf__write(w, e, strlen(e)) : pf__write(w, s, 1));
    }
    return PF_OK;
}

/* A relative link to NAME: everything but unreserved characters and '/'
 * percent-encoded (so a ':' can never read as a scheme). */
static int put_href(pf_writer w, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
            c == '~' || c == '/')
            PF_TRY(pf__write(w, s, 1));
        else
            PF_TRY(pf__writef(w, "%%%02X", c));
    }
    return PF_OK;
}

typedef struct entry {
    const char *name;
    size_t count;
} entry;

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->name, ((const entry *)b)->name);
}

static int serve_index(pf_capture_http_response *r)
{
    static const char *const extra[] = { "cmdline", "profile", "symbol",
                                         "trace" };
    const size_t nextra = sizeof(extra) / sizeof(extra[0]);
    pf_writer w = pf_writer_membuf(&r->body);
    pf_capture_profile **ps = NULL;
    entry *e = NULL;
    size_t n, ne = 0;
    int err = PF_OK;

    /* profiles may be created meanwhile: ask until the array holds all */
    for (size_t cap = 16;; cap *= 2) {
        pf__free(ps);
        if (!(ps = pf__malloc(cap * sizeof(*ps)))) {
            err = pf__error_oom();
            goto done;
        }
        if ((n = pf_capture_profiles(ps, cap)) <= cap)
            break;
    }
    if (!(e = pf__malloc((n + nextra) * sizeof(*e)))) {
        err = pf__error_oom();
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        e[ne].name = pf_capture_profile_name(ps[i]);
        e[ne++].count = pf_capture_profile_count(ps[i]);
    }
    for (size_t i = 0; i < nextra; i++) {
        e[ne].name = extra[i];
        e[ne++].count = 0;
    }
    qsort(e, ne, sizeof(*e), cmp_entry);

    set_header(r, "Content-Type", HTML);
    if ((err = body_str(r, "<html>\n<head>\n<title>/debug/pprof/</title>\n"
                        "<style>\n.profile-name{\n\tdisplay:inline-block;\n"
                        "\twidth:6rem;\n}\n</style>\n</head>\n<body>\n"
                        "/debug/pprof/<br>\n<br>\n"
                        "Types of profiles available:\n<table>\n"
                        "<thead><td>Count</td><td>Profile</td></thead>\n"))
        < 0)
        goto done;
    for (size_t i = 0; i < ne; i++) {
        if ((err = pf__writef(w, "<tr><td>%zu</td><td><a href='",
                              e[i].count)) < 0 ||
            (err = put_href(w, e[i].name)) < 0 ||
            (err = body_str(r, "?debug=1'>")) < 0 ||
            (err = put_html(w, e[i].name)) < 0 ||
            (err = body_str(r, "</a></td></tr>\n")) < 0)
            goto done;
    }
    if ((err = body_str(r, "</table>\n<a href=\"threads?debug=2\">full "
                        "thread stack dump</a>\n<br>\n<p>\n"
                        "Profile Descriptions:\n<ul>\n")) < 0)
        goto done;
    for (size_t i = 0; i < ne; i++) {
        if ((err = body_str(r, "<li><div class=profile-name>")) < 0 ||
            (err = put_html(w, e[i].name)) < 0 ||
            (err = body_str(r, ": </div> ")) < 0 ||
            (err = put_html(w, describe(e[i].name))) < 0 ||
            (err = body_str(r, "</li>\n")) < 0)
            goto done;
    }
    err = body_str(r, "</ul>\n</p>\n</body>\n</html>");
done:
    pf__free(ps);
    pf__free(e);
    return err;
}

/* ------------------------------------------------------------------ */
/* /debug/pprof/cmdline */

static int serve_cmdline(pf_capture_http_response *r)
{
    char buf[4096];
    int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
    int err = PF_OK;

    set_header(r, "Content-Type", TEXT);
    if (fd < 0)
        return PF_OK;       /* Go's os.Args cannot fail: serve nothing */
    for (;;) {
        ssize_t k = read(fd, buf, sizeof(buf));
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        if ((err = body_add(r, buf, (size_t)k)) < 0)
            break;
    }
    close(fd);
    /* NUL-terminated arguments; Go joins them with NUL */
    if (r->body.len && r->body.data[r->body.len - 1] == 0)
        r->body.len--;
    return err;
}

/* ------------------------------------------------------------------ */
/* /debug/pprof/symbol */

/* Go's strconv.ParseUint(S[0..N), 0, 64): 0x/0o/0b prefixes, a leading
 * 0 is octal, '_' separators only after a prefix. 0 when invalid. */
static uint64_t parse_addr(const char *s, size_t n)
{
    char buf[80];
    size_t k = 0, i = 0;
    int base = 10;
    bool prefixed = false;
    uint64_t v;
    char *end;

    if (n == 0 || n >= sizeof(buf) || s[0] < '0' || s[0] > '9')
        return 0;
    if (n > 2 && s[0] == '0') {
        int c = s[1] | 0x20;
        if (c == 'x' || c == 'o' || c == 'b') {
            base = c == 'x' ? 16 : c == 'o' ? 8 : 2;
            i = 2;
            prefixed = true;
        }
    }
    if (!prefixed && n > 1 && s[0] == '0')
        base = 8;
    for (; i < n; i++) {
        if (s[i] == '_' && prefixed)
            continue;
        if (pf__hexval(s[i]) < 0 ||
            pf__hexval(s[i]) >= base)
            return 0;
        buf[k++] = s[i];
    }
    if (k == 0)
        return 0;
    buf[k] = 0;
    errno = 0;
    v = strtoull(buf, &end, base);
    return *end || errno ? 0 : v;
}

static int serve_symbol(pf_capture_http_response *r, const reqctx *c)
{
    const pf_capture_http_request *q = c->req;
    bool post = q->method && strcmp(q->method, "POST") == 0;
    const char *s = post ? q->body : c->query;
    size_t n = post ? q->body_len : c->query_len, na = 0, cap = 0;
    uint64_t *addrs = NULL;
    uint32_t *locs = NULL;
    pf_cap_builder b;
    bool have_b = false;
    pf_symbolize_opts so = PF_SYMBOLIZE_OPTS_INIT;
    pf_writer w = pf_writer_membuf(&r->body);
    int err;

    set_header(r, "Content-Type", TEXT);
    if ((err = body_str(r, "num_symbols: 1\n")) < 0)
        goto done;
    for (size_t i = 0; s && i < n;) {
        size_t end = i;
        uint64_t a;
        while (end < n && s[end] != '+')
            end++;
        a = parse_addr(s + i, end - i);
        if (a) {
            if (PF_VEC_RESERVE(addrs, cap, na + 1) < 0) {
                err = pf__error_oom();
                goto done;
            }
            addrs[na++] = a;
        }
        i = end + 1;
    }
    if (na == 0)
        goto done;
    if ((err = pf__cap_builder_init(&b)) < 0)
        goto done;
    have_b = true;
    if (!(locs = pf__malloc(na * sizeof(*locs)))) {
        err = pf__error_oom();
        goto done;
    }
    for (size_t i = 0; i < na; i++) {
        uint32_t map = pf__cap_builder_find_map(&b, addrs[i]);
        if ((err = pf_profile_add_location(&locs[i], b.p, map, addrs[i],
                                           NULL, 0, false)) < 0)
            goto done;
    }
    /* Linkage names, as Go answers with the full symbol: pprof demangles
     * them as its -symbolize flag says. */
    so.debug_dir = "";
    so.demangle = PF_DEMANGLE_NONE;
    if ((err = pf_profile_symbolize(b.p, &so, NULL)) < 0)
        goto done;
    for (size_t i = 0; i < na; i++) {
        const pf_location *l = pf_profile_location(b.p, locs[i]);
        const pf_line *ln = pf_location_lines(b.p, l);
        const pf_function *f;
        if (!l->nline)
            continue;
        /* line[0]: the innermost inlined function, as Go's FuncForPC */
        f = pf_profile_function(b.p, ln[0].function);
        if ((err = pf__writef(w, "0x%" PRIx64 " %s\n", addrs[i],
                              *f->system_name ? f->system_name
                                              : f->name)) < 0)
            goto done;
    }
done:
    if (have_b)
        pf__cap_builder_release(&b);
    pf__free(addrs);
    pf__free(locs);
    return err;
}

/* ------------------------------------------------------------------ */
/* /debug/pprof/profile */

static int refuse_write(void *ctx, const void *buf, size_t len)
{
    (void)ctx;
    (void)buf;
    (void)len;
    return -1;
}

/* /debug/pprof/profile, and with TRACE /debug/pprof/trace: the same CPU
 * profile with its timeline, answered as Chrome Trace Event JSON
 * (1 s by default, as Go's trace). */
static int serve_cpu(pf_capture_http_response *r, const reqctx *c,
                     bool trace)
{
    char buf[64], msg[320];
    const char *sec = param(c, "seconds", buf, sizeof(buf));
    long long seconds = trace ? 1 : 30;
    /* The profile is taken with stop_profile: nothing is written to the
     * start writer, unless the program itself stops "our" profile with
     * pf_capture_cpu_stop (then that call fails, and so does ours). */
    pf_writer none = { refuse_write, NULL };
    pf_profile *p = NULL;
    int err;

    if (*sec && (!parse_int(sec, &seconds) || seconds <= 0))
        return serve_error(r, 400, "invalid value for \"seconds\" - must "
                                   "be a positive integer");
    set_header(r, "Content-Type", trace ? "application/json" : OCTETS);
    PF_TRY(set_attachment(r, trace ? "trace" : "profile",
                          trace ? ".json\"" : "\""));
    if ((trace ? pf_capture_cpu_start_trace(none)
               : pf_capture_cpu_start(none)) < 0) {
        snprintf(msg, sizeof(msg), "Could not enable CPU profiling: %s",
                 pf_error_last());
        return serve_error(r, 500, msg);
    }
    /* a client gone or a server stopping ends the profile early (Go) */
    wait_seconds(c, seconds);
    if (trace)
        err = pf_capture_cpu_stop_trace(NULL, pf_writer_membuf(&r->body));
    else
        err = pf_capture_cpu_stop_profile(&p);
    if (err < 0) {
        if (err == PF_ENOMEM)
            return err;
        snprintf(msg, sizeof(msg), "CPU profile lost: %s", pf_error_last());
        return serve_error(r, 500, msg);
    }
    if (trace)
        return PF_OK;
    err = pf_profile_encode(p, pf_writer_membuf(&r->body), NULL);
    pf_profile_free(p);
    return err;
}

/* ------------------------------------------------------------------ */
/* /debug/pprof/NAME */

static bool supports_delta(const char *name)
{
    static const char *const ok[] = { "allocs", "block", "goroutine",
                                      "heap", "mutex", "threadcreate",
                                      "threads" };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        if (strcmp(ok[i], name) == 0)
            return true;
    return false;
}

/* Go's serveDeltaProfile: P1 - P0 over SECONDS, stamped with P1's time
 * and the window as duration (docs/FORMATS.md 5.5). */
static int serve_delta(pf_capture_http_response *r, const reqctx *c,
                       pf_capture_profile *cp, const char *name,
                       const char *sec)
{
    char buf[64];
    long long seconds;
    pf_profile *p0 = NULL, *p1 = NULL, *d = NULL;
    const pf_profile *in[2];
    double *ratios = NULL;
    int64_t t0, t1;
    size_t nt;
    int err = PF_OK;

    if (!parse_int(sec, &seconds) || seconds <= 0)
        return serve_error(r, 400, "invalid value for \"seconds\" - must "
                                   "be a positive integer");
    if (!supports_delta(name))
        return serve_error(r, 400, "\"seconds\" parameter is not supported "
                                   "for this profile type");
    if (atoi_go(param(c, "debug", buf, sizeof(buf))) != 0)
        return serve_error(r, 400, "seconds and debug params are "
                                   "incompatible");
    t0 = real_ns();
    if ((err = pf_capture_profile_build(cp, &p0)) < 0) {
        if (err != PF_ENOMEM)
            err = serve_error(r, 500, "failed to collect profile");
        goto done;
    }
    if (!wait_seconds(c, seconds)) {
        err = serve_error(r, 500, "context canceled");
        goto done;
    }
    t1 = real_ns();
    if ((err = pf_capture_profile_build(cp, &p1)) < 0) {
        if (err != PF_ENOMEM)
            err = serve_error(r, 500, "failed to collect profile");
        goto done;
    }
    nt = pf_profile_sample_type_count(p0);
    if (!(ratios = pf__malloc((nt ? nt : 1) * sizeof(*ratios)))) {
        err = pf__error_oom();
        goto done;
    }
    for (size_t i = 0; i < nt; i++)
        ratios[i] = -1;
    in[0] = p0;
    in[1] = p1;
    if ((err = pf_profile_scale(p0, ratios, nt)) < 0 ||
        (err = pf_profile_merge(&d, in, 2, NULL)) < 0) {
        if (err != PF_ENOMEM)
            err = serve_error(r, 500, "failed to compute delta");
        goto done;
    }
    pf_profile_set_time(d, t1);
    pf_profile_set_duration(d, t1 - t0);
    set_header(r, "Content-Type", OCTETS);
    if ((err = set_attachment(r, name, "-delta\"")) < 0)
        goto done;
    err = pf_profile_encode(d, pf_writer_membuf(&r->body), NULL);
done:
    pf__free(ratios);
    pf_profile_free(p0);
    pf_profile_free(p1);
    pf_profile_free(d);
    return err;
}

static int serve_named(pf_capture_http_response *r, const reqctx *c,
                       const char *name)
{
    char buf[64], sbuf[64];
    pf_capture_profile *cp = pf_capture_lookup(name);
    const char *sec;
    int debug;

    /* Go programs call the thread stacks "goroutine" */
    if (!cp && strcmp(name, "goroutine") == 0)
        cp = pf_capture_lookup("threads");
    if (!cp)
        return serve_error(r, 404, "Unknown profile");
    sec = param(c, "seconds", sbuf, sizeof(sbuf));
    if (*sec)
        return serve_delta(r, c, cp, name, sec);
    /* gc=1 asks Go to collect garbage first: nothing to do in C */
    debug = atoi_go(param(c, "debug", buf, sizeof(buf)));
    if (debug != 0) {
        set_header(r, "Content-Type", TEXT);
    } else {
        set_header(r, "Content-Type", OCTETS);
        PF_TRY(set_attachment(r, name, "\""));
    }
    return pf_capture_profile_write(cp, pf_writer_membuf(&r->body), debug);
}

/* ------------------------------------------------------------------ */
/* Routing */

static int route(pf_capture_http_response *r, reqctx *c, const char *path)
{
    const char *name;

    if (strcmp(path, "/debug/pprof") == 0) {
        /* Go's ServeMux: the subtree root without its slash redirects */
        r->status = 301;
        set_header(r, "Content-Type", HTML);
        PF_TRY(set_header_owned(r, 1, "Location", PREFIX,
                                c->query_len ? "?" : "", c->query));
        return body_str(r, "<a href=\"" PREFIX "\">Moved Permanently</a>."
                           "\n\n");
    }
    if (strncmp(path, PREFIX, PREFIX_LEN) != 0) {
        r->status = 404;
        set_header(r, "Content-Type", TEXT);
        return body_str(r, "404 page not found\n");
    }
    name = path + PREFIX_LEN;
    if (!*name)
        return serve_index(r);
    if (strcmp(name, "cmdline") == 0)
        return serve_cmdline(r);
    if (strcmp(name, "profile") == 0)
        return serve_cpu(r, c, false);
    if (strcmp(name, "symbol") == 0)
        return serve_symbol(r, c);
    if (strcmp(name, "trace") == 0)
        return serve_cpu(r, c, true);
    return serve_named(r, c, name);
}

int pf__cap_http_serve_fd(pf_capture_http_response *resp,
                          const pf_capture_http_request *req, int stop_fd)
{
    reqctx c;
    const char *q;
    char *path = NULL;
    size_t plen;
    long k;
    int err;

    if (!resp)
        return pf__error_set(PF_EINVAL, "http serve: no response");
    resp_init(resp);
    if (!req || req->version != PF_CAPTURE_HTTP_REQUEST_VERSION ||
        !req->target)
        return pf__error_set(PF_EINVAL, "http serve: bad request struct");
    /* The endpoint's own allocations and locks are not the program's:
     * keep them out of the heap and contention profiles. */
    pf__cap_hook_enter();
    memset(&c, 0, sizeof(c));
    c.req = req;
    c.stop_fd = stop_fd;
    q = strchr(req->target, '?');
    plen = q ? (size_t)(q - req->target) : strlen(req->target);
    c.query = q ? q + 1 : "";
    c.query_len = strlen(c.query);
    if (req->method && req->body && req->content_type &&
        (strcmp(req->method, "POST") == 0 || strcmp(req->method, "PUT") == 0 ||
         strcmp(req->method, "PATCH") == 0) &&
        strncmp(req->content_type, "application/x-www-form-urlencoded",
                33) == 0) {
        c.form = req->body;
        c.form_len = req->body_len;
    }
    set_header(resp, "X-Content-Type-Options", "nosniff");
    if (!(path = pf__malloc(plen + 1))) {
        err = pf__error_oom();
        goto done;
    }
    k = unescape(path, req->target, plen, false);
    if (k < 0 || strlen(path) != (size_t)k) {
        /* a bad escape, or an escaped NUL */
        resp->status = 400;
        set_header(resp, "Content-Type", TEXT);
        err = body_str(resp, "400 Bad Request: invalid URL escape\n");
        goto done;
    }
    err = route(resp, &c, path);
done:
    pf__free(path);
    if (err < 0)
        pf_capture_http_response_release(resp);
    pf__cap_hook_leave();
    return err;
}

int pf_capture_http_serve(pf_capture_http_response *resp,
                          const pf_capture_http_request *req)
{
    return pf__cap_http_serve_fd(resp, req, -1);
}
