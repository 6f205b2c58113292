// SPDX-License-Identifier: GPL-2.0
/*
 * hibinit: /init of the hibernation test's initramfs (scripts/hibernate.sh).
 *
 * The test VM's root is the host's over 9p, which a hibernated guest
 * cannot take to a new QEMU: 9p keeps its open files in QEMU.  This test
 * runs from an initramfs instead, as a static program that is its own
 * init, in two boots of one VM with one disk:
 *
 * hibtest.stage=1: make /dev/vda a swap device (the tier) and swap it on,
 *   turn zswap on, and in a cgroup whose memory.max is a third of it write
 *   MIB MiB of pages - zero-filled, compressible, same-filled and random -
 *   so that they swap out to every backend (on vswap: zero, zswap, the
 *   tier).  Then hibernate to /dev/vda (resume=/dev/vda, /sys/power/disk
 *   shutdown): the VM powers off.
 * hibtest.stage=2: the kernel finds the image on /dev/vda and resumes it
 *   before any init runs; the write to /sys/power/state of stage 1's init
 *   returns, and it reads every page back, checks every byte, swaps the
 *   device off (with no memory limit, so that it can take the rest back)
 *   and reports.
 *   An init that starts with stage=2 means no image was resumed: a failure.
 *
 * Every line it prints goes to the kernel log (/dev/kmsg, so the console),
 * prefixed "hibtest: "; the last is "hibtest: PASS" or "hibtest: FAIL ...".
 * The VM powers off at the end either way.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/fs.h>
#include <linux/reboot.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/swap.h>

#include "lib/pattern.h"

#define PAGE		4096UL
#define MIB		128		/* data written */
#define MAX_MIB		48		/* its cgroup's memory.max */
#define SWAP_MIB	512		/* swap area on /dev/vda */
#define DEV		"/dev/vda"
#define CG		"/sys/fs/cgroup/hibtest"

static int kmsg = -1;

static void __attribute__((format(printf, 1, 2))) say(const char *fmt, ...)
{
	char buf[512];
	int n;
	va_list ap;

	n = snprintf(buf, sizeof(buf), "<5>hibtest: ");
	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	if (kmsg < 0 || write(kmsg, buf, n) < 0)
		fprintf(stderr, "%s\n", buf + 3);
}

static void __attribute__((noreturn)) power_off(void)
{
	sync();
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
}

static void __attribute__((noreturn, format(printf, 1, 2))) fail(const char *fmt, ...)
{
	char buf[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	say("FAIL %s", buf);
	power_off();
}

static int put(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	return 0;
}

/* Log a file, one "hibtest: NAME: line" a line, if it exists */
static void show(const char *name, const char *path)
{
	char buf[4096], *line, *save;
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		say("%s: %s", name, line);
}

/* A key of a "key value" file, or -1 */
static long long key(const char *path, const char *k)
{
	char buf[8192], *p;
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	for (p = buf; p; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (!strncmp(p, k, strlen(k)) && (p[strlen(k)] == ' ' || p[strlen(k)] == ':'))
			return strtoll(p + strlen(k) + 1, NULL, 10);
	}
	return -1;
}

/* mkswap: a version 1 swap header of @pages pages on @dev */
static void make_swap(const char *dev, unsigned long pages)
{
	static unsigned char hdr[PAGE];
	unsigned int *info = (unsigned int *)(hdr + 1024);
	unsigned long long size = 0;
	int fd = open(dev, O_RDWR);

	if (fd < 0)
		fail("open %s: %s", dev, strerror(errno));
	if (ioctl(fd, BLKGETSIZE64, &size) || size / PAGE < pages)
		fail("%s: %llu bytes, want %lu pages", dev, size, pages);
	info[0] = 1;			/* version */
	info[1] = pages - 1;		/* last_page */
	info[2] = 0;			/* nr_badpages */
	memcpy(hdr + PAGE - 10, "SWAPSPACE2", 10);
	if (pwrite(fd, hdr, PAGE, 0) != PAGE || fsync(fd))
		fail("write the swap header: %s", strerror(errno));
	close(fd);
}

static void setup(void)
{
	mkdir("/proc", 0755);
	mkdir("/sys", 0755);
	mkdir("/dev", 0755);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("cgroup2", "/sys/fs/cgroup", "cgroup2", 0, NULL);
	mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	kmsg = open("/dev/kmsg", O_WRONLY);
}

/* The stage on the command line: 1 or 2, 0 when missing */
static int stage(void)
{
	char buf[4096];
	int fd = open("/proc/cmdline", O_RDONLY);
	ssize_t n;
	char *p;

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strstr(buf, "hibtest.stage=");
	return p ? atoi(p + strlen("hibtest.stage=")) : 0;
}

static void state(const char *when)
{
	say("%s: SwapTotal %lld kB SwapFree %lld kB", when,
	    key("/proc/meminfo", "SwapTotal"), key("/proc/meminfo", "SwapFree"));
	show(when, "/sys/kernel/mm/vswap/stat");
	show(when, "/sys/kernel/mm/vswap/tiers");
	show(when, "/proc/swaps");
}

int main(void)
{
	size_t npages = (size_t)MIB << 20 >> 12, i, bad = 0;
	unsigned char *mem, want[PAGE];
	bool vswap;
	char pid[32];
	int err;

	setup();
	if (getpid() != 1)
		fail("not init");
	if (stage() != 1)
		fail("stage %d: the kernel resumed no image", stage());
	vswap = !access("/sys/kernel/mm/vswap/enabled", F_OK);
	say("stage 1: %s, %d MiB in a %d MiB cgroup, swap on %s", vswap ? "vswap" : "no vswap",
	    MIB, MAX_MIB, DEV);

	make_swap(DEV, (unsigned long)SWAP_MIB << 20 >> 12);
	if (swapon(DEV, 0))
		fail("swapon %s: %s", DEV, strerror(errno));
	if (put("/sys/module/zswap/parameters/compressor", "lzo") ||
	    put("/sys/module/zswap/parameters/enabled", "Y"))
		fail("cannot turn zswap on");
	snprintf(pid, sizeof(pid), "%dM", MAX_MIB);
	if (put("/sys/fs/cgroup/cgroup.subtree_control", "+memory") ||
	    (mkdir(CG, 0755) && errno != EEXIST) || put(CG "/memory.max", pid))
		fail("cannot make the cgroup");
	snprintf(pid, sizeof(pid), "%d", getpid());
	err = put(CG "/cgroup.procs", pid);
	if (err)
		fail("cannot enter the cgroup: %s", strerror(-err));

	mem = mmap(NULL, npages * PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		fail("mmap %d MiB: %s", MIB, strerror(errno));
	for (i = 0; i < npages; i++)
		pat_fill_page(mem + i * PAGE, PAGE, (uintptr_t)(mem + i * PAGE), 1, PAT_MIXED);
	state("written");
	if (vswap) {
		long long zero = key("/sys/kernel/mm/vswap/stat", "zero");
		long long zswap = key("/sys/kernel/mm/vswap/stat", "zswap");
		long long phys = key("/sys/kernel/mm/vswap/stat", "phys");

		if (zero <= 0 || zswap <= 0 || phys <= 0)
			fail("not every backend holds pages: zero %lld zswap %lld phys %lld",
			     zero, zswap, phys);
	}

	/* out of the cgroup: the kernel's own work is not confined to it */
	put("/sys/fs/cgroup/cgroup.procs", pid);
	if (put("/sys/power/disk", "shutdown"))
		fail("cannot set /sys/power/disk");
	say("hibernating");
	err = put("/sys/power/state", "disk");
	if (err)
		fail("hibernation: %s", strerror(-err));

	/* resumed: every byte, swapped in from zswap, the tier, or zero */
	say("resumed");
	state("resumed");
	for (i = 0; i < npages; i++) {
		unsigned char *p = mem + i * PAGE;

		pat_fill_page(want, PAGE, (uintptr_t)p, 1, PAT_MIXED);
		if (memcmp(p, want, PAGE)) {
			if (bad < 10)
				say("page %zu differs", i);
			bad++;
		}
	}
	say("verified %zu pages (%zu bytes), %zu bad", npages, npages * PAGE, bad);
	if (bad)
		fail("%zu of %zu pages came back different", bad, npages);
	/* swapoff reads what is left into memory, charged to the cgroup */
	if (put(CG "/memory.max", "max"))
		fail("cannot lift the cgroup's memory.max");
	if (swapoff(DEV))
		fail("swapoff %s after resume: %s", DEV, strerror(errno));
	say("PASS");
	power_off();
}
