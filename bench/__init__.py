"""The national-scale benchmark harness (``make bench``); see docs/benchmarks.md."""
