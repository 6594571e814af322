/*
 * Turning raw stacks into a pf_profile: mappings of the running process
 * (executable lines of /proc/self/maps, as the Go writer does, with the
 * GNU build id read from each file's PT_NOTE segments), one location
 * per distinct address, string labels from label sets.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "capint.h"
#include "symbolize_int.h"

/* ------------------------------------------------------------------ */
/* GNU build id of an ELF file */

static bool read_at(int fd, void *buf, size_t len, off_t off)
{
    ssize_t k = pread(fd, buf, len, off);
    return k == (ssize_t)len;
}

static bool note_build_id(const unsigned char *n, size_t len, char *buf,
                          size_t size)
{
    size_t off = 0;

    while (off + 12 <= len) {
        uint32_t namesz, descsz, type;
        memcpy(&namesz, n + off, 4);
        memcpy(&descsz, n + off + 4, 4);
        memcpy(&type, n + off + 8, 4);
        size_t name_off = off + 12;
        size_t desc_off = name_off + ((namesz + 3) & ~3u);
        size_t next = desc_off + ((descsz + 3) & ~3u);
        if (next > len || next <= off)
            return false;
        if (type == NT_GNU_BUILD_ID && namesz == 4 &&
            memcmp(n + name_off, "GNU", 4) == 0 && descsz * 2 + 1 <= size) {
            for (uint32_t i = 0; i < descsz; i++)
                snprintf(buf + 2 * i, 3, "%02x", n[desc_off + i]);
            return true;
        }
        off = next;
    }
    return false;
}

void pf__cap_build_id(const char *path, char *buf, size_t size)
{
    Elf64_Ehdr eh;
    unsigned char *note = NULL;
    int fd;

    buf[0] = 0;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    if (!read_at(fd, &eh, sizeof(eh), 0) ||
        memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
        eh.e_ident[EI_CLASS] != ELFCLASS64 ||
        eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum > 256)
        goto done;
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        if (!read_at(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * sizeof(ph))))
            break;
        if (ph.p_type != PT_NOTE || ph.p_filesz == 0 || ph.p_filesz > 65536)
            continue;
        note = pf__malloc(ph.p_filesz);
        if (!note)
            break;
        if (read_at(fd, note, ph.p_filesz, (off_t)ph.p_offset) &&
            note_build_id(note, ph.p_filesz, buf, size))
            break;
        pf__free(note);
        note = NULL;
    }
done:
    pf__free(note);
    close(fd);
}

/* ------------------------------------------------------------------ */
/* Mappings */

static int read_maps(char **out)
{
    size_t len = 0, cap = 1 << 16;
    char *buf = pf__malloc(cap);
    int fd;

    *out = NULL;
    if (!buf)
        return pf__error_oom();
    fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        pf__free(buf);
        return pf__error_set(PF_EIO, "cannot open '/proc/self/maps': %s",
                             strerror(errno));
    }
    for (;;) {
        ssize_t k;
        if (len + 1 >= cap) {
            char *nb = pf__realloc(buf, cap * 2);
            if (!nb) {
                close(fd);
                pf__free(buf);
                return pf__error_oom();
            }
            buf = nb;
            cap *= 2;
        }
        k = read(fd, buf + len, cap - 1 - len);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        len += (size_t)k;
    }
    close(fd);
    buf[len] = 0;
    *out = buf;
    return PF_OK;
}

static int add_maps(pf_cap_builder *b)
{
    char *text = NULL, *line, *nl;
    char lastpath[4096] = "", lastid[128] = "";
    size_t cap = 0;
    int err;

    if ((err = read_maps(&text)) < 0)
        return err;
    for (line = text; *line; line = nl + 1) {
        unsigned long lo, hi, off, inode;
        char perms[8], dev[32];
        int pos = 0;
        char *path;
        size_t plen;
        pf_mapping m;
        uint32_t idx;

        nl = strchr(line, '\n');
        if (!nl)
            break;
        *nl = 0;
        if (sscanf(line, "%lx-%lx %7s %lx %31s %lu %n", &lo, &hi, perms, &off,
                   dev, &inode, &pos) < 6 || perms[2] != 'x')
            continue;
        path = pos ? line + pos : nl;
        plen = strlen(path);
        if (plen > 10 && strcmp(path + plen - 10, " (deleted)") == 0)
            path[plen -= 10] = 0;
        if (inode == 0 && (plen == 0 || path[0] != '['))
            continue;
        memset(&m, 0, sizeof(m));
        m.start = lo;
        m.limit = hi;
        m.offset = off;
        m.file = path;
        m.build_id = "";
        if (path[0] == '/') {
            if (strcmp(path, lastpath) != 0) {
                snprintf(lastpath, sizeof(lastpath), "%s", path);
                pf__cap_build_id(path, lastid, sizeof(lastid));
            }
            m.build_id = lastid;
        }
        if ((err = pf_profile_add_mapping(&idx, b->p, &m)) < 0)
            goto done;
        if (b->nmaps == cap) {
            cap = cap ? cap * 2 : 32;
            pf_cap_map *nm = pf__realloc(b->maps, cap * sizeof(*nm));
            if (!nm) {
                err = pf__error_oom();
                goto done;
            }
            b->maps = nm;
        }
        b->maps[b->nmaps].start = lo;
        b->maps[b->nmaps].limit = hi;
        b->maps[b->nmaps].idx = idx;
        b->nmaps++;
    }
done:
    pf__free(text);
    return err;
}

int pf__cap_builder_init(pf_cap_builder *b)
{
    int err;

    memset(b, 0, sizeof(*b));
    pf__u64map_init(&b->locs);
    b->p = pf_profile_new();
    if (!b->p)
        return pf__error_oom();
    if ((err = add_maps(b)) < 0) {
        pf__cap_builder_release(b);
        return err;
    }
    return PF_OK;
}

void pf__cap_builder_release(pf_cap_builder *b)
{
    pf_profile_free(b->p);
    b->p = NULL;
    pf__free(b->maps);
    b->maps = NULL;
    pf__free(b->tmp);
    b->tmp = NULL;
    pf__u64map_release(&b->locs);
}

uint32_t pf__cap_builder_find_map(const pf_cap_builder *b, uint64_t a)
{
    size_t lo = 0, hi = b->nmaps;

    /* /proc/self/maps is sorted by address */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a < b->maps[mid].start)
            hi = mid;
        else if (a >= b->maps[mid].limit)
            lo = mid + 1;
        else
            return b->maps[mid].idx;
    }
    return PF_NONE;
}

static int location(pf_cap_builder *b, uint64_t addr, uint32_t *out)
{
    uint32_t idx = pf__u64map_get(&b->locs, addr);
    int err;

    if (idx != PF_NONE) {
        *out = idx;
        return PF_OK;
    }
    if ((err = pf_profile_add_location(&idx, b->p,
                                       pf__cap_builder_find_map(b, addr),
                                       addr, NULL, 0, false)) < 0)
        return err;
    if (pf__u64map_put(&b->locs, addr, idx) < 0)
        return pf__error_oom();
    *out = idx;
    return PF_OK;
}

size_t pf__cap_labels_to_pf(const pf_labelset *ls, pf_label *out, size_t max)
{
    size_t n = pf_labelset_count(ls);

    if (n > max)
        n = max;
    for (size_t i = 0; i < n; i++) {
        pf_labelset_at(ls, i, &out[i].key, &out[i].str);
        out[i].num = 0;
        out[i].unit = "";
    }
    return n;
}

int pf__cap_builder_sample(pf_cap_builder *b, const uintptr_t *pcs, int n,
                           bool leaf_exact, const int64_t *values,
                           const pf_labelset *labels)
{
    pf_label lab[64];
    size_t nlab;
    int err;

    if (n < 0)
        n = 0;
    if (PF_VEC_RESERVE(b->tmp, b->tmp_cap, (size_t)n + 1) < 0)
        return pf__error_oom();
    for (int i = 0; i < n; i++) {
        uint64_t a = pcs[i];
        if (!(i == 0 && leaf_exact) && a > 0)
            a--;
        if ((err = location(b, a, &b->tmp[i])) < 0)
            return err;
    }
    nlab = pf__cap_labels_to_pf(labels, lab, 64);
    return pf_profile_add_sample(b->p, b->tmp, (size_t)n, values, lab, nlab);
}

int pf__cap_builder_sample_num(pf_cap_builder *b, const uintptr_t *pcs,
                               int n, const int64_t *values, const char *key,
                               int64_t num)
{
    pf_label lab = { key, "", num, "" };
    int err;

    if (n < 0)
        n = 0;
    if (PF_VEC_RESERVE(b->tmp, b->tmp_cap, (size_t)n + 1) < 0)
        return pf__error_oom();
    for (int i = 0; i < n; i++)
        if ((err = location(b, pcs[i] - 1, &b->tmp[i])) < 0)
            return err;
    return pf_profile_add_sample(b->p, b->tmp, (size_t)n, values,
                                 num ? &lab : NULL, num ? 1 : 0);
}

int pf__cap_builder_synthetic(pf_cap_builder *b, const char *fn,
                              const int64_t *values)
{
    uint32_t f, loc;
    pf_line line = { 0, 0, 0 };
    int err;

    if ((err = pf_profile_add_function(&f, b->p, fn, fn, "", 0)) < 0)
        return err;
    line.function = f;
    if ((err = pf_profile_add_location(&loc, b->p, PF_NONE, 0, &line, 1,
                                       false)) < 0)
        return err;
    return pf_profile_add_sample(b->p, &loc, 1, values, NULL, 0);
}

/* Profiles are symbolized in process (libdw, the library's symbolizer)
 * so they read anywhere without the binaries; PPROF_SYMBOLIZE=0 turns
 * it off (the mappings and build ids still let pprof symbolize). A
 * symbolization failure is not fatal: the profile stays valid, with
 * the frames it could not name left unsymbolized. */
int pf__cap_builder_finish(pf_cap_builder *b, pf_profile **out)
{
    const char *env = getenv("PPROF_SYMBOLIZE");

    if (!env || strcmp(env, "0") != 0) {
        pf_symbolize_opts o = PF_SYMBOLIZE_OPTS_INIT;
        o.debug_dir = "";
        if (pf_profile_symbolize(b->p, &o, NULL) == PF_ENOMEM)
            return pf__error_oom();
    }
    *out = b->p;
    b->p = NULL;
    return PF_OK;
}

/* "+0x..." of the debug=1 text: each location's offset from the start
 * of the function symbol holding it, from the symbol tables of the
 * mapped files (the proto has no function entries). */
int pf__cap_func_offsets(const pf_profile *p, uint64_t **out)
{
    size_t nloc = pf_profile_location_count(p);
    size_t nmap = pf_profile_mapping_count(p);
    pf_sym_file **files = NULL;
    bool *tried = NULL;
    uint64_t *off;
    int err = PF_OK;

    *out = NULL;
    if (!(off = pf__malloc((nloc ? nloc : 1) * sizeof(*off))) ||
        (nmap && (!(files = pf__calloc(nmap, sizeof(*files))) ||
                  !(tried = pf__calloc(nmap, sizeof(*tried)))))) {
        err = pf__error_oom();
        goto done;
    }
    for (size_t i = 0; i < nloc; i++) {
        const pf_location *l = pf_profile_location(p, (uint32_t)i);
        const pf_mapping *m;
        pf_sym_status why;
        char detail[128];
        uint64_t ea, start;
        bool found;

        off[i] = PF__NO_OFFSET;
        if (l->mapping == PF_NONE || l->mapping >= nmap)
            continue;
        m = pf_profile_mapping(p, l->mapping);
        if (!tried[l->mapping]) {
            tried[l->mapping] = true;
            /* a file we cannot read keeps its offsets unknown */
            if (*m->file && m->file[0] == '/')
                pf__sym_file_open(&files[l->mapping], m->file, "", &why,
                                  detail, sizeof(detail));
        }
        if (!files[l->mapping] ||
            pf__sym_file_elf_addr(files[l->mapping], &ea, m->start, m->limit,
                                  m->offset, l->address) < 0)
            continue;
        if ((err = pf__sym_file_func_start(files[l->mapping], ea, &start,
                                           &found)) < 0)
            goto done;
        if (found && ea >= start)
            off[i] = ea - start;
    }
    *out = off;
    off = NULL;
done:
    for (size_t i = 0; files && i < nmap; i++)
        pf__sym_file_free(files[i]);
    pf__free(files);
    pf__free(tried);
    pf__free(off);
    return err;
}
