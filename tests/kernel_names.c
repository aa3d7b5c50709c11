/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kernel_names.c - a program with the kernel's internal names links libscullc */

/*
 * Code ported from the kernel brings its own page_address, alloc_pages,
 * slab_alloc...  libscullc uses those names inside, but none of them may
 * reach the program's namespace: built twice, against the static archive
 * (kernel_names_static) and the shared library (kernel_names_shared), this
 * program must link, its own functions must be the ones it calls, and the
 * library must still work.  A failure to link is the failure this tests.
 */

#include <stdio.h>
#include <string.h>

#include <scullc/gfp.h>
#include <scullc/slab.h>

/* Names libscullc uses internally, defined here with other meanings */
int page_address(int x);
int alloc_pages(int x);
int __free_pages(int x);
int slab_alloc(int x);
int slab_free(int x);
int slab_init(int x);
int cache_create(int x);
int virt_to_cache(int x);
int os_map(int x);
int os_unmap(int x);
int mag_alloc(int x);
int debug_init_env(int x);
int kmalloc_caches(int x);
int page_alloc_init(int x);
int fork_init(int x);
int cache_mutex(int x);

int page_address(int x) { return x + 1; }
int alloc_pages(int x) { return x + 2; }
int __free_pages(int x) { return x + 3; }
int slab_alloc(int x) { return x + 4; }
int slab_free(int x) { return x + 5; }
int slab_init(int x) { return x + 6; }
int cache_create(int x) { return x + 7; }
int virt_to_cache(int x) { return x + 8; }
int os_map(int x) { return x + 9; }
int os_unmap(int x) { return x + 10; }
int mag_alloc(int x) { return x + 11; }
int debug_init_env(int x) { return x + 12; }
int kmalloc_caches(int x) { return x + 13; }
int page_alloc_init(int x) { return x + 14; }
int fork_init(int x) { return x + 15; }
int cache_mutex(int x) { return x + 16; }

int main(void)
{
	int (*const mine[])(int) = {
		page_address, alloc_pages, __free_pages, slab_alloc, slab_free,
		slab_init, cache_create, virt_to_cache, os_map, os_unmap,
		mag_alloc, debug_init_env, kmalloc_caches, page_alloc_init,
		fork_init, cache_mutex,
	};
	struct kmem_cache *c;
	unsigned long pg;
	unsigned int i;
	char *s, *p;

	for (i = 0; i < sizeof(mine) / sizeof(mine[0]); i++)
		if (mine[i](100) != 100 + (int)i + 1) {
			fprintf(stderr, "function %u is not the program's\n", i);
			return 1;
		}

	c = kmem_cache_create("kernel_names", 100, 0, SLAB_HWCACHE_ALIGN, NULL);
	p = c ? kmem_cache_alloc(c, GFP_KERNEL) : NULL;
	s = kstrdup("libscullc", GFP_KERNEL);
	pg = __get_free_pages(GFP_KERNEL, 1);
	if (!p || !s || !pg || strcmp(s, "libscullc") != 0) {
		fprintf(stderr, "libscullc failed beside them\n");
		return 1;
	}
	memset(p, 1, 100);
	free_pages(pg, 1);
	kfree(s);
	kmem_cache_free(c, p);
	if (kmem_cache_destroy(c) != 0)
		return 1;
	printf("%u kernel names of the program's own, and libscullc works\n",
	       i);
	return 0;
}
