/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* report.c - SLUB-shaped reports of what debug.c's checks find wrong */

/*
 * A report is one block of output: a banner naming the cache and what is
 * wrong (slab_bug), INFO lines, hex dumps of the slot's parts and FIX
 * lines saying what was restored, in the kernel's words so that what
 * people know from dmesg reads the same here.  report_begin() opens the
 * block through output.c, whose lock keeps two threads' reports apart;
 * report_end() hands it out whole and then aborts unless panicking was
 * turned off (slab_debug_set_panic).  A report reads red zones, free
 * pointers and freed objects: memcheck is muted while it is open and ASan
 * is bypassed by peek() (slot.h).
 */

#include "config.h"

#include <ctype.h>
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "mm/internal.h"
#include "mm/output.h"
#include "mm/report.h"
#include "mm/slot.h"

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
const char *report_cache_name(const struct kmem_cache *s)
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
	out_printf("BUG %s (Not tainted): ", report_cache_name(s));
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

void report_info(const char *fmt, ...)
{
	va_list ap;

	out_printf("INFO: ");
	va_start(ap, fmt);
	out_vprintf(fmt, ap);
	va_end(ap);
	out_printf("\n");
}

void report_fix(const struct kmem_cache *s, const char *fmt, ...)
{
	va_list ap;

	out_printf("FIX %s: ", report_cache_name(s));
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
void report_begin(void)
{
	out_begin();
	VALGRIND_DISABLE_ERROR_REPORTING;
}

/*
 * report_end - end a corruption report: abort() when panicking (the
 * default), once the report is out, or else return so the caller goes on
 * with the repaired state.
 */
void report_end(void)
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
void report_section(const char *text, const uint8_t *addr, size_t len)
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

void report_track(const char *what, const struct track *t)
{
	char sym[256];

	if (!t->addr)
		return;
	symbolize(t->addr, sym, sizeof(sym));
	report_info("%s in %s age=%lu cpu=%d pid=%d", what, sym,
	     os_now_ms() - t->when, t->cpu, t->tid);
}

static void print_tracking(const struct kmem_cache *s, uint8_t *object,
			   bool freed_too)
{
	struct track t;

	if (!(s->flags & SLAB_STORE_USER))
		return;
	t = get_track(s, object, TRACK_ALLOC);
	report_track("Allocated", &t);
	if (!freed_too)
		return;
	t = get_track(s, object, TRACK_FREE);
	report_track("Freed", &t);
}

void report_slab(const struct page *slab)
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
	report_info("Slab 0x%016lx objects=%u used=%u fp=0x%016lx flags=0x%x(%s)",
	     (unsigned long)slab_base(slab), slab->objects, slab->inuse,
	     (unsigned long)slab->freelist, slab->flags, flags);
}

/* Everything known about @object, as SLUB's report_trailer(). */
void report_trailer(const struct kmem_cache *s, const struct page *slab,
			  uint8_t *object)
{
	uint8_t *base = slab_base(slab);
	void *fp;
	unsigned int off = pad_start(s);

	peek(&fp, object + s->offset, sizeof(fp));
	print_tracking(s, object, true);
	report_slab(slab);
	report_info("Object 0x%016lx @offset=%tu fp=0x%016lx\n",
	     (unsigned long)object, object - base, (unsigned long)fp);
	if (s->flags & SLAB_RED_ZONE)
		report_section("Redzone  ", object - s->red_left_pad, s->red_left_pad);
	else if (object >= base + 16)
		report_section("Bytes b4 ", object - 16, 16);
	report_section("Object   ", object, s->object_size);
	if (s->flags & SLAB_RED_ZONE)
		report_section("Redzone  ", object + s->object_size,
			s->inuse - s->object_size);
	if (off < slot_end(s))
		report_section("Padding  ", object + off, slot_end(s) - off);
}

/*
 * A report about @object (NULL: about the slab) for a reason of our own;
 * @unfreed: the pointer a refused free leaves allocated, or NULL.
 */
void report_object(struct kmem_cache *s, const struct page *slab, uint8_t *object,
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
		report_trailer(s, slab, object);
	else
		report_slab(slab);
	if (unfreed)
		report_fix(s, "Object at 0x%016lx not freed", (unsigned long)unfreed);
	report_end();
}

/* debug_report_wrong_cache - @object freed to @s but is @actual's. */
void debug_report_wrong_cache(struct kmem_cache *s, const void *object,
			      struct kmem_cache *actual)
{
	struct page *slab = virt_to_head_page(object);

	report_begin();
	slab_bug(s, "Wrong slab cache. %s but object is from %s",
		 report_cache_name(s), report_cache_name(actual));
	report_info("Attempt to free object(0x%016lx) to wrong cache",
	     (unsigned long)object);
	if (slab && actual && valid_object(actual, slab, object))
		report_trailer(actual, slab, (uint8_t *)object);
	else if (slab)
		report_slab(slab);
	report_fix(s, "Object at 0x%016lx not freed", (unsigned long)object);
	report_end();
}

/* debug_report_invalid_free - @object is in no slab at all. */
void debug_report_invalid_free(struct kmem_cache *s, const void *object)
{
	struct page *page = virt_to_head_page(object);

	report_begin();
	slab_bug(s, "Invalid object pointer 0x%016lx", (unsigned long)object);
	if (page)
		report_info("Attempt to free object(0x%016lx) outside of slab "
		     "(page flags 0x%x)", (unsigned long)object, page->flags);
	else
		report_info("Attempt to free object(0x%016lx) that this allocator "
		     "never handed out", (unsigned long)object);
	report_fix(s, "Object at 0x%016lx not freed", (unsigned long)object);
	report_end();
}

/* the scullc_ names of the functions above (libscullc(3), "Name clashes") */
SCULLC_ALIAS(slab_debug_set_panic);
