"""Raw ingestion assets for the bundled published workbooks (DHS OHSS monthly tables), read with openpyxl.

One asset per landed sheet, key ``["raw", <table>]`` (lines up with dbt's ``source(<system>, <table>)``),
group ``raw_<source>``, in the ``warehouse`` pool. Each asset lands its sheet from every vintage of the
workbook (orchestration/raw/workbook.py: ledger row per vintage, history, newest vintage per month); a
vintage already in the history (same sha256) is skipped. The data version is the newest vintage's sha256.
"""

from dagster import AssetExecutionContext, AssetKey, AssetsDefinition, DataVersion, MaterializeResult, asset

from orchestration.assets import groups
from orchestration.assets.common import WAREHOUSE_POOL, load_metadata
from orchestration.raw.workbook import SheetSpec, WorkbookSource, ingest_sheet, load_workbook_registry
from orchestration.settings import get_settings


def build_workbook_sheet_asset(source: WorkbookSource, spec: SheetSpec) -> AssetsDefinition:
    """The ingestion asset of one sheet of a bundled workbook (see module docstring)."""
    newest = source.files[-1]

    @asset(
        key=AssetKey(["raw", spec.table]),
        group_name=groups.source_group(spec.source),
        description=spec.description,
        kinds={"duckdb", "excel"},
        pool=WAREHOUSE_POOL,
        metadata={"sheet": spec.sheet, "vintages": ", ".join(f.relative_path for f in source.files),
                  "provenance": f"data/raw/{spec.source}/provenance.yml", "rounded_to": spec.rounded_to or 0},
    )
    def _sheet(context: AssetExecutionContext) -> MaterializeResult:
        results = ingest_sheet(get_settings().warehouse, source.files, spec)
        for r in results:
            verb = "unchanged (same sha256), skipped" if r.skipped else f"loaded {r.rows_loaded} cells"
            context.log.info(f"raw.{spec.table}: {verb} from {r.source_file} (sheet {spec.sheet!r})")
        meta = load_metadata(results[-1])
        meta["origin"] = ", ".join(f"{k}: {v}" for k, v in newest.origin.items())
        meta["licence"] = newest.licence
        return MaterializeResult(metadata=meta, data_version=DataVersion(results[-1].sha256))

    return _sheet


def build_workbook_assets() -> list[AssetsDefinition]:
    """One ingestion asset per sheet entry of every data/raw/*/provenance.yml with ``workbooks:``."""
    return [build_workbook_sheet_asset(src, spec)
            for src in load_workbook_registry(get_settings().raw_data_dir) for spec in src.sheets]
