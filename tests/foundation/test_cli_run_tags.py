"""A CLI run's tags in Dagster (orchestration/cli.py run_tags): the UI's run list tells runs apart by them."""

from __future__ import annotations

from pathlib import Path

from orchestration.cli import run_tags
from orchestration.resources import PipelineConfig

W = Path("build.duckdb")


def test_the_default_run_says_it_published_the_analysts_copy():
    tags = run_tags(PipelineConfig(), Path("/tmp/out"), Path("/tmp/var/warehouse/build.duckdb"))
    assert tags == {"mpp/launched_by": "cli", "mpp/as_of": "2020-12-31", "mpp/output": "/tmp/out",
                    "mpp/publication": "analysts' copy", "mpp/warehouse": "/tmp/var/warehouse/build.duckdb"}


def test_an_exploratory_run_and_a_named_publication_are_told_apart():
    assert run_tags(PipelineConfig(as_of="2020-06-30"), Path("o"), W)["mpp/publication"] == "exploratory"
    assert run_tags(PipelineConfig(as_of="2020-06-30"), Path("o"), W)["mpp/as_of"] == "2020-06-30"
    assert run_tags(PipelineConfig(as_of="2020-06-30", publication="mid_2020"), Path("o"), W)["mpp/publication"] == "mid_2020"
