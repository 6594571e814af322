/* Shared by the unit tests: load files of testdata/ (tests run from the
 * repository root), build small profiles. */
#ifndef TESTS_FIXTURE_H
#define TESTS_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "profile.h"

/* Read testdata/RELPATH whole; aborts the test on failure. */
unsigned char *fixture_read(const char *relpath, size_t *len);
/* pf_profile_read() of testdata/RELPATH; fails the test on error. */
pf_profile *fixture_load(const char *relpath);
/* Encode P (raw protobuf unless GZIP) into a fresh buffer. */
unsigned char *fixture_encode(const pf_profile *p, int gzip, size_t *len);
/* A small CPU-like profile: 2 sample types, 2 mappings, 3 functions
 * (one inlined), 3 locations, 3 samples with string and numeric
 * labels, comments, drop/keep frames. */
pf_profile *fixture_small(void);
/* pf_report_write of report KIND as a NUL-terminated malloc'd string;
 * fails the test if the report fails. */
char *fixture_report_text(const pf_profile *p, pf_report_kind kind,
                          const pf_report_opts *o);

/* pf_profile_read of BUF that must succeed, detected as WANT, and pass
 * pf_profile_check. */
pf_profile *fixture_read_as(const void *buf, size_t len, pf_format want);
/* pf_profile_read of BUF that must fail with CODE, *out NULL, and an
 * error detail containing DETAIL. */
void fixture_read_err(const void *buf, size_t len, int code,
                      const char *detail);
/* The sample types of P, "type/unit type/unit ...", equal WANT. */
void fixture_assert_types(const pf_profile *p, const char *want);

#endif
