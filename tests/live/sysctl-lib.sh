# shellcheck shell=bash
# Sourced by the live, engine and demo scripts: the writeback policy's host
# mode (on by default on cgroup v1) writes vm.dirty_*; tests point it at a
# private copy instead of the host's (OOMGUARD_SYSCTL_VM, read by the hook).
#   fake_sysctl_vm DIR   make DIR hold the host's current dirty_* values
#                        and export OOMGUARD_SYSCTL_VM=DIR
fake_sysctl_vm() {
        local f
        mkdir -p "$1" || return 1
        for f in dirty_bytes dirty_background_bytes dirty_ratio dirty_background_ratio; do
                cat "/proc/sys/vm/$f" >"$1/$f" || return 1
        done
        export OOMGUARD_SYSCTL_VM="$1"
}
