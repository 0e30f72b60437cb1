"""Benchmark harness: ``python -m bench`` (or ``./dev bench``). Method and figures: ``docs/benchmarks.md``."""
