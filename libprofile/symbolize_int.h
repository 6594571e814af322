/*
 * Private to the symbolizer (symbolize*.c) and its unit tests: address
 * math, the sorted interval index, demangling, and one opened ELF file.
 */
#ifndef LIBPROFILE_SYMBOLIZE_INT_H
#define LIBPROFILE_SYMBOLIZE_INT_H

#include "internal.h"

/* ------------------------------------------------------------------ */
/* Address math (symbolize_util.c)                                     */

/* One PT_LOAD program header. */
typedef struct pf_sym_seg {
    uint64_t vaddr, memsz;  /* p_vaddr, p_memsz */
    uint64_t off, filesz;   /* p_offset, p_filesz */
    bool exec;              /* PF_X */
} pf_sym_seg;

/* The ELF virtual address (as in the symbol table and DWARF) of the
 * run-time address ADDR that lies in the mapping [START, LIMIT) of file
 * offset OFFSET. The mapping's file offset of ADDR is ADDR - START +
 * OFFSET; the PT_LOAD segment holding that offset (an executable one
 * first) gives the virtual address. A mapping with START and OFFSET 0
 * (legacy "fake" mappings, unknown layout) means addresses are already
 * ELF addresses. For a fixed-address executable (ET_EXEC, IS_EXEC) an
 * address no segment explains is taken as is. PF_ENOTFOUND otherwise. */
int pf__sym_elf_addr(uint64_t *out, const pf_sym_seg *segs, size_t nseg,
                     bool is_exec, uint64_t start, uint64_t limit,
                     uint64_t offset, uint64_t addr);

/* ------------------------------------------------------------------ */
/* Interval index (symbolize_util.c)                                   */

/* An address range [LO, HI) owned by NODE at nesting DEPTH (a function
 * at depth 0, code inlined into it at depth 1, ...). */
typedef struct pf_sym_range {
    uint64_t lo, hi;
    uint32_t node;
    uint32_t depth;
} pf_sym_range;

/* A piece of the flattened index: every address in [LO, HI) belongs
 * innermost to NODE. Sorted by LO, disjoint. */
typedef struct pf_sym_span {
    uint64_t lo, hi;
    uint32_t node;
} pf_sym_span;

/* Flatten nested ranges (R is sorted in place) into disjoint spans
 * where the deepest range wins; appends to *SPANS (pf__malloc'd vector
 * with *NSPANS / *CAP). Ranges that overlap without nesting are cut
 * where they cross: the later-starting one wins inside its own range. */
int pf__sym_flatten(pf_sym_range *r, size_t n, pf_sym_span **spans,
                    size_t *nspans, size_t *cap);
/* The span holding A, or NULL. */
const pf_sym_span *pf__sym_span_find(const pf_sym_span *s, size_t n,
                                     uint64_t a);

/* ------------------------------------------------------------------ */
/* Demangling (symbolize_util.c)                                       */

/* Demangle the Itanium C++ name NAME with libstdc++'s __cxa_demangle
 * (loaded with dlopen on first use; no link-time dependency). Returns a
 * pf__malloc'd string the caller frees, or NULL when NAME is not a
 * mangled name, demangling is unavailable or fails, or MODE is NONE. */
char *pf__sym_demangle(const char *name, pf_demangle mode);
/* pprof's default simplification of a demangled name, in place: drop
 * parameter lists, template arguments and a leading return type, keep
 * "(anonymous namespace)", operator names and {lambda...} verbatim. */
void pf__sym_simplify(char *s);
/* Whether libstdc++'s demangler could be loaded. */
bool pf__sym_demangler_available(void);

/* ------------------------------------------------------------------ */
/* One ELF file (symbolize_elf.c)                                      */

typedef struct pf_sym_file pf_sym_file;

/* One resolved frame. Strings belong to the file object and live until
 * pf__sym_file_free. */
typedef struct pf_sym_frame {
    const char *name;       /* as in DWARF/symtab: the linkage name if any */
    const char *plain;      /* DW_AT_name, or NAME when there is none */
    const char *file;       /* "" if unknown */
    int64_t line, column;
    int64_t decl_line;      /* function's first line, 0 if unknown */
} pf_sym_frame;

/* Open PATH. On failure returns a negative code and sets *WHY to
 * MISSING, NOT_ELF or BAD_ELF with a reason in DETAIL. DEBUG_DIR as in
 * pf_symbolize_opts. */
int pf__sym_file_open(pf_sym_file **out, const char *path,
                      const char *debug_dir, pf_sym_status *why,
                      char *detail, size_t dlen);
void pf__sym_file_free(pf_sym_file *f);
/* Lower-case hex GNU build id, "" if none. */
const char *pf__sym_file_build_id(const pf_sym_file *f);
const char *pf__sym_file_debug_path(const pf_sym_file *f); /* or NULL */
bool pf__sym_file_has_dwarf(const pf_sym_file *f);
/* Whether a symbol table with functions exists (loads it). */
int pf__sym_file_has_symtab(pf_sym_file *f, bool *out);
/* ELF address of a run-time address of a mapping (pf__sym_elf_addr). */
int pf__sym_file_elf_addr(const pf_sym_file *f, uint64_t *out,
                          uint64_t start, uint64_t limit, uint64_t offset,
                          uint64_t addr);
/* Start (ELF address) of the function symbol that holds the ELF
 * address A: true with *OUT, false if no symbol covers A. */
int pf__sym_file_func_start(pf_sym_file *f, uint64_t a, uint64_t *out,
                            bool *found);
/* Resolve the ELF address A: *FRAMES (valid until the next call) gets
 * *N frames, innermost first; *N == 0 when nothing covers A.
 * *FROM_DWARF tells whether DWARF found the function. */
int pf__sym_file_resolve(pf_sym_file *f, uint64_t a,
                         const pf_sym_frame **frames, size_t *n,
                         bool *from_dwarf);

#endif
