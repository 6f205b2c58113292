// SPDX-License-Identifier: GPL-2.0
/*
 * sx_proactive: the proactive kfuncs from both places they may be called.
 *
 * Syscall programs, run with swapctl run: wb writes back a cgroup's zswap
 * entries older than an age, move moves its pages from one tier to another
 * or into memory, reclaim reclaims its memory.  The arguments are the
 * kfuncs', the answer is in ret.
 *
 * A policy's bpf_wq callback: once attached, cgroup_attach() starts a bpf_wq
 * whose callback writes back (one entry at most) for the cgroup it was
 * attached to and for the `other` cgroup, and counts the answers in its
 * stats map: the kernel lets a policy act only for the cgroups whose chain
 * holds it.
 *
 * Knobs: other  a cgroup id the policy is not attached to
 */
#include "swap_ext.bpf.h"

char _license[] SEC("license") = "GPL";

const volatile u64 other;

struct sx_proactive_stats {
	u64 wq_runs;		/* callbacks run */
	u64 own_ok;		/* own cgroup: answers >= 0 */
	u64 own_eperm;		/* own cgroup: -EPERM */
	u64 own_other;		/* own cgroup: other errors */
	u64 other_ok;		/* the other cgroup: answers >= 0 */
	u64 other_eperm;	/* the other cgroup: -EPERM */
	u64 other_other;	/* the other cgroup: other errors */
};

SWAP_EXT_STATS(struct sx_proactive_stats);

struct wq_elem {
	struct bpf_wq wq;
	u64 cgroup_id;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct wq_elem);
} work SEC(".maps");

static int wq_fn(void *map, int *key, void *value)
{
	struct wq_elem *e = value;
	swap_ext_stats_t *s;
	s64 own, oth;

	own = bpf_swap_ext_writeback(e->cgroup_id, 1, 0, -1);
	oth = bpf_swap_ext_writeback(other, 1, 0, -1);
	s = swap_ext_stats();
	if (!s)
		return 0;
	s->wq_runs++;
	if (own >= 0 || own == -28 /* ENOSPC: no tier, but allowed */)
		s->own_ok++;
	else if (own == -1)
		s->own_eperm++;
	else
		s->own_other++;
	if (oth >= 0 || oth == -28)
		s->other_ok++;
	else if (oth == -1)
		s->other_eperm++;
	else
		s->other_other++;
	return 0;
}

SEC("struct_ops/cgroup_attach")
s32 BPF_PROG(sx_proactive_attach, struct swap_ext_cgroup_args *args)
{
	struct wq_elem *e;
	u32 zero = 0;

	e = bpf_map_lookup_elem(&work, &zero);
	if (!e)
		return 0;
	e->cgroup_id = args->cgroup_id;
	if (bpf_wq_init(&e->wq, &work, 0) || bpf_wq_set_callback(&e->wq, wq_fn, 0))
		return 0;
	bpf_wq_start(&e->wq, 0);
	return 0;
}

SEC(".struct_ops.link")
struct swap_ext_ops sx_proactive = {
	.cgroup_attach	= (void *)sx_proactive_attach,
	.name		= "sx_proactive",
};

/* swapctl run sx_proactive wb cgroup=CG nr=N min_age_ms=MS [tier=T] */
struct wb_args {
	u64 cgroup;
	u32 nr;
	s32 tier;		/* a tier knob: a swap type, fastest, slowest */
	u64 min_age_ms;
	s64 ret;		/* out: what bpf_swap_ext_writeback() said */
};

SEC("syscall")
int wb(struct wb_args *args)
{
	s32 tier = args->tier ? swap_ext_tier_of(args->tier) : -1;

	args->ret = bpf_swap_ext_writeback(args->cgroup, args->nr,
					   SWAP_EXT_MS(args->min_age_ms), tier);
	return 0;
}

/* swapctl run sx_proactive move cgroup=CG from=T to=T [to_memory=1] nr=N */
struct move_args {
	u64 cgroup;
	s32 from;		/* tier knobs */
	s32 to;
	u32 to_memory;		/* 1: to memory, not to a tier */
	u32 nr;
	s64 ret;		/* out: what bpf_swap_ext_move() said */
};

SEC("syscall")
int move(struct move_args *args)
{
	s32 to = args->to_memory ? -1 : swap_ext_tier_of(args->to);

	args->ret = bpf_swap_ext_move(args->cgroup, swap_ext_tier_of(args->from),
				      to, args->nr);
	return 0;
}

/* swapctl run sx_proactive reclaim cgroup=CG nr=N [headroom_kib=K] */
struct reclaim_args {
	u64 cgroup;
	u32 nr;
	u32 headroom_kib;
	s64 ret;		/* out: what bpf_swap_ext_reclaim() said */
};

SEC("syscall")
int reclaim(struct reclaim_args *args)
{
	args->ret = bpf_swap_ext_reclaim(args->cgroup, args->nr,
					 (u64)args->headroom_kib * 1024);
	return 0;
}
