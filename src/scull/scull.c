/* scull.c - NOT WRITTEN YET (placeholder) */
