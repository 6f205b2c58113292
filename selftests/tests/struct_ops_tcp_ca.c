// SPDX-License-Identifier: GPL-2.0
/*
 * struct_ops as 6.12 has it, through the user's tool (bpftool):
 *
 * struct_ops_tcp_ca:       a BPF tcp_congestion_ops registers with its link
 *                          pinned, is listed, is usable by a socket, and is
 *                          gone once the pinned link is removed.
 * struct_ops_tcp_ca_fail:  one without the mandatory ssthresh op is refused
 *                          and leaves nothing behind.
 */
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "runner.h"
#include "lib/st.h"

#define AVAIL_CA	"/proc/sys/net/ipv4/tcp_available_congestion_control"

static const char *bpftool(void)
{
	static char path[PATH_MAX];

	return path[0] ? path : st_build_path(path, sizeof(path), "tools/sbin", "bpftool");
}

/* Is congestion control @name registered? */
static bool ca_available(const char *name)
{
	char buf[1024], *tok, *save;

	if (st_read(AVAIL_CA, buf, sizeof(buf)) < 0)
		return false;
	for (tok = strtok_r(buf, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save))
		if (!strcmp(tok, name))
			return true;
	return false;
}

/* setsockopt(TCP_CONGESTION) on a fresh socket: 0 or -errno. */
static int ca_use(const char *name)
{
	int fd, ret = 0;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, name, strlen(name)))
		ret = -errno;
	close(fd);
	return ret;
}

static enum st_status tcp_ca_setup(void **ctx)
{
	if (access(bpftool(), X_OK))
		return st_skip("%s not built", bpftool());
	if (access(AVAIL_CA, R_OK))
		return st_skip("kernel without TCP");
	return ST_PASS;
}

static enum st_status tcp_ca_run(void *ctx)
{
	char out[4096], obj[PATH_MAX];
	int ret, i;

	st_build_path(obj, sizeof(obj), "bpf", "tcp_ca_min.bpf.o");
	ST_FAIL_IF(ca_available("swapext_ca"), "swapext_ca registered before the test");
	ST_FAIL_IF(ca_use("swapext_ca") != -ENOENT, "unregistered CA usable");

	ret = st_cmd(out, sizeof(out), "%s struct_ops register %s %s 2>&1",
		     bpftool(), obj, ST_BPF_DIR);
	st_log("%s", out);
	ST_FAIL_IF(ret, "bpftool struct_ops register failed (%d)", ret);

	ST_FAIL_IF(access(ST_BPF_DIR "/swapext_ca", F_OK), "no pinned link %s",
		   ST_BPF_DIR "/swapext_ca");
	ret = st_cmd(out, sizeof(out), "%s struct_ops show name swapext_ca 2>&1", bpftool());
	ST_FAIL_IF(ret || !strstr(out, "swapext_ca"),
		   "bpftool struct_ops show does not list it: %s", out);
	/*
	 * 6.12's bpftool exits 255 after showing one link (its do_show()
	 * returns by a stale errno), so only the output is checked.
	 */
	st_cmd(out, sizeof(out), "%s -j link show pinned %s/swapext_ca 2>&1",
	       bpftool(), ST_BPF_DIR);
	ST_FAIL_IF(!strstr(out, "\"type\":\"struct_ops\""),
		   "pinned link is not a struct_ops link: %s", out);
	ST_FAIL_IF(!ca_available("swapext_ca"), "not in %s", AVAIL_CA);
	/* The loader has exited: only the pinned link keeps it alive. */
	ret = ca_use("swapext_ca");
	ST_FAIL_IF(ret, "setsockopt(TCP_CONGESTION, swapext_ca): %s", strerror(-ret));

	ST_FAIL_IF(unlink(ST_BPF_DIR "/swapext_ca"), "unlink: %s", strerror(errno));
	/* The last link reference is dropped from a workqueue. */
	for (i = 0; i < 500 && ca_available("swapext_ca"); i++)
		usleep(10000);
	ST_FAIL_IF(ca_available("swapext_ca"), "still registered 5 s after unpinning");
	ST_FAIL_IF(ca_use("swapext_ca") != -ENOENT, "removed CA still usable");
	ret = st_cmd(out, sizeof(out), "%s struct_ops show name swapext_ca 2>&1", bpftool());
	ST_FAIL_IF(ret == 0, "bpftool still lists it: %s", out);
	return ST_PASS;
}

static struct st_test struct_ops_tcp_ca = {
	.name = "struct_ops_tcp_ca",
	.description = "bpftool struct_ops register of a tcp_congestion_ops: pinned, listed, used, removed",
	.setup = tcp_ca_setup,
	.run = tcp_ca_run,
	.timeout = 120,
};
REGISTER_ST_TEST(struct_ops_tcp_ca);

static enum st_status tcp_ca_fail_run(void *ctx)
{
	char out[4096], obj[PATH_MAX];
	int ret;

	/*
	 * The object loads (its programs pass the verifier); the kernel's
	 * validation of the ops refuses it when the link is made.  Any other
	 * failure, say a kernel without this struct_ops, proves nothing.
	 */
	st_build_path(obj, sizeof(obj), "bpf", "tcp_ca_incomplete.bpf.o");
	ret = st_cmd(out, sizeof(out), "%s struct_ops register %s %s 2>&1",
		     bpftool(), obj, ST_BPF_DIR);
	st_log("%s", out);
	ST_FAIL_IF(ret == 0, "a tcp_congestion_ops without ssthresh was registered");
	ST_FAIL_IF(!strstr(out, "can't register struct_ops swapext_bad_ca: Invalid argument"),
		   "refused for another reason than the missing op");
	ST_FAIL_IF(ca_available("swapext_bad_ca"), "refused CA is registered");
	ST_FAIL_IF(!access(ST_BPF_DIR "/swapext_bad_ca", F_OK), "refused CA left a pin");
	ST_FAIL_IF(ca_use("swapext_bad_ca") != -ENOENT, "refused CA is usable");
	return ST_PASS;
}

static struct st_test struct_ops_tcp_ca_fail = {
	.name = "struct_ops_tcp_ca_fail",
	.description = "a tcp_congestion_ops without ssthresh is refused",
	.setup = tcp_ca_setup,
	.run = tcp_ca_fail_run,
	.timeout = 120,
};
REGISTER_ST_TEST(struct_ops_tcp_ca_fail);
