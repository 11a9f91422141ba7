-- One row per fiscal month x land border region x state x demographic x citizenship x title of authority.
with

source as (

    select * from {{ source('cbp', 'cbp_nationwide_encounters_state') }}

),

final as (

    select
        {{ cbp_fiscal_month('source."Fiscal Year"', 'source."Month (abbv)"') }},
        trim(source."Land Border Region") as land_border_region,
        upper(trim(source."State")) as state,
        trim(source."Demographic") as demographic,
        trim(source."Citizenship") as citizenship,
        trim(source."Title of Authority") as title_of_authority,
        {{ cbp_count('source."Encounter Count"') }} as encounter_count,
        {{ load_lineage('source') }}
    from source

)

select * from final
