"""The dbt project as Dagster sees it (DbtProject only; no @dbt_assets here, per dagster-dbt guidance).

Outside ``dagster dev`` the manifest must already exist: ``make setup`` (and CI) run ``dbt parse``;
``prepare_if_dev()`` re-parses automatically under ``dagster dev``.
"""

from __future__ import annotations

from dagster_dbt import DbtProject

from orchestration.settings import PROJECT_DIR

dbt_project = DbtProject(project_dir=PROJECT_DIR, profiles_dir=PROJECT_DIR)
dbt_project.prepare_if_dev()
