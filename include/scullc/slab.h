/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* slab.h - kmem_cache and kmalloc: the slab allocator of libscullc */
#ifndef SCULLC_SLAB_H
#define SCULLC_SLAB_H

#include <stddef.h>
#include <scullc/gfp.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Every function here may be called from any thread.  Those that take a
 * gfp_t block only when it allows blocking (GFP_KERNEL); the others never
 * block for memory.  Functions returning pointers return NULL with errno set
 * on failure; functions returning int return 0 or a negative errno.
 */

struct kmem_cache;
typedef struct kmem_cache kmem_cache_t;        /* for LDD3-era code */

/* Cache flags (kmem_cache_create); the values are the kernel's. */
#define SLAB_CONSISTENCY_CHECKS  0x00000100UL  /* slab_debug=F */
#define SLAB_RED_ZONE            0x00000400UL  /* slab_debug=Z */
#define SLAB_POISON              0x00000800UL  /* slab_debug=P */
#define SLAB_NO_REAP             0x00001000UL  /* reclaim never shrinks it */
#define SLAB_HWCACHE_ALIGN       0x00002000UL  /* align objects on cache lines */
#define SLAB_CACHE_DMA           0x00004000UL  /* slabs come from the DMA zone */
#define SLAB_STORE_USER          0x00010000UL  /* slab_debug=U */
#define SLAB_PANIC               0x00040000UL  /* abort if creation fails */

#define SLAB_DEBUG_FLAGS (SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | \
			  SLAB_POISON | SLAB_STORE_USER)

#define KMEM_CACHE_NAME_MAX 31                 /* bytes, without the NUL */

/*
 * kmem_cache_create - create a cache of objects of @size bytes
 * @name:  shown in slabinfo; 1..KMEM_CACHE_NAME_MAX bytes, no white space,
 *         unique among live caches.  Copied.
 * @align: 0 or a power of two up to PAGE_SIZE; objects are at least word
 *         aligned.
 * @flags: SLAB_* above; anything else is EINVAL.
 * @ctor:  run on every object when a slab is populated, never on each
 *         allocation: freed objects must be returned in constructed state.
 * Returns the cache, or NULL with errno EINVAL (bad argument), EEXIST (name
 * in use) or ENOMEM.  With SLAB_PANIC a failure aborts instead.  May block.
 */
struct kmem_cache *kmem_cache_create(const char *name, size_t size,
				     size_t align, unsigned long flags,
				     void (*ctor)(void *));

/*
 * kmem_cache_create_dtor - kmem_cache_create with a destructor
 * @dtor: run on every object of a slab just before the slab's pages are
 *        freed (the counterpart of @ctor, as in 2.6-era kernels).
 */
struct kmem_cache *kmem_cache_create_dtor(const char *name, size_t size,
					  size_t align, unsigned long flags,
					  void (*ctor)(void *),
					  void (*dtor)(void *));

/*
 * kmem_cache_alloc - take an object from @cache
 * Returns the object, or NULL with errno ENOMEM (ENOMEM also for a fault
 * injected by failslab).  __GFP_ZERO zeroes it.  Blocks only as @gfp allows.
 */
void *kmem_cache_alloc(struct kmem_cache *cache, gfp_t gfp);
void *kmem_cache_zalloc(struct kmem_cache *cache, gfp_t gfp);

/* kmem_cache_free - give @obj back to @cache; NULL is ignored.  Never blocks. */
void kmem_cache_free(struct kmem_cache *cache, void *obj);

/*
 * kmem_cache_shrink - release every empty slab of @cache to the page
 * allocator, after draining the calling thread's object cache and the
 * shared array.  Returns 0 when no slab remains, 1 otherwise.
 */
int kmem_cache_shrink(struct kmem_cache *cache);

/*
 * kmem_cache_destroy - destroy @cache
 * Every thread's cached objects are drained first; the caller guarantees
 * that no thread is using the cache concurrently.  Returns 0 on success.
 * When objects are still allocated, logs each (its address, and its
 * allocating caller under SLAB_STORE_USER), keeps the cache (still in
 * slabinfo) and returns -EBUSY.  NULL returns 0.
 */
int kmem_cache_destroy(struct kmem_cache *cache);

unsigned int kmem_cache_size(struct kmem_cache *cache); /* object size */
const char *kmem_cache_name(struct kmem_cache *cache);

/* kmem_cache_find - the live cache named @name, or NULL (errno ENOENT). */
struct kmem_cache *kmem_cache_find(const char *name);

/*
 * kmem_cache_tune - set the per-thread cache @limit and @batchcount and the
 * shared array factor of @cache, as a slabinfo write does.  Takes effect at
 * once.  Returns 0, -EINVAL (limit < 1, batchcount < 1 or > limit, limit >
 * KMEM_CACHE_LIMIT_MAX, shared < 0 or > KMEM_CACHE_SHARED_MAX, or a cache
 * with slab_debug checks, which has no per-thread caches) or -ENOMEM.
 */
#define KMEM_CACHE_LIMIT_MAX   4096
#define KMEM_CACHE_SHARED_MAX  64
int kmem_cache_tune(struct kmem_cache *cache, int limit, int batchcount,
		    int shared);

/* What slabinfo shows of a cache, and the counters behind it. */
struct kmem_cache_stats {
	unsigned long active_objs;   /* objects out of their slabs */
	unsigned long num_objs;      /* objects in all slabs */
	unsigned long active_slabs;  /* slabs with at least one active object */
	unsigned long num_slabs;     /* all slabs */
	unsigned long shared_avail;  /* objects in the shared array */
	unsigned int objsize;        /* slot size, bytes */
	unsigned int object_size;    /* size asked for at creation */
	unsigned int objperslab;
	unsigned int pagesperslab;
	unsigned int limit, batchcount, shared;     /* tunables */
	unsigned long alloc_fastpath;  /* allocations served by a thread cache */
	unsigned long alloc_slowpath;  /* allocations that took the cache lock */
	unsigned long free_fastpath;
	unsigned long free_slowpath;
	unsigned long slabs_allocated; /* slabs created since the cache was */
	unsigned long slabs_freed;
	unsigned long shrinks;         /* reclaim or kmem_cache_shrink runs */
	unsigned long alloc_failed;    /* allocations that returned NULL */
	unsigned long internal_objs;   /* of active_objs, the allocator's own
	                                  bookkeeping (per-thread caches and
	                                  shared arrays of other caches) */
};

/* kmem_cache_get_stats - fill @st.  Returns 0.  Never blocks for memory. */
int kmem_cache_get_stats(struct kmem_cache *cache, struct kmem_cache_stats *st);

/*
 * kmalloc size classes: kmalloc-8 ... kmalloc-8k (with the kernel's 96 and
 * 192), and dma-kmalloc-* for __GFP_DMA.  Larger requests, up to
 * KMALLOC_MAX_SIZE, come straight from the page allocator.
 */
#define KMALLOC_MAX_CACHE_SIZE  8192UL
#define KMALLOC_MAX_SIZE        (PAGE_SIZE << MAX_PAGE_ORDER)
#define ZERO_SIZE_PTR           ((void *)16)
#define ZERO_OR_NULL_PTR(x)     ((unsigned long)(x) <= (unsigned long)ZERO_SIZE_PTR)

/*
 * kmalloc - allocate @size bytes
 * Returns the memory, ZERO_SIZE_PTR for @size 0, or NULL with errno ENOMEM
 * (also for @size > KMALLOC_MAX_SIZE).  Blocks only as @gfp allows.
 */
void *kmalloc(size_t size, gfp_t gfp);
void *kzalloc(size_t size, gfp_t gfp);
void *kcalloc(size_t n, size_t size, gfp_t gfp);       /* ENOMEM on overflow */
void *kmalloc_array(size_t n, size_t size, gfp_t gfp);
/* krealloc - resize; NULL @p is kmalloc, @new_size 0 frees and returns ZERO_SIZE_PTR */
void *krealloc(const void *p, size_t new_size, gfp_t gfp);
char *kstrdup(const char *s, gfp_t gfp);
void kfree(const void *p);                 /* NULL and ZERO_SIZE_PTR ignored */
size_t ksize(const void *p);               /* usable size of a kmalloc block */

/*
 * slabinfo_read - render every cache in /proc/slabinfo version 2.1 format
 * Writes at most @len bytes (NUL-terminated when @len > 0) and returns the
 * length of the whole report, as snprintf does: slabinfo_read(NULL, 0) sizes
 * the buffer.
 */
size_t slabinfo_read(char *buf, size_t len);

/*
 * slabinfo_write - apply one tuning command "NAME LIMIT BATCHCOUNT SHARED"
 * (a trailing newline is allowed), as writing /proc/slabinfo did.
 * Returns 0, or -EINVAL (longer than 128 bytes, malformed, unknown cache,
 * values out of range), or -ENOMEM.
 */
int slabinfo_write(const char *buf, size_t len);
#define SLABINFO_WRITE_MAX 128

/*
 * slab_debug_setup - apply a kernel-style slab_debug= option string:
 *   "FZPU"              those checks on every cache created from now on
 *   "FZ,cache1,cache2"  only on the named caches ('*' globs allowed)
 *   "-"                 none; "" or "FZPU" letters as the kernel takes them
 * Letters: F consistency checks, Z red zones, P poisoning, U owner tracking
 * (O and T are accepted and ignored).  Several blocks may be joined by ';'.
 * Read from the environment variable SCULLC_SLAB_DEBUG at start-up.
 * Returns 0 or -EINVAL.  Applies to caches created afterwards, and to the
 * existing caches nothing has allocated from yet (as the kernel's boot
 * option reaches every cache): call it before other threads allocate.
 */
int slab_debug_setup(const char *str);

/*
 * slab_debug_set_panic - what a corruption report does afterwards: abort
 * (@panic nonzero, the default) or repair what it can ("FIX" lines) and go
 * on.  SCULLC_SLAB_DEBUG_PANIC=0 in the environment sets "go on".
 */
void slab_debug_set_panic(int panic);

/*
 * kmem_cache_validate - walk every slab of @cache checking free lists, red
 * zones, poison and padding (as SLUB's validate does).  Returns the number of
 * errors found (each reported), 0 when the cache is sound.
 */
int kmem_cache_validate(struct kmem_cache *cache);

/*
 * failslab - make slab allocations fail on purpose, like the kernel's
 * failslab fault-injection attribute.  An allocation fails when, in order:
 * injection is on (times != 0), the allocation is not __GFP_NOFAIL, the
 * cache passes the filter, the space budget is used up, the call is the
 * interval-th since the last failure and a draw under probability succeeds.
 */
struct failslab_attr {
	unsigned long interval;     /* fail every interval-th call (1: any) */
	unsigned int probability;   /* percent, 0..100 */
	long times;                 /* failures left; -1 unlimited, 0 off */
	unsigned long space;        /* bytes to allow before failing at all */
	int ignore_gfp_reclaim;     /* spare allocations that may block */
	char cache_filter[KMEM_CACHE_NAME_MAX + 1]; /* "" = every cache */
	unsigned long seed;         /* for probability draws; fixed = repeatable */
};

/*
 * failslab_set - replace the failslab attributes (NULL turns injection off)
 * Returns 0 or -EINVAL.  failslab_setup takes the kernel's boot-option form
 * "<interval>,<probability>,<space>,<times>[,<cache>]", as does the
 * environment variable SCULLC_FAILSLAB read at start-up.
 */
int failslab_set(const struct failslab_attr *attr);
int failslab_setup(const char *str);
void failslab_get(struct failslab_attr *attr);
unsigned long failslab_failures(void);       /* failures injected so far */

#ifdef __cplusplus
}
#endif
#endif /* SCULLC_SLAB_H */
