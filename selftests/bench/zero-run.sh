# SPDX-License-Identifier: GPL-2.0
#
# The bench's zero scenario, one run at a time, for the by-hand diagnoses
# that measure it under perf (calls.sh, costs.sh); sourced, not run.
#
#   zero_run_setup            memverify copied to the guest's tmpfs (the 9p
#                             root's waits follow the host), zswap on (off
#                             with ZSWAP=N), vda swapped on (the disk or
#                             the tier)
#   zero_run_cgroup CG        CG made with the bench's limits: memory.max
#                             32M, memory.high 24M, memory.zswap.max 4M;
#                             the page cache dropped
#   zero_run_cmd CG           the shell command that runs memverify (64 MiB,
#                             2 passes, FILL's data, default zero) in CG

zero_run_setup() {
	cp "$top/build/selftests/memverify" /tmp/memverify || exit 1
	echo +memory +cpu >/sys/fs/cgroup/cgroup.subtree_control
	echo lzo >/sys/module/zswap/parameters/compressor
	echo "${ZSWAP:-Y}" >/sys/module/zswap/parameters/enabled || exit 1
	echo 0 >/sys/block/vda/queue/rotational
	mkswap -f /dev/vda >/dev/null && swapon -p 10 /dev/vda || exit 1
}

zero_run_cgroup() {
	mkdir "$1" && echo 32M >"$1/memory.max" && echo 24M >"$1/memory.high" &&
		echo 4M >"$1/memory.zswap.max" || exit 1
	sync
	echo 3 >/proc/sys/vm/drop_caches
}

zero_run_cmd() {
	echo "echo \$\$ >$1/cgroup.procs && exec /tmp/memverify -s 64 -p 2 -f ${FILL:-zero}"
}
