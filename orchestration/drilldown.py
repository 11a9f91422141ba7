"""The EOIR cases behind a court headline figure (goals 1a, 2 and 3), read from the published copy.

``mpp-metrics cases`` prints them (orchestration/cli.py); this module holds the queries and the rules:
a figure is identified by its metric id and period (None = cumulative); a figure whose value is 0 has no
case; a figure the publication lists as unavailable (marts.headline_unavailable: its sources do not cover
the as-of date) has no published cases and is refused with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb


class FigureNotFound(ValueError):
    """No court headline figure has this metric id, or this metric has no figure for this period."""


class FigureUnavailable(ValueError):
    """The publication lists the figure as unavailable; the message gives the reason."""


@dataclass(frozen=True)
class FigureCases:
    """The case ids behind one figure, in case-id order, and the as-of date of the publication."""

    metric_id: str
    period: str | None
    as_of: date | None
    case_ids: list[int]


def figure_cases(con: duckdb.DuckDBPyConnection, metric_id: str, period: str | None) -> FigureCases:
    """The cases behind ``metric_id`` for ``period`` in the published copy ``con`` (see the module docstring)."""
    _check_figure_exists(con, metric_id, period)
    _refuse_unavailable(con, metric_id, period)
    rows = con.execute(
        "select case_id from marts.court_metric_cases where metric_id = ? and period is not distinct from ? "
        "order by case_id",
        [metric_id, period],
    ).fetchall()
    as_of = con.execute("select max(as_of_date) from marts.court_metric_cases").fetchone()[0]
    return FigureCases(metric_id, period, as_of, [r[0] for r in rows])


def _check_figure_exists(con: duckdb.DuckDBPyConnection, metric_id: str, period: str | None) -> None:
    # every court figure, also one whose value is 0 (it has no row in court_metric_cases)
    known = {r[0] for r in con.execute("select distinct metric_id from marts.court_headline_metrics").fetchall()}
    if metric_id not in known:
        other = con.execute("select count(*) from marts.headline_metrics where metric_id = ?", [metric_id]).fetchone()[0]
        if other:  # a figure of another source (CBP, USCIS): no EOIR cases behind it
            raise FigureNotFound(f"{metric_id!r} is not a court figure: cases are listed for the court figures only; "
                                 f"known: {', '.join(sorted(known))}")
        raise FigureNotFound(f"unknown court metric {metric_id!r}; known: {', '.join(sorted(known))}")
    periods = {r[0] for r in con.execute(
        "select distinct period from marts.court_headline_metrics where metric_id = ?", [metric_id]).fetchall()}
    if period not in periods:
        months = sorted(p for p in periods if p)
        span = f"months {months[0]} .. {months[-1]} or cumulative" if months else "cumulative only"
        raise FigureNotFound(f"{metric_id} has no figure for period {period!r} ({span})")


def _refuse_unavailable(con: duckdb.DuckDBPyConnection, metric_id: str, period: str | None) -> None:
    try:
        row = con.execute(
            "select reason, as_of_date from marts.headline_unavailable "
            "where metric_id = ? and period is not distinct from ?",
            [metric_id, period],
        ).fetchone()
    except duckdb.CatalogException:  # a publication from before per-source coverage
        return
    if row:
        raise FigureUnavailable(f"{metric_id} {period or 'cumulative'} is not published as of {row[1]}: {row[0]}")
