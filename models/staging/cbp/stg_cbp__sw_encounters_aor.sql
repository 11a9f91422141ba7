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

final as (

    select
        {{ cbp_fiscal_month('source."Fiscal Year"', 'source."Month (abbv)"') }},
        coalesce(components.component, upper(trim(source."Component"))) as component,
        trim(source."Land Border Region") as land_border_region,
        trim(source."Area of Responsibility") as area_of_responsibility,
        locations.location_code,
        trim(source."Demographic") as demographic,
        trim(source."Citizenship") as citizenship,
        trim(source."Title of Authority") as title_of_authority,
        {{ cbp_count('source."Encounter Count"') }} as encounter_count,
        {{ load_lineage('source') }}
    from source
    left join components
        on trim(source."Component") = components.source_label
    left join locations
        on trim(source."Area of Responsibility") = locations.cbp_aor_label

)

select * from final
