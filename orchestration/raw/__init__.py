"""Raw landing: extract files -> DuckDB ``raw`` schema, with a load ledger and a reject table."""
