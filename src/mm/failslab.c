/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* failslab.c - fault injection into slab allocations (the kernel's failslab) */

/*
 * The kernel's fault_attr semantics (lib/fault-inject.c), on one global
 * attribute set.  An allocation is failed when, in this order:
 *
 *   injection is on                 times != 0
 *   the caller allows failure       no __GFP_NOFAIL; no blocking gfp when
 *                                   ignore_gfp_reclaim is set
 *   the cache passes the filters    the name filter: "" or its name;
 *                                   the cache filter: off, or the cache
 *                                   is marked SLAB_FAILSLAB; a NULL
 *                                   cache (large kmalloc) passes neither
 *   the space budget is spent       while space >= size: space -= size
 *   it is the interval-th call      ++count % interval == 0
 *   the draw says so                next_random() % 100 < probability
 *
 * Each failure decrements times when it is positive; at 0 injection turns
 * itself off.  With verbose set, each failure is reported, as the
 * kernel's fail_dump does, after fail_lock is dropped (the report lock
 * is the innermost), at most REPORT_BURST in REPORT_MS.  Draws come from xorshift64* seeded with attr.seed, so the
 * same attributes and the same sequence of calls fail the same calls.
 *
 * Locks (their order: enum lock_rank, src/lock.h): fail_lock, a leaf taken
 * under whatever the allocator holds when it asks (a list_lock, or none).
 * fail_lock protects the attributes and every counter below: decisions are
 * serialised so that interval and times count exactly.  failslab_enabled
 * mirrors "times != 0" and is read without the lock by the fast path,
 * which then takes fail_lock only while injection is on.
 */

#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm/internal.h"
#include "mm/output.h"
#include "quote.h"

#define FAILSLAB_SEED 0x5c011cfa11ULL      /* for failslab_setup's attrs */
#define REPORT_BURST  10                   /* the kernel's default rate */
#define REPORT_MS     5000                 /* limit: 10 in 5 s */

/* times != 0.  Relaxed is enough: it only gates the trip to fail_lock,
   under which every decision is taken again; a caller of failslab_set
   sees its own store, and another thread may see it a few calls late,
   which it cannot tell from a call made a little earlier. */
atomic_bool failslab_enabled;

struct mutex fail_lock =                    /* fork.c holds it too */
	MUTEX_INITIALIZER("fail_lock", LOCK_RANK_FAILSLAB);
static struct failslab_attr attr = {       /* protected by fail_lock */
	.interval = 1,
};
static unsigned long space_left;           /* protected by fail_lock */
static unsigned long count;                /* protected by fail_lock: calls
                                              that reached the interval */
static uint64_t rng_state;                 /* protected by fail_lock */
static unsigned long failures;             /* protected by fail_lock */
static bool cache_filter;                  /* protected by fail_lock */
static unsigned long verbose;              /* protected by fail_lock */
static unsigned long report_start;         /* protected by fail_lock: the
                                              rate limit's window */
static unsigned int reports;               /* protected by fail_lock: in it */
static void (*changed)(void);              /* told after failslab_set: set
                                              once at start-up, before any
                                              thread but the first runs */

static uint64_t seed_rng(uint64_t seed)
{
	/* splitmix64 step: any seed, 0 included, gives a nonzero state */
	uint64_t z = seed + 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return z ? z : 1;
}

static uint64_t next_random(void)
{
	uint64_t x = rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

static bool valid_attr(const struct failslab_attr *a)
{
	size_t len = strnlen(a->cache_filter, sizeof(a->cache_filter));

	if (a->interval == 0 || a->probability > 100 || a->times < -1)
		return false;
	if (len == sizeof(a->cache_filter))
		return false;                  /* not NUL-terminated */
	for (size_t i = 0; i < len; i++)
		if (isspace((unsigned char)a->cache_filter[i]))
			return false;
	return true;
}

/**
 * failslab_set - replace the fault injection attributes
 * @a: the new attributes, copied; NULL turns injection off.
 *
 * Restarts the interval count, the space budget and the random sequence.
 * Returns 0, or -EINVAL (interval 0, probability > 100, times < -1, a
 * filter without its NUL or with white space).  Any thread.
 */
SCULLC_API int failslab_set(const struct failslab_attr *a)
{
	if (a && !valid_attr(a))
		return -EINVAL;
	mutex_lock(&fail_lock);
	if (a) {
		attr = *a;
	} else {
		memset(&attr, 0, sizeof(attr));
		attr.interval = 1;
	}
	space_left = attr.space;
	count = 0;
	rng_state = seed_rng(attr.seed);
	atomic_store_explicit(&failslab_enabled, attr.times != 0,
			      memory_order_relaxed);
	mutex_unlock(&fail_lock);
	if (changed)
		changed();
	return 0;
}

void failslab_set_notify(void (*fn)(void))
{
	changed = fn;
}

/* failslab_get - a copy of the current attributes, times and space as
   they are now (as the kernel's files show them). */
SCULLC_API void failslab_get(struct failslab_attr *a)
{
	mutex_lock(&fail_lock);
	*a = attr;
	a->space = space_left;
	mutex_unlock(&fail_lock);
}

/* failslab_set_cache_filter - the kernel's cache-filter: while @on, only
   caches marked SLAB_FAILSLAB can fail.  Any thread; takes effect at
   once. */
SCULLC_API void failslab_set_cache_filter(int on)
{
	mutex_lock(&fail_lock);
	cache_filter = on != 0;
	mutex_unlock(&fail_lock);
}

SCULLC_API int failslab_get_cache_filter(void)
{
	int on;

	mutex_lock(&fail_lock);
	on = cache_filter;
	mutex_unlock(&fail_lock);
	return on;
}

/* failslab_set_verbose - 0 quiet, 1 report each failure, 2 with the
   cache and size (rate-limited).  Any thread. */
SCULLC_API void failslab_set_verbose(unsigned long level)
{
	mutex_lock(&fail_lock);
	verbose = level;
	mutex_unlock(&fail_lock);
}

/* locked_read - *@p, one of the counters fail_lock protects */
static unsigned long locked_read(const unsigned long *p)
{
	unsigned long v;

	mutex_lock(&fail_lock);
	v = *p;
	mutex_unlock(&fail_lock);
	return v;
}

SCULLC_API unsigned long failslab_get_verbose(void)
{
	return locked_read(&verbose);
}

/* failslab_failures - how many allocations failslab has failed so far. */
SCULLC_API unsigned long failslab_failures(void)
{
	return locked_read(&failures);
}

/* A decimal number filling [p, end) exactly; -1 allowed when @sign. */
static int parse_num(const char *p, const char *end, bool sign, long *out)
{
	bool neg = false;
	unsigned long v = 0;

	if (sign && p < end && *p == '-') {
		neg = true;
		p++;
	}
	if (p == end)
		return -EINVAL;
	for (; p < end; p++) {
		if (!isdigit((unsigned char)*p) || v > (unsigned long)LONG_MAX / 10)
			return -EINVAL;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v > (unsigned long)LONG_MAX)
		return -EINVAL;
	*out = neg ? -(long)v : (long)v;
	return 0;
}

/**
 * failslab_setup - failslab=<interval>,<probability>,<space>,<times>[,<cache>]
 * @str: the kernel's boot-option form; probability in percent, times -1
 *       for unlimited, <cache> an optional cache name filter.
 *
 * Unlike the kernel's failslab default, allocations that may block are
 * not spared (ignore_gfp_reclaim is 0): the daemon's own allocations are
 * GFP_KERNEL and are what this is for.  The seed is fixed, so a run is
 * repeatable.  Returns 0 or -EINVAL (the current attributes are kept).
 */
SCULLC_API int failslab_setup(const char *str)
{
	struct failslab_attr a = { .seed = FAILSLAB_SEED };
	long v[4];
	const char *p = str;

	if (!str)
		return -EINVAL;
	for (int i = 0; i < 4; i++) {
		const char *end = p + strcspn(p, ",");

		if (parse_num(p, end, i == 3, &v[i]))
			return -EINVAL;
		if (i < 3 && *end != ',')
			return -EINVAL;
		p = *end ? end + 1 : end;
		if (i == 3 && *end == ',') {
			size_t len = strlen(p);

			if (len == 0 || len > KMEM_CACHE_NAME_MAX ||
			    strchr(p, ','))
				return -EINVAL;
			memcpy(a.cache_filter, p, len + 1);
		}
	}
	if (v[1] > 100)
		return -EINVAL;
	a.interval = (unsigned long)v[0];
	a.probability = (unsigned int)v[1];
	a.space = (unsigned long)v[2];
	a.times = v[3];
	return failslab_set(&a);
}

/* failslab_init_env - SCULLC_FAILSLAB at start-up; a bad value is ignored. */
void failslab_init_env(void)
{
	const char *v = getenv("SCULLC_FAILSLAB");
	char q[QUOTE_SIZE];

	if (v && failslab_setup(v) < 0)
		out_report("libscullc: SCULLC_FAILSLAB=%s: want <interval>,"
			"<probability>,<space>,<times>[,<cache>], ignored\n",
			quote(q, sizeof(q), v));
}

/* The decision proper, once the caller's own conditions passed. */
static bool decide(size_t size)
{
	if (attr.times == 0)
		return false;
	if (space_left >= size) {
		space_left -= size;
		return false;
	}
	if (++count % attr.interval)
		return false;
	if (next_random() % 100 >= attr.probability)
		return false;
	if (attr.times > 0 && --attr.times == 0)
		atomic_store_explicit(&failslab_enabled, false,
				      memory_order_relaxed);
	failures++;
	return true;
}

/* may_report - a failure's report is due under the rate limit; fail_lock
   held */
static bool may_report(void)
{
	unsigned long now = os_now_ms();

	if (!verbose)
		return false;
	if (now - report_start >= REPORT_MS) {
		report_start = now;
		reports = 0;
	}
	return reports++ < REPORT_BURST;
}

/* report - a failure, as the kernel's fail_dump; no lock held */
static void report(const struct failslab_attr *a, unsigned long level,
		   struct kmem_cache *s, size_t size)
{
	out_begin();
	out_printf("FAULT_INJECTION: forcing a failure.\n"
		   "name failslab, interval %lu, probability %u, space %lu, "
		   "times %ld\n", a->interval, a->probability, a->space,
		   a->times);
	if (level > 1)
		out_printf("cache %s, size %zu\n", s ? s->name : "(kmalloc)",
			   size);
	out_end();
}

/**
 * should_failslab - whether to fail this allocation of @size bytes from @s
 * (NULL for a large kmalloc) with @gfp.  Callers on a fast path test
 * failslab_enabled first; this tests it again, so any caller may skip
 * that.  Takes fail_lock only while injection is on; never blocks
 * otherwise.
 */
bool should_failslab(struct kmem_cache *s, size_t size, gfp_t gfp)
{
	struct failslab_attr now;
	unsigned long level = 0;
	bool fail;

	if (!atomic_load_explicit(&failslab_enabled, memory_order_relaxed) ||
	    (gfp & __GFP_NOFAIL))
		return false;
	mutex_lock(&fail_lock);
	if (attr.ignore_gfp_reclaim && gfpflags_allow_blocking(gfp))
		fail = false;
	else if (attr.cache_filter[0] &&
		 (!s || strcmp(attr.cache_filter, s->name)))
		fail = false;
	else if (cache_filter &&
		 (!s || !atomic_load_explicit(&s->failslab,
					      memory_order_relaxed)))
		fail = false;
	else
		fail = decide(size);
	if (fail && may_report()) {
		level = verbose;
		now = attr;
		now.space = space_left;
	}
	mutex_unlock(&fail_lock);
	if (level)
		report(&now, level, s, size);
	return fail;
}

/* the scullc_ names of the functions above (libscullc(3), "Name clashes") */
SCULLC_ALIAS(failslab_failures);
SCULLC_ALIAS(failslab_get);
SCULLC_ALIAS(failslab_get_cache_filter);
SCULLC_ALIAS(failslab_get_verbose);
SCULLC_ALIAS(failslab_set_cache_filter);
SCULLC_ALIAS(failslab_set_verbose);
SCULLC_ALIAS(failslab_set);
SCULLC_ALIAS(failslab_setup);
