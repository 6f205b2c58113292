/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The swap figures while vswap is on: what total_swap_pages,
 * get_nr_swap_pages() and vm_swap_full() report (include/linux/swap.h).
 *
 * Stock reads each of them with one atomic load, on every swap-out (the
 * slot cache's get_nr_swap_pages()), every swap-in (vm_swap_full()) and
 * every refault (mem_cgroup_get_nr_swap_pages()).  With tiers, the common
 * case, ours are a few loads too, and stay inline; zswap without a tier
 * asks zswap about its pool, out of line.  What the figures mean is told
 * in "Accounting" in mm/vswap.c.
 */
#ifndef _LINUX_VSWAP_FIGURES_H
#define _LINUX_VSWAP_FIGURES_H

#include <linux/atomic.h>
#include <linux/jump_label.h>
#include <linux/minmax.h>
#include <linux/vmstat.h>

#ifdef CONFIG_VSWAP

/* While vswap is on, the swap figures are those of its backends */
DECLARE_STATIC_KEY_FALSE(vswap_on);
#define vswap_counts()	static_branch_unlikely(&vswap_on)

/* free slots of the real devices (mm/swapfile.c) */
extern atomic_long_t nr_swap_pages;
/* size of the real devices, the tiers: 0 when there is none */
extern long __total_swap_pages;
/* free slots of the virtual device, kept out of nr_swap_pages */
extern atomic_long_t vswap_nr_free;

/* mm/vswap.c: the free figure, and *@total, when zswap is the only backend */
long vswap_zswap_room(long *total);

/*
 * Room left in the backends, capped by the free virtual slots; their size
 * in *@total, from the same snapshot.  With tiers, zswap is a cache in
 * front of them and a page in zswap takes a unit of their room, as it
 * takes a device slot on stock.
 */
static inline long vswap_room(long *total)
{
	long tiers = READ_ONCE(__total_swap_pages);
	long free;

	if (unlikely(tiers <= 0))
		return vswap_zswap_room(total);
	*total = tiers;
	free = atomic_long_read(&nr_swap_pages) -
	       (long)global_node_page_state(NR_VSWAP_ZSWAP);
	free = min(free, atomic_long_read(&vswap_nr_free));
	return max(free, 0L);
}

/* total_swap_pages while vswap is on */
static inline long vswap_total_pages(void)
{
	long total = READ_ONCE(__total_swap_pages);

	if (unlikely(total <= 0))
		vswap_zswap_room(&total);
	return total;
}

/* get_nr_swap_pages() while vswap is on */
static inline long vswap_free_pages(void)
{
	long total;

	return vswap_room(&total);
}

/* vm_swap_full() while vswap is on: are the backends half full? */
static inline bool vswap_swap_full(void)
{
	long total, free = vswap_room(&total);

	return free * 2 < total;
}

#else /* !CONFIG_VSWAP */

#define vswap_counts()	false
static inline long vswap_total_pages(void) { return 0; }
static inline long vswap_free_pages(void) { return 0; }
static inline bool vswap_swap_full(void) { return false; }

#endif /* CONFIG_VSWAP */

#endif /* _LINUX_VSWAP_FIGURES_H */
