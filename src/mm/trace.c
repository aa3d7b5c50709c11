/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* trace.c - the kmem trace events, a lock-free ring and trace_pipe's text */

/*
 * The kernel's kmem tracepoints (include/trace/events/kmem.h) recorded
 * into one ring that the allocator never waits on, and read back as the
 * text of the kernel's trace_pipe.
 *
 * Cost when off: trace_events is one global word; every traced API call
 * loads it relaxed and tests its bit under unlikely() (trace_on,
 * internal.h), and only a set bit calls here, out of line.
 *
 * The ring: TRACE_RING_ENTRIES fixed-size entries, each with a turn
 * number @seq (Dmitry Vyukov's bounded queue).  Entry i is free for the
 * writer of position pos when seq == pos, holds pos's event when
 * seq == pos + 1, and is free again for pos + N once read.  A writer
 * claims a position by a CAS of tail, fills the entry and publishes it
 * with a release store of seq; it never waits: when the entry at tail is
 * still unread (the ring is full) it drops its event and counts it in
 * @lost, which the next writer to succeed takes into its entry, so that
 * the reader prints the kernel's "CPU:n [LOST m EVENTS]" line exactly
 * where the events went missing (or, the ring empty, at once).  Dropping
 * the newest rather than overwriting the oldest, as the kernel's
 * overwrite mode does, keeps the writers free of any wait on the reader.
 *
 * One entry of a writer that was interrupted between its claim and its
 * publish holds back the reader (it sees the ring empty up to there)
 * until the writer goes on; nothing else can.  A writer wakes sleeping
 * readers only when one has said it sleeps (@waiters), with a futex:
 * one system call per sleep of the reader, not per event.  The writer's
 * publish, a full fence, then its load of @waiters, against the reader's
 * store of @waiters, a full fence, then its look at the ring: one of the
 * two sees the other, so no wake-up is lost.
 *
 * Locks: trace_lock (enum lock_rank) serialises readers and the ring's
 * setup, and protects @head and @ring_mem's mapping; readers do not hold
 * it while they sleep.  Writers take no lock.
 */

#include "internal.h"

#include <dlfcn.h>
#include <link.h>
#include <stdio.h>
#include <string.h>

#define RING_MASK (TRACE_RING_ENTRIES - 1)

struct mutex trace_lock = MUTEX_INITIALIZER("trace_lock", LOCK_RANK_TRACE);
_Atomic unsigned int trace_events;

static struct trace_entry *_Atomic ring;   /* set once, under trace_lock */
static _Atomic unsigned long tail;         /* next position to claim */
static unsigned long head;                 /* next to read; trace_lock */
static _Atomic unsigned long lost;         /* dropped, not yet reported */
static _Atomic int lost_cpu;               /* the CPU of the last drop */
static _Atomic unsigned long overrun;      /* dropped, ever */
static _Atomic unsigned long read_events;  /* taken by readers, ever */
static _Atomic unsigned int wake_word;     /* the readers' futex */
static _Atomic int waiters;                /* a reader sleeps on it */
static _Atomic unsigned int kicks;         /* scullc_trace_wake calls */
static _Atomic unsigned int fork_gen;      /* bumped in a fork's child */

/* The calling thread: its id and name, read once (and again after fork) */
static __thread __attribute__((tls_model("initial-exec"))) struct {
	unsigned int gen;            /* fork_gen + 1 when pid, comm are set */
	int pid;
	int ignore;                  /* scullc_trace_ignore_thread */
	char comm[16];
} self;

static const char *const event_names[SCULLC_TRACE_NR_EVENTS] = {
	[SCULLC_TRACE_KMALLOC]          = "kmalloc",
	[SCULLC_TRACE_KFREE]            = "kfree",
	[SCULLC_TRACE_KMEM_CACHE_ALLOC] = "kmem_cache_alloc",
	[SCULLC_TRACE_KMEM_CACHE_FREE]  = "kmem_cache_free",
	[SCULLC_TRACE_MM_PAGE_ALLOC]    = "mm_page_alloc",
	[SCULLC_TRACE_MM_PAGE_FREE]     = "mm_page_free",
};

void trace_fork_child(void)
{
	atomic_fetch_add_explicit(&fork_gen, 1, memory_order_relaxed);
}

/* ------------------------------------------------------------------ */
/* Writers                                                             */

/* Claim the entry at tail, or NULL when the ring is full (or unmapped) */
static struct trace_entry *claim(unsigned long *pos_out)
{
	struct trace_entry *r = atomic_load_explicit(&ring,
						     memory_order_acquire);
	unsigned long pos, seq;
	struct trace_entry *e;

	if (unlikely(!r))
		return NULL;
	pos = atomic_load_explicit(&tail, memory_order_relaxed);
	for (;;) {
		e = &r[pos & RING_MASK];
		seq = atomic_load_explicit(&e->seq, memory_order_acquire);
		if (seq == pos) {
			if (atomic_compare_exchange_weak_explicit(&tail, &pos,
					pos + 1, memory_order_relaxed,
					memory_order_relaxed)) {
				*pos_out = pos;
				return e;
			}
		} else if ((long)(seq - pos) < 0) {
			return NULL;          /* unread since the last lap */
		} else {
			pos = atomic_load_explicit(&tail,
						   memory_order_relaxed);
		}
	}
}

/* An entry for @event stamped with time, thread and CPU, or NULL */
static struct trace_entry *begin(enum scullc_trace_event event,
				 unsigned long *pos)
{
	unsigned int gen = atomic_load_explicit(&fork_gen,
						memory_order_relaxed) + 1;
	struct trace_entry *e;

	if (self.ignore)
		return NULL;
	e = claim(pos);
	if (unlikely(!e)) {
		atomic_fetch_add_explicit(&lost, 1, memory_order_relaxed);
		atomic_fetch_add_explicit(&overrun, 1, memory_order_relaxed);
		atomic_store_explicit(&lost_cpu, os_cpu(),
				      memory_order_relaxed);
		return NULL;
	}
	if (self.gen != gen) {
		self.pid = os_tid();
		os_thread_name(self.comm);
		self.gen = gen;
	}
	e->type = (unsigned char)event;
	e->ts = os_now_ns();
	e->cpu = os_cpu();
	e->pid = self.pid;
	memcpy(e->comm, self.comm, sizeof(e->comm));
	e->lost = atomic_load_explicit(&lost, memory_order_relaxed) ?
		  atomic_exchange_explicit(&lost, 0, memory_order_relaxed) : 0;
	return e;
}

/* Publish the entry and wake a sleeping reader */
static void commit(struct trace_entry *e, unsigned long pos)
{
	atomic_store_explicit(&e->seq, pos + 1, memory_order_release);
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load_explicit(&waiters, memory_order_relaxed) &&
	    atomic_exchange_explicit(&waiters, 0, memory_order_relaxed)) {
		atomic_fetch_add_explicit(&wake_word, 1, memory_order_release);
		os_futex_wake(&wake_word);
	}
}

__attribute__((noinline, cold))
void trace_kmem_alloc(enum scullc_trace_event event, unsigned long call_site,
		      const void *ptr, size_t bytes_req, size_t bytes_alloc,
		      gfp_t gfp)
{
	unsigned long pos;
	struct trace_entry *e = begin(event, &pos);

	if (!e)
		return;
	e->call_site = call_site;
	e->ptr = ptr;
	e->bytes_req = bytes_req;
	e->bytes_alloc = bytes_alloc;
	e->gfp = gfp;
	commit(e, pos);
}

__attribute__((noinline, cold))
void trace_kmem_free(enum scullc_trace_event event, unsigned long call_site,
		     const void *ptr, const char *cache_name)
{
	unsigned long pos;
	struct trace_entry *e = begin(event, &pos);

	if (!e)
		return;
	e->call_site = call_site;
	e->ptr = ptr;
	snprintf(e->name, sizeof(e->name), "%s", cache_name ? cache_name : "");
	commit(e, pos);
}

__attribute__((noinline, cold))
void trace_page(enum scullc_trace_event event, const struct page *page,
		unsigned long pfn, unsigned int order, gfp_t gfp)
{
	unsigned long pos;
	struct trace_entry *e = begin(event, &pos);

	if (!e)
		return;
	e->ptr = page;
	e->pfn = pfn;
	e->order = order;
	e->gfp = gfp;
	commit(e, pos);
}

/* ------------------------------------------------------------------ */
/* The text (include/trace/events/kmem.h, kernel/trace/trace_output.c) */

/*
 * show_gfp_flags: the kernel's table order, composite masks first, each
 * name taken when all its bits are set; bits no name covers as one hex
 * number; "none" for 0.  GFP_USER is GFP_KERNEL here (no __GFP_HARDWALL),
 * so it is left out, as are the kernel's names of bits this allocator
 * does not have; __GFP_NOACCOUNT is this allocator's own.
 */
static const struct {
	gfp_t mask;
	const char *name;
} gfp_names[] = {
	{ GFP_KERNEL, "GFP_KERNEL" },
	{ GFP_NOFS, "GFP_NOFS" },
	{ GFP_ATOMIC, "GFP_ATOMIC" },
	{ GFP_NOIO, "GFP_NOIO" },
	{ GFP_NOWAIT, "GFP_NOWAIT" },
	{ GFP_DMA, "GFP_DMA" },
	{ __GFP_RECLAIM, "__GFP_RECLAIM" },
	{ __GFP_DMA, "__GFP_DMA" },
	{ __GFP_HIGH, "__GFP_HIGH" },
	{ __GFP_IO, "__GFP_IO" },
	{ __GFP_FS, "__GFP_FS" },
	{ __GFP_ZERO, "__GFP_ZERO" },
	{ __GFP_DIRECT_RECLAIM, "__GFP_DIRECT_RECLAIM" },
	{ __GFP_KSWAPD_RECLAIM, "__GFP_KSWAPD_RECLAIM" },
	{ __GFP_NOWARN, "__GFP_NOWARN" },
	{ __GFP_NOFAIL, "__GFP_NOFAIL" },
	{ __GFP_NORETRY, "__GFP_NORETRY" },
	{ __GFP_NOACCOUNT, "__GFP_NOACCOUNT" },
};

void trace_gfp_name(gfp_t gfp, char *buf, size_t size)
{
	size_t i, n = 0;

	buf[0] = '\0';
	if (!gfp) {
		snprintf(buf, size, "none");
		return;
	}
	for (i = 0; i < sizeof(gfp_names) / sizeof(gfp_names[0]); i++) {
		if ((gfp & gfp_names[i].mask) != gfp_names[i].mask)
			continue;
		gfp &= ~gfp_names[i].mask;
		n += (size_t)snprintf(buf + n, n < size ? size - n : 0, "%s%s",
				      n ? "|" : "", gfp_names[i].name);
	}
	if (gfp)
		snprintf(buf + n, n < size ? size - n : 0, "%s0x%x",
			 n ? "|" : "", gfp);
}

/* %pS: "function+0xoff/0xsize", or the bare address when unnamed */
static void symbol(unsigned long addr, char *buf, size_t size)
{
	const ElfW(Sym) *sym = NULL;
	Dl_info di;

	if (addr && dladdr1((void *)addr, &di, (void **)&sym,
			    RTLD_DL_SYMENT) && di.dli_sname && sym) {
		snprintf(buf, size, "%.200s+0x%lx/0x%lx", di.dli_sname,
			 addr - (unsigned long)di.dli_saddr,
			 (unsigned long)sym->st_size);
		return;
	}
	snprintf(buf, size, "0x%lx", addr);
}

size_t trace_format(const struct trace_entry *e, char *buf, size_t size)
{
	unsigned long long us = e->ts / 1000;
	char site[256], gfp[256];
	size_t n = 0;
	int k;

	if (e->lost)
		n += (size_t)snprintf(buf, size, "CPU:%d [LOST %lu EVENTS]\n",
				      e->cpu, e->lost);
	/* trace_print_context with irq-info: nothing here runs in an
	   interrupt or with preemption off, so the flags are all dots */
	k = snprintf(buf + n, size - n, "%16s-%-7d [%03d] ..... %5llu.%06llu: %s: ",
		     e->comm, e->pid, e->cpu, us / 1000000, us % 1000000,
		     event_names[e->type]);
	n += (size_t)k;
	if (n >= size)
		goto cut;
	switch (e->type) {
	case SCULLC_TRACE_KMALLOC:
	case SCULLC_TRACE_KMEM_CACHE_ALLOC:
		symbol(e->call_site, site, sizeof(site));
		trace_gfp_name(e->gfp, gfp, sizeof(gfp));
		k = snprintf(buf + n, size - n,
			     "call_site=%s ptr=%016lx bytes_req=%zu bytes_alloc=%zu gfp_flags=%s node=-1 accounted=false\n",
			     site, (unsigned long)e->ptr, e->bytes_req,
			     e->bytes_alloc, gfp);
		break;
	case SCULLC_TRACE_KFREE:
		symbol(e->call_site, site, sizeof(site));
		k = snprintf(buf + n, size - n, "call_site=%s ptr=%016lx\n",
			     site, (unsigned long)e->ptr);
		break;
	case SCULLC_TRACE_KMEM_CACHE_FREE:
		symbol(e->call_site, site, sizeof(site));
		k = snprintf(buf + n, size - n,
			     "call_site=%s ptr=%016lx name=%s\n",
			     site, (unsigned long)e->ptr, e->name);
		break;
	case SCULLC_TRACE_MM_PAGE_ALLOC:
		trace_gfp_name(e->gfp, gfp, sizeof(gfp));
		k = snprintf(buf + n, size - n,
			     "page=%016lx pfn=0x%lx order=%u migratetype=0 gfp_flags=%s\n",
			     (unsigned long)e->ptr, e->ptr ? e->pfn : 0,
			     e->order, gfp);
		break;
	default:
		k = snprintf(buf + n, size - n, "page=%016lx pfn=0x%lx order=%u\n",
			     (unsigned long)e->ptr, e->pfn, e->order);
		break;
	}
	n += (size_t)k;
	if (n < size)
		return n;
cut:
	/* cut to the buffer, but still one line */
	buf[size - 2] = '\n';
	buf[size - 1] = '\0';
	return size - 1;
}

/* ------------------------------------------------------------------ */
/* The API                                                             */

SCULLC_API int scullc_trace_set_events(unsigned int mask)
{
	struct trace_entry *r;
	unsigned long i;

	if (mask & ~SCULLC_TRACE_ALL)
		return -EINVAL;
	mutex_lock(&trace_lock);
	if (mask && !atomic_load_explicit(&ring, memory_order_relaxed)) {
		r = os_map(TRACE_RING_ENTRIES * sizeof(*r), PAGE_SIZE);
		if (!r) {
			mutex_unlock(&trace_lock);
			return -ENOMEM;
		}
		for (i = 0; i < TRACE_RING_ENTRIES; i++)
			atomic_init(&r[i].seq, i);
		atomic_store_explicit(&ring, r, memory_order_release);
	}
	atomic_store_explicit(&trace_events, mask, memory_order_relaxed);
	mutex_unlock(&trace_lock);
	return 0;
}

SCULLC_API unsigned int scullc_trace_get_events(void)
{
	return atomic_load_explicit(&trace_events, memory_order_relaxed);
}

SCULLC_API const char *scullc_trace_event_name(int event)
{
	if (event < 0 || event >= SCULLC_TRACE_NR_EVENTS)
		return NULL;
	return event_names[event];
}

SCULLC_API int scullc_trace_ignore_thread(int ignore)
{
	int was = self.ignore;

	self.ignore = ignore != 0;
	return was;
}

/* The entry at head if it is published, else NULL.  Under trace_lock. */
static struct trace_entry *peek(void)
{
	struct trace_entry *r = atomic_load_explicit(&ring,
						     memory_order_acquire);
	struct trace_entry *e;

	lock_assert_held(&trace_lock);
	if (!r)
		return NULL;
	e = &r[head & RING_MASK];
	if (atomic_load_explicit(&e->seq, memory_order_acquire) != head + 1)
		return NULL;
	return e;
}

/* As many whole lines as fit in @buf; under trace_lock */
static size_t drain(char *buf, size_t size)
{
	char line[SCULLC_TRACE_LINE_MAX];
	struct trace_entry *e;
	unsigned long n_lost;
	size_t n = 0, k;

	while ((e = peek())) {
		k = trace_format(e, line, sizeof(line));
		if (k > size - n)
			break;
		memcpy(buf + n, line, k);
		n += k;
		atomic_store_explicit(&e->seq, head + TRACE_RING_ENTRIES,
				      memory_order_release);
		head++;
		atomic_fetch_add_explicit(&read_events, 1,
					  memory_order_relaxed);
	}
	/* The ring ran dry after a drop that no later event has carried */
	if (!e && atomic_load_explicit(&lost, memory_order_relaxed) &&
	    size - n >= SCULLC_TRACE_LINE_MAX) {
		n_lost = atomic_exchange_explicit(&lost, 0,
						  memory_order_relaxed);
		if (n_lost)
			n += (size_t)snprintf(buf + n, size - n,
				"CPU:%d [LOST %lu EVENTS]\n",
				atomic_load_explicit(&lost_cpu,
						     memory_order_relaxed),
				n_lost);
	}
	return n;
}

/* Whether there is something to read (an event, or a loss to tell) */
static bool ready(void)
{
	bool r;

	mutex_lock(&trace_lock);
	r = peek() || atomic_load_explicit(&lost, memory_order_relaxed);
	mutex_unlock(&trace_lock);
	return r;
}

/*
 * Sleep until there is something to read (true), or until @deadline (ns
 * of os_now_ns; 0: none) or a scullc_trace_wake after the caller read
 * @kick (false).  @timeout_ms 0: look once.
 */
static bool wait_ready(int timeout_ms, unsigned long long deadline,
		       unsigned int kick)
{
	unsigned long long now;
	int wait_ms = -1;
	unsigned int w;

	for (;;) {
		w = atomic_load_explicit(&wake_word, memory_order_acquire);
		if (ready())
			return true;
		if (timeout_ms == 0 ||
		    atomic_load_explicit(&kicks, memory_order_acquire) != kick)
			return false;
		if (deadline) {
			now = os_now_ns();
			if (now >= deadline)
				return false;
			wait_ms = (int)((deadline - now + 999999) / 1000000);
		}
		/* Say we sleep, then look again (see the top of the file) */
		atomic_store_explicit(&waiters, 1, memory_order_relaxed);
		atomic_thread_fence(memory_order_seq_cst);
		if (ready())
			return true;
		os_futex_wait(&wake_word, w, wait_ms);
	}
}

static unsigned long long deadline_of(int timeout_ms)
{
	if (timeout_ms <= 0)
		return 0;
	return os_now_ns() + (unsigned long long)timeout_ms * 1000000ULL;
}

SCULLC_API int scullc_trace_wait(int timeout_ms)
{
	unsigned int kick = atomic_load_explicit(&kicks,
						 memory_order_acquire);

	return wait_ready(timeout_ms, deadline_of(timeout_ms), kick);
}

SCULLC_API ssize_t scullc_trace_read(char *buf, size_t size, int timeout_ms)
{
	unsigned int kick = atomic_load_explicit(&kicks,
						 memory_order_acquire);
	unsigned long long deadline = deadline_of(timeout_ms);
	size_t n;

	if (size < SCULLC_TRACE_LINE_MAX)
		return -EINVAL;
	for (;;) {
		mutex_lock(&trace_lock);
		n = drain(buf, size);
		mutex_unlock(&trace_lock);
		if (n)
			return (ssize_t)n;
		if (!wait_ready(timeout_ms, deadline, kick))
			return 0;
	}
}

SCULLC_API void scullc_trace_wake(void)
{
	atomic_fetch_add_explicit(&kicks, 1, memory_order_release);
	atomic_fetch_add_explicit(&wake_word, 1, memory_order_release);
	os_futex_wake(&wake_word);
}

SCULLC_API void scullc_trace_get_stats(struct scullc_trace_stats *st)
{
	unsigned long t, h;

	mutex_lock(&trace_lock);
	h = head;
	t = atomic_load_explicit(&tail, memory_order_relaxed);
	mutex_unlock(&trace_lock);
	st->size = TRACE_RING_ENTRIES;
	st->entries = t - h;
	st->overrun = atomic_load_explicit(&overrun, memory_order_relaxed);
	st->read_events = atomic_load_explicit(&read_events,
					       memory_order_relaxed);
}
