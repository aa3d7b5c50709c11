/* SPDX-License-Identifier: GPL-2.0-or-later */
/* namei.c - names made, linked, removed and moved: mkdir to rename */

/*
 * Every operation here changes the namespace under fs->ns_lock held for
 * writing, fills its result (an entry) under the lock and returns 0 or
 * -errno; the FUSE layer (ll.c) replies after.  Nothing that can fail is
 * done after the first visible change: allocations (the inode, the entry,
 * a symlink's target) come first, so a failed one (ENOSPC at the size
 * limit, else ENOMEM: fs_nospace_errno) leaves the tree as it was.
 * Removing a name never needs memory.  The entries themselves are dir.c's.
 *
 * The daemon's own inodes (the pseudo-files, FS_I_FIXED) keep their names:
 * unlink, rmdir, rename and link of them, and new names in a fixed
 * directory, fail with EPERM, as on /proc and /sys.
 *
 * Timestamps follow POSIX: a new or removed name updates the parent's mtime
 * and ctime, and the ctime of the inode whose link count changed; rename
 * updates both parents and the ctime of the inodes involved.
 *
 * Lock order: enum lock_rank (lock.h) - fs->ns_lock, then
 * inode->attr_lock (for reading a parent's mode and in
 * fs_touch/fs_fill_attr).  ns_lock protects the directory lists and link
 * counts; attr_lock the modes and times.
 */

#include "config.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

#include "fs/fs.h"

static void set_nlink(struct fs *fs, struct fs_inode *inode,
		      unsigned int n)
{
	lock_assert_held_write(&fs->ns_lock);
	__atomic_store_n(&inode->nlink, n, __ATOMIC_RELAXED);
}

static void add_nlink(struct fs *fs, struct fs_inode *inode, int delta)
{
	lock_assert_held_write(&fs->ns_lock);
	set_nlink(fs, inode, inode->nlink + delta);
}

static int check_name(const char *name)
{
	return strlen(name) > FS_NAME_MAX ? -ENAMETOOLONG : 0;
}

/* get_dir - directory @ino that may gain names, or NULL and a -errno */
static struct fs_inode *get_dir(struct fs *fs, fuse_ino_t ino, int *err)
{
	struct fs_inode *dir = fs_iget(fs, ino);

	lock_assert_held_write(&fs->ns_lock);
	if (!dir || (S_ISDIR(dir->mode) && dir->nlink == 0))
		*err = -ENOENT;      /* a removed directory takes no names */
	else if (!S_ISDIR(dir->mode))
		*err = -ENOTDIR;
	else if (dir->flags & FS_I_FIXED)
		*err = -EPERM;       /* its names are the daemon's */
	else
		return dir;
	return NULL;
}

/* fixed - @de names an inode of the daemon's: no removing or moving it */
static bool fixed(const struct fs_dirent *de)
{
	return de->inode->flags & FS_I_FIXED;
}

/* in_subtree - @dir is @top or lies below it; ns_lock held */
static bool in_subtree(struct fs *fs, struct fs_inode *dir,
		       struct fs_inode *top)
{
	lock_assert_held(&fs->ns_lock);
	while (dir && dir != top) {
		if (dir->ino == FUSE_ROOT_ID)
			return false;
		dir = fs_iget(fs, dir->dir.parent);
	}
	return dir == top;
}

/*
 * make - create an inode of @mode called @name in @parent for @cred and
 * fill @e, taking the lookup the reply will carry.  A NULL @name makes
 * O_TMPFILE's nameless file: no link, FS_I_TMPFILE, @parent only lends
 * its group and default ACL.  @rdev is a device node's number (0 for the
 * rest).  @target is a symlink's kmalloc'd target, owned by the new inode
 * from then on (freed here on failure).  Returns 0 or -errno.
 */
static int make(struct fs *fs, struct fs_cred *cred, fuse_ino_t parent,
		const char *name, mode_t mode, dev_t rdev, char *target,
		struct fuse_entry_param *e)
{
	struct fs_inode *dir, *inode;
	struct list_head acls;
	gid_t gid = cred->gid;
	int err = 0;

	if (name && (err = check_name(name)))
		goto out;
	rwlock_wrlock(&fs->ns_lock);
	dir = get_dir(fs, parent, &err);
	if (!dir)
		goto unlock;
	if (name && fs_dir_find(fs, dir, name)) {
		err = -EEXIST;
		goto unlock;
	}
	if ((err = fs_may_create(dir)))        /* chattr +i */
		goto unlock;
	/* a set-group-ID directory hands its group (and the bit) down */
	mutex_lock(&dir->attr_lock);
	if (dir->mode & S_ISGID) {
		gid = dir->gid;
		if (S_ISDIR(mode))
			mode |= S_ISGID;
	}
	mutex_unlock(&dir->attr_lock);

	/* the parent's default ACL, or the umask, shapes the mode */
	err = fs_acl_inherit(dir, &mode, cred->umask, &acls);
	if (err)
		goto unlock;
	inode = fs_new_inode(fs, mode, cred->uid, gid);
	if (!inode) {
		fs_acl_drop(&acls);
		err = errno == ENOSPC ? -ENOSPC :
		      fs_nospace_errno(sizeof(*inode));
		goto unlock;
	}
	fs_acl_attach(inode, &acls);
	fs_flags_inherit(inode, dir);
	if (S_ISLNK(mode))
		inode->target = target;
	inode->rdev = rdev;          /* unreachable yet: no attr_lock */
	target = NULL;
	if (!name) {
		inode->flags |= FS_I_TMPFILE;   /* unreachable yet */
		set_nlink(fs, inode, 0);
		goto made;
	}
	if (fs_dir_add(fs, dir, name, inode)) {
		fs_unhash(fs, inode);
		rwlock_unlock(&fs->ns_lock);
		fs_evict(fs, inode);
		err = fs_nospace_errno(sizeof(struct fs_dirent) + strlen(name));
		goto out;
	}
	if (S_ISDIR(mode)) {
		inode->dir.parent = dir->ino;
		set_nlink(fs, inode, 2);
		add_nlink(fs, dir, 1);
	} else {
		set_nlink(fs, inode, 1);
	}
	fs_touch(dir, FS_MTIME | FS_CTIME);
made:
	fs_fill_entry(fs, inode, e);
	fs_hold(fs, inode);
unlock:
	rwlock_unlock(&fs->ns_lock);
out:
	kfree(target);
	return err;
}

int fs_mkdir(struct fs *fs, struct fs_cred *cred, fuse_ino_t parent,
	     const char *name, mode_t mode, struct fuse_entry_param *e)
{
	return make(fs, cred, parent, name, S_IFDIR | (mode & 07777), 0,
		    NULL, e);
}

/* mknod: a regular file is a new scull device; FIFOs, sockets (bind(2)
   makes them) and device nodes are inodes that keep their type and rdev */
int fs_mknod(struct fs *fs, struct fs_cred *cred, fuse_ino_t parent,
	     const char *name, mode_t mode, dev_t rdev,
	     struct fuse_entry_param *e)
{
	/* the kernel has checked CAP_MKNOD for device nodes */
	switch (mode & S_IFMT) {
	case S_IFREG:
	case S_IFIFO:
	case S_IFSOCK:
		rdev = 0;
		break;
	case S_IFCHR:
	case S_IFBLK:
		break;
	default:
		return -EINVAL;
	}
	return make(fs, cred, parent, name, (mode & S_IFMT) | (mode & 07777),
		    rdev, NULL, e);
}

/*
 * fs_create - a regular file @name in @parent, for create and, with a NULL
 * @name, O_TMPFILE: a device with no name in @parent.  That one lives
 * while the kernel holds it (the reply's lookup, the open file), like any
 * file whose last name went; linkat(2) gives it one (fs_link accepts
 * FS_I_TMPFILE with no link; the kernel refuses a second such linkat and
 * any after O_EXCL).
 */
int fs_create(struct fs *fs, struct fs_cred *cred, fuse_ino_t parent,
	      const char *name, mode_t mode, struct fuse_entry_param *e)
{
	return make(fs, cred, parent, name, S_IFREG | (mode & 07777), 0,
		    NULL, e);
}

int fs_symlink(struct fs *fs, struct fs_cred *cred, const char *link,
	       fuse_ino_t parent, const char *name,
	       struct fuse_entry_param *e)
{
	char *target;

	if (strlen(link) >= PATH_MAX)
		return -ENAMETOOLONG;
	target = kstrdup(link, GFP_KERNEL);
	if (!target)
		return fs_nospace_errno(strlen(link));
	return make(fs, cred, parent, name, S_IFLNK | 0777, 0, target, e);
}

int fs_readlink(struct fs *fs, fuse_ino_t ino, struct fs_buf_sink *sink)
{
	struct fs_inode *inode = fs_iget_unlocked(fs, ino);

	if (!inode)
		return -ENOENT;
	if (!S_ISLNK(inode->mode))
		return -EINVAL;
	/*
	 * The target never changes.  The sink's reply is the last use of
	 * it, but not the last read: a sanitizer's writev checks the buffer
	 * after the call, by when the kernel may have forgotten the inode
	 * and another thread freed it.  Pinned, it outlives the whole call.
	 */
	fs_attr_drop(inode);
	fs_pin(inode);
	sink->send(sink, inode->target, strlen(inode->target));
	fs_unpin(fs, inode);
	return 0;
}

int fs_link(struct fs *fs, fuse_ino_t ino, fuse_ino_t newparent,
	    const char *newname, struct fuse_entry_param *e)
{
	struct fs_inode *inode, *dir;
	int err = 0;

	if ((err = check_name(newname)))
		return err;

	rwlock_wrlock(&fs->ns_lock);
	inode = fs_iget(fs, ino);
	dir = get_dir(fs, newparent, &err);
	if (!inode || (inode->nlink == 0 && !(inode->flags & FS_I_TMPFILE)))
		err = -ENOENT;       /* no linking a file back from the dead */
	else if (S_ISDIR(inode->mode) || (inode->flags & FS_I_FIXED))
		err = -EPERM;
	else if (dir && fs_dir_find(fs, dir, newname))
		err = -EEXIST;
	else if (dir && (fs_may_modify(inode) || fs_may_create(dir)))
		err = -EPERM;                /* chattr +i, +a */
	else if (dir && inode->nlink && fs_extra_name(fs, 1))
		err = -ENOSPC;               /* nr_inodes=, as tmpfs */
	else if (dir && fs_dir_add(fs, dir, newname, inode)) {
		err = fs_nospace_errno(sizeof(struct fs_dirent) +
				       strlen(newname));
		if (inode->nlink)
			fs_extra_name(fs, -1);
	}
	if (!err) {
		add_nlink(fs, inode, 1);
		fs_touch(inode, FS_CTIME);
		fs_touch(dir, FS_MTIME | FS_CTIME);
		fs_fill_entry(fs, inode, e);
		fs_hold(fs, inode);
	}
	rwlock_unlock(&fs->ns_lock);
	return err;
}

/* What the loss of a name leaves to do once ns_lock is dropped */
struct dropped {
	struct fs_inode *victim;     /* nothing refers to it: evict */
	struct fs_inode *unused;     /* made for a rename that failed: evict */
};

/* lost_name - @inode has just lost a name; ns_lock held for writing */
static void lost_name(struct fs *fs, struct fs_inode *inode,
		      struct dropped *d)
{
	lock_assert_held_write(&fs->ns_lock);
	if (fs_unused(fs, inode)) {
		fs_unhash(fs, inode);
		d->victim = inode;
	}
}

/* finish - do what lost_name left to do; no lock held */
static void finish(struct fs *fs, const struct dropped *d)
{
	if (d->victim)
		fs_evict(fs, d->victim);
	if (d->unused)
		fs_evict(fs, d->unused);
}

/* take_name - remove @name from @parent: unlink (@isdir false) or rmdir */
static int take_name(struct fs *fs, fuse_ino_t parent, const char *name,
		     bool isdir)
{
	struct fs_inode *dir, *inode;
	struct dropped d = { NULL, NULL };
	struct fs_dirent *de;
	int err = 0;

	rwlock_wrlock(&fs->ns_lock);
	dir = fs_iget(fs, parent);
	if (!dir || !S_ISDIR(dir->mode)) {
		err = dir ? -ENOTDIR : -ENOENT;
		goto unlock;
	}
	de = fs_dir_find(fs, dir, name);
	if (!de) {
		err = -ENOENT;
		goto unlock;
	}
	inode = de->inode;
	if (fixed(de) || fs_may_delete(dir, inode))     /* chattr +i, +a */
		err = -EPERM;
	else if (isdir && !S_ISDIR(inode->mode))
		err = -ENOTDIR;
	else if (!isdir && S_ISDIR(inode->mode))
		err = -EISDIR;
	else if (isdir && inode->dir.nr_entries)
		err = -ENOTEMPTY;
	if (err)
		goto unlock;

	fs_dir_del(fs, de);
	if (isdir) {
		set_nlink(fs, inode, 0);
		add_nlink(fs, dir, -1);
	} else {
		if (inode->nlink > 1)
			fs_extra_name(fs, -1);
		add_nlink(fs, inode, -1);
	}
	fs_touch(inode, FS_CTIME);
	fs_touch(dir, FS_MTIME | FS_CTIME);
	lost_name(fs, inode, &d);
unlock:
	rwlock_unlock(&fs->ns_lock);
	finish(fs, &d);
	return err;
}

int fs_unlink(struct fs *fs, fuse_ino_t parent, const char *name)
{
	return take_name(fs, parent, name, false);
}

int fs_rmdir(struct fs *fs, fuse_ino_t parent, const char *name)
{
	return take_name(fs, parent, name, true);
}

/* exchange - RENAME_EXCHANGE of the inodes behind @a and @b */
static int exchange(struct fs *fs, struct fs_dirent *a, struct fs_dirent *b)
{
	struct fs_inode *ia = a->inode, *ib = b->inode;
	struct fs_inode *da = a->dir, *db = b->dir;

	lock_assert_held_write(&fs->ns_lock);
	if (da != db) {
		if ((S_ISDIR(ia->mode) && in_subtree(fs, db, ia)) ||
		    (S_ISDIR(ib->mode) && in_subtree(fs, da, ib)))
			return -EINVAL;
		if (S_ISDIR(ia->mode)) {
			ia->dir.parent = db->ino;
			add_nlink(fs, da, -1);
			add_nlink(fs, db, 1);
		}
		if (S_ISDIR(ib->mode)) {
			ib->dir.parent = da->ino;
			add_nlink(fs, db, -1);
			add_nlink(fs, da, 1);
		}
	}
	a->inode = ib;
	b->inode = ia;
	fs_touch(ia, FS_CTIME);
	fs_touch(ib, FS_CTIME);
	return 0;
}

/*
 * move - rename @src (an entry of @odir) to @newname in @ndir, replacing
 * @dst if there is one.  The entry @dst is reused for the moved inode, so
 * replacing needs no memory; to a new name @src itself moves, needing at
 * most a longer name's block.  A replaced inode goes to lost_name(@d).
 * With a @whiteout (RENAME_WHITEOUT: a made, unnamed 0:0 character device)
 * the entry @src stays and names it, so that needs no memory either.
 */
static int move(struct fs *fs, struct fs_dirent *src, struct fs_inode *ndir,
		const char *newname, struct fs_dirent *dst,
		struct fs_inode *whiteout, struct dropped *d)
{
	struct fs_inode *inode = src->inode, *odir = src->dir, *old;
	bool isdir = S_ISDIR(inode->mode);

	lock_assert_held_write(&fs->ns_lock);
	if (isdir && odir != ndir && in_subtree(fs, ndir, inode))
		return -EINVAL;
	if (dst) {
		old = dst->inode;
		if (isdir && !S_ISDIR(old->mode))
			return -ENOTDIR;
		if (!isdir && S_ISDIR(old->mode))
			return -EISDIR;
		if (S_ISDIR(old->mode) && old->dir.nr_entries)
			return -ENOTEMPTY;
		dst->inode = inode;
		if (S_ISDIR(old->mode)) {
			set_nlink(fs, old, 0);
			add_nlink(fs, ndir, -1);
		} else {
			if (old->nlink > 1)
				fs_extra_name(fs, -1);
			add_nlink(fs, old, -1);
		}
		fs_touch(old, FS_CTIME);
		lost_name(fs, old, d);
	} else if (whiteout ? fs_dir_add(fs, ndir, newname, inode) :
			      fs_dir_move(fs, src, ndir, newname)) {
		return fs_nospace_errno(sizeof(struct fs_dirent) +
					strlen(newname));
	}
	if (whiteout) {              /* the old name now names it */
		src->inode = whiteout;
		set_nlink(fs, whiteout, 1);
	} else if (dst) {
		fs_dir_del(fs, src);
	}
	if (isdir && odir != ndir) {
		inode->dir.parent = ndir->ino;
		add_nlink(fs, odir, -1);
		add_nlink(fs, ndir, 1);
	}
	fs_touch(inode, FS_CTIME);
	return 0;
}

/* rename_check - whether @src may be renamed over @dst (or to a new name
   in @ndir) with @flags: 0 or -errno; ns_lock held (write) */
static int rename_check(struct fs *fs, struct fs_inode *odir,
			struct fs_dirent *src,
			struct fs_inode *ndir, struct fs_dirent *dst,
			unsigned int flags)
{
	lock_assert_held_write(&fs->ns_lock);
	if (fixed(src) || (dst && fixed(dst)))
		return -EPERM;
	if (dst && (flags & RENAME_NOREPLACE))
		return -EEXIST;
	if (!dst && (flags & RENAME_EXCHANGE))
		return -ENOENT;
	if (fs_may_delete(odir, src->inode) ||      /* chattr +i, +a */
	    (dst ? fs_may_delete(ndir, dst->inode) : fs_may_create(ndir)))
		return -EPERM;
	return 0;
}

/* rename_locked - the rename itself, once checked; ns_lock held (write) */
static int rename_locked(struct fs *fs, struct fs_cred *cred,
			 struct fs_dirent *src, struct fs_inode *ndir,
			 const char *newname, struct fs_dirent *dst,
			 unsigned int flags, struct dropped *d)
{
	struct fs_inode *whiteout = NULL;
	int err;

	lock_assert_held_write(&fs->ns_lock);
	if (flags & RENAME_EXCHANGE)
		return exchange(fs, src, dst);
	if (flags & RENAME_WHITEOUT) {
		whiteout = fs_new_inode(fs, S_IFCHR, cred->uid, cred->gid);
		if (!whiteout)      /* ENOSPC: nr_inodes= */
			return errno == ENOSPC ? -ENOSPC :
			       fs_nospace_errno(sizeof(*whiteout));
	}
	err = move(fs, src, ndir, newname, dst, whiteout, d);
	if (err && whiteout) {
		fs_unhash(fs, whiteout);
		d->unused = whiteout;
	}
	return err;
}

/**
 * fs_rename - rename(2) and renameat2(2) of @name in @parent to @newname
 * in @newparent, with RENAME_NOREPLACE, RENAME_EXCHANGE or
 * RENAME_WHITEOUT (whose whiteout belongs to @cred).  Returns 0 or -errno;
 * a failure changes nothing.
 */
int fs_rename(struct fs *fs, struct fs_cred *cred, fuse_ino_t parent,
	      const char *name, fuse_ino_t newparent, const char *newname,
	      unsigned int flags)
{
	struct fs_inode *odir, *ndir;
	struct dropped d = { NULL, NULL };
	struct fs_dirent *src, *dst;
	int err = 0;

	if ((flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)) ||
	    ((flags & RENAME_EXCHANGE) &&
	     (flags & (RENAME_NOREPLACE | RENAME_WHITEOUT))))
		return -EINVAL;
	if (check_name(name) || check_name(newname))
		return -ENAMETOOLONG;

	rwlock_wrlock(&fs->ns_lock);
	odir = fs_iget(fs, parent);
	ndir = get_dir(fs, newparent, &err);
	if (!odir || !S_ISDIR(odir->mode))
		err = odir ? -ENOTDIR : -ENOENT;
	src = err ? NULL : fs_dir_find(fs, odir, name);
	if (!err && !src)
		err = -ENOENT;
	if (err)
		goto unlock;
	dst = fs_dir_find(fs, ndir, newname);
	if (dst && dst->inode == src->inode)
		goto unlock;         /* POSIX: two links to one file: no-op */
	err = rename_check(fs, odir, src, ndir, dst, flags);
	if (!err)
		err = rename_locked(fs, cred, src, ndir, newname, dst, flags,
				    &d);
	if (!err) {
		fs_touch(odir, FS_MTIME | FS_CTIME);
		if (ndir != odir)
			fs_touch(ndir, FS_MTIME | FS_CTIME);
	}
unlock:
	rwlock_unlock(&fs->ns_lock);
	finish(fs, &d);
	return err;
}
