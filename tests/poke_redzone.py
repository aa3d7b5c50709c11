#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# poke_redzone.py - overwrite the right red zone of one slab object in a
# running process, as a buggy driver writing past its object would
#
#     poke_redzone.py PID MARKER SIZE
#
# Finds, in PID's writable mappings (read through /proc/PID/mem), the
# objects of SIZE bytes that begin with MARKER and sit between active red
# zones (0xcc before and after: a slab object of a cache with slab_debug=Z),
# and sets the first byte after the one found to 0.  Copies of the data
# elsewhere (libfuse's request buffer) have no red zones and are left
# alone, and so are mappings over 1 GiB (a sanitizer's shadow).  Prints
# the address; exit status 1 unless exactly one was found.
import re
import sys

RED_ACTIVE = b"\xcc" * 8
STEP = 4 << 20


# A sanitizer's shadow memory is one writable mapping of terabytes, which
# would take hours to read; the allocator's chunks are 4 MiB each and a
# test's mount holds far less than this.
RANGE_MAX = 1 << 30


def writable_ranges(pid):
    with open(f"/proc/{pid}/maps") as maps:
        for line in maps:
            addr, perms = line.split()[:2]
            if perms.startswith("rw"):
                lo, hi = (int(x, 16) for x in addr.split("-"))
                if hi - lo <= RANGE_MAX:
                    yield lo, hi


def main():
    pid, marker, size = sys.argv[1], sys.argv[2].encode(), int(sys.argv[3])
    found = []
    with open(f"/proc/{pid}/mem", "r+b", buffering=0) as mem:
        for lo, hi in writable_ranges(pid):
            for at in range(lo, hi, STEP):
                end = min(hi, at + STEP + size + len(RED_ACTIVE))
                try:
                    mem.seek(at)
                    buf = mem.read(end - at)
                except OSError:
                    break
                for m in re.finditer(re.escape(marker), buf):
                    obj = at + m.start()
                    if m.start() >= STEP and at + STEP < hi:
                        continue        # the next step sees it whole
                    try:
                        mem.seek(obj - len(RED_ACTIVE))
                        before = mem.read(len(RED_ACTIVE))
                        mem.seek(obj + size)
                        after = mem.read(len(RED_ACTIVE))
                    except OSError:
                        continue
                    if before == RED_ACTIVE and after == RED_ACTIVE:
                        found.append(obj)
        if len(found) != 1:
            print(f"objects starting with {marker!r} between red zones: "
                  f"{[hex(a) for a in found]}", file=sys.stderr)
            return 1
        mem.seek(found[0] + size)
        mem.write(b"\x00")
    print(hex(found[0]))
    return 0


sys.exit(main())
