// SPDX-License-Identifier: GPL-2.0
/*
 * sx_random: a swap_ext policy that answers at random, for the lifecycle
 * fuzzer (selftests/tests/stress.c).  Every op picks among its legal
 * answers - verdicts, tiers that exist or not, batch sizes, ages - and, now
 * and then, an invalid one that must get it ejected; every op also calls
 * the kfuncs with random arguments: promote() on entries near its own and
 * on garbage, cgroup_pages() on random cgroups and backends, tier() past
 * the last tier.  Whatever it does, the kernel must stay correct and only
 * the policy may suffer.
 *
 * Knobs:
 *   invalid_permille   per-mille of answers that are invalid (default 2)
 *   error_permille     per-mille of calls that call bpf_swap_ext_error()
 *                      (default 0)
 *   keep_pct           percent of place() answers that are KEEP (default 5)
 */
#include "swap_ext.bpf.h"

char _license[] SEC("license") = "GPL";

const volatile u32 invalid_permille = 2;
const volatile u32 error_permille;
const volatile u32 keep_pct = 5;

struct sx_random_stats {
	u64 calls;		/* op calls */
	u64 invalid;		/* invalid answers given */
	u64 promote_ok;		/* promote() accepted */
	u64 promote_err;	/* promote() refused */
	u64 kfunc_err;		/* other kfuncs' errors */
	u64 exit_kind;		/* exit()'s info->kind */
};

SWAP_EXT_STATS(struct sx_random_stats);

static __always_inline u32 rnd(u32 n)
{
	return n ? bpf_get_prandom_u32() % n : 0;
}

static __always_inline bool permille(u32 p)
{
	return p && rnd(1000) < p;
}

/* A tier: a real one mostly, or a swap type that may not be one */
static __always_inline s32 some_tier(void)
{
	switch (rnd(4)) {
	case 0:
		return swap_ext_fastest_tier();
	case 1:
		return swap_ext_slowest_tier();
	default:
		return rnd(4);
	}
}

/* The kfuncs with random arguments; their errors are counted */
static __always_inline void poke(struct sx_random_stats *s, u64 cgroup_id)
{
	struct swap_ext_tier t;

	if (bpf_swap_ext_cgroup_pages(rnd(2) ? cgroup_id : rnd(100000), rnd(6)) < 0)
		s->kfunc_err++;
	if (bpf_swap_ext_tier(rnd(40), &t))
		s->kfunc_err++;
}

static __always_inline struct sx_random_stats *enter(u64 cgroup_id)
{
	struct sx_random_stats *s = swap_ext_stats();

	if (!s)
		return NULL;
	s->calls++;
	poke(s, cgroup_id);
	if (permille(error_permille))
		bpf_swap_ext_error("sx_random: error_permille");
	return s;
}

static __always_inline s32 place_verdict(struct sx_random_stats *s,
					 struct swap_ext_place_args *args)
{
	u32 r = rnd(100);

	if (permille(invalid_permille)) {
		if (s)
			s->invalid++;
		if (rnd(2))
			return 40 + rnd(10);
		args->tier = -5 - rnd(100);
		return SWAP_EXT_TIER;
	}
	if (r < keep_pct)
		return SWAP_EXT_KEEP;
	if (r < 40)
		return SWAP_EXT_DEFAULT;
	if (r < 70)
		return SWAP_EXT_ZSWAP;
	args->tier = some_tier();
	/* no tier at all: TIER would be invalid */
	return args->tier >= 0 ? SWAP_EXT_TIER : SWAP_EXT_DEFAULT;
}

SEC("struct_ops/place")
s32 BPF_PROG(sr_place, struct swap_ext_place_args *args)
{
	return place_verdict(enter(args->cgroup_id), args);
}

SEC("struct_ops/compressed")
s32 BPF_PROG(sr_compressed, struct swap_ext_place_args *args)
{
	struct sx_random_stats *s = enter(args->cgroup_id);

	if (rnd(4))
		return SWAP_EXT_DEFAULT;
	return place_verdict(s, args);
}

SEC("struct_ops/writeback")
s32 BPF_PROG(sr_writeback, struct swap_ext_wb_args *args)
{
	struct sx_random_stats *s = enter(args->cgroup_id);

	if (permille(invalid_permille)) {
		if (s)
			s->invalid++;
		args->nr = args->max_batch + 1 + rnd(10);
		return 0;
	}
	args->nr = rnd(args->max_batch + 1);
	if (rnd(2))
		args->tier = some_tier();
	args->min_age_ns = rnd(3) ? 0 : (u64)rnd(2000) * 1000000;
	return 0;
}

SEC("struct_ops/swapin")
s32 BPF_PROG(sr_swapin, struct swap_ext_swapin_args *args)
{
	struct sx_random_stats *s = enter(args->cgroup_id);
	u32 i;

	for (i = 0; i < 4; i++) {
		u64 e = rnd(4) ? args->entry + (s64)rnd(64) - 32 :
				 (u64)bpf_get_prandom_u32() << 32 | bpf_get_prandom_u32();
		s32 err = bpf_swap_ext_promote(e, rnd(3) ? some_tier() : -1);

		if (s) {
			if (err)
				s->promote_err++;
			else
				s->promote_ok++;
		}
	}
	if (permille(invalid_permille)) {
		if (s)
			s->invalid++;
		return SWAP_EXT_ZSWAP;	/* not DEFAULT or DROP */
	}
	return rnd(4) ? SWAP_EXT_DEFAULT : SWAP_EXT_DROP;
}

SEC("struct_ops.s/exit")
void BPF_PROG(sr_exit, struct swap_ext_exit_info *info)
{
	struct sx_random_stats *s = swap_ext_stats();

	if (s)
		s->exit_kind = info->kind;
}

SEC(".struct_ops.link")
struct swap_ext_ops sx_random = {
	.place		= (void *)sr_place,
	.compressed	= (void *)sr_compressed,
	.writeback	= (void *)sr_writeback,
	.swapin		= (void *)sr_swapin,
	.exit		= (void *)sr_exit,
	.name		= "sx_random",
};
