/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* track.h - what memcheck and AddressSanitizer are told about memory */
#ifndef SCULLC_TRACK_H
#define SCULLC_TRACK_H

/*
 * Valgrind's client requests when its header is there (no-ops otherwise),
 * and AddressSanitizer's manual poisoning in an ASan build, behind one set
 * of wrappers: mem_* for metadata and slack, obj_* for objects handed out
 * and taken back.  Every file tells both checkers through these only.
 */

#include "config.h"

#ifdef HAVE_VALGRIND_MEMCHECK_H
# include <valgrind/memcheck.h>
#else
# define VALGRIND_MALLOCLIKE_BLOCK(addr, size, rz, zeroed) ((void)0)
# define VALGRIND_FREELIKE_BLOCK(addr, rz) ((void)0)
# define VALGRIND_MAKE_MEM_NOACCESS(addr, len) ((void)0)
# define VALGRIND_MAKE_MEM_UNDEFINED(addr, len) ((void)0)
# define VALGRIND_MAKE_MEM_DEFINED(addr, len) ((void)0)
# define VALGRIND_DISABLE_ERROR_REPORTING ((void)0)
# define VALGRIND_ENABLE_ERROR_REPORTING ((void)0)
# define RUNNING_ON_VALGRIND 0
#endif

/*
 * AddressSanitizer's manual poisoning, in a build with -fsanitize=address
 * (GCC says so with __SANITIZE_ADDRESS__, clang with __has_feature).  What
 * memcheck is told about slab objects, ASan is told too, through the
 * mem_* and obj_* wrappers below: free objects, red zones, free pages and
 * kmalloc slack are poisoned, so a use after kmem_cache_free or kfree is
 * reported as "use-after-poison".  The allocator itself reaches into
 * poisoned memory only through the same wrappers (free pointers, debug
 * checks), which open the bytes around the access.
 */
#if defined(__SANITIZE_ADDRESS__)
# define SCULLC_ASAN 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define SCULLC_ASAN 1
# endif
#endif
#ifdef SCULLC_ASAN
# include <sanitizer/asan_interface.h>
#else
# define SCULLC_ASAN 0
# define ASAN_POISON_MEMORY_REGION(addr, len) ((void)(addr), (void)(len))
# define ASAN_UNPOISON_MEMORY_REGION(addr, len) ((void)(addr), (void)(len))
#endif

/* Memory no caller may touch (a free object, a red zone, slack) */
#define mem_noaccess(addr, len) do { \
	VALGRIND_MAKE_MEM_NOACCESS(addr, len); \
	ASAN_POISON_MEMORY_REGION(addr, len); \
} while (0)
/* Addressable, contents not yet written */
#define mem_undefined(addr, len) do { \
	VALGRIND_MAKE_MEM_UNDEFINED(addr, len); \
	ASAN_UNPOISON_MEMORY_REGION(addr, len); \
} while (0)
/* Addressable and initialised */
#define mem_defined(addr, len) do { \
	VALGRIND_MAKE_MEM_DEFINED(addr, len); \
	ASAN_UNPOISON_MEMORY_REGION(addr, len); \
} while (0)
/* An object of @len bytes handed out: memcheck's malloc, ASan's unpoison */
#define obj_handed_out(obj, len, zeroed) do { \
	VALGRIND_MALLOCLIKE_BLOCK(obj, len, 0, zeroed); \
	ASAN_UNPOISON_MEMORY_REGION(obj, len); \
} while (0)
/* An object of @len bytes taken back: memcheck's free, ASan's poison */
#define obj_taken_back(obj, len) do { \
	VALGRIND_FREELIKE_BLOCK(obj, 0); \
	ASAN_POISON_MEMORY_REGION(obj, len); \
} while (0)

#endif /* SCULLC_TRACK_H */
