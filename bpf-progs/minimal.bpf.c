// SPDX-License-Identifier: GPL-2.0
/*
 * minimal: the smallest useful policy, the example of
 * Documentation/bpf/swap_ext-writing-policies.rst.
 *
 * A cgroup may keep up to `zswap_max_mb` of its swapped-out pages in zswap;
 * past that, its pages go straight to the fastest tier.  (zswap's own
 * memory.zswap.max counts compressed bytes and writes old entries back to
 * make room; this counts pages, and sends new ones past zswap instead.)
 *
 * Knobs:
 *   zswap_max_mb   MiB of swapped-out pages a cgroup keeps in zswap
 *                  (default 16)
 */

/* vmlinux.h, libbpf's helpers, the kfuncs and the stats map helpers */
#include "swap_ext.bpf.h"

/* The kfuncs are GPL-only */
char _license[] SEC("license") = "GPL";

/*
 * A knob: const volatile puts it in .rodata, which swapctl attach -s
 * zswap_max_mb=N sets before the program is loaded; the verifier then
 * knows its value.
 */
const volatile u32 zswap_max_mb = 16;

/* swapctl stats prints the u64 members of the map called "stats" */
struct minimal_stats {
	u64 zswap;		/* pages sent to zswap */
	u64 tier;		/* pages sent past it, to the fastest tier */
};

SWAP_EXT_STATS(struct minimal_stats);

/*
 * place() runs in reclaim, once per page leaving memory, and may not
 * sleep.  args->cgroup_id is the cgroup the page is charged to: the one
 * the policy is attached to, or one below it.
 */
SEC("struct_ops/place")
s32 BPF_PROG(minimal_place, struct swap_ext_place_args *args)
{
	s64 in_zswap = bpf_swap_ext_cgroup_pages(args->cgroup_id,
						 SWAP_EXT_BACKEND_ZSWAP);
	s32 tier;

	if (in_zswap < 0 || in_zswap < (s64)zswap_max_mb * 256) {
		swap_ext_stat_inc(zswap);
		return SWAP_EXT_ZSWAP;
	}

	/*
	 * SWAP_EXT_TIER needs args->tier, the only field place() may write:
	 * the swap type of a tier.  Without a tier, answer what the
	 * built-in policy would: any other value ejects the policy.
	 */
	tier = swap_ext_fastest_tier();
	if (tier < 0)
		return SWAP_EXT_DEFAULT;
	swap_ext_stat_inc(tier);
	args->tier = tier;
	return SWAP_EXT_TIER;
}

/*
 * The ops the kernel calls.  One left out is the built-in policy; name
 * is what memory.swap.policy and swapctl list show.  .struct_ops.link
 * makes it attachable with a link (bpftool struct_ops register, swapctl
 * attach).
 */
SEC(".struct_ops.link")
struct swap_ext_ops minimal_ops = {
	.place	= (void *)minimal_place,
	.name	= "minimal",
};
