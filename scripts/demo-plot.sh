#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo-plot.sh IN OUT: 'make run', host side.  Copies the demo's results
# from IN (the guest's output directory) to OUT and plots where the swapped
# pages were over time, one panel per run: OUT/occupancy.png.

set -euo pipefail

in=$1
out=$2

[ -f "$in/results.md" ] || { echo "demo-plot: no $in/results.md: did the demo run?" >&2; exit 1; }
mkdir -p "$out"
cp "$in"/results.md "$in"/policies.txt "$in"/occupancy-*.dat "$in"/status-*.txt "$out"/

if ! command -v gnuplot >/dev/null; then
	echo "demo-plot: no gnuplot: $out/occupancy.png not drawn" >&2
	exit 0
fi

# columns of occupancy-RUN.dat (bytes, tiers in pages):
# t redis_zswap redis_tier redis_cached batch_zswap batch_tier batch_cached
# media_zswap media_tier media_cached fast_backing slow_backing
gnuplot <<GP
set terminal pngcairo size 1100,800 font ",10" noenhanced
set output "$out/occupancy.png"
set multiplot layout 2,1 title "Where swapped pages are: zswap (all cgroups), the fast and the slow tier, and the latency-sensitive cgroup's pages on a tier"
set xlabel "seconds"
set ylabel "MiB"
set key outside right
set grid
MiB = 1048576.0
pg = 4096.0 / MiB
do for [run in "builtin policies"] {
	set title (run eq "builtin" ? "built-in policy" : "swap_ext policies: latency (redis), tiered (batch), incompressible (media)")
	f = "$out/occupancy-".run.".dat"
	plot f using 1:((\$2 + \$5 + \$8) / MiB) with lines lw 2 title "zswap", \
	     f using 1:(\$11 * pg) with lines lw 2 title "fast tier", \
	     f using 1:(\$12 * pg) with lines lw 2 title "slow tier", \
	     f using 1:(\$3 / MiB) with lines lw 2 dt 2 title "redis on a tier"
}
unset multiplot
GP
echo "demo: $out/results.md, $out/occupancy.png"
