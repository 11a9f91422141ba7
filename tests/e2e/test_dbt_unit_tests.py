"""The dbt unit tests (``unit_tests:`` in models/**.yml) run here, not in the pipeline's build.

They check each model's SQL on hand-written fixtures, so their result depends on the code alone; dbt advises
running them in development and CI, and the pipeline's ``dbt build`` excludes them
(orchestration/assets/dbt_models.py). dbt reads the column types of a fixture's inputs from the built
relations, so they run against a copy of the default run's warehouse.
"""

from __future__ import annotations

import json
import shutil

from orchestration.project import dbt_project
from tests.conftest import run_dbt


def _unit_tests_in_manifest() -> set[str]:
    manifest = json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))
    return {uid for uid in manifest.get("unit_tests", {})}


def test_every_dbt_unit_test_passes(default_run, tmp_path):
    warehouse = tmp_path / "build.duckdb"
    shutil.copy2(default_run.pristine / "warehouse" / "build.duckdb", warehouse)
    expected = _unit_tests_in_manifest()
    assert len(expected) >= 11  # the project's unit tests (models/**/_*.yml), none lost by a parse change
    results = run_dbt(["test", "--select", "test_type:unit"], warehouse, tmp_path / "target")
    ran = {r.node.unique_id: str(r.status) for r in results}
    assert set(ran) == expected
    assert set(ran.values()) == {"pass"}


def test_the_pipeline_build_leaves_unit_tests_out(default_run):
    """The default run's log holds dbt's output: its data tests ran, no unit test did."""
    log = (default_run.pristine / "logs" / "latest.log").read_text(encoding="utf-8")
    assert " START test " in log
    assert " START unit_test " not in log
