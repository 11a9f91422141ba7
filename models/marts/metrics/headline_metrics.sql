-- One row per headline metric x period across all goals, in the shape of metrics.json (shared/METRICS.md).
-- Each goal's headline model computes its own ids; this model only stacks them and stamps the run's
-- as-of date and open-choice variants. source: the published source a figure comes from where several
-- could serve it (metrics.json `source`), NULL otherwise.
with

court as (

    -- goals 1a, 2 and 3 (court side), from the EOIR release
    select metric_id, period, value, input_kind, cast(null as varchar) as source
    from {{ ref('court_headline_metrics') }}

),

cbp_uscis as (

    -- goal 1b (USCIS NRI referrals)
    select metric_id, period, value, input_kind, cast(null as varchar) as source
    from {{ ref('cbp_uscis_headline_metrics') }}

),

goal_3_cbp as (

    -- goal 3, CBP side (g3_cbp_enrollments: CBP MPP pages and OHSS monthly tables, seed goal_3_source_precedence)
    select metric_id, period, value, input_kind, source from {{ ref('g3_headline_metrics') }}

),

goal_4 as (

    select metric_id, period, value, input_kind, cast(null as varchar) as source
    from {{ ref('g4_headline_metrics') }}

),

stacked as (

    select * from court
    union all
    select * from cbp_uscis
    union all
    select * from goal_3_cbp
    union all
    select * from goal_4

),

final as (

    select
        metric_id,
        period,
        value,
        input_kind,
        source,
        {{ as_of_date() }} as as_of_date,
        {{ var('admin_closures_are_completions', true) }} as admin_closures_are_completions,
        {{ var('relief_after_reopening_counts', true) }} as relief_after_reopening_counts
    from stacked

)

select * from final
