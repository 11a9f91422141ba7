-- One row per fiscal month x land border region x state x demographic x citizenship x title of authority.
with

source as (

    select * from {{ source('cbp', 'cbp_nationwide_encounters_state') }}

),

renamed as (

    select
        cast(regexp_extract(source."Fiscal Year", '^([0-9]{4})', 1) as integer) as fiscal_year,
        source."Fiscal Year" like '%FYTD%' as is_fiscal_year_to_date,
        upper(trim(source."Month (abbv)")) as month_abbv,
        trim(source."Land Border Region") as land_border_region,
        upper(trim(source."State")) as state,
        trim(source."Demographic") as demographic,
        trim(source."Citizenship") as citizenship,
        trim(source."Title of Authority") as title_of_authority,
        try_cast(replace(trim(source."Encounter Count"), ',', '') as bigint) as encounter_count,
        source._source_file as source_file,
        source._vintage as vintage,
        source._input_kind as input_kind
    from source

),

final as (

    select
        fiscal_year,
        is_fiscal_year_to_date,
        month_abbv,
        {{ fiscal_month_start('fiscal_year', 'month_abbv') }} as month_start,
        land_border_region,
        state,
        demographic,
        citizenship,
        title_of_authority,
        encounter_count,
        source_file,
        vintage,
        input_kind
    from renamed

)

select * from final
