/* SPDX-License-Identifier: GPL-2.0-or-later */
/* misuse_probe.c - misuse a slab object on purpose, for a checker to see */

/*
 * Run under valgrind by tests/memcheck.test, and on its own in an
 * AddressSanitizer build by tests/asan.test.  Each mode makes one mistake
 * through the slab layer that the checker can only catch because libscullc
 * describes its objects to it (memcheck's client requests, ASan's manual
 * poisoning):
 *   use-after-free    read an object after kmem_cache_free
 *   use-after-kfree   read a kmalloc block after kfree
 *   large-after-kfree read a block of pages (above kmalloc-8k) after kfree
 *   debug-after-free  the same with a debug cache (slab_debug=FZPU)
 *   overflow          write one byte past a cache's object
 *   kmalloc-overflow  write one byte past the size given to kmalloc, inside
 *                     its class (ASan only: memcheck is told the class
 *                     size, which ksize allows)
 *   undefined         branch on bytes kmem_cache_alloc never initialised
 *                     (memcheck only)
 *   leak              lose the last pointer to an object (memcheck only)
 *   clean             no mistake, but every legitimate way to reach a
 *                     block's bytes (ksize's slack, krealloc in place and
 *                     moving, a debug cache and its validation walk): the
 *                     checker must stay silent
 */

#include <stdio.h>
#include <string.h>

#include <scullc/slab.h>

static volatile char sink;

/* No mistake: use what the API allows, through every path that poisons */
static int clean_extras(void)
{
	struct kmem_cache *dbg;
	char *p, *q, *big;
	size_t n;

	p = kmalloc(40, GFP_KERNEL);
	if (!p)
		return 2;
	n = ksize(p);                          /* 64: all of it usable */
	memset(p, 4, n);
	q = krealloc(p, 20, GFP_KERNEL);       /* in place, shrunk */
	if (q != p)
		return 2;
	memset(q, 5, 20);
	p = krealloc(q, 60, GFP_KERNEL);       /* in place, grown again */
	if (!p)
		return 2;
	memset(p, 6, 60);
	q = krealloc(p, 300, GFP_KERNEL);      /* moves to kmalloc-512 */
	if (!q)
		return 2;
	memset(q, 7, 300);
	kfree(q);

	big = kzalloc(20000, GFP_KERNEL);      /* a block of pages */
	if (!big)
		return 2;
	big[19999] = 1;
	big = krealloc(big, 30000, GFP_KERNEL);  /* in place: 8 pages */
	if (!big)
		return 2;
	big[29999] = 1;
	kfree(big);

	dbg = kmem_cache_create("probe-debug", 100, 0, SLAB_DEBUG_FLAGS, NULL);
	if (!dbg)
		return 2;
	p = kmem_cache_alloc(dbg, GFP_KERNEL);
	q = kmem_cache_zalloc(dbg, GFP_KERNEL);
	if (!p || !q)
		return 2;
	memset(p, 8, 100);
	kmem_cache_free(dbg, p);
	kmem_cache_free(dbg, q);
	if (kmem_cache_validate(dbg))
		return 1;
	return kmem_cache_destroy(dbg) ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "clean";
	struct kmem_cache *c = kmem_cache_create("probe", 100, 0, 0, NULL);
	char *obj, *blk;

	if (!c)
		return 2;
	obj = kmem_cache_alloc(c, GFP_KERNEL);
	blk = kmalloc(40, GFP_KERNEL);
	if (!obj || !blk)
		return 2;
	memset(obj, 1, 100);
	memset(blk, 2, 40);

	if (!strcmp(mode, "use-after-free")) {
		kmem_cache_free(c, obj);
		sink = obj[10];
		obj = NULL;
	} else if (!strcmp(mode, "use-after-kfree")) {
		kfree(blk);
		sink = blk[10];
		blk = NULL;
	} else if (!strcmp(mode, "large-after-kfree")) {
		char *big = kmalloc(100000, GFP_KERNEL);

		if (!big)
			return 2;
		big[50000] = 1;
		kfree(big);
		sink = big[50000];
	} else if (!strcmp(mode, "debug-after-free")) {
		struct kmem_cache *dbg = kmem_cache_create("probe-debug", 100,
						0, SLAB_DEBUG_FLAGS, NULL);
		char *d = dbg ? kmem_cache_alloc(dbg, GFP_KERNEL) : NULL;

		if (!d)
			return 2;
		kmem_cache_free(dbg, d);
		sink = d[10];
	} else if (!strcmp(mode, "overflow")) {
		obj[100] = 3;
	} else if (!strcmp(mode, "kmalloc-overflow")) {
		blk[40] = 3;
	} else if (!strcmp(mode, "undefined")) {
		char *fresh = kmem_cache_alloc(c, GFP_KERNEL);

		if (fresh[50] == 7)
			sink = 1;
		kmem_cache_free(c, fresh);
	} else if (!strcmp(mode, "leak")) {
		obj = kmem_cache_alloc(c, GFP_KERNEL);   /* the first is lost */
	} else if (!strcmp(mode, "clean")) {
		if (clean_extras())
			return 2;
	} else {
		fprintf(stderr, "misuse_probe: unknown mode %s\n", mode);
		return 2;
	}
	if (strcmp(mode, "leak")) {
		kmem_cache_free(c, obj);
		kfree(blk);
		return kmem_cache_destroy(c) ? 1 : 0;
	}
	kmem_cache_free(c, obj);
	kfree(blk);
	return 0;
}
