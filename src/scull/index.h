/* SPDX-License-Identifier: GPL-2.0-or-later */
/* index.h - a sparse map from 64-bit keys to pointers (a radix tree) */
#ifndef SCULLCFS_INDEX_H
#define SCULLCFS_INDEX_H

/*
 * An index maps any uint64_t key to a non-NULL pointer.  It is a radix
 * tree of 64-slot nodes, each one kzalloc block (kmalloc-1k), only as tall
 * as its largest key needs: h levels hold the keys below 64^h, h <= 11.
 * Finding a key costs O(h); finding the next present key skips absent
 * subtrees whole, so a walk costs what is stored, not the gaps.  Beside
 * each pointer an entry keeps one unsigned int of the user's own (the
 * scull device counts the quanta of an item there), 0 when inserted.
 *
 * Only index_insert allocates (GFP_KERNEL; it may block) and it is all or
 * nothing: a failure leaves the tree exactly as it was.  Removing never
 * allocates and frees every node it empties, so an index costs only the
 * nodes on the paths to its keys, and nothing when empty.
 *
 * No lock: the user serialises changes and keeps readers away from them
 * (the scull device holds its own lock around every call).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define INDEX_KEY_BITS 64                 /* every uint64_t is a key */

struct index_node;

struct index {
	struct index_node *root;          /* NULL when empty */
};

/*
 * Where a present key's entry lives, valid until the next insert or
 * remove.  Through it the user may replace the pointer by another
 * non-NULL one (index_remove is the only way to clear it) and use aux.
 */
struct index_ref {
	void **ptr;                       /* the entry's pointer */
	unsigned int *aux;                /* the user's word beside it */
};

/* index_init - an empty index; allocates nothing. */
static inline void index_init(struct index *ix)
{
	ix->root = NULL;
}

static inline bool index_empty(const struct index *ix)
{
	return ix->root == NULL;
}

/*
 * index_find - @key's pointer, or NULL when absent.  When present and @ref
 * is not NULL, fills *@ref.  Never allocates.
 */
void *index_find(const struct index *ix, uint64_t key,
		 struct index_ref *ref);

/*
 * index_next - the first present key >= *@key: stores it in *@key, fills
 * *@ref (unless NULL) and returns its pointer; NULL (and *@key untouched)
 * when there is none.  O(h * 64) whatever the gap skipped.  A walk over
 * [a, b] starts with key = a and, after each hit, key + 1 (mind the wrap
 * at UINT64_MAX).
 */
void *index_next(const struct index *ix, uint64_t *key,
		 struct index_ref *ref);

/*
 * index_insert - map absent @key to @ptr (non-NULL), aux 0
 * Makes the nodes its path lacks (GFP_KERNEL).  Returns 0, filling *@ref
 * unless NULL; -EEXIST when @key is present, -EINVAL for a NULL @ptr, or
 * -ENOMEM with the index exactly as it was (no node added or lost).
 */
int index_insert(struct index *ix, uint64_t key, void *ptr,
		 struct index_ref *ref);

/*
 * index_remove - unmap @key, freeing the nodes left empty and the root
 * levels no key needs any more.  Returns the pointer it held, or NULL when
 * absent.  Never allocates, never fails.
 */
void *index_remove(struct index *ix, uint64_t key);

/*
 * index_nodes - the nodes the index holds (each sizeof one kmalloc-1k
 * block), by a walk of them all: for reports and tests, not fast paths.
 */
unsigned long index_nodes(const struct index *ix);

#endif /* SCULLCFS_INDEX_H */
