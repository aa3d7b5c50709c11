/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fs_fixture.c - a scullcfs namespace with no FUSE, for the core's tests */

/*
 * fx_new builds a struct fs the way main.c does - options parsed by
 * fs_parse_options, the allocator's limit set, fs_init - but makes no
 * session: no /dev/fuse, no mount, no fs->inval_inode.  Each test runs in
 * its own process (Check's fork mode), so the allocator's global limit
 * belongs to one test at a time.
 */

#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs_fixture.h"

struct fs *fx_new(uint64_t size)
{
	char opt[64], err[FS_ERR_MAX];
	char *argv[] = { "check_fs", "-o", opt, NULL };
	struct fuse_args args = FUSE_ARGS_INIT(3, argv);
	struct fs *fs = calloc(1, sizeof(*fs));

	ck_assert_ptr_nonnull(fs);
	if (size)
		snprintf(opt, sizeof(opt), "devices=0,size=%llu",
			 (unsigned long long)size);
	else
		snprintf(opt, sizeof(opt), "devices=0");
	ck_assert_int_eq(fs_parse_options(&args, &fs->opt, err, sizeof(err)),
			 0);
	fuse_opt_free_args(&args);
	/* as main.c's apply: the limit before anything is allocated */
	ck_assert_int_eq(scullc_set_limit((size_t)fs->opt.size), 0);
	ck_assert_int_eq(fs_init(fs), 0);
	return fs;
}

void fx_free(struct fs *fs)
{
	ck_assert_int_eq(fs_destroy(fs), 0);
	fs_options_free(&fs->opt);
	free(fs);
}

struct fs *fx_fs;

void fx_setup(void)
{
	fx_fs = fx_new(0);
}

void fx_teardown(void)
{
	fx_free(fx_fs);
}

struct fs_cred fx_cred(uid_t uid, gid_t gid, uint64_t caps)
{
	struct fs_cred c;

	memset(&c, 0, sizeof(c));
	c.uid = uid;
	c.gid = gid;
	c.umask = 022;
	c.ngroups = 0;
	c.caps_known = true;
	c.caps = caps;
	return c;
}

struct fs_cred fx_cred_groups(uid_t uid, gid_t gid, gid_t extra)
{
	struct fs_cred c = fx_cred(uid, gid, 0);

	c.groups[0] = extra;
	c.ngroups = 1;
	return c;
}

struct fx_list_sink {
	struct fs_dir_sink sink;
	struct fx_dirent *out;
	int n;
};

static bool list_emit(struct fs_dir_sink *sink, const char *name,
		      const struct fuse_entry_param *e, uint64_t cookie,
		      bool lookup)
{
	struct fx_list_sink *l = container_of(sink, struct fx_list_sink, sink);

	(void)cookie;
	ck_assert(!lookup);          /* not plus */
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return true;
	ck_assert_int_lt(l->n, FX_MAX_ENTRIES);
	snprintf(l->out[l->n].name, sizeof(l->out[l->n].name), "%s", name);
	l->out[l->n].ino = e->ino;
	l->out[l->n].mode = e->attr.st_mode;
	l->n++;
	return true;
}

int fx_list(struct fs *fs, fuse_ino_t dir, struct fx_dirent *out)
{
	struct fx_list_sink l = { { false, list_emit }, out, 0 };
	int err = fs_readdir(fs, dir, 0, NULL, &l.sink);

	return err ? err : l.n;
}

fuse_ino_t fx_make(struct fs *fs, struct fs_cred *cred, fuse_ino_t parent,
		   const char *name, mode_t mode, int *err)
{
	struct fuse_entry_param e;
	int ret;

	ret = S_ISDIR(mode) ? fs_mkdir(fs, cred, parent, name, mode, &e) :
			      fs_create(fs, cred, parent, name, mode, &e);
	if (err)
		*err = ret;
	if (ret)
		return 0;
	fs_forget(fs, e.ino, 1);
	return e.ino;
}

fuse_ino_t fx_must_make(struct fs *fs, struct fs_cred *cred,
			fuse_ino_t parent, const char *name, mode_t mode)
{
	int err;
	fuse_ino_t ino = fx_make(fs, cred, parent, name, mode, &err);

	ck_assert_msg(!err, "make %s: %d", name, err);
	return ino;
}

fuse_ino_t fx_ino(struct fs *fs, fuse_ino_t parent, const char *name)
{
	struct fuse_entry_param e;

	if (fs_lookup(fs, parent, name, &e))
		return 0;
	fs_forget(fs, e.ino, 1);
	return e.ino;
}

struct stat fx_stat(struct fs *fs, fuse_ino_t ino)
{
	struct stat st;

	ck_assert_int_eq(fs_getattr(fs, ino, &st), 0);
	return st;
}

size_t fx_nr_inodes(struct fs *fs)
{
	size_t n;

	pthread_rwlock_rdlock(&fs->ns_lock);
	n = fs->inodes.nr;
	pthread_rwlock_unlock(&fs->ns_lock);
	return n;
}
