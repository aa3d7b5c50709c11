/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* report.h - report.c's corruption reports, for debug.c's checks */
#ifndef SCULLC_MM_REPORT_H
#define SCULLC_MM_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "mm/types.h"

/* Open a report (output.c's block, memcheck muted) and end it; the end
   aborts unless panicking is off. */
void report_begin(void);
void report_end(void);

/* Lines of an open report: INFO, FIX, a hex dump, one track, a slab's
   summary, everything about one object (SLUB's print_trailer). */
void report_info(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
void report_fix(const struct kmem_cache *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void report_section(const char *text, const uint8_t *addr, size_t len);
void report_track(const char *what, const struct track *t);
void report_slab(const struct page *slab);
void report_trailer(const struct kmem_cache *s, const struct page *slab,
		    uint8_t *object);

/* A whole report about @object (NULL: about @slab); @unfreed: the pointer
   a refused free leaves allocated, or NULL. */
void report_object(struct kmem_cache *s, const struct page *slab,
		   uint8_t *object, const void *unfreed, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* @s's name, or "<unknown>" for NULL */
const char *report_cache_name(const struct kmem_cache *s);

#endif
