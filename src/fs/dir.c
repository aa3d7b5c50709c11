/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dir.c - directory entries: the name table and each directory's list */

/*
 * Entries are found by (directory, name) in fs->names, a hash table
 * (hashtable.h), and listed from each directory's list in cookie order.
 * Directory entries carry cookies that grow with every entry added to a
 * directory (fs_dir_add appends), so a readdir that resumes "after cookie
 * N" neither repeats nor skips an entry that was there all along, whatever
 * is created or removed meanwhile.  dir.gen counts the entries taken out
 * of a directory, so that readdir.c's cursor knows when the last entry it
 * returned may be gone.
 *
 * The entry of a daemon's own inode (FS_I_FIXED: the pseudo-files) comes
 * from the pseudo cache and points at a name that outlives it.  nlink is
 * the callers' (namei.c, mount.c, pseudo.c) to keep.
 *
 * Locks: fs->ns_lock protects the table, the lists and their counters:
 * fs_dir_find needs it for reading at least, the rest for writing.  Adding
 * an entry allocates (GFP_KERNEL) under it; removing one never needs
 * memory.
 */

#include "config.h"

#include <errno.h>
#include <string.h>

#include "fs/fs.h"

/* name_hash - where the entry @name of @dir sits in fs->names */
static uint64_t name_hash(const struct fs_inode *dir, const char *name,
			  size_t len)
{
	uint64_t h = 14695981039346656037ULL;       /* FNV-1a */
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)name[i]) * 1099511628211ULL;
	return h ^ hash_u64(dir->ino);
}

/**
 * fs_dir_find - the entry @name of directory @dir, or NULL
 * The caller holds ns_lock (read).
 */
struct fs_dirent *fs_dir_find(struct fs *fs, struct fs_inode *dir,
			      const char *name)
{
	size_t len = strlen(name);
	uint64_t h = name_hash(dir, name, len);
	struct hnode *pos;

	lock_assert_held(&fs->ns_lock);
	htable_for_each_possible(pos, &fs->names, h) {
		struct fs_dirent *de = container_of(pos, struct fs_dirent,
						    hash);

		if (de->dir == dir && de->namelen == len &&
		    !memcmp(de->name, name, len))
			return de;
	}
	return NULL;
}

/* link_entry - hash @de, naming @inode in @dir, at the end of its list */
static void link_entry(struct fs *fs, struct fs_inode *dir,
		       struct fs_dirent *de, struct fs_inode *inode,
		       size_t len)
{
	de->namelen = len;
	de->inode = inode;
	de->dir = dir;
	de->cookie = dir->dir.next_cookie++;
	list_add_tail(&de->list, &dir->dir.entries);
	dir->dir.nr_entries++;
	htable_add(&fs->names, &de->hash, name_hash(dir, de->name, len));
}

/* unlink_entry - take @de out of its directory's list and the hash */
static void unlink_entry(struct fs *fs, struct fs_dirent *de)
{
	struct fs_inode *dir = de->dir;

	htable_del(&fs->names, &de->hash);
	list_del(&de->list);
	dir->dir.nr_entries--;
	dir->dir.gen++;
}

/*
 * add_fixed - the entry of a daemon's inode: from the pseudo cache,
 * outside size= (FS_GFP_REPORT), and pointing at @name rather than a
 * copy, since the daemon's names (pseudo_file tables, slab/'s caches)
 * outlive their entries
 */
static int add_fixed(struct fs *fs, struct fs_inode *dir, const char *name,
		     struct fs_inode *inode)
{
	struct fs_dirent *de;

	de = kmem_cache_alloc(fs->pseudo_dentry_cache, FS_GFP_REPORT);
	if (!de)
		return -ENOMEM;
	de->name = (char *)name;
	link_entry(fs, dir, de, inode, strlen(name));
	return 0;
}

/**
 * fs_dir_add - give @inode the name @name in @dir
 * The entry goes to the end of @dir's list with the next cookie, so a
 * readdir in progress sees it at most once and skips nothing.  nlink is the
 * caller's to update.  The caller holds ns_lock for writing and has checked
 * that @name is free.  Returns 0 or -ENOMEM.  May block for memory.
 */
int fs_dir_add(struct fs *fs, struct fs_inode *dir, const char *name,
	       struct fs_inode *inode)
{
	size_t len = strlen(name);
	struct fs_dirent *de;

	lock_assert_held_write(&fs->ns_lock);
	if (inode->flags & FS_I_FIXED)
		return add_fixed(fs, dir, name, inode);
	de = kmem_cache_alloc(fs->dentry_cache, GFP_KERNEL);
	if (!de)
		return -ENOMEM;
	de->name = kmalloc(len + 1, GFP_KERNEL);
	if (!de->name) {
		kmem_cache_free(fs->dentry_cache, de);
		return -ENOMEM;
	}
	memcpy(de->name, name, len + 1);
	link_entry(fs, dir, de, inode, len);
	return 0;
}

/**
 * fs_dir_del - remove and free the entry @de (not its inode)
 * nlink is the caller's to update.  The caller holds ns_lock for writing.
 * Never needs memory.
 */
void fs_dir_del(struct fs *fs, struct fs_dirent *de)
{
	lock_assert_held_write(&fs->ns_lock);
	unlink_entry(fs, de);
	if (de->inode->flags & FS_I_FIXED) {
		kmem_cache_free(fs->pseudo_dentry_cache, de);
		return;              /* its name is not its own */
	}
	kfree(de->name);
	kmem_cache_free(fs->dentry_cache, de);
}

/**
 * fs_dir_move - give the entry @de, keeping its inode, the name @name in
 * @dir (which may be its own directory)
 * The entry is reused, and its name stays in its block when the kmalloc
 * class holds the new one, so a rename needs memory only for a name that
 * outgrows the old one's class: at the size limit a file can still be
 * renamed, as on tmpfs.  The entry goes to the end of @dir's list with the
 * next cookie, as fs_dir_add's.  The caller holds ns_lock for writing and
 * has checked that @name is free in @dir.  Returns 0 or -ENOMEM (then
 * nothing changed).  May block for memory.
 */
int fs_dir_move(struct fs *fs, struct fs_dirent *de, struct fs_inode *dir,
		const char *name)
{
	size_t len = strlen(name);
	char *n;

	lock_assert_held_write(&fs->ns_lock);
	n = krealloc(de->name, len + 1, GFP_KERNEL);
	if (!n)
		return -ENOMEM;
	unlink_entry(fs, de);
	de->name = n;
	memcpy(n, name, len + 1);
	link_entry(fs, dir, de, de->inode, len);
	return 0;
}

/* fs_dir_clear - remove every entry of @dir (at unmount); ns_lock (w) */
void fs_dir_clear(struct fs *fs, struct fs_inode *dir)
{
	struct fs_dirent *de, *tmp;

	lock_assert_held_write(&fs->ns_lock);
	list_for_each_entry_safe(de, tmp, &dir->dir.entries, list)
		fs_dir_del(fs, de);
}
