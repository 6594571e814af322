/*
 * Go debug=2 goroutine dump (docs/FORMATS.md 2.5) for profiles whose samples
 * are goroutine or thread stacks (one sample type with unit "count":
 * goroutine, threadcreate, threads, custom profiles).
 *
 * A sample of value N stands for N goroutines with that stack, so it
 * is written as N blocks, numbered 1, 2, ... in sample order. Readers
 * that count goroutines per stack get the profile back.
 *
 * The labels our debug=2 reader makes of a dump are put back where it
 * found them: `state` (string) is the status in brackets ("unknown"
 * without one: a proto does not record it), `wait` (numeric, minutes)
 * the ", N minutes" part, `locked` = "true" the ", locked to thread"
 * part, `created_by` (string) a "created by FUNC" line (its file line
 * is not kept, so none is written). Other labels have no place here.
 *
 * Frames: every frame of the stack (unlike Go, runtime frames are not
 * hidden: they are the profile's data). Inlined frames print as
 * "f(...)" + "\tfile:line", the physical frame of a location as "f()" +
 * "\tfile:line +0x0": the proto keeps neither argument values nor
 * function entries, so the argument list is empty and the offset 0. A
 * location without symbols is "non-Go function at pc=0x...".
 */
#include "text_write.h"

#include <stdlib.h>

static const pf_label *find_label(const pf_profile *p, const pf_sample *s,
                                  const char *key, bool numeric)
{
    const pf_label *l = pf__sample_labels(p, s);
    uint32_t i;

    for (i = 0; i < s->nlabel; i++)
        if (strcmp(l[i].key, key) == 0 && (l[i].str[0] == '\0') == numeric)
            return &l[i];
    return NULL;
}

static int header(pf_tsink *o, const pf_profile *p, const pf_sample *s,
                  int64_t gid)
{
    const pf_label *st = find_label(p, s, "state", false);
    const pf_label *m = find_label(p, s, "wait", true);
    const pf_label *lk = find_label(p, s, "locked", false);

    PF_TRY(pf__tsink_printf(o, "goroutine %lld [%s", (long long)gid,
                            st ? st->str : "unknown"));
    if (m && m->num > 0 && (!m->unit[0] || strcmp(m->unit, "minutes") == 0))
        PF_TRY(pf__tsink_printf(o, ", %lld minutes", (long long)m->num));
    if (lk && strcmp(lk->str, "true") == 0)
        PF_TRY(pf__tsink_puts(o, ", locked to thread"));
    return pf__tsink_puts(o, "]:\n");
}

static int frames(pf_tsink *o, const pf_profile *p, const pf_sample *s)
{
    const uint32_t *locs = pf__sample_locs(p, s);
    uint32_t i, j;

    for (i = 0; i < s->nloc; i++) {
        const pf_location *l = &p->locations[locs[i]];
        const pf_line *ln = pf__loc_lines(p, l);
        bool named = false;

        for (j = 0; j < l->nline; j++)
            named |= pf__func_display(p, ln[j].function)[0] != '\0';
        if (!named) {
            PF_TRY(pf__tsink_printf(o, "non-Go function at pc=0x%llx\n",
                                    (unsigned long long)l->address));
            continue;
        }
        for (j = 0; j < l->nline; j++) {
            const pf_function *f = &p->functions[ln[j].function];
            const char *name = pf__func_display(p, ln[j].function);

            bool phys = j + 1 == l->nline;

            PF_TRY(pf__tsink_printf(o, "%s(%s)\n\t%s:%lld%s\n",
                                    name[0] ? name : "?", phys ? "" : "...",
                                    f->filename, (long long)ln[j].line,
                                    phys ? " +0x0" : ""));
        }
    }
    {
        const pf_label *cb = find_label(p, s, "created_by", false);
        if (cb)
            PF_TRY(pf__tsink_printf(o, "created by %s\n", cb->str));
    }
    return PF_OK;
}

/* Go programs run millions of goroutines at most; a dump of more is
 * gigabytes of text. */
#define PF_DEBUG2_MAX_GOROUTINES (16 * 1024 * 1024)

int pf_profile_write_debug2(const pf_profile *p, pf_writer w)
{
    pf_tsink out;
    int64_t next = 1;
    size_t i;
    bool first = true;
    int err = PF_OK;

    if (p->nsample_types != 1 ||
        strcmp(p->sample_types[0].unit, "count") != 0) {
        const char *what = "this profile";
        size_t t;
        for (t = 0; t < p->nsample_types; t++) {
            const char *ty = p->sample_types[t].type;
            if (strcmp(ty, "cpu") == 0)
                what = "a cpu profile";
            else if (strcmp(ty, "inuse_space") == 0 ||
                     strcmp(ty, "space") == 0)
                what = "a heap profile";
            else if (strcmp(ty, "contentions") == 0)
                what = "a contention profile";
        }
        return pf__error_set(PF_EUNSUPPORTED,
                             "%s has no debug=2 text form (a goroutine "
                             "dump needs one stack per goroutine: "
                             "goroutine, threadcreate or other count "
                             "profiles)", what);
    }
    {
        /* One block per goroutine: a count in the billions (a damaged
         * or hostile input) would write forever. Refuse it up front. */
        uint64_t total = 0;
        for (i = 0; i < p->nsamples; i++) {
            int64_t n = pf__sample_vals(p, i)[0];
            if (n > 0)
                total += (uint64_t)n;
            if (n > PF_DEBUG2_MAX_GOROUTINES ||
                total > PF_DEBUG2_MAX_GOROUTINES)
                return pf__error_set(PF_ETOOBIG,
                                     "sample %zu: more than %d goroutines "
                                     "in all, too many for a debug=2 "
                                     "dump", i, PF_DEBUG2_MAX_GOROUTINES);
        }
    }
    pf__tsink_init(&out, w);
    for (i = 0; i < p->nsamples && err == PF_OK; i++) {
        const pf_sample *s = &p->samples[i];
        int64_t n = pf__sample_vals(p, i)[0], k;

        if (n < 0) {
            err = pf__error_set(PF_EUNSUPPORTED,
                                "sample %zu: negative count %lld (a diff?) "
                                "has no debug=2 text form", i, (long long)n);
            break;
        }
        for (k = 0; k < n && err == PF_OK; k++) {
            if ((!first && (err = pf__tsink_putc(&out, '\n')) < 0) ||
                (err = header(&out, p, s, next++)) < 0)
                break;
            err = frames(&out, p, s);
            first = false;
        }
    }
    if (err < 0 && out.err == PF_OK)
        out.err = err;
    {
        int ferr = pf__tsink_finish(&out);
        if (err == PF_OK)
            err = ferr;
    }
    return err;
}
