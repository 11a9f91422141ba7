-- One row per figure of int_headline_figures: whether every source behind it covers the run's as-of date
-- (headline_source_coverage), and if not, why. A figure from an as_of_snapshot source (EOIR release, USCIS
-- NRI extract) is covered only when the as-of date is on or before the source's covered_through (its
-- vintage); monthly sources only ever give figures for the months they have, so they cover their figures.
-- A figure adding several sources (comma-separated `source`) is covered only when all of them are.
with

figures as (

    select * from {{ ref('int_headline_figures') }}

),

coverage as (

    select * from {{ ref('headline_source_coverage') }}

),

figure_sources as (

    select metric_id, period, trim(source_part) as source
    from (
        select metric_id, period, unnest(string_split(coalesce(source, ''), ',')) as source_part
        from figures
    )

),

judged as (

    select
        figure_sources.metric_id,
        figure_sources.period,
        bool_and(coverage.coverage_kind is distinct from 'as_of_snapshot' or coverage.covers_as_of) as is_covered,
        string_agg(
            case when coverage.coverage_kind = 'as_of_snapshot' and not coverage.covers_as_of then
                coverage.source || ': ' || coverage.basis || ' '
                || coalesce(strftime(coverage.covered_through, '%Y-%m-%d'), 'unknown')
                || ' is before the as-of date ' || strftime(coverage.as_of_date, '%Y-%m-%d')
                || '; its figures as of a later date would count as settled what it cannot know'
            end,
            ' / ' order by coverage.source
        ) as unavailable_reason
    from figure_sources
    left join coverage
        on figure_sources.source = coverage.source
    group by figure_sources.metric_id, figure_sources.period

),

final as (

    select
        figures.metric_id,
        figures.period,
        figures.value,
        figures.input_kind,
        figures.source,
        judged.is_covered,
        judged.unavailable_reason
    from figures
    inner join judged
        on figures.metric_id = judged.metric_id
        and figures.period is not distinct from judged.period

)

select * from final
