/* pseudo.c - the two synthetic files at the root: slabinfo and scullcmem */

/*
 * Design.  Like /proc files, the pseudo-files have no size (st_size 0) and
 * are opened with direct_io, so every read reaches the daemon whatever the
 * kernel believes the size is.  Each open for reading renders the whole
 * text once, into a kmalloc'd snapshot kept in fi->fh, and every read of
 * that open is served from it: one open sees one consistent report, however
 * small its reads, and `cat` of a 100-line slabinfo is one render, not one
 * per read.  The snapshot is freed at release.
 *
 *   slabinfo   (0644, the mounter's) the allocator's /proc/slabinfo 2.1
 *              report; a write is one tuning command "NAME LIMIT
 *              BATCHCOUNT SHARED" for slabinfo_write, as /proc/slabinfo
 *              took under SLAB.  The kernel's default_permissions check on
 *              the mode keeps other users out.
 *   scullcmem  (0444) every device's layout, after LDD3's /proc/scullcmem:
 *
 *     Device ino 5: qset 500, quantum 4000, size 10000000, items 5, quanta 2500
 *       items 0-4: 500 quanta each
 *
 *              Devices are named by inode number (a file may have several
 *              names, or none); runs of items holding the same number of
 *              quanta share one line.
 *
 * A render is sized first and retried when the report grew in between
 * (the snapshot's own allocation shows in slabinfo's kmalloc lines).
 *
 * Lock order:
 *   1. fs->ns_lock (read)        scullcmem walks fs->devices under it
 *   2. inode->dev.lock (read)    scull_dev_info, scull_for_each_item
 * Both are dropped before any reply; slabinfo_read and slabinfo_write take
 * only the allocator's own locks.
 */

#include "fs/fs.h"
#include "sbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define SNAP_SLACK 512     /* bytes of growth allowed between size and render */

/* A rendered report: what one open reads. */
struct snap {
	size_t len;                  /* bytes of text, without the NUL */
	char text[];                 /* len + 1 bytes */
};

/* A run of consecutive items holding the same number of quanta. */
struct item_run {
	struct sbuf *sb;
	bool open;                   /* first..last is a run not yet printed */
	uint64_t first, last;
	unsigned long quanta;
};

static void flush_run(struct item_run *run)
{
	if (!run->open)
		return;
	if (run->first == run->last)
		sbuf_printf(run->sb, "  item %" PRIu64 ": %lu %s\n", run->first,
			  run->quanta, run->quanta == 1 ? "quantum" : "quanta");
	else
		sbuf_printf(run->sb, "  items %" PRIu64 "-%" PRIu64
			  ": %lu quanta each\n",
			  run->first, run->last, run->quanta);
	run->open = false;
}

static int add_item(uint64_t item, unsigned long quanta, void *arg)
{
	struct item_run *run = arg;

	if (run->open && item == run->last + 1 && quanta == run->quanta) {
		run->last = item;
		return 0;
	}
	flush_run(run);
	run->open = true;
	run->first = run->last = item;
	run->quanta = quanta;
	return 0;
}

/* render_scullcmem - every device's layout into @sb; takes ns_lock (read) */
static void render_scullcmem(struct fs *fs, struct sbuf *sb)
{
	struct scull_dev_info info;
	struct item_run run = { .sb = sb };
	struct fs_inode *inode;

	pthread_rwlock_rdlock(&fs->ns_lock);
	list_for_each_entry(inode, &fs->devices, devices) {
		scull_dev_info(&inode->dev, &info);
		sbuf_printf(sb, "Device ino %lu: qset %u, quantum %u, "
			  "size %" PRIu64 ", items %lu, quanta %lu\n",
			  (unsigned long)inode->ino, fs->sb.qset,
			  fs->sb.quantum, info.size, info.nr_items,
			  info.nr_quanta);
		scull_for_each_item(&inode->dev, add_item, &run);
		flush_run(&run);
	}
	pthread_rwlock_unlock(&fs->ns_lock);
}

/* take_snap - render @ino's report; NULL with errno ENOMEM */
static struct snap *take_snap(struct fs *fs, fuse_ino_t ino)
{
	size_t want = ino == FS_INO_SLABINFO ? slabinfo_read(NULL, 0) : 4096;
	struct snap *snap;
	struct sbuf sb;

	for (;;) {
		want += SNAP_SLACK;
		snap = kmalloc(sizeof(*snap) + want, GFP_KERNEL);
		if (!snap)
			return NULL;
		sb.buf = snap->text;
		sb.cap = want;
		if (ino == FS_INO_SLABINFO) {
			sb.len = slabinfo_read(sb.buf, sb.cap);
		} else {
			sb.len = 0;
			sb.buf[0] = '\0';
			render_scullcmem(fs, &sb);
		}
		if (sb.len < sb.cap)
			break;
		kfree(snap);
		want = sb.len;       /* it grew while rendering: once more */
	}
	snap->len = sb.len;
	return snap;
}

void pseudo_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct snap *snap = NULL;
	int acc = fi->flags & O_ACCMODE;

	/* root passes default_permissions' check on 0444; refuse it here */
	if (ino == FS_INO_SCULLCMEM && acc != O_RDONLY)
		return (void) fuse_reply_err(req, EACCES);
	if (acc != O_WRONLY) {
		snap = take_snap(fs_from_req(req), ino);
		if (!snap)
			return (void) fuse_reply_err(req, ENOMEM);
	}
	fi->fh = (uint64_t)(uintptr_t)snap;
	fi->direct_io = 1;          /* no size: every read comes here */
	fi->nonseekable = 0;
	fi->keep_cache = 0;
	if (fuse_reply_open(req, fi) == -ENOENT)
		kfree(snap);        /* the opener went away: no release comes */
}

void pseudo_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		 struct fuse_file_info *fi)
{
	const struct snap *snap = (const struct snap *)(uintptr_t)fi->fh;

	(void)ino;
	if (!snap)
		return (void) fuse_reply_err(req, EBADF);
	if (off < 0)
		return (void) fuse_reply_err(req, EINVAL);
	if ((uint64_t)off >= snap->len)
		return (void) fuse_reply_buf(req, NULL, 0);
	if (size > snap->len - (size_t)off)
		size = snap->len - (size_t)off;
	fuse_reply_buf(req, snap->text + off, size);
}

/*
 * pseudo_write - a write to slabinfo: one tuning command, whatever the
 * offset (as /proc/slabinfo).  The whole write is the command, so a
 * command split over two writes fails, as it did in the kernel.
 */
void pseudo_write(fuse_req_t req, fuse_ino_t ino, const char *buf,
		  size_t size, off_t off, struct fuse_file_info *fi)
{
	int err;

	(void)off;
	(void)fi;
	if (ino != FS_INO_SLABINFO)
		return (void) fuse_reply_err(req, EACCES);
	if (size > SLABINFO_WRITE_MAX)
		return (void) fuse_reply_err(req, EINVAL);
	err = slabinfo_write(buf, size);
	if (err)
		return (void) fuse_reply_err(req, -err);
	fuse_reply_write(req, size);
}

void pseudo_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	(void)ino;
	kfree((void *)(uintptr_t)fi->fh);
	fuse_reply_err(req, 0);
}

/**
 * pseudo_fill_attr - the attributes of a pseudo-file
 * Regular files of size 0 owned by the mounter, with the mount's start as
 * every time: their contents are generated, not stored.
 */
void pseudo_fill_attr(struct fs *fs, fuse_ino_t ino, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = ino;
	st->st_mode = S_IFREG | (ino == FS_INO_SLABINFO ? 0644 : 0444);
	st->st_nlink = 1;
	st->st_uid = fs->owner;
	st->st_gid = getgid();
	st->st_size = 0;
	st->st_blocks = 0;
	st->st_blksize = (blksize_t)PAGE_SIZE;
	st->st_atim = fs->start;
	st->st_mtim = fs->start;
	st->st_ctim = fs->start;
}

/**
 * pseudo_setattr - setattr on a pseudo-file, dispatched by fs_setattr
 * A size of 0 (what O_TRUNC sends: `echo ... > slabinfo`) and time updates
 * are accepted and ignored; anything else - mode, owner, another size -
 * fails with EPERM, as on a /proc file.
 */
void pseudo_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
		    int to_set, struct fuse_file_info *fi)
{
	const int times = FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME |
			  FUSE_SET_ATTR_ATIME_NOW | FUSE_SET_ATTR_MTIME_NOW |
			  FUSE_SET_ATTR_CTIME | FUSE_SET_ATTR_KILL_SUID |
			  FUSE_SET_ATTR_KILL_SGID;
	struct stat st;

	(void)fi;
	if (to_set & ~(times | FUSE_SET_ATTR_SIZE))
		return (void) fuse_reply_err(req, EPERM);
	if ((to_set & FUSE_SET_ATTR_SIZE) && attr->st_size != 0)
		return (void) fuse_reply_err(req, EPERM);
	pseudo_fill_attr(fs_from_req(req), ino, &st);
	fuse_reply_attr(req, &st, 0);      /* as fs_getattr: no caching */
}
