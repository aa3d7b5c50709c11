/* page_alloc.c - NOT WRITTEN YET (placeholder) */
