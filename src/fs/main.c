/* SPDX-License-Identifier: GPL-2.0-or-later */
/* main.c - scullcfs: parse, mount, serve, unmount */

/*
 *     scullcfs [SOURCE] MOUNTPOINT [-o options]
 *
 * Start-up runs in an order that keeps a bad command line harmless: our
 * options and the mount point are checked first (options.c, then
 * check_mountpoint), then libfuse's; the allocator is
 * configured (size limit, slab_debug=, failslab=) before anything is
 * allocated from it; the caches, the root and the devices are made
 * (fs_init); only then is the session created and mounted.  Any failure
 * before the mount prints one line and exits 1 with nothing mounted.
 *
 * Teardown is one forward-only ladder: unmount, remove the signal
 * handlers, destroy the session, then fs_destroy, which frees every device
 * and destroys every cache.  The exit status is 0 only when the session
 * ended normally (unmount or SIGTERM/SIGINT/SIGHUP) and nothing leaked, so
 * `fusermount3 -u` followed by `wait` tells whether the daemon was clean.
 *
 * Messages go to stderr in the foreground and to syslog ("scullcfs") once
 * daemonized, the allocator's reports too unless log= names a file
 * (log.c); -d shows libfuse's trace of every request.
 */

#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mntent.h>
#include <syslog.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "fs/fs.h"
#include "quote.h"

static void log_syslog(enum fuse_log_level level, const char *fmt,
		       va_list ap)
{
	/* fuse_log_level's values are syslog's priorities */
	vsyslog((int)level, fmt, ap);
}

/* apply - hand the allocator its options before anything is allocated */
static int apply(const struct fs_options *o)
{
	char line[FS_ERR_MAX];
	int ret;

	/* options.c keeps size= at most FS_SIZE_MAX: it fits and is a limit;
	   size=0 is none (SIZE_MAX) */
	ret = scullc_set_limit(o->size ? (size_t)o->size : SIZE_MAX);
	if (ret) {
		fprintf(stderr, "scullcfs: invalid size=%llu: %s\n",
			(unsigned long long)o->size, strerror(-ret));
		return ret;
	}
	scullc_set_huge(o->huge);       /* options.c took a valid mode */
	if (o->slab_debug && (ret = slab_debug_setup(o->slab_debug))) {
		fs_option_error(line, sizeof(line), "slab_debug",
				o->slab_debug, "expected flags from F, Z, P, "
				"U (or -), optionally followed by :cache "
				"names");
		fprintf(stderr, "%s\n", line);
		return ret;
	}
	if (o->failslab && (ret = failslab_setup(o->failslab))) {
		fs_option_error(line, sizeof(line), "failslab", o->failslab,
				"expected interval:probability:space:"
				"times[:cache]");
		fprintf(stderr, "%s\n", line);
		return ret;
	}
	return fs_log_open(o->log);
}

/*
 * check_mountpoint - the mount point must be a directory.  The kernel would
 * mount a directory tree on a file (FUSE takes its root's type from the
 * mount point), and every access would then fail with EIO.  A
 * "/dev/fd/N" mount point (a descriptor of /dev/fuse, mounted by the
 * caller) is not ours to check.  Called before fuse_parse_cmdline, whose
 * own complaint about a missing one would echo the name raw.
 */
static int check_mountpoint(const char *mnt)
{
	char q[PATH_MAX];            /* the whole name, however escaped */
	struct stat st;
	int e = 0;

	if (!strncmp(mnt, "/dev/fd/", 8))
		return 0;
	if (stat(mnt, &st) != 0)
		e = errno;
	else if (!S_ISDIR(st.st_mode))
		e = ENOTDIR;
	if (e)
		fprintf(stderr, "scullcfs: bad mount point %s: %s\n",
			quote(q, sizeof(q), mnt), strerror(e));
	return e ? -1 : 0;
}

/*
 * warn_stacked - say so when @mnt already is a scullcfs mount: the new
 * mount hides the old one's files (and its pseudo-files) until it goes,
 * which a user who meant to reach the first one does not expect.
 */
static void warn_stacked(const char *mnt)
{
	char path[PATH_MAX], q[PATH_MAX];
	struct mntent *me;
	FILE *f;

	if (!realpath(mnt, path))
		return;              /* fuse_session_mount will say why */
	f = setmntent("/proc/self/mounts", "r");
	if (!f)
		return;
	while ((me = getmntent(f)))
		if (!strcmp(me->mnt_dir, path) &&
		    !strcmp(me->mnt_type, "fuse.scullcfs"))
			break;
	if (me)
		fprintf(stderr, "scullcfs: warning: %s is already a scullcfs "
			"mount; this one hides its files until unmounted\n",
			quote(q, sizeof(q), mnt));
	endmntent(f);
}

/*
 * lock_memory - noswap: keep the daemon's pages in RAM, as tmpfs's noswap
 * keeps a tmpfs's.  MCL_ONFAULT locks pages as they are touched, so that
 * the allocator's reserved address space and the threads' stacks cost only
 * what they use.  Called before the mount, to refuse at once, and again
 * in the daemon after fuse_daemonize (a fork does not inherit locks).
 */
static int lock_memory(const struct fs_options *o)
{
	if (!o->noswap || !mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT))
		return 0;
	fuse_log(FUSE_LOG_ERR, "scullcfs: noswap: cannot lock the daemon's "
		 "memory: %s (needs CAP_IPC_LOCK or ulimit -l unlimited)\n",
		 strerror(errno));
	return -1;
}

/* loop - answer requests until the unmount or a signal */
static int loop(struct fuse_session *se, const struct fuse_cmdline_opts *c)
{
	struct fuse_loop_config *loop;
	int ret;

	if (c->singlethread)
		return fuse_session_loop(se);
	loop = fuse_loop_cfg_create();
	if (!loop)
		return -ENOMEM;
	fuse_loop_cfg_set_clone_fd(loop, c->clone_fd);
	if (c->max_idle_threads != UINT_MAX)
		fuse_loop_cfg_set_idle_threads(loop, c->max_idle_threads);
	fuse_loop_cfg_set_max_threads(loop, c->max_threads);
	ret = fuse_session_loop_mt(se, loop);
	fuse_loop_cfg_destroy(loop);
	return ret;
}

/* parse - our options, then libfuse's: 0, or -1 after saying why */
static int parse(struct fuse_args *args, struct fs *fs,
		 struct fuse_cmdline_opts *cmd)
{
	char err[FS_ERR_MAX];

	if (fs_parse_options(args, &fs->opt, err, sizeof(err))) {
		if (err[0])          /* else libfuse has said why */
			fprintf(stderr, "%s\n", err);
		return -1;
	}
	if (fs->opt.mountpoint && check_mountpoint(fs->opt.mountpoint))
		return -1;
	/* first, so that the user's own fsname= or subtype= win */
	if (fuse_opt_insert_arg(args, 1, "-odefault_permissions,"
				"fsname=scullc,subtype=scullcfs") == -1) {
		fprintf(stderr, "scullcfs: out of memory\n");
		return -1;
	}
	return fuse_parse_cmdline(args, cmd) ? -1 : 0; /* libfuse said why */
}

/* show_info - answer --help or --version; false when neither was asked */
static bool show_info(const char *progname, const struct fs *fs,
		      const struct fuse_cmdline_opts *cmd)
{
	if (cmd->show_help || fs->opt.show_help) {
		fs_print_help(progname);
		printf("FUSE options:\n");
		fuse_cmdline_help();
		fuse_lowlevel_help();
		return true;
	}
	if (cmd->show_version || fs->opt.show_version) {
		printf("scullcfs version %s\n", PACKAGE_VERSION);
		printf("FUSE library version %s\n", fuse_pkgversion());
		fflush(stdout);      /* before fusermount3 --version writes */
		fuse_lowlevel_version();
		return true;
	}
	return false;
}

/* serve - the mounted session until its end, in the background unless
   -f; 0 after an unmount, 1 after a failure or a signal */
static int serve(struct fs *fs, struct fuse_session *se,
		 const struct fuse_cmdline_opts *cmd)
{
	struct fs_reaper reaper;
	int ret;

	fuse_daemonize(cmd->foreground);
	if (!cmd->foreground) {
		openlog("scullcfs", LOG_PID, LOG_DAEMON);
		fuse_set_log_func(log_syslog);
		if (lock_memory(&fs->opt))
			return 1;
	}
	fs_log_daemonized(cmd->foreground);

	/* after fuse_daemonize: a thread would not survive its fork */
	if (fs_reaper_start(&reaper, fs->opt.reap_ms))
		fuse_log(FUSE_LOG_ERR, "scullcfs: no reaper: idle memory is "
			 "given back only at the limit\n");
	/* 0 after an unmount, the signal's number after SIGTERM & co. */
	ret = loop(se, cmd) < 0;
	fs_reaper_stop(&reaper);
	return ret;
}

/* run - build the fs, mount it and serve it, then tear it all down */
static int run(struct fuse_args *args, struct fs *fs,
	       const struct fuse_cmdline_opts *cmd)
{
	struct fuse_session *se;
	int ret;

	if (apply(&fs->opt) || lock_memory(&fs->opt))
		return 1;
	warn_stacked(cmd->mountpoint);
	ret = fs_init(fs);
	if (ret) {
		fprintf(stderr, "scullcfs: cannot create the filesystem: %s\n",
			strerror(-ret));
		return 1;
	}
	fault_inject_mount();        /* failslab='s cache, now it exists */
	ret = 1;
	se = fuse_session_new(args, &ll_ops, sizeof(ll_ops), fs);
	if (!se)
		goto out_fs;
	fs->se = se;
	fs->singlethread = cmd->singlethread;
	fs->inval_inode = ll_inval_inode;
	if (fuse_set_signal_handlers(se) != 0)
		goto out_session;
	if (fuse_session_mount(se, cmd->mountpoint) != 0)
		goto out_signals;
	ret = serve(fs, se, cmd);
	fuse_session_unmount(se);
out_signals:
	fuse_remove_signal_handlers(se);
out_session:
	fuse_session_destroy(se);
out_fs:
	if (fs_destroy(fs)) {
		fuse_log(FUSE_LOG_ERR, "scullcfs: memory leaked at unmount\n");
		ret = 1;
	}
	return ret;
}

int main(int argc, char *argv[])
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	struct fuse_cmdline_opts cmd;
	struct fs fs;
	int ret = 1;

	memset(&fs, 0, sizeof(fs));
	memset(&cmd, 0, sizeof(cmd));
	if (parse(&args, &fs, &cmd))
		goto out;
	if (show_info(argv[0], &fs, &cmd))
		ret = 0;
	else if (!cmd.mountpoint)
		fprintf(stderr, "scullcfs: no mount point given "
			"(usage: %s [SOURCE] MOUNTPOINT [options])\n", argv[0]);
	else
		ret = run(&args, &fs, &cmd);
out:
	free(cmd.mountpoint);
	fs_options_free(&fs.opt);
	fuse_opt_free_args(&args);
	return ret;
}
