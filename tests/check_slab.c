/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_slab.c - kmem_cache: geometry, ctor/dtor, lists, limits, misuse */

/*
 * Every test runs with slab_nr_cpus fixed at 2, so SLUB's min_objects is
 * 4 * (fls(2) + 1) = 12 and the geometry below can be worked out by hand.
 * Caches are created with names unique to each test (Check forks each test,
 * but CK_FORK=no runs them in one process).
 */

#include "mm/internal.h"
#include "unit.h"

#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void setup(void)
{
	slab_nr_cpus = 2;
}

static struct kmem_cache_stats stats(struct kmem_cache *s)
{
	struct kmem_cache_stats st;

	ck_assert_int_eq(kmem_cache_get_stats(s, &st), 0);
	return st;
}

static size_t used_bytes(void)
{
	struct scullc_meminfo mi;

	scullc_meminfo(&mi);
	return mi.used;
}

/* ------------------------------------------------------------------ */
/* Geometry                                                            */

static void nop_ctor(void *p)
{
	(void)p;
}

struct geometry {
	const char *what;
	unsigned int object_size, align;
	unsigned long flags;
	bool ctor;
	unsigned int size, offset, objects, order, red_left_pad;
};

/*
 * With 12 objects wanted (2 cpus) and SLUB_MAX_ORDER 3 (8 pages, 32768
 * bytes): min_order = get_order(min(12, 32768 / size) * size), then the
 * first order up to 3 whose remainder is <= slab / 16 (then /8, /4, /2).
 */
static const struct geometry geometries[] = {
	/* 8: offset ALIGN_DOWN(4, 8) = 0; 4096 % 8 = 0 -> 512 objects */
	{ "8", 8, 0, 0, false, 8, 0, 512, 0, 0 },
	/* 24: offset ALIGN_DOWN(12, 8) = 8; 4096 % 24 = 16 <= 256 */
	{ "24", 24, 0, 0, false, 24, 8, 170, 0, 0 },
	/* 96: offset 48; 4096 - 42 * 96 = 64 <= 256 */
	{ "96", 96, 0, 0, false, 96, 48, 42, 0, 0 },
	/* 100: ALIGN(100, 8) = 104, offset ALIGN_DOWN(50, 8) = 48;
	   4096 - 39 * 104 = 40 */
	{ "100", 100, 0, 0, false, 104, 48, 39, 0, 0 },
	/* 192: offset 96; 4096 - 21 * 192 = 64 */
	{ "192", 192, 0, 0, false, 192, 96, 21, 0, 0 },
	/* 256: offset 128; no remainder */
	{ "256", 256, 0, 0, false, 256, 128, 16, 0, 0 },
	/* 1000: offset 496; min_order = get_order(12 * 1000) = 2;
	   16384 % 1000 = 384 <= 1024 -> 16 objects in 4 pages */
	{ "1000", 1000, 0, 0, false, 1000, 496, 16, 2, 0 },
	/* scullc: 4000 > 32 keeps hwcache align 64 -> 4032, offset 2000;
	   32768 / 4032 = 8 objects, get_order(8 * 4032) = 3;
	   32768 - 8 * 4032 = 512 <= 2048 */
	{ "4000 hwcache", 4000, 0, SLAB_HWCACHE_ALIGN, false,
	  4032, 2000, 8, 3, 0 },
	/* 4096: 8 objects, get_order(32768) = 3, no remainder */
	{ "4096", 4096, 0, 0, false, 4096, 2048, 8, 3, 0 },
	/* 8192: 4 objects, get_order(32768) = 3 */
	{ "8192", 8192, 0, 0, false, 8192, 4096, 4, 3, 0 },
	/* 50000: no object fits order 3, so every fraction fails and the
	   order is get_order(50000) = 4 with one object */
	{ "50000", 50000, 0, 0, false, 50000, 25000, 1, 4, 0 },
	/* 20 hwcache: 64 -> 32 (20 <= 32), not 16; ALIGN(24, 32) = 32 */
	{ "20 hwcache", 20, 0, SLAB_HWCACHE_ALIGN, false, 32, 8, 128, 0, 0 },
	/* ctor: free pointer after the object, offset 24, size 32 */
	{ "24 ctor", 24, 0, 0, true, 32, 24, 128, 0, 0 },
	/* Z+P 24: +8 right red zone (size == object_size) -> inuse 32;
	   poison moves the free pointer to 32 -> 40; +8 red zone word
	   -> 48; left pad ALIGN(8, 8) = 8 -> 56; 4096 - 73 * 56 = 8 */
	{ "24 ZP", 24, 0, SLAB_RED_ZONE | SLAB_POISON, false,
	  56, 32, 73, 0, 8 },
	/* FZPU 100: 104 (no extra word: 104 != 100); fp at 104 -> 112;
	   2 tracks (2 * 24) -> 160; red zone word -> 168; left pad 8
	   -> 176; 4096 - 23 * 176 = 48 */
	{ "100 FZPU", 100, 0, SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE |
	  SLAB_POISON | SLAB_STORE_USER, false, 176, 104, 23, 0, 8 },
	/* U 64: free pointer inside at 32; 64 + 48 = 112;
	   4096 - 36 * 112 = 64 */
	{ "64 U", 64, 0, SLAB_STORE_USER, false, 112, 32, 36, 0, 0 },
	/* Z 4: object smaller than a word: 8, fp outside at 8 -> 16,
	   word -> 24, left pad 8 -> 32 */
	{ "4 Z", 4, 0, SLAB_RED_ZONE, false, 32, 8, 128, 0, 8 },
	/* align 128: ALIGN(104, 128) = 128, 32 objects */
	{ "100 align 128", 100, 128, 0, false, 128, 48, 32, 0, 0 },
	/* align 128 + Z: 104 + 8 = 112; left pad ALIGN(8, 128) = 128
	   -> 240; ALIGN(240, 128) = 256 */
	{ "100 align 128 Z", 100, 128, SLAB_RED_ZONE, false,
	  256, 48, 16, 0, 128 },
};

START_TEST(geometry_follows_slub)
{
	const struct geometry *g = &geometries[_i];
	struct kmem_cache s;

	memset(&s, 0, sizeof(s));
	s.object_size = g->object_size;
	s.align = g->align;
	s.flags = g->flags;
	s.ctor = g->ctor ? nop_ctor : NULL;
	ck_assert_int_eq(geo_calculate_sizes(&s), 0);
	ck_assert_msg(s.size == g->size && s.offset == g->offset &&
		      s.oo.objects == g->objects && s.oo.order == g->order &&
		      s.red_left_pad == g->red_left_pad,
		      "%s: size %u offset %u objects %u order %u left pad %u",
		      g->what, s.size, s.offset, s.oo.objects, s.oo.order,
		      s.red_left_pad);
	ck_assert_uint_eq(s.min.objects, (PAGE_SIZE << s.min.order) / s.size);
	ck_assert_uint_ge(s.min_partial, MIN_PARTIAL);
	ck_assert_uint_le(s.min_partial, MAX_PARTIAL);
}
END_TEST

START_TEST(scullc_cache_matches_kernel_slabinfo_line)
{
	struct kmem_cache *s = kmem_cache_create("scullc-geo", 4000, 0,
						 SLAB_HWCACHE_ALIGN, NULL);
	struct kmem_cache_stats st;

	ck_assert_ptr_nonnull(s);
	st = stats(s);
	ck_assert_uint_eq(st.objsize, 4032);
	ck_assert_uint_eq(st.objperslab, 8);
	ck_assert_uint_eq(st.pagesperslab, 8);
	ck_assert_uint_eq(st.object_size, 4000);
	ck_assert_uint_eq(kmem_cache_size(s), 4000);
	ck_assert_str_eq(kmem_cache_name(s), "scullc-geo");
	ck_assert_ptr_eq(kmem_cache_find("scullc-geo"), s);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
	ck_assert_ptr_null(kmem_cache_find("scullc-geo"));
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Core                                                                */

static _Atomic unsigned long ctor_calls, dtor_calls;

#define MAGIC 0x5c0117c0ffeeULL

static void count_ctor(void *p)
{
	*(uint64_t *)p = MAGIC;
	ctor_calls++;
}

static void count_dtor(void *p)
{
	ck_assert_uint_eq(*(uint64_t *)p, MAGIC);
	dtor_calls++;
}

START_TEST(ctor_runs_once_per_object_when_slab_is_populated)
{
	struct kmem_cache *s = kmem_cache_create("ctor-once", 64, 0, 0,
						 count_ctor);
	uint64_t *p;
	int i;

	ck_assert_ptr_nonnull(s);
	ctor_calls = 0;
	p = kmem_cache_alloc(s, GFP_KERNEL);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(*p, MAGIC);
	/* the whole first slab was constructed, and nothing more */
	ck_assert_uint_eq(ctor_calls, s->oo.objects);
	kmem_cache_free(s, p);
	for (i = 0; i < 1000; i++) {
		p = kmem_cache_alloc(s, GFP_KERNEL);
		ck_assert_uint_eq(*p, MAGIC);   /* freed objects stay built */
		kmem_cache_free(s, p);
	}
	ck_assert_uint_eq(ctor_calls, s->oo.objects);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

START_TEST(dtor_runs_on_every_object_when_slab_is_released)
{
	struct kmem_cache *s = kmem_cache_create_dtor("dtor-release", 64, 0, 0,
						      count_ctor, count_dtor);
	struct kmem_cache_stats st;
	void *v[300];
	int i;

	ck_assert_ptr_nonnull(s);
	ctor_calls = dtor_calls = 0;
	for (i = 0; i < 300; i++)
		ck_assert_ptr_nonnull(v[i] = kmem_cache_alloc(s, GFP_KERNEL));
	ck_assert_uint_eq(dtor_calls, 0);
	for (i = 0; i < 300; i++)
		kmem_cache_free(s, v[i]);
	ck_assert_int_eq(kmem_cache_shrink(s), 0);
	st = stats(s);
	ck_assert_uint_eq(st.num_slabs, 0);
	ck_assert_uint_eq(dtor_calls, st.slabs_freed * s->oo.objects);
	ck_assert_uint_eq(dtor_calls, ctor_calls);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

START_TEST(zalloc_zeroes_the_object)
{
	struct kmem_cache *s = kmem_cache_create("zalloc", 200, 0, 0, NULL);
	unsigned char *p;
	int i, j;

	ck_assert_ptr_nonnull(s);
	for (i = 0; i < 50; i++) {
		p = kmem_cache_alloc(s, GFP_KERNEL);
		memset(p, 0xab, 200);
		kmem_cache_free(s, p);
		p = i % 2 ? kmem_cache_zalloc(s, GFP_KERNEL)
			  : kmem_cache_alloc(s, GFP_KERNEL | __GFP_ZERO);
		ck_assert_ptr_nonnull(p);
		for (j = 0; j < 200; j++)
			ck_assert_uint_eq(p[j], 0);
		kmem_cache_free(s, p);
	}
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

START_TEST(shrink_releases_empty_slabs_and_their_pages)
{
	struct kmem_cache *s = kmem_cache_create("shrink", 4000, 0,
						 SLAB_HWCACHE_ALIGN, NULL);
	size_t before;
	void *v[400];
	int i;

	ck_assert_ptr_nonnull(s);
	/* the magazine and depot arrays (kmalloc) stay: count from them */
	kmem_cache_free(s, kmem_cache_alloc(s, GFP_KERNEL));
	ck_assert_int_eq(kmem_cache_shrink(s), 0);
	before = used_bytes();
	for (i = 0; i < 400; i++)
		ck_assert_ptr_nonnull(v[i] = kmem_cache_alloc(s, GFP_KERNEL));
	ck_assert_uint_ge(used_bytes(), before + 400 * 4032);
	ck_assert_uint_eq(stats(s).active_objs, 400);
	ck_assert_int_eq(kmem_cache_shrink(s), 1);   /* all in use */
	for (i = 0; i < 400; i++)
		kmem_cache_free(s, v[i]);
	ck_assert_int_eq(kmem_cache_validate(s), 0);
	ck_assert_int_eq(kmem_cache_shrink(s), 0);
	ck_assert_uint_eq(stats(s).num_slabs, 0);
	ck_assert_uint_eq(stats(s).active_objs, 0);
	ck_assert_uint_le(used_bytes(), before);
	/* and the pages go back to the operating system, not kept */
	ck_assert_uint_eq(page_dirty_bytes(), 0);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

START_TEST(scullc_purge_gives_back_every_cache_s_free_memory)
{
	struct kmem_cache *s = kmem_cache_create("purge", 4000, 0,
						 SLAB_HWCACHE_ALIGN, NULL);
	void *v[400];
	int i;

	ck_assert_ptr_nonnull(s);
	for (i = 0; i < 400; i++)
		ck_assert_ptr_nonnull(v[i] = kmem_cache_alloc(s, GFP_KERNEL));
	for (i = 0; i < 400; i++)
		kmem_cache_free(s, v[i]);
	/* Freed objects sit in the magazine, the depot and empty slabs,
	   their pages kept resident for reuse ... */
	ck_assert_uint_gt(stats(s).num_slabs, 0);
	ck_assert_uint_ge(scullc_purge(), 400 * 4032 - 64 * 4096);
	/* ... until a purge gives all of it back */
	ck_assert_uint_eq(stats(s).num_slabs, 0);
	ck_assert_uint_eq(page_dirty_bytes(), 0);
	ck_assert_uint_eq(scullc_purge(), 0);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

START_TEST(free_keeps_at_most_min_partial_empty_slabs)
{
	struct kmem_cache *s = kmem_cache_create("min-partial", 4000, 0,
						 SLAB_HWCACHE_ALIGN, NULL);
	struct kmem_cache_stats st;
	void *v[400];
	int i;

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(kmem_cache_tune(s, 1, 1, 0), 0);  /* no caching */
	for (i = 0; i < 400; i++)
		ck_assert_ptr_nonnull(v[i] = kmem_cache_alloc(s, GFP_KERNEL));
	for (i = 0; i < 400; i++)
		kmem_cache_free(s, v[i]);
	st = stats(s);
	/* ilog2(4032) / 2 = 5 = MIN_PARTIAL; the last two objects may sit
	   in the thread's two magazines of one, keeping two more slabs
	   partial */
	ck_assert_uint_le(st.num_slabs - st.active_slabs, s->min_partial);
	ck_assert_uint_le(st.active_objs, 2);
	ck_assert_uint_ge(st.slabs_freed, 50 - s->min_partial - 2);
	ck_assert_int_eq(kmem_cache_validate(s), 0);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

START_TEST(validate_finds_a_busy_cache_sound)
{
	struct kmem_cache *s = kmem_cache_create("validate", 96, 0, 0, NULL);
	void *v[1000];
	int i;

	ck_assert_ptr_nonnull(s);
	for (i = 0; i < 1000; i++)
		v[i] = kmem_cache_alloc(s, GFP_KERNEL);
	for (i = 0; i < 1000; i += 3)
		kmem_cache_free(s, v[i]);
	ck_assert_int_eq(kmem_cache_validate(s), 0);
	for (i = 0; i < 1000; i++)
		if (i % 3)
			kmem_cache_free(s, v[i]);
	ck_assert_int_eq(kmem_cache_validate(s), 0);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

START_TEST(destroy_with_live_objects_fails_and_lists_them)
{
	struct kmem_cache *s = kmem_cache_create("leaky", 128, 0, 0, NULL);
	void *a, *b;

	ck_assert_ptr_nonnull(s);
	a = kmem_cache_alloc(s, GFP_KERNEL);
	b = kmem_cache_alloc(s, GFP_KERNEL);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(kmem_cache_destroy(s), -EBUSY);
	ck_assert_ptr_eq(kmem_cache_find("leaky"), s);
	ck_assert_uint_eq(stats(s).active_objs, 2);
	kmem_cache_free(s, a);
	ck_assert_int_eq(kmem_cache_destroy(s), -EBUSY);
	kmem_cache_free(s, b);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
	ck_assert_ptr_null(kmem_cache_find("leaky"));
	ck_assert_int_eq(kmem_cache_destroy(NULL), 0);
}
END_TEST

START_TEST(destroyed_name_and_id_are_reused)
{
	struct kmem_cache *s = kmem_cache_create("reuse", 64, 0, 0, NULL);
	unsigned int id;
	void *p;

	ck_assert_ptr_nonnull(s);
	id = s->id;
	p = kmem_cache_alloc(s, GFP_KERNEL);   /* sets up a magazine */
	kmem_cache_free(s, p);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
	s = kmem_cache_create("reuse", 256, 0, 0, NULL);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(s->id, id);
	p = kmem_cache_alloc(s, GFP_KERNEL);
	ck_assert_ptr_eq(virt_to_cache(p), s);
	kmem_cache_free(s, p);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Limits and misuse                                                   */

START_TEST(create_rejects_bad_arguments)
{
	char longname[KMEM_CACHE_NAME_MAX + 2];
	struct kmem_cache *s;

	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';

#define REJECT(err, ...) do {                                          \
		errno = 0;                                             \
		ck_assert_ptr_null(kmem_cache_create(__VA_ARGS__));    \
		ck_assert_int_eq(errno, err);                          \
	} while (0)
	REJECT(EINVAL, NULL, 64, 0, 0, NULL);
	REJECT(EINVAL, "", 64, 0, 0, NULL);
	REJECT(EINVAL, "has space", 64, 0, 0, NULL);
	REJECT(EINVAL, "tab\there", 64, 0, 0, NULL);
	REJECT(EINVAL, longname, 64, 0, 0, NULL);
	REJECT(EINVAL, "zero", 0, 0, 0, NULL);
	REJECT(EINVAL, "huge", (PAGE_SIZE << MAX_PAGE_ORDER) + 1, 0, 0, NULL);
	REJECT(EINVAL, "align3", 64, 3, 0, NULL);
	REJECT(EINVAL, "align8k", 64, 8192, 0, NULL);
	REJECT(EINVAL, "flag", 64, 0, 0x1UL, NULL);
	REJECT(EINVAL, "flag2", 64, 0, SLAB_HWCACHE_ALIGN | 0x100000UL,
	       NULL);

	longname[KMEM_CACHE_NAME_MAX] = '\0';          /* 31 bytes: fine */
	s = kmem_cache_create(longname, 64, 0, 0, NULL);
	ck_assert_ptr_nonnull(s);
	REJECT(EEXIST, longname, 32, 0, 0, NULL);
	REJECT(EEXIST, "kmem_cache", 32, 0, 0, NULL);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
#undef REJECT
}
END_TEST

START_TEST(create_with_slab_panic_aborts_on_failure)
{
	int status;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, STDERR_FILENO);
		kmem_cache_create("bad name", 64, 0, SLAB_PANIC, NULL);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
}
END_TEST

START_TEST(alloc_at_page_limit_fails_with_enomem_and_recovers)
{
	struct kmem_cache *s = kmem_cache_create("limited", 4000, 0,
						 SLAB_HWCACHE_ALIGN, NULL);
	static void *v[4096];
	size_t limit = scullc_get_limit();
	int n = 0, i;

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(scullc_set_limit(used_bytes() + (2UL << 20)), 0);
	errno = 0;
	while (n < 4096 && (v[n] = kmem_cache_alloc(s, GFP_KERNEL)))
		n++;
	ck_assert_int_lt(n, 4096);
	ck_assert_int_gt(n, 100);
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_uint_ge(stats(s).alloc_failed, 1);
	ck_assert_int_eq(kmem_cache_validate(s), 0);

	for (i = 0; i < n; i++)
		kmem_cache_free(s, v[i]);
	/* what was freed can be had again, under the same limit */
	for (i = 0; i < n / 2; i++)
		ck_assert_ptr_nonnull(v[i] = kmem_cache_alloc(s, GFP_KERNEL));
	for (i = 0; i < n / 2; i++)
		kmem_cache_free(s, v[i]);
	ck_assert_int_eq(scullc_set_limit(limit), 0);
	ck_assert_int_eq(kmem_cache_validate(s), 0);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

/* Run @fn in a child whose stderr is captured into @buf; returns status. */
static int run_child(void (*fn)(void), char *buf, size_t len)
{
	int fd[2], status;
	ssize_t n, got = 0;
	pid_t pid;

	ck_assert_int_eq(pipe(fd), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(fd[0]);
		dup2(fd[1], STDERR_FILENO);
		fn();
		_exit(0);
	}
	close(fd[1]);
	while ((size_t)got < len - 1 &&
	       (n = read(fd[0], buf + got, len - 1 - (size_t)got)) > 0)
		got += n;
	buf[got] = '\0';
	close(fd[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return status;
}

/* Only consistency checks (F) make a free look up the object's slab. */
static void free_to_wrong_cache(void)
{
	struct kmem_cache *a = kmem_cache_create("cache-a", 64, 0, 0, NULL);
	struct kmem_cache *b = kmem_cache_create("cache-b", 64, 0,
						 SLAB_CONSISTENCY_CHECKS, NULL);

	slab_debug_set_panic(1);
	kmem_cache_free(b, kmem_cache_alloc(a, GFP_KERNEL));
}

START_TEST(wrong_cache_free_under_checks_is_reported_and_aborts)
{
	char buf[8192];
	int status = run_child(free_to_wrong_cache, buf, sizeof(buf));

	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
	ck_assert_ptr_nonnull(strstr(buf, "Wrong slab cache"));
	ck_assert_ptr_nonnull(strstr(buf, "cache-b but object is from cache-a"));
}
END_TEST

START_TEST(wrong_cache_free_under_checks_without_panic_leaves_object_alone)
{
	struct kmem_cache *a = kmem_cache_create("keep-a", 64, 0, 0, NULL);
	struct kmem_cache *b = kmem_cache_create("keep-b", 64, 0,
						 SLAB_CONSISTENCY_CHECKS, NULL);
	void *p = kmem_cache_alloc(a, GFP_KERNEL);
	int saved = dup(STDERR_FILENO), null = open("/dev/null", O_WRONLY);

	dup2(null, STDERR_FILENO);
	slab_debug_set_panic(0);
	kmem_cache_free(b, p);
	slab_debug_set_panic(1);
	ck_assert_int_eq(kmem_cache_destroy(a), -EBUSY);  /* still ours */
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(null);
	kmem_cache_free(a, p);
	ck_assert_int_eq(kmem_cache_destroy(a), 0);
	ck_assert_int_eq(kmem_cache_destroy(b), 0);
}
END_TEST

static Suite *slab_suite(void)
{
	Suite *s = suite_create("slab");
	TCase *tc;

	tc = tcase_create("Geometry");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_loop_test(tc, geometry_follows_slub, 0,
			    sizeof(geometries) / sizeof(geometries[0]));
	tcase_add_test(tc, scullc_cache_matches_kernel_slabinfo_line);
	suite_add_tcase(s, tc);

	tc = tcase_create("Core");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, ctor_runs_once_per_object_when_slab_is_populated);
	tcase_add_test(tc, dtor_runs_on_every_object_when_slab_is_released);
	tcase_add_test(tc, zalloc_zeroes_the_object);
	tcase_add_test(tc, shrink_releases_empty_slabs_and_their_pages);
	tcase_add_test(tc, scullc_purge_gives_back_every_cache_s_free_memory);
	tcase_add_test(tc, free_keeps_at_most_min_partial_empty_slabs);
	tcase_add_test(tc, validate_finds_a_busy_cache_sound);
	tcase_add_test(tc, destroy_with_live_objects_fails_and_lists_them);
	tcase_add_test(tc, destroyed_name_and_id_are_reused);
	suite_add_tcase(s, tc);

	tc = tcase_create("Limits");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, create_rejects_bad_arguments);
	tcase_add_test(tc, create_with_slab_panic_aborts_on_failure);
	tcase_add_test(tc, alloc_at_page_limit_fails_with_enomem_and_recovers);
	tcase_add_test(tc, wrong_cache_free_under_checks_is_reported_and_aborts);
	tcase_add_test(tc, wrong_cache_free_under_checks_without_panic_leaves_object_alone);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(slab_suite, 20)
