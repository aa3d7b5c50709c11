/* check_oom.c - NOT WRITTEN YET (placeholder: fails on purpose) */
#include <stdio.h>
int main(void) { fputs("check_oom: not written yet\n", stderr); return 99; }
