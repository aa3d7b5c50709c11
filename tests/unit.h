/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit.h - what every Check suite shares: its main(), its random numbers */
#ifndef SCULLCFS_TESTS_UNIT_H
#define SCULLCFS_TESTS_UNIT_H

/*
 * Each tests/check_<module>.c defines one Suite and ends with
 * UNIT_MAIN(<module>_suite, SECONDS): SECONDS is the default timeout of
 * each of its tests (Check's CK_DEFAULT_TIMEOUT, unless the environment
 * sets one); TCases that need more say so with tcase_set_timeout().  A
 * timeout only catches a hang: it is a few times what the slowest test
 * takes on a loaded machine, and no test checks how fast it ran.  Slow
 * builds (sanitizers, valgrind) scale them with CK_TIMEOUT_MULTIPLIER.
 *
 * To debug one case under gdb, run the program with CK_FORK=no and
 * CK_RUN_CASE="<TCase name>" in the environment.
 */

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * unit_rnd - xorshift64*, the random choices of property tests, the same
 * on every run from the same seed.  unit_rnd_seed starts the sequence at
 * @seed, or at $UNIT_SEED when that is set, and returns the seed in
 * effect: a test prints it when it fails, and
 *   UNIT_SEED=<seed> CK_FORK=no CK_RUN_CASE=<TCase> tests/check_<module>
 * replays that run.
 */
static inline uint64_t *unit_rnd_state(void)
{
	static uint64_t state = 1;

	return &state;
}

static inline uint64_t unit_rnd_seed(uint64_t seed)
{
	const char *env = getenv("UNIT_SEED");

	if (env && *env)
		seed = strtoull(env, NULL, 0);
	*unit_rnd_state() = seed ? seed : 1;   /* 0 would stay 0 */
	return seed;
}

static inline uint64_t unit_rnd(void)
{
	uint64_t *s = unit_rnd_state();

	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

/* unit_below - a random number below @n (0 for 0) */
static inline uint64_t unit_below(uint64_t n)
{
	return n ? unit_rnd() % n : 0;
}

#ifdef SCULLC_SLAB_H
/*
 * With <scullc/slab.h> included first: what the allocator's users hold,
 * and failures on purpose.  unit_live - objects of @c held (its thread
 * cache and depot drained first); unit_kmalloc_live - blocks out in every
 * kmalloc class.
 */
#define UNIT_KMALLOC_CLASSES 13

static inline const char *unit_kmalloc_name(unsigned int i)
{
	static const char *const names[UNIT_KMALLOC_CLASSES] = {
		"kmalloc-8", "kmalloc-16", "kmalloc-32", "kmalloc-64",
		"kmalloc-96", "kmalloc-128", "kmalloc-192", "kmalloc-256",
		"kmalloc-512", "kmalloc-1k", "kmalloc-2k", "kmalloc-4k",
		"kmalloc-8k",
	};

	return names[i];
}

static inline unsigned long unit_live(struct kmem_cache *c)
{
	struct kmem_cache_stats st;

	if (!c)
		return 0;
	kmem_cache_shrink(c);
	ck_assert_int_eq(kmem_cache_get_stats(c, &st), 0);
	return st.active_objs;
}

static inline unsigned long unit_kmalloc_live(void)
{
	unsigned long n = 0;
	unsigned int i;

	/* Shrink every class before counting any: a shrink frees its
	   depot's magazines, which are blocks of other classes. */
	for (i = 0; i < UNIT_KMALLOC_CLASSES; i++)
		unit_live(kmem_cache_find(unit_kmalloc_name(i)));
	for (i = 0; i < UNIT_KMALLOC_CLASSES; i++)
		n += unit_live(kmem_cache_find(unit_kmalloc_name(i)));
	return n;
}

/* unit_failslab_nth - fail the @n-th slab allocation from now, once
   (failslab_set(NULL) ends it; failslab_failures() tells if it struck) */
static inline void unit_failslab_nth(unsigned long n)
{
	struct failslab_attr a = { .interval = n, .probability = 100,
				   .times = 1, .seed = 1 };

	ck_assert_int_eq(failslab_set(&a), 0);
}
#endif /* SCULLC_SLAB_H */

#define UNIT_STR_(x) #x
#define UNIT_MAIN(suite_fn, timeout_sec)                             \
	int main(void)                                               \
	{                                                            \
		SRunner *sr;                                         \
		int failed;                                          \
									     \
		setenv("CK_DEFAULT_TIMEOUT", UNIT_STR_(timeout_sec), 0); \
		sr = srunner_create(suite_fn());                     \
		srunner_run_all(sr, CK_NORMAL);                      \
		failed = srunner_ntests_failed(sr);                  \
		srunner_free(sr);                                    \
		return failed ? EXIT_FAILURE : EXIT_SUCCESS;         \
	}

/*
 * unit_in_child - run @fn in a child process (no core dump if it aborts)
 * whose stderr goes to a pipe; what it wrote, cut to @size - 1 bytes and
 * NUL-terminated, into @out (the rest is read and dropped, so that the
 * child never blocks on a full pipe).  Returns its wait status.
 */
static inline int unit_in_child(void (*fn)(void), char *out, size_t size)
{
	struct rlimit no_core = { 0, 0 };
	char sink[4096];
	size_t len = 0;
	int fd[2], status;
	ssize_t n;
	pid_t pid;

	ck_assert_int_eq(pipe(fd), 0);
	fflush(NULL);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		setrlimit(RLIMIT_CORE, &no_core);
		close(fd[0]);
		dup2(fd[1], STDERR_FILENO);
		close(fd[1]);
		fn();
		_exit(0);
	}
	close(fd[1]);
	while ((n = read(fd[0], len < size - 1 ? out + len : sink,
			 len < size - 1 ? size - 1 - len : sizeof(sink))) > 0)
		if (len < size - 1)
			len += (size_t)n;
	out[len] = '\0';
	close(fd[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return status;
}

#endif /* SCULLCFS_TESTS_UNIT_H */
