/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the swap_ext and policy selftests: swapctl and its pins, the
 * policies' stats maps and the swap_ext sysfs files.
 */
#ifndef __SWAPEXT_SX_H
#define __SWAPEXT_SX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runner.h"

/* build/userspace/swapctl */
const char *sx_swapctl(void);
/* build/bpf/@name.bpf.o (a static buffer) */
const char *sx_obj(const char *name);

/* swapctl attach @knobs @obj @cg: its exit status; its output in @out */
int sx_attach_obj(const char *cg, const char *obj, const char *knobs,
		  char *out, size_t len);
/* sx_attach_obj() of bpf/sx_test.bpf.o, whose every answer is a knob */
int sx_attach(const char *cg, const char *knobs);
/* swapctl @fmt... (a shell fragment): its status; stdout+stderr in @out */
int sx_ctl(char *out, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* swapctl -j @args | jq -e @filter: whether the filter holds */
bool sx_jq(const char *args, const char *filter);
/* swapctl detach @cg: its exit status */
int sx_detach(const char *cg);
/* The stats member @key of the policy effective in @cg, summed over CPUs */
int sx_stat(const char *cg, const char *key, uint64_t *val);
/* Log swapctl stats @cg on one line */
void sx_stats_log(const char *cg);

/* @cg's memory.swap.policy, one line without its newline */
void sx_policy_of(const char *cg, char *buf, size_t len);
/* Wait up to 2 s for @cg's memory.swap.policy to read @want */
bool sx_wait_policy(const char *cg, const char *want);
/* /sys/kernel/mm/swap_ext/@file into @buf */
void sx_read(const char *file, char *buf, size_t len);
/* Wait up to 2 s for last_exit to start with @prefix */
bool sx_wait_last_exit(const char *prefix, char *buf, size_t len);
/* Wait up to 2 s until no policy is listed */
bool sx_wait_none(void);
/* The cgroup id of directory @cg, or 0 */
uint64_t sx_cg_id(const char *cg);

/* vst_setup(), skipping without swap_ext or swapctl */
enum st_status sx_setup(void **ctx, const char *name, unsigned int flags,
			int nr_tiers, unsigned int max_mib,
			unsigned int high_mib);

#endif /* __SWAPEXT_SX_H */
