/* SPDX-License-Identifier: GPL-2.0-or-later */
/* at_limit.h - set the page allocator's limit to what is in use now */
#ifndef SCULLCFS_TESTS_AT_LIMIT_H
#define SCULLCFS_TESTS_AT_LIMIT_H

#include <check.h>

#include "mm/internal.h"

/*
 * limit_to_usage - the least limit whose usable part (limit - reserve) is
 * what is in use now, after page_trim: not a page more may be handed out
 * without reclaim.  scullc_set_limit(SIZE_MAX) undoes it.
 */
static inline void limit_to_usage(void)
{
	struct scullc_meminfo mi;
	size_t limit;

	page_trim();
	scullc_meminfo(&mi);
	for (limit = mi.used; ; limit += PAGE_SIZE) {
		ck_assert_int_eq(scullc_set_limit(limit), 0);
		scullc_meminfo(&mi);
		if (mi.limit - mi.reserve >= mi.used)
			break;
	}
}

#endif /* SCULLCFS_TESTS_AT_LIMIT_H */
