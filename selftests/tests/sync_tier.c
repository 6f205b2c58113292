// SPDX-License-Identifier: GPL-2.0
/*
 * A tier of a SWP_SYNCHRONOUS_IO device (zram here) keeps stock's
 * swap-cache bypass: do_swap_page() reads a page with one reference into
 * a folio of its own, with no readahead and no swap cache.  Both tests run
 * on both kernels (make check STOCK=1), with zswap off and a 256 MiB zram
 * device as the first tier; every byte read back is verified.
 *
 * sync_tier_bypass: memverify pushes 64 MiB of random pages through a
 *                   32 MiB cgroup, two passes: pages come back from zram
 *                   (pswpin) with no readahead (swap_ra stays 0), as on
 *                   stock.  Without the bypass every swap-in went through
 *                   swapin_readahead() and swap_ra counted its pages.
 * sync_tier_mthp:   16 MiB of 64 KiB folios paged out whole and read back:
 *                   a folio comes back in one fault (at most one major
 *                   fault per 4 pages read) - unless zswap has had a
 *                   pool since boot, which it has with CONFIG_ZSWAP=y,
 *                   and 6.12 then swaps in single pages, on stock too.
 * sync_tier_swapoff: the zram tier swapped off (its pages go to a disk
 *                   tier behind it) and on again in a loop while
 *                   memverify reads its pages back through the bypass
 *                   (64 MiB through 32 MiB, four passes), and on
 *                   ours vswap disabled and enabled every third round: a
 *                   swapoff waits for the faults that own entries without
 *                   a swap cache folio.  Every byte verified.
 * sync_tier_hint_race: (ours) the hints "some tier is synchronous" and
 *                   "every tier is" are recomputed at a tier's first
 *                   page and at swapoff.  A swapoff of the disk tier
 *                   computes them with no tier left and, held by the
 *                   debug knob tiers_sync_delay_ms, publishes them while
 *                   zram, swapped on meanwhile, takes its first page: the
 *                   later update must win, or reads from zram go through
 *                   readahead until a tier's next first page or swapoff.
 * sync_tier_hint_reinsert: (ours) zram's swapoff is killed while it moves
 *                   zram's pages to the disk tier, whose first page
 *                   recomputed the hints without zram: the failed swapoff
 *                   puts zram back, and its pages must come back without
 *                   readahead again.
 * sync_tier_cgroup_id_race: (ours) a fault that bypasses the swap cache
 *                   charges its folio to the cgroup in the slot's
 *                   descriptor before it holds the slot.  Held there by
 *                   the debug knobs cgroup_id_delay_ms/_pid, it races an
 *                   MADV_DONTNEED of the whole region, which frees every
 *                   slot and retires their clusters and tables: the
 *                   lookup must find no table (cgroup_id_stale counts it)
 *                   or a table that is still memory, never warn or read
 *                   freed memory (KASAN on the debug kernel), and the
 *                   fault must read the page's bytes or zeroes.  zram is
 *                   sized so that the per-CPU slot caches are off (they
 *                   would keep slots, and so clusters, past the zap);
 *                   SKIP when no round saw a cluster go.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/swap.h>
#include <sys/wait.h>

#include "runner.h"
#include "lib/st.h"
#include "lib/vst.h"

#define ZRAM		"/dev/zram0"
#define ZRAM_SYS	"/sys/block/zram0"
#define ZRAM_KIB	(256 * 1024)	/* unless a test asks for another size */
#define THP_DIR		VST_THP_DIR

struct sync_ctx {
	struct vst_env env;	/* first: vst_cleanup() frees the context */
	struct vst_thp_knobs thp;	/* THP settings to put back */
	pid_t swapoff_pid;	/* a swapoff run in a child, 0: none */
};

/* Kill the test's swapoff child, if any, and reap it: its device is closed */
static void swapoff_child_stop(struct sync_ctx *ctx)
{
	if (ctx->swapoff_pid <= 0)
		return;
	kill(ctx->swapoff_pid, SIGKILL);
	waitpid(ctx->swapoff_pid, NULL, 0);
	ctx->swapoff_pid = 0;
}

static void sync_cleanup(void *arg)
{
	struct sync_ctx *ctx = arg;

	swapoff_child_stop(ctx);
	swapoff(ZRAM);
	st_write(ZRAM_SYS "/reset", "1");
	vst_thp_restore(&ctx->thp);
	vst_cleanup(ctx);
}

/*
 * zram of @zram_kib as the first tier (priority 20), zswap off, @nr_disks
 * disk tiers behind it, a cgroup with memory.max @max_mib
 */
static enum st_status sync_setup_zram(void **ctxp, const char *name, unsigned int max_mib,
				      bool thp, int nr_disks, unsigned int zram_kib)
{
	int flags = SWAP_FLAG_PREFER | ((20 << SWAP_FLAG_PRIO_SHIFT) & SWAP_FLAG_PRIO_MASK);
	struct sync_ctx *ctx;
	enum st_status st;

	if (access(ZRAM_SYS "/disksize", W_OK))
		return st_skip("kernel without zram (CONFIG_ZRAM)");
	if (thp && access(THP_DIR "/hugepages-64kB/enabled", F_OK))
		return st_skip("no 64 KiB mTHP size (hugepages-64kB)");
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return ST_FAIL;
	st = vst_env_setup(&ctx->env, name, VST_STOCK, nr_disks, max_mib, 0);
	if (st != ST_PASS) {
		free(ctx);
		return st;
	}
	*ctxp = ctx;
	st_write(ZRAM_SYS "/reset", "1");
	if (st_write(ZRAM_SYS "/disksize", "%uK", zram_kib) ||
	    st_cmd(NULL, 0, "mkswap -f " ZRAM " >/dev/null 2>&1") ||
	    swapon(ZRAM, flags)) {
		st_log("cannot swapon a %u KiB zram device: %s", zram_kib, strerror(errno));
		sync_cleanup(ctx);
		return ST_FAIL;
	}
	/* 64 KiB mTHP only, for MADV_HUGEPAGE regions */
	if (thp && (vst_thp_set(&ctx->thp, "enabled", "madvise") ||
		    vst_thp_set(&ctx->thp, "hugepages-64kB/enabled", "madvise") ||
		    vst_thp_set(&ctx->thp, "hugepages-2048kB/enabled", "never"))) {
		sync_cleanup(ctx);
		return ST_FAIL;
	}
	return ST_PASS;
}

static enum st_status sync_setup(void **ctxp, const char *name, unsigned int max_mib,
				 bool thp, int nr_disks)
{
	return sync_setup_zram(ctxp, name, max_mib, thp, nr_disks, ZRAM_KIB);
}

/* /proc/vmstat figures a swap-in moves */
enum { PSWPIN, PSWPOUT, SWAP_RA, SWAP_RA_HIT, PGMAJFAULT, NR_SYNC_STATS };
static const char *const sync_stats[NR_SYNC_STATS] = {
	"pswpin", "pswpout", "swap_ra", "swap_ra_hit", "pgmajfault",
};

static void stats_read(uint64_t *v)
{
	int i;

	for (i = 0; i < NR_SYNC_STATS; i++)
		v[i] = st_vmstat(sync_stats[i]);
}

static void stats_delta(uint64_t *d, const uint64_t *before)
{
	int i;

	stats_read(d);
	for (i = 0; i < NR_SYNC_STATS; i++)
		d[i] -= before[i];
	st_log("pswpin %lu pswpout %lu swap_ra %lu swap_ra_hit %lu pgmajfault %lu",
	       d[PSWPIN], d[PSWPOUT], d[SWAP_RA], d[SWAP_RA_HIT], d[PGMAJFAULT]);
}

/*
 * memverify pushes 64 MiB of random pages through the cgroup, two passes:
 * pages come back from zram with no readahead.  @why: what readahead
 * would mean.
 */
static enum st_status read_back_bypassed(struct sync_ctx *ctx, const char *why)
{
	uint64_t before[NR_SYNC_STATS], d[NR_SYNC_STATS];
	struct vst_result r;
	struct vst_argv av;
	struct vst_proc p;
	char mode[16] = "";

	/*
	 * vswap reads no readahead window around a virtual page when no tier
	 * is a disk: read them as stock does, so that a swap-in that did not
	 * bypass the swap cache shows in swap_ra (no file on stock)
	 */
	if (st_read(VSWAP_READAHEAD, mode, sizeof(mode)) > 0)
		ST_CHECK(!vst_try_write(VSWAP_READAHEAD, "all"));
	stats_read(before);
	vst_run_measured(&ctx->env, vst_argv(&av, "memverify", "-s 64 -p 2 -f random"), &r, &p);
	stats_delta(d, before);
	if (mode[0])
		ST_CHECK(!vst_try_write(VSWAP_READAHEAD, mode));
	ST_FAIL_IF(r.status != 0, "memverify failed (%d): data lost or corrupted", r.status);
	ST_FAIL_IF(!d[PSWPIN], "nothing was read back from zram");
	ST_FAIL_IF(d[SWAP_RA], "%lu pages read ahead: %s", d[SWAP_RA], why);
	return ST_PASS;
}

/* ---------------------------------------------------------------------
 * sync_tier_bypass
 */

static enum st_status bypass_setup(void **ctx)
{
	return sync_setup(ctx, "sync_tier_bypass", 32, false, 0);
}

static enum st_status bypass_run(void *arg)
{
	return read_back_bypassed(arg, "the swap cache was not bypassed");
}

static struct st_test sync_tier_bypass = {
	.name = "sync_tier_bypass",
	.description = "a zram tier: swap-ins skip the swap cache and readahead, as on stock",
	.setup = bypass_setup,
	.run = bypass_run,
	.cleanup = sync_cleanup,
	.timeout = 600,
};
REGISTER_ST_TEST(sync_tier_bypass);

/* ---------------------------------------------------------------------
 * sync_tier_mthp
 */

static enum st_status mthp_setup(void **ctx)
{
	return sync_setup(ctx, "sync_tier_mthp", 0, true, 0);
}

static enum st_status mthp_run(void *arg)
{
	struct sync_ctx *ctx = arg;
	uint64_t before[NR_SYNC_STATS], d[NR_SYNC_STATS], swpout0, swpout;
	struct vst_result r;
	struct vst_argv av;
	struct vst_proc p;

	swpout0 = 0;
	st_read_u64(THP_DIR "/hugepages-64kB/stats/swpout", &swpout0);
	stats_read(before);
	vst_run_measured(&ctx->env, vst_argv(&av, "vswapwork", "-m thp -s 16 -f random -p 2"),
			 &r, &p);
	stats_delta(d, before);
	swpout = swpout0;
	st_read_u64(THP_DIR "/hugepages-64kB/stats/swpout", &swpout);
	swpout -= swpout0;
	st_log("hugepages-64kB: swpout %lu", swpout);
	ST_FAIL_IF(r.status != 0, "vswapwork failed (%d): data lost or corrupted", r.status);
	ST_FAIL_IF(!swpout, "no 64 KiB folio swapped out whole");
	ST_FAIL_IF(!d[PSWPIN], "nothing was read back from zram");
	if (d[PGMAJFAULT] * 4 <= d[PSWPIN]) {
		st_log("64 KiB folios swapped in whole");
		return ST_PASS;
	}
	/*
	 * 6.12 swaps a large folio in only while zswap has never had a
	 * pool, and with CONFIG_ZSWAP=y it makes one at boot.
	 */
	ST_FAIL_IF(st_cmd(NULL, 0, "dmesg | grep -q 'zswap: loaded using pool'"),
		   "%lu major faults for %lu pages read, and zswap never had a pool: 64 KiB folios were not swapped in whole",
		   d[PGMAJFAULT], d[PSWPIN]);
	st_log("single pages swapped in: zswap has had a pool since boot, and 6.12 then swaps in no large folio");
	return ST_PASS;
}

static struct st_test sync_tier_mthp = {
	.name = "sync_tier_mthp",
	.description = "a zram tier: 64 KiB folios swapped out and in whole, as on stock",
	.setup = mthp_setup,
	.run = mthp_run,
	.cleanup = sync_cleanup,
	.timeout = 600,
};
REGISTER_ST_TEST(sync_tier_mthp);

/* ---------------------------------------------------------------------
 * sync_tier_swapoff
 */

static enum st_status swapoff_setup(void **ctx)
{
	return sync_setup(ctx, "sync_tier_swapoff", 32, false, 1);
}

/* One round: the tier off and on; with @toggle, vswap too (ours) */
static int swapoff_round(bool toggle, unsigned int *refused)
{
	int flags = SWAP_FLAG_PREFER | ((20 << SWAP_FLAG_PRIO_SHIFT) & SWAP_FLAG_PRIO_MASK);
	int err;

	if (swapoff(ZRAM)) {
		/* reclaim could not make room at memory.max: stock's ENOMEM */
		if (errno != ENOMEM && errno != EINTR)
			return -errno;
		(*refused)++;
	} else if (st_cmd(NULL, 0, "mkswap -f " ZRAM " >/dev/null 2>&1") ||
		   swapon(ZRAM, flags)) {
		return -EIO;
	}
	if (!toggle)
		return 0;
	err = vst_try_write(VSWAP_DIR "/enabled", "0");
	if (err && err != -ENOMEM && err != -EINTR && err != -EBUSY)
		return err;
	if (err)
		(*refused)++;
	return st_write(VSWAP_DIR "/enabled", "1") ? -EIO : 0;
}

static enum st_status swapoff_run(void *arg)
{
	struct sync_ctx *ctx = arg;
	bool ours = st_vswap_available();
	unsigned int rounds = 0, refused = 0;
	struct vst_argv av;
	struct vst_proc p;
	int err, status;

	ST_FAIL_IF(vst_spawn(&p, ctx->env.cg, vst_argv(&av, "memverify", "-s 64 -p 4 -f random")),
		   "cannot start memverify");
	while (!vst_exited(&p)) {
		err = swapoff_round(ours && rounds % 3 == 2, &refused);
		if (err) {
			kill(p.pid, SIGKILL);
			vst_reap(&p);
			ST_FAIL_IF(1, "round %u: %s", rounds, strerror(-err));
		}
		rounds++;
		vst_poll(&p, 300);
	}
	status = vst_reap(&p);
	st_log("%u rounds, %u refused (ENOMEM, EINTR or EBUSY, as stock's swapoff)",
	       rounds, refused);
	ST_FAIL_IF(status != 0, "memverify failed (%d): data lost or corrupted", status);
	ST_FAIL_IF(rounds < 3, "only %u rounds while the workload ran", rounds);
	ST_FAIL_IF(refused == rounds + rounds / 3, "every swapoff was refused");
	return ST_PASS;
}

static struct st_test sync_tier_swapoff = {
	.name = "sync_tier_swapoff",
	.description = "the zram tier (and vswap) off and on while pages come back through the bypass",
	.setup = swapoff_setup,
	.run = swapoff_run,
	.cleanup = sync_cleanup,
	.timeout = 900,
};
REGISTER_ST_TEST(sync_tier_swapoff);

/* ---------------------------------------------------------------------
 * sync_tier_hint_race
 */

#define TIERS_SYNC_DELAY	"/sys/kernel/debug/vswap/tiers_sync_delay_ms"
#define HINT_DELAY_MS		10000

static enum st_status hint_setup(void **ctx)
{
	if (!st_vswap_available())
		return st_skip("the tier hints are vswap's");
	if (access(TIERS_SYNC_DELAY, W_OK))
		return st_skip("no " TIERS_SYNC_DELAY " (CONFIG_DEBUG_FS)");
	return sync_setup(ctx, "sync_tier_hint_race", 32, false, 1);
}

static void hint_cleanup(void *arg)
{
	/* a delay once begun runs out: sync_cleanup() waits for the swapoff */
	st_write(TIERS_SYNC_DELAY, "0");
	sync_cleanup(arg);
}

static enum st_status hint_run(void *arg)
{
	int flags = SWAP_FLAG_PREFER | ((20 << SWAP_FLAG_PRIO_SHIFT) & SWAP_FLAG_PRIO_MASK);
	struct sync_ctx *ctx = arg;
	uint64_t base = 0, scanned;
	bool known, reclaimed, overlapped;
	struct vst_argv av;
	struct vst_proc p;
	double t0, began;
	char path[300];
	int status;

	/* the disk tier alone, then its swapoff held after it computed */
	ST_FAIL_IF(swapoff(ZRAM), "swapoff %s: %s", ZRAM, strerror(errno));
	ST_FAIL_IF(st_write(TIERS_SYNC_DELAY, "%u", HINT_DELAY_MS),
		   "cannot set %s", TIERS_SYNC_DELAY);
	t0 = st_now();
	ctx->swapoff_pid = fork();
	ST_FAIL_IF(ctx->swapoff_pid < 0, "fork: %s", strerror(errno));
	if (!ctx->swapoff_pid)
		_exit(swapoff(ctx->env.tier[0]) ? 1 : 0);
	sleep(2);
	/*
	 * zram on and its first page, while that swapoff sleeps (a page
	 * taken after it woke proves nothing, but fails nothing either)
	 */
	if (st_cmd(NULL, 0, "mkswap -f " ZRAM " >/dev/null 2>&1") || swapon(ZRAM, flags)) {
		st_log("swapon %s: %s", ZRAM, strerror(errno));
		return ST_FAIL;
	}
	if (waitpid(ctx->swapoff_pid, &status, WNOHANG) == ctx->swapoff_pid) {
		ctx->swapoff_pid = 0;
		st_log("the swapoff of %s ended before zram's swapon: no window", ctx->env.tier[0]);
		return ST_FAIL;
	}
	/*
	 * Does the cgroup begin to reclaim, and so to write its first page
	 * to zram, while the swapoff still sleeps?  (On the fixed kernel that
	 * page waits for the swapoff's hints, so zram's Used cannot tell.)
	 */
	snprintf(path, sizeof(path), "%s/memory.stat", ctx->env.cg);
	known = !st_read_key(path, "pgscan", &base);
	scanned = base;
	ST_FAIL_IF(vst_spawn(&p, ctx->env.cg, vst_argv(&av, "memverify", "-s 40 -p 1 -f random")),
		   "cannot start memverify");
	while (known && scanned == base && st_now() - t0 < HINT_DELAY_MS / 1000.0) {
		usleep(10000);
		known = !st_read_key(path, "pgscan", &scanned);
	}
	began = st_now() - t0;
	reclaimed = known && scanned > base;
	overlapped = reclaimed && began < HINT_DELAY_MS / 1000.0 - 1;
	if (reclaimed)
		st_log("reclaim began %.1f s into the swapoff's %u ms sleep", began, HINT_DELAY_MS);
	else
		st_log("reclaim did not begin during the swapoff's %u ms sleep", HINT_DELAY_MS);
	status = vst_reap(&p);
	ST_FAIL_IF(status != 0, "memverify failed (%d): data lost or corrupted", status);
	ST_FAIL_IF(waitpid(ctx->swapoff_pid, &status, 0) != ctx->swapoff_pid,
		   "waitpid: %s", strerror(errno));
	ctx->swapoff_pid = 0;
	ST_FAIL_IF(!WIFEXITED(status) || WEXITSTATUS(status), "swapoff %s failed",
		   ctx->env.tier[0]);
	st_write(TIERS_SYNC_DELAY, "0");

	/* zram is the only tier: its pages come back without the swap cache */
	if (read_back_bypassed(ctx, "a hint computed before zram's swapon was published after its first page") !=
	    ST_PASS)
		return ST_FAIL;
	if (!overlapped)
		return st_skip("zram's first page came after the swapoff published its hints "
			       "(a slow host): the race was not exercised");
	return ST_PASS;
}

static struct st_test sync_tier_hint_race = {
	.name = "sync_tier_hint_race",
	.description = "a swapoff's tier hints, computed before zram came, do not outlive zram's first page",
	.setup = hint_setup,
	.run = hint_run,
	.cleanup = hint_cleanup,
	.timeout = 600,
};
REGISTER_ST_TEST(sync_tier_hint_race);

/* ---------------------------------------------------------------------
 * sync_tier_hint_reinsert
 */

#define REINSERT_MIB		96

/* @dev's Used in /proc/swaps, kB; -1 when it is not swapped on */
static long long swaps_used_kb(const char *dev)
{
	uint64_t size, used;

	return vst_proc_swaps(dev, NULL, 0, &size, &used) == 1 ? (long long)used : -1;
}

static enum st_status reinsert_setup(void **ctx)
{
	if (!st_vswap_available())
		return st_skip("the tier hints are vswap's");
	return sync_setup(ctx, "sync_tier_hint_reinsert", 32, false, 1);
}

static enum st_status reinsert_run(void *arg)
{
	struct sync_ctx *ctx = arg;
	const char *disk = ctx->env.tier[0];
	uint64_t before[NR_SYNC_STATS], d[NR_SYNC_STATS];
	long long disk_kb = 0, zram_kb;
	struct vst_argv av;
	struct vst_proc p;
	int i, status;

	ST_FAIL_IF(vst_spawn(&p, ctx->env.cg, vst_argv(&av, "memverify", "-s %u -p 1 -f random -H",
						     REINSERT_MIB)),
		   "cannot start memverify");
	if (!vst_held(&p, "memverify: holding", 1)) {
		status = vst_release(&p);
		ST_FAIL_IF(1, "memverify did not reach its hold (%d)", status);
	}
	zram_kb = swaps_used_kb(ZRAM);
	st_log("held: %s %lld kB used", ZRAM, zram_kb);

	/* zram's swapoff moves its pages to the disk: kill it at the first */
	ctx->swapoff_pid = fork();
	if (ctx->swapoff_pid < 0) {
		vst_release(&p);
		ST_FAIL_IF(1, "fork: %s", strerror(errno));
	}
	if (!ctx->swapoff_pid)
		_exit(swapoff(ZRAM) ? 1 : 0);
	for (i = 0; i < 60000 && disk_kb <= 0; i++) {
		if (waitpid(ctx->swapoff_pid, &status, WNOHANG) == ctx->swapoff_pid) {
			ctx->swapoff_pid = 0;
			break;
		}
		disk_kb = swaps_used_kb(disk);
		usleep(1000);
	}
	swapoff_child_stop(ctx);
	disk_kb = swaps_used_kb(disk);
	zram_kb = swaps_used_kb(ZRAM);
	st_log("swapoff killed: %s %lld kB, %s %lld kB used", ZRAM, zram_kb, disk, disk_kb);
	if (zram_kb <= 0 || disk_kb <= 0) {
		vst_release(&p);
		ST_FAIL_IF(zram_kb < 0, "zram's swapoff ended before it could be killed");
		ST_FAIL_IF(1, "nothing moved to %s, or nothing left on zram", disk);
	}

	/* most pages are on zram, which is back: they come back synchronously */
	stats_read(before);
	status = vst_release(&p);
	stats_delta(d, before);
	ST_FAIL_IF(status != 0, "memverify failed (%d): data lost or corrupted", status);
	ST_FAIL_IF(!d[PSWPIN], "nothing was read back");
	/* a fault on the disk tier reads ahead at most 8 pages (page-cluster 3) */
	ST_FAIL_IF(d[SWAP_RA] > (uint64_t)disk_kb / 4 * 8 + 64,
		   "%lu pages read ahead for %lld kB on %s: zram's pages went through readahead after its swapoff failed",
		   d[SWAP_RA], disk_kb, disk);
	return ST_PASS;
}

static struct st_test sync_tier_hint_reinsert = {
	.name = "sync_tier_hint_reinsert",
	.description = "zram put back by a failed swapoff: its pages come back without readahead",
	.setup = reinsert_setup,
	.run = reinsert_run,
	.cleanup = sync_cleanup,
	.timeout = 600,
};
REGISTER_ST_TEST(sync_tier_hint_reinsert);

/* ---------------------------------------------------------------------
 * sync_tier_cgroup_id_race
 */

#define CGID_DELAY		"/sys/kernel/debug/vswap/cgroup_id_delay_ms"
#define CGID_PID		"/sys/kernel/debug/vswap/cgroup_id_delay_pid"
#define CGID_STALE		"/sys/kernel/debug/vswap/cgroup_id_stale"
#define CGID_MIB		32	/* the region, 16 clusters of slots */
#define CGID_ROUNDS		4
#define CGID_DELAY_MS		500	/* twice per lookup */

struct cgid_race {
	unsigned char *p;
	size_t len;
	volatile int go;	/* the fault is about to begin */
	int err;		/* madvise()'s errno, 0: none */
	double zap_s;		/* how long madvise() took */
};

static void *cgid_zap(void *arg)
{
	struct cgid_race *r = arg;

	while (!r->go)
		;
	/* let the fault reach its lookup and wait there */
	usleep(20 * 1000);
	r->zap_s = st_now();
	if (madvise(r->p, r->len, MADV_DONTNEED))
		r->err = errno;
	r->zap_s = st_now() - r->zap_s;
	return NULL;
}

/* Swap Anon of this process is at least @kb kB? */
static bool cgid_swapped(uint64_t kb)
{
	uint64_t swap = 0;

	return !st_read_key("/proc/self/smaps_rollup", "Swap:", &swap) && swap >= kb;
}

/*
 * In cgroup @cg: fill a region, reclaim it to zram, then fault a page of
 * its first quarter in while another thread drops the whole region.  Exit
 * status 0 when every byte read was the page's or zero, 2 when the region
 * would not swap out, 1 on a wrong byte or a failed call.
 */
static int cgid_child(const char *cg)
{
	size_t len = CGID_MIB * MiB, i, pg = VST_PAGE, mid = len / 4;
	struct cgid_race r = { .len = len };
	unsigned int round, tries;
	unsigned char want, got;
	uint64_t ra, cl0 = 0, cl1 = 0;
	pthread_t t;
	double t0;

	if (st_cg_write(cg, "cgroup.procs", "%d", getpid()))
		return 1;
	/* this thread's lookups wait, the zapping thread's do not */
	if (st_write(CGID_PID, "%d", (int)gettid()))
		return 1;
	for (round = 0; round < CGID_ROUNDS; round++) {
		r.p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (r.p == MAP_FAILED)
			return 1;
		madvise(r.p, len, MADV_NOHUGEPAGE);
		for (i = 0; i < len; i++)
			r.p[i] = (unsigned char)(i / pg * 7 + round) | 1;
		for (tries = 0; tries < 8 && !cgid_swapped(len / KiB * 3 / 4); tries++)
			st_cg_write(cg, "memory.reclaim", "%zu", len);
		if (!cgid_swapped(len / KiB * 3 / 4)) {
			st_log("round %u: the region did not swap out", round);
			return 2;
		}
		r.go = 0;
		r.err = 0;
		if (pthread_create(&t, NULL, cgid_zap, &r))
			return 1;
		st_vswap_stat("clusters_populated", &cl0);
		ra = st_vmstat("swap_ra");
		t0 = st_now();
		r.go = 1;
		got = *(volatile unsigned char *)(r.p + mid);
		t0 = st_now() - t0;
		ra = st_vmstat("swap_ra") - ra;
		pthread_join(t, NULL);
		want = (unsigned char)(mid / pg * 7 + round) | 1;
		st_vswap_stat("clusters_populated", &cl1);
		/* a fault that bypassed the swap cache does no readahead */
		st_log("round %u: MADV_DONTNEED %.0f ms, the fault %.0f ms read %#x, swap_ra %lu, clusters populated %lu -> %lu",
		       round, r.zap_s * 1000, t0 * 1000, got, ra, cl0, cl1);
		if (r.err) {
			st_log("round %u: madvise: %s", round, strerror(r.err));
			return 1;
		}
		if (got != want && got) {
			st_log("round %u: the fault read %#x, want %#x or 0", round, got, want);
			return 1;
		}
		for (i = 0; i < len; i++) {
			if (r.p[i]) {
				st_log("round %u: byte %zu is %#x after MADV_DONTNEED",
				       round, i, r.p[i]);
				return 1;
			}
		}
		munmap(r.p, len);
	}
	return 0;
}

/*
 * zram a little larger than the region: once the region is out, fewer
 * than 128 slots a CPU are free and the per-CPU slot caches drain and stay
 * off (swap_slots.c, check_cache_active()), so that the zap frees every
 * slot at once and the clusters it empties retire then
 */
#define CGID_ZRAM_KIB		(CGID_MIB * 1024 + 512)

static enum st_status cgid_setup(void **ctx)
{
	if (!st_vswap_available())
		return st_skip("the descriptor's cgroup id is vswap's");
	if (access(CGID_DELAY, W_OK))
		return st_skip("no " CGID_DELAY " (CONFIG_DEBUG_FS)");
	return sync_setup_zram(ctx, "sync_tier_cgroup_id_race", 64, false, 0, CGID_ZRAM_KIB);
}

static void cgid_cleanup(void *arg)
{
	st_write(CGID_DELAY, "0");
	st_write(CGID_PID, "0");
	sync_cleanup(arg);
}

static enum st_status cgid_run(void *arg)
{
	struct sync_ctx *ctx = arg;
	uint64_t stale0 = 0, stale1 = 0;
	int status;
	pid_t pid;

	ST_CHECK(!st_read_u64(CGID_STALE, &stale0));
	ST_FAIL_IF(st_write(CGID_DELAY, "%u", CGID_DELAY_MS), "cannot set %s", CGID_DELAY);
	fflush(stdout);
	pid = fork();
	ST_FAIL_IF(pid < 0, "fork: %s", strerror(errno));
	if (!pid)
		_exit(cgid_child(ctx->env.cg));
	ST_FAIL_IF(waitpid(pid, &status, 0) != pid, "waitpid: %s", strerror(errno));
	st_write(CGID_DELAY, "0");
	st_write(CGID_PID, "0");
	ST_CHECK(!st_read_u64(CGID_STALE, &stale1));
	st_log("%u rounds: %lu lookups found their cluster retired",
	       CGID_ROUNDS, stale1 - stale0);
	ST_FAIL_IF(!WIFEXITED(status) || WEXITSTATUS(status) == 1,
		   "the racing fault read a wrong byte, or a call failed (status %#x)", status);
	if (WEXITSTATUS(status) == 2)
		return st_skip("the region did not swap out to zram");
	if (stale1 == stale0)
		return st_skip("no lookup found its cluster retired (a slow host): "
			       "the race was not exercised");
	return ST_PASS;
}

static struct st_test sync_tier_cgroup_id_race = {
	.name = "sync_tier_cgroup_id_race",
	.description = "a bypassing fault's cgroup lookup survives its slot's cluster going",
	.setup = cgid_setup,
	.run = cgid_run,
	.cleanup = cgid_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(sync_tier_cgroup_id_race);
