/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_kmalloc.c - kmalloc size classes, large blocks, krealloc and friends */

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "mm/internal.h"

static const unsigned int classes[] = {
	8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192,
};
#define NR_CLASSES (sizeof(classes) / sizeof(classes[0]))

static unsigned int smallest_class(size_t size)
{
	unsigned int i;

	for (i = 0; i < NR_CLASSES; i++)
		if (classes[i] >= size)
			return classes[i];
	return 0;
}

static void class_name(char *buf, size_t len, const char *prefix,
		       unsigned int size)
{
	if (size >= 1024)
		snprintf(buf, len, "%skmalloc-%uk", prefix, size / 1024);
	else
		snprintf(buf, len, "%skmalloc-%u", prefix, size);
}

/* The cache a kmalloc block came from, NULL for a large block. */
static struct kmem_cache *cache_of(const void *p)
{
	struct page *page = virt_to_head_page(p);

	ck_assert_ptr_nonnull(page);
	return (page->flags & PG_slab) ? page->slab_cache : NULL;
}

/* ------------------------------------------------------------ Core */

START_TEST(every_size_maps_to_the_smallest_kernel_class)
{
	char want[32];
	size_t size;

	for (size = 1; size <= KMALLOC_MAX_CACHE_SIZE; size++) {
		unsigned int cls = smallest_class(size);
		char *p = kmalloc(size, GFP_KERNEL);

		ck_assert_msg(p != NULL, "kmalloc(%zu) failed", size);
		ck_assert_msg(ksize(p) == cls, "ksize(kmalloc(%zu)) = %zu, want %u",
			      size, ksize(p), cls);
		class_name(want, sizeof(want), "", cls);
		ck_assert_str_eq(kmem_cache_name(cache_of(p)), want);
		p[0] = 1;
		p[size - 1] = 2;
		kfree(p);
	}
}
END_TEST

START_TEST(zero_size_is_zero_size_ptr_and_kfree_ignores_it)
{
	void *p = kmalloc(0, GFP_KERNEL);

	ck_assert_ptr_eq(p, ZERO_SIZE_PTR);
	ck_assert(ZERO_OR_NULL_PTR(p));
	ck_assert_uint_eq(ksize(p), 0);
	kfree(p);
	kfree(NULL);
	ck_assert_ptr_eq(kzalloc(0, GFP_KERNEL), ZERO_SIZE_PTR);
	ck_assert_ptr_eq(kcalloc(0, 8, GFP_KERNEL), ZERO_SIZE_PTR);
}
END_TEST

START_TEST(kzalloc_zeroes_small_and_large_blocks)
{
	static const size_t sizes[] = { 1, 100, 4000, 8192, 20000, 1 << 20 };
	unsigned int i;
	size_t j;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		/* dirty a block of the class first: it is likely reused */
		unsigned char *p = kmalloc(sizes[i], GFP_KERNEL);

		ck_assert_ptr_nonnull(p);
		memset(p, 0xa5, sizes[i]);
		kfree(p);
		p = kzalloc(sizes[i], GFP_KERNEL);
		ck_assert_ptr_nonnull(p);
		for (j = 0; j < sizes[i] && p[j] == 0; j++)
			;
		ck_assert_msg(j == sizes[i], "byte %zu of %zu not zero", j,
			      sizes[i]);
		kfree(p);
	}
}
END_TEST

static void fill(unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 7 + 3);
}

static void check_fill(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && p[i] == (unsigned char)(i * 7 + 3); i++)
		;
	ck_assert_msg(i == n, "byte %zu of %zu changed", i, n);
}

START_TEST(krealloc_grows_and_shrinks_keeping_data)
{
	static const size_t steps[] = {
		10, 16, 100, 5000, 20000, 3 << 20, 9000, 50, 7,
	};
	unsigned char *p = kmalloc(10, GFP_KERNEL), *q;
	size_t kept = 10;
	unsigned int i;

	ck_assert_ptr_nonnull(p);
	fill(p, 10);
	for (i = 1; i < sizeof(steps) / sizeof(steps[0]); i++) {
		size_t room = ksize(p);

		q = krealloc(p, steps[i], GFP_KERNEL);
		ck_assert_ptr_nonnull(q);
		if (steps[i] <= room)
			ck_assert_msg(q == p, "krealloc to %zu moved", steps[i]);
		kept = MIN(kept, steps[i]);
		check_fill(q, kept);
		ck_assert_uint_ge(ksize(q), steps[i]);
		fill(q, steps[i]);
		kept = steps[i];
		p = q;
	}
	ck_assert_ptr_eq(krealloc(p, 0, GFP_KERNEL), ZERO_SIZE_PTR);

	p = krealloc(NULL, 33, GFP_KERNEL);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(ksize(p), 64);
	kfree(p);
}
END_TEST

START_TEST(krealloc_failure_leaves_the_block_alone)
{
	unsigned char *p = kmalloc(100, GFP_KERNEL);

	fill(p, 100);
	errno = 0;
	ck_assert_ptr_null(krealloc(p, KMALLOC_MAX_SIZE + 1, GFP_KERNEL));
	ck_assert_int_eq(errno, ENOMEM);
	check_fill(p, 100);
	kfree(p);
}
END_TEST

START_TEST(kstrdup_copies_the_string)
{
	char *s = kstrdup("scullc quantum", GFP_KERNEL);

	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "scullc quantum");
	ck_assert_uint_eq(ksize(s), 16);
	kfree(s);
	s = kstrdup("", GFP_KERNEL);
	ck_assert_str_eq(s, "");
	kfree(s);
	ck_assert_ptr_null(kstrdup(NULL, GFP_KERNEL));
}
END_TEST

START_TEST(the_26_caches_exist_by_name)
{
	static const char *const prefix[] = { "", "dma-" };
	char name[32];
	unsigned int t, i;

	for (t = 0; t < 2; t++) {
		for (i = 0; i < NR_CLASSES; i++) {
			struct kmem_cache *s;
			struct kmem_cache_stats st;

			class_name(name, sizeof(name), prefix[t], classes[i]);
			s = kmem_cache_find(name);
			ck_assert_msg(s != NULL, "no cache %s", name);
			ck_assert_uint_eq(kmem_cache_size(s), classes[i]);
			ck_assert(!(s->flags & SLAB_HWCACHE_ALIGN));
			ck_assert_uint_eq(!!(s->flags & SLAB_CACHE_DMA), t);
			kmem_cache_get_stats(s, &st);
			/* not cache-line aligned: the slot is the class size */
			ck_assert_uint_eq(st.objsize, classes[i]);
		}
	}
	ck_assert_ptr_null(kmem_cache_find("kmalloc-16k"));
	ck_assert_ptr_null(kmem_cache_find("kmalloc-4"));
}
END_TEST

START_TEST(gfp_dma_uses_the_dma_caches)
{
	char want[32];
	struct scullc_meminfo before, after;
	void *big;
	size_t size;

	for (size = 1; size <= KMALLOC_MAX_CACHE_SIZE; size = size * 3 + 1) {
		void *p = kmalloc(size, GFP_KERNEL | __GFP_DMA);

		ck_assert_ptr_nonnull(p);
		class_name(want, sizeof(want), "dma-", smallest_class(size));
		ck_assert_str_eq(kmem_cache_name(cache_of(p)), want);
		kfree(p);
	}

	scullc_meminfo(&before);
	big = kmalloc(64 << 10, GFP_KERNEL | __GFP_DMA);
	ck_assert_ptr_nonnull(big);
	scullc_meminfo(&after);
	ck_assert_uint_ge(after.dma_used, before.dma_used + (64 << 10));
	kfree(big);
	scullc_meminfo(&after);
	ck_assert_uint_eq(after.dma_used, before.dma_used);
}
END_TEST

START_TEST(nomag_variants_bypass_the_magazines)
{
	struct kmem_cache *s = kmem_cache_find("kmalloc-256");
	struct kmem_cache_stats a, b;
	void *p;

	kmem_cache_get_stats(s, &a);
	p = kmalloc_nomag(200, GFP_KERNEL | __GFP_ZERO);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(ksize(p), 256);
	ck_assert_ptr_eq(cache_of(p), s);
	ck_assert_uint_eq(((unsigned char *)p)[199], 0);
	kmem_cache_get_stats(s, &b);
	ck_assert_uint_eq(b.alloc_fastpath, a.alloc_fastpath);
	kfree_nomag(p);
	kmem_cache_get_stats(s, &b);
	ck_assert_uint_eq(b.free_fastpath, a.free_fastpath);
}
END_TEST

/* The per-thread cache arrays the allocator kmallocs for itself */
static unsigned long internal_objs(void)
{
	static const char *const names[] = {
		"kmalloc-8", "kmalloc-16", "kmalloc-32", "kmalloc-64",
		"kmalloc-96", "kmalloc-128", "kmalloc-192", "kmalloc-256",
		"kmalloc-512", "kmalloc-1k", "kmalloc-2k", "kmalloc-4k",
		"kmalloc-8k",
	};
	struct kmem_cache_stats st;
	unsigned long n = 0;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		kmem_cache_get_stats(kmem_cache_find(names[i]), &st);
		ck_assert_uint_le(st.internal_objs, st.active_objs);
		n += st.internal_objs;
	}
	return n;
}

/* Uses @arg, a cache this thread has not used; returns how much the
   allocator's own objects grew meanwhile */
static void *use_a_new_cache(void *arg)
{
	unsigned long before = internal_objs();
	void *obj = kmem_cache_alloc(arg, GFP_KERNEL);

	ck_assert_ptr_nonnull(obj);
	kmem_cache_free(arg, obj);
	return (void *)(uintptr_t)(internal_objs() - before);
}

START_TEST(internal_objs_count_per_thread_caches_until_the_thread_exits)
{
	struct kmem_cache *c = kmem_cache_create("internal", 300, 0, 0, NULL);
	unsigned long before;
	pthread_t t;
	void *grew;

	ck_assert_ptr_nonnull(c);
	before = internal_objs();
	ck_assert_int_eq(pthread_create(&t, NULL, use_a_new_cache, c), 0);
	pthread_join(t, &grew);
	/* its array_cache and two magazines */
	ck_assert_uint_ge((uintptr_t)grew, 3);
	/* they went back when it exited: neither magazine was full, so the
	   depot kept none */
	ck_assert_uint_eq(internal_objs(), before);
	ck_assert_int_eq(kmem_cache_destroy(c), 0);
	ck_assert_uint_eq(internal_objs(), before);
}
END_TEST

/* ---------------------------------------------------------- Limits */

START_TEST(large_sizes_come_from_pages_and_free)
{
	static const size_t sizes[] = {
		KMALLOC_MAX_CACHE_SIZE + 1, 1 << 20, KMALLOC_MAX_SIZE,
	};
	struct scullc_meminfo before, during, after;
	unsigned int i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		unsigned char *p;
		struct page *page;
		size_t block;

		scullc_meminfo(&before);
		p = kmalloc(sizes[i], GFP_KERNEL);
		ck_assert_ptr_nonnull(p);
		page = virt_to_head_page(p);
		ck_assert(page->flags & PG_large);
		ck_assert_uint_eq(page->large_size, sizes[i]);
		block = PAGE_SIZE;
		while (block < sizes[i])
			block <<= 1;
		ck_assert_uint_eq(ksize(p), block);
		p[0] = 1;
		p[sizes[i] - 1] = 2;
		scullc_meminfo(&during);
		ck_assert_uint_eq(during.used, before.used + block);
		kfree(p);
		scullc_meminfo(&after);
		ck_assert_uint_eq(after.used, before.used);
	}
}
END_TEST

START_TEST(above_kmalloc_max_size_fails_with_enomem)
{
	errno = 0;
	ck_assert_ptr_null(kmalloc(KMALLOC_MAX_SIZE + 1, GFP_KERNEL));
	ck_assert_int_eq(errno, ENOMEM);
	errno = 0;
	ck_assert_ptr_null(kzalloc(SIZE_MAX, GFP_KERNEL));
	ck_assert_int_eq(errno, ENOMEM);
}
END_TEST

START_TEST(kcalloc_overflow_fails_with_enomem)
{
	unsigned int *v;
	unsigned int i;

	errno = 0;
	ck_assert_ptr_null(kcalloc(SIZE_MAX / 2, 3, GFP_KERNEL));
	ck_assert_int_eq(errno, ENOMEM);
	errno = 0;
	ck_assert_ptr_null(kmalloc_array((SIZE_MAX >> 4) + 1, 16, GFP_KERNEL));
	ck_assert_int_eq(errno, ENOMEM);

	v = kcalloc(100, sizeof(*v), GFP_KERNEL);
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(ksize(v), 512);
	for (i = 0; i < 100; i++)
		ck_assert_uint_eq(v[i], 0);
	kfree(v);
}
END_TEST

START_TEST(failslab_fails_large_kmalloc_too)
{
	struct failslab_attr a = {
		.interval = 1, .probability = 100, .times = 1,
	};
	void *p;

	ck_assert_int_eq(failslab_set(&a), 0);
	errno = 0;
	ck_assert_ptr_null(kmalloc(1 << 20, GFP_KERNEL));
	ck_assert_int_eq(errno, ENOMEM);
	p = kmalloc(1 << 20, GFP_KERNEL);   /* times was 1 */
	ck_assert_ptr_nonnull(p);
	kfree(p);
	failslab_set(NULL);
}
END_TEST

/* --------------------------------------------------------- Misuse */

START_TEST(kfree_of_a_foreign_pointer_is_reported_and_aborts)
{
	static char not_ours[64];

	kfree(not_ours);
}
END_TEST

START_TEST(kfree_inside_a_large_block_is_reported_and_ignored)
{
	struct scullc_meminfo before, after;
	char *p = kmalloc(100000, GFP_KERNEL);

	ck_assert_ptr_nonnull(p);
	slab_debug_set_panic(0);
	scullc_meminfo(&before);
	kfree(p + PAGE_SIZE);                   /* a tail page */
	kfree(p + 8);                           /* the head page, not its start */
	ck_assert_uint_eq(ksize(p + 8), 0);
	scullc_meminfo(&after);
	ck_assert_uint_eq(after.used, before.used);
	p[99999] = 1;                           /* still ours */
	kfree(p);
	slab_debug_set_panic(1);
}
END_TEST

static Suite *kmalloc_suite(void)
{
	Suite *s = suite_create("kmalloc");
	TCase *tc;

	tc = tcase_create("Core");
	tcase_add_test(tc, every_size_maps_to_the_smallest_kernel_class);
	tcase_add_test(tc, zero_size_is_zero_size_ptr_and_kfree_ignores_it);
	tcase_add_test(tc, kzalloc_zeroes_small_and_large_blocks);
	tcase_add_test(tc, krealloc_grows_and_shrinks_keeping_data);
	tcase_add_test(tc, krealloc_failure_leaves_the_block_alone);
	tcase_add_test(tc, kstrdup_copies_the_string);
	tcase_add_test(tc, the_26_caches_exist_by_name);
	tcase_add_test(tc, gfp_dma_uses_the_dma_caches);
	tcase_add_test(tc, nomag_variants_bypass_the_magazines);
	tcase_add_test(tc, internal_objs_count_per_thread_caches_until_the_thread_exits);
	suite_add_tcase(s, tc);

	tc = tcase_create("Limits");
	tcase_add_test(tc, large_sizes_come_from_pages_and_free);
	tcase_add_test(tc, above_kmalloc_max_size_fails_with_enomem);
	tcase_add_test(tc, kcalloc_overflow_fails_with_enomem);
	tcase_add_test(tc, failslab_fails_large_kmalloc_too);
	suite_add_tcase(s, tc);

	tc = tcase_create("Misuse");
	tcase_add_test_raise_signal(tc,
		kfree_of_a_foreign_pointer_is_reported_and_aborts, SIGABRT);
	tcase_add_test(tc, kfree_inside_a_large_block_is_reported_and_ignored);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(kmalloc_suite, 20)
