// SPDX-License-Identifier: GPL-2.0
/*
 * sx_test: a swap_ext policy whose every answer is a knob, for the
 * selftests.  Each op counts its calls and arguments in the stats map and
 * returns what its knob says, valid or not: the tests set the knobs with
 * swapctl attach -s and check that the kernel does what the verdict says,
 * or ejects the policy when the verdict is invalid.
 *
 * Knobs (defaults: the built-in policy everywhere):
 *   place_verdict       place()'s verdict (SWAP_EXT_*; anything else too)
 *   place_tier          its tier: a swap type, or -1 fastest, -2 slowest
 *   compressed_over     compressed(): entries bigger than this many bytes
 *                       get compressed_verdict/compressed_tier (0: off)
 *   compressed_verdict, compressed_tier   (tier as for place_tier)
 *   swapin_verdict      swapin()'s verdict
 *   promote_on_swapin   1: swapin() moves the entry to the fastest tier
 *   wb_nr               writeback(): entries per call (0: built-in)
 *   wb_max              1: writeback() asks for max_batch entries, always
 *   wb_nothing          1: writeback() asks for no entry at all
 *   wb_spare_cgroup     writeback() asks for no entry for this cgroup id
 *   wb_tier             its tier (-1 fastest, -2 slowest, -3 built-in)
 *   wb_defer            1: writeback() answers SWAP_EXT_WB_DEFER, after
 *                       writing nr 0 (which the kernel must discard)
 *   wb_min_age_ms       its minimum age
 *   error_at            place() calls bpf_swap_ext_error() on call N
 *   invalid_every       N: every Nth place() returns 42, an invalid verdict
 *   promote_probe       N: every 8th swapin() asks bpf_swap_ext_promote()
 *                       to move N entries near its own (other cgroups' or
 *                       free ones among them) and four that cannot exist,
 *                       and counts the answers
 *   probe_usage         N: place() reads the cgroup's zswap and tier pages
 *                       (bpf_swap_ext_cgroup_pages) and checks that there
 *                       are N tiers, each with slots (bpf_swap_ext_tier)
 *   init_ret, attach_ret   what init() and cgroup_attach() return
 *   expect_cgroup       count place() calls for any other cgroup
 *
 * Hostile but legal (the watchdog tests): no invalid verdict, so only the
 * watchdog can stop them.
 *   place_spin          N: place() spins N bpf_loop() rounds per call
 *   swapin_garbage      N: swapin() asks bpf_swap_ext_promote() to move N
 *                       random values, and counts the answers
 */
#include "swap_ext.bpf.h"

char _license[] SEC("license") = "GPL";

const volatile u32 place_verdict = SWAP_EXT_DEFAULT;
const volatile s32 place_tier = -2;
const volatile u32 compressed_over;
const volatile u32 compressed_verdict = SWAP_EXT_TIER;
const volatile s32 compressed_tier = -2;
const volatile u32 swapin_verdict = SWAP_EXT_DEFAULT;
const volatile u32 promote_on_swapin;
const volatile u32 wb_nr;
const volatile u32 wb_max;
const volatile u32 wb_nothing;
const volatile u32 wb_defer;
const volatile u64 wb_spare_cgroup;
const volatile s32 wb_tier = -3;
const volatile u32 wb_min_age_ms;
const volatile u32 error_at;
const volatile u32 invalid_every;
const volatile u32 promote_probe;
const volatile u32 probe_usage;
const volatile u64 expect_cgroup;
const volatile s32 init_ret;
const volatile s32 attach_ret;
const volatile u32 place_spin;
const volatile u32 swapin_garbage;

struct sx_test_stats {
	u64 init;		/* init() calls */
	u64 exit;		/* exit() calls */
	u64 exit_kind;		/* the last exit()'s info->kind */
	u64 exit_op;		/* ... its info->op + 1 (0: none) */
	u64 attach;		/* cgroup_attach() calls */
	u64 detach;		/* cgroup_detach() calls */
	u64 place;		/* place() calls */
	u64 place_shmem;	/* ... for shmem folios */
	u64 place_was_phys;	/* ... for folios with a tier copy */
	u64 compressed;		/* compressed() calls */
	u64 compressed_over;	/* ... sent away for their size */
	u64 compressed_bytes;	/* sum of compressed_len */
	u64 writeback;		/* writeback() calls */
	u64 wb_limit;		/* ... for memory.zswap.max */
	u64 wb_pool;		/* ... for the global pool limit */
	u64 wb_shrink;		/* ... from the shrinker */
	u64 wb_spared;		/* ... answered nothing for wb_spare_cgroup */
	u64 swapin;		/* swapin() calls */
	u64 promoted;		/* bpf_swap_ext_promote() accepted */
	u64 promote_failed;	/* ... refused */
	u64 foreign;		/* place() calls not for expect_cgroup */
	u64 usage_zswap;	/* most zswap pages seen (probe_usage) */
	u64 usage_phys;		/* most tier pages seen (probe_usage) */
	u64 usage_errors;	/* bpf_swap_ext_cgroup_pages() errors */
	u64 tier_errors;	/* not probe_usage tiers, or one without slots */
	u64 probe_ok;		/* promote_probe: neighbours accepted */
	u64 probe_eperm;	/* ... refused as another cgroup's */
	u64 probe_enoent;	/* ... refused as free or not virtual */
	u64 probe_other;	/* ... refused otherwise (-EBUSY, -ENOMEM) */
	u64 garbage_ok;		/* impossible entries accepted: must stay 0 */
	u64 garbage_refused;	/* impossible entries refused */
	u64 spun;		/* place_spin: bpf_loop() rounds run */
	u64 random_ok;		/* swapin_garbage: random values accepted */
	u64 random_refused;	/* ... refused */
};

SWAP_EXT_STATS(struct sx_test_stats);

static u32 nr_place;
static u32 nr_invalid;

/* place_spin: one round of busy work */
static long spin_one(u64 index, u64 *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return 0;
}

SEC("struct_ops/place")
s32 BPF_PROG(sx_place, struct swap_ext_place_args *args)
{
	struct sx_test_stats *s = swap_ext_stats();

	if (s) {
		s->place++;
		if (args->flags & SWAP_EXT_PLACE_SHMEM)
			s->place_shmem++;
		if (args->flags & SWAP_EXT_PLACE_WAS_PHYS)
			s->place_was_phys++;
		if (expect_cgroup && args->cgroup_id != expect_cgroup)
			s->foreign++;
	}
	if (probe_usage && s) {
		s64 z = bpf_swap_ext_cgroup_pages(args->cgroup_id, SWAP_EXT_BACKEND_ZSWAP);
		s64 p = bpf_swap_ext_cgroup_pages(args->cgroup_id, SWAP_EXT_BACKEND_PHYS);
		struct swap_ext_tier t;

		if (z < 0 || p < 0)
			s->usage_errors++;
		if (z > (s64)s->usage_zswap)
			s->usage_zswap = z;
		if (p > (s64)s->usage_phys)
			s->usage_phys = p;
		if (bpf_swap_ext_nr_tiers() != probe_usage ||
		    bpf_swap_ext_tier(probe_usage - 1, &t) || !t.slots ||
		    !bpf_swap_ext_tier(probe_usage, &t))
			s->tier_errors++;
	}
	if (place_spin) {
		u64 x = args->entry | 1;
		long n = bpf_loop(place_spin, spin_one, &x, 0);

		if (s && n > 0)
			s->spun += n;
	}
	if (error_at && __sync_add_and_fetch(&nr_place, 1) == error_at)
		bpf_swap_ext_error("sx_test: error_at reached");
	if (invalid_every && __sync_add_and_fetch(&nr_invalid, 1) % invalid_every == 0)
		return 42;
	if (place_verdict == SWAP_EXT_TIER)
		args->tier = swap_ext_tier_of(place_tier);
	return place_verdict;
}

SEC("struct_ops/compressed")
s32 BPF_PROG(sx_compressed, struct swap_ext_place_args *args)
{
	struct sx_test_stats *s = swap_ext_stats();

	if (s) {
		s->compressed++;
		s->compressed_bytes += args->compressed_len;
	}
	if (!compressed_over || args->compressed_len <= compressed_over)
		return SWAP_EXT_DEFAULT;
	if (s)
		s->compressed_over++;
	if (compressed_verdict == SWAP_EXT_TIER)
		args->tier = swap_ext_tier_of(compressed_tier);
	return compressed_verdict;
}

SEC("struct_ops/writeback")
s32 BPF_PROG(sx_writeback, struct swap_ext_wb_args *args)
{
	struct sx_test_stats *s = swap_ext_stats();

	if (s) {
		s->writeback++;
		if (args->reason == SWAP_EXT_WB_LIMIT)
			s->wb_limit++;
		else if (args->reason == SWAP_EXT_WB_POOL)
			s->wb_pool++;
		else
			s->wb_shrink++;
	}
	if (wb_nr)
		args->nr = wb_nr;
	if (wb_max)
		args->nr = args->max_batch;
	if (wb_spare_cgroup && args->cgroup_id == wb_spare_cgroup) {
		args->nr = 0;
		if (s)
			s->wb_spared++;
	}
	if (wb_nothing)
		args->nr = 0;
	if (wb_tier != -3)
		args->tier = swap_ext_tier_of(wb_tier);
	args->min_age_ns = (u64)wb_min_age_ms * 1000000;
	if (wb_defer) {
		args->nr = 0;
		return SWAP_EXT_WB_DEFER;
	}
	return SWAP_EXT_WB_APPLY;
}

/* Entries that cannot be live: slot 0, past any device, other types */
static const u64 garbage[] = {
	0, ~0ULL, 0xdeadbeefdeadbeefULL, (1ULL << 58) - 1,
};

static u32 probe_seed = 2463534242;

/* xorshift32: the neighbours promote_probe tries */
static u32 probe_next(void)
{
	u32 x = probe_seed;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	probe_seed = x;
	return x;
}

static void promote_probes(struct sx_test_stats *s, u64 entry)
{
	s32 fast = swap_ext_fastest_tier();
	u32 i;

	if (fast < 0)
		return;
	for (i = 0; i < promote_probe && i < 64; i++) {
		u32 r = probe_next();
		u64 e = (r & 1) ? entry + 1 + (r >> 1) % 4096 :
				  entry - 1 - (r >> 1) % 4096;
		s32 err = bpf_swap_ext_promote(e, fast);

		if (!err)
			s->probe_ok++;
		else if (err == -1)	/* -EPERM */
			s->probe_eperm++;
		else if (err == -2)	/* -ENOENT */
			s->probe_enoent++;
		else
			s->probe_other++;
	}
	for (i = 0; i < 4; i++) {
		if (!bpf_swap_ext_promote(garbage[i], fast))
			s->garbage_ok++;
		else
			s->garbage_refused++;
	}
}

SEC("struct_ops/swapin")
s32 BPF_PROG(sx_swapin, struct swap_ext_swapin_args *args)
{
	struct sx_test_stats *s = swap_ext_stats();

	if (s)
		s->swapin++;
	if (promote_probe && s && s->swapin % 8 == 1)
		promote_probes(s, args->entry);
	if (swapin_garbage && s) {
		u32 i;

		for (i = 0; i < swapin_garbage && i < 64; i++) {
			u64 e = (u64)probe_next() << 32 | probe_next();

			if (bpf_swap_ext_promote(e, (s32)(probe_next() % 40) - 4))
				s->random_refused++;
			else
				s->random_ok++;
		}
	}
	if (promote_on_swapin) {
		s32 fast = swap_ext_fastest_tier();

		if (fast >= 0 && fast != args->tier &&
		    !bpf_swap_ext_promote(args->entry, fast)) {
			if (s)
				s->promoted++;
		} else if (s) {
			s->promote_failed++;
		}
	}
	return swapin_verdict;
}

SEC("struct_ops.s/cgroup_attach")
s32 BPF_PROG(sx_cgroup_attach, struct swap_ext_cgroup_args *args)
{
	swap_ext_stat_inc(attach);
	return attach_ret;
}

SEC("struct_ops.s/cgroup_detach")
void BPF_PROG(sx_cgroup_detach, struct swap_ext_cgroup_args *args)
{
	swap_ext_stat_inc(detach);
}

SEC("struct_ops.s/init")
s32 BPF_PROG(sx_init)
{
	swap_ext_stat_inc(init);
	return init_ret;
}

SEC("struct_ops.s/exit")
void BPF_PROG(sx_exit, struct swap_ext_exit_info *info)
{
	struct sx_test_stats *s = swap_ext_stats();

	if (s) {
		s->exit++;
		s->exit_kind = info->kind;
		s->exit_op = info->op + 1;
	}
}

SEC(".struct_ops.link")
struct swap_ext_ops sx_test = {
	.place		= (void *)sx_place,
	.compressed	= (void *)sx_compressed,
	.writeback	= (void *)sx_writeback,
	.swapin		= (void *)sx_swapin,
	.cgroup_attach	= (void *)sx_cgroup_attach,
	.cgroup_detach	= (void *)sx_cgroup_detach,
	.init		= (void *)sx_init,
	.exit		= (void *)sx_exit,
	.name		= "sx_test",
};
