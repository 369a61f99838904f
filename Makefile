# oomguard — build, test, install.
#   make            build/oomguard, build/oomguard-hook, build/oomguard-shim
#   make demo       the main job: real OOM logs explained, then live runc and docker run deaths
#   make check      unit, corpus, live-kernel, runc, engine and package tests
#   make lint       the layer rule of lib/ (tools/layers.sh), cppcheck and clang --analyze,
#                   shellcheck over every shell script (tools/shellcheck.sh) and
#                   clang-format over every C source (tools/format.sh --check)
#   make asan       the same under AddressSanitizer + UBSan (build/asan/)
#   make fuzz       libFuzzer over every parser (FUZZ_SECONDS per target, default 60)
#   make bench      explain against grep, the hook's and the shim's cost
#   make install    PREFIX=/usr/local DESTDIR=
#   make deb        a Debian package (build/oomguard_VERSION_ARCH.deb)
# Each target first installs the Debian packages it needs that are missing
# (tools/deps.list, the one list; as root, with apt-get; DEPS=no skips that).

VERSION := 0.1.0
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DOCDIR ?= $(PREFIX)/share/doc/oomguard
SYSCONFDIR ?= /etc
# podman and CRI-O read /usr/share/containers/oci/hooks.d and /etc/containers/oci/hooks.d
HOOKSDIR ?= $(PREFIX)/share/containers/oci/hooks.d
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
MAN8 := packaging/man/oomguard.8 packaging/man/oomguard-hook.8 packaging/man/oomguard-shim.8
MAN5 := packaging/man/oomguard.json.5
EXAMPLES := config/docker/daemon.json config/containerd/config.toml config/crio/10-oomguard.conf
DESTDIR ?=
BUILD ?= build
CC ?= cc
CFLAGS ?= -O2 -g
SAN ?=
FUZZ_SECONDS ?= 60
SHARED_CORPUS ?= ../shared/corpus/kernel-logs

PKG_CONFIG ?= pkg-config
# pkg-config is asked when a recipe first needs the answer (after the
# packages are installed), once: $(call once,VAR,command)
once = $(eval $1 := $$(shell $2))$($1)
YAJL_CFLAGS = $(call once,YAJL_CFLAGS,$(PKG_CONFIG) --cflags yajl 2>/dev/null)
YAJL_LIBS = $(call once,YAJL_LIBS,$(PKG_CONFIG) --libs yajl 2>/dev/null || echo -lyajl)
CMOCKA_CFLAGS = $(call once,CMOCKA_CFLAGS,$(PKG_CONFIG) --cflags cmocka 2>/dev/null)
CMOCKA_LIBS = $(call once,CMOCKA_LIBS,$(PKG_CONFIG) --libs cmocka 2>/dev/null || echo -lcmocka)

# The Debian packages each purpose needs (tools/deps.list): a target that
# needs some depends on $(BUILD)/.deps-PURPOSE, which tools/deps.sh makes
# after installing what is missing. The stamp is remade only when dpkg's
# database or the list changes: nothing to do costs nothing.
DEPS ?= yes
.DEFAULT_GOAL := all
DPKG_STATUS := $(wildcard /var/lib/dpkg/status)
DEPS_STAMPS := $(addprefix $(BUILD)/.deps-,build demo check vm vm-production bench lint asan fuzz deb fresh runc-suite)
$(DEPS_STAMPS): $(BUILD)/.deps-%: tools/deps.list tools/deps.sh $(DPKG_STATUS)
	@mkdir -p $(@D)
	@$(if $(filter no,$(DEPS)),:,bash tools/deps.sh $*)
	@touch $@

WARN = -std=gnu11 -Wall -Wextra -Wshadow -Wformat=2 -Wconversion \
	   -Wstrict-prototypes -Wmissing-prototypes
HARDEN = -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
LDHARDEN = -pie -Wl,-z,relro,-z,now
ALL_CFLAGS = $(WARN) $(HARDEN) $(CFLAGS) $(SAN) $(YAJL_CFLAGS) -MMD -MP $(LIB_INC) \
	-DOOMGUARD_VERSION=\"$(VERSION)\"
ALL_LDFLAGS = $(LDHARDEN) $(SAN) $(LDFLAGS)

LIBEXECDIR ?= $(PREFIX)/lib/oomguard
# lib/ in layers, lowest first (tools/layers.sh checks the include rule)
LIB_DIRS := base sys oomlog core hook shim doctor ps
LIB_INC := $(addprefix -Ilib/,$(LIB_DIRS))
LIB_SRC := $(wildcard $(addsuffix /*.c,$(addprefix lib/,$(LIB_DIRS))))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_SRC := $(wildcard cli/*.c)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

# One environment for every suite: the binaries under test and the test
# programs, by the names the suites read (each suite's header lists them),
# as absolute paths (suites change directory and namespace).
SUITE_VARS := OOMGUARD=oomguard HOOK=oomguard-hook SHIM=oomguard-shim \
	HOG=tests/oomguard-hog HOG_STATIC=tests/oomguard-hog-static \
	SECLOG=tests/oomguard-seclog CONFPROBE=tests/confprobe PCPROBE=tests/pcprobe \
	PCPROBE_STATIC=tests/pcprobe-static PCPROBE_MUSL=tests/pcprobe-musl
SUITE_BINS := $(foreach v,$(SUITE_VARS),$(BUILD)/$(lastword $(subst =, ,$(v)))) \
	$(BUILD)/liboomguard-pagecache.so
$(foreach v,$(SUITE_VARS),$(eval export $(firstword $(subst =, ,$(v))) = \
	$(abspath $(BUILD))/$(lastword $(subst =, ,$(v)))))
export SANITIZED = $(if $(SAN),yes)

all: $(BUILD)/oomguard $(BUILD)/oomguard-hook $(BUILD)/oomguard-shim \
	$(BUILD)/liboomguard-pagecache.so | $(BUILD)/.deps-build

demo: $(BUILD)/oomguard $(BUILD)/oomguard-hook $(BUILD)/oomguard-shim \
		$(BUILD)/tests/oomguard-hog-static | $(BUILD)/.deps-demo
	bash tests/demo.sh

$(BUILD)/%.o: %.c | $(BUILD)/.deps-build
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/liboomguard.a: $(LIB_OBJ)
	$(AR) rcs $@ $^

# Confinement (lib/confine.c): libseccomp and libcap, for the hook and the CLI
SECCOMP_LIBS = $(call once,SECCOMP_LIBS,$(PKG_CONFIG) --libs libseccomp 2>/dev/null || echo -lseccomp)
CAP_LIBS = $(call once,CAP_LIBS,$(PKG_CONFIG) --libs libcap 2>/dev/null || echo -lcap)
CONFINE_LIBS = $(SECCOMP_LIBS) $(CAP_LIBS)
SECCOMP_LIBDIR = $(call once,SECCOMP_LIBDIR,$(PKG_CONFIG) --variable=libdir libseccomp 2>/dev/null)
CAP_LIBDIR = $(call once,CAP_LIBDIR,$(PKG_CONFIG) --variable=libdir libcap 2>/dev/null)
CONFINE_STATIC = $(SECCOMP_LIBDIR)/libseccomp.a $(CAP_LIBDIR)/libcap.a

$(BUILD)/oomguard: $(CLI_OBJ) $(BUILD)/liboomguard.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(YAJL_LIBS) $(CONFINE_LIBS)

# The hook and the shim are static-pie: runtimes and engines run them on
# every container, from places with few libraries and no PATH (sanitizer
# builds link dynamically).
YAJL_LIBDIR = $(call once,YAJL_LIBDIR,$(PKG_CONFIG) --variable=libdir yajl 2>/dev/null)
YAJL_STATIC = $(YAJL_LIBDIR)/libyajl_s.a
LINK_STATIC = $(if $(SAN),$(CC) $(ALL_LDFLAGS) -o $@ $^ $(YAJL_LIBS),\
		$(CC) -static-pie -Wl,-z,relro,-z,now $(LDFLAGS) -o $@ $^ $(YAJL_STATIC))
$(BUILD)/oomguard-hook: $(BUILD)/hook/main.o $(BUILD)/liboomguard.a
	$(if $(SAN),$(CC) $(ALL_LDFLAGS) -o $@ $^ $(YAJL_LIBS) $(CONFINE_LIBS),\
		$(CC) -static-pie -Wl,-z,relro,-z,now $(LDFLAGS) -o $@ $^ $(YAJL_STATIC) $(CONFINE_STATIC))

$(BUILD)/oomguard-shim: $(BUILD)/shim/main.o $(BUILD)/liboomguard.a
	$(LINK_STATIC)

# The write window the shim preloads into containers' glibc programs: no
# sanitizer, no fortify wrappers, nothing newer than glibc 2.2.5 (the
# images may carry any glibc); check-preload verifies that.
$(BUILD)/liboomguard-pagecache.so: preload/pagecache.c | $(BUILD)/.deps-build
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -O2 -g -fPIC -shared -U_FORTIFY_SOURCE -fno-stack-protector \
		-Wl,-z,relro,-z,now -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/liboomguard.a tests/unit/testutil.h | $(BUILD)/.deps-check
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(CMOCKA_CFLAGS) -Itests/unit -DFIXTURES=\"tests/fixtures\" $(ALL_LDFLAGS) -o $@ $< \
		$(BUILD)/liboomguard.a $(CMOCKA_LIBS) $(YAJL_LIBS) $(CONFINE_LIBS)

# check-load goes last: its burst of 33 OOM kills trips the kernel's rate
# limit on OOM reports for the suites that would follow it. A suite that
# cannot run here says SKIPPED and why, and adds a line to $(SKIPS); check
# lists them at the end and fails on any when FAIL_ON_SKIP is set (CI).
CHECKS := check-docs check-unit check-corpus check-live check-engines check-pkg check-load
export OOMGUARD_SKIPS := $(abspath $(BUILD))/skipped
FAIL_ON_SKIP ?= $(CI)
check: $(CHECKS)
	@bash tools/skips.sh report "$(OOMGUARD_SKIPS)" $(if $(filter-out 0 false no,$(FAIL_ON_SKIP)),--fail)

$(CHECKS): | $(BUILD)/.deps-check check-start
check-start:
	@mkdir -p $(BUILD) && rm -f "$(OOMGUARD_SKIPS)"

# the README's package table against tools/deps.list, tools/deps.sh
# itself, and the layer rule's checker on planted violations
check-docs:
	bash tests/docs/deps.sh
	bash tests/docs/layers.sh

check-unit: $(UNIT_BIN)
	@set -e; for t in $(filter-out %/test_corpus,$(UNIT_BIN)); do echo "== $$t"; $$t; done

# The project's own copy of the shared corpus, its synthetic extra cases and
# real logs held out while the parser was written (tests/corpus/real); the
# shared folder too when it sits beside the checkout (it may have grown).
check-corpus: $(BUILD)/tests/test_corpus
	$(BUILD)/tests/test_corpus tests/corpus/kernel-logs tests/corpus/extra tests/corpus/real \
		$(wildcard $(SHARED_CORPUS))

$(BUILD)/tests/oomguard-hog: tests/live/hog.c
	@mkdir -p $(dir $@)
	$(CC) -O1 -o $@ $<

# the memory hog runc runs inside a busybox rootfs
$(BUILD)/tests/oomguard-hog-static: tests/live/hog.c
	@mkdir -p $(dir $@)
	$(CC) -static -O1 -o $@ $<

# forge-kmsg.sh's helper: a SECCOMP_RET_LOG audit record quoting its path
$(BUILD)/tests/oomguard-seclog: tests/live/seclog.c
	@mkdir -p $(dir $@)
	$(CC) -static -O1 -o $@ $<

# the preload tests' probe: glibc (dynamic and static) and, if musl-gcc is
# installed, musl
$(BUILD)/tests/pcprobe: tests/live/pcprobe.c
	@mkdir -p $(dir $@)
	$(CC) -O1 -o $@ $<
$(BUILD)/tests/pcprobe-static: tests/live/pcprobe.c
	@mkdir -p $(dir $@)
	$(CC) -static -O1 -o $@ $<
$(BUILD)/tests/pcprobe-musl: tests/live/pcprobe.c
	@mkdir -p $(dir $@)
	if command -v musl-gcc >/dev/null; then musl-gcc -O1 -o $@ $<; fi

# a stand-in for a hijacked hook, confined as the hook confines itself
$(BUILD)/tests/confprobe: tests/live/confprobe.c $(BUILD)/liboomguard.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(BUILD)/liboomguard.a $(YAJL_LIBS) $(CONFINE_LIBS)

# The live suites, in order (add a suite: its file name here). Every one
# runs even when another fails; tests/lib/run-suites.sh reports once.
LIVE_SUITES := run hook runc shim hostile forge-watch forge-kmsg forge-input forge-host \
	confine preload outputs sysbox deaths
check-live: $(SUITE_BINS)
	bash tests/lib/run-suites.sh check-live $(LIVE_SUITES:%=tests/live/%.sh)

# 100 runc containers at once, a third of them OOM (LOAD_CONTAINERS,
# LOAD_WAVE, LOAD_STAGGER): every verdict right, none lost or doubled
check-load: $(SUITE_BINS)
	bash tests/load/load.sh

# dockerd, containerd and podman started by the test itself (see tests/engines/lib.sh)
# the engines themselves first (selftest: each starts, runs a container,
# leaves nothing), then oomguard registered in them; cri-termmsg: a pod
# through containerd's CRI plugin, as the kubelet runs it
ENGINE_SUITES := selftest engines ops cri-termmsg
check-engines: $(SUITE_BINS)
	bash tests/lib/run-suites.sh check-engines $(ENGINE_SUITES:%=tests/engines/%.sh)

check-pkg: deb
	DEB=$$(ls $(BUILD)/oomguard_$(VERSION)_*.deb) bash tests/pkg/deb.sh

# Real OOM kills in QEMU guests (cgroup v2 and v1, runc and crun, global
# OOMs and the node-protection scenario), as root; installs QEMU and the
# rest when missing (tests/vm/setup-host.sh). Not part of check: make asan
# runs check again.
check-vm: $(BUILD)/oomguard $(BUILD)/oomguard-hook $(BUILD)/oomguard-shim \
		$(BUILD)/liboomguard-pagecache.so | $(BUILD)/.deps-vm
	VM_DIR=$(BUILD)/vm bash tests/vm/run.sh $(VM_GUESTS)

# runc's own integration suite (Debian's source of the installed runc), run
# with plain runc and through oomguard-shim, compared test by test; fails on
# a test that only the shim fails (tests/runc-suite/README.md; ~7 minutes,
# the first run ~2 more to fetch and build what it needs)
check-runc-suite: $(BUILD)/oomguard-hook $(BUILD)/oomguard-shim | $(BUILD)/.deps-runc-suite
	RUNC_SUITE_OUT=$(BUILD)/runc-suite bash tests/runc-suite/run.sh

# Production-like QEMU guests (tests/vm-production): Debian 12 with systemd,
# sshd, Docker, containerd and podman, cgroup v2 and v1, oomguard installed
# from this package; a subset with SCENARIOS=name,... GUESTS=debian-v2|debian-v1.
# The base image is cached in /var/cache/oomguard-vm-production.
check-vm-production: deb | $(BUILD)/.deps-vm-production
	DEB=$$(ls $(BUILD)/oomguard_$(VERSION)_*.deb) VM_DIR=$(BUILD)/vm \
		SCENARIOS="$(SCENARIOS)" GUESTS="$(GUESTS)" bash tests/vm-production/run.sh

# The README's two commands in a fresh Debian 12 chroot made by debootstrap
# (opt-in, 15-30 minutes; tests/fresh/run.sh)
check-fresh:
	bash tests/fresh/run.sh

# the page-cache writer on cgroup v2 and v1 (opt-in: ~7 minutes)
check-vm-pagecache:
	$(MAKE) check-vm VM_GUESTS="v2-pagecache v1-pagecache"

# Static analysis: the layer rule, shellcheck, clang-format (tools/format.sh
# --check; --fix formats), cppcheck and clang's analyzer, all must be silent.
lint: | $(BUILD)/.deps-lint
	bash tools/layers.sh
	bash tools/shellcheck.sh
	bash tools/format.sh --check
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--std=c11 --inline-suppr $(LIB_INC) lib cli hook shim
	@set -e; for f in $(LIB_SRC) cli/*.c hook/*.c shim/*.c; do \
		out=$$(clang --analyze -std=gnu11 $(LIB_INC) $(YAJL_CFLAGS) $$f -o /dev/null 2>&1); \
		if [ -n "$$out" ]; then echo "$$out"; exit 1; fi; done

asan: | $(BUILD)/.deps-asan
	$(MAKE) BUILD=build/asan CC=clang \
		SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
		check

# libFuzzer targets, tests/fuzz/fuzz_<name>.c, under ASan+UBSan (leaks
# count as crashes). `make fuzz` runs each in turn for FUZZ_SECONDS, so the
# whole pass takes about 6 x FUZZ_SECONDS (FUZZ_SECONDS=0 only replays the
# seeds). Each target keeps its corpus in $(BUILD)/fuzz/corpus-<name>, starts
# from tests/fuzz/seeds/<name> (plus the dirs after the last colon), uses
# tests/fuzz/<name>.dict when there is one, and leaves what it finds as
# $(BUILD)/fuzz/<name>-crash-* (or -leak-, -timeout-, -oom-); any finding
# fails the pass. tests/fuzz/run.sh prints one line per target and a total.
#   name:max_len:rss_limit_mb:timeout[:extra seed dirs, comma-separated]
FUZZ_TARGETS = oomlog:65536:2048:10:tests/corpus/kernel-logs,tests/corpus/extra \
	ocistate:16384:1536:5 hookstate:32768:1536:5 config:16384:1536:5 \
	shimspec:32768:2048:5 cgfiles:8192:1024:5 kcopy:16384:1024:5 \
	hostfacts:65536:1536:5 doctor:65536:1536:5 records:65536:1536:5 \
	runcargv:4096:1024:5
FUZZ_BIN = $(foreach t,$(FUZZ_TARGETS),$(BUILD)/fuzz/fuzz_$(firstword $(subst :, ,$(t))))
FUZZ_FLAGS = -std=gnu11 -g -O1 -fno-omit-frame-pointer $(WARN) $(LIB_INC) $(YAJL_CFLAGS) \
	-fsanitize=address,undefined -fno-sanitize-recover=all -MMD -MP
FUZZ_LIB_OBJ = $(LIB_SRC:lib/%.c=$(BUILD)/fuzz/lib/%.o)

$(BUILD)/fuzz/lib/%.o: lib/%.c | $(BUILD)/.deps-fuzz
	@mkdir -p $(dir $@)
	clang $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(BUILD)/fuzz/liboomguard.a: $(FUZZ_LIB_OBJ)
	$(AR) rcs $@ $^

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(BUILD)/fuzz/liboomguard.a
	@mkdir -p $(dir $@)
	clang $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $< $(BUILD)/fuzz/liboomguard.a $(YAJL_LIBS)

fuzz: $(FUZZ_BIN) | $(BUILD)/.deps-fuzz
	FUZZ_DIR=$(BUILD)/fuzz FUZZ_SECONDS=$(FUZZ_SECONDS) bash tests/fuzz/run.sh $(FUZZ_TARGETS)

bench: bench-explain bench-hook bench-shim
bench-explain bench-hook bench-shim bench-pagecache bench-collateral: | $(BUILD)/.deps-bench

bench-explain: $(BUILD)/oomguard
	OOMGUARD=$(BUILD)/oomguard bash bench/explain-vs-grep.sh

bench-hook: $(BUILD)/oomguard-hook
	HOOK=$(BUILD)/oomguard-hook bash bench/hook-startup.sh

bench-shim: $(BUILD)/oomguard-shim
	SHIM=$(BUILD)/oomguard-shim bash bench/shim-create.sh

# A host writer outside any container, beside no guarded container, an idle
# one and a writing one (the writeback host mode on the host's own
# vm.dirty_*, restored at exit; root; not part of `bench`)
bench-collateral: $(BUILD)/oomguard-hook
	HOOK=$(BUILD)/oomguard-hook bash bench/collateral.sh

# Page-cache writers in 256 MiB containers on a throttled XFS loop device:
# plain runc against oomguard-shim's default policy (root, xfsprogs,
# about 7 minutes a round, RUNS=5 by default; not part of `bench`)
bench-pagecache: all
	SHIM=$(BUILD)/oomguard-shim bash bench/pagecache.sh

# Binaries, man pages, the default configuration (never over an existing
# one), the hooks.d file for podman and CRI-O (pointing at BINDIR), the
# tmpfiles entry, the verdict log's logrotate file and the engine snippets
# as examples.
install: $(BUILD)/oomguard $(BUILD)/oomguard-hook $(BUILD)/oomguard-shim \
	$(BUILD)/liboomguard-pagecache.so | $(BUILD)/.deps-build
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(SYSCONFDIR)/oomguard $(DESTDIR)$(HOOKSDIR) $(DESTDIR)$(TMPFILESDIR) \
		$(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(SYSCONFDIR)/logrotate.d
	install -m 0755 $(BUILD)/oomguard $(BUILD)/oomguard-hook $(BUILD)/oomguard-shim \
		$(DESTDIR)$(BINDIR)/
	install -m 0644 $(BUILD)/liboomguard-pagecache.so $(DESTDIR)$(LIBEXECDIR)/
	install -m 0644 $(MAN8) $(DESTDIR)$(MANDIR)/man8/
	install -m 0644 $(MAN5) $(DESTDIR)$(MANDIR)/man5/
	[ -e $(DESTDIR)$(SYSCONFDIR)/oomguard/config.json ] || \
		install -m 0644 config/config.json $(DESTDIR)$(SYSCONFDIR)/oomguard/config.json
	sed 's|/usr/bin/|$(BINDIR)/|' config/hooks.d/oomguard.json >$(DESTDIR)$(HOOKSDIR)/oomguard.json
	install -m 0644 packaging/tmpfiles/oomguard.conf $(DESTDIR)$(TMPFILESDIR)/oomguard.conf
	install -m 0644 packaging/logrotate/oomguard $(DESTDIR)$(SYSCONFDIR)/logrotate.d/oomguard
	for f in $(EXAMPLES); do \
		sed 's|/usr/bin/|$(BINDIR)/|' $$f >$(DESTDIR)$(DOCDIR)/examples/$$(echo $${f#config/} | tr / -); \
	done

# The configuration is left in place: it may be the administrator's.
uninstall:
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,oomguard oomguard-hook oomguard-shim) \
		$(addprefix $(DESTDIR)$(MANDIR)/man8/,$(notdir $(MAN8))) \
		$(addprefix $(DESTDIR)$(MANDIR)/man5/,$(notdir $(MAN5))) \
		$(DESTDIR)$(HOOKSDIR)/oomguard.json $(DESTDIR)$(TMPFILESDIR)/oomguard.conf \
		$(DESTDIR)$(SYSCONFDIR)/logrotate.d/oomguard \
		$(DESTDIR)$(LIBEXECDIR)/liboomguard-pagecache.so
	rm -rf $(DESTDIR)$(DOCDIR)

# A Debian package of `make install PREFIX=/usr` (build/oomguard_*.deb).
deb: $(BUILD)/oomguard $(BUILD)/oomguard-hook $(BUILD)/oomguard-shim \
		$(BUILD)/liboomguard-pagecache.so | $(BUILD)/.deps-deb
	BUILD=$(BUILD) VERSION=$(VERSION) bash packaging/deb/build.sh

clean:
	rm -rf $(BUILD)

.PHONY: all demo lint check check-start check-docs check-unit check-corpus check-live check-load check-engines check-pkg check-vm check-vm-production check-vm-pagecache check-fresh check-runc-suite asan fuzz bench bench-explain bench-hook bench-shim bench-pagecache bench-collateral install \
	uninstall deb clean
.SECONDARY:
# the compilers' dependency files, one per object
-include $(patsubst %.o,%.d,$(LIB_OBJ) $(CLI_OBJ) $(BUILD)/hook/main.o $(BUILD)/shim/main.o \
	$(FUZZ_LIB_OBJ)) $(UNIT_BIN:%=%.d) $(FUZZ_BIN:%=%.d)
