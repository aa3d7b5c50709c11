/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fastpath.h - the per-thread magazine fast path, inline */
#ifndef SCULLC_FASTPATH_H
#define SCULLC_FASTPATH_H

/*
 * What kmem_cache_alloc, kmem_cache_free and kfree run without a call: the
 * thread's magazines (magazine.c), the remote-drain handshake with reclaim
 * and the hit paths; anything else goes to cache.c's slow halves.
 */

#include "mm/types.h"

/*
 * This thread's magazines by cache id: set up and replaced by their owner
 * (under cache_mutex, as others may walk them), cleared by a destroy whose
 * caller guarantees nobody uses the cache; the owner reads them without a
 * lock.  The initial-exec model spares the shared library a
 * __tls_get_addr call on every fast path, and keeping it all in one block
 * costs the fast path one load of its offset (64 bytes of static TLS,
 * which glibc keeps even for dlopen).
 */
#define MAG_TLS __thread __attribute__((tls_model("initial-exec")))
struct mag_tls {
	struct mag_thread self;      /* the remote-drain handshake */
	unsigned int nr;             /* entries of slots */
	struct array_cache **slots;  /* magazines by cache id, or NULL */
	bool exited;                 /* thread_exit has run: no magazine
	                                again (see get_mag) */
};
extern MAG_TLS struct mag_tls mag_tls;

/*
 * The remote-drain handshake, an asymmetric Dekker: the owner stores busy
 * then loads claim; a reclaimer stores claim, then loads busy.  With both
 * in sequential consistency, at least one sees the other's store: the
 * owner sees claim set and keeps off its magazines, or the reclaimer sees
 * busy and leaves them alone.  The owner's side is on every fast path, so
 * it pays no fence: a relaxed store and a compiler barrier, and the
 * reclaimer's membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) between its
 * store and its load runs a full barrier on every CPU running a thread of
 * the process, which orders the owner's store before its load wherever
 * that thread stands.  ThreadSanitizer does not see that barrier, so its
 * builds make both sides seq_cst instead.  Leaving is a release store,
 * which orders the owner's use of its magazines before a reclaimer's
 * acquire load of busy == 0; a claim is dropped with a release store,
 * which orders the drain before the owner's acquire load of claim.
 */
#if defined(__SANITIZE_THREAD__)
# define MAG_TSAN 1
#elif defined(__has_feature)
# if __has_feature(thread_sanitizer)
#  define MAG_TSAN 1
# endif
#endif
#ifdef MAG_TSAN
# define MAG_STORE_ORDER memory_order_seq_cst
# define MAG_LOAD_ORDER  memory_order_seq_cst
#else
# define MAG_STORE_ORDER memory_order_relaxed   /* + the membarrier */
# define MAG_LOAD_ORDER  memory_order_acquire
#endif

/* Enter magazine code: true when this thread may use its magazines, false
   while a reclaimer holds its claim (then only the locked path is safe).
   Returns the depth to give mag_leave. */
static inline __attribute__((always_inline))
bool mag_enter(unsigned int *depth)
{
	unsigned int b = atomic_load_explicit(&mag_tls.self.busy,
					      memory_order_relaxed);

	*depth = b;
	atomic_store_explicit(&mag_tls.self.busy, b + 1, MAG_STORE_ORDER);
	atomic_signal_fence(memory_order_seq_cst);
	return likely(!atomic_load_explicit(&mag_tls.self.claim,
					    MAG_LOAD_ORDER));
}

static inline __attribute__((always_inline))
void mag_leave(unsigned int depth)
{
	atomic_store_explicit(&mag_tls.self.busy, depth, memory_order_release);
}

/*
 * s->gen: bumped by CACHE_GEN_STEP when tuning or reclaim wants every
 * thread to flush its magazine and set it up again; its low bit,
 * CACHE_GEN_SLOW, sends every allocation and free of the cache to the slow
 * path (debug caches; failslab on; running under valgrind).  A magazine's
 * gen never has that bit, so the fast path's one comparison of the two
 * tests both.
 */
#define CACHE_GEN_SLOW 1u
#define CACHE_GEN_STEP 2u

/* Owner-only counter that others read with relaxed atomic loads */
static inline void mag_count(unsigned long *counter)
{
	__atomic_store_n(counter, *counter + 1, __ATOMIC_RELAXED);
}

/* This thread's magazine of @s if the fast path may use it, else NULL */
static inline struct array_cache *mag_fast(struct kmem_cache *s)
{
	unsigned int id = s->id;
	struct array_cache *ac;

	if (unlikely(id >= mag_tls.nr))
		return NULL;
	ac = mag_tls.slots[id];
	/*
	 * Relaxed is enough: gen orders no data.  A bump only asks this
	 * thread to come to the slow path soon, and the slow path takes
	 * list_lock before it trusts anything; the slow bit is set before
	 * the cache is published (create) or while nobody allocates from it
	 * (cache_apply_debug), and failslab's is a hint the slow path
	 * re-checks.
	 */
	if (unlikely(!ac || ac->gen != atomic_load_explicit(&s->gen,
						memory_order_relaxed)))
		return NULL;
	return ac;
}

/*
 * The allocation hit path: pop the hottest object, or NULL (miss, stale
 * gen, slow cache).  The slot is cleared so that the magazine keeps no
 * copy of a pointer it has handed out: memcheck's leak search would count
 * such a copy as a reference and miss the leak.
 */
static inline void *mag_pop_fast(struct kmem_cache *s)
{
	struct array_cache *ac = mag_fast(s);
	void *obj;

	if (unlikely(!ac || !ac->avail))
		return NULL;
	mag_count(&ac->alloc_hit);
	obj = ac->entry[--ac->avail];
	ac->entry[ac->avail] = NULL;
	return obj;
}

/* The free hit path: push @obj, or false (full, stale gen, slow cache) */
static inline bool mag_push_fast(struct kmem_cache *s, void *obj)
{
	struct array_cache *ac = mag_fast(s);

	if (unlikely(!ac || ac->avail == ac->limit))
		return false;
	mag_count(&ac->free_hit);
	ac->entry[ac->avail++] = obj;
	return true;
}

/* What is not a magazine hit: debug, failslab, memcheck, refill, flush */
void *cache_alloc_slow(struct kmem_cache *s, gfp_t gfp, unsigned long caller);
void cache_free_slow(struct kmem_cache *s, void *obj, unsigned long caller);

/*
 * kmem_cache_alloc and kmem_cache_free, inline for cache.c's entry points
 * and kmalloc's: a magazine hit is one comparison of the magazine's gen
 * with the cache's (whose low bit sends debug caches, failslab and
 * memcheck to the slow path) and a pop or a push.  @caller is what a debug
 * cache records (SLAB_STORE_USER): the caller of kmem_cache_alloc or of
 * kmalloc, not the library in between.
 */
static inline __attribute__((always_inline))
void *cache_alloc(struct kmem_cache *s, gfp_t gfp, unsigned long caller)
{
	unsigned int depth;
	void *obj = NULL;

	if (likely(mag_enter(&depth)))
		obj = mag_pop_fast(s);
	mag_leave(depth);
	if (likely(obj)) {
		if (unlikely(gfp & __GFP_ZERO))
			__builtin_memset(obj, 0, s->object_size);
		return obj;
	}
	return cache_alloc_slow(s, gfp, caller);
}

static inline __attribute__((always_inline))
void cache_free(struct kmem_cache *s, void *obj, unsigned long caller)
{
	unsigned int depth;
	bool done = false;

	if (likely(mag_enter(&depth)))
		done = obj && mag_push_fast(s, obj);
	mag_leave(depth);
	if (likely(done))
		return;
	cache_free_slow(s, obj, caller);
}

#endif /* SCULLC_FASTPATH_H */
