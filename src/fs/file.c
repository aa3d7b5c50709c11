/* SPDX-License-Identifier: GPL-2.0-or-later */
/* file.c - open files: dispatch to the inode's operations; the devices' */

/*
 * Design.  Every request on an open file goes to the operations table of
 * its inode (inode->fops, as the kernel's file_operations): a regular file
 * is a scull device (scull.h) and has fs_dev_fops, at the bottom of this
 * file, which turns FUSE requests into device calls; the pseudo-files have
 * pseudo.c's.  An operation a table leaves out answers with the error a
 * kernel file without it would give.
 *
 * Reads reply straight from the quanta: scull_read_iov describes the range
 * as iovecs pointing into the quanta (holes point at a page of zeros) and
 * fuse_reply_iov writes them to /dev/fuse, so the data is copied once, by
 * the kernel.  The iovec array comes from fs->iov_pool, a mempool, so a
 * read never fails for lack of memory; fs_read_iov_max sizes its elements
 * for the largest read the kernel sends.  A reply is at most FS_IOV_LIMIT
 * iovecs (writev's IOV_MAX, less libfuse's header); a read that needs more
 * - only with a small quantum, under about 2 KiB for a 1 MiB read - is a
 * copying read into a kmalloc'd bounce buffer instead, and when even that
 * allocation fails, into a static emergency buffer taken under a mutex:
 * slow, serialised, but never failing.
 *
 * Writes copy the request's data into quanta once (scull_write).  When
 * libfuse hands the data over in a pipe (splice) it is read from the pipe
 * straight into the quanta (scull_write_fd), and the pipe is emptied of it
 * whatever is stored.  libfuse splices only when its pipe can grow to a
 * whole request, which for our 1 MiB max_write takes CAP_SYS_RESOURCE or
 * a pipe-max-size above 1 MiB; measured, a smaller max_write that lets it
 * splice costs more daemon CPU per byte than one read() into libfuse's
 * buffer and a copy (scullcfs(8), PERFORMANCE), so max_write stays 1 MiB.
 *
 * A write that runs out of space part-way stores a prefix and reports it:
 * the kernel returns the short count, and the next write gets ENOSPC.  Not
 * so two kinds of write, which are stored whole or fail having changed
 * nothing (scull_write_whole reserves the room of the whole range first,
 * under the device lock the copy then holds).  An O_DIRECT write: the
 * kernel turns a short reply to an asynchronous direct write into EIO.
 * And a write-back of the page cache (fi->writepage, -o writeback): the
 * kernel ignores a short count there, so the rest would be lost with
 * every call reporting success; an error instead is recorded on the
 * file's mapping, and fsync(2) and close(2) report it.
 *
 * O_TRUNC: the kernel strips it from open unless atomic_o_trunc was
 * negotiated, and sends a setattr(size = 0) instead; if it ever does reach
 * fs_open, it is honoured here.  O_APPEND: the kernel takes the inode lock
 * and computes the end of file itself (with the writeback cache too, where
 * it owns the size), so the offset a write carries is used as it is.
 *
 * Flush and fsync are not implemented: data lives in memory only, and the
 * ENOSYS libfuse answers for them tells the kernel once, at the first
 * close or fsync, never to ask again.  Under -o writeback the kernel still
 * writes its dirty pages back at close and fsync and reports a failed
 * write-back (ENOSPC) there.
 *
 * Timestamps: a write and every fallocate that succeeds set mtime and
 * ctime, as tmpfs does (even one that keeps the size and changes no byte).
 * atime follows relatime (and never moves under chattr +A): a read
 * updates it only when it is not newer than mtime or ctime, or is a day
 * old.  Reads
 * the kernel serves from its page cache never reach the daemon, so atime
 * is a lower bound.
 *
 * Locks: enum lock_rank (lock.h) orders them.  emergency.lock is held
 * across a copying read (so outside the device's lock); ns_lock is taken
 * only inside fs_iget_unlocked, never held here; attr_lock (fs_touch, the
 * atime check) never with the device's lock, which every scull_* call
 * takes and fs_read holds across fuse_reply_iov.
 *
 * dev.lock keeps the quanta fs_read points at alive until the kernel has
 * copied them.  This is the one exception to "locks are dropped before
 * replying": the reply is a writev to /dev/fuse, which copies the data into
 * the waiting request at once and never waits for another request, so a
 * writer queued on the lock waits for a memcpy, not for a process.  The
 * inode is pinned (fs_pin) across it: once answered, the kernel may forget
 * the inode, and another thread evict it, before the lock is dropped.
 * emergency.lock is held across the copying read and its reply for the
 * same reason.  mempool_alloc may sleep, so fs_read takes its iovec array
 * before the device lock, never while holding it.
 */

#define _GNU_SOURCE
#include "fs/fs.h"
#include "fs/scull_ioctl.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include <linux/falloc.h>

/*
 * The largest read the kernel sends: libfuse 3.14 offers max_pages = 256
 * (FUSE_MAX_MAX_PAGES) at init, so 1 MiB.
 */
#define FS_READ_MAX   (1UL << 20)

/* iovecs in one reply: writev's IOV_MAX, less the header libfuse adds */
#define FS_IOV_LIMIT  (IOV_MAX - 1)

#define RELATIME_SEC  (24 * 60 * 60)

/*
 * The last resort of copying reads: a static buffer, so it cannot fail.
 * Its pages cost nothing until a read needs them.
 */
static struct {
	struct mutex lock;
	char buf[FS_READ_MAX];                /* protected by lock */
} emergency = {
	.lock = MUTEX_INITIALIZER("read emergency.lock",
				  LOCK_RANK_FS_READ_EMERGENCY),
};

/**
 * fs_read_iov_max - the iovecs one fs->iov_pool element should hold
 * @quantum: the mount's quantum
 *
 * Enough to describe the largest read (FS_READ_MAX) zero-copy: S bytes
 * touch at most (S - 1) / quantum + 2 quanta, each read as at most two
 * iovecs (a small quantum: its block, then zeros), and runs of holes merge
 * into one iovec, never adding any.  Capped at what one reply may carry.
 * Reads needing more take the copying path, so any value >= 1 is correct;
 * this one keeps every read zero-copy for quanta of about 2 KiB and up.
 */
size_t fs_read_iov_max(unsigned int quantum)
{
	size_t need = 2 * (FS_READ_MAX / (quantum ? quantum : 1) + 2);

	return need < FS_IOV_LIMIT ? need : FS_IOV_LIMIT;
}

/* file_type - @inode's S_IFMT bits (fixed, but mode is attr_lock's) */
static mode_t file_type(struct fs_inode *inode)
{
	mode_t mode;

	mutex_lock(&inode->attr_lock);
	mode = inode->mode;
	mutex_unlock(&inode->attr_lock);
	return mode & S_IFMT;
}

/* file_inode - the file @ino with its operations, or NULL after replying
   with an error */
static struct fs_inode *file_inode(fuse_req_t req, fuse_ino_t ino)
{
	struct fs_inode *inode = fs_iget_unlocked(fs_from_req(req), ino);
	mode_t type;

	if (!inode) {
		fuse_reply_err(req, ENOENT);
		return NULL;
	}
	if (!inode->fops) {
		type = file_type(inode);
		fuse_reply_err(req, S_ISDIR(type) ? EISDIR : EINVAL);
		return NULL;
	}
	return inode;
}

void fs_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fs_inode *inode;
	int err;

	fs_count(req, FS_REQ_OPEN);
	inode = file_inode(req, ino);
	if (!inode)
		return;
	err = fs_may_open(inode, fi->flags);       /* chattr +i, +a */
	if (err)
		return (void) fuse_reply_err(req, -err);
	inode->fops->open(req, inode, fi);
}

void fs_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
	     struct fuse_file_info *fi)
{
	struct fs_inode *inode;

	fs_count(req, FS_REQ_READ);
	if (off < 0)
		return (void) fuse_reply_err(req, EINVAL);
	inode = file_inode(req, ino);
	if (!inode)
		return;
	fs_attr_drop(inode);
	inode->fops->read(req, inode, size, off, fi);
}

void fs_write_buf(fuse_req_t req, fuse_ino_t ino, struct fuse_bufvec *bufv,
		  off_t off, struct fuse_file_info *fi)
{
	struct fs_inode *inode;

	fs_count(req, FS_REQ_WRITE);
	if (off < 0)
		return (void) fuse_reply_err(req, EINVAL);
	inode = file_inode(req, ino);
	if (!inode)
		return;
	if (!inode->fops->write_buf)
		return (void) fuse_reply_err(req, EBADF);
	inode->fops->write_buf(req, inode, bufv, off, fi);
}

void fs_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fs_inode *inode;

	fs_count(req, FS_REQ_RELEASE);
	inode = fs_iget_unlocked(fs_from_req(req), ino);
	/* under the writeback cache each close drops the kernel's i_blocks,
	   which it does not keep itself (its flush) */
	if (inode && fs_from_req(req)->opt.writeback)
		fs_attr_drop(inode);
	if (inode && inode->fops && inode->fops->release)
		return inode->fops->release(req, inode, fi);
	fuse_reply_err(req, 0);
}

void fs_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t off,
		  off_t len, struct fuse_file_info *fi)
{
	struct fs_inode *inode;

	fs_count(req, FS_REQ_FALLOCATE);
	inode = file_inode(req, ino);
	if (!inode)
		return;
	if (!inode->fops->fallocate)
		return (void) fuse_reply_err(req, EOPNOTSUPP);
	if (fs_may_fallocate(inode, mode))         /* chattr +i, +a */
		return (void) fuse_reply_err(req, EPERM);
	inode->fops->fallocate(req, inode, mode, off, len, fi);
}

void fs_lseek(fuse_req_t req, fuse_ino_t ino, off_t off, int whence,
	      struct fuse_file_info *fi)
{
	struct fs_inode *inode;

	fs_count(req, FS_REQ_LSEEK);
	if (whence != SEEK_DATA && whence != SEEK_HOLE)
		return (void) fuse_reply_err(req, EINVAL);
	/* Under the writeback cache the kernel holds data and a size the
	   daemon has not seen yet, so the daemon's answer could call that
	   data a hole (cp --sparse would drop it).  ENOSYS makes the kernel
	   answer every SEEK_DATA/SEEK_HOLE itself from its own size: no
	   holes, never wrong. */
	if (fs_from_req(req)->opt.writeback)
		return (void) fuse_reply_err(req, ENOSYS);
	if (off < 0)
		return (void) fuse_reply_err(req, ENXIO);
	inode = file_inode(req, ino);
	if (!inode)
		return;
	/* a file without the operation is all of size 0, as /proc's: no
	   data, and the end at 0 */
	if (!inode->fops->lseek)
		return (void) fuse_reply_err(req, ENXIO);
	inode->fops->lseek(req, inode, off, whence, fi);
}

void fs_ioctl(fuse_req_t req, fuse_ino_t ino, unsigned int cmd, void *arg,
	      struct fuse_file_info *fi, unsigned int flags,
	      const void *in_buf, size_t in_bufsz, size_t out_bufsz)
{
	struct fs_inode *inode;

	fs_count(req, FS_REQ_IOCTL);
	inode = fs_iget_unlocked(fs_from_req(req), ino);
	if (!inode)
		return (void) fuse_reply_err(req, ENOENT);
	/* chattr and lsattr, on files and directories alike */
	if (fs_flags_cmd(cmd))
		return fs_flags_ioctl(req, inode, cmd, in_buf, in_bufsz,
				      out_bufsz);
	if ((flags & FUSE_IOCTL_DIR) || !inode->fops || !inode->fops->ioctl)
		return (void) fuse_reply_err(req, ENOTTY);
	inode->fops->ioctl(req, inode, cmd, arg, fi, flags, in_buf, in_bufsz,
			   out_bufsz);
}

static bool ts_after(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec > b->tv_sec ||
	       (a->tv_sec == b->tv_sec && a->tv_nsec > b->tv_nsec);
}

/* relatime: touch atime only when it says less than mtime/ctime, or is old */
static void touch_atime(struct fs_inode *inode)
{
	struct timespec now;
	bool stale;

	if (fs_noatime(inode))                     /* chattr +A */
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	mutex_lock(&inode->attr_lock);
	stale = !ts_after(&inode->atime, &inode->mtime) ||
		!ts_after(&inode->atime, &inode->ctime) ||
		now.tv_sec - inode->atime.tv_sec >= RELATIME_SEC;
	mutex_unlock(&inode->attr_lock);
	if (stale)
		fs_touch(inode, FS_ATIME);
}

/**
 * fs_open_mode - the page cache use of a regular file's new handle
 * Every change to the data passes through this mount's kernel inode,
 * which keeps its page cache in step (writes, truncate, punch-hole), so
 * under cache=always the cache stays valid across opens; cache=auto drops
 * it at each open, as a file system with other writers must; cache=never
 * bypasses it.
 */
void fs_open_mode(struct fs *fs, struct fuse_file_info *fi)
{
	fi->direct_io = fs->opt.cache == FS_CACHE_NEVER;
	fi->keep_cache = fs->opt.cache == FS_CACHE_ALWAYS;
}

static void dev_open(fuse_req_t req, struct fs_inode *inode,
		     struct fuse_file_info *fi)
{
	int err;

	/* an open handle needs no count: the kernel keeps its lookup on the
	   inode until the last close, so the data lives until the forget */
	if ((fi->flags & O_TRUNC) && (fi->flags & O_ACCMODE) != O_RDONLY) {
		/* only with atomic_o_trunc; see the design note above */
		err = scull_truncate(&inode->dev, 0);
		if (err)
			return (void) fuse_reply_err(req, -err);
		fs_touch(inode, FS_MTIME | FS_CTIME);
	}
	fs_open_mode(fs_from_req(req), fi);
	fuse_reply_open(req, fi);
}

/* read_copy - a read needing more iovecs than one reply carries */
static void read_copy(fuse_req_t req, struct scull_dev *dev, size_t size,
		      off_t off)
{
	ssize_t got;
	char *buf;

	buf = kmalloc(size, GFP_KERNEL | __GFP_NOWARN);
	if (buf) {
		got = scull_read(dev, buf, size, off);
		if (got < 0)
			fuse_reply_err(req, (int)-got);
		else
			fuse_reply_buf(req, buf, (size_t)got);
		kfree(buf);
		return;
	}

	/* The kernel never asks for more than FS_READ_MAX at once. */
	if (size > sizeof(emergency.buf))
		return (void) fuse_reply_err(req, EIO);
	mutex_lock(&emergency.lock);
	got = scull_read(dev, emergency.buf, size, off);
	if (got < 0)
		fuse_reply_err(req, (int)-got);
	else
		fuse_reply_buf(req, emergency.buf, (size_t)got);
	mutex_unlock(&emergency.lock);
}

static void dev_read(fuse_req_t req, struct fs_inode *inode, size_t size,
		     off_t off, struct fuse_file_info *fi)
{
	struct fs *fs = fs_from_req(req);
	struct scull_dev *dev = &inode->dev;
	struct iovec *iov;
	size_t max, len;
	int count = 0;

	(void)fi;

	/*
	 * Count for the whole request, before clamping at the end of file:
	 * an upper bound, known without the device lock, so the pool
	 * element is taken before the lock and never waited for under it.
	 */
	max = fs->iov_max < FS_IOV_LIMIT ? fs->iov_max : FS_IOV_LIMIT;
	/* Before the reply: once answered, the kernel may forget the inode
	   and another thread free it. */
	touch_atime(inode);
	if (size &&
	    (size_t)scull_iov_count(dev->sb, (uint64_t)off, size) > max) {
		read_copy(req, dev, size, off);
		return;
	}

	iov = mempool_alloc(fs->iov_pool, GFP_KERNEL);  /* never fails */
	fs_pin(inode);                      /* unlocked after the reply */
	scull_read_lock(dev);
	len = 0;
	if ((uint64_t)off < dev->size)
		len = dev->size - (uint64_t)off < size ?
		      (size_t)(dev->size - (uint64_t)off) : size;
	if (len)
		scull_read_iov(dev, (uint64_t)off, len, iov, (int)max, &count);
	fuse_reply_iov(req, iov, count);    /* copies at once: see Locks */
	scull_read_unlock(dev);
	fs_unpin(fs, inode);
	mempool_free(iov, fs->iov_pool);
}

/* drain - read past the @len bytes of a write left in pipe @fd */
static void drain(int fd, size_t len)
{
	char sink[4096];
	ssize_t got;

	while (len) {
		got = read(fd, sink, len < sizeof(sink) ? len : sizeof(sink));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		len -= (size_t)got;
	}
}

/*
 * changed - a write stored something: times, and the privileges the
 * writer takes away (a write-back has no writer: see priv.c).  A write's
 * reply carries no attributes, so a mode changed here is news to the
 * kernel, which caches it: it is told to forget what it holds.
 */
static void changed(fuse_req_t req, struct fs_inode *inode,
		    const struct fuse_file_info *fi)
{
	struct fs_cred cred;

	if (!fi->writepage) {
		fs_req_cred(req, &cred);
		if (fs_kill_priv(&cred, inode))
			fs_notify_inval(fs_from_req(req), inode->ino);
	}
	fs_touch(inode, FS_MTIME | FS_CTIME);
}

/*
 * whole - whether a write must be stored whole or fail (see the design
 * note): an O_DIRECT write, and a write-back of the page cache
 */
static bool whole(const struct fuse_file_info *fi)
{
	return (fi->flags & O_DIRECT) || fi->writepage;
}

/*
 * write_pipe - a spliced write: its @len bytes wait in pipe @fd and are
 * read straight into the quanta, one copy.  The pipe is emptied of them
 * whatever happens, as libfuse reuses it for the next request.
 */
static void write_pipe(fuse_req_t req, struct fs_inode *inode, int fd,
		       size_t len, off_t off, struct fuse_file_info *fi)
{
	ssize_t done = 0;

	/* chattr +i, +a; dev_write_buf copied what needs comparing */
	if ((done = fs_may_write(inode, (uint64_t)off, NULL, len))) {
		drain(fd, len);
		return (void) fuse_reply_err(req, EPERM);
	}
	if (len && whole(fi))
		done = scull_write_fd_whole(&inode->dev, fd, len, (uint64_t)off);
	else if (len)
		done = scull_write_fd(&inode->dev, fd, len, (uint64_t)off);
	if (done < 0)
		return (void) fuse_reply_err(req, (int)-done);
	if (done > 0)
		changed(req, inode, fi);
	fuse_reply_write(req, (size_t)done);
}

static void dev_write_buf(fuse_req_t req, struct fs_inode *inode,
			  struct fuse_bufvec *bufv, off_t off,
			  struct fuse_file_info *fi)
{
	struct fuse_buf *src = &bufv->buf[bufv->idx];
	char *copy = NULL;
	const char *data;
	ssize_t done;
	size_t len;
	/* chattr +a: a write below the end must carry the stored bytes, so
	   it is read out of a pipe to be compared (flags.c) */
	bool compare = fs_may_write(inode, (uint64_t)off, NULL,
				    fuse_buf_size(bufv)) == -EAGAIN;

	if (bufv->count == 1 && bufv->off == 0 && !compare &&
	    (src->flags & (FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK)) ==
	    FUSE_BUF_IS_FD)
		return write_pipe(req, inode, src->fd, src->size, off, fi);
	if (bufv->count == 1 && !(src->flags & FUSE_BUF_IS_FD)) {
		data = (const char *)src->mem + bufv->off;
		len = src->size - bufv->off;
	} else {
		struct fuse_bufvec dst = FUSE_BUFVEC_INIT(fuse_buf_size(bufv));

		/*
		 * Every page comes from the mount's size limit, so a
		 * failure here is the filesystem being full, as it is for
		 * scull_write's own allocations.
		 */
		copy = kmalloc(dst.buf[0].size, GFP_KERNEL | __GFP_NOWARN);
		if (!copy)
			return (void) fuse_reply_err(req, ENOSPC);
		dst.buf[0].mem = copy;
		done = fuse_buf_copy(&dst, bufv, 0);
		if (done < 0) {
			kfree(copy);
			return (void) fuse_reply_err(req, (int)-done);
		}
		data = copy;
		len = (size_t)done;
	}
	if ((done = fs_may_write(inode, (uint64_t)off, data, len))) {
		kfree(copy);
		return (void) fuse_reply_err(req, (int)-done);
	}

	if (whole(fi))
		done = scull_write_whole(&inode->dev, data, len, (uint64_t)off);
	else
		done = scull_write(&inode->dev, data, len, (uint64_t)off);
	if (!copy && done > 0)
		bufv->off += (size_t)done;
	kfree(copy);
	if (done < 0)
		return (void) fuse_reply_err(req, (int)-done);
	if (done > 0)
		changed(req, inode, fi);
	fuse_reply_write(req, (size_t)done);
}

static void dev_release(fuse_req_t req, struct fs_inode *inode,
			struct fuse_file_info *fi)
{
	(void)inode;
	(void)fi;
	fuse_reply_err(req, 0);
}

/* stop_allocate - FUSE_INTERRUPT of a fallocate: tell it to give up */
static void stop_allocate(fuse_req_t req, void *data)
{
	(void)req;
	__atomic_store_n((int *)data, 1, __ATOMIC_RELAXED);
}

/*
 * allocate - fallocate mode 0, which may take seconds for gigabytes: a
 * signal to the caller (Ctrl-C) makes the kernel send an interrupt, and
 * the allocate then gives up, undoing what it added, and the caller gets
 * EINTR.  Unregistering takes libfuse's lock on the request, so no
 * interrupt still runs stop_allocate once this returns.
 */
static int allocate(fuse_req_t req, struct scull_dev *dev, uint64_t off,
		    uint64_t len, bool keep)
{
	int stop = 0, err;

	fuse_req_interrupt_func(req, stop_allocate, &stop);
	err = scull_allocate_intr(dev, off, len, keep, &stop);
	fuse_req_interrupt_func(req, NULL, NULL);
	return err;
}

static void dev_fallocate(fuse_req_t req, struct fs_inode *inode, int mode,
			  off_t off, off_t len, struct fuse_file_info *fi)
{
	struct scull_dev *dev = &inode->dev;
	bool keep = mode & FALLOC_FL_KEEP_SIZE;
	int err;

	(void)fi;
	if (off < 0 || len <= 0)
		return (void) fuse_reply_err(req, EINVAL);

	switch (mode & ~FALLOC_FL_KEEP_SIZE) {
	case 0:
		err = allocate(req, dev, (uint64_t)off, (uint64_t)len, keep);
		break;
	case FALLOC_FL_PUNCH_HOLE:
		/* the kernel insists on KEEP_SIZE with PUNCH_HOLE */
		if (!keep)
			return (void) fuse_reply_err(req, EOPNOTSUPP);
		err = scull_punch_hole(dev, (uint64_t)off, (uint64_t)len);
		break;
	case FALLOC_FL_ZERO_RANGE:
		err = scull_zero_range(dev, (uint64_t)off, (uint64_t)len, keep);
		break;
	default:
		return (void) fuse_reply_err(req, EOPNOTSUPP);
	}
	if (err)
		return (void) fuse_reply_err(req, -err);
	changed(req, inode, fi);
	fuse_reply_err(req, 0);
}

static void dev_lseek(fuse_req_t req, struct fs_inode *inode, off_t off,
		      int whence, struct fuse_file_info *fi)
{
	int64_t pos;

	(void)fi;
	if (whence == SEEK_DATA)
		pos = scull_seek_data(&inode->dev, (uint64_t)off);
	else
		pos = scull_seek_hole(&inode->dev, (uint64_t)off);
	if (pos < 0)
		return (void) fuse_reply_err(req, (int)-pos);
	fuse_reply_lseek(req, (off_t)pos);
}

/* reply_get - a G ioctl: the value through the caller's pointer */
static void reply_get(fuse_req_t req, int value, void *arg,
		      unsigned int flags, size_t out_bufsz)
{
	struct iovec out = { .iov_base = arg, .iov_len = sizeof(int) };

	if (out_bufsz >= sizeof(int))
		return (void) fuse_reply_ioctl(req, 0, &value, sizeof(int));
	/* Only an unrestricted ioctl (CUSE) may ask for its buffer later. */
	if (flags & FUSE_IOCTL_UNRESTRICTED)
		return (void) fuse_reply_ioctl_retry(req, NULL, 0, &out, 1);
	fuse_reply_err(req, EINVAL);
}

static void dev_ioctl(fuse_req_t req, struct fs_inode *inode,
		      unsigned int cmd, void *arg, struct fuse_file_info *fi,
		      unsigned int flags, const void *in_buf, size_t in_bufsz,
		      size_t out_bufsz)
{
	struct fs *fs = fs_from_req(req);
	int quantum = (int)fs->sb.quantum;
	int qset = (int)fs->sb.qset;

	(void)inode;
	(void)fi;
	(void)in_buf;
	(void)in_bufsz;
	if (_IOC_TYPE(cmd) != SCULLC_IOC_MAGIC ||
	    _IOC_NR(cmd) > SCULLC_IOC_MAXNR)
		return (void) fuse_reply_err(req, ENOTTY);

	switch (cmd) {
	case SCULLC_IOCGQUANTUM:
		return reply_get(req, quantum, arg, flags, out_bufsz);
	case SCULLC_IOCGQSET:
		return reply_get(req, qset, arg, flags, out_bufsz);
	case SCULLC_IOCQQUANTUM:
		return (void) fuse_reply_ioctl(req, quantum, NULL, 0);
	case SCULLC_IOCQQSET:
		return (void) fuse_reply_ioctl(req, qset, NULL, 0);
	case SCULLC_IOCRESET:
	case SCULLC_IOCSQUANTUM:
	case SCULLC_IOCTQUANTUM:
	case SCULLC_IOCXQUANTUM:
	case SCULLC_IOCHQUANTUM:
	case SCULLC_IOCSQSET:
	case SCULLC_IOCTQSET:
	case SCULLC_IOCXQSET:
	case SCULLC_IOCHQSET:
		/* the geometry is the "scullc" cache's: a remount changes it */
		return (void) fuse_reply_err(req, EINVAL);
	default:
		/* a known number with the wrong direction or size */
		return (void) fuse_reply_err(req, ENOTTY);
	}
}

/* dev_truncate - setattr(size) on a device; 0 or -errno (scull_truncate) */
static int dev_truncate(struct fs_inode *inode, uint64_t size)
{
	return scull_truncate(&inode->dev, size);
}

const struct fs_file_ops fs_dev_fops = {
	.open           = dev_open,
	.read           = dev_read,
	.write_buf      = dev_write_buf,
	.release        = dev_release,
	.truncate       = dev_truncate,
	.fallocate      = dev_fallocate,
	.lseek          = dev_lseek,
	.ioctl          = dev_ioctl,
};
