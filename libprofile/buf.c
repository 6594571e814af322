/*
 * Output sinks: the pf_writer helpers (stdio, fd, memory) and the
 * formatted-write helper the text writers use.
 */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

int pf__write(pf_writer w, const void *buf, size_t len)
{
    if (len == 0)
        return PF_OK;
    if (w.write(w.ctx, buf, len) < 0)
        return pf__error_set(PF_EIO, "write failed");
    return PF_OK;
}

int pf__vformat(const char **out, char **big, char *small, size_t size,
                const char *fmt, va_list ap)
{
    va_list ap2;
    int n;

    *big = NULL;
    *out = small;
    va_copy(ap2, ap);
    n = vsnprintf(small, size, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return pf__error_set(PF_EINVAL, "bad format");
    if ((size_t)n < size)
        return n;
    *big = pf__malloc((size_t)n + 1);
    PF_CHECK_ALLOC(*big);
    vsnprintf(*big, (size_t)n + 1, fmt, ap);
    *out = *big;
    return n;
}

int pf__writef(pf_writer w, const char *fmt, ...)
{
    char small[512], *big;
    const char *text;
    va_list ap;
    int n, err;

    va_start(ap, fmt);
    n = pf__vformat(&text, &big, small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return n;
    err = pf__write(w, text, (size_t)n);
    pf__free(big);
    return err;
}

static int file_write(void *ctx, const void *buf, size_t len)
{
    return fwrite(buf, 1, len, ctx) == len ? 0 : -1;
}

pf_writer pf_writer_file(FILE *f)
{
    pf_writer w = { file_write, f };
    return w;
}

static int fd_write(void *ctx, const void *buf, size_t len)
{
    int fd = (int)(intptr_t)ctx;
    const char *p = buf;

    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

pf_writer pf_writer_fd(int fd)
{
    pf_writer w = { fd_write, (void *)(intptr_t)fd };
    return w;
}

static int membuf_write(void *ctx, const void *buf, size_t len)
{
    pf_membuf *mb = ctx;
    size_t need;

    if (!pf__add_ok(mb->len, len, &need))
        return -1;
    if (PF_VEC_RESERVE(mb->data, mb->cap, need) < 0)
        return -1;
    memcpy(mb->data + mb->len, buf, len);
    mb->len = need;
    return 0;
}

pf_writer pf_writer_membuf(pf_membuf *mb)
{
    pf_writer w = { membuf_write, mb };
    return w;
}

void pf_membuf_release(pf_membuf *mb)
{
    pf__free(mb->data);
    mb->data = NULL;
    mb->len = mb->cap = 0;
}
