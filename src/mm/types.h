/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* types.h - libscullc's private types, their invariants and constants */
#ifndef SCULLC_TYPES_H
#define SCULLC_TYPES_H

/*
 * Glossary, bottom-up:
 *
 *   chunk       a CHUNK_SIZE (4 MiB) region mapped from the OS, aligned to
 *               its size, with a struct page for each of its pages.
 *   page        4 KiB.  Blocks of 2^order pages are handed out by a buddy
 *               allocator per zone; the first page of a block is its head.
 *   zone        Normal (bounded by scullc_set_limit) or DMA (16 MiB): free
 *               lists per order, a byte limit and an emergency reserve.
 *   slab        one block of 2^oo.order pages cut into oo.objects slots.
 *   slot        [left red zone][object][right red zone][free pointer]
 *               [alloc track][free track][padding] - only the object is
 *               always there; the rest depends on flags (slab_debug=).
 *   cache       struct kmem_cache: objects of one size, its slabs on
 *               partial/full/free lists, a depot, thread magazines.
 *   magazine    struct magazine: a LIFO stack of up to `limit` free
 *               objects of one cache (Bonwick's magazine).
 *   array_cache a thread's two magazines of one cache, loaded and
 *               previous (the SLAB allocator's per-cpu array_cache, with
 *               Bonwick's pair in it).
 *   depot       struct depot: the cache's stacks of full and of empty
 *               magazines, between the threads' magazines and the slabs.
 *
 * Counting objects of a cache (protected by its list_lock):
 *   total_objects == sum over its slabs of slab->objects
 *   nr_pages      == sum over its slabs of 2^order
 *   free_objects  == sum over its slabs of (objects - inuse)
 *   active_objs   == total_objects - free_objects   (slabinfo's column;
 *                    objects in magazines and the depot count as active,
 *                    as they did under the kernel's SLAB)
 *   objects the users hold == active_objs - sum over threads of (avail +
 *                    prev_avail) - depot.nr_full * depot.mag_size
 *
 * Locks: the lock order is enum lock_rank (src/lock.h), the one place it
 * is written, and a debug build checks it (lock_assert_held at the top of
 * every function that says "Locked." or ends in _locked).  Each file's
 * opening block says what its locks protect.
 */

/*
 * struct page.  A block of pages is either free (its head on a zone free
 * list) or held (by a slab, a large kmalloc, a __get_free_pages caller).
 * The fields split by who may write them, so that no field is ever written
 * by one thread while another reads it, and no atomic is needed:
 *   - buddy and order are the buddy allocator's: written only under
 *     zone->lock (split, merge, hand out, take back).  The merge test reads
 *     a possible buddy's buddy and order under that lock; the holder of a
 *     block reads its head's order without it, which is safe because
 *     nobody writes it while the block is held.
 *   - flags (PG_head/PG_tail/PG_slab/PG_large), compound_head and the slab
 *     and large-block fields are the holder's: set up under zone->lock when
 *     the block is handed out, then written with plain stores by the holder
 *     only (slab.c adds and clears PG_slab, kmalloc.c PG_large) until it is
 *     given back.  While a block is free its head's flags (PG_dirty) are
 *     the zone's, written and read under zone->lock only, and only once
 *     buddy says the block is free.  The merge test never reads the flags
 *     of a held block, and reaches only the heads of blocks (a buddy
 *     index is aligned to its order), whose buddy is false while held.  Another thread that reads them (kfree
 *     of an object allocated elsewhere) is ordered after the holder's
 *     writes by whatever passed it the object (list_lock, or the caller's
 *     own synchronisation).
 * This costs the fast paths nothing: the alternative rule, every access to
 * flags atomic in the kernel's set_bit/clear_bit style, would add a locked
 * read-modify-write to each slab grown or released and each large block.
 *
 * Words read without a lock by design, each an atomic with the weakest
 * order that is enough (the reason is next to each declaration):
 *   chunk_table and its entries   release/acquire (page_alloc.c)
 *   the page shrinker             release/acquire (page_alloc.c)
 *   page_nr_reclaims, page_nr_failures
 *                                 relaxed statistics (page_alloc.c, read
 *                                 by zone.c)
 *   zone->allocstall              relaxed statistics (page_alloc.c)
 *   page_huge_mode, huge_on       relaxed (page_alloc.c; set by zone.c)
 *   kmem_cache->gen               relaxed (struct kmem_cache, below)
 *   array_cache hit counters      owner's relaxed stores (struct array_cache)
 *   mag_thread busy and claim     an asymmetric Dekker: relaxed + compiler
 *                                 barrier + the reclaimer's membarrier;
 *                                 release/acquire for the drain (mag_enter)
 *   failslab_enabled              relaxed (failslab.c)
 *   debug_panic, size_hint, start_ms  relaxed (debug.c, slabinfo.c, os.c)
 */

#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <scullc/gfp.h>
#include <scullc/slab.h>
#include <scullc/mempool.h>
#include <scullc/trace.h>

#include "list.h"
#include "lock.h"

#define SCULLC_API __attribute__((visibility("default")))
/* SCULLC_ALIAS - export @name also as scullc_@name, the same function, in
   the file that defines it (GCC's alias must be) */
#define SCULLC_ALIAS(name) \
	extern __typeof__(name) scullc_##name \
		__attribute__((alias(#name), visibility("default")))

#define _RET_IP_    ((unsigned long)__builtin_return_address(0))
#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define ALIGN(x, a)       (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a)  ((x) & ~((__typeof__(x))(a) - 1))
#define MIN(a, b)         ((a) < (b) ? (a) : (b))
#define MAX(a, b)         ((a) > (b) ? (a) : (b))

#define CACHE_LINE_SIZE   64
#define CHUNK_SHIFT       (PAGE_SHIFT + MAX_PAGE_ORDER)
#define CHUNK_SIZE        (1UL << CHUNK_SHIFT)
#define CHUNK_PAGES       (1UL << MAX_PAGE_ORDER)
#define DMA_ZONE_LIMIT    (16UL << 20)

/* SLUB's geometry limits */
#define SLUB_MAX_ORDER    3           /* PAGE_ALLOC_COSTLY_ORDER */
#define MIN_PARTIAL       5
#define MAX_PARTIAL       10
#define MAX_OBJS_PER_PAGE 32767

/* Debug byte patterns, the kernel's (include/linux/poison.h) */
#define SLUB_RED_INACTIVE 0xbb        /* red zone of a free object */
#define SLUB_RED_ACTIVE   0xcc        /* red zone of an allocated object */
#define POISON_INUSE      0x5a        /* slab padding */
#define POISON_FREE       0x6b        /* a free object's bytes */
#define POISON_END        0xa5        /* a free object's last byte */

/* ------------------------------------------------------------------ */
/* Pages, chunks, zones                                                */

/* The flags of an allocated block: its holder's (see "struct page" in the
   lock rules above).  A free block is marked by page->buddy instead. */
enum page_flags {
	PG_head  = 1u << 1,       /* head of an allocated block */
	PG_tail  = 1u << 2,       /* other page of an allocated block */
	PG_slab  = 1u << 3,       /* the block is a slab */
	PG_large = 1u << 4,       /* the block is a large kmalloc */
	PG_noaccount = 1u << 6,   /* allocated with __GFP_NOACCOUNT: counted
	                             in zone->noaccount, not zone->used */
	PG_dirty = 1u << 5,       /* free block (page->buddy): its pages may
	                             be resident (not discarded since last
	                             used); page_alloc.c's decay gives them
	                             back */
};

struct page {
	unsigned int flags;          /* PG_*; the block's holder's */
	unsigned short order;        /* free block or head: the block's order;
	                                written under zone->lock only */
	bool buddy;                  /* head of a free block on a free list
	                                (the kernel's PageBuddy); protected by
	                                zone->lock */
	struct page *compound_head;  /* PG_tail: the head page */
	struct list_head lru;        /* buddy: zone free list; PG_slab: the
	                                cache's partial/full/free list */
	/* PG_slab head pages, protected by slab_cache->list_lock: */
	struct kmem_cache *slab_cache;
	void *freelist;              /* first free object, NULL when full */
	unsigned int inuse;          /* objects not on freelist */
	unsigned int objects;        /* slots in this slab */
	/* PG_large head pages: */
	size_t large_size;           /* bytes asked of kmalloc */
};

struct zone;

struct chunk {
	void *base;                  /* CHUNK_SIZE aligned */
	struct zone *zone;
	struct list_head list;       /* zone->chunks, protected by zone->lock */
	unsigned long free_pages;    /* pages of it on free lists */
	/* of them, in each 2 MiB unit (a huge page); zone->lock */
	unsigned short unit_free[CHUNK_SIZE >> 21];
	unsigned char unit_split;    /* bit u: unit u was split by a purge
	                                and marked MADV_NOHUGEPAGE; zone->lock */
	struct page pages[CHUNK_PAGES];
};

enum zone_type { ZONE_NORMAL, ZONE_DMA, NR_ZONES };

struct zone {
	const char *name;                          /* "Normal", "DMA" */
	struct mutex lock;
	pthread_cond_t freed;                      /* __GFP_NOFAIL waiters */
	size_t limit;                              /* bytes; protected by lock */
	size_t reserve;                            /* bytes only __GFP_HIGH gets */
	size_t used;                               /* bytes handed out */
	size_t noaccount;                          /* of them, bytes handed out
	                                              with __GFP_NOACCOUNT: not
	                                              in used, nor limited by
	                                              limit */
	size_t mapped;                             /* bytes of chunks mapped */
	size_t dirty;                              /* bytes of free blocks
	                                              flagged PG_dirty */
	size_t dirty_low;                          /* the least dirty has
	                                              been since epoch */
	unsigned long epoch;                       /* os_coarse_ms() when the
	                                              decay epoch began */
	unsigned long pgalloc, pgfree;             /* pages handed out and
	                                              given back, ever (the
	                                              kernel's PGALLOC and
	                                              PGFREE events);
	                                              protected by lock */
	atomic_ulong allocstall;                   /* direct reclaims entered
	                                              for this zone; relaxed */
	struct list_head free_area[MAX_PAGE_ORDER + 1];
	unsigned long nr_free[MAX_PAGE_ORDER + 1]; /* blocks per list */
	struct list_head chunks;
	/* used + reserve <= limit for every allocation without __GFP_HIGH;
	   used <= limit always; noaccount <= SCULLC_NOACCOUNT_MAX; dirty_low <= dirty; between page allocator
	   calls, dirty <= dirty_max (page_alloc.c). */
};

/* ------------------------------------------------------------------ */
/* Caches and slabs                                                    */

struct kmem_cache_order_objects {
	unsigned int order;          /* slab is 2^order pages */
	unsigned int objects;        /* slots per slab */
};

/*
 * A thread's remote-drain handshake with reclaim (magazine.c).  busy is
 * written by the owner only, claim by a reclaimer under cache_mutex only;
 * each reads the other's.  A reclaimer may empty the thread's magazines
 * while it holds claim with busy seen 0 (see mag_enter).
 */
struct mag_thread {
	_Atomic unsigned int busy;   /* the owner's depth inside magazine code */
	_Atomic unsigned int claim;  /* nonzero: a reclaimer may be draining */
	bool idle;                   /* claimed and seen idle; cache_mutex */
	struct list_head list;       /* every thread's; cache_mutex */
};

/*
 * A magazine: its rounds are free objects, round[0 .. n) for n the count
 * its holder keeps (array_cache's avail or prev_avail; a magazine in the
 * depot is full or empty); round[n .. size) are NULL, so that no copy of
 * a pointer handed out stays behind.  Whoever holds it (a thread's
 * array_cache, or the depot under its lock) is the only one to touch it.
 */
struct magazine {
	unsigned int size;           /* rounds it holds when full: the limit
	                                of the cache when it was made */
	struct magazine *next;       /* on a depot stack */
	void *round[];
};

/*
 * The depot (depot.c): full and empty magazines of one cache, which a
 * thread trades whole for its own, in O(1) under the depot's lock.
 *   nr_full <= max_full, nr_empty <= max_full
 *   every magazine on full holds mag_size objects; on empty, none
 *   sharedavail (slabinfo) == nr_full * mag_size
 */
struct depot {
	struct mutex *lock;          /* one of depot.c's, shared */
	/* protected by lock: */
	struct magazine *full;       /* stack of full magazines */
	struct magazine *empty;      /* stack of empty magazines */
	unsigned int nr_full, nr_empty;
	unsigned int max_full;       /* the cache's sharedfactor */
	unsigned int mag_size;       /* the cache's limit: only magazines of
	                                this size are taken */
	unsigned long stat[KMEM_NR_EVENTS];  /* its events (slab.c counts
	                                        the rest in the cache's) */
};

/*
 * A thread's magazines of one cache: the loaded one, which the fast path
 * pops and pushes (its rounds are entry[], its count avail), and the
 * previous one, full or empty, swapped in when the loaded one runs out or
 * over (Bonwick's pair: a thread that allocates and frees across a
 * magazine's edge does not go to the depot each time).  Only the owner
 * thread touches them, but for a reclaimer that claimed the idle owner
 * (struct mag_thread).
 *   prev_avail == 0 || prev_avail == limit
 */
struct array_cache {
	unsigned int avail;          /* objects in entry[], 0..limit */
	unsigned int limit;          /* capacity of each magazine */
	void **entry;                /* loaded->round: entry[avail - 1] is
	                                the hottest; entry[avail .. limit)
	                                are NULL */
	unsigned int batchcount;     /* objects moved per slab refill or
	                                flush */
	unsigned int gen;            /* cache->gen when this was set up */
	struct magazine *loaded;
	struct magazine *prev;       /* full or empty */
	unsigned int prev_avail;     /* objects in prev: 0 or limit */
	struct kmem_cache *cache;
	struct list_head list;       /* cache->thread_acs; protected by cache_mutex */
	struct array_cache **slot;   /* the owner's pointer to this */
	struct mag_thread *owner;    /* NULL: an orphan after fork */
	unsigned long alloc_hit, alloc_miss;  /* written by the owner only,   */
	unsigned long free_hit, free_miss;    /* read by others with relaxed  */
	                                      /* atomic loads                 */
};

struct kmem_cache {
	/* Set at creation, read-only afterwards (but for cache_apply_debug on
	   a cache never used yet, under cache_mutex and list_lock) */
	unsigned int id;             /* index into each thread's magazines */
	unsigned long flags;         /* SLAB_*, slab_debug= flags merged in */
	unsigned long created_flags; /* as kmem_cache_create was given them */
	unsigned int object_size;    /* size asked for */
	unsigned int size;           /* slot size (slabinfo's objsize) */
	unsigned int align;
	unsigned int offset;         /* free pointer, from the object start */
	unsigned int inuse;          /* object + right red zone: where the
	                                free pointer (if outside) and tracks
	                                begin, from the object start */
	unsigned int red_left_pad;   /* left red zone, before each object */
	struct kmem_cache_order_objects oo;   /* preferred slab geometry */
	struct kmem_cache_order_objects min;  /* fallback when oo fails */
	unsigned int min_partial;    /* empty slabs kept by frees */
	void (*ctor)(void *);
	void (*dtor)(void *);
	char name[KMEM_CACHE_NAME_MAX + 1];

	/* Tunables: written under cache_mutex and list_lock */
	unsigned int limit, batchcount, shared;
	_Atomic unsigned int gen;    /* bumped by tuning and reclaim: a
	                                magazine with another gen is flushed
	                                and set up again by its owner; low
	                                bit: slow path only (CACHE_GEN_SLOW).
	                                Relaxed is enough: it carries no data;
	                                the owner rereads gen with the
	                                tunables under list_lock */

	atomic_bool failslab;        /* SLAB_FAILSLAB (never in flags): the
	                                cache filter lets it fail.  Set at
	                                creation, changed at any time by
	                                kmem_cache_set_failslab; relaxed, as
	                                failslab_enabled (failslab.c) */

	struct mutex list_lock;
	/* protected by list_lock: */
	struct list_head partial;    /* 0 < inuse < objects */
	struct list_head full;       /* inuse == objects */
	struct list_head free;       /* inuse == 0 */
	unsigned long nr_partial, nr_full, nr_free;
	unsigned long total_objects, free_objects;
	unsigned long nr_pages;      /* pages of all its slabs */
	unsigned long stat[KMEM_NR_EVENTS];      /* the slow path's events
	                                            (fast path: magazines) */
	unsigned long stat_base[KMEM_NR_EVENTS]; /* event counts at their last
	                                            clear: reads subtract it */
	unsigned long shrinks, alloc_failed;
	unsigned long exited_alloc_hit, exited_free_hit; /* from gone threads */
	unsigned long internal_objs; /* of the active objects, the allocator's
	                                own (kmalloc_nomag: magazines, slot
	                                arrays) */

	struct depot depot;          /* its own lock */

	/* protected by cache_mutex: */
	struct list_head thread_acs; /* every thread's magazines of this cache */
	struct list_head list;       /* slab_caches, newest first */
};

/* Debug owner tracking (SLAB_STORE_USER): two per slot, alloc then free */
struct track {
	unsigned long addr;          /* caller's return address */
	unsigned long when;          /* ms since the library started */
	int tid;                     /* thread id */
	int cpu;                     /* cpu it ran on */
};
enum track_item { TRACK_ALLOC, TRACK_FREE };

/* Internal cache flag: free objects are poisoned (SLAB_POISON, no ctor) */
#define __OBJECT_POISON 0x80000000UL

#endif /* SCULLC_TYPES_H */
