/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scullc_ldd3.c - LDD3's scullc driver memory handling, run in user space */

/*
 * Chapter 8 of Linux Device Drivers (3rd ed.) turns the scull device into
 * "scullc": the same list of items, each a qset array of quantum pointers,
 * but every quantum now comes from a lookaside cache of its own instead of
 * kmalloc.  This program keeps that shape so the driver's memory code can be
 * followed call by call against libscullc:
 *
 *   module init   kmem_cache_create("scullc", quantum, 0, SLAB_HWCACHE_ALIGN,
 *                 NULL)
 *   write         walk to the item, kmalloc its qset array, then
 *                 kmem_cache_alloc(GFP_KERNEL) + memset for a missing quantum
 *   trim          kmem_cache_free every quantum, kfree every qset array
 *   module exit   kmem_cache_destroy, checking what it says
 *
 * There is no file_operations table: main() calls write and read directly,
 * the way a test harness would drive the driver, and prints the "scullc"
 * line of slabinfo between the steps.  Exit status 0 means every quantum
 * came back and the cache could be destroyed.
 *
 * Build: part of `make` (examples/scullc_ldd3), or against an installed
 * library: cc scullc_ldd3.c $(pkg-config --cflags --libs scullc)
 */

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <scullc/slab.h>

/* The book's module parameters and their defaults. */
static int scullc_quantum = 4000;      /* bytes per quantum */
static int scullc_qset = 1000;         /* quantum pointers per item */
static int scullc_devs = 4;            /* scullc0 .. scullc3 */

/* One list item, and the head item of each device (as in the book). */
struct scullc_dev {
	void **data;                   /* qset array, NULL until written */
	struct scullc_dev *next;       /* next item, NULL at the end */
	int quantum;                   /* geometry in force for this device */
	int qset;
	size_t size;                   /* bytes, holes included */
	pthread_mutex_t sem;           /* the book's semaphore; head only */
};

static struct kmem_cache *scullc_cache;    /* where every quantum lives */
static struct scullc_dev *scullc_devices;  /* scullc_devs head items */

/*
 * scullc_trim - free every quantum and qset array of @dev and forget its
 * size.  The caller holds dev->sem (or is the only user, at exit).
 */
static void scullc_trim(struct scullc_dev *dev)
{
	struct scullc_dev *dptr, *next;
	int i;

	for (dptr = dev; dptr; dptr = next) {
		if (dptr->data) {
			for (i = 0; i < dptr->qset; i++)
				kmem_cache_free(scullc_cache, dptr->data[i]);
			kfree(dptr->data);
			dptr->data = NULL;
		}
		next = dptr->next;
		if (dptr != dev)
			kfree(dptr);   /* the head item is part of the array */
	}
	dev->size = 0;
	dev->quantum = scullc_quantum;
	dev->qset = scullc_qset;
	dev->next = NULL;
}

/* scullc_follow - item @n of @dev, adding empty items on the way. */
static struct scullc_dev *scullc_follow(struct scullc_dev *dev, long n)
{
	while (n-- > 0) {
		if (!dev->next) {
			dev->next = kzalloc(sizeof(*dev->next), GFP_KERNEL);
			if (!dev->next)
				return NULL;
			dev->next->qset = dev->qset;
			dev->next->quantum = dev->quantum;
		}
		dev = dev->next;
	}
	return dev;
}

/*
 * scullc_write - store up to one quantum of @buf at *@f_pos, as the driver's
 * write method does (a short write is left to the caller to repeat).
 * Returns the bytes stored or -ENOMEM.
 */
static ssize_t scullc_write(struct scullc_dev *dev, const char *buf,
			    size_t count, off_t *f_pos)
{
	long itemsize = (long)dev->quantum * dev->qset;
	struct scullc_dev *dptr;
	long item, rest;
	int s_pos, q_pos;
	ssize_t retval = -ENOMEM;

	pthread_mutex_lock(&dev->sem);
	item = *f_pos / itemsize;
	rest = *f_pos % itemsize;
	s_pos = (int)(rest / dev->quantum);
	q_pos = (int)(rest % dev->quantum);

	dptr = scullc_follow(dev, item);
	if (!dptr)
		goto out;
	if (!dptr->data) {
		dptr->data = kmalloc(dptr->qset * sizeof(void *), GFP_KERNEL);
		if (!dptr->data)
			goto out;
		memset(dptr->data, 0, dptr->qset * sizeof(void *));
	}
	if (!dptr->data[s_pos]) {
		/* The one line chapter 8 changes: a cache, not kmalloc. */
		dptr->data[s_pos] = kmem_cache_alloc(scullc_cache, GFP_KERNEL);
		if (!dptr->data[s_pos])
			goto out;
		memset(dptr->data[s_pos], 0, dev->quantum);
	}
	if (count > (size_t)(dev->quantum - q_pos))
		count = dev->quantum - q_pos;      /* up to the quantum's end */
	memcpy((char *)dptr->data[s_pos] + q_pos, buf, count);
	*f_pos += count;
	retval = count;
	if (dev->size < (size_t)*f_pos)
		dev->size = *f_pos;
out:
	pthread_mutex_unlock(&dev->sem);
	return retval;
}

/* scullc_read - copy up to one quantum from *@f_pos; 0 at the end. */
static ssize_t scullc_read(struct scullc_dev *dev, char *buf, size_t count,
			   off_t *f_pos)
{
	long itemsize = (long)dev->quantum * dev->qset;
	struct scullc_dev *dptr;
	long item, rest;
	int s_pos, q_pos;
	ssize_t retval = 0;

	pthread_mutex_lock(&dev->sem);
	if ((size_t)*f_pos >= dev->size)
		goto out;
	if ((size_t)*f_pos + count > dev->size)
		count = dev->size - *f_pos;
	item = *f_pos / itemsize;
	rest = *f_pos % itemsize;
	s_pos = (int)(rest / dev->quantum);
	q_pos = (int)(rest % dev->quantum);

	for (dptr = dev; dptr && item > 0; item--)
		dptr = dptr->next;
	if (count > (size_t)(dev->quantum - q_pos))
		count = dev->quantum - q_pos;
	if (!dptr || !dptr->data || !dptr->data[s_pos])
		memset(buf, 0, count);             /* a hole reads as zeros */
	else
		memcpy(buf, (char *)dptr->data[s_pos] + q_pos, count);
	*f_pos += count;
	retval = count;
out:
	pthread_mutex_unlock(&dev->sem);
	return retval;
}

static int scullc_init(void)
{
	int i;

	scullc_cache = kmem_cache_create("scullc", scullc_quantum, 0,
					 SLAB_HWCACHE_ALIGN, NULL);
	if (!scullc_cache)
		return -errno;
	scullc_devices = kcalloc(scullc_devs, sizeof(*scullc_devices),
				 GFP_KERNEL);
	if (!scullc_devices) {
		kmem_cache_destroy(scullc_cache);
		return -ENOMEM;
	}
	for (i = 0; i < scullc_devs; i++) {
		scullc_devices[i].quantum = scullc_quantum;
		scullc_devices[i].qset = scullc_qset;
		pthread_mutex_init(&scullc_devices[i].sem, NULL);
	}
	return 0;
}

/* Returns what kmem_cache_destroy said: 0, or -EBUSY if quanta leaked. */
static int scullc_cleanup(void)
{
	int i, err;

	for (i = 0; i < scullc_devs; i++) {
		scullc_trim(&scullc_devices[i]);
		pthread_mutex_destroy(&scullc_devices[i].sem);
	}
	kfree(scullc_devices);
	/* LDD3: check the result; a failure means the module leaked. */
	err = kmem_cache_destroy(scullc_cache);
	if (err)
		fprintf(stderr, "scullc: cache not destroyed (%s): "
			"quanta still allocated\n", strerror(-err));
	return err;
}

/* Print the slabinfo header and the "scullc" line, under a title. */
static void show_slabinfo(const char *title)
{
	size_t len = slabinfo_read(NULL, 0) + 1;
	char *buf = malloc(len), *line, *save;

	if (!buf)
		return;
	slabinfo_read(buf, len);
	printf("%s\n", title);
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (line[0] == '#' || strncmp(line, "scullc ", 7) == 0)
			printf("  %s\n", line);
	free(buf);
}

/* Write @len bytes of a repeating pattern into @dev from offset 0. */
static int fill(struct scullc_dev *dev, size_t len, char seed)
{
	char chunk[1024];
	off_t pos = 0;
	size_t i;

	for (i = 0; i < sizeof(chunk); i++)
		chunk[i] = (char)(seed + i % 23);
	while ((size_t)pos < len) {
		size_t n = len - pos < sizeof(chunk) ? len - pos : sizeof(chunk);
		size_t done = 0;

		while (done < n) {
			ssize_t w = scullc_write(dev, chunk + done, n - done,
						 &pos);

			if (w < 0)
				return (int)w;
			done += w;
		}
	}
	return 0;
}

/* Read @dev back and compare it with what fill() wrote. */
static int check(struct scullc_dev *dev, size_t len, char seed)
{
	char buf[1000];
	off_t pos = 0;
	ssize_t n;

	while ((n = scullc_read(dev, buf, sizeof(buf), &pos)) > 0) {
		ssize_t i;

		for (i = 0; i < n; i++) {
			size_t at = pos - n + i;

			if (buf[i] != (char)(seed + at % 1024 % 23))
				return -1;
		}
	}
	return (size_t)pos == len ? 0 : -1;
}

int main(void)
{
	static const size_t sizes[2] = { 10000, 6u << 20 };  /* scullc0, 1 */
	struct kmem_cache_stats st;
	int i, err;

	err = scullc_init();
	if (err) {
		fprintf(stderr, "scullc: init failed: %s\n", strerror(-err));
		return 1;
	}
	show_slabinfo("after module init:");

	for (i = 0; i < 2; i++) {
		if (fill(&scullc_devices[i], sizes[i], (char)('a' + i)) ||
		    check(&scullc_devices[i], sizes[i], (char)('a' + i))) {
			fprintf(stderr, "scullc%d: write or read-back failed\n",
				i);
			scullc_cleanup();
			return 1;
		}
		printf("scullc%d: %zu bytes written and read back\n", i,
		       sizes[i]);
	}
	show_slabinfo("after writing:");

	for (i = 0; i < scullc_devs; i++) {
		pthread_mutex_lock(&scullc_devices[i].sem);
		scullc_trim(&scullc_devices[i]);
		pthread_mutex_unlock(&scullc_devices[i].sem);
	}
	/*
	 * Like the SLAB allocator, slabinfo counts the objects parked in
	 * this thread's per-thread cache as active; shrinking gives them
	 * (and the empty slabs) back.
	 */
	show_slabinfo("after trim:");
	kmem_cache_shrink(scullc_cache);
	show_slabinfo("after kmem_cache_shrink:");

	kmem_cache_get_stats(scullc_cache, &st);
	err = scullc_cleanup();
	printf("scullc: %lu objects active at exit, kmem_cache_destroy: %d\n",
	       st.active_objs, err);
	return st.active_objs == 0 && err == 0 ? 0 : 1;
}
