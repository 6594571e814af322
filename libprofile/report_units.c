/*
 * Value formatting the way pprof's measurement package does it: unit
 * families (bytes, time, GCU) with aliases, "minimum"/"auto" scaling,
 * "%.2f" labels without a ".00" tail, percentages with at least two
 * significant digits.
 */
#include "merge_priv.h"
#include "report_priv.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>

typedef struct unit_def {
    const char *name;           /* canonical, printed */
    const char *aliases[4];
    double factor;
} unit_def;

typedef struct unit_family {
    const unit_def *units;
    size_t n;
    const char *default_name;
    double default_factor;
} unit_family;

static const unit_def mem_units[] = {
    { "B", { "b", "byte" }, 1 },
    { "kB", { "kb", "kbyte", "kilobyte" }, 1024.0 },
    { "MB", { "mb", "mbyte", "megabyte" }, 1048576.0 },
    { "GB", { "gb", "gbyte", "gigabyte" }, 1073741824.0 },
    { "TB", { "tb", "tbyte", "terabyte" }, 1099511627776.0 },
    { "PB", { "pb", "pbyte", "petabyte" }, 1125899906842624.0 },
};
static const unit_def time_units[] = {
    { "ns", { "ns", "nanosecond" }, 1 },
    { "us", { "\xce\xbcs", "us", "microsecond" }, 1e3 },
    { "ms", { "ms", "millisecond" }, 1e6 },
    { "s", { "s", "sec", "second" }, 1e9 },
    { "hrs", { "hour", "hr" }, 3600e9 },
};
static const unit_def gcu_units[] = {
    { "n*GCU", { "nanogcu" }, 1e-9 },
    { "u*GCU", { "microgcu" }, 1e-6 },
    { "m*GCU", { "milligcu" }, 1e-3 },
    { "GCU", { "gcu" }, 1 },
    { "k*GCU", { "kilogcu" }, 1e3 },
    { "M*GCU", { "megagcu" }, 1e6 },
    { "G*GCU", { "gigagcu" }, 1e9 },
    { "T*GCU", { "teragcu" }, 1e12 },
    { "P*GCU", { "petagcu" }, 1e15 },
};

static const unit_family families[] = {
    { mem_units, sizeof(mem_units) / sizeof(mem_units[0]), "B", 1 },
    { time_units, sizeof(time_units) / sizeof(time_units[0]), "s", 1e9 },
    { gcu_units, sizeof(gcu_units) / sizeof(gcu_units[0]), "GCU", 1 },
};

/* pprof's sniffUnit: lower-case, drop a trailing 's' from names longer
 * than two bytes, then look the alias up. */
static const unit_def *sniff(const unit_family *f, const char *unit)
{
    char low[64];
    size_t n = strlen(unit);

    if (n >= sizeof(low))
        return NULL;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)tolower((unsigned char)unit[i]);
    low[n] = '\0';
    if (n > 2 && low[n - 1] == 's')
        low[--n] = '\0';
    for (size_t i = 0; i < f->n; i++)
        for (size_t a = 0; a < 4 && f->units[i].aliases[a]; a++)
            if (strcmp(low, f->units[i].aliases[a]) == 0)
                return &f->units[i];
    return NULL;
}

int pf__unit_family(const char *unit)
{
    for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
        if (sniff(&families[i], unit))
            return (int)i;
    return -1;
}

bool pf__unit_factor(const char *unit, int *family, double *factor)
{
    for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
        const unit_def *u = sniff(&families[i], unit);
        if (u) {
            *family = (int)i;
            *factor = u->factor;
            return true;
        }
    }
    return false;
}

static bool convert(const unit_family *f, int64_t value, const char *from,
                    const char *to, double *out, const char **unit)
{
    const unit_def *fu = sniff(f, from), *tu;
    double v;

    if (!fu)
        return false;
    v = (double)value * fu->factor;
    if (strcmp(to, "minimum") == 0 || strcmp(to, "auto") == 0) {
        double best = 0;
        const char *name = NULL;
        for (size_t i = 0; i < f->n; i++) {
            if (f->units[i].factor >= best && v / f->units[i].factor >= 1.0) {
                best = f->units[i].factor;
                name = f->units[i].name;
            }
        }
        if (name) {
            *out = v / best;
            *unit = name;
            return true;
        }
        *out = v / f->default_factor;
        *unit = f->default_name;
        return true;
    }
    tu = sniff(f, to);
    if (!tu) {
        *out = v / f->default_factor;
        *unit = f->default_name;
        return true;
    }
    *out = v / tu->factor;
    *unit = tu->name;
    return true;
}

double pf_unit_scale(int64_t value, const char *from, const char *to,
                     const char **unit_out)
{
    double v;
    const char *u;

    if (!from)
        from = "";
    if (!to)
        to = "";
    if (value < 0 && value != INT64_MIN) {
        v = pf_unit_scale(-value, from, to, unit_out);
        return -v;
    }
    for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
        if (convert(&families[i], value, from, to, &v, &u)) {
            *unit_out = u;
            return v;
        }
    }
    if (strcmp(to, "count") == 0 || strcmp(to, "sample") == 0 ||
        strcmp(to, "unit") == 0 || strcmp(to, "minimum") == 0 ||
        strcmp(to, "auto") == 0)
        *unit_out = "";
    else
        *unit_out = to;
    return (double)value;
}

void pf_unit_label(char *buf, size_t size, int64_t value, const char *from,
                   const char *to)
{
    const char *u;
    double v = pf_unit_scale(value, from, to, &u);
    char num[400];
    size_t n;

    snprintf(num, sizeof(num), "%.2f", v);
    n = strlen(num);
    if (n >= 3 && strcmp(num + n - 3, ".00") == 0)
        num[n - 3] = '\0';
    if (strcmp(num, "0") == 0 || strcmp(num, "-0") == 0) {
        snprintf(buf, size, "0");
        return;
    }
    snprintf(buf, size, "%s%s", num, u);
}

size_t pf__utf8_chars(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

void pf_unit_percentage(char *buf, size_t size, int64_t value, int64_t total)
{
    double ratio = 0;

    if (total != 0)
        ratio = fabs((double)value / (double)total) * 100;
    if (ratio >= 99.95 && ratio <= 100.05)
        snprintf(buf, size, "  100%%");
    else if (ratio >= 1.0)
        snprintf(buf, size, "%5.2f%%", ratio);
    else
        snprintf(buf, size, "%5.2g%%", ratio);
}

size_t pf__unit_ladder(const char *unit, const char **names, double *factors,
                       size_t max, size_t *def)
{
    *def = 0;
    for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
        const unit_family *f = &families[i];
        const unit_def *from = sniff(f, unit ? unit : "");
        size_t n = 0;

        if (!from)
            continue;
        for (size_t j = 0; j < f->n && n < max; j++, n++) {
            names[n] = f->units[j].name;
            factors[n] = f->units[j].factor / from->factor;
            if (strcmp(f->units[j].name, f->default_name) == 0)
                *def = n;
        }
        return n;
    }
    return 0;
}
