"""Every run option's default is declared once (orchestration/run_options.py): ``mpp-metrics run`` and the
``pipeline`` resource (schedule, launchpad) read it from there, and the as-of date and the switches from the
configured publication (dbt_project.yml vars)."""

from __future__ import annotations

import dataclasses

import click
import typer.main

from orchestration.cli import app
from orchestration.configured_publication import configured_publication
from orchestration.resources import PipelineConfig
from orchestration.run_options import DEFAULTS


def _run_command() -> click.Command:
    return typer.main.get_command(app).commands["run"]


def test_the_cli_and_the_pipeline_resource_share_every_default() -> None:
    cli_defaults = {p.name: p.default for p in _run_command().params}
    for option in dataclasses.fields(DEFAULTS):
        expected = getattr(DEFAULTS, option.name)
        assert cli_defaults[option.name] == expected, option.name
        assert PipelineConfig.model_fields[option.name].default == expected, option.name


def test_the_as_of_date_and_switches_default_to_the_configured_publication() -> None:
    configured = configured_publication()
    assert (DEFAULTS.as_of, DEFAULTS.admin_closures_are_completions, DEFAULTS.relief_after_reopening_counts) == (
        configured.as_of, configured.admin_closures_are_completions, configured.relief_after_reopening_counts)
    assert DEFAULTS.as_of == "2020-12-31"  # dbt_project.yml vars: the DHS document's cut-off
    assert (DEFAULTS.eoir_diff_block_vanished, DEFAULTS.eoir_diff_block_changed) == (0.10, 1.0)
