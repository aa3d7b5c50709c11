/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* slabinfo.c - the /proc/slabinfo version 2.1 report, and tuning writes */

/*
 * Design.  slabinfo_read renders the whole report in one pass over the
 * caches, under cache_set_lock, into a scratch buffer, and only then copies it
 * out: every call sees one consistent snapshot, and a sizing call
 * (slabinfo_read(NULL, 0)) followed by a real one returns the same bytes
 * when nothing changed in between.  The buffer is allocated first, with a
 * size guessed from the last report; when the report turns out longer, the pass is run again with
 * a buffer of the right size.
 *
 * The scratch buffer comes straight from the OS (os_map), not from kmalloc:
 * reading the report must not change the numbers it reports (a kmalloc
 * here could refill a magazine of one of the kmalloc caches it is about to
 * print).  Nor from the C library's malloc: the library then never calls
 * malloc, so its fork safety (fork.c) does not depend on malloc's.  A
 * malloc whose locks are not taken around fork (AddressSanitizer's, before
 * its runtime learnt pthread_atfork) can hang a child whose parent had a
 * thread inside it; the child can still read slabinfo.
 *
 * The format is the kernel's, byte for byte (mm/slab_common.c), so that
 * slabtop and other /proc/slabinfo parsers read it unchanged.
 *
 * slabinfo_write follows the SLAB allocator's rules: one command
 * "NAME LIMIT BATCHCOUNT SHARED" per write, at most SLABINFO_WRITE_MAX
 * bytes, unknown cache -EINVAL.  It is stricter than the kernel in one way:
 * the kernel parsed the numbers with a lenient sscanf and silently ignored
 * out-of-range values (returning success without tuning); here anything
 * malformed or out of range is -EINVAL, so a script learns of its mistake.
 *
 * Locks: cache.c's cache_set_lock, taken by cache_for_each and
 * around finding and tuning a cache, as the kernel's slabinfo_write holds
 * slab_mutex so the cache cannot be destroyed in between.  The tune
 * allocates the new depot under it, and the direct reclaim that
 * allocation may run takes only cache_mutex, never cache_set_lock.
 */

#include "mm/internal.h"
#include "sbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLABINFO_HEADER \
	"slabinfo - version: 2.1\n" \
	"# name            <active_objs> <num_objs> <objsize> <objperslab> " \
	"<pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : " \
	"slabdata <active_slabs> <num_slabs> <sharedavail>\n"

static void show(struct kmem_cache *s, void *arg)
{
	struct sbuf *r = arg;
	struct kmem_cache_stats st;

	kmem_cache_get_stats(s, &st);
	sbuf_printf(r, "%-17s %6lu %6lu %6u %4u %4d : tunables %4u %4u %4u"
	    " : slabdata %6lu %6lu %6lu\n",
	    kmem_cache_name(s), st.active_objs, st.num_objs, st.objsize,
	    st.objperslab, (int)st.pagesperslab, st.limit, st.batchcount,
	    st.shared, st.active_slabs, st.num_slabs, st.shared_avail);
}

/* Last report's length: the next one is usually about as long.  Relaxed:
   a hint, any value of which gives a right report (a stale one costs a
   second pass at most). */
static _Atomic size_t size_hint = 4096;

/**
 * slabinfo_read - render every cache in /proc/slabinfo version 2.1 format
 * @buf: where to write, NULL when @len is 0
 * @len: bytes available; the output is cut to @len - 1 and NUL-terminated
 *
 * One line per cache, newest first, after the two header lines.  Returns
 * the length of the whole report (without NUL) as snprintf does, so
 * slabinfo_read(NULL, 0) sizes the buffer; 0 with errno ENOMEM when no
 * scratch memory could be had.  Never blocks for memory; any thread.
 */
SCULLC_API size_t slabinfo_read(char *buf, size_t len)
{
	struct sbuf r;
	size_t want = atomic_load_explicit(&size_hint, memory_order_relaxed);

	for (;;) {
		r.cap = ALIGN(want + 1, PAGE_SIZE);
		r.len = 0;
		r.buf = os_map(r.cap, 0);
		if (!r.buf) {
			if (buf && len)
				buf[0] = '\0';
			errno = ENOMEM;
			return 0;
		}
		sbuf_printf(&r, "%s", SLABINFO_HEADER);
		cache_for_each(show, &r);
		if (r.len < r.cap)
			break;
		os_unmap(r.buf, r.cap);
		want = r.len + r.len / 8;   /* room for a few new caches */
	}
	atomic_store_explicit(&size_hint, r.len + 256, memory_order_relaxed);

	if (buf && len) {
		size_t n = MIN(r.len, len - 1);

		memcpy(buf, r.buf, n);
		buf[n] = '\0';
	}
	os_unmap(r.buf, r.cap);
	return r.len;
}

/* ------------------------------------------------------------------ */
/* Tuning writes                                                       */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Parse a decimal 0..INT_MAX at *p, advancing it.  Returns -1 if none. */
static long number(const char **p, const char *end)
{
	const char *s = *p;
	long v = 0;

	if (s == end || *s < '0' || *s > '9')
		return -1;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (*s - '0');
		if (v > 0x7fffffffL)
			return -1;
	}
	*p = s;
	return v;
}

/**
 * slabinfo_write - apply one tuning command "NAME LIMIT BATCHCOUNT SHARED"
 * @buf: the command; fields separated by blanks, a trailing newline allowed
 * @len: its length, at most SLABINFO_WRITE_MAX
 *
 * Returns 0 once the cache is tuned (kmem_cache_tune), -EINVAL when the
 * command is too long, malformed (missing or extra fields, not decimal
 * numbers, a NUL inside), names no live cache, or has values out of range
 * (limit 1..KMEM_CACHE_LIMIT_MAX, batchcount 1..limit, shared
 * 0..KMEM_CACHE_SHARED_MAX).  The kernel ignored out-of-range
 * values and returned success; this is deliberately stricter.  On error
 * nothing is changed.  May block.
 */
SCULLC_API int slabinfo_write(const char *buf, size_t len)
{
	char name[KMEM_CACHE_NAME_MAX + 1];
	const char *p, *end, *sp;
	struct kmem_cache *s;
	long v[3];
	int i, ret;

	if (!buf || len == 0 || len > SLABINFO_WRITE_MAX)
		return -EINVAL;
	if (memchr(buf, '\0', len))
		return -EINVAL;
	end = buf + len;
	if (end[-1] == '\n')
		end--;

	/* The name runs to the first blank, as in the kernel. */
	for (sp = buf; sp < end && !is_blank(*sp); sp++)
		;
	if (sp == buf || sp == end || (size_t)(sp - buf) > KMEM_CACHE_NAME_MAX)
		return -EINVAL;
	memcpy(name, buf, (size_t)(sp - buf));
	name[sp - buf] = '\0';

	p = sp;
	for (i = 0; i < 3; i++) {
		if (p == end || !is_blank(*p))
			return -EINVAL;
		while (p < end && is_blank(*p))
			p++;
		v[i] = number(&p, end);
		if (v[i] < 0)
			return -EINVAL;
	}
	if (p != end)
		return -EINVAL;

	if (v[0] < 1 || v[0] > KMEM_CACHE_LIMIT_MAX || v[1] < 1 ||
	    v[1] > v[0] || v[2] > KMEM_CACHE_SHARED_MAX)
		return -EINVAL;

	/* The cache cannot go away between find and tune. */
	mutex_lock(&cache_set_lock);
	s = kmem_cache_find(name);
	ret = s ? kmem_cache_tune(s, (int)v[0], (int)v[1], (int)v[2])
		: -EINVAL;
	mutex_unlock(&cache_set_lock);
	return ret;
}

/* the scullc_ names of the functions above (libscullc(3), "Name clashes") */
SCULLC_ALIAS(slabinfo_read);
SCULLC_ALIAS(slabinfo_write);
