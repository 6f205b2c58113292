// SPDX-License-Identifier: GPL-2.0
/*
 * What an operator reads about swap, as stock 6.12 reports it.  Every test
 * but swap_acct_zswap_only runs on every kernel (make check STOCK=1) and
 * asserts stock's figures; with vswap on, they must be the same
 * (Documentation/design/vswap-accounting.md).
 *
 * swap_acct_meminfo:   with 0, 1 and 2 swap devices, and with zswap in
 *                      front of them, SwapTotal is the devices' size (each
 *                      less its header page), SwapFree equals it at rest,
 *                      and the Size column of /proc/swaps sums to it.
 * swap_acct_used:      96 MiB through a 32 MiB cgroup onto one device, with
 *                      zswap off (random pages) and on (compressible ones),
 *                      held swapped out: SwapTotal - SwapFree, the Used
 *                      column of /proc/swaps and memory.swap.current agree,
 *                      and once the workload exits SwapFree is SwapTotal.
 * swap_acct_interleaved: 16 MiB, every other 8 pages charged to cgroup B,
 *                      the rest to A, paged out from one CPU so that their
 *                      slots alternate in runs of 8 (checked in
 *                      /proc/self/pagemap), then written to in slot order,
 *                      which frees the slots in that order: each cgroup's
 *                      memory.swap.current holds its half while out and
 *                      drops to at most 1 MiB (what slot caches hold) with
 *                      the pages back in memory, every byte reads back,
 *                      and no page counter goes below zero.  (A batch of
 *                      freed slots is freed in runs, which must not cross
 *                      cgroups.)
 * swap_acct_swap_full: on a 128 MiB swap area, 144 MiB through a 32 MiB
 *                      cgroup fills it beyond half; read back with no
 *                      limit, swap-ins free their slots until half is left
 *                      (vm_swap_full()), no more.
 * swap_acct_commit:    with no swap device, CommitLimit under
 *                      vm.overcommit_memory=2 is RAM times the ratio, and a
 *                      mapping beyond it is refused; under mode 0 a mapping
 *                      larger than RAM and swap is refused.  With one
 *                      device CommitLimit grows by its size.
 * swap_acct_oom_score: with no swap device, /proc/PID/oom_score of a
 *                      process holding 200 MiB is computed over RAM alone.
 * swap_acct_no_swap:   with no swap device and zswap off, MADV_PAGEOUT and
 *                      memory.reclaim leave every anonymous page (zero-filled
 *                      ones too) in memory, and every byte reads back; a
 *                      cgroup over its memory.max is OOM-killed without a
 *                      single anonymous page scanned.
 * swap_acct_zswap_only: vswap only (stock needs a device for zswap): with
 *                      zswap on and no device, SwapTotal is zswap's pool
 *                      limit, /proc/swaps has one [vswap] line of that size,
 *                      and SwapTotal - SwapFree is the pool's size while
 *                      96 MiB of compressible pages are held in it.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/wait.h>

#include "runner.h"
#include "lib/st.h"
#include "lib/vst.h"

/* A kB figure of /proc/meminfo, or -1 */
static long long meminfo(const char *key)
{
	uint64_t v;

	return st_read_key("/proc/meminfo", key, &v) ? -1 : (long long)v;
}

/* The kB stock counts for swap device @dev: its pages less the header */
static long long device_kb(const char *dev)
{
	char out[64];

	if (st_cmd(out, sizeof(out), "blockdev --getsize64 %s", dev))
		return -1;
	return (strtoll(out, NULL, 10) / 4096 - 1) * 4;
}

/* The sums of the Size and Used columns of /proc/swaps; -1 on error */
static int proc_swaps_kb(long long *size_kb, long long *used_kb)
{
	char line[512];
	long long size, used;
	FILE *f = fopen("/proc/swaps", "re");

	if (!f)
		return -1;
	*size_kb = *used_kb = 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %*s %lld %lld", &size, &used) != 2)
			continue;
		*size_kb += size;
		*used_kb += used;
	}
	fclose(f);
	return 0;
}

/* SwapTotal - SwapFree, kB */
static long long swap_used_kb(void)
{
	return meminfo("SwapTotal:") - meminfo("SwapFree:");
}

/* mkswap a swap area of @kb kB (0: the whole device) on @dev, swapon */
static int swapon_kb(const char *dev, long long kb)
{
	if (!kb)
		return st_swapon(dev, -1);
	if (st_cmd(NULL, 0, "mkswap -f %s %lld >/dev/null 2>&1", dev, kb)) {
		st_log("mkswap %s %lld failed", dev, kb);
		return -1;
	}
	if (swapon(dev, 0)) {
		st_log("swapon %s: %s", dev, strerror(errno));
		return -1;
	}
	return 0;
}

/* A cgroup of its own under the runner's root, on every kernel */
static enum st_status cg_setup(void **ctx, const char *name)
{
	char *cg = malloc(256);

	if (!cg)
		return ST_FAIL;
	*ctx = cg;
	return st_cg_create(name, cg, 256) ? ST_FAIL : ST_PASS;
}

/* ---------------------------------------------------------------------
 * swap_acct_meminfo
 */

/* SwapTotal, SwapFree and /proc/swaps against @want kB of devices */
static enum st_status meminfo_check(const char *what, long long want)
{
	long long total = meminfo("SwapTotal:"), free_kb = meminfo("SwapFree:");
	long long size, used;

	ST_CHECK(!proc_swaps_kb(&size, &used));
	st_log("%s: SwapTotal %lld kB SwapFree %lld kB, /proc/swaps %lld kB (%lld used), want %lld kB",
	       what, total, free_kb, size, used, want);
	ST_FAIL_IF(total != want, "%s: SwapTotal %lld kB, the devices have %lld", what,
		   total, want);
	/* at rest; a per-CPU slot cache may hold a few slots */
	ST_FAIL_IF(free_kb > total || total - free_kb > 1024,
		   "%s: SwapFree %lld kB of %lld at rest", what, free_kb, total);
	ST_FAIL_IF(size != total, "%s: /proc/swaps sums to %lld kB, SwapTotal %lld", what,
		   size, total);
	return ST_PASS;
}

static enum st_status meminfo_run(void *arg)
{
	long long want = 0;
	char what[64];
	int n;

	for (n = 0; n <= 2; n++) {
		if (n) {
			ST_FAIL_IF(!st_disk(n - 1), "no disk %d", n - 1);
			ST_CHECK(!st_swapon(st_disk(n - 1), 10 - 5 * (n - 1)));
			want += device_kb(st_disk(n - 1));
		}
		snprintf(what, sizeof(what), "%d devices", n);
		if (meminfo_check(what, want) != ST_PASS)
			return ST_FAIL;
		if (!n || !st_zswap_available())
			continue;
		/* zswap in front of a device adds nothing to it */
		ST_CHECK(!st_zswap_set("enabled", "Y"));
		snprintf(what, sizeof(what), "%d devices behind zswap", n);
		if (meminfo_check(what, want) != ST_PASS)
			return ST_FAIL;
		ST_CHECK(!st_zswap_set("enabled", "N"));
	}
	return ST_PASS;
}

static struct st_test swap_acct_meminfo = {
	.name = "swap_acct_meminfo",
	.description = "SwapTotal, SwapFree and /proc/swaps are the swap devices' size",
	.run = meminfo_run,
	.timeout = 60,
};
REGISTER_ST_TEST(swap_acct_meminfo);

/* ---------------------------------------------------------------------
 * swap_acct_used
 */

#define USED_MIB	96	/* the workload */
#define USED_MAX_MIB	32	/* its cgroup's memory.max */
/* slot caches (64 slots a CPU) and one reclaim batch either way */
#define USED_SLACK_KB	2048

static enum st_status used_setup(void **ctx)
{
	if (!st_disk(0))
		return st_skip("needs a virtio disk (run with DISKS>=1)");
	return cg_setup(ctx, "swap_acct_used");
}

static enum st_status used_case(const char *cg, bool zswap)
{
	long long used, size, sused, total;
	const char *what = zswap ? "zswap, compressible" : "no zswap, random";
	uint64_t cur = 0;
	struct vst_argv av;
	struct vst_proc p;
	int status;

	ST_CHECK(!st_zswap_set("enabled", zswap ? "Y" : "N"));
	ST_FAIL_IF(vst_spawn(&p, cg, vst_argv(&av, "memverify", "-s %u -p 1 -f %s -H",
					      USED_MIB, zswap ? "compressible" : "random")),
		   "cannot start memverify");
	if (!vst_held(&p, "memverify: holding", 1)) {
		status = vst_release(&p);
		ST_FAIL_IF(1, "%s: memverify did not reach its hold (%d)", what, status);
	}
	/* nothing moves while it holds; reclaim may finish a batch */
	usleep(500 * 1000);
	used = swap_used_kb();
	ST_CHECK(!proc_swaps_kb(&size, &sused));
	ST_CHECK(!st_cg_u64(cg, "memory.swap.current", &cur));
	st_log("%s, held: SwapTotal - SwapFree %lld kB, /proc/swaps Used %lld kB, memory.swap.current %lu kB",
	       what, used, sused, cur / 1024);
	status = vst_release(&p);
	ST_FAIL_IF(status, "%s: memverify status %d: data lost, corrupted or OOM", what,
		   status);
	ST_FAIL_IF(used < (USED_MIB - USED_MAX_MIB) * 1024 / 2,
		   "%s: %lld kB swapped, the workload did not swap", what, used);
	ST_FAIL_IF(llabs(used - (long long)cur / 1024) > USED_SLACK_KB,
		   "%s: SwapTotal - SwapFree %lld kB, memory.swap.current %lu kB", what,
		   used, cur / 1024);
	ST_FAIL_IF(llabs(used - sused) > USED_SLACK_KB,
		   "%s: SwapTotal - SwapFree %lld kB, /proc/swaps Used %lld kB", what,
		   used, sused);
	total = meminfo("SwapTotal:");
	used = swap_used_kb();
	st_log("%s, after: SwapTotal %lld kB, %lld kB used", what, total, used);
	ST_FAIL_IF(used > 1024, "%s: %lld kB still used after the workload exited", what,
		   used);
	return ST_PASS;
}

static enum st_status used_run(void *arg)
{
	const char *cg = arg;

	ST_CHECK(!st_cg_write(cg, "memory.max", "%uM", USED_MAX_MIB));
	ST_CHECK(!st_swapon(st_disk(0), -1));
	if (used_case(cg, false) != ST_PASS)
		return ST_FAIL;
	if (!st_zswap_available())
		return ST_PASS;
	ST_CHECK(!st_zswap_set("compressor", "lzo"));
	return used_case(cg, true);
}

static struct st_test swap_acct_used = {
	.name = "swap_acct_used",
	.description = "SwapTotal - SwapFree is what is swapped out, with and without zswap",
	.setup = used_setup,
	.run = used_run,
	.cleanup = free,
	.timeout = 300,
};
REGISTER_ST_TEST(swap_acct_used);

/* ---------------------------------------------------------------------
 * swap_acct_interleaved
 */

#define IL_PAGES	4096	/* 16 MiB, half charged to A, half to B */
#define IL_GROUP	8	/* pages in a row charged to one cgroup */
#define IL_PAGE		4096UL
/* what the two CPUs' slot caches may hold charged, whatever the CPU count */
#define IL_LAG		(1024 * 1024ULL)

struct il_ctx {
	char a[256], b[256];
};

static enum st_status il_setup(void **ctxp)
{
	struct il_ctx *ctx;

	if (!st_disk(0))
		return st_skip("needs a virtio disk (run with DISKS>=1)");
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return ST_FAIL;
	*ctxp = ctx;
	if (st_cg_create("swap_acct_il_a", ctx->a, sizeof(ctx->a)) ||
	    st_cg_create("swap_acct_il_b", ctx->b, sizeof(ctx->b)))
		return ST_FAIL;
	return ST_PASS;
}

/* Is page @i charged to B? */
static bool il_in_b(size_t i)
{
	return (i / IL_GROUP) & 1;
}

/* The byte @j of page @i */
static unsigned char il_byte(size_t i, size_t j)
{
	return (unsigned char)((i * 2654435761UL + j * 40503UL) >> 7) | 1;
}

/* Page @i's swap slot, as type << 50 | offset; 0 if it is in memory */
static uint64_t il_slot(int pagemap, const char *base, size_t i)
{
	uint64_t pme;

	if (pread(pagemap, &pme, sizeof(pme),
		  ((uintptr_t)base / IL_PAGE + i) * sizeof(pme)) != sizeof(pme))
		return 0;
	if (!(pme & (1ULL << 62)))
		return 0;
	/* bits 0-4 the type, 5-54 the offset */
	return (pme & 0x1f) << 50 | (pme & ((1ULL << 55) - 1)) >> 5;
}

struct il_page {
	uint64_t slot;
	size_t idx;
};

static int il_cmp(const void *x, const void *y)
{
	const struct il_page *p = x, *q = y;

	return p->slot < q->slot ? -1 : p->slot > q->slot;
}

/* A line to the parent, and its answer; false if the parent went away */
static bool il_say(int out, int in, const char *fmt, ...)
{
	char line[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	return write(out, line, n + 1) == n + 1 && read(in, line, 1) == 1;
}

/*
 * The child: every other IL_GROUP pages charged to B, the rest to A, all
 * paged out from one CPU, so that the slots alternate between the two
 * cgroups every IL_GROUP slots; then written to in slot order, so that the
 * slots are freed in that order and the batches of freed slots hold runs
 * of consecutive slots of both.
 * Exit status: 0, 1 on a setup error, 2 if a byte read back was wrong.
 */
static int il_child(const struct il_ctx *ctx, int out, int in)
{
	static struct il_page pages[IL_PAGES];
	size_t i, j, n = 0, alt = 0, same = 0, bad = 0;
	int pagemap, round;
	char *base;

	if (vst_pin_cpu(0) || st_cg_write(ctx->a, "cgroup.procs", "%d", getpid()))
		return 1;
	base = mmap(NULL, IL_PAGES * IL_PAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return 1;
	madvise(base, IL_PAGES * IL_PAGE, MADV_NOHUGEPAGE);
	for (i = 0; i < IL_PAGES; i++)
		for (j = 0; !il_in_b(i) && j < IL_PAGE; j++)
			base[i * IL_PAGE + j] = il_byte(i, j);
	if (st_cg_write(ctx->b, "cgroup.procs", "%d", getpid()))
		return 1;
	for (i = 0; i < IL_PAGES; i++)
		for (j = 0; il_in_b(i) && j < IL_PAGE; j++)
			base[i * IL_PAGE + j] = il_byte(i, j);

	pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (pagemap < 0)
		return 1;
	for (round = 0; round < 3; round++) {
		madvise(base, IL_PAGES * IL_PAGE, MADV_PAGEOUT);
		for (i = 0, n = 0; i < IL_PAGES; i++)
			n += !!il_slot(pagemap, base, i);
		if (n >= IL_PAGES * 9 / 10)
			break;
	}
	for (i = 0, n = 0; i < IL_PAGES; i++) {
		pages[n].slot = il_slot(pagemap, base, i);
		pages[n].idx = i;
		n += !!pages[n].slot;
	}
	qsort(pages, n, sizeof(pages[0]), il_cmp);
	for (i = 1; i < n; i++) {
		if (pages[i].slot != pages[i - 1].slot + 1)
			continue;
		if (il_in_b(pages[i].idx) != il_in_b(pages[i - 1].idx))
			alt++;
		else
			same++;
	}
	if (!il_say(out, in, "out %zu other %zu same %zu", n, alt, same))
		return 1;

	/* write faults free each slot as its page comes back */
	for (i = 0; i < n; i++) {
		char *page = base + pages[i].idx * IL_PAGE;

		__atomic_fetch_add(page, 0, __ATOMIC_RELAXED);
	}
	for (i = 0; i < IL_PAGES; i++)
		for (j = 0; j < IL_PAGE; j++)
			bad += (unsigned char)base[i * IL_PAGE + j] != il_byte(i, j);
	if (!il_say(out, in, "bad %zu", bad))
		return 1;
	return bad ? 2 : 0;
}

/* Wait up to 5 s until @cg holds at most IL_LAG of swap; false if not */
static bool il_uncharged(const char *cg, uint64_t *cur)
{
	int i;

	for (i = 0; i < 50; i++) {
		if (st_cg_u64(cg, "memory.swap.current", cur))
			return false;
		if (*cur <= IL_LAG)
			return true;
		usleep(100 * 1000);
	}
	return false;
}

/* Wait for the child's line into @line; false if it exited instead */
static bool il_hear(int in, char *line, size_t len)
{
	size_t n = 0;

	while (n < len - 1 && read(in, line + n, 1) == 1)
		if (!line[n++])
			return true;
	return false;
}

static enum st_status il_run(void *arg)
{
	const struct il_ctx *ctx = arg;
	uint64_t cur_a = 0, cur_b = 0, out = 0, alt = 0, same = 0, bad = 0;
	void (*pipe_was)(int);
	int up[2], down[2], status = 0, kmsg;
	const char *fail = NULL;
	unsigned int underflows;
	char line[128];
	pid_t pid;

	if (st_zswap_available())
		ST_CHECK(!st_zswap_set("enabled", "N"));
	ST_CHECK(!st_swapon(st_disk(0), -1));
	kmsg = vst_kmsg_open();
	ST_CHECK(kmsg >= 0);
	if (pipe(up)) {
		close(kmsg);
		ST_FAIL_IF(1, "pipe: %s", strerror(errno));
	}
	if (pipe(down)) {
		close(up[0]);
		close(up[1]);
		close(kmsg);
		ST_FAIL_IF(1, "pipe: %s", strerror(errno));
	}
	/* a child gone early is its exit status, not the runner's SIGPIPE */
	pipe_was = signal(SIGPIPE, SIG_IGN);
	pid = fork();
	if (!pid) {
		close(up[0]);
		close(down[1]);
		_exit(il_child(ctx, up[1], down[0]));
	}
	close(up[1]);
	close(down[0]);
	if (pid < 0) {
		fail = "fork failed";
		goto reap;
	}

	if (!il_hear(up[0], line, sizeof(line)) ||
	    sscanf(line, "out %lu other %lu same %lu", &out, &alt, &same) != 3) {
		fail = "the child did not page out";
		goto reap;
	}
	st_cg_u64(ctx->a, "memory.swap.current", &cur_a);
	st_cg_u64(ctx->b, "memory.swap.current", &cur_b);
	st_log("out: %lu pages; of the slots that follow another, %lu follow one of the other cgroup, %lu of the same; memory.swap.current A %lu kB, B %lu kB",
	       out, alt, same, cur_a / 1024, cur_b / 1024);
	if (out < IL_PAGES * 9 / 10 || alt < out / IL_GROUP / 2 || same < out / 2) {
		fail = "the pages did not go out in runs of slots alternating between the cgroups";
		goto reap;
	}
	/* each cgroup holds its half, give or take what the slot caches hold */
	if (llabs((long long)cur_a - (long long)cur_b) > (long long)(out * IL_PAGE / 8) ||
	    cur_a + cur_b < out * IL_PAGE) {
		fail = "each cgroup is not charged for its own pages";
		goto reap;
	}
	if (write(down[1], "g", 1) != 1 || !il_hear(up[0], line, sizeof(line)) ||
	    sscanf(line, "bad %lu", &bad) != 1) {
		fail = "the child did not read its pages back";
		goto reap;
	}
	/* the pages are back in memory and their slots freed: no charge left */
	if (!il_uncharged(ctx->a, &cur_a) || !il_uncharged(ctx->b, &cur_b))
		fail = "a cgroup is still charged for swap with its pages in memory";
	if (write(down[1], "g", 1) != 1 && !fail)
		fail = "the child went away";
	st_log("read back: %lu bytes wrong; memory.swap.current A %lu kB, B %lu kB",
	       bad, cur_a / 1024, cur_b / 1024);
reap:
	close(down[1]);
	close(up[0]);
	if (pid > 0)
		waitpid(pid, &status, 0);
	signal(SIGPIPE, pipe_was);
	underflows = vst_kmsg_count(kmsg, "page_counter underflow");
	close(kmsg);
	ST_FAIL_IF(fail, "%s", fail);
	ST_FAIL_IF(!WIFEXITED(status) || WEXITSTATUS(status),
		   "child status %#x: %s", status,
		   WIFEXITED(status) && WEXITSTATUS(status) == 2 ? "data corrupted" : "failed");
	ST_FAIL_IF(underflows, "a page counter went below zero");
	/* and once it exited */
	ST_FAIL_IF(!il_uncharged(ctx->a, &cur_a) || !il_uncharged(ctx->b, &cur_b),
		   "charged after exit: A %lu kB, B %lu kB", cur_a / 1024, cur_b / 1024);
	return ST_PASS;
}

static struct st_test swap_acct_interleaved = {
	.name = "swap_acct_interleaved",
	.description = "two cgroups' pages in alternating slots, freed in slot order, uncharge each its own",
	.setup = il_setup,
	.run = il_run,
	.cleanup = free,
	.timeout = 180,
};
REGISTER_ST_TEST(swap_acct_interleaved);

/* ---------------------------------------------------------------------
 * swap_acct_swap_full
 */

#define FULL_AREA_KB	(128 * 1024)	/* the swap area */
#define FULL_MIB	144		/* the workload */
#define FULL_MAX_MIB	32		/* its cgroup's memory.max */
/* a swap-in frees its slot while SwapFree * 2 < SwapTotal: half, give or take */
#define FULL_SLACK_KB	(4 * 1024)

static enum st_status full_setup(void **ctx)
{
	if (!st_disk(0))
		return st_skip("needs a virtio disk (run with DISKS>=1)");
	return cg_setup(ctx, "swap_acct_swap_full");
}

static enum st_status full_run(void *arg)
{
	long long total, used0, used1;
	uint64_t cur = 0;
	const char *cg = arg;
	struct vst_argv av;
	struct vst_proc p;
	int status;

	ST_CHECK(!st_cg_write(cg, "memory.max", "%uM", FULL_MAX_MIB));
	ST_CHECK(!swapon_kb(st_disk(0), FULL_AREA_KB));
	total = meminfo("SwapTotal:");
	ST_FAIL_IF(vst_spawn(&p, cg, vst_argv(&av, "memverify", "-s %u -p 1 -f random -H -E",
					      FULL_MIB)),
		   "cannot start memverify");
	if (!vst_held(&p, "memverify: holding", 1)) {
		status = vst_release(&p);
		ST_FAIL_IF(1, "memverify did not reach its first hold (%d)", status);
	}
	used0 = swap_used_kb();
	/* read it all back with room to spare: only vm_swap_full() frees slots */
	ST_CHECK(!st_cg_write(cg, "memory.max", "max"));
	kill(p.pid, SIGUSR1);
	if (!vst_held(&p, "memverify: holding", 2)) {
		status = vst_release(&p);
		ST_FAIL_IF(1, "memverify did not reach its second hold (%d)", status);
	}
	used1 = swap_used_kb();
	ST_CHECK(!st_cg_u64(cg, "memory.swap.current", &cur));
	st_log("SwapTotal %lld kB: %lld kB used when written, %lld kB once read back (memory.swap.current %lu kB)",
	       total, used0, used1, cur / 1024);
	status = vst_release(&p);
	ST_FAIL_IF(status, "memverify status %d: data lost, corrupted or OOM", status);
	ST_FAIL_IF(used0 <= total / 2 + FULL_SLACK_KB,
		   "%lld kB of %lld used: the swap area never got more than half full",
		   used0, total);
	ST_FAIL_IF(used1 > total / 2 + FULL_SLACK_KB,
		   "%lld kB of %lld still used after reading back: swap-ins did not free slots of a full swap area",
		   used1, total);
	ST_FAIL_IF(used1 < total / 2 - FULL_SLACK_KB,
		   "%lld kB of %lld used after reading back: slots freed below half full",
		   used1, total);
	return ST_PASS;
}

static struct st_test swap_acct_swap_full = {
	.name = "swap_acct_swap_full",
	.description = "swap-ins free the slots of a swap area more than half full, down to half",
	.setup = full_setup,
	.run = full_run,
	.cleanup = free,
	.timeout = 300,
};
REGISTER_ST_TEST(swap_acct_swap_full);

/* ---------------------------------------------------------------------
 * swap_acct_commit
 */

static char saved_mode[16], saved_ratio[16];

static enum st_status commit_setup(void **ctx)
{
	if (st_read("/proc/sys/vm/overcommit_memory", saved_mode, sizeof(saved_mode)) < 0 ||
	    st_read("/proc/sys/vm/overcommit_ratio", saved_ratio, sizeof(saved_ratio)) < 0)
		return st_skip("no vm.overcommit_* sysctls");
	return ST_PASS;
}

static void commit_cleanup(void *ctx)
{
	st_write("/proc/sys/vm/overcommit_memory", "%s", saved_mode);
	st_write("/proc/sys/vm/overcommit_ratio", "%s", saved_ratio);
}

/* Whether an anonymous private writable mapping of @kb kB is allowed */
static bool map_allowed(long long kb)
{
	void *p = mmap(NULL, kb * 1024, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return false;
	munmap(p, kb * 1024);
	return true;
}

static enum st_status commit_run(void *arg)
{
	long long ram = meminfo("MemTotal:"), limit, committed, want, big, dev;

	ST_CHECK(!st_write("/proc/sys/vm/overcommit_ratio", "50"));
	ST_CHECK(!st_write("/proc/sys/vm/overcommit_memory", "2"));
	limit = meminfo("CommitLimit:");
	committed = meminfo("Committed_AS:");
	/* vm_commit_limit(): pages of RAM times the ratio, plus swap */
	want = ram / 4 * 50 / 100 * 4;
	st_log("MemTotal %lld kB, CommitLimit %lld kB (want %lld), Committed_AS %lld kB",
	       ram, limit, want, committed);
	/* hugetlb pages are left out of RAM there; the VM has none */
	ST_FAIL_IF(llabs(limit - want) > 8, "CommitLimit %lld kB, RAM alone gives %lld",
		   limit, want);
	big = limit - committed + 64 * 1024;
	ST_FAIL_IF(map_allowed(big), "mode 2 allowed %lld kB with %lld kB left to commit",
		   big, limit - committed);

	/* mode 0: one mapping larger than RAM and swap is refused */
	ST_CHECK(!st_write("/proc/sys/vm/overcommit_memory", "0"));
	big = ram + 1024 * 1024;
	ST_FAIL_IF(map_allowed(big),
		   "mode 0 allowed a mapping of %lld kB with %lld kB of RAM and no swap",
		   big, ram);

	/* a swap device adds its size */
	if (!st_disk(0))
		return ST_PASS;
	ST_CHECK(!st_swapon(st_disk(0), -1));
	dev = device_kb(st_disk(0));
	limit = meminfo("CommitLimit:");
	st_log("with %lld kB of swap: CommitLimit %lld kB (want %lld)", dev, limit,
	       want + dev);
	ST_FAIL_IF(llabs(limit - want - dev) > 8,
		   "CommitLimit %lld kB with a %lld kB device, want %lld", limit, dev,
		   want + dev);
	return ST_PASS;
}

static struct st_test swap_acct_commit = {
	.name = "swap_acct_commit",
	.description = "CommitLimit and overcommit refusals are RAM's and the devices'",
	.setup = commit_setup,
	.run = commit_run,
	.cleanup = commit_cleanup,
	.timeout = 60,
};
REGISTER_ST_TEST(swap_acct_commit);
/* ---------------------------------------------------------------------
 * swap_acct_oom_score
 */

#define OOM_MIB		200

/* A kB figure of /proc/@pid/status ("VmRSS:\t  1234 kB"), or -1 */
static long long status_kb(pid_t pid, const char *key)
{
	char path[64], line[256];
	long long v = -1;
	size_t l = strlen(key);
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, l) && sscanf(line + l, "%lld", &v) == 1)
			break;
	fclose(f);
	return v;
}

static enum st_status oom_run(void *arg)
{
	long long ram = meminfo("MemTotal:") / 4, rss, swp, pte, points, want;
	int pfd[2], status;
	char path[64], c;
	uint64_t score;
	pid_t pid;

	ST_CHECK(!pipe(pfd));
	pid = fork();
	ST_CHECK(pid >= 0);
	if (!pid) {
		char *p = mmap(NULL, OOM_MIB * MiB, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		size_t i;

		if (p == MAP_FAILED)
			_exit(1);
		for (i = 0; i < OOM_MIB * MiB; i += 4096)
			p[i] = (char)(i / 4096) | 1;
		if (write(pfd[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(pfd[1]);
	if (read(pfd[0], &c, 1) != 1) {
		waitpid(pid, &status, 0);
		ST_FAIL_IF(1, "the child could not fill %d MiB", OOM_MIB);
	}
	close(pfd[0]);
	rss = status_kb(pid, "VmRSS:") / 4;
	swp = status_kb(pid, "VmSwap:") / 4;
	pte = status_kb(pid, "VmPTE:") / 4;
	if (rss < 0 || swp < 0 || pte < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		ST_FAIL_IF(1, "no VmRSS, VmSwap or VmPTE in /proc/%d/status", pid);
	}
	snprintf(path, sizeof(path), "/proc/%d/oom_score", pid);
	ST_CHECK(!st_read_u64(path, &score));
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);

	/* proc_oom_score(): (1000 + badness * 1000 / totalpages) * 2 / 3 */
	points = rss + swp + pte;
	want = (1000 + points * 1000 / ram) * 2 / 3;
	st_log("rss %lld swap %lld pte %lld pages of %lld: oom_score %lu, over RAM alone %lld",
	       rss, swp, pte, ram, score, want);
	ST_FAIL_IF(llabs((long long)score - want) > 2,
		   "oom_score %lu, %lld over RAM alone (the swap space counts as memory)",
		   score, want);
	return ST_PASS;
}

static struct st_test swap_acct_oom_score = {
	.name = "swap_acct_oom_score",
	.description = "oom_score without swap is computed over RAM alone",
	.run = oom_run,
	.timeout = 60,
};
REGISTER_ST_TEST(swap_acct_oom_score);

/* ---------------------------------------------------------------------
 * swap_acct_no_swap
 */

#define NOSWAP_MIB	96	/* the workload over memory.max */
#define NOSWAP_MAX_MIB	48	/* its cgroup's memory.max */

static enum st_status noswap_setup(void **ctx)
{
	return cg_setup(ctx, "swap_acct_no_swap");
}

static enum st_status noswap_run(void *arg)
{
	const char *cg = arg;
	struct vst_argv av;
	struct vst_proc p;
	uint64_t out = 0, zero0, zero1, oom0 = 0, oom1 = 0, scan0, scan1;
	int status;

	zero0 = st_vmstat("swpout_zero");
	ST_FAIL_IF(vst_spawn(&p, cg, vst_argv(&av, "vswapwork", "-m anon -s 64 -f mixed -p 1")),
		   "cannot start vswapwork");
	while (vst_poll(&p, 1000))
		;
	status = vst_reap(&p);
	zero1 = st_vmstat("swpout_zero");
	ST_FAIL_IF(status, "vswapwork: status %d: data lost or corrupted", status);
	ST_CHECK(vst_out_u64(&p, "out1", &out));
	st_log("pages out of memory after the page-out: %lu; swpout_zero +%lu", out,
	       zero1 - zero0);
	ST_FAIL_IF(out || zero1 != zero0,
		   "%lu pages left memory (%lu zero-filled) with nowhere to go",
		   out, zero1 - zero0);

	/* over memory.max with nowhere to swap: file pages only, then OOM */
	ST_CHECK(!st_cg_write(cg, "memory.max", "%uM", NOSWAP_MAX_MIB));
	ST_CHECK(!st_cg_key(cg, "memory.events", "oom_kill", &oom0));
	scan0 = st_vmstat("pgscan_anon");
	ST_FAIL_IF(vst_spawn(&p, cg, vst_argv(&av, "memverify", "-s %u -p 1 -f mixed",
					      NOSWAP_MIB)),
		   "cannot start memverify");
	while (vst_poll(&p, 1000))
		;
	status = vst_reap(&p);
	scan1 = st_vmstat("pgscan_anon");
	ST_CHECK(!st_cg_key(cg, "memory.events", "oom_kill", &oom1));
	st_log("%u MiB in memory.max %u MiB: status %d, oom_kill +%lu, pgscan_anon +%lu",
	       NOSWAP_MIB, NOSWAP_MAX_MIB, status, oom1 - oom0, scan1 - scan0);
	ST_FAIL_IF(oom1 == oom0, "%u MiB fit in memory.max %u MiB with no swap (status %d)",
		   NOSWAP_MIB, NOSWAP_MAX_MIB, status);
	ST_FAIL_IF(scan1 != scan0, "%lu anonymous pages scanned with no swap",
		   scan1 - scan0);
	return ST_PASS;
}

static struct st_test swap_acct_no_swap = {
	.name = "swap_acct_no_swap",
	.description = "without swap or zswap, anonymous pages stay in memory",
	.setup = noswap_setup,
	.run = noswap_run,
	.cleanup = free,
	.timeout = 180,
};
REGISTER_ST_TEST(swap_acct_no_swap);

/* ---------------------------------------------------------------------
 * swap_acct_zswap_only
 */

#define ZONLY_MIB	96	/* the workload */
#define ZONLY_MAX_MIB	32	/* its cgroup's memory.max */
#define ZSWAP_POOL	"/sys/kernel/debug/zswap/pool_total_size"

static enum st_status zonly_setup(void **ctx)
{
	if (!st_vswap_available())
		return st_skip("stock 6.12 needs a swap device for zswap");
	if (!st_zswap_available())
		return st_skip("kernel without zswap");
	if (access(ZSWAP_POOL, R_OK) &&
	    st_cmd(NULL, 0, "mount -t debugfs none /sys/kernel/debug"))
		return st_skip("no debugfs for zswap's pool size");
	return cg_setup(ctx, "swap_acct_zswap_only");
}

/* SwapTotal - SwapFree and the compressed pool, in kB, and their line */
static enum st_status zonly_check(const char *what, long long total)
{
	long long used = swap_used_kb(), size, sused;
	uint64_t pool = 0;

	ST_CHECK(!st_read_u64(ZSWAP_POOL, &pool));
	ST_CHECK(!proc_swaps_kb(&size, &sused));
	st_log("%s: SwapTotal %lld kB, %lld kB used; zswap pool %lu kB; /proc/swaps %lld kB, %lld used",
	       what, meminfo("SwapTotal:"), used, pool / 1024, size, sused);
	ST_FAIL_IF(meminfo("SwapTotal:") != total, "%s: SwapTotal %lld kB, zswap's limit %lld",
		   what, meminfo("SwapTotal:"), total);
	/* the pool may grow or shrink by a zspage between the two reads */
	ST_FAIL_IF(llabs(used - (long long)pool / 1024) > 64,
		   "%s: %lld kB used, the zswap pool holds %lu kB", what, used, pool / 1024);
	ST_FAIL_IF(size != total || llabs(sused - used) > 64,
		   "%s: /proc/swaps %lld kB (%lld used), SwapTotal %lld (%lld used)", what,
		   size, sused, total, used);
	return ST_PASS;
}

static enum st_status zonly_run(void *arg)
{
	long long ram = meminfo("MemTotal:"), total, size, sused;
	const char *cg = arg;
	struct vst_argv av;
	struct vst_proc p;
	uint64_t pct = 0;
	int status;

	/* no backend at all: nothing to report */
	ST_FAIL_IF(meminfo("SwapTotal:") != 0, "SwapTotal %lld kB with no swap and zswap off",
		   meminfo("SwapTotal:"));
	ST_CHECK(!proc_swaps_kb(&size, &sused));
	ST_FAIL_IF(size != 0, "/proc/swaps lists %lld kB with no swap and zswap off", size);

	ST_CHECK(!st_zswap_set("compressor", "lzo"));
	ST_CHECK(!st_zswap_set("enabled", "Y"));
	ST_CHECK(!st_read_u64("/sys/module/zswap/parameters/max_pool_percent", &pct));
	total = ram / 4 * (long long)pct / 100 * 4;
	if (zonly_check("at rest", total) != ST_PASS)
		return ST_FAIL;

	ST_CHECK(!st_cg_write(cg, "memory.max", "%uM", ZONLY_MAX_MIB));
	ST_FAIL_IF(vst_spawn(&p, cg, vst_argv(&av, "memverify", "-s %u -p 1 -f compressible -H",
					      ZONLY_MIB)),
		   "cannot start memverify");
	if (!vst_held(&p, "memverify: holding", 1)) {
		status = vst_release(&p);
		ST_FAIL_IF(1, "memverify did not reach its hold (%d)", status);
	}
	usleep(500 * 1000);
	if (zonly_check("held", total) != ST_PASS) {
		vst_release(&p);
		return ST_FAIL;
	}
	ST_FAIL_IF(swap_used_kb() < 1024, "%lld kB in zswap: the workload did not swap",
		   swap_used_kb());
	status = vst_release(&p);
	ST_FAIL_IF(status, "memverify status %d: data lost, corrupted or OOM", status);
	if (zonly_check("after", total) != ST_PASS)
		return ST_FAIL;

	/* a smaller pool limit is a smaller SwapTotal */
	ST_CHECK(!st_zswap_set("max_pool_percent", "10"));
	total = ram / 4 * 10 / 100 * 4;
	return zonly_check("max_pool_percent 10", total);
}

static struct st_test swap_acct_zswap_only = {
	.name = "swap_acct_zswap_only",
	.description = "with zswap and no swap device, SwapTotal is zswap's pool limit",
	.setup = zonly_setup,
	.run = zonly_run,
	.cleanup = free,
	.timeout = 300,
};
REGISTER_ST_TEST(swap_acct_zswap_only);
