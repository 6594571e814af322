/*
 * The /debug/pprof/ endpoint in a program linked with the library:
 * starts the server on 127.0.0.1 port 0 and prints what the test needs
 * to know, then runs a known workload until STOPFILE exists (or
 * LIMIT seconds pass), stops the server and exits 0.
 *
 *   http_server STOPFILE [LIMIT]
 *
 * Output (stdout, flushed line by line):
 *   profile NAME            every profile of the registry
 *   count NAME N            entries of the custom profile
 *   addr 0xADDR FUNC        entry addresses of the workload's functions
 *   direct STATUS H=V...    pf_capture_http_serve of an unknown profile
 *   port N                  last: the server is up
 * Workload: http_spin burns CPU on a thread (spinner_main) half of the
 * time, http_churn allocates and frees 1 KiB blocks there,
 * http_keep_alloc keeps 256 x 16 KiB live; heap sampling every 4 KiB;
 * one entry in the custom profile "example.com/files".
 */
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "workload.h"

static volatile uint64_t sink;
static volatile int g_stop;
void *volatile g_keep[256];

__attribute__((noinline)) void http_spin(int64_t ns)
{
    int64_t until = wl_thread_cpu_ns() + ns;
    uint64_t x = sink;

    while (wl_thread_cpu_ns() < until)
        for (int i = 0; i < 10000; i++)
            x = x * 2862933555777941757ull + 3037000493ull;
    sink = x;
}

__attribute__((noinline)) void http_churn(void)
{
    for (int i = 0; i < 64; i++) {
        char *volatile p = malloc(1024);
        p[0] = 1;
        free(p);
    }
}

__attribute__((noinline)) void http_keep_alloc(void)
{
    for (int i = 0; i < 256; i++)
        g_keep[i] = malloc(16384);
}

static void *spinner_main(void *arg)
{
    struct timespec ts = { 0, 10000000 };

    (void)arg;
    while (!g_stop) {
        http_spin(10000000);
        http_churn();
        nanosleep(&ts, NULL);
    }
    return NULL;
}

/* pf_capture_http_serve without the server: an unknown profile, and a
 * symbol request for the functions above, whose body goes to
 * STOPFILE.symbol for the test to compare with the server's answer. */
static void direct_serve(const char *stopfile)
{
    pf_capture_http_request req = PF_CAPTURE_HTTP_REQUEST_INIT;
    pf_capture_http_response resp;
    char body[200], path[4200];
    FILE *f;
    int err;

    req.target = "/debug/pprof/nosuch";
    if ((err = pf_capture_http_serve(&resp, &req)) < 0)
        wl_die("serve", err);
    printf("direct %d", resp.status);
    for (size_t i = 0; i < resp.nheaders; i++)
        printf(" %s=%s", resp.headers[i].name, resp.headers[i].value);
    printf("\n");
    pf_capture_http_response_release(&resp);

    snprintf(body, sizeof(body), "%p+%p+%p+0x1", (void *)http_spin,
             (void *)http_churn, (void *)http_keep_alloc);
    req.method = "POST";
    req.target = "/debug/pprof/symbol";
    req.body = body;
    req.body_len = strlen(body);
    if ((err = pf_capture_http_serve(&resp, &req)) < 0)
        wl_die("serve", err);
    snprintf(path, sizeof(path), "%s.symbol", stopfile);
    if (!(f = fopen(path, "w")))
        exit(1);
    fwrite(resp.body.data, 1, resp.body.len, f);
    fclose(f);
    pf_capture_http_response_release(&resp);
}

int main(int argc, char **argv)
{
    pf_capture_profile *custom, *all[64];
    static int file_entry;
    pthread_t th;
    size_t n;
    double limit;
    int port, err;
    struct timespec t0, now, ts = { 0, 20000000 };

    if (argc < 2)
        return 2;
    limit = argc > 2 ? atof(argv[2]) : 120;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pf_capture_heap_set_rate(4096);
    http_keep_alloc();
    if ((err = pf_capture_profile_new(&custom, "example.com/files")) < 0)
        wl_die("profile_new", err);
    if ((err = pf_capture_profile_add(custom, &file_entry, 0)) < 0)
        wl_die("profile_add", err);
    if ((err = pthread_create(&th, NULL, spinner_main, NULL)) != 0)
        return 1;
    if ((err = pf_capture_http_start(&port, "127.0.0.1:0")) < 0)
        wl_die("http_start", err);
    n = pf_capture_profiles(all, 64);
    for (size_t i = 0; i < n && i < 64; i++)
        printf("profile %s\n", pf_capture_profile_name(all[i]));
    printf("count %s %zu\n", pf_capture_profile_name(custom),
           pf_capture_profile_count(custom));
    printf("addr %p http_spin\n", (void *)http_spin);
    printf("addr %p http_churn\n", (void *)http_churn);
    printf("addr %p http_keep_alloc\n", (void *)http_keep_alloc);
    direct_serve(argv[1]);
    printf("port %d\n", port);
    fflush(stdout);
    /* a second server is refused while this one runs */
    if (pf_capture_http_start(NULL, "127.0.0.1:0") != PF_EINVAL)
        return 1;
    for (;;) {
        if (access(argv[1], F_OK) == 0)
            break;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec - t0.tv_sec > limit) {
            fprintf(stderr, "http_server: time limit\n");
            break;
        }
        nanosleep(&ts, NULL);
    }
    pf_capture_http_stop();
    if (pf_capture_http_port() != 0)
        return 1;
    /* stop closed the socket: the same port can be bound again */
    {
        char addr[32];
        int again;
        snprintf(addr, sizeof(addr), "127.0.0.1:%d", port);
        if ((err = pf_capture_http_start(&again, addr)) < 0)
            wl_die("http restart", err);
        if (again != port)
            return 1;
        pf_capture_http_stop();
    }
    g_stop = 1;
    pthread_join(th, NULL);
    for (int i = 0; i < 256; i++)
        free(g_keep[i]);
    return 0;
}
