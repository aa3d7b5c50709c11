/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scull_ioctl.h - the scullc ioctl numbers, as LDD3's scullc.h defines them */
#ifndef SCULLCFS_SCULL_IOCTL_H
#define SCULLCFS_SCULL_IOCTL_H

/*
 * The numbers are LDD3's scullc driver's (ch. 8), magic 'K', so programs
 * written for that driver work on a scullcfs file unchanged.  The letters:
 *   S "Set" through a pointer      T "Tell" by the argument's value
 *   G "Get" through a pointer      Q "Query": the value is the result
 *   X "eXchange": G and S at once  H "sHift": T and Q at once
 *
 * A mount's geometry is fixed (a different quantum needs a different
 * "scullc" cache: a remount), so on scullcfs G and Q answer with the mount's
 * quantum and qset, and RESET, S, T, X and H fail with EINVAL.  A FUSE
 * ioctl is "restricted": the kernel copies exactly _IOC_SIZE(cmd) bytes in
 * and out, which the encodings below describe.
 */

#include <sys/ioctl.h>

#define SCULLC_IOC_MAGIC   'K'

#define SCULLC_IOCRESET    _IO(SCULLC_IOC_MAGIC, 0)

#define SCULLC_IOCSQUANTUM _IOW(SCULLC_IOC_MAGIC,  1, int)
#define SCULLC_IOCTQUANTUM _IO(SCULLC_IOC_MAGIC,   2)
#define SCULLC_IOCGQUANTUM _IOR(SCULLC_IOC_MAGIC,  3, int)
#define SCULLC_IOCQQUANTUM _IO(SCULLC_IOC_MAGIC,   4)
#define SCULLC_IOCXQUANTUM _IOWR(SCULLC_IOC_MAGIC, 5, int)
#define SCULLC_IOCHQUANTUM _IO(SCULLC_IOC_MAGIC,   6)
#define SCULLC_IOCSQSET    _IOW(SCULLC_IOC_MAGIC,  7, int)
#define SCULLC_IOCTQSET    _IO(SCULLC_IOC_MAGIC,   8)
#define SCULLC_IOCGQSET    _IOR(SCULLC_IOC_MAGIC,  9, int)
#define SCULLC_IOCQQSET    _IO(SCULLC_IOC_MAGIC,  10)
#define SCULLC_IOCXQSET    _IOWR(SCULLC_IOC_MAGIC, 11, int)
#define SCULLC_IOCHQSET    _IO(SCULLC_IOC_MAGIC,  12)

#define SCULLC_IOC_MAXNR   12

#endif /* SCULLCFS_SCULL_IOCTL_H */
