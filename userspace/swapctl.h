/* SPDX-License-Identifier: GPL-2.0 */
/*
 * swapctl's shared parts: swapctl.c has the helpers, the JSON writer and
 * the commands list, attach, detach, status, stats and tiers; export.c
 * the Prometheus export; apply.c the configuration file.
 */
#ifndef __SWAPCTL_H
#define __SWAPCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <linux/types.h>

struct bpf_object;
struct bpf_map;
struct btf_type;

#define CGROUP_ROOT	"/sys/fs/cgroup"
#define BPFFS		"/sys/fs/bpf"
#define PIN_ROOT	BPFFS "/swap_ext"
#define SWAP_EXT_SYSFS	"/sys/kernel/mm/swap_ext"
#define VSWAP_SYSFS	"/sys/kernel/mm/vswap"
#define POLICY_FILE	"memory.swap.policy"
#define EXP_FILE	"swapctl.prom"	/* export --textfile's file */
#define OPS_VALUE_TYPE	"bpf_struct_ops_swap_ext_ops"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define MAX_OPS		16
#define MAX_LINKS	64

struct policy {
	__u32 map_id;			/* the struct_ops map */
	char name[32];			/* swap_ext_ops.name */
	int nr_ops;
	char ops[MAX_OPS][32];		/* the ops it implements */
	__u32 stats_id;			/* its map called "stats", or 0 */
	__u32 prog_id;			/* the program of its first op */
	int nr_links;
	unsigned long long cgroups[MAX_LINKS];	/* its links' cgroups */
	char state[16];			/* active, ejected; "" if detached */
	char counters[1024];		/* the kernel's "key=value ..." */
};

/* The backends, in memory.stat's order: zero, zswap, tier, memory */
#define NR_BACKENDS	4
extern const char *const backend_names[NR_BACKENDS];

extern bool verbose;		/* -v */
extern bool json;		/* -j */

/* "swapctl: [err_where: ]message" on stderr */
extern const char *err_where;
void err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The JSON writer: a document of nested objects and arrays on stdout */
void jw_open(char c);
void jw_close(char c);
void jw_string(const char *s);
void jw_key(const char *k);
void jw_bool(bool v);
void jw_kv_str(const char *k, const char *v);
void jw_kv_u64(const char *k, unsigned long long v);
void jw_s64(long long v);

/* Read @path into @buf, NUL-terminated: length, or -1 with errno */
ssize_t read_file(const char *path, char *buf, size_t len);
/* The number in file @dir/@name: whether there was one */
bool read_u64_in(const char *dir, const char *name, unsigned long long *v);
/* The values of the "key value" lines of @path whose keys are in @keys */
int read_keys(const char *path, const char *const *keys,
	      unsigned long long *vals, size_t n);

/* One line of VSWAP_SYSFS/tiers */
struct tier_line {
	int type, prio;
	unsigned long long slots, used, backing;
	char dev[256];
};
/* Parse a line of the tiers file, header excluded: whether it was one */
bool tier_line_parse(const char *line, struct tier_line *t);

/* Cgroups: @arg as a path; a path as the name users see ("/", "/a/b") */
void cgroup_path(const char *arg, char *path, size_t len);
const char *cgroup_name(const char *path);
int cgroup_open(const char *arg, unsigned long long *id, char *path,
		size_t len, bool need_memcg);

/* Every cgroup, by cg_walk() (once; cg_rewalk() again): -1 if incomplete */
struct cg_ent {
	unsigned long long id;
	char *path;
};
extern struct cg_ent *cgs;
extern size_t nr_cgs;
int cg_walk(void);
int cg_rewalk(void);
const char *cg_path_of(unsigned long long id);

/* PIN_ROOT/<id>, and bpffs with PIN_ROOT made */
void pin_dir(unsigned long long id, char *buf, size_t len);
int pin_root(void);

/* The loaded policies, by policies_load() (policies_free() forgets them) */
extern struct policy *policies;
extern int nr_policies;
int policies_load(void);
void policies_free(void);
struct policy *policy_by_map(__u32 map_id);
/* @fn(@ctx, member, sum) for each u64 member of @p's stats map */
int stats_each(const struct policy *p, bool quiet,
	       void (*fn)(void *ctx, const char *name, unsigned long long sum),
	       void *ctx);

/* Policy objects: find, open with knobs, load and attach; .rodata */
int rodata_of(struct bpf_object *obj, struct bpf_map **map,
	      const struct btf_type **sec);
int policy_path(const char *policy, char *buf, size_t len);
struct bpf_object *policy_open(const char *path, const char *const *names,
			       const char *const *values, int n);
int policy_load(struct bpf_object *obj, const char *path);
/* Remove a pin directory's stats and async_* pins (not the link), and it */
void pin_dir_remove(const char *dir);
/* Store @v in the integer of @size bytes at @p: 0, or -1 for a bad size */
int store_int(void *p, int size, long long v);
/* A command's -s KNOB=VALUE options: how many, -2 usage error, -1 error */
int knob_args(int argc, char **argv, const char **names, const char **values,
	      int max);
/* A knob's VALUE: a number, a verdict or tier name, a cgroup (its id) */
int knob_value(const char *name, const char *val, long long *v);
int policy_link(struct bpf_object *obj, int cgfd, const char *cgpath,
		unsigned long long id, char *policy, size_t len);

int cmd_export(int argc, char **argv);
int cmd_apply(int argc, char **argv);
int cmd_run(int argc, char **argv);

#endif /* __SWAPCTL_H */
