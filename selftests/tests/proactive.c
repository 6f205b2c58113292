// SPDX-License-Identifier: GPL-2.0
/*
 * Proactive work from BPF: zswap writeback and moves between tiers that a
 * policy's bpf_wq callback or a syscall program starts, not an op.
 *
 * swap_ext_proactive_wb:    bpf_swap_ext_writeback() from a syscall program
 *                           (swapctl run): none of a held workload's entries
 *                           are an hour old; of those a second old, as many
 *                           as asked go, in batched writes, counted in
 *                           memory.stat (zswpwb, swap_ext_proactive_wb);
 *                           bad arguments get -EINVAL / -ENOENT; every byte
 *                           read back is checked.
 * swap_ext_proactive_move:  bpf_swap_ext_move() moves a held workload's
 *                           pages from the fast tier to the slow one in
 *                           batched writes, then some into memory; data
 *                           checked.
 * swap_ext_proactive_reclaim: bpf_swap_ext_reclaim() from a syscall
 *                           program: nr pages of a held workload leave
 *                           memory, counted in memory.stat
 *                           (swap_ext_proactive_reclaim); with a headroom,
 *                           only down to that far below memory.high, and
 *                           nothing once there or with no limit; bad
 *                           arguments refused; every byte read back checked.
 * swap_ext_drop_stale:      swapin() = DROP queues a held workload's pages
 *                           while the move worker is slowed (debugfs
 *                           vswap/move_delay_ms); bpf_swap_ext_move() then
 *                           puts them on the fast tier: the DROP requests
 *                           queued for their slow-tier slots are stale and
 *                           move nothing, nor read anything (they read the
 *                           pages back in, dirty, before the requests named
 *                           their slot).
 * swap_ext_proactive_scope: a syscall program acts for the cgroup of the
 *                           task running it and those below, not for a
 *                           sibling or the parent; a policy's bpf_wq
 *                           callback for the cgroups it governs, not for
 *                           others (-EPERM).
 * swap_ext_proactive_fail:  policies calling the proactive kfuncs from
 *                           place() (may not sleep) or from a sleepable op
 *                           (under swap_ext's mutex) do not load; swapctl
 *                           run refuses unknown programs and fields.
 * swap_ext_proactive_restore: a resume that fails (/sys/power/resume on a
 *                           disk whose header claims an image it does not
 *                           hold) leaves the proactive kfuncs working: the
 *                           hibernation lock taken at PM_RESTORE_PREPARE is
 *                           the one given back at PM_POST_RESTORE.
 * swap_ext_proactive_offline: a CPU goes offline while a syscall program,
 *                           then a policy's bpf_wq callback, sleeps in
 *                           bpf_swap_ext_writeback() on it (debugfs
 *                           swap_ext/proactive_delay_ms widens the window);
 *                           neither can migrate, yet the offline finishes in
 *                           time and the entries are written back (the
 *                           kfunc's I/O runs on a worker that can move;
 *                           before, it retried for ever on the dying CPU's
 *                           inactive hardware queue).
 * swap_ext_idle:            the shipped idle policy writes back, on its own
 *                           timer, what a held workload has not touched for
 *                           idle_ms, in batched writes; swapctl run works on
 *                           it; attached and detached every 150 ms while
 *                           another workload swaps, data checked.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sched.h>
#include <string.h>
#include <time.h>
#include <signal.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "runner.h"
#include "lib/st.h"
#include "lib/sx.h"
#include "lib/vst.h"

#define WORK_MIB	64	/* the held workload */
#define LIMIT_MIB	32	/* memory.max of its cgroup */
#define HIGH_MIB	24	/* and memory.high */
#define WB_NR		1024	/* entries one call asks for */

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* memory.stat @key of @cg, or UINT64_MAX */
static uint64_t memstat(const char *cg, const char *key)
{
	uint64_t v;

	return st_cg_key(cg, "memory.stat", key, &v) ? UINT64_MAX : v;
}

/* Counts that memory.stat may have flushed late: 64 per CPU */
static bool agree(uint64_t a, uint64_t b)
{
	uint64_t d = a > b ? a - b : b - a;

	return a != UINT64_MAX && b != UINT64_MAX && d <= 256 + (a > b ? a : b) / 100;
}

/*
 * swapctl run @obj @prog @args: the value of the program's "ret" (or
 * @field) afterwards; LLONG_MIN if swapctl failed to run it
 */
static long long run_field(const char *obj, const char *prog, const char *field,
			   const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static long long run_field(const char *obj, const char *prog, const char *field,
			   const char *fmt, ...)
{
	char args[1024], out[4096], key[64];
	const char *p;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	if (sx_ctl(out, sizeof(out), "run %s %s %s", obj, prog, args) > 1)
		return LLONG_MIN;
	snprintf(key, sizeof(key), "  %s = ", field);
	p = strstr(out, key);
	return p ? strtoll(p + strlen(key), NULL, 10) : LLONG_MIN;
}

#define wb(cg, fmt, ...)						\
	run_field(sx_obj("sx_proactive"), "wb", "ret", "cgroup=%s " fmt,	\
		  cg, ##__VA_ARGS__)
#define reclaim(cg, fmt, ...)						\
	run_field(sx_obj("sx_proactive"), "reclaim", "ret", "cgroup=%s " fmt, \
		  cg, ##__VA_ARGS__)
#define move(cg, fmt, ...)						\
	run_field(sx_obj("sx_proactive"), "move", "ret", "cgroup=%s " fmt,	\
		  cg, ##__VA_ARGS__)

/* Start memverify -H in @env's cgroup and wait until it holds */
static bool hold(struct vst_env *env, struct vst_proc *p, const char *fill)
{
	struct vst_argv av;

	if (vst_spawn(p, env->cg, vst_argv(&av, "memverify", "-s %u -p 1 -f %s -H",
					   WORK_MIB, fill)))
		return false;
	return vst_held(p, "memverify: holding", 1);
}

/* ---------------------------------------------------------------------
 * swap_ext_proactive_wb
 */

static enum st_status wb_setup(void **ctx)
{
	return sx_setup(ctx, "swap_ext_proactive_wb", VST_ZSWAP, 1, LIMIT_MIB, HIGH_MIB);
}

static enum st_status wb_run(void *arg)
{
	struct vst_env *env = arg;
	uint64_t zs0, zs1, wb0, wb1, pro0, pro1, s0, s1, w0, w1;
	long long ret;
	struct vst_proc p;
	int status;

	ST_FAIL_IF(!hold(env, &p, "compressible"), "memverify did not hold");
	zs0 = memstat(env->cg, "zswapped") / VST_PAGE;
	st_log("held: %lu pages in zswap", zs0);
	if (zs0 < WB_NR) {
		vst_release(&p);
		ST_FAIL_IF(true, "only %lu pages in zswap", zs0);
	}
	sleep_ms(1500);

	/* nothing is an hour old */
	ret = wb(env->cg, "nr=%u min_age_ms=3600000", WB_NR);
	ST_FAIL_IF(ret != 0, "an hour's age: %lld written back", ret);

	/* a second old: as many as asked, in few requests */
	wb0 = memstat(env->cg, "zswpwb");
	pro0 = memstat(env->cg, "swap_ext_proactive_wb");
	st_blk_writes(env->tier[0], &s0, &w0);
	ret = wb(env->cg, "nr=%u min_age_ms=1000", WB_NR);
	st_blk_writes(env->tier[0], &s1, &w1);
	wb1 = memstat(env->cg, "zswpwb");
	pro1 = memstat(env->cg, "swap_ext_proactive_wb");
	zs1 = memstat(env->cg, "zswapped") / VST_PAGE;
	st_log("written back %lld: zswpwb +%lu, swap_ext_proactive_wb +%lu, zswap %lu -> %lu pages; %s: %lu sectors in %lu requests",
	       ret, wb1 - wb0, pro1 - pro0, zs0, zs1, env->tier[0], s1 - s0, w1 - w0);
	ST_FAIL_IF(ret <= 0 || ret > WB_NR, "asked %u, written back %lld", WB_NR, ret);
	ST_FAIL_IF(ret < WB_NR * 9 / 10, "asked %u of %lu, written back %lld", WB_NR, zs0, ret);
	ST_FAIL_IF(!agree(wb1 - wb0, ret), "zswpwb +%lu for %lld", wb1 - wb0, ret);
	ST_FAIL_IF(!agree(pro1 - pro0, ret), "swap_ext_proactive_wb +%lu for %lld",
		   pro1 - pro0, ret);
	ST_FAIL_IF(s1 - s0 < (uint64_t)ret * 8, "%lu sectors for %lld pages", s1 - s0, ret);
	ST_FAIL_IF((w1 - w0) * 8 > (uint64_t)ret, "%lu write requests for %lld pages: not batched",
		   w1 - w0, ret);

	/* the rest, any age */
	ret = wb(env->cg, "nr=4096 min_age_ms=0");
	ST_FAIL_IF(ret <= 0, "any age: %lld written back", ret);

	/* what the kernel refuses */
	ST_FAIL_IF(wb(env->cg, "nr=0") != -EINVAL, "nr=0 was not -EINVAL");
	ST_FAIL_IF(wb(env->cg, "nr=4097") != -EINVAL, "nr=4097 was not -EINVAL");
	ST_FAIL_IF(wb(env->cg, "nr=1 tier=9") != -EINVAL, "tier 9 was not -EINVAL");
	ST_FAIL_IF(run_field(sx_obj("sx_proactive"), "wb", "ret", "cgroup=987654321 nr=1") !=
		   -ENOENT, "an unknown cgroup was not -ENOENT");

	status = vst_release(&p);
	ST_FAIL_IF(status, "memverify failed (%d): data lost", status);
	return ST_PASS;
}

static struct st_test swap_ext_proactive_wb = {
	.name = "swap_ext_proactive_wb",
	.description = "a syscall program writes back a cgroup's old zswap entries, batched",
	.setup = wb_setup,
	.run = wb_run,
	.cleanup = vst_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(swap_ext_proactive_wb);

/* ---------------------------------------------------------------------
 * swap_ext_proactive_move
 */

static enum st_status move_setup(void **ctx)
{
	return sx_setup(ctx, "swap_ext_proactive_move", 0, 2, LIMIT_MIB, HIGH_MIB);
}

static enum st_status move_run(void *arg)
{
	struct vst_env *env = arg;
	uint64_t mv0, mv1, pro0, pro1, s0, s1, w0, w1;
	long long ret, back;
	struct vst_proc p;
	int status;

	ST_FAIL_IF(!hold(env, &p, "random"), "memverify did not hold");

	mv0 = st_vmstat("vswap_move");
	pro0 = memstat(env->cg, "swap_ext_proactive_move");
	st_blk_writes(env->tier[1], &s0, &w0);
	ret = move(env->cg, "from=fastest to=slowest nr=2048");
	st_blk_writes(env->tier[1], &s1, &w1);
	mv1 = st_vmstat("vswap_move");
	pro1 = memstat(env->cg, "swap_ext_proactive_move");
	st_log("moved %lld: vswap_move +%lu, swap_ext_proactive_move +%lu; %s: %lu sectors in %lu requests",
	       ret, mv1 - mv0, pro1 - pro0, env->tier[1], s1 - s0, w1 - w0);
	ST_FAIL_IF(ret < 1024 || ret > 2048, "asked 2048, moved %lld", ret);
	ST_FAIL_IF(mv1 - mv0 < (uint64_t)ret, "vswap_move +%lu for %lld", mv1 - mv0, ret);
	ST_FAIL_IF(!agree(pro1 - pro0, ret), "swap_ext_proactive_move +%lu for %lld",
		   pro1 - pro0, ret);
	ST_FAIL_IF(s1 - s0 < (uint64_t)ret * 8, "%lu sectors for %lld pages", s1 - s0, ret);
	ST_FAIL_IF((w1 - w0) * 4 > (uint64_t)ret, "%lu write requests for %lld pages: not batched",
		   w1 - w0, ret);

	/* from the slow tier into memory: dirty, for reclaim to place again */
	back = move(env->cg, "from=slowest to_memory=1 nr=256");
	ST_FAIL_IF(back <= 0 || back > 256, "asked 256 into memory, moved %lld", back);

	ST_FAIL_IF(move(env->cg, "from=fastest to=fastest nr=1") != -EINVAL,
		   "a move to the same tier was not -EINVAL");
	ST_FAIL_IF(move(env->cg, "from=9 to=slowest nr=1") != -EINVAL,
		   "a move from tier 9 was not -EINVAL");

	status = vst_release(&p);
	ST_FAIL_IF(status, "memverify failed (%d): data lost", status);
	return ST_PASS;
}

static struct st_test swap_ext_proactive_move = {
	.name = "swap_ext_proactive_move",
	.description = "a syscall program moves a cgroup's pages between tiers, batched",
	.setup = move_setup,
	.run = move_run,
	.cleanup = vst_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(swap_ext_proactive_move);

/* ---------------------------------------------------------------------
 * swap_ext_proactive_reclaim
 */

#define RECLAIM_NR	1024	/* pages the first call asks for */
#define HEADROOM_MIB	4	/* the second call's headroom */
#define SWAP_CLUSTER	32	/* pages a reclaim pass takes from an LRU list */

static enum st_status reclaim_setup(void **ctx)
{
	return sx_setup(ctx, "swap_ext_proactive_reclaim", VST_ZSWAP, 1, LIMIT_MIB,
			HIGH_MIB);
}

/* memory.current of @cg in pages, or UINT64_MAX */
static uint64_t cg_pages(const char *cg)
{
	uint64_t v;

	return st_cg_u64(cg, "memory.current", &v) ? UINT64_MAX : v / VST_PAGE;
}

static enum st_status reclaim_run(void *arg)
{
	struct vst_env *env = arg;
	uint64_t target = (uint64_t)(LIMIT_MIB - HEADROOM_MIB) << 8;
	uint64_t u0, u1, pro0, pro1;
	long long ret;
	struct vst_proc p;
	int status;

	ST_FAIL_IF(!hold(env, &p, "compressible"), "memverify did not hold");

	/* nr pages, whatever the limit */
	u0 = cg_pages(env->cg);
	pro0 = memstat(env->cg, "swap_ext_proactive_reclaim");
	ret = reclaim(env->cg, "nr=%u", RECLAIM_NR);
	u1 = cg_pages(env->cg);
	pro1 = memstat(env->cg, "swap_ext_proactive_reclaim");
	st_log("reclaimed %lld: memory.current %lu -> %lu pages, swap_ext_proactive_reclaim +%lu",
	       ret, u0, u1, pro1 - pro0);
	/* reclaim's last pass may go past nr: 9, 64 and 99 pages seen here */
	ST_FAIL_IF(ret < RECLAIM_NR / 2 || ret > RECLAIM_NR + RECLAIM_NR / 4,
		   "asked %u, reclaimed %lld", RECLAIM_NR, ret);
	/* a page in zswap stays charged for its compressed size */
	ST_FAIL_IF(u1 == UINT64_MAX || u1 + ret / 4 > u0,
		   "memory.current %lu -> %lu pages for %lld reclaimed", u0, u1, ret);
	ST_FAIL_IF(!agree(pro1 - pro0, ret), "swap_ext_proactive_reclaim +%lu for %lld",
		   pro1 - pro0, ret);

	/*
	 * The workload again, memory.high at LIMIT_MIB: what zswap holds of it
	 * (a third of 64 MiB, charged to the cgroup) leaves room for the
	 * headroom's target.  Read all of it once first.
	 */
	ST_FAIL_IF(vst_release(&p), "memverify failed: data lost");
	ST_FAIL_IF(st_cg_write(env->cg, "memory.max", "%uM", 2 * LIMIT_MIB) ||
		   st_cg_write(env->cg, "memory.high", "%uM", LIMIT_MIB),
		   "cannot raise the limits");
	ST_FAIL_IF(!hold(env, &p, "compressible"), "memverify did not hold again");

	/* a headroom: down to it, at most nr, and no further */
	u0 = cg_pages(env->cg);
	ret = reclaim(env->cg, "nr=4096 headroom_kib=%u", HEADROOM_MIB << 10);
	u1 = cg_pages(env->cg);
	st_log("headroom %u MiB below memory.high (%lu pages): reclaimed %lld, memory.current %lu -> %lu pages",
	       HEADROOM_MIB, target, ret, u0, u1);
	ST_FAIL_IF(u0 > target && ret <= 0, "%lu pages above the target, reclaimed %lld",
		   u0 - target, ret);
	ST_FAIL_IF(u1 > target, "memory.current %lu pages, above the target %lu", u1, target);
	ST_FAIL_IF(u1 + 8 * SWAP_CLUSTER < target,
		   "memory.current %lu pages: went %lu past the target", u1, target - u1);
	ret = reclaim(env->cg, "nr=4096 headroom_kib=%u", HEADROOM_MIB << 10);
	ST_FAIL_IF(ret != 0, "below the target already: reclaimed %lld", ret);

	/* no limit: nothing to keep a headroom from */
	ST_FAIL_IF(st_cg_write(env->cg, "memory.high", "max") ||
		   st_cg_write(env->cg, "memory.max", "max"), "cannot lift the limits");
	ret = reclaim(env->cg, "nr=4096 headroom_kib=1");
	ST_FAIL_IF(ret != 0, "no limit: reclaimed %lld", ret);

	/* what the kernel refuses */
	ST_FAIL_IF(reclaim(env->cg, "nr=0") != -EINVAL, "nr=0 was not -EINVAL");
	ST_FAIL_IF(reclaim(env->cg, "nr=4097") != -EINVAL, "nr=4097 was not -EINVAL");
	ST_FAIL_IF(run_field(sx_obj("sx_proactive"), "reclaim", "ret",
			     "cgroup=987654321 nr=1") != -ENOENT,
		   "an unknown cgroup was not -ENOENT");

	status = vst_release(&p);
	ST_FAIL_IF(status, "memverify failed (%d): data lost", status);
	return ST_PASS;
}

static struct st_test swap_ext_proactive_reclaim = {
	.name = "swap_ext_proactive_reclaim",
	.description = "a syscall program reclaims a cgroup's memory, down to a headroom",
	.setup = reclaim_setup,
	.run = reclaim_run,
	.cleanup = vst_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(swap_ext_proactive_reclaim);

/* ---------------------------------------------------------------------
 * swap_ext_proactive_restore
 */

static enum st_status restore_setup(void **ctx)
{
	if (access("/sys/power/resume", W_OK))
		return st_skip("no /sys/power/resume: a kernel without hibernation");
	if (!st_disk(1))
		return st_skip("no second disk for a fake resume device");
	return sx_setup(ctx, "swap_ext_proactive_restore", VST_ZSWAP, 1, LIMIT_MIB, HIGH_MIB);
}

/* Make @dev a swap device whose header says it holds a hibernation image */
static int fake_image(const char *dev)
{
	char sig[20] = "SWAPSPACE2";	/* orig_sig, then sig */
	int fd, ret;

	if (st_cmd(NULL, 0, "mkswap -f %s >/dev/null 2>&1", dev))
		return -1;
	memcpy(sig + 10, "S1SUSPEND", 10);
	fd = open(dev, O_WRONLY);
	if (fd < 0)
		return -1;
	ret = pwrite(fd, sig, sizeof(sig), 4096 - sizeof(sig)) == sizeof(sig) ? fsync(fd) : -1;
	close(fd);
	return ret;
}

static enum st_status restore_run(void *arg)
{
	struct vst_env *env = arg;
	const char *dev = st_disk(1);
	long long before, after;
	struct vst_proc p;
	int status;

	ST_FAIL_IF(!hold(env, &p, "compressible"), "memverify did not hold");
	before = wb(env->cg, "nr=16 min_age_ms=0");
	ST_FAIL_IF(before < 0, "before the resume: %lld", before);

	ST_FAIL_IF(fake_image(dev), "cannot write a fake image header to %s", dev);
	/* software_resume() finds the header, fails to load, thaws */
	ST_CHECK(!st_write("/sys/power/resume", "%s", dev));
	after = wb(env->cg, "nr=16 min_age_ms=0");
	st_log("writeback before the failed resume: %lld, after: %lld", before, after);
	ST_FAIL_IF(after == -EBUSY, "after a failed resume the kfuncs stay -EBUSY");
	ST_FAIL_IF(after < 0, "after the resume: %lld", after);

	status = vst_release(&p);
	ST_FAIL_IF(status, "memverify failed (%d): data lost", status);
	return ST_PASS;
}

static void restore_cleanup(void *ctx)
{
	const char *dev = st_disk(1);

	/* no header left that a later resume would trust */
	if (dev)
		st_cmd(NULL, 0, "wipefs -a %s >/dev/null 2>&1", dev);
	vst_cleanup(ctx);
}

static struct st_test swap_ext_proactive_restore = {
	.name = "swap_ext_proactive_restore",
	.description = "a failed resume leaves the proactive kfuncs working",
	.setup = restore_setup,
	.run = restore_run,
	.cleanup = restore_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(swap_ext_proactive_restore);

/* ---------------------------------------------------------------------
 * swap_ext_drop_stale
 */

#define MOVE_DELAY	"/sys/kernel/debug/vswap/move_delay_ms"
#define STALE_MIB	16	/* 4096 pages: more than the 1024 moves queued */

static enum st_status stale_setup(void **ctx)
{
	if (access(MOVE_DELAY, W_OK))
		return st_skip("no %s (CONFIG_DEBUG_FS=n, or debugfs not mounted)",
			       MOVE_DELAY);
	return sx_setup(ctx, "swap_ext_drop_stale", 0, 2, 0, 0);
}

/* Wait up to @ms for the move queue to drain: whether it did */
static bool moves_drained(unsigned int ms)
{
	uint64_t pending = 1;

	for (; ms; ms -= 100) {
		if (!st_vswap_stat("moves_pending", &pending) && !pending)
			return true;
		sleep_ms(100);
	}
	return false;
}

/* Sectors read from @dev (/dev/vdX) since boot, or 0 */
static uint64_t blk_reads(const char *dev)
{
	unsigned long long ios, merges, sectors = 0;
	char path[PATH_MAX], buf[512];

	snprintf(path, sizeof(path), "/sys/block/%s/stat", strrchr(dev, '/') + 1);
	if (st_read(path, buf, sizeof(buf)) < 0 ||
	    sscanf(buf, "%llu %llu %llu", &ios, &merges, &sectors) != 3)
		return 0;
	return sectors;
}

static enum st_status stale_run(void *arg)
{
	struct vst_env *env = arg;
	uint64_t pending, done0, done1, mv0, mv1, phys, rd0, rd1;
	struct vst_gauges g;
	struct vst_argv av;
	struct vst_proc p;
	long long ret;
	int i, status;

	/* every page to the slow tier; each one read back, dropped from it */
	ST_FAIL_IF(sx_attach(env->cg, "-s place_verdict=tier -s place_tier=-2 -s swapin_verdict=drop"),
		   "attach failed");
	ST_FAIL_IF(vst_spawn(&p, env->cg, vst_argv(&av, "memverify", "-s %u -p 1 -f random -P -H -E",
						   STALE_MIB)),
		   "cannot start memverify");
	ST_FAIL_IF(!vst_held(&p, "memverify: holding", 1), "memverify did not hold");
	/* written by MADV_PAGEOUT, still in the swap cache: out with them */
	for (i = 0; i < 8; i++) {
		st_cg_write(env->cg, "memory.reclaim", "%uM", STALE_MIB * 2);
		vst_sample(env, &g);
		if (g.backing[1] * 10 >= STALE_MIB * 256 * 9)
			break;
	}
	st_log("slow tier backs %lu pages", g.backing[1]);
	ST_FAIL_IF(g.backing[1] * 2 < STALE_MIB * 256, "only %lu pages on the slow tier",
		   g.backing[1]);

	/* 32 requests a batch, 1.6 s each: the queue stays full for long */
	ST_CHECK(!st_write(MOVE_DELAY, "50"));
	kill(p.pid, SIGUSR1);
	ST_FAIL_IF(!vst_held(&p, "memverify: holding", 2), "memverify did not verify and hold");
	ST_CHECK(!st_vswap_stat("moves_pending", &pending));
	ST_CHECK(!st_vswap_stat("moves_done", &done0));
	mv0 = st_vmstat("vswap_move");
	/* the pages whose DROP is queued go to the fast tier */
	ret = move(env->cg, "from=slowest to=fastest nr=%u", STALE_MIB * 256);
	mv1 = st_vmstat("vswap_move");
	vst_sample(env, &g);
	phys = g.backing[1];
	st_log("%lu DROP requests queued; moved %lld to the fast tier (vswap_move +%lu); %lu pages left on the slow tier",
	       pending, ret, mv1 - mv0, phys);
	/*
	 * What the worker reads from the fast tier now, stale requests read.
	 * The moved pages leave the swap cache first (clean: no write), so
	 * that such a read would reach the disk.
	 */
	st_cg_write(env->cg, "memory.reclaim", "%uM", STALE_MIB * 2);
	rd0 = blk_reads(env->tier[0]);
	ST_CHECK(!st_write(MOVE_DELAY, "0"));
	ST_FAIL_IF(!moves_drained(120000), "the move queue did not drain in 120 s");
	rd1 = blk_reads(env->tier[0]);
	ST_CHECK(!st_vswap_stat("moves_done", &done1));
	mv0 = st_vmstat("vswap_move");
	st_log("the worker took %lu requests and moved %lu pages; read %lu pages from the fast tier",
	       done1 - done0, mv0 - mv1, (rd1 - rd0) / 8);
	status = vst_release(&p);
	ST_FAIL_IF(status, "memverify failed (%d): data lost", status);

	ST_FAIL_IF(pending < 64, "only %lu DROP requests were queued: no window", pending);
	ST_FAIL_IF(ret < (long long)pending / 2, "moved %lld pages with %lu DROP requests queued",
		   ret, pending);
	ST_FAIL_IF(done1 - done0 < pending / 2, "the worker took %lu of %lu requests",
		   done1 - done0, pending);
	/* only a request for a page still on the slow tier may move it */
	ST_FAIL_IF(mv0 - mv1 > phys, "%lu pages moved by stale DROP requests (%lu on the slow tier)",
		   mv0 - mv1, phys);
	/* nor read it: the pages are on the fast tier, the requests name the slow one */
	ST_FAIL_IF((rd1 - rd0) / 8 > 64, "stale DROP requests read %lu pages from the fast tier",
		   (rd1 - rd0) / 8);
	return ST_PASS;
}

static void stale_cleanup(void *ctx)
{
	st_write(MOVE_DELAY, "0");
	moves_drained(120000);
	vst_cleanup(ctx);
}

static struct st_test swap_ext_drop_stale = {
	.name = "swap_ext_drop_stale",
	.description = "a DROP request for a page moved meanwhile moves nothing",
	.setup = stale_setup,
	.run = stale_run,
	.cleanup = stale_cleanup,
	.timeout = 600,
};
REGISTER_ST_TEST(swap_ext_drop_stale);

/* ---------------------------------------------------------------------
 * swap_ext_proactive_scope
 */

struct siblings {
	struct vst_env env;
	char a[320], b[320];
};

static enum st_status scope_setup(void **ctx)
{
	struct siblings *t = calloc(1, sizeof(*t));
	enum st_status ret;
	void *envp;

	if (!t)
		return ST_FAIL;
	ret = sx_setup(&envp, "swap_ext_proactive_scope", VST_ZSWAP, 1, 0, 0);
	if (ret != ST_PASS) {
		free(t);
		return ret;
	}
	t->env = *(struct vst_env *)envp;
	free(envp);
	*ctx = t;
	snprintf(t->a, sizeof(t->a), "%s/a", t->env.cg);
	snprintf(t->b, sizeof(t->b), "%s/b", t->env.cg);
	if (st_cg_write(t->env.cg, "cgroup.subtree_control", "+memory") ||
	    mkdir(t->a, 0755) || mkdir(t->b, 0755))
		return ST_FAIL;
	return ST_PASS;
}

static void scope_cleanup(void *ctx)
{
	struct siblings *t = ctx;

	sx_detach(t->a);
	sx_detach(t->b);
	vst_env_cleanup(&t->env);
	free(t);
}

/* swapctl run sx_proactive wb for @target, from a shell in cgroup @in */
static long long wb_from(const char *in, const char *target)
{
	char out[4096];
	const char *p;
	int ret;

	ret = st_cmd(out, sizeof(out),
		     "sh -c 'echo $$ > %s/cgroup.procs && exec %s run %s wb cgroup=%s nr=1' 2>&1",
		     in, sx_swapctl(), sx_obj("sx_proactive"), target);
	st_log("run in %s for %s: %d: %s", in, target, ret, out);
	p = strstr(out, "  ret = ");
	return p ? strtoll(p + 8, NULL, 10) : LLONG_MIN;
}

static enum st_status scope_run(void *arg)
{
	struct siblings *t = arg;
	uint64_t runs = 0, own_ok = 0, own_eperm = 0, oth_ok = 0, oth_eperm = 0;
	char knob[400];
	long long ret;
	int i;

	/* a syscall program: the runner's cgroup and below */
	ret = wb_from(t->a, t->a);
	ST_FAIL_IF(ret < 0 && ret != -ENOSPC, "for its own cgroup: %lld", ret);
	ST_FAIL_IF(wb_from(t->a, t->b) != -EPERM, "for a sibling: not -EPERM");
	ST_FAIL_IF(wb_from(t->a, t->env.cg) != -EPERM, "for the parent: not -EPERM");
	/* the runner's cgroup is an ancestor of every test cgroup */
	ret = wb(t->b, "nr=1");
	ST_FAIL_IF(ret < 0 && ret != -ENOSPC, "from an ancestor for b: %lld", ret);

	/* a policy's bpf_wq callback: the cgroups it governs */
	snprintf(knob, sizeof(knob), "-s other=%s", t->b);
	ST_FAIL_IF(sx_attach_obj(t->a, sx_obj("sx_proactive"), knob, NULL, 0),
		   "attach to a failed");
	for (i = 0; i < 50 && !runs; i++) {
		sleep_ms(100);
		sx_stat(t->a, "wq_runs", &runs);
	}
	sx_stats_log(t->a);
	ST_FAIL_IF(!runs, "the policy's bpf_wq callback never ran");
	ST_CHECK(!sx_stat(t->a, "own_ok", &own_ok));
	ST_CHECK(!sx_stat(t->a, "own_eperm", &own_eperm));
	ST_CHECK(!sx_stat(t->a, "other_ok", &oth_ok));
	ST_CHECK(!sx_stat(t->a, "other_eperm", &oth_eperm));
	ST_FAIL_IF(own_ok != runs || own_eperm, "its own cgroup: %lu allowed, %lu -EPERM",
		   own_ok, own_eperm);
	ST_FAIL_IF(oth_eperm != runs || oth_ok, "a sibling: %lu allowed, %lu -EPERM", oth_ok,
		   oth_eperm);
	ST_FAIL_IF(sx_detach(t->a), "detach failed");
	return ST_PASS;
}

static struct st_test swap_ext_proactive_scope = {
	.name = "swap_ext_proactive_scope",
	.description = "proactive kfuncs act only for the caller's cgroups",
	.setup = scope_setup,
	.run = scope_run,
	.cleanup = scope_cleanup,
	.timeout = 120,
};
REGISTER_ST_TEST(swap_ext_proactive_scope);

/* ---------------------------------------------------------------------
 * swap_ext_proactive_fail
 */

static enum st_status fail_setup(void **ctx)
{
	return sx_setup(ctx, "swap_ext_proactive_fail", 0, 0, 0, 0);
}

static enum st_status fail_run(void *arg)
{
	struct vst_env *env = arg;
	char out[16384];

	ST_FAIL_IF(!sx_attach_obj(env->cg, sx_obj("sx_proactive_atomic"), "-v", out,
				  sizeof(out)),
		   "a place() calling bpf_swap_ext_writeback() loaded");
	ST_FAIL_IF(!strstr(out, "sleepable"), "the verifier log does not say why");
	ST_FAIL_IF(!sx_attach_obj(env->cg, sx_obj("sx_proactive_sleepable_op"), "-v", out,
				  sizeof(out)),
		   "a sleepable cgroup_attach() calling bpf_swap_ext_move() loaded");
	ST_FAIL_IF(!strstr(out, "rejected"), "swapctl said: %.300s", out);
	ST_FAIL_IF(!sx_wait_none(), "a rejected policy is listed");

	/* swapctl run: bad input is an error that says what there is */
	ST_FAIL_IF(sx_ctl(out, sizeof(out), "run %s nosuch", sx_obj("idle")) != 1 ||
		   !strstr(out, "no syscall program nosuch"), "an unknown program: %.300s", out);
	ST_FAIL_IF(sx_ctl(out, sizeof(out), "run %s idle_cgroup_attach", sx_obj("idle")) != 1,
		   "an op run as a syscall program: %.300s", out);
	ST_FAIL_IF(sx_ctl(out, sizeof(out), "run %s writeback_idle bogus=1", sx_obj("idle")) != 1 ||
		   !strstr(out, "its fields: cgroup, nr, idle_ms, written"),
		   "an unknown field: %.300s", out);
	ST_FAIL_IF(sx_ctl(out, sizeof(out), "run %s writeback_idle nr=many", sx_obj("idle")) != 1,
		   "a field value that is not a number: %.300s", out);
	ST_FAIL_IF(sx_ctl(out, sizeof(out), "run %s writeback_idle", sx_obj("idle")) != 1 ||
		   !strstr(out, "returned -2"), "no cgroup (id 0): %.300s", out);
	return ST_PASS;
}

static struct st_test swap_ext_proactive_fail = {
	.name = "swap_ext_proactive_fail",
	.description = "proactive kfuncs are refused in ops",
	.setup = fail_setup,
	.run = fail_run,
	.cleanup = vst_cleanup,
	.timeout = 120,
};
REGISTER_ST_TEST(swap_ext_proactive_fail);

/* ---------------------------------------------------------------------
 * swap_ext_idle
 */

/*
 * Wait up to 15 s for idle to drain @env's zswap below a tenth of @zs0
 * pages, then up to 4 s for the policy's "written" and memory.stat's
 * swap_ext_proactive_wb (less @pro0) to agree (the work may be
 * mid-period).  Returns the pages left in zswap; *@ms the wait for them.
 */
static uint64_t idle_drain(struct vst_env *env, uint64_t zs0, uint64_t pro0, int *ms,
			   uint64_t *written, uint64_t *pro)
{
	uint64_t zs = zs0;
	int i;

	for (i = 0; i < 150; i++) {
		sleep_ms(100);
		zs = memstat(env->cg, "zswapped") / VST_PAGE;
		if (zs < zs0 / 10)
			break;
	}
	*ms = (i + 1) * 100;
	for (i = 0; i < 20; i++) {
		sx_stat(env->cg, "written", written);
		*pro = memstat(env->cg, "swap_ext_proactive_wb") - pro0;
		if (agree(*pro, *written))
			break;
		sleep_ms(200);
	}
	return zs;
}

static enum st_status idle_setup(void **ctx)
{
	return sx_setup(ctx, "swap_ext_idle", VST_ZSWAP, 1, LIMIT_MIB, HIGH_MIB);
}

static enum st_status idle_run(void *arg)
{
	struct vst_env *env = arg;
	uint64_t zs0, zs = 0, pro0, pro = 0, written = 0, refused = 0, periods = 0;
	uint64_t s0, s1, w0, w1;
	struct vst_argv av;
	struct vst_proc p;
	char knob[PATH_MAX + 64];
	long long ret;
	int ms, status, cycles = 0;

	ST_FAIL_IF(sx_attach_obj(env->cg, sx_obj("idle"),
				 "-s period_ms=100 -s idle_ms=1000 -s batch=4096", NULL, 0),
		   "attach idle failed");
	/* its timer and work outlive swapctl: their maps are pinned */
	snprintf(knob, sizeof(knob), "/sys/fs/bpf/swap_ext/%lu/async_timer", sx_cg_id(env->cg));
	ST_FAIL_IF(access(knob, F_OK), "no %s", knob);
	pro0 = memstat(env->cg, "swap_ext_proactive_wb");
	st_blk_writes(env->tier[0], &s0, &w0);
	ST_FAIL_IF(!hold(env, &p, "compressible"), "memverify did not hold");
	zs0 = memstat(env->cg, "zswapped") / VST_PAGE;
	st_log("held: %lu pages in zswap", zs0);
	zs = idle_drain(env, zs0, pro0, &ms, &written, &pro);
	st_log("zswap at %lu pages after %d ms", zs, ms);
	st_blk_writes(env->tier[0], &s1, &w1);
	sx_stat(env->cg, "refused", &refused);
	sx_stat(env->cg, "periods", &periods);
	sx_stats_log(env->cg);
	st_log("zswap %lu -> %lu pages; swap_ext_proactive_wb +%lu; %s: %lu sectors in %lu requests",
	       zs0, zs, pro, env->tier[0], s1 - s0, w1 - w0);
	ST_FAIL_IF(zs >= zs0 / 10, "idle left %lu of %lu pages in zswap", zs, zs0);
	ST_FAIL_IF(periods < 2 || refused, "%lu periods, %lu calls refused", periods, refused);
	ST_FAIL_IF(!agree(pro, written), "swap_ext_proactive_wb +%lu, the policy wrote %lu", pro,
		   written);
	ST_FAIL_IF((w1 - w0) * 8 > written, "%lu write requests for %lu pages: not batched",
		   w1 - w0, written);

	/* on request, through swapctl run, on the policy's own program */
	ret = run_field(sx_obj("idle"), "writeback_idle", "written", "cgroup=%s idle_ms=1",
			env->cg);
	ST_FAIL_IF(ret < 0, "swapctl run idle writeback_idle: %lld", ret);
	snprintf(knob, sizeof(knob), "run %s writeback_idle cgroup=%s nr=1", sx_obj("idle"),
		 env->cg);
	ST_FAIL_IF(!sx_jq(knob, ".program == \"writeback_idle\" and .retval == 0 and .args.written >= 0"),
		   "swapctl -j run: not the expected document");
	status = vst_release(&p);
	ST_FAIL_IF(status, "memverify failed (%d): data lost", status);
	ST_FAIL_IF(sx_detach(env->cg), "detach failed");
	snprintf(knob, sizeof(knob), "/sys/fs/bpf/swap_ext/%lu", sx_cg_id(env->cg));
	ST_FAIL_IF(!access(knob, F_OK), "detach left %s", knob);

	/* attached and detached while pages swap, its timer at 10 ms */
	ST_FAIL_IF(vst_spawn(&p, env->cg, vst_argv(&av, "memverify", "-s %u -p 3 -f compressible",
						   WORK_MIB)),
		   "cannot start memverify");
	while (!vst_exited(&p) && cycles < 200) {
		ST_FAIL_IF(sx_attach_obj(env->cg, sx_obj("idle"),
					 "-s period_ms=10 -s idle_ms=0 -s batch=256", NULL, 0),
			   "attach %d failed", cycles);
		vst_poll(&p, 150);
		ST_FAIL_IF(sx_detach(env->cg), "detach %d failed", cycles);
		cycles++;
	}
	status = vst_reap(&p);
	st_log("%d attach/detach cycles", cycles);
	ST_FAIL_IF(status, "memverify failed (%d): data lost", status);
	ST_FAIL_IF(cycles < 3, "only %d cycles ran while it swapped", cycles);
	ST_FAIL_IF(!sx_wait_none(), "a policy is still listed");
	return ST_PASS;
}

static struct st_test swap_ext_idle = {
	.name = "swap_ext_idle",
	.description = "the idle policy writes back idle zswap entries on its own timer",
	.setup = idle_setup,
	.run = idle_run,
	.cleanup = vst_cleanup,
	.timeout = 600,
};
REGISTER_ST_TEST(swap_ext_idle);

/*
 * idle backs off while nothing is idle: at period_ms=10 it would run 200
 * times in 2 s; doubling its period to the cap (idle_ms / 4 = 500 ms,
 * 8x period_ms = 80 ms: 80 ms) it runs about 30 times, and without the cap
 * about 7.  Then a workload swaps out and the entries, once 2 s old, still
 * go, all of them through the policy.
 */
static enum st_status idle_backoff_setup(void **ctx)
{
	return sx_setup(ctx, "swap_ext_idle_backoff", VST_ZSWAP, 1, LIMIT_MIB, HIGH_MIB);
}

static enum st_status idle_backoff_run(void *arg)
{
	struct vst_env *env = arg;
	uint64_t periods = 0, empty = 0, written = 0, zs0, zs = 0, pro0, pro = 0;
	struct vst_proc p;
	int ms, status;

	pro0 = memstat(env->cg, "swap_ext_proactive_wb");
	ST_FAIL_IF(sx_attach_obj(env->cg, sx_obj("idle"),
				 "-s period_ms=10 -s idle_ms=2000 -s batch=4096", NULL, 0),
		   "attach idle failed");
	sleep_ms(2000);
	sx_stat(env->cg, "periods", &periods);
	sx_stat(env->cg, "empty", &empty);
	st_log("nothing idle: %lu periods in 2 s, %lu empty", periods, empty);
	ST_FAIL_IF(periods < 15, "the work ran %lu times in 2 s (capped at 80 ms: ~30)", periods);
	ST_FAIL_IF(periods > 60, "no backoff: %lu periods in 2 s at period_ms=10", periods);
	ST_FAIL_IF(empty + 1 < periods, "%lu of %lu periods empty with nothing swapped", empty,
		   periods);

	ST_FAIL_IF(!hold(env, &p, "compressible"), "memverify did not hold");
	zs0 = memstat(env->cg, "zswapped") / VST_PAGE;
	ST_FAIL_IF(zs0 < 1000, "only %lu pages in zswap once held", zs0);
	zs = idle_drain(env, zs0, pro0, &ms, &written, &pro);
	st_log("then: zswap %lu -> %lu pages after %d ms, %lu written", zs0, zs, ms, written);
	ST_FAIL_IF(zs >= zs0 / 10, "idle left %lu of %lu pages in zswap after backing off", zs,
		   zs0);
	ST_FAIL_IF(!written || !agree(pro, written),
		   "the policy wrote back %lu, swap_ext_proactive_wb +%lu", written, pro);
	status = vst_release(&p);
	ST_FAIL_IF(status, "memverify failed (%d): data lost", status);
	ST_FAIL_IF(sx_detach(env->cg), "detach failed");
	return ST_PASS;
}

static struct st_test swap_ext_idle_backoff = {
	.name = "swap_ext_idle_backoff",
	.description = "idle doubles its period while nothing is idle and still writes back after",
	.setup = idle_backoff_setup,
	.run = idle_backoff_run,
	.cleanup = vst_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(swap_ext_idle_backoff);

/* ---------------------------------------------------------------------
 * swap_ext_proactive_offline
 */

#define DEBUGFS_PRO_DELAY	"/sys/kernel/debug/swap_ext/proactive_delay_ms"
#define OFFLINE_DELAY_MS	3000	/* the kfunc's sleep: the window */
#define OFFLINE_WAIT_S		60	/* an offline that takes longer hangs */

static int offline_cpu = -1;		/* the CPU the test takes down */
static bool offline_hung;		/* its offline never finished */

/* Field @nr (1-based, as proc(5) counts) of /proc/@pid/stat, or -1 */
static long long proc_stat_field(pid_t pid, int nr)
{
	char path[64], buf[1024], *s, *save;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (st_read(path, buf, sizeof(buf)) < 0)
		return -1;
	s = strrchr(buf, ')');
	if (!s)
		return -1;
	/* field 3 is the first after the command's closing parenthesis */
	s = strtok_r(s + 1, " ", &save);
	for (i = 3; s && i < nr; i++)
		s = strtok_r(NULL, " ", &save);
	return s ? strtoll(s, NULL, 10) : -1;
}

/* Whether /proc/@pid/stack holds @fn */
static bool in_stack(pid_t pid, const char *fn)
{
	char path[64], buf[4096];

	snprintf(path, sizeof(path), "/proc/%d/stack", pid);
	return st_read(path, buf, sizeof(buf)) >= 0 && strstr(buf, fn);
}

static void log_stack(pid_t pid, const char *who)
{
	char path[64], buf[4096], *line, *save;

	snprintf(path, sizeof(path), "/proc/%d/stack", pid);
	if (st_read(path, buf, sizeof(buf)) < 0)
		return;
	st_log("%s (pid %d):", who, pid);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		st_log("  %s", line);
}

/*
 * Wait up to @ms for a task (@pid, or any with @pid 0) to sleep in
 * bpf_swap_ext_writeback(): its pid, or 0.  *@cpu: the CPU it is on.
 */
static pid_t kfunc_sleeper(pid_t pid, int ms, int *cpu)
{
	struct dirent *d;
	pid_t found = 0;
	DIR *dir;
	int i;

	for (i = 0; i < ms / 50 && !found; i++) {
		dir = pid ? NULL : opendir("/proc");
		if (pid)
			found = in_stack(pid, "bpf_swap_ext_writeback") ? pid : 0;
		while (dir && !found && (d = readdir(dir)))
			if (atoi(d->d_name) > 0 &&
			    in_stack(atoi(d->d_name), "bpf_swap_ext_writeback"))
				found = atoi(d->d_name);
		if (dir)
			closedir(dir);
		if (!found)
			sleep_ms(50);
	}
	if (found)
		*cpu = (int)proc_stat_field(found, 39);
	return found;
}

/*
 * Take @cpu offline from a child and wait up to OFFLINE_WAIT_S for it:
 * 0, -EIO when the kernel refused, -ETIMEDOUT when it hangs (the child
 * is left stuck in the kernel; @sleeper's stack is logged).
 */
static int offline_within(int cpu, pid_t sleeper)
{
	char path[64];
	int i, wstatus;
	pid_t pid;

	vst_cpu_online_path(path, sizeof(path), cpu);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -EIO;
	if (pid == 0)
		_exit(st_write(path, "0") ? 1 : 0);
	for (i = 0; i < OFFLINE_WAIT_S * 10; i++) {
		if (waitpid(pid, &wstatus, WNOHANG) == pid)
			return WIFEXITED(wstatus) && !WEXITSTATUS(wstatus) ? 0 : -EIO;
		sleep_ms(100);
	}
	log_stack(pid, "the offline");
	log_stack(sleeper, "the kfunc's caller");
	offline_hung = true;
	return -ETIMEDOUT;
}

/* The disk behind @dev has a hardware queue of its own per CPU */
static bool queue_per_cpu(const char *dev)
{
	char path[PATH_MAX];
	struct dirent *d;
	int n = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "/sys/block/%s/mq", strrchr(dev, '/') + 1);
	dir = opendir(path);
	if (!dir)
		return false;
	while ((d = readdir(dir)))
		n += d->d_name[0] != '.';
	closedir(dir);
	return n >= 2;
}

static enum st_status offline_setup(void **ctx)
{
	enum st_status ret;
	struct vst_env *env;

	offline_cpu = vst_hotplug_cpu();
	if (offline_cpu < 0) {
		st_log("SKIP: no CPU to take offline");
		return ST_SKIP;
	}
	if (access(DEBUGFS_PRO_DELAY, W_OK)) {
		st_log("SKIP: no %s", DEBUGFS_PRO_DELAY);
		return ST_SKIP;
	}
	ret = sx_setup(ctx, "swap_ext_proactive_offline", VST_ZSWAP, 1, LIMIT_MIB, HIGH_MIB);
	if (ret != ST_PASS)
		return ret;
	env = *ctx;
	if (!queue_per_cpu(env->tier[0])) {
		st_log("SKIP: %s has one hardware queue: no CPU going offline makes it inactive",
		       env->tier[0]);
		vst_cleanup(env);
		*ctx = NULL;
		return ST_SKIP;
	}
	return ST_PASS;
}

/*
 * One kfunc call under a CPU going offline: @who sleeps in the kfunc on
 * offline_cpu (@pid, or found by its stack with @pid 0) while the test
 * takes the CPU down.
 */
static enum st_status offline_under(const char *who, pid_t pid)
{
	char path[64];
	pid_t sleeper;
	int cpu = -1, ret;

	sleeper = kfunc_sleeper(pid, 30000 * st_time_scale(), &cpu);
	ST_FAIL_IF(!sleeper, "%s never slept in bpf_swap_ext_writeback()", who);
	st_log("%s: pid %d sleeps in bpf_swap_ext_writeback() on CPU %d", who, sleeper, cpu);
	ST_FAIL_IF(cpu != offline_cpu, "%s runs on CPU %d, not %d", who, cpu, offline_cpu);
	ret = offline_within(offline_cpu, sleeper);
	ST_FAIL_IF(ret == -ETIMEDOUT, "CPU %d did not go offline in %d s: %s hangs it", offline_cpu,
		   OFFLINE_WAIT_S, who);
	ST_FAIL_IF(ret, "the kernel refused to take CPU %d offline", offline_cpu);
	ST_FAIL_IF(st_write(vst_cpu_online_path(path, sizeof(path), offline_cpu), "1"),
		   "cannot bring CPU %d back online", offline_cpu);
	return ST_PASS;
}

static enum st_status offline_run(void *arg)
{
	struct vst_env *env = arg;
	char cgarg[320], nrarg[32];
	struct vst_proc held, sw;
	enum st_status st;
	uint64_t runs = 0, own_ok = 0;
	cpu_set_t all;
	long long ret;
	const char *r;
	int i, status;

	ST_CHECK(!sched_getaffinity(0, sizeof(all), &all));
	ST_FAIL_IF(!hold(env, &held, "compressible"), "memverify did not hold");
	ST_FAIL_IF(st_write(DEBUGFS_PRO_DELAY, "%u", OFFLINE_DELAY_MS), "cannot set %s",
		   DEBUGFS_PRO_DELAY);

	/* a syscall program: its task cannot migrate while the program runs */
	snprintf(cgarg, sizeof(cgarg), "cgroup=%s", env->cg);
	snprintf(nrarg, sizeof(nrarg), "nr=%u", WB_NR);
	status = vst_spawn_on(&sw, env->cg, (char *const []){
		(char *)sx_swapctl(), "run", (char *)sx_obj("sx_proactive"), "wb", cgarg, nrarg,
		"min_age_ms=0", NULL }, offline_cpu);
	ST_FAIL_IF(status, "cannot start swapctl run on CPU %d", offline_cpu);
	st = offline_under("swapctl run", sw.pid);
	if (st != ST_PASS) {
		kill(sw.pid, SIGKILL);
		vst_reap(&sw);
		vst_release(&held);
		return st;
	}
	status = vst_reap(&sw);
	r = strstr(sw.out, "  ret = ");
	ret = r ? strtoll(r + 8, NULL, 10) : LLONG_MIN;
	ST_FAIL_IF(status || ret <= 0, "swapctl run: status %d, written back %lld", status, ret);
	st_log("swapctl run: %lld written back across the offline", ret);

	/* a policy's bpf_wq callback: queued on the CPU that attached it */
	ST_CHECK(!vst_pin_cpu(offline_cpu));
	status = sx_attach_obj(env->cg, sx_obj("sx_proactive"), "", NULL, 0);
	sched_setaffinity(0, sizeof(all), &all);
	ST_FAIL_IF(status, "attach failed");
	st = offline_under("the policy's bpf_wq callback", 0);
	if (st != ST_PASS) {
		vst_release(&held);
		return st;
	}
	for (i = 0; i < 100 && !runs; i++) {
		sleep_ms(100);
		sx_stat(env->cg, "wq_runs", &runs);
	}
	sx_stats_log(env->cg);
	ST_CHECK(!sx_stat(env->cg, "own_ok", &own_ok));
	ST_FAIL_IF(runs != 1 || own_ok != 1, "the callback ran %lu times, %lu answers >= 0", runs,
		   own_ok);
	ST_FAIL_IF(sx_detach(env->cg), "detach failed");

	status = vst_release(&held);
	ST_FAIL_IF(status, "memverify failed (%d): data lost", status);
	return ST_PASS;
}

static void offline_cleanup(void *ctx)
{
	char path[64];

	st_write(DEBUGFS_PRO_DELAY, "0");
	/* a hung offline holds the hotplug lock: an online would wait too */
	if (offline_cpu >= 0 && !offline_hung)
		st_write(vst_cpu_online_path(path, sizeof(path), offline_cpu), "1");
	if (ctx)
		sx_detach(((struct vst_env *)ctx)->cg);
	vst_cleanup(ctx);
}

static struct st_test swap_ext_proactive_offline = {
	.name = "swap_ext_proactive_offline",
	.description = "a CPU goes offline under a proactive kfunc's caller, which cannot migrate",
	.setup = offline_setup,
	.run = offline_run,
	.cleanup = offline_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(swap_ext_proactive_offline);
