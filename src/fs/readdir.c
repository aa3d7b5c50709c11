/* SPDX-License-Identifier: GPL-2.0-or-later */
/* readdir.c - directory listings: opendir, readdir, releasedir */

/*
 * A listing walks a directory's entries (dir.c) in cookie order; offsets
 * 1 and 2 belong to "." and "..", and an entry's offset is its cookie, so
 * a readdir that resumes "after cookie N" neither repeats nor skips an
 * entry that was there all along.  An open directory keeps a cursor (the
 * last entry it returned) so that resuming costs nothing while no entry
 * of the directory has been freed (dir.gen unchanged); otherwise the list
 * is walked.
 *
 * Locks: readdir holds fs->ns_lock for reading, and the sink it fills
 * runs under it and only copies; under readdirplus fs_fill_entry takes
 * each inode's attr_lock inside it (lock.h).  Only opendir allocates (the
 * cursor, which a listing can do without); readdir never needs memory.
 */

#include "config.h"

#include <errno.h>
#include <string.h>

#include "fs/fs.h"

/* A readdir cursor: where the previous readdir of this open stopped. */
struct dir_handle {
	struct fs_dirent *last;      /* last entry returned, or NULL */
	uint64_t off;                /* its cookie: the offset to resume at */
	unsigned long gen;           /* dir.gen then: @last is alive if equal */
};

/**
 * fs_opendir - a cursor for listing directory @ino, into *@fh.  Without
 * one (no memory) readdir still works, walking from the start, so this
 * fails only for a bad @ino.
 */
int fs_opendir(struct fs *fs, fuse_ino_t ino, void **fh)
{
	struct fs_inode *inode;

	inode = fs_iget_unlocked(fs, ino);
	if (!inode)
		return -ENOENT;
	if (!S_ISDIR(inode->mode))
		return -ENOTDIR;
	fs_dir_refresh(fs, inode);           /* a listing starts now */
	/* the daemon's directories are short, and looking costs no space:
	   their listings walk */
	*fh = NULL;
	if (!(inode->flags & FS_I_FIXED))
		*fh = kzalloc(sizeof(struct dir_handle),
			      GFP_KERNEL | __GFP_NOWARN);
	return 0;
}

void fs_releasedir(void *fh)
{
	kfree(fh);
}

/*
 * emit - hand one entry for @inode at offset @cookie to @sink.  Returns
 * false when it does not fit: then nothing was added and no lookup taken.
 */
static bool emit(struct fs *fs, struct fs_dir_sink *sink, const char *name,
		 struct fs_inode *inode, uint64_t cookie, bool live,
		 bool lookup)
{
	struct fuse_entry_param e;

	lock_assert_held(&fs->ns_lock);
	memset(&e, 0, sizeof(e));
	/* readdirplus: an entry with node 0 is a name alone (the kernel
	   ignores "." and ".." anyway), and leaves what the kernel holds of
	   an inode as it is, with its cached ACLs */
	if (sink->plus && lookup && (live || !fs_attr_kept(fs, inode))) {
		fs_fill_entry(fs, inode, &e);
		if (live)
			e.entry_timeout = 0;
	} else {
		e.ino = sink->plus ? 0 : inode->ino;
		e.attr.st_ino = inode->ino;
		e.attr.st_mode = inode->mode;    /* only the type is used */
		lookup = false;
	}
	lookup = lookup && sink->plus;
	if (!sink->emit(sink, name, &e, cookie, lookup))
		return false;
	if (lookup)
		fs_hold(fs, inode);
	return true;
}

/* seek - the first entry of @dir after offset @off */
static struct list_head *seek(struct fs *fs, struct fs_inode *dir,
			      struct dir_handle *h,
			      uint64_t off)
{
	struct fs_dirent *de;

	lock_assert_held(&fs->ns_lock);
	if (h && h->last && h->gen == dir->dir.gen && h->off == off)
		return h->last->list.next;
	list_for_each_entry(de, &dir->dir.entries, list)
		if (de->cookie > off)
			return &de->list;
	return &dir->dir.entries;
}

/*
 * fill_dir - the entries of @dir after @off into @sink.  Under
 * readdirplus each entry returned (but "." and "..") carries a lookup.
 * A directory with fs_dir_ops changes by itself: its entries are not to
 * be kept.  ns_lock held (read).
 */
static void fill_dir(struct fs *fs, struct fs_dir_sink *sink,
		     struct fs_inode *dir, uint64_t off, struct dir_handle *h)
{
	bool live = dir->dir.ops != NULL;
	struct fs_inode *parent;
	struct fs_dirent *de, *last = NULL;
	struct list_head *pos;
	uint64_t c;

	lock_assert_held(&fs->ns_lock);
	for (c = off + 1; c < FS_COOKIE_FIRST; c++) {
		if (c == 1 && !emit(fs, sink, ".", dir, c, live, false))
			return;
		if (c == 2) {
			parent = fs_iget(fs, dir->dir.parent);
			if (!emit(fs, sink, "..", parent ? parent : dir, c,
				  live, false))
				return;
		}
	}
	for (pos = seek(fs, dir, h, off); pos != &dir->dir.entries;
	     pos = pos->next) {
		de = list_entry(pos, struct fs_dirent, list);
		if (!emit(fs, sink, de->name, de->inode, de->cookie, live,
			  true))
			break;
		last = de;
	}
	if (h) {
		h->last = last;
		h->off = last ? last->cookie : 0;
		h->gen = dir->dir.gen;
	}
}

/**
 * fs_readdir - the entries of directory @ino after offset @off, through
 * the cursor @fh (fs_opendir's, or NULL), into @sink until it is full.
 * Returns 0 or -errno.  Never needs memory.
 */
int fs_readdir(struct fs *fs, fuse_ino_t ino, off_t off, void *fh,
	       struct fs_dir_sink *sink)
{
	struct fs_inode *dir;
	int err = 0;

	rwlock_rdlock(&fs->ns_lock);
	dir = fs_iget(fs, ino);
	if (!dir || !S_ISDIR(dir->mode))
		err = dir ? -ENOTDIR : -ENOENT;
	else if (off >= 0)
		fill_dir(fs, sink, dir, (uint64_t)off, fh);
	if (dir)
		fs_attr_drop(dir);
	rwlock_unlock(&fs->ns_lock);
	return err;
}
