/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fs_stress.c - many threads on one mount while the caches are tuned and shrunk */

/*
 * Usage: fs_stress MOUNTPOINT [OPS]
 *
 * NR_WORKERS threads each run OPS operations drawn from their own seeded
 * generator on two files of their own in one shared directory: create,
 * write at a random offset, read back a random range, truncate, list the
 * directory, remove.  Each keeps a model of its files' contents (every
 * byte it wrote, zeros elsewhere) and compares every read with it, so a
 * quantum handed out twice or a byte lost shows as a mismatch.  Meanwhile
 * a tuner thread keeps changing every cache's limit, batchcount and shared
 * factor through the mount's slabinfo file (and reading it), and a
 * shrinker thread keeps making the daemon give memory back: through
 * slab/CACHE/shrink where the mount has it, else by filling the mount to
 * its size= limit, which makes the daemon reclaim (shrink every cache,
 * drain per-thread caches) before it answers ENOSPC.  A write that meets
 * ENOSPC meanwhile empties its file (truncate never needs memory) and the
 * model follows.  The tuner and shrinker run until the workers finish and
 * at least MIN_TUNES and MIN_SHRINKS times: the test is bounded by counts,
 * never by time.  Exit status 0 when every read matched, 1 otherwise.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NR_WORKERS   4
#define NR_FILES     2               /* per worker */
#define MAX_SIZE     (192 * 1024)    /* a file's model */
#define MAX_WRITE    (24 * 1024)
#define MIN_TUNES    40
#define MIN_SHRINKS  8
#define MAX_EXTRA    100000          /* tuner/shrinker rounds after the
                                        minimum, should workers stall */
#define NR_NAMES     64

struct file {
	int fd;                          /* -1: no file */
	char path[512];
	size_t size;
	unsigned char *model;            /* MAX_SIZE bytes */
};

struct worker {
	pthread_t thread;
	unsigned int id;
	uint64_t rng;
	unsigned long serial;            /* for new names and write patterns */
	struct file files[NR_FILES];
	unsigned long ops, writes, reads, truncs, removes, enospc, bad;
};

static const char *mnt;
static char dir[512];
static unsigned long ops_per_worker = 3000;
static struct worker workers[NR_WORKERS];
static atomic_uint workers_left = NR_WORKERS;
static atomic_ulong tunes, shrinks, tune_errors;
static atomic_bool failed;

static void failf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void failf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("fs_stress: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	atomic_store(&failed, true);
}

static uint64_t next_rand(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

static unsigned long rnd(uint64_t *s, unsigned long n)
{
	return (unsigned long)(next_rand(s) % n);
}

/* ------------------------------------------------------------------ */
/* Workers                                                             */

static void drop(struct worker *w, struct file *f)
{
	if (f->fd < 0)
		return;
	close(f->fd);
	if (unlink(f->path) && errno != ENOENT)
		failf("unlink %s: %s", f->path, strerror(errno));
	f->fd = -1;
	f->size = 0;
	w->removes++;
}

static bool create(struct worker *w, struct file *f)
{
	snprintf(f->path, sizeof(f->path), "%s/w%u-%lu", dir, w->id,
		 w->serial++);
	f->fd = open(f->path, O_RDWR | O_CREAT | O_EXCL, 0644);
	if (f->fd < 0) {
		if (errno == ENOSPC) {
			w->enospc++;
			return false;
		}
		failf("create %s: %s", f->path, strerror(errno));
		return false;
	}
	f->size = 0;
	memset(f->model, 0, MAX_SIZE);
	return true;
}

/* The file met ENOSPC partway: empty it, and the model with it. */
static void reset(struct worker *w, struct file *f)
{
	w->enospc++;
	if (ftruncate(f->fd, 0)) {
		failf("truncate %s to 0 after ENOSPC: %s", f->path,
		      strerror(errno));
		return;
	}
	f->size = 0;
	memset(f->model, 0, MAX_SIZE);
}

static void do_write(struct worker *w, struct file *f)
{
	size_t off = rnd(&w->rng, MAX_SIZE);
	size_t len = 1 + rnd(&w->rng, MAX_WRITE);
	unsigned char buf[MAX_WRITE];
	uint64_t pat = ((uint64_t)w->id << 56) ^ (w->serial++ * 0x9e3779b97f4a7c15ULL);
	size_t i;
	ssize_t n;

	if (off + len > MAX_SIZE)
		len = MAX_SIZE - off;
	for (i = 0; i < len; i++)
		buf[i] = (unsigned char)(next_rand(&pat) >> 24);
	n = pwrite(f->fd, buf, len, (off_t)off);
	if (n < 0 && errno == ENOSPC) {
		reset(w, f);
		return;
	}
	if (n != (ssize_t)len) {
		if (n >= 0) {   /* a short count at the limit */
			reset(w, f);
			return;
		}
		failf("write %s: %s", f->path, strerror(errno));
		return;
	}
	memcpy(f->model + off, buf, len);
	if (off + len > f->size)
		f->size = off + len;
	w->writes++;
}

static void check_range(struct worker *w, struct file *f, size_t off,
			size_t len)
{
	unsigned char buf[MAX_WRITE];
	size_t want = off >= f->size ? 0 : (f->size - off < len ? f->size - off : len);
	ssize_t n = pread(f->fd, buf, len, (off_t)off);

	if (n < 0) {
		failf("read %s: %s", f->path, strerror(errno));
		return;
	}
	if ((size_t)n != want) {
		failf("read %s at %zu: %zd bytes, want %zu (size %zu)",
		      f->path, off, n, want, f->size);
		w->bad++;
		return;
	}
	if (memcmp(buf, f->model + off, want)) {
		size_t i = 0;

		while (buf[i] == f->model[off + i])
			i++;
		failf("read %s: byte %zu is %#x, want %#x", f->path, off + i,
		      buf[i], f->model[off + i]);
		w->bad++;
	}
	w->reads++;
}

static void do_truncate(struct worker *w, struct file *f)
{
	size_t size = rnd(&w->rng, MAX_SIZE);

	if (ftruncate(f->fd, (off_t)size)) {
		if (errno == ENOSPC) {
			reset(w, f);
			return;
		}
		failf("truncate %s: %s", f->path, strerror(errno));
		return;
	}
	if (size < f->size)
		memset(f->model + size, 0, f->size - size);
	f->size = size;
	w->truncs++;
}

static void do_list(struct worker *w)
{
	struct dirent *de;
	unsigned int mine = 0, want = 0, i;
	char prefix[32];
	DIR *d = opendir(dir);

	if (!d) {
		failf("opendir %s: %s", dir, strerror(errno));
		return;
	}
	snprintf(prefix, sizeof(prefix), "w%u-", w->id);
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, prefix, strlen(prefix)))
			mine++;
	closedir(d);
	for (i = 0; i < NR_FILES; i++)
		want += w->files[i].fd >= 0;
	/* nobody else creates or removes this worker's names */
	if (mine != want)
		failf("worker %u: the directory lists %u of its files, want %u",
		      w->id, mine, want);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	unsigned long i;

	for (i = 0; i < ops_per_worker && !atomic_load(&failed); i++) {
		struct file *f = &w->files[rnd(&w->rng, NR_FILES)];
		unsigned long op = rnd(&w->rng, 100);

		w->ops++;
		if (f->fd < 0) {
			create(w, f);
			continue;
		}
		if (op < 40) {
			do_write(w, f);
		} else if (op < 75) {
			size_t off = rnd(&w->rng, MAX_SIZE);

			check_range(w, f, off, 1 + rnd(&w->rng, MAX_WRITE));
		} else if (op < 85) {
			do_truncate(w, f);
		} else if (op < 90) {
			do_list(w);
		} else if (op < 95) {
			size_t off;

			for (off = 0; off < f->size; off += MAX_WRITE)
				check_range(w, f, off, MAX_WRITE);
		} else {
			check_range(w, f, 0, MAX_WRITE);
			drop(w, f);
		}
	}
	for (i = 0; i < NR_FILES; i++)
		drop(w, &w->files[i]);
	atomic_fetch_sub(&workers_left, 1);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Tuner and shrinker                                                  */

/* refused - what a pseudo-file may answer while the mount is full */
static bool refused(int err)
{
	return err == ENOMEM || err == ENOSPC;
}

/* The cache names slabinfo lists now; returns how many, or @old when the
   mount is too full to open it. */
static unsigned int cache_names(char names[][64], unsigned int max,
				unsigned int old)
{
	char path[600], line[512];
	unsigned int n = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/slabinfo", mnt);
	fp = fopen(path, "r");
	if (!fp) {
		if (refused(errno))
			return old;
		failf("open %s: %s", path, strerror(errno));
		return 0;
	}
	while (fgets(line, sizeof(line), fp) && n < max) {
		if (line[0] == '#' || !strncmp(line, "slabinfo", 8))
			continue;
		if (sscanf(line, "%63s", names[n]) == 1)
			n++;
	}
	fclose(fp);
	return n;
}

static bool keep_going(atomic_ulong *done, unsigned long min,
		       unsigned long round)
{
	if (atomic_load(&failed) || round >= min + MAX_EXTRA)
		return false;
	return atomic_load(&workers_left) > 0 || atomic_load(done) < min;
}

static void *tuner_main(void *arg)
{
	char names[NR_NAMES][64], cmd[160], path[600];
	uint64_t rng = 0x7e57ab1eULL;
	unsigned long round = 0;
	unsigned int n = 0;

	snprintf(path, sizeof(path), "%s/slabinfo", mnt);
	while (keep_going(&tunes, MIN_TUNES, round++)) {
		unsigned int limit, batch, shared;
		int fd, len;

		if ((round % 16 == 1 || !n) &&
		    !(n = cache_names(names, NR_NAMES, n))) {
			if (atomic_load(&failed))
				break;
			continue;            /* full before the first listing */
		}
		limit = 1 + (unsigned int)rnd(&rng, 200);
		batch = 1 + (unsigned int)rnd(&rng, limit);
		shared = (unsigned int)rnd(&rng, 9);
		len = snprintf(cmd, sizeof(cmd), "%s %u %u %u\n",
			       names[rnd(&rng, n)], limit, batch, shared);
		fd = open(path, O_WRONLY);
		if (fd < 0 && refused(errno)) {
			atomic_fetch_add(&tune_errors, 1);
			continue;            /* a full mount: an answer */
		}
		if (fd < 0) {
			failf("open %s: %s", path, strerror(errno));
			break;
		}
		if (write(fd, cmd, (size_t)len) != len) {
			/* ENOMEM at the limit is an answer; nothing else is */
			if (!refused(errno))
				failf("tune '%.*s': %s", len - 1, cmd,
				      strerror(errno));
			atomic_fetch_add(&tune_errors, 1);
		}
		close(fd);
		atomic_fetch_add(&tunes, 1);
	}
	return NULL;
}

/* Fill the mount to its limit and remove what was written. */
static void pressure(void)
{
	static char block[1 << 20];
	char path[600];
	int fd, i;

	snprintf(path, sizeof(path), "%s/pressure", dir);
	memset(block, 0x5a, sizeof(block));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) {
		if (errno != ENOSPC)
			failf("create %s: %s", path, strerror(errno));
		return;
	}
	for (i = 0; i < 4096; i++)
		if (write(fd, block, sizeof(block)) != (ssize_t)sizeof(block))
			break;
	if (i == 4096)
		failf("%s: 4 GiB written without reaching the limit", path);
	else if (errno != ENOSPC && errno != 0)
		failf("fill %s: %s", path, strerror(errno));
	close(fd);
	if (unlink(path))
		failf("unlink %s: %s", path, strerror(errno));
}

static void *shrinker_main(void *arg)
{
	char names[NR_NAMES][64], path[700];
	unsigned long round = 0;
	unsigned int n = cache_names(names, NR_NAMES, 0), i;
	bool has_shrink;

	snprintf(path, sizeof(path), "%s/slab/%s/shrink", mnt, n ? names[0] : "");
	has_shrink = n && access(path, W_OK) == 0;
	while (keep_going(&shrinks, MIN_SHRINKS, round++)) {
		if (has_shrink && round % 4) {
			for (i = 0; i < n; i++) {
				int fd;

				snprintf(path, sizeof(path), "%s/slab/%s/shrink",
					 mnt, names[i]);
				fd = open(path, O_WRONLY);
				if (fd < 0)
					continue;   /* a cache gone meanwhile */
				if (write(fd, "1\n", 2) != 2)
					failf("write %s: %s", path,
					      strerror(errno));
				close(fd);
			}
		} else {
			errno = 0;
			pressure();
		}
		atomic_fetch_add(&shrinks, 1);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t tuner, shrinker;
	unsigned int i, j;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: fs_stress MOUNTPOINT [OPS]\n");
		return 2;
	}
	mnt = argv[1];
	if (argc == 3)
		ops_per_worker = strtoul(argv[2], NULL, 10);
	snprintf(dir, sizeof(dir), "%s/stress", mnt);
	if (mkdir(dir, 0755) && errno != EEXIST) {
		perror("fs_stress: mkdir");
		return 1;
	}
	for (i = 0; i < NR_WORKERS; i++) {
		struct worker *w = &workers[i];

		w->id = i;
		w->rng = 0x5eed0000ULL + i * 7919;
		for (j = 0; j < NR_FILES; j++) {
			w->files[j].fd = -1;
			w->files[j].model = calloc(1, MAX_SIZE);
			if (!w->files[j].model) {
				perror("fs_stress: calloc");
				return 1;
			}
		}
		if (pthread_create(&w->thread, NULL, worker_main, w)) {
			perror("fs_stress: pthread_create");
			return 1;
		}
	}
	if (pthread_create(&tuner, NULL, tuner_main, NULL) ||
	    pthread_create(&shrinker, NULL, shrinker_main, NULL)) {
		perror("fs_stress: pthread_create");
		return 1;
	}
	for (i = 0; i < NR_WORKERS; i++)
		pthread_join(workers[i].thread, NULL);
	pthread_join(tuner, NULL);
	pthread_join(shrinker, NULL);

	for (i = 0; i < NR_WORKERS; i++) {
		struct worker *w = &workers[i];

		printf("worker %u: %lu ops, %lu writes, %lu reads, %lu truncates, "
		       "%lu removes, %lu ENOSPC, %lu bad reads\n", i, w->ops,
		       w->writes, w->reads, w->truncs, w->removes, w->enospc,
		       w->bad);
		for (j = 0; j < NR_FILES; j++)
			free(w->files[j].model);
	}
	printf("tuner: %lu tunings (%lu refused for memory); shrinker: %lu rounds\n",
	       atomic_load(&tunes), atomic_load(&tune_errors),
	       atomic_load(&shrinks));
	if (atomic_load(&tunes) < MIN_TUNES || atomic_load(&shrinks) < MIN_SHRINKS)
		failf("the tuner or the shrinker stopped early");
	if (rmdir(dir))
		failf("rmdir %s: %s", dir, strerror(errno));
	return atomic_load(&failed) ? 1 : 0;
}
