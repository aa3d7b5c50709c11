/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* output.c - where the library's reports go (scullc_set_output) */

/*
 * Everything the library has to tell (slab_debug= corruption reports,
 * validate's findings, the objects a destroy found still allocated,
 * warnings about its environment variables) is formatted into one buffer
 * per report and handed whole to the output hook: one call per report,
 * so that reports never interleave and a hook that logs (the daemon's:
 * syslog or a file) gets each as one message.  The default hook writes
 * to stderr, which a daemonized program has pointed at /dev/null: hence
 * the hook (mimalloc's mi_register_output).
 *
 * Locks (their order: enum lock_rank, src/lock.h): output_lock, the
 * innermost, as reports are written under any other lock (a cache's
 * list_lock, for the debug checks).  It protects the buffer and the hook,
 * and is held while the hook runs: the hook must not call the library.
 */

#include "internal.h"
#include "output.h"

#include <stdio.h>
#include <string.h>

#define TRUNCATED "[report truncated]\n"

struct mutex output_lock = MUTEX_INITIALIZER("output_lock", LOCK_RANK_OUTPUT);

static void to_stderr(const char *msg, void *arg)
{
	(void)arg;
	fputs(msg, stderr);
}

/* protected by output_lock: */
static void (*hook)(const char *msg, void *arg) = to_stderr;
static void *hook_arg;
static char buf[OUTPUT_MAX];
static size_t len;                   /* bytes in buf, without the NUL */
static bool cut;                     /* something did not fit */

/**
 * scullc_set_output - send the library's reports to @fn
 * @fn:  called once per report with the whole text (lines ending in
 *       "\n", NUL-terminated) and @arg; NULL: back to stderr
 * @arg: passed to @fn
 *
 * @fn runs with the library's report lock held, possibly under the
 * allocator's other locks: it must not call libscullc, and should not
 * block for long.  Any thread.
 */
SCULLC_API void scullc_set_output(void (*fn)(const char *msg, void *arg),
				  void *arg)
{
	mutex_lock(&output_lock);
	hook = fn ? fn : to_stderr;
	hook_arg = fn ? arg : NULL;
	mutex_unlock(&output_lock);
}

void out_begin(void)
{
	mutex_lock(&output_lock);
	len = 0;
	cut = false;
	buf[0] = '\0';
}

void out_vprintf(const char *fmt, va_list ap)
{
	size_t room = sizeof(buf) - sizeof(TRUNCATED) - len;
	int n;

	lock_assert_held(&output_lock);
	if (cut)
		return;
	n = vsnprintf(buf + len, room, fmt, ap);
	if (n < 0)
		return;
	if ((size_t)n >= room) {
		cut = true;
		len += room - 1;
		return;
	}
	len += (size_t)n;
}

void out_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	out_vprintf(fmt, ap);
	va_end(ap);
}

void out_end(void)
{
	lock_assert_held(&output_lock);
	if (cut) {
		if (len && buf[len - 1] != '\n')
			buf[len++] = '\n';
		memcpy(buf + len, TRUNCATED, sizeof(TRUNCATED));
		len += sizeof(TRUNCATED) - 1;
	}
	if (len)
		hook(buf, hook_arg);
	mutex_unlock(&output_lock);
}

void out_report(const char *fmt, ...)
{
	va_list ap;

	out_begin();
	va_start(ap, fmt);
	out_vprintf(fmt, ap);
	va_end(ap);
	out_end();
}
