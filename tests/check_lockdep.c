/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_lockdep.c - the lock order checker (src/lock.c) fires, and only then */

/*
 * This program has its own copy of src/lock.c, built with the checker on
 * (-DSCULLC_LOCK_CHECK=1, Makefile.am) whatever the configuration, and
 * links nothing else of the project.  A case that must abort runs its body
 * in a child whose stderr goes to a pipe; the test then asserts that the
 * child died of SIGABRT and that the report names both locks and where
 * each was taken.
 */

#include "config.h"

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lock.h"
#include "unit.h"

#define OUT_MAX 4096

static struct {
	int status;                 /* from waitpid */
	char out[OUT_MAX];          /* the child's stderr, NUL-terminated */
} child;

static struct mutex outer, inner, inner2, leaf;
static struct rwlock rw;

static void init_locks(void)
{
	mutex_init(&outer, "outer_lock", LOCK_RANK_CACHE);
	mutex_init(&inner, "inner_lock", LOCK_RANK_LIST);
	mutex_init(&inner2, "inner2_lock", LOCK_RANK_LIST);
	mutex_init(&leaf, "leaf_lock", LOCK_RANK_ZONE);
	rwlock_init(&rw, "rw_lock", LOCK_RANK_CACHE_SET);
}

/* Run @fn in a child with fresh locks and stderr captured */
static void (*child_fn)(void);

static void child_main(void)
{
	init_locks();
	child_fn();
}

static void in_child(void (*fn)(void))
{
	child_fn = fn;
	child.status = unit_in_child(child_main, child.out, sizeof(child.out));
}

static void expect_abort_naming(const char *a, const char *b)
{
	ck_assert_msg(WIFSIGNALED(child.status) &&
		      WTERMSIG(child.status) == SIGABRT,
		      "child did not abort (status 0x%x); stderr:\n%s",
		      child.status, child.out);
	ck_assert_msg(strstr(child.out, "lock order violation"),
		      "no report: %s", child.out);
	ck_assert_msg(strstr(child.out, a), "\"%s\" not named: %s", a,
		      child.out);
	ck_assert_msg(!b || strstr(child.out, b), "\"%s\" not named: %s", b,
		      child.out);
}

static void expect_clean_exit(void)
{
	ck_assert_msg(WIFEXITED(child.status) && WEXITSTATUS(child.status) == 0,
		      "child status 0x%x; stderr:\n%s", child.status,
		      child.out);
	ck_assert_str_eq(child.out, "");
}

/* ------------------------------------------------------------------ */
/* Core                                                                */

static void take_in_order(void)
{
	mutex_lock(&outer);
	mutex_lock(&inner);
	mutex_lock(&leaf);
	lock_assert_held(&outer);
	lock_assert_held(&leaf);
	if (lock_held_depth() != 3)
		_exit(2);
	mutex_unlock(&inner);       /* out of order is fine */
	mutex_unlock(&leaf);
	mutex_unlock(&outer);
	if (lock_held_depth() != 0)
		_exit(3);
	rwlock_rdlock(&rw);         /* outermost of them */
	mutex_lock(&outer);
	mutex_unlock(&outer);
	rwlock_unlock(&rw);
}

START_TEST(proper_order_passes)
{
	in_child(take_in_order);
	expect_clean_exit();
}
END_TEST

enum { INVERT_AT = __LINE__ + 3 };  /* invert()'s first line */
static void invert(void)
{
	mutex_lock(&inner);
	mutex_lock(&outer);
}

START_TEST(inversion_aborts_naming_both_locks_and_sites)
{
	char site[64];

	in_child(invert);
	expect_abort_naming("outer_lock", "inner_lock");
	/* both call sites: invert()'s two lines */
	snprintf(site, sizeof(site), "check_lockdep.c:%d", INVERT_AT);
	ck_assert_msg(strstr(child.out, site), "no %s in: %s", site,
		      child.out);
	snprintf(site, sizeof(site), "check_lockdep.c:%d", INVERT_AT + 1);
	ck_assert_msg(strstr(child.out, site), "no %s in: %s", site,
		      child.out);
}
END_TEST

static void invert_rwlock(void)
{
	mutex_lock(&outer);
	rwlock_wrlock(&rw);
}

START_TEST(rwlock_inversion_aborts)
{
	in_child(invert_rwlock);
	expect_abort_naming("rw_lock", "outer_lock");
}
END_TEST

static void same_rank(void)
{
	mutex_lock(&inner);
	mutex_lock(&inner2);
}

START_TEST(same_rank_without_subclass_aborts)
{
	in_child(same_rank);
	expect_abort_naming("inner2_lock", "inner_lock");
}
END_TEST

static void same_rank_nested(void)
{
	mutex_lock(&inner);
	mutex_lock_nested(&inner2, 1);
	mutex_unlock(&inner2);
	mutex_unlock(&inner);
}

START_TEST(same_rank_with_subclass_passes)
{
	in_child(same_rank_nested);
	expect_clean_exit();
}
END_TEST

static void relock(void)
{
	mutex_lock(&inner);
	mutex_lock(&inner);
}

START_TEST(taking_a_held_lock_again_aborts)
{
	in_child(relock);
	expect_abort_naming("inner_lock taken at", "is already held");
}
END_TEST

static void trylock_backwards(void)
{
	mutex_lock(&leaf);
	if (mutex_trylock(&outer) != 0)
		_exit(2);
	lock_assert_held(&outer);
	mutex_unlock(&outer);
	mutex_unlock(&leaf);
}

START_TEST(trylock_out_of_order_passes)
{
	in_child(trylock_backwards);
	expect_clean_exit();
}
END_TEST

static void after_trylock(void)
{
	mutex_lock(&outer);
	if (mutex_trylock(&leaf) != 0)
		_exit(2);
	mutex_lock(&inner);         /* may wait while holding leaf_lock */
}

START_TEST(a_wait_under_a_trylocked_lock_is_checked)
{
	in_child(after_trylock);
	expect_abort_naming("inner_lock", "leaf_lock");
}
END_TEST

static void assert_unheld(void)
{
	mutex_lock(&outer);
	lock_assert_held(&inner);
}

START_TEST(assert_held_fires_on_a_lock_not_held)
{
	in_child(assert_unheld);
	expect_abort_naming("inner_lock is not held", NULL);
}
END_TEST

static void release_unheld(void)
{
	mutex_unlock(&leaf);
}

START_TEST(releasing_a_lock_not_held_aborts)
{
	in_child(release_unheld);
	expect_abort_naming("leaf_lock released", NULL);
}
END_TEST

static void alloc_under_inner(void)
{
	mutex_lock(&outer);
	lock_assert_none_from(LOCK_RANK_LIST, "an allocation");
	mutex_lock(&inner);
	lock_assert_none_from(LOCK_RANK_LIST, "an allocation");
}

START_TEST(none_from_fires_only_on_an_inner_lock)
{
	in_child(alloc_under_inner);
	expect_abort_naming("an allocation", "inner_lock");
	ck_assert_ptr_null(strstr(child.out, "outer_lock"));
}
END_TEST

/* ------------------------------------------------------------------ */
/* Nesting                                                             */

/* more than the checker's stack (32), fewer than ThreadSanitizer lets one
   thread hold (64) */
#define NR_GROUP 48

static struct mutex group[NR_GROUP];

static void take_group(bool with_nest)
{
	unsigned int i;

	for (i = 0; i < NR_GROUP; i++)
		mutex_init(&group[i], "group_lock", LOCK_RANK_LIST);
	mutex_lock(&outer);
	for (i = 0; i < NR_GROUP; i++) {
		if (with_nest)
			mutex_lock_nest(&group[i], &outer);
		else
			mutex_lock(&group[i]);
	}
	lock_assert_held(&group[NR_GROUP / 2]);
	mutex_lock(&leaf);          /* inner to the whole group */
	mutex_unlock(&leaf);
	for (i = 0; i < NR_GROUP; i++)
		mutex_unlock(&group[i]);
	mutex_unlock(&outer);
	if (lock_held_depth() != 0)
		_exit(3);
}

static void group_nested(void)
{
	take_group(true);
}

static void group_plain(void)
{
	take_group(false);
}

START_TEST(many_locks_of_a_rank_nest_under_an_outer_lock)
{
	in_child(group_nested);
	expect_clean_exit();
	in_child(group_plain);
	expect_abort_naming("group_lock", "group_lock");
}
END_TEST

static void nest_unheld(void)
{
	mutex_lock_nest(&inner, &outer);
}

START_TEST(nesting_under_a_lock_not_held_aborts)
{
	in_child(nest_unheld);
	expect_abort_naming("inner_lock", "outer_lock, which is not held");
}
END_TEST

/* ------------------------------------------------------------------ */
/* The daemon's ranks: a device lock is outside ns_lock                */

static struct rwlock ns_lock, dev_lock;
static struct mutex attr_lock;

static void init_daemon_locks(void)
{
	rwlock_init(&ns_lock, "ns_lock", LOCK_RANK_FS_NS);
	rwlock_init(&dev_lock, "scull_dev.lock", LOCK_RANK_SCULL_DEV);
	mutex_init(&attr_lock, "attr_lock", LOCK_RANK_FS_ATTR);
}

/* what a lookup under ns_lock would do if it waited for a device */
static void wait_for_device_under_ns_lock(void)
{
	init_daemon_locks();
	rwlock_rdlock(&ns_lock);
	rwlock_rdlock(&dev_lock);
}

START_TEST(device_lock_waited_for_under_ns_lock_aborts)
{
	in_child(wait_for_device_under_ns_lock);
	expect_abort_naming("scull_dev.lock (rank", "while holding ns_lock");
}
END_TEST

/* the daemon's real nestings: a device lock, then the allocator (qset
   allocates under it); ns_lock, attr_lock, the allocator; and a device
   destroyed under ns_lock by trylock (scull_dev_destroy) */
static void daemon_order(void)
{
	init_daemon_locks();
	rwlock_wrlock(&dev_lock);
	lock_assert_held_write(&dev_lock);
	mutex_lock(&outer);                 /* a library lock */
	mutex_unlock(&outer);
	rwlock_unlock(&dev_lock);
	rwlock_wrlock(&ns_lock);
	mutex_lock(&attr_lock);
	mutex_lock(&leaf);
	mutex_unlock(&leaf);
	mutex_unlock(&attr_lock);
	if (rwlock_trywrlock(&dev_lock))
		_exit(2);
	lock_assert_held_write(&dev_lock);
	rwlock_unlock(&dev_lock);
	rwlock_unlock(&ns_lock);
	if (lock_held_depth() != 0)
		_exit(3);
}

START_TEST(daemon_order_and_a_trylock_under_ns_lock_pass)
{
	in_child(daemon_order);
	expect_clean_exit();
}
END_TEST

static void write_assert_on_a_read_hold(void)
{
	init_daemon_locks();
	rwlock_rdlock(&ns_lock);
	lock_assert_held(&ns_lock);
	lock_assert_held_write(&ns_lock);
}

START_TEST(write_assert_fires_on_a_read_hold)
{
	in_child(write_assert_on_a_read_hold);
	expect_abort_naming("ns_lock is held for reading", "not for writing");
}
END_TEST

/* the library never calls back into the daemon with its locks held */
static void daemon_lock_under_library_lock(void)
{
	init_daemon_locks();
	mutex_lock(&inner);
	mutex_lock(&attr_lock);
}

START_TEST(daemon_lock_under_a_library_lock_aborts)
{
	in_child(daemon_lock_under_library_lock);
	expect_abort_naming("attr_lock", "inner_lock");
}
END_TEST

/* ------------------------------------------------------------------ */
/* Threads                                                             */

struct handoff {
	pthread_mutex_t m;
	pthread_cond_t cv;
	int step;                   /* 1: inner held; 2: main is done */
};

static void *hold_inner(void *arg)
{
	struct handoff *h = arg;

	mutex_lock(&inner);
	pthread_mutex_lock(&h->m);
	h->step = 1;
	pthread_cond_broadcast(&h->cv);
	while (h->step != 2)
		pthread_cond_wait(&h->cv, &h->m);
	pthread_mutex_unlock(&h->m);
	mutex_unlock(&inner);
	return NULL;
}

static void two_threads(void)
{
	struct handoff h = { PTHREAD_MUTEX_INITIALIZER,
			     PTHREAD_COND_INITIALIZER, 0 };
	pthread_t t;

	if (pthread_create(&t, NULL, hold_inner, &h))
		_exit(4);
	pthread_mutex_lock(&h.m);
	while (h.step != 1)
		pthread_cond_wait(&h.cv, &h.m);
	pthread_mutex_unlock(&h.m);
	/* the other thread holds inner_lock: this one's stack is empty */
	if (lock_held_depth() != 0)
		_exit(2);
	mutex_lock(&outer);
	mutex_unlock(&outer);
	pthread_mutex_lock(&h.m);
	h.step = 2;
	pthread_cond_broadcast(&h.cv);
	pthread_mutex_unlock(&h.m);
	pthread_join(t, NULL);
}

START_TEST(per_thread_stacks_are_independent)
{
	in_child(two_threads);
	expect_clean_exit();
}
END_TEST

static Suite *lockdep_suite(void)
{
	Suite *s = suite_create("lockdep");
	TCase *tc;

	tc = tcase_create("Core");
	tcase_add_test(tc, proper_order_passes);
	tcase_add_test(tc, inversion_aborts_naming_both_locks_and_sites);
	tcase_add_test(tc, rwlock_inversion_aborts);
	tcase_add_test(tc, same_rank_without_subclass_aborts);
	tcase_add_test(tc, same_rank_with_subclass_passes);
	tcase_add_test(tc, taking_a_held_lock_again_aborts);
	tcase_add_test(tc, trylock_out_of_order_passes);
	tcase_add_test(tc, a_wait_under_a_trylocked_lock_is_checked);
	tcase_add_test(tc, assert_held_fires_on_a_lock_not_held);
	tcase_add_test(tc, releasing_a_lock_not_held_aborts);
	tcase_add_test(tc, none_from_fires_only_on_an_inner_lock);
	suite_add_tcase(s, tc);

	tc = tcase_create("Nesting");
	tcase_add_test(tc, many_locks_of_a_rank_nest_under_an_outer_lock);
	tcase_add_test(tc, nesting_under_a_lock_not_held_aborts);
	suite_add_tcase(s, tc);

	tc = tcase_create("Daemon");
	tcase_add_test(tc, device_lock_waited_for_under_ns_lock_aborts);
	tcase_add_test(tc, daemon_order_and_a_trylock_under_ns_lock_pass);
	tcase_add_test(tc, write_assert_fires_on_a_read_hold);
	tcase_add_test(tc, daemon_lock_under_a_library_lock_aborts);
	suite_add_tcase(s, tc);

	tc = tcase_create("Threads");
	tcase_add_test(tc, per_thread_stacks_are_independent);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(lockdep_suite, 30)
