/* A tiny protobuf writer for hand-made (often broken) test inputs. */
#ifndef TESTS_PBUILD_H
#define TESTS_PBUILD_H

#include <stddef.h>
#include <stdint.h>

typedef struct pb {
    uint8_t data[4096];
    size_t len;
} pb;

void pb_varint(pb *b, uint64_t v);
void pb_tag(pb *b, uint32_t field, unsigned wt);
/* field = varint value */
void pb_uint(pb *b, uint32_t field, uint64_t v);
/* field = length-delimited bytes (a sub-message or a string) */
void pb_bytes(pb *b, uint32_t field, const void *data, size_t len);
void pb_msg(pb *b, uint32_t field, const pb *sub);
void pb_str(pb *b, uint32_t field, const char *s);
/* The standard string table: "", "samples", "count", "cpu", "nanoseconds",
 * "main", "main.c" (indices 0..6). */
void pb_strings(pb *b);

#endif
