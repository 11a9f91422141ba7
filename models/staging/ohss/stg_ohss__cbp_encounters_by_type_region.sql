-- One row per month x encounter type (Total CBP / Enforcement / Administrative) x region (or Total) of OHSS's
-- "CBP Encounter by Type + Region" sheet (newest vintage per month), typed; fiscal-year Total rows left out.
-- Rounded to the nearest 10 by OHSS: SW Land Border enforcement encounters are a rounded cross-check of goal 4.
with

source as (

    select * from {{ source('ohss', 'ohss_cbp_encounters_by_type_region') }}
    where month <> 'Total'

),

final as (

    select
        cast(fiscal_year as integer) as fiscal_year,
        {{ fiscal_month_start('cast(fiscal_year as integer)', 'substr(month, 1, 3)') }} as month_start,
        {{ ohss_outcome_id('column_group') }} as encounter_type,
        measure as region,
        try_cast(value as bigint) as encounters,
        cast(rounded_to as integer) as rounded_to,
        cell,
        {{ load_lineage() }}
    from source

)

select * from final
