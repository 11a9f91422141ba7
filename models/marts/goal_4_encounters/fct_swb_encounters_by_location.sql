-- One row per source x calendar month x component x Southwest Border location (USBP sector or OFO field
-- office), for months on or before the as-of date.
with

usbp_sectors as (

    select * from {{ ref('int_usbp_encounters_by_sector') }}

),

final as (

    select
        source_table,
        month_start,
        fiscal_year,
        'USBP' as component,
        location_code,
        location_name,
        encounter_count,
        is_rounded,
        vintage,
        input_kind
    from usbp_sectors
    where last_day(month_start) <= {{ as_of_date() }}

)

select * from final
