"""Raw extract contracts: the columns every downstream definition relies on, as landed (all VARCHAR).

Sources: raw.eoir_* (EOIR FOIA release, TAB-delimited text; DOMAIN.md "EOIR case data"), raw.cbp_* (CBP
open data / pages), raw.uscis_nri_referrals (docs/contracts/uscis_nri_referrals.md) and the load ledger
raw._load_ledger (orchestration/raw/ledger.py). Typed helper columns (``try_cast``) make "parses as an
integer / date" a not-null expectation whose failing rows show the original text.
"""

from __future__ import annotations

from expectations.spec import Expect, Suite, always_true, between, equal, in_set, not_null, unique

_EOIR_DATE = """coalesce(try_strptime({c}, '%Y-%m-%d %H:%M:%S.%g'), try_strptime({c}, '%Y-%m-%d %H:%M:%S'),
    try_strptime({c}, '%Y-%m-%d'))"""
_INPUT_KIND = ["real", "synthetic"]


def _input_kind(prefix: str) -> Expect:
    return in_set(f"{prefix}_input_kind_known", "input_kind", _INPUT_KIND,
                  "Every row says whether it is real or synthetic input.")


EOIR_CASES = Suite(
    candidates_only=True,
    name="raw_eoir_cases",
    asset_key=("raw", "eoir_a_tblcase"),
    description="EOIR A_TblCase key columns: one row per case (a new case = a new charging document).",
    sql="""select IDNCASE as idncase_text, try_cast(IDNCASE as bigint) as case_id, CASE_TYPE as case_type,
    _input_kind as input_kind from raw.eoir_a_tblcase""",
    id_columns=("idncase_text",),
    expectations=(
        not_null("eoir_case_id_is_integer", "case_id", "IDNCASE: the case id, an integer."),
        unique("eoir_case_id_unique", "case_id", "A_TblCase: one row per case."),
        _input_kind("eoir_case"),
    ),
)

EOIR_PROCEEDINGS = Suite(
    candidates_only=True,
    name="raw_eoir_proceedings",
    asset_key=("raw", "eoir_b_tblproceeding"),
    description="EOIR B_TblProceeding key columns, completion date and codes: one row per proceeding.",
    sql=f"""select IDNPROCEEDING as idnproceeding_text, IDNCASE as idncase_text,
    try_cast(IDNPROCEEDING as bigint) as proceeding_id, try_cast(IDNCASE as bigint) as case_id,
    COMP_DATE as comp_date_text,
    COMP_DATE is null or {_EOIR_DATE.format(c='COMP_DATE')} is not null as comp_date_parses,
    COMP_DATE is null or DEC_CODE is not null or OTHER_COMP is not null as completion_has_code,
    _input_kind as input_kind
from raw.eoir_b_tblproceeding""",
    id_columns=("idnproceeding_text", "idncase_text", "comp_date_text"),
    expectations=(
        not_null("eoir_proceeding_id_is_integer", "proceeding_id", "IDNPROCEEDING: the proceeding id, an integer."),
        unique("eoir_proceeding_id_unique", "proceeding_id", "B_TblProceeding: one row per proceeding."),
        not_null("eoir_proceeding_case_id_is_integer", "case_id", "Every proceeding belongs to a case (IDNCASE)."),
        always_true("eoir_comp_date_parses", "comp_date_parses",
                    "Dates look like 2019-03-14 00:00:00.000; blanks mean unknown."),
        always_true("eoir_comp_date_pairs_with_code", "completion_has_code",
                    "Every COMP_DATE pairs with DEC_CODE (merits decision) or OTHER_COMP (non-merits completion).",
                    severity="warning"),
        _input_kind("eoir_proceeding"),
    ),
)

EOIR_APPLICATIONS = Suite(
    candidates_only=True,
    name="raw_eoir_applications",
    asset_key=("raw", "eoir_tbl_court_appln"),
    description="EOIR tbl_Court_Appln key columns: one row per relief application.",
    sql="""select IDNPROCEEDINGAPPLN as idnproceedingappln_text, try_cast(IDNPROCEEDINGAPPLN as bigint) as application_id,
    try_cast(IDNPROCEEDING as bigint) as proceeding_id, APPL_CODE as appl_code, _input_kind as input_kind
from raw.eoir_tbl_court_appln""",
    id_columns=("idnproceedingappln_text",),
    expectations=(
        not_null("eoir_application_id_is_integer", "application_id", "IDNPROCEEDINGAPPLN: an integer id."),
        unique("eoir_application_id_unique", "application_id", "tbl_Court_Appln: one row per relief application."),
        not_null("eoir_application_proceeding_id", "proceeding_id", "Every application is on a proceeding."),
        _input_kind("eoir_application"),
    ),
)

EOIR_CASE_IDENTIFIERS = Suite(
    candidates_only=True,
    name="raw_eoir_case_identifiers",
    asset_key=("raw", "eoir_a_tblcaseidentifier"),
    description="EOIR A_TblCaseIdentifier: 0..n flags per case, CASE_ID two letters (MP, RM mark MPP).",
    sql="""select IDNCASEID as idncaseid_text, try_cast(IDNCASE as bigint) as case_id, CASE_ID as case_identifier,
    regexp_full_match(coalesce(CASE_ID, ''), '[A-Za-z0-9]{1,2}') as case_identifier_is_code, _input_kind as input_kind
from raw.eoir_a_tblcaseidentifier""",
    id_columns=("idncaseid_text", "case_identifier"),
    expectations=(
        not_null("eoir_case_identifier_case_id", "case_id", "Every case identifier flag belongs to a case."),
        always_true("eoir_case_identifier_is_code", "case_identifier_is_code",
                    "CASE_ID: a short code (two letters; MP / RM mark MPP). A quoted or damaged code cannot "
                    "match the MPP markers.", severity="warning"),
        _input_kind("eoir_case_identifier"),
    ),
)

EOIR_SCHEDULE = Suite(
    candidates_only=True,
    name="raw_eoir_schedule",
    asset_key=("raw", "eoir_tbl_schedule"),
    description="EOIR tbl_schedule key columns: one row per hearing.",
    sql="""select try_cast(IDNSCHEDULE as bigint) as hearing_id, try_cast(IDNCASE as bigint) as case_id,
    _input_kind as input_kind from raw.eoir_tbl_schedule""",
    id_columns=("hearing_id",),
    expectations=(
        not_null("eoir_hearing_id_is_integer", "hearing_id", "IDNSCHEDULE: an integer id."),
        unique("eoir_hearing_id_unique", "hearing_id", "tbl_schedule: one row per hearing."),
        not_null("eoir_hearing_case_id", "case_id", "Every hearing belongs to a case."),
        _input_kind("eoir_hearing"),
    ),
)

#: Largest share of child rows whose parent is missing before a release is refused. Real EOIR releases carry
#: a few orphans (rows whose parent was purged), and every quarantined parent row orphans its children: a
#: release with 1% corrupted rows orphans about 1-2% of hearings (tests/reliability). A truncated or
#: half-delivered table leaves far more (cut at half: about half). Documented in docs/quality.md.
MAX_ORPHAN_SHARE = 0.05

_ORPHANS = """
select '{child}' as relation,
    count(*) as child_rows,
    count(*) filter (where parent.{key} is null) as orphan_rows,
    count(*) filter (where parent.{key} is null) / greatest(count(*), 1) as orphan_share
from (select distinct {key} from raw.{parent_table}) as parent
right join raw.{child_table} as child on child.{key} = parent.{key}
where child.{key} is not null"""

EOIR_REFERENTIAL_INTEGRITY = Suite(
    name="raw_eoir_referential_integrity",
    asset_key=("raw", "eoir_b_tblproceeding"),
    description=("EOIR release tables refer to each other: hearings and applications to proceedings, "
                 "proceedings to cases. One row per relation with its share of orphaned child rows."),
    sql=" union all ".join([
        _ORPHANS.format(child="proceeding -> case", key="IDNCASE", parent_table="eoir_a_tblcase",
                        child_table="eoir_b_tblproceeding"),
        _ORPHANS.format(child="application -> proceeding", key="IDNPROCEEDING", parent_table="eoir_b_tblproceeding",
                        child_table="eoir_tbl_court_appln"),
        _ORPHANS.format(child="hearing -> proceeding", key="IDNPROCEEDING", parent_table="eoir_b_tblproceeding",
                        child_table="eoir_tbl_schedule"),
    ]),
    id_columns=("relation", "orphan_rows", "child_rows"),
    expectations=(
        between("eoir_orphan_share_below_threshold", "orphan_share",
                f"A release is complete: at most {MAX_ORPHAN_SHARE:.0%} of hearings, applications or proceedings "
                "point to a proceeding or case missing from the release (a truncated table orphans far more).",
                min_value=0, max_value=MAX_ORPHAN_SHARE),
        between("eoir_no_orphans", "orphan_rows",
                "Every hearing, application and proceeding points to a parent present in the release.",
                min_value=0, max_value=0, severity="warning"),
    ),
)

_COUNT = "try_cast(replace({c}, ',', '') as bigint)"

CBP_SW_DASHBOARD = Suite(
    name="raw_cbp_sw_encounters_dashboard",
    asset_key=("raw", "cbp_sw_encounters_dashboard"),
    description="CBP Southwest Land Border encounters dashboard extract (components, titles, counts as printed).",
    sql=f"""select "Fiscal Year-value" as fiscal_year, "Month (abbv)-value" as month, "Component" as component,
    "Title of Authority" as title_of_authority, "SUM(Encounter Count)-alias" as count_text,
    "SUM(Encounter Count)-alias" = '%null%' or {_COUNT.format(c='"SUM(Encounter Count)-alias"')} >= 0
        as count_is_non_negative_integer_or_empty_cell,
    _input_kind as input_kind
from raw.cbp_sw_encounters_dashboard""",
    id_columns=("fiscal_year", "month", "component", "title_of_authority", "count_text"),
    expectations=(
        in_set("cbp_dashboard_component", "component", ["U.S. Border Patrol", "Office of Field Operations", "all"],
               "Encounters = USBP apprehensions (between ports) + OFO inadmissibles (at ports) ('all' = the "
               "dashboard's roll-up)."),
        in_set("cbp_dashboard_title", "title_of_authority", ["Title 8", "Title 42", "all"],
               "Title 8, PLUS Title 42 expulsions from 2020-03-21 ('all' = the dashboard's roll-up)."),
        always_true("cbp_dashboard_count_parses", "count_is_non_negative_integer_or_empty_cell",
                    "Encounter Count: a non-negative integer (events), or the empty cell '%null%' (unknown)."),
        _input_kind("cbp_dashboard"),
    ),
)

CBP_NATIONWIDE = Suite(
    name="raw_cbp_nationwide_encounters_state",
    asset_key=("raw", "cbp_nationwide_encounters_state"),
    description="CBP nationwide encounters by state (official open-data CSV).",
    sql=f"""select "Fiscal Year" as fiscal_year, "Month (abbv)" as month, "Title of Authority" as title_of_authority,
    "Encounter Count" as count_text,
    {_COUNT.format(c='"Encounter Count"')} >= 0 as count_is_non_negative_integer,
    try_cast(regexp_extract("Fiscal Year", '^ *([0-9]{{4}})', 1) as integer) as fiscal_year_int,
    _input_kind as input_kind
from raw.cbp_nationwide_encounters_state""",
    id_columns=("fiscal_year", "month", "count_text"),
    expectations=(
        always_true("cbp_nationwide_count_parses", "count_is_non_negative_integer",
                    "Encounter Count: events, a non-negative integer."),
        not_null("cbp_nationwide_fiscal_year", "fiscal_year_int",
                 "Fiscal Year (starts in October): the leading four digits of the label; '2025 (FYTD)' is FY2025, "
                 "the running (preliminary) year."),
        _input_kind("cbp_nationwide"),
    ),
)

CBP_MPP_PAGES = Suite(
    name="raw_cbp_mpp_published_tables",
    asset_key=("raw", "cbp_mpp_published_tables"),
    description="CBP MPP page tables as printed (MPP enrollments, USCIS referrals, apprehensions).",
    sql=f"""select "table" as table_name, fiscal_year, month, component, location, value as value_text,
    {_COUNT.format(c='value')} >= 0 as value_is_non_negative_integer, source_url, _input_kind as input_kind
from raw.cbp_mpp_published_tables""",
    id_columns=("table_name", "fiscal_year", "month", "component", "location", "value_text"),
    expectations=(
        always_true("cbp_mpp_value_parses", "value_is_non_negative_integer",
                    "Printed counts are non-negative integers."),
        not_null("cbp_mpp_source_url", "source_url", "Every printed figure keeps the page it was printed on."),
        _input_kind("cbp_mpp"),
    ),
)

USCIS_NRI = Suite(
    name="raw_uscis_nri_referrals",
    asset_key=("raw", "uscis_nri_referrals"),
    description="USCIS NRI referral extract (docs/contracts/uscis_nri_referrals.md): one row per referral.",
    sql="""select referral_id, referral_date, interview_date, outcome,
    try_strptime(referral_date, '%Y-%m-%d') >= date '2019-01-28' as referral_on_or_after_inception,
    (outcome is null) = (interview_date is null) as outcome_iff_interview,
    interview_date is null or try_strptime(interview_date, '%Y-%m-%d') >= try_strptime(referral_date, '%Y-%m-%d')
        as interview_not_before_referral,
    component, _input_kind as input_kind
from raw.uscis_nri_referrals""",
    id_columns=("referral_id", "referral_date", "interview_date", "outcome"),
    expectations=(
        not_null("nri_referral_id_present", "referral_id", "referral_id: required."),
        unique("nri_referral_id_unique", "referral_id", "Grain: one row per referral; referral_id unique."),
        always_true("nri_referral_date_on_or_after_inception", "referral_on_or_after_inception",
                    "referral_date: YYYY-MM-DD, on or after 2019-01-28 (MPP inception)."),
        in_set("nri_outcome_labels", "outcome", ["positive", "negative", "administratively_closed"],
               "Outcome labels in USCIS reporting: positive, negative, administratively closed."),
        always_true("nri_outcome_iff_interview", "outcome_iff_interview",
                    "outcome empty iff interview_date is empty (pending)."),
        always_true("nri_interview_not_before_referral", "interview_not_before_referral",
                    "interview_date not before referral_date."),
        in_set("nri_component", "component", ["USBP", "OFO"], "component: USBP or OFO."),
        _input_kind("nri"),
    ),
)

#: Largest share of a file's rows that may be quarantined before its load blocks publishing. The real
#: releases' defect rates are far below 1 % (the bundled synthetic release carries them: at most 0.01 % per
#: file); a file with a tenth of its rows refused is not in the form the reader expects (wrong delimiter or
#: line endings, a truncated or re-encoded export), and its figures would be silently low.
MAX_QUARANTINED_SHARE = 0.10

LOAD_LEDGER = Suite(
    name="raw_load_ledger",
    asset_key=("raw", "_load_ledger"),  # not an asset: judged per raw table, see expectations.registry
    description=(
        "raw._load_ledger, the current load of every raw table: every row read is accounted for; the rows "
        "present in the raw table for that load equal rows_loaded (``rows_present`` is filled in by the registry)."
    ),
    sql="",  # built by expectations.registry.ledger_sql(tables)
    id_columns=("table_name", "rows_read", "rows_loaded", "rows_quarantined", "duplicates_collapsed"),
    per_table_column="table_name",
    expectations=(
        equal("ledger_rows_read_accounted_for", "rows_read", "rows_accounted",
              "Ledger identity: rows_read = rows_loaded + rows_quarantined + duplicates_collapsed (a row with "
              "too many fields must be repaired or quarantined, never silently dropped)."),
        equal("ledger_rows_loaded_are_present", "rows_loaded", "rows_present",
              "The rows the ledger says were loaded are the rows in the raw table for that load.",
              ignore_missing=True),
        between("ledger_counts_non_negative", "min_count", "Row counts are non-negative.", min_value=0),
        in_set("ledger_input_kind_known", "input_kind", _INPUT_KIND, "input_kind: real or synthetic."),
        between("ledger_table_not_empty", "rows_loaded",
                "Every raw table's current load lands at least one row: an empty table (a header-only file, or "
                "every row quarantined) would publish its figures as zeros.", min_value=1),
        between("ledger_quarantined_share_plausible", "quarantined_share",
                f"At most {MAX_QUARANTINED_SHARE:.0%} of a file's rows are quarantined: more means the file is not "
                "in the form the reader expects, and its figures would be silently low.",
                max_value=MAX_QUARANTINED_SHARE),
    ),
)

SUITES = [EOIR_CASES, EOIR_PROCEEDINGS, EOIR_APPLICATIONS, EOIR_CASE_IDENTIFIERS, EOIR_SCHEDULE,
          EOIR_REFERENTIAL_INTEGRITY, CBP_SW_DASHBOARD, CBP_NATIONWIDE, CBP_MPP_PAGES, USCIS_NRI]
