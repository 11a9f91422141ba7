-- One row per month x agency x SW sector / field office (or the agency total) of OHSS's "SWB Enc by
-- Sector+Field Ofc" sheet (newest vintage per month), typed; fiscal-year Total rows left out (they are
-- printed totals, not months). Rounded to the nearest 10 by OHSS: a rounded cross-check of goal 4.
with

source as (

    select * from {{ source('ohss', 'ohss_swb_encounters_by_sector_field_office') }}
    where month <> 'Total'

),

final as (

    select
        cast(fiscal_year as integer) as fiscal_year,
        {{ fiscal_month_start('cast(fiscal_year as integer)', 'substr(month, 1, 3)') }} as month_start,
        coalesce({{ ohss_agency('column_group') }}, 'CBP') as agency,
        measure as location_label,
        starts_with(measure, 'Total') as is_agency_total,
        try_cast(value as bigint) as encounters,
        cast(rounded_to as integer) as rounded_to,
        cell,
        {{ load_lineage() }}
    from source

)

select * from final
