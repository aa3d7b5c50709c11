/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* debug_config.c - the slab_debug= setting: which caches debug what */

/*
 * slab_debug= takes the kernel's form: letters (F consistency checks, Z
 * red zones, P poisoning, U owner tracking, A failslab's SLAB_FAILSLAB
 * mark, which is no check and which cache.c keeps apart from the flags,
 * - none), optionally followed by ",cache,..." names (a trailing '*'
 * matches a prefix), several such blocks separated by ';'; an empty
 * string turns everything on.  The
 * first block that names a cache gives its flags; a block without names
 * gives every other cache's.  It comes from SCULLC_SLAB_DEBUG at start-up or from
 * slab_debug_setup(); debug.c does the checking.
 *
 * Locks (their order: enum lock_rank, src/lock.h): debug_lock, taken under
 * a cache's list_lock or none.  It protects the parsed settings (config),
 * which slab_debug_setup() may replace while another thread creates a
 * cache: they live in static storage, and parsing happens before the lock
 * is taken, so a bad string never disturbs the setting in force.
 */

#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "mm/internal.h"
#include "mm/output.h"
#include "quote.h"

#define DEBUG_ALL_FLAGS   SLAB_DEBUG_FLAGS   /* "FZPU"; lists without letters */
#define DEBUG_PATTERNS    32                 /* cache names in slab_debug= */

struct debug_pattern {
	unsigned long flags;                 /* SLAB_* debug flags to add */
	bool glob;                           /* name ended in '*': prefix */
	char name[KMEM_CACHE_NAME_MAX + 1];  /* without the '*' */
};

struct debug_config {
	unsigned long global;                /* flags for unnamed caches */
	unsigned int nr;                     /* pattern[0..nr) in use */
	struct debug_pattern pattern[DEBUG_PATTERNS]; /* first match wins */
};

struct mutex debug_lock =                   /* fork.c holds it too */
	MUTEX_INITIALIZER("debug_lock", LOCK_RANK_DEBUG);
static struct debug_config config;          /* protected by debug_lock */

/* ------------------------------------------------------------------ */
/* slab_debug= parsing                                                 */

static int parse_letters(const char **sp, unsigned long *flags)
{
	const char *p = *sp;

	*flags = 0;
	for (; *p && *p != ',' && *p != ';'; p++) {
		switch (tolower((unsigned char)*p)) {
		case '-': *flags = 0; break;
		case 'f': *flags |= SLAB_CONSISTENCY_CHECKS; break;
		case 'z': *flags |= SLAB_RED_ZONE; break;
		case 'p': *flags |= SLAB_POISON; break;
		case 'u': *flags |= SLAB_STORE_USER; break;
		case 'a': *flags |= SLAB_FAILSLAB; break;
		case 'o': case 't': break;   /* no higher orders / trace: n/a */
		default: return -EINVAL;
		}
	}
	*sp = p;
	return 0;
}

static int parse_name(const char **sp, struct debug_config *c,
		      unsigned long flags)
{
	const char *p = *sp, *end = p + strcspn(p, ",;");
	size_t len = (size_t)(end - p);
	struct debug_pattern *pat;
	const char *star = memchr(p, '*', len);

	if (len == 0 || c->nr == DEBUG_PATTERNS)
		return -EINVAL;
	if (star && star != end - 1)
		return -EINVAL;              /* the kernel globs at the end only */
	pat = &c->pattern[c->nr];
	pat->glob = star != NULL;
	if (pat->glob)
		len--;
	if (len > KMEM_CACHE_NAME_MAX)
		return -EINVAL;
	for (size_t i = 0; i < len; i++)
		if (isspace((unsigned char)p[i]) || !isprint((unsigned char)p[i]))
			return -EINVAL;
	memcpy(pat->name, p, len);
	pat->name[len] = '\0';
	pat->flags = flags;
	c->nr++;
	*sp = end;
	return 0;
}

/*
 * parse - slab_debug= as setup_slub_debug() reads it: blocks joined by
 * ';', each "<letters>" (every cache) or "<letters>,<name>,<name>..."
 * (those caches; no letters means all of them).  When only named blocks
 * are given, the other caches get no debugging.
 */
static int parse(const char *str, struct debug_config *c)
{
	const char *p = str;
	unsigned long flags;
	int err;

	memset(c, 0, sizeof(*c));
	if (*p == '\0') {
		c->global = DEBUG_ALL_FLAGS;  /* bare slab_debug: everything */
		return 0;
	}
	while (*p) {
		while (*p == ';')
			p++;
		if (!*p)
			break;
		if (*p == ',') {
			flags = DEBUG_ALL_FLAGS;
		} else {
			err = parse_letters(&p, &flags);
			if (err)
				return err;
		}
		if (*p != ',') {
			c->global = flags;
			continue;
		}
		while (*p == ',') {
			p++;
			err = parse_name(&p, c, flags);
			if (err)
				return err;
		}
	}
	return 0;
}

/*
 * debug_set_config - parse a slab_debug= option string and make it the
 * setting for caches created from now on (cache.c's slab_debug_setup also
 * gives it to the caches not used yet).
 * @str: kernel syntax (see slab.h); letters F, Z, P, U, A, O, T, '-'.
 *
 * Replaces the previous setting as a whole.  Returns 0, or -EINVAL for an
 * unknown letter, an empty or over-long cache name, a '*' not at the end
 * of a name or more than DEBUG_PATTERNS names (the setting is then kept).
 */
int debug_set_config(const char *str)
{
	struct debug_config c;
	int err;

	if (!str)
		return -EINVAL;
	err = parse(str, &c);
	if (err)
		return err;
	mutex_lock(&debug_lock);
	config = c;
	mutex_unlock(&debug_lock);
	return 0;
}

/* debug_init_env - SCULLC_SLAB_DEBUG and SCULLC_SLAB_DEBUG_PANIC, once. */
void debug_init_env(void)
{
	const char *v = getenv("SCULLC_SLAB_DEBUG");
	char q[QUOTE_SIZE];

	if (v && debug_set_config(v) < 0)
		out_report("libscullc: SCULLC_SLAB_DEBUG=%s: invalid "
			"slab_debug string, ignored\n", quote(q, sizeof(q), v));
	v = getenv("SCULLC_SLAB_DEBUG_PANIC");
	if (v && (!strcmp(v, "0") || !strcmp(v, "1")))
		slab_debug_set_panic(*v == '1');
	else if (v)
		out_report("libscullc: SCULLC_SLAB_DEBUG_PANIC=%s: want 0 "
			"or 1, ignored\n", quote(q, sizeof(q), v));
}

/* debug_cache_flags - @flags plus what slab_debug= asks for cache @name */
unsigned long debug_cache_flags(const char *name, unsigned long flags)
{
	unsigned long add;
	unsigned int i;

	mutex_lock(&debug_lock);
	add = config.global;
	for (i = 0; i < config.nr; i++) {
		const struct debug_pattern *pat = &config.pattern[i];
		bool hit = pat->glob ?
			!strncmp(name, pat->name, strlen(pat->name)) :
			!strcmp(name, pat->name);

		if (hit) {
			add = pat->flags;
			break;
		}
	}
	mutex_unlock(&debug_lock);
	return flags | add;
}
