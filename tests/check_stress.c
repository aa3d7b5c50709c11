/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_stress.c - many threads allocating, passing and freeing objects */

/*
 * Each worker runs a fixed script drawn from its own seeded generator:
 * allocate from one of several caches (or kmalloc), stamp the object with
 * who made it and a sequence number, keep it a while, then free it itself
 * or pass it to the next worker through a small mailbox.  The receiver
 * checks the stamp before freeing, so an object handed out twice, or
 * corrupted while cached, is caught.  Meanwhile a tuner thread keeps
 * changing the caches' per-thread cache sizes through slabinfo_write.
 * When every worker has joined, every object has been freed exactly once:
 * the caches hold nothing but what their shared arrays cache, shrink to
 * nothing, and destroy cleanly.
 */

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <scullc/slab.h>

#include "unit.h"

#define NR_WORKERS   4
#define NR_CACHES    3
#define OPS          1500000        /* per worker: a few seconds */
#define KEEP         64             /* objects a worker holds at most */
#define MAILBOX      128

static const unsigned int cache_sizes[NR_CACHES] = { 24, 320, 4000 };

struct stamp {
	uint32_t magic;
	uint16_t owner;
	uint16_t kind;                  /* cache index, or NR_CACHES for kmalloc */
	uint64_t seq;
};
#define STAMP_MAGIC 0x5ca11c00u

struct mailbox {
	pthread_mutex_t lock;
	void *slot[MAILBOX];            /* protected by lock */
	unsigned int head, count;       /* protected by lock */
};

static struct kmem_cache *caches[NR_CACHES];
static struct mailbox boxes[NR_WORKERS];
static atomic_ulong allocated, freed, passed, bad_stamps;
static atomic_bool tuning_done;

static uint64_t next_rand(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

static void *make_object(unsigned int owner, uint64_t *rng, uint64_t seq)
{
	unsigned int kind = next_rand(rng) % (NR_CACHES + 1);
	struct stamp *st;

	if (kind < NR_CACHES)
		st = kmem_cache_alloc(caches[kind], GFP_KERNEL);
	else
		st = kmalloc(sizeof(*st) + next_rand(rng) % 2000, GFP_KERNEL);
	if (!st)
		return NULL;
	st->magic = STAMP_MAGIC;
	st->owner = owner;
	st->kind = kind;
	st->seq = seq;
	atomic_fetch_add(&allocated, 1);
	return st;
}

static void drop_object(struct stamp *st)
{
	if (st->magic != STAMP_MAGIC || st->owner >= NR_WORKERS ||
	    st->kind > NR_CACHES)
		atomic_fetch_add(&bad_stamps, 1);
	st->magic = 0;
	if (st->kind < NR_CACHES)
		kmem_cache_free(caches[st->kind], st);
	else
		kfree(st);
	atomic_fetch_add(&freed, 1);
}

static bool post(struct mailbox *box, void *obj)
{
	bool ok = false;

	pthread_mutex_lock(&box->lock);
	if (box->count < MAILBOX) {
		box->slot[(box->head + box->count++) % MAILBOX] = obj;
		ok = true;
	}
	pthread_mutex_unlock(&box->lock);
	return ok;
}

static void *fetch(struct mailbox *box)
{
	void *obj = NULL;

	pthread_mutex_lock(&box->lock);
	if (box->count) {
		obj = box->slot[box->head];
		box->head = (box->head + 1) % MAILBOX;
		box->count--;
	}
	pthread_mutex_unlock(&box->lock);
	return obj;
}

static void *worker(void *arg)
{
	unsigned int me = (unsigned int)(uintptr_t)arg;
	struct mailbox *next = &boxes[(me + 1) % NR_WORKERS];
	uint64_t rng = 0x9e3779b97f4a7c15ull * (me + 1);
	void *held[KEEP];
	unsigned int nheld = 0;
	void *obj;

	for (uint64_t op = 0; op < OPS; op++) {
		unsigned int r = next_rand(&rng) % 8;

		if ((obj = fetch(&boxes[me])))
			drop_object(obj);
		if (r < 4 && nheld < KEEP) {
			obj = make_object(me, &rng, op);
			if (obj)
				held[nheld++] = obj;
		} else if (nheld) {
			unsigned int i = next_rand(&rng) % nheld;

			obj = held[i];
			held[i] = held[--nheld];
			if (r == 7 && post(next, obj))
				atomic_fetch_add(&passed, 1);
			else
				drop_object(obj);
		}
	}
	while (nheld)
		drop_object(held[--nheld]);
	return NULL;
}

static void *tuner(void *arg)
{
	static const char *const cmds[] = {
		"stress-24 1 1 0", "stress-24 120 60 8", "stress-320 16 8 2",
		"stress-320 54 27 8", "stress-4000 2 1 1", "stress-4000 24 12 8",
	};
	unsigned int i = 0;

	(void)arg;
	while (!atomic_load(&tuning_done)) {
		const char *c = cmds[i++ % (sizeof(cmds) / sizeof(cmds[0]))];

		ck_assert_int_eq(slabinfo_write(c, strlen(c)), 0);
		struct timespec ts = { 0, 2 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	return NULL;
}

static void *drain_mailboxes(void *arg)
{
	void *obj;

	(void)arg;
	for (int i = 0; i < NR_WORKERS; i++)
		while ((obj = fetch(&boxes[i])))
			drop_object(obj);
	return NULL;
}

START_TEST(objects_passed_between_threads_are_freed_exactly_once)
{
	pthread_t threads[NR_WORKERS], tune;
	struct kmem_cache_stats st;
	char name[32];

	for (int i = 0; i < NR_CACHES; i++) {
		snprintf(name, sizeof(name), "stress-%u", cache_sizes[i]);
		caches[i] = kmem_cache_create(name, cache_sizes[i], 0,
					      SLAB_HWCACHE_ALIGN, NULL);
		ck_assert_ptr_nonnull(caches[i]);
	}
	for (int i = 0; i < NR_WORKERS; i++)
		pthread_mutex_init(&boxes[i].lock, NULL);

	ck_assert_int_eq(pthread_create(&tune, NULL, tuner, NULL), 0);
	for (int i = 0; i < NR_WORKERS; i++)
		ck_assert_int_eq(pthread_create(&threads[i], NULL, worker,
						(void *)(uintptr_t)i), 0);
	for (int i = 0; i < NR_WORKERS; i++)
		pthread_join(threads[i], NULL);
	atomic_store(&tuning_done, true);
	pthread_join(tune, NULL);

	/* objects still in mailboxes belong to nobody yet: a last thread
	   frees them, so that its magazines too go back when it exits */
	ck_assert_int_eq(pthread_create(&tune, NULL, drain_mailboxes, NULL), 0);
	pthread_join(tune, NULL);

	ck_assert_uint_eq(atomic_load(&bad_stamps), 0);
	ck_assert_uint_eq(atomic_load(&allocated), atomic_load(&freed));
	ck_assert_uint_gt(atomic_load(&allocated), NR_WORKERS * OPS / 4);
	ck_assert_uint_gt(atomic_load(&passed), 1000);

	for (int i = 0; i < NR_CACHES; i++) {
		/* the workers' magazines went back when they exited; what
		   is still active sits in the shared array */
		ck_assert_int_eq(kmem_cache_get_stats(caches[i], &st), 0);
		ck_assert_uint_eq(st.active_objs, st.shared_avail);
		ck_assert_uint_gt(st.alloc_fastpath, 0);
		ck_assert_int_eq(kmem_cache_shrink(caches[i]), 0);
		ck_assert_int_eq(kmem_cache_get_stats(caches[i], &st), 0);
		ck_assert_uint_eq(st.active_objs, 0);
		ck_assert_uint_eq(st.num_slabs, 0);
		ck_assert_int_eq(kmem_cache_destroy(caches[i]), 0);
	}
}
END_TEST

static Suite *stress_suite(void)
{
	Suite *s = suite_create("stress");
	TCase *tc = tcase_create("Concurrency");

	tcase_add_test(tc, objects_passed_between_threads_are_freed_exactly_once);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(stress_suite, 60)
