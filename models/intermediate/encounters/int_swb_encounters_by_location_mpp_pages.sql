-- One row per page version x calendar month x component x Southwest Border location: USBP apprehensions by
-- sector and OFO inadmissibles by field office as printed on CBP's MPP statistics pages (Jan-2020 to
-- Sep-2021; the FY2021 page has an early snapshot and a later revision, both kept). Printed total rows
-- are left out here (they are checked in int_cbp_mpp_printed_totals_checked).
with

pages as (

    select * from {{ ref('stg_cbp__mpp_published_tables') }}
    where table_name in ('usbp_apprehensions_by_sw_sector', 'ofo_sw_inadmissibles_by_field_office')

),

locations as (

    select * from {{ ref('swb_locations') }}

),

final as (

    select
        'cbp_mpp_published_tables' as source_table,
        pages.page_version,
        pages.month_start,
        {{ fiscal_year_of('pages.month_start') }} as fiscal_year,
        locations.component,
        locations.location_code,
        locations.location_name,
        pages.value as encounter_count,
        false as is_rounded,
        pages.vintage,
        pages.input_kind
    from pages
    inner join locations
        on pages.component = locations.component
        and pages.location = locations.mpp_page_label

)

select * from final
