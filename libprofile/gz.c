/*
 * gzip framing with zlib: inflate every member of a stream with a cap
 * on the output size (gzip bombs), deflate to a writer.
 */
#include "internal.h"

#include <zlib.h>

bool pf__is_gzip(const void *buf, size_t len)
{
    const unsigned char *b = buf;
    return len >= 2 && b[0] == 0x1f && b[1] == 0x8b;
}

int pf__gunzip(unsigned char **out, size_t *outlen, const void *buf,
               size_t len, uint64_t cap)
{
    z_stream z;
    unsigned char *dst = NULL;
    size_t dcap, dlen = 0;
    int err = PF_OK, zr;

    *out = NULL;
    *outlen = 0;
    if (cap == 0)
        cap = PF_MAX_INFLATED_DEFAULT;
    memset(&z, 0, sizeof(z));
    if (inflateInit2(&z, 15 + 16) != Z_OK)
        return pf__error_oom();
    /* A guess at the ratio; grows geometrically from there. */
    dcap = len < ((size_t)1 << 28) ? len * 4 + 1024 : len;
    if (dcap > cap)
        dcap = (size_t)cap + 1;
    dst = pf__malloc(dcap);
    if (!dst) {
        err = pf__error_oom();
        goto done;
    }
    z.next_in = (unsigned char *)(uintptr_t)buf;
    for (;;) {
        size_t avail_in = len - (size_t)((const unsigned char *)z.next_in -
                                         (const unsigned char *)buf);
        size_t chunk_in = avail_in > UINT32_MAX ? UINT32_MAX : avail_in;
        size_t room;

        if (dlen == dcap) {
            size_t ncap = dcap * 2;
            unsigned char *nd;
            if (dlen > cap) {
                err = pf__error_set(PF_ETOOBIG,
                                    "decompressed data exceeds the limit of "
                                    "%llu bytes", (unsigned long long)cap);
                goto done;
            }
            if (ncap > cap + 1)
                ncap = (size_t)cap + 1;
            nd = pf__realloc(dst, ncap);
            if (!nd) {
                err = pf__error_oom();
                goto done;
            }
            dst = nd;
            dcap = ncap;
        }
        room = dcap - dlen;
        z.avail_in = (uInt)chunk_in;
        z.next_out = dst + dlen;
        z.avail_out = room > UINT32_MAX ? UINT32_MAX : (uInt)room;
        zr = inflate(&z, Z_NO_FLUSH);
        dlen = (size_t)(z.next_out - dst);
        if (dlen > cap) {
            err = pf__error_set(PF_ETOOBIG,
                                "decompressed data exceeds the limit of %llu "
                                "bytes", (unsigned long long)cap);
            goto done;
        }
        if (zr == Z_STREAM_END) {
            size_t consumed = (size_t)((const unsigned char *)z.next_in -
                                       (const unsigned char *)buf);
            /* Another member follows? (skip trailing zero padding) */
            if (consumed + 2 <= len && pf__is_gzip(z.next_in, len - consumed)) {
                inflateReset(&z);
                continue;
            }
            break;
        }
        if (zr == Z_BUF_ERROR && z.avail_in == 0 && avail_in == chunk_in) {
            err = pf__error_set(PF_EFORMAT,
                                "gzip: unexpected end of data at byte %zu",
                                len);
            goto done;
        }
        if (zr != Z_OK && zr != Z_BUF_ERROR) {
            err = pf__error_set(PF_EFORMAT, "gzip: %s at compressed byte %zu",
                                z.msg ? z.msg : "corrupt data",
                                (size_t)((const unsigned char *)z.next_in -
                                         (const unsigned char *)buf));
            goto done;
        }
    }
    *out = dst;
    *outlen = dlen;
    dst = NULL;
done:
    inflateEnd(&z);
    pf__free(dst);
    return err;
}

int pf__gzip_write(pf_writer w, const void *buf, size_t len, int level)
{
    unsigned char out[1 << 16];
    z_stream z;
    size_t done_in = 0;
    int err = PF_OK, zr;

    memset(&z, 0, sizeof(z));
    if (level <= 0 || level > 9)
        level = 1;
    if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK)
        return pf__error_oom();
    do {
        size_t left = len - done_in;
        uInt chunk = left > (1u << 30) ? (1u << 30) : (uInt)left;
        int flush = (left == chunk) ? Z_FINISH : Z_NO_FLUSH;
        z.next_in = (unsigned char *)(uintptr_t)buf + done_in;
        z.avail_in = chunk;
        do {
            z.next_out = out;
            z.avail_out = sizeof(out);
            zr = deflate(&z, flush);
            if (zr == Z_STREAM_ERROR) {
                err = pf__error_set(PF_EIO, "deflate failed");
                goto done;
            }
            if ((err = pf__write(w, out, sizeof(out) - z.avail_out)) < 0)
                goto done;
        } while (z.avail_out == 0);
        done_in += chunk - z.avail_in;
    } while (zr != Z_STREAM_END);
done:
    deflateEnd(&z);
    return err;
}
