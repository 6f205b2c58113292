// SPDX-License-Identifier: GPL-2.0
/*
 * default: the kernel's built-in swap policy, written as a policy.
 *
 * What vswap does when no policy is attached, spelled out op by op, so that
 * a new policy can start from it and its stats show what the built-in
 * policy is asked:
 *
 *   place()       every page goes to zswap first; a page zswap does not
 *                 take (zswap off, the pool full, a compression error)
 *                 goes to a tier in priority order.
 *   compressed()  zswap keeps whatever it compressed.
 *   writeback()   when a store goes over memory.zswap.max or the global
 *                 pool limit, one entry is written back per store, the
 *                 oldest; zswap's shrinker writes back what reclaim asks
 *                 it to scan.  Either goes to the tiers in priority order,
 *                 whatever the entries' age.
 *   swapin()      a page read back from a tier keeps its tier copy while it
 *                 stays in the swap cache, so that reclaiming it again
 *                 while it is clean costs no write.
 *
 * Attached anywhere, the cgroups under it behave as with no policy at all:
 * make check's policy_default test runs one workload both ways and
 * compares.  Zero-filled pages never reach a policy.
 *
 * Knobs: none.
 */
#include "swap_ext.bpf.h"

char _license[] SEC("license") = "GPL";

struct default_stats {
	u64 place;		/* place() calls: pages leaving memory */
	u64 compressed;		/* compressed() calls: pages zswap compressed */
	u64 compressed_bytes;	/* their compressed size, summed */
	u64 wb_calls;		/* writeback() calls */
	u64 wb_entries;		/* entries they asked for */
	u64 swapin;		/* pages read back from a tier */
};

SWAP_EXT_STATS(struct default_stats);

SEC("struct_ops/place")
s32 BPF_PROG(default_place, struct swap_ext_place_args *args)
{
	swap_ext_stat_inc(place);
	return SWAP_EXT_ZSWAP;
}

SEC("struct_ops/compressed")
s32 BPF_PROG(default_compressed, struct swap_ext_place_args *args)
{
	struct default_stats *s = swap_ext_stats();

	if (s) {
		s->compressed++;
		s->compressed_bytes += args->compressed_len;
	}
	return SWAP_EXT_ZSWAP;
}

SEC("struct_ops/writeback")
s32 BPF_PROG(default_writeback, struct swap_ext_wb_args *args)
{
	struct default_stats *s = swap_ext_stats();

	/* the shrinker's scan size arrives as max_batch; a limit takes one */
	args->nr = args->reason == SWAP_EXT_WB_SHRINK ? args->max_batch : 1;
	args->tier = -1;
	args->min_age_ns = 0;
	if (s) {
		s->wb_calls++;
		s->wb_entries += args->nr;
	}
	return 0;
}

SEC("struct_ops/swapin")
s32 BPF_PROG(default_swapin, struct swap_ext_swapin_args *args)
{
	swap_ext_stat_inc(swapin);
	return SWAP_EXT_DEFAULT;
}

SEC(".struct_ops.link")
struct swap_ext_ops default_ops = {
	.place		= (void *)default_place,
	.compressed	= (void *)default_compressed,
	.writeback	= (void *)default_writeback,
	.swapin		= (void *)default_swapin,
	.name		= "default",
};
