// SPDX-License-Identifier: GPL-2.0
/*
 * redisfill: fill a redis server with verifiable values and check every
 * byte of them afterwards.
 *
 * The demo and the bench run redis-server as their latency-sensitive
 * tenant, in a cgroup too small for its data, and drive it with
 * redis-benchmark, which only times GETs: it never looks at what they
 * return.  redisfill writes the data before and reads all of it back
 * after, so that a value swap corrupted is found:
 *
 *   redisfill -S SOCKET -n KEYS -d BYTES load     SET key:%012u for every
 *                                                 key in [0, KEYS)
 *   redisfill -S SOCKET -n KEYS -d BYTES verify   GET each, compare
 *
 * The key names are redis-benchmark's ("key:" and __rand_int__'s twelve
 * digits), so "redis-benchmark -t get -r KEYS" reads these values.
 *
 * A value is words of a fixed 256-word vocabulary, chosen by a PRNG
 * seeded with the key and -g GEN, after the key's own name: text that
 * compresses about as well as a cache's values do (2-3x), and different
 * for every key and generation.  Commands are pipelined, 64 at a time,
 * over a Unix socket.
 *
 * A value that comes back different is reported with the first byte that
 * differs, and the exit status is 1; a usage, connection or protocol error,
 * or a server that answers nothing for 300 s, is 2.  The last line is machine-readable:
 *   redisfill: op=load|verify keys=N bytes=B bad_keys=K secs=S
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#define BATCH		64	/* commands in flight */
#define NWORDS		256	/* vocabulary */
#define MAX_REPORTS	10
#define TIMEOUT_S	300	/* for any one read or write */

/* RESP commands; a key is "key:" and twelve digits, 16 bytes */
#define SET_FMT		"*3\r\n$3\r\nSET\r\n$16\r\nkey:%012u\r\n$%zu\r\n"
#define GET_FMT		"*2\r\n$3\r\nGET\r\n$16\r\nkey:%012u\r\n"
#define BAD_FMT		"redisfill: key:%012u: %zu bytes, want %zu; first difference at byte %zu\n"

static char vocab[NWORDS][12];

struct conn {
	int fd;
	char buf[1 << 16];	/* unread reply bytes: buf[pos, len) */
	size_t pos, len;
};

static void die(const char *what)
{
	fprintf(stderr, "redisfill: %s: %s\n", what, errno ? strerror(errno) : "protocol error");
	exit(2);
}

/* a reply that breaks the protocol: no errno of a call made earlier */
static void bad_reply(const char *what)
{
	errno = 0;
	die(what);
}

static uint64_t rnd(uint64_t *s)
{
	/* xorshift64* */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

static void make_vocab(void)
{
	uint64_t s = 0x9e3779b97f4a7c15ull;
	int i, j, n;

	for (i = 0; i < NWORDS; i++) {
		n = 2 + rnd(&s) % 9;
		for (j = 0; j < n; j++)
			vocab[i][j] = 'a' + rnd(&s) % 26;
		vocab[i][n] = '\0';
	}
}

/* The value of key K in generation G: SIZE bytes into V. */
static void value(char *v, size_t size, unsigned int k, unsigned int g)
{
	uint64_t s = ((uint64_t)g << 32 | k) * 0xbf58476d1ce4e5b9ull + 1;
	size_t n;

	n = snprintf(v, size, "key:%012u", k);
	while (n < size) {
		const char *w = vocab[rnd(&s) % NWORDS];
		size_t l = strlen(w);

		v[n++] = ' ';
		memcpy(v + n, w, n + l <= size ? l : size - n);
		n += l;
	}
}

static void put(int fd, const char *p, size_t n)
{
	ssize_t r;

	while (n) {
		r = write(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			die("write");
		p += r;
		n -= r;
	}
}

static int getbyte(struct conn *c)
{
	ssize_t r;

	if (c->pos == c->len) {
		do
			r = read(c->fd, c->buf, sizeof(c->buf));
		while (r < 0 && errno == EINTR);
		if (r <= 0) {
			if (!r)
				errno = ECONNRESET;
			die("read");
		}
		c->pos = 0;
		c->len = r;
	}
	return (unsigned char)c->buf[c->pos++];
}

/* One reply line, without its CRLF, into L (at most N bytes). */
static void getline_crlf(struct conn *c, char *l, size_t n)
{
	size_t i = 0;
	int ch;

	while ((ch = getbyte(c)) != '\r') {
		if (i + 1 >= n)
			bad_reply("reply line too long");
		l[i++] = ch;
	}
	if (getbyte(c) != '\n')
		bad_reply("reply without CRLF");
	l[i] = '\0';
}

static void getbytes(struct conn *c, char *p, size_t n)
{
	size_t k;

	while (n) {
		if (c->pos == c->len) {
			*p++ = getbyte(c);
			n--;
			continue;
		}
		k = c->len - c->pos < n ? c->len - c->pos : n;
		memcpy(p, c->buf + c->pos, k);
		c->pos += k;
		p += k;
		n -= k;
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void bad_usage(void)
{
	fprintf(stderr, "usage: redisfill -S SOCKET -n KEYS -d BYTES [-g GEN] load|verify\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned int keys = 0, gen = 0, k, b, bad = 0;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tmo = { .tv_sec = TIMEOUT_S };
	const char *sock = NULL, *op;
	unsigned long long bytes = 0;
	size_t size = 0, cmdmax, n, len;
	char *cmd, *want, *got, line[128];
	struct conn *c;
	size_t i;
	bool load;
	double t0;
	int opt;

	while ((opt = getopt(argc, argv, "S:n:d:g:")) != -1) {
		switch (opt) {
		case 'S':
			sock = optarg;
			break;
		case 'n':
			keys = strtoul(optarg, NULL, 0);
			break;
		case 'd':
			size = strtoul(optarg, NULL, 0);
			break;
		case 'g':
			gen = strtoul(optarg, NULL, 0);
			break;
		default:
			bad_usage();
		}
	}
	if (optind != argc - 1 || !sock || !keys || size < 16 || size > (1 << 24) ||
	    strlen(sock) >= sizeof(sa.sun_path))
		bad_usage();
	op = argv[optind];
	/* a server that goes away is an error (exit 2), not a signal */
	signal(SIGPIPE, SIG_IGN);
	if (strcmp(op, "load") && strcmp(op, "verify"))
		bad_usage();
	load = !strcmp(op, "load");

	make_vocab();
	c = calloc(1, sizeof(*c));
	cmdmax = BATCH * (size + 128);
	cmd = malloc(cmdmax);
	want = malloc(size + 1);
	got = malloc(size + 2);
	if (!c || !cmd || !want || !got)
		die("malloc");
	memcpy(sa.sun_path, sock, strlen(sock) + 1);
	c->fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)))
		die(sock);
	/* a server that stalls for minutes is a failure, not a wait */
	if (setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo)) ||
	    setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tmo, sizeof(tmo)))
		die("setsockopt");

	t0 = now();
	for (k = 0; k < keys; k += BATCH) {
		unsigned int nb = keys - k < BATCH ? keys - k : BATCH;

		n = 0;
		for (b = 0; b < nb; b++) {
			if (load) {
				n += sprintf(cmd + n, SET_FMT, k + b, size);
				value(cmd + n, size, k + b, gen);
				n += size;
				memcpy(cmd + n, "\r\n", 2);
				n += 2;
			} else {
				n += sprintf(cmd + n, GET_FMT, k + b);
			}
		}
		put(c->fd, cmd, n);
		for (b = 0; b < nb; b++) {
			getline_crlf(c, line, sizeof(line));
			if (load) {
				if (strcmp(line, "+OK")) {
					fprintf(stderr, "redisfill: SET key:%012u: %s\n",
						k + b, line);
					exit(2);
				}
				bytes += size;
				continue;
			}
			if (line[0] != '$') {
				fprintf(stderr, "redisfill: GET key:%012u: %s\n", k + b, line);
				exit(2);
			}
			if (!strcmp(line, "$-1")) {
				if (bad++ < MAX_REPORTS)
					fprintf(stderr, "redisfill: key:%012u is missing\n", k + b);
				continue;
			}
			len = strtoul(line + 1, NULL, 10);
			if (len > size + (1 << 20))
				bad_reply("reply too long");
			/* what does not fit in got is read and dropped */
			n = len < size ? len : size;
			getbytes(c, got, n);
			for (i = n; i < len; i++)
				getbyte(c);
			getbytes(c, line, 2);
			if (line[0] != '\r' || line[1] != '\n')
				bad_reply("value without CRLF");
			value(want, size, k + b, gen);
			bytes += n;
			if (len != size || memcmp(got, want, size)) {
				for (i = 0; i < n && got[i] == want[i]; i++)
					;
				if (bad++ < MAX_REPORTS)
					fprintf(stderr, BAD_FMT, k + b, len, size, i);
			}
		}
	}
	printf("redisfill: op=%s keys=%u bytes=%llu bad_keys=%u secs=%.3f\n",
	       op, keys, bytes, bad, now() - t0);
	return bad ? 1 : 0;
}
