with

source as (

    select * from {{ source('eoir', 'eoir_tbl_court_appln') }}

),

renamed as (

    select
        -- ids
        try_cast(IDNPROCEEDINGAPPLN as bigint) as application_id,
        try_cast(IDNPROCEEDING as bigint) as proceeding_id,
        try_cast(IDNCASE as bigint) as case_id,

        -- codes (APPL_CODE keeps its case: the lookup has mixed-case codes such as 212c)
        APPL_CODE as application_code,
        upper(APPL_DEC) as application_decision_code,

        -- dates
        {{ eoir_date('APPL_RECD_DATE') }} as application_received_date,

        -- load lineage
        {{ load_lineage() }}

    from source

)

select * from renamed
