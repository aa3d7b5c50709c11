/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_mempool.c - mempool: the reserve as a last resort, waiting, resizing */

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "unit.h"
#include "mm/internal.h"

/* An element allocator that counts calls and fails on demand. */
struct counting {
	atomic_int allocs;          /* calls to alloc_fn */
	atomic_int made;            /* of which succeeded */
	atomic_int frees;           /* calls to free_fn */
	atomic_bool fail;           /* make alloc_fn fail */
	atomic_int fail_after;      /* > 0: fail once this many have been made */
	atomic_uint last_gfp;
};

static void *counting_alloc(gfp_t gfp, void *data)
{
	struct counting *c = data;
	int fa = atomic_load(&c->fail_after);

	atomic_store(&c->last_gfp, gfp);       /* seen once allocs counts it */
	atomic_fetch_add(&c->allocs, 1);
	if (atomic_load(&c->fail) || (fa > 0 && atomic_load(&c->made) >= fa))
		return NULL;
	atomic_fetch_add(&c->made, 1);
	return kmalloc(64, GFP_KERNEL);
}

static void counting_free(void *element, void *data)
{
	struct counting *c = data;

	atomic_fetch_add(&c->frees, 1);
	kfree(element);
}

static mempool_t *counting_pool(struct counting *c, int min_nr)
{
	mempool_t *pool;

	memset(c, 0, sizeof(*c));
	pool = mempool_create(min_nr, counting_alloc, counting_free, c);
	ck_assert_ptr_nonnull(pool);
	ck_assert_int_eq(atomic_load(&c->allocs), min_nr);
	return pool;
}

/* Take elements with the allocator failing until the pool says no: the
   size of the reserve.  They are returned through @out. */
static int drain_reserve(mempool_t *pool, struct counting *c, void **out,
			 int max)
{
	int n = 0;

	atomic_store(&c->fail, true);
	while (n < max) {
		void *e = mempool_alloc(pool, GFP_NOWAIT);

		if (!e) {
			ck_assert_int_eq(errno, ENOMEM);
			break;
		}
		out[n++] = e;
	}
	atomic_store(&c->fail, false);
	return n;
}

static void give_back(mempool_t *pool, void **els, int n)
{
	while (n > 0)
		mempool_free(els[--n], pool);
}

/* ------------------------------------------------------------ Core */

START_TEST(create_fills_the_reserve_and_rejects_bad_min_nr)
{
	struct counting c;
	mempool_t *pool = counting_pool(&c, 4);
	void *els[8];

	ck_assert_int_eq(drain_reserve(pool, &c, els, 8), 4);
	give_back(pool, els, 4);
	mempool_destroy(pool);
	ck_assert_int_eq(atomic_load(&c.frees), 4);

	errno = 0;
	ck_assert_ptr_null(mempool_create(0, counting_alloc, counting_free, &c));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_null(mempool_create(-3, counting_alloc, counting_free, &c));
	ck_assert_int_eq(errno, EINVAL);
	mempool_destroy(NULL);
}
END_TEST

START_TEST(create_failure_frees_what_it_made)
{
	struct counting c;

	memset(&c, 0, sizeof(c));
	atomic_store(&c.fail_after, 2);
	errno = 0;
	ck_assert_ptr_null(mempool_create(5, counting_alloc, counting_free, &c));
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_int_eq(atomic_load(&c.made), 2);
	ck_assert_int_eq(atomic_load(&c.frees), 2);
}
END_TEST

START_TEST(reserve_is_used_only_after_the_allocator_fails)
{
	struct counting c;
	mempool_t *pool = counting_pool(&c, 2);
	void *a, *b, *r1, *r2;
	gfp_t g;

	/* The allocator works: the reserve is not touched. */
	a = mempool_alloc(pool, GFP_KERNEL);
	b = mempool_alloc(pool, GFP_KERNEL);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(atomic_load(&c.made), 4);
	/* ...and it was asked to fail fast, not to reclaim */
	g = atomic_load(&c.last_gfp);
	ck_assert(!(g & __GFP_DIRECT_RECLAIM));
	ck_assert(g & __GFP_NORETRY);
	ck_assert(g & __GFP_NOWARN);

	/* The allocator fails: the reserve's two elements, then nothing. */
	atomic_store(&c.fail, true);
	r1 = mempool_alloc(pool, GFP_ATOMIC);
	r2 = mempool_alloc(pool, GFP_NOWAIT);
	ck_assert_ptr_nonnull(r1);
	ck_assert_ptr_nonnull(r2);
	errno = 0;
	ck_assert_ptr_null(mempool_alloc(pool, GFP_ATOMIC));
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_int_eq(atomic_load(&c.made), 4);
	atomic_store(&c.fail, false);

	mempool_free(r1, pool);
	mempool_free(r2, pool);
	mempool_free(a, pool);
	mempool_free(b, pool);
	mempool_destroy(pool);
	ck_assert_int_eq(atomic_load(&c.frees), 4);
}
END_TEST

START_TEST(free_refills_the_reserve_only_below_min_nr)
{
	struct counting c;
	mempool_t *pool = counting_pool(&c, 4);
	void *els[4], *extra;

	ck_assert_int_eq(drain_reserve(pool, &c, els, 2), 2);
	extra = mempool_alloc(pool, GFP_KERNEL);     /* from the allocator */
	ck_assert_int_eq(atomic_load(&c.made), 5);

	mempool_free(extra, pool);                   /* reserve 2 -> 3 */
	mempool_free(els[0], pool);                  /* 3 -> 4 */
	ck_assert_int_eq(atomic_load(&c.frees), 0);
	mempool_free(els[1], pool);                  /* full: freed */
	ck_assert_int_eq(atomic_load(&c.frees), 1);
	mempool_free(NULL, pool);
	ck_assert_int_eq(atomic_load(&c.frees), 1);

	ck_assert_int_eq(drain_reserve(pool, &c, els, 4), 4);
	give_back(pool, els, 4);
	mempool_destroy(pool);
	ck_assert_int_eq(atomic_load(&c.frees), 5);
}
END_TEST

/* ----------------------------------------------------- Concurrency */

struct waiter {
	mempool_t *pool;
	void *got;
	atomic_bool done;
};

static void *wait_for_element(void *arg)
{
	struct waiter *w = arg;

	w->got = mempool_alloc(w->pool, GFP_KERNEL);
	atomic_store(&w->done, true);
	return NULL;
}

/*
 * Wait until the counting allocator has been called @n times, yielding;
 * a bounded wait (about a minute of yields and 1 ms naps) that fails the
 * test rather than hanging it.
 */
static void wait_for_allocs(struct counting *c, int n)
{
	const struct timespec nap = { 0, 1000 * 1000 };
	int i;

	for (i = 0; i < 60000 && atomic_load(&c->allocs) < n; i++)
		nanosleep(&nap, NULL);
	ck_assert_msg(atomic_load(&c->allocs) >= n,
		      "the waiter made %d allocator calls, expected %d",
		      atomic_load(&c->allocs), n);
}

START_TEST(blocking_alloc_waits_until_an_element_is_freed)
{
	struct counting c;
	mempool_t *pool = counting_pool(&c, 1);
	struct waiter w = { .pool = pool };
	pthread_t t;
	void *only;
	int calls;

	atomic_store(&c.fail, true);
	only = mempool_alloc(pool, GFP_KERNEL);      /* the reserve */
	ck_assert_ptr_nonnull(only);
	calls = atomic_load(&c.allocs);

	ck_assert_int_eq(pthread_create(&t, NULL, wait_for_element, &w), 0);
	/* it tries fast, then once with the full gfp, then sleeps... */
	wait_for_allocs(&c, calls + 2);
	ck_assert(atomic_load(&c.last_gfp) & __GFP_DIRECT_RECLAIM);
	/* ...and, with the allocator failing, nothing but a free ends that */
	ck_assert_msg(!atomic_load(&w.done), "mempool_alloc did not wait");

	mempool_free(only, pool);
	pthread_join(t, NULL);
	ck_assert(atomic_load(&w.done));
	ck_assert_ptr_eq(w.got, only);
	/* woken by the free, not found by a timed-out wait */
	ck_assert_uint_eq(mempool_late_wakeups(pool), 0);

	mempool_free(w.got, pool);
	atomic_store(&c.fail, false);
	mempool_destroy(pool);
}
END_TEST

struct sharer {
	mempool_t *pool;
	int rounds;
	int got;
};

static void *share_reserve(void *arg)
{
	struct sharer *sh = arg;
	int i;

	for (i = 0; i < sh->rounds; i++) {
		unsigned int *e = mempool_alloc(sh->pool, GFP_KERNEL);

		if (!e)
			break;
		*e = (unsigned int)i;           /* ours alone while held */
		sched_yield();
		if (*e != (unsigned int)i)
			break;
		sh->got++;
		mempool_free(e, sh->pool);
	}
	return NULL;
}

START_TEST(many_waiters_share_a_small_reserve_without_lost_wakeups)
{
	enum { THREADS = 4, ROUNDS = 3000 };
	struct counting c;
	mempool_t *pool = counting_pool(&c, 2);
	struct sharer sh[THREADS];
	pthread_t t[THREADS];
	int i;

	atomic_store(&c.fail, true);            /* only the reserve serves */
	for (i = 0; i < THREADS; i++) {
		sh[i] = (struct sharer){ .pool = pool, .rounds = ROUNDS };
		ck_assert_int_eq(pthread_create(&t[i], NULL, share_reserve,
						&sh[i]), 0);
	}
	for (i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		ck_assert_int_eq(sh[i].got, ROUNDS);
	}
	/* every free woke a waiter: none had to find its element late */
	ck_assert_uint_eq(mempool_late_wakeups(pool), 0);
	atomic_store(&c.fail, false);
	mempool_destroy(pool);
	ck_assert_int_eq(atomic_load(&c.frees), 2);
}
END_TEST

/* ---------------------------------------------------------- Resize */

START_TEST(resize_grows_and_shrinks_the_reserve)
{
	struct counting c;
	mempool_t *pool = counting_pool(&c, 2);
	void *els[16];

	ck_assert_int_eq(mempool_resize(pool, 5), 0);
	ck_assert_int_eq(atomic_load(&c.made), 5);
	ck_assert_int_eq(drain_reserve(pool, &c, els, 16), 5);
	give_back(pool, els, 5);
	ck_assert_int_eq(atomic_load(&c.frees), 0);

	ck_assert_int_eq(mempool_resize(pool, 1), 0);
	ck_assert_int_eq(atomic_load(&c.frees), 4);
	ck_assert_int_eq(drain_reserve(pool, &c, els, 16), 1);
	give_back(pool, els, 1);

	ck_assert_int_eq(mempool_resize(pool, 0), -EINVAL);
	mempool_destroy(pool);
	ck_assert_int_eq(atomic_load(&c.frees), 5);
}
END_TEST

START_TEST(resize_enomem_leaves_the_pool_unchanged)
{
	struct counting c;
	mempool_t *pool = counting_pool(&c, 3);
	void *els[16];

	atomic_store(&c.fail_after, 5);          /* 2 of the 4 needed */
	ck_assert_int_eq(mempool_resize(pool, 7), -ENOMEM);
	ck_assert_int_eq(atomic_load(&c.frees), 2);
	atomic_store(&c.fail_after, 0);
	ck_assert_int_eq(drain_reserve(pool, &c, els, 16), 3);
	give_back(pool, els, 3);
	ck_assert_int_eq(atomic_load(&c.frees), 2);
	mempool_destroy(pool);
	ck_assert_int_eq(atomic_load(&c.frees), 5);
}
END_TEST

START_TEST(resize_while_elements_are_out_refills_to_the_new_size)
{
	struct counting c;
	mempool_t *pool = counting_pool(&c, 2);
	void *out[2], *els[16];

	ck_assert_int_eq(drain_reserve(pool, &c, out, 2), 2);
	ck_assert_int_eq(mempool_resize(pool, 4), 0);
	/* the two out will come back: the reserve holds the rest */
	ck_assert_int_eq(drain_reserve(pool, &c, els, 16), 4);
	give_back(pool, els, 4);
	give_back(pool, out, 2);
	ck_assert_int_eq(atomic_load(&c.frees), 2);
	mempool_destroy(pool);
}
END_TEST

/*
 * Two resizes racing: the first grows the pool, and a concurrent
 * mempool_free leaves it elements to give back; while it gives them back a
 * second resize replaces (and frees) the array the first one installed.
 * The first must not read its leftovers from that array.  Arrays this big
 * are blocks of pages, which read as zero once freed.
 */
#define RACE_FIRST  1100
#define RACE_SECOND 2300

static struct {
	mempool_t *pool;
	void *out[2];               /* the reserve, taken before the race */
	bool fail;                  /* make race_alloc fail */
	int made, null_frees;
	int second;                 /* 0 not run, else 1 + its result */
} race;

static void *race_alloc(gfp_t gfp, void *data)
{
	(void)gfp;
	(void)data;
	if (race.fail)
		return NULL;
	/* The first resize's last element: the two out come back now. */
	if (++race.made == 2 + RACE_FIRST) {
		mempool_free(race.out[0], race.pool);
		mempool_free(race.out[1], race.pool);
	}
	return kmalloc(64, GFP_KERNEL);
}

static void *race_resize(void *arg)
{
	(void)arg;
	race.second = 1 + mempool_resize(race.pool, RACE_SECOND);
	return NULL;
}

static void race_free(void *element, void *data)
{
	pthread_t t;

	(void)data;
	if (!element) {
		race.null_frees++;
		return;
	}
	kfree(element);
	if (!race.second && race.made >= 2 + RACE_FIRST &&
	    pthread_create(&t, NULL, race_resize, NULL) == 0)
		pthread_join(t, NULL);
}

START_TEST(concurrent_resizes_do_not_read_a_freed_array)
{
	memset(&race, 0, sizeof(race));
	race.pool = mempool_create(2, race_alloc, race_free, NULL);
	ck_assert_ptr_nonnull(race.pool);
	race.fail = true;
	race.out[0] = mempool_alloc(race.pool, GFP_NOWAIT);
	race.out[1] = mempool_alloc(race.pool, GFP_NOWAIT);
	ck_assert(race.out[0] && race.out[1]);
	race.fail = false;

	ck_assert_int_eq(mempool_resize(race.pool, RACE_FIRST), 0);
	ck_assert_int_eq(race.second, 1);        /* it ran, and returned 0 */
	ck_assert_int_eq(race.null_frees, 0);
	mempool_destroy(race.pool);
	ck_assert_int_eq(race.null_frees, 0);
}
END_TEST

/* ------------------------------------------------- Ready-made pools */

START_TEST(slab_pool_lends_objects_of_its_cache)
{
	struct kmem_cache *cache = kmem_cache_create("mempool_test", 100, 0,
						     0, NULL);
	struct kmem_cache_stats st;
	mempool_t *pool;
	void *e[3];
	int i;

	ck_assert_ptr_nonnull(cache);
	pool = mempool_create_slab_pool(3, cache);
	ck_assert_ptr_nonnull(pool);
	kmem_cache_get_stats(cache, &st);
	ck_assert_uint_ge(st.active_objs, 3);
	for (i = 0; i < 3; i++) {
		e[i] = mempool_alloc(pool, GFP_KERNEL);
		ck_assert_ptr_nonnull(e[i]);
		ck_assert_ptr_eq(virt_to_cache(e[i]), cache);
	}
	for (i = 0; i < 3; i++)
		mempool_free(e[i], pool);
	mempool_destroy(pool);
	ck_assert_int_eq(kmem_cache_destroy(cache), 0);

	errno = 0;
	ck_assert_ptr_null(mempool_create_slab_pool(2, NULL));
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(kmalloc_pool_lends_blocks_of_its_size)
{
	mempool_t *pool = mempool_create_kmalloc_pool(2, 300);
	void *e;

	ck_assert_ptr_nonnull(pool);
	e = mempool_alloc(pool, GFP_KERNEL);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(ksize(e), 512);
	memset(e, 1, 300);
	mempool_free(e, pool);
	mempool_destroy(pool);

	errno = 0;
	ck_assert_ptr_null(mempool_create_kmalloc_pool(2, 0));
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

static Suite *mempool_suite(void)
{
	Suite *s = suite_create("mempool");
	TCase *tc;

	tc = tcase_create("Core");
	tcase_add_test(tc, create_fills_the_reserve_and_rejects_bad_min_nr);
	tcase_add_test(tc, create_failure_frees_what_it_made);
	tcase_add_test(tc, reserve_is_used_only_after_the_allocator_fails);
	tcase_add_test(tc, free_refills_the_reserve_only_below_min_nr);
	suite_add_tcase(s, tc);

	tc = tcase_create("Concurrency");
	tcase_add_test(tc, blocking_alloc_waits_until_an_element_is_freed);
	tcase_add_test(tc, many_waiters_share_a_small_reserve_without_lost_wakeups);
	suite_add_tcase(s, tc);

	tc = tcase_create("Resize");
	tcase_add_test(tc, resize_grows_and_shrinks_the_reserve);
	tcase_add_test(tc, resize_enomem_leaves_the_pool_unchanged);
	tcase_add_test(tc, resize_while_elements_are_out_refills_to_the_new_size);
	tcase_add_test(tc, concurrent_resizes_do_not_read_a_freed_array);
	suite_add_tcase(s, tc);

	tc = tcase_create("Pools");
	tcase_add_test(tc, slab_pool_lends_objects_of_its_cache);
	tcase_add_test(tc, kmalloc_pool_lends_blocks_of_its_size);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(mempool_suite, 20)
