-- One row per headline figure NOT published because its sources do not cover the run's as-of date: the
-- `unavailable` array of metrics.json (shared/METRICS.md), with the reason.
-- 1. Figures computed from an as_of_snapshot source after its vintage (int_headline_figure_coverage), e.g.
--    every court figure as of a date after the EOIR release's vintage.
-- 2. Goal 4 months that ended on or before the as-of date and that no CBP encounter extract has (seed
--    encounter_source_precedence; after the last one, or a hole between files): listed, never 0.
with

judged as (

    select * from {{ ref('int_headline_figure_coverage') }}
    where not is_covered

),

coverage as (

    select * from {{ ref('headline_source_coverage') }}

),

encounter_sources as (

    select source_table from {{ ref('encounter_source_precedence') }}

),

served_months as (

    select month_start from {{ ref('swb_encounters_monthly') }}

),

encounter_coverage as (

    select min(covered_from) as covered_from
    from coverage
    inner join encounter_sources
        on coverage.source = encounter_sources.source_table

),

g4_gap_months as (

    -- every month from the first one any encounter extract has to the as-of month that ended on or before
    -- the as-of date and that no extract has (a hole between two files, or after the last one)
    select cast(months.month_start as date) as month_start
    from encounter_coverage,
        generate_series(
            cast(encounter_coverage.covered_from as timestamp),
            cast(date_trunc('month', {{ as_of_date() }}) as timestamp),
            interval 1 month
        ) as months(month_start)
    where last_day(cast(months.month_start as date)) <= {{ as_of_date() }}
      and cast(months.month_start as date) not in (select month_start from served_months)

),

final as (

    select metric_id, period, unavailable_reason as reason, source
    from judged

    union all

    select
        'g4_swb_encounters',
        strftime(month_start, '%Y-%m'),
        'no CBP encounter extract has ' || strftime(month_start, '%Y-%m')
            || '; bring a file covering it with --cbp-encounters',
        cast(null as varchar)
    from g4_gap_months

)

select
    cast(metric_id as varchar) as metric_id,
    cast(period as varchar) as period,
    cast(reason as varchar) as reason,
    cast(source as varchar) as source,
    {{ as_of_date() }} as as_of_date
from final
