"""The Dagster code location of mpp-metrics: assets, checks, jobs, schedule and resources.

- ``mpp_main``: materializes every asset in one process (in-process executor: steps share the single
  DuckDB writer one after another, and the run starts in seconds). The CLI ``mpp-metrics run`` runs it.
- ``nightly_rebuild``: the same job at 02:00 UTC every day, on by default.
- ``rebuild_downstream_of_new_inputs``: declarative automation (sensor on by default). Every asset below the
  raw layer (dbt seeds and models, outputs) has ``AutomationCondition.eager()``: when one raw asset is
  materialized on its own (a new release of one extract, from the UI or a job), the next tick requests
  exactly the assets downstream of it, so only they are rebuilt (dagster-dbt passes the subset to
  ``dbt build --select``). A run that already rebuilt the downstream assets (the nightly job, the CLI)
  triggers nothing. Visible in the UI under Automation and on each asset.
- ``new_eoir_release``: sensor (on by default) launching ``mpp_main`` for each new EOIR release, zip or folder,
  that lands in ``MPP_EOIR_LANDING_DIR`` (identified by the sha256 of its files' content), and, when
  ``MPP_EOIR_RELEASE_URL`` is set, job ``eoir_release_download`` when the URL's ETag / Last-Modified change
  (orchestration/assets/eoir_release_sensor.py).
- ``record_run_log_on_success`` / ``_failure`` / ``_canceled``: run status sensors (on by default) that write
  the log and run_stats.json of every run launched from the UI, the schedule or a sensor into var/logs
  (orchestration/assets/run_sensors.py, recording through orchestration/runlog.py; ``mpp-metrics run`` writes its own).
- Resources: ``dbt`` (dagster-dbt's CLI resource without its per-command dbt start-up, its dbt dying with the
  run: MppDbtCliResource)
  and ``pipeline`` (per-run settings, configurable at launch).
- Asset groups (orchestration/assets/groups.py): one per source system (raw + staging), one per goal,
  ``definitions`` (seeds) and ``publication``: 12.
Warehouse access is serialized by the ``warehouse`` pool and by one run at a time (dagster.yaml).
"""

from __future__ import annotations

import sys
from pathlib import Path

from dagster import (
    AssetKey,
    AssetsDefinition,
    AssetSelection,
    AssetSpec,
    AutomationCondition,
    AutomationConditionSensorDefinition,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    Definitions,
    ScheduleDefinition,
    define_asset_job,
    in_process_executor,
)

from orchestration.assets.dbt_docs import build_dbt_docs_asset
from orchestration.assets.dbt_models import mpp_dbt_models
from orchestration.assets.eoir_release_sensor import build_new_eoir_release_sensor, eoir_release_download
from orchestration.assets.ge_checks import build_ge_checks
from orchestration.assets.outputs import metrics_json
from orchestration.assets.published import build_published_warehouse_asset, published_upstream_keys
from orchestration.assets.raw_eoir import raw_eoir_release
from orchestration.assets.raw_extracts import build_extract_assets
from orchestration.assets.raw_uscis import uscis_nri_referrals
from orchestration.assets.raw_workbooks import build_workbook_assets
from orchestration.assets.report import report
from orchestration.assets.run_sensors import run_record_sensors
from orchestration.project import dbt_project
from orchestration.resources import MppDbtCliResource, PipelineConfig

MAIN_JOB_NAME = "mpp_main"
# dbt from the same environment as Dagster (the venv is not always on PATH, e.g. under `uv run` or cron).
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")

all_assets = [*build_extract_assets(), *build_workbook_assets(), raw_eoir_release, uscis_nri_referrals, mpp_dbt_models, metrics_json]
# Write-audit-publish, report and dbt docs (publication group): downstream of every mart / model.
all_assets += [
    build_published_warehouse_asset(published_upstream_keys(mpp_dbt_models)),
    report,
    build_dbt_docs_asset(sorted(mpp_dbt_models.keys, key=lambda k: k.to_user_string())),
]


def load_history_specs(assets: list[AssetsDefinition]) -> list[AssetSpec]:
    """The raw load histories the models read (``raw.<table>__history``, written by the raw asset of
    ``<table>`` with every vintage it landed), declared in that asset's group rather than in ``default``."""
    produced = {spec.key: spec for a in assets for spec in a.specs}
    read = {dep.asset_key for a in assets for spec in a.specs for dep in spec.deps}
    specs = []
    for key in sorted(read - set(produced), key=lambda k: k.to_user_string()):
        base = AssetKey([*key.path[:-1], key.path[-1].removesuffix("__history")])
        if key.path[0] == "raw" and key != base and base in produced:
            specs.append(AssetSpec(key=key, group_name=produced[base].group_name, description=(
                f"Every vintage landed into raw.{base.path[-1]} (its load history), written by {base.to_user_string()}.")))
    return specs


def with_rebuild_on_new_inputs(assets_def: AssetsDefinition) -> AssetsDefinition:
    """``assets_def`` with ``AutomationCondition.eager()`` on every asset outside the raw layer (raw assets
    are the inputs: they are materialized by the nightly job or by hand, never automatically)."""
    return assets_def.map_asset_specs(
        lambda spec: spec if spec.key.path[0] == "raw" else spec.replace_attributes(
            automation_condition=AutomationCondition.eager())
    )


all_assets = [with_rebuild_on_new_inputs(a) for a in all_assets]
load_histories = load_history_specs(all_assets)
# Great Expectations suites as asset checks: blocking (ERROR) ones gate outputs; see assets/ge_checks.py.
ge_checks = build_ge_checks(all_assets)

main_job = define_asset_job(
    name=MAIN_JOB_NAME,
    selection=AssetSelection.all(),
    executor_def=in_process_executor,
    description="Rebuild everything: ingest extracts, dbt build (with tests), checks and outputs.",
)

nightly_rebuild = ScheduleDefinition(
    name="nightly_rebuild",
    job=main_job,
    cron_schedule="0 2 * * *",
    execution_timezone="UTC",
    default_status=DefaultScheduleStatus.RUNNING,
    description="Nightly rebuild of the whole graph; unchanged inputs are not re-ingested.",
)

rebuild_downstream_of_new_inputs = AutomationConditionSensorDefinition(
    name="rebuild_downstream_of_new_inputs",
    target=AssetSelection.all(),
    default_status=DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=60,
    description="Rebuild only what depends on a newly materialized raw asset (AutomationCondition.eager()).",
)

#: A new EOIR release landed (by content) or published (URL, when configured): run the main job on it.
new_eoir_release = build_new_eoir_release_sensor(main_job)

defs = Definitions(
    assets=[*all_assets, *load_histories],
    # also for the UI's "Materialize all" / ad-hoc selections (the implicit asset job): one process
    executor=in_process_executor,
    asset_checks=ge_checks,
    jobs=[main_job, eoir_release_download],
    schedules=[nightly_rebuild],
    sensors=[rebuild_downstream_of_new_inputs, new_eoir_release, *run_record_sensors()],
    resources={
        "dbt": MppDbtCliResource.guarded(dbt_project, DBT_EXECUTABLE),
        "pipeline": PipelineConfig.configure_at_launch(),
    },
)
