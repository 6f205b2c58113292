#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Recreate the hook worktree scripts/export-patches.sh exports from:
#
#   scripts/ktree.sh [WORKTREE]      (default build/ktree)
#
# A git worktree of build/src/linux (detached), starting at 'pristine',
# with one commit per layer of patches/ tagged as
# export-patches.sh expects (vswap-hooks, swap_ext-hooks, index-hooks,
# acct-hooks, large-hooks, sync-hooks, obs-hooks, pro-hooks, ctx-hooks) and
# the last layer (0022-) left uncommitted.
# Run after 'make tree' (which makes build/src/linux); an existing
# worktree is left alone.  The layer tags are the repository's: making a
# second worktree moves them to its commits.  Exporting right after must
# change nothing.

set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
src=$top/build/src/linux
wt=${1:-$top/build/ktree}

[ -d "$src/.git" ] || { echo "ktree: no $src: run 'make tree' first" >&2; exit 1; }
if [ -e "$wt" ]; then
	echo "ktree: $wt exists: left alone" >&2
	exit 0
fi
git -C "$src" worktree prune
git -C "$src" worktree add -q --detach "$wt" pristine

# the last patch of each committed layer, and its tag
layers=(0006:vswap-hooks 0009:swap_ext-hooks 0010:index-hooks
	0011:acct-hooks 0012:large-hooks 0013:sync-hooks 0015:obs-hooks
	0017:pro-hooks 0021:ctx-hooks)
i=0
for p in $(grep -v '^#' "$top/patches/series"); do
	git -C "$wt" apply --index "$top/patches/$p"
	if [ $i -lt ${#layers[@]} ] && [ "${p%%-*}" = "${layers[$i]%%:*}" ]; then
		tag=${layers[$i]#*:}
		git -C "$wt" -c user.name=ktree -c user.email=ktree@localhost \
			commit -q -m "$tag"
		git -C "$wt" tag -f "$tag" >/dev/null
		i=$((i + 1))
	fi
done
git -C "$wt" reset -q
echo "ktree: $wt ready; edit hooks there, then scripts/export-patches.sh"
