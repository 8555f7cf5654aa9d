"""Benchmark suite: seeded instances, every method in its own subprocess, reports.

See benchmarks/README.md for the protocol and the latest results.
"""
