/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fork.c - fork(2) safety: every allocator lock held across fork */

/*
 * fork() copies only the calling thread.  A lock another thread held at
 * that moment stays locked in the child for ever, and the child's first
 * allocation that needs it deadlocks.  So, as glibc's malloc does, the
 * allocator takes every one of its locks before fork, in the order of
 * internal.h's "Lock order" block, and gives them back after: the parent
 * unlocks them; the child, whose only thread now owns them under another
 * thread id, initialises them afresh (slab_mutex is recursive and checks
 * its owner, so it could not be unlocked there).  With every lock held,
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

static void reinit_cache(struct kmem_cache *s, void *arg)
{
	(void)arg;
	pthread_mutex_init(&s->list_lock, NULL);
}

/*
 * slab_for_each_cache takes slab_mutex again (it is recursive), so it is
 * held across the fork as the outermost slab lock and the walk needs no
 * second copy of the cache list.
 */
static void fork_prepare(void)
{
	mempool_fork_lock();
	pthread_mutex_lock(&slab_mutex);
	slab_for_each_cache(lock_cache, NULL);
	pthread_mutex_lock(&debug_lock);
	pthread_mutex_lock(&fail_lock);
	zone_fork_lock();
}

static void fork_parent(void)
{
	zone_fork_unlock();
	pthread_mutex_unlock(&fail_lock);
	pthread_mutex_unlock(&debug_lock);
	slab_for_each_cache(unlock_cache, NULL);
	pthread_mutex_unlock(&slab_mutex);
	mempool_fork_unlock();
}

static void fork_child(void)
{
	zone_fork_reinit();
	pthread_mutex_init(&fail_lock, NULL);
	pthread_mutex_init(&debug_lock, NULL);
	slab_init_locks();
	slab_for_each_cache(reinit_cache, NULL);
	mempool_fork_reinit();
}

/* Register the handlers; called once (page_alloc_init's pthread_once) */
void fork_init(void)
{
	pthread_atfork(fork_prepare, fork_parent, fork_child);
}
