# SPDX-License-Identifier: GPL-2.0-or-later
# fs.sh - the filesystem section of bench.sh (sourced)
#
# Each round mounts every subject afresh in turn and runs the whole list of
# workloads on it: fio (psync engine) on one file, then small files,
# ls -l, rm -rf of a bigger tree, cp -r and rm -rf of the copy (not on
# null, which is a single file; pt runs these tree workloads only).  For
# scullcfs each tree workload also reads the requests file before and
# after: what it cost in requests per file, a table of its own.  fio's writes end with an fsync, so a
# writeback cache is timed to the point where the daemon has the data.
# Nothing drops the page cache between jobs (fio's invalidate=0): reads
# find what the filesystem's own cache policy kept of the writes before
# them, as a program reading back what it wrote would (passthrough_ll's
# default cache=auto drops a file's pages at each open; a daemon that
# keeps them is read at the kernel's speed).  Files are created by the
# job's own open, never laid out beforehand (null could not be).  Random
# I/O moves FS_RAND_IO_MIB among all its jobs, stopping after
# FS_RAND_SECS seconds on a slow subject (the rate is of the time run).
# Every figure is a rate: higher is better.

SMALLFILES=$top_builddir/bench/smallfiles

# fio_job LABEL UNIT FIO-OPTIONS... - one fio run on $FILE; records
# MiB/s (UNIT MiB/s) or operations per second (UNIT IOPS), reads and
# writes together
fio_job() {
	local label=$1 unit=$2 value
	shift 2
	wanted "$label" || return 0
	value=$(fio --name=bench --ioengine=psync --filename="$FILE" \
		--fallocate=none --create_on_open=1 --end_fsync=1 --invalidate=0 \
		--group_reporting \
		--output-format=terse --terse-version=3 "$@" |
		awk -F';' -v unit="$unit" '
			{ kib += $7 + $48; iops += $8 + $49 }
			END { print unit == "IOPS" ? iops : kib / 1024 }') ||
		die "fio failed on $SUBJECT: $label"
	record fs "$label" "$unit" "$SUBJECT" "$ROUND" "$value"
}

# wanted LABEL - whether BENCH_FS_ROWS (an extended regex; empty: all)
# asks for the row LABEL
wanted() {
	[ -z "$BENCH_FS_ROWS" ] || [[ $1 =~ $BENCH_FS_ROWS ]]
}

# timed_rate LABEL COUNT COMMAND... - run COMMAND, record COUNT per
# second, and what it cost scullcfs in requests per one of COUNT
timed_rate() {
	local label=$1 n=$2 t0 t1
	shift 2
	requests_mark
	t0=$EPOCHREALTIME
	"$@" >/dev/null || die "$SUBJECT: $label: $* failed"
	t1=$EPOCHREALTIME
	record fs "$label" files/s "$SUBJECT" "$ROUND" \
		"$(awk -v n="$n" -v t0="$t0" -v t1="$t1" \
			'BEGIN { printf "%.1f", n / (t1 - t0) }')"
	requests_record "$label" "$n"
}

# new_file - start the next workload with no file (null has only its own)
new_file() {
	[ "$SUBJECT" = null ] || rm -f "$FILE"
}

fs_fio_workloads() {
	local file=$FS_FILE_MIB quarter=$((FS_FILE_MIB / 4)) rw jobs size
	local seq=(--bs=1M --size="${file}M")
	local part=(--bs=1M --numjobs=4 --size="${quarter}M" --offset_increment="${quarter}M")
	local rand=(--bs=4k --size="${file}M" --randrepeat=1 --norandommap
		    --runtime="$FS_RAND_SECS")

	new_file
	fio_job "seq write $(mib "$file"), 1 MiB, 1 job" MiB/s --rw=write "${seq[@]}"
	fio_job "seq read $(mib "$file"), 1 MiB, 1 job" MiB/s --rw=read "${seq[@]}"
	fio_job "rewrite $(mib "$file"), 1 MiB, 1 job" MiB/s --rw=write "${seq[@]}"
	for rw in read write; do
		for jobs in 1 4; do
			fio_job "rand $rw 4 KiB, $jobs job$(plural "$jobs")" IOPS \
				--rw="rand$rw" "${rand[@]}" --numjobs="$jobs" \
				--io_size="$((FS_RAND_IO_MIB / jobs))M"
		done
	done
	# The same reads past any page cache, into this dense file and then
	# into a sparse one FS_SPARSE_MIB long (not on null, whose file is
	# of a fixed size and all holes): the daemon's lookups of a quantum
	# must not slow down with the offset or the holes.
	fio_job "rand read 4 KiB, O_DIRECT, dense $(mib "$file")" IOPS \
		--rw=randread "${rand[@]}" --direct=1 --io_size="${FS_RAND_IO_MIB}M"
	new_file
	if [ "$SUBJECT" != null ]; then
		truncate -s "${FS_SPARSE_MIB}M" "$FILE"
		fio_job "rand read 4 KiB, O_DIRECT, sparse $(mib "$FS_SPARSE_MIB")" \
			IOPS --rw=randread --bs=4k --size="${FS_SPARSE_MIB}M" \
			--randrepeat=1 --norandommap --runtime="$FS_RAND_SECS" \
			--direct=1 --io_size="${FS_RAND_IO_MIB}M"
		new_file
	fi
	fio_job "seq write $(mib "$file"), 1 MiB, 4 jobs" MiB/s --rw=write "${part[@]}"
	fio_job "seq read $(mib "$file"), 1 MiB, 4 jobs" MiB/s --rw=read "${part[@]}"
	for size in $FS_SEQ_MIB; do
		new_file
		fio_job "seq write $(mib "$size"), 1 MiB, 1 job" MiB/s \
			--rw=write --bs=1M --size="${size}M"
	done
	new_file
}

# tree_create WHICH COUNT FIRST - create COUNT empty files in $dir from
# number FIRST on; record the rate as the WHICH tenth of FS_RM_FILES
tree_create() {
	local rate label="create empty, $1 $2 of $FS_RM_FILES"

	requests_mark
	rate=$("$SMALLFILES" "$dir" "$2" 0 c "$3" | awk '{ print $2 }') ||
		die "$SUBJECT: smallfiles failed"
	record fs "$label" files/s "$SUBJECT" "$ROUND" "$rate"
	requests_record "$label" "$2"
}

# The tree workloads' rows, for BENCH_FS_ROWS: any of them wanted runs
# them all, each building on the one before.
tree_wanted() {
	local label
	for label in "$FS_SMALL_FILES files:" "create empty" "ls -l" "rm -rf" \
		"cp -r"; do
		wanted "$label" && return 0
	done
	return 1
}

# requests_mark - note scullcfs's request counts (its requests file), so
# that requests_record can say what the workload since cost; nothing for
# the peers, which do not count
requests_mark() {
	case $SUBJECT in
	scullcfs*) cat "$TARGET/requests" >"$WORK/requests.mark" ;;
	esac
}

# requests_record LABEL COUNT - the requests per file since requests_mark,
# by operation (those above 0.005 a file) and in all, into the "req"
# section: one row per workload and subject, one column per operation
requests_record() {
	local op value row=$1
	case $SUBJECT in
	scullcfs) ;;
	scullcfs:*) row="$1 ($SUBJECT)" ;;
	*) return 0 ;;
	esac
	awk -v n="$2" 'NR == FNR { was[$1] = $2; next }
		{ d = ($2 - was[$1]) / n; all += d
		  if (d >= 0.005) printf "%s %.2f\n", $1, d }
		END { printf "all %.2f\n", all }' \
		"$WORK/requests.mark" "$TARGET/requests" |
		while read -r op value; do
			record req "$row" "requests per file" "$op" "$ROUND" \
				"$value"
		done
}

# small_phase PHASE NAME - one phase of FS_SMALL_FILES files of 4 KiB
small_phase() {
	local rate

	requests_mark
	rate=$("$SMALLFILES" "$TARGET/tree" "$FS_SMALL_FILES" 4096 "$1" |
		awk '{ print $2 }') || die "$SUBJECT: smallfiles failed"
	record fs "$FS_SMALL_FILES files: $2, 4 KiB" files/s "$SUBJECT" \
		"$ROUND" "$rate"
	requests_record "$FS_SMALL_FILES files: $2, 4 KiB" "$FS_SMALL_FILES"
}

fs_tree_workloads() {
	local dir=$TARGET/tree n tenth

	mkdir "$dir"
	small_phase c create
	small_phase r read
	small_phase u unlink
	# One tree of empty files: FS_LS_FILES of them for ls -l, then grown
	# to FS_RM_FILES for rm -rf.  Its first and last tenth are created
	# apart, timed: whether the create rate holds as the directory grows.
	tenth=$((FS_RM_FILES / 10))
	tree_create "first" "$tenth" 0
	"$SMALLFILES" "$dir" $((FS_LS_FILES - tenth)) 0 c "$tenth" >/dev/null
	timed_rate "ls -l, $FS_LS_FILES files" "$FS_LS_FILES" ls -l "$dir"
	"$SMALLFILES" "$dir" $((FS_RM_FILES - tenth - FS_LS_FILES)) 0 c \
		"$FS_LS_FILES" >/dev/null
	tree_create "last" "$tenth" $((FS_RM_FILES - tenth))
	timed_rate "rm -rf, $FS_RM_FILES files" "$FS_RM_FILES" rm -rf "$dir"

	n=$(find "$FS_CP_SOURCE" | wc -l)
	timed_rate "cp -r $FS_CP_SOURCE ($n entries)" "$n" \
		cp -r "$FS_CP_SOURCE" "$TARGET/copy"
	timed_rate "rm -rf of that copy" "$n" rm -rf "$TARGET/copy"
}

# mib N - N MiB as people write it
# tree_fits - whether SUBJECT can run the tree workloads: null has one
# file only, and passthrough_ll keeps a descriptor open for every inode it
# has looked up, so it needs more than FS_RM_FILES of them (pt, which
# keeps none, runs them where it cannot)
tree_fits() {
	case $SUBJECT in
	null) return 1 ;;
	pt) return 0 ;;
	ptll*)
		[ "$(ulimit -n)" -gt $((FS_RM_FILES + 1000)) ] && return 0
		[ "$ROUND" -gt 1 ] || say "bench: $SUBJECT needs more than" \
			"$((FS_RM_FILES + 1000)) open files, the limit is" \
			"$(ulimit -n): its tree workloads are left out"
		return 1
		;;
	esac
}

mib() { [ "$1" -ge 1024 ] && echo "$(($1 / 1024)) GiB" || echo "$1 MiB"; }
plural() { [ "$1" -eq 1 ] || echo s; }

fs_section() {
	local subjects=scullcfs ours=scullcfs variant peer ratio_peers=

	for variant in $BENCH_SCULLCFS_VARIANTS; do
		ours="$ours scullcfs:$variant"
	done
	subjects=$ours
	for peer in $BENCH_FS_PEERS; do
		case $peer in
		null) build_peer null || continue ;;
		ptll*) build_peer passthrough_ll || continue ;;
		pt) build_peer passthrough || continue ;;
		esac
		subjects="$subjects $peer"
	done
	# the source of cp -r is read from the page cache in every round
	tar cf - "$FS_CP_SOURCE" 2>/dev/null | cat >/dev/null

	for ROUND in $(seq "$BENCH_ROUNDS"); do
		for SUBJECT in $subjects; do
			say "bench: filesystem, round $ROUND of $BENCH_ROUNDS: $SUBJECT"
			subject_up "$SUBJECT"
			FILE=$TARGET
			[ "$SUBJECT" = null ] || FILE=$TARGET/file
			# pt is the tree workloads' peer only
			[ "$SUBJECT" = pt ] || fs_fio_workloads
			! tree_wanted || ! tree_fits || fs_tree_workloads
			subject_down
		done
	done
	# ratios to the peers of this run only
	for peer in tmpfs ptll-wb pt; do
		case " $subjects " in *" $peer "*) ratio_peers="$ratio_peers $peer" ;; esac
	done
	report fs "filesystem: MiB/s, IOPS or files per second; higher is better
   (null: libfuse's null example, the FUSE transport's ceiling; ptll:
   libfuse's passthrough_ll over a tmpfs; ptll-wb: with writeback cache;
   pt: libfuse's passthrough, path-based, tree workloads only)" \
		"$subjects" "$ours" "${ratio_peers# }" "$BENCH_OUT/fs.dat"
	# the plot shows every workload relative to tmpfs
	case " $subjects " in
	*" tmpfs "*) plot throughput.gp "$BENCH_OUT/fs.dat" "$subjects" throughput ;;
	*) say "bench: throughput.png not drawn: it is relative to tmpfs, not in BENCH_FS_PEERS" ;;
	esac
	! tree_wanted || report req "requests per file: what each tree workload cost scullcfs
   in FUSE requests, from its requests file (all of them, and each
   operation that reaches 0.1 a file in some row)" "$(req_ops)" "" ""
}

# req_ops - the columns of the "req" section: "all", then each operation
# reaching 0.1 a file in some row, by their weight over all the rows
req_ops() {
	awk -F'\t' '$1 == "req" && $4 != "all" { w[$4] += $6
			if ($6 > top[$4]) top[$4] = $6 }
		END { for (op in w) if (top[op] >= 0.1) print w[op], op }' \
		"$RESULTS" |
		sort -rn | awk 'BEGIN { printf "all" } { printf " %s", $2 }'
}
