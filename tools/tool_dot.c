/*
 * Graphviz rendering for the tools: the DOT text of a call graph goes
 * to `dot -T<format>` run as a child process (posix_spawnp: fork and
 * exec, no shell), on its stdin; the picture comes back on its stdout.
 *
 * A child process rather than linking libgvc: Graphviz is a large C
 * library with plugins loaded at run time, and a crash or a leak in it
 * on a strange graph stays in the child; the tools link nothing more,
 * and build without Graphviz installed. go tool pprof runs `dot` the
 * same way.
 */
#include "tool.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int append(tool_buf *b, const void *data, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        char *d;
        while (cap < b->len + n + 1)
            cap *= 2;
        if (!(d = realloc(b->data, cap)))
            return -1;
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

void tool_buf_release(tool_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof(*b));
}

static int buf_write(void *ctx, const void *data, size_t n)
{
    return append(ctx, data, n) < 0 ? -1 : 0;
}

pf_writer tool_buf_writer(tool_buf *b)
{
    pf_writer w = { buf_write, b };
    return w;
}

/* Feed IN to FDS[0] and collect FDS[1] into OUT, FDS[2] into ERR,
 * until both reach end of file. */
static int pump(int fds[3], const char *in, size_t inlen, tool_buf *out,
                tool_buf *err)
{
    size_t off = 0;
    char chunk[65536];

    fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
    if (inlen == 0) {
        close(fds[0]);
        fds[0] = -1;
    }
    while (fds[1] >= 0 || fds[2] >= 0) {
        struct pollfd p[3];
        nfds_t n = 0;
        int ix[3];

        for (int i = 0; i < 3; i++) {
            if (fds[i] < 0)
                continue;
            p[n].fd = fds[i];
            p[n].events = i == 0 ? POLLOUT : POLLIN;
            p[n].revents = 0;
            ix[n++] = i;
        }
        if (poll(p, n, -1) < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        for (nfds_t k = 0; k < n; k++) {
            int i = ix[k];
            if (!p[k].revents)
                continue;
            if (i == 0) {
                ssize_t w = write(fds[0], in + off, inlen - off);
                if (w > 0)
                    off += (size_t)w;
                /* EPIPE: dot gave up reading; its stderr says why */
                if ((w < 0 && errno != EAGAIN && errno != EINTR) ||
                    off == inlen) {
                    close(fds[0]);
                    fds[0] = -1;
                }
            } else {
                ssize_t r = read(fds[i], chunk, sizeof(chunk));
                if (r > 0) {
                    if (append(i == 1 ? out : err, chunk, (size_t)r) < 0)
                        return -1;
                } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
                    close(fds[i]);
                    fds[i] = -1;
                }
            }
        }
    }
    if (fds[0] >= 0) {
        close(fds[0]);
        fds[0] = -1;
    }
    return 0;
}

int tool_dot_render(tool_buf *out, const char *format, const char *dot,
                    size_t len, char *errmsg, size_t errlen)
{
    char targ[32];
    char *argv[] = { (char *)"dot", targ, NULL };
    int in[2] = { -1, -1 }, op[2] = { -1, -1 }, ep[2] = { -1, -1 };
    int fds[3] = { -1, -1, -1 }, status = 0, rc = -1, e, saved;
    int *ends[6] = { &in[0], &in[1], &op[0], &op[1], &ep[0], &ep[1] };
    posix_spawn_file_actions_t fa;
    struct sigaction ign, old;
    tool_buf err = { 0 };
    pid_t pid;

    memset(out, 0, sizeof(*out));
    snprintf(targ, sizeof(targ), "-T%s", format);
    if (pipe2(in, O_CLOEXEC) < 0 || pipe2(op, O_CLOEXEC) < 0 ||
        pipe2(ep, O_CLOEXEC) < 0) {
        snprintf(errmsg, errlen, "cannot create a pipe: %s", strerror(errno));
        for (int i = 0; i < 6; i++)
            if (*ends[i] >= 0)
                close(*ends[i]);
        return -1;
    }
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, op[1], 1);
    posix_spawn_file_actions_adddup2(&fa, ep[1], 2);
    e = posix_spawnp(&pid, "dot", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(in[0]);
    close(op[1]);
    close(ep[1]);
    fds[0] = in[1];
    fds[1] = op[0];
    fds[2] = ep[0];
    if (e != 0) {
        if (e == ENOENT)
            snprintf(errmsg, errlen, "cannot run 'dot': not found in PATH "
                     "(install Graphviz: the Debian package graphviz)");
        else
            snprintf(errmsg, errlen, "cannot run 'dot' (Graphviz): %s",
                     strerror(e));
        goto done;
    }
    /* a dot that exits early must not kill us with SIGPIPE */
    memset(&ign, 0, sizeof(ign));
    ign.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ign, &old);
    e = pump(fds, dot, len, out, &err);
    saved = errno;
    sigaction(SIGPIPE, &old, NULL);
    /* closed before waiting: a dot still writing then gets EPIPE */
    for (int i = 0; i < 3; i++)
        if (fds[i] >= 0) {
            close(fds[i]);
            fds[i] = -1;
        }
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (e < 0) {
        snprintf(errmsg, errlen, "dot %s: %s", targ, strerror(saved));
        goto done;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        const char *msg = err.data ? err.data : "";
        size_t n = strcspn(msg, "\n");
        if (WIFSIGNALED(status))
            snprintf(errmsg, errlen, "dot %s killed by signal %d%s%.*s", targ,
                     WTERMSIG(status), n ? ": " : "", (int)n, msg);
        else
            snprintf(errmsg, errlen, "dot %s failed (exit %d)%s%.*s", targ,
                     WEXITSTATUS(status), n ? ": " : "", (int)n, msg);
        goto done;
    }
    if (out->len == 0) {
        snprintf(errmsg, errlen, "dot %s wrote nothing", targ);
        goto done;
    }
    rc = 0;
done:
    for (int i = 0; i < 3; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    tool_buf_release(&err);
    if (rc < 0)
        tool_buf_release(out);
    return rc;
}

/* Pan and zoom for a standalone SVG: the wheel zooms around the
 * pointer, dragging pans, a double click or '0' resets; everything by
 * changing the viewBox of the outer <svg>. No external references. */
static const char panzoom_js[] =
    "<script type=\"text/ecmascript\"><![CDATA[\n"
    "(function () {\n"
    "  var svg = document.documentElement;\n"
    "  if (!svg || !svg.viewBox || !svg.viewBox.baseVal) return;\n"
    "  var vb = svg.viewBox.baseVal;\n"
    "  var home = [vb.x, vb.y, vb.width, vb.height], drag = null;\n"
    "  function at(e) {\n"
    "    var p = svg.createSVGPoint();\n"
    "    p.x = e.clientX; p.y = e.clientY;\n"
    "    return p.matrixTransform(svg.getScreenCTM().inverse());\n"
    "  }\n"
    "  function zoom(k, p) {\n"
    "    vb.x = p.x - (p.x - vb.x) * k; vb.y = p.y - (p.y - vb.y) * k;\n"
    "    vb.width *= k; vb.height *= k;\n"
    "  }\n"
    "  function reset() {\n"
    "    vb.x = home[0]; vb.y = home[1]; vb.width = home[2];\n"
    "    vb.height = home[3];\n"
    "  }\n"
    "  svg.addEventListener('wheel', function (e) {\n"
    "    e.preventDefault();\n"
    "    zoom(e.deltaY < 0 ? 1 / 1.2 : 1.2, at(e));\n"
    "  }, { passive: false });\n"
    "  svg.addEventListener('mousedown', function (e) {\n"
    "    if (e.button === 0) { drag = at(e); e.preventDefault(); }\n"
    "  });\n"
    "  window.addEventListener('mousemove', function (e) {\n"
    "    if (!drag) return;\n"
    "    var p = at(e);\n"
    "    vb.x -= p.x - drag.x; vb.y -= p.y - drag.y;\n"
    "  });\n"
    "  window.addEventListener('mouseup', function () { drag = null; });\n"
    "  svg.addEventListener('dblclick', reset);\n"
    "  window.addEventListener('keydown', function (e) {\n"
    "    var c = { x: vb.x + vb.width / 2, y: vb.y + vb.height / 2 };\n"
    "    if (e.key === '+' || e.key === '=') zoom(1 / 1.2, c);\n"
    "    else if (e.key === '-') zoom(1.2, c);\n"
    "    else if (e.key === '0') reset();\n"
    "  });\n"
    "  svg.setAttribute('data-panzoom', 'on');\n"
    "})();\n"
    "]]></script>\n";

/* Set attribute NAME of the tag starting at TAG in B to VALUE (if the
 * tag has it). */
static int set_attr(tool_buf *b, size_t tag, const char *name,
                    const char *value)
{
    size_t nl = strlen(name), end = tag + strcspn(b->data + tag, ">");
    tool_buf n = { 0 };

    for (size_t i = tag + 1; i + nl + 2 < end; i++) {
        const char *s = b->data + i, *q;
        if (s[-1] != ' ' || strncmp(s, name, nl) != 0 || s[nl] != '=' ||
            s[nl + 1] != '"')
            continue;
        if (!(q = memchr(s + nl + 2, '"', end - (i + nl + 2))))
            return 0;
        if (append(&n, b->data, i + nl + 2) < 0 ||
            append(&n, value, strlen(value)) < 0 ||
            append(&n, q, b->len - (size_t)(q - b->data)) < 0) {
            tool_buf_release(&n);
            return -1;
        }
        tool_buf_release(b);
        *b = n;
        return 0;
    }
    return 0;
}

int tool_svg_add_panzoom(tool_buf *svg)
{
    const char *tag = strstr(svg->data ? svg->data : "", "<svg");
    const char *close = NULL;
    tool_buf n = { 0 };
    size_t start, at;

    if (!tag)
        return -1;
    start = (size_t)(tag - svg->data);
    /* fill the browser window; the viewBox keeps the proportions */
    if (set_attr(svg, start, "width", "100%") < 0 ||
        set_attr(svg, start, "height", "100%") < 0)
        return -1;
    for (const char *p = strstr(svg->data, "</svg>"); p;
         p = strstr(p + 1, "</svg>"))
        close = p;
    if (!close)
        return -1;
    at = (size_t)(close - svg->data);
    if (append(&n, svg->data, at) < 0 ||
        append(&n, panzoom_js, sizeof(panzoom_js) - 1) < 0 ||
        append(&n, svg->data + at, svg->len - at) < 0) {
        tool_buf_release(&n);
        return -1;
    }
    tool_buf_release(svg);
    *svg = n;
    return 0;
}
