/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_trace.c - kmem trace events: their text, the ring, loss, threads */

#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "mm/internal.h"
#include "unit.h"

#define BUF_SIZE (64 * 1024)

static char buf[BUF_SIZE + 1];

/* Everything in the ring now, NUL-terminated in buf, without waiting */
static size_t read_all(void)
{
	size_t n = 0;
	ssize_t k;

	while (BUF_SIZE - n >= SCULLC_TRACE_LINE_MAX &&
	       (k = scullc_trace_read(buf + n, BUF_SIZE - n, 0)) > 0)
		n += (size_t)k;
	buf[n] = '\0';
	return n;
}

static unsigned int count(const char *text, const char *what)
{
	unsigned int n = 0;

	for (const char *p = text; (p = strstr(p, what)); p += strlen(what))
		n++;
	return n;
}

static void setup(void)
{
	ck_assert_int_eq(scullc_trace_set_events(0), 0);
}

static void teardown(void)
{
	ck_assert_int_eq(scullc_trace_set_events(0), 0);
	scullc_trace_ignore_thread(0);
	while (read_all())
		;
}

/* A fixed entry: comm, pid, cpu and time as a kernel trace shows them */
static struct trace_entry entry(enum scullc_trace_event type)
{
	struct trace_entry e = {
		.type = (unsigned char)type,
		.pid = 1234, .cpu = 1,
		.ts = 5123456789012ULL,     /* 5123.456789 s */
		.call_site = 0x1234,
		.ptr = (const void *)0xffff888004a3c000UL,
		.comm = "scullcfs",
	};
	return e;
}

static void assert_text(const struct trace_entry *e, const char *want)
{
	char line[SCULLC_TRACE_LINE_MAX];
	size_t n = trace_format(e, line, sizeof(line));

	ck_assert_uint_eq(n, strlen(want));
	line[n] = '\0';
	ck_assert_str_eq(line, want);
}

#define PREFIX "        scullcfs-1234    [001] .....  5123.456789: "

START_TEST(each_event_has_the_kernel_text)
{
	struct trace_entry e;

	e = entry(SCULLC_TRACE_KMEM_CACHE_ALLOC);
	e.bytes_req = 4000;
	e.bytes_alloc = 4032;
	e.gfp = GFP_KERNEL;
	assert_text(&e, PREFIX "kmem_cache_alloc: call_site=0x1234 "
		    "ptr=ffff888004a3c000 bytes_req=4000 bytes_alloc=4032 "
		    "gfp_flags=GFP_KERNEL node=-1 accounted=false\n");

	e = entry(SCULLC_TRACE_KMALLOC);
	e.bytes_req = 100;
	e.bytes_alloc = 128;
	e.gfp = GFP_KERNEL | __GFP_ZERO;
	assert_text(&e, PREFIX "kmalloc: call_site=0x1234 "
		    "ptr=ffff888004a3c000 bytes_req=100 bytes_alloc=128 "
		    "gfp_flags=GFP_KERNEL|__GFP_ZERO node=-1 accounted=false\n");

	e = entry(SCULLC_TRACE_KFREE);
	assert_text(&e, PREFIX "kfree: call_site=0x1234 ptr=ffff888004a3c000\n");

	e = entry(SCULLC_TRACE_KMEM_CACHE_FREE);
	strcpy(e.name, "scullc");
	assert_text(&e, PREFIX "kmem_cache_free: call_site=0x1234 "
		    "ptr=ffff888004a3c000 name=scullc\n");

	e = entry(SCULLC_TRACE_MM_PAGE_ALLOC);
	e.ptr = (const void *)0x7f0000001040UL;
	e.pfn = 0x7f1234500UL;
	e.order = 3;
	e.gfp = GFP_NOWAIT;
	assert_text(&e, PREFIX "mm_page_alloc: page=00007f0000001040 "
		    "pfn=0x7f1234500 order=3 migratetype=0 "
		    "gfp_flags=GFP_NOWAIT\n");

	e = entry(SCULLC_TRACE_MM_PAGE_FREE);
	e.ptr = (const void *)0x7f0000001040UL;
	e.pfn = 0x7f1234500UL;
	e.order = 0;
	assert_text(&e, PREFIX "mm_page_free: page=00007f0000001040 "
		    "pfn=0x7f1234500 order=0\n");
}
END_TEST

START_TEST(failures_loss_and_long_names_have_the_kernel_text)
{
	struct trace_entry e;

	/* A failed page allocation: the kernel's NULL page, pfn 0 */
	e = entry(SCULLC_TRACE_MM_PAGE_ALLOC);
	e.ptr = NULL;
	e.pfn = 0x1234;
	e.order = 1;
	e.gfp = GFP_ATOMIC | __GFP_NOWARN;
	assert_text(&e, PREFIX "mm_page_alloc: page=0000000000000000 pfn=0x0 "
		    "order=1 migratetype=0 gfp_flags=GFP_ATOMIC|__GFP_NOWARN\n");

	/* Dropped events are told before the first event after them */
	e = entry(SCULLC_TRACE_KFREE);
	e.lost = 17;
	e.ptr = NULL;
	assert_text(&e, "CPU:1 [LOST 17 EVENTS]\n"
		    PREFIX "kfree: call_site=0x1234 ptr=0000000000000000\n");

	/* Right-aligned comm in 16, pid left-aligned in 7, cpu in 3 */
	e = entry(SCULLC_TRACE_KFREE);
	strcpy(e.comm, "a");
	e.pid = 7;
	e.cpu = 12;
	e.ts = 42000;               /* 0.000042 s */
	assert_text(&e, "               a-7       [012] .....     0.000042: "
		    "kfree: call_site=0x1234 ptr=ffff888004a3c000\n");
}
END_TEST

START_TEST(gfp_flags_print_as_show_gfp_flags)
{
	static const struct {
		gfp_t gfp;
		const char *text;
	} cases[] = {
		{ 0, "none" },
		{ GFP_KERNEL, "GFP_KERNEL" },
		{ GFP_NOFS, "GFP_NOFS" },
		{ GFP_NOIO, "GFP_NOIO" },
		{ GFP_ATOMIC, "GFP_ATOMIC" },
		{ GFP_NOWAIT, "GFP_NOWAIT" },
		{ GFP_KERNEL | __GFP_DMA, "GFP_KERNEL|GFP_DMA" },
		{ GFP_KERNEL | __GFP_NOFAIL | __GFP_NORETRY,
		  "GFP_KERNEL|__GFP_NOFAIL|__GFP_NORETRY" },
		{ __GFP_DIRECT_RECLAIM, "__GFP_DIRECT_RECLAIM" },
		{ __GFP_IO | __GFP_FS, "__GFP_IO|__GFP_FS" },
		{ GFP_ATOMIC | __GFP_NOACCOUNT, "GFP_ATOMIC|__GFP_NOACCOUNT" },
		{ GFP_KERNEL | 0x2, "GFP_KERNEL|0x2" },
		{ 0x4, "0x4" },
	};
	char text[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		trace_gfp_name(cases[i].gfp, text, sizeof(text));
		ck_assert_str_eq(text, cases[i].text);
	}
}
END_TEST

START_TEST(names_and_bad_masks)
{
	static const char *const names[] = {
		"kmalloc", "kfree", "kmem_cache_alloc", "kmem_cache_free",
		"mm_page_alloc", "mm_page_free",
	};

	for (int i = 0; i < SCULLC_TRACE_NR_EVENTS; i++)
		ck_assert_str_eq(scullc_trace_event_name(i), names[i]);
	ck_assert_ptr_null(scullc_trace_event_name(SCULLC_TRACE_NR_EVENTS));
	ck_assert_ptr_null(scullc_trace_event_name(-1));
	ck_assert_int_eq(scullc_trace_set_events(SCULLC_TRACE_ALL + 1),
			 -EINVAL);
	ck_assert_uint_eq(scullc_trace_get_events(), 0);
	ck_assert_int_eq(scullc_trace_read(buf, SCULLC_TRACE_LINE_MAX - 1, 0),
			 -EINVAL);
	ck_assert_int_eq(scullc_trace_set_events(SCULLC_TRACE_ALL), 0);
	ck_assert_uint_eq(scullc_trace_get_events(), SCULLC_TRACE_ALL);
}
END_TEST

/* Every traced call once: one line per enabled event, none else */
static void every_call(struct kmem_cache *s)
{
	void *o = kmem_cache_alloc(s, GFP_KERNEL);
	void *k = kmalloc(100, GFP_KERNEL);
	unsigned long pg = __get_free_pages(GFP_KERNEL, 1);

	ck_assert_ptr_nonnull(o);
	ck_assert_ptr_nonnull(k);
	ck_assert_uint_ne(pg, 0);
	kmem_cache_free(s, o);
	kfree(k);
	free_pages(pg, 1);
}

START_TEST(each_event_is_enabled_alone)
{
	struct kmem_cache *s = kmem_cache_create("trace_test", 4000, 0,
						 SLAB_HWCACHE_ALIGN, NULL);
	char word[64];

	ck_assert_ptr_nonnull(s);
	every_call(s);           /* slabs and magazines exist: no page event */
	for (int i = 0; i < SCULLC_TRACE_NR_EVENTS; i++) {
		ck_assert_int_eq(scullc_trace_set_events(1u << i), 0);
		every_call(s);
		ck_assert_int_eq(scullc_trace_set_events(0), 0);
		read_all();
		snprintf(word, sizeof(word), ": %s: ",
			 scullc_trace_event_name(i));
		ck_assert_msg(count(buf, word) >= 1, "no %s line in:\n%s",
			      word, buf);
		ck_assert_msg(count(buf, "\n") == count(buf, word),
			      "%s enabled, other lines in:\n%s", word, buf);
	}
	/* off: nothing more */
	every_call(s);
	ck_assert_uint_eq(read_all(), 0);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

START_TEST(live_lines_carry_the_call)
{
	struct kmem_cache *s = kmem_cache_create("trace_test", 4000, 0,
						 SLAB_HWCACHE_ALIGN, NULL);
	char comm[16] = "", want[128], *line;
	unsigned long pg;
	void *o;

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(prctl(PR_GET_NAME, comm, 0, 0, 0), 0);
	ck_assert_int_eq(scullc_trace_set_events(SCULLC_TRACE_ALL), 0);
	o = kmem_cache_alloc(s, GFP_KERNEL);
	ck_assert_ptr_nonnull(o);
	read_all();
	line = strstr(buf, "kmem_cache_alloc: ");
	ck_assert_ptr_nonnull(line);
	snprintf(want, sizeof(want), "%16s-%-7d [", comm, (int)gettid());
	ck_assert_msg(strstr(buf, want) == buf, "%s\nwanted %s", buf, want);
	snprintf(want, sizeof(want), " ptr=%016lx bytes_req=4000 "
		 "bytes_alloc=4032 gfp_flags=GFP_KERNEL node=-1 "
		 "accounted=false\n", (unsigned long)o);
	ck_assert_msg(strstr(line, want), "%s\nwanted %s", line, want);
	kmem_cache_free(s, o);
	read_all();
	snprintf(want, sizeof(want), " ptr=%016lx name=trace_test\n",
		 (unsigned long)o);
	ck_assert_msg(strstr(buf, "kmem_cache_free: call_site=") &&
		      strstr(buf, want), "%s\nwanted %s", buf, want);

	pg = __get_free_pages(GFP_KERNEL, 2);
	ck_assert_uint_ne(pg, 0);
	read_all();
	snprintf(want, sizeof(want), " pfn=0x%lx order=2 migratetype=0 "
		 "gfp_flags=GFP_KERNEL\n", pg >> PAGE_SHIFT);
	ck_assert_msg(strstr(buf, "mm_page_alloc: page=") &&
		      strstr(buf, want), "%s\nwanted %s", buf, want);
	free_pages(pg, 2);
	read_all();
	snprintf(want, sizeof(want), " pfn=0x%lx order=2\n", pg >> PAGE_SHIFT);
	ck_assert_msg(strstr(buf, "mm_page_free: page=") && strstr(buf, want),
		      "%s\nwanted %s", buf, want);

	/* kfree(NULL) is traced, as the kernel's */
	kfree(NULL);
	read_all();
	ck_assert_msg(strstr(buf, " ptr=0000000000000000\n") &&
		      count(buf, "kfree: ") == 1, "%s", buf);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

START_TEST(ignored_thread_records_nothing)
{
	ck_assert_int_eq(scullc_trace_set_events(SCULLC_TRACE_ALL), 0);
	ck_assert_int_eq(scullc_trace_ignore_thread(1), 0);
	kfree(kmalloc(64, GFP_KERNEL));
	ck_assert_uint_eq(read_all(), 0);
	ck_assert_int_eq(scullc_trace_ignore_thread(0), 1);
	kfree(kmalloc(64, GFP_KERNEL));
	read_all();
	ck_assert_uint_eq(count(buf, "\n"), 2);
}
END_TEST

/* Sum of the "[LOST n EVENTS]" lines of buf */
static unsigned long lost_in(const char *text)
{
	unsigned long sum = 0, n;
	const char *p = text;

	while ((p = strstr(p, "[LOST "))) {
		ck_assert_int_eq(sscanf(p, "[LOST %lu EVENTS]", &n), 1);
		sum += n;
		p++;
	}
	return sum;
}

START_TEST(a_full_ring_drops_and_counts)
{
	struct scullc_trace_stats st, st0;
	unsigned long lines = 0, lost = 0;
	const unsigned int extra = 37;
	char *big = malloc(TRACE_RING_ENTRIES * SCULLC_TRACE_LINE_MAX);
	size_t n = 0;
	ssize_t k;

	ck_assert_ptr_nonnull(big);
	/* counters of the tests before, when they share the process */
	scullc_trace_get_stats(&st0);
	ck_assert_int_eq(scullc_trace_set_events(1u << SCULLC_TRACE_KFREE),
			 0);
	for (unsigned int i = 0; i < TRACE_RING_ENTRIES + extra; i++)
		kfree(NULL);
	scullc_trace_get_stats(&st);
	ck_assert_uint_eq(st.size, TRACE_RING_ENTRIES);
	ck_assert_uint_eq(st.entries, TRACE_RING_ENTRIES);
	ck_assert_uint_eq(st.overrun - st0.overrun, extra);

	/* Read a few lines: the ring is not empty, no LOST line yet */
	k = scullc_trace_read(big, SCULLC_TRACE_LINE_MAX, 0);
	ck_assert_int_gt(k, 0);
	big[k] = '\0';
	ck_assert_uint_eq(lost_in(big), 0);
	lines += count(big, "\n");

	/* The next event carries the loss: LOST comes right before it */
	kfree(NULL);
	while ((k = scullc_trace_read(big + n,
			TRACE_RING_ENTRIES * SCULLC_TRACE_LINE_MAX - 1 - n, 0)) > 0)
		n += (size_t)k;
	big[n] = '\0';
	lost = lost_in(big);
	ck_assert_uint_eq(lost, extra);
	ck_assert_uint_eq(count(big, "[LOST"), 1);
	{
		char *l = strstr(big, "CPU:");

		ck_assert_ptr_nonnull(l);
		l = strchr(l, '\n') + 1;
		/* one event line after it, then the end */
		ck_assert_ptr_nonnull(strstr(l, "kfree: "));
		ck_assert_ptr_eq(strchr(l, '\n') + 1, big + n);
	}
	lines += count(big, "\n") - 1;
	ck_assert_uint_eq(lines, TRACE_RING_ENTRIES + 1);
	scullc_trace_get_stats(&st);
	ck_assert_uint_eq(st.entries, 0);
	ck_assert_uint_eq(st.read_events - st0.read_events, lines);

	/* Dropped with no event after them: told once the ring is dry */
	for (unsigned int i = 0; i < TRACE_RING_ENTRIES + 5; i++)
		kfree(NULL);
	n = 0;
	while ((k = scullc_trace_read(big + n,
			TRACE_RING_ENTRIES * SCULLC_TRACE_LINE_MAX - 1 - n, 0)) > 0)
		n += (size_t)k;
	big[n] = '\0';
	ck_assert_uint_eq(count(big, "kfree: "), TRACE_RING_ENTRIES);
	ck_assert_uint_eq(lost_in(big), 5);
	ck_assert_ptr_nonnull(strstr(big, "[LOST 5 EVENTS]\n"));
	ck_assert_ptr_eq(strstr(big, "[LOST 5 EVENTS]\n") + 16, big + n);
	scullc_trace_get_stats(&st);
	ck_assert_uint_eq(st.overrun - st0.overrun, extra + 5);
	free(big);
}
END_TEST

static void *blocked_reader(void *arg)
{
	static char rbuf[SCULLC_TRACE_LINE_MAX * 4 + 1];
	ssize_t n = scullc_trace_read(rbuf, sizeof(rbuf) - 1, -1);

	if (n > 0) {
		rbuf[n] = '\0';
		*(char **)arg = rbuf;
	}
	return (void *)(long)n;
}

START_TEST(a_blocked_read_returns_with_the_event)
{
	pthread_t t;
	char *text = NULL;
	void *ret;

	ck_assert_int_eq(scullc_trace_set_events(1u << SCULLC_TRACE_KFREE),
			 0);
	ck_assert_int_eq(pthread_create(&t, NULL, blocked_reader, &text), 0);
	kfree(NULL);              /* before or after it sleeps: both work */
	ck_assert_int_eq(pthread_join(t, &ret), 0);
	ck_assert_int_gt((long)ret, 0);
	ck_assert_ptr_nonnull(strstr(text, "kfree: "));
	/* a bounded wait for nothing ends with 0 */
	ck_assert_int_eq(scullc_trace_read(buf, BUF_SIZE, 20), 0);
}
END_TEST

static void *blocked_waiter(void *arg)
{
	(void)arg;
	return (void *)(long)scullc_trace_wait(-1);
}

START_TEST(wait_takes_nothing)
{
	pthread_t t;
	void *ret;

	ck_assert_int_eq(scullc_trace_set_events(1u << SCULLC_TRACE_KFREE),
			 0);
	ck_assert_int_eq(scullc_trace_wait(0), 0);
	ck_assert_int_eq(scullc_trace_wait(20), 0);
	ck_assert_int_eq(pthread_create(&t, NULL, blocked_waiter, NULL), 0);
	kfree(NULL);
	ck_assert_int_eq(pthread_join(t, &ret), 0);
	ck_assert_int_eq((long)ret, 1);
	ck_assert_int_eq(scullc_trace_wait(0), 1);
	ck_assert_int_eq(scullc_trace_wait(-1), 1);
	read_all();
	ck_assert_uint_eq(count(buf, "kfree: "), 1);
	ck_assert_int_eq(scullc_trace_wait(0), 0);
}
END_TEST

static _Atomic bool reader_done;

static void *woken_reader(void *arg)
{
	char rbuf[SCULLC_TRACE_LINE_MAX];
	ssize_t n = scullc_trace_read(rbuf, sizeof(rbuf), -1);

	(void)arg;
	atomic_store(&reader_done, true);
	return (void *)(long)n;
}

START_TEST(wake_ends_a_blocked_read)
{
	struct timespec ms = { 0, 1000000 };
	pthread_t t;
	void *ret;

	ck_assert_int_eq(scullc_trace_set_events(1u << SCULLC_TRACE_KFREE),
			 0);
	atomic_store(&reader_done, false);
	ck_assert_int_eq(pthread_create(&t, NULL, woken_reader, NULL), 0);
	/* A wake before the reader starts reading does not end its read:
	   wake until it has ended (bounded by the test's timeout) */
	while (!atomic_load(&reader_done)) {
		scullc_trace_wake();
		nanosleep(&ms, NULL);
	}
	ck_assert_int_eq(pthread_join(t, &ret), 0);
	ck_assert_int_eq((long)ret, 0);
}
END_TEST

#define WRITERS 4
#define PAIRS   3000

static _Atomic int writers_left;

static void *writer(void *arg)
{
	(void)arg;
	for (int i = 0; i < PAIRS; i++)
		kfree(kmalloc(8 + (size_t)i % 200, GFP_KERNEL));
	atomic_fetch_sub(&writers_left, 1);
	return NULL;
}

START_TEST(writers_race_a_reader_and_nothing_is_unaccounted)
{
	static char rbuf[BUF_SIZE];
	unsigned long lines = 0, lost = 0;
	struct scullc_trace_stats st, st0;
	pthread_t t[WRITERS];
	bool done = false;
	ssize_t n;

	scullc_trace_get_stats(&st0);
	ck_assert_int_eq(scullc_trace_set_events(
		(1u << SCULLC_TRACE_KMALLOC) | (1u << SCULLC_TRACE_KFREE)), 0);
	atomic_store(&writers_left, WRITERS);
	for (int i = 0; i < WRITERS; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, writer, NULL), 0);
	/* Drain until the writers are done and the ring is empty */
	while (!done) {
		done = atomic_load(&writers_left) == 0;
		while ((n = scullc_trace_read(rbuf, sizeof(rbuf) - 1,
					      done ? 0 : 50)) > 0) {
			rbuf[n] = '\0';
			lost += lost_in(rbuf);
			lines += count(rbuf, "\n") - count(rbuf, "[LOST ");
			ck_assert_uint_eq(count(rbuf, "\n"),
				count(rbuf, "kmalloc: ") + count(rbuf, "kfree: ") +
				count(rbuf, "[LOST "));
		}
	}
	for (int i = 0; i < WRITERS; i++)
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);
	ck_assert_uint_eq(lines + lost, 2UL * WRITERS * PAIRS);
	scullc_trace_get_stats(&st);
	ck_assert_uint_eq(st.overrun - st0.overrun, lost);
	ck_assert_uint_eq(st.read_events - st0.read_events, lines);
	ck_assert_uint_eq(st.entries, 0);
}
END_TEST

static Suite *trace_suite(void)
{
	Suite *s = suite_create("trace");
	TCase *tc;

	tc = tcase_create("Text");
	tcase_add_test(tc, each_event_has_the_kernel_text);
	tcase_add_test(tc, failures_loss_and_long_names_have_the_kernel_text);
	tcase_add_test(tc, gfp_flags_print_as_show_gfp_flags);
	suite_add_tcase(s, tc);

	tc = tcase_create("Ring");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, names_and_bad_masks);
	tcase_add_test(tc, each_event_is_enabled_alone);
	tcase_add_test(tc, live_lines_carry_the_call);
	tcase_add_test(tc, ignored_thread_records_nothing);
	tcase_add_test(tc, a_full_ring_drops_and_counts);
	tcase_add_test(tc, a_blocked_read_returns_with_the_event);
	tcase_add_test(tc, wake_ends_a_blocked_read);
	tcase_add_test(tc, wait_takes_nothing);
	tcase_add_test(tc, writers_race_a_reader_and_nothing_is_unaccounted);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(trace_suite, 30)
