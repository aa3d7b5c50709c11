/* SPDX-License-Identifier: GPL-2.0-or-later */
/* formats.h - the kernel's text formats that the pseudo-files render */
#ifndef SCULLCFS_FORMATS_H
#define SCULLCFS_FORMATS_H

#include <stdbool.h>

#include <scullc/gfp.h>
#include <scullc/slab.h>

#include "sbuf.h"

/* What meminfo and vmstat show, in pages (fs/proc/meminfo.c,
   mm/vmstat.c): pseudo.c gathers it, formats.c prints it */
struct fmt_vm {
	unsigned long total;              /* MemTotal */
	unsigned long free;               /* MemFree, nr_free_pages */
	unsigned long available;          /* MemAvailable */
	unsigned long slab_reclaimable;   /* SReclaimable */
	unsigned long slab_unreclaimable; /* SUnreclaim */
	unsigned long pgalloc_dma, pgalloc_normal;
	unsigned long allocstall_dma, allocstall_normal;
	unsigned long pgfree;
};

/* "formats.c" - each fmt_ appends to @sb; none allocates or blocks */
void fmt_buddyinfo(struct sbuf *sb, const struct scullc_zone_free *zones,
		   int nr);
void fmt_nodes(struct sbuf *sb, unsigned long n);
void fmt_symbol(struct sbuf *sb, unsigned long addr);
void fmt_cpulist(struct sbuf *sb, unsigned long cpus);
void fmt_location(struct sbuf *sb, const struct kmem_cache_location *l,
		  long online_cpus);
void fmt_meminfo(struct sbuf *sb, const struct fmt_vm *vm);
void fmt_vmstat(struct sbuf *sb, const struct fmt_vm *vm);
void fmt_slabs_header(struct sbuf *sb, const struct kmem_cache_slabs *w);
void fmt_slab(struct sbuf *sb, const struct kmem_cache_slab *r);
void fmt_locations(struct sbuf *sb, struct kmem_cache_location *loc,
		   size_t n, long online_cpus, bool sort_by_count);

/* failslab's attributes, as the files of debug/failslab/ */
enum fault_attr_id {
	FA_PROBABILITY, FA_INTERVAL, FA_TIMES, FA_SPACE, FA_VERBOSE,
	FA_IGNORE_GFP_WAIT, FA_CACHE_FILTER,
};
void fmt_fault_attr(struct sbuf *sb, const struct failslab_attr *a,
		    unsigned long verbose, int cache_filter,
		    enum fault_attr_id id);
/* the kernel's kstrtoull (kstrtoll when @sign) and kstrtobool, on a
   write of @len bytes; 0 or -EINVAL */
int fmt_parse_number(const char *buf, size_t len, bool sign,
		     long long *out);
int fmt_parse_bool(const char *buf, size_t len, bool *out);

#endif /* SCULLCFS_FORMATS_H */
