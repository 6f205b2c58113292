// SPDX-License-Identifier: GPL-2.0
/*
 * vswap: a virtual swap space with native backends
 *
 * A swap entry in a page table names a slot on a swap device.  Moving the
 * data anywhere else - zswap writeback, another device, swapoff - means
 * finding every page table and shmem mapping that names the slot, and
 * zswap, which does no I/O for most pages, still needs a device to hand out
 * the slots it keys its tree by.  vswap puts a virtual swap device between
 * page tables and the places data can live, so that page tables keep one
 * entry however often the data moves, and zswap needs no device at all.
 *
 * The virtual device is an ordinary swap_info_struct flagged SWP_VIRTUAL:
 * swap cache, swap counts, memcg swap accounting and readahead keep working
 * on virtual entries unchanged.  What vswap adds:
 *
 * - A descriptor per virtual slot, 8 bytes, tagged in its low 3 bits:
 *   NONE (free, or only in the swap cache folio: not written yet, or
 *   loaded back from zswap), ZERO (all zeroes, nothing stored), ZSWAP (in
 *   zswap: the descriptor is zswap's index, it holds the zswap entry),
 *   PHYS (on a tier slot: type and offset) and FOLIO (kept in the dirty
 *   swap cache folio by a writeout with nowhere to go, or by a move off a
 *   tier).  Its top 16 bits hold the id of the memory cgroup the slot is
 *   charged to: virtual slots have no swap_cgroup map.
 *
 * - No cost for virtual space that is not in use.  Descriptors live in one
 *   page per cluster, allocated when the allocator first needs the cluster
 *   and freed when the cluster empties.  The device's swap_map is a sparse
 *   vmalloc area whose pages are mapped when a cluster in them is first
 *   used, and given back once all 8 clusters a swap_map page covers have
 *   emptied.  A reader of a stale entry may still look at its swap count
 *   without holding the slot (do_swap_page(), readahead), so a swap_map
 *   page is never unmapped: one read-only page of SWAP_MAP_BAD bytes is
 *   mapped wherever no swap_map page is, and the switch between the two is
 *   a single PTE store.
 *
 * - Tiers: every swapon'd device is a tier, chosen by priority.  A tier slot
 *   is allocated only when data must go to a tier - writeout of a page zswap
 *   did not take, or zswap writeback.  No reverse map points back from it:
 *   swapoff of a tier, and a policy's move off one, find the virtual slots
 *   it backs in the populated descriptor tables, without walking page
 *   tables (vswap_tier_scan()).
 *
 * Ownership, instead of a lock.  Only the owner of a virtual entry reads or
 * writes its descriptor's backend: whoever holds its swap cache folio locked
 * (writeout, swap-in, zswap writeback, tier swapoff), or whoever frees it
 * once its swap count and SWAP_HAS_CACHE are gone.  (The cgroup id is read
 * by others too, and written by cgroup v1's charge moving: see "Memory
 * cgroup ids".)  A descriptor table is freed only when its cluster's count
 * is zero, under si->lock and the cluster lock, so an owner always finds
 * its table; the free waits for an RCU grace period, for the id's readers.
 *
 * Cluster life.  Clusters start "unpopulated": off every allocator list.
 * When the allocator has no free cluster left, vswap_get_pages() activates
 * one (map page, descriptor table) and puts it on the free list.  A
 * cluster that empties is retired: its table goes to a small pool or is
 * freed, its swap_map bytes become SWAP_MAP_BAD so that a stale
 * per-cpu allocation hint finds nothing free in it (the trick discard uses),
 * and it goes back on the unpopulated list.  A second later a work item
 * frees the swap_map page of every 4096 slots whose clusters are all
 * unpopulated.
 *
 * Locking: the virtual si->lock protects the unpopulated list and the table
 * pool; vswap.grow_lock serialises activations, which sleep, with the work
 * that gives swap_map pages back; vswap_ctl_lock serialises enable,
 * disable and resizing; vswap_cgroup_lock orders a swapon's choice of
 * swap_cgroup map against the maps' population.
 * Releasing a tier slot takes the tier's locks, so it is never done under
 * the virtual si->lock.
 */

#define pr_fmt(fmt) "vswap: " fmt

#include <linux/anon_inodes.h>
#include <linux/bio.h>
#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/cpuhotplug.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/ioprio.h>
#include <linux/kasan.h>
#include <linux/kobject.h>
#include <linux/llist.h>
#include <linux/local_lock.h>
#include <linux/memcontrol.h>
#include <linux/mempolicy.h>
#include <linux/mman.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/security.h>
#include <linux/seq_buf.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <linux/swap_cgroup.h>
#include <linux/swap_slots.h>
#include <linux/swapfile.h>
#include <linux/swap_ext.h>
#include <linux/swapops.h>
#include <linux/suspend.h>
#include <linux/sysfs.h>
#include <linux/vmalloc.h>
#include <linux/vswap.h>
#include <linux/workqueue.h>
#include <linux/zswap.h>

#include <asm/tlbflush.h>

#include "swap.h"

/* Descriptor tags, in bits 0-2 */
enum vswap_tag {
	VSWAP_NONE	= 0,	/* free, or only in the swap cache folio */
	VSWAP_PHYS	= 1,	/* on a tier: type in bits 3-7, offset above */
	VSWAP_ZERO	= 2,	/* all zeroes: nothing stored anywhere */
	VSWAP_ZSWAP	= 3,	/* in zswap: the zswap entry's address above */
	VSWAP_FOLIO	= 4,	/* kept in the dirty swap cache folio */
	/* 5-7: free for new backends */
};

#define VSWAP_TAG_MASK		7UL
#define VSWAP_PHYS_TYPE_SHIFT	3
#define VSWAP_PHYS_OFF_SHIFT	8

/*
 * The memory cgroup id a slot is charged to lives in the descriptor's top
 * 16 bits, in place of a swap_cgroup map: bits 48-63 of every descriptor,
 * whatever its tag.  The backend's part, below, has 45 bits above the tag:
 * a tier slot's offset has 40 of them (4 PiB of 4 KiB pages), a zswap
 * entry's address is kept as its offset in the linear map (8-aligned, as
 * slab objects are), which must be below 256 TiB.
 */
#define VSWAP_ID_SHIFT		48
#define VSWAP_ID_MASK		(~0UL << VSWAP_ID_SHIFT)
#define VSWAP_PHYS_OFF_MAX	(1UL << (VSWAP_ID_SHIFT - VSWAP_PHYS_OFF_SHIFT))

/* Spare descriptor tables kept instead of freed, to absorb churn */
#define VSWAP_POOL		16

/* Clusters whose swap counts share a swap_map page */
#define VSWAP_CLUSTERS_PER_MAP	(PAGE_SIZE / SWAPFILE_CLUSTER)

/* How long a retired cluster's swap_map page is kept before the release */
#define VSWAP_RELEASE_DELAY	HZ

/* Allocations on the swap-out path: no I/O, may use reserves, may fail */
#define VSWAP_GFP		(GFP_NOIO | __GFP_HIGH | __GFP_NOWARN)

/* Priority of the virtual device in /proc/swaps; allocation ignores it */
#define VSWAP_PRIO		SHRT_MAX

DEFINE_STATIC_KEY_FALSE(vswap_on);
EXPORT_SYMBOL_GPL(vswap_on);	/* get_nr_swap_pages() is inline */
unsigned int vswap_type __read_mostly = MAX_SWAPFILES;
/* free virtual slots: swap_range_free() */
atomic_long_t vswap_nr_free;
EXPORT_SYMBOL_GPL(vswap_nr_free);	/* get_nr_swap_pages() is inline */

static struct vswap {
	struct swap_info_struct *si;	/* the virtual device, NULL while off */
	struct file *file;		/* its private anon inode file */
	unsigned long nr_slots;		/* size of the virtual space */
	unsigned long nr_clusters;	/* nr_slots / SWAPFILE_CLUSTER */
	atomic_long_t __rcu **tables;	/* descriptor table per cluster */
	struct vm_struct *map_area;	/* the sparse swap_map */
	struct page *bad_page;		/* SWAP_MAP_BAD, mapped read-only */
	unsigned long *map_mapped;	/* swap_map pages mapped, bit per page */
	unsigned long *map_idle;	/* pages with a retired cluster: atomic */
	struct delayed_work release_work; /* gives idle map pages back */
	struct list_head unpopulated;	/* clusters without a table: si->lock */
	void *pool[VSWAP_POOL];		/* spare zeroed tables: si->lock */
	int pool_nr;			/* tables in pool[]: si->lock */
	struct mutex grow_lock;		/* one cluster activation at a time */
	atomic_long_t nr_tables;	/* clusters holding a table */
	atomic_long_t nr_released;	/* swap_map pages given back */
	atomic_long_t nr_activated;	/* clusters activated, ever */
	atomic_long_t nr_table_allocs;	/* tables allocated, not from the pool */
} vswap = {
	.grow_lock = __MUTEX_INITIALIZER(vswap.grow_lock),
};

/* Per tier */
struct vswap_tier {
	int ready;			/* its first page updated the hints */
	atomic_long_t nr_backing;	/* tier slots backing virtual slots */
};

static struct vswap_tier vswap_tiers[MAX_SWAPFILES];

static DEFINE_MUTEX(vswap_ctl_lock);	/* enable, disable, size */
static bool vswap_boot_enabled = true;	/* vswap= on the command line */
static unsigned long vswap_size;	/* bytes; 0: VSWAP_DEFAULT_RATIO x RAM */

#define VSWAP_DEFAULT_RATIO	16

/* ---------------------------------------------------------------------
 * Descriptors
 */

static inline enum vswap_tag vswap_tag(unsigned long desc)
{
	return desc & VSWAP_TAG_MASK;
}

/*
 * A descriptor's backend, without the cgroup id: what every reader but
 * the cgroup record compares and decodes.
 */
static inline unsigned long vswap_desc_backend(unsigned long raw)
{
	return raw & ~VSWAP_ID_MASK;
}

/* A descriptor with backend @backend and the cgroup id of @raw */
static inline unsigned long vswap_desc_keep_id(unsigned long backend,
					       unsigned long raw)
{
	return backend | (raw & VSWAP_ID_MASK);
}

/* A descriptor with the backend of @raw and cgroup id @id */
static inline unsigned long vswap_desc_set_id(unsigned long raw,
					      unsigned short id)
{
	return vswap_desc_backend(raw) | (unsigned long)id << VSWAP_ID_SHIFT;
}

static inline unsigned long vswap_phys_desc(swp_entry_t phys)
{
	return (swp_offset(phys) << VSWAP_PHYS_OFF_SHIFT) |
	       ((unsigned long)swp_type(phys) << VSWAP_PHYS_TYPE_SHIFT) |
	       VSWAP_PHYS;
}

static inline swp_entry_t vswap_desc_phys(unsigned long desc)
{
	return swp_entry((desc >> VSWAP_PHYS_TYPE_SHIFT) &
			 ((1UL << MAX_SWAPFILES_SHIFT) - 1),
			 vswap_desc_backend(desc) >> VSWAP_PHYS_OFF_SHIFT);
}

/* The cgroup id in a descriptor as stored */
static inline unsigned short vswap_desc_id(unsigned long raw)
{
	return raw >> VSWAP_ID_SHIFT;
}

/* The backend @desc holds now */
static inline unsigned long vswap_load(atomic_long_t *desc)
{
	return vswap_desc_backend(atomic_long_read(desc));
}

/*
 * Cluster @c's descriptor table in @tables, or NULL, for a reader that
 * owns a slot of the cluster or holds its lock.  A table is published by
 * vswap_activate_cluster() and given up by vswap_retire_cluster(), both
 * under the cluster lock, the latter only once no slot of the cluster is
 * in use; it is freed after an RCU grace period, for the one reader that
 * has neither, vswap_cgroup_id(), which uses rcu_dereference().  Raw: what
 * keeps the table is a slot's ownership, which lockdep cannot see.
 */
static inline atomic_long_t *vswap_table(atomic_long_t __rcu **tables,
					 unsigned long c)
{
	return rcu_dereference_raw(tables[c]);
}

/* The descriptor of an entry its caller owns */
static atomic_long_t *vswap_desc(swp_entry_t entry)
{
	pgoff_t off = swp_offset(entry);
	atomic_long_t *table = vswap_table(vswap.tables, off / SWAPFILE_CLUSTER);

	VM_WARN_ON_ONCE(!table);
	return table + off % SWAPFILE_CLUSTER;
}

static const enum node_stat_item vswap_stat_item[] = {
	[VSWAP_PHYS]	= NR_VSWAP_PHYS,
	[VSWAP_ZERO]	= NR_VSWAP_ZERO,
	[VSWAP_ZSWAP]	= NR_VSWAP_ZSWAP,
	[VSWAP_FOLIO]	= NR_VSWAP_FOLIO,
};

/* Does @desc's backend have a counter? */
static bool vswap_counted(unsigned long desc)
{
	enum vswap_tag tag = vswap_tag(desc);

	return tag != VSWAP_NONE && tag < ARRAY_SIZE(vswap_stat_item);
}

/*
 * The backend counters, summed per CPU.
 *
 * Every change of backend moves a slot between two of the counters in
 * memory.stat and /proc/vmstat, in the cgroup the slot is charged to: a
 * zero page swapped out and back in moves twice.  A mod_lruvec_state() per
 * move took 1.3 % of the zero scenario's CPU (Documentation/benchmarks.md),
 * and a cgroup's moves mostly cancel out: pages go out while others come
 * back.  So each CPU sums the moves of the last cgroup it counted, as
 * memcg's per-CPU charge stock does, and passes the sums on when it counts
 * another cgroup, when a sum reaches VSWAP_STAT_BATCH, and from
 * vswap_stat_work at most VSWAP_STAT_DELAY after the CPU took the cgroup.
 * A counter may lag by VSWAP_STAT_BATCH pages per CPU, beside vmstat's own
 * per-CPU lag.
 *
 * A CPU pins the cgroup it sums for (a css reference), and the work item
 * drops the pin: a removed cgroup is freed at most VSWAP_STAT_DELAY (and a
 * work item's latency) late.  A move finds the cgroup by the id in its swap
 * cgroup record, and looks it up (an xarray walk) only when the id is not
 * the held cgroup's: see vswap_stat_holds().
 *
 * Only its own CPU touches a CPU's sums, with interrupts off, as memcg's
 * charge stock does: vswap_stat_work asks each CPU holding a cgroup to
 * pass its sums on itself (vswap_stat_drain_work), and a CPU that goes
 * offline has them passed on for it once it is dead (vswap_stat_cpu_dead()).
 * A lock taken by every move cost some 35 instructions a move.
 */

/* Largest sum a CPU holds back, per counter */
#define VSWAP_STAT_BATCH	32

/* Longest a CPU pins a cgroup, and so longest a sum waits */
#define VSWAP_STAT_DELAY	HZ

struct vswap_stat_pcp {
	local_lock_t lock;		/* the sums: this CPU, interrupts off */
	bool held;			/* the sums are @memcg's */
	struct mem_cgroup *memcg;	/* pinned; NULL: no cgroup (memcg off) */
	int sum[ARRAY_SIZE(vswap_stat_item)];	/* moves not passed on yet */
};

static DEFINE_PER_CPU(struct vswap_stat_pcp, vswap_stat_pcp) = {
	.lock = INIT_LOCAL_LOCK(lock),
};

/* Passes this CPU's sums on and drops its pin: queued by vswap_stat_work */
static DEFINE_PER_CPU(struct work_struct, vswap_stat_drain_work);

static void vswap_stat_work_fn(struct work_struct *work);

/* Has every CPU holding a cgroup drain itself: armed by a CPU's first pin */
static DECLARE_DELAYED_WORK(vswap_stat_work, vswap_stat_work_fn);

/*
 * Add @nr to figure @item, the global one (a node stat: a slot has no
 * node, all go to one) and those of @memcg (NULL: none) and its ancestors.
 * The cgroups' are not memcg statistics, whose every item costs each
 * rstat flush of each cgroup on each CPU a loop iteration, and zswap's
 * shrinker flushes at each count: an array per CPU of memcg's own holds
 * them (include/linux/vswap.h), read with no flush.
 */
static void vswap_stat_add(struct mem_cgroup *memcg, enum node_stat_item item,
			   long nr)
{
	mod_node_page_state(NODE_DATA(first_memory_node), item, nr);
#ifdef CONFIG_MEMCG
	for (; memcg; memcg = parent_mem_cgroup(memcg))
		this_cpu_add(mem_cgroup_vswap_pages(memcg)[item - NR_VSWAP_ZERO],
			     nr);
#endif
}

/* Pass @c's sums on to its cgroup's and the global counters; @c->lock */
static void vswap_stat_flush(struct vswap_stat_pcp *c)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(c->sum); i++) {
		if (!c->sum[i])
			continue;
		vswap_stat_add(c->memcg, vswap_stat_item[i], c->sum[i]);
		c->sum[i] = 0;
	}
}

/* Flush @c and drop its pin; @c->lock */
static void vswap_stat_unpin(struct vswap_stat_pcp *c)
{
	vswap_stat_flush(c);
	mem_cgroup_put(c->memcg);
	c->memcg = NULL;
	WRITE_ONCE(c->held, false);	/* vswap_stat_work_fn() reads it */
}

/*
 * This CPU's sums, now.  A work item queued on a CPU that then went offline
 * runs on another one, and drains that one: the dead CPU's sums are
 * vswap_stat_cpu_dead()'s.
 */
static void vswap_stat_drain_fn(struct work_struct *work)
{
	struct vswap_stat_pcp *c;
	unsigned long flags;

	local_lock_irqsave(&vswap_stat_pcp.lock, flags);
	c = this_cpu_ptr(&vswap_stat_pcp);
	if (c->held)
		vswap_stat_unpin(c);
	local_unlock_irqrestore(&vswap_stat_pcp.lock, flags);
}

/*
 * Each CPU that holds a cgroup passes its sums on.  @held is read from
 * here without the CPU's lock: a CPU that takes a cgroup after the read
 * arms this work again (it is not pending while it runs).
 */
static void vswap_stat_work_fn(struct work_struct *work)
{
	int cpu;

	for_each_online_cpu(cpu) {
		if (READ_ONCE(per_cpu(vswap_stat_pcp, cpu).held))
			queue_work_on(cpu, system_wq,
				      &per_cpu(vswap_stat_drain_work, cpu));
	}
}

/* A dead CPU's sums: nothing runs on it any more, no lock needed */
static int vswap_stat_cpu_dead(unsigned int cpu)
{
	struct vswap_stat_pcp *c = per_cpu_ptr(&vswap_stat_pcp, cpu);

	if (c->held)
		vswap_stat_unpin(c);
	return 0;
}

/*
 * Does the swap cgroup id @id name @memcg, which this CPU's sums pin?
 *
 * A record's id holds a reference to it (mem_cgroup_id_get_online() at
 * the charge), so while the record is there the id names one cgroup and
 * cannot be handed on.  The pin keeps @memcg's memory but not its id: once
 * its last id reference goes, mem_cgroup_id_put_many() erases the id,
 * which a new cgroup may then take, and only after that clears id.id.
 * Checking the reference count first leaves no such window: it reaches
 * zero before the id is erased and never rises again.  The record was
 * read before this: the caller owns the entry (its folio lock or cluster
 * lock), and that ownership orders the record's store at the charge
 * before both reads here.  Unlike holding an id reference, the pin does
 * not make mem_cgroup_id_get_online() charge a removed cgroup's pages to
 * it again.  (cgroup v2: v1 records a charge only at swapout, see
 * vswap_count().)
 */
static bool vswap_stat_holds(struct mem_cgroup *memcg, unsigned short id)
{
#ifdef CONFIG_MEMCG
	if (!memcg)
		return !id;
	return id && refcount_read(&memcg->id.ref) &&
	       READ_ONCE(memcg->id.id) == id;
#else
	return true;
#endif
}

/* Count @n moves from backend @from to @to (-1: none) at once, in @memcg */
static void vswap_stat_direct(struct mem_cgroup *memcg, int from, int to, int n)
{
	if (from >= 0)
		vswap_stat_add(memcg, vswap_stat_item[from], -n);
	if (to >= 0)
		vswap_stat_add(memcg, vswap_stat_item[to], n);
}

/* Add @d to this CPU's sum @i (-1: none); is it now a batch away from 0? */
static inline bool vswap_stat_sum(struct vswap_stat_pcp *c, int i, int d)
{
	if (i < 0)
		return false;
	c->sum[i] += d;
	return abs(c->sum[i]) >= VSWAP_STAT_BATCH;
}

/* Would adding @d to this CPU's sum @i (-1: none) leave it short of a batch? */
static inline bool vswap_stat_fits(struct vswap_stat_pcp *c, int i, int d)
{
	return i < 0 || abs(c->sum[i] + d) < VSWAP_STAT_BATCH;
}

/*
 * vswap_count_n() when the move does not simply go into the sums: this
 * CPU holds another cgroup's, or none, or a sum reaches its batch.  Under
 * the CPU's lock.  Returns whether the CPU pinned a cgroup, whose drain
 * the caller then arms.
 */
static noinline bool vswap_count_other(struct vswap_stat_pcp *c,
				       unsigned short id, int from, int to,
				       int n)
{
	struct mem_cgroup *memcg;
	bool arm = false, full;

	/* the charge holds the id, so it names one cgroup until the uncharge */
	if (!c->held || !vswap_stat_holds(c->memcg, id)) {
		if (c->held)
			vswap_stat_unpin(c);
		rcu_read_lock();
		memcg = mem_cgroup_from_id(id);
		/*
		 * The id holds a css reference, so this cannot fail while the
		 * charge is there; if it did, the move is counted at once.
		 */
		if (unlikely(!mem_cgroup_tryget(memcg))) {
			vswap_stat_direct(memcg, from, to, n);
			rcu_read_unlock();
			return false;
		}
		rcu_read_unlock();
		c->memcg = memcg;
		WRITE_ONCE(c->held, true);
		arm = true;
	}
	full = vswap_stat_sum(c, from, -n);
	full |= vswap_stat_sum(c, to, n);
	if (full)
		vswap_stat_flush(c);
	return arm;
}

/*
 * Move @n slots from backend counter @from to @to (tags, -1: none), for
 * cgroup @id, the one their descriptors say they are charged to.  On
 * cgroup v2 the id lives from the charge before the first write to the
 * uncharge after the last release, so increments and decrements meet the
 * same cgroup, and the charge keeps that cgroup alive while it is
 * counted.  (cgroup v1 records the charge only at mem_cgroup_swapout(),
 * after the first write, and clears it at swap-in: there a cgroup's
 * figures are not kept; vswap's per-cgroup figures are cgroup v2's.)  The
 * global figures all go to one node: a slot has no node.  Inline: most
 * moves only add to the sums of the cgroup this CPU holds.
 */
static __always_inline void vswap_count_n(unsigned short id, int from,
					  int to, int n)
{
	struct vswap_stat_pcp *c;
	unsigned long flags;
	bool arm = false;

	local_lock_irqsave(&vswap_stat_pcp.lock, flags);
	c = this_cpu_ptr(&vswap_stat_pcp);
	if (likely(c->held && vswap_stat_holds(c->memcg, id) &&
		   vswap_stat_fits(c, from, -n) && vswap_stat_fits(c, to, n))) {
		vswap_stat_sum(c, from, -n);
		vswap_stat_sum(c, to, n);
	} else {
		arm = vswap_count_other(c, id, from, to, n);
	}
	local_unlock_irqrestore(&vswap_stat_pcp.lock, flags);
	if (unlikely(arm))
		queue_delayed_work(system_unbound_wq, &vswap_stat_work,
				   VSWAP_STAT_DELAY);
}

/* Move a slot from @old's backend counter to @new's: vswap_count_n() */
static void vswap_count(unsigned short id, unsigned long old,
			unsigned long new)
{
	if ((!vswap_counted(old) && !vswap_counted(new)) ||
	    vswap_tag(old) == vswap_tag(new))
		return;
	vswap_count_n(id, vswap_counted(old) ? vswap_tag(old) : -1,
		      vswap_counted(new) ? vswap_tag(new) : -1, 1);
}

static void vswap_tier_free(swp_entry_t phys);

/* swapfile.c's swap_count(): the references, without SWAP_HAS_CACHE */
static inline unsigned char vswap_map_count(unsigned char ent)
{
	return ent & ~SWAP_HAS_CACHE;
}

/*
 * Point @entry's descriptor at backend @new, keeping its cgroup id, and
 * give up the tier slot the old one held; returns the old backend.  The
 * owner alone changes the backend, but cgroup v1's charge moving may
 * change the id meanwhile (vswap_cgroup_cmpxchg()): hence the loop.  A
 * zswap entry is not ours to drop here: zswap lets it go itself on an
 * exclusive load, writeback and a failed or replacing store, and the free
 * paths invalidate it before calling vswap_release(); the one case left, a
 * page rewritten as zeroes, is handled in vswap_writepage().
 */
static __always_inline unsigned long
vswap_xchg(swp_entry_t entry, unsigned long new)
{
	atomic_long_t *desc = vswap_desc(entry);
	unsigned long raw = atomic_long_read(desc), old;

	do {
		old = vswap_desc_backend(raw);
		if (old == new)
			return old;
	} while (!atomic_long_try_cmpxchg(desc, &raw,
					  vswap_desc_keep_id(new, raw)));
	vswap_count(vswap_desc_id(raw), old, new);
	if (vswap_tag(old) == VSWAP_PHYS)
		vswap_tier_free(vswap_desc_phys(old));
	return old;
}

static void vswap_set(swp_entry_t entry, unsigned long new)
{
	vswap_xchg(entry, new);
}

/* The @i-th entry after @entry on the same device */
static inline swp_entry_t swp_entry_nth(swp_entry_t entry, long i)
{
	return swp_entry(swp_type(entry), swp_offset(entry) + i);
}

/* vswap_set() on each page of @folio, dropping what zswap held for it */
static void vswap_set_folio(struct folio *folio, unsigned long new)
{
	long i, nr = folio_nr_pages(folio);
	swp_entry_t entry;

	for (i = 0; i < nr; i++) {
		entry = swp_entry_nth(folio->swap, i);
		if (vswap_tag(vswap_load(vswap_desc(entry))) == VSWAP_ZSWAP)
			zswap_invalidate(entry);
		vswap_set(entry, new);
	}
}

/* ---------------------------------------------------------------------
 * Tiers
 */

static void vswap_tiers_sync_update(bool swapoff);

/*
 * Tier @si's first page since its swapon: it counts in the tier hints from
 * now on (there is no swapon hook).  Called holding a device reference,
 * which keeps vswap_tier_swapoff() from clearing @ready meanwhile.
 */
static void vswap_tier_prepare(struct swap_info_struct *si)
{
	struct vswap_tier *tier = &vswap_tiers[si->type];

	if (!READ_ONCE(tier->ready) && !cmpxchg(&tier->ready, 0, 1))
		vswap_tiers_sync_update(false);
}

/*
 * Is swap type @type a tier now: swapon'd and writable, neither the virtual
 * device nor a swap file over a network filesystem (SWP_FS_OPS, whose I/O
 * path would take the virtual device's file), and with offsets that fit a
 * descriptor (4 PiB of 4 KiB pages)?  Any value, no log line.
 */
bool vswap_is_tier(int type)
{
	struct swap_info_struct *si;
	unsigned long flags;

	if (type < 0 || type >= MAX_SWAPFILES)
		return false;
	si = swp_swap_info(swp_entry(type, 0));
	if (!si)
		return false;
	flags = READ_ONCE(si->flags);
	return (flags & SWP_WRITEOK) && !(flags & (SWP_VIRTUAL | SWP_FS_OPS)) &&
	       READ_ONCE(si->max) <= VSWAP_PHYS_OFF_MAX;
}

/*
 * Take @nr slots of tier @si to back virtual slots: one run of @nr
 * contiguous slots (a power of two) if @run, else up to @nr wherever they
 * are, into @slots (a run: its first entry).  The slots taken count in
 * the tier's nr_backing and are off nr_swap_pages; returns how many (a
 * run: @nr or 0).  The caller holds a reference to the tier's device.
 */
static int vswap_tier_take(struct swap_info_struct *si, int nr, bool run,
			   swp_entry_t *slots)
{
	struct vswap_tier *tier = &vswap_tiers[si->type];
	int got = 0;

	/*
	 * Counted before the slots exist: a swapoff that cleared SWP_WRITEOK
	 * after swap_alloc_slots() saw it set finds nr_backing > 0 in
	 * vswap_unuse_tier() and waits for the slots.  The barrier orders the
	 * increment before the SWP_WRITEOK test under si->lock.
	 */
	atomic_long_add(nr, &tier->nr_backing);
	/* pairs with swapoff clearing SWP_WRITEOK before reading nr_backing */
	smp_mb__after_atomic();
	if (READ_ONCE(si->flags) & SWP_WRITEOK) {
		if (run)
			got = swap_alloc_slots(si, 1, 1, slots, ilog2(nr)) ? nr : 0;
		else
			got = swap_alloc_slots(si, 1, nr, slots, 0);
	}
	atomic_long_sub(got, &nr_swap_pages);
	atomic_long_sub(nr - got, &tier->nr_backing);
	return got;
}

/*
 * Tier slots on tier @type for @nr virtual entries: one run of @nr
 * contiguous slots (a power of two) if @run, else @nr slots wherever they
 * are.  The slots go to @phys: its first entry for a run, @nr entries
 * otherwise.  Returns @nr, or 0 (nothing taken) when the tier cannot give
 * them all.  Sleeps.
 */
static int vswap_tier_alloc_on(int type, int nr, bool run, swp_entry_t *phys)
{
	struct vswap_tier *tier = &vswap_tiers[type];
	struct swap_info_struct *si;
	int got, i;

	if (!vswap_is_tier(type))
		return 0;
	/* the device, and its swap_map, stay until we are done */
	si = get_swap_device(swp_entry(type, 1));
	if (!si)
		return 0;
	vswap_tier_prepare(si);
	got = vswap_tier_take(si, nr, run, phys);
	if (got == nr) {
		count_vm_events(VSWAP_TIER_ALLOC, nr);
	} else {
		/*
		 * Only scattered slots come partly (a run is all or
		 * nothing); swap_range_free() gives nr_swap_pages back.
		 */
		for (i = 0; i < got; i++)
			swap_free_nr(phys[i], 1);
		atomic_long_sub(got, &tier->nr_backing);
	}
	put_swap_device(si);
	return got == nr ? nr : 0;
}

/* ---------------------------------------------------------------------
 * Per-CPU caches of tier slots
 *
 * Stock takes an order-0 page's slot from the per-CPU cache of
 * mm/swap_slots.c, which get_swap_pages() refills SWAP_BATCH slots at a
 * time; while vswap is on that cache holds virtual slots, and a page's
 * tier slot was taken on its own at each writeout: a device reference,
 * si->lock, a cluster scan, the counters.  A CPU now keeps up to
 * VSWAP_TIER_CACHE slots of one tier, taken under one si->lock, and hands
 * them out in slot order, so that consecutive writeouts still go to
 * consecutive sectors.  Large folios and moves between tiers take their
 * slots as before (vswap_tier_alloc_on()).
 *
 * A cached slot is taken in its tier's swap_map (count 1) and in
 * nr_swap_pages, as a slot in stock's cache is, and counts in its tier's
 * nr_backing, but no descriptor names it yet.  So a swapoff of the tier
 * takes the cached slots back from every CPU before it waits for
 * nr_backing (vswap_unuse_tier()), and no slot can enter a cache after
 * that: the refill counts the slots in nr_backing before it tests
 * SWP_WRITEOK (vswap_tier_take()), and swap_alloc_slots() tests it again
 * under si->lock.  A slot handed out that no descriptor names yet counts
 * in nr_backing too: the swapoff waits for it, as for one
 * mid-allocation.  A CPU that goes offline gives its slots back
 * (vswap_cpu_dead()); disabling vswap gives every CPU's back.
 *
 * Cached slots count as used, in the tier's inuse_pages and in
 * nr_swap_pages, so caches holding the last free slots of a tier would
 * make it look full.  As stock's cache turns itself off below two batches
 * per online CPU (check_cache_active()), a tier with fewer free slots than
 * that hands its slots out one at a time, and the CPU that finds it so
 * first takes every CPU's cached slots of it back: the tier fills up to
 * its last slot before the next tier takes a page.  A CPU whose cache was
 * then filled from the next tier hands those slots out first, even once
 * the full tier has room again (vswap_tier_alloc()).
 */

/* Tier slots a CPU keeps */
#define VSWAP_TIER_CACHE	32

struct vswap_tier_cache {
	/*
	 * The fields below; taken from any CPU.  A mutex, as stock's
	 * alloc_lock: the refill's scan of a rotational tier may reschedule.
	 */
	struct mutex lock;
	int type;		/* the tier of the slots; -1 none */
	int next;		/* slots[next..nr) are free to hand out */
	int nr;
	swp_entry_t slots[VSWAP_TIER_CACHE];
};

/* lock: mutex_init() by vswap_init(), before vswap is first enabled */
static DEFINE_PER_CPU(struct vswap_tier_cache, vswap_tier_cache) = {
	.type = -1,
};

/* Refills of a CPU's cache of tier slots, since boot */
static atomic_long_t vswap_tier_cache_refills = ATOMIC_LONG_INIT(0);
/* Tiers found nearly full with slots in caches, which were given back */
static atomic_long_t vswap_tier_cache_drains = ATOMIC_LONG_INIT(0);

/*
 * Move @tc's slots to @out (VSWAP_TIER_CACHE entries), under tc->lock;
 * returns how many.
 */
static int vswap_tier_cache_take(struct vswap_tier_cache *tc, swp_entry_t *out)
{
	int n = tc->nr - tc->next;

	lockdep_assert_held(&tc->lock);
	memcpy(out, tc->slots + tc->next, n * sizeof(*out));
	/* vswap_tier_held() reads these without the lock */
	WRITE_ONCE(tc->type, -1);
	WRITE_ONCE(tc->next, 0);
	WRITE_ONCE(tc->nr, 0);
	return n;
}

/* The next of @tc's slots if it has one on tier @type, under tc->lock */
static swp_entry_t vswap_tier_cache_pop(struct vswap_tier_cache *tc, int type)
{
	swp_entry_t slot = {};

	lockdep_assert_held(&tc->lock);
	if (tc->type == type && tc->next < tc->nr) {
		slot = tc->slots[tc->next];
		WRITE_ONCE(tc->next, tc->next + 1);
	}
	return slot;
}

/*
 * Sort @n tier slots by tier and offset, for swap_free_slots() to free
 * runs of them at once.  A batch is mostly in order already: pages leave
 * in about the order their slots were handed out, which is slot order.
 * When they leave in random order (pages touched at random) sorting finds
 * no runs to free together: after 2 * @n moves the sort stops, leaving
 * the slots partly sorted, which swap_free_slots() takes as well.
 */
static void vswap_sort_slots(swp_entry_t *slots, int n)
{
	int i, j, budget = 2 * n;
	swp_entry_t x;

	for (i = 1; i < n; i++) {
		x = slots[i];
		for (j = i; j > 0 && slots[j - 1].val > x.val; j--) {
			if (!budget--)
				break;
			slots[j] = slots[j - 1];
		}
		slots[j] = x;
		if (budget < 0)
			return;
	}
}

/*
 * Give back @n slots of tier @type that nr_backing counts and no
 * descriptor names (cached, or freed and batched): in the tier's swap_map
 * and counters, then in nr_backing, which kept a swapoff of the tier
 * waiting for them.  No lock held (swap_free_slots() takes the tier's).
 * Slots in offset order free a run at a time (vswap_sort_slots()).
 */
static void vswap_tier_cache_free(int type, swp_entry_t *slots, int n)
{
	struct swap_info_struct *si = get_swap_device(swp_entry(type, 1));

	if (WARN_ON_ONCE(!si))
		return;
	swap_free_slots(si, slots, n);
	atomic_long_sub(n, &vswap_tiers[type].nr_backing);
	put_swap_device(si);
}

/* Give back CPU @cpu's cached slots if they are on tier @type (-1: any) */
static void vswap_tier_cache_drain_cpu(int cpu, int type)
{
	struct vswap_tier_cache *tc = per_cpu_ptr(&vswap_tier_cache, cpu);
	swp_entry_t slots[VSWAP_TIER_CACHE];
	int n = 0, t;

	mutex_lock(&tc->lock);
	t = tc->type;
	if (t >= 0 && (type < 0 || t == type))
		n = vswap_tier_cache_take(tc, slots);
	mutex_unlock(&tc->lock);
	if (n)
		vswap_tier_cache_free(t, slots, n);
}

static void vswap_tier_frees_flush_cpu(int cpu, int type);

/*
 * Give back every CPU's cached slots on tier @type (-1: any tier), and
 * the slots freed on it that wait in a batch
 */
static void vswap_tier_cache_drain(int type)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		vswap_tier_cache_drain_cpu(cpu, type);
		vswap_tier_frees_flush_cpu(cpu, type);
	}
}

/*
 * Fill @tc, empty or holding another tier's slots, from tier @si: under
 * tc->lock, with a reference to the tier's device.  A buffer takes the new
 * slots first, so that a tier with none to give leaves @tc as it is; the
 * slots @tc held go back once there are new ones (swap_free_slots() takes
 * the tiers' spinlocks only).  The buffer is not zeroed on entry
 * (CONFIG_INIT_STACK_ALL_ZERO): only the slots taken are read.
 */
static noinline void vswap_tier_cache_refill(struct vswap_tier_cache *tc,
					     struct swap_info_struct *si)
{
	swp_entry_t buf[VSWAP_TIER_CACHE] __uninitialized;
	int got;

	lockdep_assert_held(&tc->lock);
	got = vswap_tier_take(si, VSWAP_TIER_CACHE, false, buf);
	if (!got)
		return;
	if (tc->type >= 0 && tc->next < tc->nr)
		vswap_tier_cache_free(tc->type, tc->slots + tc->next,
				      tc->nr - tc->next);
	memcpy(tc->slots, buf, got * sizeof(*buf));
	WRITE_ONCE(tc->type, si->type);
	WRITE_ONCE(tc->next, 0);
	WRITE_ONCE(tc->nr, got);
	atomic_long_inc(&vswap_tier_cache_refills);
}

/* Has tier @si fewer free slots than the caches could hold two times over? */
static bool vswap_tier_cache_low(struct swap_info_struct *si)
{
	long free = (long)READ_ONCE(si->pages) - READ_ONCE(si->inuse_pages);

	return free < 2L * VSWAP_TIER_CACHE * num_online_cpus();
}

static long vswap_tier_held(int type, long *cached, long *freed);

/*
 * A tier slot on tier @type for an order-0 page, from this CPU's cache.
 * False, with nothing taken, when the tier has no slot for it.  @type -1:
 * the next of the slots this CPU's cache holds, whichever tier they are
 * on, and false when it holds none (no refill).  Sleeps.
 */
static bool vswap_tier_cache_alloc(int type, swp_entry_t *phys)
{
	struct vswap_tier_cache *tc;
	swp_entry_t slot = {};
	struct swap_info_struct *si;
	bool any = type < 0;

	if (!any && !vswap_is_tier(type))
		return false;
	tc = raw_cpu_ptr(&vswap_tier_cache);
	mutex_lock(&tc->lock);
	if (any)
		type = tc->type;
	if (type >= 0 && (!any || vswap_is_tier(type)))
		slot = vswap_tier_cache_pop(tc, type);
	mutex_unlock(&tc->lock);
	if (slot.val)
		goto out;
	if (any)
		return false;

	si = swp_swap_info(swp_entry(type, 0));
	if (vswap_tier_cache_low(si)) {
		/* the slots held in caches are the last ones: give them back */
		if (vswap_tier_held(type, NULL, NULL)) {
			vswap_tier_cache_drain(type);
			atomic_long_inc(&vswap_tier_cache_drains);
		}
		return vswap_tier_alloc_on(type, 1, false, phys) == 1;
	}
	/* the device, and its swap_map, stay until the refill is done */
	si = get_swap_device(swp_entry(type, 1));
	if (!si)
		return false;
	vswap_tier_prepare(si);
	/* the task may be on another CPU now: fill the cache it locks */
	tc = raw_cpu_ptr(&vswap_tier_cache);
	mutex_lock(&tc->lock);
	slot = vswap_tier_cache_pop(tc, type);
	if (!slot.val) {
		vswap_tier_cache_refill(tc, si);
		slot = vswap_tier_cache_pop(tc, type);
	}
	mutex_unlock(&tc->lock);
	put_swap_device(si);
	if (!slot.val)
		return false;
out:
	count_vm_event(VSWAP_TIER_ALLOC);
	*phys = slot;
	return true;
}

/*
 * Tier slots of tier @type that back virtual slots: not the cached ones,
 * nor those freed and waiting in a batch
 */
static long vswap_tier_backing(int type)
{
	return max(atomic_long_read(&vswap_tiers[type].nr_backing) -
		   vswap_tier_held(type, NULL, NULL), 0L);
}

/* CPU @cpu is dead: its sums, its cached and its freed tier slots go */
static int vswap_cpu_dead(unsigned int cpu)
{
	vswap_stat_cpu_dead(cpu);
	vswap_tier_cache_drain_cpu(cpu, -1);
	vswap_tier_frees_flush_cpu(cpu, -1);
	return 0;
}

/* The tiers, by priority, with tier @prefer first if it is one */
static int vswap_tier_types(int *types, int prefer)
{
	int n = swap_tier_types(types, MAX_SWAPFILES), i;

	for (i = 1; prefer >= 0 && i < n; i++) {
		if (types[i] == prefer) {
			memmove(types + 1, types, i * sizeof(*types));
			types[0] = prefer;
			break;
		}
	}
	return n;
}

/*
 * A tier slot for an order-0 page: on tier @prefer if it is one and has
 * room, else on the first tier by priority that has.  {0} if no tier has
 * room.
 *
 * With no tier asked for, the slots this CPU holds come first, whichever
 * tier they are on: the cache was filled from the first tier by priority
 * that had room, and the tier list costs swap_lock and a walk at each
 * page.  As stock's per-CPU slot cache does, a CPU can so hand out up to
 * VSWAP_TIER_CACHE more slots of a tier after one of higher priority was
 * swapon'd or got room again; its next refill takes the order anew.
 */
static swp_entry_t vswap_tier_alloc(int prefer)
{
	/* not zeroed at each writeout: only the @n filled in are read */
	int types[MAX_SWAPFILES] __uninitialized, n, i;
	swp_entry_t phys = {};

	if (prefer < 0 && vswap_tier_cache_alloc(-1, &phys))
		return phys;
	n = vswap_tier_types(types, prefer);
	for (i = 0; i < n; i++)
		if (vswap_tier_cache_alloc(types[i], &phys))
			return phys;
	return (swp_entry_t){};
}

/* Large folios written to scattered tier slots (vswap_bio_scatter()) */
static atomic_long_t vswap_folios_scattered = ATOMIC_LONG_INIT(0);
/* Tier slots of a large folio taken at a time when they are scattered */
#define VSWAP_SCATTER_BATCH	16

/*
 * Tier slots for every page of large folio @folio, all on one tier, each
 * descriptor pointed at its slot: on tier @prefer if it has room, else the
 * first by priority.  On a tier, one run of contiguous slots if it has
 * one, which is one write, as on stock; else any slots it has, written a
 * run of contiguous ones at a time (vswap_bio_scatter()), where stock
 * splits the folio.  False, with no slot taken, when no tier has room for
 * the whole folio.
 */
static bool vswap_tier_alloc_folio(struct folio *folio, int prefer)
{
	swp_entry_t entry = folio->swap, phys[VSWAP_SCATTER_BATCH];
	int types[MAX_SWAPFILES], n, t, i, done, got;
	int nr = folio_nr_pages(folio);

	n = vswap_tier_types(types, prefer);
	for (t = 0; t < n; t++) {
		if (vswap_tier_alloc_on(types[t], nr, true, phys)) {
			for (i = 0; i < nr; i++)
				vswap_set(swp_entry_nth(entry, i),
					  vswap_phys_desc(swp_entry_nth(phys[0], i)));
			return true;
		}
		for (done = 0; done < nr; done += got) {
			got = vswap_tier_alloc_on(types[t],
						  min(nr - done, VSWAP_SCATTER_BATCH),
						  false, phys);
			if (!got)
				break;
			for (i = 0; i < got; i++)
				vswap_set(swp_entry_nth(entry, done + i),
					  vswap_phys_desc(phys[i]));
		}
		if (done == nr) {
			atomic_long_inc(&vswap_folios_scattered);
			return true;
		}
		/* this tier has no room for all of it: give back what it gave */
		for (i = 0; i < done; i++)
			vswap_set(swp_entry_nth(entry, i), VSWAP_FOLIO);
	}
	return false;
}

/*
 * Has every page of @folio a tier slot already, all on one tier, tier
 * @prefer if that is not -1?  Then the folio's new write reuses them.
 */
static bool vswap_folio_on_tier(struct folio *folio, int prefer)
{
	long i, nr = folio_nr_pages(folio);
	unsigned long desc;
	int type = prefer;

	for (i = 0; i < nr; i++) {
		desc = vswap_load(vswap_desc(swp_entry_nth(folio->swap, i)));
		if (vswap_tag(desc) != VSWAP_PHYS)
			return false;
		if (type < 0)
			type = swp_type(vswap_desc_phys(desc));
		if (swp_type(vswap_desc_phys(desc)) != type)
			return false;
	}
	return true;
}

/* ---------------------------------------------------------------------
 * Freed tier slots, batched per CPU
 *
 * A tier slot has a count of 1 in its tier's swap_map and is in no swap
 * cache: the page it holds is the virtual slot's, and no page table
 * names the tier slot.  swap_free_nr() would still take it the way of a
 * page's slot: its count to SWAP_HAS_CACHE under the cluster lock, then
 * mm/swap_slots.c's per-CPU cache of freed slots, whose batches
 * swapcache_free_entries() groups by device, where the tier slots come
 * between the virtual slots their pages held - some 600 instructions a
 * slot, about a third of what a tier-backed page costs more than stock's.
 *
 * A freed tier slot, which no descriptor names any more (a swapoff of the
 * tier does not move it), waits in its CPU's batch, still counted in the
 * tier's nr_backing: a swapoff of the tier flushes every CPU's batch
 * before and while it waits for nr_backing to reach zero
 * (vswap_unuse_tier()), and nr_backing keeps the tier's swap_map until
 * the batch is flushed.  swap_free_slots() gives a
 * batch back under the tier's lock, each slot straight from count 1 to
 * free.  A batch holds one tier's slots; a slot of another tier flushes
 * it first.  As stock's cache of freed slots, a batch makes its slots
 * look used until it is flushed: when full, when its CPU dies, when the
 * tier runs low (vswap_tier_cache_alloc()), at the tier's swapoff and
 * when vswap is disabled; and as stock frees directly while its caches
 * are off, a slot freed on a tier running low goes back at once.
 */

struct vswap_tier_frees {
	/*
	 * The fields below; taken from any CPU.  A spinlock: slots are freed
	 * under other spinlocks (vswap_set() in the swap free paths).
	 */
	spinlock_t lock;
	int type;		/* the tier of the slots; -1 none */
	int nr;
	swp_entry_t slots[VSWAP_TIER_CACHE];
	int cpu;		/* whose batch this is; constant */
};

/* lock and cpu: set by vswap_init() */
static DEFINE_PER_CPU(struct vswap_tier_frees, vswap_tier_frees) = {
	.type = -1,
};

/*
 * Move @tf's slots to @out (VSWAP_TIER_CACHE entries) and return how
 * many, their tier in *@type; under tf->lock
 */
static int vswap_tier_frees_take(struct vswap_tier_frees *tf, swp_entry_t *out,
				 int *type)
{
	int n = tf->nr;

	lockdep_assert_held(&tf->lock);
	*type = tf->type;
	memcpy(out, tf->slots, n * sizeof(*out));
	/* vswap_tier_held() reads these without the lock */
	WRITE_ONCE(tf->type, -1);
	WRITE_ONCE(tf->nr, 0);
	return n;
}

/* Give back CPU @cpu's batch of freed slots if they are on tier @type (-1: any) */
static noinline void vswap_tier_frees_flush_cpu(int cpu, int type)
{
	struct vswap_tier_frees *tf = per_cpu_ptr(&vswap_tier_frees, cpu);
	swp_entry_t slots[VSWAP_TIER_CACHE];
	unsigned long flags;
	int n = 0, t = -1;

	spin_lock_irqsave(&tf->lock, flags);
	if (tf->nr && (type < 0 || tf->type == type))
		n = vswap_tier_frees_take(tf, slots, &t);
	spin_unlock_irqrestore(&tf->lock, flags);
	if (n) {
		vswap_sort_slots(slots, n);
		vswap_tier_cache_free(t, slots, n);
	}
}

/*
 * Tier slots of tier @type (-1: any) that the CPUs hold and no
 * descriptor names: cached to hand out (*@cached) and freed, waiting in
 * batches (*@freed); either may be NULL.  Returns both together.  A
 * snapshot read without the locks, for reports.
 */
static long vswap_tier_held(int type, long *cached, long *freed)
{
	long c = 0, f = 0;
	int cpu, t;

	for_each_possible_cpu(cpu) {
		struct vswap_tier_cache *tc = per_cpu_ptr(&vswap_tier_cache, cpu);
		struct vswap_tier_frees *tf = per_cpu_ptr(&vswap_tier_frees, cpu);

		t = READ_ONCE(tc->type);
		if (t >= 0 && (type < 0 || t == type))
			c += max(READ_ONCE(tc->nr) - READ_ONCE(tc->next), 0);
		t = READ_ONCE(tf->type);
		if (t >= 0 && (type < 0 || t == type))
			f += READ_ONCE(tf->nr);
	}
	if (cached)
		*cached = c;
	if (freed)
		*freed = f;
	return c + f;
}

/*
 * Give tier slot @phys back; no sleeping, no virtual si->lock held.  No
 * descriptor names it any more; it leaves the tier's swap_map with its
 * CPU's next batch, and nr_backing counts it until then, which keeps the
 * tier's swap_map.  A tier running low frees it at once, as stock frees a
 * slot directly while its swap slot caches are off.
 */
static void vswap_tier_free(swp_entry_t phys)
{
	struct vswap_tier_frees *tf;
	int type = swp_type(phys), cpu;
	unsigned long flags;
	bool done;

	count_vm_event(VSWAP_TIER_FREE);
	if (unlikely(vswap_tier_cache_low(swp_swap_info(phys)))) {
		vswap_tier_cache_free(type, &phys, 1);
		return;
	}

	do {
		/* the task may move meanwhile: any CPU's batch will do */
		tf = raw_cpu_ptr(&vswap_tier_frees);
		spin_lock_irqsave(&tf->lock, flags);
		done = tf->nr < VSWAP_TIER_CACHE && (!tf->nr || tf->type == type);
		if (done) {
			tf->slots[tf->nr] = phys;
			WRITE_ONCE(tf->nr, tf->nr + 1);
			WRITE_ONCE(tf->type, type);
		}
		/*
		 * Full, or another tier's: give that batch back first.  A CPU
		 * seen online here flushes its batch when it is dead
		 * (vswap_cpu_dead() takes the lock); one already offline
		 * does not again.
		 */
		cpu = (!done || unlikely(!cpu_online(tf->cpu))) ? tf->cpu : -1;
		spin_unlock_irqrestore(&tf->lock, flags);
		if (cpu >= 0)
			vswap_tier_frees_flush_cpu(cpu, -1);
	} while (!done);
}

/* Is there a tier that could take a page now? */
static bool vswap_tier_room(void)
{
	int types[MAX_SWAPFILES] __uninitialized, n, i;

	n = swap_tier_types(types, ARRAY_SIZE(types));
	for (i = 0; i < n; i++) {
		struct swap_info_struct *si = swp_swap_info(swp_entry(types[i], 0));

		if (READ_ONCE(si->inuse_pages) < READ_ONCE(si->pages))
			return true;
	}
	return false;
}

/*
 * A move, first half: bring virtual @entry's data into the swap cache,
 * starting the read of its tier copy without waiting for it.  Returns the
 * folio (referenced), or NULL with *@ret 0 (freed meanwhile), -EAGAIN
 * (someone else's swap-in) or -ENOMEM.  @si holds the virtual device.
 */
static struct folio *vswap_move_start(struct swap_info_struct *si,
				      swp_entry_t entry, int *ret)
{
	struct folio *folio;
	unsigned char count;
	bool allocated;

	/*
	 * skip_if_exists: with SWAP_HAS_CACHE set and no folio yet, another
	 * task is mid swap-in - possibly charging a cgroup at memory.max for
	 * as long as it likes.  Don't sleep uninterruptibly behind it in
	 * __read_swap_cache_async(); report -EAGAIN and come back.  The
	 * charge may fail, but never OOM-kills the cgroup it charges: a
	 * policy's move is optional, and a swapoff fails with -ENOMEM.
	 */
	folio = __read_swap_cache_async(entry, GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN,
					get_task_policy(current),
					NO_INTERLEAVE_INDEX, &allocated, true);
	if (!folio) {
		/* as unuse_pte_range(): a slot still in use means no memory */
		count = READ_ONCE(si->swap_map[swp_offset(entry)]);
		if (!vswap_map_count(count) || vswap_map_count(count) == SWAP_MAP_BAD)
			*ret = 0;		/* freed meanwhile */
		else if (count & SWAP_HAS_CACHE)
			*ret = -EAGAIN;		/* someone else's swap-in */
		else
			*ret = -ENOMEM;		/* allocation or charge failed */
		return NULL;
	}
	if (allocated)
		swap_read_folio(folio, NULL);
	return folio;
}

/*
 * May a move write @folio to tier @type?  A page swapped in and mapped
 * stays in the swap cache, clean, and do_swap_page() maps an exclusive
 * one writable even on a read fault: it may change under the write.  The
 * copy going stale is harmless - reclaim's try_to_unmap() carries the
 * page table's dirty bit over to the folio, which is written again before
 * its slot is trusted - except to a device that needs pages stable under
 * writeback (integrity checksums): the page stays where it is for those.
 */
static bool vswap_move_may_write(struct folio *folio, int type)
{
	struct swap_info_struct *si;

	if (type < 0 || !folio_mapped(folio))
		return true;
	si = swp_swap_info(swp_entry(type, 0));
	return si && !(READ_ONCE(si->flags) & SWP_STABLE_WRITES);
}

/*
 * A move, second half: once @folio (from vswap_move_start()) is read, write
 * it to tier @tier, or with @tier -1 (or no room there) leave it as a dirty
 * folio for reclaim to place again.  Unless @entry meanwhile left tier slot
 * @from (any slot if @from is {0}), or is on @tier already, or (@memcg_id
 * non-zero) is charged to another cgroup.  Drops the folio's reference.
 * With @tier_only, a page that cannot go to @tier stays on its tier slot
 * (-ENOSPC when @tier is full).  Returns 1 when moved, 0 when there was
 * nothing to move, -EIO when the tier copy cannot be read.
 */
static int vswap_move_finish(struct folio *folio, swp_entry_t entry,
			     swp_entry_t from, int tier, unsigned short memcg_id,
			     bool tier_only)
{
	unsigned long raw, desc;
	swp_entry_t phys;
	bool writable;
	int ret = 0;

	folio_lock(folio);
	folio_wait_writeback(folio);
	/* the locked folio owns the entry, and so keeps its table, or not */
	if (!folio_test_swapcache(folio) ||
	    entry.val - folio->swap.val >= folio_nr_pages(folio))
		goto unlock;
	raw = atomic_long_read(vswap_desc(entry));
	desc = vswap_desc_backend(raw);
	if (vswap_tag(desc) != VSWAP_PHYS ||
	    (from.val && desc != vswap_phys_desc(from)) ||
	    (tier >= 0 && swp_type(vswap_desc_phys(desc)) == tier) ||
	    (memcg_id && vswap_desc_id(raw) != memcg_id))
		goto unlock;
	if (!folio_test_uptodate(folio)) {
		/* the tier copy is unreadable: do not retry it forever */
		ret = -EIO;
		goto unlock;
	}

	/* a large folio's pages go back to memory together */
	writable = !folio_test_dirty(folio) && !folio_test_large(folio) &&
		   vswap_move_may_write(folio, tier);
	if (tier >= 0 && writable) {
		if (vswap_tier_alloc_on(tier, 1, false, &phys)) {
			struct writeback_control wbc = {
				.sync_mode = WB_SYNC_NONE,
				.nr_to_write = 1,
			};

			vswap_set(entry, vswap_phys_desc(phys));
			count_vm_event(VSWAP_MOVE);
			/* unlocks the folio; a write error redirties it */
			__swap_writepage(folio, &wbc);
			folio_put(folio);
			return 1;
		}
	}
	/* a move to a tier only: what cannot go there stays where it is */
	if (tier >= 0 && tier_only) {
		ret = writable ? -ENOSPC : 0;
		goto unlock;
	}
	vswap_set_folio(folio, VSWAP_FOLIO);
	folio_mark_dirty(folio);
	count_vm_event(VSWAP_MOVE);
	ret = 1;
unlock:
	folio_unlock(folio);
	folio_put(folio);
	return ret;
}

/*
 * Move virtual @entry off its tier slot (@from, or whichever it has if
 * @from is {0}): read it into the swap cache, then write it to tier @tier
 * at once, or with @tier -1 (or no room there) leave it as a dirty folio
 * for reclaim to place again.  With @memcg_id, only if the entry is still
 * charged to that cgroup (a policy's move: the slot may have been freed
 * and reused since it was queued).  Sleeps, but never waits unboundedly
 * for another task's swap-in.
 *
 * Returns 1 when the entry was moved, 0 when there was nothing to move
 * (a stale scan or request), -EAGAIN when someone else owns the slot right
 * now, -ENOMEM when no folio could be allocated or charged (memory.max),
 * -EIO when the tier copy cannot be read.
 */
static int vswap_move(swp_entry_t entry, swp_entry_t from, int tier,
		      unsigned short memcg_id)
{
	struct swap_info_struct *si;
	struct folio *folio;
	int ret = 0;

	si = get_swap_device(entry);
	if (!si)
		return 0;
	if (si->flags & SWP_VIRTUAL) {
		folio = vswap_move_start(si, entry, &ret);
		if (folio)
			ret = vswap_move_finish(folio, entry, from, tier, memcg_id,
						false);
	}
	put_swap_device(si);
	return ret;
}

/* The virtual device, referenced (put_swap_device()), or NULL when off */
static struct swap_info_struct *vswap_get_device(void)
{
	unsigned int type = READ_ONCE(vswap_type);
	struct swap_info_struct *si;

	si = type < MAX_SWAPFILES ? get_swap_device(swp_entry(type, 1)) : NULL;
	if (si && !(si->flags & SWP_VIRTUAL)) {
		put_swap_device(si);
		si = NULL;
	}
	return si;
}

/* Pages a batch of moves reads before it writes them, plugged */
#define VSWAP_MOVE_BATCH	32

/* One page of a batch of moves */
struct vswap_move_slot {
	struct folio *folio;		/* read under way */
	swp_entry_t entry;		/* the virtual entry */
	swp_entry_t phys;		/* the tier slot it was on, or {0}: any */
	int tier;			/* where it goes, -1: memory */
	bool tier_only;			/* not into memory if @tier is full */
	unsigned short memcg_id;	/* charged to when picked, 0: no check */
};

/*
 * Finish the moves of @batch, whose reads were started together: wait for
 * all of them, then write them under one plug, so that pages getting
 * neighbouring slots on a tier go out as one request (a wait for a read
 * inside the plug would flush it, one write at a time).  Returns the
 * number of pages moved; *@full is set when a tier_only move found its
 * tier full.
 */
static long vswap_move_batch(struct vswap_move_slot *batch, int n, bool *full)
{
	struct blk_plug plug;
	long moved = 0;
	int i, ret;

	for (i = 0; i < n; i++)
		folio_wait_locked(batch[i].folio);
	blk_start_plug(&plug);
	for (i = 0; i < n; i++) {
		ret = vswap_move_finish(batch[i].folio, batch[i].entry, batch[i].phys,
					batch[i].tier, batch[i].memcg_id,
					batch[i].tier_only);
		if (ret > 0)
			moved++;
		else if (ret == -ENOSPC)
			*full = true;
	}
	blk_finish_plug(&plug);
	return moved;
}

/* A virtual slot and the tier slot behind it, as vswap_tier_scan() saw them */
struct vswap_backed {
	swp_entry_t entry;		/* the virtual slot */
	swp_entry_t phys;		/* its tier slot */
};

/*
 * The virtual slots of virtual cluster @c that tier @type backs, into @out
 * (SWAPFILE_CLUSTER entries); returns how many.  No reverse map points
 * from a tier slot to its virtual slot: a swapoff of the tier, or a move
 * off it, reads the descriptor tables of the populated clusters instead,
 * each under its cluster lock, which a retiring cluster takes before it
 * gives its table up (as vswap_desc_peek()).  What it finds may be stale
 * by the time the caller acts on it: vswap_move_finish() checks the
 * descriptor again, under the folio lock.  @vsi is the virtual device,
 * referenced, which keeps vswap.tables.
 */
static int vswap_tier_scan(struct swap_info_struct *vsi, int type,
			   unsigned long c, struct vswap_backed *out)
{
	struct swap_cluster_info *ci = vsi->cluster_info + c;
	atomic_long_t *table;
	unsigned long desc;
	int i, n = 0;

	/* most clusters of the virtual space have no table */
	if (!rcu_access_pointer(vswap.tables[c]))
		return 0;
	spin_lock(&ci->lock);
	table = vswap_table(vswap.tables, c);
	for (i = 0; table && i < SWAPFILE_CLUSTER; i++) {
		desc = vswap_load(table + i);
		if (vswap_tag(desc) != VSWAP_PHYS ||
		    swp_type(vswap_desc_phys(desc)) != type)
			continue;
		out[n].entry = swp_entry(vsi->type, c * SWAPFILE_CLUSTER + i);
		out[n].phys = vswap_desc_phys(desc);
		n++;
	}
	spin_unlock(&ci->lock);
	return n;
}

/* A move that a policy asked for, done by the move worker */
struct vswap_move_req {
	struct llist_node node;		/* vswap_move_reqs */
	swp_entry_t entry;
	swp_entry_t from;		/* the tier slot it was on when asked */
	int tier;
	unsigned short memcg_id;	/* 0: no check */
};

/*
 * Policies' moves run on a queue of their own: each is a read and a write,
 * and however many a policy queues, or however long they take, they never
 * hold up system_unbound_wq's other users.  One work item drains the
 * requests VSWAP_MOVE_BATCH at a time: their reads are started together
 * and their writes plugged together, so that promotions asked one page at
 * a time from swapin() reach a tier in few requests.  A request waits
 * VSWAP_MOVE_WAIT_MS at most for a batch to fill, and none once one has:
 * swap-ins from a slow tier come one at a time, and a worker that started
 * at each would write each alone.  The wait is short because a page
 * swapin() asks to promote is still in the swap cache, and moves without
 * a read or a charge while it is.  The queue is
 * freezable: a move frees a tier slot, and once a hibernation image is
 * taken, a slot it names must not be freed, or the image's writer could
 * reuse it.  Tasks (swap-in, swapoff, exit) are frozen by then too;
 * reclaim under the writer's allocations may still free the slot of a
 * clean swap-cache folio when vm_swap_full(), as on stock.
 */
static struct workqueue_struct *vswap_move_wq;
/* Requests queued, newest first: vswap_move_work takes them all */
static LLIST_HEAD(vswap_move_reqs);
static void vswap_move_workfn(struct work_struct *work);
static DECLARE_DELAYED_WORK(vswap_move_work, vswap_move_workfn);

/* Moves queued and not done yet: at most VSWAP_MOVES_MAX */
static atomic_t vswap_moves_pending = ATOMIC_INIT(0);
#define VSWAP_MOVES_MAX		1024
/* How long a request waits for a batch to fill */
#define VSWAP_MOVE_WAIT_MS	10

/* Moves done (or found stale) by the worker since boot */
static atomic_long_t vswap_moves_done = ATOMIC_LONG_INIT(0);
/*
 * Debug only (debugfs vswap/move_delay_ms, default 0): the worker sleeps
 * this long before each move, so that a move queue that does not drain can
 * be made at will (selftest watchdog_moves_stuck).
 */
static u32 vswap_move_delay_ms;

/* Run the worker @now (a batch is queued), else within the wait */
static void vswap_move_kick(bool now)
{
	if (now)
		mod_delayed_work(vswap_move_wq, &vswap_move_work, 0);
	else
		queue_delayed_work(vswap_move_wq, &vswap_move_work,
				   msecs_to_jiffies(VSWAP_MOVE_WAIT_MS));
}

/*
 * Start the move of @req into @slot: false when there is nothing to read
 * (freed, charged to another cgroup, or off its tier since it was queued;
 * someone else's swap-in; no memory for it)
 */
static bool vswap_move_req_start(struct swap_info_struct *vsi,
				 struct vswap_move_req *req,
				 struct vswap_move_slot *slot)
{
	unsigned short id;
	swp_entry_t phys;
	int err;

	if (swp_type(req->entry) != vsi->type ||
	    swp_offset(req->entry) >= vsi->max)
		return false;
	/*
	 * Skip a request gone stale before reading anything: charged to
	 * another cgroup, or off the tier slot it named (freed slots are off
	 * every tier).  vswap_move_finish() checks again with the folio locked.
	 */
	id = vswap_entry_memcg_id(req->entry, &phys);
	if ((req->memcg_id && id != req->memcg_id) ||
	    (req->from.val && phys.val != req->from.val))
		return false;
	slot->entry = req->entry;
	slot->phys = req->from;
	slot->tier = req->tier;
	slot->tier_only = false;
	slot->memcg_id = req->memcg_id;
	slot->folio = vswap_move_start(vsi, req->entry, &err);
	return slot->folio;
}

/*
 * The worker: one batch of VSWAP_MOVE_BATCH requests a run, then it queues
 * itself again, so that the freezer never waits for more than one batch.
 * Only this one work item runs it, never concurrently with itself, so the
 * batch and the backlog (requests taken off vswap_move_reqs, oldest first)
 * are its own.
 */
static void vswap_move_workfn(struct work_struct *work)
{
	static struct vswap_move_slot batch[VSWAP_MOVE_BATCH];
	static struct llist_node *backlog;
	struct llist_node *node, **tail;
	struct swap_info_struct *vsi;
	struct vswap_move_req *req;
	bool full = false;
	unsigned int delay;
	int i, k, n = 0;
	int pending;

	/* newer requests go behind the backlog */
	for (tail = &backlog; *tail; tail = &(*tail)->next)
		;
	*tail = llist_reverse_order(llist_del_all(&vswap_move_reqs));

	for (k = 0, node = backlog; node && k < VSWAP_MOVE_BATCH; k++)
		node = node->next;
	delay = IS_ENABLED(CONFIG_DEBUG_FS) ? READ_ONCE(vswap_move_delay_ms) : 0;
	if (delay && k)
		msleep(delay * k);
	vsi = vswap_get_device();
	for (i = 0; i < k; i++) {
		req = llist_entry(backlog, struct vswap_move_req, node);
		backlog = backlog->next;
		if (vsi && vswap_move_req_start(vsi, req, &batch[n]))
			n++;
		kfree(req);
	}
	vswap_move_batch(batch, n, &full);
	if (vsi)
		put_swap_device(vsi);
	atomic_long_add(k, &vswap_moves_done);
	pending = atomic_sub_return(k, &vswap_moves_pending);
	/* the backlog has waited already; newer requests kicked themselves */
	if (backlog)
		vswap_move_kick(true);
	else if (!llist_empty(&vswap_move_reqs))
		vswap_move_kick(pending >= VSWAP_MOVE_BATCH);
}

/* swap_ext's watchdog: moves queued and not done, and moves done so far */
void vswap_moves_state(int *pending, unsigned long *done)
{
	*done = atomic_long_read(&vswap_moves_done);
	*pending = atomic_read(&vswap_moves_pending);
}

/*
 * Is a folio in the swap cache at @entry?  SWAP_HAS_CACHE alone does not
 * say: a slot being allocated, or freed into a swap slots cache, has it
 * with no folio.
 */
static bool vswap_in_swap_cache(swp_entry_t entry)
{
	void *folio = xa_load(&swap_address_space(entry)->i_pages,
			      swap_cache_index(entry));

	return folio && !xa_is_value(folio);
}

/*
 * swap_ext: the id of the memory cgroup virtual @entry is charged to, or
 * 0 when @entry is not a live virtual entry (any value a policy passes:
 * another type, out of range, free, in an unpopulated cluster, being
 * allocated or freed); a slot only a folio in the swap cache holds is
 * live.  *@phys is the tier slot behind it, {0} when it has none.  No log
 * line.  It takes the slot's cluster lock, which keeps the cluster
 * populated, and with it the slot's descriptor, while we look: not to be
 * called with a swap cluster lock held.
 */
unsigned short vswap_entry_memcg_id(swp_entry_t entry, swp_entry_t *phys)
{
	pgoff_t off = swp_offset(entry);
	struct swap_info_struct *si;
	struct swap_cluster_info *ci;
	atomic_long_t *table;
	unsigned short id = 0;
	unsigned long raw, desc;
	unsigned char count;
	bool live;

	phys->val = 0;
	if (!swp_entry_is_virtual(entry) || !off)
		return 0;
	si = swp_swap_info(entry);
	/* get_swap_device() complains about offsets past the end */
	if (!si || off >= READ_ONCE(si->max))
		return 0;
	si = get_swap_device(entry);
	if (!si)
		return 0;
	if (!(si->flags & SWP_VIRTUAL) || off >= si->max)
		goto out;
	ci = si->cluster_info + off / SWAPFILE_CLUSTER;
	spin_lock(&ci->lock);
	table = vswap_table(vswap.tables, off / SWAPFILE_CLUSTER);
	/*
	 * SWAP_MAP_SHMEM (0xbf) and COUNT_CONTINUED counts are live too, and
	 * so is a slot only a swap cache folio holds: a page read back and
	 * mapped, whose tier copy lets it leave again without a write
	 */
	count = READ_ONCE(si->swap_map[off]);
	live = vswap_map_count(count) && vswap_map_count(count) != SWAP_MAP_BAD;
	if (!live && count == SWAP_HAS_CACHE)
		live = vswap_in_swap_cache(entry);
	if (table && live) {
		raw = atomic_long_read(table + off % SWAPFILE_CLUSTER);
		id = vswap_desc_id(raw);
		/* only a tier copy moves; a zswap one would just be read in */
		desc = vswap_desc_backend(raw);
		if (vswap_tag(desc) == VSWAP_PHYS)
			*phys = vswap_desc_phys(desc);
	}
	spin_unlock(&ci->lock);
out:
	put_swap_device(si);
	return id;
}

/*
 * Move virtual @entry to tier @tier (-1: into memory) when it is still on
 * tier slot @from, and (@memcg_id non-zero) still charged to that cgroup:
 * by the time the worker gets to it, the slot may have been freed and
 * reused, even for another cgroup's page.  Any context; the move happens
 * later, in a worker.
 */
int vswap_queue_move(swp_entry_t entry, swp_entry_t from, int tier,
		     unsigned short memcg_id)
{
	struct vswap_move_req *req;
	int pending;

	if (!swp_entry_is_virtual(entry) || !swp_offset(entry))
		return -ENOENT;
	if (!vswap_move_wq)
		return -ENOMEM;
	pending = atomic_inc_return(&vswap_moves_pending);
	if (pending > VSWAP_MOVES_MAX) {
		atomic_dec(&vswap_moves_pending);
		return -EBUSY;
	}
	req = kmalloc(sizeof(*req), GFP_NOWAIT | __GFP_NOWARN);
	if (!req) {
		atomic_dec(&vswap_moves_pending);
		return -ENOMEM;
	}
	req->entry = entry;
	req->from = from;
	req->tier = tier;
	req->memcg_id = memcg_id;
	llist_add(&req->node, &vswap_move_reqs);
	/* one kick a full batch: mod_delayed_work() is not free */
	vswap_move_kick(!(pending % VSWAP_MOVE_BATCH));
	return 0;
}

/* Is the cgroup @id names in @root's subtree? */
static bool vswap_memcg_in(unsigned short id, struct mem_cgroup *root)
{
#ifdef CONFIG_MEMCG
	struct mem_cgroup *memcg;
	bool in;

	rcu_read_lock();
	memcg = mem_cgroup_from_id(id);
	in = memcg && mem_cgroup_is_descendant(memcg, root);
	rcu_read_unlock();
	return in;
#else
	return false;
#endif
}

/*
 * swap_ext's proactive move: move up to @nr pages of @root and the cgroups
 * below it off tier @from to tier @to (-1: into memory, dirty, for reclaim
 * to place again).  The descriptor tables are read once, in virtual slot
 * order (vswap_tier_scan()); pages are read VSWAP_MOVE_BATCH at a time and
 * written together; a full @to ends the walk, the pages not moved staying
 * on @from.  Process context.  Returns the number of pages moved, or
 * -ENOMEM (nothing moved: a cgroup at memory.max, or no memory for the
 * walk), -ENOSPC (@to was full), -EINTR (a fatal signal), -EINVAL (@from
 * is not a tier now).
 */
long vswap_move_memcg(struct mem_cgroup *root, int from, int to,
		      unsigned long nr)
{
	struct vswap_move_slot *batch;
	struct swap_info_struct *si, *vsi;
	struct vswap_backed *found;
	bool full = false;
	long moved = 0;
	int n = 0, err = 0, cnt, i;
	unsigned long c;

	might_sleep();
	if (!vswap_is_tier(from))
		return -EINVAL;
	batch = kmalloc_array(VSWAP_MOVE_BATCH, sizeof(*batch), GFP_KERNEL);
	found = kmalloc_array(SWAPFILE_CLUSTER, sizeof(*found), GFP_KERNEL);
	if (!batch || !found) {
		err = -ENOMEM;
		goto free;
	}
	/* keeps the tier from swapoff's end */
	si = get_swap_device(swp_entry(from, 1));
	if (!si) {
		err = -EINVAL;
		goto free;
	}
	vsi = vswap_get_device();
	if (!vsi)
		goto out;
	for (c = 0; c < vswap.nr_clusters && !err && !full; c++) {
		cnt = vswap_tier_scan(vsi, from, c, found);
		for (i = 0; i < cnt && !err && !full; i++) {
			struct vswap_move_slot *slot = &batch[n];
			swp_entry_t phys;

			if (moved + n >= nr)
				break;
			slot->entry = found[i].entry;
			slot->memcg_id = vswap_entry_memcg_id(slot->entry, &phys);
			/* freed, or moved, since the scan */
			if (!slot->memcg_id || phys.val != found[i].phys.val)
				continue;
			if (!vswap_memcg_in(slot->memcg_id, root))
				continue;
			slot->phys = phys;
			slot->tier = to;
			slot->tier_only = true;
			slot->folio = vswap_move_start(vsi, slot->entry, &err);
			if (!slot->folio) {
				/* at memory.max: the next one would fail too */
				if (err != -ENOMEM)
					err = 0;
				continue;
			}
			if (++n == VSWAP_MOVE_BATCH) {
				moved += vswap_move_batch(batch, n, &full);
				n = 0;
			}
			if (fatal_signal_pending(current))
				err = -EINTR;
		}
		if (moved + n >= nr)
			break;
		cond_resched();
	}
	moved += vswap_move_batch(batch, n, &full);
	if (full)
		err = -ENOSPC;
	put_swap_device(vsi);
out:
	put_swap_device(si);
free:
	kfree(found);
	kfree(batch);
	return moved ?: err;
}

/* Tier swapoff gives up after this long without moving anything */
#define VSWAP_UNUSE_STALL	(10 * HZ)

/*
 * swapoff of tier @si, from try_to_unuse(), after swapoff_file() cleared
 * SWP_WRITEOK and took the tier off swap_active_head: no new tier slot is
 * handed out (swap_alloc_slots() tests SWP_WRITEOK under si->lock), and one
 * being handed out is already in nr_backing.  Move everything that backs
 * virtual slots off it, found in the descriptor tables (vswap_tier_scan()),
 * until nr_backing says none is left: a slot mid-writeout is counted before
 * its descriptor names it, and is found by the next pass.  What is left
 * afterwards was swapped to the tier directly (before vswap was enabled)
 * and goes through the page-table walk as usual.
 *
 * As stock try_to_unuse(): -EINTR on a signal, -ENOMEM when a page cannot
 * be brought in (a cgroup at memory.max), and swapoff_file() puts the tier
 * back.  -EIO for an unreadable tier copy, -EBUSY when the slots left stay
 * held by others for VSWAP_UNUSE_STALL.
 */
int vswap_unuse_tier(struct swap_info_struct *si)
{
	struct vswap_tier *tier = &vswap_tiers[si->type];
	unsigned long c, progress = jiffies;
	struct swap_info_struct *vsi;
	struct vswap_backed *found;
	int err = 0, n, i;
	long left, before;

	/* SWP_WRITEOK is clear: no slot of this tier enters a cache again */
	vswap_tier_cache_drain(si->type);
	/* a swapoff with nothing to move here does not fail for a buffer */
	if (atomic_long_read(&tier->nr_backing) <= 0)
		return 0;
	found = kmalloc_array(SWAPFILE_CLUSTER, sizeof(*found), GFP_KERNEL);
	if (!found)
		return -ENOMEM;
	while ((before = atomic_long_read(&tier->nr_backing)) > 0) {
		/* none while vswap is being disabled, which frees every slot */
		vsi = vswap_get_device();
		for (c = 0; vsi && c < vswap.nr_clusters && !err; c++) {
			n = vswap_tier_scan(vsi, si->type, c, found);
			for (i = 0; i < n && !err; i++) {
				if (signal_pending(current)) {
					err = -EINTR;
					break;
				}
				err = vswap_move(found[i].entry, found[i].phys, -1, 0);
				if (err == -EAGAIN || err > 0)
					err = 0;
				cond_resched();
			}
			cond_resched();
		}
		if (vsi)
			put_swap_device(vsi);
		if (err)
			goto out;
		/* slots freed meanwhile wait in batches: give them back */
		vswap_tier_cache_drain(si->type);
		left = atomic_long_read(&tier->nr_backing);
		if (left <= 0)
			break;
		if (left < before) {
			progress = jiffies;
		} else if (time_after(jiffies, progress + VSWAP_UNUSE_STALL)) {
			err = -EBUSY;
			break;
		}
		/* a slot mid-writeout, mid-allocation or mid-free: let it finish */
		schedule_timeout_interruptible(1);
		if (signal_pending(current)) {
			err = -EINTR;
			break;
		}
	}
out:
	kfree(found);
	return err;
}

/*
 * A swapoff of @si failed and put it back: it counts in the tier hints
 * again, which a tier's first page may have recomputed without it.
 */
void vswap_tier_reinsert(struct swap_info_struct *si)
{
	if (!(si->flags & SWP_VIRTUAL))
		vswap_tiers_sync_update(false);
}

/* Tier @si is gone: nothing can back virtual slots on it any more */
void vswap_tier_swapoff(struct swap_info_struct *si)
{
	struct vswap_tier *tier = &vswap_tiers[si->type];

	vswap_tiers_sync_update(true);
	WARN_ON_ONCE(atomic_long_read(&tier->nr_backing));
	/* no device reference is left: the type's next swapon starts anew */
	WRITE_ONCE(tier->ready, 0);
}

/*
 * The swap_cgroup map of a device being swapon'd.  Stock swapon allocates
 * 2 bytes a slot for it (a page per 2048 slots) to record the cgroup each
 * entry is charged to.  While vswap is on, a tier's slots are never
 * charged: the virtual slot they back carries the charge, and only vswap
 * takes tier slots.  So the tier gets the map's pointer array alone, which
 * reads as no cgroup everywhere, and the pages come when stock entries
 * could: vswap_disable() populates every map before it lets the stock
 * allocator go to the devices.  (With no stock entry on the tier, no
 * stock readahead puts its slots in the swap cache either, and so cgroup
 * v1's mem_cgroup_swapout() has no folio of them to record.)  A populated
 * map stays until the device's swapoff: the stock entries it took may
 * outlive vswap's return.
 */

/* Orders a swapon's choice of map against vswap_disable()'s population */
static DEFINE_MUTEX(vswap_cgroup_lock);
/* Swapon gives no map pages: vswap_cgroup_lock; set once vswap_on is */
static bool vswap_cgroup_lazy;

int vswap_cgroup_swapon(int type, unsigned long max_pages)
{
	int err;

	mutex_lock(&vswap_cgroup_lock);
	if (vswap_cgroup_lazy)
		err = swap_cgroup_swapon_lazy(type, max_pages);
	else
		err = swap_cgroup_swapon(type, max_pages);
	mutex_unlock(&vswap_cgroup_lock);
	return err;
}

/* New devices get map pages again, and every device but ours has them */
static int vswap_cgroup_populate_tiers(void)
{
	int type, err = 0;

	lockdep_assert_held(&vswap_ctl_lock);
	mutex_lock(&vswap_cgroup_lock);
	vswap_cgroup_lazy = false;
	for (type = 0; type < MAX_SWAPFILES && !err; type++) {
		if (type != vswap.si->type)
			err = swap_cgroup_populate_all(type);
	}
	if (err)
		vswap_cgroup_lazy = true;
	mutex_unlock(&vswap_cgroup_lock);
	return err;
}

/* vswap_on is set: stock entries stay off the devices swapon'd from now */
static void vswap_cgroup_set_lazy(void)
{
	mutex_lock(&vswap_cgroup_lock);
	vswap_cgroup_lazy = true;
	mutex_unlock(&vswap_cgroup_lock);
}

/* ---------------------------------------------------------------------
 * The sparse virtual device: clusters, descriptor tables, swap_map pages
 */

static void vswap_table_free_rcu(struct rcu_head *head)
{
	__free_page(container_of(head, struct page, rcu_head));
}

/*
 * Keep a retired table in the pool, or free it.  A cgroup id lookup may
 * read a table without holding a slot of it (vswap_cgroup_id()): the free
 * waits for a grace period.
 */
static void vswap_table_put(void *table)
{
	if (vswap.pool_nr < VSWAP_POOL)
		vswap.pool[vswap.pool_nr++] = table;
	else
		call_rcu(&virt_to_page(table)->rcu_head, vswap_table_free_rcu);
}

static unsigned long vswap_map_addr(unsigned long pg)
{
	return (unsigned long)vswap.map_area->addr + pg * PAGE_SIZE;
}

struct vswap_pte {
	struct page *page;
	pgprot_t prot;
	unsigned long nr;		/* PTEs written */
};

static int vswap_pte_set(pte_t *pte, unsigned long addr, void *data)
{
	struct vswap_pte *p = data;

	set_pte_at(&init_mm, addr, pte, mk_pte(p->page, p->prot));
	p->nr++;
	return 0;
}

/*
 * At enable: the bad page everywhere, page tables included, so that no
 * swap_map access ever finds a hole and no later switch allocates.
 */
static int vswap_map_init(unsigned long nr_pages)
{
	struct vswap_pte p = { .page = vswap.bad_page, .prot = PAGE_KERNEL_RO };

	return apply_to_page_range(&init_mm, vswap_map_addr(0),
				   nr_pages * PAGE_SIZE, vswap_pte_set, &p);
}

/*
 * Map @page at swap_map page @pg in place of what is there.  One PTE store:
 * a lockless reader sees the old page or the new one, and once this
 * returns, no CPU reaches the old one any more.
 */
static void vswap_map_switch(unsigned long pg, struct page *page,
			     pgprot_t prot)
{
	struct vswap_pte p = { .page = page, .prot = prot };
	unsigned long addr = vswap_map_addr(pg);

	apply_to_existing_page_range(&init_mm, addr, PAGE_SIZE,
				     vswap_pte_set, &p);
	WARN_ON_ONCE(p.nr != 1);
	flush_tlb_kernel_range(addr, addr + PAGE_SIZE);
}

/* Map the swap_map page that holds slot @off, in place of the bad page */
static int vswap_map_populate(unsigned long off)
{
	unsigned long pg = off / PAGE_SIZE;
	struct page *page;

	if (test_bit(pg, vswap.map_mapped))
		return 0;
	page = alloc_page(VSWAP_GFP);
	if (!page)
		return -ENOMEM;
	/* the clusters that stay unpopulated read as before: retired */
	memset(page_address(page), SWAP_MAP_BAD, PAGE_SIZE);
	vswap_map_switch(pg, page, PAGE_KERNEL);
	set_bit(pg, vswap.map_mapped);
	return 0;
}

/* Give cluster @ci what its slots need: map page and descriptor table */
static int vswap_cluster_populate(struct swap_info_struct *si,
				  struct swap_cluster_info *ci, void **tablep)
{
	unsigned long off = (ci - si->cluster_info) * SWAPFILE_CLUSTER;

	if (!*tablep) {
		*tablep = (void *)get_zeroed_page(VSWAP_GFP);
		if (!*tablep)
			return -ENOMEM;
		atomic_long_inc(&vswap.nr_table_allocs);
	}
	return vswap_map_populate(off);
}

/*
 * The allocator found no free cluster: activate an unpopulated one.
 * Returns 0 when a free cluster is there (ours or another activator's).
 */
static int vswap_activate_cluster(struct swap_info_struct *si)
{
	struct swap_cluster_info *ci;
	void *table = NULL;
	unsigned long idx;
	int err;

	mutex_lock(&vswap.grow_lock);
	spin_lock(&si->lock);
	if (!list_empty(&si->free_clusters)) {
		spin_unlock(&si->lock);
		mutex_unlock(&vswap.grow_lock);
		return 0;
	}
	if (list_empty(&vswap.unpopulated)) {
		spin_unlock(&si->lock);
		mutex_unlock(&vswap.grow_lock);
		return -ENOSPC;
	}
	ci = list_first_entry(&vswap.unpopulated, struct swap_cluster_info, list);
	list_del_init(&ci->list);
	if (vswap.pool_nr)
		table = vswap.pool[--vswap.pool_nr];
	spin_unlock(&si->lock);

	err = vswap_cluster_populate(si, ci, &table);

	spin_lock(&si->lock);
	if (err) {
		list_add(&ci->list, &vswap.unpopulated);
		if (table)
			vswap_table_put(table);
		spin_unlock(&si->lock);
		mutex_unlock(&vswap.grow_lock);
		return err;
	}
	idx = ci - si->cluster_info;
	spin_lock(&ci->lock);
	VM_WARN_ON_ONCE(ci->count || ci->flags);
	/* a lockless id lookup (vswap_cgroup_id()) finds it zeroed */
	rcu_assign_pointer(vswap.tables[idx], table);
	memset(si->swap_map + idx * SWAPFILE_CLUSTER, 0, SWAPFILE_CLUSTER);
	list_add_tail(&ci->list, &si->free_clusters);
	ci->flags = CLUSTER_FLAG_FREE;
	ci->order = 0;
	spin_unlock(&ci->lock);
	spin_unlock(&si->lock);
	atomic_long_inc(&vswap.nr_tables);
	atomic_long_inc(&vswap.nr_activated);
	mutex_unlock(&vswap.grow_lock);
	return 0;
}

/*
 * free_cluster() of the virtual device, under si->lock and ci->lock, with
 * ci->count == 0: give the table up and take the cluster off every list.
 */
void vswap_retire_cluster(struct swap_info_struct *si,
			  struct swap_cluster_info *ci)
{
	unsigned long idx = ci - si->cluster_info;
	atomic_long_t *table;

	lockdep_assert_held(&si->lock);
	lockdep_assert_held(&ci->lock);

	table = rcu_replace_pointer(vswap.tables[idx], NULL,
				    lockdep_is_held(&ci->lock));
	if (table) {
		int i;

		/*
		 * Every slot let its backend go, and was uncharged, before
		 * its count reached zero.  If one was not, the table is
		 * reused: leak what it names rather than hand it, or its
		 * charge, to the slot's next user.
		 */
		for (i = 0; i < SWAPFILE_CLUSTER; i++) {
			unsigned long raw = atomic_long_read(&table[i]);

			if (unlikely(raw)) {
				WARN_ONCE(1, "vswap: slot %lx retired with %lx\n",
					  idx * SWAPFILE_CLUSTER + i, raw);
				atomic_long_set(&table[i], 0);
				/* the backend's counters, the figures too */
				vswap_count(vswap_desc_id(raw),
					    vswap_desc_backend(raw), VSWAP_NONE);
			}
		}
	}
	/* a stale per-cpu hint must find nothing free here */
	memset(si->swap_map + idx * SWAPFILE_CLUSTER, SWAP_MAP_BAD,
	       SWAPFILE_CLUSTER);
	if (ci->flags)
		list_move(&ci->list, &vswap.unpopulated);
	else
		list_add(&ci->list, &vswap.unpopulated);
	ci->flags = 0;
	ci->order = 0;
	if (table) {
		vswap_table_put(table);
		atomic_long_dec(&vswap.nr_tables);
	}
	set_bit(idx / VSWAP_CLUSTERS_PER_MAP, vswap.map_idle);
	queue_delayed_work(system_unbound_wq, &vswap.release_work,
			   VSWAP_RELEASE_DELAY);
}

/*
 * Are all clusters sharing swap_map page @pg unpopulated?  Under grow_lock
 * none can be activated; taking si->lock waits out a retirement still in
 * progress.
 */
static bool vswap_map_idle(struct swap_info_struct *si, unsigned long pg)
{
	unsigned long c = pg * VSWAP_CLUSTERS_PER_MAP;
	unsigned long end = min(c + VSWAP_CLUSTERS_PER_MAP, vswap.nr_clusters);
	bool idle = test_bit(pg, vswap.map_mapped);

	lockdep_assert_held(&vswap.grow_lock);
	spin_lock(&si->lock);
	for (; idle && c < end; c++)
		idle = !rcu_access_pointer(vswap.tables[c]);
	spin_unlock(&si->lock);
	return idle;
}

/*
 * Give back swap_map page @pg, every swap count continuation page still
 * chained to it (stock frees those at swapoff).  Every slot there is free
 * and its cluster unpopulated: nothing but a stale reader of SWAP_MAP_BAD
 * looks at them.
 */
static void vswap_map_release(struct swap_info_struct *si, unsigned long pg)
{
	struct page *page = vmalloc_to_page((void *)vswap_map_addr(pg));
	struct page *cont, *next;

	vswap_map_switch(pg, vswap.bad_page, PAGE_KERNEL_RO);
	clear_bit(pg, vswap.map_mapped);

	spin_lock(&si->cont_lock);
	if (page_private(page)) {
		list_for_each_entry_safe(cont, next, &page->lru, lru) {
			list_del(&cont->lru);
			__free_page(cont);
		}
		set_page_private(page, 0);
	}
	spin_unlock(&si->cont_lock);
	__free_page(page);
	atomic_long_inc(&vswap.nr_released);
}

static void vswap_release_fn(struct work_struct *work)
{
	unsigned long pg, nr_pages = DIV_ROUND_UP(vswap.nr_slots, PAGE_SIZE);
	struct swap_info_struct *si = vswap.si;

	mutex_lock(&vswap.grow_lock);
	for_each_set_bit(pg, vswap.map_idle, nr_pages) {
		clear_bit(pg, vswap.map_idle);
		if (vswap_map_idle(si, pg))
			vswap_map_release(si, pg);
		cond_resched();
	}
	mutex_unlock(&vswap.grow_lock);
}

/*
 * Queue every cluster but 0 on the unpopulated list in the order they are
 * first activated in (retired ones are reused first after that): the
 * clusters of one swap_map page, 4096 slots, at the start of each swap
 * cache address space in turn, then the next 4096 slots of each, and so
 * on.  Clusters activated one after another share swap_map pages, as in
 * index order, and while fewer than 4096 slots of
 * each address space are in use, the swap cache's xarrays index below
 * 4096, two levels deep, rather than filling one address space's 16384
 * slots, three levels deep, and one xa_lock, first.  A stock device's
 * allocator spreads its clusters over the device, with the same effect.
 * Where a swap_map page covers more than an address space (64K pages),
 * the order is the index order.
 */
static void vswap_order_clusters(struct swap_cluster_info *cluster_info)
{
	const unsigned long per_space = max_t(unsigned long, 1,
				SWAP_ADDRESS_SPACE_PAGES / SWAPFILE_CLUSTER);
	/* a swap_map page wider than an address space: index order */
	const unsigned long group = min_t(unsigned long, per_space,
					  VSWAP_CLUSTERS_PER_MAP);
	unsigned long nr_spaces = DIV_ROUND_UP(vswap.nr_clusters, per_space);
	unsigned long first, space, c;
	struct swap_cluster_info *ci;

	for (first = 0; first < per_space; first += group) {
		for (space = 0; space < nr_spaces; space++) {
			for (c = space * per_space + first;
			     c < space * per_space + first + group &&
			     c < vswap.nr_clusters; c++) {
				if (!c)
					continue;
				ci = cluster_info + c;
				VM_WARN_ON_ONCE(!(ci->flags & CLUSTER_FLAG_FREE));
				list_move_tail(&ci->list, &vswap.unpopulated);
				ci->flags = 0;
			}
		}
	}
}

/*
 * swapon_virtual(), before the device goes live: populate cluster 0, which
 * holds the reserved slot 0, and take every other cluster off the free list.
 */
int vswap_setup_clusters(struct swap_info_struct *si,
			 struct swap_cluster_info *cluster_info,
			 unsigned char *swap_map)
{
	void *table = NULL;
	int err;

	si->cluster_info = cluster_info;	/* for vswap_cluster_populate() */
	err = vswap_cluster_populate(si, cluster_info, &table);
	si->cluster_info = NULL;
	if (err) {
		if (table)
			free_page((unsigned long)table);
		return err;
	}
	RCU_INIT_POINTER(vswap.tables[0], table);
	atomic_long_inc(&vswap.nr_tables);
	memset(swap_map, 0, SWAPFILE_CLUSTER);
	swap_map[0] = SWAP_MAP_BAD;

	vswap_order_clusters(cluster_info);
	vswap.si = si;
	return 0;
}

/* find_next_to_unuse(): is slot @offset in a swap_map page never mapped? */
bool vswap_map_hole(struct swap_info_struct *si, unsigned long offset)
{
	return !test_bit(offset / PAGE_SIZE, vswap.map_mapped);
}

/* Free the sparse swap_map, the descriptor tables and their indexes */
static void vswap_free_all(void)
{
	struct page *page, *next;
	unsigned long pg, c;
	LIST_HEAD(pages);

	if (vswap.map_area && vswap.map_mapped) {
		for_each_set_bit(pg, vswap.map_mapped,
				 DIV_ROUND_UP(vswap.nr_slots, PAGE_SIZE)) {
			page = vmalloc_to_page((void *)vswap_map_addr(pg));
			/* a swap count continuation head leaves this set */
			set_page_private(page, 0);
			list_add(&page->lru, &pages);
		}
	}
	/* as vfree() does: unmap the area, then free what was mapped */
	if (vswap.map_area)
		free_vm_area(vswap.map_area);
	vswap.map_area = NULL;
	list_for_each_entry_safe(page, next, &pages, lru)
		__free_page(page);
	if (vswap.bad_page)
		__free_page(vswap.bad_page);
	vswap.bad_page = NULL;
	/* the device is gone: no reader is left */
	for (c = 0; vswap.tables && c < vswap.nr_clusters; c++)
		free_page((unsigned long)
			  rcu_dereference_protected(vswap.tables[c], true));
	while (vswap.pool_nr)
		free_page((unsigned long)vswap.pool[--vswap.pool_nr]);
	kvfree(vswap.tables);
	vswap.tables = NULL;
	bitmap_free(vswap.map_mapped);
	vswap.map_mapped = NULL;
	bitmap_free(vswap.map_idle);
	vswap.map_idle = NULL;
	atomic_long_set(&vswap.nr_tables, 0);
	atomic_long_set(&vswap.nr_released, 0);
	atomic_long_set(&vswap.nr_activated, 0);
	atomic_long_set(&vswap.nr_table_allocs, 0);
	INIT_LIST_HEAD(&vswap.unpopulated);
}

/* swapoff of the virtual device, all slots free: undo vswap_enable() */
void vswap_free_map(struct swap_info_struct *si, unsigned char *swap_map)
{
	/* every cluster retired: the last release work may still run */
	cancel_delayed_work_sync(&vswap.release_work);
	vswap_free_all();
	/* before the type can be reused by a swapon */
	WRITE_ONCE(vswap_type, MAX_SWAPFILES);
}

/* ---------------------------------------------------------------------
 * Hooks on the swap paths
 */

/*
 * get_swap_pages() while vswap is on: every new entry is virtual.  Slots
 * are handed out while the backends have room (vswap_free_pages()), as
 * stock hands out device slots: with no tier and zswap off there is none,
 * and reclaim leaves anon pages alone.  A page that finds no backend after
 * all (the room was taken meanwhile) stays in memory (vswap_keep).
 *
 * A large folio (@order > 0) gets a run of slots, so that it can leave
 * memory whole, only when there is a tier to write it to: zswap in 6.12
 * stores single pages, and with no tier the folio is split, as it would be
 * on stock if stock could swap to zswap alone.  Where stock needs a free
 * run of device slots (a non-rotational block device with clusters), the
 * virtual device always has one: the folio is split only when the tiers
 * together have no room for it (vswap_tier_alloc_folio()).
 */
int vswap_get_pages(int n_goal, swp_entry_t entries[], int order)
{
	struct swap_info_struct *si;
	long avail, size = 1L << order;
	int n = 0, tries;

	if (order && READ_ONCE(__total_swap_pages) <= 0)
		return 0;
	/* keeps the device, and what activation touches, from going away */
	si = get_swap_device(swp_entry(READ_ONCE(vswap_type), 1));
	if (!si)
		return 0;

	avail = vswap_free_pages() / size;
	if (avail <= 0)
		goto out;
	n_goal = min3((long)n_goal, (long)SWAP_BATCH, avail);
	atomic_long_sub(n_goal * size, &vswap_nr_free);

	for (tries = 0; tries < 4; tries++) {
		n += swap_alloc_slots(si, SWAP_HAS_CACHE, n_goal - n, entries + n,
				      order);
		if (n == n_goal || vswap_activate_cluster(si))
			break;
	}
	if (n < n_goal)
		atomic_long_add((n_goal - n) * size, &vswap_nr_free);
out:
	put_swap_device(si);
	return n;
}

/*
 * Releasing backends a run of slots at a time.
 *
 * A slot whose last reference is gone has its descriptor set to NONE and
 * its backend let go.  Slots are mostly freed in runs: a CPU's batch of
 * freed slots (swapcache_free_entries()) holds them in about the order
 * they were taken, and exit and munmap free the runs of a page table.  So
 * a run's descriptors, in one table, are exchanged in one pass, each
 * cgroup's backend figures move once for the run (vswap_count_n()), and
 * the tier slots behind the run are gathered and given back together:
 * through their tier's swap_map at once when there are
 * VSWAP_RELEASE_DIRECT or more, else through the CPU's batch of freed
 * tier slots (vswap_tier_free()).  No sleeping; no virtual si->lock held.
 */

/* Gathered tier slots from this many on go back at once */
#define VSWAP_RELEASE_DIRECT	8

struct vswap_release {
	int nr;
	swp_entry_t tier[VSWAP_TIER_CACHE];	/* gathered tier slots */
};

/* Give back the tier slots gathered in @rel */
static void vswap_release_tier(struct vswap_release *rel)
{
	int i, j, type;

	if (rel->nr < VSWAP_RELEASE_DIRECT) {
		for (i = 0; i < rel->nr; i++)
			vswap_tier_free(rel->tier[i]);
		rel->nr = 0;
		return;
	}
	/* by tier, then offset: the type is in an entry's top bits */
	vswap_sort_slots(rel->tier, rel->nr);
	for (i = 0; i < rel->nr; i = j) {
		type = swp_type(rel->tier[i]);
		for (j = i + 1; j < rel->nr && swp_type(rel->tier[j]) == type; j++)
			;
		count_vm_events(VSWAP_TIER_FREE, j - i);
		vswap_tier_cache_free(type, rel->tier + i, j - i);
	}
	rel->nr = 0;
}

/* Count the slots @moves[tag] of cgroup @id released, and zero @moves */
static void vswap_uncount(unsigned short id, int *moves)
{
	int t;

	for (t = 0; t < ARRAY_SIZE(vswap_stat_item); t++) {
		if (moves[t])
			vswap_count_n(id, t, -1, moves[t]);
		moves[t] = 0;
	}
}

/*
 * Point the descriptor @desc, whose last reference is gone, at no backend,
 * keeping its cgroup id; returns the backend it had, its raw value before
 * in *@raw
 */
static __always_inline unsigned long vswap_desc_clear(atomic_long_t *desc,
						      unsigned long *raw)
{
	unsigned long old;

	*raw = atomic_long_read(desc);
	do {
		old = vswap_desc_backend(*raw);
		if (old == VSWAP_NONE)
			break;
	} while (!atomic_long_try_cmpxchg(desc, raw,
					  vswap_desc_keep_id(VSWAP_NONE, *raw)));
	return old;
}

/* Give the tier slot of backend @old, if it has one, to @rel */
static __always_inline void vswap_release_phys(unsigned long old,
					       struct vswap_release *rel)
{
	if (vswap_tag(old) != VSWAP_PHYS)
		return;
	if (rel->nr == ARRAY_SIZE(rel->tier))
		vswap_release_tier(rel);
	rel->tier[rel->nr++] = vswap_desc_phys(old);
}

/*
 * Release the backends of the @nr slots from @entry on, all of one
 * cluster, whose last references are gone; tier slots go to @rel.  Counted
 * a run per cgroup and backend.
 */
static noinline void vswap_release_run(swp_entry_t entry, int nr,
				       struct vswap_release *rel)
{
	atomic_long_t *desc = vswap_desc(entry);
	int moves[ARRAY_SIZE(vswap_stat_item)] = {};
	unsigned long raw, old;
	unsigned short id = 0;
	bool counted = false;
	int i;

	for (i = 0; i < nr; i++) {
		old = vswap_desc_clear(desc + i, &raw);
		if (vswap_counted(old)) {
			/* a run is mostly one cgroup's: count it once per cgroup */
			if (counted && vswap_desc_id(raw) != id)
				vswap_uncount(id, moves);
			id = vswap_desc_id(raw);
			counted = true;
			moves[vswap_tag(old)]++;
		}
		vswap_release_phys(old, rel);
	}
	if (counted)
		vswap_uncount(id, moves);
}

/*
 * vswap_release_run() for @nr slots from @entry on, of one cluster.  A slot
 * on its own (pages freed in random order) goes without a run's
 * bookkeeping, inline in the caller.
 */
static __always_inline void vswap_release_slots(swp_entry_t entry, int nr,
						struct vswap_release *rel)
{
	unsigned long raw, old;

	if (nr > 1) {
		vswap_release_run(entry, nr, rel);
		return;
	}
	old = vswap_desc_clear(vswap_desc(entry), &raw);
	if (vswap_counted(old))
		vswap_count_n(vswap_desc_id(raw), vswap_tag(old), -1, 1);
	vswap_release_phys(old, rel);
}

/* The last references to @nr virtual entries from @entry on are gone */
void __vswap_release(swp_entry_t entry, int nr)
{
	struct vswap_release rel __uninitialized;	/* rel.nr says what is */
	int n;

	rel.nr = 0;
	while (nr > 0) {
		n = min_t(int, nr, SWAPFILE_CLUSTER -
				   swp_offset(entry) % SWAPFILE_CLUSTER);
		vswap_release_slots(entry, n, &rel);
		entry.val += n;
		nr -= n;
	}
	if (rel.nr)
		vswap_release_tier(&rel);
}

/*
 * swapcache_free_entries(): the last references to a batch of @n freed
 * slots are gone; release the virtual ones' backends, a run of
 * consecutive slots of one cluster at a time.  Under the batch's
 * spinlock, interrupts off.
 */
void __vswap_release_entries(swp_entry_t *entries, int n)
{
	struct vswap_release rel __uninitialized;	/* rel.nr says what is */
	int i, nr;

	rel.nr = 0;
	for (i = 0; i < n; i += nr) {
		nr = 1;
		if (!swp_entry_is_virtual(entries[i]))
			continue;
		while (i + nr < n && entries[i + nr].val == entries[i].val + nr &&
		       (swp_offset(entries[i]) + nr) % SWAPFILE_CLUSTER)
			nr++;
		vswap_release_slots(entries[i], nr, &rel);
	}
	if (rel.nr)
		vswap_release_tier(&rel);
}

/*
 * swapcache_free_entries() sorts each batch of freed slots by device, so
 * that it takes each device's lock once.  While vswap is on there is
 * always more than one swap file, and sort() of a batch of 64 costs some
 * 19,500 instructions: a tier-backed page frees its tier slot just before
 * its virtual one, so such batches alternate between two devices.  The
 * order within a device does not matter (sort()'s comparison looks at the
 * type alone), so count the slots of each type and move each slot into
 * its type's range in place: a pass over the batch, one over the types
 * and at most one exchange per slot.  A batch of one device is left as
 * it is.  Returns false, for stock's sort(), when vswap is off or the
 * batch is not one it can count (a bad type, more than U8_MAX slots).
 */
bool vswap_sort_entries(swp_entry_t *entries, int n)
{
	/* per type: where its range ends, and its next unsorted slot */
	u8 end[MAX_SWAPFILES] = {}, next[MAX_SWAPFILES];
	unsigned long sum = 0, xor = 0;	/* CONFIG_DEBUG_VM: same slots after */
	int i, t, at = 0;

	if (!vswap_active() || n > U8_MAX)
		return false;
	for (i = 0; i < n; i++) {
		/* stock's sort() lets swap_info_get_cont() report it */
		if (unlikely(swp_type(entries[i]) >= MAX_SWAPFILES))
			return false;
		end[swp_type(entries[i])]++;
		sum += entries[i].val;
		xor ^= entries[i].val;
	}
	if (end[swp_type(entries[0])] == n)
		return true;
	for (t = 0; t < MAX_SWAPFILES; t++) {
		next[t] = at;
		at += end[t];
		end[t] = at;
	}
	for (t = 0; t < MAX_SWAPFILES; t++) {
		while (next[t] < end[t]) {
			int type = swp_type(entries[next[t]]), to;

			if (type == t) {
				next[t]++;
				continue;
			}
			/* swap() names its arguments twice */
			to = next[type]++;
			swap(entries[next[t]], entries[to]);
		}
	}
	if (IS_ENABLED(CONFIG_DEBUG_VM)) {
		for (i = 0; i < n; i++) {
			VM_WARN_ON_ONCE(i && swp_type(entries[i]) < swp_type(entries[i - 1]));
			sum -= entries[i].val;
			xor ^= entries[i].val;
		}
		VM_WARN_ON_ONCE(sum || xor);
	}
	return true;
}

/* @nr zero-filled pages of @folio written or read: no I/O */
static __always_inline void vswap_count_zero(struct folio *folio,
					     enum vm_event_item item, long nr)
{
	struct obj_cgroup *objcg = get_obj_cgroup_from_folio(folio);

	count_vm_events(item, nr);
	if (objcg) {
		count_objcg_events(objcg, item, nr);
		obj_cgroup_put(objcg);
	}
}

/*
 * swap_writepage() of a virtual folio, locked, in the swap cache: zero
 * folios need nothing, then zswap, then a tier (the slots the folio already
 * has, or new ones), else the folio stays in memory.  This is stock 6.12's
 * order, and as on stock a large folio is zero or written to a tier whole:
 * zswap refuses it.
 */
int vswap_writepage(struct folio *folio, struct writeback_control *wbc)
{
	swp_entry_t entry = folio->swap;
	unsigned long old = vswap_load(vswap_desc(entry));
	long nr = folio_nr_pages(folio);
	struct swap_ext_place pl = {};
	swp_entry_t phys;
	int prefer = -1;

	if (is_folio_zero_filled(folio)) {
		/* a copy zswap kept from an earlier writeout is stale now */
		vswap_set_folio(folio, VSWAP_ZERO);
		vswap_count_zero(folio, SWPOUT_ZERO, nr);
		folio_unlock(folio);
		return 0;
	}

	if (vswap_tag(old) == VSWAP_PHYS)
		pl.args.flags |= SWAP_EXT_PLACE_WAS_PHYS;
	switch (swap_ext_place(folio, &pl)) {
	case SWAP_EXT_KEEP:
	case SWAP_EXT_TIER:
		/* past zswap, whose copy from an earlier writeout is stale */
		if (vswap_tag(old) == VSWAP_ZSWAP)
			zswap_invalidate(entry);
		goto tier;
	default:
		break;
	}

	/* zswap points the descriptor at its entry (vswap_zswap_store()) */
	if (zswap_store_placed(folio, &pl)) {
		folio_unlock(folio);
		return 0;
	}

tier:
	if (pl.verdict == SWAP_EXT_KEEP)
		goto keep;
	if (pl.verdict == SWAP_EXT_TIER)
		prefer = pl.args.tier;
	if (!mem_cgroup_zswap_writeback_enabled(folio_memcg(folio)))
		goto keep;

	if (nr > 1) {
		if (!vswap_folio_on_tier(folio, prefer) &&
		    !vswap_tier_alloc_folio(folio, prefer))
			goto keep;
	} else if (vswap_tag(old) != VSWAP_PHYS ||
		   (prefer >= 0 && swp_type(vswap_desc_phys(old)) != prefer)) {
		phys = vswap_tier_alloc(prefer);
		if (!phys.val)
			goto keep;
		vswap_set(entry, vswap_phys_desc(phys));
	}
	__swap_writepage(folio, wbc);
	return 0;

keep:
	vswap_set_folio(folio, VSWAP_FOLIO);
	count_vm_events(VSWAP_KEEP, nr);
	folio_mark_dirty(folio);
	return AOP_WRITEPAGE_ACTIVATE;
}

/* ---------------------------------------------------------------------
 * Synchronous tiers: the swap-cache bypass
 *
 * do_swap_page() reads an entry of a SWP_SYNCHRONOUS_IO device (zram, brd,
 * pmem) with one reference into a folio of its own, without the swap
 * cache or readahead.  The virtual device never has the flag: for a
 * virtual entry, vswap decides from its descriptor.
 */

/*
 * Is there a tier, and is every tier synchronous?  Then a page in zswap or
 * a zero one is read without the swap cache, as stock reads it with zram
 * under zswap.  Recomputed as a tier takes its first page and at swapoff;
 * read as a hint.
 */
static bool vswap_tiers_sync;
/*
 * Is some tier synchronous?  If not, no fault looks at a descriptor: the
 * inline tests of include/linux/vswap.h read it before they call in.
 */
bool vswap_tier_sync __read_mostly;
/*
 * Is some tier asynchronous (not SWP_SYNCHRONOUS_IO)?  If not, no virtual
 * page is worth reading ahead, and swap readahead reads no window around a
 * virtual entry (swap_ra_window()).
 */
static bool vswap_tier_async __read_mostly;
/*
 * Serialises the hints' updates: each computes them from the tiers of the
 * moment, and one computed before a swapon or swapoff must not be
 * published after one computed since.
 */
static DEFINE_MUTEX(vswap_tiers_sync_lock);
/*
 * Debug only (debugfs vswap/tiers_sync_delay_ms, default 0): a swapoff
 * sleeps this long between computing the hints and publishing them, so
 * that an update from a tier's first page can overlap it (selftest
 * sync_tier_hint_race).
 */
static u32 vswap_tiers_sync_delay_ms;

/* Recompute the hints, at a tier's first page or at a @swapoff */
static void vswap_tiers_sync_update(bool swapoff)
{
	int types[MAX_SWAPFILES], n, i, nr_sync = 0;
	u32 delay;

	mutex_lock(&vswap_tiers_sync_lock);
	n = swap_tier_types(types, ARRAY_SIZE(types));
	for (i = 0; i < n; i++)
		if (READ_ONCE(swp_swap_info(swp_entry(types[i], 0))->flags) &
		    SWP_SYNCHRONOUS_IO)
			nr_sync++;
	delay = IS_ENABLED(CONFIG_DEBUG_FS) ?
		READ_ONCE(vswap_tiers_sync_delay_ms) : 0;
	if (swapoff && delay)
		msleep(delay);
	WRITE_ONCE(vswap_tiers_sync, n > 0 && nr_sync == n);
	WRITE_ONCE(vswap_tier_sync, nr_sync > 0);
	WRITE_ONCE(vswap_tier_async, nr_sync < n);
	mutex_unlock(&vswap_tiers_sync_lock);
}

/* Is the tier slot a VSWAP_PHYS @desc names on a SWP_SYNCHRONOUS_IO tier? */
static bool vswap_phys_synchronous(unsigned long desc)
{
	return READ_ONCE(swp_swap_info(vswap_desc_phys(desc))->flags) &
	       SWP_SYNCHRONOUS_IO;
}

/* Could what @desc names be read without the swap cache? */
static bool vswap_desc_synchronous(unsigned long desc)
{
	switch (vswap_tag(desc)) {
	case VSWAP_PHYS:
		return vswap_phys_synchronous(desc);
	case VSWAP_ZERO:
	case VSWAP_ZSWAP:
		return READ_ONCE(vswap_tiers_sync);
	default:
		/* in the swap cache, or about to be */
		return false;
	}
}

/*
 * Read @nr descriptors from virtual @entry, within one cluster, that the
 * caller does not own: under the cluster lock, which a retiring cluster
 * takes before it gives its table up.  Holding a reference on @si keeps
 * the tables array.  A missing table reads as zeroes.
 */
static void vswap_desc_peek(struct swap_info_struct *si, swp_entry_t entry,
			    int nr, unsigned long *desc)
{
	pgoff_t off = swp_offset(entry);
	struct swap_cluster_info *ci = si->cluster_info + off / SWAPFILE_CLUSTER;
	atomic_long_t *table;
	int i;

	VM_WARN_ON_ONCE(off % SWAPFILE_CLUSTER + nr > SWAPFILE_CLUSTER);
	spin_lock(&ci->lock);
	table = vswap_table(vswap.tables, off / SWAPFILE_CLUSTER);
	for (i = 0; i < nr; i++)
		desc[i] = table ?
			  vswap_load(table + off % SWAPFILE_CLUSTER + i) : 0;
	spin_unlock(&ci->lock);
}

/*
 * swap_synchronous() of virtual @entry, which the fault does not own yet:
 * a hint, as stock's test of the device flag is.  A wrong answer costs
 * speed only: once the fault owns the entry, swap_read_folio() reads any
 * backend into a folio out of the swap cache, synchronously.
 */
bool __vswap_synchronous(struct swap_info_struct *si, swp_entry_t entry)
{
	unsigned long desc;

	if (!(si->flags & SWP_VIRTUAL) || swp_offset(entry) >= si->max)
		return false;
	vswap_desc_peek(si, entry, 1, &desc);
	return vswap_desc_synchronous(desc);
}

/* Is owned virtual @entry read from a synchronous tier? */
bool __vswap_read_synchronous(swp_entry_t entry)
{
	unsigned long desc = vswap_load(vswap_desc(entry));

	return vswap_tag(desc) == VSWAP_PHYS && vswap_desc_synchronous(desc);
}

/*
 * How many of the @max_nr descriptors from @entry one read fills as it
 * fills the first's, which goes to *@firstp; under the cluster lock.
 */
static noinline int vswap_desc_batch(swp_entry_t entry, int max_nr,
				     unsigned long *firstp)
{
	unsigned long desc[VSWAP_SCATTER_BATCH], first = 0, want;
	struct swap_info_struct *si = swp_swap_info(entry);
	int nr = 0, n, i;

	while (nr < max_nr) {
		n = min(max_nr - nr, VSWAP_SCATTER_BATCH);
		vswap_desc_peek(si, swp_entry_nth(entry, nr), n, desc);
		if (!nr)
			first = desc[0];
		for (i = 0; i < n; i++, nr++) {
			if (vswap_tag(first) == VSWAP_PHYS)
				want = vswap_phys_desc(swp_entry_nth(vswap_desc_phys(first), nr));
			else if (vswap_tag(first) == VSWAP_ZERO)
				want = first;
			else
				want = ~0UL;	/* nothing else is read in batches */
			if (desc[i] != want)
				goto out;
		}
	}
out:
	*firstp = first;
	return max(nr, 1);
}

/*
 * swap_zeromap_batch() of the virtual device: how many of the @max_nr
 * entries from @entry one read fills as it fills the first - all zero
 * (*@is_zeromap), or all on consecutive slots of one tier.  A large folio
 * is swapped in only over such a batch (can_swapin_thp()).  The caller
 * holds the page table lock over PTEs naming the entries, or owns them.
 * One entry is asked about by swap_read_folio(), whose locked folio in the
 * swap cache owns it, after vswap_read_folio() found it on a tier: its
 * descriptor is read without the cluster lock (can_swapin_thp(), which
 * does not own its entries, asks about large folios only).
 */
int vswap_zeromap_batch(swp_entry_t entry, int max_nr, bool *is_zeromap)
{
	unsigned long first;
	int nr = 1;

	if (max_nr == 1)
		first = vswap_load(vswap_desc(entry));
	else
		nr = vswap_desc_batch(entry, max_nr, &first);
	if (is_zeromap)
		*is_zeromap = vswap_tag(first) == VSWAP_ZERO;
	return nr;
}

/*
 * A large folio out of the swap cache whose pages one read cannot fill:
 * their descriptors changed between can_swapin_thp() and the fault owning
 * them (a move to another tier completed meanwhile).  Read them one by
 * one, synchronously.  Pages in zswap cannot be among them: 6.12 swaps
 * large folios in only while zswap has never been enabled.
 */
static void vswap_read_pages(struct folio *folio)
{
	long i, nr = folio_nr_pages(folio);
	swp_entry_t entry, phys;
	unsigned long desc;
	struct bio_vec bv;
	struct bio bio;

	for (i = 0; i < nr; i++) {
		entry = swp_entry_nth(folio->swap, i);
		desc = vswap_load(vswap_desc(entry));
		switch (vswap_tag(desc)) {
		case VSWAP_ZERO:
			folio_zero_range(folio, i * PAGE_SIZE, PAGE_SIZE);
			vswap_count_zero(folio, SWPIN_ZERO, 1);
			continue;
		case VSWAP_PHYS:
			phys = vswap_desc_phys(desc);
			bio_init(&bio, swp_swap_info(phys)->bdev, &bv, 1, REQ_OP_READ);
			bio.bi_iter.bi_sector = swap_entry_sector(phys);
			__bio_add_page(&bio, folio_page(folio, i), PAGE_SIZE, 0);
			count_vm_event(PSWPIN);
			if (!submit_bio_wait(&bio))
				continue;
			pr_alert_ratelimited("Read-error on swap-device (%u:%u:%llu)\n",
					     MAJOR(bio_dev(&bio)), MINOR(bio_dev(&bio)),
					     (unsigned long long)bio.bi_iter.bi_sector);
			goto out;
		default:
			WARN_ONCE(1, "vswap: slot %lx of a large folio read in holds %lx\n",
				  swp_offset(entry), desc);
			goto out;
		}
	}
	folio_mark_uptodate(folio);
out:
	folio_unlock(folio);
}

/*
 * swap_read_folio() of a virtual folio, locked, in the swap cache.  Returns
 * true when done (folio unlocked; uptodate unless the data is lost), false
 * with *@sisp set to the tier when the read goes to a tier slot.
 */
bool vswap_read_folio(struct folio *folio, struct swap_info_struct **sisp)
{
	swp_entry_t entry = folio->swap;
	unsigned long desc = vswap_load(vswap_desc(entry));
	long nr = folio_nr_pages(folio);

	/* do_swap_page()'s bypass: one read for all, if one read can */
	if (nr > 1 && vswap_zeromap_batch(entry, nr, NULL) != nr) {
		vswap_read_pages(folio);
		return true;
	}

	switch (vswap_tag(desc)) {
	case VSWAP_ZERO:
		folio_zero_range(folio, 0, folio_size(folio));
		folio_mark_uptodate(folio);
		vswap_count_zero(folio, SWPIN_ZERO, folio_nr_pages(folio));
		break;
	case VSWAP_ZSWAP:
		/*
		 * zswap hands the data over: the dirty folio is the copy now,
		 * and the descriptor NONE (vswap_zswap_erase()); a page read
		 * ahead stays in zswap, clean (vswap_zswap_keep())
		 */
		if (!zswap_load(folio))
			pr_err_ratelimited("slot %lx: not in zswap\n",
					   swp_offset(entry));
		break;
	case VSWAP_PHYS:
		*sisp = swp_swap_info(vswap_desc_phys(desc));
		if (swap_ext_swapin(folio, swp_type(vswap_desc_phys(desc))) ==
		    SWAP_EXT_DROP)
			vswap_queue_move(entry, vswap_desc_phys(desc), -1, 0);
		return false;
	default:
		WARN_ONCE(1, "vswap: read of slot %lx with nothing behind it (%lx)\n",
			  swp_offset(entry), desc);
		break;
	}
	folio_unlock(folio);
	return true;
}

/* The tier slot holding @entry, for the bio of its folio's I/O */
swp_entry_t __vswap_io_entry(swp_entry_t entry)
{
	unsigned long desc = vswap_load(vswap_desc(entry));

	VM_WARN_ON_ONCE(vswap_tag(desc) != VSWAP_PHYS);
	return vswap_desc_phys(desc);
}

/*
 * @bio, ready to write large virtual folio @folio at the tier sector of its
 * first page, goes to the sectors of its tier slots instead: each run of
 * pages whose slots are not contiguous with the run before is split off
 * @bio and submitted, chained to it, and @bio is left with the last run.
 * @bio's completion (end_swap_bio_write(), submit_bio_wait()) then comes
 * once every part is written, with the first error of any.  The slots are
 * all on one tier (vswap_tier_alloc_folio()): one block device.
 */
void __vswap_bio_scatter(struct bio *bio, struct folio *folio)
{
	long i, start = 0, nr = folio_nr_pages(folio);
	sector_t next = bio->bi_iter.bi_sector, sector;
	struct bio *split;

	for (i = 1; i < nr; i++) {
		next += PAGE_SECTORS;
		sector = swap_entry_sector(__vswap_io_entry(swp_entry_nth(folio->swap, i)));
		if (sector == next)
			continue;
		split = bio_split(bio, (i - start) * PAGE_SECTORS, GFP_NOIO, &fs_bio_set);
		bio_chain(split, bio);
		submit_bio(split);
		bio->bi_iter.bi_sector = sector;
		next = sector;
		start = i;
	}
}

/* ---------------------------------------------------------------------
 * Swap readahead: windows where a disk is
 *
 * A fault reads a window of neighbouring slots with its own (by cluster
 * or by VMA), in the hope that they are wanted soon: a neighbour on a disk
 * costs a request merged with the fault's, where it would cost a request
 * and a wait of its own later.  A page in zswap or all zeroes saves no I/O
 * and no fault (a page read ahead is still faulted on, only found in the
 * swap cache): reading it ahead decompresses (or clears) a page in the
 * fault and takes it out of zswap (6.12 loads exclusively), and if it is
 * not used before reclaim finds it, it is compressed again.  Stock reads a
 * window around every fault.
 *
 * Without an asynchronous tier (zswap alone, or zram tiers) nothing a
 * window could read saves I/O, and vswap reads none around a virtual
 * entry (swap_ra_window()).  With one, a window reads by default only the
 * virtual neighbours on such a tier (swap_ra_worth(), readahead "tiers"):
 * zswap's pages and zero pages are read by their own faults.  A window
 * grows with readahead hits, and one that leaves two pages in three
 * unread gets few: so a fault on a page the last window passed over counts
 * as the hit it would have been, and reads no window, as a hit does
 * (swap_ra_passed(), swap_state.c's to judge "the last window").  With a
 * third of the pages on a tier behind zswap, read back in order
 * (selftests vswap_readahead_hdd and _ssd), that reads the tier in
 * 1.03-1.06x and 0.88-0.89x the requests of stock's windows (1.7-1.8x
 * without the count), for 14-19 % and 2-6 % fewer zswap loads.  "disk"
 * reads stock's windows wherever a disk tier is, "all" everywhere.
 * linux-mm discussed both ("mm: bypass swap readahead for zswap",
 * 2026-06: the bypass for zswap's faults, and a test per slot for mixed
 * backends).  Stock entries are read as stock reads them.
 *
 * In "disk" and "all", what a window reads from zswap need not be
 * compressed again: zswap keeps its copy of a virtual page read ahead
 * (zswap_load(), vswap_zswap_keep(); readahead_zswap "keep", the default,
 * or "always").
 * The folio is clean in the swap cache with its descriptor still ZSWAP,
 * as a page read from a tier is clean with its descriptor PHYS: reclaim
 * drops it unless it was written meanwhile (try_to_unmap() carries the
 * page table's dirty bit over), and a write is stored again, replacing
 * zswap's stale copy (vswap_writepage()).  In "keep", a fault that maps
 * the page takes the data over (vswap_fault_take()), as the fault that
 * reads a page does: the two copies 6.12's exclusive loads avoid live only
 * while a page read ahead is unused, and a page read ahead and dropped
 * unused - the pages stock compresses twice - costs one compression.
 * "always" keeps the copy while the page is clean, used or not: a page
 * only read costs one compression too, for a copy held beside it.
 * zswap's writeback, which would pass such an entry by (-EEXIST: the page
 * is warm) and so stop its shrinker, takes the copy back instead: the
 * folio holds the data, dirty, as after an exclusive load, and the pool's
 * memory is freed without I/O (vswap_zswap_drop_kept()).  "take" loads
 * as 6.12 does.
 */

/* How swap readahead reads around virtual entries: sysfs vswap/readahead */
int vswap_ra_mode __read_mostly = VSWAP_RA_TIERS;
/* Faults on virtual pages that read no window: no asynchronous tier */
static DEFINE_PER_CPU(unsigned long, vswap_ra_windows_skipped);
/* Virtual neighbours in zswap or all zeroes a window left unread ("tiers") */
static DEFINE_PER_CPU(unsigned long, vswap_ra_skipped);
/* Faults on such neighbours counted as readahead hits ("tiers") */
static DEFINE_PER_CPU(unsigned long, vswap_ra_passed);
/* What zswap does with a virtual page read ahead: readahead_zswap */
int vswap_ra_keep __read_mostly = VSWAP_RA_KEEP;
/* Virtual pages read ahead from zswap whose zswap copy was kept */
static DEFINE_PER_CPU(unsigned long, vswap_ra_zswap_kept);
/* ... and whose copy a fault mapping the page took over ("keep") */
static DEFINE_PER_CPU(unsigned long, vswap_ra_zswap_used);

/* Read a window around a faulting virtual entry? */
bool __vswap_ra_window(void)
{
	if (READ_ONCE(vswap_ra_mode) == VSWAP_RA_ALL ||
	    READ_ONCE(vswap_tier_async))
		return true;
	this_cpu_inc(vswap_ra_windows_skipped);
	return false;
}

/* Readahead "tiers" leaves a page in zswap or all zeroes to its own fault */
static bool vswap_ra_passes_over(unsigned long desc)
{
	return vswap_tag(desc) == VSWAP_ZSWAP || vswap_tag(desc) == VSWAP_ZERO;
}

/*
 * Readahead "tiers": read virtual @entry, a neighbour of a faulting entry,
 * ahead?  Yes on an asynchronous tier; in zswap or zero, no, and counted;
 * free, in the swap cache or on a synchronous tier (whose faults bypass
 * the swap cache), no.  The descriptor is peeked without owning the entry:
 * a hint, as readahead's window is.  The fault holds a reference on its
 * own device, which need not be @entry's (VMA readahead, with stock
 * entries beside virtual ones while vswap is disabled): take one, and
 * check that the type is still the virtual device's, which a swapon may
 * have reused since @entry was read.  A reference taken during the
 * virtual device's swapoff keeps its tables until the swapoff ends.
 */
bool __vswap_ra_worth(swp_entry_t entry)
{
	struct swap_info_struct *si;
	unsigned long desc;

	si = get_swap_device(entry);
	if (!si)
		return false;
	if (!(si->flags & SWP_VIRTUAL)) {
		put_swap_device(si);
		return false;
	}
	vswap_desc_peek(si, entry, 1, &desc);
	put_swap_device(si);
	if (vswap_ra_passes_over(desc)) {
		this_cpu_inc(vswap_ra_skipped);
		return false;
	}
	return vswap_tag(desc) == VSWAP_PHYS && !vswap_phys_synchronous(desc);
}

/*
 * Readahead "tiers": a fault on virtual @entry near the last window, which
 * passed over the pages in zswap or zero: was @entry one of them?  Then
 * the fault counts as a readahead hit, as it would have, read ahead, and
 * the window grows over runs that mix zswap's pages with the disk's.  The
 * caller keeps @entry's device (get_swap_device(), or is its swapoff); the
 * descriptor is peeked, a hint as in swap_ra_worth().
 */
bool __vswap_ra_passed(swp_entry_t entry)
{
	struct swap_info_struct *si = swp_swap_info(entry);
	unsigned long desc;

	if (WARN_ON_ONCE(!(si->flags & SWP_VIRTUAL)))
		return false;
	vswap_desc_peek(si, entry, 1, &desc);
	if (!vswap_ra_passes_over(desc))
		return false;
	this_cpu_inc(vswap_ra_passed);
	return true;
}

/*
 * zswap_load() of virtual page @folio, read ahead into the swap cache:
 * keep the zswap entry?  Counted either way.
 */
bool __vswap_ra_keep(struct folio *folio)
{
	if (READ_ONCE(vswap_ra_keep) == VSWAP_RA_TAKE)
		return false;
	this_cpu_inc(vswap_ra_zswap_kept);
	return true;
}

/*
 * vswap_fault_take(): a fault maps virtual page @folio, locked in the swap
 * cache.  If zswap kept a copy when readahead read it, the page is used
 * now: zswap hands the data over (zswap_take_kept()), and the folio,
 * dirty, is compressed again only if reclaim finds it again.  A folio not
 * uptodate failed its read, and the copy is all there is; a large folio
 * was not read from zswap.
 */
void __vswap_fault_take(struct folio *folio)
{
	if (!folio_test_uptodate(folio) || folio_test_large(folio))
		return;
	/* a kept copy leaves the descriptor ZSWAP; the folio lock holds it */
	if (vswap_tag(vswap_load(vswap_desc(folio->swap))) != VSWAP_ZSWAP)
		return;
	if (zswap_take_kept(folio))
		this_cpu_inc(vswap_ra_zswap_used);
}

static unsigned long vswap_ra_sum(unsigned long __percpu *counter)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		/* CPUs count on while we sum: a figure of the moment */
		sum += data_race(*per_cpu_ptr(counter, cpu));
	}
	return sum;
}

/* ---------------------------------------------------------------------
 * Tier reads in sector order
 *
 * Swap readahead reads an aligned window of slots under one plug.  On a
 * stock device, neighbouring slots are neighbouring sectors and the plug
 * merges the window's reads into a request or two.  The tier slots of a
 * window of virtual slots are wherever each page was written: a page
 * written back from zswap got its slot in a later batch than the page
 * beside it that went to the tier at reclaim, so the window alternates
 * between runs of sectors.  blk_attempt_plug_merge() only tries the request
 * added last, and a device without an I/O scheduler (virtio-blk, NVMe)
 * merges nothing later: read in virtual order, such a window costs a
 * request a page.  So tier reads submitted under a plug are held on a plug
 * callback and submitted, sorted by device and sector, when the plug is
 * flushed; those that continue the plug's last request go at once, and
 * merge there (vswap_read_goes_now()).
 *
 * Ownership: a vswap_read_plug is allocated by blk_check_plugged() and
 * owned by the plug until the plug calls vswap_read_unplug(), which either
 * submits the reads and frees it, or, when the plug is flushed because its
 * task is about to sleep (where submit_bio() must not block), hands it to
 * its work item on vswap_read_wq, which does the same.  A read held there
 * keeps the submitter's I/O priority and cgroup (bio_alloc() took the
 * cgroup); its submission no longer counts in the submitter's swap-in
 * delay and memory stall, its wait for the folio still does.
 */

/* Most reads held on one plug: past it, they go */
#define VSWAP_READ_PLUG_MAX	32

/*
 * Submits the reads of plugs flushed from schedule(): its own workqueue,
 * since submit_bio() may wait for a tag that kblockd's work frees, with a
 * rescuer, since a swap-in may be what frees memory.  NULL: reads are not
 * held.
 */
static struct workqueue_struct *vswap_read_wq;

/* Tier reads held on a plug and submitted in sector order, since boot */
static atomic_long_t vswap_reads_sorted = ATOMIC_LONG_INIT(0);
/* Plugs whose held reads vswap_read_wq submitted: their task slept */
static atomic_long_t vswap_read_plugs_deferred = ATOMIC_LONG_INIT(0);

/*
 * Debug only (debugfs vswap/read_plug_sleep, default 0: off): every Nth
 * held read, its task sleeps 1-2 ms with the read held, so that the plug
 * is flushed from schedule() and vswap_read_wq submits the reads, the path
 * a task that blocks in readahead takes (selftest
 * vswap_read_order_deferred).
 */
static u32 vswap_read_plug_sleep;
/* Held reads counted for vswap_read_plug_sleep */
static atomic_t vswap_read_plug_ticks = ATOMIC_INIT(0);

struct vswap_read_plug {
	struct blk_plug_cb cb;		/* on the plug's callback list: first */
	struct bio *bios;		/* held reads, by device and sector */
	struct bio *last;		/* the last of them */
	unsigned int nr;		/* how many */
	struct work_struct work;	/* submits them from vswap_read_wq */
};

static bool vswap_bio_before(struct bio *a, struct bio *b)
{
	if (a->bi_bdev != b->bi_bdev)
		return a->bi_bdev->bd_dev < b->bi_bdev->bd_dev;
	return a->bi_iter.bi_sector < b->bi_iter.bi_sector;
}

/*
 * Submit @rp's held reads, in order.  The list is taken off @rp first:
 * submit_bio() may sleep, which flushes a plug @rp is still on and hands
 * @rp to vswap_read_wq, which frees it.
 */
static void vswap_read_plug_submit(struct vswap_read_plug *rp)
{
	struct bio *bio, *next = rp->bios;

	atomic_long_add(rp->nr, &vswap_reads_sorted);
	rp->bios = NULL;
	rp->last = NULL;
	rp->nr = 0;
	while ((bio = next)) {
		next = bio->bi_next;
		bio->bi_next = NULL;
		submit_bio(bio);
	}
}

static void vswap_read_plug_work(struct work_struct *work)
{
	struct vswap_read_plug *rp = container_of(work, struct vswap_read_plug,
						  work);
	struct blk_plug plug;

	blk_start_plug(&plug);
	vswap_read_plug_submit(rp);
	blk_finish_plug(&plug);
	kfree(rp);
}

static void vswap_read_unplug(struct blk_plug_cb *cb, bool from_schedule)
{
	struct vswap_read_plug *rp = container_of(cb, struct vswap_read_plug,
						  cb);

	if (from_schedule) {
		atomic_long_inc(&vswap_read_plugs_deferred);
		INIT_WORK(&rp->work, vswap_read_plug_work);
		queue_work(vswap_read_wq, &rp->work);
		return;
	}
	vswap_read_plug_submit(rp);
	kfree(rp);
}

/*
 * May @bio, a tier read under @plug, go at once rather than be held?  Yes
 * when it continues the request the plug added last, where the plug merges
 * it as it merges a stock device's readahead, and when it is the plug's
 * first and no read is held yet: a window read in sector order then costs
 * no more than stock's.  A read off that run is held, and those after it
 * too unless they continue the run again.  blk-mq queues only: a bio-based
 * device's plug has no requests to look at, and its reads are all held.
 */
static bool vswap_read_goes_now(struct blk_plug *plug, struct bio *bio)
{
	struct request_queue *q = bdev_get_queue(bio->bi_bdev);
	struct blk_plug_cb *cb;
	struct request *rq;

	if (!queue_is_mq(q))
		return false;
	if (!rq_list_empty(&plug->mq_list)) {
		rq = plug->mq_list.tail;
		/* a request's sectors are the disk's, a bio's its partition's */
		return rq->q == q &&
		       blk_rq_pos(rq) + blk_rq_sectors(rq) ==
		       bio->bi_iter.bi_sector + get_start_sect(bio->bi_bdev);
	}
	list_for_each_entry(cb, &plug->cb_list, list)
		if (cb->callback == vswap_read_unplug)
			return false;
	return true;
}

/* submit_bio() of @bio, a read of a virtual folio from its tier slot */
void __vswap_submit_read(struct bio *bio)
{
	struct blk_plug *plug = current->plug;
	struct blk_plug_cb *cb;
	struct vswap_read_plug *rp;
	struct bio **pos;

	cb = vswap_read_wq && plug && !vswap_read_goes_now(plug, bio) ?
	     blk_check_plugged(vswap_read_unplug, NULL, sizeof(*rp)) : NULL;
	if (!cb) {
		submit_bio(bio);
		return;
	}
	rp = container_of(cb, struct vswap_read_plug, cb);
	/* submit_bio() would take the priority of whoever submits it */
	if (IOPRIO_PRIO_CLASS(bio->bi_ioprio) == IOPRIO_CLASS_NONE)
		bio->bi_ioprio = get_current_ioprio();
	/* readahead reads a window in slot order, often sector order too */
	if (rp->last && !vswap_bio_before(bio, rp->last))
		pos = &rp->last->bi_next;
	else
		for (pos = &rp->bios; *pos && !vswap_bio_before(bio, *pos);
		     pos = &(*pos)->bi_next)
			;
	bio->bi_next = *pos;
	*pos = bio;
	if (!bio->bi_next)
		rp->last = bio;
	if (++rp->nr == VSWAP_READ_PLUG_MAX) {
		vswap_read_plug_submit(rp);
		return;
	}
	if (IS_ENABLED(CONFIG_DEBUG_FS)) {
		u32 every = READ_ONCE(vswap_read_plug_sleep);

		if (every && !(atomic_inc_return(&vswap_read_plug_ticks) % every))
			usleep_range(1000, 2000);
	}
}

/*
 * Debug only (debugfs vswap/wb_tier_full, default N): zswap writeback finds
 * every tier full.  Swap-out still reaches the tiers.  Since a page in zswap
 * counts against the tiers' room, a writeback finds a slot unless a tier
 * fails or goes away; this makes the case at will, for the selftest of
 * swap_ext's futile-writeback ejection (watchdog_wb_full).
 */
static bool vswap_wb_tier_full;

/*
 * zswap writeback of @entry: for a virtual entry, the tier slot is
 * allocated now, before zswap decompresses anything, on tier @tier if it
 * has room (a policy's choice; -1: a slot this CPU holds, else the first
 * tier by priority with room: vswap_tier_alloc()).  Consecutive
 * writebacks get consecutive slots from the tier's per-cpu cluster, and
 * zswap's shrinkers submit them under one plug.
 */
int vswap_wb_prepare_on(swp_entry_t entry, swp_entry_t *phys, int tier)
{
	if (!swp_entry_is_virtual(entry))
		return 0;
	if (IS_ENABLED(CONFIG_DEBUG_FS) && READ_ONCE(vswap_wb_tier_full))
		return -ENOSPC;
	/*
	 * Hibernation writes its image to free slots of a tier while storage
	 * is suspended: zswap's shrink worker, which is not frozen, must not
	 * take them.  Reclaim does not swap out then either (no __GFP_IO).
	 */
	if (pm_suspended_storage())
		return -ENOSPC;
	*phys = vswap_tier_alloc(tier);
	return phys->val ? 0 : -ENOSPC;
}

/* Writeback of the entry did not happen: give @phys back */
void vswap_wb_cancel(swp_entry_t phys)
{
	if (phys.val)
		vswap_tier_free(phys);
}

/* ---------------------------------------------------------------------
 * Memory cgroup ids
 *
 * A swap_cgroup map would cost every virtual slot two more bytes; the
 * descriptor has room for the id above its backend, so swap_cgroup.c
 * hands virtual entries to these three.  A charge and an uncharge own
 * their slots (a locked swap cache folio, or the last reference going:
 * swap_entry_range_free() uncharges before the cluster can retire), and so
 * does cgroup v1's charge moving (a page table entry under its lock), so
 * their table is there.  Lookups mostly do too, but not all: see
 * vswap_cgroup_id().  The charge moving changes the id of a slot it does
 * not own: so every write of a descriptor, of either part, keeps the other
 * part as it finds it.
 */

static __always_inline atomic_long_t *vswap_cgroup_desc(swp_entry_t entry)
{
	atomic_long_t __rcu **tables = READ_ONCE(vswap.tables);
	pgoff_t off = swp_offset(entry);
	atomic_long_t *table;

	/* a slot held keeps the space, its cluster and its table */
	if (WARN_ON_ONCE(!tables || off >= vswap.nr_slots))
		return NULL;
	table = vswap_table(tables, off / SWAPFILE_CLUSTER);
	if (WARN_ON_ONCE(!table))
		return NULL;
	return table + off % SWAPFILE_CLUSTER;
}

/* Set descriptor @desc's cgroup id to @id, keeping its backend; the old id */
static __always_inline unsigned short vswap_desc_xchg_id(atomic_long_t *desc,
							 unsigned short id)
{
	unsigned long raw = atomic_long_read(desc);

	while (!atomic_long_try_cmpxchg(desc, &raw, vswap_desc_set_id(raw, id)))
		;
	return vswap_desc_id(raw);
}

/* swap_cgroup_record(): @id for @nr slots from @entry; returns the old id */
unsigned short vswap_cgroup_record(swp_entry_t entry, unsigned short id,
				   unsigned int nr)
{
	unsigned short old = 0, prev;
	atomic_long_t *desc;
	unsigned int i;

	/* an order-0 page's charge and uncharge */
	if (nr == 1) {
		desc = vswap_cgroup_desc(entry);
		return desc ? vswap_desc_xchg_id(desc, id) : 0;
	}
	for (i = 0; i < nr; i++) {
		/* a cluster's descriptors are one table */
		if (!i || !((swp_offset(entry) + i) % SWAPFILE_CLUSTER))
			desc = vswap_cgroup_desc(swp_entry_nth(entry, i));
		else if (desc)
			desc++;
		if (!desc)
			continue;
		prev = vswap_desc_xchg_id(desc, id);
		/* a range is charged to, and uncharged from, one cgroup */
		if (!i)
			old = prev;
		else
			VM_WARN_ON_ONCE(prev != old);
	}
	return old;
}

/* swap_cgroup_cmpxchg(): @new if the id is @old; returns @old, or 0 */
unsigned short vswap_cgroup_cmpxchg(swp_entry_t entry, unsigned short old,
				    unsigned short new)
{
	atomic_long_t *desc = vswap_cgroup_desc(entry);
	unsigned long raw;

	if (!desc)
		return 0;
	raw = atomic_long_read(desc);
	do {
		if (vswap_desc_id(raw) != old)
			return 0;
	} while (!atomic_long_try_cmpxchg(desc, &raw,
					  vswap_desc_set_id(raw, new)));
	return old;
}

/*
 * Debug only (debugfs vswap/cgroup_id_delay_ms and cgroup_id_delay_pid,
 * default 0): a lookup by task cgroup_id_delay_pid waits this long before
 * it reads the table pointer, and again before the descriptor, so that the
 * slot and its cluster can go meanwhile (selftest sync_tier_cgroup_id_race).
 * Never with interrupts off: a lookup there holds off what would free
 * the slot meanwhile, so the race the knob is for cannot happen, and a
 * delay per slot of a batch would hold interrupts off for seconds.
 */
static u32 vswap_cgroup_id_delay_ms;
static u32 vswap_cgroup_id_delay_pid;
/* lookups that found their slot's cluster retired: they read 0 */
static atomic_t vswap_cgroup_id_stale;

/*
 * The lookup of vswap_cgroup_id(), waiting @delay ms (a constant 0 but in
 * vswap_cgroup_id_delayed()) before each of its two reads
 */
static __always_inline unsigned short __vswap_cgroup_id(swp_entry_t entry,
							u32 delay)
{
	atomic_long_t __rcu **tables = READ_ONCE(vswap.tables);
	pgoff_t off = swp_offset(entry);
	atomic_long_t *table;
	unsigned short id = 0;

	/* the device is held: the space and its table array are there */
	if (WARN_ON_ONCE(!tables || off >= vswap.nr_slots))
		return 0;
	if (delay)
		mdelay(delay);
	rcu_read_lock();
	table = rcu_dereference(tables[off / SWAPFILE_CLUSTER]);
	if (table) {
		if (delay)
			mdelay(delay);
		id = vswap_desc_id(atomic_long_read(table + off % SWAPFILE_CLUSTER));
	} else {
		atomic_inc(&vswap_cgroup_id_stale);
	}
	rcu_read_unlock();
	return id;
}

/* The lookup of the task the debug knob names, out of the common path */
static noinline unsigned short vswap_cgroup_id_delayed(swp_entry_t entry)
{
	u32 delay = READ_ONCE(vswap_cgroup_id_delay_ms);

	if (READ_ONCE(vswap_cgroup_id_delay_pid) != current->pid ||
	    irqs_disabled())
		delay = 0;
	return __vswap_cgroup_id(entry, delay);
}

/*
 * lookup_swap_cgroup_id().  Most callers hold the slot (a page table entry
 * under its lock, a locked swap cache folio), but do_swap_page() charges
 * the folio of a swap cache bypass before swapcache_prepare(), holding
 * only the device: the slot may be freed meanwhile and its cluster
 * retired.  So the table is read under RCU (a retired table is freed after
 * a grace period, vswap_table_put()), a missing one reads as 0, and one
 * reused from the pool reads as another slot's id: a charge that
 * swapcache_prepare() or pte_same() then throws away, as it throws away
 * the id that stock's map holds for a slot's next owner.
 */
unsigned short vswap_cgroup_id(swp_entry_t entry)
{
	if (IS_ENABLED(CONFIG_DEBUG_FS) &&
	    unlikely(READ_ONCE(vswap_cgroup_id_delay_ms)))
		return vswap_cgroup_id_delayed(entry);
	return __vswap_cgroup_id(entry, 0);
}

/*
 * How many of the @nr slots from @entry, up to the end of its cluster,
 * have @entry's cgroup id (at least one): the runs that
 * swapcache_free_entries() uncharges at once, read from one table.  The
 * caller owns the slots.
 */
int vswap_cgroup_run(swp_entry_t entry, int nr)
{
	atomic_long_t *desc = vswap_cgroup_desc(entry);
	unsigned short id;
	int i;

	if (!desc)
		return 1;
	nr = min_t(int, nr, SWAPFILE_CLUSTER - swp_offset(entry) % SWAPFILE_CLUSTER);
	id = vswap_desc_id(atomic_long_read(desc));
	for (i = 1; i < nr; i++)
		if (vswap_desc_id(atomic_long_read(desc + i)) != id)
			break;
	return i;
}

/* ---------------------------------------------------------------------
 * zswap's index for virtual entries
 *
 * A virtual slot in zswap has a ZSWAP descriptor that holds the zswap
 * entry's offset in the linear map (slab objects are 8-byte aligned, the
 * tag fits below it; the cgroup id above): zswap's store, load,
 * invalidate and writeback find the entry there and keep no xarray for
 * virtual slots.  The callers own the slot (see the top of this file), so
 * only the cgroup id can change under them; erase and writeback leave a
 * descriptor that is not the one they expect as it is.
 */

/* @zentry's offset in the linear map, without a KASAN tag in its top byte */
static inline unsigned long vswap_zswap_off(void *zentry)
{
	return (unsigned long)kasan_reset_tag(zentry) - PAGE_OFFSET;
}

static inline unsigned long vswap_zswap_desc(void *zentry)
{
	unsigned long off = vswap_zswap_off(zentry);

	VM_WARN_ON_ONCE(off & (VSWAP_TAG_MASK | VSWAP_ID_MASK));
	return off | VSWAP_ZSWAP;
}

static inline void *vswap_desc_zswap(unsigned long desc)
{
	return vswap_tag(desc) == VSWAP_ZSWAP ?
	       (void *)(PAGE_OFFSET + (desc & ~(VSWAP_TAG_MASK | VSWAP_ID_MASK))) :
	       NULL;
}

/*
 * zswap stored @entry's folio as @zentry: the descriptor points at it now,
 * and a tier slot the entry had is given back.  Returns the zswap entry it
 * replaces (a stale copy from an earlier writeout), for zswap to free, or
 * an xarray error if @zentry is beyond the 256 TiB of linear map that a
 * descriptor can name (possible only with 52-bit addresses): zswap then
 * rejects the store and drops the stale copy, as after a failed xa_store().
 */
void *vswap_zswap_store(swp_entry_t entry, void *zentry)
{
	if (unlikely(vswap_zswap_off(zentry) & VSWAP_ID_MASK))
		return XA_ERROR(-ENOMEM);
	return vswap_desc_zswap(vswap_xchg(entry, vswap_zswap_desc(zentry)));
}

/*
 * Take @entry's zswap entry out of its descriptor, which becomes NONE;
 * NULL if @entry is not in zswap.  After zswap_load() the dirty swap cache
 * folio holds the only copy, as before the entry's first writeout: that
 * is what NONE says of a slot in the swap cache.  (FOLIO is for the pages
 * a writeout or a move off a tier left in memory: counting loads there too
 * cost two more counter updates, and their rstat flushes, a swap-in.)
 */
void *vswap_zswap_erase(swp_entry_t entry)
{
	atomic_long_t *desc = vswap_desc(entry);
	unsigned long raw = atomic_long_read(desc);

	do {
		if (vswap_tag(raw) != VSWAP_ZSWAP)
			return NULL;
	} while (!atomic_long_try_cmpxchg(desc, &raw,
					  vswap_desc_keep_id(VSWAP_NONE, raw)));
	vswap_count(vswap_desc_id(raw), vswap_desc_backend(raw), VSWAP_NONE);
	return vswap_desc_zswap(raw);
}

/* @entry's zswap entry, left where it is; NULL if it is not in zswap */
void *vswap_zswap_load(swp_entry_t entry)
{
	return vswap_desc_zswap(vswap_load(vswap_desc(entry)));
}

/*
 * If @entry's backend is still zswap entry @zentry, make it @new, keeping
 * the cgroup id, and count the move; false if it is not
 */
static bool vswap_zswap_replace(swp_entry_t entry, void *zentry,
				unsigned long new)
{
	atomic_long_t *desc = vswap_desc(entry);
	unsigned long old = vswap_zswap_desc(zentry);
	unsigned long raw = atomic_long_read(desc);

	do {
		if (vswap_desc_backend(raw) != old)
			return false;
	} while (!atomic_long_try_cmpxchg(desc, &raw,
					  vswap_desc_keep_id(new, raw)));
	vswap_count(vswap_desc_id(raw), old, new);
	return true;
}

/* Kept zswap copies given up to zswap's writeback (readahead_zswap) */
static DEFINE_PER_CPU(unsigned long, vswap_ra_zswap_dropped);

/*
 * zswap's writeback found @folio in the swap cache at virtual @entry, whose
 * zswap copy @zentry it wants gone: if that is a copy kept beside the
 * folio (vswap_zswap_keep()), give it up - the folio holds the data, dirty
 * from now on, as if zswap had handed it over at the load - and return 1:
 * zswap frees @zentry, without I/O.  Under the folio's lock, taken only
 * if free (writeback does not wait for a swap-in): the swap cache then
 * owns @entry, and no free or writeout changes its descriptor.  A kept
 * copy's folio is still marked read ahead, or mapped by the fault that
 * used it; a folio just stored and on its way out of memory is neither,
 * and is left to reclaim: 0, -EEXIST for zswap, as on stock.
 *
 * A kept copy whose folio is off the LRU is left too, with -EBUSY, on
 * which zswap's shrinkers go on to the next entry: reclaim may have
 * isolated the folio, to drop it clean and leave the copy the only one.
 * Given up, the copy would make reclaim compress the folio again, and a
 * store over memory.zswap.max, shrinking one entry, would give up the copy
 * of the next folio in reclaim's batch, and so on through the batch:
 * nothing freed, nothing written back.  (A folio read ahead a moment ago
 * and still in a CPU's LRU batch is left as well.)
 */
int vswap_zswap_drop_kept(struct folio *folio, swp_entry_t entry,
			  void *zentry)
{
	int ret = 0;
	bool ra;

	if (!swp_entry_is_virtual(entry) || !folio_trylock(folio))
		return 0;
	ra = folio_test_readahead(folio);
	/* a folio being read is not uptodate: its load decides */
	if (!folio_test_swapcache(folio) || folio->swap.val != entry.val ||
	    !folio_test_uptodate(folio) || !(ra || folio_mapped(folio)))
		goto unlock;
	if (!folio_test_lru(folio)) {
		ret = -EBUSY;
		goto unlock;
	}
	if (!vswap_zswap_replace(entry, zentry, VSWAP_NONE))
		goto unlock;
	folio_mark_dirty(folio);
	/* which clears PG_readahead (PG_reclaim): a later hit still counts */
	if (ra)
		folio_set_readahead(folio);
	this_cpu_inc(vswap_ra_zswap_dropped);
	ret = 1;
unlock:
	folio_unlock(folio);
	return ret;
}

/*
 * zswap writeback: if @entry is still in zswap as @zentry, point it at the
 * tier slot @phys (vswap_wb_prepare_on()) its folio is about to be written
 * to, and return true; zswap then frees @zentry.
 */
bool vswap_zswap_writeback(swp_entry_t entry, void *zentry, swp_entry_t phys)
{
	if (WARN_ON_ONCE(!phys.val))
		return false;
	return vswap_zswap_replace(entry, zentry, vswap_phys_desc(phys));
}

/* May zswap write back at all?  With vswap and no tier, it may not */
bool vswap_wb_possible(void)
{
	if (!vswap_active())
		return true;
	return vswap_tier_room();
}

/* ---------------------------------------------------------------------
 * Accounting: SwapTotal, SwapFree, CommitLimit and vm_swap_full()
 *
 * The virtual space is address space, not storage: its size says nothing
 * of what can be swapped out.  While vswap is on, total_swap_pages and
 * get_nr_swap_pages() report the backends instead (vswap_room() in
 * include/linux/vswap_figures.h, inline; this file has the no-tier case):
 *
 * - with tiers, zswap is a cache in front of them, and a page in zswap
 *   takes one unit of the tiers' room, as it takes a device slot on stock;
 * - with no tier, zswap is the only backend: its total is the pool limit,
 *   its use the pages the compressed pool occupies, and it has no room
 *   while it refuses stores (a full pool, until it shrinks below
 *   accept_threshold_percent);
 * - zero-filled pages and pages kept in memory take no room anywhere;
 * - the free figure is capped by the free virtual slots.
 *
 * The virtual device's own slots are counted in vswap_nr_free, outside
 * nr_swap_pages, which keeps counting the free slots of real devices.
 * Readers are reclaim, the OOM killer and /proc, in any context: nothing
 * here takes a lock.  The ZSWAP count is the node counter, which lags by
 * the per-cpu stat thresholds and by vswap_count()'s per-CPU sums (up to
 * VSWAP_STAT_BATCH pages a CPU, for up to VSWAP_STAT_DELAY), and freed
 * tier slots come back through the per-cpu slot caches, as on stock.  A
 * reader that computes two figures around a switch of vswap_on may mix
 * the two regimes once.
 */

/*
 * Room left in zswap when it is the only backend, and its size in
 * *@total: the pool limit, its use the pages the pool occupies (a
 * disabled zswap still holds what it stored); no room while it refuses
 * stores.
 */
static long vswap_zswap_backend(long *total)
{
	long used = zswap_total_pages();

	*total = zswap_is_enabled() ? max_t(long, zswap_max_pages(), used) :
				      used;
	/* a full pool refuses stores until it is back below its threshold */
	if (zswap_pool_full())
		return 0;
	return *total - used;
}

/*
 * vswap_room() with no tier.  Out of line: with tiers, the common case,
 * the figures are read inline.
 */
long vswap_zswap_room(long *total)
{
	long free = min(vswap_zswap_backend(total),
			atomic_long_read(&vswap_nr_free));

	return max(free, 0L);
}
EXPORT_SYMBOL_GPL(vswap_zswap_room);

/*
 * The virtual device's line in /proc/swaps, so that the Size and Used
 * columns add up to SwapTotal and SwapTotal - SwapFree: with no tier,
 * zswap's limit and pool; with tiers, size 0 and the pages in zswap (on
 * stock they hold device slots, and count in the device's Used), while
 * there are any.  False: no line.
 */
bool vswap_swaps_line(unsigned long *size_kb, unsigned long *used_kb)
{
	long total, free;

	if (READ_ONCE(__total_swap_pages) > 0) {
		long nzs = global_node_page_state(NR_VSWAP_ZSWAP);

		if (nzs <= 0)
			return false;
		*size_kb = 0;
		*used_kb = nzs << (PAGE_SHIFT - 10);
		return true;
	}
	free = vswap_zswap_backend(&total);
	if (total <= 0)
		return false;
	*size_kb = total << (PAGE_SHIFT - 10);
	*used_kb = (total - max(free, 0L)) << (PAGE_SHIFT - 10);
	return true;
}

/* ---------------------------------------------------------------------
 * What swap_ext policies see
 */

/* How many tiers there are */
int vswap_nr_tiers(void)
{
	int types[MAX_SWAPFILES];

	return swap_tier_types(types, ARRAY_SIZE(types));
}

/* The @idx-th tier by priority; -ENOENT past the last */
int vswap_tier_info(unsigned int idx, struct swap_ext_tier *t)
{
	int types[MAX_SWAPFILES], n;
	struct swap_info_struct *si;

	n = swap_tier_types(types, ARRAY_SIZE(types));
	if (idx >= n)
		return -ENOENT;
	si = swp_swap_info(swp_entry(types[idx], 0));
	*t = (struct swap_ext_tier) {
		.type = types[idx],
		.prio = READ_ONCE(si->prio),
		.rotational = !(READ_ONCE(si->flags) & SWP_SOLIDSTATE),
		.slots = READ_ONCE(si->pages),
		.used = READ_ONCE(si->inuse_pages),
		.backing = vswap_tier_backing(types[idx]),
	};
	return 0;
}

/*
 * Figure @item of @memcg and its descendants, in pages: the sums the CPUs
 * passed on (vswap_stat_add()).  One CPU's may pass a slot's decrement on
 * before another passes its increment: a figure below zero is zero.
 */
static long vswap_memcg_figure(struct mem_cgroup *memcg,
			       enum node_stat_item item)
{
	long sum = 0;
#ifdef CONFIG_MEMCG
	long __percpu *pages = mem_cgroup_vswap_pages(memcg);
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(pages, cpu)[item - NR_VSWAP_ZERO];
#endif
	return max(sum, 0L);
}

/* memory.stat: @memcg's figures, with its descendants', in bytes */
void vswap_memcg_stat(struct mem_cgroup *memcg, struct seq_buf *s)
{
	static const char *const names[VSWAP_NR_FIGURES] = {
		[NR_VSWAP_ZERO - NR_VSWAP_ZERO]		= "vswap_zero",
		[NR_VSWAP_ZSWAP - NR_VSWAP_ZERO]	= "vswap_zswap",
		[NR_VSWAP_PHYS - NR_VSWAP_ZERO]		= "vswap_phys",
		[NR_VSWAP_FOLIO - NR_VSWAP_ZERO]	= "vswap_folio",
	};
	int i;

	for (i = 0; i < VSWAP_NR_FIGURES; i++)
		seq_buf_printf(s, "%s %lu\n", names[i],
			       vswap_memcg_figure(memcg, NR_VSWAP_ZERO + i) * PAGE_SIZE);
}

/* Virtual slots of @memcg and its descendants held by @backend */
long vswap_memcg_pages(struct mem_cgroup *memcg, unsigned int backend)
{
	static const enum vswap_tag tags[SWAP_EXT_NR_BACKENDS] = {
		[SWAP_EXT_BACKEND_ZERO]		= VSWAP_ZERO,
		[SWAP_EXT_BACKEND_ZSWAP]	= VSWAP_ZSWAP,
		[SWAP_EXT_BACKEND_PHYS]		= VSWAP_PHYS,
		[SWAP_EXT_BACKEND_FOLIO]	= VSWAP_FOLIO,
	};

	if (backend >= SWAP_EXT_NR_BACKENDS)
		return -EINVAL;
	return vswap_memcg_figure(memcg, vswap_stat_item[tags[backend]]);
}

/* ---------------------------------------------------------------------
 * Enable and disable
 */

static const struct file_operations vswap_fops = {
	.owner = THIS_MODULE,
};

static unsigned long vswap_max_slots(void)
{
	unsigned long max = min_t(unsigned long, arch_max_swapfile_size(), UINT_MAX);

	return round_down(max, SWAPFILE_CLUSTER);
}

/* Slots for a virtual space of @bytes, 0 meaning the default */
static unsigned long vswap_slots(unsigned long bytes)
{
	unsigned long nr = bytes ? bytes >> PAGE_SHIFT :
			   totalram_pages() * VSWAP_DEFAULT_RATIO;

	nr = round_up(nr, SWAPFILE_CLUSTER);
	return clamp(nr, (unsigned long)SWAPFILE_CLUSTER, vswap_max_slots());
}

static int vswap_enable(void)
{
	unsigned long nr = vswap_slots(vswap_size);
	struct file *file;
	int err = -ENOMEM;

	lockdep_assert_held(&vswap_ctl_lock);
	if (vswap.si)
		return 0;

	vswap.nr_slots = nr;
	vswap.nr_clusters = nr / SWAPFILE_CLUSTER;
	INIT_LIST_HEAD(&vswap.unpopulated);
	vswap.tables = kvcalloc(vswap.nr_clusters, sizeof(*vswap.tables),
				GFP_KERNEL);
	vswap.map_mapped = bitmap_zalloc(DIV_ROUND_UP(nr, PAGE_SIZE), GFP_KERNEL);
	vswap.map_idle = bitmap_zalloc(DIV_ROUND_UP(nr, PAGE_SIZE), GFP_KERNEL);
	vswap.map_area = get_vm_area(round_up(nr, PAGE_SIZE), VM_SPARSE);
	vswap.bad_page = alloc_page(GFP_KERNEL);
	if (!vswap.tables || !vswap.map_mapped || !vswap.map_idle ||
	    !vswap.map_area || !vswap.bad_page)
		goto free;
	memset(page_address(vswap.bad_page), SWAP_MAP_BAD, PAGE_SIZE);
	err = vswap_map_init(DIV_ROUND_UP(nr, PAGE_SIZE));
	if (err)
		goto free;

	file = anon_inode_create_getfile("[vswap]", &vswap_fops, NULL, O_RDWR,
					 NULL);
	if (IS_ERR(file)) {
		err = PTR_ERR(file);
		goto free;
	}

	err = swapon_virtual(file, nr, vswap.map_area->addr, VSWAP_PRIO);
	if (err) {
		fput(file);
		vswap.si = NULL;
		goto free;
	}
	vswap.file = file;
	WRITE_ONCE(vswap_type, vswap.si->type);

	/* slot caches hold tier entries: empty them as the switch flips */
	disable_swap_slots_cache_lock();
	static_branch_enable(&vswap_on);
	reenable_swap_slots_cache_unlock();
	vswap_cgroup_set_lazy();
	return 0;

free:
	vswap_free_all();
	pr_err("cannot enable: %d\n", err);
	return err;
}

/*
 * Stop handing out virtual entries and swapoff the virtual device: every
 * virtual entry is read back into memory (the stock page-table walk), and
 * what reclaim writes out meanwhile goes straight to the tiers.
 */
static int vswap_disable(void)
{
	struct file *file = vswap.file;
	long extra;
	int err;

	lockdep_assert_held(&vswap_ctl_lock);
	if (!vswap.si)
		return 0;

	/*
	 * What SwapTotal loses when zswap stops counting as a backend: a
	 * check, as stock's swapoff makes, which takes nothing for good.
	 */
	extra = vswap_total_pages() - READ_ONCE(__total_swap_pages);
	if (extra > 0) {
		if (security_vm_enough_memory_mm(current->mm, extra))
			return -ENOMEM;
		vm_unacct_memory(extra);
	}

	/* the stock entries the devices take from now on are charged */
	err = vswap_cgroup_populate_tiers();
	if (err) {
		pr_warn("cannot disable: no memory for the swap devices' swap_cgroup maps\n");
		return err;
	}

	disable_swap_slots_cache_lock();
	static_branch_disable(&vswap_on);
	reenable_swap_slots_cache_unlock();

	get_file(file);
	err = swapoff_file(file);
	if (err) {
		fput(file);
		disable_swap_slots_cache_lock();
		static_branch_enable(&vswap_on);
		reenable_swap_slots_cache_unlock();
		vswap_cgroup_set_lazy();
		pr_warn("cannot disable: %d\n", err);
		return err;
	}
	/* swapoff closed the device's reference, this is ours */
	fput(file);
	/* no virtual slot is left for a cached tier slot to back */
	vswap_tier_cache_drain(-1);
	vswap.file = NULL;
	vswap.si = NULL;
	WRITE_ONCE(vswap_type, MAX_SWAPFILES);
	return 0;
}

/* ---------------------------------------------------------------------
 * sysfs: /sys/kernel/mm/vswap/
 */

static ssize_t enabled_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(vswap.si) ? 1 : 0);
}

static ssize_t enabled_store(struct kobject *kobj, struct kobj_attribute *attr,
			     const char *buf, size_t count)
{
	bool on;
	int err;

	err = kstrtobool(buf, &on);
	if (err)
		return err;
	mutex_lock(&vswap_ctl_lock);
	err = on ? vswap_enable() : vswap_disable();
	mutex_unlock(&vswap_ctl_lock);
	return err ? err : count;
}

static ssize_t size_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	unsigned long nr;

	mutex_lock(&vswap_ctl_lock);
	nr = vswap.si ? vswap.nr_slots : vswap_slots(vswap_size);
	mutex_unlock(&vswap_ctl_lock);
	return sysfs_emit(buf, "%lu\n", nr << PAGE_SHIFT);
}

static ssize_t size_store(struct kobject *kobj, struct kobj_attribute *attr,
			  const char *buf, size_t count)
{
	unsigned long long bytes;
	char *end;
	int err = 0;

	bytes = memparse(buf, &end);
	if (end == buf || (*end && *end != '\n'))
		return -EINVAL;
	if (bytes && (bytes >> PAGE_SHIFT < SWAPFILE_CLUSTER ||
		      bytes >> PAGE_SHIFT > vswap_max_slots()))
		return -ERANGE;

	mutex_lock(&vswap_ctl_lock);
	if (vswap.si)
		err = -EBUSY;	/* resize: disable, write, enable */
	else
		vswap_size = bytes;
	mutex_unlock(&vswap_ctl_lock);
	return err ? err : count;
}

static const char * const vswap_ra_modes[] = {
	[VSWAP_RA_ALL]		= "all",
	[VSWAP_RA_DISK]		= "disk",
	[VSWAP_RA_TIERS]	= "tiers",
};

/* What zswap does with a virtual page read ahead: readahead_zswap */
static const char * const vswap_ra_zswap_modes[] = {
	[VSWAP_RA_TAKE]		= "take",
	[VSWAP_RA_KEEP]		= "keep",
	[VSWAP_RA_ALWAYS]	= "always",
};

/* A knob that is one of @n names: *@mode indexes @modes */
static ssize_t vswap_mode_store(const char * const *modes, size_t n,
				int *mode, const char *buf, size_t count)
{
	int m = __sysfs_match_string(modes, n, buf);

	if (m < 0)
		return m;
	WRITE_ONCE(*mode, m);
	return count;
}

static ssize_t readahead_show(struct kobject *kobj,
			      struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", vswap_ra_modes[READ_ONCE(vswap_ra_mode)]);
}

static ssize_t readahead_store(struct kobject *kobj,
			       struct kobj_attribute *attr,
			       const char *buf, size_t count)
{
	return vswap_mode_store(vswap_ra_modes, ARRAY_SIZE(vswap_ra_modes),
				&vswap_ra_mode, buf, count);
}

static ssize_t readahead_zswap_show(struct kobject *kobj,
				    struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  vswap_ra_zswap_modes[READ_ONCE(vswap_ra_keep)]);
}

static ssize_t readahead_zswap_store(struct kobject *kobj,
				     struct kobj_attribute *attr,
				     const char *buf, size_t count)
{
	return vswap_mode_store(vswap_ra_zswap_modes,
				ARRAY_SIZE(vswap_ra_zswap_modes), &vswap_ra_keep,
				buf, count);
}

/* One line per tier: type, priority, slots, in use, backing, device */
static ssize_t tiers_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	int types[MAX_SWAPFILES], n, i, len;
	char *path, *name;

	path = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!path)
		return -ENOMEM;
	len = sysfs_emit(buf, "type\tprio\tslots\tinuse\tbacking\tname\n");
	n = swap_tier_types(types, ARRAY_SIZE(types));
	for (i = 0; i < n; i++) {
		struct swap_info_struct *si = get_swap_device(swp_entry(types[i], 1));

		if (!si)
			continue;
		name = file_path(si->swap_file, path, PATH_MAX);
		len += sysfs_emit_at(buf, len, "%d\t%d\t%u\t%u\t%ld\t%s\n",
				     si->type, si->prio, si->pages,
				     READ_ONCE(si->inuse_pages),
				     vswap_tier_backing(types[i]),
				     IS_ERR(name) ? "?" : name);
		put_swap_device(si);
	}
	kfree(path);
	return len;
}

/*
 * Metadata of the virtual device.  "static" is what exists at 0% use;
 * "dynamic" grows with the clusters in use.
 */
static ssize_t stat_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	unsigned long nr_clusters, nr_pages, nr_map_pages, st, dyn, used;
	long cached, freed;
	int len;

	mutex_lock(&vswap_ctl_lock);
	if (!vswap.si) {
		mutex_unlock(&vswap_ctl_lock);
		return sysfs_emit(buf, "enabled 0\n");
	}
	nr_clusters = vswap.nr_clusters;
	nr_pages = DIV_ROUND_UP(vswap.nr_slots, PAGE_SIZE);
	nr_map_pages = bitmap_weight(vswap.map_mapped, nr_pages);
	used = READ_ONCE(vswap.si->inuse_pages);
	/*
	 * cluster_info, table pointers, mapped and idle bits, the PTE pages
	 * of the swap_map area and its bad page, and a swap cache
	 * address_space and zswap tree per 64M
	 */
	st = nr_clusters * sizeof(struct swap_cluster_info) +
	     nr_clusters * sizeof(*vswap.tables) +
	     2 * BITS_TO_LONGS(nr_pages) * sizeof(long) +
	     DIV_ROUND_UP(nr_pages, PTRS_PER_PTE) * PAGE_SIZE + PAGE_SIZE +
	     DIV_ROUND_UP(vswap.nr_slots, SWAP_ADDRESS_SPACE_PAGES) *
	     (sizeof(struct address_space) + sizeof(struct xarray));
	dyn = (atomic_long_read(&vswap.nr_tables) + vswap.pool_nr +
	       nr_map_pages) * PAGE_SIZE;
	len = sysfs_emit(buf, "enabled 1\n");
	len += sysfs_emit_at(buf, len, "slots %lu\n", vswap.nr_slots);
	len += sysfs_emit_at(buf, len, "slots_used %lu\n", used);
	len += sysfs_emit_at(buf, len, "slots_free %ld\n",
			     atomic_long_read(&vswap_nr_free));
	len += sysfs_emit_at(buf, len, "clusters %lu\n", nr_clusters);
	len += sysfs_emit_at(buf, len, "clusters_populated %ld\n",
			     atomic_long_read(&vswap.nr_tables));
	len += sysfs_emit_at(buf, len, "tables_pooled %d\n", vswap.pool_nr);
	len += sysfs_emit_at(buf, len, "map_pages %lu\n", nr_map_pages);
	len += sysfs_emit_at(buf, len, "map_pages_released %ld\n",
			     atomic_long_read(&vswap.nr_released));
	len += sysfs_emit_at(buf, len, "clusters_activated %ld\n",
			     atomic_long_read(&vswap.nr_activated));
	len += sysfs_emit_at(buf, len, "tables_allocated %ld\n",
			     atomic_long_read(&vswap.nr_table_allocs));
	len += sysfs_emit_at(buf, len, "zero %lu\n",
			     global_node_page_state(NR_VSWAP_ZERO));
	len += sysfs_emit_at(buf, len, "zswap %lu\n",
			     global_node_page_state(NR_VSWAP_ZSWAP));
	len += sysfs_emit_at(buf, len, "phys %lu\n",
			     global_node_page_state(NR_VSWAP_PHYS));
	len += sysfs_emit_at(buf, len, "folio %lu\n",
			     global_node_page_state(NR_VSWAP_FOLIO));
	len += sysfs_emit_at(buf, len, "folios_scattered %ld\n",
			     atomic_long_read(&vswap_folios_scattered));
	vswap_tier_held(-1, &cached, &freed);
	len += sysfs_emit_at(buf, len, "tier_cache_slots %ld\n", cached);
	len += sysfs_emit_at(buf, len, "tier_free_slots %ld\n", freed);
	len += sysfs_emit_at(buf, len, "tier_cache_refills %ld\n",
			     atomic_long_read(&vswap_tier_cache_refills));
	len += sysfs_emit_at(buf, len, "tier_cache_drains %ld\n",
			     atomic_long_read(&vswap_tier_cache_drains));
	len += sysfs_emit_at(buf, len, "reads_sorted %ld\n",
			     atomic_long_read(&vswap_reads_sorted));
	len += sysfs_emit_at(buf, len, "read_plugs_deferred %ld\n",
			     atomic_long_read(&vswap_read_plugs_deferred));
	len += sysfs_emit_at(buf, len, "ra_windows_skipped %lu\n",
			     vswap_ra_sum(&vswap_ra_windows_skipped));
	len += sysfs_emit_at(buf, len, "ra_skipped %lu\n",
			     vswap_ra_sum(&vswap_ra_skipped));
	len += sysfs_emit_at(buf, len, "ra_passed %lu\n",
			     vswap_ra_sum(&vswap_ra_passed));
	len += sysfs_emit_at(buf, len, "ra_zswap_kept %lu\n",
			     vswap_ra_sum(&vswap_ra_zswap_kept));
	len += sysfs_emit_at(buf, len, "ra_zswap_dropped %lu\n",
			     vswap_ra_sum(&vswap_ra_zswap_dropped));
	len += sysfs_emit_at(buf, len, "ra_zswap_used %lu\n",
			     vswap_ra_sum(&vswap_ra_zswap_used));
	len += sysfs_emit_at(buf, len, "moves_pending %d\n",
			     atomic_read(&vswap_moves_pending));
	len += sysfs_emit_at(buf, len, "moves_done %ld\n",
			     atomic_long_read(&vswap_moves_done));
	len += sysfs_emit_at(buf, len, "static_bytes %lu\n", st);
	len += sysfs_emit_at(buf, len, "dynamic_bytes %lu\n", dyn);
	mutex_unlock(&vswap_ctl_lock);
	return len;
}

static struct kobj_attribute enabled_attr = __ATTR_RW(enabled);
static struct kobj_attribute size_attr = __ATTR_RW(size);
static struct kobj_attribute readahead_attr = __ATTR_RW(readahead);
static struct kobj_attribute readahead_zswap_attr = __ATTR_RW(readahead_zswap);
static struct kobj_attribute tiers_attr = __ATTR_RO(tiers);
static struct kobj_attribute stat_attr = __ATTR_RO(stat);

static struct attribute *vswap_attrs[] = {
	&enabled_attr.attr,
	&size_attr.attr,
	&readahead_attr.attr,
	&readahead_zswap_attr.attr,
	&tiers_attr.attr,
	&stat_attr.attr,
	NULL,
};

static const struct attribute_group vswap_attr_group = {
	.attrs = vswap_attrs,
	.name = "vswap",
};

/* ---------------------------------------------------------------------
 * Boot parameters and init
 */

/* vswap=on|off: whether vswap starts enabled (default on) */
static int __init vswap_setup(char *s)
{
	return !kstrtobool(s, &vswap_boot_enabled);
}
__setup("vswap=", vswap_setup);

/* vswap_size=SIZE: size of the virtual space (default 16 x RAM) */
static int __init vswap_size_setup(char *s)
{
	vswap_size = memparse(s, NULL);
	return 1;
}
__setup("vswap_size=", vswap_size_setup);

/* vswap_readahead=all|disk|tiers: swap readahead's mode (default tiers) */
static int __init vswap_readahead_setup(char *s)
{
	int mode = match_string(vswap_ra_modes, ARRAY_SIZE(vswap_ra_modes), s);

	if (mode < 0) {
		pr_warn("vswap_readahead=%s: not all, disk or tiers\n", s);
		return 1;
	}
	vswap_ra_mode = mode;
	return 1;
}
__setup("vswap_readahead=", vswap_readahead_setup);

/* vswap_readahead_zswap=take|keep|always: readahead_zswap (default keep) */
static int __init vswap_readahead_zswap_setup(char *s)
{
	int mode = match_string(vswap_ra_zswap_modes,
				ARRAY_SIZE(vswap_ra_zswap_modes), s);

	if (mode < 0) {
		pr_warn("vswap_readahead_zswap=%s: not take, keep or always\n", s);
		return 1;
	}
	vswap_ra_keep = mode;
	return 1;
}
__setup("vswap_readahead_zswap=", vswap_readahead_zswap_setup);

static int __init vswap_init(void)
{
	int err, cpu;

	for_each_possible_cpu(cpu) {
		INIT_WORK(per_cpu_ptr(&vswap_stat_drain_work, cpu), vswap_stat_drain_fn);
		mutex_init(&per_cpu_ptr(&vswap_tier_cache, cpu)->lock);
		spin_lock_init(&per_cpu_ptr(&vswap_tier_frees, cpu)->lock);
		per_cpu_ptr(&vswap_tier_frees, cpu)->cpu = cpu;
	}
	/*
	 * before any move is counted or tier slot cached: neither a CPU's
	 * sums nor its slots must die with it
	 */
	err = cpuhp_setup_state_nocalls(CPUHP_BP_PREPARE_DYN, "mm/vswap:dead",
					NULL, vswap_cpu_dead);
	if (err < 0) {
		pr_err("no CPU hotplug callback (%d): vswap stays off\n", err);
		return 0;
	}
	INIT_DELAYED_WORK(&vswap.release_work, vswap_release_fn);
	vswap_move_wq = alloc_workqueue("vswap_move", WQ_UNBOUND | WQ_FREEZABLE, 1);
	if (!vswap_move_wq)
		pr_warn("no move workqueue: policies cannot move pages\n");
	vswap_read_wq = alloc_workqueue("vswap_read", WQ_MEM_RECLAIM | WQ_HIGHPRI, 0);
	if (!vswap_read_wq)
		pr_warn("no read workqueue: tier reads go in the order submitted\n");
	err = sysfs_create_group(mm_kobj, &vswap_attr_group);
	if (err)
		pr_warn("no sysfs interface: %d\n", err);
	if (IS_ENABLED(CONFIG_DEBUG_FS)) {
		struct dentry *dir = debugfs_create_dir("vswap", NULL);

		debugfs_create_u32("move_delay_ms", 0600, dir, &vswap_move_delay_ms);
		debugfs_create_bool("wb_tier_full", 0600, dir, &vswap_wb_tier_full);
		debugfs_create_u32("read_plug_sleep", 0600, dir, &vswap_read_plug_sleep);
		debugfs_create_u32("tiers_sync_delay_ms", 0600, dir,
				   &vswap_tiers_sync_delay_ms);
		debugfs_create_u32("cgroup_id_delay_ms", 0600, dir,
				   &vswap_cgroup_id_delay_ms);
		debugfs_create_u32("cgroup_id_delay_pid", 0600, dir,
				   &vswap_cgroup_id_delay_pid);
		debugfs_create_atomic_t("cgroup_id_stale", 0400, dir,
					&vswap_cgroup_id_stale);
	}
	if (!vswap_boot_enabled)
		return 0;
	mutex_lock(&vswap_ctl_lock);
	err = vswap_enable();
	mutex_unlock(&vswap_ctl_lock);
	return 0;
}
late_initcall(vswap_init);
