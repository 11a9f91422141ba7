"""Court metrics (goals 1a, 2, 3) on the hand-made fixture release, against the hand-worked values of
tests/fixtures/eoir_mini_release/CASES.md, for the four variant combinations and two as-of dates."""

from __future__ import annotations

import re

import pytest

from tests.court.conftest import AS_OF_MAIN, AS_OF_SECOND, VARIANTS, BuildKey, run_dbt

METRIC_IDS = {
    "g1a_relief_granted_cases",
    "g1a_relief_asylum",
    "g1a_relief_statutory_withholding",
    "g1a_relief_cat_withholding",
    "g1a_relief_after_reopening",
    "g2_enrolled_nta_filed",
    "g2_initial_completions",
    "g2_removal_orders",
    "g2_removal_orders_in_absentia",
    "g2_voluntary_departures",
    "g2_terminations",
    "g2_relief_granted",
    "g2_dismissals",
    "g2_administrative_closures",
    "g2_other_completions",
    "g2_pending",
    "g3_enrolled_nta_filed",
}
MONTHLY = {"g1a_relief_granted_cases", "g2_initial_completions", "g3_enrolled_nta_filed"}
MAIN = BuildKey(AS_OF_MAIN, True, True)
variant_ids = [f"ac={ac}-rr={rr}" for ac, rr in VARIANTS]


def headline(build) -> dict[tuple[str, str | None], int]:
    return {
        (m, p): v
        for m, p, v in build.query("select metric_id, period, value from marts.court_headline_metrics")
    }


def history_at(build, as_of: str) -> dict[tuple[str, None], int]:
    rows = build.query(
        "select metric_id, value from marts.court_metrics_history where as_of_date = cast(? as date)", [as_of]
    )
    return {(m, None): v for m, v in rows}


def test_every_build_passes_all_dbt_tests(builds):
    for build in builds.values():
        assert build.returncode == 0, f"dbt build failed for {build.key.label}:\n{build.log[-6000:]}"
        assert "ERROR=0" in build.log and "FAIL" not in build.log.split("Done.")[-1]


def test_expected_table_covers_every_metric(expected):
    for key in [BuildKey(AS_OF_MAIN, ac, rr) for ac, rr in VARIANTS]:
        assert {m for m, p in expected[key] if p is None} == METRIC_IDS


@pytest.mark.parametrize(("ac", "rr"), VARIANTS, ids=variant_ids)
def test_headline_equals_hand_worked_values(builds, expected, ac, rr):
    key = BuildKey(AS_OF_MAIN, ac, rr)
    got = headline(builds[key])
    want = expected[key]
    assert {m for m, _ in got} == METRIC_IDS
    mismatches = {k: (got.get(k), v) for k, v in want.items() if got.get(k) != v}
    assert not mismatches, f"{key.label}: (got, expected) {mismatches}"
    # every monthly figure not in the table is 0, and months run from 2019-01 to the as-of month
    others = {k: v for k, v in got.items() if k not in want}
    assert all(p is not None for _, p in others)
    assert not {k: v for k, v in others.items() if v != 0}
    for metric in MONTHLY:
        months = sorted(p for m, p in got if m == metric and p is not None)
        assert months[0] == "2019-01" and months[-1] == AS_OF_MAIN[:7] and len(months) == 24


@pytest.mark.parametrize(("ac", "rr"), VARIANTS, ids=variant_ids)
def test_history_at_second_as_of_date_equals_hand_worked_values(builds, expected, ac, rr):
    got = history_at(builds[BuildKey(AS_OF_MAIN, ac, rr)], AS_OF_SECOND)
    want = expected[BuildKey(AS_OF_SECOND, ac, rr)]
    assert got == want


@pytest.mark.parametrize(("ac", "rr"), VARIANTS, ids=variant_ids)
def test_history_at_as_of_date_equals_headline(builds, ac, rr):
    build = builds[BuildKey(AS_OF_MAIN, ac, rr)]
    cumulative = {k: v for k, v in headline(build).items() if k[1] is None}
    assert history_at(build, AS_OF_MAIN) == cumulative
    dates = build.query(
        "select min(as_of_date), max(as_of_date), count(distinct as_of_date) from marts.court_metrics_history"
    )
    assert [(str(a), str(b), n) for a, b, n in dates] == [("2019-01-31", AS_OF_MAIN, 24)]


def test_headline_built_at_second_as_of_date(builds, expected):
    key = BuildKey(AS_OF_SECOND, True, True)
    build = builds[key]
    got = headline(build)
    assert {k: v for k, v in got.items() if k[1] is None} == expected[key]
    assert max(p for _, p in got if p is not None) == "2019-12"
    # the same date seen from the later build's history agrees with this build's headline
    assert history_at(builds[MAIN], AS_OF_SECOND) == expected[key]


@pytest.mark.parametrize(("ac", "rr"), VARIANTS, ids=variant_ids)
def test_headline_reports_variant_as_of_and_input_kind(builds, ac, rr):
    build = builds[BuildKey(AS_OF_MAIN, ac, rr)]
    rows = build.query(
        "select distinct cast(as_of_date as varchar), admin_closures_are_completions, "
        "relief_after_reopening_counts, input_kind from marts.court_headline_metrics"
    )
    assert rows == [(AS_OF_MAIN, ac, rr, "synthetic")]


def test_drilldown_lists_the_cases_behind_a_figure(builds):
    build = builds[MAIN]

    def cases(metric_id, period=None):
        return {
            r[0]
            for r in build.query(
                "select case_id from marts.court_metric_cases where metric_id = ? and period is not distinct from ?",
                [metric_id, period],
            )
        }

    assert cases("g2_pending") == {1001, 1012, 1027, 1029}
    assert cases("g2_removal_orders_in_absentia") == {1002, 1009, 1017, 1033, 1034, 1036}
    assert cases("g2_administrative_closures") == {1018, 1019, 1035}
    assert cases("g1a_relief_after_reopening") == {1017, 1035}
    assert cases("g1a_relief_granted_cases", "2020-10") == {1017}
    assert cases("g3_enrolled_nta_filed", "2019-12") == {1021}
    excluded = {1004, 1005, 1006, 1007, 1028, 1032}
    assert not excluded & {r[0] for r in build.query("select case_id from marts.court_metric_cases")}


def test_goal_3_breakdown_by_location_and_cbp_area(builds):
    build = builds[MAIN]
    by_loc = dict(
        build.query(
            "select mpp_hearing_loc_code, sum(enrolled_nta_filed) from marts.court_enrollments_monthly group by 1"
        )
    )
    assert by_loc == {"SYP": 10, "OPP": 4, "CIX": 2, "ENP": 6, "MPL": 3, "MPB": 3, "TUM": 1, "UNKNOWN": 1}
    by_office = dict(
        build.query(
            "select coalesce(ofo_field_office, '-'), sum(enrolled_nta_filed) "
            "from marts.court_enrollments_monthly group by 1"
        )
    )
    assert by_office == {"San Diego": 16, "El Paso": 6, "Laredo": 6, "Tucson": 1, "-": 1}
    via = build.query(
        "select sum(via_identifier), sum(via_proceeding_location), sum(via_schedule_location) "
        "from marts.court_enrollments_monthly"
    )
    assert via == [(2, 28, 2)]


def test_goal_2_breakdowns(builds):
    build = builds[MAIN]
    rows = dict(
        build.query(
            "select case_id, initial_completion_proceeding_id from marts.case_outcomes where case_id in (1008, 1011)"
        )
    )
    assert rows == {1008: 10082, 1011: 10111}
    los = build.query(
        "select sum(removal_orders) from marts.initial_completions_monthly where completion_hearing_loc_code = 'LOS'"
    )
    assert los == [(1,)]
    totals = build.query(
        "select sum(enrolled_nta_filed), sum(initial_completions), sum(pending), sum(removal_orders_in_absentia), "
        "sum(administrative_closures) from marts.case_status_by_cohort"
    )
    assert totals == [(30, 26, 4, 6, 3)]
    no_admin = builds[BuildKey(AS_OF_MAIN, False, True)].query(
        "select outcome_bucket, initial_completion_month from marts.case_outcomes where case_id = 1018"
    )
    assert no_admin == [("removal_order", "2020-08")]


def test_goal_1a_breakdowns(builds):
    build = builds[MAIN]
    case_1023 = build.query(
        "select relief_form, relief_form_source, is_relief_after_reopening, first_relief_month "
        "from marts.relief_cases where case_id = 1023"
    )
    assert case_1023 == [("asylum", "subsequent", False, "2019-11")]
    by_nat = dict(
        build.query(
            "select nationality_code, sum(relief_granted_cases) from marts.relief_cases_monthly group by 1"
        )
    )
    assert by_nat == {"VE": 3, "NU": 2, "CU": 2, "HO": 1}
    no_reopening = builds[BuildKey(AS_OF_MAIN, True, False)].query(
        "select relief_form from marts.relief_cases where case_id = 1023"
    )
    assert no_reopening == [("cat_withholding",)]


@pytest.mark.parametrize(("ac", "rr"), VARIANTS, ids=variant_ids)
def test_a_bond_proceeding_never_completes_a_removal_case(builds, ac, rr):
    """Issue 16 finding 5 (CASES.md case 1036): an MPP removal case whose first completed proceeding is a bond
    redetermination (CASE_TYPE BND, DEC_CODE X, COMP_DATE 2019-07-10, a granted ASYL on it) has its later RMV
    removal order in absentia (2019-11-20) as initial completion; the bond proceeding is counted by case type
    and reported as a case-type mismatch, never as a completion or a goal 1a grant."""
    build = builds[BuildKey(AS_OF_MAIN, ac, rr)]
    outcome = build.query(
        "select initial_completion_proceeding_id, outcome_bucket, is_in_absentia, initial_completion_month "
        "from marts.case_outcomes where case_id = 1036"
    )
    assert outcome == [(10361, "removal_order", True, "2019-11")]
    assert build.query("select count(*) from marts.relief_cases where case_id = 1036") == [(0,)]
    assert build.query("select count(*) from intermediate.int_proceedings_completed where proceeding_id = 10362") == [(0,)]
    by_type = build.query(
        "select case_case_type, proceeding_case_type, completes_removal_case, is_case_type_mismatch, cases, "
        "proceedings, completed_proceedings from marts.proceedings_by_case_type order by proceeding_case_type"
    )
    assert by_type[0] == ("RMV", "BND", False, True, 1, 1, 1)
    assert by_type[1][:6] == ("RMV", "RMV", True, False, 30, 39)
    assert len(by_type) == 2
    # the mismatch is a dbt test warning in the build (a WARN asset check in Dagster), not an error
    assert re.search(r"WARN 1 warn_mpp_case_type_mismatches", build.log), build.log[-3000:]


def test_proceeding_codes_decode_with_the_releases_own_lookup_and_unknown_codes_warn(builds):
    """Issue 16 finding 6: the fixture's Lookup/tblLookupCourtDecision.csv (CASES.md) is keyed by case type and
    decision type and carries inactive duplicates (RMV X and RMV Y, each with a higher id and a later
    modification than the active row): the active description is kept. The BND DEC_CODE X of case 1036
    decodes neither by the seed nor by the lookup (which has X only for RMV and CFR): a warning lists it."""
    build = builds[MAIN]
    decoded = build.query(
        "select case_type, code_field, code, release_description, in_definitions, is_decoded, cases "
        "from marts.proceeding_completion_codes where (case_type, code) in (('RMV', 'X'), ('RMV', 'Y'), ('BND', 'X')) "
        "order by case_type, code"
    )
    assert decoded == [
        ("BND", "DEC_CODE", "X", None, False, False, 1),
        ("RMV", "DEC_CODE", "X", "Removal", True, True, 11),
        ("RMV", "OTHER_COMP", "Y", "Prosecutorial Discretion - Admin Close", True, True, 1),
    ]
    assert build.query("select count(*) from marts.proceeding_completion_codes where not is_decoded") == [(1,)]
    keys = build.query("select key_rows from staging.stg_eoir__court_decisions where case_type = 'RMV' and code = 'X'")
    assert keys == [(2,)]
    assert re.search(r"WARN 1 warn_mpp_proceeding_codes_unknown", build.log), build.log[-3000:]


def test_a_bad_variant_value_is_refused(loaded_warehouse, tmp_path):
    proc = run_dbt(
        ["compile", "--select", "int_proceedings_completed"],
        loaded_warehouse,
        tmp_path,
        {"admin_closures_are_completions": "maybe"},
    )
    assert proc.returncode != 0
    assert "admin_closures_are_completions must be true or false" in proc.stdout + proc.stderr
