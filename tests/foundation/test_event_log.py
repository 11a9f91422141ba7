"""The event log storage of orchestration/dagster.yaml (orchestration/event_log.py): same files as Dagster's
default SQLite storage, readable by an instance without it, connections reused and bounded."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from dagster import AssetCheckResult, DagsterEventType, DagsterInstance, Definitions, asset, asset_check

from orchestration import event_log
from orchestration.event_log import KEEP_ENGINES, PooledSqliteEventLogStorage

PROJECT_YAML = Path(__file__).resolve().parents[2] / "orchestration" / "dagster.yaml"


@asset
def upstream() -> int:
    return 1


@asset
def downstream(upstream: int) -> int:
    return upstream + 1


@asset_check(asset=downstream)
def downstream_is_two(downstream: int) -> AssetCheckResult:
    return AssetCheckResult(passed=downstream == 2)


JOB = Definitions(assets=[upstream, downstream], asset_checks=[downstream_is_two]).resolve_implicit_global_asset_job_def()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy2(PROJECT_YAML, home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return home


def _kinds(instance: DagsterInstance, run_id: str) -> list[DagsterEventType]:
    return [r.dagster_event.event_type for r in instance.all_logs(run_id) if r.dagster_event is not None]


def test_project_instance_uses_the_pooled_storage_and_a_default_instance_reads_its_runs(home: Path, tmp_path: Path):
    with DagsterInstance.from_config(str(home)) as instance:
        assert isinstance(instance.event_log_storage, PooledSqliteEventLogStorage)
        result = JOB.execute_in_process(instance=instance)
        assert result.success
        written = _kinds(instance, result.run_id)
        con = instance.event_log_storage._engine(result.run_id).raw_connection()
        try:
            assert con.execute("pragma synchronous").fetchone()[0] == 1  # NORMAL
            assert con.execute("pragma journal_mode").fetchone()[0] == "wal"
        finally:
            con.close()
    # the files are where Dagster's default storage keeps them
    assert (home / "history" / "runs" / f"{result.run_id}.db").is_file()
    assert (home / "history" / "runs" / "index.db").is_file()
    # a home without our yaml (Dagster's defaults) over the same folders reads the same run
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    with DagsterInstance.from_config(str(home)) as plain:
        assert type(plain.event_log_storage).__name__ == "SqliteEventLogStorage"
        assert _kinds(plain, result.run_id) == written
        assert written.count(DagsterEventType.ASSET_MATERIALIZATION) == 2
        assert written.count(DagsterEventType.ASSET_CHECK_EVALUATION) == 1
        record = plain.get_latest_materialization_event(downstream.key)
        assert record is not None and record.run_id == result.run_id


def test_open_engines_are_bounded(home: Path):
    with DagsterInstance.from_config(str(home)) as instance:
        storage = instance.event_log_storage
        runs = [JOB.execute_in_process(instance=instance).run_id for _ in range(KEEP_ENGINES + 2)]
        kept = [s for s in storage._engines if s != "index"]
        assert kept == runs[-KEEP_ENGINES:]  # the most recent runs, in order of use
        # a run whose engine was closed is read again (its engine made anew)
        assert DagsterEventType.RUN_SUCCESS in _kinds(instance, runs[0])
        assert len([s for s in storage._engines if s != "index"]) == KEEP_ENGINES
    assert storage._engines == {}  # disposed with the instance


def test_base_dir_defaults_to_dagster_home(home: Path, monkeypatch: pytest.MonkeyPatch):
    assert event_log.default_base_dir() == str(home / "history" / "runs")
    monkeypatch.delenv("DAGSTER_HOME")
    with pytest.raises(RuntimeError, match="DAGSTER_HOME"):
        event_log.default_base_dir()


def test_wipe_closes_the_connections_to_the_deleted_files(home: Path):
    with DagsterInstance.from_config(str(home)) as instance:
        first = JOB.execute_in_process(instance=instance).run_id
        assert first in instance.event_log_storage._engines
        instance.event_log_storage.wipe()
        assert not (home / "history" / "runs" / f"{first}.db").exists()
        assert first not in instance.event_log_storage._engines  # no open handle on a deleted file
        second = JOB.execute_in_process(instance=instance).run_id
        # the new run's events are in its file, not in a deleted one
        assert (home / "history" / "runs" / f"{second}.db").is_file()
        assert DagsterEventType.RUN_SUCCESS in _kinds(instance, second)
        assert _kinds(instance, first) == []


def test_a_watcher_in_another_instance_gets_every_event_while_the_writer_is_open(home: Path):
    """The UI streams a run's events (run page) from a watchdog on ``<run id>.db``: Dagster's storage closed
    its connection after each event, which checkpointed the WAL into that file; a connection kept open
    writes to ``-wal`` only, so the watcher heard nothing until the writing process ended."""
    import threading
    import time
    import uuid

    run_id = str(uuid.uuid4())
    seen: list[DagsterEventType] = []
    done = threading.Event()

    def on_event(entry, _cursor) -> None:
        if entry.dagster_event_type is not None:
            seen.append(entry.dagster_event_type)
            if entry.dagster_event_type == DagsterEventType.RUN_SUCCESS:
                done.set()

    with DagsterInstance.from_config(str(home)) as ui, DagsterInstance.from_config(str(home)) as writer:
        ui.watch_event_logs(run_id, None, on_event)
        assert JOB.execute_in_process(instance=writer, run_id=run_id).success
        assert run_id in writer.event_log_storage._engines  # the writer's connection is still open
        deadline = time.monotonic() + 10
        while not done.is_set() and time.monotonic() < deadline:
            time.sleep(0.1)
        ui.end_watch_event_logs(run_id, on_event)
        assert seen == _kinds(writer, run_id)
        assert seen.count(DagsterEventType.ASSET_MATERIALIZATION) == 2 and seen[-1] == DagsterEventType.RUN_SUCCESS
