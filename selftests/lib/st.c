// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the selftests.  See st.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/wait.h>

#include "runner.h"
#include "lib/st.h"

#define ZSWAP_PARAMS	"/sys/module/zswap/parameters"

int st_write(const char *path, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	ssize_t ret;
	int fd, len;

	va_start(ap, fmt);
	len = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= sizeof(buf)) {
		st_log("write to %s: value too long", path);
		return -E2BIG;
	}

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		st_log("open %s: %s", path, strerror(-ret));
		return ret;
	}
	ret = write(fd, buf, len);
	if (ret != len) {
		ret = ret < 0 ? -errno : -EIO;
		st_log("write '%s' to %s: %s", buf, path, strerror(-ret));
		close(fd);
		return ret;
	}
	close(fd);
	return 0;
}

ssize_t st_read(const char *path, char *buf, size_t len)
{
	ssize_t ret, total = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while ((size_t)total < len - 1) {
		ret = read(fd, buf + total, len - 1 - total);
		if (ret < 0) {
			ret = -errno;
			close(fd);
			return ret;
		}
		if (!ret)
			break;
		total += ret;
	}
	buf[total] = '\0';
	close(fd);
	return total;
}

int st_read_u64(const char *path, uint64_t *val)
{
	char buf[64], *end;
	ssize_t ret;

	ret = st_read(path, buf, sizeof(buf));
	if (ret < 0) {
		st_log("read %s: %s", path, strerror(-ret));
		return ret;
	}
	if (!strncmp(buf, "max", 3)) {
		*val = UINT64_MAX;
		return 0;
	}
	errno = 0;
	*val = strtoull(buf, &end, 10);
	if (errno || end == buf) {
		st_log("%s: not a number: '%s'", path, buf);
		return -EINVAL;
	}
	return 0;
}

int st_read_key(const char *path, const char *key, uint64_t *val)
{
	size_t klen = strlen(key);
	char line[256];
	FILE *f;

	f = fopen(path, "re");
	if (!f) {
		int err = errno;

		st_log("open %s: %s", path, strerror(err));
		return -err;
	}
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, klen) && line[klen] == ' ') {
			*val = strtoull(line + klen + 1, NULL, 10);
			fclose(f);
			return 0;
		}
	}
	fclose(f);
	st_log("%s: no key '%s'", path, key);
	return -ENOENT;
}

int st_read_choice(const char *path, char *buf, size_t len)
{
	char raw[256], *l, *r;

	if (st_read(path, raw, sizeof(raw)) < 0)
		return -ENOENT;
	l = strchr(raw, '[');
	r = l ? strchr(l, ']') : NULL;
	if (!r)
		return -EINVAL;
	*r = '\0';
	snprintf(buf, len, "%s", l + 1);
	return 0;
}

uint64_t st_vmstat(const char *key)
{
	uint64_t v = 0;

	st_read_key("/proc/vmstat", key, &v);
	return v;
}

const char *st_build_dir(void)
{
	static char dir[PATH_MAX];
	char exe[PATH_MAX];
	ssize_t n;

	if (dir[0])
		return dir;
	/* The runner is build/selftests/runner. */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		return NULL;
	exe[n] = '\0';
	snprintf(dir, sizeof(dir), "%s", dirname(dirname(exe)));
	return dir;
}

char *st_build_path(char *buf, size_t len, const char *sub, const char *name)
{
	snprintf(buf, len, "%s/%s/%s", st_build_dir(), sub, name);
	return buf;
}

int st_cmd(char *out, size_t len, const char *fmt, ...)
{
	char cmd[4096];
	size_t total = 0;
	va_list ap;
	FILE *p;
	int ret;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);

	fflush(stdout);
	p = popen(cmd, "re");
	if (!p) {
		int err = errno;

		st_log("popen '%s': %s", cmd, strerror(err));
		return -err;
	}
	if (out && len) {
		size_t n;

		while (total < len - 1 &&
		       (n = fread(out + total, 1, len - 1 - total, p)) > 0)
			total += n;
		out[total] = '\0';
	}
	/* Drain what did not fit, so the command is not killed by SIGPIPE. */
	while (fgetc(p) != EOF)
		;
	ret = pclose(p);
	if (ret < 0)
		return -errno;
	return WIFEXITED(ret) ? WEXITSTATUS(ret) : 128 + WTERMSIG(ret);
}

int st_cg_create(const char *name, char *path, size_t len)
{
	int ret;

	if (mkdir(ST_CG_ROOT, 0755) && errno != EEXIST) {
		ret = -errno;
		st_log("mkdir %s: %s", ST_CG_ROOT, strerror(-ret));
		return ret;
	}
	ret = st_write("/sys/fs/cgroup/cgroup.subtree_control", "+memory");
	if (!ret)
		ret = st_write(ST_CG_ROOT "/cgroup.subtree_control", "+memory");
	if (ret)
		return ret;
	snprintf(path, len, "%s/%s", ST_CG_ROOT, name);
	if (mkdir(path, 0755) && errno != EEXIST) {
		ret = -errno;
		st_log("mkdir %s: %s", path, strerror(-ret));
		return ret;
	}
	return 0;
}

int st_cg_write(const char *cg, const char *file, const char *fmt, ...)
{
	char path[PATH_MAX], buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	snprintf(path, sizeof(path), "%s/%s", cg, file);
	return st_write(path, "%s", buf);
}

int st_cg_key(const char *cg, const char *file, const char *key, uint64_t *val)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", cg, file);
	return st_read_key(path, key, val);
}

int st_cg_u64(const char *cg, const char *file, uint64_t *val)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", cg, file);
	return st_read_u64(path, val);
}

pid_t st_cg_spawn(const char *cg, char *const argv[], int *fd)
{
	char procs[PATH_MAX];
	int pfd[2];
	pid_t pid;

	snprintf(procs, sizeof(procs), "%s/cgroup.procs", cg);
	if (pipe2(pfd, O_CLOEXEC)) {
		st_log("pipe: %s", strerror(errno));
		return -1;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		st_log("fork: %s", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		/* Its output goes to the pipe, read by the parent. */
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		/* In the cgroup before its first allocation. */
		if (st_write(procs, "0"))
			_exit(127);
		execv(argv[0], argv);
		st_log("exec %s: %s", argv[0], strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	*fd = pfd[0];
	return pid;
}

int st_cg_run(const char *cg, char *const argv[])
{
	char line[1024];
	int wstatus, fd;
	FILE *out;
	pid_t pid;

	pid = st_cg_spawn(cg, argv, &fd);
	if (pid < 0)
		return -1;
	/* Its output becomes TAP comments. */
	out = fdopen(fd, "r");
	while (out && fgets(line, sizeof(line), out))
		st_log("%s", line);
	if (out)
		fclose(out);
	else
		close(fd);

	if (waitpid(pid, &wstatus, 0) < 0)
		return -1;
	if (WIFSIGNALED(wstatus)) {
		st_log("%s killed by signal %d (%s)", argv[0],
		       WTERMSIG(wstatus), strsignal(WTERMSIG(wstatus)));
		return -1;
	}
	return WEXITSTATUS(wstatus);
}

int st_memverify(const char *cg, unsigned int mib, unsigned int passes,
		 const char *fill, const char *flags)
{
	char bin[PATH_MAX], size[16], gens[16], fl[32];
	char *argv[] = { bin, "-s", size, "-p", gens, "-f", (char *)fill,
			 NULL, NULL };

	st_build_path(bin, sizeof(bin), "selftests", "memverify");
	snprintf(size, sizeof(size), "%u", mib);
	snprintf(gens, sizeof(gens), "%u", passes);
	if (flags && flags[0]) {
		snprintf(fl, sizeof(fl), "%s", flags);
		argv[7] = fl;
	}
	return st_cg_run(cg, argv);
}

const char *st_disk(int idx)
{
	static char dev[32];

	snprintf(dev, sizeof(dev), "/dev/vd%c", 'a' + idx);
	return access(dev, F_OK) ? NULL : dev;
}

int st_swapon(const char *dev, int prio)
{
	int ret, flags = 0;

	ret = st_cmd(NULL, 0, "mkswap -f %s >/dev/null 2>&1", dev);
	if (ret) {
		st_log("mkswap %s failed (%d)", dev, ret);
		return -EIO;
	}
	if (prio >= 0)
		flags = SWAP_FLAG_PREFER |
			((prio << SWAP_FLAG_PRIO_SHIFT) & SWAP_FLAG_PRIO_MASK);
	if (swapon(dev, flags)) {
		ret = -errno;
		st_log("swapon %s: %s", dev, strerror(-ret));
		return ret;
	}
	return 0;
}

/* Undo the octal escapes (\\040 for a space...) of /proc/swaps names. */
static void unescape(char *s)
{
	char *d = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d++ = (s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0');
			s += 4;
		} else {
			*d++ = *s++;
		}
	}
	*d = '\0';
}

int st_swapoff_all(void)
{
	static const char deleted[] = " (deleted)";
	char *line = NULL, *name, *type;
	size_t cap = 0, n;
	int ret = 0;
	FILE *f;

	f = fopen("/proc/swaps", "re");
	if (!f)
		return -errno;
	/* Skip the header line. */
	if (getline(&line, &cap, f) < 0)
		goto out;
	while (getline(&line, &cap, f) > 0) {
		/* The name is the first field; blanks in it are escaped. */
		name = strtok(line, " \t\n");
		if (!name)
			continue;
		/* vswap's virtual space is switched by its sysfs file */
		type = strtok(NULL, " \t\n");
		if (type && !strcmp(type, "virtual"))
			continue;
		unescape(name);
		n = strlen(name);
		if (n > sizeof(deleted) - 1 &&
		    !strcmp(name + n - (sizeof(deleted) - 1), deleted))
			name[n - (sizeof(deleted) - 1)] = '\0';
		if (swapoff(name)) {
			ret = -errno;
			st_log("swapoff %s: %s", name, strerror(-ret));
		}
	}
out:
	free(line);
	fclose(f);
	return ret;
}

int st_rotational(const char *dev)
{
	char path[PATH_MAX];
	uint64_t v;

	snprintf(path, sizeof(path), "/sys/block/%s/queue/rotational",
		 strrchr(dev, '/') + 1);
	if (st_read_u64(path, &v))
		return -1;
	return (int)v;
}

int st_set_rotational(const char *dev, int rot)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/block/%s/queue/rotational",
		 strrchr(dev, '/') + 1);
	if (st_write(path, "%d", rot))
		return -EIO;
	return st_rotational(dev) == rot ? 0 : -EIO;
}

bool st_vswap_available(void)
{
	return access(VSWAP_DIR "/enabled", F_OK) == 0;
}

bool st_vswap_enabled(void)
{
	uint64_t on = 0;

	return !st_read_u64(VSWAP_DIR "/enabled", &on) && on;
}

int st_vswap_stat(const char *key, uint64_t *val)
{
	return st_read_key(VSWAP_DIR "/stat", key, val);
}

bool st_zswap_available(void)
{
	return access(ZSWAP_PARAMS "/enabled", F_OK) == 0;
}

int st_zswap_set(const char *param, const char *val)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), ZSWAP_PARAMS "/%s", param);
	return st_write(path, "%s", val);
}

/* /sys/block/NAME/@file of the block device @dev ("/dev/vda" or "vda"). */
static char *blk_sysfs(char *buf, size_t len, const char *dev, const char *file)
{
	const char *name = strrchr(dev, '/');

	snprintf(buf, len, "/sys/block/%s/%s", name ? name + 1 : dev, file);
	return buf;
}

int st_blk_settle(const char *dev, unsigned int timeout_ms)
{
	unsigned long long r = 0, w = 0;
	char path[PATH_MAX], buf[64];
	unsigned int waited;

	blk_sysfs(path, sizeof(path), dev, "inflight");
	for (waited = 0; waited <= timeout_ms; waited += 10) {
		if (st_read(path, buf, sizeof(buf)) < 0 ||
		    sscanf(buf, "%llu %llu", &r, &w) != 2)
			return -ENOENT;
		if (!r && !w)
			return 0;
		usleep(10000);
	}
	st_log("%s: %llu reads, %llu writes still in flight", dev, r, w);
	return -ETIMEDOUT;
}

/* @dev's /sys/block/.../stat: reads (@write false) or writes */
static int blk_stat(const char *dev, bool write, uint64_t *sectors,
		    uint64_t *ios)
{
	unsigned long long v[8];
	char path[PATH_MAX], buf[512];

	if (st_read(blk_sysfs(path, sizeof(path), dev, "stat"), buf, sizeof(buf)) < 0)
		return -ENOENT;
	/* read ios, merges, sectors, ticks, write ios, merges, sectors, ticks */
	if (sscanf(buf, "%llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1],
		   &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) != 8)
		return -EINVAL;
	*ios = v[write ? 4 : 0];
	*sectors = v[write ? 6 : 2];
	return 0;
}

int st_blk_writes(const char *dev, uint64_t *sectors, uint64_t *ios)
{
	return blk_stat(dev, true, sectors, ios);
}

int st_blk_reads(const char *dev, uint64_t *sectors, uint64_t *ios)
{
	return blk_stat(dev, false, sectors, ios);
}

/* Remove @dir and every cgroup below it, killing what runs there. */
static int cg_remove_tree(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *de;
	int ret = 0, tries;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		struct stat sb;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (!stat(path, &sb) && S_ISDIR(sb.st_mode))
			ret |= cg_remove_tree(path);
	}
	closedir(d);

	snprintf(path, sizeof(path), "%s/cgroup.kill", dir);
	st_write(path, "1");
	/* Killed tasks leave the cgroup asynchronously. */
	for (tries = 0; tries < 500; tries++) {
		if (!rmdir(dir) || errno == ENOENT)
			return ret;
		if (errno != EBUSY)
			break;
		usleep(10000);
	}
	ret = -errno;
	st_log("rmdir %s: %s", dir, strerror(-ret));
	return ret;
}

double st_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

unsigned int st_time_scale(void)
{
	const char *v = getenv("ST_TIME_SCALE");
	unsigned long n = v ? strtoul(v, NULL, 10) : 1;

	return n >= 1 && n <= 100 ? n : 1;
}

/* Bring every CPU a test took offline back: 0, or -EIO */
int st_cpus_online(void)
{
	char path[300], buf[8];
	struct dirent *de;
	int ret = 0;
	DIR *d;

	d = opendir("/sys/devices/system/cpu");
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "cpu", 3) || de->d_name[3] < '0' ||
		    de->d_name[3] > '9')
			continue;
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/%s/online",
			 de->d_name);
		if (st_read(path, buf, sizeof(buf)) > 0 && buf[0] == '0' &&
		    st_write(path, "1"))
			ret = -EIO;
	}
	closedir(d);
	return ret;
}

/* Debug-only delays (default 0) a test that timed out may have left set */
static const char *const st_delay_knobs[] = {
	"/sys/kernel/debug/vswap/tiers_sync_delay_ms",
	"/sys/kernel/debug/vswap/move_delay_ms",
	"/sys/kernel/debug/swap_ext/eject_delay_ms",
};

int st_env_reset(void)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < sizeof(st_delay_knobs) / sizeof(st_delay_knobs[0]); i++)
		if (!access(st_delay_knobs[i], W_OK))
			st_write(st_delay_knobs[i], "0");
	ret |= st_cpus_online();
	ret |= cg_remove_tree(ST_CG_ROOT);
	ret |= st_swapoff_all();
	if (st_vswap_available()) {
		/* back to the boot defaults: on, default size */
		if (st_vswap_enabled() && st_write(VSWAP_DIR "/enabled", "0"))
			ret = -EIO;
		st_write(VSWAP_DIR "/size", "0");
		if (st_write(VSWAP_DIR "/enabled", "1"))
			ret = -EIO;
	}
	if (st_zswap_available()) {
		ret |= st_zswap_set("enabled", "N");
		st_zswap_set("max_pool_percent", "20");
		st_zswap_set("shrinker_enabled", "N");
	}
	if (st_cmd(NULL, 0, "rm -rf %s %s", ST_BPF_DIR, SWAP_EXT_PIN_DIR))
		ret = -EIO;
	if (st_swap_ext_available()) {
		char buf[4096];
		int tries;

		/* a link whose last pin went is released by a work item */
		for (tries = 0; tries < 200; tries++) {
			if (st_read(SWAP_EXT_DIR "/policies", buf, sizeof(buf)) >= 0 &&
			    !buf[0])
				break;
			usleep(10000);
		}
		if (tries == 200) {
			st_log("swap_ext policies left behind: %s", buf);
			ret = -EIO;
		}
		/* the watchdog's defaults (kernels that have it) */
		if (!access(SWAP_EXT_DIR "/watchdog_timeout_ms", F_OK) &&
		    (st_write(SWAP_EXT_DIR "/watchdog_timeout_ms", "5000") ||
		     st_write(SWAP_EXT_DIR "/watchdog_op_budget_us", "10000") ||
		     st_write(SWAP_EXT_DIR "/watchdog_cpu_budget_pct", "50")))
			ret = -EIO;
	}
	return ret ? -EIO : 0;
}

bool st_swap_ext_available(void)
{
	return !access(SWAP_EXT_DIR "/policies", R_OK);
}
