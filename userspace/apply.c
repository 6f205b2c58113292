// SPDX-License-Identifier: GPL-2.0
/*
 * swapctl apply: attach the policies a configuration file names.
 *
 *   swapctl [-j] [-v] apply [-n] [--watch] [--backoff-ms MS] [FILE]
 *
 * FILE (default /etc/swapctl/swapctl.conf) is an INI file, read by
 * libinih: one section per cgroup path or glob, relative to
 * /sys/fs/cgroup (or absolute under it; "/" is the root), with the
 * policy and its knobs:
 *
 *   [demo/web]
 *   policy = latency
 *   protect = demo/web
 *
 *   [system.slice/batch-*]
 *   policy = tiered
 *   batch = 32
 *
 * A glob is matched one path component at a time (fnmatch() with
 * FNM_PATHNAME: "*" does not cross a "/"); a cgroup takes the first section
 * that matches it; only cgroups with the memory controller match a glob.
 * Why INI: the file is a flat map from cgroups to a policy and a few
 * knobs, which needs no nesting and no types; it is the syntax of systemd
 * units that operators already write; libinih is small, maintained,
 * shipped by Debian, and reports the line of the first error.
 *
 * apply makes the links swapctl pinned match the file: it attaches what is
 * missing, replaces a policy whose object or knobs differ (the struct_ops
 * map's name or the .rodata it loaded), re-attaches one that was ejected,
 * and detaches what the file no longer names.  Only links swapctl pinned
 * are touched: a cgroup whose policy another tool attached is reported and
 * left alone.  A file that does not parse, or names a policy that cannot
 * be found, a knob the policy does not have or a value it cannot take,
 * changes nothing: everything is checked before the first change.
 *
 * A replacement loads the new policy, then detaches the old one and
 * attaches the new (the kernel allows one own policy per cgroup): for
 * that moment the cgroup runs on the inherited or built-in policy, which
 * loses no data.
 *
 * --watch stays and applies the file again when a cgroup is made or
 * removed (inotify on every cgroup directory), when FILE is written or
 * replaced (inotify on its directory: editors replace files) or on
 * SIGHUP, and re-attaches a policy that was ejected (the state is polled
 * every second), after a delay that doubles with each ejection of the same
 * cgroup's policy (--backoff-ms, 1000 by default, up to 300 s), starting
 * again from the first delay once a policy has stayed attached for 600
 * delays; a failed attach waits the same way.  A file that became invalid
 * is reported and the last valid one stays in force.  SIGTERM and SIGINT
 * end it; the policies stay.
 */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>

#include <ini.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "swapctl.h"

#define DEFAULT_CONF	"/etc/swapctl/swapctl.conf"
#define MAX_KNOBS	32
#define BACKOFF_MAX_MS	300000
#define BACKOFF_RESET	600	/* delays attached before the backoff resets */

/* A section of the file */
struct rule {
	char *section;			/* as written */
	int header;			/* the line of its "[...]" */
	char *pattern;			/* relative to CGROUP_ROOT; "" the root */
	bool glob;			/* it has *, ? or [ */
	int line;			/* of its first name = value */
	char *policy;			/* as written */
	int policy_line;
	int nr_knobs;
	char *knob[MAX_KNOBS], *value[MAX_KNOBS];
	int knob_line[MAX_KNOBS];
	/* from the object, its knobs set */
	char path[PATH_MAX];		/* the .bpf.o */
	char map_name[BPF_OBJ_NAME_LEN];	/* its struct_ops map */
	void *rodata;			/* its .rodata, or NULL */
	size_t rodata_size;
};

struct conf {
	const char *file;
	struct rule *rules;
	int nr_rules;
	/* while parsing */
	FILE *f;
	int line;			/* lines read so far */
	int nr_headers;
	int *header_line;		/* of each "[...]" line */
	char **header_name;		/* its name, whole (libinih cuts at 49) */
	int err_line;			/* of the first error found here */
	char err[512];
};

/* ---------------------------------------------------------------------
 * The file
 */

static void conf_free(struct conf *c)
{
	int i, k;

	for (i = 0; i < c->nr_rules; i++) {
		struct rule *r = &c->rules[i];

		free(r->section);
		free(r->pattern);
		free(r->policy);
		for (k = 0; k < r->nr_knobs; k++) {
			free(r->knob[k]);
			free(r->value[k]);
		}
		free(r->rodata);
	}
	free(c->rules);
	for (i = 0; i < c->nr_headers; i++)
		free(c->header_name[i]);
	free(c->header_name);
	free(c->header_line);
	memset(c, 0, sizeof(*c));
}

static int __attribute__((format(printf, 2, 3)))
conf_error(struct conf *c, const char *fmt, ...)
{
	va_list ap;

	if (c->err_line)
		return 0;	/* the first error is the one reported */
	c->err_line = c->line;
	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
	return 0;
}

/*
 * A "[NAME]" line's NAME, whole: libinih hands sections over cut to 49
 * characters, too short for cgroup paths.  The line is libinih's to
 * judge; this only keeps what is between the "[" and the last "]" before
 * an inline comment, trimmed.
 */
static char *header_name(const char *s)
{
	const char *end = NULL, *p;
	size_t l;

	for (p = s + 1; *p; p++) {
		if (*p == ';' && (p[-1] == ' ' || p[-1] == '\t'))
			break;
		if (*p == ']')
			end = p;
	}
	if (!end)
		end = s + strlen(s);
	s += 1 + strspn(s + 1, " \t");
	for (l = end - s; l && (s[l - 1] == ' ' || s[l - 1] == '\t'); l--)
		;
	return strndup(s, l);
}

/* libinih's reader: fgets(), counting lines and noting section headers */
static char *conf_reader(char *str, int num, void *stream)
{
	struct conf *c = stream;
	char *s = fgets(str, num, c->f), **names;
	int *lines;
	size_t l;

	if (!s)
		return NULL;
	c->line++;
	l = strlen(s);
	if (l && s[l - 1] != '\n' && !feof(c->f))
		conf_error(c, "line longer than %d characters", num - 2);
	if (c->line == 1 && !strncmp(s, "\xEF\xBB\xBF", 3))
		s += 3;		/* a UTF-8 BOM, which libinih skips too */
	s += strspn(s, " \t");
	if (*s != '[')
		return str;
	lines = realloc(c->header_line, (c->nr_headers + 1) * sizeof(*lines));
	if (lines)
		c->header_line = lines;
	names = realloc(c->header_name, (c->nr_headers + 1) * sizeof(*names));
	if (names)
		c->header_name = names;
	if (!lines || !names)
		return NULL;
	c->header_name[c->nr_headers] = header_name(s);
	if (!c->header_name[c->nr_headers])
		return NULL;
	c->header_line[c->nr_headers++] = c->line;
	return str;
}

/* A section name as a pattern relative to CGROUP_ROOT, or NULL */
static char *conf_pattern(struct conf *c, const char *section)
{
	size_t root = strlen(CGROUP_ROOT), l, cl;
	const char *s = section, *comp;
	char *p;

	if (!strncmp(s, CGROUP_ROOT, root) && (!s[root] || s[root] == '/'))
		s += root;
	else if (!*s)
		goto empty;
	s += strspn(s, "/");
	p = strdup(s);
	if (!p) {
		conf_error(c, "out of memory");
		return NULL;
	}
	for (l = strlen(p); l && p[l - 1] == '/'; l--)
		p[l - 1] = '\0';
	for (comp = p; *comp; comp += cl, comp += strspn(comp, "/")) {
		cl = strcspn(comp, "/");
		if ((cl == 1 && comp[0] == '.') || (cl == 2 && !strncmp(comp, "..", 2))) {
			conf_error(c, "[%s]: \".\" and \"..\" are not allowed in a cgroup path",
				   section);
			free(p);
			return NULL;
		}
	}
	return p;
empty:
	conf_error(c, "[]: an empty cgroup path (the root is [/])");
	return NULL;
}

/* The rule the pairs of @section go to: the current one, or a new one */
static struct rule *conf_rule(struct conf *c, const char *cut)
{
	int header = c->nr_headers ? c->header_line[c->nr_headers - 1] : 0;
	const char *section = c->nr_headers ? c->header_name[c->nr_headers - 1] : cut;
	struct rule *r, *n;
	int i;

	if (c->nr_rules && c->rules[c->nr_rules - 1].header == header)
		return &c->rules[c->nr_rules - 1];
	for (i = 0; i < c->nr_rules; i++) {
		if (!strcmp(c->rules[i].section, section)) {
			conf_error(c, "[%s] given twice (first on line %d)", section,
				   c->rules[i].header);
			return NULL;
		}
	}
	n = realloc(c->rules, (c->nr_rules + 1) * sizeof(*n));
	if (!n) {
		conf_error(c, "out of memory");
		return NULL;
	}
	c->rules = n;
	r = &n[c->nr_rules];
	memset(r, 0, sizeof(*r));
	r->header = header;
	r->line = c->line;
	r->pattern = conf_pattern(c, section);
	r->section = strdup(section);
	if (!r->pattern || !r->section) {
		free(r->pattern);
		free(r->section);
		return NULL;
	}
	r->glob = strpbrk(r->pattern, "*?[");
	c->nr_rules++;
	return r;
}

/* A knob's name: a C identifier, as the policy's const volatile is */
static bool knob_name_ok(const char *n)
{
	static const char alpha[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_";
	size_t l = strspn(n, alpha);

	return l && l + strspn(n + l, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_") ==
		    strlen(n);
}

/* libinih's handler: one name = value of a section (0 on an error) */
static int conf_handler(void *user, const char *section, const char *name,
			const char *value)
{
	struct conf *c = user;
	struct rule *r;
	int i, n;

	if (!*section)
		return conf_error(c, "'%s' is outside a [cgroup] section", name);
	r = conf_rule(c, section);
	if (!r)
		return 0;
	section = r->section;
	if (!*value)
		return conf_error(c, "[%s]: %s has no value", section, name);
	if (!strcmp(name, "policy")) {
		if (r->policy)
			return conf_error(c, "[%s]: policy given twice (first on line %d)",
					  section, r->policy_line);
		r->policy = strdup(value);
		r->policy_line = c->line;
		return r->policy ? 1 : conf_error(c, "out of memory");
	}
	if (!knob_name_ok(name))
		return conf_error(c, "[%s]: '%s' is not a knob name (a C identifier)",
				  section, name);
	for (i = 0; i < r->nr_knobs; i++)
		if (!strcmp(r->knob[i], name))
			return conf_error(c, "[%s]: %s given twice (first on line %d)",
					  section, name, r->knob_line[i]);
	if (r->nr_knobs == MAX_KNOBS)
		return conf_error(c, "[%s]: more than %d knobs", section, MAX_KNOBS);
	n = r->nr_knobs;
	r->knob[n] = strdup(name);
	r->value[n] = strdup(value);
	r->knob_line[n] = c->line;
	r->nr_knobs++;
	if (!r->knob[n] || !r->value[n])
		return conf_error(c, "out of memory");
	return 1;
}

/* Report an error at @line of the file */
static void __attribute__((format(printf, 3, 4)))
conf_report(const struct conf *c, int line, const char *fmt, ...)
{
	char where[PATH_MAX + 16], msg[1024];
	va_list ap;

	snprintf(where, sizeof(where), "%s:%d", c->file, line);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	err_where = where;
	err("%s", msg);
	err_where = NULL;
}

/*
 * Open rule @r's policy with its knobs: each knob alone first, so that an
 * error names its line; then all of them, for the .rodata they make.
 */
static int rule_resolve(const struct conf *c, struct rule *r)
{
	char where[PATH_MAX + 16];
	struct bpf_object *obj;
	const struct btf_type *sec;
	struct bpf_map *map;
	const void *data;
	size_t size;
	int k;

	if (policy_path(r->policy, r->path, sizeof(r->path))) {
		conf_report(c, r->policy_line,
			    "policy %s: no such file or shipped policy (swapctl list shows where they are looked up)",
			    r->policy);
		return -1;
	}
	for (k = 0; k < r->nr_knobs; k++) {
		snprintf(where, sizeof(where), "%s:%d", c->file, r->knob_line[k]);
		err_where = where;
		obj = policy_open(r->path, (const char *const *)&r->knob[k],
				  (const char *const *)&r->value[k], 1);
		err_where = NULL;
		if (!obj)
			return -1;
		bpf_object__close(obj);
	}
	snprintf(where, sizeof(where), "%s:%d", c->file, r->policy_line);
	err_where = where;
	obj = policy_open(r->path, (const char *const *)r->knob,
			  (const char *const *)r->value, r->nr_knobs);
	err_where = NULL;
	if (!obj)
		return -1;
	bpf_object__for_each_map(map, obj)
		if (bpf_map__type(map) == BPF_MAP_TYPE_STRUCT_OPS)
			snprintf(r->map_name, sizeof(r->map_name), "%s", bpf_map__name(map));
	if (!rodata_of(obj, &map, &sec)) {
		data = bpf_map__initial_value(map, &size);
		r->rodata = data ? malloc(size) : NULL;
		if (r->rodata) {
			memcpy(r->rodata, data, size);
			r->rodata_size = size;
		}
	}
	bpf_object__close(obj);
	return 0;
}

/* Read and check @file into @c: 0, or -1 with the error reported */
static int conf_load(struct conf *c, const char *file)
{
	int ret, i, h;

	memset(c, 0, sizeof(*c));
	c->file = file;
	c->f = fopen(file, "r");
	if (!c->f) {
		err("%s: %s", file, strerror(errno));
		return -1;
	}
	/* an indented line is a pair of its own, not a continuation */
	ini_allow_multiline = false;
	ret = ini_parse_stream(conf_reader, c, conf_handler, c);
	fclose(c->f);
	c->f = NULL;
	if (ret < 0) {
		err("%s: %s", file, ret == -2 ? "out of memory" : "cannot read it");
		goto fail;
	}
	if (ret > 0 && (!c->err_line || ret < c->err_line)) {
		conf_report(c, ret, "not a [cgroup] line, a name = value line or a comment");
		goto fail;
	}
	if (c->err_line) {
		conf_report(c, c->err_line, "%s", c->err);
		goto fail;
	}
	/* a section with no pair never reached the handler */
	for (h = 0; h < c->nr_headers; h++) {
		for (i = 0; i < c->nr_rules; i++)
			if (c->rules[i].header == c->header_line[h])
				break;
		if (i == c->nr_rules) {
			conf_report(c, c->header_line[h], "a section without policy =");
			goto fail;
		}
	}
	for (i = 0; i < c->nr_rules; i++) {
		if (!c->rules[i].policy) {
			conf_report(c, c->rules[i].header, "[%s] has no policy =",
				    c->rules[i].section);
			goto fail;
		}
	}
	for (i = 0; i < c->nr_rules; i++)
		if (rule_resolve(c, &c->rules[i]))
			goto fail;
	return 0;
fail:
	conf_free(c);
	return -1;
}

/* ---------------------------------------------------------------------
 * What is attached: the links swapctl pinned
 */

struct pinned {
	unsigned long long id;		/* the cgroup */
	bool seen;			/* desired by the file */
	char policy[32];		/* its name, "" if unknown */
	char map_name[BPF_OBJ_NAME_LEN];
	bool active;
	void *rodata;			/* as loaded, or NULL */
	size_t rodata_size;
};

/* The .rodata of the object program @prog_id came from, as loaded */
static void *loaded_rodata(__u32 prog_id, size_t *size)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info), ids[64], i;
	void *data = NULL;
	int fd = bpf_prog_get_fd_by_id(prog_id);

	*size = 0;
	if (fd < 0)
		return NULL;
	info.nr_map_ids = ARRAY_SIZE(ids);
	info.map_ids = (unsigned long)ids;
	if (bpf_prog_get_info_by_fd(fd, &info, &len))
		goto out;
	for (i = 0; i < info.nr_map_ids && i < ARRAY_SIZE(ids) && !data; i++) {
		struct bpf_map_info mi = {};
		__u32 mlen = sizeof(mi), key = 0;
		int mfd = bpf_map_get_fd_by_id(ids[i]);
		size_t l;

		if (mfd < 0)
			continue;
		l = 0;
		if (!bpf_map_get_info_by_fd(mfd, &mi, &mlen))
			l = strlen(mi.name);
		if (l >= 7 && !strcmp(mi.name + l - 7, ".rodata")) {
			data = malloc(mi.value_size);
			if (data && bpf_map_lookup_elem(mfd, &key, data)) {
				free(data);
				data = NULL;
			} else if (data) {
				*size = mi.value_size;
			}
		}
		close(mfd);
	}
out:
	close(fd);
	return data;
}

static void pinned_free(struct pinned *p, int n)
{
	while (n--)
		free(p[n].rodata);
	free(p);
}

/* The links pinned under PIN_ROOT: their number, into *@out */
static int pinned_read(struct pinned **out)
{
	struct pinned *p = NULL, *n;
	struct dirent *de;
	int nr = 0;
	DIR *d;

	*out = NULL;
	d = opendir(PIN_ROOT);
	if (!d)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(d))) {
		struct bpf_link_info info = {};
		__u32 len = sizeof(info);
		struct bpf_map_info mi = {};
		__u32 mlen = sizeof(mi);
		char pin[PATH_MAX];
		unsigned long long id;
		struct policy *pol;
		char *end;
		int fd, mfd;

		id = strtoull(de->d_name, &end, 10);
		if (*end || end == de->d_name)
			continue;
		snprintf(pin, sizeof(pin), PIN_ROOT "/%s/link", de->d_name);
		fd = bpf_obj_get(pin);
		if (fd < 0)
			continue;
		n = realloc(p, (nr + 1) * sizeof(*p));
		if (!n) {
			close(fd);
			break;
		}
		p = n;
		memset(&p[nr], 0, sizeof(p[nr]));
		p[nr].id = id;
		if (!bpf_link_get_info_by_fd(fd, &info, &len) &&
		    info.type == BPF_LINK_TYPE_STRUCT_OPS) {
			pol = policy_by_map(info.struct_ops.map_id);
			mfd = bpf_map_get_fd_by_id(info.struct_ops.map_id);
			if (mfd >= 0 && !bpf_map_get_info_by_fd(mfd, &mi, &mlen))
				snprintf(p[nr].map_name, sizeof(p[nr].map_name), "%s", mi.name);
			if (mfd >= 0)
				close(mfd);
			if (pol) {
				snprintf(p[nr].policy, sizeof(p[nr].policy), "%s", pol->name);
				p[nr].active = !strcmp(pol->state, "active");
				p[nr].rodata = loaded_rodata(pol->prog_id, &p[nr].rodata_size);
			}
		}
		close(fd);
		nr++;
	}
	closedir(d);
	*out = p;
	return nr;
}

/*
 * Detach the policy swapctl pinned for cgroup @id and remove its pins.
 * The link is detached through the pin first (BPF_LINK_DETACH, which
 * swap_ext carries out at once): removing the last pin alone would leave
 * the release to a work item, and the cgroup would look attached a while.
 */
static int pin_detach(unsigned long long id)
{
	char dir[PATH_MAX], pin[PATH_MAX + 8];
	int fd, ret;

	pin_dir(id, dir, sizeof(dir));
	snprintf(pin, sizeof(pin), "%s/link", dir);
	fd = bpf_obj_get(pin);
	if (fd >= 0) {
		bpf_link_detach(fd);	/* an ejected link is detached already */
		close(fd);
	}
	ret = unlink(pin);
	if (ret)
		err("%s: %s", pin, strerror(errno));
	pin_dir_remove(dir);
	return ret;
}

/* ---------------------------------------------------------------------
 * The changes
 */

enum action {
	ACT_KEEP,	/* attached as the file says */
	ACT_ATTACH,	/* named, nothing attached */
	ACT_REPLACE,	/* another object, or other knobs */
	ACT_REATTACH,	/* ejected */
	ACT_DETACH,	/* pinned, no longer named (or the cgroup is gone) */
	ACT_FOREIGN,	/* named, but another tool attached a policy there */
	ACT_ABSENT,	/* named by an exact path that does not exist (yet) */
};

static const char *const action_names[] = {
	[ACT_KEEP] = "keep", [ACT_ATTACH] = "attach", [ACT_REPLACE] = "replace",
	[ACT_REATTACH] = "reattach", [ACT_DETACH] = "detach",
	[ACT_FOREIGN] = "foreign", [ACT_ABSENT] = "absent",
};

struct change {
	enum action act;
	unsigned long long id;
	char cgroup[PATH_MAX];		/* its directory, or "(removed)" */
	const struct rule *rule;	/* what the file says, if it does */
	char previous[64];		/* what was there */
	bool skip;			/* not now (a delay after a failure) */
	bool quiet;			/* said already (--watch) */
	bool done, failed;
};

struct plan {
	struct change *c;
	int nr;
};

static struct change *plan_add(struct plan *pl, enum action act,
			       unsigned long long id, const char *cgroup,
			       const struct rule *rule, const char *previous)
{
	struct change *n = realloc(pl->c, (pl->nr + 1) * sizeof(*n));

	if (!n)
		return NULL;
	pl->c = n;
	n = &pl->c[pl->nr++];
	memset(n, 0, sizeof(*n));
	n->act = act;
	n->id = id;
	n->rule = rule;
	/* what the file asks is not in force: an error, with -n too */
	n->failed = act == ACT_FOREIGN;
	snprintf(n->cgroup, sizeof(n->cgroup), "%s", cgroup);
	snprintf(n->previous, sizeof(n->previous), "%s", previous ? previous : "");
	return n;
}

/*
 * Whether pinned @p is what rule @r makes: the same struct_ops map name and
 * the same .rodata (the knobs).  An object rebuilt with neither changed is
 * not told apart: detach it to load the new one.
 */
static bool same_policy(const struct rule *r, const struct pinned *p)
{
	if (strncmp(r->map_name, p->map_name, BPF_OBJ_NAME_LEN - 1))
		return false;
	if (r->rodata_size != p->rodata_size)
		return false;
	return !r->rodata_size || !memcmp(r->rodata, p->rodata, r->rodata_size);
}

/* The first rule that matches cgroup @path, or NULL */
static const struct rule *rule_for(const struct conf *c, const char *path)
{
	size_t root = strlen(CGROUP_ROOT);
	const char *rel = path + root + (path[root] == '/');
	char file[PATH_MAX + 32];
	bool memcg;
	int i;

	snprintf(file, sizeof(file), "%s/" POLICY_FILE, path);
	memcg = !access(file, F_OK);
	for (i = 0; i < c->nr_rules; i++) {
		const struct rule *r = &c->rules[i];

		/* a glob never matches the root: [/] names it */
		if (r->glob ? memcg && *rel && !fnmatch(r->pattern, rel, FNM_PATHNAME) :
			      !strcmp(r->pattern, rel))
			return r;
	}
	return NULL;
}

/*
 * What it takes to make the cgroups as @c says, into @pl, from cgs[] (which
 * must be a whole walk: a pin whose cgroup was not walked is detached).
 */
static int plan_make(const struct conf *c, struct plan *pl)
{
	struct pinned *pin;
	int nr_pin, i, j;
	size_t k;

	memset(pl, 0, sizeof(*pl));
	nr_pin = pinned_read(&pin);
	if (nr_pin < 0) {
		err("%s: %s", PIN_ROOT, strerror(errno));
		return -1;
	}
	for (k = 0; k < nr_cgs; k++) {
		const struct rule *r = rule_for(c, cgs[k].path);
		const char *name = cgs[k].path;
		struct pinned *p = NULL;
		char file[PATH_MAX + 32], cur[64] = "";

		if (!r)
			continue;
		for (j = 0; j < nr_pin; j++)
			if (pin[j].id == cgs[k].id)
				p = &pin[j];
		if (p) {
			p->seen = true;
			if (!p->active)
				plan_add(pl, ACT_REATTACH, cgs[k].id, name, r, p->policy);
			else if (same_policy(r, p))
				plan_add(pl, ACT_KEEP, cgs[k].id, name, r, p->policy);
			else
				plan_add(pl, ACT_REPLACE, cgs[k].id, name, r, p->policy);
			continue;
		}
		snprintf(file, sizeof(file), "%s/" POLICY_FILE, cgs[k].path);
		if (read_file(file, cur, sizeof(cur)) > 0 && strstr(cur, " attached")) {
			cur[strcspn(cur, " ")] = '\0';
			plan_add(pl, ACT_FOREIGN, cgs[k].id, name, r, cur);
		} else {
			plan_add(pl, ACT_ATTACH, cgs[k].id, name, r, NULL);
		}
	}
	for (j = 0; j < nr_pin; j++) {
		const char *path = pin[j].seen ? NULL : cg_path_of(pin[j].id);

		if (!pin[j].seen)
			plan_add(pl, ACT_DETACH, pin[j].id, path ? path : "(removed)",
				 NULL, pin[j].policy);
	}
	for (i = 0; i < c->nr_rules; i++) {
		char path[PATH_MAX];

		if (c->rules[i].glob)
			continue;
		snprintf(path, sizeof(path), "%s%s%s", CGROUP_ROOT,
			 *c->rules[i].pattern ? "/" : "", c->rules[i].pattern);
		if (access(path, F_OK))
			plan_add(pl, ACT_ABSENT, 0, path, &c->rules[i], NULL);
	}
	pinned_free(pin, nr_pin);
	return 0;
}

/* Wait up to 5 s until cgroup @path has no own policy */
static void wait_detached(const char *path)
{
	char file[PATH_MAX + 32], cur[64];
	int i;

	snprintf(file, sizeof(file), "%s/" POLICY_FILE, path);
	for (i = 0; i < 500; i++) {
		if (read_file(file, cur, sizeof(cur)) <= 0 || !strstr(cur, " attached"))
			return;
		usleep(10 * 1000);
	}
}

/*
 * Attach rule @ch->rule's policy to the cgroup.  The object is loaded with
 * the .rodata the rule was checked with, so that a knob naming a cgroup
 * means the cgroup it meant then, and loaded before an old policy is
 * detached, so that a program the kernel refuses leaves the old one.
 */
static int change_attach(struct change *ch)
{
	const struct rule *r = ch->rule;
	char cgpath[PATH_MAX], policy[64];
	const struct btf_type *sec;
	struct bpf_object *obj;
	struct bpf_map *rodata;
	unsigned long long id;
	int fd, ret = -1;

	fd = cgroup_open(ch->cgroup, &id, cgpath, sizeof(cgpath), true);
	if (fd < 0)
		return -1;
	obj = policy_open(r->path, NULL, NULL, 0);
	if (!obj)
		goto out;
	if (r->rodata && (rodata_of(obj, &rodata, &sec) ||
			  bpf_map__set_initial_value(rodata, r->rodata, r->rodata_size))) {
		err("%s: its .rodata changed since the file was read", r->path);
		goto out_obj;
	}
	if (policy_load(obj, r->path))
		goto out_obj;
	if (ch->act == ACT_REPLACE) {
		if (pin_detach(ch->id))
			goto out_obj;
		wait_detached(cgpath);
	}
	ret = policy_link(obj, fd, cgpath, id, policy, sizeof(policy));
out_obj:
	bpf_object__close(obj);
out:
	close(fd);
	return ret;
}

static void plan_run(struct plan *pl)
{
	int i;

	for (i = 0; i < pl->nr; i++) {
		struct change *ch = &pl->c[i];

		if (ch->skip)
			continue;
		switch (ch->act) {
		case ACT_ATTACH:
		case ACT_REPLACE:
		case ACT_REATTACH:
			ch->failed = change_attach(ch) != 0;
			break;
		case ACT_DETACH:
			ch->failed = pin_detach(ch->id) != 0;
			break;
		default:
			continue;
		}
		ch->done = true;
	}
}

/* Print @pl: text lines, or one JSON document */
static void plan_print(const struct plan *pl, const char *file, bool dry)
{
	int i;

	if (json) {
		jw_open('{');
		jw_kv_str("file", file);
		jw_key("dry_run");
		jw_bool(dry);
		jw_key("changes");
		jw_open('[');
	}
	for (i = 0; i < pl->nr; i++) {
		const struct change *ch = &pl->c[i];
		const char *policy = ch->rule ? ch->rule->policy : NULL;
		const char *cg = cgroup_name(ch->cgroup);

		if (ch->skip || ch->quiet ||
		    ((ch->act == ACT_KEEP || ch->act == ACT_ABSENT) && !verbose && !json))
			continue;
		if (json) {
			jw_open('{');
			jw_kv_str("action", action_names[ch->act]);
			jw_kv_str("cgroup", cg);
			jw_kv_str("policy", ch->act == ACT_DETACH ? NULL : policy);
			jw_kv_str("previous", ch->previous[0] ? ch->previous : NULL);
			jw_kv_str("result", ch->failed ? "failed" : ch->done ? "done" :
				  dry && ch->act != ACT_KEEP && ch->act != ACT_ABSENT ?
				  "planned" : "none");
			jw_close('}');
			continue;
		}
		switch (ch->act) {
		case ACT_DETACH:
			printf("detach %s (was %s)", cg, ch->previous[0] ? ch->previous : "?");
			break;
		case ACT_REPLACE:
			printf("replace %s: %s (was %s)", cg, policy, ch->previous);
			break;
		case ACT_REATTACH:
			printf("reattach %s: %s (ejected)", cg, policy);
			break;
		case ACT_FOREIGN:
			printf("skip %s: %s attached by another tool, not %s", cg,
			       ch->previous, policy);
			break;
		case ACT_ABSENT:
			printf("absent %s: no such cgroup (yet)", cg);
			break;
		default:
			printf("%s %s: %s", action_names[ch->act], cg, policy);
		}
		printf("%s\n", ch->failed && ch->act != ACT_FOREIGN ? ": failed" : "");
	}
	if (json) {
		jw_close(']');
		jw_close('}');
	} else if (dry) {
		printf("dry run: nothing changed\n");
	}
	fflush(stdout);
}

static bool plan_failed(const struct plan *pl)
{
	int i;

	for (i = 0; i < pl->nr; i++)
		if (pl->c[i].failed)
			return true;
	return false;
}

/* ---------------------------------------------------------------------
 * --watch
 */

/* What --watch says besides the changes: on stderr with -j, not in the JSON */
static void __attribute__((format(printf, 1, 2))) note(const char *fmt, ...)
{
	FILE *f = json ? stderr : stdout;
	va_list ap;

	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fflush(f);
}

/*
 * Per cgroup the watcher attached to: how many times in a row its policy
 * was ejected or its attach failed, and when it may try again.
 */
struct backoff {
	unsigned long long id;
	int strikes;		/* ejections or failures in a row */
	double retry;		/* not before this; 0: now */
	double since;		/* attached since; 0: not attached */
	bool foreign;		/* another tool's policy was reported */
	bool seen;		/* its cgroup is there */
};

static struct backoff *backoffs;
static int nr_backoffs;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct backoff *backoff_of(unsigned long long id)
{
	struct backoff *n;
	int i;

	for (i = 0; i < nr_backoffs; i++)
		if (backoffs[i].id == id)
			return &backoffs[i];
	n = realloc(backoffs, (nr_backoffs + 1) * sizeof(*n));
	if (!n)
		return NULL;
	backoffs = n;
	n = &backoffs[nr_backoffs++];
	memset(n, 0, sizeof(*n));
	n->id = id;
	return n;
}

/* Forget the cgroups that are gone */
static void backoff_prune(void)
{
	size_t k;
	int i, n = 0;

	for (i = 0; i < nr_backoffs; i++) {
		backoffs[i].seen = false;
		for (k = 0; k < nr_cgs && !backoffs[i].seen; k++)
			backoffs[i].seen = cgs[k].id == backoffs[i].id;
		if (backoffs[i].seen)
			backoffs[n++] = backoffs[i];
	}
	nr_backoffs = n;
}

static double backoff_delay(int strikes, unsigned int base_ms)
{
	double ms = (double)base_ms * (1ULL << (strikes > 1 ? (strikes < 20 ? strikes - 1 : 19) : 0));

	return (ms < BACKOFF_MAX_MS ? ms : BACKOFF_MAX_MS) / 1000;
}

/*
 * Before a pass: hold back the attaches whose delay has not passed, count
 * a newly seen ejection (a policy ejected again waits twice as long as
 * the last time; one attached for BACKOFF_RESET delays starts over), and
 * say another tool's policy only once.  Returns the seconds until the
 * next one is due, or -1.
 */
static double backoff_gate(struct plan *pl, unsigned int base_ms)
{
	double now = now_s(), next = -1, d;
	int i;

	for (i = 0; i < pl->nr; i++) {
		struct change *ch = &pl->c[i];
		struct backoff *b = ch->act == ACT_ABSENT || ch->act == ACT_DETACH ?
				    NULL : backoff_of(ch->id);

		if (!b)
			continue;
		if (ch->act == ACT_FOREIGN) {
			ch->quiet = b->foreign;
			b->foreign = true;
			continue;
		}
		b->foreign = false;
		if (ch->act == ACT_KEEP) {
			if (!b->since)
				b->since = now;
			continue;
		}
		if (ch->act == ACT_REATTACH && b->since) {
			/* attached until now: a new ejection */
			if (now - b->since > BACKOFF_RESET * base_ms / 1000.0)
				b->strikes = 0;
			b->since = 0;
			d = backoff_delay(++b->strikes, base_ms);
			b->retry = now + d;
			note("ejected %s: %s (ejection %d in a row), re-attach in %.1f s",
			     cgroup_name(ch->cgroup), ch->previous, b->strikes, d);
		}
		if (now < b->retry) {
			ch->skip = true;
			if (next < 0 || b->retry - now < next)
				next = b->retry - now;
		}
	}
	return next;
}

/* After a pass: a success resets the delay, a failure doubles it */
static void backoff_settle(const struct plan *pl, unsigned int base_ms)
{
	double now = now_s(), d;
	int i;

	for (i = 0; i < pl->nr; i++) {
		const struct change *ch = &pl->c[i];
		struct backoff *b;

		if (!ch->done || ch->act == ACT_DETACH)
			continue;
		b = backoff_of(ch->id);
		if (!b)
			continue;
		if (!ch->failed) {
			b->since = now;
			b->retry = 0;
			if (ch->act != ACT_REATTACH)
				b->strikes = 0;
			continue;
		}
		d = backoff_delay(++b->strikes, base_ms);
		b->retry = now + d;
		note("%s %s failed (%d in a row): next try in %.1f s",
		     action_names[ch->act], cgroup_name(ch->cgroup), b->strikes, d);
	}
}

/* Whether a --watch pass has something to say */
static bool plan_news(const struct plan *pl)
{
	int i;

	for (i = 0; i < pl->nr; i++) {
		const struct change *ch = &pl->c[i];

		if (ch->skip || ch->quiet || ch->act == ACT_KEEP || ch->act == ACT_ABSENT)
			continue;
		return true;
	}
	return false;
}

/* Watch every cgroup directory for cgroups made and removed */
static void watch_cgroups(int ifd)
{
	size_t i;

	for (i = 0; i < nr_cgs; i++)
		inotify_add_watch(ifd, cgs[i].path, IN_CREATE | IN_DELETE | IN_ONLYDIR);
}

/*
 * Read the inotify events: whether one was about @name in @dir_wd (or the
 * queue overflowed); *@cgroup when a cgroup was made or removed.
 */
static bool drain_events(int ifd, int dir_wd, const char *name, bool *cgroup)
{
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool conf = false;
	ssize_t n;
	char *p;

	while ((n = read(ifd, buf, sizeof(buf))) > 0) {
		for (p = buf; p < buf + n; p += sizeof(struct inotify_event) +
					       ((struct inotify_event *)p)->len) {
			struct inotify_event *e = (struct inotify_event *)p;

			if (e->mask & IN_Q_OVERFLOW) {
				conf = *cgroup = true;
				continue;
			}
			if (e->wd == dir_wd) {
				conf |= e->len && !strcmp(e->name, name);
				continue;
			}
			if (e->mask & (IN_CREATE | IN_DELETE))
				*cgroup = true;
		}
	}
	return conf;
}

/*
 * Resolve the rules' knobs again: a knob naming a cgroup that was made
 * again means its new id.  A rule that no longer resolves keeps what it
 * had, and says why.
 */
static void conf_refresh(struct conf *c)
{
	int i;

	for (i = 0; i < c->nr_rules; i++) {
		struct rule *r = &c->rules[i], old = *r;

		if (!r->nr_knobs)
			continue;
		r->rodata = NULL;
		r->rodata_size = 0;
		if (rule_resolve(c, r)) {
			free(r->rodata);
			*r = old;
			continue;
		}
		free(old.rodata);
	}
}

static int apply_watch(struct conf *c, const char *file, unsigned int base_ms)
{
	char dirbuf[PATH_MAX], namebuf[PATH_MAX];
	const char *dir, *name;
	struct pollfd pfd[2];
	bool cgroup = false;
	double next;
	sigset_t set;
	int ifd, sfd, dir_wd;

	/* the file's directory is watched: editors replace the file */
	snprintf(dirbuf, sizeof(dirbuf), "%s", file);
	snprintf(namebuf, sizeof(namebuf), "%s", file);
	dir = dirname(dirbuf);
	name = basename(namebuf);

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (sfd < 0 || ifd < 0) {
		err("--watch: %s", strerror(errno));
		return 1;
	}
	/* not IN_CREATE: a file is empty when it is made */
	dir_wd = inotify_add_watch(ifd, dir, IN_CLOSE_WRITE | IN_MOVED_TO);
	if (dir_wd < 0) {
		err("--watch: %s: %s", dir, strerror(errno));
		return 1;
	}
	pfd[0] = (struct pollfd){ .fd = ifd, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = sfd, .events = POLLIN };
	note("watching %s and %s", file, CGROUP_ROOT);

	for (;;) {
		struct signalfd_siginfo si;
		bool reload;
		struct plan pl;
		int timeout = 1000;

		/* an incomplete walk or a failed read: try again next pass */
		if (cg_rewalk() || policies_load()) {
			note("the cgroups or policies could not be read: next pass in 1 s");
			goto wait;
		}
		watch_cgroups(ifd);
		backoff_prune();
		if (cgroup)
			conf_refresh(c);
		cgroup = false;
		if (plan_make(c, &pl))
			goto wait;
		next = backoff_gate(&pl, base_ms);
		plan_run(&pl);
		backoff_settle(&pl, base_ms);
		if (plan_news(&pl))
			plan_print(&pl, file, false);
		free(pl.c);
		/* the policies' state is polled: an ejection notifies nothing */
		if (next >= 0 && next * 1000 < timeout)
			timeout = next * 1000 + 1;
wait:
		if (poll(pfd, 2, timeout) < 0 && errno != EINTR) {
			err("--watch: poll: %s", strerror(errno));
			return 1;
		}
		reload = drain_events(ifd, dir_wd, name, &cgroup);
		while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo == SIGHUP) {
				reload = true;
				continue;
			}
			note("signal %d: stopping; the policies stay attached", si.ssi_signo);
			return 0;
		}
		if (reload) {
			struct conf n;

			if (conf_load(&n, file)) {
				note("%s: not applied, the last valid file stays in force", file);
			} else {
				conf_free(c);
				*c = n;
				note("%s: read again", file);
			}
		}
	}
}

/* ---------------------------------------------------------------------
 * The command
 */

int cmd_apply(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "watch", no_argument, NULL, 'w' },
		{ "backoff-ms", required_argument, NULL, 'b' },
		{}
	};
	const char *file = DEFAULT_CONF;
	unsigned long base_ms = 1000;
	bool dry = false, watch = false;
	struct conf c;
	struct plan pl;
	sigset_t set;
	char *end;
	int opt, ret;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "+n", opts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			dry = true;
			break;
		case 'w':
			watch = true;
			break;
		case 'b':
			errno = 0;
			base_ms = strtoul(optarg, &end, 10);
			if (errno || *end || end == optarg || !base_ms ||
			    base_ms > BACKOFF_MAX_MS) {
				err("--backoff-ms %s: want 1 to %d", optarg, BACKOFF_MAX_MS);
				return 2;
			}
			break;
		default:
			return 2;
		}
	}
	if (argc - optind > 1)
		return 2;
	if (argc - optind == 1)
		file = argv[optind];
	if (dry && watch) {
		err("-n and --watch do not go together");
		return 2;
	}
	if (watch) {
		/* from the start: a reload right after systemd starts us */
		sigemptyset(&set);
		sigaddset(&set, SIGHUP);
		sigaddset(&set, SIGTERM);
		sigaddset(&set, SIGINT);
		sigprocmask(SIG_BLOCK, &set, NULL);
	}
	/* the file first: it can be checked on any machine */
	if (conf_load(&c, file))
		return 1;
	if (access(SWAP_EXT_SYSFS, F_OK)) {
		err("%s is valid, but this kernel has no swap_ext (CONFIG_SWAP_EXT)", file);
		conf_free(&c);
		return 1;
	}
	if (policies_load() || (!dry && pin_root())) {
		conf_free(&c);
		return 1;
	}
	if (watch) {
		ret = apply_watch(&c, file, base_ms);
		conf_free(&c);
		return ret;
	}
	if (cg_walk()) {
		err("the cgroup tree changed while it was read three times: try again");
		conf_free(&c);
		return 1;
	}
	if (plan_make(&c, &pl)) {
		conf_free(&c);
		return 1;
	}
	if (!dry)
		plan_run(&pl);
	plan_print(&pl, file, dry);
	ret = plan_failed(&pl) ? 1 : 0;
	free(pl.c);
	conf_free(&c);
	return ret;
}
