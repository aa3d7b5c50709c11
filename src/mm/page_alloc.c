/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* page_alloc.c - the page allocator: chunks, zones, buddy orders, GFP */

/*
 * Memory comes from the operating system in chunks of CHUNK_SIZE (4 MiB,
 * one block of order MAX_PAGE_ORDER), aligned to their size.  A chunk's
 * struct pages live in a separately mapped descriptor (struct chunk),
 * aligned to DESC_SIZE, the power of two that holds it: so a struct page
 * finds its chunk by rounding its own address down, and page_address()
 * is O(1) without a back pointer.  The other way, virt_to_page() looks
 * the chunk up in chunk_table, a flat array indexed by address >>
 * CHUNK_SHIFT over a 47-bit address space; the array is 256 MiB of
 * address space mapped once, of which only the entries touched cost
 * memory, and it is read without a lock.
 *
 * Each zone (Normal, DMA) is a binary buddy allocator over its own
 * chunks: free_area[order] lists the heads of its free blocks of 2^order
 * pages, marked page->buddy.  An allocation takes the smallest free block
 * that fits and splits off upper halves; a free merges the block with its
 * buddy (chunk-relative index ^ 2^order) for as long as the buddy is free
 * and whole.  For every zone and chunk:
 *
 *   zone->used + zone->noaccount
 *                == PAGE_SIZE * sum over its allocated blocks of 2^order
 *   zone->noaccount == PAGE_SIZE * sum over those flagged PG_noaccount
 *   zone->mapped == CHUNK_SIZE * |zone->chunks|
 *   chunk->free_pages == sum over its free blocks of 2^order
 *   chunk->unit_free[u] == the pages of those blocks in its 2 MiB unit u
 *   zone->mapped == zone->used + zone->noaccount +
 *                   PAGE_SIZE * sum over its chunks of chunk->free_pages
 *
 * Memory goes back to the OS by decay, as jemalloc's dirty decay and
 * mimalloc's purge delay give it back.  A freed block stays resident on
 * its free list, flagged PG_dirty, so that allocating it again costs no
 * page fault; so does a chunk that becomes wholly free.  Dirty blocks head
 * their free lists and clean (discarded) ones go to the tail, so that the
 * resident ones are used first.  A new chunk is populated (faulted in)
 * with one system call, not one fault per page as it is first written,
 * and counts as dirty from then on: it is resident.
 *
 *   zone->dirty == PAGE_SIZE * sum over free blocks flagged PG_dirty of
 *                  2^order   (a merged block is dirty if a part was)
 *
 * Two rules give dirty memory back, both through page_purge() (purge.c),
 * which discards (madvise) the biggest dirty blocks first and unmaps whole
 * free chunks, so that memory goes back in long contiguous runs and few
 * system calls:
 *
 * - Decay.  Time is cut into epochs of DECAY_MS.  zone->dirty_low is the
 *   least zone->dirty has been since the epoch began: that many dirty
 *   bytes were not needed during the whole epoch.  The first allocation or
 *   free of pages in the zone after the epoch ends discards that many,
 *   and a new epoch begins.  A freed page thus stays resident while it is
 *   needed again within an epoch, and goes back between one and two
 *   epochs after it stopped being needed (given any activity in the
 *   zone).  A workload that frees and allocates the same memory over and
 *   over never purges it; at worst it refaults once per epoch what an
 *   idle epoch gave back.
 * - Bound.  Dirty memory never stays above
 *     dirty_max == max(DIRTY_MIN, used / 2^DIRTY_SHIFT)   (16 MiB, 1/4)
 *   a free that passes it discards the zone down to half of it at once.
 *   RSS stays within used + dirty_max; a burst of frees (a big file
 *   removed) gives nearly all of it back at once, in large runs.
 *
 * With huge pages (scullc_set_huge) a chunk is marked MADV_HUGEPAGE before
 * it is populated, so that it is two transparent huge pages.  Decay and
 * the bound discard only blocks of HUGE_ORDER and up: while the zone is
 * busy, memory goes back in wholly free 2 MiB units, and a unit partly in
 * use keeps its huge page whole (its free part stays dirty, beyond what
 * the bound above can force).  A trim (page_trim: the program going idle,
 * reclaim) also splits the units a quarter or less in use, so that a few
 * long-lived pages do not keep 2 MiB resident each (purge_pass).
 *
 * No background thread runs the decay: a process that stops allocating
 * keeps up to dirty_max resident until it calls again.  scullc_purge() (for
 * a program about to go idle), kmem_cache_shrink() and direct reclaim give
 * every dirty page back at once.  A page on a free list may
 * hold old data: __GFP_ZERO clears what it hands out.
 *
 * Limits: a block may be handed out only while
 *   used + block <= limit - reserve   (or <= limit with __GFP_HIGH).
 * __GFP_NOACCOUNT blocks are a class apart (PG_noaccount): counted in
 * noaccount, not used, and bounded only by
 *   noaccount + block <= SCULLC_NOACCOUNT_MAX
 * so that a program's observation of itself (scullcfs's reports) neither
 * fails at the limit nor takes from it.
 * When it cannot be, an allocation that may reclaim runs the shrinker
 * (cache.c's cache_reclaim) and tries again; __GFP_NOFAIL then waits on
 * zone->freed for frees.  Failures are silent (tests provoke thousands);
 * callers that want a message print it.
 *
 * Locks (their order: enum lock_rank, src/lock.h): zone->lock, inside
 * every lock of the layers above (cache_mutex, kmem_cache->list_lock...).
 * zone->lock is the allocator's innermost working lock: nothing called with
 * it held takes another lock (only the OS is called: mmap/munmap), and the
 * shrinker, which takes slab locks and frees pages, is called without it.
 * It protects everything in its zone: the free lists and nr_free, used,
 * mapped, limit and reserve, dirty, dirty_low and epoch, the chunk list
 * and each chunk's free_pages, unit_free and unit_split, every page's
 * buddy and order (see "struct page" in types.h: the merge test reads
 * only these, never the flags that a block's holder writes without this
 * lock), and the chunk_table entries of its chunks (written under it with
 * release stores, read anywhere with acquire loads).  zone.c and purge.c
 * take it too.
 */

#include "internal.h"
#include "output.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NOFAIL_SLICE_MS 50

_Static_assert(sizeof(unsigned long) == 8, "DESC_SIZE assumes LP64");
_Static_assert(DESC_SIZE >= sizeof(struct chunk) &&
	       DESC_SIZE < 2 * sizeof(struct chunk), "DESC_SIZE");
#define MAX_RESERVE     (4UL << 20)

/* The zones; each one's fields under its own lock (struct zone, types.h).
   zone.c reads and sets them from outside, taking the same lock. */
struct zone page_zones[NR_ZONES] = {
	[ZONE_NORMAL] = {
		.name = "Normal",
		.lock = MUTEX_INITIALIZER("zone->lock", LOCK_RANK_ZONE),
		.limit = SIZE_MAX,
	},
	[ZONE_DMA] = {
		.name = "DMA",
		.lock = MUTEX_INITIALIZER("zone->lock", LOCK_RANK_ZONE),
		.limit = DMA_ZONE_LIMIT,
	},
};

/* chunk_table[addr >> CHUNK_SHIFT]: the chunk holding addr, or NULL;
   read by virt_to_page (internal.h) */
struct chunk *_Atomic *_Atomic chunk_table;

static unsigned long (*_Atomic shrinker)(void);
/* Statistics: relaxed, as nothing is ordered by them */
atomic_ulong page_nr_reclaims;          /* direct reclaim runs */
atomic_ulong page_nr_failures;          /* allocations that failed */
static __thread bool in_reclaim;        /* a shrinker's allocations do
                                           not reclaim again */

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

/* Transparent huge pages (scullc_set_huge), read and written relaxed: a
   change reaches chunks mapped and purges begun after it */
_Atomic int page_huge_mode = SCULLC_HUGE_NEVER;        /* as set */
static _Atomic bool huge_on;            /* the mode resolved, by init() */

/* page_huge - whether chunks are mapped and purged as huge pages */
bool page_huge(void)
{
	return atomic_load_explicit(&huge_on, memory_order_relaxed);
}

/* ------------------------------------------------------------------ */
/* Pages and chunks                                                    */

/**
 * page_address - the address of the memory @page describes
 * O(1), lock-free; @page must belong to a mapped chunk.
 */
void *page_address(const struct page *page)
{
	struct chunk *c = page_chunk(page);

	return (char *)c->base + ((size_t)(page - c->pages) << PAGE_SHIFT);
}

/* page_bad - report a "Bad page state" and abort */
__attribute__((noreturn))
void page_bad(const struct page *page, unsigned int order,
		     const char *why)
{
	out_report("BUG: Bad page state: page %p flags %#x order %u%s, freed "
		"with order %u: %s\n", (const void *)page,
		page ? page->flags : 0, page ? page->order : 0u,
		page && page->buddy ? " buddy" : "", order, why);
	abort();
}

#define DIRTY_MIN       (16UL << 20)    /* the bound of dirty bytes, ... */
#define DIRTY_SHIFT     2               /* ... or used / 4 when more */

static void add_free(struct zone *z, struct page *page, unsigned int order,
		     bool dirty);

/* Map a chunk for @z, populated, and put its one free block on the order-10
   list. */
static bool zone_add_chunk(struct zone *z)
{
	struct chunk *_Atomic *table;
	struct chunk *c;
	void *base;
	size_t i;

	lock_assert_held(&z->lock);
	table = atomic_load_explicit(&chunk_table, memory_order_relaxed);
	if (!table) {
		errno = ENOMEM;
		return false;
	}
	base = os_map(CHUNK_SIZE, CHUNK_SIZE);
	if (!base)
		return false;
	if (((uintptr_t)base >> CHUNK_SHIFT) >= TABLE_ENTRIES) {
		os_unmap(base, CHUNK_SIZE);
		errno = ENOMEM;
		return false;
	}
	c = os_map(sizeof(*c), DESC_SIZE);
	if (!c) {
		os_unmap(base, CHUNK_SIZE);
		return false;
	}
	/* Huge or not before populating: populate faults in what is asked.
	   The chunk is aligned to its size, so it is whole huge pages */
	os_advise_huge(base, CHUNK_SIZE, page_huge());
	/* One call instead of a fault per page: the chunk is about to be
	   cut up and written.  Resident from now on, so it counts as dirty */
	os_populate(base, CHUNK_SIZE);
	/* os_map gives zeroes: every page's flags are 0 already */
	c->base = base;
	c->zone = z;
	c->free_pages = CHUNK_PAGES;
	for (i = 0; i < CHUNK_SIZE / HUGE_SIZE; i++)
		c->unit_free[i] = HUGE_PAGES;
	list_add(&c->list, &z->chunks);
	add_free(z, &c->pages[0], MAX_PAGE_ORDER, true);
	z->mapped += CHUNK_SIZE;
	atomic_store_explicit(&table[(uintptr_t)base >> CHUNK_SHIFT], c,
			      memory_order_release);
	return true;
}

/* Unhook a whole free chunk; the caller unmaps it after unlocking. */
static void shrink(struct zone *z, struct chunk *c)
{
	struct chunk *_Atomic *table;

	lock_assert_held(&z->lock);
	table = atomic_load_explicit(&chunk_table, memory_order_relaxed);
	atomic_store_explicit(&table[(uintptr_t)c->base >> CHUNK_SHIFT], NULL,
			      memory_order_release);
	list_del(&c->list);
	z->mapped -= CHUNK_SIZE;
}

/* ------------------------------------------------------------------ */
/* The buddy allocator of one zone; all under zone->lock               */

/* Resident blocks first: an allocation takes the head of a list */
static void add_free(struct zone *z, struct page *page, unsigned int order,
		     bool dirty)
{
	lock_assert_held(&z->lock);
	/* a free block's flags are the zone's, like buddy and order */
	page->flags = dirty ? PG_dirty : 0;
	page->buddy = true;
	page->order = (unsigned short)order;
	if (dirty) {
		list_add(&page->lru, &z->free_area[order]);
		z->dirty += PAGE_SIZE << order;
	} else {
		list_add_tail(&page->lru, &z->free_area[order]);
	}
	z->nr_free[order]++;
}

/*
 * count_free - the block of @order at @page leaves (!@freed) or joins
 * (@freed) its chunk's free pages, and its units'.  A block below
 * HUGE_ORDER lies in one unit; a larger one is whole units.
 */
static void count_free(struct page *page, unsigned int order, bool freed)
{
	struct chunk *c = page_chunk(page);
	size_t first = page_unit(c, page);
	size_t units = order < HUGE_ORDER ? 1 : 1UL << (order - HUGE_ORDER);
	unsigned long n = order < HUGE_ORDER ? 1UL << order : HUGE_PAGES;
	size_t u;

	if (freed)
		c->free_pages += 1UL << order;
	else
		c->free_pages -= 1UL << order;
	for (u = first; u < first + units; u++) {
		if (freed)
			c->unit_free[u] += n;
		else
			c->unit_free[u] -= n;
	}
}

/* page_del_free - take a block off its free list; true when it was
   dirty.  Locked (purge.c too). */
bool page_del_free(struct zone *z, struct page *page, unsigned int order)
{
	bool dirty = page->flags & PG_dirty;

	lock_assert_held(&z->lock);
	list_del(&page->lru);
	z->nr_free[order]--;
	page->flags = 0;
	page->buddy = false;
	page->order = 0;
	if (dirty) {
		z->dirty -= PAGE_SIZE << order;
		/* dirty_low == min(dirty) over the epoch */
		z->dirty_low = MIN(z->dirty_low, z->dirty);
	}
	return dirty;
}

static size_t dirty_max(const struct zone *z)
{
	return MAX(DIRTY_MIN, z->used >> DIRTY_SHIFT);
}

static bool within_limit(const struct zone *z, size_t bytes, gfp_t gfp)
{
	size_t cap = z->limit - ((gfp & __GFP_HIGH) ? 0 : z->reserve);

	if (gfp & __GFP_NOACCOUNT)
		return bytes <= SCULLC_NOACCOUNT_MAX - z->noaccount;

	return z->used <= cap && bytes <= cap - z->used;
}

/* Mark a block allocated: its head PG_head, the rest PG_tail. */
static void prep_new(struct page *page, unsigned int order)
{
	unsigned long i, n = 1UL << order;

	page->flags = PG_head;
	page->order = (unsigned short)order;
	page->compound_head = NULL;
	INIT_LIST_HEAD(&page->lru);
	for (i = 1; i < n; i++) {
		page[i].flags = PG_tail;
		page[i].compound_head = page;
	}
}

/* Take a block of 2^@order pages from @z, or NULL with errno ENOMEM. */
static struct page *rmqueue(struct zone *z, unsigned int order, gfp_t gfp)
{
	struct page *page;
	unsigned int o;
	bool dirty, faulted;

	lock_assert_held(&z->lock);
	if (!within_limit(z, PAGE_SIZE << order, gfp)) {
		errno = ENOMEM;
		return NULL;
	}
	for (o = order; o <= MAX_PAGE_ORDER; o++)
		if (!list_empty(&z->free_area[o]))
			break;
	if (o > MAX_PAGE_ORDER) {
		if (!zone_add_chunk(z))
			return NULL;
		o = MAX_PAGE_ORDER;
	}
	page = list_first_entry(&z->free_area[o], struct page, lru);
	dirty = page_del_free(z, page, o);
	/*
	 * Keep the lower half, give the upper halves back.  A clean unit
	 * that takes huge pages (not split by a trim) is faulted in whole at
	 * its first touch: the halves cut in it are resident then, dirty, so
	 * that a trim finds them.  Whole units cut off stay clean.
	 */
	faulted = !dirty && order < HUGE_ORDER && page_huge() &&
		  !(page_chunk(page)->unit_split &
		    (1u << page_unit(page_chunk(page), page)));
	while (o > order) {
		o--;
		add_free(z, page + (1UL << o), o,
			 dirty || (faulted && o < HUGE_ORDER));
	}
	prep_new(page, order);
	count_free(page, order, false);
	if (gfp & __GFP_NOACCOUNT) {
		page->flags |= PG_noaccount;
		z->noaccount += PAGE_SIZE << order;
	} else {
		z->used += PAGE_SIZE << order;
	}
	z->pgalloc += 1UL << order;
	return page;
}

/*
 * page_merge - put a free block on @z's lists, merged with its free buddies
 * (dirty when it or any buddy merged into it is).  A whole free chunk
 * that is dirty stays, for reuse, until purge; a clean one (purge's own)
 * is unhooked and added to @dead, for the caller to unmap once the lock
 * is dropped.
 */
void page_merge(struct zone *z, struct page *page, unsigned int order,
		bool dirty, struct list_head *dead)
{
	struct chunk *c = page_chunk(page);
	unsigned long idx = (unsigned long)(page - c->pages);

	lock_assert_held(&z->lock);
	while (order < MAX_PAGE_ORDER) {
		unsigned long bidx = idx ^ (1UL << order);
		struct page *buddy = &c->pages[bidx];

		if (!buddy->buddy || buddy->order != order)
			break;
		dirty |= page_del_free(z, buddy, order);
		idx &= ~(1UL << order);
		order++;
	}
	if (order == MAX_PAGE_ORDER && !dirty) {
		shrink(z, c);
		list_add(&c->list, dead);
		return;
	}
	add_free(z, &c->pages[idx], order, dirty);
}

/* Give an allocated block back to @z; its pages are still resident. */
static void free_one(struct zone *z, struct page *page, unsigned int order,
		     struct list_head *dead)
{
	lock_assert_held(&z->lock);
	if (page->flags & PG_noaccount)
		z->noaccount -= PAGE_SIZE << order;
	else
		z->used -= PAGE_SIZE << order;
	z->pgfree += 1UL << order;
	count_free(page, order, true);
	page->flags = 0;
	page->order = 0;
	page_merge(z, page, order, true, dead);
}

/* page_unmap_dead - give back the chunks on @dead; no lock held */
void page_unmap_dead(struct list_head *dead)
{
	struct chunk *c, *tmp;

	list_for_each_entry_safe(c, tmp, dead, list) {
		os_unmap(c->base, CHUNK_SIZE);
		os_unmap(c, sizeof(*c));
	}
}

/* ------------------------------------------------------------------ */
/* GFP: reclaim, waiting, failing                                      */

static struct page *try_zone(struct zone *z, unsigned int order, gfp_t gfp)
{
	struct list_head dead = LIST_HEAD_INIT(dead);
	unsigned long now = os_coarse_ms();
	struct page *page;

	mutex_lock(&z->lock);
	/* take first, then decay: what this call reuses is not idle */
	page = rmqueue(z, order, gfp);
	page_decay(z, now, &dead);
	mutex_unlock(&z->lock);
	page_unmap_dead(&dead);
	return page;
}

/* Run the shrinker, if any, unless this thread is inside it already */
void page_run_shrinker(void)
{
	unsigned long (*fn)(void);

	if (in_reclaim)
		return;
	fn = atomic_load_explicit(&shrinker, memory_order_acquire);
	if (fn) {
		in_reclaim = true;
		fn();
		in_reclaim = false;
	}
}

/* Run the shrinker, then give back all free memory, with no zone lock
   held; not from inside itself.  @z: the zone the allocation wants. */
static void reclaim(struct zone *z)
{
	if (in_reclaim)
		return;
	atomic_fetch_add_explicit(&page_nr_reclaims, 1,
				  memory_order_relaxed);
	atomic_fetch_add_explicit(&z->allocstall, 1, memory_order_relaxed);
	page_run_shrinker();
	page_trim();
}

static void deadline_in(struct timespec *ts, unsigned long ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += (time_t)(ms / 1000);
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* __GFP_NOFAIL: wait for frees, reclaiming again after each quiet slice. */
static struct page *wait_for_free(struct zone *z, unsigned int order,
				  gfp_t gfp)
{
	struct timespec ts;
	struct page *page;

	mutex_lock(&z->lock);
	while (!(page = rmqueue(z, order, gfp))) {
		deadline_in(&ts, NOFAIL_SLICE_MS);
		if (mutex_cond_timedwait(&z->freed, &z->lock, &ts) ==
		    ETIMEDOUT) {
			mutex_unlock(&z->lock);
			reclaim(z);
			mutex_lock(&z->lock);
		}
	}
	mutex_unlock(&z->lock);
	return page;
}

/**
 * alloc_pages - allocate 2^@order contiguous pages
 * @gfp:   GFP flags; __GFP_DMA takes them from the DMA zone
 * @order: 0..MAX_PAGE_ORDER
 *
 * Returns the head page of the block, or NULL with errno EINVAL (order
 * too big) or ENOMEM.  At the zone's limit, only an allocation with
 * __GFP_DIRECT_RECLAIM and without __GFP_NORETRY runs the shrinker and
 * tries again; only then does __GFP_NOFAIL block until it succeeds
 * (without __GFP_DIRECT_RECLAIM, __GFP_NOFAIL fails like the rest).
 * Callable from any thread, but not with zone->lock held.
 */
struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	struct zone *z =
		&page_zones[(gfp & __GFP_DMA) ? ZONE_DMA : ZONE_NORMAL];
	struct page *page;

	if (unlikely(order > MAX_PAGE_ORDER)) {
		errno = EINVAL;
		return NULL;
	}
	might_alloc(gfp);
	page_alloc_init();
	page = try_zone(z, order, gfp);
	if (likely(page))
		goto got;
	if (!(gfp & __GFP_DIRECT_RECLAIM) || (gfp & __GFP_NORETRY))
		goto fail;
	reclaim(z);
	page = try_zone(z, order, gfp);
	if (page)
		goto got;
	if (gfp & __GFP_NOFAIL) {
		page = wait_for_free(z, order, gfp);
		goto got;
	}
fail:
	atomic_fetch_add_explicit(&page_nr_failures, 1,
				  memory_order_relaxed);
	/* As the kernel's, a failure is traced too (page=0) */
	if (trace_on(SCULLC_TRACE_MM_PAGE_ALLOC))
		trace_page(SCULLC_TRACE_MM_PAGE_ALLOC, NULL, 0, order, gfp);
	errno = ENOMEM;
	return NULL;
got:
	/*
	 * A free block is no-access to ASan and memcheck from __free_pages
	 * to here: the caller owns it now, contents undefined.  Memcheck may
	 * remember the range as a freed kmalloc block; this reopens it.
	 */
	mem_undefined(page_address(page), PAGE_SIZE << order);
	if (gfp & __GFP_ZERO)
		memset(page_address(page), 0, PAGE_SIZE << order);
	if (trace_on(SCULLC_TRACE_MM_PAGE_ALLOC))
		trace_page(SCULLC_TRACE_MM_PAGE_ALLOC, page,
			   (unsigned long)page_address(page) >> PAGE_SHIFT,
			   order, gfp);
	return page;
}

/**
 * __free_pages - give back a block from alloc_pages(@order)
 * Its memory stays resident for reuse and goes back to the OS by decay or
 * past the bound (see the top of this file).  Wakes __GFP_NOFAIL waiters.
 * Aborts with a "Bad page state" report when @page is not the head of
 * an allocated block of @order.  Callable from any thread, never blocks
 * for long.
 */
void __free_pages(struct page *page, unsigned int order)
{
	struct list_head dead = LIST_HEAD_INIT(dead);
	unsigned long now = os_coarse_ms();
	struct chunk *c;
	struct zone *z;
	unsigned long i;

	if (order > MAX_PAGE_ORDER || !(page->flags & PG_head) ||
	    page->order != order)
		page_bad(page, order, "not the head of a block of that order");
	if (trace_on(SCULLC_TRACE_MM_PAGE_FREE))
		trace_page(SCULLC_TRACE_MM_PAGE_FREE, page,
			   (unsigned long)page_address(page) >> PAGE_SHIFT,
			   order, 0);
	c = page_chunk(page);
	z = c->zone;
	for (i = 1; i < (1UL << order); i++) {
#ifdef SCULLC_DEBUG
		if (page[i].flags != PG_tail || page[i].compound_head != page)
			page_bad(page, order, "a tail page was corrupted");
#endif
		page[i].flags = 0;
		page[i].compound_head = NULL;
	}
	page->slab_cache = NULL;
	page->freelist = NULL;
	page->inuse = 0;
	page->objects = 0;
	page->large_size = 0;
	mem_noaccess(page_address(page), PAGE_SIZE << order);

	/* slab.c gives slabs back only once list_lock is dropped */
	lock_assert_none_from(LOCK_RANK_LIST, "__free_pages");
	mutex_lock(&z->lock);
	free_one(z, page, order, &dead);
	page_decay(z, now, &dead);
	if (z->dirty > dirty_max(z))
		page_purge(z, dirty_max(z) / 2, false, &dead);
	mutex_unlock(&z->lock);
	pthread_cond_broadcast(&z->freed);
	page_unmap_dead(&dead);
}

/**
 * page_set_shrinker - set the function direct reclaim calls
 * @fn: frees what it can and returns the pages it gave back; NULL: none
 * It is called without any zone lock and may free pages; its own
 * allocations do not reclaim again.
 */
void page_set_shrinker(unsigned long (*fn)(void))
{
	atomic_store_explicit(&shrinker, fn, memory_order_release);
}

/* page_get_shrinker - the function direct reclaim calls, or NULL */
unsigned long (*page_get_shrinker(void))(void)
{
	return atomic_load_explicit(&shrinker, memory_order_acquire);
}

/* ------------------------------------------------------------------ */
/* Set-up                                                              */

/* page_reserve_for - the reserve a zone limited to @limit bytes keeps */
size_t page_reserve_for(size_t limit)
{
	if (limit == SIZE_MAX)
		return 0;
	return ALIGN_DOWN(MIN(limit / 64, MAX_RESERVE), PAGE_SIZE);
}

static void init_zone(struct zone *z)
{
	pthread_condattr_t attr;
	unsigned int o;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&z->freed, &attr);
	pthread_condattr_destroy(&attr);
	for (o = 0; o <= MAX_PAGE_ORDER; o++)
		INIT_LIST_HEAD(&z->free_area[o]);
	INIT_LIST_HEAD(&z->chunks);
	z->reserve = page_reserve_for(z->limit);
}

/* page_set_huge - resolve @mode (advise: ask the kernel) into huge_on */
void page_set_huge(int mode)
{
	bool on = mode == SCULLC_HUGE_ALWAYS ||
		  (mode == SCULLC_HUGE_ADVISE && os_thp_enabled());

	atomic_store_explicit(&page_huge_mode, mode, memory_order_relaxed);
	atomic_store_explicit(&huge_on, on, memory_order_relaxed);
}

static void init(void)
{
	unsigned int i;

	for (i = 0; i < NR_ZONES; i++)
		init_zone(&page_zones[i]);
	page_set_huge(atomic_load_explicit(&page_huge_mode,
					   memory_order_relaxed));
	fork_init();
	/* Without the table every allocation fails with ENOMEM */
	atomic_store_explicit(&chunk_table,
			      os_map(TABLE_ENTRIES * sizeof(struct chunk *), 0),
			      memory_order_release);
}

/* page_alloc_init - set up the zones; idempotent, thread-safe */
void page_alloc_init(void)
{
	pthread_once(&init_once, init);
}
