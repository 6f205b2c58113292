// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers of the vswap selftests.  See vst.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include "runner.h"
#include "lib/st.h"
#include "lib/vst.h"

#define SAMPLE_MS	100

int vst_try_write(const char *path, const char *val)
{
	size_t len = strlen(val);
	int fd, err = 0;
	ssize_t n;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	if (n < 0)
		err = -errno;
	else if ((size_t)n != len)
		err = -EIO;
	close(fd);
	return err;
}

static enum st_status env_setup(struct vst_env *env, const char *name,
				unsigned int flags, int nr_tiers,
				unsigned int max_mib, unsigned int high_mib)
{
	static const int prio[VST_MAX_TIERS] = { 10, 5 };
	int i;

	if (!st_vswap_available()) {
		if (!(flags & VST_STOCK))
			return st_skip("kernel without vswap");
	} else if (!st_vswap_enabled()) {
		st_log("vswap is not enabled after the reset");
		return ST_FAIL;
	}
	if ((flags & VST_ZSWAP) && !st_zswap_available())
		return st_skip("kernel without zswap");
	for (i = 0; i < nr_tiers; i++) {
		const char *dev = st_disk(i);

		if (!dev)
			return st_skip("needs %d virtio disk%s (run with DISKS>=%d)",
				       nr_tiers, nr_tiers > 1 ? "s" : "", nr_tiers);
		snprintf(env->tier[i], sizeof(env->tier[i]), "%s", dev);
	}
	env->nr_tiers = nr_tiers;
	for (i = 0; i < nr_tiers; i++) {
		if (flags & (VST_SSD | VST_HDD)) {
			env->rot_saved[i] = st_rotational(env->tier[i]);
			if (st_set_rotational(env->tier[i], (flags & VST_HDD) ? 1 : 0))
				return st_skip("cannot set %s queue/rotational",
					       env->tier[i]);
		}
		if (st_swapon(env->tier[i], prio[i]))
			return ST_FAIL;
	}
	if (flags & VST_ZSWAP) {
		if (st_zswap_set("enabled", "Y") || st_zswap_set("compressor", "lzo"))
			return ST_FAIL;
		env->zswap = true;
	}
	if (st_cg_create(name, env->cg, sizeof(env->cg)) ||
	    st_cg_write(env->cg, "memory.swap.max", "max"))
		return ST_FAIL;
	if (max_mib && st_cg_write(env->cg, "memory.max", "%llu", max_mib * MiB))
		return ST_FAIL;
	if (high_mib && st_cg_write(env->cg, "memory.high", "%llu", high_mib * MiB))
		return ST_FAIL;
	return ST_PASS;
}

enum st_status vst_env_setup(struct vst_env *env, const char *name,
			     unsigned int flags, int nr_tiers,
			     unsigned int max_mib, unsigned int high_mib)
{
	enum st_status st;
	int i;

	memset(env, 0, sizeof(*env));
	for (i = 0; i < VST_MAX_TIERS; i++)
		env->rot_saved[i] = -1;
	st = env_setup(env, name, flags, nr_tiers, max_mib, high_mib);
	/* cleanup() is not called after a failed setup() */
	if (st != ST_PASS)
		vst_env_cleanup(env);
	return st;
}

void vst_env_cleanup(struct vst_env *env)
{
	bool off = false;
	int i;

	for (i = 0; i < VST_MAX_TIERS; i++) {
		if (env->rot_saved[i] < 0)
			continue;
		/* queue/rotational is read at swapon: swap off first */
		if (!off)
			st_swapoff_all();
		off = true;
		st_set_rotational(env->tier[i], env->rot_saved[i]);
		env->rot_saved[i] = -1;
	}
}

enum st_status vst_setup(void **ctxp, const char *name, unsigned int flags,
			 int nr_tiers, unsigned int max_mib,
			 unsigned int high_mib)
{
	struct vst_env *env = calloc(1, sizeof(*env));
	enum st_status st;

	if (!env)
		return ST_FAIL;
	st = vst_env_setup(env, name, flags, nr_tiers, max_mib, high_mib);
	if (st != ST_PASS) {
		free(env);
		return st;
	}
	*ctxp = env;
	return ST_PASS;
}

void vst_cleanup(void *ctx)
{
	vst_env_cleanup(ctx);
	free(ctx);
}

/* Read a whole (small) file; "" when it cannot be read */
static void slurp(const char *path, char *buf, size_t len)
{
	if (st_read(path, buf, len) < 0)
		buf[0] = '\0';
}

/* "KEY VALUE" lines in @buf, silently */
static bool buf_key(const char *buf, const char *key, uint64_t *val)
{
	size_t klen = strlen(key);
	const char *p = buf;

	while (p && *p) {
		if (!strncmp(p, key, klen) && p[klen] == ' ') {
			*val = strtoull(p + klen + 1, NULL, 10);
			return true;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return false;
}

static const char *const event_names[NR_VST_EVENTS] = {
	[VST_SWPOUT_ZERO]	= "swpout_zero",
	[VST_SWPIN_ZERO]	= "swpin_zero",
	[VST_ZSWPOUT]		= "zswpout",
	[VST_ZSWPIN]		= "zswpin",
	[VST_ZSWPWB]		= "zswpwb",
	[VST_PSWPOUT]		= "pswpout",
	[VST_PSWPIN]		= "pswpin",
	[VST_TIER_ALLOC]	= "vswap_tier_alloc",
	[VST_TIER_FREE]		= "vswap_tier_free",
	[VST_MOVE]		= "vswap_move",
	[VST_KEEP]		= "vswap_keep",
	[VST_THP_SWPOUT]	= "thp_swpout",
	[VST_THP_FALLBACK]	= "thp_swpout_fallback",
};

void vst_events_read(struct vst_events *e)
{
	static char buf[65536];
	int i;

	slurp("/proc/vmstat", buf, sizeof(buf));
	for (i = 0; i < NR_VST_EVENTS; i++) {
		e->v[i] = 0;
		buf_key(buf, event_names[i], &e->v[i]);
	}
}

void vst_events_sub(struct vst_events *d, const struct vst_events *b,
		    const struct vst_events *a)
{
	int i;

	for (i = 0; i < NR_VST_EVENTS; i++)
		d->v[i] = b->v[i] - a->v[i];
}

void vst_events_log(const char *what, const struct vst_events *d)
{
	char line[1024];
	int i, n;

	n = snprintf(line, sizeof(line), "%s:", what);
	for (i = 0; i < NR_VST_EVENTS && n < (int)sizeof(line); i++)
		if (d->v[i])
			n += snprintf(line + n, sizeof(line) - n, " %s %lu",
				      event_names[i], d->v[i]);
	st_log("%s", line);
}

int vst_tiers(struct vst_tier *t, int max)
{
	char buf[4096], *line, *save;
	int n = 0;

	if (st_read(VSWAP_DIR "/tiers", buf, sizeof(buf)) < 0)
		return -ENOENT;
	line = strtok_r(buf, "\n", &save);	/* the header */
	if (!line || strncmp(line, "type", 4))
		return -EINVAL;
	while ((line = strtok_r(NULL, "\n", &save)) && n < max) {
		unsigned long long slots, inuse, backing;
		struct vst_tier *x = &t[n];

		if (sscanf(line, "%d\t%d\t%llu\t%llu\t%llu\t%63s", &x->type,
			   &x->prio, &slots, &inuse, &backing, x->name) != 6) {
			st_log("tiers: cannot parse '%s'", line);
			return -EINVAL;
		}
		x->slots = slots;
		x->inuse = inuse;
		x->backing = backing;
		n++;
	}
	return n;
}

void vst_sample(const struct vst_env *env, struct vst_gauges *g)
{
	struct vst_tier t[8];
	char buf[8192], path[PATH_MAX];
	int n, i, j;

	memset(g, 0, sizeof(*g));
	slurp(VSWAP_DIR "/stat", buf, sizeof(buf));
	buf_key(buf, "zero", &g->zero);
	buf_key(buf, "zswap", &g->zswap);
	buf_key(buf, "phys", &g->phys);
	buf_key(buf, "folio", &g->folio);
	buf_key(buf, "slots_used", &g->slots_used);
	buf_key(buf, "clusters_populated", &g->clusters);
	buf_key(buf, "map_pages", &g->map_pages);
	buf_key(buf, "dynamic_bytes", &g->dyn_bytes);
	if (env->cg[0]) {
		snprintf(path, sizeof(path), "%s/memory.stat", env->cg);
		slurp(path, buf, sizeof(buf));
		buf_key(buf, "vswap_zero", &g->cg_zero);
		buf_key(buf, "vswap_zswap", &g->cg_zswap);
		buf_key(buf, "vswap_phys", &g->cg_phys);
		buf_key(buf, "vswap_folio", &g->cg_folio);
		snprintf(path, sizeof(path), "%s/memory.swap.current", env->cg);
		slurp(path, buf, sizeof(buf));
		g->cg_swap = strtoull(buf, NULL, 10);
		snprintf(path, sizeof(path), "%s/memory.zswap.current", env->cg);
		slurp(path, buf, sizeof(buf));
		g->cg_zswap_bytes = strtoull(buf, NULL, 10);
	}
	n = vst_tiers(t, 8);
	for (i = 0; i < n; i++) {
		for (j = 0; j < env->nr_tiers; j++)
			if (!strcmp(t[i].name, env->tier[j]))
				break;
		if (j == env->nr_tiers) {
			g->other_tiers++;
			continue;
		}
		g->listed[j] = true;
		g->backing[j] = t[i].backing;
		g->inuse[j] = t[i].inuse;
	}
}

#define MAX(a, b)	((a) > (b) ? (a) : (b))

void vst_gauges_max(struct vst_gauges *max, const struct vst_gauges *g)
{
	int i;

	max->zero = MAX(max->zero, g->zero);
	max->zswap = MAX(max->zswap, g->zswap);
	max->phys = MAX(max->phys, g->phys);
	max->folio = MAX(max->folio, g->folio);
	max->slots_used = MAX(max->slots_used, g->slots_used);
	max->clusters = MAX(max->clusters, g->clusters);
	max->map_pages = MAX(max->map_pages, g->map_pages);
	max->dyn_bytes = MAX(max->dyn_bytes, g->dyn_bytes);
	max->cg_zero = MAX(max->cg_zero, g->cg_zero);
	max->cg_zswap = MAX(max->cg_zswap, g->cg_zswap);
	max->cg_phys = MAX(max->cg_phys, g->cg_phys);
	max->cg_folio = MAX(max->cg_folio, g->cg_folio);
	max->cg_swap = MAX(max->cg_swap, g->cg_swap);
	max->cg_zswap_bytes = MAX(max->cg_zswap_bytes, g->cg_zswap_bytes);
	for (i = 0; i < VST_MAX_TIERS; i++) {
		max->backing[i] = MAX(max->backing[i], g->backing[i]);
		max->inuse[i] = MAX(max->inuse[i], g->inuse[i]);
		max->listed[i] |= g->listed[i];
	}
	max->other_tiers = MAX(max->other_tiers, g->other_tiers);
}

void vst_gauges_log(const char *what, const struct vst_gauges *g)
{
	st_log("%s: vswap zero %lu zswap %lu phys %lu folio %lu slots_used %lu "
	       "clusters %lu map_pages %lu dynamic_bytes %lu; "
	       "cgroup vswap_zero %lu vswap_zswap %lu vswap_phys %lu vswap_folio %lu "
	       "swap.current %lu zswap.current %lu; tiers backing/inuse %lu/%lu %lu/%lu",
	       what, g->zero, g->zswap, g->phys, g->folio, g->slots_used,
	       g->clusters, g->map_pages, g->dyn_bytes,
	       g->cg_zero, g->cg_zswap, g->cg_phys, g->cg_folio, g->cg_swap,
	       g->cg_zswap_bytes, g->backing[0], g->inuse[0], g->backing[1],
	       g->inuse[1]);
}

uint64_t vst_freed_lag(void)
{
	/* stock's cache of freed slots, 64 a CPU */
	return 64ULL * sysconf(_SC_NPROCESSORS_CONF);
}

uint64_t vst_slot_cache_lag(void)
{
	/*
	 * stock's cache of freed slots, and vswap's of tier slots to hand
	 * out and of freed tier slots
	 */
	return vst_freed_lag() + (32ULL + 32) * sysconf(_SC_NPROCESSORS_CONF);
}

uint64_t vst_leftover(const struct vst_env *env, const struct vst_gauges *g)
{
	uint64_t pages, backing = 0, lag = vst_slot_cache_lag();
	uint64_t freed = vst_freed_lag();
	int i;

	pages = (g->cg_zero + g->cg_zswap + g->cg_phys) / VST_PAGE;
	pages = pages > freed ? pages - freed : 0;
	for (i = 0; i < env->nr_tiers; i++) {
		backing += g->backing[i];
		if (g->inuse[i] > lag)
			pages += g->inuse[i] - lag;
	}
	return pages + (backing > freed ? backing - freed : 0);
}

int vst_wait_released(const struct vst_env *env, unsigned int ms,
		      struct vst_gauges *g)
{
	unsigned int waited;

	for (waited = 0;; waited += SAMPLE_MS) {
		vst_sample(env, g);
		if (!vst_leftover(env, g))
			return 0;
		if (waited >= ms)
			return -ETIMEDOUT;
		usleep(SAMPLE_MS * 1000);
	}
}

uint64_t vst_swap_linger(void)
{
	return (VST_LINGER_PAGES + vst_slot_cache_lag()) * VST_PAGE;
}

int vst_wait_uncharged(const char *cg, unsigned int ms, bool reclaim,
		       uint64_t *cur)
{
	uint64_t limit = vst_swap_linger();
	unsigned int waited;
	char path[PATH_MAX];
	int err;

	snprintf(path, sizeof(path), "%s/memory.reclaim", cg);
	for (waited = 0;; waited += SAMPLE_MS) {
		err = st_cg_u64(cg, "memory.swap.current", cur);
		if (err)
			return err;
		if (*cur <= limit)
			return 0;
		if (waited >= ms)
			return -ETIMEDOUT;
		/* EAGAIN when less was there: not logged */
		if (reclaim)
			vst_try_write(path, "64M");
		usleep(SAMPLE_MS * 1000);
	}
}

int vst_proc_swaps(const char *dev, char *type, size_t len,
		   uint64_t *size_kib, uint64_t *used_kib)
{
	char line[512], name[256], t[32];
	unsigned long long size, used;
	int prio, found = 0;
	FILE *f;

	f = fopen("/proc/swaps", "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%255s %31s %llu %llu %d", name, t, &size,
			   &used, &prio) != 5 || strcmp(name, dev))
			continue;
		if (type)
			snprintf(type, len, "%s", t);
		*size_kib = size;
		*used_kib = used;
		found = 1;
		break;
	}
	fclose(f);
	return found;
}

int vst_proc_swaps_vswap(char *type, size_t len, uint64_t *size_kib,
			 uint64_t *used_kib)
{
	return vst_proc_swaps("[vswap]", type, len, size_kib, used_kib);
}

char *const *vst_argv(struct vst_argv *a, const char *prog, const char *fmt, ...)
{
	char *save, *arg;
	va_list ap;
	int n = 0;

	st_build_path(a->bin, sizeof(a->bin), "selftests", prog);
	va_start(ap, fmt);
	vsnprintf(a->buf, sizeof(a->buf), fmt, ap);
	va_end(ap);
	a->argv[n++] = a->bin;
	for (arg = strtok_r(a->buf, " ", &save); arg && n < 31;
	     arg = strtok_r(NULL, " ", &save))
		a->argv[n++] = arg;
	a->argv[n] = NULL;
	return a->argv;
}

int vst_spawn(struct vst_proc *p, const char *cg, char *const argv[])
{
	memset(p, 0, sizeof(*p));
	p->fd = -1;
	p->pid = st_cg_spawn(cg, argv, &p->fd);
	return p->pid < 0 ? -EAGAIN : 0;
}

static void take_line(struct vst_proc *p)
{
	p->line[p->llen] = '\0';
	if (p->llen)
		st_log("%s", p->line);
	p->llen = 0;
}

bool vst_poll(struct vst_proc *p, int ms)
{
	struct pollfd pfd = { .fd = p->fd, .events = POLLIN };
	char buf[4096];
	ssize_t n, i;

	if (p->eof)
		return false;
	if (poll(&pfd, 1, ms) <= 0)
		return true;
	n = read(p->fd, buf, sizeof(buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0) {
		take_line(p);
		p->eof = true;
		return false;
	}
	for (i = 0; i < n; i++) {
		if (p->len < sizeof(p->out) - 1)
			p->out[p->len++] = buf[i];
		if (buf[i] == '\n' || p->llen == sizeof(p->line) - 1)
			take_line(p);
		if (buf[i] != '\n')
			p->line[p->llen++] = buf[i];
	}
	p->out[p->len] = '\0';
	return true;
}

bool vst_exited(struct vst_proc *p)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, p->pid, &si, WEXITED | WNOHANG | WNOWAIT))
		return true;
	return si.si_pid == p->pid;
}

int vst_reap(struct vst_proc *p)
{
	int wstatus;

	while (vst_poll(p, 1000))
		;
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	if (waitpid(p->pid, &wstatus, 0) < 0)
		return -1;
	if (WIFSIGNALED(wstatus)) {
		st_log("%s killed by signal %d (%s)", "workload",
		       WTERMSIG(wstatus), strsignal(WTERMSIG(wstatus)));
		return -1;
	}
	return WEXITSTATUS(wstatus);
}

bool vst_out_u64(const struct vst_proc *p, const char *key, uint64_t *val)
{
	size_t klen = strlen(key);
	const char *s, *last = NULL;

	for (s = strstr(p->out, key); s; s = strstr(s + 1, key))
		if (s[klen] == '=' && (s == p->out || s[-1] == ' ' || s[-1] == '\n'))
			last = s;
	if (!last)
		return false;
	*val = strtoull(last + klen + 1, NULL, 10);
	return true;
}

int vst_run(const struct vst_env *env, char *const argv[],
	    struct vst_gauges *peak, struct vst_proc *p)
{
	struct vst_proc local;
	struct vst_gauges g;

	if (!p)
		p = &local;
	if (vst_spawn(p, env->cg, argv))
		return -1;
	if (peak)
		memset(peak, 0, sizeof(*peak));
	while (vst_poll(p, SAMPLE_MS)) {
		if (!peak)
			continue;
		vst_sample(env, &g);
		vst_gauges_max(peak, &g);
	}
	return vst_reap(p);
}

int vst_run_measured(const struct vst_env *env, char *const argv[],
		     struct vst_result *r, struct vst_proc *p)
{
	uint64_t s0 = 0, w0 = 0, s1 = 0, w1 = 0;
	struct vst_events a, b;

	memset(r, 0, sizeof(*r));
	if (env->nr_tiers) {
		st_blk_settle(env->tier[0], 5000);
		st_blk_writes(env->tier[0], &s0, &w0);
	}
	vst_events_read(&a);
	r->status = vst_run(env, argv, &r->peak, p);
	if (vst_wait_released(env, 5000, &r->after))
		st_log("not all released 5 s after the workload exited");
	r->leftover = vst_leftover(env, &r->after);
	if (env->nr_tiers) {
		st_blk_settle(env->tier[0], 5000);
		st_blk_writes(env->tier[0], &s1, &w1);
		r->sectors = s1 - s0;
		r->writes = w1 - w0;
	}
	vst_events_read(&b);
	vst_events_sub(&r->d, &b, &a);

	st_log("exit status %d", r->status);
	vst_events_log("events", &r->d);
	vst_gauges_log("peak", &r->peak);
	vst_gauges_log("after", &r->after);
	if (env->nr_tiers)
		st_log("%s: %lu sectors written in %lu requests", env->tier[0],
		       r->sectors, r->writes);
	return r->status;
}

bool vst_held(struct vst_proc *p, const char *needle, int n)
{
	int i;

	for (i = 0; i < 3000 * (int)st_time_scale(); i++) {
		const char *o = p->out;
		int seen = 0;

		while ((o = strstr(o, needle))) {
			seen++;
			o++;
		}
		if (seen >= n)
			return true;
		if (!vst_poll(p, 100))
			return false;
	}
	return false;
}

int vst_release(struct vst_proc *p)
{
	kill(p->pid, SIGUSR1);
	while (vst_poll(p, 1000))
		;
	return vst_reap(p);
}

int vst_thp_set(struct vst_thp_knobs *ks, const char *file, const char *val)
{
	char path[PATH_MAX];
	int i;

	snprintf(path, sizeof(path), VST_THP_DIR "/%s", file);
	for (i = 0; i < ks->nr; i++)
		if (!strcmp(ks->k[i].file, file))
			break;
	if (i == ks->nr) {
		if (i == (int)(sizeof(ks->k) / sizeof(ks->k[0])))
			return -ENOSPC;
		snprintf(ks->k[i].file, sizeof(ks->k[i].file), "%s", file);
		if (st_read_choice(path, ks->k[i].val, sizeof(ks->k[i].val)))
			return -EIO;
		ks->nr++;
	}
	return st_write(path, "%s", val) ? -EIO : 0;
}

void vst_thp_restore(struct vst_thp_knobs *ks)
{
	char path[PATH_MAX];

	while (ks->nr > 0) {
		ks->nr--;
		snprintf(path, sizeof(path), VST_THP_DIR "/%s", ks->k[ks->nr].file);
		st_write(path, "%s", ks->k[ks->nr].val);
	}
}

int vst_thp_only(struct vst_thp_knobs *ks, const char *size)
{
	static const char *const sizes[] = {
		"16kB", "32kB", "64kB", "128kB", "256kB", "512kB", "1024kB", "2048kB",
	};
	char file[64], path[PATH_MAX];
	unsigned int i;

	if (vst_thp_set(ks, "enabled", "madvise") || vst_thp_set(ks, "defrag", "madvise"))
		return -EIO;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		snprintf(file, sizeof(file), "hugepages-%s/enabled", sizes[i]);
		snprintf(path, sizeof(path), VST_THP_DIR "/%s", file);
		if (access(path, F_OK))
			continue;
		if (vst_thp_set(ks, file, strcmp(sizes[i], size) ? "never" : "madvise"))
			return -EIO;
	}
	return 0;
}

uint64_t vst_thp_stat(const char *size, const char *stat)
{
	char path[PATH_MAX];
	uint64_t v = 0;

	snprintf(path, sizeof(path), VST_THP_DIR "/hugepages-%s/stats/%s", size, stat);
	st_read_u64(path, &v);
	return v;
}

int vst_kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		st_log("open /dev/kmsg: %s", strerror(errno));
		return -1;
	}
	lseek(fd, 0, SEEK_END);
	return fd;
}

unsigned int vst_kmsg_count(int fd, const char *needle)
{
	unsigned int count = 0;
	char rec[8192];
	ssize_t n;

	if (fd < 0)
		return 0;
	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)	/* overwritten: go on */
			continue;
		if (n <= 0)
			break;
		rec[n] = '\0';
		if (strstr(rec, needle))
			count++;
	}
	return count;
}

const char *vst_cpu_online_path(char *buf, size_t len, int cpu)
{
	snprintf(buf, len, "/sys/devices/system/cpu/cpu%d/online", cpu);
	return buf;
}

int vst_hotplug_cpu(void)
{
	char path[64];
	cpu_set_t all;
	int cpu;

	if (sched_getaffinity(0, sizeof(all), &all) || CPU_COUNT(&all) < 2)
		return -1;
	for (cpu = CPU_SETSIZE - 1; cpu > 0; cpu--) {
		if (CPU_ISSET(cpu, &all) &&
		    !access(vst_cpu_online_path(path, sizeof(path), cpu), W_OK))
			return cpu;
	}
	return -1;
}

uint64_t vst_stat(const char *key)
{
	uint64_t v = 0;

	st_read_key("/sys/kernel/mm/vswap/stat", key, &v);
	return v;
}

int vst_pin_cpu(int cpu)
{
	cpu_set_t one;

	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	return sched_setaffinity(0, sizeof(one), &one);
}

int vst_spawn_on(struct vst_proc *p, const char *cg, char *const argv[], int cpu)
{
	cpu_set_t all;
	int err;

	if (sched_getaffinity(0, sizeof(all), &all) || vst_pin_cpu(cpu))
		return -errno;
	err = vst_spawn(p, cg, argv);
	if (sched_setaffinity(0, sizeof(all), &all))
		st_log("cannot restore the runner's CPU mask: %s", strerror(errno));
	return err;
}
