/*
 * Fuzz target: one request through pf_capture_http_serve, the part of
 * the /debug/pprof/ endpoint that reads what the network sends (the
 * target, its query and percent-escapes, urlencoded bodies, the symbol
 * endpoint's address lists). Input: byte 0 picks the method and the
 * content type, then the target up to the first newline, then the
 * body.
 *
 * A request may ask to wait (seconds=N, or a CPU profile's default
 * 30 s): it gets a client socket whose peer has hung up, so every wait
 * ends at once and the code after it runs too.
 *
 * Built two ways (mk/capture.mk): replayed over
 * testdata/fuzz/http_request/ by `make check` (fuzz_driver.c), and with
 * libFuzzer by `make fuzz-capture`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "capture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int hung_up_socket(void)
{
    static int fd = -2;
    int sv[2];

    if (fd == -2) {
        fd = -1;
        if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0) {
            close(sv[1]);
            fd = sv[0];
        }
    }
    return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const methods[] = { "GET", "POST", "HEAD", "PUT" };
    static const char *const types[] = {
        NULL, "application/x-www-form-urlencoded",
        "application/x-www-form-urlencoded; charset=utf-8", "text/plain"
    };
    pf_capture_http_request req = PF_CAPTURE_HTTP_REQUEST_INIT;
    pf_capture_http_response resp;
    const uint8_t *nl;
    char *target;
    size_t tlen;

    if (size < 1)
        return 0;
    req.method = methods[data[0] & 3];
    req.content_type = types[(data[0] >> 2) & 3];
    data++;
    size--;
    nl = memchr(data, '\n', size);
    tlen = nl ? (size_t)(nl - data) : size;
    if (!(target = malloc(tlen + 1)))
        return 0;
    memcpy(target, data, tlen);
    target[tlen] = 0;               /* a NUL inside ends it early: fine */
    req.target = target;
    req.body = nl ? nl + 1 : NULL;
    req.body_len = nl ? size - tlen - 1 : 0;
    req.client_fd = hung_up_socket();
    if (pf_capture_http_serve(&resp, &req) == PF_OK) {
        if (resp.status < 100 || resp.status > 599 ||
            resp.nheaders > PF_CAPTURE_HTTP_MAX_HEADERS)
            abort();
        for (size_t i = 0; i < resp.nheaders; i++)
            if (!resp.headers[i].name || !resp.headers[i].value)
                abort();
        pf_capture_http_response_release(&resp);
    }
    free(target);
    return 0;
}
