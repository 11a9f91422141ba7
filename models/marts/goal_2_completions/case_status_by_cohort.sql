with

case_outcomes as (

    select * from {{ ref('case_outcomes') }}

),

final as (

    select
        enrollment_month,
        coalesce(mpp_hearing_loc_code, 'UNKNOWN') as mpp_hearing_loc_code,
        coalesce(nationality_code, 'UNKNOWN') as nationality_code,
        cast(count(*) as bigint) as enrolled_nta_filed,
        cast(count(*) filter (where not is_pending) as bigint) as initial_completions,
        {{ court_outcome_bucket_counts() }}
        cast(count(*) filter (where is_pending) as bigint) as pending,
        {{ as_of_date() }} as as_of_date,
        {{ court_variant('admin_closures_are_completions') }} as admin_closures_are_completions
    from case_outcomes
    group by all

)

select * from final
