with

source as (

    select * from {{ source('eoir', 'eoir_a_tblcase') }}

),

renamed as (

    select
        -- ids
        try_cast(IDNCASE as bigint) as case_id,

        -- codes
        upper(NAT) as nationality_code,
        upper(LANG) as language_code,
        upper(CUSTODY) as custody_code,
        upper(CASE_TYPE) as case_type,
        upper(SEX) as sex_code,

        -- dates
        {{ eoir_date('DATE_OF_ENTRY') }} as date_of_entry,

        -- load lineage
        {{ load_lineage() }}

    from source

)

select * from renamed
