/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_fs_rename.c - rename and its flags, against a model of the tree */

/*
 * A few cases by hand, then the property: from a small tree (directories
 * nested three deep, files, empty and full directories), thousands of
 * generated renames with every flag and combination - and new names made
 * between them, so the tree never runs dry - each give the errno the
 * model predicts, and after each the whole tree (names, inode numbers,
 * types, link counts) is the model's.  The model is Linux's rename(2)
 * and renameat2(2) in the order the core checks them, written apart from
 * the code, over a plain array of nodes.
 */

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs_fixture.h"
#include "unit.h"

static struct fs_cred user;

static void setup(void)
{
	fx_setup();
	user = fx_cred(1000, 1000, 0);
}

static fuse_ino_t make(fuse_ino_t dir, const char *name, mode_t mode)
{
	return fx_must_make(fx_fs, &user, dir, name, mode);
}

/* ------------------------------------------------------ by hand */

START_TEST(flags_that_do_not_go_together_are_einval)
{
	make(FX_ROOT, "a", S_IFREG | 0644);
	make(FX_ROOT, "b", S_IFREG | 0644);
	ck_assert_int_eq(fs_rename(fx_fs, &user, FX_ROOT, "a", FX_ROOT, "b",
				   RENAME_EXCHANGE | RENAME_NOREPLACE),
			 -EINVAL);
	ck_assert_int_eq(fs_rename(fx_fs, &user, FX_ROOT, "a", FX_ROOT, "b",
				   RENAME_EXCHANGE | RENAME_WHITEOUT),
			 -EINVAL);
	ck_assert_int_eq(fs_rename(fx_fs, &user, FX_ROOT, "a", FX_ROOT, "b",
				   1 << 5), -EINVAL);
}
END_TEST

START_TEST(exchange_swaps_a_directory_and_a_file_across_parents)
{
	fuse_ino_t p = make(FX_ROOT, "p", S_IFDIR | 0755);
	fuse_ino_t q = make(FX_ROOT, "q", S_IFDIR | 0755);
	fuse_ino_t d = make(p, "d", S_IFDIR | 0755);
	fuse_ino_t f = make(q, "f", S_IFREG | 0644);
	struct fuse_entry_param e;

	ck_assert_int_eq(fs_rename(fx_fs, &user, p, "d", q, "f",
				   RENAME_EXCHANGE), 0);
	ck_assert_uint_eq(fx_ino(fx_fs, p, "d"), f);
	ck_assert_uint_eq(fx_ino(fx_fs, q, "f"), d);
	ck_assert_uint_eq(fx_stat(fx_fs, p).st_nlink, 2);
	ck_assert_uint_eq(fx_stat(fx_fs, q).st_nlink, 3);
	/* ".." of the moved directory follows it */
	ck_assert_uint_eq(fs_iget_unlocked(fx_fs, d)->dir.parent, q);
	ck_assert_int_eq(fs_lookup(fx_fs, q, "f", &e), 0);
	fs_forget(fx_fs, e.ino, 1);
}
END_TEST

START_TEST(whiteout_leaves_a_0_0_character_device)
{
	fuse_ino_t f = make(FX_ROOT, "f", S_IFREG | 0644), w;
	struct stat st;

	ck_assert_int_eq(fs_rename(fx_fs, &user, FX_ROOT, "f", FX_ROOT, "g",
				   RENAME_WHITEOUT), 0);
	ck_assert_uint_eq(fx_ino(fx_fs, FX_ROOT, "g"), f);
	w = fx_ino(fx_fs, FX_ROOT, "f");
	ck_assert_uint_ne(w, 0);
	ck_assert_uint_ne(w, f);
	st = fx_stat(fx_fs, w);
	ck_assert(S_ISCHR(st.st_mode));
	ck_assert_uint_eq(st.st_rdev, 0);
	ck_assert_uint_eq(st.st_nlink, 1);
	ck_assert_uint_eq(st.st_uid, 1000);
}
END_TEST

START_TEST(rename_over_the_last_name_frees_the_inode)
{
	size_t before = fx_nr_inodes(fx_fs);
	fuse_ino_t b;

	make(FX_ROOT, "a", S_IFREG | 0644);
	b = make(FX_ROOT, "b", S_IFREG | 0644);
	ck_assert_int_eq(fs_rename(fx_fs, &user, FX_ROOT, "a", FX_ROOT, "b", 0),
			 0);
	ck_assert_uint_eq(fx_nr_inodes(fx_fs), before + 1);
	ck_assert_int_eq(fs_getattr(fx_fs, b, &(struct stat){ 0 }), -ENOENT);
}
END_TEST

START_TEST(two_names_of_one_file_rename_to_nothing)
{
	struct fuse_entry_param e;
	fuse_ino_t f = make(FX_ROOT, "a", S_IFREG | 0644);

	ck_assert_int_eq(fs_link(fx_fs, f, FX_ROOT, "b", &e), 0);
	fs_forget(fx_fs, f, 1);
	ck_assert_int_eq(fs_rename(fx_fs, &user, FX_ROOT, "a", FX_ROOT, "b", 0),
			 0);
	ck_assert_uint_eq(fx_ino(fx_fs, FX_ROOT, "a"), f);   /* POSIX: no-op */
	ck_assert_uint_eq(fx_stat(fx_fs, f).st_nlink, 2);
}
END_TEST

/* Renaming makes nothing: with every slab allocation failing, a rename to
   a name of the same kmalloc class works, in a directory and across two;
   one to a name that outgrows it fails, and changes nothing. */
START_TEST(rename_to_a_name_of_its_class_needs_no_memory)
{
	struct failslab_attr all = { .interval = 1, .probability = 100,
				     .times = -1, .seed = 1 };
	fuse_ino_t d = make(FX_ROOT, "d", S_IFDIR | 0755);
	fuse_ino_t f = make(FX_ROOT, "file", S_IFREG | 0644);
	char longname[101];

	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	ck_assert_int_eq(failslab_set(&all), 0);
	ck_assert_int_eq(fs_rename(fx_fs, &user, FX_ROOT, "file", d, "moved",
				   0), 0);
	ck_assert_int_eq(fs_rename(fx_fs, &user, d, "moved", d, "m", 0), 0);
	ck_assert_int_eq(fs_rename(fx_fs, &user, d, "m", FX_ROOT, longname,
				   0), -ENOMEM);
	ck_assert_uint_gt(failslab_failures(), 0);
	failslab_set(NULL);
	ck_assert_uint_eq(fx_ino(fx_fs, d, "m"), f);
	ck_assert_uint_eq(fx_ino(fx_fs, FX_ROOT, "file"), 0);
	ck_assert_uint_eq(fx_ino(fx_fs, FX_ROOT, longname), 0);
	ck_assert_int_eq(fs_rename(fx_fs, &user, d, "m", FX_ROOT, longname,
				   0), 0);
	ck_assert_uint_eq(fx_ino(fx_fs, FX_ROOT, longname), f);
}
END_TEST

/* ------------------------------------------------------- the model */

#define NODES 1024
#define MAKE_MAX 60                 /* make_one stops at so many nodes */
#define ROUNDS 600                  /* per seed; CHECK_FS_ROUNDS: fewer */
static const char *const names[] = { "a", "b", "c", "d", "x", "y", "z" };
#define NR_NAMES (sizeof(names) / sizeof(names[0]))

enum kind { FREE, DIR_, REG, WHITEOUT };

struct node {
	enum kind kind;
	int parent;                  /* node index; -1 for the top */
	const char *name;
	fuse_ino_t ino;              /* 0: not known yet (a whiteout) */
};

static struct node node[NODES];
static uint64_t rng;
static unsigned long seen[64];       /* by errno: what the cases reached */

static unsigned int rnd(unsigned int n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned int)(rng % n);
}

static int child(int dir, const char *name)
{
	int i;

	for (i = 0; i < NODES; i++)
		if (node[i].kind != FREE && node[i].parent == dir &&
		    !strcmp(node[i].name, name))
			return i;
	return -1;
}

static int nr_children(int dir, bool dirs_only)
{
	int i, n = 0;

	for (i = 0; i < NODES; i++)
		if (node[i].kind != FREE && node[i].parent == dir &&
		    (!dirs_only || node[i].kind == DIR_))
			n++;
	return n;
}

/* below - @x is @top or lies under it */
static bool below(int x, int top)
{
	for (; x >= 0; x = node[x].parent)
		if (x == top)
			return true;
	return false;
}

static int new_node(enum kind kind, int parent, const char *name)
{
	int i;

	for (i = 0; i < NODES; i++)
		if (node[i].kind == FREE) {
			node[i] = (struct node){ kind, parent, name, 0 };
			return i;
		}
	ck_abort_msg("model full");
	return -1;
}

static int pick_dir(void)
{
	int i, n = 0, want;

	for (i = 0; i < NODES; i++)
		n += node[i].kind == DIR_;
	want = (int)rnd((unsigned int)n);
	for (i = 0; i < NODES; i++)
		if (node[i].kind == DIR_ && want-- == 0)
			return i;
	return 0;
}

/* model_rename - what rename(@sd/@sn, @dd/@dn, @flags) gives: -errno,
   or 0 after changing the model */
static int model_rename(int sd, const char *sn, int dd, const char *dn,
			unsigned int flags)
{
	int s, d;

	if ((flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)) ||
	    ((flags & RENAME_EXCHANGE) &&
	     (flags & (RENAME_NOREPLACE | RENAME_WHITEOUT))))
		return -EINVAL;
	s = child(sd, sn);
	if (s < 0)
		return -ENOENT;
	d = child(dd, dn);
	if (d == s)
		return 0;
	if (d >= 0 && (flags & RENAME_NOREPLACE))
		return -EEXIST;
	if (d < 0 && (flags & RENAME_EXCHANGE))
		return -ENOENT;
	if (flags & RENAME_EXCHANGE) {
		if (sd != dd && ((node[s].kind == DIR_ && below(dd, s)) ||
				 (node[d].kind == DIR_ && below(sd, d))))
			return -EINVAL;
		node[s].parent = dd;
		node[s].name = dn;
		node[d].parent = sd;
		node[d].name = sn;
		return 0;
	}
	if (node[s].kind == DIR_ && sd != dd && below(dd, s))
		return -EINVAL;
	if (d >= 0) {
		if (node[s].kind == DIR_ && node[d].kind != DIR_)
			return -ENOTDIR;
		if (node[s].kind != DIR_ && node[d].kind == DIR_)
			return -EISDIR;
		if (node[d].kind == DIR_ && nr_children(d, false))
			return -ENOTEMPTY;
		node[d].kind = FREE;
	}
	node[s].parent = dd;
	node[s].name = dn;
	if (flags & RENAME_WHITEOUT)
		new_node(WHITEOUT, sd, sn);
	return 0;
}

/* check_dir - the fs's @dir is the model's node @m, recursively */
static void check_dir(int m)
{
	struct fx_dirent ents[FX_MAX_ENTRIES];
	struct stat st;
	int i, n, c;

	n = fx_list(fx_fs, node[m].ino, ents);
	ck_assert_int_eq(n, nr_children(m, false));
	st = fx_stat(fx_fs, node[m].ino);
	ck_assert_uint_eq(st.st_nlink, 2 + nr_children(m, true));
	for (i = 0; i < n; i++) {
		c = child(m, ents[i].name);
		ck_assert_msg(c >= 0, "%s: not in the model", ents[i].name);
		if (!node[c].ino)        /* a whiteout made by the rename */
			node[c].ino = ents[i].ino;
		ck_assert_uint_eq(ents[i].ino, node[c].ino);
		switch (node[c].kind) {
		case DIR_:
			ck_assert(S_ISDIR(ents[i].mode));
			check_dir(c);
			break;
		case REG:
			ck_assert(S_ISREG(ents[i].mode));
			ck_assert_uint_eq(fx_stat(fx_fs, ents[i].ino)
					  .st_nlink, 1);
			break;
		default:
			ck_assert(S_ISCHR(ents[i].mode));
		}
	}
}

/* make_one - a new file or directory where the model has a free name */
static void make_one(void)
{
	int dir = pick_dir();
	const char *name = names[rnd(NR_NAMES)];
	enum kind kind = rnd(2) ? DIR_ : REG;
	int i, n = 0;

	for (i = 0; i < NODES; i++)
		n += node[i].kind != FREE;
	if (n >= MAKE_MAX || child(dir, name) >= 0)
		return;
	n = new_node(kind, dir, name);
	node[n].ino = make(node[dir].ino, name,
			   kind == DIR_ ? S_IFDIR | 0755 : S_IFREG | 0644);
}

static void build_tree(void)
{
	static const struct { const char *path[3]; enum kind kind; } t[] = {
		{ { "a" }, DIR_ }, { { "b" }, DIR_ }, { { "x" }, REG },
		{ { "a", "c" }, DIR_ }, { { "a", "y" }, REG },
		{ { "a", "c", "d" }, DIR_ }, { { "a", "c", "z" }, REG },
		{ { "b", "d" }, DIR_ }, { { "b", "x" }, REG },
	};
	size_t i;
	int k, dir, n;

	memset(node, 0, sizeof(node));
	node[0] = (struct node){ DIR_, -1, "top",
				 make(FX_ROOT, "top", S_IFDIR | 0755) };
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		for (dir = 0, k = 0; k < 2 && t[i].path[k + 1]; k++)
			dir = child(dir, t[i].path[k]);
		n = new_node(t[i].kind, dir, t[i].path[k]);
		node[n].ino = make(node[dir].ino, t[i].path[k],
				   t[i].kind == DIR_ ? S_IFDIR | 0755 :
						       S_IFREG | 0644);
	}
}

static const int outcomes[] = { 0, EINVAL, ENOENT, EEXIST, ENOTDIR, EISDIR,
				ENOTEMPTY };

static const unsigned int flag_sets[] = {
	0, 0, 0, RENAME_NOREPLACE, RENAME_EXCHANGE, RENAME_EXCHANGE,
	RENAME_WHITEOUT, RENAME_NOREPLACE | RENAME_WHITEOUT,
	RENAME_EXCHANGE | RENAME_NOREPLACE, 1 << 3,
};

START_TEST(rename_matches_the_model)
{
	unsigned int flags;
	const char *sn, *dn;
	const char *env = getenv("CHECK_FS_ROUNDS");
	int rounds = env ? atoi(env) : ROUNDS;
	int sd, dd, want, r, got;

	rng = 0x9e3779b97f4a7c15ULL * (uint64_t)(_i + 1);
	build_tree();
	check_dir(0);
	for (r = 0; r < rounds; r++) {
		if (rnd(4) == 0) {
			make_one();
			continue;
		}
		sd = pick_dir();
		dd = pick_dir();
		sn = names[rnd(NR_NAMES)];
		dn = names[rnd(NR_NAMES)];
		flags = flag_sets[rnd(sizeof(flag_sets) /
				      sizeof(flag_sets[0]))];
		got = fs_rename(fx_fs, &user, node[sd].ino, sn, node[dd].ino,
				dn, flags);
		want = model_rename(sd, sn, dd, dn, flags);
		ck_assert_msg(got == want, "round %d: rename %d/%s -> %d/%s "
			      "flags %#x: %d, model %d", r, sd, sn, dd, dn,
			      flags, got, want);
		seen[-got]++;
		check_dir(0);
	}
	/* the generated cases reached every outcome (a shortened run, under
	   valgrind, need not) */
	for (r = 0; r < (int)(sizeof(outcomes) / sizeof(outcomes[0])); r++)
		ck_assert_msg(rounds < ROUNDS || seen[outcomes[r]] > 0,
			      "no case gave errno %d", outcomes[r]);
}
END_TEST

static Suite *fs_rename_suite(void)
{
	Suite *s = suite_create("fs_rename");
	TCase *tc;

	tc = tcase_create("Cases");
	tcase_add_checked_fixture(tc, setup, fx_teardown);
	tcase_add_test(tc, flags_that_do_not_go_together_are_einval);
	tcase_add_test(tc,
		exchange_swaps_a_directory_and_a_file_across_parents);
	tcase_add_test(tc, whiteout_leaves_a_0_0_character_device);
	tcase_add_test(tc, rename_over_the_last_name_frees_the_inode);
	tcase_add_test(tc, two_names_of_one_file_rename_to_nothing);
	tcase_add_test(tc, rename_to_a_name_of_its_class_needs_no_memory);
	suite_add_tcase(s, tc);

	tc = tcase_create("Model");
	tcase_add_checked_fixture(tc, setup, fx_teardown);
	tcase_add_loop_test(tc, rename_matches_the_model, 0, 8);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(fs_rename_suite, 60)
