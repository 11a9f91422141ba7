-- One row per source x calendar month x Southwest Border USBP sector: USBP encounters by sector from the
-- unrounded CBP PDF transcription (FY2000-FY2020) and from OHSS (rounded to 10, FY2000 onward).
with

uwchr as (

    select * from {{ ref('stg_cbp__usbp_monthly_encounters_sector') }}

),

ohss as (

    select * from {{ ref('stg_ohss__usbp_encounters_region_sector') }}
    where region = 'Southwest Land Border'

),

locations as (

    select * from {{ ref('swb_locations') }}
    where component = 'USBP'

),

uwchr_sw as (

    select
        'cbp_usbp_monthly_encounters_sector' as source_table,
        uwchr.month_start,
        uwchr.fiscal_year,
        locations.location_code,
        locations.location_name,
        uwchr.encounter_count,
        false as is_rounded,
        uwchr.vintage,
        uwchr.input_kind
    from uwchr
    inner join locations
        on uwchr.sector_column = locations.uwchr_column

),

ohss_sw as (

    select
        'ohss_usbp_encounters_region_sector' as source_table,
        ohss.month_start,
        ohss.fiscal_year,
        locations.location_code,
        locations.location_name,
        ohss.encounter_count_rounded as encounter_count,
        true as is_rounded,
        ohss.vintage,
        ohss.input_kind
    from ohss
    inner join locations
        on ohss.sector_label = locations.ohss_label

),

final as (

    select * from uwchr_sw
    union all
    select * from ohss_sw

)

select * from final
