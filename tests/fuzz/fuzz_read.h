/*
 * The property every reader's fuzz target checks, through
 * pf_profile_read: whatever is accepted passes pf_profile_check and
 * survives encode -> decode with an identical dump; whatever is refused
 * returns no profile and says why. Targets differ only in their corpus.
 *
 * One thing profile.proto cannot carry: a numeric label 0 without a
 * unit (the Go heap reader's block size of an all-zero record, which
 * the reference's parser keeps too) is dropped by every decoder, the
 * reference's included. Dump lines holding only such labels are left
 * out of the comparison, on both sides: a string label "0" prints the
 * same way and survives, so it is left out of both.
 */
#ifndef TESTS_FUZZ_READ_H
#define TESTS_FUZZ_READ_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"

static void fuzz_dump(const pf_profile *p, pf_membuf *mb)
{
    if (pf_profile_write_dump(p, pf_writer_membuf(mb)) != PF_OK)
        abort();
}

/* Is the dump line S (LEN bytes, no newline) numeric labels only, all
 * of them "key:[0 ...]" without units? */
static int fuzz_zero_label_line(const char *s, size_t len)
{
    size_t i = 0;

    if (len <= 16 || memcmp(s, "                ", 16) != 0)
        return 0;
    i = 16;
    while (i < len) {
        while (i < len && s[i] != ':' && s[i] != ' ')
            i++;
        if (i + 2 >= len || s[i] != ':' || s[i + 1] != '[')
            return 0;
        i += 2;
        for (;;) {
            if (i >= len || s[i] != '0')
                return 0;
            i++;
            if (i < len && s[i] == ']')
                break;
            if (i >= len || s[i] != ' ')
                return 0;
            i++;
        }
        i++;
        if (i < len && s[i++] != ' ')
            return 0;
    }
    return 1;
}

static void fuzz_strip_zero_labels(pf_membuf *mb)
{
    size_t r = 0, w = 0;

    while (r < mb->len) {
        const unsigned char *nl = memchr(mb->data + r, '\n', mb->len - r);
        size_t end = nl ? (size_t)(nl - mb->data) + 1 : mb->len;
        if (!fuzz_zero_label_line((const char *)mb->data + r,
                                  end - r - (nl ? 1 : 0))) {
            memmove(mb->data + w, mb->data + r, end - r);
            w += end - r;
        }
        r = end;
    }
    mb->len = w;
}

static int fuzz_read_roundtrip(const uint8_t *data, size_t size)
{
    pf_decode_opts o = PF_DECODE_OPTS_INIT;
    pf_encode_opts e = PF_ENCODE_OPTS_INIT;
    pf_profile *p = NULL, *q = NULL;
    pf_membuf enc = PF_MEMBUF_INIT, d1 = PF_MEMBUF_INIT, d2 = PF_MEMBUF_INIT;

    o.max_inflated = 1u << 24;
    o.max_records = 1u << 20;
    e.raw = true;
    if (pf_profile_read(&p, NULL, data, size, &o) != PF_OK) {
        if (p != NULL || pf_error_last()[0] == '\0')
            abort();
        return 0;
    }
    if (pf_profile_check(p) != PF_OK)
        abort();
    if (pf_profile_encode(p, pf_writer_membuf(&enc), &e) != PF_OK)
        abort();
    if (pf_profile_decode(&q, enc.data, enc.len, NULL) != PF_OK)
        abort();
    fuzz_dump(p, &d1);
    fuzz_dump(q, &d2);
    fuzz_strip_zero_labels(&d1);
    fuzz_strip_zero_labels(&d2);
    if (d1.len != d2.len || memcmp(d1.data, d2.data, d1.len) != 0)
        abort();
    pf_profile_free(p);
    pf_profile_free(q);
    pf_membuf_release(&enc);
    pf_membuf_release(&d1);
    pf_membuf_release(&d2);
    return 0;
}

#endif
