/*
 * URL sources: `go tool pprof http://host:port/debug/pprof/heap` for the
 * tools. The source spellings, the default path, the "seconds" query and
 * the timeout follow pprof's adjustURL (cmd/pprof and internal/driver,
 * docs/FORMATS.md 7); the transfer is libcurl's. The body is held in memory
 * under the same cap as a gzipped file's inflated size, so a runaway
 * server cannot make a tool allocate without bound.
 */
#include "tool_fetch.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <curl/curl.h>

static tool_fetch_opts cfg;

void tool_fetch_configure(const tool_fetch_opts *o)
{
    cfg = *o;
}

int tool_parse_seconds(const char *opt, const char *arg)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(arg, &end, 10);
    if (*end || end == arg || errno || v < 0 || v > 1000000)
        tool_usage_error("%s wants a whole number of seconds, not '%s'", opt,
                         arg);
    return (int)v;
}

/* "scheme:" at the start of S (RFC 3986 letters), as Go's getScheme. */
static size_t scheme_len(const char *s)
{
    size_t i;

    if (!isalpha((unsigned char)s[0]))
        return 0;
    for (i = 1; s[i]; i++) {
        if (s[i] == ':')
            return i;
        if (!isalnum((unsigned char)s[i]) && s[i] != '+' && s[i] != '-' &&
            s[i] != '.')
            return 0;
    }
    return 0;
}

/* Remove every "seconds=..." from QUERY (in place); return its last
 * value as an int, -1 if none or not a number. */
static long take_seconds(char *query, bool remove)
{
    char *r = query, *w = query;
    long found = -1;

    while (*r) {
        char *amp = strchr(r, '&');
        size_t n = amp ? (size_t)(amp - r) : strlen(r);
        bool is_sec = n >= 8 && strncmp(r, "seconds=", 8) == 0;

        if (is_sec) {
            char *end;
            long v = strtol(r + 8, &end, 10);
            found = (end == r + n && end != r + 8 && v >= 0 &&
                     v <= INT32_MAX) ? v : found;
        }
        if (!(is_sec && remove) && n > 0) {
            if (w != query)
                *w++ = '&';
            memmove(w, r, n);
            w += n;
        }
        r += n + (amp != NULL);
    }
    *w = '\0';
    return found;
}

char *tool_source_url(const char *src, int seconds, int timeout,
                      long *timeout_out, bool *insecure, char *errmsg,
                      size_t errlen)
{
    CURLU *u = curl_url();
    char *host = NULL, *path = NULL, *query = NULL, *out = NULL, *tmp = NULL;
    size_t sl = scheme_len(src);
    struct stat st;
    long dur = seconds > 0 ? seconds : 0;

    errmsg[0] = '\0';
    *insecure = false;
    if (!u) {
        snprintf(errmsg, errlen, "out of memory");
        return NULL;
    }
    if (strcmp(src, "-") == 0 || stat(src, &st) == 0)
        goto done;
    if (sl > 0 && strncmp(src + sl, "://", 3) == 0) {
        /* An explicit scheme: a URL if it has a host. */
        if (sl == 14 && strncmp(src, "https+insecure", 14) == 0) {
            *insecure = true;
            if (asprintf(&tmp, "https%s", src + sl) < 0)
                goto oom;
        }
        if (curl_url_set(u, CURLUPART_URL, tmp ? tmp : src,
                         CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK)
            goto done;
    } else if (sl == 0 && src[0] != '/' && strchr(src, ':') &&
               (!strchr(src, '/') || strchr(src, ':') < strchr(src, '/'))) {
        /* "host:port[/path]": Go's parser fails on it (or takes "host"
         * for a scheme), so pprof retries with "http://" in front. */
        if (asprintf(&tmp, "http://%s", src) < 0)
            goto oom;
        if (curl_url_set(u, CURLUPART_URL, tmp, 0) != CURLUE_OK)
            goto done;
    } else if (sl > 0 && src[sl + 1] != '/') {
        /* "localhost:6060" reads as scheme "localhost" in Go. */
        if (asprintf(&tmp, "http://%s", src) < 0)
            goto oom;
        if (curl_url_set(u, CURLUPART_URL, tmp, 0) != CURLUE_OK)
            goto done;
    } else {
        goto done;
    }
    if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || !host[0])
        goto done;
    if (curl_url_get(u, CURLUPART_PATH, &path, 0) != CURLUE_OK ||
        strcmp(path, "") == 0 || strcmp(path, "/") == 0) {
        if (curl_url_set(u, CURLUPART_PATH, "/debug/pprof/profile", 0) !=
            CURLUE_OK)
            goto oom;
    }
    if (curl_url_get(u, CURLUPART_QUERY, &query, 0) == CURLUE_OK) {
        long q = take_seconds(query, seconds > 0);
        if (seconds <= 0 && q >= 0)
            dur = q;
        if (curl_url_set(u, CURLUPART_QUERY, query[0] ? query : NULL, 0) !=
            CURLUE_OK)
            goto oom;
    }
    if (seconds > 0) {
        char sq[32];
        snprintf(sq, sizeof(sq), "seconds=%d", seconds);
        if (curl_url_set(u, CURLUPART_QUERY, sq, CURLU_APPENDQUERY) !=
            CURLUE_OK)
            goto oom;
    }
    if (curl_url_get(u, CURLUPART_URL, &out, 0) != CURLUE_OK)
        goto oom;
    if (timeout > 0)
        *timeout_out = timeout;
    else
        *timeout_out = (dur > 0 ? dur + dur / 2 : 60) + 5;
    goto done;
oom:
    snprintf(errmsg, errlen, "out of memory");
done:
    {
        /* curl's strings go back to curl; the caller gets malloc'd. */
        char *ret = out ? strdup(out) : NULL;
        if (out && !ret)
            snprintf(errmsg, errlen, "out of memory");
        curl_free(out);
        curl_free(host);
        curl_free(path);
        curl_free(query);
        curl_url_cleanup(u);
        free(tmp);
        return ret;
    }
}

/* ------------------------------------------------------------------ */
/* The transfer                                                        */

typedef struct body {
    unsigned char *data;
    size_t len, cap, max;
    bool toobig, nomem;
    char status[128];       /* last status line's "404 Not Found" */
} body;

static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
    body *b = ctx;
    size_t len = size * n;

    if (len > b->max - b->len) {
        b->toobig = true;
        return 0;
    }
    if (b->len + len > b->cap) {
        size_t ncap = b->cap ? b->cap : 1 << 16;
        unsigned char *nd;
        while (ncap < b->len + len)
            ncap = ncap > SIZE_MAX / 2 ? SIZE_MAX : ncap * 2;
        nd = realloc(b->data, ncap);
        if (!nd) {
            b->nomem = true;
            return 0;
        }
        b->data = nd;
        b->cap = ncap;
    }
    memcpy(b->data + b->len, p, len);
    b->len += len;
    return len;
}

/* Keep the reason of the last "HTTP/1.1 404 Not Found" line (after
 * redirects and 100 Continue, the one that counts comes last). */
static size_t on_header(char *p, size_t size, size_t n, void *ctx)
{
    body *b = ctx;
    size_t len = size * n;

    if (len > 5 && memcmp(p, "HTTP/", 5) == 0) {
        const char *sp = memchr(p, ' ', len);
        size_t k;
        if (sp) {
            sp++;
            k = (size_t)(p + len - sp);
            while (k > 0 && (sp[k - 1] == '\r' || sp[k - 1] == '\n'))
                k--;
            if (k >= sizeof(b->status))
                k = sizeof(b->status) - 1;
            memcpy(b->status, sp, k);
            b->status[k] = '\0';
        }
    }
    return len;
}

/* The first line of the error body, trimmed, printable, at most LIM. */
static void first_line(char *out, size_t lim, const body *b)
{
    size_t i = 0, k = 0;

    while (i < b->len && isspace(b->data[i]))
        i++;
    for (; i < b->len && b->data[i] != '\n' && k + 1 < lim; i++)
        out[k++] = isprint(b->data[i]) ? (char)b->data[i] : '?';
    while (k > 0 && isspace((unsigned char)out[k - 1]))
        k--;
    out[k] = '\0';
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;

static void curl_init(void)
{
    curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

int tool_fetch(tool_file *f, const char *url, long timeout, bool insecure,
               char *errmsg, size_t errlen)
{
    body b;
    CURL *h;
    CURLcode rc;
    long code = 0;
    char cerr[CURL_ERROR_SIZE] = "";

    memset(f, 0, sizeof(*f));
    memset(&b, 0, sizeof(b));
    b.max = cfg.max_bytes ? cfg.max_bytes : PF_MAX_INFLATED_DEFAULT;
    if (b.max > SIZE_MAX)
        b.max = SIZE_MAX;
    pthread_once(&curl_once, curl_init);
    if (curl_init_rc != CURLE_OK || !(h = curl_easy_init())) {
        snprintf(errmsg, errlen, "http fetch: cannot start libcurl");
        return -1;
    }
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, 10L);   /* Go's client: 10 */
    curl_easy_setopt(h, CURLOPT_TIMEOUT, timeout);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);     /* threads */
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, cerr);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &b);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "libprofile/" PF_VERSION_STRING);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    /* Go's ProxyFromEnvironment never proxies loopback; curl would. */
    curl_easy_setopt(h, CURLOPT_NOPROXY, "localhost,127.0.0.1,::1");
    if (insecure) {
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    rc = curl_easy_perform(h);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_cleanup(h);
    if (b.toobig) {
        snprintf(errmsg, errlen, "http fetch: response larger than %llu "
                 "bytes (--max-inflated raises the cap)",
                 (unsigned long long)b.max);
        goto fail;
    }
    if (b.nomem) {
        snprintf(errmsg, errlen, "http fetch: out of memory");
        goto fail;
    }
    if (rc == CURLE_OPERATION_TIMEDOUT) {
        snprintf(errmsg, errlen, "http fetch: no complete answer within "
                 "%ld s (-timeout sets the limit)", timeout);
        goto fail;
    }
    if (rc != CURLE_OK) {
        snprintf(errmsg, errlen, "http fetch: %s",
                 cerr[0] ? cerr : curl_easy_strerror(rc));
        goto fail;
    }
    if (code != 200) {
        char line[160];
        char st[160];
        first_line(line, sizeof(line), &b);
        if (b.status[0])
            snprintf(st, sizeof(st), "%s", b.status);
        else
            snprintf(st, sizeof(st), "%ld", code);
        snprintf(errmsg, errlen, "server response: %s%s%s", st,
                 line[0] ? " - " : "", line);
        goto fail;
    }
    f->data = b.data;
    f->len = b.len;
    if (!f->data) {         /* an empty 200 answer: a valid empty input */
        f->data = malloc(1);
        if (!f->data) {
            snprintf(errmsg, errlen, "out of memory");
            return -1;
        }
    }
    return 0;
fail:
    free(b.data);
    return -1;
}

int tool_fetch_source(tool_file *f, const char *src, char *errmsg,
                      size_t errlen)
{
    long timeout = 0;
    bool insecure = false;
    char *url = tool_source_url(src, cfg.seconds, cfg.timeout, &timeout,
                                &insecure, errmsg, errlen);
    int r;

    if (!url)
        return errmsg[0] ? -1 : 1;
    tool_progress_note("Fetching profile over HTTP from %s", url);
    if (cfg.seconds > 0)
        tool_progress_note("Please wait... (%ds)", cfg.seconds);
    r = tool_fetch(f, url, timeout, insecure, errmsg, errlen);
    free(url);
    return r;
}

bool tool_source_option(int c, const char *arg, tool_fetch_opts *fo,
                        bool *progress)
{
    switch (c) {
    case TOOL_OPT_SECONDS:
        fo->seconds = tool_parse_seconds("--seconds", arg);
        return true;
    case TOOL_OPT_TIMEOUT:
        fo->timeout = tool_parse_seconds("--timeout", arg);
        return true;
    case TOOL_OPT_PROGRESS:
        *progress = true;
        return true;
    default:
        return false;
    }
}

void tool_source_setup(const tool_fetch_opts *fo, bool progress,
                       uint64_t max_inflated)
{
    tool_fetch_opts o = *fo;

    if (!o.max_bytes)
        o.max_bytes = max_inflated;
    tool_fetch_configure(&o);
    tool_progress_enable(progress);
}
