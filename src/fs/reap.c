/* SPDX-License-Identifier: GPL-2.0-or-later */
/* reap.c - give the allocator's idle memory back while the mount is idle */

/*
 * libscullc runs no thread of its own: what a thread frees stays parked
 * in that thread's magazines, empty slabs stay on their caches, and the
 * page allocator keeps up to its dirty bound resident for reuse, until
 * some call takes it back.  A daemon that has just had a large file
 * removed and then sees no request would keep all of it, and slabinfo
 * would count the parked objects as active, for ever.
 *
 * So the daemon runs one thread of its own, the reaper, as the kernel's
 * SLAB ran cache_reap from a timer.  Every reap_ms it takes a signature
 * of the allocator's activity: the allocations and frees of every cache
 * and the bytes of pages in use.  When the signature has moved since the
 * last purge but not during the last period, the mount went idle after
 * doing something, and scullc_purge() gives back everything idle: every
 * thread's parked objects (the worker threads waiting on /dev/fuse are
 * idle, so theirs too), every empty slab and every free page.  A mount
 * that stays busy is never purged; one that stays idle is purged once.
 *
 * The reaper holds no lock of the file system and allocates nothing.
 */

#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#include <scullc/gfp.h>
#include <scullc/slab.h>

#include "fs/fs.h"

/* add_events - @sum (an unsigned long) += @cache's allocations and frees */
static int add_events(struct kmem_cache *cache, void *sum)
{
	unsigned long ev[KMEM_FREE_SLOWPATH + 1];
	unsigned int i, n;

	n = (unsigned int)kmem_cache_get_events(cache, ev,
						KMEM_FREE_SLOWPATH + 1);
	for (i = 0; i < n; i++)
		*(unsigned long *)sum += ev[i];
	return 0;
}

/* What changes whenever anything is allocated or freed. */
struct signature {
	unsigned long events;        /* every cache's allocations and frees */
	size_t used;                 /* bytes of pages handed out */
};

static struct signature signature(void)
{
	struct signature sig = { 0, 0 };
	struct scullc_meminfo mi;

	kmem_cache_for_each(add_events, &sig.events);
	scullc_meminfo(&mi);
	sig.used = mi.used + mi.dma_used;
	return sig;
}

static bool same(struct signature a, struct signature b)
{
	return a.events == b.events && a.used == b.used;
}

static void deadline_after(struct timespec *ts, unsigned int ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

static void *reaper(void *arg)
{
	struct fs_reaper *r = arg;
	struct signature purged = signature(), last = purged, now;
	struct timespec ts;

	mutex_lock(&r->lock);
	while (!r->stop) {
		deadline_after(&ts, r->period_ms);
		while (!r->stop &&
		       mutex_cond_timedwait(&r->wake, &r->lock, &ts) !=
			       ETIMEDOUT)
			;
		if (r->stop)
			break;
		mutex_unlock(&r->lock);
		now = signature();
		if (same(now, last) && !same(now, purged)) {
			scullc_purge();
			now = signature();
			purged = now;
		}
		last = now;
		mutex_lock(&r->lock);
	}
	mutex_unlock(&r->lock);
	return NULL;
}

/**
 * fs_reaper_start - start the reaper with a period of @period_ms
 * Returns 0 (also for a period of 0, which starts nothing) or -errno.
 */
int fs_reaper_start(struct fs_reaper *r, unsigned int period_ms)
{
	pthread_condattr_t attr;
	int ret;

	r->period_ms = period_ms;
	r->stop = false;
	r->running = false;
	if (!period_ms)
		return 0;
	mutex_init(&r->lock, "fs_reaper.lock", LOCK_RANK_FS_REAPER);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&r->wake, &attr);
	pthread_condattr_destroy(&attr);
	ret = pthread_create(&r->thread, NULL, reaper, r);
	if (ret) {
		pthread_cond_destroy(&r->wake);
		mutex_destroy(&r->lock);
		return -ret;
	}
	r->running = true;
	return 0;
}

/* fs_reaper_stop - stop and join the reaper, if it runs */
void fs_reaper_stop(struct fs_reaper *r)
{
	if (!r->running)
		return;
	mutex_lock(&r->lock);
	r->stop = true;
	pthread_cond_signal(&r->wake);
	mutex_unlock(&r->lock);
	pthread_join(r->thread, NULL);
	pthread_cond_destroy(&r->wake);
	mutex_destroy(&r->lock);
	r->running = false;
}
