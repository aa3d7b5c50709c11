/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* trace.h - the allocator's kmem trace events, as the kernel's ftrace */
#ifndef SCULLC_TRACE_H
#define SCULLC_TRACE_H

#include <stddef.h>
#include <sys/types.h>
#include <scullc/prefix.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The kernel's kmem trace events (include/trace/events/kmem.h), one bit
 * each in the mask of scullc_trace_set_events:
 *
 *   SCULLC_TRACE_KMALLOC           kmalloc, kzalloc, kcalloc, krealloc...
 *   SCULLC_TRACE_KFREE             kfree
 *   SCULLC_TRACE_KMEM_CACHE_ALLOC  kmem_cache_alloc, kmem_cache_zalloc
 *   SCULLC_TRACE_KMEM_CACHE_FREE   kmem_cache_free
 *   SCULLC_TRACE_MM_PAGE_ALLOC     a block of pages taken (slabs, large
 *                                  kmalloc blocks, __get_free_pages)
 *   SCULLC_TRACE_MM_PAGE_FREE      a block of pages given back
 *
 * Each recorded event becomes one line of the kernel's trace_pipe text
 * (see scullc_trace_read(3)).  With no event enabled, an allocation or a
 * free pays one test of a global word.
 */
enum scullc_trace_event {
	SCULLC_TRACE_KMALLOC,
	SCULLC_TRACE_KFREE,
	SCULLC_TRACE_KMEM_CACHE_ALLOC,
	SCULLC_TRACE_KMEM_CACHE_FREE,
	SCULLC_TRACE_MM_PAGE_ALLOC,
	SCULLC_TRACE_MM_PAGE_FREE,
	SCULLC_TRACE_NR_EVENTS
};
#define SCULLC_TRACE_ALL ((1u << SCULLC_TRACE_NR_EVENTS) - 1)

/* The most bytes one event takes in scullc_trace_read's text, its
   "\n" and a LOST line before it included (longer lines are cut) */
#define SCULLC_TRACE_LINE_MAX 512

/*
 * scullc_trace_set_events - record the events whose bits (1u << event)
 * are set in @mask, and only those; 0 stops recording.  The first call
 * that enables an event maps the ring of events (about 600 KiB, outside
 * the allocator and its limit, kept until the process ends).
 * Returns 0, -EINVAL for a bit past SCULLC_TRACE_ALL, or -ENOMEM when the
 * ring cannot be mapped.  Any thread; takes the reader's lock.
 * scullc_trace_get_events - the mask in force.
 * scullc_trace_event_name - "kmalloc", "kfree", "kmem_cache_alloc", ...
 * as the kernel names the event; NULL past the last.
 */
int scullc_trace_set_events(unsigned int mask);
unsigned int scullc_trace_get_events(void);
const char *scullc_trace_event_name(int event);

/*
 * scullc_trace_read - take recorded events out of the ring as text
 * @buf:        where the lines go (not NUL-terminated)
 * @size:       bytes of @buf, at least SCULLC_TRACE_LINE_MAX
 * @timeout_ms: how long to wait for a first event; 0 does not wait,
 *              -1 waits until one comes or scullc_trace_wake
 *
 * Consumes as many whole lines as fit, oldest first, each in the text of
 * the kernel's trace_pipe:
 *
 *   "<comm>-<tid> [<cpu>] ..... <seconds>.<usec>: <event>: <fields>\n"
 *
 * and, where the ring was full and events were dropped, the kernel's
 * "CPU:<n> [LOST <count> EVENTS]\n" in their place.  Waits only while the
 * ring is empty.  Returns the bytes written; 0 when @timeout_ms passed
 * with nothing to read, or scullc_trace_wake was called meanwhile;
 * -EINVAL for a @size below SCULLC_TRACE_LINE_MAX.  Any thread, several at
 * once (each line goes to one of them); never allocates.
 */
ssize_t scullc_trace_read(char *buf, size_t size, int timeout_ms);

/*
 * scullc_trace_wait - wait as scullc_trace_read does, taking nothing:
 * 1 when there is something to read, 0 when @timeout_ms passed or
 * scullc_trace_wake was called.  For a reader that must hold a lock of
 * its own while it reads, and not while it waits.
 */
int scullc_trace_wait(int timeout_ms);

/* scullc_trace_wake - make every scullc_trace_read and
   scullc_trace_wait waiting now return (0 if it has nothing).  Any
   thread; never blocks. */
void scullc_trace_wake(void);

/*
 * scullc_trace_ignore_thread - while @ignore is nonzero, the calling
 * thread's allocations and frees are not recorded: for the thread that
 * reads the ring and hands the lines on, whose own allocations would
 * otherwise feed the ring they drain.  Returns the previous setting.
 */
int scullc_trace_ignore_thread(int ignore);

/* The ring's counters, as the kernel's per_cpu/cpuN/stats */
struct scullc_trace_stats {
	unsigned long size;        /* events the ring holds at most */
	unsigned long entries;     /* events in the ring now */
	unsigned long overrun;     /* events dropped, the ring full */
	unsigned long read_events; /* events taken by scullc_trace_read */
};
void scullc_trace_get_stats(struct scullc_trace_stats *st);

#ifdef __cplusplus
}
#endif

#endif /* SCULLC_TRACE_H */
