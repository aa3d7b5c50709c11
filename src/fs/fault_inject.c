/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fault_inject.c - debug/failslab/: the kernel's fault-injection files */

/*
 * Design.  debug/failslab/ holds the attributes of the kernel's failslab
 * (Documentation/fault-injection/fault-injection.rst) as its debugfs
 * shows them (lib/fault-inject.c, mm/failslab.c), each one entry of
 * files[] below reading and writing one attribute of libscullc's
 * failslab at once:
 *
 *   probability      percent, "%llu\n"            failslab_attr.probability
 *   interval         "%llu\n"                     .interval
 *   times            failures left, "%lld\n"      .times (-1: no limit)
 *   space            bytes spared, "%lld\n"       .space
 *   verbose          "%llu\n"                     failslab_get_verbose
 *   ignore-gfp-wait  "Y\n" or "N\n"               .ignore_gfp_reclaim
 *   cache-filter     "Y\n" or "N\n"               failslab_get_cache_filter
 *
 * Numbers are written as the kernel's debugfs takes them (kstrtoull,
 * kstrtoll: decimal, 0x hexadecimal or 0 octal, an optional '+', one
 * optional newline), booleans as kstrtobool takes them (y, Y, 1, n, N,
 * 0, on, off); anything else, or a value libscullc refuses (probability
 * above 100, interval 0, times below -1), is EINVAL and changes nothing.
 * times and space read as they are now: each failure uses up one of
 * times, each spared allocation its size of space.  A write restarts
 * failslab's interval count and its random sequence (failslab_set).
 *
 * The per-cache switch of the kernel's cache-filter is each cache's
 * slab/<cache>/failslab (slab_tree.c).  The mount option failslab= sets
 * the same attributes at mount (main.c), and its cache name, once the
 * mount's caches exist, becomes the kernel's form: fault_inject_mount
 * marks the cache and turns cache-filter on.
 *
 * Locks, ordered by enum lock_rank (lock.h): store_lock, so that a
 * write's read-change-write of the attributes is not lost to another
 * write; only the allocator's locks are taken under it.
 */

#include "fs/fs.h"
#include "fs/formats.h"

#include <errno.h>
#include <limits.h>

struct fault_file {
	struct pseudo_file file;
	enum fault_attr_id id;
};

static struct mutex store_lock =
	MUTEX_INITIALIZER("failslab store_lock", LOCK_RANK_FS_FAILSLAB);

/* The attributes as one set, as the files show them. */
struct fault_state {
	struct failslab_attr attr;
	unsigned long verbose;
	int cache_filter;
};

static void get_state(struct fault_state *st)
{
	failslab_get(&st->attr);
	st->verbose = failslab_get_verbose();
	st->cache_filter = failslab_get_cache_filter();
}

/* apply - @id of @st from @buf; 0 or -EINVAL (@st then unchanged in
   what matters: the caller does not set it) */
static int apply(struct fault_state *st, enum fault_attr_id id,
		 const char *buf, size_t len)
{
	long long v;
	bool b;

	if (id == FA_IGNORE_GFP_WAIT || id == FA_CACHE_FILTER) {
		if (fmt_parse_bool(buf, len, &b))
			return -EINVAL;
		if (id == FA_IGNORE_GFP_WAIT)
			st->attr.ignore_gfp_reclaim = b;
		else
			st->cache_filter = b;
		return 0;
	}
	if (fmt_parse_number(buf, len, id == FA_TIMES, &v))
		return -EINVAL;
	switch (id) {
	case FA_PROBABILITY:
		if (v > 100)
			return -EINVAL;
		st->attr.probability = (unsigned int)v;
		break;
	case FA_INTERVAL:
		st->attr.interval = (unsigned long)v;   /* 0: failslab_set */
		break;
	case FA_TIMES:
		if (v < -1 || v > LONG_MAX)
			return -EINVAL;
		st->attr.times = (long)v;
		break;
	case FA_SPACE:
		st->attr.space = (unsigned long)v;
		break;
	default:                         /* FA_VERBOSE */
		st->verbose = (unsigned long)v;
		break;
	}
	return 0;
}

static void show_attr(struct fs *fs, const struct pseudo_file *pf,
		      void *data, struct sbuf *sb)
{
	const struct fault_file *ff = container_of(pf, struct fault_file, file);
	struct fault_state st;

	(void)fs;
	(void)data;
	get_state(&st);
	fmt_fault_attr(sb, &st.attr, st.verbose, st.cache_filter, ff->id);
}

/* store_attr - one attribute changed, the others as they are now */
static int store_attr(struct fs *fs, const struct pseudo_file *pf,
		      void *data, const char *buf, size_t len)
{
	const struct fault_file *ff = container_of(pf, struct fault_file, file);
	struct fault_state st;
	int ret;

	(void)fs;
	(void)data;
	mutex_lock(&store_lock);
	get_state(&st);
	ret = apply(&st, ff->id, buf, len);
	if (!ret && ff->id == FA_CACHE_FILTER)
		failslab_set_cache_filter(st.cache_filter);
	else if (!ret && ff->id == FA_VERBOSE)
		failslab_set_verbose(st.verbose);
	else if (!ret)
		ret = failslab_set(&st.attr);    /* -EINVAL: kept as it was */
	mutex_unlock(&store_lock);
	return ret;
}

#define FILE(n, id) { { n, show_attr, store_attr }, id }

/* The files of debug/failslab/, in the order of the kernel's debugfs */
static const struct fault_file files[] = {
	FILE("probability", FA_PROBABILITY),
	FILE("interval", FA_INTERVAL),
	FILE("times", FA_TIMES),
	FILE("space", FA_SPACE),
	FILE("verbose", FA_VERBOSE),
	FILE("ignore-gfp-wait", FA_IGNORE_GFP_WAIT),
	FILE("cache-filter", FA_CACHE_FILTER),
};

/*
 * fault_inject_refresh - debug/failslab/'s fs_dir_ops.refresh: its files
 * are made at the first lookup in it or listing of it, as slab/'s, so
 * that a mount nobody inspects spends nothing on them.  Takes ns_lock.
 */
static void fault_inject_refresh(struct fs *fs, struct fs_inode *dir)
{
	size_t i, n = sizeof(files) / sizeof(files[0]);
	bool done;

	rwlock_rdlock(&fs->ns_lock);       /* the common case */
	done = dir->dir.nr_entries == n;
	rwlock_unlock(&fs->ns_lock);
	if (done)
		return;
	rwlock_wrlock(&fs->ns_lock);
	for (i = 0; i < n; i++)
		if (!fs_dir_find(fs, dir, files[i].file.name) &&
		    pseudo_add_file(fs, dir, &files[i].file, NULL))
			break;       /* ENOMEM: the next lookup goes on */
	rwlock_unlock(&fs->ns_lock);
}

/* debug/failslab/'s directory operations, for debugfs.c's table */
const struct fs_dir_ops fault_inject_dir_ops = {
	.refresh = fault_inject_refresh,
};

/**
 * fault_inject_mount - once the mount's caches exist, turn a cache name
 * of failslab= (libscullc's name filter) into the kernel's form: that
 * cache marked SLAB_FAILSLAB and cache-filter on, which the files show.
 * A name no cache has yet stays a name filter.  Called by main.c after
 * fs_init; may block.
 */
void fault_inject_mount(void)
{
	struct kmem_cache *s;
	struct failslab_attr a;

	mutex_lock(&store_lock);
	failslab_get(&a);
	s = a.cache_filter[0] ? kmem_cache_find(a.cache_filter) : NULL;
	if (s) {
		/* the name filter stays on meanwhile: nothing else fails */
		kmem_cache_set_failslab(s, 1);
		failslab_set_cache_filter(1);
		a.cache_filter[0] = '\0';
		failslab_set(&a);
	}
	mutex_unlock(&store_lock);
}
