"""Every mart of this work package on small hand-made inputs, with hand-worked expected values.

One dbt build in a copy of the project where the other goals' headline models are replaced by stubs with
the same contract: court_headline_metrics (goals 1a/2/3 court side) and encounter_headline_metrics (goal 4), so
the comparison and reconciliation marts are tested on values worked out here.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from orchestration.uscis import load_nri_extract
from tests.cbp_uscis.conftest import failures, land_csv, query, run_dbt

AS_OF = "2020-02-29"
U20, U21 = "https://example.test/fy2020", "https://example.test/fy2021"


def _cbp(table, month, component, location, value, page="p1", url=U20):
    return {
        "table": table,
        "fiscal_year": "2020",
        "month": month,
        "component": component,
        "location": location,
        "value": str(value),
        "source_url": url,
        "page_version": page,
        "parse_method": "hand",
    }


CBP_ROWS = [
    # Jan-2020: everything adds up. USBP 2 + 3 = 5; OFO 1; CBP 6.
    _cbp("mpp_enrollments", "2020-01", "USBP", "San Diego", 2),
    _cbp("mpp_enrollments", "2020-01", "USBP", "El Paso", 3),
    _cbp("mpp_enrollments", "2020-01", "USBP", "USBP Monthly Enrollment Total", 5),
    _cbp("mpp_enrollments", "2020-01", "OFO", "Laredo", 1),
    _cbp("mpp_enrollments", "2020-01", "OFO", "OFO Monthly Enrollment Total", 1),
    _cbp("mpp_enrollments", "2020-01", "CBP", "CBP Total", 6),
    # Feb-2020: the page prints a USBP total of 3 for sectors summing to 2 (a page error, kept as printed).
    _cbp("mpp_enrollments", "2020-02", "USBP", "San Diego", 1),
    _cbp("mpp_enrollments", "2020-02", "USBP", "El Paso", 1),
    _cbp("mpp_enrollments", "2020-02", "USBP", "USBP Monthly Enrollment Total", 3),
    # ... and its OFO rows come from another page version (p2); CBP = USBP + OFO is checked across versions.
    _cbp("mpp_enrollments", "2020-02", "OFO", "Laredo", 0, page="p2", url=U21),
    _cbp("mpp_enrollments", "2020-02", "OFO", "OFO Monthly Enrollment Total", 0, page="p2", url=U21),
    _cbp("mpp_enrollments", "2020-02", "CBP", "CBP Total", 3),
    # Mar-2020 is after the as-of date: in the monthly mart, not in the headline.
    _cbp("mpp_enrollments", "2020-03", "USBP", "El Paso", 4),
    _cbp("mpp_enrollments", "2020-03", "USBP", "USBP Monthly Enrollment Total", 4),
    _cbp("mpp_enrollments", "2020-03", "OFO", "OFO Monthly Enrollment Total", 0),
    _cbp("mpp_enrollments", "2020-03", "CBP", "CBP Total", 4),
    _cbp("uscis_mpp_fear_assessment_referrals", "2019-03", "USCIS", "All", 3),
    _cbp("uscis_mpp_fear_assessment_referrals", "2019-04", "USCIS", "All", 7),
]
TRAC_ROWS = [
    {
        "month": "2019-03",
        "all_locations": "10",
        "el_paso": "4",
        "san_ysidro_port": "6",
        "calexico_port": "0",
        "laredo_port_of_entry": "0",
        "brownsville_gateway_international_bridge": "0",
    }
]
NRI_CSV = """referral_id,subject_id,idncase,referral_date,interview_date,outcome,component,port_or_sector,nationality
r1,s1,101,2019-03-01,2019-03-05,positive,USBP,El Paso,HO
r2,s2,,2019-03-10,2019-03-12,negative,USBP,San Diego,GT
r3,s3,,2019-03-30,2019-04-02,administratively_closed,OFO,Laredo,CU
r4,s4,104,2019-04-01,2019-04-03,positive,USBP,El Paso,HO
r5,s5,,2019-04-15,,,USBP,El Paso,ES
r6,s6,,2020-03-02,2020-03-03,negative,USBP,El Paso,ES
r7,s7,,2019-05-10,,,OFO,Laredo,CU
"""
STUB_COURT = """-- test stub of the court headline model (same contract as models/marts/metrics/court_headline_metrics)
select cast(metric_id as varchar) as metric_id, cast(period as varchar) as period, cast(value as bigint) as value,
       cast(input_kind as varchar) as input_kind, {{ as_of_date() }} as as_of_date,
       true as admin_closures_are_completions, true as relief_after_reopening_counts
from (values
    ('g3_enrolled_nta_filed', '2020-01', 1500, 'synthetic'),
    ('g2_initial_completions', null, 42000, 'synthetic'),
    ('g1a_relief_granted_cases', null, 600, 'synthetic')
) as t(metric_id, period, value, input_kind)
"""
STUB_G4 = """-- test stub of the goal-4 headline model
select cast(metric_id as varchar) as metric_id, cast(period as varchar) as period, cast(value as bigint) as value,
       cast(input_kind as varchar) as input_kind, cast(source as varchar) as source
from (values ('g4_swb_encounters', '2020-10', 71929, 'real', 'x'), ('g4_swb_encounters', 'FY2020', 458000, 'real', 'x'))
    as t(metric_id, period, value, input_kind, source)
"""
STUB_G3 = """-- test stub of the goal-3 CBP-side headline model: the hand-made CBP pages only (no OHSS workbook)
select cast('g3_cbp_enrollments' as varchar) as metric_id, cast(period as varchar) as period,
       cast(cbp_enrollments as bigint) as value, cast(input_kind as varchar) as input_kind,
       cast('cbp_mpp_pages' as varchar) as source
from {{ ref('cbp_page_enrollments_monthly') }}
where cbp_enrollments is not null
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory, copy_project):
    tmp = tmp_path_factory.mktemp("handmade")
    project = copy_project(
        {
            "models/marts/metrics/court_headline_metrics.sql": STUB_COURT,
            "models/marts/goal_4_encounters/encounter_headline_metrics.sql": STUB_G4,
            "models/marts/goal_3_enrollments/enrollment_headline_metrics.sql": STUB_G3,
        }
    )
    wh = tmp / "w.duckdb"
    land_csv(wh, "cbp_mpp_published_tables", CBP_ROWS, tmp)
    land_csv(wh, "trac_mpp_court_cases_by_location", TRAC_ROWS, tmp, vintage=date(2019, 8, 26))
    (tmp / "nri.csv").write_text(NRI_CSV, encoding="utf-8")
    con = duckdb.connect(str(wh))
    load_nri_extract(con, tmp / "nri.csv", input_kind="synthetic", vintage=date(2020, 6, 1))
    con.close()
    select = [
        "+nri_headline_metrics",
        "+published_figures_reconciliation",
        "+enrollments_vs_court_ntas_monthly",
        "+cbp_page_enrollments_by_location_monthly",
        "+int_cbp_mpp_printed_total_discrepancies",
    ]
    # dbt unit tests run in the real-project build (their fixtures do not list the stubbed court model)
    res = run_dbt(
        project,
        wh,
        ["build", "--select", *select, "--exclude", "test_type:unit", "--indirect-selection", "cautious"],
        tmp,
        {"as_of_date": AS_OF},
    )
    assert not failures(res), failures(res)
    return wh


def test_cbp_enrollments_monthly(built):
    rows = query(
        built,
        """select period, cbp_enrollments, usbp_enrollments, ofo_enrollments, usbp_sector_sum,
                                  ofo_field_office_sum, printed_totals_agree, page_versions
                           from marts.cbp_page_enrollments_monthly order by period""",
    )
    # 2020-03 (OFO total printed without its parts) ended after the as-of date 2020-02-29: not in the mart
    # (it is still checked in int_cbp_mpp_printed_totals_checked, which is not cut at the as-of date)
    assert rows == [
        ("2020-01", 6, 5, 1, 5, 1, True, "p1"),
        ("2020-02", 3, 3, 0, 2, 0, False, "p1, p2"),
    ]
    status = query(built, "select check_status from intermediate.int_cbp_mpp_printed_totals_checked "
                          "where month_start = date '2020-03-01' and component = 'OFO'")
    assert status == [("parts_not_printed",)]


def test_cbp_enrollments_by_location(built):
    rows = query(
        built,
        """select period, component, location_type, location, enrollments
                           from marts.cbp_page_enrollments_by_location_monthly order by period, component, location""",
    )
    assert rows[:3] == [
        ("2020-01", "OFO", "ofo_field_office", "Laredo", 1),
        ("2020-01", "USBP", "usbp_sector", "El Paso", 3),
        ("2020-01", "USBP", "usbp_sector", "San Diego", 2),
    ]
    assert len(rows) == 6  # the 2020-03 row (El Paso 4) ended after the as-of date 2020-02-29
    assert max(r[0] for r in rows) == "2020-02"


def test_discrepancy_model_keeps_both_values(built):
    rows = query(
        built,
        """select check_level, month_start, component, printed_value, summed_value, difference,
                                  printed_page_version, printed_source_url, parts_page_versions
                           from intermediate.int_cbp_mpp_printed_total_discrepancies order by month_start""",
    )
    assert rows == [
        ("locations_to_component_total", date(2020, 2, 1), "USBP", 3, 2, 1, "p1", U20, "p1"),
        ("locations_to_component_total", date(2020, 3, 1), "OFO", 0, None, None, "p1", U20, None),
    ]
    status = query(
        built,
        "select check_status from intermediate.int_cbp_mpp_printed_total_discrepancies order by month_start",
    )
    assert status == [("printed_total_differs_from_sum",), ("parts_not_printed",)]
    cbp_check = query(
        built,
        """select printed_value, summed_value, agrees, parts_page_versions
                                from intermediate.int_cbp_mpp_printed_totals_checked
                                where check_level = 'components_to_cbp_total' and month_start = date '2020-02-01'""",
    )
    assert cbp_check == [(3, 3, True, "p1, p2")]


def test_nri_monthly(built):
    rows = query(
        built,
        """select period, referrals, positive, negative, admin_closed, pending, positive_rate,
                                  disenrollments, cumulative_referrals, cumulative_disenrollments,
                                  published_referrals, referrals_minus_published, input_kind
                           from marts.nri_referrals_monthly order by period""",
    )
    assert rows == [
        ("2019-03", 3, 1, 1, 1, 0, pytest.approx(1 / 3), 1, 3, 1, 3, 0, "synthetic"),
        ("2019-04", 2, 1, 0, 0, 1, 1.0, 1, 5, 2, 7, -5, "synthetic"),
        ("2019-05", 1, 0, 0, 0, 1, None, 0, 6, 2, None, None, "synthetic"),
    ]


def test_nri_by_month_outcome_and_cumulative(built):
    rows = query(
        built,
        "select period, outcome_as_of, referrals from marts.nri_referrals_by_outcome_monthly "
        "order by period, outcome_as_of",
    )
    assert rows == [
        ("2019-03", "administratively_closed", 1),
        ("2019-03", "negative", 1),
        ("2019-03", "positive", 1),
        ("2019-04", "pending", 1),
        ("2019-04", "positive", 1),
        ("2019-05", "pending", 1),
    ]
    cum = query(
        built,
        """select as_of_date, referrals, positive, negative, admin_closed, pending, positive_rate,
                                 disenrollments, input_kind from marts.nri_referrals_cumulative""",
    )
    assert cum == [(date(2020, 2, 29), 6, 2, 1, 1, 2, 0.5, 2, "synthetic")]


def test_headline(built):
    """Goal 1b honest labels. Referrals: 2019-03 and 2019-04 have a count published by USCIS (3 and 7, CBP's MPP
    page), so they are those real figures (the extract has 3 and 2); 2019-05 has none: the extract's 1,
    synthetic. The cumulative adds both: 3 + 7 + 1 = 11, mixed. Outcomes exist only in the extract: synthetic."""
    rows = query(
        built,
        "select metric_id, coalesce(period, 'cum'), value, input_kind, source "
        "from marts.nri_headline_metrics order by 1, 2",
    )
    extract, published = "uscis_nri_extract", "uscis_published_referrals"
    assert rows == [
        ("g1b_nri_admin_closed", "2019-03", 1, "synthetic", extract),
        ("g1b_nri_admin_closed", "2019-04", 0, "synthetic", extract),
        ("g1b_nri_admin_closed", "2019-05", 0, "synthetic", extract),
        ("g1b_nri_admin_closed", "cum", 1, "synthetic", extract),
        ("g1b_nri_negative", "2019-03", 1, "synthetic", extract),
        ("g1b_nri_negative", "2019-04", 0, "synthetic", extract),
        ("g1b_nri_negative", "2019-05", 0, "synthetic", extract),
        ("g1b_nri_negative", "cum", 1, "synthetic", extract),
        ("g1b_nri_positive", "2019-03", 1, "synthetic", extract),
        ("g1b_nri_positive", "2019-04", 1, "synthetic", extract),
        ("g1b_nri_positive", "2019-05", 0, "synthetic", extract),
        ("g1b_nri_positive", "cum", 2, "synthetic", extract),
        ("g1b_nri_referrals", "2019-03", 3, "real", published),
        ("g1b_nri_referrals", "2019-04", 7, "real", published),
        ("g1b_nri_referrals", "2019-05", 1, "synthetic", extract),
        ("g1b_nri_referrals", "cum", 11, "mixed", f"{extract}, {published}"),
    ]


def test_comparison_with_stubbed_court_side(built):
    rows = {
        r[0]: r[1:]
        for r in query(
            built,
            """
        select period, cbp_enrollments, court_nta_filed_cases, cbp_minus_court, trac_new_court_cases,
               court_side_available, court_input_kind, explanation
        from marts.enrollments_vs_court_ntas_monthly""",
        )
    }
    assert rows["2020-01"][:6] == (6, 1500, -1494, None, True, "synthetic")
    assert "people" in rows["2020-01"][6] and "synthetic EOIR data" in rows["2020-01"][6]
    assert rows["2019-03"][:4] == (None, None, None, 10)
    assert rows["2020-02"][1] is None and "no court-side figure" in rows["2020-02"][6]


def test_reconciliation_with_stubbed_court_and_goal_4(built):
    rows = {
        r[0]: r[1:]
        for r in query(
            built,
            """
        select figure_id, published_value, pipeline_value, difference, pipeline_input_kind, pipeline_model,
               comparison_status
        from marts.published_figures_reconciliation""",
        )
    }
    assert rows["cbp_mpp_enrollments_2020-01"] == (
        1974,
        6,
        -1968,
        "real",
        "enrollment_headline_metrics",
        "differs",
    )
    assert rows["cbp_mpp_enrollments_2020-03"][1:] == (None, None, None, None, "not_computed")  # after as-of
    assert rows["uscis_nri_referrals_2019-03"] == (
        74,
        3,
        -71,
        "real",  # the hand-made page's published count, not the extract
        "nri_headline_metrics",
        "differs",
    )
    assert rows["cbp_swb_encounters_2020-10"] == (71929, 71929, 0, "real", "encounter_headline_metrics", "match")
    assert rows["cbp_swb_encounters_fy2020"][2:] == (-88, "real", "encounter_headline_metrics", "differs")
    # cumulative court figures are compared only at their own as-of date (2020-12-31 != 2020-02-29)
    assert rows["aic_2020_12_completed"][1:] == (None, None, None, None, "as_of_differs")
    assert rows["dhs_2021_12_mpp2_nri"][-1] == "no_pipeline_definition"


def test_reconciliation_cumulative_court_figure_at_its_own_as_of(tmp_path_factory, copy_project, built):
    """Same inputs, as-of 2020-12-31: the AIC cumulative figures now meet the stubbed court values."""
    tmp = tmp_path_factory.mktemp("handmade_dec")
    project = copy_project(
        {
            "models/marts/metrics/court_headline_metrics.sql": STUB_COURT,
            "models/marts/goal_4_encounters/encounter_headline_metrics.sql": STUB_G4,
            "models/marts/goal_3_enrollments/enrollment_headline_metrics.sql": STUB_G3,
        }
    )
    res = run_dbt(
        project,
        built,
        ["build", "--select", "published_figures_reconciliation", "--exclude", "test_type:unit"],
        tmp,
        {"as_of_date": "2020-12-31"},
    )
    assert not failures(res), failures(res)
    rows = {
        r[0]: r[1:]
        for r in query(
            built,
            """
        select figure_id, pipeline_value, difference, pipeline_input_kind, pipeline_model, comparison_status
        from marts.published_figures_reconciliation where figure_id like 'aic_%'""",
        )
    }
    assert rows["aic_2020_12_completed"] == (42000, -12, "synthetic", "court_headline_metrics", "differs")
    assert rows["aic_2020_12_relief_granted"] == (600, -38, "synthetic", "court_headline_metrics", "differs")
