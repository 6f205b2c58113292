// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's own swap tests, from the 6.12 tree, on stock and on ours.
 *
 * scripts/kselftests.sh builds them into build/kselftests/; each test here
 * runs one of them in the VM with a swap device, reads its TAP output and
 * judges every subtest:
 *
 *   kernel_mm_cow              COW of anon memory: swapped out, mTHP, THP
 *   kernel_mm_madv_populate    MADV_POPULATE_READ/WRITE
 *   kernel_mm_mkdirty          PTE/PMD dirty bits: mprotect, /proc/self/mem
 *   kernel_cgroup_zswap        cgroup v2 with zswap: usage, writeback, limits
 *   kernel_cgroup_memcontrol   cgroup v2 memory controller, swap included
 *   kernel_thp_swap_allocator  64 KiB mTHP swapped out whole or in pieces
 *
 * A subtest is named by the last "# [RUN] " line before its result (mm's
 * tests report "ok N No leak ..." under one), else by its result line.
 * Verdicts: a subtest that fails on stock 6.12 too is listed in
 * fail_both[] with the reason, and does not fail the test on either
 * kernel; one that fails only on ours is listed in fail_ours[] with the
 * issue that fixes it, checked only when vswap is on; one that a slow
 * (debug, -T) kernel can make fail on either, by a race in the test
 * itself, is listed in flaky_slow[] and may pass or fail there; one
 * bound by a window of wall time a loaded host can miss is listed in
 * timing[], and a run whose only failures are such is run once more.  A skip
 * must give a reason skip_ok[] names (a config option the VM's kernel
 * lacks...), so a subtest ours skips where stock runs it - "MADV_PAGEOUT
 * did not work" - fails.  A listed failure that passes fails too, with
 * "XPASS": the lists say what the kernel does, not what it may do.
 *
 * thp_swap_allocator_test is a measurement, not a test: it prints, for
 * 100 rounds of swap-in and MADV_PAGEOUT, how many 64 KiB folios went out
 * whole (hugepages-64kB/stats/swpout) and how many fell back to splitting.
 * Its verdict here: whole swap-outs happen, and at most
 * THP_SWAP_FALLBACK_PCT % fall back.
 *
 * make check STOCK=1 runs the same binaries on stock 6.12.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runner.h"
#include "lib/st.h"

#define THP_DIR			"/sys/kernel/mm/transparent_hugepage"
#define THP_SWAP_FALLBACK_PCT	10	/* of 64 KiB swap-outs, at most */
#define KST_OUT			"/tmp/kselftest.out"

/* What a kernel test needs from the machine */
enum {
	KST_ZSWAP	= 1 << 0,	/* zswap on, in front of the disk */
	KST_MTHP64	= 1 << 1,	/* 64 KiB mTHP always, PMD THP never */
	KST_FS		= 1 << 2,	/* run in an ext4 directory: page cache */
};

#define KST_FS_DIR	"/tmp/kselftest-fs"

/* A subtest's verdict that differs from "ok" on a kernel, and why */
struct kst_known {
	const char *match;	/* substring of the subtest's name */
	const char *why;
};

struct kst {
	const char *bin;			/* in build/kselftests/ */
	const char *args;			/* its arguments */
	unsigned int needs;
	const struct kst_known *fail_both;	/* fails on stock 6.12 too */
	const struct kst_known *fail_ours;	/* fails on ours only */
	const struct kst_known *flaky_slow;	/* may fail under -T: test's race */
	/* may fail when the host is loaded: wall-clock windows; run again */
	const struct kst_known *timing;
	const struct kst_known *skip_ok;	/* skip reasons both may give */
	/* results expected, for a test that prints no "1..N" plan */
	unsigned int plan;
	/* filled by kst_setup() */
	char path[512];
	char thp_saved[2][32];			/* 64 KiB and 2 MiB enabled */
	int rot_saved;				/* the swap disk's rotational, or -1 */
	bool mounted;				/* KST_FS_DIR */
	bool timing_failed;			/* a timing[] subtest failed */
	bool other_failed;			/* another failed: no second run */
};

/* ------------------------------------------------------------------------
 * What each test may not pass, and why
 */

static const struct kst_known no_known[] = { { NULL, NULL } };

/*
 * The test VM's kernel (configs/base.config) has no CONFIG_GUP_TEST,
 * CONFIG_NUMA, CONFIG_USERFAULTFD, CONFIG_HUGETLBFS or CONFIG_IPV6; the
 * subtests that need them skip on both kernels (cow lists no hugetlb
 * cases at all then).
 */
static const struct kst_known mm_skips[] = {
	{ "gup_test not available", "CONFIG_GUP_TEST off" },
	{ "mbind() failed", "CONFIG_NUMA off" },
	{ "__NR_userfaultfd failed", "CONFIG_USERFAULTFD off" },
	/*
	 * 6.12 does not collapse a THP range whose every page a child
	 * shares (khugepaged's max_ptes_shared): cow's "collapsing after
	 * fork() (fully shared)" case, with the default 4 KiB page size
	 */
	{ "MADV_COLLAPSE failed: Invalid argument", "6.12 refuses, see above" },
	{ NULL, NULL },
};

/*
 * test_memcg_reclaim starts memory.reclaim as soon as memory.current is
 * within 10 % of the 100 MiB its two children allocate, and then wants
 * memory.current within 3 % of 30 MiB once memory.reclaim returns 0.  On
 * a debug kernel the page-cache child is still writing when reclaim
 * starts, the pages it writes during reclaim are reclaimed and counted
 * too, and memory.current ends above the window: the test failed 3 runs
 * of 3 on ours' debug kernel, and a copy of it that prints its steps
 * started reclaim at 44.6 of the 50 MiB written and ended at 32.6 MiB.
 * The same copy waiting for both children to finish ends at 27.9 MiB.
 */
static const struct kst_known memcontrol_slow[] = {
	{ "test_memcg_reclaim", "the test's writer still writes during reclaim" },
	{ NULL, NULL },
};

/*
 * test_no_kmem_bypass lowers min_free_kbytes and allocates 5 % of RAM 20
 * times, 100 ms apart, until kswapd has pushed a fifth of RAM into zswap:
 * 2 s of wall time for kswapd to compress 200 MiB.  Under TCG on a host
 * busy with a kernel build it missed that once (a make check rehearsal),
 * and passed in every run on a quiet host.
 */
static const struct kst_known zswap_timing[] = {
	{ "test_no_kmem_bypass", "kswapd must fill zswap within 2 s" },
	/*
	 * Its second memory.reclaim of 4 MiB, after memory.zswap.max is
	 * halved, answers -EAGAIN when the writeback's I/O is slower than
	 * reclaim's retries, and the test fails without a message: on stock
	 * too (2026-12-04, two VMs and a build on the host's 2 CPUs, 40
	 * runs in a row: stock failed it 4 times, ours 3).
	 */
	{ "test_zswap_writeback_enabled", "reclaim's retries must outlast the writeback's I/O" },
	{ NULL, NULL },
};

static const struct kst_known memcontrol_skips[] = {
	/* tcp_server() binds an AF_INET6 socket: EAFNOSUPPORT */
	{ "test_memcg_sock", "CONFIG_IPV6 off" },
	{ NULL, NULL },
};

/* ------------------------------------------------------------------------
 * Running one
 */

static const struct kst_known *kst_find(const struct kst_known *list,
					const char *name)
{
	for (; list && list->match; list++)
		if (strstr(name, list->match))
			return list;
	return NULL;
}

static int thp_get(const char *size, char *buf, size_t len)
{
	char path[256];

	snprintf(path, sizeof(path), THP_DIR "/hugepages-%s/enabled", size);
	return st_read_choice(path, buf, len);
}

static int thp_set(const char *size, const char *val)
{
	char path[256];

	snprintf(path, sizeof(path), THP_DIR "/hugepages-%s/enabled", size);
	return st_write(path, "%s", val);
}

static void kst_cleanup(struct kst *k);

static enum st_status __kst_setup(struct kst *k)
{
	const char *disk = st_disk(0);

	k->rot_saved = -1;
	st_build_path(k->path, sizeof(k->path), "kselftests", k->bin);
	if (access(k->path, X_OK))
		return st_skip("%s not built (scripts/kselftests.sh)", k->path);
	if (!disk)
		return st_skip("no virtio disk for swap");
	/* 6.12 swaps large folios out whole to non-rotational devices only */
	k->rot_saved = st_rotational(disk);
	if (k->rot_saved < 0 || st_set_rotational(disk, 0) || st_swapon(disk, 0))
		return ST_FAIL;
	if (k->needs & KST_ZSWAP) {
		if (!st_zswap_available())
			return st_skip("kernel without zswap");
		if (st_zswap_set("enabled", "Y"))
			return ST_FAIL;
	}
	/*
	 * test_memcontrol makes its page cache in an O_TMPFILE file of its
	 * working directory: an ext4 one, as on a machine (the VM's root
	 * is read-only and /tmp's shmem is not page cache).
	 */
	if (k->needs & KST_FS) {
		if (!st_disk(1))
			return st_skip("no second virtio disk for a filesystem");
		if (st_cmd(NULL, 0, "mkfs.ext4 -q -F %s && mkdir -p %s && mount %s %s",
			   st_disk(1), KST_FS_DIR, st_disk(1), KST_FS_DIR)) {
			st_log("cannot make and mount ext4 on %s", st_disk(1));
			return ST_FAIL;
		}
		k->mounted = true;
	}
	if (k->needs & KST_MTHP64) {
		if (access(THP_DIR "/hugepages-64kB/enabled", F_OK))
			return st_skip("no 64 KiB mTHP size");
		if (thp_get("64kB", k->thp_saved[0], sizeof(k->thp_saved[0])) ||
		    thp_get("2048kB", k->thp_saved[1], sizeof(k->thp_saved[1])) ||
		    thp_set("64kB", "always") || thp_set("2048kB", "never"))
			return ST_FAIL;
	}
	return ST_PASS;
}

/* What setup changed is undone whether it got to the end or not. */
static enum st_status kst_setup(struct kst *k)
{
	enum st_status st = __kst_setup(k);

	if (st != ST_PASS)
		kst_cleanup(k);
	return st;
}

static void kst_cleanup(struct kst *k)
{
	/*
	 * Swap off before queue/rotational changes back: 6.12's swapoff
	 * reads it again to undo what swapon counted in nr_rotate_swap, and
	 * a count left at -1 turns VMA readahead off until reboot.
	 */
	if (k->rot_saved >= 0) {
		st_swapoff_all();
		if (st_set_rotational(st_disk(0), k->rot_saved))
			st_log("cannot restore %s's queue/rotational", st_disk(0));
	}
	if (k->mounted && st_cmd(NULL, 0, "umount %s", KST_FS_DIR))
		st_log("umount %s failed", KST_FS_DIR);
	if (k->thp_saved[0][0])
		thp_set("64kB", k->thp_saved[0]);
	if (k->thp_saved[1][0])
		thp_set("2048kB", k->thp_saved[1]);
}

/* Judge one TAP result line of subtest @name; returns true if it passes. */
static bool kst_judge(struct kst *k, const char *name, bool ok,
		      const char *directive, bool ours, const char **todo)
{
	const struct kst_known *both = kst_find(k->fail_both, name);
	const struct kst_known *slow = st_time_scale() > 1 ?
				       kst_find(k->flaky_slow, name) : NULL;
	const struct kst_known *mine = ours ? kst_find(k->fail_ours, name) : NULL;
	const struct kst_known *skip;

	if (directive && !strncmp(directive, "SKIP", 4)) {
		skip = kst_find(k->skip_ok, directive);
		if (skip)
			return true;
		st_log("SKIP not expected: %s: %s", name, directive);
		return false;
	}
	if (directive && !strncmp(directive, "XFAIL", 5))
		return true;	/* the test itself expects it (cow's leak cases) */
	if (ok) {
		if (both || mine) {
			st_log("XPASS: %s (listed: %s)", name,
			       (both ? both : mine)->why);
			return false;
		}
		return true;
	}
	if (both) {
		st_log("fails on stock too: %s: %s", name, both->why);
		return true;
	}
	if (slow) {
		st_log("fails on a slow kernel, known: %s: %s", name, slow->why);
		return true;
	}
	if (mine) {
		st_log("fails on ours only, known: %s: %s", name, mine->why);
		*todo = mine->why;
		return true;
	}
	if (kst_find(k->timing, name))
		k->timing_failed = true;
	else
		k->other_failed = true;
	st_log("FAIL: %s", name);
	return false;
}

/* Distinct skip reasons of one run, with their counts */
#define KST_MAX_REASONS	16

struct kst_skips {
	char why[KST_MAX_REASONS][160];
	unsigned int count[KST_MAX_REASONS];
	unsigned int nr;
};

static void kst_skip_note(struct kst_skips *sk, const char *why)
{
	unsigned int i;

	for (i = 0; i < sk->nr; i++)
		if (!strcmp(sk->why[i], why))
			break;
	if (i == sk->nr) {
		if (sk->nr == KST_MAX_REASONS)
			return;
		snprintf(sk->why[sk->nr++], sizeof(sk->why[0]), "%.150s", why);
	}
	sk->count[i]++;
}

/*
 * Parse the TAP of a kselftest in KST_OUT: returns ST_PASS when every
 * subtest got the verdict the lists expect and the test exited as a
 * kselftest does (0 pass, 1 fail, 4 skip).  Logs the last lines of
 * output (comments, stderr) before each unexpected verdict and the skip
 * reasons with their counts.
 */
static enum st_status kst_parse(struct kst *k, int status)
{
	char line[1024], run[1024] = "", name[2100], ctx[4][256] = {};
	unsigned int n = 0, bad = 0, ok_n = 0, skip_n = 0, nctx = 0, i;
	unsigned int not_ok = 0, bail = 0;
	int plan = -1;
	bool ours = st_vswap_available() && st_vswap_enabled();
	const char *todo = NULL;
	struct kst_skips sk = {};
	FILE *f = fopen(KST_OUT, "r");

	if (!f) {
		st_log("%s: %s", KST_OUT, strerror(errno));
		return ST_FAIL;
	}
	while (fgets(line, sizeof(line), f)) {
		char *msg, *dir;
		bool ok;

		line[strcspn(line, "\n")] = '\0';
		/*
		 * A message printed with no newline ends up before the result
		 * (6.12's test_zswap: "# zswpwb_after is 0 ...not ok 4 ..."):
		 * keep it as context, read the result after it
		 */
		if (line[0] == '#') {
			char *r = strstr(line, "not ok ");

			if (!r)
				r = strstr(line, "ok ");
			/* glued to the message: not a nested "# ok N" */
			if (r && r > line + 2 && !isspace((unsigned char)r[-1]) &&
			    isdigit((unsigned char)r[r[0] == 'n' ? 7 : 3])) {
				snprintf(ctx[nctx++ % 4], sizeof(ctx[0]), "%.*s",
					 (int)(r - line), line);
				memmove(line, r, strlen(r) + 1);
			}
		}
		if (plan < 0 && sscanf(line, "1..%d", &plan) == 1)
			continue;
		if (strstr(line, "Bail out!")) {
			bail++;
			st_log("%s", line);
		}
		if (!strncmp(line, "# [RUN] ", 8)) {
			snprintf(run, sizeof(run), "%s", line + 8);
			nctx = 0;
			continue;
		}
		if (!strncmp(line, "ok ", 3)) {
			ok = true;
			msg = line + 3;
		} else if (!strncmp(line, "not ok ", 7)) {
			ok = false;
			msg = line + 7;
			not_ok++;
		} else {
			/* comments and stderr: what led to the next result */
			if (line[0])
				snprintf(ctx[nctx++ % 4], sizeof(ctx[0]), "%.250s", line);
			continue;
		}
		msg += strspn(msg, "0123456789");
		msg += strspn(msg, " ");
		dir = strstr(msg, "# ");
		if (dir) {
			*dir = '\0';
			dir += 2;
		}
		for (i = strlen(msg); i && msg[i - 1] == ' '; i--)
			msg[i - 1] = '\0';
		snprintf(name, sizeof(name), "%s%s%s", run, run[0] && msg[0] ? ": " : "", msg);
		n++;
		if (dir && !strncmp(dir, "SKIP", 4)) {
			skip_n++;
			kst_skip_note(&sk, dir);
		} else if (ok) {
			ok_n++;
		}
		if (!kst_judge(k, name, ok, dir, ours, &todo)) {
			bad++;
			for (i = nctx > 4 ? nctx - 4 : 0; i < nctx; i++)
				st_log("    %s", ctx[i % 4]);
		}
		run[0] = '\0';
		nctx = 0;
	}
	fclose(f);
	for (i = 0; i < sk.nr; i++)
		st_log("%u x %s", sk.count[i], sk.why[i]);
	st_log("%s: %u subtests, %u passed, %u skipped, %u not as expected; exit %d",
	       k->bin, n, ok_n, skip_n, bad, status);
	if (!n) {
		st_log("no TAP result lines: did it run?");
		return ST_FAIL;
	}
	/*
	 * A test that stopped early: fewer results than planned, or bailed.
	 * 6.12's cgroup tests print no plan; their table gives it.
	 */
	if (plan < 0 && k->plan)
		plan = k->plan;
	if (plan != (int)n || bail) {
		st_log("%u results for a plan of %d%s", n, plan,
		       bail ? ", bailed out" : "");
		return ST_FAIL;
	}
	/*
	 * kselftest's exits: 0 pass, 1 fail (then a "not ok" line says
	 * which), 4 all skipped; anything else - a crash - fails
	 */
	if (status != 0 && !(status == 1 && not_ok) && !(status == 4 && skip_n == n)) {
		st_log("exit status %d after %u failed results", status, not_ok);
		return ST_FAIL;
	}
	if (bad)
		return ST_FAIL;
	return todo ? st_todo("differs from stock: %s", todo) : ST_PASS;
}

/* The last lines @k wrote, to show why it failed */
static void kst_tail(void)
{
	st_cmd(NULL, 0, "tail -5 %s | sed 's/^/    /' >&2", KST_OUT);
}

/*
 * Run @k for at most @secs (times the runner's -T), output in KST_OUT.
 * Returns its exit status, or -1 (logged) when it could not run, timed
 * out or was killed by a signal.
 */
static int kst_exec(const struct kst *k, unsigned int secs)
{
	unsigned int limit = secs * st_time_scale();
	double start = st_now();
	int status;

	/* never judge an earlier test's output */
	if (unlink(KST_OUT) && errno != ENOENT) {
		st_log("%s: %s", KST_OUT, strerror(errno));
		return -1;
	}
	/*
	 * Line-buffered: the tests fork, and a child's exit would flush a
	 * copy of the parent's unwritten lines into the file again.
	 */
	status = st_cmd(NULL, 0, "cd %s && timeout -k 10 %u stdbuf -oL -eL %s %s >%s 2>&1",
			k->mounted ? KST_FS_DIR : "/tmp", limit, k->path,
			k->args ? k->args : "", KST_OUT);
	if (status < 0) {
		st_log("cannot run %s (%d)", k->bin, status);
		return -1;
	}
	if (status != 124 && status < 128)
		return status;
	/* timeout(1)'s 124, or 128 + the signal that ended it */
	if (status == 124 || st_now() - start >= limit)
		st_log("%s did not finish in %u s", k->bin, limit);
	else
		st_log("%s killed by signal %d after %.1f s", k->bin,
		       status - 128, st_now() - start);
	kst_tail();
	return -1;
}

/*
 * Run @k; when the only subtests that failed are timing[] ones (a window
 * of wall-clock time a loaded host can miss), run it once more and judge
 * that run.  A bug fails both.
 */
static enum st_status kst_run(struct kst *k, unsigned int secs)
{
	enum st_status st;
	int status, run;

	for (run = 0; run < 2; run++) {
		k->timing_failed = k->other_failed = false;
		status = kst_exec(k, secs);
		st = status < 0 ? ST_FAIL : kst_parse(k, status);
		if (st == ST_PASS || !k->timing_failed || k->other_failed)
			break;
		st_log("only timing-bound subtests failed: running %s again", k->bin);
	}
	return st;
}

/*
 * thp_swap_allocator_test: sum its rounds' whole 64 KiB swap-outs and
 * fallbacks; whole ones must happen and fallbacks stay under the bound.
 */
static enum st_status kst_thp_swap_allocator(struct kst *k, unsigned int secs)
{
	unsigned long whole = 0, split = 0, a, b;
	unsigned int rounds = 0;
	int status = kst_exec(k, secs);
	bool as_stock;
	char line[512];
	FILE *f;

	if (status < 0)
		return ST_FAIL;
	if (status) {
		st_log("%s exited %d", k->bin, status);
		kst_tail();
		return ST_FAIL;
	}
	f = fopen(KST_OUT, "r");
	if (!f)
		return ST_FAIL;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Iteration %*u: swpout inc: %lu, swpout fallback inc: %lu",
			   &a, &b) == 2) {
			whole += a;
			split += b;
			rounds++;
		}
	fclose(f);
	st_log("%u rounds: %lu 64 KiB folios out whole, %lu fell back (%.1f %%)",
	       rounds, whole, split,
	       whole + split ? 100.0 * split / (whole + split) : 0.0);
	ST_FAIL_IF(rounds != 100, "%u rounds reported, not 100", rounds);
	ST_FAIL_IF(!whole && !split, "no 64 KiB folio was swapped out");
	as_stock = whole &&
		   split * 100 <= THP_SWAP_FALLBACK_PCT * (whole + split);
	ST_FAIL_IF(!whole, "no 64 KiB folio was swapped out whole");
	ST_FAIL_IF(!as_stock, "over %u %% of the swap-outs fell back",
		   THP_SWAP_FALLBACK_PCT);
	return ST_PASS;
}

/* ------------------------------------------------------------------------
 * The tests
 */

#define KST_TEST(_name, _desc, _secs, _run, ...)				\
	static struct kst _name##_kst = { __VA_ARGS__ };			\
	static enum st_status _name##_setup(void **ctx)				\
	{									\
		*ctx = &_name##_kst;						\
		return kst_setup(&_name##_kst);					\
	}									\
	static enum st_status _name##_run(void *ctx)				\
	{									\
		return _run(ctx, _secs);					\
	}									\
	static void _name##_cleanup(void *ctx)					\
	{									\
		kst_cleanup(ctx);						\
	}									\
	static struct st_test _name##_test = {					\
		.name = #_name,							\
		.description = _desc,						\
		.setup = _name##_setup,						\
		.run = _name##_run,						\
		.cleanup = _name##_cleanup,					\
		.timeout = (_secs) + 60,					\
	};									\
	REGISTER_ST_TEST(_name##_test)

KST_TEST(kernel_mm_cow,
	 "6.12's mm/cow: COW of anon pages, swapped out, mTHP and THP included",
	 900, kst_run,
	 .bin = "mm_cow", .fail_both = no_known, .fail_ours = no_known,
	 .skip_ok = mm_skips);

KST_TEST(kernel_mm_madv_populate,
	 "6.12's mm/madv_populate: MADV_POPULATE_(READ|WRITE)",
	 300, kst_run,
	 .bin = "mm_madv_populate", .fail_both = no_known,
	 .fail_ours = no_known, .skip_ok = mm_skips);

KST_TEST(kernel_mm_mkdirty,
	 "6.12's mm/mkdirty: no PTE or PMD made dirty behind the owner's back",
	 300, kst_run,
	 .bin = "mm_mkdirty", .fail_both = no_known, .fail_ours = no_known,
	 .skip_ok = mm_skips);

KST_TEST(kernel_cgroup_zswap,
	 "6.12's cgroup/test_zswap: zswap's cgroup accounting, limits, writeback",
	 900, kst_run,
	 .bin = "cgroup_test_zswap", .needs = KST_ZSWAP, .plan = 7,
	 .fail_both = no_known, .timing = zswap_timing,
	 .fail_ours = no_known, .skip_ok = no_known);

KST_TEST(kernel_cgroup_memcontrol,
	 "6.12's cgroup/test_memcontrol: the memory controller, swap included",
	 900, kst_run,
	 .bin = "cgroup_test_memcontrol", .needs = KST_FS, .plan = 14,
	 .fail_both = no_known,
	 .fail_ours = no_known, .flaky_slow = memcontrol_slow,
	 .skip_ok = memcontrol_skips);

KST_TEST(kernel_thp_swap_allocator,
	 "6.12's thp_swap_allocator_test: 64 KiB mTHP swapped out whole",
	 1200, kst_thp_swap_allocator,
	 .bin = "thp_swap_allocator_test", .args = "-s", .needs = KST_MTHP64);
