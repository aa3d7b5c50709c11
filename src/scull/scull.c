/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scull.c - a scull device: its mount, lifetime, reads, seeks, counters */

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
 * file is the device API on top: the mount's cache, a device's lifetime,
 * reads, the seeks and the counters; write.c has the changes (writes,
 * truncate, punch, zero range, fallocate) and says how they use memory.
 * Nothing here allocates but scull_sb_init; destroy frees without
 * allocating, so it cannot fail.
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
 * change (write.c) takes it exclusive, so a write is seen whole or not at
 * all.
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

#include <scullc/slab.h>

_Static_assert(SCULL_QSET_MAX * sizeof(void *) <= KMALLOC_MAX_SIZE,
	       "a qset array must fit one kmalloc block");
#define ZERO_AREA_SIZE KMALLOC_MAX_SIZE  /* largest quantum */

static struct mutex zero_lock = MUTEX_INITIALIZER("zero_lock",
						  LOCK_RANK_SCULL_ZERO);
static void *zero_area;   /* protected by zero_lock; set once, read-only after */

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
