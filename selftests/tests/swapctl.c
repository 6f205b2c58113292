// SPDX-License-Identifier: GPL-2.0
/*
 * swapctl, as an operator uses it.  Its JSON output is checked with jq;
 * each test skips without swap_ext, swapctl or jq.
 *
 * swapctl_cli:         tiers lists the two tiers as swapon made them;
 *                      attach with knobs pins the link; status shows the
 *                      policy attached to the cgroup and inherited by its
 *                      child; list shows its ops, cgroup and stats map;
 *                      stats finds the map by policy name and by cgroup;
 *                      detach puts the cgroup back on the default and
 *                      removes the pins.  Every command's -j output is
 *                      JSON and its --help a usage.
 * swapctl_errors_fail: a missing cgroup, cgroup v1, a cgroup without the
 *                      memory controller, an unknown policy, knob or knob
 *                      value, a program the verifier rejects (its log with
 *                      -v only), a second policy on a cgroup, a detach of
 *                      nothing, an unknown command, missing privileges:
 *                      each is a clear message and exit status 1 (2 for
 *                      usage), and leaves no policy loaded.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "runner.h"
#include "lib/st.h"
#include "lib/sx.h"
#include "lib/vst.h"

/* swapctl @args (a shell fragment); its status, stdout+stderr in @out */
static int __attribute__((format(printf, 3, 4)))
ctl(char *out, size_t len, const char *fmt, ...)
{
	char args[2048], buf[8192];
	va_list ap;
	int ret;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	if (!out) {
		out = buf;
		len = sizeof(buf);
	}
	ret = st_cmd(out, len, "%s %s 2>&1", sx_swapctl(), args);
	st_log("swapctl %s: %d: %.*s", args, ret, (int)strcspn(out, "\n") + 200, out);
	return ret;
}

/* swapctl -j @args | jq -e @filter: whether the filter holds */
static bool jq(const char *args, const char *filter)
{
	char out[4096];
	int ret;

	ret = st_cmd(out, sizeof(out), "%s -j %s | jq -ce '%s' 2>&1",
		     sx_swapctl(), args, filter);
	if (ret)
		st_log("swapctl -j %s | jq '%s': %d: %s", args, filter, ret, out);
	return !ret;
}

/* Nothing loaded: swapctl list -j shows no policy */
static bool none_loaded(void)
{
	return jq("list", ".policies | length == 0");
}

static enum st_status ctl_setup(void **ctx, const char *name)
{
	if (st_cmd(NULL, 0, "command -v jq >/dev/null"))
		return st_skip("no jq");
	return sx_setup(ctx, name, 0, 2, 0, 0);
}

/* ---------------------------------------------------------------------
 * swapctl_cli
 */

static enum st_status cli_setup(void **ctx)
{
	return ctl_setup(ctx, "swapctl_cli");
}

static enum st_status cli_run(void *arg)
{
	static const char * const cmds[] = {
		"list", "attach", "detach", "status", "stats", "tiers",
	};
	struct vst_env *env = arg;
	char child[PATH_MAX + 8], rel[256], f[1024], out[8192], pin[128];
	uint64_t id = sx_cg_id(env->cg);
	size_t i;

	/* CGROUP as an operator types it: relative to /sys/fs/cgroup */
	snprintf(rel, sizeof(rel), "%s", env->cg + strlen("/sys/fs/cgroup/"));
	snprintf(child, sizeof(child), "%s/child", env->cg);
	ST_CHECK(!mkdir(child, 0755));
	ST_CHECK(!st_cg_write(env->cg, "cgroup.subtree_control", "+memory"));

	/* tiers: as swapon made them, fastest first */
	ST_CHECK(!ctl(out, sizeof(out), "tiers"));
	ST_FAIL_IF(!strstr(out, env->tier[0]) || !strstr(out, env->tier[1]),
		   "tiers does not list %s and %s", env->tier[0], env->tier[1]);
	snprintf(f, sizeof(f), ".tiers | length == 2 and .[0].device == \"%s\" and .[0].prio == 10 and .[1].device == \"%s\" and .[1].prio == 5 and .[0].slots > 0",
		 env->tier[0], env->tier[1]);
	ST_FAIL_IF(!jq("tiers", f), "tiers -j does not match swapon");
	ST_CHECK(jq("tiers", ".virtual.slots > 0"));

	/* attach: knobs, the output, the pins */
	ST_CHECK(none_loaded());
	snprintf(f, sizeof(f), "attach -s batch=16 -s min_age_ms=0 tiered %s", rel);
	snprintf(out, sizeof(out), ".policy == \"tiered\" and .cgroup_id == %lu", id);
	ST_FAIL_IF(!jq(f, out), "attach -j");
	snprintf(pin, sizeof(pin), "/sys/fs/bpf/swap_ext/%lu/link", id);
	ST_FAIL_IF(access(pin, F_OK), "no pin %s", pin);

	/* status: attached here, inherited below */
	snprintf(f, sizeof(f), "status %s", env->cg);
	snprintf(out, sizeof(out), ".policy == \"tiered attached\" and .cgroup_id == %lu and (.backends | has(\"zswap\") and has(\"tier\") and has(\"zero\") and has(\"memory\"))",
		 id);
	ST_FAIL_IF(!jq(f, out), "status -j of the cgroup");
	snprintf(f, sizeof(f), "status %s/child", rel);
	ST_FAIL_IF(!jq(f, ".policy == \"tiered inherited\""), "status -j of the child");
	snprintf(f, sizeof(f), "[.[] | select(.cgroup_id == %lu)] | length == 1", id);
	ST_FAIL_IF(!jq("status", f), "status -j of every cgroup misses the test cgroup");
	ST_CHECK(!ctl(out, sizeof(out), "status %s", rel));
	ST_FAIL_IF(!strstr(out, "tiered attached"), "status: %s", out);

	/* list: one policy, its ops, its cgroup by path, a stats map */
	snprintf(f, sizeof(f), ".policies | length == 1 and .[0].name == \"tiered\" and .[0].state == \"active\" and (.[0].ops | index(\"writeback\") != null) and .[0].stats_map_id != null and .[0].cgroups == [{\"id\": %lu, \"path\": \"/%s\"}]",
		 id, rel);
	ST_FAIL_IF(!jq("list", f), "list -j");
	ST_CHECK(jq("list", ".shipped | index(\"latency\") != null and index(\"minimal\") != null"));
	ST_CHECK(!ctl(out, sizeof(out), "list"));
	ST_FAIL_IF(!strstr(out, "tiered") || !strstr(out, rel), "list: %s", out);

	/* stats: by name, by cgroup, by inheriting cgroup: one map */
	ST_FAIL_IF(!jq("stats tiered", ".policy == \"tiered\" and (.stats | has(\"wb_entries\"))"),
		   "stats -j by name");
	snprintf(f, sizeof(f), "stats %s/child", rel);
	ST_FAIL_IF(!jq(f, ".policy == \"tiered\" and .stats.place == 0"),
		   "stats -j of the inheriting child");
	ST_CHECK(!ctl(out, sizeof(out), "stats %s", rel));
	ST_FAIL_IF(!strstr(out, "promoted 0"), "stats: %s", out);

	/* detach: default again, pins gone, nothing loaded */
	snprintf(f, sizeof(f), "detach %s", rel);
	ST_FAIL_IF(!jq(f, ".detached == \"yes\""), "detach -j");
	ST_FAIL_IF(!access(pin, F_OK), "%s is still there", pin);
	ST_FAIL_IF(!sx_wait_policy(env->cg, "default"), "not back on the default");
	ST_FAIL_IF(!sx_wait_none(), "the policy stays loaded");
	ST_CHECK(none_loaded());

	/* --help on every command, -h before it, help */
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		ST_FAIL_IF(ctl(out, sizeof(out), "%s --help", cmds[i]), "%s --help", cmds[i]);
		snprintf(f, sizeof(f), "usage: swapctl [-j] [-v] %s", cmds[i]);
		ST_FAIL_IF(!strstr(out, f), "%s --help: %s", cmds[i], out);
	}
	ST_CHECK(!ctl(out, sizeof(out), "-h"));
	ST_CHECK(strstr(out, "swapctl tiers") != NULL);
	ST_CHECK(!ctl(out, sizeof(out), "help"));

	ST_CHECK(!rmdir(child));
	return ST_PASS;
}

static struct st_test swapctl_cli = {
	.name = "swapctl_cli",
	.description = "swapctl tiers, attach, status, list, stats, detach, -j and --help",
	.setup = cli_setup,
	.run = cli_run,
	.cleanup = vst_cleanup,
	.timeout = 120,
};
REGISTER_ST_TEST(swapctl_cli);

/* ---------------------------------------------------------------------
 * swapctl_errors_fail
 */

static enum st_status errors_setup(void **ctx)
{
	return ctl_setup(ctx, "swapctl_errors_fail");
}

/* swapctl @args exits with @status and says @msg, loading nothing */
#define EXPECT(status, msg, ...)					\
	do {								\
		char __out[8192];					\
		int __ret = ctl(__out, sizeof(__out), __VA_ARGS__);	\
									\
		ST_FAIL_IF(__ret != (status), "exit status %d, want %d", \
			   __ret, (status));				\
		ST_FAIL_IF(!strstr(__out, (msg)),			\
			   "want \"%s\" in: %s", (msg), __out);		\
		ST_FAIL_IF(!none_loaded(), "a policy was left loaded");	\
	} while (0)

static enum st_status errors_run(void *arg)
{
	struct vst_env *env = arg;
	char nomem[PATH_MAX + 8], v1[] = "/tmp/swapctl-v1", out[65536];
	const char *cg = env->cg;
	int ret;

	/* the cgroup */
	EXPECT(1, "does not exist", "attach tiered %s/nonexistent", cg);
	EXPECT(1, "does not exist", "status %s/nonexistent", cg);
	EXPECT(1, "does not exist", "detach %s/nonexistent", cg);
	snprintf(nomem, sizeof(nomem), "%s/nomem", cg);
	ST_CHECK(!mkdir(nomem, 0755));
	EXPECT(1, "memory controller is not enabled", "attach tiered %s", nomem);
	EXPECT(1, "memory controller is not enabled", "status %s", nomem);
	ST_CHECK(!rmdir(nomem));
	ST_CHECK(!mkdir(v1, 0755) || errno == EEXIST);
	ret = mount("none", v1, "cgroup", 0, "none,name=swapctl_test");
	if (ret) {
		st_log("cannot mount a cgroup v1 hierarchy (%m): not tried");
	} else {
		EXPECT(1, "cgroup v1", "attach tiered %s", v1);
		EXPECT(1, "cgroup v1", "status %s", v1);
		umount(v1);
	}
	rmdir(v1);

	/* the policy and its knobs */
	EXPECT(1, "no such file or shipped policy", "attach nosuch %s", cg);
	EXPECT(1, "no such file or shipped policy", "attach /nonexistent.bpf.o %s", cg);
	EXPECT(1, "no such knob (its knobs: batch, min_age_ms, promote_after)",
	       "attach -s nosuch=1 tiered %s", cg);
	EXPECT(1, "is not a number", "attach -s batch=many tiered %s", cg);
	EXPECT(1, "want KNOB=VALUE", "attach -s batch tiered %s", cg);
	EXPECT(1, "the policy has no knobs", "attach -s x=1 %s %s", sx_obj("sx_noop"), cg);
	EXPECT(1, "rejected by the kernel", "attach %s %s", sx_obj("sx_write_ro"), cg);
	ret = ctl(out, sizeof(out), "attach %s %s", sx_obj("sx_write_ro"), cg);
	ST_FAIL_IF(strstr(out, "PROG LOAD LOG"), "the verifier's log without -v");
	ret = ctl(out, sizeof(out), "-v attach %s %s", sx_obj("sx_write_ro"), cg);
	ST_FAIL_IF(ret != 1 || !strstr(out, "PROG LOAD LOG"),
		   "no verifier log with -v (%d)", ret);
	ST_CHECK(none_loaded());

	/* a second policy, a detach of nothing */
	ST_CHECK(!ctl(NULL, 0, "attach tiered %s", cg));
	ret = ctl(out, sizeof(out), "attach latency %s", cg);
	ST_FAIL_IF(ret != 1 || !strstr(out, "already has a policy"), "second attach: %d", ret);
	ST_FAIL_IF(!sx_wait_policy(cg, "tiered attached"), "the first policy is gone");
	ST_CHECK(!ctl(NULL, 0, "detach %s", cg));
	ST_FAIL_IF(!sx_wait_none(), "the policy stays loaded");
	EXPECT(1, "has no policy attached by swapctl", "detach %s", cg);
	EXPECT(1, "no loaded policy", "stats nosuch");

	/* usage */
	EXPECT(2, "unknown command", "frobnicate");
	EXPECT(2, "usage: swapctl [-j] [-v] attach", "attach tiered");
	EXPECT(2, "usage: swapctl [-j] [-v] detach", "detach");
	EXPECT(2, "usage: swapctl [-j] [-v] tiers", "tiers extra");

	/* privileges: nobody, no capabilities */
	if (st_cmd(NULL, 0, "command -v setpriv >/dev/null")) {
		st_log("no setpriv: privileges not tried");
	} else {
		static const char nobody[] =
			"setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all";

		ret = st_cmd(out, sizeof(out), "%s %s attach tiered %s 2>&1", nobody,
			     sx_swapctl(), cg);
		st_log("as nobody: swapctl attach: %d: %s", ret, out);
		ST_FAIL_IF(ret != 1 || !strstr(out, "permission denied") ||
			   !strstr(out, "run as root"), "attach as nobody");
		ret = st_cmd(out, sizeof(out), "%s %s list 2>&1", nobody, sx_swapctl());
		st_log("as nobody: swapctl list: %d: %s", ret, out);
		ST_FAIL_IF(ret != 1 || !strstr(out, "permission denied"), "list as nobody");
		ST_CHECK(none_loaded());
	}
	return ST_PASS;
}

static struct st_test swapctl_errors_fail = {
	.name = "swapctl_errors_fail",
	.description = "swapctl refuses bad input with a clear message and leaves nothing behind",
	.setup = errors_setup,
	.run = errors_run,
	.cleanup = vst_cleanup,
	.timeout = 180,
};
REGISTER_ST_TEST(swapctl_errors_fail);
