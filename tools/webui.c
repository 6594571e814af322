/*
 * pproftop -http=HOST:PORT: a local web UI over one (merged) profile,
 * like `go tool pprof -http`. See docs/WEBUI.md.
 *
 * libmicrohttpd serves from its own thread, one request at a time; the
 * profile is only read, and every report works on a private copy, so
 * nothing is shared between requests. The main thread only waits for
 * SIGINT/SIGTERM (blocked before the server thread starts, so they are
 * delivered to sigwait) and then stops the server.
 *
 * Every page is self-contained (inline CSS and JS; a
 * Content-Security-Policy forbids any other fetch), and the view's
 * options live in the URL query with pprof's parameter names, so a view
 * can be bookmarked or shared.
 */
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "webui.h"
#include "tool.h"

/* ------------------------------------------------------------------ */
/* A growable text buffer; out of memory sets a flag, checked once.    */

typedef struct hbuf {
    char *s;
    size_t len, cap;
    bool oom;
} hbuf;

static void hb_add(hbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        char *ns;
        while (cap < b->len + n + 1)
            cap *= 2;
        if (!(ns = realloc(b->s, cap))) {
            b->oom = true;
            return;
        }
        b->s = ns;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void hb_puts(hbuf *b, const char *s)
{
    hb_add(b, s, strlen(s));
}

static void hb_printf(hbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void hb_printf(hbuf *b, const char *fmt, ...)
{
    char small[512], *big = NULL;
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->oom = true;
        return;
    }
    if ((size_t)n < sizeof(small)) {
        hb_add(b, small, (size_t)n);
        return;
    }
    if (!(big = malloc((size_t)n + 1))) {
        b->oom = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    hb_add(b, big, (size_t)n);
    free(big);
}

/* HTML text and attribute values. */
static void hb_esc_n(hbuf *b, const char *s, size_t n)
{
    size_t from = 0;

    for (size_t i = 0; i < n; i++) {
        const char *rep;
        switch (s[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: continue;
        }
        hb_add(b, s + from, i - from);
        hb_puts(b, rep);
        from = i + 1;
    }
    hb_add(b, s + from, n - from);
}

static void hb_esc(hbuf *b, const char *s)
{
    hb_esc_n(b, s, strlen(s));
}

/* A URL query component. */
static void hb_urlenc(hbuf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";

    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
            (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
            c == '~') {
            hb_add(b, (const char *)&c, 1);
        } else {
            char e[3] = { '%', hex[c >> 4], hex[c & 15] };
            hb_add(b, e, 3);
        }
    }
}

/* ------------------------------------------------------------------ */
/* View options from the URL query                                     */

/* pprof's URL parameter names (its config.go), in form order. */
enum {
    Q_F, Q_I, Q_H, Q_S, Q_SF, Q_PRUNE, Q_TF, Q_TI, Q_TS, Q_TH, Q_SI, Q_G,
    Q_NOINL, Q_N, Q_SORT, Q_UNIT, Q_MEAN, Q_REL, Q_COUNT
};
static const struct {
    const char *name, *label;
} qparams[Q_COUNT] = {
    [Q_F] = { "f", "focus" }, [Q_I] = { "i", "ignore" },
    [Q_H] = { "h", "hide" }, [Q_S] = { "s", "show" },
    [Q_SF] = { "sf", "show_from" }, [Q_PRUNE] = { "prunefrom", "prune_from" },
    [Q_TF] = { "tf", "tagfocus" }, [Q_TI] = { "ti", "tagignore" },
    [Q_TS] = { "ts", "tagshow" }, [Q_TH] = { "th", "taghide" },
    [Q_SI] = { "si", "sample_index" }, [Q_G] = { "g", "granularity" },
    [Q_NOINL] = { "noinlines", "noinlines" }, [Q_N] = { "n", "nodecount" },
    [Q_SORT] = { "sort", "sort" }, [Q_UNIT] = { "unit", "unit" },
    [Q_MEAN] = { "mean", "mean" }, [Q_REL] = { "rel", "relative_percentages" },
};

static const char *const gran_names[] = {
    [PF_GRAN_FUNCTIONS] = "functions", [PF_GRAN_FILEFUNCTIONS] = "filefunctions",
    [PF_GRAN_FILES] = "files", [PF_GRAN_LINES] = "lines",
    [PF_GRAN_ADDRESSES] = "addresses",
};

typedef struct server {
    const pf_profile *p;
    pf_report_opts base;        /* from the command line */
    const char *title;
    struct MHD_Daemon *mhd;
} server;

/* One request's view: the query values (NULL = not in the URL), the
 * options they give, and the error that makes them unusable. */
typedef struct view {
    const server *srv;
    const char *path;           /* "/ui/top" etc. */
    const char *q[Q_COUNT];
    pf_report_opts ro;
    char nbuf[32];
    char err[512];
} view;

static bool truthy(const char *v)
{
    return strcmp(v, "t") == 0 || strcmp(v, "true") == 0 ||
           strcmp(v, "1") == 0 || strcmp(v, "on") == 0;
}

/* Value shown in the form for parameter I (the URL's, else the
 * command line's default). */
static const char *qvalue(const view *v, int i)
{
    const pf_report_opts *b = &v->srv->base;

    if (v->q[i])
        return v->q[i];
    switch (i) {
    case Q_F: return b->filter.focus ? b->filter.focus : "";
    case Q_I: return b->filter.ignore ? b->filter.ignore : "";
    case Q_H: return b->filter.hide ? b->filter.hide : "";
    case Q_S: return b->filter.show ? b->filter.show : "";
    case Q_SF: return b->filter.show_from ? b->filter.show_from : "";
    case Q_PRUNE: return b->filter.prune_from ? b->filter.prune_from : "";
    case Q_TF: return b->filter.tagfocus ? b->filter.tagfocus : "";
    case Q_TI: return b->filter.tagignore ? b->filter.tagignore : "";
    case Q_TS: return b->filter.tagshow ? b->filter.tagshow : "";
    case Q_TH: return b->filter.taghide ? b->filter.taghide : "";
    case Q_SI: return b->sample_index ? b->sample_index : "";
    case Q_G: return gran_names[b->filter.granularity];
    case Q_UNIT: return b->unit ? b->unit : "";
    default: return "";
    }
}

/* Fill V->ro from the query; false with V->err on a bad value. */
static bool view_parse(view *v, struct MHD_Connection *c)
{
    pf_report_opts *ro = &v->ro;
    const char **dst[Q_COUNT] = {
        [Q_F] = &ro->filter.focus, [Q_I] = &ro->filter.ignore,
        [Q_H] = &ro->filter.hide, [Q_S] = &ro->filter.show,
        [Q_SF] = &ro->filter.show_from, [Q_PRUNE] = &ro->filter.prune_from,
        [Q_TF] = &ro->filter.tagfocus, [Q_TI] = &ro->filter.tagignore,
        [Q_TS] = &ro->filter.tagshow, [Q_TH] = &ro->filter.taghide,
        [Q_SI] = &ro->sample_index, [Q_UNIT] = &ro->unit,
    };
    int idx, err;

    *ro = v->srv->base;
    ro->matched = NULL;
    ro->symbol = NULL;
    for (int i = 0; i < Q_COUNT; i++) {
        v->q[i] = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
                                              qparams[i].name);
        if (v->q[i] && dst[i])
            *dst[i] = v->q[i];
    }
    if (v->q[Q_G] && *v->q[Q_G]) {
        size_t k;
        for (k = 0; k < sizeof(gran_names) / sizeof(gran_names[0]); k++)
            if (strcmp(v->q[Q_G], gran_names[k]) == 0)
                break;
        if (k == sizeof(gran_names) / sizeof(gran_names[0])) {
            snprintf(v->err, sizeof(v->err), "g: unknown granularity '%s'",
                     v->q[Q_G]);
            return false;
        }
        ro->filter.granularity = (pf_granularity)k;
    }
    if (v->q[Q_NOINL])
        ro->filter.noinlines = truthy(v->q[Q_NOINL]);
    if (v->q[Q_MEAN])
        ro->mean = truthy(v->q[Q_MEAN]);
    if (v->q[Q_REL])
        ro->relative = truthy(v->q[Q_REL]);
    if (v->q[Q_SORT] && *v->q[Q_SORT]) {
        if (strcmp(v->q[Q_SORT], "cum") != 0 &&
            strcmp(v->q[Q_SORT], "flat") != 0) {
            snprintf(v->err, sizeof(v->err), "sort: want cum or flat, not '%s'",
                     v->q[Q_SORT]);
            return false;
        }
        ro->cum_sort = strcmp(v->q[Q_SORT], "cum") == 0;
    }
    if (v->q[Q_N] && *v->q[Q_N]) {
        char *end;
        long n;
        errno = 0;
        n = strtol(v->q[Q_N], &end, 10);
        if (errno || *end || n < 0 || n > 1000000000) {
            snprintf(v->err, sizeof(v->err), "n: bad node count '%s'",
                     v->q[Q_N]);
            return false;
        }
        ro->nodecount = (int)n;
    }
    if ((err = pf_filter_opts_check(&ro->filter)) < 0) {
        snprintf(v->err, sizeof(v->err), "%s", pf_error_last());
        return false;
    }
    if ((err = pf_profile_sample_index(&idx, v->srv->p, ro->sample_index)) < 0) {
        snprintf(v->err, sizeof(v->err), "si: %s", pf_error_last());
        return false;
    }
    return true;
}

/* The current query, with parameter SKIP left out (-1 = none), for
 * links that keep the view's options: "?a=1&b=2", or "&a=1&b=2" when
 * MORE (the link has a parameter already); nothing if empty. In HTML
 * attributes (HTML) the '&' are written "&amp;". */
static void hb_query(hbuf *b, const view *v, int skip, bool more, bool html)
{
    const char *amp = html ? "&amp;" : "&";
    bool first = !more;

    for (int i = 0; i < Q_COUNT; i++) {
        if (i == skip || !v->q[i])
            continue;
        hb_puts(b, first ? "?" : amp);
        hb_puts(b, qparams[i].name);
        hb_puts(b, "=");
        hb_urlenc(b, v->q[i]);
        first = false;
    }
}

/* ------------------------------------------------------------------ */
/* Page frame                                                          */

static const char page_css[] =
    "body{font-family:sans-serif;margin:0;color:#222}"
    "main{padding:8px 16px}"
    "pre{font-family:monospace;font-size:13px;margin:0}"
    "p.pfui-error{color:#b00;font-weight:bold;white-space:pre-wrap}"
    "table.pfui-top{border-collapse:collapse;font-family:monospace;"
    "font-size:13px}"
    "table.pfui-top th{cursor:pointer;background:#eee;padding:2px 8px;"
    "text-align:right;user-select:none}"
    "table.pfui-top th.pfui-sorted{background:#cde}"
    "table.pfui-top td{padding:1px 8px;text-align:right}"
    "table.pfui-top td.pfui-name,table.pfui-top th.pfui-name{text-align:left}"
    "table.pfui-top tr:hover td{background:#f4f4d0}"
    ".pfui-labels{color:#555;margin-bottom:8px}";

/* The navigation bar: views, sample types, the filter form. Its own
 * style travels with it, as it is also put into the flame graph page. */
static void hb_nav(hbuf *b, const view *v)
{
    static const struct { const char *path, *name; } views[] = {
        { "/ui/", "Graph" }, { "/ui/top", "Top" },
        { "/ui/flamegraph", "Flame Graph" }, { "/ui/peek", "Peek" },
        { "/ui/source", "Source" },
    };
    static const int boxes[] = { Q_F, Q_I, Q_H, Q_S, Q_SF, Q_TF, Q_TI };
    const pf_profile *p = v->srv->p;
    const char *si = qvalue(v, Q_SI), *g = qvalue(v, Q_G);
    int cur = -1;

    if (!*si) {
        int idx;
        if (pf_profile_sample_index(&idx, p, NULL) == PF_OK)
            cur = idx;
    } else {
        pf_profile_sample_index(&cur, p, si);
    }
    hb_puts(b, "<style>"
               ".pfui-nav{background:#334;color:#fff;padding:6px 16px;"
               "font:14px sans-serif;display:flex;flex-wrap:wrap;gap:4px 16px;"
               "align-items:center}"
               ".pfui-nav a{color:#fff;text-decoration:none;padding:2px 6px;"
               "border-radius:3px}"
               ".pfui-nav a.pfui-cur{background:#669}"
               ".pfui-nav a:hover{background:#557}"
               ".pfui-nav input{width:9em;font:12px monospace}"
               ".pfui-nav label{font-size:12px}"
               ".pfui-nav .pfui-title{font-weight:bold}"
               "</style>\n<nav class=\"pfui-nav\" id=\"pfui-nav\">"
               "<span class=\"pfui-title\">");
    hb_esc(b, v->srv->title);
    hb_puts(b, "</span><span class=\"pfui-views\">View:");
    for (size_t i = 0; i < sizeof(views) / sizeof(views[0]); i++) {
        hb_printf(b, " <a href=\"%s", views[i].path);
        hb_query(b, v, -1, false, true);
        hb_printf(b, "\"%s>%s</a>",
                  strcmp(v->path, views[i].path) == 0 ? " class=\"pfui-cur\""
                                                       : "",
                  views[i].name);
    }
    hb_puts(b, "</span><form method=\"get\" action=\"");
    hb_esc(b, v->path);
    hb_puts(b, "\"><label>Sample: <select name=\"si\" "
               "onchange=\"this.form.submit()\">");
    for (size_t i = 0; i < pf_profile_sample_type_count(p); i++) {
        const pf_value_type *t = &pf_profile_sample_types(p)[i];
        hb_puts(b, "<option value=\"");
        hb_esc(b, t->type);
        hb_printf(b, "\"%s>", (int)i == cur ? " selected" : "");
        hb_esc(b, t->type);
        hb_puts(b, "</option>");
    }
    hb_puts(b, "</select></label>");
    for (size_t i = 0; i < sizeof(boxes) / sizeof(boxes[0]); i++) {
        int k = boxes[i];
        hb_printf(b, " <label>%s <input name=\"%s\" value=\"",
                  qparams[k].label, qparams[k].name);
        hb_esc(b, qvalue(v, k));
        hb_puts(b, "\"></label>");
    }
    hb_puts(b, " <label>granularity <select name=\"g\">");
    for (size_t i = 0; i < sizeof(gran_names) / sizeof(gran_names[0]); i++)
        hb_printf(b, "<option%s>%s</option>",
                  strcmp(g, gran_names[i]) == 0 ? " selected" : "",
                  gran_names[i]);
    hb_puts(b, "</select></label> <button type=\"submit\">Apply</button> "
               "<a href=\"");
    hb_esc(b, v->path);
    hb_puts(b, "\">Reset</a></form></nav>\n");
}

static void page_begin(hbuf *b, const view *v, const char *what)
{
    hb_puts(b, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
               "<title>");
    hb_esc(b, v->srv->title);
    hb_printf(b, " %s</title><style>%s</style></head>\n<body>\n", what,
              page_css);
    hb_nav(b, v);
    hb_puts(b, "<main>\n");
}

static void page_end(hbuf *b)
{
    hb_puts(b, "</main>\n</body></html>\n");
}

/* ------------------------------------------------------------------ */
/* Responses                                                           */

static enum MHD_Result send_buf(struct MHD_Connection *c, unsigned status,
                                const char *ctype, hbuf *b)
{
    struct MHD_Response *r;
    enum MHD_Result ret;

    if (b->oom) {
        free(b->s);
        b->s = NULL;
        b->len = 0;
        b->oom = false;
        status = MHD_HTTP_INTERNAL_SERVER_ERROR;
        ctype = "text/plain; charset=utf-8";
        hb_puts(b, "out of memory\n");
        if (b->oom)
            return MHD_NO;
    }
    r = MHD_create_response_from_buffer(b->len, b->s ? b->s : (char *)"",
                                        b->s ? MHD_RESPMEM_MUST_FREE
                                             : MHD_RESPMEM_PERSISTENT);
    if (!r) {
        free(b->s);
        return MHD_NO;
    }
    b->s = NULL;
    MHD_add_response_header(r, "Content-Type", ctype);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    /* Nothing but this page's own inline style and script. */
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'none'; style-src 'unsafe-inline'; "
                            "script-src 'unsafe-inline'; img-src data:; "
                            "form-action 'self'; base-uri 'none'");
    ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result send_error(struct MHD_Connection *c, const view *v,
                                  unsigned status, const char *msg)
{
    hbuf b = { 0 };

    page_begin(&b, v, "error");
    hb_printf(&b, "<p class=\"pfui-error\" id=\"pfui-error\">%u: ", status);
    hb_esc(&b, msg);
    hb_puts(&b, "</p>\n");
    page_end(&b);
    return send_buf(c, status, "text/html; charset=utf-8", &b);
}

static enum MHD_Result redirect(struct MHD_Connection *c, const view *v,
                                const char *to)
{
    struct MHD_Response *r;
    enum MHD_Result ret;
    hbuf b = { 0 };

    hb_puts(&b, to);
    hb_query(&b, v, -1, false, false);
    if (b.oom || !(r = MHD_create_response_from_buffer(
                       0, (char *)"", MHD_RESPMEM_PERSISTENT))) {
        free(b.s);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Location", b.s);
    ret = MHD_queue_response(c, MHD_HTTP_FOUND, r);
    MHD_destroy_response(r);
    free(b.s);
    return ret;
}

/* A failed report: a bad option is the request's fault (400), a regexp
 * that matches nothing is 404, the rest is ours (500). */
static enum MHD_Result send_report_error(struct MHD_Connection *c,
                                         const view *v, int err)
{
    unsigned st = err == PF_EINVAL ? MHD_HTTP_BAD_REQUEST
                  : err == PF_ENOTFOUND ? MHD_HTTP_NOT_FOUND
                                        : MHD_HTTP_INTERNAL_SERVER_ERROR;
    return send_error(c, v, st, pf_error_last());
}

/* ------------------------------------------------------------------ */
/* Views                                                               */

/* RE2 quoting of NAME for a link that focuses on exactly that node. */
static void hb_exact_re(hbuf *b, const char *name)
{
    hb_puts(b, "^");
    for (; *name; name++) {
        if (strchr("\\.+*?()|[]{}^$", *name))
            hb_puts(b, "\\");
        hb_add(b, name, 1);
    }
    hb_puts(b, "$");
}

static const char top_js[] =
    "(function(){var t=document.getElementById('pfui-top');"
    "var hs=t.tHead.rows[0].cells,dir={};"
    "function key(r,c){var d=r.cells[c].getAttribute('data-v');"
    "return d===null?r.cells[c].textContent:Math.abs(parseFloat(d));}"
    "for(var i=0;i<hs.length;i++)(function(c){hs[c].onclick=function(){"
    "var b=t.tBodies[0],rs=Array.prototype.slice.call(b.rows);"
    "var num=hs[c].getAttribute('data-num')!==null;"
    "dir[c]=dir[c]===undefined?(num?-1:1):-dir[c];"
    "rs.sort(function(x,y){var a=key(x,c),e=key(y,c);"
    "if(a<e)return -dir[c];if(a>e)return dir[c];return 0;});"
    "rs.forEach(function(r){b.appendChild(r);});"
    "for(var j=0;j<hs.length;j++)hs[j].className=hs[j].className."
    "replace(' pfui-sorted','');hs[c].className+=' pfui-sorted';};})(i);"
    "})();";

static enum MHD_Result view_top(struct MHD_Connection *c, view *v)
{
    pf_top *t = NULL;
    hbuf b = { 0 };
    int64_t sum = 0;
    int err;

    if ((err = pf_report_top(&t, v->srv->p, &v->ro)) < 0)
        return send_report_error(c, v, err);
    page_begin(&b, v, "top");
    hb_puts(&b, "<pre class=\"pfui-labels\" id=\"pfui-labels\">");
    for (size_t i = 0; i < t->nlabels; i++) {
        hb_esc(&b, t->labels[i]);
        hb_puts(&b, "\n");
    }
    hb_puts(&b, "</pre>\n<table class=\"pfui-top\" id=\"pfui-top\"><thead><tr>"
                "<th data-num>flat</th><th data-num>flat%</th>"
                "<th data-num>sum%</th><th data-num>cum</th>"
                "<th data-num>cum%</th><th class=\"pfui-name\">name</th>"
                "</tr></thead><tbody>\n");
    for (size_t i = 0; i < t->nrows; i++) {
        const pf_top_row *r = &t->rows[i];
        char fv[64], cv[64], fp[32], sp[32], cp[32];
        sum += r->flat;
        pf_unit_label(fv, sizeof(fv), r->flat, t->sample_unit, t->output_unit);
        pf_unit_label(cv, sizeof(cv), r->cum, t->sample_unit, t->output_unit);
        pf_unit_percentage(fp, sizeof(fp), r->flat, t->total);
        pf_unit_percentage(sp, sizeof(sp), sum, t->total);
        pf_unit_percentage(cp, sizeof(cp), r->cum, t->total);
        hb_printf(&b, "<tr><td data-v=\"%lld\">%s</td><td data-v=\"%lld\">%s"
                      "</td><td data-v=\"%lld\">%s</td><td data-v=\"%lld\">%s"
                      "</td><td data-v=\"%lld\">%s</td><td class=\"pfui-name\">"
                      "<a href=\"/ui/peek?f=",
                  (long long)r->flat, fv, (long long)r->flat, fp,
                  (long long)sum, sp, (long long)r->cum, cv,
                  (long long)r->cum, cp);
        {
            hbuf re = { 0 };
            hb_exact_re(&re, r->name);
            if (!re.oom)
                hb_urlenc(&b, re.s);
            b.oom |= re.oom;
            free(re.s);
        }
        hb_query(&b, v, Q_F, true, true);
        hb_puts(&b, "\">");
        hb_esc(&b, r->name);
        hb_puts(&b, "</a>");
        if (r->inline_label[0]) {
            hb_puts(&b, " ");
            hb_esc(&b, r->inline_label);
        }
        hb_puts(&b, "</td></tr>\n");
    }
    hb_printf(&b, "</tbody></table>\n<script>%s</script>\n", top_js);
    page_end(&b);
    pf_top_free(t);
    return send_buf(c, MHD_HTTP_OK, "text/html; charset=utf-8", &b);
}

/* A text report (peek, source) shown as it prints. */
static enum MHD_Result view_text(struct MHD_Connection *c, view *v,
                                 pf_report_kind kind, const char *what)
{
    tool_buf text = { 0 };
    hbuf b = { 0 };
    int err;

    /* pprof's UI takes the symbol of peek and source from the focus */
    v->ro.symbol = v->ro.filter.focus && *v->ro.filter.focus
                       ? v->ro.filter.focus : ".";
    if (kind == PF_REPORT_LIST)
        v->ro.read_source = pproftop_read_source;
    if ((err = pf_report_write(v->srv->p, tool_buf_writer(&text), kind,
                               &v->ro)) < 0) {
        tool_buf_release(&text);
        return send_report_error(c, v, err);
    }
    page_begin(&b, v, what);
    hb_printf(&b, "<pre id=\"pfui-%s\">", what);
    hb_esc_n(&b, text.data ? text.data : "", text.len);
    hb_puts(&b, "</pre>\n");
    page_end(&b);
    tool_buf_release(&text);
    return send_buf(c, MHD_HTTP_OK, "text/html; charset=utf-8", &b);
}

/* The call graph: the DOT report drawn by Graphviz, inline in the page
 * (with the pan/zoom script tool_svg_add_panzoom adds). */
static enum MHD_Result view_graph(struct MHD_Connection *c, view *v)
{
    tool_buf dot = { 0 }, svg = { 0 };
    hbuf b = { 0 };
    char msg[512];
    const char *tag;
    int err;

    if ((err = pf_report_write(v->srv->p, tool_buf_writer(&dot),
                               PF_REPORT_DOT, &v->ro)) < 0) {
        tool_buf_release(&dot);
        return send_report_error(c, v, err);
    }
    err = tool_dot_render(&svg, "svg", dot.data ? dot.data : "", dot.len,
                          msg, sizeof(msg));
    tool_buf_release(&dot);
    if (err < 0 || tool_svg_add_panzoom(&svg) < 0 ||
        !(tag = strstr(svg.data, "<svg"))) {
        tool_buf_release(&svg);
        return send_error(c, v, MHD_HTTP_INTERNAL_SERVER_ERROR,
                          err < 0 ? msg : "Graphviz wrote no SVG");
    }
    page_begin(&b, v, "graph");
    /* the XML prolog and doctype are not for inline SVG */
    hb_puts(&b, "<div id=\"pfui-graph\" style=\"height:calc(100vh - 80px);"
                "border:1px solid #ccc\">");
    hb_add(&b, tag, svg.len - (size_t)(tag - svg.data));
    hb_puts(&b, "</div>\n");
    page_end(&b);
    tool_buf_release(&svg);
    return send_buf(c, MHD_HTTP_OK, "text/html; charset=utf-8", &b);
}

/* The flame graph page of the library, with the navigation bar at the
 * top of its body. */
static enum MHD_Result view_flame(struct MHD_Connection *c, view *v)
{
    tool_buf page = { 0 };
    hbuf nav = { 0 }, title = { 0 }, b = { 0 };
    int err;

    hb_nav(&nav, v);
    hb_printf(&title, "%s flame graph", v->srv->title);
    if (nav.oom || title.oom) {
        free(nav.s);
        free(title.s);
        return MHD_NO;
    }
    v->ro.html_header = nav.s;
    v->ro.html_title = title.s;
    err = pf_report_write(v->srv->p, tool_buf_writer(&page),
                          PF_REPORT_FLAMEGRAPH, &v->ro);
    v->ro.html_header = v->ro.html_title = NULL;
    free(nav.s);
    free(title.s);
    if (err < 0) {
        tool_buf_release(&page);
        return send_report_error(c, v, err);
    }
    b.s = page.data;            /* both malloc'd: hand it over */
    b.len = page.len;
    b.cap = page.cap;
    return send_buf(c, MHD_HTTP_OK, "text/html; charset=utf-8", &b);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    view *v;
    enum MHD_Result ret;

    (void)version;
    (void)upload;
    (void)upload_size;
    (void)con_cls;
    if (!(v = calloc(1, sizeof(*v))))
        return MHD_NO;
    v->srv = cls;
    v->path = url;
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
        ret = send_error(c, v, MHD_HTTP_METHOD_NOT_ALLOWED,
                         "only GET and HEAD are served");
    } else if (strcmp(url, "/") == 0 || strcmp(url, "/ui") == 0) {
        view_parse(v, c);
        ret = redirect(c, v, "/ui/");
    } else if (strcmp(url, "/ui/") != 0 && strcmp(url, "/ui/top") != 0 &&
               strcmp(url, "/ui/peek") != 0 && strcmp(url, "/ui/source") != 0 &&
               strcmp(url, "/ui/flamegraph") != 0) {
        v->path = "/ui/top";
        view_parse(v, c);
        ret = send_error(c, v, MHD_HTTP_NOT_FOUND, "no such page");
    } else if (!view_parse(v, c)) {
        ret = send_error(c, v, MHD_HTTP_BAD_REQUEST, v->err);
    } else if (strcmp(url, "/ui/top") == 0) {
        ret = view_top(c, v);
    } else if (strcmp(url, "/ui/peek") == 0) {
        ret = view_text(c, v, PF_REPORT_PEEK, "peek");
    } else if (strcmp(url, "/ui/source") == 0) {
        ret = view_text(c, v, PF_REPORT_LIST, "source");
    } else if (strcmp(url, "/ui/flamegraph") == 0) {
        ret = view_flame(c, v);
    } else {
        ret = view_graph(c, v);
    }
    free(v);
    return ret;
}

/* ------------------------------------------------------------------ */
/* Listening, the browser, the signal wait                             */

/* Split "HOST:PORT" ("[V6]:PORT", ":PORT"); the host defaults to the
 * loopback address. Usage error on a bad port. */
static void parse_addr(const char *addr, char *host, size_t hsize,
                       char *port, size_t psize)
{
    const char *colon = strrchr(addr, ':'), *h = addr;
    size_t hn;
    char *end;
    long n;

    if (!colon)
        tool_usage_error("-http: want HOST:PORT, not '%s'", addr);
    hn = (size_t)(colon - addr);
    if (hn >= 2 && h[0] == '[' && h[hn - 1] == ']') {
        h++;
        hn -= 2;
    }
    if (hn == 0) {
        h = "127.0.0.1";
        hn = strlen(h);
    }
    if (hn >= hsize)
        tool_usage_error("-http: host name too long");
    memcpy(host, h, hn);
    host[hn] = '\0';
    errno = 0;
    n = strtol(colon + 1, &end, 10);
    if (!colon[1] || *end || errno || n < 0 || n > 65535)
        tool_usage_error("-http: bad port '%s'", colon + 1);
    snprintf(port, psize, "%ld", n);
}

/* A listening socket on HOST:PORT; dies with a one-line reason. */
static int listen_on(const char *host, const char *port, int *bound)
{
    struct addrinfo hints, *res = NULL;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    int fd, rc, one = 1, e;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    if ((rc = getaddrinfo(host, port, &hints, &res)) != 0)
        tool_die("-http: bad host '%s': %s", host, gai_strerror(rc));
    fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC,
                res->ai_protocol);
    if (fd < 0) {
        e = errno;
        freeaddrinfo(res);
        tool_die("-http: socket: %s", strerror(e));
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, res->ai_addr, res->ai_addrlen) < 0 || listen(fd, 64) < 0) {
        e = errno;
        freeaddrinfo(res);
        close(fd);
        tool_die("-http: cannot listen on %s:%s: %s", host, port, strerror(e));
    }
    freeaddrinfo(res);
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) < 0) {
        e = errno;
        close(fd);
        tool_die("-http: getsockname: %s", strerror(e));
    }
    *bound = ss.ss_family == AF_INET6
                 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
                 : ntohs(((struct sockaddr_in *)&ss)->sin_port);
    return fd;
}

/* PROG if it names an executable in $PATH (or a path to one). */
static bool in_path(const char *prog)
{
    const char *path = getenv("PATH"), *p;
    char buf[4096];

    if (strchr(prog, '/'))
        return access(prog, X_OK) == 0;
    for (p = path ? path : "/usr/bin:/bin"; *p;) {
        const char *e = strchr(p, ':');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n && snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, p, prog) <
                     (int)sizeof(buf) &&
            access(buf, X_OK) == 0)
            return true;
        p += n + (e ? 1 : 0);
    }
    return false;
}

/* Start $BROWSER (its first ':'-separated entry) or xdg-open on URL,
 * detached (double fork, no zombie), never through a shell. */
static void open_browser(const char *url)
{
    const char *env = getenv("BROWSER");
    char prog[1024];
    pid_t pid;

    if (env && *env) {
        size_t n = strcspn(env, ":");
        snprintf(prog, sizeof(prog), "%.*s", (int)n, env);
    } else {
        snprintf(prog, sizeof(prog), "xdg-open");
    }
    if (!in_path(prog))
        return;
    if ((pid = fork()) < 0) {
        tool_warn("cannot start a browser: %s", strerror(errno));
        return;
    }
    if (pid == 0) {
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        if (fork() == 0) {
            char *argv[] = { prog, (char *)url, NULL };
            int fd = open("/dev/null", O_RDWR);
            setsid();
            if (fd >= 0) {
                dup2(fd, 0);
                dup2(fd, 1);
                if (fd > 2)
                    close(fd);
            }
            execvp(prog, argv);
            _exit(127);
        }
        _exit(0);
    }
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
}

int webui_run(const char *addr, bool browser, const pf_profile *p,
                      const pf_report_opts *base, const char *title)
{
    char host[256], port[16], url[512];
    sigset_t stop;
    server srv;
    int fd, bound = 0, sig = 0;

    memset(&srv, 0, sizeof(srv));
    srv.p = p;
    srv.base = *base;
    srv.title = title;
    parse_addr(addr, host, sizeof(host), port, sizeof(port));
    fd = listen_on(host, port, &bound);
    /* Blocked before the server thread starts, so it inherits the mask
     * and the signals wait for sigwait below. */
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    srv.mhd = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO,
                               0, NULL, NULL, on_request, &srv,
                               MHD_OPTION_LISTEN_SOCKET, fd,
                               MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
                               MHD_OPTION_END);
    if (!srv.mhd) {
        close(fd);
        tool_die("-http: cannot start the HTTP server");
    }
    snprintf(url, sizeof(url), "http://%s%s%s:%d", strchr(host, ':') ? "[" : "",
             host, strchr(host, ':') ? "]" : "", bound);
    fprintf(stderr, "Serving web UI on %s\n", url);
    fflush(stderr);
    if (browser)
        open_browser(url);
    while (sigwait(&stop, &sig) != 0)
        ;
    MHD_stop_daemon(srv.mhd);
    return TOOL_EXIT_OK;
}
