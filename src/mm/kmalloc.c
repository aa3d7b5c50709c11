/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* kmalloc.c - kmalloc/kfree: general-purpose size classes on kmem_caches */

/*
 * Design.  As in the kernel, kmalloc is a thin layer over kmem_caches: one
 * cache per size class (8, 16, 32, 64, 96, 128, 192, 256, 512, 1k, 2k, 4k,
 * 8k bytes), and a second set with SLAB_CACHE_DMA for __GFP_DMA, all made by
 * kmalloc_init() when the allocator starts.  The class of a size is one
 * load: a table of 1024 bytes indexed by (size - 1) / 8, for every size up
 * to KMALLOC_MAX_CACHE_SIZE, filled by kmalloc_init (the kernel's
 * size_index stops at 192 bytes and takes fls() above; the table spares
 * kmalloc that branch and bit scan).  Class indices are the kernel's: 1
 * is 96, 2 is 192, 3..13 are 8..8k.
 *
 * Requests above KMALLOC_MAX_CACHE_SIZE skip the caches and take a block of
 * pages from the page allocator; its head page is marked PG_large and
 * remembers the size asked for.  kfree tells the two apart by the head
 * page's flags (PG_slab or PG_large); ksize likewise.
 *
 * The caches are created once and never destroyed, so kmalloc_caches[][]
 * and size_index[] need no lock: they are written before any other thread
 * can call kmalloc (the library constructor runs kmalloc_init once) and
 * only read afterwards.
 */

#include "mm/internal.h"

#include <stdio.h>
#include <string.h>

#ifndef HAVE_VALGRIND_MEMCHECK_H
# define VALGRIND_RESIZEINPLACE_BLOCK(addr, old, new, rz) ((void)0)
#endif

#define KMALLOC_SHIFT_LOW   3                       /* 8 bytes */
#define KMALLOC_SHIFT_HIGH  13                      /* 8 KiB */
#define KMALLOC_MIN_ALIGN   8
#define NR_KMALLOC_INDEX    (KMALLOC_SHIFT_HIGH + 1)

enum kmalloc_type { KMALLOC_NORMAL, KMALLOC_DMA, NR_KMALLOC_TYPES };

/* [type][index]; index 0 unused.  Written by kmalloc_init only. */
static struct kmem_cache *kmalloc_caches[NR_KMALLOC_TYPES][NR_KMALLOC_INDEX];

/* The size of each class, by index. */
static const unsigned int kmalloc_size[NR_KMALLOC_INDEX] = {
	0, 96, 192, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192,
};

/* Class index of sizes 1..KMALLOC_MAX_CACHE_SIZE, by (size - 1) / 8.
   Written by kmalloc_init only. */
static uint8_t size_index[KMALLOC_MAX_CACHE_SIZE / KMALLOC_MIN_ALIGN];

/* The class index of @size, 1 <= size <= KMALLOC_MAX_CACHE_SIZE. */
static inline unsigned int kmalloc_index(size_t size)
{
	return size_index[(size - 1) / KMALLOC_MIN_ALIGN];
}

/* The smallest class that holds @size bytes: 96 and 192 where they are
   smaller than the next power of two */
static unsigned int class_of(unsigned int size)
{
	unsigned int i = KMALLOC_SHIFT_LOW;

	if (size > 64 && size <= 96)
		return 1;
	if (size > 128 && size <= 192)
		return 2;
	while (kmalloc_size[i] < size)
		i++;
	return i;
}

static inline struct kmem_cache *kmalloc_slab(size_t size, gfp_t gfp)
{
	return kmalloc_caches[(gfp & __GFP_DMA) ? KMALLOC_DMA : KMALLOC_NORMAL]
			     [kmalloc_index(size)];
}

static void make_name(char *buf, size_t len, const char *prefix,
		      unsigned int size)
{
	if (size >= 1024)
		snprintf(buf, len, "%skmalloc-%uk", prefix, size / 1024);
	else
		snprintf(buf, len, "%skmalloc-%u", prefix, size);
}

/*
 * kmalloc_init - create every kmalloc cache and give the magazines their
 * allocator.  Called once by the library constructor (cache.c).
 * Like the kernel's kmalloc caches they are not cache-line aligned; a
 * failure here leaves the library unusable, hence SLAB_PANIC.
 */
void kmalloc_init(void)
{
	static const char *const prefix[NR_KMALLOC_TYPES] = { "", "dma-" };
	static const unsigned long flags[NR_KMALLOC_TYPES] = {
		0, SLAB_CACHE_DMA
	};
	char name[KMEM_CACHE_NAME_MAX + 1];
	unsigned int type, i;

	for (i = 0; i < sizeof(size_index); i++)
		size_index[i] = (uint8_t)class_of((i + 1) * KMALLOC_MIN_ALIGN);
	for (type = 0; type < NR_KMALLOC_TYPES; type++) {
		for (i = KMALLOC_SHIFT_LOW; i < NR_KMALLOC_INDEX; i++) {
			make_name(name, sizeof(name), prefix[type],
				  kmalloc_size[i]);
			kmalloc_caches[type][i] = kmem_cache_create(name,
					kmalloc_size[i], KMALLOC_MIN_ALIGN,
					flags[type] | SLAB_PANIC, NULL);
			/* 96 and 192 after 64 and 128, as the kernel does */
			if (i == 6 || i == 7) {
				unsigned int j = i - 5;

				make_name(name, sizeof(name), prefix[type],
					  kmalloc_size[j]);
				kmalloc_caches[type][j] = kmem_cache_create(
					name, kmalloc_size[j],
					KMALLOC_MIN_ALIGN,
					flags[type] | SLAB_PANIC, NULL);
			}
		}
	}
	depot_set_array_alloc(kmalloc_nomag, kfree_nomag);
}

/* ------------------------------------------------------------------ */
/* Large blocks: straight from the page allocator                      */

static void *large_alloc(size_t size, gfp_t gfp)
{
	unsigned int order;
	struct page *page;
	void *p;

	if (unlikely(size > KMALLOC_MAX_SIZE)) {
		errno = ENOMEM;
		return NULL;
	}
	if (unlikely(atomic_load_explicit(&failslab_enabled,
					  memory_order_relaxed)) &&
	    should_failslab(NULL, size, gfp)) {
		errno = ENOMEM;
		return NULL;
	}
	order = get_order(size);
	page = alloc_pages(gfp, order);
	if (!page)
		return NULL;
	page->flags |= PG_large;
	page->large_size = size;
	p = page_address(page);
	obj_handed_out(p, size, (gfp & __GFP_ZERO) != 0);
	mem_noaccess((char *)p + size, (PAGE_SIZE << order) - size);
	return p;
}

static void large_free(struct page *page, const void *p)
{
	unsigned int order = page->order;

	obj_taken_back(p, PAGE_SIZE << order);
	page->flags &= ~PG_large;
	page->large_size = 0;
	__free_pages(page, order);
}

/*
 * The head page of the kmalloc block @p, or NULL when @p is none (after
 * reporting an invalid free when @freeing).
 */
static __attribute__((noinline, cold)) void report_invalid_free(const void *p)
{
	debug_report_invalid_free(NULL, p);
}

/* Inline: kfree's fast path is this lookup and cache_free's push. */
static inline __attribute__((always_inline))
struct page *block_page(const void *p, bool freeing)
{
	struct page *page = virt_to_head_page(p);

	if (unlikely(!page))
		goto bad;
	if (likely(page->flags & PG_slab))
		return page;
	if ((page->flags & PG_large) && p == page_address(page))
		return page;
bad:
	if (freeing)
		report_invalid_free(p);
	return NULL;
}

/*
 * An ASan build poisons the slack of a block from a kmalloc cache, past
 * the @size asked for, so that an overflow into the rest of its class is
 * reported (memcheck sees the whole class: it was told at the cache
 * layer).  The cache layer unpoisoned all of @s's object_size.
 */
static inline void poison_slack(struct kmem_cache *s, void *p, size_t size)
{
	if (SCULLC_ASAN && p)
		ASAN_POISON_MEMORY_REGION((char *)p + size,
					  s->object_size - size);
}

/* ------------------------------------------------------------------ */
/* The public API                                                      */

/*
 * The bodies of the public functions, inlined into each so that a debug
 * cache records (SLAB_STORE_USER) the caller of kmalloc, kzalloc, kfree...
 * rather than the library function itself, as the kernel's _RET_IP_ does.
 */
static inline __attribute__((always_inline))
void *kmalloc_notrace(size_t size, gfp_t gfp, unsigned long caller)
{
	if (unlikely(size == 0))
		return ZERO_SIZE_PTR;
	if (likely(size <= KMALLOC_MAX_CACHE_SIZE)) {
		struct kmem_cache *s = kmalloc_slab(size, gfp);
		void *p = cache_alloc(s, gfp, caller);

		poison_slack(s, p, size);
		return p;
	}
	return large_alloc(size, gfp);
}

/* kmalloc with its kmalloc event (failures too, as the kernel's) */
static __attribute__((noinline, cold))
void *kmalloc_traced(size_t size, gfp_t gfp, unsigned long caller)
{
	void *p = kmalloc_notrace(size, gfp, caller);

	if (size)
		trace_kmem_alloc(SCULLC_TRACE_KMALLOC, caller, p, size,
				 size <= KMALLOC_MAX_CACHE_SIZE ?
				 kmalloc_slab(size, gfp)->size :
				 PAGE_SIZE << get_order(size), gfp);
	return p;
}

/* The event's bit first: clear, the code is what it is untraced */
static inline __attribute__((always_inline))
void *do_kmalloc(size_t size, gfp_t gfp, unsigned long caller)
{
	if (trace_on(SCULLC_TRACE_KMALLOC))
		return kmalloc_traced(size, gfp, caller);
	return kmalloc_notrace(size, gfp, caller);
}

static inline __attribute__((always_inline))
void *do_kmalloc_array(size_t n, size_t size, gfp_t gfp, unsigned long caller)
{
	size_t bytes;

	if (unlikely(__builtin_mul_overflow(n, size, &bytes))) {
		errno = ENOMEM;
		return NULL;
	}
	return do_kmalloc(bytes, gfp, caller);
}

static inline __attribute__((always_inline))
void kfree_notrace(const void *p, unsigned long caller)
{
	struct page *page;

	if (unlikely(ZERO_OR_NULL_PTR(p)))
		return;
	page = block_page(p, true);
	if (!page)
		return;
	if (likely(page->flags & PG_slab)) {
		/*
		 * The slab is known, and so its cache: the same fast path as
		 * kmem_cache_free, which debug caches leave for the checked one.
		 */
		cache_free(page->slab_cache, (void *)p, caller);
	} else {
		large_free(page, p);
	}
}

/* kfree with its kfree event, NULL included, as the kernel's */
static __attribute__((noinline, cold))
void kfree_traced(const void *p, unsigned long caller)
{
	trace_kmem_free(SCULLC_TRACE_KFREE, caller, p, NULL);
	kfree_notrace(p, caller);
}

static inline __attribute__((always_inline))
void do_kfree(const void *p, unsigned long caller)
{
	if (trace_on(SCULLC_TRACE_KFREE))
		return kfree_traced(p, caller);
	kfree_notrace(p, caller);
}

/**
 * kmalloc - allocate @size bytes
 * @size: bytes wanted; 0 gives ZERO_SIZE_PTR, which kfree accepts
 * @gfp:  GFP flags; __GFP_DMA takes the block from the DMA zone,
 *        __GFP_ZERO zeroes it
 *
 * Blocks of up to KMALLOC_MAX_CACHE_SIZE bytes come from the kmalloc-*
 * caches, larger ones straight from the page allocator.  Returns the block,
 * or NULL with errno ENOMEM (no memory, an injected failure, or @size above
 * KMALLOC_MAX_SIZE).  Blocks only when @gfp allows it; any thread.
 */
SCULLC_API void *kmalloc(size_t size, gfp_t gfp)
{
	return do_kmalloc(size, gfp, _RET_IP_);
}

/** kzalloc - kmalloc with __GFP_ZERO */
SCULLC_API void *kzalloc(size_t size, gfp_t gfp)
{
	return do_kmalloc(size, gfp | __GFP_ZERO, _RET_IP_);
}

/**
 * kmalloc_array - allocate @n elements of @size bytes
 * Returns NULL with errno ENOMEM when @n * @size overflows, else as kmalloc.
 */
SCULLC_API void *kmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	return do_kmalloc_array(n, size, gfp, _RET_IP_);
}

/** kcalloc - kmalloc_array, zeroed */
SCULLC_API void *kcalloc(size_t n, size_t size, gfp_t gfp)
{
	return do_kmalloc_array(n, size, gfp | __GFP_ZERO, _RET_IP_);
}

/**
 * kfree - free a block from kmalloc
 * @p: the block; NULL and ZERO_SIZE_PTR are ignored
 *
 * A pointer that is not a kmalloc block (nor a slab object) is reported as
 * an invalid free.  Never blocks; any thread.
 */
SCULLC_API void kfree(const void *p)
{
	do_kfree(p, _RET_IP_);
}

/**
 * ksize - the usable size of a kmalloc block
 * Returns the size of its class (or of its block of pages); 0 for NULL,
 * ZERO_SIZE_PTR and pointers that are not the start of a block (large
 * blocks) or not in a slab.  The caller may use all of it: as the kernel's
 * KASAN does, an ASan build unpoisons the slack past the size asked for.
 * Never blocks.
 */
SCULLC_API size_t ksize(const void *p)
{
	struct page *page;
	size_t size;

	if (unlikely(ZERO_OR_NULL_PTR(p)))
		return 0;
	page = block_page(p, false);
	if (!page)
		return 0;
	if (page->flags & PG_slab)
		size = kmem_cache_size(page->slab_cache);
	else
		size = PAGE_SIZE << page->order;
	/* ASan: the slack is the caller's too */
	ASAN_UNPOISON_MEMORY_REGION(p, size);
	return size;
}

/**
 * krealloc - change the size of a kmalloc block, keeping its contents
 * @p:        the block; NULL or ZERO_SIZE_PTR make this kmalloc
 * @new_size: 0 frees @p and returns ZERO_SIZE_PTR
 *
 * Stays in place when the block is already big enough.  Returns the block,
 * or NULL with errno ENOMEM (EINVAL when @p is not a kmalloc block),
 * leaving @p untouched.  Blocks as @gfp allows.
 */
SCULLC_API void *krealloc(const void *p, size_t new_size, gfp_t gfp)
{
	struct page *page;
	size_t old;
	void *n;

	if (unlikely(new_size == 0)) {
		do_kfree(p, _RET_IP_);
		return ZERO_SIZE_PTR;
	}
	if (ZERO_OR_NULL_PTR(p))
		return do_kmalloc(new_size, gfp, _RET_IP_);
	page = block_page(p, false);
	if (!page) {
		errno = EINVAL;
		return NULL;
	}
	if (page->flags & PG_slab) {
		old = kmem_cache_size(page->slab_cache);
		if (new_size <= old) {
			/* ASan: the block's end moves within its class */
			ASAN_UNPOISON_MEMORY_REGION(p, new_size);
			poison_slack(page->slab_cache, (void *)p, new_size);
			return (void *)p;
		}
	} else {
		old = page->large_size;
		if (new_size <= PAGE_SIZE << page->order) {
			/* the block's end moves within its pages */
			VALGRIND_RESIZEINPLACE_BLOCK(p, old, new_size, 0);
			ASAN_UNPOISON_MEMORY_REGION(p, new_size);
			ASAN_POISON_MEMORY_REGION((char *)p + new_size,
				(PAGE_SIZE << page->order) - new_size);
			page->large_size = new_size;
			return (void *)p;
		}
	}
	n = do_kmalloc(new_size, gfp, _RET_IP_);
	if (!n)
		return NULL;
	/* ASan: the whole class is copied, slack included (ksize's view) */
	ASAN_UNPOISON_MEMORY_REGION(p, MIN(old, new_size));
	memcpy(n, p, MIN(old, new_size));
	do_kfree(p, _RET_IP_);
	return n;
}

/**
 * kstrdup - a kmalloc'd copy of @s
 * Returns the copy, or NULL with errno ENOMEM (EINVAL for a NULL @s).
 */
SCULLC_API char *kstrdup(const char *s, gfp_t gfp)
{
	size_t len;
	char *d;

	if (!s) {
		errno = EINVAL;
		return NULL;
	}
	len = strlen(s) + 1;
	d = do_kmalloc(len, gfp, _RET_IP_);
	if (d)
		memcpy(d, s, len);
	return d;
}

/* ------------------------------------------------------------------ */
/* Without magazines: for the magazines themselves                     */

/*
 * kmalloc_nomag - kmalloc that never touches a per-thread magazine, so the
 * magazine code can allocate its own arrays without recursing into itself.
 */
void *kmalloc_nomag(size_t size, gfp_t gfp)
{
	struct kmem_cache *s;
	void *p;

	if (unlikely(size == 0))
		return ZERO_SIZE_PTR;
	if (unlikely(size > KMALLOC_MAX_CACHE_SIZE))
		return large_alloc(size, gfp);
	s = kmalloc_slab(size, gfp);
	p = slab_alloc_nomag(s, gfp, (unsigned long)__builtin_return_address(0));
	poison_slack(s, p, size);
	if (p) {
		mutex_lock(&s->list_lock);
		s->internal_objs++;
		mutex_unlock(&s->list_lock);
	}
	return p;
}

/* kfree_nomag - free what kmalloc_nomag returned (NULL ignored). */
void kfree_nomag(const void *p)
{
	struct page *page;

	if (unlikely(ZERO_OR_NULL_PTR(p)))
		return;
	page = block_page(p, true);
	if (!page)
		return;
	if (page->flags & PG_slab) {
		struct kmem_cache *s = page->slab_cache;

		mutex_lock(&s->list_lock);
		s->internal_objs--;
		mutex_unlock(&s->list_lock);
		slab_free_nomag(s, (void *)p,
				(unsigned long)__builtin_return_address(0));
	} else {
		large_free(page, p);
	}
}

/* the scullc_ names of the functions above (libscullc(3), "Name clashes") */
SCULLC_ALIAS(kcalloc);
SCULLC_ALIAS(kfree);
SCULLC_ALIAS(kmalloc);
SCULLC_ALIAS(kmalloc_array);
SCULLC_ALIAS(krealloc);
SCULLC_ALIAS(ksize);
SCULLC_ALIAS(kstrdup);
SCULLC_ALIAS(kzalloc);
