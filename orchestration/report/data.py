"""Everything the metrics report shows, read from the PUBLISHED warehouse (orchestration/publish.py).

Every number the report prints is a :class:`Cell`: one value of one published table, located by its
table, column and key (the columns that select its row). The HTML carries these as data attributes
(``data-table``, ``data-column``, ``data-key``; headline figures also ``data-metric-id`` and
``data-period``), so a test can look every printed number up again. Chart series are the rows of one
mart, summed in SQL over the dimensions a chart does not show (location, nationality); Python only
formats.

Sources (published tables):
- marts.headline_metrics          the headline figures per goal (cumulative, months, fiscal years)
- marts.swb_encounters_monthly    goal 4 monthly series by component; seeds.mpp_timeline / mpp_phases
- marts.cbp_page_enrollments_by_location_monthly, marts.enrollments_vs_court_ntas_monthly   goal 3
- marts.enrollments_source_reconciliation   goal 3: CBP pages and OHSS book-outs since inception
- marts.initial_completions_monthly   initial completions by outcome bucket per month
- marts.relief_cases_monthly    relief grants by most protective form per month
- marts.nri_referrals_monthly     NRI referrals by outcome per referral month
- marts.court_metrics_history     court headline figures as of each month-end
- marts.published_figures_reconciliation    published control figures beside the pipeline's values
- meta.inputs / meta.quarantine / meta.printed_total_discrepancies / meta.check_results / meta.publication
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb


class ReportError(RuntimeError):
    """The published warehouse is missing, incomplete or of another as-of date."""


@dataclass(frozen=True)
class Cell:
    """One printed number: its value and where it lives (table, column, row key)."""

    value: Any
    table: str
    column: str
    key: dict[str, Any]
    fmt: str = "int"  # "int" (thousands separators) or "pct" (fraction shown as percent, 1 decimal)

    @property
    def key_json(self) -> str:
        return json.dumps(self.key, sort_keys=True, default=str)

    @property
    def text(self) -> str:
        if self.value is None:
            return "—"
        if self.fmt == "pct":
            return f"{self.value * 100:.1f}%"
        return f"{int(self.value):,}"


@dataclass
class Series:
    """A chart's data: x labels (months) and named y series (lists aligned with x)."""

    x: list[str]
    ys: dict[str, list[float]]
    synthetic: bool = False


@dataclass
class ReportData:
    """Everything the template and the charts need (see module docstring for the sources)."""

    publication: dict[str, Any]
    goals: list[dict[str, Any]] = field(default_factory=list)
    swb: Series | None = None
    swb_table: list[dict[str, Any]] = field(default_factory=list)
    revisions_table: list[dict[str, Any]] = field(default_factory=list)
    timeline: list[dict[str, Any]] = field(default_factory=list)
    phases: list[dict[str, Any]] = field(default_factory=list)
    enrollments_by_location: Series | None = None
    enrollments_vs_court: Series | None = None
    g3_sources: Series | None = None
    g3_reconciliation: list[dict[str, Any]] = field(default_factory=list)
    enrollments_table: list[dict[str, Any]] = field(default_factory=list)
    completions_by_outcome: Series | None = None
    relief_by_form: Series | None = None
    court_monthly_table: list[dict[str, Any]] = field(default_factory=list)
    nri_by_outcome: Series | None = None
    nri_table: list[dict[str, Any]] = field(default_factory=list)
    history: Series | None = None
    history_table: list[dict[str, Any]] = field(default_factory=list)
    history_metrics: list[str] = field(default_factory=list)
    reconciliation: list[dict[str, Any]] = field(default_factory=list)
    checks: dict[str, Any] = field(default_factory=dict)
    quarantine: list[dict[str, Any]] = field(default_factory=list)
    discrepancies: list[dict[str, Any]] = field(default_factory=list)
    inputs: list[dict[str, Any]] = field(default_factory=list)
    release_diffs: list[dict[str, Any]] = field(default_factory=list)
    release_diff_kinds: list[dict[str, Any]] = field(default_factory=list)


def _dicts(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict[str, Any]]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def _has_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "select 1 from information_schema.tables where table_schema = ? and table_name = ?", [schema, table]
        ).fetchall()
    )


def _pivot(rows: list[dict[str, Any]], x: str, series: str, value: str, order: list[str] | None = None) -> Series:
    """Long rows (x, series, value) -> a Series; missing points are 0 (a month with no row has none)."""
    xs = sorted({r[x] for r in rows})
    names = order or sorted({r[series] for r in rows})
    ys = {n: [0.0] * len(xs) for n in names}
    index = {v: i for i, v in enumerate(xs)}
    for r in rows:
        if r[series] in ys:
            ys[r[series]][index[r[x]]] = float(r[value] or 0)
    synthetic = any(r.get("input_kind") == "synthetic" for r in rows)
    return Series(xs, ys, synthetic)


def _cells(rows: list[dict[str, Any]], table: str, key_cols: list[str], value_cols: list[str],
           pct_cols: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Rows with each value column wrapped as a Cell keyed by ``key_cols``."""
    out = []
    for r in rows:
        key = {k: r[k] for k in key_cols}
        row = dict(r)
        for c in value_cols:
            row[c] = Cell(r[c], table, c, key, "pct" if c in pct_cols else "int")
        out.append(row)
    return out


# The DHS document's goals, in its order: the measure and definition text, and which headline ids
# (cumulative unless a period is named) the section prints. Text only: every number comes from the marts.
GOALS: list[dict[str, Any]] = [
    {
        "goal": "1a", "title": "Goal 1 — Humanitarian protection (1a: relief granted)",
        "measure": "INA 240 removal proceedings of MPP aliens that resulted in a grant of relief.",
        "definition": (
            "Relief means asylum, statutory withholding of removal under INA 241(b)(3), or withholding of "
            "removal under the Convention Against Torture (CAT); deferral of removal under CAT is excluded. "
            "A case counts once, under its most protective form (asylum > statutory withholding > CAT "
            "withholding), when a granted application sits on a completed proceeding on or before the as-of date."
        ),
        "metrics": ["g1a_relief_granted_cases", "g1a_relief_asylum", "g1a_relief_statutory_withholding",
                    "g1a_relief_cat_withholding", "g1a_relief_after_reopening"],
    },
    {
        "goal": "1b", "title": "Goal 1 — Humanitarian protection (1b: non-refoulement interviews)",
        "measure": "MPP aliens referred to USCIS for a non-refoulement interview (NRI), and outcomes.",
        "definition": (
            "An alien who asserts fear of return to Mexico is referred for an NRI; a positive finding (more "
            "likely than not to face persecution or torture in Mexico) makes the alien no longer amenable to "
            "MPP. Outcomes are as of the as-of date: positive, negative, administratively closed."
        ),
        "metrics": ["g1b_nri_referrals", "g1b_nri_positive", "g1b_nri_negative", "g1b_nri_admin_closed"],
    },
    {
        "goal": "2", "title": "Goal 2 — Orderly, timely process",
        "measure": "Cases completed by immigration judges since inception.",
        "definition": (
            "\u201cTotal Enrolled\u201d counts only cases whose Notice to Appear (NTA) was filed. \u201cCases "
            "Completed\u201d counts only initial completions: a case's earliest completion; a second completion "
            "after a motion to reopen, a recalendaring or a BIA remand is never counted again. In absentia "
            "orders are a subset of removal orders; the other outcome buckets add up to the initial completions."
        ),
        "metrics": ["g2_enrolled_nta_filed", "g2_initial_completions", "g2_removal_orders",
                    "g2_removal_orders_in_absentia", "g2_voluntary_departures", "g2_terminations",
                    "g2_relief_granted", "g2_dismissals", "g2_administrative_closures", "g2_other_completions",
                    "g2_pending"],
    },
    {
        "goal": "3", "title": "Goal 3 — No \u201ccatch and release\u201d",
        "measure": "Aliens enrolled in MPP by CBP across the Southwest Border (NTA filed only).",
        "definition": (
            "CBP side, since inception: monthly enrollments as printed on CBP's MPP pages (people, month of "
            "enrollment, Jan-2020..Jan-2021, exact) and DHS OHSS MPP book-outs (an encounter's outcome, dated "
            "by encounter, rounded to 10; Mar-2019 on, MPP 2.0 included), kept side by side; the headline uses "
            "the CBP pages where they print the month and OHSS otherwise (seed goal_3_source_precedence). "
            "Court side: MPP cases whose NTA was filed with EOIR (cases, month of NTA). They differ by "
            "definition, dates and vintage; the monthly comparisons explain each month."
        ),
        "metrics": ["g3_cbp_enrollments", "g3_enrolled_nta_filed"],
        "as_of_month_metrics": ["g3_cbp_enrollments"],
    },
    {
        "goal": "4", "title": "Goal 4 — Deterrence",
        "measure": "Enforcement encounters along the Southwest Border, monthly.",
        "definition": (
            "USBP apprehensions between ports plus OFO inadmissibles at ports, under Title 8, plus Title 42 "
            "expulsions from 2020-03-21. Events, not unique people. Fiscal years run October to September; "
            "only complete fiscal years are reported."
        ),
        "metrics": [],
        "recent_months_metric": "g4_swb_encounters",
    },
]


def load_report_data(published_db: Path, as_of: str | None = None) -> ReportData:
    """Read the published warehouse (read-only) into a ReportData; ReportError when it is not usable."""
    published_db = Path(published_db)
    if not published_db.is_file():
        raise ReportError(f"{published_db}: no published warehouse (run the publish step first)")
    con = duckdb.connect(str(published_db), read_only=True)
    try:
        return _load(con, as_of)
    except duckdb.CatalogException as exc:
        raise ReportError(f"{published_db}: published warehouse is incomplete: {exc}") from exc
    finally:
        con.close()


def _load(con: duckdb.DuckDBPyConnection, as_of: str | None) -> ReportData:
    [publication] = _dicts(con, "select * from meta.publication")
    pub_as_of = publication["as_of_date"].isoformat() if publication["as_of_date"] else None
    if as_of is not None and pub_as_of != as_of:
        raise ReportError(f"the published warehouse is as of {pub_as_of}, not {as_of}")
    data = ReportData(publication=publication)
    _load_goals(con, data, pub_as_of)
    _load_encounters(con, data)
    _load_enrollments(con, data)
    _load_court(con, data)
    _load_nri(con, data)
    _load_history(con, data)
    _load_quality(con, data)
    _load_release_diffs(con, data)
    return data


def _headline_cell(row: dict[str, Any]) -> dict[str, Any]:
    key = {"metric_id": row["metric_id"], "period": row["period"]}
    return {**row, "cell": Cell(row["value"], "marts.headline_metrics", "value", key)}


def _load_goals(con: duckdb.DuckDBPyConnection, data: ReportData, as_of: str | None) -> None:
    rows = _dicts(con, "select metric_id, period, value, input_kind from marts.headline_metrics")
    descriptions = {}
    if _has_table(con, "seeds", "court_metrics"):
        descriptions = dict(con.execute("select metric_id, description from seeds.court_metrics").fetchall())
    by_key = {(r["metric_id"], r["period"]): r for r in rows}
    as_of_month = as_of[:7] if as_of else None
    for spec in GOALS:
        figures = []
        for metric_id in spec["metrics"]:
            if (metric_id, None) in by_key:
                figures.append({**_headline_cell(by_key[(metric_id, None)]), "label": "cumulative",
                                "description": descriptions.get(metric_id, "")})
        for metric_id in spec.get("as_of_month_metrics", []):
            if (metric_id, as_of_month) in by_key:
                figures.append({**_headline_cell(by_key[(metric_id, as_of_month)]), "label": as_of_month,
                                "description": "CBP enrollments in the as-of month"})
        if metric_id := spec.get("recent_months_metric"):
            periods = sorted(p for (m, p) in by_key if m == metric_id and p and not p.startswith("FY"))[-3:]
            periods += sorted(p for (m, p) in by_key if m == metric_id and p and p.startswith("FY"))
            for p in periods:
                figures.append({**_headline_cell(by_key[(metric_id, p)]), "label": p, "description": ""})
        data.goals.append({**spec, "figures": figures, "unavailable": _unavailable(con, spec["goal"]),
                           "synthetic": any(f["input_kind"] == "synthetic" for f in figures)})


def _unavailable(con: duckdb.DuckDBPyConnection, goal: str) -> list[dict[str, Any]]:
    """The goal's figures not published because their sources do not cover the as-of date
    (marts.headline_unavailable), one row per reason: how many figures, which metric ids, the reason."""
    if not _has_table(con, "marts", "headline_unavailable"):
        return []
    return _dicts(con, """
        select reason, count(*) as figures, string_agg(distinct metric_id, ', ' order by metric_id) as metric_ids,
               min(period) as first_period, max(period) as last_period
        from marts.headline_unavailable
        where split_part(metric_id, '_', 1) = ?
        group by reason order by reason""", [f"g{goal}"])


def _load_encounters(con: duckdb.DuckDBPyConnection, data: ReportData) -> None:
    rows = _dicts(con, """
        select period, month_start, encounters, usbp_encounters, ofo_encounters, title_42_encounters,
               mpp_phase, input_kind, source_table, vintage
        from marts.swb_encounters_monthly order by month_start""")
    data.swb = Series(
        [r["period"] for r in rows],
        {"USBP": [float(r["usbp_encounters"] or 0) for r in rows],
         "OFO": [float(r["ofo_encounters"] or 0) for r in rows],
         "Title 42 (of total)": [float(r["title_42_encounters"] or 0) for r in rows]},
        any(r["input_kind"] == "synthetic" for r in rows),
    )
    data.swb_table = _cells(rows, "marts.swb_encounters_monthly", ["period"],
                            ["encounters", "usbp_encounters", "ofo_encounters", "title_42_encounters"])
    if _has_table(con, "marts", "cbp_encounter_revisions"):
        revisions = _dicts(con, """
            select source_table, period, previous_vintage, vintage, previous_encounters, encounters, difference,
                   cells_revised, is_closed_month, exceeds_tolerance
            from marts.cbp_encounter_revisions order by month_start, source_table, vintage""")
        data.revisions_table = _cells(revisions, "marts.cbp_encounter_revisions", ["source_table", "period", "vintage"],
                                      ["previous_encounters", "encounters", "difference", "cells_revised"])
    data.timeline = _dicts(con, "select event_date, event_id, description from seeds.mpp_timeline order by event_date")
    data.phases = _dicts(con, "select phase, start_date, end_date, description from seeds.mpp_phases order by phase_order")


def _load_enrollments(con: duckdb.DuckDBPyConnection, data: ReportData) -> None:
    by_location = _dicts(con, """
        select period, location_type || ': ' || location as series, sum(enrollments) as value,
               max(input_kind) as input_kind
        from marts.cbp_page_enrollments_by_location_monthly group by all""")
    data.enrollments_by_location = _pivot(by_location, "period", "series", "value")
    rows = _dicts(con, """
        select period, cbp_enrollments, court_nta_filed_cases, cbp_minus_court, cbp_input_kind,
               court_input_kind, explanation
        from marts.enrollments_vs_court_ntas_monthly order by month_start""")
    data.enrollments_vs_court = Series(
        [r["period"] for r in rows],
        {"CBP enrollments": [_point(r["cbp_enrollments"]) for r in rows],
         "Court: MPP cases with NTA filed": [_point(r["court_nta_filed_cases"]) for r in rows]},
        any("synthetic" in (r["cbp_input_kind"], r["court_input_kind"]) for r in rows),
    )
    data.enrollments_table = _cells(rows, "marts.enrollments_vs_court_ntas_monthly", ["period"],
                                    ["cbp_enrollments", "court_nta_filed_cases", "cbp_minus_court"])
    if _has_table(con, "marts", "enrollments_source_reconciliation"):
        _load_g3_sources(con, data)


def _point(value: Any) -> float:
    """A chart point: NaN (not drawn) for a month without a figure, never 0."""
    return float("nan") if value is None else float(value)


def _months_between(first: str, last: str) -> list[str]:
    """Every 'YYYY-MM' from first to last (inclusive), so a month without data shows as a gap."""
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _load_g3_sources(con: duckdb.DuckDBPyConnection, data: ReportData) -> None:
    """Goal 3's two CBP-side series since inception (CBP pages, OHSS book-outs), CBP total, from
    marts.enrollments_source_reconciliation: a month a source does not print is a gap, never 0."""
    rows = _dicts(con, """
        select period, agency, cbp_pages_enrollments, ohss_book_outs, difference, served_source, mpp_phase,
               explanation
        from marts.enrollments_source_reconciliation where agency = 'CBP' order by month_start""")
    if not rows:
        return
    by_period = {r["period"]: r for r in rows}
    months = _months_between(rows[0]["period"], rows[-1]["period"])
    data.g3_sources = Series(months, {
        "CBP MPP pages: enrollments (exact)": [_point(by_period.get(p, {}).get("cbp_pages_enrollments")) for p in months],
        "OHSS: MPP book-outs (rounded to 10)": [_point(by_period.get(p, {}).get("ohss_book_outs")) for p in months],
    })
    data.g3_reconciliation = _cells(rows, "marts.enrollments_source_reconciliation", ["period", "agency"],
                                    ["cbp_pages_enrollments", "ohss_book_outs", "difference"])


def _load_court(con: duckdb.DuckDBPyConnection, data: ReportData) -> None:
    order = [r[0] for r in con.execute("select outcome_bucket from seeds.court_outcome_buckets order by sort_order").fetchall()]
    # outcome bucket (seed court_outcome_buckets) -> its column in initial_completions_monthly
    buckets = {"removal_order": "removal_orders", "voluntary_departure": "voluntary_departures",
               "termination": "terminations", "relief_granted": "relief_granted", "dismissal": "dismissals",
               "administrative_closure": "administrative_closures", "other": "other_completions"}
    long = []
    for bucket, column in buckets.items():
        long += _dicts(con, f"""
            select completion_month as month, '{bucket}' as series, sum({column}) as value, 'synthetic' as input_kind
            from marts.initial_completions_monthly group by all""")
    kind = con.execute("select max(input_kind) from marts.court_headline_metrics").fetchone()[0]
    for r in long:
        r["input_kind"] = kind
    data.completions_by_outcome = _pivot(long, "month", "series", "value", order=[b for b in order if b in buckets])
    relief = _dicts(con, """
        select first_relief_month as month, sum(asylum) as asylum, sum(statutory_withholding) as statutory_withholding,
               sum(cat_withholding) as cat_withholding
        from marts.relief_cases_monthly group by all order by 1""")
    data.relief_by_form = Series(
        [r["month"] for r in relief],
        {"asylum": [float(r["asylum"]) for r in relief],
         "statutory withholding (INA 241(b)(3))": [float(r["statutory_withholding"]) for r in relief],
         "CAT withholding": [float(r["cat_withholding"]) for r in relief]},
        kind == "synthetic",
    )
    monthly = _dicts(con, """
        select period,
               max(value) filter (where metric_id = 'g2_initial_completions') as g2_initial_completions,
               max(value) filter (where metric_id = 'g1a_relief_granted_cases') as g1a_relief_granted_cases,
               max(value) filter (where metric_id = 'g3_enrolled_nta_filed') as g3_enrolled_nta_filed
        from marts.headline_metrics
        where period is not null and metric_id in ('g2_initial_completions', 'g1a_relief_granted_cases',
                                                   'g3_enrolled_nta_filed')
        group by period order by period""")
    for row in monthly:
        for metric_id in ("g2_initial_completions", "g1a_relief_granted_cases", "g3_enrolled_nta_filed"):
            row[metric_id] = Cell(row[metric_id], "marts.headline_metrics", "value",
                                  {"metric_id": metric_id, "period": row["period"]})
    data.court_monthly_table = monthly


def _load_nri(con: duckdb.DuckDBPyConnection, data: ReportData) -> None:
    rows = _dicts(con, """
        select period, referrals, positive, negative, admin_closed, pending, positive_rate, published_referrals,
               input_kind
        from marts.nri_referrals_monthly order by month_start""")
    data.nri_by_outcome = Series(
        [r["period"] for r in rows],
        {k: [float(r[k] or 0) for r in rows] for k in ("positive", "negative", "admin_closed", "pending")},
        any(r["input_kind"] == "synthetic" for r in rows),
    )
    data.nri_table = _cells(rows, "marts.nri_referrals_monthly", ["period"],
                            ["referrals", "positive", "negative", "admin_closed", "pending", "positive_rate",
                             "published_referrals"], pct_cols=("positive_rate",))


HISTORY_METRICS = ["g2_enrolled_nta_filed", "g2_initial_completions", "g2_pending", "g2_removal_orders_in_absentia",
                   "g1a_relief_granted_cases"]


def _load_history(con: duckdb.DuckDBPyConnection, data: ReportData) -> None:
    rows = _dicts(con, """
        select strftime(as_of_date, '%Y-%m-%d') as month_end, as_of_date, metric_id, value, input_kind
        from marts.court_metrics_history order by as_of_date""")
    data.history = _pivot([r for r in rows if r["metric_id"] in HISTORY_METRICS], "month_end", "metric_id", "value",
                          order=HISTORY_METRICS)
    data.history_metrics = HISTORY_METRICS
    table: dict[str, dict[str, Any]] = {}
    for r in rows:
        if r["metric_id"] not in HISTORY_METRICS:
            continue
        row = table.setdefault(r["month_end"], {"month_end": r["month_end"]})
        row[r["metric_id"]] = Cell(r["value"], "marts.court_metrics_history", "value",
                                   {"as_of_date": r["month_end"], "metric_id": r["metric_id"]})
    data.history_table = [table[k] for k in sorted(table)]


def _load_release_diffs(con: duckdb.DuckDBPyConnection, data: ReportData) -> None:
    """The EOIR release diff of the current loads (meta.release_diffs) and, for tbl_Court_Appln, by APPL_CODE
    and decision (meta.release_diff_kinds); nothing for a publication from before these tables."""
    counts = ["rows_previous", "rows_current", "vanished", "added", "changed"]
    if _has_table(con, "meta", "release_diffs"):
        rows = _dicts(con, "select * from meta.release_diffs order by table_name")
        data.release_diffs = _cells(rows, "meta.release_diffs", ["table_name"], [*counts, "vanished_relief_grants"])
    if _has_table(con, "meta", "release_diff_kinds"):
        rows = _dicts(con, "select * from meta.release_diff_kinds order by table_name, kind_value, decision")
        data.release_diff_kinds = _cells(rows, "meta.release_diff_kinds", ["table_name", "kind_value", "decision"],
                                         ["vanished", "added", "changed"])


def _load_quality(con: duckdb.DuckDBPyConnection, data: ReportData) -> None:
    rows = _dicts(con, """
        select figure_id, metric_id, period, figure_as_of, published_value, pipeline_value, difference,
               relative_difference, value_qualifier, unit, publisher, source_url, pipeline_input_kind,
               comparison_status
        from marts.published_figures_reconciliation
        order by case comparison_status when 'match' then 1 when 'consistent' then 2 when 'differs' then 0
                 else 3 end, figure_as_of, figure_id""")
    data.reconciliation = _cells(rows, "marts.published_figures_reconciliation", ["figure_id"],
                                 ["published_value", "pipeline_value", "difference", "relative_difference"],
                                 pct_cols=("relative_difference",))
    status = {}
    for passed in (True, False):
        n = con.execute("select count(*) from meta.check_results where passed = ?", [passed]).fetchone()[0]
        status["passed" if passed else "failed"] = Cell(n, "meta.check_results", "count(*)", {"passed": passed})
    data.checks = {
        **status,
        "not_passed": _dicts(con, "select * from meta.check_results where not passed order by asset_key, check_name"),
        "all": _dicts(con, "select * from meta.check_results order by asset_key, check_name"),
    }
    quarantine = _dicts(con, "select * from meta.quarantine order by table_name, source_file, reason_code")
    for r in quarantine:
        r["source_name"] = Path(r["source_file"]).name
    data.quarantine = _cells(quarantine, "meta.quarantine", ["table_name", "source_file", "reason_code"],
                             ["rows_quarantined"])
    if _has_table(con, "meta", "printed_total_discrepancies"):
        disc = _dicts(con, """
            select check_id, check_level, table_name, month_start, component, printed_value, summed_value, difference,
                   check_status, printed_page_version
            from meta.printed_total_discrepancies order by month_start, check_id""")
        data.discrepancies = _cells(disc, "meta.printed_total_discrepancies", ["check_id"],
                                    ["printed_value", "summed_value", "difference"])
    inputs = _dicts(con, """
        select source, table_name, source_file, sha256, vintage, input_kind, rows_read, rows_loaded,
               rows_quarantined, duplicates_collapsed
        from meta.inputs order by source, table_name""")
    for r in inputs:
        r["source_name"] = Path(r["source_file"]).name
        r["vintage"] = r["vintage"].isoformat() if isinstance(r["vintage"], dt.date) else r["vintage"]
    data.inputs = _cells(inputs, "meta.inputs", ["table_name"],
                         ["rows_read", "rows_loaded", "rows_quarantined", "duplicates_collapsed"])
