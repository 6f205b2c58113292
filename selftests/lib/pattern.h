/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page contents that can be verified byte for byte.
 *
 * Every page a workload writes is a pure function of (address, generation,
 * fill): a header naming the page, then 64-bit words from a generator
 * seeded by the address and the generation.  A reader regenerates the
 * expected page and compares every byte; the header says, on a mismatch,
 * whether the page holds another page's data (a misdirected read), a
 * stale generation (a lost write) or garbage.
 */
#ifndef __SWAPEXT_PATTERN_H
#define __SWAPEXT_PATTERN_H

#include <stdint.h>
#include <string.h>

#define PAT_MAGIC	0x73776170657874ULL	/* "swapext" */

enum pat_fill {
	PAT_RANDOM,		/* incompressible */
	PAT_COMPRESSIBLE,	/* one random byte in eight: ~4-8x with lzo */
	PAT_ZERO,		/* all zero: no header, verified as zero */
	PAT_SAME,		/* one word repeated (zswap same-filled) */
	PAT_MIXED,		/* by page: random, compressible, zero, same */
	PAT_POOR,		/* 5/8 random, then compressible: ~3 KiB with lzo */
	PAT_VARIED,		/* by page: compressible, poor, random */
	PAT_SPARSE,		/* one random byte in 256: ~20x with lzo */
};

/* The fill named @name on a command line ("random", ...), or -1 */
static inline int pat_fill_by_name(const char *name)
{
	static const char *const names[] = {
		[PAT_RANDOM] = "random",
		[PAT_COMPRESSIBLE] = "compressible",
		[PAT_ZERO] = "zero",
		[PAT_SAME] = "same",
		[PAT_MIXED] = "mixed",
		[PAT_POOR] = "poor",
		[PAT_VARIED] = "varied",
		[PAT_SPARSE] = "sparse",
	};
	unsigned int i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i]))
			return i;
	return -1;
}

struct pat_header {
	uint64_t magic;
	uint64_t addr;		/* virtual address the page was written at */
	uint64_t gen;		/* generation of the write */
	uint64_t fill;		/* enum pat_fill of the page */
};

static inline uint64_t pat_mix(uint64_t x)
{
	/* splitmix64 finalizer */
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static inline enum pat_fill pat_page_fill(enum pat_fill fill, uint64_t addr,
					  uint64_t gen, size_t page)
{
	static const enum pat_fill varied[] = {
		PAT_COMPRESSIBLE, PAT_POOR, PAT_RANDOM,
	};
	uint64_t r = pat_mix(addr / page ^ (gen << 40));

	if (fill == PAT_MIXED)
		return (enum pat_fill)(r % PAT_MIXED);
	if (fill == PAT_VARIED)
		return varied[r % 3];
	return fill;
}

/* Write the expected content of the page at @addr into @buf. */
static inline void pat_fill_page(void *buf, size_t page, uint64_t addr,
				 uint64_t gen, enum pat_fill fill)
{
	uint64_t *w = buf, s = pat_mix(addr ^ pat_mix(gen)), i;
	struct pat_header *h = buf;

	fill = pat_page_fill(fill, addr, gen, page);
	switch (fill) {
	case PAT_ZERO:
		memset(buf, 0, page);
		return;
	case PAT_SAME:
		for (i = 0; i < page / 8; i++)
			w[i] = s;
		return;
	default:
		break;
	}
	for (i = sizeof(*h) / 8; i < page / 8; i++) {
		/* xorshift64 */
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		if (fill == PAT_COMPRESSIBLE ||
		    (fill == PAT_POOR && i >= page / 8 * 5 / 8))
			w[i] = s & 0xff;
		else if (fill == PAT_SPARSE)
			w[i] = i % 32 ? 0 : s & 0xff;
		else
			w[i] = s;
	}
	h->magic = PAT_MAGIC;
	h->addr = addr;
	h->gen = gen;
	h->fill = fill;
}

#endif /* __SWAPEXT_PATTERN_H */
