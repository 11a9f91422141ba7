"""Hand-made relations for the suites (a few rows each; the faults are described where they are injected).

Court: case 1 completed twice (proceeding 10 removal order 2019-05-01, then reopened: proceeding 11
dismissal 2019-09-01), so its initial completion is proceeding 10; its bond redetermination (proceeding 12,
CASE_TYPE BND, DEC_CODE X, 2019-04-01) completed first but is no completion of the removal case (issue 16); case 2 changed venue (proceeding 20,
OTHER_COMP C, not a completion) and was then completed by proceeding 21 (2019-08-01).
"""

from __future__ import annotations

PROCEEDINGS = """select * from (values
    (10, 1, 'RMV', 'X', null, date '2019-05-01'),
    (11, 1, 'RMV', 'U', null, date '2019-09-01'),
    (12, 1, 'BND', 'X', null, date '2019-04-01'),
    (20, 2, 'RMV', null, 'C', date '2019-06-01'),
    (21, 2, 'RMV', 'X', null, date '2019-08-01'),
    (30, 3, 'RMV', 'H', null, date '2020-02-01'),
    (31, 4, 'RMV', 'R', null, date '2020-03-01')
) t(proceeding_id, case_id, case_type, decision_code, other_completion_code, completion_date)"""

# seed eoir_case_types (the columns the suites read)
CASE_TYPES = """select * from (values ('RMV', true, true), ('BND', false, false)) t(case_type, is_removal, completes_removal_case)"""

# int_proceedings_completed: the completions among PROCEEDINGS (20 is a change of venue, 12 a bond
# redetermination: left out)
COMPLETED = """select * from (values
    (10, 1, date '2019-05-01'), (11, 1, date '2019-09-01'), (21, 2, date '2019-08-01'),
    (30, 3, date '2020-02-01'), (31, 4, date '2020-03-01')
) t(proceeding_id, case_id, completion_date)"""


def initial_completions(rows: str) -> str:
    return f"select * from (values {rows}) t(case_id, proceeding_id, completion_date)"


CORRECT_INITIAL = "(1, 10, date '2019-05-01'), (2, 21, date '2019-08-01')"

# Relief: case 4 won asylum (ASYL granted, G) on proceeding 31. Case 3's proceeding 30 is a CAT deferral
# (DEC_CODE H) with its WCAT application denied (D): not relief.
APPLICATIONS = """select * from (values
    (100, 31, 4, 'ASYL', 'G'),
    (101, 30, 3, 'WCAT', 'D'),
    (102, 31, 4, '42B', 'G')
) t(application_id, proceeding_id, case_id, application_code, application_decision_code)"""


def relief_cases(rows: str) -> str:
    return (f"select * from (values {rows}) "
            "t(case_id, relief_form, relief_proceeding_id, relief_completion_date)")


CORRECT_RELIEF = "(4, 'asylum', 31, date '2020-03-01')"


def encounters_monthly(months: list[tuple[str, int, int, int, int, int]]) -> str:
    """Rows (month_start, encounters, usbp, ofo, title 8, title 42)."""
    values = ", ".join(
        f"(date '{m}', strftime(date '{m}', '%Y-%m'), {e}::bigint, {u}::bigint, {o}::bigint, {t8}::bigint, "
        f"{t42}::bigint, 0::bigint)"
        for m, e, u, o, t8, t42 in months
    )
    return (f"select * from (values {values}) t(month_start, period, encounters, usbp_encounters, "
            "ofo_encounters, title_8_encounters, title_42_encounters, empty_cells)")


ENCOUNTER_MONTHS = [
    ("2020-01-01", 36_000, 30_000, 6_000, 36_000, 0),
    ("2020-02-01", 37_000, 30_500, 6_500, 37_000, 0),
    ("2020-03-01", 34_000, 29_000, 5_000, 30_000, 4_000),
    ("2020-04-01", 17_000, 16_000, 1_000, 1_000, 16_000),
]


def cbp_monthly(rows: str) -> str:
    """Rows (month_start, cbp, usbp, ofo, usbp_sector_sum, ofo_field_office_sum, printed_totals_agree)."""
    return (f"select month_start, strftime(month_start, '%Y-%m') as period, cbp_enrollments::bigint as cbp_enrollments, "
            "usbp_enrollments::bigint as usbp_enrollments, ofo_enrollments::bigint as ofo_enrollments, "
            "usbp_sector_sum::bigint as usbp_sector_sum, ofo_field_office_sum::bigint as ofo_field_office_sum, "
            f"printed_totals_agree from (values {rows}) t(month_start, cbp_enrollments, usbp_enrollments, "
            "ofo_enrollments, usbp_sector_sum, ofo_field_office_sum, printed_totals_agree)")


def cbp_locations(rows: str) -> str:
    return (f"select month_start, component, location, enrollments::bigint as enrollments "
            f"from (values {rows}) t(month_start, component, location, enrollments)")


# Jan-2020: USBP San Diego 60 + El Paso 40 = 100, OFO El Paso 5 = 5, CBP 105; Feb-2020 USBP 70 + 30, OFO 7.
CBP_MONTHLY_OK = ("(date '2020-01-01', 105, 100, 5, 100, 5, true), "
                  "(date '2020-02-01', 107, 100, 7, 100, 7, true)")
CBP_LOCATIONS_OK = ("(date '2020-01-01', 'USBP', 'San Diego', 60), (date '2020-01-01', 'USBP', 'El Paso', 40), "
                    "(date '2020-01-01', 'OFO', 'El Paso', 5), "
                    "(date '2020-02-01', 'USBP', 'San Diego', 70), (date '2020-02-01', 'USBP', 'El Paso', 30), "
                    "(date '2020-02-01', 'OFO', 'El Paso', 7)")
