// SPDX-License-Identifier: GPL-2.0
/*
 * vswapwork: verifiable pages (lib/pattern.h) pushed out of memory with
 * MADV_PAGEOUT, in the shapes memverify does not cover: fork and copy on
 * write, shmem, transparent huge pages, a cgroup removed while its pages
 * are out.
 *
 * Modes (-m):
 *   anon   private anonymous memory: fill, page out, verify; -p generations
 *   fork   fill, page out, fork: parent and child verify every page, each
 *          rewrites half of them (copy on write: the parent the even pages,
 *          the child the odd ones), pages out again and verifies its view
 *   shmem  a memfd mapped shared: fill, page out, verify through the
 *          mapping; rewrite, page out, verify with pread(), then through
 *          the mapping; page out, punch a hole over the second half while
 *          it is swapped, read the first half back and the second as zeros
 *   thp    anonymous memory, 2 MiB aligned, MADV_HUGEPAGE: fill, page out,
 *          verify; -p generations
 *   rmdir  fill, page out, move to the cgroup -d, remove the cgroup it
 *          left, verify; rewrite, page out, verify
 *   frag   single pages (MADV_NOHUGEPAGE): fill, page out, drop every
 *          other page (MADV_DONTNEED frees its slot), so that the free
 *          slots of the device they went to are scattered; print
 *          "vswapwork: holding" and wait for SIGUSR1, then verify the
 *          pages kept
 *
 * Page out: MADV_PAGEOUT of the whole region; then, since a page written
 * to a disk stays in memory (clean, in the swap cache) until reclaim comes
 * back for it, memory.reclaim of the process's own cgroup until mincore()
 * says the region is out or stops improving (-R: no memory.reclaim).
 *
 * Output lines start with "vswapwork:" and carry KEY=VALUE figures:
 * outN= (pages out of memory after page out N, by mincore), pages=,
 * for anon and thp outN_nz= and nonzero_pages= (the same among pages not
 * zero-filled), and in the last line bad_pages=.  Exit status: 0 when every byte read
 * back was right, 1 when a page was wrong, 2 on a usage or setup error.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "lib/pattern.h"

#define MAX_REPORTS	10
#define HPAGE		(2UL << 20)


static size_t psize;
static enum pat_fill fill = PAT_MIXED;
static bool use_reclaim = true;
static const char *who = "";	/* "parent: " or "child: " in fork mode */
static unsigned char *want;
static size_t bad;

static void __attribute__((noreturn)) die(const char *what)
{
	fprintf(stderr, "vswapwork: %s%s: %s\n", who, what, strerror(errno));
	exit(2);
}

/* The cgroup directory the process is in now */
static const char *cg_dir(void)
{
	static char dir[PATH_MAX + 32];
	char line[PATH_MAX];
	FILE *f;

	dir[0] = '\0';
	f = fopen("/proc/self/cgroup", "re");
	if (!f)
		return dir;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3))
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(dir, sizeof(dir), "/sys/fs/cgroup%s",
			 strcmp(line + 3, "/") ? line + 3 : "");
		break;
	}
	fclose(f);
	return dir;
}

static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* A key of the own cgroup's memory.stat, 0 when absent */
static unsigned long long cg_stat(const char *key)
{
	char path[PATH_MAX + 64], line[256];
	unsigned long long v = 0;
	size_t klen = strlen(key);
	FILE *f;

	snprintf(path, sizeof(path), "%s/memory.stat", cg_dir());
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ' ')
			v = strtoull(line + klen + 1, NULL, 10);
	fclose(f);
	return v;
}

static void report(const unsigned char *page, const unsigned char *exp,
		   uint64_t addr, unsigned int gen)
{
	const struct pat_header *h = (const void *)page;
	size_t off, nbad = 0, first = psize;

	for (off = 0; off < psize; off++) {
		if (page[off] != exp[off]) {
			if (first == psize)
				first = off;
			nbad++;
		}
	}
	if (!nbad) {
		fprintf(stderr, "vswapwork: %sBAD page %#llx gen %u: differed, then read back right\n",
			who, (unsigned long long)addr, gen);
		return;
	}
	fprintf(stderr, "vswapwork: %sBAD page %#llx gen %u: %zu bytes differ, first at +%zu (%#x, want %#x)",
		who, (unsigned long long)addr, gen, nbad, first, page[first],
		exp[first]);
	if (h->magic == PAT_MAGIC)
		fprintf(stderr, "; holds page %#llx gen %llu\n",
			(unsigned long long)h->addr, (unsigned long long)h->gen);
	else
		fprintf(stderr, "; no header\n");
}

/* Check @data, the page written at @addr, against generation @gen (0: zeros) */
static void check(const unsigned char *data, uint64_t addr, unsigned int gen)
{
	if (gen)
		pat_fill_page(want, psize, addr, gen, fill);
	else
		memset(want, 0, psize);
	if (!memcmp(data, want, psize))
		return;
	if (bad < MAX_REPORTS)
		report(data, want, addr, gen);
	bad++;
}

/* Write generation @gen to pages @first, @first + @step, ... below @n */
static void fill_pages(unsigned char *mem, size_t first, size_t n, size_t step,
		       unsigned int gen)
{
	size_t i;

	for (i = first; i < n; i += step)
		pat_fill_page(mem + i * psize, psize, (uintptr_t)(mem + i * psize),
			      gen, fill);
}

static void verify_pages(const unsigned char *mem, size_t first, size_t n,
			 size_t step, unsigned int gen)
{
	size_t i;

	for (i = first; i < n; i += step)
		check(mem + i * psize, (uintptr_t)(mem + i * psize), gen);
}

/* A "Key:  N kB" line of /proc/self/smaps_rollup, KiB */
static unsigned long long smaps_kib(const char *key)
{
	unsigned long long v = 0;
	size_t klen = strlen(key);
	char line[256];
	FILE *f = fopen("/proc/self/smaps_rollup", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ':')
			v = strtoull(line + klen + 1, NULL, 10);
	fclose(f);
	return v;
}

/*
 * Pages of [mem, mem + n pages) not in memory; with @gen, also those of
 * them not zero-filled in generation @gen (*@nz_out) and how many pages
 * are not (*@nz).
 */
static size_t count_out(unsigned char *mem, size_t n, unsigned int gen,
			size_t *nz_out, size_t *nz)
{
	unsigned char *vec = malloc(n);
	size_t i, out = 0;

	if (!vec)
		die("malloc");
	if (mincore(mem, n * psize, vec))
		die("mincore");
	*nz_out = *nz = 0;
	for (i = 0; i < n; i++) {
		bool zero = gen && pat_page_fill(fill, (uintptr_t)(mem + i * psize),
						 gen, psize) == PAT_ZERO;

		out += !(vec[i] & 1);
		if (gen && !zero) {
			(*nz)++;
			*nz_out += !(vec[i] & 1);
		}
	}
	free(vec);
	return out;
}

/*
 * MADV_PAGEOUT, then reclaim what went to a disk; print KEY=pages out.
 * With @gen, the region holds generation @gen everywhere and KEY_nz= is
 * printed too: the pages out among those not zero-filled (a split THP maps
 * its zero-filled pages to the shared zero page instead of swapping them).
 */
static size_t page_out(unsigned char *mem, size_t n, const char *key,
		       unsigned int gen)
{
	char path[PATH_MAX + 64], val[32];
	size_t out = 0, best = 0, nz_out = 0, nz = 0;
	int tries, stale = 0;

	if (madvise(mem, n * psize, MADV_PAGEOUT))
		die("MADV_PAGEOUT");
	snprintf(path, sizeof(path), "%s/memory.reclaim", cg_dir());
	for (tries = 0; tries < 100 && stale < 10; tries++) {
		out = count_out(mem, n, gen, &nz_out, &nz);
		if (out > best) {
			best = out;
			stale = 0;
		} else {
			stale++;
		}
		if (out == n || !use_reclaim)
			break;
		/* EAGAIN when it reclaimed less: expected, not an error */
		snprintf(val, sizeof(val), "%zu", (n - out) * psize);
		write_file(path, val);
		usleep(100000);
	}
	printf("vswapwork: %s%s=%zu pages=%zu\n", who, key, out, n);
	if (gen)
		printf("vswapwork: %s%s_nz=%zu nonzero_pages=%zu\n", who, key, nz_out, nz);
	/* Where the rest is, for whoever reads a failure */
	if (out < n)
		printf("vswapwork: %s%s short after %d tries: cgroup active_anon %llu inactive_anon %llu swapcached %llu shmem %llu; process Rss %llu kB Anonymous %llu kB Swap %llu kB\n",
		       who, key, tries, cg_stat("active_anon"), cg_stat("inactive_anon"),
		       cg_stat("swapcached"), cg_stat("shmem"), smaps_kib("Rss"),
		       smaps_kib("Anonymous"), smaps_kib("Swap"));
	fflush(stdout);
	return out;
}

static unsigned char *map_anon(size_t len, bool huge)
{
	unsigned char *p;
	uintptr_t a;

	if (!huge) {
		p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			die("mmap");
		return p;
	}
	p = mmap(NULL, len + HPAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die("mmap");
	a = ((uintptr_t)p + HPAGE - 1) & ~(HPAGE - 1);
	if (madvise((void *)a, len, MADV_HUGEPAGE))
		die("MADV_HUGEPAGE");
	return (unsigned char *)a;
}

static int run_anon(size_t n, unsigned int passes, bool huge)
{
	unsigned char *mem = map_anon(n * psize, huge);
	unsigned int gen;
	char key[16];

	for (gen = 1; gen <= passes; gen++) {
		fill_pages(mem, 0, n, 1, gen);
		if (huge && gen == 1)
			printf("vswapwork: thp_kib=%llu\n", smaps_kib("AnonHugePages"));
		snprintf(key, sizeof(key), "out%u", gen);
		page_out(mem, n, key, gen);
		verify_pages(mem, 0, n, 1, gen);
	}
	return 0;
}

/* Both sides of a fork meet here */
static int to_peer = -1, from_peer = -1;

static bool barrier(void)
{
	char c = 'x';

	if (write(to_peer, &c, 1) != 1)
		return false;
	return read(from_peer, &c, 1) == 1;
}

static int run_fork(size_t n)
{
	unsigned char *mem = map_anon(n * psize, false);
	int p2c[2], c2p[2], wstatus;
	unsigned int mine;
	size_t first;
	pid_t pid;
	bool child;

	fill_pages(mem, 0, n, 1, 1);
	page_out(mem, n, "out1", 0);

	if (pipe(p2c) || pipe(c2p))
		die("pipe");
	/* A peer that died shows as EOF, not as SIGPIPE */
	signal(SIGPIPE, SIG_IGN);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork");
	child = pid == 0;
	if (child) {
		to_peer = c2p[1];
		from_peer = p2c[0];
		close(p2c[1]);
		close(c2p[0]);
		who = "child: ";
	} else {
		to_peer = p2c[1];
		from_peer = c2p[0];
		close(p2c[0]);
		close(c2p[1]);
		who = "parent: ";
	}
	/* The parent rewrites the even pages (gen 2), the child the odd (3) */
	first = child ? 1 : 0;
	mine = child ? 3 : 2;

	/* Both read every page swapped out before the fork */
	verify_pages(mem, 0, n, 1, 1);
	if (!barrier())
		goto lost;
	fill_pages(mem, first, n, 2, mine);
	if (!barrier())
		goto lost;
	page_out(mem, n, child ? "child_out2" : "parent_out2", 0);
	if (!barrier())
		goto lost;
	verify_pages(mem, first, n, 2, mine);
	verify_pages(mem, 1 - first, n, 2, 1);
	if (child) {
		printf("vswapwork: child: bad_pages=%zu\n", bad);
		fflush(stdout);
		_exit(bad ? 1 : 0);
	}
	if (waitpid(pid, &wstatus, 0) < 0)
		die("waitpid");
	if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
		fprintf(stderr, "vswapwork: child failed (status %#x)\n", wstatus);
		return WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 1 ? 1 : 2;
	}
	return 0;
lost:
	fprintf(stderr, "vswapwork: %sthe other process is gone\n", who);
	if (child)
		_exit(2);
	waitpid(pid, &wstatus, 0);
	return 2;
}

static int run_shmem(size_t n)
{
	size_t len = n * psize, half = n / 2, i;
	unsigned long long before, after;
	unsigned char *mem, *buf;
	int fd;

	fd = memfd_create("vswapwork", MFD_CLOEXEC);
	if (fd < 0)
		die("memfd_create");
	if (ftruncate(fd, len))
		die("ftruncate");
	mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	buf = malloc(psize);
	if (mem == MAP_FAILED || !buf)
		die("mmap");

	fill_pages(mem, 0, n, 1, 1);
	before = cg_stat("shmem");
	page_out(mem, n, "out1", 0);
	after = cg_stat("shmem");
	printf("vswapwork: shmem_before=%llu shmem_after=%llu\n", before, after);
	verify_pages(mem, 0, n, 1, 1);

	/* Generation 2, read back through the file instead of the mapping */
	fill_pages(mem, 0, n, 1, 2);
	page_out(mem, n, "out2", 0);
	for (i = 0; i < n; i++) {
		if (pread(fd, buf, psize, i * psize) != (ssize_t)psize)
			die("pread");
		check(buf, (uintptr_t)(mem + i * psize), 2);
	}

	/*
	 * A hole punched over swapped pages frees their slots.  pread() left
	 * the pages unmapped: map them again so that MADV_PAGEOUT sees them.
	 */
	verify_pages(mem, 0, n, 1, 2);
	page_out(mem, n, "out3", 0);
	if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		      half * psize, (n - half) * psize))
		die("fallocate(PUNCH_HOLE)");
	verify_pages(mem, 0, half, 1, 2);
	verify_pages(mem, half, n, 1, 0);
	munmap(mem, len);
	close(fd);
	return 0;
}

static int run_rmdir(size_t n, const char *dest)
{
	unsigned char *mem = map_anon(n * psize, false);
	char left[PATH_MAX + 32], procs[PATH_MAX + 16];
	int tries;

	snprintf(left, sizeof(left), "%s", cg_dir());
	fill_pages(mem, 0, n, 1, 1);
	page_out(mem, n, "out1", 0);

	snprintf(procs, sizeof(procs), "%s/cgroup.procs", dest);
	if (write_file(procs, "0"))
		die(procs);
	/* Killed or moved tasks leave a cgroup asynchronously */
	for (tries = 0; rmdir(left); tries++) {
		if (errno != EBUSY || tries == 500)
			die(left);
		usleep(10000);
	}
	printf("vswapwork: removed %s, now in %s: rmdir=1\n", left, cg_dir());
	fflush(stdout);
	verify_pages(mem, 0, n, 1, 1);

	fill_pages(mem, 0, n, 1, 2);
	page_out(mem, n, "out2", 0);
	verify_pages(mem, 0, n, 1, 2);
	return 0;
}

static volatile sig_atomic_t go_on;

static void on_usr1(int sig)
{
	go_on = 1;
}

static int run_frag(size_t n)
{
	unsigned char *mem = map_anon(n * psize, false);
	sigset_t usr1, old;
	size_t i;

	if (madvise(mem, n * psize, MADV_NOHUGEPAGE))
		die("MADV_NOHUGEPAGE");
	/* blocked until sigsuspend(), so that no SIGUSR1 is lost */
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	if (signal(SIGUSR1, on_usr1) == SIG_ERR || sigprocmask(SIG_BLOCK, &usr1, &old))
		die("SIGUSR1");
	fill_pages(mem, 0, n, 1, 1);
	page_out(mem, n, "out1", 0);
	for (i = 1; i < n; i += 2)
		if (madvise(mem + i * psize, psize, MADV_DONTNEED))
			die("MADV_DONTNEED");
	printf("vswapwork: holding\n");
	fflush(stdout);
	while (!go_on)
		sigsuspend(&old);
	verify_pages(mem, 0, n, 2, 1);
	return 0;
}

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s -m MODE -s MIB [-f FILL] [-p PASSES] [-d CGROUP] [-R]\n"
		"  -m MODE    anon|fork|shmem|thp|rmdir|frag (see the source)\n"
		"  -s MIB     memory to use\n"
		"  -f FILL    random|compressible|zero|same|mixed (default mixed)\n"
		"  -p PASSES  generations for anon and thp (default 2)\n"
		"  -d CGROUP  rmdir: the cgroup directory to move to\n"
		"  -R         page out with MADV_PAGEOUT only, no memory.reclaim\n",
		prog);
}

int main(int argc, char **argv)
{
	const char *mode = NULL, *dest = NULL;
	unsigned long long mib = 0;
	unsigned int passes = 2;
	size_t n;
	int opt, ret;

	psize = sysconf(_SC_PAGESIZE);
	while ((opt = getopt(argc, argv, "m:s:f:p:d:Rh")) != -1) {
		switch (opt) {
		case 'm':
			mode = optarg;
			break;
		case 's':
			mib = strtoull(optarg, NULL, 10);
			break;
		case 'f':
			if (pat_fill_by_name(optarg) < 0) {
				fprintf(stderr, "vswapwork: unknown fill '%s'\n", optarg);
				return 2;
			}
			fill = pat_fill_by_name(optarg);
			break;
		case 'p':
			passes = strtoul(optarg, NULL, 10);
			break;
		case 'd':
			dest = optarg;
			break;
		case 'R':
			use_reclaim = false;
			break;
		default:
			usage(argv[0]);
			return 2;
		}
	}
	if (!mode || !mib || mib > (1ULL << 20) || !passes ||
	    (!strcmp(mode, "rmdir") && !dest)) {
		usage(argv[0]);
		return 2;
	}
	n = mib * 1024 * 1024 / psize;
	want = malloc(psize);
	if (!want)
		die("malloc");

	if (!strcmp(mode, "anon"))
		ret = run_anon(n, passes, false);
	else if (!strcmp(mode, "thp"))
		ret = run_anon(n, passes, true);
	else if (!strcmp(mode, "fork"))
		ret = run_fork(n);
	else if (!strcmp(mode, "shmem"))
		ret = run_shmem(n);
	else if (!strcmp(mode, "rmdir"))
		ret = run_rmdir(n, dest);
	else if (!strcmp(mode, "frag"))
		ret = run_frag(n);
	else {
		usage(argv[0]);
		return 2;
	}
	printf("vswapwork: %smode=%s pages=%zu bad_pages=%zu\n", who, mode, n, bad);
	if (ret)
		return ret;
	return bad ? 1 : 0;
}
