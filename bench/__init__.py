"""Benchmarks: each prints its numbers and writes them to bench/results/."""
