/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_page_alloc.c - the page allocator: buddy orders, zones, GFP, RSS */

/*
 * The library's constructor (scullc_init) may hold a few pages before any
 * test starts, so every test measures from the meminfo it finds: deltas
 * of used and mapped, never absolute values.  The DMA zone is assumed
 * empty at start (nothing at start-up asks for DMA pages); the tests that
 * depend on exact addresses there check that first.
 *
 * Tests that set a shrinker replace cache_reclaim for their own (forked)
 * process and put the previous one back when done.  The tests that end
 * in abort() ("Bad page state") need Check's fork mode: under CK_FORK=no
 * run the other TCases one by one with CK_RUN_CASE.
 */

#include "mm/internal.h"
#include "unit.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MiB (1UL << 20)

static struct scullc_meminfo info(void)
{
	struct scullc_meminfo mi;

	scullc_meminfo(&mi);
	return mi;
}

/* The meminfo once every free page kept for reuse has been given back:
   what mapped must return to when everything is freed */
static struct scullc_meminfo settled(void)
{
	page_trim();
	return info();
}

/*
 * Anonymous resident bytes of this process (RssAnon in /proc/self/status):
 * what the allocator maps.  File pages (the program, its libraries) are
 * left out, since the kernel may drop or fault them in between two
 * readings on a machine short of memory.
 */
static size_t rss(void)
{
	unsigned long kib = 0;
	bool found = false;
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");

	ck_assert_ptr_nonnull(f);
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "RssAnon: %lu kB", &kib) == 1;
	fclose(f);
	ck_assert_msg(found, "no RssAnon in /proc/self/status");
	return (size_t)kib * 1024;
}

static void touch(unsigned long addr, size_t bytes)
{
	memset((void *)addr, 0x5c, bytes);
}

static bool all_zero(unsigned long addr, size_t bytes)
{
	const unsigned char *p = (const unsigned char *)addr;
	size_t i;

	for (i = 0; i < bytes; i++)
		if (p[i])
			return false;
	return true;
}

/* A shrinker that frees nothing, or the pages parked in hoard[] */
static atomic_uint shrinker_calls;
static unsigned long hoard[64];
static unsigned int nr_hoard;

static unsigned long count_shrinker(void)
{
	atomic_fetch_add(&shrinker_calls, 1);
	return 0;
}

static unsigned long hoard_shrinker(void)
{
	unsigned long n = nr_hoard;

	atomic_fetch_add(&shrinker_calls, 1);
	while (nr_hoard)
		free_page(hoard[--nr_hoard]);
	return n;
}

static unsigned long (*saved_shrinker)(void);

static void use_shrinker(unsigned long (*fn)(void))
{
	saved_shrinker = page_get_shrinker();
	page_set_shrinker(fn);
	atomic_store(&shrinker_calls, 0);
}

/* Set the Normal zone's limit to leave @room bytes above what is used. */
static size_t limit_with_room(size_t room)
{
	size_t limit = ALIGN(info().used, PAGE_SIZE) + room;

	ck_assert_int_eq(scullc_set_limit(limit), 0);
	return limit;
}

static void unlimit(void)
{
	ck_assert_int_eq(scullc_set_limit(SIZE_MAX), 0);
	page_set_shrinker(saved_shrinker);
}

/* Allocate order-0 pages into @pages until @gfp fails; returns how many. */
static unsigned int fill(unsigned long *pages, unsigned int max, gfp_t gfp)
{
	unsigned int n = 0;

	while (n < max && (pages[n] = __get_free_page(gfp)) != 0)
		n++;
	return n;
}

static void free_all(unsigned long *pages, unsigned int n)
{
	while (n)
		free_page(pages[--n]);
}

/* ------------------------------------------------------------------ */
/* Core                                                                */

START_TEST(every_order_allocates_an_aligned_block_and_frees_it)
{
	struct scullc_meminfo before = settled(), mi;
	unsigned int order;

	for (order = 0; order <= MAX_PAGE_ORDER; order++) {
		size_t bytes = PAGE_SIZE << order;
		unsigned long addr = __get_free_pages(GFP_KERNEL, order);

		ck_assert_msg(addr != 0, "order %u failed", order);
		ck_assert_uint_eq(addr & (bytes - 1), 0);
		touch(addr, bytes);
		mi = info();
		ck_assert_uint_eq(mi.used, before.used + bytes);
		free_pages(addr, order);
		mi = settled();
		ck_assert_uint_eq(mi.used, before.used);
		ck_assert_uint_eq(mi.mapped, before.mapped);
	}
}
END_TEST

START_TEST(order_above_max_fails_with_einval)
{
	struct scullc_meminfo before = info();

	errno = 0;
	ck_assert_ptr_null(alloc_pages(GFP_KERNEL, MAX_PAGE_ORDER + 1));
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_uint_eq(__get_free_pages(GFP_ATOMIC, 31), 0);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_uint_eq(info().used, before.used);
}
END_TEST

START_TEST(gfp_zero_returns_zeroed_memory)
{
	unsigned long a, b, z;
	unsigned int order;

	/* Dirty pages, free them, and ask again: likely the same pages */
	for (order = 0; order <= 4; order++) {
		a = __get_free_pages(GFP_KERNEL, order);
		ck_assert_uint_ne(a, 0);
		touch(a, PAGE_SIZE << order);
		free_pages(a, order);
		b = __get_free_pages(GFP_KERNEL | __GFP_ZERO, order);
		ck_assert_uint_ne(b, 0);
		ck_assert(all_zero(b, PAGE_SIZE << order));
		free_pages(b, order);
	}
	z = get_zeroed_page(GFP_ATOMIC);
	ck_assert_uint_ne(z, 0);
	ck_assert(all_zero(z, PAGE_SIZE));
	free_page(z);
}
END_TEST

START_TEST(free_pages_of_zero_is_ignored)
{
	struct scullc_meminfo before = info();

	free_pages(0, 0);
	free_pages(0, MAX_PAGE_ORDER);
	ck_assert_uint_eq(info().used, before.used);
}
END_TEST

START_TEST(freeing_with_the_wrong_order_aborts)
{
	unsigned long a = __get_free_pages(GFP_KERNEL, 2);

	ck_assert_uint_ne(a, 0);
	free_pages(a, 1);       /* "BUG: Bad page state", abort() */
}
END_TEST

START_TEST(double_free_aborts)
{
	unsigned long keep = __get_free_page(GFP_KERNEL);
	unsigned long a = __get_free_page(GFP_KERNEL);

	ck_assert_uint_ne(keep, 0);
	ck_assert_uint_ne(a, 0);
	free_page(a);
	free_page(a);           /* the page is no longer a block's head */
}
END_TEST

START_TEST(freeing_a_foreign_address_aborts)
{
	static char not_ours[2 * PAGE_SIZE];

	free_pages(ALIGN((unsigned long)not_ours, PAGE_SIZE), 0);
}
END_TEST

START_TEST(virt_to_page_maps_heads_tails_and_foreign_addresses)
{
	unsigned int order = 3;
	unsigned long keep = __get_free_page(GFP_KERNEL);
	unsigned long a = __get_free_pages(GFP_KERNEL, order);
	struct page *head, *tail;
	int on_stack;
	void *heap = malloc(64);

	ck_assert_uint_ne(a, 0);
	head = virt_to_page((void *)a);
	ck_assert_ptr_nonnull(head);
	ck_assert_uint_eq(head->flags & (PG_head | PG_tail), PG_head);
	ck_assert(!head->buddy);
	ck_assert_uint_eq(head->order, order);
	ck_assert_ptr_eq(page_address(head), (void *)a);
	ck_assert_ptr_eq(virt_to_head_page((void *)(a + 100)), head);

	tail = virt_to_page((void *)(a + 5 * PAGE_SIZE + 17));
	ck_assert_ptr_eq(tail, head + 5);
	ck_assert_uint_eq(tail->flags, PG_tail);
	ck_assert_ptr_eq(tail->compound_head, head);
	ck_assert_ptr_eq(page_address(tail), (void *)(a + 5 * PAGE_SIZE));
	ck_assert_ptr_eq(virt_to_head_page((void *)(a + 8 * PAGE_SIZE - 1)),
			 head);

	ck_assert_ptr_null(virt_to_page(&on_stack));
	ck_assert_ptr_null(virt_to_head_page(&on_stack));
	ck_assert_ptr_null(virt_to_page(heap));
	ck_assert_ptr_null(virt_to_page(NULL));
	ck_assert_ptr_null(virt_to_page((void *)~0UL));
	free(heap);

	/* keep holds the chunk (and its descriptor) in place */
	free_pages(a, order);
	ck_assert_uint_eq(head->flags & (PG_head | PG_tail), 0);
	ck_assert_uint_eq(tail->flags, 0);
	free_page(keep);
}
END_TEST

START_TEST(a_free_chunk_is_reused_then_given_back_by_a_trim)
{
	struct scullc_meminfo before = settled();
	unsigned long a = __get_free_pages(GFP_KERNEL, MAX_PAGE_ORDER), b;

	/* No free chunk is left after a trim: this one is new */
	ck_assert_uint_ne(a, 0);
	ck_assert_uint_eq(a & (CHUNK_SIZE - 1), 0);
	ck_assert_uint_eq(info().mapped, before.mapped + CHUNK_SIZE);
	ck_assert_ptr_nonnull(virt_to_page((void *)(a + CHUNK_SIZE - 1)));
	touch(a, CHUNK_SIZE);
	/* Freed, it stays mapped and resident for the next allocation */
	free_pages(a, MAX_PAGE_ORDER);
	ck_assert_uint_eq(info().mapped, before.mapped + CHUNK_SIZE);
	ck_assert_uint_ge(page_dirty_bytes(), CHUNK_SIZE);
	b = __get_free_pages(GFP_KERNEL, MAX_PAGE_ORDER);
	ck_assert_uint_eq(b, a);
	free_pages(b, MAX_PAGE_ORDER);
	/* A trim unmaps it */
	ck_assert_uint_ge(page_trim(), CHUNK_SIZE);
	ck_assert_uint_eq(info().mapped, before.mapped);
	ck_assert_uint_eq(page_dirty_bytes(), 0);
	ck_assert_ptr_null(virt_to_page((void *)a));
}
END_TEST

/* ------------------------------------------------------------------ */
/* Buddy                                                               */

START_TEST(allocation_splits_the_smallest_block_that_fits)
{
	unsigned long p, q, r, s, t;

	/* An empty DMA zone: the first page comes from a new chunk */
	ck_assert_uint_eq(info().dma_used, 0);
	p = __get_free_pages(GFP_DMA | GFP_KERNEL, 0);
	ck_assert_uint_eq(p & (CHUNK_SIZE - 1), 0);
	q = __get_free_pages(GFP_DMA | GFP_KERNEL, 0);
	r = __get_free_pages(GFP_DMA | GFP_KERNEL, 1);
	s = __get_free_pages(GFP_DMA | GFP_KERNEL, 2);
	t = __get_free_pages(GFP_DMA | GFP_KERNEL, 0);
	/* Splitting 1024 pages left free blocks at 1, 2, 4, 8, ... pages */
	ck_assert_uint_eq(q, p + PAGE_SIZE);
	ck_assert_uint_eq(r, p + 2 * PAGE_SIZE);
	ck_assert_uint_eq(s, p + 4 * PAGE_SIZE);
	ck_assert_uint_eq(t, p + 8 * PAGE_SIZE);
	ck_assert_uint_eq(info().dma_used, 9 * PAGE_SIZE);
	free_pages(t, 0);
	free_pages(s, 2);
	free_pages(r, 1);
	free_pages(q, 0);
	free_pages(p, 0);
	ck_assert_uint_eq(info().dma_used, 0);
}
END_TEST

START_TEST(free_merges_buddies_into_the_block_they_split_from)
{
	unsigned long p, q, r, s, m;

	ck_assert_uint_eq(info().dma_used, 0);
	p = __get_free_pages(GFP_DMA | GFP_KERNEL, 0);
	q = __get_free_pages(GFP_DMA | GFP_KERNEL, 0);
	r = __get_free_pages(GFP_DMA | GFP_KERNEL, 1);
	s = __get_free_pages(GFP_DMA | GFP_KERNEL, 2);
	ck_assert_uint_eq(s, p + 4 * PAGE_SIZE);
	/* p+q merge to order 1, then with r to order 2; s stops it there */
	free_pages(q, 0);
	free_pages(p, 0);
	free_pages(r, 1);
	m = __get_free_pages(GFP_DMA | GFP_KERNEL, 2);
	ck_assert_uint_eq(m, p);
	free_pages(m, 2);
	free_pages(s, 2);
	ck_assert_uint_eq(info().dma_used, 0);
}
END_TEST

START_TEST(freeing_everything_in_any_order_gives_every_chunk_back)
{
	enum { N = 3 * CHUNK_PAGES };
	struct scullc_meminfo before = settled(), mi;
	unsigned long *pages = malloc(N * sizeof(*pages));
	unsigned int i, seed = 7;

	ck_assert_ptr_nonnull(pages);
	for (i = 0; i < N; i++) {
		pages[i] = __get_free_page(GFP_KERNEL);
		ck_assert_uint_ne(pages[i], 0);
	}
	mi = info();
	ck_assert_uint_eq(mi.used, before.used + N * PAGE_SIZE);
	ck_assert_uint_ge(mi.mapped, before.mapped + 3 * CHUNK_SIZE);
	for (i = N - 1; i > 0; i--) {         /* shuffle */
		unsigned int j = (unsigned int)rand_r(&seed) % (i + 1);
		unsigned long t = pages[i];

		pages[i] = pages[j];
		pages[j] = t;
	}
	for (i = 0; i < N; i++)
		free_page(pages[i]);
	mi = settled();
	ck_assert_uint_eq(mi.used, before.used);
	ck_assert_uint_eq(mi.mapped, before.mapped);
	free(pages);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Limits                                                              */

START_TEST(set_limit_rounds_down_and_sizes_the_reserve)
{
	struct scullc_meminfo mi;

	ck_assert_uint_eq(scullc_get_limit(), SIZE_MAX);
	ck_assert_uint_eq(info().reserve, 0);
	ck_assert_int_eq(scullc_set_limit(PAGE_SIZE - 1), -EINVAL);
	ck_assert_int_eq(scullc_set_limit(0), -EINVAL);
	ck_assert_int_eq(scullc_set_limit(64 * MiB + 123), 0);
	mi = info();
	ck_assert_uint_eq(mi.limit, 64 * MiB);
	ck_assert_uint_eq(scullc_get_limit(), 64 * MiB);
	ck_assert_uint_eq(mi.reserve, 1 * MiB);
	ck_assert_int_eq(scullc_set_limit(1024 * MiB), 0);
	ck_assert_uint_eq(info().reserve, 4 * MiB);   /* capped */
	ck_assert_int_eq(scullc_set_limit(SIZE_MAX), 0);
	mi = info();
	ck_assert_uint_eq(mi.limit, SIZE_MAX);
	ck_assert_uint_eq(mi.reserve, 0);
	ck_assert_uint_eq(mi.dma_limit, DMA_ZONE_LIMIT);
}
END_TEST

START_TEST(gfp_kernel_fails_with_enomem_at_the_limit_and_atomic_gets_the_reserve)
{
	static unsigned long pages[2048];
	struct scullc_meminfo before, mi;
	unsigned int n, m;
	size_t limit;

	use_shrinker(count_shrinker);
	limit = limit_with_room(4 * MiB);
	before = info();
	n = fill(pages, 2048, GFP_KERNEL);
	ck_assert_int_eq(errno, ENOMEM);
	mi = info();
	/* It stopped exactly at limit - reserve */
	ck_assert_uint_le(mi.used, limit - mi.reserve);
	ck_assert_uint_gt(mi.used + PAGE_SIZE, limit - mi.reserve);
	ck_assert_uint_eq(mi.failures, before.failures + 1);
	ck_assert_uint_eq(mi.reclaims, before.reclaims + 1);
	ck_assert_uint_eq(atomic_load(&shrinker_calls), 1);

	/* GFP_ATOMIC may use the reserve, and no more; it never reclaims */
	m = fill(pages + n, 2048 - n, GFP_ATOMIC);
	ck_assert_uint_gt(m, 0);
	ck_assert_int_eq(errno, ENOMEM);
	mi = info();
	ck_assert_uint_eq(mi.used, limit);
	ck_assert_uint_eq(m * PAGE_SIZE, mi.reserve);
	ck_assert_uint_eq(atomic_load(&shrinker_calls), 1);
	ck_assert_uint_eq(__get_free_page(GFP_KERNEL), 0);

	free_all(pages, n + m);
	ck_assert_uint_ne(__get_free_page(GFP_KERNEL), 0);
	unlimit();
}
END_TEST

START_TEST(noaccount_pages_pass_a_full_zone_and_are_not_charged_to_it)
{
	static unsigned long pages[2048];
	unsigned long na[16], big;
	struct scullc_meminfo full;
	unsigned int n, i;

	use_shrinker(count_shrinker);
	limit_with_room(4 * MiB);
	n = fill(pages, 2048, GFP_ATOMIC);      /* limit and reserve taken */
	ck_assert_int_eq(errno, ENOMEM);
	full = info();
	for (i = 0; i < 16; i++) {
		na[i] = __get_free_page(GFP_KERNEL | __GFP_NOACCOUNT);
		ck_assert_uint_ne(na[i], 0);
	}
	/* neither used nor the limit saw them */
	ck_assert_uint_eq(info().used, full.used);
	ck_assert_uint_eq(__get_free_page(GFP_ATOMIC), 0);
	for (i = 0; i < 16; i++)
		free_page(na[i]);
	ck_assert_uint_eq(info().used, full.used);
	/* the class has its own bound */
	big = __get_free_pages(GFP_KERNEL | __GFP_NOACCOUNT, MAX_PAGE_ORDER);
	ck_assert_uint_ne(big, 0);
	for (i = 0; i < 16; i++)
		na[i] = __get_free_pages(GFP_KERNEL | __GFP_NOACCOUNT,
					 MAX_PAGE_ORDER);
	ck_assert_uint_eq(na[15], 0);   /* big and 15 more fill 64 MiB */
	ck_assert_uint_ne(na[14], 0);
	for (i = 0; i < 16; i++)
		free_pages(na[i], MAX_PAGE_ORDER);
	free_pages(big, MAX_PAGE_ORDER);
	ck_assert_uint_eq(info().used, full.used);
	free_all(pages, n);
	unlimit();
}
END_TEST

START_TEST(noretry_and_nowait_fail_without_calling_the_shrinker)
{
	static unsigned long pages[1024];
	struct scullc_meminfo before;
	unsigned int n;

	use_shrinker(count_shrinker);
	limit_with_room(2 * MiB);
	n = fill(pages, 1024, GFP_KERNEL | __GFP_NORETRY);
	ck_assert_uint_gt(n, 0);
	ck_assert_int_eq(errno, ENOMEM);
	before = info();
	errno = 0;
	ck_assert_uint_eq(__get_free_page(GFP_KERNEL | __GFP_NORETRY), 0);
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_uint_eq(__get_free_page(GFP_NOWAIT), 0);
	ck_assert_uint_eq(atomic_load(&shrinker_calls), 0);
	ck_assert_uint_eq(info().reclaims, before.reclaims);
	ck_assert_uint_eq(info().failures, before.failures + 2);
	free_all(pages, n);
	unlimit();
}
END_TEST

START_TEST(reclaim_runs_the_shrinker_and_the_retry_succeeds)
{
	static unsigned long pages[1024];
	unsigned long got;
	unsigned int n;

	use_shrinker(hoard_shrinker);
	limit_with_room(2 * MiB);
	n = fill(pages, 1024, GFP_NOWAIT);
	/* Park some of them where the shrinker will find them */
	while (nr_hoard < 8)
		hoard[nr_hoard++] = pages[--n];
	ck_assert_uint_eq(__get_free_page(GFP_NOWAIT), 0);
	got = __get_free_page(GFP_KERNEL);
	ck_assert_uint_ne(got, 0);
	ck_assert_uint_eq(atomic_load(&shrinker_calls), 1);
	ck_assert_uint_eq(nr_hoard, 0);
	free_page(got);
	free_all(pages, n);
	unlimit();
}
END_TEST

START_TEST(a_limit_below_usage_blocks_until_enough_is_freed)
{
	unsigned long a = __get_free_pages(GFP_KERNEL, 8);
	struct scullc_meminfo mi;

	use_shrinker(count_shrinker);
	ck_assert_uint_ne(a, 0);
	ck_assert_int_eq(scullc_set_limit(PAGE_SIZE), 0);
	mi = info();
	ck_assert_uint_gt(mi.used, mi.limit);
	ck_assert_uint_eq(__get_free_page(GFP_ATOMIC), 0);
	ck_assert_int_eq(errno, ENOMEM);
	free_pages(a, 8);
	ck_assert_uint_lt(info().used, mi.used);
	unlimit();
}
END_TEST

START_TEST(dma_zone_is_exhausted_at_16_mib_while_normal_still_works)
{
	unsigned long big[4], extra, normal;
	struct scullc_meminfo mi;
	int i;

	ck_assert_uint_eq(info().dma_used, 0);
	/* 16 MiB less a 256 KiB reserve holds three 4 MiB blocks */
	for (i = 0; i < 3; i++) {
		big[i] = __get_free_pages(GFP_KERNEL | GFP_DMA, MAX_PAGE_ORDER);
		ck_assert_uint_ne(big[i], 0);
	}
	errno = 0;
	ck_assert_uint_eq(__get_free_pages(GFP_KERNEL | GFP_DMA,
					   MAX_PAGE_ORDER), 0);
	ck_assert_int_eq(errno, ENOMEM);
	/* ... and the reserve lets an atomic allocation fill it exactly */
	big[3] = __get_free_pages(GFP_ATOMIC | GFP_DMA, MAX_PAGE_ORDER);
	ck_assert_uint_ne(big[3], 0);
	mi = info();
	ck_assert_uint_eq(mi.dma_used, DMA_ZONE_LIMIT);
	ck_assert_uint_eq(__get_free_page(GFP_ATOMIC | GFP_DMA), 0);

	normal = __get_free_pages(GFP_KERNEL, MAX_PAGE_ORDER);
	ck_assert_uint_ne(normal, 0);
	ck_assert_uint_eq(info().used, mi.used + CHUNK_SIZE);
	free_pages(normal, MAX_PAGE_ORDER);

	free_pages(big[0], MAX_PAGE_ORDER);
	extra = __get_free_page(GFP_KERNEL | GFP_DMA);
	ck_assert_uint_ne(extra, 0);
	free_page(extra);
	for (i = 1; i < 4; i++)
		free_pages(big[i], MAX_PAGE_ORDER);
	ck_assert_uint_eq(info().dma_used, 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Reclaim: __GFP_NOFAIL                                               */

static atomic_bool freed_by_helper;
static atomic_bool saw_waiter;

/*
 * A __GFP_NOFAIL allocation at the limit reclaims once, then waits in
 * slices, reclaiming again after each quiet one: a second shrinker call
 * means the allocating thread is waiting.  Bounded: after about a minute
 * the helper gives up on seeing it (the test then fails) and frees anyway,
 * so the waiter never hangs the test.
 */
static void wait_until_nofail_waits(void)
{
	const struct timespec nap = { 0, 1000 * 1000 };
	int i;

	for (i = 0; i < 60000 && atomic_load(&shrinker_calls) < 2; i++)
		nanosleep(&nap, NULL);
	atomic_store(&saw_waiter, atomic_load(&shrinker_calls) >= 2);
}

static void *free_once_waiting(void *arg)
{
	wait_until_nofail_waits();
	atomic_store(&freed_by_helper, true);
	free_page((unsigned long)arg);
	return NULL;
}

START_TEST(nofail_waits_until_another_thread_frees)
{
	static unsigned long pages[1024];
	unsigned long got;
	pthread_t helper;
	unsigned int n;

	use_shrinker(count_shrinker);
	limit_with_room(1 * MiB);
	n = fill(pages, 1024, GFP_NOWAIT);      /* up to the reserve */
	ck_assert_uint_gt(n, 0);
	ck_assert_uint_eq(atomic_load(&shrinker_calls), 0);
	atomic_store(&freed_by_helper, false);
	ck_assert_int_eq(pthread_create(&helper, NULL, free_once_waiting,
					(void *)pages[--n]), 0);
	got = __get_free_page(GFP_KERNEL | __GFP_NOFAIL);
	ck_assert_uint_ne(got, 0);
	/* It reclaimed before waiting, and again while it waited... */
	ck_assert_msg(atomic_load(&saw_waiter),
		      "no reclaim while waiting: %u shrinker calls",
		      atomic_load(&shrinker_calls));
	/* ...and only the helper's free let it through */
	ck_assert(atomic_load(&freed_by_helper));
	pthread_join(helper, NULL);
	free_page(got);
	free_all(pages, n);
	unlimit();
}
END_TEST

static void *raise_limit_once_waiting(void *arg)
{
	(void)arg;
	wait_until_nofail_waits();
	atomic_store(&freed_by_helper, true);
	scullc_set_limit(SIZE_MAX);
	return NULL;
}

START_TEST(nofail_is_let_through_by_a_raised_limit)
{
	static unsigned long pages[1024];
	pthread_t helper;
	unsigned long got;
	unsigned int n;

	use_shrinker(count_shrinker);
	limit_with_room(1 * MiB);
	n = fill(pages, 1024, GFP_ATOMIC);
	atomic_store(&freed_by_helper, false);
	ck_assert_int_eq(pthread_create(&helper, NULL,
					raise_limit_once_waiting, NULL), 0);
	got = __get_free_pages(GFP_KERNEL | __GFP_NOFAIL, 2);
	ck_assert_uint_ne(got, 0);
	ck_assert_msg(atomic_load(&saw_waiter),
		      "no reclaim while waiting: %u shrinker calls",
		      atomic_load(&shrinker_calls));
	ck_assert(atomic_load(&freed_by_helper));
	ck_assert_uint_eq(scullc_get_limit(), SIZE_MAX);
	pthread_join(helper, NULL);
	free_pages(got, 2);
	free_all(pages, n);
	unlimit();
}
END_TEST

/* ------------------------------------------------------------------ */
/* Memory given back                                                   */

START_TEST(rss_falls_after_freeing_64_mib)
{
	enum { BIG = 8, SMALL = 8 * CHUNK_PAGES };  /* 32 + 32 MiB */
	struct scullc_meminfo before = settled();
	unsigned long big[BIG], *small = malloc(SMALL * sizeof(*small));
	size_t rss0, rss1, rss2, rss3;
	unsigned int i;

	ck_assert_ptr_nonnull(small);
	rss0 = rss();
	for (i = 0; i < BIG; i++) {
		big[i] = __get_free_pages(GFP_KERNEL, MAX_PAGE_ORDER);
		ck_assert_uint_ne(big[i], 0);
		touch(big[i], CHUNK_SIZE);
	}
	for (i = 0; i < SMALL; i++) {
		small[i] = __get_free_page(GFP_KERNEL);
		ck_assert_uint_ne(small[i], 0);
		touch(small[i], PAGE_SIZE);
	}
	rss1 = rss();
	ck_assert_uint_ge(rss1, rss0 + 60 * MiB);
	for (i = 0; i < BIG; i++)
		free_pages(big[i], MAX_PAGE_ORDER);
	for (i = 0; i < SMALL; i++)
		free_page(small[i]);
	/* With nothing in use, at most the 16 MiB bound stays resident */
	ck_assert_uint_le(page_dirty_bytes(), 16 * MiB);
	rss2 = rss();
	ck_assert_msg(rss2 + 46 * MiB <= rss1,
		      "RSS %zu KiB -> %zu KiB after freeing 64 MiB",
		      rss1 >> 10, rss2 >> 10);
	/* and a trim gives back the rest, every chunk */
	page_trim();
	rss3 = rss();
	ck_assert_msg(rss3 + 60 * MiB <= rss1,
		      "RSS %zu KiB -> %zu KiB after freeing 64 MiB and a trim",
		      rss1 >> 10, rss3 >> 10);
	ck_assert_uint_eq(info().mapped, before.mapped);
	free(small);
}
END_TEST

START_TEST(a_trim_gives_back_the_free_pages_of_a_partly_used_chunk)
{
	enum { N = 2 * CHUNK_PAGES };
	unsigned long *pages = malloc(N * sizeof(*pages));
	size_t rss1, rss2;
	unsigned int i;

	ck_assert_ptr_nonnull(pages);
	for (i = 0; i < N; i++) {
		pages[i] = __get_free_page(GFP_KERNEL);
		ck_assert_uint_ne(pages[i], 0);
		touch(pages[i], PAGE_SIZE);
	}
	rss1 = rss();
	/* Keep one page in every 256: no chunk becomes free again */
	for (i = 0; i < N; i++)
		if (i % 256)
			free_page(pages[i]);
	ck_assert_uint_ge(page_dirty_bytes(), 7 * MiB);
	page_trim();
	ck_assert_uint_eq(page_dirty_bytes(), 0);
	rss2 = rss();
	ck_assert_msg(rss2 + 7 * MiB <= rss1,
		      "RSS %zu KiB -> %zu KiB after freeing ~8 MiB",
		      rss1 >> 10, rss2 >> 10);
	for (i = 0; i < N; i += 256)
		free_page(pages[i]);
	free(pages);
}
END_TEST

START_TEST(freed_pages_within_the_bound_stay_resident_for_reuse)
{
	enum { N = 2 * CHUNK_PAGES };    /* 8 MiB: below the 16 MiB kept */
	struct scullc_meminfo before;
	unsigned long *pages = malloc(N * sizeof(*pages)), pin;
	size_t rss1, rss2;
	unsigned int i;

	ck_assert_ptr_nonnull(pages);
	/* a page kept allocated, so that its chunk does not go whole */
	pin = __get_free_page(GFP_KERNEL);
	ck_assert_uint_ne(pin, 0);
	for (i = 0; i < N; i++) {
		pages[i] = __get_free_page(GFP_KERNEL);
		ck_assert_uint_ne(pages[i], 0);
		touch(pages[i], PAGE_SIZE);
	}
	before = info();
	rss1 = rss();
	for (i = 0; i < N; i++)
		free_page(pages[i]);
	rss2 = rss();
	ck_assert_msg(rss2 + MiB >= rss1,
		      "RSS %zu KiB -> %zu KiB: 8 MiB freed were given back "
		      "at once", rss1 >> 10, rss2 >> 10);
	/* Allocated again, they come from the same chunks, no new one */
	for (i = 0; i < N; i++) {
		pages[i] = __get_free_page(GFP_KERNEL);
		ck_assert_uint_ne(pages[i], 0);
	}
	ck_assert_uint_eq(info().mapped, before.mapped);
	for (i = 0; i < N; i++)
		free_page(pages[i]);
	free_page(pin);
	free(pages);
}
END_TEST

/*
 * Pages freed and then not needed go back once an epoch (a second) has
 * passed with the zone in use.  The loop counts events: it allocates and
 * frees one page at a time until the decay has run, bounded by a deadline
 * that fails the test.  The page it keeps reusing stays resident.
 */
START_TEST(idle_freed_pages_decay_while_the_zone_is_in_use)
{
	enum { N = CHUNK_PAGES / 2 };
	struct timespec now, deadline, pause = { 0, 2 * 1000 * 1000 };
	unsigned long *pages = malloc(N * sizeof(*pages)), pin, p;
	unsigned long rounds = 0;
	unsigned int i;

	ck_assert_ptr_nonnull(pages);
	settled();
	pin = __get_free_page(GFP_KERNEL);
	ck_assert_uint_ne(pin, 0);
	for (i = 0; i < N; i++) {
		pages[i] = __get_free_page(GFP_KERNEL);
		ck_assert_uint_ne(pages[i], 0);
		touch(pages[i], PAGE_SIZE);
	}
	for (i = 0; i < N; i++)
		free_page(pages[i]);
	ck_assert_uint_ge(page_dirty_bytes(), N * PAGE_SIZE);

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += 15;   /* under the 20 s timeout */
	while (page_dirty_bytes() >= N * PAGE_SIZE) {
		p = __get_free_page(GFP_KERNEL);
		ck_assert_uint_ne(p, 0);
		touch(p, PAGE_SIZE);
		free_page(p);
		rounds++;
		clock_gettime(CLOCK_MONOTONIC, &now);
		ck_assert_msg(now.tv_sec < deadline.tv_sec,
			      "%zu KiB still dirty after %lu rounds in 15 s",
			      page_dirty_bytes() >> 10, rounds);
		nanosleep(&pause, NULL);
	}
	/* All that was idle for an epoch went; the page in use may stay */
	ck_assert_uint_le(page_dirty_bytes(), PAGE_SIZE);
	free_page(pin);
	free(pages);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Concurrency                                                         */

#define WORKERS 4
#define ROUNDS  20000
#define HELD    64

static void *churn(void *arg)
{
	unsigned int seed = (unsigned int)(uintptr_t)arg, i, slot;
	unsigned long held[HELD] = { 0 }, tag = (uintptr_t)arg << 32;
	unsigned int orders[HELD] = { 0 };
	unsigned long bad = 0;

	for (i = 0; i < ROUNDS; i++) {
		slot = (unsigned int)rand_r(&seed) % HELD;
		if (held[slot]) {
			unsigned long *w = (unsigned long *)held[slot];
			size_t last = (PAGE_SIZE << orders[slot]) /
				      sizeof(*w) - 1;

			if (w[0] != (tag | slot) || w[last] != (tag | (i - 1)))
				bad++;
			free_pages(held[slot], orders[slot]);
			held[slot] = 0;
		} else {
			orders[slot] = (unsigned int)rand_r(&seed) % 6;
			held[slot] = __get_free_pages(GFP_KERNEL,
						      orders[slot]);
			if (!held[slot])
				return (void *)~0UL;
			((unsigned long *)held[slot])[0] = tag | slot;
		}
		/* Stamp the tail of every held block with this round */
		for (slot = 0; slot < HELD; slot++)
			if (held[slot])
				((unsigned long *)(held[slot] +
				   (PAGE_SIZE << orders[slot])))[-1] = tag | i;
	}
	for (slot = 0; slot < HELD; slot++)
		if (held[slot])
			free_pages(held[slot], orders[slot]);
	return (void *)bad;
}

START_TEST(threads_allocating_and_freeing_never_share_a_block)
{
	struct scullc_meminfo before = settled(), mi;
	pthread_t t[WORKERS];
	uintptr_t nr_bad = 0;
	void *bad;
	uintptr_t i;

	for (i = 0; i < WORKERS; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, churn,
						(void *)(i + 1)), 0);
	for (i = 0; i < WORKERS; i++) {
		pthread_join(t[i], &bad);
		nr_bad += (uintptr_t)bad;
	}
	ck_assert_uint_eq(nr_bad, 0);
	mi = settled();
	ck_assert_uint_eq(mi.used, before.used);
	ck_assert_uint_eq(mi.mapped, before.mapped);
}
END_TEST

static Suite *page_alloc_suite(void)
{
	Suite *s = suite_create("page_alloc");
	TCase *tc;

	tc = tcase_create("Core");
	tcase_add_test(tc, every_order_allocates_an_aligned_block_and_frees_it);
	tcase_add_test(tc, order_above_max_fails_with_einval);
	tcase_add_test(tc, gfp_zero_returns_zeroed_memory);
	tcase_add_test(tc, free_pages_of_zero_is_ignored);
	tcase_add_test_raise_signal(tc, freeing_with_the_wrong_order_aborts,
				    SIGABRT);
	tcase_add_test_raise_signal(tc, double_free_aborts, SIGABRT);
	tcase_add_test_raise_signal(tc, freeing_a_foreign_address_aborts,
				    SIGABRT);
	tcase_add_test(tc, virt_to_page_maps_heads_tails_and_foreign_addresses);
	tcase_add_test(tc, a_free_chunk_is_reused_then_given_back_by_a_trim);
	suite_add_tcase(s, tc);

	tc = tcase_create("Buddy");
	tcase_add_test(tc, allocation_splits_the_smallest_block_that_fits);
	tcase_add_test(tc, free_merges_buddies_into_the_block_they_split_from);
	tcase_add_test(tc,
		       freeing_everything_in_any_order_gives_every_chunk_back);
	suite_add_tcase(s, tc);

	tc = tcase_create("Limits");
	tcase_add_test(tc, set_limit_rounds_down_and_sizes_the_reserve);
	tcase_add_test(tc,
		gfp_kernel_fails_with_enomem_at_the_limit_and_atomic_gets_the_reserve);
	tcase_add_test(tc, noretry_and_nowait_fail_without_calling_the_shrinker);
	tcase_add_test(tc,
		noaccount_pages_pass_a_full_zone_and_are_not_charged_to_it);
	tcase_add_test(tc, a_limit_below_usage_blocks_until_enough_is_freed);
	tcase_add_test(tc,
		       dma_zone_is_exhausted_at_16_mib_while_normal_still_works);
	suite_add_tcase(s, tc);

	tc = tcase_create("Reclaim");
	tcase_add_test(tc, reclaim_runs_the_shrinker_and_the_retry_succeeds);
	tcase_add_test(tc, nofail_waits_until_another_thread_frees);
	tcase_add_test(tc, nofail_is_let_through_by_a_raised_limit);
	suite_add_tcase(s, tc);

	tc = tcase_create("Memory");
	tcase_add_test(tc, rss_falls_after_freeing_64_mib);
	tcase_add_test(tc,
		a_trim_gives_back_the_free_pages_of_a_partly_used_chunk);
	tcase_add_test(tc, freed_pages_within_the_bound_stay_resident_for_reuse);
	tcase_add_test(tc, idle_freed_pages_decay_while_the_zone_is_in_use);
	suite_add_tcase(s, tc);

	tc = tcase_create("Concurrency");
	tcase_add_test(tc, threads_allocating_and_freeing_never_share_a_block);
	tcase_set_timeout(tc, 120);   /* ~25 s on a busy 2-core machine */
	suite_add_tcase(s, tc);

	return s;
}

UNIT_MAIN(page_alloc_suite, 20)
