/* SPDX-License-Identifier: GPL-2.0-or-later */
/* slab_tree.c - slab/ and debug/slab/: SLUB's sysfs and debugfs trees */

/*
 * Design.  The root directory slab/ holds one directory per cache, named
 * as the cache, holding the attribute files of the kernel's ABI
 * description of /sys/kernel/slab (Documentation/ABI/testing/
 * sysfs-kernel-slab) in the formats of mm/slub.c, so that the kernel's
 * own tools/mm/slabinfo program reads it unchanged through a bind mount
 * over /sys/kernel/slab.  Every file is a pseudo-file (pseudo.c): an
 * entry of the attrs[] table, or of events[], one per statistics counter
 * that libscullc names (kmem_cache_event_name), made at mount.
 *
 * Everything comes through libscullc's public API: kmem_cache_for_each
 * finds the caches, kmem_cache_get_info their geometry, flags and
 * counts, kmem_cache_get_events their counters.  A file shows its cache
 * by name, looked up inside kmem_cache_for_each at each read, during
 * which no cache can be destroyed; a file whose cache is gone reads as
 * empty.
 *
 * Caches come and go: before each lookup in slab/ and each listing of it,
 * slab_refresh compares the directories with the live caches, makes the
 * missing ones and removes those whose cache is gone, as sysfs does at
 * kmem_cache_create and kmem_cache_destroy.  The first refresh makes
 * them all, and a cache's directory gets its files at the first lookup in
 * it or listing of it (cache_refresh): the tree's inodes, some 60 per
 * cache, are made only once somebody looks, and never charged to size=
 * (fs.h, FS_GFP_REPORT).  A struct slab_cache (the name the files show,
 * and the name its directory's entry points at), from the cache
 * scull_slab_dir, is kept until unmount even when its directory goes,
 * because an open file may still point at it.
 *
 * Formats (mm/slub.c): one number and "\n"; counts with a node breakdown
 * add " N0=<count>" when it is not 0 (everything is node 0 here); the
 * statistics counters are summed over every thread and cleared by writing
 * "0"; shrink and validate read empty and act on a write of "1";
 * alloc_calls and free_calls, only on caches with owner tracking (U),
 * list the callers as SLUB's list_locations does, ages in milliseconds.
 * One file is ours alone: slab_map, every slab and its objects (SLUB's
 * "slabs" is a count, which the kernel's tools read).
 *
 * debug/slab/ (debugfs.c's table names slab_debugfs_dir_ops) is a second
 * tree of the same kind: one directory per cache with owner tracking,
 * holding alloc_traces and free_traces as SLUB's debugfs does, the same
 * callers as alloc_calls and free_calls, most objects first.  Each tree
 * is a struct cache_tree; the records of both are on fs->slab_caches.
 *
 * Lock order: enum lock_rank (lock.h) - fs->ns_lock (write, refresh
 * only), then the allocator's locks.  Nothing allocates inside
 * kmem_cache_for_each while ns_lock is held: refresh gathers the names
 * first, then changes the tree.
 */

#include "fs/fs.h"
#include "fs/formats.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct slab_attr;

/*
 * A tree of one directory per cache: slab/ (every cache, the sysfs
 * attributes and the statistics counters) or debug/slab/ (the caches
 * with owner tracking, SLUB's debugfs files).
 */
struct cache_tree {
	const struct slab_attr *attrs;   /* each cache directory's files */
	size_t nr_attrs;
	bool events;                     /* and one file per counter */
	unsigned long need;              /* only caches with these flags */
};

/* One cache as a tree knows it. */
struct slab_cache {
	struct list_head list;       /* fs->slab_caches; ns_lock */
	const struct cache_tree *tree;   /* the tree it is in; fixed */
	struct fs_inode *dir;        /* its directory in the tree, or NULL
					once the cache is gone; ns_lock */
	bool populated;              /* dir holds all its files; ns_lock */
	char name[KMEM_CACHE_NAME_MAX + 1];
};

/* One attribute file. */
struct slab_attr {
	struct pseudo_file file;
	void (*show)(struct kmem_cache *s, const struct slab_attr *a,
		     struct sbuf *sb);
	int (*store)(struct kmem_cache *s, const struct slab_attr *a,
		     const char *buf, size_t len);
	size_t field;                /* offsetof in kmem_cache_info, or the
					event number */
	unsigned long flag;          /* SLAB_* for a flag file */
	bool store_user_only;        /* only with owner tracking */
};

/* ------------------------------------------------------------------ */
/* Reading a cache by name                                             */

struct call {
	const char *name;
	const struct slab_attr *attr;
	struct sbuf *sb;             /* show */
	const char *buf;             /* store */
	size_t len;
	int ret;
};

static int call_one(struct kmem_cache *s, void *arg)
{
	struct call *c = arg;

	if (strcmp(kmem_cache_name(s), c->name))
		return 0;
	if (c->sb)
		c->attr->show(s, c->attr, c->sb);
	else
		c->ret = c->attr->store(s, c->attr, c->buf, c->len);
	return 1;
}

static void attr_show(struct fs *fs, const struct pseudo_file *pf,
		      void *data, struct sbuf *sb)
{
	const struct slab_cache *sc = data;
	struct call c = {
		.name = sc->name,
		.attr = container_of(pf, struct slab_attr, file),
		.sb = sb,
	};

	(void)fs;
	kmem_cache_for_each(call_one, &c);   /* a gone cache: empty */
}

static int attr_store(struct fs *fs, const struct pseudo_file *pf,
		      void *data, const char *buf, size_t len)
{
	const struct slab_cache *sc = data;
	struct call c = {
		.name = sc->name,
		.attr = container_of(pf, struct slab_attr, file),
		.buf = buf,
		.len = len,
		.ret = -ENOENT,
	};

	(void)fs;
	kmem_cache_for_each(call_one, &c);
	return c.ret;
}

static void get_info(struct kmem_cache *s, struct kmem_cache_info *info)
{
	memset(info, 0, sizeof(*info));
	kmem_cache_get_info(s, info, sizeof(*info));
}

/* ------------------------------------------------------------------ */
/* The attributes                                                      */

static unsigned long info_field(const struct kmem_cache_info *info,
				size_t off)
{
	/* the fields named in attrs[] are unsigned int or unsigned long */
	if (off >= offsetof(struct kmem_cache_info, objects))
		return *(const unsigned long *)((const char *)info + off);
	return *(const unsigned int *)((const char *)info + off);
}

/* show_number - "%u\n", as slab_size_show & co. */
static void show_number(struct kmem_cache *s, const struct slab_attr *a,
			struct sbuf *sb)
{
	struct kmem_cache_info info;

	get_info(s, &info);
	sbuf_printf(sb, "%lu\n", info_field(&info, a->field));
}

/* show_nodes - a count with its node breakdown, as show_slab_objects */
static void show_nodes(struct kmem_cache *s, const struct slab_attr *a,
		       struct sbuf *sb)
{
	struct kmem_cache_info info;

	get_info(s, &info);
	fmt_nodes(sb, info_field(&info, a->field));
}

/*
 * show_zero - cpu_slabs: SLUB's per-cpu slabs are slabs a CPU allocates
 * from, counted in slabs but on no node list; libscullc's per-thread
 * caches hold objects (counted in objects), never a slab, so no slab is
 * a CPU's.  Tools compute full slabs as slabs - partial - cpu_slabs.
 */
static void show_zero(struct kmem_cache *s, const struct slab_attr *a,
		      struct sbuf *sb)
{
	(void)s;
	(void)a;
	sbuf_printf(sb, "0\n");
}

/* show_flag - "1\n" or "0\n", as poison_show & co. */
static void show_flag(struct kmem_cache *s, const struct slab_attr *a,
		      struct sbuf *sb)
{
	struct kmem_cache_info info;

	get_info(s, &info);
	sbuf_printf(sb, "%d\n", !!(info.flags & a->flag));
}

/* show_ctor - the constructor's symbol, or nothing, as ctor_show */
static void show_ctor(struct kmem_cache *s, const struct slab_attr *a,
		      struct sbuf *sb)
{
	struct kmem_cache_info info;

	(void)a;
	get_info(s, &info);
	if (!info.has_ctor)
		return;
	fmt_symbol(sb, (unsigned long)info.ctor);
	sbuf_printf(sb, "\n");
}

/* show_event - a statistics counter, summed over the threads */
static void show_event(struct kmem_cache *s, const struct slab_attr *a,
		       struct sbuf *sb)
{
	unsigned long ev[KMEM_NR_EVENTS];

	if (kmem_cache_get_events(s, ev, KMEM_NR_EVENTS) <= (int)a->field)
		return;
	sbuf_printf(sb, "%lu\n", ev[a->field]);
}

/* store_event - "0" clears the counter, anything else is EINVAL */
static int store_event(struct kmem_cache *s, const struct slab_attr *a,
		       const char *buf, size_t len)
{
	if (len < 1 || buf[0] != '0')
		return -EINVAL;
	return kmem_cache_clear_event(s, (unsigned int)a->field);
}

/*
 * store_failslab - "1" marks the cache for failslab's cache-filter, "0"
 * clears the mark (each with an optional newline), as the kernel's
 * failslab_store; anything else is EINVAL, where the kernel clears it
 */
static int store_failslab(struct kmem_cache *s, const struct slab_attr *a,
			  const char *buf, size_t len)
{
	(void)a;
	if (len && buf[len - 1] == '\n')
		len--;
	if (len != 1 || (buf[0] != '0' && buf[0] != '1'))
		return -EINVAL;
	return kmem_cache_set_failslab(s, buf[0] == '1');
}

/* show_nothing - shrink and validate read empty */
static void show_nothing(struct kmem_cache *s, const struct slab_attr *a,
			 struct sbuf *sb)
{
	(void)s;
	(void)a;
	(void)sb;
}

static int store_shrink(struct kmem_cache *s, const struct slab_attr *a,
			const char *buf, size_t len)
{
	(void)a;
	if (len < 1 || buf[0] != '1')
		return -EINVAL;
	kmem_cache_shrink(s);
	return 0;
}

/* store_validate - the errors found are reported on the daemon's log */
static int store_validate(struct kmem_cache *s, const struct slab_attr *a,
			  const char *buf, size_t len)
{
	(void)a;
	if (len < 1 || buf[0] != '1')
		return -EINVAL;
	kmem_cache_validate(s);
	return 0;
}

/*
 * show_locations - the callers of @s's objects (by their last free when
 * @a->field is 1), by caller's address or, @by_count, most objects
 * first.  One collector (kmem_cache_get_locations) for alloc_calls and
 * free_calls in slab/ and alloc_traces and free_traces in debug/slab/.
 */
static void show_locations(struct kmem_cache *s, const struct slab_attr *a,
			   struct sbuf *sb, bool by_count)
{
	struct kmem_cache_location *loc = NULL;
	size_t nr = 64;
	int n;

	for (;;) {
		loc = fs_report_alloc(nr * sizeof(*loc));
		if (!loc)
			return;
		n = kmem_cache_get_locations(s, (int)a->field, loc, nr);
		if (n != -ENOSPC)
			break;
		fs_report_free(loc);
		nr *= 4;
	}
	if (n >= 0)
		fmt_locations(sb, loc, (size_t)n, sysconf(_SC_NPROCESSORS_ONLN),
			      by_count);
	fs_report_free(loc);
}

/*
 * show_slab_map - every slab and its objects (kmem_cache_get_slabs), as
 * many as SLAB_MAP_OBJS objects: the text stays within a snapshot's
 * largest block however big the cache grows; the first line says how
 * many slabs were left out.  The buffers, sized from the cache's slab
 * count with room for some growth, are pages outside size=.
 */
#define SLAB_MAP_OBJS   65536
#define SLAB_MAP_SLACK  16
static void show_slab_map(struct kmem_cache *s, const struct slab_attr *a,
			  struct sbuf *sb)
{
	struct kmem_cache_info info;
	struct kmem_cache_slabs w;
	size_t per, i;
	void *buf;

	(void)a;
	get_info(s, &info);
	per = info.objs_per_slab ? info.objs_per_slab : 1;
	memset(&w, 0, sizeof(w));
	w.nr = info.slabs + SLAB_MAP_SLACK;
	if (w.nr > SLAB_MAP_OBJS / per)
		w.nr = SLAB_MAP_OBJS / per ? SLAB_MAP_OBJS / per : 1;
	w.nr_objs = w.nr * per;
	buf = fs_report_alloc(w.nr * sizeof(*w.slab) +
			      w.nr_objs * (sizeof(*w.freelist) + 1));
	if (!buf)
		return;
	w.slab = buf;
	w.freelist = (unsigned short *)(w.slab + w.nr);
	w.map = (char *)(w.freelist + w.nr_objs);
	if (kmem_cache_get_slabs(s, &w) == 0) {
		fmt_slabs_header(sb, &w);
		for (i = 0; i < w.shown; i++)
			fmt_slab(sb, &w.slab[i]);
	}
	fs_report_free(buf);
}

/* show_calls - alloc_calls or free_calls, as SLUB's list_locations */
static void show_calls(struct kmem_cache *s, const struct slab_attr *a,
		       struct sbuf *sb)
{
	show_locations(s, a, sb, false);
}

/* show_traces - alloc_traces or free_traces, as SLUB's debugfs files */
static void show_traces(struct kmem_cache *s, const struct slab_attr *a,
			struct sbuf *sb)
{
	show_locations(s, a, sb, true);
}

#define INFO(f)  offsetof(struct kmem_cache_info, f)
#define RO(n)    { .name = #n, .show = attr_show }
#define RW(n)    { .name = #n, .show = attr_show, .store = attr_store }

/* The files of every cache's directory, in the kernel's order of names */
static const struct slab_attr attrs[] = {
	{ RO(aliases),         show_number, NULL, INFO(aliases), 0, false },
	{ RO(align),           show_number, NULL, INFO(align), 0, false },
	{ RO(alloc_calls),     show_calls, NULL, 0, 0, true },
	{ RO(cache_dma),       show_flag, NULL, 0, SLAB_CACHE_DMA, false },
	{ RO(cpu_partial),     show_number, NULL, INFO(cpu_partial), 0, false },
	{ RO(cpu_slabs),       show_zero, NULL, 0, 0, false },
	{ RO(ctor),            show_ctor, NULL, 0, 0, false },
	{ RO(destroy_by_rcu),  show_flag, NULL, 0, 0, false },
	{ RW(failslab),        show_flag, store_failslab, 0, SLAB_FAILSLAB,
	  false },
	{ RO(free_calls),      show_calls, NULL, 1, 0, true },
	{ RO(hwcache_align),   show_flag, NULL, 0, SLAB_HWCACHE_ALIGN, false },
	{ RO(min_partial),     show_number, NULL, INFO(min_partial), 0, false },
	{ RO(object_size),     show_number, NULL, INFO(object_size), 0, false },
	{ RO(objects),         show_nodes, NULL, INFO(objects), 0, false },
	{ RO(objects_partial), show_nodes, NULL, INFO(objects_partial), 0,
	  false },
	{ RO(objs_per_slab),   show_number, NULL, INFO(objs_per_slab), 0,
	  false },
	{ RO(order),           show_number, NULL, INFO(order), 0, false },
	{ RO(partial),         show_nodes, NULL, INFO(partial), 0, false },
	{ RO(poison),          show_flag, NULL, 0, SLAB_POISON, false },
	{ RO(reclaim_account), show_flag, NULL, 0, 0, false },
	{ RO(red_left_pad),    show_number, NULL, INFO(red_left_pad), 0,
	  false },
	{ RO(red_zone),        show_flag, NULL, 0, SLAB_RED_ZONE, false },
	{ RO(sanity_checks),   show_flag, NULL, 0, SLAB_CONSISTENCY_CHECKS,
	  false },
	{ RW(shrink),          show_nothing, store_shrink, 0, 0, false },
	{ RO(slab_map),        show_slab_map, NULL, 0, 0, false },
	{ RO(slab_size),       show_number, NULL, INFO(slab_size), 0, false },
	{ RO(slabs),           show_nodes, NULL, INFO(slabs), 0, false },
	{ RO(store_user),      show_flag, NULL, 0, SLAB_STORE_USER, false },
	{ RO(total_objects),   show_nodes, NULL, INFO(total_objects), 0,
	  false },
	{ RO(trace),           show_flag, NULL, 0, 0, false },
	{ RW(validate),        show_nothing, store_validate, 0, 0, false },
};

/* The files of each cache's directory in debug/slab/ */
static const struct slab_attr traces[] = {
	{ RO(alloc_traces),    show_traces, NULL, 0, 0, true },
	{ RO(free_traces),     show_traces, NULL, 1, 0, true },
};

static const struct cache_tree sysfs_tree = {
	attrs, sizeof(attrs) / sizeof(attrs[0]), true, 0
};
static const struct cache_tree debugfs_tree = {
	traces, sizeof(traces) / sizeof(traces[0]), false, SLAB_STORE_USER
};

/* One file per statistics counter, named by libscullc; made at mount. */
static struct slab_attr events[KMEM_NR_EVENTS];
static pthread_once_t events_once = PTHREAD_ONCE_INIT;

static void events_init(void)
{
	unsigned int i;

	for (i = 0; i < KMEM_NR_EVENTS; i++) {
		events[i].file.name = kmem_cache_event_name(i);
		events[i].file.show = attr_show;
		events[i].file.store = attr_store;
		events[i].show = show_event;
		events[i].store = store_event;
		events[i].field = i;
	}
}

/* ------------------------------------------------------------------ */
/* The directories                                                     */

/* populate - give @sc's directory the files it lacks; ns_lock (write) */
static int populate(struct fs *fs, struct slab_cache *sc, unsigned long flags)
{
	const struct slab_attr *attr = sc->tree->attrs;
	size_t i, n = sc->tree->nr_attrs;
	const struct pseudo_file *pf;
	int ret;

	lock_assert_held_write(&fs->ns_lock);
	for (i = 0; i < n + (sc->tree->events ? KMEM_NR_EVENTS : 0); i++) {
		pf = i < n ? &attr[i].file : &events[i - n].file;
		if (!pf->name || fs_dir_find(fs, sc->dir, pf->name))
			continue;
		if (i < n && attr[i].store_user_only &&
		    !(flags & SLAB_STORE_USER))
			continue;
		ret = pseudo_add_file(fs, sc->dir, pf, sc);
		if (ret)
			return ret;  /* the next lookup or listing goes on */
	}
	sc->populated = true;
	return 0;
}

struct flags_of {
	const char *name;
	unsigned long flags;
};

static int flags_one(struct kmem_cache *s, void *arg)
{
	struct flags_of *f = arg;
	struct kmem_cache_info info;

	if (strcmp(kmem_cache_name(s), f->name))
		return 0;
	get_info(s, &info);
	f->flags = info.flags;
	return 1;
}

/*
 * cache_refresh - a cache directory's fs_dir_ops.refresh: its files are
 * made at the first lookup in it or listing of it, not at mount, so that
 * a mount nobody inspects does not hold some 60 inodes per cache
 */
static struct slab_cache *cache_of(struct fs *fs, struct fs_inode *dir)
{
	struct slab_cache *sc;

	list_for_each_entry(sc, &fs->slab_caches, list)
		if (sc->dir == dir)
			return sc;
	return NULL;
}

static void cache_refresh(struct fs *fs, struct fs_inode *dir)
{
	struct flags_of f = { NULL, 0 };
	struct slab_cache *sc;
	bool done;

	rwlock_rdlock(&fs->ns_lock);       /* the common case */
	sc = cache_of(fs, dir);
	done = !sc || sc->populated;
	rwlock_unlock(&fs->ns_lock);
	if (done)
		return;
	rwlock_wrlock(&fs->ns_lock);
	sc = cache_of(fs, dir);
	if (sc && !sc->populated) {
		f.name = sc->name;
		if (kmem_cache_for_each(flags_one, &f))  /* still alive */
			populate(fs, sc, f.flags);
	}
	rwlock_unlock(&fs->ns_lock);
}

static const struct fs_dir_ops cache_dir_ops = {
	.refresh = cache_refresh,
};

/* A live cache, as gathered before the tree changes. */
struct live {
	char name[KMEM_CACHE_NAME_MAX + 1];
};

struct gather {
	struct live *v;
	size_t nr, cap;
	unsigned long need;          /* only caches with these flags */
};

static int gather_one(struct kmem_cache *s, void *arg)
{
	struct gather *g = arg;
	struct kmem_cache_info info;

	if (g->need) {
		get_info(s, &info);
		if ((info.flags & g->need) != g->need)
			return 0;
	}
	if (g->nr < g->cap)
		snprintf(g->v[g->nr].name, sizeof(g->v[g->nr].name), "%s",
			 kmem_cache_name(s));
	g->nr++;
	return 0;
}

/* gather - the live caches of @tree into @g (fs_report_alloc'd); 0 or
   -ENOMEM */
static int gather(const struct cache_tree *tree, struct gather *g)
{
	g->need = tree->need;
	g->cap = 64;
	for (;;) {
		g->nr = 0;
		g->v = fs_report_alloc(g->cap * sizeof(*g->v));
		if (!g->v)
			return -ENOMEM;
		kmem_cache_for_each(gather_one, g);
		if (g->nr <= g->cap)
			return 0;
		fs_report_free(g->v);
		g->cap = g->nr + 16;
	}
}

/*
 * sync_dirs - make the directories of @tree's root @slab those of the
 * caches in @g: new caches get one, gone ones lose theirs (to @victims).
 * ns_lock held for writing.  0 or -ENOMEM (what was made stays, and a
 * later refresh tries again).
 */
static int sync_dirs(struct fs *fs, const struct cache_tree *tree,
		     struct fs_inode *slab, const struct gather *g,
		     struct fs_inode **victims)
{
	struct slab_cache *sc;
	struct fs_dirent *de;
	size_t i;

	lock_assert_held_write(&fs->ns_lock);
	list_for_each_entry(sc, &fs->slab_caches, list) {
		if (!sc->dir || sc->tree != tree)
			continue;
		for (i = 0; i < g->nr; i++)
			if (!strcmp(g->v[i].name, sc->name))
				break;
		if (i < g->nr)
			continue;
		de = fs_dir_find(fs, slab, sc->name);
		if (de)
			pseudo_rmdir(fs, de, victims);
		sc->dir = NULL;
	}
	for (i = 0; i < g->nr; i++) {
		if (fs_dir_find(fs, slab, g->v[i].name))
			continue;
		sc = kmem_cache_zalloc(fs->slab_dir_cache, FS_GFP_REPORT);
		if (!sc)
			return -ENOMEM;
		snprintf(sc->name, sizeof(sc->name), "%s", g->v[i].name);
		sc->tree = tree;
		sc->dir = pseudo_mkdir(fs, slab, sc->name, &cache_dir_ops);
		if (!sc->dir) {
			kmem_cache_free(fs->slab_dir_cache, sc);
			return -ENOMEM;
		}
		list_add_tail(&sc->list, &fs->slab_caches);
	}
	return 0;
}

/* in_sync - slab/ has a directory for each cache of @g and no other;
   ns_lock held */
static bool in_sync(struct fs *fs, struct fs_inode *slab,
		    const struct gather *g)
{
	size_t i;

	lock_assert_held(&fs->ns_lock);
	if (slab->dir.nr_entries != g->nr)
		return false;
	for (i = 0; i < g->nr; i++)
		if (!fs_dir_find(fs, slab, g->v[i].name))
			return false;
	return true;
}

/* tree_refresh - the root of @tree, @slab, follows the live caches */
static void tree_refresh(struct fs *fs, const struct cache_tree *tree,
			 struct fs_inode *slab)
{
	struct fs_inode *victims = NULL;
	struct gather g;
	bool same;

	if (gather(tree, &g))
		return;              /* the tree stays as it was */
	rwlock_rdlock(&fs->ns_lock);       /* the common case */
	same = in_sync(fs, slab, &g);
	rwlock_unlock(&fs->ns_lock);
	if (same) {
		fs_report_free(g.v);
		return;
	}
	rwlock_wrlock(&fs->ns_lock);
	sync_dirs(fs, tree, slab, &g, &victims);
	rwlock_unlock(&fs->ns_lock);
	pseudo_evict(fs, victims);
	fs_report_free(g.v);
}

/* slab_refresh - slab/'s fs_dir_ops.refresh: every live cache */
static void slab_refresh(struct fs *fs, struct fs_inode *slab)
{
	tree_refresh(fs, &sysfs_tree, slab);
}

static const struct fs_dir_ops slab_dir_ops = {
	.refresh = slab_refresh,
};

/* debug_slab_refresh - debug/slab/'s: the caches with owner tracking,
   as SLUB's debugfs_slab_add makes a directory only for those */
static void debug_slab_refresh(struct fs *fs, struct fs_inode *dir)
{
	tree_refresh(fs, &debugfs_tree, dir);
}

/* debug/slab/'s directory operations, for debugfs.c's table: it must
   come after slab/ (slab_tree_init makes the records' cache) */
const struct fs_dir_ops slab_debugfs_dir_ops = {
	.refresh = debug_slab_refresh,
};

/**
 * slab_tree_init - make slab/ under @root; its directories come at the
 * first lookup in it or listing of it (slab_refresh), so a mount nobody
 * inspects spends nothing on them.  Called by pseudo_init with ns_lock
 * held for writing.  Returns 0 or -ENOMEM.  May block for memory.
 */
int slab_tree_init(struct fs *fs, struct fs_inode *root)
{
	lock_assert_held_write(&fs->ns_lock);
	pthread_once(&events_once, events_init);
	INIT_LIST_HEAD(&fs->slab_caches);
	fs->slab_dir_cache = kmem_cache_create("scull_slab_dir",
					       sizeof(struct slab_cache), 0,
					       0, NULL);
	if (!fs->slab_dir_cache)
		return -ENOMEM;
	if (!pseudo_mkdir(fs, root, "slab", &slab_dir_ops))
		return -ENOMEM;
	return 0;
}

/* slab_tree_exit - free what the tree keeps beside its inodes */
void slab_tree_exit(struct fs *fs)
{
	struct slab_cache *sc, *tmp;

	if (!fs->slab_caches.next)
		return;              /* fs_init failed before the tree */
	list_for_each_entry_safe(sc, tmp, &fs->slab_caches, list) {
		list_del(&sc->list);
		kmem_cache_free(fs->slab_dir_cache, sc);
	}
	if (kmem_cache_destroy(fs->slab_dir_cache))
		fuse_log(FUSE_LOG_ERR, "scullcfs: slab/ records leaked\n");
	fs->slab_dir_cache = NULL;
}
