/* SPDX-License-Identifier: GPL-2.0-or-later */
/* options.c - scullcfs's own mount options: parse, check, describe */

/*
 * fuse_opt hands us each "-o name=value" of ours through one callback and
 * leaves everything else (libfuse's -f, -d, allow_other, ...) in the
 * argument vector for fuse_parse_cmdline and fuse_session_new.  Values are
 * checked here, before anything is allocated or mounted, so that a bad one
 * costs the user one line on stderr and nothing else.
 *
 * Non-option arguments are held back and the last one is put back at the
 * end: "scullcfs SOURCE MOUNTPOINT", the form mount.fuse3 and fstab use,
 * then looks to fuse_parse_cmdline like "scullcfs MOUNTPOINT".
 *
 * The size limit must leave room for at least one quantum (its slab comes
 * from a power-of-two block of pages) plus FS_SIZE_MIN of bookkeeping: the
 * inode and dentry caches, the kmalloc classes, the allocator's reserve.
 * slab_debug= and failslab= are kept as strings: their syntax belongs to
 * libscullc, and main.c applies them (and reports a bad one) before the
 * first allocation.  Since fuse_opt splits -o on commas, ':' may stand for
 * ',' in them (and "\," works as libfuse's escape).
 *
 * A refusal names the option and quotes the value as given (quote.h), so
 * that a newline or an escape sequence in it cannot split the line or
 * reach the terminal; an option we pass on to libfuse is refused here if
 * it holds such characters, as libfuse would echo it raw.  No value of
 * ours is signed: a minus sign is called "negative" whatever follows it.
 * Sizes are rounded up to whole pages, as tmpfs rounds them, after the
 * check against FS_SIZE_MAX, so that no value wraps.
 */

#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs/fs.h"
#include "quote.h"

enum {
	KEY_QUANTUM,
	KEY_QSET,
	KEY_DEVICES,
	KEY_SIZE,
	KEY_SLAB_DEBUG,
	KEY_FAILSLAB,
	KEY_STATS_MODE,
	KEY_CACHE,
	KEY_WRITEBACK,
	KEY_REAP_MS,
	KEY_MODE,
	KEY_UID,
	KEY_GID,
	KEY_NR_INODES,
	KEY_NOSWAP,
	KEY_HUGE,
	KEY_REMOUNT,
	KEY_LOG,
	KEY_HELP,
	KEY_VERSION,
};

static const struct fuse_opt spec[] = {
	FUSE_OPT_KEY("quantum=", KEY_QUANTUM),
	FUSE_OPT_KEY("qset=", KEY_QSET),
	FUSE_OPT_KEY("devices=", KEY_DEVICES),
	FUSE_OPT_KEY("size=", KEY_SIZE),
	FUSE_OPT_KEY("slab_debug=", KEY_SLAB_DEBUG),
	FUSE_OPT_KEY("failslab=", KEY_FAILSLAB),
	FUSE_OPT_KEY("stats_mode=", KEY_STATS_MODE),
	FUSE_OPT_KEY("cache=", KEY_CACHE),
	FUSE_OPT_KEY("writeback", KEY_WRITEBACK),
	FUSE_OPT_KEY("reap_ms=", KEY_REAP_MS),
	FUSE_OPT_KEY("mode=", KEY_MODE),
	FUSE_OPT_KEY("uid=", KEY_UID),
	FUSE_OPT_KEY("gid=", KEY_GID),
	FUSE_OPT_KEY("nr_inodes=", KEY_NR_INODES),
	FUSE_OPT_KEY("noswap", KEY_NOSWAP),
	FUSE_OPT_KEY("huge=", KEY_HUGE),
	FUSE_OPT_KEY("remount", KEY_REMOUNT),
	FUSE_OPT_KEY("log=", KEY_LOG),
	FUSE_OPT_KEY("-h", KEY_HELP),
	FUSE_OPT_KEY("--help", KEY_HELP),
	FUSE_OPT_KEY("-V", KEY_VERSION),
	FUSE_OPT_KEY("--version", KEY_VERSION),
	FUSE_OPT_END
};

/* What the fuse_opt callback works on. */
struct parse {
	struct fs_options *opts;
	char *err;                   /* the caller's buffer for one line */
	size_t errlen;
	char *pos[2];                /* non-option arguments, strdup'd */
	int nr_pos;                  /* how many were seen (may exceed 2) */
	char size_val[QUOTE_SIZE];   /* size= as given, quoted, for a late
					complaint ("" when not given) */
};

static int complain(struct parse *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int complain(struct parse *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(p->err, p->errlen, "scullcfs: ");
	if (n >= 0 && (size_t)n < p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err + n, p->errlen - n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* fs_option_error: see fs.h */
void fs_option_error(char *err, size_t errlen, const char *name,
		     const char *val, const char *fmt, ...)
{
	char q[QUOTE_SIZE];
	va_list ap;
	int n;

	n = snprintf(err, errlen, "scullcfs: invalid %s=%s: ", name,
		     quote(q, sizeof(q), val));
	if (n >= 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - n, fmt, ap);
		va_end(ap);
	}
}

/* bad - refuse the value of @arg, our "name=value"; returns -1 for proc */
static int bad(struct parse *p, const char *arg, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int bad(struct parse *p, const char *arg, const char *fmt, ...)
{
	const char *eq = strchr(arg, '=');
	char name[32], reason[160];
	va_list ap;

	/* our options' names come from spec[]: short, and safe to print */
	snprintf(name, sizeof(name), "%.*s", (int)(eq - arg), arg);
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	fs_option_error(p->err, p->errlen, name, eq + 1, "%s", reason);
	return -1;
}

static uint64_t ram_bytes(void)
{
	long pages = sysconf(_SC_PHYS_PAGES);
	long psize = sysconf(_SC_PAGESIZE);

	if (pages <= 0 || psize <= 0)
		return 1ULL << 30;   /* a guess that keeps the default sane */
	return (uint64_t)pages * (uint64_t)psize;
}

/*
 * negative - @s asks for a number below zero.  Unsigned parsing would
 * refuse it as garbage or, as strtoull does, wrap it to a huge number;
 * the user deserves to hear what is wrong.  "-0" counts: no value of
 * ours is signed, so a minus sign is always a mistake.
 */
static bool negative(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return s[0] == '-' && isdigit((unsigned char)s[1]);
}

/*
 * digits - the decimal number at the start of @s, which must be a digit
 * (no sign, no blank, unlike strtoull); *@end is set after it.  Returns 0,
 * -EINVAL (no digit), or -ERANGE (negative, or too big for 64 bits).
 */
static int digits(const char *s, uint64_t *v, const char **end)
{
	unsigned long long n;
	char *e;

	if (s[0] == '-' && isdigit((unsigned char)s[1]))
		return -ERANGE;
	if (!isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	n = strtoull(s, &e, 10);
	if (errno == ERANGE)
		return -ERANGE;
	*v = n;
	*end = e;
	return 0;
}

/*
 * number - a decimal number, optionally followed by one of k, m, g, t
 * (powers of 1024) when @suffixes.  Returns 0, -EINVAL (not a number) or
 * -ERANGE (negative, or too big for 64 bits).
 */
static int number(const char *s, bool suffixes, uint64_t *v)
{
	unsigned int shift = 0;
	const char *end;
	uint64_t n;
	int ret;

	ret = digits(s, &n, &end);
	if (ret)
		return ret;
	if (suffixes && *end) {
		switch (tolower((unsigned char)*end)) {
		case 'k': shift = 10; break;
		case 'm': shift = 20; break;
		case 'g': shift = 30; break;
		case 't': shift = 40; break;
		default: return -EINVAL;
		}
		end++;
	}
	if (*end)
		return -EINVAL;
	if (shift && n > (UINT64_MAX >> shift))
		return -ERANGE;
	*v = n << shift;
	return 0;
}

/**
 * fs_parse_size - convert a size= value to bytes
 * @s:     "1048576", "64k", "512m", "2g", "1t" (powers of 1024) or "N%"
 *         (of physical memory, 0..100, as tmpfs takes it)
 * @bytes: the result, rounded up to whole pages as tmpfs rounds it
 *
 * Returns 0, -EINVAL when @s is not a size, -ERANGE when it is negative,
 * asks for more than 100% or more than FS_SIZE_MAX (checked before the
 * rounding, which therefore cannot wrap).  A result of 0 is the caller's
 * to refuse.
 */
int fs_parse_size(const char *s, uint64_t *bytes)
{
	size_t len = strlen(s);
	const char *end;
	uint64_t b, pct, ram;
	int ret;

	if (len == 0 || s[len - 1] != '%') {
		ret = number(s, true, &b);
	} else {
		ret = digits(s, &pct, &end);
		if (!ret && end != s + len - 1)
			ret = -EINVAL;
		if (!ret && pct > 100)
			ret = -ERANGE;
		if (!ret) {
			ram = ram_bytes();
			b = ram / 100 * pct + ram % 100 * pct / 100;
		}
	}
	if (ret)
		return ret;
	if (b > FS_SIZE_MAX)
		return -ERANGE;
	*bytes = (b + PAGE_SIZE - 1) & ~((uint64_t)PAGE_SIZE - 1);
	return 0;
}

/* fs_size_min - the smallest size limit that holds one quantum and the
   bookkeeping */
uint64_t fs_size_min(unsigned int quantum)
{
	uint64_t block = PAGE_SIZE;

	while (block < quantum)
		block <<= 1;
	return FS_SIZE_MIN + block;
}

static int uint_opt(struct parse *p, const char *arg, const char *val,
		    bool suffixes, uint64_t min, uint64_t max,
		    unsigned int *out)
{
	uint64_t v;
	int ret = number(val, suffixes, &v);
	const char *what = "too large";

	if (negative(val))
		what = "negative";
	else if (ret == -EINVAL)
		return bad(p, arg, "not a number");
	else if (!ret && v < min)
		what = "too small";
	if (ret || v < min || v > max)
		return bad(p, arg, "%s (must be %llu..%llu)", what,
			   (unsigned long long)min, (unsigned long long)max);
	*out = (unsigned int)v;
	return 0;
}

static int size_opt(struct parse *p, const char *arg, const char *val)
{
	int ret = fs_parse_size(val, &p->opts->size);

	if (negative(val))
		return bad(p, arg, "negative");
	if (ret == -EINVAL)
		return bad(p, arg, "not a size (bytes with an optional k, m, "
			   "g or t, or N%% of RAM)");
	if (ret && val[strlen(val) - 1] == '%')
		return bad(p, arg, "more than 100%% of RAM");
	if (ret)
		return bad(p, arg, "too large (at most %llu bytes)",
			   (unsigned long long)FS_SIZE_MAX);
	quote(p->size_val, sizeof(p->size_val), val);
	return 0;
}

/* string_opt - keep a libscullc option string, ':' standing for ',' */
static int string_opt(struct parse *p, const char *arg, const char *val,
		      char **out)
{
	char *s = strdup(val), *c;

	if (!s)
		return complain(p, "out of memory parsing %.*s",
				(int)(val - arg), arg);
	for (c = s; *c; c++)
		if (*c == ':')
			*c = ',';
	free(*out);
	*out = s;
	return 0;
}

/* octal - @val as an octal number, digits only (strtoul would take a
   blank or a sign first); false when it is not one */
static bool octal(const char *val, unsigned long *m)
{
	char *end = NULL;

	errno = 0;
	if (isdigit((unsigned char)val[0]))
		*m = strtoul(val, &end, 8);
	return end && !*end && !errno;
}

/* log_opt - the file the allocator's reports are appended to */
static int log_opt(struct parse *p, const char *arg, const char *val)
{
	char q[QUOTE_SIZE];
	char *s;

	if (!*val)
		return complain(p, "invalid log=%s: expected a file name",
				quote(q, sizeof(q), val));
	s = strdup(val);
	if (!s)
		return complain(p, "out of memory parsing %.*s",
				(int)(val - arg), arg);
	free(p->opts->log);
	p->opts->log = s;
	return 0;
}

/* stats_mode_opt - octal read bits for the pseudo-files: 0400 .. 0444 */
static int stats_mode_opt(struct parse *p, const char *arg, const char *val)
{
	unsigned long m = 0;

	if (!octal(val, &m) || (m & ~0444UL) || !(m & 0400))
		return bad(p, arg, "%sexpected octal read bits that include "
			   "the owner's, such as 0400, 0440 or 0444",
			   negative(val) ? "negative; " : "");
	p->opts->stats_mode = (mode_t)m;
	return 0;
}

/* keyword - the index of @val in @names[0 .. @n), or -1 */
static int keyword(const char *val, const char *const *names, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(val, names[i]))
			return i;
	return -1;
}

static int cache_opt(struct parse *p, const char *arg, const char *val)
{
	static const char *const names[] = {
		[FS_CACHE_NEVER] = "never",
		[FS_CACHE_AUTO] = "auto",
		[FS_CACHE_ALWAYS] = "always",
	};
	int i = keyword(val, names, 3);

	if (i < 0)
		return bad(p, arg, "expected never, auto or always");
	p->opts->cache = (enum fs_cache)i;
	return 0;
}

/*
 * huge_opt - huge pages for the allocator's chunks, in tmpfs's words
 * (scullc_set_huge(3)).  within_size is refused: tmpfs means "while
 * within the file's size", but quanta of every file share the chunks.
 */
static int huge_opt(struct parse *p, const char *arg, const char *val)
{
	static const char *const names[] = {
		[SCULLC_HUGE_NEVER] = "never",
		[SCULLC_HUGE_ALWAYS] = "always",
		[SCULLC_HUGE_ADVISE] = "advise",
	};
	int i = keyword(val, names, 3);

	if (!strcmp(val, "within_size"))
		return bad(p, arg, "not supported: the files' quanta share "
			   "the allocator's chunks, which no file's size "
			   "bounds; use always or advise");
	if (i < 0)
		return bad(p, arg, "expected never, always or advise");
	p->opts->huge = i;
	return 0;
}

/* mode_opt - the root directory's permissions, octal, as tmpfs's mode= */
static int mode_opt(struct parse *p, const char *arg, const char *val)
{
	unsigned long m = 0;

	if (!octal(val, &m) || m > 07777)
		return bad(p, arg, "%sexpected octal permissions, 0..07777 "
			   "(such as 0755 or 1777)",
			   negative(val) ? "negative; " : "");
	p->opts->root_mode = (mode_t)m;
	return 0;
}

/* id_opt - uid= or gid=: a number, as tmpfs takes it; (id_t)-1 is no id */
static int id_opt(struct parse *p, const char *arg, const char *val,
		  id_t *out)
{
	uint64_t v;
	int ret = number(val, false, &v);

	if (negative(val))
		return bad(p, arg, "negative");
	if (ret == -EINVAL)
		return bad(p, arg, "not a number (a numeric id, as tmpfs takes)");
	if (ret || v >= UINT32_MAX)
		return bad(p, arg, "too large (at most %u)", UINT32_MAX - 1);
	*out = (id_t)v;
	return 0;
}

static int nr_inodes_opt(struct parse *p, const char *arg, const char *val)
{
	uint64_t v;
	int ret = number(val, true, &v);

	if (negative(val))
		return bad(p, arg, "negative");
	if (ret == -EINVAL)
		return bad(p, arg, "not a number (with an optional k, m, g "
			   "or t; 0: no limit)");
	if (ret || v > FS_NR_INODES_MAX)
		return bad(p, arg, "too large (at most %llu)",
			   (unsigned long long)FS_NR_INODES_MAX);
	p->opts->nr_inodes = v;
	return 0;
}

/*
 * fstab_only - @arg is an option meant for mount(8), not for the
 * filesystem.  mount(8) passes some of these on to a helper, and
 * mount.fuse3 drops them; so do we.  ro and rw are libfuse's (the
 * kernel's MS_RDONLY).
 */
static bool fstab_only(const char *arg)
{
	static const char *const names[] = {
		"nofail", "_netdev", "auto", "noauto", "user", "nouser",
		"users", "owner", "group", "defaults",
	};
	unsigned int i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(arg, names[i]))
			return true;
	return !strncmp(arg, "x-", 2) || !strncmp(arg, "comment=", 8) ||
	       !strncmp(arg, "user=", 5);
}

/* pass_on - leave @arg to libfuse, unless libfuse would echo it raw (as
   an unknown option), a newline splitting the line, an ESC reaching the
   terminal */
static int pass_on(struct parse *p, const char *arg)
{
	char q[QUOTE_SIZE];

	if (quote_is_plain(arg))
		return 1;
	return complain(p, "invalid option %s: control characters or bytes "
			"that are not UTF-8", quote(q, sizeof(q), arg));
}

/* our_opt - one of spec[]'s valued or flag options; 0, or -1 (bad) */
static int our_opt(struct parse *p, int key, const char *arg,
		   const char *val)
{
	struct fs_options *o = p->opts;

	switch (key) {
	case KEY_QUANTUM:
		return uint_opt(p, arg, val, true, 1, KMALLOC_MAX_SIZE,
				&o->quantum);
	case KEY_QSET:
		return uint_opt(p, arg, val, false, 1, FS_QSET_MAX, &o->qset);
	case KEY_DEVICES:
		return uint_opt(p, arg, val, false, 0, FS_DEVICES_MAX,
				&o->devices);
	case KEY_SIZE:
		return size_opt(p, arg, val);
	case KEY_SLAB_DEBUG:
		return string_opt(p, arg, val, &o->slab_debug);
	case KEY_FAILSLAB:
		return string_opt(p, arg, val, &o->failslab);
	case KEY_LOG:
		return log_opt(p, arg, val);
	case KEY_STATS_MODE:
		return stats_mode_opt(p, arg, val);
	case KEY_CACHE:
		return cache_opt(p, arg, val);
	case KEY_WRITEBACK:
		o->writeback = 1;
		return 0;
	case KEY_REAP_MS:
		return uint_opt(p, arg, val, false, 0, FS_REAP_MS_MAX,
				&o->reap_ms);
	case KEY_MODE:
		return mode_opt(p, arg, val);
	case KEY_UID:
		o->root_uid_set = 1;
		return id_opt(p, arg, val, &o->root_uid);
	case KEY_GID:
		o->root_gid_set = 1;
		return id_opt(p, arg, val, &o->root_gid);
	case KEY_NR_INODES:
		return nr_inodes_opt(p, arg, val);
	case KEY_NOSWAP:
		o->noswap = 1;
		return 0;
	case KEY_HUGE:
		return huge_opt(p, arg, val);
	}
	return complain(p, "option key %d has no handler", key);   /* a bug */
}

/* positional - hold back a non-option argument (put back after parsing) */
static int positional(struct parse *p, const char *arg)
{
	if (p->nr_pos < 2) {
		p->pos[p->nr_pos] = strdup(arg);
		if (!p->pos[p->nr_pos])
			return complain(p, "out of memory");
	}
	p->nr_pos++;
	return 0;
}

static int proc(void *data, const char *arg, int key,
		struct fuse_args *outargs)
{
	struct parse *p = data;
	const char *val = strchr(arg, '=');

	(void)outargs;
	switch (key) {
	case KEY_REMOUNT:
		return complain(p, "remount: FUSE cannot hand new options to "
				"a running daemon: for ro or rw, run "
				"mount -i -o remount,ro MOUNTPOINT (the "
				"kernel's flag, no helper); to resize, write "
				"the size to MOUNTPOINT/size; for any other "
				"option, unmount and mount again");
	case KEY_HELP:
		p->opts->show_help = 1;
		return 1;            /* libfuse's parser wants to see it too */
	case KEY_VERSION:
		p->opts->show_version = 1;
		return 1;
	case FUSE_OPT_KEY_NONOPT:
		return positional(p, arg);
	case FUSE_OPT_KEY_OPT:       /* not ours: mount(8)'s or libfuse's */
		return fstab_only(arg) ? 0 : pass_on(p, arg);
	default:
		return our_opt(p, key, arg, val ? val + 1 : "");
	}
}

/**
 * fs_parse_options - parse scullcfs's options out of @args
 * @args:   the command line; ours are removed, libfuse's stay, and of
 *          "SOURCE MOUNTPOINT" only MOUNTPOINT stays
 * @opts:   filled with the defaults, then with what @args says
 * @err:    on failure, one line "scullcfs: ..." without a newline, with
 *          any value the user gave quoted (quote.h); or empty when
 *          libfuse has printed the line itself
 * @errlen: size of @err
 *
 * Returns 0 or -EINVAL.  On failure @opts may hold strings: the caller
 * frees them with fs_options_free either way.  Has no other effect.
 */
int fs_parse_options(struct fuse_args *args, struct fs_options *opts,
		     char *err, size_t errlen)
{
	struct parse p = {
		.opts = opts,
		.err = err,
		.errlen = errlen,
	};
	uint64_t min;
	int ret = -EINVAL, i;

	memset(opts, 0, sizeof(*opts));
	opts->quantum = SCULL_QUANTUM_DEFAULT;
	opts->qset = SCULL_QSET_DEFAULT;
	opts->devices = 4;
	opts->stats_mode = 0400;
	opts->cache = FS_CACHE_ALWAYS;
	opts->huge = SCULLC_HUGE_ADVISE;
	opts->reap_ms = FS_REAP_MS_DEFAULT;
	opts->root_mode = 0755;
	fs_parse_size("50%", &opts->size);
	if (errlen)
		err[0] = '\0';

	if (fuse_opt_parse(args, &p, spec, proc) == -1)
		goto out;            /* we, or libfuse, have said why */
	if (p.nr_pos > 2) {
		complain(&p, "too many arguments: expected [SOURCE] MOUNTPOINT");
		goto out;
	}
	if (opts->writeback && opts->cache == FS_CACHE_NEVER) {
		complain(&p, "writeback needs the page cache: not with "
			 "cache=never");
		goto out;
	}
	min = fs_size_min(opts->quantum);
	if (opts->size && opts->size < min) {
		if (p.size_val[0])
			complain(&p, "invalid size=%s: less than the minimum "
				 "of %llu bytes (1 MiB plus one quantum)",
				 p.size_val, (unsigned long long)min);
		else
			complain(&p, "RAM too small for the default size");
		goto out;
	}
	if (opts->nr_inodes && opts->nr_inodes < opts->devices + 1ULL) {
		complain(&p, "invalid nr_inodes=%llu: the root and devices=%u "
			 "need %u", (unsigned long long)opts->nr_inodes,
			 opts->devices, opts->devices + 1);
		goto out;
	}
	/* the last non-option is the mount point; a first one is SOURCE */
	if (p.nr_pos && fuse_opt_add_arg(args, p.pos[p.nr_pos - 1]) == -1) {
		complain(&p, "out of memory");
		goto out;
	}
	if (p.nr_pos) {
		opts->mountpoint = p.pos[p.nr_pos - 1];
		p.pos[p.nr_pos - 1] = NULL;
	}
	ret = 0;
out:
	for (i = 0; i < 2; i++)
		free(p.pos[i]);
	return ret;
}

/* fs_options_free - free the strings in @opts; it may be parsed again */
void fs_options_free(struct fs_options *opts)
{
	free(opts->slab_debug);
	free(opts->failslab);
	free(opts->log);
	free(opts->mountpoint);
	opts->slab_debug = NULL;
	opts->failslab = NULL;
	opts->log = NULL;
	opts->mountpoint = NULL;
}

/**
 * fs_print_help - the usage line and scullcfs's own options, on stdout,
 * in the layout of libfuse's help (which the caller prints after it)
 */
void fs_print_help(const char *progname)
{
	printf("usage: %s [SOURCE] MOUNTPOINT [options]\n\n"
	       "SOURCE is ignored, so that mount -t fuse.scullcfs and fstab "
	       "work.\n\n", progname);
	printf("scullcfs options:\n"
	       "    -o quantum=N           bytes per quantum, 1..%lu, k and m "
	       "allowed\n"
	       "                           (default: %u)\n"
	       "    -o qset=N              quanta per qset, 1..%u "
	       "(default: %u)\n"
	       "    -o devices=N           scullc0..scullcN-1 made at mount, "
	       "0..%u\n"
	       "                           (default: 4)\n"
	       "    -o size=SIZE           memory limit: bytes with an optional "
	       "k, m, g or t,\n"
	       "                           or N%% of RAM, rounded up to whole "
	       "pages; at least\n"
	       "                           1 MiB plus one quantum; 0: no limit "
	       "but memory\n"
	       "                           (default: 50%%); change it live "
	       "in MOUNTPOINT/size\n"
	       "    -o nr_inodes=N         files, directories and links the "
	       "mount may hold,\n"
	       "                           the root included; k, m, g allowed; "
	       "0: no limit\n"
	       "                           (default: 0)\n"
	       "    -o mode=MODE           the root directory's permissions, "
	       "octal (default: 0755)\n"
	       "    -o uid=N, -o gid=N     the root directory's owner and group "
	       "(default: the\n"
	       "                           mounting user's)\n"
	       "    -o huge=WHEN           huge pages for file data: never, "
	       "always, or advise\n"
	       "                           (when the kernel's THP setting "
	       "allows them;\n"
	       "                           the default)\n"
	       "    -o noswap              lock the daemon's memory in RAM "
	       "(mlockall): needs\n"
	       "                           CAP_IPC_LOCK or an unlimited "
	       "RLIMIT_MEMLOCK\n"
	       "    -o slab_debug=OPTS     slab debugging, F Z P U "
	       "[:cache...] (default: none)\n"
	       "    -o failslab=I:P:S:T[:CACHE]\n"
	       "                           fail slab allocations: interval, "
	       "probability,\n"
	       "                           space, times (default: none)\n"
	       "    -o stats_mode=MODE     read bits of the pseudo-files "
	       "(slabinfo, ...),\n"
	       "                           0400..0444; writable ones get the "
	       "owner's write\n"
	       "                           bit too (default: 0400, the "
	       "mounting user only)\n"
	       "    -o cache=MODE          the kernel's page cache: never "
	       "(direct I/O: one\n"
	       "                           copy of the data, no shared mmap), "
	       "auto (dropped\n"
	       "                           at each open) or always "
	       "(default: always)\n"
	       "    -o writeback           the kernel's writeback cache: "
	       "faster small\n"
	       "                           writes; ENOSPC shows at close or "
	       "fsync (default: off)\n"
	       "    -o reap_ms=N           once the mount has been idle for N "
	       "ms, give its\n"
	       "                           parked objects, empty slabs and "
	       "free pages back;\n"
	       "                           0..%u, 0: never (default: %u)\n"
	       "    -o log=FILE            append the allocator's reports "
	       "(slab_debug=,\n"
	       "                           validate, leaks) to FILE (default: "
	       "stderr in the\n"
	       "                           foreground, else syslog)\n"
	       "    In slab_debug= and failslab=, ':' stands for ','.\n"
	       "    fstab's nofail, _netdev, auto, noauto, user, users, owner, "
	       "group,\n"
	       "    defaults, x-* and comment= are ignored, as by mount.fuse3; "
	       "ro mounts\n"
	       "    read-only; remount is refused (see scullcfs(8)).\n\n",
	       KMALLOC_MAX_SIZE, SCULL_QUANTUM_DEFAULT, FS_QSET_MAX,
	       SCULL_QSET_DEFAULT, FS_DEVICES_MAX, FS_REAP_MS_MAX,
	       FS_REAP_MS_DEFAULT);
}
