/* SPDX-License-Identifier: MIT */
/* The hook's one way to speak, for both stages and the entry point: a line
 * on stderr (runtimes show it when a hook fails) and the same in syslog. */
#include "hook.h"

#include "logsock.h"

#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

void hook_log(int priority, const char *fmt, ...)
{
        char msg[1024];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        fprintf(stderr, "oomguard-hook: %s\n", msg);
        /* through the connection made before confinement (lib/logsock.h) */
        logsock_send(LOG_DAEMON | priority, "oomguard-hook", msg);
}
