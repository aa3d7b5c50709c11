/* SPDX-License-Identifier: GPL-2.0-or-later */
/* index.c - a sparse map from 64-bit keys to pointers: a radix tree */

/*
 * Design.  Nodes of 64 slots; a node's shift is the number of key bits
 * below it, so slot (key >> shift) & 63 leads towards key: a leaf (shift
 * 0) holds the users' pointers, an inner node holds nodes.  The root is
 * the lowest node whose range holds every key present; an insert past it
 * stacks new roots (each holding the old one in slot 0), and a remove that
 * leaves the root holding only slot 0 drops it again.  So the shape is a
 * function of the keys present:
 *
 *   node->count == non-NULL slots of node, > 0 (empty nodes are freed)
 *   root->shift == 0, or root has a slot other than 0 in use
 *   a node with shift s sits under one with shift s + IDX_BITS
 *
 * which is what lets a failed insert put the tree back exactly: it frees
 * the empty nodes on its path and the root levels it stacked, and what is
 * left is the tree of the same keys as before.
 *
 * aux[] beside each leaf slot is the user's; inner nodes carry it unused,
 * so that every node is one size (one kmalloc class).
 */

#include "config.h"

#include "scull/index.h"

#include <errno.h>
#include <stddef.h>

#include <scullc/slab.h>

#define IDX_BITS       6
#define IDX_FANOUT     (1u << IDX_BITS)
#define IDX_MASK       ((uint64_t)IDX_FANOUT - 1)
#define IDX_MAX_LEVELS 11                 /* 11 * 6 bits >= 64-bit keys */

struct index_node {
	unsigned char shift;              /* key bits below: 0 at a leaf */
	unsigned char count;              /* non-NULL slots, 0..IDX_FANOUT */
	void *slot[IDX_FANOUT];           /* nodes; at a leaf, users' pointers */
	unsigned int aux[IDX_FANOUT];     /* leaf: the users' words */
};

/* True when @key is below what the tree rooted at @n can hold. */
static bool fits(const struct index_node *n, uint64_t key)
{
	unsigned int bits = n->shift + IDX_BITS;

	return bits >= 64 || (key >> bits) == 0;
}

static struct index_node *new_node(unsigned int shift)
{
	struct index_node *n = kzalloc(sizeof(*n), GFP_KERNEL);

	if (n)
		n->shift = shift;
	return n;
}

static void fill_ref(struct index_ref *ref, struct index_node *leaf,
		     uint64_t key)
{
	if (ref) {
		ref->ptr = &leaf->slot[key & IDX_MASK];
		ref->aux = &leaf->aux[key & IDX_MASK];
	}
}

/* lookup - the leaf that holds @key's slot, or NULL: no allocation. */
static struct index_node *lookup(const struct index *ix, uint64_t key)
{
	struct index_node *n = ix->root;

	if (!n || !fits(n, key))
		return NULL;
	while (n && n->shift)
		n = n->slot[(key >> n->shift) & IDX_MASK];
	return n;
}

void *index_find(const struct index *ix, uint64_t key,
		 struct index_ref *ref)
{
	struct index_node *leaf = lookup(ix, key);

	if (!leaf || !leaf->slot[key & IDX_MASK])
		return NULL;
	fill_ref(ref, leaf, key);
	return leaf->slot[key & IDX_MASK];
}

/*
 * next_leaf - the leaf of the first present key >= *@key, which is stored
 * back in *@key; NULL when there is none.  Absent subtrees are skipped
 * whole: the cost is O(h * 64) per call, whatever the gap.
 */
static struct index_node *next_leaf(const struct index *ix, uint64_t *key)
{
	uint64_t k = *key;
	struct index_node *n;
	unsigned int i, want, bits;

restart:
	n = ix->root;
	if (!n || !fits(n, k))
		return NULL;
	for (;;) {
		want = (k >> n->shift) & IDX_MASK;
		for (i = want; i < IDX_FANOUT && !n->slot[i]; i++)
			;
		if (i == IDX_FANOUT) {
			/* Nothing left under n: retry from the next sibling. */
			bits = n->shift + IDX_BITS;
			if (bits >= 64 || (k >> bits) == (UINT64_MAX >> bits))
				return NULL;
			k = ((k >> bits) + 1) << bits;
			goto restart;
		}
		if (i != want)
			k = (((k >> n->shift) & ~IDX_MASK) | i) << n->shift;
		if (n->shift == 0) {
			*key = k;
			return n;
		}
		n = n->slot[i];
	}
}

void *index_next(const struct index *ix, uint64_t *key,
		 struct index_ref *ref)
{
	struct index_node *leaf = next_leaf(ix, key);

	if (!leaf)
		return NULL;
	fill_ref(ref, leaf, *key);
	return leaf->slot[*key & IDX_MASK];
}

/*
 * prune - free the empty nodes on @key's path, then drop root levels that
 * only hold slot 0.  Never allocates.
 */
static void prune(struct index *ix, uint64_t key)
{
	struct index_node *path[IDX_MAX_LEVELS];
	unsigned int idx[IDX_MAX_LEVELS];
	struct index_node *n = ix->root;
	int depth = 0;

	if (n && fits(n, key)) {
		while (n) {
			path[depth] = n;
			idx[depth] = (key >> n->shift) & IDX_MASK;
			depth++;
			if (n->shift == 0)
				break;
			n = n->slot[idx[depth - 1]];
		}
	}
	while (depth > 0 && path[depth - 1]->count == 0) {
		depth--;
		kfree(path[depth]);
		if (depth > 0) {
			path[depth - 1]->slot[idx[depth - 1]] = NULL;
			path[depth - 1]->count--;
		} else {
			ix->root = NULL;
		}
	}
	while ((n = ix->root) && n->shift && n->count == 1 && n->slot[0]) {
		ix->root = n->slot[0];
		kfree(n);
	}
}

/* make_leaf - the leaf for @key, making the nodes on its path; NULL:
   ENOMEM, with what it made freed again */
static struct index_node *make_leaf(struct index *ix, uint64_t key)
{
	struct index_node *n, *root;
	unsigned int i, shift = 0;

	if (!ix->root) {
		while (shift + IDX_BITS < 64 && (key >> (shift + IDX_BITS)))
			shift += IDX_BITS;
		ix->root = new_node(shift);
		if (!ix->root)
			return NULL;
	}
	while (!fits(ix->root, key)) {
		root = new_node(ix->root->shift + IDX_BITS);
		if (!root)
			goto fail;
		root->slot[0] = ix->root;
		root->count = 1;
		ix->root = root;
	}
	for (n = ix->root; n->shift; n = n->slot[i]) {
		i = (key >> n->shift) & IDX_MASK;
		if (!n->slot[i]) {
			n->slot[i] = new_node(n->shift - IDX_BITS);
			if (!n->slot[i])
				goto fail;
			n->count++;
		}
	}
	return n;
fail:
	prune(ix, key);
	return NULL;
}

int index_insert(struct index *ix, uint64_t key, void *ptr,
		 struct index_ref *ref)
{
	struct index_node *leaf;
	unsigned int i = key & IDX_MASK;

	if (!ptr)
		return -EINVAL;
	leaf = lookup(ix, key);
	if (leaf && leaf->slot[i])
		return -EEXIST;
	if (!leaf) {
		leaf = make_leaf(ix, key);
		if (!leaf)
			return -ENOMEM;
	}
	leaf->slot[i] = ptr;
	leaf->aux[i] = 0;
	leaf->count++;
	fill_ref(ref, leaf, key);
	return 0;
}

void *index_remove(struct index *ix, uint64_t key)
{
	struct index_node *leaf = lookup(ix, key);
	unsigned int i = key & IDX_MASK;
	void *ptr;

	if (!leaf || !leaf->slot[i])
		return NULL;
	ptr = leaf->slot[i];
	leaf->slot[i] = NULL;
	leaf->aux[i] = 0;
	leaf->count--;
	prune(ix, key);
	return ptr;
}

static unsigned long count_nodes(const struct index_node *n)
{
	unsigned long nodes = 1;
	unsigned int i;

	for (i = 0; n->shift && i < IDX_FANOUT; i++)
		if (n->slot[i])
			nodes += count_nodes(n->slot[i]);
	return nodes;
}

unsigned long index_nodes(const struct index *ix)
{
	return ix->root ? count_nodes(ix->root) : 0;
}
