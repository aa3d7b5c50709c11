/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* os.c - the allocator's only contact with the operating system */

/*
 * Everything libscullc needs from the kernel goes through this file:
 * address space (mmap, munmap, madvise), the machine's shape (CPUs, RAM),
 * a clock and the identity of the calling thread.  The rest of src/mm
 * never includes <sys/mman.h>, so porting the allocator means porting
 * this file.
 *
 * Mappings are anonymous, private, read-write and MAP_NORESERVE: pages
 * cost memory only once touched, which is what the page allocator's
 * lazily filled chunk table and the chunks themselves rely on.
 */

#include "internal.h"

#include <limits.h>
#include <linux/futex.h>
#include <linux/membarrier.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static _Atomic unsigned long start_ms;   /* monotonic ms at library start */

static void *map(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED) {
		errno = ENOMEM;
		return NULL;
	}
	return p;
}

/**
 * os_map - map @size bytes of zeroed anonymous memory aligned to @align
 * @size:  bytes, rounded up to whole pages
 * @align: a power of two; PAGE_SIZE or less means page aligned
 *
 * Over-maps by @align and gives back the unaligned head and the tail.
 * Returns the mapping, or NULL with errno ENOMEM.
 */
void *os_map(size_t size, size_t align)
{
	uintptr_t raw, start;
	size_t total;
	char *p;

	size = ALIGN(size, PAGE_SIZE);
	if (size == 0)
		size = PAGE_SIZE;
	if (align <= PAGE_SIZE)
		return map(size);
	if (size > SIZE_MAX - align) {
		errno = ENOMEM;
		return NULL;
	}
	total = size + align;
	p = map(total);
	if (!p)
		return NULL;
	raw = (uintptr_t)p;
	start = ALIGN(raw, align);
	if (start > raw)
		os_unmap(p, start - raw);
	if (raw + total > start + size)
		os_unmap((void *)(start + size), raw + total - (start + size));
	return (void *)start;
}

/*
 * os_unmap - give [@addr, @addr + @size) back; errno is left untouched.
 * ASan's shadow of the range is cleared first, so that whoever maps those
 * addresses next does not inherit the poison of free pages.
 */
void os_unmap(void *addr, size_t size)
{
	int saved = errno;

	if (addr) {
		ASAN_UNPOISON_MEMORY_REGION(addr, ALIGN(size, PAGE_SIZE));
		munmap(addr, ALIGN(size, PAGE_SIZE));
	}
	errno = saved;
}

/*
 * os_discard - drop the contents of [@addr, @addr + @size)
 *
 * The range stays mapped; its resident pages go back to the kernel at once
 * (RSS falls) and later reads see zeros.  errno is left untouched.
 */
void os_discard(void *addr, size_t size)
{
	int saved = errno;

	madvise(addr, ALIGN(size, PAGE_SIZE), MADV_DONTNEED);
	errno = saved;
}

/*
 * os_populate - make [@addr, @addr + @size) resident now, for writing
 *
 * One madvise(MADV_POPULATE_WRITE) instead of a page fault per page on
 * first touch: a chunk of fresh pages costs one system call.  Best effort:
 * on a kernel without it (before 5.14) the pages fault in as they are
 * touched, as before.  errno is left untouched.
 */
void os_populate(void *addr, size_t size)
{
#ifdef MADV_POPULATE_WRITE
	int saved = errno;

	madvise(addr, ALIGN(size, PAGE_SIZE), MADV_POPULATE_WRITE);
	errno = saved;
#else
	(void)addr;
	(void)size;
#endif
}

/*
 * os_advise_huge - ask the kernel to back [@addr, @addr + @size) with
 * transparent huge pages (@huge) or never to (!@huge), before the range
 * is populated: MADV_HUGEPAGE makes a fault on an empty 2 MiB-aligned
 * unit take one huge page, where the default would take 512 small ones.
 * Best effort (no THP, or THP disabled: the range stays as it is); errno
 * is left untouched.
 */
void os_advise_huge(void *addr, size_t size, bool huge)
{
	int saved = errno;

	madvise(addr, ALIGN(size, PAGE_SIZE), huge ? MADV_HUGEPAGE :
		MADV_NOHUGEPAGE);
	errno = saved;
}

/*
 * os_thp_enabled - whether the kernel gives huge pages to a range that
 * asks (MADV_HUGEPAGE): /sys/kernel/mm/transparent_hugepage/enabled shows
 * [always] or [madvise].  False when it shows [never] or cannot be read
 * (no THP in the kernel).  errno is left untouched.
 */
bool os_thp_enabled(void)
{
	char buf[64] = "";
	int saved = errno;
	bool on = false;
	FILE *f;

	f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "re");
	if (f) {
		on = fgets(buf, sizeof(buf), f) && !strstr(buf, "[never]") &&
		     strchr(buf, '[');
		fclose(f);
	}
	errno = saved;
	return on;
}

/*
 * os_membarrier_register - ask for MEMBARRIER_CMD_PRIVATE_EXPEDITED
 * True when the kernel has it (Linux 4.14) and allowed it; then
 * os_membarrier may be called.  errno is left untouched.
 */
bool os_membarrier_register(void)
{
#ifdef SYS_membarrier
	int saved = errno;
	bool ok = syscall(SYS_membarrier,
			  MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0;

	errno = saved;
	return ok;
#else
	return false;
#endif
}

/*
 * os_membarrier - a full memory barrier on every CPU that runs a thread of
 * this process, before it returns.  False when it could not be done (not
 * registered: a fork child, or an old kernel).  errno is left untouched.
 */
bool os_membarrier(void)
{
#ifdef SYS_membarrier
	int saved = errno;
	bool ok = syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED,
			  0, 0) == 0;

	errno = saved;
	return ok;
#else
	return false;
#endif
}

/* os_nr_cpus - CPUs configured in the machine, at least 1 */
unsigned int os_nr_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);

	return n < 1 ? 1 : (unsigned int)n;
}

/* os_total_ram - bytes of physical memory, 0 when unknown */
size_t os_total_ram(void)
{
	long pages = sysconf(_SC_PHYS_PAGES);
	long size = sysconf(_SC_PAGESIZE);

	if (pages < 0 || size < 0)
		return 0;
	if ((unsigned long)pages > SIZE_MAX / (unsigned long)size)
		return SIZE_MAX;
	return (size_t)pages * (size_t)size;
}

static unsigned long monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long)ts.tv_sec * 1000 +
	       (unsigned long)ts.tv_nsec / 1000000;
}

/*
 * os_coarse_ms - a monotonic clock in milliseconds, at the kernel tick's
 * resolution (a few ms), for policies that only need to tell seconds
 * apart: CLOCK_MONOTONIC_COARSE is read from the vDSO without a system
 * call or a timer read, a few ns, where CLOCK_MONOTONIC may cost a
 * hundred on a virtual machine.  Its zero is arbitrary.
 */
unsigned long os_coarse_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (unsigned long)ts.tv_sec * 1000 +
	       (unsigned long)ts.tv_nsec / 1000000;
}

/*
 * os_now_ms - milliseconds since the library started
 * The start is fixed by the first call, which the constructor below makes
 * unless another constructor got here first.
 */
unsigned long os_now_ms(void)
{
	unsigned long now = monotonic_ms();
	unsigned long start = atomic_load_explicit(&start_ms,
						   memory_order_relaxed);

	if (unlikely(start == 0)) {
		unsigned long expected = 0;

		/* now + 1: a start of 0 means "not set yet" */
		if (atomic_compare_exchange_strong(&start_ms, &expected,
						   now + 1))
			start = now + 1;
		else
			start = expected;
	}
	return now + 1 >= start ? now + 1 - start : 0;
}

__attribute__((constructor))
static void start_clock(void)
{
	(void)os_now_ms();
}

/*
 * os_tid - the kernel's id of the calling thread
 * Not cached: a cached id would be wrong in the child after fork().
 */
int os_tid(void)
{
	return (int)syscall(SYS_gettid);
}

/* os_cpu - the CPU the calling thread runs on now, 0 when unknown */
int os_cpu(void)
{
	int cpu = sched_getcpu();

	return cpu < 0 ? 0 : cpu;
}

/*
 * os_now_ns - CLOCK_MONOTONIC in nanoseconds: close to the kernel's trace
 * clock (sched_clock counts from boot too), so that a trace line's
 * timestamp can be set beside the kernel's own.
 */
unsigned long long os_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL +
	       (unsigned long long)ts.tv_nsec;
}

/* os_thread_name - the calling thread's comm (15 bytes and a NUL) */
void os_thread_name(char name[16])
{
	if (prctl(PR_GET_NAME, name, 0, 0, 0) != 0)
		strcpy(name, "<...>");
	name[15] = '\0';
}

/*
 * os_futex_wait - sleep while *@word == @val, at most @timeout_ms (-1: no
 * bound), or until os_futex_wake; returns at once when it differs.  A
 * process-private futex: the word is the allocator's own.  May return
 * early (a signal, a spurious wake-up): the caller re-checks.
 */
void os_futex_wait(_Atomic unsigned int *word, unsigned int val,
		   int timeout_ms)
{
	struct timespec ts, *tp = NULL;

	if (timeout_ms >= 0) {
		ts.tv_sec = timeout_ms / 1000;
		ts.tv_nsec = (long)(timeout_ms % 1000) * 1000000;
		tp = &ts;
	}
	syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, val, tp, NULL, 0);
}

/* os_futex_wake - wake every thread in os_futex_wait on @word */
void os_futex_wake(_Atomic unsigned int *word)
{
	syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}
