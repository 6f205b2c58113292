/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What every swap_ext policy includes: vmlinux.h, libbpf's helpers, the
 * swap_ext kfuncs, and a few helpers for stats maps and knobs.
 *
 * A policy defines its ops with SEC("struct_ops/<op>") programs and one
 * SEC(".struct_ops.link") struct swap_ext_ops, so that it attaches with a
 * link (bpftool struct_ops register, swapctl attach).  The ops' arguments
 * and verdicts are documented in include/linux/swap_ext.h.
 */
#ifndef __SWAP_EXT_BPF_H
#define __SWAP_EXT_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

/* Any op: tiers, a cgroup's usage, giving up */
extern s32 bpf_swap_ext_nr_tiers(void) __ksym;
extern s32 bpf_swap_ext_tier(u32 idx, struct swap_ext_tier *tier) __ksym;
extern s64 bpf_swap_ext_cgroup_pages(u64 cgroup_id, u32 backend) __ksym;
extern void bpf_swap_ext_error(const char *msg__str) __ksym;

/* Non-sleepable ops: move an entry to another tier (-1: into memory) */
extern s32 bpf_swap_ext_promote(u64 entry, s32 tier) __ksym;

/*
 * Proactive work, from a policy's bpf_wq callbacks or a syscall program
 * (not from an op): write back a cgroup's zswap entries older than an age,
 * move its pages from one tier to another (-1: into memory), reclaim its
 * memory down to a headroom below its limit (0: nr pages).  At most
 * SWAP_EXT_PROACTIVE_MAX pages a call.
 */
extern s64 bpf_swap_ext_writeback(u64 cgroup_id, u32 nr, u64 min_age_ns,
				  s32 tier) __ksym;
extern s64 bpf_swap_ext_move(u64 cgroup_id, s32 from, s32 to, u32 nr) __ksym;
extern s64 bpf_swap_ext_reclaim(u64 cgroup_id, u32 nr, u64 headroom) __ksym;
#define SWAP_EXT_PROACTIVE_MAX	4096

/* 6.12's bpf_wq (not in vmlinux.h): work that may sleep, from a timer */
extern int bpf_wq_init(struct bpf_wq *wq, void *p__map, unsigned int flags) __weak __ksym;
extern int bpf_wq_start(struct bpf_wq *wq, unsigned int flags) __weak __ksym;
extern int bpf_wq_set_callback_impl(struct bpf_wq *wq,
		int (callback_fn)(void *map, int *key, void *value),
		unsigned int flags__k, void *aux__ign) __ksym;
#define bpf_wq_set_callback(wq, cb, flags) \
	bpf_wq_set_callback_impl(wq, cb, flags, NULL)

/* The swap type of the slowest (lowest priority) tier, or -1 */
static __always_inline s32 swap_ext_slowest_tier(void)
{
	struct swap_ext_tier t;
	s32 n = bpf_swap_ext_nr_tiers();

	if (n <= 0 || n > 32)
		return -1;
	if (bpf_swap_ext_tier(n - 1, &t))
		return -1;
	return t.type;
}

/* The swap type of the fastest (highest priority) tier, or -1 */
static __always_inline s32 swap_ext_fastest_tier(void)
{
	struct swap_ext_tier t;

	if (bpf_swap_ext_tier(0, &t))
		return -1;
	return t.type;
}

/* Most entries one writeback() may ask for (include/linux/swap_ext.h) */
#define SWAP_EXT_WB_MAX_BATCH	256

/* Tier knobs: a swap type, or one of these */
#define SWAP_EXT_FASTEST	(-1)
#define SWAP_EXT_SLOWEST	(-2)

/* The swap type a tier knob names (-1 if there is no tier) */
static __always_inline s32 swap_ext_tier_of(s32 knob)
{
	if (knob == SWAP_EXT_FASTEST)
		return swap_ext_fastest_tier();
	if (knob == SWAP_EXT_SLOWEST)
		return swap_ext_slowest_tier();
	return knob;
}

/* Nanoseconds in @ms milliseconds */
#define SWAP_EXT_MS(ms)		((u64)(ms) * 1000000ULL)

/*
 * A per-CPU array of one struct as a policy's statistics: swapctl stats
 * prints its u64 members through its BTF, summed over CPUs.
 */
#define SWAP_EXT_STATS(stats_type)					\
	typedef stats_type swap_ext_stats_t;				\
	struct {							\
		__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);		\
		__uint(max_entries, 1);					\
		__type(key, u32);					\
		__type(value, stats_type);				\
	} stats SEC(".maps")

/* This CPU's stats (NULL only if the map lookup fails, which it does not) */
#define swap_ext_stats()						\
	({								\
		u32 __zero = 0;						\
		(swap_ext_stats_t *)bpf_map_lookup_elem(&stats, &__zero); \
	})

#define swap_ext_stat_inc(field)					\
	do {								\
		swap_ext_stats_t *__s = swap_ext_stats();		\
		if (__s)						\
			__s->field++;					\
	} while (0)

#endif /* __SWAP_EXT_BPF_H */
