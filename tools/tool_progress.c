/*
 * Progress on stderr for long runs (merging many inputs, symbolizing,
 * converting big files). Never on by itself when stderr is not a
 * terminal: scripts that capture stderr see only real messages unless
 * they ask with --progress. On a terminal one line is redrawn in place
 * and rate-limited; elsewhere (asked for in a log) whole lines are
 * written, one per 10% step, so the log stays readable.
 */
#include "tool_fetch.h"

#include <pthread.h>
#include <stdarg.h>
#include <time.h>
#include <unistd.h>

/* Notes may come from input threads (pprofmerge fetches URLs in its
 * loader threads) while the main thread draws: one lock for the line. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static bool on, tty, open_line;
static int last_tenth = -1;
static struct timespec last_draw, start;

void tool_progress_enable(bool force)
{
    clock_gettime(CLOCK_MONOTONIC, &start);
    tty = isatty(STDERR_FILENO);
    on = force || tty;
}

bool tool_progress_on(void)
{
    return on;
}

double tool_progress_elapsed(void)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start.tv_sec) +
           (double)(now.tv_nsec - start.tv_nsec) / 1e9;
}

static void end_line(void)
{
    if (open_line) {
        fputc('\n', stderr);
        open_line = false;
    }
}

void tool_progress_note(const char *fmt, ...)
{
    va_list ap;

    if (!on)
        return;
    pthread_mutex_lock(&lock);
    end_line();
    fprintf(stderr, "%s: ", tool_name());
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    pthread_mutex_unlock(&lock);
}

void tool_progress_step(const char *what, uint64_t done, uint64_t total)
{
    unsigned pct = total ? (unsigned)(done * 100 / total) : 100;

    if (!on)
        return;
    pthread_mutex_lock(&lock);
    if (tty) {
        struct timespec now;
        long ms;
        clock_gettime(CLOCK_MONOTONIC, &now);
        ms = (now.tv_sec - last_draw.tv_sec) * 1000 +
             (now.tv_nsec - last_draw.tv_nsec) / 1000000;
        if (done != total && open_line && ms < 100)
            goto out;
        last_draw = now;
        fprintf(stderr, "\r%s: %s: %llu/%llu (%u%%)\033[K", tool_name(), what,
                (unsigned long long)done, (unsigned long long)total, pct);
        open_line = true;
        fflush(stderr);
        goto out;
    }
    if ((int)(pct / 10) != last_tenth || done == total) {
        last_tenth = done == total ? -1 : (int)(pct / 10);
        fprintf(stderr, "%s: %s: %llu/%llu (%u%%)\n", tool_name(), what,
                (unsigned long long)done, (unsigned long long)total, pct);
    }
out:
    pthread_mutex_unlock(&lock);
}

void tool_progress_done(void)
{
    pthread_mutex_lock(&lock);
    if (on)
        end_line();
    last_tenth = -1;
    pthread_mutex_unlock(&lock);
}
