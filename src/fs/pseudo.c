/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pseudo.c - the pseudo-files: the allocator's reports as files */

/*
 * Design.  Every pseudo-file is an ordinary inode, made at mount by
 * pseudo_init and linked into the namespace, with the FS_I_FIXED flag
 * (namei.c and fs_setattr refuse to remove, move, link, chmod or chown it)
 * and pseudo_fops as its operations.  What a file shows is one entry of a
 * table - a name, a show function rendering the text, and for a writable
 * file a store function taking one write - as the kernel's seq_file
 * show() and sysfs store() are; adding a file is adding an entry.
 *
 *   slabinfo   the allocator's /proc/slabinfo 2.1 report; a write is one
 *              tuning command "NAME LIMIT BATCHCOUNT SHARED" for
 *              slabinfo_write, as /proc/slabinfo took under SLAB.
 *   scullcmem  every device's layout, after LDD3's /proc/scullcmem:
 *
 *     Device ino 5: qset 500, quantum 4000, size 10000000, items 5, quanta 2500
 *       items 0-4: 500 quanta each
 *
 *              Devices are named by inode number (a file may have several
 *              names, or none); runs of items holding the same number of
 *              quanta share one line.
 *   buddyinfo  the page allocator's free blocks of each order in each
 *              zone, in /proc/buddyinfo's format.
 *   meminfo    /proc/meminfo's lines that are true of the allocator:
 *              memory, free, available and slab pages (vm_gather).
 *   vmstat     /proc/vmstat's counters that the allocator keeps.
 *   size       the size limit in bytes (0: none); a write in size='s
 *              syntax resizes the live mount, as a tmpfs remount does,
 *              which FUSE cannot pass on to the daemon.
 *   requests   the FUSE requests the daemon has answered, by opcode
 *              ("LOOKUP 12"): what each workload costs in round trips.
 *   slab/      one directory per cache, as SLUB's /sys/kernel/slab
 *              (slab_tree.c).
 *   debug/     the kernel's debugfs layout (debugfs.c).
 *
 * Reads follow the seq_file rule.  Like /proc files the pseudo-files have
 * size 0 and are opened with direct_io, so every read reaches the daemon.
 * A read at offset 0 renders the file afresh into a snapshot kept with the
 * open file; a read at any other offset continues from that open file's
 * snapshot.  One pass of sequential reads thus sees one consistent report,
 * however small its reads, while a reader that seeks back to 0 and reads
 * again (slabtop, vmstat -m, metric collectors) sees the allocator now.
 * A snapshot is freed when a newer one replaces it and the last read
 * using it has replied (a reference count), or at release.
 *
 * Permissions are the kernel's: /proc/slabinfo is 0400 because heap
 * layout helps exploits, so every file is readable (and, if it takes
 * writes, writable) by the mounting user only; the stats_mode= option
 * gives the read bits (e.g. 0444) to open them up.  The kernel checks the
 * mode (default_permissions); open refuses a write to a file without a
 * store function even to root.
 *
 * A render is sized by a guess and retried with the size the first try
 * reported when the text did not fit (the tree's own allocations show in
 * slabinfo, so the size can move between tries).
 *
 * Looking is not charged to size= (fs.h, FS_GFP_REPORT): the inodes and
 * entries made here come from scull_pseudo_inode and scull_pseudo_dentry,
 * and an open file and its snapshots from whole pages (fs_report_alloc),
 * all taken with __GFP_NOACCOUNT; so on a full mount every file still
 * opens and reads, and statfs does not move when one looks.
 *
 * Locks, ordered by enum lock_rank (lock.h): ns_lock (read), under which
 * scullcmem walks fs->devices; a device's lock (read: scull_dev_info,
 * scull_for_each_item); pseudo_open.lock, an open file's latest snapshot.
 * A device's lock ranks outside ns_lock, so no device lock is waited for
 * under ns_lock (a debug build aborts if one is):
 * scullcmem pins a batch of devices under ns_lock (the table's pin cannot
 * go while it is held, so fs_pin is safe there), drops it, and only then
 * takes each device's lock; the next batch starts after the last inode
 * number shown (fs->devices is in creation order, so by number).
 * pseudo_open.lock is never held while rendering or replying: a reader
 * takes a reference to the snapshot under it and replies after dropping
 * it.  slabinfo_read and slabinfo_write take only the allocator's locks,
 * and so does resize, under its own lock, which nests in nothing else.
 */

#include "fs/fs.h"
#include "fs/formats.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define SNAP_GUESS  4096   /* bytes tried first for a render */
#define SNAP_SLACK  512    /* growth allowed between sizing and render */
#define STORE_MAX   4096   /* the longest write a store takes (sysfs: a
			      page) */

/* A rendered report. */
struct snap {
	unsigned int refs;           /* the open file's, and each reader's;
					atomic */
	size_t len;                  /* bytes of text, without the NUL */
	char text[];                 /* len + 1 bytes */
};

/* An open pseudo-file (fi->fh). */
struct pseudo_open {
	struct mutex lock;
	struct snap *snap;           /* the latest render or NULL; lock */
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

#define CMEM_BATCH 64    /* devices pinned per hold of ns_lock */

/* show_scullcmem - every device's layout; takes ns_lock (read), then each
   device's lock with ns_lock dropped */
static void show_scullcmem(struct fs *fs, const struct pseudo_file *pf,
			   void *data, struct sbuf *sb)
{
	struct fs_inode *batch[CMEM_BATCH], *inode;
	struct scull_dev_info info;
	struct item_run run = { .sb = sb };
	fuse_ino_t after = 0;
	unsigned int n, i;

	(void)pf;
	(void)data;
	do {
		n = 0;
		rwlock_rdlock(&fs->ns_lock);
		list_for_each_entry(inode, &fs->devices, devices) {
			if (inode->ino <= after)
				continue;
			fs_pin(inode);
			batch[n++] = inode;
			if (n == CMEM_BATCH)
				break;
		}
		rwlock_unlock(&fs->ns_lock);

		for (i = 0; i < n; i++) {
			inode = batch[i];
			scull_dev_info(&inode->dev, &info);
			sbuf_printf(sb, "Device ino %lu: qset %u, quantum %u, "
				  "size %" PRIu64 ", items %lu, quanta %lu\n",
				  (unsigned long)inode->ino, fs->sb.qset,
				  fs->sb.quantum, info.size, info.nr_items,
				  info.nr_quanta);
			scull_for_each_item(&inode->dev, add_item, &run);
			flush_run(&run);
			after = inode->ino;
			fs_unpin(fs, inode);
		}
	} while (n == CMEM_BATCH);
}

/* show_slabinfo - the allocator's /proc/slabinfo report */
static void show_slabinfo(struct fs *fs, const struct pseudo_file *pf,
			  void *data, struct sbuf *sb)
{
	size_t room = sb->len < sb->cap ? sb->cap - sb->len : 0;

	(void)fs;
	(void)pf;
	(void)data;
	sb->len += slabinfo_read(room ? sb->buf + sb->len : NULL, room);
}

/* store_slabinfo - one tuning command, whatever the offset, as
   /proc/slabinfo: a command split over two writes fails, as it did */
static int store_slabinfo(struct fs *fs, const struct pseudo_file *pf,
			  void *data, const char *buf, size_t len)
{
	(void)fs;
	(void)pf;
	(void)data;
	if (len > SLABINFO_WRITE_MAX)
		return -EINVAL;
	return slabinfo_write(buf, len);
}

/* show_buddyinfo - free blocks per order in each zone, as
   /proc/buddyinfo (mm/vmstat.c's frag_show) */
static void show_buddyinfo(struct fs *fs, const struct pseudo_file *pf,
			   void *data, struct sbuf *sb)
{
	struct scullc_zone_free zones[SCULLC_NR_ZONES];
	int nr;

	(void)fs;
	(void)pf;
	(void)data;
	nr = scullc_buddyinfo(zones, SCULLC_NR_ZONES);
	fmt_buddyinfo(sb, zones, nr < SCULLC_NR_ZONES ? nr : SCULLC_NR_ZONES);
}

/* add_slab_pages - a cache's slab pages to the struct fmt_vm @arg */
static int add_slab_pages(struct kmem_cache *s, void *arg)
{
	struct fmt_vm *vm = arg;
	struct kmem_cache_info info;

	memset(&info, 0, sizeof(info));
	kmem_cache_get_info(s, &info, sizeof(info));
	vm->slab_reclaimable += info.reclaimable_pages;
	vm->slab_unreclaimable += info.pages - info.reclaimable_pages;
	return 0;
}

/*
 * vm_gather - what meminfo and vmstat show (scullcfs(8) defines each):
 * MemTotal is the size limit, or the host's RAM without one (as statfs);
 * MemFree what no page of the allocator holds, in either zone, charged
 * to the limit or not (so MemTotal - MemFree covers Slab, as in the
 * kernel); MemAvailable the kernel's estimate, MemFree less the reserve
 * that only GFP_ATOMIC may use, plus the empty slabs reclaim gives back.
 */
static void vm_gather(struct fmt_vm *vm)
{
	struct scullc_zone_stat z[SCULLC_NR_ZONES];  /* DMA, Normal */
	size_t total, held, ram;
	unsigned long reserve;

	memset(vm, 0, sizeof(*vm));
	scullc_zone_stat(z, SCULLC_NR_ZONES);
	kmem_cache_for_each(add_slab_pages, vm);
	held = z[0].used + z[0].noaccount + z[1].used + z[1].noaccount;
	total = z[1].limit;
	if (total == SIZE_MAX) {
		ram = (size_t)sysconf(_SC_PHYS_PAGES) * PAGE_SIZE;
		total = ram > held ? ram : held;
	}
	vm->total = total / PAGE_SIZE;
	vm->free = total > held ? (total - held) / PAGE_SIZE : 0;
	reserve = z[1].reserve / PAGE_SIZE;
	vm->available = (vm->free > reserve ? vm->free - reserve : 0) +
			vm->slab_reclaimable;
	vm->pgalloc_dma = z[0].pgalloc;
	vm->pgalloc_normal = z[1].pgalloc;
	vm->allocstall_dma = z[0].allocstall;
	vm->allocstall_normal = z[1].allocstall;
	vm->pgfree = z[0].pgfree + z[1].pgfree;
}

/* show_meminfo - /proc/meminfo's lines that are true here */
static void show_meminfo(struct fs *fs, const struct pseudo_file *pf,
			 void *data, struct sbuf *sb)
{
	struct fmt_vm vm;

	(void)fs;
	(void)pf;
	(void)data;
	vm_gather(&vm);
	fmt_meminfo(sb, &vm);
}

/* show_vmstat - /proc/vmstat's counters that the allocator keeps */
static void show_vmstat(struct fs *fs, const struct pseudo_file *pf,
			void *data, struct sbuf *sb)
{
	struct fmt_vm vm;

	(void)fs;
	(void)pf;
	(void)data;
	vm_gather(&vm);
	fmt_vmstat(sb, &vm);
}

/* show_size - the mount's size limit in bytes; 0: none (size=0) */
static void show_size(struct fs *fs, const struct pseudo_file *pf,
		      void *data, struct sbuf *sb)
{
	size_t limit = scullc_get_limit();

	(void)fs;
	(void)pf;
	(void)data;
	sbuf_printf(sb, "%zu\n", limit == SIZE_MAX ? (size_t)0 : limit);
}

/*
 * resize - set the limit to @bytes (0: none) unless the mount already
 * uses more, after giving cached memory back; -EINVAL then, as tmpfs's
 * remount refuses a size below what it holds.  Allocations may still
 * move between the check and the change: the allocator treats a limit
 * below its use as full, as it does after any shrink.
 */
static int resize(uint64_t bytes)
{
	static struct mutex lock = MUTEX_INITIALIZER("resize lock",
						    LOCK_RANK_FS_RESIZE);
	struct scullc_meminfo mi;
	int ret = 0;

	mutex_lock(&lock);       /* one resize at a time */
	scullc_meminfo(&mi);
	if (bytes && mi.used > bytes) {
		scullc_purge();
		scullc_meminfo(&mi);
	}
	if (bytes && mi.used > bytes)
		ret = -EINVAL;
	else
		ret = scullc_set_limit(bytes ? (size_t)bytes : SIZE_MAX);
	mutex_unlock(&lock);
	return ret;
}

/* store_size - a new limit, in size='s syntax (one line, as sysfs) */
static int store_size(struct fs *fs, const struct pseudo_file *pf,
		      void *data, const char *buf, size_t len)
{
	char val[32];
	uint64_t bytes;

	(void)pf;
	(void)data;
	while (len && isspace((unsigned char)buf[len - 1]))
		len--;
	if (!len || len >= sizeof(val))
		return -EINVAL;
	memcpy(val, buf, len);
	val[len] = '\0';
	if (fs_parse_size(val, &bytes))
		return -EINVAL;
	if (bytes && bytes < fs_size_min(fs->opt.quantum))
		return -EINVAL;
	return resize(bytes);
}

/* show_requests - the FUSE requests answered so far, one "OPCODE count"
   line each, as /proc/vmstat's: reading this file counts too */
static void show_requests(struct fs *fs, const struct pseudo_file *pf,
			  void *data, struct sbuf *sb)
{
#define FS_REQ_NAME(op) #op,
	static const char *const names[FS_NR_REQS] = { FS_REQS(FS_REQ_NAME) };
#undef FS_REQ_NAME
	unsigned int i;

	(void)pf;
	(void)data;
	for (i = 0; i < FS_NR_REQS; i++)
		sbuf_printf(sb, "%s %lu\n", names[i],
			    __atomic_load_n(&fs->requests[i],
					    __ATOMIC_RELAXED));
}

/* The files at the root, in the order a listing shows them. */
static const struct pseudo_file root_files[] = {
	{ "slabinfo",  show_slabinfo, store_slabinfo },
	{ "scullcmem", show_scullcmem, NULL },
	{ "buddyinfo", show_buddyinfo, NULL },
	{ "meminfo",   show_meminfo, NULL },
	{ "vmstat",    show_vmstat, NULL },
	{ "size",      show_size, store_size },
	{ "requests",  show_requests, NULL },
};

/*
 * A report's buffers are whole pages taken with FS_GFP_REPORT, as the
 * kernel's seq_file takes its buffer with kvmalloc: never a slab shared
 * with users' objects, so that their class (not charged to size=) is
 * exact.  The block's order sits in a header before the caller's bytes.
 */
struct report_hdr {
	unsigned int order;
	max_align_t align[];         /* the caller's bytes start aligned */
};

void *fs_report_alloc(size_t size)
{
	size_t bytes = sizeof(struct report_hdr) + size;
	unsigned int order = 0;
	struct report_hdr *h;

	while ((PAGE_SIZE << order) < bytes) {
		if (++order > MAX_PAGE_ORDER) {
			errno = ENOMEM;
			return NULL;
		}
	}
	h = (struct report_hdr *)__get_free_pages(FS_GFP_REPORT, order);
	if (!h)
		return NULL;
	h->order = order;
	return h->align;
}

void fs_report_free(void *p)
{
	struct report_hdr *h;

	if (!p)
		return;
	h = container_of((max_align_t *)p, struct report_hdr, align[0]);
	free_pages((unsigned long)h, h->order);
}

static void snap_put(struct snap *snap)
{
	if (snap && !__atomic_sub_fetch(&snap->refs, 1, __ATOMIC_ACQ_REL))
		fs_report_free(snap);
}

/* render - a new snapshot of @inode's file, holding one reference;
   NULL with errno ENOMEM */
static struct snap *render(struct fs *fs, struct fs_inode *inode)
{
	const struct pseudo_file *pf = inode->pseudo.file;
	size_t want = SNAP_GUESS;
	struct snap *snap;
	struct sbuf sb;

	for (;;) {
		snap = fs_report_alloc(sizeof(*snap) + want);
		if (!snap)
			return NULL;
		sb.buf = snap->text;
		sb.cap = want;
		sb.len = 0;
		sb.buf[0] = '\0';
		pf->show(fs, pf, inode->pseudo.data, &sb);
		if (sb.len < sb.cap)
			break;
		fs_report_free(snap);
		want = sb.len + SNAP_SLACK;  /* it did not fit: once more */
	}
	snap->len = sb.len;
	snap->refs = 1;
	return snap;
}

static void pseudo_open(fuse_req_t req, struct fs_inode *inode,
			struct fuse_file_info *fi)
{
	struct pseudo_open *po;

	/* root passes default_permissions' check on any mode */
	if ((fi->flags & O_ACCMODE) != O_RDONLY && !inode->pseudo.file->store)
		return (void) fuse_reply_err(req, EACCES);
	po = fs_report_alloc(sizeof(*po));
	if (!po)
		return (void) fuse_reply_err(req, ENOMEM);
	mutex_init(&po->lock, "pseudo_open.lock", LOCK_RANK_FS_PSEUDO_OPEN);
	po->snap = NULL;
	fi->fh = (uint64_t)(uintptr_t)po;
	fi->direct_io = 1;          /* no size: every read comes here */
	fi->nonseekable = 0;
	fi->keep_cache = 0;
	if (fuse_reply_open(req, fi) == -ENOENT) {
		mutex_destroy(&po->lock);
		fs_report_free(po); /* the opener went away: no release comes */
	}
}

/* snap_hold - a reference to @snap (NULL allowed) for a reader; the
   caller holds the open's lock, so @snap cannot be replaced and freed
   before the count is raised */
static struct snap *snap_hold(struct snap *snap)
{
	if (snap)
		__atomic_add_fetch(&snap->refs, 1, __ATOMIC_RELAXED);
	return snap;
}

/*
 * pseudo_snap - the snapshot a read at @off replies from, with a
 * reference for the reader: at offset 0 a fresh one, which becomes the
 * open's latest; elsewhere the open's latest, rendered now if there is
 * none yet.  po->snap is read and written only under po->lock.  NULL
 * with errno ENOMEM.  May block for memory.
 */
static struct snap *pseudo_snap(struct fs *fs, struct fs_inode *inode,
				struct pseudo_open *po, off_t off)
{
	struct snap *snap = NULL, *old = NULL, *fresh;

	if (off != 0) {
		mutex_lock(&po->lock);
		snap = snap_hold(po->snap);
		mutex_unlock(&po->lock);
		if (snap)
			return snap;
	}
	fresh = render(fs, inode);           /* never under po->lock */
	if (!fresh)
		return NULL;
	mutex_lock(&po->lock);
	/* at offset 0 the newest render wins; elsewhere a render another
	   reader installed meanwhile is kept, and ours is not needed */
	if (off == 0 || !po->snap) {
		old = po->snap;
		po->snap = fresh;            /* the open's reference */
		fresh = NULL;
	}
	snap = snap_hold(po->snap);
	mutex_unlock(&po->lock);
	snap_put(old);
	snap_put(fresh);
	return snap;
}

/* pseudo_read - replies from pseudo_snap's snapshot; the reader's
   reference keeps it alive while the reply is sent, whatever replaces it */
static void pseudo_read(fuse_req_t req, struct fs_inode *inode, size_t size,
			off_t off, struct fuse_file_info *fi)
{
	struct pseudo_open *po = (struct pseudo_open *)(uintptr_t)fi->fh;
	struct snap *snap = pseudo_snap(fs_from_req(req), inode, po, off);

	if (!snap)
		return (void) fuse_reply_err(req, ENOMEM);
	if ((uint64_t)off >= snap->len)
		fuse_reply_buf(req, NULL, 0);
	else
		fuse_reply_buf(req, snap->text + off,
			       size < snap->len - (size_t)off ?
			       size : snap->len - (size_t)off);
	snap_put(snap);
}

/* pseudo_write_buf - the whole write is one store */
static void pseudo_write_buf(fuse_req_t req, struct fs_inode *inode,
			     struct fuse_bufvec *bufv, off_t off,
			     struct fuse_file_info *fi)
{
	const struct pseudo_file *pf = inode->pseudo.file;
	size_t len = fuse_buf_size(bufv);
	struct fuse_bufvec dst = FUSE_BUFVEC_INIT(len);
	char buf[STORE_MAX];
	ssize_t got;
	int err;

	(void)off;
	(void)fi;
	if (!pf->store)
		return (void) fuse_reply_err(req, EBADF);
	if (len > sizeof(buf))
		return (void) fuse_reply_err(req, EINVAL);
	dst.buf[0].mem = buf;
	got = fuse_buf_copy(&dst, bufv, 0);
	if (got < 0)
		return (void) fuse_reply_err(req, (int)-got);
	err = pf->store(fs_from_req(req), pf, inode->pseudo.data, buf,
			(size_t)got);
	if (err)
		return (void) fuse_reply_err(req, -err);
	fuse_reply_write(req, (size_t)got);
}

static void pseudo_release(fuse_req_t req, struct fs_inode *inode,
			   struct fuse_file_info *fi)
{
	struct pseudo_open *po = (struct pseudo_open *)(uintptr_t)fi->fh;
	struct snap *snap;

	(void)inode;
	/* every read of this open was answered before release came, but
	   that order passes through the kernel: po->snap is taken under
	   po->lock here too, as everywhere, which also orders each
	   reader's last use of po before the free below */
	mutex_lock(&po->lock);
	snap = po->snap;
	po->snap = NULL;
	mutex_unlock(&po->lock);
	snap_put(snap);
	mutex_destroy(&po->lock);
	fs_report_free(po);
	fuse_reply_err(req, 0);
}

/* pseudo_truncate - the setattr(size 0) of `echo ... > slabinfo`
   (O_TRUNC) is accepted and changes nothing; any other size is EPERM */
static int pseudo_truncate(struct fs_inode *inode, uint64_t size)
{
	(void)inode;
	return size ? -EPERM : 0;
}

static const struct fs_file_ops pseudo_fops = {
	.open           = pseudo_open,
	.read           = pseudo_read,
	.write_buf      = pseudo_write_buf,
	.release        = pseudo_release,
	.truncate       = pseudo_truncate,
};

/* file_mode - a file's permissions: stats_mode's read bits, and the
   owner's write bit if it takes writes */
static mode_t file_mode(const struct fs *fs, const struct pseudo_file *pf)
{
	return S_IFREG | (fs->opt.stats_mode & 0444) | (pf->store ? 0200 : 0);
}

/**
 * pseudo_add_file - make the pseudo-file @pf showing @data, named
 * @pf->name in @dir.  The caller holds ns_lock for writing.  Returns 0 or
 * -ENOMEM.  May block for memory.
 */
int pseudo_add_file(struct fs *fs, struct fs_inode *dir,
		    const struct pseudo_file *pf, void *data)
{
	return pseudo_add_special(fs, dir, pf->name, file_mode(fs, pf),
				  &pseudo_fops, pf, data);
}

/**
 * pseudo_add_special - make the fixed file @name in @dir with mode @mode
 * and operations of its own, @fops (trace_pipe's, whose reads are not
 * pseudo_fops' snapshots); @pf and @data go to inode->pseudo.  The
 * caller holds ns_lock for writing.  Returns 0 or -ENOMEM.  May block
 * for memory.
 */
int pseudo_add_special(struct fs *fs, struct fs_inode *dir, const char *name,
		       mode_t mode, const struct fs_file_ops *fops,
		       const struct pseudo_file *pf, void *data)
{
	struct fs_inode *inode;

	lock_assert_held_write(&fs->ns_lock);
	inode = fs_new_fixed(fs, mode, fops);
	if (!inode)
		return -ENOMEM;
	inode->pseudo.file = pf;
	inode->pseudo.data = data;
	if (fs_dir_add(fs, dir, name, inode)) {
		fs_unhash(fs, inode);
		fs_evict(fs, inode);
		return -ENOMEM;
	}
	inode->nlink = 1;
	fs_touch(dir, FS_MTIME | FS_CTIME);
	return 0;
}

/**
 * pseudo_mkdir - make the fixed directory @name in @parent, whose entries
 * only the daemon makes; @dops, if not NULL, brings them up to date before
 * each lookup in it and listing of it.  The caller holds ns_lock for
 * writing.  Returns the directory, or NULL (ENOMEM).  May block.
 */
struct fs_inode *pseudo_mkdir(struct fs *fs, struct fs_inode *parent,
			      const char *name, const struct fs_dir_ops *dops)
{
	struct fs_inode *dir;

	lock_assert_held_write(&fs->ns_lock);
	dir = fs_new_fixed(fs, S_IFDIR | 0555, NULL);
	if (!dir)
		return NULL;
	dir->dir.parent = parent->ino;
	dir->dir.ops = dops;
	if (fs_dir_add(fs, parent, name, dir)) {
		fs_unhash(fs, dir);
		fs_evict(fs, dir);
		return NULL;
	}
	dir->nlink = 2;
	parent->nlink++;
	fs_touch(parent, FS_MTIME | FS_CTIME);
	return dir;
}

/* drop_name - remove the entry @de, its inode to @victims if nothing
   holds it; ns_lock held for writing */
static void drop_name(struct fs *fs, struct fs_dirent *de,
		      struct fs_inode **victims)
{
	struct fs_inode *inode = de->inode, *dir = de->dir;

	lock_assert_held_write(&fs->ns_lock);
	fs_dir_del(fs, de);
	if (S_ISDIR(inode->mode))
		__atomic_store_n(&dir->nlink, dir->nlink - 1, __ATOMIC_RELAXED);
	__atomic_store_n(&inode->nlink, 0, __ATOMIC_RELAXED);
	fs_touch(inode, FS_CTIME);
	fs_touch(dir, FS_MTIME | FS_CTIME);
	if (fs_unused(fs, inode)) {
		fs_unhash(fs, inode);
		inode->hash.next = *victims ? &(*victims)->hash : NULL;
		*victims = inode;
	}
}

/**
 * pseudo_rmdir - remove the fixed directory @de names and the files in
 * it (not subdirectories: there are none), as sysfs does when its object
 * goes.  Inodes the kernel still holds stay until it forgets them; their
 * files then read as empty.  The caller holds ns_lock for writing and
 * frees @victims with pseudo_evict after unlocking.  Never needs memory.
 */
void pseudo_rmdir(struct fs *fs, struct fs_dirent *de,
		  struct fs_inode **victims)
{
	struct fs_inode *dir = de->inode;
	struct fs_dirent *child, *tmp;

	lock_assert_held_write(&fs->ns_lock);
	list_for_each_entry_safe(child, tmp, &dir->dir.entries, list)
		drop_name(fs, child, victims);
	drop_name(fs, de, victims);
}

/* pseudo_evict - free what pseudo_rmdir left; no lock held */
void pseudo_evict(struct fs *fs, struct fs_inode *victims)
{
	struct fs_inode *next;

	for (; victims; victims = next) {
		next = hnode_entry(victims->hash.next, struct fs_inode, hash);
		fs_evict(fs, victims);
	}
}

/**
 * pseudo_init - make the pseudo-files and link them under @root
 * Called by fs_init with ns_lock held for writing, before any user file
 * exists.  Returns 0 or -ENOMEM (what was made is freed with the rest of
 * the tree by fs_destroy).
 */
int pseudo_init(struct fs *fs, struct fs_inode *root)
{
	size_t i;
	int ret;

	for (i = 0; i < sizeof(root_files) / sizeof(root_files[0]); i++) {
		ret = pseudo_add_file(fs, root, &root_files[i], NULL);
		if (ret)
			return ret;
	}
	ret = slab_tree_init(fs, root);
	if (ret)
		return ret;
	return debugfs_init(fs, root);
}
