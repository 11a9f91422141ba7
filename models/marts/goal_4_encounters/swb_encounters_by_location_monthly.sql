-- One row per source (and page version) x calendar month x component x Southwest Border location (USBP
-- sector or OFO field office), for months on or before the as-of date.
with

usbp_sectors as (

    select * from {{ ref('int_usbp_encounters_by_sector') }}

),

mpp_pages as (

    select * from {{ ref('int_swb_encounters_by_location_mpp_pages') }}

),

unioned as (

    select
        source_table,
        cast(null as varchar) as page_version,
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

    union all

    select
        source_table,
        page_version,
        month_start,
        fiscal_year,
        component,
        location_code,
        location_name,
        encounter_count,
        is_rounded,
        vintage,
        input_kind
    from mpp_pages

),

final as (

    select * from unioned
    where last_day(month_start) <= {{ as_of_date() }}

)

select * from final
