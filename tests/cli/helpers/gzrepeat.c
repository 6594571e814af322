/*
 * gzrepeat: write to stdout a gzip file that inflates to N bytes of a
 * repeated pattern, in a fraction of the time and memory gzip(1) would
 * take: one 1 MiB run is compressed once, ending in a full flush (byte
 * aligned, no reference to earlier data), and its compressed bytes are
 * written as many times as needed. The trailer's CRC is combined from
 * the run's; ISIZE can be forged.
 *
 *   gzrepeat [-p HEX] [-i ISIZE] N      N, ISIZE: bytes, K/M/G suffixes
 *
 * Test inputs for the memory caps: 10 GiB of zeros (a gzip bomb),
 * 1e9 bytes of empty string_table entries (-p 3200).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define RUN (1u << 20)

static uint64_t parse_size(const char *s)
{
    char *end;
    uint64_t v;

    errno = 0;
    v = strtoull(s, &end, 0);
    if (errno || end == s)
        goto bad;
    switch (*end) {
    case 'K': v <<= 10; end++; break;
    case 'M': v <<= 20; end++; break;
    case 'G': v <<= 30; end++; break;
    default: break;
    }
    if (*end == '\0')
        return v;
bad:
    fprintf(stderr, "gzrepeat: bad size '%s'\n", s);
    exit(2);
}

/* Raw-deflate LEN bytes of IN ending with FLUSH; returns the bytes in
 * a malloc'd buffer, their number in *OUTLEN. */
static unsigned char *deflate_run(const unsigned char *in, size_t len,
                                  int flush, size_t *outlen)
{
    z_stream z;
    size_t cap = deflateBound(NULL, len) + 64;
    unsigned char *out = malloc(cap);

    memset(&z, 0, sizeof(z));
    if (!out || deflateInit2(&z, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) !=
                    Z_OK) {
        fprintf(stderr, "gzrepeat: zlib init failed\n");
        exit(1);
    }
    z.next_in = (unsigned char *)in;
    z.avail_in = (uInt)len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    if (deflate(&z, flush) == Z_STREAM_ERROR || z.avail_in != 0) {
        fprintf(stderr, "gzrepeat: deflate failed\n");
        exit(1);
    }
    *outlen = cap - z.avail_out;
    deflateEnd(&z);
    return out;
}

static void put(const void *p, size_t n)
{
    if (fwrite(p, 1, n, stdout) != n) {
        perror("gzrepeat: write");
        exit(1);
    }
}

int main(int argc, char **argv)
{
    static const unsigned char hdr[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3 };
    unsigned char pat[256], *run, *full, *tail, *fin, trailer[8];
    size_t plen = 1, runlen, fulllen, taillen, finlen, i;
    uint64_t n, nruns, rest, isize = 0, k;
    uLong crc = crc32(0, NULL, 0), runcrc;
    int have_isize = 0, c;

    pat[0] = 0;
    while ((c = getopt(argc, argv, "p:i:")) != -1) {
        if (c == 'p') {
            plen = strlen(optarg) / 2;
            if (plen == 0 || plen > sizeof(pat) || strlen(optarg) % 2)
                goto usage;
            for (i = 0; i < plen; i++)
                if (sscanf(optarg + 2 * i, "%2hhx", &pat[i]) != 1)
                    goto usage;
        } else if (c == 'i') {
            isize = parse_size(optarg);
            have_isize = 1;
        } else {
            goto usage;
        }
    }
    if (optind + 1 != argc)
        goto usage;
    n = parse_size(argv[optind]);
    runlen = RUN / plen * plen;
    run = malloc(runlen);
    if (!run)
        return 1;
    for (i = 0; i < runlen; i++)
        run[i] = pat[i % plen];
    nruns = n / runlen;
    rest = n % runlen;      /* a whole number of patterns if plen | n */
    full = deflate_run(run, runlen, Z_FULL_FLUSH, &fulllen);
    tail = deflate_run(run, (size_t)rest, Z_FULL_FLUSH, &taillen);
    fin = deflate_run(run, 0, Z_FINISH, &finlen);
    runcrc = crc32(0, run, (uInt)runlen);
    put(hdr, sizeof(hdr));
    for (k = 0; k < nruns; k++) {
        put(full, fulllen);
        crc = crc32_combine(crc, runcrc, (z_off_t)runlen);
    }
    put(tail, taillen);
    crc = crc32_combine(crc, crc32(0, run, (uInt)rest), (z_off_t)rest);
    put(fin, finlen);
    if (!have_isize)
        isize = n;
    for (i = 0; i < 4; i++) {
        trailer[i] = (unsigned char)(crc >> (8 * i));
        trailer[4 + i] = (unsigned char)(isize >> (8 * i));
    }
    put(trailer, sizeof(trailer));
    free(run);
    free(full);
    free(tail);
    free(fin);
    return fflush(stdout) == 0 ? 0 : 1;
usage:
    fprintf(stderr, "usage: gzrepeat [-p HEX] [-i ISIZE] N > out.gz\n");
    return 2;
}
