/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scull.c - a scull device: reads, writes and holes over qsets of quanta */

/*
 * Design.  A device is LDD3's scullc layout: items, each a qset array of
 * up to `qset` quantum pointers (kmalloc), each quantum one object of the
 * mount's "scullc" cache.  Byte off is in item off / (quantum * qset), slot
 * (off / quantum) % qset, at byte off % quantum.  A quantum is allocated only
 * when written (or fallocated); NULL slots and missing items are holes that
 * read as zeros and cost nothing.  qset.c keeps items, qset arrays and
 * quanta (small quanta, the counters and their invariants); index.c finds
 * an item by number in O(log64 n), so random access into a many-GiB file is
 * as fast as into a small one, and a walk skips what is not stored.  This
 * file is the device API on top: reads, all-or-prefix and all-or-nothing
 * writes, truncate, punch, fallocate and the seeks.
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
 * Holes in scull_read_iov point into one read-only zero area of
 * KMALLOC_MAX_SIZE bytes (the largest quantum), mapped once per process
 * PROT_READ: every page of it is the kernel's zero page, so it costs no
 * memory, a stray write into it faults, and a run of holes of up to 4 MiB
 * takes a single iovec.
 *
 * Lock order: enum lock_rank (lock.h).  scull_dev.lock (one per device)
 * is outside the allocator's locks (kmalloc, kmem_cache_alloc, kfree... are
 * called under it) and outside the file system's ns_lock; zero_lock is
 * taken alone, by scull_sb_init only.
 *
 * scull_dev.lock protects size, nr_quanta, held, nr_items, item0 and the
 * whole index: its nodes, the qset arrays and the quantum contents
 * (index.c and qset.c take no lock: they run under this one).  size,
 * nr_quanta and held are also stored atomically (set_size, qset.c's
 * set_quanta and add_held), so that scull_dev_peek and scull_dev_held may
 * read them without the lock, as the kernel's i_size_read: stat never
 * waits behind a long write or fallocate.  Reads
 * (scull_read, scull_read_iov under the caller's scull_read_lock, seeks,
 * info, for_each_item) take it shared, so readers run in parallel; every
 * change takes it exclusive, so a write is seen whole or not at all.
 * zero_lock serialises the first mapping of the zero area.
 */

#include "config.h"

#include "scull/scull.h"
#include "scull/qset.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <scullc/slab.h>

_Static_assert(SCULL_QSET_MAX * sizeof(void *) <= KMALLOC_MAX_SIZE,
	       "a qset array must fit one kmalloc block");
#define ZERO_AREA_SIZE KMALLOC_MAX_SIZE  /* largest quantum */

static struct mutex zero_lock = MUTEX_INITIALIZER("zero_lock",
						  LOCK_RANK_SCULL_ZERO);
static void *zero_area;   /* protected by zero_lock; set once, read-only after */

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

/* ---------------------------------------------------------------- mount */

/* The largest size: what the index addresses, capped at INT64_MAX. */
static uint64_t max_bytes(unsigned int quantum, unsigned int qset)
{
	uint64_t item_size = (uint64_t)quantum * qset, bytes;
	unsigned int bits = INDEX_KEY_BITS;

	if (bits >= 64 || item_size > ((uint64_t)INT64_MAX >> bits))
		return INT64_MAX;
	bytes = item_size << bits;
	return bytes < INT64_MAX ? bytes : INT64_MAX;
}

static int map_zero_area(void)
{
	void *p;
	int ret = 0;

	mutex_lock(&zero_lock);
	if (!zero_area) {
		p = mmap(NULL, ZERO_AREA_SIZE, PROT_READ,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p == MAP_FAILED)
			ret = -ENOMEM;
		else
			zero_area = p;
	}
	mutex_unlock(&zero_lock);
	return ret;
}

/**
 * scull_sb_init - create the "scullc" cache for a mount's geometry
 * @sb: filled in on success
 * @quantum: bytes per quantum, 1..KMALLOC_MAX_SIZE
 * @qset: quanta per item, 1..KMALLOC_MAX_SIZE / sizeof(void *) (a qset
 *        array is one kmalloc block)
 *
 * Sets sb->max_size to INT64_MAX capped by what the index can address.
 * Returns 0, -EINVAL, -EEXIST (a "scullc" cache lives) or -ENOMEM.  May
 * block.
 */
int scull_sb_init(struct scull_sb *sb, unsigned int quantum,
		  unsigned int qset)
{
	int ret;

	if (quantum < 1 || quantum > KMALLOC_MAX_SIZE || qset < 1 ||
	    qset > SCULL_QSET_MAX)
		return -EINVAL;
	ret = map_zero_area();
	if (ret)
		return ret;
	sb->cache = kmem_cache_create("scullc", quantum, 0,
				      SLAB_HWCACHE_ALIGN, NULL);
	if (!sb->cache)
		return errno ? -errno : -ENOMEM;
	sb->quantum = quantum;
	sb->qset = qset;
	sb->max_size = max_bytes(quantum, qset);
	return 0;
}

/**
 * scull_sb_destroy - destroy the mount's cache
 * Every device must have been destroyed.  Returns kmem_cache_destroy's
 * result: 0, or -EBUSY when quanta are still out (the cache then stays).
 */
int scull_sb_destroy(struct scull_sb *sb)
{
	int ret = kmem_cache_destroy(sb->cache);

	if (ret == 0)
		sb->cache = NULL;
	return ret;
}

/* --------------------------------------------------------------- device */

/**
 * scull_dev_init - an empty device of mount @sb
 * Allocates nothing.  Returns 0 or the negative error of
 * pthread_rwlock_init (-ENOMEM, -EAGAIN).
 */
int scull_dev_init(struct scull_dev *dev, struct scull_sb *sb)
{
	int ret = rwlock_init(&dev->lock, "scull_dev.lock",
			      LOCK_RANK_SCULL_DEV);

	if (ret)
		return -ret;
	dev->sb = sb;
	dev->size = 0;
	dev->nr_quanta = 0;
	dev->held = 0;
	dev->nr_items = 0;
	dev->item0 = NULL;
	dev->item0_quanta = 0;
	index_init(&dev->index);
	return 0;
}

/**
 * scull_dev_destroy - free every quantum, qset array and index node
 * No other thread may use @dev any more.  Never fails, never allocates.
 */
void scull_dev_destroy(struct scull_dev *dev)
{
	/* for qset_drop, whose index must be locked: uncontended, so a
	   trylock, which no lock the caller may hold can make wait */
	int busy = rwlock_trywrlock(&dev->lock);

	assert(!busy);
	(void)busy;
	qset_drop(dev, 0, UINT64_MAX - 1);
	assert(index_empty(&dev->index) && !dev->item0 && !dev->nr_quanta &&
	       !dev->nr_items && !dev->held);
	rwlock_unlock(&dev->lock);
	rwlock_destroy(&dev->lock);
}

/**
 * scull_read - copy up to @len bytes at @off into @buf
 * Holes read as zeros.  Returns the bytes copied: short at the end of the
 * device, 0 at or past it.  Takes the read lock; never allocates.
 */
ssize_t scull_read(struct scull_dev *dev, void *buf, size_t len, uint64_t off)
{
	struct iovec iov[32];
	char *out = buf;
	size_t done = 0, got;
	int nr;

	if (len > SSIZE_MAX)
		len = SSIZE_MAX;
	rwlock_rdlock(&dev->lock);
	do {
		got = scull_read_iov(dev, off + done, len - done, iov, 32, &nr);
		for (int i = 0; i < nr; i++) {
			memcpy(out, iov[i].iov_base, iov[i].iov_len);
			out += iov[i].iov_len;
		}
		done += got;
	} while (got && done < len);
	rwlock_unlock(&dev->lock);
	return done;
}

/**
 * scull_read_iov - describe [@off, @off+@len) as iovecs, without copying
 * @iov, @max: the array to fill; @count: set to the iovecs filled
 *
 * Data iovecs point into the quanta; holes point into a read-only zero area
 * (a run of holes of up to KMALLOC_MAX_SIZE bytes takes one iovec).  The
 * caller holds scull_read_lock for as long as it uses them.  Returns the
 * bytes described: short at the end of the device or when @max iovecs
 * (see scull_iov_count) run out.  Never allocates.
 */
size_t scull_read_iov(struct scull_dev *dev, uint64_t off, size_t len,
		      struct iovec *iov, int max, int *count)
{
	unsigned int quantum = dev->sb->quantum, qset = dev->sb->qset;
	unsigned int s, slots = 0;
	uint64_t pos, end, qn, item, cur = UINT64_MAX;
	struct index_ref r;
	void **qs = NULL, *slot;
	struct iovec *v = NULL;
	size_t n, byte, cap;
	char *q;
	int nr = 0;

	lock_assert_held(&dev->lock);
	if (off >= dev->size || max <= 0) {
		*count = 0;
		return 0;
	}
	if (len > dev->size - off)
		len = dev->size - off;
	end = off + len;
	for (pos = off; pos < end; pos += n) {
		qn = pos / quantum;
		item = qn / qset;
		s = qn % qset;
		byte = pos % quantum;
		n = quantum - byte;
		if (n > end - pos)
			n = end - pos;
		if (item != cur) {
			cur = item;
			qs = qset_find(dev, item, &r);
			slots = qs ? qset_slots(dev, qs) : 0;
		}
		slot = s < slots ? qs[s] : NULL;
		q = NULL;
		if (slot) {
			/* a small quantum: its block, then zeros */
			cap = qset_cap(dev, slot);
			if (byte < cap) {
				q = qset_addr(slot);
				if (n > cap - byte)
					n = cap - byte;
			}
		}
		if (!q && v && v->iov_base == zero_area &&
		    v->iov_len + n <= ZERO_AREA_SIZE) {
			v->iov_len += n;
			continue;
		}
		if (nr == max)
			break;
		v = &iov[nr++];
		v->iov_base = q ? q + byte : zero_area;
		v->iov_len = n;
	}
	*count = nr;
	return pos - off;
}

/**
 * scull_iov_count - how many iovecs scull_read_iov may need for a range
 * Two per quantum the range touches, as a small quantum reads as its block
 * and then zeros (an upper bound: holes merge, and the end of the device
 * may cut the range), capped at INT_MAX.  0 for @len 0.
 */
int scull_iov_count(const struct scull_sb *sb, uint64_t off, size_t len)
{
	uint64_t last, n;

	if (len == 0)
		return 0;
	last = len - 1 > UINT64_MAX - off ? UINT64_MAX : off + (len - 1);
	n = last / sb->quantum - off / sb->quantum + 1;
	return n > INT_MAX / 2 ? INT_MAX : (int)(2 * n);
}

/* scull_read_lock - hold the device steady for scull_read_iov's iovecs. */
void scull_read_lock(struct scull_dev *dev)
{
	rwlock_rdlock(&dev->lock);
}

void scull_read_unlock(struct scull_dev *dev)
{
	rwlock_unlock(&dev->lock);
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

/* The answer of a seek that found @pos: not before @off, if below size */
static void clamp(const struct scull_dev *dev, uint64_t pos, uint64_t off,
		  int64_t *ret)
{
	if (pos < off)
		pos = off;
	if (pos < dev->size)
		*ret = (int64_t)pos;
}

/**
 * scull_seek_data - SEEK_DATA: the first offset >= @off inside a quantum
 * (an allocated quantum is data, even all zeros), or -ENXIO when there is
 * none before the end or @off is at or past it.  Takes the read lock.
 */
int64_t scull_seek_data(struct scull_dev *dev, uint64_t off)
{
	uint64_t quantum = dev->sb->quantum, qset = dev->sb->qset;
	uint64_t qn = off / quantum, item = qn / qset, want = item;
	int64_t ret = -ENXIO;
	unsigned int s, slots;
	struct index_ref r;
	void **qs;

	rwlock_rdlock(&dev->lock);
	if (off >= dev->size)
		goto out;
	s = qn % qset;
	while ((qs = qset_next(dev, &item, &r)) &&
	       item <= (dev->size - 1) / (quantum * qset)) {
		if (item != want)
			s = 0;
		slots = qset_slots(dev, qs);
		for (; s < slots && !qs[s]; s++)
			;
		if (s < slots) {
			clamp(dev, (item * qset + s) * quantum, off, &ret);
			break;
		}
		want = ++item;
		s = 0;
	}
out:
	rwlock_unlock(&dev->lock);
	return ret;
}

/**
 * scull_seek_hole - SEEK_HOLE: the first offset >= @off in a missing
 * quantum, or the size (the virtual hole at the end); -ENXIO when @off is
 * at or past the end.  Full items are skipped in O(1).  Takes the read lock.
 */
int64_t scull_seek_hole(struct scull_dev *dev, uint64_t off)
{
	uint64_t quantum = dev->sb->quantum, qset = dev->sb->qset;
	uint64_t qn = off / quantum, item = qn / qset;
	int64_t ret = -ENXIO;
	unsigned int s, slots;
	struct index_ref r;
	void **qs;

	rwlock_rdlock(&dev->lock);
	if (off >= dev->size)
		goto out;
	ret = dev->size;
	for (s = qn % qset; item * qset * quantum < dev->size; item++, s = 0) {
		qs = qset_find(dev, item, &r);
		if (qs && *r.aux == qset)
			continue;
		slots = qs ? qset_slots(dev, qs) : 0;
		for (; s < slots && qs[s]; s++)
			;
		if (s < qset) {
			clamp(dev, (item * qset + s) * quantum, off, &ret);
			break;
		}
	}
out:
	rwlock_unlock(&dev->lock);
	return ret;
}

/* scull_dev_info - a consistent snapshot of @dev's counters (read lock). */
void scull_dev_info(struct scull_dev *dev, struct scull_dev_info *info)
{
	rwlock_rdlock(&dev->lock);
	info->size = dev->size;
	info->nr_quanta = dev->nr_quanta;
	info->nr_items = dev->nr_items;
	info->held = dev->held;
	rwlock_unlock(&dev->lock);
}

/**
 * scull_dev_peek - @dev's size and quanta without its lock: each value is
 * one a writer stored, though not necessarily from the same moment.  Never
 * blocks; for stat, which must not wait behind a long write.
 */
void scull_dev_peek(struct scull_dev *dev, uint64_t *size,
		    unsigned long *nr_quanta)
{
	*size = __atomic_load_n(&dev->size, __ATOMIC_RELAXED);
	*nr_quanta = __atomic_load_n(&dev->nr_quanta, __ATOMIC_RELAXED);
}

/* scull_dev_held - see scull.h; never blocks */
uint64_t scull_dev_held(struct scull_dev *dev)
{
	return __atomic_load_n(&dev->held, __ATOMIC_RELAXED);
}

/**
 * scull_for_each_item - call @fn(item number, quanta held, @arg) for each
 * item in increasing order, under the read lock (so @fn must not call back
 * into this device's writers).  Stops at and returns @fn's first nonzero
 * value; 0 otherwise.
 */
int scull_for_each_item(struct scull_dev *dev,
			int (*fn)(uint64_t item, unsigned long quanta,
				  void *arg),
			void *arg)
{
	struct index_ref r;
	uint64_t item = 0;
	int ret = 0;

	rwlock_rdlock(&dev->lock);
	while (!ret && qset_next(dev, &item, &r)) {
		ret = fn(item, *r.aux, arg);
		if (item == UINT64_MAX)
			break;
		item++;
	}
	rwlock_unlock(&dev->lock);
	return ret;
}
