/* check_scull.c - NOT WRITTEN YET (placeholder: fails on purpose) */
#include <stdio.h>
int main(void) { fputs("check_scull: not written yet\n", stderr); return 99; }
