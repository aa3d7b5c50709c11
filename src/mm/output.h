/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* output.h - the library's reports, each handed whole to the output hook */
#ifndef SCULLC_OUTPUT_H
#define SCULLC_OUTPUT_H

#include <stdarg.h>

#include "lock.h"

#define OUTPUT_MAX 16384             /* bytes of one report, NUL included */

extern struct mutex output_lock;     /* fork.c holds it too */

/*
 * out_begin opens a report (taking output_lock, the innermost lock: take
 * no other before out_end), out_printf adds to it, out_end hands it to the
 * hook in one call and drops the lock.  A report longer than OUTPUT_MAX
 * is cut, and says so on its last line.  Any thread, any lock held;
 * never allocates.
 */
void out_begin(void);
void out_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void out_vprintf(const char *fmt, va_list ap)
	__attribute__((format(printf, 1, 0)));
void out_end(void);
/* A report of one message: out_begin, out_printf, out_end */
void out_report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* SCULLC_OUTPUT_H */
