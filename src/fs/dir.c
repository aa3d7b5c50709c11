/* dir.c - NOT WRITTEN YET (placeholder) */
