"""The metrics report as a Dagster asset: ``["outputs", "report"]`` (group outputs, job mpp_main).

It reads the PUBLISHED warehouse, so it is downstream of ``["outputs", "published_warehouse"]``: a run
whose blocking checks failed publishes nothing and writes no report, and the report always shows exactly
what analysts can query. Output: ``report.html`` and ``charts/*.png`` in the run's output folder
(PipelineConfig.resolved_output_dir(), beside metrics.json). See orchestration/report/.
"""


from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, asset

from orchestration.assets.published import PUBLISHED_WAREHOUSE_KEY
from orchestration.assets.raw_extracts import WAREHOUSE_POOL
from orchestration.publish import published_paths
from orchestration.report import build_report
from orchestration.resources import PipelineConfig
from orchestration.settings import get_settings


@asset(
    key=AssetKey(["outputs", "report"]),
    group_name="outputs",
    deps=[PUBLISHED_WAREHOUSE_KEY],
    kinds={"html"},
    pool=WAREHOUSE_POOL,  # serialized with the publish step that swaps the file it reads
    description=(
        "report.html (self-contained, offline) and charts/*.png in the run's output folder: the DHS MPP Metrics "
        "and Measures document regenerated for the run's as-of date from the published warehouse."
    ),
)
def report(context: AssetExecutionContext, pipeline: PipelineConfig) -> MaterializeResult:
    """Render the report from the published copy (raises ReportError if it is of another as-of date)."""
    database, _ = published_paths(get_settings().published_dir)
    result = build_report(database, pipeline.resolved_output_dir(), pipeline.as_of)
    context.log.info(f"wrote {result.html} ({result.numbers} numbers, {len(result.charts)} charts)")
    return MaterializeResult(
        metadata={
            "path": MetadataValue.path(str(result.html)),
            "charts": len(result.charts),
            "numbers": result.numbers,
            "synthetic_banners": result.synthetic_sections,
            "as_of": pipeline.as_of,
        }
    )
