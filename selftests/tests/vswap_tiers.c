// SPDX-License-Identifier: GPL-2.0
/*
 * vswap tiers: swap devices behind the virtual device, zswap off, so that
 * every page that leaves memory and is not zero goes to a tier slot.
 * Every workload verifies every byte it reads back; every test skips on a
 * kernel without /sys/kernel/mm/vswap or without the disks it needs.
 *
 * vswap_tier_ssd:       one tier, queue/rotational 0: 64 MiB of random
 *                       pages through a 32 MiB cgroup.  Pages are written
 *                       to the tier (pswpout, vswap_tier_alloc, the disk's
 *                       sectors), the tiers file shows them backing
 *                       virtual slots while it runs, vswap/stat phys and
 *                       memory.stat vswap_phys too; once the workload
 *                       exited the tier backs nothing and has no slot in
 *                       use, and vswap_tier_alloc - vswap_tier_free equals
 *                       what it still backs.
 * vswap_tier_hdd:       the same with queue/rotational 1 (a rotational
 *                       device also switches swap-in to cluster
 *                       readahead, which vswap keeps within a cluster).
 * vswap_tier_swapoff:   one tier; a long workload runs in the background;
 *                       once the tier backs >= 8 MiB, the cgroup's limits
 *                       are lifted (nowhere else to put the pages) and the
 *                       tier is swapped off while the workload runs.
 *                       swapoff succeeds, vswap_move counts the pages
 *                       moved, the tier is gone from the tiers file,
 *                       vswap/stat phys comes down to nothing, and the
 *                       workload's data verifies to the end.
 * vswap_tier_swapoff2:  two tiers (priorities 10 and 5): the second backs
 *                       nothing while the first has room; the first is
 *                       swapped off under the workload's pressure, pages
 *                       move off it and reclaim puts pages on the second.
 * vswap_tier_cache:     one tier, the workload on one CPU, which keeps up
 *                       to 32 tier slots in its cache (vswap/stat
 *                       tier_cache_slots): they are in use on the tier and
 *                       back nothing; the CPU going offline gives them
 *                       back, and so does a swapoff of the tier, at once,
 *                       with the freed tier slots its batches hold
 *                       (tier_free_slots).
 * vswap_tier_fill:      two tiers, the first of 8 MiB: reclaim on CPU 1
 *                       leaves slots of it in CPU 1's cache, reclaim on
 *                       CPU 0 fills it; once it is nearly full CPU 0 takes
 *                       CPU 1's slots back (tier_cache_drains), and the
 *                       first tier backs all its slots, less what the
 *                       caches of freed slots hold, before the second
 *                       takes a page.  Every byte verifies.
 * vswap_read_order:     one rotational tier behind zswap with a 1 % pool:
 *                       64 MiB of varied pages (compressible, poorly
 *                       compressible, random) through a 32 MiB cgroup.
 *                       Random pages reach the tier at reclaim, the others
 *                       later through zswap's writeback, so the tier slots
 *                       behind a readahead window of virtual slots form
 *                       several runs.  Read back in order, the tier's reads
 *                       still carry at least READ_ORDER_MIN_PAGES pages a
 *                       request (vswap submits a plug's tier reads in
 *                       sector order); stock's do too (VST_STOCK: it runs
 *                       on stock, where the tier is the swap device).
 * vswap_read_order_deferred: the same while the reading task sleeps with
 *                       every 4th read held (debugfs vswap/read_plug_sleep),
 *                       so that its plug is flushed from schedule() and
 *                       the vswap_read workqueue submits the held reads
 *                       (read_plugs_deferred); two tiers, the first swapped
 *                       off (its pages move to the second) and on again in
 *                       a loop meanwhile; every byte verifies.
 * vswap_readahead_hdd: one rotational tier behind zswap (so cluster
 *                       readahead); 64 MiB of varied pages through a 32 MiB
 *                       cgroup, read back in order, twice: with readahead
 *                       "tiers" every page read ahead came from the tier
 *                       (swap_ra <= pswpin, and > 0) and zswap's neighbours
 *                       were left unread (ra_skipped), faults on them
 *                       counted as hits (ra_passed), and the tier's read
 *                       requests are at most 1.4x disk's (tiers is the
 *                       default); with "disk" nothing is skipped and
 *                       zswap's pages are read ahead too (swap_ra >
 *                       pswpin), as on stock.  A bad value is refused.
 *                       Every byte verifies.
 * vswap_readahead_ssd:  the same with a non-rotational tier (VMA
 *                       readahead).
 * vswap_readahead_zswap: zswap and no tier, compressible pages: with
 *                       "disk" no fault reads a window (swap_ra 0,
 *                       ra_windows_skipped counts the faults), with "all"
 *                       they do, as on stock.
 * vswap_readahead_keep: a rotational tier behind zswap, readahead "all";
 *                       two generations of varied pages each read back three
 *                       times, with readahead_zswap "take", "keep" (the
 *                       default) and "always": keep keeps zswap's copies of
 *                       pages read ahead (ra_zswap_kept) until a fault maps
 *                       the page (ra_zswap_used) and stores fewer pages in
 *                       zswap than take; always keeps them for used pages
 *                       too (none used).  The second generation overwrites
 *                       kept pages, so a stale copy would be read back; keep
 *                       and always again at memory.zswap.max 4M, mostly full.
 *                       Then, in always, a workload swapped out reads its
 *                       pages back with no limit and holds, a syscall
 *                       program writes back all its zswap entries, and the
 *                       kept copies of pages in memory are given up without
 *                       I/O (ra_zswap_dropped) before it reads every page
 *                       once more.  Nothing is left in zswap; a bad value is
 *                       refused; every byte verifies.
 * vswap_tier_cgroup_map: a 32 GiB tier (a loop device over a sparse file
 *                       of the guest's tmpfs) swapped on while vswap is on
 *                       costs under CGMAP_ON_MAX bytes of free memory a
 *                       slot (1.2 measured: no swap_cgroup map pages; 3.2 with
 *                       them, as stock allocates); disabling vswap populates
 *                       the map (free memory drops by CGMAP_OFF_MIN bytes a
 *                       slot at least), and with vswap off a workload
 *                       swapping to vda, also swapped on while vswap was
 *                       on, is charged and uncharged: memory.swap.current
 *                       holds its pages and comes back to nothing, no
 *                       warning, every byte verified.  Last, the same
 *                       swapon with vswap off costs CGMAP_OFF_MIN bytes a
 *                       slot more than with it on.  Free memory is MemFree
 *                       and the per-CPU free lists, which MemFree leaves
 *                       out (with MemFree alone a swapon's cost moved by
 *                       1-3 B a slot with what the lists held).
 * vswap_io_error:       the tier is a dm-flakey device over /dev/vda that
 *                       fails writes (error_writes) one second in three:
 *                       the kernel logs "Write-error on swap-device", the
 *                       pages stay in memory and are written again, and
 *                       every byte verifies.
 */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/swap.h>

#include "runner.h"
#include "lib/st.h"
#include "lib/sx.h"
#include "lib/vst.h"

#define WORK_MIB	64	/* workload size */
#define LIMIT_MIB	32	/* its cgroup's memory.max */
#define HIGH_MIB	24	/* its cgroup's memory.high */
#define PASSES		2

#define MIN_OUT_PAGES	((WORK_MIB - LIMIT_MIB) * MiB / VST_PAGE)

/* ---------------------------------------------------------------------
 * vswap_tier_ssd, vswap_tier_hdd
 */

static enum st_status tier_ssd_setup(void **ctx)
{
	return vst_setup(ctx, "vswap_tier_ssd", VST_SSD, 1, LIMIT_MIB, HIGH_MIB);
}

static enum st_status tier_hdd_setup(void **ctx)
{
	return vst_setup(ctx, "vswap_tier_hdd", VST_HDD, 1, LIMIT_MIB, HIGH_MIB);
}

static enum st_status tier_run(void *arg)
{
	struct vst_env *env = arg;
	struct vst_tier t[4];
	struct vst_events e0, e1;
	struct vst_gauges g;
	struct vst_result r;
	struct vst_argv av;
	uint64_t net;
	int n;

	n = vst_tiers(t, 4);
	ST_FAIL_IF(n != 1, "tiers file lists %d tiers, want 1", n);
	st_log("tier %s: type %d prio %d slots %lu", t[0].name, t[0].type,
	       t[0].prio, t[0].slots);
	ST_FAIL_IF(strcmp(t[0].name, env->tier[0]), "tier named '%s', want %s",
		   t[0].name, env->tier[0]);
	ST_FAIL_IF(t[0].prio != 10, "tier priority %d, swapon gave 10", t[0].prio);
	ST_FAIL_IF(t[0].backing || t[0].inuse, "a fresh tier backs %lu, uses %lu",
		   t[0].backing, t[0].inuse);

	vst_events_read(&e0);
	vst_run_measured(env, vst_argv(&av, "memverify", "-s %u -p %u -f random",
				       WORK_MIB, PASSES), &r, NULL);
	/* Quiet now: what the tier backs matches the tier events */
	vst_events_read(&e1);
	vst_sample(env, &g);
	net = (e1.v[VST_TIER_ALLOC] - e0.v[VST_TIER_ALLOC]) -
	      (e1.v[VST_TIER_FREE] - e0.v[VST_TIER_FREE]);

	ST_FAIL_IF(r.status != 0, "memverify failed (%d): data lost or corrupted", r.status);
	ST_FAIL_IF(r.d.v[VST_PSWPOUT] < MIN_OUT_PAGES, "pswpout %lu, want >= %llu",
		   r.d.v[VST_PSWPOUT], MIN_OUT_PAGES);
	ST_FAIL_IF(r.d.v[VST_PSWPIN] < MIN_OUT_PAGES, "pswpin %lu, want >= %llu",
		   r.d.v[VST_PSWPIN], MIN_OUT_PAGES);
	ST_FAIL_IF(r.d.v[VST_TIER_ALLOC] < MIN_OUT_PAGES, "vswap_tier_alloc %lu, want >= %llu",
		   r.d.v[VST_TIER_ALLOC], MIN_OUT_PAGES);
	ST_FAIL_IF(r.d.v[VST_ZSWPOUT], "zswap is off but stored %lu pages",
		   r.d.v[VST_ZSWPOUT]);
	ST_FAIL_IF(r.sectors < r.d.v[VST_PSWPOUT] * 8,
		   "disk saw %lu sectors written for %lu pages swapped out",
		   r.sectors, r.d.v[VST_PSWPOUT]);
	ST_FAIL_IF(r.peak.backing[0] < MIN_OUT_PAGES / 2,
		   "the tier backed at most %lu virtual slots, want >= %llu",
		   r.peak.backing[0], MIN_OUT_PAGES / 2);
	ST_FAIL_IF(!r.peak.phys, "vswap/stat phys stayed 0");
	ST_FAIL_IF(!r.peak.cg_phys, "memory.stat vswap_phys stayed 0");
	ST_FAIL_IF(r.leftover > VST_LINGER_PAGES,
		   "%lu pages still held after the workload exited (tier backing %lu inuse %lu)",
		   r.leftover, r.after.backing[0], r.after.inuse[0]);
	ST_FAIL_IF(net != g.backing[0],
		   "vswap_tier_alloc - vswap_tier_free = %lu, the tier backs %lu",
		   net, g.backing[0]);
	return ST_PASS;
}

static struct st_test vswap_tier_ssd = {
	.name = "vswap_tier_ssd",
	.description = "random pages go to a non-rotational tier and all come back",
	.setup = tier_ssd_setup,
	.run = tier_run,
	.cleanup = vst_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(vswap_tier_ssd);

static struct st_test vswap_tier_hdd = {
	.name = "vswap_tier_hdd",
	.description = "random pages go to a rotational tier and all come back",
	.setup = tier_hdd_setup,
	.run = tier_run,
	.cleanup = vst_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(vswap_tier_hdd);

/* ---------------------------------------------------------------------
 * vswap_tier_swapoff, vswap_tier_swapoff2
 */

#define SWAPOFF_PASSES	4	/* long enough to be running at swapoff */
#define SWAPOFF_BACKING	(8 * MiB / VST_PAGE)	/* swapoff once backed */
#define SWAPOFF_WAIT_S	120	/* for the tier to back that much */

static enum st_status swapoff_setup(void **ctx)
{
	return vst_setup(ctx, "vswap_tier_swapoff", 0, 1, LIMIT_MIB, HIGH_MIB);
}

static enum st_status swapoff2_setup(void **ctx)
{
	return vst_setup(ctx, "vswap_tier_swapoff2", 0, 2, LIMIT_MIB, HIGH_MIB);
}

/*
 * Start the workload, wait until tier 0 backs SWAPOFF_BACKING slots, swap
 * it off while the workload runs (lifting the cgroup's limits first when
 * @lift), then let the workload finish.
 */
static enum st_status swapoff_common(struct vst_env *env, bool lift)
{
	struct vst_gauges g, s, before, after;
	struct vst_events e0, e1, d;
	struct vst_proc p;
	struct vst_argv av;
	uint64_t min_phys;
	bool ran_after;
	double t0, dt;
	int ret, status, err = 0;

	memset(&g, 0, sizeof(g));
	memset(&before, 0, sizeof(before));
	memset(&after, 0, sizeof(after));
	vst_events_read(&e0);
	if (vst_spawn(&p, env->cg, vst_argv(&av, "memverify", "-s %u -p %u -f random",
					     WORK_MIB, SWAPOFF_PASSES)))
		return ST_FAIL;
	t0 = st_now();
	for (;;) {
		if (!vst_poll(&p, 100) || vst_exited(&p))
			break;
		vst_sample(env, &g);
		vst_gauges_max(&before, &g);
		if (g.backing[0] >= SWAPOFF_BACKING || st_now() - t0 > SWAPOFF_WAIT_S)
			break;
	}
	vst_gauges_log("before swapoff (peak)", &before);
	if (vst_exited(&p) || g.backing[0] < SWAPOFF_BACKING) {
		status = vst_reap(&p);
		st_log("workload exit status %d", status);
		ST_FAIL_IF(true, "%s before the tier backed %llu slots (%lu)",
			   status == -1 ? "the workload was killed" : "the workload ended",
			   SWAPOFF_BACKING, g.backing[0]);
	}
	if (env->nr_tiers > 1)
		ST_FAIL_IF(before.backing[1],
			   "tier 2 (prio 5) backed %lu slots while tier 1 (prio 10) had room",
			   before.backing[1]);

	if (lift && (st_cg_write(env->cg, "memory.high", "max") ||
		     st_cg_write(env->cg, "memory.max", "max"))) {
		vst_reap(&p);
		return ST_FAIL;
	}
	st_log("swapoff %s with %lu slots backed", env->tier[0], g.backing[0]);
	t0 = st_now();
	ret = swapoff(env->tier[0]);
	if (ret)
		err = errno;
	dt = st_now() - t0;
	ran_after = !vst_exited(&p);
	vst_sample(env, &g);
	st_log("swapoff: %s in %.1f s, workload %s", ret ? strerror(err) : "done",
	       dt, ran_after ? "still running" : "already ended");
	vst_gauges_log("right after swapoff", &g);

	/*
	 * vswap/stat figures are sums of per-cpu counters that fold within a
	 * second or two: with no tier left, phys must come down to nothing
	 * (its lowest value from here on), not be 0 at once.
	 */
	min_phys = g.phys;
	while (vst_poll(&p, 100)) {
		vst_sample(env, &s);
		vst_gauges_max(&after, &s);
		if (s.phys < min_phys)
			min_phys = s.phys;
	}
	status = vst_reap(&p);
	for (t0 = st_now(); min_phys && st_now() - t0 < 3; usleep(100000)) {
		vst_sample(env, &s);
		if (s.phys < min_phys)
			min_phys = s.phys;
	}
	vst_events_read(&e1);
	vst_events_sub(&d, &e1, &e0);
	vst_events_log("events", &d);
	vst_gauges_log("after swapoff (peak)", &after);

	ST_FAIL_IF(ret, "swapoff %s: %s", env->tier[0], strerror(err));
	ST_FAIL_IF(g.listed[0] || after.listed[0], "%s still in the tiers file after swapoff",
		   env->tier[0]);
	ST_FAIL_IF(status != 0, "memverify failed (%d): data lost or corrupted", status);
	ST_FAIL_IF(!d.v[VST_MOVE], "swapoff moved nothing (vswap_move 0)");
	if (env->nr_tiers == 1) {
		ST_FAIL_IF(min_phys > VST_LINGER_PAGES,
			   "vswap/stat phys never below %lu with the only tier swapped off",
			   min_phys);
	} else {
		ST_FAIL_IF(!g.listed[1], "%s left the tiers file", env->tier[1]);
		if (ran_after)
			ST_FAIL_IF(!after.backing[1],
				   "nothing went to %s after %s was swapped off",
				   env->tier[1], env->tier[0]);
	}
	return ST_PASS;
}

static enum st_status swapoff_run(void *arg)
{
	return swapoff_common(arg, true);
}

static enum st_status swapoff2_run(void *arg)
{
	return swapoff_common(arg, false);
}

static struct st_test vswap_tier_swapoff = {
	.name = "vswap_tier_swapoff",
	.description = "swapoff of the only tier under a running workload moves its pages in",
	.setup = swapoff_setup,
	.run = swapoff_run,
	.cleanup = vst_cleanup,
	.timeout = 400,
};
REGISTER_ST_TEST(vswap_tier_swapoff);

static struct st_test vswap_tier_swapoff2 = {
	.name = "vswap_tier_swapoff2",
	.description = "swapoff of the first of two tiers under pressure: pages move, the second takes over",
	.setup = swapoff2_setup,
	.run = swapoff2_run,
	.cleanup = vst_cleanup,
	.timeout = 400,
};
REGISTER_ST_TEST(vswap_tier_swapoff2);

/* ---------------------------------------------------------------------
 * vswap_tier_cache
 */

#define CACHE_MAX	32	/* tier slots a CPU caches (VSWAP_TIER_CACHE) */
#define CACHE_ROUNDS	4	/* runs until one leaves slots in the cache */
#define CACHE_MIB	48	/* a run's workload */
#define CACHE_SWAPOFF_S	5	/* a swapoff with nothing to move takes less */

static enum st_status cache_setup(void **ctx)
{
	if (vst_hotplug_cpu() < 0)
		return st_skip("no second CPU that can go offline");
	return vst_setup(ctx, "vswap_tier_cache", VST_SSD, 1, LIMIT_MIB, HIGH_MIB);
}

/*
 * Swap random pages to the tier from one CPU until that CPU's cache of
 * tier slots is left holding some: *@cached of them.  The runner, and the
 * workload it starts, run on @cpu alone meanwhile.
 */
static enum st_status cache_fill(struct vst_env *env, int cpu, uint64_t *cached)
{
	struct vst_argv av;
	int round, status;
	cpu_set_t all;

	ST_CHECK(!sched_getaffinity(0, sizeof(all), &all));
	ST_CHECK(!vst_pin_cpu(cpu));
	for (round = 0, *cached = 0; round < CACHE_ROUNDS && !*cached; round++) {
		status = vst_run(env, vst_argv(&av, "memverify", "-s %u -p 1 -f random",
					       CACHE_MIB), NULL, NULL);
		*cached = vst_stat("tier_cache_slots");
		st_log("run %d on CPU %d: memverify %d, tier_cache_slots %llu",
		       round, cpu, status, (unsigned long long)*cached);
		if (status) {
			sched_setaffinity(0, sizeof(all), &all);
			ST_FAIL_IF(1, "memverify failed (%d): data lost or corrupted", status);
		}
	}
	ST_CHECK(!sched_setaffinity(0, sizeof(all), &all));
	ST_FAIL_IF(*cached > CACHE_MAX, "one CPU ran the workload, %llu tier slots cached",
		   (unsigned long long)*cached);
	if (!*cached)
		return st_skip("%d runs each used up the cache they filled", round);
	return ST_PASS;
}

/*
 * The per-CPU caches of tier slots give their slots back when their CPU
 * goes offline and when the tier is swapped off; meanwhile the slots are
 * in use on the tier but back nothing.
 */
static enum st_status cache_run(void *arg)
{
	struct vst_env *env = arg;
	uint64_t cached, refills, left, freed, left_freed;
	struct vst_gauges g;
	enum st_status ret;
	int cpu = vst_hotplug_cpu(), err = 0;
	char path[64];
	double t0, dt;

	vst_cpu_online_path(path, sizeof(path), cpu);
	refills = vst_stat("tier_cache_refills");
	ret = cache_fill(env, cpu, &cached);
	if (ret != ST_PASS)
		return ret;
	refills = vst_stat("tier_cache_refills") - refills;
	vst_sample(env, &g);
	vst_gauges_log("filled", &g);
	ST_FAIL_IF(refills < (CACHE_MIB - LIMIT_MIB) * MiB / VST_PAGE / CACHE_MAX,
		   "%llu refills of the cache for %u MiB through a %u MiB cgroup",
		   (unsigned long long)refills, CACHE_MIB, LIMIT_MIB);
	ST_FAIL_IF(g.inuse[0] < cached, "the tier has %lu slots in use, %llu cached",
		   g.inuse[0], (unsigned long long)cached);

	/* offline: the CPU's slots, cached and freed, go back to the tier */
	freed = vst_stat("tier_free_slots");
	ST_FAIL_IF(st_write(path, "0"), "cannot take CPU %d offline", cpu);
	left = vst_stat("tier_cache_slots");
	left_freed = vst_stat("tier_free_slots");
	ST_FAIL_IF(st_write(path, "1"), "cannot bring CPU %d back online", cpu);
	st_log("CPU %d offline: tier_cache_slots %llu -> %llu, tier_free_slots %llu -> %llu",
	       cpu, (unsigned long long)cached, (unsigned long long)left,
	       (unsigned long long)freed, (unsigned long long)left_freed);
	ST_FAIL_IF(left, "CPU %d went offline, %llu tier slots still cached",
		   cpu, (unsigned long long)left);
	ST_FAIL_IF(left_freed, "CPU %d went offline, %llu freed tier slots not given back",
		   cpu, (unsigned long long)left_freed);

	/* swapoff: every CPU's slots of the tier go back first */
	ret = cache_fill(env, cpu, &cached);
	if (ret != ST_PASS)
		return ret;
	freed = vst_stat("tier_free_slots");
	t0 = st_now();
	if (swapoff(env->tier[0]))
		err = errno;
	dt = st_now() - t0;
	left = vst_stat("tier_cache_slots");
	left_freed = vst_stat("tier_free_slots");
	st_log("swapoff %s, %llu slots cached, %llu freed: %s in %.1f s, %llu and %llu left",
	       env->tier[0], (unsigned long long)cached, (unsigned long long)freed,
	       err ? strerror(err) : "done", dt, (unsigned long long)left,
	       (unsigned long long)left_freed);
	ST_FAIL_IF(err, "swapoff %s with tier slots cached: %s", env->tier[0],
		   strerror(err));
	ST_FAIL_IF(dt > CACHE_SWAPOFF_S, "swapoff with nothing to move took %.1f s", dt);
	ST_FAIL_IF(left, "%llu tier slots still cached after swapoff",
		   (unsigned long long)left);
	ST_FAIL_IF(left_freed, "%llu freed tier slots not given back at swapoff",
		   (unsigned long long)left_freed);
	return ST_PASS;
}

static struct st_test vswap_tier_cache = {
	.name = "vswap_tier_cache",
	.description = "cached tier slots go back at CPU offline and at the tier's swapoff",
	.setup = cache_setup,
	.run = cache_run,
	.cleanup = vst_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(vswap_tier_cache);

/* ---------------------------------------------------------------------
 * vswap_tier_fill
 */

#define FILL_TIER_KIB	8192	/* the first tier: 2047 slots */
#define FILL_HOLD_MIB	24	/* held by the workload: more than it holds */
#define FILL_FIRST_KIB	1000	/* reclaimed on the first CPU */
#define FILL_STEP_KIB	1024	/* then reclaimed at a time on the second */
#define FILL_TRIES	8	/* small reclaims until the cache holds some */

static enum st_status fill_setup(void **ctxp)
{
	struct vst_env *env;
	enum st_status st;
	cpu_set_t all;
	int flags;

	if (sched_getaffinity(0, sizeof(all), &all) || CPU_COUNT(&all) < 2 ||
	    !CPU_ISSET(0, &all) || !CPU_ISSET(1, &all))
		return st_skip("needs CPUs 0 and 1");
	st = vst_setup(ctxp, "vswap_tier_fill", VST_SSD, 2, 0, 0);
	if (st != ST_PASS)
		return st;
	env = *ctxp;
	flags = SWAP_FLAG_PREFER | ((10 << SWAP_FLAG_PRIO_SHIFT) & SWAP_FLAG_PRIO_MASK);
	if (swapoff(env->tier[0]) ||
	    st_cmd(NULL, 0, "mkswap -f %s %u >/dev/null 2>&1", env->tier[0], FILL_TIER_KIB) ||
	    swapon(env->tier[0], flags)) {
		st_log("cannot make %s a %u KiB tier: %s", env->tier[0], FILL_TIER_KIB,
		       strerror(errno));
		vst_cleanup(env);
		return ST_FAIL;
	}
	return ST_PASS;
}

/*
 * Leave tier slots of the first tier in CPU 1's cache, then fill the tier
 * from CPU 0: once it is nearly full, CPU 0 takes CPU 1's slots back
 * (tier_cache_drains) and the tier's slots all go to pages before the
 * second tier takes one.
 */
static enum st_status fill_run(void *arg)
{
	struct vst_env *env = arg;
	uint64_t drains0, cached = 0;
	struct vst_gauges g = {};
	struct vst_tier t[4];
	enum st_status ret = ST_PASS;
	unsigned int kib = 0;
	struct vst_argv av;
	struct vst_proc p;
	cpu_set_t all;
	int i, status;

	ST_CHECK(!sched_getaffinity(0, sizeof(all), &all));
	ST_CHECK(vst_tiers(t, 4) == 2 && t[0].slots);
	ST_FAIL_IF(vst_spawn(&p, env->cg,
			     vst_argv(&av, "memverify", "-s %u -p 1 -f random -H",
				      FILL_HOLD_MIB)),
		   "cannot start memverify in %s", env->cg);
	if (!vst_held(&p, "memverify: holding", 1)) {
		status = vst_release(&p);
		ST_FAIL_IF(1, "memverify did not reach its hold (%d)", status);
	}
	drains0 = vst_stat("tier_cache_drains");
	vst_pin_cpu(1);
	st_cg_write(env->cg, "memory.reclaim", "%uK", FILL_FIRST_KIB);
	for (i = 0; i < FILL_TRIES && !(cached = vst_stat("tier_cache_slots")); i++)
		st_cg_write(env->cg, "memory.reclaim", "68K");
	vst_pin_cpu(0);
	vst_sample(env, &g);
	st_log("CPU 1 reclaimed: %s backs %lu of %lu slots, %llu slots cached",
	       env->tier[0], g.backing[0], t[0].slots, (unsigned long long)cached);
	if (!cached) {
		ret = st_skip("%d reclaims on CPU 1 each used up the cache they filled", i);
		goto out;
	}
	while (!g.backing[1] && kib < FILL_HOLD_MIB * 1024) {
		st_cg_write(env->cg, "memory.reclaim", "%uK", FILL_STEP_KIB);
		kib += FILL_STEP_KIB;
		vst_sample(env, &g);
	}
	vst_gauges_log("the second tier reached", &g);
	st_log("tier_cache_drains +%llu",
	       (unsigned long long)(vst_stat("tier_cache_drains") - drains0));
	if (!g.backing[1]) {
		ret = ST_FAIL;
		st_log("FAIL: %u KiB reclaimed, nothing reached %s", kib, env->tier[1]);
	} else if (vst_stat("tier_cache_drains") == drains0) {
		ret = ST_FAIL;
		st_log("FAIL: %s filled up, %llu of its slots in CPU 1's cache not taken back",
		       env->tier[0], (unsigned long long)cached);
	} else if (g.backing[0] + vst_slot_cache_lag() < t[0].slots) {
		ret = ST_FAIL;
		st_log("FAIL: %s backs %lu of %lu slots once %s takes pages", env->tier[0],
		       g.backing[0], t[0].slots, env->tier[1]);
	}
out:
	sched_setaffinity(0, sizeof(all), &all);
	status = vst_release(&p);
	ST_FAIL_IF(status, "memverify failed (%d): data lost or corrupted", status);
	return ret;
}

static struct st_test vswap_tier_fill = {
	.name = "vswap_tier_fill",
	.description = "a nearly full tier takes its slots back from every CPU's cache",
	.setup = fill_setup,
	.run = fill_run,
	.cleanup = vst_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(vswap_tier_fill);

/* ---------------------------------------------------------------------
 * vswap_io_error
 */

#define FLAKEY		"vswap_flakey"
#define FLAKEY_UP_S	2	/* seconds writes work ... */
#define FLAKEY_DOWN_S	1	/* ... and seconds they fail */
#define IOERR_MIB	48
#define IOERR_RUNS	4	/* runs at most, until a write has failed */
#define DMSETUP		"DM_DISABLE_UDEV=1 dmsetup"

static void flakey_remove(struct vst_env *env)
{
	if (env->nr_tiers && swapoff(env->tier[0]) && errno != EINVAL)
		st_log("swapoff %s: %s", env->tier[0], strerror(errno));
	st_cmd(NULL, 0, DMSETUP " remove --noudevsync " FLAKEY " >/dev/null 2>&1");
}

static enum st_status io_error_setup(void **ctxp)
{
	char out[256], dev[32];
	const char *disk;
	uint64_t sectors, minor;
	struct vst_env *env;
	enum st_status st;
	int tries;

	if (!st_vswap_available())
		return st_skip("kernel without vswap");
	disk = st_disk(0);
	if (!disk)
		return st_skip("needs a virtio disk (run with DISKS>=1)");
	snprintf(dev, sizeof(dev), "%s", disk);
	if (st_cmd(NULL, 0, "command -v dmsetup >/dev/null 2>&1"))
		return st_skip("no dmsetup to build a dm-flakey tier");
	if (st_cmd(out, sizeof(out), DMSETUP " targets 2>/dev/null") ||
	    !strstr(out, "flakey"))
		return st_skip("kernel without the dm-flakey target");

	st = vst_setup(ctxp, "vswap_io_error", 0, 0, LIMIT_MIB, HIGH_MIB);
	if (st != ST_PASS)
		return st;
	env = *ctxp;
	/* A device left over by a killed run would hold the disk */
	flakey_remove(env);

	snprintf(out, sizeof(out), "/sys/block/%s/size", dev + 5);
	if (st_read_u64(out, &sectors))
		goto fail;
	if (st_cmd(out, sizeof(out), DMSETUP " create --noudevsync " FLAKEY
		   " --table '0 %lu linear %s 0' 2>&1", sectors, dev)) {
		st_log("dmsetup create: %s", out);
		goto fail;
	}
	if (st_cmd(out, sizeof(out), DMSETUP " info -c --noheadings -o minor " FLAKEY) ||
	    sscanf(out, "%lu", &minor) != 1) {
		st_log("dmsetup info: %s", out);
		goto fail;
	}
	snprintf(env->tier[0], sizeof(env->tier[0]), "/dev/dm-%lu", minor);
	/* devtmpfs makes the node asynchronously */
	for (tries = 0; access(env->tier[0], F_OK) && tries < 200; tries++)
		usleep(10000);
	/* mkswap and swapon while writes still work */
	if (st_swapon(env->tier[0], 10))
		goto fail;
	env->nr_tiers = 1;
	if (st_cmd(out, sizeof(out), DMSETUP " reload --noudevsync " FLAKEY
		   " --table '0 %lu flakey %s 0 %d %d 1 error_writes' 2>&1 && "
		   DMSETUP " resume --noudevsync " FLAKEY " 2>&1",
		   sectors, dev, FLAKEY_UP_S, FLAKEY_DOWN_S)) {
		st_log("dmsetup reload flakey: %s", out);
		goto fail;
	}
	return ST_PASS;
fail:
	flakey_remove(env);
	vst_cleanup(env);
	return ST_FAIL;
}

static enum st_status io_error_run(void *arg)
{
	struct vst_env *env = arg;
	struct vst_result r;
	struct vst_argv av;
	unsigned int errors;
	int kmsg, run;

	kmsg = vst_kmsg_open();
	ST_FAIL_IF(kmsg < 0, "cannot read the kernel log");
	/*
	 * A run can fall in the writes' good seconds alone (one took 1.9 s
	 * here): run again until some write has failed
	 */
	for (run = 0, errors = 0; run < IOERR_RUNS && !errors; run++) {
		vst_run_measured(env, vst_argv(&av, "memverify", "-s %u -p %u -f random",
					       IOERR_MIB, PASSES), &r, NULL);
		errors = vst_kmsg_count(kmsg, "Write-error on swap-device");
		st_log("run %d: %u 'Write-error on swap-device' messages (rate-limited)",
		       run, errors);
		if (r.status)
			break;
	}
	close(kmsg);

	ST_FAIL_IF(r.status != 0, "memverify failed (%d): data lost or corrupted", r.status);
	ST_FAIL_IF(!errors, "no write to %s failed in %d runs", env->tier[0], run);
	ST_FAIL_IF(!r.d.v[VST_PSWPOUT], "nothing was written to the tier");
	ST_FAIL_IF(!r.d.v[VST_TIER_ALLOC], "no tier slot was allocated");
	ST_FAIL_IF(!r.peak.backing[0], "the tier never backed a virtual slot");
	ST_FAIL_IF(r.leftover > VST_LINGER_PAGES,
		   "%lu pages still held after the workload exited", r.leftover);
	return ST_PASS;
}

static void io_error_cleanup(void *arg)
{
	flakey_remove(arg);
	vst_cleanup(arg);
}

static struct st_test vswap_io_error = {
	.name = "vswap_io_error",
	.description = "a tier failing writes: errors logged, pages kept and rewritten, every byte verified",
	.setup = io_error_setup,
	.run = io_error_run,
	.cleanup = io_error_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(vswap_io_error);

/* ---------------------------------------------------------------------
 * vswap_read_order
 */

/*
 * Least pages a tier read request carries on average when the workload
 * reads its pages back in order.  Stock reads 5.2 a request here: a page
 * zswap writes back goes to the disk slot it was given at reclaim, beside
 * its neighbours.  vswap gives it a tier slot when it is written, so a
 * window's pages sit in several runs: 1.9-2.0 pages a request while vswap
 * submitted their reads in virtual order, 2.9-3.4 in sector order.
 */
#define READ_ORDER_MIN_PAGES	2.4
/* Least pages zswap must write back for the layout the test wants */
#define READ_ORDER_MIN_WB	1024

/*
 * The test's environment, with a 1 % zswap pool so that zswap writes back
 * while reclaim writes
 */
static enum st_status read_order_env(void **ctx, const char *name,
				     unsigned int flags, int nr_tiers)
{
	enum st_status st;

	st = vst_setup(ctx, name, VST_ZSWAP | VST_HDD | flags, nr_tiers,
		       LIMIT_MIB, HIGH_MIB);
	if (st != ST_PASS)
		return st;
	if (st_zswap_set("max_pool_percent", "1")) {
		vst_cleanup(*ctx);
		return ST_FAIL;
	}
	return ST_PASS;
}

static enum st_status read_order_setup(void **ctx)
{
	return read_order_env(ctx, "vswap_read_order", VST_STOCK, 1);
}

#define READ_PLUG_SLEEP	"/sys/kernel/debug/vswap/read_plug_sleep"

static enum st_status read_order_run(void *arg)
{
	struct vst_env *env = arg;
	uint64_t s0, r0, s1, r1, pages, sorted, plugs;
	struct vst_result r;
	struct vst_argv av;
	double per_req;

	ST_CHECK(!st_blk_reads(env->tier[0], &s0, &r0));
	vst_run_measured(env, vst_argv(&av, "memverify", "-s %u -p %u -f varied",
				       WORK_MIB, PASSES), &r, NULL);
	ST_CHECK(!st_blk_settle(env->tier[0], 5000));
	ST_CHECK(!st_blk_reads(env->tier[0], &s1, &r1));

	ST_FAIL_IF(r.status != 0, "memverify failed (%d): data lost or corrupted",
		   r.status);
	pages = (s1 - s0) / 8;
	per_req = r1 > r0 ? (double)pages / (r1 - r0) : 0;
	st_log("tier reads: %lu pages in %lu requests (%.2f a request), zswap wrote back %lu, pswpin %lu",
	       pages, r1 - r0, per_req, r.d.v[VST_ZSWPWB], r.d.v[VST_PSWPIN]);
	if (st_vswap_enabled() && !st_vswap_stat("reads_sorted", &sorted) &&
	    !st_vswap_stat("read_plugs_deferred", &plugs))
		st_log("vswap: %lu tier reads sorted since boot, %lu plugs submitted by vswap_read",
		       sorted, plugs);
	ST_FAIL_IF(r.d.v[VST_ZSWPWB] < READ_ORDER_MIN_WB,
		   "zswap wrote back %lu pages, want >= %u for a mixed layout",
		   r.d.v[VST_ZSWPWB], READ_ORDER_MIN_WB);
	ST_FAIL_IF(pages < MIN_OUT_PAGES / 2, "%lu pages read from the tier, want >= %llu",
		   pages, MIN_OUT_PAGES / 2);
	ST_FAIL_IF(per_req < READ_ORDER_MIN_PAGES,
		   "%.2f pages a tier read request, want >= %.1f", per_req,
		   READ_ORDER_MIN_PAGES);
	return ST_PASS;
}

static enum st_status read_order_deferred_setup(void **ctx)
{
	return read_order_env(ctx, "vswap_read_order_deferred", 0, 2);
}

#define DEFERRED_PASSES	3	/* long enough for a few swapoff cycles */

static enum st_status read_order_deferred_run(void *arg)
{
	struct vst_env *env = arg;
	uint64_t plugs0, plugs1;
	int cycles = 0, failed = 0, status;
	struct vst_argv av;
	struct vst_proc p;

	if (st_write(READ_PLUG_SLEEP, "4"))
		return st_skip("no %s (CONFIG_DEBUG_FS)", READ_PLUG_SLEEP);
	ST_CHECK(!st_vswap_stat("read_plugs_deferred", &plugs0));
	if (vst_spawn(&p, env->cg, vst_argv(&av, "memverify", "-s %u -p %u -f varied",
					     WORK_MIB, DEFERRED_PASSES)))
		return ST_FAIL;
	/* the first tier goes and comes back while reads are held */
	while (vst_poll(&p, 1000)) {
		if (swapoff(env->tier[0])) {
			st_log("swapoff %s: %s", env->tier[0], strerror(errno));
			failed++;
			continue;
		}
		if (st_swapon(env->tier[0], 10)) {
			failed++;
			break;
		}
		cycles++;
	}
	status = vst_reap(&p);
	st_write(READ_PLUG_SLEEP, "0");
	ST_CHECK(!st_vswap_stat("read_plugs_deferred", &plugs1));
	st_log("%d swapoff/swapon cycles of %s, %d failed; vswap_read submitted %lu plugs",
	       cycles, env->tier[0], failed, plugs1 - plugs0);

	ST_FAIL_IF(status != 0, "memverify failed (%d): data lost or corrupted", status);
	ST_FAIL_IF(plugs1 <= plugs0, "vswap_read submitted no held read (read_plugs_deferred)");
	ST_FAIL_IF(!cycles, "no swapoff of %s completed while the workload ran",
		   env->tier[0]);
	ST_FAIL_IF(failed, "%d swapoff/swapon of %s failed", failed, env->tier[0]);
	return ST_PASS;
}

static void read_order_deferred_cleanup(void *arg)
{
	st_write(READ_PLUG_SLEEP, "0");
	vst_cleanup(arg);
}

static struct st_test vswap_read_order = {
	.name = "vswap_read_order",
	.description = "pages read back in order from a tier reached at reclaim and through zswap go several to a request",
	.setup = read_order_setup,
	.run = read_order_run,
	.cleanup = vst_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(vswap_read_order);

static struct st_test vswap_read_order_deferred = {
	.name = "vswap_read_order_deferred",
	.description = "tier reads held on a plug that is flushed as its task sleeps go through the vswap_read workqueue, every byte verified",
	.setup = read_order_deferred_setup,
	.run = read_order_deferred_run,
	.cleanup = read_order_deferred_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(vswap_read_order_deferred);

/* ---------------------------------------------------------------------
 * vswap_readahead_hdd, vswap_readahead_ssd
 */

/*
 * Faults that may read no window with a disk tier behind zswap: vswap
 * learns that a tier is asynchronous when it takes its first page, and
 * pages swapped out and in before that (zero pages, zswap's) read none.
 */
#define RA_EARLY_FAULTS	64

/* What one run of the workload read, and how */
struct ra_counts {
	int status;		/* memverify's exit status */
	uint64_t ra;		/* swap_ra: pages read ahead */
	uint64_t ra_hit;	/* swap_ra_hit: of them, faulted on */
	uint64_t pswpin;	/* pages read from the tier */
	uint64_t zswpin;	/* pages loaded from zswap */
	uint64_t zswpout;	/* pages stored in zswap */
	uint64_t windows;	/* vswap/stat ra_windows_skipped */
	uint64_t skipped;	/* vswap/stat ra_skipped */
	uint64_t passed;	/* vswap/stat ra_passed */
	uint64_t reqs;		/* read requests the tier completed */
};

static enum st_status ra_measure(struct vst_env *env, const char *mode,
				 const char *fill, struct ra_counts *c)
{
	uint64_t ra0, hit0, sk0, sk1, w0, w1, p0, p1, s0, r0, s1, r1;
	struct vst_result r;
	struct vst_argv av;
	char buf[16];

	ST_CHECK(!st_write(VSWAP_READAHEAD, "%s", mode));
	ST_CHECK(st_read(VSWAP_READAHEAD, buf, sizeof(buf)) > 0);
	ST_FAIL_IF(strncmp(buf, mode, strlen(mode)), "readahead reads '%s' after '%s' was written",
		   buf, mode);
	ST_CHECK(!st_vswap_stat("ra_skipped", &sk0));
	ST_CHECK(!st_vswap_stat("ra_windows_skipped", &w0));
	ST_CHECK(!st_vswap_stat("ra_passed", &p0));
	s0 = r0 = s1 = r1 = 0;
	if (env->nr_tiers)
		ST_CHECK(!st_blk_reads(env->tier[0], &s0, &r0));
	ra0 = st_vmstat("swap_ra");
	hit0 = st_vmstat("swap_ra_hit");
	c->status = vst_run_measured(env, vst_argv(&av, "memverify", "-s %u -p %u -f %s",
						   WORK_MIB, PASSES, fill), &r, NULL);
	c->ra = st_vmstat("swap_ra") - ra0;
	c->ra_hit = st_vmstat("swap_ra_hit") - hit0;
	ST_CHECK(!st_vswap_stat("ra_skipped", &sk1));
	ST_CHECK(!st_vswap_stat("ra_windows_skipped", &w1));
	ST_CHECK(!st_vswap_stat("ra_passed", &p1));
	if (env->nr_tiers) {
		ST_CHECK(!st_blk_settle(env->tier[0], 5000));
		ST_CHECK(!st_blk_reads(env->tier[0], &s1, &r1));
	}
	c->skipped = sk1 - sk0;
	c->windows = w1 - w0;
	c->passed = p1 - p0;
	c->reqs = r1 - r0;
	c->pswpin = r.d.v[VST_PSWPIN];
	c->zswpin = r.d.v[VST_ZSWPIN];
	c->zswpout = r.d.v[VST_ZSWPOUT];
	st_log("readahead %s: swap_ra %lu (hit %lu), ra_windows_skipped %lu, ra_skipped %lu, ra_passed %lu, pswpin %lu in %lu requests, zswpin %lu, zswpout %lu",
	       mode, c->ra, c->ra_hit, c->windows, c->skipped, c->passed, c->pswpin,
	       c->reqs, c->zswpin, c->zswpout);
	return ST_PASS;
}

static enum st_status ra_hdd_setup(void **ctx)
{
	return vst_setup(ctx, "vswap_readahead_hdd", VST_ZSWAP | VST_HDD, 1,
			 LIMIT_MIB, HIGH_MIB);
}

static enum st_status ra_ssd_setup(void **ctx)
{
	return vst_setup(ctx, "vswap_readahead_ssd", VST_ZSWAP | VST_SSD, 1,
			 LIMIT_MIB, HIGH_MIB);
}

static enum st_status ra_zswap_setup(void **ctx)
{
	return vst_setup(ctx, "vswap_readahead_zswap", VST_ZSWAP, 0, LIMIT_MIB,
			 HIGH_MIB);
}

/* The mode before the test, put back by ra_cleanup() */
static char ra_mode_saved[16];

/* Bad input is refused and changes nothing; the default is "tiers" */
static enum st_status ra_knob_check(void)
{
	char buf[16];
	int err;

	ST_CHECK(st_read(VSWAP_READAHEAD, ra_mode_saved, sizeof(ra_mode_saved)) > 0);
	ST_CHECK(st_read(VSWAP_READAHEAD, buf, sizeof(buf)) > 0);
	ST_FAIL_IF(strncmp(buf, "tiers", 5), "readahead defaults to '%s', want tiers", buf);
	err = vst_try_write(VSWAP_READAHEAD, "some");
	ST_FAIL_IF(err != -EINVAL, "writing 'some' to readahead: %d, want -EINVAL", err);
	ST_CHECK(st_read(VSWAP_READAHEAD, buf, sizeof(buf)) > 0);
	ST_FAIL_IF(strncmp(buf, "tiers", 5), "readahead reads '%s' after a refused write", buf);
	return ST_PASS;
}

/*
 * The knob's checks, then @fill read back in mode @m1 into @c1 and in mode
 * @m2 into @c2, every byte verified
 */
static enum st_status ra_two_modes(struct vst_env *env, const char *fill,
				   const char *m1, struct ra_counts *c1,
				   const char *m2, struct ra_counts *c2)
{
	if (ra_knob_check() != ST_PASS || ra_measure(env, m1, fill, c1) != ST_PASS ||
	    ra_measure(env, m2, fill, c2) != ST_PASS)
		return ST_FAIL;
	ST_FAIL_IF(c1->status || c2->status, "memverify failed (%d, %d): data lost or corrupted",
		   c1->status, c2->status);
	return ST_PASS;
}

/*
 * A tier behind zswap: "disk" reads as stock, "tiers" only the tier's
 * neighbours
 */
static enum st_status ra_tier_run(void *arg)
{
	struct vst_env *env = arg;
	struct ra_counts t, a;

	if (ra_two_modes(env, "varied", "tiers", &t, "disk", &a) != ST_PASS)
		return ST_FAIL;
	ST_FAIL_IF(t.pswpin < MIN_OUT_PAGES / 4 || t.zswpin < MIN_OUT_PAGES / 4,
		   "pswpin %lu, zswpin %lu: want >= %llu of each for neighbours on both",
		   t.pswpin, t.zswpin, MIN_OUT_PAGES / 4);
	/* tiers: windows of the tier's pages only, none for a passed-over page */
	ST_FAIL_IF(!t.ra, "tiers: nothing read ahead: the tier's neighbours must still be");
	ST_FAIL_IF(t.ra > t.pswpin, "tiers: %lu pages read ahead, only %lu read from the tier",
		   t.ra, t.pswpin);
	ST_FAIL_IF(t.skipped < MIN_OUT_PAGES / 8,
		   "tiers: %lu neighbours in zswap left unread, want >= %llu",
		   t.skipped, MIN_OUT_PAGES / 8);
	/*
	 * and faults on zswap's neighbours count as the hits they would have
	 * been, so the window grows as stock's: 0.9-1.2x disk's read
	 * requests in runs so far (1.7-1.8x before they counted)
	 */
	ST_FAIL_IF(t.passed < MIN_OUT_PAGES / 8,
		   "tiers: %lu faults on neighbours passed over counted as hits, want >= %llu",
		   t.passed, MIN_OUT_PAGES / 8);
	ST_FAIL_IF(t.reqs * 5 > a.reqs * 7,
		   "tiers: %lu read requests on the tier, disk %lu: want <= 1.4x",
		   t.reqs, a.reqs);
	/* only faults before the tier took its first page read no window */
	ST_FAIL_IF(t.windows > RA_EARLY_FAULTS,
		   "tiers: %lu faults read no window with a disk tier, want <= %u",
		   t.windows, RA_EARLY_FAULTS);
	/* disk, with a disk tier: as stock, zswap's neighbours too */
	ST_FAIL_IF(a.skipped || a.windows || a.passed,
		   "disk: %lu windows, %lu neighbours skipped, %lu faults counted passed over",
		   a.windows, a.skipped, a.passed);
	ST_FAIL_IF(a.ra <= a.pswpin,
		   "disk: %lu pages read ahead, %lu read from the tier: no zswap neighbour read ahead",
		   a.ra, a.pswpin);
	return ST_PASS;
}

/* zswap alone: "disk" reads no window at all, "all" does as stock */
static enum st_status ra_zswap_run(void *arg)
{
	struct vst_env *env = arg;
	struct ra_counts t, a;

	if (ra_two_modes(env, "compressible", "disk", &t, "all", &a) != ST_PASS)
		return ST_FAIL;
	ST_FAIL_IF(t.zswpin < MIN_OUT_PAGES, "zswpin %lu, want >= %llu", t.zswpin,
		   MIN_OUT_PAGES);
	ST_FAIL_IF(t.ra, "disk: %lu pages read ahead with no tier", t.ra);
	ST_FAIL_IF(t.windows < MIN_OUT_PAGES / 2,
		   "disk: %lu faults on zswap read no window, want >= %llu", t.windows,
		   MIN_OUT_PAGES / 2);
	ST_FAIL_IF(a.windows || a.skipped || a.passed,
		   "all: %lu windows, %lu neighbours skipped, %lu faults counted passed over",
		   a.windows, a.skipped, a.passed);
	ST_FAIL_IF(!a.ra, "all: nothing read ahead from zswap, as stock would");
	return ST_PASS;
}

static void ra_cleanup(void *arg)
{
	vst_try_write(VSWAP_READAHEAD, ra_mode_saved[0] ? ra_mode_saved : "tiers");
	ra_mode_saved[0] = 0;
	vst_cleanup(arg);
}

static struct st_test vswap_readahead_hdd = {
	.name = "vswap_readahead_hdd",
	.description = "cluster readahead behind zswap reads as stock; 'tiers' reads a rotational tier's neighbours, not zswap's",
	.setup = ra_hdd_setup,
	.run = ra_tier_run,
	.cleanup = ra_cleanup,
	.timeout = 400,
};
REGISTER_ST_TEST(vswap_readahead_hdd);

static struct st_test vswap_readahead_ssd = {
	.name = "vswap_readahead_ssd",
	.description = "VMA readahead behind zswap reads as stock; 'tiers' reads a tier's neighbours, not zswap's",
	.setup = ra_ssd_setup,
	.run = ra_tier_run,
	.cleanup = ra_cleanup,
	.timeout = 400,
};
REGISTER_ST_TEST(vswap_readahead_ssd);

static struct st_test vswap_readahead_zswap = {
	.name = "vswap_readahead_zswap",
	.description = "with zswap and no tier, swap-ins read no readahead window; 'all' reads one, as stock",
	.setup = ra_zswap_setup,
	.run = ra_zswap_run,
	.cleanup = ra_cleanup,
	.timeout = 400,
};
REGISTER_ST_TEST(vswap_readahead_zswap);

/* ---------------------------------------------------------------------
 * vswap_readahead_keep
 */

/* Times memverify reads every page back per pass: rounds 2.. read only */
#define KEEP_ROUNDS	3
/* memory.zswap.max of a run: full most of the time */
#define KEEP_ZSWAP_MAX	"4M"
/* Calls of the writeback program, 4096 entries each, at most */
#define KEEP_WB_CALLS	16
/* Pages in zswap, counted exactly */
#define ZSWAP_STORED	"/sys/kernel/debug/zswap/stored_pages"

/* What one run in readahead_zswap mode @mode did */
struct keep_counts {
	int status;		/* memverify's exit status */
	uint64_t kept;		/* vswap/stat ra_zswap_kept */
	uint64_t dropped;	/* vswap/stat ra_zswap_dropped */
	uint64_t used;		/* vswap/stat ra_zswap_used */
	uint64_t ra;		/* swap_ra: pages read ahead */
	uint64_t zswpin;	/* pages loaded from zswap */
	uint64_t zswpout;	/* pages stored in zswap */
	uint64_t left;		/* zswap's stored_pages after the run */
	uint64_t leftover;	/* pages the cgroup still held (vst_result) */
};

/*
 * Two generations written to varied pages, each read back KEEP_ROUNDS
 * times, every byte verified, in mode @mode.  The second generation is
 * written over pages read ahead in the first, whose zswap copies "keep"
 * left in place: a copy that survived the write would be read back.
 */
static enum st_status keep_measure(struct vst_env *env, const char *mode,
				   struct keep_counts *c)
{
	uint64_t k0, k1, d0, d1, u0, u1, ra0;
	struct vst_result r;
	struct vst_argv av;
	char buf[16];

	ST_CHECK(!st_write(VSWAP_RA_ZSWAP, "%s", mode));
	ST_CHECK(st_read(VSWAP_RA_ZSWAP, buf, sizeof(buf)) > 0);
	ST_FAIL_IF(strncmp(buf, mode, strlen(mode)),
		   "readahead_zswap reads '%s' after '%s' was written", buf, mode);
	ST_CHECK(!st_vswap_stat("ra_zswap_kept", &k0));
	ST_CHECK(!st_vswap_stat("ra_zswap_dropped", &d0));
	ST_CHECK(!st_vswap_stat("ra_zswap_used", &u0));
	ra0 = st_vmstat("swap_ra");
	c->status = vst_run_measured(env, vst_argv(&av, "memverify", "-s %u -p %u -R %u -f varied",
						   WORK_MIB, PASSES, KEEP_ROUNDS), &r, NULL);
	c->ra = st_vmstat("swap_ra") - ra0;
	ST_CHECK(!st_vswap_stat("ra_zswap_kept", &k1));
	ST_CHECK(!st_vswap_stat("ra_zswap_dropped", &d1));
	ST_CHECK(!st_vswap_stat("ra_zswap_used", &u1));
	c->kept = k1 - k0;
	c->dropped = d1 - d0;
	c->used = u1 - u0;
	c->zswpin = r.d.v[VST_ZSWPIN];
	c->zswpout = r.d.v[VST_ZSWPOUT];
	/* the workload is gone: so is every copy zswap kept for it */
	ST_CHECK(!st_read_u64(ZSWAP_STORED, &c->left));
	c->leftover = r.leftover;
	st_log("readahead_zswap %s: swap_ra %lu, ra_zswap_kept %lu, ra_zswap_used %lu, ra_zswap_dropped %lu, zswpin %lu, zswpout %lu, stored_pages after %lu",
	       mode, c->ra, c->kept, c->used, c->dropped, c->zswpin, c->zswpout, c->left);
	return ST_PASS;
}

/*
 * Kept copies in the way of zswap's writeback: the workload writes its
 * pages out and holds; the cgroup's limits go; it reads every page back
 * (zswap keeps the copies of those read ahead, which all stay in memory)
 * and holds again; a syscall program writes back every zswap entry of the
 * cgroup (bpf_swap_ext_writeback()); the workload reads every page once
 * more.  The kept copies given up without I/O in *@dropped.
 */
/* Let @p past every hold it still makes, and reap it */
static int keep_finish(struct vst_proc *p)
{
	do
		kill(p->pid, SIGUSR1);
	while (vst_poll(p, 500));
	return vst_reap(p);
}

static enum st_status keep_writeback(struct vst_env *env, uint64_t *dropped)
{
	uint64_t d0, d1, k0, k1, cached;
	long long ret = LLONG_MIN, total;
	char out[4096];
	struct vst_argv av;
	struct vst_proc p;
	const char *at;
	int status, i;

	ST_CHECK(!vst_spawn(&p, env->cg, vst_argv(&av, "memverify",
						  "-s %u -p 1 -f compressible -H -E -A",
						  WORK_MIB)));
	if (!vst_held(&p, "memverify: holding", 1) ||
	    st_cg_write(env->cg, "memory.high", "max") ||
	    st_cg_write(env->cg, "memory.max", "max")) {
		keep_finish(&p);
		ST_FAIL_IF(true, "memverify did not hold, or the limits stayed");
	}
	ST_CHECK(!st_vswap_stat("ra_zswap_kept", &k0));
	kill(p.pid, SIGUSR1);
	if (!vst_held(&p, "memverify: holding", 2)) {
		keep_finish(&p);
		ST_FAIL_IF(true, "memverify did not hold after reading");
	}
	ST_CHECK(!st_vswap_stat("ra_zswap_kept", &k1));
	ST_CHECK(!st_vswap_stat("ra_zswap_dropped", &d0));
	ST_CHECK(!st_cg_key(env->cg, "memory.stat", "swapcached", &cached));
	/* 4096 a call, oldest first: on until the cgroup's zswap is empty */
	for (i = 0, total = 0; i < KEEP_WB_CALLS; i++) {
		ret = LLONG_MIN;
		if (sx_ctl(out, sizeof(out), "run %s wb cgroup=%s nr=4096 min_age_ms=0",
			   sx_obj("sx_proactive"), env->cg) <= 1 &&
		    (at = strstr(out, "  ret = ")))
			ret = strtoll(at + 8, NULL, 10);
		if (ret <= 0)
			break;
		total += ret;
	}
	ST_CHECK(!st_vswap_stat("ra_zswap_dropped", &d1));
	*dropped = d1 - d0;
	status = keep_finish(&p);
	st_log("read back with no limit: %lu zswap copies kept, %lu KiB in the swap cache; writeback of every entry: %lld in %d calls (last %lld), %lu of them kept copies given up",
	       k1 - k0, cached >> 10, total, i, ret, *dropped);
	ST_FAIL_IF(status, "memverify failed (%d): data lost or corrupted", status);
	ST_FAIL_IF(ret < 0 || !total, "the writeback program returned %lld, %lld in all", ret,
		   total);
	/* nearly every page is read ahead, and stays */
	ST_FAIL_IF(k1 - k0 < MIN_OUT_PAGES / 2 || *dropped < (k1 - k0) / 2,
		   "%lu copies kept, %lu given up to writeback: want >= %llu, >= half",
		   k1 - k0, *dropped, MIN_OUT_PAGES / 2);
	return ST_PASS;
}

/* The modes before the test, put back by keep_cleanup() */
static char keep_mode_saved[16], keep_ra_saved[16];

static enum st_status keep_setup(void **ctx)
{
	return vst_setup(ctx, "vswap_readahead_keep", VST_ZSWAP | VST_HDD, 1,
			 LIMIT_MIB, HIGH_MIB);
}

static enum st_status keep_run(void *arg)
{
	struct vst_env *env = arg;
	struct keep_counts t, k, a, kf, af;
	uint64_t before, dropped, left;
	char buf[16];
	int err;

	ST_CHECK(st_read(VSWAP_RA_ZSWAP, keep_mode_saved, sizeof(keep_mode_saved)) > 0);
	ST_FAIL_IF(strncmp(keep_mode_saved, "keep", 4), "readahead_zswap defaults to '%s', want keep",
		   keep_mode_saved);
	err = vst_try_write(VSWAP_RA_ZSWAP, "some");
	ST_FAIL_IF(err != -EINVAL, "writing 'some' to readahead_zswap: %d, want -EINVAL", err);
	ST_CHECK(st_read(VSWAP_RA_ZSWAP, buf, sizeof(buf)) > 0);
	ST_FAIL_IF(strncmp(buf, "keep", 4), "readahead_zswap reads '%s' after a refused write", buf);
	/* readahead as stock: windows read zswap's neighbours too */
	ST_CHECK(st_read(VSWAP_READAHEAD, keep_ra_saved, sizeof(keep_ra_saved)) > 0);
	ST_CHECK(!st_write(VSWAP_READAHEAD, "all"));

	ST_CHECK(!st_read_u64(ZSWAP_STORED, &before));
	if (keep_measure(env, "take", &t) != ST_PASS || keep_measure(env, "keep", &k) != ST_PASS ||
	    keep_measure(env, "always", &a) != ST_PASS)
		return ST_FAIL;
	/* copies kept where the cgroup's zswap share is mostly full */
	ST_CHECK(!st_cg_write(env->cg, "memory.zswap.max", KEEP_ZSWAP_MAX));
	if (keep_measure(env, "keep", &kf) != ST_PASS ||
	    keep_measure(env, "always", &af) != ST_PASS)
		return ST_FAIL;
	ST_CHECK(!st_cg_write(env->cg, "memory.zswap.max", "max"));
	ST_FAIL_IF(t.status || k.status || a.status || kf.status || af.status,
		   "memverify failed (take %d, keep %d, always %d; at zswap.max keep %d, always %d): data lost or corrupted",
		   t.status, k.status, a.status, kf.status, af.status);
	ST_FAIL_IF(t.kept || t.used || t.dropped, "take: %lu zswap copies kept, %lu used, %lu dropped",
		   t.kept, t.used, t.dropped);

	ST_FAIL_IF(k.ra < MIN_OUT_PAGES / 4 || k.kept < MIN_OUT_PAGES / 8,
		   "keep: swap_ra %lu, ra_zswap_kept %lu: want >= %llu read ahead, >= %llu kept",
		   k.ra, k.kept, MIN_OUT_PAGES / 4, MIN_OUT_PAGES / 8);
	ST_FAIL_IF(k.kept > k.ra, "keep: %lu zswap copies kept of %lu pages read ahead",
		   k.kept, k.ra);
	/* most pages read ahead are used: their faults take the data over */
	ST_FAIL_IF(!k.used || k.used > k.kept,
		   "keep: %lu of %lu kept copies taken over by a fault: want some, at most all",
		   k.used, k.kept);
	ST_FAIL_IF(a.used || a.kept < MIN_OUT_PAGES / 8,
		   "always: %lu kept copies taken over by a fault, %lu kept: want none, >= %llu",
		   a.used, a.kept, MIN_OUT_PAGES / 8);
	/* pages read ahead and dropped unused are not compressed again */
	ST_FAIL_IF(k.zswpout >= t.zswpout, "keep: %lu pages stored in zswap, take %lu: want fewer",
		   k.zswpout, t.zswpout);
	/* ... nor are those only read, in always */
	ST_FAIL_IF(a.zswpout >= k.zswpout,
		   "always: %lu pages stored in zswap, keep %lu: want fewer", a.zswpout,
		   k.zswpout);
	/* freed slots wait in the slot caches with their backends */
	ST_FAIL_IF(t.leftover || k.leftover || a.leftover ||
		   t.left > before + vst_freed_lag() || k.left > before + vst_freed_lag() ||
		   a.left > before + vst_freed_lag(),
		   "held after the run: take %lu, keep %lu, always %lu pages; zswap stored_pages %lu before, %lu, %lu, %lu after",
		   t.leftover, k.leftover, a.leftover, before, t.left, k.left, a.left);
	/* kept copies beside pages in memory, in the way of writeback */
	ST_CHECK(!st_write(VSWAP_RA_ZSWAP, "always"));
	if (keep_writeback(env, &dropped) != ST_PASS)
		return ST_FAIL;
	ST_CHECK(!st_read_u64(ZSWAP_STORED, &left));
	ST_FAIL_IF(left > before + vst_freed_lag(), "zswap stored_pages %lu at the end, %lu before",
		   left, before);
	return ST_PASS;
}

static void keep_cleanup(void *arg)
{
	vst_try_write(VSWAP_RA_ZSWAP, keep_mode_saved[0] ? keep_mode_saved : "keep");
	vst_try_write(VSWAP_READAHEAD, keep_ra_saved[0] ? keep_ra_saved : "tiers");
	keep_mode_saved[0] = keep_ra_saved[0] = 0;
	vst_cleanup(arg);
}

static struct st_test vswap_readahead_keep = {
	.name = "vswap_readahead_keep",
	.description = "zswap keeps the copies of pages read ahead until used: pages dropped unused are not compressed again, pages written are, writeback drops kept copies, every byte verified",
	.setup = keep_setup,
	.run = keep_run,
	.cleanup = keep_cleanup,
	.timeout = 600,
};
REGISTER_ST_TEST(vswap_readahead_keep);

/* ---------------------------------------------------------------------
 * vswap_tier_cgroup_map
 */

#define CGMAP_GIB	32ULL	/* the loop tier's size */
#define CGMAP_FILE	"/tmp/vswap_cgmap.img"
/* free memory per slot at swapon: 1.2 measured, 3.2 with the map's pages */
#define CGMAP_ON_MAX	2.2
/* per slot at disable, and vswap off against on: the map's 2 bytes */
#define CGMAP_OFF_MIN	1.5

static char cgmap_loop[64];	/* the loop device, "" when there is none */

/*
 * Free memory in bytes: MemFree and the pages on the per-CPU free lists
 * (/proc/zoneinfo's pagesets), which MemFree leaves out - a swapoff just
 * before fills them, and the next swapon takes its pages from there.
 */
static long long cgmap_memfree(void)
{
	unsigned long long pcp = 0, n;
	char line[256];
	uint64_t kb;
	FILE *f;

	f = fopen("/proc/zoneinfo", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " count: %llu", &n) == 1)
			pcp += n;
	fclose(f);
	if (st_read_key("/proc/meminfo", "MemFree:", &kb))
		return -1;
	return (long long)(kb * 1024 + pcp * VST_PAGE);
}

/*
 * Swap on the loop tier afresh; @cost gets the free memory its swapon(2)
 * took, in bytes a slot.  0 or a negative errno.  No fork between the two
 * reads.
 */
static int cgmap_swapon_cost(uint64_t slots, double *cost)
{
	long long f0, f1;

	if (st_cmd(NULL, 0, "mkswap -f %s >/dev/null 2>&1", cgmap_loop))
		return -EIO;
	sync();
	st_write("/proc/sys/vm/drop_caches", "3");
	sleep(1);
	f0 = cgmap_memfree();
	if (swapon(cgmap_loop, SWAP_FLAG_PREFER | (1 << SWAP_FLAG_PRIO_SHIFT)))
		return -errno;
	f1 = cgmap_memfree();
	if (f0 < 0 || f1 < 0)
		return -EIO;
	*cost = (double)(f0 - f1) / slots;
	return 0;
}

static enum st_status cgmap_setup(void **ctxp)
{
	enum st_status st;

	st = vst_setup(ctxp, "vswap_tier_cgroup_map", VST_SSD, 1, LIMIT_MIB, HIGH_MIB);
	if (st != ST_PASS)
		return st;
	if (access("/sys/fs/cgroup/cgroup.controllers", F_OK) ||
	    st_cmd(NULL, 0, "grep -qw memory /sys/fs/cgroup/cgroup.controllers")) {
		vst_cleanup(*ctxp);
		return st_skip("no memory controller: no swap_cgroup maps");
	}
	cgmap_loop[0] = 0;
	if (st_cmd(cgmap_loop, sizeof(cgmap_loop),
		   "rm -f %s && truncate -s %lluG %s && losetup -f --show %s",
		   CGMAP_FILE, CGMAP_GIB, CGMAP_FILE, CGMAP_FILE)) {
		cgmap_loop[0] = 0;
		unlink(CGMAP_FILE);
		vst_cleanup(*ctxp);
		return st_skip("cannot make a loop device over a sparse %llu GiB file",
			       CGMAP_GIB);
	}
	cgmap_loop[strcspn(cgmap_loop, "\n")] = 0;
	return ST_PASS;
}

static void cgmap_cleanup(void *arg)
{
	if (cgmap_loop[0]) {
		swapoff(cgmap_loop);
		st_cmd(NULL, 0, "losetup -d %s", cgmap_loop);
		cgmap_loop[0] = 0;
	}
	unlink(CGMAP_FILE);
	vst_cleanup(arg);
}

static enum st_status cgmap_run(void *arg)
{
	struct vst_env *env = arg;
	uint64_t slots = CGMAP_GIB << 18, peak = 0, cur = 0;
	long long f1, f2;
	double on, off;
	struct vst_argv av;
	struct vst_proc p;
	int status, err;

	ST_FAIL_IF(!st_vswap_enabled(), "vswap is not on");
	err = cgmap_swapon_cost(slots, &on);
	ST_FAIL_IF(err, "swapon %s: %s", cgmap_loop, strerror(-err));
	st_log("swapon of %llu GiB (%lu slots) with vswap on: free memory -%.0f kB, %.2f B a slot",
	       CGMAP_GIB, slots, on * slots / 1024, on);
	ST_FAIL_IF(on > CGMAP_ON_MAX,
		   "the tier's swapon took %.2f B a slot, want <= %.1f (no swap_cgroup pages)",
		   on, CGMAP_ON_MAX);

	/* the stock allocator may take the tiers' slots from now on */
	f1 = cgmap_memfree();
	ST_FAIL_IF(st_write(VSWAP_DIR "/enabled", "0"), "cannot disable vswap");
	f2 = cgmap_memfree();
	ST_FAIL_IF(f1 < 0 || f2 < 0, "cannot read the free memory");
	off = (double)(f1 - f2) / slots;
	st_log("vswap disabled: free memory -%lld kB, %.2f B a slot of the loop tier",
	       (f1 - f2) / 1024, off);
	ST_FAIL_IF(off < CGMAP_OFF_MIN,
		   "disabling vswap took %.2f B a slot of the loop tier, want >= %.1f (its swap_cgroup map)",
		   off, CGMAP_OFF_MIN);

	/* stock swap to vda, charged to the cgroup and uncharged at the end */
	ST_FAIL_IF(vst_spawn(&p, env->cg, vst_argv(&av, "memverify", "-s %u -p 1 -f random -H",
						   WORK_MIB)),
		   "cannot start memverify");
	ST_FAIL_IF(!vst_held(&p, "memverify: holding", 1), "memverify did not hold");
	ST_CHECK(!st_cg_u64(env->cg, "memory.swap.current", &peak));
	kill(p.pid, SIGUSR1);
	status = vst_reap(&p);
	ST_FAIL_IF(status, "memverify failed (%d): data lost", status);
	err = vst_wait_uncharged(env->cg, 5000, false, &cur);
	st_log("memory.swap.current %lu kB while it held, %lu kB after it exited",
	       peak / 1024, cur / 1024);
	ST_FAIL_IF(peak < MIN_OUT_PAGES * VST_PAGE / 2,
		   "memory.swap.current %lu kB while it held, want >= %llu kB",
		   peak / 1024, MIN_OUT_PAGES * VST_PAGE / 2 / 1024);
	ST_FAIL_IF(err,
		   "memory.swap.current %lu kB after the workload exited: charges not uncharged (%s)",
		   cur / 1024, strerror(-err));

	/* the same swapon with vswap off, as stock: the map's pages too */
	ST_FAIL_IF(swapoff(cgmap_loop), "swapoff %s: %s", cgmap_loop, strerror(errno));
	err = cgmap_swapon_cost(slots, &off);
	ST_FAIL_IF(err, "swapon %s: %s", cgmap_loop, strerror(-err));
	st_log("swapon with vswap off: free memory -%.0f kB, %.2f B a slot, %.2f more",
	       off * slots / 1024, off, off - on);
	ST_FAIL_IF(off - on < CGMAP_OFF_MIN,
		   "swapon with vswap off took %.2f B a slot, %.2f more than with it on, want >= %.1f",
		   off, off - on, CGMAP_OFF_MIN);
	ST_FAIL_IF(st_write(VSWAP_DIR "/enabled", "1"), "cannot enable vswap again");
	return ST_PASS;
}

static struct st_test vswap_tier_cgroup_map = {
	.name = "vswap_tier_cgroup_map",
	.description = "a tier swapped on while vswap is on has no swap_cgroup pages until vswap is disabled",
	.setup = cgmap_setup,
	.run = cgmap_run,
	.cleanup = cgmap_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(vswap_tier_cgroup_map);
