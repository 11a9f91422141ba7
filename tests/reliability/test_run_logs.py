"""Logs that survive (issue 14, findings 5 and 7): every run keeps its own log and run_stats.json.

Runs launched from the Dagster UI, the nightly schedule or the automation sensor are recorded by the run
status sensors of orchestration/runlog.py (evaluated by the Dagster daemon; here called the way the daemon
calls them, on runs executed in process). Before, such runs wrote neither a log nor run_stats.json.
"""

from __future__ import annotations

import json

import pytest
from dagster import (
    AssetKey,
    DagsterInstance,
    Definitions,
    MaterializeResult,
    asset,
    build_run_status_sensor_context,
    define_asset_job,
)

from orchestration.assets.run_sensors import run_record_sensors
from orchestration.runlog import (
    RunFiles,
    open_run_log,
    record_finished_run,
    run_log_logger,
)
from orchestration.settings import get_settings


@pytest.fixture
def var(tmp_path, monkeypatch):
    monkeypatch.setenv("MPP_VAR_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    yield tmp_path / "var"
    get_settings.cache_clear()


@asset(key=AssetKey(["raw", "landed"]))
def landed():
    return MaterializeResult(metadata={"rows": 3})


def job_with(fail: bool):
    @asset(deps=[landed], key=AssetKey(["marts", "figures"]))
    def figures():
        if fail:
            raise ValueError("figures: line 7 of the extract has no month")

    return Definitions(assets=[landed, figures], jobs=[define_asset_job("ui_job")]).resolve_job_def("ui_job")


def run_as_the_daemon_would(var, fail: bool, instance: DagsterInstance):
    """Execute the job in process (as a UI run's worker does), then evaluate the matching sensor."""
    result = job_with(fail).execute_in_process(instance=instance, raise_on_error=False)
    status = "failure" if fail else "success"
    [sensor] = [s for s in run_record_sensors() if s.name == f"record_run_log_on_{status}"]
    [end] = [r.dagster_event for r in instance.all_logs(result.run_id)
             if r.dagster_event and r.dagster_event.event_type.name in ("RUN_SUCCESS", "RUN_FAILURE")]
    sensor(build_run_status_sensor_context(sensor_name=sensor.name, dagster_instance=instance,
                                           dagster_run=result.dagster_run, dagster_event=end))
    return result


def test_a_failed_ui_run_keeps_its_log_with_the_traceback_and_its_run_stats(var):
    result = run_as_the_daemon_would(var, fail=True, instance=DagsterInstance.ephemeral())
    files = RunFiles.existing(result.run_id)
    assert files is not None, "no log for the UI run"
    log = files.log.read_text()
    assert "STEP_FAILURE" in log and "marts__figures" in log
    assert "ValueError: figures: line 7 of the extract has no month" in log
    assert 'File "' in log and "in figures" in log  # the traceback, frame by frame
    stats = json.loads(files.stats.read_text())
    assert stats["success"] is False
    assert set(stats["steps"]) == {"raw__landed", "marts__figures"}
    assert stats["materialized"] == ["raw/landed"]
    assert (var / "logs" / "latest.log").resolve() == files.log.resolve()
    assert not (var / "output" / "run_stats.json").exists(), "a failed run replaced the output's run_stats"


def test_a_failed_run_never_destroys_the_log_of_the_last_good_run(var):
    instance = DagsterInstance.ephemeral()
    good = run_as_the_daemon_would(var, fail=False, instance=instance)
    good_files = RunFiles.existing(good.run_id)
    good_log = good_files.log.read_text()
    assert "RUN_SUCCESS" in good_log
    assert (var / "output" / "run.log").read_text() == good_log
    assert json.loads((var / "output" / "run_stats.json").read_text())["success"] is True

    bad = run_as_the_daemon_would(var, fail=True, instance=instance)
    assert good_files.log.read_text() == good_log
    assert (var / "output" / "run.log").read_text() == good_log
    assert json.loads((var / "output" / "run_stats.json").read_text())["success"] is True
    assert (var / "logs" / "latest.log").resolve() == RunFiles.existing(bad.run_id).log.resolve()
    assert len(list((var / "logs").glob("*_*.log"))) == 2


def test_the_clis_run_logger_writes_events_and_the_traceback_as_the_run_goes(var):
    """``mpp-metrics run`` writes its log while it runs (orchestration/cli.py: open_run_log, run_log_logger)."""
    files, handle = open_run_log("cli-run")
    with handle:
        job_with(fail=True).with_logger_defs({"run_log": run_log_logger(handle)}).execute_in_process(
            instance=DagsterInstance.ephemeral(), raise_on_error=False, run_config={"loggers": {"run_log": {}}})
    log = files.log.read_text()
    assert "marts__figures STEP_FAILURE" in log
    assert "ValueError: figures: line 7 of the extract has no month" in log and "in figures" in log
    assert (var / "logs" / "latest.log").resolve() == files.log.resolve()


def test_a_run_already_recorded_by_the_cli_is_not_written_again(var):
    instance = DagsterInstance.ephemeral()
    result = job_with(fail=False).execute_in_process(instance=instance)
    first = record_finished_run(instance, result.dagster_run)
    assert first is not None
    first.log.write_text("written by mpp-metrics run\n")
    assert record_finished_run(instance, result.dagster_run) is None
    assert first.log.read_text() == "written by mpp-metrics run\n"


def test_the_code_location_records_every_finished_run():
    from orchestration.definitions import defs

    names = {s.name for s in defs.sensors}
    assert {"record_run_log_on_success", "record_run_log_on_failure", "record_run_log_on_canceled"} <= names


def test_var_logs_keeps_the_newest_runs_only(var, monkeypatch):
    """MPP_KEEP_RUN_LOGS=3: the 4th and 5th runs remove the oldest runs' log and stats; latest.* stays."""
    monkeypatch.setenv("MPP_KEEP_RUN_LOGS", "3")
    get_settings.cache_clear()
    logs = var / "logs"
    logs.mkdir(parents=True)
    for day in (1, 2, 3, 4):  # four earlier runs, each with its log and stats
        (logs / f"2026120{day}T000000Z_run{day}.log").write_text("x", encoding="utf-8")
        (logs / f"2026120{day}T000000Z_run{day}.run_stats.json").write_text("{}", encoding="utf-8")
    files, handle = open_run_log("run5")  # started now: the newest
    handle.close()
    kept = sorted(p.name for p in logs.iterdir())
    assert kept == [
        "20261203T000000Z_run3.log", "20261203T000000Z_run3.run_stats.json",
        "20261204T000000Z_run4.log", "20261204T000000Z_run4.run_stats.json",
        files.log.name, "latest.log", "latest.run_stats.json",
    ]
    assert (logs / "latest.log").resolve() == files.log.resolve()


def test_keep_one_run_log_keeps_only_the_running_one(var, monkeypatch):
    """Break-it pass: MPP_KEEP_RUN_LOGS=1 removed nothing (the older runs were sliced with [:-0])."""
    monkeypatch.setenv("MPP_KEEP_RUN_LOGS", "1")
    get_settings.cache_clear()
    logs = var / "logs"
    logs.mkdir(parents=True)
    for day in (1, 2):
        (logs / f"2026120{day}T000000Z_run{day}.log").write_text("x", encoding="utf-8")
    files, handle = open_run_log("run3")
    handle.close()
    assert sorted(p.name for p in logs.iterdir()) == [files.log.name, "latest.log", "latest.run_stats.json"]
