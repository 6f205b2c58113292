#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of 'make bench-policy': on our kernel, a disk and a zswap
# workload (lib.sh) with no policy and with the no-op policy
# (bpf/sx_noop.bpf.o, registered at the root cgroup with bpftool), ROUNDS
# alternating rounds in one boot.  RESULT lines carry policy=none|noop and
# the hook calls the noop policy saw (calls=).  A last noop round runs
# with kernel.bpf_stats_enabled=1 and prints OPSTAT lines: each op's
# program run count and total run time.
#
#   policy.sh [ROUNDS]     (default 5)

set -u
. "$(dirname "$0")/lib.sh"
rounds=${1:-5}
bpftool=$top/build/tools/sbin/bpftool
obj=$top/build/bpf/sx_noop.bpf.o
pins=/sys/fs/bpf/bench-policy
policies=/sys/kernel/mm/swap_ext/policies

[ -r $policies ] || die "kernel without swap_ext"
[ -r "$obj" ] || die "$obj missing: run make"

attach() {
	mkdir -p $pins
	$bpftool struct_ops register "$obj" $pins >/dev/null || die "bpftool struct_ops register"
}

detach() {
	local i
	rm -rf $pins
	for i in $(seq 100); do
		[ -z "$(cat $policies)" ] && return 0
		sleep 0.1
	done
	die "the noop policy is still registered"
}

# place+compressed+writeback+swapin calls of the registered policy
calls() {
	awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^(place|compressed|writeback|swapin)=/) {
		split($i, kv, "="); s += kv[2] } } END { print s + 0 }' $policies
}

one() {
	local p=$1 r=$2 c0=0 c1=0
	[ "$p" = noop ] && attach
	c0=$(calls)
	zswap_on N
	run disk random policy=$p round=$r
	c1=$(calls)
	echo "CALLS scenario=disk policy=$p round=$r calls=$((c1 - c0))"
	zswap_on Y
	run zswap compressible policy=$p round=$r
	echo "CALLS scenario=zswap policy=$p round=$r calls=$(($(calls) - c1))"
}

bench_setup
for r in $(seq 1 "$rounds"); do
	for p in none noop; do
		one $p $r
		[ $p = noop ] && detach
	done
done

# what the programs themselves cost, per call
sysctl -qw kernel.bpf_stats_enabled=1
attach
zswap_on Y
run zswap compressible policy=noop round=stats >/dev/null
$bpftool prog show -j | python3 -c '
import json, sys
for p in json.load(sys.stdin):
    if p.get("name", "").startswith("noop_"):
        print("OPSTAT op=%s run_cnt=%d run_time_ns=%d" %
              (p["name"][5:], p.get("run_cnt", 0), p.get("run_time_ns", 0)))'
detach
sysctl -qw kernel.bpf_stats_enabled=0
echo 1 >"$cg/cgroup.kill" 2>/dev/null
