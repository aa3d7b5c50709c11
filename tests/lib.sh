# tests/lib.sh placeholder
