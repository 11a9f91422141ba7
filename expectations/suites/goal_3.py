"""Goal 3 since inception (CBP side): g3_cbp_enrollments as DOMAIN.md and the seed goal_3_source_precedence
define it, restated from marts.enrollments_monthly beside every source's rows
(marts.enrollments_by_source_monthly)."""

from __future__ import annotations

from expectations.spec import Suite, always_true, equal, non_negative_integers, unique

G3_CBP_ENROLLMENTS = Suite(
    name="g3_cbp_enrollments",
    asset_key=("marts", "enrollments_monthly"),
    description=(
        "Goal 3 CBP-side enrolments since inception (marts.enrollments_monthly, one row per month and "
        "agency) beside every published source's figure for the month (marts.enrollments_by_source_monthly)."
    ),
    sql="""
with sources as (
    select month_start, agency, min(source_precedence) as preferred_precedence
    from marts.enrollments_by_source_monthly
    group by all
)
select
    m.period,
    m.agency,
    m.enrollments,
    m.cumulative_enrollments,
    cast(sum(m.enrollments) over (partition by m.agency order by m.month_start) as bigint) as running_sum,
    b.source_precedence as served_precedence,
    s.preferred_precedence,
    last_day(m.month_start) <= cast($as_of as date) as month_ended_by_as_of,
    m.in_enrollment_phase,
    m.period || '|' || m.agency as month_agency
from marts.enrollments_monthly as m
left join marts.enrollments_by_source_monthly as b
    on b.month_start = m.month_start and b.agency = m.agency and b.source = m.source
left join sources as s on s.month_start = m.month_start and s.agency = m.agency
order by m.agency, m.period
""",
    id_columns=("period", "agency"),
    expectations=(
        unique("g3_one_figure_per_month_and_agency", "month_agency",
               "One published figure per month and agency (never two sources added up)."),
        equal("g3_served_by_the_preferred_source", "served_precedence", "preferred_precedence",
              "Where several sources print a month, the headline uses the one with the lowest precedence "
              "(seed goal_3_source_precedence): CBP's MPP pages, then OHSS's book-outs."),
        equal("g3_cumulative_is_the_sum_of_its_months", "cumulative_enrollments", "running_sum",
              "Enrolled since inception = the sum of the published months up to the month (same agency)."),
        always_true("g3_no_month_after_the_as_of_date", "month_ended_by_as_of",
                    "As of a date: only months that ended on or before it (a published month counts the whole month)."),
        *non_negative_integers("g3", ["enrollments", "cumulative_enrollments"],
                               "Enrolments are people counted: non-negative integers."),
        always_true("g3_enrolments_inside_an_mpp_phase", "in_enrollment_phase",
                    "MPP enrolled people only in its phases (seed mpp_phases, enrollments_open); OHSS dates "
                    "book-outs by encounter, so November 2021 shows 40 before the restart on 2021-12-06.",
                    severity="warning"),
    ),
)

SUITES = [G3_CBP_ENROLLMENTS]
