// SPDX-License-Identifier: GPL-2.0
/*
 * stress: the lifecycle fuzzer.  make stress runs it for MINUTES (10), make
 * check for two minutes.
 *
 * Three groups of cgroups, each a parent with memory.max and a "work"
 * child where memverify runs in a loop (random sizes, fills and orders,
 * some with a forked reader), every byte of every run verified.  Meanwhile
 * a driver picks random operations, one after each 10-100 ms poll of the
 * workloads:
 * attach a policy to a parent, its work cgroup or a child (sx_random,
 * which answers at random - sometimes invalidly - and calls the kfuncs
 * with random arguments, sx_test, or a shipped policy, latency reclaiming
 * ahead of the work cgroup's limit and idle writing back from their
 * timers among them), detach one, remove
 * a pin, mkdir and rmdir child cgroups (with or without a policy), eject
 * everything through sysfs, switch vswap off and on, swapoff and swapon a
 * tier, switch zswap off and on, change memory.max and memory.zswap.max,
 * take a CPU offline and back (each CPU sums backend counts of its own),
 * switch vswap's readahead and readahead_zswap modes (copies zswap kept
 * of pages read ahead, taken over by faults or given up to writeback,
 * under every mode change).
 *
 * Most operations are the driver's own system calls, not commands: on the
 * debug kernel a process costs a third of a second and swapctl attach
 * three seconds (loading and verifying the object).  The policies are
 * loaded once, at setup, and the driver links them itself (an instance
 * then often governs several cgroups at once, through several links:
 * something swapctl never makes); one attach in six and one detach in
 * three still go through swapctl, with random knobs.  An instance ejected
 * is loaded again the next time it is picked.
 *
 * It fails on a bad byte, a workload killed by anything but the OOM
 * killer, a kernel splat in the log, an operation that does not end within
 * STRESS_HANG_S (a monitor thread watches them), a group whose swap
 * charges (memory.swap.current) do not come back within STRESS_UNCHARGE_S
 * of its last run (to what the per-CPU slot caches may hold), a run whose
 * cgroup neither
 * faults nor runs for STRESS_HANG_S or that runs for STRESS_RUN_S (each
 * times the runner's -T), and - outside - on the guest's death.  A policy ejected, an operation
 * refused (EBUSY, ENOMEM...), an OOM kill of a workload that no longer
 * fits are all fine and counted.
 *
 * Seeded: SEED=N replays the same operations in the same order (what the
 * kernel does between them still depends on timing).  STRESS_SECONDS sets
 * the length.  The last line sums it up:
 *   stress: seed=S seconds=T ops=N refused=N ejections=N oom_kills=N
 *           runs=N bytes_verified=N loads=N splats=N
 * and the line before it gives each operation's count and time.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/swap.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "runner.h"
#include "lib/st.h"
#include "lib/sx.h"
#include "lib/vst.h"

#define STRESS_GROUPS		3
#define STRESS_CHILDREN		4	/* children a group may have */
#define STRESS_SECONDS		120	/* make check's run */
#define STRESS_HANG_S		300	/* an operation, or a run without progress */
#define STRESS_RUN_S		1800	/* a run, at most */
#define STRESS_DRAIN_S		1800	/* the last runs, after the operations */
#define STRESS_TIERS		2
#define STRESS_UNCHARGE_S	30	/* swap charges back after the last run */

enum stress_op {
	OP_ATTACH, OP_DETACH, OP_UNPIN, OP_MKDIR, OP_RMDIR, OP_EJECT,
	OP_VSWAP, OP_SWAPOFF, OP_SWAPON, OP_ZSWAP, OP_MAX, OP_ZSWAP_MAX,
	OP_CPU, OP_READAHEAD, NR_STRESS_OPS,
};

static const char *const op_names[NR_STRESS_OPS] = {
	"attach", "detach", "unpin", "mkdir", "rmdir", "eject", "vswap",
	"swapoff", "swapon", "zswap", "max", "zswap_max", "cpu", "readahead",
};

/* How often each is picked, out of the sum */
static const unsigned int op_weight[NR_STRESS_OPS] = {
	[OP_ATTACH] = 20, [OP_DETACH] = 8, [OP_UNPIN] = 5, [OP_MKDIR] = 8,
	[OP_RMDIR] = 8, [OP_EJECT] = 2, [OP_VSWAP] = 3, [OP_SWAPOFF] = 3,
	[OP_SWAPON] = 4, [OP_ZSWAP] = 4, [OP_MAX] = 10, [OP_ZSWAP_MAX] = 5,
	[OP_CPU] = 3, [OP_READAHEAD] = 4,
};

struct stress_group {
	char cg[256];			/* the parent */
	char work[256];			/* parent/work: memverify runs here */
	bool child[STRESS_CHILDREN];	/* parent/cN exists */
	struct vst_proc p;
	bool running;
	double started;
	uint64_t oom_seen;		/* work's memory.events oom_kill */
	uint64_t progress;		/* work's faults and CPU time ... */
	double progressed;		/* ... and when they last moved */
};

struct stress {
	uint64_t seed, rng;
	struct stress_group g[STRESS_GROUPS];
	const char *tier[STRESS_TIERS];
	bool tier_on[STRESS_TIERS];
	int kmsg;
	unsigned long ops[NR_STRESS_OPS], refused[NR_STRESS_OPS];
	double op_s[NR_STRESS_OPS];	/* time spent in each kind */
	unsigned long ejections, oom_kills, runs, splats, loads;
	unsigned long links;		/* attaches made by the driver ... */
	double link_s;			/* ... and their time */
	uint64_t bytes;
};

static struct stress S;
/* st_time_scale(): the runner's -T, for the bounds on how long things take */
static unsigned int scale = 1;

/* The driver's own generator: SEED replays the operations */
static uint32_t rnd(uint32_t n)
{
	uint64_t x = S.rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	S.rng = x;
	return n ? (uint32_t)(x >> 16) % n : 0;
}

/*
 * Kernel messages since the last call: ejections counted, splats counted
 * and logged.
 */
static void stress_kmsg(void)
{
	static const char *const splat[] = {
		"BUG:", "WARNING:", "Oops", "KASAN:", "KFENCE:", "UBSAN:",
		"general protection fault", "possible circular locking",
		"possible recursive locking", "inconsistent lock state",
		"suspicious RCU usage", "blocked for more than", "soft lockup",
		"rcu_sched detected stalls", "rcu_preempt detected stalls",
	};
	char rec[8192];
	unsigned int i;
	ssize_t n;

	for (;;) {
		n = read(S.kmsg, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;
		if (n <= 0)
			break;
		rec[n] = '\0';
		if (strstr(rec, "swap_ext: policy") && strstr(rec, "ejected"))
			S.ejections++;
		for (i = 0; i < sizeof(splat) / sizeof(splat[0]); i++) {
			if (strstr(rec, splat[i])) {
				S.splats++;
				st_log("kernel: %s", strchr(rec, ';') ? strchr(rec, ';') + 1 : rec);
				break;
			}
		}
	}
}

/* --- the operation monitor ---------------------------------------------- */

/*
 * The driver's own system calls cannot run under timeout(1): a thread
 * watches the operation under way, and ends the test when one takes longer
 * than STRESS_HANG_S, after asking the kernel for its blocked tasks.
 */
static pthread_mutex_t op_lock = PTHREAD_MUTEX_INITIALIZER;
static const char *op_name;	/* the operation under way, or NULL ... */
static double op_since;		/* ... and since when; both under op_lock */

static void op_begin(const char *name)
{
	pthread_mutex_lock(&op_lock);
	op_name = name;
	op_since = st_now();
	pthread_mutex_unlock(&op_lock);
}

static void op_end(void)
{
	pthread_mutex_lock(&op_lock);
	op_name = NULL;
	pthread_mutex_unlock(&op_lock);
}

static void *op_monitor(void *arg)
{
	const char *name = NULL;
	double since = 0;
	int fd;

	for (;;) {
		sleep(1);
		pthread_mutex_lock(&op_lock);
		name = op_name;
		since = op_since;
		pthread_mutex_unlock(&op_lock);
		if (name && st_now() - since > STRESS_HANG_S * scale)
			break;
	}
	st_log("HANG: %s did not end in %u s; blocked tasks in the kernel log",
	       name, STRESS_HANG_S * scale);
	fd = open("/proc/sysrq-trigger", O_WRONLY);
	if (fd >= 0) {
		if (write(fd, "w", 1) < 0)
			st_log("sysrq w: %s", strerror(errno));
		close(fd);
	}
	fflush(stdout);
	_exit(1);
	return NULL;
}

/* --- the policies --------------------------------------------------------- */

/* A policy the driver loads once and links to cgroups itself */
struct stress_policy {
	const char *name;		/* build/bpf/@name.bpf.o */
	const char *knobs;		/* "knob=value ...", u32 knobs only */
	struct bpf_object *obj;		/* NULL: not loaded (or ejected) */
	struct bpf_map *ops, *stats;
};

static struct stress_policy pool[] = {
	{ .name = "sx_random", .knobs = "invalid_permille=0 keep_pct=0" },
	{ .name = "sx_random", .knobs = "invalid_permille=1 keep_pct=5" },
	{ .name = "sx_random", .knobs = "invalid_permille=4 keep_pct=9" },
	{ .name = "sx_random", .knobs = "invalid_permille=0 keep_pct=3 error_permille=1" },
	{ .name = "sx_test", .knobs = "" },
	{ .name = "sx_test", .knobs = "promote_on_swapin=1" },
	{ .name = "tiered", .knobs = "" },
	{ .name = "latency", .knobs = "" },
	{ .name = "minimal", .knobs = "" },
	{ .name = "incompressible", .knobs = "" },
	{ .name = "default", .knobs = "" },
};

#define POOL_SIZE	(sizeof(pool) / sizeof(pool[0]))

/* The u32 const volatile @knob of the opened, not yet loaded @obj */
static int pool_knob(struct bpf_object *obj, const char *knob, uint32_t val)
{
	struct bpf_map *ro = bpf_object__find_map_by_name(obj, ".rodata");
	struct btf *btf = bpf_object__btf(obj);
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec;
	size_t size;
	char *data;
	int id, i;

	id = btf ? btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC) : -1;
	data = ro ? bpf_map__initial_value(ro, &size) : NULL;
	if (id < 0 || !data)
		return -ENOENT;
	sec = btf__type_by_id(btf, id);
	vs = btf_var_secinfos(sec);
	for (i = 0; i < btf_vlen(sec); i++, vs++) {
		const char *name = btf__name_by_offset(btf, btf__type_by_id(btf, vs->type)->name_off);

		if (strcmp(name, knob) || vs->size != sizeof(val) ||
		    vs->offset + sizeof(val) > size)
			continue;
		memcpy(data + vs->offset, &val, sizeof(val));
		return 0;
	}
	return -ENOENT;
}

static void pool_unload(struct stress_policy *sp)
{
	bpf_object__close(sp->obj);
	sp->obj = NULL;
}

/* Open @sp's object, set its knobs and load it: a new instance */
static int pool_load(struct stress_policy *sp)
{
	char knobs[128], *k, *eq, *save;
	struct bpf_map *map;
	int err;

	sp->obj = bpf_object__open_file(sx_obj(sp->name), NULL);
	if (!sp->obj) {
		err = -errno;
		st_log("%s: cannot open: %s", sx_obj(sp->name), strerror(-err));
		return err;
	}
	snprintf(knobs, sizeof(knobs), "%s", sp->knobs);
	for (k = strtok_r(knobs, " ", &save); k; k = strtok_r(NULL, " ", &save)) {
		eq = strchr(k, '=');
		if (eq)
			*eq++ = '\0';
		if (!eq || pool_knob(sp->obj, k, strtoul(eq, NULL, 0))) {
			st_log("%s: no u32 knob %s", sp->name, k);
			err = -EINVAL;
			goto fail;
		}
	}
	sp->ops = sp->stats = NULL;
	bpf_object__for_each_map(map, sp->obj) {
		if (bpf_map__type(map) == BPF_MAP_TYPE_STRUCT_OPS)
			sp->ops = map;
		else if (!strcmp(bpf_map__name(map), "stats"))
			sp->stats = map;
	}
	if (!sp->ops || bpf_object__load(sp->obj)) {
		err = sp->ops ? -errno : -ENOENT;
		st_log("%s %s: cannot load: %s", sp->name, sp->knobs, strerror(-err));
		goto fail;
	}
	S.loads++;
	return 0;
fail:
	pool_unload(sp);
	return err;
}

/*
 * Link a policy of the pool to @cg and pin the link where swapctl would,
 * so that swapctl detach and the unpin operation find it: 0 or -errno.
 */
static int pool_attach(const char *cg)
{
	struct stress_policy *sp = &pool[rnd(POOL_SIZE)];
	struct bpf_link *link = NULL;
	char dir[128], pin[160];
	int fd, err = 0, tries;

	fd = open(cg, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (tries = 0; tries < 2 && !link; tries++) {
		if (!sp->obj) {
			err = pool_load(sp);
			if (err)
				break;
		}
		link = bpf_map__attach_struct_ops_cgroup(sp->ops, fd);
		err = link ? 0 : -errno;
		/* ESTALE: this instance was ejected, it is still linked elsewhere */
		if (err == -ESTALE)
			pool_unload(sp);
		else if (err)
			break;
	}
	close(fd);
	if (err)
		return err;

	snprintf(dir, sizeof(dir), SWAP_EXT_PIN_DIR "/%llu",
		 (unsigned long long)sx_cg_id(cg));
	snprintf(pin, sizeof(pin), "%s/link", dir);
	/* a link pinned there before is an ejected policy's */
	if (!mkdir(dir, 0700) || errno == EEXIST)
		unlink(pin);
	if (bpf_link__pin(link, pin)) {
		err = -errno;
		st_log("pin %s: %s", pin, strerror(-err));
	} else if (sp->stats) {
		/* one map, pinned for each cgroup: not bpf_map__pin(), which pins once */
		snprintf(pin, sizeof(pin), "%s/stats", dir);
		unlink(pin);
		bpf_obj_pin(bpf_map__fd(sp->stats), pin);
	}
	/* pinned, the link lives on; if not, this detaches it */
	bpf_link__destroy(link);
	return err;
}

/*
 * Remove the pins of the cgroup with id @id, as swapctl detach or rm -rf
 * would (the link goes with its last pin): 0, or -errno when it had no link.
 */
static int pins_remove(const char *id)
{
	char path[128];
	int ret;

	snprintf(path, sizeof(path), SWAP_EXT_PIN_DIR "/%s/stats", id);
	unlink(path);
	snprintf(path, sizeof(path), SWAP_EXT_PIN_DIR "/%s/link", id);
	ret = unlink(path) ? -errno : 0;
	snprintf(path, sizeof(path), SWAP_EXT_PIN_DIR "/%s", id);
	rmdir(path);
	return ret;
}

static int pool_detach(const char *cg)
{
	char id[24];

	snprintf(id, sizeof(id), "%llu", (unsigned long long)sx_cg_id(cg));
	return pins_remove(id);
}

/* Load the pool; bpffs mounted for the pins */
static int pool_setup(void)
{
	unsigned int i;

	if (st_cmd(NULL, 0, "mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf") ||
	    (mkdir(SWAP_EXT_PIN_DIR, 0700) && errno != EEXIST)) {
		st_log("no bpffs at /sys/fs/bpf");
		return -1;
	}
	for (i = 0; i < POOL_SIZE; i++)
		if (pool_load(&pool[i]))
			return -1;
	return 0;
}

/* --- the workloads ------------------------------------------------------ */

/*
 * What moves while a run makes progress, however slowly: the work
 * cgroup's faults and CPU time (cpu.stat is there without the cpu
 * controller), forked readers included.
 */
static uint64_t work_progress(const struct stress_group *g)
{
	uint64_t faults = 0, major = 0, usec = 0;

	st_cg_key(g->work, "memory.stat", "pgfault", &faults);
	st_cg_key(g->work, "memory.stat", "pgmajfault", &major);
	st_cg_key(g->work, "cpu.stat", "usage_usec", &usec);
	return faults + major + usec;
}

static int work_start(struct stress_group *g)
{
	static const char *const fills[] = {
		"random", "compressible", "mixed", "sparse", "varied", "zero", "same",
	};
	struct vst_argv av;

	if (st_cg_key(g->work, "memory.events", "oom_kill", &g->oom_seen))
		return -1;
	if (vst_spawn(&g->p, g->work,
		      vst_argv(&av, "memverify", "-s %u -p %u -f %s%s%s",
			       24 + rnd(72), 1 + rnd(3), fills[rnd(7)],
			       rnd(3) ? "" : " -r", rnd(4) ? "" : " -F")))
		return -1;
	g->running = true;
	g->started = st_now();
	g->progressed = g->started;
	g->progress = work_progress(g);
	return 0;
}

/* A run ended: 0 when that is fine (verified, or OOM-killed) */
static int work_ended(struct stress_group *g)
{
	uint64_t bytes = 0, oom = 0;
	int status;

	status = vst_reap(&g->p);
	g->running = false;
	S.runs++;
	if (status == 0) {
		if (vst_out_u64(&g->p, "bytes_verified", &bytes))
			S.bytes += bytes;
		return 0;
	}
	/* killed, or (2) its forked reader was: by the OOM killer is fine */
	if ((status == -1 || status == 2) &&
	    !st_cg_key(g->work, "memory.events", "oom_kill", &oom) &&
	    oom > g->oom_seen) {
		S.oom_kills++;
		return 0;
	}
	st_log("%s: memverify failed (%d): %s", g->work, status,
	       status == 1 ? "bad bytes" : "killed, not by the OOM killer");
	return -1;
}

/* Poll the workloads for @ms; -1 on a failed or hung run */
static int work_poll(int ms, bool restart)
{
	unsigned int i;

	for (i = 0; i < STRESS_GROUPS; i++) {
		struct stress_group *g = &S.g[i];

		if (!g->running) {
			if (restart && work_start(g))
				return -1;
			continue;
		}
		vst_poll(&g->p, ms / STRESS_GROUPS);
		if (vst_exited(&g->p)) {
			if (work_ended(g))
				return -1;
			if (restart && work_start(g))
				return -1;
		} else {
			uint64_t p = work_progress(g);
			double t = st_now();

			if (p != g->progress) {
				g->progress = p;
				g->progressed = t;
			}
			if (t - g->progressed > STRESS_HANG_S * scale) {
				st_log("HANG: memverify in %s: no fault and no CPU time for %u s",
				       g->work, STRESS_HANG_S * scale);
				return -1;
			}
			if (t - g->started > STRESS_RUN_S * scale) {
				st_log("HANG: memverify in %s runs for %u s", g->work,
				       STRESS_RUN_S * scale);
				return -1;
			}
		}
	}
	return 0;
}

/* --- the operations ----------------------------------------------------- */

/* A random cgroup of a group: the parent, work, or an existing child */
static void pick_cg(char *buf, size_t len, bool children_only)
{
	struct stress_group *g = &S.g[rnd(STRESS_GROUPS)];
	unsigned int c = rnd(STRESS_CHILDREN);

	if (children_only || (rnd(3) == 0 && g->child[c]))
		snprintf(buf, len, "%s/c%u", g->cg, c);
	else
		snprintf(buf, len, "%s", rnd(2) ? g->cg : g->work);
}

static int op_attach(void)
{
	static const char *const shipped[] = {
		"tiered", "latency", "minimal", "incompressible", "default",
	};
	char cg[300], knobs[128], out[1024];
	unsigned int r = rnd(10);

	pick_cg(cg, sizeof(cg), false);
	if (rnd(6)) {
		double t = st_now();
		int ret = pool_attach(cg);

		S.links++;
		S.link_s += st_now() - t;
		return ret;
	}
	if (r < 6) {
		snprintf(knobs, sizeof(knobs), "-s invalid_permille=%u -s keep_pct=%u%s",
			 rnd(4) ? rnd(5) : 0, rnd(10), rnd(20) ? "" : " -s error_permille=1");
		return sx_attach_obj(cg, sx_obj("sx_random"), knobs, out, sizeof(out));
	}
	if (r < 7)
		return sx_attach_obj(cg, sx_obj("sx_test"), rnd(2) ? "-s promote_on_swapin=1" : "",
				     out, sizeof(out));
	/* policies with a timer and sleepable work: reclaim and writeback */
	if (r < 8) {
		const char *name = rnd(2) ? "latency" : "idle";
		char k[400];

		/* a work cgroup, under @cg or not (then the kfunc says -EPERM) */
		if (name[0] == 'l')
			snprintf(k, sizeof(k), "-s protect=%s -s headroom_kib=%u -s reclaim_ms=%u",
				 S.g[rnd(STRESS_GROUPS)].work, 256 << rnd(4), 1 + rnd(5));
		else
			snprintf(k, sizeof(k), "-s period_ms=%u -s idle_ms=%u -s batch=%u",
				 10 + rnd(50), rnd(200), 1 + rnd(1024));
		return sx_attach_obj(cg, sx_obj(name), k, out, sizeof(out));
	}
	return sx_attach_obj(cg, sx_obj(shipped[rnd(5)]), "", out, sizeof(out));
}

/* Remove the pins of a random cgroup that has some */
static int op_unpin(void)
{
	char names[64][32];
	struct dirent *de;
	int n = 0;
	DIR *d;

	d = opendir(SWAP_EXT_PIN_DIR);
	if (!d)
		return -1;
	/* the pins are named by cgroup id: digits */
	while ((de = readdir(d)) && n < 64)
		if (de->d_name[0] != '.' && strlen(de->d_name) < sizeof(names[0]))
			memcpy(names[n++], de->d_name, strlen(de->d_name) + 1);
	closedir(d);
	return n ? pins_remove(names[rnd(n)]) : -1;
}

static int op_mkdir(void)
{
	struct stress_group *g = &S.g[rnd(STRESS_GROUPS)];
	unsigned int c = rnd(STRESS_CHILDREN);
	char path[300];

	snprintf(path, sizeof(path), "%s/c%u", g->cg, c);
	if (mkdir(path, 0755))
		return -1;
	g->child[c] = true;
	if (rnd(2))
		st_cg_write(path, "memory.max", "%uM", 16 + rnd(64));
	return 0;
}

static int op_rmdir(void)
{
	struct stress_group *g = &S.g[rnd(STRESS_GROUPS)];
	unsigned int c = rnd(STRESS_CHILDREN);
	char path[300];

	snprintf(path, sizeof(path), "%s/c%u", g->cg, c);
	if (rmdir(path))
		return -1;
	g->child[c] = false;
	return 0;
}

/*
 * Swap tier @t on (priority 10, 5, ...) or off, unless it is already:
 * swapoff leaves the signature mkswap wrote at setup.
 */
static int tier_set(unsigned int t, bool on)
{
	int prio = SWAP_FLAG_PREFER | ((10 - 5 * t) << SWAP_FLAG_PRIO_SHIFT);
	int ret;

	if (!S.tier[t] || S.tier_on[t] == on)
		return -1;
	ret = on ? swapon(S.tier[t], prio) : swapoff(S.tier[t]);
	if (!ret)
		S.tier_on[t] = on;
	return ret ? -errno : 0;
}

static int op_tier(bool on)
{
	return tier_set(rnd(STRESS_TIERS), on);
}

/*
 * Take the last CPU offline, or bring it back: a dead CPU's backend sums
 * are passed on for it.  Refused (-1) on a machine with no CPU to spare.
 */
static int op_cpu(void)
{
	char path[64], buf[8];
	int cpu = sysconf(_SC_NPROCESSORS_CONF) - 1;

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", cpu);
	if (cpu < 1 || st_read(path, buf, sizeof(buf)) <= 0)
		return -1;
	return vst_try_write(path, buf[0] == '0' ? "1" : "0");
}

/* vswap's readahead modes at setup, put back when the storm calms */
static char ra_saved[16], raz_saved[16];
static const char *const ra_modes[] = { "all", "disk", "tiers" };
static const char *const raz_modes[] = { "take", "keep", "always" };
#define NR_RA_MODES	(sizeof(ra_modes) / sizeof(ra_modes[0]))
#define NR_RAZ_MODES	(sizeof(raz_modes) / sizeof(raz_modes[0]))

/* A readahead mode, or what zswap does with the pages it reads, at random */
static int op_readahead(void)
{
	if (rnd(2))
		return vst_try_write(VSWAP_READAHEAD, ra_modes[rnd(NR_RA_MODES)]);
	return vst_try_write(VSWAP_RA_ZSWAP, raz_modes[rnd(NR_RAZ_MODES)]);
}

static void readahead_restore(void)
{
	if (ra_saved[0])
		vst_try_write(VSWAP_READAHEAD, ra_saved);
	if (raz_saved[0])
		vst_try_write(VSWAP_RA_ZSWAP, raz_saved);
}

static int stress_op(enum stress_op op)
{
	struct stress_group *g = &S.g[rnd(STRESS_GROUPS)];
	char cg[300];

	switch (op) {
	case OP_ATTACH:
		return op_attach();
	case OP_DETACH:
		pick_cg(cg, sizeof(cg), false);
		return rnd(3) ? pool_detach(cg) : sx_detach(cg);
	case OP_UNPIN:
		return op_unpin();
	case OP_MKDIR:
		return op_mkdir();
	case OP_RMDIR:
		return op_rmdir();
	case OP_EJECT:
		return vst_try_write("/sys/kernel/mm/swap_ext/eject", "1");
	case OP_VSWAP:
		/* switching off swaps the virtual device off: it may take long */
		return vst_try_write("/sys/kernel/mm/vswap/enabled", rnd(2) ? "1" : "0");
	case OP_SWAPOFF:
		return op_tier(false);
	case OP_SWAPON:
		return op_tier(true);
	case OP_ZSWAP:
		return vst_try_write("/sys/module/zswap/parameters/enabled",
				     rnd(3) ? "Y" : "N");
	case OP_MAX:
		return st_cg_write(rnd(2) ? g->cg : g->work, "memory.max", "%uM", 24 + rnd(72));
	case OP_ZSWAP_MAX:
		return rnd(3) ? st_cg_write(g->work, "memory.zswap.max", "%uM", 1 + rnd(16)) :
				st_cg_write(g->work, "memory.zswap.max", "max");
	case OP_CPU:
		return op_cpu();
	case OP_READAHEAD:
		return op_readahead();
	default:
		return -1;
	}
}

static enum stress_op stress_pick(void)
{
	unsigned int sum = 0, r, i;

	for (i = 0; i < NR_STRESS_OPS; i++)
		sum += op_weight[i];
	r = rnd(sum);
	for (i = 0; i < NR_STRESS_OPS; i++) {
		if (r < op_weight[i])
			return i;
		r -= op_weight[i];
	}
	return OP_MAX;
}

/* --- the test ----------------------------------------------------------- */

static enum st_status stress_setup(void **ctx)
{
	pthread_t monitor;
	const char *seed = getenv("SEED");
	unsigned int i;
	char name[32];

	if (!st_swap_ext_available() || !st_vswap_available())
		return st_skip("kernel without vswap and swap_ext");
	if (access(sx_swapctl(), X_OK) || access(sx_obj("sx_random"), R_OK))
		return st_skip("no swapctl or sx_random.bpf.o: run make first");
	memset(&S, 0, sizeof(S));
	scale = st_time_scale();
	S.seed = seed ? strtoull(seed, NULL, 0) : 1;
	S.rng = S.seed * 0x9e3779b97f4a7c15ULL ?: 1;
	S.kmsg = -1;

	for (i = 0; i < STRESS_TIERS; i++) {
		S.tier[i] = st_disk(i);
		if (S.tier[i] && !st_swapon(S.tier[i], 10 - 5 * i))
			S.tier_on[i] = true;
	}
	if (st_zswap_available())
		st_zswap_set("enabled", "Y");
	ra_saved[0] = raz_saved[0] = 0;
	if (st_read(VSWAP_READAHEAD, ra_saved, sizeof(ra_saved)) <= 0 ||
	    st_read(VSWAP_RA_ZSWAP, raz_saved, sizeof(raz_saved)) <= 0)
		return ST_FAIL;
	for (i = 0; i < STRESS_GROUPS; i++) {
		struct stress_group *g = &S.g[i];

		snprintf(name, sizeof(name), "stress%u", i);
		g->p.fd = -1;
		if (st_cg_create(name, g->cg, sizeof(g->cg)) ||
		    st_cg_write(g->cg, "cgroup.subtree_control", "+memory") ||
		    st_cg_write(g->cg, "memory.max", "%uM", 40 + 8 * i))
			return ST_FAIL;
		snprintf(g->work, sizeof(g->work), "%s/work", g->cg);
		if (mkdir(g->work, 0755) && errno != EEXIST)
			return ST_FAIL;
	}
	S.kmsg = vst_kmsg_open();
	if (S.kmsg < 0 || pool_setup())
		return ST_FAIL;
	if (pthread_create(&monitor, NULL, op_monitor, NULL)) {
		st_log("pthread_create: %s", strerror(errno));
		return ST_FAIL;
	}
	return ST_PASS;
}

/* Back to a state where every run can finish: no policy, all on */
static void stress_calm(void)
{
	unsigned int i;

	op_begin("calm");
	st_cpus_online();
	vst_try_write("/sys/kernel/mm/swap_ext/eject", "1");
	vst_try_write("/sys/kernel/mm/vswap/enabled", "1");
	vst_try_write("/sys/module/zswap/parameters/enabled", "Y");
	readahead_restore();
	for (i = 0; i < STRESS_TIERS; i++)
		tier_set(i, true);
	for (i = 0; i < STRESS_GROUPS; i++) {
		st_cg_write(S.g[i].cg, "memory.max", "max");
		st_cg_write(S.g[i].work, "memory.max", "max");
		st_cg_write(S.g[i].work, "memory.zswap.max", "max");
	}
	op_end();
}

/*
 * Nothing runs any more: every group's swap charges must come back (a
 * charge recorded where its uncharge cannot find it would stay).  Swap
 * cache folios of exited runs keep their slots until reclaimed: reclaim
 * asks for them.  0, or -1 when a group stays charged.
 */
static int stress_uncharged(void)
{
	double until = st_now() + STRESS_UNCHARGE_S * scale, left;
	char line[256];
	int i, len = 0, ret = 0;
	uint64_t cur;

	for (i = 0; i < STRESS_GROUPS; i++) {
		left = until - st_now();
		switch (vst_wait_uncharged(S.g[i].cg, left > 0 ? left * 1000 : 0, true, &cur)) {
		case 0:
			break;
		case -ETIMEDOUT:
			st_log("%s: memory.swap.current %lu kB %u s after its last run (allowed %lu kB)",
			       S.g[i].cg, cur / 1024, STRESS_UNCHARGE_S * scale,
			       vst_swap_linger() / 1024);
			ret = -1;
			break;
		default:
			cur = 0;	/* no swap accounting here */
		}
		len += snprintf(line + len, sizeof(line) - len, "%s%lu", i ? ", " : "",
				cur / 1024);
	}
	st_log("swap charges after the last runs: %s kB", line);
	return ret;
}

static enum st_status stress_run(void *arg)
{
	const char *secs = getenv("STRESS_SECONDS");
	double t0 = st_now(), end, drain;
	unsigned long total = 0, refused = 0;
	char line[1024];
	int len = 0, i;
	bool failed = false;

	end = t0 + (secs ? strtoul(secs, NULL, 10) : STRESS_SECONDS);
	st_log("stress: seed=%lu for %.0f s", (unsigned long)S.seed, end - t0);

	while (st_now() < end && !failed) {
		enum stress_op op = stress_pick();
		double t;
		int ret;

		if (work_poll(10 + rnd(90), true)) {
			failed = true;
			break;
		}
		op_begin(op_names[op]);
		t = st_now();
		ret = stress_op(op);
		S.op_s[op] += st_now() - t;
		op_end();
		S.ops[op]++;
		if (ret)
			S.refused[op]++;
		stress_kmsg();
		if (S.splats)
			failed = true;
	}

	/* let every run end, with nothing in its way */
	stress_calm();
	drain = st_now() + STRESS_DRAIN_S * scale;
	while (!failed) {
		bool any = false;

		if (work_poll(200, false)) {
			failed = true;
			break;
		}
		for (i = 0; i < STRESS_GROUPS; i++)
			any |= S.g[i].running;
		if (!any)
			break;
		if (st_now() > drain) {
			st_log("HANG: runs still going %u s after the last operation",
			       STRESS_DRAIN_S * scale);
			failed = true;
		}
	}
	for (i = 0; i < STRESS_GROUPS; i++)
		if (S.g[i].running) {
			kill(S.g[i].p.pid, SIGKILL);
			vst_reap(&S.g[i].p);
		}
	if (!failed && stress_uncharged())
		failed = true;
	stress_kmsg();

	for (i = 0; i < NR_STRESS_OPS; i++) {
		total += S.ops[i];
		refused += S.refused[i];
		len += snprintf(line + len, sizeof(line) - len, " %s=%lu/%lu/%.0fs",
				op_names[i], S.ops[i] - S.refused[i], S.ops[i], S.op_s[i]);
	}
	st_log("ops (done/tried/time):%s", line);
	st_log("attaches by the driver: %lu in %.1f s, the rest by swapctl", S.links, S.link_s);
	st_log("stress: seed=%lu seconds=%.0f ops=%lu refused=%lu ejections=%lu oom_kills=%lu runs=%lu bytes_verified=%llu loads=%lu splats=%lu",
	       (unsigned long)S.seed, st_now() - t0, total, refused, S.ejections, S.oom_kills,
	       S.runs, (unsigned long long)S.bytes, S.loads, S.splats);
	ST_FAIL_IF(S.splats, "%lu kernel splats", S.splats);
	ST_FAIL_IF(failed, "failed at seed %lu (see above)", (unsigned long)S.seed);
	ST_FAIL_IF(!S.runs, "no workload run finished");
	return ST_PASS;
}

static void stress_cleanup(void *ctx)
{
	unsigned int i;

	for (i = 0; i < STRESS_GROUPS; i++)
		if (S.g[i].running) {
			kill(S.g[i].p.pid, SIGKILL);
			vst_reap(&S.g[i].p);
		}
	if (S.kmsg >= 0)
		close(S.kmsg);
	readahead_restore();
	for (i = 0; i < POOL_SIZE; i++)
		pool_unload(&pool[i]);
}

static struct st_test stress = {
	.name = "stress",
	.description = "lifecycle fuzzer: random policies and operations under verified load",
	.setup = stress_setup,
	.run = stress_run,
	.cleanup = stress_cleanup,
	.timeout = STRESS_SECONDS + STRESS_DRAIN_S + 300,
};
REGISTER_ST_TEST(stress);

/* make stress sets STRESS_SECONDS: the timeout follows */
__attribute__((constructor(200))) static void stress_timeout(void)
{
	const char *secs = getenv("STRESS_SECONDS");

	if (secs)
		stress.timeout = strtoul(secs, NULL, 10) + STRESS_DRAIN_S + 300;
}
