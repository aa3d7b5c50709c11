/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scull.c - a scull device: quanta in qsets, found through a radix tree */

/*
 * Design.  A device is LDD3's scullc layout: items, each a qset array of
 * up to `qset` quantum pointers (kmalloc), each quantum one object of the
 * mount's "scullc" cache.  Byte off is in item off / (quantum * qset), slot
 * (off / quantum) % qset, at byte off % quantum.  A quantum is allocated only
 * when written (or fallocated); NULL slots and missing items are holes that
 * read as zeros and cost nothing.  A qset array lives exactly as long as it
 * holds a quantum.
 *
 * LDD3 chains items in a list, so reaching item n walks n items.  Here item
 * 0 hangs off the device itself (dev->item0) and the items after it off a
 * radix tree keyed by item number: nodes of 64 slots (kzalloc), a leaf's
 * slots pointing at qset arrays, an inner node's at nodes; the tree is only
 * as tall as the largest item number needs (height h covers items below
 * 64^h) and grows a new root when a write goes past that.  Finding an item
 * costs O(h), h <= 11 for any 64-bit item number; finding the next present
 * item skips absent subtrees, so truncating or seeking through a sparse
 * 1e15-byte device costs only what is stored.  A leaf (and the device, for
 * item 0) also counts the quanta of each of its items, which tells in O(1)
 * when a qset array goes empty and when an item is full (SEEK_HOLE skips it).
 *
 * An item costs what it holds.  A file of up to quantum * qset bytes (2 MB
 * by default) has no index node at all.  A qset array has room for the
 * slots up to the highest one written, rounded up to a power of two (8
 * bytes for a quantum in slot 0, the whole `qset` only once a slot past
 * half of it is used), and is copied into a larger kmalloc block when a
 * write reaches past it.  A quantum whose data ends in the first half of
 * it is born *small*: a kmalloc block of the next power of two from 16
 * bytes up (tagged SMALL_TAG in its slot), so a 100-byte file holds one
 * 128-byte block, not a 4032-byte object; its bytes past the block read as
 * zeros.  A write reaching past a small quantum's block copies it into a
 * larger block, or into a "scullc" object once more than half a quantum
 * is needed; fallocate makes every quantum in its range a full one, since
 * what it reserves is the whole quantum.  Truncating down never moves
 * what stays (it never allocates); emptied arrays are freed as before.
 *
 *   dev->nr_quanta == dev->item0_quanta + sum over leaves, over slots, of
 *                     leaf->quanta[i]
 *   dev->nr_items  == (dev->item0 != NULL) + number of non-NULL leaf slots
 *   leaf->quanta[i] == non-NULL pointers in leaf->slot[i]  (> 0 when it exists)
 *   node->count    == non-NULL slots of node  (> 0: empty nodes are freed)
 *   the tree holds no item 0; a qset array's slots past qs_slots() are holes
 *   a small quantum's block is 16..quantum/2 bytes, a power of two
 *   every byte at or past dev->size inside an existing quantum is zero
 *
 * The last rule lets truncate-up and fallocate KEEP_SIZE leave quanta alone
 * and still read zeros when the device later grows over them.
 *
 * Memory.  Only write and allocate allocate, always with GFP_KERNEL; every
 * failure (quantum, a larger small quantum, qset array or index node) is
 * reported as -ENOSPC, since all of them come out of the same size-limited
 * page allocator and a user sees a full filesystem.  Nodes and qset arrays
 * made for an operation that then fails are freed before returning; a
 * block that was to replace a smaller one is simply not taken, the smaller
 * one and its data stay.  Freeing (truncate, punch, zero range, destroy)
 * never allocates, so it cannot fail.
 *
 * Holes in scull_read_iov point into one read-only zero area of
 * KMALLOC_MAX_SIZE bytes (the largest quantum), mapped once per process
 * PROT_READ: every page of it is the kernel's zero page, so it costs no
 * memory, a stray write into it faults, and a run of holes of up to 4 MiB
 * takes a single iovec.
 *
 * Lock order:
 *   1. scull_dev.lock       (pthread_rwlock_t, one per device)
 *   2. the allocator's locks (inside kmalloc, kmem_cache_alloc, kfree...)
 *   zero_lock is taken alone, by scull_sb_init only.
 *
 * scull_dev.lock protects size, nr_quanta, nr_items, item0 and the whole
 * tree: the nodes, the qset arrays and the quantum contents.  size and
 * nr_quanta are also stored atomically (set_size, set_quanta), so that
 * scull_dev_peek may read them without the lock, as the kernel's
 * i_size_read: stat never waits behind a long write or fallocate.  Reads
 * (scull_read, scull_read_iov under the caller's scull_read_lock, seeks,
 * info, for_each_item) take it shared, so readers run in parallel; every
 * change takes it exclusive, so a write is seen whole or not at all.
 * zero_lock serialises the first mapping of the zero area.
 */

#include "config.h"

#include "scull/scull.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <scullc/slab.h>

#define IDX_BITS       6
#define IDX_FANOUT     (1u << IDX_BITS)
#define IDX_MASK       ((uint64_t)IDX_FANOUT - 1)
#define IDX_MAX_LEVELS 11                /* 11 * 6 bits >= 64-bit item numbers */

_Static_assert(SCULL_QSET_MAX * sizeof(void *) <= KMALLOC_MAX_SIZE,
	       "a qset array must fit one kmalloc block");
#define ZERO_AREA_SIZE KMALLOC_MAX_SIZE  /* largest quantum */

/* A node of the item index; the tree's root is dev->index. */
struct scull_index {
	unsigned char shift;              /* item bits below: 0 at a leaf */
	unsigned char count;              /* non-NULL slots, 0..IDX_FANOUT */
	void *slot[IDX_FANOUT];           /* nodes; at a leaf, qset arrays */
	unsigned int quanta[IDX_FANOUT];  /* leaf: quanta in slot[i]'s qset */
};

/*
 * Tags in a quantum's slot (objects and kmalloc blocks are at least 8-byte
 * aligned, so the low bits are free): a quantum fallocate added, until the
 * whole range is in (see settle); a small quantum, a kmalloc block.
 */
#define NEW_TAG   ((uintptr_t)1)
#define SMALL_TAG ((uintptr_t)2)
#define SMALL_MIN 16                      /* bytes: the smallest block */

static pthread_mutex_t zero_lock = PTHREAD_MUTEX_INITIALIZER;
static void *zero_area;   /* protected by zero_lock; set once, read-only after */

/* set_size, set_quanta - change a counter scull_dev_peek reads bare;
   the write lock held */
static void set_size(struct scull_dev *dev, uint64_t size)
{
	__atomic_store_n(&dev->size, size, __ATOMIC_RELAXED);
}

static void set_quanta(struct scull_dev *dev, unsigned long n)
{
	__atomic_store_n(&dev->nr_quanta, n, __ATOMIC_RELAXED);
}

/* ---------------------------------------------------------- the index */

/* True when @item is below what the tree rooted at @n can hold. */
static bool fits(const struct scull_index *n, uint64_t item)
{
	unsigned int bits = n->shift + IDX_BITS;

	return bits >= 64 || (item >> bits) == 0;
}

static struct scull_index *new_node(unsigned int shift)
{
	struct scull_index *n = kzalloc(sizeof(*n), GFP_KERNEL);

	if (n)
		n->shift = shift;
	return n;
}

/* lookup - the leaf that holds @item's slot, or NULL: no allocation. */
static struct scull_index *lookup(const struct scull_dev *dev, uint64_t item)
{
	struct scull_index *n = dev->index;

	if (!n || !fits(n, item))
		return NULL;
	while (n && n->shift)
		n = n->slot[(item >> n->shift) & IDX_MASK];
	return n;
}

/*
 * lookup_next - the leaf of the first present item >= *@item, which is
 * stored back in *@item; NULL when there is none.  Absent subtrees are
 * skipped whole: the cost is O(h * 64) per call, whatever the gap.
 */
static struct scull_index *lookup_next(const struct scull_dev *dev,
				       uint64_t *item)
{
	uint64_t it = *item;
	struct scull_index *n;
	unsigned int i, want, bits;

restart:
	n = dev->index;
	if (!n || !fits(n, it))
		return NULL;
	for (;;) {
		want = (it >> n->shift) & IDX_MASK;
		for (i = want; i < IDX_FANOUT && !n->slot[i]; i++)
			;
		if (i == IDX_FANOUT) {
			/* Nothing left under n: retry from the next sibling. */
			bits = n->shift + IDX_BITS;
			if (bits >= 64 || (it >> bits) == (UINT64_MAX >> bits))
				return NULL;
			it = ((it >> bits) + 1) << bits;
			goto restart;
		}
		if (i != want)
			it = (((it >> n->shift) & ~IDX_MASK) | i) << n->shift;
		if (n->shift == 0) {
			*item = it;
			return n;
		}
		n = n->slot[i];
	}
}

/*
 * prune - free the empty nodes on @item's path, then drop root levels that
 * only hold slot 0.  Never allocates.
 */
static void prune(struct scull_dev *dev, uint64_t item)
{
	struct scull_index *path[IDX_MAX_LEVELS];
	unsigned int idx[IDX_MAX_LEVELS];
	struct scull_index *n = dev->index;
	int depth = 0;

	if (n && fits(n, item)) {
		while (n) {
			path[depth] = n;
			idx[depth] = (item >> n->shift) & IDX_MASK;
			depth++;
			if (n->shift == 0)
				break;
			n = n->slot[idx[depth - 1]];
		}
	}
	while (depth > 0 && path[depth - 1]->count == 0) {
		depth--;
		kfree(path[depth]);
		if (depth > 0) {
			path[depth - 1]->slot[idx[depth - 1]] = NULL;
			path[depth - 1]->count--;
		} else {
			dev->index = NULL;
		}
	}
	while ((n = dev->index) && n->shift && n->count == 1 && n->slot[0]) {
		dev->index = n->slot[0];
		kfree(n);
	}
}

/* make_leaf - the leaf for @item, making the nodes on its path; NULL: ENOMEM */
static struct scull_index *make_leaf(struct scull_dev *dev, uint64_t item)
{
	struct scull_index *n, *root;
	unsigned int i, shift = 0;

	if (!dev->index) {
		while (shift + IDX_BITS < 64 && (item >> (shift + IDX_BITS)))
			shift += IDX_BITS;
		dev->index = new_node(shift);
		if (!dev->index)
			return NULL;
	}
	while (!fits(dev->index, item)) {
		root = new_node(dev->index->shift + IDX_BITS);
		if (!root)
			goto fail;
		root->slot[0] = dev->index;
		root->count = 1;
		dev->index = root;
	}
	for (n = dev->index; n->shift; n = n->slot[i]) {
		i = (item >> n->shift) & IDX_MASK;
		if (!n->slot[i]) {
			n->slot[i] = new_node(n->shift - IDX_BITS);
			if (!n->slot[i])
				goto fail;
			n->count++;
		}
	}
	return n;
fail:
	prune(dev, item);
	return NULL;
}

/* ------------------------------------------------------------ items */

/*
 * Where an item is kept: the pointer to its qset array and its quanta
 * count, in dev (item 0) or in a leaf of the tree.  Valid until the tree
 * changes.
 */
struct item_ref {
	struct scull_index *leaf;         /* NULL for item 0 */
	void **slot;                      /* holds the qset array, or NULL */
	unsigned int *quanta;             /* quanta in it */
};

static void ref_leaf(struct item_ref *r, struct scull_index *leaf,
		     uint64_t item)
{
	r->leaf = leaf;
	r->slot = &leaf->slot[item & IDX_MASK];
	r->quanta = &leaf->quanta[item & IDX_MASK];
}

/* item_find - @item's qset array (NULL: absent), with where it is kept in
   *@r when its leaf exists (r->slot NULL otherwise); no allocation */
static void **item_find(struct scull_dev *dev, uint64_t item,
			struct item_ref *r)
{
	struct scull_index *leaf;

	if (item == 0) {
		r->leaf = NULL;
		r->slot = (void **)&dev->item0;
		r->quanta = &dev->item0_quanta;
		return dev->item0;
	}
	leaf = lookup(dev, item);
	if (!leaf) {
		r->slot = NULL;
		return NULL;
	}
	ref_leaf(r, leaf, item);
	return *r->slot;
}

/* item_next - the first present item >= *@item (stored back), its qset
   array returned and its place in *@r; NULL when there is none */
static void **item_next(struct scull_dev *dev, uint64_t *item,
			struct item_ref *r)
{
	struct scull_index *leaf;
	uint64_t it = *item;

	if (it == 0) {
		if (dev->item0)
			return item_find(dev, 0, r);
		it = 1;
	}
	leaf = lookup_next(dev, &it);
	if (!leaf)
		return NULL;
	*item = it;
	ref_leaf(r, leaf, it);
	return *r->slot;
}

/* qs_slots - the slots qset array @qs has room for; those past it are holes */
static unsigned int qs_slots(const struct scull_dev *dev, void **qs)
{
	size_t n = ksize(qs) / sizeof(void *);

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

/*
 * get_qset - @item's qset array with room for slot @last, made (with its
 * index path) if missing, copied into a larger one if too small.  Returns
 * it with where it is kept in *@r, or NULL: what it made is freed again,
 * a present array is left as it was.
 */
static void **get_qset(struct scull_dev *dev, uint64_t item,
		       unsigned int last, struct item_ref *r)
{
	void **qs = item_find(dev, item, r), **grown;
	unsigned int slots;

	if (qs) {
		slots = qs_slots(dev, qs);
		if (last < slots)
			return qs;
		grown = qs_new(dev, qs, slots, last);
		if (!grown)
			return NULL;
		kfree(qs);
		*r->slot = grown;
		return grown;
	}
	if (!r->slot) {
		struct scull_index *leaf = make_leaf(dev, item);

		if (!leaf)
			return NULL;
		ref_leaf(r, leaf, item);
	}
	qs = qs_new(dev, NULL, 0, last);
	if (!qs) {
		if (item)
			prune(dev, item);
		return NULL;
	}
	*r->slot = qs;
	*r->quanta = 0;
	if (r->leaf)
		r->leaf->count++;
	dev->nr_items++;
	return qs;
}

/* put_item - free @item's qset array if it holds no quantum; @r (and its
   leaf) may go */
static void put_item(struct scull_dev *dev, uint64_t item,
		     struct item_ref *r)
{
	if (r->slot && *r->slot && *r->quanta == 0) {
		kfree(*r->slot);
		*r->slot = NULL;
		if (r->leaf)
			r->leaf->count--;
		dev->nr_items--;
	}
	if (item)
		prune(dev, item);
}

/* ------------------------------------------------------------- quanta */

static inline char *qaddr(const void *slot)
{
	return (char *)((uintptr_t)slot & ~(NEW_TAG | SMALL_TAG));
}

static inline bool is_small(const void *slot)
{
	return (uintptr_t)slot & SMALL_TAG;
}

/* qcap - the bytes of quantum @slot kept in memory; the rest reads zeros */
static size_t qcap(const struct scull_dev *dev, const void *slot)
{
	return is_small(slot) ? ksize(qaddr(slot)) : dev->sb->quantum;
}

static void qfree(struct scull_dev *dev, void *slot)
{
	if (is_small(slot))
		kfree(qaddr(slot));
	else
		kmem_cache_free(dev->sb->cache, qaddr(slot));
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
		return q ? (void *)((uintptr_t)q | SMALL_TAG) : NULL;
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
	q = qaddr(n);
	memcpy(q, qaddr(*slot), cap);
	if (from > cap)
		memset(q + cap, 0, from - cap);
	if (need < cap)
		need = cap;
	memset(q + need, 0, ncap - need);
	kfree(qaddr(*slot));
	*slot = n;
	return 0;
}

/*
 * make_room - give slot @s of @qs (its item at *@r) a quantum that can
 * hold bytes [@byte, @byte+@n): a new one, its slot value tagged @tag, or
 * a small one grown.  Every byte of it outside that range reads zero.  A
 * reserve (@tag set) may be undone before any write fills the range, so a
 * small quantum it grows reads zero there too.  Returns 0, or -ENOMEM
 * leaving the slot as it was.
 */
static int make_room(struct scull_dev *dev, void **qs, unsigned int s,
		     struct item_ref *r, size_t byte, size_t n, uintptr_t tag)
{
	void *slot = qs[s];
	size_t cap;

	if (slot) {
		if (!is_small(slot) || byte + n <= (cap = qcap(dev, slot)))
			return 0;
		return qgrow(dev, &qs[s], cap, tag ? byte + n : byte,
			     byte + n, false);
	}
	slot = qalloc(dev, byte + n, false, &cap);
	if (!slot)
		return -ENOMEM;
	/* Keep "bytes past the size are zero" for the rest. */
	memset(qaddr(slot), 0, byte);
	memset(qaddr(slot) + byte + n, 0, cap - byte - n);
	qs[s] = (void *)((uintptr_t)slot | tag);
	(*r->quanta)++;
	set_quanta(dev, dev->nr_quanta + 1);
	return 0;
}

/* ---------------------------------------------------- quanta in ranges */

/* The slot value of the quantum holding byte @pos, or NULL for a hole. */
static void *find_quantum(struct scull_dev *dev, uint64_t pos)
{
	uint64_t qn = pos / dev->sb->quantum;
	uint64_t item = qn / dev->sb->qset;
	unsigned int s = qn % dev->sb->qset;
	struct item_ref r;
	void **qs = item_find(dev, item, &r);

	return qs && s < qs_slots(dev, qs) ? qs[s] : NULL;
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
	struct item_ref r;
	void **qs;

	while ((qs = item_next(dev, &item, &r)) && item <= last) {
		slots = qs_slots(dev, qs);
		lo = item == first ? qfirst % qset : 0;
		hi = item == last ? qlast % qset : qset - 1;
		if (hi >= slots)
			hi = slots - 1;
		for (s = lo; s <= hi && *r.quanta; s++) {
			if (!qs[s] || !doomed(&qs[s], arg))
				continue;
			qfree(dev, qs[s]);
			qs[s] = NULL;
			(*r.quanta)--;
			set_quanta(dev, dev->nr_quanta - 1);
		}
		if (!*r.quanta)
			put_item(dev, item, &r);
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

/* drop - free quanta number @qfirst..@qlast (inclusive) and emptied items. */
static void drop(struct scull_dev *dev, uint64_t qfirst, uint64_t qlast)
{
	sweep(dev, qfirst, qlast, every, false);
}

/* zero_part - zero [@pos, @pos+@len) inside one quantum, if it exists
   (past a small quantum's block it reads zeros already) */
static void zero_part(struct scull_dev *dev, uint64_t pos, uint64_t len)
{
	void *slot = find_quantum(dev, pos);
	size_t byte = pos % dev->sb->quantum, cap;

	if (!slot)
		return;
	cap = qcap(dev, slot);
	if (byte >= cap)
		return;
	if (len > cap - byte)
		len = cap - byte;
	memset(qaddr(slot) + byte, 0, len);
}

/* clear - make [@off, @end) read as zeros: free whole quanta, zero parts. */
static void clear(struct scull_dev *dev, uint64_t off, uint64_t end)
{
	uint64_t quantum = dev->sb->quantum;
	uint64_t qf = off / quantum, ql = (end - 1) / quantum;
	uint64_t wfirst = qf, wlast = ql, stop;

	if (off % quantum) {
		stop = (qf + 1) * quantum;
		zero_part(dev, off, (end < stop ? end : stop) - off);
		wfirst = qf + 1;
	}
	if (end % quantum && ql >= wfirst) {
		zero_part(dev, ql * quantum, end - ql * quantum);
		wlast = ql - 1;
	}
	if (wfirst <= wlast && wlast != UINT64_MAX)
		drop(dev, wfirst, wlast);
}

/* A quantum an allocate added is tagged until the allocate settles. */
static bool added(void **slot, bool undo)
{
	uintptr_t p = (uintptr_t)*slot;

	if (!(p & NEW_TAG))
		return false;
	if (undo)
		return true;
	*slot = (void *)(p & ~NEW_TAG);
	return false;
}

/*
 * settle - finish an allocate over quanta @qfirst..@qlast: keep the tagged
 * (new) quanta, untagging them, or on failure (@undo) free them and the
 * items they leave empty.
 */
static void settle(struct scull_dev *dev, uint64_t qfirst, uint64_t qlast,
		   bool undo)
{
	sweep(dev, qfirst, qlast, added, undo);
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
	unsigned int bits = IDX_BITS * IDX_MAX_LEVELS;

	if (bits >= 64 || item_size > ((uint64_t)INT64_MAX >> bits))
		return INT64_MAX;
	bytes = item_size << bits;
	return bytes < INT64_MAX ? bytes : INT64_MAX;
}

static int map_zero_area(void)
{
	void *p;
	int ret = 0;

	pthread_mutex_lock(&zero_lock);
	if (!zero_area) {
		p = mmap(NULL, ZERO_AREA_SIZE, PROT_READ,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p == MAP_FAILED)
			ret = -ENOMEM;
		else
			zero_area = p;
	}
	pthread_mutex_unlock(&zero_lock);
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
	int ret = pthread_rwlock_init(&dev->lock, NULL);

	if (ret)
		return -ret;
	dev->sb = sb;
	set_size(dev, 0);
	set_quanta(dev, 0);
	dev->nr_items = 0;
	dev->item0 = NULL;
	dev->item0_quanta = 0;
	dev->index = NULL;
	return 0;
}

/**
 * scull_dev_destroy - free every quantum, qset array and index node
 * No other thread may use @dev any more.  Never fails, never allocates.
 */
void scull_dev_destroy(struct scull_dev *dev)
{
	drop(dev, 0, UINT64_MAX - 1);
	assert(!dev->index && !dev->item0 && !dev->nr_quanta && !dev->nr_items);
	pthread_rwlock_destroy(&dev->lock);
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
	pthread_rwlock_rdlock(&dev->lock);
	do {
		got = scull_read_iov(dev, off + done, len - done, iov, 32, &nr);
		for (int i = 0; i < nr; i++) {
			memcpy(out, iov[i].iov_base, iov[i].iov_len);
			out += iov[i].iov_len;
		}
		done += got;
	} while (got && done < len);
	pthread_rwlock_unlock(&dev->lock);
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
	struct item_ref r;
	void **qs = NULL, *slot;
	struct iovec *v = NULL;
	size_t n, byte, cap;
	char *q;
	int nr = 0;

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
			qs = item_find(dev, item, &r);
			slots = qs ? qs_slots(dev, qs) : 0;
		}
		slot = s < slots ? qs[s] : NULL;
		q = NULL;
		if (slot) {
			/* a small quantum: its block, then zeros */
			cap = qcap(dev, slot);
			if (byte < cap) {
				q = qaddr(slot);
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
	pthread_rwlock_rdlock(&dev->lock);
}

void scull_read_unlock(struct scull_dev *dev)
{
	pthread_rwlock_unlock(&dev->lock);
}

/*
 * reserve - give every quantum [@off, @end) touches the room a write of
 * that range needs, so that the write cannot fail after: a missing one is
 * allocated (tagged NEW_TAG until all are in), a small one too short is
 * grown.  On failure the quanta it added, and the items they leave empty,
 * are freed; grown qset arrays and small quanta stay, holding what they
 * held.  The write lock held.  Returns 0 or -ENOSPC.
 */
static int reserve(struct scull_dev *dev, uint64_t off, uint64_t end)
{
	unsigned int quantum = dev->sb->quantum, qset = dev->sb->qset, s;
	uint64_t pos, qn, item, cur = UINT64_MAX;
	uint64_t qf = off / quantum, lastq = (end - 1) / quantum;
	struct item_ref r;
	void **qs = NULL;
	size_t byte, n;

	for (pos = off; pos < end; pos += n) {
		qn = pos / quantum;
		item = qn / qset;
		byte = pos % quantum;
		n = quantum - byte < end - pos ? quantum - byte : end - pos;
		s = qn % qset;
		if (item != cur) {
			qs = get_qset(dev, item, lastq / qset == item ?
				      (unsigned int)(lastq % qset) : qset - 1, &r);
			if (!qs)
				break;
			cur = item;
		}
		if (make_room(dev, qs, s, &r, byte, n, NEW_TAG)) {
			put_item(dev, item, &r);
			break;
		}
	}
	settle(dev, qf, lastq, pos < end);
	return pos < end ? -ENOSPC : 0;
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
	struct item_ref r;
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

	pthread_rwlock_wrlock(&dev->lock);
	if (src->whole && reserve(dev, off, end)) {
		pthread_rwlock_unlock(&dev->lock);
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
			qs = get_qset(dev, item, lastq / qset == item ?
				      (unsigned int)(lastq % qset) : qset - 1, &r);
			if (!qs)
				break;
			cur = item;
		}
		if (make_room(dev, qs, s, &r, byte, n, 0)) {
			put_item(dev, item, &r);
			break;
		}
		src_put(src, qaddr(qs[s]) + byte, n);
	}
	if (src->nr)
		src_flush(src);
	done = pos - off;
	assert(!src->whole || done == len);
	if (done && pos > dev->size)
		set_size(dev, pos);
	pthread_rwlock_unlock(&dev->lock);
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
	pthread_rwlock_wrlock(&dev->lock);
	if (size <= dev->size) {
		drop(dev, (size + quantum - 1) / quantum, UINT64_MAX - 1);
		if (size % quantum)
			zero_part(dev, size, quantum - size % quantum);
	}
	set_size(dev, size);
	pthread_rwlock_unlock(&dev->lock);
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
	pthread_rwlock_wrlock(&dev->lock);
	clear(dev, off, end);
	if (!keep_size && end > dev->size)
		set_size(dev, end);
	pthread_rwlock_unlock(&dev->lock);
	return 0;
}

/**
 * scull_allocate - fallocate mode 0: give every hole in [@off, @off+@len)
 * a zeroed quantum; the size grows to the range's end unless @keep_size.
 *
 * All or nothing: new quanta are tagged in their slots (NEW_TAG) until the
 * range is done; on failure exactly the tagged ones, and the items and
 * nodes left empty, are freed.  Small quanta in the range become whole
 * ones, holding the same data, and stay so on failure.  Returns
 * 0, -ENOSPC, -EINVAL (@len 0) or -EFBIG.  Takes the write lock; may block.
 */
/* missing - the "scullc" objects quanta @qf..@ql need (holes and small
   quanta), found item by item; the lock held.  Stops counting past @stop
   (the answer is then "too many"). */
static uint64_t missing(struct scull_dev *dev, uint64_t qf, uint64_t ql,
			uint64_t stop)
{
	unsigned int qset = dev->sb->qset;
	uint64_t item, first, last, n = 0, s, slots;
	struct item_ref r;
	void **qs;

	for (item = qf / qset; item <= ql / qset && n <= stop; item++) {
		first = item == qf / qset ? qf % qset : 0;
		last = item == ql / qset ? ql % qset : qset - 1;
		qs = item_find(dev, item, &r);
		if (!qs) {
			n += last - first + 1;
			continue;
		}
		slots = qs_slots(dev, qs);
		if (last >= slots) {
			n += last - (first > slots ? first : slots) + 1;
			last = slots - 1;
		}
		for (s = first; s <= last; s++)
			n += !qs[s] || is_small(qs[s]);
	}
	return n;
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

	scullc_meminfo(&mi);
	if (mi.limit == SIZE_MAX)
		return true;
	kmem_cache_get_stats(dev->sb->cache, &st);
	if (ql - qf + 1 > mi.limit / st.objsize)
		return false;
	free_objs = st.num_objs - st.active_objs + st.shared_avail;
	need = missing(dev, qf, ql, mi.limit / st.objsize);
	if (need <= free_objs)
		return true;
	slabs = (need - free_objs + st.objperslab - 1) / st.objperslab;
	items = (need + dev->sb->qset - 1) / dev->sb->qset;
	bytes = slabs * st.pagesperslab * PAGE_SIZE +
		items * (uint64_t)dev->sb->qset * sizeof(void *);
	return mi.used + mi.reserve <= mi.limit &&
	       bytes <= mi.limit - mi.used - mi.reserve;
}

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
	struct item_ref r;
	void **qs = NULL, *q;
	size_t cap;
	int ret = range(dev, off, len, &end);

	if (ret)
		return ret;
	qf = off / quantum;
	ql = (end - 1) / quantum;
	pthread_rwlock_wrlock(&dev->lock);
	if (!room_for(dev, qf, ql)) {
		pthread_rwlock_unlock(&dev->lock);
		return -ENOSPC;
	}
	for (qn = qf; qn <= ql; qn++) {
		item = qn / qset;
		s = qn % qset;
		if (item != cur) {
			qs = get_qset(dev, item, ql / qset == item ?
				      (unsigned int)(ql % qset) : qset - 1, &r);
			if (!qs)
				break;
			cur = item;
		}
		if (qs[s] && !is_small(qs[s]))
			continue;
		if (qs[s]) {
			cap = qcap(dev, qs[s]);
			if (qgrow(dev, &qs[s], cap, cap, cap, true))
				break;
			continue;
		}
		if (stop && ++added % STOP_EVERY == 0 &&
		    __atomic_load_n(stop, __ATOMIC_RELAXED)) {
			put_item(dev, item, &r);
			ret = -EINTR;
			break;
		}
		q = kmem_cache_zalloc(dev->sb->cache, GFP_KERNEL);
		if (!q) {
			put_item(dev, item, &r);
			break;
		}
		assert(((uintptr_t)q & (NEW_TAG | SMALL_TAG)) == 0);
		qs[s] = (void *)((uintptr_t)q | NEW_TAG);
		(*r.quanta)++;
		set_quanta(dev, dev->nr_quanta + 1);
	}
	if (qn <= ql) {
		if (qn > qf)
			settle(dev, qf, qn - 1, true);
		if (!ret)
			ret = -ENOSPC;
	} else {
		settle(dev, qf, ql, false);
		if (!keep_size && end > dev->size)
			set_size(dev, end);
	}
	pthread_rwlock_unlock(&dev->lock);
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
	struct item_ref r;
	void **qs;

	pthread_rwlock_rdlock(&dev->lock);
	if (off >= dev->size)
		goto out;
	s = qn % qset;
	while ((qs = item_next(dev, &item, &r)) &&
	       item <= (dev->size - 1) / (quantum * qset)) {
		if (item != want)
			s = 0;
		slots = qs_slots(dev, qs);
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
	pthread_rwlock_unlock(&dev->lock);
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
	struct item_ref r;
	void **qs;

	pthread_rwlock_rdlock(&dev->lock);
	if (off >= dev->size)
		goto out;
	ret = dev->size;
	for (s = qn % qset; item * qset * quantum < dev->size; item++, s = 0) {
		qs = item_find(dev, item, &r);
		if (qs && *r.quanta == qset)
			continue;
		slots = qs ? qs_slots(dev, qs) : 0;
		for (; s < slots && qs[s]; s++)
			;
		if (s < qset) {
			clamp(dev, (item * qset + s) * quantum, off, &ret);
			break;
		}
	}
out:
	pthread_rwlock_unlock(&dev->lock);
	return ret;
}

/* scull_dev_info - a consistent snapshot of @dev's counters (read lock). */
void scull_dev_info(struct scull_dev *dev, struct scull_dev_info *info)
{
	pthread_rwlock_rdlock(&dev->lock);
	info->size = dev->size;
	info->nr_quanta = dev->nr_quanta;
	info->nr_items = dev->nr_items;
	pthread_rwlock_unlock(&dev->lock);
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
	struct item_ref r;
	uint64_t item = 0;
	int ret = 0;

	pthread_rwlock_rdlock(&dev->lock);
	while (!ret && item_next(dev, &item, &r)) {
		ret = fn(item, *r.quanta, arg);
		if (item == UINT64_MAX)
			break;
		item++;
	}
	pthread_rwlock_unlock(&dev->lock);
	return ret;
}
