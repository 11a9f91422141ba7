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


def test_the_headline_table_never_cuts_a_metric_id_at_80_columns(monkeypatch):
    """Newcomer pass: at 80 columns the table printed `g1a_relief_statutory_withhol…`, an id `cases` cannot
    take. The id column does not wrap or cut; the value column gives way."""
    out = io.StringIO()
    monkeypatch.setattr(cli, "console", Console(file=out, width=80, force_terminal=False))
    ids = ["g1a_relief_statutory_withholding", "g2_removal_orders_in_absentia", "g1b_nri_referrals"]
    doc = {"as_of": "2020-12-31", "variants": {"admin_closures_are_completions": True},
           "inputs": [{"source": "eoir", "kind": "synthetic"}], "unavailable": [],
           "metrics": [{"id": i, "period": None, "value": 123456, "input": "synthetic"} for i in ids]}
    cli.print_headline(doc)
    lines = out.getvalue().splitlines()
    assert max(len(line) for line in lines) <= 80
    for metric_id in ids:
        assert any(f" {metric_id} " in line for line in lines), (metric_id, out.getvalue())
