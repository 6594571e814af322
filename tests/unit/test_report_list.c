/* The source listing (PF_REPORT_LIST): the library asks read_source for
 * the candidate paths in pprof's order and never opens anything itself;
 * the lines shown, the start line, '.' for unsampled lines, the error
 * line of a file that is not found, CRLF line ends. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "profile.h"

/* A recording reader: every path asked for, and one file it has. */
typedef struct reader {
    char asked[16][256];
    int nasked;
    const char *have_path, *have_text;
} reader;

static int read_cb(void *ctx, const char *path, char **data, size_t *len)
{
    reader *r = ctx;

    if (r->nasked < 16)
        snprintf(r->asked[r->nasked++], sizeof(r->asked[0]), "%s", path);
    if (!r->have_path || strcmp(path, r->have_path) != 0)
        return -2;              /* -ENOENT */
    *data = strdup(r->have_text);
    *len = strlen(r->have_text);
    return *data ? 0 : -12;
}

/* main (x.c:3) calls work (x.c:LINE), which has samples: 5 at LINE, 3
 * at LINE + 2. START is work's start line. */
static pf_profile *two_funcs(const char *file, int64_t line, int64_t start)
{
    pf_profile *p = pf_profile_new();
    uint32_t fmain, fwork, l1, l2, l3;
    pf_line ln;
    int64_t v;

    assert_non_null(p);
    assert_int_equal(pf_profile_add_sample_type(p, "samples", "count"), 0);
    assert_int_equal(pf_profile_add_function(&fmain, p, "main", "main", file,
                                             1), 0);
    assert_int_equal(pf_profile_add_function(&fwork, p, "work", "work", file,
                                             start), 0);
    ln = (pf_line){ fmain, 3, 0 };
    assert_int_equal(pf_profile_add_location(&l1, p, PF_NONE, 0x10, &ln, 1,
                                             false), 0);
    ln = (pf_line){ fwork, line, 0 };
    assert_int_equal(pf_profile_add_location(&l2, p, PF_NONE, 0x20, &ln, 1,
                                             false), 0);
    ln = (pf_line){ fwork, line + 2, 0 };
    assert_int_equal(pf_profile_add_location(&l3, p, PF_NONE, 0x30, &ln, 1,
                                             false), 0);
    v = 5;
    assert_int_equal(pf_profile_add_sample(p, (uint32_t[]){ l2, l1 }, 2, &v,
                                           NULL, 0), 0);
    v = 3;
    assert_int_equal(pf_profile_add_sample(p, (uint32_t[]){ l3, l1 }, 2, &v,
                                           NULL, 0), 0);
    return p;
}

/* The listing in MB (NUL-terminated; the caller releases MB). */
static const char *list(pf_membuf *mb, const pf_profile *p, const char *re,
                        reader *r, const char *source_path,
                        const char *trim_path, int *err)
{
    pf_report_opts o = PF_REPORT_OPTS_INIT;
    pf_writer w = pf_writer_membuf(mb);

    o.symbol = re;
    o.source_path = source_path;
    o.trim_path = trim_path;
    o.read_source = r ? read_cb : NULL;
    o.read_source_ctx = r;
    *err = pf_report_write(p, w, PF_REPORT_LIST, &o);
    assert_int_equal(w.write(w.ctx, "", 1), 0);
    return (const char *)mb->data;
}

static const char src12[] =
    "l1\nl2\nl3\nl4\nl5\nl6\nl7\nl8\nl9\nl10\nl11\nl12\n";

static void test_report_list__search_order_and_lines(void **state)
{
    pf_profile *p = two_funcs("/build/proj/src/x.c", 6, 0);
    reader r = { .have_path = "/s2/proj/src/x.c", .have_text = src12 };
    pf_membuf mb = PF_MEMBUF_INIT;
    const char *out;
    int err;

    (void)state;
    /* no -trim_path: the base name of a search directory ("proj")
     * found in the file name trims up to it; then each directory and
     * its parents is tried */
    out = list(&mb, p, "^work$", &r, "/s1/a:/s2/proj", NULL, &err);
    assert_int_equal(err, 0);
    assert_int_equal(r.nasked, 4);
    assert_string_equal(r.asked[0], "/s1/a/src/x.c");
    assert_string_equal(r.asked[1], "/s1/src/x.c");
    assert_string_equal(r.asked[2], "/src/x.c");
    assert_string_equal(r.asked[3], "/s2/proj/src/x.c");
    /* the trimmed name is shown; lines 1 (6 - 5) to 13 (8 + 5), cut at
     * the end of the file */
    assert_string_equal(out,
        "Total: 8\n"
        "ROUTINE ======================== work in src/x.c\n"
        "         8          8 (flat, cum)   100% of Total\n"
        "         .          .      1:l1\n"
        "         .          .      2:l2\n"
        "         .          .      3:l3\n"
        "         .          .      4:l4\n"
        "         .          .      5:l5\n"
        "         5          5      6:l6\n"
        "         .          .      7:l7\n"
        "         3          3      8:l8\n"
        "         .          .      9:l9\n"
        "         .          .     10:l10\n"
        "         .          .     11:l11\n"
        "         .          .     12:l12\n");
    pf_membuf_release(&mb);
    pf_profile_free(p);
}

static void test_report_list__start_line_and_trim_path(void **state)
{
    pf_profile *p = two_funcs("/build/proj/src/x.c", 6, 4);
    reader r = { .have_path = "/s/src/x.c",
                 .have_text = "l1\r\nl2\r\nl3\r\nl4\r\nl5\r\nl6\r\n" };
    pf_membuf mb = PF_MEMBUF_INIT;
    const char *out;
    int err;

    (void)state;
    /* the trimmed name is what the routine line shows; the listing
     * starts at the function's start line; CR LF ends are dropped */
    out = list(&mb, p, "work", &r, "/s", "/nowhere:/build/proj/", &err);
    assert_int_equal(err, 0);
    assert_int_equal(r.nasked, 1);
    assert_string_equal(r.asked[0], "/s/src/x.c");
    assert_string_equal(out,
        "Total: 8\n"
        "ROUTINE ======================== work in src/x.c\n"
        "         8          8 (flat, cum)   100% of Total\n"
        "         .          .      4:l4\n"
        "         .          .      5:l5\n"
        "         5          5      6:l6\n");
    pf_membuf_release(&mb);
    pf_profile_free(p);
}

static void test_report_list__missing_file(void **state)
{
    pf_profile *p = two_funcs("/abs/x.c", 6, 0);
    reader r = { 0 };
    pf_membuf mb = PF_MEMBUF_INIT;
    const char *out;
    int err;

    (void)state;
    out = list(&mb, p, "main|work", &r, "/s", NULL, &err);
    assert_int_equal(err, 0);
    /* one read per file, though two functions live in it */
    assert_int_equal(r.nasked, 1);
    assert_string_equal(out,
        "Total: 8\n"
        "ROUTINE ======================== main in /abs/x.c\n"
        "         0          8 (flat, cum)   100% of Total\n"
        " Error: open /abs/x.c: no such file or directory\n"
        "ROUTINE ======================== work in /abs/x.c\n"
        "         8          8 (flat, cum)   100% of Total\n"
        " Error: open /abs/x.c: no such file or directory\n");
    pf_membuf_release(&mb);
    /* no reader: every file is missing; relative names name the path */
    pf_profile_free(p);
    p = two_funcs("rel/x.c", 6, 0);
    out = list(&mb, p, "^work$", NULL, "/s1:/s2", NULL, &err);
    assert_int_equal(err, 0);
    assert_non_null(strstr(out, " Error: could not find file rel/x.c on path "
                                "/s1:/s2\n"));
    pf_membuf_release(&mb);
    pf_profile_free(p);
}

static void test_report_list__empty_range_reads_nothing(void **state)
{
    /* work's start line (100) is past its last sampled line + 5: pprof
     * shows no row, reads nothing, and reports a missing file only if
     * an earlier routine tried to read it */
    pf_profile *p = two_funcs("/abs/y.c", 6, 100);
    pf_membuf mb = PF_MEMBUF_INIT;
    reader r = { 0 };
    const char *out;
    int err;

    (void)state;
    out = list(&mb, p, "^work$", &r, "/s", NULL, &err);
    assert_int_equal(err, 0);
    assert_int_equal(r.nasked, 0);
    assert_string_equal(out,
        "Total: 8\n"
        "ROUTINE ======================== work in /abs/y.c\n"
        "         8          8 (flat, cum)   100% of Total\n");
    pf_membuf_release(&mb);
    out = list(&mb, p, "main|work", &r, "/s", NULL, &err);
    assert_int_equal(err, 0);
    assert_int_equal(r.nasked, 1);
    assert_string_equal(out,
        "Total: 8\n"
        "ROUTINE ======================== main in /abs/y.c\n"
        "         0          8 (flat, cum)   100% of Total\n"
        " Error: open /abs/y.c: no such file or directory\n"
        "ROUTINE ======================== work in /abs/y.c\n"
        "         8          8 (flat, cum)   100% of Total\n"
        " Error: open /abs/y.c: no such file or directory\n");
    pf_membuf_release(&mb);
    pf_profile_free(p);
}

static void test_report_list__errors(void **state)
{
    pf_profile *p = two_funcs("x.c", 6, 0);
    pf_membuf mb = PF_MEMBUF_INIT;
    const char *out;
    int err;

    (void)state;
    out = list(&mb, p, "nothing_like_it", NULL, "/s", NULL, &err);
    assert_int_equal(err, PF_ENOTFOUND);
    assert_string_equal(out, "");
    assert_string_equal(pf_error_last(),
                        "no matches found for regexp: nothing_like_it");
    pf_membuf_release(&mb);
    out = list(&mb, p, "(", NULL, "/s", NULL, &err);
    assert_int_equal(err, PF_EINVAL);
    pf_membuf_release(&mb);
    out = list(&mb, p, NULL, NULL, "/s", NULL, &err);
    assert_int_equal(err, PF_EINVAL);
    pf_membuf_release(&mb);
    pf_profile_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_list__search_order_and_lines),
        cmocka_unit_test(test_report_list__start_line_and_trim_path),
        cmocka_unit_test(test_report_list__missing_file),
        cmocka_unit_test(test_report_list__empty_range_reads_nothing),
        cmocka_unit_test(test_report_list__errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
