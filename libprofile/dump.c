/*
 * The "raw" dump: the layout of the reference's `pprof -raw` (its
 * Profile.String()), so the two can be compared line by line, plus the
 * fields that layout leaves out (drop/keep frames, doc_url, columns),
 * each on a line of its own that pprof's layout never produces.
 * pprof's exact layout (pproftop -raw) and a JSON form of every field
 * (pproftop -raw -json) are written here too.
 */
#include "report_priv.h"

#include <stdlib.h>
#include <time.h>

/* Go's time.Time.String() for a UTC instant: "2006-01-02 15:04:05.999999999 +0000 UTC". */
static int write_go_time(pf_writer w, int64_t nanos)
{
    int64_t sec = nanos / 1000000000, ns = nanos % 1000000000;
    time_t t;
    struct tm tm;
    char frac[16] = "";

    if (ns < 0) {
        ns += 1000000000;
        sec--;
    }
    t = (time_t)sec;
    gmtime_r(&t, &tm);
    if (ns) {
        int len;
        snprintf(frac, sizeof(frac), ".%09lld", (long long)ns);
        len = (int)strlen(frac);
        while (len > 1 && frac[len - 1] == '0')
            frac[--len] = '\0';
    }
    return pf__writef(w, "Time: %04d-%02d-%02d %02d:%02d:%02d%s +0000 UTC\n",
                      tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                      tm.tm_min, tm.tm_sec, frac);
}

/* Go's time.Duration.String(). */
void pf__go_duration(char *buf, size_t size, int64_t d)
{
    uint64_t u = d < 0 ? (uint64_t)0 - (uint64_t)d : (uint64_t)d;
    const char *sign = d < 0 ? "-" : "";
    char frac[16];
    uint64_t whole, part;
    int digits, len;
    const char *unit;

    if (u == 0) {
        snprintf(buf, size, "0s");
        return;
    }
    if (u < 1000) {
        snprintf(buf, size, "%s%lluns", sign, (unsigned long long)u);
        return;
    }
    if (u < 1000000) {
        whole = u / 1000, part = u % 1000, digits = 3, unit = "µs";
    } else if (u < 1000000000) {
        whole = u / 1000000, part = u % 1000000, digits = 6, unit = "ms";
    } else {
        uint64_t s = u / 1000000000, ns = u % 1000000000;
        char fr[16] = "";
        if (ns) {
            snprintf(fr, sizeof(fr), ".%09llu", (unsigned long long)ns);
            len = (int)strlen(fr);
            while (fr[len - 1] == '0')
                fr[--len] = '\0';
        }
        if (s >= 3600)
            snprintf(buf, size, "%s%lluh%llum%llu%ss", sign,
                     (unsigned long long)(s / 3600),
                     (unsigned long long)(s / 60 % 60),
                     (unsigned long long)(s % 60), fr);
        else if (s >= 60)
            snprintf(buf, size, "%s%llum%llu%ss", sign,
                     (unsigned long long)(s / 60),
                     (unsigned long long)(s % 60), fr);
        else
            snprintf(buf, size, "%s%llu%ss", sign, (unsigned long long)s, fr);
        return;
    }
    frac[0] = '\0';
    if (part) {
        snprintf(frac, sizeof(frac), ".%0*llu", digits,
                 (unsigned long long)part);
        len = (int)strlen(frac);
        while (frac[len - 1] == '0')
            frac[--len] = '\0';
    }
    snprintf(buf, size, "%s%llu%s%s", sign, (unsigned long long)whole, frac,
             unit);
}

static int cmp_label_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "key:[v1 v2] key2:[v]" with keys sorted, for string or numeric labels. */
static int write_labels(pf_writer w, const pf_label *labs, size_t n,
                        bool numeric)
{
    const char **keys = NULL;
    size_t nkeys = 0, i, j, k;
    int err = PF_OK;
    bool any = false;

    for (i = 0; i < n; i++)
        if ((labs[i].str[0] != '\0') != numeric)
            any = true;
    if (!any)
        return PF_OK;
    keys = pf__malloc(n * sizeof(*keys));
    PF_CHECK_ALLOC(keys);
    for (i = 0; i < n; i++) {
        if ((labs[i].str[0] != '\0') == numeric)
            continue;
        for (k = 0; k < nkeys && keys[k] != labs[i].key; k++)
            ;
        if (k == nkeys)
            keys[nkeys++] = labs[i].key;
    }
    qsort(keys, nkeys, sizeof(*keys), cmp_label_str);
    if ((err = pf__write(w, "                ", 16)) < 0)
        goto done;
    for (k = 0; k < nkeys; k++) {
        bool all_units = true;
        if (numeric) {
            for (j = 0; j < n; j++)
                if (labs[j].key == keys[k] && !labs[j].str[0] && !labs[j].unit[0])
                    all_units = false;
        }
        if ((err = pf__writef(w, "%s%s:[", k ? " " : "", keys[k])) < 0)
            goto done;
        for (j = 0, i = 0; j < n; j++) {
            if (labs[j].key != keys[k] || (labs[j].str[0] != '\0') == numeric)
                continue;
            if (!numeric)
                err = pf__writef(w, "%s%s", i ? " " : "", labs[j].str);
            else if (all_units)
                err = pf__writef(w, "%s%lld %s", i ? " " : "",
                                 (long long)labs[j].num, labs[j].unit);
            else
                err = pf__writef(w, "%s%lld", i ? " " : "",
                                 (long long)labs[j].num);
            if (err < 0)
                goto done;
            i++;
        }
        if ((err = pf__write(w, "]", 1)) < 0)
            goto done;
    }
    err = pf__write(w, "\n", 1);
done:
    pf__free(keys);
    return err;
}

/* EXTRA: also the fields pprof's layout leaves out. */
static int write_dump(const pf_profile *p, pf_writer w, bool extra)
{
    size_t i, j;

    for (i = 0; i < p->ncomments; i++)
        PF_TRY(pf__writef(w, "Comment: %s\n", p->comments[i]));
    if (extra && p->drop_frames[0])
        PF_TRY(pf__writef(w, "DropFrames: %s\n", p->drop_frames));
    if (extra && p->keep_frames[0])
        PF_TRY(pf__writef(w, "KeepFrames: %s\n", p->keep_frames));
    if (extra && p->doc_url[0])
        PF_TRY(pf__writef(w, "DocURL: %s\n", p->doc_url));
    PF_TRY(pf__writef(w, "PeriodType: %s %s\n", p->period_type.type,
                      p->period_type.unit));
    PF_TRY(pf__writef(w, "Period: %lld\n", (long long)p->period));
    if (p->time_nanos)
        PF_TRY(write_go_time(w, p->time_nanos));
    if (p->duration_nanos) {
        char d[64];
        pf__go_duration(d, sizeof(d), p->duration_nanos);
        PF_TRY(pf__writef(w, "Duration: %.4s\n", d));
    }
    PF_TRY(pf__writef(w, "Samples:\n"));
    for (i = 0; i < p->nsample_types; i++) {
        const pf_value_type *vt = &p->sample_types[i];
        PF_TRY(pf__writef(w, "%s%s/%s%s", i ? " " : "", vt->type, vt->unit,
                          strcmp(vt->type, p->default_sample_type) == 0
                              ? "[dflt]" : ""));
    }
    PF_TRY(pf__write(w, "\n", 1));
    for (i = 0; i < p->nsamples; i++) {
        const pf_sample *s = &p->samples[i];
        const int64_t *v = pf__sample_vals(p, i);
        const uint32_t *locs = pf__sample_locs(p, s);
        for (j = 0; j < p->nsample_types; j++)
            PF_TRY(pf__writef(w, " %10lld", (long long)v[j]));
        PF_TRY(pf__write(w, ": ", 2));
        for (j = 0; j < s->nloc; j++)
            PF_TRY(pf__writef(w, "%llu ",
                              (unsigned long long)p->locations[locs[j]].id));
        PF_TRY(pf__write(w, "\n", 1));
        PF_TRY(write_labels(w, pf__sample_labels(p, s), s->nlabel, false));
        PF_TRY(write_labels(w, pf__sample_labels(p, s), s->nlabel, true));
    }
    PF_TRY(pf__writef(w, "Locations\n"));
    for (i = 0; i < p->nlocations; i++) {
        const pf_location *l = &p->locations[i];
        const pf_line *ln = pf__loc_lines(p, l);
        char head[96];
        int n = snprintf(head, sizeof(head), "%6llu: 0x%llx ",
                         (unsigned long long)l->id,
                         (unsigned long long)l->address);
        if (l->mapping != PF_NONE)
            n += snprintf(head + n, sizeof(head) - (size_t)n, "M=%llu ",
                          (unsigned long long)p->mappings[l->mapping].id);
        if (l->is_folded)
            snprintf(head + n, sizeof(head) - (size_t)n, "[F] ");
        if (l->nline == 0)
            PF_TRY(pf__writef(w, "%s\n", head));
        for (j = 0; j < l->nline; j++) {
            const pf_function *f = &p->functions[ln[j].function];
            PF_TRY(pf__writef(w, "%s%s %s:%lld s=%lld", j ? "             " : head,
                              f->name, f->filename, (long long)ln[j].line,
                              (long long)f->start_line));
            if (f->name != f->system_name)
                PF_TRY(pf__writef(w, "(%s)", f->system_name));
            if (extra && ln[j].column)
                PF_TRY(pf__writef(w, " col=%lld", (long long)ln[j].column));
            PF_TRY(pf__write(w, "\n", 1));
        }
    }
    PF_TRY(pf__writef(w, "Mappings\n"));
    for (i = 0; i < p->nmappings; i++) {
        const pf_mapping *m = &p->mappings[i];
        PF_TRY(pf__writef(w, "%llu: 0x%llx/0x%llx/0x%llx %s %s %s%s%s%s\n",
                          (unsigned long long)m->id,
                          (unsigned long long)m->start,
                          (unsigned long long)m->limit,
                          (unsigned long long)m->offset, m->file, m->build_id,
                          m->has_functions ? "[FN]" : "",
                          m->has_filenames ? "[FL]" : "",
                          m->has_line_numbers ? "[LN]" : "",
                          m->has_inline_frames ? "[IN]" : ""));
    }
    return PF_OK;
}

int pf_profile_write_dump(const pf_profile *p, pf_writer w)
{
    return write_dump(p, w, true);
}

int pf__profile_write_pprof_raw(const pf_profile *p, pf_writer w)
{
    return write_dump(p, w, false);
}

/* JSON: every field, ids as in the profile, addresses as hex strings
 * (they do not fit a JSON number), schema in docs/TOOLS-pproftop.md. */
static int json_kv(pf_writer w, const char *sep, const char *key,
                   const char *val)
{
    PF_TRY(pf__writef(w, "%s\"%s\": ", sep, key));
    return pf__json_str(w, val);
}

static int json_sample(pf_writer w, const pf_profile *p, size_t i)
{
    const pf_sample *s = &p->samples[i];
    const int64_t *v = pf__sample_vals(p, i);
    const uint32_t *locs = pf__sample_locs(p, s);
    const pf_label *l = pf__sample_labels(p, s);

    PF_TRY(pf__writef(w, "%s\n    {\"values\": [", i ? "," : ""));
    for (size_t j = 0; j < p->nsample_types; j++)
        PF_TRY(pf__writef(w, "%s%lld", j ? ", " : "", (long long)v[j]));
    PF_TRY(pf__writef(w, "], \"locations\": ["));
    for (size_t j = 0; j < s->nloc; j++)
        PF_TRY(pf__writef(w, "%s%llu", j ? ", " : "",
                          (unsigned long long)p->locations[locs[j]].id));
    PF_TRY(pf__writef(w, "], \"labels\": ["));
    for (size_t j = 0; j < s->nlabel; j++) {
        PF_TRY(json_kv(w, j ? ", {" : "{", "key", l[j].key));
        if (l[j].str[0])
            PF_TRY(json_kv(w, ", ", "str", l[j].str));
        else {
            PF_TRY(pf__writef(w, ", \"num\": %lld", (long long)l[j].num));
            PF_TRY(json_kv(w, ", ", "unit", l[j].unit));
        }
        PF_TRY(pf__write(w, "}", 1));
    }
    return pf__writef(w, "]}");
}

int pf__profile_write_json(const pf_profile *p, pf_writer w)
{
    size_t i, j;

    PF_TRY(pf__writef(w, "{\n  \"schema\": \"libprofile.raw/1\",\n"
                      "  \"comments\": ["));
    for (i = 0; i < p->ncomments; i++) {
        PF_TRY(pf__writef(w, "%s", i ? ", " : ""));
        PF_TRY(pf__json_str(w, p->comments[i]));
    }
    PF_TRY(json_kv(w, "],\n  ", "drop_frames", p->drop_frames));
    PF_TRY(json_kv(w, ",\n  ", "keep_frames", p->keep_frames));
    PF_TRY(json_kv(w, ",\n  ", "doc_url", p->doc_url));
    PF_TRY(json_kv(w, ",\n  \"period_type\": {", "type",
                   p->period_type.type));
    PF_TRY(json_kv(w, ", ", "unit", p->period_type.unit));
    PF_TRY(pf__writef(w, "},\n  \"period\": %lld,\n  \"time_nanos\": %lld,"
                      "\n  \"duration_nanos\": %lld,\n",
                      (long long)p->period, (long long)p->time_nanos,
                      (long long)p->duration_nanos));
    PF_TRY(json_kv(w, "  ", "default_sample_type", p->default_sample_type));
    PF_TRY(pf__writef(w, ",\n  \"sample_types\": ["));
    for (i = 0; i < p->nsample_types; i++) {
        PF_TRY(json_kv(w, i ? ", {" : "{", "type", p->sample_types[i].type));
        PF_TRY(json_kv(w, ", ", "unit", p->sample_types[i].unit));
        PF_TRY(pf__write(w, "}", 1));
    }
    PF_TRY(pf__writef(w, "],\n  \"samples\": ["));
    for (i = 0; i < p->nsamples; i++)
        PF_TRY(json_sample(w, p, i));
    PF_TRY(pf__writef(w, "%s],\n  \"locations\": [",
                      p->nsamples ? "\n  " : ""));
    for (i = 0; i < p->nlocations; i++) {
        const pf_location *l = &p->locations[i];
        const pf_line *ln = pf__loc_lines(p, l);
        PF_TRY(pf__writef(w, "%s\n    {\"id\": %llu, \"address\": \"0x%llx\", "
                          "\"mapping\": %llu, \"folded\": %s, \"lines\": [",
                          i ? "," : "", (unsigned long long)l->id,
                          (unsigned long long)l->address,
                          l->mapping != PF_NONE
                              ? (unsigned long long)p->mappings[l->mapping].id
                              : 0ULL,
                          l->is_folded ? "true" : "false"));
        for (j = 0; j < l->nline; j++)
            PF_TRY(pf__writef(w, "%s{\"function\": %llu, \"line\": %lld, "
                              "\"column\": %lld}", j ? ", " : "",
                              (unsigned long long)p->functions[ln[j].function].id,
                              (long long)ln[j].line, (long long)ln[j].column));
        PF_TRY(pf__writef(w, "]}"));
    }
    PF_TRY(pf__writef(w, "%s],\n  \"functions\": [",
                      p->nlocations ? "\n  " : ""));
    for (i = 0; i < p->nfunctions; i++) {
        const pf_function *f = &p->functions[i];
        PF_TRY(pf__writef(w, "%s\n    {\"id\": %llu", i ? "," : "",
                          (unsigned long long)f->id));
        PF_TRY(json_kv(w, ", ", "name", f->name));
        PF_TRY(json_kv(w, ", ", "system_name", f->system_name));
        PF_TRY(json_kv(w, ", ", "filename", f->filename));
        PF_TRY(pf__writef(w, ", \"start_line\": %lld}",
                          (long long)f->start_line));
    }
    PF_TRY(pf__writef(w, "%s],\n  \"mappings\": [",
                      p->nfunctions ? "\n  " : ""));
    for (i = 0; i < p->nmappings; i++) {
        const pf_mapping *m = &p->mappings[i];
        PF_TRY(pf__writef(w, "%s\n    {\"id\": %llu, \"start\": \"0x%llx\", "
                          "\"limit\": \"0x%llx\", \"offset\": \"0x%llx\"",
                          i ? "," : "", (unsigned long long)m->id,
                          (unsigned long long)m->start,
                          (unsigned long long)m->limit,
                          (unsigned long long)m->offset));
        PF_TRY(json_kv(w, ", ", "file", m->file));
        PF_TRY(json_kv(w, ", ", "build_id", m->build_id));
        PF_TRY(pf__writef(w, ", \"has_functions\": %s, \"has_filenames\": %s, "
                          "\"has_line_numbers\": %s, "
                          "\"has_inline_frames\": %s}",
                          m->has_functions ? "true" : "false",
                          m->has_filenames ? "true" : "false",
                          m->has_line_numbers ? "true" : "false",
                          m->has_inline_frames ? "true" : "false"));
    }
    return pf__writef(w, "%s]\n}\n", p->nmappings ? "\n  " : "");
}
