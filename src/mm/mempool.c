/* mempool.c - NOT WRITTEN YET (placeholder) */
