/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fs.h - the scullcfs daemon: mount state, inodes, core and FUSE layer */
#ifndef SCULLCFS_FS_H
#define SCULLCFS_FS_H

/*
 * One struct fs per mount (the FUSE session's userdata).  Every object the
 * daemon keeps comes from libscullc: users' inodes from the
 * "scull_inode_cache" cache, their directory entries from "scull_dentry",
 * names and buffers from kmalloc, file data from the scull device's
 * "scullc" cache; the pseudo-files' from caches of their own, outside the
 * size= limit (FS_GFP_REPORT below).
 *
 * Inode numbers: FUSE_ROOT_ID (1) is the root directory; every other inode
 * gets the next number and numbers are never reused during a mount.  The
 * pseudo-files (pseudo.c) are inodes like any other, made at mount, with
 * their own operations table and the FS_I_FIXED flag.
 *
 * An inode lives while it has a name (nlink > 0) or the kernel holds
 * lookups on it (nlookup > 0): an unlinked file stays readable through its
 * open descriptors because the kernel keeps its lookup until the last
 * close, then forgets it.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>              /* RENAME_NOREPLACE & co. */
#include <pthread.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <time.h>

#include <fuse_lowlevel.h>

#include <scullc/mempool.h>
#include <scullc/slab.h>

#include "hashtable.h"
#include "list.h"
#include "scull/scull.h"

#define FS_NAME_MAX       255
#define FS_COOKIE_FIRST   3          /* readdir offsets 1, 2: ".", ".." */

/*
 * Observation is not usage.  Everything the daemon allocates to show
 * itself - the pseudo-files' and slab/'s inodes and entries (their own
 * caches), the caches' records of slab/, the reports' snapshots, open
 * pseudo-files and scratch arrays (whole pages, fs_report_alloc) - is
 * taken with FS_GFP_REPORT: __GFP_NOACCOUNT keeps it out of the size=
 * limit and out of statfs, so it never fails on a full mount and df shows
 * only what users stored; slabinfo still shows it, as it is real memory.
 * The namespace's hash tables are the daemon's index of every name, as
 * the kernel's dentry hash is nobody's tmpfs: FS_GFP_INDEX.  Bound:
 * SCULLC_NOACCOUNT_MAX bytes (scullcfs(8) says what each part costs).
 */
#define FS_GFP_REPORT     (GFP_KERNEL | __GFP_NOACCOUNT)
#define FS_GFP_INDEX      (GFP_KERNEL | __GFP_NOACCOUNT)

/* Mount option limits (options.c) */
#define FS_QSET_MAX       SCULL_QSET_MAX
#define FS_DEVICES_MAX    1024
#define FS_REAP_MS_MAX    3600000       /* an hour */
#define FS_REAP_MS_DEFAULT 2000
#define FS_SIZE_MIN       (1ULL << 20)  /* plus one quantum: see options.c */
/* the largest size=: whole pages, and below SIZE_MAX, which to
   scullc_set_limit means no limit at all */
#define FS_SIZE_MAX       ((uint64_t)SIZE_MAX & ~((uint64_t)PAGE_SIZE - 1))
#define FS_NR_INODES_MAX  (1ULL << 32)  /* as tmpfs: counted in 32 bits */
#define FS_ERR_MAX        512           /* an option error line, with NUL */

/*
 * cache= (options.c): how far the kernel may keep what it has seen.  The
 * daemon is the only writer of its files and every change passes through
 * this mount's kernel inodes, so what the kernel caches stays true; the
 * modes differ in what they cost (scullcfs(8)).
 */
enum fs_cache {
	FS_CACHE_NEVER,              /* direct I/O: no page cache copy */
	FS_CACHE_AUTO,               /* page cache dropped at each open and
					when mtime/size move; 1 s timeouts */
	FS_CACHE_ALWAYS,             /* page cache and attributes kept */
};
#define FS_TIMEOUT_AUTO   1.0        /* seconds, cache=auto */
#define FS_TIMEOUT_LONG   86400.0    /* seconds, cache=never and always */

/* Mount options, as parsed by fs_parse_options (options.c). */
struct fs_options {
	unsigned int quantum;        /* bytes per quantum */
	unsigned int qset;           /* quanta per item */
	unsigned int devices;        /* scullc0..N-1 made at mount */
	uint64_t size;               /* byte limit of the allocator; 0: none
					beyond the host's memory (size=0) */
	char *slab_debug;            /* slab_debug= string or NULL (strdup'd) */
	char *failslab;              /* failslab= string or NULL (strdup'd) */
	char *log;                   /* log= file or NULL (strdup'd) */
	mode_t stats_mode;           /* read bits of the pseudo-files */
	enum fs_cache cache;         /* cache= */
	int writeback;               /* -o writeback: the kernel's writeback
					cache (not with cache=never) */
	unsigned int reap_ms;        /* the reaper's period; 0: no reaper */
	mode_t root_mode;            /* the root's permissions (mode=) */
	uid_t root_uid;              /* the root's owner (uid=), if set */
	gid_t root_gid;              /* and group (gid=), if set */
	int root_uid_set, root_gid_set; /* else the mounting user's */
	uint64_t nr_inodes;          /* inodes users may have, the root
					included (nr_inodes=); 0: no limit */
	int noswap;                  /* lock the daemon's memory in RAM */
	int huge;                    /* huge=: SCULLC_HUGE_* */
	char *mountpoint;            /* the last non-option argument as given,
					or NULL (strdup'd) */
	int show_help;
	int show_version;
};

/*
 * fs_parse_options - parse scullcfs's own -o options out of @args, leaving
 * libfuse's in place.  SOURCE MOUNTPOINT (mount.fuse3 style) is accepted:
 * the first of two non-option arguments is dropped.  Fills @opts with the
 * defaults first (quantum 4000, qset 500, devices 4, size 50% of RAM,
 * cache=always, no writeback, reap_ms 2000).
 * Returns 0, or -EINVAL with one clear line (no newline) in @err, or with
 * @err empty when libfuse has printed that line itself.
 */
int fs_parse_options(struct fuse_args *args, struct fs_options *opts,
		     char *err, size_t errlen);
/* fs_parse_size - "1048576", "64k", "512m", "2g", "10%" (of RAM) -> bytes,
   rounded up to whole pages */
int fs_parse_size(const char *s, uint64_t *bytes);
/* fs_size_min - the smallest size limit for @quantum: 1 MiB plus a slab */
uint64_t fs_size_min(unsigned int quantum);
/* fs_option_error - "scullcfs: invalid NAME=\"VALUE\": REASON" into @err,
   the value quoted and escaped (quote.h) so that the line stays one line */
void fs_option_error(char *err, size_t errlen, const char *name,
		     const char *val, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void fs_options_free(struct fs_options *opts);
void fs_print_help(const char *progname);

/* log.c: the allocator's reports to log=, syslog or stderr */
int fs_log_open(const char *path);             /* 0 or -errno */
void fs_log_daemonized(int foreground);

/* reap.c: a thread that gives idle memory back once the mount is idle */
struct fs_reaper {
	pthread_t thread;
	struct mutex lock;           /* protects stop */
	pthread_cond_t wake;         /* signalled at stop */
	bool stop;
	bool running;
	unsigned int period_ms;
};
int fs_reaper_start(struct fs_reaper *r, unsigned int period_ms);
void fs_reaper_stop(struct fs_reaper *r);

struct fs;
struct fs_dirent;
struct fs_inode;
struct pseudo_file;

/*
 * What an inode's open files do, as the kernel's file_operations: file.c
 * hands each FUSE request on an open file to the inode's table.  open,
 * read and release are required; a missing write_buf is EBADF, truncate
 * (setattr of the size) EPERM, fallocate EOPNOTSUPP, lseek (SEEK_DATA,
 * SEEK_HOLE) ENXIO and ioctl ENOTTY.  Each operation replies exactly once,
 * but truncate, which returns 0 or -errno to fs_setattr.
 */
struct fs_file_ops {
	void (*open)(fuse_req_t req, struct fs_inode *inode,
		     struct fuse_file_info *fi);
	void (*read)(fuse_req_t req, struct fs_inode *inode, size_t size,
		     off_t off, struct fuse_file_info *fi);
	void (*write_buf)(fuse_req_t req, struct fs_inode *inode,
			  struct fuse_bufvec *bufv, off_t off,
			  struct fuse_file_info *fi);
	void (*release)(fuse_req_t req, struct fs_inode *inode,
			struct fuse_file_info *fi);
	int (*truncate)(struct fs_inode *inode, uint64_t size);
	void (*fallocate)(fuse_req_t req, struct fs_inode *inode, int mode,
			  off_t off, off_t len, struct fuse_file_info *fi);
	void (*lseek)(fuse_req_t req, struct fs_inode *inode, off_t off,
		      int whence, struct fuse_file_info *fi);
	void (*ioctl)(fuse_req_t req, struct fs_inode *inode,
		      unsigned int cmd, void *arg, struct fuse_file_info *fi,
		      unsigned int flags, const void *in_buf, size_t in_bufsz,
		      size_t out_bufsz);
};

/* What a directory of the daemon's does beyond an ordinary one. */
struct fs_dir_ops {
	/* refresh - bring @dir's entries up to date with what they show,
	   before a lookup in it or a listing of it; takes ns_lock itself */
	void (*refresh)(struct fs *fs, struct fs_inode *dir);
};

/*
 * A request's caller, as the core sees it: the FUSE layer fills one from
 * the request (fs_req_cred, req.c), a test by hand.  The supplementary
 * groups and the capabilities cost a read of /proc each, so they are
 * looked up only when a rule needs them, and kept for the request.  One
 * per request, on its thread's stack: no lock.
 */
#define FS_NGROUPS_MAX 64            /* supplementary groups looked at */
struct fs_cred {
	uid_t uid;
	gid_t gid;
	pid_t pid;                   /* 0: none (then uid 0 is capable) */
	mode_t umask;
	int ngroups;                 /* entries of groups[], or -1: not
					asked yet (load_groups asks) */
	gid_t groups[FS_NGROUPS_MAX];
	/* load_groups - fill groups[] and ngroups; NULL: none */
	void (*load_groups)(struct fs_cred *cred);
	void *req;                   /* load_groups' argument */
	bool caps_known;             /* caps is valid; else read from
					/proc/PID/status when needed */
	uint64_t caps;               /* effective set, 1 << CAP_* */
};

/*
 * Sinks: how the core hands a reply's data to its caller without knowing
 * FUSE.  A sink's callback may run under the core's locks (ns_lock for
 * directory entries, attr_lock for an attribute's value): it only copies.
 */
/* fs_buf_sink - one buffer: a symlink's target, an attribute's value,
   a list of attribute names; send is called at most once */
struct fs_buf_sink {
	void (*send)(struct fs_buf_sink *sink, const void *buf, size_t len);
};

/* fs_dir_sink - the entries of a listing, in cookie order */
struct fs_dir_sink {
	bool plus;                   /* readdirplus: full attributes, and
					a lookup taken per entry */
	/* emit - add @name at offset @cookie; @e is the whole entry under
	   plus, else only e->ino and e->attr.st_mode.  Returns false when
	   it does not fit: then nothing was added and no lookup is taken.
	   @lookup: the core takes a lookup on e->ino once it is added,
	   which the caller gives back (fs_unlookup) if it never reaches the
	   kernel.  Called with ns_lock held (read). */
	bool (*emit)(struct fs_dir_sink *sink, const char *name,
		     const struct fuse_entry_param *e, uint64_t cookie,
		     bool lookup);
};

/* inode->flags */
#define FS_I_FIXED  0x1   /* made by the daemon (pseudo.c): its name cannot
			     be removed, moved or linked, its mode and owner
			     not changed; a fixed directory takes no names
			     from users */
#define FS_I_TMPFILE 0x2  /* made nameless by O_TMPFILE: may be linked
			     into the namespace with no link left (the
			     kernel allows it once, unless O_EXCL) */

struct fs_inode {
	fuse_ino_t ino;              /* fixed */
	struct hnode hash;           /* in fs->inodes, by ino; ns_lock */
	uint64_t nlookup;            /* kernel lookups; atomic: grows under
					ns_lock (read), shrinks under it (write) */
	unsigned int nlink;          /* changed under ns_lock (write), stored
					atomically: fs_fill_attr reads it bare */
	unsigned int flags;          /* FS_I_*; fixed */
	unsigned int pins;           /* 1 for the table until unhashed, + 1 per
					request still using the inode after
					its reply (fs_pin); atomic, the last
					fs_unpin frees it */
	const struct fs_file_ops *fops; /* S_ISREG: what open files do; fixed */

	struct mutex attr_lock;
	/* protected by attr_lock: */
	mode_t mode;
	uid_t uid;
	gid_t gid;
	dev_t rdev;                  /* FIFOs and other mknod nodes */
	struct timespec atime, mtime, ctime;
	struct list_head xattrs;     /* struct fs_xattr (xattr.c) */
	unsigned int iflags;         /* FS_*_FL of chattr (flags.c); stored
					atomically: fs_iflags reads it bare */
	uint64_t shown_ctime;        /* ctime in ns in the attributes the
					kernel got last (fs_fill_attr), 0
					once it drops them (fs_attr_drop);
					atomic: a hint for readdirplus */

	union {
		struct scull_dev dev;    /* a device (fs_is_device): has its own
					    lock */
		struct {                 /* a pseudo-file (pseudo.c); fixed */
			const struct pseudo_file *file;
			void *data;        /* what the file shows */
		} pseudo;
		struct {                 /* S_ISDIR; protected by ns_lock */
			struct list_head entries;  /* by cookie, ascending */
			uint64_t next_cookie;      /* readdir offsets */
			unsigned long nr_entries;
			fuse_ino_t parent;
			unsigned long gen;         /* bumped when an entry
						      leaves: readdir cursors */
			const struct fs_dir_ops *ops;  /* or NULL; fixed */
		} dir;
		char *target;            /* S_ISLNK, kmalloc'd; fixed */
	};
	struct list_head devices;    /* a device: in fs->devices; ns_lock */
};

struct fs_dirent {
	struct list_head list;       /* parent's dir.entries; ns_lock */
	uint64_t cookie;             /* readdir offset of the next entry */
	struct fs_inode *inode;
	char *name;                  /* kmalloc'd */
	size_t namelen;
	struct fs_inode *dir;        /* the directory holding it; fixed */
	struct hnode hash;           /* in fs->names, by (dir, name); ns_lock */
};

/*
 * The requests the daemon answers, by FUSE opcode, in the kernel's order
 * and names (enum fuse_opcode without FUSE_; libfuse's -d prints the
 * same).  libfuse hands RENAME2 to the rename operation too, so RENAME
 * counts both.  What libfuse answers itself (INIT, DESTROY, INTERRUPT,
 * and the operations the daemon leaves out, which the kernel stops
 * asking for after one ENOSYS) is not counted.
 */
#define FS_REQS(X) \
	X(LOOKUP) X(FORGET) X(GETATTR) X(SETATTR) X(READLINK) X(SYMLINK) \
	X(MKNOD) X(MKDIR) X(UNLINK) X(RMDIR) X(RENAME) X(LINK) X(OPEN) \
	X(READ) X(WRITE) X(STATFS) X(RELEASE) X(SETXATTR) X(GETXATTR) \
	X(LISTXATTR) X(REMOVEXATTR) X(OPENDIR) X(READDIR) X(RELEASEDIR) \
	X(CREATE) X(IOCTL) X(BATCH_FORGET) X(FALLOCATE) X(READDIRPLUS) \
	X(LSEEK) X(TMPFILE)
#define FS_REQ_ENUM(op) FS_REQ_##op,
enum fs_req { FS_REQS(FS_REQ_ENUM) FS_NR_REQS };
#undef FS_REQ_ENUM

struct fs {
	struct fs_options opt;
	struct fuse_session *se;     /* the session, for ll.c's hooks
					and trace_pipe's reads (has it
					ended?); set before the mount,
					fixed */
	bool singlethread;           /* -s: one thread serves every
					request; fixed */
	/* inval_inode - make the kernel forget what it caches of @ino's
	   attributes; set by the FUSE layer (ll.c) before the mount, NULL
	   when the fs runs without one (tests); fixed.  Called with no
	   lock held: see fs_notify_inval. */
	void (*inval_inode)(struct fs *fs, fuse_ino_t ino);
	struct scull_sb sb;          /* geometry and the "scullc" cache */
	uid_t owner;                 /* the mounting user: owns the
					pseudo-files */
	gid_t group;                 /* and their group */
	double timeout;              /* entry and attribute timeout: cache= */
	struct kmem_cache *inode_cache;  /* users' inodes, and the root */
	struct kmem_cache *dentry_cache; /* users' entries */
	struct kmem_cache *pseudo_inode_cache;  /* FS_I_FIXED inodes */
	struct kmem_cache *pseudo_dentry_cache; /* and their entries */
	mempool_t *iov_pool;         /* read iovec arrays, so reads never fail */
	size_t iov_max;              /* iovecs in one pool element */

	struct rwlock ns_lock;       /* the namespace: table, dirs, links */
	/* protected by ns_lock: */
	struct htable inodes;        /* every inode, by number */
	unsigned long nr_fixed;      /* of them, FS_I_FIXED: not users' */
	fuse_ino_t next_ino;
	uint64_t nr_inodes;          /* counted against nr_inodes=: the
					inodes of fs_new_inode still hashed,
					plus every non-directory's names
					beyond its first (fs_extra_name) */
	struct list_head devices;    /* every regular file, for scullcmem */
	struct htable names;         /* every entry, by (dir, name) */
	struct timespec start;       /* mount time: the pseudo-files' times */
	struct fs_leaks *leaks;      /* what the caches held before the mount */
	struct list_head slab_caches; /* slab_tree.c's caches; ns_lock */
	struct kmem_cache *slab_dir_cache; /* their records; fixed */
	unsigned long requests[FS_NR_REQS]; /* answered, by opcode (ll.c's
					fs_count); atomic */
};

/* "file.c" - open files, and the devices' operations */
extern const struct fs_file_ops fs_dev_fops;

/* fs_is_device - @inode is a scull device (a user's regular file) */
static inline bool fs_is_device(const struct fs_inode *inode)
{
	return inode->fops == &fs_dev_fops;
}

/*
 * The core (inode.c, dir.c, namei.c, readdir.c, xattr.c, flags.c, priv.c)
 * takes the fs, the caller's credentials and plain arguments and returns
 * 0 or -errno; it never replies to FUSE.  ll.c turns each request into
 * such a call and its result into the one reply; req.c holds what the
 * FUSE-facing files share.
 * A core call that fills a struct fuse_entry_param has taken the lookup
 * the entry carries (fs_hold): the caller gives it back with
 * fs_unlookup if the entry never reaches the kernel.
 */

/* "ll.c" - the FUSE low-level operations: one adapter per request */
extern const struct fuse_lowlevel_ops ll_ops;
/* ll_inval_inode - fs->inval_inode through fs->se */
void ll_inval_inode(struct fs *fs, fuse_ino_t ino);

/* "req.c" - what the FUSE-facing code shares */
static inline struct fs *fs_from_req(fuse_req_t req)
{
	return (struct fs *)fuse_req_userdata(req);
}
/* fs_count - one more request @op answered (the requests file); a
   relaxed add, cheap beside the request's two trips through the kernel */
static inline void fs_count(fuse_req_t req, enum fs_req op)
{
	__atomic_fetch_add(&fs_from_req(req)->requests[op], 1,
			   __ATOMIC_RELAXED);
}
/* fs_req_cred - the caller of @req; groups and capabilities on demand */
void fs_req_cred(fuse_req_t req, struct fs_cred *cred);
/* fs_reply_entry - send @e; if the kernel never gets it, fs_unlookup */
void fs_reply_entry(fuse_req_t req, struct fs *fs,
		    const struct fuse_entry_param *e);

/* fs_notify_inval - tell the kernel @ino's cached attributes are stale
   (a mode changed behind its back); no lock held */
static inline void fs_notify_inval(struct fs *fs, fuse_ino_t ino)
{
	if (fs->inval_inode)
		fs->inval_inode(fs, ino);
}

/* "mount.c" - the mount's lifetime: build, tear down, check for leaks */
int fs_init(struct fs *fs);         /* caches, root, devices; 0/-errno */
int fs_destroy(struct fs *fs);      /* frees all; -EBUSY if anything leaked */

/* "inode.c" - the inode table, attributes and lifetimes */
/* fs_iget - the inode numbered @ino, or NULL; caller holds ns_lock (read) */
struct fs_inode *fs_iget(struct fs *fs, fuse_ino_t ino);
/* fs_iget_unlocked - fs_iget taking ns_lock itself; valid for the request,
   since the kernel does not forget an inode a request is using */
struct fs_inode *fs_iget_unlocked(struct fs *fs, fuse_ino_t ino);
void fs_fill_attr(struct fs *fs, struct fs_inode *inode, struct stat *st);
/* fs_attr_kept - the kernel holds @inode's attributes as last sent;
   fs_attr_drop - it dropped some (a read through the daemon) */
bool fs_attr_kept(struct fs *fs, struct fs_inode *inode);
void fs_attr_drop(struct fs_inode *inode);
enum { FS_ATIME = 1, FS_MTIME = 2, FS_CTIME = 4 };
void fs_touch(struct fs_inode *inode, int which);  /* takes attr_lock */
/* fs_lookup - @name in @parent into @e with its lookup; -ENOENT with
   e->entry_timeout set for a negative entry */
int fs_lookup(struct fs *fs, fuse_ino_t parent, const char *name,
	      struct fuse_entry_param *e);
void fs_forget(struct fs *fs, fuse_ino_t ino, uint64_t nlookup);
void fs_forget_multi(struct fs *fs, size_t count,
		     const struct fuse_forget_data *forgets);
int fs_getattr(struct fs *fs, fuse_ino_t ino, struct stat *st);
int fs_setattr(struct fs *fs, struct fs_cred *cred, fuse_ino_t ino,
	       const struct stat *attr, int to_set, struct stat *st);
void fs_statfs(struct fs *fs, struct statvfs *sv);

/*
 * The namespace primitives namei.c builds on.  "write" means the caller holds
 * ns_lock for writing, "read" at least for reading.
 */
/* fs_new_inode - a new unnamed inode (nlink 0) in the table, a device if
   S_ISREG(@mode); write.  NULL with errno ENOMEM. */
struct fs_inode *fs_new_inode(struct fs *fs, mode_t mode, uid_t uid,
			      gid_t gid);
/* fs_new_fixed - a new unnamed FS_I_FIXED inode of the mounting user with
   the operations @fops (NULL for a directory), from pseudo_inode_cache
   with FS_GFP_REPORT; write.  NULL: ENOMEM. */
struct fs_inode *fs_new_fixed(struct fs *fs, mode_t mode,
			      const struct fs_file_ops *fops);
void fs_unhash(struct fs *fs, struct fs_inode *inode);        /* write */
/* fs_extra_name - count a name beyond an inode's first (+1, or -1 when one
   goes) against nr_inodes=, as tmpfs does; write.  0 or -ENOSPC. */
int fs_extra_name(struct fs *fs, int delta);
/* fs_evict - drop the table's pin on an unhashed inode: it is freed with
   its data now, or by the last fs_unpin; no lock held */
void fs_evict(struct fs *fs, struct fs_inode *inode);
/* fs_pin - keep @inode, which the caller's request holds, past the reply;
   fs_unpin - give it back, freeing it if it was evicted meanwhile */
void fs_pin(struct fs_inode *inode);
void fs_unpin(struct fs *fs, struct fs_inode *inode);       /* no lock */
/* fs_unused - no name and no kernel lookup left: the caller unhashes it
   under the lock and evicts it after unlocking */
bool fs_unused(struct fs *fs, struct fs_inode *inode);      /* write */
/* fs_fill_entry - the reply for a lookup of @inode; read.  The caller
   takes the lookup reference (fs_hold) only once the reply is certain. */
void fs_fill_entry(struct fs *fs, struct fs_inode *inode,
		   struct fuse_entry_param *e);
void fs_hold(struct fs *fs, struct fs_inode *inode);   /* nlookup++; read */
void fs_dir_refresh(struct fs *fs, struct fs_inode *dir); /* no lock */
void fs_unlookup(struct fs *fs, fuse_ino_t ino);  /* nlookup--; no lock */

/* "xattr.c" - extended attributes and POSIX ACLs */
int fs_setxattr(struct fs *fs, struct fs_cred *cred, fuse_ino_t ino,
		const char *name, const char *value, size_t size, int flags);
/* fs_getxattr, fs_listxattr - the value's (the list's) size, or -errno;
   when @size is not 0 and it fits, it went to @sink first (under
   attr_lock: the sink copies it at once) */
ssize_t fs_getxattr(struct fs *fs, fuse_ino_t ino, const char *name,
		    size_t size, struct fs_buf_sink *sink);
ssize_t fs_listxattr(struct fs *fs, struct fs_cred *cred, fuse_ino_t ino,
		     size_t size, struct fs_buf_sink *sink);
int fs_removexattr(struct fs *fs, fuse_ino_t ino, const char *name);
void fs_xattr_free_all(struct fs_inode *inode);    /* unreachable inode */
struct fs_xattr *fs_xattr_take(struct fs_inode *inode,
			       const char *name);  /* attr_lock held */
void fs_acl_chmod(struct fs_inode *inode);         /* attr_lock held */
int fs_acl_inherit(struct fs_inode *dir, mode_t *mode, mode_t umask,
		   struct list_head *acls);        /* 0/-ENOSPC/-ENOMEM */
void fs_acl_attach(struct fs_inode *inode, struct list_head *acls);
void fs_acl_drop(struct list_head *acls);
/* fs_nospace_errno - -ENOSPC when a failed allocation of @need bytes hit
   the size= limit, -ENOMEM when the host (or failslab) refused it */
int fs_nospace_errno(size_t need);

/* "priv.c" - set-ID bits and file capabilities dropped on change */
bool fs_in_group(struct fs_cred *cred, gid_t gid);
bool fs_capable(struct fs_cred *cred, int cap);  /* may read /proc */
void fs_drop_sgid(struct fs_cred *cred, struct fs_inode *inode, gid_t gid,
		  int to_set);                         /* attr_lock held */
bool fs_kill_priv(struct fs_cred *cred, struct fs_inode *inode);

/* "flags.c" - inode flags (chattr): the ioctls and the checks */
/* fs_iflags - @inode's FS_*_FL flags, without attr_lock */
static inline unsigned int fs_iflags(struct fs_inode *inode)
{
	return __atomic_load_n(&inode->iflags, __ATOMIC_RELAXED);
}
void fs_flags_inherit(struct fs_inode *inode, struct fs_inode *dir);
bool fs_flags_cmd(unsigned int cmd);
/* fs_set_iflags - SETFLAGS of @want on @inode by @cred; 0 or -errno */
int fs_set_iflags(struct fs *fs, struct fs_cred *cred,
		  struct fs_inode *inode, unsigned int want);
void fs_flags_ioctl(fuse_req_t req, struct fs_inode *inode, unsigned int cmd,
		    const void *in_buf, size_t in_bufsz, size_t out_bufsz);
/* The checks, each standing for one of the kernel's: 0 or -EPERM */
int fs_may_create(struct fs_inode *dir);
int fs_may_delete(struct fs_inode *dir, struct fs_inode *victim);
int fs_may_modify(struct fs_inode *inode);
int fs_may_open(struct fs_inode *inode, int flags);
int fs_may_setattr(struct fs_inode *inode, int to_set, mode_t mode,
		   bool writeback);
int fs_may_fallocate(struct fs_inode *inode, int mode);
int fs_may_write(struct fs_inode *inode, uint64_t off, const void *data,
		 size_t len);            /* or -EAGAIN: see flags.c */
bool fs_noatime(struct fs_inode *inode);

/* "dir.c" - directory entries: the name table, each directory's list */
struct fs_dirent *fs_dir_find(struct fs *fs, struct fs_inode *dir,
			      const char *name);              /* read */
/* fs_dir_add - of an FS_I_FIXED @inode the entry is a pseudo one and
   keeps @name itself, which must outlive it (a static or slab/ name) */
int fs_dir_add(struct fs *fs, struct fs_inode *dir, const char *name,
	       struct fs_inode *inode);          /* write; 0/-ENOMEM */
void fs_dir_del(struct fs *fs, struct fs_dirent *de);         /* write */
int fs_dir_move(struct fs *fs, struct fs_dirent *de, struct fs_inode *dir,
		const char *name);                              /* write */
void fs_dir_clear(struct fs *fs, struct fs_inode *dir);       /* write */

/* "namei.c" - names made, linked, removed and moved */
/* fs_mkdir, fs_mknod, fs_create, fs_symlink, fs_link: the new name's
   entry into @e, with its lookup.  fs_create with a NULL @name makes
   O_TMPFILE's nameless file. */
int fs_mkdir(struct fs *fs, struct fs_cred *cred, fuse_ino_t parent,
	     const char *name, mode_t mode, struct fuse_entry_param *e);
int fs_mknod(struct fs *fs, struct fs_cred *cred, fuse_ino_t parent,
	     const char *name, mode_t mode, dev_t rdev,
	     struct fuse_entry_param *e);
int fs_create(struct fs *fs, struct fs_cred *cred, fuse_ino_t parent,
	      const char *name, mode_t mode, struct fuse_entry_param *e);
int fs_symlink(struct fs *fs, struct fs_cred *cred, const char *link,
	       fuse_ino_t parent, const char *name,
	       struct fuse_entry_param *e);
/* fs_readlink - @ino's target to @sink, the inode pinned meanwhile */
int fs_readlink(struct fs *fs, fuse_ino_t ino, struct fs_buf_sink *sink);
int fs_link(struct fs *fs, fuse_ino_t ino, fuse_ino_t newparent,
	    const char *newname, struct fuse_entry_param *e);
int fs_unlink(struct fs *fs, fuse_ino_t parent, const char *name);
int fs_rmdir(struct fs *fs, fuse_ino_t parent, const char *name);
/* fs_rename - with renameat2's flags, whatever libc's headers know */
#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE  (1 << 1)
#endif
#ifndef RENAME_WHITEOUT
#define RENAME_WHITEOUT  (1 << 2)
#endif
int fs_rename(struct fs *fs, struct fs_cred *cred, fuse_ino_t parent,
	      const char *name, fuse_ino_t newparent, const char *newname,
	      unsigned int flags);

/* "readdir.c" - directory listings */
/* fs_opendir - a readdir cursor for @ino into *@fh (NULL if none could
   be had: readdir then walks); fs_releasedir frees it */
int fs_opendir(struct fs *fs, fuse_ino_t ino, void **fh);
void fs_releasedir(void *fh);
/* fs_readdir - @ino's entries after offset @off into @sink */
int fs_readdir(struct fs *fs, fuse_ino_t ino, off_t off, void *fh,
	       struct fs_dir_sink *sink);

/* "file.c" - data: open, read, write, fallocate, lseek, ioctl */
void fs_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void fs_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
	     struct fuse_file_info *fi);
void fs_write_buf(fuse_req_t req, fuse_ino_t ino, struct fuse_bufvec *bufv,
		  off_t off, struct fuse_file_info *fi);
void fs_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
/* fs_open_mode - a regular file's open flags (direct_io, keep_cache) as
   cache= says; for fs_open and fs_create */
void fs_open_mode(struct fs *fs, struct fuse_file_info *fi);
void fs_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t off,
		  off_t len, struct fuse_file_info *fi);
void fs_lseek(fuse_req_t req, fuse_ino_t ino, off_t off, int whence,
	      struct fuse_file_info *fi);
void fs_ioctl(fuse_req_t req, fuse_ino_t ino, unsigned int cmd, void *arg,
	      struct fuse_file_info *fi, unsigned int flags,
	      const void *in_buf, size_t in_bufsz, size_t out_bufsz);
/* fs_read_iov_max - iovecs per fs->iov_pool element for @quantum: fs_init
   sets fs->iov_max to it and makes elements of iov_max struct iovecs */
size_t fs_read_iov_max(unsigned int quantum);

/* "pseudo.c" - the pseudo-files: the allocator's reports */
struct sbuf;

/*
 * One pseudo-file, as a seq_file show() and a sysfs store().  @show
 * renders the whole text into @sb (sbuf_printf, or anything keeping its
 * len == would-be length rule); @store, if any, takes one write and
 * returns 0 or -errno.  @data is inode->pseudo.data; @pf lets one function
 * serve several files.  The entry outlives every inode showing it.
 */
struct pseudo_file {
	const char *name;
	void (*show)(struct fs *fs, const struct pseudo_file *pf, void *data,
		     struct sbuf *sb);
	int (*store)(struct fs *fs, const struct pseudo_file *pf, void *data,
		     const char *buf, size_t len);
};

/* pseudo_init - make the pseudo-files and link them under @root; called
   by fs_init with ns_lock held for writing.  0 or -ENOMEM. */
int pseudo_init(struct fs *fs, struct fs_inode *root);
/* the building blocks, for pseudo.c and slab_tree.c; ns_lock (write) */
int pseudo_add_file(struct fs *fs, struct fs_inode *dir,
		    const struct pseudo_file *pf, void *data);
int pseudo_add_special(struct fs *fs, struct fs_inode *dir, const char *name,
		       mode_t mode, const struct fs_file_ops *fops,
		       const struct pseudo_file *pf, void *data);
struct fs_inode *pseudo_mkdir(struct fs *fs, struct fs_inode *parent,
			      const char *name, const struct fs_dir_ops *dops);
void pseudo_rmdir(struct fs *fs, struct fs_dirent *de,
		  struct fs_inode **victims);
void pseudo_evict(struct fs *fs, struct fs_inode *victims);  /* no lock */
/* fs_report_alloc - @size bytes of whole FS_GFP_REPORT pages, for a
   report's buffers; NULL with errno ENOMEM.  fs_report_free gives them
   back (NULL allowed).  May block; any thread. */
void *fs_report_alloc(size_t size);
void fs_report_free(void *p);

/* "slab_tree.c" - slab/ and debug/slab/: SLUB's sysfs and debugfs trees */
int slab_tree_init(struct fs *fs, struct fs_inode *root);  /* ns_lock (w) */
void slab_tree_exit(struct fs *fs);        /* at unmount, single-threaded */
/* debug/slab/'s directory: one per cache with owner tracking */
extern const struct fs_dir_ops slab_debugfs_dir_ops;

/* "debugfs.c" - debug/: the kernel's debugfs layout */
int debugfs_init(struct fs *fs, struct fs_inode *root);    /* ns_lock (w) */
void debugfs_exit(struct fs *fs);          /* at unmount, single-threaded */

/* "fault_inject.c" - debug/failslab/: failslab's attributes */
extern const struct fs_dir_ops fault_inject_dir_ops;  /* its files */
void fault_inject_mount(void);             /* after fs_init */
/* "tracing.c" - debug/tracing/: the kmem events and trace_pipe */
int tracing_init(struct fs *fs, struct fs_inode *dir);    /* ns_lock (w) */
void tracing_exit(struct fs *fs);          /* at unmount, single-threaded */

#endif /* SCULLCFS_FS_H */
