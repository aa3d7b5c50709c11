/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_slabinfo.c - the slabinfo 2.1 report, byte for byte, and tuning writes */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "at_limit.h"
#include "mm/internal.h"

#define HEADER1 "slabinfo - version: 2.1\n"
#define HEADER2 "# name            <active_objs> <num_objs> <objsize> " \
	"<objperslab> <pagesperslab> : tunables <limit> <batchcount> " \
	"<sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n"

/* The whole report, from the library's own malloc-free path. */
static char *report(size_t *lenp)
{
	size_t n = slabinfo_read(NULL, 0), m;
	char *buf = malloc(n + 1);

	ck_assert_ptr_nonnull(buf);
	m = slabinfo_read(buf, n + 1);
	ck_assert_uint_eq(m, n);
	ck_assert_uint_eq(strlen(buf), n);
	if (lenp)
		*lenp = n;
	return buf;
}

/* The line of cache @name in @text (without its newline), or NULL. */
static char *line_of(const char *text, const char *name, char *out,
		     size_t len)
{
	size_t nl = strlen(name);
	const char *p = text;

	while (p && *p) {
		const char *e = strchr(p, '\n');
		size_t l = e ? (size_t)(e - p) : strlen(p);

		if (l > nl && !strncmp(p, name, nl) && p[nl] == ' ') {
			ck_assert_uint_lt(l, len);
			memcpy(out, p, l);
			out[l] = '\0';
			return out;
		}
		p = e ? e + 1 : NULL;
	}
	return NULL;
}

static struct kmem_cache *scullc_cache(void)
{
	struct kmem_cache *s = kmem_cache_create("scullc", 4000, 0,
						 SLAB_HWCACHE_ALIGN, NULL);

	ck_assert_ptr_nonnull(s);
	return s;
}

static void tunables(struct kmem_cache *s, unsigned int *l, unsigned int *b,
		     unsigned int *sh)
{
	struct kmem_cache_stats st;

	kmem_cache_get_stats(s, &st);
	*l = st.limit;
	*b = st.batchcount;
	*sh = st.shared;
}

/* ---------------------------------------------------------- Render */

START_TEST(header_is_the_kernels_byte_for_byte)
{
	char *text = report(NULL);

	ck_assert_msg(!strncmp(text, HEADER1 HEADER2,
			       strlen(HEADER1 HEADER2)),
		      "header differs:\n%.300s", text);
	free(text);
}
END_TEST

START_TEST(known_state_renders_the_expected_line)
{
	struct kmem_cache *s = scullc_cache();
	char line[256], *text;
	void *obj[3];
	int i;

	/* One object per refill, so the three come from one slab... */
	ck_assert_int_eq(kmem_cache_tune(s, 1, 1, 0), 0);
	for (i = 0; i < 3; i++) {
		obj[i] = kmem_cache_alloc(s, GFP_KERNEL);
		ck_assert_ptr_nonnull(obj[i]);
	}
	ck_assert_int_eq(kmem_cache_tune(s, 24, 12, 8), 0);
	/* ...and objects cached in magazines count as active: drain them */
	kmem_cache_shrink(s);

	text = report(NULL);
	ck_assert_ptr_nonnull(line_of(text, "scullc", line, sizeof(line)));
	ck_assert_str_eq(line,
		"scullc                 3      8   4032    8    8"
		" : tunables   24   12    8 : slabdata      1      1      0");
	free(text);
	for (i = 0; i < 3; i++)
		kmem_cache_free(s, obj[i]);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

START_TEST(every_line_parses_back_to_the_cache_stats)
{
	struct kmem_cache *s = scullc_cache();
	void *obj = kmem_cache_alloc(s, GFP_KERNEL);
	char *text = report(NULL), *p;
	int lines = 0;

	p = strchr(strchr(text, '\n') + 1, '\n') + 1;
	while (*p) {
		char name[64];
		unsigned long act, num, aslabs, nslabs, savail;
		unsigned int osz, ops, lim, bat, sh;
		int pps;
		struct kmem_cache_stats st;
		struct kmem_cache *c;

		ck_assert_int_eq(sscanf(p, "%63s %lu %lu %u %u %d : tunables "
					"%u %u %u : slabdata %lu %lu %lu",
					name, &act, &num, &osz, &ops, &pps,
					&lim, &bat, &sh, &aslabs, &nslabs,
					&savail), 12);
		c = kmem_cache_find(name);
		ck_assert_msg(c != NULL, "no cache %s", name);
		kmem_cache_get_stats(c, &st);
		ck_assert_uint_eq(act, st.active_objs);
		ck_assert_uint_eq(num, st.num_objs);
		ck_assert_uint_eq(osz, st.objsize);
		ck_assert_uint_eq(ops, st.objperslab);
		ck_assert_int_eq(pps, (int)st.pagesperslab);
		ck_assert_uint_eq(lim, st.limit);
		ck_assert_uint_eq(bat, st.batchcount);
		ck_assert_uint_eq(sh, st.shared);
		ck_assert_uint_eq(aslabs, st.active_slabs);
		ck_assert_uint_eq(nslabs, st.num_slabs);
		ck_assert_uint_eq(savail, st.shared_avail);
		lines++;
		p = strchr(p, '\n');
		ck_assert_ptr_nonnull(p);
		p++;
	}
	ck_assert_int_ge(lines, 27);            /* 26 kmalloc caches + ours */
	free(text);
	kmem_cache_free(s, obj);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

START_TEST(sizing_call_matches_and_truncation_is_like_snprintf)
{
	size_t n, i;
	char *text = report(&n);
	char small[64];

	memset(small, '@', sizeof(small));
	ck_assert_uint_eq(slabinfo_read(small, 10), n);
	ck_assert_str_eq(small, "slabinfo ");
	ck_assert_int_eq(small[10], '@');

	ck_assert_uint_eq(slabinfo_read(small, 1), n);
	ck_assert_int_eq(small[0], '\0');
	ck_assert_int_eq(small[1], 'l');          /* left from before */

	memset(small, '@', sizeof(small));
	ck_assert_uint_eq(slabinfo_read(small, 0), n);
	for (i = 0; i < sizeof(small); i++)
		ck_assert_int_eq(small[i], '@');

	/* exactly n bytes of room: the last character is cut for the NUL */
	{
		char *b = malloc(n);

		ck_assert_uint_eq(slabinfo_read(b, n), n);
		ck_assert_uint_eq(strlen(b), n - 1);
		ck_assert(!strncmp(b, text, n - 1));
		free(b);
	}
	free(text);
}
END_TEST

START_TEST(report_ends_without_a_blank_line)
{
	size_t n;
	char *text = report(&n);

	ck_assert_uint_gt(n, 2);
	ck_assert_int_eq(text[n - 1], '\n');
	ck_assert_int_ne(text[n - 2], '\n');
	ck_assert_ptr_null(strstr(text, "\n\n"));
	free(text);
}
END_TEST

START_TEST(newest_cache_is_listed_first)
{
	struct kmem_cache *a = kmem_cache_create("order_a", 40, 0, 0, NULL);
	struct kmem_cache *b = kmem_cache_create("order_b", 40, 0, 0, NULL);
	struct kmem_cache *c = kmem_cache_create("order_c", 40, 0, 0, NULL);
	char *text = report(NULL);
	char *body = strstr(text, HEADER2) + strlen(HEADER2);
	char *pa = strstr(text, "\norder_a "), *pb = strstr(text, "\norder_b ");

	ck_assert(!strncmp(body, "order_c ", 8));
	ck_assert_ptr_nonnull(pa);
	ck_assert_ptr_nonnull(pb);
	ck_assert(pb < pa);
	/* and they come before the kmalloc caches made at start-up */
	ck_assert(pa < strstr(text, "\nkmalloc-8 "));
	free(text);
	kmem_cache_destroy(c);
	kmem_cache_destroy(b);
	kmem_cache_destroy(a);
}
END_TEST

/* ----------------------------------------------------------- Write */

START_TEST(every_malformed_write_is_einval_and_changes_nothing)
{
	static const char *const bad[] = {
		"scullc 24 12",                  /* 2 numbers */
		"scullc 24",
		"scullc",
		"scullc 24 12 8 1",              /* 4 numbers */
		"scullc 24 12 8 x",
		"scullc 24 x 8",                 /* letters */
		"scullc 24 12 8abc",
		"scullc 0x18 12 8",
		"scullc -24 12 8",               /* negative */
		"scullc 24 -12 8",
		"scullc 24 12 -8",
		"scullc +24 12 8",
		"scullc 12 24 8",                /* batch > limit */
		"scullc 0 0 8",                  /* limit 0 */
		"scullc 24 0 8",                 /* batch 0 */
		"scullc 4097 12 8",              /* limit too big */
		"scullc 24 12 65",               /* shared too big */
		"scullc 99999999999 12 8",       /* overflow */
		"nosuchcache 24 12 8",           /* unknown name */
		" scullc 24 12 8",               /* empty name */
		"\n",
		"scullc 24 12 8\n\n",
		"scullc 24 12 8 \n",
		"scullc\n24 12 8",
	};
	struct kmem_cache *s = scullc_cache();
	unsigned int l0, b0, s0, l, b, sh;
	char *before = report(NULL), *after;
	char longcmd[SLABINFO_WRITE_MAX + 2];
	unsigned int i;

	tunables(s, &l0, &b0, &s0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(slabinfo_write(bad[i], strlen(bad[i])) == -EINVAL,
			      "\"%s\" accepted", bad[i]);
	ck_assert_int_eq(slabinfo_write("", 0), -EINVAL);
	ck_assert_int_eq(slabinfo_write("scullc 24\0 12 8", 15), -EINVAL);

	/* too long, though it would be valid otherwise */
	memset(longcmd, ' ', sizeof(longcmd));
	memcpy(longcmd, "scullc 30 15", 12);
	memcpy(longcmd + SLABINFO_WRITE_MAX - 1, "5\n", 2);
	ck_assert_int_eq(slabinfo_write(longcmd, SLABINFO_WRITE_MAX + 1),
			 -EINVAL);

	tunables(s, &l, &b, &sh);
	ck_assert_uint_eq(l, l0);
	ck_assert_uint_eq(b, b0);
	ck_assert_uint_eq(sh, s0);
	after = report(NULL);
	if (strcmp(after, before))
		fprintf(stderr, "before:\n%s\nafter:\n%s\n", before, after);
	ck_assert_msg(!strcmp(after, before), "the report changed");
	free(before);
	free(after);

	/* ...and exactly the maximum is accepted */
	ck_assert_int_eq(slabinfo_write(longcmd, SLABINFO_WRITE_MAX), 0);
	tunables(s, &l, &b, &sh);
	ck_assert_uint_eq(l, 30);
	ck_assert_uint_eq(b, 15);
	ck_assert_uint_eq(sh, 5);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

START_TEST(valid_write_shows_in_the_tunables_at_once)
{
	struct kmem_cache *s = scullc_cache();
	char line[256], *text;
	unsigned int l, b, sh;

	ck_assert_int_eq(slabinfo_write("scullc 32 16 4\n", 15), 0);
	tunables(s, &l, &b, &sh);
	ck_assert_uint_eq(l, 32);
	ck_assert_uint_eq(b, 16);
	ck_assert_uint_eq(sh, 4);
	text = report(NULL);
	ck_assert_ptr_nonnull(line_of(text, "scullc", line, sizeof(line)));
	ck_assert_ptr_nonnull(strstr(line, " : tunables   32   16    4 : "));
	free(text);

	ck_assert_int_eq(slabinfo_write("scullc\t1 1 0", 12), 0);
	tunables(s, &l, &b, &sh);
	ck_assert_uint_eq(l, 1);
	ck_assert_uint_eq(b, 1);
	ck_assert_uint_eq(sh, 0);
	ck_assert_int_eq(slabinfo_write("kmalloc-64 120 60 8", 19), 0);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

static unsigned long (*real_shrinker)(void);
static unsigned int reclaims_seen;

static unsigned long counting_shrinker(void)
{
	reclaims_seen++;
	return real_shrinker();
}

/*
 * A tuning write finds its cache and tunes it under cache_set_lock.  It
 * allocates nothing (the depot is a part of the cache, the magazines are
 * made by each thread when it next uses the cache), so at the limit it
 * neither fails nor reclaims; a debug build (--enable-debug) would abort
 * on any lock taken twice or out of order on the way.
 */
START_TEST(a_tuning_write_at_the_limit_allocates_nothing)
{
	struct kmem_cache *s = scullc_cache();
	int ret;

	real_shrinker = page_get_shrinker();
	ck_assert_ptr_nonnull(real_shrinker);
	page_set_shrinker(counting_shrinker);
	limit_to_usage();
	ret = slabinfo_write("scullc 64 64 64", 15);
	ck_assert_int_eq(scullc_set_limit(SIZE_MAX), 0);
	page_set_shrinker(real_shrinker);
	ck_assert_int_eq(ret, 0);
	ck_assert_uint_eq(reclaims_seen, 0);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

static Suite *slabinfo_suite(void)
{
	Suite *s = suite_create("slabinfo");
	TCase *tc;

	tc = tcase_create("Render");
	tcase_add_test(tc, header_is_the_kernels_byte_for_byte);
	tcase_add_test(tc, known_state_renders_the_expected_line);
	tcase_add_test(tc, every_line_parses_back_to_the_cache_stats);
	tcase_add_test(tc, sizing_call_matches_and_truncation_is_like_snprintf);
	tcase_add_test(tc, report_ends_without_a_blank_line);
	tcase_add_test(tc, newest_cache_is_listed_first);
	suite_add_tcase(s, tc);

	tc = tcase_create("Write");
	tcase_add_test(tc, every_malformed_write_is_einval_and_changes_nothing);
	tcase_add_test(tc, valid_write_shows_in_the_tunables_at_once);
	tcase_add_test(tc, a_tuning_write_at_the_limit_allocates_nothing);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(slabinfo_suite, 20)
