with

metric_catalog as (

    select * from {{ ref('court_metrics') }}

),

metric_cases as (

    select * from {{ ref('int_court_metric_cases') }}

),

release_input_kind as (

    select * from {{ ref('int_eoir_release_input_kind') }}

),

evaluation_dates as (

    select * from {{ ref('int_court_as_of_dates') }}

),

months as (

    -- the evaluation dates hold every month-end from the inception month plus the as-of date, so their
    -- months are exactly the inception month .. the as-of month
    select distinct strftime(as_of_date, '%Y-%m') as period
    from evaluation_dates

),

periods as (

    -- every metric cumulative (period NULL), and per month from inception for monthly metrics, so that a
    -- figure with no cases still shows as 0
    select metric_id, sort_order, cast(null as varchar) as period from metric_catalog
    union all
    select metric_catalog.metric_id, metric_catalog.sort_order, months.period
    from metric_catalog
    cross join months
    where metric_catalog.has_monthly

),

counts as (

    select
        metric_id,
        period,
        count(distinct case_id) as case_count
    from metric_cases
    where as_of_date = {{ as_of_date() }}
    group by metric_id, period

),

final as (

    select
        cast(periods.metric_id as varchar) as metric_id,
        cast(periods.period as varchar) as period,
        cast(coalesce(counts.case_count, 0) as bigint) as value,
        cast(release_input_kind.input_kind as varchar) as input_kind,
        {{ as_of_date() }} as as_of_date,
        {{ court_variant('admin_closures_are_completions') }} as admin_closures_are_completions,
        {{ court_variant('relief_after_reopening_counts') }} as relief_after_reopening_counts
    from periods
    cross join release_input_kind
    left join counts
        on periods.metric_id = counts.metric_id
        and periods.period is not distinct from counts.period
    order by periods.sort_order, periods.period nulls first

)

select * from final
