#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench-policy: what a swap_ext policy costs.  Boots our kernel once
# and runs selftests/bench/policy.sh: the same swap workloads with no
# policy and with a no-op BPF policy at the root, ROUNDS alternating
# rounds, then one round with BPF run-time statistics.  Writes medians,
# noop/none ratios and the cost per hook call to build/bench/policy.md.
#
#   ROUNDS   alternating rounds (default 5)

set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/bench
rounds=${ROUNDS:-5}
kernel=$top/build/obj/vswap/arch/x86/boot/bzImage
mkdir -p "$out"
log=$out/policy.log

[ -f "$kernel" ] || { echo "bench-policy: $kernel missing (make)" >&2; exit 2; }
echo "bench-policy: $rounds rounds, no policy against sx_noop"
if ! KERNEL=$kernel FLAVOR=bench-policy VM_INIT=$top/build/vm-init DISKS=1 \
	VM_TIMEOUT=3600 "$top/scripts/vm.sh" "$top/selftests/bench/policy.sh" "$rounds" \
	>"$log" 2>&1; then
	echo "bench-policy: failed, see $log" >&2
	exit 1
fi

python3 - "$log" "$out/policy.md" "$rounds" <<'PY'
import statistics, sys, datetime, os
log, md, rounds = sys.argv[1:4]
res, calls, ops = {}, {}, []
for line in open(log):
    w = line.split()
    if not w or w[0] not in ('RESULT', 'CALLS', 'OPSTAT'):
        continue
    kv = dict(f.split('=', 1) for f in w[1:] if '=' in f)
    if w[0] == 'RESULT' and kv.get('round') != 'stats':
        res.setdefault((kv['scenario'], kv['policy']), []).append(kv)
    elif w[0] == 'CALLS':
        calls.setdefault((kv['scenario'], kv['policy']), []).append(float(kv['calls']))
    elif w[0] == 'OPSTAT':
        ops.append(kv)
def med(sc, p, f):
    v = [float(r[f]) for r in res.get((sc, p), []) if f in r]
    return statistics.median(v) if v else float('nan')
cpu = next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo')
            if l.startswith('model name')), '?')
out = [f"# A no-op swap_ext policy against none: {datetime.date.today()}, {rounds} alternating rounds",
       "", f"Host: {cpu}, {os.cpu_count()} CPUs; guest: TCG, 2 vCPUs, 1 GiB; our kernel in one boot; "
       "workload: memverify 128 MiB x 2 passes in a 32 MiB cgroup (memory.high 24 MiB), every byte "
       "verified; policy: bpf/sx_noop.bpf.o registered at the root with bpftool.", ""]
for sc in sorted({s for s, _ in res}):
    out += [f"## {sc}", "", "| median | none | noop | noop/none |", "|---|---:|---:|---:|"]
    for f, label in (("write_s", "swap-out phase s"), ("verify_s", "swap-in phase s"),
                     ("sys_us", "cgroup sys time us")):
        a, b = med(sc, 'none', f), med(sc, 'noop', f)
        out.append(f"| {label} | {a:.6g} | {b:.6g} | {b / a if a else float('nan'):.3f} |")
    c = statistics.median(calls.get((sc, 'noop'), [float('nan')]))
    tout = med(sc, 'none', 'write_s') / med(sc, 'noop', 'write_s')
    tin = med(sc, 'none', 'verify_s') / med(sc, 'noop', 'verify_s')
    dsys = (med(sc, 'noop', 'sys_us') - med(sc, 'none', 'sys_us')) * 1000
    out += ["", f"Throughput ratio noop/none: swap-out {tout:.3f}, swap-in {tin:.3f}. "
            f"Hook calls per run: {c:.0f}; sys time difference per call: "
            f"{dsys / c if c else float('nan'):.0f} ns (TCG, noisy).", ""]
if ops:
    out += ["## BPF program cost (kernel.bpf_stats_enabled, one zswap run)", "",
            "| op | calls | ns per call |", "|---|---:|---:|"]
    for o in ops:
        n, t = int(o['run_cnt']), int(o['run_time_ns'])
        out.append(f"| {o['op']} | {n} | {t / n if n else float('nan'):.0f} |")
    out.append("")
open(md, 'w').write("\n".join(out) + "\n")
print("\n".join(out))
PY
echo "bench-policy: results in $out/policy.md"
