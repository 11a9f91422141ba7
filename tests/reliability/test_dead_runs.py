"""A run that died holding the warehouse pool does not block the next CLI run (orchestration/dead_runs.py).

Found by the break-it pass: ``kill -9`` of a CLI run during a warehouse step left its claim on the pool
``warehouse`` (limit 1) in the Dagster instance; every later run waited for it forever."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from dagster import DagsterInstance, DagsterRunStatus, Definitions, asset

from orchestration.assets.common import WAREHOUSE_POOL as POOL
from orchestration.dead_runs import CLI, LAUNCHED_BY, WAREHOUSE_TAG, release_dead_runs

PROJECT_YAML = Path(__file__).resolve().parents[2] / "orchestration" / "dagster.yaml"


@asset(pool=POOL)
def step() -> int:
    return 1


JOB = Definitions(assets=[step]).resolve_implicit_global_asset_job_def()


@pytest.fixture
def instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy2(PROJECT_YAML, home / "dagster.yaml")  # pool warehouse: limit 1
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with DagsterInstance.from_config(str(home)) as inst:
        yield inst


def _holding(instance: DagsterInstance, status: DagsterRunStatus, tags: dict[str, str]) -> str:
    """A run in ``status`` whose step holds the pool's one slot, as a killed run leaves it."""
    run = instance.create_run_for_job(JOB, status=status, tags=tags)
    instance.event_log_storage.initialize_concurrency_limit_to_default(POOL)  # as a run's first claim does
    assert instance.event_log_storage.claim_concurrency_slot(POOL, run.run_id, "step").is_claimed
    return run.run_id


def _claims(instance: DagsterInstance) -> set[str]:
    return {s.run_id for s in instance.event_log_storage.get_concurrency_info(POOL).claimed_slots}


def test_a_dead_cli_run_is_freed_and_marked_failed_a_running_ui_run_is_left(instance: DagsterInstance):
    ui = _holding(instance, DagsterRunStatus.STARTED, {})  # a UI run: Dagster's run monitoring owns it
    freed_lines: list[str] = []
    assert release_dead_runs(instance, log=freed_lines.append) == []
    assert _claims(instance) == {ui} and freed_lines == []
    instance.event_log_storage.free_concurrency_slots_for_run(ui)

    dead = _holding(instance, DagsterRunStatus.STARTED, {LAUNCHED_BY: CLI})  # a CLI run killed in its step
    assert release_dead_runs(instance, log=freed_lines.append) == [dead]
    assert _claims(instance) == set()
    assert instance.get_run_by_id(dead).status == DagsterRunStatus.FAILURE
    assert freed_lines == [(f"run {dead}: its process ended without finishing: marked failed, its claim on the "
                            "warehouse pool freed")]
    # the next run's warehouse step gets the slot (before the fix it waited forever)
    assert JOB.execute_in_process(instance=instance, tags={LAUNCHED_BY: CLI}).success


def test_a_finished_run_still_holding_a_claim_is_freed(instance: DagsterInstance):
    done = _holding(instance, DagsterRunStatus.SUCCESS, {})
    lines: list[str] = []
    assert release_dead_runs(instance, log=lines.append) == [done]
    assert _claims(instance) == set()
    assert instance.get_run_by_id(done).status == DagsterRunStatus.SUCCESS  # its status is left as it was
    assert lines == [f"run {done}: finished, its claim on the warehouse pool freed"]


def test_a_live_cli_run_on_another_warehouse_is_left(instance: DagsterInstance, tmp_path: Path):
    """Two warehouses (another MPP_VAR_DIR), one DAGSTER_HOME: the write lock held here is this warehouse's
    only, so a CLI run tagged with the other one may be alive: its claim stays and it is not marked failed."""
    mine, theirs = tmp_path / "a" / "build.duckdb", tmp_path / "b" / "build.duckdb"
    other = _holding(instance, DagsterRunStatus.STARTED, {LAUNCHED_BY: CLI, WAREHOUSE_TAG: str(theirs)})
    lines: list[str] = []
    assert release_dead_runs(instance, log=lines.append, warehouse=mine) == []
    assert _claims(instance) == {other} and lines == []
    assert instance.get_run_by_id(other).status == DagsterRunStatus.STARTED
    # the CLI run on that warehouse (whose lock proves the other dead) frees it
    assert release_dead_runs(instance, log=lines.append, warehouse=theirs) == [other]
    assert instance.get_run_by_id(other).status == DagsterRunStatus.FAILURE
    # a dead CLI run tagged with this warehouse, or untagged (before the tag), is freed as before
    same = _holding(instance, DagsterRunStatus.STARTED, {LAUNCHED_BY: CLI, WAREHOUSE_TAG: str(mine)})
    assert release_dead_runs(instance, log=lines.append, warehouse=mine) == [same]
    untagged = _holding(instance, DagsterRunStatus.STARTED, {LAUNCHED_BY: CLI})
    assert release_dead_runs(instance, log=lines.append, warehouse=mine) == [untagged]
    assert _claims(instance) == set()


def test_a_dead_cli_run_without_a_claim_is_marked_failed(instance: DagsterInstance):
    """A CLI run killed outside a warehouse step leaves no claim, but a run shown STARTED, which would keep the
    run queue (one run at a time) from starting any UI or schedule run."""
    dead = instance.create_run_for_job(JOB, status=DagsterRunStatus.STARTED, tags={LAUNCHED_BY: CLI}).run_id
    ui = instance.create_run_for_job(JOB, status=DagsterRunStatus.STARTED, tags={}).run_id
    lines: list[str] = []
    assert release_dead_runs(instance, log=lines.append) == [dead]
    assert instance.get_run_by_id(dead).status == DagsterRunStatus.FAILURE
    assert instance.get_run_by_id(ui).status == DagsterRunStatus.STARTED
    assert lines == [f"run {dead}: its process ended without finishing: marked failed"]
    assert release_dead_runs(instance, log=lines.append) == []  # nothing left to do
