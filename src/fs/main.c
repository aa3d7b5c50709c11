/* SPDX-License-Identifier: GPL-2.0-or-later */
/* main.c - scullcfs: parse, mount, serve, unmount; the FUSE ops table */

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
 * daemonized; -d shows libfuse's trace of every request.
 */

#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/stat.h>

#include "fs/fs.h"
#include "quote.h"

#define FS_MAX_WRITE (1U << 20)      /* the largest WRITE we ask for */

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

	/* options.c keeps size= at most FS_SIZE_MAX: it fits and is a limit */
	ret = scullc_set_limit((size_t)o->size);
	if (ret) {
		fprintf(stderr, "scullcfs: invalid size=%llu: %s\n",
			(unsigned long long)o->size, strerror(-ret));
		return ret;
	}
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
	return 0;
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

static int serve(struct fuse_session *se, const struct fuse_cmdline_opts *c)
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

int main(int argc, char *argv[])
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	struct fuse_cmdline_opts cmd;
	struct fuse_session *se;
	struct fs_reaper reaper;
	struct fs fs;
	char err[FS_ERR_MAX];
	int ret = 1;

	memset(&fs, 0, sizeof(fs));
	memset(&cmd, 0, sizeof(cmd));
	if (fs_parse_options(&args, &fs.opt, err, sizeof(err))) {
		if (err[0])          /* else libfuse has said why */
			fprintf(stderr, "%s\n", err);
		goto out_args;
	}
	if (fs.opt.mountpoint && check_mountpoint(fs.opt.mountpoint))
		goto out_args;
	/* first, so that the user's own fsname= or subtype= win */
	if (fuse_opt_insert_arg(&args, 1, "-odefault_permissions,"
				"fsname=scullc,subtype=scullcfs") == -1) {
		fprintf(stderr, "scullcfs: out of memory\n");
		goto out_args;
	}
	if (fuse_parse_cmdline(&args, &cmd) != 0)
		goto out_args;       /* libfuse has said why */
	if (cmd.show_help || fs.opt.show_help) {
		fs_print_help(argv[0]);
		printf("FUSE options:\n");
		fuse_cmdline_help();
		fuse_lowlevel_help();
		ret = 0;
		goto out_cmd;
	}
	if (cmd.show_version || fs.opt.show_version) {
		printf("scullcfs version %s\n", PACKAGE_VERSION);
		printf("FUSE library version %s\n", fuse_pkgversion());
		fflush(stdout);      /* before fusermount3 --version writes */
		fuse_lowlevel_version();
		ret = 0;
		goto out_cmd;
	}
	if (!cmd.mountpoint) {
		fprintf(stderr, "scullcfs: no mount point given "
			"(usage: %s [SOURCE] MOUNTPOINT [options])\n", argv[0]);
		goto out_cmd;
	}
	if (apply(&fs.opt))
		goto out_cmd;
	ret = fs_init(&fs);
	if (ret) {
		fprintf(stderr, "scullcfs: cannot create the filesystem: %s\n",
			strerror(-ret));
		ret = 1;
		goto out_cmd;
	}
	ret = 1;

	se = fuse_session_new(&args, &fs_ops, sizeof(fs_ops), &fs);
	if (!se)
		goto out_fs;
	fs.se = se;
	if (fuse_set_signal_handlers(se) != 0)
		goto out_session;
	if (fuse_session_mount(se, cmd.mountpoint) != 0)
		goto out_signals;
	fuse_daemonize(cmd.foreground);
	if (!cmd.foreground) {
		openlog("scullcfs", LOG_PID, LOG_DAEMON);
		fuse_set_log_func(log_syslog);
	}

	/* after fuse_daemonize: a thread would not survive its fork */
	if (fs_reaper_start(&reaper, fs.opt.reap_ms))
		fuse_log(FUSE_LOG_ERR, "scullcfs: no reaper: idle memory is "
			 "given back only at the limit\n");
	/* 0 after an unmount, the signal's number after SIGTERM & co. */
	ret = serve(se, &cmd) < 0;
	fs_reaper_stop(&reaper);

	fuse_session_unmount(se);
out_signals:
	fuse_remove_signal_handlers(se);
out_session:
	fuse_session_destroy(se);
out_fs:
	if (fs_destroy(&fs)) {
		fuse_log(FUSE_LOG_ERR, "scullcfs: memory leaked at unmount\n");
		ret = 1;
	}
out_cmd:
	free(cmd.mountpoint);
out_args:
	fs_options_free(&fs.opt);
	fuse_opt_free_args(&args);
	return ret;
}

/*
 * init: writes of up to 1 MiB; O_TRUNC comes as setattr(size).  The
 * kernel drops set-ID bits itself, and the daemon finishes the job
 * (priv.c).  The writeback cache only with -o writeback (a write is then
 * accounted, and may fail for space, only when the kernel writes it
 * back).  Automatic invalidation (the kernel dropping a file's pages when
 * it sees mtime or size move) only under cache=auto: otherwise every such
 * change is one the kernel made itself, with its cache already in step.
 * The kernel enforces POSIX ACLs.
 */
static void fs_init_conn(void *userdata, struct fuse_conn_info *conn)
{
	struct fs *fs = userdata;

	conn->max_write = FS_MAX_WRITE;
	conn->want &= ~(FUSE_CAP_ATOMIC_O_TRUNC | FUSE_CAP_WRITEBACK_CACHE |
			FUSE_CAP_HANDLE_KILLPRIV);
	/* POSIX ACLs: the kernel enforces them, we store and inherit them,
	   and so apply the umask ourselves (xattr.c) */
	if ((conn->capable & FUSE_CAP_POSIX_ACL) &&
	    (conn->capable & FUSE_CAP_DONT_MASK))
		conn->want |= FUSE_CAP_POSIX_ACL | FUSE_CAP_DONT_MASK;
	if (fs->opt.cache != FS_CACHE_AUTO)
		conn->want &= ~FUSE_CAP_AUTO_INVAL_DATA;
	if (fs->opt.writeback && (conn->capable & FUSE_CAP_WRITEBACK_CACHE))
		conn->want |= FUSE_CAP_WRITEBACK_CACHE;
	/* lsattr and chattr on directories (flags.c) */
	if (conn->capable & FUSE_CAP_IOCTL_DIR)
		conn->want |= FUSE_CAP_IOCTL_DIR;
}

const struct fuse_lowlevel_ops fs_ops = {
	.init           = fs_init_conn,
	/* inode.c */
	.lookup         = fs_lookup,
	.forget         = fs_forget,
	.forget_multi   = fs_forget_multi,
	.getattr        = fs_getattr,
	.setattr        = fs_setattr,
	.statfs         = fs_statfs,
	/* dir.c */
	.mkdir          = fs_mkdir,
	.mknod          = fs_mknod,
	.create         = fs_create,
#ifdef HAVE_STRUCT_FUSE_LOWLEVEL_OPS_TMPFILE
	.tmpfile        = fs_tmpfile,
#endif
	.symlink        = fs_symlink,
	.readlink       = fs_readlink,
	.link           = fs_link,
	.unlink         = fs_unlink,
	.rmdir          = fs_rmdir,
	.rename         = fs_rename,
	.opendir        = fs_opendir,
	.readdir        = fs_readdir,
	.readdirplus    = fs_readdirplus,
	.releasedir     = fs_releasedir,
	/* file.c, which hands each to the inode's operations */
	.open           = fs_open,
	.read           = fs_read,
	.write_buf      = fs_write_buf,
	.release        = fs_release,
	.fallocate      = fs_fallocate,
	.lseek          = fs_lseek,
	.ioctl          = fs_ioctl,
	/* xattr.c */
	.setxattr       = fs_setxattr,
	.getxattr       = fs_getxattr,
	.listxattr      = fs_listxattr,
	.removexattr    = fs_removexattr,
};
