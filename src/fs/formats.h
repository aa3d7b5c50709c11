/* SPDX-License-Identifier: GPL-2.0-or-later */
/* formats.h - the kernel's text formats that the pseudo-files render */
#ifndef SCULLCFS_FORMATS_H
#define SCULLCFS_FORMATS_H

#include <scullc/gfp.h>
#include <scullc/slab.h>

#include "sbuf.h"

/* "formats.c" - each appends to @sb; none allocates or blocks */
void fmt_buddyinfo(struct sbuf *sb, const struct scullc_zone_free *zones,
		   int nr);
void fmt_nodes(struct sbuf *sb, unsigned long n);
void fmt_symbol(struct sbuf *sb, unsigned long addr);
void fmt_cpulist(struct sbuf *sb, unsigned long cpus);
void fmt_location(struct sbuf *sb, const struct kmem_cache_location *l,
		  long online_cpus);

#endif /* SCULLCFS_FORMATS_H */
