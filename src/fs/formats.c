/* SPDX-License-Identifier: GPL-2.0-or-later */
/* formats.c - the kernel's text formats that the pseudo-files render */

/*
 * Pure functions from numbers to text, apart from the FUSE daemon, so
 * that tests/check_formats can hold each against an exact, fixed text:
 * /proc/buddyinfo's lines (mm/vmstat.c), and the sysfs attribute forms
 * of mm/slub.c - a count with its node breakdown, a caller line of
 * alloc_calls/free_calls, a symbol as %pS and a CPU list as %*pbl;
 * /proc/meminfo's lines (fs/proc/meminfo.c) and /proc/vmstat's
 * (mm/vmstat.c), those that are true of libscullc; and slab/<cache>/slabs,
 * which has no kernel counterpart (scullcfs-slabinfo(5) describes it);
 * and the fault-injection attributes of debugfs, and their parsers.
 */

#define _GNU_SOURCE
#include "fs/formats.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>

/**
 * fmt_buddyinfo - one line per zone: "Node 0, zone %8s " then each
 * order's free blocks as "%6lu ", as frag_show_print
 */
void fmt_buddyinfo(struct sbuf *sb, const struct scullc_zone_free *zones,
		   int nr)
{
	int z, order;

	for (z = 0; z < nr; z++) {
		sbuf_printf(sb, "Node 0, zone %8s ", zones[z].name);
		for (order = 0; order <= MAX_PAGE_ORDER; order++)
			sbuf_printf(sb, "%6lu ", zones[z].nr_free[order]);
		sbuf_printf(sb, "\n");
	}
}

/* fmt_nodes - @n, and " N0=@n" when not 0, as show_slab_objects */
void fmt_nodes(struct sbuf *sb, unsigned long n)
{
	sbuf_printf(sb, "%lu", n);
	if (n)
		sbuf_printf(sb, " N0=%lu", n);
	sbuf_printf(sb, "\n");
}

/*
 * fmt_symbol - @addr as %pS: "symbol+0xoff/0xsize" when a dynamic symbol
 * covers it; else "[file+0xoff]" within its executable or library (what
 * addr2line -e file takes: static functions have no dynamic symbol), or
 * the bare address
 */
void fmt_symbol(struct sbuf *sb, unsigned long addr)
{
	const ElfW(Sym) *sym = NULL;
	const char *base;
	Dl_info dl;

	if (!dladdr1((void *)addr, &dl, (void **)&sym, RTLD_DL_SYMENT)) {
		sbuf_printf(sb, "0x%lx", addr);
	} else if (dl.dli_sname && sym) {
		sbuf_printf(sb, "%s+0x%lx/0x%lx", dl.dli_sname,
			    addr - (unsigned long)dl.dli_saddr,
			    (unsigned long)sym->st_size);
	} else if (dl.dli_fname && dl.dli_fname[0]) {
		base = strrchr(dl.dli_fname, '/');
		sbuf_printf(sb, "[%s+0x%lx]", base ? base + 1 : dl.dli_fname,
			    addr - (unsigned long)dl.dli_fbase);
	} else {
		sbuf_printf(sb, "0x%lx", addr);
	}
}

/* fmt_cpulist - the bits of @cpus as ranges, "0-3,5", as %*pbl */
void fmt_cpulist(struct sbuf *sb, unsigned long cpus)
{
	const char *sep = "";
	unsigned int i = 0, j;

	while (i < 64) {
		if (!(cpus >> i & 1)) {
			i++;
			continue;
		}
		for (j = i; j + 1 < 64 && (cpus >> (j + 1) & 1); j++)
			;
		if (j > i)
			sbuf_printf(sb, "%s%u-%u", sep, i, j);
		else
			sbuf_printf(sb, "%s%u", sep, i);
		sep = ",";
		i = j + 1;
	}
}

/**
 * fmt_location - one line of alloc_calls or free_calls, as SLUB's
 * list_locations, or of alloc_traces or free_traces, as its
 * slab_debugfs_show (without a stack depot: the same line): count,
 * caller, ages (min/avg/max, or one when their sum is the minimum, as the
 * kernel tests it: one object, or all of age 0), thread ids (a range, or
 * one), and the CPUs when the machine has more than one
 */
void fmt_location(struct sbuf *sb, const struct kmem_cache_location *l,
		  long online_cpus)
{
	sbuf_printf(sb, "%7lu ", l->count);
	if (l->addr)
		fmt_symbol(sb, l->addr);
	else
		sbuf_printf(sb, "<not-available>");
	if (l->sum_age != l->min_age)
		sbuf_printf(sb, " age=%lu/%lu/%lu", l->min_age,
			    l->count ? l->sum_age / l->count : 0,
			    l->max_age);
	else
		sbuf_printf(sb, " age=%lu", l->min_age);
	if (l->min_pid != l->max_pid)
		sbuf_printf(sb, " pid=%d-%d", l->min_pid, l->max_pid);
	else
		sbuf_printf(sb, " pid=%d", l->min_pid);
	if (online_cpus > 1 && l->cpus) {
		sbuf_printf(sb, " cpus=");
		fmt_cpulist(sb, l->cpus);
	}
	sbuf_printf(sb, "\n");
}

/* One meminfo line: the name and colon in 16 columns, the size in kB in
   8, as show_val_kb */
static void meminfo_line(struct sbuf *sb, const char *name,
			 unsigned long pages)
{
	char label[32];

	snprintf(label, sizeof(label), "%s:", name);
	sbuf_printf(sb, "%-16s%8lu kB\n", label, pages << (PAGE_SHIFT - 10));
}

/**
 * fmt_meminfo - the lines of /proc/meminfo that are true here, in the
 * kernel's order (meminfo_proc_show)
 */
void fmt_meminfo(struct sbuf *sb, const struct fmt_vm *vm)
{
	meminfo_line(sb, "MemTotal", vm->total);
	meminfo_line(sb, "MemFree", vm->free);
	meminfo_line(sb, "MemAvailable", vm->available);
	meminfo_line(sb, "Slab", vm->slab_reclaimable + vm->slab_unreclaimable);
	meminfo_line(sb, "SReclaimable", vm->slab_reclaimable);
	meminfo_line(sb, "SUnreclaim", vm->slab_unreclaimable);
}

/**
 * fmt_vmstat - the counters of /proc/vmstat that libscullc keeps, as
 * "name value" lines in the kernel's order (vmstat_text): the zone
 * counter, the node counters, then the events
 */
void fmt_vmstat(struct sbuf *sb, const struct fmt_vm *vm)
{
	sbuf_printf(sb, "nr_free_pages %lu\n", vm->free);
	sbuf_printf(sb, "nr_slab_reclaimable %lu\n", vm->slab_reclaimable);
	sbuf_printf(sb, "nr_slab_unreclaimable %lu\n", vm->slab_unreclaimable);
	sbuf_printf(sb, "pgalloc_dma %lu\n", vm->pgalloc_dma);
	sbuf_printf(sb, "pgalloc_normal %lu\n", vm->pgalloc_normal);
	sbuf_printf(sb, "allocstall_dma %lu\n", vm->allocstall_dma);
	sbuf_printf(sb, "allocstall_normal %lu\n", vm->allocstall_normal);
	sbuf_printf(sb, "pgfree %lu\n", vm->pgfree);
}

/**
 * fmt_slabs_header - slab/<cache>/slabs' first two lines: how many slabs
 * the cache has and how many are not shown, how many magazines could not
 * be read; then what each column is
 */
void fmt_slabs_header(struct sbuf *sb, const struct kmem_cache_slabs *w)
{
	sbuf_printf(sb, "# slabs %lu, not shown %lu, magazines not seen %u\n",
		    w->slabs, w->slabs - (unsigned long)w->shown, w->unseen);
	sbuf_printf(sb, "%-18s %-7s %10s %s %s\n", "# address", "list",
		    "inuse/objs", "map", "free-list");
}

/* The free list as runs of consecutive slots: "5,0-3,7", "-" when empty */
static void freelist_runs(struct sbuf *sb, const unsigned short *fl,
			  unsigned int n)
{
	unsigned int i = 0, j;

	if (!n)
		sbuf_printf(sb, "-");
	while (i < n) {
		for (j = i; j + 1 < n && fl[j + 1] == fl[j] + 1; j++)
			;
		sbuf_printf(sb, i ? ",%u" : "%u", fl[i]);
		if (j > i)
			sbuf_printf(sb, "-%u", fl[j]);
		i = j + 1;
	}
}

/**
 * fmt_slab - one slab: address, list, objects off the free list of its
 * slots, the map of its slots by address, its free list in order
 */
void fmt_slab(struct sbuf *sb, const struct kmem_cache_slab *r)
{
	static const char *const lists[] = { "partial", "full", "empty" };
	sbuf_printf(sb, "0x%016lx %-7s %5u/%-4u %.*s ", r->addr,
		    (unsigned int)r->list < 3 ? lists[r->list] : "?",
		    r->inuse, r->objects, (int)r->objects, r->map);
	freelist_runs(sb, r->freelist, r->listed);
	sbuf_printf(sb, r->corrupt ? " corrupt\n" : "\n");
}

/* by_count - most objects first; equal counts by address, so that the
   order is one (the kernel's sort leaves it to its heap sort) */
static int by_count(const void *a, const void *b)
{
	const struct kmem_cache_location *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/**
 * fmt_locations - the @n locations @loc (as kmem_cache_get_locations
 * gives them, by address) one line each, or "No data" when there are
 * none: in that order for alloc_calls and free_calls, or, @sort_by_count,
 * sorted in place most objects first, as alloc_traces and free_traces
 */
void fmt_locations(struct sbuf *sb, struct kmem_cache_location *loc,
		   size_t n, long online_cpus, bool sort_by_count)
{
	size_t i;

	if (sort_by_count && n > 1)
		qsort(loc, n, sizeof(*loc), by_count);
	for (i = 0; i < n; i++)
		fmt_location(sb, &loc[i], online_cpus);
	if (n == 0)
		sbuf_printf(sb, "No data\n");
}

/**
 * fmt_fault_attr - failslab's attribute @id as the kernel's debugfs
 * shows it (lib/fault-inject.c): numbers as debugfs_create_ulong's
 * "%llu" or debugfs_create_atomic_t's "%lld", booleans as
 * debugfs_create_bool's "Y" or "N"; @a, @verbose and @cache_filter are
 * failslab's attributes
 */
void fmt_fault_attr(struct sbuf *sb, const struct failslab_attr *a,
		    unsigned long verbose, int cache_filter,
		    enum fault_attr_id id)
{
	switch (id) {
	case FA_PROBABILITY:
		sbuf_printf(sb, "%u\n", a->probability);
		break;
	case FA_INTERVAL:
		sbuf_printf(sb, "%lu\n", a->interval);
		break;
	case FA_TIMES:
		sbuf_printf(sb, "%ld\n", a->times);
		break;
	case FA_SPACE:
		sbuf_printf(sb, "%lu\n", a->space);
		break;
	case FA_VERBOSE:
		sbuf_printf(sb, "%lu\n", verbose);
		break;
	case FA_IGNORE_GFP_WAIT:
		sbuf_printf(sb, "%c\n", a->ignore_gfp_reclaim ? 'Y' : 'N');
		break;
	case FA_CACHE_FILTER:
		sbuf_printf(sb, "%c\n", cache_filter ? 'Y' : 'N');
		break;
	}
}

/*
 * fmt_parse_number - @buf[0..@len) as kstrtoull (or kstrtoll when
 * @sign) takes it: base 0, an optional '+' (or '-' when @sign), no white
 * space but one trailing newline.  0 or -EINVAL.
 */
int fmt_parse_number(const char *buf, size_t len, bool sign,
		     long long *out)
{
	char num[32], *end;
	bool neg = false;
	unsigned long long v;
	size_t i = 0;

	if (len && buf[len - 1] == '\n')
		len--;
	if (len >= sizeof(num))
		return -EINVAL;
	memcpy(num, buf, len);
	num[len] = '\0';
	if (num[i] == '+')
		i++;
	else if (sign && num[i] == '-')
		neg = true, i++;
	if (num[i] < '0' || num[i] > '9')    /* strtoull would skip space
						and take a sign */
		return -EINVAL;
	errno = 0;
	v = strtoull(num + i, &end, 0);
	if (errno || *end || v > (unsigned long long)LLONG_MAX + neg)
		return -EINVAL;
	*out = neg ? (long long)(0 - v) : (long long)v;
	return 0;
}

/* fmt_parse_bool - @buf as kstrtobool: y Y t T 1 / n N f F 0 by the
   first byte, "on" / "off" by the first two.  0 or -EINVAL. */
int fmt_parse_bool(const char *buf, size_t len, bool *out)
{
	if (!len)
		return -EINVAL;
	switch (buf[0]) {
	case 'y': case 'Y': case 't': case 'T': case '1':
		*out = true;
		return 0;
	case 'n': case 'N': case 'f': case 'F': case '0':
		*out = false;
		return 0;
	case 'o': case 'O':
		if (len < 2)
			return -EINVAL;
		if (buf[1] == 'n' || buf[1] == 'N')
			*out = true;
		else if (buf[1] == 'f' || buf[1] == 'F')
			*out = false;
		else
			return -EINVAL;
		return 0;
	}
	return -EINVAL;
}
