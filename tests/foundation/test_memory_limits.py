"""DuckDB memory limits: the ingestion's (MPP_DUCKDB_MEMORY_LIMIT) and the one of every step after it
(MPP_DUCKDB_BUILD_MEMORY_LIMIT: dbt through profiles.yml, the Great Expectations checks, publishing).

A release-sized run peaked at 3.5-3.7 GB in dbt and in the checks with the ingestion's 3GB limit applied to
them too; the build limit (default 768MB) bounds them (benchmarks/README.md)."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from expectations.runner import read_frame
from orchestration.settings import PROJECT_DIR, Settings, get_settings, limit_memory


def _as_duckdb_shows(limit: str) -> str:
    con = duckdb.connect()
    try:
        con.execute(f"set memory_limit = '{limit}'")
        return con.execute("select current_setting('memory_limit')").fetchone()[0]
    finally:
        con.close()


@pytest.fixture
def two_limits(isolated_var: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MPP_DUCKDB_MEMORY_LIMIT", "456MB")
    monkeypatch.setenv("MPP_DUCKDB_BUILD_MEMORY_LIMIT", "123MB")
    get_settings.cache_clear()
    db = isolated_var / "w.duckdb"
    isolated_var.mkdir(parents=True, exist_ok=True)
    duckdb.connect(str(db)).close()
    return db


def test_the_checks_read_the_warehouse_under_the_build_memory_limit(two_limits: Path) -> None:
    frame = read_frame(two_limits, "select current_setting('memory_limit') as m")
    assert frame["m"].iloc[0] == _as_duckdb_shows("123MB")


def test_ingestion_connections_keep_the_ingestion_memory_limit(two_limits: Path) -> None:
    con = limit_memory(duckdb.connect(str(two_limits)))
    try:
        assert con.execute("select current_setting('memory_limit')").fetchone()[0] == _as_duckdb_shows("456MB")
    finally:
        con.close()


def test_dbt_profile_reads_the_build_memory_limit_with_the_same_default() -> None:
    profile = (PROJECT_DIR / "profiles.yml").read_text()
    [(var, default)] = re.findall(r"memory_limit: \"\{\{ env_var\('(\w+)', '(\w+)'\) \}\}\"", profile)
    assert var == "MPP_DUCKDB_BUILD_MEMORY_LIMIT"
    assert default == Settings.model_fields["duckdb_build_memory_limit"].default == "768MB"
