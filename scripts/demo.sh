#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 'make run', guest side: three cgroups with different needs swap under
# pressure, first with the built-in policy, then with swap_ext policies
# attached by swapctl, and the two runs are compared.
#
#   /demo/redis   latency-sensitive: redis-server holding 48 MiB of text
#                 values (12288 keys of 4 KiB, about 60 MiB of server
#                 memory), filled before the run and read by redis-benchmark
#                 from the root cgroup: 20000 GETs of random keys, 4 clients
#                 (selftests/bench/apps.sh); memory.zswap.max 8M
#   /demo/batch   64 MiB of compressible data written and read in passes,
#                 memory.zswap.max 8M: zswap must write back
#   /demo/media   64 MiB of which a third compresses well, a third poorly
#                 (~3 KiB a page), a third not at all
#
# Each has memory.max 32M (memory.high 24M).  The tiers: /dev/vda, fast
# and small (48 MiB), priority 10; /dev/vdb, slow (the host throttles it to
# 16 MB/s) and large, priority 5 (DEMO_DISK_* in the Makefile).  zswap is
# on, its pool limited to 3% of memory (30 MiB): the three cgroups compete
# for zswap and for the fast tier, and what does not fit lands on the slow
# one.
#
# The policies of the second run: latency on /demo protecting redis (redis
# inherits it), tiered on batch, incompressible on media.  Every byte
# read back is verified in both runs: memverify's pages as it goes, every
# redis value after the run.
#
# While a run goes, a progress line every 5 s; "swapctl status" is shown
# as it was when the most was swapped out (the sampler takes it whenever
# the total grows).
#
# Output in $SWAPEXT_OUT/demo/ (build/vm/FLAVOR/out/demo/ on the host):
# results.md (the table), occupancy-RUN.dat (backends sampled every half
# second), status-RUN.txt (swapctl status at the peak) and policies.txt
# (swapctl list and stats); scripts/demo-plot.sh turns them into
# build/demo/.

set -euo pipefail

root=$SWAPEXT_ROOT
mv=$root/build/selftests/memverify
swapctl=$root/build/userspace/swapctl
out=$SWAPEXT_OUT/demo
top=/sys/fs/cgroup/demo
cgs=(redis batch media)
declare -A work=(
	[batch]="-s 64 -p 2 -f compressible"
	[media]="-s 64 -p 2 -f varied"
)
redis_keys=12288
redis_requests=20000
fast=vda slow=vdb

. "$root/selftests/bench/apps.sh"

mkdir -p "$out"

# ---- setup ----------------------------------------------------------------

[ -d /sys/kernel/mm/swap_ext ] || { echo "demo: kernel without swap_ext" >&2; exit 1; }
echo 0 >/sys/block/$fast/queue/rotational
echo 1 >/sys/block/$slow/queue/rotational
mkswap -f /dev/$fast >/dev/null
mkswap -f /dev/$slow >/dev/null
swapon -p 10 /dev/$fast
swapon -p 5 /dev/$slow
echo Y >/sys/module/zswap/parameters/enabled
echo lzo >/sys/module/zswap/parameters/compressor
echo 3 >/sys/module/zswap/parameters/max_pool_percent
echo +memory >/sys/fs/cgroup/cgroup.subtree_control

mkcgroups() {
	mkdir "$top"
	echo +memory >"$top/cgroup.subtree_control"
	for c in "${cgs[@]}"; do
		mkdir "$top/$c"
		echo 32M >"$top/$c/memory.max"
		echo 24M >"$top/$c/memory.high"
	done
	# zswap's pool is charged to the cgroup: without a limit, redis's
	# compressed values would fill it, and reclaim cannot free them
	echo 8M >"$top/batch/memory.zswap.max"
	echo 8M >"$top/redis/memory.zswap.max"
}

rmcgroups() {
	for c in "${cgs[@]}"; do
		rmdir "$top/$c"
	done
	rmdir "$top"
}

# ---- measuring --------------------------------------------------------------

# memory.stat KEY of cgroup C
mstat() {
	awk -v k="$2" '$1 == k { print $2 }' "$top/$1/memory.stat"
}

# write requests and sectors of disk D
blk_writes() {
	awk '{ print $5, $7 }' "/sys/block/$1/stat"
}

# Every half second until the file STOP exists: seconds, then per cgroup
# its zswap, tier and cached bytes, then the two tiers' backing pages.
# Whenever the cgroups' zswap and tier bytes together grow 2 % past the
# last peak, "swapctl status" into STATUS; every 5 s a progress line.
sample() {
	local dat=$1 stop=$2 status=$3 t0 now line c tot peak=0 next=5 f

	echo "(nothing was swapped out)" >"$status"

	t0=$(date +%s.%N)
	echo "# t redis_zswap redis_tier redis_cached batch_zswap batch_tier batch_cached media_zswap media_tier media_cached fast_backing slow_backing" >"$dat"
	while [ ! -e "$stop" ]; do
		now=$(date +%s.%N)
		line=$(awk -v a="$now" -v b="$t0" 'BEGIN { printf "%.1f", a - b }')
		for c in "${cgs[@]}"; do
			line+=" $(awk '$1 == "vswap_zswap" { z = $2 } $1 == "vswap_phys" { p = $2 }
				$1 == "vswap_folio" { f = $2 } END { print z + 0, p + 0, f + 0 }' \
				"$top/$c/memory.stat")"
		done
		line+=" $(awk 'NR > 1 { b[$6] = $5 } END { print b["/dev/'$fast'"] + 0, b["/dev/'$slow'"] + 0 }' \
			/sys/kernel/mm/vswap/tiers)"
		echo "$line" >>"$dat"
		set -- $line
		# within 2 % of the peak, without a swapctl every sample
		tot=$(($2 + $3 + $5 + $6 + $8 + $9))
		if ((tot > peak + peak / 50)); then
			peak=$tot
			$swapctl status >"$status.new" 2>&1 && mv "$status.new" "$status"
		fi
		if ((${1%.*} >= next)); then
			next=$((next + 5))
			f="  ${1%.*} s: zswap $((($2 + $5 + $8) >> 20)) MiB, fast tier $((${11} >> 8)) MiB,"
			f+=" slow tier $((${12} >> 8)) MiB; still running:"
			local running=
			for c in "${cgs[@]}"; do
				[ -e "/tmp/demo-$c.done" ] || running+=" $c"
			done
			[ -n "$running" ] && echo "$f$running"
		fi
		sleep 0.5
	done
}

# value of KEY in the key=value fields of FILE's last line
kvkey() {
	tail -n 1 "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k { print $2 }'
}

# ---- one run ----------------------------------------------------------------

# tracked NAME CMD...: CMD, then /tmp/demo-NAME.done for the progress
# line; CMD's status
tracked() {
	local name=$1 rc=0

	shift
	"$@" || rc=$?
	touch "/tmp/demo-$name.done"
	return $rc
}

# run NAME: the workloads, all at once, and a table row per cgroup
run() {
	local name=$1 c pid stop=/tmp/demo-stop pids=() fw0 fw1 sw0 sw1 t0 t1
	declare -A maj0 zs0 wb0

	echo "demo: filling redis with $((redis_keys * 4 / 1024)) MiB"
	redis_start "$top/redis" $redis_keys 4096 || exit 1
	# from here: redis's fill is not part of the run
	for c in "${cgs[@]}"; do
		maj0[$c]=$(mstat "$c" pgmajfault)
		zs0[$c]=$(mstat "$c" zswpout)
		wb0[$c]=$(mstat "$c" zswpwb)
	done
	read -r fw0 fs0 <<<"$(blk_writes $fast)"
	read -r sw0 ss0 <<<"$(blk_writes $slow)"
	rm -f "$stop" /tmp/demo-*.done
	sample "$out/occupancy-$name.dat" "$stop" "$out/status-$name.txt" &
	local sampler=$!

	t0=$(date +%s.%N)
	tracked redis redis_get $redis_requests 4 >/tmp/demo-redis.out &
	pids+=($!)
	for c in batch media; do
		# enter the cgroup before the first allocation
		tracked "$c" in_cgroup "$top/$c" "$mv" ${work[$c]} >"/tmp/demo-$c.out" &
		pids+=($!)
	done
	for pid in "${pids[@]}"; do
		wait "$pid" && continue
		echo "demo: a workload failed: data lost?" >&2
		cat /tmp/demo-*.out >&2
		touch "$stop"
		redis_stop
		exit 1
	done
	t1=$(date +%s.%N)
	touch "$stop"
	wait "$sampler"
	read -r fw1 fs1 <<<"$(blk_writes $fast)"
	read -r sw1 ss1 <<<"$(blk_writes $slow)"
	redis_stop || { echo "demo: redis returned values that differ: data lost" >&2; exit 1; }
	echo "demo: every redis value read back and verified"

	for c in "${cgs[@]}"; do
		local f=/tmp/demo-$c.out pages passes ws vs mib secs mibs p50 p99
		if [ "$c" = redis ]; then
			# the values GETs returned, per second; GET latency
			mibs=$(awk -v r="$(kvkey "$f" get_rps)" 'BEGIN { print r * 4096 / 1048576 }')
			p50=$(kvkey "$f" get_p50_us)
			p99=$(kvkey "$f" get_p99_us)
			echo "$name $p50 $p99" >>"$out/get.txt"
		else
			pages=$(kvkey "$f" pages)
			passes=$(kvkey "$f" passes)
			ws=$(kvkey "$f" write_s)
			vs=$(kvkey "$f" verify_s)
			# MiB written plus MiB read and verified, over the time it took
			secs=$(awk -v a="$ws" -v b="$vs" 'BEGIN { print a + b }')
			mib=$(awk -v p="$pages" -v n="$passes" -v v="$(kvkey "$f" bytes_verified)" \
				'BEGIN { print (p * 4096 * n + v) / 1048576 }')
			mibs=$(awk -v m="$mib" -v s="$secs" 'BEGIN { print m / s }')
			p50=$(kvkey "$f" read_p50_us)
			p99=$(kvkey "$f" read_p99_us)
		fi
		printf '| %s | %s | %s | %.1f | %d | %s | %s | %d | %d | %.1f |\n' \
			"$name" "$c" "$(policy_of "$c")" "$mibs" \
			$(($(mstat "$c" pgmajfault) - ${maj0[$c]})) "$p50" "$p99" \
			$(($(mstat "$c" zswpout) - ${zs0[$c]})) $(($(mstat "$c" zswpwb) - ${wb0[$c]})) \
			"$(awk -v i="$(( $(idx "$c") * 3 + 3 ))" 'NR > 1 && $i > m { m = $i } END { print m / 1048576 }' \
				"$out/occupancy-$name.dat")" >>"$out/rows.md"
	done
	printf '| %s | %.1f s | %d requests, %.1f MiB | %d requests, %.1f MiB |\n' "$name" \
		"$(awk -v a="$t1" -v b="$t0" 'BEGIN { print a - b }')" \
		$((fw1 - fw0)) "$(awk -v s=$((fs1 - fs0)) 'BEGIN { print s / 2048 }')" \
		$((sw1 - sw0)) "$(awk -v s=$((ss1 - ss0)) 'BEGIN { print s / 2048 }')" >>"$out/disks.md"
	echo "demo: swapctl status when the most was swapped out:"
	cat "$out/status-$name.txt" || :
}

# the policy of cgroup C: its name, or "built-in"
policy_of() {
	local p rest

	read -r p rest <"$top/$1/memory.swap.policy"
	[ -n "${rest:-}" ] && echo "$p" || echo built-in
}

# index of cgroup C in cgs
idx() {
	local i

	for i in "${!cgs[@]}"; do
		[ "${cgs[$i]}" = "$1" ] && echo "$i"
	done
}

# ---- the two runs -------------------------------------------------------------

: >"$out/rows.md"
: >"$out/disks.md"
: >"$out/get.txt"

echo "demo: run 1: the built-in policy"
mkcgroups
run builtin
rmcgroups

echo "demo: run 2: swap_ext policies"
mkcgroups
$swapctl attach -s protect=demo/redis latency demo
$swapctl attach tiered demo/batch
$swapctl attach incompressible demo/media
run policies
{
	echo "== swapctl list"
	$swapctl -v list
	for c in demo demo/batch demo/media; do
		echo "== swapctl stats $c"
		$swapctl stats "$c"
	done
} >"$out/policies.txt"
$swapctl detach demo/media >/dev/null
$swapctl detach demo/batch >/dev/null
$swapctl detach demo >/dev/null
rmcgroups

{
	echo "| run | cgroup | policy | MiB/s | major faults | read (redis: GET) p50 us | p99 us | zswap stores | written back | peak on a tier MiB |"
	echo "|---|---|---|---|---|---|---|---|---|---|"
	cat "$out/rows.md"
	echo
	echo "| run | wall time | fast tier ($fast) writes | slow tier ($slow) writes |"
	echo "|---|---|---|---|"
	cat "$out/disks.md"
} >"$out/results.md"

echo
cat "$out/results.md"
echo
awk '{ p50[$1] = $2; p99[$1] = $3 }
     END { printf "redis GET p50/p99: built-in %d/%d us, swap_ext policies %d/%d us\n",
		  p50["builtin"], p99["builtin"], p50["policies"], p99["policies"] }' "$out/get.txt" |
	tee -a "$out/results.md"
rm "$out/rows.md" "$out/disks.md" "$out/get.txt"
echo
echo "demo: every byte read back was verified"
