/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ll.c - the FUSE low-level operations: each request to the core and back */

/*
 * One adapter per operation, each the same three steps: make the caller's
 * credentials (fs_req_cred), call the core (inode.c, namei.c, readdir.c,
 * xattr.c), which returns 0 or -errno, and answer the request exactly
 * once.  Only here, in req.c and in the operations of open files (file.c
 * hands each to its inode's table: the devices', pseudo.c's, flags.c's
 * ioctls) does the daemon talk to FUSE.
 *
 * Each adapter counts its request (fs_count): the requests file shows
 * the counts, so that what a workload costs in round trips can be read
 * off the mount itself.
 *
 * A core call that hands back an entry has taken the lookup the entry
 * carries; the reply gives it back if the kernel never gets it
 * (fs_reply_entry), and so does a readdirplus reply for every entry in
 * it.  No lock is held while replying, but in the sinks the core calls
 * under its locks (readlink, getxattr, listxattr), which reply at once
 * from the data they are shown: see inode.c's Lock order.
 */

#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "fs/fs.h"

#define FS_MAX_WRITE (1U << 20)      /* the largest WRITE we ask for */

/* ll_inval_inode - fs->inval_inode: the kernel drops @ino's attributes
   (offset -1: no page is touched, nothing waits for an inode lock) */
void ll_inval_inode(struct fs *fs, fuse_ino_t ino)
{
	fuse_lowlevel_notify_inval_inode(fs->se, ino, -1, 0);
}

/* reply_entry - the reply to a core call that made or found an entry */
static void reply_entry(fuse_req_t req, int err,
			const struct fuse_entry_param *e)
{
	if (err)
		return (void) fuse_reply_err(req, -err);
	fs_reply_entry(req, fs_from_req(req), e);
}

static void ll_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fuse_entry_param e;
	int err;

	fs_count(req, FS_REQ_LOOKUP);
	err = fs_lookup(fs_from_req(req), parent, name, &e);
	if (err == -ENOENT)          /* a negative entry (fs_lookup) */
		return (void) fuse_reply_entry(req, &e);
	reply_entry(req, err, &e);
}

static void ll_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	fs_count(req, FS_REQ_FORGET);
	fs_forget(fs_from_req(req), ino, nlookup);
	fuse_reply_none(req);
}

static void ll_forget_multi(fuse_req_t req, size_t count,
			    struct fuse_forget_data *forgets)
{
	fs_count(req, FS_REQ_BATCH_FORGET);
	fs_forget_multi(fs_from_req(req), count, forgets);
	fuse_reply_none(req);
}

static void ll_getattr(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	struct fs *fs = fs_from_req(req);
	struct stat st;
	int err;

	fs_count(req, FS_REQ_GETATTR);
	(void)fi;
	err = fs_getattr(fs, ino, &st);
	if (err)
		return (void) fuse_reply_err(req, -err);
	fuse_reply_attr(req, &st, fs->timeout);
}

static void ll_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
		       int to_set, struct fuse_file_info *fi)
{
	struct fs *fs = fs_from_req(req);
	struct fs_cred cred;
	struct stat st;
	int err;

	fs_count(req, FS_REQ_SETATTR);
	(void)fi;
	fs_req_cred(req, &cred);
	err = fs_setattr(fs, &cred, ino, attr, to_set, &st);
	if (err)
		return (void) fuse_reply_err(req, -err);
	fuse_reply_attr(req, &st, fs->timeout);
}

static void ll_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct statvfs sv;

	fs_count(req, FS_REQ_STATFS);
	(void)ino;
	fs_statfs(fs_from_req(req), &sv);
	fuse_reply_statfs(req, &sv);
}

static void ll_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name,
		     mode_t mode)
{
	struct fuse_entry_param e;
	struct fs_cred cred;

	fs_count(req, FS_REQ_MKDIR);
	fs_req_cred(req, &cred);
	reply_entry(req, fs_mkdir(fs_from_req(req), &cred, parent, name, mode,
				  &e), &e);
}

static void ll_mknod(fuse_req_t req, fuse_ino_t parent, const char *name,
		     mode_t mode, dev_t rdev)
{
	struct fuse_entry_param e;
	struct fs_cred cred;

	fs_count(req, FS_REQ_MKNOD);
	fs_req_cred(req, &cred);
	reply_entry(req, fs_mknod(fs_from_req(req), &cred, parent, name, mode,
				  rdev, &e), &e);
}

/* create_open - a regular file @name in @parent (none for NULL), opened */
static void create_open(fuse_req_t req, fuse_ino_t parent, const char *name,
			mode_t mode, struct fuse_file_info *fi)
{
	struct fs *fs = fs_from_req(req);
	struct fuse_entry_param e;
	struct fs_cred cred;
	int err;

	fs_req_cred(req, &cred);
	err = fs_create(fs, &cred, parent, name, mode, &e);
	if (err)
		return (void) fuse_reply_err(req, -err);
	fs_open_mode(fs, fi);
	if (fuse_reply_create(req, &e, fi) == -ENOENT)
		fs_unlookup(fs, e.ino);
}

static void ll_create(fuse_req_t req, fuse_ino_t parent, const char *name,
		      mode_t mode, struct fuse_file_info *fi)
{
	fs_count(req, FS_REQ_CREATE);
	create_open(req, parent, name, mode, fi);
}

#ifdef HAVE_STRUCT_FUSE_LOWLEVEL_OPS_TMPFILE
static void ll_tmpfile(fuse_req_t req, fuse_ino_t parent, mode_t mode,
		       struct fuse_file_info *fi)
{
	fs_count(req, FS_REQ_TMPFILE);
	create_open(req, parent, NULL, mode, fi);
}
#endif

static void ll_symlink(fuse_req_t req, const char *link, fuse_ino_t parent,
		       const char *name)
{
	struct fuse_entry_param e;
	struct fs_cred cred;

	fs_count(req, FS_REQ_SYMLINK);
	fs_req_cred(req, &cred);
	reply_entry(req, fs_symlink(fs_from_req(req), &cred, link, parent,
				    name, &e), &e);
}

/* A sink that answers its request with what it is shown. */
struct reply_sink {
	struct fs_buf_sink sink;
	fuse_req_t req;
	bool readlink;               /* fuse_reply_readlink, not _buf */
};

static void reply_send(struct fs_buf_sink *sink, const void *buf,
		       size_t len)
{
	struct reply_sink *r = container_of(sink, struct reply_sink, sink);

	if (r->readlink)
		fuse_reply_readlink(r->req, buf);   /* NUL-terminated */
	else
		fuse_reply_buf(r->req, buf, len);
}

static void ll_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct reply_sink r = { { reply_send }, req, true };
	int err;

	fs_count(req, FS_REQ_READLINK);
	err = fs_readlink(fs_from_req(req), ino, &r.sink);
	if (err)
		fuse_reply_err(req, -err);
}

static void ll_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent,
		    const char *newname)
{
	struct fuse_entry_param e;

	fs_count(req, FS_REQ_LINK);
	reply_entry(req, fs_link(fs_from_req(req), ino, newparent, newname,
				 &e), &e);
}

static void ll_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	fs_count(req, FS_REQ_UNLINK);
	fuse_reply_err(req, -fs_unlink(fs_from_req(req), parent, name));
}

static void ll_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	fs_count(req, FS_REQ_RMDIR);
	fuse_reply_err(req, -fs_rmdir(fs_from_req(req), parent, name));
}

static void ll_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
		      fuse_ino_t newparent, const char *newname,
		      unsigned int flags)
{
	struct fs_cred cred;

	fs_count(req, FS_REQ_RENAME);
	fs_req_cred(req, &cred);
	fuse_reply_err(req, -fs_rename(fs_from_req(req), &cred, parent, name,
				       newparent, newname, flags));
}

static void ll_opendir(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	void *fh = NULL;
	int err;

	fs_count(req, FS_REQ_OPENDIR);
	err = fs_opendir(fs_from_req(req), ino, &fh);
	if (err)
		return (void) fuse_reply_err(req, -err);
	fi->fh = (uintptr_t)fh;
	if (fuse_reply_open(req, fi) == -ENOENT)
		fs_releasedir(fh);
}

static void ll_releasedir(fuse_req_t req, fuse_ino_t ino,
			  struct fuse_file_info *fi)
{
	fs_count(req, FS_REQ_RELEASEDIR);
	(void)ino;
	fs_releasedir((void *)(uintptr_t)fi->fh);
	fuse_reply_err(req, 0);
}

/* A readdir reply being filled by fuse_add_direntry{,_plus}. */
struct dir_buf {
	struct fs_dir_sink sink;
	fuse_req_t req;
	char *buf;
	size_t size, used;
	fuse_ino_t *held;            /* plus: the lookups the reply carries */
	size_t nr_held;              /* entries in held */
};

static bool dir_emit(struct fs_dir_sink *sink, const char *name,
		     const struct fuse_entry_param *e, uint64_t cookie,
		     bool lookup)
{
	struct dir_buf *d = container_of(sink, struct dir_buf, sink);
	size_t n;

	if (sink->plus)
		n = fuse_add_direntry_plus(d->req, d->buf + d->used,
					   d->size - d->used, name, e,
					   (off_t)cookie);
	else
		n = fuse_add_direntry(d->req, d->buf + d->used,
				      d->size - d->used, name, &e->attr,
				      (off_t)cookie);
	if (n > d->size - d->used)
		return false;
	d->used += n;
	if (lookup)
		d->held[d->nr_held++] = e->ino;
	return true;
}

/*
 * list_dir - readdir and readdirplus.  Listing must not fail for lack of
 * memory, or a full file system could not be emptied with rm -r: when the
 * reply buffer cannot be had, a shorter reply is built on the stack (the
 * kernel asks again from where it ends).  The buffers live for the
 * request only and are nobody's data: whole pages outside size=
 * (fs_report_alloc), so that listing slab/ or any directory never moves
 * statfs.
 */
static void list_dir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		     struct fuse_file_info *fi, bool plus)
{
	struct dir_buf d = { { plus, dir_emit }, req, NULL, 0, 0, NULL, 0 };
	struct fs *fs = fs_from_req(req);
	char spare[1024];
	fuse_ino_t spare_held[sizeof(spare) / 64];
	size_t i, room;
	int err;

	d.buf = fs_report_alloc(size);
	if (plus) {
		/* one inode number per entry that can fit: an entry takes at
		   least what a 1-byte name does */
		room = size / fuse_add_direntry_plus(req, NULL, 0, "x", NULL,
						     0) + 1;
		if (d.buf)
			d.held = fs_report_alloc(room * sizeof(*d.held));
	}
	if (!d.buf || (plus && !d.held)) {
		fs_report_free(d.buf);
		d.buf = spare;
		d.held = spare_held;
		if (size > sizeof(spare))
			size = sizeof(spare);
	}
	d.size = size;
	err = fs_readdir(fs, ino, off, (void *)(uintptr_t)fi->fh, &d.sink);
	/* a readdirplus reply the kernel never got gives its lookups back */
	if (err)
		fuse_reply_err(req, -err);
	else if (fuse_reply_buf(req, d.buf, d.used) == -ENOENT)
		for (i = 0; i < d.nr_held; i++)
			fs_unlookup(fs, d.held[i]);
	if (d.buf != spare) {
		fs_report_free(d.held);
		fs_report_free(d.buf);
	}
}

static void ll_readdir(fuse_req_t req, fuse_ino_t ino, size_t size,
		       off_t off, struct fuse_file_info *fi)
{
	fs_count(req, FS_REQ_READDIR);
	list_dir(req, ino, size, off, fi, false);
}

static void ll_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size,
			   off_t off, struct fuse_file_info *fi)
{
	fs_count(req, FS_REQ_READDIRPLUS);
	list_dir(req, ino, size, off, fi, true);
}

static void ll_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
			const char *value, size_t size, int flags)
{
	struct fs_cred cred;

	fs_count(req, FS_REQ_SETXATTR);
	fs_req_cred(req, &cred);
	fuse_reply_err(req, -fs_setxattr(fs_from_req(req), &cred, ino, name,
					 value, size, flags));
}

/* reply_size - the reply to a getxattr or listxattr: an error, the size
   asked for with @size 0, or nothing (the sink has sent the data) */
static void reply_size(fuse_req_t req, ssize_t ret, size_t size)
{
	if (ret < 0)
		fuse_reply_err(req, (int)-ret);
	else if (!size)
		fuse_reply_xattr(req, (size_t)ret);
}

static void ll_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
			size_t size)
{
	struct reply_sink r = { { reply_send }, req, false };

	fs_count(req, FS_REQ_GETXATTR);
	reply_size(req, fs_getxattr(fs_from_req(req), ino, name, size,
				    &r.sink), size);
}

static void ll_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
	struct reply_sink r = { { reply_send }, req, false };
	struct fs_cred cred;

	fs_count(req, FS_REQ_LISTXATTR);
	fs_req_cred(req, &cred);
	reply_size(req, fs_listxattr(fs_from_req(req), &cred, ino, size,
				     &r.sink), size);
}

static void ll_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name)
{
	fs_count(req, FS_REQ_REMOVEXATTR);
	fuse_reply_err(req, -fs_removexattr(fs_from_req(req), ino, name));
}

/*
 * init: writes of up to 1 MiB; O_TRUNC comes as setattr(size).  The
 * kernel drops set-ID bits itself, and the daemon finishes the job
 * (priv.c).  The writeback cache only with -o writeback (a write is then
 * accounted, and may fail for space, only when the kernel writes it
 * back).  Automatic invalidation (the kernel dropping a file's pages when
 * it sees mtime or size move) only under cache=auto: otherwise every such
 * change is one the kernel made itself, with its cache already in step.
 * The kernel enforces POSIX ACLs.
 */
static void ll_init(void *userdata, struct fuse_conn_info *conn)
{
	struct fs *fs = userdata;

	conn->max_write = FS_MAX_WRITE;
	conn->want &= ~(FUSE_CAP_ATOMIC_O_TRUNC | FUSE_CAP_WRITEBACK_CACHE |
			FUSE_CAP_HANDLE_KILLPRIV);
	/* POSIX ACLs: the kernel enforces them, we store and inherit them,
	   and so apply the umask ourselves (xattr.c) */
	if ((conn->capable & FUSE_CAP_POSIX_ACL) &&
	    (conn->capable & FUSE_CAP_DONT_MASK))
		conn->want |= FUSE_CAP_POSIX_ACL | FUSE_CAP_DONT_MASK;
	if (fs->opt.cache != FS_CACHE_AUTO)
		conn->want &= ~FUSE_CAP_AUTO_INVAL_DATA;
	if (fs->opt.writeback && (conn->capable & FUSE_CAP_WRITEBACK_CACHE))
		conn->want |= FUSE_CAP_WRITEBACK_CACHE;
	/* lsattr and chattr on directories (flags.c) */
	if (conn->capable & FUSE_CAP_IOCTL_DIR)
		conn->want |= FUSE_CAP_IOCTL_DIR;
}

const struct fuse_lowlevel_ops ll_ops = {
	.init           = ll_init,
	/* inode.c */
	.lookup         = ll_lookup,
	.forget         = ll_forget,
	.forget_multi   = ll_forget_multi,
	.getattr        = ll_getattr,
	.setattr        = ll_setattr,
	.statfs         = ll_statfs,
	/* namei.c */
	.mkdir          = ll_mkdir,
	.mknod          = ll_mknod,
	.create         = ll_create,
#ifdef HAVE_STRUCT_FUSE_LOWLEVEL_OPS_TMPFILE
	.tmpfile        = ll_tmpfile,
#endif
	.symlink        = ll_symlink,
	.readlink       = ll_readlink,
	.link           = ll_link,
	.unlink         = ll_unlink,
	.rmdir          = ll_rmdir,
	.rename         = ll_rename,
	/* readdir.c */
	.opendir        = ll_opendir,
	.readdir        = ll_readdir,
	.readdirplus    = ll_readdirplus,
	.releasedir     = ll_releasedir,
	/* file.c, which hands each to the inode's operations */
	.open           = fs_open,
	.read           = fs_read,
	.write_buf      = fs_write_buf,
	.release        = fs_release,
	.fallocate      = fs_fallocate,
	.lseek          = fs_lseek,
	.ioctl          = fs_ioctl,
	/* xattr.c */
	.setxattr       = ll_setxattr,
	.getxattr       = ll_getxattr,
	.listxattr      = ll_listxattr,
	.removexattr    = ll_removexattr,
};
