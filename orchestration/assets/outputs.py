"""Run outputs: metrics.json (the headline contract, shared/METRICS.md) written into the run's output folder."""


from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, asset

from orchestration.assets.raw_extracts import WAREHOUSE_POOL
from orchestration.locking import warehouse_write_lock
from orchestration.metrics import build_metrics_document, write_json_atomically
from orchestration.resources import PipelineConfig
from orchestration.settings import get_settings


@asset(
    key=AssetKey(["outputs", "metrics_json"]),
    group_name="outputs",
    deps=[AssetKey(["marts", "headline_metrics"])],
    kinds={"json"},
    pool=WAREHOUSE_POOL,
    description=(
        "metrics.json in the run's output folder: every headline figure of marts.headline_metrics with the "
        "as-of date, the open-choice variants and the input files (shared/METRICS.md)."
    ),
)
def metrics_json(context: AssetExecutionContext, pipeline: PipelineConfig) -> MaterializeResult:
    """Write DIR/metrics.json from marts.headline_metrics (raises MetricsError on a stale mart)."""
    warehouse = get_settings().warehouse
    with warehouse_write_lock(warehouse, log=context.log.info):
        doc = build_metrics_document(warehouse, pipeline.as_of)
    path = pipeline.resolved_output_dir() / "metrics.json"
    write_json_atomically(doc, path)
    context.log.info(f"wrote {len(doc['metrics'])} metrics to {path}")
    return MaterializeResult(
        metadata={
            "path": MetadataValue.path(str(path)),
            "as_of": doc["as_of"],
            "metrics": len(doc["metrics"]),
            "synthetic_metrics": sum(m["input"] == "synthetic" for m in doc["metrics"]),
        }
    )
