// SPDX-License-Identifier: GPL-2.0
/*
 * The watchdog: policies that answer legally and still stall the cgroups
 * they govern are ejected with the exit kind "stall", and the workloads -
 * theirs and a neighbour's without a policy - finish with every byte
 * verified.  Each test runs sx_test with a hostile knob in one cgroup
 * while memverify runs there and in a neighbour; the ejection must come
 * within WD_BOUND_S of the attach (times the runner's -T).
 *
 * watchdog_op_budget:   place() spins 1M bpf_loop() rounds per call (a
 *                       few ms natively, ~20 ms under TCG): ejected for
 *                       calls over watchdog_op_budget_us (lowered to
 *                       2 ms, so that it holds on hardware too; the CPU
 *                       budget, which such calls exceed as well, off).
 * watchdog_cpu_budget:  place() spins 500k rounds per call (the per-call
 *                       budget turned off): ejected for ops taking over
 *                       watchdog_cpu_budget_pct of a CPU.  (100k rounds, 2 ms
 *                       a call, took 29 % of a CPU on the debug kernel,
 *                       where the kernel around them is slower, and stayed.)
 * watchdog_wb_full:     writeback() asks for the largest batch, young
 *                       entries included, while zswap writeback finds
 *                       every tier full (debugfs vswap/wb_tier_full:
 *                       since a page in zswap counts against the tiers'
 *                       room, a real tier is not full to writeback unless
 *                       it fails): ejected because its batches write
 *                       nothing back; both workloads verify, their pages
 *                       past zswap going to the tier by swap-out.
 * watchdog_moves_stuck: swapin() promotes every page it reads from the
 *                       slow tier to the fast one while the move worker
 *                       sleeps 15 s before each move (debugfs
 *                       vswap/move_delay_ms): ejected for asking for
 *                       moves while the queue does not drain.
 * watchdog_kfunc_garbage: swapin() asks bpf_swap_ext_promote() to move
 *                       64 random values per call: every call refused,
 *                       no kernel log line, nobody stalled, and the
 *                       policy - legal and quick enough - is NOT ejected.
 * watchdog_knobs:       the three knobs: defaults, ranges, 0 for off.
 */
#include <errno.h>
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

#define WD_DIR		"/sys/kernel/mm/swap_ext"
/* times st_time_scale(): debug kernels are slower to fill a tier */
#define WD_BOUND_S	30	/* attach to ejection, at most */
#define WD_RUN_S	400	/* the workloads' end, at most */
#define WD_LIMIT_MIB	32

/* One hostile policy against one workload, with a neighbour */
struct wd_case {
	const char *knobs;	/* sx_test's */
	const char *work;	/* memverify options in the policy's cgroup */
	const char *neighbour;	/* ... and in the neighbour's */
	const char *exit;	/* last_exit must start with this; NULL: none */
	const char *reason;	/* ... and contain this */
};

struct wd_env {
	struct vst_env *env;
	char neighbour[256];
};

static struct wd_env wd;

static enum st_status wd_setup(void **ctx, const char *name, unsigned int flags,
			       int nr_tiers)
{
	enum st_status st;

	st = sx_setup(ctx, name, flags, nr_tiers, WD_LIMIT_MIB, 0);
	if (st != ST_PASS)
		return st;
	if (access(WD_DIR "/watchdog_timeout_ms", F_OK)) {
		vst_cleanup(*ctx);
		return st_skip("kernel without the swap_ext watchdog");
	}
	wd.env = *ctx;
	if (st_cg_create("watchdog_neighbour", wd.neighbour, sizeof(wd.neighbour)) ||
	    st_cg_write(wd.neighbour, "memory.max", "%uM", WD_LIMIT_MIB)) {
		vst_cleanup(*ctx);
		return ST_FAIL;
	}
	return ST_PASS;
}

static bool wd_write(const char *knob, const char *val)
{
	char path[256];

	snprintf(path, sizeof(path), WD_DIR "/%s", knob);
	return !st_write(path, "%s", val);
}

/*
 * Run @c: neighbour and workload started, the policy attached, then wait
 * for both to end, watching last_exit.
 */
static enum st_status wd_run(const struct wd_case *c)
{
	struct vst_proc work = { .fd = -1 }, nb = { .fd = -1 };
	bool work_done = false, nb_done = false, ejected = false;
	int work_status = 0, nb_status = 0;
	uint64_t oom0 = 0, oom1 = 0;
	unsigned int bound = WD_BOUND_S * st_time_scale();
	unsigned int run_s = WD_RUN_S * st_time_scale();
	double t0, t_eject = 0;
	struct vst_argv av;
	char buf[512];

	ST_FAIL_IF(st_cg_key(wd.env->cg, "memory.events", "oom_kill", &oom0),
		   "cannot read memory.events");
	ST_FAIL_IF(sx_attach_obj(wd.env->cg, sx_obj("sx_test"), c->knobs, NULL, 0),
		   "cannot attach sx_test %s", c->knobs);
	t0 = st_now();
	ST_FAIL_IF(vst_spawn(&nb, wd.neighbour, vst_argv(&av, "memverify", "%s", c->neighbour)),
		   "cannot start the neighbour");
	if (vst_spawn(&work, wd.env->cg, vst_argv(&av, "memverify", "%s", c->work))) {
		vst_reap(&nb);
		ST_FAIL_IF(1, "cannot start the workload");
	}

	while (!work_done || !nb_done) {
		if (!work_done) {
			vst_poll(&work, 50);
			if (vst_exited(&work)) {
				work_status = vst_reap(&work);
				work_done = true;
				st_log("workload ended (%d) after %.1f s", work_status, st_now() - t0);
			}
		}
		if (!nb_done) {
			vst_poll(&nb, 50);
			if (vst_exited(&nb)) {
				nb_status = vst_reap(&nb);
				nb_done = true;
				st_log("neighbour ended (%d) after %.1f s", nb_status, st_now() - t0);
			}
		}
		if (!ejected && c->exit) {
			/* "default" once ejected; last_exit follows the detach */
			sx_policy_of(wd.env->cg, buf, sizeof(buf));
			if (!strncmp(buf, "default", 7)) {
				ejected = true;
				t_eject = st_now() - t0;
				sx_wait_last_exit("sx_test stall", buf, sizeof(buf));
				st_log("ejected after %.1f s: %s", t_eject, buf);
			}
		}
		if (st_now() - t0 > run_s) {
			st_log("workloads still running after %u s: killing them", run_s);
			if (!work_done)
				kill(work.pid, SIGKILL);
			if (!nb_done)
				kill(nb.pid, SIGKILL);
			if (!work_done)
				vst_reap(&work);
			if (!nb_done)
				vst_reap(&nb);
			sx_stats_log(wd.env->cg);
			ST_FAIL_IF(1, "the workloads stalled for %u s", run_s);
		}
	}
	sx_read("policies", buf, sizeof(buf));
	st_log("policies: %s", buf);
	ST_FAIL_IF(st_cg_key(wd.env->cg, "memory.events", "oom_kill", &oom1),
		   "cannot read memory.events");

	ST_FAIL_IF(nb_status != 0, "the neighbour failed (%d): data lost or killed", nb_status);
	ST_FAIL_IF(work_status != 0, "the workload failed (%d): data lost or %s", work_status,
		   oom1 != oom0 ? "OOM-killed" : "killed");

	if (!c->exit) {
		sx_read("policies", buf, sizeof(buf));
		ST_FAIL_IF(strncmp(buf, "sx_test active", 14), "sx_test stopped: %s", buf);
		sx_policy_of(wd.env->cg, buf, sizeof(buf));
		ST_FAIL_IF(strncmp(buf, "sx_test", 7),
			   "a legal, quick policy is gone: memory.swap.policy '%s'", buf);
		return ST_PASS;
	}
	ST_FAIL_IF(!ejected, "the policy was never ejected: %s", buf);
	sx_read("last_exit", buf, sizeof(buf));
	ST_FAIL_IF(strncmp(buf, c->exit, strlen(c->exit)),
		   "last_exit '%s', want '%s...'", buf, c->exit);
	ST_FAIL_IF(!strstr(buf, c->reason), "last_exit '%s' does not say '%s'", buf, c->reason);
	ST_FAIL_IF(t_eject > bound, "ejected after %.1f s, bound %u s", t_eject, bound);
	sx_policy_of(wd.env->cg, buf, sizeof(buf));
	ST_FAIL_IF(strncmp(buf, "default", 7),
		   "after the ejection memory.swap.policy is '%s'", buf);
	return ST_PASS;
}

/* ---------------------------------------------------------------------
 * watchdog_op_budget, watchdog_cpu_budget
 */

/* wd_setup(), then one of the watchdog's knobs set to @val */
static enum st_status wd_setup_knob(void **ctx, const char *name,
				    const char *knob, const char *val)
{
	enum st_status st = wd_setup(ctx, name, VST_ZSWAP, 1);

	if (st == ST_PASS && !wd_write(knob, val)) {
		vst_cleanup(*ctx);
		return ST_FAIL;
	}
	return st;
}

static enum st_status op_budget_setup(void **ctx)
{
	enum st_status st;

	st = wd_setup_knob(ctx, "watchdog_op_budget", "watchdog_op_budget_us", "2000");
	/*
	 * 20 ms calls also take more than half a CPU: without the CPU
	 * budget, which could eject first, the per-call one is what acts
	 */
	if (st == ST_PASS && !wd_write("watchdog_cpu_budget_pct", "0")) {
		vst_cleanup(*ctx);
		return ST_FAIL;
	}
	return st;
}

static enum st_status op_budget_run(void *arg)
{
	static const struct wd_case c = {
		.knobs = "-s place_spin=1000000",
		.work = "-s 64 -p 2 -f mixed",
		.neighbour = "-s 48 -p 2 -f mixed",
		.exit = "sx_test stall place",
		.reason = "over watchdog_op_budget_us",
	};

	return wd_run(&c);
}

static struct st_test watchdog_op_budget = {
	.name = "watchdog_op_budget",
	.description = "place() spinning 1M rounds a call: ejected for its calls' time",
	.setup = op_budget_setup,
	.run = op_budget_run,
	.cleanup = vst_cleanup,
	.timeout = 600,
};
REGISTER_ST_TEST(watchdog_op_budget);

static enum st_status cpu_budget_setup(void **ctx)
{
	return wd_setup_knob(ctx, "watchdog_cpu_budget", "watchdog_op_budget_us", "0");
}

static enum st_status cpu_budget_run(void *arg)
{
	static const struct wd_case c = {
		.knobs = "-s place_spin=500000",
		.work = "-s 64 -p 2 -f mixed",
		.neighbour = "-s 48 -p 2 -f mixed",
		.exit = "sx_test stall",
		.reason = "over watchdog_cpu_budget_pct",
	};

	return wd_run(&c);
}

static struct st_test watchdog_cpu_budget = {
	.name = "watchdog_cpu_budget",
	.description = "place() spinning 500k rounds a call: ejected for its share of the CPU",
	.setup = cpu_budget_setup,
	.run = cpu_budget_run,
	.cleanup = vst_cleanup,
	.timeout = 600,
};
REGISTER_ST_TEST(watchdog_cpu_budget);

/* ---------------------------------------------------------------------
 * watchdog_wb_full
 */

#define WB_TIER_KIB	262144	/* the tier: 256 MiB of the disk */
#define WB_TIER_FULL	"/sys/kernel/debug/vswap/wb_tier_full"

static enum st_status wb_full_setup(void **ctx)
{
	enum st_status st;
	const char *disk;
	int flags;

	if (access(WB_TIER_FULL, W_OK))
		return st_skip("no %s (CONFIG_DEBUG_FS=n, or debugfs not mounted)",
			       WB_TIER_FULL);
	disk = st_disk(0);
	if (!disk)
		return st_skip("needs a virtio disk (run with DISKS>=1)");
	st = wd_setup(ctx, "watchdog_wb_full", VST_ZSWAP, 0);
	if (st != ST_PASS)
		return st;
	flags = SWAP_FLAG_PREFER | ((10 << SWAP_FLAG_PRIO_SHIFT) & SWAP_FLAG_PRIO_MASK);
	if (st_cmd(NULL, 0, "mkswap -f %s %u >/dev/null 2>&1", disk, WB_TIER_KIB) ||
	    swapon(disk, flags) ||
	    st_cg_write(wd.env->cg, "memory.zswap.max", "4M") ||
	    st_write(WB_TIER_FULL, "Y")) {
		st_log("cannot set up a %u KiB tier on %s: %s", WB_TIER_KIB, disk,
		       strerror(errno));
		vst_cleanup(*ctx);
		return ST_FAIL;
	}
	return ST_PASS;
}

static enum st_status wb_full_run(void *arg)
{
	/* 160 MiB at ~3:1 through 32 MiB: 4 MiB of zswap, the rest to the tier */
	static const struct wd_case c = {
		.knobs = "-s wb_max=1 -s wb_tier=-1",
		.work = "-s 160 -p 3 -f compressible",
		.neighbour = "-s 48 -p 3 -f compressible",
		.exit = "sx_test stall writeback",
		.reason = "wrote nothing back",
	};

	return wd_run(&c);
}

static void wb_full_cleanup(void *ctx)
{
	st_write(WB_TIER_FULL, "N");
	vst_cleanup(ctx);
}

static struct st_test watchdog_wb_full = {
	.name = "watchdog_wb_full",
	.description = "writeback() batches while every tier is full to writeback: ejected",
	.setup = wb_full_setup,
	.run = wb_full_run,
	.cleanup = wb_full_cleanup,
	.timeout = 600,
};
REGISTER_ST_TEST(watchdog_wb_full);

/* ---------------------------------------------------------------------
 * watchdog_moves_stuck
 */

#define MOVE_DELAY	"/sys/kernel/debug/vswap/move_delay_ms"
#define MOVE_DELAY_MS	15000	/* the watchdog's timeout is 5 s */

static enum st_status moves_stuck_setup(void **ctx)
{
	enum st_status st;

	if (access(MOVE_DELAY, W_OK))
		return st_skip("no %s (CONFIG_DEBUG_FS=n, or debugfs not mounted)",
			       MOVE_DELAY);
	st = wd_setup(ctx, "watchdog_moves_stuck", 0, 2);
	/*
	 * With zswap off, all 32 MiB were once under writeback to the slow
	 * tier at the workload's OOM kill: memory.high throttles the writer.
	 */
	if (st == ST_PASS &&
	    (st_cg_write(wd.env->cg, "memory.high", "%uM", WD_LIMIT_MIB * 3 / 4) ||
	     st_cg_write(wd.neighbour, "memory.high", "%uM", WD_LIMIT_MIB * 3 / 4) ||
	     st_write(MOVE_DELAY, "%u", MOVE_DELAY_MS))) {
		vst_cleanup(*ctx);
		return ST_FAIL;
	}
	return st;
}

static enum st_status moves_stuck_run(void *arg)
{
	/*
	 * Every page to the slow tier; each one read back, promoted.  The
	 * watchdog ejects for a move asked once the queue has been stuck for
	 * its 5 s: the workload must still be asking then (3 passes took
	 * 5.5 s here, and the policy was never ejected).
	 */
	static const struct wd_case c = {
		.knobs = "-s place_verdict=tier -s place_tier=-2 -s promote_on_swapin=1",
		.work = "-s 64 -p 10 -f random",
		.neighbour = "-s 48 -p 2 -f random",
		.exit = "sx_test stall",
		.reason = "move queue did not drain",
	};
	enum st_status st = wd_run(&c);
	uint64_t promoted = 0;

	if (!sx_stat(wd.env->cg, "promoted", &promoted))
		st_log("%lu promotions queued", promoted);
	return st;
}

/* The moves asleep in the worker end before the tiers go */
static void moves_stuck_cleanup(void *ctx)
{
	st_write(MOVE_DELAY, "0");
	sleep(MOVE_DELAY_MS / 1000 + 1);
	vst_cleanup(ctx);
}

static struct st_test watchdog_moves_stuck = {
	.name = "watchdog_moves_stuck",
	.description = "promote() into a move queue that does not drain: ejected",
	.setup = moves_stuck_setup,
	.run = moves_stuck_run,
	.cleanup = moves_stuck_cleanup,
	.timeout = 600,
};
REGISTER_ST_TEST(watchdog_moves_stuck);

/* ---------------------------------------------------------------------
 * watchdog_kfunc_garbage
 */

static enum st_status garbage_setup(void **ctx)
{
	return wd_setup(ctx, "watchdog_kfunc_garbage", VST_ZSWAP, 1);
}

static enum st_status garbage_run(void *arg)
{
	static const struct wd_case c = {
		.knobs = "-s swapin_garbage=64",
		.work = "-s 64 -p 3 -f random",
		.neighbour = "-s 48 -p 3 -f random",
	};
	uint64_t ok = 0, refused = 0, swapins = 0;
	unsigned int lines;
	enum st_status st;
	int kmsg;

	kmsg = vst_kmsg_open();
	ST_FAIL_IF(kmsg < 0, "cannot read the kernel log");
	st = wd_run(&c);
	lines = vst_kmsg_count(kmsg, "swap");
	close(kmsg);
	if (st != ST_PASS)
		return st;
	ST_FAIL_IF(sx_stat(wd.env->cg, "random_ok", &ok) ||
		   sx_stat(wd.env->cg, "random_refused", &refused) ||
		   sx_stat(wd.env->cg, "swapin", &swapins), "cannot read sx_test's stats");
	st_log("%lu swapin() calls, %lu random moves refused, %lu accepted, %u log lines",
	       swapins, refused, ok, lines);
	ST_FAIL_IF(!refused, "no random value was tried: swapin() never ran");
	ST_FAIL_IF(ok, "%lu random values were accepted as entries", ok);
	ST_FAIL_IF(lines, "%u kernel log lines about swap", lines);
	return ST_PASS;
}

static struct st_test watchdog_kfunc_garbage = {
	.name = "watchdog_kfunc_garbage",
	.description = "promote() on random values: refused, no log line, nobody stalled, not ejected",
	.setup = garbage_setup,
	.run = garbage_run,
	.cleanup = vst_cleanup,
	.timeout = 600,
};
REGISTER_ST_TEST(watchdog_kfunc_garbage);

/* ---------------------------------------------------------------------
 * watchdog_knobs
 */

static enum st_status knobs_setup(void **ctx)
{
	if (!st_swap_ext_available())
		return st_skip("kernel without swap_ext");
	if (access(WD_DIR "/watchdog_timeout_ms", F_OK))
		return st_skip("kernel without the swap_ext watchdog");
	return ST_PASS;
}

static enum st_status knobs_run(void *arg)
{
	static const struct {
		const char *knob, *dflt, *good[3], *bad[4];
		int bad_err[4];
	} k[] = {
		{ "watchdog_timeout_ms", "5000", { "0", "100", "600000" },
		  { "99", "600001", "-1", "x" }, { ERANGE, ERANGE, EINVAL, EINVAL } },
		{ "watchdog_op_budget_us", "10000", { "0", "10", "10000000" },
		  { "9", "10000001", "1.5", "12us" }, { ERANGE, ERANGE, EINVAL, EINVAL } },
		{ "watchdog_cpu_budget_pct", "50", { "0", "1", "100" },
		  { "4294967296", "-5", "fifty", "0x" }, { ERANGE, EINVAL, EINVAL, EINVAL } },
	};
	char path[256], buf[64];
	unsigned int i, j;
	int err;

	for (i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		snprintf(path, sizeof(path), WD_DIR "/%s", k[i].knob);
		ST_FAIL_IF(st_read(path, buf, sizeof(buf)) < 0, "cannot read %s", path);
		buf[strcspn(buf, "\n")] = 0;
		ST_FAIL_IF(strcmp(buf, k[i].dflt), "%s is %s, default %s", k[i].knob, buf,
			   k[i].dflt);
		for (j = 0; j < 3; j++) {
			ST_FAIL_IF(vst_try_write(path, k[i].good[j]), "%s = %s refused",
				   k[i].knob, k[i].good[j]);
			ST_FAIL_IF(st_read(path, buf, sizeof(buf)) < 0, "cannot read %s", path);
			ST_FAIL_IF(strtoul(buf, NULL, 10) != strtoul(k[i].good[j], NULL, 10),
				   "%s reads %s after %s", k[i].knob, buf, k[i].good[j]);
		}
		for (j = 0; j < 4; j++) {
			err = vst_try_write(path, k[i].bad[j]);
			ST_FAIL_IF(err != -k[i].bad_err[j], "%s = '%s': %s, want %s", k[i].knob,
				   k[i].bad[j], strerror(-err), strerror(k[i].bad_err[j]));
			ST_FAIL_IF(st_read(path, buf, sizeof(buf)) < 0, "cannot read %s", path);
			ST_FAIL_IF(strtoul(buf, NULL, 10) != strtoul(k[i].good[2], NULL, 10),
				   "%s changed to %s by a refused write", k[i].knob, buf);
		}
		ST_FAIL_IF(vst_try_write(path, k[i].dflt), "cannot restore %s", k[i].knob);
	}
	return ST_PASS;
}

static struct st_test watchdog_knobs = {
	.name = "watchdog_knobs",
	.description = "the watchdog's knobs: defaults, ranges, 0 for off",
	.setup = knobs_setup,
	.run = knobs_run,
	.timeout = 60,
};
REGISTER_ST_TEST(watchdog_knobs);
