// SPDX-License-Identifier: GPL-2.0
/*
 * PID 1 of the test VM (scripts/vm.sh).
 *
 * The root is the host's own root over 9p, read-only.  This makes tmpfs
 * where tests write, mounts the pseudo filesystems and the writable 9p
 * share, runs the command the host left there (cmd, with env sourced
 * first) under bash with its output on the second serial port, writes its
 * exit status and the kernel log to the share, and reboots, which ends
 * QEMU (-no-reboot).
 *
 * It is a static C program rather than a script: under TCG every exec of a
 * dynamically linked tool over 9p costs tens of milliseconds, and a
 * script's dozens of mount(8) calls made boot three times slower.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define OUT		"/run/swapext-out"
#define OUT_CONSOLE	"/dev/ttyS1"

static void msg(const char *fmt, const char *arg, int err)
{
	dprintf(2, "vm-init: ");
	dprintf(2, fmt, arg);
	dprintf(2, ": %s\n", strerror(err));
}

static void mnt(const char *type, const char *src, const char *dir,
		unsigned long flags, const char *data)
{
	mkdir(dir, 0755);
	if (mount(src, dir, type, flags, data) && errno != EBUSY)
		msg("mount %s", dir, errno);
}

static void mkdir_p(const char *path)
{
	char buf[4096], *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(buf, 0755);
		*p = '/';
	}
	mkdir(buf, 0755);
}

/*
 * A tmpfs over @dir, keeping the project at @root visible when it lives
 * below @dir (a clone in /tmp, say): it is moved aside on devtmpfs, the
 * only writable place yet, and moved back onto the new tmpfs.
 */
static void mnt_tmpfs(const char *dir, const char *root)
{
	static const char keep[] = "/dev/.swapext-root";
	size_t n = strlen(dir);

	if (strncmp(root, dir, n) || root[n] != '/') {
		mnt("tmpfs", "tmpfs", dir, 0, "mode=0755");
		return;
	}
	mkdir(keep, 0755);
	if (mount(root, keep, NULL, MS_BIND | MS_REC, NULL)) {
		msg("bind %s", root, errno);
		return;
	}
	mnt("tmpfs", "tmpfs", dir, 0, "mode=0755");
	mkdir_p(root);
	if (mount(keep, root, NULL, MS_MOVE, NULL))
		msg("move %s", root, errno);
}

static void write_file(const char *path, const char *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0) {
		msg("open %s", path, errno);
		return;
	}
	if (write(fd, buf, len) != (ssize_t)len)
		msg("write %s", path, errno);
	close(fd);
}

static void save_dmesg(void)
{
	int len = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	char *buf;

	if (len <= 0)
		return;
	buf = malloc(len);
	if (!buf)
		return;
	len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, len);
	if (len > 0)
		write_file(OUT "/dmesg", buf, len);
	free(buf);
}

int main(int argc, char **argv)
{
	static const char *const tmpfs_dirs[] = {
		"/run", "/tmp", "/var/tmp", "/var/log", "/var/lib", "/var/cache",
		"/root", "/mnt", "/srv",
	};
	const unsigned long nosuid = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	char status[16], root[4096], *slash;
	int wstatus, rc = 255;
	unsigned int i;
	pid_t pid;

	mnt("proc", "proc", "/proc", nosuid, NULL);
	mnt("sysfs", "sysfs", "/sys", nosuid, NULL);
	mnt("devtmpfs", "devtmpfs", "/dev", MS_NOSUID, NULL);
	mnt("devpts", "devpts", "/dev/pts", MS_NOSUID | MS_NOEXEC, NULL);
	mnt("tmpfs", "tmpfs", "/dev/shm", MS_NOSUID | MS_NODEV, NULL);

	/* We are ROOT/build/vm-init: the project must stay visible. */
	snprintf(root, sizeof(root), "%s", argc > 0 ? argv[0] : "/");
	for (i = 0; i < 2 && (slash = strrchr(root, '/')); i++)
		*slash = '\0';
	for (i = 0; i < sizeof(tmpfs_dirs) / sizeof(tmpfs_dirs[0]); i++)
		mnt_tmpfs(tmpfs_dirs[i], root);
	chmod("/tmp", 01777);
	chmod("/var/tmp", 01777);
	mnt("cgroup2", "cgroup2", "/sys/fs/cgroup", nosuid, "nsdelegate");
	mnt("bpf", "bpf", "/sys/fs/bpf", nosuid, "mode=0700");
	mnt("debugfs", "debugfs", "/sys/kernel/debug", nosuid, NULL);
	mnt("tracefs", "tracefs", "/sys/kernel/tracing", nosuid, NULL);
	mnt("configfs", "configfs", "/sys/kernel/config", nosuid, NULL);
	mnt("9p", "swapext_out", OUT, 0, "trans=virtio,version=9p2000.L,msize=262144");
	symlink("/proc/self/fd", "/dev/fd");
	symlink("/proc/self/fd/0", "/dev/stdin");
	symlink("/proc/self/fd/1", "/dev/stdout");
	symlink("/proc/self/fd/2", "/dev/stderr");
	sethostname("swapext-vm", 10);

	pid = fork();
	if (pid == 0) {
		int fd = open(OUT_CONSOLE, O_RDWR | O_NOCTTY);

		setsid();
		if (fd < 0) {
			msg("open %s", OUT_CONSOLE, errno);
			_exit(255);
		}
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
		fd = open("/dev/null", O_RDONLY);
		dup2(fd, 0);
		close(fd);
		execl("/bin/bash", "bash", "-c",
		      "export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
		      " HOME=/root TERM=dumb LANG=C.UTF-8;"
		      " . " OUT "/env && cd \"$SWAPEXT_ROOT\" &&"
		      " echo \"vm: $(uname -r), $(nproc) CPUs, booted in $(cut -d' ' -f1 /proc/uptime) s\" &&"
		      " . " OUT "/cmd",
		      (char *)NULL);
		msg("exec %s", "/bin/bash", errno);
		_exit(255);
	}
	if (pid > 0) {
		/* The command's status is its leader's; orphans are reaped. */
		for (;;) {
			pid_t w = wait(&wstatus);

			if (w < 0 && errno != EINTR)
				break;
			if (w == pid) {
				rc = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) :
				     128 + WTERMSIG(wstatus);
				break;
			}
		}
		/* Whatever the command left running goes with it. */
		kill(-1, SIGKILL);
		while (wait(NULL) > 0 || errno == EINTR)
			;
	} else {
		msg("fork %s", "", errno);
	}

	i = snprintf(status, sizeof(status), "%d\n", rc);
	write_file(OUT "/status", status, i);
	save_dmesg();
	sync();
	umount(OUT);
	reboot(RB_AUTOBOOT);
	return 0;
}
