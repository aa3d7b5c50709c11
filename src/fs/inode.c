/* inode.c - scullcfs's inode table, attributes, lookups and lifetimes */

/*
 * Two hash tables, both in struct fs and both under ns_lock, hold the
 * namespace: fs->table finds an inode by number (chained through
 * inode->hash_next), fs->names finds a directory entry by (directory,
 * name) (chained through dirent->hash_next).  Each directory also keeps its
 * entries on a list in cookie order, for readdir (dir.c).  Both tables
 * double when they hold more than one element per bucket, as long as
 * kmalloc can give the bigger array; if it cannot, chains just get longer.
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
 * The pseudo-files have fixed numbers and no struct fs_inode: lookups of
 * them are answered from pseudo.c and their forgets ignored.
 *
 * Lock order:
 *   1. fs->ns_lock        (rwlock)
 *   2. inode->attr_lock   (mutex)
 *   3. scull_dev.lock     (rwlock, scull.c)
 *   4. the allocator's locks (libscullc)
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
 * attr_lock protects an inode's mode, owner, rdev and times: short critical
 * sections, never held across an allocation or a reply, and in practice
 * never together with a device lock (fs_fill_attr and fs_setattr drop it
 * before taking the device's), though the order above would allow it.  No
 * lock is held while replying to FUSE: replies are built under the locks,
 * then sent.
 */

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "fs/fs.h"

#define TABLE_MIN        64          /* buckets in a new table */
#define FS_IOV_POOL_MIN  4           /* reads that always make progress */
#define BOGO_DIRENT_SIZE 20          /* st_size of a directory per entry */

static const char *const pseudo_names[] = {
	[FS_INO_SLABINFO] = "slabinfo",
	[FS_INO_SCULLCMEM] = "scullcmem",
};

static size_t ino_bucket(const struct fs *fs, fuse_ino_t ino)
{
	return (size_t)((ino * 0x9e3779b97f4a7c15ULL) >> 32) &
	       (fs->table_size - 1);
}

static uint32_t name_hash(const struct fs_inode *dir, const char *name,
			  size_t len)
{
	uint32_t h = 2166136261u ^ (uint32_t)dir->ino;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)name[i]) * 16777619u;
	return h ^ (h >> 15);
}

/* grow - a table of twice @size buckets, or NULL to keep the old one */
static void **grow(size_t size, size_t *new_size)
{
	size_t n = size * 2;

	if (n * sizeof(void *) > KMALLOC_MAX_SIZE)
		return NULL;
	*new_size = n;
	return kcalloc(n, sizeof(void *), GFP_KERNEL | __GFP_NOWARN);
}

static void insert_inode(struct fs *fs, struct fs_inode *inode)
{
	size_t b, i, n;
	struct fs_inode **t;

	if (fs->nr_inodes >= fs->table_size &&
	    (t = (struct fs_inode **)grow(fs->table_size, &n))) {
		for (i = 0; i < fs->table_size; i++) {
			struct fs_inode *p = fs->table[i], *next;

			for (; p; p = next) {
				next = p->hash_next;
				b = (size_t)((p->ino * 0x9e3779b97f4a7c15ULL)
					     >> 32) & (n - 1);
				p->hash_next = t[b];
				t[b] = p;
			}
		}
		kfree(fs->table);
		fs->table = t;
		fs->table_size = n;
	}
	b = ino_bucket(fs, inode->ino);
	inode->hash_next = fs->table[b];
	fs->table[b] = inode;
	fs->nr_inodes++;
}

static void insert_name(struct fs *fs, struct fs_dirent *de)
{
	size_t b, i, n;
	struct fs_dirent **t;

	if (fs->nr_dirents >= fs->names_size &&
	    (t = (struct fs_dirent **)grow(fs->names_size, &n))) {
		for (i = 0; i < fs->names_size; i++) {
			struct fs_dirent *p = fs->names[i], *next;

			for (; p; p = next) {
				next = p->hash_next;
				p->hash_next = t[p->hash & (n - 1)];
				t[p->hash & (n - 1)] = p;
			}
		}
		kfree(fs->names);
		fs->names = t;
		fs->names_size = n;
	}
	b = de->hash & (fs->names_size - 1);
	de->hash_next = fs->names[b];
	fs->names[b] = de;
	fs->nr_dirents++;
}

/**
 * fs_iget - the inode numbered @ino, or NULL
 * The caller holds ns_lock (read or write).
 */
struct fs_inode *fs_iget(struct fs *fs, fuse_ino_t ino)
{
	struct fs_inode *p = fs->table[ino_bucket(fs, ino)];

	while (p && p->ino != ino)
		p = p->hash_next;
	return p;
}

/**
 * fs_iget_unlocked - fs_iget for a request about @ino, taking ns_lock
 * The result stays valid until the request is answered: the kernel holds a
 * lookup on any inode it sends a request about.
 */
struct fs_inode *fs_iget_unlocked(struct fs *fs, fuse_ino_t ino)
{
	struct fs_inode *inode;

	pthread_rwlock_rdlock(&fs->ns_lock);
	inode = fs_iget(fs, ino);
	pthread_rwlock_unlock(&fs->ns_lock);
	return inode;
}

/**
 * fs_new_inode - make an inode with no name (nlink 0, nlookup 0)
 * A regular file gets its scull device and joins fs->devices; a directory
 * gets an empty entry list.  The caller holds ns_lock for writing.
 * Returns the inode, or NULL with errno ENOMEM.  May block for memory.
 */
struct fs_inode *fs_new_inode(struct fs *fs, mode_t mode, uid_t uid,
			      gid_t gid)
{
	struct fs_inode *inode;
	struct timespec now;

	inode = kmem_cache_zalloc(fs->inode_cache, GFP_KERNEL);
	if (!inode)
		return NULL;
	if (S_ISREG(mode) && scull_dev_init(&inode->dev, &fs->sb)) {
		kmem_cache_free(fs->inode_cache, inode);
		errno = ENOMEM;
		return NULL;
	}
	pthread_mutex_init(&inode->attr_lock, NULL);
	clock_gettime(CLOCK_REALTIME, &now);
	inode->mode = mode;
	inode->uid = uid;
	inode->gid = gid;
	inode->atime = inode->mtime = inode->ctime = now;
	INIT_LIST_HEAD(&inode->devices);
	if (S_ISREG(mode)) {
		list_add_tail(&inode->devices, &fs->devices);
	} else if (S_ISDIR(mode)) {
		INIT_LIST_HEAD(&inode->dir.entries);
		inode->dir.next_cookie = FS_COOKIE_FIRST;
	}
	inode->ino = fs->next_ino++;
	insert_inode(fs, inode);
	return inode;
}

/* fs_unhash - take @inode out of the table; the caller holds ns_lock (w) */
void fs_unhash(struct fs *fs, struct fs_inode *inode)
{
	struct fs_inode **pp = &fs->table[ino_bucket(fs, inode->ino)];

	while (*pp != inode)
		pp = &(*pp)->hash_next;
	*pp = inode->hash_next;
	inode->hash_next = NULL;
	fs->nr_inodes--;
	if (S_ISREG(inode->mode))
		list_del(&inode->devices);
}

/**
 * fs_evict - free an unhashed inode with everything it owns
 * No lock is held: nobody can reach @inode any more.  A directory must be
 * empty.  Never needs memory.
 */
void fs_evict(struct fs *fs, struct fs_inode *inode)
{
	if (S_ISREG(inode->mode))
		scull_dev_destroy(&inode->dev);
	else if (S_ISLNK(inode->mode))
		kfree(inode->target);
	pthread_mutex_destroy(&inode->attr_lock);
	kmem_cache_free(fs->inode_cache, inode);
}

/* fs_unused - @inode has no name and no lookup; ns_lock held (write) */
bool fs_unused(struct fs_inode *inode)
{
	return inode->ino != FUSE_ROOT_ID &&
	       __atomic_load_n(&inode->nlink, __ATOMIC_RELAXED) == 0 &&
	       __atomic_load_n(&inode->nlookup, __ATOMIC_RELAXED) == 0;
}

/* fs_hold - one more kernel lookup on @inode; ns_lock held (read) */
void fs_hold(struct fs_inode *inode)
{
	__atomic_add_fetch(&inode->nlookup, 1, __ATOMIC_RELAXED);
}

/**
 * fs_dir_find - the entry @name of directory @dir, or NULL
 * The caller holds ns_lock (read).
 */
struct fs_dirent *fs_dir_find(struct fs *fs, struct fs_inode *dir,
			      const char *name)
{
	size_t len = strlen(name);
	uint32_t h = name_hash(dir, name, len);
	struct fs_dirent *de = fs->names[h & (fs->names_size - 1)];

	for (; de; de = de->hash_next)
		if (de->hash == h && de->dir == dir && de->namelen == len &&
		    !memcmp(de->name, name, len))
			return de;
	return NULL;
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

	de = kmem_cache_alloc(fs->dentry_cache, GFP_KERNEL);
	if (!de)
		return -ENOMEM;
	de->name = kmalloc(len + 1, GFP_KERNEL);
	if (!de->name) {
		kmem_cache_free(fs->dentry_cache, de);
		return -ENOMEM;
	}
	memcpy(de->name, name, len + 1);
	de->namelen = len;
	de->inode = inode;
	de->dir = dir;
	de->hash = name_hash(dir, name, len);
	de->cookie = dir->dir.next_cookie++;
	list_add_tail(&de->list, &dir->dir.entries);
	dir->dir.nr_entries++;
	insert_name(fs, de);
	return 0;
}

/**
 * fs_dir_del - remove and free the entry @de (not its inode)
 * nlink is the caller's to update.  The caller holds ns_lock for writing.
 * Never needs memory.
 */
void fs_dir_del(struct fs *fs, struct fs_dirent *de)
{
	struct fs_dirent **pp = &fs->names[de->hash & (fs->names_size - 1)];
	struct fs_inode *dir = de->dir;

	while (*pp != de)
		pp = &(*pp)->hash_next;
	*pp = de->hash_next;
	fs->nr_dirents--;
	list_del(&de->list);
	dir->dir.nr_entries--;
	dir->dir.gen++;
	kfree(de->name);
	kmem_cache_free(fs->dentry_cache, de);
}

bool fs_is_pseudo(fuse_ino_t ino)
{
	return ino == FS_INO_SLABINFO || ino == FS_INO_SCULLCMEM;
}

/* fs_pseudo_ino - the pseudo-file @name names in @parent, or 0 */
fuse_ino_t fs_pseudo_ino(fuse_ino_t parent, const char *name)
{
	fuse_ino_t ino;

	if (parent != FUSE_ROOT_ID)
		return 0;
	for (ino = FS_INO_SLABINFO; ino <= FS_INO_SCULLCMEM; ino++)
		if (!strcmp(name, pseudo_names[ino]))
			return ino;
	return 0;
}

bool fs_reserved(fuse_ino_t parent, const char *name)
{
	return fs_pseudo_ino(parent, name) != 0;
}

/**
 * fs_fill_attr - @inode's attributes as stat(2) shows them
 * Takes attr_lock and the device's lock.  For a directory the caller holds
 * ns_lock (its size counts entries).  Never blocks for memory.
 */
void fs_fill_attr(struct fs *fs, struct fs_inode *inode, struct stat *st)
{
	struct scull_dev_info info;

	memset(st, 0, sizeof(*st));
	st->st_ino = inode->ino;
	st->st_nlink = __atomic_load_n(&inode->nlink, __ATOMIC_RELAXED);
	/* the kernel keeps a block size as a power of two (i_blkbits) and
	   would round 4000 down to 2048: offer the power of two that holds a
	   quantum as the preferred I/O size */
	st->st_blksize = PAGE_SIZE;
	while ((unsigned long)st->st_blksize < fs->sb.quantum)
		st->st_blksize <<= 1;
	pthread_mutex_lock(&inode->attr_lock);
	st->st_mode = inode->mode;
	st->st_uid = inode->uid;
	st->st_gid = inode->gid;
	st->st_rdev = inode->rdev;
	st->st_atim = inode->atime;
	st->st_mtim = inode->mtime;
	st->st_ctim = inode->ctime;
	pthread_mutex_unlock(&inode->attr_lock);

	if (S_ISREG(st->st_mode)) {
		scull_dev_info(&inode->dev, &info);
		st->st_size = (off_t)info.size;
		st->st_blocks = (blkcnt_t)((info.nr_quanta *
			(uint64_t)fs->sb.quantum + 511) / 512);
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
	memset(e, 0, sizeof(*e));
	e->ino = inode->ino;
	fs_fill_attr(fs, inode, &e->attr);
	/* a file's size and blocks change under writes the kernel does not
	   account for (st_blocks, punch-hole): let it ask every time */
	e->attr_timeout = S_ISREG(inode->mode) ? 0 : FS_ATTR_TIMEOUT;
	e->entry_timeout = FS_ATTR_TIMEOUT;
}

/* fs_touch - set the times in @which (FS_ATIME | FS_MTIME | FS_CTIME) */
void fs_touch(struct fs_inode *inode, int which)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	pthread_mutex_lock(&inode->attr_lock);
	if (which & FS_ATIME)
		inode->atime = now;
	if (which & FS_MTIME)
		inode->mtime = now;
	if (which & FS_CTIME)
		inode->ctime = now;
	pthread_mutex_unlock(&inode->attr_lock);
}

/* drop - give back @n lookups of @ino: the core of FORGET */
static void drop(struct fs *fs, fuse_ino_t ino, uint64_t n,
		 struct fs_inode **victims)
{
	struct fs_inode *inode;
	uint64_t have;

	if (fs_is_pseudo(ino))
		return;
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
	if (fs_unused(inode)) {
		fs_unhash(fs, inode);
		inode->hash_next = *victims;  /* free for reuse once unhashed */
		*victims = inode;
	}
}

static void evict_all(struct fs *fs, struct fs_inode *victims)
{
	struct fs_inode *next;

	for (; victims; victims = next) {
		next = victims->hash_next;
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

	pthread_rwlock_wrlock(&fs->ns_lock);
	drop(fs, ino, 1, &victims);
	pthread_rwlock_unlock(&fs->ns_lock);
	evict_all(fs, victims);
}

bool fs_orphan(struct fs_inode *inode)
{
	if (!S_ISREG(inode->mode) || inode->orphan ||
	    __atomic_load_n(&inode->nlink, __ATOMIC_RELAXED) ||
	    __atomic_load_n(&inode->opens, __ATOMIC_RELAXED))
		return false;
	inode->orphan = true;
	fs_hold(inode);
	return true;
}

/* fs_reap_orphan - free an orphan's quanta, then drop the pinning lookup */
void fs_reap_orphan(struct fs *fs, struct fs_inode *inode)
{
	scull_truncate(&inode->dev, 0);     /* never needs memory */
	fs_unlookup(fs, inode->ino);
}

/* fs_get_handle - count a new handle on the device @inode; no lock held */
int fs_get_handle(struct fs *fs, struct fs_inode *inode)
{
	int err = 0;

	pthread_rwlock_rdlock(&fs->ns_lock);
	if (inode->orphan)
		err = -ENOENT;
	else
		__atomic_add_fetch(&inode->opens, 1, __ATOMIC_RELAXED);
	pthread_rwlock_unlock(&fs->ns_lock);
	return err;
}

/* fs_put_handle - a handle on @inode is gone; no lock held */
void fs_put_handle(struct fs *fs, struct fs_inode *inode)
{
	bool orphaned;

	if (__atomic_sub_fetch(&inode->opens, 1, __ATOMIC_RELAXED) ||
	    __atomic_load_n(&inode->nlink, __ATOMIC_RELAXED))
		return;
	pthread_rwlock_wrlock(&fs->ns_lock);
	orphaned = fs_orphan(inode);
	pthread_rwlock_unlock(&fs->ns_lock);
	if (orphaned)
		fs_reap_orphan(fs, inode);
}

/* fs_reply_entry - send @e, whose lookup the caller took; no lock held */
void fs_reply_entry(fuse_req_t req, struct fs *fs,
		    const struct fuse_entry_param *e)
{
	if (fuse_reply_entry(req, e) == -ENOENT)
		fs_unlookup(fs, e->ino);
}

void fs_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fs *fs = fs_from_req(req);
	struct fuse_entry_param e;
	struct fs_inode *dir;
	struct fs_dirent *de;
	fuse_ino_t pino;
	int err = 0;

	if (strlen(name) > FS_NAME_MAX)
		return (void) fuse_reply_err(req, ENAMETOOLONG);
	pino = fs_pseudo_ino(parent, name);
	if (pino) {
		memset(&e, 0, sizeof(e));
		e.ino = pino;
		pseudo_fill_attr(fs, pino, &e.attr);
		e.entry_timeout = FS_ATTR_TIMEOUT;
		return (void) fuse_reply_entry(req, &e);
	}

	pthread_rwlock_rdlock(&fs->ns_lock);
	dir = fs_iget(fs, parent);
	if (!dir || !S_ISDIR(dir->mode)) {
		err = dir ? ENOTDIR : ENOENT;
	} else if (!(de = fs_dir_find(fs, dir, name))) {
		err = ENOENT;
	} else {
		fs_fill_entry(fs, de->inode, &e);
		fs_hold(de->inode);
	}
	pthread_rwlock_unlock(&fs->ns_lock);
	if (err)
		return (void) fuse_reply_err(req, err);
	fs_reply_entry(req, fs, &e);
}

void fs_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	struct fs *fs = fs_from_req(req);
	struct fs_inode *victims = NULL;

	pthread_rwlock_wrlock(&fs->ns_lock);
	drop(fs, ino, nlookup, &victims);
	pthread_rwlock_unlock(&fs->ns_lock);
	evict_all(fs, victims);
	fuse_reply_none(req);
}

void fs_forget_multi(fuse_req_t req, size_t count,
		     struct fuse_forget_data *forgets)
{
	struct fs *fs = fs_from_req(req);
	struct fs_inode *victims = NULL;
	size_t i;

	pthread_rwlock_wrlock(&fs->ns_lock);
	for (i = 0; i < count; i++)
		drop(fs, forgets[i].ino, forgets[i].nlookup, &victims);
	pthread_rwlock_unlock(&fs->ns_lock);
	evict_all(fs, victims);
	fuse_reply_none(req);
}

void fs_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fs *fs = fs_from_req(req);
	struct fs_inode *inode;
	struct stat st;
	double timeout;

	(void)fi;
	if (fs_is_pseudo(ino)) {
		pseudo_fill_attr(fs, ino, &st);
		return (void) fuse_reply_attr(req, &st, 0);
	}
	pthread_rwlock_rdlock(&fs->ns_lock);
	inode = fs_iget(fs, ino);
	if (inode)
		fs_fill_attr(fs, inode, &st);
	pthread_rwlock_unlock(&fs->ns_lock);
	if (!inode)
		return (void) fuse_reply_err(req, ENOENT);
	timeout = S_ISREG(st.st_mode) ? 0 : FS_ATTR_TIMEOUT;
	fuse_reply_attr(req, &st, timeout);
}

void fs_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
		int to_set, struct fuse_file_info *fi)
{
	struct fs *fs = fs_from_req(req);
	struct fs_inode *inode;
	struct timespec now;
	struct stat st;
	int ret;

	if (fs_is_pseudo(ino))
		return pseudo_setattr(req, ino, attr, to_set, fi);
	inode = fs_iget_unlocked(fs, ino);
	if (!inode)
		return (void) fuse_reply_err(req, ENOENT);

	/* the one step that can fail goes first: a failure changes nothing */
	if (to_set & FUSE_SET_ATTR_SIZE) {
		if (S_ISDIR(inode->mode))
			return (void) fuse_reply_err(req, EISDIR);
		if (!S_ISREG(inode->mode))
			return (void) fuse_reply_err(req, EINVAL);
		if (attr->st_size < 0)
			return (void) fuse_reply_err(req, EINVAL);
		ret = scull_truncate(&inode->dev, (uint64_t)attr->st_size);
		if (ret)
			return (void) fuse_reply_err(req, -ret);
	}

	clock_gettime(CLOCK_REALTIME, &now);
	pthread_mutex_lock(&inode->attr_lock);
	if (to_set & FUSE_SET_ATTR_MODE) {
		inode->mode = (inode->mode & S_IFMT) | (attr->st_mode & 07777);
		inode->ctime = now;
	}
	if (to_set & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID)) {
		if (to_set & FUSE_SET_ATTR_UID)
			inode->uid = attr->st_uid;
		if (to_set & FUSE_SET_ATTR_GID)
			inode->gid = attr->st_gid;
		/* POSIX: chown by an unprivileged user clears set-id bits */
		if (S_ISREG(inode->mode) && !(to_set & FUSE_SET_ATTR_MODE) &&
		    fuse_req_ctx(req)->uid != 0) {
			inode->mode &= ~S_ISUID;
			if (inode->mode & S_IXGRP)
				inode->mode &= ~S_ISGID;
		}
		inode->ctime = now;
	}
	if (to_set & FUSE_SET_ATTR_SIZE)
		inode->mtime = inode->ctime = now;
	if (to_set & (FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_ATIME_NOW)) {
		inode->atime = (to_set & FUSE_SET_ATTR_ATIME_NOW) ?
			       now : attr->st_atim;
		inode->ctime = now;
	}
	if (to_set & (FUSE_SET_ATTR_MTIME | FUSE_SET_ATTR_MTIME_NOW)) {
		inode->mtime = (to_set & FUSE_SET_ATTR_MTIME_NOW) ?
			       now : attr->st_mtim;
		inode->ctime = now;
	}
	if (to_set & FUSE_SET_ATTR_CTIME)
		inode->ctime = attr->st_ctim;
	pthread_mutex_unlock(&inode->attr_lock);

	pthread_rwlock_rdlock(&fs->ns_lock);
	fs_fill_attr(fs, inode, &st);
	pthread_rwlock_unlock(&fs->ns_lock);
	fuse_reply_attr(req, &st, S_ISREG(st.st_mode) ? 0 : FS_ATTR_TIMEOUT);
}

/*
 * statfs: blocks are pages of the allocator's limit.  What only
 * GFP_ATOMIC may use (the reserve) is free but not available, like the
 * blocks ext4 reserves for root.  Inodes are not limited by number; we
 * report one per page of the limit, as tmpfs's default does for RAM.
 */
void fs_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct fs *fs = fs_from_req(req);
	struct scullc_meminfo mi;
	struct statvfs sv;
	size_t used, inodes;

	(void)ino;
	scullc_meminfo(&mi);
	pthread_rwlock_rdlock(&fs->ns_lock);
	inodes = fs->nr_inodes + 2;              /* + the pseudo-files */
	pthread_rwlock_unlock(&fs->ns_lock);

	memset(&sv, 0, sizeof(sv));
	sv.f_bsize = PAGE_SIZE;
	sv.f_frsize = PAGE_SIZE;
	sv.f_blocks = mi.limit / PAGE_SIZE;
	used = mi.used < mi.limit ? mi.used : mi.limit;
	sv.f_bfree = (mi.limit - used) / PAGE_SIZE;
	sv.f_bavail = mi.limit - used > mi.reserve ?
		      (mi.limit - used - mi.reserve) / PAGE_SIZE : 0;
	sv.f_files = sv.f_blocks > inodes ? sv.f_blocks : inodes;
	sv.f_ffree = sv.f_files - inodes;
	sv.f_favail = sv.f_ffree;
	sv.f_namemax = FS_NAME_MAX;
	fuse_reply_statfs(req, &sv);
}

static void free_dir_entries(struct fs *fs, struct fs_inode *dir)
{
	struct list_head *pos, *tmp;

	list_for_each_safe(pos, tmp, &dir->dir.entries)
		fs_dir_del(fs, list_entry(pos, struct fs_dirent, list));
}

/**
 * fs_init - create the caches, the root and scullc0..N-1 for fs->opt
 * @fs must be zeroed apart from fs->opt.  Returns 0 or -errno (-ENOMEM,
 * -EINVAL for geometry scull refuses, -EEXIST when a cache name is taken),
 * having undone everything on failure.  Single-threaded: call before the
 * session runs.
 */
int fs_init(struct fs *fs)
{
	struct fs_inode *root, *inode;
	char name[32];
	unsigned int i;
	int ret;

	fs->leaks = fs_leaks_start();
	fs->owner = getuid();
	clock_gettime(CLOCK_REALTIME, &fs->start);
	pthread_rwlock_init(&fs->ns_lock, NULL);
	INIT_LIST_HEAD(&fs->devices);

	fs->inode_cache = kmem_cache_create("scullcfs_inode",
					    sizeof(struct fs_inode), 0,
					    SLAB_HWCACHE_ALIGN, NULL);
	if (!fs->inode_cache)
		goto fail_errno;
	fs->dentry_cache = kmem_cache_create("scullcfs_dentry",
					     sizeof(struct fs_dirent), 0, 0,
					     NULL);
	if (!fs->dentry_cache)
		goto fail_errno;
	ret = scull_sb_init(&fs->sb, fs->opt.quantum, fs->opt.qset);
	if (ret)
		goto fail;
	fs->iov_max = fs_read_iov_max(fs->opt.quantum);
	fs->iov_pool = mempool_create_kmalloc_pool(FS_IOV_POOL_MIN,
					fs->iov_max * sizeof(struct iovec));
	if (!fs->iov_pool)
		goto fail_errno;
	fs->table = kcalloc(TABLE_MIN, sizeof(*fs->table), GFP_KERNEL);
	fs->names = kcalloc(TABLE_MIN, sizeof(*fs->names), GFP_KERNEL);
	if (!fs->table || !fs->names)
		goto fail_errno;
	fs->table_size = fs->names_size = TABLE_MIN;

	pthread_rwlock_wrlock(&fs->ns_lock);
	fs->next_ino = FUSE_ROOT_ID;
	root = fs_new_inode(fs, S_IFDIR | 0755, getuid(), getgid());
	fs->next_ino = FS_INO_FIRST;
	if (!root)
		goto fail_unlock;
	root->nlink = 2;
	root->nlookup = 1;           /* the kernel's, from mount to unmount */
	root->dir.parent = FUSE_ROOT_ID;
	for (i = 0; i < fs->opt.devices; i++) {
		inode = fs_new_inode(fs, S_IFREG | 0644, getuid(), getgid());
		if (!inode)
			goto fail_unlock;
		snprintf(name, sizeof(name), "scullc%u", i);
		if (fs_dir_add(fs, root, name, inode)) {
			errno = ENOMEM;
			goto fail_unlock;
		}
		inode->nlink = 1;
	}
	pthread_rwlock_unlock(&fs->ns_lock);
	return 0;

fail_unlock:
	pthread_rwlock_unlock(&fs->ns_lock);
fail_errno:
	ret = -errno;
fail:
	fs_destroy(fs);
	return ret;
}

/**
 * fs_destroy - free every inode, entry and device, destroy every cache
 * Returns 0, or -EBUSY when something was still allocated, in the daemon's
 * own caches or (checked against fs_leaks_start's baseline) in kmalloc's;
 * what leaked is logged.  Call only once the session and its threads are
 * gone.
 */
int fs_destroy(struct fs *fs)
{
	struct fs_inode *inode, *next;
	int leaked = 0;
	size_t i;

	if (fs->table) {
		for (i = 0; i < fs->table_size; i++)
			for (inode = fs->table[i]; inode; inode = inode->hash_next)
				if (S_ISDIR(inode->mode))
					free_dir_entries(fs, inode);
		for (i = 0; i < fs->table_size; i++) {
			for (inode = fs->table[i]; inode; inode = next) {
				next = inode->hash_next;
				fs_evict(fs, inode);
			}
			fs->table[i] = NULL;
		}
		fs->nr_inodes = 0;
	}
	kfree(fs->table);
	kfree(fs->names);
	fs->table = NULL;
	fs->names = NULL;
	if (fs->iov_pool)
		mempool_destroy(fs->iov_pool);
	fs->iov_pool = NULL;
	if (fs->sb.cache && scull_sb_destroy(&fs->sb)) {
		fuse_log(FUSE_LOG_ERR, "scullcfs: quanta leaked\n");
		leaked = 1;
	}
	if (kmem_cache_destroy(fs->dentry_cache)) {
		fuse_log(FUSE_LOG_ERR, "scullcfs: directory entries leaked\n");
		leaked = 1;
	}
	if (kmem_cache_destroy(fs->inode_cache)) {
		fuse_log(FUSE_LOG_ERR, "scullcfs: inodes leaked\n");
		leaked = 1;
	}
	fs->dentry_cache = fs->inode_cache = NULL;
	pthread_rwlock_destroy(&fs->ns_lock);
	if (fs_leaks_check(fs->leaks))
		leaked = 1;
	fs->leaks = NULL;
	return leaked ? -EBUSY : 0;
}
