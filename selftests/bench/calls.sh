#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# How often the swap path's functions run: the guest side of a diagnosis,
# run by hand with scripts/vm.sh on each kernel, to compare two kernels
# call by call where a profile's samples spread too much to tell:
#
#   KERNEL=... ICOUNT=1 DISKS=1 scripts/vm.sh env FUNCS="f1 f2" \
#       selftests/bench/calls.sh
#
# Runs the bench's zero scenario once (memverify, 64 MiB, 2 passes, in a
# cgroup with memory.max 32M, memory.high 24M and memory.zswap.max 4M;
# zswap on, vda as the disk or tier) under `perf stat -a`, with a kprobe
# (perf probe, no debug info needed) on each function of FUNCS, and
# prints the cgroup's CPU time, each function's calls and the slab and
# softirq events of the run.  A function that cannot be probed (inlined,
# static and folded) is reported and skipped.
#
#   FUNCS="..."  kernel functions to count (default: the swap cache's and
#                the slot allocator's entry points)
#   FILL=KIND    memverify's data (default zero)

set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
FUNCS=${FUNCS:-add_to_swap_cache delete_from_swap_cache clear_shadow_from_swap_cache \
folio_alloc_swap folio_free_swap free_swap_slot swapcache_free_entries \
do_swap_page swap_writepage swap_read_folio __mod_memcg_lruvec_state}
# shellcheck source=selftests/bench/zero-run.sh
. "$top/selftests/bench/zero-run.sh"
zero_run_setup

ev=()
for f in $FUNCS; do
	if perf probe -q -a "$f" 2>/dev/null; then
		ev+=(-e "probe:$f")
	else
		echo "calls: cannot probe $f: skipped"
	fi
done
cg=/sys/fs/cgroup/calls
zero_run_cgroup "$cg"
perf stat -a -x, -o /tmp/calls.stat "${ev[@]}" -e kmem:kmem_cache_alloc \
	-e kmem:kmem_cache_free -e irq:softirq_entry -- sh -c "$(zero_run_cmd "$cg")" \
	>/tmp/calls-mv.out 2>&1 || { echo "calls: memverify failed:"; cat /tmp/calls-mv.out; exit 1; }
grep usage_usec "$cg/cpu.stat"
grep -v '^#' /tmp/calls.stat | awk -F, 'NF > 2 { print $3, $1 }'
rmdir "$cg"
