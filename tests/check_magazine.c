/* check_magazine.c - NOT WRITTEN YET (placeholder: fails on purpose) */
#include <stdio.h>
int main(void) { fputs("check_magazine: not written yet\n", stderr); return 99; }
