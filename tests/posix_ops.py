#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# posix_ops.py DIR - file system calls and what they answered, one per line
#
# Runs a battery of system calls inside DIR (an empty directory at the top
# of a mount of about 64 MiB) and prints, for each, the result or the errno
# name.  Nothing printed depends on the file system's identity (no inode
# numbers, no device numbers, no absolute times, no block sizes), so two
# file systems that behave alike print the same text: mount-posix.test
# runs it on tmpfs and on scullcfs and compares.  It must run as root;
# the permission cases run in children as uids 65534 and 65533.
#
# Timestamps are compared, never printed: before an operation whose effect
# on a time is checked, the script waits for the coarse clock (the kernel's
# timestamp granularity) to move, so that an update is always visible.

import ctypes
import errno
import fcntl
import mmap
import os
import stat
import sys
import time

from battery import (AT_FDCWD, NOBODY, RENAME_EXCHANGE, RENAME_NOREPLACE,
                     as_user, check, fallocate, libc, out, renameat2, run,
                     t)

OTHER = 65533


def mode(p):
    return oct(os.lstat(p).st_mode)


def nlink(p):
    return os.lstat(p).st_nlink


def owner(p):
    st = os.lstat(p)
    return "%d:%d" % (st.st_uid, st.st_gid)


COARSE = getattr(time, "CLOCK_REALTIME_COARSE", 5)    # Linux's number


def tick():
    """wait until the kernel's clock has moved on (bounded: one tick)"""
    now = time.clock_gettime_ns(COARSE)
    while time.clock_gettime_ns(COARSE) == now:
        pass


def times(p):
    st = os.lstat(p)
    return (st.st_mtime_ns, st.st_ctime_ns)


def changes(name, op, *paths):
    """which of the m/c times of each path @op changes, e.g. 'mc -';
    a path may be a pair, its names before and after @op"""
    paths = [p if isinstance(p, tuple) else (p, p) for p in paths]
    before = [times(p[0]) for p in paths]
    tick()
    r = run(op)
    after = [times(p[1]) for p in paths]
    marks = []
    for b, a in zip(before, after):
        m = ("m" if a[0] != b[0] else "") + ("c" if a[1] != b[1] else "")
        marks.append(m or "-")
    out.append("%s: %s [%s]" % (name, r, " ".join(marks)))


def touch(p, data=b"", perm=0o644):
    fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, perm)
    os.write(fd, data)
    os.close(fd)


def read(p, n=1 << 20, off=0):
    fd = os.open(p, os.O_RDONLY)
    try:
        return os.pread(fd, n, off)
    finally:
        os.close(fd)


UTIME_OMIT = (1 << 30) - 2


class timespec(ctypes.Structure):
    _fields_ = [("tv_sec", ctypes.c_long), ("tv_nsec", ctypes.c_long)]


def utimens_omit(p):
    ts = (timespec * 2)((0, UTIME_OMIT), (0, UTIME_OMIT))
    check(libc.utimensat(AT_FDCWD, p.encode(), ts, 0))


def mmap_both_ways(fd):
    """a shared mapping and read/write see each other's changes"""
    m = mmap.mmap(fd, 8192)
    try:
        m[0:5] = b"mmap!"
        os.pwrite(fd, b"pwrite", 100)
        return os.pread(fd, 5, 0), m[100:106]
    finally:
        m.close()


def names():
    """open(2) and path lookup"""
    touch("f", b"hello")
    t("open excl existing", lambda: os.close(
        os.open("f", os.O_CREAT | os.O_EXCL | os.O_WRONLY)))
    t("open O_DIRECTORY file", lambda: os.open("f", os.O_DIRECTORY))
    os.mkdir("d")
    t("open dir O_WRONLY", lambda: os.open("d", os.O_WRONLY))
    t("open dir O_RDWR", lambda: os.open("d", os.O_RDWR))
    t("open dir O_CREAT", lambda: os.open("d", os.O_CREAT | os.O_RDONLY))
    t("open through file", lambda: os.open("f/x", os.O_RDONLY))
    t("open missing", lambda: os.open("nope", os.O_RDONLY))
    t("create 255", lambda: touch("n" * 255))
    t("create 256", lambda: touch("n" * 256))
    t("stat 256", lambda: os.stat("n" * 256))
    t("statvfs namemax", lambda: os.statvfs(".").f_namemax)
    os.symlink("f", "lf")
    os.symlink("loop2", "loop1")
    os.symlink("loop1", "loop2")
    t("open O_NOFOLLOW link", lambda: os.open("lf", os.O_RDONLY |
                                             os.O_NOFOLLOW))
    t("open loop", lambda: os.open("loop1", os.O_RDONLY))
    os.symlink("target", "dangling")
    t("create excl through dangling", lambda: os.open(
        "dangling", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    t("create through dangling", lambda: os.close(
        os.open("dangling", os.O_CREAT | os.O_WRONLY, 0o600)))
    t("dangling target made", lambda: mode("target"))
    t("readlink", lambda: os.readlink("lf"))
    t("readlink file", lambda: os.readlink("f"))
    t("symlink size", lambda: os.lstat("lf").st_size)
    t("symlink mode", lambda: mode("lf"))
    t("symlink existing", lambda: os.symlink("x", "f"))
    t("symlink 4095", lambda: os.symlink("t" * 4095, "long"))
    t("readlink 4095", lambda: len(os.readlink("long")))
    t("symlink 4096", lambda: os.symlink("t" * 4096, "long2"))
    t("open O_TRUNC", lambda: os.close(os.open("f", os.O_WRONLY |
                                              os.O_TRUNC)))
    t("size after O_TRUNC", lambda: os.stat("f").st_size)


def edges():
    """trailing slashes, symlinks as objects, removed directories"""
    os.mkdir("x")
    os.chdir("x")
    touch("f")
    os.mkdir("d")
    os.symlink("f", "lf")
    os.symlink("d", "ld")
    t("open file/", lambda: os.open("f/", os.O_RDONLY))
    t("create new/", lambda: os.open("new/", os.O_CREAT | os.O_WRONLY))
    t("rename file to x/", lambda: os.rename("f", "g/"))
    t("rename dir to y/", lambda: (os.rename("d/", "e/"), mode("e"))[1])
    os.rename("e", "d")
    t("stat link/ to dir", lambda: mode("ld/"))
    t("unlink link/ to dir", lambda: os.unlink("ld/"))
    t("rmdir link to dir", lambda: os.rmdir("ld"))
    t("same inode through link", lambda: os.stat("lf").st_ino ==
      os.stat("f").st_ino)
    t("lchown symlink", lambda: (os.chown("lf", 7, 8, follow_symlinks=False),
                                 owner("lf"), owner("f"))[1:])
    t("lutimes symlink", lambda: (os.utime("lf", ns=(5, 6),
                                           follow_symlinks=False),
                                  os.lstat("lf").st_mtime_ns,
                                  os.stat("lf").st_mtime_ns == 6)[1:])
    t("mknod socket", lambda: (os.mknod("sock", stat.S_IFSOCK | 0o600),
                               mode("sock"))[1])
    t("mknod bad type", lambda: os.mknod("bad", 0o170000 | 0o600))
    t("hard link count of both", lambda: (os.link("f", "f2"),
                                          os.stat("f").st_ino ==
                                          os.stat("f2").st_ino,
                                          nlink("f2"))[1:])
    os.mkdir("gone")
    fd = os.open("gone", os.O_RDONLY | os.O_DIRECTORY)
    os.rmdir("gone")
    t("removed dir nlink", lambda: os.fstat(fd).st_nlink)
    t("create in removed dir", lambda: os.open(
        "f", os.O_CREAT | os.O_WRONLY, dir_fd=fd))
    t("list removed dir", lambda: os.listdir(fd))
    os.close(fd)
    os.mkdir("big")
    for i in range(1000):
        touch("big/%04d" % i)
    t("list 1000", lambda: sorted(os.listdir("big")) ==
      ["%04d" % i for i in range(1000)])
    fd = os.open("big", os.O_RDONLY | os.O_DIRECTORY)
    t("seek dir to 0 lists again", lambda: (
        len(os.listdir(fd)), os.lseek(fd, 0, os.SEEK_SET),
        len(os.listdir(fd)))[::2])
    os.close(fd)
    t("rmdir big", lambda: os.rmdir("big"))
    for i in range(1000):
        os.unlink("big/%04d" % i)
    t("big nlink", lambda: nlink("big"))
    t("rmdir emptied", lambda: os.rmdir("big"))
    fd = os.open("f", os.O_RDWR)
    os.write(fd, b"abcdef")
    other = os.open("f", os.O_RDONLY)
    os.ftruncate(fd, 2)
    t("truncated under reader", lambda: os.pread(other, 10, 0))
    os.ftruncate(fd, 4)
    t("regrown under reader", lambda: os.pread(other, 10, 0))
    os.close(other)
    os.close(fd)
    fd = os.open("f", os.O_RDONLY | os.O_TRUNC)
    t("O_RDONLY|O_TRUNC size", lambda: os.fstat(fd).st_size)
    os.close(fd)
    t("statx size", lambda: os.stat("f").st_size)
    os.chdir("..")


def dirs():
    """mkdir, rmdir, unlink and link counts"""
    os.mkdir("p")
    t("dir nlink", lambda: nlink("p"))
    t("mkdir", lambda: os.mkdir("p/a"))
    t("parent nlink after mkdir", lambda: nlink("p"))
    t("mkdir existing", lambda: os.mkdir("p/a"))
    t("mkdir trailing slash", lambda: os.mkdir("p/b/"))
    touch("p/file")
    t("mkdir over file", lambda: os.mkdir("p/file"))
    t("mkdir mode", lambda: (os.mkdir("p/m", 0o1777), mode("p/m"))[1])
    t("rmdir file", lambda: os.rmdir("p/file"))
    t("rmdir dot", lambda: os.rmdir("p/a/."))
    t("rmdir dotdot", lambda: os.rmdir("p/a/.."))
    t("rmdir non-empty", lambda: os.rmdir("p"))
    t("rmdir", lambda: os.rmdir("p/b"))
    t("parent nlink after rmdir", lambda: nlink("p"))
    t("unlink dir", lambda: os.unlink("p/a"))
    t("unlink missing", lambda: os.unlink("p/nope"))
    t("listing", lambda: " ".join(sorted(
        (e.name + ("/" if e.is_dir(follow_symlinks=False) else ""))
        for e in os.scandir("p"))))
    t("link", lambda: os.link("p/file", "p/file2"))
    t("nlink after link", lambda: nlink("p/file"))
    t("link dir", lambda: os.link("p/a", "p/a2"))
    t("link existing", lambda: os.link("p/file", "p/file2"))
    os.symlink("file", "p/sl")
    t("link symlink", lambda: os.link("p/sl", "p/sl2",
                                      follow_symlinks=False))
    t("linked symlink", lambda: mode("p/sl2"))
    t("unlink one link", lambda: os.unlink("p/file2"))
    t("nlink after unlink", lambda: nlink("p/file"))
    os.mkfifo("p/fifo", 0o640)
    t("fifo", lambda: mode("p/fifo"))
    t("mknod chr", lambda: (os.mknod("p/chr", stat.S_IFCHR | 0o600,
                                     os.makedev(1, 7)),
                            mode("p/chr"), os.lstat("p/chr").st_rdev ==
                            os.makedev(1, 7))[1:])
    t("mknod reg", lambda: (os.mknod("p/reg", stat.S_IFREG | 0o644),
                            mode("p/reg"))[1])


def renames():
    """rename(2) and renameat2(2)"""
    os.mkdir("r")
    os.chdir("r")
    touch("a", b"A")
    touch("b", b"B")
    fd = os.open("b", os.O_RDONLY)
    t("rename over file", lambda: os.rename("a", "b"))
    t("replaced file nlink", lambda: os.fstat(fd).st_nlink)
    t("replaced file data", lambda: os.pread(fd, 10, 0))
    os.close(fd)
    t("renamed data", lambda: read("b"))
    os.mkdir("d1")
    os.mkdir("d2")
    touch("d2/x")
    os.mkdir("d3")
    t("file over dir", lambda: os.rename("b", "d1"))
    t("dir over file", lambda: os.rename("d1", "b"))
    t("dir over non-empty dir", lambda: os.rename("d1", "d2"))
    t("dir over empty dir", lambda: os.rename("d1", "d3"))
    t("dir into itself", lambda: os.rename("d2", "d2/sub"))
    os.link("b", "b2")
    t("rename to own link", lambda: os.rename("b", "b2"))
    t("both links stay", lambda: (os.path.lexists("b"),
                                  os.path.lexists("b2")))
    t("noreplace existing", lambda: renameat2("b", "b2", RENAME_NOREPLACE))
    t("noreplace new", lambda: renameat2("b2", "c", RENAME_NOREPLACE))
    t("exchange", lambda: renameat2("c", "d2", RENAME_EXCHANGE))
    t("exchanged", lambda: (mode("c"), mode("d2")))
    t("exchange missing", lambda: renameat2("c", "zz", RENAME_EXCHANGE))
    t("noreplace|exchange", lambda: renameat2(
        "c", "d2", RENAME_NOREPLACE | RENAME_EXCHANGE))
    os.mkdir("q1")
    os.mkdir("q2")
    os.mkdir("q1/m")
    t("move dir across", lambda: os.rename("q1/m", "q2/m"))
    t("parent links", lambda: (nlink("q1"), nlink("q2")))
    t("dotdot follows", lambda: os.stat("q2/m/..").st_ino ==
      os.stat("q2").st_ino)
    t("rename dot", lambda: os.rename("q2/.", "q3"))
    t("rename missing", lambda: os.rename("nope", "q3"))
    os.chdir("..")


def first_hole(fd):
    """where SEEK_HOLE from 0 lands in a file with 5 bytes of data at 0
    and more far beyond: in the first 8 KiB, or at the end of the file
    for a file system that sees no holes"""
    pos = os.lseek(fd, 0, os.SEEK_HOLE)
    if 5 <= pos <= 8192:
        return "after the data"
    return "at the end" if pos == os.fstat(fd).st_size else pos


def data_after(fd, off, data):
    """where SEEK_DATA from @off lands, a hole before the data at @data:
    up to 8 KiB before that data, or at @off itself for a file system
    that sees no holes"""
    pos = os.lseek(fd, off, os.SEEK_DATA)
    if data - 8192 <= pos <= data:
        return "at the data"
    return "at the offset" if pos == off else pos


def data():
    """read, write, truncate, holes, fallocate, mmap"""
    os.mkdir("w")
    os.chdir("w")
    fd = os.open("f", os.O_RDWR | os.O_CREAT, 0o644)
    t("pwrite", lambda: os.pwrite(fd, b"x" * 10000, 0))
    t("size", lambda: os.fstat(fd).st_size)
    t("truncate down", lambda: os.ftruncate(fd, 5))
    t("truncate up", lambda: os.ftruncate(fd, 10000))
    t("regrown tail zero", lambda: os.pread(fd, 10000, 0) ==
      b"x" * 5 + bytes(9995))
    t("truncate negative", lambda: os.ftruncate(fd, -1))
    t("truncate dir", lambda: os.truncate(".", 0))
    t("pwrite negative", lambda: os.pwrite(fd, b"y", -1))
    t("pwrite far", lambda: os.pwrite(fd, b"far", 1 << 40))
    t("far size", lambda: os.fstat(fd).st_size)
    t("far read", lambda: os.pread(fd, 8, (1 << 40) - 5))
    t("read past end", lambda: os.pread(fd, 8, 1 << 41))
    t("pwrite max", lambda: os.pwrite(fd, b"z", (1 << 63) - 1))
    # holes are found at the file system's own granularity (tmpfs: a
    # page; scullcfs: a quantum), or not at all (all data up to the end)
    t("seek data", lambda: os.lseek(fd, 0, os.SEEK_DATA))
    t("seek hole", lambda: first_hole(fd))
    t("seek data past hole", lambda: data_after(fd, 1 << 30, 1 << 40))
    t("seek hole at end", lambda: os.lseek(fd, (1 << 40) + 3,
                                           os.SEEK_HOLE))
    t("seek data at end", lambda: os.lseek(fd, (1 << 40) + 3,
                                           os.SEEK_DATA))
    t("sparse blocks small", lambda: os.fstat(fd).st_blocks < 1024)
    os.ftruncate(fd, 0)
    t("empty blocks", lambda: os.fstat(fd).st_blocks)
    os.close(fd)
    ro = os.open("f", os.O_RDONLY)
    t("ftruncate read-only fd", lambda: os.ftruncate(ro, 0))
    t("write read-only fd", lambda: os.write(ro, b"x"))
    os.close(ro)
    fd = os.open("f", os.O_WRONLY | os.O_APPEND)
    os.write(fd, b"12345")
    t("append at end", lambda: (os.pwrite(fd, b"ab", 0), read("f"))[1])
    os.close(fd)
    fd = os.open("g", os.O_RDWR | os.O_CREAT, 0o644)
    t("fallocate", lambda: fallocate(fd, 0, 0, 1 << 20))
    t("fallocate size", lambda: os.fstat(fd).st_size)
    t("fallocate keep size", lambda: fallocate(fd, 1, 0, 2 << 20))
    t("kept size", lambda: os.fstat(fd).st_size)
    os.pwrite(fd, b"d" * 8192, 0)
    t("punch hole", lambda: fallocate(fd, 3, 100, 4000))
    t("punched", lambda: os.pread(fd, 4200, 0) ==
      b"d" * 100 + bytes(4000) + b"d" * 100)
    t("punch without keep size", lambda: fallocate(fd, 2, 0, 10))
    t("collapse range", lambda: fallocate(fd, 8, 0, 4096))
    t("fallocate negative", lambda: fallocate(fd, 0, -1, 10))
    t("fallocate too big", lambda: fallocate(fd, 0, 0, 1 << 40))
    t("size after refused fallocate", lambda: os.fstat(fd).st_size)
    t("mmap shared", lambda: mmap_both_ways(fd))
    t("fsync", lambda: os.fsync(fd))
    t("fdatasync", lambda: os.fdatasync(fd))
    os.close(fd)
    fd = os.open("f", os.O_RDWR)
    gd = os.open("g", os.O_RDONLY)
    t("copy_file_range", lambda: os.copy_file_range(gd, fd, 8192, 0, 0))
    t("copied", lambda: read("f", 8192) == read("g", 8192))
    t("sendfile", lambda: os.sendfile(fd, gd, 0, 4096))
    os.close(gd)
    os.close(fd)
    fd = os.open("h", os.O_RDWR | os.O_CREAT, 0o644)
    os.write(fd, b"still here")
    os.unlink("h")
    t("unlinked nlink", lambda: os.fstat(fd).st_nlink)
    t("unlinked data", lambda: os.pread(fd, 20, 0))
    t("unlinked grows", lambda: os.pwrite(fd, b"more", 10))
    t("unlinked size", lambda: os.fstat(fd).st_size)
    os.close(fd)
    fd = os.open("f", os.O_RDWR)
    fcntl.lockf(fd, fcntl.LOCK_EX)
    pid = os.fork()
    if pid == 0:
        other = os.open("f", os.O_RDWR)
        try:
            fcntl.lockf(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
            os._exit(0)
        except OSError as e:
            os._exit(e.errno)
    t("posix lock conflict", lambda: errno.errorcode.get(
        os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]), "none"))
    os.close(fd)
    os.chdir("..")


def full():
    """the size limit: ENOSPC, and the space comes back"""
    os.mkdir("full")
    fd = os.open("full/big", os.O_WRONLY | os.O_CREAT, 0o644)
    chunk = b"\xa5" * (1 << 20)
    err = "none"
    try:                                 # 80 MiB into a 64 MiB mount
        try:
            for _ in range(80):
                os.write(fd, chunk)
        finally:
            os.close(fd)                 # where a writeback cache tells
    except OSError as e:
        err = errno.errorcode[e.errno]
    out.append("write past the limit: %s" % err)
    # tmpfs makes names until its inode limit, scullcfs until its size
    # limit (documented in scullcfs(8)): either answer, and nothing else
    for name, fn in (("mkdir", lambda: os.mkdir("full/dir")),
                     ("symlink", lambda: os.symlink("x", "full/sl")),
                     ("create", lambda: touch("full/empty"))):
        r = run(fn)
        out.append("%s when full: %s" % (
            name, "ok or ENOSPC" if r in ("ok", "ENOSPC") else r))
    fd = os.open("full/big", os.O_RDONLY)
    t("data kept when full", lambda: os.pread(fd, 4, 1 << 20) == chunk[:4])
    os.close(fd)
    for n in os.listdir("full"):
        p = "full/" + n
        os.rmdir(p) if os.path.isdir(p) and not os.path.islink(p) \
            else os.unlink(p)
    t("space back", lambda: touch("full/again", chunk * 48))
    os.unlink("full/again")
    os.rmdir("full")


def stamps():
    """which operations update which timestamps"""
    os.mkdir("s")
    os.chdir("s")
    os.mkdir("d")
    os.mkdir("e")
    changes("create", lambda: touch("d/f", b"1"), "d")
    changes("write", lambda: touch("d/f", b"12"), "d/f", "d")
    changes("chmod", lambda: os.chmod("d/f", 0o600), "d/f", "d")
    changes("chown", lambda: os.chown("d/f", 0, 0), "d/f")
    changes("chown -1 -1", lambda: os.chown("d/f", -1, -1), "d/f")
    changes("truncate", lambda: os.truncate("d/f", 1), "d/f")
    changes("truncate same size", lambda: os.truncate("d/f", 1), "d/f")
    fd = os.open("d/f", os.O_RDWR)
    changes("ftruncate same size", lambda: os.ftruncate(fd, 1), "d/f")
    changes("pwrite", lambda: os.pwrite(fd, b"x", 0), "d/f")
    changes("read", lambda: os.pread(fd, 1, 0) and None, "d/f")
    changes("fallocate", lambda: fallocate(fd, 0, 0, 8192), "d/f")
    changes("fallocate keep size", lambda: fallocate(fd, 1, 0, 16384),
            "d/f")
    os.close(fd)
    changes("setxattr", lambda: os.setxattr("d/f", "user.a", b"1"), "d/f")
    changes("link", lambda: os.link("d/f", "e/g"), "d/f", "e")
    changes("unlink", lambda: os.unlink("e/g"), "d/f", "e")
    changes("rename", lambda: os.rename("d/f", "e/f"), ("d/f", "e/f"), "d", "e")
    changes("rename in dir", lambda: os.rename("e/f", "e/h"),
            ("e/f", "e/h"), "e")
    changes("mkdir", lambda: os.mkdir("d/sub"), "d")
    changes("rmdir", lambda: os.rmdir("d/sub"), "d")
    changes("symlink", lambda: os.symlink("x", "d/l"), "d")
    changes("mknod", lambda: os.mkfifo("d/p"), "d")
    changes("utimes now", lambda: os.utime("e/h"), "e/h")
    t("utimes exact", lambda: (os.utime("e/h", ns=(1234567890123456789,
                                                   987654321987654321)),
                               os.stat("e/h").st_atime_ns,
                               os.stat("e/h").st_mtime_ns)[1:])
    changes("utimes omit", lambda: utimens_omit("e/h"), "e/h")
    os.chdir("..")


def perms():
    """permission checks, as root prepares and others try"""
    os.mkdir("u", 0o755)
    os.chdir("u")
    touch("root600", b"secret", 0o600)
    os.chmod("root600", 0o600)
    os.mkdir("noexec", 0o700)
    os.chmod("noexec", 0o744)
    touch("noexec/in")
    os.mkdir("tmp")
    os.chmod("tmp", 0o1777)
    os.mkdir("mine")
    os.chown("mine", NOBODY, NOBODY)
    os.mkdir("sgid")
    os.chown("sgid", 0, 1234)
    os.chmod("sgid", 0o2777)
    touch("suid", b"#!/bin/sh\n")
    os.chown("suid", NOBODY, NOBODY)
    os.chmod("suid", 0o6777)
    touch("mine/foreign")
    os.chown("mine/foreign", NOBODY, 1234)

    def nobody():
        t("read 0600 of root", lambda: read("root600"))
        t("write 0600 of root", lambda: os.open("root600", os.O_WRONLY))
        t("search without x", lambda: os.stat("noexec/in"))
        t("list without x", lambda: len(os.listdir("noexec")))
        t("chmod not owner", lambda: os.chmod("root600", 0o777))
        t("chown not root", lambda: os.chown("mine", 0, -1))
        t("chgrp foreign group", lambda: os.chown("mine", -1, 0))
        t("chown -1 -1 own", lambda: os.chown("mine", -1, -1))
        t("utimes exact not owner", lambda: os.utime("root600", (1, 1)))
        t("utimes now not owner", lambda: os.utime("root600"))
        t("create in root dir", lambda: touch("new"))
        touch("tmp/nobody", b"n")
        t("chmod g+s foreign group", lambda: (
            os.chmod("mine/foreign", 0o2755), mode("mine/foreign"))[1])
        touch("mine/f", b"1")
        t("chmod g+s own group", lambda: (os.chmod("mine/f", 0o2755),
                                          mode("mine/f"))[1])
        t("sgid dir file group", lambda: (touch("sgid/f"),
                                          owner("sgid/f"))[1])
        t("sgid dir subdir", lambda: (os.mkdir("sgid/sd"),
                                      mode("sgid/sd"), owner("sgid/sd"))[1:])
        t("write clears suid", lambda: (os.chmod("suid", 0o6777),
                                        touch("suid", b"x"),
                                        mode("suid"))[2])
        t("access W root600", lambda: os.access("root600", os.W_OK))
        t("access R mine", lambda: os.access("mine", os.R_OK | os.X_OK))
    as_user(NOBODY, nobody)

    def other():
        t("sticky unlink other's", lambda: os.unlink("tmp/nobody"))
        t("sticky rename other's", lambda: os.rename("tmp/nobody",
                                                     "tmp/x"))
        t("sticky own create", lambda: touch("tmp/other"))
        t("sticky unlink own", lambda: os.unlink("tmp/other"))
    as_user(OTHER, other)
    t("root reads 0600", lambda: read("root600"))
    os.chmod("suid", 0o6755)
    t("chown clears suid", lambda: (os.chown("suid", NOBODY, NOBODY),
                                    mode("suid"))[1])
    t("truncate by root keeps suid", lambda: (
        os.chmod("suid", 0o6755), os.truncate("suid", 0), mode("suid"))[2])
    os.chdir("..")


# security.capability, revision 2: CAP_FSETID permitted and effective
FILE_CAPS = bytes([1, 0, 0, 2, 16, 0, 0, 0]) + bytes(12)


def privs():
    """what a change costs a file's set-ID bits and capabilities: every
    set-ID mode, owner, change and caller, as tmpfs answers"""
    os.mkdir("privs", 0o777)
    os.chdir("privs")

    def direct(p):
        fd = os.open(p, os.O_WRONLY | os.O_DIRECT)
        buf = mmap.mmap(-1, 4096)
        try:
            os.pwrite(fd, buf, 0)
        finally:
            os.close(fd)

    def falloc(p):
        fd = os.open(p, os.O_WRONLY)
        try:
            fallocate(fd, 0, 0, 8192)
        finally:
            os.close(fd)
    changes = {
        "append": lambda p: touch_append(p),
        "direct": direct,
        "truncate": lambda p: os.truncate(p, 1),
        "fallocate": falloc,
        "chown-1": lambda p: os.chown(p, -1, -1),
        "chgrp": lambda p: os.chown(p, -1, NOBODY),
    }
    cases = [(bits, own, grp, name)
             for bits in (0o4777, 0o2777, 0o2767, 0o6777, 0o6767, 0o6757,
                          0o2745)
             for own, grp in ((0, 0), (NOBODY, 0), (0, NOBODY),
                              (NOBODY, NOBODY))
             for name in changes]
    for caller in (NOBODY, 0):
        for i, (bits, own, grp, name) in enumerate(cases):
            p = "f%d.%d" % (caller, i)
            touch(p, b"#!/bin/sh\n")
            os.chown(p, own, grp)
            os.chmod(p, bits)
            os.setxattr(p, "security.capability", FILE_CAPS)

        def each():
            for i, (bits, own, grp, name) in enumerate(cases):
                p = "f%d.%d" % (caller, i)
                r = run(lambda: changes[name](p))
                t("%s %o %d:%d by %d" % (name, bits, own, grp, caller),
                  lambda: "%s %s %s" % (r, mode(p), "caps" if
                                        "security.capability" in
                                        os.listxattr(p) else "-"))
        if caller:
            as_user(caller, each)
        else:
            each()
    os.chdir("..")


def touch_append(p):
    fd = os.open(p, os.O_WRONLY | os.O_APPEND)
    try:
        os.write(fd, b"x")
    finally:
        os.close(fd)


def main():
    os.chdir(sys.argv[1])
    os.umask(0o022)
    for part in (names, edges, dirs, renames, data, stamps, perms, privs,
                 full):
        out.append("== " + part.__name__)
        part()
    sys.stdout.write("".join(l + "\n" for l in out))


main()
