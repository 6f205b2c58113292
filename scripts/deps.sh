#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages the build and the test VM need.
#
# Idempotent: when every package is already installed at a usable version
# this does nothing and touches no network.  The kernel source is pinned
# (KVER below); an archived earlier version can be chosen with
# KERNEL_DEB_VERSION=... in the environment.

set -euo pipefail

KERNEL_DEB_VERSION=${KERNEL_DEB_VERSION:-6.12.117-1~deb12u1}

pkgs=(
	"linux-source-6.12=$KERNEL_DEB_VERSION"
	build-essential bc bison flex cpio kmod xz-utils zstd
	libelf-dev libssl-dev libcap-dev libzstd-dev zlib1g-dev
	dwarves ccache rsync python3
	clang-19 llvm-19 lld-19
	qemu-system-x86 busybox-static
	stress-ng fio gnuplot-nox jq util-linux bsdextrautils e2fsprogs
	python3-prometheus-client libinih-dev redis-tools
)

missing=()
for p in "${pkgs[@]}"; do
	name=${p%%=*}
	want=${p#*=}
	[ "$want" = "$p" ] && want=
	have=$(dpkg-query -W -f '${Status} ${Version}' "$name" 2>/dev/null || true)
	case "$have" in
	"install ok installed"*)
		[ -z "$want" ] || [ "${have##* }" = "$want" ] && continue ;;
	esac
	missing+=("$p")
done

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages: ${missing[*]}" >&2
	echo "deps: run 'make deps' as root (apt-get install)" >&2
	exit 1
fi

echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# A stale or empty package list cannot resolve a pinned version.
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends --allow-downgrades "${missing[@]}"
