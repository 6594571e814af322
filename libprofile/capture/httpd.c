/*
 * The built-in /debug/pprof/ server: libmicrohttpd, one thread per
 * connection (a CPU profile request sleeps for its seconds=N in its own
 * thread), on a listening socket of our own (so the bound port and a
 * bind error are ours to report). A well-kept embeddable server rather
 * than a hand-written HTTP parser: this is a network-facing surface.
 *
 * Each request: the raw target is kept from MHD's URI callback (MHD
 * hands the access handler a decoded path without its query; the
 * symbol endpoint needs the raw query), the body is collected up to a
 * cap, and http.c answers with a complete response.
 *
 * libmicrohttpd is loaded with dlopen when a server is first started,
 * not linked: it brings GnuTLS, p11-kit, nettle and more, which a
 * library preloaded into every process of a profiled command should
 * not load into programs that never ask for the endpoint.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "capint.h"
#include "httpint.h"

#define DEFAULT_ADDR "127.0.0.1:6060"
#define MAX_BODY (16u << 20)        /* symbol requests: ~1M addresses */
#define MAX_CONNECTIONS 64
#define IDLE_TIMEOUT_S 120

/* The libmicrohttpd functions used, resolved by load_mhd(). */
#define MHD_SONAME "libmicrohttpd.so.12"
#define MHD_FUNCTIONS(X)                                                \
    X(MHD_start_daemon) X(MHD_stop_daemon) X(MHD_quiesce_daemon)        \
    X(MHD_create_response_from_buffer) X(MHD_add_response_header)       \
    X(MHD_queue_response) X(MHD_destroy_response)                       \
    X(MHD_lookup_connection_value) X(MHD_get_connection_info)
#define MHD_FIELD(f) __typeof__(f) *f;
static struct {
    MHD_FUNCTIONS(MHD_FIELD)
} mhd;
static void *g_mhd_handle;

static pf_cap_lock g_lock = PF_CAP_LOCK_INIT;
static struct MHD_Daemon *g_daemon;
static int g_listen = -1;
static int g_stop[2] = { -1, -1 };
static pid_t g_pid;
static _Atomic int g_port;
static _Atomic int g_active;        /* requests answered, not yet sent */

typedef struct hreq {
    char *target;
    pf_membuf body;
    bool started, too_big, counted;
} hreq;

/* ------------------------------------------------------------------ */
/* Per-request callbacks */

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    hreq *r;

    (void)cls;
    (void)conn;
    pf__cap_hook_enter();
    r = pf__calloc(1, sizeof(*r));
    if (r && !(r->target = pf__malloc(strlen(uri) + 1))) {
        pf__free(r);
        r = NULL;
    }
    if (r)
        strcpy(r->target, uri);
    pf__cap_hook_leave();
    return r;
}

static void on_completed(void *cls, struct MHD_Connection *conn,
                         void **con_cls, enum MHD_RequestTerminationCode toe)
{
    hreq *r = *con_cls;

    (void)cls;
    (void)conn;
    (void)toe;
    if (!r)
        return;
    if (r->counted)
        atomic_fetch_sub(&g_active, 1);
    pf__cap_hook_enter();
    pf_membuf_release(&r->body);
    pf__free(r->target);
    pf__free(r);
    pf__cap_hook_leave();
    *con_cls = NULL;
}

static enum MHD_Result queue_text(struct MHD_Connection *conn,
                                  unsigned status, const char *msg)
{
    struct MHD_Response *res = mhd.MHD_create_response_from_buffer(
        strlen(msg), (void *)msg, MHD_RESPMEM_MUST_COPY);
    enum MHD_Result ok;

    if (!res)
        return MHD_NO;
    mhd.MHD_add_response_header(res, "X-Content-Type-Options", "nosniff");
    mhd.MHD_add_response_header(res, "Content-Type",
                                "text/plain; charset=utf-8");
    ok = mhd.MHD_queue_response(conn, status, res);
    mhd.MHD_destroy_response(res);
    return ok;
}

static enum MHD_Result answer(struct MHD_Connection *conn, hreq *r,
                              const char *method)
{
    pf_capture_http_request req = PF_CAPTURE_HTTP_REQUEST_INIT;
    pf_capture_http_response resp;
    const union MHD_ConnectionInfo *ci;
    struct MHD_Response *res;
    enum MHD_Result ok;

    req.method = method;
    req.target = r->target;
    req.content_type = mhd.MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                   "Content-Type");
    req.body = r->body.data;
    req.body_len = r->body.len;
    ci = mhd.MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    req.client_fd = ci ? ci->connect_fd : -1;
    if (pf__cap_http_serve_fd(&resp, &req, g_stop[0]) < 0) {
        char msg[300];
        snprintf(msg, sizeof(msg), "internal error: %s\n", pf_error_last());
        return queue_text(conn, 500, msg);
    }
    res = mhd.MHD_create_response_from_buffer(
        resp.body.len, resp.body.data ? (void *)resp.body.data : (void *)"",
        MHD_RESPMEM_MUST_COPY);
    if (!res) {
        pf_capture_http_response_release(&resp);
        return MHD_NO;
    }
    for (size_t i = 0; i < resp.nheaders; i++)
        mhd.MHD_add_response_header(res, resp.headers[i].name,
                                resp.headers[i].value);
    ok = mhd.MHD_queue_response(conn, (unsigned)resp.status, res);
    mhd.MHD_destroy_response(res);
    pf_capture_http_response_release(&resp);
    return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
                                  const char *url, const char *method,
                                  const char *version,
                                  const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    hreq *r = *con_cls;
    enum MHD_Result ok;

    (void)cls;
    (void)url;
    (void)version;
    if (!r)
        return queue_text(conn, 500, "internal error: out of memory\n");
    if (!r->started) {          /* headers only: the body comes next */
        r->started = true;
        return MHD_YES;
    }
    if (*upload_data_size) {
        pf__cap_hook_enter();
        if (!r->too_big && r->body.len + *upload_data_size > MAX_BODY) {
            r->too_big = true;
            pf_membuf_release(&r->body);
        }
        if (!r->too_big && pf__write(pf_writer_membuf(&r->body), upload_data,
                                     *upload_data_size) < 0)
            r->too_big = true;
        pf__cap_hook_leave();
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (r->too_big)
        return queue_text(conn, 413, "request body too large\n");
    r->counted = true;
    atomic_fetch_add(&g_active, 1);
    pf__cap_hook_enter();
    ok = answer(conn, r, method);
    pf__cap_hook_leave();
    return ok;
}

/* The library never prints: MHD's messages are dropped. */
static void no_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    (void)fmt;
    (void)ap;
}

/* ------------------------------------------------------------------ */
/* Listening socket */

/* "HOST:PORT", "[V6]:PORT", ":PORT", "PORT" -> HOST (default
 * 127.0.0.1) and PORT. */
static int split_addr(const char *addr, char *host, size_t hsize,
                      char *port, size_t psize)
{
    const char *colon, *p;
    size_t hlen;

    if (addr[0] == '[') {
        const char *close = strchr(addr, ']');
        if (!close || close[1] != ':')
            return pf__error_set(PF_EINVAL, "bad address '%s': want "
                                 "[IPV6]:PORT", addr);
        hlen = (size_t)(close - addr - 1);
        if (hlen + 1 > hsize)
            return pf__error_set(PF_EINVAL, "bad address '%s': host too "
                                 "long", addr);
        memcpy(host, addr + 1, hlen);
        host[hlen] = 0;
        p = close + 2;
    } else if ((colon = strrchr(addr, ':')) != NULL) {
        hlen = (size_t)(colon - addr);
        if (memchr(addr, ':', hlen))
            return pf__error_set(PF_EINVAL, "bad address '%s': put an IPv6 "
                                 "host in brackets, [HOST]:PORT", addr);
        if (hlen + 1 > hsize)
            return pf__error_set(PF_EINVAL, "bad address '%s': host too "
                                 "long", addr);
        memcpy(host, addr, hlen);
        host[hlen] = 0;
        p = colon + 1;
    } else {
        host[0] = 0;
        p = addr;
    }
    if (!*host)
        snprintf(host, hsize, "127.0.0.1");
    if (!*p || strlen(p) > 5 || strspn(p, "0123456789") != strlen(p) ||
        atol(p) > 65535)
        return pf__error_set(PF_EINVAL, "bad address '%s': want HOST:PORT "
                             "with a port in 0..65535", addr);
    if (strlen(p) + 1 > psize)
        return pf__error_set(PF_EINVAL, "bad address '%s'", addr);
    memcpy(port, p, strlen(p) + 1);
    return PF_OK;
}

static int listen_on(const char *addr, int *fd_out, int *port_out,
                     bool *v6)
{
    char host[256], port[8];
    struct addrinfo hints, *ai = NULL;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    int fd = -1, one = 1, rc, err;

    *fd_out = -1;
    if ((err = split_addr(addr, host, sizeof(host), port, sizeof(port))) < 0)
        return err;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    if ((rc = getaddrinfo(host, port, &hints, &ai)) != 0)
        return pf__error_set(PF_EINVAL, "bad address '%s': %s", addr,
                             gai_strerror(rc));
    fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
        bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 64) != 0 ||
        getsockname(fd, (struct sockaddr *)&ss, &sl) != 0) {
        err = pf__error_set(PF_EIO, "cannot listen on '%s': %s", addr,
                            strerror(errno));
        goto done;
    }
    *v6 = ss.ss_family == AF_INET6;
    *port_out = ntohs(*v6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                          : ((struct sockaddr_in *)&ss)->sin_port);
    *fd_out = fd;
    fd = -1;
done:
    if (fd >= 0)
        close(fd);
    freeaddrinfo(ai);
    return err;
}

/* ------------------------------------------------------------------ */
/* Start / stop */

/* Drop the state of a server (G_LOCK held). In a forked child the
 * server's threads do not exist: only our copies of its descriptors
 * are closed (MHD's memory is left alone). */
static void forget(bool child)
{
    if (child && g_listen >= 0)
        close(g_listen);
    for (int i = 0; i < 2; i++) {
        if (g_stop[i] >= 0)
            close(g_stop[i]);
        g_stop[i] = -1;
    }
    g_daemon = NULL;
    g_listen = -1;
    atomic_store(&g_port, 0);
}

/* Load libmicrohttpd and resolve MHD_FUNCTIONS (g_lock held). */
static int load_mhd(void)
{
    void *h;

    if (g_mhd_handle)
        return PF_OK;
    h = dlopen(MHD_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!h)
        h = dlopen("libmicrohttpd.so", RTLD_NOW | RTLD_LOCAL);
    if (!h)
        return pf__error_set(PF_EIO, "cannot load %s: %s", MHD_SONAME,
                             dlerror());
#define MHD_RESOLVE(f)                                                  \
    if (!(*(void **)&mhd.f = dlsym(h, #f))) {                           \
        dlclose(h);                                                     \
        return pf__error_set(PF_EIO, "%s has no %s", MHD_SONAME, #f);   \
    }
    MHD_FUNCTIONS(MHD_RESOLVE)
#undef MHD_RESOLVE
    g_mhd_handle = h;           /* kept until exit: its threads may run */
    return PF_OK;
}

int pf_capture_http_start(int *port, const char *addr)
{
    int fd = -1, p = 0, err = PF_OK;
    unsigned flags;
    bool v6 = false;
    sigset_t old;

    if (port)
        *port = 0;
    if (!addr)
        addr = DEFAULT_ADDR;
    pf__cap_hook_enter();
    pf__cap_lock(&g_lock);
    if (g_daemon && g_pid != getpid())
        forget(true);
    if (g_daemon) {
        err = pf__error_set(PF_EINVAL, "http endpoint already running on "
                            "port %d", atomic_load(&g_port));
        pf__cap_unlock(&g_lock);
        pf__cap_hook_leave();
        return err;
    }
    if ((err = load_mhd()) < 0 || (err = listen_on(addr, &fd, &p, &v6)) < 0)
        goto done;
    if (pipe2(g_stop, O_CLOEXEC | O_NONBLOCK) != 0) {
        err = pf__error_set(PF_EIO, "cannot make a pipe: %s",
                            strerror(errno));
        goto done;
    }
    /* The server's threads inherit a mask of the program's asynchronous
     * signals: its handlers must not run on our threads (in LD_PRELOAD
     * mode the program does not know they exist, and blocks signals in
     * its own threads as it sees fit). SIGPROF (CPU samples), the
     * real-time signals (the threads profile's stack requests) and the
     * synchronous faults stay deliverable. */
    pf__cap_block_async_signals(&old);
    flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
            MHD_USE_POLL | MHD_USE_ITC | (v6 ? MHD_USE_IPv6 : 0);
    g_daemon = mhd.MHD_start_daemon(
        flags, (uint16_t)p, NULL, NULL, on_request, NULL,
        MHD_OPTION_EXTERNAL_LOGGER, no_log, NULL,
        MHD_OPTION_LISTEN_SOCKET, fd,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)MAX_CONNECTIONS,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_TIMEOUT_S,
        MHD_OPTION_END);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!g_daemon) {
        err = pf__error_set(PF_EIO, "cannot start the http server on '%s' "
                            "(libmicrohttpd)", addr);
        goto done;
    }
    g_listen = fd;
    fd = -1;
    g_pid = getpid();
    atomic_store(&g_port, p);
    if (port)
        *port = p;
done:
    if (err < 0) {
        if (fd >= 0)
            close(fd);
        forget(false);
    }
    pf__cap_unlock(&g_lock);
    pf__cap_hook_leave();
    return err;
}

void pf_capture_http_stop(void)
{
    pf__cap_hook_enter();
    pf__cap_lock(&g_lock);
    if (g_daemon && g_pid != getpid()) {
        forget(true);
    } else if (g_daemon) {
        struct timespec ts = { 0, 10000000 };
        MHD_socket fd = mhd.MHD_quiesce_daemon(g_daemon);
        /* wake the seconds=N waits (the pipe stays readable), and give
         * the answers they make a moment to be sent: MHD_stop_daemon
         * closes the connections it finds */
        ssize_t k = write(g_stop[1], "x", 1);
        (void)k;
        if (fd != MHD_INVALID_SOCKET)
            close(fd);
        for (int i = 0; i < 500 && atomic_load(&g_active) > 0; i++)
            nanosleep(&ts, NULL);
        mhd.MHD_stop_daemon(g_daemon);      /* joins every thread */
        forget(false);
    }
    pf__cap_unlock(&g_lock);
    pf__cap_hook_leave();
}

int pf_capture_http_port(void)
{
    int port;

    pf__cap_lock(&g_lock);
    port = g_daemon && g_pid == getpid() ? atomic_load(&g_port) : 0;
    pf__cap_unlock(&g_lock);
    return port;
}

/* Forked child (capint.h): the server's threads are the parent's; a
 * start or stop under way at the fork leaves only its lock behind (the
 * pid check makes the child forget the server on its next call). */
void pf__cap_http_fork_child(void)
{
    pf__cap_lock_reset(&g_lock);
}
