/*
 * pf_profile_symbolize: give every location of a profile its functions,
 * files, lines and inline frames from the ELF files of its mappings.
 *
 * Per mapping: pick the file (see profile.h for the order), verify its
 * build id, then resolve each distinct address once (the (address,
 * location) pairs of a mapping are sorted, so duplicate locations share
 * one lookup). ELF files are opened once per path and shared by all
 * mappings naming them. New lines are collected on the side and the
 * profile's line vector is rebuilt in one pass at the end, so a failure
 * half-way leaves the old lines intact.
 */
#include "symbolize_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

typedef struct file_ent {
    char *path;
    pf_sym_file *f;         /* NULL when it could not be opened */
    pf_sym_status why;
    char detail[160];
} file_ent;

typedef struct addr_ref {
    uint64_t addr;
    uint32_t loc;
} addr_ref;

typedef struct sym_ctx {
    pf_profile *p;
    const pf_symbolize_opts *o;
    pf_symbolize_report *rep;
    file_ent *files;
    size_t nfiles, files_cap;
    bool *claimed;          /* per opts->binaries: matches some mapping */
    pf_line *nl;            /* new lines of planned locations */
    size_t nnl, nl_cap;
    uint32_t *plan_off, *plan_n;   /* per location; plan_n PF_NONE = keep */
    pf_u64map names;        /* linkage-name pointer -> index in dnames */
    const char **dnames;    /* display names, interned in P */
    size_t ndnames, dnames_cap;
    char *pathbuf;
    size_t pathbuf_cap;
    /* (name, file, decl_line) of a frame -> function index, keyed by
     * the libdw string pointers, so most frames skip interning. */
    struct fn_slot {
        const char *name, *file;
        int64_t decl_line;
        uint32_t fn;        /* PF_NONE = empty */
    } *fn_cache;
    size_t fn_cap, fn_len;
} sym_ctx;

const char *pf_sym_status_name(pf_sym_status s)
{
    switch (s) {
    case PF_SYM_OK: return "ok";
    case PF_SYM_NOTHING_TO_DO: return "nothing to do";
    case PF_SYM_PSEUDO: return "pseudo mapping";
    case PF_SYM_NO_FILE: return "no file name";
    case PF_SYM_MISSING: return "file not found";
    case PF_SYM_NOT_ELF: return "not an ELF file";
    case PF_SYM_BAD_ELF: return "unreadable ELF file";
    case PF_SYM_BUILD_ID_MISMATCH: return "build id mismatch";
    case PF_SYM_NO_SYMBOLS: return "no symbols";
    default: return "unknown";
    }
}

void pf_symbolize_report_release(pf_symbolize_report *rep)
{
    size_t i;

    if (!rep)
        return;
    for (i = 0; rep->mappings && i < rep->nmappings; i++) {
        pf__free(rep->mappings[i].file);
        pf__free(rep->mappings[i].debug_file);
    }
    pf__free(rep->mappings);
    memset(rep, 0, sizeof(*rep));
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = pf__malloc(n);

    if (d)
        memcpy(d, s, n);
    return d;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* Mappings that name no file to read: docs/FORMATS.md 1.9 plus anonymous
 * memory the kernel names. */
static bool is_pseudo(const char *file)
{
    const char *b = base_name(file);

    return b[0] == '[' || strncmp(b, "linux-vdso", 10) == 0 ||
           strncmp(file, "/dev/dri/", 9) == 0 ||
           strncmp(file, "//anon", 6) == 0 ||
           strncmp(file, "/memfd:", 7) == 0 ||
           strncmp(file, "/anon_hugepage", 14) == 0 ||
           strncmp(file, "/SYSV", 5) == 0;
}

static bool is_system_lib(const char *file)
{
    static const char *const dirs[] = {
        "/lib/", "/lib32/", "/lib64/", "/libx32/", "/usr/lib/",
        "/usr/lib32/", "/usr/lib64/", "/usr/libx32/"
    };
    size_t i;

    for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
        if (strncmp(file, dirs[i], strlen(dirs[i])) == 0)
            return true;
    return false;
}

/* Open PATH once per run; failures are cached too. */
static int get_file(sym_ctx *c, file_ent **out, const char *path)
{
    file_ent *e;
    size_t i;
    int err;

    *out = NULL;
    for (i = 0; i < c->nfiles; i++) {
        if (strcmp(c->files[i].path, path) == 0) {
            *out = &c->files[i];
            return PF_OK;
        }
    }
    PF_TRY(PF_VEC_RESERVE(c->files, c->files_cap, c->nfiles + 1));
    e = &c->files[c->nfiles];
    memset(e, 0, sizeof(*e));
    e->path = dup_str(path);
    PF_CHECK_ALLOC(e->path);
    err = pf__sym_file_open(&e->f, path, c->o->debug_dir, &e->why, e->detail,
                            sizeof(e->detail));
    if (err == PF_ENOMEM) {
        pf__free(e->path);
        return err;
    }
    c->nfiles++;
    *out = e;
    return PF_OK;
}

/* Candidate bookkeeping for one mapping. */
typedef struct pick {
    file_ent *chosen;
    pf_sym_status why;      /* best failure so far */
    const char *why_path;
    char detail[200];
    size_t ntried;
    const char *first_tried;
} pick;

static int fail_rank(pf_sym_status s)
{
    switch (s) {
    case PF_SYM_BUILD_ID_MISMATCH: return 4;
    case PF_SYM_NOT_ELF: return 3;
    case PF_SYM_BAD_ELF: return 2;
    case PF_SYM_MISSING: return 1;
    default: return 0;
    }
}

static void note(pick *k, pf_sym_status st, const char *path,
                 const char *detail)
{
    if (fail_rank(st) > fail_rank(k->why)) {
        k->why = st;
        k->why_path = path;
        snprintf(k->detail, sizeof(k->detail), "%s", detail);
    }
}

/* Try PATH for mapping M; sets k->chosen when it is usable. */
static int consider(sym_ctx *c, pick *k, const pf_mapping *m,
                    const char *path)
{
    file_ent *e;
    const char *bid;

    if (k->chosen || !path[0])
        return PF_OK;
    PF_TRY(get_file(c, &e, path));
    if (!k->first_tried)
        k->first_tried = e->path;
    k->ntried++;
    if (!e->f) {
        note(k, e->why, e->path, e->detail);
        return PF_OK;
    }
    bid = pf__sym_file_build_id(e->f);
    if (m->build_id[0] && strcasecmp(bid, m->build_id) != 0) {
        char d[200];
        snprintf(d, sizeof(d), "file has build id %s, profile wants %.64s",
                 bid[0] ? bid : "(none)", m->build_id);
        note(k, PF_SYM_BUILD_ID_MISMATCH, e->path, d);
        return PF_OK;
    }
    k->chosen = e;
    return PF_OK;
}

static const char *join(sym_ctx *c, const char *a, const char *b,
                        const char *d)
{
    size_t n = strlen(a) + strlen(b) + strlen(d) + 3;

    if (PF_VEC_RESERVE(c->pathbuf, c->pathbuf_cap, n) < 0)
        return NULL;
    snprintf(c->pathbuf, n, "%s/%s%s%s", a, b, d[0] && d[0] != '/' ? "/" : "",
             d);
    return c->pathbuf;
}

static int choose_file(sym_ctx *c, uint32_t mi, const char *file, pick *k)
{
    const pf_symbolize_opts *o = c->o;
    const pf_mapping *m = &c->p->mappings[mi];
    const char *base = file[0] ? base_name(file) : "";
    size_t i;

    /* 1. --binary: by build id, then by base name, then the main
     *    mapping takes the first binary no mapping claimed. */
    for (i = 0; i < o->nbinaries && m->build_id[0]; i++) {
        file_ent *e;
        PF_TRY(get_file(c, &e, o->binaries[i]));
        if (e->f && strcasecmp(pf__sym_file_build_id(e->f), m->build_id) == 0)
            return consider(c, k, m, o->binaries[i]);
    }
    for (i = 0; i < o->nbinaries && base[0]; i++)
        if (strcmp(base_name(o->binaries[i]), base) == 0)
            PF_TRY(consider(c, k, m, o->binaries[i]));
    if (mi == 0)
        for (i = 0; i < o->nbinaries; i++)
            if (!c->claimed[i]) {
                PF_TRY(consider(c, k, m, o->binaries[i]));
                break;
            }
    /* 2. Search path directories. */
    if (o->search_path && file[0]) {
        const char *s = o->search_path;
        while (*s && !k->chosen) {
            const char *e = strchr(s, ':');
            size_t n = e ? (size_t)(e - s) : strlen(s);
            char *dir = pf__malloc(n + 1);
            const char *cand;
            int err = PF_OK;
            PF_CHECK_ALLOC(dir);
            memcpy(dir, s, n);
            dir[n] = '\0';
            if (n) {
                if (m->build_id[0] && (cand = join(c, dir, m->build_id, base)))
                    err = consider(c, k, m, cand);
                if (err == PF_OK && (cand = join(c, dir, base, "")))
                    err = consider(c, k, m, cand);
                if (err == PF_OK && file[0] == '/' &&
                    (cand = join(c, dir, file + 1, "")))
                    err = consider(c, k, m, cand);
            }
            pf__free(dir);
            PF_TRY(err);
            s += n + (e ? 1 : 0);
        }
    }
    /* 3. The file the profile names. */
    PF_TRY(consider(c, k, m, file));
    /* 4. A debug file by build id carries symbols and program headers. */
    if (m->build_id[0] && strlen(m->build_id) > 2) {
        const char *dd = o->debug_dir ? o->debug_dir : "/usr/lib/debug";
        if (dd[0]) {
            size_t n = strlen(dd) + strlen(m->build_id) + 32;
            char *cand = pf__malloc(n);
            int err;
            PF_CHECK_ALLOC(cand);
            snprintf(cand, n, "%s/.build-id/%.2s/%s.debug", dd, m->build_id,
                     m->build_id + 2);
            err = consider(c, k, m, cand);
            pf__free(cand);
            PF_TRY(err);
        }
    }
    return PF_OK;
}

/* Sort REFS by address, stable (they come in location order): an LSD
 * radix sort over the 8-bit digits that vary, a few linear passes
 * instead of qsort's n log n indirect compares. */
static int sort_refs(addr_ref *refs, size_t n)
{
    uint64_t all_or = 0, all_and = ~UINT64_C(0);
    addr_ref *tmp, *src = refs, *dst;
    size_t i;
    unsigned shift;

    for (i = 0; i < n; i++) {
        all_or |= refs[i].addr;
        all_and &= refs[i].addr;
    }
    if (n < 2 || all_or == all_and)
        return PF_OK;
    tmp = pf__malloc(n * sizeof(*tmp));
    PF_CHECK_ALLOC(tmp);
    dst = tmp;
    for (shift = 0; shift < 64; shift += 8) {
        size_t count[257] = { 0 };
        addr_ref *t;
        if ((((all_or ^ all_and) >> shift) & 0xff) == 0)
            continue;
        for (i = 0; i < n; i++)
            count[((src[i].addr >> shift) & 0xff) + 1]++;
        for (i = 1; i < 257; i++)
            count[i] += count[i - 1];
        for (i = 0; i < n; i++)
            dst[count[(src[i].addr >> shift) & 0xff]++] = src[i];
        t = src;
        src = dst;
        dst = t;
    }
    if (src != refs)
        memcpy(refs, src, n * sizeof(*refs));
    pf__free(tmp);
    return PF_OK;
}

/* The display name of a linkage NAME (demangled per options), interned
 * in P; cached per libdw string pointer. */
static int display_name(sym_ctx *c, const char **out, const char *name)
{
    uint32_t hit = pf__u64map_get(&c->names, (uint64_t)(uintptr_t)name);
    const char *r;
    char *dm;

    if (hit != PF_NONE) {
        *out = c->dnames[hit];
        return PF_OK;
    }
    dm = pf__sym_demangle(name, c->o->demangle);
    r = pf_profile_intern(c->p, dm ? dm : name);
    pf__free(dm);
    PF_CHECK_ALLOC(r);
    PF_TRY(PF_VEC_RESERVE(c->dnames, c->dnames_cap, c->ndnames + 1));
    c->dnames[c->ndnames] = r;
    PF_TRY(pf__u64map_put(&c->names, (uint64_t)(uintptr_t)name,
                          (uint32_t)c->ndnames));
    c->ndnames++;
    *out = r;
    return PF_OK;
}

static uint64_t fn_hash(const char *name, const char *file, int64_t dl)
{
    uint64_t h = pf__hash_mix(3, (uint64_t)(uintptr_t)name);

    h = pf__hash_mix(h, (uint64_t)(uintptr_t)file);
    return pf__hash_mix(h, (uint64_t)dl);
}

static int fn_cache_grow(sym_ctx *c)
{
    size_t ncap = c->fn_cap ? 2 * c->fn_cap : 1024, i;
    struct fn_slot *ns = pf__malloc(ncap * sizeof(*ns)), *old = c->fn_cache;

    PF_CHECK_ALLOC(ns);
    for (i = 0; i < ncap; i++)
        ns[i].fn = PF_NONE;
    for (i = 0; i < c->fn_cap; i++) {
        size_t j;
        if (old[i].fn == PF_NONE)
            continue;
        j = fn_hash(old[i].name, old[i].file, old[i].decl_line) & (ncap - 1);
        while (ns[j].fn != PF_NONE)
            j = (j + 1) & (ncap - 1);
        ns[j] = old[i];
    }
    pf__free(old);
    c->fn_cache = ns;
    c->fn_cap = ncap;
    return PF_OK;
}

/* The profile function of a resolved frame. */
static int frame_function(sym_ctx *c, uint32_t *out, const pf_sym_frame *f)
{
    const char *name = NULL;
    size_t j;

    if (2 * (c->fn_len + 1) > c->fn_cap)
        PF_TRY(fn_cache_grow(c));
    j = fn_hash(f->name, f->file, f->decl_line) & (c->fn_cap - 1);
    for (; c->fn_cache[j].fn != PF_NONE; j = (j + 1) & (c->fn_cap - 1)) {
        const struct fn_slot *e = &c->fn_cache[j];
        if (e->name == f->name && e->file == f->file &&
            e->decl_line == f->decl_line) {
            *out = e->fn;
            return PF_OK;
        }
    }
    PF_TRY(display_name(c, &name, f->name));
    PF_TRY(pf_profile_add_function(out, c->p, name, f->name, f->file,
                                   f->decl_line));
    c->fn_cache[j].name = f->name;
    c->fn_cache[j].file = f->file;
    c->fn_cache[j].decl_line = f->decl_line;
    c->fn_cache[j].fn = *out;
    c->fn_len++;
    return PF_OK;
}

typedef struct map_stats {
    bool fn, files, lines;
    size_t unmapped_addr;   /* address outside the file's segments */
    size_t uncovered;       /* no symbol covers it */
} map_stats;

/* Resolve the sorted REFS of one mapping with file F. */
static int resolve_mapping(sym_ctx *c, const pf_mapping *m, pf_sym_file *f,
                           const addr_ref *refs, size_t nrefs,
                           pf_symbolize_mapping_report *r, map_stats *st)
{
    size_t i = 0, j, k;

    /* Most addresses have a few frames: reserve once, not by doubling. */
    PF_TRY(PF_VEC_RESERVE(c->nl, c->nl_cap, c->nnl + 4 * nrefs));
    while (i < nrefs) {
        const pf_sym_frame *fr;
        size_t nfr = 0, off;
        uint64_t ea;
        bool dw = false;

        for (j = i + 1; j < nrefs && refs[j].addr == refs[i].addr; j++)
            ;
        r->naddresses++;
        if (pf__sym_file_elf_addr(f, &ea, m->start, m->limit, m->offset,
                                  refs[i].addr) < 0) {
            st->unmapped_addr++;
            i = j;
            continue;
        }
        PF_TRY(pf__sym_file_resolve(f, ea, &fr, &nfr, &dw));
        if (nfr == 0) {
            st->uncovered++;
            i = j;
            continue;
        }
        if (c->nnl + nfr > UINT32_MAX)
            return pf__error_set(PF_ETOOBIG, "too many lines");
        PF_TRY(PF_VEC_RESERVE(c->nl, c->nl_cap, c->nnl + nfr));
        off = c->nnl;
        for (k = 0; k < nfr; k++) {
            uint32_t fi;
            PF_TRY(frame_function(c, &fi, &fr[k]));
            c->nl[c->nnl].function = fi;
            c->nl[c->nnl].line = fr[k].line;
            c->nl[c->nnl].column = fr[k].column;
            c->nnl++;
            st->fn = true;
            if (fr[k].file[0])
                st->files = true;
            if (fr[k].line > 0)
                st->lines = true;
        }
        for (k = i; k < j; k++) {
            c->plan_off[refs[k].loc] = (uint32_t)off;
            c->plan_n[refs[k].loc] = (uint32_t)nfr;
        }
        r->nresolved += j - i;
        if (!dw)
            r->nsymtab_only += j - i;
        i = j;
    }
    return PF_OK;
}

/* Replace the lines of planned locations in one pass. */
static int rebuild_lines(sym_ctx *c)
{
    pf_profile *p = c->p;
    pf_line *lines = NULL;
    size_t cap = 0, n = 0, i;

    for (i = 0; i < p->nlocations; i++)
        n += c->plan_n[i] != PF_NONE ? c->plan_n[i] : p->locations[i].nline;
    if (n > UINT32_MAX)
        return pf__error_set(PF_ETOOBIG, "too many lines");
    PF_TRY(PF_VEC_RESERVE(lines, cap, n + 1));
    n = 0;
    for (i = 0; i < p->nlocations; i++) {
        pf_location *l = &p->locations[i];
        const pf_line *src = c->plan_n[i] != PF_NONE ? c->nl + c->plan_off[i]
                                                     : pf__loc_lines(p, l);
        size_t cnt = c->plan_n[i] != PF_NONE ? c->plan_n[i] : l->nline;
        if (cnt)
            memcpy(lines + n, src, cnt * sizeof(*lines));
        n += cnt;
    }
    /* Commit: nothing can fail from here. */
    for (i = 0, n = 0; i < p->nlocations; i++) {
        pf_location *l = &p->locations[i];
        if (c->plan_n[i] != PF_NONE)
            l->nline = c->plan_n[i];
        l->line_off = (uint32_t)n;
        n += l->nline;
    }
    pf__free(p->lines);
    p->lines = lines;
    p->nlines = n;
    p->lines_cap = cap;
    pf__profile_invalidate_sets(p);
    return PF_OK;
}

/* A profile without mappings gets pprof's {id 1, all zero} mapping for
 * the binary, holding every location (docs/FORMATS.md 1.9). */
static int add_main_mapping(sym_ctx *c)
{
    pf_profile *p = c->p;
    pf_mapping m;
    uint32_t mi;
    size_t i;

    memset(&m, 0, sizeof(m));
    m.file = c->o->binaries[0];
    m.build_id = "";
    PF_TRY(pf_profile_add_mapping(&mi, p, &m));
    for (i = 0; i < p->nlocations; i++)
        if (p->locations[i].mapping == PF_NONE)
            p->locations[i].mapping = mi;
    pf__profile_invalidate_sets(p);
    return PF_OK;
}

static void finish_failed(pf_symbolize_mapping_report *r)
{
    r->failed = !r->system_lib && r->status != PF_SYM_OK &&
                r->status != PF_SYM_PSEUDO &&
                r->status != PF_SYM_NOTHING_TO_DO;
}

static int symbolize_mapping(sym_ctx *c, uint32_t mi, addr_ref *refs,
                             size_t nrefs)
{
    pf_profile *p = c->p;
    pf_symbolize_mapping_report *r = &c->rep->mappings[mi];
    pf_mapping *m = &p->mappings[mi];
    char *file = NULL;
    pick k;
    map_stats st;
    size_t flen;
    int err = PF_OK;

    memset(&k, 0, sizeof(k));
    memset(&st, 0, sizeof(st));
    r->nlocations = nrefs;
    /* " (deleted)" is the kernel's note on a replaced file. */
    file = dup_str(m->file);
    PF_CHECK_ALLOC(file);
    flen = strlen(file);
    if (flen > 10 && strcmp(file + flen - 10, " (deleted)") == 0)
        file[flen - 10] = '\0';
    r->system_lib = is_system_lib(file);
    if (file[0] && is_pseudo(file)) {
        r->status = PF_SYM_PSEUDO;
        snprintf(r->detail, sizeof(r->detail), "%s",
                 "not a file (kernel or anonymous mapping)");
        goto done;
    }
    if ((err = sort_refs(refs, nrefs)) < 0)
        goto done;
    if ((err = choose_file(c, mi, file, &k)) < 0)
        goto done;
    if (!k.chosen) {
        if (k.why == PF_SYM_OK && !file[0]) {
            r->status = PF_SYM_NO_FILE;
            snprintf(r->detail, sizeof(r->detail), "%s",
                     "the mapping names no file; pass the binary");
        } else if (k.why == PF_SYM_OK || k.why == PF_SYM_MISSING) {
            r->status = PF_SYM_MISSING;
            if (k.ntried > 1)
                snprintf(r->detail, sizeof(r->detail),
                         "'%.120s' not found (%zu other candidate paths tried)",
                         k.first_tried ? k.first_tried : file, k.ntried - 1);
            else
                snprintf(r->detail, sizeof(r->detail), "'%.150s' not found",
                         k.first_tried ? k.first_tried : file);
        } else {
            r->status = k.why;
            snprintf(r->detail, sizeof(r->detail), "%s", k.detail);
            if (k.why_path && !(r->file = dup_str(k.why_path)))
                err = pf__error_oom();
        }
        goto done;
    }
    if (!(r->file = dup_str(k.chosen->path))) {
        err = pf__error_oom();
        goto done;
    }
    if (pf__sym_file_debug_path(k.chosen->f) &&
        !(r->debug_file = dup_str(pf__sym_file_debug_path(k.chosen->f)))) {
        err = pf__error_oom();
        goto done;
    }
    r->system_lib = r->system_lib || is_system_lib(k.chosen->path);
    r->dwarf = pf__sym_file_has_dwarf(k.chosen->f);
    if ((err = pf__sym_file_has_symtab(k.chosen->f, &r->symtab)) < 0)
        goto done;
    if ((err = resolve_mapping(c, m, k.chosen->f, refs, nrefs, r, &st)) < 0)
        goto done;
    if (!m->file[0]) {
        /* Name the main mapping after the binary, as pprof does. */
        const char *s = pf_profile_intern(p, k.chosen->path);
        if (!s) {
            err = pf__error_oom();
            goto done;
        }
        m->file = s;
    }
    m->has_functions = m->has_functions || st.fn;
    m->has_filenames = m->has_filenames || st.files;
    m->has_line_numbers = m->has_line_numbers || st.lines;
    m->has_inline_frames = m->has_inline_frames || (st.fn && r->dwarf);
    if (r->nresolved == 0) {
        r->status = PF_SYM_NO_SYMBOLS;
        snprintf(r->detail, sizeof(r->detail),
                 "%s: no symbol covers any of its %zu addresses",
                 r->dwarf ? "wrong file?" : !r->symtab
                                ? "stripped (no DWARF, no symbol table)"
                                : "no DWARF and no covering symbol",
                 r->naddresses);
    } else if (st.unmapped_addr || st.uncovered) {
        int dn = 0;
        if (st.unmapped_addr)
            dn = snprintf(r->detail, sizeof(r->detail),
                         "%zu address%s outside the file's segments%s",
                         st.unmapped_addr, st.unmapped_addr == 1 ? "" : "es",
                         st.uncovered ? ", " : "");
        if (st.uncovered && dn >= 0 && (size_t)dn < sizeof(r->detail))
            snprintf(r->detail + dn, sizeof(r->detail) - (size_t)dn,
                     "%zu address%s not covered by any %s", st.uncovered,
                     st.uncovered == 1 ? "" : "es",
                     r->dwarf ? "function or symbol"
                              : "symbol (no DWARF)");
    } else if (!r->dwarf) {
        snprintf(r->detail, sizeof(r->detail), "%s",
                 "no DWARF: names from the symbol table, no lines");
    }
done:
    finish_failed(r);
    pf__free(file);
    return err;
}

int pf_profile_symbolize(pf_profile *p, const pf_symbolize_opts *opts,
                         pf_symbolize_report *rep)
{
    static const pf_symbolize_opts defaults = PF_SYMBOLIZE_OPTS_INIT;
    pf_symbolize_report local = PF_SYMBOLIZE_REPORT_INIT;
    sym_ctx c;
    addr_ref *refs = NULL;
    size_t *count = NULL, *first = NULL;
    size_t i;
    int err = PF_OK;

    if (!rep)
        rep = &local;
    memset(rep, 0, sizeof(*rep));
    memset(&c, 0, sizeof(c));
    if (!p)
        return pf__error_set(PF_EINVAL, "no profile");
    if (!opts)
        opts = &defaults;
    if (opts->version != PF_SYMBOLIZE_OPTS_VERSION)
        return pf__error_set(PF_EINVAL, "pf_symbolize_opts version %u, "
                             "want %u", opts->version,
                             PF_SYMBOLIZE_OPTS_VERSION);
    c.p = p;
    c.o = opts;
    c.rep = rep;
    pf__u64map_init(&c.names);
    if (p->nmappings == 0 && opts->nbinaries > 0 && p->nlocations > 0 &&
        (err = add_main_mapping(&c)) < 0)
        goto done;
    rep->mappings = pf__calloc(p->nmappings ? p->nmappings : 1,
                               sizeof(*rep->mappings));
    if (rep->mappings)
        rep->nmappings = p->nmappings;
    c.claimed = pf__calloc(opts->nbinaries ? opts->nbinaries : 1, 1);
    c.plan_off = pf__malloc((p->nlocations ? p->nlocations : 1) *
                            sizeof(uint32_t));
    c.plan_n = pf__malloc((p->nlocations ? p->nlocations : 1) *
                          sizeof(uint32_t));
    count = pf__calloc(p->nmappings + 1, sizeof(size_t));
    first = pf__calloc(p->nmappings + 1, sizeof(size_t));
    refs = pf__malloc((p->nlocations ? p->nlocations : 1) * sizeof(*refs));
    if (!rep->mappings || !c.claimed || !c.plan_off || !c.plan_n || !count ||
        !first || !refs) {
        err = pf__error_oom();
        goto done;
    }
    for (i = 0; i < p->nmappings; i++) {
        rep->mappings[i].mapping = (uint32_t)i;
        rep->mappings[i].status = PF_SYM_NOTHING_TO_DO;
    }
    /* Group the locations that want symbols by mapping (counting sort). */
    for (i = 0; i < p->nlocations; i++) {
        const pf_location *l = &p->locations[i];
        c.plan_n[i] = PF_NONE;
        if (l->nline && !opts->force)
            continue;
        if (l->mapping == PF_NONE) {
            rep->nunmapped++;
            continue;
        }
        count[l->mapping]++;
    }
    for (i = 1; i <= p->nmappings; i++)
        first[i] = first[i - 1] + count[i - 1];
    for (i = 0; i < p->nlocations; i++) {
        const pf_location *l = &p->locations[i];
        if ((l->nline && !opts->force) || l->mapping == PF_NONE)
            continue;
        refs[first[l->mapping]].addr = l->address;
        refs[first[l->mapping]].loc = (uint32_t)i;
        first[l->mapping]++;
    }
    /* Binaries that match a mapping by base name or build id are not
     * offered to the main mapping as "the program". */
    for (i = 0; i < opts->nbinaries; i++) {
        size_t j;
        for (j = 0; j < p->nmappings; j++) {
            const pf_mapping *m = &p->mappings[j];
            file_ent *e;
            if (m->file[0] && strcmp(base_name(m->file),
                                     base_name(opts->binaries[i])) == 0)
                c.claimed[i] = true;
            if (!m->build_id[0])
                continue;
            if ((err = get_file(&c, &e, opts->binaries[i])) < 0)
                goto done;
            if (e->f && strcasecmp(pf__sym_file_build_id(e->f),
                                   m->build_id) == 0)
                c.claimed[i] = true;
        }
    }
    for (i = 0; i < p->nmappings; i++) {
        size_t start = first[i] - count[i];
        if (count[i] == 0)
            continue;
        rep->nlocations += count[i];
        rep->mappings[i].status = PF_SYM_OK;
        if ((err = symbolize_mapping(&c, (uint32_t)i, refs + start,
                                     count[i])) < 0)
            goto done;
        rep->nresolved += rep->mappings[i].nresolved;
        if (rep->mappings[i].failed)
            rep->nfailed++;
    }
    err = rebuild_lines(&c);
done:
    for (i = 0; i < c.nfiles; i++) {
        pf__sym_file_free(c.files[i].f);
        pf__free(c.files[i].path);
    }
    pf__free(c.files);
    pf__free(c.claimed);
    pf__free(c.nl);
    pf__free(c.plan_off);
    pf__free(c.plan_n);
    pf__free(c.dnames);
    pf__free(c.pathbuf);
    pf__free(c.fn_cache);
    pf__u64map_release(&c.names);
    pf__free(count);
    pf__free(first);
    pf__free(refs);
    pf_symbolize_report_release(&local);
    return err;
}
