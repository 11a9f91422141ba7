"""Fixtures for the CBP MPP / USCIS NRI tests: temp warehouses, landing helpers and an in-process dbt runner.

dbt runs in-process (dbtRunner) with MPP_WAREHOUSE pointing at a temp DuckDB file and a temp target
path, so tests never touch var/ or target/ of the working tree.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration.raw.landing import create_empty, ingest_extract
from orchestration.raw.registry import ExtractSpec, load_registry
from orchestration.raw.user_files import AOR
from orchestration.settings import PROJECT_DIR

RAW_DATA = PROJECT_DIR / "data" / "raw"
#: Models this work package builds (plus everything upstream of them).
OUR_MODELS = (
    "+nri_headline_metrics",
    "+published_figures_reconciliation",
    "+enrollments_vs_court_ntas_monthly",
    "+cbp_page_enrollments_by_location_monthly",
    "+int_cbp_mpp_printed_total_discrepancies",
)


def run_dbt(project_dir: Path, warehouse: Path, args: Sequence[str], tmp: Path, vars_: dict | None = None):
    """Run one dbt command in-process; return the dbtRunnerResult (raises on an exception)."""
    from dbt.cli.main import dbtRunner

    old = os.environ.get("MPP_WAREHOUSE")
    os.environ["MPP_WAREHOUSE"] = str(warehouse)
    try:
        cli = [
            *args,
            "--project-dir",
            str(project_dir),
            "--profiles-dir",
            str(project_dir),
            "--target-path",
            str(tmp / "target"),
            "--log-path",
            str(tmp / "logs"),
            "--quiet",
        ]
        if vars_:
            cli += ["--vars", json.dumps(vars_)]
        res = dbtRunner().invoke(cli)
    finally:
        if old is None:
            os.environ.pop("MPP_WAREHOUSE", None)
        else:
            os.environ["MPP_WAREHOUSE"] = old
    if res.exception:
        raise res.exception
    return res


def failures(res) -> list[str]:
    """Names and messages of nodes that errored or failed (warnings are not failures)."""
    out = []
    for r in res.result or []:
        if str(r.status) in ("error", "fail", "runtime error"):
            out.append(f"{r.node.name}: {r.message}")
    return out


def statuses(res) -> dict[str, str]:
    return {r.node.name: str(r.status) for r in res.result or []}


def land_registry_tables(warehouse: Path, tables: Sequence[str]) -> None:
    registry = load_registry(RAW_DATA)
    for t in tables:
        ingest_extract(warehouse, registry[t])
    create_empty(warehouse, AOR.table, AOR.columns)  # goal 4's by-AOR table: no user file here


def land_csv(
    warehouse: Path, table: str, rows: list[dict], tmp: Path, *, vintage=date(2021, 10, 1), input_kind="real"
) -> None:
    """Land hand-made rows (all strings) as raw.<table> through the real landing code."""
    path = tmp / f"{table}.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    spec = ExtractSpec(
        table=table,
        source="test",
        path=path,
        sha256="",
        vintage=vintage,
        input_kind=input_kind,
        description="hand-made test input",
        columns=tuple(rows[0]),
        no_key_reason="hand-made rows of a test; each test states what it lands",
    )
    ingest_extract(warehouse, spec, verify_provenance=False)


def query(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse))  # same config as dbt-duckdb's in-process connection
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="session")
def project_dir() -> Path:
    return PROJECT_DIR


@pytest.fixture(scope="session")
def copy_project(tmp_path_factory) -> Callable[[dict[str, str]], Path]:
    """Copy the dbt project to a temp folder, adding extra files {relative path: text} (stub models)."""

    def _copy(extra: dict[str, str]) -> Path:
        dst = tmp_path_factory.mktemp("project")
        for name in ("dbt_project.yml", "profiles.yml"):
            shutil.copy(PROJECT_DIR / name, dst / name)
        for folder in ("models", "macros", "seeds", "dbt_tests"):
            if (PROJECT_DIR / folder).exists():
                shutil.copytree(PROJECT_DIR / folder, dst / folder)
        for rel, text in extra.items():
            (dst / rel).parent.mkdir(parents=True, exist_ok=True)
            (dst / rel).write_text(text, encoding="utf-8")
        return dst

    return _copy
