"""The CLI's progress lines: one per step when it ends, with its wall time; a terminal also sees the start."""

from __future__ import annotations

import io
import logging
import re
from types import SimpleNamespace

import pytest
from rich.console import Console

from orchestration import cli
from orchestration.runstats import RunStatsRecorder


def _event(kind: str, step: str) -> logging.LogRecord:
    record = logging.LogRecord("dagster", logging.INFO, __file__, 0, "", None, None)
    record.dagster_meta = {"dagster_event": SimpleNamespace(step_key=step, event_type_value=kind)}
    return record


@pytest.mark.parametrize("terminal", [False, True])
def test_progress_lines(monkeypatch, terminal):
    out = io.StringIO()
    monkeypatch.setattr(cli, "console", Console(file=out, force_terminal=terminal, width=120, no_color=True))
    clock = iter([10.0, 12.5])  # step_started at 10.0 s, step_finished at 12.5 s
    monkeypatch.setattr("orchestration.runstats.time.perf_counter", lambda: next(clock))
    monkeypatch.setattr("orchestration.runstats.tree_rss_bytes", lambda _p: 0)
    handler = cli._ProgressHandler()
    monkeypatch.setattr(cli._ProgressHandler, "recorder", RunStatsRecorder())
    handler.emit(_event("STEP_START", "raw_eoir_release"))
    handler.emit(_event("STEP_SUCCESS", "raw_eoir_release"))
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", line).rstrip() for line in out.getvalue().splitlines()]  # no styles
    done = "✓ raw_eoir_release 2.5 s"
    assert lines == (["… raw_eoir_release", done] if terminal else [done])
