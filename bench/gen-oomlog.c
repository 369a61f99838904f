/*
 * gen-oomlog - write a deterministic, realistic mixed Linux kernel log with
 *              OOM-killer events in it, for the oomguard benchmark.
 *
 *   usage: gen-oomlog SIZE_MIB OUT_FILE
 *
 * The file is exactly SIZE_MIB * 1048576 bytes.  It is mostly noise (kernel
 * and userspace lines typical of container hosts, unrelated WARN splats,
 * decoy lines that mention "OOMKilled" / "Killed process" outside kernel
 * messages) with a few OOM events per MiB, in the formats of the real logs in
 * shared/corpus/kernel-logs: pre-4.19 "Task in .. killed as a result of limit
 * of ..", RHEL7 ", UID u,", 4.19+ "oom-kill:constraint=..", cgroup v1 and v2
 * stats, global and memcg OOMs, rate-limited bursts, memory.oom.group kills
 * and "no killable processes" events.  The line prefix (dmesg, dmesg -T,
 * syslog with and without [uptime], journalctl short-precise, /dev/kmsg)
 * switches per chunk; timestamps never go backwards.
 *
 * On success it prints on stdout the number of OOM kills written: one per
 * unique victim pid per OOM event (a pid printed twice by memory.oom.group
 * counts once; "no killable processes" events count zero).  A one-line
 * summary goes to stderr.
 *
 * Everything comes from one fixed-seed PRNG, so the output depends only on
 * SIZE_MIB.  Build: cc -O2 -std=gnu11 -o gen-oomlog gen-oomlog.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PROG "gen-oomlog"
#define SEED UINT64_C(0x6f6f6d6775617264)       /* "oomguard" */
#define BOOT_EPOCH INT64_C(1739145600)          /* 2025-02-10 00:00:00 UTC */
#define START_UPTIME_US UINT64_C(259200123456)  /* 3 days after boot */
#define MIB UINT64_C(1048576)
#define MAX_SIZE_MIB 65536u
#define TEXT_CAP 16384
#define PFX_CAP 256
#define PATH_CAP 320
#define MAX_TASKS 64
#define UNLIMITED_KB "9007199254740988"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define PICK(g, a) ((a)[rnd((g), (uint32_t)COUNT_OF(a))])

/* ------------------------------------------------------------------------ */
/* errors                                                                    */

__attribute__((noreturn, format(printf, 1, 2)))
static void die(const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_FAILURE);
}

/* ------------------------------------------------------------------------ */
/* output sink: every write is checked                                       */

struct sink {
	FILE *fp;
	const char *path;
	uint64_t bytes;
};

static void sink_open(struct sink *s, const char *path)
{
	s->path = path;
	s->bytes = 0;
	s->fp = fopen(path, "wb");
	if (!s->fp)
		die("%s: cannot open for writing: %s", path, strerror(errno));
	if (setvbuf(s->fp, NULL, _IOFBF, 1u << 20) != 0)
		die("%s: cannot set output buffer", path);
}

static void sink_write(struct sink *s, const char *p, size_t n)
{
	if (n == 0)
		return;
	if (fwrite(p, 1, n, s->fp) != n)
		die("%s: write failed: %s", s->path, strerror(errno));
	s->bytes += n;
}

static void sink_close(struct sink *s)
{
	if (fflush(s->fp) != 0)
		die("%s: write failed: %s", s->path, strerror(errno));
	if (fclose(s->fp) != 0)
		die("%s: close failed: %s", s->path, strerror(errno));
	s->fp = NULL;
}

/* ------------------------------------------------------------------------ */
/* kernel versions and their format quirks                                   */

enum era { ERA_RHEL7, ERA_4X, ERA_419, ERA_5X, ERA_6X };

enum {
	KF_SHMEM = 1u << 0,     /* Killed line has shmem-rss */
	KF_UID_RHEL = 1u << 1,  /* "Killed process N (c), UID u, total-vm:" */
	KF_UID_TAIL = 1u << 2,  /* "..., UID:u pgtables:NkB oom_score_adj:N" */
	KF_TASKMARK = 1u << 3,  /* <TASK> markers around call traces */
	KF_STACKHEX = 1u << 4,  /* raw stack words before Call Trace (4.4) */
	KF_REAPER = 1u << 5,    /* oom_reaper exists */
	KF_GFPNAME = 1u << 6,   /* gfp_mask=0x..(GFP_KERNEL) */
	KF_NODEMASK = 1u << 7,  /* 4.10-4.18: "nodemask=(null),  order=0" */
	KF_CPUUID = 1u << 8,    /* 6.12+: "CPU: 1 UID: 0 PID: 74 Comm:" */
	KF_RSSCOLS = 1u << 9,   /* task table with rss_anon rss_file rss_shmem */
	KF_STATLINES = 1u << 10,/* memory.stat printed one record per line */
	KF_V2 = 1u << 11,       /* cgroup v2 host */
};

struct kver {
	const char *ver;
	enum era era;
	unsigned flags;
};

#define KF_MODERN (KF_SHMEM | KF_REAPER | KF_GFPNAME)
static const struct kver kvers[] = {
	{"3.10.0-327.el7.x86_64 #1", ERA_RHEL7, 0},
	{"3.10.0-693.21.1.el7.x86_64 #1", ERA_RHEL7, KF_SHMEM},
	{"3.10.0-957.27.2.el7.x86_64 #1", ERA_RHEL7, KF_SHMEM | KF_UID_RHEL},
	{"3.10.0-1160.119.1.el7.x86_64 #1", ERA_RHEL7, KF_SHMEM | KF_UID_RHEL},
	{"4.4.0-130-generic #156-Ubuntu", ERA_4X, KF_STACKHEX},
	{"4.9.0-19-amd64 #1 Debian 4.9.320-2", ERA_4X, KF_MODERN},
	{"4.14.336-257.562.amzn2.x86_64 #1", ERA_4X, KF_MODERN | KF_NODEMASK},
	{"4.15.0-213-generic #224-Ubuntu", ERA_4X, KF_MODERN | KF_NODEMASK},
	{"4.19.0-26-amd64 #1 Debian 4.19.304-1", ERA_419, KF_MODERN},
	{"4.19.91-27.al7.x86_64 #1", ERA_419, KF_MODERN},
	{"5.4.0-182-generic #202-Ubuntu", ERA_5X, KF_MODERN},
	{"5.10.0-28-amd64 #1 Debian 5.10.209-2", ERA_5X, KF_MODERN | KF_UID_TAIL | KF_V2},
	{"5.15.0-1041-azure #48-Ubuntu", ERA_5X, KF_MODERN | KF_UID_TAIL | KF_TASKMARK | KF_V2},
	{"5.14.0-427.13.1.el9_4.x86_64 #1", ERA_5X, KF_MODERN | KF_UID_TAIL | KF_TASKMARK | KF_V2},
	{"6.1.0-18-amd64 #1", ERA_6X, KF_MODERN | KF_UID_TAIL | KF_TASKMARK | KF_V2},
	{"6.8.0-50-generic #51-Ubuntu", ERA_6X,
	 KF_MODERN | KF_UID_TAIL | KF_TASKMARK | KF_V2 | KF_RSSCOLS | KF_STATLINES},
	{"6.12.12-amd64 #1", ERA_6X,
	 KF_MODERN | KF_UID_TAIL | KF_TASKMARK | KF_V2 | KF_RSSCOLS | KF_STATLINES | KF_CPUUID},
};

/* ------------------------------------------------------------------------ */
/* generator state                                                           */

enum style { ST_DMESG, ST_DMESG_T, ST_SYSLOG, ST_SYSLOG_NOTS, ST_JOURNAL, ST_KMSG };

enum fam {
	FAM_OLD_MEMCG, FAM_OLD_BURST, FAM_OLD_GLOBAL, FAM_NEW_MEMCG, FAM_OOMGROUP,
	FAM_NEW_GLOBAL, FAM_RATELIMIT, FAM_NOKILL, FAM_COUNT
};

static const char *const fam_names[FAM_COUNT] = {
	"pre419-memcg", "pre419-burst", "pre419-global", "new-memcg", "oom-group",
	"new-global", "ratelimited-burst", "no-killable",
};

struct host {
	const char *name;
	const struct kver *kv;
	const char *hw;
	char mac[48];
	uint32_t ncpu;
	uint64_t ram_kb;
	uint32_t pid_kubelet, pid_containerd, pid_dockerd, pid_npd, pid_logind, pid_fluent;
};

struct gen {
	uint64_t rng;
	struct sink out;
	enum style style;
	struct host host;
	uint64_t up_us, seq, audit_serial;
	uint64_t step_lo, step_hi;
	uint64_t chunk_end, next_event_at;
	uint32_t next_pid;
	uint64_t kills, events, decoys, chunks;
	uint64_t fam_count[FAM_COUNT];
	char text[TEXT_CAP];
	char pfx[PFX_CAP];
	char tag[64];
};

/* ------------------------------------------------------------------------ */
/* PRNG: splitmix64, fixed seed                                              */

static uint64_t rnext(struct gen *g)
{
	uint64_t z = (g->rng += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static uint32_t rnd(struct gen *g, uint32_t n)
{
	return n ? (uint32_t)(rnext(g) % n) : 0;
}

static uint64_t rrange(struct gen *g, uint64_t lo, uint64_t hi)
{
	return lo + rnext(g) % (hi - lo + 1);
}

static uint32_t rrange32(struct gen *g, uint32_t lo, uint32_t hi)
{
	return (uint32_t)rrange(g, lo, hi);
}

static bool chance(struct gen *g, uint32_t pct)
{
	return rnd(g, 100) < pct;
}

static void rhex(struct gen *g, char *dst, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++)
		dst[i] = hex[rnext(g) & 15u];
	dst[n] = '\0';
}

static void rword(struct gen *g, char *dst, size_t n, const char *alphabet)
{
	size_t len = strlen(alphabet);

	for (size_t i = 0; i < n; i++)
		dst[i] = alphabet[rnext(g) % len];
	dst[n] = '\0';
}

/* dst must hold 37 bytes; sep is '-' (cgroupfs) or '_' (systemd driver) */
static void ruuid(struct gen *g, char *dst, char sep)
{
	rhex(g, dst, 36);
	dst[8] = dst[13] = dst[18] = dst[23] = sep;
}

static uint64_t raddr(struct gen *g)
{
	return UINT64_C(0xffffffff81000000) + (rnext(g) & UINT64_C(0x7fffff));
}

/* ------------------------------------------------------------------------ */
/* formatting helpers                                                        */

__attribute__((format(printf, 3, 0)))
static size_t vfmt(char *buf, size_t cap, const char *f, va_list ap)
{
	int n = vsnprintf(buf, cap, f, ap);

	if (n < 0 || (size_t)n >= cap)
		die("internal error: formatted text too long (format \"%.40s\")", f);
	return (size_t)n;
}

__attribute__((format(printf, 3, 4)))
static size_t fmt(char *buf, size_t cap, const char *f, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, f);
	n = vfmt(buf, cap, f, ap);
	va_end(ap);
	return n;
}

struct sb {
	char *buf;
	size_t cap, len;
};

__attribute__((format(printf, 2, 3)))
static void sb_add(struct sb *b, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	b->len += vfmt(b->buf + b->len, b->cap - b->len, f, ap);
	va_end(ap);
}

static void copy_str(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);

	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static const char *last_component(const char *path)
{
	const char *s = strrchr(path, '/');

	return (s && s[1]) ? s + 1 : path;
}

/* ------------------------------------------------------------------------ */
/* clock and prefixes                                                        */

static const char *const MON[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
				  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
static const char *const WDAY[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

static void pace(struct gen *g, uint64_t lo_us, uint64_t hi_us)
{
	g->step_lo = lo_us;
	g->step_hi = hi_us;
}

static void tick(struct gen *g)
{
	g->up_us += rrange(g, g->step_lo, g->step_hi);
}

static void skip_us(struct gen *g, uint64_t lo_us, uint64_t hi_us)
{
	g->up_us += rrange(g, lo_us, hi_us);
}

static int64_t wall_sec(const struct gen *g)
{
	return BOOT_EPOCH + (int64_t)(g->up_us / 1000000u);
}

static struct tm wall_tm(const struct gen *g)
{
	time_t t = (time_t)wall_sec(g);
	struct tm tm;

	if (!gmtime_r(&t, &tm))
		die("internal error: gmtime_r failed");
	return tm;
}

static size_t kernel_prefix(const struct gen *g, int level, char *buf, size_t cap)
{
	uint64_t sec = g->up_us / 1000000u, usec = g->up_us % 1000000u;
	struct tm tm = wall_tm(g);

	switch (g->style) {
	case ST_DMESG:
		return fmt(buf, cap, "[%5" PRIu64 ".%06" PRIu64 "] ", sec, usec);
	case ST_DMESG_T:
		return fmt(buf, cap, "[%s %s %2d %02d:%02d:%02d %d] ", WDAY[tm.tm_wday],
			   MON[tm.tm_mon], tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			   tm.tm_year + 1900);
	case ST_SYSLOG:
		return fmt(buf, cap, "%s %2d %02d:%02d:%02d %s kernel: [%5" PRIu64 ".%06" PRIu64 "] ",
			   MON[tm.tm_mon], tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			   g->host.name, sec, usec);
	case ST_SYSLOG_NOTS:
		return fmt(buf, cap, "%s %2d %02d:%02d:%02d %s kernel: ", MON[tm.tm_mon],
			   tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, g->host.name);
	case ST_JOURNAL:
		return fmt(buf, cap, "%s %02d %02d:%02d:%02d.%06" PRIu64 " %s kernel: ",
			   MON[tm.tm_mon], tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, usec,
			   g->host.name);
	case ST_KMSG:
		return fmt(buf, cap, "%d,%" PRIu64 ",%" PRIu64 ",-;", level, g->seq, g->up_us);
	}
	die("internal error: bad style %d", (int)g->style);
}

static bool user_ok(const struct gen *g)
{
	return g->style == ST_SYSLOG || g->style == ST_SYSLOG_NOTS || g->style == ST_JOURNAL;
}

static size_t user_prefix(const struct gen *g, const char *tag, char *buf, size_t cap)
{
	struct tm tm = wall_tm(g);

	if (g->style == ST_JOURNAL)
		return fmt(buf, cap, "%s %02d %02d:%02d:%02d.%06" PRIu64 " %s %s: ",
			   MON[tm.tm_mon], tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			   g->up_us % 1000000u, g->host.name, tag);
	return fmt(buf, cap, "%s %2d %02d:%02d:%02d %s %s: ", MON[tm.tm_mon], tm.tm_mday,
		   tm.tm_hour, tm.tm_min, tm.tm_sec, g->host.name, tag);
}

/* ------------------------------------------------------------------------ */
/* line emitters                                                             */

static void put_spaces(struct gen *g, size_t n)
{
	static const char spaces[PFX_CAP] = {[0 ... PFX_CAP - 1] = ' '};

	sink_write(&g->out, spaces, n < sizeof spaces ? n : sizeof spaces);
}

/* rsyslog drops the leading blanks of a message when there is no [uptime] */
static void put_body_line(struct gen *g, const char *p, size_t n)
{
	if (g->style == ST_SYSLOG_NOTS)
		while (n > 0 && *p == ' ') {
			p++;
			n--;
		}
	sink_write(&g->out, p, n);
	sink_write(&g->out, "\n", 1);
}

/* /dev/kmsg escapes the newlines of a multi-line record */
static void put_kmsg_body(struct gen *g, const char *text)
{
	for (const char *p = text;;) {
		const char *nl = strchr(p, '\n');

		if (!nl) {
			sink_write(&g->out, p, strlen(p));
			break;
		}
		sink_write(&g->out, p, (size_t)(nl - p));
		sink_write(&g->out, "\\x0a", 4);
		p = nl + 1;
	}
	sink_write(&g->out, "\n", 1);
}

/*
 * One printk record; text may hold several lines.  How continuation lines
 * look depends on the reader: util-linux dmesg prints them bare, syslog
 * (imklog) repeats the prefix, journalctl indents them, kmsg escapes them.
 */
static void emit_record(struct gen *g, int level, const char *text)
{
	size_t plen = kernel_prefix(g, level, g->pfx, sizeof g->pfx);
	bool first = true;

	g->seq++;
	sink_write(&g->out, g->pfx, plen);
	if (g->style == ST_KMSG) {
		put_kmsg_body(g, text);
		return;
	}
	for (const char *p = text;; first = false) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (!first && (g->style == ST_SYSLOG || g->style == ST_SYSLOG_NOTS))
			sink_write(&g->out, g->pfx, plen);
		else if (!first && g->style == ST_JOURNAL)
			put_spaces(g, plen);
		put_body_line(g, p, n);
		if (!nl)
			break;
		p = nl + 1;
	}
}

__attribute__((format(printf, 4, 0)))
static void vkline(struct gen *g, bool advance, int level, const char *f, va_list ap)
{
	if (advance)
		tick(g);
	vfmt(g->text, sizeof g->text, f, ap);
	emit_record(g, level, g->text);
}

/* kernel line, clock advances */
__attribute__((format(printf, 3, 4)))
static void kline(struct gen *g, int level, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vkline(g, true, level, f, ap);
	va_end(ap);
}

/* kernel line with the same timestamp as the previous one */
__attribute__((format(printf, 3, 4)))
static void kline0(struct gen *g, int level, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vkline(g, false, level, f, ap);
	va_end(ap);
}

/* "name[pid]"; CentOS-era rsyslog often logs daemons without the pid */
static const char *tagp(struct gen *g, const char *name, uint32_t pid)
{
	if (g->style == ST_SYSLOG_NOTS && strcmp(name, "systemd") != 0 &&
	    strcmp(name, "kubelet") != 0)
		fmt(g->tag, sizeof g->tag, "%s", name);
	else
		fmt(g->tag, sizeof g->tag, "%s[%u]", name, pid);
	return g->tag;
}

/* userspace syslog line; silently dropped in kernel-only chunks */
__attribute__((format(printf, 3, 4)))
static void uline(struct gen *g, const char *tag, const char *f, ...)
{
	va_list ap;
	size_t plen, n;

	if (!user_ok(g))
		return;
	tick(g);
	plen = user_prefix(g, tag, g->pfx, sizeof g->pfx);
	va_start(ap, f);
	n = vfmt(g->text, sizeof g->text, f, ap);
	va_end(ap);
	sink_write(&g->out, g->pfx, plen);
	sink_write(&g->out, g->text, n);
	sink_write(&g->out, "\n", 1);
}

/* 2025-02-19T06:41:03.123456789Z */
static void iso_time(struct gen *g, char *buf, size_t cap)
{
	struct tm tm = wall_tm(g);

	fmt(buf, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%06" PRIu64 "%03uZ", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    g->up_us % 1000000u, rnd(g, 1000));
}

/* klog header: I0219 06:41:03.123456    2101 */
static void klog_time(struct gen *g, char *buf, size_t cap, char sev, uint32_t pid)
{
	struct tm tm = wall_tm(g);

	fmt(buf, cap, "%c%02d%02d %02d:%02d:%02d.%06" PRIu64 " %7u", sev, tm.tm_mon + 1,
	    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, g->up_us % 1000000u, pid);
}

/* ------------------------------------------------------------------------ */
/* identifiers                                                               */

static void rveth(struct gen *g, char *dst)
{
	memcpy(dst, "veth", 4);
	rhex(g, dst + 4, 7);
}

static void rpodname(struct gen *g, char *dst, size_t cap)
{
	static const char *const ns[] = {"default", "prod", "monitoring", "payments", "ml",
					 "ingest", "kube-system"};
	static const char *const app[] = {"web", "api", "worker", "prometheus-server",
					  "trainer", "redis", "checkout", "search-indexer"};
	static const char k8s_alnum[] = "bcdfghjklmnpqrstvwxz2456789";
	char rs[11], id[6];

	rword(g, rs, 10, k8s_alnum);
	rword(g, id, 5, k8s_alnum);
	fmt(dst, cap, "%s/%s-%s-%s", PICK(g, ns), PICK(g, app), rs, id);
}

static void rpublic_ip(struct gen *g, char *dst, size_t cap)
{
	static const uint32_t first[] = {45, 61, 80, 89, 92, 103, 141, 162, 185, 193, 194, 212};

	fmt(dst, cap, "%u.%u.%u.%u", PICK(g, first), rrange32(g, 1, 254), rnd(g, 256),
	    rrange32(g, 1, 254));
}

/* ------------------------------------------------------------------------ */
/* kernel noise                                                              */

static void kn_ufw(struct gen *g)
{
	static const uint32_t ports[] = {22, 23, 80, 443, 445, 1433, 3306, 3389, 5432,
					 5900, 6379, 8080, 8443, 9200, 27017};
	static const char *const act[] = {"[UFW BLOCK]", "[UFW BLOCK]", "[UFW BLOCK]",
					  "[UFW AUDIT]", "[UFW LIMIT BLOCK]"};
	char src[20];

	rpublic_ip(g, src, sizeof src);
	kline(g, 4, "%s IN=eth0 OUT= MAC=%s SRC=%s DST=10.0.%u.%u LEN=%u TOS=0x00 PREC=0x00 "
	      "TTL=%u ID=%u PROTO=TCP SPT=%u DPT=%u WINDOW=%u RES=0x00 SYN URGP=0",
	      PICK(g, act), g->host.mac, src, rnd(g, 16), rrange32(g, 2, 250),
	      chance(g, 70) ? 40u : 60u, rrange32(g, 40, 250), rnd(g, 65536),
	      rrange32(g, 1024, 65535), PICK(g, ports), PICK(g, ports) == 22 ? 1024u : 65535u);
}

static void audit_stamp(struct gen *g, char *buf, size_t cap)
{
	fmt(buf, cap, "%" PRId64 ".%03" PRIu64 ":%" PRIu64, wall_sec(g),
	    (g->up_us / 1000u) % 1000u, ++g->audit_serial);
}

static void kn_apparmor(struct gen *g)
{
	static const char *const prof[] = {"cri-containerd.apparmor.d", "docker-default",
					   "snap.lxd.daemon", "/usr/sbin/cupsd",
					   "snap-update-ns.firefox", "rsyslogd", "/usr/bin/man"};
	static const char *const name[] = {"/proc/sys/kernel/osrelease", "/sys/fs/cgroup/memory.max",
					   "/etc/ssl/openssl.cnf", "/run/systemd/userdb/",
					   "/proc/1/environ", "/var/lib/snapd/hostfs/"};
	static const char *const comm[] = {"runc", "lxd", "node", "python3", "cupsd",
					   "snap-update-ns", "rsyslogd", "java"};
	static const char *const op[] = {"open", "open", "file_mmap", "mount", "getattr"};
	char st[48];

	tick(g);
	audit_stamp(g, st, sizeof st);
	kline0(g, 5, "audit: type=1400 audit(%s): apparmor=\"DENIED\" operation=\"%s\" "
	       "class=\"file\" profile=\"%s\" name=\"%s\" pid=%u comm=\"%s\" "
	       "requested_mask=\"r\" denied_mask=\"r\" fsuid=%u ouid=0",
	       st, PICK(g, op), PICK(g, prof), PICK(g, name), rrange32(g, 300, 4000000),
	       PICK(g, comm), chance(g, 80) ? 0u : 1000u);
}

static void kn_avc(struct gen *g)
{
	static const char *const perm[] = {"read", "write", "open", "getattr", "search",
					   "connectto", "name_bind"};
	static const char *const comm[] = {"nginx", "httpd", "postgres", "runc", "sshd", "node"};
	static const char *const tctx[] = {"container_file_t", "var_lib_t", "proc_t", "user_home_t",
					   "sysfs_t", "unreserved_port_t"};
	static const char *const tcls[] = {"file", "dir", "sock_file", "tcp_socket", "lnk_file"};
	char st[48];
	uint32_t pid = rrange32(g, 300, 4000000);

	tick(g);
	audit_stamp(g, st, sizeof st);
	kline0(g, 5, "audit: type=1400 audit(%s): avc:  denied  { %s } for  pid=%u comm=\"%s\" "
	       "name=\"%s\" dev=\"%s\" ino=%u scontext=system_u:system_r:container_t:s0:c%u,c%u "
	       "tcontext=system_u:object_r:%s:s0 tclass=%s permissive=0",
	       st, PICK(g, perm), pid, PICK(g, comm), chance(g, 50) ? "data" : "config.json",
	       chance(g, 50) ? "dm-0" : "overlay", rrange32(g, 100, 90000000), rnd(g, 1024),
	       rrange32(g, 1, 1023), PICK(g, tctx), PICK(g, tcls));
	if (chance(g, 50))
		kline0(g, 5, "audit: type=1300 audit(%s): arch=c000003e syscall=257 success=no "
		       "exit=-13 a0=ffffff9c a1=%012" PRIx64 " a2=80000 a3=0 items=0 ppid=%u pid=%u "
		       "auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 "
		       "tty=(none) ses=4294967295 comm=\"nginx\" exe=\"/usr/sbin/nginx\" "
		       "subj=system_u:system_r:container_t:s0 key=(null)",
		       st, rnext(g) & UINT64_C(0xffffffffffff), pid - 1, pid);
}

static void kn_ext4(struct gen *g)
{
	static const char *const dev[] = {"sda1", "sdb1", "nvme0n1p1", "nvme1n1", "dm-3",
					  "vda1", "xvda1", "loop12"};
	const char *d = PICK(g, dev);
	char uuid[37];

	switch (rnd(g, 6)) {
	case 0:
		kline(g, 6, "EXT4-fs (%s): mounted filesystem with ordered data mode. Opts: (null)", d);
		break;
	case 1:
		ruuid(g, uuid, '-');
		kline(g, 6, "EXT4-fs (%s): mounted filesystem %s r/w with ordered data mode. "
		      "Quota mode: none.", d, uuid);
		break;
	case 2:
		kline(g, 6, "EXT4-fs (%s): re-mounted. Opts: errors=remount-ro", d);
		break;
	case 3:
		kline(g, 4, "EXT4-fs warning (device %s): ext4_dx_add_entry:2461: Directory "
		      "(ino: %u) index full, reach max htree level :2", d, rrange32(g, 1000, 9000000));
		break;
	case 4:
		kline(g, 6, "EXT4-fs (%s): unmounting filesystem.", d);
		break;
	default:
		kline(g, 3, "EXT4-fs error (device %s): ext4_find_entry:1455: inode #%u: comm %s: "
		      "reading directory lblock 0", d, rrange32(g, 2, 9000000),
		      chance(g, 50) ? "find" : "updatedb.mlocat");
		break;
	}
}

static void promisc(struct gen *g, const char *veth, bool on)
{
	if (g->host.kv->era == ERA_6X)
		kline(g, 6, "%s: %s promiscuous mode", veth, on ? "entered" : "left");
	else
		kline(g, 6, "device %s %s promiscuous mode", veth, on ? "entered" : "left");
}

static void kn_veth_up(struct gen *g)
{
	static const char *const br[] = {"docker0", "docker0", "cni0", "br-3f2a1b4c5d6e"};
	const char *b = PICK(g, br);
	uint32_t port = rrange32(g, 1, 24);
	char veth[12], peer[12];

	rveth(g, veth);
	rveth(g, peer);
	kline(g, 6, "%s: port %u(%s) entered blocking state", b, port, veth);
	kline(g, 6, "%s: port %u(%s) entered disabled state", b, port, veth);
	promisc(g, veth, true);
	if (chance(g, 60))
		kline(g, 6, "eth0: renamed from %s", peer);
	kline(g, 6, "IPv6: ADDRCONF(NETDEV_CHANGE): %s: link becomes ready", veth);
	kline(g, 6, "%s: port %u(%s) entered blocking state", b, port, veth);
	kline(g, 6, "%s: port %u(%s) entered forwarding state", b, port, veth);
}

static void kn_veth_down(struct gen *g)
{
	static const char *const br[] = {"docker0", "cni0"};
	const char *b = PICK(g, br);
	uint32_t port = rrange32(g, 1, 24);
	char veth[12], peer[12];

	rveth(g, veth);
	rveth(g, peer);
	kline(g, 6, "%s: port %u(%s) entered disabled state", b, port, veth);
	kline(g, 6, "%s: renamed from eth0", peer);
	kline(g, 6, "%s: port %u(%s) entered disabled state", b, port, veth);
	promisc(g, veth, false);
	kline(g, 6, "%s: port %u(%s) entered disabled state", b, port, veth);
}

static void kn_link(struct gen *g)
{
	switch (rnd(g, 7)) {
	case 0:
		kline(g, 6, "e1000e 0000:00:1f.6 eth0: NIC Link is Up 1000 Mbps Full Duplex, "
		      "Flow Control: Rx/Tx");
		break;
	case 1:
		kline(g, 6, "tg3 0000:02:00.0 eth0: Link is up at 1000 Mbps, full duplex");
		break;
	case 2:
		kline(g, 6, "r8169 0000:03:00.0 eth0: Link is Up - 1Gbps/Full - flow control rx/tx");
		break;
	case 3:
		kline(g, 6, "ixgbe 0000:3b:00.1 eth1: NIC Link is Up 10 Gbps, Flow Control: RX/TX");
		break;
	case 4:
		kline(g, 6, "eth0: link up, 100Mbps, full-duplex, lpa 0x45E1");
		break;
	case 5:
		kline(g, 6, "IPv6: ADDRCONF(NETDEV_UP): eth0: link is not ready");
		kline(g, 6, "IPv6: ADDRCONF(NETDEV_CHANGE): eth0: link becomes ready");
		break;
	default:
		kline(g, 4, "bond0: (slave eth1): link status definitely up, 10000 Mbps full duplex");
		break;
	}
}

static void kn_net_misc(struct gen *g)
{
	static const uint32_t ports[] = {80, 443, 8080, 6443, 9092};

	switch (rnd(g, 6)) {
	case 0:
		kline(g, 4, "nf_conntrack: nf_conntrack: table full, dropping packet");
		break;
	case 1:
		kline(g, 6, "TCP: request_sock_TCP: Possible SYN flooding on port %u. Sending "
		      "cookies.  Check SNMP counters.", PICK(g, ports));
		break;
	case 2:
		kline(g, 3, "IPVS: rr: TCP 10.96.%u.%u:%u - no destination available", rnd(g, 256),
		      rrange32(g, 1, 254), PICK(g, ports));
		break;
	case 3:
		kline(g, 4, "net_ratelimit: %u callbacks suppressed", rrange32(g, 2, 400));
		break;
	case 4:
		kline(g, 3, "nfs: server 10.0.%u.%u not responding, still trying", rnd(g, 8),
		      rrange32(g, 2, 250));
		break;
	default:
		kline(g, 6, "bridge: filtering via arp/ip/ip6tables is no longer available by "
		      "default. Update your scripts to load br_netfilter if you need this.");
		break;
	}
}

static void kn_sys_misc(struct gen *g)
{
	char uuid[37], id[65];

	switch (rnd(g, 8)) {
	case 0:
		kline(g, 4, "perf: interrupt took too long (%u > %u), lowering "
		      "kernel.perf_event_max_sample_rate to %u", rrange32(g, 2501, 9000), 2500u,
		      rrange32(g, 20, 79) * 1000u);
		break;
	case 1:
		ruuid(g, uuid, '_');
		rhex(g, id, 64);
		kline(g, 6, "cgroup: fork rejected by pids controller in /kubepods.slice/"
		      "kubepods-burstable.slice/kubepods-burstable-pod%s.slice/cri-containerd-%s.scope",
		      uuid, id);
		break;
	case 2:
		kline(g, 5, "kauditd_printk_skb: %u callbacks suppressed", rrange32(g, 2, 90));
		break;
	case 3:
		kline(g, 6, "loop%u: detected capacity change from 0 to %u", rrange32(g, 0, 40),
		      rrange32(g, 8, 500000) * 8u);
		break;
	case 4:
		ruuid(g, uuid, '-');
		kline(g, 4, "xfs filesystem being mounted at /var/lib/kubelet/pods/%s/volumes/"
		      "kubernetes.io~csi/pvc-%.8s/mount supports timestamps until 2038 (0x7fffffff)",
		      uuid, uuid + 24);
		break;
	case 5:
		kline(g, 4, "hrtimer: interrupt took %u ns", rrange32(g, 100000, 9000000));
		break;
	case 6:
		kline(g, 6, "overlayfs: upperdir is in-use as upperdir/workdir of another mount, "
		      "accessing files from both mounts will result in undefined behavior.");
		break;
	default:
		kline(g, 4, "process '%s' started with executable stack",
		      chance(g, 50) ? "/usr/local/bin/java-agent" : "/opt/app/bin/legacyd");
		break;
	}
}

static void kn_io(struct gen *g)
{
	static const char *const dev[] = {"sdb", "sdc", "nvme1n1", "xvdf"};
	const char *d = PICK(g, dev);
	uint32_t sector = rrange32(g, 2048, 2000000000);

	if (g->host.kv->era == ERA_6X)
		kline(g, 3, "I/O error, dev %s, sector %u op 0x1:(WRITE) flags 0x800 phys_seg 1 "
		      "prio class 2", d, sector);
	else
		kline(g, 3, "blk_update_request: I/O error, dev %s, sector %u op 0x1:(WRITE) "
		      "flags 0x800 phys_seg 1 prio class 0", d, sector);
	kline(g, 3, "Buffer I/O error on dev %s1, logical block %u, lost async page write", d,
	      sector / 8u);
}

static void kn_segfault(struct gen *g)
{
	static const char *const comm[] = {"node", "python3", "php-fpm7.4", "chrome", "ruby",
					   "nginx", "containerd-shim", "dotnet"};
	static const char *const lib[] = {"libc.so.6", "libc-2.31.so", "libstdc++.so.6.0.30",
					  "libpthread-2.17.so", "node", "libcrypto.so.3"};
	uint64_t base = UINT64_C(0x7f0000000000) + ((rnext(g) & 0xffffffu) << 12);
	uint32_t pid = rrange32(g, 300, 4000000);
	const char *c = PICK(g, comm);

	if (chance(g, 25)) {
		kline(g, 6, "traps: %s[%u] general protection fault ip:%" PRIx64 " sp:7ffd%08x "
		      "error:0 in %s[%" PRIx64 "+%x]", c, pid, base + rnd(g, 0x100000),
		      rnd(g, UINT32_MAX), PICK(g, lib), base, rrange32(g, 0x1000, 0x200000));
		return;
	}
	kline(g, 6, "%s[%u]: segfault at %x ip %016" PRIx64 " sp 00007ffd%08x error %u in "
	      "%s[%" PRIx64 "+%x]%s", c, pid, rnd(g, 0x1000), base + rnd(g, 0x100000),
	      rnd(g, UINT32_MAX), chance(g, 70) ? 4u : 6u, PICK(g, lib), base,
	      rrange32(g, 0x1000, 0x200000),
	      g->host.kv->era == ERA_6X ? " likely on CPU 3 (core 3, socket 0)" : "");
	kline0(g, 6, "Code: 48 8b 45 f8 48 89 c7 e8 %02x %02x ff ff 48 8b 45 e8 <8b> 00 89 45 "
	       "f4 eb 1a 48 8b 45 e8 48 83 c0 08 48 89 45 e8", rnd(g, 256), rnd(g, 256));
}

static const char *const modules_line =
	"Modules linked in: xt_conntrack nf_conntrack_netlink xfrm_user xfrm_algo "
	"xt_addrtype br_netfilter bridge stp llc overlay nft_chain_nat xt_MASQUERADE nf_nat "
	"nf_conntrack nf_defrag_ipv6 nf_defrag_ipv4 xt_comment nft_compat nf_tables nfnetlink "
	"ip_vs_rr ip_vs ena ptp pps_core intel_rapl_msr kvm_intel kvm irqbypass crct10dif_pclmul "
	"crc32_pclmul ghash_clmulni_intel aesni_intel crypto_simd cryptd sch_fq_codel ip_tables "
	"x_tables autofs4";

static void regs_block(struct gen *g, const char *rip)
{
	kline0(g, 4, "RIP: 0010:%s", rip);
	kline0(g, 4, "Code: 00 e9 %02x ff ff ff 48 8b 73 08 48 c7 c7 %02x 1b 7a 9c c6 05 %02x "
	       "ae 2b 01 01 e8 <0f> 0b eb 95", rnd(g, 256), rnd(g, 256), rnd(g, 256));
	kline0(g, 4, "RSP: 0018:ffffb1d8c%07x EFLAGS: 00010282", rnd(g, 0xfffffff));
	kline0(g, 4, "RAX: 0000000000000000 RBX: ffff9b2f%08x RCX: 0000000000000027",
	       rnd(g, UINT32_MAX));
	kline0(g, 4, "RDX: ffff9b2fbf%06x RSI: 0000000000000001 RDI: ffff9b2fbf%06x",
	       rnd(g, 0xffffff), rnd(g, 0xffffff));
	kline0(g, 4, "RBP: ffffb1d8c%07x R08: 0000000000000000 R09: ffffb1d8c%07x",
	       rnd(g, 0xfffffff), rnd(g, 0xfffffff));
	kline0(g, 4, "R10: 0000000000000001 R11: 0000000000000001 R12: 0000000000000003");
	kline0(g, 4, "R13: ffff9b2f%08x R14: 0000000000000000 R15: ffff9b2f%08x",
	       rnd(g, UINT32_MAX), rnd(g, UINT32_MAX));
}

static void frames(struct gen *g, const char *const *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		kline(g, 4, " %s", f[i]);
}

static void kn_warn(struct gen *g)
{
	static const char *const irq_frames[] = {
		"? __pfx_dev_watchdog+0x10/0x10", "call_timer_fn+0x2c/0x120",
		"__run_timers.part.0+0x1e2/0x270", "run_timer_softirq+0x2a/0x60",
		"__do_softirq+0xd6/0x2ee", "irq_exit_rcu+0xa5/0xd0",
		"sysvec_apic_timer_interrupt+0x7c/0x90"};
	static const char *const ext4_frames[] = {
		"__ext4_journal_start_sb+0x107/0x150 [ext4]", "ext4_dirty_inode+0x35/0x80 [ext4]",
		"__mark_inode_dirty+0x5f/0x360", "generic_update_time+0x6c/0xd0",
		"file_modified+0xb9/0xd0", "ext4_buffered_write_iter+0x5f/0x150 [ext4]",
		"vfs_write+0x21a/0x3e0", "ksys_write+0x67/0xf0", "do_syscall_64+0x5c/0x90",
		"entry_SYSCALL_64_after_hwframe+0x72/0xdc"};
	bool net = chance(g, 55);
	uint32_t cpu = rnd(g, g->host.ncpu);

	pace(g, 1, 30);
	kline(g, 4, "------------[ cut here ]------------");
	if (net)
		kline(g, 6, "NETDEV WATCHDOG: eth0 (ixgbe): transmit queue %u timed out", rnd(g, 8));
	kline(g, 4, "WARNING: CPU: %u PID: %u at %s", cpu, net ? 0u : rrange32(g, 300, 4000000),
	      net ? "net/sched/sch_generic.c:477 dev_watchdog+0x21c/0x230"
		  : "fs/ext4/ext4_jbd2.c:53 ext4_journal_check_start+0x8b/0xd0 [ext4]");
	kline0(g, 4, "%s", modules_line);
	kline0(g, 4, "CPU: %u PID: %u Comm: %s Tainted: G        W          %s", cpu,
	       net ? 0u : rrange32(g, 300, 4000000), net ? "swapper/3" : "kworker/u16:2",
	       g->host.kv->ver);
	kline0(g, 4, "Hardware name: %s", g->host.hw);
	regs_block(g, net ? "dev_watchdog+0x21c/0x230" : "ext4_journal_check_start+0x8b/0xd0 [ext4]");
	kline0(g, 4, "FS:  0000000000000000(0000) GS:ffff9b2fbf%06x(0000) knlGS:0000000000000000",
	       rnd(g, 0xffffff));
	kline0(g, 4, "CS:  0010 DS: 0000 ES: 0000 CR0: 0000000080050033");
	kline0(g, 4, "Call Trace:");
	if (net) {
		kline0(g, 4, " <IRQ>");
		frames(g, irq_frames, COUNT_OF(irq_frames));
		kline0(g, 4, " </IRQ>");
	} else {
		kline0(g, 4, " <TASK>");
		frames(g, ext4_frames, COUNT_OF(ext4_frames));
		kline0(g, 4, " </TASK>");
	}
	kline(g, 4, "---[ end trace %016" PRIx64 " ]---", rnext(g));
}

/* page allocation failure: Mem-Info-like but no OOM kill (warn_alloc) */
static void kn_alloc_fail(struct gen *g)
{
	static const char *const f[] = {
		"dump_stack_lvl+0x48/0x70", "warn_alloc+0x138/0x1b0",
		"__alloc_pages_slowpath.constprop.0+0xc5c/0xd60", "__alloc_pages+0x2f6/0x320",
		"__kmalloc_large_node+0x74/0x140", "__kmalloc_node+0x106/0x150",
		"kvmalloc_node+0x4c/0xe0", "xt_alloc_table_info+0x21/0x50 [x_tables]",
		"do_ipt_set_ctl+0x101/0x4a0 [ip_tables]", "nf_setsockopt+0x4d/0x80",
		"__sys_setsockopt+0xdb/0x1b0", "do_syscall_64+0x5c/0x90"};

	pace(g, 1, 30);
	kline(g, 4, "iptables-restor: page allocation failure: order:%u, "
	      "mode:0x40dc0(GFP_KERNEL|__GFP_COMP|__GFP_ZERO), nodemask=(null),cpuset=/,"
	      "mems_allowed=0", rrange32(g, 3, 6));
	kline0(g, 4, "CPU: %u PID: %u Comm: iptables-restor Not tainted %s", rnd(g, g->host.ncpu),
	       rrange32(g, 300, 4000000), g->host.kv->ver);
	kline0(g, 4, "Hardware name: %s", g->host.hw);
	kline0(g, 4, "Call Trace:");
	frames(g, f, COUNT_OF(f));
	kline(g, 4, "warn_alloc_show_mem: 1 callbacks suppressed");
}

static void kn_hung(struct gen *g)
{
	static const char *const f[] = {
		"__schedule+0x2cd/0x890", "schedule+0x69/0x110", "io_schedule+0x46/0x70",
		"bit_wait_io+0x11/0x70", "__wait_on_bit+0x31/0xa0",
		"out_of_line_wait_on_bit+0x94/0xc0", "jbd2_journal_commit_transaction+0x1583/0x1940",
		"kjournald2+0xa9/0x280", "kthread+0x127/0x150", "ret_from_fork+0x1f/0x30"};
	uint32_t pid = rrange32(g, 300, 2000);

	pace(g, 1, 30);
	kline(g, 3, "INFO: task jbd2/sda1-8:%u blocked for more than %u seconds.", pid,
	      chance(g, 70) ? 120u : 241u);
	kline0(g, 3, "      Not tainted %s", g->host.kv->ver);
	kline0(g, 3, "\"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message.");
	kline0(g, 6, "task:jbd2/sda1-8    state:D stack:    0 pid:%5u ppid:     2 flags:0x00004000",
	       pid);
	kline0(g, 6, "Call Trace:");
	kline0(g, 6, " <TASK>");
	frames(g, f, COUNT_OF(f));
	kline0(g, 6, " </TASK>");
}

/* ------------------------------------------------------------------------ */
/* userspace noise (syslog / journal chunks only)                            */

static void un_systemd(struct gen *g)
{
	static const char *const timer[] = {"Daily apt download activities",
					    "Cleanup of Temporary Directories",
					    "Rotate log files", "Refresh fwupd metadata and update motd",
					    "Daily man-db regeneration", "Message of the Day"};
	uint32_t sess = rrange32(g, 1, 9000);
	char id[65];
	const char *t = PICK(g, timer);

	switch (rnd(g, 5)) {
	case 0:
		uline(g, tagp(g, "systemd", 1), "Started Session %u of User ubuntu.", sess);
		break;
	case 1:
		uline(g, tagp(g, "systemd", 1), "session-%u.scope: Deactivated successfully.", sess);
		break;
	case 2:
		uline(g, tagp(g, "systemd", 1), "Starting %s...", t);
		uline(g, tagp(g, "systemd", 1), "Finished %s.", t);
		break;
	case 3:
		rhex(g, id, 64);
		uline(g, tagp(g, "systemd", 1), "run-containerd-runc-k8s.io-%s-runc.%6.6s.mount: "
		      "Deactivated successfully.", id, id + 40);
		break;
	default:
		rhex(g, id, 64);
		uline(g, tagp(g, "systemd", 1), "Started cri-containerd-%s.scope - libcontainer "
		      "container %s.", id, id);
		break;
	}
}

static void un_login(struct gen *g)
{
	static const char *const user[] = {"ubuntu", "ec2-user", "deploy", "root", "admin"};
	const char *u = PICK(g, user);
	uint32_t pid = rrange32(g, 1000, 4000000), port = rrange32(g, 30000, 65000);
	char fp[44], ip[20];

	rword(g, fp, 43, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
	rpublic_ip(g, ip, sizeof ip);
	switch (rnd(g, 4)) {
	case 0:
		uline(g, tagp(g, "sshd", pid), "Accepted publickey for %s from 10.0.%u.%u port %u "
		      "ssh2: ED25519 SHA256:%s", u, rnd(g, 8), rrange32(g, 2, 250), port, fp);
		uline(g, tagp(g, "sshd", pid), "pam_unix(sshd:session): session opened for user "
		      "%s(uid=1000) by (uid=0)", u);
		uline(g, tagp(g, "systemd-logind", g->host.pid_logind), "New session %u of user %s.",
		      rrange32(g, 1, 9000), u);
		break;
	case 1:
		uline(g, tagp(g, "sshd", pid), "Invalid user %s from %s port %u",
		      chance(g, 50) ? "oracle" : "test", ip, port);
		uline(g, tagp(g, "sshd", pid), "Connection closed by invalid user test %s port %u "
		      "[preauth]", ip, port);
		break;
	case 2:
		uline(g, tagp(g, "CRON", pid), "(root) CMD (command -v debian-sa1 > /dev/null && "
		      "debian-sa1 1 1)");
		break;
	default:
		uline(g, tagp(g, "systemd-logind", g->host.pid_logind), "Session %u logged out. "
		      "Waiting for processes to exit.", rrange32(g, 1, 9000));
		break;
	}
}

static void un_containerd(struct gen *g)
{
	char ts[48], id[65];
	const char *tag;

	iso_time(g, ts, sizeof ts);
	rhex(g, id, 64);
	tag = tagp(g, "containerd", g->host.pid_containerd);
	switch (rnd(g, 4)) {
	case 0:
		uline(g, tag, "time=\"%s\" level=info msg=\"shim disconnected\" id=%s "
		      "namespace=k8s.io", ts, id);
		break;
	case 1:
		uline(g, tag, "time=\"%s\" level=info msg=\"StartContainer for \\\"%s\\\" returns "
		      "successfully\"", ts, id);
		break;
	case 2:
		uline(g, tag, "time=\"%s\" level=warning msg=\"cleaning up after shim disconnected\" "
		      "id=%s namespace=k8s.io", ts, id);
		break;
	default:
		uline(g, tag, "time=\"%s\" level=info msg=\"ImageCreate event "
		      "name:\\\"registry.k8s.io/pause:3.9\\\" labels:{key:\\\"io.cri-containerd."
		      "image\\\" value:\\\"managed\\\"}\"", ts);
		break;
	}
}

static void un_kubelet(struct gen *g)
{
	char kt[48], pod[96], uuid[37], id[65];
	const char *tag = tagp(g, "kubelet", g->host.pid_kubelet);
	uint32_t ip3 = rnd(g, 64), ip4 = rrange32(g, 2, 250);

	rpodname(g, pod, sizeof pod);
	ruuid(g, uuid, '-');
	rhex(g, id, 64);
	switch (rnd(g, 4)) {
	case 0:
		klog_time(g, kt, sizeof kt, 'I', g->host.pid_kubelet);
		uline(g, tag, "%s kubelet.go:2453] \"SyncLoop (PLEG): event for pod\" pod=\"%s\" "
		      "event={\"ID\":\"%s\",\"Type\":\"ContainerStarted\",\"Data\":\"%s\"}",
		      kt, pod, uuid, id);
		break;
	case 1:
		klog_time(g, kt, sizeof kt, 'I', g->host.pid_kubelet);
		uline(g, tag, "%s prober.go:107] \"Probe failed\" probeType=\"Readiness\" pod=\"%s\" "
		      "podUID=\"%s\" containerName=\"app\" probeResult=\"failure\" output=\"Get "
		      "\\\"http://10.244.%u.%u:8080/healthz\\\": dial tcp 10.244.%u.%u:8080: connect: "
		      "connection refused\"", kt, pod, uuid, ip3, ip4, ip3, ip4);
		break;
	case 2:
		klog_time(g, kt, sizeof kt, 'E', g->host.pid_kubelet);
		uline(g, tag, "%s pod_workers.go:1298] \"Error syncing pod, skipping\" err=\"failed "
		      "to \\\"StartContainer\\\" for \\\"app\\\" with CrashLoopBackOff: \\\"back-off "
		      "5m0s restarting failed container=app pod=%s\\\"\" pod=\"%s\" podUID=\"%s\"",
		      kt, pod, pod, uuid);
		break;
	default:
		klog_time(g, kt, sizeof kt, 'I', g->host.pid_kubelet);
		uline(g, tag, "%s reconciler_common.go:300] \"Volume detached for volume "
		      "\\\"kube-api-access-%.5s\\\" (UniqueName: \\\"kubernetes.io/projected/%s-"
		      "kube-api-access-%.5s\\\") on node \\\"%s\\\" DevicePath \\\"\\\"\"",
		      kt, id, uuid, id, g->host.name);
		break;
	}
}

static void un_dockerd(struct gen *g)
{
	char ts[48], id[65];
	const char *tag = tagp(g, "dockerd", g->host.pid_dockerd);

	iso_time(g, ts, sizeof ts);
	rhex(g, id, 64);
	if (chance(g, 60))
		uline(g, tag, "time=\"%s\" level=info msg=\"ignoring event\" container=%s "
		      "module=libcontainerd namespace=moby topic=/tasks/delete "
		      "type=\"*events.TaskDelete\"", ts, id);
	else
		uline(g, tag, "time=\"%s\" level=warning msg=\"Health check for container %s error: "
		      "context deadline exceeded\"", ts, id);
}

static void un_misc(struct gen *g)
{
	switch (rnd(g, 4)) {
	case 0:
		uline(g, tagp(g, "systemd-resolved", 612), "Using degraded feature set UDP instead "
		      "of EDNS0 for DNS server 10.0.0.2.");
		break;
	case 1:
		uline(g, tagp(g, "chronyd", 690), "Selected source 169.254.169.123");
		break;
	case 2:
		uline(g, tagp(g, "dbus-daemon", 702), "[system] Successfully activated service "
		      "'org.freedesktop.hostname1'");
		break;
	default:
		uline(g, "rsyslogd", "[origin software=\"rsyslogd\" swVersion=\"8.2302.0\" "
		      "x-pid=\"731\" x-info=\"https://www.rsyslog.com\"] rsyslogd was HUPed");
		break;
	}
}

/* standalone decoys: OOM words outside kernel messages */
static void un_decoy(struct gen *g)
{
	char kt[48], pod[96], id[65];
	uint32_t pid = rrange32(g, 300, 4000000);

	g->decoys++;
	rpodname(g, pod, sizeof pod);
	rhex(g, id, 64);
	switch (rnd(g, 6)) {
	case 0:
		klog_time(g, kt, sizeof kt, 'I', g->host.pid_kubelet);
		uline(g, tagp(g, "kubelet", g->host.pid_kubelet), "%s kubelet_pods.go:1690] "
		      "\"Container terminated\" pod=\"%s\" containerName=\"app\" "
		      "containerID=\"containerd://%s\" reason=\"OOMKilled\" exitCode=137", kt, pod, id);
		break;
	case 1:
		uline(g, tagp(g, "earlyoom", 588), "sending SIGTERM to process %u uid 1000 "
		      "\"chrome\": badness %u, VmRSS %u MiB", pid, rrange32(g, 600, 1000),
		      rrange32(g, 900, 6000));
		uline(g, tagp(g, "earlyoom", 588), "process exited after 0.%u seconds", rnd(g, 10));
		break;
	case 2:
		uline(g, tagp(g, "systemd-oomd", 601), "Killed /user.slice/user-1000.slice/"
		      "user@1000.service/app.slice/app-gnome-firefox-%u.scope due to memory pressure "
		      "for /user.slice/user-1000.slice/user@1000.service being %u.%02u%% > 50.00%% "
		      "for > 20s with reclaim activity", pid, rrange32(g, 51, 97), rnd(g, 100));
		break;
	case 3:
		uline(g, tagp(g, "systemd", 1), "cron.service: Killing process %u (sh) with signal "
		      "SIGKILL.", pid);
		break;
	case 4:
		uline(g, tagp(g, "fluent-bit", g->host.pid_fluent), "[0] kmsg.0: [%" PRId64
		      ".%09u, {\"priority\"=>3, \"sequence\"=>%" PRIu64 ", \"msg\"=>\"Out of memory: "
		      "Killed process %u (java) total-vm:%ukB, anon-rss:%ukB, file-rss:0kB, "
		      "shmem-rss:0kB, UID:1000 pgtables:%ukB oom_score_adj:0\"}]",
		      wall_sec(g) - 3600, rnd(g, 1000000000), g->seq / 2u, pid,
		      rrange32(g, 100000, 9000000), rrange32(g, 90000, 8000000), rrange32(g, 200, 9000));
		break;
	default:
		iso_time(g, kt, sizeof kt);
		uline(g, tagp(g, "dockerd", g->host.pid_dockerd), "time=\"%s\" level=info "
		      "msg=\"ignoring event\" container=%s module=libcontainerd namespace=moby "
		      "topic=/tasks/oom type=\"*events.TaskOOM\"", kt, id);
		break;
	}
}

typedef void (*noise_fn)(struct gen *g);

struct weighted {
	noise_fn fn;
	uint32_t w;
};

static const struct weighted kernel_noise[] = {
	{kn_ufw, 26}, {kn_apparmor, 12}, {kn_avc, 5}, {kn_ext4, 5}, {kn_veth_up, 6},
	{kn_veth_down, 5}, {kn_link, 3}, {kn_net_misc, 8}, {kn_sys_misc, 9}, {kn_io, 2},
	{kn_segfault, 4}, {kn_warn, 1}, {kn_alloc_fail, 1}, {kn_hung, 1},
};

static const struct weighted user_noise[] = {
	{un_systemd, 20}, {un_login, 10}, {un_containerd, 16}, {un_kubelet, 22},
	{un_dockerd, 8}, {un_misc, 6}, {un_decoy, 2},
};

static void run_weighted(struct gen *g, const struct weighted *t, size_t n)
{
	uint32_t total = 0, r;

	for (size_t i = 0; i < n; i++)
		total += t[i].w;
	r = rnd(g, total);
	for (size_t i = 0; i < n; i++) {
		if (r < t[i].w) {
			t[i].fn(g);
			return;
		}
		r -= t[i].w;
	}
}

static void emit_noise(struct gen *g)
{
	pace(g, 2000, 500000);
	if (user_ok(g) && chance(g, 55))
		run_weighted(g, user_noise, COUNT_OF(user_noise));
	else
		run_weighted(g, kernel_noise, COUNT_OF(kernel_noise));
}

/* ------------------------------------------------------------------------ */
/* OOM event model                                                           */

enum layout {
	L_DOCKER_FS, L_DOCKER_SD, L_K8S_FS, L_K8S_SD_CTRD, L_K8S_SD_CRIO, L_K8S_SD_DOCKER,
	L_SVC, L_USER, L_ECS, L_PODMAN, L_LXC
};

struct task {
	uint32_t pid, uid;
	int adj;
	bool in_cg;             /* in task_memcg (not in a sibling container) */
	char comm[16];
	uint64_t vm, rss, anon, file, shmem, ptbytes, swap; /* pages, ptbytes bytes */
};

struct oomev {
	enum fam fam;
	enum layout layout;
	bool global, ancestor, k8s, memsw;
	char task_memcg[PATH_CAP], oom_memcg[PATH_CAP], sib_memcg[PATH_CAP];
	char cpuset[PATH_CAP], cid[65];
	const char *unit, *mems, *constraint;
	struct task t[MAX_TASKS];
	size_t nt, victim, inv;
	uint32_t inv_pid, kill_pid;
	uint64_t limit_kb, usage_kb;
};

static uint32_t alloc_pid(struct gen *g, uint32_t max_gap)
{
	g->next_pid += rrange32(g, 1, max_gap);
	if (g->next_pid > 4000000u)
		g->next_pid = 3000u + rnd(g, 1000);
	return g->next_pid;
}

static struct task *add_task(struct oomev *ev, uint32_t pid, uint32_t uid, int adj,
			     const char *comm, bool in_cg)
{
	struct task *t;

	if (ev->nt >= MAX_TASKS)
		die("internal error: too many tasks in one OOM event");
	t = &ev->t[ev->nt++];
	memset(t, 0, sizeof *t);
	t->pid = pid;
	t->uid = uid;
	t->adj = adj;
	t->in_cg = in_cg;
	copy_str(t->comm, sizeof t->comm, comm);
	return t;
}

static void set_mem(struct gen *g, struct task *t, uint64_t rss)
{
	t->rss = rss ? rss : 1;
	t->shmem = chance(g, 10) ? t->rss / 50 : 0;
	t->file = t->rss / rrange(g, 20, 200) + rrange(g, 0, 300);
	if (t->file + t->shmem >= t->rss)
		t->file = t->rss / 4;
	t->anon = t->rss - t->file - t->shmem;
	t->vm = t->rss + t->rss * rrange(g, 10, 400) / 100 + rrange(g, 200, 20000);
	t->ptbytes = (t->rss / 400 + rrange(g, 6, 40)) * 4096u;
	t->swap = 0;
}

static void set_pause(struct task *t)
{
	t->vm = 243;
	t->rss = 1;
	t->anon = 0;
	t->file = 1;
	t->ptbytes = 28672;
}

struct app {
	const char *comm;
	const char *unit;
};

static const struct app apps[] = {
	{"java", "confluence.service"}, {"python3", "jupyterhub.service"},
	{"node", "ghost.service"}, {"stress", "test.service"},
	{"stress-ng-vm", "stress.service"}, {"postgres", "postgresql@15-main.service"},
	{"mysqld", "mysqld.service"}, {"ruby", "gitlab-puma.service"},
	{"php-fpm8.2", "php8.2-fpm.service"}, {"qemu-system-x86", "libvirtd.service"},
	{"celery", "celery.service"}, {"gunicorn", "app.service"},
	{"prometheus", "prometheus.service"}, {"pt_main_thread", "trainer.service"},
	{"dotnet", "kestrel-api.service"}, {"redis-server", "redis-server.service"},
	{"clickhouse-serv", "clickhouse-server.service"}, {"envoy", "envoy.service"},
	{"IPDL Background", "firefox.service"}, {"npm start", "frontend.service"},
	{"runc:[2:INIT]", "containerd.service"}, {"memcached", "memcached.service"},
	{"mongod", "mongod.service"}, {"ffmpeg", "transcoder.service"},
};

static const char *const java_threads[] = {"C2 CompilerThre", "GC Thread#0", "VM Thread",
					   "http-nio-8080-e", "G1 Conc#0"};

static void k8s_pod_path(struct gen *g, struct oomev *ev, const char *uuid_, const char *uuid)
{
	static const char *const qos[] = {"burstable", "burstable", "besteffort", "guaranteed"};
	const char *q = PICK(g, qos);
	bool sd = ev->layout != L_K8S_FS;

	if (sd && strcmp(q, "guaranteed") == 0)
		fmt(ev->oom_memcg, PATH_CAP, "/kubepods.slice/kubepods-pod%s.slice", uuid_);
	else if (sd)
		fmt(ev->oom_memcg, PATH_CAP, "/kubepods.slice/kubepods-%s.slice/kubepods-%s-pod%s.slice",
		    q, q, uuid_);
	else if (strcmp(q, "guaranteed") == 0)
		fmt(ev->oom_memcg, PATH_CAP, "/kubepods/pod%s", uuid);
	else
		fmt(ev->oom_memcg, PATH_CAP, "/kubepods/%s/pod%s", q, uuid);
	ev->unit = q;
}

static void container_paths(struct gen *g, struct oomev *ev)
{
	static const char *const rt[] = {"", "", "", "cri-containerd", "crio", "docker"};
	char uuid[37], uuid_[37], sib[65], ecs[33];
	const char *pod = ev->oom_memcg;

	rhex(g, sib, 64);
	switch (ev->layout) {
	case L_K8S_FS:
	case L_K8S_SD_CTRD:
	case L_K8S_SD_CRIO:
	case L_K8S_SD_DOCKER:
		ruuid(g, uuid, '-');
		memcpy(uuid_, uuid, sizeof uuid);
		for (char *p = uuid_; *p; p++)
			if (*p == '-')
				*p = '_';
		k8s_pod_path(g, ev, uuid_, uuid);
		if (ev->layout == L_K8S_FS) {
			fmt(ev->task_memcg, PATH_CAP, "%s/%s", pod, ev->cid);
			fmt(ev->sib_memcg, PATH_CAP, "%s/%s", pod, sib);
		} else {
			fmt(ev->task_memcg, PATH_CAP, "%s/%s-%s.scope", pod, rt[ev->layout], ev->cid);
			fmt(ev->sib_memcg, PATH_CAP, "%s/%s-%s.scope", pod, rt[ev->layout], sib);
		}
		ev->k8s = true;
		break;
	case L_ECS:
		rhex(g, ecs, 32);
		fmt(ev->oom_memcg, PATH_CAP, "/ecs/%s", ecs);
		fmt(ev->task_memcg, PATH_CAP, "/ecs/%s/%s", ecs, ev->cid);
		fmt(ev->sib_memcg, PATH_CAP, "/ecs/%s/%s", ecs, sib);
		break;
	case L_PODMAN:
		fmt(ev->oom_memcg, PATH_CAP, "/machine.slice/machine-libpod_pod_%s.slice", sib);
		fmt(ev->task_memcg, PATH_CAP, "%s/libpod-%s.scope", ev->oom_memcg, ev->cid);
		break;
	default:
		die("internal error: container_paths on layout %d", (int)ev->layout);
	}
}

/* fills task_memcg, oom_memcg (ancestor or same), cpuset */
static void build_layout(struct gen *g, struct oomev *ev, const struct app *a)
{
	bool v2 = (g->host.kv->flags & KF_V2) != 0;
	char name[24];

	rhex(g, ev->cid, 64);
	ev->oom_memcg[0] = ev->sib_memcg[0] = '\0';
	ev->unit = a->unit;
	switch (ev->layout) {
	case L_DOCKER_FS:
		fmt(ev->task_memcg, PATH_CAP, "/docker/%s", ev->cid);
		break;
	case L_DOCKER_SD:
		fmt(ev->task_memcg, PATH_CAP, "/system.slice/docker-%s.scope", ev->cid);
		break;
	case L_SVC:
		fmt(ev->task_memcg, PATH_CAP, "/system.slice/%s", a->unit);
		break;
	case L_USER:
		fmt(ev->task_memcg, PATH_CAP, "/user.slice/user-1000.slice/user@1000.service/"
		    "app.slice/run-u%u.service", rrange32(g, 10, 2000));
		break;
	case L_LXC:
		rword(g, name, 8, "abcdefghijklmnopqrstuvwxyz");
		fmt(ev->oom_memcg, PATH_CAP, "/lxc/%s", name);
		fmt(ev->task_memcg, PATH_CAP, "/lxc/%s/system.slice/%s", name, a->unit);
		break;
	default:
		container_paths(g, ev);
		break;
	}
	ev->ancestor = ev->oom_memcg[0] != '\0' && (ev->layout == L_LXC || chance(g, 55));
	if (!ev->ancestor)
		copy_str(ev->oom_memcg, PATH_CAP, ev->task_memcg);
	if (v2)
		copy_str(ev->cpuset, PATH_CAP, ev->layout == L_SVC ? "system.slice"
			 : ev->layout == L_USER ? "user.slice" : last_component(ev->task_memcg));
	else if (ev->layout == L_SVC || ev->layout == L_USER)
		copy_str(ev->cpuset, PATH_CAP, "/");
	else
		copy_str(ev->cpuset, PATH_CAP, last_component(ev->task_memcg));
}

static enum layout pick_layout(struct gen *g)
{
	static const enum layout rhel7[] = {L_DOCKER_SD, L_DOCKER_SD, L_K8S_SD_DOCKER,
					    L_K8S_FS, L_SVC, L_SVC};
	static const enum layout x4[] = {L_DOCKER_FS, L_DOCKER_FS, L_DOCKER_SD, L_K8S_FS,
					 L_K8S_FS, L_ECS, L_LXC, L_SVC};
	static const enum layout e419[] = {L_K8S_FS, L_K8S_FS, L_K8S_SD_DOCKER, L_K8S_SD_CTRD,
					   L_DOCKER_FS, L_SVC};
	static const enum layout e5v1[] = {L_K8S_FS, L_K8S_SD_CTRD, L_DOCKER_FS, L_SVC};
	static const enum layout e5[] = {L_K8S_SD_CTRD, L_K8S_SD_CTRD, L_K8S_SD_CRIO, L_K8S_FS,
					 L_DOCKER_SD, L_PODMAN, L_SVC};
	static const enum layout e6[] = {L_K8S_SD_CTRD, L_K8S_SD_CTRD, L_K8S_SD_CRIO,
					 L_DOCKER_SD, L_PODMAN, L_USER, L_SVC};

	switch (g->host.kv->era) {
	case ERA_RHEL7:
		return PICK(g, rhel7);
	case ERA_4X:
		return PICK(g, x4);
	case ERA_419:
		return PICK(g, e419);
	case ERA_5X:
		return (g->host.kv->flags & KF_V2) ? PICK(g, e5) : PICK(g, e5v1);
	case ERA_6X:
		return PICK(g, e6);
	}
	return L_SVC;
}

static int app_adj(struct gen *g, const struct oomev *ev)
{
	if (!ev->k8s)
		return ev->layout == L_USER ? 200 : 0;
	if (strcmp(ev->unit, "guaranteed") == 0)
		return -997;
	if (strcmp(ev->unit, "besteffort") == 0)
		return 1000;
	return (int)rrange32(g, 800, 999);
}

/* pause/sidecars (ancestor OOM only), wrapper, main process, workers */
static void tasks_container(struct gen *g, struct oomev *ev, const struct app *a)
{
	uint64_t budget = ev->usage_kb / 4u, used = 0;
	static const uint32_t uids[] = {1000, 999, 101, 65534, 1001};
	uint32_t uid = chance(g, 60) ? 0u : PICK(g, uids);
	int adj = app_adj(g, ev);
	uint32_t pid = alloc_pid(g, 20000);
	unsigned workers = rnd(g, 5);
	struct task *t;

	if (ev->k8s && ev->ancestor) {
		t = add_task(ev, pid, chance(g, 50) ? 65535u : 0u, -998, "pause", false);
		set_pause(t);
		if (chance(g, 30)) {
			t = add_task(ev, pid += rrange32(g, 20, 90), 1337, adj, "envoy", false);
			set_mem(g, t, budget / rrange(g, 12, 25));
			used += t->rss;
		}
	}
	if (chance(g, 40)) {
		t = add_task(ev, pid += rrange32(g, 20, 90), uid, adj,
			     chance(g, 50) ? "sh" : "tini", true);
		set_mem(g, t, rrange(g, 100, 900));
		used += t->rss;
	}
	ev->victim = ev->nt;
	t = add_task(ev, pid += rrange32(g, 1, 40), uid, adj, a->comm, true);
	for (unsigned i = 0; i < workers; i++) {
		struct task *w = add_task(ev, pid += rrange32(g, 1, 40), uid, adj, a->comm, true);

		set_mem(g, w, budget * rrange(g, 2, 9) / 100u);
		used += w->rss;
	}
	t = &ev->t[ev->victim];
	set_mem(g, t, budget > used + budget / 20u ? budget - used - budget / 20u : budget / 2u);
	g->next_pid = pid;
}

static const struct task *victim(const struct oomev *ev)
{
	return &ev->t[ev->victim];
}

static void pick_invoker(struct gen *g, struct oomev *ev)
{
	const struct task *v = victim(ev);

	ev->inv = ev->victim;
	ev->inv_pid = chance(g, 50) ? v->pid : v->pid + rrange32(g, 1, 300);
}

static const char *invoker_comm(struct gen *g, const struct oomev *ev)
{
	const struct task *inv = &ev->t[ev->inv];

	if (ev->inv_pid != inv->pid && strcmp(inv->comm, "java") == 0)
		return PICK(g, java_threads);
	return inv->comm;
}

static void init_limits(struct gen *g, struct oomev *ev)
{
	static const uint64_t limits[] = {102400, 204800, 262144, 524288, 1048576, 1048576,
					  2097152, 4194304, 8388608, 16777216};

	ev->limit_kb = PICK(g, limits);
	ev->usage_kb = chance(g, 85) ? ev->limit_kb : ev->limit_kb - rrange(g, 1, ev->limit_kb / 50u);
	ev->memsw = g->host.kv->era == ERA_RHEL7 || chance(g, 40);
	ev->mems = chance(g, 70) ? "0" : "0-1";
}

static void init_memcg_event(struct gen *g, struct oomev *ev, enum fam fam)
{
	const struct app *a = &PICK(g, apps);

	memset(ev, 0, sizeof *ev);
	ev->fam = fam;
	ev->layout = pick_layout(g);
	if (fam == FAM_OOMGROUP)
		ev->layout = chance(g, 50) ? L_K8S_SD_CTRD : L_K8S_SD_CRIO;
	build_layout(g, ev, a);
	if (fam == FAM_OOMGROUP) {
		ev->ancestor = false;
		copy_str(ev->oom_memcg, PATH_CAP, ev->task_memcg);
	}
	init_limits(g, ev);
	tasks_container(g, ev, a);
	if (fam == FAM_NOKILL)
		for (size_t i = 0; i < ev->nt; i++)
			ev->t[i].adj = -1000;
	pick_invoker(g, ev);
	ev->kill_pid = victim(ev)->pid;
}

/* ------------------------------------------------------------------------ */
/* OOM event: dump header                                                    */

static const char *taint(struct gen *g)
{
	static const char *const t[] = {"Not tainted", "Not tainted", "Tainted: G           OE    ",
					"Tainted: G        W         ", "Tainted: P           O      "};
	return PICK(g, t);
}

static const char *gfp(struct gen *g, const struct oomev *ev)
{
	unsigned f = g->host.kv->flags;

	if (g->host.kv->era == ERA_RHEL7)
		return ev->global ? "0x201da" : "0xd0";
	if (!(f & KF_GFPNAME))
		return ev->global ? "0x24201ca" : "0x24000c0";
	if (g->host.kv->era == ERA_4X)
		return ev->global ? "0x14200ca(GFP_HIGHUSER_MOVABLE)" : "0x14000c0(GFP_KERNEL)";
	if (g->host.kv->era == ERA_419)
		return ev->global ? "0x6200ca(GFP_HIGHUSER_MOVABLE)" : "0x6000c0(GFP_KERNEL)";
	if (ev->global)
		return "0x1100cca(GFP_HIGHUSER_MOVABLE)";
	return chance(g, 60) ? "0xcc0(GFP_KERNEL)" : "0x100cca(GFP_HIGHUSER_MOVABLE)";
}

static bool old_format(const struct gen *g)
{
	return g->host.kv->era == ERA_RHEL7 || g->host.kv->era == ERA_4X;
}

static void ev_invoked(struct gen *g, const struct oomev *ev)
{
	const char *comm = invoker_comm(g, ev);
	int adj = ev->t[ev->inv].adj;

	if (g->host.kv->flags & KF_NODEMASK)
		kline(g, 4, "%s invoked oom-killer: gfp_mask=%s, nodemask=(null),  order=0, "
		      "oom_score_adj=%d", comm, gfp(g, ev), adj);
	else
		kline(g, 4, "%s invoked oom-killer: gfp_mask=%s, order=0, oom_score_adj=%d", comm,
		      gfp(g, ev), adj);
	if (old_format(g))
		kline(g, 6, "%s cpuset=%s mems_allowed=%s", comm, ev->cpuset, ev->mems);
	if (g->host.kv->flags & KF_CPUUID)
		kline(g, 4, "CPU: %u UID: %u PID: %u Comm: %s %s %s", rnd(g, g->host.ncpu),
		      ev->t[ev->inv].uid, ev->inv_pid, comm, taint(g), g->host.kv->ver);
	else
		kline(g, 4, "CPU: %u PID: %u Comm: %s %s %s", rnd(g, g->host.ncpu), ev->inv_pid,
		      comm, taint(g), g->host.kv->ver);
	kline(g, 4, "Hardware name: %s", g->host.hw);
}

static const char *const tr_memcg_old[] = {
	"dump_stack+0x19/0x1b", "dump_header+0x8e/0x2ab", "? find_lock_task_mm+0x56/0xc0",
	"oom_kill_process+0x254/0x3d0", "? mem_cgroup_iter+0x2b0/0x3e0",
	"mem_cgroup_oom_synchronize+0x551/0x580", "? mem_cgroup_charge_common+0xc0/0xc0",
	"pagefault_out_of_memory+0x14/0x90", "mm_fault_error+0x68/0x12b",
	"__do_page_fault+0x391/0x450", "do_page_fault+0x35/0x90", "page_fault+0x28/0x30"};
static const char *const tr_global_old[] = {
	"dump_stack+0x19/0x1b", "dump_header+0x90/0x229", "? ktime_get_ts64+0x52/0xf0",
	"oom_kill_process+0x254/0x3d0", "out_of_memory+0x4b6/0x4f0",
	"__alloc_pages_slowpath+0x5d6/0x724", "__alloc_pages_nodemask+0x405/0x420",
	"alloc_pages_current+0x98/0x110", "__page_cache_alloc+0x97/0xb0",
	"filemap_fault+0x298/0x490", "ext4_filemap_fault+0x36/0x50 [ext4]",
	"__do_fault+0x4c/0xc0", "handle_mm_fault+0x6b1/0x1040", "__do_page_fault+0x154/0x450",
	"do_page_fault+0x35/0x90", "page_fault+0x28/0x30"};
static const char *const tr_memcg_419[] = {
	"dump_stack+0x66/0x8b", "dump_header+0x6b/0x283", "oom_kill_process.cold.30+0xb/0x1cf",
	"out_of_memory+0x1a5/0x450", "mem_cgroup_out_of_memory+0x49/0x80",
	"try_charge+0x6f4/0x750", "mem_cgroup_try_charge+0x8b/0x1a0",
	"__add_to_page_cache_locked+0x64/0x240", "add_to_page_cache_lru+0x4a/0xc0",
	"pagecache_get_page+0xf2/0x2c0", "filemap_fault+0x87f/0xa70",
	"ext4_filemap_fault+0x2c/0x40 [ext4]", "__do_fault+0x36/0x130",
	"__handle_mm_fault+0xe6c/0x1270", "handle_mm_fault+0xd6/0x200",
	"__do_page_fault+0x249/0x4f0", "page_fault+0x1e/0x30"};
static const char *const tr_memcg_new[] = {
	"dump_stack_lvl+0x4d/0x70", "dump_header+0x4a/0x240", "oom_kill_process+0x10d/0x1b0",
	"out_of_memory+0x246/0x590", "mem_cgroup_out_of_memory+0x134/0x150",
	"try_charge_memcg+0x6cd/0x790", "charge_memcg+0x45/0xa0",
	"__mem_cgroup_charge+0x2d/0x90", "do_anonymous_page+0x110/0x3b0",
	"__handle_mm_fault+0x8c4/0xe10", "handle_mm_fault+0xc8/0x2a0",
	"do_user_addr_fault+0x1bc/0x660", "exc_page_fault+0x71/0x160",
	"asm_exc_page_fault+0x27/0x30"};
static const char *const tr_global_new[] = {
	"dump_stack_lvl+0x4d/0x70", "dump_header+0x4a/0x240", "oom_kill_process+0x10d/0x1b0",
	"out_of_memory+0x246/0x590", "__alloc_pages_slowpath.constprop.0+0xc5e/0xd60",
	"__alloc_pages+0x2f6/0x320", "folio_alloc+0x1b/0x50", "__filemap_get_folio+0x14a/0x2a0",
	"filemap_fault+0x14b/0x910", "__do_fault+0x36/0x130", "do_read_fault+0xea/0x190",
	"do_fault+0x1c2/0x3e0", "__handle_mm_fault+0x6c9/0xe10", "handle_mm_fault+0xc8/0x2a0",
	"do_user_addr_fault+0x1bc/0x660", "exc_page_fault+0x71/0x160",
	"asm_exc_page_fault+0x27/0x30"};

static void user_regs(struct gen *g)
{
	uint64_t rip = UINT64_C(0x7f0000000000) + (rnext(g) & UINT64_C(0xffffffffff));

	kline0(g, 4, "RIP: 0033:0x%" PRIx64, rip);
	if (g->host.kv->flags & KF_TASKMARK)
		kline0(g, 4, "Code: Unable to access opcode bytes at 0x%" PRIx64 ".", rip - 0x2a);
	else
		kline0(g, 4, "Code: Bad RIP value.");
	kline0(g, 4, "RSP: 002b:00007ffe%08x EFLAGS: 00010206", rnd(g, UINT32_MAX));
	kline0(g, 4, "RAX: 00007f43%08x RBX: 0000560f%08x RCX: 0000000000%06x",
	       rnd(g, UINT32_MAX), rnd(g, UINT32_MAX), rnd(g, 0xffffff));
	kline0(g, 4, "RDX: 00007f43%08x RSI: 00007f43%08x RDI: 0000000000%06x",
	       rnd(g, UINT32_MAX), rnd(g, UINT32_MAX), rnd(g, 0xffffff));
	kline0(g, 4, "RBP: 00007ffe%08x R08: 0000000000000000 R09: 0000000000000040",
	       rnd(g, UINT32_MAX));
	kline0(g, 4, "R10: 00007f43%08x R11: 000000000c8b8000 R12: 0000000000000000",
	       rnd(g, UINT32_MAX));
	kline0(g, 4, "R13: 0000000000000000 R14: 00007ffe%08x R15: 0000560f%08x",
	       rnd(g, UINT32_MAX), rnd(g, UINT32_MAX));
}

static void ev_trace(struct gen *g, const struct oomev *ev)
{
	unsigned f = g->host.kv->flags;
	const char *const *tr;
	size_t n;

	if (f & KF_STACKHEX)
		for (int i = 0; i < 3; i++)
			kline(g, 4, " %016" PRIx64 " %016" PRIx64 " %016" PRIx64 " %016" PRIx64,
			       rnext(g), UINT64_C(0xffff880000000000) | (rnext(g) & 0xffffffffu),
			       UINT64_C(0xffff880000000000) | (rnext(g) & 0xffffffffu), raddr(g));
	kline(g, 4, "Call Trace:");
	if (old_format(g)) {
		tr = ev->global ? tr_global_old : tr_memcg_old;
		n = ev->global ? COUNT_OF(tr_global_old) : COUNT_OF(tr_memcg_old);
		for (size_t i = 0; i < n; i++)
			kline(g, 4, " [<%016" PRIx64 ">] %s", raddr(g), tr[i]);
		return;
	}
	if (!(f & KF_TASKMARK) && !ev->global) {
		frames(g, tr_memcg_419, COUNT_OF(tr_memcg_419));
		return;
	}
	if (f & KF_TASKMARK)
		kline0(g, 4, " <TASK>");
	if (ev->global)
		frames(g, tr_global_new, COUNT_OF(tr_global_new));
	else
		frames(g, tr_memcg_new, COUNT_OF(tr_memcg_new));
	if (chance(g, 60))
		user_regs(g);
	if (f & KF_TASKMARK)
		kline0(g, 4, " </TASK>");
}

/* ------------------------------------------------------------------------ */
/* OOM event: memcg state                                                    */

static void ev_usage(struct gen *g, const struct oomev *ev)
{
	bool v2 = (g->host.kv->flags & KF_V2) != 0;
	uint64_t memsw = ev->memsw ? ev->usage_kb + rrange(g, 0, ev->usage_kb / 4u) : ev->usage_kb;

	if (old_format(g))
		kline(g, 6, "Task in %s killed as a result of limit of %s", ev->task_memcg,
		      ev->oom_memcg);
	kline(g, 6, "memory: usage %" PRIu64 "kB, limit %" PRIu64 "kB, failcnt %" PRIu64,
	      ev->usage_kb, ev->limit_kb, rrange(g, 1, 90000000));
	if (v2) {
		kline(g, 6, "swap: usage 0kB, limit %skB, failcnt 0", chance(g, 50) ? "0" : UNLIMITED_KB);
		return;
	}
	if (ev->memsw && chance(g, 40))
		kline(g, 6, "memory+swap: usage %" PRIu64 "kB, limit %" PRIu64 "kB, failcnt %u",
		      memsw, ev->limit_kb * 2u, rrange32(g, 0, 9000));
	else
		kline(g, 6, "memory+swap: usage %" PRIu64 "kB, limit " UNLIMITED_KB "kB, failcnt 0",
		      memsw);
	kline(g, 6, "kmem: usage %" PRIu64 "kB, limit " UNLIMITED_KB "kB, failcnt 0",
	      rrange(g, 0, ev->usage_kb / 30u));
}

static uint64_t cg_rss_kb(const struct oomev *ev, bool in_cg)
{
	uint64_t kb = 0;

	for (size_t i = 0; i < ev->nt; i++)
		if (ev->t[i].in_cg == in_cg)
			kb += ev->t[i].anon * 4u;
	return kb;
}

/* pre-5.3 cgroup v1: one line per cgroup of the OOM subtree */
static void stats_v1_line(struct gen *g, const struct oomev *ev, const char *path, uint64_t rss)
{
	enum era era = g->host.kv->era;
	uint64_t cache = rss ? rrange(g, 0, rss / 40u + 64u) : 0;
	char swap[48] = "", shmem[32] = "", dirty[64] = "";

	if (ev->memsw)
		fmt(swap, sizeof swap, " swap:%" PRIu64 "KB", ev->limit_kb > rss ? 0 : rss / 3u);
	if (era != ERA_RHEL7) {
		fmt(dirty, sizeof dirty, " dirty:0KB writeback:%" PRIu64 "KB", rrange(g, 0, 90) * 4u);
		if (g->host.kv->flags & KF_NODEMASK || era == ERA_419)
			fmt(shmem, sizeof shmem, " shmem:%" PRIu64 "KB", rrange(g, 0, 8) * 4u);
	}
	kline0(g, 6, "Memory cgroup stats for %s: cache:%" PRIu64 "KB rss:%" PRIu64 "KB "
	       "rss_huge:%" PRIu64 "KB%s mapped_file:%" PRIu64 "KB%s%s inactive_anon:%" PRIu64
	       "KB active_anon:%" PRIu64 "KB inactive_file:%" PRIu64 "KB active_file:%" PRIu64
	       "KB unevictable:0KB", path, cache, rss, rss ? rrange(g, 0, rss / 2048u) * 2048u : 0,
	       shmem, cache / 8u, dirty, swap, rss / 2u, rss - rss / 2u, cache / 2u,
	       cache - cache / 2u);
}

static const char *const v2_keys_5x[] = {
	"anon", "file", "kernel_stack", "pagetables", "percpu", "sock", "shmem", "file_mapped",
	"file_dirty", "file_writeback", "swapcached", "anon_thp", "file_thp", "shmem_thp",
	"inactive_anon", "active_anon", "inactive_file", "active_file", "unevictable",
	"slab_reclaimable", "slab_unreclaimable", "slab", "workingset_refault_anon",
	"workingset_refault_file", "workingset_activate_anon", "workingset_activate_file",
	"workingset_restore_anon", "workingset_restore_file", "workingset_nodereclaim",
	"pgfault", "pgmajfault", "pgrefill", "pgscan", "pgsteal", "pgactivate", "pgdeactivate",
	"pglazyfree", "pglazyfreed", "thp_fault_alloc", "thp_collapse_alloc"};
static const char *const v2_keys_6x[] = {
	"anon", "file", "kernel", "kernel_stack", "pagetables", "sec_pagetables", "percpu",
	"sock", "vmalloc", "shmem", "zswap", "zswapped", "file_mapped", "file_dirty",
	"file_writeback", "swapcached", "anon_thp", "file_thp", "shmem_thp", "inactive_anon",
	"active_anon", "inactive_file", "active_file", "unevictable", "slab_reclaimable",
	"slab_unreclaimable", "slab", "workingset_refault_anon", "workingset_refault_file",
	"workingset_activate_anon", "workingset_activate_file", "workingset_restore_anon",
	"workingset_restore_file", "workingset_nodereclaim", "pgscan", "pgsteal",
	"pgscan_kswapd", "pgscan_direct", "pgsteal_kswapd", "pgsteal_direct", "pgfault",
	"pgmajfault", "pgrefill", "pgactivate", "pgdeactivate", "pglazyfree", "pglazyfreed",
	"thp_fault_alloc", "thp_collapse_alloc"};

/* slab_sum carries slab_reclaimable + slab_unreclaimable into "slab" */
static uint64_t v2_value(struct gen *g, const char *key, uint64_t anon_b, uint64_t *slab_sum)
{
	uint64_t v;

	if (strcmp(key, "anon") == 0 || strcmp(key, "inactive_anon") == 0)
		return anon_b;
	if (strcmp(key, "slab") == 0)
		return *slab_sum;
	if (strncmp(key, "slab_", 5) == 0) {
		v = rrange(g, 8, 600) * 4096u + rrange(g, 0, 4095) * 8u;
		*slab_sum += v;
		return v;
	}
	if (strcmp(key, "file") == 0 || strcmp(key, "kernel") == 0)
		return rrange(g, 1, 600) * 4096u;
	if (strcmp(key, "kernel_stack") == 0)
		return rrange(g, 2, 64) * 16384u;
	if (strncmp(key, "pg", 2) == 0 || strncmp(key, "workingset_", 11) == 0)
		return chance(g, 20) ? 0 : rrange(g, 1, 900000);
	if (strstr(key, "thp"))
		return chance(g, 70) ? 0 : rrange(g, 1, 40) * 2097152u;
	return chance(g, 50) ? 0 : rrange(g, 1, 90) * 4096u;
}

static void stats_v2(struct gen *g, const struct oomev *ev)
{
	bool lines = (g->host.kv->flags & KF_STATLINES) != 0;
	const char *const *keys = g->host.kv->era == ERA_6X ? v2_keys_6x : v2_keys_5x;
	size_t n = g->host.kv->era == ERA_6X ? COUNT_OF(v2_keys_6x) : COUNT_OF(v2_keys_5x);
	uint64_t anon_b = (ev->usage_kb - ev->usage_kb / 20u) / 4u * 4096u, slab = 0;
	char buf[TEXT_CAP];
	struct sb b = {buf, sizeof buf, 0};

	kline(g, 6, "Memory cgroup stats for %s:", ev->oom_memcg);
	for (size_t i = 0; i < n; i++) {
		uint64_t v = v2_value(g, keys[i], anon_b, &slab);

		if (lines)
			kline(g, 6, "%s %" PRIu64, keys[i], v);
		else
			sb_add(&b, "%s%s %" PRIu64, i ? "\n" : "", keys[i], v);
	}
	if (!lines) {
		tick(g);
		emit_record(g, 6, buf);
	}
}

static void ev_stats(struct gen *g, const struct oomev *ev)
{
	if (g->host.kv->era == ERA_5X || g->host.kv->era == ERA_6X) {
		stats_v2(g, ev);
		return;
	}
	tick(g);
	if (ev->ancestor) {
		stats_v1_line(g, ev, ev->oom_memcg, 0);
		if (ev->sib_memcg[0])
			stats_v1_line(g, ev, ev->sib_memcg, cg_rss_kb(ev, false));
	}
	stats_v1_line(g, ev, ev->task_memcg, cg_rss_kb(ev, true));
}

/* ------------------------------------------------------------------------ */
/* OOM event: task table                                                     */

static void ev_table(struct gen *g, const struct oomev *ev)
{
	enum era era = g->host.kv->era;
	bool cols = (g->host.kv->flags & KF_RSSCOLS) != 0;

	if (era == ERA_RHEL7)
		kline(g, 6, "[ pid ]   uid  tgid total_vm      rss nr_ptes swapents oom_score_adj name");
	else if (era == ERA_4X)
		kline(g, 6, "[ pid ]   uid  tgid total_vm      rss nr_ptes nr_pmds swapents "
		      "oom_score_adj name");
	else {
		kline(g, 6, "Tasks state (memory values in pages):");
		kline(g, 6, "[  pid  ]   uid  tgid total_vm      rss %spgtables_bytes swapents "
		      "oom_score_adj name", cols ? "rss_anon rss_file rss_shmem " : "");
	}
	for (size_t i = 0; i < ev->nt; i++) {
		const struct task *t = &ev->t[i];

		if (era == ERA_RHEL7)
			kline(g, 6, "[%5u] %5u %5u %8" PRIu64 " %8" PRIu64 " %7" PRIu64 " %8" PRIu64
			      "         %5d %s", t->pid, t->uid, t->pid, t->vm, t->rss,
			      t->ptbytes / 4096u, t->swap, t->adj, t->comm);
		else if (era == ERA_4X)
			kline(g, 6, "[%5u] %5u %5u %8" PRIu64 " %8" PRIu64 " %7" PRIu64 " %7u %8" PRIu64
			      "         %5d %s", t->pid, t->uid, t->pid, t->vm, t->rss,
			      t->ptbytes / 4096u, 3u, t->swap, t->adj, t->comm);
		else if (cols)
			kline(g, 6, "[%7u] %5u %5u %8" PRIu64 " %8" PRIu64 " %8" PRIu64 " %8" PRIu64
			      " %9" PRIu64 " %8" PRIu64 " %8" PRIu64 "         %5d %s", t->pid, t->uid,
			      t->pid, t->vm, t->rss, t->anon, t->file, t->shmem, t->ptbytes, t->swap,
			      t->adj, t->comm);
		else
			kline(g, 6, "[%7u] %5u %5u %8" PRIu64 " %8" PRIu64 " %8" PRIu64 " %8" PRIu64
			      "         %5d %s", t->pid, t->uid, t->pid, t->vm, t->rss, t->ptbytes,
			      t->swap, t->adj, t->comm);
	}
}

/* ------------------------------------------------------------------------ */
/* OOM event: kill lines                                                     */

static void killed_line(struct gen *g, const struct task *t, const char *msg)
{
	unsigned f = g->host.kv->flags;
	const char *sep = msg[0] ? ": " : "";

	skip_us(g, 50, 20000);
	if (f & KF_UID_RHEL)
		kline(g, 3, "%s%sKilled process %u (%s), UID %u, total-vm:%" PRIu64 "kB, anon-rss:%"
		      PRIu64 "kB, file-rss:%" PRIu64 "kB, shmem-rss:%" PRIu64 "kB", msg, sep, t->pid,
		      t->comm, t->uid, t->vm * 4u, t->anon * 4u, t->file * 4u, t->shmem * 4u);
	else if (f & KF_UID_TAIL)
		kline(g, 3, "%s%sKilled process %u (%s) total-vm:%" PRIu64 "kB, anon-rss:%" PRIu64
		      "kB, file-rss:%" PRIu64 "kB, shmem-rss:%" PRIu64 "kB, UID:%u pgtables:%" PRIu64
		      "kB oom_score_adj:%d", msg, sep, t->pid, t->comm, t->vm * 4u, t->anon * 4u,
		      t->file * 4u, t->shmem * 4u, t->uid, t->ptbytes / 1024u, t->adj);
	else if (f & KF_SHMEM)
		kline(g, 3, "%s%sKilled process %u (%s) total-vm:%" PRIu64 "kB, anon-rss:%" PRIu64
		      "kB, file-rss:%" PRIu64 "kB, shmem-rss:%" PRIu64 "kB", msg, sep, t->pid,
		      t->comm, t->vm * 4u, t->anon * 4u, t->file * 4u, t->shmem * 4u);
	else
		kline(g, 3, "%s%sKilled process %u (%s) total-vm:%" PRIu64 "kB, anon-rss:%" PRIu64
		      "kB, file-rss:%" PRIu64 "kB", msg, sep, t->pid, t->comm, t->vm * 4u,
		      t->anon * 4u, t->file * 4u);
}

static void reaper_line(struct gen *g, const struct task *t)
{
	skip_us(g, 1000, 130000);
	kline(g, 6, "oom_reaper: reaped process %u (%s), now anon-rss:0kB, file-rss:0kB, "
	      "shmem-rss:%" PRIu64 "kB", t->pid, t->comm, t->shmem * 4u);
}

static uint32_t badness(const struct oomev *ev, const struct task *t)
{
	uint64_t total = ev->global ? ev->limit_kb / 4u : ev->usage_kb / 4u;
	int64_t pts = (int64_t)((t->rss + t->swap) * 1000u / (total ? total : 1)) + t->adj;

	return pts < 1 ? 1u : (uint32_t)pts;
}

/* pre-4.19: "Kill process P ... or sacrifice child" + "Killed process V ..." */
static void kill_old(struct gen *g, struct oomev *ev, const char *msg)
{
	const struct task *v = victim(ev);
	size_t child = ev->nt;

	if (!ev->global && ev->victim + 1 < ev->nt && chance(g, 25))
		child = ev->victim + 1 + rnd(g, (uint32_t)(ev->nt - ev->victim - 1));
	else if (g->host.kv->era == ERA_RHEL7 && chance(g, 20))
		ev->kill_pid = v->pid + rrange32(g, 1, 3000);   /* a thread id */
	kline(g, 3, "%s: Kill process %u (%s) score %u or sacrifice child", msg, ev->kill_pid,
	      v->comm, badness(ev, v));
	if (child < ev->nt)
		ev->victim = child;
	killed_line(g, victim(ev), "");
	g->kills++;
	if ((g->host.kv->flags & KF_REAPER) && chance(g, 50))
		reaper_line(g, victim(ev));
}

static void oomkill_line(struct gen *g, const struct oomev *ev)
{
	const struct task *v = victim(ev);
	char memcg[2 * PATH_CAP + 64];

	if (ev->global)
		fmt(memcg, sizeof memcg, "global_oom,task_memcg=%s", ev->task_memcg);
	else
		fmt(memcg, sizeof memcg, "oom_memcg=%s,task_memcg=%s", ev->oom_memcg, ev->task_memcg);
	kline(g, 6, "oom-kill:constraint=%s,nodemask=%s,cpuset=%s,mems_allowed=%s,%s,task=%s,"
	      "pid=%u,uid=%u", ev->constraint, strcmp(ev->constraint, "CONSTRAINT_MEMORY_POLICY")
	      ? "(null)" : "0", ev->cpuset, ev->mems, memcg, v->comm, v->pid, v->uid);
}

static void kill_new(struct gen *g, const struct oomev *ev)
{
	oomkill_line(g, ev);
	killed_line(g, victim(ev), ev->global ? "Out of memory" : "Memory cgroup out of memory");
	g->kills++;
	if (chance(g, 75))
		reaper_line(g, victim(ev));
}

/* more kills right after the first one; the dump header is rate-limited */
static void burst(struct gen *g, struct oomev *ev, bool old)
{
	size_t first = ev->victim;

	for (size_t i = 0; i < ev->nt; i++) {
		const struct task *t = &ev->t[i];

		if (i == first || !t->in_cg || strcmp(t->comm, ev->t[first].comm) != 0)
			continue;
		skip_us(g, 100, 40000);
		if (old)
			kline(g, 3, "Memory cgroup out of memory: Kill process %u (%s) score %u or "
			      "sacrifice child", t->pid, t->comm, badness(ev, t));
		killed_line(g, t, old ? "" : "Memory cgroup out of memory");
		g->kills++;
		if (!old && chance(g, 80))
			reaper_line(g, t);
	}
}

/* memory.oom.group: every process of the victim's cgroup is killed */
static void oom_group(struct gen *g, const struct oomev *ev)
{
	kline(g, 6, "Tasks in %s are going to be killed due to memory.oom.group set",
	      ev->task_memcg);
	for (size_t i = 0; i < ev->nt; i++) {
		const struct task *t = &ev->t[i];

		if (!t->in_cg || t->adj == -1000)
			continue;
		if (i == ev->victim && chance(g, 30))
			continue;       /* victim's mm already gone: not re-printed */
		killed_line(g, t, "Memory cgroup out of memory");
		if (i != ev->victim)
			g->kills++;
	}
}

/* ------------------------------------------------------------------------ */
/* OOM event: userspace aftermath (with decoys)                              */

static void after_k8s(struct gen *g, const struct oomev *ev)
{
	char ts[48], pod[96], iso[48];
	const struct task *v = victim(ev);

	if (ev->layout == L_K8S_SD_CTRD || chance(g, 50)) {
		iso_time(g, ts, sizeof ts);
		uline(g, tagp(g, "containerd", g->host.pid_containerd), "time=\"%s\" level=info "
		      "msg=\"TaskOOM event container_id:\\\"%s\\\"\"", ts, ev->cid);
	}
	if (chance(g, 60)) {
		klog_time(g, ts, sizeof ts, 'I', g->host.pid_kubelet);
		rpodname(g, pod, sizeof pod);
		uline(g, tagp(g, "kubelet", g->host.pid_kubelet), "%s kubelet_pods.go:1690] "
		      "\"Container terminated\" pod=\"%s\" containerName=\"app\" containerID="
		      "\"containerd://%s\" reason=\"OOMKilled\" exitCode=137", ts, pod, ev->cid);
		g->decoys++;
	}
	if (chance(g, 30)) {
		klog_time(g, ts, sizeof ts, 'I', g->host.pid_npd);
		iso_time(g, iso, sizeof iso);
		iso[10] = ' ';
		iso[strlen(iso) - 1] = '\0';
		uline(g, tagp(g, "node-problem-detector-startup.sh", g->host.pid_npd),
		      "%s log_monitor.go:160] New status generated: &{Source:kernel-monitor "
		      "Events:[{Severity:warn Timestamp:%s +0000 UTC m=+%u.%09u Reason:OOMKilling "
		      "Message:Memory cgroup out of memory: Killed process %u (%s) total-vm:%" PRIu64
		      "kB, anon-rss:%" PRIu64 "kB, file-rss:%" PRIu64 "kB, shmem-rss:0kB, UID:%u "
		      "pgtables:%" PRIu64 "kB oom_score_adj:%d}] Conditions:[]}", ts, iso,
		      rrange32(g, 100, 900000), rnd(g, 1000000000), v->pid, v->comm, v->vm * 4u,
		      v->anon * 4u, v->file * 4u, v->uid, v->ptbytes / 1024u, v->adj);
		g->decoys++;
	}
}

static void after_unit(struct gen *g, const char *unit)
{
	const char *tag = tagp(g, "systemd", 1);

	uline(g, tag, "%s: A process of this unit has been killed by the OOM killer.", unit);
	uline(g, tag, "%s: Main process exited, code=killed, status=9/KILL", unit);
	uline(g, tag, "%s: Failed with result 'oom-kill'.", unit);
}

static void ev_after(struct gen *g, const struct oomev *ev)
{
	char ts[48], unit[PATH_CAP];

	if (!user_ok(g))
		return;
	pace(g, 1000, 400000);
	if (ev->k8s) {
		after_k8s(g, ev);
	} else if (ev->layout == L_SVC || ev->layout == L_USER) {
		after_unit(g, last_component(ev->task_memcg));
	} else if (ev->layout == L_DOCKER_FS || ev->layout == L_DOCKER_SD) {
		iso_time(g, ts, sizeof ts);
		uline(g, tagp(g, "dockerd", g->host.pid_dockerd), "time=\"%s\" level=info "
		      "msg=\"ignoring event\" container=%s module=libcontainerd namespace=moby "
		      "topic=/tasks/oom type=\"*events.TaskOOM\"", ts, ev->cid);
		if (ev->layout == L_DOCKER_SD) {
			fmt(unit, sizeof unit, "docker-%s.scope", ev->cid);
			after_unit(g, unit);
		}
	}
	if (ev->global && chance(g, 50)) {
		klog_time(g, ts, sizeof ts, 'I', g->host.pid_kubelet);
		uline(g, tagp(g, "kubelet", g->host.pid_kubelet), "%s event.go:307] \"Event "
		      "occurred\" object=\"%s\" fieldPath=\"\" kind=\"Node\" apiVersion=\"\" "
		      "type=\"Warning\" reason=\"SystemOOM\" message=\"System OOM encountered, victim "
		      "process: %s, pid: %u\"", ts, g->host.name, victim(ev)->comm, victim(ev)->pid);
		g->decoys++;
	}
}

/* ------------------------------------------------------------------------ */
/* OOM events                                                                */

static void event_memcg(struct gen *g, enum fam fam)
{
	struct oomev ev;

	init_memcg_event(g, &ev, fam);
	ev.constraint = "CONSTRAINT_MEMCG";
	pace(g, 2, 40);
	ev_invoked(g, &ev);
	ev_trace(g, &ev);
	ev_usage(g, &ev);
	ev_stats(g, &ev);
	ev_table(g, &ev);
	if (fam == FAM_NOKILL) {
		kline(g, 4, "Out of memory and no killable processes...");
		return;
	}
	if (old_format(g))
		kill_old(g, &ev, "Memory cgroup out of memory");
	else
		kill_new(g, &ev);
	if (fam == FAM_OLD_BURST || fam == FAM_RATELIMIT)
		burst(g, &ev, fam == FAM_OLD_BURST);
	if (fam == FAM_OOMGROUP)
		oom_group(g, &ev);
	ev_after(g, &ev);
}

/* buddy allocator line: "Node 0 DMA32: 12*4kB (UME) ... = 44672kB" */
static void buddy_line(struct gen *g, const char *zone, uint32_t max_count)
{
	char buf[1024];
	struct sb b = {buf, sizeof buf, 0};
	uint64_t total = 0;

	sb_add(&b, "Node 0 %s:", zone);
	for (unsigned o = 0; o < 11; o++) {
		uint32_t n = o < 6 ? rnd(g, max_count) : rnd(g, 3);

		total += (uint64_t)n * (4u << o);
		sb_add(&b, " %u*%ukB%s", n, 4u << o, n ? (o < 3 ? " (UME)" : " (U)") : "");
	}
	kline0(g, 6, "%s = %" PRIu64 "kB", buf, total);
}

static void zone_line(struct gen *g, const char *zone, uint64_t present_kb, uint64_t min_kb)
{
	kline0(g, 4, "Node 0 %s free:%" PRIu64 "kB min:%" PRIu64 "kB low:%" PRIu64 "kB high:%"
	       PRIu64 "kB active_anon:%" PRIu64 "kB inactive_anon:%" PRIu64 "kB active_file:%"
	       PRIu64 "kB inactive_file:0kB unevictable:0kB writepending:0kB present:%" PRIu64
	       "kB managed:%" PRIu64 "kB mlocked:0kB bounce:0kB free_pcp:%ukB local_pcp:%ukB "
	       "free_cma:0kB", zone, min_kb + rrange(g, 0, min_kb / 4u), min_kb, min_kb * 5u / 4u,
	       min_kb * 3u / 2u, rrange(g, 0, present_kb / 50u), present_kb * 9u / 10u,
	       rrange(g, 0, 400), present_kb, present_kb - present_kb / 40u, rnd(g, 900), rnd(g, 300));
}

static void ev_meminfo(struct gen *g, const struct oomev *ev)
{
	uint64_t pages = ev->limit_kb / 4u, anon = pages * 9u / 10u;
	bool v5 = g->host.kv->era == ERA_5X || g->host.kv->era == ERA_6X;
	uint64_t dma32 = ev->limit_kb < 3145728u ? ev->limit_kb - 16000u : 3129216u;
	uint64_t normal = ev->limit_kb - dma32 - 15992u;

	kline(g, 6, "Mem-Info:");
	fmt(g->text, sizeof g->text, "active_anon:%" PRIu64 " inactive_anon:%" PRIu64
	    " isolated_anon:0\n active_file:%u inactive_file:%u isolated_file:0\n unevictable:0 "
	    "dirty:0 writeback:0\n slab_reclaimable:%u slab_unreclaimable:%u\n mapped:%u shmem:%u "
	    "pagetables:%u bounce:0\n%s free:%u free_pcp:%u free_cma:0", anon / 50u, anon,
	    rnd(g, 400), rnd(g, 300), rrange32(g, 3000, 20000), rrange32(g, 8000, 40000),
	    rnd(g, 900), rnd(g, 9000), rrange32(g, 2000, 30000),
	    v5 ? " kernel_misc_reclaimable:0\n" : "", rrange32(g, 9000, 30000), rnd(g, 600));
	tick(g);
	emit_record(g, 6, g->text);
	if (g->host.kv->era != ERA_RHEL7)
		kline0(g, 4, "Node 0 active_anon:%" PRIu64 "kB inactive_anon:%" PRIu64 "kB "
		       "active_file:0kB inactive_file:0kB unevictable:0kB isolated(anon):0kB "
		       "isolated(file):0kB mapped:%ukB dirty:0kB writeback:0kB shmem:%ukB "
		       "writeback_tmp:0kB kernel_stack:%ukB pagetables:%ukB all_unreclaimable? yes",
		       anon / 50u * 4u, anon * 4u, rnd(g, 3600), rnd(g, 36000),
		       rrange32(g, 2000, 30000), rrange32(g, 8000, 120000));
	zone_line(g, "DMA", 15992, 132);
	kline0(g, 4, "lowmem_reserve[]: 0 %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64,
	       dma32 / 1024u, (ev->limit_kb - 16000u) / 1024u, (ev->limit_kb - 16000u) / 1024u,
	       (ev->limit_kb - 16000u) / 1024u);
	zone_line(g, "DMA32", dma32, 13000);
	if (normal > 65536u) {
		kline0(g, 4, "lowmem_reserve[]: 0 0 %" PRIu64 " %" PRIu64 " %" PRIu64,
		       normal / 1024u, normal / 1024u, normal / 1024u);
		zone_line(g, "Normal", normal, 40000);
	}
	kline0(g, 4, "lowmem_reserve[]: 0 0 0 0 0");
	buddy_line(g, "DMA", 4);
	buddy_line(g, "DMA32", 400);
	if (normal > 65536u)
		buddy_line(g, "Normal", 900);
	kline0(g, 6, "Node 0 hugepages_total=0 hugepages_free=0 hugepages_surp=0 "
	       "hugepages_size=1048576kB");
	kline0(g, 6, "Node 0 hugepages_total=0 hugepages_free=0 hugepages_surp=0 "
	       "hugepages_size=2048kB");
	kline0(g, 6, "%u total pagecache pages", rrange32(g, 500, 40000));
	kline0(g, 6, "0 pages in swap cache");
	kline0(g, 6, "Swap cache stats: add 0, delete 0, find 0/0");
	kline0(g, 6, "Free swap  = 0kB");
	kline0(g, 6, "Total swap = 0kB");
	kline0(g, 6, "%" PRIu64 " pages RAM", pages);
	kline0(g, 6, "0 pages HighMem/MovableOnly");
	kline0(g, 6, "%" PRIu64 " pages reserved", pages / 40u);
	kline0(g, 6, "0 pages hwpoisoned");
}

struct daemon {
	const char *comm;
	uint32_t pid, uid;
	int adj;
	uint32_t rss;
};

static const struct daemon daemons[] = {
	{"systemd", 1, 0, 0, 2900}, {"systemd-journal", 412, 0, -250, 9800},
	{"systemd-udevd", 447, 0, -1000, 1700}, {"systemd-network", 655, 100, 0, 900},
	{"systemd-resolve", 657, 101, 0, 3100}, {"chronyd", 690, 109, 0, 600},
	{"dbus-daemon", 702, 103, -900, 1100}, {"rsyslogd", 731, 104, 0, 1500},
	{"systemd-logind", 744, 0, 0, 1900}, {"cron", 745, 0, 0, 700},
	{"sshd", 812, 0, -1000, 1800}, {"agetty", 820, 0, 0, 400},
	{"containerd", 903, 0, -999, 12000}, {"dockerd", 1187, 0, -500, 21000},
	{"kubelet", 1391, 0, -999, 30000}, {"node_exporter", 2211, 65534, 999, 4100},
	{"fluent-bit", 2290, 0, 0, 9000},
};

/* the whole host: daemons, then the container/service holding the victim */
static void tasks_host(struct gen *g, struct oomev *ev, const struct app *a)
{
	uint64_t pages = ev->limit_kb / 4u;
	struct task *t;
	unsigned extra = rnd(g, 6);

	for (size_t i = 0; i < COUNT_OF(daemons); i++) {
		const struct daemon *d = &daemons[i];

		if (!chance(g, 80))
			continue;
		t = add_task(ev, d->pid, d->uid, d->adj, d->comm, false);
		set_mem(g, t, d->rss + rnd(g, d->rss));
	}
	for (unsigned i = 0; i < extra; i++) {
		t = add_task(ev, alloc_pid(g, 5000), 0, 0, PICK(g, apps).comm, false);
		set_mem(g, t, pages * rrange(g, 1, 4) / 100u);
	}
	ev->victim = ev->nt;
	t = add_task(ev, alloc_pid(g, 20000), chance(g, 50) ? 0u : 1000u, app_adj(g, ev), a->comm,
		     true);
	set_mem(g, t, pages * rrange(g, 55, 80) / 100u);
}

static void event_global(struct gen *g, enum fam fam)
{
	static const uint64_t ram[] = {1048576, 2097152, 4194304, 8388608, 16777216, 33554432};
	static const char *const cpusets[] = {"/", "/", "system.slice", "user.slice"};
	const struct app *a = &PICK(g, apps);
	struct oomev ev;

	memset(&ev, 0, sizeof ev);
	ev.fam = fam;
	ev.global = true;
	ev.layout = pick_layout(g);
	build_layout(g, &ev, a);
	ev.limit_kb = PICK(g, ram);
	ev.mems = "0";
	ev.constraint = "CONSTRAINT_NONE";
	if (!old_format(g) && chance(g, 10))
		ev.constraint = chance(g, 60) ? "CONSTRAINT_CPUSET" : "CONSTRAINT_MEMORY_POLICY";
	if (chance(g, 50))
		copy_str(ev.cpuset, PATH_CAP, PICK(g, cpusets));
	tasks_host(g, &ev, a);
	pick_invoker(g, &ev);
	ev.kill_pid = victim(&ev)->pid;
	pace(g, 2, 40);
	ev_invoked(g, &ev);
	ev_trace(g, &ev);
	ev_meminfo(g, &ev);
	ev_table(g, &ev);
	if (old_format(g))
		kill_old(g, &ev, "Out of memory");
	else
		kill_new(g, &ev);
	ev_after(g, &ev);
}

static enum fam pick_family(struct gen *g)
{
	uint32_t r = rnd(g, 100);

	switch (g->host.kv->era) {
	case ERA_RHEL7:
		return r < 55 ? FAM_OLD_MEMCG : r < 75 ? FAM_OLD_BURST : FAM_OLD_GLOBAL;
	case ERA_4X:
		return r < 75 ? FAM_OLD_MEMCG : FAM_OLD_GLOBAL;
	default:
		break;
	}
	if (r < 55)
		return FAM_NEW_MEMCG;
	if (r < 65)
		return (g->host.kv->flags & KF_V2) ? FAM_OOMGROUP : FAM_NEW_MEMCG;
	if (r < 80)
		return FAM_NEW_GLOBAL;
	if (r < 94)
		return FAM_RATELIMIT;
	return FAM_NOKILL;
}

static void emit_event(struct gen *g)
{
	enum fam fam = pick_family(g);

	g->events++;
	g->fam_count[fam]++;
	if (fam == FAM_OLD_GLOBAL || fam == FAM_NEW_GLOBAL)
		event_global(g, fam);
	else
		event_memcg(g, fam);
}

/* ------------------------------------------------------------------------ */
/* chunks: one host and one log format each                                  */

static enum style pick_style(struct gen *g)
{
	static const enum style w[] = {
		ST_DMESG, ST_DMESG, ST_DMESG, ST_DMESG_T, ST_DMESG_T, ST_SYSLOG, ST_SYSLOG,
		ST_SYSLOG, ST_SYSLOG_NOTS, ST_SYSLOG_NOTS, ST_JOURNAL, ST_JOURNAL, ST_JOURNAL,
		ST_KMSG, ST_KMSG};
	return PICK(g, w);
}

static void new_chunk(struct gen *g)
{
	static const char *const names[] = {
		"ip-10-0-3-17", "k8s-worker-02", "aks-nodepool1-24207654-vmss000001", "db01",
		"front", "ci-runner-7", "prod-app-03", "gke-prod-pool-1-8e2f1c3a-x9zq", "i-0014",
		"hgzmm3cs239", "node-3"};
	static const char *const hw[] = {
		"Red Hat KVM, BIOS 0.5.1 01/01/2011", "Amazon EC2 m5.xlarge/, BIOS 1.0 10/16/2017",
		"Microsoft Corporation Virtual Machine/Virtual Machine, BIOS Hyper-V UEFI Release "
		"v4.1 05/09/2022",
		"Google Google Compute Engine/Google Compute Engine, BIOS Google 01/01/2011",
		"QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.2-debian-1.16.2-1 04/01/2014",
		"Dell Inc. PowerEdge R640/0H28RR, BIOS 2.17.1 11/15/2022",
		"VMware, Inc. VMware Virtual Platform/440BX Desktop Reference Platform, BIOS 6.00 "
		"12/12/2018"};
	static const uint32_t ncpu[] = {2, 4, 8, 16, 32, 48};
	enum style old = g->style;
	struct host *h = &g->host;

	do
		g->style = pick_style(g);
	while (g->chunks > 0 && g->style == old);
	h->name = PICK(g, names);
	h->kv = &PICK(g, kvers);
	h->hw = PICK(g, hw);
	h->ncpu = PICK(g, ncpu);
	fmt(h->mac, sizeof h->mac, "52:54:00:%02x:%02x:%02x:fe:ff:ff:ff:ff:ff:08:00", rnd(g, 256),
	    rnd(g, 256), rnd(g, 256));
	h->pid_logind = rrange32(g, 600, 900);
	h->pid_containerd = rrange32(g, 800, 1200);
	h->pid_dockerd = rrange32(g, 1000, 1500);
	h->pid_kubelet = rrange32(g, 1300, 3000);
	h->pid_npd = rrange32(g, 2000, 4000);
	h->pid_fluent = rrange32(g, 2000, 4000);
	g->chunk_end = g->out.bytes + rrange(g, 512u * 1024u, 2560u * 1024u);
	g->chunks++;
}

/* ------------------------------------------------------------------------ */
/* exact file size                                                           */

/* one kernel line of exactly len bytes (newline included) */
static void emit_filler(struct gen *g, size_t len)
{
	static const char pad[] = "usr/share/locale/en_GB/LC_MESSAGES/";
	char st[48], head[512], tail[256];
	size_t plen, hlen, tlen, want;

	tick(g);
	audit_stamp(g, st, sizeof st);
	plen = kernel_prefix(g, 5, g->pfx, sizeof g->pfx);
	hlen = fmt(head, sizeof head, "audit: type=1400 audit(%s): apparmor=\"ALLOWED\" "
		   "operation=\"open\" class=\"file\" profile=\"/usr/sbin/cupsd\" name=\"/", st);
	tlen = fmt(tail, sizeof tail, "\" pid=%u comm=\"cupsd\" requested_mask=\"r\" "
		   "denied_mask=\"r\" fsuid=0 ouid=0", rrange32(g, 300, 4000000));
	if (plen + hlen + tlen + 1 > len)
		die("internal error: filler line of %zu bytes is too short", len);
	want = len - plen - hlen - tlen - 1;
	g->seq++;
	sink_write(&g->out, g->pfx, plen);
	sink_write(&g->out, head, hlen);
	for (size_t i = 0; i < want; i++)
		sink_write(&g->out, &pad[i % (sizeof pad - 1)], 1);
	sink_write(&g->out, tail, tlen);
	sink_write(&g->out, "\n", 1);
}

static void finish_exact(struct gen *g, uint64_t target)
{
	pace(g, 2000, 500000);
	while (target - g->out.bytes > 8192u)
		emit_noise(g);
	while (target - g->out.bytes > 1024u)
		kn_ufw(g);
	if (g->out.bytes > target)
		die("internal error: overshot the target size");
	size_t rest = (size_t)(target - g->out.bytes);
	emit_filler(g, rest / 2u);
	emit_filler(g, rest - rest / 2u);
}

/* ------------------------------------------------------------------------ */
/* main                                                                      */

static uint32_t parse_size(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > MAX_SIZE_MIB)
		die("SIZE_MIB must be an integer from 1 to %u, got \"%s\"", MAX_SIZE_MIB, s);
	return (uint32_t)v;
}

static void generate(struct gen *g, uint64_t target)
{
	const uint64_t reserve = 64u * 1024u;

	new_chunk(g);
	g->next_event_at = rrange(g, 16u * 1024u, 200u * 1024u);
	while (g->out.bytes + reserve < target) {
		if (g->out.bytes >= g->chunk_end)
			new_chunk(g);
		if (g->out.bytes >= g->next_event_at) {
			emit_event(g);
			g->next_event_at = g->out.bytes + rrange(g, 80u * 1024u, 600u * 1024u);
		} else {
			emit_noise(g);
		}
	}
	finish_exact(g, target);
}

static void report(const struct gen *g, const char *path)
{
	fprintf(stderr, PROG ": %s: %" PRIu64 " bytes, %" PRIu64 " chunks, %" PRIu64
		" OOM events, %" PRIu64 " kills, %" PRIu64 " decoy lines;", path, g->out.bytes,
		g->chunks, g->events, g->kills, g->decoys);
	for (int i = 0; i < FAM_COUNT; i++)
		fprintf(stderr, " %s=%" PRIu64, fam_names[i], g->fam_count[i]);
	fputc('\n', stderr);
}

int main(int argc, char **argv)
{
	static struct gen g;
	uint32_t size_mib;

	if (argc != 3) {
		fprintf(stderr, "usage: " PROG " SIZE_MIB OUT_FILE\n"
			"Writes a deterministic SIZE_MIB MiB mixed kernel log with OOM-killer "
			"events\nto OUT_FILE and prints the number of OOM kills on stdout.\n");
		return 2;
	}
	size_mib = parse_size(argv[1]);
	g.rng = SEED;
	g.up_us = START_UPTIME_US;
	g.seq = 812345;
	g.audit_serial = 40211;
	g.next_pid = 4000;
	sink_open(&g.out, argv[2]);
	generate(&g, (uint64_t)size_mib * MIB);
	sink_close(&g.out);
	report(&g, argv[2]);
	if (printf("%" PRIu64 "\n", g.kills) < 0 || fflush(stdout) != 0)
		die("stdout: write failed: %s", strerror(errno));
	return 0;
}
