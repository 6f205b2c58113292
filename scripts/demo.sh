#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 'make run', guest side: swap under pressure, shown as an operator sees it.
#
# Until the swap_ext policies land this shows the base they build on: a
# 128 MiB workload in a cgroup limited to 32 MiB, first swapping to the
# virtio disk /dev/vda, then through zswap (limited to 4 MiB per cgroup, so
# that it writes back to the disk).  Every byte read back is verified.

set -euo pipefail

mv=$SWAPEXT_ROOT/build/selftests/memverify
cg=/sys/fs/cgroup/demo
dev=/dev/vda

stat_keys='^(anon|swapcached|zswap|zswapped|pgmajfault|zswpout|zswpin|zswpwb) '

show() {
	local title=$1

	echo
	echo "== $title"
	echo "-- /proc/swaps"
	cat /proc/swaps
	echo "-- $cg/memory.stat (excerpt)"
	grep -E "$stat_keys" "$cg/memory.stat" | column -t
	printf -- '-- memory.swap.current %s, memory.swap.peak %s, memory.zswap.current %s\n' \
		"$(cat $cg/memory.swap.current)" "$(cat $cg/memory.swap.peak)" \
		"$(cat $cg/memory.zswap.current)"
	echo "-- /proc/vmstat"
	grep -E '^(pswpin|pswpout|zswpin|zswpout|zswpwb) ' /proc/vmstat | column -t
}

run() {
	local title=$1 fill=$2

	echo
	echo "== $title: memverify 128 MiB ($fill pages) in $cg, memory.max 32M, memory.high 24M"
	# Enter the cgroup before the first allocation, so all of it is charged.
	sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" -s 128 -p 2 -f "$3"' \
		sh "$cg" "$mv" "$fill" &
	local pid=$!
	sleep 2
	echo "-- while it runs:"
	cat /proc/swaps
	wait "$pid"
	show "after $title"
}

mkswap -f "$dev" >/dev/null
swapon "$dev"
echo +memory >/sys/fs/cgroup/cgroup.subtree_control
mkdir -p "$cg"
echo 32M >"$cg/memory.max"
# Throttle before the hard limit, so a slow disk cannot leave every page of
# the cgroup under writeback when it reaches memory.max (an OOM kill).
echo 24M >"$cg/memory.high"

run "disk swap" random

echo Y >/sys/module/zswap/parameters/enabled
echo 4M >"$cg/memory.zswap.max"
run "zswap with writeback to $dev" compressible

echo
echo "demo: every byte read back was verified"
