/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fs_model.c - random operations on a mount, each checked against a model */

/*
 * Usage: fs_model [-w] [-p PROCS] [-n OPS] [-s SEED] DIR
 *
 * PROCS processes (fork, default 4) each run OPS operations (default 2000)
 * drawn from their own generator, seeded SEED + i, in a directory of their
 * own under DIR: create, write (with holes), append through O_APPEND,
 * truncate, fallocate (allocate, keep-size, punch a hole, zero a range),
 * rename (plain, no-replace, exchange), link, unlink, symlink, set and
 * remove extended attributes, fsync, reopen, and reads.  Each process
 * keeps a model of everything it made: every file's bytes, its size, its
 * inode number and link count, its attributes; every name and symlink
 * target.  The mount is meant to be under faults (its size= limit, which
 * the processes fill together, or failslab=), and the rule checked is:
 *
 *   every call either succeeds, and the model takes its effect (a short
 *   write the effect of the bytes it counts), or fails cleanly (ENOSPC,
 *   ENOMEM) and the model is unchanged; what the call touched is then
 *   read back and compared with the model at once.
 *
 * Files are compared byte by byte, read through the page cache and read
 * again after POSIX_FADV_DONTNEED, so the page cache cannot hide what the
 * daemon lost.  -w says the mount has the writeback cache: a write(2)
 * then only reaches the page cache, and the rule moves to fsync and
 * close.  When either returns 0 the file must match the model exactly;
 * when either fails (ENOSPC, ENOMEM, EIO) each byte read back must be the
 * new data, the data of the last sync, a zero past the size of the last
 * sync, or data written in between (which the kernel may have written
 * back meanwhile) - never anything else - and the model takes what was
 * read (the bytes lost are counted, and the first losses reported, as
 * information).  A silent loss, every call having succeeded, fails the
 * run in every mode.  fs_model_check.c holds the model and the checks.
 *
 * The run is bounded by the operation count.  On a failure the process
 * prints its seed, the operation, the last operations it ran, and how to
 * run it again; the exit status is 1 if any process failed, else 0.
 * The model's glossary and invariants are in fs_model.h.
 */

#define _GNU_SOURCE
#include "fs_model.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <linux/falloc.h>

struct config cfg = { .procs = 4, .ops = 2000, .seed = 1 };
unsigned int me;
uint64_t my_seed;
unsigned long op_no;
char home[512];
struct file files[NR_FILES];
struct slot slots[NR_SLOTS];
unsigned char *rbuf;
unsigned char wbuf[MAX_WRITE];
struct stats st;

static uint64_t rng;
static bool zero_range_ok = true;    /* this kernel passes ZERO_RANGE on */

/* ------------------------------------------------------------------ */
/* Randomness                                                          */

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static size_t rnd(size_t n)
{
	return (size_t)(next_rand() % n);
}

/* a length in [1, max], small ones more often than large */
static size_t rnd_len(size_t max)
{
	return 1 + rnd(rnd(4) ? max / 8 : max);
}

static void fill(unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(next_rand() >> 32);
}

/* ------------------------------------------------------------------ */
/* Choosing what to work on                                            */

/* pick - a random index in [0, n) for which @want holds, or -1 */
static int pick(unsigned int n, bool (*want)(unsigned int))
{
	unsigned int start = (unsigned int)rnd(n), i;

	for (i = 0; i < n; i++)
		if (want((start + i) % n))
			return (int)((start + i) % n);
	return -1;
}

static bool slot_free(unsigned int s) { return slots[s].kind == SLOT_FREE; }
static bool slot_used(unsigned int s) { return slots[s].kind != SLOT_FREE; }
static bool slot_file(unsigned int s) { return slots[s].kind == SLOT_FILE; }
static bool file_free(unsigned int i) { return !files[i].used; }
static bool file_open(unsigned int i)
{
	return files[i].used && files[i].fd >= 0;
}

/* ------------------------------------------------------------------ */
/* Operations on data                                                  */

/* open_file - a random file (every file the model has is open), or NULL */
static struct file *open_file(void)
{
	int i = pick(NR_FILES, file_open);

	return i < 0 ? NULL : &files[i];
}

/* an offset to write at: mostly inside or at the end, sometimes past it */
static size_t write_offset(const struct file *f)
{
	switch (rnd(4)) {
	case 0:
		return rnd(MAX_SIZE);
	case 1:
		return f->size < MAX_SIZE ? f->size : rnd(MAX_SIZE);
	default:
		return rnd(f->size + 1 < MAX_SIZE ? f->size + 1 : MAX_SIZE);
	}
}

/* wrote - a write of @len bytes from wbuf at @off returned @n */
static void wrote(struct file *f, size_t off, size_t len, ssize_t n,
		  const char *call)
{
	if (n < 0) {
		refused(errno, call);
		return settle(f, "after a failed write");
	}
	memcpy(f->data + off, wbuf, (size_t)n);
	if (off + (size_t)n > f->size)
		f->size = off + (size_t)n;
	if ((size_t)n < len) {
		note("  short: %zd bytes", n);
		st.short_writes++;
		return settle(f, "after a short write");
	}
	if (cfg.writeback && !remember(f, off, wbuf, (size_t)n))
		settle(f, "after many writes");
}

static void op_write(void)
{
	struct file *f = open_file();
	size_t off, len;

	if (!f)
		return;
	off = write_offset(f);
	len = rnd_len(MAX_WRITE);
	if (off + len > MAX_SIZE)
		len = MAX_SIZE - off;
	fill(wbuf, len);
	note("pwrite f%td [%zu, +%zu) (size %zu)", f - files, off, len,
	     f->size);
	wrote(f, off, len, pwrite(f->fd, wbuf, len, (off_t)off), "pwrite");
}

/* op_append - write through a second descriptor, O_APPEND, and close it */
static void op_append(void)
{
	struct file *f = open_file();
	size_t len, off;
	int fd, s;

	if (!f || (s = name_of(f)) < 0 || f->size == MAX_SIZE)
		return;
	off = f->size;
	len = rnd_len(MAX_WRITE);
	if (off + len > MAX_SIZE)
		len = MAX_SIZE - off;
	fill(wbuf, len);
	note("append f%td %zu bytes at %zu through n%d", f - files, len, off,
	     s);
	fd = open(slot_path((unsigned int)s), O_WRONLY | O_APPEND);
	if (fd < 0)
		return refused(errno, "open O_APPEND");
	wrote(f, off, len, write(fd, wbuf, len), "write O_APPEND");
	/* -w: close wrote the whole file back, or says it did not */
	if (close(fd))
		return reconcile(f, errno, "close");
	if (cfg.writeback) {
		synced(f);
		check_file(f, "after close");
	}
}

static void op_truncate(void)
{
	struct file *f = open_file();
	size_t size;
	int s, r;

	if (!f)
		return;
	size = rnd(3) ? rnd(MAX_SIZE + 1) : f->size / 2;
	s = name_of(f);
	note("truncate f%td from %zu to %zu", f - files, f->size, size);
	if (s >= 0 && !rnd(4))
		r = truncate(slot_path((unsigned int)s), (off_t)size);
	else
		r = ftruncate(f->fd, (off_t)size);
	if (r) {
		refused(errno, "truncate");
		return settle(f, "after a failed truncate");
	}
	resize(f->data, &f->size, size);
	resize(f->synced, &f->synced_size, size);
	pending_cut(f, size, MAX_SIZE);
}

static const int falloc_modes[] = {
	0, FALLOC_FL_KEEP_SIZE, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
	FALLOC_FL_ZERO_RANGE, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE,
};

/* fallocated - the model of a fallocate of @mode that succeeded */
static void fallocated(unsigned char *data, size_t *size, int mode,
		       size_t off, size_t len)
{
	if (mode & (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE))
		zero(data, *size, off, len);
	if (!(mode & FALLOC_FL_KEEP_SIZE) && off + len > *size)
		*size = off + len;
}

static void op_fallocate(void)
{
	struct file *f = open_file();
	int mode = falloc_modes[rnd(zero_range_ok ? 5 : 3)];
	size_t off = rnd(MAX_SIZE), len = rnd_len(2 * MAX_WRITE);

	if (!f)
		return;
	if (off + len > MAX_SIZE)
		len = MAX_SIZE - off;
	note("fallocate f%td mode %#x [%zu, +%zu) (size %zu)", f - files,
	     mode, off, len, f->size);
	if (fallocate(f->fd, mode, (off_t)off, (off_t)len)) {
		if (errno == EOPNOTSUPP && (mode & FALLOC_FL_ZERO_RANGE)) {
			zero_range_ok = false;      /* the kernel's answer */
			return;
		}
		refused(errno, "fallocate");
		return settle(f, "after a failed fallocate");
	}
	fallocated(f->data, &f->size, mode, off, len);
	fallocated(f->synced, &f->synced_size, mode, off, len);
	if (mode & (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE))
		pending_cut(f, off, len);
}

/* op_read - a random range, compared with the model */
static void op_read(void)
{
	struct file *f = open_file();
	size_t off, len, want;
	ssize_t n;

	if (!f)
		return;
	off = rnd(f->size + READ_SLACK);
	len = rnd_len(MAX_WRITE);
	want = off >= f->size ? 0 : (f->size - off < len ? f->size - off : len);
	note("read f%td [%zu, +%zu) (size %zu)", f - files, off, len, f->size);
	n = pread(f->fd, rbuf, len, (off_t)off);
	if (n < 0)
		failf("pread f%td: %s", f - files, strerror(errno));
	if ((size_t)n == want && !memcmp(rbuf, f->data + off, want))
		return;
	/* -w: a loss shows early only if fsync then reports it */
	if (!cfg.writeback || !fsync(f->fd))
		failf("pread f%td [%zu, +%zu) gave %zd bytes%s, the model has "
		      "%zu", f - files, off, len, n,
		      (size_t)n == want ? " that differ from its" : "", want);
	reconcile(f, errno, "fsync after a read that differed");
}

static void op_check(void)
{
	struct file *f = open_file();

	if (!f)
		return;
	note("check f%td (size %zu)", f - files, f->size);
	settle(f, "check");
	check_xattrs(f, "check");
}

/* op_fsync - fsync; -w: the file is then synced or reports its loss */
static void op_fsync(void)
{
	struct file *f = open_file();

	if (!f)
		return;
	note("fsync f%td", f - files);
	if (fsync(f->fd))
		return reconcile(f, errno, "fsync");
	synced(f);
	if (cfg.writeback)
		check_file(f, "after fsync");
}

/* op_reopen - a new descriptor, then the old one closed (or, for a file
   with no name left, closed and so removed) */
static void op_reopen(void)
{
	struct file *f = open_file();
	int s, fd;

	if (!f)
		return;
	s = name_of(f);
	note("reopen f%td through n%d", f - files, s);
	if (s < 0) {
		/* a write-back failure of a removed file loses nothing */
		if (close(f->fd) && !(cfg.writeback && wb_error(errno)))
			failf("close f%td: %s", f - files, strerror(errno));
		return drop_file(f);
	}
	fd = open(slot_path((unsigned int)s), O_RDWR);
	if (fd < 0)
		return refused(errno, "open");
	if (close(f->fd)) {
		f->fd = fd;
		return reconcile(f, errno, "close");
	}
	f->fd = fd;
	if (cfg.writeback)
		synced(f);
	check_file(f, "after reopening");
}

/* ------------------------------------------------------------------ */
/* Operations on names                                                 */

static void op_create(void)
{
	int s = pick(NR_SLOTS, slot_free), i = pick(NR_FILES, file_free);
	struct file *f;
	struct stat sb;
	int fd;

	if (s < 0 || i < 0)
		return;
	note("create n%d as f%d", s, i);
	fd = open(slot_path((unsigned int)s), O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		refused(errno, "create");
		return check_slot((unsigned int)s, "after a failed create");
	}
	if (fstat(fd, &sb))
		failf("fstat: %s", strerror(errno));
	f = &files[i];
	f->used = true;
	f->fd = fd;
	f->ino = sb.st_ino;
	f->nlink = 1;
	slots[s] = (struct slot){ .kind = SLOT_FILE, .file = i };
}

static void op_symlink(void)
{
	int s = pick(NR_SLOTS, slot_free);
	struct slot *sl;

	if (s < 0)
		return;
	sl = &slots[s];
	snprintf(sl->target, sizeof(sl->target), "t%lu-%.*s", op_no,
		 (int)rnd(sizeof(sl->target) - 24),
		 "0123456789abcdefghijklmnopqrstuvwxyz");
	note("symlink n%d -> %s", s, sl->target);
	if (symlink(sl->target, slot_path((unsigned int)s))) {
		refused(errno, "symlink");
		return check_slot((unsigned int)s, "after a failed symlink");
	}
	sl->kind = SLOT_LINK;
}

static void op_link(void)
{
	int from = pick(NR_SLOTS, slot_file), to = pick(NR_SLOTS, slot_free);
	struct file *f;

	if (from < 0 || to < 0)
		return;
	f = &files[slots[from].file];
	note("link n%d (f%d) to n%d", from, slots[from].file, to);
	if (link(slot_path((unsigned int)from), slot_path((unsigned int)to))) {
		refused(errno, "link");
		check_slot((unsigned int)from, "after a failed link");
		return check_slot((unsigned int)to, "after a failed link");
	}
	slots[to] = slots[from];
	f->nlink++;
}

static void op_unlink(void)
{
	int s = pick(NR_SLOTS, slot_used);

	if (s < 0)
		return;
	note("unlink n%d", s);
	/* removing never needs memory */
	if (unlink(slot_path((unsigned int)s)))
		failf("unlink n%d: %s", s, strerror(errno));
	unname((unsigned int)s);
}

/* renamed - the model of a rename of @from to @to with @flags */
static void renamed(unsigned int from, unsigned int to, unsigned int flags)
{
	struct slot tmp = slots[to];

	if (flags & RENAME_EXCHANGE) {
		slots[to] = slots[from];
		slots[from] = tmp;
		return;
	}
	/* two names of one file: rename does nothing */
	if (tmp.kind == SLOT_FILE && slots[from].kind == SLOT_FILE &&
	    tmp.file == slots[from].file)
		return;
	if (tmp.kind != SLOT_FREE)
		unname(to);
	slots[to] = slots[from];
	slots[from].kind = SLOT_FREE;
}

static void op_rename(void)
{
	static const unsigned int flag_set[] = {
		0, 0, 0, RENAME_NOREPLACE, RENAME_EXCHANGE,
	};
	unsigned int flags = flag_set[rnd(5)];
	int from = pick(NR_SLOTS, slot_used), to = (int)rnd(NR_SLOTS), want = 0;

	if (from < 0 || from == to)
		return;
	if ((flags & RENAME_NOREPLACE) && slots[to].kind != SLOT_FREE)
		want = EEXIST;
	if ((flags & RENAME_EXCHANGE) && slots[to].kind == SLOT_FREE)
		want = ENOENT;
	note("rename n%d to n%d, flags %u", from, to, flags);
	if (renameat2(AT_FDCWD, slot_path((unsigned int)from), AT_FDCWD,
		      slot_path((unsigned int)to), flags)) {
		if (errno != want)
			refused(errno, "rename");
		check_slot((unsigned int)from, "after a failed rename");
		return check_slot((unsigned int)to, "after a failed rename");
	}
	if (want)
		failf("rename n%d to n%d, flags %u: succeeded, should fail "
		      "with %s", from, to, flags, strerror(want));
	renamed((unsigned int)from, (unsigned int)to, flags);
}

/* ------------------------------------------------------------------ */
/* Operations on attributes                                            */

static void op_setxattr(void)
{
	static const int flag_set[] = { 0, 0, XATTR_CREATE, XATTR_REPLACE };
	struct file *f = open_file();
	unsigned int i = (unsigned int)rnd(NR_XATTRS);
	int flags = flag_set[rnd(4)], want = 0;
	size_t len = rnd(4) ? rnd(256) : rnd(XATTR_MAX + 1);
	struct xattr *x;

	if (!f)
		return;
	x = &f->xattrs[i];
	if (flags == XATTR_CREATE && x->set)
		want = EEXIST;
	if (flags == XATTR_REPLACE && !x->set)
		want = ENODATA;
	fill(wbuf, len);
	note("setxattr f%td %s %zu bytes, flags %d", f - files, xname(i), len,
	     flags);
	if (fsetxattr(f->fd, xname(i), wbuf, len, flags)) {
		if (errno != want)
			refused(errno, "setxattr");
		return check_xattr(f, i, "after a failed setxattr");
	}
	if (want)
		failf("setxattr %s, flags %d: succeeded, should fail with %s",
		      xname(i), flags, strerror(want));
	x->set = true;
	x->len = len;
	memcpy(x->val, wbuf, len);
}

static void op_removexattr(void)
{
	struct file *f = open_file();
	unsigned int i = (unsigned int)rnd(NR_XATTRS);

	if (!f)
		return;
	note("removexattr f%td %s", f - files, xname(i));
	if (fremovexattr(f->fd, xname(i))) {
		if (errno != ENODATA || f->xattrs[i].set)
			refused(errno, "removexattr");
		return check_xattr(f, i, "after a failed removexattr");
	}
	if (!f->xattrs[i].set)
		failf("removexattr %s succeeded, the model has none", xname(i));
	f->xattrs[i].set = false;
}

static void op_names(void)
{
	note("check the names");
	check_names("names");
}

/* ------------------------------------------------------------------ */
/* A process                                                           */

static const struct {
	void (*run)(void);
	unsigned int weight;
} ops[] = {
	{ op_write, 20 }, { op_append, 6 }, { op_truncate, 6 },
	{ op_fallocate, 8 }, { op_read, 8 }, { op_check, 6 },
	{ op_fsync, 4 }, { op_reopen, 3 }, { op_create, 8 },
	{ op_symlink, 3 }, { op_link, 4 }, { op_unlink, 4 },
	{ op_rename, 6 }, { op_setxattr, 7 }, { op_removexattr, 2 },
	{ op_names, 2 },
};

static void run_one(void)
{
	unsigned int total = 0, i, r;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		total += ops[i].weight;
	r = (unsigned int)rnd(total);
	for (i = 0; r >= ops[i].weight; i++)
		r -= ops[i].weight;
	ops[i].run();
}

/* finish - every file and name checked a last time, then all removed */
static void finish(void)
{
	unsigned int i, s;

	op_no = cfg.ops;
	note("final checks");
	for (i = 0; i < NR_FILES; i++) {
		struct file *f = &files[i];

		if (!f->used)
			continue;
		settle(f, "final check");
		check_xattrs(f, "final check");
	}
	check_names("final check");
	for (i = 0; i < NR_FILES; i++)
		if (files[i].used && files[i].fd >= 0 && close(files[i].fd))
			failf("close f%u: %s", i, strerror(errno));
	for (s = 0; s < NR_SLOTS; s++)
		if (slots[s].kind != SLOT_FREE && unlink(slot_path(s)))
			failf("unlink n%u: %s", s, strerror(errno));
	if (rmdir(home))
		failf("rmdir %s: %s", home, strerror(errno));
}

/* make_dir - mkdir @path, again while the mount refuses it memory (a
   full mount is emptied by others, failslab= draws afresh); 0 or -errno */
static int make_dir(const char *path)
{
	unsigned int tries;

	for (tries = 0; mkdir(path, 0755); tries++)
		if ((errno != ENOSPC && errno != ENOMEM) || tries == 10000)
			return -errno;
	return 0;
}

static int process_main(unsigned int i)
{
	unsigned int k;
	int err;

	me = i;
	my_seed = cfg.seed + i;
	/* splitmix64 of the seed: xorshift must not start at zero */
	rng = (my_seed + 0x9e3779b97f4a7c15ULL) * 0xbf58476d1ce4e5b9ULL;
	rng = (rng ^ (rng >> 31)) | 1;
	rbuf = malloc(MAX_SIZE + READ_SLACK);
	for (k = 0; k < NR_FILES; k++) {
		files[k].fd = -1;
		files[k].data = calloc(1, MAX_SIZE);
		files[k].synced = calloc(1, MAX_SIZE);
		if (!files[k].data || !files[k].synced || !rbuf)
			failf("out of memory for the model");
	}
	snprintf(home, sizeof(home), "%s/p%u", cfg.dir, me);
	if ((err = make_dir(home)))
		failf("mkdir %s: %s", home, strerror(-err));
	for (op_no = 0; op_no < cfg.ops; op_no++)
		run_one();
	finish();
	printf("fs_model: process %u (seed %" PRIu64 "): %lu operations, "
	       "%lu ENOSPC, %lu ENOMEM, %lu short writes, %lu files checked "
	       "whole, %lu write-back errors, %lu losing %lu bytes\n", me,
	       my_seed, cfg.ops, st.enospc, st.enomem, st.short_writes,
	       st.checks, st.wb_errors, st.losses, st.lost);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: fs_model [-w] [-p PROCS] [-n OPS] [-s SEED] "
		"DIR\n");
	exit(2);
}

static void parse(int argc, char **argv)
{
	int c;

	while ((c = getopt(argc, argv, "wp:n:s:")) != -1) {
		switch (c) {
		case 'w':
			cfg.writeback = true;
			break;
		case 'p':
			cfg.procs = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'n':
			cfg.ops = strtoul(optarg, NULL, 0);
			break;
		case 's':
			cfg.seed = strtoull(optarg, NULL, 0);
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1 || !cfg.procs || cfg.procs > 64)
		usage();
	cfg.dir = argv[optind];
}

int main(int argc, char **argv)
{
	unsigned int i, failed = 0;
	int status;
	pid_t pid;

	parse(argc, argv);
	if ((status = make_dir(cfg.dir)) && status != -EEXIST) {
		fprintf(stderr, "fs_model: mkdir %s: %s\n", cfg.dir,
			strerror(-status));
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < cfg.procs; i++) {
		pid = fork();
		if (pid < 0) {
			perror("fs_model: fork");
			return 1;
		}
		if (pid == 0)
			_exit(process_main(i));
	}
	while ((pid = wait(&status)) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			failed++;
	if (failed) {
		fprintf(stderr, "fs_model: %u of %u processes failed\n", failed,
			cfg.procs);
		return 1;
	}
	if (rmdir(cfg.dir)) {
		perror("fs_model: rmdir");
		return 1;
	}
	return 0;
}
