/* SPDX-License-Identifier: GPL-2.0-or-later */
/* write.c - a scull device's changes: writes, truncate, holes, fallocate */

/*
 * The device API that changes a device (scull.c has the rest): writes of
 * all or a prefix, or all or nothing, from memory or from a descriptor,
 * truncate, punch hole, zero range and fallocate.  The layout is
 * scull.c's and qset.c's.
 *
 * Memory.  Only write and allocate allocate, always with GFP_KERNEL; every
 * failure (quantum, a larger small quantum, qset array or index node) is
 * reported as -ENOSPC, since all of them come out of the same size-limited
 * page allocator and a user sees a full filesystem.  Nodes and qset arrays
 * made for an operation that then fails are freed before returning; a
 * block that was to replace a smaller one is simply not taken, the smaller
 * one and its data stay.  Freeing (truncate, punch, zero range, destroy)
 * never allocates, so it cannot fail.  Every byte at or past dev->size
 * inside an existing quantum is zero, which lets truncate-up and fallocate
 * KEEP_SIZE leave quanta alone and still read zeros when the device later
 * grows over them.
 *
 * Locks: every call here takes scull_dev.lock exclusive, so a write is
 * seen whole or not at all, and calls the allocator under it (lock.h);
 * the size is also stored atomically (set_size), for scull_dev_peek.
 */

#include "config.h"

#include "scull/scull.h"
#include "scull/qset.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include <scullc/slab.h>

/* set_size - change the size scull_dev_peek reads bare; the write lock
   held */
static void set_size(struct scull_dev *dev, uint64_t size)
{
	lock_assert_held_write(&dev->lock);
	__atomic_store_n(&dev->size, size, __ATOMIC_RELAXED);
}

/*
 * range - check a fallocate-style range against the size limit
 * Returns 0 with the end in *@end, -EINVAL (@len 0) or -EFBIG.
 */
static int range(const struct scull_dev *dev, uint64_t off, uint64_t len,
		 uint64_t *end)
{
	if (len == 0)
		return -EINVAL;
	if (off > dev->sb->max_size || len > dev->sb->max_size - off)
		return -EFBIG;
	*end = off + len;
	return 0;
}

/*
 * Where a write's bytes come from: memory, or a descriptor read in order
 * (FUSE hands a spliced write over as a pipe).  A descriptor's bytes are
 * read straight into the quanta, with one readv per SRC_IOV pieces.
 */
#define SRC_IOV 64

struct source {
	const char *mem;                  /* memory, or NULL: fd */
	int fd;
	bool whole;                       /* all bytes or none (reserve) */
	int nr;                           /* pieces queued in iov */
	int err;                          /* first error of fd, 0 */
	struct iovec iov[SRC_IOV];
};

/* src_flush - read the queued pieces from the descriptor; what it fails
   to deliver reads as zeros, never as stale memory */
static void src_flush(struct source *src)
{
	struct iovec *v = src->iov;
	int nr = src->nr;
	ssize_t got;

	while (nr > 0) {
		got = src->err ? -1 : readv(src->fd, v, nr);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			if (!src->err)
				src->err = got < 0 ? errno : EIO;
			for (; nr > 0; v++, nr--)
				memset(v->iov_base, 0, v->iov_len);
			break;
		}
		for (; nr > 0 && (size_t)got >= v->iov_len; v++, nr--)
			got -= v->iov_len;
		if (nr > 0) {
			v->iov_base = (char *)v->iov_base + got;
			v->iov_len -= got;
		}
	}
	src->nr = 0;
}

/* src_put - fill @n bytes at @dst from the source (perhaps deferred to
   the next src_flush) */
static void src_put(struct source *src, char *dst, size_t n)
{
	if (src->mem) {
		memcpy(dst, src->mem, n);
		src->mem += n;
		return;
	}
	src->iov[src->nr].iov_base = dst;
	src->iov[src->nr].iov_len = n;
	if (++src->nr == SRC_IOV)
		src_flush(src);
}

static ssize_t write_from(struct scull_dev *dev, struct source *src,
			  size_t len, uint64_t off);

/**
 * scull_write - copy @len bytes from @buf in at @off
 *
 * Allocates (GFP_KERNEL) the quanta, qset arrays and index nodes it needs,
 * in order of offset, and grows the small quanta and qset arrays it writes
 * past.  If an allocation fails part-way, what was allocated for the piece
 * that failed is freed and the bytes written before it stand:
 * the return is that prefix, and the size grows only over it.  Returns the
 * bytes written, -ENOSPC when memory ran out before any, -EFBIG when @off
 * is at or past sb->max_size (a write reaching past it is cut short).
 * Takes the write lock; may block.
 */
ssize_t scull_write(struct scull_dev *dev, const void *buf, size_t len,
		    uint64_t off)
{
	struct source src = { .mem = buf };

	return write_from(dev, &src, len, off);
}

/**
 * scull_write_whole - scull_write of all @len bytes or none
 *
 * Reserves the room of the whole range first, under the same write lock
 * as the copy (reserve), so a failure changes nothing that was there.
 * Returns @len, -ENOSPC, or -EFBIG when the range ends past
 * sb->max_size.  Takes the write lock; may block.
 */
ssize_t scull_write_whole(struct scull_dev *dev, const void *buf,
			  size_t len, uint64_t off)
{
	struct source src = { .mem = buf, .whole = true };

	return write_from(dev, &src, len, off);
}

/* write_fd - store what @src's descriptor holds, then read past the @len
   bytes of it that were not stored */
static ssize_t write_fd(struct scull_dev *dev, struct source *src,
			size_t len, uint64_t off)
{
	char sink[4096];
	ssize_t done = write_from(dev, src, len, off), got;
	size_t left = done > 0 ? len - (size_t)done : len;

	while (left && !src->err) {
		got = read(src->fd, sink,
			   left < sizeof(sink) ? left : sizeof(sink));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			src->err = got < 0 ? errno : EIO;
		else
			left -= (size_t)got;
	}
	return src->err ? -src->err : done;
}

/**
 * scull_write_fd - scull_write, the bytes read from descriptor @fd
 *
 * Reads all @len bytes from @fd (a pipe that holds them, as FUSE hands a
 * spliced write over) straight into the quanta, keeping what it can store
 * as scull_write does and reading past the rest, so the descriptor is left
 * just after them.  Returns as scull_write, or -errno (-EIO at a short
 * read) when @fd failed: the range it failed to fill then reads as zeros.
 * Takes the write lock while storing; may block.
 */
ssize_t scull_write_fd(struct scull_dev *dev, int fd, size_t len,
		       uint64_t off)
{
	struct source src = { .fd = fd };

	return write_fd(dev, &src, len, off);
}

/* scull_write_fd_whole - scull_write_fd of all @len bytes or none */
ssize_t scull_write_fd_whole(struct scull_dev *dev, int fd, size_t len,
			     uint64_t off)
{
	struct source src = { .fd = fd, .whole = true };

	return write_fd(dev, &src, len, off);
}

static ssize_t write_from(struct scull_dev *dev, struct source *src,
			  size_t len, uint64_t off)
{
	unsigned int quantum = dev->sb->quantum, qset = dev->sb->qset;
	uint64_t pos, end, qn, item, cur = UINT64_MAX, done, lastq;
	unsigned int s, byte;
	struct index_ref r;
	void **qs = NULL;
	size_t n;

	if (len == 0)
		return 0;
	if (off >= dev->sb->max_size ||
	    (src->whole && len > dev->sb->max_size - off))
		return -EFBIG;
	if (len > SSIZE_MAX)
		len = SSIZE_MAX;
	if (len > dev->sb->max_size - off)
		len = dev->sb->max_size - off;
	end = off + len;

	rwlock_wrlock(&dev->lock);
	if (src->whole && qset_reserve(dev, off, end)) {
		rwlock_unlock(&dev->lock);
		return -ENOSPC;
	}
	for (pos = off; pos < end; pos += n) {
		qn = pos / quantum;
		item = qn / qset;
		byte = pos % quantum;
		n = quantum - byte;
		if (n > end - pos)
			n = end - pos;
		s = qn % qset;
		if (item != cur) {
			/* room for the last slot of this item the write uses */
			lastq = (end - 1) / quantum;
			qs = qset_get(dev, item, lastq / qset == item ?
				      (unsigned int)(lastq % qset) : qset - 1, &r);
			if (!qs)
				break;
			cur = item;
		}
		if (qset_room(dev, qs, s, &r, byte, n, 0)) {
			qset_put(dev, item, &r);
			break;
		}
		src_put(src, qset_addr(qs[s]) + byte, n);
	}
	if (src->nr)
		src_flush(src);
	done = pos - off;
	assert(!src->whole || done == len);
	if (done && pos > dev->size)
		set_size(dev, pos);
	rwlock_unlock(&dev->lock);
	return done ? (ssize_t)done : -ENOSPC;
}

/**
 * scull_truncate - set the size to @size
 * Shrinking (or truncating to the current size) frees every quantum wholly
 * past @size, preallocated ones included, and zeroes the tail of the last
 * partial quantum so that growing again reads zeros.  Growing only sets the
 * size.  Returns 0 or -EFBIG past sb->max_size; never allocates.
 */
int scull_truncate(struct scull_dev *dev, uint64_t size)
{
	uint64_t quantum = dev->sb->quantum;

	if (size > dev->sb->max_size)
		return -EFBIG;
	rwlock_wrlock(&dev->lock);
	if (size <= dev->size) {
		qset_drop(dev, (size + quantum - 1) / quantum, UINT64_MAX - 1);
		if (size % quantum)
			qset_zero_part(dev, size, quantum - size % quantum);
	}
	set_size(dev, size);
	rwlock_unlock(&dev->lock);
	return 0;
}

/**
 * scull_punch_hole - free the quanta wholly inside [@off, @off+@len) and
 * zero the parts of the others in it; the size does not change.
 * Returns 0, -EINVAL (@len 0) or -EFBIG (the range ends past max_size).
 * Never allocates.
 */
int scull_punch_hole(struct scull_dev *dev, uint64_t off, uint64_t len)
{
	return scull_zero_range(dev, off, len, true);
}

/**
 * scull_zero_range - make [@off, @off+@len) read as zeros
 * As scull_punch_hole, then the size grows to the range's end unless
 * @keep_size.  Returns 0, -EINVAL (@len 0) or -EFBIG.  Never allocates.
 */
int scull_zero_range(struct scull_dev *dev, uint64_t off, uint64_t len,
		     bool keep_size)
{
	uint64_t end;
	int ret = range(dev, off, len, &end);

	if (ret)
		return ret;
	rwlock_wrlock(&dev->lock);
	qset_clear(dev, off, end);
	if (!keep_size && end > dev->size)
		set_size(dev, end);
	rwlock_unlock(&dev->lock);
	return 0;
}

/*
 * room_for - whether the quanta missing from @qf..@ql can be had under the
 * size limit: the free slots of the "scullc" cache, then whole slabs from
 * the pages left (less the reserve), each new qset array counted at its
 * size.  A range larger than the whole limit fails without looking (as
 * tmpfs checks). The lock held.  An estimate: a fallocate it lets through
 * may still meet the limit, and then undoes what it added.
 */
static bool room_for(struct scull_dev *dev, uint64_t qf, uint64_t ql)
{
	struct kmem_cache_stats st;
	struct scullc_meminfo mi;
	uint64_t need, free_objs, slabs, bytes, items;

	lock_assert_held(&dev->lock);
	scullc_meminfo(&mi);
	if (mi.limit == SIZE_MAX)
		return true;
	kmem_cache_get_stats(dev->sb->cache, &st);
	if (ql - qf + 1 > mi.limit / st.objsize)
		return false;
	free_objs = st.num_objs - st.active_objs + st.shared_avail;
	need = qset_missing(dev, qf, ql, mi.limit / st.objsize);
	if (need <= free_objs)
		return true;
	slabs = (need - free_objs + st.objperslab - 1) / st.objperslab;
	items = (need + dev->sb->qset - 1) / dev->sb->qset;
	bytes = slabs * st.pagesperslab * PAGE_SIZE +
		items * (uint64_t)dev->sb->qset * sizeof(void *);
	return mi.used + mi.reserve <= mi.limit &&
	       bytes <= mi.limit - mi.used - mi.reserve;
}

/**
 * scull_allocate - fallocate mode 0: give every hole in [@off, @off+@len)
 * a zeroed quantum; the size grows to the range's end unless @keep_size.
 *
 * All or nothing: new quanta are tagged in their slots (QSET_NEW_TAG) until
 * the range is done; on failure exactly the tagged ones, and the items and
 * nodes left empty, are freed.  Small quanta in the range become whole
 * ones, holding the same data, and stay so on failure.  Returns
 * 0, -ENOSPC, -EINVAL (@len 0) or -EFBIG.  Takes the write lock; may block.
 */
int scull_allocate(struct scull_dev *dev, uint64_t off, uint64_t len,
		   bool keep_size)
{
	return scull_allocate_intr(dev, off, len, keep_size, NULL);
}

/* Quanta allocated between two looks at an allocate's stop flag (1 MB) */
#define STOP_EVERY 256

/**
 * scull_allocate_intr - scull_allocate that gives up when *@stop turns
 * nonzero (set by another thread; NULL: never): it then frees what it
 * added, as on failure, and returns -EINTR.  The flag is read every
 * STOP_EVERY quanta added, so giving up takes about a megabyte's work.
 */
int scull_allocate_intr(struct scull_dev *dev, uint64_t off, uint64_t len,
			bool keep_size, const int *stop)
{
	unsigned long added = 0;
	unsigned int quantum = dev->sb->quantum, qset = dev->sb->qset;
	uint64_t end, qn, qf, ql, item, cur = UINT64_MAX;
	unsigned int s;
	struct index_ref r;
	void **qs = NULL;
	int ret = range(dev, off, len, &end);

	if (ret)
		return ret;
	qf = off / quantum;
	ql = (end - 1) / quantum;
	rwlock_wrlock(&dev->lock);
	if (!room_for(dev, qf, ql)) {
		rwlock_unlock(&dev->lock);
		return -ENOSPC;
	}
	for (qn = qf; qn <= ql; qn++) {
		item = qn / qset;
		s = qn % qset;
		if (item != cur) {
			qs = qset_get(dev, item, ql / qset == item ?
				      (unsigned int)(ql % qset) : qset - 1, &r);
			if (!qs)
				break;
			cur = item;
		}
		if (qs[s] && !qset_is_small(qs[s]))
			continue;
		if (!qs[s] && stop && ++added % STOP_EVERY == 0 &&
		    __atomic_load_n(stop, __ATOMIC_RELAXED)) {
			qset_put(dev, item, &r);
			ret = -EINTR;
			break;
		}
		if (qset_make_whole(dev, qs, s, &r)) {
			qset_put(dev, item, &r);
			break;
		}
	}
	if (qn <= ql) {
		if (qn > qf)
			qset_settle(dev, qf, qn - 1, true);
		if (!ret)
			ret = -ENOSPC;
	} else {
		qset_settle(dev, qf, ql, false);
		if (!keep_size && end > dev->size)
			set_size(dev, end);
	}
	rwlock_unlock(&dev->lock);
	return ret;
}
