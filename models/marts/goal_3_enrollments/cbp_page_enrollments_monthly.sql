-- One row per calendar month of CBP's published MPP enrollments: the printed CBP total (the figure CBP
-- published, used for g3_cbp_enrollments), the printed USBP and OFO totals, their location sums, and
-- whether every printed total of the month agrees with its parts. Months that ended on or before the as-of
-- date only (macro month_closed_as_of).
with

rows_classified as (

    select * from {{ ref('int_cbp_mpp_rows_classified') }}
    where table_name = 'mpp_enrollments'
      and {{ month_closed_as_of('month_start') }}

),

checks as (

    select * from {{ ref('int_cbp_mpp_printed_totals_checked') }}
    where table_name = 'mpp_enrollments'

),

by_month as (

    select
        month_start,
        max(fiscal_year) as fiscal_year,
        max(value) filter (where row_kind = 'cbp_total') as cbp_enrollments,
        max(value) filter (where row_kind = 'component_total' and component = 'USBP') as usbp_enrollments,
        max(value) filter (where row_kind = 'component_total' and component = 'OFO') as ofo_enrollments,
        sum(value) filter (where row_kind = 'location' and component = 'USBP') as usbp_sector_sum,
        sum(value) filter (where row_kind = 'location' and component = 'OFO') as ofo_field_office_sum,
        string_agg(distinct page_version, ', ' order by page_version) as page_versions,
        string_agg(distinct source_url, ' ' order by source_url) as source_urls,
        max(vintage) as vintage,
        case when bool_or(input_kind = 'synthetic') then 'synthetic' else 'real' end as input_kind
    from rows_classified
    group by month_start

),

month_checks as (

    select
        month_start,
        bool_and(agrees) as printed_totals_agree
    from checks
    group by month_start

),

final as (

    select
        by_month.month_start,
        strftime(by_month.month_start, '%Y-%m') as period,
        by_month.fiscal_year,
        by_month.cbp_enrollments,
        by_month.usbp_enrollments,
        by_month.ofo_enrollments,
        cast(by_month.usbp_sector_sum as bigint) as usbp_sector_sum,
        cast(by_month.ofo_field_office_sum as bigint) as ofo_field_office_sum,
        coalesce(month_checks.printed_totals_agree, false) as printed_totals_agree,
        by_month.page_versions,
        by_month.source_urls,
        by_month.vintage,
        by_month.input_kind
    from by_month
    left join month_checks
        on by_month.month_start = month_checks.month_start

)

select * from final
