-- One row per printed total on the CBP MPP pages that does not equal the sum of its printed parts
-- (or lacks its parts / its total). Kept as published: the page's errors are reported, never fixed.
-- The dbt test warn_cbp_mpp_printed_total_discrepancies (severity warn) surfaces these rows.
with

checks as (

    select * from {{ ref('int_cbp_mpp_printed_totals_checked') }}

),

final as (

    select
        check_id,
        check_level,
        table_name,
        month_start,
        component,
        printed_value,
        summed_value,
        difference,
        check_status,
        printed_page_version,
        printed_source_url,
        parts_page_versions,
        parts_source_urls,
        vintage
    from checks
    where not agrees

)

select * from final
