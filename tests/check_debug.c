/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_debug.c - slab_debug=: detections, SLUB-shaped reports, parsing */

/*
 * Each corruption is provoked in a child process of its own (forked here,
 * not by Check, so that its stderr can be captured): the child's stderr
 * goes to a pipe, and the test asserts how the child ended (SIGABRT when
 * panicking, a normal exit when not) and which BUG/INFO/FIX lines it
 * printed.  Children never call ck_assert; they _exit with a code instead.
 *
 * The owner-tracking test names the allocating function when dladdr() can
 * resolve it: the program is linked with -export-dynamic for that.  If
 * dladdr() cannot (a static build), the test accepts the raw address.
 */

#include "config.h"

#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mm/internal.h"
#include "unit.h"

#define OUT_MAX 65536

struct run {
	int status;                 /* from waitpid */
	size_t len;
	char out[OUT_MAX];          /* the child's stderr, NUL-terminated */
};

static struct run run;          /* one child at a time */

/*
 * The corruptions below are the bugs under test.  An AddressSanitizer
 * build poisons red zones, padding and free objects, and would report each
 * such write itself before the allocator's own checks could see it:
 * corrupt() opens the byte first, so that what is tested is the
 * allocator's report (tests/asan.test tests ASan's).
 */
static void corrupt(uint8_t *p, uint8_t val)
{
	ASAN_UNPOISON_MEMORY_REGION(p, 1);
	*(volatile uint8_t *)p = val;
}

/* Run @fn in a child with stderr captured into run. */
static void in_child(void (*fn)(void))
{
	run.status = unit_in_child(fn, run.out, sizeof(run.out));
	run.len = strlen(run.out);
}

static void expect_abort(void)
{
	ck_assert_msg(WIFSIGNALED(run.status) &&
		      WTERMSIG(run.status) == SIGABRT,
		      "child did not abort (status 0x%x); stderr:\n%.3000s",
		      run.status, run.out);
}

static void expect_exit(int code)
{
	ck_assert_msg(WIFEXITED(run.status) && WEXITSTATUS(run.status) == code,
		      "child status 0x%x, wanted exit %d; stderr:\n%.3000s",
		      run.status, code, run.out);
}

static void expect(const char *line)
{
	ck_assert_msg(strstr(run.out, line) != NULL,
		      "missing \"%s\" in the report:\n%.3000s", line, run.out);
}

static unsigned int count(const char *needle)
{
	unsigned int n = 0;

	for (const char *p = run.out; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static struct kmem_cache *make(const char *name, size_t size,
			       unsigned long flags)
{
	struct kmem_cache *s = kmem_cache_create(name, size, 0, flags, NULL);

	if (!s)
		_exit(90);
	return s;
}

static uint8_t *get(struct kmem_cache *s)
{
	uint8_t *p = kmem_cache_alloc(s, GFP_KERNEL);

	if (!p)
		_exit(91);
	return p;
}

/* ------------------------------------------------------------------ */
/* Children                                                            */

static void right_redzone(void)
{
	struct kmem_cache *s = make("rz_right", 64, SLAB_RED_ZONE);
	uint8_t *p = get(s);

	corrupt(p + 64, 0x42);      /* one byte past object_size */
	kmem_cache_free(s, p);
}

static void left_redzone(void)
{
	struct kmem_cache *s = make("rz_left", 40, SLAB_RED_ZONE);
	uint8_t *p = get(s);

	corrupt(p - 1, 0x42);
	kmem_cache_free(s, p);
}

static void write_after_free(void)
{
	struct kmem_cache *s = make("uaf", 96, SLAB_POISON);
	uint8_t *p = get(s);

	kmem_cache_free(s, p);
	corrupt(p + 10, 0x42);      /* the bug under test */
	for (int i = 0; i < 200; i++)
		get(s);             /* one of these meets the poison */
}

static void double_free(void)
{
	struct kmem_cache *s = make("dfree", 32,
				    SLAB_CONSISTENCY_CHECKS | SLAB_STORE_USER);
	uint8_t *p = get(s);

	(void)get(s);               /* keeps the slab partial */
	kmem_cache_free(s, p);
	kmem_cache_free(s, p);
}

static void wrong_cache(void)
{
	struct kmem_cache *a = make("owner_a", 48, SLAB_CONSISTENCY_CHECKS);
	struct kmem_cache *b = make("other_b", 48, SLAB_CONSISTENCY_CHECKS);

	kmem_cache_free(b, get(a));
}

static void foreign_pointer(void)
{
	struct kmem_cache *s = make("foreign", 48, SLAB_CONSISTENCY_CHECKS);
	static char not_ours[64];

	(void)get(s);
	kmem_cache_free(s, not_ours);
}

static void interior_pointer(void)
{
	struct kmem_cache *s = make("interior", 48, SLAB_CONSISTENCY_CHECKS);

	kmem_cache_free(s, get(s) + 8);
}

/* Where a slot's padding after the tracks starts, from the object. */
static size_t padding_offset(const struct kmem_cache *s)
{
	size_t off = slab_info_end(s);

	if (s->flags & SLAB_STORE_USER)
		off += 2 * sizeof(struct track);
	return off;
}

static void padding_overwrite(void)
{
	struct kmem_cache *s = make("padwrite", 24, SLAB_RED_ZONE |
				    SLAB_POISON | SLAB_STORE_USER);
	uint8_t *p = get(s);

	if (padding_offset(s) >= s->size - s->red_left_pad)
		_exit(92);          /* the layout left no padding to hit */
	corrupt(p + padding_offset(s), 0x42);
	kmem_cache_validate(s);
}

static void panic_off_goes_on(void)
{
	struct kmem_cache *s = make("goeson", 64, SLAB_RED_ZONE | SLAB_POISON |
				    SLAB_CONSISTENCY_CHECKS);
	uint8_t *p, *q;

	slab_debug_set_panic(0);
	p = get(s);
	corrupt(p + 64, 0x42);
	kmem_cache_free(s, p);      /* reported, repaired, not freed */
	if (kmem_cache_validate(s) != 0)
		_exit(3);
	q = get(s);
	kmem_cache_free(s, q);
	corrupt(q, 0x42);           /* write after free */
	/*
	 * Reported and repaired; as SLUB does, the rest of that slab is
	 * written off (counted in use), and allocation goes on elsewhere.
	 */
	for (int i = 0; i < 100; i++)
		get(s);
	_exit(7);
}

static void validate_counts(void)
{
	struct kmem_cache *s = make("vcount", 24, SLAB_RED_ZONE |
				    SLAB_POISON | SLAB_STORE_USER);
	struct page *slab;
	uint8_t *p, *base, *tail;
	int errors;

	slab_debug_set_panic(0);
	p = get(s);
	slab = virt_to_head_page(p);
	base = page_address(slab);
	tail = base + (size_t)slab->objects * s->size;
	corrupt(p - 1, 0x42);                 /* left red zone */
	corrupt(p + padding_offset(s) + 1, 0x43);  /* object padding */
	if (tail < base + (PAGE_SIZE << slab->order))
		corrupt(tail, 0x44);          /* slab padding */
	else
		tail = NULL;
	errors = kmem_cache_validate(s);
	if (errors != (tail ? 3 : 2))
		_exit(10 + errors);
	if (kmem_cache_validate(s) != 0)    /* all repaired */
		_exit(5);
	_exit(tail ? 8 : 9);
}

/* Not static, not inlined, not a tail call: dladdr() must find it. */
void *check_debug_alloc_site(struct kmem_cache *s);
__attribute__((noinline)) void *check_debug_alloc_site(struct kmem_cache *s)
{
	void *p = kmem_cache_alloc(s, GFP_KERNEL);

	__asm__ volatile("" : : "r"(p) : "memory");
	return p;
}

/* This program again, with @env set, its stderr still the pipe. */
static void reexec(const char *const *env)
{
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n <= 0)
		_exit(93);
	self[n] = '\0';
	for (; *env; env += 2)
		setenv(env[0], env[1], 1);
	if (!freopen("/dev/null", "w", stdout))
		_exit(94);
	execl(self, self, (char *)NULL);
	_exit(92);
}

void *check_debug_kmalloc_site(void);
__attribute__((noinline)) void *check_debug_kmalloc_site(void)
{
	void *p = kmalloc(64, GFP_KERNEL);

	__asm__ volatile("" : : "r"(p) : "memory");
	return p;
}

/* The kmalloc caches exist before main: their slab_debug= must be in the
   environment at start-up, hence a new program for the test proper. */
static void kmalloc_owner(void)
{
	static const char *const env[] = {
		"SCULLC_SLAB_DEBUG", "ZU,kmalloc-64",
		"CHECK_DEBUG_KMALLOC_OWNER", "1",
		"CK_RUN_CASE", "KmallocTracking",
		"CK_FORK", "no",
		NULL,
	};

	reexec(env);
}

static void store_user(void)
{
	struct kmem_cache *s = make("owner", 64, SLAB_RED_ZONE |
				    SLAB_STORE_USER);
	uint8_t *p = check_debug_alloc_site(s);

	if (!p)
		_exit(91);
	corrupt(p + 64, 0x42);
	kmem_cache_free(s, p);
}

static void leak_report(void)
{
	struct kmem_cache *s = make("leaky", 64, SLAB_STORE_USER);

	if (!check_debug_alloc_site(s))
		_exit(91);
	_exit(kmem_cache_destroy(s) == -EBUSY ? 6 : 1);
}

static void bad_env(void)
{
	/* a newline and an ESC, which the report must not print raw */
	setenv("SCULLC_SLAB_DEBUG", "F\nQ\x1b", 1);
	setenv("SCULLC_SLAB_DEBUG_PANIC", "0", 1);
	debug_init_env();
	_exit(debug_cache_flags("any", 0) == 0 ? 0 : 1);
}

/* ------------------------------------------------------------------ */
/* Detection                                                           */

START_TEST(right_redzone_overwrite_aborts_with_report)
{
	in_child(right_redzone);
	expect_abort();
	expect("=============================================================================\n"
	       "BUG rz_right (Not tainted): Right Redzone overwritten\n"
	       "-----------------------------------------------------------------------------\n\n");
	expect("INFO: 0x");
	expect("First byte 0x42 instead of 0xcc");
	expect("INFO: Slab 0x");
	expect("INFO: Object 0x");
	expect("Redzone  ");
	expect("Object   ");
	expect("FIX rz_right: Restoring Right Redzone 0x");
	expect("=0xcc\n");
}
END_TEST

START_TEST(left_redzone_underwrite_aborts_with_report)
{
	in_child(left_redzone);
	expect_abort();
	expect("BUG rz_left (Not tainted): Left Redzone overwritten");
	expect("First byte 0x42 instead of 0xcc");
	expect("FIX rz_left: Restoring Left Redzone 0x");
}
END_TEST

START_TEST(write_after_free_is_found_at_next_alloc)
{
	in_child(write_after_free);
	expect_abort();
	expect("BUG uaf (Not tainted): Poison overwritten");
	expect("First byte 0x42 instead of 0x6b");
	expect("Object   ");
	expect(" 6b 6b ");
	expect("FIX uaf: Restoring Poison 0x");
	expect("=0x6b\n");
}
END_TEST

START_TEST(double_free_is_object_already_free)
{
	in_child(double_free);
	expect_abort();
	expect("BUG dfree (Not tainted): Object already free");
	expect("INFO: Freed in ");
	expect("FIX dfree: Object at 0x");
}
END_TEST

START_TEST(free_to_wrong_cache_names_both)
{
	in_child(wrong_cache);
	expect_abort();
	expect("BUG other_b (Not tainted): Wrong slab cache. other_b but "
	       "object is from owner_a");
	expect("INFO: Attempt to free object(0x");
	expect("FIX other_b: Object at 0x");
}
END_TEST

START_TEST(free_of_foreign_pointer_is_invalid)
{
	in_child(foreign_pointer);
	expect_abort();
	expect("BUG foreign (Not tainted): Invalid object pointer 0x");
	expect("FIX foreign: Object at 0x");
}
END_TEST

START_TEST(free_of_interior_pointer_is_invalid)
{
	in_child(interior_pointer);
	expect_abort();
	expect("BUG interior (Not tainted): Invalid object pointer 0x");
	expect("INFO: Slab 0x");
}
END_TEST

START_TEST(padding_overwrite_is_found_by_validate)
{
	in_child(padding_overwrite);
	expect_abort();
	expect("BUG padwrite (Not tainted): Object padding overwritten");
	expect("First byte 0x42 instead of 0x5a");
	expect("Padding  ");
	expect("FIX padwrite: Restoring Object padding 0x");
}
END_TEST

/* ------------------------------------------------------------------ */
/* Going on                                                            */

START_TEST(panic_off_reports_repairs_and_goes_on)
{
	in_child(panic_off_goes_on);
	expect_exit(7);
	expect("BUG goeson (Not tainted): Right Redzone overwritten");
	expect("FIX goeson: Restoring Right Redzone");
	expect("FIX goeson: Object at 0x");
	expect("BUG goeson (Not tainted): Poison overwritten");
	expect("FIX goeson: Restoring Poison");
	ck_assert_uint_eq(count("BUG goeson"), 2);
}
END_TEST

START_TEST(validate_counts_and_repairs_every_error)
{
	in_child(validate_counts);
	ck_assert_msg(WIFEXITED(run.status) &&
		      (WEXITSTATUS(run.status) == 8 ||
		       WEXITSTATUS(run.status) == 9),
		      "status 0x%x:\n%.3000s", run.status, run.out);
	expect("BUG vcount (Not tainted): Left Redzone overwritten");
	expect("BUG vcount (Not tainted): Object padding overwritten");
	expect("First byte 0x43 instead of 0x5a");
	if (WEXITSTATUS(run.status) == 8)
		expect("BUG vcount (Not tainted): Slab padding overwritten");
}
END_TEST

START_TEST(store_user_names_the_allocating_function)
{
	Dl_info di;

	in_child(store_user);
	expect_abort();
	expect("BUG owner (Not tainted): Right Redzone overwritten");
	if (dladdr((void *)check_debug_alloc_site, &di) && di.dli_sname)
		expect("INFO: Allocated in check_debug_alloc_site+0x");
	else
		expect("INFO: Allocated in 0x");   /* no symbols: the address */
	expect(" age=");
	expect(" cpu=");
	expect(" pid=");
}
END_TEST

START_TEST(kmalloc_objects_name_the_caller_of_kmalloc)
{
	Dl_info di;
	uint8_t *p;

	if (getenv("CHECK_DEBUG_KMALLOC_OWNER")) {
		/* The program run by kmalloc_owner: kmalloc-64 has Z and U */
		p = check_debug_kmalloc_site();
		ck_assert_ptr_nonnull(p);
		corrupt(p + 64, 0x42);
		kfree(p);                       /* reports and aborts */
		ck_abort_msg("kfree found no overwritten red zone");
	}
	in_child(kmalloc_owner);
	expect_abort();
	expect("BUG kmalloc-64 (Not tainted): Right Redzone overwritten");
	ck_assert_msg(dladdr((void *)check_debug_kmalloc_site, &di) &&
		      di.dli_sname, "no symbols: built without -rdynamic?");
	expect("INFO: Allocated in check_debug_kmalloc_site+0x");
}
END_TEST

START_TEST(leak_report_lists_object_and_owner_without_abort)
{
	Dl_info di;

	in_child(leak_report);
	expect_exit(6);
	expect("INFO: Object 0x");
	expect(" @offset=");
	if (dladdr((void *)check_debug_alloc_site, &di) && di.dli_sname)
		expect("Allocated in check_debug_alloc_site+0x");
	else
		expect("Allocated in 0x");
}
END_TEST

/* ------------------------------------------------------------------ */
/* slab_debug= parsing                                                 */

#define ALL (SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | SLAB_POISON | \
	     SLAB_STORE_USER)

static void reset(void)
{
	slab_debug_setup("-");
	slab_debug_set_panic(1);
}

START_TEST(global_letters_apply_to_every_cache)
{
	ck_assert_int_eq(slab_debug_setup("FZPU"), 0);
	ck_assert_uint_eq(debug_cache_flags("anything", 0), ALL);
	ck_assert_int_eq(slab_debug_setup("zp"), 0);
	ck_assert_uint_eq(debug_cache_flags("x", SLAB_HWCACHE_ALIGN),
			  SLAB_HWCACHE_ALIGN | SLAB_RED_ZONE | SLAB_POISON);
	ck_assert_int_eq(slab_debug_setup(""), 0);   /* bare: everything */
	ck_assert_uint_eq(debug_cache_flags("y", 0), ALL);
	ck_assert_int_eq(slab_debug_setup("OT"), 0); /* accepted, no flags */
	ck_assert_uint_eq(debug_cache_flags("y", 0), 0);
}
END_TEST

START_TEST(cache_lists_apply_to_named_caches_only)
{
	ck_assert_int_eq(slab_debug_setup("FZ,dentry,kmalloc-*"), 0);
	ck_assert_uint_eq(debug_cache_flags("dentry", 0),
			  SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE);
	ck_assert_uint_eq(debug_cache_flags("kmalloc-64", 0),
			  SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE);
	ck_assert_uint_eq(debug_cache_flags("dentry2", 0), 0);
	ck_assert_uint_eq(debug_cache_flags("dentr", 0), 0);
	ck_assert_uint_eq(debug_cache_flags("scullc", 0), 0);

	ck_assert_int_eq(slab_debug_setup(",scullc"), 0); /* no letters: all */
	ck_assert_uint_eq(debug_cache_flags("scullc", 0), ALL);
	ck_assert_uint_eq(debug_cache_flags("other", 0), 0);

	ck_assert_int_eq(slab_debug_setup("P;U,scullc;;Z,dma-*"), 0);
	ck_assert_uint_eq(debug_cache_flags("scullc", 0), SLAB_STORE_USER);
	ck_assert_uint_eq(debug_cache_flags("dma-kmalloc-8", 0),
			  SLAB_RED_ZONE);
	ck_assert_uint_eq(debug_cache_flags("other", 0), SLAB_POISON);

	ck_assert_int_eq(slab_debug_setup("FZPU;-,scullc"), 0);
	ck_assert_uint_eq(debug_cache_flags("scullc", 0), 0);
	ck_assert_uint_eq(debug_cache_flags("other", 0), ALL);
	reset();
}
END_TEST

START_TEST(dash_turns_everything_off)
{
	ck_assert_int_eq(slab_debug_setup("FZPU"), 0);
	ck_assert_int_eq(slab_debug_setup("-"), 0);
	ck_assert_uint_eq(debug_cache_flags("x", SLAB_PANIC), SLAB_PANIC);
	ck_assert_int_eq(slab_debug_setup("FZ-U"), 0);  /* '-' resets */
	ck_assert_uint_eq(debug_cache_flags("x", 0), SLAB_STORE_USER);
	reset();
}
END_TEST

START_TEST(bad_strings_are_einval_and_keep_the_setting)
{
	static const char *const bad[] = {
		"Q", "FZX", "F,", "F,,a", "F,a b", "F,fo*o", "F,*x",
		"F,a;Z,", "U,this-name-is-far-too-long-for-a-cache-x",
	};

	ck_assert_int_eq(slab_debug_setup("U"), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(slab_debug_setup(bad[i]) == -EINVAL,
			      "\"%s\" accepted", bad[i]);
		ck_assert_uint_eq(debug_cache_flags("x", 0), SLAB_STORE_USER);
	}
	ck_assert_int_eq(slab_debug_setup(NULL), -EINVAL);
	reset();
}
END_TEST

START_TEST(new_caches_get_the_debug_flags)
{
	struct kmem_cache *s, *t;

	ck_assert_int_eq(slab_debug_setup("ZP,dbg_named"), 0);
	s = kmem_cache_create("dbg_named", 100, 0, 0, NULL);
	t = kmem_cache_create("dbg_plain", 100, 0, 0, NULL);
	ck_assert_ptr_nonnull(s);
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(s->flags & SLAB_DEBUG_FLAGS,
			  SLAB_RED_ZONE | SLAB_POISON);
	ck_assert(s->flags & __OBJECT_POISON);
	ck_assert_uint_eq(t->flags & SLAB_DEBUG_FLAGS, 0);
	ck_assert_int_eq(kmem_cache_validate(s), 0);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
	ck_assert_int_eq(kmem_cache_destroy(t), 0);
	reset();
}
END_TEST

START_TEST(unused_caches_take_a_later_setting_used_ones_keep_theirs)
{
	struct kmem_cache *used, *unused;
	struct kmem_cache_stats st;
	void *obj;

	used = kmem_cache_create("dbg_used", 100, 0, 0, NULL);
	unused = kmem_cache_create("dbg_unused", 100, 0, 0, NULL);
	ck_assert_ptr_nonnull(used);
	ck_assert_ptr_nonnull(unused);
	obj = kmem_cache_alloc(used, GFP_KERNEL);
	ck_assert_ptr_nonnull(obj);

	/* like the kernel's boot option, it reaches caches nobody used */
	ck_assert_int_eq(slab_debug_setup("FZ"), 0);
	ck_assert_uint_eq(unused->flags & SLAB_DEBUG_FLAGS,
			  SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE);
	ck_assert_int_eq(kmem_cache_get_stats(unused, &st), 0);
	ck_assert_uint_eq(st.limit, 0);             /* no per-thread caches */
	ck_assert_uint_gt(st.objsize, 104);         /* red zones in the slot */
	/* ...but never changes the layout under live objects */
	ck_assert_uint_eq(used->flags & SLAB_DEBUG_FLAGS, 0);
	ck_assert_int_eq(kmem_cache_get_stats(used, &st), 0);
	ck_assert_uint_eq(st.objsize, 104);

	/* and turning it off gives an unused cache its own flags back */
	ck_assert_int_eq(slab_debug_setup("-"), 0);
	ck_assert_uint_eq(unused->flags & SLAB_DEBUG_FLAGS, 0);
	ck_assert_int_eq(kmem_cache_get_stats(unused, &st), 0);
	ck_assert_uint_eq(st.objsize, 104);

	kmem_cache_free(used, obj);
	ck_assert_int_eq(kmem_cache_destroy(used), 0);
	ck_assert_int_eq(kmem_cache_destroy(unused), 0);
	reset();
}
END_TEST

START_TEST(bad_environment_value_is_reported_and_ignored)
{
	in_child(bad_env);
	expect_exit(0);
	expect("SCULLC_SLAB_DEBUG=\"F\\nQ\\x1b\": invalid");
	ck_assert_uint_eq(count("\n"), 1);
	ck_assert_uint_eq(count("\x1b"), 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Sound use stays quiet                                               */

START_TEST(clean_use_of_a_full_debug_cache_validates)
{
	struct kmem_cache *s = kmem_cache_create("clean", 200, 0, ALL, NULL);
	void *objs[100];

	ck_assert_ptr_nonnull(s);
	for (int i = 0; i < 100; i++) {
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
		ck_assert_ptr_nonnull(objs[i]);
		memset(objs[i], i, 200);
	}
	ck_assert_int_eq(kmem_cache_validate(s), 0);
	for (int i = 0; i < 100; i += 2)
		kmem_cache_free(s, objs[i]);
	ck_assert_int_eq(kmem_cache_validate(s), 0);
	for (int i = 1; i < 100; i += 2)
		kmem_cache_free(s, objs[i]);
	ck_assert_int_eq(kmem_cache_validate(s), 0);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

#ifdef HAVE_VALGRIND_MEMCHECK_H
# define MEMCHECK_ERRORS() VALGRIND_COUNT_ERRORS
#else
# define MEMCHECK_ERRORS() 0
#endif

static void ctor_11(void *p)
{
	memset(p, 0x11, 40);
}

/* The ctor writes objects of a slab debug.c has just laid out (under
   memcheck that slab is NOACCESS: the writes must not be errors). */
START_TEST(ctor_of_a_debug_cache_builds_every_object)
{
	unsigned int errors = MEMCHECK_ERRORS(), memcheck_errors;
	struct kmem_cache *s = kmem_cache_create("dctor", 40, 0, ALL, ctor_11);
	uint8_t *p;

	ck_assert_ptr_nonnull(s);
	p = kmem_cache_alloc(s, GFP_KERNEL);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p[0], 0x11);
	ck_assert_uint_eq(p[39], 0x11);
	kmem_cache_free(s, p);
	ck_assert_int_eq(kmem_cache_validate(s), 0);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
	memcheck_errors = MEMCHECK_ERRORS() - errors;
	ck_assert_uint_eq(memcheck_errors, 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Output: scullc_set_output                                           */

#define HOOK_CALLS 8

/* What the hook was given: each call's text, whole */
struct hooked {
	unsigned int calls;
	char *msg[HOOK_CALLS];
};

static void hook(const char *msg, void *arg)
{
	struct hooked *h = arg;

	if (h->calls < HOOK_CALLS)
		h->msg[h->calls] = strdup(msg);
	h->calls++;
}

static void hooked_free(struct hooked *h)
{
	for (unsigned int i = 0; i < h->calls && i < HOOK_CALLS; i++)
		free(h->msg[i]);
	memset(h, 0, sizeof(*h));
}

/* Both red zones of one object hit, then validate: two reports */
static int two_reports(const char *name)
{
	struct kmem_cache *s = make(name, 64, SLAB_RED_ZONE);
	uint8_t *p = get(s);
	int errors;

	slab_debug_set_panic(0);
	corrupt(p + 64, 0x42);
	corrupt(p - 1, 0x43);
	errors = kmem_cache_validate(s);
	kmem_cache_free(s, p);
	kmem_cache_destroy(s);
	slab_debug_set_panic(1);
	return errors;
}

static void hooked_child(void)
{
	struct hooked h = { 0 };

	scullc_set_output(hook, &h);
	if (two_reports("quiet") != 2)
		_exit(1);
	_exit(h.calls == 2 ? 0 : 2);
}

static void unhooked_child(void)
{
	struct hooked h = { 0 };

	scullc_set_output(hook, &h);
	scullc_set_output(NULL, NULL);
	_exit(two_reports("loud") == 2 && h.calls == 0 ? 0 : 1);
}

START_TEST(hook_gets_each_report_whole_in_one_call)
{
	struct hooked h = { 0 };
	const char *banner = "===========================================";

	scullc_set_output(hook, &h);
	ck_assert_int_eq(two_reports("hooked"), 2);
	scullc_set_output(NULL, NULL);
	ck_assert_uint_eq(h.calls, 2);
	for (unsigned int i = 0; i < 2; i++) {
		const char *m = h.msg[i];

		ck_assert_msg(!strncmp(m, banner, strlen(banner)),
			      "call %u does not open a report: %s", i, m);
		ck_assert_ptr_nonnull(strstr(m, "BUG hooked (Not tainted): "));
		ck_assert_ptr_null(strstr(strstr(m, "BUG ") + 1, "BUG "));
		ck_assert_ptr_nonnull(strstr(m, "INFO: 0x"));
		ck_assert_ptr_nonnull(strstr(m, "Redzone  "));
		ck_assert_ptr_nonnull(strstr(m, "FIX hooked: Restoring"));
		ck_assert_int_eq(m[strlen(m) - 1], '\n');
	}
	ck_assert_ptr_nonnull(strstr(h.msg[0], "Redzone overwritten"));
	ck_assert(strstr(h.msg[0], "Right Redzone") ||
		  strstr(h.msg[1], "Right Redzone"));
	ck_assert(strstr(h.msg[0], "Left Redzone") ||
		  strstr(h.msg[1], "Left Redzone"));
	hooked_free(&h);
}
END_TEST

START_TEST(with_a_hook_nothing_reaches_stderr)
{
	in_child(hooked_child);
	expect_exit(0);
	ck_assert_msg(run.len == 0, "stderr: %s", run.out);
}
END_TEST

START_TEST(a_null_hook_sends_reports_to_stderr_again)
{
	in_child(unhooked_child);
	expect_exit(0);
	ck_assert_uint_eq(count("BUG loud (Not tainted): "), 2);
}
END_TEST

START_TEST(a_long_leak_report_is_one_call_cut_and_marked)
{
	struct kmem_cache *s = make("manyleaks", 32, SLAB_STORE_USER);
	struct hooked h = { 0 };
	void *obj[600];
	unsigned int i;
	size_t len;

	for (i = 0; i < 600; i++)
		obj[i] = check_debug_alloc_site(s);
	scullc_set_output(hook, &h);
	ck_assert_int_eq(kmem_cache_destroy(s), -EBUSY);
	scullc_set_output(NULL, NULL);
	ck_assert_uint_eq(h.calls, 1);
	len = strlen(h.msg[0]);
	ck_assert_uint_lt(len, 16384);
	ck_assert_uint_gt(len, 16000);
	ck_assert_str_eq(h.msg[0] + len - strlen("[report truncated]\n"),
			 "[report truncated]\n");
	ck_assert_ptr_nonnull(strstr(h.msg[0], "kmem_cache_destroy manyleaks: "
				     "Slab cache still has objects\n"));
	ck_assert_ptr_nonnull(strstr(h.msg[0], "INFO: Object 0x"));
	hooked_free(&h);
	for (i = 0; i < 600; i++)
		kmem_cache_free(s, obj[i]);
	ck_assert_int_eq(kmem_cache_destroy(s), 0);
}
END_TEST

static Suite *debug_suite(void)
{
	Suite *s = suite_create("debug");
	TCase *tc;

	tc = tcase_create("Detection");
	tcase_add_test(tc, right_redzone_overwrite_aborts_with_report);
	tcase_add_test(tc, left_redzone_underwrite_aborts_with_report);
	tcase_add_test(tc, write_after_free_is_found_at_next_alloc);
	tcase_add_test(tc, double_free_is_object_already_free);
	tcase_add_test(tc, free_to_wrong_cache_names_both);
	tcase_add_test(tc, free_of_foreign_pointer_is_invalid);
	tcase_add_test(tc, free_of_interior_pointer_is_invalid);
	tcase_add_test(tc, padding_overwrite_is_found_by_validate);
	suite_add_tcase(s, tc);

	tc = tcase_create("Recovery");
	tcase_add_test(tc, panic_off_reports_repairs_and_goes_on);
	tcase_add_test(tc, validate_counts_and_repairs_every_error);
	suite_add_tcase(s, tc);

	tc = tcase_create("Tracking");
	tcase_add_test(tc, store_user_names_the_allocating_function);
	tcase_add_test(tc, leak_report_lists_object_and_owner_without_abort);
	suite_add_tcase(s, tc);

	tc = tcase_create("KmallocTracking");
	tcase_add_test(tc, kmalloc_objects_name_the_caller_of_kmalloc);
	suite_add_tcase(s, tc);

	tc = tcase_create("Options");
	tcase_add_test(tc, global_letters_apply_to_every_cache);
	tcase_add_test(tc, cache_lists_apply_to_named_caches_only);
	tcase_add_test(tc, dash_turns_everything_off);
	tcase_add_test(tc, bad_strings_are_einval_and_keep_the_setting);
	tcase_add_test(tc, new_caches_get_the_debug_flags);
	tcase_add_test(tc, unused_caches_take_a_later_setting_used_ones_keep_theirs);
	tcase_add_test(tc, bad_environment_value_is_reported_and_ignored);
	suite_add_tcase(s, tc);

	tc = tcase_create("Core");
	tcase_add_test(tc, clean_use_of_a_full_debug_cache_validates);
	tcase_add_test(tc, ctor_of_a_debug_cache_builds_every_object);
	suite_add_tcase(s, tc);

	tc = tcase_create("Output");
	tcase_add_test(tc, hook_gets_each_report_whole_in_one_call);
	tcase_add_test(tc, with_a_hook_nothing_reaches_stderr);
	tcase_add_test(tc, a_null_hook_sends_reports_to_stderr_again);
	tcase_add_test(tc, a_long_leak_report_is_one_call_cut_and_marked);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(debug_suite, 20)
