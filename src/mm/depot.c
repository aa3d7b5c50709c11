/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* depot.c - each cache's depot of full and empty magazines */

/*
 * The magazine layer of Bonwick and Adams (USENIX 2001), as the illumos
 * libumem has it: between the threads' magazines (magazine.c) and the
 * slabs (slab.c) each cache keeps a depot, two stacks of magazines, one of
 * full ones and one of empty ones.  A thread whose two magazines are both
 * empty trades one of them for a full one; a thread whose two are both
 * full trades one for an empty one.  A trade moves two pointers under the
 * depot's lock, whatever the magazine's size: the objects themselves are
 * not touched, nor is any slab.  Only when the depot has no full magazine
 * (an allocation) or no room for another (a free) does the thread go to
 * the slabs, a batch at a time, under list_lock.
 *
 * The depot holds at most `sharedfactor` full magazines (the cache's
 * tunable; the SLAB allocator's shared array held sharedfactor *
 * batchcount objects) and as many empty ones, and only magazines of the
 * cache's current `limit`: after a tuning, a thread's older magazines are
 * refused until it sets itself up again (magazine.c), so a full magazine
 * on the stack always holds mag_size objects.  Reclaim, kmem_cache_shrink,
 * tuning and kmem_cache_destroy drain it: the full magazines' objects go
 * back to their slabs and every magazine is freed.  The objects in it
 * count as active in slabinfo, as those in the SLAB allocator's shared
 * array did, and `sharedavail` is how many there are.
 *
 * Magazines, array_caches and the threads' slot arrays come from the
 * allocator kmalloc.c gives depot_set_array_alloc (kmalloc_nomag, which
 * never goes through a magazine, so making one cannot recurse).  Nothing
 * is allocated or freed with the depot's lock held: a trade that needs a
 * new empty magazine makes it first.
 *
 * Locks (their order: enum lock_rank, src/lock.h): the depot's lock is
 * inside cache_mutex and outside the cache's list_lock.  It protects the
 * two stacks, their counts, mag_size, max_full and the depot's event
 * counters.  It is one of DEPOT_LOCKS locks that the caches share, given
 * round-robin, rather than one per cache: fork holds every lock of the
 * library, and ThreadSanitizer lets a thread hold at most 64 at once,
 * which a list_lock and a depot lock for each of some 30 caches would
 * pass.  A trade holds it for a few stores, so caches sharing one hardly
 * meet; no two are ever held together but by fork.  A drain holds it while it flushes the full magazines into
 * the slabs (slab_flush takes list_lock), so that a reader who takes both
 * locks (kmem_cache_get_stats) sees every object either in the depot or
 * on its slab, never in between.
 */

#include "internal.h"

#include <assert.h>
#include <string.h>

/* Where the magazine layer's own memory comes from: set once by the
   library constructor before any cache has a magazine, read-only after */
static void *(*array_alloc)(size_t size, gfp_t gfp);
static void (*array_free)(const void *p);

void depot_set_array_alloc(void *(*alloc)(size_t, gfp_t),
			   void (*free)(const void *))
{
	array_alloc = alloc;
	array_free = free;
}

/* How the magazine layer's memory is asked for: not zeroed, never
   looping, silent, and from the Normal zone whatever zone the objects
   come from */
void *depot_array_alloc(size_t size, gfp_t gfp)
{
	return array_alloc(size, (gfp & ~(__GFP_ZERO | __GFP_NOFAIL |
					   __GFP_DMA)) | __GFP_NOWARN);
}

void depot_array_free(const void *p)
{
	array_free(p);
}

struct magazine *depot_new_magazine(unsigned int size, gfp_t gfp)
{
	size_t bytes = sizeof(struct magazine) + (size_t)size * sizeof(void *);
	struct magazine *m = depot_array_alloc(bytes, gfp);

	if (!m)
		return NULL;
	memset(m, 0, bytes);           /* empty rounds hold no pointers */
	m->size = size;
	return m;
}

void depot_free_magazine(struct magazine *m)
{
	if (m)
		array_free(m);
}

/* Free a stack of magazines linked through next */
static void free_stack(struct magazine *m)
{
	struct magazine *next;

	for (; m; m = next) {
		next = m->next;
		array_free(m);
	}
}

#define DEPOT_LOCKS 8
#define DEPOT_LOCK MUTEX_INITIALIZER("depot_lock", LOCK_RANK_DEPOT)
static struct mutex depot_locks[DEPOT_LOCKS] = {
	DEPOT_LOCK, DEPOT_LOCK, DEPOT_LOCK, DEPOT_LOCK,
	DEPOT_LOCK, DEPOT_LOCK, DEPOT_LOCK, DEPOT_LOCK,
};
static atomic_uint next_lock;            /* round-robin; relaxed */

void depot_init(struct kmem_cache *s)
{
	unsigned int i = atomic_fetch_add_explicit(&next_lock, 1,
						   memory_order_relaxed);

	s->depot.lock = &depot_locks[i % DEPOT_LOCKS];
}

/* Every depot lock, under cache_mutex (fork.c) */
void depot_fork_lock(void)
{
	unsigned int i;

	for (i = 0; i < DEPOT_LOCKS; i++)
		mutex_lock_nest(&depot_locks[i], &cache_mutex);
}

void depot_fork_unlock(void)
{
	unsigned int i;

	for (i = DEPOT_LOCKS; i-- > 0; )
		mutex_unlock(&depot_locks[i]);
}

/* ------------------------------------------------------------------ */
/* The stacks                                                          */

/* Push @m on @d's stack @stack, of @nr magazines.  Locked. */
static void push(struct depot *d, struct magazine **stack, unsigned int *nr,
		 struct magazine *m)
{
	lock_assert_held(d->lock);
	m->next = *stack;
	*stack = m;
	(*nr)++;
}

/* Pop the top of @d's stack @stack, which has one.  Locked. */
static struct magazine *pop(struct depot *d, struct magazine **stack,
			    unsigned int *nr)
{
	struct magazine *m = *stack;

	lock_assert_held(d->lock);
	*stack = m->next;
	m->next = NULL;
	(*nr)--;
	return m;
}

/* The depot takes magazine @m: the cache's current size.  Locked. */
static bool fits(struct depot *d, const struct magazine *m)
{
	lock_assert_held(d->lock);
	assert(d->nr_full <= d->max_full && d->nr_empty <= d->max_full);
	return m->size == d->mag_size;
}

/* Count event @item of the depot.  Locked. */
static void depot_stat(struct depot *d, enum kmem_cache_event item)
{
	lock_assert_held(d->lock);
	d->stat[item]++;
}

/* ------------------------------------------------------------------ */
/* Trades                                                              */

/**
 * depot_trade_empty - give the depot the empty magazine *@mag for a full
 * one, which *@mag then is.  False (and *@mag unchanged) when the depot
 * has none of its size.  Never blocks but on the depot's lock.
 */
bool depot_trade_empty(struct kmem_cache *s, struct magazine **mag)
{
	struct depot *d = &s->depot;
	struct magazine *full, *spare = NULL;

	mutex_lock(d->lock);
	if (!d->nr_full || !fits(d, *mag)) {
		mutex_unlock(d->lock);
		return false;
	}
	full = pop(d, &d->full, &d->nr_full);
	if (d->nr_empty < d->max_full)
		push(d, &d->empty, &d->nr_empty, *mag);
	else
		spare = *mag;
	/* an allocation served from the depot: a slow path, no slab */
	depot_stat(d, KMEM_ALLOC_SLOWPATH);
	depot_stat(d, KMEM_ALLOC_REFILL);
	mutex_unlock(d->lock);
	depot_free_magazine(spare);
	*mag = full;
	return true;
}

/**
 * depot_trade_full - give the depot the full magazine *@mag for an empty
 * one, which *@mag then is; one is made (without waiting, and not while
 * failslab is on) when the depot keeps none.  False (and *@mag unchanged) when the depot is full, does
 * not take magazines of that size, or no memory is at hand.
 */
bool depot_trade_full(struct kmem_cache *s, struct magazine **mag)
{
	struct depot *d = &s->depot;
	struct magazine *empty = NULL;

	for (;;) {
		mutex_lock(d->lock);
		if (d->nr_full >= d->max_full || !fits(d, *mag))
			break;
		if (!empty && d->nr_empty)
			empty = pop(d, &d->empty, &d->nr_empty);
		if (empty) {
			push(d, &d->full, &d->nr_full, *mag);
			/* a free served by the depot: a slow path, no slab */
			depot_stat(d, KMEM_FREE_SLOWPATH);
			depot_stat(d, KMEM_CPU_PARTIAL_FREE);
			mutex_unlock(d->lock);
			*mag = empty;
			return true;
		}
		mutex_unlock(d->lock);
		/* While failslab injects faults a free allocates nothing, so
		   that every allocation it fails is one the program made. */
		if (atomic_load_explicit(&failslab_enabled,
					 memory_order_relaxed))
			return false;
		/* Made unlocked; the depot may be full again by then. */
		empty = depot_new_magazine((*mag)->size, GFP_NOWAIT);
		if (!empty)
			return false;
	}
	mutex_unlock(d->lock);
	depot_free_magazine(empty);
	return false;
}

/**
 * depot_put_full - the depot keeps the full magazine @m if it has room for
 * it (true), else the caller still holds it (false).  For a thread that
 * exits: its objects go to the next thread that needs them.
 */
bool depot_put_full(struct kmem_cache *s, struct magazine *m)
{
	struct depot *d = &s->depot;
	bool taken;

	mutex_lock(d->lock);
	taken = d->nr_full < d->max_full && fits(d, m);
	if (taken)
		push(d, &d->full, &d->nr_full, m);
	mutex_unlock(d->lock);
	return taken;
}

/* ------------------------------------------------------------------ */
/* Draining and resizing                                               */

/*
 * Flush every full magazine into the slabs and take both stacks off the
 * depot; the caller frees them (*full, *empty) once the lock is dropped.
 * Returns the objects flushed.  Locked.
 */
static unsigned long drain_locked(struct kmem_cache *s,
				  struct magazine **full,
				  struct magazine **empty)
{
	struct depot *d = &s->depot;
	unsigned long n = 0;
	struct magazine *m;

	lock_assert_held(d->lock);
	for (m = d->full; m; m = m->next) {
		slab_flush(s, m->round, d->mag_size, KMEM_CPU_PARTIAL_DRAIN);
		n += d->mag_size;
	}
	/* sharedavail == nr_full * mag_size: both go to 0 at once */
	*full = d->full;
	*empty = d->empty;
	d->full = d->empty = NULL;
	d->nr_full = d->nr_empty = 0;
	return n;
}

/**
 * depot_drain - give every object in @s's depot back to its slab and free
 * every magazine the depot keeps.  Returns the objects given back.  For
 * reclaim, kmem_cache_shrink and kmem_cache_destroy; never allocates.
 */
unsigned long depot_drain(struct kmem_cache *s)
{
	struct magazine *full, *empty;
	unsigned long n;

	mutex_lock(s->depot.lock);
	n = drain_locked(s, &full, &empty);
	mutex_unlock(s->depot.lock);
	free_stack(full);
	free_stack(empty);
	return n;
}

/**
 * depot_resize - drain @s's depot and have it take, from now on, up to
 * @max_full magazines of @mag_size objects (tuning; 0 and 0: no depot).
 */
void depot_resize(struct kmem_cache *s, unsigned int mag_size,
		  unsigned int max_full)
{
	struct magazine *full, *empty;

	mutex_lock(s->depot.lock);
	drain_locked(s, &full, &empty);
	s->depot.mag_size = mag_size;
	s->depot.max_full = max_full;
	mutex_unlock(s->depot.lock);
	free_stack(full);
	free_stack(empty);
}

/**
 * depot_objects - the objects in @s's depot (slabinfo's sharedavail).
 * Locked: the caller may hold list_lock too, to read the slabs' counts
 * at the same moment.
 */
unsigned long depot_objects(struct kmem_cache *s)
{
	lock_assert_held(s->depot.lock);
	return (unsigned long)s->depot.nr_full * s->depot.mag_size;
}

/* Call @fn for every object in @s's depot.  Locked. */
void depot_walk(struct kmem_cache *s, void (*fn)(void *obj, void *arg),
		void *arg)
{
	struct magazine *m;
	unsigned int i;

	lock_assert_held(s->depot.lock);
	for (m = s->depot.full; m; m = m->next)
		for (i = 0; i < s->depot.mag_size; i++)
			fn(m->round[i], arg);
}

/* Add the depot's event counts to @ev[KMEM_NR_EVENTS] */
void depot_add_events(struct kmem_cache *s, unsigned long *ev)
{
	unsigned int i;

	mutex_lock(s->depot.lock);
	for (i = 0; i < KMEM_NR_EVENTS; i++)
		ev[i] += s->depot.stat[i];
	mutex_unlock(s->depot.lock);
}
