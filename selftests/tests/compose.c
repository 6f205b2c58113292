// SPDX-License-Identifier: GPL-2.0
/*
 * Policies along the cgroup hierarchy compose: an op of a cgroup's own
 * policy that answers SWAP_EXT_DEFAULT (writeback(): SWAP_EXT_WB_DEFER)
 * hands the decision to the nearest ancestor's policy.  Each test attaches
 * one sx_test to a parent cgroup and another to its child, and runs the
 * workload in the child: the parent has no pages of its own, so every
 * call its policy counts came up the chain.
 *
 * swap_ext_compose_place:      the child's place() defers, the parent's
 *                              KEEP holds; once the child answers TIER
 *                              the parent is not asked at all.
 * swap_ext_compose_compressed: the child's place() says ZSWAP and its
 *                              compressed() defers: the parent's sends
 *                              every entry to the tier.
 * swap_ext_compose_swapin:     the child's swapin() defers, the parent's
 *                              DROP frees the tier copies.
 * swap_ext_compose_writeback:  the child's writeback() defers (having
 *                              written nr 0, which must not count): the
 *                              parent's batches are written back.
 * swap_ext_compose_detach:     a chain of three policies, the middle one
 *                              detached and attached again and again while
 *                              the leaf swaps; memory.swap.policy lists
 *                              the chain, nearest first.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "runner.h"
#include "lib/st.h"
#include "lib/sx.h"
#include "lib/vst.h"

#define WORK_MIB	64	/* memverify's size */
#define LIMIT_MIB	32	/* the child's memory.max */
#define HIGH_MIB	24	/* and memory.high */
#define ZSWAP_MAX_MIB	4	/* the child's memory.zswap.max: writeback */
#define PAGEOUT_MIB	32	/* vswapwork's size (MADV_PAGEOUT) */
#define PAGEOUT_PAGES	(PAGEOUT_MIB * MiB / VST_PAGE)
#define DETACH_ROUNDS	20	/* swap_ext_compose_detach's detach/attach */

struct compose {
	struct vst_env parent;		/* parent.cg: a policy, no pages */
	struct vst_env child;		/* the same, with the child's cgroup */
	char leaf[PATH_MAX];		/* swap_ext_compose_detach: below child */
};

/* sx_test with @knobs attached to @cg */
static int attach(const char *cg, const char *knobs)
{
	return sx_attach_obj(cg, sx_obj("sx_test"), knobs, NULL, 0);
}

/* sx_test's counter @key in the policy attached to @cg, or UINT64_MAX */
static uint64_t stat_of(const char *cg, const char *key)
{
	uint64_t v;

	return sx_stat(cg, key, &v) ? UINT64_MAX : v;
}

/* A child of @parent, @limit_mib of memory.max (0: none), swap unlimited */
static int mkchild(const char *parent, const char *name, char *path, size_t len,
		   unsigned int limit_mib)
{
	if (snprintf(path, len, "%s/%s", parent, name) >= (int)len)
		return -1;
	if (st_cg_write(parent, "cgroup.subtree_control", "+memory") ||
	    mkdir(path, 0755) || st_cg_write(path, "memory.swap.max", "max"))
		return -1;
	if (limit_mib && (st_cg_write(path, "memory.max", "%uM", limit_mib) ||
			  st_cg_write(path, "memory.high", "%uM", HIGH_MIB)))
		return -1;
	return 0;
}

static enum st_status compose_setup(void **ctx, const char *name, unsigned int flags,
				    unsigned int limit_mib)
{
	struct compose *t = calloc(1, sizeof(*t));
	enum st_status ret;
	void *envp;

	if (!t)
		return ST_FAIL;
	ret = sx_setup(&envp, name, flags, 1, 0, 0);
	if (ret != ST_PASS) {
		free(t);
		return ret;
	}
	t->parent = *(struct vst_env *)envp;
	free(envp);
	t->child = t->parent;
	*ctx = t;
	if (mkchild(t->parent.cg, "child", t->child.cg, sizeof(t->child.cg), limit_mib))
		return ST_FAIL;
	return ST_PASS;
}

static void compose_cleanup(void *ctx)
{
	struct compose *t = ctx;

	vst_env_cleanup(&t->parent);
	free(t);
}

/* vswapwork -m anon in the child: its status; pages out after page out 1 */
static int pageout(struct compose *t, const char *fill, uint64_t *out1,
		   struct vst_result *r)
{
	struct vst_argv av;
	struct vst_proc p;
	int status;

	status = vst_run_measured(&t->child, vst_argv(&av, "vswapwork",
						      "-m anon -s %u -p 1 -f %s",
						      PAGEOUT_MIB, fill), r, &p);
	if (!vst_out_u64(&p, "out1", out1))
		*out1 = UINT64_MAX;
	return status;
}

/* ---------------------------------------------------------------------
 * swap_ext_compose_place
 */

static enum st_status place_setup(void **ctx)
{
	return compose_setup(ctx, "swap_ext_compose_place", 0, 0);
}

static enum st_status place_run(void *ctx)
{
	struct compose *t = ctx;
	const char *parent = t->parent.cg, *child = t->child.cg;
	uint64_t out1, asked, child_calls, before;
	struct vst_result r;
	int status;

	ST_FAIL_IF(attach(parent, "-s place_verdict=keep"), "attach to the parent failed");
	ST_FAIL_IF(attach(child, "-s place_verdict=default"), "attach to the child failed");
	ST_FAIL_IF(!sx_wait_policy(child, "sx_test attached"), "the child's own policy");

	status = pageout(t, "random", &out1, &r);
	ST_FAIL_IF(status, "vswapwork failed (%d): data lost", status);
	child_calls = stat_of(child, "place");
	asked = stat_of(parent, "place");
	st_log("place() calls: child %lu, parent %lu; %lu pages out", child_calls, asked, out1);
	ST_FAIL_IF(!child_calls || child_calls == UINT64_MAX, "the child's place() never ran");
	ST_FAIL_IF(asked == UINT64_MAX || asked < child_calls * 9 / 10,
		   "the child deferred %lu times, the parent was asked %lu times",
		   child_calls, asked);
	ST_FAIL_IF(out1 > PAGEOUT_PAGES / 20, "the parent's KEEP did not hold: %lu pages out",
		   out1);

	/* the child answers: the parent is not asked */
	ST_FAIL_IF(sx_detach(child), "detach from the child failed");
	ST_FAIL_IF(attach(child, "-s place_verdict=tier"), "reattach to the child failed");
	before = stat_of(parent, "place");
	status = pageout(t, "random", &out1, &r);
	ST_FAIL_IF(status, "vswapwork failed (%d): data lost", status);
	asked = stat_of(parent, "place");
	ST_FAIL_IF(out1 < PAGEOUT_PAGES * 9 / 10, "the child's TIER: only %lu pages out", out1);
	ST_FAIL_IF(asked != before, "the parent was asked %lu times after the child answered",
		   asked - before);
	return ST_PASS;
}

static struct st_test swap_ext_compose_place = {
	.name = "swap_ext_compose_place",
	.description = "a child's place() that defers gets the parent's verdict",
	.setup = place_setup,
	.run = place_run,
	.cleanup = compose_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(swap_ext_compose_place);

/* ---------------------------------------------------------------------
 * swap_ext_compose_compressed
 */

static enum st_status compressed_setup(void **ctx)
{
	return compose_setup(ctx, "swap_ext_compose_compressed", VST_ZSWAP, 0);
}

static enum st_status compressed_run(void *ctx)
{
	struct compose *t = ctx;
	const char *parent = t->parent.cg, *child = t->child.cg;
	uint64_t out1, child_calls, over;
	struct vst_result r;
	int status;

	ST_FAIL_IF(attach(parent, "-s compressed_over=1 -s compressed_verdict=tier"),
		   "attach to the parent failed");
	ST_FAIL_IF(attach(child, "-s place_verdict=zswap"), "attach to the child failed");
	status = pageout(t, "compressible", &out1, &r);
	ST_FAIL_IF(status, "vswapwork failed (%d): data lost", status);
	child_calls = stat_of(child, "compressed");
	over = stat_of(parent, "compressed_over");
	st_log("compressed() calls: child %lu, parent sent %lu away; %lu pages out",
	       child_calls, over, out1);
	ST_FAIL_IF(out1 < PAGEOUT_PAGES * 9 / 10, "only %lu pages out", out1);
	ST_FAIL_IF(child_calls == UINT64_MAX || child_calls < out1 * 9 / 10,
		   "the child's compressed() ran %lu times for %lu pages", child_calls, out1);
	ST_FAIL_IF(over == UINT64_MAX || over < child_calls * 9 / 10,
		   "the parent's compressed() sent %lu of %lu entries to the tier",
		   over, child_calls);
	ST_FAIL_IF(r.d.v[VST_PSWPOUT] < over, "%lu pages sent to the tier, %lu written",
		   over, r.d.v[VST_PSWPOUT]);
	ST_FAIL_IF(r.d.v[VST_ZSWPOUT] > out1 / 10, "%lu pages stayed in zswap",
		   r.d.v[VST_ZSWPOUT]);
	return ST_PASS;
}

static struct st_test swap_ext_compose_compressed = {
	.name = "swap_ext_compose_compressed",
	.description = "a child's compressed() that defers gets the parent's verdict",
	.setup = compressed_setup,
	.run = compressed_run,
	.cleanup = compose_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(swap_ext_compose_compressed);

/* ---------------------------------------------------------------------
 * swap_ext_compose_swapin
 */

static enum st_status swapin_setup(void **ctx)
{
	return compose_setup(ctx, "swap_ext_compose_swapin", 0, 0);
}

static enum st_status swapin_run(void *ctx)
{
	struct compose *t = ctx;
	const char *parent = t->parent.cg, *child = t->child.cg;
	uint64_t out1, child_calls, asked;
	struct vst_result r;
	int status;

	ST_FAIL_IF(attach(parent, "-s swapin_verdict=drop"), "attach to the parent failed");
	ST_FAIL_IF(attach(child, "-s place_verdict=tier"), "attach to the child failed");
	status = pageout(t, "random", &out1, &r);
	ST_FAIL_IF(status, "vswapwork failed (%d): data lost", status);
	child_calls = stat_of(child, "swapin");
	asked = stat_of(parent, "swapin");
	st_log("swapin() calls: child %lu, parent %lu; %lu pages out, %lu moved",
	       child_calls, asked, out1, r.d.v[VST_MOVE]);
	ST_FAIL_IF(out1 < PAGEOUT_PAGES * 9 / 10, "only %lu pages out", out1);
	ST_FAIL_IF(child_calls == UINT64_MAX || child_calls < out1 / 2,
		   "the child's swapin() ran %lu times for %lu pages out", child_calls, out1);
	ST_FAIL_IF(asked == UINT64_MAX || asked != child_calls,
		   "the child deferred %lu times, the parent was asked %lu times",
		   child_calls, asked);
	ST_FAIL_IF(r.d.v[VST_MOVE] < asked / 2, "the parent's DROP moved %lu of %lu pages",
		   r.d.v[VST_MOVE], asked);
	return ST_PASS;
}

static struct st_test swap_ext_compose_swapin = {
	.name = "swap_ext_compose_swapin",
	.description = "a child's swapin() that defers gets the parent's verdict",
	.setup = swapin_setup,
	.run = swapin_run,
	.cleanup = compose_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(swap_ext_compose_swapin);

/* ---------------------------------------------------------------------
 * swap_ext_compose_writeback
 */

static enum st_status writeback_setup(void **ctx)
{
	enum st_status ret = compose_setup(ctx, "swap_ext_compose_writeback", VST_ZSWAP,
					   LIMIT_MIB);
	struct compose *t = *ctx;

	if (ret == ST_PASS &&
	    st_cg_write(t->child.cg, "memory.zswap.max", "%uM", ZSWAP_MAX_MIB))
		return ST_FAIL;
	return ret;
}

/* "sx_test active cgroups=@id ..." in policies: @key's value, or -1 */
static long long policy_key(uint64_t id, const char *key)
{
	char buf[8192], pat[96], *line, *save = NULL;

	sx_read("policies", buf, sizeof(buf));
	snprintf(pat, sizeof(pat), " cgroups=%lu ", id);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *p;

		if (!strstr(line, pat))
			continue;
		snprintf(pat, sizeof(pat), " %s=", key);
		p = strstr(line, pat);
		return p ? strtoll(p + strlen(pat), NULL, 10) : -1;
	}
	return -1;
}

static enum st_status writeback_run(void *ctx)
{
	struct compose *t = ctx;
	const char *parent = t->parent.cg, *child = t->child.cg;
	uint64_t child_calls, asked;
	long long child_pages, parent_pages;
	struct vst_argv av;
	struct vst_result r;
	int status;

	ST_FAIL_IF(attach(parent, "-s wb_nr=32"), "attach to the parent failed");
	ST_FAIL_IF(attach(child, "-s wb_defer=1"), "attach to the child failed");
	status = vst_run_measured(&t->child, vst_argv(&av, "memverify",
						      "-s %u -p 2 -f compressible", WORK_MIB),
				  &r, NULL);
	ST_FAIL_IF(status, "memverify failed (%d): data lost", status);
	child_calls = stat_of(child, "writeback");
	asked = stat_of(parent, "writeback");
	child_pages = policy_key(sx_cg_id(child), "wb_pages");
	parent_pages = policy_key(sx_cg_id(parent), "wb_pages");
	st_log("writeback() calls: child %lu, parent %lu; wb_pages child %lld, parent %lld; %lu written back",
	       child_calls, asked, child_pages, parent_pages, r.d.v[VST_ZSWPWB]);
	ST_FAIL_IF(!child_calls || child_calls == UINT64_MAX, "the child's writeback() never ran");
	ST_FAIL_IF(asked == UINT64_MAX || asked < child_calls * 9 / 10,
		   "the child deferred %lu times, the parent was asked %lu times",
		   child_calls, asked);
	ST_FAIL_IF(child_pages != 0, "the child's deferred answers counted %lld pages",
		   child_pages);
	ST_FAIL_IF(parent_pages <= 0, "the parent's answers counted no page");
	ST_FAIL_IF(!r.d.v[VST_ZSWPWB], "nothing written back");
	return ST_PASS;
}

static struct st_test swap_ext_compose_writeback = {
	.name = "swap_ext_compose_writeback",
	.description = "a child's writeback() that defers gets the parent's answer",
	.setup = writeback_setup,
	.run = writeback_run,
	.cleanup = compose_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(swap_ext_compose_writeback);

/* ---------------------------------------------------------------------
 * swap_ext_compose_detach
 */

static enum st_status detach_setup(void **ctx)
{
	enum st_status ret = compose_setup(ctx, "swap_ext_compose_detach", VST_ZSWAP, 0);
	struct compose *t = *ctx;

	if (ret == ST_PASS &&
	    mkchild(t->child.cg, "leaf", t->leaf, sizeof(t->leaf), LIMIT_MIB))
		return ST_FAIL;
	return ret;
}

/* @cg's memory.swap.policy, every line, newlines made '|' */
static void chain_of(const char *cg, char *buf, size_t len)
{
	char path[PATH_MAX + 32];
	ssize_t n;
	char *p;

	snprintf(path, sizeof(path), "%s/memory.swap.policy", cg);
	n = st_read(path, buf, len);
	if (n < 0) {
		snprintf(buf, len, "(unreadable)");
		return;
	}
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	for (p = buf; (p = strchr(p, '\n'));)
		*p = '|';
}

static enum st_status detach_run(void *ctx)
{
	struct compose *t = ctx;
	const char *top = t->parent.cg, *mid = t->child.cg;
	uint64_t top_calls;
	const char *why = NULL;
	struct vst_argv av;
	struct vst_proc work;
	char chain[256], args[PATH_MAX + 16];
	int i, status;

	/* the middle and the leaf defer, the top keeps every page in zswap */
	ST_FAIL_IF(attach(top, "-s place_verdict=zswap"), "attach to the top failed");
	ST_FAIL_IF(attach(mid, ""), "attach to the middle failed");
	ST_FAIL_IF(attach(t->leaf, ""), "attach to the leaf failed");
	chain_of(t->leaf, chain, sizeof(chain));
	st_log("the leaf's chain: %s", chain);
	ST_FAIL_IF(strcmp(chain, "sx_test attached|sx_test inherited|sx_test inherited"),
		   "memory.swap.policy of the leaf: '%s'", chain);
	snprintf(args, sizeof(args), "status %s", t->leaf);
	ST_FAIL_IF(!sx_jq(args, ".chain == [\"sx_test\", \"sx_test\", \"sx_test\"]"),
		   "swapctl status does not show the leaf's chain");

	ST_FAIL_IF(vst_spawn(&work, t->leaf, vst_argv(&av, "memverify",
						      "-s %u -p 6 -f compressible",
						      WORK_MIB)),
		   "cannot start memverify");
	for (i = 0; i < DETACH_ROUNDS && !why && !vst_exited(&work); i++) {
		vst_poll(&work, 50);
		if (sx_detach(mid)) {
			why = "detach from the middle failed";
			break;
		}
		chain_of(t->leaf, chain, sizeof(chain));
		if (strcmp(chain, "sx_test attached|sx_test inherited")) {
			st_log("the leaf's chain without the middle: '%s'", chain);
			why = "the leaf's chain still holds the middle";
		}
		vst_poll(&work, 50);
		if (attach(mid, ""))
			why = "attach to the middle failed";
	}
	status = vst_reap(&work);
	st_log("%d detach/attach rounds of the middle while the leaf swapped", i);
	ST_FAIL_IF(why, "%s", why);
	ST_FAIL_IF(status, "memverify failed (%d): data lost", status);
	ST_FAIL_IF(i < 3, "only %d rounds before memverify ended", i);
	top_calls = stat_of(top, "place");
	st_log("place() calls of the top: %lu", top_calls);
	ST_FAIL_IF(!top_calls || top_calls == UINT64_MAX, "the top's place() was never asked");
	chain_of(t->leaf, chain, sizeof(chain));
	ST_FAIL_IF(strcmp(chain, "sx_test attached|sx_test inherited|sx_test inherited"),
		   "memory.swap.policy of the leaf at the end: '%s'", chain);
	return ST_PASS;
}

static struct st_test swap_ext_compose_detach = {
	.name = "swap_ext_compose_detach",
	.description = "detach and attach in the middle of a chain while pages swap",
	.setup = detach_setup,
	.run = detach_run,
	.cleanup = compose_cleanup,
	.timeout = 500,
};
REGISTER_ST_TEST(swap_ext_compose_detach);
