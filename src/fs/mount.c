/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mount.c - a mount's lifetime: build it, tear it down, check for leaks */

/*
 * fs_init makes everything a mount starts with - the daemon's caches, the
 * namespace tables, the root and the scullcN devices - before the FUSE
 * session exists; fs_destroy frees it all once the session has ended, and
 * says whether anything leaked.
 *
 * The daemon's own caches (scullc, scull_inode_cache, scull_dentry, and
 * scull_pseudo_inode and scull_pseudo_dentry for its pseudo-files, which
 * are kept apart so that looking at the mount is never charged to its
 * size=: see FS_GFP_REPORT) cannot hide a leak: kmem_cache_destroy refuses to destroy a cache with objects
 * out and names them.  Names, qset arrays, index nodes, symlink targets and
 * read buffers come from the kmalloc caches, which outlive the mount; for
 * those, leaks_start counts what each cache holds for its users before
 * the mount is built and leaks_check counts again after it is torn down.
 * A cache holding more at the end has lost objects.
 *
 * What a cache holds for its users, once the calling thread's per-thread
 * magazines and the depot have been drained by kmem_cache_shrink, is
 *   held = active_objs - shared_avail - internal_objs
 * (internal_objs are other caches' per-thread arrays).  That is exact only
 * while no other thread keeps a per-thread cache: at the start no worker
 * thread exists yet, and at the end the session has joined them all, and
 * an exiting thread gives its per-thread caches back.
 *
 * The caches are found with kmem_cache_for_each, never by parsing
 * slabinfo's text.  The baseline lives in libc's heap, not in the caches
 * it measures.
 *
 * Single-threaded: both ends run while no request is being served, so
 * ns_lock is taken only where the functions called expect it.
 */

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs/fs.h"

#define FS_IOV_POOL_MIN  4           /* reads that always make progress */

struct fs_leaks {
	size_t nr, cap;              /* caches recorded, room for them */
	unsigned long lost;          /* leaks_check's count */
	struct {
		char name[KMEM_CACHE_NAME_MAX + 1];
		unsigned long held;
	} cache[];                   /* nr entries */
};

static unsigned long held(struct kmem_cache *s)
{
	struct kmem_cache_stats st;

	kmem_cache_shrink(s);
	kmem_cache_get_stats(s, &st);
	return st.active_objs - st.shared_avail - st.internal_objs;
}

static int count_one(struct kmem_cache *s, void *arg)
{
	(void)s;
	++*(size_t *)arg;
	return 0;
}

/* record_one - one cache's name and what it holds, into the baseline */
static int record_one(struct kmem_cache *s, void *arg)
{
	struct fs_leaks *b = arg;

	if (b->nr == b->cap)
		return 1;            /* created meanwhile: checked next time */
	snprintf(b->cache[b->nr].name, sizeof(b->cache[b->nr].name), "%s",
		 kmem_cache_name(s));
	b->cache[b->nr++].held = held(s);
	return 0;
}

/**
 * leaks_start - record what every cache holds before the mount
 * Returns the baseline, or NULL (with a warning logged) when it cannot be
 * taken; leaks_check(NULL) then checks nothing.  Call before any thread
 * but the caller uses the allocator.
 */
static struct fs_leaks *leaks_start(void)
{
	struct fs_leaks *b;
	size_t count = 0;

	kmem_cache_for_each(count_one, &count);
	b = malloc(sizeof(*b) + count * sizeof(b->cache[0]));
	if (!b) {
		fuse_log(FUSE_LOG_WARNING, "scullcfs: no leak check at "
			 "unmount: out of memory\n");
		return NULL;
	}
	b->nr = 0;
	b->cap = count;
	b->lost = 0;
	kmem_cache_for_each(record_one, b);
	return b;
}

/* check_one - compare one live cache with its baseline, if it has one */
static int check_one(struct kmem_cache *s, void *arg)
{
	struct fs_leaks *b = arg;
	const char *name = kmem_cache_name(s);
	unsigned long now;
	size_t i;

	for (i = 0; i < b->nr; i++) {
		if (strcmp(b->cache[i].name, name))
			continue;
		now = held(s);
		if (now > b->cache[i].held) {
			fuse_log(FUSE_LOG_ERR, "scullcfs: %lu objects of %s "
				 "leaked\n", now - b->cache[i].held, name);
			b->lost += now - b->cache[i].held;
		}
		break;
	}
	return 0;
}

/**
 * leaks_check - compare with the baseline, log every cache holding more
 * and free the baseline.  Returns the number of objects lost.  Call once
 * every other thread that used the allocator has exited.
 */
static unsigned long leaks_check(struct fs_leaks *b)
{
	unsigned long lost;

	if (!b)
		return 0;
	kmem_cache_for_each(check_one, b);
	lost = b->lost;
	free(b);
	return lost;
}

/**
 * fs_init - create the caches, the root, the pseudo-files and
 * scullc0..N-1 for fs->opt
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

	fs->leaks = leaks_start();
	fs->owner = getuid();
	fs->group = getgid();
	fs->timeout = fs->opt.cache == FS_CACHE_AUTO ? FS_TIMEOUT_AUTO :
		      FS_TIMEOUT_LONG;
	clock_gettime(CLOCK_REALTIME, &fs->start);
	rwlock_init(&fs->ns_lock, "ns_lock", LOCK_RANK_FS_NS);
	INIT_LIST_HEAD(&fs->devices);

	fs->inode_cache = kmem_cache_create("scull_inode_cache",
					    sizeof(struct fs_inode), 0,
					    SLAB_HWCACHE_ALIGN, NULL);
	if (!fs->inode_cache)
		goto fail_errno;
	fs->dentry_cache = kmem_cache_create("scull_dentry",
					     sizeof(struct fs_dirent), 0, 0,
					     NULL);
	if (!fs->dentry_cache)
		goto fail_errno;
	fs->pseudo_inode_cache = kmem_cache_create("scull_pseudo_inode",
						   sizeof(struct fs_inode), 0,
						   SLAB_HWCACHE_ALIGN, NULL);
	if (!fs->pseudo_inode_cache)
		goto fail_errno;
	fs->pseudo_dentry_cache = kmem_cache_create("scull_pseudo_dentry",
						    sizeof(struct fs_dirent),
						    0, 0, NULL);
	if (!fs->pseudo_dentry_cache)
		goto fail_errno;
	ret = scull_sb_init(&fs->sb, fs->opt.quantum, fs->opt.qset);
	if (ret)
		goto fail;
	fs->iov_max = fs_read_iov_max(fs->opt.quantum);
	fs->iov_pool = mempool_create_kmalloc_pool(FS_IOV_POOL_MIN,
					fs->iov_max * sizeof(struct iovec));
	if (!fs->iov_pool)
		goto fail_errno;
	if (htable_init(&fs->inodes, FS_GFP_INDEX) ||
	    htable_init(&fs->names, FS_GFP_INDEX))
		goto fail_errno;

	rwlock_wrlock(&fs->ns_lock);
	fs->next_ino = FUSE_ROOT_ID;
	root = fs_new_inode(fs, S_IFDIR | fs->opt.root_mode,
			    fs->opt.root_uid_set ? fs->opt.root_uid : fs->owner,
			    fs->opt.root_gid_set ? fs->opt.root_gid : fs->group);
	if (!root)
		goto fail_unlock;
	root->nlink = 2;
	root->nlookup = 1;           /* the kernel's, from mount to unmount */
	root->dir.parent = FUSE_ROOT_ID;
	ret = pseudo_init(fs, root);
	if (ret) {
		errno = -ret;
		goto fail_unlock;
	}
	for (i = 0; i < fs->opt.devices; i++) {
		inode = fs_new_inode(fs, S_IFREG | 0644, fs->owner, fs->group);
		if (!inode)
			goto fail_unlock;
		snprintf(name, sizeof(name), "scullc%u", i);
		if (fs_dir_add(fs, root, name, inode)) {
			errno = ENOMEM;
			goto fail_unlock;
		}
		inode->nlink = 1;
	}
	rwlock_unlock(&fs->ns_lock);
	return 0;

fail_unlock:
	rwlock_unlock(&fs->ns_lock);
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
	struct hnode *pos, *tmp;
	struct fs_inode *inode;
	int leaked = 0;
	size_t i;

	if (fs->inodes.bucket) {
		/* no other thread is left, but fs_dir_clear and fs_unhash
		   are the namespace's writers, and fs_evict wants no lock */
		rwlock_wrlock(&fs->ns_lock);
		htable_for_each_safe(pos, tmp, i, &fs->inodes) {
			inode = container_of(pos, struct fs_inode, hash);
			if (S_ISDIR(inode->mode))
				fs_dir_clear(fs, inode);
		}
		htable_for_each_safe(pos, tmp, i, &fs->inodes) {
			inode = container_of(pos, struct fs_inode, hash);
			fs_unhash(fs, inode);
			rwlock_unlock(&fs->ns_lock);
			fs_evict(fs, inode);
			rwlock_wrlock(&fs->ns_lock);
		}
		rwlock_unlock(&fs->ns_lock);
	}
	htable_destroy(&fs->inodes);
	htable_destroy(&fs->names);
	debugfs_exit(fs);
	slab_tree_exit(fs);
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
	if (kmem_cache_destroy(fs->pseudo_dentry_cache) |
	    kmem_cache_destroy(fs->pseudo_inode_cache)) {   /* both */
		fuse_log(FUSE_LOG_ERR, "scullcfs: pseudo-files leaked\n");
		leaked = 1;
	}
	fs->pseudo_dentry_cache = fs->pseudo_inode_cache = NULL;
	rwlock_destroy(&fs->ns_lock);
	if (leaks_check(fs->leaks))
		leaked = 1;
	fs->leaks = NULL;
	return leaked ? -EBUSY : 0;
}
