/* slab_demo.c - NOT WRITTEN YET */
int main(void) { return 1; }
