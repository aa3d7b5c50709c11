/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_huge.c - chunks on transparent huge pages; trims in whole ones */

/*
 * With scullc_set_huge(SCULLC_HUGE_ALWAYS) a chunk is marked MADV_HUGEPAGE
 * before it is populated; a busy zone gives memory back only in wholly
 * free 2 MiB units, and a trim splits only units mostly free.  What the kernel did is read from /proc/self/smaps
 * (AnonHugePages of the chunk's mapping) and mincore() (resident pages of
 * a unit): both count pages, neither times anything.  Where the kernel
 * offers no huge pages (THP "never" or absent) the smaps case says so on
 * stderr and checks the alignment only.
 */

#include "mm/internal.h"
#include "unit.h"
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define HUGE            HUGE_SIZE       /* HUGE_PAGES pages: mm/internal.h */

static bool thp_offered(void)
{
	char buf[64] = "";
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");

	if (!f)
		return false;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return strchr(buf, '[') && !strstr(buf, "[never]");
}

/* AnonHugePages, in bytes, of the mapping of /proc/self/smaps that holds
   @addr; 0 when it has none */
static size_t anon_huge_at(unsigned long addr)
{
	unsigned long lo, hi, kib = 0;
	bool in = false, found = false;
	char line[512];
	FILE *f = fopen("/proc/self/smaps", "r");

	ck_assert_ptr_nonnull(f);
	while (!found && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2)
			in = lo <= addr && addr < hi;
		else if (in)
			found = sscanf(line, "AnonHugePages: %lu kB",
				       &kib) == 1;
	}
	fclose(f);
	return (size_t)kib * 1024;
}

/* Resident pages of the 2 MiB unit at @unit; 0 once it is unmapped */
static unsigned long resident(unsigned long unit)
{
	unsigned char vec[HUGE_PAGES];
	unsigned long i, n = 0;

	if (mincore((void *)unit, HUGE, vec))
		return 0;
	for (i = 0; i < HUGE_PAGES; i++)
		n += vec[i] & 1;
	return n;
}

START_TEST(the_modes_are_kept_and_others_refused)
{
	ck_assert_int_eq(scullc_get_huge(), SCULLC_HUGE_NEVER);
	ck_assert_int_eq(scullc_huge_pages(), 0);
	ck_assert_int_eq(scullc_set_huge(SCULLC_HUGE_ADVISE), 0);
	ck_assert_int_eq(scullc_huge_pages(), thp_offered());
	ck_assert_int_eq(scullc_set_huge(3), -EINVAL);
	ck_assert_int_eq(scullc_set_huge(-1), -EINVAL);
	ck_assert_int_eq(scullc_get_huge(), SCULLC_HUGE_ADVISE);
	ck_assert_int_eq(scullc_set_huge(SCULLC_HUGE_NEVER), 0);
	ck_assert_int_eq(scullc_huge_pages(), 0);
	ck_assert_int_eq(scullc_set_huge(SCULLC_HUGE_ALWAYS), 0);
	ck_assert_int_eq(scullc_get_huge(), SCULLC_HUGE_ALWAYS);
	ck_assert_int_eq(scullc_huge_pages(), 1);
}
END_TEST

START_TEST(a_huge_chunk_is_aligned_and_populated_with_huge_pages)
{
	unsigned long a;

	ck_assert_int_eq(scullc_set_huge(SCULLC_HUGE_ALWAYS), 0);
	page_trim();
	a = __get_free_pages(GFP_KERNEL, MAX_PAGE_ORDER);
	ck_assert_uint_ne(a, 0);
	ck_assert_uint_eq(a & (HUGE - 1), 0);
	if (!thp_offered()) {
		fprintf(stderr, "check_huge: THP is off or absent in this "
			"kernel: AnonHugePages not checked\n");
	} else {
		ck_assert_msg(anon_huge_at(a) > 0, "no AnonHugePages in the "
			      "mapping of a fresh huge chunk at %#lx", a);
	}
	free_pages(a, MAX_PAGE_ORDER);
}
END_TEST

/* Whether the mapping of /proc/self/smaps that holds @addr has @flag
   among its VmFlags ("hg": MADV_HUGEPAGE, "nh": MADV_NOHUGEPAGE) */
static bool vm_flag_at(unsigned long addr, const char *flag)
{
	unsigned long lo, hi;
	bool in = false, found = false, has = false;
	char line[512], *tok;
	FILE *f = fopen("/proc/self/smaps", "r");

	ck_assert_ptr_nonnull(f);
	while (!found && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2) {
			in = lo <= addr && addr < hi;
		} else if (in && strncmp(line, "VmFlags:", 8) == 0) {
			found = true;
			for (tok = strtok(line + 8, " \n"); tok;
			     tok = strtok(NULL, " \n"))
				has = has || strcmp(tok, flag) == 0;
		}
	}
	fclose(f);
	ck_assert_msg(found, "no mapping holds %#lx", addr);
	return has;
}

/*
 * take_units - with huge pages on and nothing cached, @count pages into
 * @pages, each written (so resident); @n[u] counts those in unit first +
 * u for u < @count.  Returns first, the lowest unit of any of them.
 */
static unsigned long take_units(unsigned long *pages, unsigned short *n,
				unsigned long count)
{
	unsigned long first = ULONG_MAX, i, u;

	ck_assert_int_eq(scullc_set_huge(SCULLC_HUGE_ALWAYS), 0);
	page_trim();
	for (i = 0; i < count; i++) {
		pages[i] = __get_free_page(GFP_KERNEL);
		ck_assert_uint_ne(pages[i], 0);
		memset((void *)pages[i], 0x5c, PAGE_SIZE);
		first = MIN(first, pages[i] / HUGE);
	}
	for (i = 0; i < count; i++)
		if ((u = pages[i] / HUGE - first) < count)
			n[u]++;
	return first;
}

/*
 * Single pages fill 8 chunks (32 MiB); some units keep pages and the rest
 * is freed.  Chunks are aligned, so units 2k and 2k + 1 share one.  What
 * each unit keeps, by its chunk:
 *   chunk % 3 == 0  nothing in the first unit, one page in the second;
 *   chunk % 3 == 1  half of the first unit, one page in the second;
 *   chunk % 3 == 2  nothing.
 * The frees pass the dirty bound (16 MiB), so the zone purges while busy:
 * that never splits a huge page, so every unit that keeps a page is still
 * wholly resident.  A trim (the mount gone idle) then gives back the free
 * part of each unit with a quarter or less in use, one page kept: resident
 * 1, and marked MADV_NOHUGEPAGE so that khugepaged does not fill it again;
 * a unit half in use keeps its huge page whole; a free unit holds nothing.
 * Once the last page of a split unit is freed, a trim discards the unit
 * whole and marks it MADV_HUGEPAGE again.
 */
enum keep { KEEP_NONE, KEEP_ONE, KEEP_HALF };

static enum keep keeps(unsigned long abs_unit)
{
	switch ((abs_unit / 2) % 3) {
	case 0:
		return abs_unit & 1 ? KEEP_ONE : KEEP_NONE;
	case 1:
		return abs_unit & 1 ? KEEP_ONE : KEEP_HALF;
	default:
		return KEEP_NONE;
	}
}

START_TEST(a_trim_splits_only_units_mostly_free)
{
	enum { N = 8 * CHUNK_PAGES };
	unsigned long *pages = calloc(N, sizeof(*pages));
	unsigned short *n = calloc(N, sizeof(*n));   /* our pages per unit */
	unsigned long first, i, u, off, seen[3] = { 0, 0, 0 };

	ck_assert_ptr_nonnull(pages);
	ck_assert_ptr_nonnull(n);
	first = take_units(pages, n, N);
	for (i = 0; i < N; i++) {
		u = pages[i] / HUGE - first;
		off = pages[i] % HUGE / PAGE_SIZE;
		if (u < N && n[u] == HUGE_PAGES &&
		    ((keeps(first + u) == KEEP_ONE && off == 0) ||
		     (keeps(first + u) == KEEP_HALF && off < HUGE_PAGES / 2)))
			continue;
		free_page(pages[i]);
		pages[i] = 0;
	}
	for (u = 0; u < N; u++)
		if (n[u] == HUGE_PAGES && keeps(first + u) != KEEP_NONE)
			ck_assert_uint_eq(resident((first + u) * HUGE),
					  HUGE_PAGES);
	page_trim();
	for (u = 0; u < N; u++) {
		unsigned long a = (first + u) * HUGE;

		if (n[u] != HUGE_PAGES)
			continue;
		seen[keeps(first + u)]++;
		switch (keeps(first + u)) {
		case KEEP_NONE:
			ck_assert_uint_eq(resident(a), 0);
			break;
		case KEEP_ONE:
			ck_assert_uint_eq(resident(a), 1);
			if (thp_offered())
				ck_assert(vm_flag_at(a, "nh"));
			break;
		case KEEP_HALF:
			ck_assert_uint_eq(resident(a), HUGE_PAGES);
			break;
		}
	}
	ck_assert_msg(seen[KEEP_NONE] && seen[KEEP_ONE] && seen[KEEP_HALF],
		      "units: %lu free, %lu with one page, %lu half used: "
		      "the allocator did not hand out whole units", seen[0],
		      seen[1], seen[2]);
	/* the split units' last pages go: they take huge pages again */
	for (i = 0; i < N; i++) {
		u = pages[i] / HUGE - first;
		if (pages[i] && keeps(first + u) == KEEP_ONE) {
			free_page(pages[i]);
			pages[i] = 0;
		}
	}
	page_trim();
	seen[KEEP_ONE] = 0;
	for (u = 0; u < N; u++) {
		unsigned long a = (first + u) * HUGE;

		if (n[u] != HUGE_PAGES || keeps(first + u) != KEEP_ONE ||
		    keeps((first + u) ^ 1) != KEEP_HALF)
			continue;
		seen[KEEP_ONE]++;
		ck_assert_uint_eq(resident(a), 0);
		if (thp_offered()) {
			ck_assert(vm_flag_at(a, "hg"));
			ck_assert(!vm_flag_at(a, "nh"));
		}
	}
	ck_assert_msg(seen[KEEP_ONE], "no split unit beside a half-used one");
	for (i = 0; i < N; i++)
		if (pages[i])
			free_page(pages[i]);
	free(n);
	free(pages);
}
END_TEST

/*
 * A unit discarded whole and then cut again for one page is faulted in
 * whole (one huge page) at that page's first touch: a trim must find the
 * rest of it resident and give it back.  Unit U is freed whole while its
 * buddy U ^ 1 keeps a page, so that their chunk stays mapped; after a
 * trim U is empty, then single pages are taken until one falls in U.
 */
START_TEST(a_unit_faulted_whole_again_is_split_again)
{
	enum { N = 2 * CHUNK_PAGES, MORE = 8 * CHUNK_PAGES };
	unsigned long *pages = calloc(N, sizeof(*pages));
	unsigned long *more = calloc(MORE, sizeof(*more));
	unsigned short *n = calloc(N, sizeof(*n));
	unsigned long first, i, u, target = ULONG_MAX, got = 0;

	ck_assert_ptr_nonnull(pages);
	ck_assert_ptr_nonnull(more);
	ck_assert_ptr_nonnull(n);
	first = take_units(pages, n, N);
	/* U: an even unit wholly ours whose odd buddy is wholly ours too */
	for (u = 0; u + 1 < N && target == ULONG_MAX; u++)
		if ((first + u) % 2 == 0 && n[u] == HUGE_PAGES &&
		    n[u + 1] == HUGE_PAGES)
			target = first + u;
	ck_assert_msg(target != ULONG_MAX, "no chunk wholly handed out");
	for (i = 0; i < N; i++) {
		if (pages[i] / HUGE == (target ^ 1) && pages[i] % HUGE == 0)
			continue;     /* the buddy's first page keeps the chunk */
		free_page(pages[i]);
		pages[i] = 0;
	}
	page_trim();
	ck_assert_uint_eq(resident(target * HUGE), 0);
	for (i = 0; i < MORE && !got; i++) {
		more[i] = __get_free_page(GFP_KERNEL);
		ck_assert_uint_ne(more[i], 0);
		if (more[i] / HUGE == target) {
			memset((void *)more[i], 0x5c, PAGE_SIZE);
			got = more[i];
		}
	}
	ck_assert_msg(got, "no page of the emptied unit in %d", MORE);
	for (i = 0; i < MORE; i++)
		if (more[i] && more[i] != got)
			free_page(more[i]);
	page_trim();
	ck_assert_uint_eq(resident(target * HUGE), 1);
	free_page(got);
	for (i = 0; i < N; i++)
		if (pages[i])
			free_page(pages[i]);
	free(n);
	free(more);
	free(pages);
}
END_TEST

static Suite *huge_suite(void)
{
	Suite *s = suite_create("huge");
	TCase *tc;

	tc = tcase_create("Huge");
	tcase_add_test(tc, the_modes_are_kept_and_others_refused);
	tcase_add_test(tc, a_huge_chunk_is_aligned_and_populated_with_huge_pages);
	tcase_add_test(tc, a_trim_splits_only_units_mostly_free);
	tcase_add_test(tc, a_unit_faulted_whole_again_is_split_again);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(huge_suite, 20)
