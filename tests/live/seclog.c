/* SPDX-License-Identifier: MIT */
/* A seccomp filter whose action for getppid() is SECCOMP_RET_LOG, then
 * getppid(): the kernel logs the call as an audit record (type=1326) that
 * quotes this executable's path, exe="...", in the kernel log when no
 * audit daemon listens. Run from a path that spells a kernel message, it
 * puts that text inside a kernel record (tests/live/forge-kmsg.sh).
 * Static, no libseccomp: it runs in a busybox rootfs. */
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
        struct sock_filter f[] = {
                BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
                BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_LOG),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        };
        struct sock_fprog prog = {sizeof(f) / sizeof(f[0]), f};
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
            prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) {
                perror("seclog: installing the filter");
                return 1;
        }
        syscall(SYS_getppid);
        return 0;
}
