"""Run outputs: metrics.json (the headline contract, shared/METRICS.md) written into the run's output folder.

It is written from the copy the run just published (or, for an exploratory run, its own unpublished copy:
PipelineConfig.publication_target), never from the build warehouse: metrics.json, the published copy and
the report (orchestration/assets/report.py) always tell the same run's story. Downstream of
``outputs/published_warehouse``, so a run whose blocking checks failed writes no metrics.json either.

It runs in every successful run, also when the dbt build was unchanged (the dbt step then reports the build
unchanged and the publish step keeps its copy: orchestration/assets/dbt_models.py), so a run into a new
output folder, from the CLI, the UI or the schedule, leaves its metrics.json there. This asset is the only
writer of metrics.json (the CLI reads it).
"""

import json
from pathlib import Path
from typing import Any

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, asset

from orchestration.assets import groups
from orchestration.assets.common import WAREHOUSE_POOL
from orchestration.assets.published import PUBLISHED_WAREHOUSE_KEY
from orchestration.files import write_json_atomically
from orchestration.metrics import build_metrics_document
from orchestration.resources import PipelineConfig


def write_metrics_json(pipeline: PipelineConfig) -> tuple[Path, dict[str, Any]]:
    """Write OUTPUT/metrics.json from the run's copy (raises MetricsError if it is of another as-of date).

    A file that already says exactly this (everything but ``generated_at``: a run whose build was unchanged,
    into the same folder) is left as it is, so the record of the run that wrote it still holds
    (orchestration/unchanged_run.py)."""
    doc = build_metrics_document(pipeline.publication_target().database, pipeline.as_of)
    path = pipeline.resolved_output_dir() / "metrics.json"
    existing = _read(path)
    if existing is not None and _without_time(existing) == _without_time(doc):
        return path, existing
    write_json_atomically(doc, path)
    return path, doc


def _read(path: Path) -> dict[str, Any] | None:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) else None


def _without_time(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k != "generated_at"}


@asset(
    key=AssetKey(["outputs", "metrics_json"]),
    group_name=groups.PUBLICATION,
    deps=[PUBLISHED_WAREHOUSE_KEY],
    kinds={"json"},
    pool=WAREHOUSE_POOL,  # serialized with the publish step that swaps the file it reads
    description=(
        "metrics.json in the run's output folder: every headline figure of the copy the run published "
        "(marts.headline_metrics) with the as-of date, the open-choice variants, the input files and the "
        "publication (shared/METRICS.md)."
    ),
)
def metrics_json(context: AssetExecutionContext, pipeline: PipelineConfig) -> MaterializeResult:
    """Write DIR/metrics.json from the run's published (or own) copy."""
    path, doc = write_metrics_json(pipeline)
    context.log.info(f"wrote {len(doc['metrics'])} metrics to {path}")
    return MaterializeResult(
        metadata={
            "path": MetadataValue.path(str(path)),
            "as_of": doc["as_of"],
            "publication_id": doc["publication"]["id"],
            "metrics": len(doc["metrics"]),
            "synthetic_metrics": sum(m["input"] == "synthetic" for m in doc["metrics"]),
        }
    )
