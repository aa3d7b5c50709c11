/* SPDX-License-Identifier: GPL-2.0-or-later */
/* smallfiles.c - create, read back and unlink many files; print the rates */

/*
 * usage: smallfiles DIR COUNT SIZE [PHASES [FIRST]]
 *
 * COUNT files DIR/f0000000 ... (numbered from FIRST, default 0) each of
 * SIZE bytes, in phases run in the order given (default "cru"):
 *   c  create: open(O_CREAT|O_TRUNC), write SIZE bytes, close
 *   r  read:   open, read to the end (which must come at SIZE), close
 *   u  unlink
 * Prints one line per phase: its name and the files per second it reached.
 * The bytes written are not zeros but a fixed pseudo-random pattern, so
 * that a filesystem that treats zeros specially stores them all the same.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (1 << 20)      /* bytes per read or write call, at most */

static const char *dir;
static unsigned long count, first;
static unsigned long long size;
static char *buf;

static void die(const char *what, const char *path)
{
	fprintf(stderr, "smallfiles: %s %s: %s\n", what, path, strerror(errno));
	exit(1);
}

static void name(char *path, size_t len, unsigned long i)
{
	snprintf(path, len, "%s/f%07lu", dir, i);
}

static void create_one(const char *path)
{
	unsigned long long done = 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		die("create", path);
	while (done < size) {
		size_t n = size - done < CHUNK ? size - done : CHUNK;
		ssize_t w = write(fd, buf, n);

		if (w <= 0)
			die("write", path);
		done += w;
	}
	if (close(fd))
		die("close", path);
}

static void read_one(const char *path)
{
	unsigned long long done = 0;
	ssize_t r;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		die("open", path);
	while ((r = read(fd, buf, CHUNK)) > 0)
		done += r;
	if (r < 0)
		die("read", path);
	if (done != size) {
		fprintf(stderr, "smallfiles: %s: read %llu bytes of %llu\n",
			path, done, size);
		exit(1);
	}
	close(fd);
}

static void unlink_one(const char *path)
{
	if (unlink(path))
		die("unlink", path);
}

int main(int argc, char **argv)
{
	static const struct {
		char letter;
		const char *name;
		void (*one)(const char *path);
	} phases[] = {
		{ 'c', "create", create_one },
		{ 'r', "read", read_one },
		{ 'u', "unlink", unlink_one },
	};
	const char *order = argc > 4 ? argv[4] : "cru";
	char path[4096];
	unsigned int seed = 1;

	if (argc < 4 || argc > 6) {
		fprintf(stderr, "usage: smallfiles DIR COUNT SIZE [cru [FIRST]]\n");
		return 2;
	}
	dir = argv[1];
	count = strtoul(argv[2], NULL, 10);
	size = strtoull(argv[3], NULL, 10);
	first = argc > 5 ? strtoul(argv[5], NULL, 10) : 0;
	buf = malloc(CHUNK);
	if (!count || !buf) {
		fprintf(stderr, "smallfiles: bad count, or no memory\n");
		return 2;
	}
	for (size_t i = 0; i < CHUNK; i++) {
		seed = seed * 1103515245 + 12345;
		buf[i] = (char)(seed >> 16);
	}

	for (const char *p = order; *p; p++) {
		struct timespec t0, t1;
		double secs;
		size_t k;

		for (k = 0; k < sizeof(phases) / sizeof(phases[0]); k++)
			if (phases[k].letter == *p)
				break;
		if (k == sizeof(phases) / sizeof(phases[0])) {
			fprintf(stderr, "smallfiles: unknown phase '%c'\n", *p);
			return 2;
		}
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (unsigned long i = first; i < first + count; i++) {
			name(path, sizeof(path), i);
			phases[k].one(path);
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
		printf("%s %.1f\n", phases[k].name, count / secs);
	}
	free(buf);
	return 0;
}
