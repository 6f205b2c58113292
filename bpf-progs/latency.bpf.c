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
 * Headroom (optional, `headroom_kib`): a protected cgroup that reaches its
 * memory.high is throttled, and one at memory.max reclaims in its own
 * faults; either way its tail latency is its own reclaim.  With a
 * headroom, a bpf_timer starts a bpf_wq every `reclaim_ms`, whose work
 * calls bpf_swap_ext_reclaim() to keep the protected cgroup between half
 * the headroom and all of it below the lower of its two limits: once the
 * cgroup is closer than half the headroom, one call takes it back down to
 * the whole headroom, so that reclaim runs in batches of about half the
 * headroom rather than a few pages a period (each call pays reclaim's
 * fixed cost).  The pages it reclaims go to zswap as above, off the
 * faulting task's path.  The timer starts with the first attachment and
 * stops at exit(), or after 100 checks in a row that the kernel refused
 * (the protected cgroup removed, or not under the policy).  While a check
 * finds the cgroup below half the headroom the period doubles, up to 8x;
 * while reclaim finds nothing to take, up to 256x; a batch reclaimed
 * brings it back to `reclaim_ms`.
 *
 * Knobs:
 *   protect      cgroup id of the latency-sensitive cgroup (0: none; every
 *                cgroup is then treated as "other")
 *   others_zswap 1: other cgroups use zswap first (default); 0: they go
 *                straight to the slowest tier
 *   max_len      others' pages compressing to more bytes go to the slowest
 *                tier (default 2048)
 *   batch        others' entries per writeback, 1..256 (default 256)
 *   headroom_kib keep the protected cgroup half this to this far below
 *                its limit (default 0: no reclaim ahead of the limit)
 *   reclaim_ms   how often the headroom is checked (default 5, at least 1)
 *   protect_wb   1: the protected cgroup's entries are not written back
 *                (default); 0: writeback() and swapin() leave its pages to
 *                the built-in policy, and the protection is the headroom
 */
#include "swap_ext.bpf.h"

char _license[] SEC("license") = "GPL";

const volatile u64 protect;
const volatile u32 others_zswap = 1;
const volatile u32 max_len = 2048;
const volatile u32 batch = SWAP_EXT_WB_MAX_BATCH;
const volatile u64 headroom_kib;
const volatile u64 reclaim_ms = 5;
const volatile u32 protect_wb = 1;

struct latency_stats {
	u64 protected_place;	/* protected pages leaving memory */
	u64 protected_wb_spared;/* writebacks of protected entries refused */
	u64 protected_tier_reads;/* protected pages read back from a tier */
	u64 protected_wb_deferred;/* its writebacks left to the built-in (protect_wb 0) */
	u64 others_place;	/* other cgroups' pages leaving memory */
	u64 others_to_tier;	/* ... sent to the slowest tier by the policy */
	u64 others_wb_calls;	/* writebacks of other cgroups' entries */
	u64 others_wb_entries;	/* entries they asked for */
	u64 reclaim_calls;	/* headroom checks that reclaimed */
	u64 reclaimed;		/* pages they reclaimed */
	u64 reclaim_failed;	/* checks refused or finding nothing */
};

SWAP_EXT_STATS(struct latency_stats);

/* Reclaim ahead of the protected cgroup's limit: a timer and its work */
struct latency_tick {
	struct bpf_timer timer;
};

struct latency_work {
	struct bpf_wq wq;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct latency_tick);
} timer SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct latency_work);
} work SEC(".maps");

/* Set by the first attachment, cleared by exit(); the timer re-arms on it */
static bool running;

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
		if (!protect_wb) {
			if (s)
				s->protected_wb_deferred++;
			return SWAP_EXT_WB_DEFER;
		}
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
	if (!is_protected(args->cgroup_id) || !protect_wb)
		return SWAP_EXT_DEFAULT;
	swap_ext_stat_inc(protected_tier_reads);
	return SWAP_EXT_DROP;
}

/* Most pages one headroom check reclaims: enough for a fault burst */
#define LATENCY_RECLAIM_MAX	1024

/* Refusals in a row (-ENOENT, -EPERM) after which the headroom work stops */
#define LATENCY_MAX_REFUSED	100

/* Most doublings of the period while reclaim finds nothing to take */
#define LATENCY_MAX_BACKOFF	8

/* Most doublings of the period while the cgroup is within its headroom */
#define LATENCY_MAX_IDLE	3

/* Headroom checks refused in a row, and the period's current doublings */
static u32 refused, backoff;

/* The work: sleepable, outside any op */
static int latency_work_fn(void *map, int *key, void *value)
{
	struct latency_stats *s = swap_ext_stats();
	s64 ret;

	/*
	 * Past half the headroom?  This takes a first bite (reclaim's least,
	 * SWAP_CLUSTER_MAX pages) if so; the second call reclaims the rest of
	 * the batch.
	 */
	ret = bpf_swap_ext_reclaim(protect, 1, headroom_kib * 512);
	if (ret > 0) {
		s64 more = bpf_swap_ext_reclaim(protect, LATENCY_RECLAIM_MAX,
						headroom_kib * 1024);

		if (more > 0)
			ret += more;
	}
	if (ret >= 0) {
		refused = 0;
		/* a batch taken: back to reclaim_ms; within the headroom: slower */
		if (ret)
			backoff = 0;
		else if (backoff < LATENCY_MAX_IDLE)
			backoff++;
		else
			backoff = LATENCY_MAX_IDLE;
	} else if (ret == -1 /* EPERM */ || ret == -2 /* ENOENT */) {
		/* the cgroup is gone or not ours: stop, until attached again */
		if (++refused >= LATENCY_MAX_REFUSED)
			running = false;
	} else if (ret == -11 /* EAGAIN */ && backoff < LATENCY_MAX_BACKOFF) {
		backoff++;
	}
	if (!s || !ret)
		return 0;
	if (ret > 0) {
		s->reclaim_calls++;
		s->reclaimed += ret;
	} else {
		s->reclaim_failed++;
	}
	return 0;
}

/*
 * The period, doubled while the cgroup is within its headroom or reclaim
 * finds nothing to take
 */
static __always_inline u64 latency_period_ns(void)
{
	return SWAP_EXT_MS(reclaim_ms ?: 1) << backoff;
}

/* The timer: starts the work, then re-arms */
static int latency_timer_fn(void *map, int *key, struct latency_tick *t)
{
	u32 zero = 0;
	struct latency_work *w;

	if (!running)
		return 0;
	w = bpf_map_lookup_elem(&work, &zero);
	if (w)
		bpf_wq_start(&w->wq, 0);
	bpf_timer_start(&t->timer, latency_period_ns(), 0);
	return 0;
}

SEC("struct_ops/cgroup_attach")
s32 BPF_PROG(latency_cgroup_attach, struct swap_ext_cgroup_args *args)
{
	u32 zero = 0;
	struct latency_tick *t = bpf_map_lookup_elem(&timer, &zero);
	struct latency_work *w = bpf_map_lookup_elem(&work, &zero);
	int err;

	/* attach and detach run one at a time (swap_ext_mutex) */
	if (!protect || !headroom_kib || running)
		return 0;
	refused = 0;
	backoff = 0;
	if (!t || !w)
		return -2;	/* ENOENT */
	err = bpf_wq_init(&w->wq, &work, 0);
	if (err && err != -16 /* EBUSY: initialised before */)
		return err;
	err = bpf_wq_set_callback(&w->wq, latency_work_fn, 0);
	if (err)
		return err;
	err = bpf_timer_init(&t->timer, &timer, 1 /* CLOCK_MONOTONIC */);
	if (err && err != -16)
		return err;
	err = bpf_timer_set_callback(&t->timer, latency_timer_fn);
	if (err)
		return err;
	err = bpf_timer_start(&t->timer, latency_period_ns(), 0);
	if (!err)
		running = true;
	return err;
}

SEC("struct_ops/exit")
void BPF_PROG(latency_exit, struct swap_ext_exit_info *info)
{
	u32 zero = 0;
	struct latency_tick *t = bpf_map_lookup_elem(&timer, &zero);

	running = false;
	if (t)
		bpf_timer_cancel(&t->timer);
}

SEC(".struct_ops.link")
struct swap_ext_ops latency_ops = {
	.place		= (void *)latency_place,
	.compressed	= (void *)latency_compressed,
	.writeback	= (void *)latency_writeback,
	.swapin		= (void *)latency_swapin,
	.cgroup_attach	= (void *)latency_cgroup_attach,
	.exit		= (void *)latency_exit,
	.name		= "latency",
};
