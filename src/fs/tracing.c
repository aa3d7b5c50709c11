/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tracing.c - debug/tracing/: the kmem trace events and trace_pipe */

/*
 * Design.  debug/tracing/ is the part of the kernel's tracefs that shows
 * libscullc's kmem events (scullc_trace_read(3)), laid out as the
 * kernel's, so that `echo 1 > events/kmem/enable; cat trace_pipe` works
 * here as there:
 *
 *   trace_pipe                        the recorded events, consumed as
 *                                     they are read; a read waits for
 *                                     them
 *   events/kmem/enable                "0", "1", or "X" when only some
 *                                     are on; writing 0 or 1 sets all
 *   events/kmem/<event>/enable        "0" or "1", for kmalloc, kfree,
 *                                     kmem_cache_alloc, kmem_cache_free,
 *                                     mm_page_alloc, mm_page_free
 *
 * The enable files are pseudo-files (pseudo.c) over the library's mask.
 * trace_pipe has its own operations: it has no snapshot and no offsets
 * (nonseekable, direct_io), each read takes what the ring holds.
 *
 * A read of trace_pipe that finds nothing waits, as the kernel's does,
 * in the FUSE worker thread that serves it:
 * - It holds no lock while it waits: the open's lock is taken only to
 *   move text between the ring, the open's buffer and the reply.
 * - It waits in slices of SLICE_MS (scullc_trace_wait), so that the end
 *   of the session (SIGTERM, which makes libfuse join its workers before
 *   unmounting) finds it within one slice; it then replies with nothing,
 *   an end of file.  A mount with a reader blocked in trace_pipe is busy,
 *   so an unmount (fusermount3 -u) fails with EBUSY until the reader
 *   goes, as an unmount of a busy filesystem does; -z detaches it.
 * - An interrupt (the reader got a signal: Ctrl-C on cat) calls
 *   scullc_trace_wake at once from libfuse's interrupt callback; the read
 *   then replies EINTR.  The kernel waits for that reply before the
 *   reader can die, so it must come at once.
 * - Each waiting read takes one worker thread; libfuse starts more while
 *   every worker is busy (up to max_threads), so other requests are
 *   still served.  With -s the one thread cannot wait, since it alone
 *   would make the events: a read takes what is there and ends with an
 *   end of file when there is nothing.
 * - O_NONBLOCK: EAGAIN when there is nothing, as the kernel's.
 *
 * Recursion.  Serving trace_pipe allocates (its open's buffer; in
 * general anything a handler does), and those events would fill the
 * ring the read drains, so that every read would find the events of the
 * one before it.  As the kernel does not trace its tracing, the
 * trace_pipe handlers mark their thread ignored for their duration
 * (scullc_trace_ignore_thread): nothing the reader's open, reads and
 * release allocate is recorded.  Everything else the daemon does is.
 *
 * Locks: events_lock (LOCK_RANK_FS_TRACE), a leaf, makes a change of one
 * event's bit a read-modify-write of the library's mask that no other
 * change interleaves with; each trace_pipe open's lock
 * (LOCK_RANK_FS_PSEUDO_OPEN), a leaf, its buffer.  Neither is held while
 * waiting or replying.
 */

#include "fs/fs.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include <scullc/trace.h>

#include "sbuf.h"

#define SLICE_MS  250                 /* the longest wait between looks
					 at the session's end */
#define PIPE_TEXT (12 * 1024)         /* an open's buffer, and the most
					 one read replies */

static struct mutex events_lock = MUTEX_INITIALIZER("tracing events_lock",
						     LOCK_RANK_FS_TRACE);

/* An open trace_pipe (fi->fh). */
struct pipe_open {
	struct mutex lock;
	size_t off, len;             /* unread text: text[off, len); lock */
	char text[PIPE_TEXT];
};

/* ------------------------------------------------------------------ */
/* events/                                                             */

static const int event_ids[SCULLC_TRACE_NR_EVENTS] = { 0, 1, 2, 3, 4, 5 };

/* The kernel's kstrtoul of an enable write: "0" or "1", a newline
   allowed after it; -EINVAL else */
static int parse_bool(const char *buf, size_t len)
{
	if (len && buf[len - 1] == '\n')
		len--;
	if (len != 1 || (buf[0] != '0' && buf[0] != '1'))
		return -EINVAL;
	return buf[0] - '0';
}

/* Set (@on) or clear the events of @bits, under events_lock */
static int set_events(unsigned int bits, bool on)
{
	unsigned int mask;
	int ret;

	mutex_lock(&events_lock);
	mask = scullc_trace_get_events();
	ret = scullc_trace_set_events(on ? mask | bits : mask & ~bits);
	mutex_unlock(&events_lock);
	return ret;
}

static void show_event_enable(struct fs *fs, const struct pseudo_file *pf,
			      void *data, struct sbuf *sb)
{
	int id = *(const int *)data;

	(void)fs;
	(void)pf;
	sbuf_printf(sb, "%d\n", !!(scullc_trace_get_events() & (1u << id)));
}

static int store_event_enable(struct fs *fs, const struct pseudo_file *pf,
			      void *data, const char *buf, size_t len)
{
	int on = parse_bool(buf, len);

	(void)fs;
	(void)pf;
	if (on < 0)
		return on;
	return set_events(1u << *(const int *)data, on);
}

/* events/kmem/enable: the kernel's system_enable_read, "X" for some */
static void show_kmem_enable(struct fs *fs, const struct pseudo_file *pf,
			     void *data, struct sbuf *sb)
{
	unsigned int mask = scullc_trace_get_events();

	(void)fs;
	(void)pf;
	(void)data;
	sbuf_printf(sb, "%s\n", !mask ? "0" :
		    mask == SCULLC_TRACE_ALL ? "1" : "X");
}

static int store_kmem_enable(struct fs *fs, const struct pseudo_file *pf,
			     void *data, const char *buf, size_t len)
{
	int on = parse_bool(buf, len);

	(void)fs;
	(void)pf;
	(void)data;
	if (on < 0)
		return on;
	return set_events(SCULLC_TRACE_ALL, on);
}

static const struct pseudo_file event_enable = {
	"enable", show_event_enable, store_event_enable
};
static const struct pseudo_file kmem_enable = {
	"enable", show_kmem_enable, store_kmem_enable
};

/* ------------------------------------------------------------------ */
/* trace_pipe                                                          */

static void pipe_open(fuse_req_t req, struct fs_inode *inode,
		      struct fuse_file_info *fi)
{
	int was = scullc_trace_ignore_thread(1);
	struct pipe_open *po;

	(void)inode;
	if ((fi->flags & O_ACCMODE) != O_RDONLY) {
		scullc_trace_ignore_thread(was);
		return (void) fuse_reply_err(req, EACCES);
	}
	po = fs_report_alloc(sizeof(*po));
	scullc_trace_ignore_thread(was);
	if (!po)
		return (void) fuse_reply_err(req, ENOMEM);
	mutex_init(&po->lock, "trace_pipe open.lock",
		   LOCK_RANK_FS_PSEUDO_OPEN);
	po->off = po->len = 0;
	fi->fh = (uint64_t)(uintptr_t)po;
	fi->direct_io = 1;           /* every read comes here */
	fi->nonseekable = 1;         /* a stream, as the kernel's */
	fi->keep_cache = 0;
	if (fuse_reply_open(req, fi) == -ENOENT) {
		mutex_destroy(&po->lock);
		fs_report_free(po);  /* the opener went away: no release */
	}
}

/* Up to @size bytes of whole lines into @out, from the open's buffer,
   refilled from the ring without waiting; 0 when there is nothing */
static size_t take(struct pipe_open *po, char *out, size_t size)
{
	size_t n;
	ssize_t got;

	mutex_lock(&po->lock);
	if (po->off == po->len) {
		got = scullc_trace_read(po->text, sizeof(po->text), 0);
		po->off = 0;
		po->len = got > 0 ? (size_t)got : 0;
	}
	n = po->len - po->off < size ? po->len - po->off : size;
	memcpy(out, po->text + po->off, n);
	po->off += n;
	mutex_unlock(&po->lock);
	return n;
}

/* libfuse's interrupt callback: end every wait; the interrupted read
   sees fuse_req_interrupted, the others wait again */
static void pipe_interrupt(fuse_req_t req, void *data)
{
	(void)req;
	(void)data;
	scullc_trace_wake();
}

static void pipe_read(fuse_req_t req, struct fs_inode *inode, size_t size,
		      off_t off, struct fuse_file_info *fi)
{
	struct pipe_open *po = (struct pipe_open *)(uintptr_t)fi->fh;
	struct fs *fs = fs_from_req(req);
	bool nonblock = (fi->flags & O_NONBLOCK) != 0;
	int was = scullc_trace_ignore_thread(1);
	char out[PIPE_TEXT];
	size_t n;
	int err = 0;

	(void)inode;
	(void)off;
	if (size > sizeof(out))
		size = sizeof(out);
	fuse_req_interrupt_func(req, pipe_interrupt, NULL);
	while (!(n = take(po, out, size))) {
		if (nonblock) {
			err = EAGAIN;
			break;
		}
		if (fs->singlethread ||
		    (fs->se && fuse_session_exited(fs->se)))
			break;                  /* an end of file */
		if (fuse_req_interrupted(req)) {
			err = EINTR;
			break;
		}
		scullc_trace_wait(SLICE_MS);
	}
	scullc_trace_ignore_thread(was);
	if (err)
		fuse_reply_err(req, err);
	else
		fuse_reply_buf(req, out, n);
}

static void pipe_release(fuse_req_t req, struct fs_inode *inode,
			 struct fuse_file_info *fi)
{
	struct pipe_open *po = (struct pipe_open *)(uintptr_t)fi->fh;
	int was = scullc_trace_ignore_thread(1);

	(void)inode;
	/* text read from the ring but not by this open is lost with it,
	   as the kernel's trace_pipe loses an iterator's unread page */
	mutex_destroy(&po->lock);
	fs_report_free(po);
	scullc_trace_ignore_thread(was);
	fuse_reply_err(req, 0);
}

static const struct fs_file_ops pipe_fops = {
	.open           = pipe_open,
	.read           = pipe_read,
	.release        = pipe_release,
};

/* ------------------------------------------------------------------ */
/* The tree                                                            */

/**
 * tracing_init - fill debug/tracing/ (@dir): trace_pipe and events/kmem/
 * Called by debugfs_init with ns_lock held for writing.  Returns 0 or
 * -ENOMEM.  May block for memory.
 */
int tracing_init(struct fs *fs, struct fs_inode *dir)
{
	struct fs_inode *events, *kmem, *ev;
	int i, ret;

	lock_assert_held_write(&fs->ns_lock);
	events = pseudo_mkdir(fs, dir, "events", NULL);
	kmem = events ? pseudo_mkdir(fs, events, "kmem", NULL) : NULL;
	if (!kmem)
		return -ENOMEM;
	ret = pseudo_add_file(fs, kmem, &kmem_enable, NULL);
	for (i = 0; !ret && i < SCULLC_TRACE_NR_EVENTS; i++) {
		ev = pseudo_mkdir(fs, kmem, scullc_trace_event_name(i), NULL);
		ret = ev ? pseudo_add_file(fs, ev, &event_enable,
					   (void *)&event_ids[i]) : -ENOMEM;
	}
	if (ret)
		return ret;
	/* the kernel's trace_pipe is 0440: root's, and what stats_mode=
	   gives here */
	return pseudo_add_special(fs, dir, "trace_pipe",
				  S_IFREG | (fs->opt.stats_mode & 0444),
				  &pipe_fops, NULL, NULL);
}

/* tracing_exit - at unmount: stop recording, as the events are the
   mount's settings (a later mount in this process starts with none) */
void tracing_exit(struct fs *fs)
{
	(void)fs;
	scullc_trace_set_events(0);
}
