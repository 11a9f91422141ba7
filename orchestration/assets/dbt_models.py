"""Every dbt model, seed and test as Dagster assets and asset checks (dagster-dbt).

Asset keys: a dbt source table in schema ``raw`` maps to ``["raw", <table>]``, the key of its ingestion
asset, so lineage needs no extra wiring; models and seeds keep their names. Groups: ``staging_<source>``,
``intermediate``, ``definitions`` (seeds), and one group per mart folder (``goal_4_encounters`` ...).
dbt tests run as asset checks (source tests included). The run's settings reach dbt as ``--vars``.
"""


import os
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from dagster import AssetExecutionContext, AssetKey
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from orchestration import partial_parse
from orchestration.assets import build_state
from orchestration.assets.raw_extracts import WAREHOUSE_POOL
from orchestration.checkpoints import checkpoint
from orchestration.locking import warehouse_write_lock
from orchestration.project import dbt_project
from orchestration.resources import PipelineConfig
from orchestration.settings import get_settings


class MppDbtTranslator(DagsterDbtTranslator):
    """Maps dbt nodes to this project's asset keys and groups (see module docstring)."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source" and dbt_resource_props.get("schema") == "raw":
            return AssetKey(["raw", dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        resource_type = dbt_resource_props["resource_type"]
        if resource_type == "seed":
            return "definitions"
        fqn = dbt_resource_props.get("fqn", [])
        if resource_type == "model" and len(fqn) >= 3:
            layer = fqn[1]
            if layer == "staging":
                return f"staging_{fqn[2]}"
            if layer == "marts" and len(fqn) >= 4:
                return fqn[2]
            return layer
        return super().get_group_name(dbt_resource_props)


translator = MppDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_source_tests_as_checks=True))


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=translator,
    pool=WAREHOUSE_POOL,
)
def mpp_dbt_models(context: AssetExecutionContext, dbt: DbtCliResource, pipeline: PipelineConfig) -> Iterator[Any]:
    """``dbt build`` of the selected models with this run's vars (as-of date and open-choice switches).

    Incremental: when the build's fingerprint (current raw loads, dbt vars, dbt project files, selection)
    equals that of the last successful build AND of the copy this run publishes to (so the build was
    checked and published, build_state.published_build), nothing is rebuilt and no asset is materialized
    (they are skippable), so downstream steps of this run are skipped too; the CLI then writes
    metrics.json and the report from that copy.
    """
    warehouse = get_settings().warehouse
    # profiles.yml reads the warehouse path from MPP_WAREHOUSE; the dbt subprocess inherits it.
    os.environ["MPP_WAREHOUSE"] = str(warehouse)
    # the write lock of the warehouse for the whole build (re-entered when the CLI already holds it)
    with warehouse_write_lock(warehouse, log=context.log.info):
        selection = sorted(k.to_user_string() for k in context.selected_asset_keys)
        build_fingerprint = build_state.build_fingerprint(warehouse, pipeline.dbt_vars(), selection)
        done = build_state.published_build(pipeline.publication_target().database) == build_fingerprint
        if done and build_state.last_build(warehouse) == build_fingerprint and build_state.marts_match(
            warehouse, pipeline.dbt_vars()
        ):
            context.log.info("inputs, settings and dbt project unchanged since the last build: nothing to rebuild")
            return
        args = ["build", "--vars", pipeline.dbt_vars_json()]
        invocation = dbt.cli(args, context=context)
        try:
            for i, event in enumerate(invocation.stream()):
                yield event
                if i == 0:
                    checkpoint("dbt_mid_build")
        except BaseException:
            # never leave a dbt process writing to the warehouse after this step has failed
            if invocation.process.poll() is None:
                invocation.process.terminate()
                invocation.process.wait(timeout=30)
            raise
        build_state.record_build(warehouse, build_fingerprint)
        partial_parse.keep(invocation.target_path, args)
        checkpoint("after_dbt_build")
    prune_run_targets(dbt_project.project_dir / "target", keep=KEEP_RUN_TARGETS)


#: dagster-dbt writes one target folder per invocation (target/<asset>-<id>); keep the newest few.
KEEP_RUN_TARGETS = 5


def prune_run_targets(target_dir: Path, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest per-run dbt target folders (``<target>/mpp_dbt_models-*``,
    ``<target>/*-*`` made by dagster-dbt); the project's own manifest (``target/manifest.json``) stays.
    Returns the folders removed."""
    runs = sorted((p for p in target_dir.glob("*-*") if p.is_dir()), key=lambda p: p.stat().st_mtime, reverse=True)
    removed = runs[keep:]
    for folder in removed:
        shutil.rmtree(folder, ignore_errors=True)
    return removed
