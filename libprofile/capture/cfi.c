/*
 * Unwind tables (normal context only): the call frame information of
 * every loaded module (the program, each shared library, the vDSO),
 * compiled into the compact rows unwind_dwarf.c reads in signal
 * handlers, and published as one table set by an atomic pointer swap.
 *
 * Rows come from libdw: every FDE start is found in .eh_frame_hdr's
 * search table (or by walking .debug_frame when a module has no
 * .eh_frame), and dwarf_cfi_addrframe + dwarf_frame_info give the rule
 * and the address range of each row of the FDE's program. Only rules
 * that are arithmetic on %rsp/%rbp are kept; DWARF expressions become
 * PF_CAP_CFI_NONE rows (the handler takes a frame-pointer step there),
 * except the PLT's well-known expression and signal trampolines.
 *
 * The tables live in private mmap memory, not the program's malloc (the
 * malloc wrapper is active); libdw's own temporary allocations are made
 * under in_hook, so they are neither sampled nor counted.
 *
 * When the modules change (dl_iterate_phdr's dlpi_adds/dlpi_subs) a new
 * set is built, reusing the rows of modules still loaded, and the old
 * one is freed once no reader can hold it (the epoch counts in
 * unwind_dwarf.c). dlclose is interposed so that an unloaded module's
 * rows are never read: before the real dlclose the set is withdrawn
 * (stacks use frame pointers meanwhile), after it a new set is
 * published (and the mapping snapshot of unwind.c, which reads code
 * bytes, is refreshed; no code is read meanwhile). Modules that dlopen
 * adds are picked up at the next check: profile start, a thread dump,
 * the poll thread that runs while the CPU profiler does, or the next
 * dlclose.
 */
#include <dlfcn.h>
#include <elfutils/libdw.h>
#include <fcntl.h>
#include <gelf.h>
#include <link.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "capint.h"

#ifndef DW_OP_bregx
#include <dwarf.h>
#endif

/* ------------------------------------------------------------------ */
/* mmap-backed growing arrays */

typedef struct mvec {
    void *p;
    size_t len, cap;        /* bytes */
} mvec;

static int mvec_reserve(mvec *v, size_t more)
{
    size_t need, ncap;
    void *np;

    if (!pf__add_ok(v->len, more, &need))
        return pf__error_oom();
    if (need <= v->cap)
        return PF_OK;
    ncap = v->cap ? v->cap : 4096;
    while (ncap < need)
        ncap *= 2;
    /* not mremap: sanitizers do not see it and keep the shadow state
     * of whatever was mapped at the new address before */
    np = mmap(NULL, ncap, PROT_READ | PROT_WRITE,
              MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (np == MAP_FAILED)
        return pf__error_oom();
    if (v->p) {
        memcpy(np, v->p, v->len);
        munmap(v->p, v->cap);
    }
    v->p = np;
    v->cap = ncap;
    return PF_OK;
}

static void mvec_release(mvec *v)
{
    if (v->p)
        munmap(v->p, v->cap);
    v->p = NULL;
    v->len = v->cap = 0;
}

/* ------------------------------------------------------------------ */
/* Compiling one module */

static bool same_rule(const pf_cap_cfirow *a, const pf_cap_cfirow *b)
{
    return a->kind == b->kind && a->cfa == b->cfa && a->rbp == b->rbp &&
           a->pad == b->pad;
}

/* Append row R; a row at the address of the last one replaces it, a
 * row with the last one's rule extends it. */
static int push_row(mvec *v, const pf_cap_cfirow *r)
{
    pf_cap_cfirow *rows = v->p;
    size_t n = v->len / sizeof(*r);

    if (n && rows[n - 1].lo == r->lo) {
        rows[n - 1] = *r;
        if (n > 1 && same_rule(&rows[n - 2], r))
            v->len -= sizeof(*r);
        return PF_OK;
    }
    if (n && same_rule(&rows[n - 1], r))
        return PF_OK;
    if (mvec_reserve(v, sizeof(*r)) < 0)
        return PF_ENOMEM;
    memcpy((char *)v->p + v->len, r, sizeof(*r));
    v->len += sizeof(*r);
    return PF_OK;
}

static bool breg(const Dwarf_Op *op, int *reg, int64_t *off)
{
    if (op->atom >= DW_OP_breg0 && op->atom <= DW_OP_breg31) {
        *reg = op->atom - DW_OP_breg0;
        *off = (int64_t)op->number;
        return true;
    }
    if (op->atom == DW_OP_bregx) {
        *reg = (int)op->number;
        *off = (int64_t)op->number2;
        return true;
    }
    return false;
}

/* The CFA rule binutils emits for PLT entries: rsp + K, plus 8 once
 * the entry has pushed its argument: (rip & 15) >= T. */
static bool plt_rule(const Dwarf_Op *ops, size_t n, pf_cap_cfirow *r)
{
    int reg;
    int64_t off, ripoff;

    if (n != 9 || !breg(&ops[0], &reg, &off) || reg != 7 ||
        !breg(&ops[1], &reg, &ripoff) || reg != 16 || ripoff != 0 ||
        ops[2].atom != DW_OP_lit15 || ops[3].atom != DW_OP_and ||
        ops[4].atom < DW_OP_lit0 || ops[4].atom > DW_OP_lit15 ||
        ops[5].atom != DW_OP_ge || ops[6].atom != DW_OP_lit3 ||
        ops[7].atom != DW_OP_shl || ops[8].atom != DW_OP_plus ||
        off < 0 || off > 256)
        return false;
    r->kind = PF_CAP_CFI_PLT;
    r->cfa = (int32_t)off;
    r->pad = (uint8_t)(ops[4].atom - DW_OP_lit0);
    return true;
}

/* Where register REGNO is saved: *OFF from the CFA (true), or unchanged
 * (true, *OFF = 0); false for anything else. */
static bool saved_at(Dwarf_Frame *f, int regno, int64_t *off, bool *undef)
{
    Dwarf_Op mem[3], *ops = NULL;
    size_t n = 0;

    *off = 0;
    *undef = false;
    if (dwarf_frame_register(f, regno, mem, &ops, &n) != 0)
        return false;
    if (n == 0) {
        *undef = ops != NULL;
        return true;
    }
    if (ops[0].atom != DW_OP_call_frame_cfa)
        return false;
    if (n == 2 && ops[1].atom == DW_OP_plus_uconst) {
        *off = (int64_t)ops[1].number;
        return *off != 0;
    }
    return false;
}

static void compile_row(Dwarf_Frame *f, bool signal, pf_cap_cfirow *r)
{
    Dwarf_Op *ops = NULL;
    size_t n = 0;
    int reg;
    int64_t off, ra, bp;
    bool undef;

    r->kind = PF_CAP_CFI_NONE;
    r->cfa = 0;
    r->rbp = 0;
    r->pad = 0;
    if (signal) {
        r->kind = PF_CAP_CFI_SIGFRAME;
        return;
    }
    if (!saved_at(f, 16, &ra, &undef))
        return;
    if (undef) {
        r->kind = PF_CAP_CFI_END;
        return;
    }
    if (ra != -8 || dwarf_frame_cfa(f, &ops, &n) != 0 || n == 0)
        return;
    if (n == 1 && breg(&ops[0], &reg, &off) && (reg == 7 || reg == 6) &&
        off >= INT32_MIN && off <= INT32_MAX) {
        r->kind = reg == 7 ? PF_CAP_CFI_RSP : PF_CAP_CFI_RBP;
        r->cfa = (int32_t)off;
    } else if (!plt_rule(ops, n, r)) {
        return;
    }
    if (!saved_at(f, 6, &bp, &undef) || bp < INT16_MIN || bp > INT16_MAX) {
        r->kind = PF_CAP_CFI_NONE;
        return;
    }
    r->rbp = (int16_t)bp;
}

static int cmp_addr(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

/* FDE start addresses from .eh_frame_hdr's binary search table (the
 * encodings every x86-64 linker writes; others are not read). */
static int hdr_starts(Elf_Scn *scn, GElf_Shdr *sh, mvec *out)
{
    Elf_Data *d = elf_getdata(scn, NULL);
    const unsigned char *p;
    size_t eplen, pos;
    uint32_t count;

    if (!d || !d->d_buf || d->d_size < 12)
        return PF_OK;
    p = d->d_buf;
    if (p[0] != 1 || p[2] != 0x03 || p[3] != 0x3b)
        return PF_OK;
    if ((p[1] & 0x0f) == 0x03 || (p[1] & 0x0f) == 0x0b)
        eplen = 4;
    else if ((p[1] & 0x0f) == 0x04 || (p[1] & 0x0f) == 0x0c)
        eplen = 8;
    else
        return PF_OK;
    pos = 4 + eplen;
    memcpy(&count, p + pos, 4);
    pos += 4;
    if (count > (d->d_size - pos) / 8)
        return PF_OK;
    if (mvec_reserve(out, (size_t)count * sizeof(uint64_t)) < 0)
        return PF_ENOMEM;
    for (uint32_t i = 0; i < count; i++) {
        int32_t loc;
        uint64_t a;
        memcpy(&loc, p + pos + 8 * (size_t)i, 4);
        a = sh->sh_addr + (uint64_t)(int64_t)loc;
        memcpy((char *)out->p + out->len, &a, sizeof(a));
        out->len += sizeof(a);
    }
    return PF_OK;
}

/* FDE start addresses of a .debug_frame section (8-byte initial
 * locations: x86-64). */
static int debug_frame_starts(Elf *elf, Elf_Scn *scn, mvec *out)
{
    Elf_Data *d = elf_getdata(scn, NULL);
    const unsigned char *ident = (const unsigned char *)elf_getident(elf,
                                                                     NULL);
    Dwarf_Off off = 0, next;
    Dwarf_CFI_Entry e;

    if (!d || !ident)
        return PF_OK;
    for (;;) {
        int rc = dwarf_next_cfi(ident, d, false, off, &next, &e);
        if (rc > 0 || (rc < 0 && next == (Dwarf_Off)-1) || next <= off)
            break;
        off = next;
        if (rc == 0 && !dwarf_cfi_cie_p(&e) && e.fde.end - e.fde.start >= 8) {
            uint64_t a;
            memcpy(&a, e.fde.start, sizeof(a));
            if (mvec_reserve(out, sizeof(a)) < 0)
                return PF_ENOMEM;
            memcpy((char *)out->p + out->len, &a, sizeof(a));
            out->len += sizeof(a);
        }
    }
    return PF_OK;
}

/* Rows of CFI for the FDEs starting at STARTS (sorted). */
static int compile_rows(Dwarf_CFI *cfi, const uint64_t *starts, size_t ns,
                        mvec *rows)
{
    uint64_t addr = 0;

    for (size_t i = 0; i < ns; i++) {
        pf_cap_cfirow r;
        if (starts[i] < addr)
            continue;           /* inside an FDE already compiled */
        addr = starts[i];
        for (;;) {
            Dwarf_Frame *f = NULL;
            Dwarf_Addr lo = 0, hi = 0;
            bool sig = false;
            if (addr > UINT32_MAX || dwarf_cfi_addrframe(cfi, addr, &f) != 0)
                break;
            if (dwarf_frame_info(f, &lo, &hi, &sig) < 0)
                hi = addr;      /* unknown extent: this FDE ends here */
            compile_row(f, sig, &r);
            free(f);
            r.lo = (uint32_t)addr;
            if (push_row(rows, &r) < 0)
                return PF_ENOMEM;
            if (hi <= addr)
                break;
            addr = hi;
        }
        if (addr <= UINT32_MAX) {
            /* not covered until the next FDE */
            memset(&r, 0, sizeof(r));
            r.lo = (uint32_t)addr;
            if (push_row(rows, &r) < 0)
                return PF_ENOMEM;
        }
    }
    return PF_OK;
}

static Elf_Scn *find_scn(Elf *elf, const char *name, GElf_Shdr *sh)
{
    Elf_Scn *scn = NULL;
    size_t strndx;

    if (elf_getshdrstrndx(elf, &strndx) != 0)
        return NULL;
    while ((scn = elf_nextscn(elf, scn)) != NULL) {
        const char *n;
        if (!gelf_getshdr(scn, sh))
            continue;
        n = elf_strptr(elf, strndx, sh->sh_name);
        if (n && strcmp(n, name) == 0 && sh->sh_type != SHT_NOBITS)
            return scn;
    }
    return NULL;
}

/* The rows of ELF (an empty vector if it has no usable CFI). */
static int module_rows(Elf *elf, mvec *rows)
{
    mvec starts = { 0 };
    Dwarf_CFI *cfi = NULL;
    Dwarf *dw = NULL;
    GElf_Shdr sh;
    Elf_Scn *scn;
    int err = PF_OK;

    if ((scn = find_scn(elf, ".eh_frame_hdr", &sh)) != NULL &&
        (err = hdr_starts(scn, &sh, &starts)) < 0)
        goto done;
    if (starts.len)
        cfi = dwarf_getcfi_elf(elf);
    if (!cfi) {
        starts.len = 0;
        if ((scn = find_scn(elf, ".debug_frame", &sh)) != NULL &&
            (dw = dwarf_begin_elf(elf, DWARF_C_READ, NULL)) != NULL &&
            (err = debug_frame_starts(elf, scn, &starts)) < 0)
            goto done;
        if (dw && starts.len && !(cfi = dwarf_getcfi(dw)))
            starts.len = 0;
    }
    if (!cfi || !starts.len)
        goto done;
    qsort(starts.p, starts.len / sizeof(uint64_t), sizeof(uint64_t),
          cmp_addr);
    err = compile_rows(cfi, starts.p, starts.len / sizeof(uint64_t), rows);
done:
    if (cfi && !dw)
        dwarf_cfi_end(cfi);
    if (dw)
        dwarf_end(dw);
    mvec_release(&starts);
    return err;
}

/* ------------------------------------------------------------------ */
/* Loaded modules and the cache of their tables */

typedef struct modinfo {
    char *name;             /* dlpi_name ("" = the program) */
    uintptr_t bias, lo, hi;
    uintptr_t ehdr;         /* vDSO: its ELF image in memory */
    pf_cap_cfimod *mod;     /* NULL: no usable CFI */
    size_t mapsize;
    bool seen;
} modinfo;

static pf_cap_lock g_lock = PF_CAP_LOCK_INIT;
static modinfo *g_mods;         /* cache, g_lock */
static size_t g_nmods, g_capmods;
static unsigned long long g_adds, g_subs;
static bool g_built;
static pf_cap_cfiset *g_set;    /* what is published, g_lock */
static size_t g_setsize;
static _Atomic int g_closing;   /* dlclose calls in progress */

typedef struct scan {
    modinfo *m;
    size_t n, cap;
    unsigned long long adds, subs;
    int err;
} scan;

static int on_module(struct dl_phdr_info *info, size_t size, void *arg)
{
    scan *s = arg;
    uintptr_t lo = UINTPTR_MAX, hi = 0, ehdr = 0;
    const char *name;
    modinfo *m;
    size_t len;

    (void)size;
    s->adds = info->dlpi_adds;
    s->subs = info->dlpi_subs;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD)
            continue;
        if (ph->p_offset == 0)
            ehdr = info->dlpi_addr + ph->p_vaddr;
        if (!(ph->p_flags & PF_X))
            continue;
        if (info->dlpi_addr + ph->p_vaddr < lo)
            lo = info->dlpi_addr + ph->p_vaddr;
        if (info->dlpi_addr + ph->p_vaddr + ph->p_memsz > hi)
            hi = info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
    }
    if (hi <= lo)
        return 0;
    if (s->n == s->cap) {
        size_t ncap = s->cap ? s->cap * 2 : 32;
        modinfo *nm = pf__realloc(s->m, ncap * sizeof(*nm));
        if (!nm) {
            s->err = PF_ENOMEM;
            return 1;
        }
        s->m = nm;
        s->cap = ncap;
    }
    m = &s->m[s->n];
    memset(m, 0, sizeof(*m));
    name = info->dlpi_name ? info->dlpi_name : "";
    len = strlen(name) + 1;
    if (!(m->name = pf__malloc(len))) {
        s->err = PF_ENOMEM;
        return 1;
    }
    memcpy(m->name, name, len);
    m->bias = info->dlpi_addr;
    m->lo = lo;
    m->hi = hi;
    m->ehdr = ehdr == getauxval(AT_SYSINFO_EHDR) ? ehdr : 0;
    s->n++;
    return 0;
}

static int gen_only(struct dl_phdr_info *info, size_t size, void *arg)
{
    scan *s = arg;

    (void)size;
    s->adds = info->dlpi_adds;
    s->subs = info->dlpi_subs;
    return 1;
}

/* Size of the vDSO's ELF image (headers, segments, section table). */
static size_t image_size(const ElfW(Ehdr) *eh)
{
    const ElfW(Phdr) *ph = (const ElfW(Phdr) *)((const char *)eh +
                                                 eh->e_phoff);
    size_t end = eh->e_shoff + (size_t)eh->e_shnum * eh->e_shentsize;

    for (int i = 0; i < eh->e_phnum; i++)
        if (ph[i].p_type == PT_LOAD && ph[i].p_offset + ph[i].p_filesz > end)
            end = ph[i].p_offset + ph[i].p_filesz;
    return end;
}

/* Compile M's tables into one private mapping (M->mod stays NULL if it
 * has no usable CFI or its file cannot be read: frame pointers there). */
static int build_module(modinfo *m)
{
    const char *path = *m->name ? m->name : "/proc/self/exe";
    mvec rows = { 0 };
    Elf *elf = NULL;
    int fd = -1, err = PF_OK;
    size_t bytes;
    char *mem;

    elf_version(EV_CURRENT);
    if (m->ehdr) {
        elf = elf_memory((char *)m->ehdr,
                         image_size((const ElfW(Ehdr) *)m->ehdr));
    } else {
        if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
            goto done;
        elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
    }
    if (!elf || elf_kind(elf) != ELF_K_ELF)
        goto done;
    if ((err = module_rows(elf, &rows)) < 0 || rows.len == 0)
        goto done;
    bytes = sizeof(pf_cap_cfimod) + rows.len;
    mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) {
        err = pf__error_oom();
        goto done;
    }
    {
        pf_cap_cfimod *mod = (pf_cap_cfimod *)mem;
        memcpy(mem + sizeof(*mod), rows.p, rows.len);
        mod->lo = m->lo;
        mod->hi = m->hi;
        mod->bias = m->bias;
        mod->n = rows.len / sizeof(pf_cap_cfirow);
        mod->rows = (const pf_cap_cfirow *)(mem + sizeof(*mod));
        mprotect(mem, bytes, PROT_READ);
        m->mod = mod;
        m->mapsize = bytes;
    }
done:
    if (elf)
        elf_end(elf);
    if (fd >= 0)
        close(fd);
    mvec_release(&rows);
    return err;
}

static void modinfo_release(modinfo *m)
{
    if (m->mod)
        munmap(m->mod, m->mapsize);
    pf__free(m->name);
    m->mod = NULL;
    m->name = NULL;
}

/* Wait until no reader can still hold a set published before this
 * call's epoch flip. */
static void retire_wait(void)
{
    int e = atomic_fetch_add(&pf__cap_cfi_epoch_sigvar, 1) & 1;
    struct timespec ts = { 0, 50000 };

    while (atomic_load(&pf__cap_cfi_readers_sigvar[e]) != 0)
        nanosleep(&ts, NULL);
}

/* Publish SET (may be NULL) and free the previous one (g_lock held). */
static void publish(pf_cap_cfiset *set, size_t size)
{
    pf_cap_cfiset *old = g_set;
    size_t oldsize = g_setsize;

    atomic_store(&pf__cap_cfi_sigvar, set);
    g_set = set;
    g_setsize = size;
    retire_wait();
    if (old)
        munmap(old, oldsize);
}

static int cmp_mod(const void *a, const void *b)
{
    const pf_cap_cfimod *x = *(const pf_cap_cfimod *const *)a;
    const pf_cap_cfimod *y = *(const pf_cap_cfimod *const *)b;

    return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* Rebuild from the modules loaded now (g_lock held). */
static int rebuild(void)
{
    scan s = { 0 };
    pf_cap_cfiset *set = NULL;
    size_t size, n = 0;
    int err = PF_OK;

    dl_iterate_phdr(on_module, &s);
    if ((err = s.err) < 0) {
        err = pf__error_oom();
        goto done;
    }
    for (size_t i = 0; i < g_nmods; i++)
        g_mods[i].seen = false;
    /* Keep the tables of modules still loaded at the same place;
     * compile the new ones. */
    for (size_t i = 0; i < s.n; i++) {
        modinfo *c = NULL;
        for (size_t j = 0; j < g_nmods && !c; j++)
            if (!g_mods[j].seen && g_mods[j].bias == s.m[i].bias &&
                g_mods[j].lo == s.m[i].lo &&
                strcmp(g_mods[j].name, s.m[i].name) == 0)
                c = &g_mods[j];
        if (c) {
            c->seen = true;
            continue;
        }
        if (g_nmods == g_capmods) {
            size_t ncap = g_capmods ? g_capmods * 2 : 32;
            modinfo *nm = pf__realloc(g_mods, ncap * sizeof(*nm));
            if (!nm) {
                err = pf__error_oom();
                goto done;
            }
            g_mods = nm;
            g_capmods = ncap;
        }
        c = &g_mods[g_nmods++];
        *c = s.m[i];
        s.m[i].name = NULL;
        c->seen = true;
        if ((err = build_module(c)) < 0)
            goto done;
    }
    for (size_t i = 0; i < g_nmods; i++)
        if (g_mods[i].seen && g_mods[i].mod)
            n++;
    size = sizeof(*set) + (n ? n : 1) * sizeof(set->m[0]);
    set = mmap(NULL, size, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (set == MAP_FAILED) {
        set = NULL;
        err = pf__error_oom();
        goto done;
    }
    set->n = 0;
    for (size_t i = 0; i < g_nmods; i++)
        if (g_mods[i].seen && g_mods[i].mod)
            set->m[set->n++] = g_mods[i].mod;
    qsort((void *)set->m, set->n, sizeof(set->m[0]), cmp_mod);
    publish(set, size);
    /* Nothing reads the tables of unloaded modules any more. */
    n = 0;
    for (size_t i = 0; i < g_nmods; i++) {
        if (g_mods[i].seen)
            g_mods[n++] = g_mods[i];
        else
            modinfo_release(&g_mods[i]);
    }
    g_nmods = n;
    g_adds = s.adds;
    g_subs = s.subs;
    g_built = true;
done:
    for (size_t i = 0; i < s.n; i++)
        pf__free(s.m[i].name);
    pf__free(s.m);
    return err;
}

int pf__cap_cfi_refresh(void)
{
    scan s = { 0 };
    int err = PF_OK;

    if (atomic_load(&pf__cap_unwind_method_sigvar) != PF_CAP_UNWIND_DWARF)
        return PF_OK;
    pf__cap_tls_sigvar.in_hook++;
    pf__cap_lock(&g_lock);
    if (atomic_load(&g_closing) == 0) {
        dl_iterate_phdr(gen_only, &s);
        if (!g_built || !g_set || s.adds != g_adds || s.subs != g_subs)
            err = rebuild();
    }
    pf__cap_unlock(&g_lock);
    pf__cap_tls_sigvar.in_hook--;
    return err;
}

/* ------------------------------------------------------------------ */
/* dlclose: the module may go away; its rows must not be read after. */

typedef int (*dlclose_fn)(void *);

PF_API int dlclose(void *handle)
{
    static dlclose_fn real;
    bool active;
    int rc;

    if (!real) {
        real = (dlclose_fn)dlsym(RTLD_NEXT, "dlclose");
        if (!real)
            return -1;
    }
    pf__cap_tls_sigvar.in_hook++;
    atomic_fetch_add(&g_closing, 1);
    /* no code bytes read (unwind.c) until the snapshot is refreshed,
     * not even by a handler already running */
    atomic_fetch_add(&pf__cap_dlclosing_sigvar, 1);
    while (atomic_load(&pf__cap_in_handler_sigvar) != 0) {
        struct timespec ts = { 0, 50000 };
        nanosleep(&ts, NULL);
    }
    pf__cap_lock(&g_lock);
    active = g_built;
    if (g_set)
        publish(NULL, 0);
    pf__cap_unlock(&g_lock);
    pf__cap_tls_sigvar.in_hook--;
    rc = real(handle);
    atomic_fetch_sub(&g_closing, 1);
    /* the snapshot without the unloaded code (and tables without it) */
    if (atomic_load(&pf__cap_ranges_sigvar))
        pf__cap_ranges_refresh();
    else if (active)
        pf__cap_cfi_refresh();
    atomic_fetch_sub(&pf__cap_dlclosing_sigvar, 1);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Poll thread: picks up dlopen'ed modules while the CPU profiler runs */

static pf_cap_lock g_poll_lock = PF_CAP_LOCK_INIT;
static pthread_t g_poll;
static bool g_polling;
static _Atomic int g_poll_stop;

#define POLL_NS 50000000L

static void *poll_main(void *arg)
{
    (void)arg;
    while (!atomic_load(&g_poll_stop)) {
        struct timespec ts = { 0, POLL_NS };
        syscall(SYS_futex, &g_poll_stop, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0);
        if (!atomic_load(&g_poll_stop))
            pf__cap_cfi_refresh();
    }
    return NULL;
}

void pf__cap_cfi_poll_start(void)
{
    if (atomic_load(&pf__cap_unwind_method_sigvar) != PF_CAP_UNWIND_DWARF)
        return;
    pf__cap_lock(&g_poll_lock);
    if (!g_polling) {
        sigset_t old;
        atomic_store(&g_poll_stop, 0);
        pf__cap_block_async_signals(&old);     /* inherited by the thread */
        pf__cap_tls_sigvar.in_hook++;   /* a quiet thread of the library */
        g_polling = pthread_create(&g_poll, NULL, poll_main, NULL) == 0;
        pf__cap_tls_sigvar.in_hook--;
        pthread_sigmask(SIG_SETMASK, &old, NULL);
    }
    pf__cap_unlock(&g_poll_lock);
}

void pf__cap_cfi_poll_stop(void)
{
    pf__cap_lock(&g_poll_lock);
    if (g_polling) {
        atomic_store(&g_poll_stop, 1);
        syscall(SYS_futex, &g_poll_stop, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
        pthread_join(g_poll, NULL);
        g_polling = false;
    }
    pf__cap_unlock(&g_poll_lock);
}

/* Forked child: the threads that held counts, locks or the poll thread
 * are gone. The published set is whole (one pointer store). */
void pf__cap_cfi_fork_child(void)
{
    pf__cap_lock_reset(&g_lock);
    pf__cap_lock_reset(&g_poll_lock);
    atomic_store(&pf__cap_dlclosing_sigvar, 0);
    atomic_store(&pf__cap_cfi_readers_sigvar[0], 0);
    atomic_store(&pf__cap_cfi_readers_sigvar[1], 0);
    atomic_store(&g_closing, 0);
    g_polling = false;
}

/* ------------------------------------------------------------------ */
/* The switch */

int pf_capture_set_unwind(pf_capture_unwind_method m)
{
    if (m != PF_CAPTURE_UNWIND_DWARF && m != PF_CAPTURE_UNWIND_FP)
        return pf__error_set(PF_EINVAL, "unknown unwind method %d", (int)m);
    atomic_store(&pf__cap_unwind_method_sigvar,
                 m == PF_CAPTURE_UNWIND_FP ? PF_CAP_UNWIND_FP
                                           : PF_CAP_UNWIND_DWARF);
    return pf__cap_cfi_refresh();
}

pf_capture_unwind_method pf_capture_unwind(void)
{
    return atomic_load(&pf__cap_unwind_method_sigvar) == PF_CAP_UNWIND_FP
               ? PF_CAPTURE_UNWIND_FP
               : PF_CAPTURE_UNWIND_DWARF;
}

int pf_capture_unwind_parse(pf_capture_unwind_method *out, const char *s)
{
    if (s && strcmp(s, "fp") == 0)
        *out = PF_CAPTURE_UNWIND_FP;
    else if (s && strcmp(s, "dwarf") == 0)
        *out = PF_CAPTURE_UNWIND_DWARF;
    else
        return pf__error_set(PF_EINVAL, "unknown unwind method '%s' "
                             "(want fp or dwarf)", s ? s : "(null)");
    return PF_OK;
}

/* Table cost, for the benchmark: rows and bytes of the published set. */
void pf_capture_unwind_stats(size_t *modules, size_t *rows, size_t *bytes)
{
    size_t nm = 0, nr = 0, nb = 0;

    pf__cap_lock(&g_lock);
    for (size_t i = 0; i < g_nmods; i++)
        if (g_mods[i].mod) {
            nm++;
            nr += g_mods[i].mod->n;
            nb += g_mods[i].mapsize;
        }
    nb += g_setsize;
    pf__cap_unlock(&g_lock);
    *modules = nm;
    *rows = nr;
    *bytes = nb;
}
