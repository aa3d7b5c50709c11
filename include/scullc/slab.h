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
#define SLAB_FAILSLAB            0x02000000UL  /* failslab's cache filter lets
                                                  it fail (slab_debug=A) */

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
 * allocator, after draining the calling thread's magazines, those of idle
 * threads and the depot.  Returns 0 when no slab remains, 1 otherwise.
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
 * kmem_cache_tune - set the magazine size @limit, the @batchcount moved
 * between a magazine and the slabs, and the depot's size in full magazines
 * @shared of @cache, as a slabinfo write does.  Takes effect at once and
 * allocates nothing.  Returns 0 or -EINVAL (limit < 1, batchcount < 1 or >
 * limit, limit > KMEM_CACHE_LIMIT_MAX, shared < 0 or >
 * KMEM_CACHE_SHARED_MAX, or a cache with slab_debug checks, which has no
 * per-thread caches).
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
	unsigned long shared_avail;  /* objects in the depot */
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
	                                  bookkeeping (magazines and per-thread
	                                  arrays of other caches) */
};

/* kmem_cache_get_stats - fill @st.  Returns 0.  Never blocks for memory. */
int kmem_cache_get_stats(struct kmem_cache *cache, struct kmem_cache_stats *st);

/*
 * kmem_cache_for_each - call @fn(cache, @arg) for every live cache, newest
 * first, and stop at the first nonzero return, which is returned (0 when
 * every call returned 0).  Caches are neither created nor destroyed during
 * the walk: other threads' kmem_cache_create/destroy wait for its end.  @fn
 * may read caches (kmem_cache_get_stats, _get_info, _get_events,
 * _get_locations, kmem_cache_find), shrink or validate them and allocate,
 * but must not create or destroy a cache, nor wait for a thread that does.
 */
int kmem_cache_for_each(int (*fn)(struct kmem_cache *cache, void *arg),
			void *arg);

/*
 * What SLUB shows of a cache in /sys/kernel/slab/<cache>/, as numbers.
 * Filled by kmem_cache_get_info; fields are only ever added at the end.
 */
struct kmem_cache_info {
	char name[KMEM_CACHE_NAME_MAX + 1];
	unsigned long flags;          /* SLAB_* in force, slab_debug= ones
	                                 included (poison, red_zone,
	                                 sanity_checks, store_user,
	                                 hwcache_align, cache_dma...) */
	unsigned int object_size;     /* object_size: bytes asked for */
	unsigned int slab_size;       /* slab_size: bytes per slot */
	unsigned int align;           /* align */
	unsigned int objs_per_slab;   /* objs_per_slab */
	unsigned int order;           /* order: a slab is 2^order pages */
	unsigned int min_partial;     /* min_partial: empty slabs kept */
	unsigned int cpu_partial;     /* cpu_partial: a thread cache's limit */
	unsigned int aliases;         /* aliases: always 0 (never merged) */
	unsigned int red_left_pad;    /* red_left_pad */
	int has_ctor;                 /* ctor: 1 when there is one */
	void (*ctor)(void *);         /* the constructor, or NULL */
	unsigned long objects;        /* objects: in use (as slabinfo's
	                                 active_objs) */
	unsigned long objects_partial;/* objects_partial: in use in partial
	                                 slabs */
	unsigned long total_objects;  /* total_objects: in all slabs */
	unsigned long slabs;          /* slabs */
	unsigned long partial;        /* partial: partial and empty slabs
	                                 (SLUB keeps both on its partial list) */
	unsigned long cpu_slabs;      /* cpu_slabs: threads with a cache of
	                                 its objects (a magazine) */
	unsigned long pages;          /* pages of all its slabs (a slab of
	                                 the fallback order has fewer than
	                                 slabs << order counts) */
	unsigned long reclaimable_pages; /* of them, the pages of its empty
	                                 slabs, which direct reclaim gives
	                                 back; 0 under SLAB_NO_REAP */
};

/*
 * kmem_cache_get_info - fill the first @size bytes of @info (pass
 * sizeof(*info): a program built against an older, shorter struct keeps
 * working).  Returns 0.  Never blocks for memory; any thread.
 */
int kmem_cache_get_info(struct kmem_cache *cache, struct kmem_cache_info *info,
			size_t size);

/*
 * The statistics counters of a kernel built with CONFIG_SLUB_STATS, in the
 * kernel's order; kmem_cache_event_name gives the sysfs file name of each
 * ("alloc_fastpath", ...).  Those that mean something here:
 *   alloc_fastpath      allocations served by the thread's cache (magazine)
 *   alloc_slowpath      allocations that found the thread's magazines
 *                       empty (a trade with the depot or a refill from
 *                       the slabs; every allocation of a debug cache)
 *   free_fastpath       frees into the thread's cache
 *   free_slowpath       frees that found the thread's magazines full (a
 *                       trade with the depot or a flush to the slabs;
 *                       every free of a debug cache)
 *   free_add_partial    a free made a full slab partial
 *   free_remove_partial a free emptied a slab and it went back to the pages
 *   alloc_from_partial  a refill took objects from a partial slab
 *   alloc_slab          a new slab came from the page allocator
 *   alloc_refill        a full magazine came from the depot
 *   free_slab           a slab went back to the page allocator
 *   cpuslab_flush       a thread's magazine flushed without serving a free
 *                       (tuning, shrink, reclaim, a thread's exit)
 *   order_fallback      a new slab had to use the minimal order
 *   cpu_partial_free    a full magazine went to the depot
 *   cpu_partial_drain   a full magazine was drained from the depot into
 *                       the slabs
 * The rest (free_frozen, alloc_node_mismatch, deactivate_*, cmpxchg_*,
 * cpu_partial_alloc, cpu_partial_node) have no counterpart and stay 0.
 */
enum kmem_cache_event {
	KMEM_ALLOC_FASTPATH, KMEM_ALLOC_SLOWPATH, KMEM_FREE_FASTPATH,
	KMEM_FREE_SLOWPATH, KMEM_FREE_FROZEN, KMEM_FREE_ADD_PARTIAL,
	KMEM_FREE_REMOVE_PARTIAL, KMEM_ALLOC_FROM_PARTIAL, KMEM_ALLOC_SLAB,
	KMEM_ALLOC_REFILL, KMEM_ALLOC_NODE_MISMATCH, KMEM_FREE_SLAB,
	KMEM_CPUSLAB_FLUSH, KMEM_DEACTIVATE_FULL, KMEM_DEACTIVATE_EMPTY,
	KMEM_DEACTIVATE_TO_HEAD, KMEM_DEACTIVATE_TO_TAIL,
	KMEM_DEACTIVATE_REMOTE_FREES, KMEM_DEACTIVATE_BYPASS,
	KMEM_ORDER_FALLBACK, KMEM_CMPXCHG_DOUBLE_CPU_FAIL,
	KMEM_CMPXCHG_DOUBLE_FAIL, KMEM_CPU_PARTIAL_ALLOC, KMEM_CPU_PARTIAL_FREE,
	KMEM_CPU_PARTIAL_NODE, KMEM_CPU_PARTIAL_DRAIN,
	KMEM_NR_EVENTS
};

/* kmem_cache_event_name - "alloc_fastpath" ...; NULL past KMEM_NR_EVENTS */
const char *kmem_cache_event_name(unsigned int event);

/*
 * kmem_cache_get_events - the first @nr counters (at most KMEM_NR_EVENTS)
 * into @ev[], each the sum over every thread since creation or the last
 * clear.  Returns how many were filled.  Never blocks for memory.
 */
int kmem_cache_get_events(struct kmem_cache *cache, unsigned long *ev,
			  unsigned int nr);

/* kmem_cache_clear_event - set counter @event to 0 (as writing 0 to its
   sysfs file does).  Returns 0 or -EINVAL. */
int kmem_cache_clear_event(struct kmem_cache *cache, unsigned int event);

/*
 * One caller of a cache with owner tracking (SLAB_STORE_USER): the objects
 * now allocated whose last allocation (or, for free_calls, last free) came
 * from @addr, as SLUB's alloc_calls and free_calls files show them.
 */
struct kmem_cache_location {
	unsigned long addr;           /* caller's return address; 0: none */
	unsigned long count;          /* objects */
	unsigned long min_age, max_age, sum_age;  /* ms since it happened */
	int min_pid, max_pid;         /* thread ids */
	unsigned long cpus;           /* bit n: seen on cpu n (n < 64) */
};

/*
 * kmem_cache_get_locations - aggregate the allocated objects of @cache by
 * caller, sorted by address, into @loc[0..@nr).  @free_calls: by the
 * track of their last free instead of their allocation.  Returns the
 * number of locations, -ENOSPC when more than @nr exist (call again with
 * more room), or -EINVAL when @cache has no owner tracking.  Holds the
 * cache's lock during the walk; never blocks for memory.
 */
int kmem_cache_get_locations(struct kmem_cache *cache, int free_calls,
			     struct kmem_cache_location *loc, size_t nr);

/*
 * One look at every slab of a cache (kmem_cache_get_slabs).  A slab's
 * map has a byte per slot, lowest address first, each one of:
 */
#define KMEM_OBJ_INUSE   '#'   /* allocated, or in a magazine not read */
#define KMEM_OBJ_FREE    '.'   /* on the slab's free list */
#define KMEM_OBJ_PARKED  'P'   /* free, in a thread's magazine */
#define KMEM_OBJ_SHARED  'S'   /* free, in the cache's shared array */

/* The list a slab is on: its next allocations come from the first
   partial slab, else the first empty one */
enum { KMEM_SLAB_PARTIAL, KMEM_SLAB_FULL, KMEM_SLAB_EMPTY };

struct kmem_cache_slab {
	unsigned long addr;          /* its first byte */
	unsigned int order;          /* it is 2^order pages */
	unsigned int objects;        /* slots */
	unsigned int inuse;          /* slots off its free list (slabinfo's
	                                active objects), parked included */
	unsigned int parked;         /* of them, KMEM_OBJ_PARKED */
	unsigned int shared;         /* of them, KMEM_OBJ_SHARED */
	int list;                    /* KMEM_SLAB_* */
	int corrupt;                 /* the free list left the slab, looped
	                                or was not objects - inuse long */
	char *map;                   /* [objects]: KMEM_OBJ_* by slot */
	unsigned short *freelist;    /* [listed]: the free slots in the
	                                order the free list links them, the
	                                next one allocated first */
	unsigned int listed;         /* objects - inuse, unless corrupt */
};

/* kmem_cache_get_slabs' buffers (in) and what it found (out) */
struct kmem_cache_slabs {
	struct kmem_cache_slab *slab; /* in: room for nr slabs */
	size_t nr;
	char *map;                   /* in: room for nr_objs slots */
	unsigned short *freelist;    /* in: room for nr_objs slots */
	size_t nr_objs;
	size_t shown;                /* out: slab[0 .. shown), by address */
	unsigned long slabs;         /* out: slabs the cache has */
	unsigned int unseen;         /* out: magazines not read, their
	                                threads being inside the allocator:
	                                their objects show as in use */
};

/*
 * kmem_cache_get_slabs - a consistent picture of every slab of @cache
 * Fills @w->slab[] with the cache's slabs as they stand at one moment:
 * the partial ones first, then the full, then the empty, as many as
 * fit in @w->nr records and @w->nr_objs map slots (each slab takes
 * slab->objects of @w->map and of @w->freelist), then sorts them by
 * address.  Objects in the shared array and in the magazines of threads
 * outside the allocator are told apart from allocated ones (other
 * threads are paused out of their magazines for the walk, as
 * kmem_cache_shrink drains them; nothing is moved).  Returns 0, or
 * -EINVAL for buffers missing.  Allocates nothing; takes the cache's
 * locks, so it may wait for other threads' allocations; any thread but
 * from a constructor or an output hook.
 */
int kmem_cache_get_slabs(struct kmem_cache *cache, struct kmem_cache_slabs *w);

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
 * values out of range).
 */
int slabinfo_write(const char *buf, size_t len);
#define SLABINFO_WRITE_MAX 128

/*
 * slab_debug_setup - apply a kernel-style slab_debug= option string:
 *   "FZPU"              those checks on every cache created from now on
 *   "FZ,cache1,cache2"  only on the named caches ('*' globs allowed)
 *   "-"                 none; "" or "FZPU" letters as the kernel takes them
 * Letters: F consistency checks, Z red zones, P poisoning, U owner tracking,
 * A the SLAB_FAILSLAB mark (O and T are accepted and ignored).  Several blocks may be joined by ';'.
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

/*
 * The kernel's cache filter, beside the name filter of failslab_attr:
 * while it is on, only caches marked SLAB_FAILSLAB (at creation, by
 * slab_debug=A, or by kmem_cache_set_failslab) can fail, and no large
 * kmalloc.  failslab_set leaves it as it is.  Since SCULLC_0.2.
 */
void failslab_set_cache_filter(int on);
int failslab_get_cache_filter(void);
/* kmem_cache_set_failslab - mark @cache SLAB_FAILSLAB (@on) or clear the
   mark, at once; kmem_cache_get_info's flags show it.  Returns 0. */
int kmem_cache_set_failslab(struct kmem_cache *cache, int on);
/*
 * The kernel's fault_attr verbose: 0 quiet (the library's default), 1 a
 * report of each failure ("FAULT_INJECTION: forcing a failure." and the
 * attributes), 2 also the cache and the size; at most 10 reports in 5
 * seconds, as the kernel's rate limit.  Since SCULLC_0.2.
 */
void failslab_set_verbose(unsigned long level);
unsigned long failslab_get_verbose(void);

/*
 * scullc_set_output - where the library's reports go: slab_debug=
 * corruption reports, kmem_cache_validate's findings, the objects a
 * kmem_cache_destroy found still allocated, warnings about SCULLC_*
 * environment variables.  @fn gets each report whole, in one call, with
 * @arg; NULL sends them to stderr again (the default).  @fn runs under the
 * library's report lock: it must not call libscullc.  Since SCULLC_0.2.
 */
void scullc_set_output(void (*fn)(const char *msg, void *arg), void *arg);

#ifdef __cplusplus
}
#endif
#endif /* SCULLC_SLAB_H */
