// SPDX-License-Identifier: GPL-2.0
/*
 * Large folios leave memory whole, on stock 6.12 and on ours alike, and
 * on ours also where stock has to split them.  Both tests run on every
 * kernel (make check STOCK=1 too) with one non-rotational tier (6.12
 * allocates runs of swap slots for a large folio on those only) and zswap
 * off; the workload is vswapwork's thp mode, which pages its region out
 * with MADV_PAGEOUT and reads every byte back.
 *
 * large_whole:     each mTHP size from 16 KiB to 2 MiB in turn, the only
 *                  one enabled: 16 MiB of random pages in folios of that
 *                  size are allocated, and >= 90 % of them counted in
 *                  hugepages-<size>/stats/swpout (out whole), none in
 *                  swpout_fallback (split first).  Stock gives the same.
 * large_scattered: the tier's free slots scattered first (vswapwork frag:
 *                  single pages filling a 32 MiB tier, every other one
 *                  freed, held), then 8 MiB of 64 KiB folios paged out.
 *                  Stock finds no run of 16 free slots and splits
 *                  (>= 90 % swpout_fallback); ours writes each folio whole
 *                  to the scattered slots (>= 90 % swpout, no fallback,
 *                  vswap/stat folios_scattered counts them).  The held
 *                  pages verify too.
 * large_tier_swapoff: 64 KiB folios paged out and read back, 8 passes over
 *                  32 MiB, while the first of two tiers is swapped off
 *                  and on again in a loop: swapoff moves pages of large
 *                  folios still in the swap cache as well as single
 *                  pages read back (vswap only); every byte verified.
 */
#include <errno.h>
#include <signal.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/swap.h>
#include <sys/wait.h>

#include "runner.h"
#include "lib/st.h"
#include "lib/vst.h"

#define THP_DIR		VST_THP_DIR
#define LARGE_MIB	16	/* large_whole's region, per size */
#define FRAG_TIER_KIB	32768	/* large_scattered's tier */
#define FRAG_HOLD_MIB	40	/* more than fits: the tier ends up full */
#define FRAG_MTHP_MIB	8	/* 2048 pages, half the slots left */

static const char *const sizes[] = {
	"16kB", "32kB", "64kB", "128kB", "256kB", "512kB", "1024kB", "2048kB",
};
#define NR_SIZES	(sizeof(sizes) / sizeof(sizes[0]))

struct large_ctx {
	struct vst_env env;	/* first: vst_cleanup() frees the context */
	struct vst_thp_knobs thp;	/* THP settings to put back */
	int rot_saved;		/* large_scattered's disk, or -1 */
	const char *disk;
};

static bool size_present(const char *size)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), THP_DIR "/hugepages-%s/stats/swpout", size);
	return !access(path, F_OK);
}

struct size_delta {
	uint64_t alloc, swpout, fallback;
};

static void size_begin(const char *size, struct size_delta *d)
{
	d->alloc = vst_thp_stat(size, "anon_fault_alloc");
	d->swpout = vst_thp_stat(size, "swpout");
	d->fallback = vst_thp_stat(size, "swpout_fallback");
}

static void size_end(const char *size, struct size_delta *d)
{
	d->alloc = vst_thp_stat(size, "anon_fault_alloc") - d->alloc;
	d->swpout = vst_thp_stat(size, "swpout") - d->swpout;
	d->fallback = vst_thp_stat(size, "swpout_fallback") - d->fallback;
}

static void large_cleanup(void *arg)
{
	struct large_ctx *ctx = arg;

	vst_thp_restore(&ctx->thp);
	if (ctx->rot_saved >= 0) {
		st_swapoff_all();
		st_set_rotational(ctx->disk, ctx->rot_saved);
	}
	vst_cleanup(ctx);
}

/* vst_env_setup() with @flags and @nr_tiers, THP for MADV_HUGEPAGE only */
static enum st_status large_setup(void **ctxp, const char *name,
				  unsigned int flags, int nr_tiers)
{
	struct large_ctx *ctx;
	enum st_status st;

	if (access(THP_DIR "/enabled", F_OK))
		return st_skip("kernel without transparent hugepages");
	if (!size_present("64kB") || !size_present("2048kB"))
		return st_skip("no per-size mTHP statistics (hugepages-64kB/stats)");
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return ST_FAIL;
	ctx->rot_saved = -1;
	st = vst_env_setup(&ctx->env, name, flags | VST_STOCK, nr_tiers, 0, 0);
	if (st != ST_PASS) {
		free(ctx);
		return st;
	}
	*ctxp = ctx;
	if (vst_thp_set(&ctx->thp, "enabled", "madvise") ||
	    vst_thp_set(&ctx->thp, "defrag", "madvise")) {
		large_cleanup(ctx);
		return ST_FAIL;
	}
	return ST_PASS;
}

/* ---------------------------------------------------------------------
 * large_whole
 */

static enum st_status whole_setup(void **ctx)
{
	return large_setup(ctx, "large_whole", VST_SSD, 1);
}

static enum st_status whole_run(void *arg)
{
	struct large_ctx *ctx = arg;
	struct size_delta d;
	struct vst_argv av;
	struct vst_proc p;
	struct vst_result r;
	unsigned int i, tried = 0;

	for (i = 0; i < NR_SIZES; i++) {
		if (!size_present(sizes[i])) {
			st_log("hugepages-%s: not on this kernel", sizes[i]);
			continue;
		}
		ST_CHECK(!vst_thp_only(&ctx->thp, sizes[i]));
		size_begin(sizes[i], &d);
		vst_run_measured(&ctx->env, vst_argv(&av, "vswapwork", "-m thp -s %u -f random -p 1",
						     LARGE_MIB), &r, &p);
		size_end(sizes[i], &d);
		st_log("hugepages-%s: anon_fault_alloc %lu swpout %lu swpout_fallback %lu",
		       sizes[i], d.alloc, d.swpout, d.fallback);
		ST_FAIL_IF(r.status != 0, "%s: vswapwork failed (%d): data lost or corrupted",
			   sizes[i], r.status);
		ST_FAIL_IF(!d.alloc, "no %s folio was allocated: nothing to swap out", sizes[i]);
		ST_FAIL_IF(d.fallback, "%lu %s folios split to swap out", d.fallback, sizes[i]);
		ST_FAIL_IF(d.swpout * 10 < d.alloc * 9,
			   "%lu of %lu %s folios swapped out whole, want >= 90 %%",
			   d.swpout, d.alloc, sizes[i]);
		tried++;
	}
	ST_FAIL_IF(tried < 2, "%u mTHP sizes tried", tried);
	return ST_PASS;
}

static struct st_test large_whole = {
	.name = "large_whole",
	.description = "mTHP 16 KiB-2 MiB swapped out whole to a tier, every byte verified",
	.setup = whole_setup,
	.run = whole_run,
	.cleanup = large_cleanup,
	.timeout = 900,
};
REGISTER_ST_TEST(large_whole);

/* ---------------------------------------------------------------------
 * large_scattered
 */

static enum st_status scattered_setup(void **ctxp)
{
	struct large_ctx *ctx;
	enum st_status st;
	const char *disk = st_disk(0);
	int flags;

	if (!disk)
		return st_skip("needs a virtio disk (run with DISKS>=1)");
	st = large_setup(ctxp, "large_scattered", 0, 0);
	if (st != ST_PASS)
		return st;
	ctx = *ctxp;
	ctx->disk = disk;
	ctx->rot_saved = st_rotational(disk);
	flags = SWAP_FLAG_PREFER | ((10 << SWAP_FLAG_PRIO_SHIFT) & SWAP_FLAG_PRIO_MASK);
	if (ctx->rot_saved < 0 || st_set_rotational(disk, 0) ||
	    st_cmd(NULL, 0, "mkswap -f %s %u >/dev/null 2>&1", disk, FRAG_TIER_KIB) ||
	    swapon(disk, flags) || vst_thp_only(&ctx->thp, "64kB")) {
		st_log("cannot set up a %u KiB non-rotational tier on %s: %s",
		       FRAG_TIER_KIB, disk, strerror(errno));
		large_cleanup(ctx);
		return ST_FAIL;
	}
	return ST_PASS;
}

static enum st_status scattered_run(void *arg)
{
	struct large_ctx *ctx = arg;
	bool ours = st_vswap_available() && st_vswap_enabled();
	uint64_t scat0 = ours ? vst_stat("folios_scattered") : 0, scat = 0;
	struct vst_proc hold, p;
	struct size_delta d;
	struct vst_result r;
	struct vst_argv av;
	int status;

	ST_FAIL_IF(vst_spawn(&hold, ctx->env.cg,
			     vst_argv(&av, "vswapwork", "-m frag -s %u -f random", FRAG_HOLD_MIB)),
		   "cannot start the holder");
	if (!vst_held(&hold, "vswapwork: holding", 1)) {
		vst_release(&hold);
		ST_FAIL_IF(1, "the holder did not reach its hold: %s", hold.out);
	}
	st_log("holder: %s", hold.out);

	size_begin("64kB", &d);
	vst_run_measured(&ctx->env, vst_argv(&av, "vswapwork", "-m thp -s %u -f random -p 1",
					     FRAG_MTHP_MIB), &r, &p);
	size_end("64kB", &d);
	if (ours)
		scat = vst_stat("folios_scattered") - scat0;
	status = vst_release(&hold);
	st_log("hugepages-64kB: anon_fault_alloc %lu swpout %lu swpout_fallback %lu; vswap folios_scattered %lu",
	       d.alloc, d.swpout, d.fallback, scat);

	ST_FAIL_IF(status != 0, "the holder failed (%d): data lost or corrupted", status);
	ST_FAIL_IF(r.status != 0, "vswapwork failed (%d): data lost or corrupted", r.status);
	ST_FAIL_IF(!d.alloc, "no 64 KiB folio was allocated: nothing to swap out");
	if (!ours) {
		/* stock: no run of 16 free slots, so every folio is split */
		ST_FAIL_IF(d.fallback * 10 < d.alloc * 9,
			   "stock split %lu of %lu folios, want >= 90 %%: the tier's free slots were not scattered",
			   d.fallback, d.alloc);
		return ST_PASS;
	}
	ST_FAIL_IF(d.fallback, "%lu 64 KiB folios split to swap out", d.fallback);
	ST_FAIL_IF(d.swpout * 10 < d.alloc * 9,
		   "%lu of %lu 64 KiB folios swapped out whole, want >= 90 %%", d.swpout, d.alloc);
	ST_FAIL_IF(scat * 10 < d.swpout * 9,
		   "%lu of %lu folios written to scattered slots, want >= 90 %%: the tier's free slots were not scattered",
		   scat, d.swpout);
	return ST_PASS;
}

static struct st_test large_scattered = {
	.name = "large_scattered",
	.description = "64 KiB mTHP to a tier with scattered free slots: whole on ours, split on stock",
	.setup = scattered_setup,
	.run = scattered_run,
	.cleanup = large_cleanup,
	.timeout = 600,
};
REGISTER_ST_TEST(large_scattered);

/* ---------------------------------------------------------------------
 * large_tier_swapoff
 */

static enum st_status tier_swapoff_setup(void **ctxp)
{
	struct large_ctx *ctx;
	enum st_status st;

	if (!st_vswap_available())
		return st_skip("kernel without vswap: a tier swapoff is stock's swapoff");
	st = large_setup(ctxp, "large_tier_swapoff", VST_SSD, 2);
	if (st != ST_PASS)
		return st;
	ctx = *ctxp;
	if (vst_thp_only(&ctx->thp, "64kB")) {
		large_cleanup(ctx);
		return ST_FAIL;
	}
	return ST_PASS;
}

static enum st_status tier_swapoff_run(void *arg)
{
	struct large_ctx *ctx = arg;
	const char *tier = ctx->env.tier[0];
	unsigned int cycles = 0, busy = 0;
	struct size_delta d;
	struct vst_argv av;
	struct vst_proc p;
	int status;

	size_begin("64kB", &d);
	ST_FAIL_IF(vst_spawn(&p, ctx->env.cg,
			     vst_argv(&av, "vswapwork", "-m thp -s 32 -f random -p 8")),
		   "cannot start vswapwork");
	while (!vst_exited(&p)) {
		if (swapoff(tier)) {
			/* memory for the pages, or a signal: stock's answers */
			if (errno != ENOMEM && errno != EINTR) {
				kill(p.pid, SIGKILL);
				vst_reap(&p);
				ST_FAIL_IF(1, "swapoff %s: %s", tier, strerror(errno));
			}
			busy++;
		} else if (st_swapon(tier, 10)) {
			kill(p.pid, SIGKILL);
			vst_reap(&p);
			ST_FAIL_IF(1, "swapon %s again failed", tier);
		} else {
			cycles++;
		}
		vst_poll(&p, 200);
	}
	status = vst_reap(&p);
	size_end("64kB", &d);
	st_log("%u swapoff/swapon cycles of %s (%u refused); hugepages-64kB: anon_fault_alloc %lu swpout %lu swpout_fallback %lu",
	       cycles, tier, busy, d.alloc, d.swpout, d.fallback);
	ST_FAIL_IF(status != 0, "vswapwork failed (%d): data lost or corrupted", status);
	ST_FAIL_IF(cycles < 3, "only %u swapoff cycles while the workload ran", cycles);
	ST_FAIL_IF(!d.swpout, "no 64 KiB folio swapped out whole");
	return ST_PASS;
}

static struct st_test large_tier_swapoff = {
	.name = "large_tier_swapoff",
	.description = "a tier swapped off and on while 64 KiB folios swap whole: every byte verified",
	.setup = tier_swapoff_setup,
	.run = tier_swapoff_run,
	.cleanup = large_cleanup,
	.timeout = 900,
};
REGISTER_ST_TEST(large_tier_swapoff);
