-- One row per headline metric x period across all goals, before the coverage cut: every figure each goal's
-- headline model computes, with the source serving it (headline_source_coverage says whether that source
-- covers the run's as-of date; headline_metrics keeps the covered figures, headline_unavailable the rest)
-- and the headline model computing it. The one place the goals' headline models are stacked: the coverage
-- cut and the reconciliation with published figures (published_figures_reconciliation) both read it.
with

court as (

    -- goals 1a, 2 and 3 (court side), from the EOIR release
    select metric_id, period, value, input_kind, 'eoir_release' as source,
        'court_headline_metrics' as headline_model
    from {{ ref('court_headline_metrics') }}

),

cbp_uscis as (

    -- goal 1b (USCIS NRI referrals)
    select metric_id, period, value, input_kind, source, 'nri_headline_metrics' as headline_model
    from {{ ref('nri_headline_metrics') }}

),

goal_3_cbp as (

    -- goal 3, CBP side (g3_cbp_enrollments: CBP MPP pages and OHSS monthly tables, seed goal_3_source_precedence)
    select metric_id, period, value, input_kind, source, 'enrollment_headline_metrics' as headline_model
    from {{ ref('enrollment_headline_metrics') }}

),

goal_4 as (

    select metric_id, period, value, input_kind, source, 'encounter_headline_metrics' as headline_model
    from {{ ref('encounter_headline_metrics') }}

),

final as (

    select * from court
    union all
    select * from cbp_uscis
    union all
    select * from goal_3_cbp
    union all
    select * from goal_4

)

select
    cast(metric_id as varchar) as metric_id,
    cast(period as varchar) as period,
    cast(value as bigint) as value,
    cast(input_kind as varchar) as input_kind,
    cast(source as varchar) as source,
    cast(headline_model as varchar) as headline_model
from final
