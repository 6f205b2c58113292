// SPDX-License-Identifier: GPL-2.0
/*
 * Context for decisions: what place() and compressed() learn about a page
 * (swap_ext_place_args since swap_ext v2).  The policy is
 * bpf/sx_context.bpf.o, which counts what it sees.
 *
 * swap_ext_context_refused:   random pages, which zswap refuses because
 *                             they do not compress: every refusal reaches
 *                             compressed() flagged REFUSED with a length
 *                             of a page or more, as many as zswap's own
 *                             reject_compress_poor and _fail count (lzo
 *                             reports output that does not fit as an
 *                             error); the policy's
 *                             TIER sends them to the slowest tier, which
 *                             writes them.  Before v2 compressed() never
 *                             heard of them.
 * swap_ext_context_order:     64 KiB mTHP paged out to a non-rotational
 *                             tier: place() sees order 4 for (nearly)
 *                             every folio swapped out whole, and fields
 *                             that agree (nr_pages == 1 << order, the
 *                             reserved ones zero).
 * swap_ext_context_workingset: pages written once and paged out leave
 *                             without the WORKINGSET flag (<= 1 %); pages
 *                             that thrash (random reads of 64 MiB in a
 *                             32 MiB cgroup) leave with it ten times as
 *                             often at least, and >= 2 % of the time.
 * Every byte read back is checked.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runner.h"
#include "lib/st.h"
#include "lib/sx.h"
#include "lib/vst.h"

#define WORK_MIB	64	/* memverify's size */
#define LIMIT_MIB	32	/* the cgroup's memory.max */
#define HIGH_MIB	24	/* and memory.high */
#define THP_MIB		16	/* swap_ext_context_order's region */
#define PAGEOUT_MIB	32	/* vswapwork's size (MADV_PAGEOUT) */

#define MIN_OUT_PAGES	((WORK_MIB - LIMIT_MIB) * MiB / VST_PAGE)
#define ZSWAP_POOR	"/sys/kernel/debug/zswap/reject_compress_poor"
#define ZSWAP_FAIL	"/sys/kernel/debug/zswap/reject_compress_fail"

static int ctx_attach(const char *cg, const char *knobs)
{
	return sx_attach_obj(cg, sx_obj("sx_context"), knobs, NULL, 0);
}

/* The stats member @key of sx_context in @cg, or UINT64_MAX */
static uint64_t ctx_stat(const char *cg, const char *key)
{
	uint64_t v;

	return sx_stat(cg, key, &v) ? UINT64_MAX : v;
}

/* ---------------------------------------------------------------------
 * swap_ext_context_refused
 */

static enum st_status refused_setup(void **ctx)
{
	if (access("/sys/kernel/debug/zswap", F_OK) &&
	    st_cmd(NULL, 0, "mount -t debugfs none /sys/kernel/debug"))
		return st_skip("no debugfs for zswap's reject counters");
	return sx_setup(ctx, "swap_ext_context_refused", VST_ZSWAP, 2, LIMIT_MIB, HIGH_MIB);
}

static enum st_status refused_run(void *arg)
{
	struct vst_env *env = arg;
	uint64_t poor0, fail0, rejects, fail, refused, tiered, shorter;
	struct vst_result r;
	struct vst_argv av;
	int status;

	ST_FAIL_IF(ctx_attach(env->cg, "-s refused_tier=-2"), "attach failed");
	ST_CHECK(!st_read_u64(ZSWAP_POOR, &poor0));
	ST_CHECK(!st_read_u64(ZSWAP_FAIL, &fail0));
	status = vst_run_measured(env, vst_argv(&av, "memverify", "-s %u -p 2 -f random",
						WORK_MIB), &r, NULL);
	ST_CHECK(!st_read_u64(ZSWAP_POOR, &rejects));
	ST_CHECK(!st_read_u64(ZSWAP_FAIL, &fail));
	/* lzo says a page does not fit as an error: both counters count it */
	rejects += fail - poor0 - fail0;
	sx_stats_log(env->cg);
	ST_FAIL_IF(status, "memverify failed (%d): data lost", status);

	refused = ctx_stat(env->cg, "refused");
	tiered = ctx_stat(env->cg, "refused_tiered");
	shorter = ctx_stat(env->cg, "refused_short");
	st_log("zswap reject_compress_poor and _fail +%lu; compressed() saw %lu refusals, sent %lu to the slow tier",
	       rejects, refused, tiered);
	ST_FAIL_IF(refused == UINT64_MAX, "no stats from sx_context");
	ST_FAIL_IF(rejects < MIN_OUT_PAGES, "zswap refused %lu pages, want >= %llu: did the data compress?",
		   rejects, MIN_OUT_PAGES);
	/* only this cgroup swaps: every refusal is one of its pages */
	ST_FAIL_IF(refused > rejects || refused * 100 < rejects * 99,
		   "compressed() saw %lu refusals, zswap counted %lu", refused, rejects);
	ST_FAIL_IF(shorter, "%lu refusals came with less than a page", shorter);
	ST_FAIL_IF(tiered != refused, "%lu of %lu refusals sent to the tier", tiered, refused);
	/* the slowest tier wrote what the policy sent there */
	ST_FAIL_IF(!r.peak.backing[1], "the slow tier never backed a page");
	ST_FAIL_IF(r.d.v[VST_PSWPOUT] < tiered, "%lu pages sent to the tier, %lu written",
		   tiered, r.d.v[VST_PSWPOUT]);
	return ST_PASS;
}

static struct st_test swap_ext_context_refused = {
	.name = "swap_ext_context_refused",
	.description = "pages zswap refuses reach compressed(), flagged, and go where it says",
	.setup = refused_setup,
	.run = refused_run,
	.cleanup = vst_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(swap_ext_context_refused);

/* ---------------------------------------------------------------------
 * swap_ext_context_order
 */

struct order_ctx {
	struct vst_env env;	/* first: vst_cleanup() frees the context */
	struct vst_thp_knobs thp;	/* THP settings to put back */
};

static void order_cleanup(void *arg)
{
	struct order_ctx *ctx = arg;

	vst_thp_restore(&ctx->thp);
	vst_cleanup(ctx);
}

static enum st_status order_setup(void **ctxp)
{
	struct order_ctx *ctx;
	enum st_status st;

	if (access(VST_THP_DIR "/hugepages-64kB/stats/swpout", F_OK))
		return st_skip("no 64 KiB mTHP with statistics on this kernel");
	if (!st_swap_ext_available())
		return st_skip("kernel without swap_ext");
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return ST_FAIL;
	st = vst_env_setup(&ctx->env, "swap_ext_context_order", VST_SSD, 1, 0, 0);
	if (st != ST_PASS) {
		free(ctx);
		return st;
	}
	*ctxp = ctx;
	if (vst_thp_only(&ctx->thp, "64kB")) {
		order_cleanup(ctx);
		return ST_FAIL;
	}
	return ST_PASS;
}

static enum st_status order_run(void *arg)
{
	struct order_ctx *ctx = arg;
	const char *cg = ctx->env.cg;
	uint64_t alloc, swpout, order4, bad;
	struct vst_result r;
	struct vst_argv av;
	struct vst_proc p;

	ST_FAIL_IF(ctx_attach(cg, ""), "attach failed");
	alloc = vst_thp_stat("64kB", "anon_fault_alloc");
	swpout = vst_thp_stat("64kB", "swpout");
	vst_run_measured(&ctx->env, vst_argv(&av, "vswapwork", "-m thp -s %u -f random -p 1",
					     THP_MIB), &r, &p);
	alloc = vst_thp_stat("64kB", "anon_fault_alloc") - alloc;
	swpout = vst_thp_stat("64kB", "swpout") - swpout;
	sx_stats_log(cg);
	ST_FAIL_IF(r.status, "vswapwork failed (%d): data lost or corrupted", r.status);
	order4 = ctx_stat(cg, "place_order4");
	bad = ctx_stat(cg, "place_bad");
	st_log("64 KiB folios: %lu allocated, %lu out whole; place() saw order 4 %lu times",
	       alloc, swpout, order4);
	ST_FAIL_IF(!alloc, "no 64 KiB folio was allocated");
	ST_FAIL_IF(swpout * 10 < alloc * 9, "%lu of %lu folios out whole", swpout, alloc);
	ST_FAIL_IF(order4 == UINT64_MAX || order4 * 10 < swpout * 9,
		   "place() saw order 4 %lu times for %lu folios out whole", order4, swpout);
	ST_FAIL_IF(bad, "place() saw %lu sets of fields that disagree", bad);
	return ST_PASS;
}

static struct st_test swap_ext_context_order = {
	.name = "swap_ext_context_order",
	.description = "place() sees the order of a large folio",
	.setup = order_setup,
	.run = order_run,
	.cleanup = order_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(swap_ext_context_order);

/* ---------------------------------------------------------------------
 * swap_ext_context_workingset
 */

static enum st_status workingset_setup(void **ctx)
{
	return sx_setup(ctx, "swap_ext_context_workingset", 0, 1, LIMIT_MIB, HIGH_MIB);
}

/* place() calls and those flagged WORKINGSET since the policy attached */
static void ws_count(const char *cg, uint64_t *place, uint64_t *ws)
{
	*place = ctx_stat(cg, "place");
	*ws = ctx_stat(cg, "place_workingset");
}

static enum st_status workingset_run(void *arg)
{
	struct vst_env *env = arg;
	uint64_t place1, ws1, place2, ws2, bad;
	struct vst_result r;
	struct vst_argv av;
	struct vst_proc p;
	int status;

	ST_FAIL_IF(ctx_attach(env->cg, ""), "attach failed");
	/* written once, paged out: not one was ever used again */
	status = vst_run_measured(env, vst_argv(&av, "vswapwork", "-m anon -s %u -p 1 -f random",
						PAGEOUT_MIB), &r, &p);
	ST_FAIL_IF(status, "vswapwork failed (%d): data lost", status);
	ws_count(env->cg, &place1, &ws1);
	/* thrashing: random reads of twice what fits, three times over */
	status = vst_run_measured(env, vst_argv(&av, "memverify", "-s %u -p 3 -r -f random",
						WORK_MIB), &r, NULL);
	sx_stats_log(env->cg);
	ST_FAIL_IF(status, "memverify failed (%d): data lost", status);
	ws_count(env->cg, &place2, &ws2);
	place2 -= place1;
	ws2 -= ws1;
	bad = ctx_stat(env->cg, "place_bad");
	st_log("written once: %lu of %lu pages left flagged WORKINGSET", ws1, place1);
	st_log("thrashing:    %lu of %lu pages left flagged WORKINGSET", ws2, place2);
	ST_FAIL_IF(place1 < PAGEOUT_MIB * MiB / VST_PAGE * 9 / 10,
		   "place() ran %lu times for the page-out", place1);
	ST_FAIL_IF(place2 < MIN_OUT_PAGES, "place() ran %lu times for the thrashing", place2);
	ST_FAIL_IF(ws1 * 100 > place1, "%lu of %lu pages written once flagged WORKINGSET",
		   ws1, place1);
	ST_FAIL_IF(ws2 * 50 < place2, "%lu of %lu thrashing pages flagged WORKINGSET, want >= 2 %%",
		   ws2, place2);
	/* measured: 0.06 % against 7.6 % */
	ST_FAIL_IF(ws2 * place1 < ws1 * place2 * 10,
		   "thrashing pages flagged WORKINGSET less than 10 times as often as others");
	ST_FAIL_IF(bad, "place() saw %lu sets of fields that disagree", bad);
	return ST_PASS;
}

static struct st_test swap_ext_context_workingset = {
	.name = "swap_ext_context_workingset",
	.description = "place() flags the pages that leave again after a refault",
	.setup = workingset_setup,
	.run = workingset_run,
	.cleanup = vst_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(swap_ext_context_workingset);
