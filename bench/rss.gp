# SPDX-License-Identifier: GPL-2.0-or-later
# rss.gp - memory over time through a write-then-remove run
#
# gnuplot -e "dir='bench-results'; subjects='scullcfs tmpfs'; out='rss'"
# dir holds rss-SUBJECT.dat ("seconds MiB" per sample) for each subject.
# Writes out.png and out.svg.

set xlabel "seconds"
set ylabel "MiB"
set grid
set key top right
set title "writing 1 MiB files, then rm -rf: scullcfs's daemon RSS, tmpfs's blocks in use"

do for [fmt in "png svg"] {
	if (fmt eq "png") {
		set terminal pngcairo size 1000,600 noenhanced
	} else {
		set terminal svg size 1000,600 dynamic noenhanced
	}
	set output out . "." . fmt
	plot for [s in subjects] dir . "/rss-" . s . ".dat" \
		using 1:2 with lines lw 2 title s
	set output
}
