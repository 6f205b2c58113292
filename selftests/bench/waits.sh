#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Where a workload waits: the guest side of a diagnosis, run by hand with
# scripts/vm.sh (best with ICOUNT=1, where guest time counts instructions
# and only waiting adds to wall time beyond them):
#
#   KERNEL=... ICOUNT=1 DISKS=1 scripts/vm.sh env N=3 selftests/bench/waits.sh
#
# Runs the bench's nodisk workload (memverify, 64 MiB of compressible data,
# 2 passes, in a cgroup with memory.max 32M and memory.high 24M; zswap on;
# ours without a tier, stock with vda behind zswap) N times in one boot.
# Per run: wall time, memverify's own phases, the cgroup's system time,
# memory.events and PSI, vmstat and memory.stat deltas of the swap and
# reclaim paths, the guest's CPU ticks (busy against idle), and the stacks
# at which memverify went to sleep (sched_switch with a state other than
# running), most frequent first.
#
#   N=3          runs
#   FROM_9P=1    run memverify from the host's root over 9p, as the bench
#                did: its pages are then read from the host during a run
#   TIER=1       give ours vda as a tier too
#   FILL=KIND    memverify's data (default compressible; zero is the
#                bench's zero scenario with ZSWAP_MAX=4M TIER=1)
#   ZSWAP_MAX=N  the cgroup's memory.zswap.max (default: no limit)
#   PROFILE=1    also perf every CPU; top kernel symbols per run to
#                $SWAPEXT_OUT/waits-prof-RUN.txt ("samples symbol")

set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck disable=SC2034 # apps.sh reads it
root=$top
# shellcheck source=apps.sh
. "$top/selftests/bench/apps.sh"	# in_cgroup()
mv=$top/build/selftests/memverify
N=${N:-3}
if [ "${FROM_9P:-0}" != 1 ]; then
	cp "$mv" /tmp/memverify || exit 1
	mv=/tmp/memverify
fi

echo +memory +cpu >/sys/fs/cgroup/cgroup.subtree_control
echo lzo >/sys/module/zswap/parameters/compressor
echo Y >/sys/module/zswap/parameters/enabled
echo 20 >/sys/module/zswap/parameters/max_pool_percent
if [ ! -d /sys/kernel/mm/vswap ] || [ "${TIER:-0}" = 1 ]; then
	echo 0 >/sys/block/vda/queue/rotational
	mkswap -f /dev/vda >/dev/null && swapon -p 10 /dev/vda || exit 1
fi

vm() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }
keys="pgscan_direct pgsteal_direct pgscan_kswapd zswpout zswpin pswpout workingset_refault_anon workingset_refault_file"

# sleep stacks of memverify from a sched_switch recording, 7 frames each
sleeps() {
	perf script -i "$1" -F event,trace,ip,sym 2>/dev/null | awk '
		/sched:sched_switch/ {
			if (st != "") c[st]++
			st = ""; n = 0; skip = $0 ~ /prev_state=R/
			if (!skip) {
				match($0, /prev_state=[^ ]*/)
				st = substr($0, RSTART + 11, RLENGTH - 11)
			}
			next
		}
		skip { next }
		NF >= 2 && n < 7 { st = st " <- " $2; n++ }
		END { if (st != "") c[st]++; for (s in c) print c[s], s }' |
		sort -rn | head -6 | sed 's/^/  sleeps /'
}

for i in $(seq "$N"); do
	cg=/sys/fs/cgroup/waits$i
	mkdir "$cg" && echo 32M >"$cg/memory.max" && echo 24M >"$cg/memory.high" || exit 1
	if [ -n "${ZSWAP_MAX:-}" ]; then
		echo "$ZSWAP_MAX" >"$cg/memory.zswap.max" || exit 1
	fi
	sync
	echo 3 >/proc/sys/vm/drop_caches
	declare -A v0
	for k in $keys; do v0[$k]=$(vm "$k"); done
	pq=
	if [ "${PROFILE:-0}" = 1 ]; then
		perf record -q -N -B -e cpu-clock -c 250000 -a -o /tmp/waits-all.perf \
			>/dev/null 2>&1 &
		pq=$!
	fi
	perf record -q -N -B -e sched:sched_switch --filter 'prev_comm == "memverify"' \
		-g -a -o /tmp/waits.perf >/dev/null 2>&1 &
	pp=$!
	sleep 2
	read -r _ u0 _ s0 i0 _ q0 sq0 _ </proc/stat
	# no file of the 9p root opened between the two clock reads (apps.sh)
	t0=$EPOCHREALTIME
	in_cgroup "$cg" $mv -s 64 -p 2 -f "${FILL:-compressible}" >/tmp/waits-mv.out 2>&1 || { echo "run $i: memverify failed:"; cat /tmp/waits-mv.out; exit 1; }
	t1=$EPOCHREALTIME
	read -r _ u1 _ s1 i1 _ q1 sq1 _ </proc/stat
	kill -INT $pp
	wait $pp
	if [ -n "$pq" ]; then
		kill -INT "$pq"
		wait "$pq"
		perf report -i /tmp/waits-all.perf --stdio --no-children -n --sort sym 2>/dev/null |
			awk '$1 ~ /%$/ && $3 == "[k]" { print $2, $4 }' \
			>"${SWAPEXT_OUT:-/tmp}/waits-prof-$i.txt"
	fi
	echo "run $i wall_s=$(awk -v a="$t1" -v b="$t0" 'BEGIN { print a - b }')" \
		"$(tail -n 1 /tmp/waits-mv.out | grep -o 'write_s=[0-9.]* verify_s=[0-9.]*')"
	echo "  $(grep system_usec "$cg/cpu.stat") $(tr '\n' ' ' <"$cg/memory.events")"
	echo "  psi $(tr '\n' ' ' <"$cg/memory.pressure")"
	l=
	for k in $keys; do l+="$k=$(($(vm "$k") - ${v0[$k]})) "; done
	echo "  $l"
	echo "  guest CPU ticks: user $((u1 - u0)) system $((s1 - s0)) idle $((i1 - i0))" \
		"irq $((q1 - q0)) softirq $((sq1 - sq0))"
	sleeps /tmp/waits.perf
	rm -f /tmp/waits.perf /tmp/waits-all.perf
	rmdir "$cg"
done
