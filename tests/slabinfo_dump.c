/* SPDX-License-Identifier: GPL-2.0-or-later */
/* slabinfo_dump.c - print a known slabinfo report, for slabtop.test */

/*
 * Creates "scullc" (4000 bytes, SLAB_HWCACHE_ALIGN, as the scullc driver
 * does) and two smaller caches, allocates a known number of objects from
 * each, drains the thread's magazines so that active_objs is exactly what
 * the users hold, and writes slabinfo_read's report to stdout.  Exit status
 * 0, or 1 with a message on stderr.
 */

#include <stdio.h>
#include <stdlib.h>

#include <scullc/slab.h>

#define NR_SCULLC 20    /* 3 slabs of 8: 24 objects, 20 active */
#define NR_QSET 5
#define NR_DEV 3

struct cache_use {
	const char *name;
	size_t size;
	unsigned long flags;
	int nr;
	struct kmem_cache *cache;
	void *objs[NR_SCULLC];
};

int main(void)
{
	struct cache_use use[] = {
		{ "scull_dev", 200, 0, NR_DEV, NULL, { NULL } },
		{ "scullc_qset", 4000, 0, NR_QSET, NULL, { NULL } },
		{ "scullc", 4000, SLAB_HWCACHE_ALIGN, NR_SCULLC, NULL, { NULL } },
	};
	unsigned int u;
	int i, status = 0;
	size_t len;
	char *buf;

	for (u = 0; u < sizeof(use) / sizeof(use[0]); u++) {
		struct cache_use *c = &use[u];

		/* one object per refill: nothing extra sits in a magazine */
		c->cache = kmem_cache_create(c->name, c->size, 0, c->flags,
					     NULL);
		if (!c->cache || kmem_cache_tune(c->cache, 1, 1, 0)) {
			perror(c->name);
			return 1;
		}
		for (i = 0; i < c->nr; i++) {
			c->objs[i] = kmem_cache_alloc(c->cache, GFP_KERNEL);
			if (!c->objs[i]) {
				perror(c->name);
				return 1;
			}
		}
		kmem_cache_shrink(c->cache);
	}

	len = slabinfo_read(NULL, 0);
	buf = malloc(len + 1);
	if (!buf || slabinfo_read(buf, len + 1) != len ||
	    fwrite(buf, 1, len, stdout) != len || fflush(stdout)) {
		perror("slabinfo_dump");
		status = 1;
	}
	free(buf);

	for (u = 0; u < sizeof(use) / sizeof(use[0]); u++) {
		for (i = 0; i < use[u].nr; i++)
			kmem_cache_free(use[u].cache, use[u].objs[i]);
		if (kmem_cache_destroy(use[u].cache))
			status = 1;
	}
	return status;
}
