/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sbuf.h - a bounded text buffer that counts what did not fit, as snprintf */
#ifndef SCULLCFS_SBUF_H
#define SCULLCFS_SBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/*
 * Render into a buffer of a guessed size; when len ends up >= cap the text
 * was cut short and len says how much room the whole of it needs:
 *   sbuf.len <= sbuf.cap - 1  <=>  buf holds all of the text, NUL-terminated
 */
struct sbuf {
	char *buf;                   /* cap bytes */
	size_t cap;
	size_t len;                  /* bytes of the whole text so far */
};

static inline void sbuf_printf(struct sbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static inline void sbuf_printf(struct sbuf *sb, const char *fmt, ...)
{
	size_t room = sb->len < sb->cap ? sb->cap - sb->len : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? sb->buf + sb->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		sb->len += (size_t)n;
}

#endif /* SCULLCFS_SBUF_H */
