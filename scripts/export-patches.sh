#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Regenerate patches/ from a kernel worktree holding our hook changes.
#
#   scripts/export-patches.sh [WORKTREE]      (default build/ktree)
#
# Make the worktree with scripts/ktree.sh (from patches/), or once by hand:
#   git -C build/src/linux worktree add ../../ktree -b vswap pristine
# and edit the hooks there (not in build/src/linux, which 'make' owns).
# The changes are split into one patch per topic below, each a git-format
# patch with a mail header; patches/series lists them.
#
# Layers, so that several patches can touch the same file: the vswap
# hooks (0001-0006) are the commit tagged 'vswap-hooks' on top of
# 'pristine', the swap_ext hooks (0007-0009) the commit tagged
# 'swap_ext-hooks' on top of that, the zswap index (0010) the commit
# tagged 'index-hooks' on top of that, the accounting (0011) the commit
# tagged 'acct-hooks' on top of that, large folios (0012) the commit
# tagged 'large-hooks' on top of that, synchronous tiers (0013) the commit
# tagged 'sync-hooks' on top of that, observability (0014-0015) the
# commit tagged 'obs-hooks' on top of that, proactive work (0016-0017)
# the commit tagged 'pro-hooks' on top of that, context for decisions
# (0018-0021) the commit tagged 'ctx-hooks' on top of that, and cost
# (0022-) the uncommitted changes on top of that.  To change a hook of an inner
# layer: git stash, rebase -i to edit its commit, move its tag (and the
# tags above it) with git tag -f, git stash pop.

set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
wt=${1:-$top/build/ktree}
out=$top/patches

# patch name | subject | files | layer (vswap: pristine..vswap-hooks,
# swap_ext: vswap-hooks..swap_ext-hooks, index: swap_ext-hooks..index-hooks,
# acct: index-hooks..acct-hooks, large: acct-hooks..large-hooks,
# sync: large-hooks..sync-hooks, obs: sync-hooks..obs-hooks,
# pro: obs-hooks..pro-hooks, ctx: pro-hooks..ctx-hooks,
# cost: ctx-hooks..worktree)
topics=(
"0001-mm-vswap-add-CONFIG_VSWAP-and-SWP_VIRTUAL.patch|mm: vswap: add CONFIG_VSWAP and SWP_VIRTUAL|mm/Kconfig mm/Makefile include/linux/swap.h Documentation/admin-guide/kernel-parameters.txt|vswap"
"0002-mm-vswap-per-backend-counters-in-vmstat-and-memory.stat.patch|mm: vswap: per-backend counters in vmstat and memory.stat|include/linux/mmzone.h include/linux/vm_event_item.h mm/vmstat.c mm/memcontrol.c|vswap"
"0003-mm-swap_cgroup-maps-populated-on-demand.patch|mm: swap_cgroup: maps populated on demand|include/linux/swap_cgroup.h mm/swap_cgroup.c|vswap"
"0004-mm-swapfile-hooks-for-a-virtual-swap-device.patch|mm: swapfile: hooks for a virtual swap device|mm/swap.h mm/swapfile.c mm/swap_slots.c mm/swap_state.c|vswap"
"0005-mm-page_io-virtual-entries-go-through-vswap.patch|mm: page_io: virtual entries go through vswap|mm/page_io.c|vswap"
"0006-mm-zswap-write-back-through-vswap-batched-and-plugged.patch|mm: zswap: write back through vswap, batched and plugged|mm/zswap.c|vswap"
"0007-bpf-struct_ops-links-that-target-a-cgroup.patch|bpf: struct_ops links that target a cgroup|include/uapi/linux/bpf.h tools/include/uapi/linux/bpf.h include/linux/bpf.h kernel/bpf/bpf_struct_ops.c|swap_ext"
"0008-libbpf-bpf_map__attach_struct_ops_cgroup.patch|libbpf: bpf_map__attach_struct_ops_cgroup()|tools/lib/bpf/libbpf.c tools/lib/bpf/libbpf.h tools/lib/bpf/libbpf.map|swap_ext"
"0009-mm-swap_ext-BPF-swap-policies-per-memory-cgroup.patch|mm: swap_ext: BPF swap policies per memory cgroup|mm/Kconfig mm/Makefile include/linux/memcontrol.h mm/memcontrol.c include/linux/zswap.h mm/zswap.c|swap_ext"
"0010-mm-zswap-virtual-entries-are-indexed-by-their-descriptor.patch|mm: zswap: virtual entries are indexed by their descriptor|mm/zswap.c|index"
"0011-mm-vswap-swap-figures-count-the-backends-not-the-virtual-space.patch|mm: vswap: swap figures count the backends, not the virtual space|include/linux/swap.h mm/swapfile.c include/linux/zswap.h mm/zswap.c|acct"
"0012-mm-vswap-large-folios-leave-memory-whole.patch|mm: vswap: large folios leave memory whole|mm/swap.h mm/swapfile.c mm/page_io.c include/linux/swap.h|large"
"0013-mm-vswap-synchronous-tiers-keep-the-swap-cache-bypass.patch|mm: vswap: synchronous tiers keep the swap-cache bypass|mm/swap.h mm/memory.c mm/page_io.c mm/swapfile.c|sync"
"0014-bpf-struct_ops-link-info-carries-the-cgroup-id.patch|bpf: struct_ops link info carries the cgroup id|include/uapi/linux/bpf.h tools/include/uapi/linux/bpf.h kernel/bpf/bpf_struct_ops.c tools/bpf/bpftool/link.c|obs"
"0015-mm-swap_ext-per-cgroup-policy-counters-in-memory.stat.patch|mm: swap_ext: per-cgroup policy counters in memory.stat|include/linux/vm_event_item.h mm/vmstat.c mm/memcontrol.c|obs"
"0016-bpf-struct_ops-tell-whether-a-program-belongs-to-a-map.patch|bpf: struct_ops: tell whether a program belongs to a map|include/linux/bpf.h kernel/bpf/bpf_struct_ops.c|pro"
"0017-mm-zswap-write-back-a-cgroup-s-old-entries-on-request.patch|mm: zswap: write back a cgroup's old entries on request|include/linux/zswap.h mm/zswap.c|pro"
"0018-mm-zswap-tell-swap_ext-about-pages-that-do-not-compress.patch|mm: zswap: tell swap_ext about pages that do not compress|mm/zswap.c|ctx"
"0019-mm-swap_ext-count-proactive-reclaim-in-memory.stat.patch|mm: swap_ext: count proactive reclaim in memory.stat|include/linux/vm_event_item.h mm/vmstat.c mm/memcontrol.c|ctx"
"0020-mm-page_io-tier-reads-of-virtual-folios-go-in-sector-order.patch|mm: page_io: tier reads of virtual folios go in sector order|mm/page_io.c|ctx"
"0021-mm-swapfile-free-a-range-of-swap-entries-a-cluster-at-a-time.patch|mm: swapfile: free a range of swap entries a cluster at a time|mm/swapfile.c|ctx"
"0022-mm-swapfile-group-freed-slots-by-device-in-one-pass.patch|mm: swapfile: group freed slots by device in one pass|mm/swapfile.c|cost"
)

body() {
	case $1 in
	0001*) cat <<'M'
A virtual swap device is a swap_info_struct with SWP_VIRTUAL set: no
block device, no extents, a sparse swap_map.  mm/vswap.c implements it;
vswap= and vswap_size= choose its state and size at boot.
M
	;;
	0002*) cat <<'M'
Gauges of virtual slots per backend (zero, zswap, tier, folio) as node
stats, so that /proc/vmstat and memory.stat show them, and events for
tier slot allocation and release, moves off a tier and pages kept in
memory for lack of a backend.
M
	;;
	0003*) cat <<'M'
swap_cgroup_swapon() allocates a map page per 2048 slots up front.  A
virtual swap space far larger than RAM cannot afford that: let it
allocate the pointer array only, populate pages as clusters come into
use and free them again once the slots they cover are all free.
M
	;;
	0004*) cat <<'M'
Route allocation to vswap while it is on, release backends at the
places that already invalidate zswap entries (moved out of si->lock in
__try_to_reclaim_swap(), since releasing a tier slot takes the tier's
locks), retire emptied virtual clusters, skip unmapped parts of the
sparse swap_map, move tier data off a tier at its swapoff, keep
readahead within a cluster, name the device in /proc/swaps, keep the
virtual device off the allocation lists (the stock allocator would hand
out its slots before vswap knows they are virtual, and after), and split
sys_swapoff() so vswap can swap off its own device.  The helpers at the
end reach what is private to swapfile.c.
M
	;;
	0005*) cat <<'M'
swap_writepage() and swap_read_folio() hand virtual folios to vswap,
which resolves the descriptor; I/O to a tier goes to the tier slot the
descriptor names.  is_folio_zero_filled() is shared with vswap.
M
	;;
	0006*) cat <<'M'
For a virtual entry, zswap writeback allocates the tier slot before it
decompresses and points the descriptor at it afterwards; the PTE keeps
the virtual entry.  Shrinking walks vswap's batch of entries per step
under one plug, so consecutive slots merge into large writes.  With no
tier, zswap neither counts objects for its shrinker nor queues its
worker: there is nowhere to write to.
M
	;;
	0007*) cat <<'M'
A struct_ops link made with BPF_F_CGROUP_FD in link_create.flags
takes link_create.target_fd as a cgroup fd and keeps a reference on
that cgroup; the struct_ops' reg() and unreg() find it with
bpf_struct_ops_link_cgroup() until the link is detached (a detached
link, even a pinned one, does not keep a removed cgroup alive).  fdinfo
shows its id.  Without the flag nothing changes, and flags the link
does not know are refused; without CONFIG_CGROUPS the flag is refused
with -EOPNOTSUPP.
M
	;;
	0008*) cat <<'M'
Attach a struct_ops map to a cgroup: like bpf_map__attach_struct_ops(),
with the cgroup fd as the link's target.
M
	;;
	0009*) cat <<'M'
CONFIG_SWAP_EXT, the policy pointers a memory cgroup carries (the one
attached to it and the effective one, its own or its nearest
ancestor's), the calls that keep them right as cgroups come and go,
memory.swap.policy naming the effective policy, and the places in
zswap that ask the policy: after compression, and before a writeback
batch, which then reports what it wrote back (the watchdog ejects a
policy whose batches write nothing, a full tier's, for too long).  A
policy may spare young entries: the store time is kept in 16 bits in
the padding after zswap_entry.referenced, so the entry does not grow.
M
	;;
	0010*) cat <<'M'
A virtual slot's vswap descriptor has room for a pointer: let it hold
the zswap entry, and let zswap's store, load, invalidate and writeback
find virtual entries there instead of in the virtual device's xarrays.
A page in zswap then costs no xarray node, and the descriptor changes
once per transition (zswap store, load into the swap cache, writeback
to a tier slot) instead of alongside an xarray update.  Entries of swap
devices keep their xarrays.
M
	;;
	0011*) cat <<'M'
The virtual device is address space, not storage, yet its 16x RAM of
slots entered nr_swap_pages and total_swap_pages: SwapTotal, CommitLimit
and oom_score counted it, vm_swap_full() was never true, and reclaim
scanned anon pages with no backend to put them in.  Count the virtual
device's free slots apart (swap_free_counter()), leave it out of
total_swap_pages (swap_dev_pages()), and while vswap is on let
total_swap_pages, get_nr_swap_pages() and vm_swap_full() ask vswap,
which reports its backends: the tiers, or zswap's pool limit when there
is no tier.  Readers of the figures are unchanged.  zswap_max_pages()
is shared with vswap for that.  The figures stay inline, as on stock
(include/linux/vswap_figures.h): get_nr_swap_pages() is read on every
swap-out and refault, and modules call it (i915, msm), so
__total_swap_pages is exported, as nr_swap_pages is.
M
	;;
	0012*) cat <<'M'
vswap gave large folios no virtual slots, so reclaim split every THP
and mTHP before swap-out.  Let the virtual device hand out runs of
slots of a folio's order (it has clusters, but no block device), and
let a folio whose tier slots are not contiguous go out in one bio per
run of contiguous slots, chained to the folio's bio, instead of being
split: swap_alloc_slots() takes an order, swap_entry_sector() maps one
slot, and the bio writers call vswap_bio_scatter() before submitting.
M
	;;
	0014*) cat <<'M'
A struct_ops link made with BPF_F_CGROUP_FD targets a cgroup, and its
fdinfo says which, but BPF_OBJ_GET_INFO_BY_FD did not: bpftool link show
could not tell two links of one policy apart.  Add cgroup_id to
bpf_link_info.struct_ops (0 for a link without a cgroup; the id stays
after the link is detached, as in fdinfo) and let bpftool print it.
M
	;;
	0015*) cat <<'M'
What swap_ext policies decide for a cgroup was visible only per policy
(/sys/kernel/mm/swap_ext/policies, the policies' own maps), not per
cgroup.  Count, as vm events that memory.stat and /proc/vmstat show, the
calls of each op and the verdicts that change what happens to a page:
place() zswap/tier/keep, compressed() tier/keep, swapin() drop, and
writeback() answers the kernel overruled.  mm/swap_ext.c counts them.
M
	;;
	0016*) cat <<'M'
swap_ext's proactive kfuncs (zswap writeback, moves between tiers) act
only for the cgroups of the policy that calls them.  A policy calls them
from its bpf_wq callbacks, which run outside any of its ops, so the
subsystem cannot tell which policy it is; 6.12 has no way to pass a kfunc
its calling program.  The kfunc finds the (sub)program from its return
address with bpf_prog_ksym_find(); bpf_struct_ops_has_prog() then says
whether that program is one of a struct_ops map's (a subprogram shares
its main program's aux->func array).
M
	;;
	0017*) cat <<'M'
zswap writes entries back when a store goes over a limit or when its
shrinker runs: in reply to pressure.  A swap_ext policy may also want a
cgroup's idle entries on disk before pressure comes (zram's idle
writeback, Android's writeback when the device is idle).  Add
zswap_writeback_memcg(): up to nr entries of a cgroup and its
descendants, stored at least min_age ago, oldest first, plugged.  Age
alone decides: the walk skips the second-chance rotation.
M
	;;
	0018*) cat <<'M'
A page zswap refuses because it does not compress goes to a tier by
priority, and the next time it leaves memory it is compressed again, to
be refused again.  A swap_ext policy that hears of the refusal can place
such pages on a tier first.  Note in the entry what the compressor
produced when the pool had no room for it (zswap's reject_compress_poor)
and hand it to swap_ext_compress_refused(), which asks the policy's
compressed() op, flagged; its TIER or KEEP is honoured, anything else
keeps stock's behaviour.
M
	;;
	0019*) cat <<'M'
A swap_ext policy may reclaim a cgroup's memory ahead of its limit from
its own bpf_wq work (bpf_swap_ext_reclaim()), so that a latency-sensitive
cgroup's faults do not reclaim or get throttled themselves.  memory.stat
counted the pages it reclaims only among direct reclaim's: count them
apart, as swap_ext_proactive_reclaim, next to the pages written back and
moved on a policy's request.  mm/swap_ext.c counts them.
M
	;;
	0020*) cat <<'M'
Swap readahead reads a window of neighbouring slots under one plug, and
on a stock device the plug merges their reads.  The tier slots behind a
window of virtual slots are not contiguous when its pages reached the
tier at different times (at reclaim, or later from zswap), and reads
submitted in virtual order alternate between runs of sectors that a
plug, which only tries the request added last, never merges.  Let
vswap hold a virtual folio's tier read until the plug is flushed and
submit the held reads in sector order (vswap_submit_read()).
M
	;;
	0021*) cat <<'M'
free_swap_and_cache_nr() frees a batch of entries (the swap PTEs that
zap_pte_range() found contiguous) with one cluster lock and one
swap_entry_range_free(), but only when the batch lies in one cluster;
a batch that crosses into the next cluster is freed entry by entry,
each through the swap slot cache with its own swap cgroup uncharge and
swap cache walk.  On a stock device the allocator seldom hands out
adjacent clusters one after the other, so batches rarely cross one; the
virtual device activates its clusters side by side, eight at a time,
and there a process exiting with 30 MiB swapped out freed 7500 of its
entries one by one.  Free the range a cluster at a time, as later
kernels do (swap_entries_put_map_nr()).
M
	;;
	0022*) cat <<'M'
swapcache_free_entries() sorts each batch of freed slots by device
whenever more than one swap file exists, so that each device's lock is
taken once.  While vswap is on there always is more than one (the
virtual device and its tier, or a disk kept behind zswap), and sort()
costs some 19,500 instructions per batch of 64, 300 an entry, a third
of what freeing the entry costs on stock: for nothing when the batch is
the virtual device's alone (pages in zswap or zero), and in every batch
of tier-backed pages, whose tier and virtual slots alternate.  The
comparison looks at the device alone, so while vswap is on group the
batch with vswap_sort_entries() instead: a count per device and one
exchange per misplaced slot, nothing for a batch of one device.  With
vswap off, sort() as before.
M
	;;
	0013*) cat <<'M'
do_swap_page() skips the swap cache for an entry of a
SWP_SYNCHRONOUS_IO device (zram, brd, pmem) with one reference.  The
virtual device never has the flag: whether a virtual entry's data is on
a synchronous device depends on its descriptor.  Ask swap_synchronous()
instead, which asks vswap for a virtual entry; let swap_read_folio() read
a virtual folio out of the swap cache synchronously whatever backs it
(swap_read_synchronous()), since vswap's answer was a hint taken before
the fault owned the entry; and let swap_zeromap_batch() ask vswap which
virtual entries one read can fill, so that a large folio is swapped in
from a synchronous tier as from a stock device.  vswap keeps whether
some tier, and every tier, is synchronous; a swapoff that fails puts its
tier back, so tell vswap (vswap_tier_reinsert()) to count it again.
M
	;;
	esac
}

for t in vswap-hooks swap_ext-hooks index-hooks acct-hooks large-hooks sync-hooks obs-hooks \
	 pro-hooks ctx-hooks; do
	git -C "$wt" rev-parse -q --verify "refs/tags/$t" >/dev/null ||
		{ echo "export-patches: no tag $t in $wt" >&2; exit 1; }
done
rm -f "$out"/0*.patch
{
	echo "# Hook patches to existing 6.12 files, applied in order by"
	echo "# scripts/kernel-tree.sh over the pristine tree.  Regenerate with"
	echo "# scripts/export-patches.sh from a worktree (see that script)."
} >"$out/series"
for t in "${topics[@]}"; do
	IFS='|' read -r name subject files layer <<<"$t"
	case $layer in
	vswap)		range=(pristine vswap-hooks) ;;
	swap_ext)	range=(vswap-hooks swap_ext-hooks) ;;
	index)		range=(swap_ext-hooks index-hooks) ;;
	acct)		range=(index-hooks acct-hooks) ;;
	large)		range=(acct-hooks large-hooks) ;;
	sync)		range=(large-hooks sync-hooks) ;;
	obs)		range=(sync-hooks obs-hooks) ;;
	pro)		range=(obs-hooks pro-hooks) ;;
	ctx)		range=(pro-hooks ctx-hooks) ;;
	cost)		range=(ctx-hooks) ;;
	*)		echo "export-patches: unknown layer $layer" >&2; exit 1 ;;
	esac
	# shellcheck disable=SC2086
	if git -C "$wt" diff --quiet "${range[@]}" -- $files; then
		continue
	fi
	{
		echo "From: swap_ext developers <swap_ext@localhost>"
		echo "Subject: [PATCH] $subject"
		echo
		body "$name"
		echo
		echo "Signed-off-by: swap_ext developers <swap_ext@localhost>"
		echo "---"
		# shellcheck disable=SC2086
		git -C "$wt" diff --stat "${range[@]}" -- $files
		echo
		# shellcheck disable=SC2086
		git -C "$wt" diff "${range[@]}" -- $files
	} >"$out/$name"
	echo "$name" >>"$out/series"
done
# every changed file must belong to a topic
all=$(printf '%s\n' "${topics[@]}" | cut -d'|' -f3 | tr ' ' '\n' | sort -u)
changed=$(git -C "$wt" diff --name-only pristine | sort)
missing=$(comm -23 <(echo "$changed") <(echo "$all"))
[ -z "$missing" ] || { echo "export-patches: no topic for: $missing" >&2; exit 1; }
cat "$out/series" | grep -v '^#'
