"""What every asset of the code location shares: the warehouse pool and the metadata of a raw load."""

from __future__ import annotations

from orchestration.raw.ledger import LoadResult
from orchestration.raw.registry import ExtractSpec

#: The Dagster pool of every asset that writes the build warehouse: one writer at a time (a run queues).
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
