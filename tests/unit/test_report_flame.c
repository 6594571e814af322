/* The flame graph report: the embedded call tree, pruning, the diff
 * form, escaping of frame names, title and header. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers/fixture.h"
#include "profile.h"

static pf_profile *folded(const char *text)
{
    pf_profile *p = NULL;
    assert_int_equal(pf_profile_read(&p, NULL, text, strlen(text), NULL), 0);
    return p;
}

static char *flame(const pf_profile *p, const pf_report_opts *o)
{
    return fixture_report_text(p, PF_REPORT_FLAMEGRAPH, o);
}

/* The JSON between the data <script> tags (a fresh string). */
static char *data_of(const char *page)
{
    const char *open = "<script type=\"application/json\" id=\"fg-data\">";
    const char *a = strstr(page, open), *b;
    char *d;

    assert_non_null(a);
    a += strlen(open);
    b = strstr(a, "</script>");
    assert_non_null(b);
    d = malloc((size_t)(b - a) + 1);
    assert_non_null(d);
    memcpy(d, a, (size_t)(b - a));
    d[b - a] = '\0';
    return d;
}

static void test_report_flame__aggregates_paths_once_per_sample(void **state)
{
    /* recursion: f appears twice on one path, and is counted on each
     * of its two tree nodes once */
    pf_profile *p = folded("main;f;f 3\nmain;f;g 5\nmain;h 2\n");
    char *page, *d;
    (void)state;

    page = flame(p, NULL);
    d = data_of(page);
    /* preorder, children by name: root main f f g h */
    assert_non_null(strstr(d, "\"names\":[\"root\",\"main\",\"f\",\"g\","
                              "\"h\"]"));
    assert_non_null(strstr(d, "\"n\":[0,1,2,2,3,4]"));
    assert_non_null(strstr(d, "\"d\":[0,1,2,3,3,2]"));
    assert_non_null(strstr(d, "\"c\":[[10,10,8,3,5,2]]"));
    assert_non_null(strstr(d, "\"f\":[[0,0,0,3,5,2]]"));
    assert_non_null(strstr(d, "\"diff\":false"));
    assert_non_null(strstr(d, "\"prunedPaths\":0"));
    free(d);
    free(page);
    pf_profile_free(p);
}

static void test_report_flame__prunes_thin_paths(void **state)
{
    /* 1 in 10001 is below 1/5000: "thin" goes with its child; the
     * number of such paths and their total are kept */
    pf_profile *p = folded("main;hot 10000\nmain;thin;leaf 1\n");
    char *page, *d;
    (void)state;

    page = flame(p, NULL);
    d = data_of(page);
    assert_null(strstr(d, "thin"));
    assert_null(strstr(d, "leaf"));
    assert_non_null(strstr(d, "\"prunedPaths\":1"));
    assert_non_null(strstr(d, "\"pruned\":1,"));
    assert_non_null(strstr(d, "\"c\":[[10001,10001,10000]]"));
    free(d);
    free(page);
    pf_profile_free(p);
}

static void test_report_flame__escapes_names(void **state)
{
    pf_profile *p = folded("main;</script><b>&\"q'\\;caf\xc3\xa9;bad\xff\xfe"
                           "x;ctl\x01 7\n");
    char *page, *d;
    const char *body;
    (void)state;

    page = flame(p, NULL);
    d = data_of(page);
    /* nothing in the data can close the script or open a tag */
    assert_null(strchr(d, '<'));
    assert_null(strchr(d, '>'));
    assert_null(strchr(d, '&'));
    assert_non_null(strstr(d, "\"\\u003c/script\\u003e\\u003cb\\u003e"
                              "\\u0026\\\"q'\\\\\""));
    assert_non_null(strstr(d, "\"caf\xc3\xa9\""));     /* valid UTF-8 kept */
    assert_non_null(strstr(d, "\"bad\\ufffd\\ufffdx\""));
    assert_non_null(strstr(d, "\"ctl\\u0001\""));
    /* exactly the two scripts of the page */
    body = strstr(page, "<body>");
    assert_non_null(body);
    assert_non_null(strstr(strstr(strstr(body, "</script>") + 1,
                                  "</script>"), "</body>"));
    assert_null(strstr(strstr(strstr(body, "</script>") + 1,
                              "</script>") + 1, "</script>"));
    free(d);
    free(page);
    pf_profile_free(p);
}

static void test_report_flame__title_and_header(void **state)
{
    pf_report_opts o = PF_REPORT_OPTS_INIT;
    pf_profile *p = folded("main;f 1\n");
    char *page;
    (void)state;

    page = flame(p, NULL);
    assert_non_null(strstr(page, "<title>flame graph of samples</title>"));
    free(page);
    o.html_title = "a <b> & \"c\" \xff";
    o.html_header = "<nav id=\"ui\">menu</nav>";
    page = flame(p, &o);
    assert_non_null(strstr(page, "<title>a &lt;b&gt; &amp; &quot;c&quot; "
                                 "\xef\xbf\xbd</title>"));
    /* the header is the first thing in <body> */
    assert_non_null(strstr(page, "<body>\n<nav id=\"ui\">menu</nav>\n"));
    free(page);
    pf_profile_free(p);
}

static void test_report_flame__diff_keeps_base_apart(void **state)
{
    pf_profile *base = folded("main;grow 10\nmain;shrink 50\n");
    pf_profile *cur = folded("main;grow 60\nmain;shrink 5\n");
    pf_diff_opts dop = PF_DIFF_OPTS_INIT;
    pf_profile *d = NULL;
    char *page, *data;
    (void)state;

    assert_int_equal(pf_profile_diff(&d, base, cur, &dop), 0);
    page = flame(d, NULL);
    data = data_of(page);
    assert_non_null(strstr(data, "\"diff\":true"));
    assert_non_null(strstr(data, "\"names\":[\"root\",\"main\",\"grow\","
                                 "\"shrink\"]"));
    /* new side, then base side (un-negated); total is the base's */
    assert_non_null(strstr(data, "\"c\":[[65,65,60,5]]"));
    assert_non_null(strstr(data, "\"bc\":[[60,60,10,50]]"));
    assert_non_null(strstr(data, "\"bf\":[[0,0,10,50]]"));
    assert_non_null(strstr(data, "\"total\":60,"));
    assert_non_null(strstr(page, "<title>diff flame graph of samples"));
    free(data);
    free(page);
    pf_profile_free(d);
    pf_profile_free(base);
    pf_profile_free(cur);
}

static void test_report_flame__filters_apply(void **state)
{
    pf_report_opts o = PF_REPORT_OPTS_INIT;
    pf_profile *p = folded("main;a;x 4\nmain;b;x 6\nmain;c 1\n");
    char *page, *d;
    (void)state;

    o.filter.focus = "^b$";
    page = flame(p, &o);
    d = data_of(page);
    assert_non_null(strstr(d, "\"names\":[\"root\",\"main\",\"b\",\"x\"]"));
    assert_non_null(strstr(d, "\"c\":[[6,6,6,6]]"));
    /* the total stays the whole profile's, as in pprof */
    assert_non_null(strstr(d, "\"total\":11,"));
    free(d);
    free(page);
    o.filter.focus = "(";
    {
        pf_membuf mb = PF_MEMBUF_INIT;
        assert_int_equal(pf_report_write(p, pf_writer_membuf(&mb),
                                         PF_REPORT_FLAMEGRAPH, &o),
                         PF_EINVAL);
        pf_membuf_release(&mb);
    }
    pf_profile_free(p);
}

static void test_report_flame__divide_by_and_mean(void **state)
{
    pf_report_opts o = PF_REPORT_OPTS_INIT;
    pf_profile *p = folded("main;a 30\nmain;b 15\n");
    pf_membuf mb = PF_MEMBUF_INIT;
    char *page, *d;
    (void)state;

    o.divide_by = 2;
    page = flame(p, &o);
    d = data_of(page);
    /* each value divided as -top divides a node's (15 / 2 -> 7) */
    assert_non_null(strstr(d, "\"c\":[[22,22,15,7]]"));
    assert_non_null(strstr(d, "\"total\":22,"));
    free(d);
    free(page);
    o.divide_by = 0;
    o.mean = true;
    assert_int_equal(pf_report_write(p, pf_writer_membuf(&mb),
                                     PF_REPORT_FLAMEGRAPH, &o), PF_EINVAL);
    assert_non_null(strstr(pf_error_last(), "-mean"));
    assert_int_equal(mb.len, 0);
    pf_membuf_release(&mb);
    pf_profile_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_flame__aggregates_paths_once_per_sample),
        cmocka_unit_test(test_report_flame__prunes_thin_paths),
        cmocka_unit_test(test_report_flame__escapes_names),
        cmocka_unit_test(test_report_flame__title_and_header),
        cmocka_unit_test(test_report_flame__diff_keeps_base_apart),
        cmocka_unit_test(test_report_flame__filters_apply),
        cmocka_unit_test(test_report_flame__divide_by_and_mean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
