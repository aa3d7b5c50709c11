/* SPDX-License-Identifier: GPL-2.0-or-later */
/* memcheck_probe.c - misuse a slab object on purpose, for valgrind to see */

/*
 * Run under valgrind by tests/memcheck.test.  Each mode makes one mistake
 * through the slab layer that memcheck can only catch because libscullc
 * describes its objects with client requests:
 *   use-after-free   read an object after kmem_cache_free
 *   overflow         write one byte past a cache's object (kmalloc blocks
 *                    are marked at their class size, which ksize allows)
 *   undefined        branch on bytes kmem_cache_alloc never initialised
 *   leak             lose the last pointer to an object
 *   clean            no mistake: memcheck must stay silent
 */

#include <stdio.h>
#include <string.h>

#include <scullc/slab.h>

static volatile char sink;

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
	} else if (!strcmp(mode, "overflow")) {
		obj[100] = 3;
	} else if (!strcmp(mode, "undefined")) {
		char *fresh = kmem_cache_alloc(c, GFP_KERNEL);

		if (fresh[50] == 7)
			sink = 1;
		kmem_cache_free(c, fresh);
	} else if (!strcmp(mode, "leak")) {
		obj = kmem_cache_alloc(c, GFP_KERNEL);   /* the first is lost */
	} else if (strcmp(mode, "clean")) {
		fprintf(stderr, "memcheck_probe: unknown mode %s\n", mode);
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
