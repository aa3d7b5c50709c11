/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scull.h - a scull device: data kept as quanta in qsets, with no FUSE */
#ifndef SCULLCFS_SCULL_H
#define SCULLCFS_SCULL_H

/*
 * A device's contents are items; an item is a qset array (from kmalloc) of
 * up to `qset` quantum pointers; a quantum is one `quantum`-byte object of
 * the mount's "scullc" cache, or, while the data in it ends in its first
 * half, a smaller kmalloc block (qset.c says when).  Byte offset off lives in
 *   item  off / (quantum * qset),
 *   slot  (off % (quantum * qset)) / quantum,
 *   byte  off % quantum.
 * A quantum exists only once written: a NULL slot (or a missing item) is a
 * hole that reads as zeros.  Items are found through an index, never by
 * walking the items before them.
 *
 * Every call that takes a struct scull_dev takes and drops the device's
 * lock itself, except scull_read_iov, whose caller holds the read lock
 * (scull_read_lock) for as long as it uses the iovecs.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "lock.h"
#include "scull/index.h"

struct kmem_cache;

#define SCULL_QUANTUM_DEFAULT 4000
#define SCULL_QSET_DEFAULT    500
#define SCULL_QSET_MAX        (1U << 19)  /* a qset array is one kmalloc block */

/* One per mount: the geometry and the cache quanta come from. */
struct scull_sb {
	struct kmem_cache *cache;    /* "scullc": quantum-byte objects */
	unsigned int quantum;        /* bytes per quantum */
	unsigned int qset;           /* quantum pointers per item */
	uint64_t max_size;           /* largest device size */
};

/*
 * scull_sb_init - create the "scullc" cache for @quantum and @qset
 * Returns 0, -EINVAL (a value out of range: quantum 1..KMALLOC_MAX_SIZE,
 * qset 1..KMALLOC_MAX_SIZE / sizeof(void *), i.e. 1 << 19 on 64-bit, since a
 * qset array is one kmalloc block), -EEXIST (a cache of that name lives) or
 * -ENOMEM.  Sets max_size (INT64_MAX: the index addresses any item).
 */
int scull_sb_init(struct scull_sb *sb, unsigned int quantum,
		  unsigned int qset);
/* scull_sb_destroy - destroy the cache; -EBUSY when quanta are still out. */
int scull_sb_destroy(struct scull_sb *sb);

struct scull_dev {
	struct rwlock lock;          /* readers share, writers exclude */
	struct scull_sb *sb;
	/* protected by lock (size, nr_quanta and held also stored
	   atomically, for scull_dev_peek and scull_dev_held): */
	uint64_t size;               /* bytes, holes included */
	unsigned long nr_quanta;     /* quanta allocated */
	uint64_t held;               /* bytes the quanta hold (st_blocks) */
	unsigned long nr_items;      /* qset arrays allocated */
	void **item0;                /* item 0's qset array, or NULL */
	unsigned int item0_quanta;   /* quanta in it */
	struct index index;          /* item number (from 1) -> qset array,
					aux: its quanta */
};

int scull_dev_init(struct scull_dev *dev, struct scull_sb *sb); /* 0/-ENOMEM */
void scull_dev_destroy(struct scull_dev *dev);  /* frees every quantum */

/* A copying read: bytes read (short at end of device), or 0 past it. */
ssize_t scull_read(struct scull_dev *dev, void *buf, size_t len, uint64_t off);

/*
 * scull_read_iov - describe [off, off+len) as iovecs pointing into the
 * quanta, with holes pointing into a shared page of zeros.  The caller holds
 * scull_read_lock.  Fills at most @max iovecs (scull_iov_count says how
 * many a range needs) and returns the bytes described.
 */
size_t scull_read_iov(struct scull_dev *dev, uint64_t off, size_t len,
		      struct iovec *iov, int max, int *count);
int scull_iov_count(const struct scull_sb *sb, uint64_t off, size_t len);
void scull_read_lock(struct scull_dev *dev);
void scull_read_unlock(struct scull_dev *dev);

/* The changes (write.c), each under the device's lock for writing */

/*
 * scull_write - copy @len bytes in at @off, allocating quanta as needed
 * Returns the bytes written; when memory runs out part-way it returns the
 * prefix written so far (never counting a byte not stored), or -ENOSPC when
 * nothing could be written.  -EFBIG past sb->max_size.  The device is never
 * left with a hole where data was.  Every allocation failure - quantum, qset
 * array or index node, all from the same size-limited pages - is -ENOSPC.
 */
ssize_t scull_write(struct scull_dev *dev, const void *buf, size_t len,
		    uint64_t off);

/*
 * scull_write_fd - scull_write reading the bytes from @fd (a pipe holding
 * them) straight into the quanta; consumes all @len bytes of @fd whatever
 * it stores.  -errno when @fd fails (the range then reads as zeros).
 */
ssize_t scull_write_fd(struct scull_dev *dev, int fd, size_t len,
		       uint64_t off);

/*
 * scull_write_whole, scull_write_fd_whole - the same, storing all @len
 * bytes or none: the room for the whole range is reserved first under the
 * same lock, and a failure (-ENOSPC, or -EFBIG for a range ending past
 * sb->max_size) leaves the device as it was.  The fd form still consumes
 * all @len bytes of @fd.  Return @len or -errno.
 */
ssize_t scull_write_whole(struct scull_dev *dev, const void *buf,
			  size_t len, uint64_t off);
ssize_t scull_write_fd_whole(struct scull_dev *dev, int fd, size_t len,
			     uint64_t off);

/* Truncate to @size: frees quanta past it, zeroes the tail of the last. */
int scull_truncate(struct scull_dev *dev, uint64_t size);
/* Free whole quanta in the range, zero partial ones; size unchanged. */
int scull_punch_hole(struct scull_dev *dev, uint64_t off, uint64_t len);
/* Make the range read as zeros (extends size unless @keep_size). */
int scull_zero_range(struct scull_dev *dev, uint64_t off, uint64_t len,
		     bool keep_size);
/* Allocate quanta for the range (fallocate mode 0); -ENOSPC at once when
   the size limit cannot hold what is missing, otherwise -ENOSPC undoes
   nothing already there and frees what it added.  These three return -EINVAL for
   @len 0 and -EFBIG when the range ends past sb->max_size, as fallocate(2). */
int scull_allocate(struct scull_dev *dev, uint64_t off, uint64_t len,
		   bool keep_size);
/* The same, giving up with -EINTR (undoing what it added) once another
   thread sets *@stop: a fallocate the caller's signal interrupts. */
int scull_allocate_intr(struct scull_dev *dev, uint64_t off, uint64_t len,
			bool keep_size, const int *stop);

/* Back in scull.c: seeks and counters */

/* SEEK_DATA / SEEK_HOLE: the offset, or -ENXIO at or past the end. */
int64_t scull_seek_data(struct scull_dev *dev, uint64_t off);
int64_t scull_seek_hole(struct scull_dev *dev, uint64_t off);

/* A snapshot for stat and scullcmem. */
struct scull_dev_info {
	uint64_t size;
	unsigned long nr_quanta;
	unsigned long nr_items;
	uint64_t held;               /* as scull_dev_held */
};
void scull_dev_info(struct scull_dev *dev, struct scull_dev_info *info);
/* scull_dev_peek - size and quanta without the lock (never waits): stat */
void scull_dev_peek(struct scull_dev *dev, uint64_t *size,
		    unsigned long *nr_quanta);
/*
 * scull_dev_held - the bytes of memory the device's data is kept in: each
 * quantum at its capacity (a small one's kmalloc class, else `quantum`),
 * qset arrays and index nodes left out as tmpfs leaves out its xarray.
 * Read without the lock, as scull_dev_peek: st_blocks.
 */
uint64_t scull_dev_held(struct scull_dev *dev);

/*
 * scull_for_each_item - call @fn for each item in order, with its number
 * and the quanta it holds, under the read lock; stops when @fn returns
 * nonzero and returns that value.
 */
int scull_for_each_item(struct scull_dev *dev,
			int (*fn)(uint64_t item, unsigned long quanta,
				  void *arg),
			void *arg);

#endif /* SCULLCFS_SCULL_H */
