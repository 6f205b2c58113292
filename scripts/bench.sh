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
#   ROUNDS           alternating rounds (default 5)
#   ICOUNT           1: instruction counting (scripts/vm.sh): system times
#                    count executed instructions, wall times add the time
#                    the guest waited; results in build/bench-icount/
#   PROFILE          1: also record a profile of each scenario in the guest
#                    (perf record -e cpu-clock -a -g, one sample every
#                    250 us of guest time: under ICOUNT, every 250,000
#                    instructions) and write the top symbols of both kernels
#                    side by side to OUT/profile.md, for the whole guest and
#                    for the workload's memverify alone; perf's own work then
#                    counts in every other figure
#   PROFILE_PERIOD   ns of guest time between samples (default 250000);
#                    fewer give finer profiles and cost more
#   PROFILE_GRAPH    "sym ...": also write, per scenario and kernel, the
#                    call chains of the samples in these kernel symbols to
#                    OUT/profile/KERNEL-ROUND-SCENARIO.graph (perf report -g)
#   EXACT            1: also count every instruction the guest runs while
#                    each scenario's workloads run, by kernel symbol, with a
#                    QEMU TCG plugin (selftests/bench/tbcount.c, built here):
#                    exact where PROFILE samples, the whole guest, nothing
#                    run in it; OUT/exact.md has both kernels side by side.
#                    Needs each kernel's System.map: OURS_MAP, STOCK_MAP
#                    (default: make's, beside make's bzImages)
#   BENCH_SCENARIOS  only these scenarios (selftests/bench/suite.sh)
#   BENCH_POLICIES   only these policies (none, noop, a shipped one, ...)
#   BENCH_THROTTLE   where the slow tier is throttled to 16 MB/s and 2000
#                    requests/s, reads and writes together: "host" (vdc,
#                    QEMU's throttle group, in host time) or "guest" (a
#                    memory-backed null_blk device in the guest instead of
#                    vdc, one request at a time, 0.5 ms each, at most
#                    256 KiB, in guest time; vda and vdb are then
#                    null_blk devices too, unthrottled, 0.1 ms a request).
#                    Default: host, guest with ICOUNT (QEMU's disks and
#                    throttle run in host time, which instruction counting
#                    does not see)
#   CPUS             guest CPUs (default 2; 1 with ICOUNT: instruction
#                    counting runs every vCPU on one clock, so a cgroup's
#                    CPU time on one vCPU also counted whatever the other
#                    ran meanwhile, kworkers and the bench's sampler
#                    included; Documentation/benchmarks.md)
#   BENCH_HIGH       0: no memory.high in the workloads' cgroups, only
#                    memory.max (selftests/bench/suite.sh); results in OUT
#                    with -nohigh appended
#   BENCH_HEADROOM   latency's knobs in the twocg policies named *headroom
#                    (default "headroom_kib=2048 reclaim_ms=2")
#   OURS_KERNEL, STOCK_KERNEL  other bzImages to compare (default: make's)
#   OUT              results directory (default build/bench, or
#                    build/bench-icount with ICOUNT; -THROTTLE appended
#                    when BENCH_THROTTLE is not the mode's default,
#                    -cpusN when CPUS is not)
#
# In real time, times are from a TCG guest: only ratios of runs made side
# by side, on a machine doing nothing else, mean anything, and not for CPU
# cost (emulated atomics, IPIs and TLB flushes cost far more than on
# hardware, and host load changes them); those come from ICOUNT=1.

set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
icount=${ICOUNT:-0}
profile=${PROFILE:-0}
period=${PROFILE_PERIOD:-250000}
mode=wall
[ "$icount" != 0 ] && mode=icount
rounds=${ROUNDS:-5}
ours=${OURS_KERNEL:-$top/build/obj/vswap/arch/x86/boot/bzImage}
stock=${STOCK_KERNEL:-$top/build/stock/obj/stock/arch/x86/boot/bzImage}
exact=${EXACT:-0}
ours_map=${OURS_MAP:-$top/build/obj/vswap/System.map}
stock_map=${STOCK_MAP:-$top/build/stock/obj/stock/System.map}
cpus_default=$([ $mode = icount ] && echo 1 || echo 2)
cpus=${CPUS:-$cpus_default}
throttle_default=$([ $mode = icount ] && echo guest || echo host)
throttle=${BENCH_THROTTLE:-$throttle_default}
# results of another throttle are not comparable: not in the same place
out=${OUT:-$top/build/bench$([ $mode = icount ] && echo -icount)$([ "$throttle" = "$throttle_default" ] || echo "-$throttle")$([ "${BENCH_HIGH:-1}" = 0 ] && echo -nohigh)$([ "$cpus" = "$cpus_default" ] || echo "-cpus$cpus")}
case $throttle in
host)	disk_opts="- - throttling.bps-total=16777216,throttling.iops-total=2000" ;;
guest)	disk_opts="" ;;
*)	echo "bench: BENCH_THROTTLE=$throttle: host or guest" >&2; exit 2 ;;
esac
mkdir -p "$out"
raw=$out/raw.txt
: >"$raw"
rm -rf "$out/profile" "$out/exact"
if [ "$exact" = 1 ]; then
	# the plugin's inline counts are not atomic: one vCPU
	[ "$cpus" = 1 ] || { echo "bench: EXACT=1 needs CPUS=1" >&2; exit 2; }
	for m in "$ours_map" "$stock_map"; do
		[ -f "$m" ] || { echo "bench: $m missing (OURS_MAP, STOCK_MAP)" >&2; exit 2; }
	done
	cc -O2 -Wall -shared -fPIC -o "$top/build/tbcount.so" \
		"$top/selftests/bench/tbcount.c" || exit 1
	mkdir -p "$out/exact"
	cp "$ours_map" "$out/exact/vswap.map"
	cp "$stock_map" "$out/exact/stock.map"
fi
guest_env="export BENCH_SCENARIOS=$(printf %q "${BENCH_SCENARIOS:-}") BENCH_PROFILE=$profile"
guest_env+=" BENCH_PROFILE_PERIOD=$period BENCH_EXACT=$exact"
guest_env+=" BENCH_PROFILE_GRAPH=$(printf %q "${PROFILE_GRAPH:-}")"
guest_env+=" BENCH_POLICIES=$(printf %q "${BENCH_POLICIES:-}")"
guest_env+=" BENCH_WEB_RECLAIM_KIB=$(printf %q "${BENCH_WEB_RECLAIM_KIB:-}")"
guest_env+=" BENCH_HEADROOM=$(printf %q "${BENCH_HEADROOM:-}")"
guest_env+=" BENCH_THROTTLE=$throttle BENCH_HIGH=${BENCH_HIGH:-1}"

for k in "$ours" "$stock"; do
	[ -f "$k" ] || { echo "bench: $k missing (make kernel; make kernel STOCK=1)" >&2; exit 2; }
done

# the kernel-build workload's object tree, made here (once)
if [ -z "${BENCH_SCENARIOS:-}" ] || [[ " $BENCH_SCENARIOS " == *" kbuild "* ]]; then
	"$top/scripts/kbuild-prep.sh" || exit 1
fi

start=$(date +%s)
for r in $(seq 1 "$rounds"); do
	for flavor in stock vswap; do
		k=$ours
		[ $flavor = stock ] && k=$stock
		echo "bench: round $r/$rounds: $flavor"
		log=$out/$flavor-$r.log
		# the VM's run directory is OUT's own: benches with other OUTs
		# may run at once (ICOUNT's figures do not depend on host load)
		vmrun=bench-$(basename "$out")-$flavor
		plugin=
		if [ "$exact" = 1 ]; then
			rm -rf "$out/exact/$flavor-$r"
			mkdir -p "$out/exact/$flavor-$r"
			plugin="$top/build/tbcount.so,out=$out/exact/$flavor-$r/tb"
			plugin+=",toggle=$(awk '$3 == "__x64_sys_syncfs" { print $1 }' "$out/exact/$flavor.map")"
		fi
		if ! QEMU_PLUGIN=$plugin KERNEL=$k FLAVOR=$vmrun VM_INIT=$top/build/vm-init DISKS=3 \
			ICOUNT=$icount CPUS=$cpus SWAPEXT_VM_ENV="$guest_env" \
			DISK_SIZE="1G 48M 1G" \
			DISK_OPTS="$disk_opts" \
			VM_TIMEOUT=2400 "$top/scripts/vm.sh" "$top/selftests/bench/suite.sh" \
			>"$log" 2>&1; then
			echo "bench: $flavor round $r failed, see $log" >&2
			exit 1
		fi
		[ "$exact" = 1 ] && grep '^EXACT ' "$log" >"$out/exact/$flavor-$r/marks"
		grep -E '^(RESULT|STATIC)' "$log" | sed "s/^\([A-Z]*\)/\1 kernel=$flavor round=$r/" >>"$raw"
		if [ "$profile" = 1 ]; then
			mkdir -p "$out/profile"
			for p in "$top/build/vm/$vmrun/out"/profile-*.txt \
				 "$top/build/vm/$vmrun/out"/profile-*.graph; do
				[ -f "$p" ] && cp "$p" "$out/profile/$flavor-$r-${p##*/profile-}"
			done
		fi
	done
done
echo "bench: $rounds rounds in $(( ($(date +%s) - start) / 60 )) min"

python3 "$top/scripts/bench-report.py" "$raw" "$out" "$rounds" "$mode" "$throttle" "${BENCH_HIGH:-1}" "$cpus"
if [ "$exact" = 1 ]; then
	python3 "$top/scripts/exact-report.py" "$out/exact" "$rounds" >"$out/exact.md"
	echo "bench: instruction counts in $out/exact.md"
fi
if [ "$profile" = 1 ]; then
	python3 "$top/scripts/bench-profile.py" "$out/profile" "$mode" "$period" >"$out/profile.md"
	echo "bench: profiles in $out/profile.md"
fi
if command -v gnuplot >/dev/null; then
	for g in "$out"/*.gp; do
		# a plot of scenarios BENCH_SCENARIOS left out has no data
		[ -s "${g%.gp}.dat" ] && gnuplot "$g"
	done
fi
echo "bench: results in $out/results.md"
