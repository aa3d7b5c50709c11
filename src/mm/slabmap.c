/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* slabmap.c - one look at every slab of a cache, its objects mapped */

/*
 * kmem_cache_get_slabs draws each slab of a cache as a map of its slots:
 * allocated, on the slab's free list, parked in a thread's magazine or
 * in the cache's shared array - what the kernel needs drgn or crash's
 * "kmem -S" to show.  The picture is of one moment.  The slab lists,
 * every free list and the shared array change only under list_lock,
 * which the walk holds throughout; magazines change without a lock, by
 * their owner, so the walk first claims every other thread as
 * kmem_cache_shrink does (magazine.c), and reads the magazines of those
 * the claim saw idle - a claimed thread takes the locked path meanwhile,
 * and so waits on list_lock - and of this thread.  A magazine whose
 * owner was inside the allocator cannot be read: its objects are off
 * their slabs' free lists, so they show as allocated, and the caller is
 * told how many such magazines there were.
 *
 * Nothing here allocates: cache_mutex is held (reclaim takes it), and
 * the caller gives every buffer.  A slab's record is found from one of
 * its objects by a binary search of the records sorted by address.
 *
 * Locks (their order: enum lock_rank, src/lock.h): cache_mutex for the
 * thread list and the claims, then the cache's list_lock.
 */

#include "internal.h"

#include <assert.h>
#include <string.h>

/* Fill the next record from @slab of list @list, if it fits.  Locked. */
static bool add(struct kmem_cache *s, struct kmem_cache_slabs *w,
		size_t *used, struct page *slab, int list)
{
	unsigned long map[SLAB_MAP_LONGS];
	struct kmem_cache_slab *r;
	unsigned int i;
	void *bad;

	lock_assert_held(&s->list_lock);
	if (w->shown == w->nr || w->nr_objs - *used < slab->objects)
		return false;
	r = &w->slab[w->shown++];
	memset(r, 0, sizeof(*r));
	r->addr = (unsigned long)page_address(slab);
	r->order = slab->order;
	r->objects = slab->objects;
	r->inuse = slab->inuse;
	r->list = list;
	r->map = w->map + *used;
	r->freelist = w->freelist + *used;
	*used += slab->objects;

	assert(slab->inuse <= slab->objects);
	r->listed = geo_get_map(s, slab, map, r->freelist, &bad);
	r->corrupt = bad != NULL || r->listed != slab->objects - slab->inuse;
	for (i = 0; i < slab->objects; i++)
		r->map[i] = geo_map_test(map, i) ? KMEM_OBJ_FREE :
						   KMEM_OBJ_INUSE;
	return true;
}

/* Records of @list's slabs while they fit; false once one did not */
static bool add_list(struct kmem_cache *s, struct kmem_cache_slabs *w,
		     size_t *used, struct list_head *head, int list)
{
	struct page *slab;

	list_for_each_entry(slab, head, lru)
		if (!add(s, w, used, slab, list))
			return false;
	return true;
}

/* Heap sort of the records by address: no allocation, O(n log n) */
static void sift(struct kmem_cache_slab *v, size_t root, size_t n)
{
	struct kmem_cache_slab t;
	size_t child;

	while ((child = 2 * root + 1) < n) {
		if (child + 1 < n && v[child + 1].addr > v[child].addr)
			child++;
		if (v[root].addr >= v[child].addr)
			return;
		t = v[root];
		v[root] = v[child];
		v[child] = t;
		root = child;
	}
}

static void sort_by_addr(struct kmem_cache_slab *v, size_t n)
{
	struct kmem_cache_slab t;
	size_t i;

	for (i = n / 2; i-- > 0; )
		sift(v, i, n);
	for (i = n; i-- > 1; ) {
		t = v[0];
		v[0] = v[i];
		v[i] = t;
		sift(v, 0, i);
	}
}

/* What mark() needs */
struct marking {
	struct kmem_cache *s;
	struct kmem_cache_slabs *w;
	char state;                  /* KMEM_OBJ_PARKED or _SHARED */
};

/* Mark free object @obj, out of its slab in a magazine or the shared
   array, if its slab is shown.  Locked. */
static void mark(void *obj, void *arg)
{
	struct marking *m = arg;
	struct page *slab = virt_to_head_page(obj);
	unsigned long addr = (unsigned long)page_address(slab);
	size_t lo = 0, hi = m->w->shown, mid;
	struct kmem_cache_slab *r;
	int i;

	lock_assert_held(&m->s->list_lock);
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (m->w->slab[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == m->w->shown || m->w->slab[lo].addr != addr)
		return;                     /* a slab left out */
	r = &m->w->slab[lo];
	i = geo_obj_index(m->s, slab, obj);
	if (i < 0 || r->map[i] != KMEM_OBJ_INUSE)
		return;                     /* not an object off the list */
	r->map[i] = m->state;
	if (m->state == KMEM_OBJ_PARKED)
		r->parked++;
	else
		r->shared++;
	/* objects off the list: users' + parked + shared == inuse */
	assert(r->parked + r->shared <= r->inuse);
}

/**
 * kmem_cache_get_slabs - every slab of @s and the state of each object
 * See slab.h.  Returns 0 or -EINVAL.  Takes cache_mutex, the depot lock
 * and list_lock; allocates nothing.
 */
SCULLC_API int kmem_cache_get_slabs(struct kmem_cache *s,
				    struct kmem_cache_slabs *w)
{
	struct marking m = { s, w, KMEM_OBJ_SHARED };
	size_t used = 0;
	bool claimed;

	if (!s || !w || (w->nr && !w->slab) ||
	    (w->nr_objs && (!w->map || !w->freelist)))
		return -EINVAL;
	w->shown = 0;
	mutex_lock(&cache_mutex);
	claimed = mag_claim_idle();
	mutex_lock(s->depot.lock);
	mutex_lock(&s->list_lock);
	w->slabs = s->nr_partial + s->nr_full + s->nr_free;
	if (add_list(s, w, &used, &s->partial, KMEM_SLAB_PARTIAL) &&
	    add_list(s, w, &used, &s->full, KMEM_SLAB_FULL))
		add_list(s, w, &used, &s->free, KMEM_SLAB_EMPTY);
	sort_by_addr(w->slab, w->shown);
	depot_walk(s, mark, &m);
	m.state = KMEM_OBJ_PARKED;
	w->unseen = mag_walk_idle(s, mark, &m);
	mutex_unlock(&s->list_lock);
	mutex_unlock(s->depot.lock);
	if (claimed)
		mag_unclaim();
	mutex_unlock(&cache_mutex);
	return 0;
}

/* the scullc_ name of the function above (libscullc(3), "Name clashes") */
SCULLC_ALIAS(kmem_cache_get_slabs);
