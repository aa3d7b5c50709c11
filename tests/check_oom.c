/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_oom.c - fail the Nth allocation, for every N, SQLite-style */

/*
 * A realistic workload (caches, a mempool, kmalloc of mixed sizes, krealloc,
 * kstrdup, objects allocated and freed in several caches, a slabinfo tuning
 * write) is run with failslab set to fail exactly the Nth slab allocation,
 * for N = 1, 2, ... until a run sees no injected failure.  Every step must
 * either succeed or fail cleanly (NULL with errno ENOMEM, or -ENOMEM); the
 * workload then frees everything it holds, every cache it made must destroy
 * with 0, and the active objects of the kmalloc caches must be back to their
 * baseline: nothing leaked on any error path.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "mm/internal.h"

#define NR_A 40
#define NR_B 20
#define NR_POOL 3
#define B_MAGIC 0x5c011c00u

static const size_t km_sizes[] = {
	1, 24, 96, 150, 500, 1000, 3000, 8192, 9000, 100000,
};
#define NR_KM (sizeof(km_sizes) / sizeof(km_sizes[0]))

struct work {
	struct kmem_cache *a, *b;
	mempool_t *pool;
	void *pel[NR_POOL];
	void *oa[NR_A];
	unsigned int *ob[NR_B];
	void *km[NR_KM];
	char *str;
};

static void ctor_b(void *obj)
{
	*(unsigned int *)obj = B_MAGIC;
}

/* A pointer step: success, or NULL with ENOMEM and the workload stops. */
#define GOT(p) do {                                                   \
		if (!(p)) {                                           \
			ck_assert_int_eq(errno, ENOMEM);              \
			goto out;                                     \
		}                                                     \
	} while (0)

/* Returns 0 when every step succeeded, -ENOMEM when one failed cleanly. */
static int workload(void)
{
	struct work w;
	unsigned int i;
	void *r;
	int ret = -ENOMEM, err;

	memset(&w, 0, sizeof(w));
	w.a = kmem_cache_create("oom_a", 200, 0, SLAB_HWCACHE_ALIGN, NULL);
	GOT(w.a);
	w.b = kmem_cache_create("oom_b", 3000, 0, 0, ctor_b);
	GOT(w.b);
	w.pool = mempool_create_slab_pool(4, w.a);
	GOT(w.pool);

	for (i = 0; i < NR_KM; i++) {
		w.km[i] = kmalloc(km_sizes[i], GFP_KERNEL);
		GOT(w.km[i]);
		memset(w.km[i], (int)i, km_sizes[i]);
	}
	r = krealloc(w.km[1], 5000, GFP_KERNEL);     /* small to bigger */
	GOT(r);
	w.km[1] = r;
	ck_assert_int_eq(((unsigned char *)r)[23], 1);
	r = krealloc(w.km[4], 40000, GFP_KERNEL);    /* small to large */
	GOT(r);
	w.km[4] = r;
	ck_assert_int_eq(((unsigned char *)r)[499], 4);
	w.str = kstrdup("scullc quantum set", GFP_KERNEL);
	GOT(w.str);

	for (i = 0; i < NR_A; i++)
		GOT(w.oa[i] = kmem_cache_alloc(w.a, GFP_KERNEL));
	for (i = 0; i < NR_B; i++) {
		GOT(w.ob[i] = kmem_cache_alloc(w.b, GFP_KERNEL));
		ck_assert_uint_eq(*w.ob[i], B_MAGIC);
	}
	for (i = 0; i < NR_A; i += 2) {
		kmem_cache_free(w.a, w.oa[i]);
		w.oa[i] = NULL;
	}

	/* A waiting mempool_alloc never fails: the reserve covers it. */
	for (i = 0; i < NR_POOL; i++) {
		w.pel[i] = mempool_alloc(w.pool, GFP_KERNEL);
		ck_assert_ptr_nonnull(w.pel[i]);
	}

	err = slabinfo_write("oom_a 32 16 4\n", 14);
	if (err) {
		ck_assert_int_eq(err, -ENOMEM);
		goto out;
	}
	for (i = 0; i < NR_A; i += 2)
		GOT(w.oa[i] = kmem_cache_zalloc(w.a, GFP_KERNEL));
	ck_assert_uint_gt(slabinfo_read(NULL, 0), 0);
	ret = 0;

out:
	for (i = 0; i < NR_POOL; i++)
		mempool_free(w.pel[i], w.pool);
	mempool_destroy(w.pool);
	for (i = 0; i < NR_A; i++)
		if (w.oa[i])
			kmem_cache_free(w.a, w.oa[i]);
	for (i = 0; i < NR_B; i++)
		if (w.ob[i])
			kmem_cache_free(w.b, w.ob[i]);
	for (i = 0; i < NR_KM; i++)
		kfree(w.km[i]);
	kfree(w.str);
	ck_assert_int_eq(kmem_cache_destroy(w.b), 0);
	ck_assert_int_eq(kmem_cache_destroy(w.a), 0);
	return ret;
}

/* Objects held in the kmalloc caches (and the cache of caches) by users:
   magazines and the depots are drained first. */
static void drain_and_count(struct kmem_cache *s, void *arg)
{
	unsigned long *sum = arg;
	const char *n = kmem_cache_name(s);
	struct kmem_cache_stats st;

	if (strncmp(n, "kmalloc-", 8) && strncmp(n, "dma-kmalloc-", 12) &&
	    strcmp(n, "kmem_cache"))
		return;
	kmem_cache_shrink(s);
	kmem_cache_get_stats(s, &st);
	*sum += st.active_objs;
}

static unsigned long baseline(void)
{
	unsigned long sum = 0;

	cache_for_each(drain_and_count, &sum);
	return sum;
}

START_TEST(workload_runs_clean_without_faults)
{
	unsigned long base;

	ck_assert_int_eq(workload(), 0);     /* warm up: thread magazines */
	base = baseline();
	ck_assert_int_eq(workload(), 0);
	ck_assert_uint_eq(baseline(), base);
}
END_TEST

START_TEST(failing_the_nth_allocation_for_every_n_leaks_nothing)
{
	struct failslab_attr fa = {
		.interval = 1, .probability = 100, .times = 1, .seed = 1,
	};
	unsigned long base, injected, n;
	unsigned int failed_runs = 0;
	int ret;

	ck_assert_int_eq(workload(), 0);
	base = baseline();
	for (n = 1; n < 10000; n++) {
		unsigned long before = failslab_failures();

		fa.interval = n;
		ck_assert_int_eq(failslab_set(&fa), 0);
		ret = workload();
		injected = failslab_failures() - before;
		ck_assert_int_eq(failslab_set(NULL), 0);

		ck_assert_msg(ret == 0 || ret == -ENOMEM, "N=%lu: %d", n, ret);
		ck_assert_msg(baseline() == base,
			      "N=%lu: kmalloc objects %lu, baseline %lu", n,
			      baseline(), base);
		if (ret)
			failed_runs++;
		if (!injected) {
			ck_assert_int_eq(ret, 0);
			break;
		}
	}
	ck_assert_uint_lt(n, 10000);
	/* the sweep really went through the workload's allocations */
	ck_assert_uint_gt(n, 20);
	ck_assert_uint_gt(failed_runs, 10);
	fprintf(stderr, "oom: %lu allocation sites, %u runs ended in ENOMEM\n",
		n - 1, failed_runs);
}
END_TEST

static Suite *oom_suite(void)
{
	Suite *s = suite_create("oom");
	TCase *tc = tcase_create("FaultSweep");

	tcase_add_test(tc, workload_runs_clean_without_faults);
	tcase_add_test(tc, failing_the_nth_allocation_for_every_n_leaks_nothing);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(oom_suite, 30)
