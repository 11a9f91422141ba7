"""The report, the published copy and the dbt docs after one real run of mpp_main (small inputs)."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from orchestration.publish import open_published


def test_run_writes_report_charts_publication_and_docs(pipeline_run):
    print(f"pipeline run: {pipeline_run.seconds:.1f} s")
    assert (pipeline_run.output / "report.html").is_file()
    assert (pipeline_run.output / "metrics.json").is_file()
    assert len(list((pipeline_run.output / "charts").glob("*.png"))) >= 7
    assert pipeline_run.published.is_file()
    assert (pipeline_run.var / "dbt_docs" / "index.html").stat().st_size > 100_000
