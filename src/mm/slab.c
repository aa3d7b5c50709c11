/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* slab.c - the locked back end: slabs, their lists, refill and flush */

/*
 * A cache cuts slabs (blocks of 2^order pages from the page allocator) into
 * slots of s->size bytes laid out by geometry.c.  Each slab's free objects
 * form a singly linked list through their free pointers; the slab itself
 * sits on its cache's partial, full or free list according to how many
 * objects are in use.  This is the part of a cache that SLUB keeps in
 * mm/slub.c: every slab, list and counter here changes under the cache's
 * list_lock.  Only objects a caller holds alone are touched outside it:
 * a refill walks the free lists of the slabs it detached, and a flush
 * links its objects slab by slab, once the lock is dropped or before it
 * is taken, so that other threads do not wait on the lock for the cache
 * misses of reading and writing free pointers.
 *
 * Above it, depot.c keeps each cache's depot of magazines, magazine.c the
 * threads' magazines and cache.c the cache's lifetime and the public fast
 * path.  slab_refill and slab_flush move batches of objects between a
 * magazine and the slabs; slab_alloc_nomag and slab_free_owned move one
 * object, for debug
 * caches (which have no magazines: every allocation and free is checked by
 * debug.c) and for the magazines' own memory.  slab_shrink and
 * slab_shutdown give empty slabs back for cache.c's shrink and destroy.
 *
 * Constructors run when a slab is populated, destructors when it is
 * released, never on each allocation: freed objects stay constructed.
 *
 * Locks (their order: enum lock_rank, src/lock.h): each cache's list_lock,
 * inside cache.c's cache_mutex, outside the zone locks of page_alloc.c.
 * list_lock protects a cache's partial/full/free lists, every slab's
 * freelist and inuse and the counters.  Pages are never allocated
 * nor freed while it is held: slabs to release are unlinked under the lock
 * and given back after it is dropped, and a growing cache allocates its slab
 * unlocked and links it afterwards.
 */

#include "internal.h"
#include "output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

unsigned int slab_nr_cpus;                   /* nr_cpu_ids for geometry and
                                                tunables; a test may set it
                                                before creating caches */

/* ------------------------------------------------------------------ */
/* Slabs: allocation, population, release                              */

static unsigned int slab_pages(const struct page *slab)
{
	return 1u << slab->order;
}

/*
 * Allocate and populate a slab without any lock held.  The preferred order
 * is tried without retrying or warning, then the minimal one as the caller
 * asked.
 */
static struct page *new_slab(struct kmem_cache *s, gfp_t gfp)
{
	struct page *slab;
	unsigned int order = s->oo.order, objects = s->oo.objects, i;
	void *p, *next;

	gfp &= ~__GFP_ZERO;
	if (s->flags & SLAB_CACHE_DMA)
		gfp |= __GFP_DMA;

	slab = alloc_pages((gfp | __GFP_NORETRY | __GFP_NOWARN) &
			   ~__GFP_NOFAIL, order);
	if (!slab) {
		order = s->min.order;
		objects = s->min.objects;
		slab = alloc_pages(gfp, order);
		if (!slab) {
			errno = ENOMEM;
			return NULL;
		}
	}

	slab->flags |= PG_slab;
	slab->slab_cache = s;
	slab->objects = objects;
	slab->inuse = 0;

	if (kmem_cache_debug(s))
		debug_setup_slab(s, slab);
	if (s->ctor) {
		for (i = 0; i < objects; i++) {
			p = slab_object(s, slab, i);
			/* debug_setup_slab left it no-access */
			mem_undefined(p, s->object_size);
			s->ctor(p);
		}
	}

	/* Free objects are invisible to memcheck and ASan until handed out. */
	mem_noaccess(page_address(slab), PAGE_SIZE << order);

	next = NULL;
	for (i = objects; i-- > 0; ) {
		p = slab_object(s, slab, i);
		set_freepointer(s, p, next);
		next = p;
	}
	slab->freelist = next;
	return slab;
}

/* Give a slab unlinked from its cache back to the page allocator. */
static void discard(struct kmem_cache *s, struct page *slab)
{
	unsigned int i;
	void *p;

	if (s->dtor) {
		for (i = 0; i < slab->objects; i++) {
			p = slab_object(s, slab, i);
			mem_defined(p, s->object_size);
			s->dtor(p);
		}
	}
	mem_undefined(page_address(slab),
				    PAGE_SIZE << slab->order);
	slab->flags &= ~PG_slab;
	slab->slab_cache = NULL;
	slab->freelist = NULL;
	__free_pages(slab, slab->order);
}

/* Release every slab of @list (linked through lru); returns pages freed. */
static unsigned long discard_list(struct kmem_cache *s, struct list_head *list)
{
	struct list_head *pos, *tmp;
	unsigned long pages = 0;

	list_for_each_safe(pos, tmp, list) {
		struct page *slab = list_entry(pos, struct page, lru);

		list_del(&slab->lru);
		pages += slab_pages(slab);
		discard(s, slab);
	}
	return pages;
}

/* Which list a slab with @inuse objects in use belongs on */
enum slab_state { SLAB_STATE_FREE, SLAB_STATE_PARTIAL, SLAB_STATE_FULL };

static enum slab_state state_of(const struct page *slab, unsigned int inuse)
{
	if (inuse == 0)
		return SLAB_STATE_FREE;
	return inuse == slab->objects ? SLAB_STATE_FULL : SLAB_STATE_PARTIAL;
}

static unsigned long *state_count(struct kmem_cache *s, enum slab_state st)
{
	switch (st) {
	case SLAB_STATE_FREE:
		return &s->nr_free;
	case SLAB_STATE_PARTIAL:
		return &s->nr_partial;
	default:
		return &s->nr_full;
	}
}

static struct list_head *state_list(struct kmem_cache *s, enum slab_state st)
{
	switch (st) {
	case SLAB_STATE_FREE:
		return &s->free;
	case SLAB_STATE_PARTIAL:
		return &s->partial;
	default:
		return &s->full;
	}
}

/* Move @slab to the list its inuse says, having had @old_inuse.  Locked. */
static void relist(struct kmem_cache *s, struct page *slab,
		   unsigned int old_inuse)
{
	enum slab_state from = state_of(slab, old_inuse);
	enum slab_state to = state_of(slab, slab->inuse);

	lock_assert_held(&s->list_lock);
	if (from == to)
		return;
	(*state_count(s, from))--;
	(*state_count(s, to))++;
	list_move(&slab->lru, state_list(s, to));
}

/* Link a freshly grown slab into @s.  Locked. */
static void add_slab(struct kmem_cache *s, struct page *slab)
{
	lock_assert_held(&s->list_lock);
	list_add(&slab->lru, &s->free);
	s->nr_free++;
	s->total_objects += slab->objects;
	s->free_objects += slab->objects;
	s->nr_pages += slab_pages(slab);
	slab_stat(s, KMEM_ALLOC_SLAB);
	if (slab->order != s->oo.order)
		slab_stat(s, KMEM_ORDER_FALLBACK);
}

/* Unlink an empty slab from @s onto @release.  Locked. */
static void remove_slab(struct kmem_cache *s, struct page *slab,
			struct list_head *release)
{
	lock_assert_held(&s->list_lock);
	list_move(&slab->lru, release);
	s->nr_free--;
	s->total_objects -= slab->objects;
	s->free_objects -= slab->objects;
	s->nr_pages -= slab_pages(slab);
	slab_stat(s, KMEM_FREE_SLAB);
}

/* The slab to allocate from: a partial one, else an empty one.  Locked. */
static struct page *pick(struct kmem_cache *s)
{
	lock_assert_held(&s->list_lock);
	if (!list_empty(&s->partial))
		return list_first_entry(&s->partial, struct page, lru);
	if (!list_empty(&s->free))
		return list_first_entry(&s->free, struct page, lru);
	return NULL;
}

/* Pop the first free object of @slab.  Locked. */
static void *take(struct kmem_cache *s, struct page *slab)
{
	void *obj = slab->freelist;
	unsigned int old = slab->inuse;

	lock_assert_held(&s->list_lock);
	slab->freelist = get_freepointer(s, obj);
	slab->inuse++;
	s->free_objects--;
	relist(s, slab, old);
	return obj;
}

/*
 * Put the @nr objects @first ... @last back on their slab: a run already
 * linked through its free pointers, @last's to be set here.  An emptied
 * slab stays on the free list while at most min_partial are there, else
 * it moves to @release.  Locked.
 */
static void put_run(struct kmem_cache *s, struct page *slab, void *first,
		    void *last, unsigned int nr, struct list_head *release)
{
	unsigned int old = slab->inuse;

	lock_assert_held(&s->list_lock);
	set_freepointer(s, last, slab->freelist);
	slab->freelist = first;
	slab->inuse -= nr;
	s->free_objects += nr;
	relist(s, slab, old);
	if (old == slab->objects)
		slab_stat(s, KMEM_FREE_ADD_PARTIAL);
	if (slab->inuse == 0 && s->nr_free > s->min_partial) {
		slab_stat(s, KMEM_FREE_REMOVE_PARTIAL);
		remove_slab(s, slab, release);
	}
}

static void put(struct kmem_cache *s, struct page *slab, void *obj,
		struct list_head *release)
{
	put_run(s, slab, obj, obj, 1, release);
}

/* Unlink every empty slab onto @release.  Locked. */
static void release_empty(struct kmem_cache *s, struct list_head *release)
{
	lock_assert_held(&s->list_lock);
	while (!list_empty(&s->free))
		remove_slab(s, list_first_entry(&s->free, struct page, lru),
			    release);
}

/* ------------------------------------------------------------------ */
/* The locked layer under the magazines                                */

/*
 * Detach the whole free list of @slab: its objects are the caller's from
 * now on, to be walked after the lock is dropped.  Locked.
 */
static void *detach(struct kmem_cache *s, struct page *slab)
{
	void *head = slab->freelist;
	unsigned int old = slab->inuse;

	lock_assert_held(&s->list_lock);
	s->free_objects -= slab->objects - old;
	slab->freelist = NULL;
	slab->inuse = slab->objects;
	relist(s, slab, old);
	return head;
}

/* A detached free list waiting to be walked into objs[at, at + nr) */
struct detached {
	void *head;
	unsigned int at, nr;
};

#define REFILL_LISTS 16   /* per refill; slabs past them are walked locked */

/*
 * Take @nr objects for a magazine: free objects of partial and empty
 * slabs, growing the cache when there are none.  A slab
 * whose free objects all go to this refill is detached whole under the
 * lock and its free list walked after the lock is dropped: the walk reads
 * the free pointer in each object, a cache miss when another thread freed
 * it, and other threads should not wait on the lock for those misses.
 * Only a slab that gives part of its free objects is walked locked.
 */
unsigned int slab_refill(struct kmem_cache *s, void **objs, unsigned int nr,
			 gfp_t gfp)
{
	struct detached lists[REFILL_LISTS];
	unsigned int n = 0, i, k, nlists = 0;
	struct page *slab;

	mutex_lock(&s->list_lock);
	for (;;) {
		while (n < nr && (slab = pick(s))) {
			unsigned int free = slab->objects - slab->inuse;

			if (slab->inuse)
				slab_stat(s, KMEM_ALLOC_FROM_PARTIAL);
			if (n + free <= nr && nlists < REFILL_LISTS) {
				lists[nlists++] = (struct detached){
					detach(s, slab), n, free };
				n += free;
				continue;
			}
			while (n < nr && slab->freelist)
				objs[n++] = take(s, slab);
		}
		if (n)
			break;

		/* Nothing cached anywhere: grow, unlocked (it may reclaim). */
		mutex_unlock(&s->list_lock);
		slab = new_slab(s, gfp);
		mutex_lock(&s->list_lock);
		if (!slab) {
			mutex_unlock(&s->list_lock);
			errno = ENOMEM;
			return 0;
		}
		add_slab(s, slab);
	}
	slab_stat(s, KMEM_ALLOC_SLOWPATH);
	mutex_unlock(&s->list_lock);

	for (i = 0; i < nlists; i++) {
		void *obj = lists[i].head;

		for (k = 0; k < lists[i].nr; k++) {
			objs[lists[i].at + k] = obj;
			obj = get_freepointer(s, obj);
		}
	}
	/* Magazines pop from the top: hand slab objects out in address
	   order. */
	for (i = 0; i < n / 2; i++) {
		void *t = objs[i];

		objs[i] = objs[n - 1 - i];
		objs[n - 1 - i] = t;
	}
	return n;
}

void slab_flush(struct kmem_cache *s, void *const *objs, unsigned int nr,
		enum kmem_cache_event event)
{
	struct list_head release = LIST_HEAD_INIT(release);
	struct page *slab, *next;
	unsigned int i, end;

	/*
	 * Before taking the lock, link each run of objects of one slab
	 * through their free pointers and end it with NULL, so that under
	 * the lock a run costs one splice onto its slab's free list.
	 */
	slab = nr ? virt_to_head_page(objs[0]) : NULL;
	for (end = 1; end <= nr; end++, slab = next) {
		next = end < nr ? virt_to_head_page(objs[end]) : NULL;
		set_freepointer(s, objs[end - 1], next == slab ? objs[end] : NULL);
	}

	mutex_lock(&s->list_lock);
	for (i = 0; i < nr; i = end + 1) {
		for (end = i; get_freepointer(s, objs[end]); end++)
			;
		put_run(s, virt_to_head_page(objs[i]), objs[i], objs[end],
			end - i + 1, &release);
	}
	slab_stat(s, event);
	mutex_unlock(&s->list_lock);
	discard_list(s, &release);
}

void *slab_alloc_nomag(struct kmem_cache *s, gfp_t gfp, unsigned long caller)
{
	struct page *slab;
	void *obj;

	if (unlikely(atomic_load_explicit(&failslab_enabled,
					  memory_order_relaxed)) &&
	    should_failslab(s, s->object_size, gfp))
		goto fail;

	mutex_lock(&s->list_lock);
	for (;;) {
		slab = pick(s);
		if (!slab) {
			mutex_unlock(&s->list_lock);
			slab = new_slab(s, gfp);
			mutex_lock(&s->list_lock);
			if (!slab) {
				mutex_unlock(&s->list_lock);
				goto fail;
			}
			add_slab(s, slab);
			continue;
		}
		obj = slab->freelist;
		if (kmem_cache_debug(s) &&
		    !debug_alloc_checks(s, slab, obj, caller)) {
			/*
			 * The freelist cannot be trusted: as SLUB does, give
			 * up the rest of this slab (it counts as in use and
			 * is reported at destroy) and try another.
			 */
			unsigned int old = slab->inuse;

			s->free_objects -= slab->objects - slab->inuse;
			slab->inuse = slab->objects;
			slab->freelist = NULL;
			relist(s, slab, old);
			continue;
		}
		if (slab->inuse)
			slab_stat(s, KMEM_ALLOC_FROM_PARTIAL);
		obj = take(s, slab);
		break;
	}
	slab_stat(s, KMEM_ALLOC_SLOWPATH);
	mutex_unlock(&s->list_lock);

	obj_handed_out(obj, s->object_size, gfp & __GFP_ZERO);
	if (s->ctor)
		mem_defined(obj, s->object_size);
	if (gfp & __GFP_ZERO)
		memset(obj, 0, s->object_size);
	return obj;

fail:
	mutex_lock(&s->list_lock);
	s->alloc_failed++;
	mutex_unlock(&s->list_lock);
	errno = ENOMEM;
	return NULL;
}

/* Free @obj of @slab, known to belong to @s, through the lock. */
void slab_free_owned(struct kmem_cache *s, struct page *slab, void *obj,
		      unsigned long caller)
{
	struct list_head release = LIST_HEAD_INIT(release);

	mutex_lock(&s->list_lock);
	if (kmem_cache_debug(s) && !debug_free_checks(s, slab, obj, caller)) {
		mutex_unlock(&s->list_lock);
		return;
	}
	put(s, slab, obj, &release);
	slab_stat(s, KMEM_FREE_SLOWPATH);
	mutex_unlock(&s->list_lock);
	discard_list(s, &release);
}

void slab_free_nomag(struct kmem_cache *s, void *obj, unsigned long caller)
{
	struct page *slab;

	if (!obj)
		return;
	slab = slab_owner(s, obj);
	if (!slab)
		return;
	obj_taken_back(obj, s->object_size);
	slab_free_owned(s, slab, obj, caller);
}

struct kmem_cache *virt_to_cache(const void *obj)
{
	struct page *slab = virt_to_head_page(obj);

	if (!slab || !(slab->flags & PG_slab))
		return NULL;
	return slab->slab_cache;
}

/* ------------------------------------------------------------------ */
/* Shrinking and shutdown                                              */

unsigned long slab_shrink(struct kmem_cache *s, bool *empty)
{
	struct list_head release = LIST_HEAD_INIT(release);

	mutex_lock(&s->list_lock);
	release_empty(s, &release);
	s->shrinks++;
	if (empty)
		*empty = !s->nr_partial && !s->nr_full;
	mutex_unlock(&s->list_lock);
	return discard_list(s, &release);
}

/* Report every object of @s still allocated.  Locked. */
static void report_leaks(struct kmem_cache *s, struct list_head *list)
{
	unsigned long map[SLAB_MAP_LONGS];
	struct list_head *pos;
	unsigned int i;
	void *bad;

	lock_assert_held(&s->list_lock);
	list_for_each(pos, list) {
		struct page *slab = list_entry(pos, struct page, lru);

		geo_get_map(s, slab, map, NULL, &bad);
		for (i = 0; i < slab->objects; i++)
			if (!geo_map_test(map, i))
				debug_report_leak(s, slab,
						  slab_object(s, slab, i));
	}
}

bool slab_shutdown(struct kmem_cache *s)
{
	struct list_head release = LIST_HEAD_INIT(release);
	bool busy;

	mutex_lock(&s->list_lock);
	release_empty(s, &release);
	busy = s->nr_partial || s->nr_full;
	if (busy) {
		out_begin();
		out_printf("kmem_cache_destroy %s: Slab cache still has "
			   "objects\n", s->name);
		slab_bug(s, "Objects remaining in %s on __kmem_cache_shutdown()",
			 s->name);
		report_leaks(s, &s->partial);
		report_leaks(s, &s->full);
		out_end();
	}
	mutex_unlock(&s->list_lock);
	discard_list(s, &release);
	return busy;
}

/* ------------------------------------------------------------------ */
/* Validation                                                          */

/* inuse == objects - length of the free list, all of it in @slab. Locked. */
static int validate_freelist(struct kmem_cache *s, struct page *slab)
{
	unsigned long map[SLAB_MAP_LONGS];
	unsigned int n;
	void *bad;

	lock_assert_held(&s->list_lock);
	n = geo_get_map(s, slab, map, NULL, &bad);
	if (bad) {
		slab_err(s, geo_obj_index(s, slab, bad) < 0 ?
			 "Freechain corrupt: 0x%016lx" :
			 "Freechain loops at 0x%016lx", (unsigned long)bad);
		return 1;
	}
	if (n != slab->objects - slab->inuse) {
		slab_err(s, "Wrong number of objects. Found %u but should be %u",
			 n, slab->objects - slab->inuse);
		return 1;
	}
	return 0;
}

/* What validate_list adds up over a list's slabs */
struct list_sums {
	unsigned long nr, total, nfree, pages;
};

/*
 * Check one list's slabs and add up their objects.  Locked.  A debug
 * cache's slabs are walked by debug.c, which knows their red zones and
 * poison; the others get the free list check here.
 */
static int validate_list(struct kmem_cache *s, struct list_head *list,
			 enum slab_state st, struct list_sums *sum)
{
	struct list_head *pos;
	int errors = 0;

	lock_assert_held(&s->list_lock);
	list_for_each(pos, list) {
		struct page *slab = list_entry(pos, struct page, lru);

		sum->nr++;
		sum->total += slab->objects;
		sum->nfree += slab->objects - slab->inuse;
		sum->pages += slab_pages(slab);
		if (!(slab->flags & PG_slab) || slab->slab_cache != s) {
			slab_err(s, "Slab 0x%016lx on the lists is not ours",
				 (unsigned long)page_address(slab));
			errors++;
			continue;
		}
		if (slab->inuse > slab->objects ||
		    state_of(slab, slab->inuse) != st) {
			slab_err(s, "Slab 0x%016lx inuse %u of %u on the wrong list",
				 (unsigned long)page_address(slab),
				 slab->inuse, slab->objects);
			errors++;
		}
		if (kmem_cache_debug(s))
			errors += debug_validate_slab(s, slab);
		else
			errors += validate_freelist(s, slab);
	}
	return errors;
}

/**
 * kmem_cache_validate - check every slab of @s and its counters
 * Returns the number of errors found, each reported; 0 when sound.
 */
SCULLC_API int kmem_cache_validate(struct kmem_cache *s)
{
	struct list_sums p = { 0 }, f = { 0 }, e = { 0 };
	unsigned long total, nfree, pages;
	int errors = 0;

	mutex_lock(&s->list_lock);
	errors += validate_list(s, &s->partial, SLAB_STATE_PARTIAL, &p);
	errors += validate_list(s, &s->full, SLAB_STATE_FULL, &f);
	errors += validate_list(s, &s->free, SLAB_STATE_FREE, &e);
	total = p.total + f.total + e.total;
	nfree = p.nfree + f.nfree + e.nfree;
	pages = p.pages + f.pages + e.pages;
	/* total_objects == sum of objects; free_objects == sum of free;
	   nr_pages == sum of pages */
	if (p.nr != s->nr_partial || f.nr != s->nr_full ||
	    e.nr != s->nr_free || total != s->total_objects ||
	    nfree != s->free_objects || pages != s->nr_pages) {
		slab_err(s, "Counters partial %lu full %lu free %lu objects %lu/%lu pages %lu, lists say %lu %lu %lu %lu/%lu %lu",
			 s->nr_partial, s->nr_full, s->nr_free,
			 s->free_objects, s->total_objects, s->nr_pages,
			 p.nr, f.nr, e.nr, nfree, total, pages);
		errors++;
	}
	mutex_unlock(&s->list_lock);
	return errors;
}


/* ------------------------------------------------------------------ */
/* Owner tracking                                                      */

/**
 * kmem_cache_get_locations - allocated objects of @s by caller
 * Walks every slab under list_lock (as SLUB's list_locations does), so it
 * sees one consistent state; allocates nothing.  Returns the number of
 * locations in @loc, sorted by address, -ENOSPC when there are more than
 * @nr, or -EINVAL when @s has no SLAB_STORE_USER.
 */
SCULLC_API int kmem_cache_get_locations(struct kmem_cache *s, int free_calls,
					struct kmem_cache_location *loc,
					size_t nr)
{
	struct list_head *lists[] = { &s->partial, &s->full };
	enum track_item item = free_calls ? TRACK_FREE : TRACK_ALLOC;
	unsigned long map[SLAB_MAP_LONGS];
	struct list_head *pos;
	size_t n = 0;
	unsigned int l;
	int err = 0;
	void *bad;

	mutex_lock(&s->list_lock);
	if (!(s->flags & SLAB_STORE_USER))
		err = -EINVAL;
	for (l = 0; l < 2 && !err; l++) {
		list_for_each(pos, lists[l]) {
			struct page *slab = list_entry(pos, struct page, lru);

			geo_get_map(s, slab, map, NULL, &bad);
			err = debug_add_locations(s, slab, map, item, loc, nr,
						  &n);
			if (err)
				break;
		}
	}
	mutex_unlock(&s->list_lock);
	return err ? err : (int)n;
}

/* the scullc_ names of the functions above (libscullc(3), "Name clashes") */
SCULLC_ALIAS(kmem_cache_get_locations);
SCULLC_ALIAS(kmem_cache_validate);
