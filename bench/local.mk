# SPDX-License-Identifier: GPL-2.0-or-later
# bench/local.mk - `make bench`: scullcfs beside its peers (included by
# Makefile.am; not part of `make check`, and nothing here asserts a time)

noinst_PROGRAMS += bench/allocbench bench/smallfiles
bench_allocbench_SOURCES = bench/allocbench.c
# the installed library's exported API, as a program using it would call it
bench_allocbench_LDADD = src/mm/libscullc.la
bench_allocbench_LDFLAGS = $(AM_LDFLAGS) -no-install
bench_smallfiles_SOURCES = bench/smallfiles.c

EXTRA_DIST += \
	bench/bench.sh \
	bench/alloc.sh \
	bench/mounts.sh \
	bench/fs.sh \
	bench/mem.sh \
	bench/report.awk \
	bench/throughput.gp \
	bench/rss.gp

BENCH_SCALE = full
BENCH_ROUNDS = 3
BENCH_ONLY = alloc fs mem
BENCH_OUT = $(abs_top_builddir)/bench-results
BENCH_SCULLCFS_OPTS =
BENCH_SCULLCFS_VARIANTS =
BENCH_FS_ROWS =
BENCH_FS_PEERS = tmpfs null ptll ptll-wb pt

bench: all
	top_builddir='$(abs_top_builddir)' top_srcdir='$(abs_top_srcdir)' \
	BENCH_SCALE='$(BENCH_SCALE)' BENCH_ROUNDS='$(BENCH_ROUNDS)' \
	BENCH_ONLY='$(BENCH_ONLY)' BENCH_OUT='$(BENCH_OUT)' \
	BENCH_SCULLCFS_OPTS='$(BENCH_SCULLCFS_OPTS)' \
	BENCH_SCULLCFS_VARIANTS='$(BENCH_SCULLCFS_VARIANTS)' \
	BENCH_FS_ROWS='$(BENCH_FS_ROWS)' BENCH_FS_PEERS='$(BENCH_FS_PEERS)' \
	FUSERMOUNT='$(FUSERMOUNT)' \
	bash $(srcdir)/bench/bench.sh

clean-local: clean-bench-peers
clean-bench-peers:
	-rm -rf bench/peers

.PHONY: bench clean-bench-peers
