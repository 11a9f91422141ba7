"""Raw ingestion assets for the bundled real extracts (CBP, OHSS, CBP MPP pages, TRAC).

One asset per raw table, key ``["raw", <table>]`` (so dbt's ``source(<system>, <table>)`` lines up with it,
see dbt_models.py), in its source system's group (groups.py), in the ``warehouse`` pool (one writer at a time). Each asset
lands its file through :func:`orchestration.raw.landing.ingest_extract`: DuckDB's reader, load columns,
one ledger row, and no work at all when the same file (same sha256) is already loaded. The data version
is the file's sha256, so downstream assets are stale only when an input really changed.

The raw tables of CBP's official open-data layouts (orchestration/raw/user_files.py) also land the files a
user brings (``--cbp-encounters``, run config ``pipeline.cbp_encounters``), oldest vintage first, after the
bundled file if there is one; raw.cbp_sw_encounters_aor has no bundled file and is created empty (no ledger
row) when no file of its layout is given. Their data version then covers every file's sha256.
"""


import hashlib

from dagster import AssetExecutionContext, AssetKey, AssetsDefinition, DataVersion, MaterializeResult, asset

from orchestration.assets import groups
from orchestration.assets.common import WAREHOUSE_POOL, load_metadata
from orchestration.raw import user_files
from orchestration.raw.landing import create_empty, ingest_extract
from orchestration.raw.ledger import LoadResult
from orchestration.raw.registry import ExtractSpec, load_registry
from orchestration.resources import PipelineConfig
from orchestration.settings import get_settings


def build_extract_asset(spec: ExtractSpec) -> AssetsDefinition:
    """The ingestion asset of one bundled extract (see module docstring)."""
    if spec.table in {lay.table for lay in user_files.LAYOUTS}:
        return build_cbp_layout_asset(next(lay for lay in user_files.LAYOUTS if lay.table == spec.table), spec)

    @asset(
        key=AssetKey(["raw", spec.table]),
        group_name=groups.source_group(spec.source),
        description=spec.description,
        kinds={"duckdb", "csv"},
        pool=WAREHOUSE_POOL,
        metadata={"source_path": spec.relative_path, "provenance": f"data/raw/{spec.source}/provenance.yml"},
    )
    def _extract(context: AssetExecutionContext) -> MaterializeResult:
        result = _land(context, spec, verify_provenance=True)
        return MaterializeResult(metadata=load_metadata(result, spec), data_version=DataVersion(result.sha256))

    return _extract


def _land(context: AssetExecutionContext, spec: ExtractSpec, *, verify_provenance: bool) -> LoadResult:
    result = ingest_extract(get_settings().warehouse, spec, verify_provenance=verify_provenance)
    verb = "unchanged (same sha256), skipped" if result.skipped else f"loaded {result.rows_loaded} rows"
    context.log.info(f"raw.{spec.table}: {verb} from {spec.relative_path} (vintage {spec.vintage})")
    return result


def build_cbp_layout_asset(layout: user_files.Layout, bundled: ExtractSpec | None) -> AssetsDefinition:
    """The ingestion asset of a raw table in one of CBP's official layouts: the bundled file (pinned by its
    provenance sha256), then the run's user files of that layout (recorded by sha256, not pinned)."""

    @asset(
        key=AssetKey(["raw", layout.table]),
        group_name=groups.source_group("cbp"),
        description=(bundled.description if bundled else f"CBP {layout.title} (official open-data CSV), landed "
                     "from the files given with --cbp-encounters; empty when none.")
        + " User files: --cbp-encounters / run config pipeline.cbp_encounters.",
        kinds={"duckdb", "csv"},
        pool=WAREHOUSE_POOL,
        metadata={"layout": layout.title, "columns": ", ".join(layout.columns)},
    )
    def _layout(context: AssetExecutionContext, pipeline: PipelineConfig) -> MaterializeResult:
        results = [_land(context, bundled, verify_provenance=True)] if bundled else []
        specs = user_files.user_specs(pipeline.cbp_encounters, layout.table)
        results += [_land(context, spec, verify_provenance=False) for spec in specs]
        if not results:
            create_empty(get_settings().warehouse, layout.table, layout.columns)
            return MaterializeResult(metadata={"files": 0}, data_version=DataVersion("empty"))
        meta = load_metadata(results[-1], bundled if bundled and not specs else None)
        meta["files"] = ", ".join(f"{r.source_file} (vintage {r.vintage}, sha256 {r.sha256[:12]})" for r in results)
        shas = [r.sha256 for r in results]
        version = shas[0] if len(shas) == 1 else hashlib.sha256("|".join(shas).encode()).hexdigest()
        return MaterializeResult(metadata=meta, data_version=DataVersion(version))

    return _layout


def build_extract_assets() -> list[AssetsDefinition]:
    """One ingestion asset per entry of data/raw/*/provenance.yml, plus one per CBP layout without a bundled
    file (raw.cbp_sw_encounters_aor)."""
    registry = load_registry(get_settings().raw_data_dir)
    assets = [build_extract_asset(spec) for spec in registry.values()]
    return assets + [build_cbp_layout_asset(lay, None) for lay in user_files.LAYOUTS if lay.table not in registry]
