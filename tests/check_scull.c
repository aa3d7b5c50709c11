/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_scull.c - the scull device against a byte-array model, and its limits */

/*
 * The reference model is a plain byte array plus one flag per quantum
 * ("exists"), driven by the same operations as the device; after each
 * operation content, size, counters and SEEK_DATA/SEEK_HOLE answers must
 * agree.  Fault cases fail the Nth slab allocation for every N (failslab)
 * and check that each write is all-or-prefix and each allocate all-or-
 * nothing.  Every test ends with the device destroyed, no "scullc" object
 * or kmalloc block left and scull_sb_destroy returning 0.
 *
 * Debug one case under gdb with CK_FORK=no CK_RUN_CASE="Model".
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <scullc/slab.h>

#include "scull/scull.h"
#include "unit.h"

/* ------------------------------------------------------------ helpers */

/* A mount and one device; fini checks that nothing leaked. */
struct fix {
	struct scull_sb sb;
	struct scull_dev dev;
	unsigned long kmalloc_base;
};

/*
 * The baseline of kmalloc blocks, taken after a scratch device and every
 * kmalloc class (qset arrays and small quanta come in all sizes) have been
 * used once: this thread's magazines (kmalloc'd by the allocator on a
 * cache's first use) are then part of it.
 */
static unsigned long baseline(struct scull_sb *sb)
{
	struct scull_dev dev;
	size_t size;

	for (size = 8; size <= KMALLOC_MAX_CACHE_SIZE; size += 8)
		kfree(kmalloc(size, GFP_KERNEL));
	ck_assert_int_eq(scull_dev_init(&dev, sb), 0);
	ck_assert_int_eq(scull_write(&dev, "w", 1, 1ULL << 50), 1);
	ck_assert_int_eq(scull_allocate(&dev, 0, 3, false), 0);
	scull_dev_destroy(&dev);
	return unit_kmalloc_live();
}

static void fix_init(struct fix *f, unsigned int quantum, unsigned int qset)
{
	ck_assert_int_eq(scull_sb_init(&f->sb, quantum, qset), 0);
	f->kmalloc_base = baseline(&f->sb);
	ck_assert_int_eq(scull_dev_init(&f->dev, &f->sb), 0);
}

static void fix_fini(struct fix *f)
{
	scull_dev_destroy(&f->dev);
	ck_assert_uint_eq(unit_live(f->sb.cache), 0);
	ck_assert_uint_eq(unit_kmalloc_live(), f->kmalloc_base);
	ck_assert_int_eq(scull_sb_destroy(&f->sb), 0);
	ck_assert_ptr_null(kmem_cache_find("scullc"));
}

static void fill(uint8_t *buf, size_t len, uint64_t seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)((seed * 131 + i * 7 + (i >> 8)) | 1);
}

/* ---------------------------------------------------------- the model */

struct model {
	unsigned int quantum, qset;
	size_t span;                 /* bytes modelled; ops stay below it */
	uint8_t *data;               /* span bytes; zero at and past size */
	uint8_t *exists;             /* one flag per quantum */
	uint32_t *cap;               /* bytes each quantum holds, 0: none */
	uint64_t held;               /* == sum of cap[] */
	bool held_at_least;          /* failed ops may have grown small quanta
					the model cannot see: held >= model */
	uint32_t *per_item;          /* quanta existing in each item */
	size_t nr_q;                 /* quanta in span */
	unsigned long quanta;        /* == sum of exists[] */
	unsigned long items;         /* == items with per_item[] > 0 */
	uint64_t size;
};

static void model_init(struct model *m, unsigned int quantum,
		       unsigned int qset, size_t span)
{
	m->quantum = quantum;
	m->qset = qset;
	m->span = span;
	m->nr_q = (span + quantum - 1) / quantum;
	m->data = calloc(span, 1);
	m->exists = calloc(m->nr_q, 1);
	m->cap = calloc(m->nr_q, sizeof(uint32_t));
	m->per_item = calloc(m->nr_q / qset + 1, sizeof(uint32_t));
	ck_assert(m->data && m->exists && m->cap && m->per_item);
	m->size = m->quanta = m->items = m->held = 0;
	m->held_at_least = false;
}

static void model_reset(struct model *m)
{
	memset(m->data, 0, m->size < m->span ? m->size : m->span);
	memset(m->exists, 0, m->nr_q);
	memset(m->cap, 0, m->nr_q * sizeof(uint32_t));
	memset(m->per_item, 0, (m->nr_q / m->qset + 1) * sizeof(uint32_t));
	m->size = m->quanta = m->items = m->held = 0;
}

static void model_fini(struct model *m)
{
	free(m->data);
	free(m->exists);
	free(m->cap);
	free(m->per_item);
}

/* Quantum @q holds @cap bytes (0: it is gone), keeping held. */
static void set_cap(struct model *m, uint64_t q, uint32_t cap)
{
	m->held += cap;
	m->held -= m->cap[q];
	m->cap[q] = cap;
}

/*
 * The bytes a quantum gets for data ending at byte @need of it: a kmalloc
 * class from 16 bytes up while that is at most half a quantum, else the
 * whole quantum.
 */
static uint32_t cap_for(const struct model *m, uint64_t need)
{
	uint32_t s = 16;

	while (s < need)
		s <<= 1;
	return s <= m->quantum / 2 ? s : m->quantum;
}

/* A write of [@off, @end) gives each quantum it touches room for its part:
   a new one, or a small one grown (never shrunk). */
static void write_caps(struct model *m, uint64_t off, uint64_t end)
{
	uint64_t q, need;

	for (q = off / m->quantum; q <= (end - 1) / m->quantum; q++) {
		need = (end < (q + 1) * m->quantum ? end : (q + 1) * m->quantum) -
		       q * m->quantum;
		if (!m->cap[q] || (m->cap[q] < m->quantum && need > m->cap[q]))
			set_cap(m, q, cap_for(m, need));
	}
}

/* Quantum @q exists (@v 1) or not, keeping the counters. */
static void set_q(struct model *m, uint64_t q, uint8_t v)
{
	uint32_t *it = &m->per_item[q / m->qset];

	if (!v)
		set_cap(m, q, 0);
	if (m->exists[q] == v)
		return;
	m->exists[q] = v;
	if (v) {
		m->quanta++;
		if ((*it)++ == 0)
			m->items++;
	} else {
		m->quanta--;
		if (--(*it) == 0)
			m->items--;
	}
}

static void mark(struct model *m, uint64_t off, uint64_t end, uint8_t v)
{
	uint64_t q;

	for (q = off / m->quantum; q <= (end - 1) / m->quantum; q++)
		set_q(m, q, v);
}

static void model_write(struct model *m, const uint8_t *buf, uint64_t off,
			uint64_t len)
{
	if (!len)
		return;
	memcpy(m->data + off, buf, len);
	write_caps(m, off, off + len);
	mark(m, off, off + len, 1);
	if (off + len > m->size)
		m->size = off + len;
}

static void model_truncate(struct model *m, uint64_t size)
{
	uint64_t q;

	if (size <= m->size) {
		memset(m->data + size, 0, m->size - size);
		for (q = (size + m->quantum - 1) / m->quantum; q < m->nr_q; q++)
			set_q(m, q, 0);
	}
	m->size = size;
}

/* Punch and zero range: whole quanta go, partial ones read zeros. */
static void model_clear(struct model *m, uint64_t off, uint64_t end)
{
	uint64_t q, first = (off + m->quantum - 1) / m->quantum;

	memset(m->data + off, 0, end - off);
	for (q = first; (q + 1) * m->quantum <= end; q++)
		set_q(m, q, 0);
}

static void model_allocate(struct model *m, uint64_t off, uint64_t end,
			   bool keep)
{
	uint64_t q;

	for (q = off / m->quantum; q <= (end - 1) / m->quantum; q++)
		set_cap(m, q, m->quantum);      /* fallocate: whole quanta */
	mark(m, off, end, 1);
	if (!keep && end > m->size)
		m->size = end;
}

static int64_t model_seek(const struct model *m, uint64_t off, bool data)
{
	uint64_t q, pos;

	if (off >= m->size)
		return -ENXIO;
	for (q = off / m->quantum; q < m->nr_q; q++) {
		if (m->exists[q] != data)
			continue;
		pos = q * m->quantum > off ? q * m->quantum : off;
		if (pos >= m->size)
			break;
		return pos;
	}
	return data ? -ENXIO : (int64_t)m->size;
}

/* Check [off, end) of content, then size, counters and a few seeks. */
static void check_range(struct scull_dev *dev, const struct model *m,
			uint64_t off, uint64_t end)
{
	static uint8_t buf[1 << 24];
	struct scull_dev_info info;
	uint64_t want = 0, probes[8];
	ssize_t got;
	int i;

	if (end > m->span)
		end = m->span;
	if (off < end) {
		ck_assert_uint_le(end - off, sizeof(buf));
		if (m->size > off)
			want = (m->size < end ? m->size : end) - off;
		memset(buf, 0xee, want < end - off ? want + 1 : want);
		got = scull_read(dev, buf, end - off, off);
		ck_assert_int_eq(got, (int64_t)want);
		if (memcmp(buf, m->data + off, want)) {
			for (i = 0; buf[i] == m->data[off + i]; i++)
				;
			ck_abort_msg("content differs at %llu",
				     (unsigned long long)(off + i));
		}
	}
	scull_dev_info(dev, &info);
	ck_assert_uint_eq(info.size, m->size);
	ck_assert_uint_eq(info.nr_quanta, m->quanta);
	ck_assert_uint_eq(info.nr_items, m->items);
	if (m->held_at_least) {
		ck_assert_uint_ge(info.held, m->held);
		ck_assert_uint_le(info.held, info.nr_quanta * m->quantum);
	} else {
		ck_assert_uint_eq(info.held, m->held);
	}
	ck_assert_uint_eq(scull_dev_held(dev), info.held);

	probes[0] = 0;
	probes[1] = off;
	probes[2] = end ? end - 1 : 0;
	probes[3] = m->size ? m->size - 1 : 0;
	probes[4] = m->size;
	probes[5] = unit_below(m->span);
	probes[6] = unit_below(m->span / m->quantum + 1) * m->quantum;
	probes[7] = unit_below(m->span / ((uint64_t)m->quantum * m->qset) + 1) *
		    m->quantum * m->qset;
	for (i = 0; i < 8; i++) {
		ck_assert_int_eq(scull_seek_data(dev, probes[i]),
				 model_seek(m, probes[i], true));
		ck_assert_int_eq(scull_seek_hole(dev, probes[i]),
				 model_seek(m, probes[i], false));
	}
}

/* scull_read_iov must describe exactly what scull_read copies. */
static void check_iov(struct scull_dev *dev, uint64_t off, size_t len)
{
	static uint8_t a[1 << 20], b[1 << 20];
	int max = scull_iov_count(dev->sb, off, len), count, i;
	struct iovec *iov = calloc(max ? max : 1, sizeof(*iov));
	size_t n, at = 0;
	ssize_t got;

	ck_assert_uint_le(len, sizeof(a));
	got = scull_read(dev, a, len, off);
	scull_read_lock(dev);
	n = scull_read_iov(dev, off, len, iov, max, &count);
	ck_assert_int_le(count, max);
	for (i = 0; i < count; i++) {
		memcpy(b + at, iov[i].iov_base, iov[i].iov_len);
		at += iov[i].iov_len;
	}
	scull_read_unlock(dev);
	ck_assert_uint_eq(n, at);
	ck_assert_int_eq((ssize_t)n, got);
	ck_assert(memcmp(a, b, n) == 0);
	free(iov);
}

/* An offset that likes quantum and item edges. */
static uint64_t pick_off(const struct model *m)
{
	uint64_t item = (uint64_t)m->quantum * m->qset;
	uint64_t d = unit_below(9), o;

	switch (unit_below(5)) {
	case 0:
		o = unit_below(m->span / item + 1) * item + d - 4;
		break;
	case 1:
		o = unit_below(m->span / m->quantum + 1) * m->quantum + d - 4;
		break;
	case 2:
		o = unit_below(4 * item);
		break;
	default:
		o = unit_below(m->span);
	}
	return o < m->span ? o : m->span - 1;
}

static uint64_t pick_len(const struct model *m, uint64_t off)
{
	uint64_t max = m->span - off, len;

	switch (unit_below(4)) {
	case 0:
		len = 1 + unit_below(2 * m->quantum);
		break;
	case 1:
		len = 1 + unit_below(3 * (uint64_t)m->quantum * m->qset);
		break;
	default:
		len = 1 + unit_below(m->quantum * 4);
	}
	return len < max ? len : max;
}

/*
 * Run @seqs sequences of @ops random operations, each on a fresh device,
 * checking after every operation; the full content every @full ops.
 */
static void run_model(unsigned int quantum, unsigned int qset, size_t span,
		      int seqs, int ops, int full, uint64_t seed)
{
	static uint8_t buf[1 << 24];
	struct model m;
	struct fix f;
	uint64_t off, len, end;
	bool keep;
	int s, i;

	unit_rnd_seed(seed);
	model_init(&m, quantum, qset, span);
	ck_assert_int_eq(scull_sb_init(&f.sb, quantum, qset), 0);
	f.kmalloc_base = baseline(&f.sb);
	for (s = 0; s < seqs; s++) {
		ck_assert_int_eq(scull_dev_init(&f.dev, &f.sb), 0);
		model_reset(&m);
		for (i = 0; i < ops; i++) {
			off = pick_off(&m);
			len = pick_len(&m, off);
			end = off + len;
			keep = unit_below(2);
			switch (unit_below(9)) {
			case 0: case 1: case 2: case 3:
				fill(buf, len, unit_rnd());
				ck_assert_int_eq(scull_write(&f.dev, buf, len, off),
						 (int64_t)len);
				model_write(&m, buf, off, len);
				break;
			case 4:
				ck_assert_int_eq(scull_truncate(&f.dev, off), 0);
				model_truncate(&m, off);
				break;
			case 5:
				ck_assert_int_eq(scull_punch_hole(&f.dev, off, len), 0);
				model_clear(&m, off, end);
				break;
			case 6:
				ck_assert_int_eq(scull_zero_range(&f.dev, off, len,
								  keep), 0);
				model_clear(&m, off, end);
				if (!keep && end > m.size)
					m.size = end;
				break;
			case 7:
				ck_assert_int_eq(scull_allocate(&f.dev, off, len,
								keep), 0);
				model_allocate(&m, off, end, keep);
				break;
			default:
				check_iov(&f.dev, off, len < (1 << 20) ? len : 1 << 20);
				break;
			}
			if (off >= quantum)
				off -= quantum;
			check_range(&f.dev, &m, off, end + quantum);
			if ((i + 1) % full == 0)
				check_range(&f.dev, &m, 0, span);
		}
		check_range(&f.dev, &m, 0, span);
		scull_dev_destroy(&f.dev);
		ck_assert_uint_eq(unit_live(f.sb.cache), 0);
	}
	ck_assert_uint_eq(unit_kmalloc_live(), f.kmalloc_base);
	ck_assert_int_eq(scull_sb_destroy(&f.sb), 0);
	model_fini(&m);
}

/* ---------------------------------------------------------------- Core */

START_TEST(empty_device_reads_nothing_and_seeks_enxio)
{
	struct fix f;
	char c = 'x';
	int count = 7;
	struct iovec iov;

	fix_init(&f, SCULL_QUANTUM_DEFAULT, SCULL_QSET_DEFAULT);
	ck_assert_uint_eq(f.sb.quantum, 4000);
	ck_assert_uint_eq(f.sb.qset, 500);
	ck_assert_uint_eq(f.sb.max_size, INT64_MAX);
	ck_assert_int_eq(scull_read(&f.dev, &c, 1, 0), 0);
	ck_assert_int_eq(scull_seek_data(&f.dev, 0), -ENXIO);
	ck_assert_int_eq(scull_seek_hole(&f.dev, 0), -ENXIO);
	scull_read_lock(&f.dev);
	ck_assert_uint_eq(scull_read_iov(&f.dev, 0, 10, &iov, 1, &count), 0);
	scull_read_unlock(&f.dev);
	ck_assert_int_eq(count, 0);
	fix_fini(&f);
}
END_TEST

START_TEST(write_spanning_items_reads_back_and_counts_quanta)
{
	struct fix f;
	struct scull_dev_info info;
	static uint8_t in[3000], out[3000];

	fix_init(&f, 64, 4);                  /* items of 256 bytes */
	fill(in, sizeof(in), 1);
	/* 250..3250: 2 bytes into quantum 3, across 12 item edges */
	ck_assert_int_eq(scull_write(&f.dev, in, sizeof(in), 250), 3000);
	scull_dev_info(&f.dev, &info);
	ck_assert_uint_eq(info.size, 3250);
	ck_assert_uint_eq(info.nr_quanta, 3250 / 64 - 3 + 1);
	ck_assert_uint_eq(info.nr_items, 3250 / 256 + 1);
	ck_assert_uint_eq(unit_live(f.sb.cache), info.nr_quanta);
	ck_assert_int_eq(scull_read(&f.dev, out, sizeof(out), 250), 3000);
	ck_assert(memcmp(in, out, sizeof(in)) == 0);
	ck_assert_int_eq(scull_read(&f.dev, out, 300, 0), 300);
	ck_assert_uint_eq(out[0] | out[191] | out[249], 0);    /* holes */
	ck_assert(memcmp(out + 250, in, 50) == 0);
	check_iov(&f.dev, 0, 3250);
	check_iov(&f.dev, 63, 130);
	fix_fini(&f);
}
END_TEST

START_TEST(truncate_frees_quanta_past_end_and_regrowth_reads_zeros)
{
	struct fix f;
	struct scull_dev_info info;
	uint8_t in[1000], out[1000], zero[1000] = { 0 };

	fix_init(&f, 64, 4);
	memset(in, 0xab, sizeof(in));
	ck_assert_int_eq(scull_write(&f.dev, in, sizeof(in), 0), 1000);
	ck_assert_int_eq(scull_truncate(&f.dev, 100), 0);
	scull_dev_info(&f.dev, &info);
	ck_assert_uint_eq(info.size, 100);
	ck_assert_uint_eq(info.nr_quanta, 2);
	ck_assert_uint_eq(info.nr_items, 1);
	ck_assert_int_eq(scull_truncate(&f.dev, 1000), 0);
	ck_assert_int_eq(scull_read(&f.dev, out, 1000, 0), 1000);
	ck_assert(memcmp(out, in, 100) == 0);
	ck_assert(memcmp(out + 100, zero, 900) == 0);
	ck_assert_int_eq(scull_seek_hole(&f.dev, 0), 128);
	ck_assert_int_eq(scull_truncate(&f.dev, 0), 0);
	scull_dev_info(&f.dev, &info);
	ck_assert_uint_eq(info.nr_quanta + info.nr_items + info.size, 0);
	ck_assert(index_empty(&f.dev.index));
	fix_fini(&f);
}
END_TEST

START_TEST(punch_hole_frees_whole_quanta_and_keeps_size)
{
	struct fix f;
	struct scull_dev_info info;
	uint8_t in[640], out[640];

	fix_init(&f, 64, 4);
	memset(in, 0x5c, sizeof(in));
	ck_assert_int_eq(scull_write(&f.dev, in, sizeof(in), 0), 640);
	/* 32..300: zero half of quantum 0, free 1..3, zero start of 4 */
	ck_assert_int_eq(scull_punch_hole(&f.dev, 32, 268), 0);
	scull_dev_info(&f.dev, &info);
	ck_assert_uint_eq(info.size, 640);
	ck_assert_uint_eq(info.nr_quanta, 10 - 3);
	ck_assert_int_eq(scull_read(&f.dev, out, 640, 0), 640);
	ck_assert_uint_eq(out[31], 0x5c);
	ck_assert_uint_eq(out[32] | out[299], 0);
	ck_assert_uint_eq(out[300], 0x5c);
	ck_assert_int_eq(scull_seek_hole(&f.dev, 0), 64);
	ck_assert_int_eq(scull_seek_data(&f.dev, 64), 256);
	ck_assert_int_eq(scull_punch_hole(&f.dev, 0, 0), -EINVAL);
	ck_assert_int_eq(scull_punch_hole(&f.dev, 0, 1 << 20), 0);
	scull_dev_info(&f.dev, &info);
	ck_assert_uint_eq(info.nr_quanta + info.nr_items, 0);
	ck_assert_uint_eq(info.size, 640);
	fix_fini(&f);
}
END_TEST

START_TEST(zero_range_never_allocates_and_grows_size_unless_kept)
{
	struct fix f;
	struct scull_dev_info info;

	fix_init(&f, 64, 4);
	ck_assert_int_eq(scull_zero_range(&f.dev, 10, 5000, true), 0);
	scull_dev_info(&f.dev, &info);
	ck_assert_uint_eq(info.size + info.nr_quanta, 0);
	ck_assert_int_eq(scull_zero_range(&f.dev, 10, 5000, false), 0);
	scull_dev_info(&f.dev, &info);
	ck_assert_uint_eq(info.size, 5010);
	ck_assert_uint_eq(info.nr_quanta + info.nr_items, 0);
	ck_assert_int_eq(scull_seek_data(&f.dev, 0), -ENXIO);
	ck_assert_int_eq(scull_seek_hole(&f.dev, 0), 0);
	fix_fini(&f);
}
END_TEST

START_TEST(allocate_fills_holes_with_zeroed_quanta_that_count_as_data)
{
	struct fix f;
	struct scull_dev_info info;
	uint8_t out[200];

	fix_init(&f, 64, 4);
	ck_assert_int_eq(scull_write(&f.dev, "abc", 3, 100), 3);
	ck_assert_int_eq(scull_allocate(&f.dev, 0, 600, true), 0);
	scull_dev_info(&f.dev, &info);
	ck_assert_uint_eq(info.size, 103);
	ck_assert_uint_eq(info.nr_quanta, 10);
	ck_assert_uint_eq(info.nr_items, 3);
	ck_assert_int_eq(scull_read(&f.dev, out, 200, 0), 103);
	ck_assert(memcmp(out + 100, "abc", 3) == 0);
	ck_assert_int_eq(scull_seek_data(&f.dev, 0), 0);
	ck_assert_int_eq(scull_seek_hole(&f.dev, 0), 103);   /* virtual */
	/* growing over preallocated quanta reads zeros */
	ck_assert_int_eq(scull_truncate(&f.dev, 600), 0);
	ck_assert_int_eq(scull_read(&f.dev, out, 200, 100), 200);
	ck_assert_uint_eq(out[3] | out[199], 0);
	ck_assert_int_eq(scull_seek_hole(&f.dev, 0), 600);
	ck_assert_int_eq(scull_allocate(&f.dev, 1000, 10, false), 0);
	scull_dev_info(&f.dev, &info);
	ck_assert_uint_eq(info.size, 1010);
	ck_assert_int_eq(scull_seek_hole(&f.dev, 0), 640);
	ck_assert_int_eq(scull_seek_data(&f.dev, 640), 960);
	fix_fini(&f);
}
END_TEST

static int list_item(uint64_t item, unsigned long quanta, void *arg)
{
	uint64_t *seen = arg;

	seen[seen[0] * 2 + 1] = item;
	seen[seen[0] * 2 + 2] = quanta;
	seen[0]++;
	return seen[0] == 3 ? 42 : 0;
}

START_TEST(for_each_item_visits_items_in_order_and_stops_on_nonzero)
{
	struct fix f;
	uint64_t seen[16] = { 0 };

	fix_init(&f, 64, 4);
	ck_assert_int_eq(scull_write(&f.dev, "x", 1, 256 * 5000), 1);
	ck_assert_int_eq(scull_write(&f.dev, "x", 1, 256 * 70 + 64), 1);
	ck_assert_int_eq(scull_allocate(&f.dev, 0, 256, false), 0);
	ck_assert_int_eq(scull_write(&f.dev, "x", 1, 256 * 9000000ULL), 1);
	ck_assert_int_eq(scull_for_each_item(&f.dev, list_item, seen), 42);
	ck_assert_uint_eq(seen[0], 3);
	ck_assert_uint_eq(seen[1], 0);
	ck_assert_uint_eq(seen[2], 4);
	ck_assert_uint_eq(seen[3], 70);
	ck_assert_uint_eq(seen[4], 1);
	ck_assert_uint_eq(seen[5], 5000);
	ck_assert_uint_eq(seen[6], 1);
	fix_fini(&f);
}
END_TEST

START_TEST(read_iov_merges_holes_and_points_into_quanta)
{
	struct fix f;
	struct iovec iov[8];
	int count, need;
	size_t n;

	fix_init(&f, 4000, 500);
	ck_assert_int_eq(scull_write(&f.dev, "data", 4, 3 * 4000000), 4);
	need = scull_iov_count(&f.sb, 0, 3 * 4000000 + 4);
	ck_assert_int_eq(need, 2 * 3001);     /* two per quantum at most */
	scull_read_lock(&f.dev);
	n = scull_read_iov(&f.dev, 0, 3 * 4000000 + 4, iov, 8, &count);
	ck_assert_uint_eq(n, 3 * 4000000 + 4);
	ck_assert_int_eq(count, 4);           /* 3 * 4 MiB-ish of zeros, data */
	ck_assert(memcmp(iov[3].iov_base, "data", 4) == 0);
	ck_assert_uint_eq(iov[3].iov_len, 4);
	/* one iovec only: the bytes described stop there */
	n = scull_read_iov(&f.dev, 3 * 4000000 - 2, 100, iov, 1, &count);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(count, 1);
	scull_read_unlock(&f.dev);
	ck_assert_int_eq(scull_iov_count(&f.sb, 3999, 2), 4);
	ck_assert_int_eq(scull_iov_count(&f.sb, 0, 0), 0);
	fix_fini(&f);
}
END_TEST

START_TEST(sb_init_rejects_bad_geometry_and_a_second_mount)
{
	struct scull_sb sb, sb2;

	ck_assert_int_eq(scull_sb_init(&sb, 0, 500), -EINVAL);
	ck_assert_int_eq(scull_sb_init(&sb, 4000, 0), -EINVAL);
	ck_assert_int_eq(scull_sb_init(&sb, KMALLOC_MAX_SIZE + 1, 1), -EINVAL);
	ck_assert_int_eq(scull_sb_init(&sb, 4000, 1 << 20), -EINVAL);
	ck_assert_int_eq(scull_sb_init(&sb, 4000, 500), 0);
	ck_assert_int_eq(scull_sb_init(&sb2, 4000, 500), -EEXIST);
	ck_assert_int_eq(scull_sb_destroy(&sb), 0);
}
END_TEST

START_TEST(sb_destroy_with_live_quanta_is_busy)
{
	struct scull_sb sb;
	struct scull_dev dev;

	ck_assert_int_eq(scull_sb_init(&sb, 64, 4), 0);
	ck_assert_int_eq(scull_dev_init(&dev, &sb), 0);
	ck_assert_int_eq(scull_allocate(&dev, 0, 1, false), 0);
	ck_assert_int_eq(scull_sb_destroy(&sb), -EBUSY);
	scull_dev_destroy(&dev);
	ck_assert_int_eq(scull_sb_destroy(&sb), 0);
}
END_TEST

/*
 * What st_blocks shows: each quantum at its capacity, qset arrays and
 * index nodes left out.  The numbers of README's "a 100-byte file costs
 * about half a KiB": 128 bytes held, one 512-byte block.
 */
START_TEST(held_counts_each_quantum_at_its_capacity)
{
	static uint8_t buf[12000];
	struct fix f;

	fix_init(&f, 4000, 500);
	fill(buf, sizeof(buf), 3);
	ck_assert_int_eq(scull_write(&f.dev, buf, 100, 0), 100);
	ck_assert_uint_eq(scull_dev_held(&f.dev), 128);     /* kmalloc-128 */
	ck_assert_int_eq(scull_write(&f.dev, buf, 1, 4000 * 500 * 3 + 1000),
			 1);                 /* an item, an index path, 1 KiB */
	ck_assert_uint_eq(scull_dev_held(&f.dev), 128 + 1024);
	ck_assert_int_eq(scull_write(&f.dev, buf, 2000, 0), 2000);
	ck_assert_uint_eq(scull_dev_held(&f.dev), 4000 + 1024);
	ck_assert_int_eq(scull_allocate(&f.dev, 4000, 8000, true), 0);
	ck_assert_uint_eq(scull_dev_held(&f.dev), 3 * 4000 + 1024);
	/* a hole over quanta 1 and 2 frees them; a partial one frees none */
	ck_assert_int_eq(scull_punch_hole(&f.dev, 3999, 8002), 0);
	ck_assert_uint_eq(scull_dev_held(&f.dev), 4000 + 1024);
	ck_assert_int_eq(scull_truncate(&f.dev, 10), 0);
	ck_assert_uint_eq(scull_dev_held(&f.dev), 4000);  /* never shrunk */
	ck_assert_int_eq(scull_truncate(&f.dev, 0), 0);
	ck_assert_uint_eq(scull_dev_held(&f.dev), 0);
	fix_fini(&f);
}
END_TEST

/* --------------------------------------------------------------- Model */

START_TEST(random_ops_match_model_small_geometry)
{
	/* items of 256 bytes; 2 MiB is 8192 items: a three-level index */
	run_model(64, 4, 2 << 20, 300, 16, 1000, 0x5eed0001 + _i);
}
END_TEST

START_TEST(random_ops_match_model_default_geometry)
{
	run_model(4000, 500, 16 << 20, 25, 40, 40, 0x5eed1001);
}
END_TEST

START_TEST(random_ops_match_model_odd_geometry)
{
	run_model(100, 3, 1 << 20, 400, 16, 1000, 0x5eed2001);
}
END_TEST

/* --------------------------------------------------------------- Small */

/* What each kmalloc class and the "scullc" cache hold right now. */
struct census {
	unsigned long k[UNIT_KMALLOC_CLASSES];
	unsigned long quanta;
};

static void census(struct fix *f, struct census *c)
{
	unsigned int i;

	for (i = 0; i < UNIT_KMALLOC_CLASSES; i++)
		c->k[i] = unit_live(kmem_cache_find(unit_kmalloc_name(i)));
	c->quanta = unit_live(f->sb.cache);
}

/* Blocks of class @name held now beyond @base. */
static long more(const struct census *base, const char *name)
{
	unsigned int i;

	for (i = 0; strcmp(unit_kmalloc_name(i), name); i++)
		;
	return (long)unit_live(kmem_cache_find(name)) - (long)base->k[i];
}

/* The device reads exactly @want (@len bytes from 0), and so do its iovecs. */
static void reads(struct scull_dev *dev, const uint8_t *want, size_t len)
{
	static uint8_t out[1 << 16];

	ck_assert_uint_le(len + 1, sizeof(out));
	ck_assert_int_eq(scull_read(dev, out, len + 1, 0), (ssize_t)len);
	ck_assert(memcmp(out, want, len) == 0);
	check_iov(dev, 0, len);
	if (len > 7)
		check_iov(dev, 7, len - 7);
}

START_TEST(small_quantum_grows_through_kmalloc_classes_to_a_whole_one)
{
	static uint8_t want[12000];
	struct census base;
	struct fix f;

	fix_init(&f, 4000, 500);
	census(&f, &base);
	fill(want, 100, 11);
	ck_assert_int_eq(scull_write(&f.dev, want, 100, 0), 100);
	/* 100 bytes: a 128-byte block in a one-slot qset array, no node */
	ck_assert_int_eq(more(&base, "kmalloc-128"), 1);
	ck_assert_int_eq(more(&base, "kmalloc-8"), 1);
	ck_assert_int_eq(more(&base, "kmalloc-1k"), 0);
	ck_assert_uint_eq(unit_live(f.sb.cache), base.quanta);
	ck_assert(index_empty(&f.dev.index));
	reads(&f.dev, want, 100);

	/* a hole inside the block, then data past it: 512 bytes */
	fill(want + 200, 100, 12);
	ck_assert_int_eq(scull_write(&f.dev, want + 200, 100, 200), 100);
	ck_assert_int_eq(more(&base, "kmalloc-128"), 0);
	ck_assert_int_eq(more(&base, "kmalloc-512"), 1);
	reads(&f.dev, want, 300);

	/* truncate down inside the block, up again: zeros, same block */
	ck_assert_int_eq(scull_truncate(&f.dev, 250), 0);
	ck_assert_int_eq(scull_truncate(&f.dev, 1900), 0);
	memset(want + 250, 0, 50);
	reads(&f.dev, want, 1900);
	ck_assert_int_eq(more(&base, "kmalloc-512"), 1);

	/* 1 byte at 2000: past half a quantum, a whole "scullc" object */
	want[2000] = 'w';
	ck_assert_int_eq(scull_write(&f.dev, "w", 1, 2000), 1);
	ck_assert_int_eq(more(&base, "kmalloc-512"), 0);
	ck_assert_uint_eq(unit_live(f.sb.cache) - base.quanta, 1);
	reads(&f.dev, want, 2001);

	/* across a quantum edge into the next: slot 1 grows the array to
	   two slots, and the second quantum starts small */
	fill(want + 3990, 20, 13);
	ck_assert_int_eq(scull_write(&f.dev, want + 3990, 20, 3990), 20);
	ck_assert_int_eq(more(&base, "kmalloc-8"), 0);
	ck_assert_int_eq(more(&base, "kmalloc-16"), 2);  /* array, quantum */
	reads(&f.dev, want, 4010);
	ck_assert_int_eq(scull_seek_data(&f.dev, 3000), 3000);
	ck_assert_int_eq(scull_seek_hole(&f.dev, 0), 4010);
	fix_fini(&f);
}
END_TEST

START_TEST(qset_array_grows_with_the_slots_used_and_item_1_makes_the_index)
{
	struct census base;
	struct scull_dev_info info;
	struct fix f;
	uint8_t out[4];

	fix_init(&f, 4000, 500);
	census(&f, &base);
	ck_assert_int_eq(scull_write(&f.dev, "a", 1, 0), 1);
	ck_assert_int_eq(more(&base, "kmalloc-8"), 1);
	ck_assert_int_eq(scull_write(&f.dev, "b", 1, 5 * 4000), 1);  /* slot 5 */
	ck_assert_int_eq(more(&base, "kmalloc-8"), 0);
	ck_assert_int_eq(more(&base, "kmalloc-64"), 1);
	ck_assert_int_eq(scull_write(&f.dev, "c", 1, 300 * 4000), 1);
	ck_assert_int_eq(more(&base, "kmalloc-64"), 0);
	ck_assert_int_eq(more(&base, "kmalloc-4k"), 1);   /* all 500 */
	ck_assert_int_eq(more(&base, "kmalloc-1k"), 0);
	ck_assert(index_empty(&f.dev.index));
	/* item 1: the first index node */
	ck_assert_int_eq(scull_write(&f.dev, "d", 1, 500 * 4000 + 1), 1);
	ck_assert_int_eq(more(&base, "kmalloc-1k"), 1);
	ck_assert(!index_empty(&f.dev.index));
	scull_dev_info(&f.dev, &info);
	ck_assert_uint_eq(info.nr_items, 2);
	ck_assert_uint_eq(info.nr_quanta, 4);
	ck_assert_int_eq(scull_read(&f.dev, out, 1, 5 * 4000), 1);
	ck_assert_uint_eq(out[0], 'b');
	ck_assert_int_eq(scull_read(&f.dev, out, 2, 500 * 4000), 2);
	ck_assert(memcmp(out, "\0d", 2) == 0);
	ck_assert_int_eq(scull_seek_data(&f.dev, 4000), 5 * 4000);
	ck_assert_int_eq(scull_seek_data(&f.dev, 300 * 4000 + 1),
			 300 * 4000 + 1);
	ck_assert_int_eq(scull_seek_data(&f.dev, 301 * 4000), 500 * 4000);
	ck_assert_int_eq(scull_seek_hole(&f.dev, 300 * 4000), 301 * 4000);
	/* item 0 emptied: its array goes, item 1 stays in the index */
	ck_assert_int_eq(scull_punch_hole(&f.dev, 0, 500 * 4000), 0);
	scull_dev_info(&f.dev, &info);
	ck_assert_uint_eq(info.nr_items, 1);
	ck_assert_ptr_null(f.dev.item0);
	ck_assert_int_eq(more(&base, "kmalloc-4k"), 0);
	ck_assert_int_eq(scull_seek_data(&f.dev, 0), 500 * 4000);
	/* truncating away item 1 leaves nothing at all */
	ck_assert_int_eq(scull_truncate(&f.dev, 4), 0);
	ck_assert(index_empty(&f.dev.index));
	ck_assert_int_eq(more(&base, "kmalloc-1k"), 0);
	fix_fini(&f);
}
END_TEST

START_TEST(allocate_turns_small_quanta_whole_keeping_their_data)
{
	static uint8_t want[9000];
	struct census base;
	struct fix f;

	fix_init(&f, 4000, 500);
	census(&f, &base);
	fill(want, 10, 21);
	ck_assert_int_eq(scull_write(&f.dev, want, 10, 0), 10);
	fill(want + 8000, 30, 22);
	ck_assert_int_eq(scull_write(&f.dev, want + 8000, 30, 8000), 30);
	ck_assert_uint_eq(unit_live(f.sb.cache), base.quanta);
	ck_assert_int_eq(scull_allocate(&f.dev, 0, 9000, false), 0);
	/* three whole quanta, no small block left (16 and 32 bytes), the
	   qset array of four slots (32 bytes) alone in kmalloc */
	ck_assert_uint_eq(unit_live(f.sb.cache) - base.quanta, 3);
	ck_assert_int_eq(more(&base, "kmalloc-16"), 0);
	ck_assert_int_eq(more(&base, "kmalloc-32"), 1);
	ck_assert_uint_eq(unit_kmalloc_live(), f.kmalloc_base + 1);
	reads(&f.dev, want, 9000);
	fix_fini(&f);
}
END_TEST

START_TEST(a_failed_growth_keeps_the_small_quantum_and_its_data)
{
	static uint8_t want[4000], buf[4000];
	struct failslab_attr a;
	struct scull_dev_info info;
	struct fix f;

	fix_init(&f, 4000, 500);
	fill(want, 50, 31);
	ck_assert_int_eq(scull_write(&f.dev, want, 50, 0), 50);
	memset(&a, 0, sizeof(a));
	a.interval = 1;
	a.probability = 100;
	a.times = -1;
	ck_assert_int_eq(failslab_set(&a), 0);
	fill(buf, sizeof(buf), 32);
	/* the first piece needs a larger block: nothing can be written */
	ck_assert_int_eq(scull_write(&f.dev, buf, 3000, 10), -ENOSPC);
	/* within the block: no allocation */
	ck_assert_int_eq(scull_write(&f.dev, buf, 10, 54), 10);
	ck_assert_int_eq(scull_allocate(&f.dev, 0, 100, false), -ENOSPC);
	failslab_set(NULL);
	memcpy(want + 54, buf, 10);
	scull_dev_info(&f.dev, &info);
	ck_assert_uint_eq(info.size, 64);
	ck_assert_uint_eq(info.nr_quanta, 1);
	reads(&f.dev, want, 64);
	fix_fini(&f);
}
END_TEST

START_TEST(write_fd_reads_a_pipe_into_the_quanta_and_drains_what_it_cannot_store)
{
	static uint8_t in[20000], out[20000];
	struct failslab_attr a;
	struct scull_dev_info info;
	struct fix f;
	int p[2];

	fix_init(&f, 4000, 500);
	ck_assert_int_eq(pipe(p), 0);
	fill(in, sizeof(in), 41);
	/* 20000 bytes span 6 quanta, more pieces than fit one readv */
	fcntl(p[1], F_SETPIPE_SZ, 1 << 16);
	ck_assert_int_eq(write(p[1], in, sizeof(in)), (ssize_t)sizeof(in));
	ck_assert_int_eq(scull_write_fd(&f.dev, p[0], sizeof(in), 3990),
			 (ssize_t)sizeof(in));
	ck_assert_int_eq(scull_read(&f.dev, out, sizeof(out), 3990),
			 (ssize_t)sizeof(out));
	ck_assert(memcmp(in, out, sizeof(in)) == 0);
	/* no room for any of it: ENOSPC, and the pipe is emptied anyway */
	ck_assert_int_eq(write(p[1], in, 5000), 5000);
	memset(&a, 0, sizeof(a));
	a.interval = 1;
	a.probability = 100;
	a.times = -1;
	ck_assert_int_eq(failslab_set(&a), 0);
	ck_assert_int_eq(scull_write_fd(&f.dev, p[0], 5000, 100000), -ENOSPC);
	failslab_set(NULL);
	ck_assert_int_eq(write(p[1], "xy", 2), 2);
	ck_assert_int_eq(read(p[0], out, sizeof(out)), 2);
	ck_assert(memcmp(out, "xy", 2) == 0);
	/* the pipe closed early: the rest reads as zeros, and EIO */
	ck_assert_int_eq(write(p[1], in, 10), 10);
	close(p[1]);
	ck_assert_int_eq(scull_write_fd(&f.dev, p[0], 100, 0), -EIO);
	memset(in + 10, 0, 90);
	ck_assert_int_eq(scull_read(&f.dev, out, 100, 0), 100);
	ck_assert(memcmp(in, out, 100) == 0);
	close(p[0]);
	scull_dev_info(&f.dev, &info);
	ck_assert_uint_eq(info.size, 3990 + sizeof(in));
	fix_fini(&f);
}
END_TEST

/* -------------------------------------------------------------- Limits */

START_TEST(one_byte_at_1e15_costs_one_quantum_and_an_index_path)
{
	static uint8_t out[100000];
	const uint64_t far = 1000000000000000ULL;
	struct scull_dev_info info;
	unsigned long nodes, qsets, smalls;
	struct fix f;
	size_t i;

	fix_init(&f, 4000, 500);
	nodes = unit_live(kmem_cache_find("kmalloc-1k"));
	qsets = unit_live(kmem_cache_find("kmalloc-8"));
	smalls = unit_live(kmem_cache_find("kmalloc-16"));
	ck_assert_int_eq(scull_write(&f.dev, "z", 1, far), 1);
	scull_dev_info(&f.dev, &info);
	ck_assert_uint_eq(info.size, far + 1);
	ck_assert_uint_eq(info.nr_quanta, 1);
	ck_assert_uint_eq(info.nr_items, 1);
	/* item 5e8 < 2^30: five index levels; its qset array holds slot 0
	   only, and the byte sits in a small quantum of 16 bytes */
	ck_assert_uint_eq(unit_live(kmem_cache_find("kmalloc-1k")) - nodes, 5);
	ck_assert_uint_eq(unit_live(kmem_cache_find("kmalloc-8")) - qsets, 1);
	ck_assert_uint_eq(unit_live(kmem_cache_find("kmalloc-16")) - smalls, 1);
	ck_assert_uint_eq(unit_live(f.sb.cache), 0);
	ck_assert_int_eq(scull_read(&f.dev, out, sizeof(out), far + 1 - sizeof(out)),
			 (ssize_t)sizeof(out));
	for (i = 0; i + 1 < sizeof(out); i++)
		ck_assert_uint_eq(out[i], 0);
	ck_assert_uint_eq(out[sizeof(out) - 1], 'z');
	ck_assert_int_eq(scull_seek_data(&f.dev, 0), (int64_t)far);
	ck_assert_int_eq(scull_seek_hole(&f.dev, 0), 0);
	ck_assert_int_eq(scull_seek_hole(&f.dev, far), (int64_t)far + 1);
	ck_assert_int_eq(scull_write(&f.dev, "a", 1, 0), 1);
	ck_assert_int_eq(scull_seek_data(&f.dev, 1), 1);     /* quantum 0 */
	ck_assert_int_eq(scull_seek_data(&f.dev, 4000), (int64_t)far);
	ck_assert_int_eq(scull_truncate(&f.dev, 1), 0);
	scull_dev_info(&f.dev, &info);
	ck_assert_uint_eq(info.nr_quanta, 1);
	/* item 0 hangs off the device: no index node is left */
	ck_assert_uint_eq(unit_live(kmem_cache_find("kmalloc-1k")) - nodes, 0);
	ck_assert(index_empty(&f.dev.index));
	fix_fini(&f);
}
END_TEST

START_TEST(writes_reaching_max_size_are_cut_and_past_it_efbig)
{
	struct fix f;
	struct scull_dev_info info;
	const uint64_t max = INT64_MAX;
	char out[8];

	/* quantum 1, qset 1: item numbers up to 2^63, an 11-level index */
	fix_init(&f, 1, 1);
	ck_assert_uint_eq(f.sb.max_size, max);
	ck_assert_int_eq(scull_write(&f.dev, "x", 1, max), -EFBIG);
	ck_assert_int_eq(scull_write(&f.dev, "abcdefgh", 8, max - 4), 4);
	scull_dev_info(&f.dev, &info);
	ck_assert_uint_eq(info.size, max);
	ck_assert_uint_eq(info.nr_quanta, 4);
	ck_assert_int_eq(scull_read(&f.dev, out, 8, max - 6), 6);
	ck_assert(memcmp(out, "\0\0abcd", 6) == 0);
	ck_assert_int_eq(scull_truncate(&f.dev, max + 1), -EFBIG);
	ck_assert_int_eq(scull_allocate(&f.dev, max - 1, 2, false), -EFBIG);
	ck_assert_int_eq(scull_punch_hole(&f.dev, max, 1), -EFBIG);
	ck_assert_int_eq(scull_zero_range(&f.dev, 0, UINT64_MAX, false), -EFBIG);
	ck_assert_int_eq(scull_seek_data(&f.dev, 0), (int64_t)(max - 4));
	ck_assert_int_eq(scull_seek_hole(&f.dev, max - 4), (int64_t)max);
	ck_assert_int_eq(scull_write(&f.dev, "y", 1, 0), 1);
	ck_assert_int_eq(scull_truncate(&f.dev, 3), 0);
	scull_dev_info(&f.dev, &info);
	ck_assert_uint_eq(info.nr_quanta, 1);
	fix_fini(&f);
}
END_TEST

/* -------------------------------------------------------------- Faults */

/* The workload: sparse writes, over data and holes, growing the index. */
static const struct { uint64_t off, len; } fault_writes[] = {
	{ 0, 100 }, { 250, 700 }, { 64 * 4 * 70, 600 }, { 1000, 3000 },
	{ 64 * 4 * 64 * 64 + 10, 300 }, { 30, 40 }, { 5000, 1 },
	{ 64 * 4 * 64 * 64 * 3 - 7, 520 }, { 200, 5000 },
};

/* write_whole - scull_write_whole of @len bytes of @buf, from memory or,
   on odd @n, through a pipe (scull_write_fd_whole, which must drain it) */
static ssize_t write_whole(struct scull_dev *dev, const uint8_t *buf,
			   size_t len, uint64_t off, unsigned long n)
{
	ssize_t r;
	int p[2];
	char c;

	if (n % 2 == 0)
		return scull_write_whole(dev, buf, len, off);
	ck_assert_int_eq(pipe(p), 0);
	fcntl(p[1], F_SETPIPE_SZ, 1 << 16);
	ck_assert_int_eq(write(p[1], buf, len), (ssize_t)len);
	ck_assert_int_eq(write(p[1], "!", 1), 1);
	r = scull_write_fd_whole(dev, p[0], len, off);
	ck_assert_int_eq(read(p[0], &c, 1), 1);
	ck_assert_int_eq(c, '!');
	close(p[0]);
	close(p[1]);
	return r;
}

/*
 * fail_every_nth - run fault_writes with the Nth slab allocation failing,
 * for every N until the workload needs fewer, through scull_write or
 * (@whole) the whole-or-nothing writes; every write must store a prefix
 * (all of it, when @whole) or nothing, and the device must match the
 * model after each.  Returns the short and the failed writes seen.
 */
static void fail_every_nth(bool whole, unsigned long *shorts,
			   unsigned long *fails)
{
	static uint8_t buf[8000];
	struct model m;
	struct fix f;
	unsigned long n, injected;
	ssize_t r;
	size_t w;

	model_init(&m, 64, 4, 64 * 4 * 64 * 64 * 4);
	m.held_at_least = true;
	fix_init(&f, 64, 4);
	for (n = 1;; n++) {
		model_reset(&m);
		injected = failslab_failures();
		unit_failslab_nth(n);
		for (w = 0; w < sizeof(fault_writes) / sizeof(fault_writes[0]); w++) {
			fill(buf, fault_writes[w].len, n * 100 + w);
			r = whole ? write_whole(&f.dev, buf, fault_writes[w].len,
						fault_writes[w].off, n) :
				    scull_write(&f.dev, buf, fault_writes[w].len,
						fault_writes[w].off);
			if (r < 0) {
				ck_assert_int_eq(r, -ENOSPC);
				(*fails)++;
			} else {
				ck_assert_int_le(r, (ssize_t)fault_writes[w].len);
				*shorts += r < (ssize_t)fault_writes[w].len;
			}
			model_write(&m, buf, fault_writes[w].off, r > 0 ? r : 0);
			/* the range and its neighbours; counters: the rest */
			check_range(&f.dev, &m, fault_writes[w].off < 64 ? 0 :
				    fault_writes[w].off - 64,
				    fault_writes[w].off + fault_writes[w].len + 64);
		}
		for (w = 0; w < sizeof(fault_writes) / sizeof(fault_writes[0]); w++)
			check_range(&f.dev, &m, fault_writes[w].off,
				    fault_writes[w].off + fault_writes[w].len);
		check_range(&f.dev, &m, 0, 8192);
		failslab_set(NULL);
		scull_dev_destroy(&f.dev);
		ck_assert_uint_eq(unit_live(f.sb.cache), 0);
		ck_assert_uint_eq(unit_kmalloc_live(), f.kmalloc_base);
		if (failslab_failures() == injected)
			break;              /* the workload needs fewer than n */
		ck_assert_int_eq(scull_dev_init(&f.dev, &f.sb), 0);
	}
	ck_assert_uint_gt(n, 20);
	ck_assert_int_eq(scull_sb_destroy(&f.sb), 0);
	model_fini(&m);
}

START_TEST(every_failed_allocation_leaves_a_prefix_or_nothing)
{
	unsigned long shorts = 0, fails = 0;

	fail_every_nth(false, &shorts, &fails);
	ck_assert_uint_gt(shorts, 5);
	ck_assert_uint_gt(fails, 5);
}
END_TEST

START_TEST(every_failed_allocation_leaves_a_whole_write_stored_or_nothing)
{
	unsigned long shorts = 0, fails = 0;

	fail_every_nth(true, &shorts, &fails);
	ck_assert_uint_eq(shorts, 0);
	ck_assert_uint_gt(fails, 5);
}
END_TEST

START_TEST(a_whole_write_past_max_size_is_efbig_and_changes_nothing)
{
	static uint8_t buf[100];
	struct scull_dev_info info;
	struct fix f;
	uint64_t max;

	fix_init(&f, 64, 4);
	max = f.sb.max_size;
	fill(buf, sizeof(buf), 7);
	ck_assert_int_eq(scull_write_whole(&f.dev, buf, 10, max - 5), -EFBIG);
	ck_assert_int_eq(scull_write_whole(&f.dev, buf, 10, max), -EFBIG);
	ck_assert_int_eq(scull_write_whole(&f.dev, buf, 5, max - 5), 5);
	scull_dev_info(&f.dev, &info);
	ck_assert_uint_eq(info.size, max);
	ck_assert_uint_eq(info.nr_quanta, 1);
	ck_assert_int_eq(scull_write_whole(&f.dev, buf, 0, 0), 0);
	fix_fini(&f);
}
END_TEST

START_TEST(failed_allocate_frees_only_what_it_added)
{
	static uint8_t buf[4096];
	struct fix f;
	struct model m;
	unsigned long n, injected;
	int r;

	model_init(&m, 64, 4, 64 * 4 * 200);
	m.held_at_least = true;
	fix_init(&f, 64, 4);
	for (n = 1;; n++) {
		/* existing quanta, one of them all zeros, around holes */
		model_reset(&m);
		fill(buf, sizeof(buf), n);
		ck_assert_int_eq(scull_write(&f.dev, buf, 100, 0), 100);
		model_write(&m, buf, 0, 100);
		memset(buf, 0, 64);
		ck_assert_int_eq(scull_write(&f.dev, buf, 64, 64 * 4 * 70), 64);
		model_write(&m, buf, 64 * 4 * 70, 64);
		ck_assert_int_eq(scull_write(&f.dev, buf, 1, 64 * 4 * 150 + 3), 1);
		model_write(&m, buf, 64 * 4 * 150 + 3, 1);

		injected = failslab_failures();
		unit_failslab_nth(n);
		r = scull_allocate(&f.dev, 50, 64 * 4 * 180, false);
		failslab_set(NULL);
		if (r) {
			ck_assert_int_eq(r, -ENOSPC);
		} else {
			model_allocate(&m, 50, 50 + 64 * 4 * 180, false);
		}
		check_range(&f.dev, &m, 0, m.span);
		scull_dev_destroy(&f.dev);
		ck_assert_uint_eq(unit_live(f.sb.cache), 0);
		ck_assert_uint_eq(unit_kmalloc_live(), f.kmalloc_base);
		if (failslab_failures() == injected) {
			ck_assert_int_eq(r, 0);
			break;
		}
		ck_assert_int_eq(scull_dev_init(&f.dev, &f.sb), 0);
	}
	ck_assert_uint_gt(n, 180);
	ck_assert_int_eq(scull_sb_destroy(&f.sb), 0);
	model_fini(&m);
}
END_TEST

START_TEST(truncate_punch_and_zero_never_allocate)
{
	static uint8_t buf[20000];
	struct failslab_attr a;
	struct scull_dev_info info;
	struct fix f;
	unsigned long before;

	fix_init(&f, 64, 4);
	fill(buf, sizeof(buf), 3);
	ck_assert_int_eq(scull_write(&f.dev, buf, sizeof(buf), 1000), 20000);
	ck_assert_int_eq(scull_write(&f.dev, buf, 10, 1ULL << 40), 10);
	memset(&a, 0, sizeof(a));
	a.interval = 1;
	a.probability = 100;
	a.times = -1;                      /* every allocation fails */
	ck_assert_int_eq(failslab_set(&a), 0);
	before = failslab_failures();
	ck_assert_int_eq(scull_punch_hole(&f.dev, 1100, 5000), 0);
	ck_assert_int_eq(scull_zero_range(&f.dev, 7000, 9000, false), 0);
	ck_assert_int_eq(scull_zero_range(&f.dev, 2ULL << 40, 10, false), 0);
	ck_assert_int_eq(scull_truncate(&f.dev, 3000), 0);
	ck_assert_int_eq(scull_truncate(&f.dev, 5000), 0);
	ck_assert_uint_eq(failslab_failures(), before);
	ck_assert_int_eq(scull_write(&f.dev, buf, 10, 100000), -ENOSPC);
	ck_assert_int_eq(scull_allocate(&f.dev, 100000, 10, false), -ENOSPC);
	scull_dev_info(&f.dev, &info);
	ck_assert_uint_eq(info.size, 5000);
	ck_assert_uint_ge(failslab_failures() - before, 2);
	failslab_set(NULL);
	fix_fini(&f);
}
END_TEST

/* The device reads @want (@len bytes) at @off. */
static void reads_at(struct scull_dev *dev, const uint8_t *want, uint64_t off,
		     size_t len)
{
	static uint8_t out[1 << 16];

	ck_assert_uint_le(len, sizeof(out));
	ck_assert_int_eq(scull_read(dev, out, len, off), (ssize_t)len);
	ck_assert(memcmp(out, want, len) == 0);
}

START_TEST(an_allocate_told_to_stop_undoes_what_it_added)
{
	static uint8_t want[100];
	struct scull_dev_info info;
	struct fix f;
	int stop = 1, go = 0;

	fix_init(&f, 64, 4);
	fill(want, sizeof(want), 51);
	ck_assert_int_eq(scull_write(&f.dev, want, sizeof(want), 1000), 100);
	/* told before it starts: it still gives up, leaving what was there */
	ck_assert_int_eq(scull_allocate_intr(&f.dev, 0, 64 * 4 * 1000, false,
					     &stop), -EINTR);
	scull_dev_info(&f.dev, &info);
	ck_assert_uint_eq(info.size, 1100);
	ck_assert_uint_eq(info.nr_quanta, 3);
	/* quantum 17 was small; on the way it became whole, and stays so */
	ck_assert_uint_eq(unit_live(f.sb.cache), 3);
	reads_at(&f.dev, want, 1000, sizeof(want));
	/* never told: an ordinary allocate */
	ck_assert_int_eq(scull_allocate_intr(&f.dev, 0, 64 * 4 * 10, false,
					     &go), 0);
	scull_dev_info(&f.dev, &info);
	ck_assert_uint_eq(info.nr_quanta, 40);
	reads_at(&f.dev, want, 1000, sizeof(want));
	fix_fini(&f);
}
END_TEST

/* --------------------------------------------------------- Concurrency */

#define BLOCK    2048                 /* 4 quanta of 512: one item */
#define NBLOCKS  64
#define ROUNDS   20000

struct share {
	struct scull_dev *dev;
	atomic_bool stop;
	atomic_ulong reads;
	atomic_ulong torn;
};

/* A block is consistent when every 8-byte word holds the same value. */
static bool whole(const uint64_t *w, size_t len)
{
	size_t i;

	for (i = 1; i < len / 8; i++)
		if (w[i] != w[0])
			return false;
	return true;
}

static void *reader(void *arg)
{
	struct share *sh = arg;
	uint64_t words[BLOCK / 8], seed = (uintptr_t)&seed;
	struct iovec iov[8];
	size_t at, n;
	int count, i;
	uint64_t b;

	while (!atomic_load(&sh->stop)) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		b = (seed >> 33) % NBLOCKS;
		if (seed & (1ULL << 20)) {
			if (scull_read(sh->dev, words, BLOCK, b * BLOCK) != BLOCK ||
			    !whole(words, BLOCK))
				atomic_fetch_add(&sh->torn, 1);
		} else {
			scull_read_lock(sh->dev);
			n = scull_read_iov(sh->dev, b * BLOCK, BLOCK, iov, 8,
					   &count);
			for (i = 0, at = 0; i < count; at += iov[i].iov_len, i++)
				memcpy((char *)words + at, iov[i].iov_base,
				       iov[i].iov_len);
			scull_read_unlock(sh->dev);
			if (n != BLOCK || !whole(words, BLOCK))
				atomic_fetch_add(&sh->torn, 1);
		}
		atomic_fetch_add(&sh->reads, 1);
	}
	return NULL;
}

START_TEST(readers_never_see_a_torn_block)
{
	uint64_t words[BLOCK / 8];
	struct share sh;
	pthread_t t[3];
	struct fix f;
	unsigned int r, i;
	uint64_t b;

	fix_init(&f, 512, 4);
	sh.dev = &f.dev;
	atomic_init(&sh.stop, false);
	atomic_init(&sh.reads, 0);
	atomic_init(&sh.torn, 0);
	ck_assert_int_eq(scull_truncate(&f.dev, NBLOCKS * BLOCK), 0);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, reader, &sh), 0);
	unit_rnd_seed(77);
	for (r = 1; r <= ROUNDS; r++) {
		b = unit_below(NBLOCKS);
		switch (unit_below(8)) {
		case 0:
			/* a hole block reads as all zeros: consistent too */
			ck_assert_int_eq(scull_punch_hole(&f.dev, b * BLOCK,
							  BLOCK), 0);
			break;
		default:
			for (i = 0; i < BLOCK / 8; i++)
				words[i] = r;
			ck_assert_int_eq(scull_write(&f.dev, words, BLOCK,
						     b * BLOCK), BLOCK);
		}
	}
	atomic_store(&sh.stop, true);
	for (i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	ck_assert_uint_gt(atomic_load(&sh.reads), 100);
	ck_assert_uint_eq(atomic_load(&sh.torn), 0);
	fix_fini(&f);
}
END_TEST

/* --------------------------------------------------------------- suite */

static Suite *scull_suite(void)
{
	Suite *s = suite_create("scull");
	TCase *tc;

	tc = tcase_create("Core");
	tcase_add_test(tc, empty_device_reads_nothing_and_seeks_enxio);
	tcase_add_test(tc, write_spanning_items_reads_back_and_counts_quanta);
	tcase_add_test(tc, truncate_frees_quanta_past_end_and_regrowth_reads_zeros);
	tcase_add_test(tc, punch_hole_frees_whole_quanta_and_keeps_size);
	tcase_add_test(tc, zero_range_never_allocates_and_grows_size_unless_kept);
	tcase_add_test(tc, allocate_fills_holes_with_zeroed_quanta_that_count_as_data);
	tcase_add_test(tc, for_each_item_visits_items_in_order_and_stops_on_nonzero);
	tcase_add_test(tc, read_iov_merges_holes_and_points_into_quanta);
	tcase_add_test(tc, sb_init_rejects_bad_geometry_and_a_second_mount);
	tcase_add_test(tc, sb_destroy_with_live_quanta_is_busy);
	tcase_add_test(tc, held_counts_each_quantum_at_its_capacity);
	suite_add_tcase(s, tc);

	tc = tcase_create("Model");
	tcase_set_timeout(tc, 90);    /* ~15 s on a busy 2-core machine */
	tcase_add_loop_test(tc, random_ops_match_model_small_geometry, 0, 4);
	tcase_add_test(tc, random_ops_match_model_default_geometry);
	tcase_add_test(tc, random_ops_match_model_odd_geometry);
	suite_add_tcase(s, tc);

	tc = tcase_create("Small");
	tcase_add_test(tc, small_quantum_grows_through_kmalloc_classes_to_a_whole_one);
	tcase_add_test(tc, qset_array_grows_with_the_slots_used_and_item_1_makes_the_index);
	tcase_add_test(tc, allocate_turns_small_quanta_whole_keeping_their_data);
	tcase_add_test(tc, a_failed_growth_keeps_the_small_quantum_and_its_data);
	tcase_add_test(tc, write_fd_reads_a_pipe_into_the_quanta_and_drains_what_it_cannot_store);
	suite_add_tcase(s, tc);

	tc = tcase_create("Limits");
	tcase_add_test(tc, one_byte_at_1e15_costs_one_quantum_and_an_index_path);
	tcase_add_test(tc, writes_reaching_max_size_are_cut_and_past_it_efbig);
	suite_add_tcase(s, tc);

	tc = tcase_create("Faults");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, every_failed_allocation_leaves_a_prefix_or_nothing);
	tcase_add_test(tc, every_failed_allocation_leaves_a_whole_write_stored_or_nothing);
	tcase_add_test(tc, a_whole_write_past_max_size_is_efbig_and_changes_nothing);
	tcase_add_test(tc, failed_allocate_frees_only_what_it_added);
	tcase_add_test(tc, truncate_punch_and_zero_never_allocate);
	tcase_add_test(tc, an_allocate_told_to_stop_undoes_what_it_added);
	suite_add_tcase(s, tc);

	tc = tcase_create("Concurrency");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, readers_never_see_a_torn_block);
	suite_add_tcase(s, tc);

	return s;
}

UNIT_MAIN(scull_suite, 20)
