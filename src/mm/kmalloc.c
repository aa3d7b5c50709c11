/* kmalloc.c - NOT WRITTEN YET (placeholder) */
