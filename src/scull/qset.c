/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qset.c - a scull device's items, qset arrays and quanta */

/*
 * Design.  Item 0's qset array hangs off the device itself (dev->item0,
 * its quanta counted in dev->item0_quanta), so a file of up to quantum *
 * qset bytes (2 MB by default) needs no index node; the items after it are
 * in dev->index (index.c), keyed by item number, each entry's aux word
 * counting the quanta of its qset array.  That count tells in O(1) when a
 * qset array goes empty and when an item is full (SEEK_HOLE skips it).
 * A qset array lives exactly as long as it holds a quantum.
 *
 * An item costs what it holds.  A qset array has room for the slots up to
 * the highest one written, rounded up to a power of two (8 bytes for a
 * quantum in slot 0, the whole `qset` only once a slot past half of it is
 * used), and is copied into a larger kmalloc block when a write reaches
 * past it.  A quantum whose data ends in the first half of it is born
 * *small*: a kmalloc block of the next power of two from SMALL_MIN bytes
 * up (tagged QSET_SMALL_TAG in its slot), so a 100-byte file holds one
 * 128-byte block, not a 4032-byte object; its bytes past the block read
 * as zeros.  A write reaching past a small quantum's block copies it into
 * a larger block, or into a "scullc" object once more than half a quantum
 * is needed; fallocate makes every quantum in its range a full one, since
 * what it reserves is the whole quantum.  Truncating down never moves
 * what stays (it never allocates).
 *
 *   dev->nr_quanta == dev->item0_quanta + sum of the index's aux words
 *   dev->held      == sum over quanta of qset_cap()
 *   dev->nr_items  == (dev->item0 != NULL) + keys in dev->index
 *   an item's quanta count == non-NULL slots of its qset array  (> 0)
 *   the index holds no item 0; a qset array's slots past qset_slots() are
 *   holes
 *   a small quantum's block is SMALL_MIN..quantum/2 bytes, a power of two
 *   every byte at or past dev->size inside an existing quantum is zero
 *
 * held is what st_blocks reports: the bytes of memory the file's data
 * is kept in, each quantum counted at its capacity (the kmalloc class of a
 * small one, `quantum` bytes for a "scullc" object, whose slot padding
 * belongs to the slab as a page's tail belongs to the page).  Like tmpfs,
 * which counts a file's data pages and not the xarray nodes that find
 * them, it leaves out the qset arrays and index nodes: they are the
 * filesystem's metadata, they show in slabinfo's kmalloc lines, and
 * counting them would make a sparse file's blocks depend on how far apart
 * its data lies rather than on how much of it there is.
 *
 * Every function here is "Locked." (qset.h): dev->lock is held by the
 * caller, so nothing here takes a lock of its own.  nr_quanta and held
 * are also stored atomically (set_quanta, add_held) for the bare reads of
 * scull_dev_peek and scull_dev_held.
 */

#include "config.h"

#include "scull/qset.h"

#include <assert.h>
#include <errno.h>
#include <string.h>

#include <scullc/slab.h>

#define SMALL_MIN 16                      /* bytes: the smallest block */

/* set_quanta - change the counter scull_dev_peek reads bare */
static void set_quanta(struct scull_dev *dev, unsigned long n)
{
	__atomic_store_n(&dev->nr_quanta, n, __ATOMIC_RELAXED);
}

/* add_held - change the bytes held by @delta (may be negative); a new
   quantum is counted in nr_quanta first, a freed one after */
static void add_held(struct scull_dev *dev, int64_t delta)
{
	uint64_t held = dev->held + (uint64_t)delta;

	/* no quantum holds more than a quantum: held <= quantum * nr_quanta */
	assert(held <= (uint64_t)dev->sb->quantum * dev->nr_quanta);
	__atomic_store_n(&dev->held, held, __ATOMIC_RELAXED);
}

/* ------------------------------------------------------------ items */

/* qset_find - @item's qset array, NULL when absent; where it is kept in
   *@r when present; no allocation */
void **qset_find(struct scull_dev *dev, uint64_t item, struct index_ref *r)
{
	lock_assert_held(&dev->lock);
	if (item == 0) {
		r->ptr = (void **)&dev->item0;
		r->aux = &dev->item0_quanta;
		return dev->item0;
	}
	return index_find(&dev->index, item, r);
}

/* qset_next - the first present item >= *@item (stored back), its qset
   array returned and its place in *@r; NULL when there is none */
void **qset_next(struct scull_dev *dev, uint64_t *item, struct index_ref *r)
{
	uint64_t it = *item;
	void **qs;

	lock_assert_held(&dev->lock);
	if (it == 0) {
		if (dev->item0)
			return qset_find(dev, 0, r);
		it = 1;
	}
	qs = index_next(&dev->index, &it, r);
	if (qs)
		*item = it;
	return qs;
}

/* qset_slots - the slots qset array @qs has room for; those past it are
   holes */
unsigned int qset_slots(const struct scull_dev *dev, void **qs)
{
	size_t n = ksize(qs) / sizeof(void *);

	lock_assert_held(&dev->lock);
	return n < dev->sb->qset ? (unsigned int)n : dev->sb->qset;
}

/* qs_new - a qset array with room for slot @last, holding @old's @slots
   slots (@old may be NULL) and holes after; NULL: ENOMEM */
static void **qs_new(const struct scull_dev *dev, void **old,
		     unsigned int slots, unsigned int last)
{
	unsigned int n = 1;
	void **qs;

	while (n <= last)
		n <<= 1;
	if (n > dev->sb->qset)
		n = dev->sb->qset;
	qs = kmalloc(n * sizeof(void *), GFP_KERNEL);
	if (!qs)
		return NULL;
	if (slots)
		memcpy(qs, old, slots * sizeof(void *));
	memset(qs + slots, 0, (n - slots) * sizeof(void *));
	return qs;
}

/* add_item - keep new qset array @qs as @item's, its place in *@r;
   -ENOMEM (an index node) keeping nothing */
static int add_item(struct scull_dev *dev, uint64_t item, void **qs,
		    struct index_ref *r)
{
	if (item) {
		if (index_insert(&dev->index, item, qs, r))
			return -ENOMEM;
	} else {
		dev->item0 = qs;
		dev->item0_quanta = 0;
		qset_find(dev, 0, r);
	}
	dev->nr_items++;
	return 0;
}

/**
 * qset_get - @item's qset array with room for slot @last
 * Made (with its index path) if missing, copied into a larger one if too
 * small.  Returns it with where it is kept in *@r, or NULL: what it made
 * is freed again, a present array is left as it was.
 */
void **qset_get(struct scull_dev *dev, uint64_t item, unsigned int last,
		struct index_ref *r)
{
	void **qs = qset_find(dev, item, r), **grown;
	unsigned int slots;

	lock_assert_held_write(&dev->lock);
	if (qs) {
		slots = qset_slots(dev, qs);
		if (last < slots)
			return qs;
		grown = qs_new(dev, qs, slots, last);
		if (!grown)
			return NULL;
		kfree(qs);
		*r->ptr = grown;
		return grown;
	}
	qs = qs_new(dev, NULL, 0, last);
	if (qs && add_item(dev, item, qs, r)) {
		kfree(qs);
		qs = NULL;
	}
	return qs;
}

/* qset_put - free @item's qset array (kept at @r) if it holds no quantum;
   @r is then stale */
void qset_put(struct scull_dev *dev, uint64_t item, struct index_ref *r)
{
	void **qs = *r->ptr;

	lock_assert_held_write(&dev->lock);
	if (!qs || *r->aux)
		return;
	if (item)
		index_remove(&dev->index, item);
	else
		dev->item0 = NULL;
	kfree(qs);
	dev->nr_items--;
}

/* ------------------------------------------------------------- quanta */

static void qfree(struct scull_dev *dev, void *slot)
{
	add_held(dev, -(int64_t)qset_cap(dev, slot));
	if (qset_is_small(slot))
		kfree(qset_addr(slot));
	else
		kmem_cache_free(dev->sb->cache, qset_addr(slot));
}

/*
 * qalloc - a quantum for data ending at byte @need: small when that fits
 * in half a quantum (@full forces a whole one).  Returns the tagged slot
 * value with its capacity in *@cap, or NULL; contents undefined.
 */
static void *qalloc(struct scull_dev *dev, size_t need, bool full,
		    size_t *cap)
{
	size_t s = SMALL_MIN;
	char *q;

	while (s < need)
		s <<= 1;
	if (!full && s <= dev->sb->quantum / 2) {
		q = kmalloc(s, GFP_KERNEL);
		*cap = s;
		return q ? (void *)((uintptr_t)q | QSET_SMALL_TAG) : NULL;
	}
	*cap = dev->sb->quantum;
	return kmem_cache_alloc(dev->sb->cache, GFP_KERNEL);
}

/*
 * qgrow - replace small quantum *@slot (holding @cap bytes) by one that
 * holds data up to @need (a whole one when @full), copying what it holds
 * and zeroing the rest but [@from, @need), which the caller fills.
 * Returns 0, or -ENOMEM leaving *@slot as it was.
 */
static int qgrow(struct scull_dev *dev, void **slot, size_t cap,
		 size_t from, size_t need, bool full)
{
	size_t ncap;
	void *n = qalloc(dev, need, full, &ncap);
	char *q;

	if (!n)
		return -ENOMEM;
	q = qset_addr(n);
	memcpy(q, qset_addr(*slot), cap);
	if (from > cap)
		memset(q + cap, 0, from - cap);
	if (need < cap)
		need = cap;
	memset(q + need, 0, ncap - need);
	kfree(qset_addr(*slot));
	*slot = n;
	add_held(dev, (int64_t)ncap - (int64_t)cap);
	return 0;
}

/* add_quantum - put new quantum @slot (tagged @tag), holding @cap bytes,
   in slot @s of @qs */
static void add_quantum(struct scull_dev *dev, void **qs, unsigned int s,
			struct index_ref *r, void *slot, uintptr_t tag,
			size_t cap)
{
	qs[s] = (void *)((uintptr_t)slot | tag);
	(*r->aux)++;
	set_quanta(dev, dev->nr_quanta + 1);
	add_held(dev, (int64_t)cap);
}

/**
 * qset_room - make slot @s of @qs (its item at *@r) a quantum that can
 * hold bytes [@byte, @byte+@n): a new one, its slot value tagged @tag, or
 * a small one grown.  Every byte of it outside that range reads zero.  A
 * reserve (@tag set) may be undone before any write fills the range, so a
 * small quantum it grows reads zero there too.  Returns 0, or -ENOMEM
 * leaving the slot as it was.
 */
int qset_room(struct scull_dev *dev, void **qs, unsigned int s,
	      struct index_ref *r, size_t byte, size_t n, uintptr_t tag)
{
	lock_assert_held_write(&dev->lock);
	void *slot = qs[s];
	size_t cap;

	if (slot) {
		if (!qset_is_small(slot) ||
		    byte + n <= (cap = qset_cap(dev, slot)))
			return 0;
		return qgrow(dev, &qs[s], cap, tag ? byte + n : byte,
			     byte + n, false);
	}
	slot = qalloc(dev, byte + n, false, &cap);
	if (!slot)
		return -ENOMEM;
	/* Keep "bytes past the size are zero" for the rest. */
	memset(qset_addr(slot), 0, byte);
	memset(qset_addr(slot) + byte + n, 0, cap - byte - n);
	add_quantum(dev, qs, s, r, slot, tag, cap);
	return 0;
}

/**
 * qset_make_whole - make slot @s of @qs (its item at *@r) a whole quantum,
 * as fallocate reserves it: a hole gets a zeroed "scullc" object tagged
 * QSET_NEW_TAG, a small quantum is copied into one.  Returns 0, or -ENOMEM
 * leaving the slot as it was.
 */
int qset_make_whole(struct scull_dev *dev, void **qs, unsigned int s,
		    struct index_ref *r)
{
	size_t cap;
	void *q;

	lock_assert_held_write(&dev->lock);
	if (qs[s] && !qset_is_small(qs[s]))
		return 0;
	if (qs[s]) {
		cap = qset_cap(dev, qs[s]);
		return qgrow(dev, &qs[s], cap, cap, cap, true);
	}
	q = kmem_cache_zalloc(dev->sb->cache, GFP_KERNEL);
	if (!q)
		return -ENOMEM;
	assert(((uintptr_t)q & (QSET_NEW_TAG | QSET_SMALL_TAG)) == 0);
	add_quantum(dev, qs, s, r, q, QSET_NEW_TAG, dev->sb->quantum);
	return 0;
}

/* ---------------------------------------------------- quanta in ranges */

/* qset_quantum - the slot value of the quantum holding byte @pos, or NULL
   for a hole */
void *qset_quantum(struct scull_dev *dev, uint64_t pos)
{
	uint64_t qn = pos / dev->sb->quantum;
	uint64_t item = qn / dev->sb->qset;
	unsigned int s = qn % dev->sb->qset;
	struct index_ref r;
	void **qs = qset_find(dev, item, &r);

	lock_assert_held(&dev->lock);
	return qs && s < qset_slots(dev, qs) ? qs[s] : NULL;
}

/*
 * sweep - walk the quanta numbered @qfirst..@qlast (inclusive) that exist,
 * free those @doomed picks (it may rewrite a slot it keeps), then free the
 * items left empty.
 */
static void sweep(struct scull_dev *dev, uint64_t qfirst, uint64_t qlast,
		  bool (*doomed)(void **slot, bool arg), bool arg)
{
	unsigned int qset = dev->sb->qset, s, lo, hi, slots;
	uint64_t first = qfirst / qset, last = qlast / qset, item = first;
	struct index_ref r;
	void **qs;

	while ((qs = qset_next(dev, &item, &r)) && item <= last) {
		slots = qset_slots(dev, qs);
		lo = item == first ? qfirst % qset : 0;
		hi = item == last ? qlast % qset : qset - 1;
		if (hi >= slots)
			hi = slots - 1;
		for (s = lo; s <= hi && *r.aux; s++) {
			if (!qs[s] || !doomed(&qs[s], arg))
				continue;
			qfree(dev, qs[s]);
			qs[s] = NULL;
			(*r.aux)--;
			set_quanta(dev, dev->nr_quanta - 1);
		}
		if (!*r.aux)
			qset_put(dev, item, &r);
		if (item == last)
			break;
		item++;
	}
}

static bool every(void **slot, bool unused)
{
	(void)slot;
	(void)unused;
	return true;
}

/* qset_drop - free quanta @qfirst..@qlast and the items they empty */
void qset_drop(struct scull_dev *dev, uint64_t qfirst, uint64_t qlast)
{
	lock_assert_held_write(&dev->lock);
	sweep(dev, qfirst, qlast, every, false);
}

/* qset_zero_part - zero [@pos, @pos+@len) inside one quantum, if it
   exists (past a small quantum's block it reads zeros already) */
void qset_zero_part(struct scull_dev *dev, uint64_t pos, uint64_t len)
{
	lock_assert_held_write(&dev->lock);
	void *slot = qset_quantum(dev, pos);
	size_t byte = pos % dev->sb->quantum, cap;

	if (!slot)
		return;
	cap = qset_cap(dev, slot);
	if (byte >= cap)
		return;
	if (len > cap - byte)
		len = cap - byte;
	memset(qset_addr(slot) + byte, 0, len);
}

/* qset_clear - make [@off, @end) read as zeros: free whole quanta, zero
   parts of the others */
void qset_clear(struct scull_dev *dev, uint64_t off, uint64_t end)
{
	uint64_t quantum = dev->sb->quantum;
	uint64_t qf = off / quantum, ql = (end - 1) / quantum;
	uint64_t wfirst = qf, wlast = ql, stop;

	lock_assert_held_write(&dev->lock);
	if (off % quantum) {
		stop = (qf + 1) * quantum;
		qset_zero_part(dev, off, (end < stop ? end : stop) - off);
		wfirst = qf + 1;
	}
	if (end % quantum && ql >= wfirst) {
		qset_zero_part(dev, ql * quantum, end - ql * quantum);
		wlast = ql - 1;
	}
	if (wfirst <= wlast && wlast != UINT64_MAX)
		qset_drop(dev, wfirst, wlast);
}

/* A quantum an allocate added is tagged until the allocate settles. */
static bool added(void **slot, bool undo)
{
	uintptr_t p = (uintptr_t)*slot;

	if (!(p & QSET_NEW_TAG))
		return false;
	if (undo)
		return true;
	*slot = (void *)(p & ~QSET_NEW_TAG);
	return false;
}

/*
 * qset_settle - finish an allocate over quanta @qfirst..@qlast: keep the
 * tagged (new) quanta, untagging them, or on failure (@undo) free them and
 * the items they leave empty.
 */
void qset_settle(struct scull_dev *dev, uint64_t qfirst, uint64_t qlast,
		 bool undo)
{
	lock_assert_held_write(&dev->lock);
	sweep(dev, qfirst, qlast, added, undo);
}

/*
 * qset_reserve - give every quantum [@off, @end) touches the room a write
 * of that range needs, so that the write cannot fail after: a missing one
 * is allocated (tagged QSET_NEW_TAG until all are in), a small one too
 * short is grown.  On failure the quanta it added, and the items they
 * leave empty, are freed; grown qset arrays and small quanta stay, holding
 * what they held.  Returns 0 or -ENOMEM.
 */
int qset_reserve(struct scull_dev *dev, uint64_t off, uint64_t end)
{
	unsigned int quantum = dev->sb->quantum, qset = dev->sb->qset, s;
	uint64_t pos, qn, item, cur = UINT64_MAX;
	uint64_t qf = off / quantum, lastq = (end - 1) / quantum;
	struct index_ref r;
	void **qs = NULL;
	size_t byte, n;

	lock_assert_held_write(&dev->lock);
	for (pos = off; pos < end; pos += n) {
		qn = pos / quantum;
		item = qn / qset;
		byte = pos % quantum;
		n = quantum - byte < end - pos ? quantum - byte : end - pos;
		s = qn % qset;
		if (item != cur) {
			qs = qset_get(dev, item, lastq / qset == item ?
				      (unsigned int)(lastq % qset) : qset - 1, &r);
			if (!qs)
				break;
			cur = item;
		}
		if (qset_room(dev, qs, s, &r, byte, n, QSET_NEW_TAG)) {
			qset_put(dev, item, &r);
			break;
		}
	}
	qset_settle(dev, qf, lastq, pos < end);
	return pos < end ? -ENOMEM : 0;
}

/* qset_missing - the "scullc" objects quanta @qf..@ql need (holes and small
   quanta), found item by item.  Stops counting past @stop
   (the answer is then "too many"). */
uint64_t qset_missing(struct scull_dev *dev, uint64_t qf, uint64_t ql,
		      uint64_t stop)
{
	unsigned int qset = dev->sb->qset;
	uint64_t item, first, last, n = 0, s, slots;
	struct index_ref r;
	void **qs;

	lock_assert_held(&dev->lock);
	for (item = qf / qset; item <= ql / qset && n <= stop; item++) {
		first = item == qf / qset ? qf % qset : 0;
		last = item == ql / qset ? ql % qset : qset - 1;
		qs = qset_find(dev, item, &r);
		if (!qs) {
			n += last - first + 1;
			continue;
		}
		slots = qset_slots(dev, qs);
		if (last >= slots) {
			n += last - (first > slots ? first : slots) + 1;
			last = slots - 1;
		}
		for (s = first; s <= last; s++)
			n += !qs[s] || qset_is_small(qs[s]);
	}
	return n;
}
