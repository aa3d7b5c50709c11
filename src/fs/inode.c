/* inode.c - NOT WRITTEN YET (placeholder) */
