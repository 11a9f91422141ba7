with

mpp_cases as (

    select * from {{ ref('int_mpp_cases_identified') }}

),

hearing_locations as (

    select * from {{ ref('mpp_hearing_locations') }}

),

final as (

    select
        mpp_cases.enrollment_month,
        coalesce(mpp_cases.mpp_hearing_loc_code, 'UNKNOWN') as mpp_hearing_loc_code,
        cast(hearing_locations.hearing_loc_name as varchar) as hearing_loc_name,
        cast(hearing_locations.usbp_sector as varchar) as usbp_sector,
        cast(hearing_locations.ofo_field_office as varchar) as ofo_field_office,
        cast(count(*) as bigint) as enrolled_nta_filed,
        cast(count(*) filter (where mpp_cases.via_identifier) as bigint) as via_identifier,
        cast(count(*) filter (where mpp_cases.via_proceeding_location) as bigint) as via_proceeding_location,
        cast(count(*) filter (where mpp_cases.via_schedule_location) as bigint) as via_schedule_location,
        {{ as_of_date() }} as as_of_date
    from mpp_cases
    left join hearing_locations on mpp_cases.mpp_hearing_loc_code = hearing_locations.hearing_loc_code
    -- no month after the as-of date (cases are NTAs filed by then already; kept explicit for goal 3)
    where mpp_cases.enrollment_month <= strftime({{ as_of_date() }}, '%Y-%m')
    group by all

)

select * from final
