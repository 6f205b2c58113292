#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# configs.sh SRCTREE OBJROOT VARIANT...
#
# 'make configs': the kernel must build with each optional part off.  For
# each VARIANT, configs/variants/VARIANT.config overrides base.config and
# vswap.config (a later assignment of a symbol replaces an earlier one, as
# in Kconfig); scripts/kconfig.sh configures OBJROOT/cfg-VARIANT from the
# merged fragment, which then builds vmlinux (TARGET) alone.  Every variant
# is built even when one fails; a summary ends the run, and the status is
# non-zero if any variant failed.  Logs: OBJROOT/cfg-VARIANT/build.log.
#
# JOBS (default nproc), TARGET (default vmlinux), KCC as for kconfig.sh.

set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
src=$1 objroot=$2
shift 2
[ $# -gt 0 ] || { echo "configs: no variants in configs/variants/" >&2; exit 2; }

KCC=${KCC:-ccache gcc}
export KCC
jobs=${JOBS:-$(nproc)}
target=${TARGET:-vmlinux}

# The fragments, the last assignment of each symbol kept where it stands
merge() {
	cat "$@" | tac | awk -F= '!/^CONFIG_[A-Za-z0-9_]+=/ || !seen[$1]++' | tac
}

kmake() {
	make --no-print-directory -C "$src" O="$obj" -j"$jobs" \
		CC="$KCC" HOSTCC="$KCC" \
		KBUILD_BUILD_USER=swapext KBUILD_BUILD_HOST=swapext \
		KBUILD_BUILD_TIMESTAMP="2024-11-17" "$@"
}

declare -A result
for v in "$@"; do
	over=$top/configs/variants/$v.config
	obj=$objroot/cfg-$v
	log=$obj/build.log
	if [ ! -f "$over" ]; then
		result[$v]="FAILED (no $over)"
		continue
	fi
	mkdir -p "$obj"
	merge "$top/configs/base.config" "$top/configs/vswap.config" "$over" \
		>"$obj/.swapext-variant.config"
	echo "configs: $v"
	if ! "$top/scripts/kconfig.sh" "$src" "$obj" "$obj/.swapext-variant.config" \
			>"$log" 2>&1; then
		sed 's/^/  /' "$log"
		result[$v]="FAILED (kconfig, $log)"
		continue
	fi
	# A bzImage's piggy.o is assembled without ccache (see the Makefile's
	# kernel target: ccache cannot see the compressed vmlinux it includes).
	rm -f "$obj/arch/x86/boot/compressed/piggy.o"
	if kmake vmlinux >>"$log" 2>&1 &&
	   { [ "$target" = vmlinux ] || CCACHE_DISABLE=1 kmake "$target" >>"$log" 2>&1; }; then
		result[$v]=OK
	else
		grep -E -m 20 'error:|undefined reference|Error [0-9]+|ERROR:' "$log" |
			sed 's/^/  /'
		result[$v]="FAILED ($log)"
	fi
done

echo "configs: summary"
bad=0
for v in "$@"; do
	printf '  %-16s %s\n' "$v" "${result[$v]}"
	[ "${result[$v]}" = OK ] || bad=1
done
exit $bad
