/* fs.h - NOT WRITTEN YET (placeholder) */
