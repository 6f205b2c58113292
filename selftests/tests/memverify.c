// SPDX-License-Identifier: GPL-2.0
/*
 * memverify_detects_fail: the data check every swap test stands on must be
 * able to fail.  A single flipped byte in the last word of one page is
 * reported and makes memverify exit 1.
 */
#include <limits.h>
#include <string.h>

#include "runner.h"
#include "lib/st.h"

static enum st_status memverify_fail_run(void *ctx)
{
	char out[4096], bin[PATH_MAX];
	int ret;

	st_build_path(bin, sizeof(bin), "selftests", "memverify");

	ret = st_cmd(out, sizeof(out), "%s -s 8 -p 1 -f mixed -X 2>&1", bin);
	st_log("%s", out);
	ST_FAIL_IF(ret != 1, "memverify exited %d on a corrupted page, want 1", ret);
	ST_FAIL_IF(!strstr(out, "bad_pages=1 "), "want exactly one bad page reported");
	ST_FAIL_IF(!strstr(out, "1 bytes differ, first at +4095"),
		   "the flipped byte was not located");

	ret = st_cmd(out, sizeof(out), "%s -s 8 -p 2 -f mixed -r 2>&1", bin);
	ST_FAIL_IF(ret != 0, "memverify failed on untouched memory: %s", out);
	return ST_PASS;
}

static struct st_test memverify_detects_fail = {
	.name = "memverify_detects_fail",
	.description = "memverify reports a single corrupted byte",
	.run = memverify_fail_run,
	.timeout = 60,
};
REGISTER_ST_TEST(memverify_detects_fail);
