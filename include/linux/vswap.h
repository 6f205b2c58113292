/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vswap: a virtual swap space with native backends.  See mm/vswap.c.
 *
 * Callers in mm/ use these hooks; everything else is private to vswap.
 */
#ifndef _LINUX_VSWAP_H
#define _LINUX_VSWAP_H

#include <linux/swap.h>
#include <linux/jump_label.h>
#include <linux/swap_cgroup.h>
#include <linux/swapops.h>

struct bio;
struct folio;
struct writeback_control;
struct swap_info_struct;
struct swap_cluster_info;
struct swap_ext_tier;
struct mem_cgroup;
struct seq_buf;

#ifdef CONFIG_VSWAP

/* swap type of the virtual device, MAX_SWAPFILES when there is none */
extern unsigned int vswap_type;
/* free slots of the virtual device, kept out of nr_swap_pages */
extern atomic_long_t vswap_nr_free;

/* New swap entries are virtual ones */
static inline bool vswap_active(void)
{
	return static_branch_unlikely(&vswap_on);
}

static inline bool swp_entry_is_virtual(swp_entry_t entry)
{
	return swp_type(entry) == READ_ONCE(vswap_type);
}

static inline bool vswap_folio(struct folio *folio)
{
	return swp_entry_is_virtual(folio->swap);
}

/* Where @si's free slots are counted */
static inline atomic_long_t *swap_free_counter(struct swap_info_struct *si)
{
	return (si->flags & SWP_VIRTUAL) ? &vswap_nr_free : &nr_swap_pages;
}

/* @si's part of total_swap_pages: none for the virtual device */
static inline unsigned long swap_dev_pages(struct swap_info_struct *si)
{
	return (si->flags & SWP_VIRTUAL) ? 0 : si->pages;
}

/* swapfile.c: /proc/swaps line of the virtual device, false for none */
bool vswap_swaps_line(unsigned long *size_kb, unsigned long *used_kb);

/* swapfile.c: allocation, free, cluster life, swapoff */
int vswap_get_pages(int n_goal, swp_entry_t entries[], int order);
void __vswap_release(swp_entry_t entry, int nr);
void __vswap_release_entries(swp_entry_t *entries, int n);
int vswap_setup_clusters(struct swap_info_struct *si,
			 struct swap_cluster_info *cluster_info,
			 unsigned char *swap_map);
void vswap_retire_cluster(struct swap_info_struct *si,
			  struct swap_cluster_info *ci);
bool vswap_map_hole(struct swap_info_struct *si, unsigned long offset);
void vswap_free_map(struct swap_info_struct *si, unsigned char *swap_map);
int vswap_unuse_tier(struct swap_info_struct *si);
void vswap_tier_swapoff(struct swap_info_struct *si);
void vswap_tier_reinsert(struct swap_info_struct *si);
int vswap_cgroup_swapon(int type, unsigned long max_pages);

/* page_io.c: where the data goes and comes from */
int vswap_writepage(struct folio *folio, struct writeback_control *wbc);
bool vswap_read_folio(struct folio *folio, struct swap_info_struct **sisp);
swp_entry_t __vswap_io_entry(swp_entry_t entry);
void __vswap_bio_scatter(struct bio *bio, struct folio *folio);
void __vswap_submit_read(struct bio *bio);

/* memory.c, page_io.c, swap.h: reads that skip the swap cache */
/* some tier is synchronous: else no virtual entry is read synchronously */
extern bool vswap_tier_sync;
bool __vswap_synchronous(struct swap_info_struct *si, swp_entry_t entry);
bool __vswap_read_synchronous(swp_entry_t entry);
/* How swap readahead reads around virtual entries: sysfs vswap/readahead */
enum vswap_ra_mode {
	VSWAP_RA_ALL,	/* as stock: every neighbour, around every fault */
	VSWAP_RA_DISK,	/* as stock if a tier is asynchronous, else no window */
	VSWAP_RA_TIERS,	/* only neighbours on an asynchronous tier */
};

extern int vswap_ra_mode;
bool __vswap_ra_window(void);
bool __vswap_ra_worth(swp_entry_t entry);
bool __vswap_ra_passed(swp_entry_t entry);
/* What zswap does with a virtual page read ahead: vswap/readahead_zswap */
enum vswap_ra_zswap {
	VSWAP_RA_TAKE,		/* hands the data over, as 6.12 does */
	VSWAP_RA_KEEP,		/* keeps its copy until a fault maps the page */
	VSWAP_RA_ALWAYS,	/* keeps its copy while the page is clean */
};

extern int vswap_ra_keep;
bool __vswap_ra_keep(struct folio *folio);
void __vswap_fault_take(struct folio *folio);
#ifdef CONFIG_ZSWAP
/* zswap.c: free @folio's kept zswap copy and dirty it; false if none */
bool zswap_take_kept(struct folio *folio);
#else
static inline bool zswap_take_kept(struct folio *folio)
{
	return false;
}
#endif
int vswap_zeromap_batch(swp_entry_t entry, int max_nr, bool *is_zeromap);

/* zswap.c: writeback to a tier (@tier: swap type first tried, or -1) */
int vswap_wb_prepare_on(swp_entry_t entry, swp_entry_t *phys, int tier);
void vswap_wb_cancel(swp_entry_t phys);
bool vswap_wb_possible(void);

/* zswap.c: the descriptor of a virtual entry is zswap's index for it */
void *vswap_zswap_store(swp_entry_t entry, void *zentry);
void *vswap_zswap_erase(swp_entry_t entry);
void *vswap_zswap_load(swp_entry_t entry);
int vswap_zswap_drop_kept(struct folio *folio, swp_entry_t entry,
			  void *zentry);
bool vswap_zswap_writeback(swp_entry_t entry, void *zentry, swp_entry_t phys);

/* swap_cgroup.c: the descriptor of a virtual entry holds its cgroup id */
unsigned short vswap_cgroup_record(swp_entry_t entry, unsigned short id,
				   unsigned int nr);
unsigned short vswap_cgroup_cmpxchg(swp_entry_t entry, unsigned short old,
				    unsigned short new);
unsigned short vswap_cgroup_id(swp_entry_t entry);
int vswap_cgroup_run(swp_entry_t entry, int nr);

/* swap_ext.c: what policies see and move */
int vswap_nr_tiers(void);
int vswap_tier_info(unsigned int idx, struct swap_ext_tier *t);
long vswap_memcg_pages(struct mem_cgroup *memcg, unsigned int backend);
int vswap_queue_move(swp_entry_t entry, swp_entry_t from, int tier,
		     unsigned short memcg_id);
long vswap_move_memcg(struct mem_cgroup *root, int from, int to,
		      unsigned long nr);
void vswap_moves_state(int *pending, unsigned long *done);
unsigned short vswap_entry_memcg_id(swp_entry_t entry, swp_entry_t *phys);
bool vswap_is_tier(int type);

/* Release whatever backs virtual @entry..@entry + @nr - 1; may not sleep */
static inline void vswap_release(swp_entry_t entry, int nr)
{
	if (swp_entry_is_virtual(entry))
		__vswap_release(entry, nr);
}

/*
 * swapcache_free_entries(): release what backs the virtual ones of a batch
 * of @n freed slots.  Not while vswap_active() alone: the virtual device's
 * swapoff frees its last batches after vswap_on went off.
 */
static inline void vswap_release_entries(swp_entry_t *entries, int n)
{
	if (READ_ONCE(vswap_type) < MAX_SWAPFILES)
		__vswap_release_entries(entries, n);
}

/* The slot I/O for @entry goes to: a tier slot for a virtual entry */
static inline swp_entry_t vswap_io_entry(swp_entry_t entry)
{
	if (swp_entry_is_virtual(entry))
		return __vswap_io_entry(entry);
	return entry;
}

/* swapcache_free_entries(): group freed slots by device in one pass */
bool vswap_sort_entries(swp_entry_t *entries, int n);

/*
 * May do_swap_page() read @entry of @si into a folio of its own, skipping
 * the swap cache?  Stock: when the device is SWP_SYNCHRONOUS_IO.  vswap
 * answers for a virtual entry from its descriptor, which the fault does
 * not own yet: a hint, as stock's unlocked test of the flag is.
 */
static inline bool swap_synchronous(struct swap_info_struct *si,
				    swp_entry_t entry)
{
	if (swp_entry_is_virtual(entry))
		return READ_ONCE(vswap_tier_sync) &&
		       __vswap_synchronous(si, entry);
	/* other flags change under si->lock; this one is set at swapon */
	return data_race(si->flags & SWP_SYNCHRONOUS_IO);
}

/*
 * Does swap_read_folio() read @folio synchronously?  Stock: when its
 * device is SWP_SYNCHRONOUS_IO.  A virtual folio out of the swap cache
 * (the bypass, which a stale hint may have chosen) always is; one in the
 * swap cache when the tier it is read from is.
 */
static inline bool swap_read_synchronous(struct swap_info_struct *si,
					 struct folio *folio)
{
	if (vswap_folio(folio))
		return !folio_test_swapcache(folio) ||
		       (READ_ONCE(vswap_tier_sync) &&
			__vswap_read_synchronous(folio->swap));
	return si->flags & SWP_SYNCHRONOUS_IO;
}

/*
 * Swap readahead (mm/vswap.c): stock reads every neighbour in a window
 * around every faulting entry.  Around a virtual entry, vswap reads no
 * window unless some tier is asynchronous, where readahead saves I/O
 * (swap_ra_window()); readahead "tiers" reads of the window's virtual
 * neighbours only those on such a tier (swap_ra_worth()), and counts a
 * fault on one it passed over as a hit (swap_ra_passed()).
 */
static inline bool swap_ra_window(swp_entry_t entry)
{
	return !swp_entry_is_virtual(entry) || __vswap_ra_window();
}

static inline bool swap_ra_worth(swp_entry_t entry)
{
	return READ_ONCE(vswap_ra_mode) != VSWAP_RA_TIERS ||
	       !swp_entry_is_virtual(entry) || __vswap_ra_worth(entry);
}

/*
 * A fault on @entry near the last window (swap_state.c judges that): is it
 * a page that window passed over, to count as a readahead hit?  Only in
 * readahead "tiers", whose windows pass pages in zswap or zero over.
 */
static inline bool swap_ra_passed(swp_entry_t entry)
{
	return READ_ONCE(vswap_ra_mode) == VSWAP_RA_TIERS &&
	       swp_entry_is_virtual(entry) && __vswap_ra_passed(entry);
}

/*
 * zswap_load() into the swap cache: does zswap keep its copy of @folio, a
 * virtual page that swap readahead reads (marked before its read), rather
 * than hand the data over?  The folio stays clean, and reclaim drops it
 * unless it was written meanwhile (sysfs vswap/readahead_zswap).
 */
static inline bool vswap_zswap_keep(struct folio *folio)
{
	return folio_test_readahead(folio) &&
	       swp_entry_is_virtual(folio->swap) && __vswap_ra_keep(folio);
}

/*
 * do_swap_page() maps @folio, locked and still in the swap cache: in
 * readahead_zswap "keep", the fault takes over the data of a copy zswap
 * kept when readahead read the page, as zswap_load() does for the page a
 * fault asks for.
 */
static inline void vswap_fault_take(struct folio *folio)
{
	if (IS_ENABLED(CONFIG_ZSWAP) &&
	    READ_ONCE(vswap_ra_keep) == VSWAP_RA_KEEP &&
	    swp_entry_is_virtual(folio->swap))
		__vswap_fault_take(folio);
}

/*
 * Swap readahead, before it reads @folio, a neighbour of the faulting
 * entry: mark a virtual one read ahead already, for zswap_load() to see.
 * Readahead marks it again after the read, as stock does: an exclusive
 * load dirties the folio, which clears the mark (PG_readahead is
 * PG_reclaim).  A fault between the two may count a hit twice.
 */
static inline void swap_ra_mark(struct folio *folio)
{
	if (swp_entry_is_virtual(folio->swap))
		folio_set_readahead(folio);
}

/*
 * @bio writes all of @folio at the sector of its first slot: for a large
 * virtual folio whose tier slots are not contiguous, write each run of
 * contiguous slots at its own sector, in bios chained to @bio.
 */
static inline void vswap_bio_scatter(struct bio *bio, struct folio *folio)
{
	if (folio_test_large(folio) && vswap_folio(folio))
		__vswap_bio_scatter(bio, folio);
}

/*
 * Submit @bio, which reads @folio, if @folio is virtual: true if done.  A
 * tier read under a plug waits for the plug's flush, to go in sector order.
 */
static inline bool vswap_submit_read(struct folio *folio, struct bio *bio)
{
	if (!vswap_folio(folio))
		return false;
	__vswap_submit_read(bio);
	return true;
}

/*
 * memcontrol.c: a cgroup's virtual slots by backend (the node stat items
 * NR_VSWAP_ZERO to NR_VSWAP_FOLIO), in an array per CPU in memcg's per-CPU
 * statistics, counted in the cgroup and each ancestor as vswap passes its
 * sums on: memcg's rstat flushes never look at them.  memory.stat prints
 * them with vswap_memcg_stat(), after swapcached.
 */
#define VSWAP_NR_FIGURES	(NR_VSWAP_FOLIO - NR_VSWAP_ZERO + 1)
long __percpu *mem_cgroup_vswap_pages(struct mem_cgroup *memcg);
void vswap_memcg_stat(struct mem_cgroup *memcg, struct seq_buf *s);

#else /* !CONFIG_VSWAP */

static inline void vswap_memcg_stat(struct mem_cgroup *memcg,
				    struct seq_buf *s)
{
}

static inline bool vswap_active(void)
{
	return false;
}

static inline bool swp_entry_is_virtual(swp_entry_t entry)
{
	return false;
}

static inline bool vswap_folio(struct folio *folio)
{
	return false;
}

#ifdef CONFIG_SWAP
static inline atomic_long_t *swap_free_counter(struct swap_info_struct *si)
{
	return &nr_swap_pages;
}
#endif

static inline unsigned long swap_dev_pages(struct swap_info_struct *si)
{
	return si->pages;
}

static inline bool vswap_swaps_line(unsigned long *size_kb,
				    unsigned long *used_kb)
{
	return true;
}

static inline int vswap_get_pages(int n_goal, swp_entry_t entries[],
				  int order)
{
	return 0;
}

static inline void vswap_release(swp_entry_t entry, int nr)
{
}

static inline void vswap_release_entries(swp_entry_t *entries, int n)
{
}

static inline bool vswap_sort_entries(swp_entry_t *entries, int n)
{
	return false;
}

static inline int vswap_setup_clusters(struct swap_info_struct *si,
				       struct swap_cluster_info *cluster_info,
				       unsigned char *swap_map)
{
	return -EINVAL;
}

static inline void vswap_retire_cluster(struct swap_info_struct *si,
					struct swap_cluster_info *ci)
{
}

static inline bool vswap_map_hole(struct swap_info_struct *si,
				  unsigned long offset)
{
	return false;
}

static inline void vswap_free_map(struct swap_info_struct *si,
				  unsigned char *swap_map)
{
}

static inline int vswap_unuse_tier(struct swap_info_struct *si)
{
	return 0;
}

static inline void vswap_tier_swapoff(struct swap_info_struct *si)
{
}

static inline void vswap_tier_reinsert(struct swap_info_struct *si)
{
}

static inline int vswap_cgroup_swapon(int type, unsigned long max_pages)
{
	return swap_cgroup_swapon(type, max_pages);
}

static inline int vswap_writepage(struct folio *folio,
				  struct writeback_control *wbc)
{
	return 0;
}

static inline bool vswap_read_folio(struct folio *folio,
				    struct swap_info_struct **sisp)
{
	return false;
}

static inline swp_entry_t vswap_io_entry(swp_entry_t entry)
{
	return entry;
}

static inline void vswap_bio_scatter(struct bio *bio, struct folio *folio)
{
}

static inline bool vswap_submit_read(struct folio *folio, struct bio *bio)
{
	return false;
}

static inline bool swap_synchronous(struct swap_info_struct *si,
				    swp_entry_t entry)
{
	/* other flags change under si->lock; this one is set at swapon */
	return data_race(si->flags & SWP_SYNCHRONOUS_IO);
}

static inline bool swap_read_synchronous(struct swap_info_struct *si,
					 struct folio *folio)
{
	return si->flags & SWP_SYNCHRONOUS_IO;
}

static inline bool swap_ra_window(swp_entry_t entry)
{
	return true;
}

static inline bool swap_ra_worth(swp_entry_t entry)
{
	return true;
}

static inline bool swap_ra_passed(swp_entry_t entry)
{
	return false;
}

static inline bool vswap_zswap_keep(struct folio *folio)
{
	return false;
}

static inline void vswap_fault_take(struct folio *folio)
{
}

static inline void swap_ra_mark(struct folio *folio)
{
}

static inline int vswap_zswap_drop_kept(struct folio *folio,
					swp_entry_t entry, void *zentry)
{
	return 0;
}

static inline int vswap_zeromap_batch(swp_entry_t entry, int max_nr,
				      bool *is_zeromap)
{
	if (is_zeromap)
		*is_zeromap = false;
	return max_nr;
}

static inline int vswap_wb_prepare_on(swp_entry_t entry, swp_entry_t *phys,
				      int tier)
{
	return 0;
}

static inline void vswap_wb_cancel(swp_entry_t phys)
{
}

static inline bool vswap_wb_possible(void)
{
	return true;
}

/* never called: no entry is virtual */
static inline void *vswap_zswap_store(swp_entry_t entry, void *zentry)
{
	return NULL;
}

static inline void *vswap_zswap_erase(swp_entry_t entry)
{
	return NULL;
}

static inline void *vswap_zswap_load(swp_entry_t entry)
{
	return NULL;
}

static inline bool vswap_zswap_writeback(swp_entry_t entry, void *zentry,
					 swp_entry_t phys)
{
	return false;
}

static inline unsigned short vswap_cgroup_record(swp_entry_t entry,
						 unsigned short id,
						 unsigned int nr)
{
	return 0;
}

static inline unsigned short vswap_cgroup_cmpxchg(swp_entry_t entry,
						  unsigned short old,
						  unsigned short new)
{
	return 0;
}

static inline unsigned short vswap_cgroup_id(swp_entry_t entry)
{
	return 0;
}

static inline int vswap_cgroup_run(swp_entry_t entry, int nr)
{
	return nr;
}

#endif /* CONFIG_VSWAP */
#endif /* _LINUX_VSWAP_H */
