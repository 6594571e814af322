/*
 * http_endpoint: serve /debug/pprof/ from a C program, as a Go program
 * does with `import _ "net/http/pprof"`.
 *
 *   http_endpoint [ADDR [SECONDS]]
 *
 * Listens on ADDR (default 127.0.0.1:0, a free port), prints the URL,
 * and works for SECONDS (default 30) while clients fetch profiles:
 *
 *   go tool pprof http://127.0.0.1:PORT/debug/pprof/profile?seconds=5
 *   pproftop http://127.0.0.1:PORT/debug/pprof/heap
 *   curl http://127.0.0.1:PORT/debug/pprof/threads?debug=2
 *
 * The server is libmicrohttpd, loaded when it starts; the endpoint has
 * no authentication, so keep it on loopback.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <capture.h>

static volatile unsigned long sink;

static void churn(void)
{
    /* allocate and free in several sizes, keep a few: something for the
     * heap and allocs profiles to show. About 36 KiB a call, so at the
     * default sampling rate (one sample per 512 KiB on average) a few
     * seconds of work leave dozens of samples, not one or two. */
    static void *live[256];
    static unsigned n;
    void *p = malloc(4096 + (n % 16) * 4096);

    if (live[n % 256])
        free(live[n % 256]);
    live[n % 256] = p;
    n++;
}

static void compute(void)
{
    unsigned long x = 88172645463325252ul;

    for (int i = 0; i < 2000000; i++)
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    sink += x;
}

int main(int argc, char **argv)
{
    const char *addr = argc > 1 ? argv[1] : "127.0.0.1:0";
    int seconds = argc > 2 ? atoi(argv[2]) : 30;
    struct timespec start, now;
    int port, err;

    if ((err = pf_capture_http_start(&port, addr)) < 0) {
        fprintf(stderr, "http_endpoint: %s (%s)\n", pf_strerror(err),
                pf_error_last());
        return 1;
    }
    printf("serving http://127.0.0.1:%d/debug/pprof/ for %d s\n", port,
           seconds);
    fflush(stdout);
    clock_gettime(CLOCK_MONOTONIC, &start);
    do {
        compute();
        churn();
        clock_gettime(CLOCK_MONOTONIC, &now);
    } while (now.tv_sec - start.tv_sec < seconds);
    pf_capture_http_stop();
    return 0;
}
