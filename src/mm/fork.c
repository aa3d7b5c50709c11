/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fork.c - fork(2) safety: every allocator lock held across fork */

/*
 * fork() copies only the calling thread.  A lock another thread held at
 * that moment stays locked in the child for ever, and the child's first
 * allocation that needs it deadlocks.  So, as glibc's malloc does, the
 * allocator takes every one of its locks before fork, in the lock order
 * (enum lock_rank, src/lock.h: the table below is indexed by it), and
 * gives them back after: the parent unlocks them, and so does the child,
 * whose only thread is the one that took them (POSIX's pthread_atfork
 * idiom).  Condition variables lose the waiters of the threads that are
 * gone and are made afresh in the child.  With every lock held, no other
 * thread is inside a locked section at the fork, so every list, counter
 * and free list the child inherits is consistent.
 *
 * Unlocking, not re-initialising, keeps a race checker's view true: it
 * tracks each mutex's owner, and a mutex made afresh while it thinks it
 * held would look locked for ever (ThreadSanitizer then reports a double
 * lock at the next lock and loses the ordering the lock gives, so every
 * list it guards looks raced).  Every library lock is a plain mutex for
 * that reason: glibc could not give back in the child a recursive mutex
 * or an rwlock's write side, whose owner it knows by thread id.
 *
 * What the child loses: other threads' magazines stay attached to their
 * caches, their objects counted as active, since the threads that owned
 * them do not exist in the child (the kernel's per-cpu caches of an
 * offline CPU are the same); kmem_cache_destroy takes them back.  The
 * depots are the child's whole: reclaim and shrink drain them as in the
 * parent.  The child may allocate, free, create and destroy caches at
 * once.
 *
 * The library never calls the C library's malloc (slabinfo's scratch
 * buffer comes from os_map), so the child's allocations do not depend on
 * malloc's own fork safety either: AddressSanitizer's runtime in GCC 12
 * takes no lock of its malloc around fork, and a child whose parent had
 * a thread inside malloc hangs in its first malloc.
 *
 * The handlers are registered once, by page_alloc_init, which every path
 * into the allocator runs first.  A program that forks while no allocator
 * call ever happened has nothing to protect.
 */

#include "internal.h"
#include "output.h"

#include <stdlib.h>

static void lock_cache(struct kmem_cache *s, void *arg)
{
	(void)arg;
	mutex_lock_nest(&s->list_lock, &cache_mutex);
}

static void unlock_cache(struct kmem_cache *s, void *arg)
{
	(void)arg;
	mutex_unlock(&s->list_lock);
}

/* Every cache's list_lock, under cache_mutex (held: a step before) */
static void lock_caches(void)
{
	cache_for_each_locked(lock_cache, NULL);
}

static void unlock_caches(void)
{
	cache_for_each_locked(unlock_cache, NULL);
}

/* What fork does for one rank: @lock, or @lock_all several locks */
struct fork_step {
	struct mutex *lock;
	void (*lock_all)(void);
	void (*unlock_all)(void);
	void (*child)(void);         /* in the child, before the unlock */
	void (*child_after)(void);   /* in the child, after it */
};

#define STEP(rank) [LOCK_RANK_##rank - LOCK_RANK_LIB_FIRST]
#define NR_STEPS   (LOCK_RANK_END - LOCK_RANK_LIB_FIRST)

static const struct fork_step steps[NR_STEPS] = {
	STEP(MEMPOOLS)  = { .lock_all = mempool_fork_lock_list,
			    .unlock_all = mempool_fork_unlock_list },
	STEP(CACHE_SET) = { .lock = &cache_set_lock },
	STEP(CACHE)     = { .lock = &cache_mutex, .child = mag_fork_child },
	STEP(DEPOT)     = { .lock_all = depot_fork_lock,
			    .unlock_all = depot_fork_unlock },
	STEP(LIST)      = { .lock_all = lock_caches,
			    .unlock_all = unlock_caches },
	STEP(DEBUG)     = { .lock = &debug_lock },
	STEP(FAILSLAB)  = { .lock = &fail_lock },
	STEP(ZONE)      = { .lock_all = zone_fork_lock,
			    .unlock_all = zone_fork_unlock,
			    .child_after = zone_fork_reinit },
	STEP(MEMPOOL)   = { .lock_all = mempool_fork_lock,
			    .unlock_all = mempool_fork_unlock,
			    .child_after = mempool_fork_reinit },
	STEP(TRACE)     = { .lock = &trace_lock, .child = trace_fork_child },
	STEP(OUTPUT)    = { .lock = &output_lock },
};

static void fork_prepare(void)
{
	const struct fork_step *st;

	for (st = steps; st < steps + NR_STEPS; st++) {
		if (st->lock)
			mutex_lock(st->lock);
		else
			st->lock_all();
	}
}

/* Give every lock back, innermost first; in the child, with its hooks */
static void release(bool child)
{
	const struct fork_step *st = steps + NR_STEPS;

	while (st-- > steps) {
		if (child && st->child)
			st->child();
		if (st->lock)
			mutex_unlock(st->lock);
		else
			st->unlock_all();
		if (child && st->child_after)
			st->child_after();
	}
}

static void fork_parent(void)
{
	release(false);
}

static void fork_child(void)
{
	release(true);
}

/* Register the handlers; called once (page_alloc_init's pthread_once).
   A rank without a step would be a lock fork does not hold. */
void fork_init(void)
{
	const struct fork_step *st;

	for (st = steps; st < steps + NR_STEPS; st++)
		if (!st->lock && !(st->lock_all && st->unlock_all))
			abort();
	pthread_atfork(fork_prepare, fork_parent, fork_child);
}
