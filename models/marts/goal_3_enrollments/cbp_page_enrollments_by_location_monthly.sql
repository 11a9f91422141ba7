-- One row per month x CBP component x location (USBP sector / OFO field office) of CBP's published MPP
-- enrollments, as printed on the page (page version and URL on every row); months that ended on or before
-- the as-of date only (macro month_closed_as_of).
with

rows_classified as (

    select * from {{ ref('int_cbp_mpp_rows_classified') }}

),

final as (

    select
        month_start,
        strftime(month_start, '%Y-%m') as period,
        fiscal_year,
        component,
        location_type,
        location,
        value as enrollments,
        page_version,
        source_url,
        vintage,
        input_kind
    from rows_classified
    where table_name = 'mpp_enrollments'
      and row_kind = 'location'
      and {{ month_closed_as_of('month_start') }}

)

select * from final
