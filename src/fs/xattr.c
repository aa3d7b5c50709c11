/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xattr.c - extended attributes and POSIX ACLs of scullcfs inodes */

/*
 * Design.  Each inode keeps its extended attributes on a list
 * (inode->xattrs), one kmalloc'd block per attribute holding the name and
 * the value, so that slabinfo and the size= limit count them.  A set
 * allocates the new block first and swaps it in under attr_lock: when the
 * allocation fails (ENOSPC at the limit) the old value is still there.
 * Removing never needs memory.
 *
 * Namespaces, as tmpfs has them: "user." on regular files and directories
 * only (the kernel refuses the others before asking us; we refuse them
 * too), "trusted." (the kernel lets only CAP_SYS_ADMIN through; listxattr
 * shows them only to root, the nearest a FUSE daemon can tell),
 * "security." on every type, and the two POSIX ACLs.  Any other name is
 * EOPNOTSUPP.  Values are at most XATTR_SIZE_MAX (64 KiB): the kernel
 * answers E2BIG beyond it before the request reaches us.
 *
 * POSIX ACLs.  The mount negotiates FUSE_CAP_POSIX_ACL: the kernel then
 * enforces ACLs in its permission checks, reading them through getxattr
 * (and caching them), validates what setfacl sends and checks the caller
 * owns the file.  The rest is ours, as for any filesystem with ACLs:
 *   - setting system.posix_acl_access sets the mode's permission bits from
 *     it (owner from ACL_USER_OBJ, group from ACL_MASK or ACL_GROUP_OBJ,
 *     other from ACL_OTHER), and an ACL the mode says in full (three
 *     entries) is not kept, only its mode; set-group-ID is cleared when the
 *     caller is neither root nor in the file's group;
 *   - chmod writes the new bits back into the ACL (fs_acl_chmod);
 *   - a new inode in a directory with a default ACL gets that ACL as its
 *     access ACL, masked by the mode asked for (and a new directory also
 *     as its default ACL), and then the umask is not applied; without a
 *     default ACL the umask is (FUSE_CAP_DONT_MASK hands it to us).
 * ACLs are stored in the kernel's xattr form: a 4-byte version (2), then
 * 8-byte entries {tag, perm, id} sorted by tag then id.
 *
 * Lock order: enum lock_rank (lock.h) - xattr_emergency.lock, then
 * inode->attr_lock, then the allocator's locks.
 * attr_lock protects inode->xattrs and every block on it, with the mode
 * they keep in step.  It is never held across an allocation.  getxattr
 * and listxattr send their reply with it held, the one exception to
 * "replies after unlocking", as fs_read does with a device lock: the reply
 * is a writev into the waiting request, copied at once, and so the value
 * is never copied in between and the reply never fails for memory.  They
 * pin the inode (fs_pin) across it: once answered, the kernel may forget
 * the inode before they unlock.
 */

#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/xattr.h>
#include <linux/limits.h>             /* XATTR_SIZE_MAX */

#include "fs/fs.h"

#define ACL_VERSION     2
#define ACL_USER_OBJ    0x01
#define ACL_USER        0x02
#define ACL_GROUP_OBJ   0x04
#define ACL_GROUP       0x08
#define ACL_MASK        0x10
#define ACL_OTHER       0x20

#define ACL_ACCESS_NAME  "system.posix_acl_access"
#define ACL_DEFAULT_NAME "system.posix_acl_default"
#define LIST_MAX         65536       /* XATTR_LIST_MAX */

/* One attribute: name and value in one kmalloc'd block. */
struct fs_xattr {
	struct list_head list;       /* inode->xattrs; attr_lock */
	size_t size;                 /* bytes of value */
	size_t namelen;              /* strlen(name) */
	char name[];                 /* NUL-terminated; the value follows */
};

struct acl_entry {                   /* the kernel's posix_acl_xattr_entry */
	uint16_t tag;
	uint16_t perm;
	uint32_t id;
};

/* The buffer listxattr falls back on when kmalloc fails. */
static struct {
	struct mutex lock;
	char buf[LIST_MAX];                   /* protected by lock */
} xattr_emergency = {
	.lock = MUTEX_INITIALIZER("xattr_emergency.lock",
				  LOCK_RANK_FS_XATTR_EMERGENCY),
};

static char *value_of(struct fs_xattr *x)
{
	return x->name + x->namelen + 1;
}

/* xattr_alloc - a detached block for @name with room for @size bytes of
   value, left unset; NULL when kmalloc fails.  May block. */
static struct fs_xattr *xattr_alloc(const char *name, size_t size)
{
	size_t len = strlen(name);
	struct fs_xattr *x;

	x = kmalloc(sizeof(*x) + len + 1 + size, GFP_KERNEL | __GFP_NOWARN);
	if (!x)
		return NULL;
	INIT_LIST_HEAD(&x->list);
	x->size = size;
	x->namelen = len;
	memcpy(x->name, name, len + 1);
	return x;
}

static struct fs_xattr *xattr_new(const char *name, const void *value,
				  size_t size)
{
	struct fs_xattr *x = xattr_alloc(name, size);

	if (x && size)
		memcpy(value_of(x), value, size);
	return x;
}

/* find - @inode's attribute @name, or NULL; attr_lock held */
static struct fs_xattr *find(struct fs_inode *inode, const char *name)
{
	struct list_head *pos;
	struct fs_xattr *x;

	lock_assert_held(&inode->attr_lock);
	list_for_each(pos, &inode->xattrs) {
		x = list_entry(pos, struct fs_xattr, list);
		if (!strcmp(x->name, name))
			return x;
	}
	return NULL;
}

/* fs_xattr_take - unlink @inode's attribute @name and return it (NULL if
   it has none) for the caller to kfree once it has dropped attr_lock */
struct fs_xattr *fs_xattr_take(struct fs_inode *inode, const char *name)
{
	struct fs_xattr *x = find(inode, name);

	lock_assert_held(&inode->attr_lock);
	if (x)
		list_del(&x->list);
	return x;
}

/* fs_xattr_free_all - free every attribute of an inode nobody can reach */
void fs_xattr_free_all(struct fs_inode *inode)
{
	struct list_head *pos, *tmp;

	list_for_each_safe(pos, tmp, &inode->xattrs) {
		list_del(pos);
		kfree(list_entry(pos, struct fs_xattr, list));
	}
}

/**
 * fs_nospace_errno - the -errno for an allocation of @need bytes that
 * failed: -ENOSPC when the allocator is at its size= limit (what is left,
 * less the reserve, could not hold @need and a new slab besides), -ENOMEM
 * when it was not: the host refused memory, or failslab failed it.
 */
int fs_nospace_errno(size_t need)
{
	struct scullc_meminfo mi;
	size_t left, slack = 64 * 1024;  /* the largest slab a cache grows by */

	scullc_meminfo(&mi);
	if (mi.limit == SIZE_MAX)
		return -ENOMEM;
	left = mi.used < mi.limit ? mi.limit - mi.used : 0;
	return left < mi.reserve + need + slack ? -ENOSPC : -ENOMEM;
}

/* ---------------------------------------------------------------- ACLs */

static size_t acl_count(size_t size)
{
	return (size - sizeof(uint32_t)) / sizeof(struct acl_entry);
}

static struct acl_entry *acl_entries(void *value)
{
	return (struct acl_entry *)((char *)value + sizeof(uint32_t));
}

/* acl_valid - @value is an ACL in the xattr form with the three base
   entries; the kernel checked it more fully before sending it */
static bool acl_valid(const void *value, size_t size)
{
	uint32_t version;
	struct acl_entry e;
	size_t i, n;
	int seen = 0;

	if (size < sizeof(uint32_t) ||
	    (size - sizeof(uint32_t)) % sizeof(struct acl_entry))
		return false;
	memcpy(&version, value, sizeof(version));
	if (version != ACL_VERSION)
		return false;
	n = acl_count(size);
	for (i = 0; i < n; i++) {
		memcpy(&e, (const char *)value + sizeof(uint32_t) +
		       i * sizeof(e), sizeof(e));
		if (e.perm & ~7u)
			return false;
		seen |= e.tag;
	}
	return (seen & (ACL_USER_OBJ | ACL_GROUP_OBJ | ACL_OTHER)) ==
	       (ACL_USER_OBJ | ACL_GROUP_OBJ | ACL_OTHER);
}

/* acl_mode - the permission bits @value grants; whether it says more than
   the mode can (an entry beyond the three base ones) */
static mode_t acl_mode(void *value, size_t size, bool *extended)
{
	struct acl_entry *e = acl_entries(value);
	mode_t mode = 0, group = 0, mask = 0;
	bool has_mask = false;
	size_t i, n = acl_count(size);

	*extended = false;
	for (i = 0; i < n; i++) {
		switch (e[i].tag) {
		case ACL_USER_OBJ:
			mode |= (mode_t)e[i].perm << 6;
			break;
		case ACL_GROUP_OBJ:
			group = e[i].perm;
			break;
		case ACL_MASK:
			mask = e[i].perm;
			has_mask = true;
			*extended = true;
			break;
		case ACL_OTHER:
			mode |= e[i].perm;
			break;
		default:
			*extended = true;
		}
	}
	return mode | (has_mask ? mask : group) << 3;
}

/*
 * acl_masq - make the copy of a default ACL at @value the access ACL of a
 * new inode of mode *@mode: each class keeps only what the mode allows and
 * the mode only what the ACL grants.  Returns whether the ACL says more
 * than the mode (then it is kept).
 */
static bool acl_masq(void *value, size_t size, mode_t *mode)
{
	struct acl_entry *e = acl_entries(value), *group = NULL, *mask = NULL;
	mode_t m = *mode;
	bool extended = false;
	size_t i, n = acl_count(size);

	for (i = 0; i < n; i++) {
		switch (e[i].tag) {
		case ACL_USER_OBJ:
			e[i].perm &= (m >> 6) & 7;
			m &= ~(mode_t)S_IRWXU | (mode_t)e[i].perm << 6;
			break;
		case ACL_GROUP_OBJ:
			group = &e[i];
			break;
		case ACL_MASK:
			mask = &e[i];
			extended = true;
			break;
		case ACL_OTHER:
			e[i].perm &= m & 7;
			m &= ~(mode_t)S_IRWXO | e[i].perm;
			break;
		default:
			extended = true;
		}
	}
	if (!mask)
		mask = group;
	if (mask) {
		mask->perm &= (m >> 3) & 7;
		m &= ~(mode_t)S_IRWXG | (mode_t)mask->perm << 3;
	}
	*mode = (*mode & ~(mode_t)0777) | (m & 0777);
	return extended;
}

/* fs_acl_chmod - write @inode's new permission bits into its access ACL;
   attr_lock held.  Never needs memory. */
void fs_acl_chmod(struct fs_inode *inode)
{
	struct fs_xattr *x = find(inode, ACL_ACCESS_NAME);
	struct acl_entry *e, *group = NULL, *mask = NULL;
	size_t i, n;

	lock_assert_held(&inode->attr_lock);
	if (!x)
		return;
	e = acl_entries(value_of(x));
	n = acl_count(x->size);
	for (i = 0; i < n; i++) {
		switch (e[i].tag) {
		case ACL_USER_OBJ:
			e[i].perm = (inode->mode >> 6) & 7;
			break;
		case ACL_GROUP_OBJ:
			group = &e[i];
			break;
		case ACL_MASK:
			mask = &e[i];
			break;
		case ACL_OTHER:
			e[i].perm = inode->mode & 7;
			break;
		}
	}
	if (!mask)
		mask = group;
	if (mask)
		mask->perm = (inode->mode >> 3) & 7;
}

/*
 * copy_default - a detached copy of @dir's default ACL under the name
 * @name, or NULL in *@out when it has none.  Returns 0, -ENOSPC or -ENOMEM.
 * Allocates without attr_lock, so it checks the ACL did not change
 * meanwhile and tries again if it did.
 */
static int copy_default(struct fs_inode *dir, const char *name,
			struct fs_xattr **out)
{
	struct fs_xattr *x, *copy;
	size_t size;

	*out = NULL;
	for (;;) {
		mutex_lock(&dir->attr_lock);
		x = find(dir, ACL_DEFAULT_NAME);
		size = x ? x->size : 0;
		mutex_unlock(&dir->attr_lock);
		if (!x)
			return 0;
		copy = xattr_alloc(name, size);
		if (!copy)
			return fs_nospace_errno(sizeof(*copy) + size);
		mutex_lock(&dir->attr_lock);
		x = find(dir, ACL_DEFAULT_NAME);
		if (x && x->size == size)
			memcpy(value_of(copy), value_of(x), size);
		mutex_unlock(&dir->attr_lock);
		if (x && x->size == size) {
			*out = copy;
			return 0;
		}
		kfree(copy);         /* changed meanwhile: look again */
	}
}

/**
 * fs_acl_inherit - the ACLs and mode of a new inode made in @dir
 * @mode:  in: the mode asked for (type and bits); out: what the inode gets
 * @umask: the creating process's umask, applied only when @dir has no
 *         default ACL
 * @acls:  out: a list of detached attribute blocks (the access ACL, and
 *         for a directory the default ACL) for fs_acl_attach
 * Symlinks get no ACL and ignore the umask.  Returns 0, or -ENOSPC or
 * -ENOMEM with nothing allocated.  No lock held on @dir's attr_lock; may block.
 */
int fs_acl_inherit(struct fs_inode *dir, mode_t *mode, mode_t umask,
		   struct list_head *acls)
{
	struct fs_xattr *acc, *def = NULL;
	int err;

	INIT_LIST_HEAD(acls);
	if (S_ISLNK(*mode))
		return 0;
	err = copy_default(dir, ACL_ACCESS_NAME, &acc);
	if (err)
		return err;
	if (!acc) {
		*mode &= ~(umask & 0777);
		return 0;
	}
	if (S_ISDIR(*mode)) {
		err = copy_default(dir, ACL_DEFAULT_NAME, &def);
		if (err || !def) {   /* !def: removed meanwhile, a race lost */
			kfree(acc);
			return err ? err : fs_acl_inherit(dir, mode, umask,
							  acls);
		}
		list_add_tail(&def->list, acls);
	}
	if (acl_masq(value_of(acc), acc->size, mode))
		list_add_tail(&acc->list, acls);
	else
		kfree(acc);          /* the mode says it all */
	return 0;
}

/* fs_acl_attach - give a new inode (not yet reachable) the blocks of
   fs_acl_inherit; fs_acl_drop frees them when the inode is not made */
void fs_acl_attach(struct fs_inode *inode, struct list_head *acls)
{
	struct list_head *pos, *tmp;

	list_for_each_safe(pos, tmp, acls)
		list_move_tail(pos, &inode->xattrs);
}

void fs_acl_drop(struct list_head *acls)
{
	struct list_head *pos, *tmp;

	list_for_each_safe(pos, tmp, acls) {
		list_del(pos);
		kfree(list_entry(pos, struct fs_xattr, list));
	}
}

/* --------------------------------------------------- the operations */

enum ns { NS_USER, NS_TRUSTED, NS_SECURITY, NS_ACL_ACCESS, NS_ACL_DEFAULT,
	  NS_EMPTY,          /* a prefix alone, "user.": EINVAL */
	  NS_BAD };          /* no namespace we know: EOPNOTSUPP */

static int ns_errno(enum ns ns)
{
	return ns == NS_EMPTY ? -EINVAL : -EOPNOTSUPP;
}

static enum ns classify(const char *name)
{
	static const struct { const char *prefix; enum ns ns; } spaces[] = {
		{ "user.", NS_USER },
		{ "trusted.", NS_TRUSTED },
		{ "security.", NS_SECURITY },
	};
	size_t i, len;

	if (!strcmp(name, ACL_ACCESS_NAME))
		return NS_ACL_ACCESS;
	if (!strcmp(name, ACL_DEFAULT_NAME))
		return NS_ACL_DEFAULT;
	for (i = 0; i < sizeof(spaces) / sizeof(spaces[0]); i++) {
		len = strlen(spaces[i].prefix);
		if (!strncmp(name, spaces[i].prefix, len))
			return name[len] ? spaces[i].ns : NS_EMPTY;
	}
	return NS_BAD;
}

/* user_ok - "user." attributes exist on regular files and directories */
static bool user_ok(struct fs_inode *inode)
{
	return S_ISREG(inode->mode) || S_ISDIR(inode->mode);
}

/*
 * xattr_target - the inode that attribute @ns of a get (@change false),
 * set or removal (@change true) is about, or NULL with the -errno Linux
 * gives in *@err: a name outside every namespace, a "user." attribute on
 * a file type that cannot have one.  The daemon's own files (FS_I_FIXED:
 * slabinfo and the like) have no attributes and take none, as /proc's
 * files: reads find nothing (so the kernel's ACL checks see no ACL), sets
 * and removals are refused.  Their xattrs list is always empty, so
 * listxattr shows none.
 */
static struct fs_inode *xattr_target(struct fs *fs, fuse_ino_t ino,
				     enum ns ns, bool change, int *err)
{
	struct fs_inode *inode = NULL;

	*err = 0;
	if (ns >= NS_EMPTY)
		*err = ns_errno(ns);
	else if (!(inode = fs_iget_unlocked(fs, ino)))
		*err = -ENOENT;
	else if (inode->flags & FS_I_FIXED)
		*err = change ? -EOPNOTSUPP : -ENODATA;
	else if (change && fs_may_modify(inode))  /* chattr +i, +a */
		*err = -EPERM;
	else if (ns == NS_USER && !user_ok(inode))
		*err = change ? -EPERM : -ENODATA;
	return *err ? NULL : inode;
}

/* acl_check - what a set of ACL @ns would set: 0 or -errno, the new mode
   bits in *@mode (none for a default ACL), and whether the ACL need not
   be kept (*@gone: the mode holds it all) */
static int acl_check(struct fs_inode *inode, enum ns ns, const char *value,
		     size_t size, mode_t *mode, bool *gone)
{
	bool extended = false;

	*gone = !size;
	if (ns == NS_ACL_DEFAULT && !S_ISDIR(inode->mode))
		return size ? -EACCES : 1;      /* 1: nothing to do */
	if (size && !acl_valid(value, size))
		return -EINVAL;
	if (size && ns == NS_ACL_ACCESS) {
		*mode = acl_mode((void *)(uintptr_t)value, size, &extended);
		*gone = !extended;
	}
	return 0;
}

/* xattr_swap - put @x (or nothing) in place of @inode's @name, as a set
   of @ns with @flags by @cred asks; attr_lock held.  Returns the block
   to free, and 0 or -errno in *@err. */
static struct fs_xattr *xattr_swap(struct fs_cred *cred,
				   struct fs_inode *inode, enum ns ns,
				   const char *name, struct fs_xattr *x,
				   int flags, mode_t mode, bool acl_set,
				   int *err)
{
	struct fs_xattr *old = find(inode, name);

	lock_assert_held(&inode->attr_lock);
	*err = 0;
	if (ns != NS_ACL_ACCESS && ns != NS_ACL_DEFAULT) {
		if (old && (flags & XATTR_CREATE))
			*err = -EEXIST;
		else if (!old && (flags & XATTR_REPLACE))
			*err = -ENODATA;
	}
	if (*err)
		return x;
	if (old)
		list_del(&old->list);
	if (x)
		list_add_tail(&x->list, &inode->xattrs);
	if (acl_set) {
		inode->mode = (inode->mode & ~(mode_t)0777) | mode;
		if ((inode->mode & S_ISGID) && cred->uid != 0 &&
		    !fs_in_group(cred, inode->gid))
			inode->mode &= ~(mode_t)S_ISGID;
	}
	clock_gettime(CLOCK_REALTIME, &inode->ctime);
	return old;
}

/**
 * fs_setxattr - set @ino's attribute @name to @value (@size bytes) for
 * @cred, with XATTR_CREATE or XATTR_REPLACE in @flags.  The new block is
 * allocated first, so a failure (-ENOSPC at the limit) changes nothing.
 * Returns 0 or -errno.  May block for memory.
 */
int fs_setxattr(struct fs *fs, struct fs_cred *cred, fuse_ino_t ino,
		const char *name, const char *value, size_t size, int flags)
{
	struct fs_inode *inode;
	struct fs_xattr *x = NULL;
	enum ns ns = classify(name);
	bool acl_gone = false;
	mode_t mode = 0;
	int err;

	if (size > XATTR_SIZE_MAX)
		return -E2BIG;
	if (flags & ~(XATTR_CREATE | XATTR_REPLACE))
		return -EINVAL;
	inode = xattr_target(fs, ino, ns, true, &err);
	if (!inode)
		return err;
	if (ns == NS_ACL_ACCESS || ns == NS_ACL_DEFAULT) {
		err = acl_check(inode, ns, value, size, &mode, &acl_gone);
		if (err)
			return err < 0 ? err : 0;
	}
	if (!acl_gone) {
		x = xattr_new(name, value, size);
		if (!x)
			return fs_nospace_errno(sizeof(*x) + size);
	}
	mutex_lock(&inode->attr_lock);
	x = xattr_swap(cred, inode, ns, name, x, flags, mode,
		       ns == NS_ACL_ACCESS && size, &err);
	mutex_unlock(&inode->attr_lock);
	kfree(x);
	return err;
}

/**
 * fs_getxattr - @ino's attribute @name: its size, or -errno (-ENODATA:
 * none; -ERANGE: larger than @size).  When @size is not 0 the value goes
 * to @sink, under attr_lock with the inode pinned (see Lock order).
 */
ssize_t fs_getxattr(struct fs *fs, fuse_ino_t ino, const char *name,
		    size_t size, struct fs_buf_sink *sink)
{
	struct fs_inode *inode;
	struct fs_xattr *x;
	ssize_t ret;
	int err;

	inode = xattr_target(fs, ino, classify(name), false, &err);
	if (!inode)
		return err;
	fs_pin(inode);                      /* unlocked after the reply */
	mutex_lock(&inode->attr_lock);
	x = find(inode, name);
	if (!x)
		ret = -ENODATA;
	else if (size && size < x->size)
		ret = -ERANGE;
	else
		ret = (ssize_t)x->size;
	if (ret >= 0 && size)
		sink->send(sink, value_of(x), x->size);
	mutex_unlock(&inode->attr_lock);
	fs_unpin(fs, inode);
	return ret;
}

/* visible - listxattr shows "trusted." names to root only, as tmpfs does
   to CAP_SYS_ADMIN */
static bool visible(struct fs_cred *cred, const struct fs_xattr *x)
{
	return classify(x->name) != NS_TRUSTED || cred->uid == 0;
}

/* list_names - the names of @inode's attributes @cred sees into @buf (of
   @want bytes, or NULL), and the size of them all; attr_lock held */
static size_t list_names(struct fs_cred *cred, struct fs_inode *inode,
			 char *buf, size_t want)
{
	struct list_head *pos;
	struct fs_xattr *x;
	size_t total = 0;

	lock_assert_held(&inode->attr_lock);
	list_for_each(pos, &inode->xattrs) {
		x = list_entry(pos, struct fs_xattr, list);
		if (!visible(cred, x))
			continue;
		if (buf && total + x->namelen + 1 <= want)
			memcpy(buf + total, x->name, x->namelen + 1);
		total += x->namelen + 1;
	}
	return total;
}

/**
 * fs_listxattr - the names of @ino's attributes that @cred sees: their
 * size, or -errno (-ERANGE: larger than @size; -E2BIG: larger than any
 * list).  When @size is not 0 the list goes to @sink, under attr_lock with
 * the inode pinned.  Never fails for memory.
 */
ssize_t fs_listxattr(struct fs *fs, struct fs_cred *cred, fuse_ino_t ino,
		     size_t size, struct fs_buf_sink *sink)
{
	struct fs_inode *inode = fs_iget_unlocked(fs, ino);
	size_t total, want = size < LIST_MAX ? size : LIST_MAX;
	bool emergency = false;
	char *buf = NULL;
	ssize_t ret;

	if (!inode)
		return -ENOENT;
	if (want) {
		buf = kmalloc(want, GFP_KERNEL | __GFP_NOWARN);
		if (!buf) {          /* listing never fails for memory */
			mutex_lock(&xattr_emergency.lock);
			buf = xattr_emergency.buf;
			emergency = true;
		}
	}
	fs_pin(inode);                      /* unlocked after the reply */
	mutex_lock(&inode->attr_lock);
	total = list_names(cred, inode, buf, want);
	if (size && total > want)
		ret = total > LIST_MAX ? -E2BIG : -ERANGE;
	else
		ret = (ssize_t)total;
	if (ret >= 0 && size)
		sink->send(sink, buf, total);
	mutex_unlock(&inode->attr_lock);
	fs_unpin(fs, inode);
	if (emergency)
		mutex_unlock(&xattr_emergency.lock);
	else
		kfree(buf);
	return ret;
}

int fs_removexattr(struct fs *fs, fuse_ino_t ino, const char *name)
{
	struct fs_inode *inode;
	struct fs_xattr *x;
	enum ns ns = classify(name);
	int err;

	inode = xattr_target(fs, ino, ns, true, &err);
	if (!inode)
		return err;
	mutex_lock(&inode->attr_lock);
	x = find(inode, name);
	if (x) {
		list_del(&x->list);
		clock_gettime(CLOCK_REALTIME, &inode->ctime);
	}
	mutex_unlock(&inode->attr_lock);
	kfree(x);
	/* removing an ACL that is not there is no error (setfacl -b, -k) */
	if (!x && ns != NS_ACL_ACCESS && ns != NS_ACL_DEFAULT)
		return -ENODATA;
	return 0;
}
