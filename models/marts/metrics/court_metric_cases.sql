with

metric_cases as (

    select * from {{ ref('int_court_metric_cases') }}

),

final as (

    select
        cast(metric_id as varchar) as metric_id,
        cast(period as varchar) as period,
        cast(case_id as bigint) as case_id,
        {{ as_of_date() }} as as_of_date,
        {{ court_variant('admin_closures_are_completions') }} as admin_closures_are_completions,
        {{ court_variant('relief_after_reopening_counts') }} as relief_after_reopening_counts
    from metric_cases
    where as_of_date = {{ as_of_date() }}

)

select * from final
