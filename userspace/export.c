// SPDX-License-Identifier: GPL-2.0
/*
 * swapctl export: the figures of list, status, stats and tiers, and the
 * machine's zswap pool and swap events, as Prometheus metrics.
 *
 * One namespace, swapctl_, for every family; base units (bytes, seconds)
 * as Prometheus wants them, with page counts beside the bytes where the
 * kernel counts pages.  Each family is written whole (HELP, TYPE, then
 * every series), as the format requires, so the figures are read first:
 * the cgroups into exp_cgs[], the policies by policies_load().
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "swapctl.h"

static FILE *po;		/* where export writes: stdout or the textfile */
static char exp_tmp[PATH_MAX];	/* the textfile being written */
static long page_size;

/* memory.stat keys export reads from every cgroup */
static const char *const exp_stat_keys[] = {
	"vswap_zero", "vswap_zswap", "vswap_phys", "vswap_folio",
	"zswap", "zswapped",
	"swpin_zero", "swpout_zero", "zswpin", "zswpout", "zswpwb",
	"thp_swpout", "thp_swpout_fallback",
};

enum {
	EXP_BACKENDS = 0,	/* the four vswap_* keys first */
	EXP_ZSWAP_POOL = 4,
	EXP_ZSWAPPED,
	EXP_EVENTS,		/* the counters from here on */
	EXP_NR_STAT = ARRAY_SIZE(exp_stat_keys),
};

struct exp_cg {
	const char *path;		/* cgroup_name() of it: "/", "/a/b" */
	char policy[64];		/* its policy's name, or "default" */
	const char *how;		/* attached, inherited, default */
	bool has_memory, has_swap;
	unsigned long long memory, swap;
	int nr_stat;			/* keys memory.stat had */
	bool has[EXP_NR_STAT];
	unsigned long long stat[EXP_NR_STAT];
};

static struct exp_cg *exp_cgs;
static size_t nr_exp_cgs;

/* Machine-wide: /proc/vmstat counters, with the names export gives them */
static const char *const exp_vmstat_keys[] = {
	"pswpin", "pswpout", "swpin_zero", "swpout_zero", "zswpin", "zswpout",
	"zswpwb", "thp_swpout", "thp_swpout_fallback", "vswap_tier_alloc",
	"vswap_tier_free", "vswap_move", "vswap_keep",
};

/* @s as a label value: backslash, double quote and newline escaped */
static void exp_label_value(const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(po, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", po);
		else
			fputc(*s, po);
	}
}

static void exp_family(const char *name, const char *type, const char *help)
{
	fprintf(po, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/*
 * One series: @name{@labels} with @labels NULL-terminated name, value
 * pairs; the value as an integer, or @fval when @integer is false.
 */
static void exp_series_v(const char *name, bool integer, unsigned long long ival,
			 double fval, va_list ap)
{
	const char *k, *sep = "{";

	fputs(name, po);
	while ((k = va_arg(ap, const char *))) {
		fprintf(po, "%s%s=\"", sep, k);
		exp_label_value(va_arg(ap, const char *));
		fputc('"', po);
		sep = ",";
	}
	if (*sep == ',')
		fputc('}', po);
	if (integer)
		fprintf(po, " %llu\n", ival);
	else
		fprintf(po, " %.9g\n", fval);
}

static void __attribute__((sentinel))
exp_u64(const char *name, unsigned long long v, ...)
{
	va_list ap;

	va_start(ap, v);
	exp_series_v(name, true, v, 0, ap);
	va_end(ap);
}

static void __attribute__((sentinel))
exp_double(const char *name, double v, ...)
{
	va_list ap;

	va_start(ap, v);
	exp_series_v(name, false, 0, v, ap);
	va_end(ap);
}

/* "NAME attached", "NAME inherited" or "default" into @c */
static void exp_policy_of(struct exp_cg *c, const char *line)
{
	const char *sp = strchr(line, ' ');

	if (!sp) {
		snprintf(c->policy, sizeof(c->policy), "%s", line);
		c->how = "default";
		return;
	}
	snprintf(c->policy, sizeof(c->policy), "%.*s", (int)(sp - line), line);
	c->how = !strcmp(sp + 1, "attached") ? "attached" :
		 !strcmp(sp + 1, "inherited") ? "inherited" : "default";
}

/* Read every memory cgroup into exp_cgs[] */
static int exp_cgroups_read(void)
{
	size_t i;

	cg_walk();
	exp_cgs = calloc(nr_cgs ? nr_cgs : 1, sizeof(*exp_cgs));
	if (!exp_cgs) {
		err("out of memory");
		return -1;
	}
	for (i = 0; i < nr_cgs; i++) {
		struct exp_cg *c = &exp_cgs[nr_exp_cgs];
		char file[PATH_MAX + 32], buf[64];
		const char *p = cgs[i].path;
		unsigned long long v[EXP_NR_STAT];
		size_t k;

		/* the memory controller is on where memory.stat is */
		snprintf(file, sizeof(file), "%s/memory.stat", p);
		for (k = 0; k < EXP_NR_STAT; k++)
			v[k] = ULLONG_MAX;
		c->nr_stat = read_keys(file, exp_stat_keys, v, EXP_NR_STAT);
		if (c->nr_stat < 0)
			continue;	/* no memory controller, or removed */
		for (k = 0; k < EXP_NR_STAT; k++) {
			c->has[k] = v[k] != ULLONG_MAX;
			c->stat[k] = c->has[k] ? v[k] : 0;
		}
		c->path = cgroup_name(p);
		snprintf(file, sizeof(file), "%s/" POLICY_FILE, p);
		if (read_file(file, buf, sizeof(buf)) > 0) {
			buf[strcspn(buf, "\n")] = '\0';
			exp_policy_of(c, buf);
		}
		c->has_memory = read_u64_in(p, "memory.current", &c->memory);
		c->has_swap = read_u64_in(p, "memory.swap.current", &c->swap);
		nr_exp_cgs++;
	}
	return 0;
}

static void exp_machine(void)
{
	static const char *const stat_keys[] = {
		"enabled", "slots", "slots_used", "zero", "zswap", "phys",
		"folio", "static_bytes", "dynamic_bytes",
	};
	static const char *const mem_keys[] = { "Zswap:", "Zswapped:" };
	unsigned long long st[ARRAY_SIZE(stat_keys)] = {};
	unsigned long long vm[ARRAY_SIZE(exp_vmstat_keys)];
	unsigned long long mem[ARRAY_SIZE(mem_keys)];
	char line[512];
	bool header = true;
	size_t i;
	FILE *f;

	if (read_keys(VSWAP_SYSFS "/stat", stat_keys, st, ARRAY_SIZE(stat_keys)) >= 1) {
		exp_family("swapctl_vswap_enabled", "gauge",
			   "1 while the virtual swap space exists (/sys/kernel/mm/vswap/enabled).");
		exp_u64("swapctl_vswap_enabled", st[0], NULL);
		exp_family("swapctl_vswap_slots", "gauge",
			   "Slots of the virtual swap space.");
		exp_u64("swapctl_vswap_slots", st[1], NULL);
		exp_family("swapctl_vswap_slots_used", "gauge",
			   "Virtual slots in use.");
		exp_u64("swapctl_vswap_slots_used", st[2], NULL);
		exp_family("swapctl_vswap_pages", "gauge",
			   "Swapped-out pages per backend, machine-wide: zero-filled, in zswap, on a tier, kept in memory.");
		for (i = 0; i < ARRAY_SIZE(backend_names); i++)
			exp_u64("swapctl_vswap_pages", st[3 + i],
				"backend", backend_names[i], NULL);
		exp_family("swapctl_vswap_metadata_bytes", "gauge",
			   "vswap's own metadata: static exists at 0% use, dynamic grew with use.");
		exp_u64("swapctl_vswap_metadata_bytes", st[7], "kind", "static", NULL);
		exp_u64("swapctl_vswap_metadata_bytes", st[8], "kind", "dynamic", NULL);
	}

	f = fopen(VSWAP_SYSFS "/tiers", "r");
	if (f) {
		struct tier_line t[32];
		int n = 0, k;

		while (n < (int)ARRAY_SIZE(t) && fgets(line, sizeof(line), f)) {
			if (header) {
				header = false;
				continue;
			}
			if (tier_line_parse(line, &t[n]))
				n++;
		}
		fclose(f);
		exp_family("swapctl_tier_size_bytes", "gauge",
			   "Size of each swap tier behind vswap (slots times the page size).");
		for (k = 0; k < n; k++) {
			char type[16], prio[16];

			snprintf(type, sizeof(type), "%d", t[k].type);
			snprintf(prio, sizeof(prio), "%d", t[k].prio);
			exp_u64("swapctl_tier_size_bytes", t[k].slots * page_size,
				"device", t[k].dev, "type", type, "prio", prio, NULL);
		}
		exp_family("swapctl_tier_used_bytes", "gauge",
			   "Bytes of each tier in use.");
		for (k = 0; k < n; k++)
			exp_u64("swapctl_tier_used_bytes", t[k].used * page_size,
				"device", t[k].dev, NULL);
		exp_family("swapctl_tier_used_pages", "gauge",
			   "Slots of each tier in use.");
		for (k = 0; k < n; k++)
			exp_u64("swapctl_tier_used_pages", t[k].used,
				"device", t[k].dev, NULL);
		exp_family("swapctl_tier_vswap_pages", "gauge",
			   "Slots of each tier holding the data of virtual slots.");
		for (k = 0; k < n; k++)
			exp_u64("swapctl_tier_vswap_pages", t[k].backing,
				"device", t[k].dev, NULL);
	}

	for (i = 0; i < ARRAY_SIZE(mem_keys); i++)
		mem[i] = ULLONG_MAX;
	if (read_keys("/proc/meminfo", mem_keys, mem, ARRAY_SIZE(mem_keys)) == 2) {
		/* meminfo pads the values with spaces: read_keys took them */
		exp_family("swapctl_zswap_pool_bytes", "gauge",
			   "Memory the zswap pool takes, machine-wide (Zswap in /proc/meminfo).");
		exp_u64("swapctl_zswap_pool_bytes", mem[0] * 1024, NULL);
		exp_family("swapctl_zswap_stored_bytes", "gauge",
			   "Uncompressed size of the pages in zswap (Zswapped in /proc/meminfo).");
		exp_u64("swapctl_zswap_stored_bytes", mem[1] * 1024, NULL);
		exp_family("swapctl_zswap_compression_ratio", "gauge",
			   "Stored bytes per pool byte; absent while the pool is empty.");
		if (mem[0])
			exp_double("swapctl_zswap_compression_ratio",
				   (double)mem[1] / mem[0], NULL);
	}

	for (i = 0; i < ARRAY_SIZE(exp_vmstat_keys); i++)
		vm[i] = ULLONG_MAX;
	read_keys("/proc/vmstat", exp_vmstat_keys, vm, ARRAY_SIZE(exp_vmstat_keys));
	exp_family("swapctl_swap_events_total", "counter",
		   "Swap events since boot, machine-wide, by their /proc/vmstat name.");
	for (i = 0; i < ARRAY_SIZE(exp_vmstat_keys); i++)
		if (vm[i] != ULLONG_MAX)
			exp_u64("swapctl_swap_events_total", vm[i],
				"event", exp_vmstat_keys[i], NULL);
}

/* A gauge family of one memory.stat key (index @k) per cgroup */
static void exp_cg_stat(const char *name, int k, const char *help)
{
	size_t i;

	exp_family(name, "gauge", help);
	for (i = 0; i < nr_exp_cgs; i++)
		if (exp_cgs[i].has[k])
			exp_u64(name, exp_cgs[i].stat[k], "cgroup", exp_cgs[i].path, NULL);
}

static void exp_cgroups(void)
{
	size_t i, k;

	exp_family("swapctl_cgroup_policy_info", "gauge",
		   "The swap_ext policy of each memory cgroup: its own (attached), an ancestor's (inherited), or the built-in (default).");
	for (i = 0; i < nr_exp_cgs; i++)
		if (exp_cgs[i].how)
			exp_u64("swapctl_cgroup_policy_info", 1, "cgroup", exp_cgs[i].path,
				"policy", exp_cgs[i].policy, "how", exp_cgs[i].how, NULL);
	exp_family("swapctl_cgroup_memory_bytes", "gauge",
		   "memory.current of each cgroup.");
	for (i = 0; i < nr_exp_cgs; i++)
		if (exp_cgs[i].has_memory)
			exp_u64("swapctl_cgroup_memory_bytes", exp_cgs[i].memory,
				"cgroup", exp_cgs[i].path, NULL);
	exp_family("swapctl_cgroup_swap_bytes", "gauge",
		   "memory.swap.current of each cgroup: its swapped-out pages, whatever backs them.");
	for (i = 0; i < nr_exp_cgs; i++)
		if (exp_cgs[i].has_swap)
			exp_u64("swapctl_cgroup_swap_bytes", exp_cgs[i].swap,
				"cgroup", exp_cgs[i].path, NULL);
	exp_family("swapctl_cgroup_swapped_bytes", "gauge",
		   "Bytes of each cgroup's (and its descendants') swapped-out pages per backend: zero-filled, in zswap (uncompressed), on a tier, kept in memory.");
	for (i = 0; i < nr_exp_cgs; i++)
		for (k = 0; k < ARRAY_SIZE(backend_names); k++)
			if (exp_cgs[i].has[EXP_BACKENDS + k])
				exp_u64("swapctl_cgroup_swapped_bytes",
					exp_cgs[i].stat[EXP_BACKENDS + k],
					"cgroup", exp_cgs[i].path,
					"backend", backend_names[k], NULL);
	exp_family("swapctl_cgroup_swapped_pages", "gauge",
		   "The same in pages.");
	for (i = 0; i < nr_exp_cgs; i++)
		for (k = 0; k < ARRAY_SIZE(backend_names); k++)
			if (exp_cgs[i].has[EXP_BACKENDS + k])
				exp_u64("swapctl_cgroup_swapped_pages",
					exp_cgs[i].stat[EXP_BACKENDS + k] / page_size,
					"cgroup", exp_cgs[i].path,
					"backend", backend_names[k], NULL);
	exp_cg_stat("swapctl_cgroup_zswap_pool_bytes", EXP_ZSWAP_POOL,
		    "Compressed bytes of each cgroup's pages in zswap (zswap in memory.stat).");
	exp_cg_stat("swapctl_cgroup_zswap_stored_bytes", EXP_ZSWAPPED,
		    "Uncompressed bytes of each cgroup's pages in zswap (zswapped in memory.stat).");
	exp_family("swapctl_cgroup_zswap_compression_ratio", "gauge",
		   "zswapped over zswap of each cgroup; absent while it has nothing in zswap.");
	for (i = 0; i < nr_exp_cgs; i++)
		if (exp_cgs[i].stat[EXP_ZSWAP_POOL])
			exp_double("swapctl_cgroup_zswap_compression_ratio",
				   (double)exp_cgs[i].stat[EXP_ZSWAPPED] /
				   exp_cgs[i].stat[EXP_ZSWAP_POOL],
				   "cgroup", exp_cgs[i].path, NULL);
	exp_family("swapctl_cgroup_swap_events_total", "counter",
		   "Swap events of each cgroup and its descendants, by their memory.stat name (zswpwb: zswap writebacks).");
	for (i = 0; i < nr_exp_cgs; i++)
		for (k = EXP_EVENTS; k < EXP_NR_STAT; k++)
			if (exp_cgs[i].has[k])
				exp_u64("swapctl_cgroup_swap_events_total",
					exp_cgs[i].stat[k], "cgroup", exp_cgs[i].path,
					"event", exp_stat_keys[k], NULL);
}

/* The kernel's counters of a policy, as /sys/kernel/mm/swap_ext/policies has them */
static const struct {
	const char *key;
	const char *family;	/* NULL: unknown to this swapctl */
	const char *label;	/* its label, and the key is the value */
} exp_counters[] = {
	{ "place", "swapctl_policy_calls_total", "op" },
	{ "compressed", "swapctl_policy_calls_total", "op" },
	{ "writeback", "swapctl_policy_calls_total", "op" },
	{ "swapin", "swapctl_policy_calls_total", "op" },
	{ "default", "swapctl_policy_verdicts_total", "verdict" },
	{ "zswap", "swapctl_policy_verdicts_total", "verdict" },
	{ "tier", "swapctl_policy_verdicts_total", "verdict" },
	{ "keep", "swapctl_policy_verdicts_total", "verdict" },
	{ "drop", "swapctl_policy_verdicts_total", "verdict" },
	{ "wb_pages", "swapctl_policy_writeback_requested_pages_total", NULL },
	{ "wb_forced", "swapctl_policy_writeback_overruled_total", NULL },
	{ "nested", "swapctl_policy_nested_skipped_total", NULL },
	{ "slow", "swapctl_policy_slow_calls_total", NULL },
};

static const struct {
	const char *name, *type, *help;
} exp_policy_families[] = {
	{ "swapctl_policy_calls_total", "counter",
	  "Calls of each op of the policy." },
	{ "swapctl_policy_verdicts_total", "counter",
	  "Verdicts of the policy's place() and compressed()." },
	{ "swapctl_policy_writeback_requested_pages_total", "counter",
	  "zswap entries the policy's writeback() asked to write back." },
	{ "swapctl_policy_writeback_overruled_total", "counter",
	  "writeback() answers the kernel overruled (nothing asked while over the zswap limit)." },
	{ "swapctl_policy_nested_skipped_total", "counter",
	  "Calls skipped because they would have nested in another op of the policy." },
	{ "swapctl_policy_slow_calls_total", "counter",
	  "Calls over watchdog_op_budget_us." },
};

/* The value of @key in @p's "key=value ..." counters */
static bool exp_counter(const struct policy *p, const char *key,
			unsigned long long *v)
{
	size_t l = strlen(key);
	const char *s;

	for (s = p->counters; (s = strstr(s, key)); s += l) {
		if ((s == p->counters || s[-1] == ' ') && s[l] == '=') {
			*v = strtoull(s + l + 1, NULL, 10);
			return true;
		}
	}
	return false;
}

struct exp_stats_ctx {
	const struct policy *p;
	const char *map_id;
};

static void exp_stat(void *ctx, const char *name, unsigned long long sum)
{
	const struct exp_stats_ctx *x = ctx;

	exp_u64("swapctl_policy_stat", sum, "policy", x->p->name,
		"map_id", x->map_id, "field", name, NULL);
}

static void exp_policies(void)
{
	char id[16], exit_line[512];
	unsigned long long v;
	size_t f, k;
	int i, j;

	exp_family("swapctl_policy_info", "gauge",
		   "Each loaded swap_ext policy: active, ejected (stays until its last link is gone), or detached.");
	for (i = 0; i < nr_policies; i++) {
		snprintf(id, sizeof(id), "%u", policies[i].map_id);
		exp_u64("swapctl_policy_info", 1, "policy", policies[i].name,
			"map_id", id, "state",
			policies[i].state[0] ? policies[i].state : "detached", NULL);
	}
	exp_family("swapctl_policy_cgroup_info", "gauge",
		   "The cgroups each policy is linked to.");
	for (i = 0; i < nr_policies; i++) {
		snprintf(id, sizeof(id), "%u", policies[i].map_id);
		for (j = 0; j < policies[i].nr_links; j++) {
			const char *path = cg_path_of(policies[i].cgroups[j]);
			char gone[48];

			/* two removed cgroups must not make one series */
			snprintf(gone, sizeof(gone), "(removed %llu)", policies[i].cgroups[j]);
			exp_u64("swapctl_policy_cgroup_info", 1, "policy",
				policies[i].name, "map_id", id, "cgroup",
				path ? cgroup_name(path) : gone, NULL);
		}
	}
	for (f = 0; f < ARRAY_SIZE(exp_policy_families); f++) {
		exp_family(exp_policy_families[f].name, exp_policy_families[f].type,
			   exp_policy_families[f].help);
		for (i = 0; i < nr_policies; i++) {
			snprintf(id, sizeof(id), "%u", policies[i].map_id);
			for (k = 0; k < ARRAY_SIZE(exp_counters); k++) {
				if (strcmp(exp_counters[k].family, exp_policy_families[f].name) ||
				    !exp_counter(&policies[i], exp_counters[k].key, &v))
					continue;
				if (exp_counters[k].label)
					exp_u64(exp_policy_families[f].name, v, "policy",
						policies[i].name, "map_id", id,
						exp_counters[k].label, exp_counters[k].key, NULL);
				else
					exp_u64(exp_policy_families[f].name, v, "policy",
						policies[i].name, "map_id", id, NULL);
			}
		}
	}
	exp_family("swapctl_policy_op_seconds_total", "counter",
		   "Time spent in the policy's non-sleepable ops.");
	for (i = 0; i < nr_policies; i++) {
		snprintf(id, sizeof(id), "%u", policies[i].map_id);
		if (exp_counter(&policies[i], "op_us", &v))
			exp_double("swapctl_policy_op_seconds_total", v / 1e6, "policy",
				   policies[i].name, "map_id", id, NULL);
	}
	exp_family("swapctl_policy_stat", "untyped",
		   "The u64 fields of each policy's stats map (a map called stats), summed over CPUs.");
	for (i = 0; i < nr_policies; i++) {
		struct exp_stats_ctx x = { &policies[i], id };

		snprintf(id, sizeof(id), "%u", policies[i].map_id);
		if (policies[i].stats_id)
			stats_each(&policies[i], true, exp_stat, &x);
	}

	/* last_exit: NAME KIND OP VALUE REASON, or "none" */
	exp_family("swapctl_last_exit_info", "gauge",
		   "The last policy that stopped (ejected or unregistered) and why (/sys/kernel/mm/swap_ext/last_exit).");
	if (read_file(SWAP_EXT_SYSFS "/last_exit", exit_line, sizeof(exit_line)) > 0 &&
	    strncmp(exit_line, "none", 4)) {
		char *name, *kind, *op, *value, *reason, *save;

		exit_line[strcspn(exit_line, "\n")] = '\0';
		name = strtok_r(exit_line, " ", &save);
		kind = strtok_r(NULL, " ", &save);
		op = strtok_r(NULL, " ", &save);
		value = strtok_r(NULL, " ", &save);
		reason = strtok_r(NULL, "", &save);
		if (value)
			exp_u64("swapctl_last_exit_info", 1, "policy", name, "kind", kind,
				"op", op, "value", value, "reason", reason ? reason : "",
				NULL);
	}
}

/*
 * Write the exposition to DIR/swapctl.prom: a temporary file in DIR (a
 * name node_exporter's textfile collector skips), then rename(), so that
 * a scrape sees the old file or the new one, never half of one.
 */
static int exp_textfile(const char *dir)
{
	int fd, e;

	if (snprintf(exp_tmp, sizeof(exp_tmp), "%s/.%s.XXXXXX", dir,
		     EXP_FILE) >= (int)sizeof(exp_tmp)) {
		err("--textfile %s: path too long", dir);
		return -1;
	}
	fd = mkstemp(exp_tmp);
	if (fd < 0) {
		err("--textfile %s: %s", dir, strerror(errno));
		return -1;
	}
	po = fdopen(fd, "w");
	if (!po) {
		e = errno;
		close(fd);
		unlink(exp_tmp);
		err("--textfile %s: %s", dir, strerror(e));
		return -1;
	}
	return 0;
}

/* Make the textfile DIR/swapctl.prom if @ok and it was written whole */
static int exp_textfile_commit(const char *dir, bool ok)
{
	char dst[PATH_MAX + sizeof(EXP_FILE) + 1];
	int fd = fileno(po), e = 0;

	snprintf(dst, sizeof(dst), "%s/%s", dir, EXP_FILE);
	if (fflush(po) || fchmod(fd, 0644) || fsync(fd))
		e = errno;
	if (fclose(po) && !e)
		e = errno;
	if (ok && !e && rename(exp_tmp, dst))
		e = errno;
	if (!ok || e) {
		unlink(exp_tmp);
		err("--textfile: %s: %s", dst, strerror(e ? e : EIO));
		return -1;
	}
	return 0;
}

int cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "textfile", required_argument, NULL, 't' },
		{}
	};
	const char *dir = NULL;
	int c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (c != 't')
			return 2;
		dir = optarg;
	}
	if (argc != optind)
		return 2;
	if (json) {
		err("export writes the Prometheus text format: -j does not apply");
		return 2;
	}
	page_size = sysconf(_SC_PAGESIZE);
	/* read everything before writing anything */
	if (access(SWAP_EXT_SYSFS, F_OK) && access(VSWAP_SYSFS, F_OK)) {
		err("this kernel has neither vswap nor swap_ext: nothing to export");
		return 1;
	}
	if (!access(SWAP_EXT_SYSFS, F_OK) && policies_load())
		return 1;
	if (exp_cgroups_read())
		return 1;
	po = stdout;
	if (dir && exp_textfile(dir))
		return 1;
	exp_machine();
	exp_cgroups();
	if (!access(SWAP_EXT_SYSFS, F_OK))
		exp_policies();
	ret = ferror(po) ? -1 : 0;
	if (dir)
		return exp_textfile_commit(dir, !ret) ? 1 : 0;
	if (fflush(po) || ret) {
		err("export: %s", strerror(errno));
		return 1;
	}
	return 0;
}
