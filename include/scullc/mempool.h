/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mempool.h - memory pools: a guaranteed reserve of preallocated elements */
#ifndef SCULLC_MEMPOOL_H
#define SCULLC_MEMPOOL_H

#include <scullc/gfp.h>
#include <scullc/slab.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef void *(mempool_alloc_t)(gfp_t gfp, void *pool_data);
typedef void (mempool_free_t)(void *element, void *pool_data);

struct mempool;
typedef struct mempool mempool_t;

/*
 * mempool_create - create a pool holding at least @min_nr elements
 * @alloc_fn/@free_fn: how elements are made and released; @pool_data is
 * passed to both.  The reserve is filled at once with GFP_KERNEL.
 * Returns the pool, or NULL with errno EINVAL or ENOMEM.  May block.
 */
mempool_t *mempool_create(int min_nr, mempool_alloc_t *alloc_fn,
			  mempool_free_t *free_fn, void *pool_data);

/* Pools of objects of a kmem_cache, and of kmalloc blocks of a fixed size. */
mempool_t *mempool_create_slab_pool(int min_nr, struct kmem_cache *cache);
mempool_t *mempool_create_kmalloc_pool(int min_nr, size_t size);

/* The element functions those two use, for mempool_create callers. */
void *mempool_alloc_slab(gfp_t gfp, void *pool_data);
void mempool_free_slab(void *element, void *pool_data);
void *mempool_kmalloc(gfp_t gfp, void *pool_data);
void mempool_kfree(void *element, void *pool_data);

/*
 * mempool_alloc - take an element
 * First tries the underlying allocator (without waiting or reclaiming); only
 * when that fails does it take from the reserve.  With a @gfp that allows
 * blocking it never fails: when the reserve is empty too it waits until
 * mempool_free returns an element.  Otherwise returns NULL (errno ENOMEM).
 */
void *mempool_alloc(mempool_t *pool, gfp_t gfp);

/*
 * mempool_free - give back an element; it refills the reserve only while the
 * reserve is below min_nr, and otherwise goes to the underlying free
 * function.  Wakes a waiting mempool_alloc.  NULL is ignored.  Never blocks.
 */
void mempool_free(void *element, mempool_t *pool);

/*
 * mempool_resize - change the reserve to @new_min_nr elements, allocating
 * with GFP_KERNEL when it grows.  Returns 0, -EINVAL or -ENOMEM (the pool is
 * then unchanged).  May block.
 */
int mempool_resize(mempool_t *pool, int new_min_nr);

/* mempool_destroy - free the reserve and the pool; every element must be back. */
void mempool_destroy(mempool_t *pool);

#ifdef __cplusplus
}
#endif
#endif /* SCULLC_MEMPOOL_H */
