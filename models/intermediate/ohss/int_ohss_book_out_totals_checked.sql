-- One row per printed fiscal-year Total cell of OHSS's book-outs sheet (fiscal year x agency x outcome),
-- checked against the sum of its printed months: agrees when the difference is within what rounding every
-- cell to the nearest 10 can explain (macro rounding_tolerance). Months printed 'X' add nothing.
with

cells as (

    select * from {{ ref('stg_ohss__swb_book_outs') }}

),

totals as (

    select
        fiscal_year,
        agency,
        outcome_id,
        outcome,
        book_outs as printed_value,
        is_not_applicable as total_not_applicable,
        cell as printed_cell,
        rounded_to,
        source_file,
        vintage
    from cells
    where is_fiscal_year_total

),

months as (

    select
        fiscal_year,
        agency,
        outcome_id,
        cast(sum(book_outs) as bigint) as summed_value,
        count(book_outs) as months_printed,
        count(*) filter (where is_not_applicable) as months_not_applicable,
        string_agg(distinct source_file, ', ' order by source_file) as parts_source_files,
        max(vintage) as parts_vintage
    from cells
    where not is_fiscal_year_total
    group by fiscal_year, agency, outcome_id

),

compared as (

    select
        totals.*,
        months.summed_value,
        coalesce(months.months_printed, 0) as months_printed,
        coalesce(months.months_not_applicable, 0) as months_not_applicable,
        months.parts_source_files,
        totals.printed_value - months.summed_value as difference,
        {{ rounding_tolerance('totals.rounded_to', 'coalesce(months.months_printed, 0)') }} as rounding_tolerance
    from totals
    left join months
        on totals.fiscal_year = months.fiscal_year
        and totals.agency = months.agency
        and totals.outcome_id = months.outcome_id

),

final as (

    select
        md5(concat_ws('|', 'ohss_swb_book_outs_by_agency', fiscal_year, agency, outcome_id)) as check_id,
        fiscal_year,
        agency,
        outcome_id,
        outcome,
        printed_value,
        summed_value,
        difference,
        rounding_tolerance,
        months_printed,
        months_not_applicable,
        case
            when printed_value is null and summed_value is null then 'both_not_applicable'
            when printed_value is null then 'total_not_applicable_months_printed'
            when summed_value is null then 'total_printed_months_not_applicable'
            when abs(difference) <= rounding_tolerance then 'agrees_within_rounding'
            else 'differs_beyond_rounding'
        end as check_status,
        printed_cell,
        rounded_to,
        source_file,
        parts_source_files,
        vintage
    from compared

)

select *, check_status in ('both_not_applicable', 'agrees_within_rounding') as agrees
from final
