// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers of the swap_ext and policy selftests: swapctl and its pins, the
 * policies' stats maps and the swap_ext sysfs files.
 */
#include <errno.h>
#include <limits.h>
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

/* build/userspace/swapctl */
const char *sx_swapctl(void)
{
	static char path[PATH_MAX];

	return path[0] ? path : st_build_path(path, sizeof(path), "userspace", "swapctl");
}

/* build/bpf/@name.bpf.o (a static buffer) */
const char *sx_obj(const char *name)
{
	static char path[PATH_MAX];
	char file[64];

	snprintf(file, sizeof(file), "%s.bpf.o", name);
	return st_build_path(path, sizeof(path), "bpf", file);
}

/* swapctl attach [@knobs] @obj @cg; its exit status, output in @out */
int sx_attach_obj(const char *cg, const char *obj, const char *knobs,
		  char *out, size_t len)
{
	char buf[4096];
	int ret;

	if (!out) {
		out = buf;
		len = sizeof(buf);
	}
	ret = st_cmd(out, len, "%s attach %s %s %s 2>&1", sx_swapctl(), knobs, obj, cg);
	st_log("swapctl attach %s %s %s: %d: %s", knobs, obj, cg, ret, out);
	return ret;
}

int sx_attach(const char *cg, const char *knobs)
{
	return sx_attach_obj(cg, sx_obj("sx_test"), knobs, NULL, 0);
}

/* swapctl detach @cg: its exit status */
int sx_detach(const char *cg)
{
	char out[1024];
	int ret = st_cmd(out, sizeof(out), "%s detach %s 2>&1", sx_swapctl(), cg);

	if (ret)
		st_log("swapctl detach %s: %d: %s", cg, ret, out);
	return ret;
}

/* The stats member @key of the policy effective in @cg, summed over CPUs */
int sx_stat(const char *cg, const char *key, uint64_t *val)
{
	char out[4096], *p;
	size_t klen = strlen(key);
	int ret;

	ret = st_cmd(out, sizeof(out), "%s stats %s 2>&1", sx_swapctl(), cg);
	if (ret) {
		st_log("swapctl stats %s: %d: %s", cg, ret, out);
		return -EIO;
	}
	for (p = out; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (!strncmp(p, key, klen) && p[klen] == ' ') {
			*val = strtoull(p + klen + 1, NULL, 10);
			return 0;
		}
	}
	st_log("swapctl stats %s: no %s in: %s", cg, key, out);
	return -ENOENT;
}

/* Log swapctl stats @cg on one line */
void sx_stats_log(const char *cg)
{
	char out[4096];

	if (!st_cmd(out, sizeof(out), "%s stats %s 2>&1", sx_swapctl(), cg)) {
		for (char *p = out; (p = strchr(p, '\n')); )
			*p = ' ';
		st_log("stats of %s: %s", cg, out);
	}
}

/* @cg's memory.swap.policy, one line without its newline */
void sx_policy_of(const char *cg, char *buf, size_t len)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/memory.swap.policy", cg);
	if (st_read(path, buf, len) < 0)
		snprintf(buf, len, "(unreadable)");
	buf[strcspn(buf, "\n")] = '\0';
}

/* Wait up to 2 s for @cg's memory.swap.policy to read @want */
bool sx_wait_policy(const char *cg, const char *want)
{
	char buf[128];
	int i;

	for (i = 0; i < 200; i++) {
		sx_policy_of(cg, buf, sizeof(buf));
		if (!strcmp(buf, want))
			return true;
		usleep(10000);
	}
	st_log("%s/memory.swap.policy is '%s', want '%s'", cg, buf, want);
	return false;
}

/* /sys/kernel/mm/swap_ext/@file into @buf */
void sx_read(const char *file, char *buf, size_t len)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), SWAP_EXT_DIR "/%s", file);
	if (st_read(path, buf, len) < 0)
		snprintf(buf, len, "(unreadable)");
}

/* Wait up to 2 s for last_exit to start with @prefix */
bool sx_wait_last_exit(const char *prefix, char *buf, size_t len)
{
	int i;

	for (i = 0; i < 200; i++) {
		sx_read("last_exit", buf, len);
		if (!strncmp(buf, prefix, strlen(prefix)))
			return true;
		usleep(10000);
	}
	st_log("last_exit is '%s', want '%s...'", buf, prefix);
	return false;
}

/* Wait up to 2 s until no policy is listed */
bool sx_wait_none(void)
{
	char buf[4096];
	int i;

	for (i = 0; i < 200; i++) {
		sx_read("policies", buf, sizeof(buf));
		if (!buf[0])
			return true;
		usleep(10000);
	}
	st_log("policies still listed: %s", buf);
	return false;
}

/* The cgroup id of directory @cg, or 0 */
uint64_t sx_cg_id(const char *cg)
{
	struct stat st;

	return stat(cg, &st) ? 0 : st.st_ino;
}

/* vst_setup(), skipping without swap_ext or swapctl */
enum st_status sx_setup(void **ctx, const char *name, unsigned int flags,
			int nr_tiers, unsigned int max_mib,
			unsigned int high_mib)
{
	if (!st_swap_ext_available())
		return st_skip("kernel without swap_ext");
	if (access(sx_swapctl(), X_OK))
		return st_skip("no %s", sx_swapctl());
	return vst_setup(ctx, name, flags, nr_tiers, max_mib, high_mib);
}

/* swapctl @args (a shell fragment); its status, stdout+stderr in @out */
int sx_ctl(char *out, size_t len, const char *fmt, ...)
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
bool sx_jq(const char *args, const char *filter)
{
	char out[4096];
	int ret;

	ret = st_cmd(out, sizeof(out), "%s -j %s | jq -ce '%s' 2>&1",
		     sx_swapctl(), args, filter);
	if (ret)
		st_log("swapctl -j %s | jq '%s': %d: %s", args, filter, ret, out);
	return !ret;
}
