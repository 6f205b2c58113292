#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What each of the swap path's functions costs, callees included: the
# guest side of a diagnosis, run by hand with scripts/vm.sh on each kernel
# in instruction-count mode, where a guest nanosecond is one instruction:
#
#   KERNEL=... ICOUNT=1 DISKS=1 scripts/vm.sh env FUNCS="f1 f2" \
#       selftests/bench/costs.sh
#
# For each function of FUNCS in turn, runs the bench's zero scenario once
# (as selftests/bench/calls.sh does) with a kprobe on its entry and one on
# its return, and sums, per task, the guest time from each entry to its
# return: the instructions the function and its callees ran, interrupts
# taken meanwhile, and the probes' own cost, which is the same per call on
# both kernels (compare a function whose calls match on both).  A sleep
# inside a function counts too (icount's clock jumps over idle time), so
# compare functions that do not sleep.  Prints per function its calls, its
# total in ms (millions of instructions), its mean per call in
# instructions, the run's cgroup CPU time and the probe hits left unpaired
# (an entry without its return or the reverse: a few at the edges of the
# recording; more mean missed probes, and a total to distrust).  One
# function at a time: nested probes would each add their cost to their
# callers.
#
#   FUNCS="..."  kernel functions (default: reclaim's and the fault's
#                swap work, top-level ones first)
#   FILL=KIND    memverify's data (default zero)
#   ZSWAP=N      zswap off: with FILL=random, the pages go to vda (the
#                disk, or ours' tier), as in the bench's useseq/disk

set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
FUNCS=${FUNCS:-shrink_folio_list handle_mm_fault add_to_swap swap_writepage \
__remove_mapping try_to_unmap do_swap_page swap_read_folio folio_free_swap \
free_swap_slot swapcache_free_entries exit_mmap}
# shellcheck source=selftests/bench/zero-run.sh
. "$top/selftests/bench/zero-run.sh"
zero_run_setup

cg=/sys/fs/cgroup/costs
printf '%-28s %8s %10s %10s %10s %8s\n' function calls total_ms per_call cg_usage_us unpaired
for f in $FUNCS; do
	perf probe -q -d 'probe:*' 2>/dev/null
	if ! perf probe -q -a "$f" 2>/dev/null || ! perf probe -q -a "$f%return" 2>/dev/null; then
		echo "costs: cannot probe $f: skipped"
		continue
	fi
	zero_run_cgroup "$cg"
	perf record -q -a -e "probe:$f" -e "probe:${f}__return" -o /tmp/costs.perf -- \
		sh -c "$(zero_run_cmd "$cg")" \
		>/tmp/costs-mv.out 2>&1 || { echo "costs: memverify failed:"; cat /tmp/costs-mv.out; exit 1; }
	usage=$(awk '$1 == "usage_usec" { print $2 }' "$cg/cpu.stat")
	rmdir "$cg"
	# per task (a call may sleep and resume on another CPU; an interrupt
	# returns before the task it interrupted goes on), a stack of entry
	# times: a return pops its entry.  A return with no entry (the call
	# began before the recording did) or an entry left without one is
	# counted as unpaired: more than a few mean missed probes.
	# (tid 0 is every CPU's idle task: keyed by its CPU instead)
	perf script -i /tmp/costs.perf -F tid,cpu,time,event --ns 2>/dev/null |
		awk -v f="$f" -v u="$usage" '
		{ gsub(/[\[\]]/, "", $2); sub(/:$/, "", $3); sub(/:$/, "", $4)
		  t = $3 * 1e9; id = $1 ? $1 : "cpu" $2
		  if ($4 ~ /__return$/) {
			if (d[id] > 0) { sum += t - s[id, d[id]--]; n++ } else lost++
		  } else
			s[id, ++d[id]] = t }
		END { for (id in d) lost += d[id]
		      printf "%-28s %8d %10.2f %10.0f %10d %8d\n", f, n, sum / 1e6,
			n ? sum / n : 0, u, lost }'
	rm -f /tmp/costs.perf
done
perf probe -q -d 'probe:*' 2>/dev/null
exit 0
