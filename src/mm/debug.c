/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* debug.c - the checks of debug caches and SLUB-shaped corruption reports */

/*
 * A debug cache (s->flags & SLAB_DEBUG_FLAGS) surrounds each object with
 * bytes of known value and checks them whenever the object changes hands:
 *
 *   slot:  [left red zone][object][right red zone][fp?][alloc|free track][pad]
 *           ^slot          ^object  ^object_size   ^inuse ^slab_info_end
 *
 *   left/right red zone   0xbb while free, 0xcc while allocated     (Z)
 *   object                0x6b...0x6b 0xa5 while free     (__OBJECT_POISON)
 *   alignment padding     [object_size, inuse) without Z: 0x5a
 *   object padding        after the tracks up to the slot end: 0x5a
 *   slab padding          after the last slot up to the slab end: 0x5a
 *
 * The free pointer word (object + offset) belongs to slab.c: nothing here
 * writes or checks it, wherever it lies.  A check that finds a wrong byte
 * prints a report (report.c) as SLUB does, restores the bytes
 * ("FIX ...") and ends it with report_end(), which aborts unless panicking
 * was turned off, in which case the allocator goes on with what it can
 * trust (an object that failed a check is neither handed out nor freed).
 *
 * To valgrind, free objects are NOACCESS and an allocated object's
 * metadata (everything in its slot but the object) is NOACCESS too.
 * Checks open what they read and close it again; reports read with error
 * reporting off.
 *
 * Which caches are debug caches is debug_config.c's business (slab_debug=).
 * The checks run under the cache's list_lock, taken by the caller, which
 * keeps the slab's freelist and inuse still while they look.  Reports go
 * through output.c, whose lock (the innermost) keeps two threads' reports
 * apart.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mm/internal.h"
#include "mm/output.h"
#include "mm/report.h"
#include "mm/slot.h"

/* ------------------------------------------------------------------ */
/* Slot state for memcheck, and filling                               */

/* Memcheck: open a slot's metadata (@whole: the object too), close it. */
static void expose(const struct kmem_cache *s, uint8_t *object, bool whole)
{
	if (whole) {
		mem_defined(object - s->red_left_pad, s->size);
		return;
	}
	mem_defined(object - s->red_left_pad, s->red_left_pad);
	mem_defined(object + s->object_size,
				  slot_end(s) - s->object_size);
}

static void hide(const struct kmem_cache *s, uint8_t *object, bool whole)
{
	if (whole) {
		mem_noaccess(object - s->red_left_pad, s->size);
		return;
	}
	mem_noaccess(object - s->red_left_pad, s->red_left_pad);
	mem_noaccess(object + s->object_size,
				   slot_end(s) - s->object_size);
}

/* memset of [start, start+len) that leaves the free pointer word alone */
static void fill(const struct kmem_cache *s, uint8_t *object, uint8_t *start,
		 int val, size_t len)
{
	uint8_t *fp = object ? object + s->offset : NULL;
	uint8_t *end = start + len;

	if (fp && fp < end && fp + sizeof(void *) > start) {
		if (fp > start)
			memset(start, val, (size_t)(fp - start));
		if (fp + sizeof(void *) < end)
			memset(fp + sizeof(void *), val,
			       (size_t)(end - fp - sizeof(void *)));
		return;
	}
	memset(start, val, len);
}

static void set_track(const struct kmem_cache *s, uint8_t *object,
		      enum track_item item, unsigned long caller)
{
	struct track t = {
		.addr = caller, .when = os_now_ms(),
		.tid = os_tid(), .cpu = os_cpu(),
	};

	memcpy(track_of(s, object, item), &t, sizeof(t));
}

/* ------------------------------------------------------------------ */
/* Owner-tracking summaries (alloc_calls, free_calls)                  */

/* Count track @t into the sorted @loc[0..*n), room for @nr; -ENOSPC when
   its address is new and there is no room. */
static int add_location(struct kmem_cache_location *loc, size_t *n,
			size_t nr, const struct track *t, unsigned long now)
{
	size_t lo = 0, hi = *n;
	unsigned long age = now >= t->when ? now - t->when : 0;
	struct kmem_cache_location *l;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (loc[mid].addr == t->addr) {
			l = &loc[mid];
			l->count++;
			/* a track never written (an object never freed) adds
			   its count only, as the kernel's add_location */
			if (!t->addr && !t->when)
				return 0;
			l->sum_age += age;
			l->min_age = MIN(l->min_age, age);
			l->max_age = MAX(l->max_age, age);
			l->min_pid = MIN(l->min_pid, t->tid);
			l->max_pid = MAX(l->max_pid, t->tid);
			if (t->cpu >= 0 && t->cpu < 64)
				l->cpus |= 1UL << t->cpu;
			return 0;
		}
		if (loc[mid].addr < t->addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (*n == nr)
		return -ENOSPC;
	memmove(loc + lo + 1, loc + lo, (*n - lo) * sizeof(*loc));
	(*n)++;
	l = &loc[lo];
	memset(l, 0, sizeof(*l));
	l->addr = t->addr;
	l->count = 1;
	l->min_age = l->max_age = l->sum_age = age;
	l->min_pid = l->max_pid = t->tid;
	if (t->cpu >= 0 && t->cpu < 64)
		l->cpus = 1UL << t->cpu;
	return 0;
}

/**
 * debug_add_locations - add the @item tracks of @slab's allocated objects
 * (those clear in @free_map) to the locations @loc[0..*n), kept sorted by
 * address, room for @nr.  Returns 0, or -ENOSPC when a new caller finds no
 * room.  Caller holds s->list_lock; @s has SLAB_STORE_USER.
 */
int debug_add_locations(struct kmem_cache *s, struct page *slab,
			const unsigned long *free_map, enum track_item item,
			struct kmem_cache_location *loc, size_t nr, size_t *n)
{
	unsigned long now = os_now_ms();
	unsigned int i;
	struct track t;

	lock_assert_held(&s->list_lock);
	for (i = 0; i < slab->objects; i++) {
		uint8_t *p = slab_object(s, slab, i);

		if (geo_map_test(free_map, i))
			continue;
		expose(s, p, false);
		t = get_track(s, p, item);
		hide(s, p, false);
		if (add_location(loc, n, nr, &t, now))
			return -ENOSPC;
	}
	return 0;
}


/*
 * check_range - every byte of [start, start+len) must be @value; else
 * report the first-to-last wrong byte, restore them and return false.
 * @object NULL: slab padding, reported with the slab's tail.
 */
static bool check_range(struct kmem_cache *s, const struct page *slab,
			uint8_t *object, const char *what, uint8_t *start,
			uint8_t value, size_t len)
{
	uint8_t *fault = NULL, *end = start + len;

	for (size_t i = 0; i < len; i++) {
		if (start[i] != value) {
			fault = start + i;
			break;
		}
	}
	if (!fault)
		return true;
	while (end > fault && end[-1] == value)
		end--;
	report_begin();
	slab_bug(s, "%s overwritten", what);
	report_info("0x%016lx-0x%016lx @offset=%tu. First byte 0x%x instead of 0x%x",
	     (unsigned long)fault, (unsigned long)(end - 1),
	     fault - slab_base(slab), fault[0], value);
	if (object) {
		report_trailer(s, slab, object);
	} else {
		report_slab(slab);
		report_section("Padding  ", start, len);
	}
	memset(fault, value, (size_t)(end - fault));
	report_fix(s, "Restoring %s 0x%016lx-0x%016lx=0x%x", what,
	    (unsigned long)fault, (unsigned long)(end - 1), value);
	report_end();
	return false;
}

/* check_range skipping the free pointer word */
static bool check_bytes(struct kmem_cache *s, const struct page *slab,
			uint8_t *object, const char *what, uint8_t *start,
			uint8_t value, size_t len)
{
	uint8_t *fp = object + s->offset, *fpend = fp + sizeof(void *);
	uint8_t *end = start + len;
	bool ok = true;

	if (len == 0)
		return true;
	if (fp >= end || fpend <= start)
		return check_range(s, slab, object, what, start, value, len);
	if (fp > start)
		ok = check_range(s, slab, object, what, start, value,
				 (size_t)(fp - start));
	if (fpend < end)
		ok &= check_range(s, slab, object, what, fpend, value,
				  (size_t)(end - fpend));
	return ok;
}

/* check_object - @object's bytes against state @val; the errors found */
static int check_object(struct kmem_cache *s, const struct page *slab,
			uint8_t *object, uint8_t val)
{
	unsigned int off = pad_start(s);
	int errors = 0;

	if (s->flags & SLAB_RED_ZONE) {
		errors += !check_bytes(s, slab, object, "Left Redzone",
				       object - s->red_left_pad, val,
				       s->red_left_pad);
		errors += !check_bytes(s, slab, object, "Right Redzone",
				       object + s->object_size, val,
				       s->inuse - s->object_size);
	} else {
		errors += !check_bytes(s, slab, object, "Alignment padding",
				       object + s->object_size, POISON_INUSE,
				       s->inuse - s->object_size);
	}
	if (val == SLUB_RED_INACTIVE && (s->flags & __OBJECT_POISON)) {
		if (!check_bytes(s, slab, object, "Poison", object,
				 POISON_FREE, s->object_size - 1))
			errors++;
		else if (!check_bytes(s, slab, object, "End Poison",
				      object + s->object_size - 1,
				      POISON_END, 1))
			errors++;
	}
	if (off < slot_end(s))
		errors += !check_bytes(s, slab, object, "Object padding",
				       object + off, POISON_INUSE,
				       slot_end(s) - off);
	return errors;
}

/* ------------------------------------------------------------------ */
/* Hooks called by slab.c                                              */

/**
 * debug_init_object - set @object's red zones to @val (SLUB_RED_ACTIVE or
 * SLUB_RED_INACTIVE) and, for a free object of a poisoned cache, poison
 * it.  Never touches the free pointer word.  Afterwards, to memcheck, a
 * free object's whole slot is NOACCESS; an allocated object's metadata is
 * NOACCESS and its bytes keep their state.
 */
void debug_init_object(struct kmem_cache *s, void *object, uint8_t val)
{
	uint8_t *p = object;
	bool free = val == SLUB_RED_INACTIVE;

	expose(s, p, free);
	if (s->flags & SLAB_RED_ZONE) {
		fill(s, p, p - s->red_left_pad, val, s->red_left_pad);
		fill(s, p, p + s->object_size, val, s->inuse - s->object_size);
	}
	if (free && (s->flags & __OBJECT_POISON)) {
		fill(s, p, p, POISON_FREE, s->object_size - 1);
		fill(s, p, p + s->object_size - 1, POISON_END, 1);
	}
	hide(s, p, free);
}

/**
 * debug_setup_slab - lay out a new slab of a debug cache: every slot as a
 * free object (red zones 0xbb, poison, tracks zeroed, padding 0x5a) and
 * the slab's tail 0x5a.  Call before the ctors run; the free pointer words
 * are left alone, so the free list may be built before or after.
 */
void debug_setup_slab(struct kmem_cache *s, struct page *slab)
{
	uint8_t *base = slab_base(slab);
	uint8_t *tail = base + (size_t)slab->objects * s->size;
	unsigned int off = pad_start(s);

	for (unsigned int i = 0; i < slab->objects; i++) {
		uint8_t *p = slab_object(s, slab, i);

		expose(s, p, true);
		if (!(s->flags & SLAB_RED_ZONE))
			fill(s, p, p + s->object_size, POISON_INUSE,
			     s->inuse - s->object_size);
		if (s->flags & SLAB_STORE_USER)
			fill(s, p, (uint8_t *)track_of(s, p, TRACK_ALLOC), 0,
			     2 * sizeof(struct track));
		if (off < slot_end(s))
			fill(s, p, p + off, POISON_INUSE, slot_end(s) - off);
		debug_init_object(s, p, SLUB_RED_INACTIVE);
	}
	mem_undefined(tail, base + slab_bytes(slab) - tail);
	memset(tail, POISON_INUSE, (size_t)(base + slab_bytes(slab) - tail));
	mem_noaccess(tail, base + slab_bytes(slab) - tail);
}

/**
 * debug_alloc_checks - vet @object, just taken off @slab's free list,
 * before it is handed out; caller holds s->list_lock.  With F, the object
 * must be one of the slab's and its free pointer sane; with Z/P, its red
 * zones, poison and padding intact.  On success records the alloc track
 * (U), sets the red zones active and returns true.  On failure reports
 * (aborting when panicking) and returns false: the object must not be
 * handed out.
 */
bool debug_alloc_checks(struct kmem_cache *s, struct page *slab,
			void *object, unsigned long caller)
{
	uint8_t *p = object;
	int errors;

	lock_assert_held(&s->list_lock);
	if (s->flags & SLAB_CONSISTENCY_CHECKS) {
		void *fp;

		if (slab->inuse > slab->objects) {
			report_object(s, slab, NULL, NULL, "inuse %u > max %u",
				   slab->inuse, slab->objects);
			return false;
		}
		if (!valid_object(s, slab, p)) {
			report_object(s, slab, NULL, NULL, "Freelist Pointer check "
				   "fails: 0x%016lx", (unsigned long)p);
			return false;
		}
		fp = get_freepointer(s, p);
		if (fp && !valid_object(s, slab, fp)) {
			report_begin();
			slab_bug(s, "Freepointer corrupt");
			report_trailer(s, slab, p);
			report_end();
			return false;
		}
	}
	expose(s, p, true);
	errors = check_object(s, slab, p, SLUB_RED_INACTIVE);
	if (errors) {
		hide(s, p, true);
		return false;
	}
	if (s->flags & SLAB_STORE_USER)
		set_track(s, p, TRACK_ALLOC, caller);
	debug_init_object(s, p, SLUB_RED_ACTIVE);
	return true;
}

/* True when @object is on @slab's free list (before any corruption). */
static bool on_freelist(const struct kmem_cache *s, const struct page *slab,
			const void *object)
{
	unsigned long map[SLAB_MAP_LONGS];
	void *bad;
	int i = geo_obj_index(s, slab, object);

	geo_get_map(s, slab, map, NULL, &bad);
	return i >= 0 && geo_map_test(map, (unsigned int)i);
}

/**
 * debug_free_checks - vet @object before it goes back on a free list;
 * caller holds s->list_lock (@slab is the slab the caller found, it is
 * looked up again here under F).  F: the object belongs to a slab of @s,
 * starts a slot and is not already free.  Z: its red zones are intact.
 * On success records the free track (U), sets the red zones inactive,
 * poisons it (P) and returns true.  On failure reports and returns false:
 * the object must then not be freed.
 */
bool debug_free_checks(struct kmem_cache *s, struct page *slab,
		       void *object, unsigned long caller)
{
	uint8_t *p = object;

	lock_assert_held(&s->list_lock);
	if (s->flags & SLAB_CONSISTENCY_CHECKS) {
		struct page *page = virt_to_head_page(object);

		if (!page || !(page->flags & PG_slab)) {
			debug_report_invalid_free(s, object);
			return false;
		}
		if (page->slab_cache != s) {
			debug_report_wrong_cache(s, object, page->slab_cache);
			return false;
		}
		slab = page;
		if (!valid_object(s, slab, p)) {
			report_object(s, slab, NULL, p, "Invalid object pointer "
				   "0x%016lx", (unsigned long)p);
			return false;
		}
		if (on_freelist(s, slab, p)) {
			report_object(s, slab, p, p, "Object already free");
			return false;
		}
	}
	expose(s, p, false);
	if (check_object(s, slab, p, SLUB_RED_ACTIVE)) {
		hide(s, p, false);
		out_begin();
		report_fix(s, "Object at 0x%016lx not freed", (unsigned long)p);
		out_end();
		return false;
	}
	if (s->flags & SLAB_STORE_USER)
		set_track(s, p, TRACK_FREE, caller);
	hide(s, p, false);
	debug_init_object(s, p, SLUB_RED_INACTIVE);
	return true;
}

/**
 * debug_validate_slab - check all of @slab, as SLUB's validate_slab():
 * the free list (valid objects, no cycle, length == objects - inuse),
 * every free object's poison, red zones and padding, every allocated
 * object's red zones and padding, the slab's tail.  Does nothing for a
 * cache without debug flags (returns 0).  Caller holds s->list_lock.
 * Reports and repairs each error (the first aborts when panicking) and
 * returns how many were found.
 */
int debug_validate_slab(struct kmem_cache *s, struct page *slab)
{
	unsigned long free_map[SLAB_MAP_LONGS];
	uint8_t *base = slab_base(slab);
	uint8_t *tail = base + (size_t)slab->objects * s->size;
	unsigned int nr, i;
	int errors = 0;
	void *bad;

	lock_assert_held(&s->list_lock);
	if (!kmem_cache_debug(s))
		return 0;               /* no patterns to check; slab.c walks
					   the free lists of every cache */
	nr = geo_get_map(s, slab, free_map, NULL, &bad);
	if (bad) {
		report_object(s, slab, NULL, NULL, valid_object(s, slab, bad) ?
			   "Freechain loops at 0x%016lx" :
			   "Freechain corrupt: 0x%016lx", (unsigned long)bad);
		errors++;
	}
	if (nr != slab->objects - slab->inuse) {
		report_object(s, slab, NULL, NULL, "Wrong number of objects. Found %u "
			   "but should be %u", nr, slab->objects - slab->inuse);
		errors++;
	}
	for (i = 0; i < slab->objects; i++) {
		bool free = geo_map_test(free_map, i);
		uint8_t *obj = slab_object(s, slab, i);

		expose(s, obj, free);
		errors += check_object(s, slab, obj, free ? SLUB_RED_INACTIVE :
						     SLUB_RED_ACTIVE);
		hide(s, obj, free);
	}
	mem_defined(tail, base + slab_bytes(slab) - tail);
	errors += !check_range(s, slab, NULL, "Slab padding", tail,
			       POISON_INUSE,
			       (size_t)(base + slab_bytes(slab) - tail));
	mem_noaccess(tail, base + slab_bytes(slab) - tail);
	return errors;
}

/**
 * debug_report_leak - one line of kmem_cache_destroy()'s leak report:
 * @object (still allocated) and, under U, where it was allocated.  Never
 * aborts.  The caller opens the report (out_begin, slab_bug) and ends it.
 */
void debug_report_leak(struct kmem_cache *s, struct page *slab, void *object)
{
	uint8_t *p = object;
	struct track t;

	lock_assert_held(&output_lock);
	report_info("Object 0x%016lx @offset=%tu", (unsigned long)p,
	     p - slab_base(slab));
	if (s->flags & SLAB_STORE_USER) {
		expose(s, p, false);
		t = get_track(s, p, TRACK_ALLOC);
		hide(s, p, false);
		report_track("Allocated", &t);
	}
}
