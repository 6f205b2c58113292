// SPDX-License-Identifier: GPL-2.0
/*
 * swapctl: attach swap_ext policies to cgroups and see what they do.
 *
 *   swapctl [-j] [-v] list
 *   swapctl [-j] [-v] attach [-s KNOB=VALUE]... POLICY CGROUP
 *   swapctl [-j] detach CGROUP
 *   swapctl [-j] status [CGROUP]
 *   swapctl [-j] stats POLICY|CGROUP
 *   swapctl [-j] tiers
 *   swapctl export [--textfile DIR]
 *   swapctl [-j] [-v] apply [-n] [--watch] [--backoff-ms MS] [FILE]
 *   swapctl [-j] [-v] run [-s KNOB=VALUE]... POLICY PROG [FIELD=VALUE]...
 *
 * A policy is a BPF object with a struct swap_ext_ops (bpf-progs/).  attach
 * loads it, attaches it to a cgroup v2 directory with a struct_ops link and
 * pins the link under /sys/fs/bpf/swap_ext/<cgroup id>/, so the policy
 * stays after swapctl exits; detach unpins it, which detaches the policy.
 * Policies attached otherwise (bpftool struct_ops register attaches to the
 * root) are listed too: everything swapctl shows comes from the kernel's
 * BPF objects and the swap_ext, vswap and cgroup files, not from state of
 * its own.
 *
 * export (export.c) prints the same figures as Prometheus metrics (text
 * format 0.0.4); apply (apply.c) attaches what a configuration file says;
 * run (run.c) runs a policy's syscall program once.
 *
 * -j prints JSON, one document per command (not export); errors go to stderr as text
 * with exit status 1 (2 for a usage error) either way.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "swapctl.h"

bool verbose;
bool json;

/* Where an error is, when it is in a file: "FILE:LINE" */
const char *err_where;

void __attribute__((format(printf, 1, 2))) err(const char *fmt, ...)
{
	va_list ap;

	fputs("swapctl: ", stderr);
	if (err_where)
		fprintf(stderr, "%s: ", err_where);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* libbpf's messages: the verifier log with -v, warnings otherwise */
static int print_fn(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG || (level == LIBBPF_INFO && !verbose))
		return 0;
	if (!verbose && level == LIBBPF_WARN && strstr(fmt, "-- BEGIN PROG LOAD LOG"))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* ---------------------------------------------------------------------
 * JSON output: a document built with nested objects and arrays on stdout
 */

static struct {
	int depth;
	bool first[32];		/* nothing written yet at this depth */
	bool key;		/* a key was written, its value comes next */
} jw;

static void jw_sep(void)
{
	if (jw.key) {
		jw.key = false;
		return;
	}
	if (jw.depth && !jw.first[jw.depth])
		putchar(',');
	jw.first[jw.depth] = false;
}

void jw_open(char c)
{
	jw_sep();
	putchar(c);
	jw.first[++jw.depth] = true;
}

void jw_close(char c)
{
	putchar(c);
	if (!--jw.depth)
		putchar('\n');
}

void jw_string(const char *s)
{
	jw_sep();
	putchar('"');
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

void jw_key(const char *k)
{
	jw_string(k);
	putchar(':');
	jw.key = true;
}

static void jw_u64(unsigned long long v)
{
	jw_sep();
	printf("%llu", v);
}

void jw_s64(long long v)
{
	jw_sep();
	printf("%lld", v);
}

void jw_bool(bool v)
{
	jw_sep();
	fputs(v ? "true" : "false", stdout);
}

static void jw_null(void)
{
	jw_sep();
	fputs("null", stdout);
}

void jw_kv_str(const char *k, const char *v)
{
	jw_key(k);
	if (v)
		jw_string(v);
	else
		jw_null();
}

void jw_kv_u64(const char *k, unsigned long long v)
{
	jw_key(k);
	jw_u64(v);
}

/* "k": v, or "k": null without @has */
static void jw_kv_u64_or_null(const char *k, bool has, unsigned long long v)
{
	jw_key(k);
	if (has)
		jw_u64(v);
	else
		jw_null();
}

static void jw_kv_s64(const char *k, long long v)
{
	jw_key(k);
	jw_s64(v);
}

/* ---------------------------------------------------------------------
 * Small helpers: files, sizes
 */

/* Read @path into @buf, NUL-terminated: length, or -1 with errno */
ssize_t read_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

/* The number in file @dir/@name into @v: whether there was one */
bool read_u64_in(const char *dir, const char *name, unsigned long long *v)
{
	char path[PATH_MAX], buf[64];

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path) ||
	    read_file(path, buf, sizeof(buf)) <= 0)
		return false;
	*v = strtoull(buf, NULL, 10);
	return true;
}

/*
 * The "key value" lines of file @path whose keys are in @keys[@n], in one
 * read: each value into @vals at the key's index (others are left as they
 * are).  The number of keys found, or -1 if @path cannot be read.
 */
int read_keys(const char *path, const char *const *keys,
		     unsigned long long *vals, size_t n)
{
	char line[256];
	FILE *f = fopen(path, "r");
	int found = 0;
	size_t i;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		for (i = 0; i < n; i++) {
			size_t klen = strlen(keys[i]);

			if (!strncmp(line, keys[i], klen) && line[klen] == ' ') {
				vals[i] = strtoull(line + klen + 1, NULL, 10);
				found++;
				break;
			}
		}
	}
	fclose(f);
	return found;
}

/*
 * Kernels before December 2026 had a column of the tiers' reverse-map
 * bytes before the device: read both layouts (a device path never
 * parses as a number).
 */
bool tier_line_parse(const char *line, struct tier_line *t)
{
	return sscanf(line, "%d %d %llu %llu %llu %*u %255s", &t->type,
		      &t->prio, &t->slots, &t->used, &t->backing, t->dev) == 6 ||
	       sscanf(line, "%d %d %llu %llu %llu %255s", &t->type,
		      &t->prio, &t->slots, &t->used, &t->backing, t->dev) == 6;
}

/* @bytes for humans: 0, 12K, 3.4M, 1.2G */
static const char *human(unsigned long long bytes, char *buf, size_t len)
{
	static const char units[] = "KMGT";
	double v = bytes;
	int i = -1;

	if (bytes < 1024) {
		snprintf(buf, len, "%llu", bytes);
		return buf;
	}
	while (v >= 1024 && i < 3) {
		v /= 1024;
		i++;
	}
	snprintf(buf, len, v < 10 ? "%.1f%c" : "%.0f%c", v, units[i]);
	return buf;
}

/* Whether capability @cap is in our effective set */
static bool have_cap(unsigned int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};

	if (syscall(SYS_capget, &hdr, data))
		return true;	/* let the kernel say no */
	return data[CAP_TO_INDEX(cap)].effective & CAP_TO_MASK(cap);
}

/* ---------------------------------------------------------------------
 * Cgroups and pins
 */

/* @arg as a cgroup directory path: absolute, or relative to the root */
void cgroup_path(const char *arg, char *path, size_t len)
{
	if (!strcmp(arg, "/") || !strcmp(arg, CGROUP_ROOT))
		snprintf(path, len, "%s", CGROUP_ROOT);
	else if (arg[0] == '/')
		snprintf(path, len, "%s", arg);
	else
		snprintf(path, len, "%s/%s", CGROUP_ROOT, arg);
}

/* "/" for the root, "/a/b" for CGROUP_ROOT/a/b, else @path itself */
const char *cgroup_name(const char *path)
{
	size_t l = strlen(CGROUP_ROOT);

	if (!strncmp(path, CGROUP_ROOT, l) && (!path[l] || path[l] == '/'))
		return path[l] ? path + l : "/";
	return path;
}

/*
 * Open cgroup v2 directory @arg: an fd, its id in @id and its path in
 * @path; or -1, reported.  With @need_memcg, also check that swap_ext
 * exists and the memory controller is on in this cgroup.
 */
int cgroup_open(const char *arg, unsigned long long *id, char *path,
		       size_t len, bool need_memcg)
{
	struct statfs sfs;
	struct stat st;
	int fd;

	cgroup_path(arg, path, len);
	fd = open(path, O_RDONLY | O_DIRECTORY);
	if (fd < 0) {
		if (errno == ENOENT)
			err("cgroup %s does not exist", path);
		else
			err("cgroup %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstatfs(fd, &sfs) || sfs.f_type != CGROUP2_SUPER_MAGIC) {
		if (sfs.f_type == CGROUP_SUPER_MAGIC || sfs.f_type == TMPFS_MAGIC)
			err("%s is cgroup v1: swap_ext needs cgroup v2 (the unified hierarchy)",
			    path);
		else
			err("%s is not a cgroup v2 directory", path);
		close(fd);
		return -1;
	}
	if (fstat(fd, &st)) {
		err("%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	*id = st.st_ino;
	if (need_memcg && faccessat(fd, POLICY_FILE, F_OK, 0)) {
		if (access(SWAP_EXT_SYSFS, F_OK))
			err("this kernel has no swap_ext (CONFIG_SWAP_EXT)");
		else
			err("%s: the memory controller is not enabled there (echo +memory > %s/../cgroup.subtree_control)",
			    path, path);
		close(fd);
		return -1;
	}
	return fd;
}

/* Every cgroup's id and path, for naming the ids the kernel gives */
struct cg_ent *cgs;
size_t nr_cgs;
static size_t cgs_cap;

static int cg_walk_one(const char *path, const struct stat *st, int type,
		       struct FTW *ftw)
{
	if (type != FTW_D)
		return 0;
	if (nr_cgs == cgs_cap) {
		struct cg_ent *n;

		cgs_cap = cgs_cap ? 2 * cgs_cap : 64;
		n = realloc(cgs, cgs_cap * sizeof(*cgs));
		if (!n)
			return -1;
		cgs = n;
	}
	cgs[nr_cgs].id = st->st_ino;
	cgs[nr_cgs].path = strdup(path);
	if (!cgs[nr_cgs].path)
		return -1;
	nr_cgs++;
	return 0;
}

/*
 * Walk the cgroup tree once: 0, or -1 when it could not be read whole (a
 * cgroup removed between its parent's listing and its own opening stops
 * nftw()); cgs[] then has what was read.  Tried three times.
 */
int cg_walk(void)
{
	int tries;

	if (nr_cgs)
		return 0;
	for (tries = 0; tries < 3; tries++) {
		if (!nftw(CGROUP_ROOT, cg_walk_one, 16, FTW_PHYS | FTW_MOUNT))
			return 0;
		while (nr_cgs)
			free(cgs[--nr_cgs].path);
	}
	return nftw(CGROUP_ROOT, cg_walk_one, 16, FTW_PHYS | FTW_MOUNT) ? -1 : 0;
}

/* Forget the cgroups and walk them again */
int cg_rewalk(void)
{
	while (nr_cgs)
		free(cgs[--nr_cgs].path);
	return cg_walk();
}

/* The path of cgroup @id, or NULL */
const char *cg_path_of(unsigned long long id)
{
	size_t i;

	cg_walk();
	for (i = 0; i < nr_cgs; i++)
		if (cgs[i].id == id)
			return cgs[i].path;
	return NULL;
}

void pin_dir(unsigned long long id, char *buf, size_t len)
{
	snprintf(buf, len, PIN_ROOT "/%llu", id);
}

/* bpffs at /sys/fs/bpf and our directory in it */
int pin_root(void)
{
	struct statfs sfs;

	if (statfs(BPFFS, &sfs) || sfs.f_type != BPF_FS_MAGIC) {
		if (mount("bpf", BPFFS, "bpf", 0, NULL)) {
			err("cannot mount bpffs at %s: %s", BPFFS, strerror(errno));
			return -1;
		}
	}
	if (mkdir(PIN_ROOT, 0700) && errno != EEXIST) {
		err("%s: %s%s", PIN_ROOT, strerror(errno),
		    errno == EACCES || errno == EPERM ? " (run as root)" : "");
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------------
 * Loaded policies, from the kernel's BPF objects
 */

struct policy *policies;
int nr_policies;

/* Where the name and the op pointers are in the struct_ops map's value */
static struct {
	__u32 value_type_id;
	__u32 value_size;
	__u32 name_off;
	int nr_ops;
	__u32 op_off[MAX_OPS];
	const char *op_name[MAX_OPS];
} layout;

static int layout_load(struct btf *vmlinux)
{
	const struct btf_member *m, *dm;
	const struct btf_type *t, *ops;
	__u32 data_off = 0;
	int id, i;

	/* the op names point into @vmlinux: found again for each load */
	memset(&layout, 0, sizeof(layout));
	id = btf__find_by_name_kind(vmlinux, OPS_VALUE_TYPE, BTF_KIND_STRUCT);
	if (id < 0) {
		err("this kernel has no swap_ext (no %s in its BTF)", OPS_VALUE_TYPE);
		return -1;
	}
	layout.value_type_id = id;
	t = btf__type_by_id(vmlinux, id);
	layout.value_size = t->size;
	ops = NULL;
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++, m++) {
		if (strcmp(btf__name_by_offset(vmlinux, m->name_off), "data"))
			continue;
		data_off = btf_member_bit_offset(t, i) / 8;
		ops = btf__type_by_id(vmlinux, m->type);
	}
	if (!ops || !btf_is_struct(ops)) {
		err("%s: no data member in the kernel's BTF", OPS_VALUE_TYPE);
		return -1;
	}
	dm = btf_members(ops);
	for (i = 0; i < btf_vlen(ops); i++, dm++) {
		const struct btf_type *mt = btf__type_by_id(vmlinux, dm->type);
		const char *name = btf__name_by_offset(vmlinux, dm->name_off);
		__u32 off = data_off + btf_member_bit_offset(ops, i) / 8;

		if (!strcmp(name, "name")) {
			layout.name_off = off;
		} else if (btf_is_ptr(mt) && layout.nr_ops < MAX_OPS) {
			layout.op_off[layout.nr_ops] = off;
			layout.op_name[layout.nr_ops++] = name;
		}
	}
	return 0;
}

static int need_root(const char *what)
{
	if (errno == EPERM) {
		err("%s: permission denied (needs CAP_SYS_ADMIN: run as root)", what);
		return -1;
	}
	return 0;
}

/* The id of the map called "stats" that program @prog_id uses, or 0 */
static __u32 prog_stats_map(__u32 prog_id)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info), ids[64], i, found = 0;
	int fd = bpf_prog_get_fd_by_id(prog_id);

	if (fd < 0)
		return 0;
	info.nr_map_ids = ARRAY_SIZE(ids);
	info.map_ids = (unsigned long)ids;
	if (bpf_prog_get_info_by_fd(fd, &info, &len))
		goto out;
	for (i = 0; i < info.nr_map_ids && i < ARRAY_SIZE(ids) && !found; i++) {
		struct bpf_map_info mi = {};
		__u32 mlen = sizeof(mi);
		int mfd = bpf_map_get_fd_by_id(ids[i]);

		if (mfd < 0)
			continue;
		if (!bpf_map_get_info_by_fd(mfd, &mi, &mlen) &&
		    !strcmp(mi.name, "stats"))
			found = ids[i];
		close(mfd);
	}
out:
	close(fd);
	return found;
}

/* Add the swap_ext struct_ops map @fd (@info) to policies[] */
static int policy_add(int fd, struct bpf_map_info *info)
{
	struct policy *p, *n;
	__u32 key = 0;
	char *val;
	int i;

	if (info->value_size < layout.value_size)
		return 0;
	val = calloc(1, info->value_size);
	if (!val)
		return -1;
	if (bpf_map_lookup_elem(fd, &key, val)) {
		free(val);
		return 0;
	}
	n = realloc(policies, (nr_policies + 1) * sizeof(*policies));
	if (!n) {
		free(val);
		return -1;
	}
	policies = n;
	p = &policies[nr_policies++];
	memset(p, 0, sizeof(*p));
	p->map_id = info->id;
	snprintf(p->name, sizeof(p->name), "%.31s", val + layout.name_off);
	/* the value holds the programs' ids where the op pointers are */
	for (i = 0; i < layout.nr_ops; i++) {
		__u32 prog_id = *(__u64 *)(val + layout.op_off[i]);

		if (!prog_id)
			continue;
		snprintf(p->ops[p->nr_ops++], sizeof(p->ops[0]), "%s",
			 layout.op_name[i]);
		if (!p->prog_id)
			p->prog_id = prog_id;
		if (!p->stats_id)
			p->stats_id = prog_stats_map(prog_id);
	}
	free(val);
	return 0;
}

/* The "cgroup_id:" line our kernel adds to a struct_ops link's fdinfo */
static unsigned long long link_cgroup(int fd)
{
	char path[64], line[256];
	unsigned long long id = 1;	/* no cgroup: the root */
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "cgroup_id:", 10))
			id = strtoull(line + 10, NULL, 10);
	fclose(f);
	return id;
}

struct policy *policy_by_map(__u32 map_id)
{
	int i;

	for (i = 0; i < nr_policies; i++)
		if (policies[i].map_id == map_id)
			return &policies[i];
	return NULL;
}

static bool policy_has_cgroup(const struct policy *p, unsigned long long id)
{
	int i;

	for (i = 0; i < p->nr_links; i++)
		if (p->cgroups[i] == id)
			return true;
	return false;
}

/*
 * Match a line of /sys/kernel/mm/swap_ext/policies ("name state
 * cgroups=1,2 key=value...") to the policy linked to the same cgroups.
 */
static void policy_match_sysfs(char *line, bool dash)
{
	char *name = strtok(line, " \n"), *state = strtok(NULL, " \n");
	char *cg = strtok(NULL, " \n"), *rest = strtok(NULL, "\n");
	unsigned long long ids[MAX_LINKS];
	int nr = 0, i, j;

	if (!name || !state || !cg || strncmp(cg, "cgroups=", 8))
		return;
	/* lines naming cgroups first, then those attached to none */
	if (dash != !strcmp(cg, "cgroups=-"))
		return;
	for (cg += 8; *cg && *cg != '-' && nr < MAX_LINKS; ) {
		ids[nr++] = strtoull(cg, &cg, 10);
		if (*cg == ',')
			cg++;
	}
	for (i = 0; i < nr_policies; i++) {
		struct policy *p = &policies[i];

		if (p->state[0] || strcmp(p->name, name) || p->nr_links != nr)
			continue;
		for (j = 0; j < nr; j++)
			if (!policy_has_cgroup(p, ids[j]))
				break;
		if (j < nr)
			continue;
		goto found;
	}
	/* a map registered without a link applies to the root */
	for (i = 0; i < nr_policies; i++) {
		struct policy *p = &policies[i];

		if (!p->state[0] && !strcmp(p->name, name) && !p->nr_links &&
		    nr == 1 && ids[0] == 1) {
			p->cgroups[p->nr_links++] = 1;
			goto found;
		}
	}
	/*
	 * One attached to no cgroup (cgroups=-): ejected, or its cgroup was
	 * removed, while its links, pinned, still name the cgroup.  It goes
	 * to a policy of that name with links that no other line took.  The
	 * file has no map id: two such policies of one name are told apart
	 * only by their order, which is the same in both lists by chance.
	 */
	for (i = 0; !nr && i < nr_policies; i++)
		if (!policies[i].state[0] && policies[i].nr_links &&
		    !strcmp(policies[i].name, name))
			goto found;
	return;
found:
	snprintf(policies[i].state, sizeof(policies[i].state), "%s", state);
	snprintf(policies[i].counters, sizeof(policies[i].counters), "%s",
		 rest ? rest : "");
}

void policies_free(void)
{
	free(policies);
	policies = NULL;
	nr_policies = 0;
}

/* Fill policies[]: every loaded swap_ext_ops map, its links and state */
int policies_load(void)
{
	policies_free();
	struct btf *vmlinux = btf__load_vmlinux_btf();
	__u32 id = 0;
	char line[4096];
	FILE *f;
	int ret = -1;

	if (!vmlinux) {
		err("cannot read the kernel's BTF: %s", strerror(errno));
		return -1;
	}
	if (layout_load(vmlinux))
		goto out;

	while (!bpf_map_get_next_id(id, &id)) {
		struct bpf_map_info info = {};
		__u32 len = sizeof(info);
		int fd = bpf_map_get_fd_by_id(id);

		if (fd < 0)
			continue;
		if (!bpf_map_get_info_by_fd(fd, &info, &len) &&
		    info.type == BPF_MAP_TYPE_STRUCT_OPS &&
		    info.btf_vmlinux_value_type_id == layout.value_type_id &&
		    policy_add(fd, &info)) {
			close(fd);
			goto out;
		}
		close(fd);
	}
	if (errno == EPERM) {
		need_root("listing BPF maps");
		goto out;
	}

	id = 0;
	while (!bpf_link_get_next_id(id, &id)) {
		struct bpf_link_info info = {};
		__u32 len = sizeof(info);
		struct policy *p;
		int fd = bpf_link_get_fd_by_id(id);

		if (fd < 0)
			continue;
		p = NULL;
		if (!bpf_link_get_info_by_fd(fd, &info, &len) &&
		    info.type == BPF_LINK_TYPE_STRUCT_OPS)
			p = policy_by_map(info.struct_ops.map_id);
		if (p && p->nr_links < MAX_LINKS)
			p->cgroups[p->nr_links++] = link_cgroup(fd);
		close(fd);
	}

	f = fopen(SWAP_EXT_SYSFS "/policies", "r");
	if (f) {
		while (fgets(line, sizeof(line), f))
			policy_match_sysfs(line, false);
		rewind(f);
		while (fgets(line, sizeof(line), f))
			policy_match_sysfs(line, true);
		fclose(f);
	}
	ret = 0;
out:
	btf__free(vmlinux);
	return ret;
}

/* ---------------------------------------------------------------------
 * list
 */

/* Shipped policies: NAME.bpf.o files in the policy directory */
static const char *policy_dir(char *buf, size_t len)
{
	const char *dir = getenv("SWAPCTL_POLICY_DIR");
	char exe[PATH_MAX];
	ssize_t n;

	if (dir)
		return dir;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	dirname(exe);
	/* build/userspace/../bpf in the tree; PREFIX/lib/swapctl/bpf installed */
	if (snprintf(buf, len, "%s/../bpf", exe) >= (int)len)
		return NULL;
	if (access(buf, F_OK) &&
	    snprintf(buf, len, "%s/../lib/swapctl/bpf", exe) >= (int)len)
		return NULL;
	/* canonical if it exists, for messages */
	if (realpath(buf, exe))
		snprintf(buf, len, "%s", exe);
	return buf;
}

static const char * const shipped[] = {
	"default", "tiered", "incompressible", "latency", "minimal", "idle",
};

/* Is shipped policy @i in @dir? */
static bool shipped_in(const char *dir, size_t i)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s.bpf.o", dir, shipped[i]) >= (int)sizeof(path))
		return false;
	return !access(path, R_OK);
}

static void list_text(void)
{
	char buf[64];
	int i, j;

	if (!nr_policies)
		printf("no swap_ext policy loaded\n");
	for (i = 0; i < nr_policies; i++) {
		const struct policy *p = &policies[i];

		printf("%-16s map %-6u %-8s stats %s\n", p->name, p->map_id,
		       p->state[0] ? p->state : "detached",
		       p->stats_id ? (snprintf(buf, sizeof(buf), "map %u",
					       p->stats_id), buf) : "-");
		printf("  ops:");
		for (j = 0; j < p->nr_ops; j++)
			printf(" %s", p->ops[j]);
		printf("\n  cgroups:");
		for (j = 0; j < p->nr_links; j++) {
			const char *path = cg_path_of(p->cgroups[j]);

			printf(" %s", path ? cgroup_name(path) : "(removed)");
		}
		if (!p->nr_links)
			printf(" -");
		printf("\n");
		if (verbose && p->counters[0])
			printf("  kernel: %s\n", p->counters);
	}
}

static void list_json(const char *dir)
{
	int i, j;

	jw_open('{');
	jw_key("policies");
	jw_open('[');
	for (i = 0; i < nr_policies; i++) {
		const struct policy *p = &policies[i];
		char counters[sizeof(p->counters)], *kv, *save;

		jw_open('{');
		jw_kv_str("name", p->name);
		jw_kv_u64("map_id", p->map_id);
		jw_kv_str("state", p->state[0] ? p->state : "detached");
		jw_key("ops");
		jw_open('[');
		for (j = 0; j < p->nr_ops; j++)
			jw_string(p->ops[j]);
		jw_close(']');
		jw_kv_u64_or_null("stats_map_id", p->stats_id, p->stats_id);
		jw_key("cgroups");
		jw_open('[');
		for (j = 0; j < p->nr_links; j++) {
			const char *path = cg_path_of(p->cgroups[j]);

			jw_open('{');
			jw_kv_u64("id", p->cgroups[j]);
			jw_kv_str("path", path ? cgroup_name(path) : NULL);
			jw_close('}');
		}
		jw_close(']');
		/* the kernel's counters: key=value pairs */
		jw_key("counters");
		jw_open('{');
		snprintf(counters, sizeof(counters), "%s", p->counters);
		for (kv = strtok_r(counters, " ", &save); kv;
		     kv = strtok_r(NULL, " ", &save)) {
			char *eq = strchr(kv, '=');

			if (!eq)
				continue;
			*eq = '\0';
			jw_kv_u64(kv, strtoull(eq + 1, NULL, 10));
		}
		jw_close('}');
		jw_close('}');
	}
	jw_close(']');
	jw_kv_str("policy_dir", dir);
	jw_key("shipped");
	jw_open('[');
	for (i = 0; dir && i < (int)ARRAY_SIZE(shipped); i++)
		if (shipped_in(dir, i))
			jw_string(shipped[i]);
	jw_close(']');
	jw_close('}');
}

static int cmd_list(int argc, char **argv)
{
	char buf[PATH_MAX];
	const char *dir;
	size_t i;

	if (argc != 1)
		return 2;
	if (policies_load())
		return 1;
	dir = policy_dir(buf, sizeof(buf));
	if (json) {
		list_json(dir);
	} else {
		list_text();
		printf("shipped policies:");
		for (i = 0; dir && i < ARRAY_SIZE(shipped); i++)
			if (shipped_in(dir, i))
				printf(" %s", shipped[i]);
		printf("\n  in %s\n", dir ? dir : "(unknown: set SWAPCTL_POLICY_DIR)");
	}
	return 0;
}

/* ---------------------------------------------------------------------
 * attach
 */

static const struct {
	const char *name;
	long long value;
} verdicts[] = {
	{ "default", 0 }, { "zswap", 1 }, { "tier", 2 }, { "keep", 3 },
	{ "drop", 4 }, { "fastest", -1 }, { "slowest", -2 },
};

/*
 * A knob's value: a number, a verdict or tier name, or a cgroup (its id):
 * 0 and the value in @v, or -1 (reported).
 */
int knob_value(const char *name, const char *val, long long *v)
{
	char path[PATH_MAX];
	struct statfs sfs;
	struct stat st;
	char *end;
	size_t i;

	errno = 0;
	*v = strtoll(val, &end, 0);
	if (!errno && !*end && end != val)
		return 0;
	for (i = 0; i < ARRAY_SIZE(verdicts); i++) {
		if (!strcmp(val, verdicts[i].name)) {
			*v = verdicts[i].value;
			return 0;
		}
	}
	cgroup_path(val, path, sizeof(path));
	if (!statfs(path, &sfs) && sfs.f_type == CGROUP2_SUPER_MAGIC &&
	    !stat(path, &st) && S_ISDIR(st.st_mode)) {
		*v = st.st_ino;
		return 0;
	}
	err("knob %s: '%s' is not a number, a verdict or tier name, or a cgroup",
	    name, val);
	return -1;
}

/* The .rodata map of @obj and its BTF section, or -1 */
int rodata_of(struct bpf_object *obj, struct bpf_map **map,
		     const struct btf_type **sec)
{
	struct btf *btf = bpf_object__btf(obj);
	struct bpf_map *m;
	int id;

	*map = NULL;
	bpf_object__for_each_map(m, obj) {
		const char *n = bpf_map__name(m);
		size_t l = strlen(n);

		if (l >= 7 && !strcmp(n + l - 7, ".rodata"))
			*map = m;
	}
	id = btf ? btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC) : -1;
	if (!*map || id < 0)
		return -1;
	*sec = btf__type_by_id(btf, id);
	return 0;
}

/* The knobs of @obj, for an error message */
static void knobs_list(struct bpf_object *obj, char *buf, size_t len)
{
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec;
	struct btf *btf = bpf_object__btf(obj);
	struct bpf_map *map;
	size_t off = 0;
	int i;

	buf[0] = '\0';
	if (rodata_of(obj, &map, &sec)) {
		snprintf(buf, len, "none");
		return;
	}
	vs = btf_var_secinfos(sec);
	for (i = 0; i < btf_vlen(sec) && off < len; i++, vs++) {
		const struct btf_type *var = btf__type_by_id(btf, vs->type);

		off += snprintf(buf + off, len - off, "%s%s", i ? ", " : "",
				btf__name_by_offset(btf, var->name_off));
	}
}

/* Store @v in the integer of @size bytes at @p: 0, or -1 for a bad size */
int store_int(void *p, int size, long long v)
{
	switch (size) {
	case 1:
		*(__u8 *)p = v;
		return 0;
	case 2:
		*(__u16 *)p = v;
		return 0;
	case 4:
		*(__u32 *)p = v;
		return 0;
	case 8:
		*(__u64 *)p = v;
		return 0;
	}
	return -1;
}

/* Set .rodata variable @name of @obj to @val before load */
int set_knob(struct bpf_object *obj, const char *name, const char *val)
{
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec;
	struct btf *btf = bpf_object__btf(obj);
	struct bpf_map *rodata;
	char knobs[512], *data;
	long long v;
	size_t size;
	int i;

	if (rodata_of(obj, &rodata, &sec)) {
		err("knob %s: the policy has no knobs", name);
		return -1;
	}
	if (knob_value(name, val, &v))
		return -1;
	vs = btf_var_secinfos(sec);
	for (i = 0; i < btf_vlen(sec); i++, vs++) {
		const struct btf_type *var = btf__type_by_id(btf, vs->type);

		if (strcmp(btf__name_by_offset(btf, var->name_off), name))
			continue;
		data = bpf_map__initial_value(rodata, &size);
		if (!data || vs->offset + vs->size > size)
			break;
		if (store_int(data + vs->offset, vs->size, v)) {
			err("knob %s: not an integer", name);
			return -1;
		}
		return 0;
	}
	knobs_list(obj, knobs, sizeof(knobs));
	err("knob %s: the policy has no such knob (its knobs: %s)", name, knobs);
	return -1;
}

/*
 * A command's -s KNOB=VALUE options, from optind 1: how many, into @names
 * and @values (pointing into @argv), with optind at the first operand; or
 * -2 (a usage error) or -1 (reported)
 */
int knob_args(int argc, char **argv, const char **names, const char **values,
	      int max)
{
	int c, n = 0;

	optind = 1;
	while ((c = getopt(argc, argv, "+s:")) != -1) {
		char *eq;

		if (c != 's')
			return -2;
		if (n == max) {
			err("too many knobs");
			return -2;
		}
		eq = strchr(optarg, '=');
		if (!eq || eq == optarg) {
			err("knob '%s': want KNOB=VALUE", optarg);
			return -1;
		}
		*eq = '\0';
		names[n] = optarg;
		values[n++] = eq + 1;
	}
	return n;
}

/* POLICY as a path to a .bpf.o */
int policy_path(const char *policy, char *buf, size_t len)
{
	char dir[PATH_MAX];
	const char *d;

	if (strchr(policy, '/') || strstr(policy, ".bpf.o")) {
		snprintf(buf, len, "%s", policy);
		return access(buf, R_OK) ? -1 : 0;
	}
	d = policy_dir(dir, sizeof(dir));
	if (!d)
		return -1;
	if (snprintf(buf, len, "%s/%s.bpf.o", d, policy) >= (int)len)
		return -1;
	return access(buf, R_OK) ? -1 : 0;
}

/*
 * Open the policy object @path and set its knobs @names[i] = @values[i]:
 * the object, not loaded yet, or NULL (reported).
 */
struct bpf_object *policy_open(const char *path, const char *const *names,
			       const char *const *values, int n)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	struct bpf_map *map;
	bool found = false;
	int i;

	if (!obj) {
		err("%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	for (i = 0; i < n; i++)
		if (set_knob(obj, names[i], values[i]))
			goto fail;
	bpf_object__for_each_map(map, obj)
		found |= bpf_map__type(map) == BPF_MAP_TYPE_STRUCT_OPS;
	if (!found) {
		err("%s: no struct swap_ext_ops in it", path);
		goto fail;
	}
	return obj;
fail:
	bpf_object__close(obj);
	return NULL;
}

/* Load @obj (from @path) into the kernel: 0, or -1 (reported) */
int policy_load(struct bpf_object *obj, const char *path)
{
	int e;

	/* without it, libbpf fails on the BTF first, with a useless EOPNOTSUPP */
	if (!have_cap(CAP_BPF) && !have_cap(CAP_SYS_ADMIN)) {
		err("%s: permission denied: loading a policy needs CAP_BPF, attaching it CAP_SYS_ADMIN (run as root)",
		    path);
		return -1;
	}
	if (bpf_object__load(obj)) {
		e = errno;
		if (e == EPERM)
			err("%s: permission denied (loading needs CAP_BPF and CAP_SYS_ADMIN: run as root)",
			    path);
		else
			err("%s: rejected by the kernel (%s)%s", path, strerror(e),
			    verbose ? "" : "; -v shows the verifier's log");
		return -1;
	}
	return 0;
}

/*
 * Does @map's value hold a bpf_timer or a bpf_wq?  Those live only while
 * a user holds the map: closing the object would cancel a policy's timers
 * and work, so swapctl pins such maps with the link.
 */
static bool map_has_async(struct bpf_object *obj, const struct bpf_map *map)
{
	struct btf *btf = bpf_object__btf(obj);
	const struct btf_member *m;
	const struct btf_type *t;
	__u32 id = bpf_map__btf_value_type_id(map);
	int i;

	if (!btf || !id)
		return false;
	t = btf__type_by_id(btf, btf__resolve_type(btf, id));
	if (!t || !btf_is_struct(t))
		return false;
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++, m++) {
		const struct btf_type *mt = btf__type_by_id(btf, btf__resolve_type(btf, m->type));
		const char *name;

		if (!mt || !btf_is_struct(mt))
			continue;
		name = btf__name_by_offset(btf, mt->name_off);
		if (!strcmp(name, "bpf_timer") || !strcmp(name, "bpf_wq"))
			return true;
	}
	return false;
}

/* Remove what swapctl pinned in @dir besides the link, and @dir */
void pin_dir_remove(const char *dir)
{
	char pin[PATH_MAX + 300];
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, "stats") || !strncmp(de->d_name, "async_", 6)) {
			snprintf(pin, sizeof(pin), "%s/%s", dir, de->d_name);
			unlink(pin);
		}
	}
	closedir(d);
	rmdir(dir);
}

/*
 * Attach the policy of loaded @obj to cgroup @cgfd (@cgpath, id @id),
 * pinning the link and the stats map under PIN_ROOT/<id>/: 0 and the
 * policy's name in @policy, or -1 (reported).  The object can be closed
 * afterwards: the pins hold what it loaded.
 */
int policy_link(struct bpf_object *obj, int cgfd, const char *cgpath,
		unsigned long long id, char *policy, size_t len)
{
	char dir[PATH_MAX], pin[PATH_MAX + 8];
	struct bpf_map *map, *st_ops = NULL, *stats = NULL;
	struct bpf_link *link;
	int ret = -1, e;
	bool seen;

	bpf_object__for_each_map(map, obj) {
		if (bpf_map__type(map) == BPF_MAP_TYPE_STRUCT_OPS)
			st_ops = map;
		else if (!strcmp(bpf_map__name(map), "stats"))
			stats = map;
	}
	link = bpf_map__attach_struct_ops_cgroup(st_ops, cgfd);
	if (!link) {
		e = errno;
		if (e == EBUSY)
			err("%s already has a policy: swapctl detach it first", cgpath);
		else if (e == EPERM)
			err("attach to %s: permission denied (needs CAP_SYS_ADMIN)", cgpath);
		else if (e == EOPNOTSUPP || e == EINVAL)
			err("attach to %s: %s (kernel without swap_ext cgroup links?)",
			    cgpath, strerror(e));
		else
			err("attach to %s: %s (the policy's init() or cgroup_attach() may have refused it)",
			    cgpath, strerror(e));
		return -1;
	}
	if (pin_root())
		goto out;
	pin_dir(id, dir, sizeof(dir));
	if (mkdir(dir, 0700) && errno != EEXIST) {
		err("%s: %s", dir, strerror(errno));
		goto out;
	}
	snprintf(pin, sizeof(pin), "%s/link", dir);
	/*
	 * A link pinned there before belongs to a policy that is no longer
	 * attached (ejected): the kernel refuses a second own policy.
	 */
	unlink(pin);
	if (bpf_link__pin(link, pin)) {
		err("pin %s: %s", pin, strerror(errno));
		goto out;
	}
	snprintf(pin, sizeof(pin), "%s/stats", dir);
	unlink(pin);
	if (stats && bpf_map__pin(stats, pin))
		err("pin %s: %s (attached anyway)", pin, strerror(errno));
	bpf_object__for_each_map(map, obj) {
		if (!map_has_async(obj, map))
			continue;
		snprintf(pin, sizeof(pin), "%s/async_%s", dir, bpf_map__name(map));
		unlink(pin);
		if (bpf_map__pin(map, pin))
			err("pin %s: %s (attached, but its timers stop when swapctl exits)",
			    pin, strerror(errno));
	}

	/*
	 * The policy's own name, as the kernel has it: "NAME attached".  Not
	 * so when an op's answer ejected it already (an invalid verdict):
	 * attached it was, and last_exit says why it went.
	 */
	seen = snprintf(pin, sizeof(pin), "%s/" POLICY_FILE, cgpath) < (int)sizeof(pin) &&
	       read_file(pin, policy, len) > 0;
	if (seen && strstr(policy, " attached")) {
		policy[strcspn(policy, " \n")] = '\0';
	} else {
		snprintf(policy, len, "%s", bpf_map__name(st_ops));
		if (seen && read_file(SWAP_EXT_SYSFS "/last_exit", pin, sizeof(pin)) > 0) {
			pin[strcspn(pin, "\n")] = '\0';
			err("warning: ejected right after the attach: %s", pin);
			snprintf(policy, len, "%.*s", (int)strcspn(pin, " "), pin);
		}
	}
	ret = 0;
out:
	/* pinned, the link lives on; otherwise this detaches it */
	bpf_link__destroy(link);
	return ret;
}

static int cmd_attach(int argc, char **argv)
{
	char path[PATH_MAX], cgpath[PATH_MAX], pin[PATH_MAX + 16];
	const char *names[64], *values[64];
	struct bpf_object *obj;
	unsigned long long id;
	int nknobs, cgfd, ret = 1;
	char policy[64];

	nknobs = knob_args(argc, argv, names, values, ARRAY_SIZE(names));
	if (nknobs < 0)
		return -nknobs;
	if (argc - optind != 2)
		return 2;
	if (policy_path(argv[optind], path, sizeof(path))) {
		err("policy %s: no such file or shipped policy (swapctl list shows where they are looked up)",
		    argv[optind]);
		return 1;
	}
	cgfd = cgroup_open(argv[optind + 1], &id, cgpath, sizeof(cgpath), true);
	if (cgfd < 0)
		return 1;
	obj = policy_open(path, names, values, nknobs);
	if (!obj)
		goto out_cg;
	if (policy_load(obj, path) ||
	    policy_link(obj, cgfd, cgpath, id, policy, sizeof(policy)))
		goto out_obj;
	if (json) {
		pin_dir(id, pin, sizeof(pin));
		strcat(pin, "/link");
		jw_open('{');
		jw_kv_str("policy", policy);
		jw_kv_str("object", path);
		jw_kv_str("cgroup", cgroup_name(cgpath));
		jw_kv_u64("cgroup_id", id);
		jw_kv_str("pin", pin);
		jw_close('}');
	} else {
		printf("%s attached to %s (cgroup %llu)\n", policy,
		       cgroup_name(cgpath), id);
	}
	ret = 0;
out_obj:
	bpf_object__close(obj);
out_cg:
	close(cgfd);
	return ret;
}

/* ---------------------------------------------------------------------
 * detach
 */

static int cmd_detach(int argc, char **argv)
{
	char cgpath[PATH_MAX], dir[PATH_MAX], pin[PATH_MAX + 8];
	unsigned long long id;
	int cgfd;

	if (argc != 2)
		return 2;
	cgfd = cgroup_open(argv[1], &id, cgpath, sizeof(cgpath), false);
	if (cgfd < 0)
		return 1;
	close(cgfd);
	pin_dir(id, dir, sizeof(dir));
	snprintf(pin, sizeof(pin), "%s/link", dir);
	if (unlink(pin)) {
		if (errno == ENOENT)
			err("%s has no policy attached by swapctl (no %s)",
			    cgroup_name(cgpath), pin);
		else
			err("%s: %s", pin, strerror(errno));
		return 1;
	}
	pin_dir_remove(dir);
	if (json) {
		jw_open('{');
		jw_kv_str("cgroup", cgroup_name(cgpath));
		jw_kv_u64("cgroup_id", id);
		jw_kv_str("detached", "yes");
		jw_close('}');
	} else {
		printf("detached from %s\n", cgroup_name(cgpath));
	}
	return 0;
}

/* ---------------------------------------------------------------------
 * status
 */

/* memory.stat keys of the backends, and how status names them */
static const char *const backend_keys[NR_BACKENDS] = {
	"vswap_zero", "vswap_zswap", "vswap_phys", "vswap_folio",
};
const char *const backend_names[NR_BACKENDS] = {
	"zero", "zswap", "tier", "memory",
};

/* Policies in a chain swapctl status shows */
#define MAX_CHAIN	8

struct cg_status {
	char policy[64];		/* memory.swap.policy's first line */
	/* the chain: every line's policy name, nearest first */
	char chain[MAX_CHAIN][64];
	int nr_chain;			/* 0: the built-in policy ("default") */
	bool has_memory;		/* memory.current exists (not the root) */
	unsigned long long memory;	/* memory.current */
	unsigned long long swap;	/* memory.swap.current */
	unsigned long long zswap_pool;	/* memory.zswap.current */
	unsigned long long backend[ARRAY_SIZE(backend_keys)];
	bool has_swap;			/* memory.swap.current exists */
};

static int cg_status_read(const char *path, struct cg_status *s)
{
	char file[PATH_MAX + 32];

	char buf[MAX_CHAIN * 80], *line, *save = NULL;

	memset(s, 0, sizeof(*s));
	snprintf(file, sizeof(file), "%s/" POLICY_FILE, path);
	if (read_file(file, buf, sizeof(buf)) < 0)
		return -1;
	snprintf(s->policy, sizeof(s->policy), "%.*s", (int)strcspn(buf, "\n"), buf);
	/* "NAME attached|inherited" per line, or "default" alone */
	for (line = strtok_r(buf, "\n", &save); line && s->nr_chain < MAX_CHAIN;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strcmp(line, "default"))
			break;
		snprintf(s->chain[s->nr_chain++], sizeof(s->chain[0]), "%.*s",
			 (int)strcspn(line, " "), line);
	}
	s->has_memory = read_u64_in(path, "memory.current", &s->memory);
	s->has_swap = read_u64_in(path, "memory.swap.current", &s->swap);
	read_u64_in(path, "memory.zswap.current", &s->zswap_pool);
	snprintf(file, sizeof(file), "%s/memory.stat", path);
	read_keys(file, backend_keys, s->backend, ARRAY_SIZE(backend_keys));
	return 0;
}

static void status_json_one(const char *path, unsigned long long id,
			    const struct cg_status *s)
{
	size_t i;

	jw_open('{');
	jw_kv_str("cgroup", cgroup_name(path));
	jw_kv_u64("cgroup_id", id);
	jw_kv_str("policy", s->policy);
	jw_key("chain");
	jw_open('[');
	for (i = 0; i < (size_t)s->nr_chain; i++)
		jw_string(s->chain[i]);
	jw_close(']');
	jw_kv_u64_or_null("memory", s->has_memory, s->memory);
	jw_kv_u64_or_null("swap", s->has_swap, s->swap);
	jw_kv_u64("zswap_pool", s->zswap_pool);
	jw_key("backends");
	jw_open('{');
	for (i = 0; i < ARRAY_SIZE(backend_keys); i++)
		jw_kv_u64(backend_names[i], s->backend[i]);
	jw_close('}');
	jw_close('}');
}

static void status_text_header(void)
{
	printf("%-24s %-24s %7s %7s %7s %7s %7s %7s %7s\n", "CGROUP", "POLICY",
	       "MEMORY", "SWAP", "ZERO", "ZSWAP", "(POOL)", "TIER", "CACHED");
}

static void status_text_one(const char *path, const struct cg_status *s)
{
	char b[8][16], policy[MAX_CHAIN * 64 + 64];
	size_t i, len;

	/* "own attached > parent's > grandparent's": the chain, nearest first */
	len = snprintf(policy, sizeof(policy), "%s", s->policy);
	for (i = 1; i < (size_t)s->nr_chain && len < sizeof(policy); i++)
		len += snprintf(policy + len, sizeof(policy) - len, " > %s", s->chain[i]);
	printf("%-24s %-24s %7s %7s", cgroup_name(path), policy,
	       s->has_memory ? human(s->memory, b[0], sizeof(b[0])) : "-",
	       s->has_swap ? human(s->swap, b[1], sizeof(b[1])) : "-");
	for (i = 0; i < ARRAY_SIZE(backend_keys); i++) {
		printf(" %7s", human(s->backend[i], b[2 + i], sizeof(b[0])));
		if (i == 1)
			printf(" %7s", human(s->zswap_pool, b[7], sizeof(b[7])));
	}
	printf("\n");
}

static int cmd_status(int argc, char **argv)
{
	struct cg_status s;
	size_t i;
	bool any = false;

	if (argc > 2)
		return 2;
	if (argc == 2) {
		char path[PATH_MAX];
		unsigned long long id;
		int fd = cgroup_open(argv[1], &id, path, sizeof(path), true);

		if (fd < 0)
			return 1;
		close(fd);
		if (cg_status_read(path, &s)) {
			err("%s/%s: %s", path, POLICY_FILE, strerror(errno));
			return 1;
		}
		if (json) {
			status_json_one(path, id, &s);
		} else {
			status_text_header();
			status_text_one(path, &s);
		}
		return 0;
	}

	/* every cgroup with the memory controller */
	if (access(SWAP_EXT_SYSFS, F_OK)) {
		err("this kernel has no swap_ext (CONFIG_SWAP_EXT)");
		return 1;
	}
	cg_walk();
	if (json)
		jw_open('[');
	else
		status_text_header();
	for (i = 0; i < nr_cgs; i++) {
		if (cg_status_read(cgs[i].path, &s))
			continue;
		any = true;
		if (json)
			status_json_one(cgs[i].path, cgs[i].id, &s);
		else
			status_text_one(cgs[i].path, &s);
	}
	if (json)
		jw_close(']');
	if (!any && !json)
		printf("(no cgroup v2 with the memory controller under %s)\n", CGROUP_ROOT);
	return 0;
}

/* ---------------------------------------------------------------------
 * stats
 */

/* The policy named @arg, or the one effective in cgroup @arg */
static struct policy *stats_policy(const char *arg)
{
	struct policy *found = NULL;
	char path[PATH_MAX];
	struct stat st;
	int i, n = 0;

	for (i = 0; i < nr_policies; i++) {
		if (!strcmp(policies[i].name, arg)) {
			found = &policies[i];
			n++;
		}
	}
	if (n == 1)
		return found;
	if (n > 1) {
		err("%d policies are called %s: give a cgroup instead", n, arg);
		return NULL;
	}

	/* a cgroup: its own policy, or its nearest ancestor's */
	cgroup_path(arg, path, sizeof(path));
	if (stat(path, &st) || !S_ISDIR(st.st_mode)) {
		err("%s: no loaded policy and no cgroup of that name (swapctl list shows the policies)",
		    arg);
		return NULL;
	}
	while (strlen(path) >= strlen(CGROUP_ROOT) && !stat(path, &st)) {
		/* an ejected policy's links stay until unpinned: active first */
		found = NULL;
		for (i = 0; i < nr_policies; i++) {
			if (!policy_has_cgroup(&policies[i], st.st_ino))
				continue;
			if (!strcmp(policies[i].state, "active"))
				return &policies[i];
			found = &policies[i];
		}
		if (found)
			return found;
		if (!strcmp(path, CGROUP_ROOT))
			break;
		*strrchr(path, '/') = '\0';
	}
	err("%s: no policy applies to this cgroup", arg);
	return NULL;
}

/*
 * Call @fn(@ctx, member, sum) for each u64 member of the value of policy
 * @p's stats map (key 0; a per-CPU array's summed over CPUs), by its BTF.
 * 0, or -1 with the reason reported unless @quiet.
 */
int stats_each(const struct policy *p, bool quiet,
		      void (*fn)(void *ctx, const char *name,
				 unsigned long long sum),
		      void *ctx)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info), key = 0, stride;
	const struct btf_member *m;
	const struct btf_type *t;
	struct btf *btf = NULL;
	int fd, ncpu, i, c, ret = -1;
	void *vals = NULL;

	if (!p->stats_id) {
		if (!quiet)
			err("policy %s has no stats map (a map called \"stats\")", p->name);
		return -1;
	}
	fd = bpf_map_get_fd_by_id(p->stats_id);
	if (fd < 0) {
		if (!quiet)
			err("stats map %u: %s", p->stats_id, strerror(errno));
		return -1;
	}
	if (bpf_map_get_info_by_fd(fd, &info, &len) || !info.btf_id ||
	    !info.btf_value_type_id) {
		if (!quiet)
			err("policy %s: its stats map has no BTF", p->name);
		goto out;
	}
	btf = btf__load_from_kernel_by_id(info.btf_id);
	t = btf ? btf__type_by_id(btf, info.btf_value_type_id) : NULL;
	if (!t || !btf_is_struct(t)) {
		if (!quiet)
			err("policy %s: its stats value is not a struct", p->name);
		goto out;
	}
	ncpu = info.type == BPF_MAP_TYPE_PERCPU_ARRAY ? libbpf_num_possible_cpus() : 1;
	stride = info.type == BPF_MAP_TYPE_PERCPU_ARRAY ?
		 (info.value_size + 7) & ~7U : info.value_size;
	vals = calloc(ncpu, stride);
	if (!vals || bpf_map_lookup_elem(fd, &key, vals)) {
		if (!quiet)
			err("policy %s: cannot read its stats: %s", p->name,
			    strerror(errno));
		goto out;
	}
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++, m++) {
		unsigned long long sum = 0;
		size_t off = btf_member_bit_offset(t, i) / 8;

		if (btf__resolve_size(btf, m->type) != 8)
			continue;
		for (c = 0; c < ncpu; c++)
			sum += *(unsigned long long *)((char *)vals + c * stride + off);
		fn(ctx, btf__name_by_offset(btf, m->name_off), sum);
	}
	ret = 0;
out:
	free(vals);
	btf__free(btf);
	close(fd);
	return ret;
}

/* The JSON document starts at the first member: an error before prints none */
static void stats_begin(const struct policy *p, bool *open)
{
	if (json && !*open) {
		jw_open('{');
		jw_kv_str("policy", p->name);
		jw_kv_u64("map_id", p->map_id);
		jw_key("stats");
		jw_open('{');
	}
	*open = true;
}

struct stats_print_ctx {
	const struct policy *p;
	bool open;		/* the JSON document is open */
};

static void stats_print(void *ctx, const char *name, unsigned long long sum)
{
	struct stats_print_ctx *x = ctx;

	stats_begin(x->p, &x->open);
	if (json)
		jw_kv_u64(name, sum);
	else
		printf("%s %llu\n", name, sum);
}

static int cmd_stats(int argc, char **argv)
{
	struct stats_print_ctx x = {};

	if (argc != 2)
		return 2;
	if (policies_load())
		return 1;
	x.p = stats_policy(argv[1]);
	if (!x.p)
		return 1;
	if (stats_each(x.p, false, stats_print, &x))
		return 1;
	stats_begin(x.p, &x.open);
	if (json) {
		jw_close('}');
		jw_close('}');
	}
	return 0;
}

/* ---------------------------------------------------------------------
 * tiers
 */

static int cmd_tiers(int argc, char **argv)
{
	static const char *const stat_keys[] = { "slots", "slots_used" };
	unsigned long long space[ARRAY_SIZE(stat_keys)] = {};
	char line[512], b[3][16];
	bool header = true;
	FILE *f;

	if (argc != 1)
		return 2;
	f = fopen(VSWAP_SYSFS "/tiers", "r");
	if (!f) {
		err("%s/tiers: %s (kernel without vswap?)", VSWAP_SYSFS, strerror(errno));
		return 1;
	}
	read_keys(VSWAP_SYSFS "/stat", stat_keys, space, ARRAY_SIZE(stat_keys));

	if (json) {
		jw_open('{');
		jw_key("virtual");
		jw_open('{');
		jw_kv_u64("slots", space[0]);
		jw_kv_u64("used", space[1]);
		jw_close('}');
		jw_key("tiers");
		jw_open('[');
	} else {
		printf("virtual: %s of %s in use\n",
		       human(space[1] * 4096, b[0], sizeof(b[0])),
		       human(space[0] * 4096, b[1], sizeof(b[1])));
		printf("%-4s %-5s %7s %7s %7s  %s\n", "TYPE", "PRIO", "SIZE",
		       "USED", "BACKING", "DEVICE");
	}
	while (fgets(line, sizeof(line), f)) {
		struct tier_line t;

		if (header) {	/* the column names */
			header = false;
			continue;
		}
		if (!tier_line_parse(line, &t))
			continue;
		if (json) {
			jw_open('{');
			jw_kv_s64("type", t.type);
			jw_kv_s64("prio", t.prio);
			jw_kv_u64("slots", t.slots);
			jw_kv_u64("used", t.used);
			jw_kv_u64("backing", t.backing);
			jw_kv_str("device", t.dev);
			jw_close('}');
		} else {
			printf("%-4d %-5d %7s %7s %7s  %s\n", t.type, t.prio,
			       human(t.slots * 4096, b[0], sizeof(b[0])),
			       human(t.used * 4096, b[1], sizeof(b[1])),
			       human(t.backing * 4096, b[2], sizeof(b[2])), t.dev);
		}
	}
	fclose(f);
	if (json) {
		jw_close(']');
		jw_close('}');
	}
	return 0;
}

/* ---------------------------------------------------------------------
 * Commands and options
 */

static const struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *args;
	const char *help;
} cmds[] = {
	{ "list", cmd_list, "",
	  "Loaded policies: their ops, state, cgroups and stats map, and where\n"
	  "shipped policies are looked up.  -v adds the kernel's counters.\n" },
	{ "attach", cmd_attach, "[-s KNOB=VALUE]... POLICY CGROUP",
	  "Load POLICY (a .bpf.o file, or the name of a shipped policy: default,\n"
	  "tiered, incompressible, latency, minimal, idle) and attach it to\n"
	  "CGROUP, pinning the link under " PIN_ROOT "/<cgroup id>/.  -s\n"
	  "sets a knob (one of the policy's const volatile variables) to a\n"
	  "number, a verdict name (default zswap tier keep drop), a tier\n"
	  "(fastest slowest) or a cgroup (its id).  -v prints the verifier's\n"
	  "log if the kernel rejects it.\n" },
	{ "detach", cmd_detach, "CGROUP",
	  "Detach the policy swapctl attached to CGROUP; the cgroup falls back\n"
	  "to the policy of its nearest ancestor, or the built-in one.\n" },
	{ "status", cmd_status, "[CGROUP]",
	  "The effective policy of CGROUP (or of every memory cgroup) and where\n"
	  "its swapped-out pages are: zero-filled, in zswap (and the pool's\n"
	  "compressed size), on a tier, or cached in memory.\n" },
	{ "stats", cmd_stats, "POLICY|CGROUP",
	  "The stats map of a loaded policy (by name, or the one effective in\n"
	  "CGROUP), its u64 members summed over CPUs.\n" },
	{ "tiers", cmd_tiers, "",
	  "The virtual swap space and the tiers behind it, fastest first.\n" },
	{ "apply", cmd_apply, "[-n] [--watch] [--backoff-ms MS] [FILE]",
	  "Attach the policies FILE (/etc/swapctl/swapctl.conf) names: an INI\n"
	  "file, a [CGROUP] section (a path or glob) per cgroup with policy =\n"
	  "POLICY and KNOB = VALUE lines.  Attaches what is missing, replaces\n"
	  "what differs, re-attaches what was ejected, detaches what swapctl\n"
	  "pinned and the file no longer names, and says what it changed.  A\n"
	  "file with an error changes nothing.  -n: only say what it would do.\n"
	  "--watch: stay, apply again to new cgroups, when FILE changes or on\n"
	  "SIGHUP, and re-attach an ejected policy after a delay that doubles\n"
	  "with each ejection (--backoff-ms, 1000; at most 300 s).\n" },
	{ "run", cmd_run, "[-s KNOB=VALUE]... POLICY PROG [FIELD=VALUE]...",
	  "Load POLICY (nothing is attached) and run its syscall program PROG\n"
	  "once: proactive work on request, such as idle's writeback_idle.\n"
	  "FIELD=VALUE sets a member of the struct PROG takes (a number, a\n"
	  "verdict or tier name, or a cgroup for its id); the rest are 0.\n"
	  "Prints what PROG returned and every member afterwards; fails when\n"
	  "PROG returned a -errno.  PROG may act only for the cgroup swapctl\n"
	  "runs in and those below.\n" },
	{ "export", cmd_export, "[--textfile DIR]",
	  "Everything above as Prometheus metrics (the text exposition format):\n"
	  "per backend, tier and memory cgroup, zswap's pool and compression\n"
	  "ratio, swap events, each policy's kernel counters and stats map, the\n"
	  "last ejection and its reason.  --textfile writes DIR/" EXP_FILE "\n"
	  "atomically (a temporary file renamed), for node_exporter's textfile\n"
	  "collector.\n" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: swapctl [-j] [-v] COMMAND [ARGS]\n\n");
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		fprintf(f, "  swapctl %s%s%s\n", cmds[i].name,
			cmds[i].args[0] ? " " : "", cmds[i].args);
	fprintf(f, "\n  -j, --json     JSON output\n"
		   "  -v, --verbose  more detail (verifier log on attach)\n"
		   "  -h, --help     this help; COMMAND --help: the command's\n"
		   "\nCGROUP is a cgroup v2 directory, absolute or relative to "
		   CGROUP_ROOT "; \"/\" is the root.\n");
}

static void cmd_usage(FILE *f, const struct cmd *c, bool full)
{
	fprintf(f, "usage: swapctl [-j] [-v] %s%s%s\n", c->name,
		c->args[0] ? " " : "", c->args);
	if (full)
		fprintf(f, "\n%s", c->help);
}

/*
 * Take -j, -v and -h out of @argv wherever they are (before the command,
 * or among its arguments) and leave the rest in order.  Returns the new
 * argc; *@help is set for -h.
 */
static int take_common_opts(int argc, char **argv, bool *help)
{
	int i, n = 1;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--")) {
			while (i < argc)
				argv[n++] = argv[i++];
			break;
		}
		if (!strcmp(a, "--json")) {
			json = true;
		} else if (!strcmp(a, "--verbose")) {
			verbose = true;
		} else if (!strcmp(a, "--help")) {
			*help = true;
		} else if (a[0] == '-' && a[1] &&
			   strspn(a + 1, "jvh") == strlen(a + 1)) {
			/* -j, -v, -h, or several at once: -jv */
			json |= !!strchr(a, 'j');
			verbose |= !!strchr(a, 'v');
			*help |= !!strchr(a, 'h');
		} else {
			argv[n++] = argv[i];
		}
	}
	argv[n] = NULL;
	return n;
}

int main(int argc, char **argv)
{
	const struct cmd *c = NULL;
	bool help = false;
	size_t i;
	int ret;

	libbpf_set_print(print_fn);
	argc = take_common_opts(argc, argv, &help);
	if (argc < 2) {
		usage(help ? stdout : stderr);
		return help ? 0 : 2;
	}
	if (!strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (!strcmp(argv[1], cmds[i].name))
			c = &cmds[i];
	if (!c) {
		err("unknown command '%s'", argv[1]);
		usage(stderr);
		return 2;
	}
	if (help) {
		cmd_usage(stdout, c, true);
		return 0;
	}
	ret = c->fn(argc - 1, argv + 1);
	if (ret == 2)
		cmd_usage(stderr, c, false);
	return ret;
}
