with

case_outcomes as (

    select * from {{ ref('case_outcomes') }}

),

final as (

    select
        initial_completion_month as completion_month,
        coalesce(completion_hearing_loc_code, 'UNKNOWN') as completion_hearing_loc_code,
        coalesce(nationality_code, 'UNKNOWN') as nationality_code,
        cast(count(*) as bigint) as initial_completions,
        {{ court_outcome_bucket_counts() }}
        {{ as_of_date() }} as as_of_date,
        {{ court_variant('admin_closures_are_completions') }} as admin_closures_are_completions
    from case_outcomes
    where not is_pending
    group by all

)

select * from final
