/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* stats.c - what slabinfo, slab/ and the events files read of a cache */

/*
 * The read side of a cache: its sizes and name, slabinfo's figures
 * (kmem_cache_get_stats), what SLUB's sysfs directory shows
 * (kmem_cache_get_info) and SLUB's statistics counters
 * (kmem_cache_get_events, kmem_cache_clear_event).  Nothing here
 * allocates or changes a cache but a counter's base.
 *
 * Locks (their order: enum lock_rank, src/lock.h): the depot's lock, then
 * the cache's list_lock, for the figures an object moving between the two
 * must not be counted twice in; cache_mutex, outside both, for the walk
 * of the threads' magazines (mag_sum_hits) and the list of them.
 */

#include "internal.h"

#include <errno.h>
#include <string.h>

/** kmem_cache_size - the object size @s was created with */
SCULLC_API unsigned int kmem_cache_size(struct kmem_cache *s)
{
	return s->object_size;
}

/** kmem_cache_name - the name of @s */
SCULLC_API const char *kmem_cache_name(struct kmem_cache *s)
{
	return s->name;
}

/**
 * kmem_cache_get_stats - fill @st with what slabinfo shows of @s
 * Returns 0.  Never blocks for memory; may be called from a
 * cache_for_each callback.
 */
SCULLC_API int kmem_cache_get_stats(struct kmem_cache *s,
				    struct kmem_cache_stats *st)
{
	unsigned long ahit, fhit;

	memset(st, 0, sizeof(*st));
	/* Both locks: an object the depot drains is counted in one place */
	mutex_lock(s->depot.lock);
	mutex_lock(&s->list_lock);
	st->active_objs = s->total_objects - s->free_objects;
	st->num_objs = s->total_objects;
	st->active_slabs = s->nr_partial + s->nr_full;
	st->num_slabs = s->nr_partial + s->nr_full + s->nr_free;
	st->shared_avail = depot_objects(s);
	st->limit = s->limit;
	st->batchcount = s->batchcount;
	st->shared = s->shared;
	st->alloc_slowpath = s->stat[KMEM_ALLOC_SLOWPATH];
	st->free_slowpath = s->stat[KMEM_FREE_SLOWPATH];
	st->slabs_allocated = s->stat[KMEM_ALLOC_SLAB];
	st->slabs_freed = s->stat[KMEM_FREE_SLAB];
	st->shrinks = s->shrinks;
	st->alloc_failed = s->alloc_failed;
	st->internal_objs = s->internal_objs;
	mutex_unlock(&s->list_lock);
	mutex_unlock(s->depot.lock);

	st->objsize = s->size;
	st->object_size = s->object_size;
	st->objperslab = s->oo.objects;
	st->pagesperslab = 1u << s->oo.order;
	mag_sum_hits(s, &ahit, &fhit);
	st->alloc_fastpath = ahit;
	st->free_fastpath = fhit;
	return 0;
}

/**
 * kmem_cache_get_info - what SLUB's sysfs directory shows of @s
 * Fills the first @size bytes of @info.  Returns 0.  Never blocks for
 * memory; any thread.
 */
SCULLC_API int kmem_cache_get_info(struct kmem_cache *s,
				   struct kmem_cache_info *info, size_t size)
{
	struct kmem_cache_info in;
	struct list_head *pos;
	unsigned long inuse_partial = 0;

	memset(&in, 0, sizeof(in));
	strcpy(in.name, s->name);
	in.object_size = s->object_size;
	in.slab_size = s->size;
	in.red_left_pad = s->red_left_pad;
	in.min_partial = s->min_partial;
	in.aliases = 0;
	in.has_ctor = s->ctor != NULL;
	in.ctor = s->ctor;

	mutex_lock(&cache_mutex);
	list_for_each(pos, &s->thread_acs)
		in.cpu_slabs++;
	mutex_lock(&s->list_lock);
	/* geometry too: cache_apply_debug may still change it, under both */
	in.flags = s->flags & ~__OBJECT_POISON;
	if (atomic_load_explicit(&s->failslab, memory_order_relaxed))
		in.flags |= SLAB_FAILSLAB;
	in.align = s->align;
	in.objs_per_slab = s->oo.objects;
	in.order = s->oo.order;
	in.cpu_partial = s->limit;
	list_for_each(pos, &s->partial)
		inuse_partial += list_entry(pos, struct page, lru)->inuse;
	if (!(s->flags & SLAB_NO_REAP))
		list_for_each(pos, &s->free)
			in.reclaimable_pages +=
				1UL << list_entry(pos, struct page, lru)->order;
	in.pages = s->nr_pages;
	in.objects = s->total_objects - s->free_objects;
	in.objects_partial = inuse_partial;
	in.total_objects = s->total_objects;
	in.slabs = s->nr_partial + s->nr_full + s->nr_free;
	in.partial = s->nr_partial + s->nr_free;
	mutex_unlock(&s->list_lock);
	mutex_unlock(&cache_mutex);

	memcpy(info, &in, MIN(size, sizeof(in)));
	return 0;
}

static const char *const event_names[KMEM_NR_EVENTS] = {
	"alloc_fastpath", "alloc_slowpath", "free_fastpath", "free_slowpath",
	"free_frozen", "free_add_partial", "free_remove_partial",
	"alloc_from_partial", "alloc_slab", "alloc_refill",
	"alloc_node_mismatch", "free_slab", "cpuslab_flush",
	"deactivate_full", "deactivate_empty", "deactivate_to_head",
	"deactivate_to_tail", "deactivate_remote_frees", "deactivate_bypass",
	"order_fallback", "cmpxchg_double_cpu_fail", "cmpxchg_double_fail",
	"cpu_partial_alloc", "cpu_partial_free", "cpu_partial_node",
	"cpu_partial_drain",
};

/** kmem_cache_event_name - the sysfs name of counter @event, or NULL */
SCULLC_API const char *kmem_cache_event_name(unsigned int event)
{
	return event < KMEM_NR_EVENTS ? event_names[event] : NULL;
}

/*
 * Every counter since creation, unsubtracted: the slow path's from s->stat
 * (list_lock) and the depot's (its lock), the fast path's summed over the
 * magazines.  The fast path sums run under cache_mutex.
 */
static void raw_events(struct kmem_cache *s, unsigned long *ev)
{
	unsigned long ahit, fhit;

	mag_sum_hits(s, &ahit, &fhit);
	mutex_lock(&s->list_lock);
	memcpy(ev, s->stat, sizeof(s->stat));
	mutex_unlock(&s->list_lock);
	depot_add_events(s, ev);
	ev[KMEM_ALLOC_FASTPATH] = ahit;
	ev[KMEM_FREE_FASTPATH] = fhit;
}

/**
 * kmem_cache_get_events - the SLUB statistics counters of @s
 * Fills @ev[0 .. min(@nr, KMEM_NR_EVENTS)) with each counter since the
 * cache's creation or that counter's last clear, and returns how many.
 * Never blocks for memory; any thread.
 */
SCULLC_API int kmem_cache_get_events(struct kmem_cache *s, unsigned long *ev,
				     unsigned int nr)
{
	unsigned long raw[KMEM_NR_EVENTS];
	unsigned int i;

	nr = MIN(nr, (unsigned int)KMEM_NR_EVENTS);
	raw_events(s, raw);
	mutex_lock(&s->list_lock);
	for (i = 0; i < nr; i++)
		ev[i] = raw[i] - s->stat_base[i];
	mutex_unlock(&s->list_lock);
	return (int)nr;
}

/**
 * kmem_cache_clear_event - restart counter @event of @s from 0
 * The threads' own counters are never written by another thread: the
 * count at the clear is remembered and subtracted from later reads.  An
 * event counted while the clear runs may be lost, as with the kernel's
 * per-cpu counters.  Returns 0, or -EINVAL for an unknown @event.
 */
SCULLC_API int kmem_cache_clear_event(struct kmem_cache *s, unsigned int event)
{
	unsigned long raw[KMEM_NR_EVENTS];

	if (event >= KMEM_NR_EVENTS)
		return -EINVAL;
	raw_events(s, raw);
	mutex_lock(&s->list_lock);
	s->stat_base[event] = raw[event];
	mutex_unlock(&s->list_lock);
	return 0;
}

/* the scullc_ names of the functions above (libscullc(3), "Name clashes") */
SCULLC_ALIAS(kmem_cache_clear_event);
SCULLC_ALIAS(kmem_cache_event_name);
SCULLC_ALIAS(kmem_cache_get_events);
SCULLC_ALIAS(kmem_cache_get_info);
SCULLC_ALIAS(kmem_cache_get_stats);
SCULLC_ALIAS(kmem_cache_name);
SCULLC_ALIAS(kmem_cache_size);
