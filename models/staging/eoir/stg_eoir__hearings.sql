with

source as (

    select * from {{ source('eoir', 'eoir_tbl_schedule') }}

),

renamed as (

    select
        -- ids
        try_cast(IDNSCHEDULE as bigint) as hearing_id,
        try_cast(IDNPROCEEDING as bigint) as proceeding_id,
        try_cast(IDNCASE as bigint) as case_id,

        -- codes
        upper(HEARING_LOC_CODE) as hearing_loc_code,
        upper(BASE_CITY_CODE) as base_city_code,
        upper(CAL_TYPE) as calendar_type,

        -- dates
        {{ eoir_date('ADJ_DATE') }} as hearing_date,

        -- load lineage
        {{ load_lineage() }}

    from source

)

select * from renamed
