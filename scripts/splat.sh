# SPDX-License-Identifier: GPL-2.0
# Sourced by scripts/vm.sh and scripts/hibernate.sh: the kernel console
# lines that fail a run.  Fault injection's own "forcing a failure"
# traces are expected in tests that inject faults and are not listed.
# shellcheck shell=bash disable=SC2034
splat_re='(BUG:|WARNING:|Oops|Kernel panic|KASAN:|KFENCE:|UBSAN:|possible recursive locking|possible circular locking|inconsistent lock state|suspicious RCU usage|INFO: task .* blocked for more than|INFO: rcu_.* detected stalls|watchdog: BUG: soft lockup|general protection fault|Attempted to kill init)'
