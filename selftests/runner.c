// SPDX-License-Identifier: GPL-2.0
/*
 * swap_ext selftest runner.
 *
 * Runs every registered test (or those whose name contains -t PATTERN),
 * each in a child process of its own, so that a test that crashes, is
 * OOM-killed or hangs fails alone.  Between tests the runner puts the
 * machine back in a known state (st_env_reset()).  Output is TAP; the last
 * line is "N passed, N failed", followed by ", N skipped" when any test
 * skipped and ", N known failures (TODO)" when a test reported a known,
 * tracked difference from stock (st_todo(): "not ok ... # TODO why").
 * The exit status is 0 when no test failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "runner.h"
#include "lib/st.h"

#define MAX_TESTS		256
/* A child's exit status: anything else (a crash, exit(1)) is a failure. */
#define EXIT_PASS		0
#define EXIT_SKIP		77
#define EXIT_TODO		78
#define DEFAULT_TIMEOUT		600
#define SKIP_REASON_LEN		256

static struct st_test *tests[MAX_TESTS];
static unsigned int nr_tests;

/* In the child: where st_skip() and st_todo() send their reason. */
static int skip_fd = -1;

void st_register(struct st_test *test)
{
	if (nr_tests == MAX_TESTS) {
		fprintf(stderr, "runner: more than %d tests\n", MAX_TESTS);
		exit(2);
	}
	tests[nr_tests++] = test;
}

void st_log(const char *fmt, ...)
{
	char buf[1024], *line, *save;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		printf("# %s\n", line);
	fflush(stdout);
}

static void send_reason(const char *directive, const char *fmt, va_list ap)
{
	char buf[SKIP_REASON_LEN];
	ssize_t ret;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (skip_fd >= 0)
		ret = write(skip_fd, buf, strlen(buf));
	else
		ret = printf("# %s %s\n", directive, buf);
	(void)ret;
}

enum st_status st_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	send_reason("SKIP", fmt, ap);
	va_end(ap);
	return ST_SKIP;
}

enum st_status st_todo(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	send_reason("TODO", fmt, ap);
	va_end(ap);
	return ST_TODO;
}

static int __attribute__((noreturn)) child_main(struct st_test *t, int fd)
{
	enum st_status st = ST_PASS;
	void *ctx = NULL;

	skip_fd = fd;
	setpgid(0, 0);
	if (t->setup)
		st = t->setup(&ctx);
	if (st == ST_PASS) {
		st = t->run(ctx);
		if (t->cleanup)
			t->cleanup(ctx);
	}
	fflush(stdout);
	_exit(st == ST_PASS ? EXIT_PASS : st == ST_SKIP ? EXIT_SKIP :
	      st == ST_TODO ? EXIT_TODO : 1);
}

/* Timeouts are multiplied by this (-T): debug kernels run 10-30x slower */
static unsigned int timeout_scale = 1;

/* Run one test in a child; returns its status and fills @reason. */
static enum st_status run_one(struct st_test *t, char *reason, size_t len)
{
	unsigned int timeout = (t->timeout ?: DEFAULT_TIMEOUT) * timeout_scale;
	double deadline = st_now() + timeout;
	int pfd[2], wstatus;
	ssize_t n;
	pid_t pid;
	char *p;

	reason[0] = '\0';
	/*
	 * Not inherited by what the test executes, and never blocking the
	 * runner: a process stuck in D state with the write end open must not
	 * hang the suite past the test's timeout.
	 */
	if (pipe2(pfd, O_CLOEXEC)) {
		st_log("pipe: %s", strerror(errno));
		return ST_FAIL;
	}
	fcntl(pfd[0], F_SETFL, O_NONBLOCK);
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		st_log("fork: %s", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		return ST_FAIL;
	}
	if (pid == 0) {
		close(pfd[0]);
		child_main(t, pfd[1]);
	}
	close(pfd[1]);

	for (;;) {
		pid_t ret = waitpid(pid, &wstatus, WNOHANG);

		if (ret == pid)
			break;
		if (ret < 0 && errno != EINTR) {
			snprintf(reason, len, "waitpid: %s", strerror(errno));
			close(pfd[0]);
			return ST_FAIL;
		}
		if (st_now() > deadline) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, &wstatus, 0);
			st_log("timed out after %u s", timeout);
			close(pfd[0]);
			return ST_FAIL;
		}
		usleep(20000);
	}
	/* The test's helpers may have left processes in its group. */
	kill(-pid, SIGKILL);

	n = read(pfd[0], reason, len - 1);
	reason[n > 0 ? n : 0] = '\0';
	close(pfd[0]);
	/* The reason goes on the TAP line: one line. */
	for (p = reason; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';

	if (WIFSIGNALED(wstatus)) {
		st_log("killed by signal %d (%s)", WTERMSIG(wstatus),
		       strsignal(WTERMSIG(wstatus)));
		return ST_FAIL;
	}
	switch (WEXITSTATUS(wstatus)) {
	case EXIT_PASS:
		return ST_PASS;
	case EXIT_SKIP:
		if (reason[0])
			return ST_SKIP;
		st_log("skipped without a reason: st_skip() not used");
		return ST_FAIL;
	case EXIT_TODO:
		if (reason[0])
			return ST_TODO;
		st_log("a known failure without its reason: st_todo() not used");
		return ST_FAIL;
	default:
		/* 1 is ST_FAIL's; anything else came from elsewhere. */
		if (WEXITSTATUS(wstatus) != 1)
			st_log("exit status %d", WEXITSTATUS(wstatus));
		return ST_FAIL;
	}
}

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-l] [-F] [-T SCALE] [-t PATTERN]...\n"
		"  -l          list the tests and exit\n"
		"  -F          run outside the test VM (swaps off, removes cgroups)\n"
		"  -T SCALE    multiply every test's timeout by SCALE (debug kernels)\n"
		"  -t PATTERN  run the tests whose name contains PATTERN (repeatable);\n"
		"              a trailing '$' anchors it at the name's end\n",
		prog);
}

/* Does @name contain @pat, or end with it when @pat ends in '$'? */
static bool name_matches(const char *name, const char *pat)
{
	size_t nlen = strlen(name), plen = strlen(pat);

	if (!plen || pat[plen - 1] != '$')
		return strstr(name, pat);
	plen--;
	return plen <= nlen && !strncmp(name + nlen - plen, pat, plen);
}

static bool selected(const struct st_test *t, char **pats, int nr_pats)
{
	int i;

	if (!nr_pats)
		return true;
	for (i = 0; i < nr_pats; i++)
		if (name_matches(t->name, pats[i]))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	unsigned int passed = 0, failed = 0, skipped = 0, known = 0, nr_sel = 0, i, n = 0;
	char *pats[MAX_TESTS];
	char reason[SKIP_REASON_LEN];
	bool list = false, force = false;
	int nr_pats = 0, opt;

	while ((opt = getopt(argc, argv, "lFT:t:h")) != -1) {
		switch (opt) {
		case 'l':
			list = true;
			break;
		case 'F':
			force = true;
			break;
		case 'T':
			timeout_scale = strtoul(optarg, NULL, 10);
			if (!timeout_scale || timeout_scale > 100) {
				fprintf(stderr, "runner: -T takes 1 to 100\n");
				return 2;
			}
			/* for tests' own bounds on how long work may take */
			setenv("ST_TIME_SCALE", optarg, 1);
			break;
		case 't':
			if (nr_pats < MAX_TESTS)
				pats[nr_pats++] = optarg;
			break;
		default:
			usage(argv[0]);
			return opt == 'h' ? 0 : 2;
		}
	}

	for (i = 0; i < nr_tests; i++) {
		if (!tests[i]->name || !tests[i]->run) {
			fprintf(stderr, "runner: test %u lacks a name or run()\n", i);
			return 2;
		}
		if (selected(tests[i], pats, nr_pats))
			nr_sel++;
	}
	if (list) {
		for (i = 0; i < nr_tests; i++)
			if (selected(tests[i], pats, nr_pats))
				printf("%-32s %s\n", tests[i]->name,
				       tests[i]->description ?: "");
		return 0;
	}
	/* The runner swaps devices off and removes cgroups between tests. */
	if (!force && !getenv("SWAPEXT_OUT")) {
		fprintf(stderr, "runner: not in the test VM: use 'make check' (or -F)\n");
		return 2;
	}
	if (!nr_sel) {
		fprintf(stderr, "runner: no test matches\n");
		return 2;
	}

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n1..%u\n", nr_sel);
	for (i = 0; i < nr_tests; i++) {
		struct st_test *t = tests[i];
		enum st_status st;
		double start;

		if (!selected(t, pats, nr_pats))
			continue;
		n++;
		printf("# %s: %s\n", t->name, t->description ?: "");
		if (st_env_reset()) {
			printf("not ok %u - %s # cannot reset the environment\n",
			       n, t->name);
			failed++;
			continue;
		}
		start = st_now();
		st = run_one(t, reason, sizeof(reason));
		printf("# %s: %.1f s\n", t->name, st_now() - start);
		switch (st) {
		case ST_PASS:
			printf("ok %u - %s\n", n, t->name);
			passed++;
			break;
		case ST_SKIP:
			printf("ok %u - %s # SKIP %s\n", n, t->name, reason);
			skipped++;
			break;
		case ST_TODO:
			printf("not ok %u - %s # TODO %s\n", n, t->name, reason);
			known++;
			break;
		default:
			printf("not ok %u - %s\n", n, t->name);
			failed++;
			break;
		}
	}
	st_env_reset();

	printf("%u passed, %u failed", passed, failed);
	if (skipped)
		printf(", %u skipped", skipped);
	if (known)
		printf(", %u known failures (TODO)", known);
	printf("\n");
	return failed ? 1 : 0;
}
