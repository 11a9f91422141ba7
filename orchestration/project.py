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


def _manifest_is_stale() -> bool:
    """True when target/manifest.json is missing or older than any dbt source file of the project."""
    manifest = dbt_project.manifest_path
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    sources = [PROJECT_DIR / "dbt_project.yml", PROJECT_DIR / "selectors.yml"]
    for folder in ("models", "seeds", "macros", "dbt_tests"):
        sources.extend(p for p in (PROJECT_DIR / folder).rglob("*") if p.is_file())
    return any(p.exists() and p.stat().st_mtime > built for p in sources)


# `dagster dev` re-parses on load; elsewhere (CLI, tests, cron) re-parse only when a dbt file changed, so
# the asset graph never runs on a stale manifest (a model missing from it fails the dbt step).
if _manifest_is_stale():
    dbt_project.preparer.prepare(dbt_project)
else:
    dbt_project.prepare_if_dev()
