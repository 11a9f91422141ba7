"""Run outputs: metrics.json (the headline contract, shared/METRICS.md) written into the run's output folder.

It is written from the copy the run just published (or, for an exploratory run, its own unpublished copy:
PipelineConfig.publication_target), never from the build warehouse: metrics.json, the published copy and
the report (orchestration/assets/report.py) always tell the same run's story. Downstream of
``outputs/published_warehouse``, so a run whose blocking checks failed writes no metrics.json either.
"""

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
    """Write OUTPUT/metrics.json from the run's copy (raises MetricsError if it is of another as-of date)."""
    doc = build_metrics_document(pipeline.publication_target().database, pipeline.as_of)
    path = pipeline.resolved_output_dir() / "metrics.json"
    write_json_atomically(doc, path)
    return path, doc


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
