// SPDX-License-Identifier: GPL-2.0
/*
 * swapctl apply: the policies of a configuration file, as an operator
 * keeps them.  Each test skips without swap_ext, swapctl or jq.
 *
 * swapctl_apply:             a file with an exact path and a glob attaches
 *                            a policy to each cgroup it names, with its
 *                            knobs; applied again it changes nothing; a
 *                            second file, tried with -n first (which must
 *                            change nothing), replaces the policy whose
 *                            knob changed while its cgroup swaps, detaches
 *                            what the file dropped and attaches to a new
 *                            glob; an empty file detaches everything.
 *                            Every byte of the workload verified.
 * swapctl_apply_errors_fail: each malformed file (syntax, a pair outside
 *                            a section, no policy, an unknown policy, knob
 *                            or value, a name given twice, "..") is
 *                            refused with FILE:LINE and the reason, and
 *                            changes nothing; so are bad options.
 * swapctl_apply_watch:       apply --watch attaches to a cgroup made after
 *                            it started, re-attaches a policy ejected
 *                            through sysfs with a delay that doubles with
 *                            each ejection in a row, applies the file again
 *                            when it is replaced, keeps the last valid file
 *                            when the new one is malformed, and leaves the
 *                            policies attached when SIGTERM ends it, while
 *                            a workload swaps in a cgroup it manages.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "runner.h"
#include "lib/st.h"
#include "lib/sx.h"
#include "lib/vst.h"

#define CONF		"/tmp/swapctl-apply.conf"

/* Write @fmt... to @path whole: through a temporary file and rename() */
static int __attribute__((format(printf, 2, 3)))
conf_write(const char *path, const char *fmt, ...)
{
	char tmp[PATH_MAX];
	va_list ap;
	FILE *f;
	int ret;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	ret = fclose(f) ? -errno : 0;
	if (!ret && rename(tmp, path))
		ret = -errno;
	return ret;
}

/* Wait up to @s seconds (times the runner's -T) for @cg's policy to be @want */
static bool wait_policy(const char *cg, const char *want, double s)
{
	double end = st_now() + s * st_time_scale();
	char buf[128];

	do {
		sx_policy_of(cg, buf, sizeof(buf));
		if (!strcmp(buf, want))
			return true;
		usleep(20 * 1000);
	} while (st_now() < end);
	st_log("%s/memory.swap.policy is '%s', want '%s'", cg, buf, want);
	return false;
}

/* The struct_ops map id of the policy linked to @cg, from swapctl list -j */
static unsigned long map_of(const char *cg)
{
	char out[256];
	uint64_t id = sx_cg_id(cg);

	if (st_cmd(out, sizeof(out),
		   "%s -j list | jq -e '[.policies[] | select(.cgroups | map(.id) | index(%lu) != null)][0].map_id'",
		   sx_swapctl(), id))
		return 0;
	return strtoul(out, NULL, 10);
}

/* Apply an empty file: every policy swapctl pinned goes, and the file */
static enum st_status apply_nothing(void)
{
	ST_CHECK(!conf_write(CONF, "\n"));
	ST_CHECK(!sx_ctl(NULL, 0, "apply " CONF));
	ST_FAIL_IF(!sx_wait_none(), "policies stay loaded");
	unlink(CONF);
	return ST_PASS;
}

static enum st_status apply_setup(void **ctx, const char *name)
{
	if (st_cmd(NULL, 0, "command -v jq >/dev/null"))
		return st_skip("no jq");
	return sx_setup(ctx, name, VST_ZSWAP, 2, 0, 0);
}

/* mkdir @env->cg/@name, its memory.max @max_mib if not 0; path into @path */
static int child(const struct vst_env *env, const char *name, unsigned int max_mib,
		 char *path, size_t len)
{
	snprintf(path, len, "%s/%s", env->cg, name);
	if (mkdir(path, 0755))
		return -errno;
	if (max_mib && st_cg_write(path, "memory.max", "%uM", max_mib))
		return -EIO;
	return 0;
}

/* ---------------------------------------------------------------------
 * swapctl_apply
 */

static enum st_status one_setup(void **ctx)
{
	return apply_setup(ctx, "swapctl_apply");
}

static enum st_status one_run(void *arg)
{
	struct vst_env *env = arg;
	const char *rel = env->cg + strlen("/sys/fs/cgroup/");
	char a[PATH_MAX], b1[PATH_MAX], b2[PATH_MAX], c[PATH_MAX], d[PATH_MAX + 8];
	char lng[PATH_MAX];
	char f[1024], out[8192];
	unsigned long a_map, a_map2;
	struct vst_argv av;
	struct vst_proc p;
	uint64_t bad;
	int status;

	ST_CHECK(!st_cg_write(env->cg, "cgroup.subtree_control", "+memory"));
	ST_CHECK(!child(env, "a", 16, a, sizeof(a)));
	ST_CHECK(!child(env, "b1", 0, b1, sizeof(b1)));
	ST_CHECK(!child(env, "b2", 0, b2, sizeof(b2)));
	ST_CHECK(!child(env, "c", 0, c, sizeof(c)));
	ST_CHECK(!st_cg_write(c, "cgroup.subtree_control", "+memory"));
	snprintf(d, sizeof(d), "%s/d", c);
	ST_CHECK(!mkdir(d, 0755));
	/* a path longer than the 49 characters libinih keeps of a section */
	ST_CHECK(!child(env, "a-cgroup-whose-name-alone-is-longer-than-fifty-characters", 0,
			lng, sizeof(lng)));

	/* an exact path (absolute) and a glob (relative) */
	ST_CHECK(!conf_write(CONF, "; three sections, pairs indented\n[%s/a]\n\tpolicy = tiered\n\tbatch = 16\n\n# a glob\n[%s/b*]\n  policy = latency\n[%s] ; long\npolicy = minimal\n",
			     env->cg, rel, lng));
	snprintf(f, sizeof(f), "([.changes[] | select(.result == \"done\")] | length == 4) and ([.changes[] | select(.action == \"attach\" and .policy == \"latency\")] | length == 2) and ([.changes[] | select(.action == \"attach\" and .cgroup == \"/%s/a\" and .policy == \"tiered\")] | length == 1)",
		 rel);
	ST_FAIL_IF(!sx_jq("apply " CONF, f), "the first apply");
	ST_FAIL_IF(!wait_policy(a, "tiered attached", 2), "a");
	ST_FAIL_IF(!wait_policy(b1, "latency attached", 2), "b1");
	ST_FAIL_IF(!wait_policy(b2, "latency attached", 2), "b2");
	ST_FAIL_IF(!wait_policy(d, "default", 0), "c/d");
	ST_FAIL_IF(!wait_policy(lng, "minimal attached", 0), "the long path");
	ST_FAIL_IF(!wait_policy(env->cg, "default", 0), "the long path's parent");
	ST_FAIL_IF(!sx_jq("apply " CONF, "[.changes[] | select(.action != \"keep\")] | length == 0"),
		   "applied again, the file changed something");
	ST_CHECK(!sx_ctl(out, sizeof(out), "-v apply " CONF));
	ST_FAIL_IF(!strstr(out, "keep /"), "-v does not show what it kept: %s", out);
	a_map = map_of(a);
	ST_CHECK(a_map);

	/* the next file: a knob changed, b* dropped, a glob two levels down */
	ST_CHECK(!conf_write(CONF, "[%s/a]\npolicy = tiered\nbatch = 32\n[%s/c/*]\npolicy = minimal\n",
			     rel, rel));
	snprintf(f, sizeof(f), "(.dry_run == true) and ([.changes[] | select(.result == \"planned\")] | length == 5) and ([.changes[] | select(.action == \"replace\" and .previous == \"tiered\")] | length == 1) and ([.changes[] | select(.action == \"detach\" and .previous == \"latency\")] | length == 2) and ([.changes[] | select(.action == \"detach\" and .previous == \"minimal\")] | length == 1) and ([.changes[] | select(.action == \"attach\" and .cgroup == \"/%s/c/d\")] | length == 1)",
		 rel);
	ST_FAIL_IF(!sx_jq("apply -n " CONF, f), "-n does not say what it would do");
	ST_CHECK(!sx_ctl(out, sizeof(out), "apply -n " CONF));
	ST_FAIL_IF(!strstr(out, "dry run: nothing changed"), "-n: %s", out);
	ST_FAIL_IF(map_of(a) != a_map, "-n replaced the policy of a");
	ST_FAIL_IF(!wait_policy(b1, "latency attached", 0), "-n detached b1");
	ST_FAIL_IF(!wait_policy(d, "default", 0), "-n attached to c/d");

	/* applied while a swaps: the policy is replaced under it */
	ST_FAIL_IF(vst_spawn(&p, a, vst_argv(&av, "memverify", "-s 48 -p 3 -f mixed")),
		   "cannot start memverify");
	usleep(500 * 1000 * st_time_scale());
	ST_CHECK(!sx_ctl(out, sizeof(out), "apply " CONF));
	ST_FAIL_IF(!strstr(out, "replace /") || !strstr(out, "detach /") || !strstr(out, "attach /"),
		   "apply says: %s", out);
	ST_FAIL_IF(!wait_policy(a, "tiered attached", 2), "a after the replacement");
	a_map2 = map_of(a);
	ST_FAIL_IF(!a_map2 || a_map2 == a_map, "a's policy was not replaced (map %lu, was %lu)",
		   a_map2, a_map);
	ST_FAIL_IF(!wait_policy(b1, "default", 2), "b1 still has a policy");
	ST_FAIL_IF(!wait_policy(b2, "default", 2), "b2 still has a policy");
	ST_FAIL_IF(!wait_policy(d, "minimal attached", 2), "c/d");
	ST_FAIL_IF(!wait_policy(lng, "default", 2), "the long path kept its policy");
	ST_FAIL_IF(!sx_jq("apply " CONF, "[.changes[] | select(.action != \"keep\")] | length == 0"),
		   "applied again, the second file changed something");
	while (vst_poll(&p, 1000))
		;
	status = vst_reap(&p);
	ST_FAIL_IF(status, "memverify: status %d", status);
	ST_FAIL_IF(!vst_out_u64(&p, "bad_pages", &bad) || bad, "bad pages");

	/* nothing named: everything swapctl pinned goes */
	ST_CHECK(!conf_write(CONF, "; nothing\n"));
	ST_CHECK(!sx_ctl(out, sizeof(out), "apply " CONF));
	ST_FAIL_IF(!wait_policy(a, "default", 2) || !wait_policy(d, "default", 2),
		   "an empty file left policies attached");
	ST_FAIL_IF(!sx_wait_none(), "policies stay loaded");
	unlink(CONF);
	return ST_PASS;
}

static struct st_test swapctl_apply = {
	.name = "swapctl_apply",
	.description = "swapctl apply attaches, keeps, replaces and detaches as its file says",
	.setup = one_setup,
	.run = one_run,
	.cleanup = vst_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(swapctl_apply);

/* ---------------------------------------------------------------------
 * swapctl_apply_errors_fail
 */

static enum st_status errors_setup(void **ctx)
{
	return apply_setup(ctx, "swapctl_apply_errors_fail");
}

static enum st_status errors_run(void *arg)
{
	static const struct {
		const char *text;	/* %1$s: the cgroup, relative */
		int line;
		const char *why;
	} bad[] = {
		{ "policy = tiered\n", 1, "is outside a [cgroup] section" },
		{ "[%1$s/a]\npolicy = tiered\nbatch = many\n", 3, "is not a number" },
		{ "[%1$s/a]\npolicy = tiered\nnosuch = 1\n", 3, "no such knob (its knobs: batch" },
		{ "[%1$s/a]\npolicy = nosuch\n", 2, "no such file or shipped policy" },
		{ "[%1$s/a]\nbatch = 1\n", 1, "has no policy =" },
		{ "[%1$s/a]\npolicy = tiered\n\n[%1$s/b]\n", 4, "a section without policy =" },
		{ "[%1$s/a]\npolicy = tiered\npolicy = latency\n", 3, "policy given twice (first on line 2)" },
		{ "[%1$s/a]\npolicy = tiered\n[%1$s/a]\npolicy = latency\n", 4,
		  "given twice (first on line 1)" },
		{ "[%1$s/a]\npolicy = tiered\nthis is not ini\n", 3, "not a [cgroup] line" },
		{ "[%1$s/../a]\npolicy = tiered\n", 2, "are not allowed in a cgroup path" },
		{ "[%1$s/a]\npolicy = tiered\n9lives = 1\n", 3, "is not a knob name" },
		{ "[%1$s/a]\npolicy =\n", 2, "has no value" },
	};
	struct vst_env *env = arg;
	const char *rel = env->cg + strlen("/sys/fs/cgroup/");
	char a[PATH_MAX], b[PATH_MAX], want[256], before[8192], after[8192];
	char out[8192];
	size_t i;
	int ret;

	ST_CHECK(!st_cg_write(env->cg, "cgroup.subtree_control", "+memory"));
	ST_CHECK(!child(env, "a", 0, a, sizeof(a)));
	ST_CHECK(!child(env, "b", 0, b, sizeof(b)));
	ST_CHECK(!conf_write(CONF, "[%s/a]\npolicy = tiered\n", rel));
	ST_CHECK(!sx_ctl(NULL, 0, "apply " CONF));
	ST_FAIL_IF(!wait_policy(a, "tiered attached", 2), "the valid file");
	ST_CHECK(!st_cmd(before, sizeof(before), "%s -j list | jq -c .policies", sx_swapctl()));

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ST_CHECK(!conf_write(CONF, bad[i].text, rel));
		ret = sx_ctl(out, sizeof(out), "apply " CONF);
		snprintf(want, sizeof(want), "swapctl: " CONF ":%d: ", bad[i].line);
		ST_FAIL_IF(ret != 1, "file %zu: exit status %d, want 1", i, ret);
		ST_FAIL_IF(!strstr(out, want) || !strstr(out, bad[i].why),
			   "file %zu: want \"%s...%s\" in: %s", i, want, bad[i].why, out);
		ST_CHECK(!st_cmd(after, sizeof(after), "%s -j list | jq -c .policies",
				 sx_swapctl()));
		ST_FAIL_IF(strcmp(before, after), "file %zu changed the policies: %s", i, after);
	}
	ST_FAIL_IF(!wait_policy(a, "tiered attached", 0), "a lost its policy");

	ret = sx_ctl(out, sizeof(out), "apply /nonexistent.conf");
	ST_FAIL_IF(ret != 1 || !strstr(out, "/nonexistent.conf: No such file or directory"),
		   "a missing file: %d", ret);
	ret = sx_ctl(out, sizeof(out), "apply -n --watch " CONF);
	ST_FAIL_IF(ret != 2 || !strstr(out, "do not go together"), "-n --watch: %d", ret);
	ret = sx_ctl(out, sizeof(out), "apply --backoff-ms 0 --watch " CONF);
	ST_FAIL_IF(ret != 2 || !strstr(out, "--backoff-ms 0: want 1 to"), "--backoff-ms 0: %d", ret);
	ret = sx_ctl(out, sizeof(out), "apply " CONF " " CONF);
	ST_FAIL_IF(ret != 2 || !strstr(out, "usage: swapctl [-j] [-v] apply"), "two files: %d", ret);

	return apply_nothing();
}

static struct st_test swapctl_apply_errors_fail = {
	.name = "swapctl_apply_errors_fail",
	.description = "swapctl apply refuses a malformed file with its line and changes nothing",
	.setup = errors_setup,
	.run = errors_run,
	.cleanup = vst_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(swapctl_apply_errors_fail);

/* ---------------------------------------------------------------------
 * swapctl_apply_watch
 */

#define BACKOFF_MS	300

static enum st_status watch_setup(void **ctx)
{
	return apply_setup(ctx, "swapctl_apply_watch");
}

/* Eject every policy and time how long until @cg has @want again */
static double eject_until(struct vst_proc *w, const char *cg, const char *want)
{
	double t0 = st_now();
	bool gone = false;
	char buf[128];

	if (st_write(SWAP_EXT_DIR "/eject", "1"))
		return -1;
	/* the ejection is a work item: first see it, then the re-attach */
	while (st_now() - t0 < 30 * st_time_scale()) {
		vst_poll(w, 10);
		sx_policy_of(cg, buf, sizeof(buf));
		if (!gone) {
			gone = strcmp(buf, want);
			continue;
		}
		if (!strcmp(buf, want))
			return st_now() - t0;
	}
	st_log("%s: %s after the ejection", cg, gone ? "not re-attached" : "not ejected");
	return -1;
}

static enum st_status watch_run(void *arg)
{
	struct vst_env *env = arg;
	const char *rel = env->cg + strlen("/sys/fs/cgroup/");
	char wcg[PATH_MAX], job1[PATH_MAX], job2[PATH_MAX];
	char *argv[8], backoff[16];
	struct vst_proc w, p;
	struct vst_argv av;
	double t[4], t0;
	uint64_t bad;
	int i, status;

	ST_CHECK(!st_cg_write(env->cg, "cgroup.subtree_control", "+memory"));
	/* the watcher runs in a leaf of its own, which its glob does not match */
	ST_CHECK(!child(env, "watcher", 0, wcg, sizeof(wcg)));
	ST_CHECK(!conf_write(CONF, "[%s/job*]\npolicy = tiered\n", rel));
	snprintf(backoff, sizeof(backoff), "%d", BACKOFF_MS);
	argv[0] = (char *)sx_swapctl();
	argv[1] = "apply";
	argv[2] = "--watch";
	argv[3] = "--backoff-ms";
	argv[4] = backoff;
	argv[5] = CONF;
	argv[6] = NULL;
	ST_FAIL_IF(vst_spawn(&w, wcg, argv), "cannot start swapctl apply --watch");
	for (t0 = st_now(); !strstr(w.out, "watching") && st_now() - t0 < 30 * st_time_scale(); )
		ST_FAIL_IF(!vst_poll(&w, 100), "the watcher exited: %s", w.out);

	/* a cgroup made afterwards */
	ST_CHECK(!child(env, "job1", 16, job1, sizeof(job1)));
	ST_FAIL_IF(!wait_policy(job1, "tiered attached", 5), "job1 was not picked up: %s", w.out);
	ST_FAIL_IF(vst_spawn(&p, job1, vst_argv(&av, "memverify", "-s 48 -p 6 -f mixed")),
		   "cannot start memverify");

	/* ejected four times in a row: each wait about twice the last */
	for (i = 0; i < 4; i++) {
		t[i] = eject_until(&w, job1, "tiered attached");
		ST_FAIL_IF(t[i] < 0, "ejection %d: not re-attached: %s", i + 1, w.out);
	}
	st_log("re-attached after %.2f %.2f %.2f %.2f s (backoff %d ms)", t[0], t[1], t[2],
	       t[3], BACKOFF_MS);
	ST_FAIL_IF(!strstr(w.out, "reattach /"), "the watcher did not say so: %s", w.out);
	ST_FAIL_IF(!strstr(w.out, "(ejection 4 in a row), re-attach in 2.4 s"),
		   "the delay did not double with each ejection: %s", w.out);
	ST_FAIL_IF(t[3] < 8 * BACKOFF_MS / 1000.0 * 0.9,
		   "no backoff: the fourth re-attach came after %.2f s", t[3]);

	/* the file replaced: applied again */
	ST_CHECK(!conf_write(CONF, "[%s/job*]\npolicy = latency\n", rel));
	ST_FAIL_IF(!wait_policy(job1, "latency attached", 5), "the new file was not applied: %s",
		   w.out);

	/* a malformed file: reported, the last valid one stays in force */
	ST_CHECK(!conf_write(CONF, "[%s/job*]\npolicy = nosuch\n", rel));
	for (t0 = st_now(); !strstr(w.out, "not applied") && st_now() - t0 < 10 * st_time_scale(); )
		vst_poll(&w, 100);
	ST_FAIL_IF(!strstr(w.out, CONF ":2: policy nosuch") || !strstr(w.out, "not applied"),
		   "the malformed file was not reported: %s", w.out);
	ST_CHECK(!child(env, "job2", 0, job2, sizeof(job2)));
	ST_FAIL_IF(!wait_policy(job2, "latency attached", 5), "job2 under the last valid file");
	ST_FAIL_IF(!wait_policy(job1, "latency attached", 0), "job1 lost its policy");

	/* SIGTERM: it goes, the policies stay */
	kill(w.pid, SIGTERM);
	while (vst_poll(&w, 1000))
		;
	status = vst_reap(&w);
	ST_FAIL_IF(status, "the watcher exited with %d: %s", status, w.out);
	ST_FAIL_IF(!wait_policy(job1, "latency attached", 0), "SIGTERM detached job1");

	while (vst_poll(&p, 1000))
		;
	status = vst_reap(&p);
	ST_FAIL_IF(status, "memverify: status %d", status);
	ST_FAIL_IF(!vst_out_u64(&p, "bad_pages", &bad) || bad, "bad pages");

	return apply_nothing();
}

static struct st_test swapctl_apply_watch = {
	.name = "swapctl_apply_watch",
	.description = "swapctl apply --watch: new cgroups, ejections with backoff, file changes",
	.setup = watch_setup,
	.run = watch_run,
	.cleanup = vst_cleanup,
	.timeout = 400,
};
REGISTER_ST_TEST(swapctl_apply_watch);
