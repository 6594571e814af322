#include "pbuild.h"

#include <stdlib.h>
#include <string.h>

static void put(pb *b, const void *d, size_t n)
{
    if (b->len + n > sizeof(b->data))
        abort();
    memcpy(b->data + b->len, d, n);
    b->len += n;
}

void pb_varint(pb *b, uint64_t v)
{
    uint8_t c;

    while (v >= 0x80) {
        c = (uint8_t)(v | 0x80);
        put(b, &c, 1);
        v >>= 7;
    }
    c = (uint8_t)v;
    put(b, &c, 1);
}

void pb_tag(pb *b, uint32_t field, unsigned wt)
{
    pb_varint(b, (uint64_t)field << 3 | wt);
}

void pb_uint(pb *b, uint32_t field, uint64_t v)
{
    pb_tag(b, field, 0);
    pb_varint(b, v);
}

void pb_bytes(pb *b, uint32_t field, const void *data, size_t len)
{
    pb_tag(b, field, 2);
    pb_varint(b, len);
    put(b, data, len);
}

void pb_msg(pb *b, uint32_t field, const pb *sub)
{
    pb_bytes(b, field, sub->data, sub->len);
}

void pb_str(pb *b, uint32_t field, const char *s)
{
    pb_bytes(b, field, s, strlen(s));
}

void pb_strings(pb *b)
{
    static const char *const strs[] = { "", "samples", "count", "cpu",
                                        "nanoseconds", "main", "main.c" };
    size_t i;

    for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
        pb_str(b, 6, strs[i]);
}
