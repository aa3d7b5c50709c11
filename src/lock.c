/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lock.c - the lock order checker of debug builds (see lock.h) */

/*
 * Each thread keeps the locks it holds on a stack of its own (no lock is
 * needed to read or write it), pushed by every acquisition, popped by
 * every release wherever the lock sits on it.  Locks are ordered by key,
 * rank * LOCK_SUBCLASSES + subclass: a blocking acquisition must have a
 * key above every held lock's, the trylocks' too (a trylock cannot wait,
 * but what waits after it can still close a cycle through it).  A lock
 * taken with a nest lock (mutex_lock_nest) whose rank's entry on top was
 * taken under the same, still held, nest lock joins that entry instead of
 * getting its own, so that fork can hold every cache's list_lock at once
 * without a stack as deep as the number of caches.
 *
 * A violation is printed with write(2) to stderr, from a stack buffer,
 * and the process aborts: the checker takes no lock and calls no
 * allocator, so it can run inside any locked section.
 */

#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "lock.h"

#ifdef SCULLC_LOCK_CHECK

#define LOCK_MAX_HELD 32        /* deepest nesting in the code: about 6 */

struct held_lock {
	const struct lock_dep *lock;  /* the first lock of a nest group */
	const struct lock_dep *nest;  /* mutex_lock_nest's outer lock */
	unsigned int key;             /* rank * LOCK_SUBCLASSES + subclass */
	unsigned int count;           /* locks in this entry (nest groups) */
	bool trylock;
	bool read;                    /* an rwlock taken shared */
	const char *file;             /* where it was taken */
	int line;
};

static __thread struct {
	unsigned int depth;
	struct held_lock held[LOCK_MAX_HELD];
} stack;

static void __attribute__((noreturn, format(printf, 1, 2)))
lock_bug(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	n = snprintf(buf, sizeof(buf), "libscullc: lock order violation: ");
	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(STDERR_FILENO, buf, (size_t)n) < 0)
		(void)0;             /* nowhere else to say it */
	abort();
}

static struct held_lock *find(const struct lock_dep *l)
{
	unsigned int i = stack.depth;

	while (i--)
		if (stack.held[i].lock == l)
			return &stack.held[i];
	return NULL;
}

/* The nest group of @l's rank whose outer lock is @nest, if any */
static struct held_lock *find_group(const struct lock_dep *l,
				    const struct lock_dep *nest)
{
	unsigned int i = stack.depth;

	while (i--) {
		struct held_lock *h = &stack.held[i];

		if (h->nest && (!nest || h->nest == nest) &&
		    h->key == l->rank * LOCK_SUBCLASSES)
			return h;
	}
	return NULL;
}

void lock_acquire(const struct lock_dep *l, unsigned int sub,
		  const struct lock_dep *nest, int flags,
		  const char *file, int line)
{
	bool trylock = flags & LOCK_ACQ_TRY;
	unsigned int key = l->rank * LOCK_SUBCLASSES + sub, i;
	struct held_lock *h;

	if (l->rank <= LOCK_RANK_NONE || l->rank >= LOCK_RANK_END ||
	    sub >= LOCK_SUBCLASSES)
		lock_bug("%s (rank %d, subclass %u) taken at %s:%d has no "
			 "valid rank", l->name, l->rank, sub, file, line);
	if ((h = find(l)))
		lock_bug("%s taken at %s:%d is already held, taken at %s:%d",
			 l->name, file, line, h->file, h->line);
	if (nest && !find(nest))
		lock_bug("%s taken at %s:%d nested under %s, which is not "
			 "held", l->name, file, line, nest->name);
	if (nest && stack.depth &&
	    (h = &stack.held[stack.depth - 1])->nest == nest && h->key == key) {
		h->count++;
		return;
	}
	for (i = 0; i < stack.depth && !trylock; i++) {
		h = &stack.held[i];
		if (h->key >= key)
			lock_bug("%s (rank %d) taken at %s:%d while holding "
				 "%s (rank %d) taken at %s:%d",
				 l->name, l->rank, file, line, h->lock->name,
				 h->lock->rank, h->file, h->line);
	}
	if (stack.depth == LOCK_MAX_HELD)
		lock_bug("%s taken at %s:%d: more than %d locks held",
			 l->name, file, line, LOCK_MAX_HELD);
	stack.held[stack.depth++] = (struct held_lock){
		.lock = l, .nest = nest, .key = key, .count = 1,
		.trylock = trylock, .read = (flags & LOCK_ACQ_READ) != 0,
		.file = file, .line = line,
	};
}

void lock_release(const struct lock_dep *l, const char *file, int line)
{
	struct held_lock *h = find(l);
	unsigned int i;

	if (!h)
		h = find_group(l, NULL);
	if (!h)
		lock_bug("%s released at %s:%d is not held", l->name, file,
			 line);
	if (--h->count)
		return;
	for (i = (unsigned int)(h - stack.held); i + 1 < stack.depth; i++)
		stack.held[i] = stack.held[i + 1];
	stack.depth--;
}

void lock_check_held(const struct lock_dep *l, const char *file, int line)
{
	if (!find(l) && !find_group(l, NULL))
		lock_bug("%s is not held at %s:%d", l->name, file, line);
}

void lock_check_held_write(const struct lock_dep *l, const char *file,
			   int line)
{
	const struct held_lock *h = find(l);

	if (!h)
		lock_bug("%s is not held at %s:%d", l->name, file, line);
	if (h->read)
		lock_bug("%s is held for reading, taken at %s:%d, not for "
			 "writing, at %s:%d", l->name, h->file, h->line, file,
			 line);
}

void lock_check_held_below(enum lock_rank rank, const char *what,
			   const char *file, int line)
{
	unsigned int i;

	for (i = 0; i < stack.depth; i++) {
		const struct held_lock *h = &stack.held[i];

		if (h->key >= rank * LOCK_SUBCLASSES)
			lock_bug("%s at %s:%d while holding %s (rank %d) "
				 "taken at %s:%d", what, file, line,
				 h->lock->name, h->lock->rank, h->file,
				 h->line);
	}
}

unsigned int lock_held_depth(void)
{
	return stack.depth;
}

#endif /* SCULLC_LOCK_CHECK */
