# SPDX-License-Identifier: GPL-2.0-or-later
# report.awk - the statistics of `make bench`: medians, ranges and ratios
#
# Input: the results file, one measurement a line, tab-separated:
#   section  workload  unit  subject  round  value
# Variables (awk -v):
#   section   the section to report ("alloc", "fs", "mem")
#   subjects  its subjects, space-separated, in column order
#   ours      the subjects whose ratios are shown (a subset of subjects)
#   peers     the subjects they are divided by
#   dat       optional: also write a gnuplot data file here, one line per
#             workload: its name (quoted), then median, min and max of each
#             subject in column order ("-" where none)
#
# Prints a table: one row per workload (in the order first measured), one
# "median (min-max)" cell per subject over its rounds, then one column per
# ours/peers pair holding median(ours) / median(peer).  Written for POSIX
# awk (no asort): each cell has only a few rounds, sorted by insertion.
BEGIN {
	FS = "\t"
	nsubj = split(subjects, subj, " ")
	nours = split(ours, our, " ")
	npeers = split(peers, peer, " ")
}

$1 == section {
	if (!($2 in unit)) {
		row[++nrows] = $2
		unit[$2] = $3
	}
	key = $2 SUBSEP $4
	n = ++count[key]
	# insertion sort of this cell's values
	for (i = n; i > 1 && val[key, i - 1] + 0 > $6 + 0; i--)
		val[key, i] = val[key, i - 1]
	val[key, i] = $6 + 0
}

function median(key, n) {
	n = count[key]
	return n % 2 ? val[key, (n + 1) / 2] : (val[key, n / 2] + val[key, n / 2 + 1]) / 2
}

# Three significant digits at most, no exponents.
function fmt(v) {
	if (v >= 100 || v <= -100)
		return sprintf("%.0f", v)
	if (v >= 10 || v <= -10)
		return sprintf("%.1f", v)
	return sprintf("%.2f", v)
}

function cell(r, c, text) {
	cells[r, c] = text
	if (length(text) > width[c])
		width[c] = length(text)
}

END {
	if (!nrows)
		exit
	ncols = 2 + nsubj
	cell(0, 1, "workload")
	cell(0, 2, "unit")
	for (s = 1; s <= nsubj; s++)
		cell(0, 2 + s, subj[s])
	for (o = 1; o <= nours; o++)
		for (p = 1; p <= npeers; p++)
			if (our[o] != peer[p])
				cell(0, ++ncols, our[o] "/" peer[p])

	for (r = 1; r <= nrows; r++) {
		w = row[r]
		cell(r, 1, w)
		cell(r, 2, unit[w])
		line = "\"" w "\""
		for (s = 1; s <= nsubj; s++) {
			key = w SUBSEP subj[s]
			if (!count[key]) {
				cell(r, 2 + s, "-")
				line = line " - - -"
				continue
			}
			m = median(key)
			lo = val[key, 1]
			hi = val[key, count[key]]
			cell(r, 2 + s, fmt(m) " (" fmt(lo) "-" fmt(hi) ")")
			line = line " " m " " lo " " hi
		}
		c = 2 + nsubj
		for (o = 1; o <= nours; o++)
			for (p = 1; p <= npeers; p++) {
				if (our[o] == peer[p])
					continue
				a = w SUBSEP our[o]
				b = w SUBSEP peer[p]
				ratio = "-"
				if (count[a] && count[b] && median(b) != 0)
					ratio = fmt(median(a) / median(b))
				cell(r, ++c, ratio)
			}
		if (dat != "")
			print line > dat
	}

	for (r = 0; r <= nrows; r++) {
		line = sprintf("%-" width[1] "s", cells[r, 1])
		for (c = 2; c <= ncols; c++)
			line = line sprintf("  %" width[c] "s", cells[r, c])
		print line
	}
}
