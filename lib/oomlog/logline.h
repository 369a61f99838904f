/* SPDX-License-Identifier: MIT */
/* One physical log line -> where it came from and the kernel message in it.
 *
 * Recognises the wrappers kernel messages arrive in: raw /dev/kmsg records,
 * dmesg ([seconds], -T dates incl. localized ones, -x facility:level, -r <pri>,
 * printk caller ids), syslog and journalctl (with or without hostname,
 * short-precise, ISO/RFC3339), Talos, VMware guest logs, Android logcat
 * (threadtime), tab-separated table exports and e-mail quoting. Pure: no
 * allocation, no I/O. */
#ifndef OOMGUARD_LOGLINE_H
#define OOMGUARD_LOGLINE_H

#include <stdbool.h>
#include <stddef.h>

enum logline_source {
        LOGLINE_BARE = 0, /* no recognised wrapper: pasted text */
        LOGLINE_KERNEL,   /* a wrapper says the kernel wrote it */
        LOGLINE_OTHER,    /* a wrapper says something else wrote it */
};

struct logline {
        enum logline_source source;
        const char *msg; /* message text after every recognised prefix */
        size_t msg_len;
        const char *ts; /* timestamp as printed (wall clock preferred) */
        size_t ts_len;
        double mono;     /* [seconds] or kmsg usec as seconds; < 0 if none */
        double wall;     /* wall-clock seconds of the day; < 0 if none */
        bool kmsg;       /* a /dev/kmsg record header was present */
        bool indented;   /* bare line starting with white space */
        const char *tag; /* LOGLINE_OTHER: the program's syslog, RFC 5424 or
                          * logcat tag ("earlyoom[456]"), when printed */
        size_t tag_len;
        const char *first; /* internal: where prefix parsing began */
};

/* Parse one line (without its newline). Always succeeds. */
void logline_parse(const char *buf, size_t len, struct logline *ret);

/* True for a /dev/kmsg dictionary line (" KEY=value"). */
bool logline_is_kmsg_dict(const char *buf, size_t len);

#endif
