/* file.c - NOT WRITTEN YET (placeholder) */
