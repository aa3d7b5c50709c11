/* SPDX-License-Identifier: GPL-2.0-or-later */
/* allocbench.c - time one allocation pattern of one allocator */

/*
 * usage: allocbench API PATTERN SIZE THREADS COUNT
 *
 *   API      kmem_cache  kmem_cache_alloc/kmem_cache_free on a cache of SIZE
 *            kmalloc     kmalloc/kfree
 *            malloc      malloc/free: glibc's, or the allocator that
 *                        LD_PRELOAD puts in its place
 *   PATTERN  pair      COUNT times: allocate one object, write it, free it
 *            batch     COUNT / 1000 times: allocate 1000 objects writing
 *                      each, then free them in the same order
 *            prodcons  one thread allocates COUNT objects and hands them
 *                      through a ring to a second thread, which frees them
 *            mem       allocate COUNT objects, fill them, and measure the
 *                      growth of the resident set
 *            fill      allocate COUNT objects, writing each whole, all live
 *                      at once: how fast fresh memory takes data, which
 *                      bounds a RAM filesystem's first write
 *   THREADS  threads running the pattern at once, each with its own COUNT
 *            (pair and batch; prodcons is always two, mem and fill one)
 *
 * Prints one number: nanoseconds per alloc+free pair (pair), per object
 * (batch, prodcons), from the first thread's start to the last thread's
 * end divided by one thread's COUNT, so perfect scaling prints the same
 * figure for 1 and 2 threads; or bytes of resident memory per object (mem).
 * Every object is written, so that memory the allocator gives back to the
 * operating system costs the page faults it costs a real program.  Each
 * thread first allocates and frees one batch untimed: the figures are of
 * an allocator that has served such a load before, not of its first pages,
 * but for fill, which times nothing else.
 */

#include <scullc/slab.h>

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BATCH 1000            /* objects per batch */
#define RING  1024            /* slots of the producer/consumer ring */

enum api { API_KMEM_CACHE, API_KMALLOC, API_MALLOC };
enum pattern { PAIR, BATCHES, PRODCONS, MEM, FILL };

static enum api api;
static size_t size;
static unsigned long count;
static struct kmem_cache *cache;

/* The ring: prod is written only by the producer, cons by the consumer. */
static void *ring[RING];
static _Atomic unsigned long prod, cons;

static pthread_barrier_t start_line;

struct worker {
	pthread_t tid;
	void *(*run)(void *);
	struct timespec start, end;   /* of this thread's run */
};

static inline void *obj_alloc(void)
{
	switch (api) {
	case API_KMEM_CACHE:
		return kmem_cache_alloc(cache, GFP_KERNEL);
	case API_KMALLOC:
		return kmalloc(size, GFP_KERNEL);
	default:
		return malloc(size);
	}
}

static inline void obj_free(void *p)
{
	switch (api) {
	case API_KMEM_CACHE:
		kmem_cache_free(cache, p);
		break;
	case API_KMALLOC:
		kfree(p);
		break;
	default:
		free(p);
	}
}

static void *alloc_or_die(void)
{
	void *p = obj_alloc();

	if (!p) {
		perror("allocbench: allocation");
		exit(1);
	}
	*(volatile unsigned long *)p = (unsigned long)p;
	return p;
}

static void *run_pair(void *arg)
{
	for (unsigned long i = 0; i < count; i++)
		obj_free(alloc_or_die());
	return arg;
}

static void *run_batch(void *arg)
{
	void *obj[BATCH];

	for (unsigned long r = 0; r < count / BATCH; r++) {
		for (int i = 0; i < BATCH; i++)
			obj[i] = alloc_or_die();
		for (int i = 0; i < BATCH; i++)
			obj_free(obj[i]);
	}
	return arg;
}

/* Spinning on a loaded machine starves the other side: yield soon. */
static void wait_a_little(unsigned int *spins)
{
	if (++*spins > 64) {
		sched_yield();
		*spins = 0;
	}
}

static void *run_producer(void *arg)
{
	for (unsigned long i = 0; i < count; i++) {
		void *p = alloc_or_die();
		unsigned int spins = 0;

		while (i - atomic_load_explicit(&cons, memory_order_acquire) >= RING)
			wait_a_little(&spins);
		ring[i % RING] = p;
		atomic_store_explicit(&prod, i + 1, memory_order_release);
	}
	return arg;
}

static void *run_consumer(void *arg)
{
	for (unsigned long i = 0; i < count; i++) {
		unsigned int spins = 0;

		while (atomic_load_explicit(&prod, memory_order_acquire) == i)
			wait_a_little(&spins);
		obj_free(ring[i % RING]);
		atomic_store_explicit(&cons, i + 1, memory_order_release);
	}
	return arg;
}

static double ns_between(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1e9 + (b->tv_nsec - a->tv_nsec);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	void *obj[BATCH];

	for (int i = 0; i < BATCH; i++)
		obj[i] = alloc_or_die();
	for (int i = 0; i < BATCH; i++)
		obj_free(obj[i]);
	pthread_barrier_wait(&start_line);
	clock_gettime(CLOCK_MONOTONIC, &w->start);
	w->run(NULL);
	clock_gettime(CLOCK_MONOTONIC, &w->end);
	return NULL;
}

/* Run the workers from one start line; ns from the first start to the last end. */
static double run_workers(struct worker *w, int n)
{
	struct timespec *first, *last;
	int err;

	pthread_barrier_init(&start_line, NULL, n);
	for (int i = 0; i < n; i++) {
		err = pthread_create(&w[i].tid, NULL, worker_main, &w[i]);
		if (err) {
			fprintf(stderr, "allocbench: pthread_create: %s\n", strerror(err));
			exit(1);
		}
	}
	for (int i = 0; i < n; i++)
		pthread_join(w[i].tid, NULL);
	pthread_barrier_destroy(&start_line);

	first = &w[0].start;
	last = &w[0].end;
	for (int i = 1; i < n; i++) {
		if (ns_between(&w[i].start, first) > 0)
			first = &w[i].start;
		if (ns_between(last, &w[i].end) > 0)
			last = &w[i].end;
	}
	return ns_between(first, last);
}

static long resident_bytes(void)
{
	long pages_total, pages_resident = -1;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f || fscanf(f, "%ld %ld", &pages_total, &pages_resident) != 2) {
		fprintf(stderr, "allocbench: cannot read /proc/self/statm\n");
		exit(1);
	}
	fclose(f);
	return pages_resident * sysconf(_SC_PAGESIZE);
}

/*
 * COUNT objects live at once, each written whole: bytes of resident memory
 * per object (mem), or ns per object (fill).
 */
static double fill_memory(enum pattern pattern)
{
	void **obj = calloc(count, sizeof(*obj));
	struct timespec start, end;
	long before;
	double result;

	if (!obj) {
		perror("allocbench: calloc");
		exit(1);
	}
	memset(obj, 0, count * sizeof(*obj));   /* resident before we start */
	before = resident_bytes();
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (unsigned long i = 0; i < count; i++) {
		obj[i] = alloc_or_die();
		memset(obj[i], 0xa5, size);
	}
	clock_gettime(CLOCK_MONOTONIC, &end);
	if (pattern == FILL)
		result = ns_between(&start, &end) / count;
	else
		result = (double)(resident_bytes() - before) / count;
	for (unsigned long i = 0; i < count; i++)
		obj_free(obj[i]);
	free(obj);
	return result;
}

static unsigned long parse_number(const char *s, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v == 0) {
		fprintf(stderr, "allocbench: bad %s: %s\n", what, s);
		exit(2);
	}
	return v;
}

static void usage(void)
{
	fprintf(stderr, "usage: allocbench kmem_cache|kmalloc|malloc "
		"pair|batch|prodcons|mem|fill SIZE THREADS COUNT\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const char *const patterns[] = {
		[PAIR] = "pair", [BATCHES] = "batch",
		[PRODCONS] = "prodcons", [MEM] = "mem", [FILL] = "fill",
	};
	struct worker w[64];
	unsigned long threads;
	int pattern = -1;
	double result;

	if (argc != 6)
		usage();
	if (!strcmp(argv[1], "kmem_cache"))
		api = API_KMEM_CACHE;
	else if (!strcmp(argv[1], "kmalloc"))
		api = API_KMALLOC;
	else if (!strcmp(argv[1], "malloc"))
		api = API_MALLOC;
	else
		usage();
	for (int i = 0; i < (int)(sizeof(patterns) / sizeof(patterns[0])); i++)
		if (!strcmp(argv[2], patterns[i]))
			pattern = i;
	size = parse_number(argv[3], "size");
	threads = parse_number(argv[4], "thread count");
	count = parse_number(argv[5], "count");
	if (pattern < 0 || size < sizeof(unsigned long) ||
	    threads > sizeof(w) / sizeof(w[0]) ||
	    (pattern == BATCHES && count < BATCH))
		usage();

	if (api == API_KMEM_CACHE) {
		cache = kmem_cache_create("allocbench", size, 0, 0, NULL);
		if (!cache) {
			perror("allocbench: kmem_cache_create");
			return 1;
		}
	}

	memset(w, 0, sizeof(w));
	switch (pattern) {
	case PAIR:
		for (unsigned long i = 0; i < threads; i++)
			w[i].run = run_pair;
		result = run_workers(w, threads) / count;
		break;
	case BATCHES:
		for (unsigned long i = 0; i < threads; i++)
			w[i].run = run_batch;
		result = run_workers(w, threads) / (count / BATCH * BATCH);
		break;
	case PRODCONS:
		w[0].run = run_producer;
		w[1].run = run_consumer;
		result = run_workers(w, 2) / count;
		break;
	default:
		result = fill_memory((enum pattern)pattern);
	}

	printf("%.1f\n", result);
	if (cache && kmem_cache_destroy(cache)) {
		fprintf(stderr, "allocbench: objects left in the cache\n");
		return 1;
	}
	return 0;
}
