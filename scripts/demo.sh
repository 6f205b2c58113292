#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 'make run', guest side: three cgroups with different needs swap under
# pressure, first with the built-in policy, then with swap_ext policies
# attached by swapctl, and the two runs are compared.
#
#   /demo/web     latency-sensitive: 48 MiB of compressible data read over
#                 and over in random order (memverify -R 3 -r)
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
# The policies of the second run: latency on /demo protecting web (web
# inherits it), tiered on batch, incompressible on media.  Every byte
# read back is verified in both runs.
#
# Output in $SWAPEXT_OUT/demo/ (build/vm/FLAVOR/out/demo/ on the host):
# results.md (the table), occupancy-RUN.dat (backends sampled every half
# second) and policies.txt (swapctl list and stats); scripts/demo-plot.sh
# turns them into build/demo/.

set -euo pipefail

root=$SWAPEXT_ROOT
mv=$root/build/selftests/memverify
swapctl=$root/build/userspace/swapctl
out=$SWAPEXT_OUT/demo
top=/sys/fs/cgroup/demo
cgs=(web batch media)
declare -A work=(
	[web]="-s 48 -p 2 -R 3 -r -f compressible"
	[batch]="-s 64 -p 2 -f compressible"
	[media]="-s 64 -p 2 -f varied"
)
fast=vda slow=vdb

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
	echo 8M >"$top/batch/memory.zswap.max"
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
sample() {
	local dat=$1 stop=$2 t0 now line c

	t0=$(date +%s.%N)
	echo "# t web_zswap web_tier web_cached batch_zswap batch_tier batch_cached media_zswap media_tier media_cached fast_backing slow_backing" >"$dat"
	while [ ! -e "$stop" ]; do
		now=$(date +%s.%N)
		line=$(awk -v a="$now" -v b="$t0" 'BEGIN { printf "%.1f", a - b }')
		for c in "${cgs[@]}"; do
			line+=" $(awk '$1 == "vswap_zswap" { z = $2 } $1 == "vswap_phys" { p = $2 }
				$1 == "vswap_folio" { f = $2 } END { print z + 0, p + 0, f + 0 }' \
				"$top/$c/memory.stat")"
		done
		line+=" $(awk 'NR > 1 { b[$7] = $5 } END { print b["/dev/'$fast'"] + 0, b["/dev/'$slow'"] + 0 }' \
			/sys/kernel/mm/vswap/tiers)"
		echo "$line" >>"$dat"
		sleep 0.5
	done
}

# key=value of memverify's last line in FILE
mvkey() {
	tail -n 1 "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k { print $2 }'
}

# ---- one run ----------------------------------------------------------------

# run NAME: the workloads, all at once, and a table row per cgroup
run() {
	local name=$1 c pid stop=/tmp/demo-stop pids=() fw0 fw1 sw0 sw1 t0 t1
	declare -A maj0

	for c in "${cgs[@]}"; do
		maj0[$c]=$(mstat "$c" pgmajfault)
	done
	read -r fw0 fs0 <<<"$(blk_writes $fast)"
	read -r sw0 ss0 <<<"$(blk_writes $slow)"
	rm -f "$stop"
	sample "$out/occupancy-$name.dat" "$stop" &
	local sampler=$!

	t0=$(date +%s.%N)
	for c in "${cgs[@]}"; do
		# enter the cgroup before the first allocation
		sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh \
			"$top/$c" "$mv" ${work[$c]} >"/tmp/demo-$c.out" &
		pids+=($!)
	done
	for pid in "${pids[@]}"; do
		wait "$pid" || { echo "demo: a workload failed: data lost?" >&2; cat /tmp/demo-*.out >&2; exit 1; }
	done
	t1=$(date +%s.%N)
	touch "$stop"
	wait "$sampler"
	read -r fw1 fs1 <<<"$(blk_writes $fast)"
	read -r sw1 ss1 <<<"$(blk_writes $slow)"

	for c in "${cgs[@]}"; do
		local f=/tmp/demo-$c.out pages passes ws vs mib secs rest
		pages=$(mvkey "$f" pages)
		passes=$(mvkey "$f" passes)
		ws=$(mvkey "$f" write_s)
		vs=$(mvkey "$f" verify_s)
		# MiB written plus MiB read and verified, over the time it took
		secs=$(awk -v a="$ws" -v b="$vs" 'BEGIN { print a + b }')
		mib=$(awk -v p="$pages" -v n="$passes" -v v="$(mvkey "$f" bytes_verified)" \
			'BEGIN { print (p * 4096 * n + v) / 1048576 }')
		printf '| %s | %s | %s | %.1f | %d | %s | %s | %d | %d | %.1f |\n' \
			"$name" "$c" "$(policy_of "$c")" \
			"$(awk -v m="$mib" -v s="$secs" 'BEGIN { print m / s }')" \
			$(($(mstat "$c" pgmajfault) - ${maj0[$c]})) \
			"$(mvkey "$f" read_p50_us)" "$(mvkey "$f" read_p99_us)" \
			"$(mstat "$c" zswpout)" "$(mstat "$c" zswpwb)" \
			"$(awk -v i="$(( $(idx "$c") * 3 + 3 ))" 'NR > 1 && $i > m { m = $i } END { print m / 1048576 }' \
				"$out/occupancy-$name.dat")" >>"$out/rows.md"
	done
	printf '| %s | %.1f s | %d requests, %.1f MiB | %d requests, %.1f MiB |\n' "$name" \
		"$(awk -v a="$t1" -v b="$t0" 'BEGIN { print a - b }')" \
		$((fw1 - fw0)) "$(awk -v s=$((fs1 - fs0)) 'BEGIN { print s / 2048 }')" \
		$((sw1 - sw0)) "$(awk -v s=$((ss1 - ss0)) 'BEGIN { print s / 2048 }')" >>"$out/disks.md"
}

# the policy of cgroup C: its name, or "built-in"
policy_of() {
	local p

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

echo "demo: run 1: the built-in policy"
mkcgroups
$swapctl status
run builtin
rmcgroups

echo "demo: run 2: swap_ext policies"
mkcgroups
$swapctl attach -s protect=demo/web latency demo
$swapctl attach tiered demo/batch
$swapctl attach incompressible demo/media
$swapctl status
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
	echo "| run | cgroup | policy | MiB/s | major faults | read p50 us | read p99 us | zswap stores | written back | peak on a tier MiB |"
	echo "|---|---|---|---|---|---|---|---|---|---|"
	cat "$out/rows.md"
	echo
	echo "| run | wall time | fast tier ($fast) writes | slow tier ($slow) writes |"
	echo "|---|---|---|---|"
	cat "$out/disks.md"
} >"$out/results.md"
rm "$out/rows.md" "$out/disks.md"

echo
cat "$out/results.md"
echo
echo "demo: every byte read back was verified"
