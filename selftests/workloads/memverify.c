// SPDX-License-Identifier: GPL-2.0
/*
 * memverify: write anonymous (or shmem) memory with verifiable pages, read
 * it all back and check every byte, for several generations.
 *
 * Run it in a cgroup whose memory.max is below -s and every pass swaps
 * pages out and in again.  Each pass writes generation g to every page
 * (sequential or random order) and then verifies every page of generation
 * g.  A page that comes back with different bytes is reported with what it
 * holds instead, and the exit status is 1; a usage or setup error is 2.
 *
 * Zero-filled pages (fill zero, and a quarter of mixed) are the same in
 * every generation: a lost write to one cannot be told from a good one.
 * The other fills change every byte from one generation to the next.
 *
 * -R reads every page back ROUNDS times per pass instead of once: read
 * faults keep a page's swap entry, so the same entry comes back from swap
 * again and again (what a policy that promotes re-read pages acts on).
 * Every read of a page is timed, its fault included: read_p50_us,
 * read_p99_us and read_max_us are the percentiles over all of them.
 *
 * -F forks a child after the last pass that reads and checks every page
 * once more: its read faults share the parent's swap entries, so the
 * swapped-in folios stay in the swap cache, mapped twice, and must be
 * stored again before reclaim can free them.  The child's pages count in
 * bytes_verified and bad_pages.
 *
 * -H holds after the first pass's writes (and -P's page-out): it prints
 * "memverify: holding" and waits for SIGUSR1 before it verifies, so that
 * a test can read what the swapped-out pages look like while nothing
 * moves them.  -E holds the same way once more after the last verify,
 * before the memory goes, so that a test can look at what reading it back
 * left behind (swap cache, swap slots).  -A then reads and checks every
 * page once more after that hold, after whatever the test did meanwhile.
 *
 * The last line is machine-readable:
 *   memverify: pages=N passes=P bytes_verified=B bad_pages=K write_s=..
 *              verify_s=.. read_p50_us=.. read_p99_us=.. read_max_us=..
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "lib/pattern.h"

#define MAX_REPORTS	10


static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A decimal number in [1, max], or 0. */
static unsigned long long number(const char *s, unsigned long long max)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || !v || v > max) {
		fprintf(stderr, "memverify: '%s': want a number from 1 to %llu\n", s, max);
		return 0;
	}
	return v;
}

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s -s MIB [-p PASSES] [-R ROUNDS] [-f FILL] [-r] [-S] [-P] [-F] [-H] [-E] [-A]\n"
		"  -s MIB     memory to use\n"
		"  -p PASSES  generations to write and verify (default 2)\n"
		"  -R ROUNDS  times every page is read back per pass (default 1)\n"
		"  -f FILL    random|compressible|zero|same|mixed|poor|varied\n"
		"             |sparse (default random)\n"
		"  -r         visit pages in a random order (default sequential)\n"
		"  -S         shared memory (shmem) instead of private anonymous\n"
		"  -P         MADV_PAGEOUT the region after each write pass\n"
		"  -F         then fork a child that reads every page once more\n"
		"  -H         after the first writes, wait for SIGUSR1 to verify\n"
		"  -E         after the last verify, wait for SIGUSR1 to exit\n"
		"  -A         after -E's wait, read every page once more\n"
		"  -X         self-test: corrupt one byte after writing; must fail\n",
		prog);
}

/* Fisher-Yates shuffle of the page visiting order. */
static void shuffle(size_t *order, size_t n, uint64_t seed)
{
	size_t i, j, t;

	for (i = n - 1; i > 0; i--) {
		seed = pat_mix(seed);
		j = seed % (i + 1);
		t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The @pct-th percentile of the @n sorted samples @lat, in microseconds */
static double percentile(const uint32_t *lat, size_t n, double pct)
{
	size_t i = n * pct / 100;

	if (!n)
		return 0;
	return (i < n ? lat[i] : lat[n - 1]) / 1000.0;
}

static void report(const unsigned char *page, const unsigned char *want,
		   size_t psize, uint64_t addr, uint64_t gen)
{
	const struct pat_header *h = (const void *)page;
	size_t off, bad = 0, first = psize;

	for (off = 0; off < psize; off++) {
		if (page[off] != want[off]) {
			if (first == psize)
				first = off;
			bad++;
		}
	}
	if (!bad) {
		/* It differed a moment ago: something is still writing it. */
		fprintf(stderr,
			"memverify: BAD page %#llx gen %llu: differed, then read back right\n",
			(unsigned long long)addr, (unsigned long long)gen);
		return;
	}
	fprintf(stderr,
		"memverify: BAD page %#llx gen %llu: %zu bytes differ, first at +%zu (%#x, want %#x)",
		(unsigned long long)addr, (unsigned long long)gen, bad, first,
		page[first], want[first]);
	if (h->magic == PAT_MAGIC)
		fprintf(stderr, "; holds page %#llx gen %llu\n",
			(unsigned long long)h->addr, (unsigned long long)h->gen);
	else
		fprintf(stderr, "; no header\n");
}

/* Read every page of generation @gen once, in order: the bad ones */
static size_t verify_all(unsigned char *mem, unsigned char *want, size_t npages,
			 size_t psize, unsigned int gen, enum pat_fill fill)
{
	size_t i, bad = 0;

	for (i = 0; i < npages; i++) {
		unsigned char *p = mem + i * psize;

		pat_fill_page(want, psize, (uintptr_t)p, gen, fill);
		if (memcmp(p, want, psize)) {
			if (bad < MAX_REPORTS)
				report(p, want, psize, (uintptr_t)p, gen);
			bad++;
		}
	}
	return bad;
}

/*
 * -F: a child reads every page of generation @gen once; the parent waits.
 * The number of bad pages the child saw (capped at 250), or -1.
 */
static int child_verify(unsigned char *mem, unsigned char *want, size_t npages,
			size_t psize, unsigned int gen, enum pat_fill fill)
{
	size_t bad;
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "memverify: fork: %s\n", strerror(errno));
		return -1;
	}
	if (!pid) {
		bad = verify_all(mem, want, npages, psize, gen, fill);
		_exit(bad > 250 ? 250 : bad);
	}
	if (waitpid(pid, &status, 0) < 0) {
		fprintf(stderr, "memverify: waitpid: %s\n", strerror(errno));
		return -1;
	}
	if (!WIFEXITED(status)) {
		fprintf(stderr, "memverify: the reading child died (status %#x)\n", status);
		return -1;
	}
	return WEXITSTATUS(status);
}

int main(int argc, char **argv)
{
	size_t psize = sysconf(_SC_PAGESIZE), npages, i, bad = 0;
	double t0, write_s = 0, verify_s = 0;
	enum pat_fill fill = PAT_RANDOM;
	bool random_order = false, shared = false, pageout = false;
	bool corrupt = false, forked = false, hold = false, hold_end = false;
	bool again = false;
	sigset_t usr1;
	unsigned long long mib = 0, bytes = 0;
	unsigned char *mem, *want;
	unsigned int passes = 2, rounds = 1, gen, round;
	size_t *order, nlat = 0;
	uint32_t *lat;
	int opt;

	while ((opt = getopt(argc, argv, "s:p:R:f:rSPFXHEAh")) != -1) {
		switch (opt) {
		case 's':
			mib = number(optarg, 1ULL << 30);
			break;
		case 'p':
			passes = number(optarg, 1000000);
			break;
		case 'R':
			rounds = number(optarg, 1000);
			break;
		case 'f':
			if (pat_fill_by_name(optarg) < 0) {
				fprintf(stderr, "memverify: unknown fill '%s'\n", optarg);
				return 2;
			}
			fill = pat_fill_by_name(optarg);
			break;
		case 'r':
			random_order = true;
			break;
		case 'S':
			shared = true;
			break;
		case 'P':
			pageout = true;
			break;
		case 'F':
			forked = true;
			break;
		case 'X':
			corrupt = true;
			break;
		case 'H':
			hold = true;
			break;
		case 'E':
			hold_end = true;
			break;
		case 'A':
			again = true;
			break;
		default:
			usage(argv[0]);
			return 2;
		}
	}
	if (!mib || !passes || !rounds || (again && !hold_end)) {
		usage(argv[0]);
		return 2;
	}

	/* blocked from the start, so that a SIGUSR1 sent early waits */
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	if (hold || hold_end)
		sigprocmask(SIG_BLOCK, &usr1, NULL);

	npages = mib * 1024 * 1024 / psize;
	mem = mmap(NULL, npages * psize, PROT_READ | PROT_WRITE,
		   (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS, -1, 0);
	want = malloc(psize);
	order = malloc(npages * sizeof(*order));
	/* one read time per page, round and pass: ns, saturating at 4 s */
	lat = malloc((size_t)passes * rounds * npages * sizeof(*lat));
	if (mem == MAP_FAILED || !want || !order || !lat) {
		fprintf(stderr, "memverify: cannot allocate %llu MiB: %s\n",
			mib, strerror(errno));
		return 2;
	}
	for (i = 0; i < npages; i++)
		order[i] = i;

	for (gen = 1; gen <= passes; gen++) {
		if (random_order)
			shuffle(order, npages, gen);
		t0 = now();
		for (i = 0; i < npages; i++) {
			unsigned char *p = mem + order[i] * psize;

			pat_fill_page(p, psize, (uintptr_t)p, gen, fill);
		}
		write_s += now() - t0;
		if (corrupt)
			mem[(npages / 2) * psize + psize - 1] ^= 0x5a;
		if (pageout && madvise(mem, npages * psize, MADV_PAGEOUT)) {
			fprintf(stderr, "memverify: MADV_PAGEOUT: %s\n", strerror(errno));
			return 2;
		}
		if (hold && gen == 1) {
			int sig;

			printf("memverify: holding\n");
			fflush(stdout);
			sigwait(&usr1, &sig);
		}

		for (round = 0; round < rounds; round++) {
			if (random_order)
				shuffle(order, npages, gen + 0x1000 * (round + 1));
			t0 = now();
			for (i = 0; i < npages; i++) {
				unsigned char *p = mem + order[i] * psize;
				double t;
				int diff;

				pat_fill_page(want, psize, (uintptr_t)p, gen, fill);
				t = now();
				diff = memcmp(p, want, psize);
				t = (now() - t) * 1e9;
				lat[nlat++] = t < 4e9 ? (uint32_t)t : UINT32_MAX;
				if (diff) {
					if (bad < MAX_REPORTS)
						report(p, want, psize, (uintptr_t)p, gen);
					bad++;
				}
				bytes += psize;
			}
			verify_s += now() - t0;
		}
	}

	if (forked) {
		int cbad = child_verify(mem, want, npages, psize, passes, fill);

		if (cbad < 0)
			return 2;
		bad += cbad;
		bytes += npages * psize;
	}

	if (hold_end) {
		int sig;

		printf("memverify: holding\n");
		fflush(stdout);
		sigwait(&usr1, &sig);
	}

	/* the last generation once more, after what the hold let happen */
	if (again) {
		bad += verify_all(mem, want, npages, psize, passes, fill);
		bytes += npages * psize;
	}

	qsort(lat, nlat, sizeof(*lat), cmp_u32);
	printf("memverify: pages=%zu passes=%u bytes_verified=%llu bad_pages=%zu write_s=%.3f verify_s=%.3f read_p50_us=%.1f read_p99_us=%.1f read_max_us=%.1f\n",
	       npages, passes, bytes, bad, write_s, verify_s,
	       percentile(lat, nlat, 50), percentile(lat, nlat, 99),
	       percentile(lat, nlat, 100));
	return bad ? 1 : 0;
}
