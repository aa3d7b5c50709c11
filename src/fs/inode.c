/* SPDX-License-Identifier: GPL-2.0-or-later */
/* inode.c - scullcfs's inode table, attributes, lookups and lifetimes */

/*
 * Two hash tables (hashtable.h), both in struct fs and both under ns_lock,
 * hold the namespace: fs->inodes finds an inode by number, fs->names
 * (dir.c) a directory entry by (directory, name).  Each directory also
 * keeps its entries on a list in cookie order, for readdir.
 *
 * Lifetime of an inode:
 *   alive  <=>  nlink > 0  ||  nlookup > 0  ||  ino == FUSE_ROOT_ID
 * nlink counts names (plus "." and the subdirectories' ".." for a
 * directory), nlookup the references the kernel holds (each successful
 * entry reply adds one, FORGET takes them back).  Whoever makes both zero -
 * forget, unlink, rmdir or a rename over the last name - unhashes the inode
 * under the write lock and frees it after unlocking, so that freeing a big
 * device's quanta never holds up the namespace.
 *
 * The pseudo-files are inodes like the others, with their own operations
 * (inode->fops) and the FS_I_FIXED flag, which refuses changes of mode
 * and owner here and of names in namei.c.
 *
 * Lock order: enum lock_rank (lock.h), checked by debug builds.  A
 * device's lock (scull.c) is outside ns_lock, ns_lock outside attr_lock,
 * and all of them outside the allocator's locks.
 *
 * ns_lock protects both tables, every directory's entry list and counters,
 * nlink, and fs->devices.  Lookups and readdir take it for reading, every
 * change of a name for writing.  nlookup is the exception that lets lookups
 * stay readers: it is only changed with atomic operations, under the read
 * lock when it grows (fs_hold) and under the write lock when it shrinks,
 * so it can reach zero only while no lookup runs.  nlink is stored and
 * loaded atomically so that fs_fill_attr may read it without ns_lock.
 *
 * The type bits of mode (S_IFMT) never change, so S_ISDIR() & co. may be
 * tested without attr_lock.
 *
 * attr_lock protects an inode's mode, owner, rdev, times and extended
 * attributes: short critical sections, never held across an allocation
 * (xattr.c's replies are the one documented exception) and never together
 * with a device lock, though the order would allow one under the other.
 *
 * The rule that keeps one busy file from stalling the namespace, and the
 * reason a device's lock ranks outside ns_lock: nothing waits for a
 * device's lock while holding ns_lock (a trylock may).  A device's lock
 * can be held for long (a write of 1 MiB, a fallocate of gigabytes), and a
 * reader waiting for it under ns_lock would hold up every create, unlink
 * and rename in every directory behind it.  So fs_fill_attr, which runs
 * under ns_lock in lookup, readdirplus and getattr, peeks at a device's
 * size without its lock (scull_dev_peek); data operations find their inode
 * under ns_lock, drop it, then take the device's lock.  No
 * lock is held while replying to FUSE: results are built under the locks
 * and ll.c replies after the core returns - save the few that send data
 * straight from under its lock (file.c's reads, and xattr.c's gets through
 * their fs_buf_sink); those pin the inode (fs_pin) first,
 * since after the reply the kernel may forget it while they unlock.  A
 * readlink, which sends the inode's target with no lock, pins it too.
 */

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "fs/fs.h"

#define BOGO_DIRENT_SIZE 20          /* st_size of a directory per entry */

/**
 * fs_iget - the inode numbered @ino, or NULL
 * The caller holds ns_lock (read or write).
 */
struct fs_inode *fs_iget(struct fs *fs, fuse_ino_t ino)
{
	uint64_t h = hash_u64(ino);
	struct hnode *pos;

	lock_assert_held(&fs->ns_lock);
	htable_for_each_possible(pos, &fs->inodes, h) {
		struct fs_inode *inode = container_of(pos, struct fs_inode,
						      hash);

		if (inode->ino == ino)
			return inode;
	}
	return NULL;
}

/**
 * fs_iget_unlocked - fs_iget for a request about @ino, taking ns_lock
 * The result stays valid until the request is answered: the kernel holds a
 * lookup on any inode it sends a request about.
 */
struct fs_inode *fs_iget_unlocked(struct fs *fs, fuse_ino_t ino)
{
	struct fs_inode *inode;

	rwlock_rdlock(&fs->ns_lock);
	inode = fs_iget(fs, ino);
	rwlock_unlock(&fs->ns_lock);
	return inode;
}

/* new_inode - a zeroed inode of @mode with the next number, hashed; a
   @fixed one (the daemon's) from its own cache, not charged to size= */
static struct fs_inode *new_inode(struct fs *fs, mode_t mode, uid_t uid,
				  gid_t gid, bool fixed)
{
	struct fs_inode *inode;
	struct timespec now;

	lock_assert_held_write(&fs->ns_lock);
	if (fixed)
		inode = kmem_cache_zalloc(fs->pseudo_inode_cache,
					  FS_GFP_REPORT);
	else
		inode = kmem_cache_zalloc(fs->inode_cache, GFP_KERNEL);
	if (!inode)
		return NULL;
	inode->flags = fixed ? FS_I_FIXED : 0;
	fs->nr_fixed += fixed;
	mutex_init(&inode->attr_lock, "attr_lock", LOCK_RANK_FS_ATTR);
	clock_gettime(CLOCK_REALTIME, &now);
	inode->mode = mode;
	inode->uid = uid;
	inode->gid = gid;
	inode->atime = inode->mtime = inode->ctime = now;
	INIT_LIST_HEAD(&inode->devices);
	INIT_LIST_HEAD(&inode->xattrs);
	if (S_ISDIR(mode)) {
		INIT_LIST_HEAD(&inode->dir.entries);
		inode->dir.next_cookie = FS_COOKIE_FIRST;
	}
	inode->ino = fs->next_ino++;
	inode->pins = 1;                    /* the table's */
	htable_add(&fs->inodes, &inode->hash, hash_u64(inode->ino));
	return inode;
}

/**
 * fs_new_inode - make an inode with no name (nlink 0, nlookup 0)
 * A regular file gets its scull device and joins fs->devices; a directory
 * gets an empty entry list.  It counts against nr_inodes= (fixed inodes,
 * the daemon's own, do not).  The caller holds ns_lock for writing.
 * Returns the inode, or NULL with errno ENOMEM, or ENOSPC at nr_inodes=.
 * May block for memory.
 */
struct fs_inode *fs_new_inode(struct fs *fs, mode_t mode, uid_t uid,
			      gid_t gid)
{
	struct fs_inode *inode;

	lock_assert_held_write(&fs->ns_lock);
	if (fs->opt.nr_inodes && fs->nr_inodes >= fs->opt.nr_inodes) {
		errno = ENOSPC;
		return NULL;
	}
	inode = new_inode(fs, mode, uid, gid, false);
	if (!inode)
		return NULL;
	fs->nr_inodes++;
	if (!S_ISREG(mode))
		return inode;
	if (scull_dev_init(&inode->dev, &fs->sb)) {
		fs_unhash(fs, inode);
		fs_evict(fs, inode);
		errno = ENOMEM;
		return NULL;
	}
	inode->fops = &fs_dev_fops;
	list_add_tail(&inode->devices, &fs->devices);
	return inode;
}

/**
 * fs_new_fixed - make an FS_I_FIXED inode owned by the mounting user
 * @fops: a regular file's operations, or NULL for a directory
 * Times are the mount's start.  The caller holds ns_lock for writing and
 * fills the rest (inode->pseudo, the name).  Returns the inode, or NULL
 * with errno ENOMEM.  May block for memory.
 */
struct fs_inode *fs_new_fixed(struct fs *fs, mode_t mode,
			      const struct fs_file_ops *fops)
{
	struct fs_inode *inode = new_inode(fs, mode, fs->owner, fs->group,
					   true);

	lock_assert_held_write(&fs->ns_lock);
	if (!inode)
		return NULL;
	inode->fops = fops;
	inode->atime = inode->mtime = inode->ctime = fs->start;
	return inode;
}

/**
 * fs_extra_name - a non-directory gains (@delta 1) or loses (-1) a name
 * beyond its first.  tmpfs counts those against nr_inodes= as it counts
 * inodes (each name pins memory until it is removed), and so do we.
 * Returns 0, or -ENOSPC when a new one is over the limit.  The caller
 * holds ns_lock for writing.
 */
int fs_extra_name(struct fs *fs, int delta)
{
	lock_assert_held_write(&fs->ns_lock);
	if (delta > 0 && fs->opt.nr_inodes &&
	    fs->nr_inodes >= fs->opt.nr_inodes)
		return -ENOSPC;
	fs->nr_inodes += delta;
	return 0;
}

/* fs_unhash - take @inode out of the table; the caller holds ns_lock (w) */
void fs_unhash(struct fs *fs, struct fs_inode *inode)
{
	lock_assert_held_write(&fs->ns_lock);
	htable_del(&fs->inodes, &inode->hash);
	list_del(&inode->devices);          /* a no-op but for devices */
	if (!(inode->flags & FS_I_FIXED))
		fs->nr_inodes--;
	else
		fs->nr_fixed--;
}

/* destroy - free an inode nobody can reach with everything it owns */
static void destroy(struct fs *fs, struct fs_inode *inode)
{
	if (fs_is_device(inode))
		scull_dev_destroy(&inode->dev);
	else if (S_ISLNK(inode->mode))
		kfree(inode->target);
	fs_xattr_free_all(inode);
	mutex_destroy(&inode->attr_lock);
	kmem_cache_free(inode->flags & FS_I_FIXED ? fs->pseudo_inode_cache :
			fs->inode_cache, inode);
}

/**
 * fs_evict - drop the table's pin on an unhashed inode
 * No lock is held; no new request can find @inode any more.  It is freed
 * with everything it owns at once, or by the last request still finishing
 * with it after its reply (fs_unpin).  A directory must be empty.  Never
 * needs memory.
 */
void fs_evict(struct fs *fs, struct fs_inode *inode)
{
	fs_unpin(fs, inode);
}

/**
 * fs_pin - keep @inode alive after the reply to the caller's request
 * Once a request is answered the kernel may forget the inode and another
 * thread evict it.  A request that still uses its inode after replying
 * (one that replies under the inode's own lock and then unlocks it) pins
 * it first, while the kernel's lookup still holds it - so the count,
 * above zero, only needs to be atomic - and unpins it when done.
 */
void fs_pin(struct fs_inode *inode)
{
	__atomic_add_fetch(&inode->pins, 1, __ATOMIC_RELAXED);
}

/* fs_unpin - drop a pin: release, so that everything the dropper did with
   the inode happens before the free; acquire in the one that frees */
void fs_unpin(struct fs *fs, struct fs_inode *inode)
{
	if (__atomic_sub_fetch(&inode->pins, 1, __ATOMIC_ACQ_REL) == 0)
		destroy(fs, inode);
}

/* fs_unused - @inode has no name and no lookup; ns_lock held (write) */
bool fs_unused(struct fs *fs, struct fs_inode *inode)
{
	lock_assert_held_write(&fs->ns_lock);
	return inode->ino != FUSE_ROOT_ID &&
	       __atomic_load_n(&inode->nlink, __ATOMIC_RELAXED) == 0 &&
	       __atomic_load_n(&inode->nlookup, __ATOMIC_RELAXED) == 0;
}

/**
 * fs_dir_refresh - bring @dir's entries up to date, if it is a directory
 * with fs_dir_ops (slab/ and its caches'); no lock held.  What the
 * following lookup or listing sees.  @dir must be one a request holds.
 */
void fs_dir_refresh(struct fs *fs, struct fs_inode *dir)
{
	if (S_ISDIR(dir->mode) && dir->dir.ops && dir->dir.ops->refresh)
		dir->dir.ops->refresh(fs, dir);
}

/* fs_hold - one more kernel lookup on @inode; ns_lock held (read) */
void fs_hold(struct fs *fs, struct fs_inode *inode)
{
	lock_assert_held(&fs->ns_lock);
	__atomic_add_fetch(&inode->nlookup, 1, __ATOMIC_RELAXED);
}

/* ts_ns - @ts in nanoseconds, never 0 for a time set since 1970 */
static uint64_t ts_ns(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * 1000000000 + (uint64_t)ts->tv_nsec;
}

/**
 * fs_fill_attr - @inode's attributes as stat(2) shows them
 * Takes attr_lock only: a device's size and quanta are peeked without its
 * lock, so that a lookup, readdirplus or getattr, which hold ns_lock, never
 * wait behind a long write or fallocate of one file.  For a directory the
 * caller holds ns_lock (its size counts entries).  Never blocks for memory.
 */
void fs_fill_attr(struct fs *fs, struct fs_inode *inode, struct stat *st)
{
	unsigned long nr_quanta;
	uint64_t size;

	if (S_ISDIR(inode->mode))
		lock_assert_held(&fs->ns_lock);
	memset(st, 0, sizeof(*st));
	st->st_ino = inode->ino;
	st->st_nlink = __atomic_load_n(&inode->nlink, __ATOMIC_RELAXED);
	/* the kernel keeps a block size as a power of two (i_blkbits) and
	   would round 4000 down to 2048: offer the power of two that holds a
	   quantum as the preferred I/O size */
	st->st_blksize = PAGE_SIZE;
	while ((unsigned long)st->st_blksize < fs->sb.quantum)
		st->st_blksize <<= 1;
	mutex_lock(&inode->attr_lock);
	st->st_mode = inode->mode;
	st->st_uid = inode->uid;
	st->st_gid = inode->gid;
	st->st_rdev = inode->rdev;
	st->st_atim = inode->atime;
	st->st_mtim = inode->mtime;
	st->st_ctim = inode->ctime;
	__atomic_store_n(&inode->shown_ctime, ts_ns(&inode->ctime),
			 __ATOMIC_RELAXED);
	mutex_unlock(&inode->attr_lock);

	if (fs_is_device(inode)) {
		scull_dev_peek(&inode->dev, &size, &nr_quanta);
		st->st_size = (off_t)size;
		/* the bytes the data is kept in, as du expects (scull.h) */
		st->st_blocks = (blkcnt_t)((scull_dev_held(&inode->dev) +
					    511) / 512);
	} else if (S_ISDIR(st->st_mode)) {
		st->st_size = (off_t)(inode->dir.nr_entries + 2) *
			      BOGO_DIRENT_SIZE;
	} else if (S_ISLNK(st->st_mode)) {
		st->st_size = (off_t)strlen(inode->target);
	}
}

/* fs_fill_entry - the entry reply for @inode; the caller holds ns_lock */
void fs_fill_entry(struct fs *fs, struct fs_inode *inode,
		   struct fuse_entry_param *e)
{
	lock_assert_held(&fs->ns_lock);
	memset(e, 0, sizeof(*e));
	e->ino = inode->ino;
	fs_fill_attr(fs, inode, &e->attr);
	/* every change reaches us through the kernel, which drops what it
	   cached of the inodes a request changes (size, blocks and times
	   after a write, fallocate or setattr; nlink and ctime after link,
	   unlink and rename), so the attributes may be kept */
	e->attr_timeout = fs->timeout;
	e->entry_timeout = fs->timeout;
}

/*
 * fs_attr_kept - whether the kernel still holds @inode's attributes as
 * fs_fill_attr last gave them, so that a readdirplus entry need not carry
 * them.  It does while it holds the inode (a lookup), keeps attributes
 * for long (every cache= but auto, whose timeouts are a second), and has
 * not dropped them: every change it sends moves ctime, after which it
 * drops what it cached, and a read drops its atime (fs_attr_drop).  A
 * wrong guess costs one GETATTR or LOOKUP, never a stale answer: the
 * kernel asks for what it does not hold.
 */
bool fs_attr_kept(struct fs *fs, struct fs_inode *inode)
{
	bool kept;

	if (fs->opt.cache == FS_CACHE_AUTO ||
	    !__atomic_load_n(&inode->nlookup, __ATOMIC_RELAXED))
		return false;
	mutex_lock(&inode->attr_lock);
	kept = __atomic_load_n(&inode->shown_ctime, __ATOMIC_RELAXED) ==
	       ts_ns(&inode->ctime);
	mutex_unlock(&inode->attr_lock);
	return kept;
}

/* fs_attr_drop - the kernel drops @inode's atime after reading through
   the daemon (READ, READDIR, READLINK), whatever relatime did */
void fs_attr_drop(struct fs_inode *inode)
{
	__atomic_store_n(&inode->shown_ctime, 0, __ATOMIC_RELAXED);
}

/* fs_touch - set the times in @which (FS_ATIME | FS_MTIME | FS_CTIME) */
void fs_touch(struct fs_inode *inode, int which)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	mutex_lock(&inode->attr_lock);
	if (which & FS_ATIME)
		inode->atime = now;
	if (which & FS_MTIME)
		inode->mtime = now;
	if (which & FS_CTIME)
		inode->ctime = now;
	mutex_unlock(&inode->attr_lock);
}

/* drop - give back @n lookups of @ino: the core of FORGET */
static void drop(struct fs *fs, fuse_ino_t ino, uint64_t n,
		 struct fs_inode **victims)
{
	struct fs_inode *inode;
	uint64_t have;

	lock_assert_held_write(&fs->ns_lock);
	inode = fs_iget(fs, ino);
	if (!inode)
		return;
	have = __atomic_load_n(&inode->nlookup, __ATOMIC_RELAXED);
	if (n > have) {
		fuse_log(FUSE_LOG_WARNING, "scullcfs: forget of %llu lookups "
			 "on inode %llu that has %llu\n",
			 (unsigned long long)n, (unsigned long long)ino,
			 (unsigned long long)have);
		n = have;
	}
	__atomic_sub_fetch(&inode->nlookup, n, __ATOMIC_RELAXED);
	if (fs_unused(fs, inode)) {
		fs_unhash(fs, inode);
		/* the hash link is free for reuse once unhashed */
		inode->hash.next = *victims ? &(*victims)->hash : NULL;
		*victims = inode;
	}
}

static void evict_all(struct fs *fs, struct fs_inode *victims)
{
	struct fs_inode *next;

	for (; victims; victims = next) {
		next = hnode_entry(victims->hash.next, struct fs_inode, hash);
		fs_evict(fs, victims);
	}
}

/**
 * fs_unlookup - take back the lookup of an entry reply the kernel never
 * got (the request was interrupted); no lock held
 */
void fs_unlookup(struct fs *fs, fuse_ino_t ino)
{
	struct fs_inode *victims = NULL;

	rwlock_wrlock(&fs->ns_lock);
	drop(fs, ino, 1, &victims);
	rwlock_unlock(&fs->ns_lock);
	evict_all(fs, victims);
}

/**
 * fs_lookup - the entry @name of directory @parent into @e, with the
 * lookup it carries.  -ENOENT leaves a negative entry in @e (its
 * entry_timeout), which the kernel may keep: names only appear through
 * it, and it replaces the entry when it creates one.
 */
int fs_lookup(struct fs *fs, fuse_ino_t parent, const char *name,
	      struct fuse_entry_param *e)
{
	struct fs_inode *dir;
	struct fs_dirent *de;
	double timeout = fs->timeout;
	int err = 0;

	if (strlen(name) > FS_NAME_MAX)
		return -ENAMETOOLONG;

	rwlock_rdlock(&fs->ns_lock);
	dir = fs_iget(fs, parent);
	if (dir && S_ISDIR(dir->mode) && dir->dir.ops) {
		/* a directory of the daemon's, whose names follow what it
		   shows, not this kernel: brought up to date first, and its
		   answers, positive or negative, not kept */
		rwlock_unlock(&fs->ns_lock);
		fs_dir_refresh(fs, dir);
		rwlock_rdlock(&fs->ns_lock);
		timeout = 0;
	}
	if (!dir || !S_ISDIR(dir->mode)) {
		err = dir ? -ENOTDIR : -ENOENT;
	} else if (!(de = fs_dir_find(fs, dir, name))) {
		err = -ENOENT;
	} else {
		fs_fill_entry(fs, de->inode, e);
		e->entry_timeout = timeout;
		fs_hold(fs, de->inode);
	}
	rwlock_unlock(&fs->ns_lock);
	if (err == -ENOENT) {
		memset(e, 0, sizeof(*e));
		e->entry_timeout = timeout;
	}
	return err;
}

/* fs_forget - the kernel gives back @nlookup lookups of @ino */
void fs_forget(struct fs *fs, fuse_ino_t ino, uint64_t nlookup)
{
	struct fs_inode *victims = NULL;

	rwlock_wrlock(&fs->ns_lock);
	drop(fs, ino, nlookup, &victims);
	rwlock_unlock(&fs->ns_lock);
	evict_all(fs, victims);
}

void fs_forget_multi(struct fs *fs, size_t count,
		     const struct fuse_forget_data *forgets)
{
	struct fs_inode *victims = NULL;
	size_t i;

	rwlock_wrlock(&fs->ns_lock);
	for (i = 0; i < count; i++)
		drop(fs, forgets[i].ino, forgets[i].nlookup, &victims);
	rwlock_unlock(&fs->ns_lock);
	evict_all(fs, victims);
}

int fs_getattr(struct fs *fs, fuse_ino_t ino, struct stat *st)
{
	struct fs_inode *inode;

	rwlock_rdlock(&fs->ns_lock);
	inode = fs_iget(fs, ino);
	if (inode)
		fs_fill_attr(fs, inode, st);
	rwlock_unlock(&fs->ns_lock);
	return inode ? 0 : -ENOENT;
}

/* setattr_check - whether @inode takes the setattr: 0 or -errno, with
   nothing changed; no lock held */
static int setattr_check(struct fs *fs, struct fs_inode *inode,
			 const struct stat *attr, int to_set)
{
	int ret;

	if ((inode->flags & FS_I_FIXED) &&
	    (to_set & (FUSE_SET_ATTR_MODE | FUSE_SET_ATTR_UID |
		       FUSE_SET_ATTR_GID)))
		return -EPERM;
	ret = fs_may_setattr(inode, to_set, attr->st_mode,
			     fs->opt.writeback); /* chattr */
	if (ret || !(to_set & FUSE_SET_ATTR_SIZE))
		return ret;
	if (S_ISDIR(inode->mode))
		return -EISDIR;
	if (!S_ISREG(inode->mode) || attr->st_size < 0)
		return -EINVAL;
	return 0;
}

/* setattr_apply - set the attributes; attr_lock held, never fails */
static void setattr_apply(struct fs_cred *cred, struct fs_inode *inode,
			  const struct stat *attr, int to_set,
			  const struct timespec *now)
{
	gid_t gid = inode->gid;

	lock_assert_held(&inode->attr_lock);
	if (to_set & FUSE_SET_ATTR_MODE) {
		inode->mode = (inode->mode & S_IFMT) | (attr->st_mode & 07777);
		fs_acl_chmod(inode);
	}
	if (to_set & FUSE_SET_ATTR_UID)
		inode->uid = attr->st_uid;
	if (to_set & FUSE_SET_ATTR_GID)
		inode->gid = attr->st_gid;
	if (to_set & FUSE_SET_ATTR_SIZE)
		inode->mtime = *now;
	if (to_set & (FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_ATIME_NOW))
		inode->atime = (to_set & FUSE_SET_ATTR_ATIME_NOW) ?
			       *now : attr->st_atim;
	if (to_set & (FUSE_SET_ATTR_MTIME | FUSE_SET_ATTR_MTIME_NOW))
		inode->mtime = (to_set & FUSE_SET_ATTR_MTIME_NOW) ?
			       *now : attr->st_mtim;
	/* every change moves ctime, and so does a setattr that sets
	   nothing: that is chown(f, -1, -1) (the kernel sends only
	   FATTR_CTIME with the writeback cache), which Linux filesystems
	   take as a change of owner to the same owner */
	inode->ctime = (to_set & FUSE_SET_ATTR_CTIME) ? attr->st_ctim : *now;
	/* the kernel's set-ID rule, where its own setattr falls short */
	fs_drop_sgid(cred, inode, gid, to_set);
}

/**
 * fs_setattr - change what @to_set (FUSE_SET_ATTR_*) names of @ino to
 * @attr's values on behalf of @cred, and fill @st with the result.  The
 * one step that can fail, a truncate, goes first: a failure changes
 * nothing.  Returns 0 or -errno.  May block (a truncate frees quanta).
 */
int fs_setattr(struct fs *fs, struct fs_cred *cred, fuse_ino_t ino,
	       const struct stat *attr, int to_set, struct stat *st)
{
	struct fs_inode *inode;
	struct timespec now;
	int ret;

	inode = fs_iget_unlocked(fs, ino);
	if (!inode)
		return -ENOENT;
	ret = setattr_check(fs, inode, attr, to_set);
	if (!ret && (to_set & FUSE_SET_ATTR_SIZE))
		ret = inode->fops->truncate ?
		      inode->fops->truncate(inode, (uint64_t)attr->st_size) :
		      -EPERM;
	if (ret)
		return ret;

	clock_gettime(CLOCK_REALTIME, &now);
	mutex_lock(&inode->attr_lock);
	setattr_apply(cred, inode, attr, to_set, &now);
	mutex_unlock(&inode->attr_lock);

	rwlock_rdlock(&fs->ns_lock);
	fs_fill_attr(fs, inode, st);
	rwlock_unlock(&fs->ns_lock);
	return 0;
}

/*
 * statfs: blocks are pages of the allocator's limit.  What only
 * GFP_ATOMIC may use (the reserve) is free but not available, like the
 * blocks ext4 reserves for root.  With nr_inodes=, inodes are what it
 * counts (the root and users' inodes, not the daemon's pseudo-files), as
 * tmpfs reports them; without, one per page of the limit, as tmpfs's
 * default does for RAM.  Without a limit (size=0), the host's RAM.
 */
void fs_statfs(struct fs *fs, struct statvfs *sv)
{
	struct scullc_meminfo mi;
	size_t used, inodes, counted, ram;

	/* users' only: the allocator's used leaves out __GFP_NOACCOUNT
	   pages, and the daemon's own inodes are not counted either */
	scullc_meminfo(&mi);
	rwlock_rdlock(&fs->ns_lock);
	inodes = fs->inodes.nr - fs->nr_fixed;
	counted = fs->nr_inodes;
	rwlock_unlock(&fs->ns_lock);

	memset(sv, 0, sizeof(*sv));
	sv->f_bsize = PAGE_SIZE;
	sv->f_frsize = PAGE_SIZE;
	if (mi.limit == SIZE_MAX) {      /* size=0: the host's memory */
		ram = (size_t)sysconf(_SC_PHYS_PAGES) * PAGE_SIZE;
		mi.limit = ram > mi.used ? ram : mi.used;
	}
	sv->f_blocks = mi.limit / PAGE_SIZE;
	used = mi.used < mi.limit ? mi.used : mi.limit;
	sv->f_bfree = (mi.limit - used) / PAGE_SIZE;
	sv->f_bavail = mi.limit - used > mi.reserve ?
		      (mi.limit - used - mi.reserve) / PAGE_SIZE : 0;
	if (fs->opt.nr_inodes) {
		sv->f_files = fs->opt.nr_inodes;
		sv->f_ffree = sv->f_files - counted;
	} else {
		sv->f_files = sv->f_blocks > inodes ? sv->f_blocks : inodes;
		sv->f_ffree = sv->f_files - inodes;
	}
	sv->f_favail = sv->f_ffree;
	sv->f_namemax = FS_NAME_MAX;
}
