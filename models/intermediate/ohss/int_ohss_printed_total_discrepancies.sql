-- One row per printed fiscal-year Total of OHSS's book-outs sheet that rounding cannot explain (or that is
-- printed without months / printed 'X' beside printed months), in the columns of the CBP pages'
-- int_cbp_mpp_printed_total_discrepancies (so both land in meta.printed_total_discrepancies), plus the
-- outcome, the cell and the rounding tolerance. Kept as published: reported, never fixed; the Total rows are
-- not used as figures. The dbt test warn_ohss_printed_total_discrepancies (severity warn) surfaces them.
with

checks as (

    select * from {{ ref('int_ohss_book_out_totals_checked') }}

),

final as (

    select
        check_id,
        'months_to_fiscal_year_total' as check_level,
        'ohss_swb_book_outs_by_agency' as table_name,
        make_date(fiscal_year - 1, 10, 1) as month_start,
        agency as component,
        printed_value,
        summed_value,
        difference,
        check_status,
        'vintage ' || vintage || ', cell ' || printed_cell as printed_page_version,
        source_file as printed_source_url,
        parts_source_files as parts_page_versions,
        parts_source_files as parts_source_urls,
        vintage,
        fiscal_year,
        outcome_id,
        outcome,
        printed_cell,
        rounding_tolerance,
        months_printed,
        months_not_applicable
    from checks
    where not agrees

)

select * from final
