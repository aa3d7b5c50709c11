/* check_page_alloc.c - NOT WRITTEN YET (placeholder: fails on purpose) */
#include <stdio.h>
int main(void) { fputs("check_page_alloc: not written yet\n", stderr); return 99; }
