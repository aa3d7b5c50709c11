/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fork.c - fork(2) safety: every allocator lock held across fork */

/*
 * fork() copies only the calling thread.  A lock another thread held at
 * that moment stays locked in the child for ever, and the child's first
 * allocation that needs it deadlocks.  So, as glibc's malloc does, the
 * allocator takes every one of its locks before fork, in the order of
 * internal.h's "Lock order" block, and gives them back after: the parent
 * unlocks them, and so does the child, whose only thread is the one that
 * took them (POSIX's pthread_atfork idiom).  slab_mutex alone is made
 * afresh in the child: it is recursive, and glibc refuses to unlock a
 * recursive mutex whose owner's thread id (changed by fork) is not the
 * caller's.  Condition variables lose the waiters of the threads that are
 * gone and are made afresh too.  With every lock held,
 * no other thread is inside a locked section at the fork, so every list,
 * counter and free list the child inherits is consistent.
 *
 * What the child loses: other threads' magazines stay attached to their
 * caches, their objects counted as active, since the threads that owned
 * them do not exist in the child (the kernel's per-cpu caches of an
 * offline CPU are the same).  The child may allocate, free, create and
 * destroy caches at once.
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
 *
 * Lock order: all of internal.h's, taken by fork_prepare in that order.
 */

#include "internal.h"

static void lock_cache(struct kmem_cache *s, void *arg)
{
	(void)arg;
	pthread_mutex_lock(&s->list_lock);
}

static void unlock_cache(struct kmem_cache *s, void *arg)
{
	(void)arg;
	pthread_mutex_unlock(&s->list_lock);
}

/*
 * The cache walk runs under slab_mutex, taken once, as the outermost slab
 * lock: in the child it cannot be taken again (see above), so the walk
 * that gives the caches' locks back must not try.
 */
static void fork_prepare(void)
{
	mempool_fork_lock();
	pthread_mutex_lock(&slab_mutex);
	slab_for_each_cache_locked(lock_cache, NULL);
	pthread_mutex_lock(&debug_lock);
	pthread_mutex_lock(&fail_lock);
	zone_fork_lock();
}

static void fork_parent(void)
{
	zone_fork_unlock();
	pthread_mutex_unlock(&fail_lock);
	pthread_mutex_unlock(&debug_lock);
	slab_for_each_cache_locked(unlock_cache, NULL);
	pthread_mutex_unlock(&slab_mutex);
	mempool_fork_unlock();
}

/*
 * The child gives back what fork_prepare took, in the parent's order.
 * Unlocking, not re-initialising, keeps a race checker's view true: it
 * tracks each mutex's owner, and a mutex made afresh while it thinks it
 * held would look locked for ever (ThreadSanitizer then reports a double
 * lock at the next pthread_mutex_lock and loses the ordering the lock
 * gives, so every list it guards looks raced).
 */
static void fork_child(void)
{
	zone_fork_unlock();
	zone_fork_reinit();
	pthread_mutex_unlock(&fail_lock);
	pthread_mutex_unlock(&debug_lock);
	mag_fork_child();
	slab_for_each_cache_locked(unlock_cache, NULL);
	/* fails with EPERM under glibc (see above), but a race checker,
	   which sees the call, learns that this thread gave the lock back;
	   slab_init_locks then really does */
	pthread_mutex_unlock(&slab_mutex);
	slab_init_locks();
	mempool_fork_unlock();
	mempool_fork_reinit();
}

/* Register the handlers; called once (page_alloc_init's pthread_once) */
void fork_init(void)
{
	pthread_atfork(fork_prepare, fork_parent, fork_child);
}
