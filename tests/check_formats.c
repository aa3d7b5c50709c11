/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_formats.c - the kernel text formats of the pseudo-files, exactly */

/*
 * Each format is fed a fixed state and must give, byte for byte, what the
 * kernel prints for that state: /proc/buddyinfo's lines, the sysfs
 * attribute forms of /sys/kernel/slab, /proc/meminfo's and /proc/vmstat's
 * lines, slab/<cache>/slab_map's, and the debugfs files of
 * /sys/kernel/debug (slab's traces, failslab's attributes, and how the
 * latter parse a write).  A last case renders buddyinfo of
 * libscullc's real page allocator after a known sequence of page
 * allocations in this fresh process.
 */

#include <errno.h>
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
	/* one age unless the sum is the minimum, as the kernel tests it */
	l.min_age = l.max_age = 5;
	l.sum_age = 1631 * 5;
	l.min_pid = l.max_pid = 7;
	fmt_location(&sb, &l, 1);
	l.count = 1;
	l.sum_age = 5;
	fmt_location(&sb, &l, 1);
	ck_assert_str_eq(buf,
		"   1631 <not-available> age=10/20/30 pid=7-9 cpus=0-1\n"
		"   1631 <not-available> age=5/5/5 pid=7\n"
		"      1 <not-available> age=5 pid=7\n");
}
END_TEST

/* a fixed set of callers, by address as kmem_cache_get_locations gives
   them */
static void three_callers(struct kmem_cache_location *loc)
{
	static const struct kmem_cache_location fixed[3] = {
		{ .addr = 0x1000, .count = 2, .min_age = 0, .max_age = 0,
		  .sum_age = 0, .min_pid = 40, .max_pid = 41, .cpus = 0x1 },
		{ .addr = 0x2000, .count = 7, .min_age = 3, .max_age = 9,
		  .sum_age = 35, .min_pid = 42, .max_pid = 42, .cpus = 0x5 },
		{ .addr = 0x3000, .count = 2, .min_age = 8, .max_age = 8,
		  .sum_age = 16, .min_pid = 43, .max_pid = 43, .cpus = 0x2 },
	};

	memcpy(loc, fixed, sizeof(fixed));
}

START_TEST(calls_keep_address_order_and_traces_sort_by_count)
{
	struct kmem_cache_location loc[3];

	three_callers(loc);
	reset();
	fmt_locations(&sb, loc, 3, 4, false);           /* alloc_calls */
	/* (no symbol covers these addresses: %pS shows them bare) */
	ck_assert_str_eq(buf,
		"      2 0x1000 age=0 pid=40-41 cpus=0\n"
		"      7 0x2000 age=3/5/9 pid=42 cpus=0,2\n"
		"      2 0x3000 age=8/8/8 pid=43 cpus=1\n");
	reset();
	fmt_locations(&sb, loc, 3, 4, true);            /* alloc_traces */
	ck_assert_str_eq(buf,
		"      7 0x2000 age=3/5/9 pid=42 cpus=0,2\n"
		"      2 0x1000 age=0 pid=40-41 cpus=0\n"
		"      2 0x3000 age=8/8/8 pid=43 cpus=1\n");
	reset();
	fmt_locations(&sb, loc, 0, 4, true);
	ck_assert_str_eq(buf, "No data\n");
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

/* ---------------------------------------------------------- Meminfo */

static const struct fmt_vm fixed_vm = {
	.total = 16384,                       /* 64 MiB */
	.free = 16000,
	.available = 15800,
	.slab_reclaimable = 2,
	.slab_unreclaimable = 37,
	.pgalloc_dma = 0,
	.pgalloc_normal = 1234567,
	.allocstall_dma = 0,
	.allocstall_normal = 3,
	.pgfree = 1234000,
};

START_TEST(meminfo_lines_are_the_kernels)
{
	reset();
	fmt_meminfo(&sb, &fixed_vm);
	ck_assert_str_eq(buf,
		"MemTotal:          65536 kB\n"
		"MemFree:           64000 kB\n"
		"MemAvailable:      63200 kB\n"
		"Slab:                156 kB\n"
		"SReclaimable:          8 kB\n"
		"SUnreclaim:          148 kB\n");
}
END_TEST

START_TEST(meminfo_widens_past_eight_digits)
{
	struct fmt_vm vm = { .total = 1UL << 30 };   /* 4 TiB */

	reset();
	fmt_meminfo(&sb, &vm);
	ck_assert_int_eq(strncmp(buf, "MemTotal:       4294967296 kB\n"
				 "MemFree:               0 kB\n", 58), 0);
}
END_TEST

START_TEST(vmstat_lines_are_the_kernels)
{
	reset();
	fmt_vmstat(&sb, &fixed_vm);
	ck_assert_str_eq(buf,
		"nr_free_pages 16000\n"
		"nr_slab_reclaimable 2\n"
		"nr_slab_unreclaimable 37\n"
		"pgalloc_dma 0\n"
		"pgalloc_normal 1234567\n"
		"allocstall_dma 0\n"
		"allocstall_normal 3\n"
		"pgfree 1234000\n");
}
END_TEST

/* ------------------------------------------------------------- Slab map */

START_TEST(slab_map_lines_show_slots_and_free_list)
{
	char map1[8] = { '#', 'P', '.', '#', 'S', '.', '.', '#' };
	unsigned short fl1[3] = { 6, 2, 5 };
	char map2[8] = { '.', '.', '.', '.', '.', '.', '.', '.' };
	unsigned short fl2[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	char map3[4] = { '#', '#', '#', '#' };
	struct kmem_cache_slab r[3] = {
		{ .addr = 0x7f0000010000UL, .order = 3, .objects = 8,
		  .inuse = 5, .parked = 1, .shared = 1,
		  .list = KMEM_SLAB_PARTIAL, .map = map1, .freelist = fl1,
		  .listed = 3 },
		{ .addr = 0x7f0000018000UL, .order = 3, .objects = 8,
		  .inuse = 0, .list = KMEM_SLAB_EMPTY, .map = map2,
		  .freelist = fl2, .listed = 8 },
		{ .addr = 0x7f0000020000UL, .order = 2, .objects = 4,
		  .inuse = 4, .list = KMEM_SLAB_FULL, .map = map3,
		  .freelist = NULL, .listed = 0 },
	};
	struct kmem_cache_slabs w = { .slab = r, .nr = 3, .shown = 3,
				      .slabs = 5, .unseen = 1 };
	int i;

	reset();
	fmt_slabs_header(&sb, &w);
	for (i = 0; i < 3; i++)
		fmt_slab(&sb, &r[i]);
	ck_assert_str_eq(buf,
		"# slabs 5, not shown 2, magazines not seen 1\n"
		"# address          list    inuse/objs map free-list\n"
		"0x00007f0000010000 partial     5/8    #P.#S..# 6,2,5\n"
		"0x00007f0000018000 empty       0/8    ........ 0-7\n"
		"0x00007f0000020000 full        4/4    #### -\n");
}
END_TEST

START_TEST(slab_map_marks_a_corrupt_free_list)
{
	char map[4] = { '.', '#', '#', '#' };
	unsigned short fl[1] = { 0 };
	struct kmem_cache_slab r = {
		.addr = 0x1000, .objects = 4, .inuse = 2,
		.list = KMEM_SLAB_PARTIAL, .corrupt = 1, .map = map,
		.freelist = fl, .listed = 1,
	};

	reset();
	fmt_slab(&sb, &r);
	ck_assert_str_eq(buf,
		"0x0000000000001000 partial     2/4    .### 0 corrupt\n");
}
END_TEST

/* debug/failslab/: every attribute of a fixed set, as the kernel's */
START_TEST(failslab_attributes_read_as_debugfs)
{
	const struct failslab_attr a = {
		.interval = 3, .probability = 25, .times = -1, .space = 4096,
		.ignore_gfp_reclaim = 1,
	};
	const struct failslab_attr off = { .interval = 1 };
	int id;

	reset();
	for (id = FA_PROBABILITY; id <= FA_CACHE_FILTER; id++)
		fmt_fault_attr(&sb, &a, 2, 1, (enum fault_attr_id)id);
	ck_assert_str_eq(buf, "25\n3\n-1\n4096\n2\nY\nY\n");
	reset();
	for (id = FA_PROBABILITY; id <= FA_CACHE_FILTER; id++)
		fmt_fault_attr(&sb, &off, 0, 0, (enum fault_attr_id)id);
	ck_assert_str_eq(buf, "0\n1\n0\n0\n0\nN\nN\n");
}
END_TEST

/* writes as kstrtoull, kstrtoll and kstrtobool take them */
START_TEST(failslab_writes_parse_as_the_kernels)
{
	static const struct {
		const char *in;
		bool sign;
		int ret;
		long long v;
	} num[] = {
		{ "100", false, 0, 100 },   { "100\n", false, 0, 100 },
		{ "+7", false, 0, 7 },      { "0x10", false, 0, 16 },
		{ "010", false, 0, 8 },     { "0", false, 0, 0 },
		{ "-1", true, 0, -1 },      { "-1\n", true, 0, -1 },
		{ "-1", false, -EINVAL, 0 }, { "", false, -EINVAL, 0 },
		{ "\n", false, -EINVAL, 0 }, { " 1", false, -EINVAL, 0 },
		{ "1 ", false, -EINVAL, 0 }, { "1\n\n", false, -EINVAL, 0 },
		{ "0x", false, -EINVAL, 0 }, { "08", false, -EINVAL, 0 },
		{ "1x", false, -EINVAL, 0 }, { "--1", true, -EINVAL, 0 },
		{ "99999999999999999999", false, -EINVAL, 0 },
	};
	static const struct {
		const char *in;
		int ret;
		bool v;
	} bools[] = {
		{ "Y", 0, true },  { "y\n", 0, true }, { "1", 0, true },
		{ "yes", 0, true }, { "on", 0, true },  { "N", 0, false },
		{ "0\n", 0, false }, { "off", 0, false }, { "no", 0, false },
		{ "", -EINVAL, false }, { "o", -EINVAL, false },
		{ "2", -EINVAL, false }, { "x", -EINVAL, false },
		{ " Y", -EINVAL, false },
	};
	long long v;
	bool b;
	size_t i;

	for (i = 0; i < sizeof(num) / sizeof(num[0]); i++) {
		v = 0;
		ck_assert_msg(fmt_parse_number(num[i].in, strlen(num[i].in),
					       num[i].sign, &v) == num[i].ret &&
			      v == num[i].v, "\"%s\"", num[i].in);
	}
	for (i = 0; i < sizeof(bools) / sizeof(bools[0]); i++) {
		b = false;
		ck_assert_msg(fmt_parse_bool(bools[i].in, strlen(bools[i].in),
					     &b) == bools[i].ret &&
			      b == bools[i].v, "\"%s\"", bools[i].in);
	}
}
END_TEST

static Suite *formats_suite(void)
{
	Suite *s = suite_create("formats");
	TCase *buddy = tcase_create("Buddyinfo");
	TCase *sysfs = tcase_create("Sysfs");
	TCase *proc = tcase_create("Meminfo");
	TCase *map = tcase_create("SlabMap");
	TCase *debugfs = tcase_create("Debugfs");

	tcase_add_test(buddy, buddyinfo_lines_are_the_kernels);
	tcase_add_test(buddy, buddyinfo_of_the_allocator_follows_its_pages);
	suite_add_tcase(s, buddy);
	tcase_add_test(sysfs, node_counts_carry_n0_unless_zero);
	tcase_add_test(sysfs, cpu_lists_are_ranges);
	tcase_add_test(sysfs, locations_read_as_list_locations);
	tcase_add_test(sysfs, calls_keep_address_order_and_traces_sort_by_count);
	tcase_add_test(sysfs, symbols_read_as_pS);
	suite_add_tcase(s, sysfs);
	tcase_add_test(proc, meminfo_lines_are_the_kernels);
	tcase_add_test(proc, meminfo_widens_past_eight_digits);
	tcase_add_test(proc, vmstat_lines_are_the_kernels);
	suite_add_tcase(s, proc);
	tcase_add_test(map, slab_map_lines_show_slots_and_free_list);
	tcase_add_test(map, slab_map_marks_a_corrupt_free_list);
	suite_add_tcase(s, map);
	tcase_add_test(debugfs, failslab_attributes_read_as_debugfs);
	tcase_add_test(debugfs, failslab_writes_parse_as_the_kernels);
	suite_add_tcase(s, debugfs);
	return s;
}

UNIT_MAIN(formats_suite, 20)
