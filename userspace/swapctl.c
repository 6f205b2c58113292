// SPDX-License-Identifier: GPL-2.0
/*
 * swapctl: attach swap_ext policies to cgroups and read their statistics.
 *
 *   swapctl attach [-v] [-s KNOB=VALUE]... POLICY CGROUP
 *   swapctl detach CGROUP
 *   swapctl stats CGROUP
 *   swapctl list
 *
 * POLICY is a .bpf.o file, or the name of a policy built with this tool
 * (looked up as NAME.bpf.o in $SWAPCTL_POLICY_DIR, then in the bpf/
 * directory next to swapctl's own).  CGROUP is a cgroup v2 directory,
 * absolute or relative to /sys/fs/cgroup; "/" is the root, which makes the
 * policy system-wide.  attach pins the link, and the policy's stats map if
 * it has one, under /sys/fs/bpf/swap_ext/<cgroup id>/, so the policy stays
 * after swapctl exits; detach removes them, which detaches the policy.
 * KNOB is one of the policy's const volatile variables; VALUE a number or
 * a verdict name (default, zswap, tier, keep, drop).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#define CGROUP_ROOT	"/sys/fs/cgroup"
#define BPFFS		"/sys/fs/bpf"
#define PIN_ROOT	BPFFS "/swap_ext"
#define SYSFS_POLICIES	"/sys/kernel/mm/swap_ext/policies"

static bool verbose;

static void __attribute__((format(printf, 1, 2))) err(const char *fmt, ...)
{
	va_list ap;

	fputs("swapctl: ", stderr);
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
 * Cgroups and pins
 */

/* Open cgroup v2 directory @arg; its id in @id.  An fd, or -1 (reported). */
static int cgroup_open(const char *arg, unsigned long long *id, char *path,
		       size_t len)
{
	struct statfs sfs;
	struct stat st;
	int fd;

	if (!strcmp(arg, "/"))
		snprintf(path, len, "%s", CGROUP_ROOT);
	else if (arg[0] == '/')
		snprintf(path, len, "%s", arg);
	else
		snprintf(path, len, "%s/%s", CGROUP_ROOT, arg);
	fd = open(path, O_RDONLY | O_DIRECTORY);
	if (fd < 0) {
		err("cgroup %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstatfs(fd, &sfs) || sfs.f_type != CGROUP2_SUPER_MAGIC) {
		err("%s is not a cgroup v2 directory (swap_ext needs cgroup v2)", path);
		close(fd);
		return -1;
	}
	if (fstat(fd, &st)) {
		err("%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	*id = st.st_ino;
	return fd;
}

static void pin_dir(unsigned long long id, char *buf, size_t len)
{
	snprintf(buf, len, PIN_ROOT "/%llu", id);
}

/* bpffs at /sys/fs/bpf and our directory in it */
static int pin_root(void)
{
	struct statfs sfs;

	if (statfs(BPFFS, &sfs) || sfs.f_type != BPF_FS_MAGIC) {
		if (mount("bpf", BPFFS, "bpf", 0, NULL)) {
			err("cannot mount bpffs at %s: %s", BPFFS, strerror(errno));
			return -1;
		}
	}
	if (mkdir(PIN_ROOT, 0700) && errno != EEXIST) {
		err("%s: %s", PIN_ROOT, strerror(errno));
		return -1;
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
	{ "drop", 4 },
};

/* Set .rodata variable @name of @obj to @val before load */
static int set_knob(struct bpf_object *obj, const char *name, const char *val)
{
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec;
	struct bpf_map *map, *rodata = NULL;
	long long v;
	struct btf *btf;
	size_t size;
	char *data, *end;
	unsigned int i;
	int id;

	errno = 0;
	v = strtoll(val, &end, 0);
	if (errno || *end || end == val) {
		for (i = 0; i < sizeof(verdicts) / sizeof(verdicts[0]); i++)
			if (!strcmp(val, verdicts[i].name))
				break;
		if (i == sizeof(verdicts) / sizeof(verdicts[0])) {
			err("knob %s: '%s' is not a number or a verdict name", name, val);
			return -1;
		}
		v = verdicts[i].value;
	}

	bpf_object__for_each_map(map, obj) {
		const char *n = bpf_map__name(map);
		size_t l = strlen(n);

		if (l >= 7 && !strcmp(n + l - 7, ".rodata"))
			rodata = map;
	}
	btf = bpf_object__btf(obj);
	id = btf ? btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC) : -1;
	if (!rodata || id < 0) {
		err("knob %s: the policy has no knobs", name);
		return -1;
	}
	sec = btf__type_by_id(btf, id);
	vs = btf_var_secinfos(sec);
	for (i = 0; i < btf_vlen(sec); i++, vs++) {
		const struct btf_type *var = btf__type_by_id(btf, vs->type);

		if (strcmp(btf__name_by_offset(btf, var->name_off), name))
			continue;
		data = bpf_map__initial_value(rodata, &size);
		if (!data || vs->offset + vs->size > size)
			break;
		switch (vs->size) {
		case 1: *(__u8 *)(data + vs->offset) = v; break;
		case 2: *(__u16 *)(data + vs->offset) = v; break;
		case 4: *(__u32 *)(data + vs->offset) = v; break;
		case 8: *(__u64 *)(data + vs->offset) = v; break;
		default:
			err("knob %s: not an integer", name);
			return -1;
		}
		return 0;
	}
	err("knob %s: no such knob in this policy", name);
	return -1;
}

/* POLICY as a path to a .bpf.o */
static int policy_path(const char *policy, char *buf, size_t len)
{
	const char *dir = getenv("SWAPCTL_POLICY_DIR");
	char exe[PATH_MAX];
	ssize_t n;

	if (strchr(policy, '/') || strstr(policy, ".bpf.o")) {
		snprintf(buf, len, "%s", policy);
		return access(buf, R_OK) ? -1 : 0;
	}
	if (dir) {
		snprintf(buf, len, "%s/%s.bpf.o", dir, policy);
		if (!access(buf, R_OK))
			return 0;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		snprintf(buf, len, "%s/../bpf/%s.bpf.o", dirname(exe), policy);
		if (!access(buf, R_OK))
			return 0;
	}
	return -1;
}

static int cmd_attach(int argc, char **argv)
{
	char path[PATH_MAX], cgpath[PATH_MAX], dir[PATH_MAX], pin[PATH_MAX + 8];
	struct bpf_map *map, *st_ops = NULL, *stats = NULL;
	struct bpf_object *obj;
	struct bpf_link *link;
	unsigned long long id;
	char *knobs[64];
	int nknobs = 0, c, cgfd, ret = 1, e, i;

	optind = 1;
	while ((c = getopt(argc, argv, "vs:h")) != -1) {
		switch (c) {
		case 'v':
			verbose = true;
			break;
		case 's':
			if (nknobs == 64) {
				err("too many knobs");
				return 2;
			}
			knobs[nknobs++] = optarg;
			break;
		default:
			fprintf(stderr, "usage: swapctl attach [-v] [-s KNOB=VALUE]... POLICY CGROUP\n");
			return c == 'h' ? 0 : 2;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "usage: swapctl attach [-v] [-s KNOB=VALUE]... POLICY CGROUP\n");
		return 2;
	}
	if (policy_path(argv[optind], path, sizeof(path))) {
		err("policy %s: no such file or shipped policy", argv[optind]);
		return 1;
	}
	cgfd = cgroup_open(argv[optind + 1], &id, cgpath, sizeof(cgpath));
	if (cgfd < 0)
		return 1;
	if (pin_root())
		goto out_cg;

	obj = bpf_object__open_file(path, NULL);
	if (!obj) {
		err("%s: cannot open: %s", path, strerror(errno));
		goto out_cg;
	}
	for (i = 0; i < nknobs; i++) {
		char *eq = strchr(knobs[i], '=');

		if (!eq) {
			err("knob '%s': want KNOB=VALUE", knobs[i]);
			goto out_obj;
		}
		*eq = '\0';
		if (set_knob(obj, knobs[i], eq + 1))
			goto out_obj;
	}
	bpf_object__for_each_map(map, obj) {
		if (bpf_map__type(map) == BPF_MAP_TYPE_STRUCT_OPS)
			st_ops = map;
		else if (!strcmp(bpf_map__name(map), "stats"))
			stats = map;
	}
	if (!st_ops) {
		err("%s: no struct swap_ext_ops in it", path);
		goto out_obj;
	}
	if (bpf_object__load(obj)) {
		e = errno;
		if (e == EPERM)
			err("%s: permission denied (loading needs CAP_BPF and CAP_SYS_ADMIN)", path);
		else
			err("%s: rejected by the kernel (%s)%s", path, strerror(e),
			    verbose ? "" : "; -v shows the verifier's log");
		goto out_obj;
	}
	link = bpf_map__attach_struct_ops_cgroup(st_ops, cgfd);
	if (!link) {
		e = errno;
		if (e == EBUSY)
			err("%s already has a policy: swapctl detach it first", cgpath);
		else if (e == EPERM)
			err("attach to %s: permission denied (needs CAP_SYS_ADMIN)", cgpath);
		else if (e == EOPNOTSUPP)
			err("attach to %s: not supported (memory controller off there?)", cgpath);
		else
			err("attach to %s: %s", cgpath, strerror(e));
		goto out_obj;
	}
	pin_dir(id, dir, sizeof(dir));
	if (mkdir(dir, 0700) && errno != EEXIST) {
		err("%s: %s", dir, strerror(errno));
		goto out_link;
	}
	snprintf(pin, sizeof(pin), "%s/link", dir);
	if (bpf_link__pin(link, pin)) {
		err("pin %s: %s", pin, strerror(errno));
		goto out_link;
	}
	snprintf(pin, sizeof(pin), "%s/stats", dir);
	unlink(pin);
	if (stats && bpf_map__pin(stats, pin))
		err("pin %s: %s (attached anyway)", pin, strerror(errno));
	printf("%s attached to %s (cgroup %llu)\n", bpf_map__name(st_ops), cgpath, id);
	ret = 0;
out_link:
	/* pinned, the link lives on; otherwise this detaches it */
	bpf_link__destroy(link);
out_obj:
	bpf_object__close(obj);
out_cg:
	close(cgfd);
	return ret;
}

/* ---------------------------------------------------------------------
 * detach, stats, list
 */

static int cmd_detach(int argc, char **argv)
{
	char cgpath[PATH_MAX], dir[PATH_MAX], pin[PATH_MAX + 8];
	unsigned long long id;
	int cgfd;

	if (argc != 2) {
		fprintf(stderr, "usage: swapctl detach CGROUP\n");
		return 2;
	}
	cgfd = cgroup_open(argv[1], &id, cgpath, sizeof(cgpath));
	if (cgfd < 0)
		return 1;
	close(cgfd);
	pin_dir(id, dir, sizeof(dir));
	snprintf(pin, sizeof(pin), "%s/link", dir);
	if (unlink(pin)) {
		err("%s has no policy attached by swapctl (%s: %s)", cgpath, pin,
		    strerror(errno));
		return 1;
	}
	snprintf(pin, sizeof(pin), "%s/stats", dir);
	unlink(pin);
	rmdir(dir);
	printf("detached from %s\n", cgpath);
	return 0;
}

/* Print the u64 members of the stats map's value, summed over CPUs */
static int cmd_stats(int argc, char **argv)
{
	char cgpath[PATH_MAX], dir[PATH_MAX], pin[PATH_MAX + 8];
	struct bpf_map_info info = {};
	__u32 len = sizeof(info), key = 0;
	const struct btf_member *m;
	const struct btf_type *t;
	unsigned long long id;
	struct btf *btf;
	int fd, cgfd, ncpu, i, c, ret = 1;
	void *vals;

	if (argc != 2) {
		fprintf(stderr, "usage: swapctl stats CGROUP\n");
		return 2;
	}
	cgfd = cgroup_open(argv[1], &id, cgpath, sizeof(cgpath));
	if (cgfd < 0)
		return 1;
	close(cgfd);
	pin_dir(id, dir, sizeof(dir));
	snprintf(pin, sizeof(pin), "%s/stats", dir);
	fd = bpf_obj_get(pin);
	if (fd < 0) {
		err("%s: no policy stats (%s: %s)", cgpath, pin, strerror(errno));
		return 1;
	}
	if (bpf_map_get_info_by_fd(fd, &info, &len) || !info.btf_id ||
	    !info.btf_value_type_id) {
		err("%s: the stats map has no BTF", pin);
		close(fd);
		return 1;
	}
	btf = btf__load_from_kernel_by_id(info.btf_id);
	t = btf ? btf__type_by_id(btf, info.btf_value_type_id) : NULL;
	if (!t || !btf_is_struct(t)) {
		err("%s: the stats value is not a struct", pin);
		goto out;
	}
	ncpu = libbpf_num_possible_cpus();
	vals = calloc(ncpu, (info.value_size + 7) & ~7U);
	if (!vals || bpf_map_lookup_elem(fd, &key, vals)) {
		err("%s: cannot read: %s", pin, strerror(errno));
		free(vals);
		goto out;
	}
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++, m++) {
		unsigned long long sum = 0;
		size_t off = btf_member_bit_offset(t, i) / 8;

		if (btf__resolve_size(btf, m->type) != 8)
			continue;
		for (c = 0; c < ncpu; c++)
			sum += *(unsigned long long *)((char *)vals +
				c * ((info.value_size + 7) & ~7U) + off);
		printf("%s %llu\n", btf__name_by_offset(btf, m->name_off), sum);
	}
	free(vals);
	ret = 0;
out:
	btf__free(btf);
	close(fd);
	return ret;
}

static int cmd_list(int argc, char **argv)
{
	char line[4096];
	FILE *f = fopen(SYSFS_POLICIES, "r");

	if (!f) {
		err("%s: %s (kernel without swap_ext?)", SYSFS_POLICIES, strerror(errno));
		return 1;
	}
	while (fgets(line, sizeof(line), f))
		fputs(line, stdout);
	fclose(f);
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: swapctl attach [-v] [-s KNOB=VALUE]... POLICY CGROUP\n"
		"       swapctl detach CGROUP\n"
		"       swapctl stats CGROUP\n"
		"       swapctl list\n");
}

int main(int argc, char **argv)
{
	libbpf_set_print(print_fn);
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "attach"))
		return cmd_attach(argc - 1, argv + 1);
	if (!strcmp(argv[1], "detach"))
		return cmd_detach(argc - 1, argv + 1);
	if (!strcmp(argv[1], "stats"))
		return cmd_stats(argc - 1, argv + 1);
	if (!strcmp(argv[1], "list"))
		return cmd_list(argc - 1, argv + 1);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	err("unknown command '%s'", argv[1]);
	usage(stderr);
	return 2;
}
