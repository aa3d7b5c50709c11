/* check_mempool.c - NOT WRITTEN YET (placeholder: fails on purpose) */
#include <stdio.h>
int main(void) { fputs("check_mempool: not written yet\n", stderr); return 99; }
