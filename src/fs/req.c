/* SPDX-License-Identifier: GPL-2.0-or-later */
/* req.c - what the FUSE-facing code shares: callers and entry replies */

/*
 * The core (inode.c, dir.c, namei.c, readdir.c, xattr.c, flags.c, priv.c)
 * knows a caller only as a struct fs_cred.  fs_req_cred makes one from a
 * request: the ids and umask at once, the supplementary groups through
 * load_groups the first time a rule asks (fuse_req_getgroups reads /proc),
 * the capabilities by priv.c the same way.
 */

#include "config.h"

#include <errno.h>
#include <string.h>

#include "fs/fs.h"

/* req_groups - @cred's supplementary groups, from its request */
static void req_groups(struct fs_cred *cred)
{
	int n = fuse_req_getgroups(cred->req, FS_NGROUPS_MAX, cred->groups);

	cred->ngroups = n < 0 ? 0 : n < FS_NGROUPS_MAX ? n : FS_NGROUPS_MAX;
}

/* fs_req_cred - @cred for the caller of @req; valid while @req is */
void fs_req_cred(fuse_req_t req, struct fs_cred *cred)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);

	cred->uid = ctx->uid;
	cred->gid = ctx->gid;
	cred->pid = ctx->pid;
	cred->umask = ctx->umask;
	cred->ngroups = -1;
	cred->load_groups = req_groups;
	cred->req = req;
	cred->caps_known = false;
	cred->caps = 0;
}

/* fs_reply_entry - send @e, whose lookup the caller took; no lock held */
void fs_reply_entry(fuse_req_t req, struct fs *fs,
		    const struct fuse_entry_param *e)
{
	if (fuse_reply_entry(req, e) == -ENOENT)
		fs_unlookup(fs, e->ino);
}
