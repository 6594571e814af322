/*
 * pprof -list=RE: the annotated source listing, byte-compatible with
 * go tool pprof (Go 1.19).
 *
 * pprof builds this report from a line-granularity graph without any
 * trimming (report.c's graph, over function file names trimmed first). Functions whose name matches
 * RE are listed in name order, each source file of a function in file
 * name order; a file shows the lines from the function's start line (or
 * 5 before the first sampled line) to 5 after the last sampled line,
 * stopping early at the end of the file.
 *
 * Source files are looked for the way pprof does it: the file name
 * from the profile is trimmed (-trim_path prefixes, or a guess from the
 * base names of the -source_path directories, then /proc/self/cwd/),
 * and a relative result is tried in every -source_path directory (the
 * working directory by default) and each of its parents. The library
 * opens nothing itself: the caller's read_source callback does.
 */
#include "report_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define LIST_MARGIN 5           /* lines shown around the sampled ones */

/* A source file once read, as lines; or the error of reading it. */
typedef struct srcfile {
    const char *path;           /* as the graph names it (interned) */
    char *data;
    size_t len;
    size_t *line_off;           /* start of line i+1 */
    size_t nlines;
    char err[1024];
} srcfile;

typedef struct lister {
    report r;                   /* prepared as for every report */
    const pf_report_opts *o;
    srcfile *files;
    size_t nfiles, files_cap;
    pf_idxset fileset;          /* files by path pointer */
    const char *search;         /* -source_path, or the working directory */
    char *cwd;
} lister;

static bool has_prefix(const char *s, const char *pre)
{
    return strncmp(s, pre, strlen(pre)) == 0;
}

/* Next element of a ':'-separated list (Go's filepath.SplitList: an
 * empty list has no elements, empty elements are kept). Returns false
 * at the end; *POS walks the list. */
static bool list_next(const char *list, size_t *pos, const char **s,
                      size_t *n)
{
    const char *p, *e;

    if (!list || !*list || *pos > strlen(list))
        return false;
    p = list + *pos;
    e = strchr(p, ':');
    *s = p;
    *n = e ? (size_t)(e - p) : strlen(p);
    *pos += *n + 1;
    return true;
}

/* pprof's trimPath: strip the configured prefixes, or without them
 * guess from the base names of the SEARCH directories; then the
 * /proc/self/cwd prefixes. Returns a pointer into PATH or an interned
 * string, NULL only when out of memory. */
static const char *trim_path(pf_profile *p, const char *path,
                             const char *trim, const char *search)
{
    static const char *const fixed[] = { "/proc/self/cwd/./",
                                         "/proc/self/cwd/" };
    const char *s;
    size_t n, pos = 0;
    pf_sbuf b = { 0 };

    if (!trim || !*trim) {
        while (list_next(search, &pos, &s, &n)) {
            const char *dir = pf_profile_intern_len(p, s, n), *base, *hit;
            if (!dir || !(base = pf__path_base(p, dir)))
                goto oom;
            b.len = 0;
            if (pf__sbuf_printf(&b, "/%s/", base) < 0)
                goto oom;
            if ((hit = strstr(path, b.s)) != NULL) {
                pf__sbuf_release(&b);
                return hit + strlen(base) + 2;
            }
        }
    }
    pos = 0;
    while (list_next(trim, &pos, &s, &n)) {
        b.len = 0;
        if (pf__sbuf_add(&b, s, n) < 0 ||
            ((n == 0 || s[n - 1] != '/') && pf__sbuf_puts(&b, "/") < 0))
            goto oom;
        if (has_prefix(path, b.s)) {
            n = b.len;
            pf__sbuf_release(&b);
            return path + n;
        }
    }
    pf__sbuf_release(&b);
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
        if (has_prefix(path, fixed[i]))
            return path + strlen(fixed[i]);
    return path;
oom:
    pf__sbuf_release(&b);
    pf__error_oom();
    return NULL;
}

/* Go's filepath.Dir, interned. */
static const char *path_dir(pf_profile *p, const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *d;

    if (!slash)
        return pf__path_clean(p, ".");
    d = pf_profile_intern_len(p, path, (size_t)(slash - path + 1));
    return d ? pf__path_clean(p, d) : NULL;
}

/* Go's filepath.Join of two elements, interned. */
static const char *path_join(pf_profile *p, const char *dir, const char *rel)
{
    pf_sbuf b = { 0 };
    const char *r;

    if (!*dir)
        return *rel ? pf__path_clean(p, rel) : p->empty;
    if (pf__sbuf_printf(&b, "%s/%s", dir, rel) < 0)
        return NULL;
    r = pf__path_clean(p, b.s);
    pf__sbuf_release(&b);
    return r;
}

static int split_lines(srcfile *f)
{
    size_t n = 0, cap = 0, i = 0;

    while (i < f->len) {
        const char *nl = memchr(f->data + i, '\n', f->len - i);
        PF_TRY(PF_VEC_RESERVE(f->line_off, cap, n + 1));
        f->line_off[n++] = i;
        i = nl ? (size_t)(nl - f->data) + 1 : f->len;
    }
    f->nlines = n;
    return PF_OK;
}

/* Try one candidate: 1 if found (F now holds it), 0 if not (*WHY gets
 * the callback's negative errno), < 0 on a library error. */
static int try_read(lister *l, srcfile *f, const char *path, int *why)
{
    char *data = NULL;
    size_t len = 0;
    int rc = l->o->read_source(l->o->read_source_ctx, path, &data, &len);

    if (rc < 0) {
        free(data);
        *why = rc;
        return 0;
    }
    f->data = data;
    f->len = len;
    PF_TRY(split_lines(f));
    return 1;
}

/* pprof's openSourceFile + reading, for the graph's file name F->path.
 * A file that is not found is no error: F->err says why. */
static int source_load(lister *l, srcfile *f)
{
    pf_profile *p = l->r.p;
    const char *path, *dir, *s;
    size_t n, pos = 0;
    int rc = 0, why = -ENOENT;

    if (!(path = trim_path(p, f->path, l->o->trim_path, l->search)))
        return PF_ENOMEM;
    if (!l->o->read_source) {
        /* no reader: every file is missing */
    } else if (path[0] == '/') {
        rc = try_read(l, f, path, &why);
    } else {
        while (rc == 0 && list_next(l->search, &pos, &s, &n)) {
            if (!(dir = pf_profile_intern_len(p, s, n)))
                return pf__error_oom();
            for (;;) {
                const char *cand = path_join(p, dir, path), *parent;
                if (!cand)
                    return pf__error_oom();
                if ((rc = try_read(l, f, cand, &why)) != 0)
                    break;
                if (!(parent = path_dir(p, dir)))
                    return pf__error_oom();
                if (parent == dir)
                    break;
                dir = parent;
            }
        }
    }
    if (rc != 0)
        return rc < 0 ? rc : PF_OK;
    if (path[0] == '/')
        snprintf(f->err, sizeof(f->err), "open %s: %s", path,
                 why == -EACCES ? "permission denied"
                                : "no such file or directory");
    else
        snprintf(f->err, sizeof(f->err), "could not find file %s on path %s",
                 path, l->search);
    return PF_OK;
}

static bool file_eq(const void *ctx, uint32_t idx, const void *key)
{
    return ((const lister *)ctx)->files[idx].path == key;
}

/* The cached file PATH; with LOAD, read it first if it was not. *OUT is
 * NULL when it was never read and LOAD is false. */
static int source_get(lister *l, const char *path, bool load,
                      srcfile **out)
{
    uint64_t h = pf__hash_mix(0x5eedu, (uint64_t)(uintptr_t)path);
    uint32_t i = pf__idxset_find(&l->fileset, h, file_eq, l, path);
    srcfile *f;

    *out = NULL;
    if (i != PF_NONE) {
        *out = &l->files[i];
        return PF_OK;
    }
    if (!load)
        return PF_OK;
    PF_TRY(PF_VEC_RESERVE(l->files, l->files_cap, l->nfiles + 1));
    PF_TRY(pf__idxset_insert(&l->fileset, h, (uint32_t)l->nfiles));
    f = &l->files[l->nfiles++];
    memset(f, 0, sizeof(*f));
    f->path = path;
    *out = f;
    return source_load(l, f);
}

/* Line LINENO (1-based) of F without its end of line, as Go's
 * bufio.Scanner gives it; false past the end. */
static bool source_line(const srcfile *f, int64_t lineno, const char **s,
                        size_t *n)
{
    size_t b, e;

    if (lineno < 1 || (uint64_t)lineno > f->nlines)
        return false;
    b = f->line_off[lineno - 1];
    e = (size_t)lineno < f->nlines ? f->line_off[lineno] : f->len;
    if (e > b && f->data[e - 1] == '\n')
        e--;
    if (e > b && f->data[e - 1] == '\r')
        e--;
    *s = f->data + b;
    *n = e - b;
    return true;
}

/* pprof's newGraph for the listing: every function's file name
 * trimmed first (the private copy is changed in place), then report.c's
 * line-granularity graph and its values. pprof keeps the object file
 * and start line in the listing's nodes; object files only split
 * nodes whose lines are summed again below, and the start line is
 * recorded afterwards (functions of one name and file have one). As in
 * pprof's listing the sums are not divided for -mean. */
static int build_graph(lister *l)
{
    pf_profile *p = l->r.p;
    graph *g = &l->r.g;

    for (size_t i = 0; i < p->nfunctions; i++) {
        pf_function *f = &p->functions[i];
        const char *t = trim_path(p, f->filename, l->o->trim_path,
                                  l->o->source_path);
        if (!t)
            return PF_ENOMEM;
        if (t != f->filename && !(f->filename = pf_profile_intern(p, t)))
            return pf__error_oom();
    }
    PF_TRY(pf__rgraph_nodes(g, p));
    pf__rgraph_values(g, &l->r.vs);
    for (size_t i = 0; i < p->nlocations; i++) {
        const pf_location *loc = &p->locations[i];
        const pf_line *ln = pf__loc_lines(p, loc);
        for (uint32_t j = 0; j < loc->nline; j++)
            g->nodes[g->ln_node[g->loc_off[i] + j]].startline =
                p->functions[ln[j].function].start_line;
    }
    return PF_OK;
}

static void fmt_value(const lister *l, char *buf, size_t size, int64_t v)
{
    if (l->r.ratio > 0 && l->r.ratio != 1.0)
        v = (int64_t)((double)v * l->r.ratio);
    pf_unit_label(buf, size, v, l->r.sample_unit,
                  l->o->unit && *l->o->unit ? l->o->unit : "minimum");
}

static void fmt_value_or_dot(const lister *l, char *buf, size_t size,
                             int64_t v)
{
    if (v == 0)
        snprintf(buf, size, ".");
    else
        fmt_value(l, buf, size, v);
}

static int cmp_name(const void *a, const void *b, void *ctx)
{
    const lister *l = ctx;
    return strcmp(l->r.g.nodes[*(const uint32_t *)a].name,
                  l->r.g.nodes[*(const uint32_t *)b].name);
}

static int cmp_file(const void *a, const void *b, void *ctx)
{
    const lister *l = ctx;
    const rnode *x = &l->r.g.nodes[*(const uint32_t *)a];
    const rnode *y = &l->r.g.nodes[*(const uint32_t *)b];
    int c = strcmp(x->file, y->file);
    if (c)
        return c;
    return x->startline < y->startline ? -1 : x->startline > y->startline;
}

/* The nodes of one file of one function: print its routine. IDS[0..N)
 * are sorted by file; those of FILE are [from, to). */
static int cmp_line(const void *a, const void *b, void *ctx)
{
    const lister *l = ctx;
    int64_t x = l->r.g.nodes[*(const uint32_t *)a].lineno;
    int64_t y = l->r.g.nodes[*(const uint32_t *)b].lineno;
    return x < y ? -1 : x > y;
}

static int write_file(lister *l, pf_writer w, const char *name,
                      uint32_t *ids, size_t n)
{
    size_t at = 0;
    const rnode *first = &l->r.g.nodes[ids[0]];
    int64_t flat = 0, cum = 0, start, end;
    char fv[64], cv[64], pct[32];
    srcfile *src;
    const char *s;
    size_t len;

    start = first->startline ? first->startline : first->lineno - LIST_MARGIN;
    end = first->lineno + LIST_MARGIN;
    for (size_t i = 0; i < n; i++) {
        const rnode *nd = &l->r.g.nodes[ids[i]];
        int64_t ns = nd->startline ? nd->startline : nd->lineno - LIST_MARGIN;
        flat += nd->flat;
        cum += nd->cum;
        if (ns < start)
            start = ns;
        if (nd->lineno + LIST_MARGIN > end)
            end = nd->lineno + LIST_MARGIN;
    }
    if (start < 1)
        start = 1;
    /* pprof reads a file when it first wants one of its lines: a
     * range that is empty (start line past the last sampled line + 5)
     * reads nothing, and shows an error only if an earlier routine
     * failed to read the file */
    PF_TRY(source_get(l, first->file, start <= end, &src));
    fmt_value(l, fv, sizeof(fv), flat);
    fmt_value(l, cv, sizeof(cv), cum);
    pf_unit_percentage(pct, sizeof(pct), cum, l->r.total);
    PF_TRY(pf__writef(w, "ROUTINE ======================== %s in %s\n",
                      name, first->file));
    PF_TRY(pf__writef(w, "%10s %10s (flat, cum) %s of Total\n", fv, cv, pct));
    if (!src)
        return PF_OK;
    if (src->err[0])
        return pf__writef(w, " Error: %s\n", src->err);
    /* one walk over the nodes in line order */
    qsort_r(ids, n, sizeof(uint32_t), cmp_line, l);
    for (int64_t ln = start; ln <= end; ln++) {
        int64_t lf = 0, lc = 0;
        if (!source_line(src, ln, &s, &len))
            break;
        while (at < n && l->r.g.nodes[ids[at]].lineno < ln)
            at++;
        for (; at < n && l->r.g.nodes[ids[at]].lineno == ln; at++) {
            lf += l->r.g.nodes[ids[at]].flat;
            lc += l->r.g.nodes[ids[at]].cum;
        }
        fmt_value_or_dot(l, fv, sizeof(fv), lf);
        fmt_value_or_dot(l, cv, sizeof(cv), lc);
        PF_TRY(pf__writef(w, "%10s %10s %6lld:", fv, cv, (long long)ln));
        PF_TRY(pf__write(w, s, len));
        PF_TRY(pf__write(w, "\n", 1));
    }
    return PF_OK;
}

static void lister_release(lister *l)
{
    for (size_t i = 0; i < l->nfiles; i++) {
        free(l->files[i].data);
        pf__free(l->files[i].line_off);
    }
    pf__free(l->files);
    pf__idxset_release(&l->fileset);
    free(l->cwd);
    pf__report_release(&l->r);
}

int pf__report_list_write(const pf_profile *src, pf_writer w,
                          const pf_report_opts *opts)
{
    pf_report_opts o = *opts;
    lister l;
    regex_t rx;
    bool have_rx = false;
    uint32_t *sel = NULL;
    size_t nsel = 0;
    char total[64];
    int err;

    memset(&l, 0, sizeof(l));
    pf__idxset_init(&l.fileset);
    l.o = &o;
    if (!o.symbol || !*o.symbol)
        return pf__error_set(PF_EINVAL, "list: no regexp given");
    PF_TRY(pf__re_compile(&rx, o.symbol, false, "list"));
    have_rx = true;
    /* pprof's list: line granularity, no trimming of the graph */
    o.filter.granularity = PF_GRAN_LINES;
    if ((err = pf__report_prepare(&l.r, src, &o, PF_REPORT_LIST)) < 0)
        goto done;
    if (o.source_path && *o.source_path) {
        l.search = o.source_path;
    } else {
        if (!(l.cwd = getcwd(NULL, 0))) {
            err = pf__error_set(PF_EIO, "could not stat current dir: %s",
                                strerror(errno));
            goto done;
        }
        l.search = l.cwd;
    }
    if ((err = build_graph(&l)) < 0)
        goto done;
    if (!(sel = pf__malloc((l.r.g.nnodes + 1) * sizeof(uint32_t)))) {
        err = pf__error_oom();
        goto done;
    }
    for (size_t i = 0; i < l.r.g.nnodes; i++)
        if ((l.r.g.nodes[i].flat || l.r.g.nodes[i].cum) &&
            pf__re_match(&rx, l.r.g.nodes[i].name))
            sel[nsel++] = (uint32_t)i;
    if (nsel == 0) {
        err = pf__error_set(PF_ENOTFOUND, "no matches found for regexp: %s",
                            o.symbol);
        goto done;
    }
    /* by name, then by file: each function's files are a run */
    qsort_r(sel, nsel, sizeof(uint32_t), cmp_name, &l);
    fmt_value(&l, total, sizeof(total), l.r.total);
    if ((err = pf__writef(w, "Total: %s\n", total)) < 0)
        goto done;
    for (size_t i = 0; i < nsel;) {
        const char *name = l.r.g.nodes[sel[i]].name;
        size_t j = i, k = i;
        while (j < nsel && strcmp(l.r.g.nodes[sel[j]].name, name) == 0)
            j++;
        qsort_r(sel + i, j - i, sizeof(uint32_t), cmp_file, &l);
        while (k < j && !*l.r.g.nodes[sel[k]].file)
            k++;
        if (k == j) {
            if ((err = pf__writef(w, "No source information for %s\n",
                                  name)) < 0)
                goto done;
        }
        while (k < j) {
            const char *file = l.r.g.nodes[sel[k]].file;
            size_t e = k;
            while (e < j && l.r.g.nodes[sel[e]].file == file)
                e++;
            if ((err = write_file(&l, w, name, sel + k, e - k)) < 0)
                goto done;
            k = e;
        }
        i = j;
    }
done:
    pf__free(sel);
    if (have_rx)
        regfree(&rx);
    lister_release(&l);
    return err;
}
