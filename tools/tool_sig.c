/*
 * Removal of the pending temporary output file when a fatal signal
 * (SIGINT, SIGTERM, SIGHUP, SIGPIPE) ends the tool. The handler runs in
 * signal context: it only unlinks a path kept in a static buffer,
 * restores the default action and raises the signal again, so that the
 * process dies of it as it would have without us (the exit status a
 * shell or a supervisor sees is the signal's). `make check-sigsafe`
 * checks this object's undefined symbols against an allow-list.
 *
 * The buffer is written only while the flag is clear, and the flag is
 * set after the path is complete, so the handler never sees half a
 * path.
 */
#include "tool_sig.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

static char pending_path_sigvar[4096];
static volatile sig_atomic_t pending_armed_sigvar;
static int installed_sigvar;

static const int fatal_sigvar[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
#define NFATAL (sizeof(fatal_sigvar) / sizeof(fatal_sigvar[0]))

static void on_fatal_sig(int sig)
{
    struct sigaction dfl;
    int saved = errno;

    if (pending_armed_sigvar)
        unlink(pending_path_sigvar);
    pending_armed_sigvar = 0;
    memset(&dfl, 0, sizeof(dfl));
    dfl.sa_handler = SIG_DFL;
    sigaction(sig, &dfl, NULL);
    /* Pending until the handler returns and unblocks it: then the
     * default action ends the process. */
    raise(sig);
    errno = saved;
}

static void install_handlers(void)
{
    size_t i;

    for (i = 0; i < NFATAL; i++) {
        struct sigaction old, sa;

        /* A signal the caller ignores (nohup, a shell's background
         * job) stays ignored. */
        if (sigaction(fatal_sigvar[i], NULL, &old) == 0 &&
            old.sa_handler == SIG_IGN)
            continue;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_fatal_sig;
        sigemptyset(&sa.sa_mask);
        sigaction(fatal_sigvar[i], &sa, NULL);
    }
    installed_sigvar = 1;
}

int tool_sig_arm(const char *path)
{
    size_t n = strlen(path);

    if (n >= sizeof(pending_path_sigvar))
        return -1;
    pending_armed_sigvar = 0;
    memcpy(pending_path_sigvar, path, n + 1);
    if (!installed_sigvar)
        install_handlers();
    pending_armed_sigvar = 1;
    return 0;
}

void tool_sig_disarm(void)
{
    pending_armed_sigvar = 0;
}
