/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mempool.c - memory pools: allocations that are guaranteed to progress */

/*
 * Design.  A mempool keeps min_nr preallocated elements in reserve for the
 * moment its underlying allocator fails, with the kernel's semantics:
 *
 *   - mempool_alloc asks the underlying allocator first, without letting it
 *     wait or reclaim; only when that fails does it take from the reserve.
 *     The reserve is a last resort, not a cache.
 *   - With a GFP that may block, mempool_alloc never fails: when the reserve
 *     is empty it tries once more with the caller's full GFP, then sleeps
 *     until mempool_free puts an element back (in slices of 5 s, retrying
 *     the allocator after each, since memory may have come back elsewhere).
 *   - mempool_free refills the reserve only while it is below min_nr;
 *     otherwise the element goes back to the underlying allocator.
 *
 * So progress is guaranteed as long as every element taken is eventually
 * given back, which is the contract of a pool's users (one element per
 * request in flight, freed when the request completes).
 *
 * Invariants (under pool->lock):
 *   0 <= curr_nr <= min_nr <= capacity
 *   elements[0 .. curr_nr - 1] are the reserve
 *   when every element is back: curr_nr == min_nr
 *
 * Locks (their order: enum lock_rank, src/lock.h): pools_lock, outermost
 * of the library's, and each pool->lock, a leaf: never held across
 * pool->alloc or pool->free, which may take the allocator's own locks or
 * sleep.  Only fork.c holds several pool locks, nested under pools_lock.
 *
 * pools_lock protects the list of every pool, which fork.c walks to hold
 * every pool->lock across fork().  pool->lock protects curr_nr, min_nr,
 * capacity and the elements array; it is a plain mutex because
 * mempool_alloc may wait on pool->wait with it.
 */

#include "mm/internal.h"

#include <assert.h>
#include <string.h>
#include <time.h>

#define MEMPOOL_WAIT_SEC 5                  /* the kernel's 5 * HZ */

struct mempool {
	struct mutex lock;
	int min_nr;                 /* reserve wanted; protected by lock */
	int curr_nr;                /* reserve held; protected by lock */
	int capacity;               /* slots in elements; protected by lock */
	void **elements;            /* the reserve (kmalloc'd); protected by lock */
	void *pool_data;            /* passed to alloc and free; read-only */
	mempool_alloc_t *alloc;     /* read-only */
	mempool_free_t *free;       /* read-only */
	pthread_cond_t wait;        /* signalled when an element comes back */
	unsigned long nr_late;      /* waits that timed out with an element
	                               back: missed wake-ups; protected by lock */
	struct list_head node;      /* in pools; protected by pools_lock */
};

static struct mutex pools_lock =
	MUTEX_INITIALIZER("pools_lock", LOCK_RANK_MEMPOOLS);
static struct list_head pools = LIST_HEAD_INIT(pools);

static void init_locks(mempool_t *pool)
{
	pthread_condattr_t cattr;

	mutex_init(&pool->lock, "pool->lock", LOCK_RANK_MEMPOOL);
	pthread_condattr_init(&cattr);
	pthread_condattr_setclock(&cattr, CLOCK_MONOTONIC);
	pthread_cond_init(&pool->wait, &cattr);
	pthread_condattr_destroy(&cattr);
}

static void add_element(mempool_t *pool, void *element)
{
	assert(pool->curr_nr < pool->capacity);
	pool->elements[pool->curr_nr++] = element;
}

static void *remove_element(mempool_t *pool)
{
	assert(pool->curr_nr > 0);
	return pool->elements[--pool->curr_nr];
}

/* Free the reserve down to @keep elements; pool->lock held, dropped inside. */
static void drain(mempool_t *pool, int keep)
{
	while (pool->curr_nr > keep) {
		void *element = remove_element(pool);

		mutex_unlock(&pool->lock);
		pool->free(element, pool->pool_data);
		mutex_lock(&pool->lock);
	}
}

/**
 * mempool_create - create a pool holding at least @min_nr elements
 * @min_nr:    the reserve, at least 1
 * @alloc_fn:  makes an element; called with a GFP and @pool_data
 * @free_fn:   releases one
 * @pool_data: passed to both
 *
 * The reserve is filled at once with GFP_KERNEL.  Returns the pool, or NULL
 * with errno EINVAL (bad argument) or ENOMEM (then nothing is left
 * allocated).  May block.
 */
SCULLC_API mempool_t *mempool_create(int min_nr, mempool_alloc_t *alloc_fn,
				     mempool_free_t *free_fn, void *pool_data)
{
	mempool_t *pool;

	if (min_nr < 1 || !alloc_fn || !free_fn) {
		errno = EINVAL;
		return NULL;
	}
	pool = kzalloc(sizeof(*pool), GFP_KERNEL);
	if (!pool)
		return NULL;
	pool->elements = kmalloc_array((size_t)min_nr, sizeof(void *),
				       GFP_KERNEL);
	if (!pool->elements)
		goto fail_elements;
	init_locks(pool);
	pool->min_nr = min_nr;
	pool->capacity = min_nr;
	pool->pool_data = pool_data;
	pool->alloc = alloc_fn;
	pool->free = free_fn;

	/* No one else can see the pool yet: no lock needed. */
	while (pool->curr_nr < pool->min_nr) {
		void *element = pool->alloc(GFP_KERNEL, pool->pool_data);

		if (!element)
			goto fail_fill;
		add_element(pool, element);
	}
	mutex_lock(&pools_lock);
	list_add(&pool->node, &pools);
	mutex_unlock(&pools_lock);
	return pool;

fail_fill:
	while (pool->curr_nr > 0)
		pool->free(remove_element(pool), pool->pool_data);
	pthread_cond_destroy(&pool->wait);
	mutex_destroy(&pool->lock);
	kfree(pool->elements);
fail_elements:
	kfree(pool);
	errno = ENOMEM;
	return NULL;
}

/**
 * mempool_destroy - free the reserve and the pool
 * Every element taken must have been given back first (asserted).  NULL is
 * ignored.  The caller guarantees no thread still uses the pool.
 */
SCULLC_API void mempool_destroy(mempool_t *pool)
{
	if (!pool)
		return;
	mutex_lock(&pools_lock);
	list_del(&pool->node);
	mutex_unlock(&pools_lock);
	mutex_lock(&pool->lock);
	assert(pool->curr_nr == pool->min_nr);
	drain(pool, 0);
	mutex_unlock(&pool->lock);
	pthread_cond_destroy(&pool->wait);
	mutex_destroy(&pool->lock);
	kfree(pool->elements);
	kfree(pool);
}

/**
 * mempool_alloc - take an element from @pool
 * @gfp: how hard to try; must not include __GFP_ZERO (a reserve element
 *       would not be zeroed)
 *
 * Tries the underlying allocator first, without waiting or reclaiming, and
 * takes from the reserve only if that fails.  When the reserve is empty too:
 * without __GFP_DIRECT_RECLAIM returns NULL with errno ENOMEM; with it, tries
 * the allocator once more with the full @gfp, then sleeps until an element
 * is freed to the pool, and never fails.  Any thread.
 */
SCULLC_API void *mempool_alloc(mempool_t *pool, gfp_t gfp)
{
	struct timespec ts;
	gfp_t gfp_temp;
	void *element;

	/*
	 * The pool is the fallback, so the allocator must neither loop
	 * (__GFP_NOFAIL) nor complain, and the first try must fail fast.
	 * The kernel keeps __GFP_NORETRY on the second, reclaiming try too,
	 * since its __GFP_NORETRY still reclaims once; here __GFP_NORETRY
	 * means no reclaim at all, so the second try goes without it.
	 */
	gfp = (gfp & ~__GFP_NOFAIL) | __GFP_NOWARN;
	gfp_temp = (gfp & ~(__GFP_DIRECT_RECLAIM | __GFP_IO)) | __GFP_NORETRY;

	for (;;) {
		element = pool->alloc(gfp_temp, pool->pool_data);
		if (likely(element))
			return element;

		mutex_lock(&pool->lock);
		if (likely(pool->curr_nr > 0)) {
			element = remove_element(pool);
			mutex_unlock(&pool->lock);
			return element;
		}
		if (!gfpflags_allow_blocking(gfp)) {
			mutex_unlock(&pool->lock);
			errno = ENOMEM;
			return NULL;
		}
		if (gfp_temp != gfp) {
			/* one try that may reclaim before sleeping */
			mutex_unlock(&pool->lock);
			gfp_temp = gfp;
			continue;
		}

		/*
		 * Sleep until mempool_free returns an element.  curr_nr is
		 * checked under the lock the waker takes, so no wake-up is
		 * lost; the timeout retries the allocator now and then.
		 */
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += MEMPOOL_WAIT_SEC;
		while (pool->curr_nr == 0) {
			if (mutex_cond_timedwait(&pool->wait, &pool->lock,
						   &ts) == ETIMEDOUT) {
				if (pool->curr_nr > 0)
					pool->nr_late++;
				break;
			}
		}
		if (pool->curr_nr > 0) {
			element = remove_element(pool);
			mutex_unlock(&pool->lock);
			return element;
		}
		mutex_unlock(&pool->lock);
	}
}

/*
 * Waits that ended by their timeout although an element had come back
 * meanwhile: each is a wake-up mempool_free's signal did not deliver (or
 * a free that raced the end of a 5 s slice).  For the tests.
 */
unsigned long mempool_late_wakeups(mempool_t *pool)
{
	unsigned long n;

	mutex_lock(&pool->lock);
	n = pool->nr_late;
	mutex_unlock(&pool->lock);
	return n;
}

/**
 * mempool_free - give an element back to @pool
 * It refills the reserve while the reserve is below min_nr (waking a
 * waiting mempool_alloc), and otherwise goes to the underlying free
 * function.  NULL is ignored.  Never blocks for memory; any thread.
 */
SCULLC_API void mempool_free(void *element, mempool_t *pool)
{
	if (unlikely(!element))
		return;
	mutex_lock(&pool->lock);
	if (pool->curr_nr < pool->min_nr) {
		add_element(pool, element);
		pthread_cond_signal(&pool->wait);
		mutex_unlock(&pool->lock);
		return;
	}
	mutex_unlock(&pool->lock);
	pool->free(element, pool->pool_data);
}

/**
 * mempool_resize - change the reserve of @pool to @new_min_nr elements
 *
 * Shrinking frees reserve elements beyond the new size at once (elements in
 * use go to the underlying allocator when they come back).  Growing makes
 * the missing elements with GFP_KERNEL before touching the pool, so on
 * -ENOMEM the pool is unchanged.  Returns 0, -EINVAL (@new_min_nr < 1) or
 * -ENOMEM.  May block.
 */
SCULLC_API int mempool_resize(mempool_t *pool, int new_min_nr)
{
	void **new_elements, **extra;
	int need, got, i;

	if (new_min_nr < 1)
		return -EINVAL;

	mutex_lock(&pool->lock);
	if (new_min_nr <= pool->min_nr) {
		pool->min_nr = new_min_nr;
		drain(pool, new_min_nr);
		mutex_unlock(&pool->lock);
		return 0;
	}
	need = new_min_nr - pool->curr_nr;
	mutex_unlock(&pool->lock);

	/*
	 * Two arrays: new_elements may become pool->elements, which a
	 * concurrent resize can replace and free while extra[] is still
	 * being read below, so extra[] must stay ours.
	 */
	new_elements = kmalloc_array((size_t)new_min_nr, sizeof(void *),
				     GFP_KERNEL);
	extra = kmalloc_array((size_t)need, sizeof(void *), GFP_KERNEL);
	if (!new_elements || !extra)
		goto nomem;
	for (got = 0; got < need; got++) {
		extra[got] = pool->alloc(GFP_KERNEL, pool->pool_data);
		if (!extra[got]) {
			while (got > 0)
				pool->free(extra[--got], pool->pool_data);
			goto nomem;
		}
	}

	mutex_lock(&pool->lock);
	if (new_min_nr > pool->capacity) {
		void **old = pool->elements;

		memcpy(new_elements, old, (size_t)pool->curr_nr * sizeof(void *));
		pool->elements = new_elements;
		pool->capacity = new_min_nr;
		new_elements = old;          /* freed below */
	}
	if (new_min_nr > pool->min_nr)    /* a concurrent resize may have won */
		pool->min_nr = new_min_nr;
	for (i = 0; i < got && pool->curr_nr < pool->min_nr; i++)
		add_element(pool, extra[i]);
	pthread_cond_broadcast(&pool->wait);
	mutex_unlock(&pool->lock);

	/* Elements a concurrent mempool_free made unnecessary */
	for (; i < got; i++)
		pool->free(extra[i], pool->pool_data);
	kfree(new_elements);
	kfree(extra);
	return 0;

nomem:
	kfree(new_elements);
	kfree(extra);
	return -ENOMEM;
}

/* ------------------------------------------------------------------ */
/* Ready-made element functions                                        */

/** mempool_alloc_slab - an object of the kmem_cache @pool_data */
SCULLC_API void *mempool_alloc_slab(gfp_t gfp, void *pool_data)
{
	return kmem_cache_alloc(pool_data, gfp);
}

/** mempool_free_slab - give @element back to the kmem_cache @pool_data */
SCULLC_API void mempool_free_slab(void *element, void *pool_data)
{
	kmem_cache_free(pool_data, element);
}

/** mempool_kmalloc - a kmalloc block of the size encoded in @pool_data */
SCULLC_API void *mempool_kmalloc(gfp_t gfp, void *pool_data)
{
	return kmalloc((size_t)(uintptr_t)pool_data, gfp);
}

/** mempool_kfree - kfree @element */
SCULLC_API void mempool_kfree(void *element, void *pool_data)
{
	(void)pool_data;
	kfree(element);
}

/**
 * mempool_create_slab_pool - a pool of @min_nr objects of @cache
 * Returns the pool, or NULL with errno EINVAL or ENOMEM.  May block.
 */
SCULLC_API mempool_t *mempool_create_slab_pool(int min_nr,
					       struct kmem_cache *cache)
{
	if (!cache) {
		errno = EINVAL;
		return NULL;
	}
	return mempool_create(min_nr, mempool_alloc_slab, mempool_free_slab,
			      cache);
}

/**
 * mempool_create_kmalloc_pool - a pool of @min_nr kmalloc blocks of @size
 * bytes.  Returns the pool, or NULL with errno EINVAL or ENOMEM.  May block.
 */
SCULLC_API mempool_t *mempool_create_kmalloc_pool(int min_nr, size_t size)
{
	if (size == 0 || size > KMALLOC_MAX_SIZE) {
		errno = EINVAL;
		return NULL;
	}
	return mempool_create(min_nr, mempool_kmalloc, mempool_kfree,
			      (void *)(uintptr_t)size);
}

/* ------------------------------------------------------------------ */
/* fork() (fork.c): every pool lock, held across it                    */

/* pools_lock first, every pool's lock at its own rank, under it */
void mempool_fork_lock_list(void)
{
	mutex_lock(&pools_lock);
}

void mempool_fork_unlock_list(void)
{
	mutex_unlock(&pools_lock);
}

void mempool_fork_lock(void)
{
	mempool_t *pool;

	lock_assert_held(&pools_lock);
	list_for_each_entry(pool, &pools, node)
		mutex_lock_nest(&pool->lock, &pools_lock);
}

void mempool_fork_unlock(void)
{
	mempool_t *pool;

	list_for_each_entry(pool, &pools, node)
		mutex_unlock(&pool->lock);
}

/* In the child, after mempool_fork_unlock: no other thread waits on a
   pool's condition any more */
void mempool_fork_reinit(void)
{
	pthread_condattr_t cattr;
	mempool_t *pool;

	pthread_condattr_init(&cattr);
	pthread_condattr_setclock(&cattr, CLOCK_MONOTONIC);
	list_for_each_entry(pool, &pools, node)
		pthread_cond_init(&pool->wait, &cattr);
	pthread_condattr_destroy(&cattr);
}

/* the scullc_ names of the functions above (libscullc(3), "Name clashes") */
SCULLC_ALIAS(mempool_alloc);
SCULLC_ALIAS(mempool_alloc_slab);
SCULLC_ALIAS(mempool_create);
SCULLC_ALIAS(mempool_create_kmalloc_pool);
SCULLC_ALIAS(mempool_create_slab_pool);
SCULLC_ALIAS(mempool_destroy);
SCULLC_ALIAS(mempool_free);
SCULLC_ALIAS(mempool_free_slab);
SCULLC_ALIAS(mempool_kfree);
SCULLC_ALIAS(mempool_kmalloc);
SCULLC_ALIAS(mempool_resize);
