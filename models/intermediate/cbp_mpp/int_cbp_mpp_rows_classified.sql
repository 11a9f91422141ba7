-- One row per published row of the CBP MPP pages, classified as a location (part) row or a printed
-- total row. The classification is by the printed row label, so the page's own totals stay as printed.
with

published as (

    select * from {{ ref('stg_cbp__mpp_published_tables') }}

),

classified as (

    select
        published.*,
        case
            when component = 'CBP' then 'cbp_total'
            when lower(location) like '%total%' then 'component_total'
            when lower(location) = 'all' then 'series_total'
            else 'location'
        end as row_kind,
        case
            when lower(location) like '%total%' or lower(location) = 'all' then null
            when table_name = 'mpp_returnees_apprehended_ewi' then 'demographic'
            when component = 'USBP' then 'usbp_sector'
            when component = 'OFO' then 'ofo_field_office'
        end as location_type
    from published

),

final as (

    select * from classified

)

select * from final
