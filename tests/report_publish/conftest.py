"""Fixtures for the publish / report / docs tests.

- ``small_build``: a hand-made build warehouse (a few marts, a seed, the load ledger and a reject) in a
  temporary var/ folder; publishing it takes well under a second.
- ``pipeline_run`` (package scope: test_report.py, test_report_check_results.py): ONE in-process run of job
  ``mpp_main`` on small inputs: the bundled real CBP extracts, the hand-made EOIR fixture release
  (tests/fixtures/eoir_mini_release) and a synthetic NRI extract linked to it; it writes the published copy,
  the report and the dbt docs. Tests that run more on top of it work on a copy of its var/ folder.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from orchestration.eoir.release import SYNTHETIC_MARKER
from orchestration.raw.ledger import ensure_ledger
from orchestration.settings import PROJECT_DIR, get_settings

MINI_RELEASE = PROJECT_DIR / "tests" / "fixtures" / "eoir_mini_release"


@dataclass
class SmallBuild:
    """A hand-made build warehouse inside an isolated var/ folder."""

    var: Path
    warehouse: Path
    published_dir: Path

    def sql(self, statement: str, params: list | None = None) -> list[tuple]:
        con = duckdb.connect(str(self.warehouse))
        try:
            return con.execute(statement, params or []).fetchall()
        finally:
            con.close()


def make_small_build(warehouse: Path, value: int = 42, as_of: str = "2020-12-31") -> None:
    """marts.headline_metrics (2 rows), marts.headline_unavailable (empty), marts.court_metric_cases (3 case ids), seeds.mpp_phases (1 row),
    raw._load_ledger (1 load) and raw._rejects (2 rejected lines, one reason code)."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(warehouse))
    try:
        ensure_ledger(con)
        con.execute("create schema if not exists marts; create schema if not exists seeds; create schema if not exists intermediate")
        con.execute(
            "create or replace table marts.headline_metrics as select * from (values "
            "('g2_initial_completions', null, ?::bigint, 'synthetic'), ('g4_swb_encounters', '2020-12', 73994, 'real')) "
            "t(metric_id, period, value, input_kind)",
            [value],
        )
        con.execute(
            "alter table marts.headline_metrics add column as_of_date date; "
            f"update marts.headline_metrics set as_of_date = '{as_of}'; "
            "alter table marts.headline_metrics add column admin_closures_are_completions boolean default true; "
            "alter table marts.headline_metrics add column relief_after_reopening_counts boolean default true; "
            "alter table marts.headline_metrics add column source varchar"
        )
        con.execute(
            "create or replace table marts.headline_unavailable (metric_id varchar, period varchar, reason varchar, "
            "source varchar, as_of_date date)"
        )
        con.execute(
            "create or replace table marts.court_metric_cases as "
            "select 'g2_initial_completions' as metric_id, null::varchar as period, range::bigint as case_id from range(3)"
        )
        con.execute("create or replace table seeds.mpp_phases as select 'active' as phase, 2 as phase_order")
        con.execute("delete from raw._load_ledger; delete from raw._rejects")
        con.execute(
            "insert into raw._load_ledger values ('load1', 'eoir_a_tblcase', 'eoir', 'A_TblCase.csv', 'abc', "
            "'2021-01-31', 'synthetic', 12, 10, 2, 0, '2026-01-01 00:00:00')"
        )
        con.execute(
            "insert into raw._rejects values ('load1', 'eoir_a_tblcase', 'A_TblCase.csv', 5, 'SECRET FREE TEXT', "
            "'too_many_fields: expected 39, found 41'), ('load1', 'eoir_a_tblcase', 'A_TblCase.csv', 9, 'x', "
            "'too_many_fields: expected 39, found 40')"
        )
    finally:
        con.close()


@pytest.fixture
def small_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SmallBuild]:
    var = tmp_path / "var"
    monkeypatch.setenv("MPP_VAR_DIR", str(var))
    monkeypatch.delenv("MPP_WAREHOUSE", raising=False)
    monkeypatch.delenv("MPP_PUBLISHED_DIR", raising=False)
    get_settings.cache_clear()
    settings = get_settings()
    make_small_build(settings.warehouse)
    yield SmallBuild(var, settings.warehouse, settings.published_dir)
    get_settings.cache_clear()


@dataclass
class PipelineRun:
    var: Path
    output: Path
    warehouse: Path
    published: Path
    seconds: float
    config: dict  # the pipeline resource's config of the run
    run_id: str


@pytest.fixture(scope="package")
def pipeline_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PipelineRun]:
    """One in-process run of mpp_main on small inputs (see module docstring); fails with the step errors."""
    import time

    from dagster import DagsterInstance

    from orchestration.definitions import MAIN_JOB_NAME, defs
    from orchestration.uscis.generator import generate_nri_extract

    root = tmp_path_factory.mktemp("pipeline")
    var, output = root / "var", root / "out"
    # The hand-made fixture release is not real data: a copy with the generator's marker file is landed
    # (and labelled) as synthetic, like the bundled release.
    release = root / "eoir_mini_release"
    shutil.copytree(MINI_RELEASE, release)
    marker = {"note": "hand-made test fixture (tests/fixtures/eoir_mini_release)", "vintage": "2021-01-31"}
    (release / SYNTHETIC_MARKER).write_text(json.dumps(marker), encoding="utf-8")
    nri = root / "nri_referrals.csv"
    generate_nri_extract(nri, seed=7, eoir_release=release)
    saved = {k: os.environ.get(k) for k in ("MPP_VAR_DIR", "MPP_WAREHOUSE", "DAGSTER_HOME")}
    os.environ["MPP_VAR_DIR"] = str(var)
    os.environ.pop("MPP_WAREHOUSE", None)
    os.environ.pop("DAGSTER_HOME", None)
    get_settings.cache_clear()
    try:
        settings = get_settings()
        config = {"as_of": "2020-12-31", "output_dir": str(output), "eoir_release": str(release), "uscis_nri": str(nri)}
        start = time.monotonic()
        result = defs.resolve_job_def(MAIN_JOB_NAME).execute_in_process(
            run_config={"resources": {"pipeline": {"config": config}}},
            instance=DagsterInstance.ephemeral(),
            raise_on_error=False,
        )
        seconds = time.monotonic() - start
        if not result.success:
            errors = [f"{e.step_key}: {e.event_specific_data.error.message[:1500]}" for e in result.all_events if e.is_step_failure]
            pytest.fail("pipeline run failed:\n" + "\n".join(errors))
        yield PipelineRun(var, output, settings.warehouse, settings.published_dir / "mpp_metrics.duckdb", seconds,
                          config, result.run_id)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        get_settings.cache_clear()
