#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# bench-profile.py DIR [MODE [PERIOD]]: the kernel profiles of make bench PROFILE=1,
# stock and ours side by side, as markdown on stdout.
#
# DIR holds KERNEL-ROUND-SCENARIO-BACKEND-POLICY.txt files (scripts/bench.sh
# copies them out of the guest), each "samples symbol" lines of kernel
# symbols from perf record -e cpu-clock -c PERIOD -a: one sample every
# PERIOD ns (default 250000) of guest time on every CPU, idle included;
# and KERNEL-ROUND-SCENARIO-BACKEND-POLICY.wl.txt, the samples of the same
# profile taken while a memverify ran (the workload's process).
# MODE icount: guest time is instructions, 1 ns each, so a sample is PERIOD
# instructions.
#
# Per scenario, every symbol's median over the rounds (a round without it
# counts 0), in ms of guest time; the symbols that cost most on either
# kernel, then those whose cost differs most.

import os
import re
import statistics
import sys

TOP = 25
DIFF = 15

pdir = sys.argv[1]
mode = sys.argv[2] if len(sys.argv) > 2 else 'wall'
period = int(sys.argv[3]) if len(sys.argv) > 3 else 250000
MS_PER_SAMPLE = period / 1e6
name_re = re.compile(r'^(stock|vswap)-(\d+)-(.+)\.txt$')

# prof[run][kernel][round] = {symbol: samples}
prof = {}
for fn in sorted(os.listdir(pdir)):
    m = name_re.match(fn)
    if not m:
        continue
    kernel, rnd, run = m.group(1), int(m.group(2)), m.group(3)
    syms = {}
    for line in open(os.path.join(pdir, fn)):
        w = line.split()
        if len(w) == 2 and w[0].isdigit():
            syms[w[1]] = syms.get(w[1], 0) + int(w[0])
    prof.setdefault(run, {}).setdefault(kernel, {})[rnd] = syms


def medians(rounds):
    """{symbol: median samples over the rounds}"""
    names = set().union(*rounds.values()) if rounds else set()
    return {s: statistics.median(r.get(s, 0) for r in rounds.values())
            for s in names}


def ms(samples):
    return f'{samples * MS_PER_SAMPLE:.1f}'


unit = ('guest time; in instruction-count mode 1 ms is 1,000,000 '
        'instructions' if mode == 'icount' else 'guest time (real time: '
        'host load shifts it)')
out = ['# Kernel profiles, stock 6.12 against ours', '',
       f'perf record -e cpu-clock -a -g in the guest, a sample every {period / 1000:g} us '
       f'of {unit}; per scenario the median over the rounds of each kernel '
       f'symbol\'s samples, in ms, idle (the guest\'s idle loop) included.  '
       f'Self time only: a symbol\'s callees count for themselves.', '']
for run in sorted(prof):
    k = prof[run]
    if 'stock' not in k or 'vswap' not in k:
        continue
    s, o = medians(k['stock']), medians(k['vswap'])
    names = set(s) | set(o)
    ts, to = sum(s.values()), sum(o.values())
    if run.endswith('.wl'):
        out += [f'## {run[:-3]}, the workload alone', '',
                'The samples taken while a memverify ran: what the workload '
                'cgroups\' cpu.stat counts where memverify is all they run '
                '(an interrupt counts for the task it interrupts).', '']
    else:
        out += [f'## {run}', '']
    out += [f'Kernel samples: stock {ms(ts)} ms, ours {ms(to)} ms, '
            f'difference {ms(to - ts)} ms ({len(k["stock"])} / '
            f'{len(k["vswap"])} rounds).', '',
            '| symbol | stock ms | ours ms | ours - stock ms |',
            '|---|---:|---:|---:|']
    for n in sorted(names, key=lambda n: -max(s.get(n, 0), o.get(n, 0)))[:TOP]:
        out.append(f'| {n} | {ms(s.get(n, 0))} | {ms(o.get(n, 0))} | '
                   f'{ms(o.get(n, 0) - s.get(n, 0))} |')
    out += ['', 'Largest differences:', '',
            '| symbol | stock ms | ours ms | ours - stock ms |',
            '|---|---:|---:|---:|']
    for n in sorted(names, key=lambda n: -abs(o.get(n, 0) - s.get(n, 0)))[:DIFF]:
        out.append(f'| {n} | {ms(s.get(n, 0))} | {ms(o.get(n, 0))} | '
                   f'{ms(o.get(n, 0) - s.get(n, 0))} |')
    out.append('')
print('\n'.join(out))
