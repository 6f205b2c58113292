# SPDX-License-Identifier: GPL-2.0
#
# The guest side of make bench-policy (policy.sh):
# run SCENARIO FILL [KEY=VALUE...] runs memverify (every byte verified) in
# a cgroup with memory.max 32M and memory.high 24M (memory.zswap.max 4M
# for the zswap scenario) and prints one RESULT line: write_s is the
# swap-out phase, verify_s the swap-in phase; extra KEY=VALUE pairs are
# copied into it.  bench_setup makes /dev/$dev the swap device.

top=$(cd "$(dirname "$0")/../.." && pwd)
mv=$top/build/selftests/memverify
cg=/sys/fs/cgroup/bench
dev=${BENCH_DISK:-vda}
mib=${BENCH_MIB:-128}
vs=/sys/kernel/mm/vswap

die() { echo "bench: $*" >&2; exit 1; }

blk() { awk '{print $5, $7}' "/sys/block/$dev/stat"; }	# write ios, sectors
vm() { awk -v k="$1" '$1 == k {print $2}' /proc/vmstat; }

sample() {
	local peak_dyn=0 peak_used=0 d u
	while sleep 0.5; do
		[ -r $vs/stat ] || break
		d=$(awk '$1 == "dynamic_bytes" {print $2}' $vs/stat)
		u=$(awk '$1 == "slots_used" {print $2}' $vs/stat)
		[ -n "$d" ] || break
		if [ "$u" -gt "$peak_used" ]; then
			peak_used=$u
			peak_dyn=$d
		fi
		echo "$peak_dyn $peak_used" >/tmp/bench.peak
	done
}

run() {
	local name=$1 fill=$2 extra="${*:3}" out w0 s0 w1 s1 po0 po1 wb0 wb1 sys0 sys1 peak
	[ -d "$cg" ] && echo 1 >"$cg/cgroup.kill"
	rmdir "$cg" 2>/dev/null
	mkdir "$cg" || die "mkdir $cg"
	echo $((32 << 20)) >"$cg/memory.max"
	echo $((24 << 20)) >"$cg/memory.high"
	[ "$name" = zswap ] && echo $((4 << 20)) >"$cg/memory.zswap.max"
	sync
	echo 3 >/proc/sys/vm/drop_caches
	read -r w0 s0 < <(blk)
	po0=$(vm pswpout); wb0=$(vm zswpwb); wb0=${wb0:-0}
	rm -f /tmp/bench.peak
	sample &
	local sampler=$!
	out=$(sh -c "echo \$\$ > $cg/cgroup.procs; exec $mv -s $mib -p 2 -f $fill" 2>&1) ||
		die "$name: memverify failed: $out"
	kill $sampler 2>/dev/null; wait $sampler 2>/dev/null
	sys1=$(awk '$1 == "system_usec" {print $2}' "$cg/cpu.stat" 2>/dev/null)
	sleep 1
	read -r w1 s1 < <(blk)
	po1=$(vm pswpout); wb1=$(vm zswpwb); wb1=${wb1:-0}
	peak="0 0"
	[ -r /tmp/bench.peak ] && peak=$(cat /tmp/bench.peak)
	set -- $peak
	echo "RESULT scenario=$name $extra $(echo "$out" | grep -o 'write_s=[0-9.]* verify_s=[0-9.]*') pswpout=$((po1 - po0)) zswpwb=$((wb1 - wb0)) writes=$((w1 - w0)) sectors=$((s1 - s0)) sys_us=${sys1:-0} meta_bytes=$1 meta_slots=$2"
}

bench_setup() {
	[ -x "$mv" ] || die "$mv missing: run make"
	echo +memory +cpu >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null ||
		echo +memory >/sys/fs/cgroup/cgroup.subtree_control
	echo 0 >"/sys/block/$dev/queue/rotational"
	mkswap "/dev/$dev" >/dev/null || die "mkswap /dev/$dev"
	swapon "/dev/$dev" || die "swapon /dev/$dev"
	echo lzo >/sys/module/zswap/parameters/compressor
}

zswap_on() { echo "$1" >/sys/module/zswap/parameters/enabled; }
