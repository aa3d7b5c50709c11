/* slab.c - NOT WRITTEN YET (placeholder) */
