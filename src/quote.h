/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* quote.h - a user's string, quoted and escaped onto one line of a message */
#ifndef SCULLCFS_QUOTE_H
#define SCULLCFS_QUOTE_H

/*
 * A message that echoes what the user typed must stay one line and must
 * not let the value talk to the terminal: a newline would split the
 * message, a carriage return overwrite it, an ESC or a C1 control start
 * an escape sequence.  quote() writes the value between double quotes with
 * C's escapes:
 *
 *   \"  \\  \t  \n  \r, and \xHH (always two hex digits) for every other
 *   control character (C0, DEL, and C1 as UTF-8) and every byte that is
 *   not part of well-formed UTF-8;
 *
 * anything else, well-formed UTF-8 included, passes unchanged, so a name
 * in the user's language stays readable.  The result is printable ASCII
 * plus well-formed UTF-8 and never holds a control character.  A value too
 * long for the buffer is cut after a whole character and marked: "abc"...
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define QUOTE_SIZE 160               /* a buffer for a typical value */
#define QUOTE_MIN  8                 /* the least quote() may be given */

/* quote_utf8_len - length of the well-formed UTF-8 sequence of two or more
   bytes that starts at @s (Unicode's table 3-7), or 0 */
static inline size_t quote_utf8_len(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;           /* no overlong forms */
	else if (s[0] == 0xed)
		hi = 0x9f;           /* no surrogates */
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;           /* nothing above U+10FFFF */
	/* a NUL fails the range test, so the walk never passes the end */
	for (i = 1; i < n; i++, lo = 0x80, hi = 0xbf)
		if (s[i] < lo || s[i] > hi)
			return 0;
	return n;
}

/* quote_char - render the character at @s into @out (at least 9 bytes) as
   quote() shows it; returns how many bytes of @s it took */
static inline size_t quote_char(char *out, const unsigned char *s)
{
	size_t n = quote_utf8_len(s);

	if (n == 2 && s[0] == 0xc2 && s[1] < 0xa0) {        /* C1 control */
		snprintf(out, 9, "\\x%02x\\x%02x", s[0], s[1]);
		return 2;
	}
	if (n) {
		memcpy(out, s, n);
		out[n] = '\0';
		return n;
	}
	if (*s == '"' || *s == '\\')
		snprintf(out, 9, "\\%c", *s);
	else if (*s == '\t' || *s == '\n' || *s == '\r')
		snprintf(out, 9, "\\%c", *s == '\t' ? 't' : *s == '\n' ? 'n' : 'r');
	else if (*s < 0x20 || *s >= 0x7f)
		snprintf(out, 9, "\\x%02x", *s);
	else
		snprintf(out, 9, "%c", *s);
	return 1;
}

/* quote_is_plain - quote() would show every character of @s as it is,
   but for the quotes and backslashes it escapes */
static inline bool quote_is_plain(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	char one[9];
	size_t used;

	for (; *s; s += used) {
		used = quote_char(one, s);
		if (one[0] == '\\' && one[1] != '"' && one[1] != '\\')
			return false;
	}
	return true;
}

/**
 * quote - @str between double quotes, escaped as above, into @buf
 * @buf: the result, NUL-terminated
 * @len: size of @buf, at least QUOTE_MIN
 * @str: what the user gave
 *
 * Returns @buf, so that a call can be a printf argument.  Never fails:
 * what does not fit is left out after the closing quote's "...".
 */
static inline const char *quote(char *buf, size_t len, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t at = 1, n, used, whole = 2;
	char one[9];

	for (; *s; s += used, whole += strlen(one))
		used = quote_char(one, s);
	/* cut only what does not fit, and then keep room for "... */
	s = (const unsigned char *)str;
	buf[0] = '"';
	for (; *s; s += used, at += n) {
		used = quote_char(one, s);
		n = strlen(one);
		if (whole >= len && at + n + 5 > len)
			break;
		memcpy(buf + at, one, n);
	}
	strcpy(buf + at, *s ? "\"..." : "\"");
	return buf;
}

#endif /* SCULLCFS_QUOTE_H */
