#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# bench-report.py RAW OUTDIR ROUNDS [MODE]: turn make bench's RESULT lines
# into OUTDIR/results.md (medians, ratios ours/stock, the goals) and gnuplot
# scripts for OUTDIR/*.png.  MODE is "wall" (default: real time, for I/O
# shape) or "icount" (QEMU's instruction counting: guest times count
# executed instructions; for CPU cost).  Each RESULT line is one scenario run:
#   RESULT kernel=stock|vswap round=N scenario=S backend=B policy=P key=value...

import datetime
import os
import statistics
import sys

raw, outdir, rounds = sys.argv[1], sys.argv[2], sys.argv[3]
mode = sys.argv[4] if len(sys.argv) > 4 else 'wall'
throttle = sys.argv[5] if len(sys.argv) > 5 else 'host'
high = sys.argv[6] != '0' if len(sys.argv) > 6 else True
vcpus = sys.argv[7] if len(sys.argv) > 7 else '2'
runs = {}
static = []
for line in open(raw):
    words = line.split()
    kv = dict(w.split('=', 1) for w in words[1:] if '=' in w)
    if words[0] == 'STATIC':
        static.append(kv)
        continue
    key = (kv['scenario'], kv['backend'], kv['policy'], kv['kernel'])
    runs.setdefault(key, []).append(kv)


def med(key, field):
    vals = [float(r[field]) for r in runs.get(key, []) if field in r]
    return statistics.median(vals) if vals else float('nan')


def tputs(key):
    """MiB moved per second of wall time, one a round"""
    return [float(r['mib']) / float(r['wall_s']) for r in runs.get(key, [])]


def tput(key):
    """median throughput over the rounds"""
    vals = tputs(key)
    return statistics.median(vals) if vals else float('nan')


def spread_of(vals):
    """(max - min) / median over rounds"""
    if len(vals) < 2 or not statistics.median(vals):
        return float('nan')
    return (max(vals) - min(vals)) / statistics.median(vals)


def spread(key, field=None):
    """spread of the throughput, or of FIELD, over rounds"""
    if field is None:
        return spread_of(tputs(key))
    return spread_of([float(r[field]) for r in runs.get(key, []) if field in r])


def ratio(a, b):
    return a / b if b else float('nan')


def f(x, digits=3):
    if x != x:
        return '-'
    if abs(x) >= 1000 or x == int(x):
        return f'{x:.0f}'
    return f'{x:.{digits}g}'


def disk_writes(key, disks):
    reqs = sum(med(key, 'w_' + d) for d in disks)
    mib = sum(med(key, 's_' + d) for d in disks) / 2048
    return reqs, mib


cpu = next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo')
            if l.startswith('model name')), '?')
vdc = ('vdc 1 GiB throttled to 16 MB/s and 2000 requests/s (QEMU, host time, '
       'reads and writes together)' if throttle == 'host' else
       'all three null_blk devices in the guest, memory-backed, in guest '
       'time: vda and vdb unthrottled, 4 KiB blocks, each request '
       'completing 0.1 ms after it starts, and "vdc" 1 GiB, 16 MB/s, one '
       'request of at most 256 KiB at a time completing 0.5 ms after it '
       'starts (reads and writes together)')
clock = ('instruction counting (single-threaded TCG, -icount shift=0,'
         'sleep=off: guest time advances 1 ns per instruction and skips idle '
         'time; system time counts instructions, wall time adds the time the '
         'guest waited on timers and I/O)' if mode == 'icount' else
         'real time (multi-threaded TCG: for I/O shape, not CPU cost)')
md = [f'# swap_ext against stock 6.12: {datetime.date.today()}',
      '',
      f'Host: {cpu}, {os.cpu_count()} CPUs.  Clock: {clock}.  '
      f'Guest: TCG, {vcpus} vCPU{"s" if vcpus != "1" else ""}, 1 GiB, '
      f'disks vda 1 GiB, vdb 48 MiB, {vdc}.  '
      f'{rounds} rounds, stock and ours booted alternately; every figure a '
      'median over the rounds; every byte read back verified.  Workloads '
      'in cgroups with memory.max 32 MiB' +
      (' and memory.high 24 MiB' if high else ', memory.high at max (BENCH_HIGH=0)') +
      ' (selftests/bench/suite.sh).',
      '']

# ---- vswap against stock, no policy ------------------------------------
md += ['## vswap against stock (no policy)', '',
       'Throughput: MiB written and verified per second of wall time, '
       'ratio ours/stock (above 1: ours is faster); spread: (max - min) / '
       'median of ours over the rounds.', '',
       '| scenario | backend | stock MiB/s | ours MiB/s | ratio | spread | '
       'sys time ratio | major faults stock / ours | disk writes stock / ours '
       '(requests) | pages per write request stock / ours |',
       '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|']
plot_rows = []
order = [('useseq', 'disk'), ('useseq', 'zswap'), ('userand', 'disk'),
         ('userand', 'zswap'), ('zero', 'zswap'), ('same', 'zswap'),
         ('mixed', 'zswap'), ('nodisk', 'nodisk'), ('twocg', 'twocg')]
disks_of = {'twocg': ['vdb', 'vdc']}
ratios = []
for sc, be in order:
    s, o = (sc, be, 'none', 'stock'), (sc, be, 'none', 'vswap')
    if s not in runs or o not in runs:
        continue
    d = disks_of.get(sc, ['vda'])
    ts, to = tput(s), tput(o)
    ws, ms = disk_writes(s, d)
    wo, mo = disk_writes(o, d)
    r = ratio(to, ts)
    ratios.append((sc, be, r, spread(o)))
    plot_rows.append((f'{sc}/{be}', r))
    md.append(f'| {sc} | {be} | {f(ts)} | {f(to)} | {f(r)} | {f(spread(o), 2)} | '
              f'{f(ratio(med(o, "sys_us"), med(s, "sys_us")))} | '
              f'{f(med(s, "majflt"))} / {f(med(o, "majflt"))} | '
              f'{f(ws)} / {f(wo)} | '
              f'{f(ratio(ms * 256, ws), 3)} / {f(ratio(mo * 256, wo), 3)} |')
md.append('')

# ---- CPU and waiting, no policy -------------------------------------------
md += ['## CPU and waiting (no policy)', '',
       'Per scenario: the workload cgroups\' system time and the guest wall '
       'time, ratio of medians ours/stock, and the spread of each kernel over '
       'the rounds ((max - min) / median); the PSI memory stall of the '
       'workload\'s cgroups (memory.pressure some / full total) and their '
       'memory.events high / max, medians.  CPU: the cgroups\' user and '
       'system time together, which the kernel measures exactly (the split '
       'between them is sampled at the tick); memverify\'s own instructions '
       'are the same on both kernels.', '',
       '| scenario | backend | sys ours/stock | sys spread stock / ours | '
       'CPU ours/stock | CPU spread stock / ours | '
       'wall ours/stock | wall spread stock / ours | PSI some ms stock / ours | '
       'PSI full ms stock / ours | events high stock / ours | events max '
       'stock / ours |',
       '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|']
cpu_rows = []
for sc, be in order:
    s, o = (sc, be, 'none', 'stock'), (sc, be, 'none', 'vswap')
    if s not in runs or o not in runs:
        continue
    rs = ratio(med(o, 'sys_us'), med(s, 'sys_us'))
    rw = ratio(med(o, 'wall_s'), med(s, 'wall_s'))
    sp = max(spread(k, x) for k in (s, o) for x in ('sys_us', 'wall_s'))
    cpu_rows.append((sc, be, rs, rw, sp))
    ru = ratio(med(o, 'usage_us'), med(s, 'usage_us'))
    md.append(f'| {sc} | {be} | {f(rs)} | {f(spread(s, "sys_us"), 2)} / '
              f'{f(spread(o, "sys_us"), 2)} | {f(ru)} | '
              f'{f(spread(s, "usage_us"), 2)} / {f(spread(o, "usage_us"), 2)} | {f(rw)} | '
              f'{f(spread(s, "wall_s"), 2)} / {f(spread(o, "wall_s"), 2)} | '
              f'{f(med(s, "psi_some_us") / 1000)} / {f(med(o, "psi_some_us") / 1000)} | '
              f'{f(med(s, "psi_full_us") / 1000)} / {f(med(o, "psi_full_us") / 1000)} | '
              f'{f(med(s, "ev_high"))} / {f(med(o, "ev_high"))} | '
              f'{f(med(s, "ev_max"))} / {f(med(o, "ev_max"))} |')
md.append('')

# ---- metadata ------------------------------------------------------------
md += ['## Metadata', '']
st = [s for s in static if s.get('kernel') == 'vswap']
if st:
    sb = statistics.median(float(s['static_bytes']) for s in st)
    sl = statistics.median(float(s['slots']) for s in st)
    md.append(f'vswap at 0 % use: static_bytes {sb:.0f} for {sl:.0f} virtual '
              f'slots ({sb / sl:.3f} B/slot).')
md += ['', '| scenario | backend | vswap bytes at peak | slots in use | '
       'B/slot | Slab growth stock / ours (KiB) |', '|---|---|---:|---:|---:|---:|']
for sc, be in order:
    o, s = (sc, be, 'none', 'vswap'), (sc, be, 'none', 'stock')
    if o not in runs:
        continue
    mb, ms_ = med(o, 'meta_bytes'), med(o, 'meta_slots')
    md.append(f'| {sc} | {be} | {f(mb)} | {f(ms_)} | {f(ratio(mb, ms_))} | '
              f'{f(med(s, "slab_kib"))} / {f(med(o, "slab_kib"))} |')
md += ['', 'vswap bytes: descriptor tables and swap_map pages of '
       'the virtual device mapped at the sampled peak (page-granular), from '
       '/sys/kernel/mm/vswap/stat dynamic_bytes; Slab growth: peak Slab in '
       '/proc/meminfo over its value before the run, both kernels.', '']

# ---- zswap without a disk ---------------------------------------------------
s, o = ('nodisk', 'nodisk', 'none', 'stock'), ('nodisk', 'nodisk', 'none', 'vswap')
if s in runs and o in runs:
    md += ['## zswap without a disk', '',
           f'64 MiB of compressible data in a 32 MiB cgroup, zswap unlimited.  '
           f'Stock needs a swap device behind zswap: its peak use was '
           f'{f(med(s, "swap_kib") / 1024)} MiB of disk, reserved though zswap '
           f'holds the data.  Ours ran with no swap device at all: '
           f'{f(med(o, "swap_kib") / 1024)} MiB of disk, throughput ratio '
           f'{f(ratio(tput(o), tput(s)))}.', '']

# ---- policies: mixed data through zswap -------------------------------------
pol = ['none', 'noop', 'default', 'tiered', 'incompressible']
sbase = ('mixed', 'zswap', 'none', 'stock')
obase = ('mixed', 'zswap', 'none', 'vswap')
if sbase in runs:
    md += ['## Policies: mixed data through zswap to one disk', '',
           'Ours, one policy on the workload\'s parent cgroup; ratios against '
           'ours without a policy and against stock.', '',
           '| policy | MiB/s | / none | / stock | sys time / none | written '
           'back | disk write requests | pages per request |',
           '|---|---:|---:|---:|---:|---:|---:|---:|']
    ws, ms = disk_writes(sbase, ['vda'])
    md.append(f'| stock | {f(tput(sbase))} | | 1 | | {f(med(sbase, "zswpwb"))} | '
              f'{f(ws)} | {f(ratio(ms * 256, ws))} |')
    for p in pol:
        k = ('mixed', 'zswap', p, 'vswap')
        if k not in runs:
            continue
        wo, mo = disk_writes(k, ['vda'])
        md.append(f'| {p} | {f(tput(k))} | {f(ratio(tput(k), tput(obase)))} | '
                  f'{f(ratio(tput(k), tput(sbase)))} | '
                  f'{f(ratio(med(k, "sys_us"), med(obase, "sys_us")))} | '
                  f'{f(med(k, "zswpwb"))} | {f(wo)} | {f(ratio(mo * 256, wo))} |')
    md.append('')

# ---- policies: two cgroups -------------------------------------------------
pol2 = pol + ['latency', 'latency+tiered', 'latency+headroom', 'headroom',
               'incompressible+headroom']
sbase = ('twocg', 'twocg', 'none', 'stock')
twocg_plot = []
best = None
near = []
if sbase in runs:
    md += ['## Policies: two cgroups with different needs', '',
           'web (latency-sensitive: reads its 40 MiB twice per pass, random '
           'order) and batch (96 MiB, a third each compressible, poorly '
           'compressible, random; memory.zswap.max 8 MiB) at once; zswap pool '
           '3 %; tiers '
           'vdb (48 MiB, fast) then vdc (slow).  Throughput: '
           'both cgroups\' MiB over the wall time.  latency protects web; '
           'latency+tiered adds tiered on batch; latency+headroom keeps web '
           '2 MiB below its memory.high with the policy\'s own reclaim; '
           'headroom is latency with that headroom on web alone, batch '
           'built-in; incompressible+headroom adds incompressible above both '
           '(composed).', '',
           '| kernel/policy | MiB/s | / stock | web p99 fault ms | web MiB/s | '
           'batch MiB/s | disk write requests | / stock | MiB written fast / slow '
           'tier | / stock |',
           '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|']
    ws, ms = disk_writes(sbase, ['vdb', 'vdc'])
    sp99 = med(sbase, 'web_p99_us')
    md.append(f'| stock | {f(tput(sbase))} | 1 | {f(sp99 / 1000)} | '
              f'{f(med(sbase, "web_mibs"))} | {f(med(sbase, "batch_mibs"))} | '
              f'{f(ws)} | 1 | {f(med(sbase, "s_vdb") / 2048)} / '
              f'{f(med(sbase, "s_vdc") / 2048)} | 1 |')
    twocg_plot.append(('stock', 1.0, 1.0, 1.0))
    for p in pol2:
        k = ('twocg', 'twocg', p, 'vswap')
        if k not in runs:
            continue
        wo, mo = disk_writes(k, ['vdb', 'vdc'])
        tr, wr, p99 = ratio(tput(k), tput(sbase)), ratio(mo, ms), med(k, 'web_p99_us')
        rr = ratio(wo, ws)
        twocg_plot.append(('ours ' + p, tr, wr, ratio(p99, sp99)))
        md.append(f'| ours {p} | {f(tput(k))} | {f(tr)} | {f(p99 / 1000)} | '
                  f'{f(med(k, "web_mibs"))} | {f(med(k, "batch_mibs"))} | '
                  f'{f(wo)} | {f(rr)} | {f(med(k, "s_vdb") / 2048)} / '
                  f'{f(med(k, "s_vdc") / 2048)} | {f(wr)} |')
        if p not in ('none', 'noop') and p99 <= sp99 and (tr >= 1.25 or wr <= 0.5):
            if best is None or tr > best[1]:
                best = (p, tr, wr, p99 / sp99)
        if p not in ('none', 'noop'):
            near.append((p, tr, wr, rr, p99 / sp99))
    md.append('')
    # where web's reads wait: zswap or a disk (runs that recorded it)
    if any('web_zswpin' in r for r in runs[sbase]):
        md += ['Web\'s reads: per page read, its fault included (p50, p99, '
               'max); its major faults, and its pages zswap loaded (swap '
               'readahead\'s included, so they may exceed the faults); medians.', '',
               '| kernel/policy | web p50 ms | p99 ms | max ms | major faults | '
               'zswap loads |', '|---|---:|---:|---:|---:|---:|']
        for p in ['stock'] + pol2:
            k = sbase if p == 'stock' else ('twocg', 'twocg', p, 'vswap')
            if k not in runs:
                continue
            maj, zin = med(k, 'web_pgmajfault'), med(k, 'web_zswpin')
            md.append(f'| {p if p == "stock" else "ours " + p} | '
                      f'{f(med(k, "web_p50_us") / 1000)} | '
                      f'{f(med(k, "web_p99_us") / 1000)} | '
                      f'{f(med(k, "web_max_us") / 1000)} | {f(maj)} | {f(zin)} |')
        md.append('')

# ---- real applications ----------------------------------------------------------
rbase = ('redis', 'twocg', 'none', 'stock')
if rbase in runs:
    md += ['## Applications: redis next to a batch tenant', '',
           'twocg with redis in web\'s place: redis-server with 48 MiB of text '
           'values in a 32 MiB cgroup, 20000 GETs of random keys from 4 '
           'redis-benchmark clients while batch runs; every value verified '
           'after the run.  GET latency is redis-benchmark\'s (the client '
           'runs in the root cgroup); rps and latency ratios ours/stock '
           '(below 1: lower latency); spread of p99 over the rounds.', '',
           '| kernel/policy | GET rps | / stock | p50 ms | p99 ms | / stock | '
           'p99 spread | batch MiB/s | / stock | sys / stock | disk write '
           'requests | / stock |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|']
    ws, _ = disk_writes(rbase, ['vdb', 'vdc'])
    for p in ['stock', 'none', 'latency', 'incompressible+headroom']:
        k = rbase if p == 'stock' else ('redis', 'twocg', p, 'vswap')
        if k not in runs:
            continue
        wo, _ = disk_writes(k, ['vdb', 'vdc'])
        md.append(f'| {p if p == "stock" else "ours " + p} | '
                  f'{f(med(k, "get_rps"))} | {f(ratio(med(k, "get_rps"), med(rbase, "get_rps")))} | '
                  f'{f(med(k, "get_p50_us") / 1000)} | {f(med(k, "get_p99_us") / 1000)} | '
                  f'{f(ratio(med(k, "get_p99_us"), med(rbase, "get_p99_us")))} | '
                  f'{f(spread(k, "get_p99_us"), 2)} | {f(med(k, "batch_mibs"))} | '
                  f'{f(ratio(med(k, "batch_mibs"), med(rbase, "batch_mibs")))} | '
                  f'{f(ratio(med(k, "sys_us"), med(rbase, "sys_us")))} | {f(wo)} | '
                  f'{f(ratio(wo, ws))} |')
    md.append('')
kbase = ('kbuild', 'zswap', 'none', 'stock')
if kbase in runs:
    k = ('kbuild', 'zswap', 'none', 'vswap')
    md += ['## Applications: a kernel build', '',
           'make -j4 of mm/\'s largest units of Linux 6.12 (x86_64 tinyconfig, '
           f'{f(med(kbase, "kbuild_objects"))} objects) in a cgroup with '
           'memory.max 160 MiB, zswap on (pool 20 %) with vda behind it; every '
           'object byte-identical to the host\'s build of it.  Ratios ours/stock '
           'of the medians; spread (max - min) / median over the rounds.', '',
           '| kernel | wall s | spread | sys s | spread | CPU s | major faults | '
           'zswap written back | disk write requests | PSI some ms |',
           '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|']
    for name, key in (('stock', kbase), ('ours', k)):
        if key not in runs:
            continue
        w, _ = disk_writes(key, ['vda'])
        md.append(f'| {name} | {f(med(key, "wall_s"))} | {f(spread(key, "wall_s"), 2)} | '
                  f'{f(med(key, "sys_us") / 1e6)} | {f(spread(key, "sys_us"), 2)} | '
                  f'{f(med(key, "usage_us") / 1e6)} | {f(med(key, "majflt"))} | '
                  f'{f(med(key, "zswpwb"))} | {f(w)} | {f(med(key, "psi_some_us") / 1000)} |')
    if k in runs:
        rw = ratio(med(k, 'wall_s'), med(kbase, 'wall_s'))
        rs = ratio(med(k, 'sys_us'), med(kbase, 'sys_us'))
        md += ['', f'Ours/stock: wall {f(rw)}, system time {f(rs)}, CPU '
               f'{f(ratio(med(k, "usage_us"), med(kbase, "usage_us")))}.']
    md.append('')

# ---- goals -------------------------------------------------------------------
md += ['## Goals', '']
if mode == 'icount' and cpu_rows:
    ok = all(rs <= 1.0 and rw <= 1.02 and sp <= 0.02 for _, _, rs, rw, sp in cpu_rows)
    md.append(f'- instruction count, every scenario: system time ours/stock '
              f'<= 1.00, guest wall time <= 1.02, spread <= 2 %: '
              f'{"met" if ok else "not met"} (' + '; '.join(
                  f'{sc}/{be} sys {f(rs)} wall {f(rw)} spread {f(sp, 2)}'
                  for sc, be, rs, rw, sp in cpu_rows) + ').')
if ratios:
    worst = min(ratios, key=lambda x: x[2])
    within = all(r >= 0.98 for _, _, r, _ in ratios)
    md.append(f'- vswap within 2 % of stock throughput: '
              f'{"met" if within else "not met"} (ratios '
              f'{", ".join(f"{sc}/{be} {f(r)}" for sc, be, r, _ in ratios)}; '
              f'lowest {worst[0]}/{worst[1]} {f(worst[2])}, whose own spread '
              f'over the rounds is {f(worst[3], 2)}).')
bps = [ratio(med((sc, be, 'none', 'vswap'), 'meta_bytes'),
             med((sc, be, 'none', 'vswap'), 'meta_slots'))
       for sc, be in order if (sc, be, 'none', 'vswap') in runs]
if bps:
    b = statistics.median(bps)
    beyond = b - 3
    md.append(f'- <= 8 B of metadata per used slot beyond stock: '
              f'{"met" if beyond + 1 <= 8 else "not met"}: {f(b)} B per '
              f'virtual slot in use (median over the scenarios: the 8 B '
              f'descriptor, which holds the cgroup id, the swap_map byte and '
              f'whole pages mapped for partly used clusters).  Against the 3 B '
              f'of swap_map and swap_cgroup that stock spends on the disk slot '
              f'of the same page, a page in zswap or zero-filled costs '
              f'{f(beyond, 2)} B more (and zswap keeps no xarray slot for it), '
              f'a page on a tier {f(beyond + 1, 2)} B more (its tier slot\'s '
              f'swap_map byte too: a tier swapped on while vswap is on has no '
              f'swap_cgroup pages).')
if st:
    md.append(f'- 0 static metadata: not met, {sb:.0f} bytes at 0 % use '
              f'({sb / sl:.3f} B per virtual slot).')
k = ('useseq', 'zswap', 'tiered', 'vswap')
s = ('useseq', 'zswap', 'none', 'stock')
if k in runs and s in runs:
    ws, ms = disk_writes(s, ['vda'])
    wo, mo = disk_writes(k, ['vda'])
    per_s, per_o = ratio(ms * 256, ws), ratio(mo * 256, wo)
    x = ratio(per_o, per_s)
    md.append(f'- batched writeback, >= 8x fewer write requests than stock for '
              f'the same bytes: {"met" if x >= 8 else "not met"}: ours with '
              f'tiered {f(per_o)} pages per write request ({f(med(k, "zswpwb"))} '
              f'written back, {f(wo)} requests, {f(mo)} MiB) against stock '
              f'{f(per_s)} ({f(med(s, "zswpwb"))} written back, {f(ws)} requests, '
              f'{f(ms)} MiB): {f(x)}x, usemem-style workload through zswap '
              f'(memory.zswap.max 4 MiB).')
if sbase in runs:
    if best:
        md.append(f'- two cgroups, a shipped policy >= 1.25x stock\'s throughput '
                  f'or <= 0.5x its disk writes, web p99 no worse: met by '
                  f'{best[0]} ({f(best[1])}x throughput, {f(best[2])}x disk '
                  f'MiB, web p99 {f(best[3])}x stock\'s).')
    else:
        md.append('- two cgroups, a shipped policy >= 1.25x stock\'s throughput '
                  'or <= 0.5x its disk MiB written, web p99 no worse: not met '
                  'by any policy: ' + '; '.join(
                      f'{p} {f(tr)}x throughput, {f(wr)}x disk MiB, {f(rr)}x '
                      f'write requests, web p99 {f(pr)}x' for p, tr, wr, rr, pr in near)
                  + '.')
md.append('')

open(os.path.join(outdir, 'results.md'), 'w').write('\n'.join(md) + '\n')
print('\n'.join(md))

# ---- plots ---------------------------------------------------------------------
with open(os.path.join(outdir, 'vswap.dat'), 'w') as fh:
    for name, r in plot_rows:
        fh.write(f'"{name}" {r}\n')
with open(os.path.join(outdir, 'twocg.dat'), 'w') as fh:
    for name, tr, wr, pr in twocg_plot:
        fh.write(f'"{name}" {tr} {wr} {pr}\n')
common = ('set terminal pngcairo size 1000,500 font ",10" noenhanced\n'
          'set style data histograms\nset style fill solid 0.8 border -1\n'
          'set grid ytics\nset xtics rotate by -30\nset yrange [0:*]\n')
with open(os.path.join(outdir, 'vswap.gp'), 'w') as fh:
    fh.write(common + f'set output "{outdir}/vswap.png"\n'
             'set title "vswap / stock throughput, no policy (above 1: faster)"\n'
             'set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2\n'
             f'plot "{outdir}/vswap.dat" using 2:xtic(1) title "ours / stock"\n')
with open(os.path.join(outdir, 'twocg.gp'), 'w') as fh:
    fh.write(common + f'set output "{outdir}/twocg.png"\n'
             'set title "two cgroups: ours with each policy, relative to stock"\n'
             'set key top left\n'
             f'plot "{outdir}/twocg.dat" using 2:xtic(1) title "throughput", '
             '"" using 3 title "disk MiB written", '
             '"" using 4 title "web p99 fault latency"\n')
