#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kbuild-prep.sh: prepare the bench's kernel-build workload on the host.
#
# The seeds measure swap with a parallel kernel build under a memory.max
# that forces it to swap.  A whole kernel takes hours in a TCG guest, so
# the workload builds part of one: the TARGETS below of Linux 6.12 (the
# pristine tree of 'make kernel STOCK=1') for x86_64 tinyconfig, with the same gcc
# as the host.  This script configures and prepares the object tree (host
# programs, generated headers, objtool) at $tree, builds TARGETS once here
# as the reference, and leaves in build/bench-kbuild/:
#
#   obj.tar       the prepared object tree without TARGETS' objects
#   objects.txt   the objects TARGETS build, relative to the object tree
#   sha1.txt      their SHA-1 from this build (sha1sum -c format)
#   files.txt     the source files they read (for the guest's page cache)
#   tools.txt     the programs the build runs (the same)
#   src.txt       the source tree; targets.txt: TARGETS
#
# The guest (selftests/bench/apps.sh) unpacks obj.tar at the same path,
# builds TARGETS in a cgroup and checks every object against sha1.txt: the
# compiler is deterministic, so a byte that swap corrupted in a compiler's
# memory or in an object written to tmpfs shows as a different object.
#
# Redone only when the source tree or TARGETS change.  KBUILD_TARGETS
# overrides TARGETS (objects, or directories ending in /).

set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
src=$top/build/stock/src/linux
out=$top/build/bench-kbuild
tree=/tmp/swapext-kbuild
# mm/'s four largest units, compiled at once by make -j4: a quarter of
# building all of mm/, so that a run takes a minute or two in a TCG guest
# rather than seven
TARGETS=${KBUILD_TARGETS:-mm/filemap.o mm/memory.o mm/page_alloc.o mm/vmscan.o}

die() { echo "kbuild-prep: $*" >&2; exit 1; }

[ -f "$src/Makefile" ] || die "$src missing: make kernel STOCK=1"
# The reference is only as good as the compiler that made it: a new gcc
# would make the guest's objects differ and look like lost data.
id="$(git -C "$src" rev-parse HEAD 2>/dev/null || echo none) $TARGETS"
id+=" $(gcc --version | head -n 1) $(make --version | head -n 1) $(sha1sum <"$0" | cut -c1-12)"
# make bench's own make must not pass its flags to this build
unset MAKEFLAGS MAKELEVEL MFLAGS
[ "$(cat "$out/stamp" 2>/dev/null)" = "$id" ] && exit 0

echo "kbuild-prep: tinyconfig, $TARGETS of $src"
rm -rf "$tree" "$out"
mkdir -p "$tree/obj" "$out"
# Plain gcc, as the guest runs it: a different CC would make kbuild there
# rebuild everything whose command line it recorded.
kmake() { make -s -C "$src" O="$tree/obj" -j"$(nproc)" KBUILD_BUILD_TIMESTAMP=2024-11-17 "$@"; }
kmake ARCH=x86_64 tinyconfig >/dev/null
kmake prepare >/dev/null
start=$(date +%s.%N)
kmake $TARGETS >/dev/null
echo "kbuild-prep: reference build in $(awk -v a="$(date +%s.%N)" -v b="$start" \
	'BEGIN { printf "%.1f", a - b }') s"

cd "$tree/obj"
for t in $TARGETS; do
	case $t in
	*/)	find "${t%/}" -name '*.o' ;;
	*)	echo "$t" ;;
	esac
done | sort >"$out/objects.txt"
[ -s "$out/objects.txt" ] || die "$TARGETS built no object"
xargs sha1sum <"$out/objects.txt" >"$out/sha1.txt"
# every file under the source tree a target's .cmd names, and the
# makefiles kbuild reads on the way to them
{
	sed 's|\(.*\)/\([^/]*\)$|\1/.\2.cmd|' "$out/objects.txt" | xargs cat |
		grep -o "$src/[^ :)]*"
	ls -d "$src"/Makefile "$src"/scripts/Makefile* "$src"/scripts/Kbuild.include \
	      "$src"/arch/x86/Makefile* "$src"/mm/Makefile
} | sort -u | while read -r f; do
	if [ -f "$f" ]; then echo "$f"; fi
done >"$out/files.txt"
{
	for p in make gcc as ld sh bash sed awk cat mkdir mv rm touch; do
		command -v "$p"
	done
	gcc -print-prog-name=cc1
	echo "$tree/obj/tools/objtool/objtool"
} | while read -r f; do
	if [ -f "$f" ]; then readlink -f "$f"; fi
done | sort -u >"$out/tools.txt"
xargs rm -f <"$out/objects.txt"
for t in $TARGETS; do
	case $t in
	*/)	find "${t%/}" -name '*.a' -delete ;;
	esac
done
tar -cf "$out/obj.tar" -C "$tree" obj
echo "$src" >"$out/src.txt"
echo "$TARGETS" >"$out/targets.txt"
echo "$id" >"$out/stamp"
echo "kbuild-prep: $(wc -l <"$out/objects.txt") objects, $(wc -l <"$out/files.txt") source files," \
	"obj.tar $(($(stat -c %s "$out/obj.tar") >> 20)) MiB"
