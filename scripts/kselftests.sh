#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kselftests.sh SRC OBJ OUT
#
# Build the kernel's own swap-relevant tests from the 6.12 tree SRC (our
# overlay tree; the build checks that their sources are the pristine
# tree's) against the UAPI headers of the kernel configured in OBJ, into
# OUT.  One build serves both kernels: stock and ours run the same
# binaries.  selftests/tests/kselftests.c runs them in the VM.
#
#   mm/cow, mm/madv_populate, mm/mkdirty     tools/testing/selftests/mm
#   cgroup/test_zswap, cgroup/test_memcontrol tools/testing/selftests/cgroup
#   thp_swap_allocator_test                   tools/mm
#
# The flags are those of the tests' own Makefiles; mm/cow is built
# without liburing, as the kselftest build does where liburing is not
# installed (its io_uring cases then skip).

set -euo pipefail

src=$(realpath "$1")
obj=$(realpath "$2")
out=$3
st=$src/tools/testing/selftests
paths=(tools/testing/selftests/mm tools/testing/selftests/cgroup
       tools/testing/selftests/kselftest.h tools/testing/selftests/clone3
       tools/mm/thp_swap_allocator_test.c)

die() { echo "kselftests: $*" >&2; exit 1; }

if git -C "$src" rev-parse -q --verify refs/tags/pristine >/dev/null 2>&1 &&
   ! git -C "$src" diff --quiet pristine -- "${paths[@]}"; then
	die "$src changes the kernel's tests: they would no longer be 6.12's"
fi

mkdir -p "$out"
out=$(realpath "$out")
stamp=$out/.headers
if [ ! -f "$stamp" ] || [ "$obj/include/config/auto.conf" -nt "$stamp" ]; then
	# the kernel build's compilers (KCC, exported by the Makefile), or
	# kbuild rebuilds its host tools in OBJ for the changed command
	make -s -C "$src" O="$obj" CC="${KCC:-gcc}" HOSTCC="${KCC:-gcc}" \
		headers_install INSTALL_HDR_PATH="$out/usr" >/dev/null
	touch "$stamp"
fi

# mm/'s local_config.h, as check_config.sh writes it without liburing
mkdir -p "$out/include"
[ -f "$out/include/local_config.h" ] ||
	echo '/* no liburing: the io_uring cases skip */' >"$out/include/local_config.h"

inc=(-isystem "$out/usr/include" -isystem "$src/tools/include/uapi")

# build NAME DIR CFLAGS... -- SOURCES... [-- LIBS...]
build() {
	local name=$1 dir=$2; shift 2
	local flags=() srcs=() libs=()
	while [ "$1" != -- ]; do flags+=("$1"); shift; done; shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do srcs+=("$dir/$1"); shift; done
	[ $# -gt 0 ] && { shift; libs=("$@"); }
	local newest
	newest=$(ls -t "${srcs[@]}" "$stamp" | head -1)
	[ -x "$out/$name" ] && [ "$out/$name" -nt "$newest" ] && return 0
	echo "  CC      $out/$name"
	gcc "${flags[@]}" "${inc[@]}" -o "$out/$name" "${srcs[@]}" "${libs[@]}"
}

mmflags=(-Wall -O2 -I "$src" -I "$st" -I "$out/include" -U_FORTIFY_SOURCE -no-pie)
for t in cow madv_populate mkdirty; do
	build "mm_$t" "$st/mm" "${mmflags[@]}" -- $t.c vm_util.c thp_settings.c \
		-- -lrt -lpthread -lm
done
for t in test_zswap test_memcontrol; do
	build "cgroup_$t" "$st/cgroup" -Wall -pthread -I "$st" -- $t.c cgroup_util.c
done
build thp_swap_allocator_test "$src/tools/mm" -Wall -Wextra -pthread -- \
	thp_swap_allocator_test.c
