#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of 'make bench': one run of each scenario on the booted kernel
# (stock 6.12 or ours), printing one RESULT line per scenario.
#
#   disk    zswap off, a virtio disk as swap device (tier), random data
#   zswap   zswap on with memory.zswap.max 4M and the disk behind it,
#           compressible data: zswap writes back to the disk
#
# Each runs memverify (every byte verified) in a cgroup with memory.max
# 32M and memory.high 24M: write_s is the swap-out phase, verify_s the
# swap-in phase.  On vswap kernels the peak metadata is sampled from
# /sys/kernel/mm/vswap/stat while the workload runs.

set -u
. "$(dirname "$0")/lib.sh"

bench_setup
zswap_on N
run disk random
zswap_on Y
run zswap compressible
echo 1 >"$cg/cgroup.kill" 2>/dev/null
