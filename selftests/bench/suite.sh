#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of 'make bench': every scenario once on the booted kernel
# (stock 6.12 or ours), one RESULT line each.  scripts/bench.sh boots the
# two kernels in turn and aggregates.
#
# Disks (scripts/bench.sh sets them up): vda 1 GiB, the tier of the one-tier
# scenarios; vdb 48 MiB, fast; vdc 1 GiB, slow (QEMU throttles it to
# 16 MB/s, 2000 requests/s): the tiers of the two-cgroup scenario.  With
# BENCH_THROTTLE=guest, a null_blk device in the guest takes vdc's place
# (its figures keep vdc's name): memory-backed, 16 MB/s of reads and
# writes together, one request at a time, each completing 0.5 ms after it
# starts (so at most 2000 a second), all in guest time; requests of at
# most 256 KiB.  vda and vdb are then null_blk devices too, of their
# sizes, memory-backed, unthrottled, 4 KiB blocks, each request completing
# 0.1 ms after it starts (64 at a time), discarded before each swapon:
# under ICOUNT=1 a request to a disk of the host's took whatever guest
# time the host's I/O happened to span.
#
# Workloads (memverify, every byte read back verified), each in a cgroup
# with memory.max 32M and memory.high 24M:
#   useseq    4 processes x 16 MiB, sequential (vm-scalability's usemem
#             shape), 2 passes
#   userand   the same, pages in random order
#   zero      64 MiB of zero-filled pages (memhog)
#   same      64 MiB of same-filled pages (one word repeated)
#   mixed     64 MiB, by page: random, compressible, zero, same-filled
#   twocg     two cgroups at once: web (40 MiB of compressible data read
#             2x per pass in random order, its read latency measured) and
#             batch (96 MiB, a third each compressible, poorly compressible
#             and random; memory.zswap.max 8M), zswap pool 3 %, tiers vdb
#             then vdc.  (zswap's pool is charged to the cgroup: without a
#             zswap limit, poorly compressing pages fill the cgroup with
#             pool memory reclaim cannot free, and it stalls at memory.high.)
#   redis     twocg with redis in web's place: redis-server holding 48 MiB
#             of text values (selftests/bench/apps.sh), filled before the
#             measured part, read by redis-benchmark (20000 random GETs, 4
#             clients, BENCH_REDIS_REQUESTS) from the root cgroup while
#             batch runs; every value verified afterwards
#   kbuild    make -j4 of mm/'s four largest units of Linux 6.12, x86_64
#             tinyconfig (prepared on the host by scripts/kbuild-prep.sh),
#             in a cgroup of 160 MiB (BENCH_KBUILD_MIB) with memory.high at
#             3/4: four compilers at once in less than they need; every
#             object compared with the host's build of it
# Backends:
#   disk      zswap off, vda
#   zswap     zswap on (lzo), memory.zswap.max 4M, vda behind it
#   nodisk    zswap on, no limit; ours: no tier at all; stock: vda, which
#             stock needs for zswap: its peak use is the disk space saved
# Policies (ours): none, noop (bpf/sx_noop.bpf.o: every op returns the
# built-in answer), and the shipped ones, attached to the parent of the
# workload's cgroups.
#
# BENCH_SCENARIOS="mixed twocg" runs only those (default: all), and
# BENCH_POLICIES="none latency" only those policies (default: all).
# BENCH_HIGH=0 leaves memory.high at max: the workloads reclaim at
# memory.max, in their own faults, and are never put to sleep for being
# over memory.high, whose sleeps are a third of the zero scenario's wall
# time and spread it.  Meant for the one-cgroup scenarios: the latency
# policy and BENCH_WEB_RECLAIM_KIB work from memory.high.
# BENCH_PROFILE=1 records each scenario with perf (scripts/bench.sh) and
# writes its kernel symbols' sample counts to
# $SWAPEXT_OUT/profile-SCENARIO-BACKEND-POLICY.txt: "samples symbol" lines,
# one sample every BENCH_PROFILE_PERIOD ns (default 250000) of guest time
# on every CPU.
#
# RESULT fields: scenario backend policy wall_s mib (written + verified)
# sys_us usage_us (system and all CPU time of the workload's cgroups: the
# split between user and system time is sampled at the tick, the total is
# exact) majflt pswpout zswpwb w_vdX/s_vdX (write requests, sectors per
# disk) r_vdX/rs_vdX (read requests, sectors per disk) slab_kib (peak
# Slab growth) swap_kib (peak swap on disks)
# meta_bytes meta_slots (vswap peak) psi_some_us psi_full_us (PSI memory
# stall of the workload's cgroups) ev_high ev_max (their memory.events)
# web_p99_us web_mibs batch_mibs web_/batch_psi_{memory,io,cpu}_us (PSI
# "some" of each twocg cgroup) get_rps get_p50_us get_p99_us get_max_us
# (redis) kbuild_objects guest_busy_us (CPU time the whole guest
# was busy, any task) swap_ra swap_ra_hit (pages swap readahead
# read, and those later faulted: /proc/vmstat).

set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
mv=$top/build/selftests/memverify
swapctl=$top/build/userspace/swapctl
bpf=$top/build/bpf
parent=/sys/fs/cgroup/bench
vs=/sys/kernel/mm/vswap
disks=(vda vdb vdc)
# the block device behind each of disks (null_blk ones, BENCH_THROTTLE=guest)
devs=(vda vdb vdc)
ours=0
[ -d $vs ] && ours=1

die() { echo "bench: $*" >&2; exit 1; }

root=$top
# shellcheck source=apps.sh
. "$top/selftests/bench/apps.sh"
# redis: 12288 values of 4 KiB (about 60 MiB of server memory in a 32 MiB
# cgroup), read by 4 clients
redis_keys=12288
redis_requests=${BENCH_REDIS_REQUESTS:-20000}
# kbuild: make -j4 in a cgroup of kbuild_mib MiB
kbuild_mib=${BENCH_KBUILD_MIB:-160}
kbuild_jobs=4

bench_redis_prepare() { precache "$redis_bin" "$(command -v redis-benchmark)"; }
bench_redis() { redis_get "$redis_requests" 4; }
bench_kbuild_prepare() { kbuild_setup; }
bench_kbuild() { kbuild_run "$1" $kbuild_jobs; }

vmstat() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }
meminfo() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }

# Peaks while a scenario runs, every half second, into /tmp/bench.peak:
# Slab KiB, swap KiB on disks, vswap dynamic bytes and slots in use.  The
# same commands on both kernels (on stock, vswap's stat file is missing and
# counts 0), so that the sampler costs both the same.
sampler() {
	local slab=0 swap=0 dyn=0 used=0 s w d u

	while sleep 0.5; do
		read -r s w d u < <(cat /proc/meminfo /proc/swaps $vs/stat 2>/dev/null | awk '
			$1 == "Slab:" { s = $2 }
			$1 ~ /^\/dev\// { w += $4 }
			$1 == "dynamic_bytes" { d = $2 }
			$1 == "slots_used" { u = $2 }
			END { print s + 0, w + 0, d + 0, u + 0 }')
		[ "$s" -gt "$slab" ] && slab=$s
		[ "$w" -gt "$swap" ] && swap=$w
		if [ "$u" -gt "$used" ]; then
			used=$u
			dyn=$d
		fi
		echo "$slab $swap $dyn $used" >/tmp/bench.peak
	done
}

# The workload's memory stall and limit events so far, from the parent of
# its cgroups (both hierarchical): PSI memory some and full total (us),
# memory.events high and max.
stalls() {
	awk '$1 == "some" || $1 == "full" { split($5, t, "="); printf "%s ", t[2] }' \
		$parent/memory.pressure
	awk '$1 == "high" || $1 == "max" { printf "%s ", $2 }' $parent/memory.events
	echo
}

# From memverify's last line in FILE: MiB written and verified, that over
# memverify's own time (MiB/s), and its read p99 (us)
mv_figures() {
	tail -n 1 "$1" | awk '{
		for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		m = (v["pages"] * 4096 * v["passes"] + v["bytes_verified"]) / 1048576
		print m, m / (v["write_s"] + v["verify_s"]), v["read_p99_us"] }'
}

swapoff_all() {
	swapoff -a 2>/dev/null
	local d
	for d in "${devs[@]}"; do
		swapoff "/dev/$d" 2>/dev/null
	done
	return 0
}

# dev_of DISK: the block device that plays DISK (vda, vdb or vdc)
dev_of() {
	local i

	for i in "${!disks[@]}"; do
		[ "${disks[$i]}" = "$1" ] && { echo "${devs[$i]}"; return 0; }
	done
	die "dev_of $1: no such disk"
}

# tiers DISK:PRIO...: exactly these disks swapped on
tiers() {
	local t d

	swapoff_all
	for t in "$@"; do
		d=$(dev_of "${t%%:*}") || exit 1
		# a null_blk disk gives back the memory of what it held
		case $d in
		nullb_vd*) blkdiscard -f "/dev/$d" 2>/dev/null || die "blkdiscard $d" ;;
		esac
		mkswap -f "/dev/$d" >/dev/null 2>&1 || die "mkswap $d"
		swapon -p "${t##*:}" "/dev/$d" || die "swapon $d"
	done
}

zswap() {
	echo "$1" >/sys/module/zswap/parameters/enabled
	echo "${2:-20}" >/sys/module/zswap/parameters/max_pool_percent
}

# cgroup NAME MAX_MIB [ZSWAP_MAX]: a fresh cgroup under $parent
cgroup() {
	local c=$parent/$1

	mkdir "$c" || die "mkdir $c"
	echo "${2}M" >"$c/memory.max"
	[ "${BENCH_HIGH:-1}" = 0 ] || echo "$(($2 * 3 / 4))M" >"$c/memory.high"
	[ -n "${3:-}" ] && echo "$3" >"$c/memory.zswap.max"
	return 0
}

reset() {
	local c

	[ -d $parent ] || return 0
	for c in $parent/*/; do
		[ -d "$c" ] || continue
		echo 1 >"$c/cgroup.kill" 2>/dev/null
		for _ in $(seq 50); do rmdir "$c" 2>/dev/null && break; sleep 0.1; done
	done
	rmdir $parent 2>/dev/null
}

# attach POLICY [KNOBS]: POLICY on $parent (none: nothing)
attach() {
	local p=$1

	shift
	case $p in
	none)	return 0 ;;
	noop)	$swapctl attach "$@" "$bpf/sx_noop.bpf.o" $parent ;;
	*)	$swapctl attach "$@" "$p" $parent ;;
	esac >/dev/null || die "swapctl attach $p failed"
}

detach_all() {
	local c

	for c in $parent $parent/*/; do
		$swapctl detach "$c" >/dev/null 2>&1
	done
	for _ in $(seq 100); do
		[ -z "$(cat /sys/kernel/mm/swap_ext/policies 2>/dev/null)" ] && return 0
		sleep 0.1
	done
	die "a policy stays loaded"
}

# profile_start / profile_stop NAME: perf over every CPU while a scenario
# runs (BENCH_PROFILE=1), its kernel symbols to $SWAPEXT_OUT/profile-NAME.txt
# and those of the samples taken while a memverify ran to
# $SWAPEXT_OUT/profile-NAME.wl.txt: what the workload cgroups' cpu.stat
# counts where memverify is all they run (an interrupt counts for the task
# it interrupts).  (perf's --all-cgroups would need CONFIG_CGROUP_PERF.)
# BENCH_PROFILE_GRAPH="sym ...": the call chains of those symbols' samples
# to $SWAPEXT_OUT/profile-NAME.graph too.
profiler=
profile_start() {
	[ "${BENCH_PROFILE:-0}" = 1 ] || return 0
	perf record -q -N -B -e cpu-clock -c "${BENCH_PROFILE_PERIOD:-250000}" -a -g -o /tmp/bench.perf \
		>/tmp/bench.perf.log 2>&1 &
	profiler=$!
	# perf enables its events after it has set up: give it time to.
	sleep 2
	kill -0 $profiler 2>/dev/null || die "perf record failed: $(cat /tmp/bench.perf.log)"
}

profile_stop() {
	[ -n "$profiler" ] || return 0
	kill -INT $profiler
	wait $profiler
	profiler=
	perf report -i /tmp/bench.perf --stdio --no-children -g none -n \
		--sort sym 2>/dev/null |
		awk '$1 ~ /%$/ && $3 == "[k]" { print $2, $4 }' \
		>"${SWAPEXT_OUT:-/tmp}/profile-$1.txt"
	perf report -i /tmp/bench.perf --stdio --no-children -g none -n \
		--sort comm,sym 2>/dev/null |
		awk '$1 ~ /%$/ && $3 == "memverify" && $4 == "[k]" { print $2, $5 }' \
		>"${SWAPEXT_OUT:-/tmp}/profile-$1.wl.txt"
	# BENCH_PROFILE_GRAPH="sym ...": the call chains of these symbols' samples
	[ -z "${BENCH_PROFILE_GRAPH:-}" ] ||
		perf report -i /tmp/bench.perf --stdio --no-children -n -g graph,0.5,caller \
			--symbols "$(echo "$BENCH_PROFILE_GRAPH" | tr -s ' ' ,)" 2>/dev/null \
			>"${SWAPEXT_OUT:-/tmp}/profile-$1.graph"
	rm -f /tmp/bench.perf
}

# exact_mark NAME (BENCH_EXACT=1): syncfs(2), whose entry makes QEMU's
# tbcount plugin (scripts/bench.sh EXACT=1) write the instructions counted
# so far: called as a scenario's workloads start and once they are done
exact_mark() {
	[ "${BENCH_EXACT:-0}" = 1 ] || return 0
	sync -f /tmp
	echo "EXACT $1"
}

# vswap's cluster churn (ours): activations, tables allocated, swap_map
# pages released, cumulative; nothing on stock
vswap_churn() {
	[ -r /sys/kernel/mm/vswap/stat ] || return 0
	awk '$1 == "clusters_activated" { a = $2 } $1 == "tables_allocated" { t = $2 }
	     $1 == "map_pages_released" { m = $2 } END { if (a != "") print a, t, m }' \
		/sys/kernel/mm/vswap/stat
}

# BENCH_WEB_RECLAIM_KIB=N (twocg): a userspace agent keeps web N KiB below
# its memory.high by writing memory.reclaim every 2 ms when it is closer,
# as a proactive reclaimer (senpai, a policy's bpf_wq) would: web's faults
# then rarely reclaim or get throttled themselves.  Off by default; an
# experiment, on either kernel.
web_reclaimer() {
	local cg=$parent/web high u hr=$((BENCH_WEB_RECLAIM_KIB * 1024)) fd n=0

	read -r high <$cg/memory.high
	[ "$high" = max ] && read -r high <$cg/memory.max
	[ "$high" = max ] && return 0
	exec {fd}<> <(:)
	trap 'echo $n >/tmp/bench-reclaims; exit 0' TERM
	while :; do
		read -r u <$cg/memory.current
		if ((u > high - hr)); then
			echo $((u - high + 2 * hr)) >$cg/memory.reclaim 2>/dev/null || :
			n=$((n + 1))
		fi
		read -r -t 0.002 -u $fd || :
	done
}

# CPU time the guest spent busy, all CPUs, any task or interrupt (us):
# /proc/stat's cpu line less idle and iowait, in USER_HZ ticks
guest_busy() {
	awk -v hz="$(getconf CLK_TCK)" '$1 == "cpu" {
		print int(($2 + $3 + $4 + $7 + $8 + $9) * 1000000 / hz); exit }' /proc/stat
}

# cg_counters CG: what measure() reports of cgroup CG, as differences
# over the run (a cgroup may have run something before, as redis's fill):
# system_usec usage_usec pgmajfault zswpin, and its PSI "some" totals of
# memory, io and cpu (us)
cg_counters() {
	local cg=$parent/$1 r

	awk '$1 == "system_usec" { s = $2 } $1 == "usage_usec" { u = $2 }
	     END { printf "%d %d ", s, u }' "$cg/cpu.stat" 2>/dev/null || printf '0 0 '
	awk '$1 == "pgmajfault" { m = $2 } $1 == "zswpin" { z = $2 }
	     END { printf "%d %d ", m, z }' "$cg/memory.stat"
	for r in memory io cpu; do
		awk '$1 == "some" { split($5, t, "="); printf "%d ", t[2] }' \
			"$cg/$r.pressure" 2>/dev/null || printf '0 '
	done
	echo
}

# measure SCENARIO BACKEND POLICY CG:ARGS...: run memverify ARGS in each
# cgroup CG (created before), all at once, and print the RESULT line.
measure() {
	local scenario=$1 backend=$2 policy=$3 spec pids=() names=() i
	local t0 t1 po0 wb0 slab0 sys=0 usage=0 maj=0 mib=0 extra="" blk0=() d
	local psi0 psi1 specs_args=() cgs_of c
	declare -A cg0

	shift 3
	cgs_of=$(printf '%s\n' "$@" | cut -d: -f1 | sort -u)
	sync
	echo 3 >/proc/sys/vm/drop_caches
	# an application's files back into the page cache, charged to the
	# root cgroup (selftests/bench/apps.sh)
	for spec in "$@"; do
		case ${spec#*:} in
		@*)	! declare -F "${spec#*:@}_prepare" >/dev/null ||
				"${spec#*:@}_prepare" || die "$scenario: ${spec#*:@}_prepare failed" ;;
		esac
	done
	for d in "${devs[@]}"; do
		blk0+=("$(awk '{ print $5, $7, $1, $3 }' /sys/block/$d/stat)")
	done
	po0=$(vmstat pswpout)
	local ra0 rah0 busy0
	busy0=$(guest_busy)
	ra0=$(vmstat swap_ra)
	rah0=$(vmstat swap_ra_hit)
	local churn0
	churn0=$(vswap_churn)
	wb0=$(vmstat zswpwb)
	slab0=$(meminfo Slab)
	read -r -a psi0 < <(stalls)
	for c in $cgs_of; do
		cg0[$c]=$(cg_counters "$c")
	done
	rm -f /tmp/bench.peak
	sampler &
	local sp=$!
	profile_start

	local rp=
	if [ -n "${BENCH_WEB_RECLAIM_KIB:-}" ] && [ -d $parent/web ]; then
		web_reclaimer &
		rp=$!
	fi
	# bash's own clock: date(1) would be read from 9p at each end (see
	# in_cgroup()), and under ICOUNT=1 the guest waits on the host for it
	exact_mark "$scenario-$backend-$policy"
	t0=$EPOCHREALTIME
	for spec in "$@"; do
		local c=${spec%%:*} args=${spec#*:}
		case $args in
		@*)	"${args#@}" "$parent/$c" >"/tmp/bench-$c-${#pids[@]}.out" 2>&1 & ;;
		*)	in_cgroup "$parent/$c" "$mv" $args >"/tmp/bench-$c-${#pids[@]}.out" 2>&1 & ;;
		esac
		pids+=($!)
		names+=("$c-$((${#pids[@]} - 1))")
		specs_args+=("$args")
	done
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" || die "$scenario/$backend/$policy: ${names[$i]%-*} failed: $(cat /tmp/bench-${names[$i]}.out)"
	done
	t1=$EPOCHREALTIME
	exact_mark "$scenario-$backend-$policy"
	if [ -n "$rp" ]; then
		kill $rp 2>/dev/null
		wait $rp 2>/dev/null
		extra+=" web_reclaims=$(cat /tmp/bench-reclaims 2>/dev/null || echo 0)"
	fi
	profile_stop "$scenario-$backend-$policy"
	kill $sp 2>/dev/null
	wait $sp 2>/dev/null
	read -r -a psi1 < <(stalls)
	if [ -n "$churn0" ]; then
		local c0 c1
		read -r -a c0 <<<"$churn0"
		read -r -a c1 < <(vswap_churn)
		extra+=" activated=$((c1[0] - c0[0])) tables_allocated=$((c1[1] - c0[1]))"
		extra+=" map_released=$((c1[2] - c0[2]))"
	fi
	extra+=" psi_some_us=$((psi1[0] - psi0[0])) psi_full_us=$((psi1[1] - psi0[1]))"
	extra+=" ev_high=$((psi1[2] - psi0[2])) ev_max=$((psi1[3] - psi0[3]))"
	sleep 1

	for i in "${!names[@]}"; do
		local c=${names[$i]%-*} m mibs p99

		if [[ ${specs_args[$i]} == @* ]]; then
			# an application: its own figures, key=value
			extra+=" $(tail -n 1 "/tmp/bench-${names[$i]}.out")"
		else
			read -r m mibs p99 < <(mv_figures "/tmp/bench-${names[$i]}.out")
			mib=$(awk -v a="$mib" -v b="$m" 'BEGIN { print a + b }')
		fi
		case $c in
		web)	extra+=" web_p99_us=$p99 web_mibs=$mibs"
			extra+=" $(tail -n 1 "/tmp/bench-${names[$i]}.out" |
				tr ' ' '\n' | sed -n 's/^read_\(p50\|max\)_us=/web_\1_us=/p' |
				tr '\n' ' ')" ;;
		batch)	extra+=" batch_mibs=$mibs" ;;
		esac
	done
	for c in $cgs_of; do
		local a0 a1 j dl=()

		read -r -a a0 <<<"${cg0[$c]}"
		read -r -a a1 < <(cg_counters "$c")
		for j in 0 1 2 3 4 5 6; do
			dl+=($((a1[j] - a0[j])))
		done
		sys=$((sys + dl[0]))
		usage=$((usage + dl[1]))
		maj=$((maj + dl[2]))
		# major faults, and those zswap served: the rest read a disk;
		# the time some of the cgroup's tasks waited for memory, I/O
		# and a CPU (PSI "some", us)
		case $c in
		web|batch|redis|build)
			extra+=" ${c}_psi_memory_us=${dl[4]} ${c}_psi_io_us=${dl[5]}"
			extra+=" ${c}_psi_cpu_us=${dl[6]} ${c}_pgmajfault=${dl[2]} ${c}_zswpin=${dl[3]}" ;;
		esac
	done
	for i in "${!disks[@]}"; do
		local w0 s0 r0 rs0 w1 s1 r1 rs1
		read -r w0 s0 r0 rs0 <<<"${blk0[$i]}"
		read -r w1 s1 r1 rs1 < <(awk '{ print $5, $7, $1, $3 }' /sys/block/${devs[$i]}/stat)
		extra+=" w_${disks[$i]}=$((w1 - w0)) s_${disks[$i]}=$((s1 - s0))"
		extra+=" r_${disks[$i]}=$((r1 - r0)) rs_${disks[$i]}=$((rs1 - rs0))"
	done
	extra+=" guest_busy_us=$(($(guest_busy) - busy0))"
	extra+=" swap_ra=$(($(vmstat swap_ra) - ra0)) swap_ra_hit=$(($(vmstat swap_ra_hit) - rah0))"
	local peak="$slab0 0 0 0"
	[ -r /tmp/bench.peak ] && peak=$(cat /tmp/bench.peak)
	set -- $peak
	echo "RESULT scenario=$scenario backend=$backend policy=$policy" \
		"wall_s=$(awk -v a="$t1" -v b="$t0" 'BEGIN { print a - b }') mib=$mib" \
		"sys_us=$sys usage_us=$usage majflt=$maj pswpout=$(($(vmstat pswpout) - po0))" \
		"zswpwb=$(($(vmstat zswpwb) - wb0)) slab_kib=$(($1 - slab0)) swap_kib=$2" \
		"meta_bytes=$3 meta_slots=$4$extra"
}

# BENCH_HEADROOM="KNOB=V ..." (twocg): latency's knobs in the policies named
# *headroom, as swapctl attach options
headroom_knobs() {
	local k

	for k in ${BENCH_HEADROOM:-headroom_kib=2048 reclaim_ms=2}; do
		printf -- '-s %s ' "$k"
	done
}

# one SCENARIO BACKEND POLICY: set up, measure, tear down
one() {
	local scenario=$1 backend=$2 policy=$3 fill=random zmax="" specs=() i lat=web

	[ -z "${BENCH_SCENARIOS:-}" ] || [[ " $BENCH_SCENARIOS " == *" $scenario "* ]] ||
		return 0
	[ -z "${BENCH_POLICIES:-}" ] || [[ " $BENCH_POLICIES " == *" $policy "* ]] ||
		return 0
	reset
	mkdir $parent || die "mkdir $parent"
	echo "+memory +cpu" >$parent/cgroup.subtree_control 2>/dev/null ||
		echo +memory >$parent/cgroup.subtree_control
	case $backend in
	disk)	zswap N; tiers vda:10 ;;
	zswap)	zswap Y; tiers vda:10; fill=compressible; zmax=4M ;;
	nodisk)	zswap Y; fill=compressible
		if [ $ours = 1 ]; then swapoff_all; else tiers vda:10; fi ;;
	twocg)	zswap Y 3; tiers vdb:10 vdc:5 ;;
	esac
	case $scenario in
	useseq|userand)
		cgroup use 32 $zmax
		for i in 1 2 3 4; do
			specs+=("use:-s 16 -p 2 -f $fill$([ $scenario = userand ] && echo " -r")")
		done ;;
	zero|same|mixed)
		cgroup one 32 $zmax
		specs=("one:-s 64 -p 2 -f $scenario") ;;
	nodisk)
		cgroup one 32
		specs=("one:-s 64 -p 2 -f compressible") ;;
	twocg)
		cgroup web 32
		cgroup batch 32 8M
		specs=("web:-s 40 -p 2 -R 2 -r -f compressible" "batch:-s 96 -p 2 -f varied") ;;
	redis)
		lat=redis
		cgroup redis 32 8M
		cgroup batch 32 8M
		specs=("redis:@bench_redis" "batch:-s 96 -p 2 -f varied") ;;
	kbuild)
		cgroup build "$kbuild_mib"
		specs=("build:@bench_kbuild") ;;
	esac
	case $policy in
	latency)	attach latency -s protect=$parent/$lat ;;
	latency+headroom)
			attach latency -s protect=$parent/$lat $(headroom_knobs) ;;
	headroom|incompressible+headroom)
			[ $policy = headroom ] || attach incompressible
			$swapctl attach -s protect=$parent/$lat $(headroom_knobs) \
				latency $parent/$lat >/dev/null || die "attach latency on $lat" ;;
	latency+tiered)	attach latency -s protect=$parent/$lat
			$swapctl attach tiered $parent/batch >/dev/null || die "attach tiered" ;;
	*)		attach "$policy" ;;
	esac
	# redis is filled (and swaps) before the measured part
	[ $scenario = redis ] && { redis_start $parent/redis "$redis_keys" 4096 || die "redis"; }
	measure "$scenario" "$backend" "$policy" "${specs[@]}"
	[ $scenario = redis ] && { redis_stop || die "redis: values differ: data lost"; }
	[ $ours = 1 ] && detach_all
	reset
}

[ -x "$mv" ] || die "$mv missing: run make"
# Run memverify from the guest's tmpfs: from the host's root over 9p, its
# pages are dropped with the page cache before each scenario and under
# the cgroup's pressure, and read back from the host while the scenario
# runs - host I/O whose time depends on the host's load (under ICOUNT=1,
# an idle guest's clock runs ahead while it waits).
cp "$mv" /tmp/memverify || die "cp $mv /tmp"
mv=/tmp/memverify
echo +memory +cpu >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null ||
	echo +memory >/sys/fs/cgroup/cgroup.subtree_control
echo lzo >/sys/module/zswap/parameters/compressor
# nullb NAME ATTR=VALUE...: null_blk device NAME, configured and powered on.
# Memory-backed: what is written stays in guest memory, outside any
# cgroup, until the boot ends (at most the sectors the scenarios write).
nullb() {
	local nb=/sys/kernel/config/nullb/$1 a

	shift
	mountpoint -q /sys/kernel/config || mount -t configfs none /sys/kernel/config ||
		die "configfs"
	[ -d "$nb" ] || mkdir "$nb" || die "mkdir $nb (CONFIG_BLK_DEV_NULL_BLK?)"
	[ "$(cat "$nb/power")" = 1 ] && return 0
	for a in memory_backed=1 irqmode=2 submit_queues=1 "$@" power=1; do
		echo "${a#*=}" >"$nb/${a%%=*}" || die "null_blk ${nb##*/}: $a"
	done
}

# the disks as null_blk devices in guest time (BENCH_THROTTLE=guest)
guest_disks() {
	# discard: tiers() discards a disk before each swapon, so that what
	# earlier scenarios wrote does not stay in guest memory
	nullb nullb_vda size=1024 blocksize=4096 completion_nsec=100000 hw_queue_depth=64 \
		discard=1
	nullb nullb_vdb size=48 blocksize=4096 completion_nsec=100000 hw_queue_depth=64 \
		discard=1
	# the slow tier: max_sectors, because null_blk's throttle refills a
	# 50th of a second's bytes (335 KB at 16 MB/s) at a time and requeues
	# a larger request forever
	nullb nullb_slow size=1024 completion_nsec=500000 hw_queue_depth=1 \
		mbps=16 max_sectors=512
	devs=(nullb_vda nullb_vdb nullb_slow)
}
[ "${BENCH_THROTTLE:-host}" = guest ] && guest_disks
for d in "${devs[0]}" "${devs[1]}"; do echo 0 >/sys/block/$d/queue/rotational; done
echo 1 >"/sys/block/${devs[2]}/queue/rotational" || die "rotational ${devs[2]}"

# vswap's metadata before anything is swapped: what exists at 0 % use
[ -r $vs/stat ] && echo "STATIC $(awk '$1 == "static_bytes" || $1 == "slots" { printf "%s=%s ", $1, $2 }' $vs/stat)"

policies=(none)
[ $ours = 1 ] && policies=(none noop default tiered incompressible)

for s in useseq userand; do
	one $s disk none
	one $s zswap none
done
# batched writeback against stock's
[ $ours = 1 ] && one useseq zswap tiered
one zero zswap none
one same zswap none
for p in "${policies[@]}"; do
	one mixed zswap "$p"
done
one nodisk nodisk none
[ $ours = 1 ] && policies+=(latency latency+tiered latency+headroom headroom
	incompressible+headroom)
for p in "${policies[@]}"; do
	one twocg twocg "$p"
done
# real applications: redis next to batch, and a kernel build
for p in none $([ $ours = 1 ] && echo latency incompressible+headroom); do
	one redis twocg "$p"
done
one kbuild zswap none
