/* SPDX-License-Identifier: GPL-2.0 */
/*
 * swap_ext selftest runner: a test is a name, a description and
 * setup/run/cleanup callbacks, registered from its own file with
 * REGISTER_ST_TEST().  runner.c runs each test in a child process and
 * prints TAP.
 */
#ifndef __SWAPEXT_RUNNER_H
#define __SWAPEXT_RUNNER_H

#include <stdio.h>

enum st_status {
	ST_PASS,
	ST_SKIP,
	ST_FAIL,
	/*
	 * A failure the project knows and tracks (st_todo()): TAP's "not ok
	 * ... # TODO", counted apart and not failing the suite.  Only for a
	 * difference from stock that an open issue is about.
	 */
	ST_TODO,
};

struct st_test {
	/* Unique name, [a-z0-9_]; a name ending in _fail proves a rejection. */
	const char *name;
	/* One line: what the test shows when it passes. */
	const char *description;
	/*
	 * Optional.  Acquire what run() needs and store it in *ctx.  Return
	 * ST_SKIP (with st_skip()) when the kernel or machine lacks a feature;
	 * on ST_FAIL or ST_SKIP, run() and cleanup() are not called.
	 */
	enum st_status (*setup)(void **ctx);
	/* Required.  The test proper. */
	enum st_status (*run)(void *ctx);
	/* Optional.  Release what setup() acquired; called after run(). */
	void (*cleanup)(void *ctx);
	/* Seconds before the runner kills the test (default 600). */
	unsigned int timeout;
};

void st_register(struct st_test *test);

#define REGISTER_ST_TEST(__test)					\
	__attribute__((constructor)) static void __reg_##__test(void)	\
	{								\
		st_register(&(__test));					\
	}

/* Diagnostics, printed as TAP comments ("# ...") under the test's line. */
void st_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Record why the test skips; shown after "# SKIP". */
enum st_status st_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Record which known failure this is and where it is tracked; shown after "# TODO". */
enum st_status st_todo(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define ST_FAIL_IF(cond, fmt, ...)					\
	do {								\
		if (cond) {						\
			st_log("%s:%d: " fmt, __FILE__, __LINE__,	\
			       ##__VA_ARGS__);				\
			return ST_FAIL;					\
		}							\
	} while (0)

#define ST_CHECK(cond) ST_FAIL_IF(!(cond), "check failed: %s", #cond)

#endif /* __SWAPEXT_RUNNER_H */
