"""Every run keeps its own log and run_stats.json; a failed run never destroys an earlier one.

Files (``var/logs/``, :func:`logs_dir`), one pair per run, named by UTC start time and Dagster run id::

    <YYYYmmddTHHMMSSZ>_<run_id>.log              every Dagster event of the run (one line each) with the
                                                 full traceback of a failed step or run, and, for
                                                 ``mpp-metrics run``, dbt's own output
    <YYYYmmddTHHMMSSZ>_<run_id>.run_stats.json   success, wall time, per-step wall time (and, for the CLI,
                                                 sampled peak memory; ``null`` for UI runs), materialized assets
    latest.log, latest.run_stats.json            symbolic links to the newest run's files (any outcome)

After a successful run, both are also copied to the run's output folder (``run.log``, ``run_stats.json``
beside metrics.json), so they always describe the run that wrote that metrics.json.

Writers: ``mpp-metrics run`` writes the log while the run goes (:func:`open_run_log`, :class:`RunLogHandler`)
and the stats at its end (:func:`finish_run`). Runs launched from the Dagster UI, the nightly schedule or the
automation sensor are recorded by the run status sensors of :func:`orchestration.assets.run_sensors.run_record_sensors` from Dagster's event
log when they end (:func:`record_finished_run`), unless the CLI already recorded the run.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orchestration.files import write_json_atomically
from orchestration.settings import get_settings

LOG_SUFFIX = ".log"
STATS_SUFFIX = ".run_stats.json"


def logs_dir() -> Path:
    """``<var>/logs``: the folder of every run's log and stats."""
    return get_settings().var_dir / "logs"


@dataclass(frozen=True)
class RunFiles:
    """The log and stats files of one run."""

    log: Path
    stats: Path

    @classmethod
    def of(cls, run_id: str, started: dt.datetime) -> RunFiles:
        stem = f"{started.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}_{run_id}"
        folder = logs_dir()
        return cls(folder / f"{stem}{LOG_SUFFIX}", folder / f"{stem}{STATS_SUFFIX}")

    @classmethod
    def existing(cls, run_id: str) -> RunFiles | None:
        """The files of ``run_id`` if its log exists already."""
        found = sorted(logs_dir().glob(f"*_{run_id}{LOG_SUFFIX}"))
        if not found:
            return None
        return cls(found[0], found[0].with_name(found[0].name.removesuffix(LOG_SUFFIX) + STATS_SUFFIX))


def _point(link: Path, target: Path) -> None:
    """Make ``link`` a relative symbolic link to ``target`` (replaced atomically)."""
    tmp = link.with_name(f".{link.name}.{os.getpid()}")
    tmp.unlink(missing_ok=True)
    os.symlink(target.name, tmp)
    os.replace(tmp, link)


def point_latest(files: RunFiles) -> None:
    """``latest.log`` / ``latest.run_stats.json`` -> this run's files."""
    _point(logs_dir() / f"latest{LOG_SUFFIX}", files.log)
    _point(logs_dir() / f"latest{STATS_SUFFIX}", files.stats)


def prune_run_logs(keep: int) -> list[Path]:
    """Remove the log and stats files of all but the newest ``keep`` runs (by the UTC start time their names
    begin with); return the files removed. ``latest.*`` and a run's copies in its output folder stay."""
    folder = logs_dir()
    stems = sorted({p.name.removesuffix(LOG_SUFFIX).removesuffix(STATS_SUFFIX)
                    for p in folder.glob("*_*") if not p.name.startswith(("latest", "."))})
    removed = []
    for stem in stems[:max(len(stems) - keep, 0)]:  # (stems[:-0] would be none)
        for path in (folder / f"{stem}{LOG_SUFFIX}", folder / f"{stem}{STATS_SUFFIX}"):
            if path.is_file():
                path.unlink()
                removed.append(path)
    return removed


def open_run_log(run_id: str):
    """Create this run's log file (``latest.log`` points to it at once) and return (files, open file).
    Only the newest ``MPP_KEEP_RUN_LOGS`` runs' files are kept (:func:`prune_run_logs`)."""
    files = RunFiles.of(run_id, dt.datetime.now(dt.UTC))
    files.log.parent.mkdir(parents=True, exist_ok=True)
    prune_run_logs(max(get_settings().keep_run_logs - 1, 0))  # this run's files are the newest
    handle = open(files.log, "a", encoding="utf-8", buffering=1)  # noqa: SIM115 - closed by the caller
    point_latest(files)
    return files, handle


def error_text(event: Any) -> str | None:
    """The full error (message, traceback and causes) of a failed step or run event, or None."""
    data = getattr(event, "event_specific_data", None)
    error = getattr(data, "error", None)
    return error.to_string() if error is not None else None


def format_line(when: float, step: str | None, level: str, message: str, event: Any = None) -> str:
    """One log line (UTC time, level, step, message), followed by the error of a failure event."""
    stamp = dt.datetime.fromtimestamp(when, dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    kind = f"{event.event_type.name} " if event is not None else ""
    line = f"{stamp} {level:<7} {step or '-'} {kind}- {message.strip()}\n"
    error = error_text(event) if event is not None else None
    return line + ("".join(f"    {row}\n" for row in error.rstrip().splitlines()) if error else "")


class RunLogHandler(logging.Handler):
    """Writes every Dagster log record of a run to an open file (:func:`format_line`)."""

    def __init__(self, stream) -> None:
        super().__init__(logging.DEBUG)
        self.stream = stream

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        message = meta.get("orig_message") or record.getMessage()
        step = meta.get("step_key") or (event.step_key if event is not None else None)
        self.stream.write(format_line(record.created, step, record.levelname, str(message), event))


def run_log_logger(handle):
    """A Dagster logger (for ``with_logger_defs``) writing the run's records to ``handle``."""
    from dagster import logger

    @logger(description="The run's own log file (orchestration/runlog.py).")
    def run_log(_init_context):
        log = logging.getLogger("mpp_metrics.run_log")
        log.setLevel(logging.DEBUG)
        log.handlers = [RunLogHandler(handle)]
        log.propagate = False
        return log

    return run_log


def finish_run(files: RunFiles, stats: dict[str, Any], output_dir: Path | None) -> None:
    """Write the run's stats, point ``latest`` to the run, and after a success copy both into ``output_dir``."""
    write_json_atomically(stats, files.stats)
    point_latest(files)
    if stats.get("success") and output_dir is not None:
        output_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(files.log, output_dir / "run.log")
        write_json_atomically(stats, output_dir / "run_stats.json")


def stats_from_events(records: Iterable[Any], success: bool) -> dict[str, Any]:
    """run_stats.json of a run from its Dagster event log records (no memory samples: ``null``)."""
    started: dict[str, float] = {}
    steps: dict[str, dict[str, Any]] = {}
    materialized: set[str] = set()
    times = []
    for r in records:
        event = r.dagster_event
        times.append(r.timestamp)
        if event is None:
            continue
        kind = event.event_type_value
        if kind == "STEP_START":
            started[event.step_key] = r.timestamp
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE") and event.step_key in started:
            wall = round(r.timestamp - started[event.step_key], 3)
            steps[event.step_key] = {"wall_seconds": wall, "peak_rss_mb": None}
        elif kind == "ASSET_MATERIALIZATION" and event.asset_key is not None:
            materialized.add(event.asset_key.to_user_string())
    wall = round(max(times) - min(times), 3) if times else 0.0
    return {"success": success, "wall_seconds": wall, "peak_rss_mb": None, "steps": steps,
            "materialized": sorted(materialized)}


def _output_dir_of(run: Any) -> Path:
    config = (((run.run_config or {}).get("resources") or {}).get("pipeline") or {}).get("config") or {}
    return Path(config.get("output_dir") or get_settings().output_dir).expanduser()


def record_finished_run(instance: Any, run: Any) -> RunFiles | None:
    """Write the log and run_stats.json of a finished run from Dagster's event log (a run launched from the
    UI, the schedule or a sensor); None when the run already has its log (``mpp-metrics run`` wrote it)."""
    if RunFiles.existing(run.run_id) is not None:
        return None
    records = list(instance.all_logs(run.run_id))
    first = min((r.timestamp for r in records), default=dt.datetime.now(dt.UTC).timestamp())
    files = RunFiles.of(run.run_id, dt.datetime.fromtimestamp(first, dt.UTC))
    files.log.parent.mkdir(parents=True, exist_ok=True)
    with open(files.log, "w", encoding="utf-8") as handle:
        for r in records:
            message = r.user_message or (r.dagster_event.message if r.dagster_event else "") or ""
            level = logging.getLevelName(r.level) if isinstance(r.level, int) else str(r.level)
            handle.write(format_line(r.timestamp, r.step_key, level, message, r.dagster_event))
    success = run.status.value == "SUCCESS"
    finish_run(files, stats_from_events(records, success), _output_dir_of(run))
    return files
