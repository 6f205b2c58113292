// SPDX-License-Identifier: GPL-2.0
/*
 * swap_ext: BPF policies decide where a cgroup's pages go.  The policy is
 * bpf/sx_test.bpf.o, whose every answer is a knob (see its top comment),
 * attached with swapctl (pinned link, swapctl exits) or bpftool.  Every
 * workload verifies every byte it reads back; every test skips on a
 * kernel without /sys/kernel/mm/swap_ext.
 *
 * swap_ext_root:        bpftool struct_ops register attaches to the root:
 *                       listed with cgroup 1, inherited by a test cgroup
 *                       (memory.swap.policy), its place() and compressed()
 *                       see the pages a zswap workload pushes out; removing
 *                       the pinned link unregisters it (last_exit unreg).
 * swap_ext_keep:        place() = KEEP: MADV_PAGEOUT leaves the pages in
 *                       memory (mincore), counted as vswap_keep; no zswap
 *                       store, no disk write.
 * swap_ext_tier:        place() = TIER with zswap on: pages go to the tier,
 *                       none to zswap; the swap_ext_place tracepoint shows
 *                       the verdicts.
 * swap_ext_compressed:  compressed() sends pages that compress to more
 *                       than 256 bytes to the tier: every page it sends away
 *                       is written to the tier, every page it keeps is
 *                       stored in zswap.
 * swap_ext_swapin_drop: swapin() = DROP: pages read back from the tier
 *                       give their tier slot up (vswap_move).
 * swap_ext_promote:     two tiers, place() on the slow one, swapin() calls
 *                       bpf_swap_ext_promote() to the fast one: >= 90 % of
 *                       the promotions move a page (a page read back and
 *                       mapped is still on its tier slot), in batched
 *                       writes (<= 1 request per 8 pages; one a page before
 *                       the worker batched, 3 per 4 before it waited for a
 *                       batch): the fast tier ends up backing pages it was
 *                       never given.
 * swap_ext_writeback:   writeback() asks for batches of 32 under
 *                       memory.zswap.max: the op runs for the limit and
 *                       zswap writes back; place() reads the cgroup's
 *                       zswap and tier pages and the tiers through the
 *                       kfuncs.
 * swap_ext_wb_starve:   writeback() asks for nothing while the cgroup is
 *                       over memory.zswap.max: the kernel overrules it
 *                       (wb_forced) and zswap still writes back.
 * swap_ext_isolation:   two cgroups, KEEP in one and TIER in the other:
 *                       each behaves as its policy says, each policy sees
 *                       only its own cgroup.
 * swap_ext_inherit:     a child inherits its parent's policy, its own
 *                       overrides it, detaching restores the inherited one,
 *                       and removing the child drops its link.
 * swap_ext_reattach:    policies attached and detached five times while a
 *                       workload swaps.
 * swap_ext_place_fail, swap_ext_tier_fail, swap_ext_swapin_fail,
 * swap_ext_writeback_fail, swap_ext_error_fail: an invalid verdict (or
 *                       bpf_swap_ext_error()) ejects the policy: the reason
 *                       names the op, exit() runs once with kind error, the
 *                       cgroup is back on the default policy, no data lost.
 * swap_ext_attach_fail: cgroup_attach() returning -EACCES, or init() 1,
 *                       refuses the attach and leaves nothing behind.
 * swap_ext_cap_fail:   with CAP_BPF and CAP_PERFMON but not CAP_SYS_ADMIN,
 *                       the policy loads and the attach is refused.
 * swap_ext_verifier_fail: a place() that writes a read-only argument, and
 *                       a sleepable place(), do not load.
 * swap_ext_eject_fail:  /sys/kernel/mm/swap_ext/eject ejects every policy.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "runner.h"
#include "lib/st.h"
#include "lib/sx.h"
#include "lib/vst.h"

#define WORK_MIB	64	/* memverify's size */
#define LIMIT_MIB	32	/* the cgroup's memory.max */
#define HIGH_MIB	24	/* and memory.high */
#define PAGEOUT_MIB	32	/* vswapwork's size (MADV_PAGEOUT) */

#define MIN_OUT_PAGES	((WORK_MIB - LIMIT_MIB) * MiB / VST_PAGE)
#define PAGEOUT_PAGES	(PAGEOUT_MIB * MiB / VST_PAGE)

/* swap_ext_op + 1, as sx_test's exit() records it */
#define OP_PLACE	1
#define OP_WRITEBACK	3
#define OP_SWAPIN	4

/* ---------------------------------------------------------------------
 * Helpers
 */

/* memverify in env->cg, measured */
static int sx_memverify(struct vst_env *env, const char *fill, unsigned int passes,
			struct vst_result *r)
{
	struct vst_argv av;

	return vst_run_measured(env, vst_argv(&av, "memverify", "-s %u -p %u -f %s",
					      WORK_MIB, passes, fill), r, NULL);
}

/* vswapwork -m anon in @cg: its status; pages out after page out 1 */
static int sx_pageout(struct vst_env *env, const char *fill, uint64_t *out1,
		      struct vst_result *r)
{
	struct vst_argv av;
	struct vst_proc p;
	int status;

	status = vst_run_measured(env, vst_argv(&av, "vswapwork", "-m anon -s %u -p 1 -f %s",
						PAGEOUT_MIB, fill), r, &p);
	if (!vst_out_u64(&p, "out1", out1))
		*out1 = UINT64_MAX;
	return status;
}

/* ---------------------------------------------------------------------
 * swap_ext_root: bpftool struct_ops register
 */

/* "sx_test active cgroups=1 place=N ...": the value of @key, or -1 */
static long long policies_key(const char *buf, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), " %s=", key);
	p = strstr(buf, pat);
	return p ? strtoll(p + strlen(pat), NULL, 10) : -1;
}

static enum st_status root_setup(void **ctx)
{
	return sx_setup(ctx, "swap_ext_root", VST_ZSWAP, 1, LIMIT_MIB, HIGH_MIB);
}

static enum st_status root_run(void *arg)
{
	struct vst_env *env = arg;
	char bpftool[PATH_MAX], buf[4096], policy[128];
	struct vst_result r;
	long long place, compressed;
	int ret;

	st_build_path(bpftool, sizeof(bpftool), "tools/sbin", "bpftool");
	ST_CHECK(!st_cmd(NULL, 0, "mkdir -p %s", ST_BPF_DIR));
	ret = st_cmd(buf, sizeof(buf), "%s struct_ops register %s %s 2>&1", bpftool,
		     sx_obj("sx_test"), ST_BPF_DIR);
	st_log("bpftool struct_ops register: %d: %s", ret, buf);
	ST_FAIL_IF(ret, "bpftool struct_ops register failed");

	sx_read("policies", buf, sizeof(buf));
	st_log("policies: %s", buf);
	ST_FAIL_IF(strncmp(buf, "sx_test active cgroups=1 ", 25),
		   "want sx_test active on cgroup 1 (the root)");
	ST_FAIL_IF(!sx_wait_policy(env->cg, "sx_test inherited"),
		   "the test cgroup does not inherit the root's policy");

	ret = sx_memverify(env, "compressible", 2, &r);
	ST_FAIL_IF(ret, "memverify failed (%d): data lost", ret);
	sx_read("policies", buf, sizeof(buf));
	st_log("policies: %s", buf);
	place = policies_key(buf, "place");
	compressed = policies_key(buf, "compressed");
	ST_FAIL_IF(place < (long long)MIN_OUT_PAGES,
		   "place() ran %lld times for >= %llu pages out", place, MIN_OUT_PAGES);
	ST_FAIL_IF(compressed < (long long)r.d.v[VST_ZSWPOUT],
		   "compressed() ran %lld times for %lu zswap stores", compressed,
		   r.d.v[VST_ZSWPOUT]);

	ST_CHECK(!st_cmd(NULL, 0, "rm -rf %s", ST_BPF_DIR));
	ST_FAIL_IF(!sx_wait_none(), "the policy is still listed after its link went");
	ST_FAIL_IF(!sx_wait_last_exit("sx_test unreg", buf, sizeof(buf)),
		   "last_exit does not record the unregistration");
	sx_policy_of(env->cg, policy, sizeof(policy));
	ST_FAIL_IF(strcmp(policy, "default"), "memory.swap.policy '%s' after unregister",
		   policy);
	return ST_PASS;
}

static struct st_test swap_ext_root = {
	.name = "swap_ext_root",
	.description = "bpftool struct_ops register attaches a policy to the root cgroup",
	.setup = root_setup,
	.run = root_run,
	.cleanup = vst_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(swap_ext_root);

/* ---------------------------------------------------------------------
 * swap_ext_keep, swap_ext_tier, swap_ext_compressed
 */

static enum st_status keep_setup(void **ctx)
{
	return sx_setup(ctx, "swap_ext_keep", VST_ZSWAP, 1, 0, 0);
}

static enum st_status keep_run(void *arg)
{
	struct vst_env *env = arg;
	struct vst_result r;
	uint64_t out1, place;
	int status;

	ST_FAIL_IF(sx_attach(env->cg, "-s place_verdict=keep"), "attach failed");
	/* swapctl has exited: the pinned link keeps the policy */
	ST_FAIL_IF(!sx_wait_policy(env->cg, "sx_test attached"), "not attached");

	status = sx_pageout(env, "compressible", &out1, &r);
	sx_stats_log(env->cg);
	ST_FAIL_IF(status, "vswapwork failed (%d): data lost", status);
	ST_CHECK(!sx_stat(env->cg, "place", &place));
	ST_FAIL_IF(out1 > PAGEOUT_PAGES / 20, "%lu of %llu pages left memory under KEEP",
		   out1, PAGEOUT_PAGES);
	ST_FAIL_IF(place < PAGEOUT_PAGES * 9 / 10, "place() ran %lu times for %llu pages",
		   place, PAGEOUT_PAGES);
	ST_FAIL_IF(r.d.v[VST_KEEP] < PAGEOUT_PAGES * 9 / 10, "vswap_keep %lu, want >= %llu",
		   r.d.v[VST_KEEP], PAGEOUT_PAGES * 9 / 10);
	ST_FAIL_IF(r.d.v[VST_ZSWPOUT] || r.d.v[VST_PSWPOUT],
		   "KEEP, yet zswpout %lu pswpout %lu", r.d.v[VST_ZSWPOUT],
		   r.d.v[VST_PSWPOUT]);
	return ST_PASS;
}

static struct st_test swap_ext_keep = {
	.name = "swap_ext_keep",
	.description = "place() = KEEP keeps a cgroup's pages in memory",
	.setup = keep_setup,
	.run = keep_run,
	.cleanup = vst_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(swap_ext_keep);

#define TRACING		"/sys/kernel/tracing"

/*
 * @on: clear the trace and enable swap_ext:swap_ext_place; 0 or -1.
 * !@on: disable it; the number of events traced with verdict tier (2).
 */
static int trace_place(bool on)
{
	char out[64];

	if (on) {
		if (access(TRACING "/trace", W_OK))
			st_cmd(NULL, 0, "mount -t tracefs nodev %s", TRACING);
		if (st_cmd(NULL, 0, ": > %s/trace", TRACING) ||
		    st_write(TRACING "/events/swap_ext/swap_ext_place/enable", "1"))
			return -1;
		return 0;
	}
	st_write(TRACING "/events/swap_ext/swap_ext_place/enable", "0");
	if (st_cmd(out, sizeof(out), "grep -c 'swap_ext_place: policy=sx_test .*verdict=2' %s/trace",
		   TRACING) > 1)
		return -1;
	st_log("%d swap_ext_place events with verdict tier in the trace buffer", atoi(out));
	return atoi(out);
}

static enum st_status tier_setup(void **ctx)
{
	return sx_setup(ctx, "swap_ext_tier", VST_ZSWAP, 1, LIMIT_MIB, HIGH_MIB);
}

static enum st_status tier_run(void *arg)
{
	struct vst_env *env = arg;
	struct vst_result r;
	uint64_t place;
	int status, traced;

	ST_FAIL_IF(sx_attach(env->cg, "-s place_verdict=tier -s place_tier=-2"),
		   "attach failed");
	ST_FAIL_IF(trace_place(true), "cannot enable swap_ext:swap_ext_place");
	status = sx_memverify(env, "compressible", 2, &r);
	traced = trace_place(false);
	sx_stats_log(env->cg);
	ST_FAIL_IF(status, "memverify failed (%d): data lost", status);
	ST_FAIL_IF(traced <= 0, "no swap_ext_place event with verdict tier traced");
	ST_CHECK(!sx_stat(env->cg, "place", &place));
	ST_FAIL_IF(place < MIN_OUT_PAGES, "place() ran %lu times", place);
	ST_FAIL_IF(r.d.v[VST_ZSWPOUT], "TIER, yet zswap stored %lu pages",
		   r.d.v[VST_ZSWPOUT]);
	ST_FAIL_IF(r.d.v[VST_PSWPOUT] < MIN_OUT_PAGES, "pswpout %lu, want >= %llu",
		   r.d.v[VST_PSWPOUT], MIN_OUT_PAGES);
	ST_FAIL_IF(!r.peak.backing[0], "the tier never backed a page");
	return ST_PASS;
}

static struct st_test swap_ext_tier = {
	.name = "swap_ext_tier",
	.description = "place() = TIER sends compressible pages past zswap to the tier",
	.setup = tier_setup,
	.run = tier_run,
	.cleanup = vst_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(swap_ext_tier);

static enum st_status compressed_setup(void **ctx)
{
	return sx_setup(ctx, "swap_ext_compressed", VST_ZSWAP, 1, LIMIT_MIB, HIGH_MIB);
}

static enum st_status compressed_run(void *arg)
{
	struct vst_env *env = arg;
	uint64_t calls, over;
	struct vst_result r;
	int status;

	/*
	 * Mixed pages: random ones zswap refuses before compressed() runs,
	 * zero ones never reach zswap, compressible ones compress to about
	 * 700 bytes and same-filled ones to a few dozen: the cut at 256
	 * sends the compressible ones to the tier and keeps the others.
	 */
	ST_FAIL_IF(sx_attach(env->cg, "-s compressed_over=256 -s compressed_verdict=tier"),
		   "attach failed");
	status = sx_memverify(env, "mixed", 2, &r);
	sx_stats_log(env->cg);
	ST_FAIL_IF(status, "memverify failed (%d): data lost", status);
	ST_CHECK(!sx_stat(env->cg, "compressed", &calls));
	ST_CHECK(!sx_stat(env->cg, "compressed_over", &over));
	ST_FAIL_IF(over < MIN_OUT_PAGES / 8, "compressed() sent %lu of %lu pages away", over,
		   calls);
	ST_FAIL_IF(!r.d.v[VST_ZSWPOUT], "nothing stayed in zswap");
	/* what the policy sent away was written, what it kept was stored */
	ST_FAIL_IF(r.d.v[VST_PSWPOUT] < over, "%lu pages sent to the tier, %lu written",
		   over, r.d.v[VST_PSWPOUT]);
	ST_FAIL_IF(r.d.v[VST_ZSWPOUT] > calls - over ||
		   r.d.v[VST_ZSWPOUT] < (calls - over) * 99 / 100,
		   "zswap stored %lu pages; compressed() kept %lu", r.d.v[VST_ZSWPOUT],
		   calls - over);
	return ST_PASS;
}

static struct st_test swap_ext_compressed = {
	.name = "swap_ext_compressed",
	.description = "compressed() sends poorly compressing pages to the tier",
	.setup = compressed_setup,
	.run = compressed_run,
	.cleanup = vst_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(swap_ext_compressed);

/* ---------------------------------------------------------------------
 * swap_ext_swapin_drop, swap_ext_promote, swap_ext_writeback
 */

static enum st_status drop_setup(void **ctx)
{
	return sx_setup(ctx, "swap_ext_swapin_drop", 0, 1, 0, 0);
}

static enum st_status drop_run(void *arg)
{
	struct vst_env *env = arg;
	uint64_t out1, swapins;
	struct vst_result r;
	int status;

	ST_FAIL_IF(sx_attach(env->cg, "-s place_verdict=tier -s swapin_verdict=drop"),
		   "attach failed");
	status = sx_pageout(env, "random", &out1, &r);
	sx_stats_log(env->cg);
	ST_FAIL_IF(status, "vswapwork failed (%d): data lost", status);
	ST_CHECK(!sx_stat(env->cg, "swapin", &swapins));
	ST_FAIL_IF(out1 < PAGEOUT_PAGES * 9 / 10, "only %lu pages out", out1);
	ST_FAIL_IF(swapins < out1 / 2, "swapin() ran %lu times for %lu pages out",
		   swapins, out1);
	ST_FAIL_IF(r.d.v[VST_MOVE] < swapins / 2, "DROP moved %lu of %lu pages off the tier",
		   r.d.v[VST_MOVE], swapins);
	return ST_PASS;
}

static struct st_test swap_ext_swapin_drop = {
	.name = "swap_ext_swapin_drop",
	.description = "swapin() = DROP frees the tier copy of pages read back",
	.setup = drop_setup,
	.run = drop_run,
	.cleanup = vst_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(swap_ext_swapin_drop);

static enum st_status promote_setup(void **ctx)
{
	return sx_setup(ctx, "swap_ext_promote", 0, 2, 0, 0);
}

static enum st_status promote_run(void *arg)
{
	struct vst_env *env = arg;
	uint64_t out1, promoted;
	struct vst_result r;
	int status;

	ST_FAIL_IF(sx_attach(env->cg, "-s place_verdict=tier -s place_tier=-2 -s promote_on_swapin=1"),
		   "attach failed");
	status = sx_pageout(env, "random", &out1, &r);
	sx_stats_log(env->cg);
	ST_FAIL_IF(status, "vswapwork failed (%d): data lost", status);
	ST_CHECK(!sx_stat(env->cg, "promoted", &promoted));
	ST_FAIL_IF(out1 < PAGEOUT_PAGES * 9 / 10, "only %lu pages out", out1);
	ST_FAIL_IF(promoted < out1 / 2, "%lu promotions queued for %lu pages", promoted,
		   out1);
	/*
	 * a page read back stays on its tier slot, held by the swap cache
	 * once mapped: every promotion finds something to move
	 */
	ST_FAIL_IF(r.d.v[VST_MOVE] * 10 < promoted * 9, "%lu pages moved for %lu promotions",
		   r.d.v[VST_MOVE], promoted);
	/* promotions asked one page at a time go to the fast tier in batches */
	st_log("%lu pages moved, %lu write requests to the fast tier", r.d.v[VST_MOVE],
	       r.writes);
	ST_FAIL_IF(r.writes * 8 > r.d.v[VST_MOVE],
		   "%lu write requests to the fast tier for %lu moves: not batched", r.writes,
		   r.d.v[VST_MOVE]);
	ST_FAIL_IF(!r.peak.backing[0], "the fast tier never backed a page");
	ST_FAIL_IF(!r.peak.backing[1], "the slow tier never backed a page");
	return ST_PASS;
}

static struct st_test swap_ext_promote = {
	.name = "swap_ext_promote",
	.description = "bpf_swap_ext_promote() moves pages from the slow tier to the fast one",
	.setup = promote_setup,
	.run = promote_run,
	.cleanup = vst_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(swap_ext_promote);

#define ZSWAP_MAX_MIB	4

static enum st_status wb_setup(void **ctx)
{
	enum st_status st = sx_setup(ctx, "swap_ext_writeback", VST_ZSWAP, 1, LIMIT_MIB,
				     HIGH_MIB);
	struct vst_env *env;

	if (st != ST_PASS)
		return st;
	env = *ctx;
	if (st_cg_write(env->cg, "memory.zswap.max", "%llu", ZSWAP_MAX_MIB * MiB)) {
		vst_cleanup(env);
		return ST_FAIL;
	}
	return ST_PASS;
}

static enum st_status wb_run(void *arg)
{
	struct vst_env *env = arg;
	uint64_t calls, limit, uz, up, ue, te;
	struct vst_result r;
	int status;

	ST_FAIL_IF(sx_attach(env->cg, "-s wb_nr=32 -s probe_usage=1"), "attach failed");
	status = sx_memverify(env, "compressible", 2, &r);
	sx_stats_log(env->cg);
	ST_FAIL_IF(status, "memverify failed (%d): data lost", status);
	ST_CHECK(!sx_stat(env->cg, "writeback", &calls));
	ST_CHECK(!sx_stat(env->cg, "wb_limit", &limit));
	/* the kfuncs: the cgroup's zswap and tier pages, the tier */
	ST_CHECK(!sx_stat(env->cg, "usage_zswap", &uz));
	ST_CHECK(!sx_stat(env->cg, "usage_phys", &up));
	ST_CHECK(!sx_stat(env->cg, "usage_errors", &ue));
	ST_CHECK(!sx_stat(env->cg, "tier_errors", &te));
	ST_FAIL_IF(ue, "bpf_swap_ext_cgroup_pages() failed %lu times", ue);
	ST_FAIL_IF(!uz || !up, "the policy saw %lu zswap and %lu tier pages", uz, up);
	ST_FAIL_IF(te, "bpf_swap_ext_nr_tiers()/bpf_swap_ext_tier() wrong %lu times", te);
	st_log("%lu pages written back, %.1f pages per write request",
	       r.d.v[VST_ZSWPWB], r.writes ? (double)r.sectors / 8 / r.writes : 0.0);
	ST_FAIL_IF(!limit, "writeback() never ran for memory.zswap.max (%lu calls)", calls);
	ST_FAIL_IF(!r.d.v[VST_ZSWPWB], "nothing written back");
	return ST_PASS;
}

/*
 * A policy's min age: entries younger than it stay in zswap.  With an
 * age longer than the test, nothing may be written back (zswap rejects
 * what does not fit and it goes to the tier); with 200 ms, entries of
 * a run that lasts seconds are old enough.
 */
/* Pages written back by a compressible workload under sx_test with @min_age_ms */
static enum st_status wb_min_age_phase(struct vst_env *env, const char *min_age_ms,
				       uint64_t *wb)
{
	char knobs[64];
	struct vst_result r;
	int status;

	snprintf(knobs, sizeof(knobs), "-s wb_nr=32 -s wb_min_age_ms=%s", min_age_ms);
	ST_FAIL_IF(sx_attach(env->cg, knobs), "attach with min age %s ms failed", min_age_ms);
	status = sx_memverify(env, "compressible", 2, &r);
	sx_stats_log(env->cg);
	ST_FAIL_IF(status, "memverify failed (%d): data lost", status);
	*wb = r.d.v[VST_ZSWPWB];
	st_log("min age %s ms: %lu pages written back", min_age_ms, *wb);
	ST_FAIL_IF(sx_detach(env->cg), "detach failed");
	return ST_PASS;
}

static enum st_status wb_min_age_run(void *arg)
{
	struct vst_env *env = arg;
	uint64_t wb;

	if (wb_min_age_phase(env, "600000", &wb) != ST_PASS)
		return ST_FAIL;
	ST_FAIL_IF(wb, "%lu pages younger than 10 minutes written back", wb);
	if (wb_min_age_phase(env, "200", &wb) != ST_PASS)
		return ST_FAIL;
	ST_FAIL_IF(!wb, "nothing older than 200 ms written back");
	return ST_PASS;
}

static struct st_test swap_ext_wb_min_age = {
	.name = "swap_ext_wb_min_age",
	.description = "writeback() spares entries younger than its min age",
	.setup = wb_setup,
	.run = wb_min_age_run,
	.cleanup = vst_cleanup,
	.timeout = 400,
};
REGISTER_ST_TEST(swap_ext_wb_min_age);

static enum st_status starve_setup(void **ctx)
{
	return wb_setup(ctx);
}

static enum st_status starve_run(void *arg)
{
	struct vst_env *env = arg;
	struct vst_result r;
	char buf[4096];
	long long forced;
	int status;

	ST_FAIL_IF(sx_attach(env->cg, "-s wb_nothing=1"), "attach failed");
	status = sx_memverify(env, "compressible", 2, &r);
	sx_stats_log(env->cg);
	ST_FAIL_IF(status, "memverify failed (%d): data lost", status);
	sx_read("policies", buf, sizeof(buf));
	st_log("policies: %s", buf);
	forced = policies_key(buf, "wb_forced");
	ST_FAIL_IF(forced <= 0, "the kernel never overruled a writeback() of nothing");
	ST_FAIL_IF(!r.d.v[VST_ZSWPWB], "nothing written back: the cgroup starved");
	return ST_PASS;
}

static struct st_test swap_ext_wb_starve = {
	.name = "swap_ext_wb_starve",
	.description = "a writeback() that asks for nothing over the limit is overruled",
	.setup = starve_setup,
	.run = starve_run,
	.cleanup = vst_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(swap_ext_wb_starve);

static struct st_test swap_ext_writeback = {
	.name = "swap_ext_writeback",
	.description = "writeback() shapes zswap writeback over memory.zswap.max",
	.setup = wb_setup,
	.run = wb_run,
	.cleanup = vst_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(swap_ext_writeback);

/* ---------------------------------------------------------------------
 * swap_ext_isolation, swap_ext_inherit, swap_ext_reattach
 */

struct two_env {
	struct vst_env a;		/* a.cg: the first cgroup */
	struct vst_env b;		/* b.cg only: the second */
};

static enum st_status isolation_setup(void **ctx)
{
	enum st_status st;
	struct two_env *t;
	struct vst_env *env;

	st = sx_setup((void **)&env, "swap_ext_iso_a", 0, 1, 0, 0);
	if (st != ST_PASS)
		return st;
	t = calloc(1, sizeof(*t));
	if (!t) {
		vst_cleanup(env);
		return ST_FAIL;
	}
	t->a = *env;
	free(env);
	t->b = t->a;
	if (st_cg_create("swap_ext_iso_b", t->b.cg, sizeof(t->b.cg)) ||
	    st_cg_write(t->b.cg, "memory.swap.max", "max")) {
		vst_env_cleanup(&t->a);
		free(t);
		return ST_FAIL;
	}
	*ctx = t;
	return ST_PASS;
}

static void isolation_cleanup(void *ctx)
{
	struct two_env *t = ctx;

	vst_env_cleanup(&t->a);
	free(t);
}

static enum st_status isolation_run(void *arg)
{
	struct two_env *t = arg;
	uint64_t out_a, out_b, foreign_a, foreign_b, place_a, place_b;
	struct vst_result ra, rb;
	char knobs[128];
	int sa, sb;

	snprintf(knobs, sizeof(knobs), "-s place_verdict=keep -s expect_cgroup=%lu",
		 sx_cg_id(t->a.cg));
	ST_FAIL_IF(sx_attach(t->a.cg, knobs), "attach to A failed");
	snprintf(knobs, sizeof(knobs), "-s place_verdict=tier -s expect_cgroup=%lu",
		 sx_cg_id(t->b.cg));
	ST_FAIL_IF(sx_attach(t->b.cg, knobs), "attach to B failed");
	ST_FAIL_IF(!sx_wait_policy(t->a.cg, "sx_test attached"), "A");
	ST_FAIL_IF(!sx_wait_policy(t->b.cg, "sx_test attached"), "B");

	sa = sx_pageout(&t->a, "random", &out_a, &ra);
	sb = sx_pageout(&t->b, "random", &out_b, &rb);
	sx_stats_log(t->a.cg);
	sx_stats_log(t->b.cg);
	ST_FAIL_IF(sa || sb, "vswapwork failed (A %d, B %d): data lost", sa, sb);
	ST_FAIL_IF(out_a > PAGEOUT_PAGES / 20, "A (KEEP): %lu pages left memory", out_a);
	ST_FAIL_IF(out_b < PAGEOUT_PAGES * 9 / 10, "B (TIER): only %lu pages left memory",
		   out_b);
	ST_CHECK(!sx_stat(t->a.cg, "foreign", &foreign_a));
	ST_CHECK(!sx_stat(t->b.cg, "foreign", &foreign_b));
	ST_CHECK(!sx_stat(t->a.cg, "place", &place_a));
	ST_CHECK(!sx_stat(t->b.cg, "place", &place_b));
	ST_FAIL_IF(!place_a || !place_b, "place() calls: A %lu, B %lu", place_a, place_b);
	ST_FAIL_IF(foreign_a, "A's policy decided %lu times for another cgroup", foreign_a);
	ST_FAIL_IF(foreign_b, "B's policy decided %lu times for another cgroup", foreign_b);
	return ST_PASS;
}

static struct st_test swap_ext_isolation = {
	.name = "swap_ext_isolation",
	.description = "two cgroups with two policies each get their own decisions",
	.setup = isolation_setup,
	.run = isolation_run,
	.cleanup = isolation_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(swap_ext_isolation);

static enum st_status inherit_setup(void **ctx)
{
	enum st_status st = sx_setup(ctx, "swap_ext_inherit", 0, 1, 0, 0);
	struct vst_env *env;
	char child[PATH_MAX];

	if (st != ST_PASS)
		return st;
	env = *ctx;
	/* the workload runs in the child: the parent keeps no processes */
	snprintf(child, sizeof(child), "%s/child", env->cg);
	if (st_cg_write(env->cg, "cgroup.subtree_control", "+memory") ||
	    mkdir(child, 0755) || st_cg_write(child, "memory.swap.max", "max")) {
		vst_cleanup(env);
		return ST_FAIL;
	}
	return ST_PASS;
}

static enum st_status inherit_run(void *arg)
{
	struct vst_env *env = arg;
	struct vst_env child = *env;
	const char *parent = env->cg;
	uint64_t out1, foreign;
	struct vst_result r;
	char buf[4096];
	int status, i;

	ST_FAIL_IF(snprintf(child.cg, sizeof(child.cg), "%s/child", parent) >=
		   (int)sizeof(child.cg), "cgroup path too long");

	snprintf(buf, sizeof(buf), "-s place_verdict=keep -s expect_cgroup=%lu",
		 sx_cg_id(child.cg));
	ST_FAIL_IF(sx_attach(parent, buf), "attach to the parent failed");
	ST_FAIL_IF(!sx_wait_policy(child.cg, "sx_test inherited"), "child does not inherit");
	status = sx_pageout(&child, "random", &out1, &r);
	ST_FAIL_IF(status, "vswapwork failed (%d): data lost", status);
	ST_FAIL_IF(out1 > PAGEOUT_PAGES / 20, "inherited KEEP: %lu pages left memory", out1);
	ST_CHECK(!sx_stat(parent, "foreign", &foreign));
	ST_FAIL_IF(foreign, "the parent's policy decided %lu times for another cgroup than the child",
		   foreign);

	ST_FAIL_IF(sx_attach(child.cg, "-s place_verdict=tier"), "attach to the child failed");
	ST_FAIL_IF(!sx_wait_policy(child.cg, "sx_test attached"), "child's own policy");
	status = sx_pageout(&child, "random", &out1, &r);
	ST_FAIL_IF(status, "vswapwork failed (%d): data lost", status);
	ST_FAIL_IF(out1 < PAGEOUT_PAGES * 9 / 10, "own TIER: only %lu pages left memory", out1);

	ST_FAIL_IF(sx_detach(child.cg), "detach from the child failed");
	ST_FAIL_IF(!sx_wait_policy(child.cg, "sx_test inherited"),
		   "detaching did not restore the inherited policy");

	/* a cgroup removed with a policy attached drops its link */
	ST_FAIL_IF(sx_attach(child.cg, "-s place_verdict=tier"), "reattach to the child failed");
	sx_read("policies", buf, sizeof(buf));
	st_log("policies: %s", buf);
	ST_FAIL_IF(rmdir(child.cg), "rmdir %s: %s", child.cg, strerror(errno));
	/* the cgroup goes offline from a work item: give it 5 s */
	for (i = 0; i < 500; i++) {
		sx_read("policies", buf, sizeof(buf));
		if (strchr(buf, '\n') == buf + strlen(buf) - 1)
			break;
		usleep(10000);
	}
	st_log("policies: %s", buf);
	ST_FAIL_IF(i == 500, "the removed child's policy is still listed");
	ST_FAIL_IF(!strstr(buf, "sx_test active cgroups=") ||
		   strtoull(strstr(buf, "cgroups=") + 8, NULL, 10) != sx_cg_id(parent),
		   "the parent's policy is not the one left");
	ST_FAIL_IF(sx_detach(parent), "detach from the parent failed");
	ST_FAIL_IF(!sx_wait_policy(parent, "default"), "parent");
	return ST_PASS;
}

static struct st_test swap_ext_inherit = {
	.name = "swap_ext_inherit",
	.description = "children inherit, override and fall back; a removed cgroup drops its link",
	.setup = inherit_setup,
	.run = inherit_run,
	.cleanup = vst_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(swap_ext_inherit);

static enum st_status reattach_setup(void **ctx)
{
	return sx_setup(ctx, "swap_ext_reattach", VST_ZSWAP, 1, LIMIT_MIB, HIGH_MIB);
}

static enum st_status reattach_run(void *arg)
{
	static const char *const knobs[] = {
		"-s place_verdict=tier", "-s place_verdict=keep",
		"-s compressed_over=1024", "-s place_verdict=zswap",
		"-s swapin_verdict=drop",
	};
	struct vst_env *env = arg;
	struct vst_argv av;
	struct vst_proc p;
	unsigned int i;
	int status;

	ST_FAIL_IF(vst_spawn(&p, env->cg, vst_argv(&av, "memverify", "-s %u -p 4 -f mixed",
						   WORK_MIB)), "cannot start memverify");
	for (i = 0; i < 5; i++) {
		vst_poll(&p, 1000);
		ST_FAIL_IF(sx_attach(env->cg, knobs[i]), "attach %u failed", i);
		vst_poll(&p, 1000);
		ST_FAIL_IF(sx_detach(env->cg), "detach %u failed", i);
	}
	status = vst_reap(&p);
	ST_FAIL_IF(status, "memverify failed (%d): data lost", status);
	ST_FAIL_IF(!sx_wait_none(), "policies left after the last detach");
	return ST_PASS;
}

static struct st_test swap_ext_reattach = {
	.name = "swap_ext_reattach",
	.description = "attach and detach under load lose nothing",
	.setup = reattach_setup,
	.run = reattach_run,
	.cleanup = vst_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(swap_ext_reattach);

/* ---------------------------------------------------------------------
 * Ejection: *_fail
 */

struct eject_case {
	const char *knobs;
	unsigned int flags;		/* VST_* */
	int nr_tiers;
	bool zswap_max;			/* memory.zswap.max 4M */
	const char *fill;
	const char *reason;		/* in last_exit */
	uint64_t op;			/* exit_op sx_test records */
};

static const struct eject_case eject_place = {
	"-s place_verdict=42", VST_ZSWAP, 1, false, "compressible",
	"place() returned 42", OP_PLACE,
};
static const struct eject_case eject_tier = {
	"-s place_verdict=tier -s place_tier=99", VST_ZSWAP, 1, false, "compressible",
	"chose tier 99", OP_PLACE,
};
static const struct eject_case eject_swapin = {
	"-s place_verdict=tier -s swapin_verdict=zswap", 0, 1, false, "random",
	"swapin() returned 1", OP_SWAPIN,
};
static const struct eject_case eject_writeback = {
	"-s wb_nr=100000", VST_ZSWAP, 1, true, "compressible",
	"writeback() returned 0 with nr 100000", OP_WRITEBACK,
};
static const struct eject_case eject_error = {
	"-s error_at=100", VST_ZSWAP, 1, false, "compressible",
	"bpf_swap_ext_error: sx_test: error_at reached", 0,
};

struct eject_env {
	struct vst_env *env;
	const struct eject_case *c;
};

static enum st_status eject_setup_case(void **ctx, const char *name,
				       const struct eject_case *c)
{
	struct eject_env *e = calloc(1, sizeof(*e));
	enum st_status st;

	if (!e)
		return ST_FAIL;
	st = sx_setup((void **)&e->env, name, c->flags, c->nr_tiers, LIMIT_MIB, HIGH_MIB);
	if (st != ST_PASS) {
		free(e);
		return st;
	}
	if (c->zswap_max &&
	    st_cg_write(e->env->cg, "memory.zswap.max", "%llu", ZSWAP_MAX_MIB * MiB)) {
		vst_cleanup(e->env);
		free(e);
		return ST_FAIL;
	}
	e->c = c;
	*ctx = e;
	return ST_PASS;
}

static void eject_cleanup(void *ctx)
{
	struct eject_env *e = ctx;

	vst_cleanup(e->env);
	free(e);
}

static enum st_status eject_run(void *arg)
{
	struct eject_env *e = arg;
	struct vst_env *env = e->env;
	const struct eject_case *c = e->c;
	char buf[4096], policy[128];
	uint64_t exits = 0, kind = 0, op = 0;
	struct vst_result r;
	int status;

	ST_FAIL_IF(sx_attach(env->cg, c->knobs), "attach failed");
	status = sx_memverify(env, c->fill, 2, &r);
	sx_stats_log(env->cg);
	ST_FAIL_IF(status, "memverify failed (%d): data lost", status);

	ST_FAIL_IF(!sx_wait_last_exit("sx_test error", buf, sizeof(buf)),
		   "the policy was not ejected");
	st_log("last_exit: %s", buf);
	ST_FAIL_IF(!strstr(buf, c->reason), "last_exit lacks '%s'", c->reason);
	sx_read("policies", buf, sizeof(buf));
	ST_FAIL_IF(strncmp(buf, "sx_test ejected cgroups=- ", 26),
		   "policies: '%s', want sx_test ejected with no cgroup", buf);
	sx_policy_of(env->cg, policy, sizeof(policy));
	ST_FAIL_IF(strcmp(policy, "default"), "memory.swap.policy '%s' after ejection",
		   policy);
	ST_CHECK(!sx_stat(env->cg, "exit", &exits));
	ST_CHECK(!sx_stat(env->cg, "exit_kind", &kind));
	ST_CHECK(!sx_stat(env->cg, "exit_op", &op));
	ST_FAIL_IF(exits != 1, "exit() ran %lu times", exits);
	ST_FAIL_IF(kind != 3, "exit() got kind %lu, want 3 (error)", kind);
	ST_FAIL_IF(op != c->op, "exit() got op %lu, want %lu", op, c->op);
	return ST_PASS;
}

#define EJECT_TEST(_name, _case, _desc)					\
	static enum st_status _name##_setup(void **ctx)			\
	{								\
		return eject_setup_case(ctx, #_name, &_case);		\
	}								\
	static struct st_test _name = {					\
		.name = #_name,						\
		.description = _desc,					\
		.setup = _name##_setup,					\
		.run = eject_run,					\
		.cleanup = eject_cleanup,				\
		.timeout = 300,						\
	};								\
	REGISTER_ST_TEST(_name)

EJECT_TEST(swap_ext_place_fail, eject_place,
	   "place() returning an unknown verdict ejects the policy");
EJECT_TEST(swap_ext_tier_fail, eject_tier,
	   "place() choosing a tier that is no swap type ejects the policy");
EJECT_TEST(swap_ext_swapin_fail, eject_swapin,
	   "swapin() returning a placement verdict ejects the policy");
EJECT_TEST(swap_ext_writeback_fail, eject_writeback,
	   "writeback() asking for more than max_batch ejects the policy");
EJECT_TEST(swap_ext_error_fail, eject_error,
	   "bpf_swap_ext_error() ejects the policy with its message");

static enum st_status attach_fail_setup(void **ctx)
{
	return sx_setup(ctx, "swap_ext_attach_fail", 0, 0, 0, 0);
}

static enum st_status attach_fail_run(void *arg)
{
	struct vst_env *env = arg;
	char out[4096], policy[128];
	int ret;

	ret = sx_attach_obj(env->cg, sx_obj("sx_test"), "-s attach_ret=-13", out, sizeof(out));
	ST_FAIL_IF(!ret, "cgroup_attach() returned -EACCES, yet attached");
	ST_FAIL_IF(!strstr(out, "Permission denied"), "swapctl said: %s", out);
	ret = sx_attach_obj(env->cg, sx_obj("sx_test"), "-s init_ret=1", out, sizeof(out));
	ST_FAIL_IF(!ret, "init() returned 1, yet attached");
	ST_FAIL_IF(!strstr(out, "Invalid argument"), "swapctl said: %s", out);
	ST_FAIL_IF(!sx_wait_none(), "a refused policy is listed");
	sx_policy_of(env->cg, policy, sizeof(policy));
	ST_FAIL_IF(strcmp(policy, "default"), "memory.swap.policy '%s'", policy);
	/* and the cgroup still takes a good policy */
	ST_FAIL_IF(sx_attach(env->cg, ""), "a good policy does not attach after");
	ST_FAIL_IF(!sx_wait_policy(env->cg, "sx_test attached"), "not attached");
	return ST_PASS;
}

static struct st_test swap_ext_attach_fail = {
	.name = "swap_ext_attach_fail",
	.description = "init() or cgroup_attach() failing refuses the attach",
	.setup = attach_fail_setup,
	.run = attach_fail_run,
	.cleanup = vst_cleanup,
	.timeout = 120,
};
REGISTER_ST_TEST(swap_ext_attach_fail);

static enum st_status cap_run(void *arg)
{
	struct vst_env *env = arg;
	char out[4096];
	int ret;

	/* CAP_BPF and CAP_PERFMON load the policy; attaching needs more */
	ret = st_cmd(out, sizeof(out), "setpriv --bounding-set=-sys_admin %s attach %s %s 2>&1",
		     sx_swapctl(), sx_obj("sx_test"), env->cg);
	st_log("swapctl attach without CAP_SYS_ADMIN: %d: %s", ret, out);
	ST_FAIL_IF(!ret, "attached without CAP_SYS_ADMIN");
	ST_FAIL_IF(!strstr(out, "attach to") || !strstr(out, "permission denied"),
		   "refused, but not by the attach");
	ST_FAIL_IF(!sx_wait_none(), "a refused policy is listed");
	ST_FAIL_IF(sx_attach(env->cg, ""), "with CAP_SYS_ADMIN the attach fails");
	return ST_PASS;
}

static enum st_status cap_setup(void **ctx)
{
	if (access("/usr/bin/setpriv", X_OK))
		return st_skip("no setpriv to drop a capability with");
	return sx_setup(ctx, "swap_ext_cap_fail", 0, 0, 0, 0);
}

static struct st_test swap_ext_cap_fail = {
	.name = "swap_ext_cap_fail",
	.description = "attaching a policy needs CAP_SYS_ADMIN",
	.setup = cap_setup,
	.run = cap_run,
	.cleanup = vst_cleanup,
	.timeout = 120,
};
REGISTER_ST_TEST(swap_ext_cap_fail);

static enum st_status verifier_run(void *arg)
{
	struct vst_env *env = arg;
	char out[16384];
	int ret;

	ret = sx_attach_obj(env->cg, sx_obj("sx_write_ro"), "-v", out, sizeof(out));
	ST_FAIL_IF(!ret, "a place() writing args->cgroup_id loaded");
	ST_FAIL_IF(!strstr(out, "only the out fields"), "the verifier log lacks the reason");
	ret = sx_attach_obj(env->cg, sx_obj("sx_sleepable_place"), "", out, sizeof(out));
	ST_FAIL_IF(!ret, "a sleepable place() loaded");
	ST_FAIL_IF(!strstr(out, "rejected"), "swapctl said: %s", out);
	ST_FAIL_IF(!sx_wait_none(), "a rejected policy is listed");
	return ST_PASS;
}

static enum st_status verifier_setup(void **ctx)
{
	return sx_setup(ctx, "swap_ext_verifier_fail", 0, 0, 0, 0);
}

static struct st_test swap_ext_verifier_fail = {
	.name = "swap_ext_verifier_fail",
	.description = "the verifier refuses writes to read-only arguments and sleepable hot ops",
	.setup = verifier_setup,
	.run = verifier_run,
	.cleanup = vst_cleanup,
	.timeout = 120,
};
REGISTER_ST_TEST(swap_ext_verifier_fail);

static enum st_status eject_all_run(void *arg)
{
	struct two_env *t = arg;
	char buf[4096], policy[128];
	uint64_t kind = 0;

	ST_FAIL_IF(sx_attach(t->a.cg, "-s place_verdict=keep"), "attach to A failed");
	ST_FAIL_IF(sx_attach(t->b.cg, "-s place_verdict=tier"), "attach to B failed");
	ST_FAIL_IF(st_write(SWAP_EXT_DIR "/eject", "1"), "writing eject failed");
	ST_FAIL_IF(!sx_wait_last_exit("sx_test sysfs", buf, sizeof(buf)),
		   "eject did not record kind sysfs");
	sx_read("policies", buf, sizeof(buf));
	st_log("policies: %s", buf);
	ST_FAIL_IF(strstr(buf, "active"), "a policy is still active");
	sx_policy_of(t->a.cg, policy, sizeof(policy));
	ST_FAIL_IF(strcmp(policy, "default"), "A: memory.swap.policy '%s'", policy);
	sx_policy_of(t->b.cg, policy, sizeof(policy));
	ST_FAIL_IF(strcmp(policy, "default"), "B: memory.swap.policy '%s'", policy);
	ST_CHECK(!sx_stat(t->a.cg, "exit_kind", &kind));
	ST_FAIL_IF(kind != 2, "A's exit() got kind %lu, want 2 (sysfs)", kind);
	return ST_PASS;
}

static struct st_test swap_ext_eject_fail = {
	.name = "swap_ext_eject_fail",
	.description = "/sys/kernel/mm/swap_ext/eject ejects every policy",
	.setup = isolation_setup,
	.run = eject_all_run,
	.cleanup = isolation_cleanup,
	.timeout = 120,
};
REGISTER_ST_TEST(swap_ext_eject_fail);
