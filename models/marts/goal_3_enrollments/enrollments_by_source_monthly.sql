-- One row per calendar month x agency (CBP / USBP / OFO) x published source of MPP enrolments by CBP, for
-- months that ended on or before the as-of date: CBP's MPP pages (exact enrolments, Jan-2020..Jan-2021) and
-- DHS OHSS monthly tables (MPP book-outs, rounded to 10, Mar-2019 on, MPP 2.0 included). A month a source
-- does not print (OHSS 'X', or outside the pages) has no row: absent, never 0. Each row carries the source's
-- precedence (seed goal_3_source_precedence) and the MPP phase of the month (seed mpp_phases).
with

cbp_pages as (

    -- already cut at the as-of date
    select * from {{ ref('cbp_page_enrollments_monthly') }}

),

ohss as (

    select * from {{ ref('stg_ohss__swb_book_outs') }}
    where outcome_id = 'migrant_protection_protocols'
      and not is_fiscal_year_total
      and book_outs is not null
      and {{ month_closed_as_of('month_start') }}

),

revisions as (

    select * from {{ ref('stg_ohss__swb_book_out_revisions') }}
    where outcome_id = 'migrant_protection_protocols'

),

precedence as (

    select * from {{ ref('goal_3_source_precedence') }}

),

phases as (

    select * from {{ ref('mpp_phases') }}

),

cbp_pages_long as (

    unpivot (
        select month_start, vintage, input_kind, page_versions,
               cbp_enrollments as "CBP", usbp_enrollments as "USBP", ofo_enrollments as "OFO"
        from cbp_pages
    )
    on "CBP", "USBP", "OFO"
    into name agency value enrollments

),

stacked as (

    select
        month_start, agency, 'cbp_mpp_pages' as source, enrollments,
        cast(null as integer) as rounded_to, vintage, input_kind,
        'CBP MPP page ' || page_versions as source_detail,
        false as is_revised, cast(null as bigint) as first_published_value
    from cbp_pages_long
    union all
    select
        ohss.month_start, ohss.agency, 'ohss_monthly_tables', ohss.book_outs,
        ohss.rounded_to, ohss.vintage, ohss.input_kind,
        ohss.source_file || ' cell ' || ohss.cell,
        coalesce(revisions.is_revised, false), revisions.first_book_outs
    from ohss
    left join revisions
        on ohss.fiscal_year = revisions.fiscal_year
        and ohss.month_name = revisions.month_name
        and ohss.agency = revisions.agency

),

month_phases as (

    -- the enrolment phase (enrollments_open) the month overlaps, else the phase on its last day:
    -- 2021-01 is 'active' (enrolments until 2021-01-20), 2021-12 and 2022-08 are 'mpp_2_0'
    select
        months.month_start,
        coalesce(
            arg_min(phases.phase, phases.phase_order) filter (where phases.enrollments_open),
            arg_max(phases.phase, phases.phase_order)
                filter (where last_day(months.month_start) between phases.start_date and phases.end_date)
        ) as mpp_phase,
        coalesce(bool_or(phases.enrollments_open), false) as in_enrollment_phase
    from (select distinct month_start from stacked) as months
    inner join phases
        on phases.start_date <= last_day(months.month_start)
        and phases.end_date >= months.month_start
    group by months.month_start

),

final as (

    select
        stacked.month_start,
        strftime(stacked.month_start, '%Y-%m') as period,
        {{ fiscal_year_of('stacked.month_start') }} as fiscal_year,
        cast(stacked.agency as varchar) as agency,
        cast(stacked.source as varchar) as source,
        precedence.precedence as source_precedence,
        cast(precedence.measure as varchar) as source_measure,
        cast(stacked.enrollments as bigint) as enrollments,
        stacked.rounded_to,
        stacked.is_revised,
        stacked.first_published_value,
        month_phases.mpp_phase,
        month_phases.in_enrollment_phase,
        stacked.source_detail,
        stacked.vintage,
        stacked.input_kind
    from stacked
    inner join precedence on stacked.source = precedence.source
    left join month_phases on stacked.month_start = month_phases.month_start

)

select * from final
