/* magazine.c - NOT WRITTEN YET (placeholder) */
