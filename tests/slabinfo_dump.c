/* slabinfo_dump.c - NOT WRITTEN YET */
int main(void) { return 99; }
