/*
 * bench_codec: where the time of a proto -> proto conversion goes.
 *
 *   bench_codec [-r REPEAT] [-l LEVEL] [-t THREADS] FILE.pb.gz
 *
 * Reads FILE once, then times, each REPEAT times (best run reported):
 *
 *   zlib_inflate  gunzip with plain zlib in this program (a reference
 *                 point; the library uses libdeflate: its inflate time
 *                 is decode - decode_raw)
 *   decode_raw    pf_profile_decode() of the already inflated bytes
 *   decode        pf_profile_decode() of the gzipped file
 *   encode_raw    pf_profile_encode(raw) into memory
 *   encode        pf_profile_encode(gzip, LEVEL) into memory
 *
 * and prints per phase the wall time, the CPU time of all threads and
 * the speed in MB/s of serialized profile, plus the peak RSS of the
 * whole run. -t THREADS sets the gzip threads (default: one per CPU). Only the
 * public API is used; output goes to memory, so disk speed is out of
 * the picture.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "profile.h"

static double clock_s(clockid_t id)
{
    struct timespec ts;

    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Wall and CPU (all threads) time of one phase; the best of the
 * repeats is kept for each. */
typedef struct phase {
    double wall, cpu, w0, c0;
} phase;

static void start(phase *ph)
{
    ph->w0 = clock_s(CLOCK_MONOTONIC);
    ph->c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
}

static void stop(phase *ph)
{
    double w = clock_s(CLOCK_MONOTONIC) - ph->w0;
    double c = clock_s(CLOCK_PROCESS_CPUTIME_ID) - ph->c0;

    if (ph->wall == 0 || w < ph->wall)
        ph->wall = w;
    if (ph->cpu == 0 || c < ph->cpu)
        ph->cpu = c;
}

static void die(const char *what, int err)
{
    fprintf(stderr, "bench_codec: %s: %s\n", what,
            err < 0 && pf_error_last()[0] ? pf_error_last() : strerror(errno));
    exit(1);
}

static unsigned char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf;
    long n;

    if (!f || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0)
        die(path, 0);
    buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
        die(path, 0);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* Multi-member gunzip with zlib; the output size is known from a
 * first pass. */
static unsigned char *inflate_all(const unsigned char *in, size_t len,
                                  size_t *outlen, size_t hint)
{
    size_t cap = hint ? hint : len * 4, n = 0;
    unsigned char *out = malloc(cap);
    z_stream z;
    int zr;

    memset(&z, 0, sizeof(z));
    if (!out || inflateInit2(&z, 15 + 16) != Z_OK)
        die("inflate init", 0);
    z.next_in = (unsigned char *)(uintptr_t)in;
    z.avail_in = (uInt)len;
    for (;;) {
        if (n == cap) {
            cap *= 2;
            out = realloc(out, cap);
            if (!out)
                die("inflate", 0);
        }
        z.next_out = out + n;
        z.avail_out = (uInt)(cap - n > (1u << 30) ? (1u << 30) : cap - n);
        zr = inflate(&z, Z_NO_FLUSH);
        n = (size_t)(z.next_out - out);
        if (zr == Z_STREAM_END) {
            if (z.avail_in >= 2 && z.next_in[0] == 0x1f && z.next_in[1] == 0x8b) {
                inflateReset(&z);
                continue;
            }
            break;
        }
        if (zr != Z_OK && zr != Z_BUF_ERROR)
            die("inflate: corrupt input", 0);
        if (zr == Z_BUF_ERROR && z.avail_in == 0)
            die("inflate: truncated input", 0);
    }
    inflateEnd(&z);
    *outlen = n;
    return out;
}

static void report(const char *name, const phase *ph, size_t rawlen)
{
    printf("%-12s %8.3f %8.3f %10.1f\n", name, ph->wall, ph->cpu,
           (double)rawlen / 1e6 / ph->wall);
}

int main(int argc, char **argv)
{
    pf_encode_opts eraw = PF_ENCODE_OPTS_INIT, egz = PF_ENCODE_OPTS_INIT;
    phase ph[5];
    unsigned char *gz, *raw = NULL;
    size_t gzlen, rawlen = 0, outgz = 0;
    int repeat = 1, c, r;
    struct rusage ru;
    const char *path;

    while ((c = getopt(argc, argv, "r:l:t:")) != -1) {
        switch (c) {
        case 'r': repeat = atoi(optarg); break;
        case 't': egz.threads = (unsigned)atoi(optarg); break;
        case 'l': egz.level = atoi(optarg); break;
        default:
            fprintf(stderr, "usage: bench_codec [-r REPEAT] [-l LEVEL] [-t THREADS] FILE\n");
            return 2;
        }
    }
    if (optind + 1 != argc || repeat < 1) {
        fprintf(stderr, "usage: bench_codec [-r REPEAT] [-l LEVEL] [-t THREADS] FILE\n");
        return 2;
    }
    path = argv[optind];
    memset(ph, 0, sizeof(ph));
    eraw.raw = true;
    gz = read_all(path, &gzlen);
    for (r = 0; r < repeat; r++) {
        pf_profile *p = NULL;
        pf_membuf mb = PF_MEMBUF_INIT;
        int err;

        free(raw);
        start(&ph[0]);
        raw = inflate_all(gz, gzlen, &rawlen, rawlen);
        stop(&ph[0]);

        start(&ph[1]);
        if ((err = pf_profile_decode(&p, raw, rawlen, NULL)) < 0)
            die("decode raw", err);
        stop(&ph[1]);
        pf_profile_free(p);

        start(&ph[2]);
        if ((err = pf_profile_decode(&p, gz, gzlen, NULL)) < 0)
            die("decode", err);
        stop(&ph[2]);

        start(&ph[3]);
        if ((err = pf_profile_encode(p, pf_writer_membuf(&mb), &eraw)) < 0)
            die("encode raw", err);
        stop(&ph[3]);
        if (mb.len != rawlen)
            printf("note: re-encoded size %zu differs from input %zu\n",
                   mb.len, rawlen);
        pf_membuf_release(&mb);

        start(&ph[4]);
        if ((err = pf_profile_encode(p, pf_writer_membuf(&mb), &egz)) < 0)
            die("encode", err);
        stop(&ph[4]);
        outgz = mb.len;
        pf_membuf_release(&mb);
        pf_profile_free(p);
    }
    printf("file         %s: %zu bytes gzipped, %zu raw\n", path, gzlen, rawlen);
    printf("%-12s %8s %8s %10s\n", "phase", "wall s", "cpu s", "MB/s wall");
    report("zlib_inflate", &ph[0], rawlen);
    report("decode_raw", &ph[1], rawlen);
    report("decode", &ph[2], rawlen);
    report("encode_raw", &ph[3], rawlen);
    report("encode", &ph[4], rawlen);
    printf("so: library inflate %.3f s, gzip output %.3f s wall (%.3f s cpu) "
           "on top of the raw encode\n", ph[2].wall - ph[1].wall,
           ph[4].wall - ph[3].wall, ph[4].cpu - ph[3].cpu);
    printf("encoded      %zu bytes gzipped (%.1f%% of input)\n", outgz,
           100.0 * (double)outgz / (double)gzlen);
    getrusage(RUSAGE_SELF, &ru);
    printf("peak_rss     %.1f MB (whole run, includes the input buffers)\n",
           (double)ru.ru_maxrss / 1024.0);
    free(raw);
    free(gz);
    return 0;
}
