/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* internal.h - libscullc's private types, invariants and cross-file API */
#ifndef SCULLC_INTERNAL_H
#define SCULLC_INTERNAL_H

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
 *               partial/full/free lists, a shared array, thread magazines.
 *   magazine    struct array_cache: a thread's LIFO stack of free objects
 *               of one cache (the SLAB allocator's per-cpu array_cache).
 *   depot       the cache's shared array_cache, between magazines and slabs.
 *
 * Counting objects of a cache (protected by its list_lock):
 *   total_objects == sum over its slabs of slab->objects
 *   free_objects  == sum over its slabs of (objects - inuse)
 *   active_objs   == total_objects - free_objects   (slabinfo's column;
 *                    objects in magazines and the depot count as active,
 *                    as they did under the kernel's SLAB)
 *   objects the users hold == active_objs - sum(magazine avail) - depot avail
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
 *   nr_reclaims, nr_failures      relaxed statistics (page_alloc.c)
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

#include "list.h"
#include "lock.h"

#ifdef HAVE_VALGRIND_MEMCHECK_H
# include <valgrind/memcheck.h>
#else
# define VALGRIND_MALLOCLIKE_BLOCK(addr, size, rz, zeroed) ((void)0)
# define VALGRIND_FREELIKE_BLOCK(addr, rz) ((void)0)
# define VALGRIND_MAKE_MEM_NOACCESS(addr, len) ((void)0)
# define VALGRIND_MAKE_MEM_UNDEFINED(addr, len) ((void)0)
# define VALGRIND_MAKE_MEM_DEFINED(addr, len) ((void)0)
# define VALGRIND_DISABLE_ERROR_REPORTING ((void)0)
# define VALGRIND_ENABLE_ERROR_REPORTING ((void)0)
# define RUNNING_ON_VALGRIND 0
#endif

/*
 * AddressSanitizer's manual poisoning, in a build with -fsanitize=address
 * (GCC says so with __SANITIZE_ADDRESS__, clang with __has_feature).  What
 * memcheck is told about slab objects, ASan is told too, through the
 * mem_* and obj_* wrappers below: free objects, red zones, free pages and
 * kmalloc slack are poisoned, so a use after kmem_cache_free or kfree is
 * reported as "use-after-poison".  The allocator itself reaches into
 * poisoned memory only through the same wrappers (free pointers, debug
 * checks), which open the bytes around the access.
 */
#if defined(__SANITIZE_ADDRESS__)
# define SCULLC_ASAN 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define SCULLC_ASAN 1
# endif
#endif
#ifdef SCULLC_ASAN
# include <sanitizer/asan_interface.h>
#else
# define SCULLC_ASAN 0
# define ASAN_POISON_MEMORY_REGION(addr, len) ((void)(addr), (void)(len))
# define ASAN_UNPOISON_MEMORY_REGION(addr, len) ((void)(addr), (void)(len))
#endif

/* Memory no caller may touch (a free object, a red zone, slack) */
#define mem_noaccess(addr, len) do { \
	VALGRIND_MAKE_MEM_NOACCESS(addr, len); \
	ASAN_POISON_MEMORY_REGION(addr, len); \
} while (0)
/* Addressable, contents not yet written */
#define mem_undefined(addr, len) do { \
	VALGRIND_MAKE_MEM_UNDEFINED(addr, len); \
	ASAN_UNPOISON_MEMORY_REGION(addr, len); \
} while (0)
/* Addressable and initialised */
#define mem_defined(addr, len) do { \
	VALGRIND_MAKE_MEM_DEFINED(addr, len); \
	ASAN_UNPOISON_MEMORY_REGION(addr, len); \
} while (0)
/* An object of @len bytes handed out: memcheck's malloc, ASan's unpoison */
#define obj_handed_out(obj, len, zeroed) do { \
	VALGRIND_MALLOCLIKE_BLOCK(obj, len, 0, zeroed); \
	ASAN_UNPOISON_MEMORY_REGION(obj, len); \
} while (0)
/* An object of @len bytes taken back: memcheck's free, ASan's poison */
#define obj_taken_back(obj, len) do { \
	VALGRIND_FREELIKE_BLOCK(obj, 0); \
	ASAN_POISON_MEMORY_REGION(obj, len); \
} while (0)

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
	struct page pages[CHUNK_PAGES];
};

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

/* A magazine.  Only its owner thread touches avail and entry[], but for
   a reclaimer that claimed the idle owner (struct mag_thread). */
struct array_cache {
	unsigned int avail;          /* objects in entry[], 0..limit */
	unsigned int limit;          /* capacity of entry[] */
	unsigned int batchcount;     /* objects moved per refill or flush */
	unsigned int gen;            /* cache->gen when this was set up */
	struct kmem_cache *cache;
	struct list_head list;       /* cache->thread_acs; protected by cache_mutex */
	struct array_cache **slot;   /* the owner's pointer to this magazine */
	struct mag_thread *owner;    /* NULL for a depot */
	unsigned long alloc_hit, alloc_miss;  /* written by the owner only,   */
	unsigned long free_hit, free_miss;    /* read by others with relaxed  */
	                                      /* atomic loads                 */
	void *entry[];               /* entry[avail - 1] is the hottest;
	                                entry[avail .. limit) are NULL */
};

struct kmem_cache {
	/* Set at creation, read-only afterwards (but for slab_apply_debug on
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

	struct mutex list_lock;
	/* protected by list_lock: */
	struct list_head partial;    /* 0 < inuse < objects */
	struct list_head full;       /* inuse == objects */
	struct list_head free;       /* inuse == 0 */
	unsigned long nr_partial, nr_full, nr_free;
	unsigned long total_objects, free_objects;
	struct array_cache *depot;   /* shared array; NULL when shared == 0 */
	unsigned long stat[KMEM_NR_EVENTS];      /* the slow path's events
	                                            (fast path: magazines) */
	unsigned long stat_base[KMEM_NR_EVENTS]; /* event counts at their last
	                                            clear: reads subtract it */
	unsigned long shrinks, alloc_failed;
	unsigned long exited_alloc_hit, exited_free_hit; /* from gone threads */
	unsigned long internal_objs; /* of the active objects, the allocator's
	                                own (kmalloc_nomag: magazines, depots) */

	/* protected by cache_mutex: */
	struct list_head thread_acs; /* every thread's magazine of this cache */
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

/* Count slow-path event @item of @s.  Under s->list_lock. */
static inline void slab_stat(struct kmem_cache *s, enum kmem_cache_event item)
{
	lock_assert_held(&s->list_lock);
	s->stat[item]++;
}

static inline bool kmem_cache_debug(const struct kmem_cache *s)
{
	return (s->flags & SLAB_DEBUG_FLAGS) != 0;
}

/* The smallest order whose block holds @size bytes */
static inline unsigned int get_order(size_t size)
{
	if (size <= PAGE_SIZE)
		return 0;
	return 64 - (unsigned int)__builtin_clzl((size - 1) >> PAGE_SHIFT);
}

/* Where the tracks (SLAB_STORE_USER) begin, from the object start. */
static inline unsigned int slab_info_end(const struct kmem_cache *s)
{
	return s->offset >= s->inuse ? s->inuse + sizeof(void *) : s->inuse;
}

void *page_address(const struct page *page);

/* Object @i of @slab (after its left red zone) */
static inline void *slab_object(const struct kmem_cache *s,
				const struct page *slab, unsigned int i)
{
	return (char *)page_address(slab) + (size_t)i * s->size +
	       s->red_left_pad;
}

/* The free pointer of a free object, hidden from memcheck's and ASan's eyes */
static inline void *get_freepointer(const struct kmem_cache *s, void *object)
{
	void **fp = (void **)((char *)object + s->offset);
	void *p;

	mem_defined(fp, sizeof(*fp));
	p = *fp;
	mem_noaccess(fp, sizeof(*fp));
	return p;
}

static inline void set_freepointer(const struct kmem_cache *s, void *object,
				   void *next)
{
	void **fp = (void **)((char *)object + s->offset);

	mem_undefined(fp, sizeof(*fp));
	*fp = next;
	mem_noaccess(fp, sizeof(*fp));
}

/* ------------------------------------------------------------------ */
/* "os.c" - the only file that talks to the operating system           */

void *os_map(size_t size, size_t align);       /* NULL, errno ENOMEM */
void os_unmap(void *addr, size_t size);        /* keeps errno */
void os_discard(void *addr, size_t size);      /* RSS drops, reads zero */
void os_populate(void *addr, size_t size);     /* fault in now; best effort */
unsigned int os_nr_cpus(void);
size_t os_total_ram(void);
unsigned long os_now_ms(void);                 /* since the library started */
unsigned long os_coarse_ms(void);              /* monotonic, tick resolution */
bool os_membarrier_register(void);             /* once, before os_membarrier */
bool os_membarrier(void);                      /* a barrier on every thread's CPU */
int os_tid(void);
int os_cpu(void);

/* "page_alloc.c" */
void zone_fork_lock(void);                     /* for fork.c */
void zone_fork_unlock(void);
void zone_fork_reinit(void);
#define VA_BITS           47
#define TABLE_ENTRIES     (1UL << (VA_BITS - CHUNK_SHIFT))
extern struct chunk *_Atomic *_Atomic chunk_table;
void page_alloc_init(void);
struct page *alloc_pages(gfp_t gfp, unsigned int order);  /* NULL, errno */
void __free_pages(struct page *page, unsigned int order);

/*
 * might_alloc - an allocation with @gfp is about to run (the kernel's
 * might_alloc).  One that may reclaim (__GFP_DIRECT_RECLAIM) runs the
 * shrinker, which takes cache_mutex and every list_lock, so it may not
 * hold any of them; any allocation of pages takes a zone lock, and none
 * happens under a list_lock (slab.c).  Checked in debug builds.
 */
static inline void might_alloc(gfp_t gfp)
{
	if (gfpflags_allow_blocking(gfp) && !(gfp & __GFP_NORETRY))
		lock_assert_none_from(LOCK_RANK_CACHE,
				      "an allocation that may reclaim");
	else
		lock_assert_none_from(LOCK_RANK_LIST, "an allocation");
}
void *page_address(const struct page *page);

/*
 * virt_to_page - the struct page of the page holding @addr
 * Returns NULL when @addr is not in a chunk of this allocator (a stack or
 * malloc address, or a chunk given back).  O(1) and lock-free, inline for
 * the free fast path; the caller must own the memory for the answer to
 * stay true.
 */
static inline struct page *virt_to_page(const void *addr)
{
	struct chunk *_Atomic *table;
	uintptr_t a = (uintptr_t)addr;
	struct chunk *c;

	table = atomic_load_explicit(&chunk_table, memory_order_acquire);
	if (unlikely(!table || (a >> CHUNK_SHIFT) >= TABLE_ENTRIES))
		return NULL;
	c = atomic_load_explicit(&table[a >> CHUNK_SHIFT],
				 memory_order_acquire);
	if (unlikely(!c))
		return NULL;
	return &c->pages[(a - (uintptr_t)c->base) >> PAGE_SHIFT];
}

/* virt_to_head_page - like virt_to_page, but the head of a tail's block */
static inline struct page *virt_to_head_page(const void *addr)
{
	struct page *page = virt_to_page(addr);

	if (page && (page->flags & PG_tail))
		return page->compound_head;
	return page;
}
/* Discard every dirty free page of every zone, unmap wholly free chunks;
   the bytes given back.  No lock held (kmem_cache_shrink, scullc_purge). */
size_t page_trim(void);
size_t page_dirty_bytes(void);    /* free bytes kept resident, all zones */
/* fn frees what it can and returns the pages it gave back */
void page_set_shrinker(unsigned long (*fn)(void));
unsigned long (*page_get_shrinker(void))(void);  /* NULL when none */

/* "geometry.c" - slot layout, slab order, slot indices */
/* slab_calculate_sizes - fill size/offset/inuse/red_left_pad/oo/min of @s
   from its object_size, align, flags and ctor.  Returns 0 or -EINVAL. */
int slab_calculate_sizes(struct kmem_cache *s);
/* The slot index of @p in @slab, or -1 when @p starts no slot of it */
int slab_obj_index(const struct kmem_cache *s, const struct page *slab,
		   const void *p);
/* A bit per slot of a slab: set for the free ones (slab_get_map) */
#define BITS_PER_LONG   (8 * (unsigned int)sizeof(unsigned long))
#define SLAB_MAP_LONGS  ((MAX_OBJS_PER_PAGE + BITS_PER_LONG - 1) / BITS_PER_LONG)
static inline bool slab_map_test(const unsigned long *map, unsigned int i)
{
	return (map[i / BITS_PER_LONG] >> (i % BITS_PER_LONG)) & 1;
}
/* slab_get_map - walk @slab's free list once, marking each free slot in
   @map[SLAB_MAP_LONGS]; returns how many, *bad = the pointer that ended
   the walk early (not a slot, or a loop) or NULL.  Under list_lock. */
unsigned int slab_get_map(const struct kmem_cache *s, const struct page *slab,
			  unsigned long *map, void **bad);

/* "debug.c" - slab_debug= checks and SLUB-shaped reports */
extern struct mutex debug_lock;
void debug_init_env(void);
int debug_set_config(const char *str);   /* 0 or -EINVAL */
unsigned long debug_cache_flags(const char *name, unsigned long flags);
void debug_setup_slab(struct kmem_cache *s, struct page *slab);
void debug_init_object(struct kmem_cache *s, void *object, uint8_t val);
bool debug_alloc_checks(struct kmem_cache *s, struct page *slab,
			void *object, unsigned long caller);
bool debug_free_checks(struct kmem_cache *s, struct page *slab,
		       void *object, unsigned long caller);
int debug_validate_slab(struct kmem_cache *s, struct page *slab);
void debug_report_leak(struct kmem_cache *s, struct page *slab,
		       void *object);
int debug_add_locations(struct kmem_cache *s, struct page *slab,
			const unsigned long *free_map, enum track_item item,
			struct kmem_cache_location *loc, size_t nr, size_t *n);
void debug_report_wrong_cache(struct kmem_cache *s, const void *object,
			      struct kmem_cache *actual);
void debug_report_invalid_free(struct kmem_cache *s, const void *object);
/* The banner of a report opened with out_begin (output.h) */
void slab_bug(struct kmem_cache *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A whole report of one banner; never aborts */
void slab_err(struct kmem_cache *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "failslab.c" */
extern struct mutex fail_lock;
extern atomic_bool failslab_enabled;
void failslab_init_env(void);
bool should_failslab(struct kmem_cache *s, size_t size, gfp_t gfp);
/* @fn runs after every failslab_set, outside fail_lock (the cache layer
   moves caches to or from the slow path) */
void failslab_set_notify(void (*fn)(void));

/* "slab.c" - the locked back end: slabs, lists, depot, refill, flush */
extern unsigned int slab_nr_cpus;             /* geometry's nr_cpu_ids */
/* Move objects between a magazine and the slabs, taking list_lock.  A
   refill serves one allocation (alloc_slowpath); a flush serves one free
   (free_slowpath) only when @freeing, else it is a drain. */
unsigned int slab_refill(struct kmem_cache *s, void **objs, unsigned int nr,
			 gfp_t gfp);          /* 0 on failure, errno set */
void slab_flush(struct kmem_cache *s, void *const *objs, unsigned int nr,
		bool freeing);
/* One object without touching any magazine: debug caches, and the
   magazines' own memory.  @caller is recorded under SLAB_STORE_USER. */
void *slab_alloc_nomag(struct kmem_cache *s, gfp_t gfp, unsigned long caller);
void slab_free_nomag(struct kmem_cache *s, void *obj, unsigned long caller);
/* Free @obj of @slab, known to be @s's (slab_owner), taking list_lock */
void slab_free_owned(struct kmem_cache *s, struct page *slab, void *obj,
		      unsigned long caller);
struct kmem_cache *virt_to_cache(const void *obj);       /* NULL if none */
/* Drain the depot and release every empty slab; *empty: none is left.
   Returns the pages given back. */
unsigned long slab_shrink(struct kmem_cache *s, bool *empty);
/* The same, then name every object still allocated; true when any is */
bool slab_shutdown(struct kmem_cache *s);

/* The slab of @obj if it belongs to @s, else NULL after a report. */
static inline struct page *slab_owner(struct kmem_cache *s, const void *obj)
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

/* "magazine.c" - per-thread caches */

/*
 * This thread's magazines by cache id: set up and replaced by their owner
 * (under cache_mutex, as others may walk them), cleared by a destroy whose
 * caller guarantees nobody uses the cache; the owner reads them without a
 * lock.  The initial-exec model spares the shared library a
 * __tls_get_addr call on every fast path, and keeping it all in one block
 * costs the fast path one load of its offset (64 bytes of static TLS,
 * which glibc keeps even for dlopen).
 */
#define MAG_TLS __thread __attribute__((tls_model("initial-exec")))
struct mag_tls {
	struct mag_thread self;      /* the remote-drain handshake */
	unsigned int nr;             /* entries of slots */
	struct array_cache **slots;  /* magazines by cache id, or NULL */
	bool exited;                 /* thread_exit has run: no magazine
	                                again (see get_mag) */
};
extern MAG_TLS struct mag_tls mag_tls;

/*
 * The remote-drain handshake, an asymmetric Dekker: the owner stores busy
 * then loads claim; a reclaimer stores claim, then loads busy.  With both
 * in sequential consistency, at least one sees the other's store: the
 * owner sees claim set and keeps off its magazines, or the reclaimer sees
 * busy and leaves them alone.  The owner's side is on every fast path, so
 * it pays no fence: a relaxed store and a compiler barrier, and the
 * reclaimer's membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) between its
 * store and its load runs a full barrier on every CPU running a thread of
 * the process, which orders the owner's store before its load wherever
 * that thread stands.  ThreadSanitizer does not see that barrier, so its
 * builds make both sides seq_cst instead.  Leaving is a release store,
 * which orders the owner's use of its magazines before a reclaimer's
 * acquire load of busy == 0; a claim is dropped with a release store,
 * which orders the drain before the owner's acquire load of claim.
 */
#if defined(__SANITIZE_THREAD__)
# define MAG_TSAN 1
#elif defined(__has_feature)
# if __has_feature(thread_sanitizer)
#  define MAG_TSAN 1
# endif
#endif
#ifdef MAG_TSAN
# define MAG_STORE_ORDER memory_order_seq_cst
# define MAG_LOAD_ORDER  memory_order_seq_cst
#else
# define MAG_STORE_ORDER memory_order_relaxed   /* + the membarrier */
# define MAG_LOAD_ORDER  memory_order_acquire
#endif

/* Enter magazine code: true when this thread may use its magazines, false
   while a reclaimer holds its claim (then only the locked path is safe).
   Returns the depth to give mag_leave. */
static inline __attribute__((always_inline))
bool mag_enter(unsigned int *depth)
{
	unsigned int b = atomic_load_explicit(&mag_tls.self.busy,
					      memory_order_relaxed);

	*depth = b;
	atomic_store_explicit(&mag_tls.self.busy, b + 1, MAG_STORE_ORDER);
	atomic_signal_fence(memory_order_seq_cst);
	return likely(!atomic_load_explicit(&mag_tls.self.claim,
					    MAG_LOAD_ORDER));
}

static inline __attribute__((always_inline))
void mag_leave(unsigned int depth)
{
	atomic_store_explicit(&mag_tls.self.busy, depth, memory_order_release);
}

/*
 * s->gen: bumped by CACHE_GEN_STEP when tuning or reclaim wants every
 * thread to flush its magazine and set it up again; its low bit,
 * CACHE_GEN_SLOW, sends every allocation and free of the cache to the slow
 * path (debug caches; failslab on; running under valgrind).  A magazine's
 * gen never has that bit, so the fast path's one comparison of the two
 * tests both.
 */
#define CACHE_GEN_SLOW 1u
#define CACHE_GEN_STEP 2u

/* Owner-only counter that others read with relaxed atomic loads */
static inline void mag_count(unsigned long *counter)
{
	__atomic_store_n(counter, *counter + 1, __ATOMIC_RELAXED);
}

/* This thread's magazine of @s if the fast path may use it, else NULL */
static inline struct array_cache *mag_fast(struct kmem_cache *s)
{
	unsigned int id = s->id;
	struct array_cache *ac;

	if (unlikely(id >= mag_tls.nr))
		return NULL;
	ac = mag_tls.slots[id];
	/*
	 * Relaxed is enough: gen orders no data.  A bump only asks this
	 * thread to come to the slow path soon, and the slow path takes
	 * list_lock before it trusts anything; the slow bit is set before
	 * the cache is published (create) or while nobody allocates from it
	 * (slab_apply_debug), and failslab's is a hint the slow path
	 * re-checks.
	 */
	if (unlikely(!ac || ac->gen != atomic_load_explicit(&s->gen,
						memory_order_relaxed)))
		return NULL;
	return ac;
}

/*
 * The allocation hit path: pop the hottest object, or NULL (miss, stale
 * gen, slow cache).  The slot is cleared so that the magazine keeps no
 * copy of a pointer it has handed out: memcheck's leak search would count
 * such a copy as a reference and miss the leak.
 */
static inline void *mag_pop_fast(struct kmem_cache *s)
{
	struct array_cache *ac = mag_fast(s);
	void *obj;

	if (unlikely(!ac || !ac->avail))
		return NULL;
	mag_count(&ac->alloc_hit);
	obj = ac->entry[--ac->avail];
	ac->entry[ac->avail] = NULL;
	return obj;
}

/* The free hit path: push @obj, or false (full, stale gen, slow cache) */
static inline bool mag_push_fast(struct kmem_cache *s, void *obj)
{
	struct array_cache *ac = mag_fast(s);

	if (unlikely(!ac || ac->avail == ac->limit))
		return false;
	mag_count(&ac->free_hit);
	ac->entry[ac->avail++] = obj;
	return true;
}

void *mag_alloc(struct kmem_cache *s, gfp_t gfp);  /* fast path, or refill */
void mag_free(struct kmem_cache *s, void *obj);     /* fast path, or flush */
void mag_drain_self(struct kmem_cache *s);   /* the calling thread's */
void mag_drain_all(struct kmem_cache *s);    /* every thread's; quiescent */
void mag_set_defaults(struct kmem_cache *s); /* limit/batchcount/shared */
int mag_tune(struct kmem_cache *s, int limit, int batchcount, int shared);
void mag_sum_hits(struct kmem_cache *s, unsigned long *alloc_hit,
		  unsigned long *free_hit);
void mag_free_depot(struct kmem_cache *s);   /* destroy: an empty depot */
/*
 * Draining idle threads' magazines, under cache_mutex: mag_claim_idle
 * claims every other thread and keeps the claims of those outside
 * magazine code (false when it cannot tell: no membarrier); mag_drain_idle
 * then empties the magazines of @s those threads hold, returning how many
 * objects went back; mag_unclaim lets them go.
 */
bool mag_claim_idle(void);
unsigned long mag_drain_idle(struct kmem_cache *s);
void mag_unclaim(void);
void mag_fork_child(void);                     /* for fork.c */
void mag_init(void);                         /* the constructor, once */
/* Where magazines' own memory comes from (kmalloc_nomag/kfree_nomag) */
void mag_set_array_alloc(void *(*alloc)(size_t, gfp_t),
			 void (*free)(const void *));

/* "cache.c" - cache lifetime, statistics, the public fast path */
struct kmem_cache *slab_create(const char *name, size_t size, size_t align,
			       unsigned long flags, void (*ctor)(void *),
			       void (*dtor)(void *));
/* What is not a magazine hit: debug, failslab, memcheck, refill, flush */
void *cache_alloc_slow(struct kmem_cache *s, gfp_t gfp, unsigned long caller);
void cache_free_slow(struct kmem_cache *s, void *obj, unsigned long caller);

/*
 * kmem_cache_alloc and kmem_cache_free, inline for cache.c's entry points
 * and kmalloc's: a magazine hit is one comparison of the magazine's gen
 * with the cache's (whose low bit sends debug caches, failslab and
 * memcheck to the slow path) and a pop or a push.  @caller is what a debug
 * cache records (SLAB_STORE_USER): the caller of kmem_cache_alloc or of
 * kmalloc, not the library in between.
 */
static inline __attribute__((always_inline))
void *cache_alloc(struct kmem_cache *s, gfp_t gfp, unsigned long caller)
{
	unsigned int depth;
	void *obj = NULL;

	if (likely(mag_enter(&depth)))
		obj = mag_pop_fast(s);
	mag_leave(depth);
	if (likely(obj)) {
		if (unlikely(gfp & __GFP_ZERO))
			__builtin_memset(obj, 0, s->object_size);
		return obj;
	}
	return cache_alloc_slow(s, gfp, caller);
}

static inline __attribute__((always_inline))
void cache_free(struct kmem_cache *s, void *obj, unsigned long caller)
{
	unsigned int depth;
	bool done = false;

	if (likely(mag_enter(&depth)))
		done = obj && mag_push_fast(s, obj);
	mag_leave(depth);
	if (likely(done))
		return;
	cache_free_slow(s, obj, caller);
}
/* The two locks of the set of caches (see cache.c) */
extern struct mutex cache_set_lock, cache_mutex;
/* @fn for every cache, newest first, under cache_set_lock: @fn may
   allocate and take cache_mutex, but not create or destroy a cache */
void slab_for_each_cache(void (*fn)(struct kmem_cache *s, void *arg),
			 void *arg);
/* The same with cache_mutex held: @fn may not allocate */
void slab_for_each_cache_locked(void (*fn)(struct kmem_cache *s, void *arg),
				void *arg);
unsigned long slab_reclaim(void);             /* the page shrinker */
unsigned int slab_apply_debug(void);          /* slab_debug= on unused caches */

/* "kmalloc.c" */
void kmalloc_init(void);          /* once, by the constructor (cache.c) */
void *kmalloc_nomag(size_t size, gfp_t gfp);
void kfree_nomag(const void *p);

/* "mempool.c" */
unsigned long mempool_late_wakeups(mempool_t *pool);
void mempool_fork_lock_list(void);             /* for fork.c */
void mempool_fork_unlock_list(void);
void mempool_fork_lock(void);
void mempool_fork_unlock(void);
void mempool_fork_reinit(void);

/* "fork.c" - pthread_atfork handlers */
void fork_init(void);                          /* once, from page_alloc */

/* "slabinfo.c" has no private API. */

#endif /* SCULLC_INTERNAL_H */
