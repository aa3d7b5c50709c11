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
#include "quote.h"

static struct fuse_args args;
static struct fs_options opts;
static char err[FS_ERR_MAX];

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
	uint64_t b = ram / 100 * pct + ram % 100 * pct / 100;

	return (b + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE;   /* as tmpfs */
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

START_TEST(fstab_options_are_dropped_as_mount_fuse3_drops_them)
{
	ck_assert_int_eq(parse("scullc", "/m", "-o", "nofail,_netdev,auto,"
			       "noauto,user,nouser,users,owner,group,defaults,"
			       "x-systemd.automount,comment=x,user=joe,ro,"
			       "noswap", NULL), 0);
	ck_assert(!has_arg("nofail") && !has_arg("_netdev"));
	ck_assert(!has_arg("auto") && !has_arg("user") && !has_arg("owner"));
	ck_assert(!has_arg("group") && !has_arg("defaults"));
	ck_assert(!has_arg("x-") && !has_arg("comment") && !has_arg("swap"));
	ck_assert(has_arg("ro"));        /* libfuse's: MS_RDONLY */
	ck_assert_int_eq(opts.noswap, 1);
	ck_assert_int_eq(parse("-o", "mode=1777,uid=1000,gid=100", "/m", NULL),
			 0);
	ck_assert_uint_eq(opts.root_mode, 01777);
	ck_assert(opts.root_uid_set && opts.root_uid == 1000);
	ck_assert(opts.root_gid_set && opts.root_gid == 100);
	ck_assert_int_eq(parse("/m", NULL), 0);
	ck_assert_uint_eq(opts.root_mode, 0755);
	ck_assert(!opts.root_uid_set && !opts.root_gid_set);
	ck_assert_uint_eq(opts.nr_inodes, 0);
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

START_TEST(huge_modes_are_taken_in_tmpfs_words)
{
	ck_assert_int_eq(parse("/m", NULL), 0);
	ck_assert_int_eq(opts.huge, SCULLC_HUGE_ADVISE);
	ck_assert_int_eq(parse("-o", "huge=never", "/m", NULL), 0);
	ck_assert_int_eq(opts.huge, SCULLC_HUGE_NEVER);
	ck_assert_int_eq(parse("-o", "huge=always", "/m", NULL), 0);
	ck_assert_int_eq(opts.huge, SCULLC_HUGE_ALWAYS);
	ck_assert_int_eq(parse("-o", "huge=always,huge=advise", "/m", NULL),
			 0);
	ck_assert_int_eq(opts.huge, SCULLC_HUGE_ADVISE);
	ck_assert(!has_arg("huge"));
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

START_TEST(log_keeps_the_file_name_as_given_and_refuses_none)
{
	ck_assert_int_eq(parse("-o", "log=reports/a:b", "/m", NULL), 0);
	ck_assert_str_eq(opts.log, "reports/a:b");     /* ':' stays */
	ck_assert_int_eq(parse("/m", NULL), 0);
	ck_assert_ptr_null(opts.log);
	ck_assert_int_eq(parse("-o", "log=", "/m", NULL), -EINVAL);
	ck_assert_str_eq(err, "scullcfs: invalid log=\"\": expected a file "
			 "name");
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
	ck_assert_ptr_nonnull(strstr(text, "    -o log=FILE "));
	ck_assert_ptr_nonnull(strstr(text, "    -o stats_mode=MODE "));
	ck_assert_ptr_nonnull(strstr(text, "(default: 0400"));
	ck_assert_ptr_nonnull(strstr(text, "    -o cache=MODE "));
	ck_assert_ptr_nonnull(strstr(text, "(default: always)"));
	ck_assert_ptr_nonnull(strstr(text, "    -o huge=WHEN "));
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
	{ "quantum=abc", "scullcfs: invalid quantum=\"abc\": not a number" },
	{ "quantum=", "scullcfs: invalid quantum=\"\": not a number" },
	{ "quantum=0",
	  "scullcfs: invalid quantum=\"0\": too small (must be 1..4194304)" },
	{ "quantum=4194305",
	  "scullcfs: invalid quantum=\"4194305\": too large (must be "
	  "1..4194304)" },
	{ "quantum=4g",
	  "scullcfs: invalid quantum=\"4g\": too large (must be 1..4194304)" },
	{ "quantum=12x", "scullcfs: invalid quantum=\"12x\": not a number" },
	{ "quantum=-1",
	  "scullcfs: invalid quantum=\"-1\": negative (must be 1..4194304)" },
	{ "qset=0",
	  "scullcfs: invalid qset=\"0\": too small (must be 1..524288)" },
	{ "qset=524289",
	  "scullcfs: invalid qset=\"524289\": too large (must be 1..524288)" },
	{ "qset=1k", "scullcfs: invalid qset=\"1k\": not a number" },
	{ "devices=-1",
	  "scullcfs: invalid devices=\"-1\": negative (must be 0..1024)" },
	{ "devices=-0",
	  "scullcfs: invalid devices=\"-0\": negative (must be 0..1024)" },
	{ "devices=1025",
	  "scullcfs: invalid devices=\"1025\": too large (must be 0..1024)" },
	{ "devices=+3", "scullcfs: invalid devices=\"+3\": not a number" },
	{ "devices=99999999999999999999999",
	  "scullcfs: invalid devices=\"99999999999999999999999\": too large "
	  "(must be 0..1024)" },
	{ "size=12x", "scullcfs: invalid size=\"12x\": not a size (bytes with "
		      "an optional k, m, g or t, or N% of RAM)" },
	{ "size=", "scullcfs: invalid size=\"\": not a size (bytes with an "
		   "optional k, m, g or t, or N% of RAM)" },
	{ "size=200%",
	  "scullcfs: invalid size=\"200%\": more than 100% of RAM" },
	{ "size=-1", "scullcfs: invalid size=\"-1\": negative" },
	{ "size=-0", "scullcfs: invalid size=\"-0\": negative" },
	{ "size=-5%", "scullcfs: invalid size=\"-5%\": negative" },
	{ "size=99999999999999999999",
	  "scullcfs: invalid size=\"99999999999999999999\": too large (at "
	  "most 18446744073709547520 bytes)" },
	{ "size=16777216t", "scullcfs: invalid size=\"16777216t\": too large "
	  "(at most 18446744073709547520 bytes)" },
	{ "size=1", "scullcfs: invalid size=\"1\": less than the minimum of "
		    "1052672 bytes (1 MiB plus one quantum)" },
	{ "mode=8", "scullcfs: invalid mode=\"8\": expected octal "
	  "permissions, 0..07777 (such as 0755 or 1777)" },
	{ "mode=10000", "scullcfs: invalid mode=\"10000\": expected octal "
	  "permissions, 0..07777 (such as 0755 or 1777)" },
	{ "uid=root", "scullcfs: invalid uid=\"root\": not a number (a "
	  "numeric id, as tmpfs takes)" },
	{ "gid=4294967295", "scullcfs: invalid gid=\"4294967295\": too large "
	  "(at most 4294967294)" },
	{ "nr_inodes=1%", "scullcfs: invalid nr_inodes=\"1%\": not a number "
	  "(with an optional k, m, g or t; 0: no limit)" },
	{ "nr_inodes=4", "scullcfs: invalid nr_inodes=4: the root and "
	  "devices=4 need 5" },
	{ "nr_inodes=4294967297", "scullcfs: invalid nr_inodes=\"4294967297\": "
	  "too large (at most 4294967296)" },
	{ "remount,size=2g", "scullcfs: remount: FUSE cannot hand new "
	  "options to a running daemon: for ro or rw, run mount -i -o "
	  "remount,ro MOUNTPOINT (the kernel's flag, no helper); to resize, "
	  "write the size to MOUNTPOINT/size; for any other option, unmount "
	  "and mount again" },
	{ "size=1m", "scullcfs: invalid size=\"1m\": less than the minimum of "
		     "1052672 bytes (1 MiB plus one quantum)" },
	{ "size=1048575", "scullcfs: invalid size=\"1048575\": less than the "
	  "minimum of 1052672 bytes (1 MiB plus one quantum)" },
	{ "stats_mode=0644", "scullcfs: invalid stats_mode=\"0644\": expected "
	  "octal read bits that include the owner's, such as 0400, 0440 or "
	  "0444" },
	{ "stats_mode=0044", "scullcfs: invalid stats_mode=\"0044\": expected "
	  "octal read bits that include the owner's, such as 0400, 0440 or "
	  "0444" },
	{ "stats_mode=r", "scullcfs: invalid stats_mode=\"r\": expected "
	  "octal read bits that include the owner's, such as 0400, 0440 or "
	  "0444" },
	{ "stats_mode= 0400", "scullcfs: invalid stats_mode=\" 0400\": "
	  "expected octal read bits that include the owner's, such as 0400, "
	  "0440 or 0444" },
	{ "stats_mode=-0400", "scullcfs: invalid stats_mode=\"-0400\": "
	  "negative; expected octal read bits that include the owner's, such "
	  "as 0400, 0440 or 0444" },
	{ "cache=sometimes",
	  "scullcfs: invalid cache=\"sometimes\": expected never, auto or "
	  "always" },
	{ "cache=", "scullcfs: invalid cache=\"\": expected never, auto or "
		    "always" },
	/* in -o, "\\" is libfuse's escape for one backslash */
	{ "cache=a\"b\\\\c",
	  "scullcfs: invalid cache=\"a\\\"b\\\\c\": expected never, auto or "
	  "always" },
	{ "reap_ms=3600001",
	  "scullcfs: invalid reap_ms=\"3600001\": too large (must be "
	  "0..3600000)" },
	{ "reap_ms=2s", "scullcfs: invalid reap_ms=\"2s\": not a number" },
	{ "huge=within_size", "scullcfs: invalid huge=\"within_size\": not "
	  "supported: the files' quanta share the allocator's chunks, which "
	  "no file's size bounds; use always or advise" },
	{ "huge=deny", "scullcfs: invalid huge=\"deny\": expected never, "
	  "always or advise" },
	{ "cache=never,writeback", "scullcfs: writeback needs the page cache: "
				   "not with cache=never" },
	{ "fsname=a\nb", "scullcfs: invalid option \"fsname=a\\nb\": control "
	  "characters or bytes that are not UTF-8" },
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
	ck_assert_str_eq(err, "scullcfs: invalid size=\"4m\": less than the "
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

/* ------------------------------------------------------------ Properties */

/* The options whose value is a number, and the fields they fill. */
static const char *const numeric[] = {
	"quantum", "qset", "devices", "size", "reap_ms", "stats_mode",
	"mode", "uid", "gid", "nr_inodes",
};
#define NR_NUMERIC (sizeof(numeric) / sizeof(numeric[0]))

static uint64_t field(const char *name)
{
	if (!strcmp(name, "quantum"))
		return opts.quantum;
	if (!strcmp(name, "qset"))
		return opts.qset;
	if (!strcmp(name, "devices"))
		return opts.devices;
	if (!strcmp(name, "size"))
		return opts.size;
	if (!strcmp(name, "reap_ms"))
		return opts.reap_ms;
	if (!strcmp(name, "mode"))
		return opts.root_mode;
	if (!strcmp(name, "uid"))
		return opts.root_uid;
	if (!strcmp(name, "gid"))
		return opts.root_gid;
	if (!strcmp(name, "nr_inodes"))
		return opts.nr_inodes;
	ck_assert_str_eq(name, "stats_mode");
	return opts.stats_mode;
}

/* defaulted - @name's field still holds its default after a refusal */
static void assert_defaulted(const char *name)
{
	uint64_t now = field(name);

	ck_assert_int_eq(parse("/m", NULL), 0);
	ck_assert_uint_eq(now, field(name));
}

/* one_line - err is one line of printable ASCII, as quote() promises */
static void assert_one_line(void)
{
	const unsigned char *c;

	ck_assert_int_gt(strlen(err), 0);
	for (c = (const unsigned char *)err; *c; c++)
		ck_assert_msg(*c >= 0x20 && *c < 0x7f,
			      "byte 0x%02x in \"%s\"", *c, err);
}

/* refuse - "-o NAME=VAL" fails; err holds NAME="VAL" quoted */
static void refuse(const char *name, const char *val)
{
	char o[128], q[QUOTE_SIZE], want[QUOTE_SIZE + 32];

	snprintf(o, sizeof(o), "%s=%s", name, val);
	ck_assert_int_eq(parse("-o", o, "/m", NULL), -EINVAL);
	snprintf(want, sizeof(want), "invalid %s=%s: ", name,
		 quote(q, sizeof(q), val));
	ck_assert_msg(strstr(err, want), "\"%s\" lacks \"%s\"", err, want);
}

static const char *const negatives[] = {
	"-1", "-0", "-5%", "-5m", "-4k", " -1", "\t-7", "-00", "-0400",
	"-18446744073709551615", "-18446744073709551616", "-1%",
};
#define NR_NEGATIVES (sizeof(negatives) / sizeof(negatives[0]))

START_TEST(every_negative_number_is_called_negative)
{
	const char *name = numeric[_i / NR_NEGATIVES];
	const char *val = negatives[_i % NR_NEGATIVES];

	refuse(name, val);
	ck_assert_msg(strstr(err, "negative"), "%s=%s: %s", name, val, err);
	assert_defaulted(name);
}
END_TEST

/* Values with every kind of byte that must not reach a terminal raw. */
static const char *const unprintable[] = {
	"1\n2", "\n", "\t", "4\r", "\r\n", "12\n", "\x1b[2J",
	"\x1b]0;title\x07", "\x7f", "\x01", "\xff", "\xc3(", "\xc2\x9b" "1",
	"\xc0\xaf", "\xed\xa0\x80", "-1\n", "5\xe2\x80",
};
#define NR_UNPRINTABLE (sizeof(unprintable) / sizeof(unprintable[0]))
/* ours that take a value, then one of libfuse's and an unknown one */
static const char *const valued[] = {
	"quantum", "qset", "devices", "size", "reap_ms", "stats_mode",
	"cache", "mode", "uid", "gid", "nr_inodes", "fsname", "nosuch",
};
#define NR_VALUED (sizeof(valued) / sizeof(valued[0]))

START_TEST(every_unprintable_value_is_escaped_on_one_line)
{
	const char *name = valued[_i / NR_UNPRINTABLE];
	const char *val = unprintable[_i % NR_UNPRINTABLE];
	char o[128], q[QUOTE_SIZE];

	if (strcmp(name, "fsname") && strcmp(name, "nosuch")) {
		refuse(name, val);
	} else {
		/* not ours: refused before libfuse could echo it raw */
		snprintf(o, sizeof(o), "%s=%s", name, val);
		ck_assert_int_eq(parse("-o", o, "/m", NULL), -EINVAL);
		ck_assert_ptr_nonnull(strstr(err, quote(q, sizeof(q), o)));
	}
	assert_one_line();
}
END_TEST

START_TEST(libscullc_option_errors_are_escaped_on_one_line)
{
	char q[QUOTE_SIZE], want[QUOTE_SIZE + 32];
	unsigned int i;

	for (i = 0; i < NR_UNPRINTABLE; i++) {
		fs_option_error(err, sizeof(err), "slab_debug", unprintable[i],
				"expected %s", "flags");
		assert_one_line();
		snprintf(want, sizeof(want), "scullcfs: invalid slab_debug=%s: "
			 "expected flags", quote(q, sizeof(q), unprintable[i]));
		ck_assert_str_eq(err, want);
	}
}
END_TEST

/* near 2^64: each must be refused as too large, never wrapped */
static const char *const huge[] = {
	"18446744073709551615", "18446744073709551616",
	"18446744073709551615k", "18014398509481984k", "17179869184g",
	"16777216t", "99999999999999999999999", "4294967296", "4294967297",
	"4294967296k",
};
#define NR_HUGE (sizeof(huge) / sizeof(huge[0]))

START_TEST(numbers_near_2_64_are_too_large_not_wrapped)
{
	const char *name = numeric[_i / NR_HUGE];
	const char *val = huge[_i % NR_HUGE];

	if (!strcmp(name, "stats_mode") || !strcmp(name, "mode"))
		return;              /* octal bits: not a count */
	if (!strcmp(name, "nr_inodes") && !strcmp(val, "4294967296"))
		return;              /* 2^32 inodes: the largest allowed */
	if (!strcmp(name, "size") && (!strncmp(val, "42949672", 8)))
		return;              /* 4 GiB and more are fine sizes */
	refuse(name, val);
	/* qset=, devices= and reap_ms= take no suffix: "not a number" */
	if (strcmp(name, "quantum") && strcmp(name, "size") &&
	    strcmp(name, "nr_inodes") && strpbrk(val, "kgt"))
		ck_assert_ptr_nonnull(strstr(err, ": not a number"));
	else
		ck_assert_msg(strstr(err, ": too large ("), "%s=%s: %s", name,
			      val, err);
	assert_defaulted(name);
}
END_TEST

START_TEST(sizes_round_up_to_pages_without_wrapping)
{
	static const char *const over[] = {
		"18446744073709547521",      /* FS_SIZE_MAX + 1 */
		"18446744073709551614", "18014398509481983k",
		"18014398509481981k", "17592186044416m",
	};
	unsigned int i;

	ck_assert_uint_eq(FS_SIZE_MAX, 18446744073709547520ULL);
	for (i = 0; i < sizeof(over) / sizeof(over[0]); i++) {
		refuse("size", over[i]);
		ck_assert_ptr_nonnull(strstr(err, "too large (at most "
					     "18446744073709547520 bytes)"));
	}
	ck_assert_int_eq(parse("-o", "size=18446744073709547520", "/m", NULL),
			 0);
	ck_assert_uint_eq(opts.size, FS_SIZE_MAX);
	ck_assert_int_eq(parse("-o", "size=18446744073709543425", "/m", NULL),
			 0);
	ck_assert_uint_eq(opts.size, FS_SIZE_MAX);
	ck_assert_int_eq(parse("-o", "size=18014398509481980k", "/m", NULL),
			 0);
	ck_assert_uint_eq(opts.size, FS_SIZE_MAX);
}
END_TEST

/* round_page - what size= makes of @b bytes */
static uint64_t round_page(uint64_t b)
{
	return (b + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE;
}

/* accepted - "-o NAME=VAL" is taken, and @name's field is @want */
static void accepted(const char *name, const char *val, uint64_t want)
{
	char o[128];

	snprintf(o, sizeof(o), "%s=%s", name, val);
	ck_assert_msg(parse("-o", o, "/m", NULL) == 0, "%s: %s", o, err);
	ck_assert_msg(field(name) == want, "%s gave %llu, not %llu", o,
		      (unsigned long long)field(name),
		      (unsigned long long)want);
}

START_TEST(every_accepted_number_is_the_number_given)
{
	static const struct {
		const char *name;
		uint64_t min, max;
	} range[] = {
		{ "quantum", 1, 4194304 },
		{ "qset", 1, 524288 },
		{ "devices", 0, 1024 },
		{ "reap_ms", 0, 3600000 },
		{ "size", 1052672, 18446744073709547520ULL },
		{ "uid", 0, 4294967294ULL },
		{ "gid", 0, 4294967294ULL },
		{ "nr_inodes", 5, 4294967296ULL },
	};
	uint64_t v, step;
	char val[32];
	unsigned int i;

	for (i = 0; i < sizeof(range) / sizeof(range[0]); i++) {
		/* both ends, and about 600 values between, odd ones too */
		step = (range[i].max - range[i].min) / 599 | 1;
		for (v = range[i].min; v <= range[i].max - step; v += step) {
			snprintf(val, sizeof(val), "%llu", (unsigned long long)v);
			accepted(range[i].name, val, strcmp(range[i].name,
				 "size") ? v : round_page(v));
		}
		snprintf(val, sizeof(val), "%llu",
			 (unsigned long long)range[i].max);
		accepted(range[i].name, val, range[i].max);
	}
}
END_TEST

START_TEST(suffixes_and_percentages_give_what_they_say)
{
	accepted("quantum", "1k", 1024);
	accepted("quantum", "4K", 4096);
	accepted("quantum", "4096k", 4194304);
	accepted("quantum", "4m", 4194304);
	accepted("quantum", "0004000", 4000);
	accepted("size", "1052673", 1056768);
	accepted("size", "5000001", 5001216);
	accepted("size", "1025k", 1052672);
	accepted("size", "3g", 3ULL << 30);
	accepted("size", "16777215t", 16777215ULL << 40);
	accepted("size", "1%", pct_of_ram(1));
	accepted("size", "100%", pct_of_ram(100));
	accepted("size", "007%", pct_of_ram(7));
	accepted("stats_mode", "0400", 0400);
	accepted("stats_mode", "404", 0404);
	accepted("stats_mode", "0444", 0444);
	accepted("mode", "1777", 01777);
	accepted("mode", "0", 0);
	accepted("mode", "07777", 07777);
	accepted("nr_inodes", "0", 0);
	accepted("nr_inodes", "4k", 4096);
	accepted("nr_inodes", "4g", 4ULL << 30);
	accepted("size", "0", 0);            /* no limit, as tmpfs */
	accepted("size", "0%", 0);
}
END_TEST

/* unquote - undo quote() on @q into @out; returns 0, -1 if malformed */
static int unquote(const char *q, char *out)
{
	size_t n = strlen(q);
	const char *c, *hex = "0123456789abcdef";

	if (n < 2 || q[0] != '"' || q[n - 1] != '"')
		return -1;
	for (c = q + 1; c < q + n - 1; c++) {
		if (*c != '\\') {
			*out++ = *c;
			continue;
		}
		switch (*++c) {
		case '"': case '\\': *out++ = *c; break;
		case 't': *out++ = '\t'; break;
		case 'n': *out++ = '\n'; break;
		case 'r': *out++ = '\r'; break;
		case 'x':
			if (!c[1] || !c[2] || !strchr(hex, c[1]) ||
			    !strchr(hex, c[2]))
				return -1;
			*out++ = (char)((strchr(hex, c[1]) - hex) << 4 |
					(strchr(hex, c[2]) - hex));
			c += 2;
			break;
		default:
			return -1;
		}
	}
	*out = '\0';
	return 0;
}

/* clean - whether @q has no control character and only well-formed,
   non-C1 UTF-8 above ASCII */
static bool clean(const char *q)
{
	const unsigned char *c = (const unsigned char *)q;
	size_t n;

	while (*c) {
		if (*c < 0x20 || *c == 0x7f)
			return false;
		n = *c < 0x80 ? 1 : quote_utf8_len(c);
		if (!n || (c[0] == 0xc2 && c[1] < 0xa0))
			return false;
		c += n;
	}
	return true;
}

/*
 * round_trips - @s quoted is clean and unquotes back to @s.  Checked with
 * plain comparisons and one ck_abort_msg on failure: every ck_assert is a
 * write to Check's pipe, and a loop of them over 20,000 strings made a
 * quarter of a million system calls, enough to time out on a busy machine.
 */
static void round_trips(const char *s)
{
	char q[256], back[32];

	quote(q, sizeof(q), s);
	if (!clean(q) || unquote(q, back) || strcmp(back, s))
		ck_abort_msg("quoted as %s: not clean or not back", q);
}

START_TEST(quote_round_trips_every_byte_string)
{
	/* short strings of biased random bytes: controls, UTF-8 lead and
	   continuation bytes and ASCII each come often */
	static const unsigned char pool[] = {
		'a', '0', '"', '\\', ' ', '%', '\n', '\r', '\t', 0x1b, 0x7f,
		0x01, 0x9b, 0x80, 0xbf, 0xc2, 0xc3, 0xe0, 0xed, 0xef, 0xf0,
		0xf4, 0xff, 0xa0, 0x8f, 0x90,
	};
	char s[32];
	unsigned int seed = 1, i, j, len, b;

	for (b = 1; b < 256; b++) {              /* every single byte */
		s[0] = (char)b;
		s[1] = '\0';
		round_trips(s);
	}
	for (i = 0; i < 20000; i++) {
		seed = seed * 1103515245 + 12345;
		len = (seed >> 16) % 12;
		for (j = 0; j < len; j++) {
			seed = seed * 1103515245 + 12345;
			s[j] = (char)pool[(seed >> 16) % sizeof(pool)];
		}
		s[len] = '\0';
		round_trips(s);
	}
}
END_TEST

START_TEST(quote_keeps_utf8_and_escapes_as_c_does)
{
	char q[QUOTE_SIZE];

	ck_assert_str_eq(quote(q, sizeof(q), ""), "\"\"");
	ck_assert_str_eq(quote(q, sizeof(q), "caf\xc3\xa9 \xe2\x82\xac"),
			 "\"caf\xc3\xa9 \xe2\x82\xac\"");
	ck_assert_str_eq(quote(q, sizeof(q), "a\"b\\c"), "\"a\\\"b\\\\c\"");
	ck_assert_str_eq(quote(q, sizeof(q), "\t\n\r\x1b\x7f"),
			 "\"\\t\\n\\r\\x1b\\x7f\"");
	ck_assert_str_eq(quote(q, sizeof(q), "\xc2\x85\xc2\xa0"),
			 "\"\\xc2\\x85\xc2\xa0\"");
	ck_assert_str_eq(quote(q, sizeof(q), "\xc0\xaf\xed\xa0\x80"),
			 "\"\\xc0\\xaf\\xed\\xa0\\x80\"");
	ck_assert_str_eq(quote(q, sizeof(q), "\xf4\x90\x80\x80\xf0\x9f\x98\x80"),
			 "\"\\xf4\\x90\\x80\\x80\xf0\x9f\x98\x80\"");
	ck_assert(quote_is_plain("caf\xc3\xa9\"\\"));
	ck_assert(!quote_is_plain("a\nb"));
	ck_assert(!quote_is_plain("\xff"));
}
END_TEST

START_TEST(quote_cuts_a_long_value_after_a_whole_character)
{
	const char *s = "ab\x1b\xc3\xa9\ncd";
	char whole[64], q[64], back[32];
	size_t len, n;

	quote(whole, sizeof(whole), s);
	for (len = QUOTE_MIN; len < sizeof(q); len++) {
		quote(q, len, s);
		n = strlen(q);
		ck_assert_uint_lt(n, len);
		if (strlen(whole) < len) {
			ck_assert_str_eq(q, whole);
			continue;
		}
		/* "<a prefix of whole characters>"... */
		ck_assert_str_eq(q + n - 4, "\"...");
		q[n - 3] = '\0';
		ck_assert_int_eq(unquote(q, back), 0);
		ck_assert(!strncmp(back, s, strlen(back)));
		ck_assert_msg(clean(q), "control or bad UTF-8 in %s", q);
	}
}
END_TEST

START_TEST(libfuses_own_complaint_is_not_doubled)
{
	/* "-o" without its argument: libfuse prints the line itself */
	ck_assert_int_eq(parse("-o", NULL), -EINVAL);
	ck_assert_str_eq(err, "");
}
END_TEST

Suite *options_suite(void);

Suite *options_suite(void)
{
	Suite *s = suite_create("options");
	TCase *core = tcase_create("Core");
	TCase *limits = tcase_create("Limits");
	TCase *props = tcase_create("Properties");

	tcase_add_checked_fixture(core, NULL, teardown);
	tcase_add_test(core, defaults_are_scullc_geometry_four_devices_half_of_ram);
	tcase_add_test(core, good_values_are_taken);
	tcase_add_test(core, cache_modes_and_writeback_are_taken);
	tcase_add_test(core, huge_modes_are_taken_in_tmpfs_words);
	tcase_add_test(core, fstab_options_are_dropped_as_mount_fuse3_drops_them);
	tcase_add_test(core, last_value_of_an_option_wins);
	tcase_add_test(core, libfuse_options_stay_ours_go);
	tcase_add_test(core, source_mountpoint_keeps_only_the_mountpoint);
	tcase_add_test(core, source_mountpoint_parses_with_fuse_parse_cmdline);
	tcase_add_test(core, three_positional_arguments_are_refused);
	tcase_add_test(core, help_and_version_are_flagged_and_kept_for_libfuse);
	tcase_add_test(core, slab_debug_and_failslab_are_kept_with_colons_as_commas);
	tcase_add_test(core, log_keeps_the_file_name_as_given_and_refuses_none);
	tcase_add_test(core, help_lists_every_option_with_its_default);
	suite_add_tcase(s, core);

	tcase_add_checked_fixture(limits, NULL, teardown);
	tcase_add_loop_test(limits, bad_value_fails_with_one_line_naming_it, 0,
			    sizeof(bad_values) / sizeof(bad_values[0]));
	tcase_add_test(limits, size_minimum_grows_with_the_quantum);
	tcase_add_test(limits, size_takes_suffixes_in_powers_of_1024_and_percent);
	tcase_add_test(limits, size_refuses_garbage_and_overflow);
	tcase_add_test(limits, libfuses_own_complaint_is_not_doubled);
	suite_add_tcase(s, limits);

	tcase_add_checked_fixture(props, NULL, teardown);
	tcase_add_loop_test(props, every_negative_number_is_called_negative,
			    0, NR_NUMERIC * NR_NEGATIVES);
	tcase_add_loop_test(props,
			    every_unprintable_value_is_escaped_on_one_line,
			    0, NR_VALUED * NR_UNPRINTABLE);
	tcase_add_test(props, libscullc_option_errors_are_escaped_on_one_line);
	tcase_add_loop_test(props, numbers_near_2_64_are_too_large_not_wrapped,
			    0, NR_NUMERIC * NR_HUGE);
	tcase_add_test(props, sizes_round_up_to_pages_without_wrapping);
	tcase_add_test(props, every_accepted_number_is_the_number_given);
	tcase_add_test(props, suffixes_and_percentages_give_what_they_say);
	tcase_add_test(props, quote_round_trips_every_byte_string);
	tcase_add_test(props, quote_keeps_utf8_and_escapes_as_c_does);
	tcase_add_test(props, quote_cuts_a_long_value_after_a_whole_character);
	suite_add_tcase(s, props);
	return s;
}

UNIT_MAIN(options_suite, 20)
