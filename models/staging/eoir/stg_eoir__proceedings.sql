with

source as (

    select * from {{ source('eoir', 'eoir_b_tblproceeding') }}

),

renamed as (

    select
        -- ids
        try_cast(IDNPROCEEDING as bigint) as proceeding_id,
        try_cast(IDNCASE as bigint) as case_id,

        -- codes
        upper(BASE_CITY_CODE) as base_city_code,
        upper(HEARING_LOC_CODE) as hearing_loc_code,
        upper(IJ_CODE) as ij_code,
        upper(CASE_TYPE) as case_type,
        upper(NAT) as nationality_code,
        upper(DEC_TYPE) as decision_type,
        upper(DEC_CODE) as decision_code,
        upper(OTHER_COMP) as other_completion_code,
        coalesce(upper(ABSENTIA) = 'Y', false) as is_in_absentia,

        -- dates
        {{ eoir_date('OSC_DATE') }} as nta_date,
        {{ eoir_date('INPUT_DATE') }} as input_date,
        {{ eoir_date('COMP_DATE') }} as completion_date,

        -- load lineage
        {{ load_lineage() }}

    from source

)

select * from renamed
