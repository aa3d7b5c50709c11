/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* zone.c - the zones seen from outside: gfp.h, limits, statistics, fork */

/*
 * What a program asks of the page allocator beyond alloc_pages and
 * __free_pages (page_alloc.c, which this file builds on and which never
 * calls it): the gfp.h address calls, the Normal zone's limit and
 * reserve, the huge-page mode, scullc_purge, meminfo and buddyinfo, and
 * the zone locks held across fork (fork.c).
 *
 * Locks: each zone's fields are read and set under that zone's lock,
 * as in page_alloc.c (page_zones, internal.h); one zone lock at a time,
 * but for fork, which takes Normal then DMA (subclasses).  The huge-page
 * mode and the reclaim statistics are atomics, read relaxed.
 */

#include "internal.h"

#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* The public API (gfp.h)                                              */

/* The public functions are documented in <scullc/gfp.h>. */

SCULLC_API unsigned long __get_free_pages(gfp_t gfp, unsigned int order)
{
	struct page *page = alloc_pages(gfp, order);

	return page ? (unsigned long)page_address(page) : 0;
}

SCULLC_API unsigned long get_zeroed_page(gfp_t gfp)
{
	return __get_free_pages(gfp | __GFP_ZERO, 0);
}

SCULLC_API void free_pages(unsigned long addr, unsigned int order)
{
	struct page *page;

	if (!addr)
		return;
	page_alloc_init();
	page = virt_to_page((const void *)addr);
	if (!page || (addr & (PAGE_SIZE - 1)))
		page_bad(page, order, "address not from __get_free_pages");
	__free_pages(page, order);
}

SCULLC_API int scullc_set_limit(size_t bytes)
{
	struct zone *z = &page_zones[ZONE_NORMAL];

	if (bytes < PAGE_SIZE)
		return -EINVAL;
	page_alloc_init();
	mutex_lock(&z->lock);
	z->limit = bytes == SIZE_MAX ? SIZE_MAX : ALIGN_DOWN(bytes, PAGE_SIZE);
	z->reserve = page_reserve_for(z->limit);
	mutex_unlock(&z->lock);
	/* A raised limit lets __GFP_NOFAIL waiters through */
	pthread_cond_broadcast(&z->freed);
	return 0;
}

SCULLC_API size_t scullc_get_limit(void)
{
	struct zone *z = &page_zones[ZONE_NORMAL];
	size_t limit;

	page_alloc_init();
	mutex_lock(&z->lock);
	limit = z->limit;
	mutex_unlock(&z->lock);
	return limit;
}

SCULLC_API int scullc_set_huge(int mode)
{
	if (mode != SCULLC_HUGE_NEVER && mode != SCULLC_HUGE_ALWAYS &&
	    mode != SCULLC_HUGE_ADVISE)
		return -EINVAL;
	page_alloc_init();
	page_set_huge(mode);
	return 0;
}

SCULLC_API int scullc_get_huge(void)
{
	page_alloc_init();
	return atomic_load_explicit(&page_huge_mode, memory_order_relaxed);
}

SCULLC_API int scullc_huge_pages(void)
{
	page_alloc_init();
	return page_huge();
}

SCULLC_API size_t scullc_purge(void)
{
	page_run_shrinker();
	return page_trim();
}

SCULLC_API void scullc_meminfo(struct scullc_meminfo *info)
{
	struct zone *n = &page_zones[ZONE_NORMAL], *d = &page_zones[ZONE_DMA];

	page_alloc_init();
	memset(info, 0, sizeof(*info));
	mutex_lock(&n->lock);
	info->limit = n->limit;
	info->reserve = n->reserve;
	info->used = n->used;
	info->mapped = n->mapped;
	mutex_unlock(&n->lock);
	mutex_lock(&d->lock);
	info->dma_limit = d->limit;
	info->dma_used = d->used;
	info->mapped += d->mapped;
	mutex_unlock(&d->lock);
	info->reclaims = atomic_load_explicit(&page_nr_reclaims,
					      memory_order_relaxed);
	info->failures = atomic_load_explicit(&page_nr_failures,
					      memory_order_relaxed);
}

/* The zones in the order the reports show them: DMA, then Normal */
static const int shown_order[SCULLC_NR_ZONES] = { ZONE_DMA, ZONE_NORMAL };

/**
 * scullc_buddyinfo - free blocks per order per zone, DMA then Normal
 * Fills @out[0 .. min(@nr, SCULLC_NR_ZONES)), each zone under its lock,
 * and returns SCULLC_NR_ZONES.  Never blocks for memory; any thread.
 */
SCULLC_API int scullc_buddyinfo(struct scullc_zone_free *out, int nr)
{
	int i;

	page_alloc_init();
	for (i = 0; i < nr && i < SCULLC_NR_ZONES; i++) {
		struct zone *z = &page_zones[shown_order[i]];

		memset(&out[i], 0, sizeof(out[i]));
		snprintf(out[i].name, sizeof(out[i].name), "%s", z->name);
		mutex_lock(&z->lock);
		memcpy(out[i].nr_free, z->nr_free, sizeof(z->nr_free));
		mutex_unlock(&z->lock);
	}
	return SCULLC_NR_ZONES;
}

/**
 * scullc_zone_stat - each zone's page counts and events, DMA then Normal
 * Fills @out[0 .. min(@nr, SCULLC_NR_ZONES)), each zone under its lock,
 * and returns SCULLC_NR_ZONES.  Never blocks for memory; any thread.
 */
SCULLC_API int scullc_zone_stat(struct scullc_zone_stat *out, int nr)
{
	int i;

	page_alloc_init();
	for (i = 0; i < nr && i < SCULLC_NR_ZONES; i++) {
		struct zone *z = &page_zones[shown_order[i]];

		memset(&out[i], 0, sizeof(out[i]));
		snprintf(out[i].name, sizeof(out[i].name), "%s", z->name);
		mutex_lock(&z->lock);
		out[i].limit = z->limit;
		out[i].reserve = z->reserve;
		out[i].used = z->used;
		out[i].noaccount = z->noaccount;
		out[i].pgalloc = z->pgalloc;
		out[i].pgfree = z->pgfree;
		mutex_unlock(&z->lock);
		out[i].allocstall = atomic_load_explicit(&z->allocstall,
							 memory_order_relaxed);
	}
	return SCULLC_NR_ZONES;
}

/* ------------------------------------------------------------------ */
/* fork() (fork.c): the zone locks, held across it                     */

/* Normal, then DMA: the one place two zone locks are held together */
void zone_fork_lock(void)
{
	unsigned int i;

	for (i = 0; i < NR_ZONES; i++)
		mutex_lock_nested(&page_zones[i].lock, i);
}

void zone_fork_unlock(void)
{
	unsigned int i;

	for (i = NR_ZONES; i-- > 0;)
		mutex_unlock(&page_zones[i].lock);
}

/* In the child, after zone_fork_unlock: no other thread waits in
   __GFP_NOFAIL any more */
void zone_fork_reinit(void)
{
	pthread_condattr_t attr;
	unsigned int i;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	for (i = 0; i < NR_ZONES; i++)
		pthread_cond_init(&page_zones[i].freed, &attr);
	pthread_condattr_destroy(&attr);
}

/* the scullc_ names of the functions above (libscullc(3), "Name clashes") */
SCULLC_ALIAS(__get_free_pages);
SCULLC_ALIAS(free_pages);
SCULLC_ALIAS(get_zeroed_page);
