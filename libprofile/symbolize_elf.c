/*
 * One ELF file opened for symbolization.
 *
 * libdwfl finds the pieces (the ELF, a separate debug file by build id
 * or .gnu_debuglink, the best symbol table); the lookups are our own.
 * libdw's per-address scope walk (dwarf_getscopes) costs milliseconds
 * per address on big compile units, and naive CU lookup needs
 * .debug_aranges, which clang -O2 and Go do not emit. So:
 *
 *  - the compile units are listed once with their address ranges (the
 *    CU DIE's DW_AT_ranges/low_pc/high_pc) into a flattened interval
 *    table: address -> CU;
 *  - a CU is indexed the first time an address falls in it: one walk of
 *    its DIE tree collects every subprogram and inlined_subroutine with
 *    its ranges, flattened so that each address maps to its innermost
 *    (deepest inlined) node; nodes point to their parents;
 *  - an address is then two binary searches plus the line table lookup
 *    (dwarf_getsrc_die, itself a binary search), and its inline chain is
 *    the walk up the parent pointers, taking each inlined node's
 *    DW_AT_call_file/line/column as its caller's position.
 *
 * Names are looked up lazily (only for nodes that answer an address).
 * Without DWARF, or for addresses no DWARF function covers, the ELF
 * symbol table (sorted once) gives the function name.
 */
#include "symbolize_int.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct sym_node {
    Dwarf_Off off;          /* DIE offset of the subprogram / inline */
    uint32_t parent;        /* enclosing node, PF_NONE for a function */
    uint32_t cu;
    int64_t call_line, call_col;
    Dwarf_Word call_file;
    bool has_call_file;
    bool named;
    bool sym_checked;       /* linkage name looked up in the symtab */
    const char *name, *plain;
    int64_t decl_line;
} sym_node;

typedef struct sym_cu {
    Dwarf_Die die;
    bool indexed;
    bool files_loaded;
    Dwarf_Files *files;
    size_t nfiles;
    pf_sym_span *spans;
    size_t nspans, spans_cap;
} sym_cu;

typedef struct sym_entry {
    uint64_t addr, size;
    const char *name;
    int rank;
} sym_entry;

struct pf_sym_file {
    Dwfl_Callbacks cb;
    char *debuginfo_path;
    Dwfl *dwfl;
    Dwfl_Module *mod;
    Elf *elf;
    Dwarf *dw;
    GElf_Addr elf_bias;
    bool is_exec;
    pf_sym_seg *segs;
    size_t nsegs;
    char build_id[2 * 64 + 1];
    char *debug_path;

    bool syms_loaded;
    sym_entry *syms;
    size_t nsyms;

    bool cus_loaded;
    sym_cu *cus;
    size_t ncus, cus_cap;
    pf_sym_span *cuspans;
    size_t ncuspans, cuspans_cap;

    sym_node *nodes;
    size_t nnodes, nodes_cap;
    pf_sym_range *ranges;   /* scratch while indexing a CU */
    size_t nranges, ranges_cap;

    pf_sym_frame *frames;
    size_t frames_cap;
};

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = pf__malloc(n);

    if (d)
        memcpy(d, s, n);
    return d;
}

void pf__sym_file_free(pf_sym_file *f)
{
    size_t i;

    if (!f)
        return;
    if (f->dwfl)
        dwfl_end(f->dwfl);
    for (i = 0; i < f->ncus; i++)
        pf__free(f->cus[i].spans);
    pf__free(f->cus);
    pf__free(f->cuspans);
    pf__free(f->nodes);
    pf__free(f->ranges);
    pf__free(f->syms);
    pf__free(f->frames);
    pf__free(f->segs);
    pf__free(f->debug_path);
    pf__free(f->debuginfo_path);
    pf__free(f);
}

static int fail(pf_sym_status *why, pf_sym_status st, char *detail,
                size_t dlen, const char *fmt, const char *arg)
{
    *why = st;
    snprintf(detail, dlen, fmt, arg);
    return pf__error_set(PF_ENOTFOUND, fmt, arg);
}

/* The end of the furthest thing the ELF headers place in the file: the
 * program and section header tables and the loaded segments' bytes. */
static int check_size(Elf *elf, const GElf_Ehdr *eh, size_t phnum,
                      uint64_t size, pf_sym_status *why, char *detail,
                      size_t dlen)
{
    uint64_t end = 0, e;
    const char *what = NULL;
    size_t shnum = 0, i;
    char msg[160];

    if (eh->e_phoff && phnum &&
        (e = eh->e_phoff + (uint64_t)phnum * eh->e_phentsize) > end) {
        end = e;
        what = "program headers";
    }
    if (eh->e_shoff && elf_getshdrnum(elf, &shnum) == 0 &&
        (e = eh->e_shoff + (uint64_t)shnum * eh->e_shentsize) > end) {
        end = e;
        what = "section headers";
    }
    for (i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
            continue;
        if ((e = ph.p_offset + ph.p_filesz) > end) {
            end = e;
            what = "a loaded segment";
        }
    }
    if (end <= size)
        return PF_OK;
    snprintf(msg, sizeof(msg),
             "truncated: %s end at byte %llu, the file has %llu bytes", what,
             (unsigned long long)end, (unsigned long long)size);
    return fail(why, PF_SYM_BAD_ELF, detail, dlen, "%s", msg);
}

int pf__sym_file_open(pf_sym_file **out, const char *path,
                      const char *debug_dir, pf_sym_status *why,
                      char *detail, size_t dlen)
{
    pf_sym_file *f = NULL;
    unsigned char magic[4];
    struct stat st;
    GElf_Ehdr ehdr;
    const unsigned char *bits = NULL;
    GElf_Addr bid_vaddr;
    Dwarf_Addr dwbias;
    const char *mainfile = NULL, *debugfile = NULL;
    size_t phnum = 0, i;
    int fd, nbits, err = PF_OK;
    ssize_t r;

    *out = NULL;
    *why = PF_SYM_OK;
    detail[0] = '\0';
    /* O_NONBLOCK: opening a FIFO for reading would wait for a writer
     * forever. Only regular files are read. */
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        int e = errno;
        return fail(why, e == ENOENT || e == ENOTDIR ? PF_SYM_MISSING
                                                      : PF_SYM_BAD_ELF,
                    detail, dlen, "%s", strerror(e));
    }
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return fail(why, PF_SYM_BAD_ELF, detail, dlen, "%s", strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return fail(why, PF_SYM_NOT_ELF, detail, dlen, "%s",
                    S_ISDIR(st.st_mode) ? "is a directory"
                                        : "not a regular file");
    }
    r = pread(fd, magic, sizeof(magic), 0);
    close(fd);
    if (r != (ssize_t)sizeof(magic) || memcmp(magic, ELFMAG, SELFMAG) != 0)
        return fail(why, PF_SYM_NOT_ELF, detail, dlen, "%s",
                    "not an ELF file");

    f = pf__calloc(1, sizeof(*f));
    if (!f)
        return pf__error_oom();
    if (debug_dir) {
        size_t n = strlen(debug_dir) + 16;
        f->debuginfo_path = pf__malloc(n);
        if (!f->debuginfo_path) {
            err = pf__error_oom();
            goto done;
        }
        snprintf(f->debuginfo_path, n, "%s%s", debug_dir[0] ? ":.debug:"
                                                            : ":.debug",
                 debug_dir);
    }
    f->cb.find_elf = dwfl_build_id_find_elf;
    f->cb.find_debuginfo = dwfl_standard_find_debuginfo;
    f->cb.section_address = dwfl_offline_section_address;
    f->cb.debuginfo_path = f->debuginfo_path ? &f->debuginfo_path : NULL;
    f->dwfl = dwfl_begin(&f->cb);
    if (!f->dwfl) {
        err = fail(why, PF_SYM_BAD_ELF, detail, dlen, "%s", dwfl_errmsg(-1));
        goto done;
    }
    dwfl_report_begin(f->dwfl);
    f->mod = dwfl_report_offline(f->dwfl, "", path, -1);
    dwfl_report_end(f->dwfl, NULL, NULL);
    if (!f->mod) {
        err = fail(why, PF_SYM_BAD_ELF, detail, dlen, "%s", dwfl_errmsg(-1));
        goto done;
    }
    f->elf = dwfl_module_getelf(f->mod, &f->elf_bias);
    if (!f->elf || !gelf_getehdr(f->elf, &ehdr)) {
        err = fail(why, PF_SYM_BAD_ELF, detail, dlen, "%s", dwfl_errmsg(-1));
        goto done;
    }
    if (ehdr.e_type != ET_EXEC && ehdr.e_type != ET_DYN) {
        err = fail(why, PF_SYM_BAD_ELF, detail, dlen, "%s",
                   "not an executable or shared object");
        goto done;
    }
    f->is_exec = ehdr.e_type == ET_EXEC;
    if (elf_getphdrnum(f->elf, &phnum) != 0)
        phnum = 0;
    /* libelf reads a file cut short after its headers without a word
     * (its sections are just missing), which would then look stripped:
     * check that what the headers describe is in the file. */
    if ((err = check_size(f->elf, &ehdr, phnum, (uint64_t)st.st_size, why,
                          detail, dlen)) < 0)
        goto done;
    f->segs = pf__calloc(phnum ? phnum : 1, sizeof(*f->segs));
    if (!f->segs) {
        err = pf__error_oom();
        goto done;
    }
    for (i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(f->elf, (int)i, &ph) || ph.p_type != PT_LOAD)
            continue;
        f->segs[f->nsegs].vaddr = ph.p_vaddr;
        f->segs[f->nsegs].memsz = ph.p_memsz;
        f->segs[f->nsegs].off = ph.p_offset;
        f->segs[f->nsegs].filesz = ph.p_filesz;
        f->segs[f->nsegs].exec = (ph.p_flags & PF_X) != 0;
        f->nsegs++;
    }
    nbits = dwfl_module_build_id(f->mod, &bits, &bid_vaddr);
    if (nbits > 0 && nbits <= 64) {
        for (i = 0; i < (size_t)nbits; i++)
            snprintf(f->build_id + 2 * i, 3, "%02x", bits[i]);
    }
    f->dw = dwfl_module_getdwarf(f->mod, &dwbias);
    dwfl_module_info(f->mod, NULL, NULL, NULL, NULL, NULL, &mainfile,
                     &debugfile);
    if (f->dw && debugfile && (!mainfile || strcmp(debugfile, mainfile))) {
        f->debug_path = dup_str(debugfile);
        if (!f->debug_path) {
            err = pf__error_oom();
            goto done;
        }
    }
    *out = f;
    f = NULL;
done:
    pf__sym_file_free(f);
    return err;
}

const char *pf__sym_file_build_id(const pf_sym_file *f) { return f->build_id; }
const char *pf__sym_file_debug_path(const pf_sym_file *f) { return f->debug_path; }
bool pf__sym_file_has_dwarf(const pf_sym_file *f) { return f->dw != NULL; }

int pf__sym_file_elf_addr(const pf_sym_file *f, uint64_t *out,
                          uint64_t start, uint64_t limit, uint64_t offset,
                          uint64_t addr)
{
    return pf__sym_elf_addr(out, f->segs, f->nsegs, f->is_exec, start, limit,
                            offset, addr);
}

/* ------------------------------------------------------------------ */
/* Symbol table                                                        */

static int sym_cmp(const void *a, const void *b)
{
    const sym_entry *x = a, *y = b;

    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    if (x->rank != y->rank)
        return x->rank - y->rank;
    if (x->size != y->size)
        return x->size > y->size ? -1 : 1;
    return strcmp(x->name, y->name);
}

static int load_syms(pf_sym_file *f)
{
    size_t cap = 0, n = 0, i, j;
    int nsym, k;

    pf__free(f->syms);
    f->syms = NULL;
    f->nsyms = 0;

    nsym = dwfl_module_getsymtab(f->mod);
    for (k = 1; k < nsym; k++) {
        GElf_Sym sym;
        GElf_Addr addr;
        GElf_Word shndx;
        const char *name = dwfl_module_getsym_info(f->mod, k, &sym, &addr,
                                                   &shndx, NULL, NULL);
        int type, bind;
        if (!name || !name[0] || sym.st_shndx == SHN_UNDEF)
            continue;
        type = GELF_ST_TYPE(sym.st_info);
        if (type != STT_FUNC && type != STT_GNU_IFUNC)
            continue;
        PF_TRY(PF_VEC_RESERVE(f->syms, cap, n + 1));
        bind = GELF_ST_BIND(sym.st_info);
        f->syms[n].addr = addr - f->elf_bias;
        f->syms[n].size = sym.st_size;
        f->syms[n].name = name;
        f->syms[n].rank = bind == STB_GLOBAL ? 0 : bind == STB_WEAK ? 1 : 2;
        n++;
    }
    if (n)
        qsort(f->syms, n, sizeof(*f->syms), sym_cmp);
    /* One symbol per address: the best ranked. */
    for (i = j = 0; i < n; i++)
        if (j == 0 || f->syms[j - 1].addr != f->syms[i].addr)
            f->syms[j++] = f->syms[i];
    f->nsyms = j;
    f->syms_loaded = true;
    return PF_OK;
}

int pf__sym_file_has_symtab(pf_sym_file *f, bool *out)
{
    *out = false;
    if (!f->syms_loaded)
        PF_TRY(load_syms(f));
    *out = f->nsyms > 0;
    return PF_OK;
}

/* The symbol holding A. With LOOSE, an address past the end of the
 * preceding symbol (alignment padding inside compiled code) still gets
 * it, as addr2line does. */
static const sym_entry *sym_find(const pf_sym_file *f, uint64_t a,
                                 bool loose)
{
    size_t lo = 0, hi = f->nsyms;
    const sym_entry *s;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (f->syms[mid].addr <= a)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NULL;
    s = &f->syms[lo - 1];
    if (s->size ? a - s->addr < s->size || loose : lo < f->nsyms)
        return s;
    return NULL;
}

/* ------------------------------------------------------------------ */
/* DWARF index                                                         */

static int add_ranges(pf_sym_file *f, Dwarf_Die *die, uint32_t node,
                      uint32_t depth, bool *any)
{
    Dwarf_Addr base, lo, hi;
    ptrdiff_t o = 0;

    *any = false;
    while ((o = dwarf_ranges(die, o, &base, &lo, &hi)) > 0) {
        if (lo >= hi)
            continue;
        PF_TRY(PF_VEC_RESERVE(f->ranges, f->ranges_cap, f->nranges + 1));
        f->ranges[f->nranges].lo = lo;
        f->ranges[f->nranges].hi = hi;
        f->ranges[f->nranges].node = node;
        f->ranges[f->nranges].depth = depth;
        f->nranges++;
        *any = true;
    }
    return PF_OK;
}

static int call_cb(Dwarf_Attribute *a, void *arg)
{
    sym_node *n = arg;
    Dwarf_Word w;

    switch (dwarf_whatattr(a)) {
    case DW_AT_call_line:
        if (dwarf_formudata(a, &w) == 0)
            n->call_line = (int64_t)w;
        break;
    case DW_AT_call_column:
        if (dwarf_formudata(a, &w) == 0)
            n->call_col = (int64_t)w;
        break;
    case DW_AT_call_file:
        if (dwarf_formudata(a, &w) == 0) {
            n->call_file = w;
            n->has_call_file = true;
        }
        break;
    default:
        break;
    }
    return DWARF_CB_OK;
}

static int new_node(pf_sym_file *f, uint32_t *out, Dwarf_Die *die,
                    uint32_t parent, uint32_t cu, bool inl)
{
    sym_node *n;

    if (f->nnodes >= PF_NONE - 1)
        return pf__error_set(PF_ETOOBIG, "too many DWARF functions");
    PF_TRY(PF_VEC_RESERVE(f->nodes, f->nodes_cap, f->nnodes + 1));
    n = &f->nodes[f->nnodes];
    memset(n, 0, sizeof(*n));
    n->off = dwarf_dieoffset(die);
    n->parent = parent;
    n->cu = cu;
    if (inl)
        dwarf_getattrs(die, call_cb, n, 0);
    *out = (uint32_t)f->nnodes++;
    return PF_OK;
}

typedef struct walk_frame {
    Dwarf_Die die;
    uint32_t parent;        /* innermost enclosing node */
    uint32_t depth;
} walk_frame;

/* One walk over the DIE tree of CU, collecting function and inline
 * ranges into f->ranges, then flattened into the CU's spans. */
static int index_cu(pf_sym_file *f, uint32_t cuidx)
{
    sym_cu *cu = &f->cus[cuidx];
    walk_frame *stack = NULL;
    size_t top = 0, cap = 0;
    Dwarf_Die child;
    int err = PF_OK;

    cu->indexed = true;
    f->nranges = 0;
    if (dwarf_child(&cu->die, &child) != 0)
        return PF_OK;
    if ((err = PF_VEC_RESERVE(stack, cap, 1)) < 0)
        goto done;
    stack[0].die = child;
    stack[0].parent = PF_NONE;
    stack[0].depth = 0;
    top = 1;
    while (top) {
        walk_frame cur = stack[top - 1];
        Dwarf_Die sib, kid;
        uint32_t kparent = cur.parent, kdepth = cur.depth;
        bool descend = false, any = false;
        int tag = dwarf_tag(&cur.die);

        switch (tag) {
        case DW_TAG_subprogram:
        case DW_TAG_inlined_subroutine: {
            bool inl = tag == DW_TAG_inlined_subroutine &&
                       cur.parent != PF_NONE;
            uint32_t id = (uint32_t)f->nnodes;
            size_t mark = f->nranges;
            if ((err = add_ranges(f, &cur.die, id, cur.depth, &any)) < 0)
                goto done;
            if (any) {
                if ((err = new_node(f, &id, &cur.die,
                                    inl ? cur.parent : PF_NONE, cuidx,
                                    inl)) < 0)
                    goto done;
                kparent = id;
                kdepth = cur.depth + 1;
            } else {
                f->nranges = mark;
            }
            descend = true;
            break;
        }
        case DW_TAG_lexical_block:
        case DW_TAG_namespace:
        case DW_TAG_module:
        case DW_TAG_try_block:
        case DW_TAG_catch_block:
            descend = true;
            break;
        default:
            break;
        }
        /* Replace this frame by its sibling, then push its children. */
        if (dwarf_siblingof(&cur.die, &sib) == 0)
            stack[top - 1].die = sib;
        else
            top--;
        if (descend && dwarf_haschildren(&cur.die) > 0 &&
            dwarf_child(&cur.die, &kid) == 0) {
            if ((err = PF_VEC_RESERVE(stack, cap, top + 1)) < 0)
                goto done;
            stack[top].die = kid;
            stack[top].parent = kparent;
            stack[top].depth = kdepth;
            top++;
        }
    }
    err = pf__sym_flatten(f->ranges, f->nranges, &cu->spans, &cu->nspans,
                          &cu->spans_cap);
done:
    pf__free(stack);
    return err;
}

static int load_cus(pf_sym_file *f)
{
    Dwarf_CU *cu = NULL;
    Dwarf_Half version;
    uint8_t unit_type;
    Dwarf_Die cudie, subdie;
    pf_sym_range *cur = NULL;
    size_t ncur = 0, curcap = 0, i;
    int err = PF_OK;

    f->cus_loaded = true;
    while (dwarf_get_units(f->dw, cu, &cu, &version, &unit_type, &cudie,
                           &subdie) == 0) {
        Dwarf_Addr base, lo, hi;
        ptrdiff_t o = 0;
        uint32_t idx;
        bool any = false;

        if (unit_type == DW_UT_type || unit_type == DW_UT_split_type)
            continue;
        if (unit_type == DW_UT_skeleton && dwarf_tag(&subdie) ==
                                               DW_TAG_compile_unit)
            cudie = subdie;
        if (f->ncus >= PF_NONE - 1)
            break;
        if ((err = PF_VEC_RESERVE(f->cus, f->cus_cap, f->ncus + 1)) < 0)
            goto done;
        idx = (uint32_t)f->ncus++;
        memset(&f->cus[idx], 0, sizeof(f->cus[idx]));
        f->cus[idx].die = cudie;
        while ((o = dwarf_ranges(&cudie, o, &base, &lo, &hi)) > 0) {
            if (lo >= hi)
                continue;
            if ((err = PF_VEC_RESERVE(cur, curcap, ncur + 1)) < 0)
                goto done;
            cur[ncur].lo = lo;
            cur[ncur].hi = hi;
            cur[ncur].node = idx;
            cur[ncur].depth = 0;
            ncur++;
            any = true;
        }
        if (!any) {
            /* No range on the CU DIE: learn it from its functions. */
            if ((err = index_cu(f, idx)) < 0)
                goto done;
            for (i = 0; i < f->cus[idx].nspans; i++) {
                if ((err = PF_VEC_RESERVE(cur, curcap, ncur + 1)) < 0)
                    goto done;
                cur[ncur].lo = f->cus[idx].spans[i].lo;
                cur[ncur].hi = f->cus[idx].spans[i].hi;
                cur[ncur].node = idx;
                cur[ncur].depth = 0;
                ncur++;
            }
        }
    }
    err = pf__sym_flatten(cur, ncur, &f->cuspans, &f->ncuspans,
                          &f->cuspans_cap);
done:
    pf__free(cur);
    return err;
}

/* ------------------------------------------------------------------ */
/* Resolution                                                          */

/* Names and decl_line of a DIE, following DW_AT_abstract_origin and
 * DW_AT_specification like dwarf_attr_integrate, but in one attribute
 * pass per DIE of the chain instead of one chain walk per attribute. */
typedef struct name_acc {
    const char *link, *name;
    int64_t decl_line;
    bool has_decl, has_next;
    Dwarf_Attribute next;
} name_acc;

static int name_cb(Dwarf_Attribute *a, void *arg)
{
    name_acc *n = arg;
    Dwarf_Word w;

    switch (dwarf_whatattr(a)) {
    case DW_AT_linkage_name:
    case DW_AT_MIPS_linkage_name:
        if (!n->link)
            n->link = dwarf_formstring(a);
        break;
    case DW_AT_name:
        if (!n->name)
            n->name = dwarf_formstring(a);
        break;
    case DW_AT_decl_line:
        if (!n->has_decl && dwarf_formudata(a, &w) == 0) {
            n->decl_line = (int64_t)w;
            n->has_decl = true;
        }
        break;
    case DW_AT_abstract_origin:
        n->next = *a;
        n->has_next = true;
        break;
    case DW_AT_specification:
        if (!n->has_next) {
            n->next = *a;
            n->has_next = true;
        }
        break;
    default:
        break;
    }
    return DWARF_CB_OK;
}

static void die_names(Dwarf_Die *die, name_acc *n)
{
    Dwarf_Die cur = *die, nx;
    int hops;

    memset(n, 0, sizeof(*n));
    for (hops = 0; hops < 8; hops++) {
        n->has_next = false;
        if (dwarf_getattrs(&cur, name_cb, n, 0) < 0)
            break;
        if ((n->link && n->name && n->has_decl) || !n->has_next ||
            !dwarf_formref_die(&n->next, &nx))
            break;
        cur = nx;
    }
}

static void node_names(pf_sym_file *f, sym_node *n)
{
    Dwarf_Die die;
    name_acc acc;

    n->named = true;
    n->name = n->plain = "";
    if (!dwarf_offdie(f->dw, n->off, &die))
        return;
    die_names(&die, &acc);
    n->plain = acc.name ? acc.name : acc.link ? acc.link : "";
    n->name = acc.link ? acc.link : n->plain;
    n->decl_line = acc.decl_line;
}

static const char *cu_file(sym_cu *cu, Dwarf_Word idx)
{
    const char *s;

    if (!cu->files_loaded) {
        cu->files_loaded = true;
        if (dwarf_getsrcfiles(&cu->die, &cu->files, &cu->nfiles) != 0)
            cu->files = NULL;
    }
    if (!cu->files || idx >= cu->nfiles)
        return "";
    s = dwarf_filesrc(cu->files, idx, NULL, NULL);
    return s ? s : "";
}

static int push_frame(pf_sym_file *f, size_t *n, const pf_sym_frame *fr)
{
    PF_TRY(PF_VEC_RESERVE(f->frames, f->frames_cap, *n + 1));
    f->frames[(*n)++] = *fr;
    return PF_OK;
}

/* C++ functions with internal linkage (anonymous namespaces, static)
 * have no DW_AT_linkage_name in gcc's DWARF, only the bare DW_AT_name,
 * while their symbol is mangled with the full qualification. For the
 * physical function of a C++ unit, take the symbol holding the address
 * when its mangled name encodes that bare name ("<len><name>"). */
static int linkage_from_symtab(pf_sym_file *f, sym_node *nd, sym_cu *cu,
                               uint64_t a)
{
    const sym_entry *s;
    char enc[32];
    size_t len;
    int lang;

    nd->sym_checked = true;
    if (nd->name != nd->plain || !nd->plain[0] ||
        strncmp(nd->plain, "_Z", 2) == 0)
        return PF_OK;
    lang = dwarf_srclang(&cu->die);
    if (lang != DW_LANG_C_plus_plus && lang != DW_LANG_C_plus_plus_03 &&
        lang != DW_LANG_C_plus_plus_11 && lang != DW_LANG_C_plus_plus_14)
        return PF_OK;
    if (!f->syms_loaded)
        PF_TRY(load_syms(f));
    s = sym_find(f, a, false);
    len = strlen(nd->plain);
    if (!s || strncmp(s->name, "_Z", 2) != 0 || len > 16)
        return PF_OK;
    snprintf(enc, sizeof(enc), "%zu%s", len, nd->plain);
    if (strstr(s->name, enc))
        nd->name = s->name;
    return PF_OK;
}

int pf__sym_file_func_start(pf_sym_file *f, uint64_t a, uint64_t *out,
                            bool *found)
{
    const sym_entry *s;

    *out = 0;
    *found = false;
    if (!f->syms_loaded)
        PF_TRY(load_syms(f));
    if ((s = sym_find(f, a, false)) != NULL) {
        *out = s->addr;
        *found = true;
    }
    return PF_OK;
}

int pf__sym_file_resolve(pf_sym_file *f, uint64_t a,
                         const pf_sym_frame **frames, size_t *n,
                         bool *from_dwarf)
{
    const pf_sym_span *sp;
    sym_cu *cu = NULL;
    uint32_t node = PF_NONE;
    pf_sym_frame fr;
    const char *lfile = "";
    int64_t lline = 0, lcol = 0;

    *frames = NULL;
    *n = 0;
    *from_dwarf = false;
    if (f->dw) {
        if (!f->cus_loaded)
            PF_TRY(load_cus(f));
        sp = pf__sym_span_find(f->cuspans, f->ncuspans, a);
        if (sp) {
            cu = &f->cus[sp->node];
            if (!cu->indexed)
                PF_TRY(index_cu(f, sp->node));
            sp = pf__sym_span_find(cu->spans, cu->nspans, a);
            if (sp)
                node = sp->node;
        }
    }
    if (cu) {
        Dwarf_Line *l = dwarf_getsrc_die(&cu->die, a);
        if (l) {
            int ln = 0, col = 0;
            const char *s = dwarf_linesrc(l, NULL, NULL);
            if (s)
                lfile = s;
            if (dwarf_lineno(l, &ln) == 0)
                lline = ln;
            if (dwarf_linecol(l, &col) == 0)
                lcol = col;
        }
    }
    if (node == PF_NONE) {
        const sym_entry *s;
        if (!f->syms_loaded)
            PF_TRY(load_syms(f));
        /* Inside a compile unit's code, padding after a function is
         * still attributed to it. */
        s = sym_find(f, a, cu != NULL);
        if (!s)
            return PF_OK;
        if (cu && !lfile[0]) {
            /* No line row (crt objects): the unit's name, as addr2line. */
            const char *nm = dwarf_diename(&cu->die);
            if (nm)
                lfile = nm;
        }
        fr.name = fr.plain = s->name;
        fr.file = lfile;
        fr.line = lline;
        fr.column = lcol;
        fr.decl_line = 0;
        PF_TRY(push_frame(f, n, &fr));
        *frames = f->frames;
        return PF_OK;
    }
    *from_dwarf = true;
    fr.file = lfile;
    fr.line = lline;
    fr.column = lcol;
    for (;;) {
        sym_node *nd = &f->nodes[node];
        if (!nd->named)
            node_names(f, nd);
        if (nd->parent == PF_NONE && !nd->sym_checked)
            PF_TRY(linkage_from_symtab(f, nd, cu, a));
        fr.name = nd->name;
        fr.plain = nd->plain;
        fr.decl_line = nd->decl_line;
        PF_TRY(push_frame(f, n, &fr));
        if (nd->parent == PF_NONE || *n > 4096)
            break;
        /* The caller's position is this inline's call site. */
        fr.file = nd->has_call_file ? cu_file(&f->cus[nd->cu], nd->call_file)
                                    : "";
        fr.line = nd->call_line;
        fr.column = nd->call_col;
        node = nd->parent;
    }
    *frames = f->frames;
    return PF_OK;
}
