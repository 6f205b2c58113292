// SPDX-License-Identifier: GPL-2.0
/*
 * sx_context: what place() and compressed() learn about a page, counted.
 *
 *   place()       counts calls by folio order and by flag, and checks that
 *                 the fields agree with each other (nr_pages == 1 << order,
 *                 the reserved fields zero, no REFUSED flag); it answers
 *                 DEFAULT.
 *   compressed()  counts calls, and refusals (SWAP_EXT_PLACE_REFUSED) and
 *                 those that came with less than a page; a refused page goes
 *                 to `refused_tier` when that knob is set (a tier as for
 *                 swap_ext_tier_of()), else the op answers DEFAULT.
 *
 * Knobs: refused_tier  0: DEFAULT; else the tier refused pages go to
 */
#include "swap_ext.bpf.h"

char _license[] SEC("license") = "GPL";

const volatile s32 refused_tier;

struct sx_context_stats {
	u64 place;		/* place() calls */
	u64 place_large;	/* ... for a large folio (order > 0) */
	u64 place_order4;	/* ... for a 64K folio */
	u64 place_shmem;	/* ... with SWAP_EXT_PLACE_SHMEM */
	u64 place_workingset;	/* ... with SWAP_EXT_PLACE_WORKINGSET */
	u64 place_bad;		/* ... whose fields disagree */
	u64 compressed;		/* compressed() calls */
	u64 refused;		/* ... with SWAP_EXT_PLACE_REFUSED */
	u64 refused_short;	/* ... and a length under a page */
	u64 refused_tiered;	/* refusals sent to refused_tier */
};

SWAP_EXT_STATS(struct sx_context_stats);

SEC("struct_ops/place")
s32 BPF_PROG(sx_context_place, struct swap_ext_place_args *args)
{
	struct sx_context_stats *s = swap_ext_stats();

	if (!s)
		return SWAP_EXT_DEFAULT;
	s->place++;
	if (args->order)
		s->place_large++;
	if (args->order == 4)
		s->place_order4++;
	if (args->flags & SWAP_EXT_PLACE_SHMEM)
		s->place_shmem++;
	if (args->flags & SWAP_EXT_PLACE_WORKINGSET)
		s->place_workingset++;
	if (args->order > 9 || args->nr_pages != 1U << args->order ||
	    args->compressed_len || args->__reserved0 || args->__reserved[0] ||
	    args->__reserved[1] || (args->flags & SWAP_EXT_PLACE_REFUSED))
		s->place_bad++;
	return SWAP_EXT_DEFAULT;
}

SEC("struct_ops/compressed")
s32 BPF_PROG(sx_context_compressed, struct swap_ext_place_args *args)
{
	struct sx_context_stats *s = swap_ext_stats();
	s32 t;

	if (!s)
		return SWAP_EXT_DEFAULT;
	s->compressed++;
	if (!(args->flags & SWAP_EXT_PLACE_REFUSED))
		return SWAP_EXT_DEFAULT;
	s->refused++;
	if (args->compressed_len < 4096)
		s->refused_short++;
	if (!refused_tier)
		return SWAP_EXT_DEFAULT;
	t = swap_ext_tier_of(refused_tier);
	if (t < 0)
		return SWAP_EXT_DEFAULT;
	s->refused_tiered++;
	args->tier = t;
	return SWAP_EXT_TIER;
}

SEC(".struct_ops.link")
struct swap_ext_ops sx_context_ops = {
	.place		= (void *)sx_context_place,
	.compressed	= (void *)sx_context_compressed,
	.name		= "sx_context",
};
