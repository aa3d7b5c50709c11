# SPDX-License-Identifier: GPL-2.0-or-later
# requests.py MOUNT OPTIONS - what steps cost in requests (mount-requests.test)
#
# Reads MOUNT/requests through one descriptor, at offset 0 each time, so
# that a look costs exactly one READ and no LOOKUP or OPEN; prints what a
# failing step cost and exits 1.

import errno
import os
import sys

mnt, opts = sys.argv[1], sys.argv[2]
N = 40
ACL = "system.posix_acl_access"
fd = os.open(os.path.join(mnt, "requests"), os.O_RDONLY)
failed = False


def counts():
    text = os.pread(fd, 1 << 16, 0).decode()
    c = {}
    for line in text.splitlines():
        name, value = line.split()
        c[name] = int(value)
    return c


def cost(step):
    """the requests @step() sent, less the READ of the look after it"""
    before = counts()
    step()
    after = counts()
    d = {k: after[k] - before[k] for k in after if after[k] != before[k]}
    d["READ"] = d.get("READ", 0) - 1
    return {k: v for k, v in d.items() if v}


def check(what, got, want):
    """each op in @want cost exactly that many requests"""
    global failed
    bad = {k: got.get(k, 0) for k in want if got.get(k, 0) != want[k]}
    if bad:
        print(f"{opts}: {what}: want {want}, got {got}", file=sys.stderr)
        failed = True


def no_acl(paths):
    for p in paths:
        try:
            os.getxattr(p, ACL)
        except OSError as e:
            if e.errno != errno.ENODATA:
                raise
        else:
            raise SystemExit(f"{p}: has an ACL")


# the file's format: every opcode once, a count each
first = counts()
for name, value in first.items():
    if not name.isupper() or value < 0:
        raise SystemExit(f"requests: bad line {name} {value}")
for name in ("LOOKUP", "GETATTR", "CREATE", "GETXATTR", "READDIRPLUS",
             "FORGET", "BATCH_FORGET", "RELEASE"):
    if name not in first:
        raise SystemExit(f"requests: no {name} line")
check("a look at the file", cost(lambda: None), {"READ": 0})

d = os.path.join(mnt, "d")
os.mkdir(d)
paths = [os.path.join(d, f"f{i:03}") for i in range(N)]


def create():
    for p in paths:
        os.close(os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))


check(f"creating {N} files", cost(create), {"CREATE": N})
# (under the writeback cache the kernel drops i_blocks at each close:
# the first stat(2) after it asks)
for p in paths:
    os.lstat(p)
# the kernel asks once for each file's ACL, and keeps the answer
check("asking for the ACLs", cost(lambda: no_acl(paths)), {"GETXATTR": N})
check("asking again", cost(lambda: no_acl(paths)), {"GETXATTR": 0})


def look():
    no_acl(paths)
    for p in paths:
        os.lstat(p)


# (the listing itself costs a GETATTR of the directory, whose atime the
# kernel dropped at the last listing, when glibc's opendir asks fstat)
os.listdir(d)
got = cost(look)
if opts != "cache=auto":
    check("asking again after a listing, and stat", got,
          {"GETXATTR": 0, "GETATTR": 0, "LOOKUP": 0})

# a written file's attributes come in the listing: no GETATTR after it
with open(paths[0], "wb") as f:
    f.write(b"x" * 4096)
os.listdir(d)


def stat_written():
    st = os.lstat(paths[0])
    if st.st_size != 4096:
        raise SystemExit(f"{paths[0]}: size {st.st_size} after the listing")


got = cost(stat_written)
if opts != "cache=auto":
    check("stat of a file written before the listing", got,
          {"GETATTR": 0, "LOOKUP": 0})
os.close(fd)
sys.exit(1 if failed else 0)
