#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prepare the kernel source trees under build/src/.
#
#   kernel-tree.sh pristine   extract Debian's linux-source-6.12 once into
#                             build/src/linux and commit it as tag 'pristine'
#   kernel-tree.sh overlay    copy the project's kernel/, mm/, include/ over
#                             build/src/linux and apply patches/series
#   kernel-tree.sh stock      check the pristine commit out into
#                             build/stock/src/linux (the STOCK=1 kernel)
#
# Every step is idempotent.  'overlay' copies only files whose content
# changed and re-applies the series only when a patch changed, so an edit
# to one mm/*.c touches one file in the tree and kbuild rebuilds only that.

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
src=$top/build/src
tree=$src/linux
# Same depth below build/stock as ours below build/: kbuild's relative
# paths from the object directory to the source are then identical, and
# ccache serves the stock build from ours for every unpatched file.
stock=$top/build/stock/src/linux
tarball=${KERNEL_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
state=$src/.overlay		# what the last 'overlay' put in the tree

die() { echo "kernel-tree: $*" >&2; exit 1; }

# What the pristine tree was made from: a new tarball means a new tree.
tarball_id() {
	printf '%s %s\n' "$(basename "$tarball")" \
		"$(dpkg-query -W -f '${Version}' linux-source-6.12 2>/dev/null || stat -c %Y "$tarball")"
}

has_pristine() {
	# Without its own .git, git would find the project's repository.
	[ -d "$tree/.git" ] &&
		git -C "$tree" rev-parse -q --verify refs/tags/pristine >/dev/null 2>&1 &&
		[ "$(cat "$src/.pristine-id" 2>/dev/null)" = "$(tarball_id)" ]
}

git_tree() { git -C "$tree" -c user.name=swap_ext -c user.email=swap_ext@localhost "$@"; }

pristine() {
	has_pristine && return 0
	[ -f "$tarball" ] || die "$tarball missing: run 'make deps'"
	rm -rf "$tree" "$tree.tmp" "$state" "$stock" "$src/.pristine-id"
	mkdir -p "$tree.tmp"
	echo "kernel-tree: extracting $(basename "$tarball")"
	tar -xf "$tarball" -C "$tree.tmp" --strip-components=1
	mv "$tree.tmp" "$tree"
	echo "kernel-tree: recording the pristine tree"
	git_tree init -q
	git_tree config core.autocrlf false
	git_tree config gc.auto 0
	git_tree add -A -f .
	git_tree commit -q -m "pristine $(tarball_id)"
	git_tree tag pristine
	tarball_id >"$src/.pristine-id"
}

# kbuild rebuilds by mtime.  On a machine whose clock can step back (this
# one's does), a file changed now can look older than the object built from
# its previous content, which is then silently kept: drop the objects of a
# changed .c in every build directory, so it is rebuilt whatever the clock.
forget_objects() {
	case $1 in
	*.c) rm -f "$top"/build/obj/*/"${1%.c}.o" ;;
	esac
}

# Copy $1 (relative to the project) to the same path in the tree when the
# content differs; record it in the new manifest.
sync_file() {
	local f=$1

	if ! cmp -s "$top/$f" "$tree/$f"; then
		mkdir -p "$(dirname "$tree/$f")"
		cp "$top/$f" "$tree/$f"
		forget_objects "$f"
		echo "  OVERLAY $f"
	fi
	echo "$f" >>"$state/files.new"
}

overlay() {
	has_pristine || die "no pristine tree: run '$0 pristine' first"
	mkdir -p "$state"
	: >"$state/files.new"

	# 1. Patches: undo the previously applied series if any patch in it
	#    changed, then apply the current one.
	local series=$top/patches/series cur=$state/series.cur p h
	: >"$cur"
	if [ -f "$series" ]; then
		{ grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$series" || true; } |
		while read -r p; do
			[ -f "$top/patches/$p" ] || die "patches/series names missing $p"
			printf '%s %s\n' "$p" "$(sha1sum <"$top/patches/$p" | cut -c1-40)"
		done >"$cur"
	fi
	if ! cmp -s "$cur" "$state/series.applied" 2>/dev/null; then
		# Remember the files the applied series touches, so that those
		# it leaves as they were keep their times: kbuild then rebuilds
		# what changed, not all that includes a patched header.
		local stamps=$state/stamps
		: >"$stamps"
		if compgen -G "$state/applied/*.patch" >/dev/null; then
			sed -n 's|^+++ b/||p' "$state"/applied/*.patch | sort -u |
			while read -r f; do
				[ -f "$tree/$f" ] || continue
				printf '%s %s %s\n' "$(sha1sum <"$tree/$f" | cut -c1-40)" \
					"$(stat -c %Y "$tree/$f")" "$f"
			done >"$stamps"
		fi
		# Reverse newest first; a patch leaves the list as soon as it is
		# reversed, so an interrupted run resumes where it stopped.
		while [ -s "$state/series.applied" ]; do
			local last
			last=$(tail -n 1 "$state/series.applied")
			p=${last%% *}
			echo "  UNPATCH $p"
			git_tree apply -R "$state/applied/$p" ||
				die "cannot reverse $p: tree edited by hand? remove build/src to start over"
			sed -i '$d' "$state/series.applied"
		done
		rm -rf "$state/applied"
		mkdir -p "$state/applied"
		: >"$state/series.applied"
		while read -r p h; do
			echo "  PATCH   $p"
			git_tree apply --whitespace=error-all "$top/patches/$p" ||
				die "patches/$p does not apply"
			cp "$top/patches/$p" "$state/applied/$p"
			printf '%s %s\n' "$p" "$h" >>"$state/series.applied"
		done <"$cur"
		local sum t
		while read -r sum t f; do
			[ -f "$tree/$f" ] || continue
			if [ "$(sha1sum <"$tree/$f" | cut -c1-40)" = "$sum" ]; then
				touch -d "@$t" "$tree/$f"
			else
				forget_objects "$f"
			fi
		done <"$stamps"
	fi

	# 2. New files.  Patches only touch existing kernel files and new
	#    files never exist in the pristine tree, so the two cannot clash.
	local d f
	for d in kernel mm include; do
		[ -d "$top/$d" ] || continue
		(cd "$top" && find "$d" -type f ! -name '*~' ! -name '.*' \
			! -name '*.orig' ! -name '*.rej' | sort) |
		while read -r f; do
			git -C "$tree" cat-file -e "pristine:$f" 2>/dev/null &&
				die "$f exists in the pristine tree: change it with a patch"
			sync_file "$f"
		done
	done

	# 3. Files overlaid last time and gone from the project now.
	if [ -f "$state/files" ]; then
		sort "$state/files.new" -o "$state/files.new"
		comm -23 <(sort "$state/files") "$state/files.new" | while read -r f; do
			echo "  REMOVE  $f"
			rm -f "$tree/$f"
		done
	fi
	mv "$state/files.new" "$state/files"
}

stock_tree() {
	pristine
	if [ -d "$stock/.git" ] || [ -f "$stock/.git" ]; then
		return 0
	fi
	rm -rf "$stock"
	mkdir -p "$(dirname "$stock")"
	echo "kernel-tree: checking out the stock tree"
	git_tree worktree prune
	git_tree worktree add -q --detach "$stock" pristine
}

# One run at a time: make -j may start several.
mkdir -p "$src"
exec 9>"$src/.lock"
flock 9

case "${1:-}" in
pristine) pristine ;;
overlay) pristine; overlay ;;
stock) stock_tree ;;
*) die "usage: $0 pristine|overlay|stock" ;;
esac
