-- One row per (metric_id, period) of the goal 1b (USCIS NRI) headline figures of metrics.json (ids exactly
-- as in shared METRICS.md). period NULL = cumulative since inception as of the as-of date; 'YYYY-MM' =
-- calendar month. NRI months are referral months up to the as-of date (outcome as known on the as-of date).
-- Goal 3's CBP side (g3_cbp_enrollments) is g3_headline_metrics.
with

nri_monthly as (

    select * from {{ ref('nri_referrals_monthly') }}

),

nri_cumulative as (

    select * from {{ ref('nri_referrals_cumulative') }}

),

nri_months_long as (

    unpivot (
        select period, input_kind, referrals, positive, negative, admin_closed
        from nri_monthly
    )
    on referrals, positive, negative, admin_closed
    into name measure value value

),

nri_cumulative_long as (

    unpivot (
        select cast(null as varchar) as period, input_kind, referrals, positive, negative, admin_closed
        from nri_cumulative
    )
    on referrals, positive, negative, admin_closed
    into name measure value value

),

nri as (

    select
        case measure
            when 'referrals' then 'g1b_nri_referrals'
            when 'positive' then 'g1b_nri_positive'
            when 'negative' then 'g1b_nri_negative'
            when 'admin_closed' then 'g1b_nri_admin_closed'
        end as metric_id,
        period,
        value,
        input_kind
    from (
        select * from nri_months_long
        union all
        select * from nri_cumulative_long
    )

),

final as (

    select
        cast(metric_id as varchar) as metric_id,
        cast(period as varchar) as period,
        cast(value as bigint) as value,
        cast(input_kind as varchar) as input_kind
    from nri

)

select * from final
