// SPDX-License-Identifier: GPL-2.0
/*
 * vswap: the virtual swap device, its interface and its backends without
 * a tier or with one tier behind zswap.  Every workload verifies every
 * byte it reads back (memverify); every test skips on a kernel without
 * /sys/kernel/mm/vswap.
 *
 * vswap_proc_swaps:   /proc/swaps lists [vswap], type virtual, only as
 *                     the backend zswap is without a tier: none with zswap
 *                     off, zswap's pool limit with it on.  The virtual
 *                     space itself is in sysfs: at least 8x MemTotal (16x
 *                     by default), stat's slots match the size file,
 *                     slots_free and slots_used add up to it less slot 0,
 *                     static_bytes > 0 and dynamic_bytes small at rest.
 *                     While enabled, size refuses a new size (EBUSY),
 *                     garbage (EINVAL) and a size below one cluster.
 *                     enabled=0 removes the line, a size written then is
 *                     the size of the next enable, and size 0 is the
 *                     default again.
 * vswap_zswap_nodisk: no swap device at all, zswap on: 64 MiB of
 *                     compressible pages through a 48 MiB cgroup.  zswap
 *                     stores and loads, memory.stat vswap_zswap holds
 *                     pages while it runs, nothing is written back or
 *                     written to a disk, and the cgroup holds nothing
 *                     once the workload exited.
 * vswap_zero:         no device, zswap on: 64 MiB of zero pages through
 *                     a 32 MiB cgroup (memory.max only: no I/O to wait
 *                     for) leave memory as ZERO descriptors (swpout_zero
 *                     >= the pages pushed out, vswap_zero in memory.stat)
 *                     with no disk write and nothing in zswap beyond
 *                     memverify's own bookkeeping arrays, and read back
 *                     as zeros (swpin_zero).  (With zswap off too there is
 *                     no backend, and nothing leaves memory, as on stock:
 *                     swap_acct_no_swap.)
 * vswap_release:     no device, zswap on: 128 MiB of zero pages through
 *                     a 32 MiB cgroup populate several swap_map pages
 *                     (4096 slots each).  At the peak, dynamic_bytes is at
 *                     most 9.6 B a slot in use: the descriptor (8, which
 *                     holds the cgroup id) and the swap_map byte, with the
 *                     clusters' unused part (a swap_cgroup map would add
 *                     2).  Once the workload exited, within 10 s every
 *                     swap_map page still mapped holds a populated
 *                     cluster, map_pages_released counts the pages given
 *                     back, and dynamic_bytes is small again.  A kernel
 *                     that keeps swap_map pages until vswap is disabled
 *                     fails here.
 * vswap_writeback:    zswap with memory.zswap.max=4M and one tier: zswap
 *                     writes back (zswpwb) to tier slots allocated at
 *                     writeback (vswap_tier_alloc >= zswpwb), the disk
 *                     sees at least 8 sectors per page written back; the
 *                     pages per write request are reported.
 * vswap_mixed:        zswap and one tier, mixed pages (random,
 *                     compressible, zero, same-filled): zero pages become
 *                     ZERO, compressible ones go to zswap, random ones
 *                     (zswap rejects them) to the tier: all three
 *                     backends hold pages during the run.
 *
 * vswap_counters:    the vswap_* counters, which each CPU sums before
 *                     it passes them on.  A held workload's pages
 *                     reclaimed 17 at a time (fewer than a CPU holds
 *                     back): within 3.5 s the cgroup's four backend
 *                     figures add up to its memory.swap.current to the
 *                     byte.  Then two cgroups swap at once, 48 MiB each,
 *                     zero pages through 16 MiB and compressible ones
 *                     through 32 MiB, so that both CPUs sum moves for
 *                     both: while they hold, each one's figures match
 *                     its memory.swap.current within 2 MiB.  The zero
 *                     cgroup is removed with its pages out; once both
 *                     verified and exited, the parent's figures are
 *                     exactly 0 and vswap/stat's back where they were
 *                     within 10 s, and the removed cgroup is freed
 *                     once a zero-page workload on each CPU in turn has
 *                     pushed its last slots out of the slots caches.
 *                     Sums that never reach the counters, or a CPU that
 *                     keeps a removed cgroup pinned, fail here.
 * vswap_counters_hotplug: a few zero pages reclaimed on the last CPU,
 *                     which goes offline at once, while its sums are
 *                     still pending (else the round is tried again, 8 at
 *                     most, then SKIP): within 3.5 s the figures add up
 *                     to memory.swap.current, passed on for the dead
 *                     CPU.  The CPU comes back online after each round.
 *
 * As in swap_basic.c, memory.high sits below memory.max so that a slow
 * disk makes the workload wait instead of being OOM-killed.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runner.h"
#include "lib/st.h"
#include "lib/vst.h"

#define WORK_MIB	64	/* workload size */
#define LIMIT_MIB	32	/* its cgroup's memory.max */
#define HIGH_MIB	24	/* its cgroup's memory.high */
#define PASSES		2

/* Pages that must leave memory once the workload has written it all */
#define MIN_OUT_PAGES	((WORK_MIB - LIMIT_MIB) * MiB / VST_PAGE)

/* dynamic_bytes allowed with nothing swapped: a few populated clusters */
#define REST_DYNAMIC_MAX	(256 * KiB)

/*
 * dynamic_bytes per virtual slot in use at a workload's peak, in tenths:
 * 8 B of descriptor and 1 of swap_map a slot, and the unused part of the
 * last clusters and swap_map pages
 */
#define PEAK_SLOT_BYTES_X10	96

/* ---------------------------------------------------------------------
 * vswap_proc_swaps
 */

static enum st_status proc_swaps_setup(void **ctx)
{
	if (!st_vswap_available())
		return st_skip("kernel without vswap");
	return ST_PASS;
}

static enum st_status proc_swaps_run(void *arg)
{
	uint64_t kib, used, memtotal, size, size2, slots, sfree, sused, st_b, dyn_b, v;
	uint64_t pct = 0, zcap;
	char type[32];
	int found, err;

	ST_CHECK(st_vswap_enabled());
	ST_CHECK(!st_read_key("/proc/meminfo", "MemTotal:", &memtotal));
	/* no tier and zswap off: no backend, no line */
	found = vst_proc_swaps_vswap(type, sizeof(type), &kib, &used);
	ST_FAIL_IF(found != 0, "[vswap] in /proc/swaps (%lu KiB) with no backend", kib);
	if (!st_zswap_available())
		return st_skip("kernel without zswap: [vswap] is never listed");
	ST_CHECK(!st_zswap_set("enabled", "Y"));
	ST_CHECK(!st_read_u64("/sys/module/zswap/parameters/max_pool_percent", &pct));
	zcap = memtotal / 4 * pct / 100 * 4;
	found = vst_proc_swaps_vswap(type, sizeof(type), &kib, &used);
	ST_FAIL_IF(found != 1, "no [vswap] line in /proc/swaps with zswap on (%d)", found);
	ST_CHECK(!st_read_u64(VSWAP_DIR "/size", &size));
	ST_CHECK(!st_vswap_stat("slots", &slots));
	ST_CHECK(!st_vswap_stat("slots_free", &sfree));
	ST_CHECK(!st_vswap_stat("slots_used", &sused));
	ST_CHECK(!st_vswap_stat("static_bytes", &st_b));
	ST_CHECK(!st_vswap_stat("dynamic_bytes", &dyn_b));
	st_log("[vswap] %s %lu KiB used %lu KiB, zswap's limit %lu KiB; MemTotal %lu KiB; size %lu slots %lu (x%.1f) free %lu used %lu; static %lu dynamic %lu bytes",
	       type, kib, used, zcap, memtotal, size, slots,
	       (double)slots * 4 / memtotal, sfree, sused, st_b, dyn_b);

	ST_FAIL_IF(strcmp(type, "virtual"), "[vswap] has type '%s', want virtual", type);
	ST_FAIL_IF(kib != zcap, "[vswap] is %lu KiB, zswap's pool limit %lu KiB", kib, zcap);
	ST_FAIL_IF(slots * 4 < 8 * memtotal, "%lu slots, want >= 8 x MemTotal (%lu KiB)",
		   slots, 8 * memtotal);
	ST_FAIL_IF(slots * VST_PAGE != size, "stat slots %lu != size %lu / 4096",
		   slots, size);
	/* slot 0 is reserved, as a header page is */
	ST_FAIL_IF(sfree + sused != slots - 1, "slots_free %lu + slots_used %lu != %lu - 1",
		   sfree, sused, slots);
	ST_FAIL_IF(!st_b, "static_bytes is 0");
	ST_FAIL_IF(dyn_b > REST_DYNAMIC_MAX, "dynamic_bytes %lu at rest, want <= %llu",
		   dyn_b, REST_DYNAMIC_MAX);

	/* Resizing is done disabled; a refused write changes nothing. */
	err = vst_try_write(VSWAP_DIR "/size", "1G");
	ST_FAIL_IF(err != -EBUSY, "size=1G while enabled: %s, want EBUSY",
		   err ? strerror(-err) : "accepted");
	err = vst_try_write(VSWAP_DIR "/size", "bogus");
	ST_FAIL_IF(err != -EINVAL, "size=bogus: %s, want EINVAL",
		   err ? strerror(-err) : "accepted");
	err = vst_try_write(VSWAP_DIR "/size", "4K");
	ST_FAIL_IF(!err, "size=4K (below one cluster) accepted");
	st_log("size=4K refused: %s", strerror(-err));
	ST_CHECK(!st_read_u64(VSWAP_DIR "/size", &size2));
	ST_FAIL_IF(size2 != size, "size is %lu after refused writes, was %lu",
		   size2, size);

	/* Off: the line goes */
	ST_FAIL_IF(st_write(VSWAP_DIR "/enabled", "0"), "enabled=0 failed");
	ST_FAIL_IF(st_vswap_enabled(), "enabled reads 1 after enabled=0");
	found = vst_proc_swaps_vswap(type, sizeof(type), &kib, &used);
	ST_FAIL_IF(found != 0, "[vswap] still in /proc/swaps after enabled=0");
	ST_CHECK(!st_vswap_stat("enabled", &v) && v == 0);

	/* A size written while off is the size of the next enable */
	ST_FAIL_IF(st_write(VSWAP_DIR "/size", "2G"), "size=2G while disabled failed");
	ST_CHECK(!st_read_u64(VSWAP_DIR "/size", &v));
	ST_FAIL_IF(v != 2 * 1024 * MiB, "size reads %lu after size=2G", v);
	ST_FAIL_IF(st_write(VSWAP_DIR "/enabled", "1"), "enabled=1 failed");
	found = vst_proc_swaps_vswap(type, sizeof(type), &kib, &used);
	ST_FAIL_IF(found != 1 || kib != zcap, "[vswap] not back in /proc/swaps after enabled=1");
	ST_CHECK(!st_vswap_stat("slots", &slots));
	ST_CHECK(!st_vswap_stat("slots_free", &sfree));
	st_log("after size=2G: %lu slots, %lu free", slots, sfree);
	ST_FAIL_IF(slots != 2 * 1024 * MiB / VST_PAGE, "%lu slots for 2G", slots);
	ST_FAIL_IF(sfree > slots - 1 || sfree < slots - 1 - 1024,
		   "slots_free %lu of %lu after enabled=1", sfree, slots);

	/* Size 0: the default again */
	ST_CHECK(!st_write(VSWAP_DIR "/enabled", "0"));
	ST_CHECK(!st_write(VSWAP_DIR "/size", "0"));
	ST_CHECK(!st_write(VSWAP_DIR "/enabled", "1"));
	ST_CHECK(!st_read_u64(VSWAP_DIR "/size", &v));
	ST_FAIL_IF(v != size, "size %lu after size=0, the default was %lu", v, size);
	found = vst_proc_swaps_vswap(type, sizeof(type), &kib, &used);
	ST_FAIL_IF(found != 1 || strcmp(type, "virtual"),
		   "[vswap] not back in /proc/swaps as virtual");
	return ST_PASS;
}

static struct st_test vswap_proc_swaps = {
	.name = "vswap_proc_swaps",
	.description = "[vswap] in /proc/swaps as zswap's room; 16x RAM, switched and resized by sysfs",
	.setup = proc_swaps_setup,
	.run = proc_swaps_run,
	.timeout = 120,
};
REGISTER_ST_TEST(vswap_proc_swaps);

/* ---------------------------------------------------------------------
 * vswap_zswap_nodisk
 */

/* The zswap pool is charged to the cgroup too: a roomier one */
#define NODISK_LIMIT_MIB	48
#define NODISK_HIGH_MIB		40
#define NODISK_MIN_OUT		((WORK_MIB - NODISK_LIMIT_MIB) * MiB / VST_PAGE)

static enum st_status zswap_nodisk_setup(void **ctx)
{
	return vst_setup(ctx, "vswap_zswap_nodisk", VST_ZSWAP, 0,
			 NODISK_LIMIT_MIB, NODISK_HIGH_MIB);
}

static enum st_status zswap_nodisk_run(void *arg)
{
	struct vst_env *env = arg;
	struct vst_result r;
	struct vst_argv av;

	vst_run_measured(env, vst_argv(&av, "memverify", "-s %u -p %u -f compressible",
				       WORK_MIB, PASSES), &r, NULL);

	ST_FAIL_IF(r.status != 0, "memverify failed (%d): data lost or corrupted", r.status);
	ST_FAIL_IF(r.peak.other_tiers, "a tier is listed with no swap device on");
	ST_FAIL_IF(r.d.v[VST_ZSWPOUT] < NODISK_MIN_OUT, "zswpout %lu, want >= %llu",
		   r.d.v[VST_ZSWPOUT], NODISK_MIN_OUT);
	ST_FAIL_IF(r.d.v[VST_ZSWPIN] < NODISK_MIN_OUT, "zswpin %lu, want >= %llu",
		   r.d.v[VST_ZSWPIN], NODISK_MIN_OUT);
	ST_FAIL_IF(r.d.v[VST_ZSWPWB], "zswap wrote back %lu pages with no tier",
		   r.d.v[VST_ZSWPWB]);
	ST_FAIL_IF(r.d.v[VST_PSWPOUT], "%lu pages written to a disk with none",
		   r.d.v[VST_PSWPOUT]);
	ST_FAIL_IF(r.d.v[VST_TIER_ALLOC], "%lu tier slots allocated with no tier",
		   r.d.v[VST_TIER_ALLOC]);
	ST_FAIL_IF(r.peak.cg_zswap < NODISK_MIN_OUT / 2 * VST_PAGE,
		   "memory.stat vswap_zswap peaked at %lu bytes, want >= %llu",
		   r.peak.cg_zswap, NODISK_MIN_OUT / 2 * VST_PAGE);
	ST_FAIL_IF(!r.peak.zswap, "vswap/stat zswap stayed 0");
	ST_FAIL_IF(!r.peak.cg_zswap_bytes, "memory.zswap.current stayed 0");
	ST_FAIL_IF(r.peak.cg_phys, "memory.stat vswap_phys %lu with no tier",
		   r.peak.cg_phys);
	ST_FAIL_IF(r.leftover > VST_LINGER_PAGES,
		   "%lu pages still held after the workload exited", r.leftover);
	return ST_PASS;
}

static struct st_test vswap_zswap_nodisk = {
	.name = "vswap_zswap_nodisk",
	.description = "zswap with no swap device: stores and loads, never writes back",
	.setup = zswap_nodisk_setup,
	.run = zswap_nodisk_run,
	.cleanup = vst_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(vswap_zswap_nodisk);

/* ---------------------------------------------------------------------
 * vswap_zswap_nodisk_fit
 *
 * zswap with no swap device holds whatever fits in its pool.  Each case
 * writes and verifies its memory twice and then has a forked child read
 * it all again: the child's read faults load from zswap into the swap
 * cache (zswap drops its copy), so reclaim must store every folio again
 * before it can free it, while the parent's page tables still point at
 * the entries.  The memory is 2x to 8x memory.max; compressed, it fits
 * with room to spare (the pool is charged to the cgroup), so an OOM kill
 * is a failure.  mixed has a quarter of incompressible pages, which have
 * nowhere to go and stay in memory (vswap_keep); the rest still goes to
 * zswap.
 */

struct fit_case {
	unsigned int max_mib, mib;
	const char *fill;
	const char *flags;	/* more memverify options */
	bool keeps;		/* incompressible pages: vswap_keep counts */
};

static const struct fit_case fit_cases[] = {
	{ 32, 128, "sparse", "", false },	/* ~24:1, 4x */
	{ 16, 128, "sparse", "-r", false },	/* 8x, random order */
	{ 48,  96, "compressible", "", false },	/* ~3:1, 2x */
	{ 32,  64, "mixed", "", true },		/* a quarter random */
};

static enum st_status zswap_fit_setup(void **ctx)
{
	return vst_setup(ctx, "vswap_zswap_nodisk_fit", VST_ZSWAP, 0, 0, 0);
}

static enum st_status zswap_fit_run(void *arg)
{
	struct vst_env *env = arg;
	unsigned int i;

	for (i = 0; i < sizeof(fit_cases) / sizeof(fit_cases[0]); i++) {
		const struct fit_case *c = &fit_cases[i];
		uint64_t oom0 = 0, oom1 = 0, out_min;
		struct vst_result r;
		struct vst_argv av;

		ST_FAIL_IF(st_cg_write(env->cg, "memory.max", "%uM", c->max_mib),
			   "cannot set memory.max");
		ST_FAIL_IF(st_cg_key(env->cg, "memory.events", "oom_kill", &oom0),
			   "cannot read memory.events");
		st_log("case %u: %u MiB of %s %s in memory.max %u MiB, then a forked reader",
		       i, c->mib, c->fill, c->flags, c->max_mib);
		vst_run_measured(env, vst_argv(&av, "memverify", "-s %u -p 2 -f %s -F %s",
					       c->mib, c->fill, c->flags), &r, NULL);
		ST_FAIL_IF(st_cg_key(env->cg, "memory.events", "oom_kill", &oom1),
			   "cannot read memory.events");

		ST_FAIL_IF(oom1 != oom0, "case %u (%s, %u in %u MiB): OOM-killed with no tier",
			   i, c->fill, c->mib, c->max_mib);
		ST_FAIL_IF(r.status != 0, "case %u: memverify failed (%d): data lost or corrupted",
			   i, r.status);
		/* what did not fit in memory.max went to zswap, at least once */
		out_min = (c->mib - c->max_mib) * MiB / VST_PAGE / (c->keeps ? 2 : 1);
		ST_FAIL_IF(r.d.v[VST_ZSWPOUT] < out_min, "case %u: zswpout %lu, want >= %lu",
			   i, r.d.v[VST_ZSWPOUT], out_min);
		ST_FAIL_IF(r.d.v[VST_ZSWPWB] || r.d.v[VST_PSWPOUT] || r.d.v[VST_TIER_ALLOC],
			   "case %u: zswpwb %lu pswpout %lu tier_alloc %lu with no tier",
			   i, r.d.v[VST_ZSWPWB], r.d.v[VST_PSWPOUT], r.d.v[VST_TIER_ALLOC]);
		ST_FAIL_IF(c->keeps && !r.d.v[VST_KEEP],
			   "case %u: incompressible pages but vswap_keep stayed 0", i);
		ST_FAIL_IF(r.leftover > VST_LINGER_PAGES,
			   "case %u: %lu pages still held after the workload exited",
			   i, r.leftover);
	}
	return ST_PASS;
}

static struct st_test vswap_zswap_nodisk_fit = {
	.name = "vswap_zswap_nodisk_fit",
	.description = "zswap with no swap device holds what fits, forked readers included",
	.setup = zswap_fit_setup,
	.run = zswap_fit_run,
	.cleanup = vst_cleanup,
	.timeout = 900,
};
REGISTER_ST_TEST(vswap_zswap_nodisk_fit);

/* ---------------------------------------------------------------------
 * vswap_zero
 */

/* memverify's arrays of 64 MiB, 2 passes: 12 bytes a page, 48 pages */
#define ZERO_BOOKKEEPING_MAX	(128 * VST_PAGE)

static enum st_status zero_setup(void **ctx)
{
	/*
	 * zswap on, so that there is a backend (with none, nothing is
	 * swapped, as on stock), but zero pages never reach it.  No
	 * memory.high: zero pages leave memory without I/O to wait for.
	 */
	return vst_setup(ctx, "vswap_zero", VST_ZSWAP, 0, LIMIT_MIB, 0);
}

static enum st_status zero_run(void *arg)
{
	struct vst_env *env = arg;
	struct vst_result r;
	struct vst_argv av;

	vst_run_measured(env, vst_argv(&av, "memverify", "-s %u -p %u -f zero",
				       WORK_MIB, PASSES), &r, NULL);

	ST_FAIL_IF(r.status != 0, "memverify failed (%d): zero pages lost or OOM", r.status);
	ST_FAIL_IF(r.d.v[VST_SWPOUT_ZERO] < MIN_OUT_PAGES, "swpout_zero %lu, want >= %llu",
		   r.d.v[VST_SWPOUT_ZERO], MIN_OUT_PAGES);
	ST_FAIL_IF(!r.d.v[VST_SWPIN_ZERO], "no zero page read back (swpin_zero 0)");
	/* only memverify's own bookkeeping (order and timing arrays) is not zero */
	ST_FAIL_IF(r.peak.cg_zswap > ZERO_BOOKKEEPING_MAX,
		   "memory.stat vswap_zswap peaked at %lu bytes: zero pages went to zswap",
		   r.peak.cg_zswap);
	ST_FAIL_IF(r.d.v[VST_PSWPOUT], "%lu pages written to a disk with none",
		   r.d.v[VST_PSWPOUT]);
	ST_FAIL_IF(r.d.v[VST_TIER_ALLOC], "%lu tier slots allocated with no tier",
		   r.d.v[VST_TIER_ALLOC]);
	ST_FAIL_IF(r.peak.cg_zero < MIN_OUT_PAGES / 2 * VST_PAGE,
		   "memory.stat vswap_zero peaked at %lu bytes, want >= %llu",
		   r.peak.cg_zero, MIN_OUT_PAGES / 2 * VST_PAGE);
	ST_FAIL_IF(!r.peak.zero, "vswap/stat zero stayed 0");
	ST_FAIL_IF(r.leftover > VST_LINGER_PAGES,
		   "%lu pages still held after the workload exited", r.leftover);
	return ST_PASS;
}

static struct st_test vswap_zero = {
	.name = "vswap_zero",
	.description = "zero pages leave memory without reaching a backend, read back as zeros",
	.setup = zero_setup,
	.run = zero_run,
	.cleanup = vst_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(vswap_zero);

/* ---------------------------------------------------------------------
 * vswap_release
 */

#define RELEASE_MIB		128	/* workload size */
#define RELEASE_WAIT_MS		10000	/* the kernel waits a second */

static enum st_status release_setup(void **ctx)
{
	/* zswap on: with no backend, nothing would leave memory */
	return vst_setup(ctx, "vswap_release", VST_ZSWAP, 0, LIMIT_MIB, 0);
}

static enum st_status release_run(void *arg)
{
	struct vst_env *env = arg;
	uint64_t rel0 = 0, rel1 = 0, dyn_b = 0;
	struct vst_gauges g;
	struct vst_result r;
	struct vst_argv av;
	unsigned int ms;

	ST_CHECK(!st_vswap_stat("map_pages_released", &rel0));
	vst_run_measured(env, vst_argv(&av, "memverify", "-s %u -p 1 -f zero",
				       RELEASE_MIB), &r, NULL);
	ST_FAIL_IF(r.status != 0, "memverify failed (%d): zero pages lost or OOM", r.status);
	ST_FAIL_IF(r.d.v[VST_SWPOUT_ZERO] < (RELEASE_MIB - LIMIT_MIB) * MiB / VST_PAGE,
		   "swpout_zero %lu, want >= %llu", r.d.v[VST_SWPOUT_ZERO],
		   (RELEASE_MIB - LIMIT_MIB) * MiB / VST_PAGE);
	st_log("peak: %lu slots used, %lu clusters, %lu swap_map pages, dynamic_bytes %lu (%.2f B a slot)",
	       r.peak.slots_used, r.peak.clusters, r.peak.map_pages, r.peak.dyn_bytes,
	       r.peak.slots_used ? (double)r.peak.dyn_bytes / r.peak.slots_used : 0);
	ST_FAIL_IF(r.peak.map_pages < 3,
		   "%lu swap_map pages at peak: the workload did not spread", r.peak.map_pages);
	ST_FAIL_IF(r.peak.dyn_bytes * 10 > PEAK_SLOT_BYTES_X10 * r.peak.slots_used,
		   "dynamic_bytes %lu at peak for %lu slots: %.2f B a slot, want <= %.1f",
		   r.peak.dyn_bytes, r.peak.slots_used,
		   (double)r.peak.dyn_bytes / r.peak.slots_used, PEAK_SLOT_BYTES_X10 / 10.0);

	for (ms = 0; ; ms += 100) {
		vst_sample(env, &g);
		if (g.map_pages <= g.clusters)
			break;
		if (ms >= RELEASE_WAIT_MS)
			break;
		usleep(100 * 1000);
	}
	ST_CHECK(!st_vswap_stat("map_pages_released", &rel1));
	ST_CHECK(!st_vswap_stat("dynamic_bytes", &dyn_b));
	st_log("after %u ms: %lu slots used, %lu clusters, %lu swap_map pages, %lu released, dynamic_bytes %lu",
	       ms, g.slots_used, g.clusters, g.map_pages, rel1 - rel0, dyn_b);

	ST_FAIL_IF(g.map_pages > g.clusters,
		   "%lu swap_map pages still mapped for %lu populated clusters",
		   g.map_pages, g.clusters);
	ST_FAIL_IF(g.map_pages >= r.peak.map_pages,
		   "swap_map pages %lu, as many as at peak", g.map_pages);
	ST_FAIL_IF(rel1 - rel0 < r.peak.map_pages - g.map_pages,
		   "map_pages_released grew by %lu, %lu pages went",
		   rel1 - rel0, r.peak.map_pages - g.map_pages);
	ST_FAIL_IF(dyn_b > REST_DYNAMIC_MAX, "dynamic_bytes %lu at rest, want <= %llu",
		   dyn_b, REST_DYNAMIC_MAX);
	return ST_PASS;
}

static struct st_test vswap_release = {
	.name = "vswap_release",
	.description = "9 B of metadata a slot in use, swap_map pages given back when their clusters empty",
	.setup = release_setup,
	.run = release_run,
	.cleanup = vst_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(vswap_release);

/* ---------------------------------------------------------------------
 * vswap_writeback
 */

#define ZSWAP_MIB	4	/* memory.zswap.max */

static enum st_status writeback_setup(void **ctx)
{
	enum st_status st;
	struct vst_env *env;

	st = vst_setup(ctx, "vswap_writeback", VST_ZSWAP, 1, LIMIT_MIB, HIGH_MIB);
	if (st != ST_PASS)
		return st;
	env = *ctx;
	if (st_cg_write(env->cg, "memory.zswap.max", "%llu", ZSWAP_MIB * MiB) ||
	    st_cg_write(env->cg, "memory.zswap.writeback", "1")) {
		vst_cleanup(env);
		return ST_FAIL;
	}
	return ST_PASS;
}

static enum st_status writeback_run(void *arg)
{
	struct vst_env *env = arg;
	struct vst_result r;
	struct vst_argv av;
	uint64_t wb, out;

	vst_run_measured(env, vst_argv(&av, "memverify", "-s %u -p %u -f compressible",
				       WORK_MIB, PASSES), &r, NULL);
	wb = r.d.v[VST_ZSWPWB];
	st_log("%lu pages written back, %.1f pages per write request", wb,
	       r.writes ? (double)r.sectors / 8 / r.writes : 0.0);

	ST_FAIL_IF(r.status != 0, "memverify failed (%d): data lost or corrupted", r.status);
	ST_FAIL_IF(!wb, "zswap wrote nothing back over memory.zswap.max");
	ST_FAIL_IF(r.d.v[VST_TIER_ALLOC] < wb, "%lu tier slots allocated for %lu written back",
		   r.d.v[VST_TIER_ALLOC], wb);
	ST_FAIL_IF(r.d.v[VST_PSWPOUT] < wb, "written back %lu > swapped out %lu",
		   wb, r.d.v[VST_PSWPOUT]);
	ST_FAIL_IF(r.sectors < wb * 8, "disk saw %lu sectors written for %lu written back",
		   r.sectors, wb);
	out = r.d.v[VST_ZSWPOUT] + r.d.v[VST_SWPOUT_ZERO] + r.d.v[VST_PSWPOUT] - wb;
	ST_FAIL_IF(out < MIN_OUT_PAGES, "%lu pages left memory, want >= %llu",
		   out, MIN_OUT_PAGES);
	ST_FAIL_IF(!r.d.v[VST_ZSWPIN], "nothing was loaded back from zswap");
	ST_FAIL_IF(!r.d.v[VST_PSWPIN], "nothing was read back from the tier");
	ST_FAIL_IF(!r.peak.backing[0], "the tier never backed a virtual slot");
	ST_FAIL_IF(r.leftover > VST_LINGER_PAGES,
		   "%lu pages still held after the workload exited", r.leftover);
	return ST_PASS;
}

static struct st_test vswap_writeback = {
	.name = "vswap_writeback",
	.description = "zswap writes back to a tier past memory.zswap.max, every byte verified",
	.setup = writeback_setup,
	.run = writeback_run,
	.cleanup = vst_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(vswap_writeback);

/* ---------------------------------------------------------------------
 * vswap_mixed
 */

static enum st_status mixed_setup(void **ctx)
{
	return vst_setup(ctx, "vswap_mixed", VST_ZSWAP, 1, LIMIT_MIB, HIGH_MIB);
}

static enum st_status mixed_run(void *arg)
{
	struct vst_env *env = arg;
	struct vst_result r;
	struct vst_argv av;
	uint64_t out;

	vst_run_measured(env, vst_argv(&av, "memverify", "-s %u -p %u -f mixed",
				       WORK_MIB, PASSES), &r, NULL);

	ST_FAIL_IF(r.status != 0, "memverify failed (%d): data lost or corrupted", r.status);
	ST_FAIL_IF(!r.d.v[VST_SWPOUT_ZERO], "no zero page left memory as ZERO");
	ST_FAIL_IF(!r.d.v[VST_ZSWPOUT], "nothing was stored in zswap");
	ST_FAIL_IF(!r.d.v[VST_PSWPOUT], "nothing was written to the tier");
	ST_FAIL_IF(!r.peak.cg_zero || !r.peak.cg_zswap || !r.peak.cg_phys,
		   "memory.stat peaks: vswap_zero %lu vswap_zswap %lu vswap_phys %lu, want all > 0",
		   r.peak.cg_zero, r.peak.cg_zswap, r.peak.cg_phys);
	ST_FAIL_IF(!r.peak.zero || !r.peak.zswap || !r.peak.phys,
		   "vswap/stat peaks: zero %lu zswap %lu phys %lu, want all > 0",
		   r.peak.zero, r.peak.zswap, r.peak.phys);
	out = r.d.v[VST_SWPOUT_ZERO] + r.d.v[VST_ZSWPOUT] + r.d.v[VST_PSWPOUT] -
	      r.d.v[VST_ZSWPWB];
	ST_FAIL_IF(out < MIN_OUT_PAGES, "%lu pages left memory, want >= %llu",
		   out, MIN_OUT_PAGES);
	ST_FAIL_IF(r.leftover > VST_LINGER_PAGES,
		   "%lu pages still held after the workload exited", r.leftover);
	return ST_PASS;
}

static struct st_test vswap_mixed = {
	.name = "vswap_mixed",
	.description = "mixed pages go to ZERO, zswap and a tier at once, every byte verified",
	.setup = mixed_setup,
	.run = mixed_run,
	.cleanup = vst_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(vswap_mixed);

/* ---------------------------------------------------------------------
 * vswap_counters
 */

#define COUNT_MIB	48	/* each workload */
/* memory.max of each workload's cgroup: zswap's pool is charged too */
static const unsigned int count_max_mib[2] = { 16, 32 };
/* backend figures against memory.swap.current, while nothing moves */
#define COUNT_SLACK	(2 * MiB)
#define COUNT_WAIT_MS	10000	/* the kernel passes sums on within 1 s */
#define COUNT_ROUNDS	4	/* of reclaim, of pushing slots out of the slots cache */
#define COUNT_SETTLE_MIB	8	/* workload of the settle rounds */
#define COUNT_SETTLE_KIB	68	/* reclaimed a round: 17 pages */
/* a round's sums reach the counters within 1 s; the rest is slack */
#define COUNT_SETTLE_MS		3500
#define COUNT_POLL_MS		250	/* between samples while a round settles */

/*
 * vst_sample() with memcg's statistics of @env's subtree flushed first.
 * A memory.stat read flushes them only once 64 updates per online CPU are
 * pending; fewer wait for memcg's periodic flush, deferrable work that an
 * idle CPU holds back for as long as it idles (stock 6.12's lag, not
 * vswap's: the settle rounds failed on it in 2 clean-clone runs).
 * Reading cpu.stat flushes the subtree's rstat, memcg's with it, at once.
 */
static void count_sample(const struct vst_env *env, struct vst_gauges *g)
{
	uint64_t usage;

	if (st_cg_key(env->cg, "cpu.stat", "usage_usec", &usage))
		st_log("cannot read %s/cpu.stat: memcg's statistics may lag", env->cg);
	vst_sample(env, g);
}

/* The cgroup's four backend figures in memory.stat, bytes */
static uint64_t count_cg(const struct vst_gauges *g)
{
	return g->cg_zero + g->cg_zswap + g->cg_phys + g->cg_folio;
}

/* vswap/stat's four backend figures, pages */
static uint64_t count_global(const struct vst_gauges *g)
{
	return g->zero + g->zswap + g->phys + g->folio;
}

/*
 * Wait until the test cgroup's backend figures count no slot that is not
 * charged, and vswap/stat's are back to @base but for the slots freed that
 * wait in the CPUs' slot caches: 0, or -1 once COUNT_WAIT_MS went by.  A
 * freed slot keeps its backend until its batch goes back, as it keeps its
 * swap charge.
 */
static int count_wait_charged(const struct vst_env *env, uint64_t base,
			      struct vst_gauges *g)
{
	unsigned int waited;

	for (waited = 0;; waited += 100) {
		count_sample(env, g);
		if (count_cg(g) <= g->cg_swap &&
		    count_global(g) <= base + vst_freed_lag())
			return 0;
		if (waited >= COUNT_WAIT_MS)
			return -1;
		usleep(100 * 1000);
	}
}

/*
 * Have the slot caches' batches gone back, so that nothing of cgroup b
 * (@live[1]) is counted any more and the test cgroup @env counts c's
 * (@live[2]) alone?  The last sample in @g (b's), @gc (c's), @ge (@env's).
 */
static bool count_drained(const struct vst_env *env, const struct vst_env *live,
			  struct vst_gauges *g, struct vst_gauges *gc,
			  struct vst_gauges *ge)
{
	count_sample(&live[1], g);
	count_sample(&live[2], gc);
	count_sample(env, ge);
	return !count_cg(g) && count_cg(ge) == count_cg(gc);
}

/*
 * What the removed cgroup still has charged: the parent @env's memory and
 * swap less those of its live children @live[0..@n) (a cgroup with
 * children runs nothing itself).
 */
static void count_log_held(const struct vst_env *env, const struct vst_env *live,
			   int n, int round)
{
	uint64_t m, s;
	long long mem, swap;
	int i;

	if (st_cg_u64(env->cg, "memory.current", &m) ||
	    st_cg_u64(env->cg, "memory.swap.current", &s))
		goto unreadable;
	mem = m;
	swap = s;
	for (i = 0; i < n; i++) {
		if (st_cg_u64(live[i].cg, "memory.current", &m) ||
		    st_cg_u64(live[i].cg, "memory.swap.current", &s))
			goto unreadable;
		mem -= m;
		swap -= s;
	}
	st_log("round %d: the removed cgroup still has %lld kB of memory and %lld kB of swap charged",
	       round, mem / 1024, swap / 1024);
	return;
unreadable:
	st_log("round %d: cannot read what the removed cgroup still has charged", round);
}

/*
 * Start memverify in @cg on the runner's @nth allowed CPU alone (modulo
 * their number): the swap slots it frees wait in that CPU's slots cache,
 * which passes them on 64 at a time.  Only the child is pinned: the
 * runner's own mask is back before this returns.  The CPU, or -errno.
 */
static int count_spawn_on(struct vst_proc *p, const char *cg, char *const argv[],
			  int nth)
{
	cpu_set_t all;
	int cpu, err;

	if (sched_getaffinity(0, sizeof(all), &all))
		return -errno;
	nth %= CPU_COUNT(&all);
	for (cpu = 0; !CPU_ISSET(cpu, &all) || nth--; cpu++)
		;
	err = vst_spawn_on(p, cg, argv, cpu);
	return err ? err : cpu;
}

/*
 * A few zero pages at a time out of a held workload in @env's cgroup, by
 * memory.reclaim: fewer than a CPU sums before it passes them on.  The
 * work item must pass them on within a second, and the memcg statistics
 * flush within two: then the four backend figures add up to
 * memory.swap.current to the byte: nothing else in that cgroup holds a
 * slot.  Each round is sampled until they do, for COUNT_SETTLE_MS at
 * most, and the slowest round is logged.
 */
static enum st_status count_settle(const struct vst_env *env)
{
	const char *cg = env->cg;
	unsigned int waited, slowest = 0, lagged = 0;
	struct vst_gauges g = {}, unflushed;
	struct vst_argv av;
	struct vst_proc p;
	int round, status;

	ST_FAIL_IF(vst_spawn(&p, cg, vst_argv(&av, "memverify", "-s %u -p 1 -f zero -H",
					      COUNT_SETTLE_MIB)),
		   "cannot start memverify in %s", cg);
	if (!vst_held(&p, "memverify: holding", 1)) {
		status = vst_release(&p);
		ST_FAIL_IF(1, "settle: memverify did not reach its hold (%d)", status);
	}
	for (round = 0; round < COUNT_ROUNDS; round++) {
		/* reclaim may fall short of the request: -EAGAIN, not an error */
		st_cg_write(cg, "memory.reclaim", "%uK", COUNT_SETTLE_KIB);
		for (waited = COUNT_POLL_MS;; waited += COUNT_POLL_MS) {
			usleep(COUNT_POLL_MS * 1000);
			/* how often memory.stat alone would have lagged */
			vst_sample(env, &unflushed);
			count_sample(env, &g);
			lagged += count_cg(&unflushed) != count_cg(&g);
			if (count_cg(&g) == g.cg_swap || waited >= COUNT_SETTLE_MS)
				break;
		}
		if (waited > slowest)
			slowest = waited;
		if (count_cg(&g) != g.cg_swap)
			break;
	}
	status = vst_release(&p);
	st_log("settle: %d rounds, backend figures %lu kB, memory.swap.current %lu kB, slowest round matched within %u ms",
	       round, count_cg(&g) / 1024, g.cg_swap / 1024, slowest);
	st_log("settle: memory.stat without a flush lagged in %u samples", lagged);
	ST_FAIL_IF(count_cg(&g) != g.cg_swap,
		   "%u ms after a reclaim, the backend figures add up to %lu B but memory.swap.current is %lu B",
		   waited, count_cg(&g), g.cg_swap);
	ST_FAIL_IF(!g.cg_swap, "memory.reclaim swapped nothing out");
	ST_FAIL_IF(status, "settle: memverify status %d", status);
	return ST_PASS;
}

static enum st_status counters_setup(void **ctx)
{
	return vst_setup(ctx, "vswap_counters", VST_ZSWAP, 0, 0, 0);
}

static enum st_status counters_run(void *arg)
{
	static const char *const fill[2] = { "zero", "compressible" };
	struct vst_env *env = arg;
	struct vst_env child[3];		/* a, b, c below the test's cgroup */
	char out[256];
	uint64_t sum, base, dying = 0;
	struct vst_gauges g, gc = {}, ge = {};
	struct vst_proc p[2];
	struct vst_argv av;
	int i, round, ncpu, cpu, status[2];
	cpu_set_t cpus;

	count_sample(env, &g);
	base = count_global(&g);
	ST_CHECK(!st_cg_write(env->cg, "cgroup.subtree_control", "+memory"));
	for (i = 0; i < 3; i++) {
		child[i] = *env;
		ST_CHECK(snprintf(child[i].cg, sizeof(child[i].cg), "%s/%c", env->cg,
				  'a' + i) < (int)sizeof(child[i].cg));
		ST_FAIL_IF(st_cmd(NULL, 0, "mkdir %s", child[i].cg), "mkdir %s failed", child[i].cg);
	}
	if (count_settle(&child[2]) != ST_PASS)
		return ST_FAIL;
	/* a and b swap at once, so that both CPUs count moves for both */
	for (i = 0; i < 2; i++) {
		ST_CHECK(!st_cg_write(child[i].cg, "memory.max", "%uM", count_max_mib[i]));
		ST_CHECK(!st_cg_write(child[i].cg, "memory.high", "%uM", count_max_mib[i] * 3 / 4));
		ST_FAIL_IF(vst_spawn(&p[i], child[i].cg, vst_argv(&av, "memverify",
				     "-s %u -p 1 -f %s -H", COUNT_MIB, fill[i])),
			   "cannot start memverify in %s", child[i].cg);
	}
	for (i = 0; i < 2; i++) {
		if (vst_held(&p[i], "memverify: holding", 1))
			continue;
		status[i] = vst_release(&p[i]);
		vst_release(&p[!i]);
		ST_FAIL_IF(1, "%s: memverify did not reach its hold (%d)", fill[i],
			   status[i]);
	}
	/* nothing moves now: sums reach the counters within 1 s, the stats 2 s */
	usleep(3000 * 1000);
	for (i = 0; i < 2; i++) {
		count_sample(&child[i], &g);
		sum = count_cg(&g);
		st_log("%s, held: backend figures %lu kB, memory.swap.current %lu kB",
		       fill[i], sum / 1024, g.cg_swap / 1024);
		if (sum + COUNT_SLACK < g.cg_swap || sum > g.cg_swap + COUNT_SLACK) {
			vst_release(&p[0]);
			vst_release(&p[1]);
			ST_FAIL_IF(1, "%s: memory.stat's backends hold %lu kB, memory.swap.current %lu kB",
				   fill[i], sum / 1024, g.cg_swap / 1024);
		}
	}
	/* a is removed with its pages out; they stay charged to it */
	snprintf(out, sizeof(out), "%d", p[0].pid);
	ST_CHECK(!st_cg_write(child[2].cg, "cgroup.procs", "%s", out));
	ST_FAIL_IF(rmdir(child[0].cg), "rmdir %s: %s", child[0].cg, strerror(errno));
	for (i = 0; i < 2; i++)
		status[i] = vst_release(&p[i]);
	for (i = 0; i < 2; i++)
		ST_FAIL_IF(status[i], "%s: memverify status %d: data lost, corrupted or OOM",
			   fill[i], status[i]);
	ST_FAIL_IF(count_wait_charged(env, base, &g),
		   "%u ms after both exited: memory.stat's backends %lu kB, memory.swap.current %lu kB, vswap/stat's %lu pages (%lu before)",
		   COUNT_WAIT_MS, count_cg(&g) / 1024, g.cg_swap / 1024, count_global(&g), base);
	/*
	 * Page cache charged to the removed cgroup holds it, and so do its
	 * last freed slots while they wait in a CPU's swap slots cache (as
	 * on stock), backends and all: drop the one, and push the other out
	 * with a zero-page workload in c, on each CPU in turn, until nothing
	 * holds it, b's figures are 0 and the test cgroup's are c's alone,
	 * or the rounds are over.
	 */
	ST_CHECK(!sched_getaffinity(0, sizeof(cpus), &cpus));
	ncpu = CPU_COUNT(&cpus);
	ST_CHECK(!st_cg_write(child[2].cg, "memory.max", "%uM", count_max_mib[0]));
	for (round = 0;; round++) {
		st_write("/proc/sys/vm/drop_caches", "3");
		for (i = 0; i < 20; i++) {
			ST_CHECK(!st_cg_key(env->cg, "cgroup.stat", "nr_dying_descendants",
					    &dying));
			if (!dying && count_drained(env, child, &g, &gc, &ge)) {
				st_log("the removed cgroup was freed and the figures drained after %d round(s) of swapping beside it",
				       round);
				return ST_PASS;
			}
			usleep(100 * 1000);
		}
		/* the last round's push is checked above, then the test fails */
		if (round == COUNT_ROUNDS + ncpu)
			break;
		count_log_held(env, &child[1], 2, round);
		cpu = count_spawn_on(&p[0], child[2].cg, vst_argv(&av, "memverify",
				     "-s %u -p 1 -f zero", COUNT_MIB), round);
		ST_FAIL_IF(cpu < 0, "cannot start memverify in %s on its own CPU: %s",
			   child[2].cg, strerror(-cpu));
		status[0] = vst_reap(&p[0]);
		ST_FAIL_IF(status[0], "zero, in c: memverify status %d", status[0]);
	}
	ST_FAIL_IF(dying, "the removed cgroup is still held after %d rounds of swapping beside it",
		   round);
	ST_FAIL_IF(1, "after %d rounds of swapping beside them, b's figures %lu kB, the test cgroup's %lu kB, c's %lu kB",
		   round, count_cg(&g) / 1024, count_cg(&ge) / 1024, count_cg(&gc) / 1024);
}

static struct st_test vswap_counters = {
	.name = "vswap_counters",
	.description = "backend counters of two cgroups swapping at once, one removed, end exact",
	.setup = counters_setup,
	.run = counters_run,
	.cleanup = vst_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(vswap_counters);

/* ---------------------------------------------------------------------
 * vswap_counters_hotplug
 */

#define HOTPLUG_TRIES	8	/* rounds until one offlines a CPU with sums */

static enum st_status hotplug_setup(void **ctx)
{
	if (vst_hotplug_cpu() < 0)
		return st_skip("no second CPU that can go offline");
	return vst_setup(ctx, "vswap_counters_hotplug", VST_ZSWAP, 0, 0, 0);
}

/*
 * A CPU passes its sums on itself, or has them passed on once it is dead.
 * Reclaim a few zero pages on one CPU, fewer than it sums before passing
 * them on, and take that CPU offline at once: the sums it held must reach
 * the counters, and the cgroup's four backend figures add up to
 * memory.swap.current again.  A round counts only if the figures lagged
 * just before the CPU went (its work item had not passed them on yet).
 */
static enum st_status hotplug_run(void *arg)
{
	struct vst_env *env = arg;
	struct vst_gauges g = {};
	cpu_set_t all;
	unsigned int waited = 0;
	int cpu = vst_hotplug_cpu(), round, status, lagged = 0;
	struct vst_argv av;
	struct vst_proc p;
	char path[64];
	bool matched;

	ST_CHECK(cpu > 0 && !sched_getaffinity(0, sizeof(all), &all));
	vst_cpu_online_path(path, sizeof(path), cpu);
	ST_FAIL_IF(vst_spawn(&p, env->cg, vst_argv(&av, "memverify", "-s %u -p 1 -f zero -H",
						  COUNT_SETTLE_MIB)),
		   "cannot start memverify in %s", env->cg);
	if (!vst_held(&p, "memverify: holding", 1)) {
		status = vst_release(&p);
		ST_FAIL_IF(1, "memverify did not reach its hold (%d)", status);
	}
	for (round = 0; round < HOTPLUG_TRIES && !lagged; round++) {
		ST_CHECK(!vst_pin_cpu(cpu));
		/* reclaim may fall short of the request: -EAGAIN, not an error */
		st_cg_write(env->cg, "memory.reclaim", "%uK", COUNT_SETTLE_KIB);
		ST_CHECK(!sched_setaffinity(0, sizeof(all), &all));
		count_sample(env, &g);
		lagged = count_cg(&g) != g.cg_swap;
		if (st_write(path, "0")) {
			vst_release(&p);
			ST_FAIL_IF(1, "cannot take CPU %d offline", cpu);
		}
		for (waited = 0;; waited += COUNT_POLL_MS) {
			count_sample(env, &g);
			matched = count_cg(&g) == g.cg_swap;
			if (matched || waited >= COUNT_SETTLE_MS)
				break;
			usleep(COUNT_POLL_MS * 1000);
		}
		if (st_write(path, "1")) {
			vst_release(&p);
			ST_FAIL_IF(1, "cannot bring CPU %d back online", cpu);
		}
		st_log("round %d: figures %s before CPU %d went offline; %lu kB against memory.swap.current %lu kB after %u ms",
		       round, lagged ? "lagged" : "matched", cpu, count_cg(&g) / 1024,
		       g.cg_swap / 1024, waited);
		if (!matched)
			break;
	}
	status = vst_release(&p);
	ST_FAIL_IF(!matched,
		   "CPU %d went offline holding sums: %u ms later the backend figures add up to %lu B, memory.swap.current %lu B",
		   cpu, waited, count_cg(&g), g.cg_swap);
	ST_FAIL_IF(status, "memverify status %d", status);
	if (!lagged)
		return st_skip("in %d rounds the CPU's work item always passed its sums on before the CPU went offline",
			       round);
	return ST_PASS;
}

static struct st_test vswap_counters_hotplug = {
	.name = "vswap_counters_hotplug",
	.description = "a CPU's pending backend counts reach the counters when it goes offline",
	.setup = hotplug_setup,
	.run = hotplug_run,
	.cleanup = vst_cleanup,
	.timeout = 120,
};
REGISTER_ST_TEST(vswap_counters_hotplug);
