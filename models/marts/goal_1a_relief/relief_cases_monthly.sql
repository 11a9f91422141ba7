with

relief_cases as (

    select * from {{ ref('relief_cases') }}

),

final as (

    select
        first_relief_month,
        coalesce(mpp_hearing_loc_code, 'UNKNOWN') as mpp_hearing_loc_code,
        coalesce(nationality_code, 'UNKNOWN') as nationality_code,
        cast(count(*) as bigint) as relief_granted_cases,
        cast(count(*) filter (where relief_form = 'asylum') as bigint) as asylum,
        cast(count(*) filter (where relief_form = 'statutory_withholding') as bigint) as statutory_withholding,
        cast(count(*) filter (where relief_form = 'cat_withholding') as bigint) as cat_withholding,
        cast(count(*) filter (where not is_relief_after_reopening) as bigint) as relief_on_initial_completion,
        cast(count(*) filter (where is_relief_after_reopening) as bigint) as relief_after_reopening,
        {{ as_of_date() }} as as_of_date,
        {{ court_variant('admin_closures_are_completions') }} as admin_closures_are_completions,
        {{ court_variant('relief_after_reopening_counts') }} as relief_after_reopening_counts
    from relief_cases
    group by all

)

select * from final
