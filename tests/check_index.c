/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_index.c - the radix index against a sorted-array model */

/*
 * The model is a sorted array of (key, pointer, aux).  Random inserts,
 * finds, removes, aux updates and range walks go to both; after each, the
 * answers agree and the index holds exactly the nodes its keys need (its
 * shape is a function of the keys present, index.c): one per distinct
 * prefix of the keys at every level up to the lowest root that holds the
 * largest key.  Where a sequence ends, and around each injected fault, the
 * kmalloc blocks out are the nodes, no more.  Keys favour the edges: small
 * ones, powers of 64 plus or minus a little, the top of the key space.
 * Fault cases fail the Nth allocation of an insert for every N (failslab)
 * and check that the index is left exactly as it was.
 *
 * Every failure message carries the seed; replay one run with
 * UNIT_SEED=<seed> CK_FORK=no CK_RUN_CASE=Model tests/check_index.
 */

#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scullc/slab.h>

#include "scull/index.h"
#include "unit.h"

#define MODEL_MAX 2048

struct entry {
	uint64_t key;
	void *ptr;
	unsigned int aux;
};

struct model {
	struct entry e[MODEL_MAX];     /* sorted by key */
	unsigned int n;
	uint64_t seed;                 /* of this run, for the messages */
	int op;                        /* operations done */
};

#define expect(m, cond, fmt, ...)                                         \
	ck_assert_msg(cond, "seed %#llx, op %d: " fmt,                    \
		      (unsigned long long)(m)->seed, (m)->op, ##__VA_ARGS__)

/* pos - where @key is, or would be inserted, in the model */
static unsigned int pos(const struct model *m, uint64_t key)
{
	unsigned int lo = 0, hi = m->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (m->e[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct entry *model_find(struct model *m, uint64_t key)
{
	unsigned int i = pos(m, key);

	return i < m->n && m->e[i].key == key ? &m->e[i] : NULL;
}

static void model_insert(struct model *m, uint64_t key, void *ptr)
{
	unsigned int i = pos(m, key);

	ck_assert_uint_lt(m->n, MODEL_MAX);
	memmove(&m->e[i + 1], &m->e[i], (m->n - i) * sizeof(m->e[0]));
	m->e[i] = (struct entry){ key, ptr, 0 };
	m->n++;
}

static void model_remove(struct model *m, uint64_t key)
{
	unsigned int i = pos(m, key);

	memmove(&m->e[i], &m->e[i + 1], (m->n - i - 1) * sizeof(m->e[0]));
	m->n--;
}

static uint64_t shr(uint64_t k, unsigned int bits)
{
	return bits >= 64 ? 0 : k >> bits;
}

/* model_nodes - the nodes an index of the model's keys has: at each
   level, one per distinct prefix, up to the lowest root holding them all */
static unsigned long model_nodes(const struct model *m)
{
	unsigned long nodes = 0;
	unsigned int bits, i;

	if (!m->n)
		return 0;
	for (bits = 6;; bits += 6) {
		for (i = 0; i < m->n; i++)
			nodes += i == 0 || shr(m->e[i].key, bits) !=
					   shr(m->e[i - 1].key, bits);
		if (shr(m->e[m->n - 1].key, bits) == 0)
			return nodes;
	}
}

/* A key that likes edges; a present one a fifth of the time. */
static uint64_t pick_key(const struct model *m)
{
	unsigned int p;
	int d;

	switch (unit_below(10)) {
	case 0: case 1:
		if (m->n)
			return m->e[unit_below(m->n)].key;
		/* fall through */
	case 2: case 3:
		return unit_below(256);
	case 4: case 5:
		p = 6 * (1 + unit_below(10));
		d = (int)unit_below(7) - 3;
		return (UINT64_C(1) << p) + (uint64_t)(int64_t)d;
	case 6:
		return UINT64_MAX - unit_below(4);
	default:
		return unit_rnd() >> unit_below(64);
	}
}

/*
 * baseline - the kmalloc blocks out with an empty index, taken after every
 * class and a tall index have been used once: this thread's magazines
 * (kmalloc'd by the allocator on a cache's first use) are then in it.
 */
static unsigned long baseline(void)
{
	struct index ix;
	size_t size;
	int a;

	for (size = 8; size <= KMALLOC_MAX_CACHE_SIZE; size += 8)
		kfree(kmalloc(size, GFP_KERNEL));
	index_init(&ix);
	ck_assert_int_eq(index_insert(&ix, UINT64_MAX, &a, NULL), 0);
	ck_assert_int_eq(index_insert(&ix, 0, &a, NULL), 0);
	index_remove(&ix, UINT64_MAX);
	index_remove(&ix, 0);
	ck_assert(index_empty(&ix));
	return unit_kmalloc_live();
}

/* A walk of [@a, @b] meets the model's keys there, in order. */
static void check_walk(struct model *m, struct index *ix, uint64_t a,
		       uint64_t b)
{
	unsigned int i = pos(m, a);
	struct index_ref r;
	uint64_t key = a;
	void *p;

	while ((p = index_next(ix, &key, &r)) && key <= b) {
		expect(m, i < m->n && m->e[i].key == key,
		       "walk of [%#llx, %#llx] met %#llx", (unsigned long long)a,
		       (unsigned long long)b, (unsigned long long)key);
		expect(m, p == m->e[i].ptr && *r.ptr == p &&
		       *r.aux == m->e[i].aux, "entry %#llx",
		       (unsigned long long)key);
		i++;
		if (key == UINT64_MAX)
			break;
		key++;
	}
	expect(m, i == m->n || m->e[i].key > b,
	       "walk of [%#llx, %#llx] missed %#llx", (unsigned long long)a,
	       (unsigned long long)b, (unsigned long long)m->e[i].key);
}

/* The whole index is the model, with the nodes it needs and no more. */
static void check_all(struct model *m, struct index *ix)
{
	check_walk(m, ix, 0, UINT64_MAX);
	expect(m, index_nodes(ix) == model_nodes(m),
	       "%lu nodes for %u keys, want %lu", index_nodes(ix), m->n,
	       model_nodes(m));
	expect(m, index_empty(ix) == (m->n == 0), "empty");
}

/* ... and the allocator agrees: the blocks out are the nodes. */
static void check_blocks(struct model *m, struct index *ix,
			 unsigned long kmalloc_base)
{
	check_all(m, ix);
	expect(m, unit_kmalloc_live() - kmalloc_base == index_nodes(ix),
	       "%lu blocks out for %lu nodes",
	       unit_kmalloc_live() - kmalloc_base, index_nodes(ix));
}

static void op_insert(struct model *m, struct index *ix, uint64_t key)
{
	struct entry *e = model_find(m, key);
	void *ptr = (void *)(uintptr_t)(unit_rnd() | 1);
	struct index_ref r;
	int ret = index_insert(ix, key, ptr, &r);

	if (e) {
		expect(m, ret == -EEXIST, "insert of present %#llx: %d",
		       (unsigned long long)key, ret);
		expect(m, index_find(ix, key, NULL) == e->ptr, "kept");
		return;
	}
	expect(m, ret == 0, "insert of %#llx: %d", (unsigned long long)key,
	       ret);
	expect(m, *r.ptr == ptr && *r.aux == 0, "ref of new %#llx",
	       (unsigned long long)key);
	model_insert(m, key, ptr);
	if (unit_below(2)) {
		*r.aux = (unsigned int)unit_rnd();
		model_find(m, key)->aux = *r.aux;
	}
}

static void op_find(struct model *m, struct index *ix, uint64_t key)
{
	struct entry *e = model_find(m, key);
	struct index_ref r;
	void *p = index_find(ix, key, &r);

	expect(m, p == (e ? e->ptr : NULL), "find %#llx",
	       (unsigned long long)key);
	if (!e)
		return;
	expect(m, *r.aux == e->aux, "aux of %#llx", (unsigned long long)key);
	/* a user may replace the pointer and its word through the ref */
	e->ptr = *r.ptr = (void *)(uintptr_t)(unit_rnd() | 1);
	e->aux = *r.aux = (unsigned int)unit_rnd();
}

static void op_remove(struct model *m, struct index *ix, uint64_t key)
{
	struct entry *e = model_find(m, key);
	void *p = index_remove(ix, key);

	expect(m, p == (e ? e->ptr : NULL), "remove %#llx",
	       (unsigned long long)key);
	if (e)
		model_remove(m, key);
}

/* op_walk - a walk from a key of any kind over a span of any size */
static void op_walk(struct model *m, struct index *ix)
{
	uint64_t a = pick_key(m), span = unit_rnd() >> unit_below(64);

	check_walk(m, ix, a, span > UINT64_MAX - a ? UINT64_MAX : a + span);
}

/* run - @seqs sequences of @ops random operations from seed @seed */
static void run(struct model *m, uint64_t seed, int seqs, int ops)
{
	unsigned long base;
	struct index ix;
	int s;

	m->seed = unit_rnd_seed(seed);
	base = baseline();
	for (s = 0; s < seqs; s++) {
		index_init(&ix);
		m->n = 0;
		for (m->op = 0; m->op < ops; m->op++) {
			switch (unit_below(10)) {
			case 0: case 1: case 2: case 3:
				op_insert(m, &ix, pick_key(m));
				break;
			case 4: case 5: case 6:
				op_remove(m, &ix, pick_key(m));
				break;
			case 7: case 8:
				op_find(m, &ix, pick_key(m));
				break;
			default:
				op_walk(m, &ix);
			}
			check_all(m, &ix);
		}
		while (m->n)
			op_remove(m, &ix, m->e[unit_below(m->n)].key);
		check_blocks(m, &ix, base);
	}
}

/* ---------------------------------------------------------------- Core */

START_TEST(edge_keys_insert_find_walk_and_remove_to_nothing)
{
	static const uint64_t keys[] = {
		0, 1, 63, 64, 4095, 4096, (UINT64_C(1) << 60) - 1,
		UINT64_C(1) << 60, UINT64_MAX - 1, UINT64_MAX,
	};
	static struct model m;
	unsigned long base = baseline();
	struct index ix;
	unsigned int i;

	m.seed = 0;
	m.n = 0;
	index_init(&ix);
	ck_assert(index_empty(&ix));
	/* from the top down: every insert below the largest stacks nothing */
	for (i = sizeof(keys) / sizeof(keys[0]); i-- > 0;) {
		op_insert(&m, &ix, keys[i]);
		check_blocks(&m, &ix, base);
	}
	ck_assert_uint_eq(unit_kmalloc_live() - base, model_nodes(&m));
	check_walk(&m, &ix, UINT64_MAX, UINT64_MAX);
	check_walk(&m, &ix, 65, 4095);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		op_remove(&m, &ix, keys[i]);
		check_blocks(&m, &ix, base);
	}
	ck_assert(index_empty(&ix));
	ck_assert_uint_eq(unit_kmalloc_live(), base);
}
END_TEST

START_TEST(insert_refuses_a_null_pointer_and_a_present_key)
{
	unsigned long base = baseline();
	struct index_ref r;
	struct index ix;
	int a, b;

	index_init(&ix);
	ck_assert_int_eq(index_insert(&ix, 5, NULL, NULL), -EINVAL);
	ck_assert(index_empty(&ix));
	ck_assert_int_eq(index_insert(&ix, 5, &a, &r), 0);
	*r.aux = 7;
	ck_assert_int_eq(index_insert(&ix, 5, &b, NULL), -EEXIST);
	ck_assert_ptr_eq(index_find(&ix, 5, &r), &a);
	ck_assert_uint_eq(*r.aux, 7);
	ck_assert_ptr_null(index_remove(&ix, 6));
	ck_assert_ptr_eq(index_remove(&ix, 5), &a);
	ck_assert(index_empty(&ix));
	ck_assert_uint_eq(unit_kmalloc_live(), base);
}
END_TEST

/* --------------------------------------------------------------- Model */

START_TEST(random_operations_match_a_sorted_array)
{
	static struct model m;

	run(&m, 0x1d3e0001 + _i, 40, 300);
}
END_TEST

/* -------------------------------------------------------------- Faults */

/*
 * try_insert - insert absent @key failing its 1st, 2nd, ... allocation
 * until one try needs no failure; after each failed try the index is the
 * same tree (root, nodes, entries).  Returns the failures seen.
 */
static unsigned long try_insert(struct model *m, struct index *ix,
				uint64_t key, unsigned long base)
{
	struct index_node *root;
	unsigned long n, injected, nodes;
	int ret, a;

	for (n = 1;; n++) {
		root = ix->root;
		nodes = unit_kmalloc_live();
		injected = failslab_failures();
		unit_failslab_nth(n);
		ret = index_insert(ix, key, &a, NULL);
		failslab_set(NULL);
		if (failslab_failures() == injected)
			break;
		expect(m, ret == -ENOMEM, "insert %#llx failing #%lu: %d",
		       (unsigned long long)key, n, ret);
		expect(m, ix->root == root && unit_kmalloc_live() == nodes,
		       "insert %#llx failing #%lu changed the tree",
		       (unsigned long long)key, n);
		check_all(m, ix);
	}
	expect(m, ret == 0, "insert %#llx: %d", (unsigned long long)key, ret);
	model_insert(m, key, index_find(ix, key, NULL));
	check_all(m, ix);
	return n - 1;
}

START_TEST(a_failed_insert_leaves_the_index_exactly_as_it_was)
{
	static struct model m;
	unsigned long base, failures = 0, most = 0, f;
	struct index ix;
	uint64_t key;
	int i;

	m.seed = unit_rnd_seed(0x1d3e1001);
	m.n = 0;
	base = baseline();
	index_init(&ix);
	for (m.op = 0; m.op < 200; m.op++) {
		key = pick_key(&m);
		if (model_find(&m, key))
			continue;
		f = try_insert(&m, &ix, key, base);
		failures += f;
		most = f > most ? f : most;
	}
	/* over one leaf (keys 0..2) the top key needs 10 roots stacked and
	   10 nodes down to its leaf: each of the 20 fails in turn */
	while (m.n)
		op_remove(&m, &ix, m.e[0].key);
	for (i = 0; i < 3; i++)
		try_insert(&m, &ix, (uint64_t)i, base);
	ck_assert_uint_eq(try_insert(&m, &ix, UINT64_MAX, base), 20);
	ck_assert_uint_gt(failures, 100);
	ck_assert_uint_ge(most, 3);
	while (m.n)
		op_remove(&m, &ix, m.e[0].key);
	check_blocks(&m, &ix, base);
	ck_assert_uint_eq(unit_kmalloc_live(), base);
}
END_TEST

/* --------------------------------------------------------------- suite */

static Suite *index_suite(void)
{
	Suite *s = suite_create("index");
	TCase *tc;

	tc = tcase_create("Core");
	tcase_add_test(tc, edge_keys_insert_find_walk_and_remove_to_nothing);
	tcase_add_test(tc, insert_refuses_a_null_pointer_and_a_present_key);
	suite_add_tcase(s, tc);

	tc = tcase_create("Model");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, random_operations_match_a_sorted_array, 0, 4);
	suite_add_tcase(s, tc);

	tc = tcase_create("Faults");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, a_failed_insert_leaves_the_index_exactly_as_it_was);
	suite_add_tcase(s, tc);

	return s;
}

UNIT_MAIN(index_suite, 20)
