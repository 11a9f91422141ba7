"""Raw ingestion assets for the bundled real extracts (CBP, OHSS, CBP MPP pages, TRAC).

One asset per raw table, key ``["raw", <table>]`` (so dbt's ``source(<system>, <table>)`` lines up with it,
see dbt_assets.py), group ``raw_<source>``, in the ``warehouse`` pool (one writer at a time). Each asset
lands its file through :func:`orchestration.raw.landing.ingest_extract`: DuckDB's reader, load columns,
one ledger row, and no work at all when the same file (same sha256) is already loaded. The data version
is the file's sha256, so downstream assets are stale only when an input really changed.
"""


from dagster import AssetExecutionContext, AssetKey, AssetsDefinition, DataVersion, MaterializeResult, asset

from orchestration.raw.landing import ingest_extract
from orchestration.raw.ledger import LoadResult
from orchestration.raw.registry import ExtractSpec, load_registry
from orchestration.settings import get_settings

WAREHOUSE_POOL = "warehouse"


def load_metadata(result: LoadResult, spec: ExtractSpec | None = None) -> dict[str, object]:
    """Asset metadata of one load: counts, file, hash, vintage, input kind and origin."""
    meta: dict[str, object] = {
        "dagster/row_count": result.rows_loaded,
        "rows_read": result.rows_read,
        "rows_loaded": result.rows_loaded,
        "rows_quarantined": result.rows_quarantined,
        "duplicates_collapsed": result.duplicates_collapsed,
        "source_file": result.source_file,
        "sha256": result.sha256,
        "vintage": result.vintage.isoformat() if result.vintage else "",
        "input_kind": result.input_kind,
        "skipped_same_hash": result.skipped,
    }
    if spec is not None:
        meta["origin"] = ", ".join(f"{k}: {v}" for k, v in spec.origin.items())
        meta["licence"] = spec.licence
    return meta


def build_extract_asset(spec: ExtractSpec) -> AssetsDefinition:
    """The ingestion asset of one bundled extract (see module docstring)."""

    @asset(
        key=AssetKey(["raw", spec.table]),
        group_name=f"raw_{spec.source}",
        description=spec.description,
        kinds={"duckdb", "csv"},
        pool=WAREHOUSE_POOL,
        metadata={"source_path": spec.relative_path, "provenance": f"data/raw/{spec.source}/provenance.yml"},
    )
    def _extract(context: AssetExecutionContext) -> MaterializeResult:
        result = ingest_extract(get_settings().warehouse, spec)
        verb = "unchanged (same sha256), skipped" if result.skipped else f"loaded {result.rows_loaded} rows"
        context.log.info(f"raw.{spec.table}: {verb} from {spec.relative_path}")
        return MaterializeResult(metadata=load_metadata(result, spec), data_version=DataVersion(result.sha256))

    return _extract


def build_extract_assets() -> list[AssetsDefinition]:
    """One ingestion asset per entry of data/raw/*/provenance.yml."""
    return [build_extract_asset(spec) for spec in load_registry(get_settings().raw_data_dir).values()]
