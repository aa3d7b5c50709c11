/* SPDX-License-Identifier: GPL-2.0-or-later */
/* flags.c - inode flags (chattr, lsattr) and the changes they refuse */

/*
 * Design.  Each inode keeps the FS_*_FL flags of chattr(1) that tmpfs
 * keeps (inode->iflags): append-only (a), immutable (i), nodump (d) and
 * noatime (A); any other flag is refused with EOPNOTSUPP, as tmpfs refuses
 * it.  A new inode takes nodump and noatime from its directory, as on
 * tmpfs.  They are read and set through FS_IOC_GETFLAGS/SETFLAGS and
 * FS_IOC_FSGETXATTR/FSSETXATTR on regular files and directories.  The
 * kernel does not send these ioctls as the caller made them: its fileattr
 * code opens the inode itself (FUSE_OPEN or FUSE_OPENDIR, read-only) and
 * sends a restricted FUSE_IOCTL with a 4-byte flags word or a struct
 * fsxattr, and before each SETFLAGS it reads the old flags with
 * FSGETXATTR; so both forms are answered, the reply exactly the size
 * asked for.  The daemon's own files (FS_I_FIXED) have no flags and take
 * none: ENOTTY, as /proc's files answer.
 *
 * Who may set them: the owner or a holder of CAP_FOWNER, and only a
 * holder of CAP_LINUX_IMMUTABLE may set or clear a and i - the kernel's
 * rules, which it checks itself before asking, and which are checked here
 * again.  A FUSE request carries the caller's uid, gid and pid but not its
 * capabilities, so fs_capable (priv.c) reads them from /proc.
 *
 * What they refuse: the kernel checks i_flags in the VFS (may_open,
 * may_delete, notify_change, vfs_fallocate, ...), but a FUSE inode's
 * i_flags never carry the daemon's flags, so every request that would
 * change a flagged inode is checked here, with the errno tmpfs gives:
 * EPERM.  The fs_may_* checks below each stand for one of the kernel's and
 * are called where the request is served (namei.c, file.c, inode.c,
 * xattr.c).  Where this daemon is stricter than tmpfs, it is ext4's rule:
 * tmpfs lets a descriptor opened before chattr +i still write and
 * ftruncate; here every write and truncation of an immutable file fails.
 *
 * Append-only means no stored byte changes.  A write through O_APPEND
 * arrives at the end of the file (the kernel computes the offset, also
 * under the writeback cache).  Under the writeback cache the kernel writes
 * back whole pages: appending to a file whose size is not a multiple of
 * the page size sends the last page again, from below the end of file, as
 * an unprivileged write with no caller.  So a write below the end is
 * allowed when the bytes it carries below the end are those stored, and
 * refused with EPERM when any differs (a descriptor that lost O_APPEND
 * with fcntl, which the kernel cannot refuse since it does not know the
 * flag).
 *
 * Locking: iflags is changed under attr_lock and stored atomically, so
 * the checks read it bare (fs_iflags).  A check and the change it allows
 * are not atomic together; the kernel's inode lock, which it holds across
 * SETFLAGS and across every buffered write, truncate and name change of
 * the inode it checks, orders them.
 */

#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/falloc.h>
#include <linux/fs.h>

#include "fs/fs.h"

/* FS_IOC_GETFLAGS and SETFLAGS as 32-bit programs number them */
#define FS_IOC32_GETFLAGS_CMD  _IOR('f', 1, int)
#define FS_IOC32_SETFLAGS_CMD  _IOW('f', 2, int)

#define PROTECTED (FS_IMMUTABLE_FL | FS_APPEND_FL)
#define FS_FL_SUPPORTED (PROTECTED | FS_NODUMP_FL | FS_NOATIME_FL)
#define FS_FL_INHERITED (FS_NODUMP_FL | FS_NOATIME_FL)

/* The flags and their struct fsxattr names */
static const struct {
	unsigned int flag, xflag;
} xflags[] = {
	{ FS_IMMUTABLE_FL, FS_XFLAG_IMMUTABLE },
	{ FS_APPEND_FL, FS_XFLAG_APPEND },
	{ FS_NODUMP_FL, FS_XFLAG_NODUMP },
	{ FS_NOATIME_FL, FS_XFLAG_NOATIME },
};

/* fs_flags_inherit - what new @inode takes from its directory @dir;
   @inode is not reachable yet */
void fs_flags_inherit(struct fs_inode *inode, struct fs_inode *dir)
{
	inode->iflags = fs_iflags(dir) & FS_FL_INHERITED;
}

/* fs_noatime - a read leaves @inode's access time alone */
bool fs_noatime(struct fs_inode *inode)
{
	return fs_iflags(inode) & FS_NOATIME_FL;
}

/* -------------------------------------------------- the checks */

/* fs_may_create - a new name in @dir (create, mkdir, link, rename in) */
int fs_may_create(struct fs_inode *dir)
{
	return fs_iflags(dir) & FS_IMMUTABLE_FL ? -EPERM : 0;
}

/* fs_may_delete - @victim's name in @dir may go (unlink, rmdir, either
   side of a rename): neither may be append-only or immutable */
int fs_may_delete(struct fs_inode *dir, struct fs_inode *victim)
{
	return (fs_iflags(dir) | fs_iflags(victim)) & PROTECTED ? -EPERM : 0;
}

/* fs_may_modify - @inode's mode, owner, times set, xattrs, new links */
int fs_may_modify(struct fs_inode *inode)
{
	return fs_iflags(inode) & PROTECTED ? -EPERM : 0;
}

/* fs_may_open - an open with @flags: an immutable file only to read, an
   append-only one only to read or append; neither truncated */
int fs_may_open(struct fs_inode *inode, int flags)
{
	unsigned int f = fs_iflags(inode);
	bool writing = (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC);

	if ((f & FS_IMMUTABLE_FL) && writing)
		return -EPERM;
	if ((f & FS_APPEND_FL) &&
	    (((flags & O_ACCMODE) != O_RDONLY && !(flags & O_APPEND)) ||
	     (flags & O_TRUNC)))
		return -EPERM;
	return 0;
}

/* kills_only - a mode change of @inode to @mode drops set-ID bits only */
static bool kills_only(struct fs_inode *inode, mode_t mode)
{
	mode_t old;

	mutex_lock(&inode->attr_lock);
	old = inode->mode & 07777;
	mutex_unlock(&inode->attr_lock);
	mode &= 07777;
	return mode != old && (old & ~mode) == (old ^ mode) &&
	       !((old ^ mode) & ~(mode_t)(S_ISUID | S_ISGID));
}

/**
 * fs_may_setattr - a setattr of the fields in @to_set (FUSE_SET_ATTR_*)
 * Mode, owner, size and times set to a value: not on an append-only or
 * immutable inode; times set to now (touch, which the kernel sends as
 * ATIME|ATIME_NOW, and under the writeback cache with its own clock's
 * mtime as a value) only not on an immutable one.  The writeback cache's
 * flush of mtime and ctime after a write (mtime and ctime only, with
 * @writeback) goes with the write: allowed where the write was, on an
 * append-only file.  So is a mode of @mode that only drops set-ID bits:
 * the kernel's own, before an append (priv.c), which a chmod to the
 * same cannot be told from.
 */
int fs_may_setattr(struct fs_inode *inode, int to_set, mode_t mode,
		   bool writeback)
{
	const int change = FUSE_SET_ATTR_MODE | FUSE_SET_ATTR_UID |
			   FUSE_SET_ATTR_GID | FUSE_SET_ATTR_SIZE;
	const int flush = FUSE_SET_ATTR_MTIME | FUSE_SET_ATTR_CTIME;
	unsigned int f = fs_iflags(inode);
	int times = 0;

	if (!(f & PROTECTED))
		return 0;
	if ((to_set & FUSE_SET_ATTR_ATIME) &&
	    !(to_set & FUSE_SET_ATTR_ATIME_NOW))
		times |= FUSE_SET_ATTR_ATIME;
	/* the writeback cache sends touch's mtime as a value, its own */
	if ((to_set & FUSE_SET_ATTR_MTIME) &&
	    !(to_set & FUSE_SET_ATTR_MTIME_NOW) &&
	    !(writeback && (to_set & FUSE_SET_ATTR_ATIME_NOW)))
		times |= FUSE_SET_ATTR_MTIME;
	if (f & FS_IMMUTABLE_FL)
		return to_set & (change | FUSE_SET_ATTR_ATIME |
				 FUSE_SET_ATTR_MTIME) ? -EPERM : 0;
	if (writeback && to_set == flush)
		return 0;
	if (to_set == FUSE_SET_ATTR_MODE && kills_only(inode, mode))
		return 0;
	return (to_set & change) || times ? -EPERM : 0;
}

/* fs_may_fallocate - fallocate @mode: never on an immutable file, only
   allocation (mode 0 or KEEP_SIZE) on an append-only one */
int fs_may_fallocate(struct fs_inode *inode, int mode)
{
	unsigned int f = fs_iflags(inode);

	if (f & FS_IMMUTABLE_FL)
		return -EPERM;
	if ((f & FS_APPEND_FL) && (mode & ~FALLOC_FL_KEEP_SIZE))
		return -EPERM;
	return 0;
}

/* same_bytes - the @len bytes at @off of device @dev are @data's */
static bool same_bytes(struct scull_dev *dev, const char *data, size_t len,
		       uint64_t off)
{
	char chunk[512];
	ssize_t got;
	size_t n;

	while (len) {
		n = len < sizeof(chunk) ? len : sizeof(chunk);
		got = scull_read(dev, chunk, n, off);
		if (got != (ssize_t)n || memcmp(chunk, data, n))
			return false;
		data += n;
		off += n;
		len -= n;
	}
	return true;
}

/**
 * fs_may_write - whether a write of @len bytes at @off may go to device
 * @inode
 * @data: the bytes, or NULL while they are still in libfuse's pipe
 * Returns 0, or -EPERM: the file is immutable, or append-only and the
 * write would change a stored byte.  With @data NULL, -EAGAIN says that
 * only the bytes can tell (an append-only file written below its end):
 * call again with them.  Never needs memory.
 */
int fs_may_write(struct fs_inode *inode, uint64_t off, const void *data,
		 size_t len)
{
	unsigned int f = fs_iflags(inode);
	unsigned long nr_quanta;
	uint64_t size;

	if (f & FS_IMMUTABLE_FL)
		return -EPERM;
	if (!(f & FS_APPEND_FL))
		return 0;
	scull_dev_peek(&inode->dev, &size, &nr_quanta);
	if (off >= size || !len)
		return 0;
	if (!data)
		return -EAGAIN;
	if (size - off < len)
		len = (size_t)(size - off);
	return same_bytes(&inode->dev, data, len, off) ? 0 : -EPERM;
}

/* ------------------------------------------------ the ioctls */

/* fs_flags_cmd - @cmd is one of the flags ioctls, served here */
bool fs_flags_cmd(unsigned int cmd)
{
	return cmd == FS_IOC_GETFLAGS || cmd == FS_IOC_SETFLAGS ||
	       cmd == FS_IOC32_GETFLAGS_CMD || cmd == FS_IOC32_SETFLAGS_CMD ||
	       cmd == FS_IOC_FSGETXATTR || cmd == FS_IOC_FSSETXATTR;
}

/**
 * fs_set_iflags - SETFLAGS of @want on @inode for @cred: 0, or -EPERM
 * (not the owner, or a protected flag without CAP_LINUX_IMMUTABLE) or
 * -EOPNOTSUPP (a flag tmpfs does not keep)
 */
int fs_set_iflags(struct fs *fs, struct fs_cred *cred,
		  struct fs_inode *inode, unsigned int want)
{
	unsigned int old;
	uid_t owner;

	mutex_lock(&inode->attr_lock);
	old = inode->iflags;
	owner = inode->uid;
	mutex_unlock(&inode->attr_lock);
	/* the kernel's order: owner, capability, then what tmpfs keeps */
	if (cred->uid != owner && !fs_capable(cred, CAP_FOWNER))
		return -EPERM;
	if (((want ^ old) & PROTECTED) &&
	    !fs_capable(cred, CAP_LINUX_IMMUTABLE))
		return -EPERM;
	if (want & ~FS_FL_SUPPORTED)
		return -EOPNOTSUPP;
	mutex_lock(&inode->attr_lock);
	__atomic_store_n(&inode->iflags, want, __ATOMIC_RELAXED);
	clock_gettime(CLOCK_REALTIME, &inode->ctime);
	mutex_unlock(&inode->attr_lock);
	/* The kernel keeps the attributes and does not drop them after a
	   fileattr change: make it ask for the new ctime, before the reply
	   lets the caller look.  Attributes only (offset -1): no page is
	   touched, nothing waits for the inode lock the caller holds. */
	fs_notify_inval(fs, inode->ino);
	return 0;
}

static unsigned int to_xflags(unsigned int flags)
{
	unsigned int i, x = 0;

	for (i = 0; i < sizeof(xflags) / sizeof(xflags[0]); i++)
		if (flags & xflags[i].flag)
			x |= xflags[i].xflag;
	return x;
}

/* from_fsxattr - the flags a FSSETXATTR asks for, or -EOPNOTSUPP when it
   asks for anything else (what tmpfs keeps is only these four) */
static long from_fsxattr(const struct fsxattr *fa)
{
	unsigned int i, x = fa->fsx_xflags, flags = 0;

	for (i = 0; i < sizeof(xflags) / sizeof(xflags[0]); i++)
		if (x & xflags[i].xflag) {
			flags |= xflags[i].flag;
			x &= ~xflags[i].xflag;
		}
	if (x || fa->fsx_extsize || fa->fsx_projid || fa->fsx_cowextsize)
		return -EOPNOTSUPP;
	return flags;
}

static void get_fsxattr(fuse_req_t req, struct fs_inode *inode,
			size_t out_bufsz)
{
	struct fsxattr fa;

	if (out_bufsz < sizeof(fa))
		return (void) fuse_reply_err(req, EINVAL);
	memset(&fa, 0, sizeof(fa));
	fa.fsx_xflags = to_xflags(fs_iflags(inode));
	fuse_reply_ioctl(req, 0, &fa, sizeof(fa));
}

static void set_fsxattr(fuse_req_t req, struct fs_inode *inode,
			const void *in_buf, size_t in_bufsz)
{
	struct fsxattr fa;
	long flags;

	if (in_bufsz < sizeof(fa))
		return (void) fuse_reply_err(req, EINVAL);
	memcpy(&fa, in_buf, sizeof(fa));
	flags = from_fsxattr(&fa);
	if (flags >= 0) {
		struct fs_cred cred;

		fs_req_cred(req, &cred);
		flags = fs_set_iflags(fs_from_req(req), &cred, inode,
				      (unsigned int)flags);
	}
	if (flags < 0)
		return (void) fuse_reply_err(req, (int)-flags);
	fuse_reply_ioctl(req, 0, NULL, 0);
}

/**
 * fs_flags_ioctl - serve a flags ioctl (fs_flags_cmd) on @inode
 * Regular files and directories only; the daemon's own files refuse with
 * ENOTTY.  Replies.
 */
void fs_flags_ioctl(fuse_req_t req, struct fs_inode *inode, unsigned int cmd,
		    const void *in_buf, size_t in_bufsz, size_t out_bufsz)
{
	struct fs_cred cred;
	unsigned int flags;
	int err;

	if ((inode->flags & FS_I_FIXED) ||
	    !(S_ISREG(inode->mode) || S_ISDIR(inode->mode)))
		return (void) fuse_reply_err(req, ENOTTY);
	switch (cmd) {
	case FS_IOC_FSGETXATTR:
		return get_fsxattr(req, inode, out_bufsz);
	case FS_IOC_FSSETXATTR:
		return set_fsxattr(req, inode, in_buf, in_bufsz);
	case FS_IOC_GETFLAGS:
	case FS_IOC32_GETFLAGS_CMD:
		if (out_bufsz < sizeof(flags))
			return (void) fuse_reply_err(req, EINVAL);
		flags = fs_iflags(inode);
		return (void) fuse_reply_ioctl(req, 0, &flags, sizeof(flags));
	default:             /* SETFLAGS: an int, whatever the command says */
		if (in_bufsz < sizeof(flags))
			return (void) fuse_reply_err(req, EINVAL);
		memcpy(&flags, in_buf, sizeof(flags));
		fs_req_cred(req, &cred);
		err = fs_set_iflags(fs_from_req(req), &cred, inode, flags);
		if (err)
			return (void) fuse_reply_err(req, -err);
		fuse_reply_ioctl(req, 0, NULL, 0);
	}
}
