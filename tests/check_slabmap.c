/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_slabmap.c - kmem_cache_get_slabs: every slab, every object */

/*
 * The map of a cache's slabs is held against what the test knows: the
 * objects it holds are exactly the '#' slots, the objects parked in
 * magazines and the shared array are 'P' and 'S', the rest are free
 * ('.'), and the records add up to what slabinfo counts.  A debug cache,
 * which has no magazines, gives a fixed state whose free list order is
 * known exactly.  Every test runs with slab_nr_cpus fixed at 2, as
 * check_stats does, so that small caches have a shared array.
 */

#include "mm/internal.h"
#include "unit.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SLABS 64
#define MAX_OBJS  (MAX_SLABS * 64)

static struct kmem_cache_slab recs[MAX_SLABS];
static char map[MAX_OBJS];
static unsigned short order[MAX_OBJS];

static void setup(void)
{
	slab_nr_cpus = 2;
}

static struct kmem_cache_slabs walk(struct kmem_cache *s, size_t nr)
{
	struct kmem_cache_slabs w = {
		.slab = recs, .nr = nr,
		.map = map, .freelist = order, .nr_objs = MAX_OBJS,
	};

	ck_assert_int_eq(kmem_cache_get_slabs(s, &w), 0);
	return w;
}

/* Slots of state @c over every record shown */
static unsigned long count(const struct kmem_cache_slabs *w, char c)
{
	unsigned long n = 0;
	size_t i;
	unsigned int j;

	for (i = 0; i < w->shown; i++)
		for (j = 0; j < w->slab[i].objects; j++)
			n += w->slab[i].map[j] == c;
	return n;
}

/* The state the map gives @obj, or 0 when its slab is not shown */
static char state_of(const struct kmem_cache_slabs *w, struct kmem_cache *s,
		     const void *obj)
{
	unsigned long a = (unsigned long)obj;
	size_t i;

	for (i = 0; i < w->shown; i++) {
		const struct kmem_cache_slab *r = &w->slab[i];

		if (a >= r->addr && a < r->addr + (PAGE_SIZE << r->order))
			return r->map[(a - r->addr) / s->size];
	}
	return 0;
}

/* The records agree with slabinfo's numbers and with themselves */
static void check_sums(struct kmem_cache *s, const struct kmem_cache_slabs *w)
{
	struct kmem_cache_stats st;
	unsigned long inuse = 0, total = 0;
	size_t i;

	kmem_cache_get_stats(s, &st);
	ck_assert_uint_eq(w->slabs, st.num_slabs);
	ck_assert_uint_eq(w->shown, st.num_slabs);
	for (i = 0; i < w->shown; i++) {
		const struct kmem_cache_slab *r = &w->slab[i];

		ck_assert_int_eq(r->corrupt, 0);
		ck_assert_uint_eq(r->listed, r->objects - r->inuse);
		if (i)
			ck_assert_uint_gt(r->addr, w->slab[i - 1].addr);
		ck_assert_int_eq(r->list, r->inuse == 0 ? KMEM_SLAB_EMPTY :
				 r->inuse == r->objects ? KMEM_SLAB_FULL :
				 KMEM_SLAB_PARTIAL);
		inuse += r->inuse;
		total += r->objects;
	}
	ck_assert_uint_eq(inuse, st.active_objs);
	ck_assert_uint_eq(total, st.num_objs);
	ck_assert_uint_eq(count(w, KMEM_OBJ_FREE), total - inuse);
	ck_assert_uint_eq(count(w, KMEM_OBJ_SHARED), st.shared_avail);
}

START_TEST(held_objects_are_exactly_the_in_use_slots)
{
	struct kmem_cache *s = kmem_cache_create("map_model", 200, 0, 0, NULL);
	void *held[600];
	unsigned long nheld = 0, parked;
	struct kmem_cache_slabs w;
	unsigned int step, i;

	ck_assert_ptr_nonnull(s);
	srand(18);
	for (step = 0; step < 2000; step++) {
		if (nheld < 600 && (nheld == 0 || rand() % 3)) {
			held[nheld] = kmem_cache_alloc(s, GFP_KERNEL);
			ck_assert_ptr_nonnull(held[nheld]);
			nheld++;
		} else {
			i = (unsigned int)rand() % nheld;
			kmem_cache_free(s, held[i]);
			held[i] = held[--nheld];
		}
		if (step % 250)
			continue;
		w = walk(s, MAX_SLABS);
		ck_assert_uint_eq(w.unseen, 0);
		check_sums(s, &w);
		ck_assert_uint_eq(count(&w, KMEM_OBJ_INUSE), nheld);
		for (i = 0; i < nheld; i++)
			ck_assert_int_eq(state_of(&w, s, held[i]),
					 KMEM_OBJ_INUSE);
		/* what is neither held nor on a free list is this thread's
		   magazine or the shared array (check_sums) */
		parked = mag_tls.slots[s->id] ? mag_tls.slots[s->id]->avail : 0;
		ck_assert_uint_eq(count(&w, KMEM_OBJ_PARKED), parked);
	}
	while (nheld)
		kmem_cache_free(s, held[--nheld]);
	ck_assert_int_eq(kmem_cache_shrink(s), 0);
	w = walk(s, MAX_SLABS);
	ck_assert_uint_eq(w.slabs, 0);
	ck_assert_uint_eq(w.shown, 0);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

/* The map of @s's only slab as a string, and its free list */
static void only_slab(struct kmem_cache *s, char *text, unsigned short *fl,
		      unsigned int *listed)
{
	struct kmem_cache_slabs w = walk(s, MAX_SLABS);

	ck_assert_uint_eq(w.shown, 1);
	memcpy(text, w.slab[0].map, w.slab[0].objects);
	text[w.slab[0].objects] = '\0';
	memcpy(fl, w.slab[0].freelist, w.slab[0].listed * sizeof(*fl));
	*listed = w.slab[0].listed;
	check_sums(s, &w);
}

START_TEST(free_list_order_is_the_order_of_the_next_allocations)
{
	/* a debug cache has no magazines: every free goes to its slab */
	struct kmem_cache *s = kmem_cache_create("map_fixed", 1000, 0,
						 SLAB_CONSISTENCY_CHECKS, NULL);
	unsigned short fl[64];
	unsigned int listed, n, i;
	char text[65];
	void *o[64];

	ck_assert_ptr_nonnull(s);
	n = s->oo.objects;
	ck_assert_uint_ge(n, 6);
	for (i = 0; i < 5; i++)
		o[i] = kmem_cache_alloc(s, GFP_KERNEL);
	only_slab(s, text, fl, &listed);
	ck_assert_int_eq(strncmp(text, "#####.", 6), 0);
	ck_assert_uint_eq(listed, n - 5);
	for (i = 0; i < listed; i++)      /* a new slab's list: address order */
		ck_assert_uint_eq(fl[i], 5 + i);

	/* frees push onto the list: the last freed is allocated next */
	kmem_cache_free(s, o[1]);
	kmem_cache_free(s, o[3]);
	only_slab(s, text, fl, &listed);
	ck_assert_int_eq(strncmp(text, "#.#.#.", 6), 0);
	ck_assert_uint_eq(listed, n - 3);
	ck_assert_uint_eq(fl[0], 3);
	ck_assert_uint_eq(fl[1], 1);
	ck_assert_uint_eq(fl[2], 5);
	o[3] = kmem_cache_alloc(s, GFP_KERNEL);
	ck_assert_ptr_eq(o[3], slab_object(s, virt_to_head_page(o[0]), 3));
	only_slab(s, text, fl, &listed);
	ck_assert_int_eq(strncmp(text, "#.###.", 6), 0);
	ck_assert_uint_eq(fl[0], 1);

	for (i = 0; i < 5; i++)
		if (i != 1)
			kmem_cache_free(s, o[i]);
	ck_assert_int_eq(kmem_cache_shrink(s), 0);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

START_TEST(output_is_bounded_and_says_how_much_was_left_out)
{
	struct kmem_cache *s = kmem_cache_create("map_bound", 1000, 0,
						 SLAB_CONSISTENCY_CHECKS, NULL);
	unsigned int per, i;
	struct kmem_cache_slabs w;
	void *o[64];

	ck_assert_ptr_nonnull(s);
	per = s->oo.objects;
	ck_assert_uint_le(3 * per, 64);
	for (i = 0; i < 2 * per + 1; i++)     /* two full slabs, one partial */
		o[i] = kmem_cache_alloc(s, GFP_KERNEL);

	w = walk(s, 1);                       /* room for one record */
	ck_assert_uint_eq(w.slabs, 3);
	ck_assert_uint_eq(w.shown, 1);
	ck_assert_int_eq(w.slab[0].list, KMEM_SLAB_PARTIAL);  /* first */

	w = walk(s, MAX_SLABS);
	w.nr_objs = 2 * per;                  /* room for two slabs' maps */
	ck_assert_int_eq(kmem_cache_get_slabs(s, &w), 0);
	ck_assert_uint_eq(w.shown, 2);
	ck_assert_uint_eq(w.slabs, 3);

	w.nr_objs = 0;                        /* none: the count alone */
	ck_assert_int_eq(kmem_cache_get_slabs(s, &w), 0);
	ck_assert_uint_eq(w.shown, 0);
	ck_assert_uint_eq(w.slabs, 3);
	w.slab = NULL;
	ck_assert_int_eq(kmem_cache_get_slabs(s, &w), -EINVAL);

	for (i = 0; i < 2 * per + 1; i++)
		kmem_cache_free(s, o[i]);
	ck_assert_int_eq(kmem_cache_shrink(s), 0);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

/* Another thread parks objects in its magazine, then waits, idle */
struct parker {
	struct kmem_cache *s;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int step;                    /* 1: parked; 2: may exit */
};

static void *park(void *arg)
{
	struct parker *p = arg;
	void *o[10];
	int i;

	for (i = 0; i < 10; i++)
		o[i] = kmem_cache_alloc(p->s, GFP_KERNEL);
	for (i = 0; i < 10; i++)
		kmem_cache_free(p->s, o[i]);
	pthread_mutex_lock(&p->lock);
	p->step = 1;
	pthread_cond_broadcast(&p->cond);
	while (p->step != 2)
		pthread_cond_wait(&p->cond, &p->lock);
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

START_TEST(an_idle_threads_magazine_is_read_without_draining_it)
{
	struct parker p = { .step = 0 };
	struct kmem_cache_slabs w;
	struct kmem_cache_stats st;
	pthread_t t;

	p.s = kmem_cache_create("map_parked", 200, 0, 0, NULL);
	ck_assert_ptr_nonnull(p.s);
	/* no shared array: the thread's 16-object refill stays with it */
	ck_assert_int_eq(kmem_cache_tune(p.s, 32, 16, 0), 0);
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.cond, NULL);
	ck_assert_int_eq(pthread_create(&t, NULL, park, &p), 0);
	pthread_mutex_lock(&p.lock);
	while (p.step != 1)
		pthread_cond_wait(&p.cond, &p.lock);
	pthread_mutex_unlock(&p.lock);

	w = walk(p.s, MAX_SLABS);
	check_sums(p.s, &w);
	if (w.unseen == 0) {          /* the claim saw it idle (membarrier) */
		ck_assert_uint_eq(count(&w, KMEM_OBJ_PARKED), 16);
		ck_assert_uint_eq(count(&w, KMEM_OBJ_INUSE), 0);
	} else {                      /* no membarrier: it cannot be read */
		ck_assert_uint_eq(w.unseen, 1);
		ck_assert_uint_eq(count(&w, KMEM_OBJ_INUSE), 16);
	}
	/* reading moved nothing: the objects are still the thread's */
	kmem_cache_get_stats(p.s, &st);
	ck_assert_uint_eq(st.active_objs, 16);
	ck_assert_uint_eq(walk(p.s, MAX_SLABS).unseen, w.unseen);

	pthread_mutex_lock(&p.lock);
	p.step = 2;
	pthread_cond_broadcast(&p.cond);
	pthread_mutex_unlock(&p.lock);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	/* its exit flushed them: all free again */
	w = walk(p.s, MAX_SLABS);
	ck_assert_uint_eq(count(&w, KMEM_OBJ_PARKED), 0);
	ck_assert_uint_eq(count(&w, KMEM_OBJ_INUSE), 0);
	ck_assert_int_eq(kmem_cache_shrink(p.s), 0);
	ck_assert_int_eq(kmem_cache_destroy(p.s), 0);
}
END_TEST

static Suite *slabmap_suite(void)
{
	Suite *s = suite_create("slabmap");
	TCase *tc;

	tc = tcase_create("Model");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, held_objects_are_exactly_the_in_use_slots);
	tcase_add_test(tc, free_list_order_is_the_order_of_the_next_allocations);
	suite_add_tcase(s, tc);

	tc = tcase_create("Limits");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, output_is_bounded_and_says_how_much_was_left_out);
	suite_add_tcase(s, tc);

	tc = tcase_create("Concurrency");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, an_idle_threads_magazine_is_read_without_draining_it);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(slabmap_suite, 20)
