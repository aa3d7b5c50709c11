/* os.c - NOT WRITTEN YET (placeholder) */
