/*
 * Test program of the symbolizer tests (built -g -O2 as PIE and as
 * non-PIE by the tests). It records return addresses (minus one, the
 * profile.proto convention) at known source lines inside inlined static
 * functions and prints, for each, what the dynamic loader knows: the
 * executable mappings of /proc/self/maps, with build ids, and each
 * address both as run-time address and as ELF address (run-time minus
 * the object's load bias from dl_iterate_phdr). Lines marked @NAME are
 * looked up by the tests.
 *
 * Output lines:
 *   map START LIMIT OFFSET PATH BUILDID
 *   addr ID RUNTIME ELFADDR PATH
 */
#define _GNU_SOURCE 1
#include <dlfcn.h>
#include <limits.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*symtest_record_fn)(int id);
void symlib_entry(symtest_record_fn rec, int x);

#define MAXREC 16
static uintptr_t rec_addr[MAXREC];
static int rec_id[MAXREC];
static int nrec;
static volatile int sink;

__attribute__((noinline, used)) void symtest_record(int id)
{
    if (nrec < MAXREC) {
        rec_addr[nrec] = (uintptr_t)__builtin_return_address(0) - 1;
        rec_id[nrec++] = id;
    }
    __asm__ volatile("" ::: "memory");
}

static inline __attribute__((always_inline)) void inner(int x)
{
    if (x > 0)
        symtest_record(1);                              /* @inner */
    sink++;
}

static inline __attribute__((always_inline)) void middle(int x)
{
    inner(x);                                           /* @middle_inner */
    symtest_record(2);                                  /* @middle */
    sink++;
}

__attribute__((noinline)) void symtest_outer(int x)
{
    middle(x);                                          /* @outer_middle */
    symtest_record(3);                                  /* @outer */
    sink++;
}

struct find {
    uintptr_t addr;
    uintptr_t bias;
    char path[PATH_MAX];
    char build_id[129];
    int found;
};

static void hex_build_id(const struct dl_phdr_info *info, char *out)
{
    int i;

    out[0] = '\0';
    for (i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        const char *p, *end;
        if (ph->p_type != PT_NOTE)
            continue;
        p = (const char *)(info->dlpi_addr + ph->p_vaddr);
        end = p + ph->p_memsz;
        while (p + sizeof(ElfW(Nhdr)) <= end) {
            const ElfW(Nhdr) *n = (const ElfW(Nhdr) *)(const void *)p;
            const unsigned char *desc = (const unsigned char *)(n + 1) +
                                        ((n->n_namesz + 3) & ~3u);
            if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 &&
                memcmp(n + 1, "GNU", 4) == 0) {
                unsigned j;
                for (j = 0; j < n->n_descsz && j < 64; j++)
                    sprintf(out + 2 * j, "%02x", desc[j]);
                return;
            }
            p = (const char *)desc + ((n->n_descsz + 3) & ~3u);
        }
    }
}

static int find_cb(struct dl_phdr_info *info, size_t size, void *data)
{
    struct find *f = data;
    int i;

    (void)size;
    for (i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
        if (ph->p_type == PT_LOAD && f->addr >= lo &&
            f->addr < lo + ph->p_memsz) {
            f->bias = info->dlpi_addr;
            if (info->dlpi_name && info->dlpi_name[0])
                realpath(info->dlpi_name, f->path);
            else
                realpath("/proc/self/exe", f->path);
            hex_build_id(info, f->build_id);
            f->found = 1;
            return 1;
        }
    }
    return 0;
}

static void print_maps(const struct find *objs, int nobj)
{
    FILE *m = fopen("/proc/self/maps", "r");
    char line[PATH_MAX + 128];
    int i;

    if (!m)
        exit(1);
    while (fgets(line, sizeof(line), m)) {
        unsigned long lo, hi, off;
        char perm[8], path[PATH_MAX];
        path[0] = '\0';
        if (sscanf(line, "%lx-%lx %7s %lx %*s %*s %s", &lo, &hi, perm, &off,
                   path) < 4 || perm[2] != 'x')
            continue;
        for (i = 0; i < nobj; i++)
            if (strcmp(path, objs[i].path) == 0)
                printf("map %lx %lx %lx %s %s\n", lo, hi, off, path,
                       objs[i].build_id);
    }
    fclose(m);
}

int main(int argc, char **argv)
{
    /* The objects are found from the recorded addresses themselves: in
     * a non-PIE program &symlib_entry would be the PLT stub. */
    static struct find f[MAXREC], objs[MAXREC];
    int i, j, nobj = 0;

    symtest_outer(argc);
    symlib_entry(symtest_record, argc);
    if (argc > 1) {
        /* A library to load and call: symcxx.cc's symcxx_entry. */
        void *h = dlopen(argv[1], RTLD_NOW);
        void (*entry)(symtest_record_fn, int);
        void *sym = h ? dlsym(h, "symcxx_entry") : NULL;
        if (!sym)
            return 1;
        memcpy(&entry, &sym, sizeof(sym));
        entry(symtest_record, argc);
    }
    for (i = 0; i < nrec; i++) {
        f[i].addr = rec_addr[i];
        dl_iterate_phdr(find_cb, &f[i]);
        if (!f[i].found)
            return 1;
        for (j = 0; j < nobj && strcmp(objs[j].path, f[i].path); j++)
            ;
        if (j == nobj)
            objs[nobj++] = f[i];
    }
    print_maps(objs, nobj);
    for (i = 0; i < nrec; i++)
        printf("addr %d %lx %lx %s\n", rec_id[i], (unsigned long)rec_addr[i],
               (unsigned long)(rec_addr[i] - f[i].bias), f[i].path);
    return 0;
}
