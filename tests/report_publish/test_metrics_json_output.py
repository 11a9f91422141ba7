"""outputs/metrics_json's writer (orchestration/assets/outputs.py): the one writer of OUTPUT/metrics.json.

A run whose copy says exactly what the folder's metrics.json says (a run on an unchanged build, into the same
folder) leaves the file as it is (only ``generated_at`` would differ), so the record of the run that wrote it
still holds; any other difference rewrites it."""

from __future__ import annotations

import json

import pytest

from orchestration.assets import outputs
from orchestration.resources import PipelineConfig


def test_metrics_json_is_rewritten_only_when_it_would_say_something_else(tmp_path, monkeypatch: pytest.MonkeyPatch):
    docs = iter([
        {"as_of": "2020-12-31", "generated_at": "2026-12-05T10:00:00Z", "metrics": [{"id": "m", "value": 1}]},
        {"as_of": "2020-12-31", "generated_at": "2026-12-05T11:00:00Z", "metrics": [{"id": "m", "value": 1}]},
        {"as_of": "2020-12-31", "generated_at": "2026-12-05T12:00:00Z", "metrics": [{"id": "m", "value": 2}]},
    ])
    monkeypatch.setattr(outputs, "build_metrics_document", lambda database, as_of: next(docs))
    pipeline = PipelineConfig(output_dir=str(tmp_path / "out"))
    path, first = outputs.write_metrics_json(pipeline)
    assert json.loads(path.read_text())["generated_at"] == "2026-12-05T10:00:00Z"
    _, same = outputs.write_metrics_json(pipeline)  # the same figures an hour later: file kept
    assert same == first and json.loads(path.read_text())["generated_at"] == "2026-12-05T10:00:00Z"
    _, changed = outputs.write_metrics_json(pipeline)  # another figure: rewritten
    assert json.loads(path.read_text()) == changed and changed["metrics"] == [{"id": "m", "value": 2}]
