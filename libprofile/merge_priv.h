/*
 * Private to merge.c and diff.c: the merger's hooks for transformed
 * inputs (diff scales, labels and common sample types without copying
 * its inputs first).
 */
#ifndef LIBPROFILE_MERGE_PRIV_H
#define LIBPROFILE_MERGE_PRIV_H

#include "internal.h"

/* How one input is changed on its way into the merger, in the
 * reference's order: columns selected (common types), then scaled
 * (ScaleN rules, see pf_profile_scale), then the label set. */
typedef struct pf_merge_xform {
    /* Per merger column, a factor (NULL = all 1). */
    const double *ratios;
    /* If non-NULL, every sample's string labels with this key are
     * replaced by the single value SET_LABEL_VALUE (pprof's SetLabel). */
    const char *set_label_key;
    const char *set_label_value;
} pf_merge_xform;

/* Fix the merger's sample types to the type names NAMES[0..N) (the
 * common types of all inputs, computed up front), instead of reducing
 * as inputs arrive. Only before the first input; needs common_types. */
int pf__merger_preset_types(pf_merger *m, const char *const *names,
                            size_t n);
/* pf_merger_add with a transform (X may be NULL). */
int pf__merger_add_x(pf_merger *m, const pf_profile *p,
                     const pf_merge_xform *x);
/* Type names present in every one of PROFILES[0..N), in the order of
 * the first; *OUT (pf__malloc'd, caller frees) points into PROFILES[0].
 * PF_EINCOMPAT if there is none. */
int pf__common_types(const char ***out, size_t *nout,
                     const pf_profile *const *profiles, size_t n);
/* PF_EINCOMPAT with the reference's conditions and our detail ("period
 * types differ: ..." / "sample types differ: [A's] vs [B's]"). */
int pf__check_compatible(const pf_profile *a, const pf_profile *b);
/* The same, but with SCALE_UNITS units of one family (pprof's
 * measurement package: bytes, time, GCU) count as compatible. */
int pf__check_compatible_x(const pf_profile *a, const pf_profile *b,
                           bool scale_units);
/* The unit family UNIT belongs to as pprof's measurement package sniffs
 * it (lower case, a trailing 's' dropped): 0 bytes, 1 time, 2 GCU; -1
 * for none (report_units.c). */
int pf__unit_family(const char *unit);
/* Go's int64(math.Round(float64(v) * r)), saturating. */
int64_t pf__scale_value(int64_t v, double r);

#endif
