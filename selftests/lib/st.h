/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the selftests: files, cgroups, swap devices, commands.
 * Functions returning int return 0 or a negative errno and log the error.
 */
#ifndef __SWAPEXT_ST_H
#define __SWAPEXT_ST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Every test cgroup lives below this one; st_env_reset() removes it. */
#define ST_CG_ROOT	"/sys/fs/cgroup/swapext-test"
/* Every pin a test makes lives below this directory. */
#define ST_BPF_DIR	"/sys/fs/bpf/swapext-test"

#define KiB		1024ULL
#define MiB		(1024 * KiB)

/* Put the machine back as it booted: no swap, zswap off, no test cgroups. */
int st_env_reset(void);
/* Bring every offline CPU back online (st_env_reset() does too). */
int st_cpus_online(void);

/* CLOCK_MONOTONIC in seconds */
double st_now(void);
/*
 * The runner's -T: what a test multiplies its own bounds on how long work
 * may take by (debug kernels run 10-30x slower); 1 by default.
 */
unsigned int st_time_scale(void);

/* Files */
int st_write(const char *path, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
ssize_t st_read(const char *path, char *buf, size_t len);
int st_read_u64(const char *path, uint64_t *val);
/* Value of "KEY VALUE" in a flat keyed file (memory.stat, /proc/vmstat). */
int st_read_key(const char *path, const char *key, uint64_t *val);
/* The selected word of a sysfs choice ("always [madvise] never") in @buf. */
int st_read_choice(const char *path, char *buf, size_t len);
uint64_t st_vmstat(const char *key);

/* Paths of the project's build outputs, found from the runner's own path. */
const char *st_build_dir(void);
/* Absolute path of build/@sub/@name, written to @buf; returns @buf. */
char *st_build_path(char *buf, size_t len, const char *sub, const char *name);

/* Commands: run through sh -c, output to @out (NUL-terminated) if given. */
int st_cmd(char *out, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* cgroup v2 */
int st_cg_create(const char *name, char *path, size_t len);
int st_cg_write(const char *cg, const char *file, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int st_cg_key(const char *cg, const char *file, const char *key, uint64_t *val);
int st_cg_u64(const char *cg, const char *file, uint64_t *val);
/*
 * Run @argv in cgroup @cg and wait: its exit status, or -1 if it died.
 * Its output is logged as TAP comments.
 */
int st_cg_run(const char *cg, char *const argv[]);
/* Start argv in cgroup @cg, its stdout and stderr on *@fd; its pid or -1 */
pid_t st_cg_spawn(const char *cg, char *const argv[], int *fd);

/*
 * Run build/selftests/memverify in @cg: @mib MiB, @passes generations of
 * @fill pages, extra flags @flags ("" or e.g. "-r").  Its exit status:
 * 0 when every byte read back was right, 1 when a page was wrong.
 */
int st_memverify(const char *cg, unsigned int mib, unsigned int passes,
		 const char *fill, const char *flags);

/* Swap devices: the test VM's virtio disks are /dev/vda, /dev/vdb, ... */
const char *st_disk(int idx);
int st_swapon(const char *dev, int prio);
int st_swapoff_all(void);
/* queue/rotational of /dev/NAME @dev (read at swapon), or -1 */
int st_rotational(const char *dev);
/* Set it to @rot and check it took. */
int st_set_rotational(const char *dev, int rot);

/* zswap module parameters */
/* vswap: /sys/kernel/mm/vswap */
#define VSWAP_DIR	"/sys/kernel/mm/vswap"
#define VSWAP_READAHEAD	VSWAP_DIR "/readahead"
#define VSWAP_RA_ZSWAP	VSWAP_DIR "/readahead_zswap"
#define SWAP_EXT_DIR	"/sys/kernel/mm/swap_ext"
/* where swapctl pins policies' links and stats maps */
#define SWAP_EXT_PIN_DIR	"/sys/fs/bpf/swap_ext"
bool st_vswap_available(void);
/* The kernel has swap_ext (/sys/kernel/mm/swap_ext) */
bool st_swap_ext_available(void);
bool st_vswap_enabled(void);
int st_vswap_stat(const char *key, uint64_t *val);

bool st_zswap_available(void);
int st_zswap_set(const char *param, const char *val);

/* Wait until @dev has no I/O in flight, so its statistics are final. */
int st_blk_settle(const char *dev, unsigned int timeout_ms);
/* Block device write statistics: sectors written, write requests. */
int st_blk_writes(const char *dev, uint64_t *sectors, uint64_t *ios);
/* Block device read statistics: sectors read, read requests. */
int st_blk_reads(const char *dev, uint64_t *sectors, uint64_t *ios);

#endif /* __SWAPEXT_ST_H */
