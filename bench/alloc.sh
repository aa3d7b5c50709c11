# SPDX-License-Identifier: GPL-2.0-or-later
# alloc.sh - the allocator section of bench.sh (sourced)
#
# libscullc's kmem_cache_alloc and kmalloc beside glibc malloc and the
# allocators that replace it by LD_PRELOAD, each pattern of allocbench.c in
# every round.  An allocator that is not installed is left out, with a note.

ALLOCBENCH=$top_builddir/bench/allocbench

# preload_path LIBRARY - where the dynamic linker finds LIBRARY, or nothing
preload_path() {
	ldconfig -p | awk -v lib="$1" '$1 == lib && !found { print $NF; found = 1 }'
}

# alloc_run SUBJECT ARGS... - allocbench for one subject
alloc_run() {
	local subject=$1 lib
	shift
	case $subject in
	kmem_cache | kmalloc) "$ALLOCBENCH" "$subject" "$@" ;;
	glibc) "$ALLOCBENCH" malloc "$@" ;;
	*)
		lib=${ALLOC_PRELOAD[$subject]}
		LD_PRELOAD=$lib "$ALLOCBENCH" malloc "$@"
		;;
	esac
}

alloc_section() {
	local subjects="kmem_cache kmalloc glibc" peer=glibc
	local name lib round test pattern size threads count label unit s value
	declare -gA ALLOC_PRELOAD=()

	for name in jemalloc:libjemalloc.so.2 mimalloc:libmimalloc.so.2 \
		    tcmalloc:libtcmalloc.so.4; do
		lib=$(preload_path "${name#*:}")
		if [ -z "$lib" ]; then
			say "bench: ${name#*:} not installed; ${name%%:*} left out"
			continue
		fi
		ALLOC_PRELOAD[${name%%:*}]=$lib
		subjects="$subjects ${name%%:*}"
		peer=${name%%:*}
	done

	for round in $(seq "$BENCH_ROUNDS"); do
		say "bench: allocator, round $round of $BENCH_ROUNDS"
		for test in pair:64:1 pair:64:2 pair:4000:1 pair:4000:2 \
			    batch:64:1 batch:64:2 batch:4000:1 batch:4000:2 \
			    prodcons:64:2 prodcons:4000:2 mem:64:1 mem:4000:1 \
			    fill:4000:1; do
			IFS=: read -r pattern size threads <<<"$test"
			unit=ns
			case $pattern in
			pair) count=$ALLOC_PAIRS ;;
			batch) count=$((ALLOC_BATCH_BYTES / size / 1000 * 1000)) ;;
			prodcons) count=$ALLOC_PRODCONS ;;
			mem) count=$((ALLOC_MEM_BYTES / size)) unit=B/obj ;;
			fill) count=$((ALLOC_FILL_BYTES / size)) ;;
			esac
			label="$pattern $size B"
			case $pattern in
			pair | batch) label="$label, $threads thr" ;;
			fill) label="$label, $((ALLOC_FILL_BYTES >> 20)) MiB" ;;
			esac
			for s in $subjects; do
				value=$(alloc_run "$s" "$pattern" "$size" "$threads" "$count") ||
					die "allocbench failed: $s $pattern $size $threads $count"
				record alloc "$label" "$unit" "$s" "$round" "$value"
			done
		done
	done
	report alloc "allocator: ns per alloc+free pair (pair) or per object
   (batch: 1000 allocated, then freed in order; prodcons: allocated by one
   thread, freed by another); mem: resident bytes per live object; fill:
   per object written whole into fresh memory, all kept live (what bounds
   a RAM filesystem's first write).  Lower is better; ratios are scullc /
   peer." \
		"$subjects" "kmem_cache kmalloc" "$peer"
}
