// SPDX-License-Identifier: GPL-2.0
/*
 * redisfill_detects_fail: the check that the demo's and the bench's redis
 * tenant stand on must be able to fail.  redisfill fills a redis server
 * and verifies it; one byte changed in one value (SETRANGE at its last
 * byte) and one value deleted are each reported, and verify exits 1.
 */
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "runner.h"
#include "lib/st.h"

#define REDIS_BIN	"/usr/bin/redis-check-rdb"	/* redis-tools: the server too */
#define SOCK		"/tmp/st-redisfill.sock"
/* what verify says of the value SETRANGE changed */
#define CHANGED		"key:000000000007: 4096 bytes, want 4096; first difference at byte 4095"

static enum st_status redisfill_setup(void **ctx)
{
	const char *args = "--port 0 --unixsocket " SOCK " --save '' --appendonly no";
	int i;

	if (access(REDIS_BIN, X_OK) || access("/usr/bin/redis-cli", X_OK))
		return st_skip("no redis-tools (make deps installs it)");
	if (st_cmd(NULL, 0, "bash -c \"exec -a redis-server %s %s %s\"", REDIS_BIN, args,
		   "--daemonize yes --logfile /tmp/st-redisfill.log"))
		return st_skip("redis server did not start (/tmp/st-redisfill.log)");
	for (i = 0; i < 50; i++) {
		if (!st_cmd(NULL, 0, "redis-cli -s " SOCK " ping >/dev/null 2>&1"))
			return ST_PASS;
		usleep(100000);
	}
	return st_skip("redis server does not answer (/tmp/st-redisfill.log)");
}

static enum st_status redisfill_fail_run(void *ctx)
{
	char out[4096], bin[PATH_MAX];
	int ret;

	st_build_path(bin, sizeof(bin), "selftests", "redisfill");

	ret = st_cmd(out, sizeof(out), "%s -S " SOCK " -n 256 -d 4096 load 2>&1", bin);
	ST_FAIL_IF(ret != 0, "load failed: %s", out);
	ret = st_cmd(out, sizeof(out), "%s -S " SOCK " -n 256 -d 4096 verify 2>&1", bin);
	ST_FAIL_IF(ret != 0 || !strstr(out, "bad_keys=0 "),
		   "verify failed on untouched values: %s", out);

	/* values are lower-case words: an 'X' at the end changes one byte */
	ST_FAIL_IF(st_cmd(NULL, 0, "redis-cli -s " SOCK " setrange key:000000000007 4095 X"),
		   "SETRANGE failed");
	ret = st_cmd(out, sizeof(out), "%s -S " SOCK " -n 256 -d 4096 verify 2>&1", bin);
	st_log("%s", out);
	ST_FAIL_IF(ret != 1, "verify exited %d on a changed value, want 1", ret);
	ST_FAIL_IF(!strstr(out, "bad_keys=1 "), "want exactly one bad key reported");
	ST_FAIL_IF(!strstr(out, CHANGED), "the changed byte was not located");

	ST_FAIL_IF(st_cmd(NULL, 0, "redis-cli -s " SOCK " del key:000000000009"),
		   "DEL failed");
	ret = st_cmd(out, sizeof(out), "%s -S " SOCK " -n 256 -d 4096 verify 2>&1", bin);
	st_log("%s", out);
	ST_FAIL_IF(ret != 1 || !strstr(out, "key:000000000009 is missing") ||
		   !strstr(out, "bad_keys=2 "), "a deleted value was not reported");
	return ST_PASS;
}

static void redisfill_cleanup(void *ctx)
{
	st_cmd(NULL, 0, "redis-cli -s " SOCK " shutdown nosave >/dev/null 2>&1");
}

static struct st_test redisfill_detects_fail = {
	.name = "redisfill_detects_fail",
	.description = "redisfill reports a changed and a missing redis value",
	.setup = redisfill_setup,
	.run = redisfill_fail_run,
	.cleanup = redisfill_cleanup,
	.timeout = 120,
};
REGISTER_ST_TEST(redisfill_detects_fail);
