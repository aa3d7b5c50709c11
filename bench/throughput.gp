# SPDX-License-Identifier: GPL-2.0-or-later
# throughput.gp - bars of each workload's throughput, relative to tmpfs
#
# gnuplot -e "dat='fs.dat'; subjects='scullcfs tmpfs ...'; out='throughput'"
# dat is report.awk's data file: the workload, then median, min and max of
# each subject in the order of subjects.  Writes out.png and out.svg.

n = words(subjects)
ref = 0
do for [i = 1:n] { if (word(subjects, i) eq "tmpfs") { ref = i } }
ref_col = 3 * ref - 1

set datafile missing "-"
set style data histogram
set style histogram errorbars gap 2 lw 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set logscale y
set grid ytics
set ylabel "throughput / tmpfs's (median; bars: min-max over rounds)"
set xtics rotate by -35 left font ",9"
set key outside top center horizontal
set bmargin 12
set rmargin 8
set title "scullcfs and its peers, throughput by workload (tmpfs = 1)"

do for [fmt in "png svg"] {
	if (fmt eq "png") {
		set terminal pngcairo size 1400,700 noenhanced
	} else {
		set terminal svg size 1400,700 dynamic noenhanced
	}
	set output out . "." . fmt
	plot for [i = 1:n] dat \
		using (column(3 * i - 1) / column(ref_col)) \
		:(column(3 * i) / column(ref_col)) \
		:(column(3 * i + 1) / column(ref_col)) \
		:xtic(1) title word(subjects, i)
	set output
}
