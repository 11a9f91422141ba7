"""Shared pytest fixtures: an isolated var/ folder per test, and dbt builds against a scratch warehouse."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from orchestration.settings import PROJECT_DIR, get_settings


@pytest.fixture
def isolated_var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point every generated path (warehouse, outputs, generated data) at a temporary var/ folder."""
    var = tmp_path / "var"
    monkeypatch.setenv("MPP_VAR_DIR", str(var))
    monkeypatch.delenv("MPP_WAREHOUSE", raising=False)
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    get_settings.cache_clear()
    yield var
    get_settings.cache_clear()


def run_dbt(args: list[str], warehouse: Path, target_dir: Path, dbt_vars: dict | None = None) -> list:
    """Run one dbt command in-process against ``warehouse``; raise AssertionError with dbt's failures.

    Returns dbt's node results (each with ``node.unique_id`` and ``status``).

    The target folder is private to the caller so tests never clobber the project's manifest.
    """
    from dbt.cli.main import dbtRunner

    os.environ["MPP_WAREHOUSE"] = str(warehouse)
    cli_args = [
        *args,
        "--project-dir", str(PROJECT_DIR),
        "--profiles-dir", str(PROJECT_DIR),
        "--target-path", str(target_dir),
        "--log-path", str(target_dir / "logs"),
        "--quiet",
    ]
    if dbt_vars:
        cli_args += ["--vars", json.dumps(dbt_vars)]
    try:
        result = dbtRunner().invoke(cli_args)
    finally:
        os.environ.pop("MPP_WAREHOUSE", None)
    if not result.success:
        failures = []
        for r in getattr(result.result, "results", None) or []:
            if str(r.status) not in ("success", "pass"):
                failures.append(f"{r.node.unique_id}: {r.status}: {r.message}")
        raise AssertionError(f"dbt {' '.join(args)} failed: {result.exception or ''}\n" + "\n".join(failures))
    return list(getattr(result.result, "results", None) or [])


def query(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    """Rows of a query against a warehouse file.

    Opened read-write on purpose: in-process dbt (dbtRunner) keeps its own connection to the file open,
    and DuckDB refuses a second connection of a different mode in the same process.
    """
    con = duckdb.connect(str(warehouse))
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()
