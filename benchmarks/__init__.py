"""Benchmarks of mpp-metrics: release-sized runs against the DuckDB floor and pandas peers (README.md)."""
