/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qset.h - a scull device's items, qset arrays and quanta (private) */
#ifndef SCULLCFS_QSET_H
#define SCULLCFS_QSET_H

/*
 * The helpers the device API (scull.c, write.c) is built on; qset.c says
 * how items, qset arrays and quanta are laid out and counted.  Every one is
 * "Locked.": the caller holds dev->lock, for writing in those that change
 * anything, at least for reading in qset_find, qset_next, qset_slots,
 * qset_quantum and qset_missing.  Only qset_get, qset_room,
 * qset_make_whole and qset_reserve allocate (GFP_KERNEL); nothing here
 * fails but with -ENOMEM/NULL, which the device API reports as -ENOSPC.
 */

#include <stdbool.h>
#include <stdint.h>

#include <scullc/slab.h>

#include "scull/index.h"
#include "scull/scull.h"

/*
 * Tags in a quantum's slot (objects and kmalloc blocks are at least 8-byte
 * aligned, so the low bits are free): a quantum an allocate or a whole
 * write reserved, until the whole range is in (qset_settle); a small
 * quantum, a kmalloc block.
 */
#define QSET_NEW_TAG   ((uintptr_t)1)
#define QSET_SMALL_TAG ((uintptr_t)2)

/* qset_addr - the memory of quantum slot value @slot, tags removed */
static inline char *qset_addr(const void *slot)
{
	return (char *)((uintptr_t)slot & ~(QSET_NEW_TAG | QSET_SMALL_TAG));
}

static inline bool qset_is_small(const void *slot)
{
	return (uintptr_t)slot & QSET_SMALL_TAG;
}

/* qset_cap - the bytes of quantum @slot kept in memory; the rest reads
   zeros */
static inline size_t qset_cap(const struct scull_dev *dev, const void *slot)
{
	return qset_is_small(slot) ? ksize(qset_addr(slot)) : dev->sb->quantum;
}

/* Items: where each is kept is an index_ref (item 0's in the device). */
void **qset_find(struct scull_dev *dev, uint64_t item, struct index_ref *r);
void **qset_next(struct scull_dev *dev, uint64_t *item, struct index_ref *r);
unsigned int qset_slots(const struct scull_dev *dev, void **qs);
void **qset_get(struct scull_dev *dev, uint64_t item, unsigned int last,
		struct index_ref *r);
void qset_put(struct scull_dev *dev, uint64_t item, struct index_ref *r);

/* Quanta. */
void *qset_quantum(struct scull_dev *dev, uint64_t pos);
int qset_room(struct scull_dev *dev, void **qs, unsigned int s,
	      struct index_ref *r, size_t byte, size_t n, uintptr_t tag);
int qset_make_whole(struct scull_dev *dev, void **qs, unsigned int s,
		    struct index_ref *r);

/* Ranges of quanta, numbered @qfirst..@qlast inclusive. */
void qset_drop(struct scull_dev *dev, uint64_t qfirst, uint64_t qlast);
void qset_clear(struct scull_dev *dev, uint64_t off, uint64_t end);
void qset_zero_part(struct scull_dev *dev, uint64_t pos, uint64_t len);
void qset_settle(struct scull_dev *dev, uint64_t qfirst, uint64_t qlast,
		 bool undo);
int qset_reserve(struct scull_dev *dev, uint64_t off, uint64_t end);
uint64_t qset_missing(struct scull_dev *dev, uint64_t qf, uint64_t ql,
		      uint64_t stop);

#endif /* SCULLCFS_QSET_H */
