-- One row per fiscal month x component x land border region x area of responsibility x demographic x
-- citizenship x title of authority, from CBP's official "Southwest Land Border Encounters" by-AOR CSV files a
-- user brought (newest vintage per month).
with

source as (

    select * from {{ source('cbp', 'cbp_sw_encounters_aor') }}

),

components as (

    select * from {{ ref('cbp_components') }}

),

locations as (

    select * from {{ ref('swb_locations') }}

),

renamed as (

    select
        cast(regexp_extract(source."Fiscal Year", '^\s*([0-9]{4})', 1) as integer) as fiscal_year,
        source."Fiscal Year" ilike '%FYTD%' as is_fiscal_year_to_date,
        upper(trim(source."Month (abbv)")) as month_abbv,
        coalesce(components.component, upper(trim(source."Component"))) as component,
        trim(source."Land Border Region") as land_border_region,
        trim(source."Area of Responsibility") as area_of_responsibility,
        locations.location_code,
        trim(source."Demographic") as demographic,
        trim(source."Citizenship") as citizenship,
        trim(source."Title of Authority") as title_of_authority,
        try_cast(replace(trim(source."Encounter Count"), ',', '') as bigint) as encounter_count,
        source._source_file as source_file,
        source._vintage as vintage,
        source._input_kind as input_kind
    from source
    left join components
        on trim(source."Component") = components.source_label
    left join locations
        on trim(source."Area of Responsibility") = locations.cbp_aor_label

),

final as (

    select
        fiscal_year,
        is_fiscal_year_to_date,
        month_abbv,
        {{ fiscal_month_start('fiscal_year', 'month_abbv') }} as month_start,
        component,
        land_border_region,
        area_of_responsibility,
        location_code,
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
