/* leak.c - the daemon's leak check: every cache ends where it started */

/*
 * The daemon's own caches (scullc, scullcfs_inode, scullcfs_dentry) cannot
 * hide a leak: kmem_cache_destroy refuses to destroy a cache with objects
 * out and names them.  Names, qset arrays, index nodes, symlink targets and
 * read buffers come from the kmalloc caches, which outlive the mount; for
 * those, fs_leaks_start counts what each cache holds for its users before
 * the mount is built and fs_leaks_check counts again after it is torn down.
 * A cache holding more at the end has lost objects.
 *
 * What a cache holds for its users, once the calling thread's per-thread
 * cache and the shared array have been drained by kmem_cache_shrink, is
 *   held = active_objs - shared_avail - internal_objs
 * (internal_objs are other caches' per-thread arrays).  That is exact only
 * while no other thread keeps a per-thread cache: at the start no worker
 * thread exists yet, and at the end the session has joined them all, and
 * an exiting thread gives its per-thread caches back.
 *
 * The baseline lives in libc's heap, not in the caches it measures.
 */

#include "fs/fs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fs_leaks {
	size_t nr;
	struct {
		char name[KMEM_CACHE_NAME_MAX + 1];
		unsigned long held;
	} cache[];                   /* nr entries */
};

static unsigned long held(struct kmem_cache *s)
{
	struct kmem_cache_stats st;

	kmem_cache_shrink(s);
	kmem_cache_get_stats(s, &st);
	return st.active_objs - st.shared_avail - st.internal_objs;
}

/* The names of the caches alive now, from slabinfo; NULL on failure */
static char *cache_names(size_t *nr)
{
	size_t len = slabinfo_read(NULL, 0) + 4096, n = 0;
	char *text = malloc(len), *line, *save;

	if (!text)
		return NULL;
	slabinfo_read(text, len);
	/* skip the two header lines; keep each line's first word */
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#' || !strncmp(line, "slabinfo", 8))
			continue;
		line[strcspn(line, " ")] = '\0';
		memmove(text + n, line, strlen(line) + 1);
		n += strlen(line) + 1;
	}
	*nr = n;
	return text;
}

/**
 * fs_leaks_start - record what every cache holds before the mount
 * Returns the baseline, or NULL (with a warning logged) when it cannot be
 * taken; fs_leaks_check(NULL) then checks nothing.  Call before any
 * thread but the caller uses the allocator.
 */
struct fs_leaks *fs_leaks_start(void)
{
	struct fs_leaks *b = NULL;
	size_t bytes, count = 0, i = 0;
	struct kmem_cache *s;
	char *names, *p;

	names = cache_names(&bytes);
	for (p = names; names && p < names + bytes; p += strlen(p) + 1)
		count++;
	if (names)
		b = malloc(sizeof(*b) + count * sizeof(b->cache[0]));
	if (!b) {
		fuse_log(FUSE_LOG_WARNING, "scullcfs: no leak check at "
			 "unmount: out of memory\n");
		free(names);
		return NULL;
	}
	for (p = names; p < names + bytes; p += strlen(p) + 1) {
		s = kmem_cache_find(p);
		if (!s)
			continue;
		snprintf(b->cache[i].name, sizeof(b->cache[i].name), "%s", p);
		b->cache[i++].held = held(s);
	}
	b->nr = i;
	free(names);
	return b;
}

/**
 * fs_leaks_check - compare with the baseline, log every cache holding more
 * and free the baseline.  Returns the number of objects lost.  Call once
 * every other thread that used the allocator has exited.
 */
unsigned long fs_leaks_check(struct fs_leaks *b)
{
	unsigned long lost = 0, now;
	struct kmem_cache *s;

	for (size_t i = 0; b && i < b->nr; i++) {
		s = kmem_cache_find(b->cache[i].name);
		if (!s)
			continue;
		now = held(s);
		if (now > b->cache[i].held) {
			fuse_log(FUSE_LOG_ERR, "scullcfs: %lu objects of %s "
				 "leaked\n", now - b->cache[i].held,
				 b->cache[i].name);
			lost += now - b->cache[i].held;
		}
	}
	free(b);
	return lost;
}
