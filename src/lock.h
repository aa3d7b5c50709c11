/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lock.h - mutexes and rwlocks that carry their place in the lock order */

/*
 * Every lock of libscullc and of the daemon is a struct mutex or a
 * struct rwlock with a name and a rank from enum lock_rank below, and that
 * enum is the lock order: a thread may take a lock only while every lock
 * it holds has a lower rank (the kernel's lockdep classes, jemalloc's
 * witness ranks).  fork.c takes the library's locks in the same order.
 *
 * A debug build (configure --enable-debug, which defines
 * SCULLC_LOCK_CHECK) keeps a stack of the locks each thread holds and
 * aborts, naming both locks and where each was taken, when a lock would
 * be taken out of order, taken twice, or released without being held;
 * lock_assert_held() aborts when the calling thread does not hold a lock
 * a function needs (lock_assert_held_write(): an rwlock, for writing),
 * and lock_assert_none_from() when it holds one that the code about to
 * run may take again (an allocation that reclaims).  A trylock cannot
 * deadlock, so it is recorded but never checked for order; locks taken after it
 * are checked against it.  Two locks of one rank may be held together
 * only where the code says how they nest: mutex_lock_nested() gives the
 * second a subclass (a higher sub-rank), mutex_lock_nest() lets any
 * number of them be taken under one outer lock that serialises doing so
 * (the kernel's nest_lock: fork holds every cache's list_lock under
 * cache_mutex).
 *
 * Without SCULLC_LOCK_CHECK every call is the plain pthread call, inline,
 * and the structs hold nothing but the pthread lock.
 */
#ifndef SCULLC_LOCK_H
#define SCULLC_LOCK_H

#include "config.h"

#include <pthread.h>
#include <time.h>

/*
 * The lock order, outermost first.  Ranks 1-99 are the daemon's (src/fs,
 * src/scull): it calls the library with its locks held, never the other
 * way, so each of them is outside every library lock.
 */
enum lock_rank {
	LOCK_RANK_NONE = 0,
	LOCK_RANK_DAEMON_FIRST = 1,     /* 1..99: the daemon's own */

	/* reap.c fs_reaper.lock: the reaper's stop flag.  Taken alone: the
	   reaper purges with it dropped. */
	LOCK_RANK_FS_REAPER = LOCK_RANK_DAEMON_FIRST,
	/* pseudo.c resize's lock: one change of size= at a time; only the
	   allocator is called under it */
	LOCK_RANK_FS_RESIZE,
	/* fault_inject.c store_lock: one change of failslab's attributes
	   at a time (read, change one, write); only the allocator is called
	   under it */
	LOCK_RANK_FS_FAILSLAB,
	/* file.c emergency.lock: the copying read's static buffer, held
	   across scull_read (a device lock) and the reply */
	LOCK_RANK_FS_READ_EMERGENCY,
	/* xattr.c xattr_emergency.lock: listxattr's static buffer, held
	   across attr_lock, the reply and fs_unpin (which may free the
	   inode, and its device) */
	LOCK_RANK_FS_XATTR_EMERGENCY,
	/* scull.c each scull_dev.lock: a device's size and quanta.  Can be
	   held for long (a write of 1 MiB, a fallocate of gigabytes), so it
	   is outside ns_lock: nothing may wait for one while holding
	   ns_lock, which would stall the namespace behind one busy file
	   (a trylock under ns_lock cannot wait, and is allowed). */
	LOCK_RANK_SCULL_DEV,
	/* fs.h fs->ns_lock: the namespace (inode and name tables,
	   directories, link counts, fs->devices) */
	LOCK_RANK_FS_NS,
	/* fs.h each inode->attr_lock: mode, owner, times, xattrs.  Taken
	   under ns_lock (a parent's mode, fs_fill_attr, fs_touch); two of
	   them are never held at once. */
	LOCK_RANK_FS_ATTR,
	/* pseudo.c each pseudo_open.lock: an open pseudo-file's latest
	   snapshot; a leaf, never held while rendering or replying */
	LOCK_RANK_FS_PSEUDO_OPEN,
	/* tracing.c events_lock: one change of the trace events' mask at
	   a time; a leaf */
	LOCK_RANK_FS_TRACE,
	/* scull.c zero_lock: the first mapping of the zero area, at mount;
	   only mmap is called under it */
	LOCK_RANK_SCULL_ZERO,

	LOCK_RANK_DAEMON_LAST = 99,

	/* mempool.c pools_lock: the list of every pool.  Taken alone,
	   but by fork.c before everything else. */
	LOCK_RANK_MEMPOOLS = 100,
	LOCK_RANK_LIB_FIRST = LOCK_RANK_MEMPOOLS,
	/* cache.c cache_set_lock: no cache is created or destroyed while
	   it is held.  kmem_cache_for_each and the slabinfo walks hold it
	   across callbacks that may allocate, shrink, tune and read
	   statistics; creation and destruction take it to change the list. */
	LOCK_RANK_CACHE_SET,
	/* cache.c cache_mutex: the cache list and ids (changed under both
	   cache locks, read under either), every thread's magazine list,
	   the reclaimer's claims, tuning.  Reclaim takes it, so nothing
	   allocates with it held (might_alloc, internal.h). */
	LOCK_RANK_CACHE,
	/* depot.c depot_locks[]: each cache's depot (its stacks of full and
	   empty magazines) is guarded by one of them, shared round-robin.
	   Held for a trade of magazines (a few stores), and across a drain,
	   which flushes the full ones into the slabs under it so that
	   slabinfo never sees their objects in neither place.  Outside
	   list_lock for that; one at a time, but for fork (nested under
	   cache_mutex). */
	LOCK_RANK_DEPOT,
	/* slab.c each cache's list_lock: its slabs and counters.  One
	   cache at a time, but for fork (nested under cache_mutex). */
	LOCK_RANK_LIST,
	/* debug.c debug_lock: the slab_debug= settings, read while a
	   cache's geometry is set (under list_lock) */
	LOCK_RANK_DEBUG,
	/* failslab.c fail_lock: the fault-injection attributes, asked
	   with a list_lock held or none */
	LOCK_RANK_FAILSLAB,
	/* page_alloc.c each zone's lock: free lists, usage, limit.  Only
	   the OS is called under it.  Normal before DMA (subclass). */
	LOCK_RANK_ZONE,
	/* mempool.c each pool->lock: a leaf, its holder takes nothing else
	   (fork nests them all under pools_lock) */
	LOCK_RANK_MEMPOOL,
	/* trace.c trace_lock: the ring's reading end and its setup; taken
	   alone (a reader never holds it while it waits) */
	LOCK_RANK_TRACE,
	/* output.c output_lock: one report at a time, formatted and handed
	   to the output hook; taken under any of the above */
	LOCK_RANK_OUTPUT,
	LOCK_RANK_END
};

/* Locks of one rank told apart by mutex_lock_nested(), at most this many */
#define LOCK_SUBCLASSES 4

#ifdef SCULLC_LOCK_CHECK

struct lock_dep {
	const char *name;               /* as reports print it */
	enum lock_rank rank;
};
# define LOCK_DEP_INIT(n, r) .dep = { .name = (n), .rank = (r) },

/* lock_acquire's @flags */
# define LOCK_ACQ_TRY   1       /* a trylock: recorded, not order-checked */
# define LOCK_ACQ_READ  2       /* an rwlock taken shared */

/* lock.c: the checker.  @sub: subclass; @nest: the outer lock under
   which locks of this rank may pile up, or NULL. */
void lock_acquire(const struct lock_dep *l, unsigned int sub,
		  const struct lock_dep *nest, int flags,
		  const char *file, int line);
void lock_release(const struct lock_dep *l, const char *file, int line);
void lock_check_held(const struct lock_dep *l, const char *file, int line);
void lock_check_held_write(const struct lock_dep *l, const char *file,
			   int line);
void lock_check_held_below(enum lock_rank rank, const char *what,
			   const char *file, int line);
unsigned int lock_held_depth(void);
#else
# define LOCK_DEP_INIT(n, r)
#endif

struct mutex {
	pthread_mutex_t m;
#ifdef SCULLC_LOCK_CHECK
	struct lock_dep dep;
#endif
};

struct rwlock {
	pthread_rwlock_t rw;
#ifdef SCULLC_LOCK_CHECK
	struct lock_dep dep;
#endif
};

#define MUTEX_INITIALIZER(name, rank) \
	{ .m = PTHREAD_MUTEX_INITIALIZER, LOCK_DEP_INIT(name, rank) }
#define RWLOCK_INITIALIZER(name, rank) \
	{ .rw = PTHREAD_RWLOCK_INITIALIZER, LOCK_DEP_INIT(name, rank) }

#ifdef SCULLC_LOCK_CHECK
# define LOCK_DEP_SET(l, n, r) ((l)->dep = (struct lock_dep){ (n), (r) })
#else
# define LOCK_DEP_SET(l, n, r) ((void)(n), (void)(r))
#endif

static inline void mutex_init(struct mutex *l, const char *name,
			      enum lock_rank rank)
{
	pthread_mutex_init(&l->m, NULL);
	LOCK_DEP_SET(l, name, rank);
}

/* 0 or pthread_rwlock_init's error (EAGAIN, ENOMEM) */
static inline int rwlock_init(struct rwlock *l, const char *name,
			      enum lock_rank rank)
{
	LOCK_DEP_SET(l, name, rank);
	return pthread_rwlock_init(&l->rw, NULL);
}

#define mutex_destroy(l)  pthread_mutex_destroy(&(l)->m)
#define rwlock_destroy(l) pthread_rwlock_destroy(&(l)->rw)

/* Wait on @cond with @l held; the checker's view is that it stays held */
#define mutex_cond_wait(cond, l) pthread_cond_wait(cond, &(l)->m)
#define mutex_cond_timedwait(cond, l, ts) \
	pthread_cond_timedwait(cond, &(l)->m, ts)

#ifdef SCULLC_LOCK_CHECK

static inline void mutex_lock_at(struct mutex *l, unsigned int sub,
				 const struct lock_dep *nest,
				 const char *file, int line)
{
	lock_acquire(&l->dep, sub, nest, 0, file, line);
	pthread_mutex_lock(&l->m);
}

static inline int mutex_trylock_at(struct mutex *l, const char *file,
				   int line)
{
	int err = pthread_mutex_trylock(&l->m);

	if (!err)
		lock_acquire(&l->dep, 0, NULL, LOCK_ACQ_TRY, file, line);
	return err;
}

static inline void mutex_unlock_at(struct mutex *l, const char *file,
				   int line)
{
	lock_release(&l->dep, file, line);
	pthread_mutex_unlock(&l->m);
}

static inline void rwlock_rdlock_at(struct rwlock *l, const char *file,
				    int line)
{
	lock_acquire(&l->dep, 0, NULL, LOCK_ACQ_READ, file, line);
	pthread_rwlock_rdlock(&l->rw);
}

static inline void rwlock_wrlock_at(struct rwlock *l, const char *file,
				    int line)
{
	lock_acquire(&l->dep, 0, NULL, 0, file, line);
	pthread_rwlock_wrlock(&l->rw);
}

static inline int rwlock_trywrlock_at(struct rwlock *l, const char *file,
				      int line)
{
	int err = pthread_rwlock_trywrlock(&l->rw);

	if (!err)
		lock_acquire(&l->dep, 0, NULL, LOCK_ACQ_TRY, file, line);
	return err;
}

static inline void rwlock_unlock_at(struct rwlock *l, const char *file,
				    int line)
{
	lock_release(&l->dep, file, line);
	pthread_rwlock_unlock(&l->rw);
}

# define mutex_lock(l)            mutex_lock_at(l, 0, NULL, __FILE__, __LINE__)
# define mutex_lock_nested(l, s)  mutex_lock_at(l, s, NULL, __FILE__, __LINE__)
# define mutex_lock_nest(l, n) \
	mutex_lock_at(l, 0, &(n)->dep, __FILE__, __LINE__)
# define mutex_trylock(l)         mutex_trylock_at(l, __FILE__, __LINE__)
# define mutex_unlock(l)          mutex_unlock_at(l, __FILE__, __LINE__)
# define rwlock_rdlock(l)         rwlock_rdlock_at(l, __FILE__, __LINE__)
# define rwlock_wrlock(l)         rwlock_wrlock_at(l, __FILE__, __LINE__)
# define rwlock_trywrlock(l)      rwlock_trywrlock_at(l, __FILE__, __LINE__)
# define rwlock_unlock(l)         rwlock_unlock_at(l, __FILE__, __LINE__)
/* The calling thread holds @l (a struct mutex or struct rwlock) */
# define lock_assert_held(l)      lock_check_held(&(l)->dep, __FILE__, __LINE__)
/* The calling thread holds the struct rwlock @l for writing */
# define lock_assert_held_write(l) \
	lock_check_held_write(&(l)->dep, __FILE__, __LINE__)
/* The calling thread holds no lock of @rank or inner: what @what (a
   string for the report) may take or wait for */
# define lock_assert_none_from(rank, what) \
	lock_check_held_below(rank, what, __FILE__, __LINE__)

#else /* !SCULLC_LOCK_CHECK */

static inline void mutex_lock(struct mutex *l)
{
	pthread_mutex_lock(&l->m);
}

static inline int mutex_trylock(struct mutex *l)
{
	return pthread_mutex_trylock(&l->m);
}

static inline void mutex_unlock(struct mutex *l)
{
	pthread_mutex_unlock(&l->m);
}

static inline void rwlock_rdlock(struct rwlock *l)
{
	pthread_rwlock_rdlock(&l->rw);
}

static inline void rwlock_wrlock(struct rwlock *l)
{
	pthread_rwlock_wrlock(&l->rw);
}

static inline int rwlock_trywrlock(struct rwlock *l)
{
	return pthread_rwlock_trywrlock(&l->rw);
}

static inline void rwlock_unlock(struct rwlock *l)
{
	pthread_rwlock_unlock(&l->rw);
}

# define mutex_lock_nested(l, s)  ((void)(s), mutex_lock(l))
# define mutex_lock_nest(l, n)    ((void)(n), mutex_lock(l))
# define lock_assert_held(l)      ((void)(l))
# define lock_assert_held_write(l) ((void)(l))
# define lock_assert_none_from(rank, what) ((void)(rank), (void)(what))

#endif /* SCULLC_LOCK_CHECK */

#endif /* SCULLC_LOCK_H */
