/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* geometry.c - slot layout, slab order and slot indices, as SLUB computes them */

/*
 * A slot is [left red zone][object][right red zone][free pointer]
 * [alloc track][free track][padding]; only the object is always there
 * (see the glossary in types.h).  The free pointer lives inside a free
 * object, at its middle word, unless a constructor or poisoning owns the
 * object's bytes, or a red zone is wanted on an object smaller than a
 * word: then it follows the object.  The slab order is the smallest from
 * get_order(min_objects * size) up to SLUB_MAX_ORDER that wastes at most
 * 1/16 of the slab, else 1/8, 1/4, 1/2, else the order of one object,
 * where min_objects = 4 * (fls(nr_cpus) + 1) as the kernel picks it.
 * These are the rules of calculate_sizes() and calculate_order() in the
 * kernel's mm/slub.c, so a cache here shows the objsize, objperslab and
 * pagesperslab a Linux 6.x kernel shows for it.
 */

#include "internal.h"

static unsigned int fls_u(unsigned int x)
{
	return x ? 32 - (unsigned int)__builtin_clz(x) : 0;
}

static unsigned int ilog2_u(unsigned int x)
{
	return fls_u(x) - 1;
}

static unsigned int order_objects(unsigned int order, unsigned int size)
{
	return (unsigned int)((PAGE_SIZE << order) / size);
}

static struct kmem_cache_order_objects oo_make(unsigned int order,
					       unsigned int size)
{
	struct kmem_cache_order_objects oo = {
		.order = order,
		.objects = MIN(order_objects(order, size), MAX_OBJS_PER_PAGE),
	};
	return oo;
}

static unsigned int calc_alignment(unsigned long flags, unsigned int align,
				   unsigned int size)
{
	if (flags & SLAB_HWCACHE_ALIGN) {
		unsigned int ralign = CACHE_LINE_SIZE;

		while (size <= ralign / 2)
			ralign /= 2;
		align = MAX(align, ralign);
	}
	align = MAX(align, (unsigned int)sizeof(void *));
	return ALIGN(align, (unsigned int)sizeof(void *));
}

/* The first order in [min_order, max_order] wasting at most 1/@fract */
static unsigned int calc_slab_order(unsigned int size, unsigned int min_order,
				    unsigned int max_order, unsigned int fract)
{
	unsigned int order;

	for (order = min_order; order <= max_order; order++) {
		unsigned long slab_size = PAGE_SIZE << order;

		if (slab_size % size <= slab_size / fract)
			break;
	}
	return order;
}

static int calc_order(unsigned int size)
{
	unsigned int nr_cpus = slab_nr_cpus ? slab_nr_cpus : 1;
	unsigned int min_objects = 4 * (fls_u(nr_cpus) + 1);
	unsigned int max_objects = MAX(order_objects(SLUB_MAX_ORDER, size), 1u);
	unsigned int min_order, order, fract;

	min_objects = MIN(min_objects, max_objects);
	min_order = get_order((size_t)min_objects * size);
	if (order_objects(min_order, size) > MAX_OBJS_PER_PAGE)
		return (int)get_order((size_t)size * MAX_OBJS_PER_PAGE) - 1;

	for (fract = 16; fract > 1; fract /= 2) {
		order = calc_slab_order(size, min_order, SLUB_MAX_ORDER, fract);
		if (order <= SLUB_MAX_ORDER)
			return (int)order;
	}
	order = get_order(size);
	return order <= MAX_PAGE_ORDER ? (int)order : -EINVAL;
}

int geo_calculate_sizes(struct kmem_cache *s)
{
	const unsigned int word = sizeof(void *);
	unsigned long flags = s->flags;
	size_t size;
	int order;

	s->align = calc_alignment(flags, s->align, s->object_size);
	size = ALIGN((size_t)s->object_size, word);

	if ((flags & SLAB_POISON) && !s->ctor)
		s->flags |= __OBJECT_POISON;
	else
		s->flags &= ~__OBJECT_POISON;

	/* A right red zone needs at least a word of slack after the object */
	if ((flags & SLAB_RED_ZONE) && size == s->object_size)
		size += word;
	s->inuse = (unsigned int)size;

	/*
	 * The free pointer goes after the object when the object's bytes
	 * are not ours while it is free (ctor, poison), or when the object
	 * is too small to hold it inside its red zones.
	 */
	if ((flags & SLAB_POISON) || s->ctor ||
	    ((flags & SLAB_RED_ZONE) && s->object_size < word)) {
		s->offset = (unsigned int)size;
		size += word;
	} else {
		s->offset = ALIGN_DOWN(s->object_size / 2, word);
	}

	if (flags & SLAB_STORE_USER)
		size += 2 * sizeof(struct track);

	s->red_left_pad = 0;
	if (flags & SLAB_RED_ZONE) {
		size += word;
		s->red_left_pad = ALIGN(word, s->align);
		size += s->red_left_pad;
	}

	size = ALIGN(size, (size_t)s->align);
	if (size > (PAGE_SIZE << MAX_PAGE_ORDER))
		return -EINVAL;
	s->size = (unsigned int)size;

	order = calc_order(s->size);
	if (order < 0)
		return -EINVAL;
	s->oo = oo_make((unsigned int)order, s->size);
	s->min = oo_make(get_order(s->size), s->size);
	if (!s->oo.objects || !s->min.objects)
		return -EINVAL;

	s->min_partial = MIN(ilog2_u(s->size) / 2, (unsigned int)MAX_PARTIAL);
	s->min_partial = MAX(s->min_partial, (unsigned int)MIN_PARTIAL);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Slot indices and the free-object map                                */

int geo_obj_index(const struct kmem_cache *s, const struct page *slab,
		  const void *p)
{
	const char *base = (const char *)page_address(slab) + s->red_left_pad;
	size_t off;

	if ((const char *)p < base)
		return -1;
	off = (size_t)((const char *)p - base);
	if (off % s->size || off / s->size >= slab->objects)
		return -1;
	return (int)(off / s->size);
}

/*
 * The one walk of a slab's free list (SLUB's get_map): bit i of @map is set
 * for each free slot i.  The walk stops at the first pointer that is not
 * one of @slab's slots, or that meets a slot a second time (a loop), and
 * leaves that pointer in *@bad; otherwise *@bad is NULL.  Whatever it
 * stops on, the bits of the objects met before stay set, and the number
 * of them is returned.  The caller holds list_lock, so the list is still.
 */
unsigned int geo_get_map(const struct kmem_cache *s, const struct page *slab,
			 unsigned long *map, unsigned short *order, void **bad)
{
	unsigned int n = 0;
	void *p;
	int i;

	lock_assert_held(&s->list_lock);
	for (i = 0; i < (int)SLAB_MAP_LONGS; i++)
		map[i] = 0;
	*bad = NULL;
	for (p = slab->freelist; p; p = get_freepointer(s, p)) {
		i = geo_obj_index(s, slab, p);
		if (i < 0 || geo_map_test(map, (unsigned int)i)) {
			*bad = p;
			break;
		}
		map[i / BITS_PER_LONG] |= 1UL << (i % BITS_PER_LONG);
		if (order)
			order[n] = (unsigned short)i;
		n++;
	}
	return n;
}
