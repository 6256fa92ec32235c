"""Benchmarks of uevent against select.poll, in QEMU with -icount (scripts/bench)."""
