/* slab.c - kmem_cache: geometry, slabs, free lists, constructors */

/*
 * A cache cuts slabs (blocks of 2^order pages from the page allocator) into
 * slots of s->size bytes, with SLUB's geometry: the free pointer lives inside
 * a free object (or just after it when a ctor or poisoning owns the object's
 * bytes), and the slab order is the smallest that wastes at most 1/16 (then
 * 1/8, 1/4, 1/2) of the slab.  Each slab's free objects form a singly linked
 * list through their free pointers; the slab itself sits on its cache's
 * partial, full or free list according to how many objects are in use.
 *
 * Objects reach users through per-thread magazines (magazine.c); this file
 * is the locked layer under them: slab_refill and slab_flush move batches of
 * objects between a magazine and the slabs, via the cache's depot.  Caches
 * with debugging on (slab_debug=) have no magazines: every allocation and
 * free comes here, one object at a time, and is checked by debug.c.
 *
 * Constructors run when a slab is populated, destructors when it is
 * released, never on each allocation: freed objects stay constructed.
 *
 * Lock order:
 *   1. slab_mutex          (the list of caches, cache ids, every thread's
 *                           magazine list; recursive)
 *   2. cache->list_lock    (one cache's slab lists, counters and depot)
 *   3. zone->lock          (page allocator, page_alloc.c)
 *
 * slab_mutex protects slab_caches, the cache ids, each cache's thread_acs
 * and the owners' slots pointing at them, and serialises tuning.  It is
 * recursive so that slab_for_each_cache callbacks may call
 * kmem_cache_get_stats, and so that a caller holding it around an
 * allocation (slabinfo_write around kmem_cache_tune) survives the reclaim
 * that allocation may run: slab_reclaim takes it too.  Nothing here
 * allocates while holding it.
 *
 * list_lock protects a cache's partial/full/free lists, every slab's
 * freelist and inuse, the counters and the depot.  Pages are never allocated
 * nor freed while it is held: slabs to release are unlinked under the lock
 * and given back after it is dropped, and a growing cache allocates its slab
 * unlocked and links it afterwards.
 */

#include "internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

pthread_mutex_t slab_mutex;                  /* recursive; see above */
unsigned int slab_nr_cpus;                   /* nr_cpu_ids for geometry and
                                                tunables; a test may set it
                                                before creating caches */

/* Every live cache, newest first; protected by slab_mutex */
static struct list_head slab_caches = LIST_HEAD_INIT(slab_caches);

/* The cache of struct kmem_cache: static, as it must exist before any
   cache can be allocated, but listed (and shown in slabinfo) like the rest */
static struct kmem_cache kmem_cache_boot;

static bool slab_ready;                      /* slab_init has run */
static bool memcheck;                        /* RUNNING_ON_VALGRIND, read
                                                once: the fast paths skip
                                                client requests without it */

#define SLAB_KNOWN_FLAGS (SLAB_DEBUG_FLAGS | SLAB_NO_REAP | \
			  SLAB_HWCACHE_ALIGN | SLAB_CACHE_DMA | SLAB_PANIC)

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
			/* debug_setup_slab left it NOACCESS to memcheck */
			VALGRIND_MAKE_MEM_UNDEFINED(p, s->object_size);
			s->ctor(p);
		}
	}

	/* Free objects are invisible to memcheck until handed out. */
	VALGRIND_MAKE_MEM_NOACCESS(page_address(slab), PAGE_SIZE << order);

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
			VALGRIND_MAKE_MEM_DEFINED(p, s->object_size);
			s->dtor(p);
		}
	}
	VALGRIND_MAKE_MEM_UNDEFINED(page_address(slab),
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

	if (from == to)
		return;
	(*state_count(s, from))--;
	(*state_count(s, to))++;
	list_move(&slab->lru, state_list(s, to));
}

/* Link a freshly grown slab into @s.  Locked. */
static void add_slab(struct kmem_cache *s, struct page *slab)
{
	list_add(&slab->lru, &s->free);
	s->nr_free++;
	s->total_objects += slab->objects;
	s->free_objects += slab->objects;
	s->slabs_allocated++;
}

/* Unlink an empty slab from @s onto @release.  Locked. */
static void remove_slab(struct kmem_cache *s, struct page *slab,
			struct list_head *release)
{
	list_move(&slab->lru, release);
	s->nr_free--;
	s->total_objects -= slab->objects;
	s->free_objects -= slab->objects;
	s->slabs_freed++;
}

/* The slab to allocate from: a partial one, else an empty one.  Locked. */
static struct page *pick(struct kmem_cache *s)
{
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

	slab->freelist = get_freepointer(s, obj);
	slab->inuse++;
	s->free_objects--;
	relist(s, slab, old);
	return obj;
}

/*
 * Put @obj back on its slab.  An emptied slab stays on the free list while
 * at most min_partial are there, else it moves to @release.  Locked.
 */
static void put(struct kmem_cache *s, struct page *slab, void *obj,
		struct list_head *release)
{
	unsigned int old = slab->inuse;

	set_freepointer(s, obj, slab->freelist);
	slab->freelist = obj;
	slab->inuse--;
	s->free_objects++;
	relist(s, slab, old);
	if (slab->inuse == 0 && s->nr_free > s->min_partial)
		remove_slab(s, slab, release);
}

/* Empty the depot into the slabs.  Locked. */
static void drain_depot(struct kmem_cache *s, struct list_head *release)
{
	struct array_cache *d = s->depot;

	while (d && d->avail) {
		void *obj = d->entry[--d->avail];

		/* no stale copy left behind: see pop() in magazine.c */
		d->entry[d->avail] = NULL;
		put(s, virt_to_head_page(obj), obj, release);
	}
}

/* Unlink every empty slab onto @release.  Locked. */
static void release_empty(struct kmem_cache *s, struct list_head *release)
{
	while (!list_empty(&s->free))
		remove_slab(s, list_first_entry(&s->free, struct page, lru),
			    release);
}

/* ------------------------------------------------------------------ */
/* The locked layer under the magazines                                */

unsigned int slab_refill(struct kmem_cache *s, void **objs, unsigned int nr,
			 gfp_t gfp)
{
	struct array_cache *d;
	struct page *slab;
	unsigned int n = 0, i;

	pthread_mutex_lock(&s->list_lock);
	for (;;) {
		d = s->depot;
		while (d && d->avail && n < nr) {
			objs[n++] = d->entry[--d->avail];
			d->entry[d->avail] = NULL;  /* as in drain_depot */
		}
		while (n < nr && (slab = pick(s))) {
			while (n < nr && slab->freelist)
				objs[n++] = take(s, slab);
		}
		if (n)
			break;

		/* Nothing cached anywhere: grow, unlocked (it may reclaim). */
		pthread_mutex_unlock(&s->list_lock);
		slab = new_slab(s, gfp);
		pthread_mutex_lock(&s->list_lock);
		if (!slab) {
			pthread_mutex_unlock(&s->list_lock);
			errno = ENOMEM;
			return 0;
		}
		add_slab(s, slab);
	}
	s->alloc_slowpath++;
	pthread_mutex_unlock(&s->list_lock);

	/* Magazines pop from the top: hand slab objects out in address
	   order, after the depot's hottest ones. */
	for (i = 0; i < n / 2; i++) {
		void *t = objs[i];

		objs[i] = objs[n - 1 - i];
		objs[n - 1 - i] = t;
	}
	return n;
}

void slab_flush(struct kmem_cache *s, void *const *objs, unsigned int nr,
		bool freeing)
{
	struct list_head release = LIST_HEAD_INIT(release);
	struct array_cache *d;
	unsigned int i = 0;

	pthread_mutex_lock(&s->list_lock);
	d = s->depot;
	while (d && d->avail < d->limit && i < nr)
		d->entry[d->avail++] = objs[i++];
	for (; i < nr; i++)
		put(s, virt_to_head_page(objs[i]), objs[i], &release);
	if (freeing)
		s->free_slowpath++;
	pthread_mutex_unlock(&s->list_lock);
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

	pthread_mutex_lock(&s->list_lock);
	for (;;) {
		slab = pick(s);
		if (!slab) {
			pthread_mutex_unlock(&s->list_lock);
			slab = new_slab(s, gfp);
			pthread_mutex_lock(&s->list_lock);
			if (!slab) {
				pthread_mutex_unlock(&s->list_lock);
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
		obj = take(s, slab);
		break;
	}
	s->alloc_slowpath++;
	pthread_mutex_unlock(&s->list_lock);

	VALGRIND_MALLOCLIKE_BLOCK(obj, s->object_size, 0, gfp & __GFP_ZERO);
	if (s->ctor)
		VALGRIND_MAKE_MEM_DEFINED(obj, s->object_size);
	if (gfp & __GFP_ZERO)
		memset(obj, 0, s->object_size);
	return obj;

fail:
	pthread_mutex_lock(&s->list_lock);
	s->alloc_failed++;
	pthread_mutex_unlock(&s->list_lock);
	errno = ENOMEM;
	return NULL;
}

/* Free @obj of @slab, known to belong to @s, through the lock. */
static void free_locked(struct kmem_cache *s, struct page *slab, void *obj,
			unsigned long caller)
{
	struct list_head release = LIST_HEAD_INIT(release);

	pthread_mutex_lock(&s->list_lock);
	if (kmem_cache_debug(s) && !debug_free_checks(s, slab, obj, caller)) {
		pthread_mutex_unlock(&s->list_lock);
		return;
	}
	put(s, slab, obj, &release);
	s->free_slowpath++;
	pthread_mutex_unlock(&s->list_lock);
	discard_list(s, &release);
}

/* The slab of @obj if it belongs to @s, else NULL after a report. */
/*
 * Memcheck's view of objects handed out and taken back, out of line: the
 * client requests' argument blocks would otherwise cost the fast paths a
 * stack frame even when not running under valgrind.
 */
static __attribute__((noinline, cold))
void memcheck_alloc(struct kmem_cache *s, void *obj, gfp_t gfp)
{
	VALGRIND_MALLOCLIKE_BLOCK(obj, s->object_size, 0, gfp & __GFP_ZERO);
	if (s->ctor)
		VALGRIND_MAKE_MEM_DEFINED(obj, s->object_size);
}

static __attribute__((noinline, cold)) void memcheck_free(void *obj)
{
	VALGRIND_FREELIKE_BLOCK(obj, 0);
}

static inline struct page *owner_slab(struct kmem_cache *s, const void *obj)
{
	struct page *slab = virt_to_head_page(obj);

	if (unlikely(!slab || !(slab->flags & PG_slab))) {
		debug_report_invalid_free(s, obj);
		return NULL;
	}
	if (unlikely(slab->slab_cache != s)) {
		debug_report_wrong_cache(s, obj, slab->slab_cache);
		return NULL;
	}
	return slab;
}

void slab_free_nomag(struct kmem_cache *s, void *obj, unsigned long caller)
{
	struct page *slab;

	if (!obj)
		return;
	slab = owner_slab(s, obj);
	if (!slab)
		return;
	VALGRIND_FREELIKE_BLOCK(obj, 0);
	free_locked(s, slab, obj, caller);
}

struct kmem_cache *virt_to_cache(const void *obj)
{
	struct page *slab = virt_to_head_page(obj);

	if (!slab || !(slab->flags & PG_slab))
		return NULL;
	return slab->slab_cache;
}

/* ------------------------------------------------------------------ */
/* Allocation and free                                                 */

/*
 * The allocation and free paths, inlined into the public entry points:
 * @caller is what a debug cache records (SLAB_STORE_USER), the caller of
 * kmem_cache_alloc or of kmalloc, not the library function in between.
 */
static inline __attribute__((always_inline))
void *alloc(struct kmem_cache *s, gfp_t gfp, unsigned long caller)
{
	void *obj;

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
			if (unlikely(gfp & __GFP_ZERO))
				memset(obj, 0, s->object_size);
			return obj;
		}
	}
	pthread_mutex_lock(&s->list_lock);
	s->alloc_failed++;
	pthread_mutex_unlock(&s->list_lock);
	errno = ENOMEM;
	return NULL;
}

static inline __attribute__((always_inline))
void free_obj(struct kmem_cache *s, void *obj, unsigned long caller)
{
	struct page *slab;

	if (unlikely(!obj))
		return;
	slab = owner_slab(s, obj);
	if (unlikely(!slab))
		return;
	if (unlikely(memcheck))
		memcheck_free(obj);
	if (unlikely(kmem_cache_debug(s)))
		free_locked(s, slab, obj, caller);
	else
		mag_free(s, obj);
}

void *slab_alloc(struct kmem_cache *s, gfp_t gfp, unsigned long caller)
{
	return alloc(s, gfp, caller);
}

void slab_free(struct kmem_cache *s, void *obj, unsigned long caller)
{
	free_obj(s, obj, caller);
}

/**
 * kmem_cache_alloc - take an object from @s
 * Served from the calling thread's magazine without a lock when it can be;
 * debug caches take the locked, checked path.  Returns NULL with errno
 * ENOMEM on failure.  Blocks only as @gfp allows.
 */
SCULLC_API void *kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp)
{
	return alloc(s, gfp, _RET_IP_);
}

/** kmem_cache_zalloc - kmem_cache_alloc with __GFP_ZERO */
SCULLC_API void *kmem_cache_zalloc(struct kmem_cache *s, gfp_t gfp)
{
	return alloc(s, gfp | __GFP_ZERO, _RET_IP_);
}

/**
 * kmem_cache_free - give @obj back to @s; NULL is ignored
 * An object of another cache, or not from any slab, is reported and not
 * freed.  Never blocks for memory.
 */
SCULLC_API void kmem_cache_free(struct kmem_cache *s, void *obj)
{
	free_obj(s, obj, _RET_IP_);
}

/* ------------------------------------------------------------------ */
/* Creation and destruction                                            */

static void init_cache(struct kmem_cache *s)
{
	pthread_mutex_init(&s->list_lock, NULL);
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

	list_for_each(pos, &slab_caches) {
		struct kmem_cache *s = list_entry(pos, struct kmem_cache, list);

		if (strcmp(s->name, name) == 0)
			return s;
	}
	return NULL;
}

/* The smallest id no live cache has.  Under slab_mutex. */
static unsigned int new_id(void)
{
	struct list_head *pos;
	unsigned int id = 0;
	bool used;

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

struct kmem_cache *slab_create(const char *name, size_t size, size_t align,
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
	/* Allocated before slab_mutex: page allocation may reclaim. */
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
	s->ctor = ctor;
	s->dtor = dtor;
	err = slab_calculate_sizes(s);
	if (err)
		goto out_free;
	mag_set_defaults(s);

	pthread_mutex_lock(&slab_mutex);
	if (find_locked(name)) {
		pthread_mutex_unlock(&slab_mutex);
		err = -EEXIST;
		goto out_free;
	}
	s->id = new_id();
	list_add(&s->list, &slab_caches);
	pthread_mutex_unlock(&slab_mutex);
	return s;

out_free:
	pthread_mutex_destroy(&s->list_lock);
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
	struct kmem_cache *s = slab_create(name, size, align, flags, ctor, dtor);

	if (!s && (flags & SLAB_PANIC)) {
		fprintf(stderr,
			"kmem_cache_create: Failed to create slab '%s'. Error %d\n",
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

/* Report every object of @s still allocated.  Locked. */
static void report_leaks(struct kmem_cache *s, struct list_head *list)
{
	unsigned long map[(MAX_OBJS_PER_PAGE + 63) / 64];
	struct list_head *pos;

	list_for_each(pos, list) {
		struct page *slab = list_entry(pos, struct page, lru);
		char *base = (char *)page_address(slab) + s->red_left_pad;
		unsigned int i, n = 0;
		void *p;

		memset(map, 0, sizeof(map));
		for (p = slab->freelist; p && n++ < slab->objects;
		     p = get_freepointer(s, p)) {
			size_t idx = (size_t)((char *)p - base) / s->size;

			if (idx < slab->objects)
				map[idx / 64] |= 1UL << (idx % 64);
		}
		for (i = 0; i < slab->objects; i++)
			if (!(map[i / 64] & (1UL << (i % 64))))
				debug_report_leak(s, slab,
						  slab_object(s, slab, i));
	}
}

/**
 * kmem_cache_destroy - destroy @s, which no thread may be using
 * Returns 0 (also for NULL), or -EBUSY after naming every object still
 * allocated; the cache then stays listed and usable.  May block.
 */
SCULLC_API int kmem_cache_destroy(struct kmem_cache *s)
{
	struct list_head release = LIST_HEAD_INIT(release);
	struct array_cache *depot;
	bool busy;

	if (!s)
		return 0;
	mag_drain_all(s);

	pthread_mutex_lock(&s->list_lock);
	drain_depot(s, &release);
	release_empty(s, &release);
	busy = s->nr_partial || s->nr_full;
	if (busy) {
		fprintf(stderr,
			"kmem_cache_destroy %s: Slab cache still has objects\n",
			s->name);
		slab_bug(s, "Objects remaining in %s on __kmem_cache_shutdown()",
			 s->name);
		report_leaks(s, &s->partial);
		report_leaks(s, &s->full);
	}
	pthread_mutex_unlock(&s->list_lock);
	discard_list(s, &release);
	if (busy)
		return -EBUSY;

	pthread_mutex_lock(&slab_mutex);
	list_del(&s->list);
	pthread_mutex_unlock(&slab_mutex);

	pthread_mutex_lock(&s->list_lock);
	depot = s->depot;
	s->depot = NULL;
	pthread_mutex_unlock(&s->list_lock);
	kfree_nomag(depot);
	pthread_mutex_destroy(&s->list_lock);
	slab_free_nomag(&kmem_cache_boot, s,
			(unsigned long)__builtin_return_address(0));
	return 0;
}

/* ------------------------------------------------------------------ */
/* Shrinking and reclaim                                               */

/* Drain the caller's magazine and the depot, free every empty slab. */
static unsigned long shrink(struct kmem_cache *s, bool *empty)
{
	struct list_head release = LIST_HEAD_INIT(release);

	/* Other threads' magazines are theirs: ask them to flush. */
	atomic_fetch_add_explicit(&s->gen, 1, memory_order_relaxed);
	if (!kmem_cache_debug(s))
		mag_drain_self(s);

	pthread_mutex_lock(&s->list_lock);
	drain_depot(s, &release);
	release_empty(s, &release);
	s->shrinks++;
	if (empty)
		*empty = !s->nr_partial && !s->nr_full;
	pthread_mutex_unlock(&s->list_lock);
	return discard_list(s, &release);
}

/**
 * kmem_cache_shrink - release every empty slab of @s
 * Drains the calling thread's magazine and the depot first; other threads
 * flush theirs on their next call.  Returns 0 when no slab remains, else 1.
 */
SCULLC_API int kmem_cache_shrink(struct kmem_cache *s)
{
	bool empty;

	shrink(s, &empty);
	return empty ? 0 : 1;
}

unsigned long slab_reclaim(void)
{
	struct list_head *pos;
	unsigned long pages = 0;

	pthread_mutex_lock(&slab_mutex);
	list_for_each(pos, &slab_caches) {
		struct kmem_cache *s = list_entry(pos, struct kmem_cache, list);

		if (!(s->flags & SLAB_NO_REAP))
			pages += shrink(s, NULL);
	}
	pthread_mutex_unlock(&slab_mutex);
	return pages;
}

/* ------------------------------------------------------------------ */
/* Lookup, statistics, validation                                      */

/** kmem_cache_size - the object size @s was created with */
SCULLC_API unsigned int kmem_cache_size(struct kmem_cache *s)
{
	return s->object_size;
}

/** kmem_cache_name - the name of @s */
SCULLC_API const char *kmem_cache_name(struct kmem_cache *s)
{
	return s->name;
}

/** kmem_cache_find - the live cache named @name, or NULL with errno ENOENT */
SCULLC_API struct kmem_cache *kmem_cache_find(const char *name)
{
	struct kmem_cache *s;

	if (!name) {
		errno = ENOENT;
		return NULL;
	}
	pthread_mutex_lock(&slab_mutex);
	s = find_locked(name);
	pthread_mutex_unlock(&slab_mutex);
	if (!s)
		errno = ENOENT;
	return s;
}

void slab_for_each_cache(void (*fn)(struct kmem_cache *s, void *arg),
			 void *arg)
{
	struct list_head *pos;

	pthread_mutex_lock(&slab_mutex);
	list_for_each(pos, &slab_caches)
		fn(list_entry(pos, struct kmem_cache, list), arg);
	pthread_mutex_unlock(&slab_mutex);
}

/**
 * kmem_cache_get_stats - fill @st with what slabinfo shows of @s
 * Returns 0.  Never blocks for memory; may be called from a
 * slab_for_each_cache callback.
 */
SCULLC_API int kmem_cache_get_stats(struct kmem_cache *s,
				    struct kmem_cache_stats *st)
{
	unsigned long ahit, fhit;

	memset(st, 0, sizeof(*st));
	pthread_mutex_lock(&s->list_lock);
	st->active_objs = s->total_objects - s->free_objects;
	st->num_objs = s->total_objects;
	st->active_slabs = s->nr_partial + s->nr_full;
	st->num_slabs = s->nr_partial + s->nr_full + s->nr_free;
	st->shared_avail = s->depot ? s->depot->avail : 0;
	st->limit = s->limit;
	st->batchcount = s->batchcount;
	st->shared = s->shared;
	st->alloc_slowpath = s->alloc_slowpath;
	st->free_slowpath = s->free_slowpath;
	st->slabs_allocated = s->slabs_allocated;
	st->slabs_freed = s->slabs_freed;
	st->shrinks = s->shrinks;
	st->alloc_failed = s->alloc_failed;
	st->internal_objs = s->internal_objs;
	pthread_mutex_unlock(&s->list_lock);

	st->objsize = s->size;
	st->object_size = s->object_size;
	st->objperslab = s->oo.objects;
	st->pagesperslab = 1u << s->oo.order;
	mag_sum_hits(s, &ahit, &fhit);
	st->alloc_fastpath = ahit;
	st->free_fastpath = fhit;
	return 0;
}

/* inuse == objects - length of the free list, all of it in @slab. Locked. */
static int validate_freelist(struct kmem_cache *s, struct page *slab)
{
	char *base = page_address(slab);
	char *end = base + (PAGE_SIZE << slab->order);
	unsigned int n = 0;
	void *p;

	for (p = slab->freelist; p && n <= slab->objects;
	     p = get_freepointer(s, p)) {
		if ((char *)p < base + s->red_left_pad || (char *)p >= end ||
		    ((char *)p - base - s->red_left_pad) % s->size) {
			slab_bug(s, "Freechain corrupt: 0x%016lx",
				 (unsigned long)p);
			return 1;
		}
		n++;
	}
	if (n != slab->objects - slab->inuse) {
		slab_bug(s, "Wrong number of objects. Found %u but should be %u",
			 n, slab->objects - slab->inuse);
		return 1;
	}
	return 0;
}

/*
 * Check one list's slabs and add up their objects.  Locked.  A debug
 * cache's slabs are walked by debug.c, which knows their red zones and
 * poison; the others get the free list check here.
 */
static int validate_list(struct kmem_cache *s, struct list_head *list,
			 enum slab_state st, unsigned long *nr,
			 unsigned long *total, unsigned long *nfree)
{
	struct list_head *pos;
	int errors = 0;

	list_for_each(pos, list) {
		struct page *slab = list_entry(pos, struct page, lru);

		(*nr)++;
		*total += slab->objects;
		*nfree += slab->objects - slab->inuse;
		if (!(slab->flags & PG_slab) || slab->slab_cache != s) {
			slab_bug(s, "Slab 0x%016lx on the lists is not ours",
				 (unsigned long)page_address(slab));
			errors++;
			continue;
		}
		if (slab->inuse > slab->objects ||
		    state_of(slab, slab->inuse) != st) {
			slab_bug(s, "Slab 0x%016lx inuse %u of %u on the wrong list",
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
	unsigned long np = 0, nf = 0, ne = 0, total = 0, nfree = 0;
	int errors = 0;

	pthread_mutex_lock(&s->list_lock);
	errors += validate_list(s, &s->partial, SLAB_STATE_PARTIAL, &np,
				&total, &nfree);
	errors += validate_list(s, &s->full, SLAB_STATE_FULL, &nf,
				&total, &nfree);
	errors += validate_list(s, &s->free, SLAB_STATE_FREE, &ne,
				&total, &nfree);
	/* total_objects == sum of objects; free_objects == sum of free */
	if (np != s->nr_partial || nf != s->nr_full || ne != s->nr_free ||
	    total != s->total_objects || nfree != s->free_objects) {
		slab_bug(s, "Counters partial %lu full %lu free %lu objects %lu/%lu, lists say %lu %lu %lu %lu/%lu",
			 s->nr_partial, s->nr_full, s->nr_free,
			 s->free_objects, s->total_objects,
			 np, nf, ne, nfree, total);
		errors++;
	}
	if (s->depot && s->depot->avail > s->depot->limit) {
		slab_bug(s, "Depot holds %u of %u", s->depot->avail,
			 s->depot->limit);
		errors++;
	}
	pthread_mutex_unlock(&s->list_lock);
	return errors;
}

/*
 * slab_apply_debug - give the slab_debug= settings to every cache not used
 * yet: no slab, no per-thread cache and no shared array, so that no object
 * exists in the old slot layout.  The kernel's slab_debug= is a boot option
 * and so reaches every cache; set after the library has loaded, it still
 * reaches the caches nothing has allocated from (the kmalloc caches of a
 * program that has not used them yet).  The caller sees to it that no
 * other thread allocates meanwhile.  Returns how many caches changed.
 */
unsigned int slab_apply_debug(void)
{
	struct list_head *pos;
	unsigned int changed = 0;

	pthread_mutex_lock(&slab_mutex);
	list_for_each(pos, &slab_caches) {
		struct kmem_cache *s = list_entry(pos, struct kmem_cache, list);
		unsigned long want = debug_cache_flags(s->name, s->created_flags);
		unsigned long had = s->flags;

		pthread_mutex_lock(&s->list_lock);
		if (want != (had & ~__OBJECT_POISON) && !s->total_objects &&
		    list_empty(&s->thread_acs) && !s->depot) {
			s->flags = want;
			if (slab_calculate_sizes(s) == 0) {
				mag_set_defaults(s);
				changed++;
			} else {                /* too big with debugging */
				s->flags = had & ~__OBJECT_POISON;
				slab_calculate_sizes(s);
			}
		}
		pthread_mutex_unlock(&s->list_lock);
	}
	pthread_mutex_unlock(&slab_mutex);
	return changed;
}

/* ------------------------------------------------------------------ */
/* Start-up                                                            */

/*
 * slab_init - bring up the page allocator, the debug and failslab settings,
 * the bootstrap cache of caches and the kmalloc caches.  A library
 * constructor; idempotent.
 */
__attribute__((constructor)) void slab_init(void)
{
	pthread_mutexattr_t attr;
	struct kmem_cache *s = &kmem_cache_boot;

	if (slab_ready)
		return;
	slab_ready = true;
	memcheck = RUNNING_ON_VALGRIND != 0;

	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&slab_mutex, &attr);
	pthread_mutexattr_destroy(&attr);

	page_alloc_init();
	debug_init_env();
	if (!slab_nr_cpus)
		slab_nr_cpus = os_nr_cpus();

	init_cache(s);
	strcpy(s->name, "kmem_cache");
	s->object_size = sizeof(struct kmem_cache);
	s->created_flags = SLAB_HWCACHE_ALIGN;
	s->flags = debug_cache_flags(s->name, SLAB_HWCACHE_ALIGN);
	if (slab_calculate_sizes(s))
		abort();
	mag_set_defaults(s);
	s->id = 0;
	list_add(&s->list, &slab_caches);

	kmalloc_init();
	page_set_shrinker(slab_reclaim);
	/* Only now: an injected failure in kmalloc_init would be a panic */
	failslab_init_env();
}
