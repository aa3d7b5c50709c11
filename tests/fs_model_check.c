/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fs_model_check.c - fs_model's model, and the checks of a mount against it */

/*
 * What a file, a name or an attribute must read as, given the model
 * (fs_model.h); a difference ends the process with failf, which shows
 * the operations that led to it.  Under -w a failed fsync or close is
 * reconciled: what the daemon kept must be, byte by byte, data written
 * since the last sync, the data of that sync, or a zero past its size,
 * and the model then takes it.
 */

#define _GNU_SOURCE
#include "fs_model.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

static char log_ring[LOG_LINES][160];  /* the last operations, for failf */
static unsigned long notes;

/* ------------------------------------------------------------------ */
/* Reporting                                                           */

/* note - add a line to the log of recent operations shown on a failure */
void note(const char *fmt, ...)
{
	char *line = log_ring[notes++ % LOG_LINES];
	va_list ap;
	int n;

	n = snprintf(line, sizeof(log_ring[0]), "%lu: ", op_no);
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(log_ring[0]) - (size_t)n, fmt, ap);
	va_end(ap);
}

void failf(const char *fmt, ...)
{
	unsigned long i;
	va_list ap;

	fprintf(stderr, "fs_model: FAIL: process %u (seed %" PRIu64
		"), operation %lu: ", me, my_seed, op_no);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n  the operations before it:\n");
	i = notes > LOG_LINES ? notes - LOG_LINES : 0;
	for (; i < notes; i++)
		fprintf(stderr, "    %s\n", log_ring[i % LOG_LINES]);
	/* the final checks come after the last operation, at op_no == ops */
	fprintf(stderr, "  again, alone: fs_model%s -p 1 -s %" PRIu64
		" -n %lu DIR\n", cfg.writeback ? " -w" : "", my_seed,
		op_no < cfg.ops ? op_no + 1 : cfg.ops);
	exit(1);
}

/* refused - a call failed with @err: counted if clean, else the end */
void refused(int err, const char *call)
{
	note("  %s failed: %s", call, strerror(err));
	if (err == ENOSPC)
		st.enospc++;
	else if (err == ENOMEM)
		st.enomem++;
	/* -w: an earlier write-back's failure, reported here; the caller
	   then settles the file, and fsync reports it again */
	else if (err != EIO || !cfg.writeback)
		failf("%s: %s", call, strerror(err));
}

/* wb_error - what fsync and close may report of a failed write-back */
bool wb_error(int err)
{
	return err == ENOSPC || err == ENOMEM || err == EIO;
}

/* ------------------------------------------------------------------ */
/* The model                                                           */

const char *slot_path(unsigned int s)
{
	static char paths[2][600];
	static unsigned int k;

	k ^= 1;
	snprintf(paths[k], sizeof(paths[k]), "%s/n%u", home, s);
	return paths[k];
}

const char *xname(unsigned int i)
{
	static char name[16];

	snprintf(name, sizeof(name), "user.m%u", i);
	return name;
}

int name_of(const struct file *f)
{
	unsigned int s;

	for (s = 0; s < NR_SLOTS; s++)
		if (slots[s].kind == SLOT_FILE && &files[slots[s].file] == f)
			return (int)s;
	return -1;
}

/* resize - @data of *@size bytes becomes @new bytes, zeros past them */
void resize(unsigned char *data, size_t *size, size_t new)
{
	if (new < *size)
		memset(data + new, 0, *size - new);
	*size = new;
}

/* zero - [off, off + len) of @data, within its @size, reads zero */
void zero(unsigned char *data, size_t size, size_t off, size_t len)
{
	if (off < size)
		memset(data + off, 0,
		       (off + len < size ? off + len : size) - off);
}

static void forget_pending(struct file *f)
{
	struct pending *p;

	while ((p = f->pending)) {
		f->pending = p->next;
		free(p->data);
		free(p);
	}
	f->pending_bytes = 0;
}

/* synced - -w: the daemon holds what the model holds */
void synced(struct file *f)
{
	memcpy(f->synced, f->data, MAX_SIZE);
	f->synced_size = f->size;
	forget_pending(f);
}

/* remember - -w: @n bytes from @buf were written at @off; false when the
   file has had PENDING_MAX bytes written since its last sync */
bool remember(struct file *f, size_t off, const void *buf, size_t n)
{
	struct pending *p = malloc(sizeof(*p));

	if (!p || !(p->data = malloc(n ? n : 1)))
		failf("out of memory for the model");
	memcpy(p->data, buf, n);
	p->off = off;
	p->len = n;
	p->next = f->pending;
	f->pending = p;
	f->pending_bytes += n;
	return f->pending_bytes < PENDING_MAX;
}

/* pending_cut - -w: what was written in [off, off + len) reads zero now,
   dirty or not (a truncate cuts from off to the end) */
void pending_cut(struct file *f, size_t off, size_t len)
{
	struct pending *p;

	for (p = f->pending; p; p = p->next) {
		size_t from = off > p->off ? off : p->off;
		size_t to = off + len < p->off + p->len ? off + len :
			    p->off + p->len;

		if (from < to)
			memset(p->data + (from - p->off), 0, to - from);
	}
}

void drop_file(struct file *f)
{
	memset(f->data, 0, MAX_SIZE);
	memset(f->synced, 0, MAX_SIZE);
	f->size = f->synced_size = 0;
	forget_pending(f);
	memset(f->xattrs, 0, sizeof(f->xattrs));
	f->used = false;
	f->fd = -1;
}

/* unname - slot @s names nothing now; a file that loses its last name
   lives on, open, until op_reopen closes it */
void unname(unsigned int s)
{
	if (slots[s].kind == SLOT_FILE)
		files[slots[s].file].nlink--;
	slots[s].kind = SLOT_FREE;
}

/* ------------------------------------------------------------------ */
/* Checks                                                              */

/* read_all - the whole file at @fd into rbuf: bytes read or -errno */
static ssize_t read_all(int fd)
{
	size_t got = 0, max = MAX_SIZE + READ_SLACK;
	ssize_t n;

	while (got < max) {
		n = pread(fd, rbuf + got, max - got, (off_t)got);
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* differ - how many of @n bytes differ between @a and @b; the first and
   last that do in *@first and *@last */
static size_t differ(const unsigned char *a, const unsigned char *b,
		     size_t n, size_t *first, size_t *last)
{
	size_t i, count = 0;

	for (i = 0; i < n; i++) {
		if (a[i] == b[i])
			continue;
		if (!count++)
			*first = i;
		*last = i;
	}
	return count;
}

static void compare(struct file *f, const char *why, const char *how)
{
	ssize_t n = read_all(f->fd);
	size_t first = 0, last = 0, bad;

	if (n < 0)
		failf("%s: f%td: %s: %s", why, f - files, how,
		      strerror((int)-n));
	if ((size_t)n != f->size)
		failf("%s: f%td: %s gave %zd bytes, the model has %zu", why,
		      f - files, how, n, f->size);
	bad = differ(rbuf, f->data, f->size, &first, &last);
	if (bad)
		failf("%s: f%td: %s: %zu bytes differ in [%zu, %zu]; byte %zu "
		      "is %#x, the model's %#x (size %zu, last synced %zu)",
		      why, f - files, how, bad, first, last, first,
		      rbuf[first], f->data[first], f->size, f->synced_size);
}

/* check_file - the file is the model: attributes and every byte, through
   the page cache and again without it */
void check_file(struct file *f, const char *why)
{
	struct stat sb;

	if (fstat(f->fd, &sb))
		failf("%s: fstat f%td: %s", why, f - files, strerror(errno));
	if (sb.st_ino != f->ino || sb.st_nlink != f->nlink ||
	    (size_t)sb.st_size != f->size)
		failf("%s: f%td has inode %ju, %ju links, size %jd; the model "
		      "%ju, %u, %zu", why, f - files, (uintmax_t)sb.st_ino,
		      (uintmax_t)sb.st_nlink, (intmax_t)sb.st_size,
		      (uintmax_t)f->ino, f->nlink, f->size);
	compare(f, why, "a read");
	if (posix_fadvise(f->fd, 0, 0, POSIX_FADV_DONTNEED))
		failf("%s: posix_fadvise f%td failed", why, f - files);
	compare(f, why, "a read after POSIX_FADV_DONTNEED");
	st.checks++;
}

/* allowed - -w, after a failed write-back: byte @i reads @b, which is
   what was written since the last sync, or what was there then */
static bool allowed(const struct file *f, size_t i, unsigned char b)
{
	const struct pending *p;

	if (i < f->size && b == f->data[i])
		return true;
	if (i < f->synced_size ? b == f->synced[i] : b == 0)
		return true;
	for (p = f->pending; p; p = p->next)
		if (i >= p->off && i < p->off + p->len &&
		    b == p->data[i - p->off])
			return true;
	return false;
}

/* take - -w: the model takes the @n bytes read, which a write-back
   failure left; how many differ from what was written is reported */
static void take(struct file *f, size_t n, const char *call, int err)
{
	size_t i, first = 0, last = 0, lost;

	for (i = 0; i < n; i++)
		if (!allowed(f, i, rbuf[i]))
			failf("after %s failed (%s), f%td byte %zu is %#x: not "
			      "the new %#x, nor the synced %#x, nor anything "
			      "written since (sizes %zu, synced %zu)", call,
			      strerror(err), f - files, i, rbuf[i],
			      i < f->size ? f->data[i] : 0,
			      i < f->synced_size ? f->synced[i] : 0, f->size,
			      f->synced_size);
	lost = differ(rbuf, f->data, n, &first, &last);
	if (lost && st.losses++ < LOSS_LINES)
		printf("fs_model: process %u: %s: %s; f%td lost %zu bytes in "
		       "[%zu, %zu]\n", me, call, strerror(err), f - files,
		       lost, first, last);
	st.lost += lost;
	memcpy(f->data, rbuf, n);
	memset(f->data + n, 0, MAX_SIZE - n);
	f->size = n;
	synced(f);
}

/*
 * reconcile - -w: fsync or close of @f failed with @err.  What stayed
 * dirty is written back first (the error is reported once; the pages that
 * failed are clean now), so that what is read back is what the daemon has.
 */
void reconcile(struct file *f, int err, const char *call)
{
	struct stat sb;
	ssize_t n;
	int tries = 0;

	if (!cfg.writeback || !wb_error(err))
		failf("%s f%td: %s", call, f - files, strerror(err));
	st.wb_errors++;
	note("  %s failed: %s", call, strerror(err));
	while (fsync(f->fd))
		if (!wb_error(errno) || ++tries == SYNC_TRIES)
			failf("fsync after %s: %s", call, strerror(errno));
	if (fstat(f->fd, &sb))
		failf("fstat f%td: %s", f - files, strerror(errno));
	if ((size_t)sb.st_size != f->size &&
	    (size_t)sb.st_size != f->synced_size)
		failf("after %s failed, f%td has size %jd: not the new %zu, "
		      "nor the synced %zu", call, f - files,
		      (intmax_t)sb.st_size, f->size, f->synced_size);
	if (posix_fadvise(f->fd, 0, 0, POSIX_FADV_DONTNEED))
		failf("posix_fadvise f%td failed", f - files);
	n = read_all(f->fd);
	if (n != (ssize_t)sb.st_size)
		failf("after %s failed, f%td reads %zd bytes, has size %jd",
		      call, f - files, n, (intmax_t)sb.st_size);
	take(f, (size_t)n, call, err);
	/* the kernel's size may be past the daemon's: make them agree */
	if (ftruncate(f->fd, n))
		failf("ftruncate f%td to %zd: %s", f - files, n,
		      strerror(errno));
}

/* settle - the file is the model, for certain: -w fsyncs it first */
void settle(struct file *f, const char *why)
{
	if (cfg.writeback) {
		if (fsync(f->fd))
			return reconcile(f, errno, "fsync");
		synced(f);
	}
	check_file(f, why);
}

void check_xattr(struct file *f, unsigned int i, const char *why)
{
	struct xattr *x = &f->xattrs[i];
	ssize_t n = fgetxattr(f->fd, xname(i), rbuf, XATTR_MAX + 1);

	if (n < 0 && errno == ENODATA && !x->set)
		return;
	if (n < 0)
		failf("%s: getxattr f%td %s: %s", why, f - files, xname(i),
		      strerror(errno));
	if (!x->set)
		failf("%s: f%td has %s, the model has not", why, f - files,
		      xname(i));
	if ((size_t)n != x->len || memcmp(rbuf, x->val, x->len))
		failf("%s: f%td %s is %zd bytes that differ from the model's "
		      "%zu", why, f - files, xname(i), n, x->len);
}

void check_xattrs(struct file *f, const char *why)
{
	char list[256], *p;
	unsigned int i, listed = 0, want = 0;
	ssize_t n = flistxattr(f->fd, list, sizeof(list));

	if (n < 0)
		failf("%s: listxattr f%td: %s", why, f - files,
		      strerror(errno));
	for (p = list; p < list + n; p += strlen(p) + 1) {
		if (strncmp(p, "user.", 5))
			continue;
		for (i = 0; i < NR_XATTRS && strcmp(p, xname(i)); i++)
			;
		if (i == NR_XATTRS || !f->xattrs[i].set)
			failf("%s: f%td lists %s", why, f - files, p);
		listed++;
	}
	for (i = 0; i < NR_XATTRS; i++) {
		want += f->xattrs[i].set;
		check_xattr(f, i, why);
	}
	if (listed != want)
		failf("%s: f%td lists %u attributes, the model has %u", why,
		      f - files, listed, want);
}

/* check_slot - what name @s is: nothing, the model's file, its symlink */
void check_slot(unsigned int s, const char *why)
{
	struct slot *sl = &slots[s];
	struct stat sb;
	char target[64];
	ssize_t n;

	if (lstat(slot_path(s), &sb)) {
		if (errno == ENOENT && sl->kind == SLOT_FREE)
			return;
		failf("%s: lstat n%u: %s", why, s, strerror(errno));
	}
	if (sl->kind == SLOT_FREE)
		failf("%s: n%u exists, the model has no such name", why, s);
	if (sl->kind == SLOT_FILE) {
		struct file *f = &files[sl->file];

		if (!S_ISREG(sb.st_mode) || sb.st_ino != f->ino ||
		    sb.st_nlink != f->nlink)
			failf("%s: n%u is mode %o, inode %ju, %ju links; the "
			      "model's f%d has inode %ju, %u links", why, s,
			      sb.st_mode, (uintmax_t)sb.st_ino,
			      (uintmax_t)sb.st_nlink, sl->file,
			      (uintmax_t)f->ino, f->nlink);
		return;
	}
	n = readlink(slot_path(s), target, sizeof(target));
	if (!S_ISLNK(sb.st_mode) || n != (ssize_t)strlen(sl->target) ||
	    memcmp(target, sl->target, (size_t)n))
		failf("%s: n%u is mode %o, a link to '%.*s'; the model's "
		      "links to '%s'", why, s, sb.st_mode, n < 0 ? 0 : (int)n,
		      target, sl->target);
}

/* check_names - every slot, and the directory lists the names there are */
void check_names(const char *why)
{
	unsigned int s, listed = 0, want = 0;
	struct dirent *de;
	DIR *d;

	for (s = 0; s < NR_SLOTS; s++) {
		check_slot(s, why);
		want += slots[s].kind != SLOT_FREE;
	}
	d = opendir(home);
	if (!d)
		failf("%s: opendir %s: %s", why, home, strerror(errno));
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			listed++;
	closedir(d);
	if (listed != want)
		failf("%s: the directory lists %u names, the model has %u",
		      why, listed, want);
}
