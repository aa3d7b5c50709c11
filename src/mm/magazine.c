/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* magazine.c - per-thread object caches (the SLAB allocator's array_cache) */

/*
 * Each thread keeps, for each cache it has used, an array_cache of two
 * magazines, Bonwick's loaded and previous ones, indexed by the cache's
 * small integer id in a __thread array.  kmem_cache_alloc pops
 * entry[--avail] of the loaded magazine and kmem_cache_free pushes, with
 * no lock and no atomic read-modify-write: the only shared state the fast
 * path reads is s->gen, with a relaxed load.  Those hit paths
 * (mag_pop_fast, mag_push_fast) are inline in fastpath.h, so that
 * kmem_cache_alloc, kmem_cache_free and kfree run them without a call;
 * what they miss comes here.
 *
 * An allocation that finds the loaded magazine empty swaps it with the
 * previous one if that is full; else it trades an empty one for a full
 * one with the cache's depot (depot.c), two pointer moves under the
 * depot's lock; else it refills the loaded magazine with `batchcount`
 * objects from the slabs (slab_refill).  A free that finds it full swaps
 * it with the previous one if that is empty; else trades a full one for
 * an empty one with the depot; else flushes its `batchcount` oldest
 * objects back to their slabs (slab_flush).  So a thread that allocates
 * and frees in batches larger than its magazines moves whole magazines,
 * and touches slabs only when the depot runs dry or over.
 *
 * No thread may touch another's magazines while that thread may be using
 * them.  Tuning, kmem_cache_shrink and reclaim bump s->gen and drain the
 * caller's own magazines (and the depot): every other thread notices the
 * new gen on its next call for that cache, flushes its magazines and sets
 * them up again with the current tunables.  kmem_cache_shrink and reclaim
 * also empty at once the magazines of every thread that is outside
 * magazine code, as the kernel drains per-cpu caches by IPI before it
 * gives up: each thread marks itself busy while inside (mag_enter, on
 * every fast path: two stores and a load, no fence), and a reclaimer
 * under cache_mutex claims every thread, runs one membarrier, and drains
 * those it saw idle before it lets them go; a thread that finds itself
 * claimed takes the locked path for that one call (the handshake is in
 * fastpath.h).  A thread busy at that moment keeps its magazines and
 * flushes them at its next call, as before; without membarrier (kernels
 * before 4.14, a fork child) every thread does.  Objects in magazines
 * count as active, as objects in per-cpu arrays did under the kernel's
 * SLAB.  A thread's exit (its own, from the pthread key destructor) and
 * kmem_cache_destroy, whose caller guarantees that nobody uses the cache
 * any more, also reach into magazines, under cache_mutex.
 *
 * Magazines, array_caches and the slot arrays come from depot.c's
 * depot_array_alloc (kmalloc_nomag, which never goes through a magazine,
 * so setting one up cannot recurse).  When one cannot be had, the
 * allocation or free takes the locked path for that one object.
 *
 * Locks (their order: enum lock_rank, src/lock.h): cache.c's cache_mutex,
 * then a cache's depot lock (depot.c), then its list_lock.  cache_mutex
 * protects every cache's thread_acs list, each array_cache's list and
 * slot, the owners' slot arrays while they are replaced or cleared by
 * another thread (destroy) - the owner reads its own slots without it -
 * and the list of threads with its claims: one reclaimer at a time.
 * list_lock protects the tunables' snapshot a thread takes when (re)setting
 * up its magazines.  Nothing allocates under cache_mutex: reclaim takes it
 * (might_alloc checks).
 */

#include "internal.h"

#include <string.h>

/* This thread's magazines by cache id (see fastpath.h) */
MAG_TLS struct mag_tls mag_tls;

/* Every thread with magazines (their mag_tls.self.list); protected by
   cache_mutex */
static struct list_head threads = LIST_HEAD_INIT(threads);
/* membarrier registered: set once by mag_init, before any thread exists
   that the library knows of, read-only afterwards */
static bool can_claim;

void mag_init(void)
{
	can_claim = os_membarrier_register();
}

static pthread_key_t exit_key;           /* its destructor retires mag_tls */
static pthread_once_t exit_key_once = PTHREAD_ONCE_INIT;

/* What the depot of a cache that fits a page may hold, at most: eight
   full magazines per CPU, but no more than DEPOT_BYTES of objects, and
   at least two magazines */
#define DEPOT_PER_CPU 8
#define DEPOT_BYTES   (512u << 10)

/*
 * The kernel SLAB's enable_cpucache limits by slot size; the depot as
 * above (none for objects larger than a page, as SLAB had no shared array
 * for them).  Before @s is published, or under its depot lock and
 * list_lock with nothing in its magazines (cache_apply_debug).
 */
void mag_set_defaults(struct kmem_cache *s)
{
	unsigned int limit, shared = 0;

	if (kmem_cache_debug(s)) {
		s->limit = s->batchcount = s->shared = 0;
		s->depot.mag_size = s->depot.max_full = 0;
		return;
	}
	if (s->size > 131072)
		limit = 1;
	else if (s->size > PAGE_SIZE)
		limit = 8;
	else if (s->size > 1024)
		limit = 24;
	else if (s->size > 256)
		limit = 54;
	else
		limit = 120;
	if (s->size <= PAGE_SIZE) {
		shared = MIN(DEPOT_PER_CPU * MAX(slab_nr_cpus, 1u),
			     DEPOT_BYTES / (limit * s->size));
		shared = MIN(MAX(shared, 2u), (unsigned int)KMEM_CACHE_SHARED_MAX);
	}
	s->limit = limit;
	s->batchcount = (limit + 1) / 2;
	s->shared = shared;
	s->depot.mag_size = limit;
	s->depot.max_full = shared;
}

/* ------------------------------------------------------------------ */
/* A thread's magazines                                                */

/* Flush the @n oldest objects of @ac's loaded magazine, counting @event,
   keep the rest, and clear the slots left behind, as mag_pop_fast does. */
static void flush(struct array_cache *ac, unsigned int n,
		  enum kmem_cache_event event)
{
	slab_flush(ac->cache, ac->entry, n, event);
	memmove(ac->entry, ac->entry + n, (ac->avail - n) * sizeof(void *));
	ac->avail -= n;
	memset(ac->entry + ac->avail, 0, n * sizeof(void *));
}

/* Drain both magazines of @ac into the slabs (a flush per magazine) */
static void empty_mags(struct array_cache *ac)
{
	if (ac->avail)
		flush(ac, ac->avail, KMEM_CPUSLAB_FLUSH);
	if (ac->prev_avail) {
		slab_flush(ac->cache, ac->prev->round, ac->prev_avail,
			   KMEM_CPUSLAB_FLUSH);
		memset(ac->prev->round, 0, ac->prev_avail * sizeof(void *));
		ac->prev_avail = 0;
	}
}

/* Exchange the loaded and the previous magazine */
static void swap_mags(struct array_cache *ac)
{
	struct magazine *m = ac->loaded;
	unsigned int n = ac->avail;

	ac->loaded = ac->prev;
	ac->avail = ac->prev_avail;
	ac->entry = ac->loaded->round;
	ac->prev = m;
	ac->prev_avail = n;
}

static void free_ac(struct array_cache *ac)
{
	if (!ac)
		return;
	depot_free_magazine(ac->loaded);
	depot_free_magazine(ac->prev);
	depot_array_free(ac);
}

/* A thread's array_cache of @s with two empty magazines of @limit */
static struct array_cache *new_ac(struct kmem_cache *s, unsigned int limit,
				  gfp_t gfp)
{
	struct array_cache *ac = depot_array_alloc(sizeof(*ac), gfp);

	if (!ac)
		return NULL;
	memset(ac, 0, sizeof(*ac));
	ac->loaded = depot_new_magazine(limit, gfp);
	ac->prev = depot_new_magazine(limit, gfp);
	if (!ac->loaded || !ac->prev) {
		free_ac(ac);
		return NULL;
	}
	ac->entry = ac->loaded->round;
	ac->limit = limit;
	ac->cache = s;
	INIT_LIST_HEAD(&ac->list);
	return ac;
}

static void thread_exit(void *unused);

static void make_exit_key(void)
{
	pthread_key_create(&exit_key, thread_exit);
}

/* Make room for @need slots in this thread's array. */
static int grow_slots(unsigned int need, gfp_t gfp)
{
	unsigned int n = MAX(need, MAX(2 * mag_tls.nr, 16u)), i;
	struct array_cache **na, **old;

	na = depot_array_alloc(n * sizeof(*na), gfp);
	if (!na)
		return -ENOMEM;
	memset(na, 0, n * sizeof(*na));

	mutex_lock(&cache_mutex);
	for (i = 0; i < mag_tls.nr; i++) {
		na[i] = mag_tls.slots[i];
		if (na[i])
			na[i]->slot = &na[i];
	}
	old = mag_tls.slots;
	mag_tls.slots = na;
	mag_tls.nr = n;
	if (!mag_tls.self.list.next)
		list_add(&mag_tls.self.list, &threads);
	mutex_unlock(&cache_mutex);

	depot_array_free(old);
	pthread_once(&exit_key_once, make_exit_key);
	pthread_setspecific(exit_key, (void *)1);
	return 0;
}

/*
 * Give @ac's objects back and free it, keeping its counts: its full
 * magazines to the depot when @to_depot and it has room (a thread that
 * exits: the next thread gets them whole), the rest to the slabs.  Under
 * cache_mutex.
 */
static void retire(struct array_cache *ac, bool to_depot)
{
	struct kmem_cache *s = ac->cache;

	lock_assert_held(&cache_mutex);
	if (to_depot && ac->avail == ac->limit &&
	    depot_put_full(s, ac->loaded)) {
		ac->loaded = NULL;
		ac->avail = 0;
	}
	if (to_depot && ac->prev_avail && depot_put_full(s, ac->prev)) {
		ac->prev = NULL;
		ac->prev_avail = 0;
	}
	empty_mags(ac);
	mutex_lock(&s->list_lock);
	s->exited_alloc_hit += ac->alloc_hit;
	s->exited_free_hit += ac->free_hit;
	mutex_unlock(&s->list_lock);
	list_del(&ac->list);
	*ac->slot = NULL;
	free_ac(ac);
}

static void thread_exit(void *unused)
{
	struct array_cache **old;
	unsigned int i;

	mutex_lock(&cache_mutex);
	for (i = 0; i < mag_tls.nr; i++)
		if (mag_tls.slots[i])
			retire(mag_tls.slots[i], true);
	old = mag_tls.slots;
	mag_tls.slots = NULL;
	mag_tls.nr = 0;
	mag_tls.exited = true;
	if (mag_tls.self.list.next) {
		list_del(&mag_tls.self.list);
		mag_tls.self.list.next = NULL;
	}
	mutex_unlock(&cache_mutex);
	depot_array_free(old);
}

/*
 * Set up this thread's magazines of @s (again) with the current tunables:
 * it has none, or their gen is stale.  The tunables and the gen they
 * belong to are read together under list_lock.  NULL when memory is short.
 */
static struct array_cache *set_up_mag(struct kmem_cache *s, gfp_t gfp)
{
	struct array_cache *ac, *na;
	unsigned int gen, limit, batchcount;

	mutex_lock(&s->list_lock);
	gen = atomic_load_explicit(&s->gen, memory_order_relaxed) &
	      ~CACHE_GEN_SLOW;
	limit = s->limit;
	batchcount = s->batchcount;
	mutex_unlock(&s->list_lock);

	if (s->id >= mag_tls.nr && grow_slots(s->id + 1, gfp))
		return NULL;
	ac = mag_tls.slots[s->id];
	if (ac && ac->gen == gen)
		return ac;

	if (ac)
		empty_mags(ac);
	if (ac && ac->limit == limit) {
		ac->batchcount = batchcount;
		ac->gen = gen;
		return ac;
	}

	na = new_ac(s, limit, gfp);
	if (!na) {
		if (!ac)
			return NULL;
		/* Keep the old size until the next gen bump retries; the
		   depot takes none of its magazines meanwhile. */
		ac->batchcount = MIN(batchcount, ac->limit);
		ac->gen = gen;
		return ac;
	}
	na->batchcount = batchcount;
	na->gen = gen;
	na->owner = &mag_tls.self;

	/* ac is still mag_tls.slots[s->id], and empty: only this thread
	   replaces it or fills it, and reclaim in new_ac could only
	   drain it. */
	mutex_lock(&cache_mutex);
	if (ac) {
		na->alloc_hit = ac->alloc_hit;
		na->alloc_miss = ac->alloc_miss;
		na->free_hit = ac->free_hit;
		na->free_miss = ac->free_miss;
		list_del(&ac->list);
	}
	list_add(&na->list, &s->thread_acs);
	na->slot = &mag_tls.slots[s->id];
	mag_tls.slots[s->id] = na;
	mutex_unlock(&cache_mutex);
	free_ac(ac);
	return na;
}

/*
 * This thread's magazines of @s, set up (again) when it has none or their
 * gen is stale.  Current ones are returned without a lock, as the fast
 * path uses them: their gen says that they were set up with the tunables
 * of now (a gen bumped since is noticed at the next call, as on the fast
 * path), so a refill or flush takes list_lock once, in slab.c, not twice.
 * NULL when memory is short, and in a thread whose magazines thread_exit
 * retired: another key's destructor that allocates after it would
 * otherwise set up magazines and link the thread again, and in the last
 * round of destructors nothing would retire them before its stack, the
 * list node, went away.
 */
static struct array_cache *get_mag(struct kmem_cache *s, gfp_t gfp)
{
	unsigned int gen = atomic_load_explicit(&s->gen, memory_order_relaxed) &
			   ~CACHE_GEN_SLOW;
	struct array_cache *ac;

	if (unlikely(mag_tls.exited))
		return NULL;
	ac = s->id < mag_tls.nr ? mag_tls.slots[s->id] : NULL;
	if (likely(ac && ac->gen == gen))
		return ac;
	return set_up_mag(s, gfp);
}

/* Pop the hottest object of @ac, which has one (see mag_pop_fast) */
static void *pop(struct array_cache *ac)
{
	void *obj = ac->entry[--ac->avail];

	ac->entry[ac->avail] = NULL;
	return obj;
}

/*
 * The loaded magazine is empty: the previous one if it is full, else a
 * full one from the depot for the empty previous one (Bonwick's order:
 * the loaded one, emptied last, becomes the previous), else a batch from
 * the slabs.
 */
static void *alloc_slow(struct kmem_cache *s, gfp_t gfp)
{
	struct array_cache *ac = get_mag(s, gfp);
	void *obj;

	if (!ac)
		return slab_refill(s, &obj, 1, gfp) ? obj : NULL;
	if (ac->avail) {
		mag_count(&ac->alloc_hit);
	} else if (ac->prev_avail) {
		swap_mags(ac);
		mag_count(&ac->alloc_hit);
	} else if (depot_trade_empty(s, &ac->prev)) {
		ac->prev_avail = ac->limit;
		swap_mags(ac);
		ac->alloc_miss++;
	} else {
		ac->avail = slab_refill(s, ac->entry, ac->batchcount, gfp);
		if (!ac->avail)
			return NULL;
		ac->alloc_miss++;
	}
	return pop(ac);
}

void *mag_alloc(struct kmem_cache *s, gfp_t gfp)
{
	unsigned int depth;
	void *obj;

	if (likely(mag_enter(&depth))) {
		obj = mag_pop_fast(s);
		if (!obj)
			obj = alloc_slow(s, gfp);
	} else if (!slab_refill(s, &obj, 1, gfp)) {
		obj = NULL;          /* claimed: keep off the magazine */
	}
	mag_leave(depth);
	return obj;
}

/*
 * The loaded magazine is full: the previous one if it is empty, else an
 * empty one from the depot for the full previous one, else a flush of the
 * loaded one's oldest batch to the slabs.
 */
static void free_slow(struct kmem_cache *s, void *obj)
{
	/* A free never waits for memory. */
	struct array_cache *ac = get_mag(s, GFP_NOWAIT);

	if (!ac) {
		slab_flush(s, &obj, 1, KMEM_FREE_SLOWPATH);
		return;
	}
	if (ac->avail < ac->limit) {
		mag_count(&ac->free_hit);
	} else if (!ac->prev_avail) {
		swap_mags(ac);
		mag_count(&ac->free_hit);
	} else if (depot_trade_full(s, &ac->prev)) {
		ac->prev_avail = 0;
		swap_mags(ac);
		ac->free_miss++;
	} else {
		flush(ac, MIN(ac->batchcount, ac->avail), KMEM_FREE_SLOWPATH);
		ac->free_miss++;
	}
	ac->entry[ac->avail++] = obj;
}

void mag_free(struct kmem_cache *s, void *obj)
{
	unsigned int depth;

	if (likely(mag_enter(&depth))) {
		if (unlikely(!mag_push_fast(s, obj)))
			free_slow(s, obj);
	} else {
		/* claimed */
		slab_flush(s, &obj, 1, KMEM_FREE_SLOWPATH);
	}
	mag_leave(depth);
}

void mag_drain_self(struct kmem_cache *s)
{
	struct array_cache *ac;
	unsigned int depth;

	if (mag_enter(&depth) && s->id < mag_tls.nr &&
	    (ac = mag_tls.slots[s->id]))
		empty_mags(ac);
	mag_leave(depth);
}

/* ------------------------------------------------------------------ */
/* Other threads' magazines                                            */

/* orphan_others - @s's magazines of threads other than this one lose their
   owner */
static void orphan_others(struct kmem_cache *s, void *arg)
{
	struct array_cache *ac;

	(void)arg;
	list_for_each_entry(ac, &s->thread_acs, list)
		if (ac->owner && ac->owner != &mag_tls.self)
			ac->owner = NULL;
}

/*
 * mag_fork_child - the child of a fork has one thread, this one.  The
 * others' list nodes lie in stacks the child no longer has (glibc gives
 * them to the child's new threads, zeroed), so the list must hold this
 * thread alone, and their magazines become orphans, which no claim
 * reaches and a shrink or destroy retires.  cache_mutex held.
 */
void mag_fork_child(void)
{
	bool linked = mag_tls.self.list.next != NULL;

	lock_assert_held(&cache_mutex);
	INIT_LIST_HEAD(&threads);
	if (linked)
		list_add(&mag_tls.self.list, &threads);
	cache_for_each_locked(orphan_others, NULL);
}

bool mag_claim_idle(void)
{
	struct mag_thread *t;

	lock_assert_held(&cache_mutex);
	if (!can_claim)
		return false;
	list_for_each_entry(t, &threads, list)
		if (t != &mag_tls.self)
			atomic_store_explicit(&t->claim, 1, MAG_STORE_ORDER);
	/* Orders each claimed thread's busy store before its claim load */
	if (!os_membarrier()) {
		mag_unclaim();
		return false;
	}
	list_for_each_entry(t, &threads, list) {
		if (t == &mag_tls.self)
			continue;
		/* acquire: pairs with mag_leave, so that the thread's last use
		   of its magazines happens before the drain */
		t->idle = atomic_load_explicit(&t->busy, MAG_LOAD_ORDER)
			  == 0;
		if (!t->idle)
			atomic_store_explicit(&t->claim, 0,
					      memory_order_release);
	}
	return true;
}

/* Another thread's magazine whose owner a claim saw idle.  cache_mutex. */
static bool owner_idle(const struct array_cache *ac)
{
	return ac->owner && ac->owner != &mag_tls.self && ac->owner->idle;
}

unsigned long mag_drain_idle(struct kmem_cache *s)
{
	struct array_cache *ac;
	unsigned long n = 0;

	lock_assert_held(&cache_mutex);
	list_for_each_entry(ac, &s->thread_acs, list) {
		if (!owner_idle(ac))
			continue;
		n += ac->avail + ac->prev_avail;
		empty_mags(ac);
	}
	return n;
}

/*
 * Reading needs what draining needs, no more: the owner is this thread,
 * or gone (an orphan), or claimed while idle, so that nobody writes
 * either magazine meanwhile.
 */
unsigned int mag_walk_idle(struct kmem_cache *s,
			   void (*fn)(void *obj, void *arg), void *arg)
{
	struct array_cache *ac;
	unsigned int unseen = 0, i;

	lock_assert_held(&cache_mutex);
	list_for_each_entry(ac, &s->thread_acs, list) {
		if (ac->owner && ac->owner != &mag_tls.self &&
		    !owner_idle(ac)) {
			unseen++;
			continue;
		}
		for (i = 0; i < ac->avail; i++)
			fn(ac->entry[i], arg);
		for (i = 0; i < ac->prev_avail; i++)
			fn(ac->prev->round[i], arg);
	}
	return unseen;
}

void mag_unclaim(void)
{
	struct mag_thread *t;

	lock_assert_held(&cache_mutex);
	list_for_each_entry(t, &threads, list) {
		if (t == &mag_tls.self)
			continue;
		t->idle = false;
		/* release: the drain happens before the owner's next
		   mag_enter sees no claim */
		atomic_store_explicit(&t->claim, 0, memory_order_release);
	}
}

void mag_drain_all(struct kmem_cache *s)
{
	mutex_lock(&cache_mutex);
	while (!list_empty(&s->thread_acs))
		retire(list_first_entry(&s->thread_acs, struct array_cache,
					list), false);
	mutex_unlock(&cache_mutex);
	depot_drain(s);
}

/**
 * kmem_cache_tune - set @s's magazine limit, batchcount and shared factor
 * Returns 0 or -EINVAL (bad values, or a debug cache, which has no
 * magazines).  Allocates nothing; may block on locks.
 */
SCULLC_API int kmem_cache_tune(struct kmem_cache *s, int limit, int batchcount,
			       int shared)
{
	if (limit < 1 || limit > KMEM_CACHE_LIMIT_MAX || batchcount < 1 ||
	    batchcount > limit || shared < 0 || shared > KMEM_CACHE_SHARED_MAX)
		return -EINVAL;
	if (kmem_cache_debug(s))
		return -EINVAL;
	return mag_tune(s, limit, batchcount, shared);
}

int mag_tune(struct kmem_cache *s, int limit, int batchcount, int shared)
{
	mutex_lock(&cache_mutex);
	mutex_lock(&s->list_lock);
	s->limit = (unsigned int)limit;
	s->batchcount = (unsigned int)batchcount;
	s->shared = (unsigned int)shared;
	atomic_fetch_add_explicit(&s->gen, CACHE_GEN_STEP, memory_order_relaxed);
	mutex_unlock(&s->list_lock);
	/* A magazine of the old size a thread trades before it sees the new
	   gen is drained here; after, the depot refuses it. */
	depot_resize(s, (unsigned int)limit, (unsigned int)shared);
	mutex_unlock(&cache_mutex);

	mag_drain_self(s);
	return 0;
}

void mag_sum_hits(struct kmem_cache *s, unsigned long *alloc_hit,
		  unsigned long *free_hit)
{
	struct list_head *pos;
	unsigned long a = 0, f = 0;

	mutex_lock(&cache_mutex);
	list_for_each(pos, &s->thread_acs) {
		struct array_cache *ac =
			list_entry(pos, struct array_cache, list);

		a += __atomic_load_n(&ac->alloc_hit, __ATOMIC_RELAXED);
		f += __atomic_load_n(&ac->free_hit, __ATOMIC_RELAXED);
	}
	mutex_lock(&s->list_lock);
	a += s->exited_alloc_hit;
	f += s->exited_free_hit;
	mutex_unlock(&s->list_lock);
	mutex_unlock(&cache_mutex);
	*alloc_hit = a;
	*free_hit = f;
}

/* the scullc_ names of the functions above (libscullc(3), "Name clashes") */
SCULLC_ALIAS(kmem_cache_tune);
