/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cache.c - kmem_cache lifetime, walks and the public fast path */

/*
 * The cache layer, as Linux's mm/slab_common.c sits above mm/slub.c:
 * kmem_cache_create and kmem_cache_destroy, the list of live caches and
 * their ids, shrinking and reclaim, and kmem_cache_alloc and
 * kmem_cache_free themselves (what is read of a cache: stats.c).  A non-debug cache's objects come from the
 * calling thread's magazine (magazine.c) without a lock; a debug cache
 * (slab_debug=) has no magazines, and each of its allocations and frees
 * goes to the locked back end (slab.c) one object at a time.
 *
 * struct kmem_cache itself comes from the static bootstrap cache
 * "kmem_cache", which exists before any cache can be allocated and is
 * listed (and shown in slabinfo) like the rest.
 *
 * Locks (their order: enum lock_rank, src/lock.h): cache_set_lock, then
 * cache_mutex, then a cache's list_lock (slab.c).  Two locks guard the set
 * of caches so that a walk may call out without either being recursive:
 *
 *   cache_set_lock  held across the walks that call back into the world
 *                   (kmem_cache_for_each, cache_for_each, slabinfo's
 *                   find-and-tune), whose callbacks may allocate, shrink,
 *                   tune and read statistics: all of that takes
 *                   cache_mutex, never cache_set_lock.  A callback may not
 *                   create or destroy a cache, nor walk again.
 *   cache_mutex     slab_caches and the ids (changed with both locks held,
 *                   so either is enough to read them), and magazine.c's
 *                   thread lists, claims and tuning.  Reclaim takes it, so
 *                   nothing allocates while it is held (might_alloc);
 *                   creation allocates before taking either lock.
 *
 * A mutex, not an rwlock, serialises the walks as the one recursive
 * slab_mutex did: glibc tells an rwlock's writer by thread id, which
 * fork changes, so a child could not give back one held across fork.
 */

#include "internal.h"
#include "output.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mutex cache_set_lock =
	MUTEX_INITIALIZER("cache_set_lock", LOCK_RANK_CACHE_SET);
struct mutex cache_mutex = MUTEX_INITIALIZER("cache_mutex", LOCK_RANK_CACHE);

/* Every live cache, newest first; changed under cache_set_lock and
   cache_mutex, read under either */
static struct list_head slab_caches = LIST_HEAD_INIT(slab_caches);

/* The cache of struct kmem_cache (see above) */
static struct kmem_cache kmem_cache_boot;

static bool cache_ready;                     /* scullc_init has run */
static bool memcheck;                        /* a checker watches: valgrind
                                                (RUNNING_ON_VALGRIND, read
                                                once) or an ASan build; the
                                                fast paths skip telling it
                                                without */

#define SLAB_KNOWN_FLAGS (SLAB_DEBUG_FLAGS | SLAB_NO_REAP | \
			  SLAB_HWCACHE_ALIGN | SLAB_CACHE_DMA | SLAB_PANIC | \
			  SLAB_FAILSLAB)

/* ------------------------------------------------------------------ */
/* Allocation and free                                                 */

/*
 * Memcheck's and ASan's view of objects handed out and taken back, out of
 * line: the client requests' argument blocks would otherwise cost the fast
 * paths a stack frame even when not running under valgrind.
 */
static __attribute__((noinline, cold))
void memcheck_alloc(struct kmem_cache *s, void *obj, gfp_t gfp)
{
	obj_handed_out(obj, s->object_size, gfp & __GFP_ZERO);
	if (s->ctor)
		mem_defined(obj, s->object_size);
}

static __attribute__((noinline, cold))
void memcheck_free(struct kmem_cache *s, void *obj)
{
	obj_taken_back(obj, s->object_size);
}

/*
 * Set or clear @s's CACHE_GEN_SLOW: every call of a debug cache, and of
 * every cache while failslab is on or memcheck watches, goes to the slow
 * path, which checks each condition itself.  Before @s is published, or
 * under cache_mutex.
 */
static void update_slow(struct kmem_cache *s)
{
	bool slow = kmem_cache_debug(s) || memcheck ||
		    atomic_load_explicit(&failslab_enabled,
					 memory_order_relaxed);

	if (slow)
		atomic_fetch_or_explicit(&s->gen, CACHE_GEN_SLOW,
					 memory_order_relaxed);
	else
		atomic_fetch_and_explicit(&s->gen, ~CACHE_GEN_SLOW,
					  memory_order_relaxed);
}

/* failslab_set's notification: failslab turned on or off */
static void failslab_changed(void)
{
	struct list_head *pos;

	mutex_lock(&cache_mutex);
	list_for_each(pos, &slab_caches)
		update_slow(list_entry(pos, struct kmem_cache, list));
	mutex_unlock(&cache_mutex);
}

/*
 * Everything but a magazine hit: debug caches (one checked object at a
 * time through the back end), failslab, memcheck's client requests, a
 * refill, and the failure count.  Out of line, so that the hit path stays
 * a handful of instructions.
 */
__attribute__((noinline))
void *cache_alloc_slow(struct kmem_cache *s, gfp_t gfp, unsigned long caller)
{
	void *obj;

	might_alloc(gfp);
	if (unlikely(kmem_cache_debug(s)))
		return slab_alloc_nomag(s, gfp, caller);

	if (unlikely(atomic_load_explicit(&failslab_enabled,
					  memory_order_relaxed)) &&
	    should_failslab(s, s->object_size, gfp)) {
		obj = NULL;
	} else {
		obj = mag_alloc(s, gfp);
		if (likely(obj)) {
			if (unlikely(memcheck))
				memcheck_alloc(s, obj, gfp);
			if (gfp & __GFP_ZERO)
				memset(obj, 0, s->object_size);
			return obj;
		}
	}
	mutex_lock(&s->list_lock);
	s->alloc_failed++;
	mutex_unlock(&s->list_lock);
	errno = ENOMEM;
	return NULL;
}

/*
 * A free that is not a magazine hit.  Only a debug cache looks up the
 * object's slab to check it belongs to @s (SLUB's cache_from_obj does so
 * under SLAB_CONSISTENCY_CHECKS); any other cache takes the caller's word
 * for it, as the kernel does without debugging.
 */
__attribute__((noinline))
void cache_free_slow(struct kmem_cache *s, void *obj, unsigned long caller)
{
	struct page *slab;

	if (!obj)
		return;
	if (unlikely(kmem_cache_debug(s))) {
		slab = slab_owner(s, obj);
		if (!slab)
			return;
		if (unlikely(memcheck))
			memcheck_free(s, obj);
		slab_free_owned(s, slab, obj, caller);
		return;
	}
	if (unlikely(memcheck))
		memcheck_free(s, obj);
	mag_free(s, obj);
}

/*
 * The traced variants, out of line: the public functions test the
 * event's bit first and, when it is clear, run the same code as without
 * tracing (a tail call to the slow path included).  As the kernel's,
 * failed allocations are traced too (ptr 0).
 */
static __attribute__((noinline, cold))
void *alloc_traced(struct kmem_cache *s, gfp_t gfp, unsigned long caller)
{
	void *obj = cache_alloc(s, gfp, caller);

	trace_kmem_alloc(SCULLC_TRACE_KMEM_CACHE_ALLOC, caller, obj,
			 s->object_size, s->size, gfp);
	return obj;
}

static __attribute__((noinline, cold))
void free_traced(struct kmem_cache *s, void *obj, unsigned long caller)
{
	if (obj)
		trace_kmem_free(SCULLC_TRACE_KMEM_CACHE_FREE, caller, obj,
				s->name);
	cache_free(s, obj, caller);
}

/**
 * kmem_cache_alloc - take an object from @s
 * Served from the calling thread's magazine without a lock when it can be;
 * debug caches take the locked, checked path.  Returns NULL with errno
 * ENOMEM on failure.  Blocks only as @gfp allows.
 */
SCULLC_API void *kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp)
{
	if (trace_on(SCULLC_TRACE_KMEM_CACHE_ALLOC))
		return alloc_traced(s, gfp, _RET_IP_);
	return cache_alloc(s, gfp, _RET_IP_);
}

/** kmem_cache_zalloc - kmem_cache_alloc with __GFP_ZERO */
SCULLC_API void *kmem_cache_zalloc(struct kmem_cache *s, gfp_t gfp)
{
	if (trace_on(SCULLC_TRACE_KMEM_CACHE_ALLOC))
		return alloc_traced(s, gfp | __GFP_ZERO, _RET_IP_);
	return cache_alloc(s, gfp | __GFP_ZERO, _RET_IP_);
}

/**
 * kmem_cache_free - give @obj back to @s; NULL is ignored
 * With consistency checks on (slab_debug=F), an object of another cache,
 * or not from any slab, is reported and not freed; without, @obj is
 * trusted to be @s's.  Never blocks for memory.
 */
SCULLC_API void kmem_cache_free(struct kmem_cache *s, void *obj)
{
	if (trace_on(SCULLC_TRACE_KMEM_CACHE_FREE))
		return free_traced(s, obj, _RET_IP_);
	cache_free(s, obj, _RET_IP_);
}

/* ------------------------------------------------------------------ */
/* Creation and destruction                                            */

static void init_cache(struct kmem_cache *s)
{
	mutex_init(&s->list_lock, "list_lock", LOCK_RANK_LIST);
	depot_init(s);
	INIT_LIST_HEAD(&s->partial);
	INIT_LIST_HEAD(&s->full);
	INIT_LIST_HEAD(&s->free);
	INIT_LIST_HEAD(&s->thread_acs);
	INIT_LIST_HEAD(&s->list);
}

static bool valid_name(const char *name)
{
	size_t len;

	if (!name)
		return false;
	len = strnlen(name, KMEM_CACHE_NAME_MAX + 1);
	if (len == 0 || len > KMEM_CACHE_NAME_MAX)
		return false;
	for (; *name; name++)
		if (isspace((unsigned char)*name))
			return false;
	return true;
}

static struct kmem_cache *find_locked(const char *name)
{
	struct list_head *pos;

	lock_assert_held(&cache_mutex);
	list_for_each(pos, &slab_caches) {
		struct kmem_cache *s = list_entry(pos, struct kmem_cache, list);

		if (strcmp(s->name, name) == 0)
			return s;
	}
	return NULL;
}

/* The smallest id no live cache has.  Under cache_mutex. */
static unsigned int new_id(void)
{
	struct list_head *pos;
	unsigned int id = 0;
	bool used;

	lock_assert_held(&cache_mutex);
	do {
		used = false;
		list_for_each(pos, &slab_caches) {
			if (list_entry(pos, struct kmem_cache, list)->id == id) {
				used = true;
				id++;
				break;
			}
		}
	} while (used);
	return id;
}

struct kmem_cache *cache_create(const char *name, size_t size, size_t align,
				unsigned long flags, void (*ctor)(void *),
				void (*dtor)(void *))
{
	struct kmem_cache *s;
	int err;

	if (!valid_name(name) || size == 0 ||
	    size > (PAGE_SIZE << MAX_PAGE_ORDER) ||
	    (align & (align - 1)) || align > PAGE_SIZE ||
	    (flags & ~SLAB_KNOWN_FLAGS)) {
		errno = EINVAL;
		return NULL;
	}
	/* Allocated before the cache locks: page allocation may reclaim. */
	s = slab_alloc_nomag(&kmem_cache_boot, GFP_KERNEL,
			     (unsigned long)__builtin_return_address(0));
	if (!s)
		return NULL;
	memset(s, 0, sizeof(*s));
	init_cache(s);
	strcpy(s->name, name);
	s->object_size = (unsigned int)size;
	s->align = (unsigned int)align;
	s->created_flags = flags;
	s->flags = debug_cache_flags(name, flags);
	atomic_init(&s->failslab, s->flags & SLAB_FAILSLAB);
	s->flags &= ~SLAB_FAILSLAB;              /* the field says it */
	s->ctor = ctor;
	s->dtor = dtor;
	err = geo_calculate_sizes(s);
	if (err)
		goto out_free;
	mag_set_defaults(s);

	mutex_lock(&cache_set_lock);
	mutex_lock(&cache_mutex);
	if (find_locked(name)) {
		mutex_unlock(&cache_mutex);
		mutex_unlock(&cache_set_lock);
		err = -EEXIST;
		goto out_free;
	}
	update_slow(s);
	s->id = new_id();
	list_add(&s->list, &slab_caches);
	mutex_unlock(&cache_mutex);
	mutex_unlock(&cache_set_lock);
	return s;

out_free:
	mutex_destroy(&s->list_lock);
	slab_free_nomag(&kmem_cache_boot, s, 0);
	errno = -err;
	return NULL;
}

/**
 * kmem_cache_create_dtor - create a cache with a constructor and destructor
 * See slab.h.  Returns the cache, or NULL with errno EINVAL, EEXIST or
 * ENOMEM; with SLAB_PANIC a failure aborts.  May block.
 */
SCULLC_API struct kmem_cache *kmem_cache_create_dtor(const char *name,
		size_t size, size_t align, unsigned long flags,
		void (*ctor)(void *), void (*dtor)(void *))
{
	struct kmem_cache *s = cache_create(name, size, align, flags, ctor, dtor);

	if (!s && (flags & SLAB_PANIC)) {
		out_report("kmem_cache_create: Failed to create slab '%s'. "
			   "Error %d\n",
			name ? name : "(null)", -errno);
		abort();
	}
	return s;
}

/** kmem_cache_create - create a cache of @size-byte objects (see slab.h) */
SCULLC_API struct kmem_cache *kmem_cache_create(const char *name, size_t size,
		size_t align, unsigned long flags, void (*ctor)(void *))
{
	return kmem_cache_create_dtor(name, size, align, flags, ctor, NULL);
}

/**
 * kmem_cache_destroy - destroy @s, which no thread may be using
 * Returns 0 (also for NULL), or -EBUSY after naming every object still
 * allocated; the cache then stays listed and usable.  May block.
 */
SCULLC_API int kmem_cache_destroy(struct kmem_cache *s)
{
	if (!s)
		return 0;
	mag_drain_all(s);
	if (slab_shutdown(s))
		return -EBUSY;

	mutex_lock(&cache_set_lock);
	mutex_lock(&cache_mutex);
	list_del(&s->list);
	mutex_unlock(&cache_mutex);
	mutex_unlock(&cache_set_lock);

	mutex_destroy(&s->list_lock);
	slab_free_nomag(&kmem_cache_boot, s,
			(unsigned long)__builtin_return_address(0));
	return 0;
}

/* ------------------------------------------------------------------ */
/* Shrinking and reclaim                                               */

/*
 * Empty the magazines of @s that can be (this thread's, and those of the
 * idle threads claimed when @claimed) and the depot, freeing the depot's
 * magazines, then release every empty slab.  Busy threads are asked to
 * flush theirs at their next call.  Under cache_mutex.
 */
static unsigned long shrink(struct kmem_cache *s, bool *empty, bool claimed)
{
	lock_assert_held(&cache_mutex);
	atomic_fetch_add_explicit(&s->gen, CACHE_GEN_STEP, memory_order_relaxed);
	if (!kmem_cache_debug(s)) {
		mag_drain_self(s);
		if (claimed)
			mag_drain_idle(s);
		depot_drain(s);
	}
	return slab_shrink(s, empty);
}

/**
 * kmem_cache_shrink - release every empty slab of @s
 * Drains the calling thread's magazine and the depot first; other threads
 * flush theirs on their next call.  The pages released, and every other
 * free page the page allocator keeps resident for reuse, go back to the
 * operating system at once.  Returns 0 when no slab remains, else 1.
 */
SCULLC_API int kmem_cache_shrink(struct kmem_cache *s)
{
	bool empty, claimed;

	mutex_lock(&cache_mutex);
	claimed = mag_claim_idle();
	shrink(s, &empty, claimed);
	if (claimed)
		mag_unclaim();
	mutex_unlock(&cache_mutex);
	page_trim();
	return empty ? 0 : 1;
}

unsigned long cache_reclaim(void)
{
	struct list_head *pos;
	unsigned long pages = 0;
	bool claimed;

	mutex_lock(&cache_mutex);
	claimed = mag_claim_idle();
	list_for_each(pos, &slab_caches) {
		struct kmem_cache *s = list_entry(pos, struct kmem_cache, list);

		if (!(s->flags & SLAB_NO_REAP))
			pages += shrink(s, NULL, claimed);
	}
	if (claimed)
		mag_unclaim();
	mutex_unlock(&cache_mutex);
	return pages;
}

/* ------------------------------------------------------------------ */
/* Lookup and walks (their statistics: stats.c)                       */

/** kmem_cache_find - the live cache named @name, or NULL with errno ENOENT */
SCULLC_API struct kmem_cache *kmem_cache_find(const char *name)
{
	struct kmem_cache *s;

	if (!name) {
		errno = ENOENT;
		return NULL;
	}
	mutex_lock(&cache_mutex);
	s = find_locked(name);
	mutex_unlock(&cache_mutex);
	if (!s)
		errno = ENOENT;
	return s;
}

void cache_for_each_locked(void (*fn)(struct kmem_cache *s, void *arg),
			   void *arg)
{
	struct list_head *pos;

	lock_assert_held(&cache_mutex);
	list_for_each(pos, &slab_caches)
		fn(list_entry(pos, struct kmem_cache, list), arg);
}

void cache_for_each(void (*fn)(struct kmem_cache *s, void *arg),
		    void *arg)
{
	struct list_head *pos;

	mutex_lock(&cache_set_lock);
	list_for_each(pos, &slab_caches)
		fn(list_entry(pos, struct kmem_cache, list), arg);
	mutex_unlock(&cache_set_lock);
}

/**
 * kmem_cache_for_each - call @fn for every live cache, newest first
 * Holds cache_set_lock for the walk, so no cache comes or goes meanwhile;
 * @fn may call any other function of the library (allocate, shrink, tune,
 * read statistics), but not create or destroy a cache, nor walk again.  Returns the first nonzero value @fn returns, else 0.
 */
SCULLC_API int kmem_cache_for_each(int (*fn)(struct kmem_cache *, void *),
				   void *arg)
{
	struct list_head *pos;
	int ret = 0;

	mutex_lock(&cache_set_lock);
	list_for_each(pos, &slab_caches) {
		ret = fn(list_entry(pos, struct kmem_cache, list), arg);
		if (ret)
			break;
	}
	mutex_unlock(&cache_set_lock);
	return ret;
}

/*
 * cache_apply_debug - give the slab_debug= settings to every cache not used
 * yet: no slab, no per-thread cache and no magazine in the depot, so that
 * no object
 * exists in the old slot layout.  The kernel's slab_debug= is a boot option
 * and so reaches every cache; set after the library has loaded, it still
 * reaches the caches nothing has allocated from (the kmalloc caches of a
 * program that has not used them yet).  The caller sees to it that no
 * other thread allocates meanwhile.  Returns how many caches changed.
 */
unsigned int cache_apply_debug(void)
{
	struct list_head *pos;
	unsigned int changed = 0;

	mutex_lock(&cache_mutex);
	list_for_each(pos, &slab_caches) {
		struct kmem_cache *s = list_entry(pos, struct kmem_cache, list);
		unsigned long want = debug_cache_flags(s->name, s->created_flags);
		unsigned long had = s->flags;

		/* A changes no layout: it marks even a cache in use */
		if (want & SLAB_FAILSLAB)
			kmem_cache_set_failslab(s, 1);
		want &= ~SLAB_FAILSLAB;

		mutex_lock(s->depot.lock);
		mutex_lock(&s->list_lock);
		if (want != (had & ~__OBJECT_POISON) && !s->total_objects &&
		    list_empty(&s->thread_acs) && !s->depot.nr_empty) {
			s->flags = want;
			if (geo_calculate_sizes(s) == 0) {
				mag_set_defaults(s);
				update_slow(s);
				changed++;
			} else {                /* too big with debugging */
				s->flags = had & ~__OBJECT_POISON;
				geo_calculate_sizes(s);
			}
		}
		mutex_unlock(&s->list_lock);
		mutex_unlock(s->depot.lock);
	}
	mutex_unlock(&cache_mutex);
	return changed;
}

/**
 * slab_debug_setup - apply a slab_debug= option string (see slab.h)
 * Replaces the previous setting as a whole, for the caches created from
 * now on and for those nothing has allocated from yet.  Returns 0, or
 * -EINVAL (the setting is then kept).  May block briefly.
 */
SCULLC_API int slab_debug_setup(const char *str)
{
	int err = debug_set_config(str);

	if (err)
		return err;
	cache_apply_debug();
	return 0;
}

/* ------------------------------------------------------------------ */
/* Start-up                                                            */

/*
 * scullc_init - the library constructor: the page allocator, the debug
 * settings, the cache of caches and the shrinker, then the kmalloc caches
 * (the one call up from this layer: start-up order, as the kernel's
 * kmem_cache_init creates its kmalloc caches), and failslab only then, as
 * an injected failure while the kmalloc caches are made would be a panic.
 * Idempotent.
 */
__attribute__((constructor)) static void scullc_init(void)
{
	struct kmem_cache *s = &kmem_cache_boot;

	if (cache_ready)
		return;
	cache_ready = true;
	memcheck = RUNNING_ON_VALGRIND != 0 || SCULLC_ASAN;

	mag_init();
	page_alloc_init();
	debug_init_env();
	if (!slab_nr_cpus)
		slab_nr_cpus = os_nr_cpus();

	init_cache(s);
	strcpy(s->name, "kmem_cache");
	s->object_size = sizeof(struct kmem_cache);
	s->created_flags = SLAB_HWCACHE_ALIGN;
	s->flags = debug_cache_flags(s->name, SLAB_HWCACHE_ALIGN);
	atomic_init(&s->failslab, s->flags & SLAB_FAILSLAB);
	s->flags &= ~SLAB_FAILSLAB;
	if (geo_calculate_sizes(s))
		abort();
	mag_set_defaults(s);
	s->id = 0;
	update_slow(s);
	list_add(&s->list, &slab_caches);
	page_set_shrinker(cache_reclaim);

	kmalloc_init();
	failslab_set_notify(failslab_changed);
	failslab_init_env();
}

/**
 * kmem_cache_set_failslab - mark @s SLAB_FAILSLAB, or clear the mark, as
 * writing its sysfs failslab file does: while failslab's cache filter is
 * on, only marked caches can fail.  Takes effect at once.  Returns 0.
 * Never blocks; any thread.
 */
SCULLC_API int kmem_cache_set_failslab(struct kmem_cache *s, int on)
{
	atomic_store_explicit(&s->failslab, on != 0, memory_order_relaxed);
	return 0;
}

/* the scullc_ names of the functions above (libscullc(3), "Name clashes") */
SCULLC_ALIAS(kmem_cache_alloc);
SCULLC_ALIAS(kmem_cache_set_failslab);
SCULLC_ALIAS(kmem_cache_create);
SCULLC_ALIAS(kmem_cache_create_dtor);
SCULLC_ALIAS(kmem_cache_destroy);
SCULLC_ALIAS(kmem_cache_find);
SCULLC_ALIAS(kmem_cache_for_each);
SCULLC_ALIAS(kmem_cache_free);
SCULLC_ALIAS(kmem_cache_shrink);
SCULLC_ALIAS(kmem_cache_zalloc);
SCULLC_ALIAS(slab_debug_setup);
