# SPDX-License-Identifier: GPL-2.0
#
# swap_ext: virtual swap table and BPF swap policies on Linux 6.12.
#
#   make                  deps, kernel, libbpf + bpftool, BPF objects, tools
#   make check            the selftests in the test VM (last line: N passed, N failed);
#                         T="PATTERN..." runs those whose name contains one
#                         (a trailing $$ anchors it at the name's end); then,
#                         without T, make hibernate
#   make hibernate        hibernate the VM to a swap device and resume it
#   make stress           the lifecycle fuzzer for MINUTES (10); SEED=N replays one
#   make run              the demo: swap under pressure in the VM
#   make vm CMD='...'     run one command in the test VM; its status is make's
#   make bench            stock 6.12 against ours, ROUNDS=5 alternating runs (build/bench/);
#                         ICOUNT=1 counts instructions (build/bench-icount/), PROFILE=1
#                         adds perf profiles side by side, BENCH_SCENARIOS="..." and
#                         BENCH_POLICIES="..." pick, BENCH_WEB_RECLAIM_KIB=N runs a
#                         proactive reclaimer beside twocg's web, BENCH_HEADROOM="..."
#                         sets latency's knobs of the *headroom policies
#   make bench-policy     no swap_ext policy against a no-op one (build/bench/policy.md)
#   make configs          vmlinux with each of VSWAP, SWAP_EXT, ZSWAP, CGROUPS off
#                         (configs/variants/), in build/obj/cfg-NAME; CFGS=... picks
#
# Variables: DEBUG=1 (KASAN/lockdep/DEBUG_VM kernel), STOCK=1 (Linux 6.12,
# same config, no patches), and for the VM: MEM CPUS DISKS DISK_SIZE
# VM_TIMEOUT KVM ICOUNT (see scripts/vm.sh).  V=1 shows the kernel's commands.

TOP		:= $(CURDIR)
BUILD		:= $(TOP)/build
NPROC		:= $(shell nproc)

DEBUG		?= 0
STOCK		?= 0
dbg		:= $(if $(filter 1,$(DEBUG)),-debug)
FLAVOR		:= $(if $(filter 1,$(STOCK)),stock,vswap)$(dbg)
# The stock tree mirrors ours one level down, so that the relative paths
# kbuild compiles with are the same and ccache hits across the two.
KBASE		:= $(BUILD)$(if $(filter 1,$(STOCK)),/stock)
KSRC		:= $(KBASE)/src/linux
KOBJ		:= $(KBASE)/obj/$(FLAVOR)
BZIMAGE		:= $(KOBJ)/arch/x86/boot/bzImage

# Our kernel (same DEBUG) provides the headers and BTF the tools and BPF
# objects are built against, whichever kernel the VM boots.
OURSRC		:= $(BUILD)/src/linux
OUROBJ		:= $(BUILD)/obj/vswap$(dbg)

KCONFIGS	:= configs/base.config configs/vswap.config \
		   $(if $(filter 1,$(DEBUG)),configs/debug.config)

CLANG		?= clang-19
LLVM_STRIP	?= llvm-strip-19
ifeq ($(origin CC),default)
CC		:= gcc
endif
# Installed by deps; not looked up here, where it may not exist yet.
CCACHE		:= ccache
export CCACHE_BASEDIR	:= $(TOP)
export CCACHE_NOHASHDIR	:= 1
# Absolute paths of the clone, which change between clones and change no
# output: kbuild maps them away again.
export CCACHE_IGNOREOPTIONS := -fmacro-prefix-map=* -ffile-prefix-map=*
export CCACHE_MAXSIZE	?= 8G
# Depend mode: a miss runs the compiler once, not the preprocessor first.
export CCACHE_DEPEND	:= 1

# The kernel's compiler, here and in scripts/kconfig.sh.
export KCC	:= $(CCACHE) gcc

# Reproducible version strings help ccache and make runs comparable.
KMAKE		= $(MAKE) --no-print-directory -C $(KSRC) O=$(KOBJ) -j$(NPROC) \
		  CC="$(KCC)" HOSTCC="$(KCC)" \
		  KBUILD_BUILD_USER=swapext KBUILD_BUILD_HOST=swapext \
		  KBUILD_BUILD_TIMESTAMP="2024-11-17" $(if $(V),V=$(V))

TOOLS		:= $(BUILD)/tools
BPFTOOL		:= $(TOOLS)/sbin/bpftool
LIBBPF_A	:= $(TOOLS)/libbpf/libbpf.a
BPFOUT		:= $(BUILD)/bpf
VMLINUX_H	:= $(BPFOUT)/vmlinux.h
STOUT		:= $(BUILD)/selftests
KSTOUT		:= $(BUILD)/kselftests

BPF_SRCS	:= $(wildcard selftests/bpf/*.bpf.c bpf-progs/*.bpf.c)
BPF_OBJS	:= $(patsubst %.bpf.c,$(BPFOUT)/%.bpf.o,$(notdir $(BPF_SRCS)))
SHIPPED		:= $(patsubst bpf-progs/%.bpf.c,%,$(wildcard bpf-progs/*.bpf.c))
BPF_HDRS	:= $(wildcard bpf-progs/include/*.h selftests/bpf/*.h)
BPF_CFLAGS	:= -g -O2 -Wall -Werror --target=bpf -mcpu=v3 -D__TARGET_ARCH_x86 \
		   -I$(BPFOUT) -I$(TOOLS)/include -Ibpf-progs/include

USER_CFLAGS	:= -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
		   -D_GNU_SOURCE -Iselftests
RUNNER_SRCS	:= $(wildcard selftests/runner.c selftests/lib/*.c selftests/tests/*.c)
RUNNER_HDRS	:= $(wildcard selftests/*.h selftests/lib/*.h)
WORKLOADS	:= $(patsubst selftests/workloads/%.c,$(STOUT)/%,$(wildcard selftests/workloads/*.c))

VM		:= scripts/vm.sh
VM_INIT		:= $(BUILD)/vm-init
SWAPCTL		:= $(BUILD)/userspace/swapctl

.PHONY: all deps tree kernel tools bpf userspace install selftests check hibernate stress vm run bench bench-policy clean distclean help
.DEFAULT_GOAL := all

all: deps kernel tools bpf userspace selftests

help:
	@sed -n '3,/^$$/p' Makefile | sed 's/^# \{0,1\}//'

deps:
	@scripts/deps.sh

# --- kernel -----------------------------------------------------------------

ourtree: deps
	@scripts/kernel-tree.sh overlay

stocktree: deps
	@scripts/kernel-tree.sh stock

tree: $(if $(filter 1,$(STOCK)),stocktree,ourtree)
.PHONY: ourtree stocktree

kernel: tree
	@$(if $(filter 1,$(STOCK)),ALLOW_UNKNOWN=1) scripts/kconfig.sh $(KSRC) $(KOBJ) $(KCONFIGS)
	@echo "kernel: building $(FLAVOR)"
	@+$(KMAKE) vmlinux
	@# piggy.S .incbin's the compressed vmlinux, which no dependency list
	@# names: ccache returns the piggy.o of any earlier build whose sizes
	@# were the same, and the bzImage boots that older kernel.  Assemble
	@# it without ccache, always.
	@rm -f $(KOBJ)/arch/x86/boot/compressed/piggy.o
	@+CCACHE_DISABLE=1 $(KMAKE) bzImage
	@echo "kernel: $(BZIMAGE)"

# The tools and BTF come from our kernel even when the VM boots stock.
ifeq ($(STOCK),1)
ourkernel: deps
	@+$(MAKE) --no-print-directory kernel STOCK=0 DEBUG=$(DEBUG)
else
ourkernel: kernel
endif
.PHONY: ourkernel

# --- libbpf and bpftool from the same tree ------------------------------------

tools: ourtree
	@mkdir -p $(TOOLS)/libbpf $(TOOLS)/bpftool
	@+$(MAKE) -s -C $(OURSRC)/tools/lib/bpf OUTPUT=$(TOOLS)/libbpf/ \
		DESTDIR=$(TOOLS) prefix= CC="$(CCACHE) $(CC)" \
		$(LIBBPF_A) install_headers >/dev/null
	@+$(MAKE) -s -C $(OURSRC)/tools/bpf/bpftool OUTPUT=$(TOOLS)/bpftool/ \
		CLANG=$(CLANG) LLVM_STRIP=$(LLVM_STRIP) EXTRA_CFLAGS=-Wno-error \
		prefix= DESTDIR=$(TOOLS) install-bin >/dev/null
	@echo "tools: $(BPFTOOL)"

# --- BPF objects ----------------------------------------------------------------

# vmlinux.h is rewritten only when the BTF changed, so that the objects
# are not rebuilt for nothing; bpf-objs runs after it in a sub-make that
# sees the new file.
vmlinux-h: ourkernel tools
	@mkdir -p $(BPFOUT)
	@$(BPFTOOL) btf dump file $(OUROBJ)/vmlinux format c >$(VMLINUX_H).tmp
	@if cmp -s $(VMLINUX_H).tmp $(VMLINUX_H); then rm $(VMLINUX_H).tmp; \
	 else mv $(VMLINUX_H).tmp $(VMLINUX_H); echo "  GEN     $(VMLINUX_H)"; fi

bpf: vmlinux-h
	@+$(MAKE) --no-print-directory -s bpf-objs

bpf-objs: $(BPF_OBJS)
.PHONY: vmlinux-h bpf-objs

vpath %.bpf.c selftests/bpf bpf-progs
$(BPFOUT)/%.bpf.o: %.bpf.c $(BPF_HDRS) $(VMLINUX_H)
	@echo "  CLANG   $@"
	@$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# --- userspace: swapctl, the runner and workloads -----------------------------

userspace: $(SWAPCTL)

# libbpf.a is built by 'tools' (order-only: make -j runs it first);
# apply.c reads its file with libinih (libinih-dev)
$(SWAPCTL): $(wildcard userspace/*.c userspace/*.h) $(wildcard $(LIBBPF_A)) | tools
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(USER_CFLAGS) -I$(TOOLS)/include -I$(OURSRC)/tools/include/uapi \
		-o $@ $(filter %.c,$^) $(LIBBPF_A) -linih -lelf -lz

selftests: $(STOUT)/runner $(WORKLOADS) $(STOUT)/hibinit $(VM_INIT) kselftests

# The kernel's own swap tests from the 6.12 tree, against our kernel's
# UAPI headers (selftests/tests/kselftests.c runs them)
kselftests: ourkernel
	@+scripts/kselftests.sh $(OURSRC) $(OUROBJ) $(KSTOUT)
.PHONY: kselftests

$(VM_INIT): scripts/vm-init.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) -static -O2 -Wall -Wextra -Werror -o $@ $<

# the fuzzer loads and links policies itself: libbpf, as swapctl
$(STOUT)/runner: $(RUNNER_SRCS) $(RUNNER_HDRS) $(wildcard $(LIBBPF_A)) | tools
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(USER_CFLAGS) -I$(TOOLS)/include -I$(OURSRC)/tools/include/uapi \
		-o $@ $(RUNNER_SRCS) $(LIBBPF_A) -lelf -lz -lpthread

# /init of scripts/hibernate.sh's initramfs: static, nothing else is there
$(STOUT)/hibinit: selftests/hibernate/hibinit.c $(RUNNER_HDRS)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(USER_CFLAGS) -static -o $@ $<

$(STOUT)/%: selftests/workloads/%.c $(RUNNER_HDRS)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(USER_CFLAGS) -o $@ $<

# memverify is linked statically: started from the guest's tmpfs (make
# bench), it then opens no file of the 9p root, which under ICOUNT=1 would
# add a wait on the host to every run's wall time.
$(STOUT)/memverify: USER_CFLAGS += -static

# --- the VM -----------------------------------------------------------------

# ICOUNT=1: the guest's clock counts instructions (scripts/vm.sh)
ICOUNT		?= 0
PROFILE		?= 0
VMENV		= KERNEL=$(BZIMAGE) FLAVOR=$(FLAVOR) VM_INIT=$(VM_INIT) ICOUNT=$(ICOUNT)
# CMD as typed: a shell command line, not make's ($VAR stays the shell's).
VM_CMD		:= $(value CMD)
export VM_CMD

# The suite's kernel poisons freed slab objects (slub_debug=P): a use
# after free then faults at once, as KASAN would report it, instead of
# reading stale memory quietly.
CHECK_APPEND	:= slub_debug=P

# Then, unless T picks tests, hibernation (scripts/hibernate.sh): it needs
# two boots from an initramfs, not the suite's VM.  Both always run.
check: all
	@rc=0; \
	$(VMENV) APPEND="$(CHECK_APPEND) $(APPEND)" $(VM) selftests/run-in-vm.sh $(if $(filter 1,$(DEBUG)),-T 4) $(foreach t,$(T),-t $(t)) || rc=1; \
	$(if $(T),,$(MAKE) --no-print-directory hibernate || rc=1;) \
	exit $$rc

# Hibernate the VM to a swap device and resume it, every byte checked
hibernate: all
	@$(VMENV) APPEND="$(APPEND)" VM_TIMEOUT=$(if $(filter 1,$(DEBUG)),3600,900) scripts/hibernate.sh

# The lifecycle fuzzer (selftests/tests/stress.c) for MINUTES; SEED=N
# replays a run's operations.  make check runs it for two minutes.
MINUTES		?= 10
SEED		?= $(shell date +%s)
STRESS_S	= $(shell echo $$(( $(MINUTES) * 60 )))

stress: all
	@echo "stress: $(MINUTES) minutes, SEED=$(SEED)"
	@$(VMENV) APPEND="$(CHECK_APPEND) $(APPEND)" \
		VM_TIMEOUT=$$(( ($(STRESS_S) + 2400) * $(if $(filter 1,$(DEBUG)),4,1) )) \
		$(VM) env STRESS_SECONDS=$(STRESS_S) SEED=$(SEED) \
		selftests/run-in-vm.sh $(if $(filter 1,$(DEBUG)),-T 4) -t stress

vm: all
	@test -n "$$VM_CMD" || { echo "usage: make vm CMD='command'" >&2; exit 2; }
	@$(VMENV) $(VM) bash -c "$$VM_CMD"

# --- config variants ----------------------------------------------------------

# configs/variants/NAME.config over base + vswap, our tree, vmlinux only.
# Not part of 'all': every variant is a cold build (autoconf.h differs, so
# ccache misses).
CFG_VARIANTS	:= $(sort $(patsubst configs/variants/%.config,%,$(wildcard configs/variants/*.config)))
CFGS		?= $(CFG_VARIANTS)

configs: ourtree
	@JOBS=$(NPROC) scripts/configs.sh $(OURSRC) $(BUILD)/obj $(CFGS)
.PHONY: configs

# The demo's tiers: /dev/vda fast and small (48 MiB), /dev/vdb slow
# (16 MB/s, 400 requests a second) and large
DEMO_DISK_SIZE	:= 48M 1G
DEMO_DISK_OPTS	:= - throttling.bps-total=16777216,throttling.iops-total=400

# What the demo runs and nothing more: not the selftest runner or the
# kernel's selftests, which only make check needs
run: deps kernel tools bpf userspace $(WORKLOADS) $(VM_INIT)
	@$(VMENV) DISK_SIZE="$(DEMO_DISK_SIZE)" DISK_OPTS="$(DEMO_DISK_OPTS)" \
		$(VM) scripts/demo.sh
	@scripts/demo-plot.sh $(BUILD)/vm/$(FLAVOR)/out/demo $(BUILD)/demo

# Stock 6.12 and ours side by side (not part of check): build/bench/.
bench: all
	@+$(MAKE) --no-print-directory kernel STOCK=1 DEBUG=0
	@ICOUNT=$(ICOUNT) PROFILE=$(PROFILE) BENCH_SCENARIOS="$(BENCH_SCENARIOS)" \
		BENCH_POLICIES="$(BENCH_POLICIES)" \
		BENCH_WEB_RECLAIM_KIB="$(BENCH_WEB_RECLAIM_KIB)" \
		BENCH_HEADROOM="$(BENCH_HEADROOM)" scripts/bench.sh

# A no-op swap_ext policy against none, on our kernel: build/bench/policy.md
bench-policy: all
	@scripts/bench-policy.sh

# swapctl, the shipped policies, the unit and an example configuration
# under DESTDIR (default none) and PREFIX (default /usr/local)
PREFIX		?= /usr/local
install: userspace bpf
	install -D -m 0755 $(SWAPCTL) $(DESTDIR)$(PREFIX)/sbin/swapctl
	install -d $(DESTDIR)$(PREFIX)/lib/swapctl/bpf
	install -m 0644 $(addprefix $(BPFOUT)/,$(addsuffix .bpf.o,$(SHIPPED))) \
		$(DESTDIR)$(PREFIX)/lib/swapctl/bpf/
	sed 's|/usr/local|$(PREFIX)|g' userspace/swapctl.service | \
		install -D -m 0644 /dev/stdin $(DESTDIR)/etc/systemd/system/swapctl.service
	install -D -m 0644 userspace/swapctl.conf.example \
		$(DESTDIR)/etc/swapctl/swapctl.conf.example

clean:
	rm -rf $(BPFOUT) $(STOUT) $(KSTOUT) $(TOOLS) $(BUILD)/vm

# Removes the extracted trees and every kernel build: the next make is cold.
distclean:
	rm -rf $(BUILD)
