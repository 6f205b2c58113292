// SPDX-License-Identifier: GPL-2.0
/*
 * tiered: zswap first, cold pages to the slowest tier in batches, pages
 * that keep coming back from it promoted to the fastest tier.
 *
 * Three levels, fastest first: zswap (a fault costs a decompression), the
 * fastest tier, the slowest tier.  A page enters at the top and sinks as it
 * stays cold; one that is faulted back from the bottom again and again is
 * lifted.
 *
 *   place()       zswap for every page.  A page zswap does not take (the
 *                 pool or memory.zswap.max full with nothing old enough to
 *                 write back, a compression error) goes to the fastest
 *                 tier, by priority: it was just reclaimed, it is not known
 *                 to be cold.
 *   writeback()   when zswap must make room, `batch` entries at a time, the
 *                 oldest first, none younger than `min_age_ms`, all to the
 *                 slowest tier.  Disk sees fewer and larger writes than the
 *                 built-in one entry per store, and an entry stored a moment
 *                 ago, the likeliest to be faulted back, stays compressed.
 *   swapin()      counts, per entry, the reads from the slowest tier; at the
 *                 `promote_after`-th, it moves the entry's tier copy to the
 *                 fastest tier (bpf_swap_ext_promote()): its next fault is
 *                 cheaper, and reclaiming it again needs no write while it
 *                 is clean.  The counts live in an LRU hash of 16384
 *                 entries: a page that has not come back for a long time
 *                 starts again from zero.
 *
 * With one tier, fastest and slowest are the same and nothing is promoted.
 * The virtual swap entry identifies a page across its trips out and in, as
 * long as it keeps its swap slot; a page that is freed and swapped out
 * again is a new entry.
 *
 * Knobs:
 *   batch           entries per writeback, 1..256 (default 64)
 *   min_age_ms      entries younger than this stay in zswap (default 250)
 *   promote_after   reads from the slowest tier that promote (default 2;
 *                   0: never)
 */
#include "swap_ext.bpf.h"

char _license[] SEC("license") = "GPL";

const volatile u32 batch = 64;
const volatile u32 min_age_ms = 250;
const volatile u32 promote_after = 2;

struct tiered_stats {
	u64 place;		/* pages offered to zswap */
	u64 wb_calls;		/* writeback() calls */
	u64 wb_entries;		/* entries they asked for */
	u64 wb_no_tier;		/* writebacks left to the built-in: no tier */
	u64 swapin_fast;	/* pages read back from another tier */
	u64 swapin_slow;	/* pages read back from the slowest tier */
	u64 promoted;		/* entries moved to the fastest tier */
	u64 promote_failed;	/* moves the kernel refused (queue full) */
};

SWAP_EXT_STATS(struct tiered_stats);

/* Reads from the slowest tier, per virtual swap entry */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, u64);
	__type(value, u32);
} hot SEC(".maps");

SEC("struct_ops/place")
s32 BPF_PROG(tiered_place, struct swap_ext_place_args *args)
{
	swap_ext_stat_inc(place);
	return SWAP_EXT_ZSWAP;
}

SEC("struct_ops/writeback")
s32 BPF_PROG(tiered_writeback, struct swap_ext_wb_args *args)
{
	struct tiered_stats *s = swap_ext_stats();
	s32 slow = swap_ext_slowest_tier();
	u32 nr = batch ? batch : 1;

	if (slow < 0) {
		/* no tier: zswap cannot write back anyway */
		if (s)
			s->wb_no_tier++;
		return 0;
	}
	args->nr = nr < args->max_batch ? nr : args->max_batch;
	args->tier = slow;
	args->min_age_ns = SWAP_EXT_MS(min_age_ms);
	if (s) {
		s->wb_calls++;
		s->wb_entries += args->nr;
	}
	return 0;
}

SEC("struct_ops/swapin")
s32 BPF_PROG(tiered_swapin, struct swap_ext_swapin_args *args)
{
	struct tiered_stats *s = swap_ext_stats();
	s32 fast, slow = swap_ext_slowest_tier();
	u32 one = 1, *reads;
	u64 entry = args->entry;

	if (args->tier != slow) {
		if (s)
			s->swapin_fast++;
		return SWAP_EXT_DEFAULT;
	}
	if (s)
		s->swapin_slow++;
	fast = swap_ext_fastest_tier();
	if (!promote_after || fast < 0 || fast == slow)
		return SWAP_EXT_DEFAULT;

	reads = bpf_map_lookup_elem(&hot, &entry);
	if (!reads) {
		bpf_map_update_elem(&hot, &entry, &one, BPF_NOEXIST);
		if (promote_after > 1)
			return SWAP_EXT_DEFAULT;
	} else if (__sync_add_and_fetch(reads, 1) < promote_after) {
		return SWAP_EXT_DEFAULT;
	}

	if (!bpf_swap_ext_promote(entry, fast)) {
		bpf_map_delete_elem(&hot, &entry);
		if (s)
			s->promoted++;
	} else if (s) {
		s->promote_failed++;
	}
	return SWAP_EXT_DEFAULT;
}

SEC(".struct_ops.link")
struct swap_ext_ops tiered_ops = {
	.place		= (void *)tiered_place,
	.writeback	= (void *)tiered_writeback,
	.swapin		= (void *)tiered_swapin,
	.name		= "tiered",
};
