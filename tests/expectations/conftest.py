"""Tiny hand-made warehouses for the GE suites: each test creates only the relations its suite reads.

``make_warehouse(path, {"schema.table": "select ... ", ...})`` creates each relation from a SQL literal
(``select * from (values ...) t(cols)``), so the suite's own SQL runs unchanged on a few rows whose
expected outcome is worked out by hand in the test.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from orchestration.settings import get_settings

AS_OF = "2020-12-31"
PARAMS = {"as_of": AS_OF, "admin_closures_are_completions": True}


def make_warehouse(path: Path, relations: dict[str, str]) -> Path:
    """Create ``schema.table`` relations in a new DuckDB file at ``path`` (replacing existing ones)."""
    con = duckdb.connect(str(path))
    try:
        for name, select in relations.items():
            schema = name.split(".")[0]
            con.execute(f"create schema if not exists {schema}")
            con.execute(f"create or replace table {name} as {select}")
    finally:
        con.close()
    return path


@pytest.fixture
def var_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Settings pointing at a temporary var/ (warehouse and data docs), restored after the test."""
    monkeypatch.setenv("MPP_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("MPP_WAREHOUSE", raising=False)
    monkeypatch.delenv("MPP_DATA_DOCS_DIR", raising=False)
    get_settings.cache_clear()
    settings = get_settings()
    settings.warehouse.parent.mkdir(parents=True, exist_ok=True)
    yield settings
    get_settings.cache_clear()


def failed_ids(outcome, severity: str | None = None) -> set[str]:
    return {e.id for e in outcome.failed(severity)}
