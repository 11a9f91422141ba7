-- The goal-3 CBP-side headline rows of metrics.json: g3_cbp_enrollments for every month with a published
-- figure (CBP total, served source per seed goal_3_source_precedence) and cumulative since inception (period
-- NULL: the sum of those months, all ended by the as-of date). source names the published source; the
-- cumulative lists every source it adds up ('cbp_mpp_pages, ohss_monthly_tables').
with

monthly as (

    select * from {{ ref('enrollments_monthly') }}
    where agency = 'CBP'

),

months as (

    select
        'g3_cbp_enrollments' as metric_id,
        period,
        enrollments as value,
        input_kind,
        source
    from monthly

),

cumulative as (

    select
        'g3_cbp_enrollments' as metric_id,
        cast(null as varchar) as period,
        sum(enrollments) as value,
        case when bool_and(input_kind = 'real') then 'real' when bool_and(input_kind = 'synthetic')
            then 'synthetic' else 'mixed' end as input_kind,
        array_to_string(list_sort(list_distinct(list(source))), ', ') as source
    from monthly
    having count(*) > 0

),

final as (

    select
        cast(metric_id as varchar) as metric_id,
        cast(period as varchar) as period,
        cast(value as bigint) as value,
        cast(input_kind as varchar) as input_kind,
        cast(source as varchar) as source
    from (
        select * from months
        union all
        select * from cumulative
    )

)

select * from final
