with

mpp_cases as (

    select * from {{ ref('int_mpp_cases_identified') }}

),

initial_completions as (

    select * from {{ ref('int_initial_completions') }}

),

nationalities as (

    select * from {{ ref('eoir_nationalities') }}

),

hearing_locations as (

    select * from {{ ref('mpp_hearing_locations') }}

),

final as (

    select
        cast(mpp_cases.case_id as bigint) as case_id,
        cast(mpp_cases.nationality_code as varchar) as nationality_code,
        cast(coalesce(nationalities.nationality_name, mpp_cases.nationality_code) as varchar) as nationality_name,
        cast(mpp_cases.enrollment_date as date) as enrollment_date,
        cast(mpp_cases.enrollment_month as varchar) as enrollment_month,
        cast(mpp_cases.nta_filed_date as date) as nta_filed_date,
        cast(mpp_cases.mpp_hearing_loc_code as varchar) as mpp_hearing_loc_code,
        cast(hearing_locations.usbp_sector as varchar) as usbp_sector,
        cast(hearing_locations.ofo_field_office as varchar) as ofo_field_office,
        mpp_cases.via_identifier,
        mpp_cases.via_proceeding_location,
        mpp_cases.via_schedule_location,
        cast(initial_completions.proceeding_id as bigint) as initial_completion_proceeding_id,
        cast(initial_completions.completion_date as date) as initial_completion_date,
        cast(initial_completions.completion_month as varchar) as initial_completion_month,
        cast(initial_completions.outcome_bucket as varchar) as outcome_bucket,
        cast(initial_completions.completion_code as varchar) as completion_code,
        coalesce(initial_completions.is_in_absentia, false) as is_in_absentia,
        cast(initial_completions.hearing_loc_code as varchar) as completion_hearing_loc_code,
        initial_completions.case_id is null as is_pending,
        {{ as_of_date() }} as as_of_date,
        {{ court_variant('admin_closures_are_completions') }} as admin_closures_are_completions
    from mpp_cases
    left join initial_completions on mpp_cases.case_id = initial_completions.case_id
    left join nationalities on mpp_cases.nationality_code = nationalities.nationality_code
    left join hearing_locations on mpp_cases.mpp_hearing_loc_code = hearing_locations.hearing_loc_code

)

select * from final
