/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_magazine.c - per-thread magazines, the depot and their tunables */

/*
 * slab_nr_cpus is fixed at 2 in every test, so caches that fit a page get
 * a depot of 16 full magazines (8 per CPU) where half a MiB allows it.
 */

#include "mm/internal.h"
#include "unit.h"
#include "at_limit.h"

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void setup(void)
{
	slab_nr_cpus = 2;
}

static struct kmem_cache_stats stats(struct kmem_cache *s)
{
	struct kmem_cache_stats st;

	ck_assert_int_eq(kmem_cache_get_stats(s, &st), 0);
	return st;
}

/* Objects the slabs see as active but nobody holds: in magazines/depot */
static unsigned long cached(struct kmem_cache *s, unsigned long held)
{
	return stats(s).active_objs - held;
}

/* ------------------------------------------------------------------ */
/* Tunables                                                            */

struct tunables {
	unsigned int size, limit, batchcount, shared;
};

/* The kernel SLAB's enable_cpucache limits by slot size; the depot holds
   8 full magazines per CPU, at most 512 KiB of objects, at least 2 */
static const struct tunables defaults[] = {
	{ 64, 120, 60, 16 },       /* <= 256 */
	{ 256, 120, 60, 16 },
	{ 512, 54, 27, 16 },       /* <= 1024 */
	{ 2000, 24, 12, 10 },      /* <= PAGE_SIZE: 512 KiB / (24 * 2000) */
	{ 4096, 24, 12, 5 },
	{ 8192, 8, 4, 0 },         /* > PAGE_SIZE: no depot */
	{ 200000, 1, 1, 0 },       /* > 128 KiB */
};

START_TEST(default_tunables_follow_object_size)
{
	const struct tunables *t = &defaults[_i];
	struct kmem_cache *s = kmem_cache_create("defaults", t->size, 0, 0,
						 NULL);
	struct kmem_cache_stats st;

	ck_assert_ptr_nonnull(s);
	st = stats(s);
	ck_assert_msg(st.limit == t->limit && st.batchcount == t->batchcount &&
		      st.shared == t->shared, "size %u: %u %u %u", t->size,
		      st.limit, st.batchcount, st.shared);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

/* Unlike SLAB's shared array, the depot serves one CPU too: a thread's
   batches larger than its magazines trade whole magazines with it */
START_TEST(single_cpu_gets_a_depot_of_eight)
{
	struct kmem_cache *s;

	slab_nr_cpus = 1;
	s = kmem_cache_create("uniproc", 64, 0, 0, NULL);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(stats(s).shared, 8);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

START_TEST(debug_cache_has_no_magazines)
{
	struct kmem_cache *s = kmem_cache_create("debugged", 64, 0,
						 SLAB_RED_ZONE, NULL);
	struct kmem_cache_stats st;
	void *p;

	ck_assert_ptr_nonnull(s);
	st = stats(s);
	ck_assert_uint_eq(st.limit + st.batchcount + st.shared, 0);
	ck_assert_int_eq(kmem_cache_tune(s, 10, 5, 1), -EINVAL);
	p = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, p);
	st = stats(s);
	ck_assert_uint_eq(st.alloc_fastpath, 0);
	ck_assert_uint_eq(st.alloc_slowpath, 1);
	ck_assert_uint_eq(st.active_objs, 0);     /* straight back */
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

START_TEST(tune_applies_at_once)
{
	struct kmem_cache *s = kmem_cache_create("tuned", 64, 0, 0, NULL);
	struct kmem_cache_stats st;
	void *v[1000];
	int i;

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(kmem_cache_tune(s, 32, 16, 2), 0);
	st = stats(s);
	ck_assert_uint_eq(st.limit, 32);
	ck_assert_uint_eq(st.batchcount, 16);
	ck_assert_uint_eq(st.shared, 2);

	for (i = 0; i < 1000; i++)
		v[i] = kmem_cache_alloc(s, GFP_KERNEL);
	for (i = 0; i < 1000; i++)
		kmem_cache_free(s, v[i]);
	/* at most two magazines (2 * 32) and a depot of two full ones
	   (2 * 32) are kept back */
	st = stats(s);
	ck_assert_uint_le(st.active_objs, 2 * 32 + 2 * 32);
	ck_assert_uint_eq(st.shared_avail, 2 * 32);

	/* growing the magazines keeps more; the old ones and the depot are
	   flushed first */
	ck_assert_int_eq(kmem_cache_tune(s, 500, 250, 0), 0);
	ck_assert_uint_eq(stats(s).shared_avail, 0);
	for (i = 0; i < 1000; i++)
		v[i] = kmem_cache_alloc(s, GFP_KERNEL);
	for (i = 0; i < 1000; i++)
		kmem_cache_free(s, v[i]);
	st = stats(s);
	ck_assert_uint_gt(st.active_objs, 2 * 32 + 2 * 32);
	ck_assert_uint_le(st.active_objs, 2 * 500);
	ck_assert_uint_eq(st.shared_avail, 0);
	ck_assert_int_eq(kmem_cache_validate(s), 0);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

START_TEST(tune_rejects_bad_values)
{
	struct kmem_cache *s = kmem_cache_create("badtune", 64, 0, 0, NULL);

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(kmem_cache_tune(s, 0, 1, 0), -EINVAL);
	ck_assert_int_eq(kmem_cache_tune(s, 10, 0, 0), -EINVAL);
	ck_assert_int_eq(kmem_cache_tune(s, 10, 11, 0), -EINVAL);
	ck_assert_int_eq(kmem_cache_tune(s, KMEM_CACHE_LIMIT_MAX + 1, 1, 0),
			 -EINVAL);
	ck_assert_int_eq(kmem_cache_tune(s, 10, 5, -1), -EINVAL);
	ck_assert_int_eq(kmem_cache_tune(s, 10, 5, KMEM_CACHE_SHARED_MAX + 1),
			 -EINVAL);
	ck_assert_uint_eq(stats(s).limit, 120);        /* unchanged */
	ck_assert_int_eq(kmem_cache_tune(s, KMEM_CACHE_LIMIT_MAX, 1,
					 KMEM_CACHE_SHARED_MAX), 0);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Fast path                                                           */

START_TEST(fast_path_serves_a_free_alloc_loop)
{
	struct kmem_cache *s = kmem_cache_create("hits", 64, 0, 0, NULL);
	struct kmem_cache_stats a, b;
	void *p;
	int i;

	ck_assert_ptr_nonnull(s);
	kmem_cache_free(s, kmem_cache_alloc(s, GFP_KERNEL));   /* warm up */
	a = stats(s);
	for (i = 0; i < 10000; i++) {
		p = kmem_cache_alloc(s, GFP_KERNEL);
		ck_assert_ptr_nonnull(p);
		kmem_cache_free(s, p);
	}
	b = stats(s);
	ck_assert_uint_eq(b.alloc_fastpath - a.alloc_fastpath, 10000);
	ck_assert_uint_eq(b.free_fastpath - a.free_fastpath, 10000);
	ck_assert_uint_eq(b.alloc_slowpath, a.alloc_slowpath);
	ck_assert_uint_eq(b.free_slowpath, a.free_slowpath);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

START_TEST(refill_and_flush_move_batches)
{
	struct kmem_cache *s = kmem_cache_create("batches", 64, 0, 0, NULL);
	struct kmem_cache_stats st;
	void *v[128], *x;
	int i;

	ck_assert_ptr_nonnull(s);
	/* 64 objects per slab: two batches of 32 empty one slab; no depot */
	ck_assert_int_eq(kmem_cache_tune(s, 64, 32, 0), 0);
	for (i = 0; i < 64; i++)
		v[i] = kmem_cache_alloc(s, GFP_KERNEL);
	st = stats(s);
	ck_assert_uint_eq(st.alloc_slowpath, 2);
	ck_assert_uint_eq(st.alloc_fastpath, 62);
	ck_assert_uint_eq(st.num_slabs, 1);

	x = kmem_cache_alloc(s, GFP_KERNEL);   /* a new slab, 31 left */
	ck_assert_uint_eq(stats(s).alloc_slowpath, 3);
	for (i = 64; i < 128; i++)
		v[i] = kmem_cache_alloc(s, GFP_KERNEL);
	/* 31 + 32 + 1 more: refills of 32 */
	ck_assert_uint_eq(stats(s).alloc_slowpath, 5);
	for (i = 0; i < 128; i++)
		kmem_cache_free(s, v[i]);
	st = stats(s);
	/* 33 frees fill the loaded magazine (31 were left), the 34th swaps
	   it for the empty previous one, 63 more fill that; the 98th finds
	   both full and no depot: it flushes the 32 oldest of the loaded
	   one to their slabs */
	ck_assert_uint_eq(st.free_fastpath, 127);
	ck_assert_uint_eq(st.free_slowpath, 1);
	ck_assert_uint_eq(st.shared_avail, 0);
	ck_assert_uint_eq(cached(s, 1), 31 + 128 - 32);
	kmem_cache_free(s, x);
	ck_assert_int_eq(kmem_cache_validate(s), 0);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

/* Copies of @obj anywhere in the slots of @s's thread magazines */
static int copies_in_magazines(struct kmem_cache *s, const void *obj)
{
	struct list_head *pos;
	int n = 0;

	mutex_lock(&cache_mutex);
	list_for_each(pos, &s->thread_acs) {
		struct array_cache *ac =
			list_entry(pos, struct array_cache, list);

		for (unsigned int i = 0; i < ac->limit; i++)
			n += (ac->loaded->round[i] == obj) +
			     (ac->prev->round[i] == obj);
	}
	mutex_unlock(&cache_mutex);
	return n;
}

/*
 * A handed-out object leaves no copy of its pointer in the magazine
 * (memcheck's leak search would take it for a reference), neither after a
 * refill nor after a flush moved the survivors down.
 */
START_TEST(handed_out_objects_leave_no_copy_in_the_magazine)
{
	struct kmem_cache *s = kmem_cache_create("nocopy", 64, 0, 0, NULL);
	void *v[40], *p;
	int i;

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(kmem_cache_tune(s, 16, 8, 0), 0);
	p = kmem_cache_alloc(s, GFP_KERNEL);            /* a refill */
	ck_assert_int_eq(copies_in_magazines(s, p), 0);
	for (i = 0; i < 40; i++)
		v[i] = kmem_cache_alloc(s, GFP_KERNEL);
	for (i = 0; i < 40; i++)
		kmem_cache_free(s, v[i]);       /* both full, then flushes */
	kmem_cache_free(s, p);
	for (i = 0; i < 40; i++) {
		v[i] = kmem_cache_alloc(s, GFP_KERNEL);
		ck_assert_int_eq(copies_in_magazines(s, v[i]), 0);
	}
	for (i = 0; i < 40; i++)
		kmem_cache_free(s, v[i]);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

/* fast + slow counts each call once; drains (shrink, tune) are neither */
START_TEST(drains_are_not_counted_as_frees)
{
	struct kmem_cache *s = kmem_cache_create("counted", 64, 0, 0, NULL);
	struct kmem_cache_stats a, b;
	void *v[10];
	int i;

	ck_assert_ptr_nonnull(s);
	for (i = 0; i < 10; i++)
		v[i] = kmem_cache_alloc(s, GFP_KERNEL);
	a = stats(s);
	kmem_cache_shrink(s);                  /* drains this magazine */
	kmem_cache_free(s, v[0]);
	ck_assert_int_eq(kmem_cache_tune(s, 16, 8, 0), 0);
	kmem_cache_free(s, v[1]);
	b = stats(s);
	ck_assert_uint_eq(b.free_fastpath - a.free_fastpath +
			  b.free_slowpath - a.free_slowpath, 2);
	for (i = 2; i < 10; i++)
		kmem_cache_free(s, v[i]);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Threads                                                             */

struct job {
	struct kmem_cache *s;
	void **objs;
	int nr;
};

static void *alloc_some(void *arg)
{
	struct job *j = arg;
	int i;

	for (i = 0; i < j->nr; i++)
		j->objs[i] = kmem_cache_alloc(j->s, GFP_KERNEL);
	return NULL;
}

static void *alloc_free_some(void *arg)
{
	struct job *j = arg;
	int i;

	alloc_some(arg);
	for (i = 0; i < j->nr; i++)
		kmem_cache_free(j->s, j->objs[i]);
	return NULL;
}

/* Objects active in the dma-kmalloc caches other than dma-kmalloc-64 */
static void count_dma_others(struct kmem_cache *s, void *arg)
{
	const char *name = kmem_cache_name(s);

	if (!strncmp(name, "dma-kmalloc-", 12) &&
	    strcmp(name, "dma-kmalloc-64"))
		*(unsigned long *)arg += stats(s).active_objs;
}

static void *dma_kmalloc(void *arg)
{
	unsigned long *delta = arg, before = 0, after = 0;
	void *p;

	cache_for_each(count_dma_others, &before);
	p = kmalloc(64, GFP_KERNEL | __GFP_DMA);
	cache_for_each(count_dma_others, &after);
	*delta = after - before;
	kfree(p);
	return p;
}

START_TEST(dma_objects_keep_their_magazines_out_of_the_dma_zone)
{
	unsigned long delta = ~0UL;
	pthread_t t;
	void *p;

	/* A new thread: its slot array and magazine are made by this call */
	ck_assert_int_eq(pthread_create(&t, NULL, dma_kmalloc, &delta), 0);
	ck_assert_int_eq(pthread_join(t, &p), 0);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(delta, 0);
}
END_TEST

START_TEST(thread_exit_gives_its_magazine_back)
{
	struct kmem_cache *s = kmem_cache_create("exiting", 64, 0, 0, NULL);
	void *mine = kmem_cache_alloc(s, GFP_KERNEL), *objs[50];
	struct job j = { s, objs, 50 };
	struct kmem_cache_stats before, after;
	pthread_t t;

	ck_assert_ptr_nonnull(mine);
	before = stats(s);
	ck_assert_int_eq(pthread_create(&t, NULL, alloc_free_some, &j), 0);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	after = stats(s);
	/* the thread's 50 objects went to the depot or to their slabs */
	ck_assert_uint_eq(after.active_objs - after.shared_avail,
			  before.active_objs - before.shared_avail);
	ck_assert_uint_eq(after.alloc_fastpath - before.alloc_fastpath +
			  after.alloc_slowpath - before.alloc_slowpath, 50);
	ck_assert_uint_eq(after.free_fastpath - before.free_fastpath, 50);
	kmem_cache_free(s, mine);
	ck_assert_int_eq(kmem_cache_shrink(s), 0);
	ck_assert_uint_eq(stats(s).active_objs, 0);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

#ifndef __SANITIZE_THREAD__
/*
 * A thread-specific destructor that allocates, in every round glibc runs
 * (it sets its key again each time, so rounds go on to the last), after
 * the allocator's own destructor has retired the thread's magazines.
 * Not under ThreadSanitizer, which ends its own view of a thread in that
 * thread's last round of destructors and faults on what runs after it.
 */
static pthread_key_t late_key;
static struct kmem_cache *late_cache;
static int late_rounds;

static void late_destructor(void *arg)
{
	void *p = kmem_cache_alloc(late_cache, GFP_KERNEL);

	ck_assert_ptr_nonnull(p);
	kmem_cache_free(late_cache, p);
	late_rounds++;
	pthread_setspecific(late_key, arg);
}

static void *allocate_then_exit_late(void *unused)
{
	void *p = kmem_cache_alloc(late_cache, GFP_KERNEL);

	(void)unused;
	kmem_cache_free(late_cache, p);
	pthread_setspecific(late_key, (void *)1);
	return NULL;
}

START_TEST(a_destructor_allocating_after_thread_exit_leaves_no_magazine)
{
	struct kmem_cache_info info;
	pthread_t t;
	void *p;

	late_cache = kmem_cache_create("late", 64, 0, 0, NULL);
	ck_assert_ptr_nonnull(late_cache);
	/* this thread's magazine first: the allocator's key then exists
	   before late_key, and glibc calls its destructor first in a round */
	p = kmem_cache_alloc(late_cache, GFP_KERNEL);
	kmem_cache_free(late_cache, p);
	ck_assert_int_eq(pthread_key_create(&late_key, late_destructor), 0);
	ck_assert_int_eq(pthread_create(&t, NULL, allocate_then_exit_late,
					NULL), 0);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_int_eq(late_rounds, PTHREAD_DESTRUCTOR_ITERATIONS);
	/* only this thread's magazine is on the cache, not the dead one's */
	ck_assert_int_eq(kmem_cache_get_info(late_cache, &info, sizeof(info)),
			 0);
	ck_assert_uint_eq(info.cpu_slabs, 1);
	ck_assert_int_eq(kmem_cache_shrink(late_cache), 0);
	ck_assert_uint_eq(stats(late_cache).active_objs, 0);
	ck_assert_int_eq(kmem_cache_destroy(late_cache), 0);
	pthread_key_delete(late_key);
}
END_TEST
#endif

START_TEST(objects_freed_by_another_thread_are_accounted)
{
	struct kmem_cache *s = kmem_cache_create("crossing", 256, 0, 0, NULL);
	static void *objs[5000];
	struct job j = { s, objs, 5000 };
	pthread_t t;
	int i;

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(pthread_create(&t, NULL, alloc_some, &j), 0);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_uint_ge(stats(s).active_objs, 5000);
	for (i = 0; i < 5000; i++)
		kmem_cache_free(s, objs[i]);
	ck_assert_int_eq(kmem_cache_validate(s), 0);
	/* two magazines and a full depot at most */
	ck_assert_uint_le(cached(s, 0), 2 * 120 + 16 * 120);
	ck_assert_int_eq(kmem_cache_shrink(s), 0);
	ck_assert_uint_eq(stats(s).num_slabs, 0);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

struct pingpong {
	struct kmem_cache *s;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int step;
	void *objs[100];
};

static void wait_step(struct pingpong *pp, int step)
{
	pthread_mutex_lock(&pp->lock);
	while (pp->step < step)
		pthread_cond_wait(&pp->cond, &pp->lock);
	pthread_mutex_unlock(&pp->lock);
}

static void set_step(struct pingpong *pp, int step)
{
	pthread_mutex_lock(&pp->lock);
	pp->step = step;
	pthread_cond_broadcast(&pp->cond);
	pthread_mutex_unlock(&pp->lock);
}

static void *cache_then_flush(void *arg)
{
	struct pingpong *pp = arg;
	int i;

	for (i = 0; i < 100; i++)
		pp->objs[i] = kmem_cache_alloc(pp->s, GFP_KERNEL);
	for (i = 0; i < 100; i++)
		kmem_cache_free(pp->s, pp->objs[i]);
	set_step(pp, 1);               /* 100 objects in our magazine */
	wait_step(pp, 2);              /* the main thread has shrunk */
	kmem_cache_free(pp->s, kmem_cache_alloc(pp->s, GFP_KERNEL));
	set_step(pp, 3);
	wait_step(pp, 4);
	return NULL;
}

/* Whether reclaim can reach idle threads' magazines (membarrier) */
static bool remote_drain_works(void)
{
	bool ok;

	mutex_lock(&cache_mutex);
	ok = mag_claim_idle();
	if (ok)
		mag_unclaim();
	mutex_unlock(&cache_mutex);
	return ok;
}

START_TEST(shrink_empties_an_idle_thread_s_magazine)
{
	struct pingpong pp = { .step = 0 };
	bool remote = remote_drain_works();
	pthread_t t;

	/* 128 objects per slab: refills of 60 are never cut short */
	pp.s = kmem_cache_create("pingpong", 32, 0, 0, NULL);
	ck_assert_ptr_nonnull(pp.s);
	pthread_mutex_init(&pp.lock, NULL);
	pthread_cond_init(&pp.cond, NULL);
	ck_assert_int_eq(pthread_create(&t, NULL, cache_then_flush, &pp), 0);
	wait_step(&pp, 1);
	/* their 100 frees went on top of 20 left from 2 refills of 60 */
	ck_assert_uint_eq(stats(pp.s).active_objs, 120);
	if (remote) {
		/* the thread waits on a condition variable, outside the
		   allocator: its magazine is emptied now */
		ck_assert_int_eq(kmem_cache_shrink(pp.s), 0);
		ck_assert_uint_eq(stats(pp.s).active_objs, 0);
	} else {
		/* without membarrier it stays until the thread's next call */
		ck_assert_int_eq(kmem_cache_shrink(pp.s), 1);
		ck_assert_uint_eq(stats(pp.s).active_objs, 120);
	}
	set_step(&pp, 2);
	wait_step(&pp, 3);
	/* its next call works from the emptied (or stale) magazine: a
	   refill of one batch, 60, of which it freed what it took back */
	ck_assert_uint_eq(stats(pp.s).active_objs, 60);
	ck_assert_int_eq(kmem_cache_validate(pp.s), 0);
	set_step(&pp, 4);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_int_eq(kmem_cache_shrink(pp.s), 0);
	ck_assert_int_eq(kmem_cache_destroy(pp.s), 0);
}
END_TEST

/*
 * At the limit, an allocation reclaims what an idle thread keeps in its
 * magazine before it fails: thread A fills its magazine with every object
 * the slabs hold and waits on a condition variable; the limit is then set
 * so that not one more slab fits, and this thread must get its objects
 * from A's parked ones.
 */
enum { PARKED = 64 };

static void *park_objects(void *arg)
{
	struct pingpong *pp = arg;
	int i;

	for (i = 0; i < PARKED; i++)
		pp->objs[i] = kmem_cache_alloc(pp->s, GFP_KERNEL);
	for (i = 0; i < PARKED; i++)
		if (pp->objs[i])
			kmem_cache_free(pp->s, pp->objs[i]);
	set_step(pp, 1);               /* PARKED objects in our magazine */
	wait_step(pp, 2);
	return NULL;
}

START_TEST(allocation_at_the_limit_uses_an_idle_thread_s_parked_objects)
{
	struct pingpong pp = { .step = 0 };
	struct scullc_meminfo mi;
	void *mine[PARKED];
	pthread_t t;
	int i, got = 0;

	if (!remote_drain_works()) {
		fprintf(stderr, "no membarrier here: idle threads' magazines "
			"are drained lazily; test not applicable\n");
		return;
	}
	pp.s = kmem_cache_create("parked", 4000, 0, SLAB_HWCACHE_ALIGN, NULL);
	ck_assert_ptr_nonnull(pp.s);
	/* every free stays in the magazine: no depot, room for all */
	ck_assert_int_eq(kmem_cache_tune(pp.s, PARKED, PARKED / 2, 0), 0);
	/* this thread's magazine exists before the limit, empty */
	kmem_cache_free(pp.s, kmem_cache_alloc(pp.s, GFP_KERNEL));
	ck_assert_int_eq(kmem_cache_shrink(pp.s), 0);
	pthread_mutex_init(&pp.lock, NULL);
	pthread_cond_init(&pp.cond, NULL);
	/* no empty slab anywhere that reclaim could release instead */
	scullc_purge();
	ck_assert_int_eq(pthread_create(&t, NULL, park_objects, &pp), 0);
	wait_step(&pp, 1);
	for (i = 0; i < PARKED; i++)
		ck_assert_ptr_nonnull(pp.objs[i]);
	ck_assert_uint_eq(stats(pp.s).active_objs, PARKED);

	limit_to_usage();           /* not a page more may be handed out */
	ck_assert_ptr_null(__get_free_pages(GFP_NOWAIT, 0) ? (void *)1 : NULL);

	for (i = 0; i < PARKED / 2; i++) {
		mine[i] = kmem_cache_alloc(pp.s, GFP_KERNEL);
		if (mine[i])
			got++;
	}
	ck_assert_int_eq(scullc_set_limit(SIZE_MAX), 0);
	ck_assert_msg(got == PARKED / 2, "got %d of %d objects at the limit",
		      got, PARKED / 2);
	scullc_meminfo(&mi);
	ck_assert_uint_ge(mi.reclaims, 1);
	for (i = 0; i < got; i++)
		kmem_cache_free(pp.s, mine[i]);
	set_step(&pp, 2);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_int_eq(kmem_cache_validate(pp.s), 0);
	ck_assert_int_eq(kmem_cache_shrink(pp.s), 0);
	ck_assert_int_eq(kmem_cache_destroy(pp.s), 0);
}
END_TEST

/*
 * Each thread stamps every object it holds with its own tag and checks
 * the stamps before freeing them: an object handed to two threads at once
 * (a magazine drained under its owner's feet) shows as a foreign stamp.
 * Frequent shrinks drain the magazines of the threads between two calls.
 */
static void *churn(void *arg)
{
	struct kmem_cache *s = arg;
	unsigned long tag = (unsigned long)pthread_self(), bad = 0;
	void *v[64];
	int round, i;

	for (round = 0; round < 2000; round++) {
		for (i = 0; i < 64; i++) {
			v[i] = kmem_cache_alloc(s, GFP_KERNEL);
			ck_assert_ptr_nonnull(v[i]);
			memset(v[i], round, 48);
			*(unsigned long *)v[i] = tag;
		}
		for (i = 0; i < 64; i++) {
			bad += *(unsigned long *)v[i] != tag;
			kmem_cache_free(s, v[i]);
		}
		if (round % 50 == 0)
			kmem_cache_shrink(s);
	}
	ck_assert_uint_eq(bad, 0);
	return NULL;
}

START_TEST(threads_churning_one_cache_keep_it_sound)
{
	struct kmem_cache *s = kmem_cache_create("churn", 48, 0, 0, NULL);
	pthread_t t[4];
	int i;

	ck_assert_ptr_nonnull(s);
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, churn, s), 0);
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);
	ck_assert_int_eq(kmem_cache_validate(s), 0);
	ck_assert_int_eq(kmem_cache_shrink(s), 0);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The depot                                                           */

static unsigned long event(struct kmem_cache *s, unsigned int item)
{
	unsigned long ev[KMEM_NR_EVENTS];

	ck_assert_int_eq(kmem_cache_get_events(s, ev, KMEM_NR_EVENTS),
			 KMEM_NR_EVENTS);
	return ev[item];
}

/* Refills and flushes that went to the slabs: the slow paths that were
   not trades with the depot */
static unsigned long slab_trips(struct kmem_cache *s)
{
	return event(s, KMEM_ALLOC_SLOWPATH) - event(s, KMEM_ALLOC_REFILL) +
	       event(s, KMEM_FREE_SLOWPATH) - event(s, KMEM_CPU_PARTIAL_FREE);
}

/*
 * A thread's batch that fits in its two magazines and the depot, (2 +
 * shared) * limit objects, is served by trading whole magazines once the
 * depot has filled: no refill or flush touches a slab.  One more object
 * per batch does.
 */
START_TEST(batches_that_fit_the_depot_never_touch_the_slabs)
{
	struct kmem_cache *s = kmem_cache_create("depot-batch", 64, 0, 0,
						 NULL);
	enum { LIMIT = 16, SHARED = 8, FIT = (2 + SHARED) * LIMIT };
	void *v[FIT + 1];
	unsigned long trips;
	int round, i;

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(kmem_cache_tune(s, LIMIT, LIMIT / 2, SHARED), 0);
	for (round = 0; round < 11; round++) {
		if (round == 1)
			trips = slab_trips(s);
		for (i = 0; i < FIT; i++)
			ck_assert_ptr_nonnull(v[i] = kmem_cache_alloc(s,
							GFP_KERNEL));
		for (i = 0; i < FIT; i++)
			kmem_cache_free(s, v[i]);
		ck_assert_uint_eq(stats(s).shared_avail, SHARED * LIMIT);
	}
	ck_assert_uint_eq(slab_trips(s), trips);
	ck_assert_uint_eq(event(s, KMEM_ALLOC_REFILL), 10 * SHARED);

	for (i = 0; i < FIT + 1; i++)
		v[i] = kmem_cache_alloc(s, GFP_KERNEL);
	for (i = 0; i < FIT + 1; i++)
		kmem_cache_free(s, v[i]);
	ck_assert_uint_gt(slab_trips(s), trips);
	ck_assert_int_eq(kmem_cache_validate(s), 0);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

/* Fill the depot of @s (limit 8, 4 magazines) from a thread that exits:
   its own magazines go back too, so what stays parked is the depot's */
static void *fill_depot(void *arg)
{
	struct kmem_cache *s = arg;
	void *v[48];
	int i;

	for (i = 0; i < 48; i++)
		ck_assert_ptr_nonnull(v[i] = kmem_cache_alloc(s, GFP_KERNEL));
	for (i = 0; i < 48; i++)
		kmem_cache_free(s, v[i]);
	return NULL;
}

static struct kmem_cache *cache_with_full_depot(const char *name)
{
	struct kmem_cache *s = kmem_cache_create(name, 4000, 0,
						 SLAB_HWCACHE_ALIGN, NULL);
	pthread_t t;

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(kmem_cache_tune(s, 8, 4, 4), 0);
	ck_assert_int_eq(pthread_create(&t, NULL, fill_depot, s), 0);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_uint_eq(stats(s).shared_avail, 4 * 8);
	ck_assert_uint_eq(stats(s).active_objs, 4 * 8);
	return s;
}

/* Every way of draining empties the depot into the slabs and frees its
   magazines; active_objs then counts what users hold, here nothing */
static void drain_by_shrink(struct kmem_cache *s)
{
	ck_assert_int_eq(kmem_cache_shrink(s), 0);
}

static void drain_by_reclaim(struct kmem_cache *s)
{
	(void)s;
	cache_reclaim();
}

static void drain_by_purge(struct kmem_cache *s)
{
	(void)s;
	scullc_purge();
}

static void drain_by_tuning(struct kmem_cache *s)
{
	ck_assert_int_eq(kmem_cache_tune(s, 8, 4, 4), 0);
}

static void (*const drains[])(struct kmem_cache *) = {
	drain_by_shrink, drain_by_reclaim, drain_by_purge, drain_by_tuning,
};

START_TEST(every_drain_empties_the_depot)
{
	struct kmem_cache *s = cache_with_full_depot("depot-drain");
	struct kmem_cache *k = kmem_cache_find("kmalloc-96");
	unsigned long magazines, drained = event(s, KMEM_CPU_PARTIAL_DRAIN);

	ck_assert_ptr_nonnull(k);
	/* a magazine of 8 is 80 bytes: kmalloc-96, and the depot keeps 4 */
	magazines = stats(k).internal_objs;
	ck_assert_uint_ge(magazines, 4);
	drains[_i](s);
	ck_assert_uint_eq(stats(s).shared_avail, 0);
	ck_assert_uint_eq(stats(s).active_objs, 0);
	ck_assert_uint_eq(event(s, KMEM_CPU_PARTIAL_DRAIN) - drained, 4);
	ck_assert_uint_eq(stats(k).internal_objs, magazines - 4);
	ck_assert_int_eq(kmem_cache_validate(s), 0);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

START_TEST(destroy_takes_back_what_the_depot_holds)
{
	struct kmem_cache *s = cache_with_full_depot("depot-destroy");

	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

/*
 * At the limit, what a depot parks is reclaimed before an allocation
 * fails: another cache needs a new slab, and gets it from the pages the
 * drained depot's slabs give back.
 */
START_TEST(allocation_at_the_limit_drains_a_full_depot)
{
	struct kmem_cache *s = cache_with_full_depot("depot-limit");
	struct kmem_cache *other = kmem_cache_create("depot-other", 4000, 0,
						     SLAB_HWCACHE_ALIGN, NULL);
	unsigned long reclaims;
	struct scullc_meminfo mi;
	void *v[8];
	int i, got = 0;

	ck_assert_ptr_nonnull(other);
	/* this thread's magazines of @other exist, empty, before the limit */
	kmem_cache_free(other, kmem_cache_alloc(other, GFP_KERNEL));
	ck_assert_int_eq(kmem_cache_shrink(other), 0);
	scullc_meminfo(&mi);
	reclaims = mi.reclaims;
	limit_to_usage();
	for (i = 0; i < 8; i++) {
		v[i] = kmem_cache_alloc(other, GFP_KERNEL);
		got += v[i] != NULL;
	}
	ck_assert_int_eq(scullc_set_limit(SIZE_MAX), 0);
	ck_assert_int_eq(got, 8);
	scullc_meminfo(&mi);
	ck_assert_uint_gt(mi.reclaims, reclaims);
	ck_assert_uint_eq(stats(s).shared_avail, 0);
	for (i = 0; i < 8; i++)
		kmem_cache_free(other, v[i]);
	ck_assert_int_eq(kmem_cache_destroy(other), 0);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

/*
 * failslab fails allocations whatever the depot holds, leaves the depot as
 * it was, and frees still work (a magazine the depot would need may fail
 * to be made: the free then goes to the slabs).
 */
START_TEST(failslab_fails_allocations_with_a_full_depot)
{
	struct kmem_cache *s = cache_with_full_depot("depot-failslab");
	struct failslab_attr a = {
		.interval = 1, .probability = 100, .times = -1,
		.cache_filter = "depot-failslab",
	};
	void *v[40];
	int i;

	ck_assert_int_eq(failslab_set(&a), 0);
	for (i = 0; i < 10; i++)
		ck_assert_ptr_null(kmem_cache_alloc(s, GFP_KERNEL));
	ck_assert_uint_eq(stats(s).shared_avail, 4 * 8);
	ck_assert_uint_eq(stats(s).alloc_failed, 10);
	ck_assert_int_eq(failslab_set(NULL), 0);

	/* the depot serves once injection stops; every kmalloc cache
	   failing, the frees still put every object somewhere */
	for (i = 0; i < 40; i++)
		ck_assert_ptr_nonnull(v[i] = kmem_cache_alloc(s, GFP_KERNEL));
	ck_assert_uint_eq(stats(s).shared_avail, 0);
	strcpy(a.cache_filter, "");
	ck_assert_int_eq(failslab_set(&a), 0);
	for (i = 0; i < 40; i++)
		kmem_cache_free(s, v[i]);
	ck_assert_int_eq(failslab_set(NULL), 0);
	ck_assert_int_eq(kmem_cache_shrink(s), 0);
	ck_assert_uint_eq(stats(s).active_objs, 0);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

/*
 * A model of many threads: each allocates, frees and passes objects to
 * the others through a shared pool, at random, with shrinks and tunings
 * among them, while the test counts what it holds.  Each object's first
 * word is swapped atomically to LIVE when handed out and to DEAD when
 * freed: an object handed out twice, or freed twice, shows at once.  At
 * the end every object comes back exactly once: with the threads gone,
 * what the slabs count active is what the pool holds plus the depot, and
 * after a shrink, nothing.
 */
enum { MODEL_THREADS = 4, MODEL_OPS = 20000, MODEL_POOL = 256 };
#define LIVE 0x4c4956454c495645UL
#define DEAD 0x4445414444454144UL

struct model {
	struct kmem_cache *s;
	pthread_mutex_t lock;          /* the pool */
	void *pool[MODEL_POOL];
	unsigned int nr_pool;
	atomic_ulong allocated, freed, bad;
};

static void *model_alloc(struct model *m)
{
	_Atomic unsigned long *p = kmem_cache_alloc(m->s, GFP_KERNEL);

	ck_assert_ptr_nonnull(p);
	if (atomic_exchange(p, LIVE) == LIVE)
		atomic_fetch_add(&m->bad, 1);
	atomic_fetch_add(&m->allocated, 1);
	return (void *)p;
}

static void model_free(struct model *m, void *obj)
{
	if (atomic_exchange((_Atomic unsigned long *)obj, DEAD) != LIVE)
		atomic_fetch_add(&m->bad, 1);
	atomic_fetch_add(&m->freed, 1);
	kmem_cache_free(m->s, obj);
}

static void *model_thread(void *arg)
{
	struct model *m = arg;
	unsigned int seed = (unsigned int)(uintptr_t)pthread_self();
	void *mine[64];
	unsigned int n = 0, op;

	for (op = 0; op < MODEL_OPS; op++) {
		unsigned int r = (unsigned int)rand_r(&seed) % 100;

		if (r < 45 && n < 64) {
			mine[n++] = model_alloc(m);
		} else if (r < 85 && n) {
			model_free(m, mine[--n]);
		} else if (r < 92 && n) {         /* pass one on */
			pthread_mutex_lock(&m->lock);
			if (m->nr_pool < MODEL_POOL)
				m->pool[m->nr_pool++] = mine[--n];
			pthread_mutex_unlock(&m->lock);
		} else if (r < 99) {              /* free another's */
			void *obj = NULL;

			pthread_mutex_lock(&m->lock);
			if (m->nr_pool)
				obj = m->pool[--m->nr_pool];
			pthread_mutex_unlock(&m->lock);
			if (obj)
				model_free(m, obj);
		} else if (op % 2) {
			kmem_cache_shrink(m->s);
		} else {
			ck_assert_int_eq(kmem_cache_tune(m->s, 8 + op % 3 * 8,
							 4, op % 5), 0);
		}
	}
	while (n)
		model_free(m, mine[--n]);
	return NULL;
}

START_TEST(random_traffic_across_threads_returns_every_object_once)
{
	struct model *m = calloc(1, sizeof(*m));
	pthread_t t[MODEL_THREADS];
	struct kmem_cache_stats st;
	int i;

	ck_assert_ptr_nonnull(m);
	m->s = kmem_cache_create("depot-model", 64, 0, 0, NULL);
	ck_assert_ptr_nonnull(m->s);
	ck_assert_int_eq(kmem_cache_tune(m->s, 8, 4, 3), 0);
	pthread_mutex_init(&m->lock, NULL);
	for (i = 0; i < MODEL_THREADS; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, model_thread, m),
				 0);
	for (i = 0; i < MODEL_THREADS; i++)
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);

	ck_assert_uint_eq(atomic_load(&m->bad), 0);
	ck_assert_uint_eq(atomic_load(&m->allocated) - atomic_load(&m->freed),
			  m->nr_pool);
	st = stats(m->s);
	ck_assert_uint_eq(st.active_objs - st.shared_avail, m->nr_pool);
	ck_assert_uint_le(st.shared_avail, (unsigned long)st.shared * st.limit);
	ck_assert_int_eq(kmem_cache_validate(m->s), 0);
	while (m->nr_pool)
		model_free(m, m->pool[--m->nr_pool]);
	ck_assert_int_eq(kmem_cache_shrink(m->s), 0);
	ck_assert_uint_eq(stats(m->s).active_objs, 0);
	ck_assert_uint_eq(atomic_load(&m->bad), 0);
	ck_assert_int_eq(kmem_cache_destroy(m->s), 0);
	pthread_mutex_destroy(&m->lock);
	free(m);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Reclaim                                                             */

START_TEST(reclaim_releases_empty_slabs)
{
	struct kmem_cache *s = kmem_cache_create("reclaimed", 1000, 0, 0,
						 NULL);
	struct kmem_cache *keep = kmem_cache_create("no-reap", 1000, 0,
						    SLAB_NO_REAP, NULL);
	void *v[500];
	int i;

	ck_assert_ptr_nonnull(s);
	ck_assert_ptr_nonnull(keep);
	for (i = 0; i < 500; i++)
		v[i] = kmem_cache_alloc(s, GFP_KERNEL);
	for (i = 0; i < 500; i++)
		kmem_cache_free(s, v[i]);
	for (i = 0; i < 500; i++)
		v[i] = kmem_cache_alloc(keep, GFP_KERNEL);
	for (i = 0; i < 500; i++)
		kmem_cache_free(keep, v[i]);
	ck_assert_uint_gt(stats(s).num_slabs, 0);
	ck_assert_uint_ge(cache_reclaim(), 5 * 4);    /* >= 5 slabs of 4 pages */
	ck_assert_uint_eq(stats(s).num_slabs, 0);
	ck_assert_uint_eq(stats(s).shrinks, 1);
	ck_assert_uint_gt(stats(keep).num_slabs, 0);  /* SLAB_NO_REAP */
	ck_assert_uint_eq(stats(keep).shrinks, 0);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
	ck_assert_int_eq(kmem_cache_destroy(keep), 0);
}
END_TEST

static Suite *magazine_suite(void)
{
	Suite *s = suite_create("magazine");
	TCase *tc;

	tc = tcase_create("Tunables");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_loop_test(tc, default_tunables_follow_object_size, 0,
			    sizeof(defaults) / sizeof(defaults[0]));
	tcase_add_test(tc, single_cpu_gets_a_depot_of_eight);
	tcase_add_test(tc, debug_cache_has_no_magazines);
	tcase_add_test(tc, tune_applies_at_once);
	tcase_add_test(tc, tune_rejects_bad_values);
	suite_add_tcase(s, tc);

	tc = tcase_create("FastPath");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, fast_path_serves_a_free_alloc_loop);
	tcase_add_test(tc, refill_and_flush_move_batches);
	tcase_add_test(tc, drains_are_not_counted_as_frees);
	tcase_add_test(tc, handed_out_objects_leave_no_copy_in_the_magazine);
	suite_add_tcase(s, tc);

	tc = tcase_create("Concurrency");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, thread_exit_gives_its_magazine_back);
#ifndef __SANITIZE_THREAD__
	tcase_add_test(tc,
		a_destructor_allocating_after_thread_exit_leaves_no_magazine);
#endif
	tcase_add_test(tc, dma_objects_keep_their_magazines_out_of_the_dma_zone);
	tcase_add_test(tc, objects_freed_by_another_thread_are_accounted);
	tcase_add_test(tc, shrink_empties_an_idle_thread_s_magazine);
	tcase_add_test(tc,
		allocation_at_the_limit_uses_an_idle_thread_s_parked_objects);
	tcase_add_test(tc, threads_churning_one_cache_keep_it_sound);
	suite_add_tcase(s, tc);

	tc = tcase_create("Depot");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, batches_that_fit_the_depot_never_touch_the_slabs);
	tcase_add_loop_test(tc, every_drain_empties_the_depot, 0,
			    sizeof(drains) / sizeof(drains[0]));
	tcase_add_test(tc, destroy_takes_back_what_the_depot_holds);
	tcase_add_test(tc, allocation_at_the_limit_drains_a_full_depot);
	tcase_add_test(tc, failslab_fails_allocations_with_a_full_depot);
	tcase_add_test(tc,
		random_traffic_across_threads_returns_every_object_once);
	suite_add_tcase(s, tc);

	tc = tcase_create("Reclaim");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, reclaim_releases_empty_slabs);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(magazine_suite, 30)
