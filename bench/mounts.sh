# SPDX-License-Identifier: GPL-2.0-or-later
# mounts.sh - the filesystems under test: build the peers, mount, unmount
#
# Subjects:
#   scullcfs  this tree's daemon (size= as the scale says, plus
#             BENCH_SCULLCFS_OPTS)
#   scullcfs:OPTS  the same with -o OPTS too (BENCH_SCULLCFS_VARIANTS)
#   tmpfs     the kernel's own RAM filesystem
#   null      libfuse's null example: a single file that discards writes
#             and reads zeros, the FUSE transport's ceiling (a file, so it
#             runs only the workloads on one file)
#   ptll      libfuse's passthrough_ll over a tmpfs
#   ptll-wb   the same with the kernel's writeback cache (-o writeback)
#   pt        libfuse's passthrough (the high-level, path-based example),
#             over a tmpfs seen through its mirror of /: it keeps no
#             descriptor per inode, so it runs the tree workloads where
#             passthrough_ll cannot; it asks the kernel to cache nothing
#             (its timeouts are 0)
# The libfuse examples are compiled at bench time from the copies
# libfuse3-dev installs, into $top_builddir/bench/peers (never the source
# tree).  subject_up mounts one afresh and sets TARGET (the directory to
# work in, or the file for null) and DAEMON (the daemon's pid, or nothing);
# subject_down undoes exactly what subject_up did, as the EXIT trap would.

FUSE_EXAMPLES=${FUSE_EXAMPLES:-/usr/share/doc/libfuse3-dev/examples}
PEERS=$top_builddir/bench/peers
FUSERMOUNT=${FUSERMOUNT:-fusermount3}

# example_source FILE - copy an example (gzipped or not) into $PEERS/src
example_source() {
	if [ -f "$FUSE_EXAMPLES/$1" ]; then
		cp "$FUSE_EXAMPLES/$1" "$PEERS/src/$1"
	elif [ -f "$FUSE_EXAMPLES/$1.gz" ]; then
		gzip -dc "$FUSE_EXAMPLES/$1.gz" >"$PEERS/src/$1"
	else
		return 1
	fi
}

# build_peer NAME - compile libfuse's example NAME.c; fails with a note
build_peer() {
	mkdir -p "$PEERS/src"
	if ! example_source "$1.c"; then
		say "bench: $FUSE_EXAMPLES/$1.c not found (libfuse3-dev); $1 left out"
		return 1
	fi
	# passthrough_ll needs its helper header; null does not
	example_source passthrough_helpers.h || true
	# shellcheck disable=SC2046
	${CC:-cc} -O2 -w -o "$PEERS/$1" "$PEERS/src/$1.c" \
		$(pkg-config --cflags --libs fuse3) ||
		{ say "bench: cannot compile $1; left out"; return 1; }
}

is_mounted() {
	awk -v m="$1" '$5 == m { found = 1 } END { exit !found }' /proc/self/mountinfo
}

# wait_gone PID SECONDS - wait for our child PID to exit; 1 if it did not
wait_gone() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
	done
	return 1
}

# fuse_up MOUNTPOINT COMMAND... - start a FUSE daemon in the foreground
# mode, in the background, and wait (20 s at most) until it has mounted.
# Its messages go to daemons.log.
fuse_up() {
	local mnt=$1 i
	shift
	echo "== $(date -u +%T) $* $mnt" >>"$BENCH_OUT/daemons.log"
	"$@" "$mnt" </dev/null >>"$BENCH_OUT/daemons.log" 2>&1 &
	DAEMON=$!
	push_undo "fuse_down $mnt $DAEMON"
	for ((i = 0; i < 200; i++)); do
		is_mounted "$mnt" && return 0
		kill -0 "$DAEMON" 2>/dev/null ||
			die "$1 exited before mounting $mnt (see $BENCH_OUT/daemons.log)"
		sleep 0.1
	done
	die "$1 did not mount $mnt within 20 s"
}

# fuse_down MOUNTPOINT PID - unmount, and wait for the daemon to exit
fuse_down() {
	local status=0
	is_mounted "$1" && "$FUSERMOUNT" -u "$1"
	if ! wait_gone "$2" 30; then
		say "bench: daemon $2 still running 30 s after unmount; killing it"
		kill "$2"
	fi
	wait "$2" || status=$?
	[ "$status" -eq 0 ] || say "bench: daemon of $1 exited with status $status"
}

mount_tmpfs() {
	mount -t tmpfs -o "size=$FS_SIZE" bench-tmpfs "$1"
	push_undo "umount $1"
}

# passthrough_up [OPTIONS] - passthrough_ll over a fresh tmpfs
passthrough_up() {
	mkdir "$TARGET/src" "$TARGET/mnt"
	mount_tmpfs "$TARGET/src"
	fuse_up "$TARGET/mnt" "$PEERS/passthrough_ll" -f \
		-o "source=$TARGET/src" "$@"
	TARGET=$TARGET/mnt
}

# subject_up NAME - mount NAME afresh; sets TARGET and DAEMON
subject_up() {
	SUBJECT_DEPTH=${#UNDO[@]}
	# fio takes ':' in a file name for a list of names
	TARGET=$(mktemp -d "$WORK/${1//[^a-z0-9-]/_}.XXXXXX")
	DAEMON=
	case $1 in
	scullcfs | scullcfs:*)
		local variant=()
		[ "$1" = scullcfs ] || variant=(-o "${1#scullcfs:}")
		# shellcheck disable=SC2086
		fuse_up "$TARGET" "$top_builddir/src/scullcfs" -f \
			-o "size=$FS_SIZE" $BENCH_SCULLCFS_OPTS "${variant[@]}"
		;;
	tmpfs)
		mount_tmpfs "$TARGET"
		;;
	null)
		TARGET=$TARGET/file
		: >"$TARGET"
		fuse_up "$TARGET" "$PEERS/null" -f
		;;
	ptll)
		passthrough_up
		;;
	ptll-wb)
		passthrough_up -o writeback
		;;
	pt)
		# it mirrors the whole of /: the tmpfs is seen at its own path
		mkdir "$TARGET/src" "$TARGET/mnt"
		mount_tmpfs "$TARGET/src"
		fuse_up "$TARGET/mnt" "$PEERS/passthrough" -f
		TARGET=$TARGET/mnt$TARGET/src
		;;
	esac
}

subject_down() { unwind_to "$SUBJECT_DEPTH"; }

# rss_bytes PID - a process's resident set
rss_bytes() { awk '/^VmRSS:/ { print $2 * 1024 }' "/proc/$1/status"; }

# used_bytes DIR - bytes in use on the filesystem of DIR (statfs)
used_bytes() { stat -f -c '%b %f %S' "$1" | awk '{ print ($1 - $2) * $3 }'; }
