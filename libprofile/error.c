/*
 * Error codes and the per-thread detail buffer. Detail lives in a fixed
 * thread-local array so that reporting out-of-memory never allocates.
 */
#include "internal.h"

#include <stdio.h>

static _Thread_local char last_error[256];
static _Thread_local pf_limit last_limit;

const char *pf_strerror(int code)
{
    switch (code) {
    case PF_OK: return "success";
    case PF_ENOMEM: return "out of memory";
    case PF_EINVAL: return "invalid argument";
    case PF_EFORMAT: return "malformed input";
    case PF_ETOOBIG: return "input too large";
    case PF_EIO: return "write failed";
    case PF_ENOTFOUND: return "not found";
    case PF_EUNSUPPORTED: return "not supported";
    case PF_EINCOMPAT: return "incompatible profiles";
    default: return "unknown error";
    }
}

const char *pf_error_last(void)
{
    return last_error;
}

const char *pf_version(void)
{
    return PF_VERSION_STRING;
}

pf_limit pf_error_limit(void)
{
    return last_limit;
}

int pf__error_limit(pf_limit which, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(last_error, sizeof(last_error), fmt, ap);
    va_end(ap);
    last_limit = which;
    return PF_ETOOBIG;
}

int pf__error_set(int code, const char *fmt, ...)
{
    va_list ap;

    last_limit = PF_LIMIT_NONE;
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof(last_error), fmt, ap);
    va_end(ap);
    return code;
}

int pf__error_prefix(int code, const char *fmt, ...)
{
    char prefix[128], old[sizeof(last_error)];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(prefix, sizeof(prefix), fmt, ap);
    va_end(ap);
    size_t plen;

    memcpy(old, last_error, sizeof(old));
    plen = strlen(prefix);
    if (plen > sizeof(last_error) - 3)
        plen = sizeof(last_error) - 3;
    memcpy(last_error, prefix, plen);
    memcpy(last_error + plen, ": ", 2);
    memcpy(last_error + plen + 2, old, sizeof(last_error) - plen - 2);
    last_error[sizeof(last_error) - 1] = '\0';
    return code;
}

int pf__error_oom(void)
{
    return pf__error_set(PF_ENOMEM, "out of memory");
}
