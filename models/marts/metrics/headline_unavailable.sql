-- One row per headline figure NOT published because its sources do not cover the run's as-of date: the
-- `unavailable` array of metrics.json (shared/METRICS.md), with the reason.
-- 1. Figures computed from an as_of_snapshot source after its vintage (int_headline_figure_coverage), e.g.
--    every court figure as of a date after the EOIR release's vintage.
-- 2. Goal 4 months that ended on or before the as-of date but after the last month of every CBP encounter
--    extract (seed encounter_source_precedence): no source serves them, so they are listed, never 0.
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

encounter_coverage as (

    select max(covered_through) as covered_through
    from coverage
    inner join encounter_sources
        on coverage.source = encounter_sources.source_table

),

g4_gap_months as (

    select cast(month_start as date) as month_start, encounter_coverage.covered_through
    from encounter_coverage,
        generate_series(
            cast(encounter_coverage.covered_through + interval 1 day as timestamp),
            cast(date_trunc('month', {{ as_of_date() }}) as timestamp),
            interval 1 month
        ) as months(month_start)
    where last_day(cast(month_start as date)) <= {{ as_of_date() }}

),

final as (

    select metric_id, period, unavailable_reason as reason, source
    from judged

    union all

    select
        'g4_swb_encounters',
        strftime(month_start, '%Y-%m'),
        'no CBP encounter extract covers ' || strftime(month_start, '%Y-%m') || ' (the latest month of any is '
            || strftime(covered_through, '%Y-%m') || '); bring a newer file with --cbp-encounters',
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
