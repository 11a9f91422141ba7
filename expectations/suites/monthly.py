"""Monthly series suites: goal 4 SWB encounters (CBP, real), goal 3 CBP enrollments (CBP pages, real) and
goal 1b USCIS NRI referrals. Contiguity and sums across rows are helper columns of the DuckDB query.
"""

from __future__ import annotations

from expectations.spec import (
    Suite,
    always_true,
    between,
    contiguous_months,
    equal,
    non_negative_integers,
    not_null,
    unique,
)

_GAP = "date_diff('month', lag(month_start) over (order by month_start), month_start)"

SWB_ENCOUNTERS = Suite(
    name="swb_encounters_monthly",
    asset_key=("marts", "swb_encounters_monthly"),
    description="Goal 4 monthly SWB encounters (marts.swb_encounters_monthly, one row per month).",
    sql=f"""
with listed as (
    -- a month no CBP file has is never silently absent: it is listed in marts.headline_unavailable, and the
    -- series is contiguous over the published and the listed months together
    select month_start, true as is_published from marts.swb_encounters_monthly
    union all
    select cast(strptime(period || '-01', '%Y-%m-%d') as date), false
    from marts.headline_unavailable
    where metric_id = 'g4_swb_encounters' and period not like 'FY%'
),
gaps as (
    select month_start, is_published, {_GAP} as months_since_previous from listed
)
select
    m.month_start,
    period,
    encounters,
    usbp_encounters,
    ofo_encounters,
    title_8_encounters,
    title_42_encounters,
    usbp_encounters + ofo_encounters as usbp_plus_ofo,
    title_8_encounters + title_42_encounters as title_8_plus_title_42,
    gaps.months_since_previous,
    -- Title 42 expulsions exist only from 2020-03-21 (DOMAIN.md): none in a month ending before that date
    not (last_day(m.month_start) < date '2020-03-21' and title_42_encounters > 0) as no_title_42_before_start,
    empty_cells
from marts.swb_encounters_monthly as m
inner join gaps on gaps.month_start = m.month_start and gaps.is_published
order by m.month_start
""",
    id_columns=("period",),
    expectations=(
        unique("g4_one_row_per_month", "month_start", "Encounters, monthly: one figure per month."),
        contiguous_months("g4_months_contiguous", "months_since_previous",
                          "Monthly series: no month missing between the first and the last, unless it is listed "
                          "as unavailable (marts.headline_unavailable: no CBP file has it), never silently."),
        equal("g4_total_is_usbp_plus_ofo", "encounters", "usbp_plus_ofo",
              "Encounters = USBP apprehensions (between ports) + OFO inadmissibles (at ports), where the "
              "source splits by component.", ignore_missing=True),
        equal("g4_total_is_title_8_plus_title_42", "encounters", "title_8_plus_title_42",
              "Encounters = Title 8 PLUS Title 42 expulsions."),
        always_true("g4_no_title_42_before_2020_03_21", "no_title_42_before_start",
                    "Title 42 expulsions from 2020-03-21."),
        *non_negative_integers("g4", ["encounters", "title_8_encounters", "title_42_encounters"],
                               "Encounters are events counted: non-negative integers."),
        *[between(f"g4_{c}_non_negative", c, "Encounters are events counted: non-negative.", min_value=0)
          for c in ("usbp_encounters", "ofo_encounters")],
        between("g4_no_empty_cells", "empty_cells",
                "A dashboard cell printed '%null%' is unknown, never zero.", min_value=0, max_value=0,
                severity="warning"),
    ),
)

CBP_ENROLLMENTS = Suite(
    name="cbp_enrollments",
    asset_key=("marts", "cbp_page_enrollments_monthly"),
    description=(
        "Goal 3 CBP enrollments (marts.cbp_page_enrollments_monthly, one row per month) beside the location rows "
        "of marts.cbp_page_enrollments_by_location_monthly summed per month and component."
    ),
    sql=f"""
with locations as (
    select month_start, component, sum(enrollments) as location_rows_sum, min(enrollments) as min_location
    from marts.cbp_page_enrollments_by_location_monthly
    group by all
)
select
    m.month_start,
    m.period,
    m.cbp_enrollments,
    m.usbp_enrollments,
    m.ofo_enrollments,
    m.usbp_sector_sum,
    m.ofo_field_office_sum,
    cast(u.location_rows_sum as bigint) as usbp_location_rows_sum,
    cast(o.location_rows_sum as bigint) as ofo_location_rows_sum,
    least(u.min_location, o.min_location) as min_location_enrollments,
    m.usbp_enrollments + m.ofo_enrollments as usbp_plus_ofo_totals,
    {_GAP.replace('month_start', 'm.month_start')} as months_since_previous,
    m.printed_totals_agree
from marts.cbp_page_enrollments_monthly as m
left join locations as u on u.month_start = m.month_start and u.component = 'USBP'
left join locations as o on o.month_start = m.month_start and o.component = 'OFO'
order by m.month_start
""",
    id_columns=("period",),
    expectations=(
        unique("cbp_one_row_per_month", "month_start", "CBP monthly MPP enrollments: one figure per month."),
        contiguous_months("cbp_months_contiguous", "months_since_previous",
                          "Monthly series: no month missing between the first and the last."),
        equal("cbp_usbp_location_rows_match_monthly_sector_sum", "usbp_location_rows_sum", "usbp_sector_sum",
              "Locations sum to the component totals: the USBP sector rows the pipeline publishes add up to "
              "the monthly mart's USBP sector sum (pipeline arithmetic, blocking).",
              how="usbp_location_rows_sum = sum of marts.cbp_page_enrollments_by_location_monthly per month"),
        equal("cbp_ofo_location_rows_match_monthly_field_office_sum", "ofo_location_rows_sum",
              "ofo_field_office_sum",
              "Locations sum to the component totals: the OFO field office rows add up to the monthly mart's "
              "OFO field office sum (pipeline arithmetic, blocking)."),
        not_null("cbp_total_printed", "cbp_enrollments",
                 "g3_cbp_enrollments = the CBP total as printed: present every month."),
        # Printed-page arithmetic: CBP's own figures, kept as printed. A page error is reported, never
        # fixed and never blocking (the models flag it the same way: printed_totals_agree, severity warn).
        equal("cbp_usbp_sectors_sum_to_printed_usbp_total", "usbp_sector_sum", "usbp_enrollments",
              "Locations sum to the component totals (USBP sectors = printed USBP total).",
              ignore_missing=True, severity="warning"),
        equal("cbp_ofo_field_offices_sum_to_printed_ofo_total", "ofo_field_office_sum", "ofo_enrollments",
              "Locations sum to the component totals (OFO field offices = printed OFO total).",
              ignore_missing=True, severity="warning"),
        equal("cbp_components_sum_to_printed_cbp_total", "usbp_plus_ofo_totals", "cbp_enrollments",
              "Components sum to the CBP total (printed USBP + OFO = printed CBP total).",
              ignore_missing=True, severity="warning"),
        *non_negative_integers("cbp", ["cbp_enrollments"], "Enrollments are people counted: non-negative integers."),
        between("cbp_locations_non_negative", "min_location_enrollments",
                "Enrollments are people counted: non-negative.", min_value=0),
        always_true("cbp_printed_totals_agree", "printed_totals_agree",
                    "Every printed total of the month equals the sum of its printed parts "
                    "(int_cbp_mpp_printed_totals_checked).", severity="warning"),
    ),
)

CBP_PAGE_TOTALS = Suite(
    name="cbp_page_totals",
    asset_key=("intermediate", "int_cbp_mpp_printed_totals_checked"),
    description=(
        "Arithmetic of every printed total on CBP's MPP pages (all tables, not only enrollments). The real "
        "pages carry known errors (Aug-2021 and Feb-2021 USBP apprehensions totals): reported as WARNINGS, "
        "never fixed and never blocking, because those tables do not feed a published figure."
    ),
    sql="""
select check_level, table_name, month_start, component, printed_value, summed_value, difference, check_status,
    check_status in ('agrees', 'total_not_printed', 'parts_not_printed') as printed_total_adds_up
from intermediate.int_cbp_mpp_printed_totals_checked
order by table_name, month_start, component
""",
    id_columns=("table_name", "month_start", "component", "printed_value", "summed_value"),
    expectations=(
        always_true("cbp_page_printed_totals_equal_sum_of_parts", "printed_total_adds_up",
                    "Locations sum to the component totals, components to the CBP total (as printed; page "
                    "errors are reported, never fixed).", severity="warning"),
    ),
)

NRI_REFERRALS = Suite(
    name="nri_referrals_monthly",
    asset_key=("marts", "nri_referrals_monthly"),
    description="Goal 1b USCIS NRI referrals by month (marts.nri_referrals_monthly, one row per month).",
    sql=f"""
select
    month_start,
    period,
    referrals,
    positive,
    negative,
    admin_closed,
    pending,
    coalesce(positive, 0) + coalesce(negative, 0) + coalesce(admin_closed, 0) + coalesce(pending, 0)
        as outcomes_sum,
    cumulative_referrals,
    cast(sum(referrals) over (order by month_start) as bigint) as running_referrals,
    {_GAP} as months_since_previous,
    referrals_minus_published
from marts.nri_referrals_monthly
order by month_start
""",
    id_columns=("period",),
    expectations=(
        unique("nri_one_row_per_month", "month_start", "Only monthly referral counts are public: one per month."),
        contiguous_months("nri_months_contiguous", "months_since_previous",
                          "Monthly series: no month missing between the first and the last."),
        equal("nri_outcomes_sum_to_referrals", "outcomes_sum", "referrals",
              "Outcome labels: positive, negative, administratively closed (or pending): every referral has one."),
        equal("nri_cumulative_is_running_sum", "cumulative_referrals", "running_referrals",
              "Cumulative referrals = running sum of monthly referrals."),
        *non_negative_integers("nri", ["referrals"], "Referrals are counted: non-negative integers."),
        *[between(f"nri_{c}_non_negative", c, "Referrals are counted: non-negative.", min_value=0)
          for c in ("positive", "negative", "admin_closed", "pending")],
        between("nri_referrals_match_published", "referrals_minus_published",
                "Monthly referrals equal the published CBP/USCIS counts where published.",
                min_value=0, max_value=0, severity="warning"),
    ),
)

SUITES = [SWB_ENCOUNTERS, CBP_ENROLLMENTS, CBP_PAGE_TOTALS, NRI_REFERRALS]
