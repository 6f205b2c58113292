/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the vswap selftests (selftests/tests/vswap*.c): the test
 * environment (cgroup, tiers, zswap), counters and gauges of
 * /proc/vmstat, /sys/kernel/mm/vswap and memory.stat, and workloads run
 * in the background while those are sampled.
 */
#ifndef __SWAPEXT_VST_H
#define __SWAPEXT_VST_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "runner.h"
#include "lib/st.h"

#define VST_PAGE		4096ULL
#define VST_MAX_TIERS		2

/*
 * Pages a test allows to stay behind once its workload has exited: swap
 * cache folios whose read or write was in flight at exit keep their slot
 * until reclaim finds them.
 */
#define VST_LINGER_PAGES	64

/* vst_env_setup() flags */
#define VST_ZSWAP	0x1	/* zswap on, lzo */
#define VST_SSD		0x2	/* tiers' queue/rotational = 0 before swapon */
#define VST_HDD		0x4	/* tiers' queue/rotational = 1 before swapon */
#define VST_STOCK	0x8	/* runs without vswap too: tiers are swap devices */

struct vst_env {
	char cg[256];			/* the workload's cgroup */
	int nr_tiers;
	char tier[VST_MAX_TIERS][32];	/* /dev/vda, /dev/vdb, highest prio first */
	int rot_saved[VST_MAX_TIERS];	/* rotational before the test, or -1 */
	bool zswap;
};

/*
 * Skip unless the kernel has vswap (or VST_STOCK: on any kernel; vswap is
 * then on if the kernel has it) and zswap with VST_ZSWAP, and the VM
 * has @nr_tiers disks; swapon them as tiers (priority 10, 5), create the
 * cgroup @name with memory.max @max_mib and memory.high @high_mib (0: no
 * limit) and an unlimited memory.swap.max.
 */
enum st_status vst_env_setup(struct vst_env *env, const char *name,
			     unsigned int flags, int nr_tiers,
			     unsigned int max_mib, unsigned int high_mib);
/* Put back what vst_env_setup() changed that st_env_reset() does not. */
void vst_env_cleanup(struct vst_env *env);

/* A test's setup() and cleanup() whose context is a struct vst_env */
enum st_status vst_setup(void **ctxp, const char *name, unsigned int flags,
			 int nr_tiers, unsigned int max_mib,
			 unsigned int high_mib);
void vst_cleanup(void *ctx);

/* Write @val to @path: 0 or the negative errno of the write, not logged. */
int vst_try_write(const char *path, const char *val);

/* Events of /proc/vmstat */
enum vst_event {
	VST_SWPOUT_ZERO,
	VST_SWPIN_ZERO,
	VST_ZSWPOUT,
	VST_ZSWPIN,
	VST_ZSWPWB,
	VST_PSWPOUT,
	VST_PSWPIN,
	VST_TIER_ALLOC,
	VST_TIER_FREE,
	VST_MOVE,
	VST_KEEP,
	VST_THP_SWPOUT,
	VST_THP_FALLBACK,
	NR_VST_EVENTS,
};

struct vst_events {
	uint64_t v[NR_VST_EVENTS];
};

void vst_events_read(struct vst_events *e);
/* @d = @b - @a */
void vst_events_sub(struct vst_events *d, const struct vst_events *b,
		    const struct vst_events *a);
void vst_events_log(const char *what, const struct vst_events *d);

/* Gauges: where virtual slots are now */
struct vst_gauges {
	/* /sys/kernel/mm/vswap/stat, pages */
	uint64_t zero, zswap, phys, folio, slots_used;
	/* its metadata: populated clusters, swap_map pages, dynamic_bytes */
	uint64_t clusters, map_pages, dyn_bytes;
	/* the cgroup's memory.stat (bytes) and swap files */
	uint64_t cg_zero, cg_zswap, cg_phys, cg_folio;
	uint64_t cg_swap, cg_zswap_bytes;
	/* /sys/kernel/mm/vswap/tiers, by the index of env->tier[] */
	uint64_t backing[VST_MAX_TIERS], inuse[VST_MAX_TIERS];
	bool listed[VST_MAX_TIERS];
	/* tiers listed that are not env->tier[] */
	int other_tiers;
};

void vst_sample(const struct vst_env *env, struct vst_gauges *g);
/* Raise every field of @max to at least @g's */
void vst_gauges_max(struct vst_gauges *max, const struct vst_gauges *g);
void vst_gauges_log(const char *what, const struct vst_gauges *g);

/*
 * Slots freed go through the per-CPU swap slot caches (64 slots each)
 * before their device's inuse drops, vswap's per-CPU caches of tier slots
 * hold up to 32 each, and its per-CPU batches of freed tier slots 32
 * more: a tier's inuse may stay that much above what it backs for as long
 * as nothing else frees or takes a slot.
 */
uint64_t vst_slot_cache_lag(void);

/*
 * Slots freed that wait in the per-CPU slot caches keep, until their
 * batch goes back, their swap charge (as on stock) and on ours their
 * backend too: a backend figure and a tier slot each (vswap releases a
 * batch's backends with it, patch 0030).
 */
uint64_t vst_freed_lag(void);

/*
 * Pages still held in @g: the cgroup's virtual slots (zero, zswap, phys)
 * and the slots the tiers back, each past the freed slots' lag, and tier
 * slots in use past the slot cache lag.
 */
uint64_t vst_leftover(const struct vst_env *env, const struct vst_gauges *g);

/*
 * Wait up to @ms until nothing is held (vst_leftover() is 0): 0, or
 * -ETIMEDOUT.  @g gets the last sample.
 */
int vst_wait_released(const struct vst_env *env, unsigned int ms,
		      struct vst_gauges *g);

/*
 * Bytes of swap charge a cgroup may keep once nothing of it runs: freed
 * slots wait in the per-CPU slot caches, still charged, until their batch
 * goes back (vst_slot_cache_lag()), and swap cache folios whose I/O was in
 * flight at exit keep theirs (VST_LINGER_PAGES).
 */
uint64_t vst_swap_linger(void);

/*
 * Wait up to @ms until @cg's memory.swap.current is at most
 * vst_swap_linger(): a charge recorded where its uncharge cannot find it
 * would stay.  With @reclaim, memory.reclaim is asked each round for the
 * swap cache folios of exited processes, which keep their slots until
 * reclaimed.  0, -ETIMEDOUT, or the read's error; @cur gets the last value.
 */
int vst_wait_uncharged(const char *cg, unsigned int ms, bool reclaim,
		       uint64_t *cur);

/* One line of /sys/kernel/mm/vswap/tiers */
struct vst_tier {
	int type, prio;
	uint64_t slots, inuse, backing;
	char name[64];
};

/* Parse the tiers file into @t: number of tiers, or a negative errno. */
int vst_tiers(struct vst_tier *t, int max);

/*
 * The line of @dev ("/dev/zram0", a name as /proc/swaps prints it) in
 * /proc/swaps: 1 when found, 0 when not, -errno.  @type may be NULL.
 */
int vst_proc_swaps(const char *dev, char *type, size_t len,
		   uint64_t *size_kib, uint64_t *used_kib);
/* The [vswap] line of /proc/swaps: 1 when found, 0 when not, -errno. */
int vst_proc_swaps_vswap(char *type, size_t len, uint64_t *size_kib,
			 uint64_t *used_kib);

/* A program of build/selftests run in a cgroup, its output captured */
struct vst_argv {
	char bin[4096];
	char buf[512];
	char *argv[32];
};

/* build/selftests/@prog with the blank-separated arguments of @fmt */
char *const *vst_argv(struct vst_argv *a, const char *prog, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

struct vst_proc {
	pid_t pid;
	int fd;
	bool eof;
	char out[16384];	/* everything it printed, truncated */
	size_t len;
	char line[1024];	/* the line being read */
	size_t llen;
};

/* Start @argv in cgroup @cg; its output is logged line by line. */
int vst_spawn(struct vst_proc *p, const char *cg, char *const argv[]);
/* Read its output for up to @ms; false once the output has ended. */
bool vst_poll(struct vst_proc *p, int ms);
/* Has it exited?  (Without reaping it.) */
bool vst_exited(struct vst_proc *p);
/* Wait for it: its exit status, -1 if killed by a signal (logged). */
int vst_reap(struct vst_proc *p);
/* The value of the last "KEY=VALUE" in its output. */
bool vst_out_u64(const struct vst_proc *p, const char *key, uint64_t *val);

/*
 * Run @argv in env->cg; sample every 100 ms into @peak (maxima) if not
 * NULL.  Its exit status, -1 if killed.
 */
int vst_run(const struct vst_env *env, char *const argv[],
	    struct vst_gauges *peak, struct vst_proc *p);

/* A workload run with everything it moved */
struct vst_result {
	int status;			/* exit status, -1 if killed */
	struct vst_events d;		/* events from start to release */
	struct vst_gauges peak;		/* maxima sampled while it ran */
	struct vst_gauges after;	/* once released (or timed out) */
	uint64_t leftover;		/* pages still held after the wait */
	uint64_t sectors, writes;	/* written to env->tier[0] */
};

/*
 * vst_run(), then wait up to 5 s for the cgroup's virtual slots and the
 * tiers to be released; everything is logged.  Returns r->status.
 */
int vst_run_measured(const struct vst_env *env, char *const argv[],
		     struct vst_result *r, struct vst_proc *p);


/*
 * Read @p's output until it has printed @needle @n times (a workload
 * holding its pages out): false if it exited first or 300 s went by.
 */
bool vst_held(struct vst_proc *p, const char *needle, int n);
/* Let a held workload go on (SIGUSR1) and wait for it: its exit status */
int vst_release(struct vst_proc *p);

/*
 * THP knobs a test sets and puts back.  vst_thp_set() writes @val to
 * /sys/kernel/mm/transparent_hugepage/@file, saving the value it had the
 * first time; vst_thp_restore() puts every saved value back, last first.
 */
#define VST_THP_DIR	"/sys/kernel/mm/transparent_hugepage"
struct vst_thp_knobs {
	struct {
		char file[64];
		char val[32];
	} k[12];
	int nr;
};

int vst_thp_set(struct vst_thp_knobs *ks, const char *file, const char *val);
void vst_thp_restore(struct vst_thp_knobs *ks);
/*
 * THP for MADV_HUGEPAGE regions only, in folios of @size ("64kB") only:
 * the other sizes never
 */
int vst_thp_only(struct vst_thp_knobs *ks, const char *size);
/* hugepages-@size/stats/@stat, 0 if it cannot be read */
uint64_t vst_thp_stat(const char *size, const char *stat);

/* Key @key of /sys/kernel/mm/vswap/stat; 0 if it cannot be read */
uint64_t vst_stat(const char *key);

/* Run the caller on CPU @cpu alone: 0, or -1 with errno */
int vst_pin_cpu(int cpu);
/*
 * vst_spawn() with the child on CPU @cpu alone; the caller's own mask is
 * back before this returns.  0, or -errno.
 */
int vst_spawn_on(struct vst_proc *p, const char *cg, char *const argv[], int cpu);

/* /sys/devices/system/cpu/cpuN/online of @cpu, in @buf */
const char *vst_cpu_online_path(char *buf, size_t len, int cpu);
/*
 * The last CPU the caller may run on that can go offline (its online file
 * exists, and it is not the only one), or -1
 */
int vst_hotplug_cpu(void);

/* /dev/kmsg from now on; count messages containing @needle. */
int vst_kmsg_open(void);
unsigned int vst_kmsg_count(int fd, const char *needle);

#endif /* __SWAPEXT_VST_H */
