#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# attr_ops.py DIR - inode flags (chattr/lsattr) and what they refuse
#
# Runs, inside DIR (an empty directory at the top of a mount), the calls
# that the append-only, immutable, nodump and noatime flags govern, and
# prints for each the result or the errno name, one per line: the flags
# ioctls themselves (FS_IOC_GETFLAGS/SETFLAGS, FS_IOC_FSGETXATTR/
# FSSETXATTR), the chattr and lsattr commands, and every operation on a
# flagged file or directory - open, write, truncate, fallocate, chmod,
# chown, utimes, xattrs, unlink, rename, link, create.  Nothing printed
# depends on the file system's identity, so two file systems that behave
# alike print the same text: mount-attr.test runs it on tmpfs and on
# scullcfs and compares.
#
# It must run as root.  Each case runs twice: as root on root's files, and
# as uid 65534 on files of its own in a directory of its own (root sets the
# flags it cannot set).  At the end every flag is cleared, so the caller
# can remove the tree.

import errno
import fcntl
import os
import stat
import struct
import subprocess
import sys

from battery import (NOBODY, RENAME_EXCHANGE, as_user, fallocate, out,
                     renameat2, run, t)


# <linux/fs.h>
FS_IOC_GETFLAGS = 0x80086601
FS_IOC_SETFLAGS = 0x40086602
FS_IOC_FSGETXATTR = 0x801c581f
FS_IOC_FSSETXATTR = 0x401c5820
FLAGS = {           # chattr's letter for each flag this battery tries
    "s": 0x1, "u": 0x2, "c": 0x4, "S": 0x8, "i": 0x10, "a": 0x20,
    "d": 0x40, "A": 0x80, "j": 0x4000, "t": 0x8000, "D": 0x10000,
    "T": 0x20000, "e": 0x80000, "C": 0x800000, "x": 0x2000000,
    "P": 0x20000000, "F": 0x40000000,
}
XFLAG_SYNC, XFLAG_IMMUTABLE, XFLAG_APPEND = 0x20, 0x8, 0x10
XFLAG_NOATIME, XFLAG_NODUMP, XFLAG_EXTSIZE = 0x40, 0x80, 0x800
FALLOC_FL_KEEP_SIZE, FALLOC_FL_PUNCH_HOLE = 1, 2
FALLOC_FL_ZERO_RANGE = 0x10


def with_fd(p, flags, fn):
    fd = os.open(p, flags)
    try:
        return fn(fd)
    finally:
        os.close(fd)


def opens(p, flags):
    """open(2) with @flags, closed again"""
    os.close(os.open(p, flags, 0o644))


def lookat(p):
    """an open file for the flags ioctls, as chattr opens one"""
    return os.open(p, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)


def letters(v):
    s = "".join(k for k, bit in sorted(FLAGS.items()) if v & bit)
    rest = v & ~sum(FLAGS.values())
    return (s or "-") + ("+%#x" % rest if rest else "")


def getflags(p):
    buf = with_fd(p, os.O_RDONLY | os.O_NONBLOCK,
                  lambda fd: fcntl.ioctl(fd, FS_IOC_GETFLAGS, b"\0" * 4))
    return letters(struct.unpack("I", buf)[0])


def setflags(p, spec):
    """chattr's arithmetic: '+ia', '-a', '=d'"""
    fd = lookat(p)
    try:
        old = struct.unpack("I", fcntl.ioctl(fd, FS_IOC_GETFLAGS,
                                             b"\0" * 4))[0]
        bits = sum(FLAGS[c] for c in spec[1:])
        new = {"+": old | bits, "-": old & ~bits, "=": bits}[spec[0]]
        fcntl.ioctl(fd, FS_IOC_SETFLAGS, struct.pack("I", new))
    finally:
        os.close(fd)


def fsgetx(p):
    buf = with_fd(p, os.O_RDONLY | os.O_NONBLOCK,
                  lambda fd: fcntl.ioctl(fd, FS_IOC_FSGETXATTR, b"\0" * 28))
    xflags, extsize, nextents, projid, cow = struct.unpack("5I", buf[:20])
    return "%#x %d %d %d %d" % (xflags, extsize, nextents, projid, cow)


def fssetx(p, xflags, extsize=0):
    with_fd(p, os.O_RDONLY | os.O_NONBLOCK, lambda fd: fcntl.ioctl(
        fd, FS_IOC_FSSETXATTR, struct.pack("5I8x", xflags, extsize,
                                           0, 0, 0)))


def write(p, data, flags=os.O_WRONLY | os.O_CREAT | os.O_TRUNC):
    fd = os.open(p, flags, 0o644)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


def read(p):
    return with_fd(p, os.O_RDONLY, lambda fd: os.read(fd, 1 << 16))


def owner_of(p):
    st = os.lstat(p)
    return "%d:%d" % (st.st_uid, st.st_gid)


def fixture(uid, files=(), dirs=()):
    """files ("name", b"data") and directories made by root for @uid"""
    for d in dirs:
        os.mkdir(d)
        os.chown(d, uid, uid)
    for f, data in files:
        write(f, data)
        os.chown(f, uid, uid)


# ------------------------------------------------------------- the flags

def flags(uid):
    """what each flag does to FS_IOC_GETFLAGS and SETFLAGS"""
    fixture(uid, [("f", b"x")], ["d"])

    def calls():
        t("new file", lambda: getflags("f"))
        t("new dir", lambda: getflags("d"))
        for p in ("f", "d"):
            for c in sorted(FLAGS):
                t("%s +%s" % (p, c), lambda: (setflags(p, "+" + c),
                                              getflags(p))[1])
                run(lambda: setflags(p, "="))
        t("+dA", lambda: (setflags("f", "+dA"), getflags("f"))[1])
        t("fsgetxattr dA", lambda: fsgetx("f"))
        t("-dA", lambda: (setflags("f", "-dA"), getflags("f"))[1])
        t("fssetxattr nodump", lambda: (fssetx("f", XFLAG_NODUMP),
                                        getflags("f"))[1])
        t("fssetxattr noatime", lambda: (fssetx("f", XFLAG_NOATIME),
                                         getflags("f"))[1])
        t("fssetxattr sync", lambda: fssetx("f", XFLAG_SYNC))
        t("fssetxattr extsize", lambda: fssetx("f", XFLAG_EXTSIZE, 4096))
        t("fssetxattr none", lambda: (fssetx("f", 0), getflags("f"))[1])
        t("fssetxattr immutable", lambda: (fssetx("f", XFLAG_IMMUTABLE),
                                           getflags("f"))[1])
        t("fsgetxattr i", lambda: fsgetx("f"))
        t("-i", lambda: (setflags("f", "-i"), getflags("f"))[1])
        t("fssetxattr append on dir", lambda: (
            fssetx("d", XFLAG_APPEND), getflags("d"))[1])
        t("fsgetxattr dir a", lambda: fsgetx("d"))
        t("dir -a", lambda: (setflags("d", "-a"), getflags("d"))[1])
        st = os.stat("f").st_ctime_ns
        setflags("f", "+d")
        t("ctime moves", lambda: os.stat("f").st_ctime_ns != st)
        setflags("f", "-d")
    as_user(uid, calls)

    # inherited: tmpfs hands nodump and noatime down to new inodes
    os.mkdir("inh")
    setflags("inh", "+dAa")
    write("inh/f", b"")
    os.mkdir("inh/sub")
    t("inherit file", lambda: getflags("inh/f"))
    t("inherit dir", lambda: getflags("inh/sub"))
    os.mkfifo("fifo")
    t("flags of a fifo", lambda: getflags("fifo"))
    setflags("inh", "-a")


def owners(uid):
    """who may change flags: the owner, and only CAP_LINUX_IMMUTABLE a, i"""
    fixture(uid, [("own", b"x"), ("own2", b"x")], [])
    write("roots", b"x")

    def calls():
        t("own +d", lambda: (setflags("own", "+d"), getflags("own"))[1])
        t("own +A", lambda: (setflags("own", "+A"), getflags("own"))[1])
        t("own +i", lambda: (setflags("own", "+i"), getflags("own"))[1])
        t("own +a", lambda: (setflags("own", "+a"), getflags("own"))[1])
        t("own -dA", lambda: (setflags("own", "-dA"), getflags("own"))[1])
        t("root's get", lambda: getflags("roots"))
        t("root's +d", lambda: (setflags("roots", "+d"),
                                getflags("roots"))[1])
    as_user(uid, calls)
    setflags("own", "+i")
    as_user(uid, lambda: t("own -i set by root", lambda: (
        setflags("own", "-i"), getflags("own"))[1]))
    setflags("own", "-i")
    if uid:
        # a process of uid 65534 with the capabilities, not root
        caps = ["setpriv", "--reuid=%d" % uid, "--regid=%d" % uid,
                "--clear-groups",
                "--inh-caps=+linux_immutable,+fowner",
                "--ambient-caps=+linux_immutable,+fowner"]
        for what, cmd in (("cap chattr +i own2", ["chattr", "+i", "own2"]),
                          ("cap chattr +d root's", ["chattr", "+d",
                                                    "roots"])):
            r = subprocess.run(caps + cmd, stderr=subprocess.DEVNULL)
            out.append("%s: %d" % (what, r.returncode))
        t("cap flags", lambda: (getflags("own2"), getflags("roots")))
        setflags("own2", "-i")
        setflags("roots", "-d")


def tools(uid):
    """chattr and lsattr themselves"""
    fixture(uid, [("f", b"x")], ["d"])

    def cmd(*argv):
        r = subprocess.run(argv, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
        err = r.stderr.decode().strip().split(":")[-1].strip()
        lines = sorted(r.stdout.decode().strip().split("\n"))
        return "%d %s%s" % (r.returncode, " | ".join(lines),
                            " (" + err + ")" if err else "")

    def calls():
        out.append("lsattr f: " + cmd("lsattr", "f"))
        out.append("lsattr -d d: " + cmd("lsattr", "-d", "d"))
        out.append("chattr +d f: " + cmd("chattr", "+d", "f"))
        out.append("chattr +A d: " + cmd("chattr", "+A", "d"))
        out.append("chattr +i f: " + cmd("chattr", "+i", "f"))
        out.append("chattr +S f: " + cmd("chattr", "+S", "f"))
        out.append("lsattr f after: " + cmd("lsattr", "f"))
        out.append("lsattr -d d after: " + cmd("lsattr", "-d", "d"))
        out.append("chattr -dA f d: " + cmd("chattr", "-dA", "f", "d"))
        out.append("lsattr -a .: " + cmd("lsattr", "-a", "."))
    as_user(uid, calls)
    subprocess.run(["chattr", "+i", "f"], check=True)
    as_user(uid, lambda: out.append("chattr -i f: " + cmd("chattr", "-i",
                                                          "f")))
    subprocess.run(["chattr", "-i", "f"], check=True)


# ------------------------------------------------ what the flags refuse

def immutable(uid):
    """an immutable file: read only, no change of any kind"""
    fixture(uid, [("f", b"hello"), ("other", b"o")], [])
    os.setxattr("f", "user.old", b"1")
    before = os.open("f", os.O_WRONLY)         # opened before the flag
    setflags("f", "+i")

    def calls():
        t("read", lambda: read("f"))
        t("open rdonly", lambda: opens("f", os.O_RDONLY))
        t("open wronly", lambda: opens("f", os.O_WRONLY))
        t("open rdwr", lambda: opens("f", os.O_RDWR))
        t("open append", lambda: opens("f", os.O_WRONLY | os.O_APPEND))
        t("open rdonly trunc", lambda: opens("f", os.O_RDONLY | os.O_TRUNC))
        t("truncate", lambda: os.truncate("f", 1))
        t("chmod", lambda: os.chmod("f", 0o600))
        t("chown same", lambda: os.chown("f", uid, uid))
        t("chown -1 -1", lambda: os.chown("f", -1, -1))
        t("utimes now", lambda: os.utime("f"))
        t("utimes exact", lambda: os.utime("f", (1, 1)))
        t("setxattr", lambda: os.setxattr("f", "user.a", b"1"))
        t("removexattr", lambda: os.removexattr("f", "user.old"))
        t("getxattr", lambda: os.getxattr("f", "user.old"))
        t("unlink", lambda: os.unlink("f"))
        t("rename", lambda: os.rename("f", "g"))
        t("rename over", lambda: os.rename("other", "f"))
        t("exchange", lambda: renameat2("other", "f", RENAME_EXCHANGE))
        t("link", lambda: os.link("f", "l"))
        t("access W_OK", lambda: os.access("f", os.W_OK))
        t("contents", lambda: read("f"))
    as_user(uid, calls)
    if not uid:
        t("write earlier fd", lambda: os.pwrite(before, b"j", 0))
        t("fallocate earlier fd", lambda: fallocate(before, 0, 0, 100))
        t("punch earlier fd", lambda: fallocate(
            before, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 1))
        t("ftruncate earlier fd", lambda: os.ftruncate(before, 0))
    t("close earlier fd", lambda: os.close(before))
    setflags("f", "-i")
    t("writable again", lambda: (write("f", b"bye"), read("f"))[1])


def append_only(uid):
    """an append-only file: opened for appending only, never shrunk"""
    fixture(uid, [("f", b"hello"), ("other", b"o")], [])
    os.setxattr("f", "user.old", b"1")
    setflags("f", "+a")

    def calls():
        t("open wronly", lambda: opens("f", os.O_WRONLY))
        t("open rdwr", lambda: opens("f", os.O_RDWR))
        t("open append trunc", lambda: opens("f", os.O_WRONLY |
                                             os.O_APPEND | os.O_TRUNC))
        t("open rdonly trunc", lambda: opens("f", os.O_RDONLY | os.O_TRUNC))
        t("append", lambda: write("f", b" world", os.O_WRONLY | os.O_APPEND))
        t("pwrite at 0 appends", lambda: with_fd(
            "f", os.O_RDWR | os.O_APPEND, lambda fd: os.pwrite(fd, b"!", 0)))
        t("contents", lambda: read("f"))
        fd = os.open("f", os.O_RDWR | os.O_APPEND)
        t("ftruncate", lambda: os.ftruncate(fd, 0))
        t("fallocate", lambda: fallocate(fd, 0, 0, 100))
        t("fallocate keep", lambda: fallocate(fd, FALLOC_FL_KEEP_SIZE,
                                              0, 200))
        t("punch", lambda: fallocate(fd, FALLOC_FL_PUNCH_HOLE |
                                     FALLOC_FL_KEEP_SIZE, 0, 1))
        t("zero range", lambda: fallocate(fd, FALLOC_FL_ZERO_RANGE, 0, 1))
        t("clear O_APPEND", lambda: fcntl.fcntl(fd, fcntl.F_SETFL, 0))
        t("write at 0 after", lambda: os.pwrite(fd, b"J", 0))
        t("close", lambda: os.close(fd))
        t("size", lambda: os.stat("f").st_size)
        t("truncate", lambda: os.truncate("f", 1))
        t("chmod", lambda: os.chmod("f", 0o600))
        t("chown same", lambda: os.chown("f", uid, uid))
        t("utimes now", lambda: os.utime("f"))
        t("utimes exact", lambda: os.utime("f", (1, 1)))
        t("setxattr", lambda: os.setxattr("f", "user.a", b"1"))
        t("removexattr", lambda: os.removexattr("f", "user.old"))
        t("unlink", lambda: os.unlink("f"))
        t("rename", lambda: os.rename("f", "g"))
        t("rename over", lambda: os.rename("other", "f"))
        t("link", lambda: os.link("f", "l"))
    as_user(uid, calls)
    setflags("f", "-a")
    t("truncatable again", lambda: (os.truncate("f", 2), read("f"))[1])


def immutable_dir(uid):
    """an immutable directory: no name comes or goes"""
    fixture(uid, [("out", b"o"), ("d/x", b"x")], ["d", "d/sub", "e"])
    setflags("d", "+i")
    setflags("e", "+i")

    def calls():
        t("list", lambda: sorted(os.listdir("d")))
        t("create", lambda: write("d/new", b""))
        t("mkdir", lambda: os.mkdir("d/new"))
        t("symlink", lambda: os.symlink("x", "d/new"))
        t("mkfifo", lambda: os.mkfifo("d/new"))
        t("link in", lambda: os.link("out", "d/new"))
        t("rename in", lambda: os.rename("out", "d/new"))
        t("unlink", lambda: os.unlink("d/x"))
        t("rmdir", lambda: os.rmdir("d/sub"))
        t("rename out", lambda: os.rename("d/x", "moved"))
        t("rename within", lambda: os.rename("d/x", "d/y"))
        t("write file inside", lambda: (write("d/x", b"new"),
                                        read("d/x"))[1])
        t("chmod", lambda: os.chmod("d", 0o700))
        t("setxattr", lambda: os.setxattr("d", "user.a", b"1"))
        t("rmdir empty immutable", lambda: os.rmdir("e"))
        t("rename immutable dir", lambda: os.rename("e", "e2"))
        t("create missing", lambda: os.unlink("d/nothere"))
    as_user(uid, calls)
    setflags("d", "-i")
    setflags("e", "-i")


def append_dir(uid):
    """an append-only directory: names come, none go"""
    fixture(uid, [("out", b"o"), ("out2", b"o"), ("d/x", b"x")],
            ["d", "d/sub"])
    setflags("d", "+a")

    def calls():
        t("create", lambda: write("d/new", b""))
        t("mkdir", lambda: os.mkdir("d/newdir"))
        t("link in", lambda: os.link("out", "d/link"))
        t("rename in", lambda: os.rename("out2", "d/moved"))
        t("unlink", lambda: os.unlink("d/x"))
        t("rmdir", lambda: os.rmdir("d/sub"))
        t("rename out", lambda: os.rename("d/x", "x"))
        t("rename within", lambda: os.rename("d/x", "d/y"))
        t("rename over", lambda: os.rename("d/new", "d/x"))
        t("list", lambda: sorted(os.listdir("d")))
        t("new file flags", lambda: getflags("d/new"))
    as_user(uid, calls)
    setflags("d", "-a")


def noatime(uid):
    """noatime: a read leaves the access time alone"""
    fixture(uid, [("f", b"data")], [])
    os.utime("f", (1, 2))
    setflags("f", "+A")
    as_user(uid, lambda: t("atime after read", lambda: (
        read("f"), os.stat("f").st_atime)[1]))
    setflags("f", "-A")


def main():
    os.chdir(sys.argv[1])
    os.umask(0o022)
    for uid in (0, NOBODY):
        os.mkdir("u%d" % uid)
        os.chown("u%d" % uid, uid, uid)
        os.chdir("u%d" % uid)
        for part in (flags, owners, tools, immutable, append_only,
                     immutable_dir, append_dir, noatime):
            out.append("== %s as %d" % (part.__name__, uid))
            os.mkdir(part.__name__)
            os.chown(part.__name__, uid, uid)
            os.chdir(part.__name__)
            part(uid)
            os.chdir("..")
        os.chdir("..")
    sys.stdout.write("".join(l + "\n" for l in out))


main()
