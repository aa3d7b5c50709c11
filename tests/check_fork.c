/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_fork.c - fork() from a multithreaded program: the child allocates */

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sched.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include <scullc/gfp.h>
#include <scullc/mempool.h>
#include <scullc/slab.h>

/*
 * Two threads churn through every lock of the allocator (a cache's slabs
 * and depot, kmalloc classes, pages, a mempool, slabinfo, shrinking)
 * while the main thread forks hundreds of times.  Each child allocates
 * and frees through the same paths and exits 0; a child that finds a lock
 * held by a thread that does not exist in it hangs, and its alarm ends it
 * (SIGALRM), which fails the test with the number of such children.
 */

enum { CHURNERS = 2, FORKS = 300, CHILD_ALARM_SEC = 60 };

static struct kmem_cache *cache;
static mempool_t *pool;
static atomic_bool stop;
static atomic_ulong rounds;

static void *churn(void *arg)
{
	unsigned long seed = (unsigned long)arg, i = 0;
	void *objs[64];
	char buf[4096];

	while (!atomic_load(&stop)) {
		unsigned int n = 0, k;

		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		for (k = 0; k < 64; k++) {
			void *p;

			switch ((seed >> (k % 48)) & 3) {
			case 0:
				p = kmem_cache_alloc(cache, GFP_KERNEL);
				break;
			case 1:
				p = kmalloc(8 + (seed >> 20) % 9000, GFP_KERNEL);
				break;
			case 2:
				p = mempool_alloc(pool, GFP_NOWAIT);
				break;
			default:
				p = (void *)__get_free_pages(GFP_KERNEL, k % 3);
				break;
			}
			if (p)
				objs[n++] = p;
			else
				objs[n++] = NULL;
		}
		for (k = 0; k < n; k++) {
			if (!objs[k])
				continue;
			switch ((seed >> (k % 48)) & 3) {
			case 0:
				kmem_cache_free(cache, objs[k]);
				break;
			case 1:
				kfree(objs[k]);
				break;
			case 2:
				mempool_free(objs[k], pool);
				break;
			default:
				free_pages((unsigned long)objs[k], k % 3);
				break;
			}
		}
		if (++i % 16 == 0) {
			kmem_cache_shrink(cache);
			slabinfo_read(buf, sizeof(buf));
		}
		atomic_fetch_add(&rounds, 1);
	}
	return NULL;
}

/* A thread of the child's: allocates (joining the allocator's list of
   threads), then waits until the child's main thread has shrunk */
static void *child_thread(void *arg)
{
	int *fds = arg;
	char c;

	kmem_cache_free(cache, kmem_cache_alloc(cache, GFP_KERNEL));
	kfree(kmalloc(300, GFP_KERNEL));
	if (write(fds[1], "a", 1) != 1 || read(fds[0], &c, 1) != 1)
		return (void *)1;
	return NULL;
}

/*
 * The child's threads: a new one may run on the stack of a parent thread
 * the child does not have, where the allocator kept that thread's list
 * node.  Shrinking while it lives walks the list of threads (to drain idle
 * ones): a list the fork left stale loops for ever or crashes here.
 */
static int child_threads(void)
{
	int up[2], down[2], fds[2];
	pthread_t t;
	void *ret;
	char c;

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
	/* ThreadSanitizer refuses threads after a multithreaded fork, and
	   pthread_create may wait for ASan's allocator, whose locks a parent
	   thread may have held at the fork (GCC 12's runtime takes none of
	   them around fork) */
	return 0;
#endif
	if (pipe(up) || pipe(down))
		return 5;
	fds[0] = down[0];
	fds[1] = up[1];
	if (pthread_create(&t, NULL, child_thread, fds))
		return 6;
	if (read(up[0], &c, 1) != 1)
		return 7;
	kmem_cache_shrink(cache);
	if (write(down[1], "b", 1) != 1 || pthread_join(t, &ret) || ret)
		return 8;
	kmem_cache_shrink(cache);
	return 0;
}

/* What a child does: every path once, then a clean exit */
static int child(void)
{
	struct kmem_cache *mine;
	void *a, *b, *c, *e;
	unsigned long pg;
	char buf[4096];

	alarm(CHILD_ALARM_SEC);          /* a hang ends as SIGALRM */
	a = kmem_cache_alloc(cache, GFP_KERNEL);
	b = kmalloc(100, GFP_KERNEL);
	c = kmalloc(20000, GFP_KERNEL);
	e = mempool_alloc(pool, GFP_KERNEL);
	pg = __get_free_pages(GFP_KERNEL, 2);
	mine = kmem_cache_create("fork-child", 72, 0, 0, NULL);
	if (!a || !b || !c || !e || !pg || !mine)
		return 2;
	kmem_cache_free(mine, kmem_cache_alloc(mine, GFP_KERNEL));
	if (kmem_cache_destroy(mine))
		return 3;
	if (slabinfo_read(buf, sizeof(buf)) == 0)
		return 4;
	free_pages(pg, 2);
	mempool_free(e, pool);
	kfree(c);
	kfree(b);
	kmem_cache_free(cache, a);
	return child_threads();
}

START_TEST(children_of_a_churning_process_all_allocate)
{
	pthread_t t[CHURNERS];
	unsigned int i, hung = 0, failed = 0;

	cache = kmem_cache_create("fork-churn", 200, 0, SLAB_HWCACHE_ALIGN,
				  NULL);
	ck_assert_ptr_nonnull(cache);
	/* magazines of 4: a round's dozen objects trade with the depot */
	ck_assert_int_eq(kmem_cache_tune(cache, 4, 2, 2), 0);
	pool = mempool_create_kmalloc_pool(4, 64);
	ck_assert_ptr_nonnull(pool);
	for (i = 0; i < CHURNERS; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, churn,
						(void *)(uintptr_t)(i + 1)), 0);

	for (i = 0; i < FORKS; i++) {
		unsigned long seen = atomic_load(&rounds);
		int status;
		pid_t pid;

		/* fork while the churners are busy: each fork meets them at
		   a different point (every fork after the first waits until
		   they have done another round) */
		while (atomic_load(&rounds) == seen && i > 0)
			sched_yield();
		pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0)
			_exit(child());
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
			hung++;
		else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			failed++;
		if (hung)
			break;          /* one is proof enough */
	}

	atomic_store(&stop, true);
	for (i = 0; i < CHURNERS; i++)
		pthread_join(t[i], NULL);
	ck_assert_msg(hung == 0 && failed == 0,
		      "%u children hung (after %u forks), %u failed",
		      hung, i, failed);
	mempool_destroy(pool);
	ck_assert_int_eq(kmem_cache_destroy(cache), 0);
}
END_TEST

static Suite *fork_suite(void)
{
	Suite *s = suite_create("fork");
	TCase *tc = tcase_create("Concurrency");

	tcase_set_timeout(tc, 300);   /* 300 forks; a hung child costs 60 s */
	tcase_add_test(tc, children_of_a_churning_process_all_allocate);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(fork_suite, 20)
