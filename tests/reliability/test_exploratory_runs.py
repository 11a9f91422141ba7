"""Finding 8, without running the pipeline: which copy a run writes, by its settings.

The configured publication lives in one place (dbt_project.yml ``vars``); it is the default of the
``pipeline`` resource (schedule, UI) and of ``mpp-metrics run``. A run at other settings is exploratory:
its copy stays in its output folder unless ``publish`` or a named ``publication`` is asked for.
"""

from __future__ import annotations

import pytest
import typer
import yaml
from pydantic import ValidationError

from orchestration.cli import app
from orchestration.configured_publication import configured_publication
from orchestration.resources import PipelineConfig
from orchestration.settings import PROJECT_DIR


def test_the_configured_publication_is_dbt_projects_vars_and_every_runs_default(isolated_var):
    declared = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"]
    configured = configured_publication()
    assert (configured.as_of, configured.admin_closures_are_completions, configured.relief_after_reopening_counts) == (
        "2020-12-31", True, True) == (str(declared["as_of_date"]), declared["admin_closures_are_completions"],
                                      declared["relief_after_reopening_counts"])
    default = PipelineConfig()
    assert (default.as_of, default.admin_closures_are_completions, default.relief_after_reopening_counts) == (
        "2020-12-31", True, True)
    options = {p.name: p.default for p in typer.main.get_command(app).commands["run"].params}
    assert options["as_of"] == "2020-12-31"
    assert options["admin_closures_are_completions"] is True and options["relief_after_reopening_counts"] is True
    assert options["publish"] is False and options["publication"] == ""


def test_default_settings_publish_into_the_analysts_copy(isolated_var):
    target = PipelineConfig().publication_target()
    assert target.published and target.name == "" and target.note == ""
    assert target.database == isolated_var / "published" / "mpp_metrics.duckdb"


@pytest.mark.parametrize(
    ("settings", "note"),
    [
        ({"as_of": "2019-01-28"},
         "not published: as-of 2019-01-28 differs from the configured publication 2020-12-31; use --publish"),
        ({"relief_after_reopening_counts": False},
         ("not published: relief_after_reopening_counts=False differs from the configured publication (True); "
          "use --publish")),
    ],
)
def test_an_exploratory_run_keeps_its_copy_in_its_output_folder(isolated_var, tmp_path, settings, note):
    out = tmp_path / "explore"
    target = PipelineConfig(output_dir=str(out), **settings).publication_target()
    assert not target.published and target.name == "unpublished"
    assert target.database == out / "unpublished" / "mpp_metrics.duckdb"
    assert target.note.startswith(note)
    asked = PipelineConfig(output_dir=str(out), publish=True, **settings).publication_target()
    assert asked.published and asked.database == isolated_var / "published" / "mpp_metrics.duckdb"


def test_a_named_publication_has_its_own_folder(isolated_var):
    for settings in ({}, {"as_of": "2019-01-28"}):
        target = PipelineConfig(publication="fy2019_review", **settings).publication_target()
        assert target.published and target.name == "fy2019_review"
        assert target.database == isolated_var / "published" / "fy2019_review" / "mpp_metrics.duckdb"
    for bad in ("../x", "a b", "parquet-1", ".hidden", "x" * 65):
        with pytest.raises(ValidationError, match="publication must be a name"):
            PipelineConfig(publication=bad)
