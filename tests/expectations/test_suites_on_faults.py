"""Each definitional fault, injected into a tiny hand-made warehouse, fails the expectation meant to catch it.

One fault per test (fixtures.py describes the hand-made rows); the same rows without the fault pass, so the
failure is the fault's and not the fixture's. The suites' own SQL runs unchanged on the tiny warehouse.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from expectations.registry import BY_NAME
from expectations.runner import run_suite
from tests.expectations import fixtures as fx
from tests.expectations.conftest import PARAMS, failed_ids, make_warehouse


def court_warehouse(path: Path, initial_rows: str, relief_rows: str = fx.CORRECT_RELIEF) -> Path:
    return make_warehouse(path, {
        "staging.stg_eoir__proceedings": fx.PROCEEDINGS,
        "seeds.eoir_case_types": fx.CASE_TYPES,
        "staging.stg_eoir__applications": fx.APPLICATIONS,
        "intermediate.int_proceedings_completed": fx.COMPLETED,
        "intermediate.int_initial_completions": fx.initial_completions(initial_rows),
        "marts.relief_cases": fx.relief_cases(relief_rows),
    })


def test_correct_court_rows_pass(tmp_path: Path):
    wh = court_warehouse(tmp_path / "w.duckdb", fx.CORRECT_INITIAL)
    for suite in ("initial_completions", "relief_grants"):
        outcome = run_suite(BY_NAME[suite], wh, PARAMS)
        assert failed_ids(outcome) == set(), suite


def test_reopened_completion_counted_as_initial(tmp_path: Path):
    # fault: case 1's second completion (proceeding 11, after reopening) reported as its initial completion
    wh = court_warehouse(tmp_path / "w.duckdb", "(1, 11, date '2019-09-01'), (2, 21, date '2019-08-01')")
    outcome = run_suite(BY_NAME["initial_completions"], wh, PARAMS)
    failed = failed_ids(outcome, "error")
    assert "ic_not_after_reopening_or_remand" in failed
    assert "ic_is_earliest_completion" in failed
    [e] = [e for e in outcome.expectations if e.id == "ic_not_after_reopening_or_remand"]
    assert e.unexpected_count == 1
    assert e.failing_rows == [{"case_id": 1, "proceeding_id": 11, "completion_date": "2019-09-01 00:00:00",
                               "earlier_completions": 1}]


def test_duplicated_case(tmp_path: Path):
    # fault: case 2 has two initial completions (its change of venue counted too)
    wh = court_warehouse(tmp_path / "w.duckdb", fx.CORRECT_INITIAL + ", (2, 20, date '2019-06-01')")
    outcome = run_suite(BY_NAME["initial_completions"], wh, PARAMS)
    failed = failed_ids(outcome, "error")
    assert "ic_at_most_one_per_case" in failed
    assert "ic_not_change_of_venue_or_transfer" in failed  # proceeding 20 is OTHER_COMP C


def test_cat_deferral_counted_as_relief(tmp_path: Path):
    # fault: case 3 (CAT deferral, DEC_CODE H, WCAT denied) reported as granted CAT withholding
    wh = court_warehouse(tmp_path / "w.duckdb", fx.CORRECT_INITIAL,
                         fx.CORRECT_RELIEF + ", (3, 'cat_withholding', 30, date '2020-02-01')")
    outcome = run_suite(BY_NAME["relief_grants"], wh, PARAMS)
    failed = failed_ids(outcome, "error")
    assert "relief_not_cat_deferral_alone" in failed
    assert "relief_has_granted_application" in failed
    [e] = [e for e in outcome.expectations if e.id == "relief_not_cat_deferral_alone"]
    assert [r["case_id"] for r in e.failing_rows] == [3]


def test_cancellation_counted_as_relief(tmp_path: Path):
    # fault: a case whose only grant on the reported proceeding is a 42B cancellation
    wh = make_warehouse(tmp_path / "w.duckdb", {
        "staging.stg_eoir__proceedings": fx.PROCEEDINGS,
        "seeds.eoir_case_types": fx.CASE_TYPES,
        "staging.stg_eoir__applications": "select * from (values (200, 31, 4, '42B', 'G')) "
                                          "t(application_id, proceeding_id, case_id, application_code, "
                                          "application_decision_code)",
        "marts.relief_cases": fx.relief_cases(fx.CORRECT_RELIEF),
    })
    outcome = run_suite(BY_NAME["relief_grants"], wh, PARAMS)
    assert {"relief_never_cancellation_or_adjustment", "relief_only_asyl_asyw_wcat"} <= failed_ids(outcome, "error")


def _encounters(path: Path, months, unavailable: tuple[str, ...] = ()) -> Path:
    listed = ", ".join(f"('g4_swb_encounters', '{p}')" for p in unavailable) or "(null, null)"
    return make_warehouse(path, {
        "marts.swb_encounters_monthly": fx.encounters_monthly(months),
        "marts.headline_unavailable": f"select * from (values {listed}) t(metric_id, period) where metric_id is not null",
    })


def test_month_missing_from_encounters(tmp_path: Path):
    ok = _encounters(tmp_path / "ok.duckdb", fx.ENCOUNTER_MONTHS)
    assert failed_ids(run_suite(BY_NAME["swb_encounters_monthly"], ok, PARAMS)) == set()
    # fault: February 2020 missing
    months = [m for m in fx.ENCOUNTER_MONTHS if m[0] != "2020-02-01"]
    outcome = run_suite(BY_NAME["swb_encounters_monthly"], _encounters(tmp_path / "w.duckdb", months), PARAMS)
    assert failed_ids(outcome) == {"g4_months_contiguous"}
    [e] = outcome.failed()
    assert e.failing_rows == [{"period": "2020-03", "months_since_previous": 2}]
    # the same hole listed as unavailable (no CBP file has February 2020): not silent, passes
    listed = _encounters(tmp_path / "listed.duckdb", months, ("2020-02",))
    assert failed_ids(run_suite(BY_NAME["swb_encounters_monthly"], listed, PARAMS)) == set()


def test_encounters_total_not_title_8_plus_title_42(tmp_path: Path):
    months = [*fx.ENCOUNTER_MONTHS[:3], ("2020-04-01", 17_000, 16_000, 1_000, 1_000, 15_000)]  # 1,000 lost
    wh = _encounters(tmp_path / "w.duckdb", months)
    assert failed_ids(run_suite(BY_NAME["swb_encounters_monthly"], wh, PARAMS)) == {"g4_total_is_title_8_plus_title_42"}


def cbp_warehouse(path: Path, monthly: str, locations: str) -> Path:
    return make_warehouse(path, {"marts.cbp_page_enrollments_monthly": fx.cbp_monthly(monthly),
                                 "marts.cbp_page_enrollments_by_location_monthly": fx.cbp_locations(locations)})


def test_location_rows_that_do_not_add_up_are_blocking(tmp_path: Path):
    assert failed_ids(run_suite(BY_NAME["cbp_enrollments"], cbp_warehouse(tmp_path / "ok.duckdb", fx.CBP_MONTHLY_OK,
                                                                          fx.CBP_LOCATIONS_OK), PARAMS)) == set()
    # fault: Feb-2020 El Paso sector published as 35 while the month's USBP sector sum is 100 (70 + 30)
    bad_locations = fx.CBP_LOCATIONS_OK.replace("'El Paso', 30", "'El Paso', 35")
    outcome = run_suite(BY_NAME["cbp_enrollments"], cbp_warehouse(tmp_path / "w.duckdb", fx.CBP_MONTHLY_OK,
                                                                  bad_locations), PARAMS)
    assert failed_ids(outcome, "error") == {"cbp_usbp_location_rows_match_monthly_sector_sum"}
    assert failed_ids(outcome, "warning") == set()


def test_printed_page_total_that_does_not_add_up_is_a_warning(tmp_path: Path):
    # CBP printed a USBP total of 101 for Jan-2020 over sectors summing to 100 (a page error, kept as printed)
    monthly = fx.CBP_MONTHLY_OK.replace("(date '2020-01-01', 105, 100, 5, 100, 5, true)",
                                        "(date '2020-01-01', 106, 101, 5, 100, 5, false)")
    outcome = run_suite(BY_NAME["cbp_enrollments"], cbp_warehouse(tmp_path / "w.duckdb", monthly,
                                                                  fx.CBP_LOCATIONS_OK), PARAMS)
    assert failed_ids(outcome, "error") == set()
    assert failed_ids(outcome, "warning") == {"cbp_usbp_sectors_sum_to_printed_usbp_total", "cbp_printed_totals_agree"}


@pytest.mark.parametrize("suite", sorted(BY_NAME))
def test_every_expectation_names_its_definition_and_severity(suite: str):
    s = BY_NAME[suite]
    assert s.expectations
    ids = [e.id for e in s.expectations]
    assert len(ids) == len(set(ids)), "expectation ids are unique within a suite"
    for e in s.expectations:
        assert e.severity in ("error", "warning")
        assert len(e.definition) > 15, e.id


def _release_tables(path: Path, hearing_proceedings: list[str]) -> Path:
    """Cases 1, 2; proceedings 10 -> case 1, 11 -> case 2; one application on 10; hearings on the given
    proceedings (all VARCHAR, as landed)."""
    hearings = ", ".join(f"('{i}', '{p}')" for i, p in enumerate(hearing_proceedings, start=100))
    return make_warehouse(path, {
        "raw.eoir_a_tblcase": "select * from (values ('1'), ('2')) t(IDNCASE)",
        "raw.eoir_b_tblproceeding": "select * from (values ('10', '1'), ('11', '2')) t(IDNPROCEEDING, IDNCASE)",
        "raw.eoir_tbl_court_appln": "select * from (values ('500', '10')) t(IDNPROCEEDINGAPPLN, IDNPROCEEDING)",
        "raw.eoir_tbl_schedule": f"select * from (values {hearings}) t(IDNSCHEDULE, IDNPROCEEDING)",
    })


def test_a_truncated_table_orphans_its_children_and_blocks(tmp_path: Path):
    """Hand-worked: 200 hearings on proceeding 10 and 12 on proceeding 99 (missing, as if B_TblProceeding
    were cut short): orphan share 12/212 = 5.7% > 5% -> the blocking expectation fails; 1 orphan of 201
    (0.5%, e.g. a quarantined parent) only warns."""
    suite = BY_NAME["raw_eoir_referential_integrity"]
    truncated = run_suite(suite, _release_tables(tmp_path / "t.duckdb", ["10"] * 200 + ["99"] * 12), PARAMS)
    assert failed_ids(truncated) == {"eoir_orphan_share_below_threshold", "eoir_no_orphans"}
    assert not truncated.passed("error")
    few = run_suite(suite, _release_tables(tmp_path / "f.duckdb", ["10"] * 200 + ["99"]), PARAMS)
    assert failed_ids(few) == {"eoir_no_orphans"} and few.passed("error") and not few.passed("warning")
    complete = run_suite(suite, _release_tables(tmp_path / "c.duckdb", ["10", "11"]), PARAMS)
    assert failed_ids(complete) == set()
