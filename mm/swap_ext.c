// SPDX-License-Identifier: GPL-2.0
/*
 * swap_ext: BPF swap policies, attached per memory cgroup
 *
 * vswap decides in three places what happens to anonymous and shmem pages
 * that leave memory: where a folio goes (zero, zswap, a tier, or stay),
 * how zswap writes entries back to a tier, and what happens to the tier
 * copy of a page read back.  Its built-in answers suit nobody in
 * particular: a latency-sensitive service wants its pages kept off a slow
 * disk, a batch job wants its incompressible pages to skip zswap, and a
 * machine with a fast and a slow tier wants hot pages promoted.  swap_ext
 * lets a BPF program give those answers, per cgroup.
 *
 * A policy is a struct swap_ext_ops (include/linux/swap_ext.h) registered
 * as a struct_ops map.  A struct_ops link attaches it: to the root cgroup
 * by default (bpftool struct_ops register), or to the cgroup whose fd the
 * link was created with (BPF_F_CGROUP_FD).  One map may be linked to many
 * cgroups; a cgroup has at most one policy of its own.
 *
 * Policies compose along the hierarchy: an op that answers SWAP_EXT_DEFAULT
 * (writeback(): SWAP_EXT_WB_DEFER), or that a policy leaves out, hands the
 * decision to the policy of the nearest ancestor that has one, and the
 * last of them to the built-in policy.  A machine-wide policy at the root
 * and a per-service one below it then both hold.  The attachments form
 * the chain: each knows the nearest attachment above its cgroup (->up),
 * and each memory cgroup caches the nearest attachment at or above it in
 * memcg->swap_ext.  Both are recomputed for the subtree on every attach
 * and detach, so the hot path is one RCU dereference, and one more per
 * policy that defers.
 *
 * Failure model, after sched_ext: the kernel checks every value an op
 * returns.  A wrong one (or bpf_swap_ext_error()) ejects the policy from
 * every cgroup it is attached to at once - the hot path stops calling it
 * - and a work item then detaches it, calls its exit() with the reason
 * (also in /sys/kernel/mm/swap_ext/last_exit) and leaves the cgroups on
 * their inherited or built-in policy.  Nothing is lost: a verdict only
 * chooses among places vswap can put the page anyway.  A policy that
 * writes back nothing while its cgroup is over its zswap limit is
 * overruled after SWAP_EXT_WB_FORCE answers, and no op is called from
 * inside another on the same CPU.
 *
 * A policy can also be legal and still stall its cgroups: ops that spin,
 * writeback() answers that send zswap to a full tier again and again,
 * moves that never drain.  A watchdog, after sched_ext's, ejects it with
 * SWAP_EXT_EXIT_STALL (see "The watchdog" below).
 *
 * Who may attach: CAP_SYS_ADMIN, to any cgroup (a struct_ops map needs
 * CAP_BPF already).  Delegation of a cgroup subtree does not delegate
 * policies: a policy chooses where pages go on devices the whole machine
 * shares.
 */

#define pr_fmt(fmt) "swap_ext: " fmt

#include <linux/bpf.h>
#include <linux/bpf_verifier.h>
#include <linux/btf.h>
#include <linux/btf_ids.h>
#include <linux/capability.h>
#include <linux/cgroup.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/filter.h>
#include <linux/freezer.h>
#include <linux/hash.h>
#include <linux/kobject.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/seq_buf.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/suspend.h>
#include <linux/swap.h>
#include <linux/swap_ext.h>
#include <linux/sysfs.h>
#include <linux/vmstat.h>
#include <linux/vswap.h>
#include <linux/wait_bit.h>
#include <linux/workqueue.h>
#include <linux/zswap.h>

#define CREATE_TRACE_POINTS
#include <trace/events/swap_ext.h>

/* writeback() answers of nothing in a row before the kernel overrules */
#define SWAP_EXT_WB_FORCE	4

/*
 * Most entries written back in one call from zswap_store(): direct reclaim,
 * with the folio being stored locked.  A policy may ask for more (up to
 * max_batch); the rest waits for the next store or the shrinker.
 */
#define SWAP_EXT_WB_STORE_MAX	32

/* Per-policy table of writeback() idle counts, by cgroup id hash */
#define SWAP_EXT_WB_IDLE_BITS	6

/* The watchdog's knobs: /sys/kernel/mm/swap_ext/watchdog_* */
#define SWAP_EXT_WATCHDOG_MS		5000	/* watchdog_timeout_ms */
#define SWAP_EXT_OP_BUDGET_US		10000	/* watchdog_op_budget_us */
#define SWAP_EXT_CPU_BUDGET_PCT		50	/* watchdog_cpu_budget_pct */
/* Op calls over the per-call budget in a row on one CPU: an ejection */
#define SWAP_EXT_SLOW_STRIKES		3
/* Periods in a row over the CPU budget before an ejection */
#define SWAP_EXT_CPU_STRIKES		2
/* writeback() answers in a row that wrote nothing, at the least */
#define SWAP_EXT_WB_FUTILE		16

/* Per-CPU counters of a policy */
struct swap_ext_stats {
	u64 calls[SWAP_EXT_NR_OPS];		/* op calls */
	u64 verdicts[SWAP_EXT_NR_VERDICTS];	/* place/compressed/swapin */
	u64 wb_pages;				/* entries writeback() asked for */
	u64 wb_forced;				/* writeback() answers overruled */
	u64 nested;				/* calls skipped: op running */
	u64 op_ns;				/* time in non-sleepable ops */
	u64 slow;				/* calls over the per-call budget */
	u16 slow_streak[SWAP_EXT_NR_OPS];	/* ... in a row, per op, here */
};

/* A loaded policy: one per struct_ops map with a link */
struct swap_ext_policy {
	struct swap_ext_ops *ops;		/* the map's value */
	struct list_head node;			/* swap_ext_policies: mutex */
	struct list_head attachments;		/* swap_ext_attach.node: mutex */
	int nr_links;				/* reg() minus unreg(): mutex */
	bool ejected;				/* ops not called: READ_ONCE */
	bool exited;				/* exit() called: mutex */
	atomic_t exit_claimed;			/* exit_info written once */
	struct swap_ext_exit_info exit_info;	/* why it stopped */
	/* detach after an error; the last unreg() cancels it */
	struct work_struct eject_work;
	/* writeback() nothing in a row: cgroup id << 8 | count, per hash */
	atomic64_t wb_idle[1 << SWAP_EXT_WB_IDLE_BITS];
	struct swap_ext_stats __percpu *stats;	/* counters */
	/* the watchdog's view; see "The watchdog" */
	spinlock_t wb_lock;			/* wb_futile and wb_futile_since */
	unsigned long wb_futile;		/* batches in a row: tier full */
	unsigned long wb_futile_since;		/* jiffies of the first of them */
	atomic_long_t moves;			/* moves asked, queued or not: promote() */
	long moves_seen;			/* ... at the last check: watchdog */
	u64 op_ns_seen;				/* op_ns at the last check: watchdog */
	int cpu_strikes;			/* periods over budget: watchdog */
};

/*
 * A policy attached to a memory cgroup by a link.  Hot paths walk
 * attachments under RCU (memcg->swap_ext, ->up): freed after a grace
 * period, and until then ->policy, ->cgroup_id and ->up stay readable.
 */
struct swap_ext_attach {
	struct swap_ext_policy *policy;
	struct mem_cgroup *memcg;		/* css reference held */
	u64 cgroup_id;				/* memcg's, for RCU readers */
	struct bpf_link *link;			/* NULL: map registered bare */
	struct list_head node;			/* policy->attachments */
	/* nearest attachment above memcg, or NULL: swap_ext_mutex, RCU */
	struct swap_ext_attach __rcu *up;
	struct rcu_head rcu;			/* kfree_rcu() */
};

/* Policies, attachments and every memcg's swap_ext pointers */
static DEFINE_MUTEX(swap_ext_mutex);
/* Policies with at least one link: swap_ext_mutex */
static LIST_HEAD(swap_ext_policies);
/* Some cgroup has a policy: the hot paths look (include/linux/swap_ext.h) */
DEFINE_STATIC_KEY_FALSE(swap_ext_enabled);
/* The policy whose non-sleepable op this CPU runs, or NULL */
static DEFINE_PER_CPU(struct swap_ext_policy *, swap_ext_running);
/* The policy whose sleepable op runs, and its task: swap_ext_mutex */
static struct swap_ext_policy *swap_ext_running_sleepable;
static struct task_struct *swap_ext_sleepable_task;
/* The last policy that stopped, for sysfs: swap_ext_mutex */
static char swap_ext_last_name[SWAP_EXT_NAME_LEN];
static struct swap_ext_exit_info swap_ext_last_exit;
/* When this CPU's running op started (local_clock()): swap_ext_running */
static DEFINE_PER_CPU(u64, swap_ext_op_start);

/* The watchdog's knobs (sysfs, READ_ONCE); a timeout of 0 turns it off */
static u32 swap_ext_watchdog_ms = SWAP_EXT_WATCHDOG_MS;
static u32 swap_ext_op_budget_us = SWAP_EXT_OP_BUDGET_US;
static u32 swap_ext_cpu_budget_pct = SWAP_EXT_CPU_BUDGET_PCT;
static void swap_ext_watchdog_arm(bool restart);
static void swap_ext_stats_sum(struct swap_ext_policy *p,
			       struct swap_ext_stats *sum);

/*
 * Test-only (debugfs, 0 by default): milliseconds an ejection spends between
 * claiming the policy's exit and queueing its work, to widen the window in
 * which the last link can go away (selftest lifecycle_eject_unreg).
 */
static u32 swap_ext_eject_delay_ms;

/*
 * Test-only (debugfs, 0 by default): milliseconds a proactive kfunc sleeps
 * in its caller's context before it hands its work to a worker, to widen
 * the window in which a CPU can go offline under a caller that cannot
 * migrate (selftest swap_ext_proactive_offline).
 */
static u32 swap_ext_proactive_delay_ms;

/*
 * Ejections and the watchdog run here, not on system_unbound_wq: work a
 * policy can flood that queue with (its moves, say, when they stall) must
 * not hold up the very work that ejects it.  The rescuer keeps both going
 * when memory is short, which is when a stalling policy matters most.
 */
static struct workqueue_struct *swap_ext_wq;

/* BTF of the argument structs a program may write to */
static const struct btf_type *swap_ext_place_args_type;
static const struct btf_type *swap_ext_wb_args_type;
static u32 swap_ext_ops_type_id;

static const char * const swap_ext_op_names[SWAP_EXT_NR_OPS] = {
	[SWAP_EXT_OP_PLACE]		= "place",
	[SWAP_EXT_OP_COMPRESSED]	= "compressed",
	[SWAP_EXT_OP_WRITEBACK]		= "writeback",
	[SWAP_EXT_OP_SWAPIN]		= "swapin",
	[SWAP_EXT_OP_CGROUP_ATTACH]	= "cgroup_attach",
	[SWAP_EXT_OP_INIT]		= "init",
};

static const char * const swap_ext_verdict_names[SWAP_EXT_NR_VERDICTS] = {
	[SWAP_EXT_DEFAULT]	= "default",
	[SWAP_EXT_ZSWAP]	= "zswap",
	[SWAP_EXT_TIER]		= "tier",
	[SWAP_EXT_KEEP]		= "keep",
	[SWAP_EXT_DROP]		= "drop",
};

/* ---------------------------------------------------------------------
 * Effective policies
 */

static struct swap_ext_policy *swap_ext_policy_find(struct swap_ext_ops *ops)
{
	struct swap_ext_policy *p;

	lockdep_assert_held(&swap_ext_mutex);
	list_for_each_entry(p, &swap_ext_policies, node)
		if (p->ops == ops)
			return p;
	return NULL;
}

/* The head of @memcg's chain, for who changes it */
static struct swap_ext_attach *swap_ext_effective(struct mem_cgroup *memcg)
{
	return rcu_dereference_protected(memcg->swap_ext,
					 lockdep_is_held(&swap_ext_mutex));
}

/* The next attachment up from @at, for who changes the chains */
static struct swap_ext_attach *swap_ext_up(struct swap_ext_attach *at)
{
	return rcu_dereference_protected(at->up,
					 lockdep_is_held(&swap_ext_mutex));
}

/*
 * Recompute the chains below and at @memcg: a cgroup's own attachment,
 * which links to its parent's chain, or its parent's chain.  Pre-order,
 * so parents are done first.  A reader that holds an attachment taken off
 * meanwhile still finds its way up: ->up of a detached attachment is left
 * as it was, and what it points to is freed after the reader's grace
 * period too.
 */
static void swap_ext_propagate(struct mem_cgroup *memcg)
{
	struct cgroup_subsys_state *css;

	lockdep_assert_held(&swap_ext_mutex);
	rcu_read_lock();
	css_for_each_descendant_pre(css, &memcg->css) {
		struct mem_cgroup *m = mem_cgroup_from_css(css);
		struct mem_cgroup *parent = parent_mem_cgroup(m);
		struct swap_ext_attach *up, *at;

		up = parent ? swap_ext_effective(parent) : NULL;
		at = m->swap_ext_own;
		if (at)
			rcu_assign_pointer(at->up, up);
		else
			at = up;
		rcu_assign_pointer(m->swap_ext, at);
	}
	rcu_read_unlock();
}

/* A new cgroup inherits its parent's chain */
void swap_ext_memcg_online(struct mem_cgroup *memcg)
{
	struct mem_cgroup *parent = parent_mem_cgroup(memcg);

	if (!parent)
		return;
	mutex_lock(&swap_ext_mutex);
	rcu_assign_pointer(memcg->swap_ext, swap_ext_effective(parent));
	mutex_unlock(&swap_ext_mutex);
}

static void swap_ext_detach(struct swap_ext_attach *at);

/*
 * A cgroup being removed drops its link: the link is detached as by
 * BPF_LINK_DETACH (its owner sees EPOLLHUP), which unregisters it here.
 * The cgroup's pages left behind follow the parent's policy.
 */
void swap_ext_memcg_offline(struct mem_cgroup *memcg)
{
	struct bpf_link *link = NULL;
	struct swap_ext_attach *at;

	mutex_lock(&swap_ext_mutex);
	at = memcg->swap_ext_own;
	if (at && at->link) {
		link = bpf_link_inc_not_zero(at->link);
		if (IS_ERR(link))
			link = NULL;	/* its release is unregistering it */
	} else if (at) {
		swap_ext_detach(at);
	}
	mutex_unlock(&swap_ext_mutex);

	if (link) {
		link->ops->detach(link);
		bpf_link_put(link);
	}
}

/* ---------------------------------------------------------------------
 * Attach, detach, eject, exit
 */

/* init, exit, cgroup_attach and cgroup_detach run under swap_ext_mutex */
static void swap_ext_enter_sleepable(struct swap_ext_policy *p)
{
	lockdep_assert_held(&swap_ext_mutex);
	swap_ext_running_sleepable = p;
	WRITE_ONCE(swap_ext_sleepable_task, current);
}

static void swap_ext_leave_sleepable(void)
{
	WRITE_ONCE(swap_ext_sleepable_task, NULL);
	swap_ext_running_sleepable = NULL;
}

/*
 * Take @at off its cgroup and its policy; the cgroup falls back to what it
 * inherits.  Called for every attachment of an ejected policy too.
 */
static void swap_ext_detach(struct swap_ext_attach *at)
{
	struct swap_ext_policy *p = at->policy;
	struct mem_cgroup *memcg = at->memcg;

	lockdep_assert_held(&swap_ext_mutex);
	memcg->swap_ext_own = NULL;
	swap_ext_propagate(memcg);
	list_del(&at->node);
	static_branch_dec(&swap_ext_enabled);

	if (p->ops->cgroup_detach) {
		struct swap_ext_cgroup_args args = {
			.cgroup_id = cgroup_id(memcg->css.cgroup),
		};

		swap_ext_enter_sleepable(p);
		p->ops->cgroup_detach(&args);
		swap_ext_leave_sleepable();
	}
	css_put(&memcg->css);
	/* a hot path may be on its way up the chain through @at */
	kfree_rcu(at, rcu);
}

/*
 * Call exit() once, when no CPU can be in an op any more.  Every op runs
 * under rcu_read_lock() or swap_ext_mutex, and swap_ext_error() queues
 * eject_work inside that section: once the grace period below has passed,
 * eject_work is either queued or never will be (the exit is claimed), and
 * whoever frees @p cancels it after this.
 */
static void swap_ext_exit(struct swap_ext_policy *p)
{
	lockdep_assert_held(&swap_ext_mutex);
	if (p->exited)
		return;
	p->exited = true;
	WRITE_ONCE(p->ejected, true);
	synchronize_rcu();

	strscpy(swap_ext_last_name, p->ops->name, sizeof(swap_ext_last_name));
	swap_ext_last_exit = p->exit_info;
	trace_swap_ext_eject(p->ops->name, &p->exit_info);
	if (p->exit_info.kind != SWAP_EXT_EXIT_UNREG)
		pr_warn("policy %s ejected: %s\n", p->ops->name,
			p->exit_info.reason);
	if (p->ops->exit) {
		swap_ext_enter_sleepable(p);
		p->ops->exit(&p->exit_info);
		swap_ext_leave_sleepable();
	}
}

/* Record why @p stops; the first reason wins */
static bool swap_ext_claim_exit(struct swap_ext_policy *p,
				enum swap_ext_exit_kind kind, int op, s64 value,
				const char *fmt, va_list ap)
{
	if (atomic_xchg(&p->exit_claimed, 1))
		return false;
	p->exit_info.kind = kind;
	p->exit_info.op = op;
	p->exit_info.value = value;
	vscnprintf(p->exit_info.reason, sizeof(p->exit_info.reason), fmt, ap);
	return true;
}

/* Detach @p from every cgroup and call its exit(): swap_ext_mutex held */
static void swap_ext_eject_locked(struct swap_ext_policy *p)
{
	struct swap_ext_attach *at, *tmp;

	lockdep_assert_held(&swap_ext_mutex);
	WRITE_ONCE(p->ejected, true);
	list_for_each_entry_safe(at, tmp, &p->attachments, node)
		swap_ext_detach(at);
	swap_ext_exit(p);
}

static void swap_ext_eject_workfn(struct work_struct *work)
{
	struct swap_ext_policy *p = container_of(work, struct swap_ext_policy,
						 eject_work);

	mutex_lock(&swap_ext_mutex);
	swap_ext_eject_locked(p);
	mutex_unlock(&swap_ext_mutex);
}

/*
 * Eject @p for the reason @kind: the hot path stops calling it at once, and
 * eject_work detaches it.  Any context, inside the RCU read-side section
 * or under swap_ext_mutex that keeps @p alive (see swap_ext_exit()).
 */
static __printf(5, 6)
void swap_ext_eject_kind(struct swap_ext_policy *p, enum swap_ext_exit_kind kind,
			 int op, s64 value, const char *fmt, ...)
{
	va_list ap;
	bool first;

	va_start(ap, fmt);
	first = swap_ext_claim_exit(p, kind, op, value, fmt, ap);
	va_end(ap);
	WRITE_ONCE(p->ejected, true);
	if (!first)
		return;
	if (IS_ENABLED(CONFIG_DEBUG_FS) && READ_ONCE(swap_ext_eject_delay_ms))
		mdelay(READ_ONCE(swap_ext_eject_delay_ms));
	queue_work(swap_ext_wq, &p->eject_work);
}

/* An op of @p returned @value, which it may not: eject the policy */
#define swap_ext_error(p, op, value, fmt, args...)			\
	swap_ext_eject_kind(p, SWAP_EXT_EXIT_ERROR, op, value, fmt, ##args)
/* The watchdog found @p stalling its cgroups: eject it */
#define swap_ext_stall(p, op, value, fmt, args...)			\
	swap_ext_eject_kind(p, SWAP_EXT_EXIT_STALL, op, value, fmt, ##args)

static struct swap_ext_policy *swap_ext_policy_new(struct swap_ext_ops *ops)
{
	struct swap_ext_policy *p;

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return NULL;
	p->stats = alloc_percpu(struct swap_ext_stats);
	if (!p->stats) {
		kfree(p);
		return NULL;
	}
	p->ops = ops;
	p->exit_info.op = -1;
	spin_lock_init(&p->wb_lock);
	INIT_LIST_HEAD(&p->attachments);
	INIT_WORK(&p->eject_work, swap_ext_eject_workfn);
	return p;
}

static void swap_ext_policy_free(struct swap_ext_policy *p)
{
	free_percpu(p->stats);
	kfree(p);
}

/* The memory cgroup a link targets, with a css reference */
static struct mem_cgroup *swap_ext_link_memcg(struct bpf_link *link)
{
	struct cgroup *cgrp = bpf_struct_ops_link_cgroup(link);
	struct cgroup_subsys_state *css;

	if (mem_cgroup_disabled())
		return ERR_PTR(-EOPNOTSUPP);
	if (!cgrp) {
		css_get(&root_mem_cgroup->css);
		return root_mem_cgroup;
	}
	css = cgroup_get_e_css(cgrp, &memory_cgrp_subsys);
	if (css->cgroup != cgrp) {
		/* the memory controller is not enabled in that cgroup */
		css_put(css);
		return ERR_PTR(-EOPNOTSUPP);
	}
	return mem_cgroup_from_css(css);
}

/* reg(): a link (or a bare map registration) attaches @kdata */
static int swap_ext_reg(void *kdata, struct bpf_link *link)
{
	struct swap_ext_ops *ops = kdata;
	struct swap_ext_cgroup_args args;
	struct swap_ext_policy *p;
	struct swap_ext_attach *at;
	int op = SWAP_EXT_OP_INIT;
	struct mem_cgroup *memcg;
	bool created = false;
	int err;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	memcg = swap_ext_link_memcg(link);
	if (IS_ERR(memcg))
		return PTR_ERR(memcg);
	at = kzalloc(sizeof(*at), GFP_KERNEL);
	if (!at) {
		css_put(&memcg->css);
		return -ENOMEM;
	}
	at->memcg = memcg;
	at->link = link;
	at->cgroup_id = cgroup_id(memcg->css.cgroup);
	args.cgroup_id = at->cgroup_id;

	mutex_lock(&swap_ext_mutex);
	/*
	 * A cgroup being removed may already be past swap_ext_memcg_offline(),
	 * which would never detach us: refuse it.  CSS_DYING is set before
	 * offlining starts, and the offline hook waits for this mutex.
	 */
	err = -ENOENT;
	if (css_is_dying(&memcg->css))
		goto unlock;
	err = -EBUSY;
	if (memcg->swap_ext_own)
		goto unlock;
	p = swap_ext_policy_find(ops);
	if (p && p->ejected) {
		/* its verdicts were wrong once: load it again */
		err = -ESTALE;
		goto unlock;
	}
	if (!p) {
		err = -ENOMEM;
		p = swap_ext_policy_new(ops);
		if (!p)
			goto unlock;
		created = true;
		if (ops->init) {
			swap_ext_enter_sleepable(p);
			err = ops->init();
			swap_ext_leave_sleepable();
			if (err) {
				err = (err < 0 && err >= -MAX_ERRNO) ? err : -EINVAL;
				goto unlock;
			}
		}
	}
	op = SWAP_EXT_OP_CGROUP_ATTACH;
	if (ops->cgroup_attach) {
		swap_ext_enter_sleepable(p);
		err = ops->cgroup_attach(&args);
		swap_ext_leave_sleepable();
		if (err) {
			err = (err < 0 && err >= -MAX_ERRNO) ? err : -EINVAL;
			goto unlock;
		}
	}
	if (READ_ONCE(p->ejected)) {
		/* bpf_swap_ext_error() from init() or cgroup_attach() */
		err = -ESTALE;
		goto unlock;
	}
	if (created) {
		list_add_tail(&p->node, &swap_ext_policies);
		swap_ext_watchdog_arm(false);
	}
	at->policy = p;
	list_add_tail(&at->node, &p->attachments);
	p->nr_links++;
	memcg->swap_ext_own = at;
	static_branch_inc(&swap_ext_enabled);
	swap_ext_propagate(memcg);
	mutex_unlock(&swap_ext_mutex);
	return 0;

unlock:
	if (created) {
		/* the policy never got a cgroup: exit() says why */
		if (!atomic_xchg(&p->exit_claimed, 1)) {
			p->exit_info.kind = SWAP_EXT_EXIT_INIT;
			p->exit_info.op = op;
			p->exit_info.value = err;
			scnprintf(p->exit_info.reason, sizeof(p->exit_info.reason),
				  "%s() for cgroup %llu failed: %d",
				  swap_ext_op_names[op], args.cgroup_id, err);
		}
		swap_ext_exit(p);
		mutex_unlock(&swap_ext_mutex);
		cancel_work_sync(&p->eject_work);
		swap_ext_policy_free(p);
	} else {
		mutex_unlock(&swap_ext_mutex);
	}
	css_put(&memcg->css);
	kfree(at);
	return err;
}

/* unreg(): a link is gone (or the bare map was deleted) */
static void swap_ext_unreg(void *kdata, struct bpf_link *link)
{
	struct swap_ext_attach *at, *found = NULL;
	struct swap_ext_policy *p;
	bool last;

	mutex_lock(&swap_ext_mutex);
	p = swap_ext_policy_find(kdata);
	if (!p) {
		mutex_unlock(&swap_ext_mutex);
		return;
	}
	list_for_each_entry(at, &p->attachments, node) {
		if (at->link == link) {
			found = at;
			break;
		}
	}
	if (found)
		swap_ext_detach(found);
	last = --p->nr_links == 0;
	if (!last) {
		mutex_unlock(&swap_ext_mutex);
		return;
	}

	/*
	 * The last link: this call owns @p now.  Detach it everywhere and
	 * call exit(), unless an ejection did already; swap_ext_exit() waits
	 * until no op runs, so no op can queue eject_work from here on.
	 */
	list_del(&p->node);
	if (!atomic_xchg(&p->exit_claimed, 1)) {
		p->exit_info.kind = SWAP_EXT_EXIT_UNREG;
		strscpy(p->exit_info.reason, "unregistered",
			sizeof(p->exit_info.reason));
	}
	swap_ext_eject_locked(p);
	mutex_unlock(&swap_ext_mutex);

	/*
	 * An op that ejected @p before then may have queued eject_work, even
	 * while swap_ext_exit() waited for it: the work finds nothing left
	 * to do, and is the last user of @p to go.
	 */
	cancel_work_sync(&p->eject_work);
	/*
	 * No grace period here: swap_ext_exit()'s came after the last
	 * attachment was taken off, and reg() refuses an exited policy.
	 */
	WARN_ON_ONCE(!list_empty(&p->attachments));
	swap_ext_policy_free(p);
}

/* Eject every policy: /sys/kernel/mm/swap_ext/eject */
static void swap_ext_eject_all(void)
{
	struct swap_ext_policy *p;

	mutex_lock(&swap_ext_mutex);
	list_for_each_entry(p, &swap_ext_policies, node) {
		if (!atomic_xchg(&p->exit_claimed, 1)) {
			p->exit_info.kind = SWAP_EXT_EXIT_SYSFS;
			strscpy(p->exit_info.reason,
				"ejected through /sys/kernel/mm/swap_ext/eject",
				sizeof(p->exit_info.reason));
		}
		swap_ext_eject_locked(p);
	}
	mutex_unlock(&swap_ext_mutex);
}

/* ---------------------------------------------------------------------
 * The hot paths: vswap and zswap ask, the policy answers
 */

/*
 * The next policy to ask for @memcg after @at, or NULL for the built-in
 * one: with @at NULL, the nearest; then up the chain.  Ejected policies
 * are skipped, and so is a policy attached at two levels in a row (asked
 * once).  Under rcu_read_lock(); the attachment and its policy stay valid
 * until rcu_read_unlock().
 */
static struct swap_ext_attach *swap_ext_next(struct mem_cgroup *memcg,
					     struct swap_ext_attach *at)
{
	struct swap_ext_policy *prev = NULL;

	if (at) {
		prev = at->policy;
		at = rcu_dereference(at->up);
	} else {
		if (!memcg)
			memcg = root_mem_cgroup;
		at = memcg ? rcu_dereference(memcg->swap_ext) : NULL;
	}
	for (; at; at = rcu_dereference(at->up))
		if (at->policy != prev && !READ_ONCE(at->policy->ejected))
			return at;
	return NULL;
}

/* Each policy that decides for @memcg, nearest first: see swap_ext_next() */
#define for_each_swap_ext_policy(at, memcg)				\
	for (at = swap_ext_next(memcg, NULL); at; at = swap_ext_next(memcg, at))

/*
 * Run a non-sleepable op of @p on this CPU, unless one is running already
 * (reclaim that an op caused, say): then the caller uses the built-in
 * policy.  Preemption stays off until swap_ext_leave().
 */
static bool swap_ext_enter(struct swap_ext_policy *p, enum swap_ext_op op)
{
	preempt_disable();
	if (this_cpu_read(swap_ext_running)) {
		this_cpu_inc(p->stats->nested);
		preempt_enable();
		return false;
	}
	this_cpu_write(swap_ext_running, p);
	this_cpu_inc(p->stats->calls[op]);
	this_cpu_write(swap_ext_op_start, local_clock());
	return true;
}

/*
 * The op is over: account its time, and count it against the per-call
 * budget.  The time includes interrupts and, in a guest, the vCPU's
 * preemption: one slow call proves nothing, SWAP_EXT_SLOW_STRIKES calls
 * of one op in a row on one CPU (where an op that spins makes every call
 * slow) are the policy's.  Per op: a slow place() followed each time by a
 * quick compressed() of the same page is still a place() that spins.
 */
static void swap_ext_leave(struct swap_ext_policy *p, enum swap_ext_op op)
{
	u64 ns = local_clock() - this_cpu_read(swap_ext_op_start);
	u32 budget_us = READ_ONCE(swap_ext_op_budget_us);
	struct swap_ext_stats *s = this_cpu_ptr(p->stats);
	u32 streak = 0;

	s->op_ns += ns;
	if (budget_us && ns > (u64)budget_us * NSEC_PER_USEC) {
		s->slow++;
		streak = ++s->slow_streak[op];
	} else if (s->slow_streak[op]) {
		s->slow_streak[op] = 0;
	}
	this_cpu_write(swap_ext_running, NULL);
	preempt_enable();

	if (streak >= SWAP_EXT_SLOW_STRIKES && READ_ONCE(swap_ext_watchdog_ms))
		swap_ext_stall(p, op, ns / NSEC_PER_USEC,
			       "%s() took %llu us, over watchdog_op_budget_us %u, %u calls in a row",
			       swap_ext_op_names[op], ns / NSEC_PER_USEC, budget_us, streak);
}

/*
 * Count @nr of @item for @memcg's memory.stat and /proc/vmstat: the calls
 * of each op (a call that some policy of the chain answered or deferred),
 * the verdicts that change what happens to a page and the pages a policy's
 * requests moved.  memory.stat shows a cgroup's events with its
 * descendants', so each is counted up the tree now rather than summed at
 * memcg's rstat flushes (include/linux/swap_ext.h).
 */
static void swap_ext_count_many(struct mem_cgroup *memcg,
				enum vm_event_item item, unsigned long nr)
{
	count_vm_events(item, nr);
	if (!memcg)
		memcg = root_mem_cgroup;
	for (; memcg; memcg = parent_mem_cgroup(memcg))
		this_cpu_add(mem_cgroup_swap_ext_events(memcg)[item - SWAP_EXT_PLACE],
			     nr);
}

static void swap_ext_count(struct mem_cgroup *memcg, enum vm_event_item item)
{
	swap_ext_count_many(memcg, item, 1);
}

/* memory.stat: @memcg's events, its descendants' with them */
void swap_ext_memcg_stat(struct mem_cgroup *memcg, struct seq_buf *s)
{
	unsigned long __percpu *events = mem_cgroup_swap_ext_events(memcg);
	unsigned long sum;
	int i, cpu;

	for (i = 0; i < SWAP_EXT_NR_EVENTS; i++) {
		sum = 0;
		for_each_possible_cpu(cpu)
			sum += per_cpu_ptr(events, cpu)[i];
		seq_buf_printf(s, "%s %lu\n", vm_event_name(SWAP_EXT_PLACE + i), sum);
	}
}

static u64 swap_ext_cgroup_id(struct mem_cgroup *memcg)
{
	if (!memcg)
		memcg = root_mem_cgroup;
	return memcg ? cgroup_id(memcg->css.cgroup) : 0;
}

/* A tier argument: a swap type other than the virtual device */
static bool swap_ext_tier_valid(s32 tier)
{
	return tier >= 0 && tier < MAX_SWAPFILES &&
	       tier != READ_ONCE(vswap_type);
}

/* Check place()'s or compressed()'s @v; DEFAULT and eject if invalid */
static s32 swap_ext_check_place(struct swap_ext_policy *p, int op, s32 v,
				struct swap_ext_place_args *args)
{
	switch (v) {
	case SWAP_EXT_DEFAULT:
	case SWAP_EXT_ZSWAP:
	case SWAP_EXT_KEEP:
		break;
	case SWAP_EXT_TIER:
		if (swap_ext_tier_valid(args->tier))
			break;
		swap_ext_error(p, op, args->tier, "%s() chose tier %d, not a swap type",
			       swap_ext_op_names[op], args->tier);
		return SWAP_EXT_DEFAULT;
	default:
		swap_ext_error(p, op, v, "%s() returned %d, not a placement verdict",
			       swap_ext_op_names[op], v);
		return SWAP_EXT_DEFAULT;
	}
	this_cpu_inc(p->stats->verdicts[v]);
	return v;
}

/*
 * place(), compressed() and swapin() ask each policy of the folio's chain
 * in turn until one answers something other than SWAP_EXT_DEFAULT.  An
 * invalid answer ejects its policy and counts as DEFAULT, so the next
 * policy up answers instead.  A nested call (an op caused reclaim) asks
 * nobody: the built-in policy decides.
 */
s32 __swap_ext_place(struct folio *folio, struct swap_ext_place *pl)
{
	static const enum vm_event_item events[SWAP_EXT_NR_VERDICTS] = {
		[SWAP_EXT_ZSWAP]	= SWAP_EXT_PLACE_ZSWAP,
		[SWAP_EXT_TIER]		= SWAP_EXT_PLACE_TIER,
		[SWAP_EXT_KEEP]		= SWAP_EXT_PLACE_KEEP,
	};
	struct mem_cgroup *memcg = folio_memcg(folio);
	struct swap_ext_attach *at;
	s32 v = SWAP_EXT_DEFAULT;
	bool asked = false;

	rcu_read_lock();
	for_each_swap_ext_policy(at, memcg) {
		struct swap_ext_policy *p = at->policy;

		if (!pl->args.cgroup_id) {
			/* some policy decides: compressed() asks again */
			pl->args.cgroup_id = swap_ext_cgroup_id(memcg);
			pl->args.entry = folio->swap.val;
			pl->args.nr_pages = folio_nr_pages(folio);
			pl->args.order = folio_order(folio);
			pl->args.tier = -1;
			if (!folio_test_anon(folio))
				pl->args.flags |= SWAP_EXT_PLACE_SHMEM;
			if (folio_test_workingset(folio))
				pl->args.flags |= SWAP_EXT_PLACE_WORKINGSET;
		}
		if (!p->ops->place)
			continue;
		if (!swap_ext_enter(p, SWAP_EXT_OP_PLACE))
			break;
		asked = true;
		pl->args.tier = -1;
		v = p->ops->place(&pl->args);
		swap_ext_leave(p, SWAP_EXT_OP_PLACE);
		v = swap_ext_check_place(p, SWAP_EXT_OP_PLACE, v, &pl->args);
		trace_swap_ext_place(p->ops->name, &pl->args, v);
		if (v != SWAP_EXT_DEFAULT)
			break;
	}
	if (asked) {
		swap_ext_count(memcg, SWAP_EXT_PLACE);
		if (v != SWAP_EXT_DEFAULT)
			swap_ext_count(memcg, events[v]);
	}
	rcu_read_unlock();
	/* what a policy that deferred wrote is not an answer */
	if (v != SWAP_EXT_TIER)
		pl->args.tier = -1;
	pl->verdict = v;
	return v;
}

bool __swap_ext_compressed(struct folio *folio, struct swap_ext_place *pl,
			   unsigned int len)
{
	struct mem_cgroup *memcg;
	struct swap_ext_attach *at;
	s32 v = SWAP_EXT_DEFAULT, tier;
	bool asked = false;

	tier = pl->args.tier;

	rcu_read_lock();
	memcg = folio_memcg(folio);
	pl->args.compressed_len = len;
	for_each_swap_ext_policy(at, memcg) {
		struct swap_ext_policy *p = at->policy;

		if (!p->ops->compressed)
			continue;
		if (!swap_ext_enter(p, SWAP_EXT_OP_COMPRESSED))
			break;
		asked = true;
		/* each starts from place()'s tier */
		pl->args.tier = tier;
		v = p->ops->compressed(&pl->args);
		swap_ext_leave(p, SWAP_EXT_OP_COMPRESSED);
		v = swap_ext_check_place(p, SWAP_EXT_OP_COMPRESSED, v,
					 &pl->args);
		trace_swap_ext_compressed(p->ops->name, &pl->args, v);
		if (v != SWAP_EXT_DEFAULT)
			break;
	}
	/* what a policy that deferred wrote is not an answer */
	if (v != SWAP_EXT_TIER)
		pl->args.tier = tier;
	if (asked) {
		swap_ext_count(memcg, SWAP_EXT_COMPRESSED);
		if (v == SWAP_EXT_TIER)
			swap_ext_count(memcg, SWAP_EXT_COMPRESSED_TIER);
		else if (v == SWAP_EXT_KEEP)
			swap_ext_count(memcg, SWAP_EXT_COMPRESSED_KEEP);
	}
	rcu_read_unlock();
	if (v == SWAP_EXT_TIER || v == SWAP_EXT_KEEP) {
		pl->verdict = v;
		return false;
	}
	return true;
}

void swap_ext_compress_refused(struct folio *folio, struct swap_ext_place *pl,
			       unsigned int len)
{
	if (!pl || !pl->args.cgroup_id)
		return;
	pl->args.flags |= SWAP_EXT_PLACE_REFUSED;
	/* the page is not stored whatever compressed() answers */
	swap_ext_compressed(folio, pl, max_t(unsigned int, len, PAGE_SIZE));
}

s32 __swap_ext_swapin(struct folio *folio, int tier)
{
	struct mem_cgroup *memcg = folio_memcg(folio);
	struct swap_ext_swapin_args args = {
		.entry = folio->swap.val,
		.tier = tier,
	};
	struct swap_ext_attach *at;
	s32 v = SWAP_EXT_DEFAULT;
	bool asked = false;

	rcu_read_lock();
	args.cgroup_id = swap_ext_cgroup_id(memcg);
	for_each_swap_ext_policy(at, memcg) {
		struct swap_ext_policy *p = at->policy;

		if (!p->ops->swapin)
			continue;
		if (!swap_ext_enter(p, SWAP_EXT_OP_SWAPIN))
			break;
		asked = true;
		v = p->ops->swapin(&args);
		swap_ext_leave(p, SWAP_EXT_OP_SWAPIN);
		if (v != SWAP_EXT_DEFAULT && v != SWAP_EXT_DROP) {
			swap_ext_error(p, SWAP_EXT_OP_SWAPIN, v,
				       "swapin() returned %d, not DEFAULT or DROP", v);
			v = SWAP_EXT_DEFAULT;
		} else {
			this_cpu_inc(p->stats->verdicts[v]);
		}
		trace_swap_ext_swapin(p->ops->name, &args, v);
		if (v != SWAP_EXT_DEFAULT)
			break;
	}
	if (asked) {
		swap_ext_count(memcg, SWAP_EXT_SWAPIN);
		if (v == SWAP_EXT_DROP)
			swap_ext_count(memcg, SWAP_EXT_SWAPIN_DROP);
	}
	rcu_read_unlock();
	return v;
}

/*
 * Count a writeback() answer of nothing (@idle) for cgroup @cgid; true when
 * it is the SWAP_EXT_WB_FORCE-th in a row, which the kernel overrules.
 * Counted per cgroup, so that one cgroup a policy starves is not hidden by
 * another it serves.  Two cgroups whose ids share a slot reset each other:
 * a starved one is then overruled later, never sooner.
 */
static bool swap_ext_wb_starved(struct swap_ext_policy *p, u64 cgid, bool idle)
{
	atomic64_t *slot = &p->wb_idle[hash_64(cgid, SWAP_EXT_WB_IDLE_BITS)];
	s64 mine = (s64)(cgid << 8), v = atomic64_read(slot);
	s64 n = (v & ~0xffLL) == mine ? (v & 0xff) : 0;

	if (!idle || ++n >= SWAP_EXT_WB_FORCE) {
		atomic64_set(slot, mine);
		return idle;
	}
	atomic64_set(slot, mine | n);
	return false;
}

/*
 * writeback() asks each policy of @memcg's chain in turn until one answers
 * SWAP_EXT_WB_APPLY; each starts from the built-in choice.  @wb says
 * whose answer it was, for swap_ext_writeback_done().
 */
void __swap_ext_writeback(struct mem_cgroup *memcg, struct swap_ext_wb *wb)
{
	struct swap_ext_wb_args *args = &wb->args, builtin;
	struct swap_ext_attach *at;
	bool forced = false, asked = false, answered = false;
	s32 ret;

	args->cgroup_id = swap_ext_cgroup_id(memcg);
#ifdef CONFIG_ZSWAP	/* only zswap asks; memcg->zswap_max is zswap's */
	if (memcg) {
		u64 max = READ_ONCE(memcg->zswap_max);

		args->pool_bytes = memcg_page_state(memcg, MEMCG_ZSWAP_B);
		args->pool_limit = max >= PAGE_COUNTER_MAX ? U64_MAX :
				   max << PAGE_SHIFT;
	}
#endif
	builtin = *args;

	rcu_read_lock();
	for_each_swap_ext_policy(at, memcg) {
		struct swap_ext_policy *p = at->policy;

		if (!p->ops->writeback)
			continue;
		if (!swap_ext_enter(p, SWAP_EXT_OP_WRITEBACK))
			break;
		asked = true;
		*args = builtin;
		ret = p->ops->writeback(args);
		swap_ext_leave(p, SWAP_EXT_OP_WRITEBACK);

		if (ret == SWAP_EXT_WB_DEFER)
			continue;
		if (ret || args->nr > args->max_batch ||
		    (args->tier != -1 && !swap_ext_tier_valid(args->tier))) {
			swap_ext_error(p, SWAP_EXT_OP_WRITEBACK, ret ?: args->nr,
				       "writeback() returned %d with nr %u (max %u), tier %d",
				       ret, args->nr, args->max_batch, args->tier);
			continue;
		}
		if (swap_ext_wb_starved(p, args->cgroup_id, !args->nr)) {
			/* the cgroup is over a limit: it may not starve */
			*args = builtin;
			forced = true;
			this_cpu_inc(p->stats->wb_forced);
		}
		this_cpu_add(p->stats->wb_pages, args->nr);
		/* inside a store, in reclaim, with its folio locked: bounded */
		if (args->reason == SWAP_EXT_WB_LIMIT)
			args->nr = min(args->nr, SWAP_EXT_WB_STORE_MAX);
		trace_swap_ext_writeback(p->ops->name, args, forced);
		/* an overruled answer is the kernel's: the watchdog leaves it */
		wb->answered_by = forced ? 0 : at->cgroup_id;
		answered = true;
		break;
	}
	if (asked) {
		swap_ext_count(memcg, SWAP_EXT_WRITEBACK);
		if (forced)
			swap_ext_count(memcg, SWAP_EXT_WB_FORCED);
	}
	rcu_read_unlock();
	if (!answered)
		*args = builtin;
}

/*
 * zswap wrote back @written of the entries writeback() asked for, and
 * found no tier slot for @full of them.  A policy whose batches write
 * nothing because the tiers they aim at are full, SWAP_EXT_WB_FUTILE times
 * in a row and for longer than the watchdog's timeout, keeps its cgroups
 * over their limits for nothing: it is ejected, and the built-in policy
 * decides again (an OOM kill, if nothing can be written anywhere).  A
 * batch that tried nothing (no entry, or none old enough) counts neither
 * way.
 */
void __swap_ext_writeback_done(struct mem_cgroup *memcg,
			       const struct swap_ext_wb *wb,
			       unsigned long written, unsigned long full)
{
	unsigned long tmo = msecs_to_jiffies(READ_ONCE(swap_ext_watchdog_ms));
	const struct swap_ext_wb_args *args = &wb->args;
	unsigned long n = 0, since = 0;
	struct swap_ext_attach *at;
	struct swap_ext_policy *p;

	/*
	 * Only a policy's answer counts.  While hibernation writes its image,
	 * vswap refuses writeback: not the policy's doing.
	 */
	if ((!written && !full) || pm_suspended_storage())
		return;

	/* the policy that answered, if it still decides for @memcg */
	rcu_read_lock();
	for_each_swap_ext_policy(at, memcg)
		if (at->cgroup_id == wb->answered_by)
			break;
	if (!at)
		goto out;
	p = at->policy;
	spin_lock(&p->wb_lock);
	if (written) {
		p->wb_futile = 0;
	} else if (!p->wb_futile++) {
		p->wb_futile_since = jiffies;
	} else {
		n = p->wb_futile;
		since = p->wb_futile_since;
	}
	spin_unlock(&p->wb_lock);
	if (tmo && n >= SWAP_EXT_WB_FUTILE && time_after(jiffies, since + tmo))
		swap_ext_stall(p, SWAP_EXT_OP_WRITEBACK, n,
			       "writeback() batches found tier %d full %lu times in a row for %u ms, wrote nothing back",
			       args->tier, n, jiffies_to_msecs(jiffies - since));
out:
	rcu_read_unlock();
}

/* ---------------------------------------------------------------------
 * The watchdog
 *
 * After sched_ext's: a policy that answers legally and still keeps its
 * cgroups from making progress is ejected with SWAP_EXT_EXIT_STALL, and
 * its cgroups go on with the inherited or built-in policy.  What counts,
 * each measured in the kernel, with the knobs under /sys/kernel/mm/swap_ext/:
 *
 *  - calls of one op longer than watchdog_op_budget_us, SWAP_EXT_SLOW_STRIKES
 *    times in a row on one CPU (swap_ext_leave());
 *  - ops that take more than watchdog_cpu_budget_pct of one CPU, summed
 *    over all CPUs, in SWAP_EXT_CPU_STRIKES periods in a row;
 *  - writeback() batches that write nothing back because their tier is
 *    full, for watchdog_timeout_ms (swap_ext_writeback_done());
 *  - moves the policy asks for (queued, or refused: queue full) while
 *    vswap's move queue does not drain for watchdog_timeout_ms.
 *
 * A period is half the timeout.  The work item is static and touches
 * policies only under swap_ext_mutex, on swap_ext_policies, which the last
 * unreg() takes a policy off before freeing it.
 */

/* When the watchdog last looked, what it saw of the moves: swap_ext_mutex */
static u64 swap_ext_watchdog_last_ns;
static unsigned long swap_ext_moves_done_seen;
static unsigned long swap_ext_moves_stuck_since;	/* jiffies, 0: draining */

static void swap_ext_watchdog_workfn(struct work_struct *work);
static DECLARE_DELAYED_WORK(swap_ext_watchdog_work, swap_ext_watchdog_workfn);

static unsigned long swap_ext_watchdog_period(void)
{
	return max(msecs_to_jiffies(READ_ONCE(swap_ext_watchdog_ms) / 2), 1UL);
}

/*
 * Run the watchdog while policies are loaded and it is on; a new period
 * (@restart: a knob changed) starts now.  swap_ext_mutex held.
 */
static void swap_ext_watchdog_arm(bool restart)
{
	lockdep_assert_held(&swap_ext_mutex);
	if (!READ_ONCE(swap_ext_watchdog_ms))
		return;
	if (restart || !delayed_work_pending(&swap_ext_watchdog_work))
		swap_ext_watchdog_last_ns = ktime_get_ns();
	if (restart)
		mod_delayed_work(swap_ext_wq, &swap_ext_watchdog_work,
				 swap_ext_watchdog_period());
	else
		queue_delayed_work(swap_ext_wq, &swap_ext_watchdog_work,
				   swap_ext_watchdog_period());
}

/* Is vswap's move queue stuck: moves pending, none done, for the timeout? */
static bool swap_ext_moves_stuck(unsigned long tmo)
{
	unsigned long done;
	int pending;

	vswap_moves_state(&pending, &done);
	/* the move queue is freezable: a system freeze is not a stall */
	if (!pending || done != swap_ext_moves_done_seen || pm_nosig_freezing) {
		swap_ext_moves_done_seen = done;
		swap_ext_moves_stuck_since = 0;
		return false;
	}
	if (!swap_ext_moves_stuck_since)
		swap_ext_moves_stuck_since = jiffies ?: 1;
	return time_after(jiffies, swap_ext_moves_stuck_since + tmo);
}

static void swap_ext_watchdog_check(struct swap_ext_policy *p, u64 elapsed_ns,
				    bool moves_stuck)
{
	u32 pct = READ_ONCE(swap_ext_cpu_budget_pct);
	struct swap_ext_stats sum;
	long moves;
	u64 ns;

	swap_ext_stats_sum(p, &sum);
	ns = sum.op_ns - p->op_ns_seen;
	p->op_ns_seen = sum.op_ns;
	moves = atomic_long_read(&p->moves);

	if (pct && div64_u64(ns * 100, max(elapsed_ns, 1ULL)) > pct) {
		if (++p->cpu_strikes >= SWAP_EXT_CPU_STRIKES)
			swap_ext_stall(p, -1, ns / NSEC_PER_MSEC,
				       "ops ran %llu ms in %llu ms, over watchdog_cpu_budget_pct %u, %d periods in a row",
				       ns / NSEC_PER_MSEC, elapsed_ns / NSEC_PER_MSEC,
				       pct, p->cpu_strikes);
	} else {
		p->cpu_strikes = 0;
	}
	if (moves_stuck && moves != p->moves_seen)
		swap_ext_stall(p, -1, moves - p->moves_seen,
			       "asked for %ld moves while the move queue did not drain for %u ms",
			       moves - p->moves_seen, READ_ONCE(swap_ext_watchdog_ms));
	if (!moves_stuck)
		p->moves_seen = moves;
}

static void swap_ext_watchdog_workfn(struct work_struct *work)
{
	unsigned long tmo = msecs_to_jiffies(READ_ONCE(swap_ext_watchdog_ms));
	struct swap_ext_policy *p;
	u64 now = ktime_get_ns(), elapsed;
	bool stuck;

	if (!tmo)
		return;
	mutex_lock(&swap_ext_mutex);
	elapsed = now - swap_ext_watchdog_last_ns;
	swap_ext_watchdog_last_ns = now;
	stuck = swap_ext_moves_stuck(tmo);
	list_for_each_entry(p, &swap_ext_policies, node)
		if (!READ_ONCE(p->ejected))
			swap_ext_watchdog_check(p, elapsed, stuck);
	if (!list_empty(&swap_ext_policies))
		swap_ext_watchdog_arm(false);
	mutex_unlock(&swap_ext_mutex);
}

/* ---------------------------------------------------------------------
 * memory.swap.policy and /sys/kernel/mm/swap_ext/
 */

/*
 * The chain, nearest first, one line per policy: "NAME attached" for the
 * cgroup's own, "NAME inherited" for an ancestor's; "default" alone when
 * no policy decides.  Ejected policies are left out.
 */
int swap_ext_policy_show(struct seq_file *m, void *v)
{
	struct mem_cgroup *memcg = mem_cgroup_from_css(seq_css(m));
	struct swap_ext_policy *prev = NULL;
	struct swap_ext_attach *at;
	int n = 0;

	mutex_lock(&swap_ext_mutex);
	for (at = swap_ext_effective(memcg); at; at = swap_ext_up(at)) {
		/* as swap_ext_next(): a policy on two levels in a row once */
		if (READ_ONCE(at->policy->ejected) || at->policy == prev)
			continue;
		prev = at->policy;
		seq_printf(m, "%s %s\n", at->policy->ops->name,
			   at == memcg->swap_ext_own ? "attached" : "inherited");
		n++;
	}
	if (!n)
		seq_puts(m, "default\n");
	mutex_unlock(&swap_ext_mutex);
	return 0;
}

static void swap_ext_stats_sum(struct swap_ext_policy *p,
			       struct swap_ext_stats *sum)
{
	int cpu, i;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		struct swap_ext_stats *s = per_cpu_ptr(p->stats, cpu);

		for (i = 0; i < SWAP_EXT_NR_OPS; i++)
			sum->calls[i] += s->calls[i];
		for (i = 0; i < SWAP_EXT_NR_VERDICTS; i++)
			sum->verdicts[i] += s->verdicts[i];
		sum->wb_pages += s->wb_pages;
		sum->wb_forced += s->wb_forced;
		sum->nested += s->nested;
		sum->op_ns += s->op_ns;
		sum->slow += s->slow;
	}
}

/*
 * One line per policy: name, state, cgroup ids, then key=value counters:
 *   place=N compressed=N writeback=N swapin=N (calls),
 *   default=N zswap=N tier=N keep=N drop=N (verdicts),
 *   wb_pages=N wb_forced=N nested=N,
 *   op_us=N (time in non-sleepable ops) slow=N (calls over the budget)
 */
static ssize_t policies_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	struct swap_ext_policy *p;
	struct swap_ext_attach *at;
	struct swap_ext_stats sum;
	int len = 0, i;

	mutex_lock(&swap_ext_mutex);
	list_for_each_entry(p, &swap_ext_policies, node) {
		len += sysfs_emit_at(buf, len, "%s %s cgroups=", p->ops->name,
				     p->ejected ? "ejected" : "active");
		if (list_empty(&p->attachments))
			len += sysfs_emit_at(buf, len, "-");
		list_for_each_entry(at, &p->attachments, node)
			len += sysfs_emit_at(buf, len, "%s%llu",
					     list_is_first(&at->node, &p->attachments) ?
					     "" : ",",
					     cgroup_id(at->memcg->css.cgroup));
		swap_ext_stats_sum(p, &sum);
		for (i = 0; i < SWAP_EXT_OP_CGROUP_ATTACH; i++)
			len += sysfs_emit_at(buf, len, " %s=%llu",
					     swap_ext_op_names[i], sum.calls[i]);
		for (i = 0; i < SWAP_EXT_NR_VERDICTS; i++)
			len += sysfs_emit_at(buf, len, " %s=%llu",
					     swap_ext_verdict_names[i],
					     sum.verdicts[i]);
		len += sysfs_emit_at(buf, len, " wb_pages=%llu wb_forced=%llu nested=%llu",
				     sum.wb_pages, sum.wb_forced, sum.nested);
		len += sysfs_emit_at(buf, len, " op_us=%llu slow=%llu\n",
				     sum.op_ns / NSEC_PER_USEC, sum.slow);
	}
	mutex_unlock(&swap_ext_mutex);
	return len;
}

/* The last policy that stopped: name kind op value reason */
static ssize_t last_exit_show(struct kobject *kobj, struct kobj_attribute *attr,
			      char *buf)
{
	static const char * const kinds[] = {
		[SWAP_EXT_EXIT_NONE]	= "none",
		[SWAP_EXT_EXIT_UNREG]	= "unreg",
		[SWAP_EXT_EXIT_SYSFS]	= "sysfs",
		[SWAP_EXT_EXIT_ERROR]	= "error",
		[SWAP_EXT_EXIT_INIT]	= "init",
		[SWAP_EXT_EXIT_STALL]	= "stall",
	};
	struct swap_ext_exit_info *e = &swap_ext_last_exit;
	int len;

	mutex_lock(&swap_ext_mutex);
	if (!swap_ext_last_name[0]) {
		mutex_unlock(&swap_ext_mutex);
		return sysfs_emit(buf, "none\n");
	}
	len = sysfs_emit(buf, "%s %s %s %lld %s\n", swap_ext_last_name,
			 e->kind < ARRAY_SIZE(kinds) ? kinds[e->kind] : "?",
			 e->op >= 0 && e->op < SWAP_EXT_NR_OPS ?
			 swap_ext_op_names[e->op] : "-",
			 e->value, e->reason);
	mutex_unlock(&swap_ext_mutex);
	return len;
}

/* Writing 1 ejects every policy */
static ssize_t eject_store(struct kobject *kobj, struct kobj_attribute *attr,
			   const char *buf, size_t count)
{
	bool val;
	int err;

	err = kstrtobool(buf, &val);
	if (err)
		return err;
	if (!val)
		return -EINVAL;
	swap_ext_eject_all();
	return count;
}

/* A watchdog knob: a number in [@min, @max], or 0 where @zero allows it */
static ssize_t swap_ext_knob_store(u32 *knob, const char *buf, size_t count,
				   u32 min, u32 max, bool zero)
{
	u32 val;
	int err;

	err = kstrtou32(buf, 0, &val);
	if (err)
		return err;
	if ((val || !zero) && (val < min || val > max))
		return -ERANGE;
	WRITE_ONCE(*knob, val);
	mutex_lock(&swap_ext_mutex);
	if (!list_empty(&swap_ext_policies))
		swap_ext_watchdog_arm(true);
	mutex_unlock(&swap_ext_mutex);
	return count;
}

#define SWAP_EXT_KNOB(name, var, min, max, zero)			\
static ssize_t name##_show(struct kobject *kobj,			\
			   struct kobj_attribute *attr, char *buf)	\
{									\
	return sysfs_emit(buf, "%u\n", READ_ONCE(var));		\
}									\
static ssize_t name##_store(struct kobject *kobj,			\
			    struct kobj_attribute *attr,		\
			    const char *buf, size_t count)		\
{									\
	return swap_ext_knob_store(&var, buf, count, min, max, zero);	\
}									\
static struct kobj_attribute name##_attr = __ATTR_RW(name)

/* 0 turns the watchdog off; else 100 ms to 10 minutes */
SWAP_EXT_KNOB(watchdog_timeout_ms, swap_ext_watchdog_ms, 100, 600000, true);
/* 0: no per-call budget; else 10 us to 10 s */
SWAP_EXT_KNOB(watchdog_op_budget_us, swap_ext_op_budget_us, 10, 10000000, true);
/* 0: no CPU budget; else 1 to 100 times the CPUs there can be */
SWAP_EXT_KNOB(watchdog_cpu_budget_pct, swap_ext_cpu_budget_pct, 1,
	      100 * num_possible_cpus(), true);

static struct kobj_attribute policies_attr = __ATTR_RO(policies);
static struct kobj_attribute last_exit_attr = __ATTR_RO(last_exit);
static struct kobj_attribute eject_attr = __ATTR_WO(eject);

static struct attribute *swap_ext_attrs[] = {
	&policies_attr.attr,
	&last_exit_attr.attr,
	&eject_attr.attr,
	&watchdog_timeout_ms_attr.attr,
	&watchdog_op_budget_us_attr.attr,
	&watchdog_cpu_budget_pct_attr.attr,
	NULL,
};

static const struct attribute_group swap_ext_attr_group = {
	.name = "swap_ext",
	.attrs = swap_ext_attrs,
};

/* ---------------------------------------------------------------------
 * struct_ops plumbing
 */

static bool swap_ext_is_valid_access(int off, int size, enum bpf_access_type type,
				     const struct bpf_prog *prog,
				     struct bpf_insn_access_aux *info)
{
	return bpf_tracing_btf_ctx_access(off, size, type, prog, info);
}

/* Is [@off, @off + @size) inside the field at @foff of @fsize bytes? */
static bool swap_ext_in_field(int off, int size, size_t foff, size_t fsize)
{
	return off >= foff && off + size <= foff + fsize;
}

/* Programs write the out fields of their arguments, and nothing else */
static int swap_ext_btf_struct_access(struct bpf_verifier_log *log,
				      const struct bpf_reg_state *reg, int off,
				      int size)
{
	const struct btf_type *t = btf_type_by_id(reg->btf, reg->btf_id);

	if (t == swap_ext_place_args_type &&
	    swap_ext_in_field(off, size, offsetof(struct swap_ext_place_args, tier),
			      sizeof_field(struct swap_ext_place_args, tier)))
		return SCALAR_VALUE;
	if (t == swap_ext_wb_args_type &&
	    (swap_ext_in_field(off, size, offsetof(struct swap_ext_wb_args, nr),
			       sizeof_field(struct swap_ext_wb_args, nr)) ||
	     swap_ext_in_field(off, size, offsetof(struct swap_ext_wb_args, tier),
			       sizeof_field(struct swap_ext_wb_args, tier)) ||
	     swap_ext_in_field(off, size, offsetof(struct swap_ext_wb_args, min_age_ns),
			       sizeof_field(struct swap_ext_wb_args, min_age_ns))))
		return SCALAR_VALUE;

	bpf_log(log, "swap_ext: only the out fields of the arguments are writable\n");
	return -EACCES;
}

static const struct bpf_verifier_ops swap_ext_verifier_ops = {
	.get_func_proto = bpf_base_func_proto,
	.is_valid_access = swap_ext_is_valid_access,
	.btf_struct_access = swap_ext_btf_struct_access,
};

static int swap_ext_init_member(const struct btf_type *t,
				const struct btf_member *member,
				void *kdata, const void *udata)
{
	const struct swap_ext_ops *uops = udata;
	struct swap_ext_ops *ops = kdata;
	u32 moff = __btf_member_bit_offset(t, member) / 8;
	int ret;

	switch (moff) {
	case offsetof(struct swap_ext_ops, flags):
		if (uops->flags & ~SWAP_EXT_OPS_ALL_FLAGS)
			return -EINVAL;
		ops->flags = uops->flags;
		return 1;
	case offsetof(struct swap_ext_ops, name):
		ret = bpf_obj_name_cpy(ops->name, uops->name, sizeof(ops->name));
		if (ret < 0)
			return ret;
		if (ret == 0)
			return -EINVAL;
		return 1;
	}
	return 0;
}

static int swap_ext_check_member(const struct btf_type *t,
				 const struct btf_member *member,
				 const struct bpf_prog *prog)
{
	u32 moff = __btf_member_bit_offset(t, member) / 8;

	switch (moff) {
	case offsetof(struct swap_ext_ops, init):
	case offsetof(struct swap_ext_ops, exit):
	case offsetof(struct swap_ext_ops, cgroup_attach):
	case offsetof(struct swap_ext_ops, cgroup_detach):
		break;
	default:
		/* reclaim and fault paths: no sleeping */
		if (prog->sleepable)
			return -EINVAL;
	}
	return 0;
}

static int swap_ext_init(struct btf *btf)
{
	s32 id;

	id = btf_find_by_name_kind(btf, "swap_ext_place_args", BTF_KIND_STRUCT);
	if (id < 0)
		return -EINVAL;
	swap_ext_place_args_type = btf_type_by_id(btf, id);
	id = btf_find_by_name_kind(btf, "swap_ext_wb_args", BTF_KIND_STRUCT);
	if (id < 0)
		return -EINVAL;
	swap_ext_wb_args_type = btf_type_by_id(btf, id);
	id = btf_find_by_name_kind(btf, "swap_ext_ops", BTF_KIND_STRUCT);
	if (id < 0)
		return -EINVAL;
	swap_ext_ops_type_id = id;
	return 0;
}

static int swap_ext_update(void *kdata, void *old_kdata, struct bpf_link *link)
{
	/* attach the new map and detach the old link instead */
	return -EOPNOTSUPP;
}

static int swap_ext_validate(void *kdata)
{
	return 0;
}

static s32 place_stub(struct swap_ext_place_args *args) { return SWAP_EXT_DEFAULT; }
static s32 compressed_stub(struct swap_ext_place_args *args) { return SWAP_EXT_DEFAULT; }
static s32 writeback_stub(struct swap_ext_wb_args *args) { return 0; }
static s32 swapin_stub(struct swap_ext_swapin_args *args) { return SWAP_EXT_DEFAULT; }
static s32 cgroup_attach_stub(struct swap_ext_cgroup_args *args) { return 0; }
static void cgroup_detach_stub(struct swap_ext_cgroup_args *args) {}
static s32 init_stub(void) { return 0; }
static void exit_stub(struct swap_ext_exit_info *info) {}

static struct swap_ext_ops __bpf_ops_swap_ext_ops = {
	.place = place_stub,
	.compressed = compressed_stub,
	.writeback = writeback_stub,
	.swapin = swapin_stub,
	.cgroup_attach = cgroup_attach_stub,
	.cgroup_detach = cgroup_detach_stub,
	.init = init_stub,
	.exit = exit_stub,
};

static struct bpf_struct_ops bpf_swap_ext_ops = {
	.verifier_ops = &swap_ext_verifier_ops,
	.reg = swap_ext_reg,
	.unreg = swap_ext_unreg,
	.check_member = swap_ext_check_member,
	.init_member = swap_ext_init_member,
	.init = swap_ext_init,
	.update = swap_ext_update,
	.validate = swap_ext_validate,
	.name = "swap_ext_ops",
	.owner = THIS_MODULE,
	.link_flags = BPF_F_CGROUP_FD,
	.cfi_stubs = &__bpf_ops_swap_ext_ops,
};

/* ---------------------------------------------------------------------
 * kfuncs
 */

__bpf_kfunc_start_defs();

/**
 * bpf_swap_ext_nr_tiers - how many tiers there are
 *
 * Any op.  Tiers are the swapon'd devices vswap can write to.
 */
__bpf_kfunc s32 bpf_swap_ext_nr_tiers(void)
{
	return vswap_nr_tiers();
}

/**
 * bpf_swap_ext_tier - the @idx-th tier, highest priority first
 * @idx: 0 .. bpf_swap_ext_nr_tiers() - 1
 * @tier: filled in: swap type, priority, rotational, slots, use
 *
 * Any op.  Returns 0, or -ENOENT past the last tier.
 */
__bpf_kfunc s32 bpf_swap_ext_tier(u32 idx, struct swap_ext_tier *tier)
{
	return vswap_tier_info(idx, tier);
}

/**
 * bpf_swap_ext_cgroup_pages - pages of a cgroup's in one backend
 * @cgroup_id: the cgroup (v2 id, as in the ops' arguments)
 * @backend: SWAP_EXT_BACKEND_*
 *
 * Any op.  Counts include the cgroup's descendants and lag by up to the
 * memcg statistics' flush period (2 s), and by vswap's per-CPU sums (up to
 * 32 pages per CPU, for up to a second).  Returns the count, -EINVAL for
 * an unknown backend, -ENOENT for an unknown cgroup.
 */
__bpf_kfunc s64 bpf_swap_ext_cgroup_pages(u64 cgroup_id, u32 backend)
{
	struct cgroup_subsys_state *css;
	struct cgroup *cgrp;
	s64 ret = -ENOENT;

	if (backend >= SWAP_EXT_NR_BACKENDS)
		return -EINVAL;
	cgrp = __cgroup_get_from_id(cgroup_id);
	if (IS_ERR(cgrp))
		return PTR_ERR(cgrp);
	rcu_read_lock();
	css = rcu_dereference(cgrp->subsys[memory_cgrp_id]);
	if (css)
		ret = vswap_memcg_pages(mem_cgroup_from_css(css), backend);
	rcu_read_unlock();
	cgroup_put(cgrp);
	return ret;
}

/*
 * Does the policy running on this CPU govern the cgroup @entry is charged
 * to (is it in that cgroup's chain)?  0 with the cgroup's id in *@idp and
 * the tier slot behind @entry in *@phys; -ENOENT for an entry that is not
 * live or not on a tier, -EPERM for a cgroup only other policies (or the
 * built-in policy) decide for.  Under rcu_read_lock(), in a non-sleepable
 * op.
 */
static int swap_ext_entry_governed(swp_entry_t entry, unsigned short *idp,
				   swp_entry_t *phys)
{
	struct swap_ext_policy *p = this_cpu_read(swap_ext_running);
	struct swap_ext_attach *at;
	struct mem_cgroup *memcg;
	unsigned short id;

	if (!p)
		return -EPERM;
	id = vswap_entry_memcg_id(entry, phys);
	if (!id)
		return -ENOENT;
	memcg = mem_cgroup_from_id(id);
	if (!memcg)
		return -EPERM;
	for_each_swap_ext_policy(at, memcg)
		if (at->policy == p)
			break;
	if (!at)
		return -EPERM;
	/* governed, but in zswap, zero or in memory: nothing to move */
	if (!phys->val)
		return -ENOENT;
	*idp = id;
	return 0;
}

/**
 * bpf_swap_ext_promote - move a swapped-out page to another tier
 * @entry: its virtual entry, as in the ops' arguments
 * @tier: swap type of the tier to move it to, or -1 for memory
 *
 * Any non-sleepable op.  The move is asynchronous: the page is read from
 * where it is and written to @tier (or kept in memory, to be placed by
 * the next reclaim).  Only entries of the cgroups whose chain holds the
 * calling policy (its cgroup and those below) may move: one tenant's
 * policy cannot move, nor charge I/O to, another's pages.  Returns 0 when
 * the move is queued, -EINVAL for a @tier that is not a tier now, -ENOENT
 * for an entry that is not a live virtual entry on a tier, -EPERM for
 * another cgroup's, -EBUSY when too many moves are pending.  Nothing is
 * logged.
 */
__bpf_kfunc s32 bpf_swap_ext_promote(u64 entry, s32 tier)
{
	swp_entry_t e = { .val = entry };
	swp_entry_t phys;
	unsigned short id;
	int err;

	if (tier != -1 && !vswap_is_tier(tier))
		return -EINVAL;
	err = swap_ext_entry_governed(e, &id, &phys);
	if (err)
		return err;
	/* the worker checks both again: the slot may be reused by then */
	err = vswap_queue_move(e, phys, tier, id);
	/*
	 * For the watchdog, a move asked into a full queue counts as one
	 * queued: a queue that does not drain stays full.  Governed, so an op
	 * of ours runs.
	 */
	if (!err || err == -EBUSY)
		atomic_long_inc(&this_cpu_read(swap_ext_running)->moves);
	return err;
}

/**
 * bpf_swap_ext_error - eject the calling policy
 * @msg__str: why; shown in /sys/kernel/mm/swap_ext/last_exit and exit()
 *
 * Any op.  The policy is ejected from every cgroup as if an op had
 * returned an invalid value.
 */
__bpf_kfunc void bpf_swap_ext_error(const char *msg__str)
{
	struct swap_ext_policy *p = this_cpu_read(swap_ext_running);

	/* a sleepable op: its task holds swap_ext_mutex */
	if (!p && READ_ONCE(swap_ext_sleepable_task) == current)
		p = swap_ext_running_sleepable;
	if (p)
		swap_ext_error(p, -1, 0, "%s: %s", __func__, msg__str);
}

/*
 * Proactive work: zswap writeback, moves between tiers and reclaim that a
 * policy starts on its own schedule (its bpf_wq callbacks) or that a BPF
 * syscall program starts on request (swapctl run), rather than in reply to
 * an op.
 * They sleep and do I/O, so no op may call them: the verifier allows them
 * in sleepable context only, and the filter keeps them from sleepable ops
 * (those run under swap_ext_mutex).
 *
 * Who may act for which cgroup: a policy, for the cgroups whose chain
 * holds it (where it is attached and below), as for
 * bpf_swap_ext_promote(); a syscall program, for the task that runs it:
 * that task's cgroup and those below.  A bpf_wq callback runs outside any
 * op, so the calling program is found by its address; 6.12 has no way to
 * pass a kfunc its caller.
 */

/* Most pages one proactive call may write back, move or reclaim */
#define SWAP_EXT_PROACTIVE_MAX	4096

/*
 * No proactive I/O from the start of hibernation (or of a resume from an
 * image) to its end: a policy's bpf_wq work runs on a workqueue the
 * freezer does not stop, and a move frees tier slots that the hibernation
 * image may name (vswap_move_wq is freezable for that).  The kfuncs count
 * themselves in flight, then look at the flag; the PM notifier sets the
 * flag, then waits for the count to drain.  Not a lock held from PREPARE
 * to POST: with /dev/snapshot, those come from two system calls.
 */
static bool swap_ext_pm_blocked;
/* Proactive kfunc calls between swap_ext_proactive_begin() and _end() */
static atomic_t swap_ext_proactive_inflight = ATOMIC_INIT(0);

static void swap_ext_proactive_put(void)
{
	if (atomic_dec_and_test(&swap_ext_proactive_inflight))
		wake_up_var(&swap_ext_proactive_inflight);
}

static int swap_ext_pm_notify(struct notifier_block *nb, unsigned long action,
			      void *data)
{
	switch (action) {
	case PM_HIBERNATION_PREPARE:
	case PM_RESTORE_PREPARE:
		WRITE_ONCE(swap_ext_pm_blocked, true);
		/* pairs with the barrier in swap_ext_proactive_begin() */
		smp_mb();
		wait_var_event(&swap_ext_proactive_inflight,
			       !atomic_read(&swap_ext_proactive_inflight));
		break;
	case PM_POST_HIBERNATION:
	case PM_POST_RESTORE:
		WRITE_ONCE(swap_ext_pm_blocked, false);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block swap_ext_pm_nb = {
	.notifier_call = swap_ext_pm_notify,
};

/*
 * The memory cgroup of @cgroup_id (a reference), if the program that called
 * a proactive kfunc from @caller (its return address) may act for it;
 * else ERR_PTR(-ENOENT) (no such cgroup) or ERR_PTR(-EPERM).  For a
 * policy's program, *@pinned is its struct_ops value, pinned (put it with
 * bpf_struct_ops_put()): a bpf_wq callback does not hold its program, and
 * the policy's links do while the kfunc sleeps.
 */
static struct mem_cgroup *swap_ext_proactive_memcg(u64 cgroup_id,
						   unsigned long caller,
						   void **pinned)
{
	struct cgroup_subsys_state *css;
	struct mem_cgroup *memcg = NULL;
	struct swap_ext_policy *p;
	struct swap_ext_attach *at;
	struct bpf_prog *prog;
	struct cgroup *cgrp;
	bool from_policy;
	int err;

	*pinned = NULL;
	cgrp = __cgroup_get_from_id(cgroup_id);
	if (IS_ERR(cgrp))
		return ERR_PTR(-ENOENT);

	/*
	 * The policies' list, and the caller's program, stay while we look.
	 * A policy's bpf_wq callback holds no reference on its program: 6.12
	 * runs it under RCU tasks trace only, which a non-sleepable program's
	 * release does not wait for.  Until bpf_struct_ops_get() below pins
	 * it, it must not sleep: a detach could free its code meanwhile.
	 */
	rcu_read_lock();
	prog = bpf_prog_ksym_find(caller);
	from_policy = prog && prog->type == BPF_PROG_TYPE_STRUCT_OPS;
	rcu_read_unlock();
	if (from_policy)
		err = mutex_trylock(&swap_ext_mutex) ? 0 : -EBUSY;
	else
		err = mutex_lock_killable(&swap_ext_mutex);
	if (err) {
		cgroup_put(cgrp);
		return ERR_PTR(err);
	}
	err = -EPERM;
	rcu_read_lock();
	css = rcu_dereference(cgrp->subsys[memory_cgrp_id]);
	if (css && css_tryget_online(css))
		memcg = mem_cgroup_from_css(css);
	prog = memcg ? bpf_prog_ksym_find(caller) : NULL;
	if (prog && prog->type == BPF_PROG_TYPE_SYSCALL) {
		/* for the task that runs it: its cgroup and those below */
		if (!(current->flags & PF_KTHREAD) &&
		    cgroup_is_descendant(cgrp, task_dfl_cgroup(current)))
			err = 0;
	} else if (prog && prog->type == BPF_PROG_TYPE_STRUCT_OPS) {
		/* for the cgroups whose chain holds its policy */
		list_for_each_entry(p, &swap_ext_policies, node) {
			if (READ_ONCE(p->ejected) ||
			    !bpf_struct_ops_has_prog(p->ops, prog))
				continue;
			for_each_swap_ext_policy(at, memcg)
				if (at->policy == p)
					break;
			if (at && bpf_struct_ops_get(p->ops)) {
				*pinned = p->ops;
				err = 0;
				break;
			}
		}
	}
	rcu_read_unlock();
	mutex_unlock(&swap_ext_mutex);
	cgroup_put(cgrp);
	if (!memcg)
		return ERR_PTR(-ENOENT);
	if (err) {
		css_put(&memcg->css);
		return ERR_PTR(err);
	}
	return memcg;
}

/*
 * Start proactive work for @cgroup_id: its memcg, or an ERR_PTR; -EBUSY
 * while the machine hibernates or suspends, or for a policy's callback
 * while policies are being attached or detached.
 * swap_ext_proactive_end() ends it.
 */
static struct mem_cgroup *swap_ext_proactive_begin(u64 cgroup_id,
						   unsigned long caller,
						   void **pinned)
{
	struct mem_cgroup *memcg;

	atomic_inc(&swap_ext_proactive_inflight);
	/* pairs with the barrier in swap_ext_pm_notify() */
	smp_mb__after_atomic();
	/* hibernation; suspend to RAM: no I/O to devices being suspended */
	if (READ_ONCE(swap_ext_pm_blocked) || pm_suspended_storage()) {
		swap_ext_proactive_put();
		return ERR_PTR(-EBUSY);
	}
	memcg = swap_ext_proactive_memcg(cgroup_id, caller, pinned);
	if (IS_ERR(memcg))
		swap_ext_proactive_put();
	return memcg;
}

static void swap_ext_proactive_end(struct mem_cgroup *memcg, void *pinned,
				   enum vm_event_item item, s64 done)
{
	if (done > 0)
		swap_ext_count_many(memcg, item, done);
	css_put(&memcg->css);
	if (pinned)
		bpf_struct_ops_put(pinned);
	swap_ext_proactive_put();
}

/*
 * The proactive kfuncs' work runs on an unbound worker while the caller
 * waits.  A policy's bpf_wq callback, like any BPF program, runs with
 * migration disabled, and block I/O submitted on a CPU going offline
 * waits in blk-mq for its task to move to another CPU
 * (__blk_mq_alloc_requests() retries while the CPU's hctx is inactive),
 * which a task that cannot migrate never does: the offline then waits for
 * that task for ever (seen in the stress test: cpuhp in
 * sched_cpu_wait_empty(), the callback in zswap_writeback_entry()).  The
 * worker can move; the callback only sleeps.  Ownership: the work item
 * lives on the caller's stack, and the caller waits for it to finish.
 */
struct swap_ext_pro_op {
	struct work_struct work;
	enum vm_event_item kind;	/* which operation: its event */
	struct mem_cgroup *memcg;	/* pinned by the caller */
	u32 nr;
	u64 arg;			/* min_age_ns, or headroom */
	s32 from, to;			/* tiers: writeback uses @to */
	s64 ret;
};

static s64 swap_ext_reclaim_memcg(struct mem_cgroup *memcg, u32 nr,
				  u64 headroom);

static void swap_ext_pro_fn(struct work_struct *work)
{
	struct swap_ext_pro_op *op = container_of(work, struct swap_ext_pro_op, work);

	switch (op->kind) {
	case SWAP_EXT_PROACTIVE_WB:
		op->ret = zswap_writeback_memcg(op->memcg, op->nr, op->arg, op->to);
		break;
	case SWAP_EXT_PROACTIVE_MOVE:
		op->ret = vswap_move_memcg(op->memcg, op->from, op->to, op->nr);
		break;
	case SWAP_EXT_PROACTIVE_RECLAIM:
		op->ret = swap_ext_reclaim_memcg(op->memcg, op->nr, op->arg);
		break;
	default:
		op->ret = -EINVAL;
		break;
	}
}

/* Run @op on an unbound worker and wait for it: its result */
static s64 swap_ext_pro_run(struct swap_ext_pro_op *op)
{
	if (IS_ENABLED(CONFIG_DEBUG_FS) && READ_ONCE(swap_ext_proactive_delay_ms))
		msleep(READ_ONCE(swap_ext_proactive_delay_ms));
	INIT_WORK_ONSTACK(&op->work, swap_ext_pro_fn);
	queue_work(system_unbound_wq, &op->work);
	flush_work(&op->work);
	destroy_work_on_stack(&op->work);
	return op->ret;
}

/**
 * bpf_swap_ext_writeback - write back a cgroup's idle zswap entries
 * @cgroup_id: the cgroup; its descendants' entries count too
 * @nr: most entries to write back, 1 .. 4096
 * @min_age_ns: only entries stored at least this long ago (0: any)
 * @tier: swap type of the tier to write to, or -1: by priority
 *
 * Sleepable context outside the ops: a policy's bpf_wq callback, or a BPF
 * syscall program.  Entries go oldest first, in requests as large as the
 * tier's free slots allow; an entry whose page is being read back is
 * skipped; a cgroup with memory.zswap.writeback 0 is skipped; a copy vswap
 * kept beside its page in memory is given up without I/O.  Returns the
 * number written back or given up, -EINVAL for @nr or @tier out of range, -ENOENT for
 * an unknown cgroup, -EPERM for one the caller may not act for, -ENOSPC
 * when there is no tier to write to (or it filled before anything was
 * written), -EBUSY while the machine hibernates or suspends, or (a
 * policy's callback) while policies are being attached or detached: try
 * again later.
 */
__bpf_kfunc s64 bpf_swap_ext_writeback(u64 cgroup_id, u32 nr, u64 min_age_ns,
				       s32 tier)
{
	struct mem_cgroup *memcg;
	void *pinned;
	s64 ret;

	if (!nr || nr > SWAP_EXT_PROACTIVE_MAX ||
	    (tier != -1 && !vswap_is_tier(tier)))
		return -EINVAL;
	memcg = swap_ext_proactive_begin(cgroup_id, _RET_IP_, &pinned);
	if (IS_ERR(memcg))
		return PTR_ERR(memcg);
	ret = swap_ext_pro_run(&(struct swap_ext_pro_op){
		.kind = SWAP_EXT_PROACTIVE_WB, .memcg = memcg, .nr = nr,
		.arg = min_age_ns, .to = tier,
	});
	swap_ext_proactive_end(memcg, pinned, SWAP_EXT_PROACTIVE_WB, ret);
	return ret;
}

/**
 * bpf_swap_ext_move - move a cgroup's pages from one tier to another
 * @cgroup_id: the cgroup; its descendants' pages count too
 * @from: swap type of the tier to move pages off
 * @to: swap type of the tier to move them to, or -1: into memory (dirty,
 *      for reclaim to place again)
 * @nr: most pages to move, 1 .. 4096
 *
 * Sleepable context outside the ops, as bpf_swap_ext_writeback().  Pages
 * go in virtual slot order (about the order they were swapped out in:
 * vswap's descriptor tables are read once); they are read 32 at a time
 * and written together, so that pages getting neighbouring slots on @to
 * go out in one request.  A page being read back by its owner is skipped;
 * the reads are charged to the page's cgroup and fail rather than reclaim
 * hard.  Returns the number moved, -EINVAL for a tier or @nr out of range
 * or @from equal to @to, -ENOENT, -EPERM, -EBUSY as
 * bpf_swap_ext_writeback(), -ENOMEM when nothing could be read in (the
 * cgroup at memory.max, or no memory for the walk's buffers), -ENOSPC
 * when @to was full before anything moved (a full @to ends the call: the
 * pages stay where they are).
 */
__bpf_kfunc s64 bpf_swap_ext_move(u64 cgroup_id, s32 from, s32 to, u32 nr)
{
	struct mem_cgroup *memcg;
	void *pinned;
	s64 ret;

	if (!nr || nr > SWAP_EXT_PROACTIVE_MAX || from == to ||
	    !vswap_is_tier(from) || (to != -1 && !vswap_is_tier(to)))
		return -EINVAL;
	memcg = swap_ext_proactive_begin(cgroup_id, _RET_IP_, &pinned);
	if (IS_ERR(memcg))
		return PTR_ERR(memcg);
	ret = swap_ext_pro_run(&(struct swap_ext_pro_op){
		.kind = SWAP_EXT_PROACTIVE_MOVE, .memcg = memcg, .nr = nr,
		.from = from, .to = to,
	});
	swap_ext_proactive_end(memcg, pinned, SWAP_EXT_PROACTIVE_MOVE, ret);
	return ret;
}

/*
 * Reclaim up to @nr pages of @memcg, or (@headroom) only while it uses more
 * than @headroom bytes below its lower limit: the number reclaimed, 0 if
 * it was there already, -EINTR or -EAGAIN.  Usage is read again after
 * each pass: a page that goes to zswap stays charged for its compressed
 * size.  As memory.reclaim does, without its lru_add_drain_all() on every
 * CPU.
 */
static s64 swap_ext_reclaim_memcg(struct mem_cgroup *memcg, u32 nr,
				  u64 headroom)
{
	unsigned long done = 0, limit = PAGE_COUNTER_MAX, room = 0;
	int retries = 2;

	if (headroom) {
		limit = min(READ_ONCE(memcg->memory.max),
			    READ_ONCE(memcg->memory.high));
		if (limit == PAGE_COUNTER_MAX)
			return 0;
		room = min_t(u64, headroom >> PAGE_SHIFT, limit);
	}
	while (done < nr && !signal_pending(current)) {
		unsigned long step = nr - done, usage, got;

		if (headroom) {
			usage = page_counter_read(&memcg->memory);
			if (usage + room <= limit)
				return done;
			step = min(step, usage + room - limit);
		}
		got = try_to_free_mem_cgroup_pages(memcg, step, GFP_KERNEL,
						   MEMCG_RECLAIM_MAY_SWAP |
						   MEMCG_RECLAIM_PROACTIVE,
						   NULL);
		if (!got && !retries--)
			break;
		done += got;
	}
	if (done)
		return done;
	return signal_pending(current) ? -EINTR : -EAGAIN;
}

/**
 * bpf_swap_ext_reclaim - reclaim a cgroup's memory before its limit does
 * @cgroup_id: the cgroup; its descendants' pages count too
 * @nr: most pages to reclaim, 1 .. 4096
 * @headroom: 0: reclaim @nr pages.  Else only what the cgroup uses above
 *            its limit (the lower of memory.high and memory.max) less
 *            @headroom bytes, at most @nr pages
 *
 * Sleepable context outside the ops, as bpf_swap_ext_writeback().  The
 * pages leave memory as through memory.reclaim: the cgroups' policies
 * place them, and those going to zswap stay charged for their compressed
 * size: with @headroom, usage is read again after each pass.  A policy
 * keeping a latency-sensitive cgroup below its limit spares that cgroup's
 * own faults the reclaim and the memory.high throttling they would
 * otherwise do.  Reclaim works in passes over the LRU lists, and its last
 * pass may take more than @nr or the target asked (up to 99 pages more in
 * our tests).  Returns the number of pages reclaimed; 0 when the cgroup is
 * @headroom below its limit already, or has none; -EINVAL for @nr out of
 * range, -ENOENT, -EPERM, -EBUSY as bpf_swap_ext_writeback(); -EAGAIN when
 * reclaim found nothing to take, -EINTR when the calling task had a signal
 * first.
 */
__bpf_kfunc s64 bpf_swap_ext_reclaim(u64 cgroup_id, u32 nr, u64 headroom)
{
	struct mem_cgroup *memcg;
	void *pinned;
	s64 ret;

	if (!nr || nr > SWAP_EXT_PROACTIVE_MAX)
		return -EINVAL;
	memcg = swap_ext_proactive_begin(cgroup_id, _RET_IP_, &pinned);
	if (IS_ERR(memcg))
		return PTR_ERR(memcg);
	ret = swap_ext_pro_run(&(struct swap_ext_pro_op){
		.kind = SWAP_EXT_PROACTIVE_RECLAIM, .memcg = memcg, .nr = nr,
		.arg = headroom,
	});
	swap_ext_proactive_end(memcg, pinned, SWAP_EXT_PROACTIVE_RECLAIM, ret);
	return ret;
}

__bpf_kfunc_end_defs();

/* Read-only and reporting kfuncs: from any op */
BTF_KFUNCS_START(swap_ext_kfunc_ids_any)
BTF_ID_FLAGS(func, bpf_swap_ext_nr_tiers)
BTF_ID_FLAGS(func, bpf_swap_ext_tier)
BTF_ID_FLAGS(func, bpf_swap_ext_cgroup_pages)
BTF_ID_FLAGS(func, bpf_swap_ext_error)
BTF_KFUNCS_END(swap_ext_kfunc_ids_any)

/* Kfuncs that start I/O: from the ops that run as pages move */
BTF_KFUNCS_START(swap_ext_kfunc_ids_move)
BTF_ID_FLAGS(func, bpf_swap_ext_promote)
BTF_KFUNCS_END(swap_ext_kfunc_ids_move)

/* Kfuncs that sleep and do I/O: bpf_wq callbacks and syscall programs */
BTF_KFUNCS_START(swap_ext_kfunc_ids_proactive)
BTF_ID_FLAGS(func, bpf_swap_ext_writeback, KF_SLEEPABLE)
BTF_ID_FLAGS(func, bpf_swap_ext_move, KF_SLEEPABLE)
BTF_ID_FLAGS(func, bpf_swap_ext_reclaim, KF_SLEEPABLE)
BTF_KFUNCS_END(swap_ext_kfunc_ids_proactive)

/*
 * Only swap_ext_ops programs, not other struct_ops, call these; and the
 * proactive ones from a policy's callbacks, not from its sleepable ops
 */
static int swap_ext_kfunc_filter(const struct bpf_prog *prog, u32 kfunc_id)
{
	if (btf_id_set8_contains(&swap_ext_kfunc_ids_proactive, kfunc_id)) {
		if (prog->type == BPF_PROG_TYPE_SYSCALL)
			return 0;
		if (prog->type != BPF_PROG_TYPE_STRUCT_OPS ||
		    prog->aux->attach_btf_id != swap_ext_ops_type_id ||
		    prog->sleepable)
			return -EACCES;
		return 0;
	}
	if (!btf_id_set8_contains(&swap_ext_kfunc_ids_any, kfunc_id) &&
	    !btf_id_set8_contains(&swap_ext_kfunc_ids_move, kfunc_id))
		return 0;
	/* a syscall program may look at tiers and cgroups as an op does */
	if (prog->type == BPF_PROG_TYPE_SYSCALL)
		return btf_id_set8_contains(&swap_ext_kfunc_ids_any, kfunc_id) ?
		       0 : -EACCES;
	if (prog->aux->attach_btf_id != swap_ext_ops_type_id)
		return -EACCES;
	if (btf_id_set8_contains(&swap_ext_kfunc_ids_move, kfunc_id) &&
	    prog->sleepable)
		return -EACCES;
	return 0;
}

static const struct btf_kfunc_id_set swap_ext_kfunc_set_any = {
	.owner	= THIS_MODULE,
	.set	= &swap_ext_kfunc_ids_any,
	.filter	= swap_ext_kfunc_filter,
};

static const struct btf_kfunc_id_set swap_ext_kfunc_set_move = {
	.owner	= THIS_MODULE,
	.set	= &swap_ext_kfunc_ids_move,
	.filter	= swap_ext_kfunc_filter,
};

static const struct btf_kfunc_id_set swap_ext_kfunc_set_proactive = {
	.owner	= THIS_MODULE,
	.set	= &swap_ext_kfunc_ids_proactive,
	.filter	= swap_ext_kfunc_filter,
};

/* ---------------------------------------------------------------------
 * Init
 */

static int __init swap_ext_init_late(void)
{
	int err;

	/* the enums policies use, for vmlinux.h */
	BTF_TYPE_EMIT(enum swap_ext_verdict);
	BTF_TYPE_EMIT(enum swap_ext_place_flags);
	BTF_TYPE_EMIT(enum swap_ext_wb_reason);
	BTF_TYPE_EMIT(enum swap_ext_wb_answer);
	BTF_TYPE_EMIT(enum swap_ext_exit_kind);
	BTF_TYPE_EMIT(enum swap_ext_backend);
	BTF_TYPE_EMIT(enum swap_ext_ops_flags);
	BTF_TYPE_EMIT(enum swap_ext_op);

	swap_ext_wq = alloc_workqueue("swap_ext", WQ_UNBOUND | WQ_MEM_RECLAIM, 0);
	if (!swap_ext_wq)
		return -ENOMEM;
	err = register_btf_kfunc_id_set(BPF_PROG_TYPE_STRUCT_OPS,
					&swap_ext_kfunc_set_any) ?:
	      register_btf_kfunc_id_set(BPF_PROG_TYPE_STRUCT_OPS,
					&swap_ext_kfunc_set_move) ?:
	      register_btf_kfunc_id_set(BPF_PROG_TYPE_STRUCT_OPS,
					&swap_ext_kfunc_set_proactive) ?:
	      register_btf_kfunc_id_set(BPF_PROG_TYPE_SYSCALL,
					&swap_ext_kfunc_set_any) ?:
	      register_btf_kfunc_id_set(BPF_PROG_TYPE_SYSCALL,
					&swap_ext_kfunc_set_proactive);
	if (err) {
		pr_err("cannot register kfuncs: %d\n", err);
		return err;
	}
	err = register_pm_notifier(&swap_ext_pm_nb);
	if (err)
		return err;
	err = register_bpf_struct_ops(&bpf_swap_ext_ops, swap_ext_ops);
	if (err) {
		pr_err("cannot register struct_ops: %d\n", err);
		return err;
	}
	err = sysfs_create_group(mm_kobj, &swap_ext_attr_group);
	if (err)
		pr_warn("no sysfs interface: %d\n", err);
	if (IS_ENABLED(CONFIG_DEBUG_FS)) {
		struct dentry *dir = debugfs_create_dir("swap_ext", NULL);

		debugfs_create_u32("eject_delay_ms", 0600, dir,
				   &swap_ext_eject_delay_ms);
		debugfs_create_u32("proactive_delay_ms", 0600, dir,
				   &swap_ext_proactive_delay_ms);
	}
	return 0;
}
late_initcall(swap_ext_init_late);
