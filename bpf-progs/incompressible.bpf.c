// SPDX-License-Identifier: GPL-2.0
/*
 * incompressible: pages that do not compress well skip zswap.
 *
 * zswap keeps a page in memory at its compressed size.  A page that
 * compresses to 3 KiB saves 1 KiB for a compression now and a
 * decompression at every fault, and holds pool space that pages
 * compressing to a few hundred bytes would use many times better.  This
 * policy sends such pages straight to a tier, and remembers them so that
 * their next trip out costs no compression either.
 *
 *   compressed()  a page whose compressed size is over `max_len` bytes goes
 *                 to tier `tier` instead of zswap, and its virtual entry is
 *                 remembered (an LRU hash of 65536 entries).  So does a
 *                 page zswap refused because it does not compress at all
 *                 (SWAP_EXT_PLACE_REFUSED, a length of a page or more).
 *   place()       with `remember` on, an entry found incompressible before
 *                 goes to the tier at once, without being compressed again:
 *                 the data of an anonymous page seldom changes its nature.
 *                 Every other page goes to zswap.
 *   writeback(), swapin()  built-in.
 *
 * zswap itself refuses a page that does not compress into less than a
 * page (random data, already compressed data), after a compression that
 * bought nothing; compressed() hears of it (swap_ext v2), and remembering
 * the entry spares the next one.  The pages in between, which compress,
 * but not by enough to be worth their pool space, take the same way.  A
 * tier that is full or gone when the page is written means the built-in
 * choice, zswap included.
 *
 * Knobs:
 *   max_len    compressed bytes above which a page goes to the tier
 *              (default 2048: worse than 2:1)
 *   tier       a swap type, -1 the fastest tier, -2 the slowest (default -1)
 *   remember   1: entries found incompressible skip compression next time
 *              (default 1)
 */
#include "swap_ext.bpf.h"

char _license[] SEC("license") = "GPL";

const volatile u32 max_len = 2048;
const volatile s32 tier = SWAP_EXT_FASTEST;
const volatile u32 remember = 1;

struct incompressible_stats {
	u64 place;		/* place() calls */
	u64 place_known;	/* ... sent to the tier, known incompressible */
	u64 compressed;		/* compressed() calls */
	u64 kept;		/* ... kept in zswap */
	u64 kept_bytes;		/* their compressed size, summed */
	u64 sent;		/* ... sent to the tier for their size */
	u64 sent_bytes;		/* their compressed size, summed */
	u64 refused;		/* ... of them refused by zswap */
	u64 no_tier;		/* incompressible, but there is no tier */
};

SWAP_EXT_STATS(struct incompressible_stats);

/* Entries found incompressible: the value is unused */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, u64);
	__type(value, u8);
} known SEC(".maps");

SEC("struct_ops/place")
s32 BPF_PROG(incompressible_place, struct swap_ext_place_args *args)
{
	struct incompressible_stats *s = swap_ext_stats();
	u64 entry = args->entry;
	s32 t;

	if (s)
		s->place++;
	if (!remember || !bpf_map_lookup_elem(&known, &entry))
		return SWAP_EXT_ZSWAP;
	t = swap_ext_tier_of(tier);
	if (t < 0)
		return SWAP_EXT_ZSWAP;
	if (s)
		s->place_known++;
	args->tier = t;
	return SWAP_EXT_TIER;
}

SEC("struct_ops/compressed")
s32 BPF_PROG(incompressible_compressed, struct swap_ext_place_args *args)
{
	struct incompressible_stats *s = swap_ext_stats();
	u64 entry = args->entry;
	u8 one = 1;
	s32 t;

	if (s)
		s->compressed++;
	if (args->compressed_len <= max_len) {
		if (s) {
			s->kept++;
			s->kept_bytes += args->compressed_len;
		}
		return SWAP_EXT_ZSWAP;
	}
	t = swap_ext_tier_of(tier);
	if (t < 0) {
		if (s)
			s->no_tier++;
		return SWAP_EXT_ZSWAP;
	}
	if (remember)
		bpf_map_update_elem(&known, &entry, &one, BPF_ANY);
	if (s) {
		s->sent++;
		s->sent_bytes += args->compressed_len;
		if (args->flags & SWAP_EXT_PLACE_REFUSED)
			s->refused++;
	}
	args->tier = t;
	return SWAP_EXT_TIER;
}

SEC(".struct_ops.link")
struct swap_ext_ops incompressible_ops = {
	.place		= (void *)incompressible_place,
	.compressed	= (void *)incompressible_compressed,
	.name		= "incompressible",
};
