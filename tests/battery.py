# SPDX-License-Identifier: GPL-2.0-or-later
#
# battery.py - what posix_ops.py and attr_ops.py share: calls run and
# answered one per line, as root or as another user, and the system calls
# Python's os module lacks

import ctypes
import errno
import os

NOBODY = 65534
out = []                      # the answers, one line each
libc = ctypes.CDLL(None, use_errno=True)
AT_FDCWD = -100
RENAME_NOREPLACE, RENAME_EXCHANGE = 1, 2


def run(fn):
    """fn's result as text: 'ok', its value, or an errno name"""
    try:
        r = fn()
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e.errno))
    return "ok" if r is None else str(r)


def t(name, fn):
    out.append("%s: %s" % (name, run(fn)))


def as_user(uid, fn, gid=None):
    """run fn() in a child as @uid (uid 0: as root) with group @gid (by
    default the same) and no other groups; it may call t()"""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        code = 0
        try:
            if uid:
                os.setgroups([])
                os.setresgid(gid or uid, gid or uid, gid or uid)
                os.setresuid(uid, uid, uid)
            del out[:]
            fn()
            os.write(w, "".join(l + "\n" for l in out).encode())
        except BaseException as e:          # report, never hang the parent
            os.write(w, ("child failed: %r\n" % (e,)).encode())
            code = 1
        os._exit(code)
    os.close(w)
    data = b""
    while True:
        chunk = os.read(r, 65536)
        if not chunk:
            break
        data += chunk
    os.close(r)
    os.waitpid(pid, 0)
    out.extend(data.decode().splitlines())


def check(r):
    """a libc call's 0, or its errno raised as OSError"""
    if r != 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))


def fallocate(fd, mode, off, length):
    libc.fallocate.argtypes = [ctypes.c_int, ctypes.c_int,
                               ctypes.c_longlong, ctypes.c_longlong]
    check(libc.fallocate(fd, mode, off, length))


def renameat2(a, b, flags):
    check(libc.renameat2(AT_FDCWD, a.encode(), AT_FDCWD, b.encode(), flags))
