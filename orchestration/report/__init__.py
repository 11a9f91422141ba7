"""The MPP metrics report: one self-contained static HTML file plus its charts as PNG files.

:func:`build_report` reads the published warehouse (orchestration/publish.py), draws the charts
(charts.py, matplotlib Agg) and renders templates/report.html.j2 (Jinja2, autoescaped). The HTML inlines
its CSS and embeds every chart as a base64 PNG, so it opens offline with no network request. Output::

    <output_dir>/report.html
    <output_dir>/charts/<name>.png     the same charts as files

Every printed number is a value of a published table, tagged with data attributes (see data.py).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import jinja2

from orchestration.files import write_atomically
from orchestration.report.data import ReportData, ReportError, load_report_data

__all__ = ["REPORT_NAME", "ReportError", "ReportResult", "build_report", "render_report"]

REPORT_NAME = "report.html"
CHARTS_DIR = "charts"
_TEMPLATES = Path(__file__).parent / "templates"


@dataclass
class ReportResult:
    """Paths written by :func:`build_report` and how many numbers the report prints."""

    html: Path
    charts: dict[str, Path]
    numbers: int
    synthetic_sections: int


def _charts(data: ReportData) -> dict[str, tuple[str, bytes, bool]]:
    """name -> (caption, PNG bytes, synthetic?) for every chart of the report, in report order."""
    from orchestration.report import charts  # matplotlib: imported when a report is drawn, not at load

    out = {}
    if data.swb:
        out["swb_encounters_monthly"] = (
            ("Southwest Border encounters per month by component, MPP phases shaded, timeline events marked "
             "(marts.swb_encounters_monthly; seeds.mpp_timeline, seeds.mpp_phases)"),
            charts.encounters_with_timeline(data.swb, data.timeline, data.phases, "SWB enforcement encounters"),
            data.swb.synthetic,
        )
    if data.g3_sources:
        out["g3_cbp_enrollments_by_source"] = (
            ("MPP enrollments by CBP since inception from both published sources, per month, MPP phases shaded "
             "(marts.enrollments_source_reconciliation; seed mpp_phases); a month a source does not print is a gap"),
            charts.lines_with_phases(data.g3_sources, data.phases, "MPP enrollments by CBP: CBP pages and OHSS",
                                     ylabel="people enrolled / book-outs"),
            data.g3_sources.synthetic,
        )
    if data.enrollments_by_location:
        out["cbp_enrollments_by_location"] = (
            "CBP MPP enrollments per month by USBP sector / OFO field office (marts.cbp_page_enrollments_by_location_monthly)",
            charts.stacked_bars(data.enrollments_by_location, "CBP MPP enrollments by location"),
            data.enrollments_by_location.synthetic,
        )
    if data.enrollments_vs_court:
        out["enrollments_vs_court_nta"] = (
            ("CBP enrollments beside court-side MPP cases with NTA filed, per month "
             "(marts.enrollments_vs_court_ntas_monthly)"),
            charts.lines(data.enrollments_vs_court, "CBP enrollments vs court-side NTAs filed"),
            data.enrollments_vs_court.synthetic,
        )
    if data.completions_by_outcome:
        out["initial_completions_by_outcome"] = (
            ("Initial completions per month by outcome (marts.initial_completions_monthly, summed over "
             "location and nationality)"),
            charts.stacked_bars(data.completions_by_outcome, "Initial completions by outcome"),
            data.completions_by_outcome.synthetic,
        )
    if data.relief_by_form:
        out["relief_grants_by_form"] = (
            "Cases granted relief per month of first grant, by most protective form (marts.relief_cases_monthly)",
            charts.stacked_bars(data.relief_by_form, "Relief grants by form"),
            data.relief_by_form.synthetic,
        )
    if data.nri_by_outcome:
        out["nri_referrals_by_outcome"] = (
            "NRI referrals per referral month by outcome as of the as-of date (marts.nri_referrals_monthly)",
            charts.stacked_bars(data.nri_by_outcome, "NRI referrals by outcome"),
            data.nri_by_outcome.synthetic,
        )
    if data.history:
        out["court_metrics_history"] = (
            "Court headline figures as of each month-end, cumulative since inception (marts.court_metrics_history)",
            charts.lines(data.history, "Court headline figures as of each month-end"),
            data.history.synthetic,
        )
    return out


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_report(data: ReportData, chart_pngs: dict[str, tuple[str, bytes, bool]]) -> str:
    """The report's HTML text for ``data`` with ``chart_pngs`` embedded as base64 images."""
    figures = {
        name: {"caption": caption, "b64": base64.b64encode(png).decode("ascii"), "synthetic": synthetic,
               "file": f"{CHARTS_DIR}/{name}.png"}
        for name, (caption, png, synthetic) in chart_pngs.items()
    }
    return _environment().get_template("report.html.j2").render(
        d=data, figures=figures, generated_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    )


def build_report(published_db: Path, output_dir: Path, as_of: str | None = None) -> ReportResult:
    """Write ``output_dir/report.html`` and ``output_dir/charts/*.png`` from the published warehouse.

    Raises ReportError when the published warehouse is missing, incomplete or of another as-of date.
    """
    data = load_report_data(published_db, as_of)
    pngs = _charts(data)
    chart_paths = {}
    for name, (_, png, _) in pngs.items():
        chart_paths[name] = output_dir / CHARTS_DIR / f"{name}.png"
        write_atomically(chart_paths[name], png)
    html = render_report(data, pngs)
    path = output_dir / REPORT_NAME
    write_atomically(path, html.encode("utf-8"))
    return ReportResult(path, chart_paths, html.count('data-table="'), html.count('class="synthetic-banner"'))
