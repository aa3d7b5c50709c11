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
set -eu

: "${top_builddir:?run me through make bench}" "${top_srcdir:?}"
BENCH_SCALE=${BENCH_SCALE:-full}
BENCH_ROUNDS=${BENCH_ROUNDS:-3}
BENCH_ONLY=${BENCH_ONLY:-alloc fs mem}
BENCH_OUT=${BENCH_OUT:-$top_builddir/bench-results}
BENCH_SCULLCFS_OPTS=${BENCH_SCULLCFS_OPTS:-}
BENCH=$top_srcdir/bench

# Sizes by scale.  MiB unless said otherwise.
case $BENCH_SCALE in
full)
	ALLOC_PAIRS=5000000 ALLOC_PRODCONS=1000000
	ALLOC_BATCH_BYTES=$((400 << 20)) ALLOC_MEM_BYTES=$((64 << 20))
	;;
quick)
	ALLOC_PAIRS=500000 ALLOC_PRODCONS=100000
	ALLOC_BATCH_BYTES=$((40 << 20)) ALLOC_MEM_BYTES=$((8 << 20))
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

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# Whatever runs cleans up after itself on any exit; sections push their
# own steps onto CLEANUP (run last pushed first).
CLEANUP=()
cleanup() {
	local i
	for ((i = ${#CLEANUP[@]} - 1; i >= 0; i--)); do
		eval "${CLEANUP[i]}" || true
	done
	CLEANUP=()
	[ -n "${WORK:-}" ] && rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# need_packages - what is missing for the sections asked for
missing=
need() { command -v "$1" >/dev/null 2>&1 || missing="$missing $2"; }
case " $BENCH_ONLY " in *" fs "* | *" mem "*) need fio fio;; esac
need gnuplot gnuplot-nox
if [ -n "$missing" ]; then
	say "bench: missing packages; as root, run:"
	say "  apt-get install -y$missing"
	exit 1
fi

mkdir -p "$BENCH_OUT"
RESULTS=$BENCH_OUT/results.tsv
TABLE=$BENCH_OUT/table.txt
: >"$RESULTS"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/scullcfs-bench.XXXXXX")

for f in alloc; do
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
	*) die "unknown section '$section' in BENCH_ONLY" ;;
	esac
done

echo "load average at end: $(loadavg)" | tee -a "$TABLE"
say "bench: results in $BENCH_OUT"
