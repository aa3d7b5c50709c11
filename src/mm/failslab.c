/* failslab.c - NOT WRITTEN YET (placeholder) */
