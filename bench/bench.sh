#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench.sh - `make bench`: scullcfs beside its peers, as a table and plots
#
# Runs the sections asked for (allocator, filesystem, memory), each in
# rounds that interleave the subjects, so that whatever else the machine
# does falls on all of them alike.  Every measurement becomes one line of
# $BENCH_OUT/results.tsv; report.awk turns them into the tables (median and
# min-max over the rounds, ratios to the peers), plot.gp into the plots.
# Everything mounted or started here is unmounted and stopped on any exit,
# Ctrl-C included.
#
# Environment (make bench passes its variables of the same names):
#   top_builddir, top_srcdir  the build and source trees, absolute
#   BENCH_SCALE   full (the default) or quick (small sizes, for development)
#   BENCH_ROUNDS  rounds per measurement (default 3)
#   BENCH_ONLY    the sections to run, of "alloc fs mem" (default all)
#   BENCH_OUT     results, tables and plots (default $top_builddir/bench-results)
#   BENCH_SCULLCFS_OPTS  mount options added for scullcfs ("-o ..." form)
#   BENCH_SCULLCFS_VARIANTS  space-separated option strings: each adds a
#                 subject to the filesystem section, scullcfs mounted
#                 with -o that string (e.g. "cache=never writeback")
#   BENCH_FS_ROWS  an extended regex: the filesystem section runs only
#                 the fio rows whose label it matches, and the tree
#                 workloads (all of them, each building on the one
#                 before) if it matches one of theirs (e.g. "^seq write",
#                 or "files|ls|rm" for the trees alone; default: every row)
#   BENCH_FS_PEERS  the peers of the filesystem section, of "tmpfs null
#                 ptll ptll-wb pt" (the default)
set -eu -o pipefail

: "${top_builddir:?run me through make bench}" "${top_srcdir:?}"
BENCH_SCALE=${BENCH_SCALE:-full}
BENCH_ROUNDS=${BENCH_ROUNDS:-3}
BENCH_ONLY=${BENCH_ONLY:-alloc fs mem}
BENCH_OUT=${BENCH_OUT:-$top_builddir/bench-results}
BENCH_SCULLCFS_OPTS=${BENCH_SCULLCFS_OPTS:-}
BENCH_SCULLCFS_VARIANTS=${BENCH_SCULLCFS_VARIANTS:-}
BENCH_FS_ROWS=${BENCH_FS_ROWS:-}
BENCH_FS_PEERS=${BENCH_FS_PEERS-tmpfs null ptll ptll-wb pt}
BENCH=$top_srcdir/bench

# Sizes by scale.  MiB unless said otherwise.
case $BENCH_SCALE in
full)
	ALLOC_PAIRS=5000000 ALLOC_PRODCONS=200000
	ALLOC_BATCH_BYTES=$((200 << 20)) ALLOC_MEM_BYTES=$((64 << 20))
	ALLOC_FILL_BYTES=$((1 << 30))
	FS_SIZE=10g FS_FILE_MIB=2048 FS_RAND_IO_MIB=64 FS_RAND_SECS=30
	FS_SEQ_MIB="64 1024 8192" FS_SMALL_FILES=20000 FS_LS_FILES=50000
	FS_RM_FILES=100000 FS_SPARSE_MIB=16384
	FS_CP_SOURCE=/usr/include
	MEM_MIB="1024 4096" MEM_SMALL_FILES=100000
	NEED_RAM_GIB=12
	;;
quick)
	ALLOC_PAIRS=500000 ALLOC_PRODCONS=50000
	ALLOC_BATCH_BYTES=$((40 << 20)) ALLOC_MEM_BYTES=$((8 << 20))
	ALLOC_FILL_BYTES=$((128 << 20))
	FS_SIZE=1g FS_FILE_MIB=128 FS_RAND_IO_MIB=16 FS_RAND_SECS=10
	FS_SEQ_MIB="16 64 256" FS_SMALL_FILES=2000 FS_LS_FILES=5000
	FS_RM_FILES=10000 FS_SPARSE_MIB=2048
	FS_CP_SOURCE=/usr/include/linux
	MEM_MIB="64 256" MEM_SMALL_FILES=10000
	NEED_RAM_GIB=2
	;;
*)
	echo "bench: BENCH_SCALE is full or quick, not '$BENCH_SCALE'" >&2
	exit 2
	;;
esac

say() { printf '%s\n' "$*" >&2; }
die() { say "bench: $*"; exit 1; }

# record SECTION WORKLOAD UNIT SUBJECT ROUND VALUE - one measurement
record() {
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$RESULTS"
}

# report SECTION TITLE SUBJECTS OURS PEERS [DATFILE] - print one table
report() {
	{
		printf '\n== %s\n' "$2"
		awk -v section="$1" -v subjects="$3" -v ours="$4" -v peers="$5" \
			-v dat="${6:-}" -f "$BENCH/report.awk" "$RESULTS"
	} | tee -a "$TABLE"
}

# plot SCRIPT DATA SUBJECTS NAME - draw NAME.png and NAME.svg in BENCH_OUT
plot() {
	gnuplot -e "dat='$2'; dir='$2'; subjects='$3'; out='$BENCH_OUT/$4'" \
		"$BENCH/$1" || say "bench: gnuplot failed to draw $4"
}

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# The undo stack: each step that must be undone (a mount, a daemon) pushes
# the command that undoes it; unwind_to N runs and pops them, last first,
# down to depth N.  On any exit everything is undone.
UNDO=()
push_undo() { UNDO+=("$*"); }
unwind_to() {
	local last
	while [ "${#UNDO[@]}" -gt "$1" ]; do
		last=$((${#UNDO[@]} - 1))
		eval "${UNDO[last]}" || true
		unset "UNDO[last]"
	done
}
cleanup() {
	unwind_to 0
	if [ -n "${WORK:-}" ]; then
		rm -rf --one-file-system "$WORK"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# What the sections asked for need: packages (named, never installed
# here), root for mounting tmpfs, /dev/fuse, and the RAM that the largest
# file takes in tmpfs or in the daemon (plus what the kernel caches).
missing=
need() { command -v "$1" >/dev/null 2>&1 || missing="$missing $2"; }
need gnuplot gnuplot-nox
case " $BENCH_ONLY " in
*" fs "* | *" mem "*)
	need fio fio
	[ "$(id -u)" -eq 0 ] || die "the filesystem sections mount tmpfs: run as root, or BENCH_ONLY=alloc"
	[ -c /dev/fuse ] || die "no /dev/fuse: the filesystem sections need FUSE"
	avail=$(awk '/^MemAvailable:/ { print int($2 / 1048576) }' /proc/meminfo)
	[ "$avail" -ge "$NEED_RAM_GIB" ] ||
		die "$BENCH_SCALE scale needs $NEED_RAM_GIB GiB of available RAM, $avail GiB here"
	;;
esac
if [ -n "$missing" ]; then
	say "bench: missing packages; as root, run:"
	say "  apt-get install -y$missing"
	exit 1
fi

# passthrough_ll keeps a descriptor open for every inode it has looked up
# (fs.sh's tree_fits)
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

mkdir -p "$BENCH_OUT"
RESULTS=$BENCH_OUT/results.tsv
TABLE=$BENCH_OUT/table.txt
: >"$RESULTS"
: >"$BENCH_OUT/daemons.log"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/scullcfs-bench.XXXXXX")

for f in alloc mounts fs mem; do
	# shellcheck source=/dev/null
	. "$BENCH/$f.sh"
done

{
	echo "scullcfs bench, scale $BENCH_SCALE, $BENCH_ROUNDS rounds, $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "$(uname -srm), $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
	echo "load average at start: $(loadavg)"
} | tee "$TABLE"

for section in $BENCH_ONLY; do
	case $section in
	alloc) alloc_section ;;
	fs) fs_section ;;
	mem) mem_section ;;
	*) die "unknown section '$section' in BENCH_ONLY" ;;
	esac
done

echo "load average at end: $(loadavg)" | tee -a "$TABLE"
say "bench: results in $BENCH_OUT"
