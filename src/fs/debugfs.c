/* SPDX-License-Identifier: GPL-2.0-or-later */
/* debugfs.c - debug/: the kernel's debugfs layout for the mount */

/*
 * Design.  The root directory debug/ is laid out as the kernel's debugfs
 * (/sys/kernel/debug), so that the kernel's tools that read debugfs read
 * it unchanged through a bind mount over /sys/kernel/debug in a private
 * mount namespace, as slab/ is read over /sys/kernel/slab.  debug/ itself
 * holds only directories, one per subsystem, as the kernel's does; each is
 * one entry of subtrees[] below: its name, the fs_dir_ops of its
 * directory (or NULL), and a function that fills it at mount (or NULL)
 * and one that frees what it keeps beside its inodes at unmount (or
 * NULL).  Adding a subtree is adding an entry.
 *
 * Everything in debug/ is a pseudo-file or a fixed directory (pseudo.c):
 * made with FS_GFP_REPORT, so it is never charged to size= and reads on
 * a full mount.
 *
 * Locks: debugfs_init runs under ns_lock (write), as pseudo_init, and so
 * does every subtree's init; debugfs_exit runs at unmount, alone.
 */

#include "fs/fs.h"

#include <errno.h>
#include <stddef.h>

/* One directory of debug/. */
struct debugfs_subtree {
	const char *name;
	const struct fs_dir_ops *dops;   /* its directory's, or NULL */
	/* init - fill @dir at mount; ns_lock (write); 0 or -ENOMEM */
	int (*init)(struct fs *fs, struct fs_inode *dir);
	/* exit - free what init kept beside the inodes; at unmount */
	void (*exit)(struct fs *fs);
};

/* The subsystems of debug/, in the order a listing shows them. */
static const struct debugfs_subtree subtrees[] = {
	{ "failslab", &fault_inject_dir_ops, NULL, NULL },   /* fault_inject.c */
	{ "slab", &slab_debugfs_dir_ops, NULL, NULL },   /* slab_tree.c */
	{ "tracing", NULL, tracing_init, tracing_exit },   /* tracing.c */
	{ NULL, NULL, NULL, NULL }         /* the end */
};

/**
 * debugfs_init - make debug/ under @root and each subtree of subtrees[]
 * in it.  Called by pseudo_init with ns_lock held for writing.  Returns
 * 0 or -ENOMEM (what was made is freed with the rest of the tree).  May
 * block for memory.
 */
int debugfs_init(struct fs *fs, struct fs_inode *root)
{
	const struct debugfs_subtree *t;
	struct fs_inode *debug, *dir;
	int ret;

	lock_assert_held_write(&fs->ns_lock);
	debug = pseudo_mkdir(fs, root, "debug", NULL);
	if (!debug)
		return -ENOMEM;
	for (t = subtrees; t->name; t++) {
		dir = pseudo_mkdir(fs, debug, t->name, t->dops);
		if (!dir)
			return -ENOMEM;
		ret = t->init ? t->init(fs, dir) : 0;
		if (ret)
			return ret;
	}
	return 0;
}

/* debugfs_exit - each subtree's exit, at unmount (single-threaded); safe
   after a debugfs_init that failed or never ran */
void debugfs_exit(struct fs *fs)
{
	const struct debugfs_subtree *t;

	for (t = subtrees; t->name; t++)
		if (t->exit)
			t->exit(fs);
}
