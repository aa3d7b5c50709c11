# SPDX-License-Identifier: GPL-2.0-or-later
# mem.sh - the memory section of bench.sh (sourced)
#
# What storing data costs: scullcfs's daemon resident set beside what a
# tmpfs reports in use (statfs), each measured on a fresh mount before the
# data is written, after, and after everything is removed again and the
# daemon has been idle long enough for its reaper (reap_ms=, 2 s) to give
# memory back.  Large data is given per byte stored (B/B), 100-byte files
# per file (B/file), and what stays after removal in MiB over the fresh
# mount.  The first round traces both over time through the largest
# write-then-remove run, for the RSS plot.

# mem_usage - the memory in use of the mounted subject, in bytes
mem_usage() {
	if [ -n "$DAEMON" ]; then
		rss_bytes "$DAEMON"
	else
		used_bytes "$TARGET"
	fi
}

# trace_start FILE - sample mem_usage ten times a second into FILE as
# "seconds MiB" until trace_stop
trace_start() {
	TRACE_DEPTH=${#UNDO[@]}
	(
		t0=$EPOCHREALTIME
		while :; do
			awk -v t0="$t0" -v t="$EPOCHREALTIME" -v b="$(mem_usage)" \
				'BEGIN { printf "%.2f %.1f\n", t - t0, b / 1048576 }'
			sleep 0.1
		done
	) >"$1" &
	push_undo "kill $! && wait $! 2>/dev/null"
}
trace_stop() { unwind_to "$TRACE_DEPTH"; }

# settled_usage - mem_usage once it has stood still for SETTLE_SECS (5: a
# reaper gives idle memory back two to four seconds after the last free),
# or after 30 s; at once for tmpfs
SETTLE_SECS=5
settled_usage() {
	local last now still=0 i

	last=$(mem_usage)
	[ -n "$DAEMON" ] || { echo "$last"; return; }
	for ((i = 0; i < 60 && still < SETTLE_SECS * 2; i++)); do
		sleep 0.5
		now=$(mem_usage)
		if [ "$now" = "$last" ]; then
			still=$((still + 1))
		else
			still=0 last=$now
		fi
	done
	echo "$last"
}

# mem_case LABEL COUNT SIZE [TRACE] - COUNT files of SIZE bytes
mem_case() {
	local label=$1 count=$2 size=$3 trace=${4:-} base used left dir
	local per=B/B stored=$(($2 * $3))

	if [ "$size" -lt 4096 ]; then
		per=B/file stored=$count
	fi
	subject_up "$SUBJECT"
	dir=$TARGET/data
	mkdir "$dir"
	base=$(mem_usage)
	if [ -n "$trace" ]; then
		trace_start "$trace"
		sleep 1
	fi
	"$SMALLFILES" "$dir" "$count" "$size" c >/dev/null ||
		die "$SUBJECT: cannot store $label"
	used=$(mem_usage)
	[ -z "$trace" ] || sleep 1
	rm -rf "$dir"
	left=$(settled_usage)
	[ -z "$trace" ] || trace_stop
	subject_down
	record mem "$label" "$per" "$SUBJECT" "$ROUND" \
		"$(awk -v a="$base" -v b="$used" -v n="$stored" 'BEGIN { printf "%.4f", (b - a) / n }')"
	record mem "$label: left after rm, idle" MiB "$SUBJECT" "$ROUND" \
		"$(awk -v a="$base" -v b="$left" 'BEGIN { printf "%.1f", (b - a) / 1048576 }')"
}

mem_section() {
	local subjects="scullcfs tmpfs" size trace

	for ROUND in $(seq "$BENCH_ROUNDS"); do
		for SUBJECT in $subjects; do
			say "bench: memory, round $ROUND of $BENCH_ROUNDS: $SUBJECT"
			for size in $MEM_MIB; do
				mem_case "$(mib "$size"), one file" 1 $((size << 20))
			done
			for size in $MEM_MIB; do
				trace=
				[ "$ROUND" -gt 1 ] || [ "$size" != "${MEM_MIB##* }" ] ||
					trace=$BENCH_OUT/rss-$SUBJECT.dat
				mem_case "$(mib "$size") as 1 MiB files" "$size" $((1 << 20)) "$trace"
			done
			mem_case "$MEM_SMALL_FILES files of 100 B" "$MEM_SMALL_FILES" 100
		done
	done
	report mem "memory: scullcfs's daemon RSS, tmpfs's blocks in use (statfs),
   per byte or per file stored, and what stays over a fresh mount after
   rm -rf and 5 s without change; lower is better" "$subjects" scullcfs tmpfs
	plot rss.gp "$BENCH_OUT" "$subjects" rss
}
