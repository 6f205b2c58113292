// SPDX-License-Identifier: GPL-2.0
/*
 * idle: write back what a cgroup has not touched for a while, before
 * memory pressure asks for it.
 *
 * zswap keeps a page compressed until a limit or its shrinker pushes it to
 * a tier: under pressure, in the reclaim path of whoever allocates, a few
 * entries at a time.  A page that has been in zswap for `idle_ms` has not
 * been touched since it left memory (a fault would have taken it out of
 * zswap).  On a machine with a disk behind zswap it can go there now, in
 * the background and in large writes, and leave its pool space to pages
 * that will be needed again.  zram's idle writeback and Android's mmd do
 * the same for zram.
 *
 * Every `period_ms`, a bpf_timer starts a bpf_wq; the work (which may
 * sleep) calls bpf_swap_ext_writeback() for each cgroup the policy is
 * attached to: up to `batch` of its entries (and its descendants') that
 * were stored at least `idle_ms` ago, oldest first, to `tier`.  The kernel
 * lets the policy act only for cgroups whose policy chain holds it.
 * cgroup_attach() and cgroup_detach() keep the list of cgroups; the first
 * attachment starts the timer, exit() stops it.
 *
 * A period that writes nothing back doubles the next one, up to 8x
 * `period_ms` but no longer than a quarter of `idle_ms` (so an entry goes
 * at most a quarter of its idle age late); a period that writes something
 * brings it back to `period_ms`.  A cgroup whose zswap holds nothing idle
 * then costs a wakeup every few periods, not every one.
 *
 * The placement ops are left out: every decision defers to the policy of
 * the cgroup's parent or to the built-in one, so idle composes with any
 * policy above it.
 *
 * The same writeback on request, for one cgroup, is the syscall program
 * writeback_idle:
 *     swapctl run idle writeback_idle cgroup=/sys/fs/cgroup/job nr=4096
 *
 * Knobs:
 *   period_ms  how often the work runs (default 1000, at least 10; up to
 *              8x longer while nothing is idle)
 *   idle_ms    entries stored at least this long ago go (default 30000)
 *   batch      most entries per cgroup per period, 1..4096 (default 1024)
 *   tier       tier to write to: a swap type, fastest (default) or slowest
 */
#include "swap_ext.bpf.h"

char _license[] SEC("license") = "GPL";

const volatile u64 period_ms = 1000;
const volatile u64 idle_ms = 30000;
const volatile u32 batch = 1024;
const volatile s32 tier = SWAP_EXT_FASTEST;

/* Most cgroups one instance of the policy serves */
#define IDLE_MAX_CGROUPS	64
/* Most doublings of the period while nothing is idle: 8x */
#define IDLE_MAX_BACKOFF	3
/* Longest period, whatever period_ms says: a day */
#define IDLE_MAX_PERIOD_MS	(24ULL * 3600 * 1000)

struct idle_stats {
	u64 periods;		/* runs of the periodic work */
	u64 empty;		/* of them, runs that wrote nothing back */
	u64 calls;		/* bpf_swap_ext_writeback() calls */
	u64 written;		/* entries they wrote back */
	u64 refused;		/* calls refused: -EPERM, -ENOENT */
	u64 no_tier;		/* calls with no tier to write to: -ENOSPC */
};

SWAP_EXT_STATS(struct idle_stats);

/* The cgroups the policy is attached to: ids, 0 for a free slot */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, IDLE_MAX_CGROUPS);
	__type(key, u32);
	__type(value, u64);
} cgroups SEC(".maps");

struct idle_tick {
	struct bpf_timer timer;
};

struct idle_work {
	struct bpf_wq wq;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct idle_tick);
} timer SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct idle_work);
} work SEC(".maps");

/* Set by the first attachment, cleared by exit(); the timer re-arms on it */
static bool running;
/* Doublings of the period since a run last wrote something: the work's */
static u32 backoff;

/*
 * The next period: period_ms (10 ms to a day), doubled by backoff up to its
 * cap.  The timer reads backoff as the last run of the work left it.
 */
static __always_inline u64 idle_period_ns(void)
{
	u64 ms = period_ms < 10 ? 10 : period_ms;
	u64 cap = idle_ms / 4;

	if (ms > IDLE_MAX_PERIOD_MS)
		ms = IDLE_MAX_PERIOD_MS;

	if (cap > ms << IDLE_MAX_BACKOFF)
		cap = ms << IDLE_MAX_BACKOFF;
	if (cap < ms)
		cap = ms;
	ms <<= backoff < IDLE_MAX_BACKOFF ? backoff : IDLE_MAX_BACKOFF;
	return SWAP_EXT_MS(ms < cap ? ms : cap);
}

static __always_inline u32 idle_batch(u32 nr)
{
	if (!nr)
		nr = batch;
	if (nr > SWAP_EXT_PROACTIVE_MAX)
		nr = SWAP_EXT_PROACTIVE_MAX;
	return nr ?: 1;
}

/* Write back @cgroup_id's idle entries; the kfunc's answer */
static __always_inline s64 idle_writeback(u64 cgroup_id, u32 nr, u64 ms)
{
	s64 ret = bpf_swap_ext_writeback(cgroup_id, idle_batch(nr),
					 SWAP_EXT_MS(ms), swap_ext_tier_of(tier));
	swap_ext_stats_t *s = swap_ext_stats();

	if (s) {
		s->calls++;
		if (ret > 0)
			s->written += ret;
		else if (ret == -1 /* EPERM */ || ret == -2 /* ENOENT */)
			s->refused++;
		else if (ret == -28 /* ENOSPC */)
			s->no_tier++;
	}
	return ret;
}

/* One slot of cgroups: its cgroup's idle entries go; *@written counts them */
static long idle_one(u64 i, s64 *written)
{
	u32 key = i;
	u64 *id = bpf_map_lookup_elem(&cgroups, &key);
	s64 ret;

	if (id && *id) {
		ret = idle_writeback(*id, 0, idle_ms);
		if (ret > 0)
			*written += ret;
	}
	return 0;
}

/* The periodic work: sleepable, outside any op */
static int idle_work_fn(void *map, int *key, void *value)
{
	s64 written = 0;

	swap_ext_stat_inc(periods);
	bpf_loop(IDLE_MAX_CGROUPS, idle_one, &written, 0);
	if (written) {
		backoff = 0;
	} else {
		swap_ext_stat_inc(empty);
		if (backoff < IDLE_MAX_BACKOFF)
			backoff++;
	}
	return 0;
}

/* The timer: starts the work, then re-arms */
static int idle_timer_fn(void *map, int *key, struct idle_tick *t)
{
	u32 zero = 0;
	struct idle_work *w;

	if (!running)
		return 0;
	w = bpf_map_lookup_elem(&work, &zero);
	if (w)
		bpf_wq_start(&w->wq, 0);
	bpf_timer_start(&t->timer, idle_period_ns(), 0);
	return 0;
}

/* Start the timer and the work once: 0, or a -errno */
static __always_inline int idle_start(void)
{
	u32 zero = 0;
	struct idle_tick *t = bpf_map_lookup_elem(&timer, &zero);
	struct idle_work *w = bpf_map_lookup_elem(&work, &zero);
	int err;

	if (!t || !w)
		return -2;
	if (running)
		return 0;
	err = bpf_wq_init(&w->wq, &work, 0);
	if (err && err != -16 /* EBUSY: initialised before */)
		return err;
	err = bpf_wq_set_callback(&w->wq, idle_work_fn, 0);
	if (err)
		return err;
	err = bpf_timer_init(&t->timer, &timer, 1 /* CLOCK_MONOTONIC */);
	if (err && err != -16)
		return err;
	err = bpf_timer_set_callback(&t->timer, idle_timer_fn);
	if (err)
		return err;
	backoff = 0;
	err = bpf_timer_start(&t->timer, idle_period_ns(), 0);
	if (!err)
		running = true;
	return err;
}

/* Looking for a cgroup's slot, and a free one */
struct idle_find {
	u64 id;			/* the cgroup */
	u32 slot;		/* its slot, or IDLE_MAX_CGROUPS */
	u32 free;		/* the first free slot, or IDLE_MAX_CGROUPS */
};

static long idle_find_one(u64 i, struct idle_find *f)
{
	u32 key = i;
	u64 *id = bpf_map_lookup_elem(&cgroups, &key);

	if (!id)
		return 1;
	if (*id == f->id) {
		f->slot = key;
		return 1;
	}
	if (!*id && f->free == IDLE_MAX_CGROUPS)
		f->free = key;
	return 0;
}

/* Find cgroup @id's slot and the first free one in cgroups */
static __always_inline void idle_find(struct idle_find *f, u64 id)
{
	f->id = id;
	f->slot = IDLE_MAX_CGROUPS;
	f->free = IDLE_MAX_CGROUPS;
	bpf_loop(IDLE_MAX_CGROUPS, idle_find_one, f, 0);
}

SEC("struct_ops/cgroup_attach")
s32 BPF_PROG(idle_cgroup_attach, struct swap_ext_cgroup_args *args)
{
	struct idle_find f;

	/* attach and detach run one at a time (swap_ext_mutex) */
	idle_find(&f, args->cgroup_id);
	if (f.slot == IDLE_MAX_CGROUPS) {
		if (f.free == IDLE_MAX_CGROUPS)
			return -28;	/* ENOSPC: refuses the attachment */
		bpf_map_update_elem(&cgroups, &f.free, &f.id, BPF_ANY);
	}
	return idle_start();
}

SEC("struct_ops/cgroup_detach")
void BPF_PROG(idle_cgroup_detach, struct swap_ext_cgroup_args *args)
{
	struct idle_find f;
	u64 none = 0;

	idle_find(&f, args->cgroup_id);
	if (f.slot < IDLE_MAX_CGROUPS)
		bpf_map_update_elem(&cgroups, &f.slot, &none, BPF_ANY);
}

SEC("struct_ops/exit")
void BPF_PROG(idle_exit, struct swap_ext_exit_info *info)
{
	u32 zero = 0;
	struct idle_tick *t = bpf_map_lookup_elem(&timer, &zero);

	running = false;
	if (t)
		bpf_timer_cancel(&t->timer);
}

/* swapctl run idle writeback_idle cgroup=PATH [nr=N] [idle_ms=MS] */
struct idle_run_args {
	u64 cgroup;		/* in: the cgroup's id */
	u32 nr;			/* in: most entries (0: the batch knob) */
	u32 idle_ms;		/* in: stored at least this long ago (0: the knob) */
	s64 written;		/* out: entries written back, or a -errno */
};

SEC("syscall")
int writeback_idle(struct idle_run_args *args)
{
	args->written = idle_writeback(args->cgroup, args->nr,
				       args->idle_ms ?: idle_ms);
	return args->written < 0 ? args->written : 0;
}

SEC(".struct_ops.link")
struct swap_ext_ops idle_ops = {
	.cgroup_attach	= (void *)idle_cgroup_attach,
	.cgroup_detach	= (void *)idle_cgroup_detach,
	.exit		= (void *)idle_exit,
	.name		= "idle",
};
