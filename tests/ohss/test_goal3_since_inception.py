"""Goal 3 since inception on the bundled real data: CBP MPP pages (exact enrolments, Jan-2020..Jan-2021)
and DHS OHSS MPP book-outs (rounded to 10, Mar-2019 on, MPP 2.0 included) kept side by side, the source
precedence seed, the OHSS printed-total discrepancy, MPP phases, and the as-of cut of every goal-3 mart."""

from __future__ import annotations

from datetime import date

import pytest

from orchestration.eoir.reader import load_release
from orchestration.raw.ledger import load_transaction
from orchestration.raw.workbook import ingest_sheet, load_workbook_registry
from tests.cbp_uscis.conftest import RAW_DATA, failures, land_registry_tables, query, run_dbt, statuses

GOAL_3_MARTS = (
    "enrollments_by_source_monthly",
    "enrollments_monthly",
    "enrollments_source_reconciliation",
    "enrollment_headline_metrics",
    "cbp_page_enrollments_monthly",
    "cbp_page_enrollments_by_location_monthly",
    "enrollments_vs_court_ntas_monthly",
    "court_enrollments_monthly",
)
#: the month column of each goal-3 mart ('period' = 'YYYY-MM' text)
MONTH_COLUMN = {"court_enrollments_monthly": "enrollment_month", "enrollment_headline_metrics": "period"}


GOAL_4_RAW = ("cbp_sw_encounters_dashboard", "cbp_nationwide_encounters_state", "cbp_usbp_monthly_encounters_sector",
              "ohss_usbp_encounters_region_sector")


def land_bundled(wh, project_dir, extra_raw: tuple[str, ...] = ()) -> None:
    land_registry_tables(wh, ["cbp_mpp_published_tables", "trac_mpp_court_cases_by_location", *extra_raw])
    for source in load_workbook_registry(RAW_DATA):
        for spec in source.sheets:
            ingest_sheet(wh, source.files, spec)
    with load_transaction(wh) as con:
        load_release(con, project_dir / "tests" / "fixtures" / "eoir_mini_release", input_kind="synthetic")


def build(tmp_path_factory, project_dir, as_of: str, goal_4: bool = False):
    tmp = tmp_path_factory.mktemp(f"g3_{as_of}")
    wh = tmp / "w.duckdb"
    land_bundled(wh, project_dir, GOAL_4_RAW if goal_4 else ())
    select = [f"+{m}" for m in GOAL_3_MARTS] + ["+int_ohss_printed_total_discrepancies"]
    select += ["+swb_encounters_ohss_cross_check", "+stg_ohss__cbp_encounters_by_type_region"] if goal_4 else []
    res = run_dbt(project_dir, wh, ["build", "--select", *select, "--indirect-selection", "cautious"], tmp,
                  {"as_of_date": as_of})
    assert not failures(res), failures(res)
    return wh, res


@pytest.fixture(scope="module")
def as_of_2020(tmp_path_factory, project_dir):
    return build(tmp_path_factory, project_dir, "2020-12-31", goal_4=True)


@pytest.fixture(scope="module")
def as_of_2022(tmp_path_factory, project_dir):
    return build(tmp_path_factory, project_dir, "2022-08-31")


def headline(wh) -> dict:
    return {r[0]: r[1:] for r in query(wh, "select coalesce(period, 'cumulative'), value, input_kind, source "
                                           "from marts.enrollment_headline_metrics")}


def test_cumulative_as_of_2020_12_31_follows_the_source_precedence(as_of_2020):
    """As of 2020-12-31, g3_cbp_enrollments cumulative = 67,229 (real), checked by hand against the workbook
    (sheet "CBP SWB Book-Outs by Agency", column F "Migrant Protection Protocols3", Total CBP) and the CBP
    MPP pages.

    Seed goal_3_source_precedence: the CBP pages (the measure itself, exact) serve every month they print,
    Jan-Dec 2020; OHSS book-outs serve the months before:
      OHSS Mar-Sep 2019 (F76..F82): 590 + 2,640 + 5,310 + 4,700 + 11,270 + 11,970 + 7,620 = 44,100
      OHSS Oct-Dec 2019 (F84..F86): 4,860 + 3,630 + 3,090                               = 11,580
      CBP pages Jan-Dec 2020: 1,974 + 1,829 + 2,255 + 215 + 124 + 208 + 382 + 768 + 1,167
                              + 648 + 887 + 1,092                                        = 11,549
      cumulative = 44,100 + 11,580 + 11,549                                              = 67,229
    For comparison, all-OHSS from months: 44,100 + 20,200 (FY2020) + 2,710 (Oct-Dec 2020) = 67,010; with the
    FY2019 Total row (44,250) instead of its months: 67,160. The FY2019 Total is not used: it exceeds its
    months by 150 (January and February 2019 are printed X) and is reported as a printed-total discrepancy.
    """
    wh, _ = as_of_2020
    got = headline(wh)
    assert got["cumulative"] == (67_229, "real", "cbp_mpp_pages, ohss_monthly_tables")
    assert got["2019-03"] == (590, "real", "ohss_monthly_tables")
    assert got["2019-12"] == (3_090, "real", "ohss_monthly_tables")
    assert got["2020-01"] == (1_974, "real", "cbp_mpp_pages")
    assert got["2020-12"] == (1_092, "real", "cbp_mpp_pages")
    assert "2019-01" not in got and "2019-02" not in got  # printed X: absent, never 0
    assert max(p for p in got if p != "cumulative") == "2020-12"
    ohss_only = query(wh, "select sum(enrollments) from marts.enrollments_by_source_monthly "
                          "where agency = 'CBP' and source = 'ohss_monthly_tables'")
    assert ohss_only == [(67_010,)]


def test_by_agency_cumulative_and_the_usbp_ofo_split(as_of_2020):
    wh, _ = as_of_2020
    rows = dict(query(wh, "select agency, cumulative_enrollments from marts.enrollments_monthly "
                          "where period = '2020-12'"))
    usbp = query(wh, "select sum(enrollments) from marts.enrollments_monthly where agency = 'USBP'")
    ofo = query(wh, "select sum(enrollments) from marts.enrollments_monthly where agency = 'OFO'")
    assert rows["CBP"] == 67_229
    assert (rows["USBP"], rows["OFO"]) == (usbp[0][0], ofo[0][0])
    # OHSS Mar-2019 USBP 370 (O76) + OFO 220 (W76) = 590 (F76)
    mar = dict(query(wh, "select agency, enrollments from marts.enrollments_monthly where period = '2019-03'"))
    assert mar == {"CBP": 590, "USBP": 370, "OFO": 220}


def test_fy2019_total_is_reported_as_a_printed_total_discrepancy(as_of_2020):
    wh, res = as_of_2020
    rows = query(wh, "select fiscal_year, component, outcome_id, printed_value, summed_value, difference, "
                     "rounding_tolerance, printed_cell from intermediate.int_ohss_printed_total_discrepancies "
                     "order by component")
    # tolerance 10 / 2 x (7 printed months + 1) = 40 < 150; USBP FY2019 (39,090 vs 39,080) is within rounding
    assert rows == [(2019, "CBP", "migrant_protection_protocols", 44_250, 44_100, 150, 40.0, "F70"),
                    (2019, "OFO", "migrant_protection_protocols", 5_160, 4_990, 170, 40.0, "W70")]
    assert statuses(res)["warn_ohss_printed_total_discrepancies"] == "warn"


def test_reconciliation_keeps_both_series_and_explains_the_difference(as_of_2020):
    wh, _ = as_of_2020
    rows = {r[0]: r[1:] for r in query(wh, """
        select period, cbp_pages_enrollments, ohss_book_outs, difference, within_rounding, served_source, explanation
        from marts.enrollments_source_reconciliation where agency = 'CBP'""")}
    # Jan-2020: CBP pages 1,974 enrolments, OHSS 1,960 book-outs (F87): 14 apart, beyond rounding (5)
    assert rows["2020-01"][:5] == (1_974, 1_960, 14, False, "cbp_mpp_pages")
    assert "book-outs" in rows["2020-01"][5] and "encounter date" in rows["2020-01"][5]
    assert rows["2019-03"][:5] == (None, 590, None, False, "ohss_monthly_tables")
    assert set(rows) == {f"2019-{m:02d}" for m in range(3, 13)} | {f"2020-{m:02d}" for m in range(1, 13)}


def test_mpp_2_0_months_carry_their_phase_and_november_2021_warns(as_of_2022):
    wh, res = as_of_2022
    phases = dict(query(wh, "select period, mpp_phase from marts.enrollments_monthly where agency = 'CBP'"))
    assert {phases[f"2021-{m}"] for m in ("12",)} | {phases[f"2022-{m:02d}"] for m in range(1, 9)} == {"mpp_2_0"}
    assert phases["2021-01"] == "active" and phases["2021-11"] == "terminated"
    got = headline(wh)
    assert got["2021-11"] == (40, "real", "ohss_monthly_tables")
    assert got["2022-08"] == (540, "real", "ohss_monthly_tables")
    assert got["2021-01"] == (662, "real", "cbp_mpp_pages")
    assert "2021-02" not in got and "2022-09" not in got  # printed X
    assert statuses(res)["warn_g3_enrollments_outside_mpp_phases"] == "warn"


def test_no_goal_3_mart_holds_a_month_after_the_as_of_date(tmp_path_factory, project_dir):
    """As of 2019-06-30 every goal-3 mart ends by June 2019 (before: the CBP marts held 2020-2021 and the
    headline 2021-01). The cumulative is OHSS Mar-Jun 2019: 590 + 2,640 + 5,310 + 4,700 = 13,240."""
    wh, _ = build(tmp_path_factory, project_dir, "2019-06-30")
    for mart in GOAL_3_MARTS:
        col = MONTH_COLUMN.get(mart, "period")
        [(latest,)] = query(wh, f"select max({col}) from marts.{mart}")
        assert latest is None or latest <= "2019-06", (mart, latest)
    assert headline(wh)["cumulative"] == (13_240, "real", "ohss_monthly_tables")
    assert query(wh, "select count(*) from marts.cbp_page_enrollments_monthly") == [(0,)]


def test_as_of_mid_month_excludes_the_unfinished_month(tmp_path_factory, project_dir):
    wh, _ = build(tmp_path_factory, project_dir, "2020-12-30")
    got = headline(wh)
    assert max(p for p in got if p != "cumulative") == "2020-11"
    assert got["cumulative"][0] == 67_229 - 1_092
    assert date(2020, 12, 1) not in {r[0] for r in query(wh, "select month_start from marts.cbp_page_enrollments_monthly")}


def test_goal_4_beside_ohss_rounded_encounters(as_of_2020):
    """May-2019: CBP's dashboard 144,116 (USBP 132,856, OFO 11,260; MANIFEST A1) against OHSS 144,110
    (sheet "SWB Enc by Sector+Field Ofc" C78; USBP 132,860 D78, OFO 11,260 N78): 6 apart, beyond the 5 that
    rounding one cell to 10 explains (OHSS compiles CBP's records with its own rules), so reported."""
    wh, _ = as_of_2020
    [row] = query(wh, "select encounters, ohss_encounters, difference, usbp_difference, ofo_difference, "
                      "within_rounding from marts.swb_encounters_ohss_cross_check where period = '2019-05'")
    assert row == (144_116, 144_110, 6, -4, 0, False)
    [(latest,)] = query(wh, "select max(period) from marts.swb_encounters_ohss_cross_check")
    assert latest == "2020-12"
