#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: stock 6.12 (same config, no patches) against ours, side by
# side.  Boots the two kernels in turn on the same VM shape, ROUNDS times
# alternating, runs selftests/bench/suite.sh in each (every scenario,
# every byte verified), and writes medians, ratios ours/stock and the
# goals' verdicts to build/bench/results.md, the plots to
# build/bench/*.png and every raw RESULT line to build/bench/raw.txt.
#
#   ROUNDS   alternating rounds (default 5)
#
# Times are from a TCG guest: only ratios of runs made side by side, on a
# machine doing nothing else, mean anything.

set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/bench
rounds=${ROUNDS:-5}
ours=$top/build/obj/vswap/arch/x86/boot/bzImage
stock=$top/build/stock/obj/stock/arch/x86/boot/bzImage
mkdir -p "$out"
raw=$out/raw.txt
: >"$raw"

for k in "$ours" "$stock"; do
	[ -f "$k" ] || { echo "bench: $k missing (make kernel; make kernel STOCK=1)" >&2; exit 2; }
done

start=$(date +%s)
for r in $(seq 1 "$rounds"); do
	for flavor in stock vswap; do
		k=$ours
		[ $flavor = stock ] && k=$stock
		echo "bench: round $r/$rounds: $flavor"
		log=$out/$flavor-$r.log
		if ! KERNEL=$k FLAVOR=bench-$flavor VM_INIT=$top/build/vm-init DISKS=3 \
			DISK_SIZE="1G 48M 1G" \
			DISK_OPTS="- - throttling.bps-total=16777216,throttling.iops-total=2000" \
			VM_TIMEOUT=2400 "$top/scripts/vm.sh" "$top/selftests/bench/suite.sh" \
			>"$log" 2>&1; then
			echo "bench: $flavor round $r failed, see $log" >&2
			exit 1
		fi
		grep -E '^(RESULT|STATIC)' "$log" | sed "s/^\([A-Z]*\)/\1 kernel=$flavor round=$r/" >>"$raw"
	done
done
echo "bench: $rounds rounds in $(( ($(date +%s) - start) / 60 )) min"

python3 "$top/scripts/bench-report.py" "$raw" "$out" "$rounds"
if command -v gnuplot >/dev/null; then
	for g in "$out"/*.gp; do
		gnuplot "$g"
	done
fi
echo "bench: results in $out/results.md"
