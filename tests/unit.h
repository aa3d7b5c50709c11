/* unit.h - what every Check suite shares: its main() */
#ifndef SCULLCFS_TESTS_UNIT_H
#define SCULLCFS_TESTS_UNIT_H

/*
 * Each tests/check_<module>.c defines one Suite and ends with
 * UNIT_MAIN(<module>_suite).  To debug one case under gdb, run the program
 * with CK_FORK=no and CK_RUN_CASE="<TCase name>" in the environment.
 */

#include <check.h>
#include <stdlib.h>

#define UNIT_MAIN(suite_fn)                                          \
	int main(void)                                               \
	{                                                            \
		SRunner *sr = srunner_create(suite_fn());            \
		int failed;                                          \
									     \
		srunner_run_all(sr, CK_NORMAL);                      \
		failed = srunner_ntests_failed(sr);                  \
		srunner_free(sr);                                    \
		return failed ? EXIT_FAILURE : EXIT_SUCCESS;         \
	}

#endif /* SCULLCFS_TESTS_UNIT_H */
