"""The dbt project as Dagster sees it (DbtProject only; no @dbt_assets here, per dagster-dbt guidance).

Outside ``dagster dev`` the manifest must already exist: ``make setup`` (and CI) run ``dbt parse``;
``prepare_if_dev()`` re-parses automatically under ``dagster dev``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from orchestration.settings import PROJECT_DIR

# dagster-dbt calls `dbt` from PATH when it re-parses the project under `dagster dev`; the venv's bin
# folder is not on PATH when Dagster is started as .venv/bin/dagster (make dev, cron, systemd).
_VENV_BIN = str(Path(sys.executable).parent)
if _VENV_BIN not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _VENV_BIN + os.pathsep + os.environ.get("PATH", "")

dbt_project = DbtProject(project_dir=PROJECT_DIR, profiles_dir=PROJECT_DIR)
dbt_project.prepare_if_dev()
