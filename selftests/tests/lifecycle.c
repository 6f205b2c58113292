// SPDX-License-Identifier: GPL-2.0
/*
 * Lifecycle races: every path that starts or stops something - a policy's
 * ejection and unregistration, vswap's enable and disable - run while
 * pages swap, and where the window is too narrow to hit by chance, widened
 * with a debugfs delay knob (the *_delay_ms files of
 * /sys/kernel/debug/swap_ext, 0 by default).  Every workload verifies
 * every byte it reads back; a crash, a KASAN report or a lockdep splat
 * fails the run.
 *
 * lifecycle_eject_unreg: a policy whose place() returns an invalid verdict
 *                       every N calls is attached; the moment it is seen
 *                       ejected, its last link is removed.  The ejection
 *                       waits eject_delay_ms between claiming the exit and
 *                       queueing its work, so the unregistration runs in
 *                       that window every round: the work item must not
 *                       outlive the policy (it did: a use-after-free in
 *                       swap_ext_eject_workfn), exit() runs once (kind
 *                       error), and the workload's data verifies.
 * lifecycle_vswap_toggle: vswap disabled and enabled again and again while
 *                       a workload swaps to a tier, zswap off: the virtual
 *                       device must not be handed out by the stock
 *                       allocator before vswap knows it is virtual, nor
 *                       after it stopped being (it was: a GPF in
 *                       filemap_get_entry()), and every byte verifies.
 * lifecycle_vswap_toggle_zswap: the same with zswap on.
 * lifecycle_swapon_toggle: a child swaps a second disk on and off back to
 *                       back while vswap is disabled and enabled and a
 *                       workload swaps (zswap on, vda as tier): a disk
 *                       swapped on while vswap is on has no swap_cgroup
 *                       pages until a disable gives it them, so a swapon
 *                       racing a disable must not leave one without them
 *                       when stock entries come.  Every byte verifies, no
 *                       warning, and memory.swap.current comes back.
 * lifecycle_promote_foreign: a policy on cgroup A whose swapin() asks
 *                       bpf_swap_ext_promote() for entries near its own
 *                       while cgroup B (no policy) swaps beside it: entries
 *                       of B are refused with -EPERM, entries that cannot
 *                       exist are refused without a log line, A's own are
 *                       accepted, and both workloads verify.
 * lifecycle_attach_dying: swapctl attach to a cgroup that is removed while
 *                       the policy loads: the attach is refused (the
 *                       cgroup is dying) or detached when the cgroup goes
 *                       offline; either way no policy stays attached and
 *                       no removed cgroup stays held (nr_dying_descendants
 *                       back to 0), though swapctl's pinned links remain.
 * lifecycle_tier_swapoff_limit: one tier that zswap writes back to
 *                       (memory.zswap.max 4M), swapped off while the cgroup
 *                       that owns its pages sits at memory.max: swapoff
 *                       finishes, or fails with ENOMEM/EBUSY/EINTR as
 *                       stock's does, within SWAPOFF_BOUND_S, and the
 *                       workload verifies (the tier used to be retried
 *                       forever).
 * lifecycle_wb_store_bound: writeback() asks 256 entries for a cgroup over
 *                       memory.zswap.max: inside a store (direct reclaim,
 *                       a folio locked) at most 32 are written back a call.
 * lifecycle_wb_starve_per_cgroup: one policy on the parent of A and B, both
 *                       over memory.zswap.max; writeback() spares A (nr 0)
 *                       and serves B: every fourth nothing in a row for A
 *                       is still overruled (wb_forced), whatever B gets in
 *                       between.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/swap.h>
#include <sys/wait.h>

#include "runner.h"
#include "lib/st.h"
#include "lib/sx.h"
#include "lib/vst.h"

#define WORK_MIB	64	/* memverify's size */
#define LIMIT_MIB	32	/* the cgroup's memory.max */
#define HIGH_MIB	24	/* and memory.high */

#define DEBUGFS_SWAP_EXT	"/sys/kernel/debug/swap_ext"

/*
 * A memverify kept running in @cg: started again whenever a run ends,
 * each run's status checked.
 */
struct lc_work {
	struct vst_proc p;
	const char *cg;
	const char *args;
	unsigned int runs;
	bool running;
};

static int lc_work_start(struct lc_work *w)
{
	struct vst_argv av;

	if (vst_spawn(&w->p, w->cg, vst_argv(&av, "memverify", "%s", w->args)))
		return -1;
	w->running = true;
	return 0;
}

/* Let @w run for @ms; restart it if it ended well.  -1: data lost. */
static int lc_work_poll(struct lc_work *w, int ms)
{
	int status;

	vst_poll(&w->p, ms);
	if (!vst_exited(&w->p))
		return 0;
	w->running = false;
	status = vst_reap(&w->p);
	w->runs++;
	if (status) {
		st_log("memverify run %u failed (%d)", w->runs, status);
		return -1;
	}
	return lc_work_start(w);
}

/* Wait for the last run; its status. */
static int lc_work_finish(struct lc_work *w)
{
	int status;

	if (!w->running)
		return 0;
	w->running = false;
	status = vst_reap(&w->p);
	w->runs++;
	return status;
}

static bool lc_delay_set(const char *knob, unsigned int ms)
{
	char path[256];

	snprintf(path, sizeof(path), DEBUGFS_SWAP_EXT "/%s", knob);
	if (access(path, W_OK))
		return false;
	return !st_write(path, "%u", ms);
}

/* ---------------------------------------------------------------------
 * lifecycle_eject_unreg
 */

#define EJECT_ROUNDS		8
#define EJECT_DELAY_MS		400
#define EJECT_INVALID_EVERY	"-s invalid_every=300"

static enum st_status eject_unreg_setup(void **ctx)
{
	return sx_setup(ctx, "lifecycle_eject_unreg", VST_ZSWAP, 1, LIMIT_MIB, HIGH_MIB);
}

/* Poll until the policy is listed as ejected: its line, or false */
static bool wait_ejected(struct lc_work *w, char *buf, size_t len, bool *lost)
{
	double end = st_now() + 60;

	while (st_now() < end) {
		sx_read("policies", buf, len);
		if (strstr(buf, " ejected "))
			return true;
		if (lc_work_poll(w, 2)) {
			*lost = true;
			return false;
		}
	}
	return false;
}

static enum st_status eject_unreg_run(void *arg)
{
	struct vst_env *env = arg;
	struct lc_work w = { .cg = env->cg, .args = "-s 64 -p 6 -f mixed" };
	char buf[4096];
	bool widened, lost = false;
	unsigned int round;
	int status;

	widened = lc_delay_set("eject_delay_ms", EJECT_DELAY_MS);
	if (!widened)
		st_log("no %s/eject_delay_ms: the race window is not widened",
		       DEBUGFS_SWAP_EXT);
	ST_FAIL_IF(lc_work_start(&w), "cannot start memverify");

	for (round = 0; round < EJECT_ROUNDS; round++) {
		double t0;

		ST_FAIL_IF(sx_attach(env->cg, EJECT_INVALID_EVERY),
			   "round %u: attach failed", round);
		if (!wait_ejected(&w, buf, sizeof(buf), &lost)) {
			lc_delay_set("eject_delay_ms", 0);
			ST_FAIL_IF(lost, "round %u: data lost", round);
			ST_FAIL_IF(1, "round %u: the policy was not ejected in 60 s: %s",
				   round, buf);
		}
		/* the ejection's work is not queued yet: drop the last link */
		t0 = st_now();
		ST_FAIL_IF(sx_detach(env->cg), "round %u: detach failed", round);
		ST_FAIL_IF(!sx_wait_none(), "round %u: policy left after detach", round);
		st_log("round %u: detached %.0f ms after the ejection was seen", round,
		       (st_now() - t0) * 1000);
		ST_FAIL_IF(!sx_wait_last_exit("sx_test error", buf, sizeof(buf)),
			   "round %u: last_exit is not the ejection", round);
		ST_FAIL_IF(!strstr(buf, "place() returned 42"),
			   "round %u: last_exit '%s' does not name the verdict", round, buf);
		ST_FAIL_IF(lc_work_poll(&w, 100), "round %u: data lost", round);
	}
	lc_delay_set("eject_delay_ms", 0);
	status = lc_work_finish(&w);
	ST_FAIL_IF(status, "memverify failed (%d): data lost", status);
	st_log("%u rounds, %u memverify runs verified, window %s", EJECT_ROUNDS, w.runs,
	       widened ? "widened" : "not widened");
	return ST_PASS;
}

static void eject_unreg_cleanup(void *ctx)
{
	lc_delay_set("eject_delay_ms", 0);
	vst_cleanup(ctx);
}

static struct st_test lifecycle_eject_unreg = {
	.name = "lifecycle_eject_unreg",
	.description = "the last link goes while an ejection is under way: no use after free",
	.setup = eject_unreg_setup,
	.run = eject_unreg_run,
	.cleanup = eject_unreg_cleanup,
	.timeout = 600,
};
REGISTER_ST_TEST(lifecycle_eject_unreg);

/* ---------------------------------------------------------------------
 * lifecycle_vswap_toggle, lifecycle_vswap_toggle_zswap
 */

#define TOGGLES		30

static enum st_status toggle_setup(void **ctx)
{
	return vst_setup(ctx, "lifecycle_vswap_toggle", 0, 1, LIMIT_MIB, HIGH_MIB);
}

static enum st_status toggle_zswap_setup(void **ctx)
{
	return vst_setup(ctx, "lifecycle_vswap_toggle_zswap", VST_ZSWAP, 1, LIMIT_MIB,
			 HIGH_MIB);
}

static enum st_status toggle_run(void *arg)
{
	struct vst_env *env = arg;
	struct lc_work w[2] = {
		{ .cg = env->cg, .args = "-s 48 -p 4 -f random" },
		{ .cg = env->cg, .args = "-s 48 -p 4 -f mixed" },
	};
	unsigned int i, j, on = 0, off = 0, refused = 0;
	int status, err;

	for (j = 0; j < 2; j++)
		ST_FAIL_IF(lc_work_start(&w[j]), "cannot start memverify");
	/* let them fill the cgroup and start swapping */
	for (j = 0; j < 2; j++)
		ST_FAIL_IF(lc_work_poll(&w[j], 1000), "data lost");
	/*
	 * Back to back: a switch flips while the other one's allocations
	 * and writeouts are still in flight.
	 */
	for (i = 0; i < 2 * TOGGLES; i++) {
		const char *val = (i & 1) ? "1" : "0";

		for (j = 0; j < 2; j++)
			ST_FAIL_IF(lc_work_poll(&w[j], i % 4 ? 0 : 100),
				   "toggle %u: data lost", i);
		err = vst_try_write(VSWAP_DIR "/enabled", val);
		if (err) {
			/* swapoff of the virtual device may fail as stock's does */
			st_log("toggle %u: enabled=%s: %s", i, val, strerror(-err));
			ST_FAIL_IF(*val == '1', "enabling vswap failed");
			refused++;
			continue;
		}
		if (*val == '1')
			on++;
		else
			off++;
		ST_FAIL_IF(st_vswap_enabled() != (*val == '1'),
			   "toggle %u: enabled does not read %s", i, val);
	}
	if (!st_vswap_enabled())
		ST_FAIL_IF(st_write(VSWAP_DIR "/enabled", "1"), "cannot enable vswap");
	for (j = 0; j < 2; j++) {
		status = lc_work_finish(&w[j]);
		ST_FAIL_IF(status, "memverify failed (%d): data lost", status);
	}
	st_log("%u disables, %u enables, %u disables refused, %u + %u memverify runs verified",
	       off, on, refused, w[0].runs, w[1].runs);
	ST_FAIL_IF(!off, "vswap was never disabled under load");
	return ST_PASS;
}

static struct st_test lifecycle_vswap_toggle = {
	.name = "lifecycle_vswap_toggle",
	.description = "vswap disabled and enabled under load, zswap off: nothing lost",
	.setup = toggle_setup,
	.run = toggle_run,
	.cleanup = vst_cleanup,
	.timeout = 900,
};
REGISTER_ST_TEST(lifecycle_vswap_toggle);

static struct st_test lifecycle_vswap_toggle_zswap = {
	.name = "lifecycle_vswap_toggle_zswap",
	.description = "vswap disabled and enabled under load, zswap on: nothing lost",
	.setup = toggle_zswap_setup,
	.run = toggle_run,
	.cleanup = vst_cleanup,
	.timeout = 900,
};
REGISTER_ST_TEST(lifecycle_vswap_toggle_zswap);

/* ---------------------------------------------------------------------
 * lifecycle_swapon_toggle
 */

#define SWAPON_TOGGLE_S	30	/* how long swapon/swapoff and toggles go on */

static char swapon_toggle_dev[32];	/* the disk swapped on and off */

static enum st_status swapon_toggle_setup(void **ctx)
{
	enum st_status st;
	const char *dev;

	st = vst_setup(ctx, "lifecycle_swapon_toggle", VST_ZSWAP, 1, LIMIT_MIB, HIGH_MIB);
	if (st != ST_PASS)
		return st;
	dev = st_disk(1);
	if (!dev) {
		vst_cleanup(*ctx);
		return st_skip("needs a second disk");
	}
	snprintf(swapon_toggle_dev, sizeof(swapon_toggle_dev), "%s", dev);
	return ST_PASS;
}

/* The child: @dev swapped on and off until @end; exits with the swapons */
static void __attribute__((noreturn)) swapon_toggle_child(const char *dev, double end)
{
	unsigned int on = 0;

	while (st_now() < end) {
		if (!swapon(dev, SWAP_FLAG_PREFER | (5 << SWAP_FLAG_PRIO_SHIFT)))
			on++;
		usleep(20000);
		swapoff(dev);
	}
	_exit(on > 250 ? 250 : on);
}

static enum st_status swapon_toggle_run(void *arg)
{
	struct vst_env *env = arg;
	struct lc_work w = { .cg = env->cg, .args = "-s 48 -p 4 -f mixed" };
	const char *dev = swapon_toggle_dev;
	unsigned int off = 0, on = 0, refused = 0;
	int status = 0, err;
	uint64_t cur = 0;
	double end;
	pid_t pid;

	ST_FAIL_IF(st_cmd(NULL, 0, "mkswap -f %s >/dev/null 2>&1", dev), "mkswap %s failed", dev);
	ST_FAIL_IF(lc_work_start(&w), "cannot start memverify");
	ST_FAIL_IF(lc_work_poll(&w, 1000), "data lost");
	end = st_now() + SWAPON_TOGGLE_S;
	pid = fork();
	ST_FAIL_IF(pid < 0, "fork: %s", strerror(errno));
	if (!pid)
		swapon_toggle_child(dev, end);
	/* a swapon's choice of swap_cgroup map against the disable's maps */
	while (st_now() < end) {
		bool was_on = st_vswap_enabled();

		if (lc_work_poll(&w, 50)) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			ST_FAIL_IF(true, "data lost");
		}
		if (vst_try_write(VSWAP_DIR "/enabled", was_on ? "0" : "1")) {
			refused++;
			continue;
		}
		if (was_on)
			off++;
		else
			on++;
	}
	waitpid(pid, &status, 0);
	swapoff(dev);
	if (!st_vswap_enabled())
		ST_FAIL_IF(st_write(VSWAP_DIR "/enabled", "1"), "cannot enable vswap");
	status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	ST_FAIL_IF(status <= 0, "%s was never swapped on (%d)", dev, status);
	ST_FAIL_IF(lc_work_finish(&w), "memverify failed: data lost");
	st_log("%d%s swapons of %s; %u disables, %u enables, %u refused; %u memverify runs verified",
	       status, status == 250 ? "+" : "", dev, off, on, refused, w.runs);
	ST_FAIL_IF(!off, "vswap was never disabled");
	/* every charge comes back: none was recorded where its uncharge misses */
	err = vst_wait_uncharged(env->cg, 30000, true, &cur);
	st_log("memory.swap.current %lu kB after the last run (allowed %lu kB)",
	       cur / 1024, vst_swap_linger() / 1024);
	ST_FAIL_IF(err, "memory.swap.current %lu kB after the last run: charges not uncharged (%s)",
		   cur / 1024, strerror(-err));
	return ST_PASS;
}

static struct st_test lifecycle_swapon_toggle = {
	.name = "lifecycle_swapon_toggle",
	.description = "a disk swapped on and off while vswap is disabled and enabled under load: charges come back, nothing lost",
	.setup = swapon_toggle_setup,
	.run = swapon_toggle_run,
	.cleanup = vst_cleanup,
	.timeout = 900,
};
REGISTER_ST_TEST(lifecycle_swapon_toggle);

/* ---------------------------------------------------------------------
 * lifecycle_promote_foreign
 */

static enum st_status promote_setup(void **ctx)
{
	return sx_setup(ctx, "lifecycle_promote_a", 0, 2, LIMIT_MIB, HIGH_MIB);
}

static enum st_status promote_run(void *arg)
{
	struct vst_env *env = arg;
	uint64_t ok = 0, eperm = 0, enoent = 0, other = 0, gok = 0, gref = 0;
	struct vst_argv av;
	struct vst_proc a, b;
	char cg_b[256];
	unsigned int bad;
	int kmsg, sa, sb;

	ST_CHECK(!st_cg_create("lifecycle_promote_b", cg_b, sizeof(cg_b)));
	ST_CHECK(!st_cg_write(cg_b, "memory.max", "%llu", LIMIT_MIB * MiB));
	ST_CHECK(!st_cg_write(cg_b, "memory.high", "%llu", HIGH_MIB * MiB));
	/* A's pages on the slow tier; every 8th swap-in probes 8 neighbours */
	ST_FAIL_IF(sx_attach(env->cg, "-s place_verdict=tier -s place_tier=-2 -s promote_probe=8"),
		   "attach failed");
	kmsg = vst_kmsg_open();
	ST_FAIL_IF(vst_spawn(&b, cg_b, vst_argv(&av, "memverify", "-s 48 -p 2 -f random")),
		   "cannot start memverify in B");
	ST_FAIL_IF(vst_spawn(&a, env->cg, vst_argv(&av, "memverify", "-s 48 -p 2 -f random")),
		   "cannot start memverify in A");
	sa = vst_reap(&a);
	sb = vst_reap(&b);
	ST_FAIL_IF(sa || sb, "memverify failed (A %d, B %d): data lost", sa, sb);

	sx_stats_log(env->cg);
	ST_CHECK(!sx_stat(env->cg, "probe_ok", &ok));
	ST_CHECK(!sx_stat(env->cg, "probe_eperm", &eperm));
	ST_CHECK(!sx_stat(env->cg, "probe_enoent", &enoent));
	ST_CHECK(!sx_stat(env->cg, "probe_other", &other));
	ST_CHECK(!sx_stat(env->cg, "garbage_ok", &gok));
	ST_CHECK(!sx_stat(env->cg, "garbage_refused", &gref));
	bad = vst_kmsg_count(kmsg, "Bad swap");
	st_log("neighbours: %llu accepted, %llu -EPERM, %llu -ENOENT, %llu other; impossible: %llu accepted, %llu refused; %u 'Bad swap' log lines",
	       (unsigned long long)ok, (unsigned long long)eperm,
	       (unsigned long long)enoent, (unsigned long long)other,
	       (unsigned long long)gok, (unsigned long long)gref, bad);
	ST_FAIL_IF(sx_detach(env->cg), "detach failed");
	ST_FAIL_IF(!gref, "swapin() never probed: no page came back from a tier");
	ST_FAIL_IF(gok, "%llu impossible entries were accepted", (unsigned long long)gok);
	ST_FAIL_IF(bad, "the kernel logged %u 'Bad swap' lines for refused entries", bad);
	ST_FAIL_IF(!ok, "no entry of the policy's own cgroup was accepted");
	ST_FAIL_IF(!eperm, "no entry of the other cgroup was refused with -EPERM");
	return ST_PASS;
}

static struct st_test lifecycle_promote_foreign = {
	.name = "lifecycle_promote_foreign",
	.description = "bpf_swap_ext_promote() refuses other cgroups' and impossible entries",
	.setup = promote_setup,
	.run = promote_run,
	.cleanup = vst_cleanup,
	.timeout = 600,
};
REGISTER_ST_TEST(lifecycle_promote_foreign);

/* ---------------------------------------------------------------------
 * lifecycle_attach_dying
 */

#define DYING_ROUNDS	12

static enum st_status dying_setup(void **ctx)
{
	return sx_setup(ctx, "lifecycle_dying", VST_ZSWAP, 0, 0, 0);
}

static enum st_status dying_run(void *arg)
{
	struct vst_env *env = arg;
	unsigned int round, attached = 0, refused = 0;
	uint64_t dying = 0;
	char out[4096];
	int i;

	ST_CHECK(!st_cg_write(env->cg, "cgroup.subtree_control", "+memory"));
	for (round = 0; round < DYING_ROUNDS; round++) {
		char cg[512];

		snprintf(cg, sizeof(cg), "%s/c%u", env->cg, round);
		ST_FAIL_IF(st_cmd(NULL, 0, "mkdir %s", cg), "mkdir %s failed", cg);
		/* the attach loads the object first: rmdir lands before, in or after reg() */
		st_cmd(out, sizeof(out),
		       "%s attach %s %s >/dev/null 2>&1 & pid=$!; sleep 0.%u; rmdir %s; wait $pid; echo $?",
		       sx_swapctl(), sx_obj("sx_test"), cg, (round * 7) % 10, cg);
		if (atoi(out) == 0)
			attached++;
		else
			refused++;
	}
	st_log("%u attaches succeeded (detached by the removal), %u refused", attached,
	       refused);
	ST_FAIL_IF(!sx_wait_none(), "a policy is still attached to a removed cgroup");
	for (i = 0; i < 200; i++) {
		ST_CHECK(!st_cg_key(env->cg, "cgroup.stat", "nr_dying_descendants", &dying));
		if (!dying)
			break;
		usleep(100000);
	}
	ST_FAIL_IF(dying, "%llu removed cgroups still held 20 s later (pinned links: %s)",
		   (unsigned long long)dying,
		   st_cmd(out, sizeof(out), "ls %s 2>&1 | tr '\\n' ' '", SWAP_EXT_PIN_DIR) ?
		   "?" : out);
	return ST_PASS;
}

static struct st_test lifecycle_attach_dying = {
	.name = "lifecycle_attach_dying",
	.description = "attach races cgroup removal: refused or detached, no cgroup held",
	.setup = dying_setup,
	.run = dying_run,
	.cleanup = vst_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(lifecycle_attach_dying);

/* ---------------------------------------------------------------------
 * lifecycle_tier_swapoff_limit
 */

#define SWAPOFF_BACKING_PAGES	1024	/* 4 MiB on the tier before swapoff */
#define SWAPOFF_BOUND_S		90	/* longest a swapoff may take here */

/*
 * One tier, zswap on, the cgroup at 32 MiB with memory.zswap.max 4 MiB, so
 * that zswap writes back to the tier; @policy: skip without swap_ext.
 */
static enum st_status zswap_max_setup(void **ctx, const char *name, bool policy)
{
	enum st_status st = policy ?
		sx_setup(ctx, name, VST_ZSWAP, 1, LIMIT_MIB, HIGH_MIB) :
		vst_setup(ctx, name, VST_ZSWAP, 1, LIMIT_MIB, HIGH_MIB);
	struct vst_env *env;

	if (st != ST_PASS)
		return st;
	env = *ctx;
	if (st_cg_write(env->cg, "memory.zswap.max", "%llu", 4 * MiB)) {
		vst_cleanup(env);
		return ST_FAIL;
	}
	return ST_PASS;
}

static enum st_status swapoff_limit_setup(void **ctx)
{
	/* writeback runs into the tier as it goes */
	return zswap_max_setup(ctx, "lifecycle_tier_swapoff_limit", false);
}

static enum st_status swapoff_limit_run(void *arg)
{
	struct vst_env *env = arg;
	struct vst_gauges g = {};
	struct vst_argv av;
	struct vst_proc p;
	double t0, dt;
	int ret, err = 0, status;

	ST_FAIL_IF(vst_spawn(&p, env->cg, vst_argv(&av, "memverify", "-s 64 -p 4 -f mixed")),
		   "cannot start memverify");
	t0 = st_now();
	while (vst_poll(&p, 100) && !vst_exited(&p) && st_now() - t0 < 120) {
		vst_sample(env, &g);
		if (g.backing[0] >= SWAPOFF_BACKING_PAGES)
			break;
	}
	if (g.backing[0] < SWAPOFF_BACKING_PAGES) {
		status = vst_reap(&p);
		ST_FAIL_IF(1, "the tier backed only %llu pages (workload status %d)",
			   (unsigned long long)g.backing[0], status);
	}
	/* the cgroup stays at memory.max: what moves off the tier is charged there */
	st_log("swapoff %s with %llu pages backed, cgroup at memory.max", env->tier[0],
	       (unsigned long long)g.backing[0]);
	t0 = st_now();
	ret = swapoff(env->tier[0]);
	if (ret)
		err = errno;
	dt = st_now() - t0;
	st_log("swapoff: %s in %.1f s", ret ? strerror(err) : "done", dt);
	/*
	 * Without its tier, 64 MiB cannot live in a 32 MiB cgroup: lift the
	 * limits so the workload can finish and verify what it had out.
	 */
	ST_CHECK(!st_cg_write(env->cg, "memory.high", "max"));
	ST_CHECK(!st_cg_write(env->cg, "memory.max", "max"));
	ST_CHECK(!st_cg_write(env->cg, "memory.zswap.max", "max"));
	status = vst_reap(&p);
	ST_FAIL_IF(status, "memverify failed (%d): data lost", status);
	ST_FAIL_IF(dt > SWAPOFF_BOUND_S, "swapoff took %.0f s (bound %d s)", dt,
		   SWAPOFF_BOUND_S);
	ST_FAIL_IF(ret && err != ENOMEM && err != EBUSY && err != EINTR,
		   "swapoff failed with %s, not ENOMEM/EBUSY/EINTR", strerror(err));
	return ST_PASS;
}

static struct st_test lifecycle_tier_swapoff_limit = {
	.name = "lifecycle_tier_swapoff_limit",
	.description = "swapoff of a tier zswap writes back to, owner at memory.max: bounded",
	.setup = swapoff_limit_setup,
	.run = swapoff_limit_run,
	.cleanup = vst_cleanup,
	.timeout = 600,
};
REGISTER_ST_TEST(lifecycle_tier_swapoff_limit);

/* ---------------------------------------------------------------------
 * lifecycle_wb_store_bound
 */

#define WB_STORE_MAX	32	/* SWAP_EXT_WB_STORE_MAX */

static enum st_status wb_bound_setup(void **ctx)
{
	return zswap_max_setup(ctx, "lifecycle_wb_store_bound", true);
}

static enum st_status wb_bound_run(void *arg)
{
	struct vst_env *env = arg;
	uint64_t limit = 0, pool = 0, shrink = 0, wb0, wb1, wb, bound;
	int status;

	ST_FAIL_IF(sx_attach(env->cg, "-s wb_nr=256"), "attach failed");
	wb0 = st_vmstat("zswpwb");
	status = st_memverify(env->cg, WORK_MIB, 2, "compressible", "");
	wb1 = st_vmstat("zswpwb");
	ST_FAIL_IF(status, "memverify failed (%d): data lost", status);
	sx_stats_log(env->cg);
	ST_CHECK(!sx_stat(env->cg, "wb_limit", &limit));
	ST_CHECK(!sx_stat(env->cg, "wb_pool", &pool));
	ST_CHECK(!sx_stat(env->cg, "wb_shrink", &shrink));
	ST_FAIL_IF(sx_detach(env->cg), "detach failed");
	wb = wb1 - wb0;
	bound = WB_STORE_MAX * limit + 256 * (pool + shrink);
	st_log("%llu entries written back for %llu writeback() calls in stores (%.1f a call), %llu pool, %llu shrinker; bound %llu",
	       (unsigned long long)wb, (unsigned long long)limit,
	       limit ? (double)wb / limit : 0.0, (unsigned long long)pool,
	       (unsigned long long)shrink, (unsigned long long)bound);
	ST_FAIL_IF(!limit || !wb, "no writeback over memory.zswap.max to measure");
	ST_FAIL_IF(wb > bound, "a store wrote back more than %d entries a call",
		   WB_STORE_MAX);
	return ST_PASS;
}

static struct st_test lifecycle_wb_store_bound = {
	.name = "lifecycle_wb_store_bound",
	.description = "writeback() asking 256 inside a store writes back at most 32",
	.setup = wb_bound_setup,
	.run = wb_bound_run,
	.cleanup = vst_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(lifecycle_wb_store_bound);

/* ---------------------------------------------------------------------
 * lifecycle_wb_starve_per_cgroup
 */

static enum st_status starve_setup(void **ctx)
{
	return sx_setup(ctx, "lifecycle_starve", VST_ZSWAP, 1, 0, 0);
}

/* memverify in @parent/@name, over memory.zswap.max 4M */
static int starve_child(const char *parent, const char *name, char *cg, size_t len,
			struct vst_proc *p)
{
	struct vst_argv av;

	snprintf(cg, len, "%s/%s", parent, name);
	if (st_cmd(NULL, 0, "mkdir -p %s", cg) ||
	    st_cg_write(cg, "memory.max", "%llu", LIMIT_MIB * MiB) ||
	    st_cg_write(cg, "memory.high", "%llu", HIGH_MIB * MiB) ||
	    st_cg_write(cg, "memory.zswap.max", "%llu", 4 * MiB))
		return -1;
	return vst_spawn(p, cg, vst_argv(&av, "memverify", "-s 64 -p 2 -f compressible"));
}

static enum st_status starve_run(void *arg)
{
	struct vst_env *env = arg;
	char cg_a[512], cg_b[512], knobs[128];
	uint64_t wb_a = 0, wb_b = 0, spared = 0, forced;
	struct vst_proc a, b;
	char buf[4096];
	const char *p;
	int sa, sb;

	ST_CHECK(!st_cg_write(env->cg, "cgroup.subtree_control", "+memory"));
	snprintf(cg_a, sizeof(cg_a), "%s/a", env->cg);
	ST_CHECK(!st_cmd(NULL, 0, "mkdir -p %s", cg_a));
	/* one policy for both: it spares A, writes back for B */
	snprintf(knobs, sizeof(knobs), "-s wb_spare_cgroup=%llu",
		 (unsigned long long)sx_cg_id(cg_a));
	ST_FAIL_IF(sx_attach(env->cg, knobs), "attach failed");
	ST_FAIL_IF(starve_child(env->cg, "a", cg_a, sizeof(cg_a), &a), "cannot start A");
	ST_FAIL_IF(starve_child(env->cg, "b", cg_b, sizeof(cg_b), &b), "cannot start B");
	sa = vst_reap(&a);
	sb = vst_reap(&b);
	sx_stats_log(env->cg);
	ST_FAIL_IF(sa || sb, "memverify failed (A %d, B %d): data lost", sa, sb);
	ST_CHECK(!st_cg_key(cg_a, "memory.stat", "zswpwb", &wb_a));
	ST_CHECK(!st_cg_key(cg_b, "memory.stat", "zswpwb", &wb_b));
	ST_CHECK(!sx_stat(env->cg, "wb_spared", &spared));
	sx_read("policies", buf, sizeof(buf));
	p = strstr(buf, " wb_forced=");
	ST_FAIL_IF(!p, "no wb_forced in policies: %s", buf);
	forced = strtoull(p + strlen(" wb_forced="), NULL, 10);
	st_log("A spared by the policy in %llu calls, overruled %llu times; written back: A %llu, B %llu",
	       (unsigned long long)spared, (unsigned long long)forced,
	       (unsigned long long)wb_a, (unsigned long long)wb_b);
	ST_FAIL_IF(sx_detach(env->cg), "detach failed");
	ST_FAIL_IF(!wb_b || spared < 8, "B written back %llu, A spared %llu times: nothing to compare",
		   (unsigned long long)wb_b, (unsigned long long)spared);
	/*
	 * Every fourth nothing in a row for A is overruled with the built-in
	 * batch, whatever B gets in between: about spared / 4.  (Here A's
	 * calls come in runs, so a count per policy came close: 5275 against
	 * 6605.  This checks that the guard holds for a spared cgroup beside
	 * a served one; without the guard it is 0.)
	 */
	ST_FAIL_IF(forced < spared / 8,
		   "A, spared %llu times over its zswap limit, was overruled only %llu times",
		   (unsigned long long)spared, (unsigned long long)forced);
	return ST_PASS;
}

static struct st_test lifecycle_wb_starve_per_cgroup = {
	.name = "lifecycle_wb_starve_per_cgroup",
	.description = "a policy that writes back nothing for one cgroup is overruled per cgroup",
	.setup = starve_setup,
	.run = starve_run,
	.cleanup = vst_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(lifecycle_wb_starve_per_cgroup);
