#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of the test VM (scripts/vm.sh).  The root is the host's own root
# over 9p, read-only; this makes the places a test writes to tmpfs, mounts
# the pseudo filesystems, runs the command the host left in the output
# share with its output on the second serial port, writes its exit status
# next to it and stops the machine.

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb LANG=C.UTF-8

out=/run/swapext-out

mnt() { mountpoint -q "$3" || mount -t "$1" "$2" "$3" ${4:+-o "$4"}; }

mnt proc proc /proc
mnt sysfs sysfs /sys
mnt devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mnt devpts devpts /dev/pts
mnt tmpfs tmpfs /dev/shm
for d in /run /tmp /var/tmp /var/log /var/lib /var/cache /root /mnt /srv; do
	[ -d "$d" ] && mnt tmpfs tmpfs "$d" mode=0755
done
chmod 1777 /tmp /var/tmp
mnt cgroup2 cgroup2 /sys/fs/cgroup nsdelegate
mnt bpf bpf /sys/fs/bpf
mnt debugfs debugfs /sys/kernel/debug
mnt tracefs tracefs /sys/kernel/tracing
mnt configfs configfs /sys/kernel/config
mkdir -p "$out"
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 swapext_out "$out"
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
hostname swapext-vm
ip link set lo up 2>/dev/null

# shellcheck source=/dev/null
. "$out/env"
cd "$SWAPEXT_ROOT" || exit 1
echo "vm: $(uname -r), $(nproc) CPUs, $(($(awk '/MemTotal/ { print $2 }' /proc/meminfo) / 1024)) MiB, booted in $(cut -d' ' -f1 /proc/uptime) s" >/dev/ttyS1

setsid bash -c '. "$1"' bash "$out/cmd" </dev/null >/dev/ttyS1 2>&1
echo $? >"$out/status"

# Let the kernel print anything the command left behind, then stop.
sync
dmesg >"$out/dmesg" 2>/dev/null
umount "$out"
echo 1 >/proc/sys/kernel/sysrq
echo b >/proc/sysrq-trigger
