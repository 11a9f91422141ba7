"""Fixtures for the court-metrics tests: load the hand-made EOIR release into a fresh DuckDB file and run
`dbt build` once per variant combination (and once more at a second as-of date), in parallel subprocesses.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration.eoir.reader import load_release
from orchestration.raw.ledger import load_transaction

PROJECT_DIR = Path(__file__).resolve().parents[2]
RELEASE = PROJECT_DIR / "tests" / "fixtures" / "eoir_mini_release"
CASES_MD = RELEASE / "CASES.md"
DBT = Path(sys.executable).parent / "dbt"

AS_OF_MAIN = "2020-12-31"
AS_OF_SECOND = "2019-12-31"
VARIANTS = [(True, True), (True, False), (False, True), (False, False)]


@dataclass(frozen=True)
class BuildKey:
    as_of: str
    admin_closures_are_completions: bool
    relief_after_reopening_counts: bool

    @property
    def label(self) -> str:
        t = lambda b: "T" if b else "F"
        return f"{self.as_of} ac={t(self.admin_closures_are_completions)} rr={t(self.relief_after_reopening_counts)}"


@dataclass
class Build:
    key: BuildKey
    warehouse: Path
    returncode: int
    log: str

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        con = duckdb.connect(str(self.warehouse), read_only=True)
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()


def run_dbt(args: list[str], warehouse: Path, work: Path, vars_: dict) -> subprocess.CompletedProcess:
    """Run dbt in a subprocess with its own warehouse, target and log folders (builds run in parallel)."""
    env = {**os.environ, "MPP_WAREHOUSE": str(warehouse), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    cmd = [
        str(DBT),
        *args,
        "--profiles-dir",
        str(PROJECT_DIR),
        "--project-dir",
        str(PROJECT_DIR),
        "--target-path",
        str(work / "target"),
        "--log-path",
        str(work / "logs"),
        "--vars",
        json.dumps(vars_),
    ]
    return subprocess.run(
        cmd, check=False, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="session")
def loaded_warehouse(tmp_path_factory) -> Path:
    """A DuckDB file holding the fixture release in schema raw (nothing else)."""
    path = (
        tmp_path_factory.mktemp("court_raw") / "loaded.duckdb"
    )  # not raw.duckdb: the catalog name would clash with schema raw
    # the hand-made fixture is not real data: landed as synthetic through the production reader
    with load_transaction(path) as con:
        load_release(con, RELEASE, input_kind="synthetic", vintage=date(2021, 1, 31))
    return path


@pytest.fixture(scope="session")
def builds(loaded_warehouse, tmp_path_factory) -> dict[BuildKey, Build]:
    """One `dbt build` per variant combination at the main as-of date, plus one at the second as-of date."""
    keys = [BuildKey(AS_OF_MAIN, ac, rr) for ac, rr in VARIANTS] + [BuildKey(AS_OF_SECOND, True, True)]

    def one(key: BuildKey) -> Build:
        work = tmp_path_factory.mktemp("dbt_" + re.sub(r"\W", "_", key.label))
        warehouse = work / "build.duckdb"
        shutil.copy(loaded_warehouse, warehouse)
        vars_ = {
            "as_of_date": key.as_of,
            "admin_closures_are_completions": key.admin_closures_are_completions,
            "relief_after_reopening_counts": key.relief_after_reopening_counts,
        }
        proc = run_dbt(["build", "--selector", "court", "--indirect-selection", "cautious"], warehouse, work, vars_)
        return Build(key, warehouse, proc.returncode, proc.stdout + proc.stderr)

    with ThreadPoolExecutor(max_workers=max(2, min(len(keys), os.cpu_count() or 2))) as pool:
        results = list(pool.map(one, keys))
    return {b.key: b for b in results}


def parse_expected(path: Path = CASES_MD) -> dict[BuildKey, dict[tuple[str, str | None], int]]:
    """The hand-worked table of CASES.md: {build key: {(metric_id, period or None): value}}."""
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.startswith("| metric_id")]
    assert len(lines) == 1, "CASES.md must hold exactly one expected-values table"
    text = path.read_text(encoding="utf-8").splitlines()
    start = text.index(lines[0])
    header = [c.strip() for c in text[start].strip("|").split("|")]
    keys: list[BuildKey | None] = []
    for cell in header[2:]:
        m = re.fullmatch(r"(\d{4}-\d{2}-\d{2}) ac=([TF]) rr=([TF])", cell)
        assert m, f"bad header cell {cell!r}"
        keys.append(BuildKey(m.group(1), m.group(2) == "T", m.group(3) == "T"))
    expected: dict[BuildKey, dict] = {k: {} for k in keys}
    for row in text[start + 2 :]:
        if not row.startswith("|"):
            break
        cells = [c.strip() for c in row.strip("|").split("|")]
        metric_id, period = cells[0], (None if cells[1] == "-" else cells[1])
        for key, cell in zip(keys, cells[2:]):
            if cell != "":
                expected[key][(metric_id, period)] = int(cell)
    return expected


@pytest.fixture(scope="session")
def expected() -> dict[BuildKey, dict[tuple[str, str | None], int]]:
    return parse_expected()
