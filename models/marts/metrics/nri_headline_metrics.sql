-- One row per (metric_id, period) of the goal 1b (USCIS NRI) headline figures of
-- metrics.json (ids exactly as in shared METRICS.md). period NULL = cumulative since inception as of the
-- as-of date; 'YYYY-MM' = calendar month. NRI months are referral months up to the as-of date (outcome as
-- known on the as-of date).
-- source: the published source or extract behind the figure (comma-separated when several).
-- Goal 3's CBP side (g3_cbp_enrollments) is enrollment_headline_metrics.
with

nri_monthly as (

    select * from {{ ref('nri_referrals_monthly') }}

),

nri_cumulative as (

    select * from {{ ref('nri_referrals_cumulative') }}

),

nri_referral_months as (

    -- goal 1b honest labels: a month whose referral count USCIS published (CBP's MPP page) and which ended
    -- on or before the as-of date is that real published figure; any other month is the case-level
    -- extract's count (synthetic in the demo), labelled with the extract's input kind
    select
        period,
        published_referrals is not null and last_day(month_start) <= {{ as_of_date() }} as is_published,
        case when is_published then published_referrals else referrals end as value,
        case when is_published then 'real' else input_kind end as input_kind,
        case when is_published then 'uscis_published_referrals' else 'uscis_nri_extract' end as source
    from nri_monthly

),

nri_referrals as (

    select 'g1b_nri_referrals' as metric_id, period, value, input_kind, source
    from nri_referral_months

    union all

    -- cumulative over both kinds of month: 'mixed' when it adds published and extract months
    select
        'g1b_nri_referrals',
        null,
        sum(value),
        case when count(distinct input_kind) = 1 then min(input_kind) else 'mixed' end,
        string_agg(distinct source, ', ' order by source)
    from nri_referral_months
    having count(*) > 0

),

nri_outcomes_long as (

    -- the outcome split exists only in the case-level extract
    unpivot (
        select period, input_kind, positive, negative, admin_closed
        from nri_monthly
        union all
        select cast(null as varchar), input_kind, positive, negative, admin_closed
        from nri_cumulative
    )
    on positive, negative, admin_closed
    into name measure value value

),

nri as (

    select * from nri_referrals

    union all

    select
        case measure
            when 'positive' then 'g1b_nri_positive'
            when 'negative' then 'g1b_nri_negative'
            when 'admin_closed' then 'g1b_nri_admin_closed'
        end as metric_id,
        period,
        value,
        input_kind,
        'uscis_nri_extract' as source
    from nri_outcomes_long

),

final as (

    select
        cast(metric_id as varchar) as metric_id,
        cast(period as varchar) as period,
        cast(value as bigint) as value,
        cast(input_kind as varchar) as input_kind,
        cast(source as varchar) as source
    from nri

)

select * from final
