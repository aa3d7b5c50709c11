/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fs_model.h - the model tests/fs_model checks a mount against */

/*
 * Glossary.  A process (fs_model.c forks several) owns a directory of
 * NR_SLOTS names (slots n0 .. n9), each naming nothing, one of its files,
 * or a symlink; and up to NR_FILES files, each open on one descriptor
 * for as long as it exists (so a file whose last name went lives on).
 * A file's model is its bytes, size, inode number, link count and
 * attributes; under -w also what the daemon last held (synced) and the
 * writes since (pending).  Invariants, for every file f in use:
 *   f->nlink == the slots naming f;  f->data[i] == 0 for i >= f->size;
 *   f->synced[i] == 0 for i >= f->synced_size.
 */

#ifndef FS_MODEL_H
#define FS_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define NR_FILES    6                /* inodes a process holds at most */
#define NR_SLOTS    10               /* names in its directory: n0 .. n9 */
#define NR_XATTRS   3                /* user.m0 .. user.m2 on each file */
#define MAX_SIZE    (1024 * 1024)    /* a file's model */
#define MAX_WRITE   (128 * 1024)
#define XATTR_MAX   (12 * 1024)
#define READ_SLACK  4096             /* read past the model's size */
#define LOG_LINES   24
#define SYNC_TRIES  8                /* fsyncs after a write-back error */
#define PENDING_MAX (2 * 1024 * 1024) /* -w: bytes written between syncs */
#define LOSS_LINES  3                /* -w: losses described, per process */

enum kind { SLOT_FREE, SLOT_FILE, SLOT_LINK };

struct xattr {
	bool set;
	size_t len;
	unsigned char val[XATTR_MAX];
};

/*
 * -w: a write since the last sync.  The kernel writes dirty pages back
 * when it likes (dirty limits, a flush before punching a hole), so after
 * a failed write-back the daemon may hold any data written since.
 */
struct pending {
	size_t off, len;
	unsigned char *data;
	struct pending *next;
};

/* A regular file: data[0..size) is what it holds, zeros past size. */
struct file {
	bool used;
	int fd;                          /* open while the file is used */
	ino_t ino;
	unsigned int nlink;              /* slots naming it */
	size_t size;
	unsigned char *data;             /* MAX_SIZE bytes */
	size_t synced_size;              /* -w: what the daemon was last seen */
	unsigned char *synced;           /* to hold; zeros past synced_size */
	struct pending *pending;         /* -w: written since, newest first */
	size_t pending_bytes;
	struct xattr xattrs[NR_XATTRS];
};

struct slot {
	enum kind kind;
	int file;                        /* SLOT_FILE: index in files[] */
	char target[48];                 /* SLOT_LINK */
};

struct stats {
	unsigned long enospc, enomem;    /* clean failures */
	unsigned long short_writes;
	unsigned long checks;            /* whole files compared */
	unsigned long wb_errors;         /* -w: fsync or close failed */
	unsigned long losses, lost;      /* -w: how many lost data, bytes */
};

struct config {
	const char *dir;
	unsigned int procs;
	unsigned long ops;                /* per process */
	uint64_t seed;                    /* process i's is seed + i */
	bool writeback;                   /* -w: the mount has -o writeback */
};

/* "fs_model.c": the run, and the process this copy is once forked */
extern struct config cfg;
extern unsigned int me;
extern uint64_t my_seed;
extern unsigned long op_no;
extern char home[512];
extern struct file files[NR_FILES];
extern struct slot slots[NR_SLOTS];
extern unsigned char *rbuf;           /* MAX_SIZE + READ_SLACK bytes */
extern unsigned char wbuf[MAX_WRITE];
extern struct stats st;

/* "fs_model_check.c": reporting, the model, and the checks */
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void failf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
void refused(int err, const char *call);
bool wb_error(int err);
const char *slot_path(unsigned int s);
const char *xname(unsigned int i);
int name_of(const struct file *f);
void resize(unsigned char *data, size_t *size, size_t new);
void zero(unsigned char *data, size_t size, size_t off, size_t len);
void synced(struct file *f);
bool remember(struct file *f, size_t off, const void *buf, size_t n);
void pending_cut(struct file *f, size_t off, size_t len);
void drop_file(struct file *f);
void unname(unsigned int s);
void check_file(struct file *f, const char *why);
void reconcile(struct file *f, int err, const char *call);
void settle(struct file *f, const char *why);
void check_xattr(struct file *f, unsigned int i, const char *why);
void check_xattrs(struct file *f, const char *why);
void check_slot(unsigned int s, const char *why);
void check_names(const char *why);

#endif /* FS_MODEL_H */
