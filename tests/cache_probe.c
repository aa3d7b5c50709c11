/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cache_probe.c - what the kernel's page cache holds of a file */

/*
 * Usage: cache_probe FILE
 * Prints "resident R of N shared S": R of the file's N pages are in the
 * page cache (mincore on a private read-only mapping, which shares the
 * cache's pages until written), and S is "ok" when a shared writable
 * mapping can be made, else the errno's name (ENODEV under direct I/O).
 * Exit status 0, or 1 with a line on stderr when the file cannot be
 * opened or mapped privately.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	long psize = sysconf(_SC_PAGESIZE);
	unsigned char *vec;
	size_t pages, i, resident = 0;
	const char *shared = "ok";
	struct stat st;
	void *p;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: cache_probe FILE\n");
		return 1;
	}
	fd = open(argv[1], O_RDWR);
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_size == 0) {
		fprintf(stderr, "cache_probe: %s: %s\n", argv[1],
			fd < 0 ? strerror(errno) : "empty or unreadable");
		return 1;
	}
	pages = ((size_t)st.st_size + (size_t)psize - 1) / (size_t)psize;
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	vec = malloc(pages);
	if (p == MAP_FAILED || !vec || mincore(p, (size_t)st.st_size, vec)) {
		fprintf(stderr, "cache_probe: %s: private mapping: %s\n",
			argv[1], strerror(errno));
		return 1;
	}
	for (i = 0; i < pages; i++)
		resident += vec[i] & 1;
	munmap(p, (size_t)st.st_size);
	p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE,
		 MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		shared = errno == ENODEV ? "ENODEV" : strerror(errno);
	else
		munmap(p, (size_t)st.st_size);
	printf("resident %zu of %zu shared %s\n", resident, pages, shared);
	free(vec);
	close(fd);
	return 0;
}
