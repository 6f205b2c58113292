/* SPDX-License-Identifier: GPL-2.0 */
/*
 * swap_ext: swap policies as BPF struct_ops, attached per memory cgroup.
 *
 * A policy is a struct swap_ext_ops a BPF program fills in.  vswap asks the
 * policies of a folio's cgroup where the folio goes when it leaves memory,
 * again once zswap knows its compressed size, and what to do with the tier
 * copy when it is read back: the cgroup's own policy first, then, while
 * they answer SWAP_EXT_DEFAULT, its ancestors' nearest first, then the
 * built-in policy, which is what vswap does without swap_ext.  Every answer
 * is checked; a policy that gives a wrong one is ejected from every cgroup
 * it is attached to, and the next policy up the hierarchy answers instead.
 */
#ifndef _LINUX_SWAP_EXT_H
#define _LINUX_SWAP_EXT_H

#include <linux/jump_label.h>
#include <linux/types.h>

struct folio;
struct mem_cgroup;
struct seq_buf;
struct seq_file;

#define SWAP_EXT_NAME_LEN	32
#define SWAP_EXT_REASON_LEN	128

/*
 * Verdicts of ops.place(), ops.compressed() and ops.swapin().  Which of
 * them an op may return is listed with the op; anything else ejects the
 * policy.
 */
enum swap_ext_verdict {
	/*
	 * as if the op were not there: the nearest ancestor's policy decides,
	 * or the built-in one
	 */
	SWAP_EXT_DEFAULT	= 0,
	/* place(), compressed(): store in zswap (compressed(): keep it) */
	SWAP_EXT_ZSWAP		= 1,
	/* place(), compressed(): write to tier args->tier, bypassing zswap */
	SWAP_EXT_TIER		= 2,
	/* place(), compressed(): stay in memory this time (counted as keep) */
	SWAP_EXT_KEEP		= 3,
	/* swapin(): free the tier copy; the page is written out again later */
	SWAP_EXT_DROP		= 4,
	SWAP_EXT_NR_VERDICTS,
};

/* swap_ext_place_args.flags */
enum swap_ext_place_flags {
	SWAP_EXT_PLACE_SHMEM	= 1U << 0,	/* shmem/tmpfs, not anonymous */
	SWAP_EXT_PLACE_WAS_PHYS	= 1U << 1,	/* still has a tier copy */
	/*
	 * PG_workingset: the folio was on the active list since it last came
	 * in - used again while resident, or read back soon after it last
	 * left (workingset_refault() found its shadow recent).  A page that
	 * leaves with it is one reclaim got wrong before.
	 */
	SWAP_EXT_PLACE_WORKINGSET = 1U << 2,
	/*
	 * compressed() only: zswap refused the page, it does not compress
	 * (the compressor's output, @compressed_len >= PAGE_SIZE, has no
	 * room in the pool); the page cannot stay in zswap.
	 */
	SWAP_EXT_PLACE_REFUSED	= 1U << 3,
};

/*
 * Arguments of ops.place() and ops.compressed().  Fields marked "out" are
 * the only ones a program may write.  The struct grows at its end only: a
 * program built against an older one keeps working, and a newer program
 * tests for a field with bpf_core_field_exists() (see swap_ext-ops.rst).
 */
struct swap_ext_place_args {
	u64 cgroup_id;		/* cgroup the folio is charged to */
	u64 entry;		/* virtual swap entry: an opaque cookie */
	u32 flags;		/* SWAP_EXT_PLACE_* */
	/*
	 * compressed(): bytes the compressor produced (with
	 * SWAP_EXT_PLACE_REFUSED, >= PAGE_SIZE); place(): 0
	 */
	u32 compressed_len;
	s32 tier;		/* out: SWAP_EXT_TIER's tier (swap type) */
	u32 nr_pages;		/* pages in the folio: 1, or a large folio's */
	/* since swap_ext v2 */
	u32 order;		/* folio order: nr_pages == 1 << order */
	u32 __reserved0;	/* zero */
	u64 __reserved[2];	/* zero: room to grow */
};

/*
 * Arguments of ops.writeback(): zswap is about to write entries back to a
 * tier for cgroup @cgroup_id.  The out fields start at the built-in
 * policy's choice; the op may change them.
 */
struct swap_ext_wb_args {
	u64 cgroup_id;		/* cgroup whose zswap entries go */
	u64 pool_bytes;		/* its compressed bytes in zswap */
	u64 pool_limit;		/* its memory.zswap.max, or U64_MAX */
	u32 reason;		/* SWAP_EXT_WB_* */
	u32 max_batch;		/* most entries one call may write back */
	/*
	 * out: entries to write back, <= max_batch; for SWAP_EXT_WB_LIMIT
	 * (inside a store, in reclaim) at most 32 are written back now
	 */
	u32 nr;
	s32 tier;		/* out: tier to write to, -1: by priority */
	u64 min_age_ns;		/* out: only older entries (8-14 ms units, <= ~18 h) */
};

/* What ops.writeback() returns */
enum swap_ext_wb_answer {
	SWAP_EXT_WB_APPLY	= 0,	/* the out fields are the answer */
	SWAP_EXT_WB_DEFER	= 1,	/* no answer: ask the policy above */
};

/* swap_ext_wb_args.reason */
enum swap_ext_wb_reason {
	SWAP_EXT_WB_LIMIT	= 0,	/* a store went over memory.zswap.max */
	SWAP_EXT_WB_SHRINK	= 1,	/* zswap's shrinker, memory pressure */
	SWAP_EXT_WB_POOL	= 2,	/* the global pool limit was hit */
};

/* Arguments of ops.swapin(): a page was read back from a tier */
struct swap_ext_swapin_args {
	u64 cgroup_id;		/* cgroup the page is charged to */
	u64 entry;		/* virtual swap entry: an opaque cookie */
	s32 tier;		/* tier (swap type) it was read from */
	u32 __reserved;
};

/* Arguments of ops.cgroup_attach() and ops.cgroup_detach() */
struct swap_ext_cgroup_args {
	u64 cgroup_id;		/* the cgroup the link targets */
};

/* Why a policy stopped: swap_ext_exit_info.kind */
enum swap_ext_exit_kind {
	SWAP_EXT_EXIT_NONE	= 0,
	SWAP_EXT_EXIT_UNREG	= 1,	/* its last link went away */
	SWAP_EXT_EXIT_SYSFS	= 2,	/* ejected through sysfs */
	SWAP_EXT_EXIT_ERROR	= 3,	/* an op returned something invalid */
	SWAP_EXT_EXIT_INIT	= 4,	/* ops.init() failed */
	SWAP_EXT_EXIT_STALL	= 5,	/* the watchdog: too slow, or no progress */
};

/* Passed to ops.exit() */
struct swap_ext_exit_info {
	u32 kind;			/* SWAP_EXT_EXIT_* */
	s32 op;				/* SWAP_EXT_OP_* that failed, or -1 */
	s64 value;			/* what it returned */
	char reason[SWAP_EXT_REASON_LEN];	/* for humans */
};

/* bpf_swap_ext_tier(): one tier, in priority order */
struct swap_ext_tier {
	s32 type;		/* swap type: what SWAP_EXT_TIER takes */
	s32 prio;		/* swapon priority; higher is tried first */
	u32 rotational;		/* 1: a spinning disk */
	u32 __reserved;
	u64 slots;		/* usable slots */
	u64 used;		/* slots in use */
	u64 backing;		/* slots holding data of virtual slots */
};

/* bpf_swap_ext_cgroup_pages(): where a cgroup's swapped pages are */
enum swap_ext_backend {
	SWAP_EXT_BACKEND_ZERO	= 0,	/* zero-filled: nothing stored */
	SWAP_EXT_BACKEND_ZSWAP	= 1,	/* compressed in zswap */
	SWAP_EXT_BACKEND_PHYS	= 2,	/* on a tier */
	SWAP_EXT_BACKEND_FOLIO	= 3,	/* kept in memory, in the swap cache */
	SWAP_EXT_NR_BACKENDS,
};

/* swap_ext_ops.flags */
enum swap_ext_ops_flags {
	SWAP_EXT_OPS_ALL_FLAGS	= 0,
};

/**
 * struct swap_ext_ops - a swap policy
 *
 * Every op is optional: one left out answers as %SWAP_EXT_DEFAULT does,
 * and the policy of the nearest ancestor cgroup that has one is asked
 * (after it, the built-in policy).  A policy attached to a cgroup is
 * asked about the pages of that cgroup and of every cgroup below it, and
 * the arguments name the page's cgroup, not the one the policy is
 * attached to.  Ops run in
 * the reclaim or fault path of the task that swaps (place, compressed,
 * writeback, swapin), under rcu_read_lock() with preemption disabled, and
 * may not sleep; attach, detach, init and exit run in process context.  An
 * op is never called from inside another op on the same CPU: reclaim that
 * an op causes uses the built-in policy.
 */
struct swap_ext_ops {
	/**
	 * place - choose where a folio leaving memory goes
	 * @args: the folio's cgroup, its virtual entry and flags; out: tier
	 *
	 * Called by reclaim once per folio, after zero-filled folios were
	 * taken care of (they cost nothing and are never offered).  A large
	 * folio (@args->nr_pages > 1) is offered once, whole: zswap in 6.12
	 * stores single pages only, so for it %SWAP_EXT_ZSWAP means a tier
	 * by priority, as on stock.  Return
	 * %SWAP_EXT_ZSWAP (try zswap; if zswap refuses the page, a tier by
	 * priority), %SWAP_EXT_TIER with @args->tier set to the swap type of
	 * a tier from bpf_swap_ext_tier_*(), %SWAP_EXT_KEEP to leave the page
	 * in memory this time, or %SWAP_EXT_DEFAULT.  A tier that is full or
	 * gone when the page is written means the built-in choice; an invalid
	 * verdict or tier ejects the policy.
	 */
	s32 (*place)(struct swap_ext_place_args *args);

	/**
	 * compressed - reconsider once the compressed size is known
	 * @args: as for place(), with @args->compressed_len set
	 *
	 * Called from zswap's store after compression, before the entry is
	 * added.  Return %SWAP_EXT_ZSWAP or %SWAP_EXT_DEFAULT to keep it in
	 * zswap, %SWAP_EXT_TIER (with @args->tier) to drop it from zswap and
	 * write it to that tier, or %SWAP_EXT_KEEP to leave it in memory.
	 *
	 * Also called when zswap refuses a page because it does not compress
	 * (the compressor failed on it or its output would not fit a zpool
	 * object: zswap's reject_compress_fail and reject_compress_poor), with
	 * %SWAP_EXT_PLACE_REFUSED in
	 * @args->flags and @args->compressed_len >= PAGE_SIZE: the page cannot
	 * stay in zswap, and %SWAP_EXT_ZSWAP or %SWAP_EXT_DEFAULT let the
	 * built-in policy place it (a tier by priority, else memory), as on
	 * stock.  A policy may remember the refusal (by cgroup, say) and
	 * answer the next place() with %SWAP_EXT_TIER, saving a compression.
	 * A policy that ignores the flag sees these calls as well, and they
	 * count among its compressed() calls and verdicts.
	 */
	s32 (*compressed)(struct swap_ext_place_args *args);

	/**
	 * writeback - shape a zswap writeback
	 * @args: the cgroup and its pool; out: nr, tier, min_age_ns
	 *
	 * Called before zswap writes entries of a cgroup back to a tier.  The
	 * out fields hold the built-in choice; change them to batch more (up
	 * to @args->max_batch), to pick a tier, or to spare entries younger
	 * than @args->min_age_ns, and return %SWAP_EXT_WB_APPLY.  Return
	 * %SWAP_EXT_WB_DEFER to leave the choice to the nearest ancestor's
	 * policy (or the built-in one): what the op wrote is then discarded.
	 * A policy that writes back nothing while the cgroup is over its
	 * limit does not stall it: after a few such calls the kernel writes
	 * back the built-in amount.  Any other return, @nr above @max_batch
	 * or an invalid tier ejects the policy.
	 */
	s32 (*writeback)(struct swap_ext_wb_args *args);

	/**
	 * swapin - decide about the tier copy of a page read back
	 * @args: the cgroup, the entry and the tier it came from
	 *
	 * Called when a page is read back from a tier, in the fault or
	 * readahead path.  Return %SWAP_EXT_DEFAULT to keep the copy (a clean
	 * page can then leave memory again without a write), or
	 * %SWAP_EXT_DROP to free the tier slot now.  To move other entries to
	 * a faster tier, call bpf_swap_ext_promote() from here.
	 */
	s32 (*swapin)(struct swap_ext_swapin_args *args);

	/**
	 * cgroup_attach - a link attaches the policy to a cgroup
	 * @args: the cgroup
	 *
	 * Called in process context, may sleep.  A non-zero return (a
	 * -errno) refuses the attachment and fails the link's creation.
	 */
	s32 (*cgroup_attach)(struct swap_ext_cgroup_args *args);

	/**
	 * cgroup_detach - a link to a cgroup is gone, or the cgroup is
	 * @args: the cgroup
	 *
	 * Called in process context, may sleep.  Also called for every cgroup
	 * when the policy is ejected, before exit().
	 */
	void (*cgroup_detach)(struct swap_ext_cgroup_args *args);

	/**
	 * init - the policy's first link is being made
	 *
	 * Process context, may sleep.  A non-zero return (a -errno) fails the
	 * link's creation.
	 */
	s32 (*init)(void);

	/**
	 * exit - the policy is gone from every cgroup
	 * @info: why: the last link went, ejection through sysfs, or an error
	 *        (the op, the value and a reason)
	 *
	 * Process context, may sleep.  Called once.
	 */
	void (*exit)(struct swap_ext_exit_info *info);

	/**
	 * flags - %SWAP_EXT_OPS_* flags; none defined yet, must be 0
	 */
	u64 flags;

	/**
	 * name - the policy's name
	 *
	 * Non-empty; isalnum(), '_' and '.'.  Shown in memory.swap.policy and
	 * /sys/kernel/mm/swap_ext/policies.
	 */
	char name[SWAP_EXT_NAME_LEN];
};

/* The ops, for exit info and tracepoints */
enum swap_ext_op {
	SWAP_EXT_OP_PLACE,
	SWAP_EXT_OP_COMPRESSED,
	SWAP_EXT_OP_WRITEBACK,
	SWAP_EXT_OP_SWAPIN,
	SWAP_EXT_OP_CGROUP_ATTACH,
	SWAP_EXT_OP_INIT,
	SWAP_EXT_NR_OPS,
};

/*
 * A placement in progress, kernel side: what the policy sees, and what
 * compressed() decided, for vswap to act on once zswap returns.
 */
struct swap_ext_place {
	struct swap_ext_place_args args;
	s32 verdict;
};

/*
 * A writeback in progress, kernel side: what the policies see, and which
 * cgroup's policy answered, for swap_ext_writeback_done().
 */
struct swap_ext_wb {
	struct swap_ext_wb_args args;
	u64 answered_by;	/* that cgroup's id, or 0: the built-in policy */
};

/* Most entries one writeback() call may ask for */
#define SWAP_EXT_WB_MAX_BATCH	256

#ifdef CONFIG_SWAP_EXT

/* Some cgroup has a policy: else place() and swapin() ask nobody */
DECLARE_STATIC_KEY_FALSE(swap_ext_enabled);

s32 __swap_ext_place(struct folio *folio, struct swap_ext_place *p);
s32 __swap_ext_swapin(struct folio *folio, int tier);

/*
 * What vswap and zswap ask.  Each returns a verdict that has been checked:
 * place() one of DEFAULT, ZSWAP, TIER (p->args.tier a tier) or KEEP;
 * compressed() true to keep the entry in zswap, else p->verdict says
 * TIER or KEEP; swapin() DEFAULT or DROP.  writeback() leaves @args valid.
 * place() and swapin() run at every swap-out and tier read: with no
 * policy anywhere they cost a patched jump.
 */
static inline s32 swap_ext_place(struct folio *folio, struct swap_ext_place *p)
{
	p->verdict = SWAP_EXT_DEFAULT;
	p->args.cgroup_id = 0;
	if (!static_branch_unlikely(&swap_ext_enabled))
		return SWAP_EXT_DEFAULT;
	return __swap_ext_place(folio, p);
}

bool __swap_ext_compressed(struct folio *folio, struct swap_ext_place *p,
			   unsigned int len);

/* Only a folio place() asked about (a policy decides for it) asks again */
static inline bool swap_ext_compressed(struct folio *folio,
				       struct swap_ext_place *p,
				       unsigned int len)
{
	if (!p || !p->args.cgroup_id)
		return true;
	return __swap_ext_compressed(folio, p, len);
}

/*
 * zswap refused @folio, which does not compress (@len bytes, or 0 when
 * unknown): compressed() may still send it to a tier or keep it
 */
void swap_ext_compress_refused(struct folio *folio, struct swap_ext_place *p,
			       unsigned int len);
static inline s32 swap_ext_swapin(struct folio *folio, int tier)
{
	if (!static_branch_unlikely(&swap_ext_enabled))
		return SWAP_EXT_DEFAULT;
	return __swap_ext_swapin(folio, tier);
}

void __swap_ext_writeback(struct mem_cgroup *memcg, struct swap_ext_wb *wb);
void __swap_ext_writeback_done(struct mem_cgroup *memcg,
			       const struct swap_ext_wb *wb,
			       unsigned long written, unsigned long full);

static inline void swap_ext_writeback(struct mem_cgroup *memcg,
				      struct swap_ext_wb *wb)
{
	wb->answered_by = 0;
	if (static_branch_unlikely(&swap_ext_enabled))
		__swap_ext_writeback(memcg, wb);
}

/*
 * zswap wrote back @written of the entries writeback() left in @wb, and
 * found no tier slot for @full of them: only a policy's answer counts
 */
static inline void swap_ext_writeback_done(struct mem_cgroup *memcg,
					   const struct swap_ext_wb *wb,
					   unsigned long written,
					   unsigned long full)
{
	if (static_branch_unlikely(&swap_ext_enabled) && wb->answered_by)
		__swap_ext_writeback_done(memcg, wb, written, full);
}

/* memcg life and its memory.swap.policy file */
void swap_ext_memcg_online(struct mem_cgroup *memcg);
void swap_ext_memcg_offline(struct mem_cgroup *memcg);
int swap_ext_policy_show(struct seq_file *m, void *v);

/*
 * The cgroup's swap_ext events (vm events SWAP_EXT_PLACE on), in an array
 * per CPU of memcg's own, counted in the cgroup and its ancestors at the
 * event: memcg's rstat flushes never look at them.  mm/memcontrol.c
 * holds them, prints them in memory.stat with swap_ext_memcg_stat().
 */
#define SWAP_EXT_NR_EVENTS	(SWAP_EXT_PROACTIVE_RECLAIM - SWAP_EXT_PLACE + 1)
unsigned long __percpu *mem_cgroup_swap_ext_events(struct mem_cgroup *memcg);
void swap_ext_memcg_stat(struct mem_cgroup *memcg, struct seq_buf *s);

#else /* !CONFIG_SWAP_EXT */

static inline s32 swap_ext_place(struct folio *folio,
				 struct swap_ext_place *p)
{
	return SWAP_EXT_DEFAULT;
}

static inline bool swap_ext_compressed(struct folio *folio,
				       struct swap_ext_place *p,
				       unsigned int len)
{
	return true;
}

static inline void swap_ext_compress_refused(struct folio *folio,
					     struct swap_ext_place *p,
					     unsigned int len)
{
}

static inline s32 swap_ext_swapin(struct folio *folio, int tier)
{
	return SWAP_EXT_DEFAULT;
}

static inline void swap_ext_writeback(struct mem_cgroup *memcg,
				      struct swap_ext_wb *wb)
{
}

static inline void swap_ext_writeback_done(struct mem_cgroup *memcg,
					   const struct swap_ext_wb *wb,
					   unsigned long written,
					   unsigned long full)
{
}

static inline void swap_ext_memcg_online(struct mem_cgroup *memcg)
{
}

static inline void swap_ext_memcg_offline(struct mem_cgroup *memcg)
{
}

static inline void swap_ext_memcg_stat(struct mem_cgroup *memcg,
				       struct seq_buf *s)
{
}

#endif /* CONFIG_SWAP_EXT */

#endif /* _LINUX_SWAP_EXT_H */
