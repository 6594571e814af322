/* The DOT call graph writer (report_dot.c): structure of the output,
 * escaping of names, labels and titles, an empty profile, allocation
 * failures. Equality with
 * go tool pprof -dot is checked by tests/interop/dot_*.sh. */
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

void pf__alloc_fail_after(unsigned long n);   /* internal.h test hook */

static char *dot_text(const pf_profile *p, const pf_report_opts *o)
{
    return fixture_report_text(p, PF_REPORT_DOT, o);
}

static uint32_t add_fn_loc(pf_profile *p, const char *name, uint32_t map,
                           uint64_t addr)
{
    uint32_t f, l;
    pf_line ln;

    assert_int_equal(pf_profile_add_function(&f, p, name, name, "src.c", 1),
                     0);
    ln = (pf_line){ f, 0, 0 };
    assert_int_equal(pf_profile_add_location(&l, p, map, addr, &ln, 1, false),
                     0);
    return l;
}

static uint32_t add_map(pf_profile *p, const char *file)
{
    pf_mapping m;
    uint32_t id;

    memset(&m, 0, sizeof(m));
    m.start = 0x1000;
    m.limit = 0x100000;
    m.file = file;
    m.build_id = "";
    m.has_functions = true;
    assert_int_equal(pf_profile_add_mapping(&id, p, &m), 0);
    return id;
}

/* How many lines of S start with PREFIX and contain SUB. */
static int count_lines(const char *s, const char *prefix, const char *sub)
{
    int n = 0;

    while (*s) {
        const char *e = strchr(s, '\n');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        char *line = strndup(s, len);
        assert_non_null(line);
        if (strncmp(line, prefix, strlen(prefix)) == 0 &&
            (!sub || strstr(line, sub)))
            n++;
        free(line);
        s += len + (e ? 1 : 0);
    }
    return n;
}

/* Every line has its quoted strings closed: an even number of quotes
 * that are not escaped by a backslash. */
static void assert_quotes_balanced(const char *s)
{
    int q = 0;

    for (const char *c = s; *c; c++) {
        if (*c == '\\' && c[1]) {
            c++;
            continue;
        }
        if (*c == '"')
            q++;
        if (*c == '\n') {
            assert_int_equal(q % 2, 0);
            q = 0;
        }
    }
    assert_int_equal(q, 0);
}

/* main -> run -> {hot 60, warm 40} */
static pf_profile *call_tree(void)
{
    pf_profile *p = pf_profile_new();
    uint32_t map, lmain, lrun, lhot, lwarm;
    int64_t v;

    assert_non_null(p);
    assert_int_equal(pf_profile_add_sample_type(p, "samples", "count"), 0);
    map = add_map(p, "/usr/bin/app");
    lmain = add_fn_loc(p, "main", map, 0x1100);
    lrun = add_fn_loc(p, "run", map, 0x1200);
    lhot = add_fn_loc(p, "hot", map, 0x1300);
    lwarm = add_fn_loc(p, "warm", map, 0x1400);
    {
        uint32_t st[3] = { lhot, lrun, lmain };
        v = 60;
        assert_int_equal(pf_profile_add_sample(p, st, 3, &v, NULL, 0), 0);
        st[0] = lwarm;
        v = 40;
        assert_int_equal(pf_profile_add_sample(p, st, 3, &v, NULL, 0), 0);
    }
    return p;
}

static void test_report_dot__structure(void **state)
{
    pf_profile *p = call_tree();
    pf_report_opts o = PF_REPORT_OPTS_INIT;
    char *s = dot_text(p, &o), *again;
    (void)state;

    assert_int_equal(strncmp(s, "digraph \"app\" {\n"
                                "node [style=filled fillcolor=\"#f8f8f8\"]\n"
                                "subgraph cluster_L { \"File: app\" "
                                "[shape=box fontsize=16 label=\"File: app\\l"
                                "Type: samples\\l", 114), 0);
    assert_non_null(strstr(s, "Showing nodes accounting for 100, 100% of 100 "
                              "total\\l\\lSee https://git.io/JfYMW for how to "
                              "read the graph\\l\" tooltip=\"app\"] }\n"));
    /* four boxes, one per function, numbered from 1; three calls */
    assert_int_equal(count_lines(s, "N", "shape=box "), 4);
    for (int i = 1; i <= 4; i++) {
        char def[32];
        snprintf(def, sizeof(def), "N%d [label=\"", i);
        assert_int_equal(count_lines(s, def, NULL), 1);
    }
    assert_int_equal(count_lines(s, "N", " -> N"), 3);
    /* the hottest box: flat share and the largest font */
    assert_non_null(strstr(s, "[label=\"hot\\n60 (60.00%)\" "));
    assert_non_null(strstr(s, "fontsize=24 shape=box tooltip=\"hot (60)\""));
    /* warm: font 8 + ceil(16 * sqrt(40/60)) */
    assert_non_null(strstr(s, "[label=\"warm\\n40 (40.00%)\" "));
    assert_non_null(strstr(s, "fontsize=22 shape=box tooltip=\"warm (40)\""));
    /* callers without flat value: "0 of cum" */
    assert_non_null(strstr(s, "[label=\"run\\n0 of 100 (100%)\" "));
    /* the heaviest call first, full weight and width, deep red */
    {
        const char *e = strstr(s, " -> N");
        assert_non_null(e);
        assert_non_null(strstr(e, "[label=\" 100\" weight=101 penwidth=6 "
                                  "color=\"#b20000\" tooltip=\"main -> run "
                                  "(100)\" labeltooltip=\"main -> run "
                                  "(100)\"]\n"));
        assert_true(strstr(e, "run -> hot") < strstr(e, "run -> warm"));
    }
    assert_true(strlen(s) > 2 && strcmp(s + strlen(s) - 2, "}\n") == 0);
    assert_quotes_balanced(s);
    /* the same bytes every time */
    again = dot_text(p, &o);
    assert_string_equal(s, again);
    free(again);
    free(s);
    /* -nodecount=2 keeps two boxes, and says so */
    o.nodecount = 2;
    s = dot_text(p, &o);
    assert_int_equal(count_lines(s, "N", "shape=box "), 2);
    assert_non_null(strstr(s, "Showing top 2 nodes out of 4\\l"));
    free(s);
    pf_profile_free(p);
}

static void test_report_dot__escapes_quotes_and_backslashes(void **state)
{
    pf_profile *p = pf_profile_new();
    pf_report_opts o = PF_REPORT_OPTS_INIT;
    pf_label lab = { "k", "a\"b", 0, NULL };
    uint32_t map, l[2];
    int64_t v = 10;
    char *s;
    (void)state;

    assert_int_equal(pf_profile_add_sample_type(p, "samples", "count"), 0);
    map = add_map(p, "/opt/my\"app\\1");
    l[0] = add_fn_loc(p, "say\"hi\\there", map, 0x1100);
    l[1] = add_fn_loc(p, "main", map, 0x1200);
    assert_int_equal(pf_profile_add_sample(p, l, 2, &v, &lab, 1), 0);
    s = dot_text(p, &o);
    assert_int_equal(strncmp(s, "digraph \"my\\\"app\\\\1\" {\n", 21), 0);
    assert_non_null(strstr(s, "subgraph cluster_L { "
                              "\"File: my\\\"app\\\\1\" "));
    assert_non_null(strstr(s, "[label=\"say\\\"hi\\\\there\\n10 (100%)\" "));
    assert_non_null(strstr(s, "tooltip=\"say\\\"hi\\\\there (10)\""));
    assert_non_null(strstr(s, "tooltip=\"main -> say\\\"hi\\\\there (10)\""));
    /* the label tag sub-node of the leaf */
    assert_non_null(strstr(s, "_0 [label = \"k:a\\\"b\" "));
    assert_quotes_balanced(s);
    free(s);
    pf_profile_free(p);
}

static void test_report_dot__empty_profile(void **state)
{
    pf_profile *p = pf_profile_new();
    pf_report_opts o = PF_REPORT_OPTS_INIT;
    pf_membuf mb = PF_MEMBUF_INIT;
    char *s;
    (void)state;

    /* no sample type at all: nothing to report */
    assert_int_equal(pf_report_write(p, pf_writer_membuf(&mb), PF_REPORT_DOT,
                                     &o), PF_EINVAL);
    pf_membuf_release(&mb);
    /* a sample type but no samples: the legend and no boxes */
    assert_int_equal(pf_profile_add_sample_type(p, "samples", "count"), 0);
    s = dot_text(p, &o);
    assert_string_equal(s,
        "digraph \"unnamed\" {\n"
        "node [style=filled fillcolor=\"#f8f8f8\"]\n"
        "subgraph cluster_L { \"Type: samples\" [shape=box fontsize=16 "
        "label=\"Type: samples\\lShowing nodes accounting for 0, 0% of 0 "
        "total\\l\\lSee https://git.io/JfYMW for how to read the graph"
        "\\l\"] }\n"
        "}\n");
    free(s);
    pf_profile_free(p);
}

/* Fail the Nth allocation, for every N until a run needs fewer, on a
 * profile with string and numeric labels (tags, collapsed ranges) and
 * a -nodecount that rebuilds the edges: PF_ENOMEM every time (or EIO
 * from the memory writer), never a crash or a leak (ASan build). */
static void test_report_dot__allocation_failures(void **state)
{
    pf_profile *p = call_tree();
    pf_report_opts o = PF_REPORT_OPTS_INIT;
    const pf_location *loc;
    unsigned long n;
    (void)state;

    /* six sizes on the leaf of the first stack, a label on the second */
    loc = pf_profile_location(p, 2);
    assert_non_null(loc);
    for (int i = 0; i < 6; i++) {
        uint32_t st[3] = { 2, 1, 0 };
        pf_label l[2] = { { "bytes", "", 16 << (2 * i), "bytes" },
                          { "request", "r\"1", 0, NULL } };
        int64_t v = 5 + i;
        assert_int_equal(pf_profile_add_sample(p, st, 3, &v, l, 2), 0);
    }
    o.nodecount = 3;
    for (n = 1; n < 100000; n++) {
        pf_membuf mb = PF_MEMBUF_INIT;
        int err;

        pf__alloc_fail_after(n);
        err = pf_report_write(p, pf_writer_membuf(&mb), PF_REPORT_DOT, &o);
        pf__alloc_fail_after(0);
        pf_membuf_release(&mb);
        if (err == PF_OK)
            break;
        if (err != PF_ENOMEM && err != PF_EIO)
            fail_msg("allocation %lu: error %d (%s)", n, err,
                     pf_error_last());
    }
    assert_true(n > 10 && n < 100000);
    {
        char *s = dot_text(p, &o);
        /* six sizes under the label tag: four boxes, one a range */
        assert_int_equal(count_lines(s, "NN1_0_", "shape=box3d"), 4);
        assert_int_equal(count_lines(s, "NN1_0_", "B.."), 1);
        assert_non_null(strstr(s, "request:r\\\"1"));
        free(s);
    }
    pf_profile_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_dot__structure),
        cmocka_unit_test(test_report_dot__escapes_quotes_and_backslashes),
        cmocka_unit_test(test_report_dot__empty_profile),
        cmocka_unit_test(test_report_dot__allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
