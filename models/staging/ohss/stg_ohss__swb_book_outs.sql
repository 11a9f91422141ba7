-- One row per cell of OHSS's "CBP SWB Book-Outs by Agency" sheet (newest vintage per month), typed:
-- fiscal year x month (or the fiscal-year Total row) x agency x book-out outcome. A cell printed 'X' (not
-- applicable) is NULL with is_not_applicable, never 0. Values are rounded to the nearest rounded_to by OHSS.
with

source as (

    select * from {{ source('ohss', 'ohss_swb_book_outs_by_agency') }}

),

renamed as (

    select
        cast(fiscal_year as integer) as fiscal_year,
        fiscal_year_label,
        fiscal_year_label like '%YTD%' as is_fiscal_year_to_date,
        month as month_name,
        month = 'Total' as is_fiscal_year_total,
        {{ ohss_agency('column_group') }} as agency,
        measure as outcome,
        measure_label as outcome_label,
        {{ ohss_outcome_id('measure') }} as outcome_id,
        -- landing guarantees a value is digits or the sheet's not-applicable marker
        not regexp_full_match(value, '[0-9]+') as is_not_applicable,
        try_cast(value as bigint) as book_outs,
        cast(rounded_to as integer) as rounded_to,
        cell,
        sheet,
        {{ load_lineage() }}
    from source

),

final as (

    select
        fiscal_year,
        fiscal_year_label,
        is_fiscal_year_to_date,
        month_name,
        is_fiscal_year_total,
        case when not is_fiscal_year_total
            then {{ fiscal_month_start('fiscal_year', 'substr(month_name, 1, 3)') }}
        end as month_start,
        agency,
        outcome,
        outcome_label,
        outcome_id,
        book_outs,
        is_not_applicable,
        rounded_to,
        cell,
        sheet,
        load_id,
        source_file,
        vintage,
        input_kind,
        source_line
    from renamed

)

select * from final
