"""dbt docs as a Dagster asset: ``["outputs", "dbt_docs"]``, a static site in ``var/dbt_docs/``.

Why a separate asset rather than a step of the dbt asset: the docs' catalog describes the tables as built,
so it must run after every model; a docs failure must not mark the models failed or skip the publish; and
it can be re-materialized alone. It runs ``dbt docs generate --static --no-compile`` (dbt >= 1.7: one
self-contained ``static_index.html`` that opens from disk) into a private target folder seeded with the
project's parsed manifest (the one the Dagster assets are built from; --no-compile skips compiling ~300
nodes again, 10 s instead of 40 s, and then reads the manifest from the target folder), then swaps the folder in:
``var/dbt_docs/index.html`` (the static page), plus manifest.json and catalog.json. Pool ``warehouse``:
building the catalog opens the build database.
"""


import os
import shutil
import uuid
from collections.abc import Sequence
from pathlib import Path

from dagster import AssetExecutionContext, AssetKey, AssetsDefinition, MaterializeResult, MetadataValue, asset
from dagster_dbt import DbtCliResource

from orchestration import partial_parse
from orchestration.assets import groups
from orchestration.assets.common import WAREHOUSE_POOL
from orchestration.project import dbt_project
from orchestration.resources import PipelineConfig
from orchestration.settings import get_settings

DBT_DOCS_KEY = AssetKey(["outputs", "dbt_docs"])


def dbt_docs_dir() -> Path:
    """Where the static dbt docs land (git-ignored, under var/)."""
    return get_settings().var_dir / "dbt_docs"


def swap_folder(new: Path, final: Path) -> None:
    """Replace folder ``final`` by ``new`` (two renames; the old folder is removed afterwards)."""
    old = final.with_name(f".{final.name}.old.{uuid.uuid4().hex[:8]}")
    if final.exists():
        os.replace(final, old)
    os.replace(new, final)
    shutil.rmtree(old, ignore_errors=True)


def build_dbt_docs_asset(upstream: Sequence[AssetKey]) -> AssetsDefinition:
    """The dbt docs asset, downstream of ``upstream`` (every dbt model and seed)."""

    @asset(
        key=DBT_DOCS_KEY,
        group_name=groups.PUBLICATION,
        deps=list(upstream),
        kinds={"dbt", "html"},
        pool=WAREHOUSE_POOL,
        description="Static dbt docs site (var/dbt_docs/index.html): every model, column, test and exposure.",
    )
    def dbt_docs(context: AssetExecutionContext, dbt: DbtCliResource, pipeline: PipelineConfig) -> MaterializeResult:
        """``dbt docs generate --static`` into a private folder, then swap it into var/dbt_docs/."""
        settings = get_settings()
        os.environ["MPP_WAREHOUSE"] = str(settings.warehouse)  # profiles.yml reads it
        final = dbt_docs_dir()
        final.parent.mkdir(parents=True, exist_ok=True)
        work = final.with_name(f".{final.name}.{uuid.uuid4().hex[:8]}.tmp")
        try:
            work.mkdir()
            manifest = dbt_project.manifest_path
            for artifact in (manifest, manifest.with_name("partial_parse.msgpack")):
                if artifact.is_file():
                    shutil.copy2(artifact, work / artifact.name)
            args = ["docs", "generate", "--static", "--no-compile", "--vars", pipeline.dbt_vars_json()]
            dbt.cli(args, target_path=work).wait()
            partial_parse.keep(work, args)
            static = work / "static_index.html"
            if not static.is_file():
                raise RuntimeError(f"dbt docs generate --static wrote no {static.name} in {work}")
            site = work / "site"
            site.mkdir()
            shutil.copy2(static, site / "index.html")
            for name in ("manifest.json", "catalog.json"):
                shutil.copy2(work / name, site / name)
            swap_folder(site, final)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        context.log.info(f"dbt docs: {final / 'index.html'}")
        return MaterializeResult(metadata={"path": MetadataValue.path(str(final / "index.html"))})

    return dbt_docs
