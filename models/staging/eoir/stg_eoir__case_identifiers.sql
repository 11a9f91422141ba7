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
        _input_kind as input_kind,
        _load_id as load_id,
        _source_line as source_line

    from source

)

select * from renamed
