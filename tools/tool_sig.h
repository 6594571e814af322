/*
 * Fatal-signal cleanup of the tools' temporary output file (tool_sig.c,
 * the only tool code that runs in signal context).
 */
#ifndef LIBPROFILE_TOOL_SIG_H
#define LIBPROFILE_TOOL_SIG_H

/* Remember PATH (copied into a static buffer) as the file to unlink if
 * SIGINT, SIGTERM, SIGHUP or SIGPIPE ends the process; installs the
 * handlers on first use, leaving ignored signals ignored. -1 if PATH
 * does not fit the buffer (4095 bytes). */
int tool_sig_arm(const char *path);
/* Forget the path (it was renamed or removed). */
void tool_sig_disarm(void);

#endif
