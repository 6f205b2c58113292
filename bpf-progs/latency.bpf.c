// SPDX-License-Identifier: GPL-2.0
/*
 * latency: a latency-sensitive cgroup's pages stay in compressed memory,
 * the cgroups around it absorb the pressure on disk.
 *
 * A fault on a zswap page costs a decompression, microseconds; a fault on a
 * tier page costs a disk read, up to milliseconds behind other cgroups'
 * writes.  Attach the policy to a cgroup above both the sensitive cgroup
 * and the ones it shares memory with, and name the sensitive one with the
 * `protect` knob (swapctl takes a cgroup path for it).
 *
 * The protected cgroup:
 *   place(), compressed()  zswap, however poorly the page compresses.
 *   writeback()  nothing: its entries are not written back to disk.  The
 *                kernel overrules a policy that answers nothing again and
 *                again while only this cgroup is over a limit, so set no
 *                memory.zswap.max on it that its working set outgrows.
 *   swapin()     a page that reached a tier anyway (zswap refused it) gives
 *                its tier copy up when it is read back, so that its next
 *                trip out goes to zswap again.
 *
 * Every other cgroup under the policy:
 *   place()      zswap, or straight to the slowest tier with others_zswap 0.
 *   compressed() a page compressing worse than `max_len` bytes goes to the
 *                slowest tier: pool space is kept for the protected cgroup.
 *   writeback()  `batch` entries at a time (default 256, the most), the
 *                oldest, to the slowest tier: when the shared pool is full,
 *                zswap's shrinker finds nothing to take from the protected
 *                cgroup and takes it from these, in large writes.
 *   swapin()     built-in.
 *
 * Knobs:
 *   protect      cgroup id of the latency-sensitive cgroup (0: none; every
 *                cgroup is then treated as "other")
 *   others_zswap 1: other cgroups use zswap first (default); 0: they go
 *                straight to the slowest tier
 *   max_len      others' pages compressing to more bytes go to the slowest
 *                tier (default 2048)
 *   batch        others' entries per writeback, 1..256 (default 256)
 */
#include "swap_ext.bpf.h"

char _license[] SEC("license") = "GPL";

const volatile u64 protect;
const volatile u32 others_zswap = 1;
const volatile u32 max_len = 2048;
const volatile u32 batch = SWAP_EXT_WB_MAX_BATCH;

struct latency_stats {
	u64 protected_place;	/* protected pages leaving memory */
	u64 protected_wb_spared;/* writebacks of protected entries refused */
	u64 protected_tier_reads;/* protected pages read back from a tier */
	u64 others_place;	/* other cgroups' pages leaving memory */
	u64 others_to_tier;	/* ... sent to the slowest tier by the policy */
	u64 others_wb_calls;	/* writebacks of other cgroups' entries */
	u64 others_wb_entries;	/* entries they asked for */
};

SWAP_EXT_STATS(struct latency_stats);

static __always_inline bool is_protected(u64 cgroup_id)
{
	return protect && cgroup_id == protect;
}

SEC("struct_ops/place")
s32 BPF_PROG(latency_place, struct swap_ext_place_args *args)
{
	struct latency_stats *s = swap_ext_stats();
	s32 slow;

	if (is_protected(args->cgroup_id)) {
		if (s)
			s->protected_place++;
		return SWAP_EXT_ZSWAP;
	}
	if (s)
		s->others_place++;
	slow = swap_ext_slowest_tier();
	if (others_zswap || slow < 0)
		return SWAP_EXT_ZSWAP;
	if (s)
		s->others_to_tier++;
	args->tier = slow;
	return SWAP_EXT_TIER;
}

SEC("struct_ops/compressed")
s32 BPF_PROG(latency_compressed, struct swap_ext_place_args *args)
{
	s32 slow;

	if (is_protected(args->cgroup_id) || args->compressed_len <= max_len)
		return SWAP_EXT_ZSWAP;
	slow = swap_ext_slowest_tier();
	if (slow < 0)
		return SWAP_EXT_ZSWAP;
	swap_ext_stat_inc(others_to_tier);
	args->tier = slow;
	return SWAP_EXT_TIER;
}

SEC("struct_ops/writeback")
s32 BPF_PROG(latency_writeback, struct swap_ext_wb_args *args)
{
	struct latency_stats *s = swap_ext_stats();
	u32 nr = batch ? batch : 1;
	s32 slow;

	if (is_protected(args->cgroup_id)) {
		args->nr = 0;
		if (s)
			s->protected_wb_spared++;
		return 0;
	}
	slow = swap_ext_slowest_tier();
	args->nr = nr < args->max_batch ? nr : args->max_batch;
	if (slow >= 0)
		args->tier = slow;
	if (s) {
		s->others_wb_calls++;
		s->others_wb_entries += args->nr;
	}
	return 0;
}

SEC("struct_ops/swapin")
s32 BPF_PROG(latency_swapin, struct swap_ext_swapin_args *args)
{
	if (!is_protected(args->cgroup_id))
		return SWAP_EXT_DEFAULT;
	swap_ext_stat_inc(protected_tier_reads);
	return SWAP_EXT_DROP;
}

SEC(".struct_ops.link")
struct swap_ext_ops latency_ops = {
	.place		= (void *)latency_place,
	.compressed	= (void *)latency_compressed,
	.writeback	= (void *)latency_writeback,
	.swapin		= (void *)latency_swapin,
	.name		= "latency",
};
