#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vm.sh CMD [ARG...]
#
# Boot KERNEL in QEMU and run CMD as root in it; exit with CMD's status.
#
# The guest's root is this host's root over 9p, read-only, so every host
# tool and the project's build are there at the same paths; the guest makes
# tmpfs where it writes (scripts/vm-init.c, built as VM_INIT).  Swap tiers
# are virtio-blk disks backed by sparse files made fresh for each run:
# /dev/vda, vdb, ...
#
# CMD's output is this script's output.  The kernel console goes to
# build/vm/FLAVOR/console.log; a BUG, WARNING, lockdep, KASAN, KFENCE or
# UBSAN report there fails the run (status 99) even when CMD succeeded.
# A guest that stops before CMD ends (panic, timeout) fails with 125.
# QEMU's monitor listens on build/vm/FLAVOR/monitor.sock while it runs (if
# that path fits a Unix socket address): a guest that seems hung can be
# looked at from the host, e.g.
#   echo 'info registers -a' | socat - UNIX-CONNECT:build/vm/FLAVOR/monitor.sock
#
# Environment:
#   KERNEL      bzImage to boot (required)
#   FLAVOR      name of the run directory under build/vm/ (default: vm)
#   MEM         guest memory (default 1G)
#   CPUS        guest CPUs (default 2)
#   DISKS       number of virtio-blk disks (default 2)
#   DISK_SIZE   size of each disk, or a list of sizes, one a disk, the last
#               repeated (default 1G)
#   DISK_OPTS   extra QEMU -drive options, a list, one a disk ("-": none),
#               e.g. "- throttling.bps-total=8388608" makes vdb an 8 MB/s disk
#   VM_TIMEOUT  seconds before the VM is killed (default 3600)
#   KVM         1: use KVM, 0: use TCG, unset: KVM only if a timed probe
#               boots (the result is kept in build/vm/accel)
#   APPEND      extra kernel command line
#   ICOUNT      1: instruction counting (single-threaded TCG, -icount
#               shift=0,sleep=off): guest time advances one nanosecond per
#               executed instruction and jumps over idle time, so a guest's
#               CPU times count instructions whatever the host's load.  Any
#               other value but 0 is QEMU's -icount argument itself (e.g.
#               ICOUNT=shift=1,sleep=off).  Default 0 (real time).  The
#               guest then runs with nohz=off: an idle guest's clock jumps
#               to its next timer, and without the periodic tick one wait
#               for the host (a 9p read, a disk request) could cost it
#               seconds of guest time; with it, at most a tick.
#   QEMU_PLUGIN QEMU's -plugin argument, a TCG plugin and its arguments
#               (e.g. selftests/bench/tbcount.c, the instruction counter of
#               scripts/bench.sh EXACT=1)

set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
: "${KERNEL:?KERNEL=path/to/bzImage is required}"
VM_INIT=${VM_INIT:-$top/build/vm-init}
[ -x "$VM_INIT" ] || { echo "vm: $VM_INIT missing, run make first" >&2; exit 2; }
[ -f "$KERNEL" ] || { echo "vm: $KERNEL: no such kernel, run make first" >&2; exit 2; }
[ $# -gt 0 ] || { echo "usage: vm.sh CMD [ARG...]" >&2; exit 2; }
KERNEL=$(realpath "$KERNEL")
FLAVOR=${FLAVOR:-vm}
MEM=${MEM:-1G}
CPUS=${CPUS:-2}
DISKS=${DISKS:-2}
DISK_SIZE=${DISK_SIZE:-1G}
VM_TIMEOUT=${VM_TIMEOUT:-3600}
ICOUNT=${ICOUNT:-0}
case $ICOUNT in
0) icount=() ;;
1) icount=(-icount shift=0,sleep=off) ;;
*) icount=(-icount "$ICOUNT") ;;
esac

run=$top/build/vm/$FLAVOR
qemu=qemu-system-x86_64

# shellcheck source=scripts/splat.sh
. "$top/scripts/splat.sh"

# boot OUTDIR ACCEL TIMEOUT: one VM run; the guest reads OUTDIR/cmd.
boot() {
	local out=$1 accel=$2 tmo=$3 i sizes opts drives=()

	read -r -a sizes <<<"$DISK_SIZE"
	read -r -a opts <<<"${DISK_OPTS:-}"
	for ((i = 0; i < DISKS; i++)); do
		local sz=${sizes[$i]:-${sizes[-1]}} o=${opts[$i]:--}
		[ "$o" = - ] && o=
		rm -f "$run/disk$i.img"
		truncate -s "$sz" "$run/disk$i.img" || return 125
		drives+=(-drive "file=$run/disk$i.img,if=none,id=disk$i,format=raw,aio=threads${o:+,$o}"
			 -device "virtio-blk-pci,drive=disk$i,serial=swapext$i")
	done

	local append="console=ttyS0,115200 root=swapext_root rootfstype=9p"
	append+=" rootflags=trans=virtio,version=9p2000.L,msize=262144,cache=loose"
	append+=" ro init=$VM_INIT panic=-1 oops=panic"
	append+=" mitigations=off tsc=reliable no_hash_pointers"
	# TCG on a shared host stalls vCPUs for seconds at a time: keep the
	# stall and lockup detectors, with thresholds a real hang still hits.
	append+=" rcupdate.rcu_cpu_stall_timeout=120 watchdog_thresh=30"
	# A full selftest run logs ~0.5 MB (OOM reports, policy ejections);
	# the config's 128 KiB buffer would evict the boot lines tests read
	# (sync_tier_mthp looks for zswap's "loaded using pool").
	append+=" log_buf_len=2M"
	[ "$ICOUNT" != 0 ] && append+=" nohz=off"
	append+=" ${APPEND:-}"

	rm -f "$run/console.log" "$run/qemu.pid" "$run/monitor.sock"
	# a Unix socket's path has at most 107 bytes: none for a deeper one
	local monitor=()
	[ ${#run} -lt 90 ] && monitor=(-monitor "unix:$run/monitor.sock,server=on,wait=off")
	# --foreground: no process group of timeout's own; a ^C or a CI
	# cancel is handled by our trap, which kills QEMU by its pid file.
	timeout --foreground -k 10 "$tmo" $qemu -M q35 -accel "$accel" -cpu max \
		"${icount[@]}" ${QEMU_PLUGIN:+-plugin "$QEMU_PLUGIN"} -pidfile "$run/qemu.pid" \
		-smp "$CPUS" -m "$MEM" -nodefaults -no-reboot -display none \
		-kernel "$KERNEL" -append "$append" \
		-chardev "file,id=con,path=$run/console.log" -serial chardev:con \
		-chardev "stdio,id=out,signal=off" -serial chardev:out \
		"${monitor[@]}" \
		-fsdev "local,id=root,path=/,security_model=none,readonly=on,multidevs=remap" \
		-device "virtio-9p-pci,fsdev=root,mount_tag=swapext_root" \
		-fsdev "local,id=out,path=$out,security_model=none,multidevs=remap" \
		-device "virtio-9p-pci,fsdev=out,mount_tag=swapext_out" \
		-device virtio-rng-pci \
		"${drives[@]}" </dev/null | sed -u 's/\r$//'
}

# setup_out DIR CMD...: the files the guest init reads.
setup_out() {
	local out=$1
	shift
	rm -rf "$out"
	mkdir -p "$out"
	{
		printf 'export SWAPEXT_ROOT=%q\n' "$top"
		printf 'export SWAPEXT_FLAVOR=%q\n' "$FLAVOR"
		printf 'export SWAPEXT_DISKS=%q\n' "$DISKS"
		printf 'export SWAPEXT_OUT=%q\n' /run/swapext-out
		[ -n "${SWAPEXT_VM_ENV:-}" ] && printf '%s\n' "$SWAPEXT_VM_ENV"
	} >"$out/env"
	printf '%q ' "$@" >"$out/cmd"
	echo >>"$out/cmd"
}

# KVM only where a guest really boots on it: /dev/kvm can exist and hang.
pick_accel() {
	case "${KVM:-}" in
	1) echo kvm; return ;;
	0) echo tcg,thread=multi; return ;;
	esac
	if [ -f "$top/build/vm/accel" ]; then
		cat "$top/build/vm/accel"
		return
	fi
	local accel=tcg,thread=multi why="/dev/kvm is not usable"
	if [ -w /dev/kvm ]; then
		setup_out "$run/probe" true
		if DISKS=0 boot "$run/probe" kvm 30 >/dev/null 2>&1 &&
		   [ "$(cat "$run/probe/status" 2>/dev/null)" = 0 ]; then
			accel=kvm
		else
			why="a KVM guest did not run 'true' within 30 s"
		fi
		rm -rf "$run/probe"
	fi
	[ "$accel" = kvm ] ||
		echo "vm: using TCG: $why (rm build/vm/accel to probe again)" >&2
	echo "$accel" >"$top/build/vm/accel"
	echo "$accel"
}

# On any exit while QEMU runs (^C, a CI cancel): the pid file exists only
# then, and the pid is checked to still be QEMU's.
cleanup() {
	local pid

	pid=$(cat "$run/qemu.pid" 2>/dev/null) || return 0
	case "$(cat "/proc/$pid/comm" 2>/dev/null)" in
	qemu-system-*) kill -KILL "$pid" 2>/dev/null ;;
	esac
	return 0
}

mkdir -p "$run"
exec 9>"$run/lock"
flock -n 9 || { echo "vm: another VM is running in $run" >&2; exit 2; }
trap cleanup EXIT
trap 'exit 130' INT TERM
if [ "$ICOUNT" = 0 ]; then
	accel=$(pick_accel)
else
	# -icount needs TCG with one thread for all vCPUs.
	accel=tcg,thread=single
fi
setup_out "$run/out" "$@"
echo "vm: booting $FLAVOR (${accel%%,*}${icount[*]:+, ${icount[*]}}, $CPUS CPUs, $MEM, $DISKS disks)"

# In the background: bash runs the INT/TERM trap (and so kills QEMU) only
# between commands, and 'wait' is one it can be interrupted in.
boot "$run/out" "$accel" "$VM_TIMEOUT" &
wait $!
qrc=$?
rm -f "$run/qemu.pid"

status=$(cat "$run/out/status" 2>/dev/null)
rc=0
if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	# Even after the command: a guest that hangs on its way down
	# (swap I/O that never completes, say) is a failure.
	echo "vm: timed out after ${VM_TIMEOUT}s${status:+ (command had exited $status)}" >&2
	rc=125
elif [ -z "$status" ]; then
	echo "vm: the guest stopped before the command finished (qemu status $qrc)" >&2
	rc=125
elif [ "$status" != 0 ]; then
	rc=$status
fi

if grep -Eqs "$splat_re" "$run/console.log"; then
	echo "vm: kernel splat in $run/console.log:" >&2
	grep -E -m 20 -A 12 "$splat_re" "$run/console.log" | tr -d '\r' >&2
	[ "$rc" = 0 ] && rc=99
fi
[ "$rc" = 0 ] || echo "vm: failed (status $rc), console: $run/console.log" >&2
exit "$rc"
