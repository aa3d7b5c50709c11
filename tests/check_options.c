/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_options.c - scullcfs's mount options: values, limits, messages */

/*
 * fs_parse_options is pure (it only reads sysconf for the RAM size), so
 * each test builds an argument vector as main() would get it and looks at
 * the options, the arguments left for libfuse and the error line.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "fs/fs.h"

static struct fuse_args args;
static struct fs_options opts;
static char err[256];

/* parse - run fs_parse_options on "scullcfs" followed by the NULL-ended
   arguments; the result stays in args, opts and err */
static int parse(const char *first, ...)
{
	static char *argv[32];
	const char *a;
	va_list ap;
	int argc = 0;

	fuse_opt_free_args(&args);
	fs_options_free(&opts);
	argv[argc++] = (char *)"scullcfs";
	va_start(ap, first);
	for (a = first; a && argc < 31; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	args = (struct fuse_args)FUSE_ARGS_INIT(argc, argv);
	return fs_parse_options(&args, &opts, err, sizeof(err));
}

/* has_arg - some argument left for libfuse contains @s */
static int has_arg(const char *s)
{
	int i;

	for (i = 0; i < args.argc; i++)
		if (strstr(args.argv[i], s))
			return 1;
	return 0;
}

static uint64_t pct_of_ram(unsigned int pct)
{
	uint64_t ram = (uint64_t)sysconf(_SC_PHYS_PAGES) *
		       (uint64_t)sysconf(_SC_PAGESIZE);

	return ram / 100 * pct + ram % 100 * pct / 100;
}

static void teardown(void)
{
	fuse_opt_free_args(&args);
	fs_options_free(&opts);
}

/* ----------------------------------------------------------------- Core */

START_TEST(defaults_are_scullc_geometry_four_devices_half_of_ram)
{
	ck_assert_int_eq(parse("/mnt", NULL), 0);
	ck_assert_uint_eq(opts.quantum, 4000);
	ck_assert_uint_eq(opts.qset, 500);
	ck_assert_uint_eq(opts.devices, 4);
	ck_assert_uint_eq(opts.size, pct_of_ram(50));
	ck_assert_ptr_null(opts.slab_debug);
	ck_assert_ptr_null(opts.failslab);
	ck_assert_uint_eq(opts.stats_mode, 0400);
	ck_assert_int_eq(opts.cache, FS_CACHE_ALWAYS);
	ck_assert_int_eq(opts.writeback, 0);
	ck_assert_uint_eq(opts.reap_ms, 2000);
	ck_assert_int_eq(opts.show_help, 0);
	ck_assert_int_eq(args.argc, 2);
	ck_assert_str_eq(args.argv[1], "/mnt");
}
END_TEST

START_TEST(good_values_are_taken)
{
	ck_assert_int_eq(parse("-o", "quantum=1,qset=1,devices=0", "/m",
			       NULL), 0);
	ck_assert_uint_eq(opts.quantum, 1);
	ck_assert_uint_eq(opts.qset, 1);
	ck_assert_uint_eq(opts.devices, 0);
	ck_assert_int_eq(parse("-o", "quantum=4194304,qset=524288",
			       "-o", "devices=1024,size=64m", "/m", NULL), 0);
	ck_assert_uint_eq(opts.quantum, 4194304);
	ck_assert_uint_eq(opts.qset, 524288);
	ck_assert_uint_eq(opts.devices, 1024);
	ck_assert_uint_eq(opts.size, 64ULL << 20);
	ck_assert_int_eq(parse("-oquantum=4k", "/m", NULL), 0);
	ck_assert_uint_eq(opts.quantum, 4096);
	ck_assert_int_eq(parse("-o", "stats_mode=0444", "/m", NULL), 0);
	ck_assert_uint_eq(opts.stats_mode, 0444);
	ck_assert_int_eq(parse("-o", "stats_mode=440", "/m", NULL), 0);
	ck_assert_uint_eq(opts.stats_mode, 0440);
	ck_assert_int_eq(parse("-o", "reap_ms=0", "/m", NULL), 0);
	ck_assert_uint_eq(opts.reap_ms, 0);
	ck_assert_int_eq(parse("-o", "reap_ms=3600000", "/m", NULL), 0);
	ck_assert_uint_eq(opts.reap_ms, 3600000);
}
END_TEST

START_TEST(cache_modes_and_writeback_are_taken)
{
	ck_assert_int_eq(parse("-o", "cache=never", "/m", NULL), 0);
	ck_assert_int_eq(opts.cache, FS_CACHE_NEVER);
	ck_assert_int_eq(parse("-o", "cache=auto", "/m", NULL), 0);
	ck_assert_int_eq(opts.cache, FS_CACHE_AUTO);
	ck_assert_int_eq(parse("-o", "cache=never,cache=always,writeback",
			       "/m", NULL), 0);
	ck_assert_int_eq(opts.cache, FS_CACHE_ALWAYS);
	ck_assert_int_eq(opts.writeback, 1);
	ck_assert(!has_arg("cache"));
	ck_assert(!has_arg("writeback"));
	ck_assert_int_eq(parse("-o", "writeback,cache=auto", "/m", NULL), 0);
	ck_assert_int_eq(opts.cache, FS_CACHE_AUTO);
	ck_assert_int_eq(opts.writeback, 1);
}
END_TEST

START_TEST(last_value_of_an_option_wins)
{
	ck_assert_int_eq(parse("-o", "quantum=8,quantum=16", "/m", NULL), 0);
	ck_assert_uint_eq(opts.quantum, 16);
}
END_TEST

START_TEST(libfuse_options_stay_ours_go)
{
	ck_assert_int_eq(parse("-f", "-o", "allow_other,quantum=8,ro", "/m",
			       NULL), 0);
	ck_assert(has_arg("allow_other"));
	ck_assert(has_arg("ro"));
	ck_assert(has_arg("-f"));
	ck_assert(!has_arg("quantum"));
}
END_TEST

START_TEST(source_mountpoint_keeps_only_the_mountpoint)
{
	ck_assert_int_eq(parse("scullc", "/mnt/x", "-o", "quantum=8", NULL),
			 0);
	ck_assert_int_eq(args.argc, 2);
	ck_assert_str_eq(args.argv[1], "/mnt/x");
	ck_assert_uint_eq(opts.quantum, 8);
}
END_TEST

START_TEST(source_mountpoint_parses_with_fuse_parse_cmdline)
{
	char dir[] = "/tmp/check_options.XXXXXX";
	struct fuse_cmdline_opts c;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(parse("scullc", dir, "-o", "size=64m,allow_other",
			       NULL), 0);
	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(fuse_parse_cmdline(&args, &c), 0);
	ck_assert_ptr_nonnull(c.mountpoint);
	ck_assert_str_eq(c.mountpoint, dir);
	free(c.mountpoint);
	rmdir(dir);
}
END_TEST

START_TEST(three_positional_arguments_are_refused)
{
	ck_assert_int_eq(parse("a", "b", "c", NULL), -EINVAL);
	ck_assert_str_eq(err, "scullcfs: too many arguments: expected "
			 "[SOURCE] MOUNTPOINT");
}
END_TEST

START_TEST(help_and_version_are_flagged_and_kept_for_libfuse)
{
	ck_assert_int_eq(parse("--help", NULL), 0);
	ck_assert_int_eq(opts.show_help, 1);
	ck_assert(has_arg("--help"));
	ck_assert_int_eq(parse("-h", NULL), 0);
	ck_assert_int_eq(opts.show_help, 1);
	ck_assert_int_eq(parse("-V", NULL), 0);
	ck_assert_int_eq(opts.show_version, 1);
	ck_assert_int_eq(parse("--version", NULL), 0);
	ck_assert_int_eq(opts.show_version, 1);
}
END_TEST

START_TEST(slab_debug_and_failslab_are_kept_with_colons_as_commas)
{
	ck_assert_int_eq(parse("-o", "slab_debug=FZ:scullc:kmalloc-*", "/m",
			       NULL), 0);
	ck_assert_str_eq(opts.slab_debug, "FZ,scullc,kmalloc-*");
	ck_assert_int_eq(parse("-o", "failslab=1:100:0:-1:scullc", "/m",
			       NULL), 0);
	ck_assert_str_eq(opts.failslab, "1,100,0,-1,scullc");
	/* libfuse's own escape for a comma inside -o works too */
	ck_assert_int_eq(parse("-o", "failslab=1\\,100\\,0\\,-1", "/m",
			       NULL), 0);
	ck_assert_str_eq(opts.failslab, "1,100,0,-1");
}
END_TEST

START_TEST(help_lists_every_option_with_its_default)
{
	char path[] = "/tmp/check_options_help.XXXXXX";
	char text[4096];
	int fd = mkstemp(path), saved;
	ssize_t n;

	ck_assert_int_ge(fd, 0);
	fflush(stdout);
	saved = dup(1);
	dup2(fd, 1);
	fs_print_help("scullcfs");
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	n = pread(fd, text, sizeof(text) - 1, 0);
	close(fd);
	unlink(path);
	ck_assert_int_gt(n, 0);
	text[n] = '\0';
	ck_assert_ptr_nonnull(strstr(text, "usage: scullcfs [SOURCE] "
				     "MOUNTPOINT"));
	ck_assert_ptr_nonnull(strstr(text, "    -o quantum=N "));
	ck_assert_ptr_nonnull(strstr(text, "(default: 4000)"));
	ck_assert_ptr_nonnull(strstr(text, "    -o qset=N "));
	ck_assert_ptr_nonnull(strstr(text, "(default: 500)"));
	ck_assert_ptr_nonnull(strstr(text, "    -o devices=N "));
	ck_assert_ptr_nonnull(strstr(text, "(default: 4)"));
	ck_assert_ptr_nonnull(strstr(text, "    -o size=SIZE "));
	ck_assert_ptr_nonnull(strstr(text, "(default: 50%)"));
	ck_assert_ptr_nonnull(strstr(text, "    -o slab_debug="));
	ck_assert_ptr_nonnull(strstr(text, "    -o failslab="));
	ck_assert_ptr_nonnull(strstr(text, "    -o stats_mode=MODE "));
	ck_assert_ptr_nonnull(strstr(text, "(default: 0400"));
	ck_assert_ptr_nonnull(strstr(text, "    -o cache=MODE "));
	ck_assert_ptr_nonnull(strstr(text, "(default: always)"));
	ck_assert_ptr_nonnull(strstr(text, "    -o writeback "));
	ck_assert_ptr_nonnull(strstr(text, "(default: off)"));
	ck_assert_ptr_nonnull(strstr(text, "    -o reap_ms=N "));
	ck_assert_ptr_nonnull(strstr(text, "(default: 2000)"));
}
END_TEST

/* --------------------------------------------------------------- Limits */

struct bad {
	const char *opt;
	const char *line;
};

static const struct bad bad_values[] = {
	{ "quantum=abc", "scullcfs: invalid quantum=abc: not a number" },
	{ "quantum=", "scullcfs: invalid quantum=: not a number" },
	{ "quantum=0", "scullcfs: invalid quantum=0: must be 1..4194304" },
	{ "quantum=4194305",
	  "scullcfs: invalid quantum=4194305: must be 1..4194304" },
	{ "quantum=4g", "scullcfs: invalid quantum=4g: must be 1..4194304" },
	{ "quantum=12x", "scullcfs: invalid quantum=12x: not a number" },
	{ "qset=0", "scullcfs: invalid qset=0: must be 1..524288" },
	{ "qset=524289", "scullcfs: invalid qset=524289: must be 1..524288" },
	{ "qset=1k", "scullcfs: invalid qset=1k: not a number" },
	{ "devices=-1", "scullcfs: invalid devices=-1: must be 0..1024" },
	{ "devices=1025", "scullcfs: invalid devices=1025: must be 0..1024" },
	{ "devices=+3", "scullcfs: invalid devices=+3: not a number" },
	{ "devices=99999999999999999999999",
	  "scullcfs: invalid devices=99999999999999999999999: must be 0..1024" },
	{ "size=12x", "scullcfs: invalid size=12x: not a size (bytes with an "
		      "optional k, m, g or t, or N% of RAM)" },
	{ "size=", "scullcfs: invalid size=: not a size (bytes with an "
		   "optional k, m, g or t, or N% of RAM)" },
	{ "size=200%", "scullcfs: invalid size=200%: more than 100% of RAM" },
	{ "size=99999999999999999999",
	  "scullcfs: invalid size=99999999999999999999: too large" },
	{ "size=16777216t", "scullcfs: invalid size=16777216t: too large" },
	{ "size=0", "scullcfs: invalid size=0: less than the minimum of "
		    "1052672 bytes (1 MiB plus one quantum)" },
	{ "size=0%", "scullcfs: invalid size=0%: less than the minimum of "
		     "1052672 bytes (1 MiB plus one quantum)" },
	{ "size=1m", "scullcfs: invalid size=1m: less than the minimum of "
		     "1052672 bytes (1 MiB plus one quantum)" },
	{ "stats_mode=0644", "scullcfs: invalid stats_mode=0644: expected "
	  "octal read bits that include the owner's, such as 0400, 0440 or "
	  "0444" },
	{ "stats_mode=0044", "scullcfs: invalid stats_mode=0044: expected "
	  "octal read bits that include the owner's, such as 0400, 0440 or "
	  "0444" },
	{ "stats_mode=r", "scullcfs: invalid stats_mode=r: expected "
	  "octal read bits that include the owner's, such as 0400, 0440 or "
	  "0444" },
	{ "cache=sometimes",
	  "scullcfs: invalid cache=sometimes: expected never, auto or always" },
	{ "cache=", "scullcfs: invalid cache=: expected never, auto or always" },
	{ "reap_ms=3600001",
	  "scullcfs: invalid reap_ms=3600001: must be 0..3600000" },
	{ "reap_ms=2s", "scullcfs: invalid reap_ms=2s: not a number" },
	{ "cache=never,writeback", "scullcfs: writeback needs the page cache: "
				   "not with cache=never" },
};

START_TEST(bad_value_fails_with_one_line_naming_it)
{
	const struct bad *b = &bad_values[_i];

	ck_assert_int_eq(parse("-o", b->opt, "/m", NULL), -EINVAL);
	ck_assert_str_eq(err, b->line);
	ck_assert_ptr_null(strchr(err, '\n'));
}
END_TEST

START_TEST(size_minimum_grows_with_the_quantum)
{
	ck_assert_int_eq(parse("-o", "size=1052672", "/m", NULL), 0);
	ck_assert_int_eq(parse("-o", "quantum=4m,size=4m", "/m", NULL),
			 -EINVAL);
	ck_assert_str_eq(err, "scullcfs: invalid size=4m: less than the "
			 "minimum of 5242880 bytes (1 MiB plus one quantum)");
	ck_assert_int_eq(parse("-o", "size=5m,quantum=4m", "/m", NULL), 0);
}
END_TEST

START_TEST(size_takes_suffixes_in_powers_of_1024_and_percent)
{
	uint64_t b;

	ck_assert_int_eq(fs_parse_size("1048576", &b), 0);
	ck_assert_uint_eq(b, 1048576);
	ck_assert_int_eq(fs_parse_size("64k", &b), 0);
	ck_assert_uint_eq(b, 65536);
	ck_assert_int_eq(fs_parse_size("64K", &b), 0);
	ck_assert_uint_eq(b, 65536);
	ck_assert_int_eq(fs_parse_size("512m", &b), 0);
	ck_assert_uint_eq(b, 512ULL << 20);
	ck_assert_int_eq(fs_parse_size("2g", &b), 0);
	ck_assert_uint_eq(b, 2ULL << 30);
	ck_assert_int_eq(fs_parse_size("1T", &b), 0);
	ck_assert_uint_eq(b, 1ULL << 40);
	ck_assert_int_eq(fs_parse_size("10%", &b), 0);
	ck_assert_uint_eq(b, pct_of_ram(10));
	ck_assert_int_eq(fs_parse_size("100%", &b), 0);
	ck_assert_uint_eq(b, pct_of_ram(100));
}
END_TEST

START_TEST(size_refuses_garbage_and_overflow)
{
	uint64_t b = 7;

	ck_assert_int_eq(fs_parse_size("", &b), -EINVAL);
	ck_assert_int_eq(fs_parse_size("%", &b), -EINVAL);
	ck_assert_int_eq(fs_parse_size("k", &b), -EINVAL);
	ck_assert_int_eq(fs_parse_size("12x", &b), -EINVAL);
	ck_assert_int_eq(fs_parse_size("12kb", &b), -EINVAL);
	ck_assert_int_eq(fs_parse_size(" 12", &b), -EINVAL);
	ck_assert_int_eq(fs_parse_size("1.5g", &b), -EINVAL);
	ck_assert_int_eq(fs_parse_size("10k%", &b), -EINVAL);
	ck_assert_int_eq(fs_parse_size("-5", &b), -ERANGE);
	ck_assert_int_eq(fs_parse_size("101%", &b), -ERANGE);
	ck_assert_int_eq(fs_parse_size("18446744073709551616", &b), -ERANGE);
	ck_assert_int_eq(fs_parse_size("16777216t", &b), -ERANGE);
	ck_assert_uint_eq(b, 7);
}
END_TEST

Suite *options_suite(void);

Suite *options_suite(void)
{
	Suite *s = suite_create("options");
	TCase *core = tcase_create("Core");
	TCase *limits = tcase_create("Limits");

	tcase_add_checked_fixture(core, NULL, teardown);
	tcase_add_test(core, defaults_are_scullc_geometry_four_devices_half_of_ram);
	tcase_add_test(core, good_values_are_taken);
	tcase_add_test(core, cache_modes_and_writeback_are_taken);
	tcase_add_test(core, last_value_of_an_option_wins);
	tcase_add_test(core, libfuse_options_stay_ours_go);
	tcase_add_test(core, source_mountpoint_keeps_only_the_mountpoint);
	tcase_add_test(core, source_mountpoint_parses_with_fuse_parse_cmdline);
	tcase_add_test(core, three_positional_arguments_are_refused);
	tcase_add_test(core, help_and_version_are_flagged_and_kept_for_libfuse);
	tcase_add_test(core, slab_debug_and_failslab_are_kept_with_colons_as_commas);
	tcase_add_test(core, help_lists_every_option_with_its_default);
	suite_add_tcase(s, core);

	tcase_add_checked_fixture(limits, NULL, teardown);
	tcase_add_loop_test(limits, bad_value_fails_with_one_line_naming_it, 0,
			    sizeof(bad_values) / sizeof(bad_values[0]));
	tcase_add_test(limits, size_minimum_grows_with_the_quantum);
	tcase_add_test(limits, size_takes_suffixes_in_powers_of_1024_and_percent);
	tcase_add_test(limits, size_refuses_garbage_and_overflow);
	suite_add_tcase(s, limits);
	return s;
}

UNIT_MAIN(options_suite, 20)
