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
	char size_arg[64];           /* size= as given, for a late complaint */
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

static uint64_t ram_bytes(void)
{
	long pages = sysconf(_SC_PHYS_PAGES);
	long psize = sysconf(_SC_PAGESIZE);

	if (pages <= 0 || psize <= 0)
		return 1ULL << 30;   /* a guess that keeps the default sane */
	return (uint64_t)pages * (uint64_t)psize;
}

/*
 * number - a decimal number, optionally followed by one of k, m, g, t
 * (powers of 1024) when @suffixes.  Returns 0, -EINVAL (not a number) or
 * -ERANGE (negative, or too big for 64 bits).
 */
static int number(const char *s, bool suffixes, uint64_t *v)
{
	unsigned long long n;
	unsigned int shift = 0;
	char *end;

	if (s[0] == '-' && isdigit((unsigned char)s[1]))
		return -ERANGE;
	if (!isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
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
	*v = (uint64_t)n << shift;
	return 0;
}

/**
 * fs_parse_size - convert a size= value to bytes
 * @s:     "1048576", "64k", "512m", "2g", "1t" (powers of 1024) or "N%"
 *         (of physical memory, 0..100, as tmpfs takes it)
 * @bytes: the result
 *
 * Returns 0, -EINVAL when @s is not a size, -ERANGE when it overflows or
 * asks for more than 100%.  A result of 0 is the caller's to refuse.
 */
int fs_parse_size(const char *s, uint64_t *bytes)
{
	size_t len = strlen(s);
	uint64_t pct, ram;
	char num[32];
	int ret;

	if (len == 0)
		return -EINVAL;
	if (s[len - 1] != '%')
		return number(s, true, bytes);
	if (len - 1 >= sizeof(num))
		return -ERANGE;
	memcpy(num, s, len - 1);
	num[len - 1] = '\0';
	ret = number(num, false, &pct);
	if (ret)
		return ret;
	if (pct > 100)
		return -ERANGE;
	ram = ram_bytes();
	*bytes = ram / 100 * pct + ram % 100 * pct / 100;
	return 0;
}

/* size_min - the smallest size= that holds one quantum and bookkeeping */
static uint64_t size_min(unsigned int quantum)
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

	if (ret == -EINVAL)
		return complain(p, "invalid %s: not a number", arg);
	if (ret || v < min || v > max)
		return complain(p, "invalid %s: must be %llu..%llu", arg,
				(unsigned long long)min,
				(unsigned long long)max);
	*out = (unsigned int)v;
	return 0;
}

static int size_opt(struct parse *p, const char *arg, const char *val)
{
	int ret = fs_parse_size(val, &p->opts->size);

	if (ret == -EINVAL)
		return complain(p, "invalid %s: not a size (bytes with an "
				"optional k, m, g or t, or N%% of RAM)", arg);
	if (ret && val[strlen(val) - 1] == '%')
		return complain(p, "invalid %s: more than 100%% of RAM", arg);
	if (ret)
		return complain(p, "invalid %s: too large", arg);
	snprintf(p->size_arg, sizeof(p->size_arg), "%s", arg);
	return 0;
}

/* string_opt - keep a libscullc option string, ':' standing for ',' */
static int string_opt(struct parse *p, const char *arg, const char *val,
		      char **out)
{
	char *s = strdup(val), *c;

	if (!s)
		return complain(p, "out of memory parsing %s", arg);
	for (c = s; *c; c++)
		if (*c == ':')
			*c = ',';
	free(*out);
	*out = s;
	return 0;
}

/* stats_mode_opt - octal read bits for the pseudo-files: 0400 .. 0444 */
static int stats_mode_opt(struct parse *p, const char *arg, const char *val)
{
	unsigned long m;
	char *end;

	errno = 0;
	m = strtoul(val, &end, 8);
	if (!*val || *end || errno || (m & ~0444UL) || !(m & 0400))
		return complain(p, "invalid %s: expected octal read bits "
				"that include the owner's, such as 0400, 0440 "
				"or 0444", arg);
	p->opts->stats_mode = (mode_t)m;
	return 0;
}

static int cache_opt(struct parse *p, const char *arg, const char *val)
{
	static const char *const names[] = {
		[FS_CACHE_NEVER] = "never",
		[FS_CACHE_AUTO] = "auto",
		[FS_CACHE_ALWAYS] = "always",
	};
	unsigned int i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(val, names[i])) {
			p->opts->cache = (enum fs_cache)i;
			return 0;
		}
	return complain(p, "invalid %s: expected never, auto or always", arg);
}

static int proc(void *data, const char *arg, int key,
		struct fuse_args *outargs)
{
	struct parse *p = data;
	struct fs_options *o = p->opts;
	const char *val = strchr(arg, '=');

	(void)outargs;
	val = val ? val + 1 : "";
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
	case KEY_HELP:
		o->show_help = 1;
		return 1;            /* libfuse's parser wants to see it too */
	case KEY_VERSION:
		o->show_version = 1;
		return 1;
	case FUSE_OPT_KEY_NONOPT:
		if (p->nr_pos < 2) {
			p->pos[p->nr_pos] = strdup(arg);
			if (!p->pos[p->nr_pos])
				return complain(p, "out of memory");
		}
		p->nr_pos++;
		return 0;            /* put back after parsing */
	default:
		return 1;            /* libfuse's option */
	}
}

/**
 * fs_parse_options - parse scullcfs's options out of @args
 * @args:   the command line; ours are removed, libfuse's stay, and of
 *          "SOURCE MOUNTPOINT" only MOUNTPOINT stays
 * @opts:   filled with the defaults, then with what @args says
 * @err:    on failure, one line "scullcfs: ..." without a newline
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
	opts->reap_ms = FS_REAP_MS_DEFAULT;
	fs_parse_size("50%", &opts->size);
	if (errlen)
		err[0] = '\0';

	if (fuse_opt_parse(args, &p, spec, proc) == -1) {
		if (errlen && !err[0])
			complain(&p, "cannot parse the command line");
		goto out;
	}
	if (p.nr_pos > 2) {
		complain(&p, "too many arguments: expected [SOURCE] MOUNTPOINT");
		goto out;
	}
	if (opts->writeback && opts->cache == FS_CACHE_NEVER) {
		complain(&p, "writeback needs the page cache: not with "
			 "cache=never");
		goto out;
	}
	min = size_min(opts->quantum);
	if (opts->size < min) {
		if (p.size_arg[0])
			complain(&p, "invalid %s: less than the minimum of "
				 "%llu bytes (1 MiB plus one quantum)",
				 p.size_arg, (unsigned long long)min);
		else
			complain(&p, "RAM too small for the default size");
		goto out;
	}
	/* the last non-option is the mount point; a first one is SOURCE */
	if (p.nr_pos && fuse_opt_add_arg(args, p.pos[p.nr_pos - 1]) == -1) {
		complain(&p, "out of memory");
		goto out;
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
	opts->slab_debug = NULL;
	opts->failslab = NULL;
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
	       "                           or N%% of RAM; at least 1 MiB plus "
	       "one quantum\n"
	       "                           (default: 50%%)\n"
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
	       "    In slab_debug= and failslab=, ':' stands for ','.\n\n",
	       KMALLOC_MAX_SIZE, SCULL_QUANTUM_DEFAULT, FS_QSET_MAX,
	       SCULL_QSET_DEFAULT, FS_DEVICES_MAX, FS_REAP_MS_MAX,
	       FS_REAP_MS_DEFAULT);
}
