/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_fs_attr.c - setattr, the set-ID rule, xattrs and ACLs, no FUSE */

/*
 * setattr by hand (chmod, chown, truncate, utimes, the errors), then the
 * set-group-ID rule over a table of cases - every combination of the
 * set-ID, group-execute and other-write bits, five callers (the owner in
 * the file's group, outside it, in it through a supplementary group, a
 * stranger, a stranger with CAP_FSETID) and eight kinds of setattr -
 * each checked against a model of the kernel's rule written apart from
 * priv.c.  Then extended attributes and POSIX ACLs: namespaces, flags,
 * sizes, the mode an ACL sets, inheritance from a default ACL.
 */

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <linux/capability.h>
#include <linux/limits.h>

#include "fs_fixture.h"
#include "unit.h"

#define OWNER 1000
#define GROUP 1000

static struct fs_cred user, root;

static void setup(void)
{
	fx_setup();
	user = fx_cred(OWNER, GROUP, 0);
	root = fx_cred(0, 0, ~0ULL);
}

static fuse_ino_t make(fuse_ino_t dir, const char *name, mode_t mode)
{
	return fx_must_make(fx_fs, &user, dir, name, mode);
}

static int setattr(struct fs_cred *cred, fuse_ino_t ino, struct stat *attr,
		   int to_set)
{
	struct stat st;

	return fs_setattr(fx_fs, cred, ino, attr, to_set, &st);
}

/* chmod - set @ino's mode bits as root, which keeps every bit */
static void chmod_(fuse_ino_t ino, mode_t mode)
{
	struct stat attr = { .st_mode = mode };

	ck_assert_int_eq(setattr(&root, ino, &attr, FUSE_SET_ATTR_MODE), 0);
	ck_assert_uint_eq(fx_stat(fx_fs, ino).st_mode & 07777, mode);
}

static bool ts_le(struct timespec a, struct timespec b)
{
	return a.tv_sec < b.tv_sec ||
	       (a.tv_sec == b.tv_sec && a.tv_nsec <= b.tv_nsec);
}

/* ---------------------------------------------------------- setattr */

START_TEST(chmod_and_chown_set_bits_and_owner_and_ctime)
{
	fuse_ino_t f = make(FX_ROOT, "f", S_IFREG | 0644);
	struct stat attr, st, before = fx_stat(fx_fs, f);

	attr.st_mode = S_IFDIR | 0750;    /* the type bits are not taken */
	ck_assert_int_eq(fs_setattr(fx_fs, &user, f, &attr, FUSE_SET_ATTR_MODE,
				    &st), 0);
	ck_assert_uint_eq(st.st_mode, S_IFREG | 0750);
	ck_assert(ts_le(before.st_ctim, st.st_ctim));
	attr.st_uid = 7;
	attr.st_gid = 8;
	ck_assert_int_eq(fs_setattr(fx_fs, &root, f, &attr, FUSE_SET_ATTR_UID |
				    FUSE_SET_ATTR_GID, &st), 0);
	ck_assert_uint_eq(st.st_uid, 7);
	ck_assert_uint_eq(st.st_gid, 8);
	ck_assert_int_eq(fs_setattr(fx_fs, &user, 4242, &attr,
				    FUSE_SET_ATTR_MODE, &st), -ENOENT);
}
END_TEST

START_TEST(truncate_sets_the_size_of_a_regular_file_only)
{
	fuse_ino_t f = make(FX_ROOT, "f", S_IFREG | 0644);
	fuse_ino_t d = make(FX_ROOT, "d", S_IFDIR | 0755);
	struct fuse_entry_param e;
	struct stat attr = { .st_size = 100000 }, st;

	ck_assert_int_eq(fs_setattr(fx_fs, &user, f, &attr, FUSE_SET_ATTR_SIZE,
				    &st), 0);
	ck_assert_int_eq(st.st_size, 100000);
	ck_assert_int_eq(st.st_blocks, 0);           /* a hole costs nothing */
	attr.st_size = 10;
	ck_assert_int_eq(fs_setattr(fx_fs, &user, f, &attr, FUSE_SET_ATTR_SIZE,
				    &st), 0);
	ck_assert_int_eq(st.st_size, 10);
	ck_assert_int_eq(setattr(&user, d, &attr, FUSE_SET_ATTR_SIZE),
			 -EISDIR);
	ck_assert_int_eq(fs_symlink(fx_fs, &user, "t", FX_ROOT, "l", &e), 0);
	ck_assert_int_eq(setattr(&user, e.ino, &attr, FUSE_SET_ATTR_SIZE),
			 -EINVAL);
	fs_forget(fx_fs, e.ino, 1);
	attr.st_size = -1;
	ck_assert_int_eq(setattr(&user, f, &attr, FUSE_SET_ATTR_SIZE),
			 -EINVAL);
	/* a pseudo-file keeps its mode and owner */
	attr.st_mode = 0666;
	ck_assert_int_eq(setattr(&root, fx_ino(fx_fs, FX_ROOT, "slabinfo"),
				 &attr, FUSE_SET_ATTR_MODE), -EPERM);
	ck_assert_int_eq(setattr(&root, fx_ino(fx_fs, FX_ROOT, "slabinfo"),
				 &attr, FUSE_SET_ATTR_UID), -EPERM);
}
END_TEST

START_TEST(utimes_sets_given_times_and_now)
{
	fuse_ino_t f = make(FX_ROOT, "f", S_IFREG | 0644);
	struct stat attr, st, before;

	memset(&attr, 0, sizeof(attr));
	attr.st_atim.tv_sec = 1000;
	attr.st_mtim.tv_sec = 2000;
	attr.st_ctim.tv_sec = 3000;
	ck_assert_int_eq(fs_setattr(fx_fs, &user, f, &attr,
				    FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME,
				    &st), 0);
	ck_assert_int_eq(st.st_atim.tv_sec, 1000);
	ck_assert_int_eq(st.st_mtim.tv_sec, 2000);
	ck_assert_int_gt(st.st_ctim.tv_sec, 3000);   /* now */
	ck_assert_int_eq(fs_setattr(fx_fs, &user, f, &attr, FUSE_SET_ATTR_CTIME,
				    &st), 0);
	ck_assert_int_eq(st.st_ctim.tv_sec, 3000);
	before = st;
	ck_assert_int_eq(fs_setattr(fx_fs, &user, f, &attr,
				    FUSE_SET_ATTR_ATIME_NOW, &st), 0);
	ck_assert_int_gt(st.st_atim.tv_sec, 1000);
	ck_assert_int_eq(st.st_mtim.tv_sec, 2000);
	ck_assert(ts_le(before.st_ctim, st.st_ctim));
	/* a setattr of nothing is chown(f, -1, -1): ctime only */
	ck_assert_int_eq(fs_setattr(fx_fs, &user, f, &attr, FUSE_SET_ATTR_CTIME,
				    &st), 0);
	ck_assert_int_eq(fs_setattr(fx_fs, &user, f, &attr, 0, &st), 0);
	ck_assert_int_gt(st.st_ctim.tv_sec, 3000);
	ck_assert_int_eq(st.st_mtim.tv_sec, 2000);
}
END_TEST

/* ---------------------------------------------------- the set-ID rule */

struct caller {
	const char *what;
	uid_t uid;
	gid_t gid;
	gid_t extra;                 /* a supplementary group, or 0 */
	bool fsetid;
};

static const struct caller callers[] = {
	{ "owner in group", OWNER, GROUP, 0, false },
	{ "owner outside", OWNER, 2000, 0, false },
	{ "owner by supplementary", OWNER, 2000, GROUP, false },
	{ "stranger", 3000, 3000, 0, false },
	{ "stranger with CAP_FSETID", 3000, 3000, 0, true },
};

static const int kinds[] = {
	FUSE_SET_ATTR_MODE, FUSE_SET_ATTR_UID, FUSE_SET_ATTR_GID,
	FUSE_SET_ATTR_SIZE, FUSE_SET_ATTR_ATIME, FUSE_SET_ATTR_MTIME_NOW,
	FUSE_SET_ATTR_CTIME, 0,
};

static int groups_loaded;

static void load_extra(struct fs_cred *cred)
{
	groups_loaded++;
	cred->groups[0] = GROUP;
	cred->ngroups = 1;
}

/*
 * The model: the kernel's should_remove_suid/setattr_should_drop_sgid as
 * a FUSE daemon must finish it.  S_ISUID is the kernel's alone.  S_ISGID
 * goes after a change of mode, owner, group or size, or after a setattr
 * of nothing but ctime that is the kernel's own before a write (then the
 * caller owns or may write the file), when the caller is outside the
 * file's group and lacks CAP_FSETID.
 */
static mode_t model(mode_t mode, const struct caller *c, int to_set)
{
	bool in_group = c->gid == GROUP || c->extra == GROUP;
	bool change = to_set & (FUSE_SET_ATTR_MODE | FUSE_SET_ATTR_UID |
				FUSE_SET_ATTR_GID | FUSE_SET_ATTR_SIZE);
	bool writer;

	if (!(mode & S_ISGID))
		return mode;
	if (!change && (to_set & ~FUSE_SET_ATTR_CTIME))
		return mode;                     /* times only */
	if (c->uid == OWNER)
		writer = mode & S_IWUSR;
	else
		writer = in_group ? mode & S_IWGRP : mode & S_IWOTH;
	if (!change && c->uid != OWNER && !writer)
		return mode;
	if (in_group || c->fsetid)
		return mode;
	return mode & ~(mode_t)S_ISGID;
}

START_TEST(setgid_is_dropped_as_the_kernel_drops_it)
{
	fuse_ino_t f = make(FX_ROOT, "f", S_IFREG | 0644);
	struct fs_cred cred;
	struct stat attr, st;
	unsigned int bits, k, cases = 0;
	size_t c;
	mode_t mode, want;

	for (bits = 0; bits < 16; bits++) {
		mode = 0644 | (bits & 1 ? S_ISUID : 0) |
		       (bits & 2 ? S_ISGID : 0) | (bits & 4 ? S_IXGRP : 0) |
		       (bits & 8 ? S_IWOTH : 0);
		for (c = 0; c < sizeof(callers) / sizeof(callers[0]); c++)
			for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
				const struct caller *who = &callers[c];

				chmod_(f, mode);
				cred = fx_cred(who->uid, who->gid,
					       who->fsetid ?
					       1ULL << CAP_FSETID : 0);
				if (who->extra) {
					cred.ngroups = -1;
					cred.load_groups = load_extra;
				}
				memset(&attr, 0, sizeof(attr));
				attr.st_mode = mode;      /* the same mode */
				attr.st_uid = OWNER;      /* the same owner */
				attr.st_gid = GROUP;
				groups_loaded = 0;
				ck_assert_int_eq(fs_setattr(fx_fs, &cred, f,
						&attr, kinds[k], &st), 0);
				want = model(mode, who, kinds[k]);
				ck_assert_msg((st.st_mode & 07777) == want,
					      "mode %04o, %s, to_set %#x: "
					      "%04o, model %04o", mode,
					      who->what, kinds[k],
					      st.st_mode & 07777, want);
				/* the groups are asked once at most */
				ck_assert_int_le(groups_loaded, 1);
				cases++;
			}
	}
	ck_assert_uint_eq(cases, 640);
}
END_TEST

/* a write takes both set-ID bits and security.capability (fs_kill_priv) */
START_TEST(a_write_kills_privileges_as_the_kernel_does)
{
	fuse_ino_t f = make(FX_ROOT, "f", S_IFREG | 0644);
	struct fs_inode *inode = fs_iget_unlocked(fx_fs, f);
	struct fs_cred in = fx_cred(OWNER, GROUP, 0);
	struct fs_cred cap = fx_cred(OWNER, 2000, 1ULL << CAP_FSETID);

	chmod_(f, 06744);
	ck_assert_int_eq(fs_setxattr(fx_fs, &root, f, "security.capability",
				     "x", 1, 0), 0);
	ck_assert(!fs_kill_priv(&cap, inode));       /* CAP_FSETID: kept */
	ck_assert_uint_eq(fx_stat(fx_fs, f).st_mode & 07777, 06744);
	/* in the group, S_ISGID without group execute is mandatory locking:
	   it stays; S_ISUID goes */
	ck_assert(fs_kill_priv(&in, inode));
	ck_assert_uint_eq(fx_stat(fx_fs, f).st_mode & 07777, 02744);
	ck_assert_int_eq(fs_getxattr(fx_fs, f, "security.capability", 0, NULL),
			 -ENODATA);
	chmod_(f, 02754);
	ck_assert(fs_kill_priv(&in, inode));
	ck_assert_uint_eq(fx_stat(fx_fs, f).st_mode & 07777, 0754);
}
END_TEST

/* ----------------------------------------------------------- xattrs */

static char got[XATTR_SIZE_MAX];
static size_t got_len;

static void keep(struct fs_buf_sink *sink, const void *buf, size_t len)
{
	(void)sink;
	memcpy(got, buf, len);
	got_len = len;
}

static struct fs_buf_sink sink = { keep };

START_TEST(xattrs_set_get_list_remove)
{
	fuse_ino_t f = make(FX_ROOT, "f", S_IFREG | 0644);

	ck_assert_int_eq(fs_setxattr(fx_fs, &user, f, "user.a", "hello", 5, 0),
			 0);
	ck_assert_int_eq(fs_setxattr(fx_fs, &user, f, "user.b", "", 0, 0), 0);
	ck_assert_int_eq(fs_getxattr(fx_fs, f, "user.a", 0, &sink), 5);
	ck_assert_int_eq(fs_getxattr(fx_fs, f, "user.a", 4, &sink), -ERANGE);
	ck_assert_int_eq(fs_getxattr(fx_fs, f, "user.a", 64, &sink), 5);
	ck_assert_int_eq(memcmp(got, "hello", 5), 0);
	ck_assert_int_eq(fs_listxattr(fx_fs, &user, f, 0, &sink), 14);
	ck_assert_int_eq(fs_listxattr(fx_fs, &user, f, 13, &sink), -ERANGE);
	ck_assert_int_eq(fs_listxattr(fx_fs, &user, f, 100, &sink), 14);
	ck_assert_int_eq(memcmp(got, "user.a\0user.b\0", 14), 0);
	ck_assert_int_eq(fs_setxattr(fx_fs, &user, f, "user.a", "x", 1,
				     XATTR_CREATE), -EEXIST);
	ck_assert_int_eq(fs_setxattr(fx_fs, &user, f, "user.c", "x", 1,
				     XATTR_REPLACE), -ENODATA);
	ck_assert_int_eq(fs_setxattr(fx_fs, &user, f, "user.a", "bye", 3,
				     XATTR_REPLACE), 0);
	ck_assert_int_eq(fs_getxattr(fx_fs, f, "user.a", 0, &sink), 3);
	ck_assert_int_eq(fs_setxattr(fx_fs, &user, f, "user.a", "x", 1, 4),
			 -EINVAL);
	ck_assert_int_eq(fs_setxattr(fx_fs, &user, f, "user.a", got,
				     XATTR_SIZE_MAX + 1, 0), -E2BIG);
	ck_assert_int_eq(fs_removexattr(fx_fs, f, "user.a"), 0);
	ck_assert_int_eq(fs_removexattr(fx_fs, f, "user.a"), -ENODATA);
	ck_assert_int_eq(fs_getxattr(fx_fs, f, "user.a", 0, &sink), -ENODATA);
	ck_assert_int_eq(fs_listxattr(fx_fs, &user, 4242, 0, &sink), -ENOENT);
}
END_TEST

START_TEST(xattr_namespaces_are_linuxs)
{
	fuse_ino_t f = make(FX_ROOT, "f", S_IFREG | 0644);
	fuse_ino_t si = fx_ino(fx_fs, FX_ROOT, "slabinfo");
	struct fuse_entry_param e;

	ck_assert_int_eq(fs_setxattr(fx_fs, &user, f, "user.", "x", 1, 0),
			 -EINVAL);
	ck_assert_int_eq(fs_setxattr(fx_fs, &user, f, "os2.x", "x", 1, 0),
			 -EOPNOTSUPP);
	ck_assert_int_eq(fs_getxattr(fx_fs, f, "os2.x", 0, &sink), -EOPNOTSUPP);
	ck_assert_int_eq(fs_symlink(fx_fs, &user, "t", FX_ROOT, "l", &e), 0);
	ck_assert_int_eq(fs_setxattr(fx_fs, &user, e.ino, "user.a", "x", 1, 0),
			 -EPERM);
	ck_assert_int_eq(fs_getxattr(fx_fs, e.ino, "user.a", 0, &sink),
			 -ENODATA);
	ck_assert_int_eq(fs_setxattr(fx_fs, &user, e.ino, "security.a", "x", 1,
				     0), 0);
	fs_forget(fx_fs, e.ino, 1);
	/* the daemon's files have none and take none */
	ck_assert_int_eq(fs_setxattr(fx_fs, &root, si, "user.a", "x", 1, 0),
			 -EOPNOTSUPP);
	ck_assert_int_eq(fs_removexattr(fx_fs, si, "user.a"), -EOPNOTSUPP);
	ck_assert_int_eq(fs_getxattr(fx_fs, si, "user.a", 0, &sink), -ENODATA);
	ck_assert_int_eq(fs_listxattr(fx_fs, &root, si, 0, &sink), 0);
	/* trusted. names are listed to root only */
	ck_assert_int_eq(fs_setxattr(fx_fs, &root, f, "trusted.t", "x", 1, 0),
			 0);
	ck_assert_int_eq(fs_listxattr(fx_fs, &root, f, 0, &sink), 10);
	ck_assert_int_eq(fs_listxattr(fx_fs, &user, f, 0, &sink), 0);
}
END_TEST

/* ------------------------------------------------------------- ACLs */

#define ACC "system.posix_acl_access"
#define DEF "system.posix_acl_default"
#define ACL_USER_OBJ    0x01
#define ACL_USER        0x02
#define ACL_GROUP_OBJ   0x04
#define ACL_MASK        0x10
#define ACL_OTHER       0x20

struct acl {
	uint32_t version;
	struct { uint16_t tag, perm; uint32_t id; } e[5];
};

/* acl - an ACL of @n entries (tag, perm, id) in the xattr form */
static size_t acl(struct acl *a, int n, const int (*ent)[3])
{
	int i;

	a->version = 2;
	for (i = 0; i < n; i++) {
		a->e[i].tag = (uint16_t)ent[i][0];
		a->e[i].perm = (uint16_t)ent[i][1];
		a->e[i].id = (uint32_t)ent[i][2];
	}
	return sizeof(uint32_t) + (size_t)n * sizeof(a->e[0]);
}

static const int extended[5][3] = {
	{ ACL_USER_OBJ, 6, 0 }, { ACL_USER, 4, 2000 },
	{ ACL_GROUP_OBJ, 4, 0 }, { ACL_MASK, 6, 0 }, { ACL_OTHER, 0, 0 },
};
static const int minimal[3][3] = {
	{ ACL_USER_OBJ, 7, 0 }, { ACL_GROUP_OBJ, 5, 0 }, { ACL_OTHER, 0, 0 },
};

START_TEST(an_access_acl_sets_the_mode)
{
	fuse_ino_t f = make(FX_ROOT, "f", S_IFREG | 0644);
	struct stat attr = { .st_mode = 0750 };
	struct acl a;
	size_t n = acl(&a, 5, extended);

	ck_assert_int_eq(fs_setxattr(fx_fs, &user, f, ACC,
				     (char *)&a, n, 0), 0);
	ck_assert_uint_eq(fx_stat(fx_fs, f).st_mode & 0777, 0660);  /* mask */
	ck_assert_int_eq(fs_getxattr(fx_fs, f, ACC, 0,
				     &sink), (ssize_t)n);
	/* chmod writes the group class into the mask */
	ck_assert_int_eq(setattr(&user, f, &attr, FUSE_SET_ATTR_MODE), 0);
	ck_assert_int_eq(fs_getxattr(fx_fs, f, ACC,
				     sizeof(got), &sink), (ssize_t)n);
	ck_assert_int_eq(((struct acl *)got)->e[3].perm, 5);
	ck_assert_int_eq(((struct acl *)got)->e[0].perm, 7);
	/* a minimal ACL is only a mode */
	n = acl(&a, 3, minimal);
	ck_assert_int_eq(fs_setxattr(fx_fs, &user, f, ACC,
				     (char *)&a, n, 0), 0);
	ck_assert_uint_eq(fx_stat(fx_fs, f).st_mode & 0777, 0750);
	ck_assert_int_eq(fs_getxattr(fx_fs, f, ACC, 0,
				     &sink), -ENODATA);
	ck_assert_int_eq(fs_removexattr(fx_fs, f, ACC), 0);
	/* no default ACL on a file; none missing is no error */
	ck_assert_int_eq(fs_setxattr(fx_fs, &user, f, DEF,
				     (char *)&a, n, 0), -EACCES);
	ck_assert_int_eq(fs_setxattr(fx_fs, &user, f, DEF,
				     "", 0, 0), 0);
	/* three entries but no ACL_OTHER */
	n = acl(&a, 2, minimal);
	ck_assert_int_eq(fs_setxattr(fx_fs, &user, f, ACC,
				     (char *)&a, n, 0), -EINVAL);
}
END_TEST

START_TEST(an_acl_set_by_a_stranger_to_the_group_drops_setgid)
{
	fuse_ino_t f = make(FX_ROOT, "f", S_IFREG | 0644);
	struct fs_cred outside = fx_cred(OWNER, 2000, 0);
	struct acl a;
	size_t n = acl(&a, 3, minimal);

	chmod_(f, 02755);
	ck_assert_int_eq(fs_setxattr(fx_fs, &user, f, ACC,
				     (char *)&a, n, 0), 0);
	ck_assert_uint_eq(fx_stat(fx_fs, f).st_mode & 07777, 02750);
	ck_assert_int_eq(fs_setxattr(fx_fs, &outside, f,
				     ACC, (char *)&a,
				     n, 0), 0);
	ck_assert_uint_eq(fx_stat(fx_fs, f).st_mode & 07777, 0750);
}
END_TEST

START_TEST(a_default_acl_is_inherited_instead_of_the_umask)
{
	static const int def[5][3] = {
		{ ACL_USER_OBJ, 7, 0 }, { ACL_USER, 7, 2000 },
		{ ACL_GROUP_OBJ, 5, 0 }, { ACL_MASK, 7, 0 },
		{ ACL_OTHER, 5, 0 },
	};
	fuse_ino_t d = make(FX_ROOT, "d", S_IFDIR | 0755), f, sub;
	struct acl a;
	size_t n = acl(&a, 5, def);

	ck_assert_int_eq(fs_setxattr(fx_fs, &user, d, DEF,
				     (char *)&a, n, 0), 0);
	/* umask 022 is not applied: the ACL's mask, masked by 0666 */
	f = make(d, "f", S_IFREG | 0666);
	ck_assert_uint_eq(fx_stat(fx_fs, f).st_mode & 0777, 0664);
	ck_assert_int_eq(fs_getxattr(fx_fs, f, ACC,
				     sizeof(got), &sink), (ssize_t)n);
	ck_assert_int_eq(((struct acl *)got)->e[3].perm, 6);   /* mask */
	ck_assert_int_eq(((struct acl *)got)->e[4].perm, 4);   /* other */
	ck_assert_int_eq(fs_getxattr(fx_fs, f, DEF, 0,
				     &sink), -ENODATA);
	/* a directory gets it as its default ACL too */
	sub = make(d, "sub", S_IFDIR | 0777);
	ck_assert_uint_eq(fx_stat(fx_fs, sub).st_mode & 0777, 0775);
	ck_assert_int_eq(fs_getxattr(fx_fs, sub, DEF, 0,
				     &sink), (ssize_t)n);
	/* without one, the umask */
	ck_assert_uint_eq(fx_stat(fx_fs, make(FX_ROOT, "g", S_IFREG | 0666))
			  .st_mode & 0777, 0644);
}
END_TEST

static Suite *fs_attr_suite(void)
{
	Suite *s = suite_create("fs_attr");
	TCase *tc;

	tc = tcase_create("Setattr");
	tcase_add_checked_fixture(tc, setup, fx_teardown);
	tcase_add_test(tc, chmod_and_chown_set_bits_and_owner_and_ctime);
	tcase_add_test(tc, truncate_sets_the_size_of_a_regular_file_only);
	tcase_add_test(tc, utimes_sets_given_times_and_now);
	tcase_add_test(tc, setgid_is_dropped_as_the_kernel_drops_it);
	tcase_add_test(tc, a_write_kills_privileges_as_the_kernel_does);
	suite_add_tcase(s, tc);

	tc = tcase_create("Xattr");
	tcase_add_checked_fixture(tc, setup, fx_teardown);
	tcase_add_test(tc, xattrs_set_get_list_remove);
	tcase_add_test(tc, xattr_namespaces_are_linuxs);
	tcase_add_test(tc, an_access_acl_sets_the_mode);
	tcase_add_test(tc, an_acl_set_by_a_stranger_to_the_group_drops_setgid);
	tcase_add_test(tc, a_default_acl_is_inherited_instead_of_the_umask);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(fs_attr_suite, 60)
