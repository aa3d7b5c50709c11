/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* internal.h - libscullc's cross-file API, by the file that defines it */
#ifndef SCULLC_INTERNAL_H
#define SCULLC_INTERNAL_H

/*
 * The private headers by role, as mimalloc's: types.h (the glossary, the
 * structs and their invariants), track.h (what memcheck and ASan are
 * told), fastpath.h (the magazine hit paths, inline), and this file: small
 * inline helpers, then each file's functions under its name, bottom-up.
 */

#include "mm/types.h"
#include "mm/track.h"
#include "mm/fastpath.h"

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

/* ------------------------------------------------------------------ */
/* "os.c" - the only file that talks to the operating system           */

void *os_map(size_t size, size_t align);       /* NULL, errno ENOMEM */
void os_unmap(void *addr, size_t size);        /* keeps errno */
void os_discard(void *addr, size_t size);      /* RSS drops, reads zero */
void os_populate(void *addr, size_t size);     /* fault in now; best effort */
void os_advise_huge(void *addr, size_t size, bool huge); /* THP or not */
bool os_thp_enabled(void);                     /* THP sysfs: madvise/always */
unsigned int os_nr_cpus(void);
size_t os_total_ram(void);
unsigned long os_now_ms(void);                 /* since the library started */
unsigned long os_coarse_ms(void);              /* monotonic, tick resolution */
bool os_membarrier_register(void);             /* once, before os_membarrier */
bool os_membarrier(void);                      /* a barrier on every thread's CPU */
int os_tid(void);
int os_cpu(void);
unsigned long long os_now_ns(void);            /* CLOCK_MONOTONIC */
void os_thread_name(char name[16]);            /* the thread's comm */
/* Sleep while *word == val, at most timeout_ms (-1: no bound); wake all */
void os_futex_wait(_Atomic unsigned int *word, unsigned int val,
		   int timeout_ms);
void os_futex_wake(_Atomic unsigned int *word);

/* "trace.c" - the kmem trace events and their ring (scullc_trace_read) */
/* The events recorded: a bit per enum scullc_trace_event, 0 when tracing
   is off.  Read relaxed: one load and one predictable branch on every
   fast path (trace_on); the slow half re-reads what it needs. */
extern _Atomic unsigned int trace_events;
#define trace_on(event) \
	unlikely(atomic_load_explicit(&trace_events, memory_order_relaxed) & \
		 (1u << (event)))
/* Record one event; the slow halves, out of line, any context, no lock */
void trace_kmem_alloc(enum scullc_trace_event event, unsigned long call_site,
		      const void *ptr, size_t bytes_req, size_t bytes_alloc,
		      gfp_t gfp);
void trace_kmem_free(enum scullc_trace_event event, unsigned long call_site,
		     const void *ptr, const char *cache_name);
void trace_page(enum scullc_trace_event event, const struct page *page,
		unsigned long pfn, unsigned int order, gfp_t gfp);
/* What a ring entry holds, and its text: for the tests */
struct trace_entry {
	_Atomic unsigned long seq;   /* the ring's turn (trace.c) */
	unsigned char type;          /* enum scullc_trace_event */
	int pid, cpu;                /* the thread's id, its CPU then */
	unsigned long long ts;       /* CLOCK_MONOTONIC, ns */
	unsigned long lost;          /* events dropped just before it */
	unsigned long call_site;     /* the caller of the API */
	const void *ptr;             /* object, block or struct page */
	size_t bytes_req, bytes_alloc;
	unsigned long pfn;           /* page address >> PAGE_SHIFT */
	unsigned int order;
	gfp_t gfp;
	char comm[16];               /* the thread's name */
	char name[KMEM_CACHE_NAME_MAX + 1]; /* kmem_cache_free's cache */
};
extern struct mutex trace_lock;                /* fork.c holds it too */
void trace_fork_child(void);                   /* the threads' ids change */
/* Format @e as its trace_pipe line (and a LOST line before it when
   e->lost), cut to SCULLC_TRACE_LINE_MAX; returns the length */
size_t trace_format(const struct trace_entry *e, char *buf, size_t size);
/* The kernel's show_gfp_flags text of @gfp */
void trace_gfp_name(gfp_t gfp, char *buf, size_t size);
#define TRACE_RING_ENTRIES 4096

/* "page_alloc.c" */
#define VA_BITS           47
#define TABLE_ENTRIES     (1UL << (VA_BITS - CHUNK_SHIFT))
extern struct chunk *_Atomic *_Atomic chunk_table;
void page_alloc_init(void);
struct page *alloc_pages(gfp_t gfp, unsigned int order);  /* NULL, errno */
void __free_pages(struct page *page, unsigned int order);

/* The power of two that holds a struct chunk (a compile-time constant) */
#define DESC_SIZE       (1UL << (64 - __builtin_clzl(sizeof(struct chunk) - 1)))
/* A transparent huge page: a unit of a chunk */
#define HUGE_ORDER      (21 - PAGE_SHIFT)       /* 2 MiB */
#define HUGE_PAGES      (1UL << HUGE_ORDER)
#define HUGE_SIZE       (PAGE_SIZE << HUGE_ORDER)
_Static_assert(HUGE_ORDER <= MAX_PAGE_ORDER, "a chunk holds huge pages");

/* The chunk whose descriptor holds @page: its address rounded down */
static inline struct chunk *page_chunk(const struct page *page)
{
	return (struct chunk *)ALIGN_DOWN((uintptr_t)page, DESC_SIZE);
}

/* The unit of the block at @page, in its chunk @c */
static inline size_t page_unit(const struct chunk *c, const struct page *page)
{
	return (size_t)(page - c->pages) / HUGE_PAGES;
}

/* The buddy lists, for purge.c; all under the zone's lock */
bool page_del_free(struct zone *z, struct page *page, unsigned int order);
void page_merge(struct zone *z, struct page *page, unsigned int order,
		bool dirty, struct list_head *dead);
void page_unmap_dead(struct list_head *dead);  /* no lock held */

/* "purge.c" - under the zone's lock; chunks to unmap go on @dead */
size_t page_purge(struct zone *z, size_t goal, bool split,
		  struct list_head *dead);
void page_decay(struct zone *z, unsigned long now, struct list_head *dead);

/*
 * might_alloc - an allocation with @gfp is about to run (the kernel's
 * might_alloc).  One that may reclaim (__GFP_DIRECT_RECLAIM) runs the
 * shrinker, which takes cache_mutex, every depot lock and every
 * list_lock, so it may not hold any of them; any allocation may trade
 * magazines with a depot and takes a zone lock, and none happens under a
 * depot lock or a list_lock (depot.c, slab.c).  Checked in debug builds.
 */
static inline void might_alloc(gfp_t gfp)
{
	if (gfpflags_allow_blocking(gfp) && !(gfp & __GFP_NORETRY))
		lock_assert_none_from(LOCK_RANK_CACHE,
				      "an allocation that may reclaim");
	else
		lock_assert_none_from(LOCK_RANK_DEPOT, "an allocation");
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
	/* c->base is a & ~(CHUNK_SIZE - 1): no load of it on kfree's path */
	return &c->pages[(a & (CHUNK_SIZE - 1)) >> PAGE_SHIFT];
}

/* virt_to_head_page - like virt_to_page, but the head of a tail's block */
static inline struct page *virt_to_head_page(const void *addr)
{
	struct page *page = virt_to_page(addr);

	if (page && (page->flags & PG_tail))
		return page->compound_head;
	return page;
}

/* Discard every dirty free page of every zone (with huge pages, of the
   units a quarter or less in use), unmap wholly free chunks; the bytes
   given back.  No lock held (kmem_cache_shrink, scullc_purge). */
size_t page_trim(void);
size_t page_dirty_bytes(void);    /* free bytes kept resident, all zones */
/* fn frees what it can and returns the pages it gave back */
void page_set_shrinker(unsigned long (*fn)(void));
unsigned long (*page_get_shrinker(void))(void);  /* NULL when none */
/*
 * For zone.c.  page_zones[i]'s fields are under page_zones[i].lock, as
 * page_alloc.c says; page_huge_mode (as set) and the two statistics are
 * atomics read and written relaxed, under no lock.
 */
extern struct zone page_zones[NR_ZONES];
extern _Atomic int page_huge_mode;             /* SCULLC_HUGE_* */
extern atomic_ulong page_nr_reclaims, page_nr_failures;
size_t page_reserve_for(size_t limit);         /* zone->reserve at @limit */
void page_set_huge(int mode);                  /* no lock held */
bool page_huge(void);                          /* huge pages in effect */
void page_run_shrinker(void);                  /* no zone lock held */
__attribute__((noreturn))
void page_bad(const struct page *page, unsigned int order, const char *why);

/* "zone.c" - the zones from outside (the rest is the public API) */
void zone_fork_lock(void);                     /* for fork.c */
void zone_fork_unlock(void);
void zone_fork_reinit(void);

/* "geometry.c" - slot layout, slab order, slot indices */
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

/* geo_calculate_sizes - fill size/offset/inuse/red_left_pad/oo/min of @s
   from its object_size, align, flags and ctor.  Returns 0 or -EINVAL. */
int geo_calculate_sizes(struct kmem_cache *s);
/* The slot index of @p in @slab, or -1 when @p starts no slot of it */
int geo_obj_index(const struct kmem_cache *s, const struct page *slab,
		  const void *p);
/* A bit per slot of a slab: set for the free ones (geo_get_map) */
#define BITS_PER_LONG   (8 * (unsigned int)sizeof(unsigned long))
#define SLAB_MAP_LONGS  ((MAX_OBJS_PER_PAGE + BITS_PER_LONG - 1) / BITS_PER_LONG)
static inline bool geo_map_test(const unsigned long *map, unsigned int i)
{
	return (map[i / BITS_PER_LONG] >> (i % BITS_PER_LONG)) & 1;
}
/* geo_get_map - walk @slab's free list once, marking each free slot in
   @map[SLAB_MAP_LONGS] and, when @order is not NULL, writing the slots
   in the list's order to @order[0 ..) (room for slab->objects); returns
   how many, *bad = the pointer that ended the walk early (not a slot, or
   a loop) or NULL.  Under list_lock. */
unsigned int geo_get_map(const struct kmem_cache *s, const struct page *slab,
			 unsigned long *map, unsigned short *order, void **bad);

/* "debug_config.c" - the slab_debug= setting */
extern struct mutex debug_lock;
void debug_init_env(void);
int debug_set_config(const char *str);   /* 0 or -EINVAL */
unsigned long debug_cache_flags(const char *name, unsigned long flags);

/* "debug.c" - the checks of debug caches and SLUB-shaped reports */
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

/* "slab.c" - the locked back end: slabs, lists, refill, flush */
extern unsigned int slab_nr_cpus;             /* geometry's nr_cpu_ids */
/* Move objects between a magazine and the slabs, taking list_lock.  A
   refill serves one allocation (alloc_slowpath); a flush counts @event:
   KMEM_FREE_SLOWPATH when it serves one free, KMEM_CPUSLAB_FLUSH for a
   thread's magazine drained, KMEM_CPU_PARTIAL_DRAIN for the depot's. */
unsigned int slab_refill(struct kmem_cache *s, void **objs, unsigned int nr,
			 gfp_t gfp);          /* 0 on failure, errno set */
void slab_flush(struct kmem_cache *s, void *const *objs, unsigned int nr,
		enum kmem_cache_event event);
/* One object without touching any magazine: debug caches, and the
   magazines' own memory.  @caller is recorded under SLAB_STORE_USER. */
void *slab_alloc_nomag(struct kmem_cache *s, gfp_t gfp, unsigned long caller);
void slab_free_nomag(struct kmem_cache *s, void *obj, unsigned long caller);
/* Free @obj of @slab, known to be @s's (slab_owner), taking list_lock */
void slab_free_owned(struct kmem_cache *s, struct page *slab, void *obj,
		      unsigned long caller);
struct kmem_cache *virt_to_cache(const void *obj);       /* NULL if none */
/* Release every empty slab; *empty: none is left.  Returns the pages
   given back. */
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

/* "depot.c" - each cache's depot of full and empty magazines */
void depot_init(struct kmem_cache *s);         /* its lock */
void depot_fork_lock(void);                    /* for fork.c */
void depot_fork_unlock(void);
/* Where the magazine layer's own memory comes from (kmalloc_nomag and
   kfree_nomag), and taking it: never zeroed, looping nor from DMA */
void depot_set_array_alloc(void *(*alloc)(size_t, gfp_t),
			   void (*free)(const void *));
void *depot_array_alloc(size_t size, gfp_t gfp);   /* NULL on failure */
void depot_array_free(const void *p);              /* NULL ignored */
struct magazine *depot_new_magazine(unsigned int size, gfp_t gfp);
void depot_free_magazine(struct magazine *m);      /* NULL ignored */
/* Trade an empty *mag for a full one, or a full one for an empty one;
   false when the depot cannot */
bool depot_trade_empty(struct kmem_cache *s, struct magazine **mag);
bool depot_trade_full(struct kmem_cache *s, struct magazine **mag);
bool depot_put_full(struct kmem_cache *s, struct magazine *m);
unsigned long depot_drain(struct kmem_cache *s);   /* objects flushed */
void depot_resize(struct kmem_cache *s, unsigned int mag_size,
		  unsigned int max_full);
unsigned long depot_objects(struct kmem_cache *s); /* Locked. */
void depot_walk(struct kmem_cache *s, void (*fn)(void *obj, void *arg),
		void *arg);                    /* Locked. */
void depot_add_events(struct kmem_cache *s, unsigned long *ev);

/* "magazine.c" - per-thread caches */
void *mag_alloc(struct kmem_cache *s, gfp_t gfp);  /* fast path, or refill */
void mag_free(struct kmem_cache *s, void *obj);     /* fast path, or flush */
void mag_drain_self(struct kmem_cache *s);   /* the calling thread's */
void mag_drain_all(struct kmem_cache *s);    /* every thread's and the
                                                depot; quiescent */
void mag_set_defaults(struct kmem_cache *s); /* tunables and depot size */
int mag_tune(struct kmem_cache *s, int limit, int batchcount, int shared);
void mag_sum_hits(struct kmem_cache *s, unsigned long *alloc_hit,
		  unsigned long *free_hit);
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
/* Between a claim and mag_unclaim, under cache_mutex: @fn(obj, @arg) for
   each object in the magazines of @s that may be read (this thread's,
   claimed idle threads', orphans'); returns how many could not be */
unsigned int mag_walk_idle(struct kmem_cache *s,
			   void (*fn)(void *obj, void *arg), void *arg);
void mag_fork_child(void);                     /* for fork.c */
void mag_init(void);                         /* the constructor, once */

/* "cache.c" - cache lifetime, walks, the public fast path (stats.c: reads) */
struct kmem_cache *cache_create(const char *name, size_t size, size_t align,
				unsigned long flags, void (*ctor)(void *),
				void (*dtor)(void *));
/* The two locks of the set of caches (see cache.c) */
extern struct mutex cache_set_lock, cache_mutex;
/* @fn for every cache, newest first, under cache_set_lock: @fn may
   allocate and take cache_mutex, but not create or destroy a cache */
void cache_for_each(void (*fn)(struct kmem_cache *s, void *arg),
		    void *arg);
/* The same with cache_mutex held: @fn may not allocate */
void cache_for_each_locked(void (*fn)(struct kmem_cache *s, void *arg),
			   void *arg);
unsigned long cache_reclaim(void);            /* the page shrinker */
unsigned int cache_apply_debug(void);         /* slab_debug= on unused caches */

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

/* "slabmap.c" and "slabinfo.c" have no private API. */

#endif /* SCULLC_INTERNAL_H */
