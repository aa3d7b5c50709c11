/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fs_fixture.h - a scullcfs namespace with no FUSE, for the core's tests */
#ifndef SCULLCFS_TESTS_FS_FIXTURE_H
#define SCULLCFS_TESTS_FS_FIXTURE_H

#include "fs/fs.h"

#define FX_ROOT FUSE_ROOT_ID
#define FX_MAX_ENTRIES 256           /* what fx_list collects */

/* fx_new - a built but unserved fs: the allocator limited to @size
   bytes (0: size='s default), no devices, defaults otherwise */
struct fs *fx_new(uint64_t size);
/* fx_free - tear it down; fails the test if anything leaked */
void fx_free(struct fs *fs);

/* the fs of the running test, for Check fixtures: fx_setup makes it with
   fx_new(0), fx_teardown frees it with fx_free */
extern struct fs *fx_fs;
void fx_setup(void);
void fx_teardown(void);

/* fx_cred - a caller with no supplementary groups and the capabilities
   @caps (1 << CAP_*): no /proc is read */
struct fs_cred fx_cred(uid_t uid, gid_t gid, uint64_t caps);
/* fx_cred_groups - the same, in supplementary group @extra too */
struct fs_cred fx_cred_groups(uid_t uid, gid_t gid, gid_t extra);

/* One directory entry, as readdir shows it. */
struct fx_dirent {
	char name[FS_NAME_MAX + 1];
	fuse_ino_t ino;
	mode_t mode;
};

/* fx_list - @dir's entries but "." and ".." into @out; their number, or
   -errno.  Takes no lookup. */
int fx_list(struct fs *fs, fuse_ino_t dir, struct fx_dirent *out);

/* fx_make - fs_mkdir or fs_create (S_ISDIR(@mode) or not) by @cred,
   giving the entry's lookup back: the new inode, or 0 after a failure
   whose -errno is in *@err (when not NULL) */
fuse_ino_t fx_make(struct fs *fs, struct fs_cred *cred, fuse_ino_t parent,
		   const char *name, mode_t mode, int *err);
/* fx_must_make - fx_make that must succeed */
fuse_ino_t fx_must_make(struct fs *fs, struct fs_cred *cred,
			fuse_ino_t parent, const char *name, mode_t mode);
/* fx_ino - the inode @name in @parent names, or 0; no lookup kept */
fuse_ino_t fx_ino(struct fs *fs, fuse_ino_t parent, const char *name);
/* fx_stat - getattr that must succeed */
struct stat fx_stat(struct fs *fs, fuse_ino_t ino);
/* fx_nr_inodes - inodes in the table */
size_t fx_nr_inodes(struct fs *fs);

#endif /* SCULLCFS_TESTS_FS_FIXTURE_H */
