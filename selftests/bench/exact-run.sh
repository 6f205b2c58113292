#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The guest side of scripts/exact.sh: the bench's zero scenario once
# (selftests/bench/zero-run.sh; FILL and ZSWAP choose the data and the
# backend, as for costs.sh), between two sync(1) calls, whose ksys_sync()
# runs make QEMU's tbcount plugin write its counts: the window counted is
# the run alone.

set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=selftests/bench/zero-run.sh
. "$top/selftests/bench/zero-run.sh"
zero_run_setup
cg=/sys/fs/cgroup/exact
zero_run_cgroup "$cg"
sync
sh -c "$(zero_run_cmd "$cg")" || { echo "exact: memverify failed"; exit 1; }
sync
awk '$1 == "usage_usec" { print "exact: cgroup usage_usec " $2 }' "$cg/cpu.stat"
