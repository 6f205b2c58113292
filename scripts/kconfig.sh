#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kconfig.sh SRCTREE OBJDIR FRAGMENT...
#
# Configure a lean kernel: allnoconfig with the fragments as
# KCONFIG_ALLCONFIG, then olddefconfig, then check that every symbol the
# fragments set survived.  Kconfig silently drops a symbol whose
# dependencies are not met; here that is an error, naming the symbol.
#
# The configuration is redone only when the fragments or the tree's Kconfig
# files change (a patch adding a 'depends on' can drop a symbol), so that
# an unchanged config never makes kbuild rebuild anything.
#
# ALLOW_UNKNOWN=1: symbols that this tree's Kconfig does not define (the
# project's own, in the stock tree) are skipped instead of failing.

set -euo pipefail

mkdir -p "$2"
src=$(cd "$1" && pwd) obj=$(cd "$2" && pwd)
shift 2

frag=$obj/.swapext-fragment
{
	cat "$@"
	echo "# Kconfig: $(find "$src" -name 'Kconfig*' -type f -print0 | sort -z |
			  xargs -0 cat | sha1sum | cut -c1-40)"
} >"$frag.new"
if [ -f "$obj/.config" ] && cmp -s "$frag.new" "$frag"; then
	rm -f "$frag.new"
	exit 0
fi

# The same compiler as the build (KCC, from the Makefile), or kbuild would
# rebuild the host programs the config step made.
KCC=${KCC:-ccache gcc}
kmake() { make -s -C "$src" O="$obj" CC="$KCC" HOSTCC="$KCC" "$@"; }

echo "kconfig: $(basename "$obj") from $*"
kmake KCONFIG_ALLCONFIG="$frag.new" allnoconfig >/dev/null
kmake olddefconfig >/dev/null

# Every symbol this tree's Kconfig defines.
known=$obj/.swapext-known
grep -rhoE --include='Kconfig*' '^[[:space:]]*(menu)?config [A-Za-z0-9_]+' "$src" |
	awk '{ print "CONFIG_" $2 }' | sort -u >"$known"

bad=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*) ;;
	*) continue ;;
	esac
	sym=${line%%=*}
	val=${line#*=}
	if ! grep -qxF "$sym" "$known"; then
		if [ "${ALLOW_UNKNOWN:-0}" = 1 ]; then
			continue
		fi
		echo "kconfig: $sym is not defined by this tree's Kconfig" >&2
		bad=1
		continue
	fi
	if [ "$val" = n ]; then
		if grep -qE "^$sym=" "$obj/.config"; then
			echo "kconfig: $sym should be off, got: $(grep -E "^$sym=" "$obj/.config")" >&2
			bad=1
		fi
	elif ! grep -qxF "$sym=$val" "$obj/.config"; then
		got=$(grep -E "^($sym=|# $sym is not set)" "$obj/.config" || echo "absent")
		echo "kconfig: $sym=$val was dropped (unmet dependency?), got: $got" >&2
		bad=1
	fi
done <"$frag.new"

if [ "$bad" != 0 ]; then
	rm -f "$obj/.config"	# never build from a config that lost symbols
	echo "kconfig: required symbols missing, fix configs/ (see above)" >&2
	exit 1
fi
mv "$frag.new" "$frag"
