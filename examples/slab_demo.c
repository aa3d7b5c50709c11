/* SPDX-License-Identifier: GPL-2.0-or-later */
/* slab_demo.c - the kmem_cache life cycle: create, alloc, free, destroy */

/*
 * The smallest complete use of a slab cache, in the manner of the classic
 * kernel slab_demo(): a cache of one small structure with a constructor,
 * a handful of objects taken and given back, and a destroy that must report
 * success.  Along the way it prints what a kernel engineer would look at:
 * the object addresses (one slot size apart, inside one slab), how many
 * times the constructor ran (once per slot when the slab was populated, not
 * once per allocation), and the cache's slabinfo line.
 *
 * Build: part of `make` (examples/slab_demo), or against an installed
 * library: cc slab_demo.c $(pkg-config --cflags --libs scullc)
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scullc/slab.h>

#define NR_OBJECTS 5
#define DEMO_MAGIC 0x5c011cUL

/* What the cache holds: something a driver might keep per request. */
struct demo_obj {
	unsigned long magic;           /* DEMO_MAGIC once constructed */
	unsigned int id;               /* set by the user on each allocation */
	unsigned int refcount;         /* 0 whenever the object is free */
	char label[16];
};

static unsigned long ctor_calls;   /* single-threaded demo: no lock */

/*
 * The constructor runs on every slot of a new slab.  Objects must be given
 * back in this constructed state (refcount 0), since the constructor will
 * not run again when a slot is reused.
 */
static void demo_ctor(void *p)
{
	struct demo_obj *obj = p;

	obj->magic = DEMO_MAGIC;
	obj->id = 0;
	obj->refcount = 0;
	memset(obj->label, 0, sizeof(obj->label));
	ctor_calls++;
}

/* Print the slabinfo line of the cache called @name. */
static void show_slabinfo(const char *name)
{
	size_t len = slabinfo_read(NULL, 0) + 1, nlen = strlen(name);
	char *buf = malloc(len), *line, *save;

	if (!buf)
		return;
	slabinfo_read(buf, len);
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (strncmp(line, "# name", 6) == 0 ||
		    (strncmp(line, name, nlen) == 0 && line[nlen] == ' '))
			printf("  %s\n", line);
	free(buf);
}

int main(void)
{
	struct demo_obj *objs[NR_OBJECTS];
	struct kmem_cache *cachep;
	struct kmem_cache_stats st;
	int i, err;

	cachep = kmem_cache_create("slab_demo", sizeof(struct demo_obj), 0,
				   SLAB_HWCACHE_ALIGN, demo_ctor);
	if (!cachep) {
		fprintf(stderr, "slab_demo: kmem_cache_create: %s\n",
			strerror(errno));
		return 1;
	}
	printf("cache \"%s\": object size %u bytes\n",
	       kmem_cache_name(cachep), kmem_cache_size(cachep));

	for (i = 0; i < NR_OBJECTS; i++) {
		objs[i] = kmem_cache_alloc(cachep, GFP_KERNEL);
		if (!objs[i]) {
			fprintf(stderr, "slab_demo: kmem_cache_alloc: %s\n",
				strerror(errno));
			return 1;
		}
		if (objs[i]->magic != DEMO_MAGIC || objs[i]->refcount != 0) {
			fprintf(stderr, "slab_demo: object %d not constructed\n",
				i);
			return 1;
		}
		objs[i]->id = i;
		objs[i]->refcount = 1;
		snprintf(objs[i]->label, sizeof(objs[i]->label), "obj%d", i);
		printf("  %s at %p", objs[i]->label, (void *)objs[i]);
		if (i > 0)
			printf("  (%+ld bytes from the previous)",
			       (long)((uintptr_t)objs[i] -
				      (uintptr_t)objs[i - 1]));
		printf("\n");
	}

	kmem_cache_get_stats(cachep, &st);
	printf("slot size %u, %u objects per slab of %u page(s); "
	       "constructor ran %lu times for %d allocations\n",
	       st.objsize, st.objperslab, st.pagesperslab, ctor_calls,
	       NR_OBJECTS);
	show_slabinfo("slab_demo");
	if (st.active_objs > NR_OBJECTS)
		printf("active_objs also counts the %lu free objects parked in "
		       "this thread's cache, as the SLAB allocator did\n",
		       st.active_objs - NR_OBJECTS);

	/* Back in constructed state: the next user gets refcount 0. */
	for (i = NR_OBJECTS - 1; i >= 0; i--) {
		objs[i]->refcount = 0;
		kmem_cache_free(cachep, objs[i]);
	}
	printf("all %d objects freed\n", NR_OBJECTS);

	err = kmem_cache_destroy(cachep);
	printf("kmem_cache_destroy: %d%s\n", err, err ? " (objects leaked)" : "");
	return err ? 1 : 0;
}
