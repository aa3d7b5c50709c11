/* SPDX-License-Identifier: GPL-2.0-or-later */
/* formats.c - the kernel's text formats that the pseudo-files render */

/*
 * Pure functions from numbers to text, apart from the FUSE daemon, so
 * that tests/check_formats can hold each against an exact, fixed text:
 * /proc/buddyinfo's lines (mm/vmstat.c), and the sysfs attribute forms
 * of mm/slub.c - a count with its node breakdown, a caller line of
 * alloc_calls/free_calls, a symbol as %pS and a CPU list as %*pbl.
 */

#define _GNU_SOURCE
#include "fs/formats.h"

#include <dlfcn.h>
#include <link.h>
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
 * list_locations: count, caller, ages (min/avg/max, or one), thread ids
 * (a range, or one), and the CPUs when the machine has more than one
 */
void fmt_location(struct sbuf *sb, const struct kmem_cache_location *l,
		  long online_cpus)
{
	sbuf_printf(sb, "%7lu ", l->count);
	if (l->addr)
		fmt_symbol(sb, l->addr);
	else
		sbuf_printf(sb, "<not-available>");
	if (l->min_age != l->max_age)
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
