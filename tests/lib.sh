# SPDX-License-Identifier: GPL-2.0-or-later
# lib.sh - what every mount test shares: start, check and stop a real mount
#
# Usage, at the top of a tests/*.test script:
#     . "$top_srcdir/tests/lib.sh"
#     require_fuse
#     mount_scull -o size=64m          # sets MNT; unmounted on any exit
#     ...
#     umount_scull || fail "daemon exit status $?"
#
# Each test runs under `set -eu`; a failing command fails the test.  The
# daemon's stderr goes to $WORK/daemon.log, shown when a test fails.
#
# No test sleeps and hopes: every wait polls for the event it is about and
# gives up after $WAIT_SECS seconds (default 120) with a message.  A test
# that hangs anyway is ended by the timeout make check runs it under.

set -eu

: "${SCULLCFS:?SCULLCFS must name the daemon (make check sets it)}"
: "${FUSERMOUNT:=fusermount3}"

: "${WAIT_SECS:=120}"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/scullcfs-test.XXXXXX")
MNT=
SCULL_PID=

# In a ThreadSanitizer build (--enable-tsan) every instrumented program the
# test starts, the daemon above all, writes its reports to $WORK/tsan.PID;
# any such report fails the test, whatever the program's exit status.
case ${SAN_CFLAGS:-} in
*-fsanitize=thread*)
	export TSAN_OPTIONS="${TSAN_OPTIONS:+$TSAN_OPTIONS }log_path=$WORK/tsan exitcode=66"
	;;
esac

# tsan_found: whether ThreadSanitizer has reported anything so far
tsan_found() {
	compgen -G "$WORK/tsan.*" >/dev/null
}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# skip REASON: this machine cannot run the test at all
skip() {
	echo "SKIP: $*" >&2
	exit 77
}

# cleanup [STATUS]: the EXIT trap: unmount, stop the daemon, show its
# stderr if the test failed, exit with STATUS (default $?).  A test with
# a trap of its own calls it last with the status that trap was given:
# an `(exit N)` before it would end the trap there (set -e).
cleanup() {
	local rc=${1:-$?} pid
	if [ -n "$MNT" ] && mountpoint -q "$MNT" 2>/dev/null; then
		"$FUSERMOUNT" -u -z "$MNT" 2>/dev/null || umount -l "$MNT" 2>/dev/null || true
	fi
	if [ -n "$SCULL_PID" ] && kill -0 "$SCULL_PID" 2>/dev/null; then
		kill "$SCULL_PID" 2>/dev/null || true
		wait "$SCULL_PID" 2>/dev/null || true
	fi
	if tsan_found; then
		cat "$WORK"/tsan.* >&2
		echo "FAIL: ThreadSanitizer reported the above" >&2
		rc=1
	fi
	# background jobs of a test that failed half-way
	for pid in $(jobs -p); do
		kill "$pid" 2>/dev/null || true
	done
	if [ $rc -ne 0 ] && [ $rc -ne 77 ] && [ -s "$WORK/daemon.log" ]; then
		echo "--- daemon stderr ---" >&2
		# a sanitizer's report whole, from its first line; else the end
		if grep -q '^==[0-9]*==ERROR' "$WORK/daemon.log"; then
			sed -n '/^==[0-9]*==ERROR/,$p' "$WORK/daemon.log" |
				head -400 >&2
		else
			tail -50 "$WORK/daemon.log" >&2
		fi
	fi
	rm -rf "$WORK"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# require_fuse: exit 77, saying why, where FUSE cannot mount
require_fuse() {
	[ -c /dev/fuse ] || skip "no /dev/fuse on this machine"
	command -v "$FUSERMOUNT" >/dev/null 2>&1 || skip "$FUSERMOUNT is not installed"
	[ -x "$SCULLCFS" ] || fail "$SCULLCFS is not built"
	if [ "$(id -u)" -ne 0 ] && ! [ -u "$(command -v "$FUSERMOUNT")" ]; then
		skip "not root and $FUSERMOUNT is not setuid"
	fi
}

# wait_for COND-COMMAND...: poll COND every $POLL seconds (default 0.05)
# until it holds; false after $WAIT_SECS
wait_for() {
	local deadline=$((SECONDS + WAIT_SECS))
	until "$@"; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep "${POLL:-0.05}"
	done
}

# exited PID: PID (a child of this shell, which bash reaps) has ended
exited() {
	! kill -0 "$1" 2>/dev/null
}

# wait_exit PID: its exit status, once it has ended; 124 (and a message)
# if it is still running after $WAIT_SECS
wait_exit() {
	local rc=0
	if ! wait_for exited "$1"; then
		echo "process $1 still running after ${WAIT_SECS}s" >&2
		return 124
	fi
	wait "$1" || rc=$?
	return $rc
}

# mount_scull [ARGS...]: mount a fresh scullcfs in the foreground on $MNT
mount_scull() {
	MNT=$(mktemp -d "$WORK/mnt.XXXXXX")
	"$SCULLCFS" -f "$MNT" "$@" 2>>"$WORK/daemon.log" &
	SCULL_PID=$!
	if ! wait_for mounted_or_exited; then
		fail "scullcfs neither mounted $MNT nor exited in ${WAIT_SECS}s"
	fi
	if ! mountpoint -q "$MNT"; then
		wait "$SCULL_PID" || true
		fail "scullcfs did not mount on $MNT"
	fi
}

mounted_or_exited() {
	mountpoint -q "$MNT" || exited "$SCULL_PID"
}

# umount_scull: unmount and return the daemon's exit status
umount_scull() {
	local rc=0
	"$FUSERMOUNT" -u "$MNT" || return 1
	wait_exit "$SCULL_PID" || rc=$?
	[ $rc -eq 124 ] || SCULL_PID=
	if [ $rc -eq 0 ] && tsan_found; then
		echo "ThreadSanitizer reported races (shown at exit)" >&2
		rc=66
	fi
	return $rc
}

# slab_field CACHE COLUMN: a column (1 = name, 2 = active_objs, 3 = num_objs,
# 4 = objsize, ... as in /proc/slabinfo) of CACHE's line in the mount's slabinfo
slab_field() {
	awk -v c="$1" -v f="$2" '$1 == c { print $f }' "$MNT/slabinfo"
}

# kernel_slabinfo: the kernel's own tools/mm/slabinfo, as `make
# slabinfo-tool` builds it (tools/kernel-slabinfo.sh) into $KSLABINFO,
# built here if it is not yet; false, saying why, when it cannot run (no
# linux-source tarball, or no root to bind-mount in a private namespace)
kernel_slabinfo() {
	local rc=0 tmp
	KSLABINFO=${top_builddir:-.}/tools/slabinfo
	if [ ! -x "$KSLABINFO" ]; then
		mkdir -p "$(dirname "$KSLABINFO")"
		# built aside and renamed: tests running at once share it
		tmp=$(mktemp "$KSLABINFO.XXXXXX")
		CC=${CC:-cc} sh "$top_srcdir/tools/kernel-slabinfo.sh" "$tmp" >&2 || rc=$?
		[ $rc -eq 0 ] || [ $rc -eq 2 ] || fail "tools/kernel-slabinfo.sh failed"
		if [ $rc -eq 0 ]; then mv -f "$tmp" "$KSLABINFO"; else rm -f "$tmp"; fi
	fi
	if [ ! -x "$KSLABINFO" ]; then
		echo "kernel slabinfo part skipped: no linux-source tarball in /usr/src (apt-get install linux-source-6.1)" >&2
		return 1
	fi
	if [ "$(id -u)" -ne 0 ] || ! unshare -m true 2>/dev/null; then
		echo "kernel slabinfo part skipped: needs root and unshare -m" >&2
		return 1
	fi
}

# ks ARGS...: run $KSLABINFO over $MNT/slab, bind-mounted over
# /sys/kernel/slab in a private mount namespace (never the host's)
ks() {
	unshare -m bash -c 'mount --bind "$1" /sys/kernel/slab && shift && exec "$@"' \
		ks "$MNT/slab" "$KSLABINFO" "$@"
}

# ksd HIDE ARGS...: the same with $MNT/debug over /sys/kernel/debug too;
# HIDE, if not empty, names a file of slab/ that /dev/null covers (to
# show that the program read debug/ and not what it falls back to)
ksd() {
	unshare -m --propagation private bash -c '
		mount --bind "$1/slab" /sys/kernel/slab &&
		mount --bind "$1/debug" /sys/kernel/debug &&
		{ [ -z "$2" ] || mount --bind /dev/null "/sys/kernel/slab/$2"; } &&
		shift 2 && exec "$@"' ksd "$MNT" "$1" "$KSLABINFO" "${@:2}"
}
