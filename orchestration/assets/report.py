"""The metrics report as a Dagster asset: ``["outputs", "report"]`` (group outputs, job mpp_main).

It reads the copy the run published (PipelineConfig.publication_target: the analysts' copy, a named
publication, or an exploratory run's own unpublished copy), so it is downstream of
``["outputs", "published_warehouse"]``: a run whose blocking checks failed publishes nothing and writes no
report, and the report always shows exactly what analysts can query. Output: ``report.html`` and ``charts/*.png`` in the run's output folder
(PipelineConfig.resolved_output_dir(), beside metrics.json). See orchestration/report/.
"""


import duckdb
from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, asset

from orchestration.assets import groups
from orchestration.assets.common import WAREHOUSE_POOL
from orchestration.assets.published import PUBLISHED_WAREHOUSE_KEY
from orchestration.report import ReportResult, build_report
from orchestration.resources import PipelineConfig


def write_report(pipeline: PipelineConfig) -> ReportResult:
    """Render OUTPUT/report.html and its charts from the run's copy (ReportError if of another as-of date)."""
    return build_report(pipeline.publication_target().database, pipeline.resolved_output_dir(), pipeline.as_of)


@asset(
    key=AssetKey(["outputs", "report"]),
    group_name=groups.PUBLICATION,
    deps=[PUBLISHED_WAREHOUSE_KEY],
    kinds={"html"},
    pool=WAREHOUSE_POOL,  # serialized with the publish step that swaps the file it reads
    description=(
        "report.html (self-contained, offline) and charts/*.png in the run's output folder: the DHS MPP Metrics "
        "and Measures document regenerated for the run's as-of date from the published warehouse."
    ),
)
def report(context: AssetExecutionContext, pipeline: PipelineConfig) -> MaterializeResult:
    """Render the report from the run's published (or own) copy, every time it runs: a report already in the
    output folder is never trusted to show the copy (break-it pass: an edited report.html naming the right
    publication was kept)."""
    publication_id = _publication_id(pipeline)
    result = write_report(pipeline)
    context.log.info(f"wrote {result.html} ({result.numbers} numbers, {len(result.charts)} charts)")
    return MaterializeResult(
        metadata={
            "path": MetadataValue.path(str(result.html)),
            "charts": len(result.charts),
            "numbers": result.numbers,
            "synthetic_banners": result.synthetic_sections,
            "as_of": pipeline.as_of,
            "publication_id": publication_id or "",
        }
    )


def _publication_id(pipeline: PipelineConfig) -> str | None:
    """The publication id of the run's copy (None when it cannot be read: the report says why)."""
    con = None
    try:
        con = duckdb.connect(str(pipeline.publication_target().database), read_only=True)
        return con.execute("select publication_id from meta.publication").fetchone()[0]
    except duckdb.Error:
        return None
    finally:
        if con is not None:
            con.close()
