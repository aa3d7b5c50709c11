/* options.c - NOT WRITTEN YET (placeholder) */
