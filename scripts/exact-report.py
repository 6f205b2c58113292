#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Instructions by kernel symbol, stock against ours, from tbcount's counts.

exact-report.py DIR ROUNDS [TOP]

DIR is scripts/bench.sh's OUT/exact: per kernel (stock, vswap) and round R
a directory FLAVOR-R with tbcount's dumps tb.0, tb.1, ... (one at each
start and each end of a scenario's workloads, selftests/bench/suite.sh's
exact_mark()) and the marks the guest printed (marks: "EXACT NAME" per
dump), and each kernel's System.map as FLAVOR.map.  A scenario's window
is from its first mark's dump to its second.  Every block's executions in
the window times its instructions go to the text symbol its address falls
in; user space is one line.  Prints per scenario the whole guest's
instructions of each round, then, for the median round of ours and the
stock round with the same rank, the TOP symbols that differ most
(default 40).
"""
import bisect
import os
import statistics
import sys
from collections import defaultdict

FLAVORS = ('stock', 'vswap')


def load_map(path):
    syms = []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3 and parts[1] in 'tTwW':
                syms.append((int(parts[0], 16), parts[2]))
    syms.sort()
    return [a for a, _ in syms], [n for _, n in syms]


def load_dump(path):
    execs = defaultdict(int)
    with open(path) as f:
        for line in f:
            va, n, e = line.split()
            # a block translated again: one line per translation
            execs[(int(va, 16), int(n))] += int(e)
    return execs


def per_symbol(mp, before, after):
    addrs, names = mp
    out = defaultdict(int)
    for (va, n), e in after.items():
        e -= before.get((va, n), 0)
        if not e:
            continue
        if va < 0xffff800000000000:
            out['[user]'] += n * e
            continue
        i = bisect.bisect_right(addrs, va) - 1
        out[names[i] if i >= 0 else '[unknown]'] += n * e
    return out


def windows(d, flavor, r, mp):
    """{scenario: {symbol: instructions}} of one boot"""
    run = f'{d}/{flavor}-{r}'
    with open(f'{run}/marks') as f:
        marks = [line.split()[1] for line in f if line.startswith('EXACT ')]
    out = {}
    for k in range(0, len(marks) - 1, 2):
        if marks[k] != marks[k + 1] or not os.path.exists(f'{run}/tb.{k + 1}'):
            break
        out[marks[k]] = per_symbol(mp, load_dump(f'{run}/tb.{k}'),
                                   load_dump(f'{run}/tb.{k + 1}'))
    return out


def main():
    d, rounds = sys.argv[1], int(sys.argv[2])
    top = int(sys.argv[3]) if len(sys.argv) > 3 else 40
    maps = {f: load_map(f'{d}/{f}.map') for f in FLAVORS}
    runs = {f: [windows(d, f, r, maps[f]) for r in range(1, rounds + 1)]
            for f in FLAVORS}
    print('# Instructions by kernel symbol, stock 6.12 against ours\n')
    print('Every instruction the guest ran while the scenario\'s workloads '
          'ran, counted by QEMU (selftests/bench/tbcount.c), the whole '
          'guest: kernel threads, interrupts and the bench\'s sampler too.\n')
    for sc in runs['vswap'][0]:
        tot = {f: sorted((sum(w[sc].values()), i) for i, w in enumerate(runs[f])
                         if sc in w) for f in FLAVORS}
        if not tot['stock'] or not tot['vswap']:
            continue
        print(f'## {sc}\n')
        for f in FLAVORS:
            print(f'- {f}: ' + ', '.join(f'{t:,}' for t, _ in
                                          sorted(tot[f], key=lambda x: x[1])))
        med = {f: statistics.median(t for t, _ in tot[f]) for f in FLAVORS}
        print(f'- median ours / stock: {med["vswap"] / med["stock"]:.4f} '
              f'({med["vswap"] - med["stock"]:+,.0f})\n')
        # the median round of each kernel
        pick = {f: tot[f][(len(tot[f]) - 1) // 2][1] for f in FLAVORS}
        a = runs['stock'][pick['stock']][sc]
        b = runs['vswap'][pick['vswap']][sc]
        print(f'Median rounds (stock {pick["stock"] + 1}, ours '
              f'{pick["vswap"] + 1}), the {top} symbols that differ most:\n')
        print('| symbol | stock | ours | ours - stock |')
        print('|---|---:|---:|---:|')
        syms = sorted(set(a) | set(b),
                      key=lambda s: (-abs(b.get(s, 0) - a.get(s, 0)), s))
        for s in syms[:top]:
            print(f'| `{s}` | {a.get(s, 0):,} | {b.get(s, 0):,} | '
                  f'{b.get(s, 0) - a.get(s, 0):+,} |')
        print()


if __name__ == '__main__':
    main()
