#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# stress-check.sh - make check N times in a row beside two CPU-bound loops
#
# Usage, from a configured build tree:
#     tests/stress-check.sh [N [MAKE-ARGS...]]      (N defaults to 10)
#
# Proof that no test depends on the machine's speed: two busy loops keep
# both CPUs of a 2-core machine taken while `make -j2 check` runs N times;
# every run must pass.  Stops at the first failing run and keeps its
# test-suite.log as stress-check-failed.log.  Each run is bounded by
# STRESS_RUN_TIMEOUT seconds (default 2400); the loops are this script's
# own children and are ended on any exit.  CI runs it with a small N (see
# .ci/run); run it with the default before calling a test change done.
set -euo pipefail

runs=${1:-10}
[ $# -eq 0 ] || shift
case $runs in
'' | *[!0-9]*) echo "usage: $0 [N [MAKE-ARGS...]]" >&2; exit 2 ;;
esac
[ -f Makefile ] || { echo "$0: run it from a configured build tree" >&2; exit 2; }

loops=()
stop_loops() {
	local pid
	for pid in "${loops[@]}"; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	loops=()
}
trap stop_loops EXIT
trap 'exit 130' INT TERM

for _ in 1 2; do
	( while :; do :; done ) &
	loops+=($!)
done

passed=0
for i in $(seq "$runs"); do
	start=$SECONDS
	if timeout -k 60 "${STRESS_RUN_TIMEOUT:-2400}" \
		make -j2 check "$@" >stress-check.out 2>&1; then
		passed=$((passed + 1))
		echo "stress-check: run $i of $runs passed ($((SECONDS - start)) s)"
	else
		echo "stress-check: run $i of $runs FAILED ($((SECONDS - start)) s)"
		grep -E '^(FAIL|ERROR):' stress-check.out || tail -20 stress-check.out
		cp test-suite.log stress-check-failed.log 2>/dev/null || true
		echo "stress-check: $passed of $runs passed; see stress-check-failed.log"
		exit 1
	fi
done
rm -f stress-check.out
echo "stress-check: $passed of $runs passed beside two busy loops"
