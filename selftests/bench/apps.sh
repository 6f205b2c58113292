# SPDX-License-Identifier: GPL-2.0
#
# Real applications as swap tenants, guest side, sourced by the demo
# (scripts/demo.sh) and the bench (selftests/bench/suite.sh):
#
#   redis     redis-server in a cgroup too small for its data, filled by
#             redisfill, read by redis-benchmark (random GETs) from the
#             root cgroup; every value is verified when it stops
#   kbuild    a parallel build of part of Linux 6.12 (tinyconfig), in a
#             cgroup too small for its compilers, prepared on the host by
#             scripts/kbuild-prep.sh; every object it builds must be
#             byte-identical to the host's build of it
#
# The caller sets $root (the project on the host's root over 9p).
# Programs run from the host's root: their text and libraries are read
# into the page cache from the root cgroup first (precache), so that the
# tenant's cgroup does not own them, drop them under its own pressure and
# read them again over 9p, at a cost that follows the host's load.

redisfill=$root/build/selftests/redisfill
# redis-tools' redis-check-rdb is the server too, when its argv[0] says
# redis-server: the redis-server package adds only a system service
redis_bin=/usr/bin/redis-check-rdb
redis_sock=/tmp/redis.sock
redis_pid=
redis_nkeys=0	# set by redis_start
redis_vsize=0

# precache FILE...: FILE and the shared libraries it links into the page
# cache, charged to the caller's cgroup
precache() {
	local f

	for f in "$@"; do
		cat "$f" >/dev/null || return 1
		ldd "$f" 2>/dev/null | awk '$(NF - 1) ~ /^\// { print $(NF - 1) }' |
			xargs -r cat >/dev/null
	done
}

# in_cgroup CG [-a ARGV0] CMD...: CMD as a process of cgroup CG (a
# directory) from its first instruction; -a: with ARGV0 as its argv[0].
# A subshell of this one, not a new shell: the guest's root is 9p, and
# under ICOUNT=1 every file the launch opened there (a shell, its
# libraries) cost the guest a wait on the host, a different one each run.
in_cgroup() {
	local cg=$1 argv0=()

	shift
	if [ "$1" = -a ]; then
		argv0=(-a "$2")
		shift 2
	fi
	(echo $BASHPID >"$cg/cgroup.procs" && exec "${argv0[@]}" "$@")
}

# ---- redis ------------------------------------------------------------------

# redis_start CGROUP KEYS SIZE: a redis server in CGROUP (a directory), with
# KEYS values of SIZE bytes in it; no persistence, a Unix socket only
redis_start() {
	local cg=$1 i

	redis_nkeys=$2
	redis_vsize=$3
	[ -x $redis_bin ] && command -v redis-benchmark >/dev/null || {
		echo "$redis_bin or redis-benchmark missing: make deps (redis-tools)" >&2
		return 1
	}
	[ -x "$redisfill" ] || { echo "$redisfill missing: make selftests" >&2; return 1; }
	precache $redis_bin "$(command -v redis-benchmark)" "$redisfill" || return 1
	rm -f $redis_sock
	in_cgroup "$cg" -a redis-server $redis_bin --port 0 --unixsocket $redis_sock --save '' \
		--appendonly no --dir /tmp --logfile /tmp/redis.log &
	redis_pid=$!
	# the socket exists from bind(), before listen(): ask until it answers
	for i in $(seq 300); do
		redis-cli -s $redis_sock ping >/dev/null 2>&1 && break
		kill -0 $redis_pid 2>/dev/null || break
		sleep 0.1
	done
	if ! redis-cli -s $redis_sock ping >/dev/null 2>&1; then
		echo "redis-server did not start:" >&2
		cat /tmp/redis.log >&2
		redis_kill
		return 1
	fi
	if ! "$redisfill" -S $redis_sock -n "$redis_nkeys" -d "$redis_vsize" load \
		>/tmp/redis-load.out 2>&1; then
		echo "redisfill load failed: $(cat /tmp/redis-load.out)" >&2
		redis_kill
		return 1
	fi
}

redis_kill() {
	kill $redis_pid 2>/dev/null
	wait $redis_pid 2>/dev/null
	redis_pid=
}

# redis_get REQUESTS CLIENTS: REQUESTS GETs of random keys from CLIENTS
# connections; prints "get_rps=R get_p50_us=P get_p99_us=Q get_max_us=M"
redis_get() {
	redis-benchmark -s $redis_sock -t get -n "$1" -c "$2" -r "$redis_nkeys" --csv \
		>/tmp/redis-bench.csv 2>&1 || { cat /tmp/redis-bench.csv >&2; return 1; }
	awk -F'"' '$2 == "GET" {
		printf "get_rps=%.0f get_p50_us=%.0f get_p99_us=%.0f get_max_us=%.0f\n",
			$4, $10 * 1000, $14 * 1000, $16 * 1000; found = 1 }
		END { exit !found }' /tmp/redis-bench.csv ||
		{ echo "redis-benchmark: no GET line:" >&2; cat /tmp/redis-bench.csv >&2; return 1; }
}

# redis_stop: read every value back and check it, then shut the server
# down; fails if a value differs or is missing
redis_stop() {
	local rc=0

	[ -n "$redis_pid" ] || return 0
	"$redisfill" -S $redis_sock -n "$redis_nkeys" -d "$redis_vsize" verify \
		>/tmp/redis-verify.out 2>&1 || rc=1
	[ $rc = 0 ] || cat /tmp/redis-verify.out >&2
	redis-cli -s $redis_sock shutdown nosave >/dev/null 2>&1 || kill $redis_pid 2>/dev/null
	wait $redis_pid 2>/dev/null
	redis_pid=
	return $rc
}

# ---- kbuild -----------------------------------------------------------------

kb_dir=$root/build/bench-kbuild
kb_tree=/tmp/swapext-kbuild

# kbuild_setup: the prepared object tree into the guest's tmpfs, once per
# boot, at the path the host built it at; the sources it reads and the
# compilers into the page cache
kbuild_setup() {
	[ -f $kb_dir/obj.tar ] || { echo "$kb_dir/obj.tar missing: scripts/kbuild-prep.sh" >&2; return 1; }
	if [ ! -d $kb_tree ]; then
		mkdir -p $kb_tree && tar -xf $kb_dir/obj.tar -C $kb_tree || return 1
	fi
	xargs -r -d '\n' cat <$kb_dir/files.txt >/dev/null || return 1
	precache $(cat $kb_dir/tools.txt)
}

# kbuild_run CGROUP JOBS: the build in CGROUP with make -jJOBS, from a tree
# with none of its objects; every object must match the host's
kbuild_run() {
	local cg=$1 jobs=$2 src

	read -r src <$kb_dir/src.txt
	(cd $kb_tree/obj && xargs -r rm -f <$kb_dir/objects.txt)
	in_cgroup "$cg" make -s -C "$src" O=$kb_tree/obj -j"$jobs" $(cat $kb_dir/targets.txt) \
		>/tmp/kbuild.log 2>&1 || { tail -n 20 /tmp/kbuild.log >&2; return 1; }
	(cd $kb_tree/obj && sha1sum -c --quiet $kb_dir/sha1.txt) >/tmp/kbuild-sha1.log 2>&1 || {
		echo "kbuild: objects differ from the host's:" >&2
		head -n 20 /tmp/kbuild-sha1.log >&2
		return 1
	}
	echo "kbuild_objects=$(wc -l <$kb_dir/objects.txt)"
}
