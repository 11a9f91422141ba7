"""Dagster assets: raw ingestion per source, dbt models, and run outputs (metrics.json, report, publish)."""
