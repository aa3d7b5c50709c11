/* SPDX-License-Identifier: GPL-2.0-or-later */
/* log.c - where the allocator's reports go: log=FILE, stderr or syslog */

/*
 * libscullc hands each of its reports (slab_debug= corruption, validate,
 * the objects a destroy found still allocated) whole to an output hook
 * (scullc_set_output).  Its default, stderr, is right in the foreground
 * and lost in the background, where fuse_daemonize points stderr at
 * /dev/null.  So:
 *
 *   log=FILE    every report is appended to FILE with one write(2), from
 *               the moment the options are applied, foreground or not;
 *   background  each line of a report goes to fuse_log, the sink of the
 *               daemon's own messages (syslog, see main.c);
 *   foreground  stderr, the library's default.
 *
 * The hook runs under the allocator's locks: it calls no allocator
 * function (fuse_log and syslog use the C library's malloc, not ours).
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fs/fs.h"
#include "quote.h"

static int log_fd = -1;              /* log=; set before any thread runs */

static void to_file(const char *msg, void *arg)
{
	size_t len = strlen(msg);
	ssize_t n;

	(void)arg;
	while (len) {
		n = write(log_fd, msg, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;      /* a full disk: nowhere to say so */
		msg += n;
		len -= (size_t)n;
	}
}

static void to_fuse_log(const char *msg, void *arg)
{
	size_t len;

	(void)arg;
	while (*msg) {
		len = strcspn(msg, "\n");
		if (len)             /* a report's blank lines: not messages */
			fuse_log(FUSE_LOG_ERR, "%.*s\n", (int)len, msg);
		msg += len + (msg[len] == '\n');
	}
}

/**
 * fs_log_open - send the allocator's reports to @path (log=), appending;
 * NULL: nothing to do.  Returns 0, or -errno after one line on stderr.
 */
int fs_log_open(const char *path)
{
	char q[QUOTE_SIZE];
	int e;

	if (!path)
		return 0;
	log_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (log_fd < 0) {
		e = errno;
		fprintf(stderr, "scullcfs: cannot open log=%s: %s\n",
			quote(q, sizeof(q), path), strerror(e));
		return -e;
	}
	scullc_set_output(to_file, NULL);
	return 0;
}

/**
 * fs_log_daemonized - once fuse_daemonize has run: in the background and
 * without log=, the reports go where fuse_log goes.
 */
void fs_log_daemonized(int foreground)
{
	if (log_fd < 0 && !foreground)
		scullc_set_output(to_fuse_log, NULL);
}
