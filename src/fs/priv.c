/* SPDX-License-Identifier: GPL-2.0-or-later */
/* priv.c - set-ID bits and file capabilities dropped when a file changes */

/*
 * Design.  When a file is written, truncated or given to another owner,
 * it loses the privileges it carries, its set-user-ID and set-group-ID
 * bits and its file capabilities (security.capability), so that whoever
 * changed it cannot keep them.  The rule (the kernel's
 * setattr_should_drop_suidgid, and chown's):
 *
 *   a write, truncate or fallocate by a caller without CAP_FSETID drops
 *   S_ISUID, and S_ISGID when group execute is set or the caller is not
 *   in the file's group; a chown drops S_ISUID whoever makes it, and
 *   S_ISGID as above; each removes security.capability.
 *
 * For a FUSE file system the kernel does this itself, unless the daemon
 * takes the job over (FUSE_HANDLE_KILLPRIV), which libfuse 3.14 cannot
 * ask for: its init reply leaves the flag out.  What the kernel does is
 * not all of it, and the daemon finishes the job:
 *
 *   - before a truncate, a chown, and a write through the page cache, it
 *     sends the new mode in a setattr, computed by the older rule: S_ISGID
 *     only with group execute.  fs_setattr then drops S_ISGID from a
 *     caller outside the group (fs_drop_sgid): a chmod by such a caller
 *     never carries the bit (the kernel strips it first), so only the
 *     kernel's own setattr can;
 *   - a direct write (cache=never, O_DIRECT) and its fallocate reach the
 *     daemon with no setattr before them: fs_kill_priv applies the whole
 *     rule there, and tells the kernel, whose cached mode it changed.
 *
 * A write-back of the page cache (fi->writepage) carries no caller, and
 * needs none: its writer's setattr came first.
 *
 * FUSE tells the daemon a caller's uid, gid and pid, not its capabilities:
 * fs_capable reads the effective set from /proc/PID/status, and falls
 * back to "uid 0 is capable" when the process is gone or out of sight.
 * That read, and the groups' (fuse_req_getgroups), happen only when the
 * file has a set-ID bit to lose, once per request (struct fs_cred).
 */

#define _GNU_SOURCE
#include "fs/fs.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/capability.h>

/* fs_in_group - @cred is in group @gid, as its primary or a supplementary
   group (asked for the first time it matters) */
bool fs_in_group(struct fs_cred *cred, gid_t gid)
{
	int i;

	if (cred->gid == gid)
		return true;
	if (cred->ngroups < 0) {
		cred->ngroups = 0;
		if (cred->load_groups)
			cred->load_groups(cred);
	}
	for (i = 0; i < cred->ngroups && i < FS_NGROUPS_MAX; i++)
		if (cred->groups[i] == gid)
			return true;
	return false;
}

/* cap_eff - the effective capabilities of process @pid; false if unknown */
static bool cap_eff(pid_t pid, uint64_t *caps)
{
	char path[32], buf[4096], *line;
	size_t len = 0;
	ssize_t got;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	while (len < sizeof(buf) - 1 &&
	       (got = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)got;
	close(fd);
	buf[len] = '\0';
	line = strstr(buf, "\nCapEff:");
	return line && sscanf(line + 8, "%" SCNx64, caps) == 1;
}

/**
 * fs_capable - @cred has capability @cap (CAP_* number) in its effective
 * set, which counts a capable process that is not root and refuses a root
 * whose capabilities were dropped; uid 0 stands for every capability when
 * the process cannot be looked at (gone, or not in the daemon's pid
 * namespace).  The set is read from /proc once, for the rare requests
 * that need it, unless the caller gave it (caps_known); never needs the
 * allocator.
 */
bool fs_capable(struct fs_cred *cred, int cap)
{
	uint64_t caps;

	if (!cred->caps_known) {
		if (cred->pid > 0 && cap_eff(cred->pid, &caps))
			cred->caps = caps;
		else
			cred->caps = cred->uid == 0 ? ~(uint64_t)0 : 0;
		cred->caps_known = true;
	}
	return cred->caps >> cap & 1;
}

/* sgid_stays - whether S_ISGID of a file of group @gid survives a change
   by @cred (the kernel's in_group_or_capable) */
static bool sgid_stays(struct fs_cred *cred, gid_t gid)
{
	return fs_in_group(cred, gid) || fs_capable(cred, CAP_FSETID);
}

/* may_write - @cred may write @inode by its mode bits (the kernel
   checked the ACL, if any, when the file was opened) */
static bool may_write(struct fs_cred *cred, const struct fs_inode *inode)
{
	if (cred->uid == inode->uid)
		return inode->mode & S_IWUSR;
	if (fs_in_group(cred, inode->gid))
		return inode->mode & S_IWGRP;
	return inode->mode & S_IWOTH;
}

/**
 * fs_drop_sgid - the set-group-ID rule after a setattr of @to_set
 * (FUSE_SET_ATTR_*) by @cred: S_ISGID goes when the caller
 * was not in the file's group @gid (before the setattr) and lacks
 * CAP_FSETID, after a change of size, owner or mode, or after a setattr
 * of nothing (or of ctime alone), which is the kernel's own before a
 * write if the caller owns or may write the file; otherwise that is
 * chown(f, -1, -1) by someone else, which drops nothing here (the kernel
 * would refuse it, and the daemon cannot tell the two apart).  A setattr
 * of times only changes no bit.  attr_lock held; never fails.
 */
void fs_drop_sgid(struct fs_cred *cred, struct fs_inode *inode, gid_t gid,
		  int to_set)
{
	const int changes = FUSE_SET_ATTR_MODE | FUSE_SET_ATTR_UID |
			    FUSE_SET_ATTR_GID | FUSE_SET_ATTR_SIZE;

	lock_assert_held(&inode->attr_lock);
	if (!fs_is_device(inode) || !(inode->mode & S_ISGID))
		return;
	if (!(to_set & changes) && (to_set & ~FUSE_SET_ATTR_CTIME))
		return;
	if (!(to_set & changes) && cred->uid != inode->uid &&
	    !may_write(cred, inode))
		return;
	if (!sgid_stays(cred, gid))
		inode->mode &= ~(mode_t)S_ISGID;
}

/* kill_bits - the set-ID bits of @mode (of a file of group @gid) that a
   write by @cred takes away; attr_lock held */
static mode_t kill_bits(struct fs_cred *cred, mode_t mode, gid_t gid)
{
	mode_t kill = mode & S_ISUID;

	if ((mode & S_ISGID) &&
	    ((mode & S_IXGRP) || !fs_in_group(cred, gid)))
		kill |= S_ISGID;
	return kill && !fs_capable(cred, CAP_FSETID) ? kill : 0;
}

/**
 * fs_kill_priv - take from @inode what a write, truncate or fallocate by
 * @cred costs it (see the design note): set-ID bits and
 * security.capability.  Takes attr_lock; never allocates, never fails.
 * Returns whether the mode changed, for the caller to tell the kernel,
 * which caches it.
 */
bool fs_kill_priv(struct fs_cred *cred, struct fs_inode *inode)
{
	struct fs_xattr *caps;
	mode_t kill = 0;

	if (!fs_is_device(inode))
		return false;
	mutex_lock(&inode->attr_lock);
	if (inode->mode & (S_ISUID | S_ISGID))
		kill = kill_bits(cred, inode->mode, inode->gid);
	inode->mode &= ~kill;
	caps = fs_xattr_take(inode, "security.capability");
	if (kill || caps)
		clock_gettime(CLOCK_REALTIME, &inode->ctime);
	mutex_unlock(&inode->attr_lock);
	kfree(caps);
	return kill != 0;
}
