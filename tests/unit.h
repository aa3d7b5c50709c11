/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit.h - what every Check suite shares: its main() */
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
#include <stdlib.h>

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

#endif /* SCULLCFS_TESTS_UNIT_H */
