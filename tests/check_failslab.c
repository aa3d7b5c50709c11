/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_failslab.c - failslab: interval, probability, times, space, filter */

#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mm/internal.h"
#include "unit.h"

#define CALLS 400

static struct kmem_cache *cache;

/*
 * A cache whose thread magazine already exists: its first allocation also
 * allocates the magazine, which failslab would count as a call of its own.
 */
static struct kmem_cache *warm_cache(const char *name, size_t size)
{
	struct kmem_cache *s = kmem_cache_create(name, size, 0, 0, NULL);

	ck_assert_ptr_nonnull(s);
	kmem_cache_free(s, kmem_cache_alloc(s, GFP_KERNEL));
	return s;
}

static void setup(void)
{
	cache = warm_cache("fs_test", 100);
}

static void teardown(void)
{
	failslab_set(NULL);
	failslab_set_cache_filter(0);
	failslab_set_verbose(0);
	scullc_set_output(NULL, NULL);
	ck_assert_int_eq(kmem_cache_destroy(cache), 0);
}

/* Try @n allocations from @s with @gfp: fail[i] says which failed. */
static unsigned int attempt(struct kmem_cache *s, gfp_t gfp, bool *fail,
			    unsigned int n)
{
	unsigned int failed = 0;

	for (unsigned int i = 0; i < n; i++) {
		void *p;

		errno = 0;
		p = kmem_cache_alloc(s, gfp);
		if (fail)
			fail[i] = p == NULL;
		if (!p) {
			ck_assert_int_eq(errno, ENOMEM);
			failed++;
		} else {
			kmem_cache_free(s, p);
		}
	}
	return failed;
}

static void set(unsigned long interval, unsigned int probability,
		unsigned long space, long times, const char *filter,
		unsigned long seed)
{
	struct failslab_attr a = {
		.interval = interval, .probability = probability,
		.space = space, .times = times, .seed = seed,
	};

	strcpy(a.cache_filter, filter);
	ck_assert_int_eq(failslab_set(&a), 0);
}

/* ------------------------------------------------------------------ */
/* Core                                                                */

START_TEST(interval_n_times_1_fails_exactly_the_nth)
{
	bool fail[50];
	unsigned long before = failslab_failures();

	set(7, 100, 0, 1, "", 1);
	ck_assert(atomic_load(&failslab_enabled));
	ck_assert_uint_eq(attempt(cache, GFP_KERNEL, fail, 50), 1);
	for (int i = 0; i < 50; i++)
		ck_assert_msg(fail[i] == (i == 6), "call %d", i + 1);
	ck_assert_uint_eq(failslab_failures() - before, 1);
	ck_assert(!atomic_load(&failslab_enabled));   /* times ran out */
}
END_TEST

START_TEST(every_nth_fails_with_unlimited_times)
{
	bool fail[40];

	set(4, 100, 0, -1, "", 1);
	ck_assert_uint_eq(attempt(cache, GFP_KERNEL, fail, 40), 10);
	for (int i = 0; i < 40; i++)
		ck_assert(fail[i] == ((i + 1) % 4 == 0));
}
END_TEST

START_TEST(times_limits_the_failures)
{
	struct failslab_attr a;

	set(1, 100, 0, 3, "", 1);
	ck_assert_uint_eq(attempt(cache, GFP_KERNEL, NULL, 20), 3);
	failslab_get(&a);
	ck_assert_int_eq(a.times, 0);
}
END_TEST

START_TEST(probability_0_never_fails)
{
	set(1, 0, 0, -1, "", 1);
	ck_assert_uint_eq(attempt(cache, GFP_KERNEL, NULL, CALLS), 0);
}
END_TEST

START_TEST(probability_100_always_fails)
{
	unsigned long before = failslab_failures();

	set(1, 100, 0, -1, "", 1);
	ck_assert_uint_eq(attempt(cache, GFP_KERNEL, NULL, CALLS), CALLS);
	ck_assert_uint_eq(failslab_failures() - before, CALLS);
}
END_TEST

START_TEST(same_seed_gives_the_same_failures)
{
	bool a[CALLS], b[CALLS], c[CALLS];
	unsigned int n;

	set(1, 30, 0, -1, "", 42);
	n = attempt(cache, GFP_KERNEL, a, CALLS);
	ck_assert_uint_gt(n, CALLS / 10);             /* about 30% */
	ck_assert_uint_lt(n, CALLS / 2);
	set(1, 30, 0, -1, "", 42);
	ck_assert_uint_eq(attempt(cache, GFP_KERNEL, b, CALLS), n);
	ck_assert(memcmp(a, b, sizeof(a)) == 0);
	set(1, 30, 0, -1, "", 43);
	attempt(cache, GFP_KERNEL, c, CALLS);
	ck_assert(memcmp(a, c, sizeof(a)) != 0);
}
END_TEST

START_TEST(space_budget_delays_failure)
{
	bool fail[15];

	set(1, 100, 1000, -1, "", 1);       /* ten objects of 100 bytes */
	attempt(cache, GFP_KERNEL, fail, 15);
	for (int i = 0; i < 15; i++)
		ck_assert_msg(fail[i] == (i >= 10), "call %d", i + 1);
}
END_TEST

START_TEST(cache_filter_affects_only_that_cache)
{
	struct kmem_cache *other = warm_cache("fs_other", 64);

	set(1, 100, 0, -1, "fs_other", 1);
	ck_assert_uint_eq(attempt(cache, GFP_KERNEL, NULL, 50), 0);
	ck_assert_uint_eq(attempt(other, GFP_KERNEL, NULL, 50), 50);
	failslab_set(NULL);
	ck_assert_int_eq(kmem_cache_destroy(other), 0);
}
END_TEST

static bool marked(struct kmem_cache *s)
{
	struct kmem_cache_info info;

	ck_assert_int_eq(kmem_cache_get_info(s, &info, sizeof(info)), 0);
	return info.flags & SLAB_FAILSLAB;
}

/* the kernel's cache-filter: only caches marked SLAB_FAILSLAB fail */
START_TEST(cache_filter_fails_only_marked_caches)
{
	struct kmem_cache *other = warm_cache("fs_other", 64);
	void *p;

	ck_assert(!marked(other));
	ck_assert_int_eq(kmem_cache_set_failslab(other, 1), 0);
	ck_assert(marked(other) && !marked(cache));
	failslab_set_cache_filter(1);
	set(1, 100, 0, -1, "", 1);
	ck_assert_int_eq(failslab_get_cache_filter(), 1);   /* set kept it */
	ck_assert_uint_eq(attempt(cache, GFP_KERNEL, NULL, 50), 0);
	ck_assert_uint_eq(attempt(other, GFP_KERNEL, NULL, 50), 50);
	p = kmalloc(64 * 1024, GFP_KERNEL);            /* no cache: spared */
	ck_assert_ptr_nonnull(p);
	kfree(p);
	/* the mark goes at once; the filter off lets every cache fail */
	ck_assert_int_eq(kmem_cache_set_failslab(other, 0), 0);
	ck_assert_uint_eq(attempt(other, GFP_KERNEL, NULL, 50), 0);
	failslab_set_cache_filter(0);
	ck_assert_uint_eq(attempt(cache, GFP_KERNEL, NULL, 5), 5);
	failslab_set(NULL);
	ck_assert_int_eq(kmem_cache_destroy(other), 0);
}
END_TEST

/* SLAB_FAILSLAB at creation, or slab_debug=A, as in the kernel */
START_TEST(slab_debug_a_and_the_flag_mark_caches_without_debugging)
{
	struct kmem_cache *a, *b;
	struct kmem_cache_info info;

	ck_assert_int_eq(slab_debug_setup("A,fs_marked"), 0);
	a = kmem_cache_create("fs_marked", 32, 0, 0, NULL);
	b = kmem_cache_create("fs_flagged", 32, 0, SLAB_FAILSLAB, NULL);
	ck_assert_int_eq(slab_debug_setup("-"), 0);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert(marked(a) && marked(b));
	kmem_cache_get_info(a, &info, sizeof(info));
	ck_assert_uint_eq(info.flags & SLAB_DEBUG_FLAGS, 0);
	ck_assert(!kmem_cache_debug(a));
	ck_assert_int_eq(kmem_cache_destroy(a), 0);
	ck_assert_int_eq(kmem_cache_destroy(b), 0);
}
END_TEST

/* failslab_get: times and space as they are now, as the kernel's files */
START_TEST(get_shows_times_and_space_left)
{
	struct failslab_attr a;

	set(1, 100, 1000, 7, "", 1);     /* ten objects of 100 bytes spared */
	attempt(cache, GFP_KERNEL, NULL, 4);
	failslab_get(&a);
	ck_assert_uint_eq(a.space, 600);
	ck_assert_int_eq(a.times, 7);
	attempt(cache, GFP_KERNEL, NULL, 8);           /* 6 spared, 2 failed */
	failslab_get(&a);
	ck_assert_uint_eq(a.space, 0);
	ck_assert_int_eq(a.times, 5);
}
END_TEST

static char reports[4096];
static unsigned int nr_reports;

static void capture(const char *msg, void *arg)
{
	(void)arg;
	if (nr_reports++ == 0)
		snprintf(reports, sizeof(reports), "%s", msg);
}

/* verbose: the kernel's fail_dump lines, at most 10 in 5 seconds */
START_TEST(verbose_reports_failures_rate_limited)
{
	unsigned long start;

	nr_reports = 0;
	scullc_set_output(capture, NULL);
	failslab_set_verbose(2);
	ck_assert_uint_eq(failslab_get_verbose(), 2);
	set(1, 100, 0, -1, "", 1);
	start = os_now_ms();
	ck_assert_uint_eq(attempt(cache, GFP_KERNEL, NULL, 30), 30);
	ck_assert_str_eq(reports,
		"FAULT_INJECTION: forcing a failure.\n"
		"name failslab, interval 1, probability 100, space 0, times -1\n"
		"cache fs_test, size 100\n");
	/* the limit's window is 5 s: within one, 10 reports of 30 */
	if (os_now_ms() - start < 5000)
		ck_assert_uint_eq(nr_reports, 10);
	else
		ck_assert_uint_le(nr_reports, 30);
	failslab_set_verbose(0);
	nr_reports = 0;
	ck_assert_uint_eq(attempt(cache, GFP_KERNEL, NULL, 5), 5);
	ck_assert_uint_eq(nr_reports, 0);
}
END_TEST

START_TEST(nofail_is_never_failed)
{
	set(1, 100, 0, -1, "", 1);
	ck_assert_uint_eq(attempt(cache, GFP_KERNEL | __GFP_NOFAIL, NULL, 50), 0);
	ck_assert_uint_eq(attempt(cache, GFP_ATOMIC, NULL, 5), 5);
}
END_TEST

START_TEST(ignore_gfp_reclaim_spares_blocking_allocations)
{
	struct failslab_attr a = {
		.interval = 1, .probability = 100, .times = -1,
		.ignore_gfp_reclaim = 1,
	};

	ck_assert_int_eq(failslab_set(&a), 0);
	ck_assert_uint_eq(attempt(cache, GFP_KERNEL, NULL, 20), 0);
	ck_assert_uint_eq(attempt(cache, GFP_ATOMIC, NULL, 20), 20);
	ck_assert_uint_eq(attempt(cache, GFP_NOWAIT, NULL, 20), 20);
}
END_TEST

START_TEST(kmalloc_is_injected_and_large_only_without_filter)
{
	void *p;

	set(1, 100, 0, -1, "kmalloc-64", 1);
	ck_assert_ptr_null(kmalloc(50, GFP_KERNEL));
	p = kmalloc(500, GFP_KERNEL);                  /* another class */
	ck_assert_ptr_nonnull(p);
	kfree(p);
	p = kmalloc(64 * 1024, GFP_KERNEL);            /* no cache: spared */
	ck_assert_ptr_nonnull(p);
	kfree(p);
	set(1, 100, 0, -1, "", 1);
	errno = 0;
	ck_assert_ptr_null(kmalloc(64 * 1024, GFP_KERNEL));
	ck_assert_int_eq(errno, ENOMEM);
}
END_TEST

START_TEST(off_means_no_failures)
{
	unsigned long before;

	set(1, 100, 0, -1, "", 1);
	ck_assert_int_eq(failslab_set(NULL), 0);
	ck_assert(!atomic_load(&failslab_enabled));
	before = failslab_failures();
	ck_assert_uint_eq(attempt(cache, GFP_KERNEL, NULL, 50), 0);
	ck_assert_uint_eq(failslab_failures(), before);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Options                                                             */

START_TEST(setup_accepts_the_boot_option_form)
{
	struct failslab_attr a;

	ck_assert_int_eq(failslab_setup("1,100,0,-1"), 0);
	failslab_get(&a);
	ck_assert_uint_eq(a.interval, 1);
	ck_assert_uint_eq(a.probability, 100);
	ck_assert_uint_eq(a.space, 0);
	ck_assert_int_eq(a.times, -1);
	ck_assert_str_eq(a.cache_filter, "");
	ck_assert_int_eq(a.ignore_gfp_reclaim, 0);
	ck_assert(atomic_load(&failslab_enabled));

	ck_assert_int_eq(failslab_setup("3,50,4096,10,kmalloc-64"), 0);
	failslab_get(&a);
	ck_assert_uint_eq(a.interval, 3);
	ck_assert_uint_eq(a.probability, 50);
	ck_assert_uint_eq(a.space, 4096);
	ck_assert_int_eq(a.times, 10);
	ck_assert_str_eq(a.cache_filter, "kmalloc-64");

	ck_assert_int_eq(failslab_setup("1,100,0,0"), 0);   /* times 0: off */
	ck_assert(!atomic_load(&failslab_enabled));
}
END_TEST

START_TEST(setup_classic_nth_allocation_form)
{
	bool fail[20];

	ck_assert_int_eq(failslab_setup("5,100,0,1"), 0);
	attempt(cache, GFP_KERNEL, fail, 20);
	for (int i = 0; i < 20; i++)
		ck_assert(fail[i] == (i == 4));
}
END_TEST

START_TEST(setup_rejects_malformed_strings_and_keeps_state)
{
	static const char *const bad[] = {
		"", "1", "1,100,0", "1,100,0,", "1,101,0,1", "a,1,0,1",
		"1,100,0,-2", "0,100,0,1", "1,100,0,1,", "1, 100,0,1",
		"1,100,0,1,a,b", "-1,100,0,1", "1,-5,0,1", "1,100,-1,1",
		"1,100,0,1x", "99999999999999999999999,100,0,1",
		"1,100,0,1,name-longer-than-thirty-one-bytes",
	};
	struct failslab_attr a;

	ck_assert_int_eq(failslab_setup("2,100,0,5,fs_test"), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(failslab_setup(bad[i]) == -EINVAL,
			      "\"%s\" accepted", bad[i]);
	ck_assert_int_eq(failslab_setup(NULL), -EINVAL);
	failslab_get(&a);
	ck_assert_uint_eq(a.interval, 2);
	ck_assert_int_eq(a.times, 5);
	ck_assert_str_eq(a.cache_filter, "fs_test");
}
END_TEST

START_TEST(set_rejects_bad_attributes)
{
	struct failslab_attr a = { .interval = 1, .probability = 101,
				   .times = 1 };

	ck_assert_int_eq(failslab_set(&a), -EINVAL);
	a.probability = 100;
	a.interval = 0;
	ck_assert_int_eq(failslab_set(&a), -EINVAL);
	a.interval = 1;
	a.times = -2;
	ck_assert_int_eq(failslab_set(&a), -EINVAL);
	a.times = 1;
	strcpy(a.cache_filter, "a b");
	ck_assert_int_eq(failslab_set(&a), -EINVAL);
	memset(a.cache_filter, 'x', sizeof(a.cache_filter));
	ck_assert_int_eq(failslab_set(&a), -EINVAL);
}
END_TEST

START_TEST(environment_sets_the_attributes)
{
	struct failslab_attr a;

	setenv("SCULLC_FAILSLAB", "9,100,0,2", 1);
	failslab_init_env();
	failslab_get(&a);
	ck_assert_uint_eq(a.interval, 9);
	ck_assert_int_eq(a.times, 2);
	setenv("SCULLC_FAILSLAB", "bogus", 1);
	failslab_init_env();                           /* ignored */
	failslab_get(&a);
	ck_assert_uint_eq(a.interval, 9);
	unsetenv("SCULLC_FAILSLAB");
}
END_TEST

/* The library starts, this very program in a child, with injection on. */
START_TEST(environment_injection_spares_the_start_up)
{
	int status;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char self[4096];
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

		if (n <= 0 || !freopen("/dev/null", "w", stdout))
			_exit(2);
		self[n] = '\0';
		/* fail the first allocation: it must not be a boot cache's */
		setenv("SCULLC_FAILSLAB", "1,100,0,1", 1);
		setenv("CK_RUN_CASE", "NoSuchCase", 1);
		execl(self, self, (char *)NULL);
		_exit(3);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "start-up with SCULLC_FAILSLAB: status %#x", status);
}
END_TEST

static Suite *failslab_suite(void)
{
	Suite *s = suite_create("failslab");
	TCase *tc;

	tc = tcase_create("Core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, interval_n_times_1_fails_exactly_the_nth);
	tcase_add_test(tc, every_nth_fails_with_unlimited_times);
	tcase_add_test(tc, times_limits_the_failures);
	tcase_add_test(tc, probability_0_never_fails);
	tcase_add_test(tc, probability_100_always_fails);
	tcase_add_test(tc, same_seed_gives_the_same_failures);
	tcase_add_test(tc, space_budget_delays_failure);
	tcase_add_test(tc, cache_filter_affects_only_that_cache);
	tcase_add_test(tc, cache_filter_fails_only_marked_caches);
	tcase_add_test(tc, slab_debug_a_and_the_flag_mark_caches_without_debugging);
	tcase_add_test(tc, get_shows_times_and_space_left);
	tcase_add_test(tc, verbose_reports_failures_rate_limited);
	tcase_add_test(tc, nofail_is_never_failed);
	tcase_add_test(tc, ignore_gfp_reclaim_spares_blocking_allocations);
	tcase_add_test(tc, kmalloc_is_injected_and_large_only_without_filter);
	tcase_add_test(tc, off_means_no_failures);
	suite_add_tcase(s, tc);

	tc = tcase_create("Options");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, setup_accepts_the_boot_option_form);
	tcase_add_test(tc, setup_classic_nth_allocation_form);
	tcase_add_test(tc, setup_rejects_malformed_strings_and_keeps_state);
	tcase_add_test(tc, set_rejects_bad_attributes);
	tcase_add_test(tc, environment_sets_the_attributes);
	tcase_add_test(tc, environment_injection_spares_the_start_up);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(failslab_suite, 20)
