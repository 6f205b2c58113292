// SPDX-License-Identifier: GPL-2.0
/*
 * vswap under MADV_PAGEOUT: pages pushed out on purpose rather than by
 * pressure, in the shapes memverify does not cover, with the vswapwork
 * workload (workloads/vswapwork.c), which verifies every byte it reads
 * back and prints how many pages mincore() saw out of memory after each
 * page out.  The backends are zswap and one tier when the VM has a disk
 * (mixed pages: zero, zswap and tier all in use), zswap alone otherwise
 * (compressible pages).  Every test skips on a kernel without
 * /sys/kernel/mm/vswap.
 *
 * vswap_fork_cow:     32 MiB paged out, then fork: parent and child read
 *                     every page from the shared swap entries, each
 *                     rewrites half (copy on write), pages out again
 *                     (>= 90% out each time) and verifies its own view.
 *                     The reads came from the backends (swap-ins >= the
 *                     pages that were out).
 * vswap_shmem:        a 32 MiB memfd paged out three times (>= 90% out);
 *                     memory.stat shmem drops by >= 90% of it and
 *                     memory.swap.current holds it; read back through the
 *                     mapping and with pread(); a hole punched over the
 *                     swapped second half reads as zeros and releases its
 *                     slots (nothing held once the workload exited).
 * vswap_mthp:         64 KiB mTHP (hugepages-64kB=madvise, PMD THP off):
 *                     large folios are allocated, paged out and verify.
 *                     With a tier they leave memory whole (swpout grows,
 *                     swpout_fallback does not); with zswap alone they
 *                     are split (zswap in 6.12 stores single pages) and
 *                     >= 90% of the pages not zero-filled leave memory
 *                     (6.12's split maps zero-filled ones to the shared
 *                     zero page).
 * vswap_thp:          the same with PMD-sized THP (enabled=madvise).
 * vswap_cgroup_rmdir: a process pages out 32 MiB in cgroup A, moves
 *                     itself to cgroup B and removes A while its pages
 *                     are out, then reads them all back intact, and pages
 *                     out and verifies again charged to B.  (cgroup v2
 *                     keeps processes out of a parent with controllers
 *                     enabled for its children, so B is A's sibling.)
 * vswap_swap_max:     memory.swap.max=8M: MADV_PAGEOUT of 16 MiB
 *                     through zswap puts between 4 and 8 MiB out of
 *                     memory and counts swap.events max; then 34 MiB
 *                     through memory.max=32M and a tier (zswap off) fit,
 *                     verify, and memory.swap.current never passes 8M
 *                     (sampled, and memory.swap.peak).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runner.h"
#include "lib/st.h"
#include "lib/vst.h"

#define PO_MIB		32	/* paged-out region */
#define THP_DIR		VST_THP_DIR

struct po_ctx {
	struct vst_env env;	/* first: vst_cleanup() frees the context */
	const char *fill;
	char dest[256];		/* vswap_cgroup_rmdir's cgroup B */
	struct vst_thp_knobs thp;	/* THP settings to put back */
};

static enum st_status po_setup(void **ctxp, const char *name)
{
	bool zswap = st_zswap_available(), disk = st_disk(0) != NULL;
	struct po_ctx *ctx;
	enum st_status st;

	if (!st_vswap_available())
		return st_skip("kernel without vswap");
	if (!zswap && !disk)
		return st_skip("needs zswap or a virtio disk");
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return ST_FAIL;
	st = vst_env_setup(&ctx->env, name, zswap ? VST_ZSWAP : 0, disk ? 1 : 0, 0, 0);
	if (st != ST_PASS) {
		free(ctx);
		return st;
	}
	ctx->fill = disk ? "mixed" : "compressible";
	*ctxp = ctx;
	return ST_PASS;
}

static void po_cleanup(void *arg)
{
	struct po_ctx *ctx = arg;

	vst_thp_restore(&ctx->thp);
	vst_cleanup(ctx);
}

/* @key= of the workload's output is >= 90% of its @total= */
static enum st_status check_out(const struct vst_proc *p, const char *key,
				const char *total, uint64_t *outp)
{
	uint64_t out, pages;

	ST_FAIL_IF(!vst_out_u64(p, key, &out), "the workload printed no %s=", key);
	ST_FAIL_IF(!vst_out_u64(p, total, &pages), "the workload printed no %s=", total);
	ST_FAIL_IF(out * 10 < pages * 9, "%s: %lu of %lu pages out of memory, want >= 90%%",
		   key, out, pages);
	if (outp)
		*outp = out;
	return ST_PASS;
}

#define CHECK_OUT(p, key, outp)						\
	do {								\
		if (check_out(p, key, "pages", outp) != ST_PASS)	\
			return ST_FAIL;					\
	} while (0)

static uint64_t swapins(const struct vst_events *d)
{
	return d->v[VST_SWPIN_ZERO] + d->v[VST_ZSWPIN] + d->v[VST_PSWPIN];
}

/* ---------------------------------------------------------------------
 * vswap_fork_cow
 */

static enum st_status fork_cow_setup(void **ctx)
{
	return po_setup(ctx, "vswap_fork_cow");
}

static enum st_status fork_cow_run(void *arg)
{
	struct po_ctx *ctx = arg;
	struct vst_result r;
	struct vst_proc p;
	struct vst_argv av;
	uint64_t out1;

	vst_run_measured(&ctx->env, vst_argv(&av, "vswapwork", "-m fork -s %u -f %s",
					     PO_MIB, ctx->fill), &r, &p);

	ST_FAIL_IF(r.status != 0, "vswapwork failed (%d): data lost or corrupted", r.status);
	CHECK_OUT(&p, "out1", &out1);
	CHECK_OUT(&p, "parent_out2", NULL);
	CHECK_OUT(&p, "child_out2", NULL);
	ST_FAIL_IF(swapins(&r.d) < out1, "%lu swap-ins for %lu pages out before the fork",
		   swapins(&r.d), out1);
	ST_FAIL_IF(r.leftover > VST_LINGER_PAGES,
		   "%lu pages still held after the workload exited", r.leftover);
	return ST_PASS;
}

static struct st_test vswap_fork_cow = {
	.name = "vswap_fork_cow",
	.description = "swapped pages shared by fork, copied on write, paged out again, verified by both",
	.setup = fork_cow_setup,
	.run = fork_cow_run,
	.cleanup = po_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(vswap_fork_cow);

/* ---------------------------------------------------------------------
 * vswap_shmem
 */

static enum st_status shmem_setup(void **ctx)
{
	return po_setup(ctx, "vswap_shmem");
}

static enum st_status shmem_run(void *arg)
{
	struct po_ctx *ctx = arg;
	uint64_t before = 0, after = 0, size = PO_MIB * MiB;
	struct vst_result r;
	struct vst_proc p;
	struct vst_argv av;

	vst_run_measured(&ctx->env, vst_argv(&av, "vswapwork", "-m shmem -s %u -f %s",
					     PO_MIB, ctx->fill), &r, &p);

	ST_FAIL_IF(r.status != 0, "vswapwork failed (%d): data lost or corrupted", r.status);
	CHECK_OUT(&p, "out1", NULL);
	CHECK_OUT(&p, "out2", NULL);
	CHECK_OUT(&p, "out3", NULL);
	ST_FAIL_IF(!vst_out_u64(&p, "shmem_before", &before) ||
		   !vst_out_u64(&p, "shmem_after", &after),
		   "the workload printed no shmem figures");
	ST_FAIL_IF(before < size * 9 / 10, "memory.stat shmem %lu before page out, want >= %lu",
		   before, size * 9 / 10);
	ST_FAIL_IF(after > before || before - after < size * 9 / 10,
		   "memory.stat shmem went from %lu to %lu: not swapped", before, after);
	ST_FAIL_IF(r.peak.cg_swap < size / 2, "memory.swap.current peaked at %lu, want >= %lu",
		   r.peak.cg_swap, size / 2);
	ST_FAIL_IF(r.leftover > VST_LINGER_PAGES,
		   "%lu pages still held after the memfd was closed", r.leftover);
	return ST_PASS;
}

static struct st_test vswap_shmem = {
	.name = "vswap_shmem",
	.description = "memfd pages paged out, read back by mapping and pread, punched while swapped",
	.setup = shmem_setup,
	.run = shmem_run,
	.cleanup = po_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(vswap_shmem);

/* ---------------------------------------------------------------------
 * vswap_mthp, vswap_thp
 */

static enum st_status large_setup(void **ctxp, const char *name, bool pmd)
{
	struct po_ctx *ctx;
	enum st_status st;

	if (!st_vswap_available())
		return st_skip("kernel without vswap");
	if (access(THP_DIR "/enabled", F_OK))
		return st_skip("kernel without transparent hugepages");
	if (access(THP_DIR "/hugepages-2048kB/stats", F_OK))
		return st_skip("no per-size THP statistics (hugepages-2048kB/stats)");
	if (!pmd && access(THP_DIR "/hugepages-64kB/enabled", F_OK))
		return st_skip("no 64 KiB mTHP size (hugepages-64kB)");
	st = po_setup(ctxp, name);
	if (st != ST_PASS)
		return st;
	ctx = *ctxp;
	if (vst_thp_set(&ctx->thp, "enabled", "madvise") ||
	    vst_thp_set(&ctx->thp, "defrag", "madvise") ||
	    vst_thp_set(&ctx->thp, "hugepages-2048kB/enabled", pmd ? "madvise" : "never") ||
	    (!access(THP_DIR "/hugepages-64kB/enabled", F_OK) &&
	     vst_thp_set(&ctx->thp, "hugepages-64kB/enabled", pmd ? "never" : "madvise"))) {
		po_cleanup(ctx);
		return ST_FAIL;
	}
	return ST_PASS;
}

static enum st_status large_run(struct po_ctx *ctx, const char *size)
{
	uint64_t alloc0, swpout0, fb0, split0, alloc, swpout, fb, split, kib = 0;
	struct vst_result r;
	struct vst_proc p;
	struct vst_argv av;

	alloc0 = vst_thp_stat(size, "anon_fault_alloc");
	swpout0 = vst_thp_stat(size, "swpout");
	fb0 = vst_thp_stat(size, "swpout_fallback");
	split0 = vst_thp_stat(size, "split");
	vst_run_measured(&ctx->env, vst_argv(&av, "vswapwork", "-m thp -s %u -f %s -p 2",
					     PO_MIB, ctx->fill), &r, &p);
	alloc = vst_thp_stat(size, "anon_fault_alloc") - alloc0;
	swpout = vst_thp_stat(size, "swpout") - swpout0;
	fb = vst_thp_stat(size, "swpout_fallback") - fb0;
	split = vst_thp_stat(size, "split") - split0;
	vst_out_u64(&p, "thp_kib", &kib);
	st_log("hugepages-%s: anon_fault_alloc %lu swpout %lu swpout_fallback %lu split %lu; AnonHugePages %lu KiB; thp_swpout %lu thp_swpout_fallback %lu",
	       size, alloc, swpout, fb, split, kib, r.d.v[VST_THP_SWPOUT],
	       r.d.v[VST_THP_FALLBACK]);

	ST_FAIL_IF(r.status != 0, "vswapwork failed (%d): data lost or corrupted", r.status);
	ST_FAIL_IF(!alloc, "no %s folio was allocated: nothing to swap out", size);
	/* Zero-filled pages of a split folio map the shared zero page */
	if (check_out(&p, "out1_nz", "nonzero_pages", NULL) != ST_PASS ||
	    check_out(&p, "out2_nz", "nonzero_pages", NULL) != ST_PASS)
		return ST_FAIL;
	if (ctx->env.nr_tiers) {
		ST_FAIL_IF(fb, "%lu %s folios split to swap out, with a tier", fb, size);
		ST_FAIL_IF(!swpout, "no %s folio swapped out whole, with a tier", size);
	} else {
		ST_FAIL_IF(!fb, "%s folios left memory without a split, with zswap alone",
			   size);
		ST_FAIL_IF(swpout, "%lu %s folios swapped out whole with zswap alone",
			   swpout, size);
	}
	ST_FAIL_IF(r.leftover > VST_LINGER_PAGES,
		   "%lu pages still held after the workload exited", r.leftover);
	return ST_PASS;
}

static enum st_status mthp_setup(void **ctx)
{
	return large_setup(ctx, "vswap_mthp", false);
}

static enum st_status mthp_run(void *arg)
{
	return large_run(arg, "64kB");
}

static enum st_status thp_setup(void **ctx)
{
	return large_setup(ctx, "vswap_thp", true);
}

static enum st_status thp_run(void *arg)
{
	return large_run(arg, "2048kB");
}

static struct st_test vswap_mthp = {
	.name = "vswap_mthp",
	.description = "64 KiB mTHP folios swapped out, whole to a tier, every byte verified",
	.setup = mthp_setup,
	.run = mthp_run,
	.cleanup = po_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(vswap_mthp);

static struct st_test vswap_thp = {
	.name = "vswap_thp",
	.description = "PMD THP folios swapped out, whole to a tier, every byte verified",
	.setup = thp_setup,
	.run = thp_run,
	.cleanup = po_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(vswap_thp);

/* ---------------------------------------------------------------------
 * vswap_cgroup_rmdir
 */

static enum st_status rmdir_setup(void **ctxp)
{
	struct po_ctx *ctx;
	enum st_status st;

	st = po_setup(ctxp, "vswap_rmdir_a");
	if (st != ST_PASS)
		return st;
	ctx = *ctxp;
	if (st_cg_create("vswap_rmdir_b", ctx->dest, sizeof(ctx->dest))) {
		po_cleanup(ctx);
		return ST_FAIL;
	}
	return ST_PASS;
}

static enum st_status rmdir_run(void *arg)
{
	struct po_ctx *ctx = arg;
	struct vst_env *env = &ctx->env;
	struct vst_events e0, e1, d;
	struct vst_gauges peak, g;
	char a[sizeof(env->cg)];
	struct vst_proc p;
	struct vst_argv av;
	uint64_t out1, removed = 0;
	int status, left;

	snprintf(a, sizeof(a), "%s", env->cg);
	vst_events_read(&e0);
	status = vst_run(env, vst_argv(&av, "vswapwork", "-m rmdir -s %u -f %s -d %s",
				       PO_MIB, ctx->fill, ctx->dest), &peak, &p);
	/* What is left is charged to B, or to A's remains */
	snprintf(env->cg, sizeof(env->cg), "%s", ctx->dest);
	left = vst_wait_released(env, 5000, &g);
	vst_events_read(&e1);
	vst_events_sub(&d, &e1, &e0);
	vst_events_log("events", &d);
	vst_gauges_log("peak", &peak);
	vst_gauges_log("after (cgroup B)", &g);

	ST_FAIL_IF(status != 0, "vswapwork failed (%d): data lost or corrupted", status);
	ST_FAIL_IF(!vst_out_u64(&p, "rmdir", &removed) || removed != 1,
		   "the workload did not remove its cgroup");
	ST_FAIL_IF(!access(a, F_OK), "%s still exists", a);
	CHECK_OUT(&p, "out1", &out1);
	CHECK_OUT(&p, "out2", NULL);
	ST_FAIL_IF(swapins(&d) < out1, "%lu swap-ins for %lu pages out before the rmdir",
		   swapins(&d), out1);
	ST_FAIL_IF(left && vst_leftover(env, &g) > VST_LINGER_PAGES,
		   "%lu pages still held after the workload exited",
		   vst_leftover(env, &g));
	return ST_PASS;
}

static struct st_test vswap_cgroup_rmdir = {
	.name = "vswap_cgroup_rmdir",
	.description = "a cgroup removed while its pages are swapped: the process reads them back intact",
	.setup = rmdir_setup,
	.run = rmdir_run,
	.cleanup = po_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(vswap_cgroup_rmdir);

/* ---------------------------------------------------------------------
 * vswap_swap_max
 */

#define SWAP_MAX	(8 * MiB)
#define SM_PAGEOUT_MIB	16	/* paged out, twice memory.swap.max */
#define SM_WORK_MIB	34	/* under pressure: fits in 32M + 8M */
#define SM_LIMIT_MIB	32
#define SM_HIGH_MIB	30

static enum st_status swap_max_setup(void **ctxp)
{
	enum st_status st;
	struct vst_env *env;

	/* zswap's pool is charged to memory: only the tier, to stay in 40M */
	st = vst_setup(ctxp, "vswap_swap_max", 0, 1, SM_LIMIT_MIB, SM_HIGH_MIB);
	if (st != ST_PASS)
		return st;
	env = *ctxp;
	if (st_cg_write(env->cg, "memory.swap.max", "%llu", SWAP_MAX)) {
		vst_cleanup(env);
		return ST_FAIL;
	}
	return ST_PASS;
}

static enum st_status swap_max_run(void *arg)
{
	struct vst_env *env = arg, po = *env;
	uint64_t out1, max_ev = 0, peak_b = 0;
	bool zswap = st_zswap_available();
	struct vst_result r;
	struct vst_proc p;
	struct vst_argv av;

	/*
	 * MADV_PAGEOUT of twice swap.max, no memory limit.  Through zswap,
	 * which frees pages at once: a page written to the tier stays in the
	 * swap cache until reclaim comes back, and reclaim leaves a cgroup's
	 * anon pages alone once its swap is full.
	 */
	ST_CHECK(!st_cg_create("vswap_swap_max_po", po.cg, sizeof(po.cg)));
	ST_CHECK(!st_cg_write(po.cg, "memory.swap.max", "%llu", SWAP_MAX));
	if (zswap)
		ST_CHECK(!st_zswap_set("enabled", "Y") && !st_zswap_set("compressor", "lzo"));
	vst_run_measured(&po, vst_argv(&av, "vswapwork", "-m anon -s %u -f %s -p 1",
				       SM_PAGEOUT_MIB, zswap ? "compressible" : "random"),
			 &r, &p);
	if (zswap)
		ST_CHECK(!st_zswap_set("enabled", "N"));
	ST_CHECK(!st_cg_key(po.cg, "memory.swap.events", "max", &max_ev));
	ST_CHECK(!st_cg_u64(po.cg, "memory.swap.peak", &peak_b));
	st_log("page out: swap.events max %lu, swap.peak %lu", max_ev, peak_b);
	ST_FAIL_IF(r.status != 0, "vswapwork failed (%d): data lost or corrupted", r.status);
	ST_FAIL_IF(!vst_out_u64(&p, "out1", &out1), "the workload printed no out1=");
	ST_FAIL_IF(out1 * VST_PAGE > SWAP_MAX, "%lu pages out of memory past memory.swap.max %llu",
		   out1, SWAP_MAX);
	if (zswap)
		ST_FAIL_IF(out1 * VST_PAGE < SWAP_MAX / 2, "only %lu pages out of memory", out1);
	ST_FAIL_IF(!max_ev, "memory.swap.events max is 0 after paging out 2x swap.max");
	ST_FAIL_IF(peak_b > SWAP_MAX, "memory.swap.peak %lu > memory.swap.max %llu",
		   peak_b, SWAP_MAX);
	ST_FAIL_IF(peak_b < SWAP_MAX / 2, "memory.swap.peak %lu: swap.max never approached",
		   peak_b);
	ST_FAIL_IF(r.peak.cg_swap > SWAP_MAX, "memory.swap.current reached %lu",
		   r.peak.cg_swap);

	/* Under pressure, to the tier, sized to fit memory.max + swap.max */
	vst_run_measured(env, vst_argv(&av, "memverify", "-s %u -p 2 -f random",
				       SM_WORK_MIB), &r, NULL);
	ST_CHECK(!st_cg_key(env->cg, "memory.swap.events", "max", &max_ev));
	ST_CHECK(!st_cg_u64(env->cg, "memory.swap.peak", &peak_b));
	st_log("pressure: swap.events max %lu, swap.peak %lu", max_ev, peak_b);
	ST_FAIL_IF(r.status != 0, "memverify failed (%d): data lost, corrupted or OOM",
		   r.status);
	ST_FAIL_IF(!r.d.v[VST_PSWPOUT], "nothing was written to the tier");
	ST_FAIL_IF(!peak_b, "memory.swap.peak is 0: nothing was swapped");
	ST_FAIL_IF(peak_b > SWAP_MAX, "memory.swap.peak %lu > memory.swap.max %llu",
		   peak_b, SWAP_MAX);
	ST_FAIL_IF(r.peak.cg_swap > SWAP_MAX, "memory.swap.current reached %lu",
		   r.peak.cg_swap);
	return ST_PASS;
}

static struct st_test vswap_swap_max = {
	.name = "vswap_swap_max",
	.description = "memory.swap.max caps virtual slots: page out stops at it, pressure stays under it",
	.setup = swap_max_setup,
	.run = swap_max_run,
	.cleanup = vst_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(vswap_swap_max);
