#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# readme-blocks.sh - run README.md's command blocks that say they run
#
#     tests/readme-blocks.sh [README]      (from a built source tree)
#
# A code block of README.md preceded by one of these comments is run as
# written, each in a bash of its own (set -eu -o pipefail), from the top
# of the tree, bounded by a timeout:
#
#     <!-- runnable -->              any user, in the built tree
#     <!-- runnable: root -->        only as root (skipped otherwise)
#     <!-- runnable: fresh-clone --> in a fresh clone of HEAD, unbuilt
#
# Paths are the only thing changed: /tmp/scull becomes a fresh mount
# point, /tmp/build and /tmp/inst fresh directories and /path/to/scullcfs
# the tree the block runs in.  A block that uses /tmp/scull without mounting it first
# (the first line naming it runs scullcfs on it) gets a fresh scullcfs
# there first, as the README's reader has one from the quick start.
# Whatever is still mounted afterwards is unmounted and its daemon waited
# for.  .ci/run runs this after make check; the exit status is 0 only
# when every block that ran passed.
set -u
cd "$(dirname "$0")/.."
tree=$PWD
readme=${1:-README.md}
: "${BLOCK_SECS:=900}" "${WAIT_SECS:=30}" "${FUSERMOUNT:=fusermount3}"
work=$(mktemp -d "${TMPDIR:-/tmp}/readme-blocks.XXXXXX")

# blocks: every marked block as "KIND<TAB>line<TAB>text" records in
# $work/block.N, the text's lines joined by \n
awk -v dir="$work" '
	/^<!-- runnable(: [a-z-]+)? -->$/ {
		kind = $0; sub(/^<!-- runnable:? ?/, "", kind)
		sub(/ ?-->$/, "", kind); if (kind == "") kind = "user"
		want = 1; start = NR; text = ""; next
	}
	want && /^$/ && text == "" { next }
	want && /^    / { text = text substr($0, 5) "\n"; next }
	want && /^$/ { text = text "\n"; next }
	want {
		if (text == "") { print "marker on line " start " is not before a code block" > "/dev/stderr"; exit 1 }
		f = dir "/block." ++n; printf "%s\t%d\n%s", kind, start, text > f; close(f)
		want = 0
	}
	END { if (want && text != "") { f = dir "/block." ++n; printf "%s\t%d\n%s", kind, start, text > f } }
' "$readme" || { rm -rf "$work"; exit 1; }

mounts=()
# finish: unmount every mount point a block used, wait for the daemons
finish() {
	local m pids deadline
	for m in "${mounts[@]}"; do
		! mountpoint -q "$m" || "$FUSERMOUNT" -u "$m" || "$FUSERMOUNT" -u -z "$m" || true
		deadline=$((SECONDS + WAIT_SECS))
		while pids=$(pgrep -f "scullcfs.* $m( |\$)") && [ $SECONDS -lt $deadline ]; do
			sleep 0.1
		done
		[ -z "${pids:-}" ] || { kill $pids 2>/dev/null; echo "readme-blocks: daemon for $m killed"; }
	done
	mounts=()
}
trap 'finish; rm -rf "$work"' EXIT

# premount M: a scullcfs on M, as the quick start leaves one
premount() {
	local deadline=$((SECONDS + WAIT_SECS))
	"$tree/src/scullcfs" "$1" || return 1
	until mountpoint -q "$1"; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.05
	done
}

passed=0 failed=0 skipped=0
for b in $(ls "$work"/block.* 2>/dev/null | sort -t. -k2 -n); do
	IFS=$'\t' read -r kind line <"$b"
	text=$(tail -n +2 "$b")
	where=$tree
	if [ "$kind" = root ] && [ "$(id -u)" -ne 0 ]; then
		echo "SKIP: README line $line (needs root)"
		skipped=$((skipped + 1))
		continue
	fi
	m=$(mktemp -d "$work/scull.XXXXXX")
	mounts+=("$m")
	if [ "$kind" = fresh-clone ]; then
		where=$work/clone
		rm -rf "$where"
		git clone -q "$tree" "$where" || { echo "FAIL: README line $line: git clone"; failed=$((failed + 1)); continue; }
	fi
	build=$(mktemp -d "$work/build.XXXXXX")
	inst=$(mktemp -d "$work/inst.XXXXXX")
	text=${text//\/tmp\/scull/$m}
	text=${text//\/tmp\/build/$build}
	text=${text//\/tmp\/inst/$inst}
	text=${text//\/path\/to\/scullcfs/$where}
	first=$(grep -m 1 -F -- "$m" <<<"$text" || true)
	mounts_it="scullcfs[^|;&]* $m"
	if [ -n "$first" ] && ! [[ $first =~ $mounts_it ]] &&
	   ! premount "$m"; then
		echo "FAIL: README line $line: could not mount $m first"
		failed=$((failed + 1))
		finish
		continue
	fi
	echo "==== README line $line ($kind)"
	(cd "$where" && timeout -k 10 "$BLOCK_SECS" bash -eu -o pipefail -c "$text") \
		>"$work/out" 2>&1
	rc=$?
	finish
	if [ $rc -eq 0 ]; then
		passed=$((passed + 1))
		tail -n 5 "$work/out"
	else
		failed=$((failed + 1))
		cat "$work/out"
		echo "FAIL: README line $line: status $rc"
	fi
done
echo "readme-blocks: $passed passed, $failed failed, $skipped skipped"
[ $((passed + failed)) -gt 0 ] || { echo "readme-blocks: no runnable block in $readme"; exit 1; }
[ $failed -eq 0 ]
