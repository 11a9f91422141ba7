"""The report's goal-3 series: a month without a figure is a gap (NaN, not drawn), never 0; the two CBP-side
sources since inception are drawn with the MPP phases."""

from __future__ import annotations

import math
from datetime import date

import duckdb

from orchestration.report import charts
from orchestration.report.data import ReportData, _load_enrollments


def small_warehouse() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute("""create table marts.cbp_page_enrollments_by_location_monthly as select * from (values
        ('2020-01', 'usbp_sector', 'El Paso', 5, 'real')) t(period, location_type, location, enrollments, input_kind)""")
    con.execute("""create table marts.enrollments_vs_court_ntas_monthly as select * from (values
        (date '2019-03-01', '2019-03', null, 7, null, null, 'synthetic', 'x'),
        (date '2020-01-01', '2020-01', 1974, null, null, 'real', null, 'y')
        ) t(month_start, period, cbp_enrollments, court_nta_filed_cases, cbp_minus_court, cbp_input_kind,
            court_input_kind, explanation)""")
    con.execute("""create table marts.enrollments_source_reconciliation as select * from (values
        (date '2019-03-01', '2019-03', 'CBP', null, 590, null, 'ohss_monthly_tables', 'active', 'a'),
        (date '2019-05-01', '2019-05', 'CBP', null, 5310, null, 'ohss_monthly_tables', 'active', 'b'),
        (date '2020-01-01', '2020-01', 'CBP', 1974, 1960, 14, 'cbp_mpp_pages', 'active', 'c'),
        (date '2020-01-01', '2020-01', 'USBP', 1500, 1570, -70, 'cbp_mpp_pages', 'active', 'd')
        ) t(month_start, period, agency, cbp_pages_enrollments, ohss_book_outs, difference, served_source,
            mpp_phase, explanation)""")
    return con


def test_months_without_a_figure_are_gaps_never_zero():
    data = ReportData(publication={})
    _load_enrollments(small_warehouse(), data)
    cbp, court = data.enrollments_vs_court.ys.values()
    assert math.isnan(cbp[0]) and cbp[1] == 1974
    assert court[0] == 7 and math.isnan(court[1])
    # both CBP-side sources, every month from March 2019 to January 2020 (April 2019: no row, a gap)
    assert data.g3_sources.x[:3] == ["2019-03", "2019-04", "2019-05"] and data.g3_sources.x[-1] == "2020-01"
    pages, ohss = data.g3_sources.ys.values()
    assert math.isnan(pages[0]) and pages[-1] == 1974
    assert ohss[0] == 590 and math.isnan(ohss[1]) and ohss[2] == 5310 and ohss[-1] == 1960
    assert [(r["period"], r["agency"]) for r in data.g3_reconciliation] == [("2019-03", "CBP"), ("2019-05", "CBP"),
                                                                          ("2020-01", "CBP")]
    phases = [{"phase": "active", "start_date": date(2019, 1, 28), "end_date": date(2021, 1, 20)}]
    png = charts.lines_with_phases(data.g3_sources, phases, "MPP enrollments by CBP")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
