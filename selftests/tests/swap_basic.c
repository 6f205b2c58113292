// SPDX-License-Identifier: GPL-2.0
/*
 * Swap on 6.12 as it stands, kept as regression tests for vswap:
 *
 * swap_disk:        a workload 4x its cgroup's memory.max swaps to a virtio
 *                   disk and reads every byte back intact.
 *
 * memory.high sits below memory.max: when the disk is slow (a loaded host
 * under TCG) every page the cgroup has can be under writeback at once, and
 * with memory.max alone 6.12 then OOM-kills the workload; memory.high makes
 * the workload wait for reclaim instead, as production setups do.
 * zswap_writeback:  the same through zswap, with memory.zswap.max small
 *                   enough that zswap must write back to the disk.
 */
#include <stdlib.h>
#include <string.h>

#include "runner.h"
#include "lib/st.h"

#define WORK_MIB	128	/* workload size */
#define LIMIT_MIB	32	/* its cgroup's memory.max */
#define HIGH_MIB	24	/* its cgroup's memory.high */
#define ZSWAP_MIB	4	/* its cgroup's memory.zswap.max */
#define PASSES		2

/* Pages that must be out of memory once the workload has written it all. */
#define MIN_OUT_PAGES	((WORK_MIB - LIMIT_MIB) * MiB / 4096)

struct swap_ctx {
	char cg[256];
	const char *disk;
};

struct counters {
	uint64_t pswpout, pswpin, zswpout, zswpin, zswpwb;
	uint64_t sectors, writes;
};

static void snapshot(struct swap_ctx *ctx, struct counters *c)
{
	memset(c, 0, sizeof(*c));
	c->pswpout = st_vmstat("pswpout");
	c->pswpin = st_vmstat("pswpin");
	if (st_zswap_available()) {
		c->zswpout = st_vmstat("zswpout");
		c->zswpin = st_vmstat("zswpin");
		c->zswpwb = st_vmstat("zswpwb");
	}
	/* Writes are counted when submitted in vmstat, completed here. */
	st_blk_settle(ctx->disk, 5000);
	st_blk_writes(ctx->disk, &c->sectors, &c->writes);
}

/*
 * Run the workload with @fill pages in the test's cgroup; @d gets what it
 * moved.  Returns memverify's exit status.
 */
static int run_workload(struct swap_ctx *ctx, const char *fill, struct counters *d)
{
	struct counters a, b;
	int ret;

	snapshot(ctx, &a);
	ret = st_memverify(ctx->cg, WORK_MIB, PASSES, fill, "");
	snapshot(ctx, &b);

	d->pswpout = b.pswpout - a.pswpout;
	d->pswpin = b.pswpin - a.pswpin;
	d->zswpout = b.zswpout - a.zswpout;
	d->zswpin = b.zswpin - a.zswpin;
	d->zswpwb = b.zswpwb - a.zswpwb;
	d->sectors = b.sectors - a.sectors;
	d->writes = b.writes - a.writes;
	st_log("pswpout %lu pswpin %lu zswpout %lu zswpin %lu zswpwb %lu, disk: %lu sectors in %lu writes",
	       d->pswpout, d->pswpin, d->zswpout, d->zswpin, d->zswpwb,
	       d->sectors, d->writes);
	return ret;
}

static enum st_status swap_setup(void **ctxp, bool zswap)
{
	struct swap_ctx *ctx;
	enum st_status st = ST_FAIL;

	if (zswap && !st_zswap_available())
		return st_skip("kernel without zswap");
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return ST_FAIL;
	ctx->disk = st_disk(0);
	if (!ctx->disk) {
		st = st_skip("no virtio disk /dev/vda (run with DISKS>=1)");
		goto err;
	}
	if (st_swapon(ctx->disk, -1))
		goto err;
	if (zswap && (st_zswap_set("enabled", "Y") ||
		      st_zswap_set("compressor", "lzo")))
		goto err;
	if (st_cg_create(zswap ? "zswap_writeback" : "swap_disk",
			 ctx->cg, sizeof(ctx->cg)) ||
	    st_cg_write(ctx->cg, "memory.max", "%llu", LIMIT_MIB * MiB) ||
	    st_cg_write(ctx->cg, "memory.high", "%llu", HIGH_MIB * MiB) ||
	    st_cg_write(ctx->cg, "memory.swap.max", "max"))
		goto err;
	if (zswap && (st_cg_write(ctx->cg, "memory.zswap.max", "%llu", ZSWAP_MIB * MiB) ||
		      st_cg_write(ctx->cg, "memory.zswap.writeback", "1")))
		goto err;
	*ctxp = ctx;
	return ST_PASS;
err:
	/* The runner's reset between tests undoes swapon and the cgroup. */
	free(ctx);
	return st;
}

static enum st_status swap_disk_setup(void **ctx)
{
	return swap_setup(ctx, false);
}

static enum st_status swap_disk_run(void *arg)
{
	struct swap_ctx *ctx = arg;
	struct counters d;
	uint64_t peak;
	int ret;

	ret = run_workload(ctx, "random", &d);

	ST_FAIL_IF(ret != 0, "memverify failed (%d): data lost or corrupted", ret);
	ST_FAIL_IF(d.pswpout < MIN_OUT_PAGES, "only %lu pages swapped out, want >= %llu",
		   d.pswpout, MIN_OUT_PAGES);
	ST_FAIL_IF(d.pswpin < MIN_OUT_PAGES, "only %lu pages swapped in, want >= %llu",
		   d.pswpin, MIN_OUT_PAGES);
	ST_FAIL_IF(d.sectors < d.pswpout * 8,
		   "disk saw %lu sectors written for %lu pages swapped out",
		   d.sectors, d.pswpout);
	ST_FAIL_IF(d.zswpout, "zswap is off but stored %lu pages", d.zswpout);
	ST_CHECK(!st_cg_u64(ctx->cg, "memory.swap.peak", &peak));
	ST_FAIL_IF(peak < MIN_OUT_PAGES * 4096, "memory.swap.peak %lu < %llu",
		   peak, MIN_OUT_PAGES * 4096);
	return ST_PASS;
}

static void swap_cleanup(void *ctx)
{
	free(ctx);
}

static struct st_test swap_disk = {
	.name = "swap_disk",
	.description = "128 MiB in a 32 MiB cgroup swaps to a virtio disk, every byte verified",
	.setup = swap_disk_setup,
	.run = swap_disk_run,
	.cleanup = swap_cleanup,
};
REGISTER_ST_TEST(swap_disk);

static enum st_status zswap_wb_setup(void **ctx)
{
	return swap_setup(ctx, true);
}

static enum st_status zswap_wb_run(void *arg)
{
	struct swap_ctx *ctx = arg;
	struct counters d;
	uint64_t cg_zswpout, cg_zswpwb, zcur;
	int ret;

	ret = run_workload(ctx, "compressible", &d);

	ST_FAIL_IF(ret != 0, "memverify failed (%d): data lost or corrupted", ret);
	ST_CHECK(!st_cg_key(ctx->cg, "memory.stat", "zswpout", &cg_zswpout));
	ST_CHECK(!st_cg_key(ctx->cg, "memory.stat", "zswpwb", &cg_zswpwb));
	ST_CHECK(!st_cg_u64(ctx->cg, "memory.zswap.current", &zcur));
	st_log("cgroup: zswpout %lu zswpwb %lu zswap.current %lu",
	       cg_zswpout, cg_zswpwb, zcur);

	ST_FAIL_IF(!cg_zswpout, "the cgroup stored nothing in zswap");
	ST_FAIL_IF(!cg_zswpwb, "zswap wrote nothing back over memory.zswap.max");
	/* Every written-back page is also a swap-out to the disk. */
	ST_FAIL_IF(d.pswpout < d.zswpwb, "written back %lu > swapped out %lu",
		   d.zswpwb, d.pswpout);
	/* A page leaving memory goes to zswap, or straight to the disk. */
	ST_FAIL_IF(d.zswpout + (d.pswpout - d.zswpwb) < MIN_OUT_PAGES,
		   "%lu pages reached zswap or disk, want >= %llu",
		   d.zswpout + d.pswpout - d.zswpwb, MIN_OUT_PAGES);
	ST_FAIL_IF(d.sectors < d.zswpwb * 8,
		   "disk saw %lu sectors written for %lu written back",
		   d.sectors, d.zswpwb);
	ST_FAIL_IF(!d.zswpin, "nothing was loaded back from zswap");
	ST_FAIL_IF(!d.pswpin, "nothing was read back from the disk");
	return ST_PASS;
}

static struct st_test zswap_writeback = {
	.name = "zswap_writeback",
	.description = "the same through zswap, writing back past memory.zswap.max",
	.setup = zswap_wb_setup,
	.run = zswap_wb_run,
	.cleanup = swap_cleanup,
};
REGISTER_ST_TEST(zswap_writeback);
