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
 * prints a report through slab_bug() as SLUB does, restores the bytes
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

#include <ctype.h>
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm/internal.h"
#include "mm/output.h"

#define DUMP_MAX          256                /* bytes per hex dump section */

static atomic_int debug_panic = 1;          /* relaxed: a plain switch */

/**
 * slab_debug_set_panic - abort after a corruption report (@panic nonzero,
 * the default) or repair what can be repaired and go on.  Any thread.
 */
SCULLC_API void slab_debug_set_panic(int panic)
{
	atomic_store_explicit(&debug_panic, panic != 0, memory_order_relaxed);
}

/* ------------------------------------------------------------------ */
/* Slot geometry                                                       */

static uint8_t *slab_base(const struct page *slab)
{
	return page_address(slab);
}

static size_t slab_bytes(const struct page *slab)
{
	return PAGE_SIZE << slab->order;
}

/* Offset from the object of the padding after the tracks, and its end. */
static unsigned int pad_start(const struct kmem_cache *s)
{
	unsigned int off = slab_info_end(s);

	if (s->flags & SLAB_STORE_USER)
		off += 2 * sizeof(struct track);
	return off;
}

static unsigned int slot_end(const struct kmem_cache *s)
{
	return s->size - s->red_left_pad;
}

/* True when @p is the start of one of @slab's objects. */
static bool valid_object(const struct kmem_cache *s, const struct page *slab,
			 const void *p)
{
	return slab_obj_index(s, slab, p) >= 0;
}

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

static struct track *track_of(const struct kmem_cache *s, uint8_t *object,
			      enum track_item item)
{
	return (struct track *)(object + slab_info_end(s)) + item;
}

/*
 * Copy @n bytes of a slot, whatever ASan thinks of them: reports and
 * tracks read red zones, free pointers and freed objects, which an ASan
 * build keeps poisoned (SLUB's metadata_access_enable() does this for
 * KASAN; memcheck is muted by report_begin instead, or told by expose).
 * Byte by byte through a volatile pointer, so that no memcpy call that
 * ASan intercepts takes its place.
 */
static __attribute__((no_sanitize_address))
void peek(void *dst, const void *src, size_t n)
{
	const volatile uint8_t *from = src;
	uint8_t *to = dst;

	while (n--)
		*to++ = *from++;
}

static struct track get_track(const struct kmem_cache *s, uint8_t *object,
			      enum track_item item)
{
	struct track t;

	peek(&t, track_of(s, object, item), sizeof(t));
	return t;
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

		if (slab_map_test(free_map, i))
			continue;
		expose(s, p, false);
		t = get_track(s, p, item);
		hide(s, p, false);
		if (add_location(loc, n, nr, &t, now))
			return -ENOSPC;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Reports                                                             */

static const char *cache_name(const struct kmem_cache *s)
{
	return s ? s->name : "<unknown>";
}

/**
 * slab_bug - the banner of a corruption report, naming @s and what is
 * wrong, inside an open report (out_begin).  INFO lines, dumps and FIX
 * lines follow.  Any thread; never blocks for memory.
 */
static void __attribute__((format(printf, 2, 0)))
slab_vbug(const struct kmem_cache *s, const char *fmt, va_list ap)
{
	out_printf("========================================"
		   "=====================================\n");
	out_printf("BUG %s (Not tainted): ", cache_name(s));
	out_vprintf(fmt, ap);
	out_printf("\n----------------------------------------"
		   "-------------------------------------\n\n");
}

void slab_bug(struct kmem_cache *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	slab_vbug(s, fmt, ap);
	va_end(ap);
}

static void __attribute__((format(printf, 1, 2))) info(const char *fmt, ...)
{
	va_list ap;

	out_printf("INFO: ");
	va_start(ap, fmt);
	out_vprintf(fmt, ap);
	va_end(ap);
	out_printf("\n");
}

static void __attribute__((format(printf, 2, 3)))
fix(const struct kmem_cache *s, const char *fmt, ...)
{
	va_list ap;

	out_printf("FIX %s: ", cache_name(s));
	va_start(ap, fmt);
	out_vprintf(fmt, ap);
	va_end(ap);
	out_printf("\n");
}

/**
 * slab_err - a whole report of one banner: what slab.c's validate finds
 * wrong with @s.  Never aborts.  Any thread.
 */
void slab_err(struct kmem_cache *s, const char *fmt, ...)
{
	va_list ap;

	out_begin();
	va_start(ap, fmt);
	slab_vbug(s, fmt, ap);
	va_end(ap);
	out_end();
}

/* A report opens with memcheck muted, as it reads what is no-access */
static void report_begin(void)
{
	out_begin();
	VALGRIND_DISABLE_ERROR_REPORTING;
}

/*
 * report_end - end a corruption report: abort() when panicking (the
 * default), once the report is out, or else return so the caller goes on
 * with the repaired state.
 */
static void report_end(void)
{
	bool panic = atomic_load_explicit(&debug_panic, memory_order_relaxed);

	VALGRIND_ENABLE_ERROR_REPORTING;
	out_printf(panic ? "Kernel panic - not syncing: slab corruption "
		   "(SCULLC_SLAB_DEBUG_PANIC=0 to go on)\n" : "\n");
	out_end();
	if (panic)
		abort();
}

/* print_hex_dump(DUMP_PREFIX_ADDRESS, 16, 1, ascii) */
static void section(const char *text, const uint8_t *addr, size_t len)
{
	len = MIN(len, (size_t)DUMP_MAX);
	for (size_t row = 0; row < len; row += 16) {
		size_t n = MIN((size_t)16, len - row), i;
		uint8_t b[16];

		peek(b, addr + row, n);
		out_printf("%s%016lx: ", text, (unsigned long)(addr + row));
		for (i = 0; i < 16; i++) {
			if (i < n)
				out_printf("%02x", b[i]);
			else
				out_printf("  ");
			if (i < 15)
				out_printf(" ");
		}
		out_printf("  ");
		for (i = 0; i < n; i++)
			out_printf("%c", isprint(b[i]) ? b[i] : '.');
		out_printf("\n");
	}
}

static void symbolize(unsigned long addr, char *buf, size_t len)
{
	Dl_info di;

	if (addr && dladdr((void *)addr, &di) && di.dli_sname)
		snprintf(buf, len, "%s+0x%lx", di.dli_sname,
			 addr - (unsigned long)di.dli_saddr);
	else
		snprintf(buf, len, "0x%lx", addr);
}

static void print_track(const char *what, const struct track *t)
{
	char sym[256];

	if (!t->addr)
		return;
	symbolize(t->addr, sym, sizeof(sym));
	info("%s in %s age=%lu cpu=%d pid=%d", what, sym,
	     os_now_ms() - t->when, t->cpu, t->tid);
}

static void print_tracking(const struct kmem_cache *s, uint8_t *object,
			   bool freed_too)
{
	struct track t;

	if (!(s->flags & SLAB_STORE_USER))
		return;
	t = get_track(s, object, TRACK_ALLOC);
	print_track("Allocated", &t);
	if (!freed_too)
		return;
	t = get_track(s, object, TRACK_FREE);
	print_track("Freed", &t);
}

static void print_slab_info(const struct page *slab)
{
	static const char *const names[] = {
		"buddy", "head", "tail", "slab", "large",
	};
	char flags[64] = "";
	size_t n = 0;

	for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (slab->flags & (1u << i))
			n += (size_t)snprintf(flags + n, sizeof(flags) - n,
					      "%s%s", n ? "|" : "", names[i]);
	info("Slab 0x%016lx objects=%u used=%u fp=0x%016lx flags=0x%x(%s)",
	     (unsigned long)slab_base(slab), slab->objects, slab->inuse,
	     (unsigned long)slab->freelist, slab->flags, flags);
}

/* Everything known about @object, as SLUB's print_trailer(). */
static void print_trailer(const struct kmem_cache *s, const struct page *slab,
			  uint8_t *object)
{
	uint8_t *base = slab_base(slab);
	void *fp;
	unsigned int off = pad_start(s);

	peek(&fp, object + s->offset, sizeof(fp));
	print_tracking(s, object, true);
	print_slab_info(slab);
	info("Object 0x%016lx @offset=%tu fp=0x%016lx\n",
	     (unsigned long)object, object - base, (unsigned long)fp);
	if (s->flags & SLAB_RED_ZONE)
		section("Redzone  ", object - s->red_left_pad, s->red_left_pad);
	else if (object >= base + 16)
		section("Bytes b4 ", object - 16, 16);
	section("Object   ", object, s->object_size);
	if (s->flags & SLAB_RED_ZONE)
		section("Redzone  ", object + s->object_size,
			s->inuse - s->object_size);
	if (off < slot_end(s))
		section("Padding  ", object + off, slot_end(s) - off);
}

/*
 * A report about @object (NULL: about the slab) for a reason of our own;
 * @unfreed: the pointer a refused free leaves allocated, or NULL.
 */
static void __attribute__((format(printf, 5, 6)))
object_err(struct kmem_cache *s, const struct page *slab, uint8_t *object,
	   const void *unfreed, const char *fmt, ...)
{
	char what[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	report_begin();
	slab_bug(s, "%s", what);
	if (object)
		print_trailer(s, slab, object);
	else
		print_slab_info(slab);
	if (unfreed)
		fix(s, "Object at 0x%016lx not freed", (unsigned long)unfreed);
	report_end();
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
	info("0x%016lx-0x%016lx @offset=%tu. First byte 0x%x instead of 0x%x",
	     (unsigned long)fault, (unsigned long)(end - 1),
	     fault - slab_base(slab), fault[0], value);
	if (object) {
		print_trailer(s, slab, object);
	} else {
		print_slab_info(slab);
		section("Padding  ", start, len);
	}
	memset(fault, value, (size_t)(end - fault));
	fix(s, "Restoring %s 0x%016lx-0x%016lx=0x%x", what,
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
			object_err(s, slab, NULL, NULL, "inuse %u > max %u",
				   slab->inuse, slab->objects);
			return false;
		}
		if (!valid_object(s, slab, p)) {
			object_err(s, slab, NULL, NULL, "Freelist Pointer check "
				   "fails: 0x%016lx", (unsigned long)p);
			return false;
		}
		fp = get_freepointer(s, p);
		if (fp && !valid_object(s, slab, fp)) {
			report_begin();
			slab_bug(s, "Freepointer corrupt");
			print_trailer(s, slab, p);
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
	int i = slab_obj_index(s, slab, object);

	slab_get_map(s, slab, map, &bad);
	return i >= 0 && slab_map_test(map, (unsigned int)i);
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
			object_err(s, slab, NULL, p, "Invalid object pointer "
				   "0x%016lx", (unsigned long)p);
			return false;
		}
		if (on_freelist(s, slab, p)) {
			object_err(s, slab, p, p, "Object already free");
			return false;
		}
	}
	expose(s, p, false);
	if (check_object(s, slab, p, SLUB_RED_ACTIVE)) {
		hide(s, p, false);
		out_begin();
		fix(s, "Object at 0x%016lx not freed", (unsigned long)p);
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
	nr = slab_get_map(s, slab, free_map, &bad);
	if (bad) {
		object_err(s, slab, NULL, NULL, valid_object(s, slab, bad) ?
			   "Freechain loops at 0x%016lx" :
			   "Freechain corrupt: 0x%016lx", (unsigned long)bad);
		errors++;
	}
	if (nr != slab->objects - slab->inuse) {
		object_err(s, slab, NULL, NULL, "Wrong number of objects. Found %u "
			   "but should be %u", nr, slab->objects - slab->inuse);
		errors++;
	}
	for (i = 0; i < slab->objects; i++) {
		bool free = slab_map_test(free_map, i);
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
	info("Object 0x%016lx @offset=%tu", (unsigned long)p,
	     p - slab_base(slab));
	if (s->flags & SLAB_STORE_USER) {
		expose(s, p, false);
		t = get_track(s, p, TRACK_ALLOC);
		hide(s, p, false);
		print_track("Allocated", &t);
	}
}

/* debug_report_wrong_cache - @object freed to @s but is @actual's. */
void debug_report_wrong_cache(struct kmem_cache *s, const void *object,
			      struct kmem_cache *actual)
{
	struct page *slab = virt_to_head_page(object);

	report_begin();
	slab_bug(s, "Wrong slab cache. %s but object is from %s",
		 cache_name(s), cache_name(actual));
	info("Attempt to free object(0x%016lx) to wrong cache",
	     (unsigned long)object);
	if (slab && actual && valid_object(actual, slab, object))
		print_trailer(actual, slab, (uint8_t *)object);
	else if (slab)
		print_slab_info(slab);
	fix(s, "Object at 0x%016lx not freed", (unsigned long)object);
	report_end();
}

/* debug_report_invalid_free - @object is in no slab at all. */
void debug_report_invalid_free(struct kmem_cache *s, const void *object)
{
	struct page *page = virt_to_head_page(object);

	report_begin();
	slab_bug(s, "Invalid object pointer 0x%016lx", (unsigned long)object);
	if (page)
		info("Attempt to free object(0x%016lx) outside of slab "
		     "(page flags 0x%x)", (unsigned long)object, page->flags);
	else
		info("Attempt to free object(0x%016lx) that this allocator "
		     "never handed out", (unsigned long)object);
	fix(s, "Object at 0x%016lx not freed", (unsigned long)object);
	report_end();
}

/* the scullc_ names of the functions above (libscullc(3), "Name clashes") */
SCULLC_ALIAS(slab_debug_set_panic);
