/* pseudo.c - NOT WRITTEN YET (placeholder) */
