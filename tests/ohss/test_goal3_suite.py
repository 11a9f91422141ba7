"""GE suite g3_cbp_enrollments on hand-made marts: a month served by a less preferred source, a cumulative
that is not the sum of its months and a month after the as-of date fail (blocking); a month outside every
MPP enrolment phase only warns."""

from __future__ import annotations

from pathlib import Path

import duckdb

from expectations.runner import run_suite
from expectations.suites.goal_3 import G3_CBP_ENROLLMENTS

BY_SOURCE = """create table marts.enrollments_by_source_monthly as select * from (values
    (date '2019-03-01', 'CBP', 'ohss_monthly_tables', 2, 590),
    (date '2020-01-01', 'CBP', 'cbp_mpp_pages', 1, 1974),
    (date '2020-01-01', 'CBP', 'ohss_monthly_tables', 2, 1960)
    ) t(month_start, agency, source, source_precedence, enrollments)"""


def warehouse(tmp_path: Path, monthly_rows: str) -> Path:
    wh = tmp_path / f"w{len(list(tmp_path.glob('*.duckdb')))}.duckdb"
    con = duckdb.connect(str(wh))
    con.execute("create schema marts")
    con.execute(BY_SOURCE)
    con.execute(f"""create table marts.enrollments_monthly as select * from (values {monthly_rows})
        t(month_start, period, agency, enrollments, cumulative_enrollments, source, in_enrollment_phase)""")
    con.close()
    return wh


def failed(tmp_path: Path, monthly_rows: str, as_of: str = "2020-12-31") -> dict[str, str]:
    outcome = run_suite(G3_CBP_ENROLLMENTS, warehouse(tmp_path, monthly_rows), {"as_of": as_of})
    return {e.id: e.severity for e in outcome.failed()}


GOOD = """(date '2019-03-01', '2019-03', 'CBP', 590, 590, 'ohss_monthly_tables', true),
          (date '2020-01-01', '2020-01', 'CBP', 1974, 2564, 'cbp_mpp_pages', true)"""


def test_the_published_shape_passes(tmp_path: Path):
    assert failed(tmp_path, GOOD) == {}


def test_less_preferred_source_wrong_cumulative_and_month_after_as_of_block(tmp_path: Path):
    rows = """(date '2019-03-01', '2019-03', 'CBP', 590, 590, 'ohss_monthly_tables', true),
              (date '2020-01-01', '2020-01', 'CBP', 1960, 2560, 'ohss_monthly_tables', true)"""
    assert failed(tmp_path, rows) == {"g3_served_by_the_preferred_source": "error",
                                      "g3_cumulative_is_the_sum_of_its_months": "error"}
    assert failed(tmp_path, GOOD, as_of="2019-12-31") == {"g3_no_month_after_the_as_of_date": "error"}


def test_a_month_outside_every_enrolment_phase_only_warns(tmp_path: Path):
    rows = GOOD.replace("1974, 2564, 'cbp_mpp_pages', true", "1974, 2564, 'cbp_mpp_pages', false")
    assert failed(tmp_path, rows) == {"g3_enrolments_inside_an_mpp_phase": "warning"}
