/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* gfp.h - allocation flags and the page allocator of libscullc */
#ifndef SCULLC_GFP_H
#define SCULLC_GFP_H

#include <stddef.h>
#include <scullc/prefix.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * GFP ("get free pages") flags say how hard an allocation may try.  The
 * values and meanings are the Linux kernel's:
 *
 *   __GFP_DMA             take the pages from the DMA zone (bounded at 16 MiB)
 *   __GFP_HIGH            may dip into the emergency reserve
 *   __GFP_IO, __GFP_FS    accepted for source compatibility; no effect here
 *   __GFP_ZERO            return zeroed memory
 *   __GFP_DIRECT_RECLAIM  may sleep and reclaim (drain per-thread caches,
 *                         shrink every cache not marked SLAB_NO_REAP)
 *   __GFP_KSWAPD_RECLAIM  accepted; there is no background reclaimer
 *   __GFP_NOWARN          do not log the failure
 *   __GFP_NORETRY         fail at once at the limit, without reclaiming
 *   __GFP_NOFAIL          never fail: wait until memory is freed
 *   __GFP_NOACCOUNT       not charged to the limit (scullc_set_limit): the
 *                         pages are counted apart, up to SCULLC_NOACCOUNT_MAX
 *                         bytes per zone, and never fail for the limit.  For
 *                         the memory a program spends observing itself, as
 *                         the kernel's /proc and sysfs are not charged to a
 *                         tmpfs.  A slab takes the class of the allocation
 *                         that made it: keep such objects in caches of their
 *                         own, and take large buffers as pages.
 */
typedef unsigned int gfp_t;

#define __GFP_DMA             ((gfp_t)0x01u)
#define __GFP_HIGH            ((gfp_t)0x20u)
#define __GFP_IO              ((gfp_t)0x40u)
#define __GFP_FS              ((gfp_t)0x80u)
#define __GFP_ZERO            ((gfp_t)0x100u)
#define __GFP_DIRECT_RECLAIM  ((gfp_t)0x400u)
#define __GFP_KSWAPD_RECLAIM  ((gfp_t)0x800u)
#define __GFP_NOWARN          ((gfp_t)0x2000u)
#define __GFP_NORETRY         ((gfp_t)0x10000u)
#define __GFP_NOFAIL          ((gfp_t)0x8000u)
#define __GFP_NOACCOUNT       ((gfp_t)0x1000000u)
#define __GFP_RECLAIM         (__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM)

#define GFP_ATOMIC   (__GFP_HIGH | __GFP_KSWAPD_RECLAIM)
#define GFP_KERNEL   (__GFP_RECLAIM | __GFP_IO | __GFP_FS)
#define GFP_NOWAIT   (__GFP_KSWAPD_RECLAIM)
#define GFP_NOIO     (__GFP_RECLAIM)
#define GFP_NOFS     (__GFP_RECLAIM | __GFP_IO)
#define GFP_USER     GFP_KERNEL
#define GFP_DMA      __GFP_DMA

/* True when an allocation with these flags may sleep. */
static inline int gfpflags_allow_blocking(gfp_t gfp)
{
	return (gfp & __GFP_DIRECT_RECLAIM) != 0;
}

#define PAGE_SHIFT      12
#define PAGE_SIZE       (1UL << PAGE_SHIFT)
#define MAX_PAGE_ORDER  10              /* largest block: 4 MiB */
#define SCULLC_NOACCOUNT_MAX (64UL << 20) /* __GFP_NOACCOUNT bytes per zone */

/*
 * __get_free_pages - allocate 2^order contiguous pages
 * Returns the address of the first page, or 0 with errno ENOMEM (at the
 * limit, or the operating system refused) or EINVAL (order > MAX_PAGE_ORDER).
 * Blocks only when @gfp allows it; callable from any thread.
 */
unsigned long __get_free_pages(gfp_t gfp, unsigned int order);
unsigned long get_zeroed_page(gfp_t gfp);
#define __get_free_page(gfp) __get_free_pages((gfp), 0)

/* free_pages - give back what __get_free_pages(@order) returned; 0 is ignored. */
void free_pages(unsigned long addr, unsigned int order);
#define free_page(addr) free_pages((addr), 0)

/*
 * scullc_set_limit - cap the bytes of pages the Normal zone hands out
 * @bytes: the new limit, a multiple of PAGE_SIZE is not required (rounded
 *         down); SIZE_MAX means no limit (the default).
 * Returns 0, or -EINVAL when @bytes is smaller than one page.  A limit below
 * what is in use is allowed: allocations then fail until enough is freed.
 * A small part of the limit (1/64, at most 4 MiB) is kept as the reserve
 * that only __GFP_HIGH (GFP_ATOMIC) allocations may use.
 */
int scullc_set_limit(size_t bytes);
size_t scullc_get_limit(void);

/*
 * scullc_purge - give every free page back to the operating system now
 * Shrinks every cache as direct reclaim does (depots and the caller's
 * magazines drained, empty slabs released; other threads' magazines are
 * flushed at their next call), then discards every free page the page
 * allocator keeps resident for reuse and unmaps every wholly free chunk
 * (see libscullc(3), "Giving memory back").  Returns the bytes given back.
 * May block on the allocator's locks, never for memory; any thread, but
 * not from a shrinker or a constructor.
 */
size_t scullc_purge(void);

/*
 * scullc_set_huge - whether the page allocator's chunks are backed by
 * transparent huge pages (2 MiB), in the words of tmpfs's huge= option:
 *   SCULLC_HUGE_NEVER   4 KiB pages (the chunks are marked MADV_NOHUGEPAGE);
 *                       free memory goes back to the OS page by page (the
 *                       default: a program opts in)
 *   SCULLC_HUGE_ALWAYS  huge pages (MADV_HUGEPAGE before the chunk is
 *                       populated); free memory goes back in whole 2 MiB
 *                       units only, so that no huge page is split
 *   SCULLC_HUGE_ADVISE  ALWAYS when the kernel offers huge pages to a
 *                       range that asks (THP "madvise" or "always" in
 *                       /sys/kernel/mm/transparent_hugepage/enabled, read
 *                       at this call), else NEVER
 * Applies to chunks mapped from then on (those mapped before keep their
 * pages) and to every later purge.
 * Returns 0, or -EINVAL for another @mode.  Any thread; never blocks.
 * scullc_get_huge - the mode set; scullc_huge_pages - true when chunks
 * are being backed by huge pages (the mode resolved).
 */
enum { SCULLC_HUGE_NEVER, SCULLC_HUGE_ALWAYS, SCULLC_HUGE_ADVISE };
int scullc_set_huge(int mode);
int scullc_get_huge(void);
int scullc_huge_pages(void);

/* A snapshot of the page allocator, for statfs, tests and reports. */
struct scullc_meminfo {
	size_t limit;           /* Normal zone limit, bytes (SIZE_MAX: none) */
	size_t reserve;         /* of which only __GFP_HIGH may use, bytes */
	size_t used;            /* Normal zone pages handed out, bytes,
	                           but __GFP_NOACCOUNT ones */
	size_t dma_limit;       /* DMA zone limit, bytes */
	size_t dma_used;        /* the same for the DMA zone */
	size_t mapped;          /* bytes of chunks mapped from the OS, both zones */
	unsigned long reclaims; /* direct reclaim runs so far */
	unsigned long failures; /* page allocations that failed */
};
void scullc_meminfo(struct scullc_meminfo *info);

/*
 * scullc_buddyinfo - the page allocator's free blocks of each order in
 * each zone, as /proc/buddyinfo shows them ("Node 0, zone DMA" then
 * "Normal").  Fills @zones[0 .. min(@nr, SCULLC_NR_ZONES)) in that order
 * and returns SCULLC_NR_ZONES.  Never blocks for memory; any thread.
 */
#define SCULLC_NR_ZONES  2
struct scullc_zone_free {
	char name[8];                          /* "DMA", "Normal" */
	unsigned long nr_free[MAX_PAGE_ORDER + 1]; /* blocks of 2^order pages */
};
int scullc_buddyinfo(struct scullc_zone_free *zones, int nr);

/*
 * scullc_zone_stat - each zone's pages and page events, DMA then Normal
 * as scullc_buddyinfo: what /proc/meminfo and /proc/vmstat count of a
 * zone.  The events count from the library's start; a block of 2^order
 * pages counts 2^order, as the kernel counts PGALLOC and PGFREE.  Fills
 * @zones[0 .. min(@nr, SCULLC_NR_ZONES)) and returns SCULLC_NR_ZONES.
 * Never blocks for memory; any thread.
 */
struct scullc_zone_stat {
	char name[8];               /* "DMA", "Normal" */
	size_t limit;               /* bytes (SIZE_MAX: none) */
	size_t reserve;             /* of it, bytes only __GFP_HIGH may use */
	size_t used;                /* bytes handed out, charged to limit */
	size_t noaccount;           /* bytes handed out with __GFP_NOACCOUNT */
	unsigned long pgalloc;      /* pages handed out (pgalloc_<zone>) */
	unsigned long pgfree;       /* pages given back (pgfree) */
	unsigned long allocstall;   /* direct reclaims an allocation from
	                               the zone entered (allocstall_<zone>) */
};
int scullc_zone_stat(struct scullc_zone_stat *zones, int nr);

#ifdef __cplusplus
}
#endif
#endif /* SCULLC_GFP_H */
