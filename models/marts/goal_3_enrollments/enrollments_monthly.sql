-- One row per calendar month x agency (CBP / USBP / OFO) with a published figure, for months that ended on
-- or before the as-of date: MPP enrolments by CBP from the source with the lowest precedence that prints the
-- month (seed goal_3_source_precedence), and the cumulative since inception (sum of the served months up to
-- this one). A month no source prints is absent (never 0); the other source stays beside it in
-- enrollments_source_reconciliation.
with

by_source as (

    select * from {{ ref('enrollments_by_source_monthly') }}

),

served as (

    select *
    from by_source
    qualify row_number() over (partition by month_start, agency order by source_precedence) = 1

),

others as (

    select
        by_source.month_start,
        by_source.agency,
        string_agg(by_source.source, ', ' order by by_source.source_precedence) as other_sources
    from by_source
    inner join served
        on by_source.month_start = served.month_start
        and by_source.agency = served.agency
        and by_source.source <> served.source
    group by by_source.month_start, by_source.agency

),

final as (

    select
        served.month_start,
        served.period,
        served.fiscal_year,
        served.agency,
        served.enrollments,
        served.source,
        served.source_measure,
        served.rounded_to,
        others.other_sources,
        cast(sum(served.enrollments) over cumulative_window as bigint) as cumulative_enrollments,
        array_to_string(list_sort(list_distinct(list(served.source) over cumulative_window)), ', ')
            as cumulative_sources,
        served.mpp_phase,
        served.in_enrollment_phase,
        served.source_detail,
        served.vintage,
        served.input_kind
    from served
    left join others
        on served.month_start = others.month_start
        and served.agency = others.agency
    window cumulative_window as (
        partition by served.agency order by served.month_start rows between unbounded preceding and current row
    )

)

select * from final
