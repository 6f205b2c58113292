// SPDX-License-Identifier: GPL-2.0
/*
 * swapctl, as an operator uses it.  Its JSON output is checked with jq,
 * its Prometheus output with prometheus_client's parser; each test skips
 * without swap_ext, swapctl, or the checker it needs.
 *
 * swapctl_cli:         tiers lists the two tiers as swapon made them;
 *                      attach with knobs pins the link; status shows the
 *                      policy attached to the cgroup and inherited by its
 *                      child; list shows its ops, cgroup and stats map;
 *                      stats finds the map by policy name and by cgroup;
 *                      detach puts the cgroup back on the default and
 *                      removes the pins.  Every command's -j output is
 *                      JSON and its --help a usage.
 * swapctl_export:      with a workload held while its pages are out,
 *                      export parses (promcheck.py, with Debian's
 *                      prometheus_client) and its per-backend bytes are
 *                      memory.stat's, its tier sizes the tiers file's, its
 *                      policy counters and stats map within the kernel's
 *                      before and after; --textfile replaces the file whole
 *                      while a reader reads it; an ejection shows with its
 *                      reason; bad input fails; every byte verified.
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
#include <signal.h>
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

/* Nothing loaded: swapctl list -j shows no policy */
static bool none_loaded(void)
{
	return sx_jq("list", ".policies | length == 0");
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
	ST_CHECK(!sx_ctl(out, sizeof(out), "tiers"));
	ST_FAIL_IF(!strstr(out, env->tier[0]) || !strstr(out, env->tier[1]),
		   "tiers does not list %s and %s", env->tier[0], env->tier[1]);
	snprintf(f, sizeof(f), ".tiers | length == 2 and .[0].device == \"%s\" and .[0].prio == 10 and .[1].device == \"%s\" and .[1].prio == 5 and .[0].slots > 0",
		 env->tier[0], env->tier[1]);
	ST_FAIL_IF(!sx_jq("tiers", f), "tiers -j does not match swapon");
	ST_CHECK(sx_jq("tiers", ".virtual.slots > 0"));

	/* attach: knobs, the output, the pins */
	ST_CHECK(none_loaded());
	snprintf(f, sizeof(f), "attach -s batch=16 -s min_age_ms=0 tiered %s", rel);
	snprintf(out, sizeof(out), ".policy == \"tiered\" and .cgroup_id == %lu", id);
	ST_FAIL_IF(!sx_jq(f, out), "attach -j");
	snprintf(pin, sizeof(pin), "/sys/fs/bpf/swap_ext/%lu/link", id);
	ST_FAIL_IF(access(pin, F_OK), "no pin %s", pin);

	/* status: attached here, inherited below */
	snprintf(f, sizeof(f), "status %s", env->cg);
	snprintf(out, sizeof(out), ".policy == \"tiered attached\" and .cgroup_id == %lu and (.backends | has(\"zswap\") and has(\"tier\") and has(\"zero\") and has(\"memory\"))",
		 id);
	ST_FAIL_IF(!sx_jq(f, out), "status -j of the cgroup");
	snprintf(f, sizeof(f), "status %s/child", rel);
	ST_FAIL_IF(!sx_jq(f, ".policy == \"tiered inherited\""), "status -j of the child");
	snprintf(f, sizeof(f), "[.[] | select(.cgroup_id == %lu)] | length == 1", id);
	ST_FAIL_IF(!sx_jq("status", f), "status -j of every cgroup misses the test cgroup");
	ST_CHECK(!sx_ctl(out, sizeof(out), "status %s", rel));
	ST_FAIL_IF(!strstr(out, "tiered attached"), "status: %s", out);

	/* list: one policy, its ops, its cgroup by path, a stats map */
	snprintf(f, sizeof(f), ".policies | length == 1 and .[0].name == \"tiered\" and .[0].state == \"active\" and (.[0].ops | index(\"writeback\") != null) and .[0].stats_map_id != null and .[0].cgroups == [{\"id\": %lu, \"path\": \"/%s\"}]",
		 id, rel);
	ST_FAIL_IF(!sx_jq("list", f), "list -j");
	ST_CHECK(sx_jq("list", ".shipped | index(\"latency\") != null and index(\"minimal\") != null"));
	ST_CHECK(!sx_ctl(out, sizeof(out), "list"));
	ST_FAIL_IF(!strstr(out, "tiered") || !strstr(out, rel), "list: %s", out);

	/* stats: by name, by cgroup, by inheriting cgroup: one map */
	ST_FAIL_IF(!sx_jq("stats tiered", ".policy == \"tiered\" and (.stats | has(\"wb_entries\"))"),
		   "stats -j by name");
	snprintf(f, sizeof(f), "stats %s/child", rel);
	ST_FAIL_IF(!sx_jq(f, ".policy == \"tiered\" and .stats.place == 0"),
		   "stats -j of the inheriting child");
	ST_CHECK(!sx_ctl(out, sizeof(out), "stats %s", rel));
	ST_FAIL_IF(!strstr(out, "promoted 0"), "stats: %s", out);

	/* detach: default again, pins gone, nothing loaded */
	snprintf(f, sizeof(f), "detach %s", rel);
	ST_FAIL_IF(!sx_jq(f, ".detached == \"yes\""), "detach -j");
	ST_FAIL_IF(!access(pin, F_OK), "%s is still there", pin);
	ST_FAIL_IF(!sx_wait_policy(env->cg, "default"), "not back on the default");
	ST_FAIL_IF(!sx_wait_none(), "the policy stays loaded");
	ST_CHECK(none_loaded());

	/* --help on every command, -h before it, help */
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		ST_FAIL_IF(sx_ctl(out, sizeof(out), "%s --help", cmds[i]), "%s --help", cmds[i]);
		snprintf(f, sizeof(f), "usage: swapctl [-j] [-v] %s", cmds[i]);
		ST_FAIL_IF(!strstr(out, f), "%s --help: %s", cmds[i], out);
	}
	ST_CHECK(!sx_ctl(out, sizeof(out), "-h"));
	ST_CHECK(strstr(out, "swapctl tiers") != NULL);
	ST_CHECK(!sx_ctl(out, sizeof(out), "help"));

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
		int __ret = sx_ctl(__out, sizeof(__out), __VA_ARGS__);	\
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
	ret = sx_ctl(out, sizeof(out), "attach %s %s", sx_obj("sx_write_ro"), cg);
	ST_FAIL_IF(strstr(out, "PROG LOAD LOG"), "the verifier's log without -v");
	ret = sx_ctl(out, sizeof(out), "-v attach %s %s", sx_obj("sx_write_ro"), cg);
	ST_FAIL_IF(ret != 1 || !strstr(out, "PROG LOAD LOG"),
		   "no verifier log with -v (%d)", ret);
	ST_CHECK(none_loaded());

	/* a second policy, a detach of nothing */
	ST_CHECK(!sx_ctl(NULL, 0, "attach tiered %s", cg));
	ret = sx_ctl(out, sizeof(out), "attach latency %s", cg);
	ST_FAIL_IF(ret != 1 || !strstr(out, "already has a policy"), "second attach: %d", ret);
	ST_FAIL_IF(!sx_wait_policy(cg, "tiered attached"), "the first policy is gone");
	ST_CHECK(!sx_ctl(NULL, 0, "detach %s", cg));
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

/* ---------------------------------------------------------------------
 * swapctl_export
 */

#define PROM_OUT	(256 * 1024)

/* Run promcheck on @file: its status; its output (the samples) in @out */
static int promcheck(const char *file, char *out, size_t len)
{
	char script[PATH_MAX];
	int ret;

	snprintf(script, sizeof(script), "%s/../selftests/lib/promcheck.py",
		 st_build_dir());
	ret = st_cmd(out, len, "%s %s 2>&1", script, file);
	if (ret)
		st_log("promcheck %s: %d: %.300s", file, ret, out);
	else
		st_log("promcheck %s: %s", file,
		       strstr(out, "families=") ? strstr(out, "families=") : out);
	return ret;
}

/* The value of sample @key (labels sorted, as promcheck prints them) */
static bool prom_value(const char *out, const char *key, uint64_t *v)
{
	size_t l = strlen(key);
	const char *s;

	for (s = out; s && *s; s = strchr(s, '\n'), s = s ? s + 1 : NULL) {
		if (!strncmp(s, key, l) && s[l] == ' ') {
			*v = strtoull(s + l + 1, NULL, 10);
			return true;
		}
	}
	st_log("no sample %s", key);
	return false;
}

/* Counter @key of policy @name in /sys/kernel/mm/swap_ext/policies */
static int policy_counter(const char *name, const char *key, uint64_t *v)
{
	char buf[8192], want[128], *line, *s, *save;

	sx_read("policies", buf, sizeof(buf));
	snprintf(want, sizeof(want), " %s=", key);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, name, strlen(name)) || line[strlen(name)] != ' ')
			continue;
		s = strstr(line, want);
		if (!s)
			break;
		*v = strtoull(s + strlen(want), NULL, 10);
		return 0;
	}
	st_log("no %s= of %s in: %s", key, name, buf);
	return -1;
}

/* swapctl export into @file and promcheck it: its samples in @out */
static int export_check(const char *file, char *out, size_t len)
{
	if (sx_ctl(out, len, "export >%s", file))
		return -1;
	return promcheck(file, out, len) ? -1 : 0;
}

static enum st_status export_setup(void **ctx)
{
	if (st_cmd(NULL, 0, "/usr/bin/python3 -c 'import prometheus_client.parser' 2>/dev/null"))
		return st_skip("no python3-prometheus-client (make deps installs it)");
	return sx_setup(ctx, "swapctl_export", VST_ZSWAP, 2, 16, 0);
}

static enum st_status export_run(void *arg)
{
	static const char *const keys[] = {
		"vswap_zero", "vswap_zswap", "vswap_phys", "vswap_folio",
	};
	static const char *const names[] = { "zero", "zswap", "tier", "memory" };
	static const char prom[] = "/tmp/swapctl-export.prom";
	static char out[PROM_OUT];
	struct vst_env *env = arg;
	struct vst_tier tiers[4];
	char rel[256], cgl[300], k[512], dir[] = "/tmp/swapctl-textfile.XXXXXX";
	char file[sizeof(dir) + 32], line[4096], *pol;
	uint64_t before[4], after[4], v, v2, total = 0, place0, place1;
	struct vst_argv av;
	struct vst_proc p;
	struct stat st1, st2;
	int i, try, n, status, nt;
	bool same = false;

	snprintf(rel, sizeof(rel), "/%s", env->cg + strlen("/sys/fs/cgroup/"));
	snprintf(cgl, sizeof(cgl), "cgroup=\"%s\"", rel);
	ST_CHECK(!sx_ctl(NULL, 0, "attach tiered %s", env->cg));

	/* 48 MiB in 16 MiB: about 32 MiB out, zero-filled, in zswap, on a tier */
	ST_FAIL_IF(vst_spawn(&p, env->cg, vst_argv(&av, "memverify", "-s 48 -p 1 -f mixed -H")),
		   "cannot start memverify");
	if (!vst_held(&p, "memverify: holding", 1)) {
		vst_release(&p);
		ST_FAIL_IF(1, "memverify did not reach its hold: %s", p.out);
	}

	/*
	 * The figures must be those of memory.stat: read it before and after
	 * the export, and compare when nothing moved in between (zswap's
	 * shrinker may still write back for a moment).
	 */
	for (try = 0; try < 10 && !same; try++) {
		for (i = 0; i < 4; i++)
			ST_CHECK(!st_cg_key(env->cg, "memory.stat", keys[i], &before[i]));
		ST_CHECK(!sx_stat(env->cg, "place", &place0));
		ST_FAIL_IF(export_check(prom, out, sizeof(out)), "export does not parse");
		ST_CHECK(!sx_stat(env->cg, "place", &place1));
		same = true;
		for (i = 0; i < 4; i++) {
			ST_CHECK(!st_cg_key(env->cg, "memory.stat", keys[i], &after[i]));
			same &= before[i] == after[i];
		}
		if (!same)
			usleep(500 * 1000 * st_time_scale());
	}
	ST_FAIL_IF(!same, "memory.stat kept changing while the workload held");
	for (i = 0, total = 0; i < 4; i++) {
		snprintf(k, sizeof(k), "swapctl_cgroup_swapped_bytes{backend=\"%s\",%s}",
			 names[i], cgl);
		ST_CHECK(prom_value(out, k, &v));
		ST_FAIL_IF(v != after[i], "%s: %lu, memory.stat %s %lu", k, v, keys[i], after[i]);
		snprintf(k, sizeof(k), "swapctl_cgroup_swapped_pages{backend=\"%s\",%s}",
			 names[i], cgl);
		ST_CHECK(prom_value(out, k, &v2));
		ST_FAIL_IF(v2 != after[i] / 4096, "%s: %lu, want %lu", k, v2, after[i] / 4096);
		total += v;
	}
	st_log("swapped out: zero %lu zswap %lu tier %lu memory %lu", after[0], after[1],
	       after[2], after[3]);
	ST_FAIL_IF(total < 16 * MiB || !after[0] || !after[1],
		   "too little swapped out to judge the export");

	/* the policy: who has it, its kernel counters, its stats map */
	snprintf(k, sizeof(k), "swapctl_cgroup_policy_info{%s,how=\"attached\",policy=\"tiered\"}",
		 cgl);
	ST_FAIL_IF(!prom_value(out, k, &v) || v != 1, "no %s 1", k);
	ST_CHECK(!policy_counter("tiered", "place", &v2));
	pol = strstr(out, "swapctl_policy_calls_total{map_id=\"");
	ST_FAIL_IF(!pol, "no swapctl_policy_calls_total");
	n = sscanf(pol, "swapctl_policy_calls_total{map_id=\"%*[0-9]\",op=\"place\",policy=\"tiered\"} %lu",
		   &v);
	ST_FAIL_IF(n != 1, "no place calls of tiered: %.200s", pol);
	ST_FAIL_IF(!v || v > v2, "place calls %lu: 0 or above the kernel's later %lu", v, v2);
	pol = strstr(out, "swapctl_policy_stat{field=\"place\",map_id=\"");
	ST_FAIL_IF(!pol || sscanf(pol, "swapctl_policy_stat{field=\"place\",map_id=\"%*[0-9]\",policy=\"tiered\"} %lu",
				  &v) != 1, "no stats map field place of tiered");
	ST_FAIL_IF(v < place0 || v > place1, "stats place %lu outside [%lu, %lu]",
		   v, place0, place1);
	ST_FAIL_IF(!strstr(out, "swapctl_policy_info{map_id=") ||
		   !strstr(out, ",policy=\"tiered\",state=\"active\"} 1"), "policy_info");

	/* the tiers and the machine */
	nt = vst_tiers(tiers, 4);
	ST_FAIL_IF(nt != 2, "%d tiers", nt);
	for (i = 0; i < nt; i++) {
		snprintf(k, sizeof(k), "swapctl_tier_size_bytes{device=\"%s\",prio=\"%d\",type=\"%d\"}",
			 tiers[i].name, tiers[i].prio, tiers[i].type);
		ST_FAIL_IF(!prom_value(out, k, &v) || v != tiers[i].slots * 4096,
			   "%s: want %lu", k, tiers[i].slots * 4096);
	}
	ST_CHECK(prom_value(out, "swapctl_vswap_slots_used", &v) && v > 0);
	ST_CHECK(prom_value(out, "swapctl_vswap_enabled", &v) && v == 1);
	ST_FAIL_IF(!strstr(out, "\nswapctl_zswap_compression_ratio "), "no compression ratio");
	snprintf(k, sizeof(k), "swapctl_cgroup_swap_events_total{%s,event=\"zswpout\"}", cgl);
	ST_FAIL_IF(!prom_value(out, k, &v) || !v, "%s", k);

	/* --textfile: one file, readable, replaced whole by a rename */
	ST_CHECK(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/swapctl.prom", dir);
	ST_CHECK(!sx_ctl(NULL, 0, "export --textfile %s", dir));
	ST_FAIL_IF(stat(file, &st1), "no %s", file);
	ST_FAIL_IF((st1.st_mode & 0777) != 0644, "%s mode %o", file, st1.st_mode & 0777);
	ST_FAIL_IF(promcheck(file, out, sizeof(out)), "the textfile does not parse");
	ST_CHECK(!sx_ctl(NULL, 0, "export --textfile %s", dir));
	ST_CHECK(!stat(file, &st2));
	ST_FAIL_IF(st1.st_ino == st2.st_ino, "the textfile was rewritten in place");
	/* a reader sees a whole file every time while exports replace it */
	/*
	 * A whole file has every family and ends with the last one's HELP,
	 * TYPE and sample lines, the last line complete.
	 */
	n = st_cmd(line, sizeof(line),
		   "want=$(grep -c '^# TYPE' %s); (for i in $(seq 20); do %s export --textfile %s || exit 1; done) & w=$!; r=0; "
		   "while kill -0 $w 2>/dev/null; do f=$(cat %s); got=$(printf '%%s\\n' \"$f\" | grep -c '^# TYPE'); "
		   "tail -c1 %s | od -An -tx1 | grep -q 0a || { echo 'no newline at the end'; exit 2; }; "
		   "[ \"$got\" = \"$want\" ] || { echo \"partial: $got of $want\"; exit 2; }; "
		   "printf '%%s\\n' \"$f\" | grep -q '^# TYPE swapctl_last_exit_info gauge' || { echo 'no last family'; exit 2; }; r=$((r+1)); done; "
		   "wait $w || exit 3; echo \"reads=$r types=$want\"; ls -A %s",
		   file, sx_swapctl(), dir, file, file, dir);
	st_log("concurrent exports: %d: %s", n, line);
	ST_FAIL_IF(n, "a reader saw a partial textfile, or an export failed");
	ST_FAIL_IF(!strstr(line, "reads=") || strstr(line, "reads=0 "),
		   "the reader never read the file while exports replaced it");
	ST_FAIL_IF(strstr(line, ".swapctl"), "a temporary file was left: %s", line);

	/* bad input: a clear error, nothing written */
	n = sx_ctl(line, sizeof(line), "export --textfile %s/nonexistent", dir);
	ST_FAIL_IF(n != 1 || !strstr(line, "No such file or directory"), "a missing DIR: %d", n);
	n = sx_ctl(line, sizeof(line), "export extra");
	ST_FAIL_IF(n != 2 || !strstr(line, "usage: swapctl [-j] [-v] export"), "an extra argument: %d", n);
	n = sx_ctl(line, sizeof(line), "-j export");
	ST_FAIL_IF(n != 2 || !strstr(line, "-j does not apply"), "-j: %d", n);
	st_cmd(NULL, 0, "rm -rf %s", dir);

	/* an ejection and its reason */
	ST_CHECK(!st_write(SWAP_EXT_DIR "/eject", "1"));
	ST_FAIL_IF(!sx_wait_policy(env->cg, "default"), "not ejected");
	ST_FAIL_IF(export_check(prom, out, sizeof(out)), "export after the ejection");
	ST_FAIL_IF(!strstr(out, ",policy=\"tiered\",state=\"ejected\"} 1"),
		   "the ejected policy is not shown ejected");
	ST_FAIL_IF(!strstr(out, "swapctl_last_exit_info{kind=\"sysfs\",op=\"-\",policy=\"tiered\""),
		   "no last_exit of kind sysfs");
	snprintf(k, sizeof(k), "swapctl_cgroup_policy_info{%s,how=\"default\",policy=\"default\"}",
		 cgl);
	ST_FAIL_IF(!prom_value(out, k, &v) || v != 1, "no %s 1", k);

	/* the workload: every byte it reads back */
	status = vst_release(&p);
	ST_FAIL_IF(status, "memverify: status %d", status);
	ST_FAIL_IF(!vst_out_u64(&p, "bad_pages", &v) || v, "bad pages");
	ST_CHECK(!sx_ctl(NULL, 0, "detach %s", env->cg));
	unlink(prom);
	return ST_PASS;
}

static struct st_test swapctl_export = {
	.name = "swapctl_export",
	.description = "swapctl export: Prometheus metrics that parse and match the kernel's figures",
	.setup = export_setup,
	.run = export_run,
	.cleanup = vst_cleanup,
	.timeout = 300,
};
REGISTER_ST_TEST(swapctl_export);
