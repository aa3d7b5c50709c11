/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_fs.c - the namespace core, driven without FUSE */

/*
 * Every test builds its own fs (fs_fixture.c) and calls the core as ll.c
 * does, with credentials made by hand: names, links, lifetimes, chattr
 * flags, a full mount and nr_inodes='s count.  Rename, checked against a
 * model over generated cases, is in check_fs_rename.c; setattr, its
 * set-ID rule, extended attributes and ACLs in check_fs_attr.c.  No
 * /dev/fuse, no mount: it runs under valgrind (tests/fs-memcheck.test)
 * and the sanitizers as it is.
 */

#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <linux/capability.h>
#include <linux/fs.h>

#include "fs_fixture.h"
#include "unit.h"

static struct fs_cred user;          /* uid 1000, gid 1000, no caps */

static void setup(void)
{
	fx_setup();
	user = fx_cred(1000, 1000, 0);
}

static fuse_ino_t mkfile(fuse_ino_t dir, const char *name)
{
	return fx_must_make(fx_fs, &user, dir, name, S_IFREG | 0644);
}

static fuse_ino_t mkdir_(fuse_ino_t dir, const char *name)
{
	return fx_must_make(fx_fs, &user, dir, name, S_IFDIR | 0755);
}

/* ------------------------------------------------------------ names */

START_TEST(create_gives_an_entry_with_one_lookup)
{
	struct fuse_entry_param e;
	struct fs_inode *inode;

	ck_assert_int_eq(fs_create(fx_fs, &user, FX_ROOT, "f", 0666, &e), 0);
	ck_assert(S_ISREG(e.attr.st_mode));
	/* umask 022 applied, the caller owns it */
	ck_assert_uint_eq(e.attr.st_mode & 07777, 0644);
	ck_assert_uint_eq(e.attr.st_uid, 1000);
	ck_assert_uint_eq(e.attr.st_nlink, 1);
	inode = fs_iget_unlocked(fx_fs, e.ino);
	ck_assert_uint_eq(inode->nlookup, 1);
	ck_assert_uint_eq(fx_ino(fx_fs, FX_ROOT, "f"), e.ino);
	ck_assert_uint_eq(inode->nlookup, 1);    /* fx_ino gave its back */
	fs_forget(fx_fs, e.ino, 1);
	ck_assert_uint_eq(inode->nlookup, 0);
}
END_TEST

START_TEST(lookup_of_a_missing_name_is_a_negative_entry)
{
	struct fuse_entry_param e;

	ck_assert_int_eq(fs_lookup(fx_fs, FX_ROOT, "none", &e), -ENOENT);
	ck_assert_uint_eq(e.ino, 0);
	ck_assert(e.entry_timeout > 0);
	mkfile(FX_ROOT, "f");
	ck_assert_int_eq(fs_lookup(fx_fs, fx_ino(fx_fs, FX_ROOT, "f"), "x", &e),
			 -ENOTDIR);
}
END_TEST

START_TEST(make_refuses_bad_names_and_places)
{
	struct fuse_entry_param e;
	char longname[FS_NAME_MAX + 2];
	fuse_ino_t f = mkfile(FX_ROOT, "f");

	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	ck_assert_int_eq(fs_create(fx_fs, &user, FX_ROOT, "f", 0644, &e),
			 -EEXIST);
	ck_assert_int_eq(fs_mkdir(fx_fs, &user, FX_ROOT, longname, 0755, &e),
			 -ENAMETOOLONG);
	ck_assert_int_eq(fs_mkdir(fx_fs, &user, f, "d", 0755, &e), -ENOTDIR);
	ck_assert_int_eq(fs_mkdir(fx_fs, &user, 9999, "d", 0755, &e), -ENOENT);
	ck_assert_int_eq(fs_mknod(fx_fs, &user, FX_ROOT, "bad", 0170000 | 0644,
				  0, &e), -EINVAL);
	/* the daemon's own directories (slab/, debug/) take no names */
	ck_assert_int_eq(fs_mkdir(fx_fs, &user, fx_ino(fx_fs, FX_ROOT, "slab"),
				  "d", 0755, &e), -EPERM);
	ck_assert_int_eq(fs_create(fx_fs, &user,
				   fx_ino(fx_fs, FX_ROOT, "debug"), "f", 0644,
				   &e), -EPERM);
}
END_TEST

START_TEST(mknod_keeps_type_and_device_number)
{
	struct fuse_entry_param e;

	ck_assert_int_eq(fs_mknod(fx_fs, &user, FX_ROOT, "c", S_IFCHR | 0600,
				  makedev(1, 3), &e), 0);
	ck_assert(S_ISCHR(e.attr.st_mode));
	ck_assert_uint_eq(e.attr.st_rdev, makedev(1, 3));
	fs_forget(fx_fs, e.ino, 1);
	ck_assert_int_eq(fs_mknod(fx_fs, &user, FX_ROOT, "p", S_IFIFO | 0600,
				  makedev(1, 3), &e), 0);
	ck_assert(S_ISFIFO(e.attr.st_mode));
	ck_assert_uint_eq(e.attr.st_rdev, 0);
	fs_forget(fx_fs, e.ino, 1);
}
END_TEST

START_TEST(link_and_unlink_count_names)
{
	struct fuse_entry_param e;
	fuse_ino_t f = mkfile(FX_ROOT, "f"), d = mkdir_(FX_ROOT, "d");

	ck_assert_int_eq(fs_link(fx_fs, f, d, "g", &e), 0);
	ck_assert_uint_eq(e.ino, f);
	ck_assert_uint_eq(e.attr.st_nlink, 2);
	fs_forget(fx_fs, f, 1);
	ck_assert_int_eq(fs_link(fx_fs, f, d, "g", &e), -EEXIST);
	ck_assert_int_eq(fs_link(fx_fs, d, FX_ROOT, "d2", &e), -EPERM);
	ck_assert_int_eq(fs_unlink(fx_fs, FX_ROOT, "f"), 0);
	ck_assert_uint_eq(fx_stat(fx_fs, f).st_nlink, 1);
	ck_assert_uint_eq(fx_ino(fx_fs, FX_ROOT, "f"), 0);
	ck_assert_uint_eq(fx_ino(fx_fs, d, "g"), f);
	ck_assert_int_eq(fs_unlink(fx_fs, FX_ROOT, "f"), -ENOENT);
	ck_assert_int_eq(fs_unlink(fx_fs, FX_ROOT, "d"), -EISDIR);
	ck_assert_int_eq(fs_rmdir(fx_fs, d, "g"), -ENOTDIR);
	ck_assert_int_eq(fs_rmdir(fx_fs, FX_ROOT, "d"), -ENOTEMPTY);
	ck_assert_int_eq(fs_unlink(fx_fs, d, "g"), 0);
	ck_assert_int_eq(fs_getattr(fx_fs, f, &(struct stat){ 0 }), -ENOENT);
	ck_assert_int_eq(fs_rmdir(fx_fs, FX_ROOT, "d"), 0);
}
END_TEST

START_TEST(directories_count_their_subdirectories)
{
	fuse_ino_t d = mkdir_(FX_ROOT, "d");
	unsigned int root = fx_stat(fx_fs, FX_ROOT).st_nlink;

	ck_assert_uint_eq(fx_stat(fx_fs, d).st_nlink, 2);
	mkdir_(d, "a");
	mkdir_(d, "b");
	mkfile(d, "f");
	ck_assert_uint_eq(fx_stat(fx_fs, d).st_nlink, 4);
	ck_assert_int_eq(fs_rmdir(fx_fs, d, "a"), 0);
	ck_assert_uint_eq(fx_stat(fx_fs, d).st_nlink, 3);
	ck_assert_uint_eq(fx_stat(fx_fs, FX_ROOT).st_nlink, root);
}
END_TEST

START_TEST(pseudo_files_keep_their_names)
{
	struct fuse_entry_param e;
	fuse_ino_t si = fx_ino(fx_fs, FX_ROOT, "slabinfo");

	ck_assert_uint_ne(si, 0);
	ck_assert_int_eq(fs_unlink(fx_fs, FX_ROOT, "slabinfo"), -EPERM);
	ck_assert_int_eq(fs_rename(fx_fs, &user, FX_ROOT, "slabinfo", FX_ROOT,
				   "x", 0), -EPERM);
	ck_assert_int_eq(fs_link(fx_fs, si, FX_ROOT, "x", &e), -EPERM);
	mkfile(FX_ROOT, "f");
	ck_assert_int_eq(fs_rename(fx_fs, &user, FX_ROOT, "f", FX_ROOT,
				   "slabinfo", 0), -EPERM);
}
END_TEST

static char got[PATH_MAX + 1];

static void keep(struct fs_buf_sink *sink, const void *buf, size_t len)
{
	(void)sink;
	ck_assert_uint_le(len, PATH_MAX);
	memcpy(got, buf, len);
	got[len] = '\0';
}

START_TEST(symlink_target_reaches_the_sink)
{
	struct fs_buf_sink sink = { keep };
	struct fuse_entry_param e;
	static char huge[PATH_MAX + 1];

	ck_assert_int_eq(fs_symlink(fx_fs, &user, "../some/where", FX_ROOT, "l",
				    &e), 0);
	ck_assert(S_ISLNK(e.attr.st_mode));
	ck_assert_uint_eq(e.attr.st_size, strlen("../some/where"));
	/* no umask on a symlink */
	ck_assert_uint_eq(e.attr.st_mode & 0777, 0777);
	ck_assert_int_eq(fs_readlink(fx_fs, e.ino, &sink), 0);
	ck_assert_str_eq(got, "../some/where");
	fs_forget(fx_fs, e.ino, 1);
	ck_assert_int_eq(fs_readlink(fx_fs, mkfile(FX_ROOT, "f"), &sink),
			 -EINVAL);
	memset(huge, 'x', PATH_MAX);
	ck_assert_int_eq(fs_symlink(fx_fs, &user, huge, FX_ROOT, "h", &e),
			 -ENAMETOOLONG);
}
END_TEST

/* a sink taking @room entries, recording the lookups it carries */
struct plus_sink {
	struct fs_dir_sink sink;
	int room, n, held;
	fuse_ino_t ino[16];
};

static bool plus_emit(struct fs_dir_sink *sink, const char *name,
		      const struct fuse_entry_param *e, uint64_t cookie,
		      bool lookup)
{
	struct plus_sink *p = container_of(sink, struct plus_sink, sink);

	(void)name;
	(void)cookie;
	if (p->n == p->room)
		return false;
	ck_assert(!lookup || e->attr.st_ino == e->ino);
	p->ino[p->n++] = e->ino;
	p->held += lookup;
	return true;
}

START_TEST(readdirplus_takes_a_lookup_per_entry_returned)
{
	struct plus_sink p = { { true, plus_emit }, 4, 0, 0, { 0 } };
	fuse_ino_t d = mkdir_(FX_ROOT, "d"), a, b, c;
	struct fs_inode *ia;
	void *fh;

	a = mkfile(d, "a");
	b = mkfile(d, "b");
	c = mkfile(d, "c");
	ck_assert_int_eq(fs_opendir(fx_fs, d, &fh), 0);
	/* ".", "..", then two of three: a full sink ends the listing */
	ck_assert_int_eq(fs_readdir(fx_fs, d, 0, fh, &p.sink), 0);
	ck_assert_int_eq(p.n, 4);
	ck_assert_int_eq(p.held, 2);
	ck_assert_uint_eq(p.ino[2], a);
	ck_assert_uint_eq(p.ino[3], b);
	/* resumed at b's cookie through the cursor: c alone */
	p.n = p.held = 0;
	ck_assert_int_eq(fs_readdir(fx_fs, d, (off_t)fs_iget_unlocked(fx_fs, d)
				    ->dir.next_cookie - 2, fh, &p.sink), 0);
	ck_assert_int_eq(p.n, 1);
	ck_assert_uint_eq(p.ino[0], c);
	fs_releasedir(fh);
	/* the lookup keeps a, unlinked, until it is forgotten */
	ia = fs_iget_unlocked(fx_fs, a);
	ck_assert_uint_eq(ia->nlookup, 1);
	ck_assert_int_eq(fs_unlink(fx_fs, d, "a"), 0);
	ck_assert_uint_eq(fx_stat(fx_fs, a).st_nlink, 0);
	fs_forget(fx_fs, a, 1);
	ck_assert_int_eq(fs_getattr(fx_fs, a, &(struct stat){ 0 }), -ENOENT);
	fs_forget(fx_fs, b, 1);
	fs_forget(fx_fs, c, 1);
	ck_assert_int_eq(fs_readdir(fx_fs, a, 0, NULL, &p.sink), -ENOENT);
	ck_assert_int_eq(fs_readdir(fx_fs, b, 0, NULL, &p.sink), -ENOTDIR);
}
END_TEST

START_TEST(a_removed_directory_takes_no_names)
{
	struct fuse_entry_param e;
	fuse_ino_t d;

	ck_assert_int_eq(fs_mkdir(fx_fs, &user, FX_ROOT, "d", 0755, &e), 0);
	d = e.ino;
	ck_assert_int_eq(fs_rmdir(fx_fs, FX_ROOT, "d"), 0);
	ck_assert_int_eq(fs_create(fx_fs, &user, d, "f", 0644, &e), -ENOENT);
	fs_forget(fx_fs, d, 1);
}
END_TEST

START_TEST(tmpfile_has_no_name_until_linked)
{
	struct fuse_entry_param e, l;
	size_t before = fx_nr_inodes(fx_fs);

	ck_assert_int_eq(fs_create(fx_fs, &user, FX_ROOT, NULL, 0600, &e), 0);
	ck_assert_uint_eq(e.attr.st_nlink, 0);
	ck_assert_uint_eq(fx_nr_inodes(fx_fs), before + 1);
	ck_assert_int_eq(fs_link(fx_fs, e.ino, FX_ROOT, "t", &l), 0);
	ck_assert_uint_eq(l.attr.st_nlink, 1);
	fs_forget(fx_fs, e.ino, 2);
	ck_assert_uint_eq(fx_ino(fx_fs, FX_ROOT, "t"), e.ino);
}
END_TEST

/* --------------------------------------------------------- lifetime */

START_TEST(an_inode_lives_while_named_or_looked_up)
{
	struct fuse_entry_param e;
	struct fuse_forget_data fd[2];
	size_t before = fx_nr_inodes(fx_fs);
	fuse_ino_t f;

	ck_assert_int_eq(fs_create(fx_fs, &user, FX_ROOT, "f", 0644, &e), 0);
	f = e.ino;
	ck_assert_int_eq(fs_lookup(fx_fs, FX_ROOT, "f", &e), 0);
	ck_assert_int_eq(fs_lookup(fx_fs, FX_ROOT, "f", &e), 0);   /* 3 */
	ck_assert_int_eq(fs_unlink(fx_fs, FX_ROOT, "f"), 0);
	fs_forget(fx_fs, f, 1);
	ck_assert_uint_eq(fx_nr_inodes(fx_fs), before + 1);
	fd[0].ino = f;
	fd[0].nlookup = 1;
	fd[1].ino = 424242;              /* unknown: ignored */
	fd[1].nlookup = 1;
	fs_forget_multi(fx_fs, 2, fd);
	ck_assert_uint_eq(fx_nr_inodes(fx_fs), before + 1);
	fs_forget(fx_fs, f, 5);             /* more than held: the rest */
	ck_assert_uint_eq(fx_nr_inodes(fx_fs), before);
	ck_assert_int_eq(fs_getattr(fx_fs, f, &e.attr), -ENOENT);
}
END_TEST

START_TEST(a_named_inode_outlives_its_lookups)
{
	fuse_ino_t f = mkfile(FX_ROOT, "f");

	/* fx_make forgot the create's lookup: nlookup 0, nlink 1 */
	ck_assert_uint_eq(fs_iget_unlocked(fx_fs, f)->nlookup, 0);
	ck_assert_uint_eq(fx_stat(fx_fs, f).st_nlink, 1);
	ck_assert_int_eq(fs_unlink(fx_fs, FX_ROOT, "f"), 0);
	ck_assert_ptr_null(fs_iget_unlocked(fx_fs, f));
}
END_TEST

/* a pin (a request still sending after its reply) outlives the table */
START_TEST(a_pinned_inode_is_freed_by_the_last_unpin)
{
	struct fuse_entry_param e;
	struct fs_inode *inode;

	ck_assert_int_eq(fs_create(fx_fs, &user, FX_ROOT, "f", 0644, &e), 0);
	inode = fs_iget_unlocked(fx_fs, e.ino);
	fs_pin(inode);
	ck_assert_int_eq(fs_unlink(fx_fs, FX_ROOT, "f"), 0);
	fs_forget(fx_fs, e.ino, 1);
	ck_assert_ptr_null(fs_iget_unlocked(fx_fs, e.ino));
	ck_assert_uint_eq(inode->pins, 1);      /* still readable */
	fs_unpin(fx_fs, inode);                    /* frees: fx_free checks */
}
END_TEST

/* ------------------------------------------------------------ flags */

static int invals;

static void count_inval(struct fs *f, fuse_ino_t ino)
{
	(void)f;
	(void)ino;
	invals++;
}

static int set_iflags(struct fs_cred *cred, fuse_ino_t ino, unsigned int fl)
{
	return fs_set_iflags(fx_fs, cred, fs_iget_unlocked(fx_fs, ino), fl);
}

START_TEST(chattr_needs_the_owner_and_cap_linux_immutable)
{
	struct fs_cred other = fx_cred(2000, 2000, 0);
	struct fs_cred fowner = fx_cred(2000, 2000, 1ULL << CAP_FOWNER);
	struct fs_cred owner_cap = fx_cred(1000, 1000,
					   1ULL << CAP_LINUX_IMMUTABLE);
	fuse_ino_t f = mkfile(FX_ROOT, "f");

	fx_fs->inval_inode = count_inval;
	ck_assert_int_eq(set_iflags(&other, f, FS_NODUMP_FL), -EPERM);
	ck_assert_int_eq(set_iflags(&fowner, f, FS_NODUMP_FL), 0);
	ck_assert_int_eq(set_iflags(&user, f, FS_IMMUTABLE_FL), -EPERM);
	ck_assert_int_eq(set_iflags(&owner_cap, f, FS_COMPR_FL),
			 -EOPNOTSUPP);
	ck_assert_int_eq(set_iflags(&owner_cap, f, FS_IMMUTABLE_FL), 0);
	/* the kernel is told twice that its cached ctime is stale */
	ck_assert_int_eq(invals, 2);
	ck_assert_uint_eq(fs_iflags(fs_iget_unlocked(fx_fs, f)),
			  FS_IMMUTABLE_FL);
}
END_TEST

START_TEST(immutable_and_append_only_refuse_changes)
{
	struct fs_cred cap = fx_cred(1000, 1000, 1ULL << CAP_LINUX_IMMUTABLE);
	struct fuse_entry_param e;
	struct stat attr = { .st_mode = 0600 };
	fuse_ino_t d = mkdir_(FX_ROOT, "d"), f = mkfile(d, "f");
	fuse_ino_t g = mkfile(FX_ROOT, "g");

	ck_assert_int_eq(set_iflags(&cap, f, FS_IMMUTABLE_FL), 0);
	ck_assert_int_eq(fs_unlink(fx_fs, d, "f"), -EPERM);
	ck_assert_int_eq(fs_link(fx_fs, f, d, "f2", &e), -EPERM);
	ck_assert_int_eq(fs_rename(fx_fs, &user, d, "f", d, "f3", 0), -EPERM);
	ck_assert_int_eq(fs_setattr(fx_fs, &user, f, &attr, FUSE_SET_ATTR_MODE,
				    &e.attr), -EPERM);
	ck_assert_int_eq(fs_setxattr(fx_fs, &user, f, "user.a", "1", 1, 0),
			 -EPERM);
	ck_assert_int_eq(set_iflags(&cap, d, FS_APPEND_FL), 0);
	/* an append-only directory takes new names, loses none */
	mkfile(d, "new");
	ck_assert_int_eq(fs_unlink(fx_fs, d, "new"), -EPERM);
	ck_assert_int_eq(fs_rename(fx_fs, &user, FX_ROOT, "g", d, "g", 0), 0);
	ck_assert_uint_eq(fx_ino(fx_fs, d, "g"), g);
	ck_assert_int_eq(set_iflags(&cap, d, FS_IMMUTABLE_FL), 0);
	ck_assert_int_eq(fs_create(fx_fs, &user, d, "x", 0644, &e), -EPERM);
	ck_assert_int_eq(set_iflags(&cap, f, 0), 0);
	ck_assert_int_eq(set_iflags(&cap, d, 0), 0);
	ck_assert_int_eq(fs_unlink(fx_fs, d, "f"), 0);
}
END_TEST

START_TEST(a_new_inode_takes_nodump_and_noatime_from_its_directory)
{
	fuse_ino_t d = mkdir_(FX_ROOT, "d");

	ck_assert_int_eq(set_iflags(&user, d, FS_NODUMP_FL | FS_NOATIME_FL),
			 0);
	ck_assert_uint_eq(fs_iflags(fs_iget_unlocked(fx_fs, mkfile(d, "f"))),
			  FS_NODUMP_FL | FS_NOATIME_FL);
}
END_TEST

/* ----------------------------------------------------------- ENOSPC */

#define FULL_SIZE (2ULL << 20)

static void setup_full(void)
{
	fx_fs = fx_new(FULL_SIZE);
	user = fx_cred(1000, 1000, 0);
}

/*
 * fill - names until the limit, new inodes and new links by turns until
 * neither fits: then no inode, entry or name of that size can be had.
 * Returns the last error.
 */
static int fill(fuse_ino_t dir, fuse_ino_t f)
{
	struct fuse_entry_param e;
	char name[FS_NAME_MAX + 1];
	int i = 0, err, made;

	do {
		made = 0;
		for (err = 0; !err; made++, i++) {
			ck_assert_int_lt(i, 100000);
			snprintf(name, sizeof(name), "%0200d", i);
			fx_make(fx_fs, &user, dir, name, S_IFREG | 0644, &err);
		}
		for (err = 0; !err; made++, i++) {
			snprintf(name, sizeof(name), "%0200d", i);
			err = fs_link(fx_fs, f, dir, name, &e);
			if (!err)
				fs_forget(fx_fs, f, 1);
		}
	} while (made > 2);
	return err;
}

/* the state a failed operation must leave as it was */
struct snapshot {
	size_t inodes;
	int entries[2];
	struct stat root, d, f;
	ssize_t xattr;
};

static void snap(struct snapshot *s, fuse_ino_t d, fuse_ino_t f)
{
	static struct fx_dirent ents[FX_MAX_ENTRIES];
	struct fs_buf_sink sink = { keep };

	memset(s, 0, sizeof(*s));
	s->inodes = fx_nr_inodes(fx_fs);
	s->entries[0] = fs_iget_unlocked(fx_fs, FX_ROOT)->dir.nr_entries;
	s->entries[1] = fx_list(fx_fs, d, ents);
	s->root = fx_stat(fx_fs, FX_ROOT);
	s->d = fx_stat(fx_fs, d);
	s->f = fx_stat(fx_fs, f);
	s->xattr = fs_getxattr(fx_fs, f, "user.x", 0, &sink);
}

static void same(const struct snapshot *a, const struct snapshot *b)
{
	ck_assert_uint_eq(a->inodes, b->inodes);
	ck_assert_int_eq(a->entries[0], b->entries[0]);
	ck_assert_int_eq(a->entries[1], b->entries[1]);
	ck_assert_int_eq(memcmp(&a->root, &b->root, sizeof(a->root)), 0);
	ck_assert_int_eq(memcmp(&a->d, &b->d, sizeof(a->d)), 0);
	ck_assert_int_eq(memcmp(&a->f, &b->f, sizeof(a->f)), 0);
	ck_assert_int_eq(a->xattr, b->xattr);
}

START_TEST(enospc_at_the_limit_changes_nothing)
{
	static char big[60000];
	struct snapshot before, after;
	struct fuse_entry_param e;
	char name[FS_NAME_MAX + 1];
	fuse_ino_t d = mkdir_(FX_ROOT, "d"), f = mkfile(FX_ROOT, "f");

	ck_assert_int_eq(fill(FX_ROOT, f), -ENOSPC);
	memset(name, 'z', FS_NAME_MAX);
	name[FS_NAME_MAX] = '\0';
	memset(big, 'v', sizeof(big));
	snap(&before, d, f);
	ck_assert_int_eq(fs_mkdir(fx_fs, &user, d, name, 0755, &e), -ENOSPC);
	ck_assert_int_eq(fs_create(fx_fs, &user, d, name, 0644, &e), -ENOSPC);
	ck_assert_int_eq(fs_mknod(fx_fs, &user, d, name, S_IFIFO | 0644, 0, &e),
			 -ENOSPC);
	ck_assert_int_eq(fs_symlink(fx_fs, &user, name, d, name, &e), -ENOSPC);
	ck_assert_int_eq(fs_link(fx_fs, f, d, name, &e), -ENOSPC);
	/* a new name in another directory needs an entry */
	ck_assert_int_eq(fs_rename(fx_fs, &user, FX_ROOT, "f", d, name, 0),
			 -ENOSPC);
	ck_assert_int_eq(fs_rename(fx_fs, &user, FX_ROOT, "f", FX_ROOT, name,
				   RENAME_WHITEOUT), -ENOSPC);
	ck_assert_int_eq(fs_setxattr(fx_fs, &user, f, "user.x", big,
				     sizeof(big), 0), -ENOSPC);
	snap(&after, d, f);
	same(&before, &after);
	/* what needs no memory still works: a rename over a name, a
	   removal; and then the freed space takes a name again */
	snprintf(name, sizeof(name), "%0200d", 0);
	ck_assert_int_eq(fs_rename(fx_fs, &user, FX_ROOT, "f", FX_ROOT, name,
				   0), 0);
	ck_assert_int_eq(fs_rmdir(fx_fs, FX_ROOT, "d"), 0);
	ck_assert_int_eq(fs_create(fx_fs, &user, FX_ROOT, "g", 0644, &e), 0);
	fs_forget(fx_fs, e.ino, 1);
}
END_TEST

/* counted - the names users made in FX_ROOT ("n..."), plus the root: what
   nr_inodes= must count there (no hard-linked directory, no open file) */
static unsigned int counted(void)
{
	static struct fx_dirent ents[FX_MAX_ENTRIES];
	int i, n = fx_list(fx_fs, FX_ROOT, ents);
	unsigned int names = 1;

	ck_assert_int_ge(n, 0);
	for (i = 0; i < n; i++)
		names += ents[i].name[0] == 'n';
	return names;
}

/* nr_op - one random call that adds or removes a name in FX_ROOT, n0 to
   n11 (a rename may leave a whiteout); its 0 or -errno, and in *@made
   whether it was a create or mkdir of a name not yet there */
static int nr_op(unsigned int r, bool *made)
{
	struct fuse_entry_param e;
	char a[8], b[8];
	fuse_ino_t ino;
	int err = 0;

	snprintf(a, sizeof(a), "n%u", (r >> 4) % 12);
	snprintf(b, sizeof(b), "n%u", (r >> 8) % 12);
	*made = false;
	switch (r % 6) {
	case 0:
	case 1:
		*made = !fx_ino(fx_fs, FX_ROOT, a);
		ino = fx_make(fx_fs, &user, FX_ROOT, a,
			      r % 6 ? S_IFDIR | 0755 : S_IFREG | 0644, &err);
		return ino ? 0 : err;
	case 2:
		ino = fx_ino(fx_fs, FX_ROOT, a);
		if (!ino)
			return -ENOENT;
		err = fs_link(fx_fs, ino, FX_ROOT, b, &e);
		if (!err)
			fs_forget(fx_fs, e.ino, 1);
		return err;
	case 3:
		return fs_unlink(fx_fs, FX_ROOT, a);
	case 4:
		return fs_rmdir(fx_fs, FX_ROOT, a);
	default:
		return fs_rename(fx_fs, &user, FX_ROOT, a, FX_ROOT, b,
				 r & RENAME_WHITEOUT);
	}
}

/*
 * nr_inodes=: after every one of many random creates, mkdirs, links,
 * unlinks, rmdirs and renames (whiteouts among them), statfs's inodes in
 * use are the root and every name users made, as tmpfs counts them, and
 * never more than the limit; a new name fails with ENOSPC exactly when
 * all are used.
 */
START_TEST(nr_inodes_counts_every_name_and_stops_at_the_limit)
{
	const unsigned int limit = 9;
	unsigned int i, seed = 19, was, now, enospc = 0;
	struct statvfs sv;
	bool made;
	int err;

	fx_fs->opt.nr_inodes = limit;
	for (i = 0; i < 3000; i++) {
		seed = seed * 1103515245 + 12345;
		was = counted();
		err = nr_op(seed >> 8, &made);
		now = counted();
		fs_statfs(fx_fs, &sv);
		ck_assert_uint_eq(sv.f_files, limit);
		ck_assert_uint_eq(sv.f_files - sv.f_ffree, now);
		ck_assert_uint_le(now, limit);
		if (err == -ENOSPC)
			ck_assert_uint_eq(was, limit);
		if (made)
			ck_assert_int_eq(err, was == limit ? -ENOSPC : 0);
		enospc += err == -ENOSPC;
	}
	ck_assert_uint_gt(enospc, 0);        /* the limit was reached */
}
END_TEST

static int count_cache(struct kmem_cache *s, void *arg)
{
	(void)s;
	++*(int *)arg;
	return 0;
}

/* looking at a full fs: slab/ fills in whole, and statfs does not move */
START_TEST(a_full_fs_shows_every_cache_and_looking_costs_it_nothing)
{
	static struct fx_dirent caches[FX_MAX_ENTRIES], files[FX_MAX_ENTRIES];
	fuse_ino_t f = mkfile(FX_ROOT, "f"), slab, dir;
	struct statvfs before, after;
	int n, i, nr_caches = 0;
	void *fh;

	ck_assert_int_eq(fill(FX_ROOT, f), -ENOSPC);
	fs_statfs(fx_fs, &before);
	slab = fx_ino(fx_fs, FX_ROOT, "slab");
	ck_assert_int_eq(fs_opendir(fx_fs, slab, &fh), 0);  /* refreshes */
	ck_assert_ptr_null(fh);      /* a fixed directory takes no cursor */
	n = fx_list(fx_fs, slab, caches);
	kmem_cache_for_each(count_cache, &nr_caches);
	ck_assert_int_eq(n, nr_caches);
	for (i = 0; i < n; i++) {
		dir = caches[i].ino;
		ck_assert_int_eq(fs_opendir(fx_fs, dir, &fh), 0);
		ck_assert_int_gt(fx_list(fx_fs, dir, files), 50);
	}
	fs_statfs(fx_fs, &after);
	ck_assert_uint_eq(after.f_bfree, before.f_bfree);
	ck_assert_uint_eq(after.f_bavail, before.f_bavail);
	ck_assert_uint_eq(after.f_ffree, before.f_ffree);
	ck_assert_uint_eq(after.f_files, before.f_files);
}
END_TEST

/* ------------------------------------------------------------ suite */

static Suite *fs_suite(void)
{
	Suite *s = suite_create("fs");
	TCase *tc;

	tc = tcase_create("Names");
	tcase_add_checked_fixture(tc, setup, fx_teardown);
	tcase_add_test(tc, create_gives_an_entry_with_one_lookup);
	tcase_add_test(tc, lookup_of_a_missing_name_is_a_negative_entry);
	tcase_add_test(tc, make_refuses_bad_names_and_places);
	tcase_add_test(tc, mknod_keeps_type_and_device_number);
	tcase_add_test(tc, link_and_unlink_count_names);
	tcase_add_test(tc, directories_count_their_subdirectories);
	tcase_add_test(tc, pseudo_files_keep_their_names);
	tcase_add_test(tc, symlink_target_reaches_the_sink);
	tcase_add_test(tc, readdirplus_takes_a_lookup_per_entry_returned);
	tcase_add_test(tc, a_removed_directory_takes_no_names);
	tcase_add_test(tc, tmpfile_has_no_name_until_linked);
	suite_add_tcase(s, tc);

	tc = tcase_create("Lifetime");
	tcase_add_checked_fixture(tc, setup, fx_teardown);
	tcase_add_test(tc, an_inode_lives_while_named_or_looked_up);
	tcase_add_test(tc, a_named_inode_outlives_its_lookups);
	tcase_add_test(tc, a_pinned_inode_is_freed_by_the_last_unpin);
	suite_add_tcase(s, tc);

	tc = tcase_create("Flags");
	tcase_add_checked_fixture(tc, setup, fx_teardown);
	tcase_add_test(tc, chattr_needs_the_owner_and_cap_linux_immutable);
	tcase_add_test(tc, immutable_and_append_only_refuse_changes);
	tcase_add_test(tc,
		a_new_inode_takes_nodump_and_noatime_from_its_directory);
	suite_add_tcase(s, tc);

	tc = tcase_create("Limits");
	tcase_add_checked_fixture(tc, setup_full, fx_teardown);
	tcase_add_test(tc, enospc_at_the_limit_changes_nothing);
	tcase_add_test(tc, nr_inodes_counts_every_name_and_stops_at_the_limit);
	tcase_add_test(tc,
		a_full_fs_shows_every_cache_and_looking_costs_it_nothing);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(fs_suite, 60)
