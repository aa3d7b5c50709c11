/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ioctl_probe.c - drive the scullc ioctls on a scullcfs file */

/*
 * Usage: ioctl_probe FILE
 * Prints "quantum Q qset S" as the G (through a pointer) ioctls answer,
 * checks that the Q (by return value) ioctls agree, that every setting
 * ioctl (RESET, S, T, X, H) fails with EINVAL and that a number outside
 * the scullc set fails with ENOTTY.  Exit status 0 when all hold, 1 (with
 * a line on stderr saying what failed) otherwise.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "fs/scull_ioctl.h"

static int failures;

static void expect_errno(int fd, const char *name, unsigned long cmd,
			 int want)
{
	int value = 1000;   /* a plausible argument for the S and X forms */
	int ret;

	errno = 0;
	if (_IOC_DIR(cmd) == _IOC_NONE)
		ret = ioctl(fd, cmd, (unsigned long)value);
	else
		ret = ioctl(fd, cmd, &value);
	if (ret != -1 || errno != want) {
		fprintf(stderr, "%s: got %d (%s), want -1 (%s)\n", name, ret,
			strerror(errno), strerror(want));
		failures++;
	}
}

int main(int argc, char **argv)
{
	int fd, gq = -1, gs = -1, qq, qs;

	if (argc != 2) {
		fprintf(stderr, "usage: %s FILE\n", argv[0]);
		return 2;
	}
	fd = open(argv[1], O_RDWR);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}

	if (ioctl(fd, SCULLC_IOCGQUANTUM, &gq) != 0 ||
	    ioctl(fd, SCULLC_IOCGQSET, &gs) != 0) {
		perror("SCULLC_IOCG*");
		return 1;
	}
	qq = ioctl(fd, SCULLC_IOCQQUANTUM);
	qs = ioctl(fd, SCULLC_IOCQQSET);
	if (qq != gq || qs != gs) {
		fprintf(stderr, "Q says quantum %d qset %d, G says %d %d\n",
			qq, qs, gq, gs);
		failures++;
	}
	printf("quantum %d qset %d\n", gq, gs);

	expect_errno(fd, "SCULLC_IOCRESET", SCULLC_IOCRESET, EINVAL);
	expect_errno(fd, "SCULLC_IOCSQUANTUM", SCULLC_IOCSQUANTUM, EINVAL);
	expect_errno(fd, "SCULLC_IOCTQUANTUM", SCULLC_IOCTQUANTUM, EINVAL);
	expect_errno(fd, "SCULLC_IOCXQUANTUM", SCULLC_IOCXQUANTUM, EINVAL);
	expect_errno(fd, "SCULLC_IOCHQUANTUM", SCULLC_IOCHQUANTUM, EINVAL);
	expect_errno(fd, "SCULLC_IOCSQSET", SCULLC_IOCSQSET, EINVAL);
	expect_errno(fd, "SCULLC_IOCTQSET", SCULLC_IOCTQSET, EINVAL);
	expect_errno(fd, "SCULLC_IOCXQSET", SCULLC_IOCXQSET, EINVAL);
	expect_errno(fd, "SCULLC_IOCHQSET", SCULLC_IOCHQSET, EINVAL);
	expect_errno(fd, "_IO('K', 13)", _IO(SCULLC_IOC_MAGIC, 13), ENOTTY);
	expect_errno(fd, "_IOR('k', 5, int)", _IOR('k', 5, int), ENOTTY);

	close(fd);
	return failures ? 1 : 0;
}
