-- One row per cell of the CBP Southwest Land Border Encounters dashboard cube (leaf and roll-up rows).
with

source as (

    select * from {{ source('cbp', 'cbp_sw_encounters_dashboard') }}

),

components as (

    select * from {{ ref('cbp_components') }}

),

renamed as (

    select
        -- period
        cast(regexp_extract(source."Fiscal Year-value", '^([0-9]{4})', 1) as integer) as fiscal_year,
        source."Fiscal Year-value" like '%FYTD%' as is_fiscal_year_to_date,
        upper(trim(source."Month (abbv)-value")) as month_abbv,

        -- dimensions ('all' = roll-up over that dimension)
        coalesce(components.component, upper(trim(source."Component"))) as component,
        trim(source."Demographic") as demographic,
        trim(source."Citizenship Grouping") as citizenship_group,
        trim(source."Title of Authority") as title_of_authority,

        -- measure: '%null%' is an empty cell, kept as NULL and flagged, never zero
        try_cast(replace(nullif(trim(source."SUM(Encounter Count)-alias"), '%null%'), ',', '') as bigint)
            as encounter_count,
        trim(source."SUM(Encounter Count)-alias") = '%null%' as is_empty_cell,

        -- lineage
        source._source_file as source_file,
        source._vintage as vintage,
        source._input_kind as input_kind

    from source
    left join components
        on trim(source."Component") = components.source_label

),

final as (

    select
        fiscal_year,
        is_fiscal_year_to_date,
        month_abbv,
        {{ fiscal_month_start('fiscal_year', 'month_abbv') }} as month_start,
        component,
        demographic,
        citizenship_group,
        title_of_authority,
        (component <> 'ALL' and demographic <> 'all' and citizenship_group <> 'all'
            and title_of_authority <> 'all') as is_leaf,
        encounter_count,
        is_empty_cell,
        source_file,
        vintage,
        input_kind
    from renamed

)

select * from final
