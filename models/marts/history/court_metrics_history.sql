with

metric_catalog as (

    select * from {{ ref('court_metrics') }}

),

metric_cases as (

    select * from {{ ref('int_court_metric_cases') }}

),

evaluation_dates as (

    select * from {{ ref('int_court_as_of_dates') }}

),

release_input_kind as (

    select * from {{ ref('int_eoir_release_input_kind') }}

),

month_ends as (

    select as_of_date from evaluation_dates where is_month_end

),

counts as (

    select
        as_of_date,
        metric_id,
        count(distinct case_id) as case_count
    from metric_cases
    where period is null
    group by as_of_date, metric_id

),

final as (

    select
        month_ends.as_of_date as as_of_date,
        cast(metric_catalog.metric_id as varchar) as metric_id,
        cast(coalesce(counts.case_count, 0) as bigint) as value,
        cast(release_input_kind.input_kind as varchar) as input_kind,
        {{ as_of_date() }} as run_as_of_date,
        {{ court_variant('admin_closures_are_completions') }} as admin_closures_are_completions,
        {{ court_variant('relief_after_reopening_counts') }} as relief_after_reopening_counts
    from month_ends
    cross join metric_catalog
    cross join release_input_kind
    left join counts
        on month_ends.as_of_date = counts.as_of_date
        and metric_catalog.metric_id = counts.metric_id
    order by month_ends.as_of_date, metric_catalog.sort_order

)

select * from final
