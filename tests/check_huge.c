/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_huge.c - chunks on transparent huge pages; trims in whole ones */

/*
 * With scullc_set_huge(SCULLC_HUGE_ALWAYS) a chunk is marked MADV_HUGEPAGE
 * before it is populated, and a trim gives memory back only in wholly
 * free 2 MiB units.  What the kernel did is read from /proc/self/smaps
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

#define HUGE            (2UL << 20)
#define HUGE_PAGES      (HUGE / PAGE_SIZE)

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

/*
 * Single pages fill some 2 MiB units wholly.  Of those, keep one page in
 * every other one and free the rest: after a trim a kept unit is as
 * resident as before (no page of it discarded, so its huge page is not
 * split) and a wholly freed one holds nothing.
 */
/* unit - the 2 MiB unit of @addr, numbered from @first; N or more when
   it is too far to count (chunks are usually mapped close together) */
static unsigned long unit(unsigned long addr, unsigned long first)
{
	return addr / HUGE - first;
}

START_TEST(a_trim_never_discards_part_of_a_unit_in_use)
{
	enum { N = 4 * CHUNK_PAGES };
	unsigned long *pages = calloc(N, sizeof(*pages));
	unsigned short *n = calloc(N, sizeof(*n));   /* our pages per unit */
	unsigned long first = ULONG_MAX, i, u, kept = 0, freed = 0;

	ck_assert_ptr_nonnull(pages);
	ck_assert_ptr_nonnull(n);
	ck_assert_int_eq(scullc_set_huge(SCULLC_HUGE_ALWAYS), 0);
	for (i = 0; i < N; i++) {
		pages[i] = __get_free_page(GFP_KERNEL);
		ck_assert_uint_ne(pages[i], 0);
		memset((void *)pages[i], 0x5c, PAGE_SIZE);
		first = MIN(first, pages[i] / HUGE);
	}
	for (i = 0; i < N; i++)
		if ((u = unit(pages[i], first)) < N)
			n[u]++;
	/* of the units wholly ours, the odd ones keep their first page */
	for (i = 0; i < N; i++) {
		u = unit(pages[i], first);
		if (u < N && n[u] == HUGE_PAGES && (u & 1) &&
		    pages[i] % HUGE == 0)
			continue;
		free_page(pages[i]);
		pages[i] = 0;
	}
	page_trim();
	for (u = 0; u < N; u++) {
		if (n[u] != HUGE_PAGES)
			continue;
		if (u & 1) {
			ck_assert_uint_eq(resident((first + u) * HUGE),
					  HUGE_PAGES);
			kept++;
		} else {
			ck_assert_uint_eq(resident((first + u) * HUGE), 0);
			freed++;
		}
	}
	ck_assert_msg(kept && freed, "%lu kept and %lu freed units: the "
		      "allocator did not hand out whole units", kept, freed);
	for (i = 0; i < N; i++)
		if (pages[i])
			free_page(pages[i]);
	free(n);
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
	tcase_add_test(tc, a_trim_never_discards_part_of_a_unit_in_use);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(huge_suite, 20)
