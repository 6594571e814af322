/*
 * Private to the HTTP endpoint: http.c (request handling, independent
 * of any server) and httpd.c (the libmicrohttpd server).
 */
#ifndef LIBPROFILE_CAPTURE_HTTPINT_H
#define LIBPROFILE_CAPTURE_HTTPINT_H

#include "capture.h"

/* pf_capture_http_serve, with STOP_FD (or -1): a descriptor that
 * becomes readable when the server stops, which ends seconds=N waits
 * like a client hang-up. */
int pf__cap_http_serve_fd(pf_capture_http_response *resp,
                          const pf_capture_http_request *req, int stop_fd);

#endif
