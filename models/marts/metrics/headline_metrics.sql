-- One row per headline metric x period across all goals, in the shape of metrics.json (shared/METRICS.md):
-- the figures of every goal (int_headline_figures) whose sources cover the run's as-of date
-- (int_headline_figure_coverage; the others are in headline_unavailable), stamped with the run's as-of date
-- and open-choice variants.
with

figures as (

    select * from {{ ref('int_headline_figure_coverage') }}
    where is_covered

),

final as (

    select
        metric_id,
        period,
        value,
        input_kind,
        source,
        {{ as_of_date() }} as as_of_date,
        {{ court_variant('admin_closures_are_completions') }} as admin_closures_are_completions,
        {{ court_variant('relief_after_reopening_counts') }} as relief_after_reopening_counts
    from figures

)

select * from final
