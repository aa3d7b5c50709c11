/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hashtable.h - a chained hash table that doubles as it fills */
#ifndef SCULLCFS_HASHTABLE_H
#define SCULLCFS_HASHTABLE_H

/*
 * Intrusive, as the kernel's hlist: the element embeds a struct hnode and
 * the table never allocates per element.  Each node keeps its full hash,
 * so doubling the table re-buckets nodes without calling back into the
 * user.  The table doubles when it holds more than one node per bucket, as
 * long as kmalloc gives the bigger array; if it cannot, chains just get
 * longer, so adding never fails.
 *
 * The bucket arrays are taken with the gfp flags given to htable_init.
 * The smallest array, HTABLE_MIN_SIZE pointers, is 16 KiB: above kmalloc's
 * largest size class, so every array is whole pages and a gfp such as
 * __GFP_NOACCOUNT classes them exactly (never a slab shared with others).
 *
 * Invariant:  nr == number of nodes on all chains;  size is a power of two.
 *
 * No locking here: the user's lock protects the table and its nodes.
 */

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include <scullc/slab.h>

#include "list.h"                    /* container_of */

struct hnode {
	struct hnode *next;          /* bucket chain */
	uint64_t hash;               /* fixed while hashed */
};

struct htable {
	struct hnode **bucket;       /* size chain heads */
	size_t size;                 /* buckets, a power of two */
	size_t nr;                   /* nodes hashed */
	gfp_t gfp;                   /* for the bucket arrays; fixed */
};

#define HTABLE_MIN_SIZE 2048

/* hash_u64 - spread the bits of @v (Fibonacci hashing, as hash_64) */
static inline uint64_t hash_u64(uint64_t v)
{
	v *= 0x9e3779b97f4a7c15ULL;
	return v ^ (v >> 29);
}

static inline size_t htable_index(const struct htable *t, uint64_t hash)
{
	return (size_t)(hash ^ (hash >> 32)) & (t->size - 1);
}

/* htable_init - an empty table whose arrays come with @gfp; 0 or -ENOMEM.
   May block for memory if @gfp allows. */
static inline int htable_init(struct htable *t, gfp_t gfp)
{
	t->gfp = gfp;
	t->bucket = kcalloc(HTABLE_MIN_SIZE, sizeof(*t->bucket), gfp);
	t->size = t->bucket ? HTABLE_MIN_SIZE : 0;
	t->nr = 0;
	return t->bucket ? 0 : -ENOMEM;
}

/* htable_destroy - free the bucket array; the nodes are the user's */
static inline void htable_destroy(struct htable *t)
{
	kfree(t->bucket);
	t->bucket = NULL;
	t->size = t->nr = 0;
}

/* htable_double - move every node into a table twice the size, if
   kmalloc has the memory; otherwise keep the table as it is */
static inline void htable_double(struct htable *t)
{
	struct hnode **old = t->bucket, *n, *next;
	size_t old_size = t->size, i;

	if (old_size * 2 * sizeof(*old) > KMALLOC_MAX_SIZE)
		return;
	t->bucket = kcalloc(old_size * 2, sizeof(*old),
			    t->gfp | __GFP_NOWARN);
	if (!t->bucket) {
		t->bucket = old;
		return;
	}
	t->size = old_size * 2;
	for (i = 0; i < old_size; i++) {
		for (n = old[i]; n; n = next) {
			next = n->next;
			n->next = t->bucket[htable_index(t, n->hash)];
			t->bucket[htable_index(t, n->hash)] = n;
		}
	}
	kfree(old);
}

/* htable_add - hash @n under @hash.  Never fails; may block for memory. */
static inline void htable_add(struct htable *t, struct hnode *n,
			      uint64_t hash)
{
	size_t b;

	if (t->nr >= t->size)
		htable_double(t);
	b = htable_index(t, hash);
	n->hash = hash;
	n->next = t->bucket[b];
	t->bucket[b] = n;
	t->nr++;
}

/* htable_del - unhash @n, which must be hashed.  Never needs memory. */
static inline void htable_del(struct htable *t, struct hnode *n)
{
	struct hnode **pp = &t->bucket[htable_index(t, n->hash)];

	while (*pp != n)
		pp = &(*pp)->next;
	*pp = n->next;
	n->next = NULL;
	t->nr--;
}

/* htable_chain - the first node that may carry @hash */
static inline struct hnode *htable_chain(const struct htable *t,
					 uint64_t hash)
{
	return t->bucket[htable_index(t, hash)];
}

#define hnode_entry(ptr, type, member) \
	((ptr) ? container_of(ptr, type, member) : (type *)NULL)

/* htable_for_each_possible - every node hashed under @hash, as @pos
   (and others sharing its bucket: compare the keys) */
#define htable_for_each_possible(pos, t, h) \
	for (pos = htable_chain(t, h); pos; pos = pos->next) \
		if (pos->hash == (h))

/* htable_for_each_safe - every node of @t; @pos may be unhashed */
#define htable_for_each_safe(pos, tmp, i, t) \
	for (i = 0; i < (t)->size; i++) \
		for (pos = (t)->bucket[i]; pos && ((tmp = pos->next), 1); \
		     pos = tmp)

#endif /* SCULLCFS_HASHTABLE_H */
