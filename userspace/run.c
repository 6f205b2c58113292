// SPDX-License-Identifier: GPL-2.0
/*
 * swapctl run: run a policy's syscall program once.
 *
 *   swapctl [-j] [-v] run [-s KNOB=VALUE]... POLICY PROG [FIELD=VALUE]...
 *
 * A policy may carry SEC("syscall") programs next to its ops: work done
 * on request rather than in reply to an op, with the proactive kfuncs
 * (bpf_swap_ext_writeback(), bpf_swap_ext_move()).  run loads POLICY's
 * object (its knobs set as for attach; nothing is attached), and runs PROG
 * with BPF_PROG_RUN.  PROG's argument is a pointer to a struct; each
 * FIELD=VALUE sets one of its integer members by name, VALUE parsed as a
 * knob's (a number, a verdict or tier name, or a cgroup path for its id),
 * the rest are 0.  Afterwards run prints the program's return value and
 * every member of the struct, which is how a program answers.
 *
 * The kernel lets a syscall program act only for the cgroup of the task
 * that runs it and those below: run as root in the root cgroup to act on
 * any.
 */
#include <errno.h>
#include <unistd.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "swapctl.h"

/* Most bytes of a program's argument struct */
#define RUN_CTX_MAX	256

/* The struct PROG's first argument points to, or NULL (reported) */
static const struct btf_type *run_ctx_type(struct btf *btf, const char *prog,
					   __u32 *size)
{
	const struct btf_type *t;
	const struct btf_param *param;
	int id;

	id = btf__find_by_name_kind(btf, prog, BTF_KIND_FUNC);
	if (id < 0)
		goto bad;
	t = btf__type_by_id(btf, btf__type_by_id(btf, id)->type);
	if (!btf_is_func_proto(t) || btf_vlen(t) != 1)
		goto bad;
	param = btf_params(t);
	t = btf__type_by_id(btf, btf__resolve_type(btf, param->type));
	if (!t || !btf_is_ptr(t))
		goto bad;
	id = btf__resolve_type(btf, t->type);
	t = id < 0 ? NULL : btf__type_by_id(btf, id);
	if (!t || !btf_is_struct(t) || t->size > RUN_CTX_MAX)
		goto bad;
	*size = t->size;
	return t;
bad:
	err("%s: not a syscall program taking a pointer to a struct of at most %d bytes",
	    prog, RUN_CTX_MAX);
	return NULL;
}

/* Member @name of struct @t, if an integer: its offset and size */
static const struct btf_member *run_member(struct btf *btf,
					   const struct btf_type *t,
					   const char *name, bool *is_signed)
{
	const struct btf_member *m = btf_members(t);
	int i;

	for (i = 0; i < btf_vlen(t); i++, m++) {
		const struct btf_type *mt;

		if (strcmp(btf__name_by_offset(btf, m->name_off), name))
			continue;
		mt = btf__type_by_id(btf, btf__resolve_type(btf, m->type));
		if (!mt || btf_member_bitfield_size(t, i) ||
		    btf_member_bit_offset(t, i) % 8)
			return NULL;
		if (!btf_is_int(mt) && !btf_is_enum(mt))
			return NULL;
		*is_signed = !btf_is_int(mt) || (btf_int_encoding(mt) & BTF_INT_SIGNED);
		return m;
	}
	return NULL;
}

/* The names of @t's members, for an error message */
static void run_members(struct btf *btf, const struct btf_type *t,
			char *buf, size_t len)
{
	const struct btf_member *m = btf_members(t);
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < btf_vlen(t) && off < len; i++, m++)
		off += snprintf(buf + off, len - off, "%s%s", i ? ", " : "",
				btf__name_by_offset(btf, m->name_off));
}

static int run_size_of(struct btf *btf, const struct btf_member *m)
{
	return btf__resolve_size(btf, m->type);
}

static long long run_load(const void *p, int size, bool is_signed)
{
	switch (size) {
	case 1:
		return is_signed ? (long long)*(__s8 *)p : (long long)*(__u8 *)p;
	case 2:
		return is_signed ? (long long)*(__s16 *)p : (long long)*(__u16 *)p;
	case 4:
		return is_signed ? (long long)*(__s32 *)p : (long long)*(__u32 *)p;
	default:
		return *(__s64 *)p;
	}
}

int cmd_run(int argc, char **argv)
{
	const char *names[64], *values[64];
	char path[PATH_MAX], members[512];
	unsigned char ctx[RUN_CTX_MAX] = {};
	const struct btf_type *t;
	const struct btf_member *m;
	struct bpf_program *prog;
	struct bpf_object *obj;
	struct btf *btf;
	__u32 size = 0;
	int nknobs, i, ret = 1;

	nknobs = knob_args(argc, argv, names, values, ARRAY_SIZE(names));
	if (nknobs < 0)
		return -nknobs;
	if (argc - optind < 2)
		return 2;
	if (policy_path(argv[optind], path, sizeof(path))) {
		err("policy %s: no such file or shipped policy (swapctl list shows where they are looked up)",
		    argv[optind]);
		return 1;
	}
	obj = policy_open(path, names, values, nknobs);
	if (!obj)
		return 1;
	prog = bpf_object__find_program_by_name(obj, argv[optind + 1]);
	if (!prog || bpf_program__type(prog) != BPF_PROG_TYPE_SYSCALL) {
		err("%s: no syscall program %s in it", path, argv[optind + 1]);
		goto out;
	}
	btf = bpf_object__btf(obj);
	t = btf ? run_ctx_type(btf, argv[optind + 1], &size) : NULL;
	if (!t)
		goto out;
	for (i = optind + 2; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		long long v;
		bool sgn;

		if (!eq || eq == argv[i]) {
			err("'%s': want FIELD=VALUE", argv[i]);
			goto out;
		}
		*eq = '\0';
		m = run_member(btf, t, argv[i], &sgn);
		if (!m) {
			run_members(btf, t, members, sizeof(members));
			err("%s: no integer field %s (its fields: %s)",
			    argv[optind + 1], argv[i], members);
			goto out;
		}
		if (knob_value(argv[i], eq + 1, &v))
			goto out;
		store_int(ctx + m->offset / 8, run_size_of(btf, m), v);
	}
	if (policy_load(obj, path))
		goto out;
	{
		/* a syscall program's context is copied back to ctx_in */
		LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = ctx, .ctx_size_in = size);

		if (bpf_prog_test_run_opts(bpf_program__fd(prog), &opts)) {
			err("run %s: %s", argv[optind + 1], strerror(errno));
			goto out;
		}
		if (json) {
			jw_open('{');
			jw_kv_str("program", argv[optind + 1]);
			jw_key("retval");
			jw_s64((int)opts.retval);
			jw_key("args");
			jw_open('{');
		} else {
			printf("%s returned %d%s%s\n", argv[optind + 1],
			       (int)opts.retval, (int)opts.retval < 0 ? ": " : "",
			       (int)opts.retval < 0 ? strerror(-(int)opts.retval) : "");
		}
		m = btf_members(t);
		for (i = 0; i < btf_vlen(t); i++, m++) {
			const char *name = btf__name_by_offset(btf, m->name_off);
			long long v;
			bool sgn;

			if (!run_member(btf, t, name, &sgn))
				continue;
			v = run_load(ctx + m->offset / 8, run_size_of(btf, m), sgn);
			if (json) {
				jw_key(name);
				jw_s64(v);
			} else {
				printf("  %s = %lld\n", name, v);
			}
		}
		if (json) {
			jw_close('}');
			jw_close('}');
		}
		ret = (int)opts.retval < 0 ? 1 : 0;
	}
out:
	bpf_object__close(obj);
	return ret;
}
