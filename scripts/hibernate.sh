#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# hibernate.sh: hibernate the test VM to a swap device and resume it.
#
# Two boots of one QEMU guest with one disk, from an initramfs whose /init
# is build/selftests/hibinit (selftests/hibernate/hibinit.c): the first
# swaps part of 128 MiB of pages out (zero, zswap and the disk, on vswap),
# hibernates to the disk and powers off; the second boots with
# resume=/dev/vda, the kernel resumes the image, and the first boot's init
# reads every page back and checks every byte.  (The suite's VM cannot do
# this: its root is the host's over 9p, which a resumed guest cannot take
# to a new QEMU.)
#
# Prints TAP (one test, "hibernate") and "N passed, N failed"; exits 0 on
# a pass.  A splat on either console fails the test, as in vm.sh.
#
# Environment: KERNEL (required), FLAVOR (run directory under build/vm/,
# default vm), MEM (default 1G), CPUS (default 2), VM_TIMEOUT (seconds a
# boot may take, default 900), APPEND (extra kernel command line).

set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
: "${KERNEL:?KERNEL=path/to/bzImage is required}"
[ -f "$KERNEL" ] || { echo "hibernate: $KERNEL: no such kernel, run make first" >&2; exit 2; }
hibinit=$top/build/selftests/hibinit
[ -x "$hibinit" ] || { echo "hibernate: $hibinit missing, run make first" >&2; exit 2; }
FLAVOR=${FLAVOR:-vm}
MEM=${MEM:-1G}
CPUS=${CPUS:-2}
VM_TIMEOUT=${VM_TIMEOUT:-900}
run=$top/build/vm/$FLAVOR/hibernate
accel=$(cat "$top/build/vm/accel" 2>/dev/null || echo tcg,thread=multi)
# shellcheck source=scripts/splat.sh
. "$top/scripts/splat.sh"

mkdir -p "$run"
exec 9>"$run/lock"
flock -n 9 || { echo "hibernate: another run is in $run" >&2; exit 2; }
rm -rf "$run/initramfs" "$run"/console*.log "$run/disk.img"
mkdir -p "$run/initramfs"
cp "$hibinit" "$run/initramfs/init"
(cd "$run/initramfs" && echo init | cpio -o -H newc --quiet >"$run/initramfs.cpio") ||
	{ echo "hibernate: cannot make the initramfs" >&2; exit 2; }
truncate -s 1G "$run/disk.img"

# boot STAGE: one boot, its console in console$STAGE.log
boot() {
	local append="console=ttyS0,115200 printk.devkmsg=on panic=-1 oops=panic"

	append+=" mitigations=off tsc=reliable no_hash_pointers"
	append+=" rcupdate.rcu_cpu_stall_timeout=120 watchdog_thresh=30"
	append+=" resume=/dev/vda hibtest.stage=$1 ${APPEND:-}"
	timeout --foreground -k 10 "$VM_TIMEOUT" qemu-system-x86_64 -M q35 \
		-accel "$accel" -cpu max -smp "$CPUS" -m "$MEM" -nodefaults \
		-no-reboot -display none -kernel "$KERNEL" \
		-initrd "$run/initramfs.cpio" -append "$append" \
		-chardev "file,id=con,path=$run/console$1.log" -serial chardev:con \
		-device virtio-rng-pci \
		-drive "file=$run/disk.img,if=none,id=disk0,format=raw,aio=threads" \
		-device "virtio-blk-pci,drive=disk0,serial=swapext0" </dev/null
}

fail() {
	local log

	for log in "$run"/console*.log; do
		[ -f "$log" ] || continue
		grep -h 'hibtest: ' "$log" | sed 's/^.*hibtest: /# /'
	done
	echo "# $*"
	echo "not ok 1 - hibernate"
	echo "0 passed, 1 failed"
	exit 1
}

echo "1..1"
echo "# hibernate ($FLAVOR): hibernate to /dev/vda and resume, every byte checked"
t0=$(date +%s)
boot 1 || fail "the first boot ended with status $? (timeout: 124)"
grep -q 'hibtest: FAIL' "$run/console1.log" &&
	fail "the first boot failed: $(grep -ho 'hibtest: FAIL.*' "$run/console1.log")"
grep -q 'hibtest: hibernating' "$run/console1.log" ||
	fail "the first boot did not reach hibernation (console: $run/console1.log)"
grep -q 'hibtest: resumed' "$run/console1.log" &&
	fail "the first boot did not power off: hibernation returned at once"
boot 2 || fail "the second boot ended with status $? (timeout: 124)"
t1=$(date +%s)
for log in "$run"/console1.log "$run"/console2.log; do
	if grep -Eq "$splat_re" "$log"; then
		grep -Eh -m 5 -A 20 "$splat_re" "$log" | sed 's/^/# /'
		fail "a kernel splat on the console ($log)"
	fi
done
grep -q 'hibtest: PASS' "$run/console2.log" ||
	fail "no PASS after resume (console: $run/console2.log)"
grep -h 'hibtest: ' "$run/console1.log" "$run/console2.log" | sed 's/^.*hibtest: /# /'
echo "# hibernate: $((t1 - t0)) s"
echo "ok 1 - hibernate"
echo "1 passed, 0 failed"
