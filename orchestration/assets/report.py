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
from orchestration.report import REPORT_NAME, ReportResult, build_report
from orchestration.resources import PipelineConfig


def write_report(pipeline: PipelineConfig) -> ReportResult:
    """Render OUTPUT/report.html and its charts from the run's copy (ReportError if of another as-of date)."""
    return build_report(pipeline.publication_target().database, pipeline.resolved_output_dir(), pipeline.as_of)


def report_is_current(pipeline: PipelineConfig, publication_id: str) -> bool:
    """True when OUTPUT/report.html already shows this publication and its charts are beside it (so a run
    whose build was unchanged need not redraw it)."""
    path = pipeline.resolved_output_dir() / REPORT_NAME
    charts = path.parent / "charts"
    return (path.is_file() and f"publication <code>{publication_id}</code>" in path.read_text(encoding="utf-8")
            and charts.is_dir() and any(charts.glob("*.png")))


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
    """Render the report from the run's published (or own) copy, unless the output folder already shows that
    publication (a run whose build was unchanged, into the same folder: nothing to redraw)."""
    publication_id = _publication_id(pipeline)
    if publication_id is not None and report_is_current(pipeline, publication_id):
        path = pipeline.resolved_output_dir() / REPORT_NAME
        context.log.info(f"{path} already shows publication {publication_id}: kept")
        return MaterializeResult(metadata={"path": MetadataValue.path(str(path)), "as_of": pipeline.as_of,
                                           "publication_id": publication_id, "redrawn": False})
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
            "redrawn": True,
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
