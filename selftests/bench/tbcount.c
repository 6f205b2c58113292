// SPDX-License-Identifier: GPL-2.0
/*
 * tbcount: a QEMU TCG plugin that counts, exactly, the guest instructions
 * each translated block runs, for scripts/exact.sh.
 *
 * A sampled profile (perf in the guest) resolves a symbol to a few ms of
 * guest time in a bench round, and the kernels we compare differ by less
 * than that in most symbols.  Under TCG every block QEMU translates can
 * count its own executions: an inline add on each run of the block, its
 * instruction count known at translation.  That is every instruction the
 * guest runs, by address, with no sampling and nothing run in the guest.
 *
 * The guest marks the window to count by running the block at the
 * address given as toggle= (a kernel function it calls on purpose, e.g.
 * ksys_sync() by sync(1)): each run of that block writes every block's
 * counts so far to out=FILE.N (N = 0, 1, ...); the difference of two
 * dumps is the window between them.  Lines: "vaddr insns execs", hex
 * address, decimal counts; a block translated again has a line per
 * translation.
 *
 * Built against QEMU 7.2's plugin API (version 1), whose few calls used
 * here are declared below: Debian ships no qemu-plugin.h.  Inline adds
 * are not atomic: run one vCPU (single-threaded TCG, as -icount is).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* QEMU 7.2 plugin API, version 1 (include/qemu/qemu-plugin.h there) */
typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
typedef struct qemu_info_t qemu_info_t;
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS };
typedef void (*qemu_plugin_tb_trans_cb)(qemu_plugin_id_t id,
					struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_vcpu_udata_cb)(unsigned int vcpu, void *udata);
typedef void (*qemu_plugin_udata_cb)(qemu_plugin_id_t id, void *udata);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
					   qemu_plugin_tb_trans_cb cb);
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb,
					  qemu_plugin_vcpu_udata_cb cb,
					  enum qemu_plugin_cb_flags flags,
					  void *udata);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb,
					      enum qemu_plugin_op op,
					      void *ptr, uint64_t imm);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id,
				    qemu_plugin_udata_cb cb, void *udata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

/* One translation of a block; never moves: its inline add points here */
struct block {
	uint64_t vaddr;
	uint64_t insns;
	uint64_t execs;
};

#define CHUNK	65536			/* blocks per allocation */

static struct block **chunks;		/* all blocks translated so far */
static size_t nr_blocks, nr_chunks;
static uint64_t toggle;			/* address whose block dumps */
static const char *out = "/tmp/tbcount";
static unsigned int dumps;		/* written so far */

static struct block *block_new(void)
{
	struct block *b;

	if (nr_blocks == nr_chunks * CHUNK) {
		chunks = realloc(chunks, (nr_chunks + 1) * sizeof(*chunks));
		if (!chunks)
			abort();
		chunks[nr_chunks] = calloc(CHUNK, sizeof(struct block));
		if (!chunks[nr_chunks])
			abort();
		nr_chunks++;
	}
	b = &chunks[nr_blocks / CHUNK][nr_blocks % CHUNK];
	nr_blocks++;
	return b;
}

static void dump(void)
{
	char path[4096];
	size_t i;
	FILE *f;

	snprintf(path, sizeof(path), "%s.%u", out, dumps++);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		return;
	}
	for (i = 0; i < nr_blocks; i++) {
		struct block *b = &chunks[i / CHUNK][i % CHUNK];

		if (b->execs)
			fprintf(f, "%" PRIx64 " %" PRIu64 " %" PRIu64 "\n",
				b->vaddr, b->insns, b->execs);
	}
	fclose(f);
}

static void toggled(unsigned int vcpu, void *udata)
{
	dump();
}

static void translated(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	struct block *b = block_new();

	b->vaddr = qemu_plugin_tb_vaddr(tb);
	b->insns = qemu_plugin_tb_n_insns(tb);
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
						 &b->execs, 1);
	if (toggle && b->vaddr == toggle)
		qemu_plugin_register_vcpu_tb_exec_cb(tb, toggled,
						     QEMU_PLUGIN_CB_NO_REGS, NULL);
}

static void exited(qemu_plugin_id_t id, void *udata)
{
	if (!toggle)
		dump();
}

__attribute__((visibility("default")))
int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
			int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "toggle=", 7)) {
			toggle = strtoull(argv[i] + 7, NULL, 16);
		} else if (!strncmp(argv[i], "out=", 4)) {
			out = argv[i] + 4;
		} else {
			fprintf(stderr, "tbcount: unknown argument %s\n", argv[i]);
			return -1;
		}
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, translated);
	qemu_plugin_register_atexit_cb(id, exited, NULL);
	return 0;
}
