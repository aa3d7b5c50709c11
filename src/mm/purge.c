/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* purge.c - dirty free pages back to the operating system */

/*
 * What page_alloc.c's free lists keep resident goes back here: by decay
 * and by the dirty bound while a zone is busy (page_alloc.c calls
 * page_decay and page_purge under the zone's lock), and all at once by a
 * trim (page_trim: scullc_purge, kmem_cache_shrink, direct reclaim).  The
 * rules, and what zone->lock protects, are page_alloc.c's; this file works
 * on the free lists only through page_del_free and page_merge, and drops
 * the lock around its system calls.
 */

#include "internal.h"

#include <assert.h>

#define DECAY_MS        1000UL          /* the decay epoch */

/*
 * purge_pass - discard dirty free blocks of @z, biggest first, until at
 * most @goal bytes are dirty; returns the bytes discarded.  Called and
 * returns with z->lock held, but drops it around the madvise calls: the
 * blocks being discarded are off the free lists meanwhile (buddy false, so
 * no free merges with them), then go back clean.  A whole chunk is not
 * discarded but unmapped: page_merge() puts it on @dead.
 *
 * With huge pages the buddy system merges a wholly free aligned 2 MiB unit
 * into a block of HUGE_ORDER or more, so a smaller dirty block lies in a
 * huge page still partly in use, and discarding it splits that page.  So
 * such a block is discarded only when @split (an idle trim, not the decay
 * or the bound of a busy zone) and its unit has at most SPLIT_USED pages
 * in use: a few long-lived slabs then no longer keep 2 MiB resident each,
 * and a unit mostly in use keeps its huge page.  A split unit is marked
 * MADV_NOHUGEPAGE, so that khugepaged does not collapse it whole again,
 * and takes huge pages again once it is discarded whole.
 */
#define SPLIT_USED (HUGE_PAGES / 4)

/*
 * collect - take @page's dirty block of order @o off the free lists into
 * one of @lists: 0 to be discarded, 1 to be discarded and its unit marked
 * MADV_NOHUGEPAGE (the first split of the unit), 2 to be discarded and
 * marked MADV_HUGEPAGE again (whole units, some split before).  False,
 * and the block stays, when it may not be discarded now.  Locked.
 */
static bool collect(struct zone *z, struct page *page, int o, bool split,
		    struct list_head lists[3])
{
	struct chunk *c = page_chunk(page);
	size_t u = page_unit(c, page);
	unsigned int mask, list = 0;

	lock_assert_held(&z->lock);
	if (page_huge() && o < HUGE_ORDER) {
		if (!split || HUGE_PAGES - c->unit_free[u] > SPLIT_USED)
			return false;
		if (!(c->unit_split & (1u << u)))
			list = 1;
		c->unit_split |= (unsigned char)(1u << u);
	} else if (page_huge()) {
		mask = ((1u << (1u << (o - HUGE_ORDER))) - 1) << u;
		if (c->unit_split & mask)
			list = 2;
		c->unit_split &= (unsigned char)~mask;
	}
	page_del_free(z, page, (unsigned int)o);
	page->order = (unsigned int)o;
	list_add_tail(&page->lru, &lists[list]);
	return true;
}

static size_t purge_pass(struct zone *z, size_t goal, bool split,
			 struct list_head *dead)
{
	struct list_head lists[3];
	struct page *page, *tmp;
	size_t bytes = 0;
	unsigned int i;
	int o;

	lock_assert_held(&z->lock);
	for (i = 0; i < 3; i++)
		INIT_LIST_HEAD(&lists[i]);
	/* Dirty blocks head each list (add_free): stop at the first clean */
	for (o = MAX_PAGE_ORDER;
	     o >= (page_huge() && !split ? HUGE_ORDER : 0) && z->dirty > goal;
	     o--)
		list_for_each_entry_safe(page, tmp, &z->free_area[o], lru) {
			if (!(page->flags & PG_dirty))
				break;
			if (!collect(z, page, o, split, lists))
				continue;
			bytes += PAGE_SIZE << o;
			if (z->dirty <= goal)
				break;
		}
	if (!bytes)
		return 0;
	mutex_unlock(&z->lock);
	/* The units split now are marked before any block of theirs is
	   discarded, so that khugepaged cannot fill one again between */
	list_for_each_entry(page, &lists[1], lru)
		os_advise_huge((void *)((uintptr_t)page_address(page) &
					~(HUGE_SIZE - 1)), HUGE_SIZE, false);
	for (i = 0; i < 3; i++)
		list_for_each_entry(page, &lists[i], lru) {
			void *addr = page_address(page);

			if (page->order == MAX_PAGE_ORDER)
				continue;     /* unmapped by page_merge() */
			os_discard(addr, PAGE_SIZE << page->order);
			if (i == 2)
				os_advise_huge(addr, PAGE_SIZE << page->order,
					       true);
		}
	mutex_lock(&z->lock);
	for (i = 0; i < 3; i++)
		list_for_each_entry_safe(page, tmp, &lists[i], lru) {
			list_del(&page->lru);
			page_merge(z, page, page->order, false, dead);
		}
	return bytes;
}

/*
 * page_purge - purge_pass until at most @goal bytes are dirty.  A discarded
 * block that merges with a dirty buddy makes the merged block dirty again
 * (one flag per block), and frees may come in while the lock is dropped:
 * a few more passes catch them, but no more than PURGE_PASSES, so that a
 * stream of frees cannot keep the caller here.  Under z->lock.
 */
#define PURGE_PASSES 4
size_t page_purge(struct zone *z, size_t goal, bool split,
		  struct list_head *dead)
{
	size_t bytes = 0, n;
	unsigned int pass;

	lock_assert_held(&z->lock);
	for (pass = 0; pass < PURGE_PASSES && z->dirty > goal; pass++) {
		n = purge_pass(z, goal, split, dead);
		if (!n)
			break;
		bytes += n;
	}
	return bytes;
}

/*
 * page_decay - if the epoch began DECAY_MS or more before @now, discard the
 * dirty bytes it never needed (dirty_low) and begin another.  The epoch
 * moves on before purge drops the lock, so that one caller purges for
 * it.  Under z->lock.
 */
void page_decay(struct zone *z, unsigned long now, struct list_head *dead)
{
	size_t idle;

	lock_assert_held(&z->lock);
	if (now - z->epoch < DECAY_MS)
		return;
	z->epoch = now;
	idle = z->dirty_low;
	assert(idle <= z->dirty);
	if (idle)
		page_purge(z, z->dirty - idle, false, dead);
	z->dirty_low = z->dirty;
}

/* page_trim - see internal.h; no lock held */
size_t page_trim(void)
{
	struct list_head dead = LIST_HEAD_INIT(dead);
	size_t bytes = 0;
	unsigned int i;

	page_alloc_init();
	for (i = 0; i < NR_ZONES; i++) {
		mutex_lock(&page_zones[i].lock);
		bytes += page_purge(&page_zones[i], 0, true, &dead);
		page_zones[i].dirty_low = page_zones[i].dirty;
		mutex_unlock(&page_zones[i].lock);
	}
	page_unmap_dead(&dead);
	return bytes;
}

/* page_dirty_bytes - see internal.h */
size_t page_dirty_bytes(void)
{
	size_t bytes = 0;
	unsigned int i;

	page_alloc_init();
	for (i = 0; i < NR_ZONES; i++) {
		mutex_lock(&page_zones[i].lock);
		bytes += page_zones[i].dirty;
		mutex_unlock(&page_zones[i].lock);
	}
	return bytes;
}
