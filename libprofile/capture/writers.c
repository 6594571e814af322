/*
 * A file writer for the capture API (pf_writer_fd / pf_writer_file in
 * the core library cover caller-owned descriptors and streams).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "capint.h"

typedef struct fdw {
    int fd;
    int err;                /* first errno of a failed write */
} fdw;

static int fdw_write(void *ctx, const void *buf, size_t len)
{
    fdw *f = ctx;
    const char *p = buf;

    while (len > 0) {
        ssize_t k = write(f->fd, p, len);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            f->err = k < 0 ? errno : EIO;
            return -1;
        }
        p += k;
        len -= (size_t)k;
    }
    return 0;
}

int pf_capture_writer_open(pf_writer *w, const char *path)
{
    fdw *f;
    int fd;

    w->write = NULL;
    w->ctx = NULL;
    if (!path || !*path)
        return pf__error_set(PF_EINVAL, "no output path");
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0)
        return pf__error_set(PF_EIO, "cannot open '%s': %s", path,
                             strerror(errno));
    f = pf__malloc(sizeof(*f));
    if (!f) {
        close(fd);
        return pf__error_oom();
    }
    f->fd = fd;
    f->err = 0;
    w->write = fdw_write;
    w->ctx = f;
    return PF_OK;
}

int pf_capture_writer_close(pf_writer *w)
{
    fdw *f;
    int err = PF_OK;

    if (!w || w->write != fdw_write)
        return w && w->write ? pf__error_set(PF_EINVAL, "not a file writer")
                             : PF_OK;
    f = w->ctx;
    if (f->err)
        err = pf__error_set(PF_EIO, "write failed: %s", strerror(f->err));
    if (close(f->fd) != 0 && err == PF_OK)
        err = pf__error_set(PF_EIO, "close failed: %s", strerror(errno));
    pf__free(f);
    w->write = NULL;
    w->ctx = NULL;
    return err;
}
