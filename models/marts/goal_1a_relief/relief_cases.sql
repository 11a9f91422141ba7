with

relief_grants as (

    select * from {{ ref('int_relief_grants') }}

),

mpp_cases as (

    select * from {{ ref('int_mpp_cases_identified') }}

),

nationalities as (

    select * from {{ ref('eoir_nationalities') }}

),

final as (

    select
        cast(relief_grants.case_id as bigint) as case_id,
        cast(relief_grants.relief_form as varchar) as relief_form,
        cast(relief_grants.protection_rank as integer) as protection_rank,
        cast(relief_grants.relief_form_source as varchar) as relief_form_source,
        relief_grants.is_relief_after_reopening,
        cast(relief_grants.relief_proceeding_id as bigint) as relief_proceeding_id,
        cast(relief_grants.relief_completion_date as date) as relief_completion_date,
        cast(relief_grants.first_relief_date as date) as first_relief_date,
        cast(relief_grants.first_relief_month as varchar) as first_relief_month,
        cast(relief_grants.counted_grants_count as bigint) as counted_grants_count,
        cast(mpp_cases.mpp_hearing_loc_code as varchar) as mpp_hearing_loc_code,
        cast(mpp_cases.nationality_code as varchar) as nationality_code,
        cast(coalesce(nationalities.nationality_name, mpp_cases.nationality_code) as varchar) as nationality_name,
        {{ as_of_date() }} as as_of_date,
        {{ court_variant('admin_closures_are_completions') }} as admin_closures_are_completions,
        {{ court_variant('relief_after_reopening_counts') }} as relief_after_reopening_counts
    from relief_grants
    inner join mpp_cases on relief_grants.case_id = mpp_cases.case_id
    left join nationalities on mpp_cases.nationality_code = nationalities.nationality_code
    where relief_grants.is_run_as_of

)

select * from final
