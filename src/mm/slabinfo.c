/* slabinfo.c - NOT WRITTEN YET (placeholder) */
