"""The bundled real CBP MPP page tables (plus a synthetic NRI extract) through dbt: acceptance figures,
the page's own printed-total errors, the 2019 USCIS referrals, headline ids and reconciliation."""

from __future__ import annotations

from datetime import date

import pytest

from orchestration.eoir.reader import load_release
from orchestration.raw.ledger import load_transaction
from orchestration.raw.workbook import ingest_sheet, load_workbook_registry
from orchestration.uscis import generate_nri_extract, load_nri_extract
from tests.cbp_uscis.conftest import (
    OUR_MODELS,
    RAW_DATA,
    failures,
    land_registry_tables,
    query,
    run_dbt,
    statuses,
)

AS_OF = "2021-01-31"
METRICS_MD_IDS = {  # shared/METRICS.md ids this work package may emit
    "g1b_nri_referrals",
    "g1b_nri_positive",
    "g1b_nri_negative",
    "g1b_nri_admin_closed",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory, project_dir):
    tmp = tmp_path_factory.mktemp("real")
    wh = tmp / "w.duckdb"
    land_registry_tables(
        wh,
        [
            "cbp_mpp_published_tables",
            "trac_mpp_court_cases_by_location",
            "cbp_sw_encounters_dashboard",
            "cbp_nationwide_encounters_state",
            "cbp_usbp_monthly_encounters_sector",
            "ohss_usbp_encounters_region_sector",
        ],
    )
    for source in load_workbook_registry(RAW_DATA):  # OHSS monthly tables (goal 3 since inception)
        for spec in source.sheets:
            ingest_sheet(wh, source.files, spec)
    summary = generate_nri_extract(tmp / "nri.csv", seed=11)
    with load_transaction(wh) as con:
        load_nri_extract(con, tmp / "nri.csv", input_kind="synthetic", vintage=date(2021, 3, 1))
        # court side: the hand-made EOIR fixture release (tests/fixtures/eoir_mini_release)
        load_release(con, project_dir / "tests" / "fixtures" / "eoir_mini_release", input_kind="synthetic")
    res = run_dbt(
        project_dir, wh, ["build", "--select", *OUR_MODELS, "--indirect-selection", "cautious"], tmp, {"as_of_date": AS_OF}
    )
    assert not failures(res), failures(res)
    return wh, res, summary


def test_cbp_monthly_enrollments_match_the_published_figures(built):
    wh, _, _ = built
    rows = query(
        wh,
        """select period, cbp_enrollments, usbp_enrollments + ofo_enrollments,
                               usbp_sector_sum + ofo_field_office_sum
                        from marts.cbp_page_enrollments_monthly order by month_start""",
    )
    expected = [1974, 1829, 2255, 215, 124, 208, 382, 768, 1167, 648, 887, 1092, 662]
    assert [r[0] for r in rows] == [f"2020-{m:02d}" for m in range(1, 13)] + ["2021-01"]
    assert [r[1] for r in rows] == expected
    assert [r[2] for r in rows] == expected  # USBP + OFO printed totals
    assert [r[3] for r in rows] == expected  # sectors + field offices
    by_loc = query(
        wh,
        "select period, sum(enrollments) from marts.cbp_page_enrollments_by_location_monthly "
        "group by period order by period",
    )
    assert [r[1] for r in by_loc] == expected
    headline = query(
        wh,
        "select period, value, input_kind from marts.enrollment_headline_metrics "
        "where source = 'cbp_mpp_pages' order by period",
    )
    assert [r[1] for r in headline] == expected and {r[2] for r in headline} == {"real"}


def test_page_printed_total_errors_are_reported_with_both_values(built):
    wh, res, _ = built
    rows = query(
        wh,
        """select table_name, month_start, component, printed_value, summed_value,
                               printed_page_version, printed_source_url
                        from intermediate.int_cbp_mpp_printed_total_discrepancies order by month_start""",
    )
    assert [(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows] == [
        (
            "usbp_apprehensions_by_sw_sector",
            date(2021, 2, 1),
            "USBP",
            96974,
            96956,
            "fy2021_page_early_snapshot",
        ),
        (
            "usbp_apprehensions_by_sw_sector",
            date(2021, 8, 1),
            "USBP",
            195514,
            196514,
            "fy2021_printable_later_revision",
        ),
    ]
    assert all(r[6].startswith("https://www.cbp.gov/") for r in rows)
    # the raw value stays as printed (not corrected) in staging
    assert query(
        wh,
        """select value from staging.stg_cbp__mpp_published_tables
                        where table_name = 'usbp_apprehensions_by_sw_sector' and month_start = date '2021-08-01'
                          and location = 'Total'""",
    ) == [(195514,)]
    assert statuses(res)["warn_cbp_mpp_printed_total_discrepancies"] == "warn"


def test_calendar_2019_uscis_referrals_sum_to_13337_from_the_bundled_file(built):
    wh, _, summary = built
    published = query(
        wh,
        """select sum(published_referrals), count(published_referrals)
                             from marts.nri_referrals_monthly where year(month_start) = 2019""",
    )
    assert published == [(13337, 12)]
    extract = query(
        wh,
        "select sum(value) from marts.nri_headline_metrics "
        "where metric_id = 'g1b_nri_referrals' and period like '2019-%'",
    )
    assert extract == [(13337,)]
    assert sum(m["referrals"] for m in summary["months"] if m["month"].startswith("2019")) == 13337


def test_headline_ids_periods_and_input_kind(built):
    wh, _, _ = built
    rows = query(wh, "select metric_id, period, value, input_kind from marts.nri_headline_metrics")
    assert {r[0] for r in rows} == METRICS_MD_IDS
    cumulative = {r[0]: r[2] for r in rows if r[1] is None}
    assert set(cumulative) == METRICS_MD_IDS
    assert cumulative["g1b_nri_referrals"] >= (
        cumulative["g1b_nri_positive"] + cumulative["g1b_nri_negative"] + cumulative["g1b_nri_admin_closed"]
    )
    # goal 1b honest labels: USCIS published monthly referral counts for 2019-01..2019-12 and 2020-10..2021-02
    # (CBP MPP pages); as of 2021-01-31 those months through 2021-01 are real figures from that source, every
    # other month and every outcome split come from the (synthetic) extract, and the cumulative is mixed
    published = [f"2019-{m:02d}" for m in range(1, 13)] + ["2020-10", "2020-11", "2020-12", "2021-01"]
    referrals = {r[1]: r[3] for r in rows if r[0] == "g1b_nri_referrals"}
    assert sorted(p for p, kind in referrals.items() if kind == "real") == published
    assert {kind for p, kind in referrals.items() if p and p not in published} == {"synthetic"}
    assert referrals[None] == "mixed"
    assert {r[3] for r in rows if r[0].startswith("g1b") and r[0] != "g1b_nri_referrals"} == {"synthetic"}
    assert max(r[1] for r in rows if r[1]) <= AS_OF[:7]
    months = query(
        wh,
        "select sum(value) from marts.nri_headline_metrics "
        "where metric_id = 'g1b_nri_referrals' and period is not null",
    )
    assert months[0][0] == cumulative["g1b_nri_referrals"]


def test_reconciliation_puts_pipeline_values_beside_control_figures(built):
    wh, _, _ = built
    rows = {
        r[0]: r[1:]
        for r in query(
            wh,
            """select figure_id, pipeline_value, difference, pipeline_input_kind,
                                                     comparison_status from marts.published_figures_reconciliation""",
        )
    }
    assert rows["cbp_mpp_enrollments_2020-04"] == (215, 0, "real", "match")
    # goal 1b: a month USCIS published is that real figure (the synthetic extract matches it here)
    assert rows["uscis_nri_referrals_2019-08"] == (2406, 0, "real", "match")
    # a cumulative figure is compared only at its own as-of date (this build is as of 2021-01-31)
    assert rows["aic_2020_12_completed"][3] == "as_of_differs"
    assert rows["reuters_2019_06_fear_of_mexico"][3] == "no_pipeline_definition"
    g4 = rows["cbp_swb_encounters_2020-10"]
    assert g4[0] is not None and g4[2] == "real"


def test_comparison_puts_cbp_enrollments_beside_court_side_and_trac(built):
    wh, _, _ = built
    rows = query(
        wh,
        """select period, cbp_enrollments, court_nta_filed_cases, trac_new_court_cases,
                               court_side_available, explanation
                        from marts.enrollments_vs_court_ntas_monthly order by month_start""",
    )
    assert rows[0][0] == "2019-01" and rows[0][1] is None and rows[0][3] == 15
    assert [r[3] for r in rows if r[3] is not None] == [15, 164, 339, 2629, 5161, 5883, 11804]
    assert all(r[4] == (r[2] is not None) for r in rows)
    assert any(r[4] for r in rows), "the fixture release gives court-side NTA counts"
    jan20 = next(r for r in rows if r[0] == "2020-01")
    assert jan20[1] == 1974 and "people" in jan20[5]
