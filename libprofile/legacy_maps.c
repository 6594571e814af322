/*
 * Memory-map sections and the common end of the address-based legacy
 * readers (docs/FORMATS.md 3.5): mapping lines in /proc/maps form (A) and
 * brief form (B), glog prefixes, $variables, joining split mappings,
 * main binary first, the hugepage and 0x400000 quirks, location binding
 * with one fake mapping, and ids renumbered in order of first use.
 *
 * The two mapping regexes of the reference are matched by hand here.
 * They are leftmost-first (Perl-like); the code below follows the same
 * preferences (an optional group is taken whenever the rest can still
 * match), which is what decides e.g. that "rpc_server" after a range
 * is read as permissions "rp" (so the entry is dropped), as the
 * reference does.
 */
#include "legacy.h"

typedef struct sv {
    const char *s;
    size_t n;
} sv;

static bool xdig(char c) { return pf__lhexval(c) >= 0; }
static bool permc(char c)
{
    return c == '-' || c == 'r' || c == 'w' || c == 'x' || c == 'p';
}

static size_t skip_ws(const char *s, size_t n, size_t i)
{
    while (i < n && pf__lspace(s[i]))
        i++;
    return i;
}

/* \s+ followed by a maximal run of chars satisfying PRED; returns the
 * end of the run or 0 if there is no such run at I. */
static size_t ws_run(const char *s, size_t n, size_t i, bool (*pred)(char),
                     sv *out)
{
    size_t j = skip_ws(s, n, i), k;

    if (j == i || j >= n || !pred(s[j]))
        return 0;
    for (k = j; k < n && pred(s[k]); k++)
        ;
    out->s = s + j;
    out->n = k - j;
    return k;
}

static bool nonspace(char c) { return !pf__lspace(c); }
static bool decdig(char c) { return pf__ldigit(c); }

/* ^\s*(?:0x)?HEX[\s-]?\s*(?:0x)?HEX:? */
static size_t match_range(const char *s, size_t n, sv *start, sv *end)
{
    size_t i = skip_ws(s, n, 0), hs, he, j, es;

    if (i + 2 < n && s[i] == '0' && s[i + 1] == 'x' && xdig(s[i + 2]))
        i += 2;
    hs = i;
    while (i < n && xdig(s[i]))
        i++;
    he = i;
    if (he == hs)
        return 0;
    j = he;
    if (j < n && (pf__lspace(s[j]) || s[j] == '-'))
        j++;
    j = skip_ws(s, n, j);
    if (j + 2 < n && s[j] == '0' && s[j + 1] == 'x' && xdig(s[j + 2]))
        j += 2;
    es = j;
    while (j < n && xdig(s[j]))
        j++;
    if (j > es) {
        start->s = s + hs;
        start->n = he - hs;
        end->s = s + es;
        end->n = j - es;
    } else if (he - hs >= 2) {
        /* Backtrack: the last digit of the run is the end address. */
        start->s = s + hs;
        start->n = he - hs - 1;
        end->s = s + he - 1;
        end->n = 1;
        j = he;
    } else {
        return 0;
    }
    if (j < n && s[j] == ':')
        j++;
    return j;
}

/* \s+HEX:HEX\s+DIGITS(?:\s+(\S+))? */
static bool match_tail_a(const char *s, size_t n, size_t i, sv *path)
{
    sv t;
    size_t j;

    if (!(j = ws_run(s, n, i, xdig, &t)))
        return false;
    if (j >= n || s[j] != ':' || j + 1 >= n || !xdig(s[j + 1]))
        return false;
    for (j++; j < n && xdig(s[j]); j++)
        ;
    if (!(j = ws_run(s, n, j, decdig, &t)))
        return false;
    path->s = "";
    path->n = 0;
    ws_run(s, n, j, nonspace, path);
    return true;
}

typedef struct mentry {
    sv start, end, perm, offset, file, build_id;
} mentry;

static bool match_form_a(const char *s, size_t n, mentry *e)
{
    size_t i = match_range(s, n, &e->start, &e->end), ip, io;
    sv perm, off;
    int tp, to;

    if (!i)
        return false;
    for (tp = 1; tp >= 0; tp--) {
        ip = i;
        perm.s = "";
        perm.n = 0;
        if (tp && !(ip = ws_run(s, n, i, permc, &perm)))
            continue;
        for (to = 1; to >= 0; to--) {
            io = ip;
            off.s = "";
            off.n = 0;
            if (to && !(io = ws_run(s, n, ip, xdig, &off)))
                continue;
            if (match_tail_a(s, n, io, &e->file)) {
                e->perm = perm;
                e->offset = off;
                e->build_id.s = "";
                e->build_id.n = 0;
                return true;
            }
        }
    }
    return false;
}

static bool match_form_b(const char *s, size_t n, mentry *e)
{
    size_t i = match_range(s, n, &e->start, &e->end), j, k;
    sv t;

    if (!i)
        return false;
    e->perm.s = e->offset.s = e->file.s = e->build_id.s = "";
    e->perm.n = e->offset.n = e->file.n = e->build_id.n = 0;
    if ((j = ws_run(s, n, i, permc, &e->perm)))
        i = j;
    if ((j = ws_run(s, n, i, nonspace, &e->file)))
        i = j;
    /* (?:\s+\(@HEX\))? */
    j = skip_ws(s, n, i);
    if (j > i && j + 2 < n && s[j] == '(' && s[j + 1] == '@' &&
        xdig(s[j + 2])) {
        for (k = j + 2; k < n && xdig(s[k]); k++)
            ;
        if (k < n && s[k] == ')') {
            e->offset.s = s + j + 2;
            e->offset.n = k - j - 2;
            i = k + 1;
        }
    }
    if ((j = ws_run(s, n, i, xdig, &t)))
        e->build_id = t;
    return true;
}

/* 1: mapping in *M, 0: skipped (not executable), -1: unrecognized. */
static int parse_entry(pf_profile *p, const char *s, size_t n, pf_mapping *m)
{
    mentry e;
    size_t i;
    bool hasx = false;

    if (!match_form_a(s, n, &e) && !match_form_b(s, n, &e))
        return -1;
    for (i = 0; i < e.perm.n; i++)
        hasx |= e.perm.s[i] == 'x';
    if (e.perm.n && !hasx)
        return 0;
    memset(m, 0, sizeof(*m));
    if (!pf__lparse_hex(e.start.s, e.start.n, &m->start) ||
        !pf__lparse_hex(e.end.s, e.end.n, &m->limit))
        return -1;
    if (e.offset.n && !pf__lparse_hex(e.offset.s, e.offset.n, &m->offset))
        return -1;
    m->file = pf_profile_intern_len(p, e.file.s, e.file.n);
    m->build_id = pf_profile_intern_len(p, e.build_id.s, e.build_id.n);
    if (!m->file || !m->build_id)
        return PF_ENOMEM - 100;     /* distinguished below */
    return 1;
}

/* glog prefix: ^[^][]+:[0-9]+]\s */
static size_t glog_prefix(const char *s, size_t n)
{
    size_t k, c;

    for (k = 0; k < n && s[k] != '[' && s[k] != ']'; k++)
        ;
    if (k == 0 || k >= n || s[k] != ']' || k + 1 >= n ||
        !pf__lspace(s[k + 1]))
        return 0;
    for (c = k; c > 0 && pf__ldigit(s[c - 1]); c--)
        ;
    if (c == k || c < 2 || s[c - 1] != ':')
        return 0;
    return k + 2;
}

typedef struct mvars {
    sv *name;       /* "$name" */
    sv *val;
    size_t n, cap, vcap;
    char *buf;      /* substituted line */
    size_t bufcap;
} mvars;

static int vars_add(mvars *v, pf_profile *p, const char *k, size_t kn,
                    const char *val, size_t vn)
{
    char *tmp;
    const char *ik, *iv;

    /* "$" + key, interned so it outlives the line. */
    tmp = pf__malloc(kn + 2);
    PF_CHECK_ALLOC(tmp);
    tmp[0] = '$';
    memcpy(tmp + 1, k, kn);
    ik = pf_profile_intern_len(p, tmp, kn + 1);
    pf__free(tmp);
    iv = pf_profile_intern_len(p, val, vn);
    PF_CHECK_ALLOC(ik);
    PF_CHECK_ALLOC(iv);
    PF_TRY(PF_VEC_RESERVE(v->name, v->cap, v->n + 1));
    PF_TRY(PF_VEC_RESERVE(v->val, v->vcap, v->n + 1));
    v->name[v->n].s = ik;
    v->name[v->n].n = kn + 1;
    v->val[v->n].s = iv;
    v->val[v->n].n = vn;
    v->n++;
    return PF_OK;
}

static int vars_apply(mvars *v, const char **s, size_t *n)
{
    size_t i = 0, out = 0, k, need;
    const char *src = *s;

    if (v->n == 0 || !memchr(src, '$', *n))
        return PF_OK;
    for (;;) {
        out = 0;
        need = 0;
        for (i = 0; i < *n;) {
            for (k = 0; k < v->n; k++) {
                if (v->name[k].n <= *n - i &&
                    memcmp(src + i, v->name[k].s, v->name[k].n) == 0)
                    break;
            }
            if (k < v->n) {
                if (out + v->val[k].n <= v->bufcap)
                    memcpy(v->buf + out, v->val[k].s, v->val[k].n);
                out += v->val[k].n;
                i += v->name[k].n;
            } else {
                if (out + 1 <= v->bufcap)
                    v->buf[out] = src[i];
                out++;
                i++;
            }
        }
        if (out <= v->bufcap)
            break;
        need = out;
        if (need > PF_LEGACY_MAX_LINE * 4)
            return pf__error_set(PF_ETOOBIG, "memory map line too long "
                                 "after $variable substitution");
        PF_TRY(PF_VEC_RESERVE(v->buf, v->bufcap, need));
    }
    *s = v->buf;
    *n = out;
    return PF_OK;
}

static void vars_release(mvars *v)
{
    pf__free(v->name);
    pf__free(v->val);
    pf__free(v->buf);
}

/* The reference's libRx: "[.]so$" or "[.]so[._][0-9]+" anywhere. */
static bool is_shared_lib(const char *f, size_t n)
{
    size_t i;

    if (n >= 3 && memcmp(f + n - 3, ".so", 3) == 0)
        return true;
    for (i = 0; i + 5 <= n; i++) {
        if (f[i] == '.' && f[i + 1] == 's' && f[i + 2] == 'o' &&
            (f[i + 3] == '.' || f[i + 3] == '_') && pf__ldigit(f[i + 4]))
            return true;
    }
    return false;
}

static bool looks_main(const char *file)
{
    char buf[4096];
    size_t n = 0, i, len = pf__strlen(file);
    const char *s;

    if (len == 0)
        return false;
    /* Remove every "(deleted)", then trim. */
    for (i = 0; i < len && n < sizeof(buf);) {
        if (len - i >= 9 && memcmp(file + i, "(deleted)", 9) == 0) {
            i += 9;
            continue;
        }
        buf[n++] = file[i++];
    }
    s = buf;
    pf__ltrim(&s, &n);
    if (n == 0 || is_shared_lib(s, n) || s[0] == '[')
        return false;
    return true;
}

static bool adjacent(const pf_mapping *a, const pf_mapping *b)
{
    if (a->file[0] && b->file[0] && a->file != b->file)
        return false;
    if (a->build_id[0] && b->build_id[0] && a->build_id != b->build_id)
        return false;
    if (a->limit != b->start)
        return false;
    if (a->offset != 0 && b->offset != 0 &&
        a->offset + (a->limit - a->start) != b->offset)
        return false;
    return true;
}

/* Renumber locations (and their lines) in order of first use by the
 * samples, dropping unused ones; then functions in order of first use
 * by the locations. */
static int renumber(pf_profile *p)
{
    uint32_t *lmap = NULL, *fmap = NULL;
    pf_location *nl = NULL;
    pf_line *nlines = NULL;
    pf_function *nf = NULL;
    size_t i, nloc = 0, nln = 0, nfn = 0;
    int err = PF_OK;

    if (p->nlocations) {
        lmap = pf__malloc(p->nlocations * sizeof(*lmap));
        nl = pf__malloc(p->nlocations * sizeof(*nl));
        if (!lmap || !nl) {
            err = pf__error_oom();
            goto done;
        }
        memset(lmap, 0xff, p->nlocations * sizeof(*lmap));
    }
    for (i = 0; i < p->nstack; i++) {
        uint32_t o = p->stack[i];
        if (lmap[o] == PF_NONE) {
            lmap[o] = (uint32_t)nloc;
            nl[nloc] = p->locations[o];
            nl[nloc].id = nloc + 1;
            nloc++;
        }
        p->stack[i] = lmap[o];
    }
    if (p->nlines) {
        nlines = pf__malloc(p->nlines * sizeof(*nlines));
        if (!nlines) {
            err = pf__error_oom();
            goto done;
        }
    }
    if (p->nfunctions) {
        fmap = pf__malloc(p->nfunctions * sizeof(*fmap));
        nf = pf__malloc(p->nfunctions * sizeof(*nf));
        if (!fmap || !nf) {
            err = pf__error_oom();
            goto done;
        }
        memset(fmap, 0xff, p->nfunctions * sizeof(*fmap));
    }
    for (i = 0; i < nloc; i++) {
        const pf_line *src = nl[i].nline ? p->lines + nl[i].line_off : NULL;
        uint32_t k;
        nl[i].line_off = (uint32_t)nln;
        for (k = 0; k < nl[i].nline; k++) {
            pf_line ln = src[k];
            if (fmap[ln.function] == PF_NONE) {
                fmap[ln.function] = (uint32_t)nfn;
                nf[nfn] = p->functions[ln.function];
                nf[nfn].id = nfn + 1;
                nfn++;
            }
            ln.function = fmap[ln.function];
            nlines[nln++] = ln;
        }
    }
    pf__free(p->locations);
    p->locations = nl;
    p->nlocations = nloc;
    p->locations_cap = p->nlocations ? p->nlocations : 0;
    if (!nloc) {
        pf__free(nl);
        p->locations = NULL;
    }
    nl = NULL;
    pf__free(p->lines);
    p->lines = nlines;
    p->nlines = p->lines_cap = nln;
    nlines = NULL;
    pf__free(p->functions);
    p->functions = nf;
    p->nfunctions = p->functions_cap = nfn;
    nf = NULL;
    p->next_location_id = nloc + 1;
    p->next_function_id = nfn + 1;
    pf__profile_invalidate_sets(p);
done:
    pf__free(lmap);
    pf__free(fmap);
    pf__free(nl);
    pf__free(nlines);
    pf__free(nf);
    return err;
}

int pf__lb_finish(pf_lb *b, pf_lcur *maps)
{
    pf_profile *p = b->p;
    pf_mapping *ms = NULL, tmp;
    size_t nms = 0, mcap = 0, i, j, fake = PF_NONE;
    mvars vars;
    int err = PF_OK, r;

    memset(&vars, 0, sizeof(vars));
    while (maps && (r = pf__lcur_next(maps)) != 0) {
        const char *s;
        size_t n, g;
        if (r < 0) {
            err = r;
            goto done;
        }
        s = maps->line;
        n = maps->len;
        g = glog_prefix(s, n);
        s += g;
        n -= g;
        if ((err = vars_apply(&vars, &s, &n)) < 0)
            goto done;
        r = parse_entry(p, s, n, &tmp);
        if (r == PF_ENOMEM - 100) {
            err = pf__error_oom();
            goto done;
        }
        if (r < 0) {
            const char *eq = memchr(s, '=', n);
            if (eq) {
                const char *k = s, *v = eq + 1;
                size_t kn = (size_t)(eq - s), vn = n - kn - 1;
                pf__ltrim(&k, &kn);
                pf__ltrim(&v, &vn);
                if ((err = vars_add(&vars, p, k, kn, v, vn)) < 0)
                    goto done;
            }
            continue;
        }
        if (r == 0)
            continue;
        if ((err = PF_VEC_RESERVE(ms, mcap, nms + 1)) < 0)
            goto done;
        ms[nms++] = tmp;
    }
    err = PF_OK;

    /* Join split mappings. */
    if (nms > 1) {
        size_t k = 0;
        for (i = 1; i < nms; i++) {
            if (adjacent(&ms[k], &ms[i])) {
                ms[k].limit = ms[i].limit;
                if (ms[i].file[0])
                    ms[k].file = ms[i].file;
                if (ms[i].build_id[0])
                    ms[k].build_id = ms[i].build_id;
                continue;
            }
            ms[++k] = ms[i];
        }
        nms = k + 1;
    }
    /* Main binary first. */
    for (i = 0; i < nms; i++) {
        if (looks_main(ms[i].file)) {
            tmp = ms[0];
            ms[0] = ms[i];
            ms[i] = tmp;
            break;
        }
    }
    if ((err = renumber(p)) < 0)
        goto done;
    /* Quirks on mapping 0. */
    if (nms > 1 && strncmp(ms[0].file, "/anon_hugepage", 14) == 0 &&
        ms[0].limit == ms[1].start) {
        memmove(ms, ms + 1, (nms - 1) * sizeof(*ms));
        nms--;
    }
    if (nms > 0 && ms[0].start - ms[0].offset == 0x400000) {
        ms[0].start = 0x400000;
        ms[0].offset = 0;
    }
    /* Bind locations. */
    for (i = 0; i < p->nlocations; i++) {
        pf_location *l = &p->locations[i];
        uint64_t a = l->address;
        if (l->mapping != PF_NONE || a == 0)
            continue;
        for (j = 0; j < nms; j++) {
            if (ms[j].start <= a && a < ms[j].limit)
                break;
        }
        if (j == nms) {
            for (j = 0; j < nms; j++) {
                if (ms[j].offset != 0 && ms[j].start - ms[j].offset <= a &&
                    a < ms[j].start) {
                    ms[j].start -= ms[j].offset;
                    ms[j].offset = 0;
                    break;
                }
            }
        }
        if (j == nms) {
            if (fake == PF_NONE) {
                if ((err = PF_VEC_RESERVE(ms, mcap, nms + 1)) < 0)
                    goto done;
                memset(&ms[nms], 0, sizeof(ms[nms]));
                ms[nms].limit = UINT64_MAX;
                ms[nms].file = ms[nms].build_id = p->empty;
                fake = nms++;
            }
            j = fake;
        }
        l->mapping = (uint32_t)j;
    }
    /* The mapping flags (has_functions, ...) stay false, as in the
     * reference: symbols taken from Go frame comments cover only the
     * printed frames, and a binary, when given, is the better source,
     * so pprof is left free to symbolize against it. */
    for (j = 0; j < nms; j++) {
        ms[j].id = j + 1;
        if ((err = pf__mapping_append(p, NULL, &ms[j])) < 0)
            goto done;
    }
    pf__profile_invalidate_sets(p);
    err = pf__legacy_frame_info(p);
done:
    pf__free(ms);
    vars_release(&vars);
    return err;
}

void pf__lb_drop_duplicate_leaf(pf_lb *b)
{
    pf_profile *p = b->p;
    size_t i, w = 0;

    for (i = 0; i < p->nsamples; i++) {
        pf_sample *s = &p->samples[i];
        uint32_t n = s->nloc, k;
        uint32_t *st = n ? p->stack + s->loc_off : NULL;
        bool drop = n > 1 && p->locations[st[0]].address ==
                                 p->locations[st[1]].address + 1;
        uint32_t off = (uint32_t)w;
        for (k = 0; k < n; k++) {
            if (drop && k == 1)
                continue;
            p->stack[w++] = st[k];
        }
        s->loc_off = off;
        s->nloc = drop ? n - 1 : n;
    }
    p->nstack = w;
}

/* ------------------------------------------------------------------ */
/* Default drop/keep frames (docs/FORMATS.md 4.7)                           */

static const char alloc_rx[] =
    "calloc|cfree|malloc|free|memalign|do_memalign|(__)?posix_memalign|"
    "pvalloc|valloc|realloc|tcmalloc::.*|tc_calloc|tc_cfree|tc_malloc|"
    "tc_free|tc_memalign|tc_posix_memalign|tc_pvalloc|tc_valloc|"
    "tc_realloc|tc_new|tc_delete|tc_newarray|tc_deletearray|"
    "tc_new_nothrow|tc_newarray_nothrow|malloc_zone_malloc|"
    "malloc_zone_calloc|malloc_zone_valloc|malloc_zone_realloc|"
    "malloc_zone_memalign|malloc_zone_free|runtime\\..*|BaseArena::.*|"
    "(::)?do_malloc_no_errno|(::)?do_malloc_pages|(::)?do_malloc|"
    "DoSampledAllocation|MallocedMemBlock::MallocedMemBlock|_M_allocate|"
    "__builtin_(vec_)?delete|__builtin_(vec_)?new|"
    "__gnu_cxx::new_allocator::allocate|__libc_malloc|"
    "__malloc_alloc_template::allocate|allocate|cpp_alloc|"
    "operator new(\\[\\])?|simple_alloc::allocate";
static const char alloc_keep_rx[] =
    "runtime\\.panic|runtime\\.reflectcall|runtime\\.call[0-9]*";
static const char lock_rx[] =
    "RecordLockProfileData|(base::)?RecordLockProfileData.*|"
    "(base::)?SubmitMutexProfileData.*|(base::)?SubmitSpinLockProfileData.*|"
    "(base::Mutex::)?AwaitCommon.*|(base::Mutex::)?Unlock.*|"
    "(base::Mutex::)?UnlockSlow.*|(base::Mutex::)?ReaderUnlock.*|"
    "(base::MutexLock::)?~MutexLock.*|(Mutex::)?AwaitCommon.*|"
    "(Mutex::)?Unlock.*|(Mutex::)?UnlockSlow.*|(Mutex::)?ReaderUnlock.*|"
    "(MutexLock::)?~MutexLock.*|(SpinLock::)?Unlock.*|"
    "(SpinLock::)?SlowUnlock.*|(SpinLockHolder::)?~SpinLockHolder.*";
static const char cpu_rx[] =
    "ProfileData::Add|ProfileData::prof_handler|CpuProfiler::prof_handler|"
    "__pthread_sighandler|__restore";

static bool types_are(const pf_profile *p, const char *const *t, size_t n)
{
    size_t i;

    if (p->nsample_types != n)
        return false;
    for (i = 0; i < n; i++)
        if (strcmp(p->sample_types[i].type, t[i]) != 0)
            return false;
    return true;
}

int pf__legacy_frame_info(pf_profile *p)
{
    static const char *const heap2[][2] = {
        { "allocations", "size" },
        { "objects", "space" },
        { "inuse_objects", "inuse_space" },
        { "alloc_objects", "alloc_space" },
    };
    static const char *const heap4[] = { "alloc_objects", "alloc_space",
                                         "inuse_objects", "inuse_space" };
    static const char *const cont[] = { "contentions", "delay" };
    size_t i;
    bool heap = types_are(p, heap4, 4);

    for (i = 0; i < 4 && !heap; i++)
        heap = types_are(p, heap2[i], 2);
    if (heap) {
        PF_TRY(pf_profile_set_drop_frames(p, alloc_rx));
        return pf_profile_set_keep_frames(p, alloc_keep_rx);
    }
    if (types_are(p, cont, 2)) {
        PF_TRY(pf_profile_set_drop_frames(p, lock_rx));
        return pf_profile_set_keep_frames(p, "");
    }
    PF_TRY(pf_profile_set_drop_frames(p, cpu_rx));
    return pf_profile_set_keep_frames(p, "");
}
