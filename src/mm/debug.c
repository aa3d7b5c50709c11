/* debug.c - NOT WRITTEN YET (placeholder) */
