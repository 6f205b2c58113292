// SPDX-License-Identifier: GPL-2.0
/*
 * What an operator sees of swap_ext without reading a policy's maps.
 *
 * swap_ext_memstat_place: memory.stat counts place() calls once per folio
 *                         however many policies of the chain were asked,
 *                         and the verdict that held: a child defers, its
 *                         parent's KEEP counts as swap_ext_place_keep; then
 *                         the child's TIER and swapin() DROP count as
 *                         swap_ext_place_tier and swap_ext_swapin_drop.
 *                         /proc/vmstat grows by at least as much.
 * swap_ext_memstat_wb:    writeback() answers of nothing that the kernel
 *                         overrules count as swap_ext_wb_forced, as many as
 *                         the policy's wb_forced in swap_ext/policies.
 * swap_ext_link_info:     bpftool link show names the cgroup of the link
 *                         swapctl attach made (bpf_link_info's cgroup_id),
 *                         in JSON and in plain text.
 */
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
#define LIMIT_MIB	32	/* memory.max of the cgroup that swaps */
#define HIGH_MIB	24	/* and memory.high */
#define ZSWAP_MAX_MIB	4	/* its memory.zswap.max: writeback */
#define PAGEOUT_MIB	32	/* vswapwork's size (MADV_PAGEOUT) */
#define PAGEOUT_PAGES	(PAGEOUT_MIB * MiB / VST_PAGE)

/* sx_test with @knobs attached to @cg */
static int attach(const char *cg, const char *knobs)
{
	return sx_attach_obj(cg, sx_obj("sx_test"), knobs, NULL, 0);
}

/* sx_test's counter @key of the policy attached to @cg, or UINT64_MAX */
static uint64_t stat_of(const char *cg, const char *key)
{
	uint64_t v;

	return sx_stat(cg, key, &v) ? UINT64_MAX : v;
}

/* memory.stat @key of @cg, or UINT64_MAX */
static uint64_t memstat(const char *cg, const char *key)
{
	uint64_t v;

	return st_cg_key(cg, "memory.stat", key, &v) ? UINT64_MAX : v;
}

/*
 * Do two counts of the same events agree?  memory.stat may lag by the
 * updates not flushed yet: 64 per CPU.
 */
static bool agree(uint64_t a, uint64_t b)
{
	uint64_t d = a > b ? a - b : b - a;

	return a != UINT64_MAX && b != UINT64_MAX && d <= 256 + (a > b ? a : b) / 100;
}

/* vswapwork -m anon in @env->cg: its status; pages out after page out 1 */
static int pageout(struct vst_env *env, uint64_t *out1, struct vst_result *r)
{
	struct vst_argv av;
	struct vst_proc p;
	int status;

	status = vst_run_measured(env, vst_argv(&av, "vswapwork", "-m anon -s %u -p 1 -f random",
						PAGEOUT_MIB), r, &p);
	if (!vst_out_u64(&p, "out1", out1))
		*out1 = UINT64_MAX;
	return status;
}

/* ---------------------------------------------------------------------
 * swap_ext_memstat_place
 */

struct family {
	struct vst_env parent;		/* a policy, no pages */
	struct vst_env child;		/* the workload's cgroup */
};

static enum st_status place_setup(void **ctx)
{
	struct family *t = calloc(1, sizeof(*t));
	enum st_status ret;
	void *envp;

	if (!t)
		return ST_FAIL;
	ret = sx_setup(&envp, "swap_ext_memstat_place", 0, 1, 0, 0);
	if (ret != ST_PASS) {
		free(t);
		return ret;
	}
	t->parent = *(struct vst_env *)envp;
	free(envp);
	t->child = t->parent;
	*ctx = t;
	if (snprintf(t->child.cg, sizeof(t->child.cg), "%s/child", t->parent.cg) >=
	    (int)sizeof(t->child.cg))
		return ST_FAIL;
	if (st_cg_write(t->parent.cg, "cgroup.subtree_control", "+memory") ||
	    mkdir(t->child.cg, 0755) || st_cg_write(t->child.cg, "memory.swap.max", "max"))
		return ST_FAIL;
	return ST_PASS;
}

static void family_cleanup(void *ctx)
{
	struct family *t = ctx;

	vst_env_cleanup(&t->parent);
	free(t);
}

static enum st_status place_run(void *ctx)
{
	struct family *t = ctx;
	const char *parent = t->parent.cg, *child = t->child.cg;
	uint64_t out1, calls, place, keep, tier, swapin, drop, vm0, vm1;
	struct vst_result r;
	int status;

	/* the child defers, the parent keeps: one call per folio, one KEEP */
	ST_FAIL_IF(attach(parent, "-s place_verdict=keep"), "attach to the parent failed");
	ST_FAIL_IF(attach(child, "-s place_verdict=default"), "attach to the child failed");
	vm0 = st_vmstat("swap_ext_place_keep");
	status = pageout(&t->child, &out1, &r);
	ST_FAIL_IF(status, "vswapwork failed (%d): data lost", status);
	vm1 = st_vmstat("swap_ext_place_keep");
	calls = stat_of(child, "place");
	place = memstat(child, "swap_ext_place");
	keep = memstat(child, "swap_ext_place_keep");
	st_log("child: place() ran %lu times; memory.stat swap_ext_place %lu, _keep %lu; parent's swap_ext_place %lu; /proc/vmstat swap_ext_place_keep +%lu",
	       calls, place, keep, memstat(parent, "swap_ext_place"), vm1 - vm0);
	ST_FAIL_IF(calls == UINT64_MAX || calls < PAGEOUT_PAGES / 2,
		   "the child's place() ran %lu times", calls);
	ST_FAIL_IF(!agree(place, calls), "swap_ext_place %lu for %lu folios placed", place,
		   calls);
	ST_FAIL_IF(!agree(keep, calls), "swap_ext_place_keep %lu for %lu KEEPs of the parent",
		   keep, calls);
	ST_FAIL_IF(!agree(memstat(parent, "swap_ext_place"), place),
		   "the parent's memory.stat does not include the child's");
	ST_FAIL_IF(vm1 - vm0 + 256 < keep, "/proc/vmstat counted %lu KEEPs, memory.stat %lu",
		   vm1 - vm0, keep);

	/* the child answers TIER and DROPs the copies it reads back */
	ST_FAIL_IF(sx_detach(child), "detach from the child failed");
	ST_FAIL_IF(attach(child, "-s place_verdict=tier -s swapin_verdict=drop"),
		   "reattach to the child failed");
	tier = memstat(child, "swap_ext_place_tier");
	drop = memstat(child, "swap_ext_swapin_drop");
	swapin = memstat(child, "swap_ext_swapin");
	status = pageout(&t->child, &out1, &r);
	ST_FAIL_IF(status, "vswapwork failed (%d): data lost", status);
	tier = memstat(child, "swap_ext_place_tier") - tier;
	drop = memstat(child, "swap_ext_swapin_drop") - drop;
	swapin = memstat(child, "swap_ext_swapin") - swapin;
	st_log("child: place() %lu, swapin() %lu; memory.stat +%lu place_tier, +%lu swapin, +%lu swapin_drop",
	       stat_of(child, "place"), stat_of(child, "swapin"), tier, swapin, drop);
	ST_FAIL_IF(!agree(tier, stat_of(child, "place")), "swap_ext_place_tier +%lu for %lu TIERs",
		   tier, stat_of(child, "place"));
	ST_FAIL_IF(!agree(swapin, stat_of(child, "swapin")), "swap_ext_swapin +%lu for %lu calls",
		   swapin, stat_of(child, "swapin"));
	ST_FAIL_IF(!agree(drop, swapin), "swap_ext_swapin_drop +%lu for %lu DROPs", drop, swapin);
	ST_FAIL_IF(!swapin, "swapin() never ran");
	return ST_PASS;
}

static struct st_test swap_ext_memstat_place = {
	.name = "swap_ext_memstat_place",
	.description = "memory.stat counts place() and swapin() calls and verdicts per cgroup",
	.setup = place_setup,
	.run = place_run,
	.cleanup = family_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(swap_ext_memstat_place);

/* ---------------------------------------------------------------------
 * swap_ext_memstat_wb
 */

static enum st_status wb_setup(void **ctx)
{
	enum st_status ret = sx_setup(ctx, "swap_ext_memstat_wb", VST_ZSWAP, 1, LIMIT_MIB,
				      HIGH_MIB);
	struct vst_env *env = *ctx;

	if (ret == ST_PASS &&
	    st_cg_write(env->cg, "memory.zswap.max", "%uM", ZSWAP_MAX_MIB))
		return ST_FAIL;
	return ret;
}

/* "NAME active cgroups=@id ..." in policies: @key's value, or -1 */
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

static enum st_status wb_run(void *arg)
{
	struct vst_env *env = arg;
	uint64_t calls, wb, forced;
	long long policy_forced;
	struct vst_argv av;
	struct vst_result r;
	int status;

	ST_FAIL_IF(attach(env->cg, "-s wb_nothing=1"), "attach failed");
	status = vst_run_measured(env, vst_argv(&av, "memverify", "-s %u -p 2 -f compressible",
						WORK_MIB), &r, NULL);
	ST_FAIL_IF(status, "memverify failed (%d): data lost", status);
	calls = stat_of(env->cg, "writeback");
	wb = memstat(env->cg, "swap_ext_writeback");
	forced = memstat(env->cg, "swap_ext_wb_forced");
	policy_forced = policy_key(sx_cg_id(env->cg), "wb_forced");
	st_log("writeback() ran %lu times, %lld answers overruled; memory.stat swap_ext_writeback %lu, swap_ext_wb_forced %lu",
	       calls, policy_forced, wb, forced);
	ST_FAIL_IF(!calls || !agree(wb, calls), "swap_ext_writeback %lu for %lu calls", wb,
		   calls);
	ST_FAIL_IF(policy_forced <= 0, "the kernel never overruled a writeback() of nothing");
	ST_FAIL_IF(!agree(forced, policy_forced), "swap_ext_wb_forced %lu, the policy's %lld",
		   forced, policy_forced);
	return ST_PASS;
}

static struct st_test swap_ext_memstat_wb = {
	.name = "swap_ext_memstat_wb",
	.description = "memory.stat counts writeback() calls and overruled answers",
	.setup = wb_setup,
	.run = wb_run,
	.cleanup = vst_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(swap_ext_memstat_wb);

/* ---------------------------------------------------------------------
 * swap_ext_link_info
 */

static enum st_status link_setup(void **ctx)
{
	return sx_setup(ctx, "swap_ext_link_info", 0, 0, 0, 0);
}

static enum st_status link_run(void *arg)
{
	struct vst_env *env = arg;
	char bpftool[PATH_MAX], out[8192];
	uint64_t id = sx_cg_id(env->cg);
	int ret;

	st_build_path(bpftool, sizeof(bpftool), "tools/sbin", "bpftool");
	if (access(bpftool, X_OK))
		return st_skip("no %s", bpftool);
	ST_FAIL_IF(attach(env->cg, ""), "attach failed");
	ret = st_cmd(out, sizeof(out),
		     "%s -j link show | jq -e 'map(select(.type == \"struct_ops\" and .cgroup_id == %lu)) | length == 1' 2>&1",
		     bpftool, id);
	st_log("bpftool -j link show | jq: %d: %s", ret, out);
	ST_FAIL_IF(ret, "bpftool -j link show has no struct_ops link with cgroup_id %lu", id);
	ret = st_cmd(out, sizeof(out), "%s link show 2>&1 | grep -c 'cgroup_id %lu '",
		     bpftool, id);
	ST_FAIL_IF(ret || atoi(out) != 1, "bpftool link show prints cgroup_id %lu %s times", id,
		   out);
	ST_FAIL_IF(sx_detach(env->cg), "detach failed");
	return ST_PASS;
}

static struct st_test swap_ext_link_info = {
	.name = "swap_ext_link_info",
	.description = "bpftool link show names a policy link's cgroup",
	.setup = link_setup,
	.run = link_run,
	.cleanup = vst_cleanup,
	.timeout = 120,
};
REGISTER_ST_TEST(swap_ext_link_info);
