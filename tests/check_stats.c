/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_stats.c - the stats API: cache walker, SLUB attributes, event
   counters, owner-tracking summaries, buddyinfo, zone events */

/*
 * What the daemon's slab/ tree and buddyinfo file are built on.  Every
 * test runs with slab_nr_cpus fixed at 2 (as check_slab does), so
 * magazines of small caches have limit 120, batchcount 60 and a depot.
 */

#include "mm/internal.h"
#include "unit.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

static void setup(void)
{
	slab_nr_cpus = 2;
}

static struct kmem_cache_info info_of(struct kmem_cache *s)
{
	struct kmem_cache_info in;

	ck_assert_int_eq(kmem_cache_get_info(s, &in, sizeof(in)), 0);
	return in;
}

static unsigned long event(struct kmem_cache *s, unsigned int item)
{
	unsigned long ev[KMEM_NR_EVENTS];

	ck_assert_int_eq(kmem_cache_get_events(s, ev, KMEM_NR_EVENTS),
			 KMEM_NR_EVENTS);
	return ev[item];
}

/* ------------------------------------------------------------------ */
/* Walker                                                              */

struct find {
	const char *name;
	int seen;
	int calls;
};

static int find_fn(struct kmem_cache *s, void *arg)
{
	struct find *f = arg;

	f->calls++;
	if (strcmp(kmem_cache_name(s), f->name) == 0)
		f->seen++;
	return 0;
}

START_TEST(walker_sees_live_caches_and_not_destroyed_ones)
{
	struct kmem_cache *s = kmem_cache_create("walk-a", 100, 0, 0, NULL);
	struct find f = { .name = "walk-a" };

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(kmem_cache_for_each(find_fn, &f), 0);
	ck_assert_int_eq(f.seen, 1);
	ck_assert_int_ge(f.calls, 2);       /* kmem_cache and kmalloc-* too */

	ck_assert_int_eq(kmem_cache_destroy(s), 0);
	f.seen = 0;
	ck_assert_int_eq(kmem_cache_for_each(find_fn, &f), 0);
	ck_assert_int_eq(f.seen, 0);
}
END_TEST

static int stop_at_second(struct kmem_cache *s, void *arg)
{
	int *calls = arg;

	(void)s;
	return ++*calls == 2 ? 42 : 0;
}

START_TEST(walker_stops_at_the_first_nonzero_return)
{
	int calls = 0;

	ck_assert_int_eq(kmem_cache_for_each(stop_at_second, &calls), 42);
	ck_assert_int_eq(calls, 2);
}
END_TEST

#define CHURN_ROUNDS 200

static void *churn(void *arg)
{
	char name[32];
	int i;

	(void)arg;
	for (i = 0; i < CHURN_ROUNDS; i++) {
		struct kmem_cache *s;
		void *p;

		snprintf(name, sizeof(name), "churn-%d", i % 3);
		s = kmem_cache_create(name, 32 + (unsigned int)i % 200, 0, 0,
				      NULL);
		if (!s)
			return (void *)1;
		p = kmem_cache_alloc(s, GFP_KERNEL);
		kmem_cache_free(s, p);
		if (kmem_cache_destroy(s))
			return (void *)1;
	}
	return NULL;
}

static int read_all(struct kmem_cache *s, void *arg)
{
	struct kmem_cache_info in;
	unsigned long ev[KMEM_NR_EVENTS];

	kmem_cache_get_info(s, &in, sizeof(in));
	kmem_cache_get_events(s, ev, KMEM_NR_EVENTS);
	/* each cache read is whole: its counts agree with each other */
	if (in.objects > in.total_objects || in.partial > in.slabs ||
	    in.objects_partial > in.objects)
		(*(int *)arg)++;
	return 0;
}

START_TEST(walker_is_safe_against_concurrent_create_and_destroy)
{
	pthread_t t;
	void *ret;
	int bad = 0, i;

	ck_assert_int_eq(pthread_create(&t, NULL, churn, NULL), 0);
	for (i = 0; i < CHURN_ROUNDS; i++)
		kmem_cache_for_each(read_all, &bad);
	ck_assert_int_eq(pthread_join(t, &ret), 0);
	ck_assert_ptr_null(ret);
	ck_assert_int_eq(bad, 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Attributes                                                          */

static void nop_ctor(void *p)
{
	(void)p;
}

START_TEST(info_shows_slub_geometry_and_flags)
{
	struct kmem_cache *s = kmem_cache_create("info-scullc", 4000, 0,
						 SLAB_HWCACHE_ALIGN, nop_ctor);
	struct kmem_cache_info in;

	ck_assert_ptr_nonnull(s);
	in = info_of(s);
	ck_assert_str_eq(in.name, "info-scullc");
	ck_assert_uint_eq(in.object_size, 4000);
	/* a ctor moves the free pointer after the object: 4008 -> 4032 */
	ck_assert_uint_eq(in.slab_size, 4032);
	ck_assert_uint_eq(in.objs_per_slab, 8);
	ck_assert_uint_eq(in.order, 3);
	ck_assert_uint_eq(in.align, 64);
	ck_assert(in.flags & SLAB_HWCACHE_ALIGN);
	ck_assert(!(in.flags & (SLAB_POISON | SLAB_RED_ZONE | SLAB_STORE_USER |
				SLAB_CACHE_DMA)));
	ck_assert_int_eq(in.has_ctor, 1);
	ck_assert_ptr_eq((void *)in.ctor, (void *)nop_ctor);
	ck_assert_uint_eq(in.aliases, 0);
	ck_assert_uint_ge(in.min_partial, MIN_PARTIAL);
	ck_assert_uint_eq(in.cpu_partial, 24);      /* the magazine limit */
	ck_assert_uint_eq(in.slabs, 0);
	ck_assert_uint_eq(in.cpu_slabs, 0);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

/*
 * A debug cache has no magazines, so each object counts where it is.
 * 8 objects per slab; 11 allocated: one full slab, one partial with 3.
 */
START_TEST(info_counts_objects_and_slabs_as_slub_does)
{
	struct kmem_cache *s = kmem_cache_create("info-counts", 4000, 0,
						 SLAB_HWCACHE_ALIGN |
						 SLAB_CONSISTENCY_CHECKS, NULL);
	struct kmem_cache_info in;
	void *p[11];
	int i;

	ck_assert_ptr_nonnull(s);
	in = info_of(s);
	ck_assert(in.flags & SLAB_CONSISTENCY_CHECKS);
	ck_assert_uint_eq(in.objs_per_slab, 8);
	for (i = 0; i < 11; i++)
		ck_assert_ptr_nonnull(p[i] = kmem_cache_alloc(s, GFP_KERNEL));
	in = info_of(s);
	ck_assert_uint_eq(in.objects, 11);
	ck_assert_uint_eq(in.total_objects, 16);
	ck_assert_uint_eq(in.slabs, 2);
	ck_assert_uint_eq(in.partial, 1);
	ck_assert_uint_eq(in.objects_partial, 3);
	ck_assert_uint_eq(in.cpu_slabs, 0);

	for (i = 0; i < 11; i++)
		kmem_cache_free(s, p[i]);
	in = info_of(s);
	ck_assert_uint_eq(in.objects, 0);
	/* both empty slabs are kept (min_partial >= 5), on "partial" */
	ck_assert_uint_eq(in.slabs, 2);
	ck_assert_uint_eq(in.partial, 2);
	ck_assert_uint_eq(in.objects_partial, 0);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

START_TEST(info_fills_only_the_size_asked_for)
{
	struct kmem_cache *s = kmem_cache_create("info-short", 64, 0, 0, NULL);
	struct kmem_cache_info in;
	size_t part = offsetof(struct kmem_cache_info, object_size);

	memset(&in, 0xee, sizeof(in));
	ck_assert_int_eq(kmem_cache_get_info(s, &in, part), 0);
	ck_assert_str_eq(in.name, "info-short");
	ck_assert_uint_eq(in.object_size, 0xeeeeeeeeu);   /* untouched */
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Event counters                                                      */

START_TEST(event_names_are_the_kernels)
{
	ck_assert_str_eq(kmem_cache_event_name(KMEM_ALLOC_FASTPATH),
			 "alloc_fastpath");
	ck_assert_str_eq(kmem_cache_event_name(KMEM_CPUSLAB_FLUSH),
			 "cpuslab_flush");
	ck_assert_str_eq(kmem_cache_event_name(KMEM_ORDER_FALLBACK),
			 "order_fallback");
	ck_assert_str_eq(kmem_cache_event_name(KMEM_CPU_PARTIAL_DRAIN),
			 "cpu_partial_drain");
	ck_assert_ptr_null(kmem_cache_event_name(KMEM_NR_EVENTS));
}
END_TEST

/*
 * 64-byte objects, magazine limit 120, batchcount 60, a depot of 16.
 * The first allocation refills 60 objects from a new slab (slow path),
 * the next 59 are hits; the 60 frees are hits too.
 */
START_TEST(events_count_magazine_hits_and_refills)
{
	struct kmem_cache *s = kmem_cache_create("ev-paths", 64, 0, 0, NULL);
	void *p[60];
	int i;

	ck_assert_ptr_nonnull(s);
	for (i = 0; i < 60; i++)
		ck_assert_ptr_nonnull(p[i] = kmem_cache_alloc(s, GFP_KERNEL));
	ck_assert_uint_eq(event(s, KMEM_ALLOC_SLOWPATH), 1);
	ck_assert_uint_eq(event(s, KMEM_ALLOC_FASTPATH), 59);
	ck_assert_uint_eq(event(s, KMEM_ALLOC_SLAB), 1);
	ck_assert_uint_eq(event(s, KMEM_ALLOC_FROM_PARTIAL), 0);
	for (i = 0; i < 60; i++)
		kmem_cache_free(s, p[i]);
	ck_assert_uint_eq(event(s, KMEM_FREE_FASTPATH), 60);
	ck_assert_uint_eq(event(s, KMEM_FREE_SLOWPATH), 0);

	/* shrink drains this thread's magazine: a flush that serves no free */
	kmem_cache_shrink(s);
	ck_assert_uint_eq(event(s, KMEM_CPUSLAB_FLUSH), 1);
	ck_assert_uint_eq(event(s, KMEM_FREE_SLAB), 1);
	ck_assert_uint_eq(event(s, KMEM_FREE_SLOWPATH), 0);
	ck_assert_uint_eq(event(s, KMEM_DEACTIVATE_FULL), 0);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

/*
 * Limit 16, batchcount 8, a depot of 4 magazines.  49 allocations refill
 * 7 batches of 8 from the slabs; of the 49 frees, the 10th swaps the full
 * loaded magazine for the empty previous one, and the 26th and 41st find
 * both full and trade the previous one with the depot for an empty one
 * (free_slowpath, cpu_partial_free).  49 allocations again take them
 * back whole (alloc_slowpath, alloc_refill) and touch no slab.
 */
START_TEST(events_count_trades_with_the_depot)
{
	struct kmem_cache *s = kmem_cache_create("ev-depot", 64, 0, 0, NULL);
	void *p[49];
	int i;

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(kmem_cache_tune(s, 16, 8, 4), 0);
	for (i = 0; i < 49; i++)
		ck_assert_ptr_nonnull(p[i] = kmem_cache_alloc(s, GFP_KERNEL));
	ck_assert_uint_eq(event(s, KMEM_ALLOC_SLOWPATH), 7);
	for (i = 0; i < 49; i++)
		kmem_cache_free(s, p[i]);
	ck_assert_uint_eq(event(s, KMEM_FREE_SLOWPATH), 2);
	ck_assert_uint_eq(event(s, KMEM_CPU_PARTIAL_FREE), 2);
	ck_assert_uint_eq(event(s, KMEM_FREE_FASTPATH), 47);

	for (i = 0; i < 49; i++)
		ck_assert_ptr_nonnull(p[i] = kmem_cache_alloc(s, GFP_KERNEL));
	ck_assert_uint_eq(event(s, KMEM_ALLOC_REFILL), 2);
	ck_assert_uint_eq(event(s, KMEM_ALLOC_SLOWPATH), 7 + 2);
	ck_assert_uint_eq(event(s, KMEM_ALLOC_SLAB), 1);
	for (i = 0; i < 49; i++)
		kmem_cache_free(s, p[i]);
	/* the depot holds two magazines again, this thread 16 + 9 objects:
	   a flush per magazine */
	kmem_cache_shrink(s);
	ck_assert_uint_eq(event(s, KMEM_CPU_PARTIAL_DRAIN), 2);
	ck_assert_uint_eq(event(s, KMEM_CPUSLAB_FLUSH), 2);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

/* A debug cache: every allocation and free is a slow path, and a full
   slab that gets a free back becomes partial (free_add_partial). */
START_TEST(events_count_slab_list_moves)
{
	struct kmem_cache *s = kmem_cache_create("ev-lists", 4000, 0,
						 SLAB_CONSISTENCY_CHECKS, NULL);
	void *p[8];
	int i;

	ck_assert_ptr_nonnull(s);
	for (i = 0; i < 8; i++)
		ck_assert_ptr_nonnull(p[i] = kmem_cache_alloc(s, GFP_KERNEL));
	ck_assert_uint_eq(event(s, KMEM_ALLOC_SLOWPATH), 8);
	ck_assert_uint_eq(event(s, KMEM_ALLOC_FROM_PARTIAL), 7);
	ck_assert_uint_eq(event(s, KMEM_ALLOC_FASTPATH), 0);
	for (i = 0; i < 8; i++)
		kmem_cache_free(s, p[i]);
	ck_assert_uint_eq(event(s, KMEM_FREE_SLOWPATH), 8);
	ck_assert_uint_eq(event(s, KMEM_FREE_ADD_PARTIAL), 1);
	ck_assert_uint_eq(event(s, KMEM_FREE_REMOVE_PARTIAL), 0); /* kept */
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

START_TEST(clearing_an_event_restarts_it_from_zero)
{
	struct kmem_cache *s = kmem_cache_create("ev-clear", 64, 0, 0, NULL);
	void *p;
	int i;

	ck_assert_ptr_nonnull(s);
	for (i = 0; i < 5; i++) {
		p = kmem_cache_alloc(s, GFP_KERNEL);
		kmem_cache_free(s, p);
	}
	ck_assert_uint_eq(event(s, KMEM_ALLOC_FASTPATH), 4);
	ck_assert_int_eq(kmem_cache_clear_event(s, KMEM_ALLOC_FASTPATH), 0);
	ck_assert_int_eq(kmem_cache_clear_event(s, KMEM_NR_EVENTS), -EINVAL);
	ck_assert_uint_eq(event(s, KMEM_ALLOC_FASTPATH), 0);
	ck_assert_uint_eq(event(s, KMEM_FREE_FASTPATH), 5);   /* untouched */
	p = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, p);
	ck_assert_uint_eq(event(s, KMEM_ALLOC_FASTPATH), 1);
	/* slabinfo's counters are not cleared with the event */
	{
		struct kmem_cache_stats st;

		kmem_cache_get_stats(s, &st);
		ck_assert_uint_eq(st.alloc_fastpath, 5);
	}
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

struct worker {
	struct kmem_cache *s;
	int n;
};

static void *alloc_free_n(void *arg)
{
	struct worker *w = arg;
	int i;

	for (i = 0; i < w->n; i++) {
		void *p = kmem_cache_alloc(w->s, GFP_KERNEL);

		if (!p)
			return (void *)1;
		kmem_cache_free(w->s, p);
	}
	return NULL;
}

/* Per-thread counters are summed on read, and kept when a thread exits. */
START_TEST(events_of_every_thread_are_summed_and_outlive_it)
{
	struct kmem_cache *s = kmem_cache_create("ev-threads", 64, 0, 0, NULL);
	struct worker w = { .s = s, .n = 1000 };
	pthread_t t[2];
	void *ret;
	int i;

	ck_assert_ptr_nonnull(s);
	for (i = 0; i < 2; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, alloc_free_n, &w),
				 0);
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(pthread_join(t[i], &ret), 0);
		ck_assert_ptr_null(ret);
	}
	/* each thread: one refill, then 999 hits; every free a hit */
	ck_assert_uint_eq(event(s, KMEM_ALLOC_FASTPATH) +
			  event(s, KMEM_ALLOC_SLOWPATH), 2000);
	ck_assert_uint_eq(event(s, KMEM_ALLOC_SLOWPATH), 2);
	ck_assert_uint_eq(event(s, KMEM_FREE_FASTPATH), 2000);
	ck_assert_uint_eq(info_of(s).cpu_slabs, 0);    /* both exited */
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Owner tracking                                                      */

static __attribute__((noinline)) void *alloc_here(struct kmem_cache *s)
{
	void *p = kmem_cache_alloc(s, GFP_KERNEL);

	__asm__ volatile("" ::: "memory");      /* not a tail call */
	return p;
}

/* zalloc: not the same code, so the compiler cannot fold the two */
static __attribute__((noinline)) void *alloc_there(struct kmem_cache *s)
{
	void *p = kmem_cache_zalloc(s, GFP_KERNEL);

	__asm__ volatile("" ::: "memory");
	return p;
}

START_TEST(locations_aggregate_allocated_objects_by_caller)
{
	struct kmem_cache *s = kmem_cache_create("loc-calls", 128, 0,
						 SLAB_STORE_USER, NULL);
	struct kmem_cache *plain = kmem_cache_create("loc-plain", 128, 0, 0,
						     NULL);
	struct kmem_cache_location loc[4];
	void *p[6];
	int i, n;

	ck_assert_ptr_nonnull(s);
	for (i = 0; i < 4; i++)
		ck_assert_ptr_nonnull(p[i] = alloc_here(s));
	for (; i < 6; i++)
		ck_assert_ptr_nonnull(p[i] = alloc_there(s));

	n = kmem_cache_get_locations(s, 0, loc, 4);
	ck_assert_int_eq(n, 2);
	ck_assert_uint_lt(loc[0].addr, loc[1].addr);         /* sorted */
	ck_assert_uint_eq(loc[0].count + loc[1].count, 6);
	ck_assert(loc[0].count == 4 || loc[0].count == 2);
	for (i = 0; i < 2; i++) {
		ck_assert_uint_ne(loc[i].addr, 0);
		ck_assert_uint_le(loc[i].min_age, loc[i].max_age);
		ck_assert_int_le(loc[i].min_pid, loc[i].max_pid);
		ck_assert_int_gt(loc[i].min_pid, 0);
	}
	ck_assert_int_eq(kmem_cache_get_locations(s, 0, loc, 1), -ENOSPC);
	ck_assert_int_eq(kmem_cache_get_locations(plain, 0, loc, 4), -EINVAL);

	/* never freed yet: every free track is empty (address 0) */
	n = kmem_cache_get_locations(s, 1, loc, 4);
	ck_assert_int_eq(n, 1);
	ck_assert_uint_eq(loc[0].addr, 0);
	ck_assert_uint_eq(loc[0].count, 6);
	/* and, as the kernel's, only the first counts in ages and ids: the
	   line shows one age, not an average of nothing */
	ck_assert_uint_eq(loc[0].sum_age, loc[0].min_age);
	ck_assert_uint_eq(loc[0].max_age, loc[0].min_age);
	ck_assert_int_eq(loc[0].max_pid, 0);

	/* freed objects are not listed */
	for (i = 0; i < 4; i++)
		kmem_cache_free(s, p[i]);
	n = kmem_cache_get_locations(s, 0, loc, 4);
	ck_assert_int_eq(n, 1);
	ck_assert_uint_eq(loc[0].count, 2);
	for (; i < 6; i++)
		kmem_cache_free(s, p[i]);
	ck_assert_int_eq(kmem_cache_get_locations(s, 0, loc, 4), 0);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
	ck_assert_int_eq(kmem_cache_destroy(plain), 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* buddyinfo                                                           */

static unsigned long free_pages_of(const struct scullc_zone_free *z)
{
	unsigned long pages = 0;
	unsigned int o;

	for (o = 0; o <= MAX_PAGE_ORDER; o++)
		pages += z->nr_free[o] << o;
	return pages;
}

START_TEST(buddyinfo_lists_dma_then_normal_and_their_free_blocks)
{
	struct scullc_zone_free z[3], after[2];
	struct scullc_meminfo mi;
	unsigned long addr;

	/* a page in use keeps a chunk mapped while we look */
	addr = __get_free_pages(GFP_KERNEL, 0);
	ck_assert_uint_ne(addr, 0);
	memset(z, 0x55, sizeof(z));
	ck_assert_int_eq(scullc_buddyinfo(z, 3), SCULLC_NR_ZONES);
	ck_assert_str_eq(z[0].name, "DMA");
	ck_assert_str_eq(z[1].name, "Normal");
	ck_assert_uint_eq(z[2].nr_free[0], 0x5555555555555555UL); /* untouched */

	/* free pages == mapped - used, both zones */
	scullc_meminfo(&mi);
	ck_assert_uint_eq(free_pages_of(&z[0]) + free_pages_of(&z[1]),
			  (mi.mapped - mi.used - mi.dma_used) / PAGE_SIZE);

	/* an order-2 block taken from the Normal zone: 4 pages fewer */
	{
		unsigned long b = __get_free_pages(GFP_KERNEL, 2);

		ck_assert_uint_ne(b, 0);
		scullc_buddyinfo(after, 2);
		scullc_meminfo(&mi);
		ck_assert_uint_eq(free_pages_of(&after[0]) +
				  free_pages_of(&after[1]),
				  (mi.mapped - mi.used - mi.dma_used) /
				  PAGE_SIZE);
		free_pages(b, 2);
	}
	free_pages(addr, 0);
	ck_assert_int_eq(scullc_buddyinfo(NULL, 0), SCULLC_NR_ZONES);
}
END_TEST

START_TEST(zone_stat_counts_pages_handed_out_and_given_back)
{
	struct scullc_zone_stat a[2], b[2], c[2];
	unsigned long p, d;

	ck_assert_int_eq(scullc_zone_stat(a, 2), SCULLC_NR_ZONES);
	ck_assert_str_eq(a[0].name, "DMA");
	ck_assert_str_eq(a[1].name, "Normal");
	/* an order-2 block counts 4 pages, as the kernel's PGALLOC */
	p = __get_free_pages(GFP_KERNEL, 2);
	d = __get_free_pages(GFP_KERNEL | __GFP_DMA, 0);
	ck_assert_uint_ne(p, 0);
	ck_assert_uint_ne(d, 0);
	scullc_zone_stat(b, 2);
	ck_assert_uint_eq(b[1].pgalloc - a[1].pgalloc, 4);
	ck_assert_uint_eq(b[0].pgalloc - a[0].pgalloc, 1);
	ck_assert_uint_eq(b[1].used - a[1].used, 4 * PAGE_SIZE);
	ck_assert_uint_eq(b[1].pgfree, a[1].pgfree);
	free_pages(p, 2);
	free_pages(d, 0);
	scullc_zone_stat(c, 2);
	ck_assert_uint_eq(c[1].pgfree - b[1].pgfree, 4);
	ck_assert_uint_eq(c[0].pgfree - b[0].pgfree, 1);
	ck_assert_uint_eq(c[1].used, a[1].used);
	/* __GFP_NOACCOUNT pages: counted, but not in used */
	p = __get_free_pages(GFP_KERNEL | __GFP_NOACCOUNT, 0);
	scullc_zone_stat(b, 2);
	ck_assert_uint_eq(b[1].noaccount - c[1].noaccount, PAGE_SIZE);
	ck_assert_uint_eq(b[1].used, c[1].used);
	ck_assert_uint_eq(b[1].pgalloc - c[1].pgalloc, 1);
	free_pages(p, 0);
}
END_TEST

START_TEST(info_pages_are_the_slabs_pages)
{
	struct kmem_cache *s = kmem_cache_create("pages_of", 4000, 0,
						 SLAB_HWCACHE_ALIGN, NULL);
	struct kmem_cache_info in;
	void *o[20];
	int i;

	ck_assert_ptr_nonnull(s);
	/* no shared array: a drain puts the objects back on their slabs */
	ck_assert_int_eq(kmem_cache_tune(s, 24, 12, 0), 0);
	for (i = 0; i < 20; i++)
		o[i] = kmem_cache_alloc(s, GFP_KERNEL);
	in = info_of(s);
	ck_assert_uint_eq(in.pages, in.slabs << in.order);
	ck_assert_uint_eq(in.reclaimable_pages, 0);      /* no slab empty */
	for (i = 0; i < 20; i++)
		kmem_cache_free(s, o[i]);
	mag_drain_self(s);
	/* the emptied slabs (at most min_partial: 3 here) are kept, and
	   are what reclaim gives back */
	in = info_of(s);
	ck_assert_uint_gt(in.reclaimable_pages, 0);
	ck_assert_uint_eq(in.reclaimable_pages, in.pages);
	ck_assert_int_eq(kmem_cache_validate(s), 0);
	ck_assert_int_eq(kmem_cache_shrink(s), 0);
	in = info_of(s);
	ck_assert_uint_eq(in.pages, 0);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

static Suite *stats_suite(void)
{
	Suite *s = suite_create("stats");
	TCase *tc;

	tc = tcase_create("Walker");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, walker_sees_live_caches_and_not_destroyed_ones);
	tcase_add_test(tc, walker_stops_at_the_first_nonzero_return);
	tcase_add_test(tc, walker_is_safe_against_concurrent_create_and_destroy);
	suite_add_tcase(s, tc);

	tc = tcase_create("Attributes");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, info_shows_slub_geometry_and_flags);
	tcase_add_test(tc, info_counts_objects_and_slabs_as_slub_does);
	tcase_add_test(tc, info_fills_only_the_size_asked_for);
	tcase_add_test(tc, info_pages_are_the_slabs_pages);
	suite_add_tcase(s, tc);

	tc = tcase_create("Events");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, event_names_are_the_kernels);
	tcase_add_test(tc, events_count_magazine_hits_and_refills);
	tcase_add_test(tc, events_count_trades_with_the_depot);
	tcase_add_test(tc, events_count_slab_list_moves);
	tcase_add_test(tc, clearing_an_event_restarts_it_from_zero);
	tcase_add_test(tc, events_of_every_thread_are_summed_and_outlive_it);
	suite_add_tcase(s, tc);

	tc = tcase_create("Owners");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, locations_aggregate_allocated_objects_by_caller);
	suite_add_tcase(s, tc);

	tc = tcase_create("Buddyinfo");
	tcase_add_test(tc, buddyinfo_lists_dma_then_normal_and_their_free_blocks);
	tcase_add_test(tc, zone_stat_counts_pages_handed_out_and_given_back);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(stats_suite, 20)
