/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* slot.h - the layout of a debug cache's slot, shared by debug.c's checks
   and report.c's reports (the picture is at the top of debug.c) */
#ifndef SCULLC_MM_SLOT_H
#define SCULLC_MM_SLOT_H

#include <string.h>

#include "mm/internal.h"

static inline uint8_t *slab_base(const struct page *slab)
{
	return page_address(slab);
}

static inline size_t slab_bytes(const struct page *slab)
{
	return PAGE_SIZE << slab->order;
}

/* Offset from the object of the padding after the tracks, and its end. */
static inline unsigned int pad_start(const struct kmem_cache *s)
{
	unsigned int off = slab_info_end(s);

	if (s->flags & SLAB_STORE_USER)
		off += 2 * sizeof(struct track);
	return off;
}

static inline unsigned int slot_end(const struct kmem_cache *s)
{
	return s->size - s->red_left_pad;
}

static inline struct track *track_of(const struct kmem_cache *s, uint8_t *object,
			      enum track_item item)
{
	return (struct track *)(object + slab_info_end(s)) + item;
}

/*
 * Copy @n bytes of a slot, whatever ASan thinks of them: reports and
 * tracks read red zones, free pointers and freed objects, which an ASan
 * build keeps poisoned (SLUB's metadata_access_enable() does this for
 * KASAN; memcheck is muted by report_begin instead, or told by expose).
 * Byte by byte through a volatile pointer, so that no memcpy call that
 * ASan intercepts takes its place.
 */
static inline __attribute__((no_sanitize_address))
void peek(void *dst, const void *src, size_t n)
{
	const volatile uint8_t *from = src;
	uint8_t *to = dst;

	while (n--)
		*to++ = *from++;
}

static inline struct track get_track(const struct kmem_cache *s, uint8_t *object,
			      enum track_item item)
{
	struct track t;

	peek(&t, track_of(s, object, item), sizeof(t));
	return t;
}

/* True when @p is the start of one of @slab's objects. */
static inline bool valid_object(const struct kmem_cache *s, const struct page *slab,
			 const void *p)
{
	return geo_obj_index(s, slab, p) >= 0;
}

#endif
