with

source as (

    select * from {{ source('eoir', 'eoir_a_tblcaseidentifier') }}

),

renamed as (

    select
        -- ids
        try_cast(IDNCASEID as bigint) as case_identifier_id,
        try_cast(IDNCASE as bigint) as case_id,

        -- codes
        upper(CASE_ID) as case_identifier_code,

        -- load lineage
        {{ load_lineage() }}

    from source

)

select * from renamed
