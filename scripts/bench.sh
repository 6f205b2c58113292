#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: boot stock 6.12 and ours in turn on the same VM shape, run
# selftests/bench/vswap.sh in each, ROUNDS times alternating, and report
# medians and ours/stock ratios as a Markdown table in build/bench/.
#
#   ROUNDS   alternating rounds (default 5)
#
# Times are from a TCG guest on a shared host: only the ratios of runs made
# side by side mean anything.

set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/bench
rounds=${ROUNDS:-5}
ours=$top/build/obj/vswap/arch/x86/boot/bzImage
stock=$top/build/stock/obj/stock/arch/x86/boot/bzImage
mkdir -p "$out"
raw=$out/raw.txt
: >"$raw"

for k in "$ours" "$stock"; do
	[ -f "$k" ] || { echo "bench: $k missing (make kernel; make kernel STOCK=1)" >&2; exit 2; }
done

for r in $(seq 1 "$rounds"); do
	for flavor in stock vswap; do
		k=$ours; [ $flavor = stock ] && k=$stock
		echo "bench: round $r/$rounds: $flavor"
		log=$out/$flavor-$r.log
		if ! KERNEL=$k FLAVOR=bench-$flavor VM_INIT=$top/build/vm-init DISKS=1 \
			VM_TIMEOUT=900 "$top/scripts/vm.sh" "$top/selftests/bench/vswap.sh" >"$log" 2>&1; then
			echo "bench: $flavor round $r failed, see $log" >&2
			exit 1
		fi
		grep '^RESULT' "$log" | sed "s/^RESULT/kernel=$flavor round=$r/" >>"$raw"
	done
done

python3 - "$raw" "$out/results.md" "$rounds" <<'PY'
import statistics, sys, datetime, platform, os
raw, md, rounds = sys.argv[1], sys.argv[2], sys.argv[3]
rows = {}
for line in open(raw):
    kv = dict(f.split('=', 1) for f in line.split())
    rows.setdefault((kv['scenario'], kv['kernel']), []).append(kv)
def med(sc, k, f):
    v = [float(r[f]) for r in rows.get((sc, k), []) if f in r]
    return statistics.median(v) if v else float('nan')
cpu = next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), '?')
lines = [f"# vswap against stock 6.12: {datetime.date.today()}, {rounds} alternating rounds",
         "", f"Host: {cpu}, {os.cpu_count()} CPUs; guest: TCG, 2 vCPUs, 1 GiB; "
         "workload: memverify 128 MiB x 2 passes in a 32 MiB cgroup (memory.high 24 MiB), every byte verified.", ""]
fields = [("write_s", "swap-out phase s", True), ("verify_s", "swap-in phase s", True),
          ("sys_us", "cgroup sys time us", True), ("pswpout", "pages written to disk", False),
          ("zswpwb", "zswap written back", False), ("writes", "disk write requests", False),
          ("sectors", "disk sectors written", False)]
for sc in sorted({s for s, _ in rows}):
    lines += [f"## {sc}", "", "| median | stock | vswap | vswap/stock |", "|---|---:|---:|---:|"]
    for f, label, _ in fields:
        s, v = med(sc, 'stock', f), med(sc, 'vswap', f)
        ratio = v / s if s else float('nan')
        lines.append(f"| {label} | {s:.6g} | {v:.6g} | {ratio:.3f} |")
    for k in ('stock', 'vswap'):
        w, p = med(sc, k, 'writes'), med(sc, k, 'sectors') / 8
        lines.append(f"| pages per write request ({k}) | | | {p / w if w else float('nan'):.1f} |")
    tput = {k: 1 / med(sc, k, 'write_s') for k in ('stock', 'vswap')}
    tin = {k: 1 / med(sc, k, 'verify_s') for k in ('stock', 'vswap')}
    lines += ["", f"Throughput ratio vswap/stock: swap-out {tput['vswap'] / tput['stock']:.3f}, "
              f"swap-in {tin['vswap'] / tin['stock']:.3f}."]
    mb, ms = med(sc, 'vswap', 'meta_bytes'), med(sc, 'vswap', 'meta_slots')
    if ms:
        lines.append(f"vswap metadata at peak: {mb:.0f} bytes of tables/map/cgroup pages for "
                     f"{ms:.0f} slots in use ({mb / ms:.1f} B/slot, page-granular); "
                     f"tier rmap {med(sc, 'vswap', 'rmap_bytes'):.0f} bytes.")
    lines.append("")
open(md, 'w').write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
echo "bench: results in $out/results.md"
