/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_formats.c - the kernel text formats of the pseudo-files, exactly */

/*
 * Each format is fed a fixed state and must give, byte for byte, what the
 * kernel prints for that state: /proc/buddyinfo's lines, and the sysfs
 * attribute forms of /sys/kernel/slab.  A last case renders buddyinfo of
 * libscullc's real page allocator after a known sequence of page
 * allocations in this fresh process.
 */

#include <stdio.h>
#include <string.h>

#include <scullc/gfp.h>

#include "unit.h"
#include "fs/formats.h"

static char buf[4096];
static struct sbuf sb;

static void reset(void)
{
	sb.buf = buf;
	sb.cap = sizeof(buf);
	sb.len = 0;
	buf[0] = '\0';
}

/* ------------------------------------------------------------ Buddyinfo */

START_TEST(buddyinfo_lines_are_the_kernels)
{
	struct scullc_zone_free z[2];
	int i;

	memset(z, 0, sizeof(z));
	strcpy(z[0].name, "DMA");
	strcpy(z[1].name, "Normal");
	for (i = 0; i <= MAX_PAGE_ORDER; i++)
		z[1].nr_free[i] = (unsigned long)i * 3;
	z[0].nr_free[MAX_PAGE_ORDER] = 1;
	z[1].nr_free[0] = 123456;
	reset();
	fmt_buddyinfo(&sb, z, 2);
	ck_assert_str_eq(buf,
		"Node 0, zone      DMA      0      0      0      0      0"
		"      0      0      0      0      0      1 \n"
		"Node 0, zone   Normal 123456      3      6      9     12"
		"     15     18     21     24     27     30 \n");
	ck_assert_uint_eq(sb.len, strlen(buf));
}
END_TEST

static unsigned long free_pages_of(const struct scullc_zone_free *z)
{
	unsigned long n = 0;
	int o;

	for (o = 0; o <= MAX_PAGE_ORDER; o++)
		n += z->nr_free[o] << o;
	return n;
}

START_TEST(buddyinfo_of_the_allocator_follows_its_pages)
{
	struct scullc_zone_free z[SCULLC_NR_ZONES];
	char before[1024];
	unsigned long p, q, had;
	int nr;

	/* map a chunk first, so that the order-0 page below splits a free
	   block rather than mapping one */
	p = __get_free_pages(GFP_KERNEL, 0);
	ck_assert_uint_ne(p, 0);
	nr = scullc_buddyinfo(z, SCULLC_NR_ZONES);
	ck_assert_int_eq(nr, SCULLC_NR_ZONES);
	ck_assert_str_eq(z[0].name, "DMA");
	ck_assert_str_eq(z[1].name, "Normal");
	reset();
	fmt_buddyinfo(&sb, z, nr);
	strcpy(before, buf);
	had = free_pages_of(&z[1]);

	/* one more page: one page fewer free in Normal, DMA untouched */
	q = __get_free_pages(GFP_KERNEL, 0);
	ck_assert_uint_ne(q, 0);
	nr = scullc_buddyinfo(z, SCULLC_NR_ZONES);
	ck_assert_uint_eq(free_pages_of(&z[1]), had - 1);
	reset();
	fmt_buddyinfo(&sb, z, nr);
	ck_assert_str_ne(buf, before);
	ck_assert_int_eq(strncmp(buf, before, strcspn(before, "\n")), 0);

	/* given back, the buddies merge: the text is the one before */
	free_pages(q, 0);
	nr = scullc_buddyinfo(z, SCULLC_NR_ZONES);
	reset();
	fmt_buddyinfo(&sb, z, nr);
	ck_assert_str_eq(buf, before);
	free_pages(p, 0);
}
END_TEST

/* ------------------------------------------------------------------ Sysfs */

START_TEST(node_counts_carry_n0_unless_zero)
{
	reset();
	fmt_nodes(&sb, 0);
	fmt_nodes(&sb, 254);
	ck_assert_str_eq(buf, "0\n254 N0=254\n");
}
END_TEST

START_TEST(cpu_lists_are_ranges)
{
	reset();
	fmt_cpulist(&sb, 0x1UL);
	sbuf_printf(&sb, "|");
	fmt_cpulist(&sb, 0x2fUL);
	sbuf_printf(&sb, "|");
	fmt_cpulist(&sb, 0x8000000000000005UL);
	ck_assert_str_eq(buf, "0|0-3,5|0,2,63");
}
END_TEST

START_TEST(locations_read_as_list_locations)
{
	struct kmem_cache_location l = {
		.addr = 0,
		.count = 1631,
		.min_age = 10, .max_age = 30, .sum_age = 1631 * 20,
		.min_pid = 7, .max_pid = 9,
		.cpus = 0x3,
	};

	reset();
	fmt_location(&sb, &l, 2);
	l.min_age = l.max_age = 5;
	l.min_pid = l.max_pid = 7;
	fmt_location(&sb, &l, 1);
	ck_assert_str_eq(buf,
		"   1631 <not-available> age=10/20/30 pid=7-9 cpus=0-1\n"
		"   1631 <not-available> age=5 pid=7\n");
}
END_TEST

/* check_formats_probe - a symbol of this program (linked -rdynamic) */
void check_formats_probe(void);
void check_formats_probe(void)
{
}

START_TEST(symbols_read_as_pS)
{
	char want[64];

	reset();
	fmt_symbol(&sb, (unsigned long)(void *)check_formats_probe);
	ck_assert_msg(!strncmp(buf, "check_formats_probe+0x0/0x", 26), "%s", buf);
	/* and an address no symbol covers as the address */
	reset();
	fmt_symbol(&sb, 0x1000UL);
	snprintf(want, sizeof(want), "0x%lx", 0x1000UL);
	ck_assert_str_eq(buf, want);
}
END_TEST

static Suite *formats_suite(void)
{
	Suite *s = suite_create("formats");
	TCase *buddy = tcase_create("Buddyinfo");
	TCase *sysfs = tcase_create("Sysfs");

	tcase_add_test(buddy, buddyinfo_lines_are_the_kernels);
	tcase_add_test(buddy, buddyinfo_of_the_allocator_follows_its_pages);
	suite_add_tcase(s, buddy);
	tcase_add_test(sysfs, node_counts_carry_n0_unless_zero);
	tcase_add_test(sysfs, cpu_lists_are_ranges);
	tcase_add_test(sysfs, locations_read_as_list_locations);
	tcase_add_test(sysfs, symbols_read_as_pS);
	suite_add_tcase(s, sysfs);
	return s;
}

UNIT_MAIN(formats_suite, 20)
