#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Metadata per swapped-out page, measured: the guest side, run by hand with
# scripts/vm.sh on each kernel (boot with slab_nomerge, so that zswap's
# entries and the xarray nodes have caches of their own):
#
#   KERNEL=... DISKS=1 APPEND=slab_nomerge scripts/vm.sh selftests/bench/meta.sh
#
# Two cases, one boot each time (vda as the swap device or tier):
#   zswap  64 MiB of compressible data held in a cgroup with memory.max
#          32M: most of it in zswap (stock: vda behind zswap; ours: no
#          tier, zswap alone)
#   tier   64 MiB of random data, zswap off: most of it on vda
# While memverify holds its pages (every byte is checked afterwards), the
# growth of the caches swap bookkeeping allocates from (zswap_entry,
# radix_tree_node: zswap's trees and the swap cache), vswap's mapped
# descriptor tables and swap_map pages (dynamic_bytes, all of
# it while the workload holds: no other page is swapped), over the pages
# swapped out (a tier slot has no reverse map).  A device's
# own swap_map and swap_cgroup (3 bytes a slot, at swapon; a tier swapped
# on while vswap is on has no swap_cgroup pages, 1 byte a slot) are
# allocated for every slot and listed apart as static.  One line per case:
#   META case=zswap pages=N zswap_entry=B xa_nodes=B vswap=B vswap_before=B per_page=B
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cp "$top/build/selftests/memverify" /tmp/memverify || exit 1
mv=/tmp/memverify
vs=/sys/kernel/mm/vswap
cg=/sys/fs/cgroup/meta

die() { echo "meta: $*" >&2; exit 1; }

# bytes of slab cache $1 in use: active objects times object size
slab() { awk -v c="$1" '$1 == c { print $2 * $4; f = 1 } END { if (!f) print 0 }' /proc/slabinfo; }
vstat() { [ -r $vs/stat ] && awk -v k="$1" '$1 == k { print $2 }' $vs/stat || echo 0; }
swapped() { awk '$1 == "SwapTotal:" { t = $2 } $1 == "SwapFree:" { f = $2 } END { print (t - f) / 4 }' /proc/meminfo; }

echo +memory >/sys/fs/cgroup/cgroup.subtree_control
echo lzo >/sys/module/zswap/parameters/compressor
echo 0 >/sys/block/vda/queue/rotational
mkswap /dev/vda >/dev/null || die "mkswap"
[ -r /proc/slabinfo ] || die "no /proc/slabinfo"

one() {
	local case=$1 fill=$2 z0 x0 v0 z1 x1 v1 pages pid st sw
	swapoff -a 2>/dev/null
	echo "$3" >/sys/module/zswap/parameters/enabled
	if [ "$case" = tier ] || [ ! -d $vs ]; then
		swapon /dev/vda || die "swapon"
	fi
	mkdir $cg || die "mkdir $cg"
	echo 32M >$cg/memory.max
	echo 24M >$cg/memory.high
	sync; echo 3 >/proc/sys/vm/drop_caches
	# vswap gives emptied map pages back a second after their last use
	sleep 3
	z0=$(slab zswap_entry); x0=$(slab radix_tree_node); v0=$(vstat dynamic_bytes)
	sh -c "echo \$\$ >$cg/cgroup.procs; exec $mv -s 64 -p 1 -f $fill -H" >/tmp/meta.out 2>&1 &
	pid=$!
	for _ in $(seq 600); do grep -q holding /tmp/meta.out && break; sleep 0.1; done
	grep -q holding /tmp/meta.out || die "memverify did not hold: $(cat /tmp/meta.out)"
	sleep 1
	z1=$(slab zswap_entry); x1=$(slab radix_tree_node); v1=$(vstat dynamic_bytes)
	if [ "$case" = zswap ]; then
		pages=$(awk '$1 == "zswapped" { print $2 / 4096 }' $cg/memory.stat)
	else
		pages=$(($(cat $cg/memory.swap.current) / 4096))
	fi
	sw=$(swapped)
	st=$(cat $vs/stat 2>/dev/null | tr '\n' ' ')
	kill -USR1 $pid 2>/dev/null
	wait $pid || die "memverify failed: $(cat /tmp/meta.out)"
	rmdir $cg
	# vswap's figure is all it has mapped while the workload holds its
	# pages, the only ones swapped: the growth alone would leave out
	# the spare tables and map pages an earlier case left behind
	echo "META case=$case pages=$pages zswap_entry=$((z1 - z0)) xa_nodes=$((x1 - x0))" \
		"vswap=$v1 vswap_before=$v0 swap_pages=$sw" \
		"per_page=$(awk -v p="$pages" -v b=$((z1 - z0 + x1 - x0 + v1)) \
			'BEGIN { printf "%.1f", p ? b / p : 0 }')"
	echo "# vswap: $st"
}

one zswap compressible Y
one tier random N
awk '$1 == "zswap_entry" || $1 == "radix_tree_node" { print "# slab", $1, "objsize", $4 }' /proc/slabinfo
