/* scullc_ldd3.c - NOT WRITTEN YET */
int main(void) { return 1; }
