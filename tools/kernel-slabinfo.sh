#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# kernel-slabinfo.sh - build the kernel's slabinfo program from the
# installed Linux source tarball
#
#     tools/kernel-slabinfo.sh OUTPUT
#
# The kernel's own tools/mm/slabinfo.c (tools/vm/ before Linux 6.2) reads
# SLUB's /sys/kernel/slab; scullcfs's slab/ has the same layout, so the
# program reads a mount's slab/ bind-mounted there.  Its source comes from
# the distribution's linux-source package (Debian: linux-source-6.1, which
# ./bootstrap installs), extracted into a temporary directory and compiled
# to OUTPUT with $CC: no kernel code is kept in this repository or in the
# build tree beyond the program.  `make slabinfo-tool` runs this into
# tools/slabinfo; tests/mount-slab.test uses it too.
#
# Exit status: 0 built; 2 no source tarball (a line says which package to
# install); 1 any other failure.
set -eu
out=${1:?usage: kernel-slabinfo.sh OUTPUT}
: "${CC:=cc}"

src=
for t in /usr/src/linux-source-*.tar.xz /usr/src/linux-source-*.tar.bz2; do
	[ -f "$t" ] && src=$t
done
if [ -z "$src" ]; then
	echo "kernel-slabinfo: no /usr/src/linux-source-*.tar.xz; install the" \
	     "distribution's linux-source package (apt-get install linux-source-6.1)" >&2
	exit 2
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kernel-slabinfo.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
tar -xf "$src" -C "$tmp" --wildcards '*/tools/vm/slabinfo.c' \
	'*/tools/mm/slabinfo.c' 2>/dev/null || true
c=$(find "$tmp" -name slabinfo.c | head -n 1)
if [ -z "$c" ]; then
	echo "kernel-slabinfo: no tools/mm/slabinfo.c in $src" >&2
	exit 1
fi
"$CC" -O1 -o "$out" "$c"
echo "kernel-slabinfo: built $out from $src"
