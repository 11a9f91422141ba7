"""The dbt project as Dagster sees it (DbtProject only; no @dbt_assets here, per dagster-dbt guidance).

Outside ``dagster dev`` the manifest must already exist: ``make setup`` (and CI) run
``python -m orchestration.project`` (a ``dbt parse``); ``prepare_if_dev()`` re-parses under ``dagster dev``.

The parse uses what a default run uses, so that the run's ``dbt build`` and ``dbt docs generate`` reuse it
(dbt partial parsing, about 4 s each) instead of parsing the whole project again: the default run's vars
(``--vars``, :meth:`PipelineConfig.dbt_vars_json`) and the warehouse path and memory limit profiles.yml
reads from the environment (dbt re-parses everything when the vars or the profile differ). A run with other
vars (another as-of date) simply parses in full.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from orchestration.resources import PipelineConfig
from orchestration.settings import PROJECT_DIR, get_settings

# dagster-dbt calls `dbt` from PATH when it re-parses the project under `dagster dev`; the venv's bin
# folder is not on PATH when Dagster is started as .venv/bin/dagster (make dev, cron, systemd).
_VENV_BIN = str(Path(sys.executable).parent)
if _VENV_BIN not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _VENV_BIN + os.pathsep + os.environ.get("PATH", "")

# what profiles.yml reads; the dbt steps set the same values before every invocation
os.environ.setdefault("MPP_WAREHOUSE", str(get_settings().warehouse))
os.environ.setdefault("MPP_DUCKDB_BUILD_MEMORY_LIMIT", get_settings().duckdb_build_memory_limit)

#: ``dbt parse`` arguments: the default run's vars, so that default runs parse partially.
PARSE_ARGS = ["parse", "--quiet", "--vars", PipelineConfig().dbt_vars_json()]

dbt_project = DbtProject(project_dir=PROJECT_DIR, profiles_dir=PROJECT_DIR, prepare_project_cli_args=PARSE_ARGS)


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
_PREPARED_ON_IMPORT = _manifest_is_stale()
if _PREPARED_ON_IMPORT:
    dbt_project.preparer.prepare(dbt_project)
else:
    dbt_project.prepare_if_dev()


if __name__ == "__main__":  # `make setup`: parse the project (when the manifest was fresh, the import did not)
    if not _PREPARED_ON_IMPORT:
        dbt_project.preparer.prepare(dbt_project)
