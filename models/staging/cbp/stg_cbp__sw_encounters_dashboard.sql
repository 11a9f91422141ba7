-- One row per cell of the CBP Southwest Land Border Encounters dashboard cube (leaf and roll-up rows).
{%- set printed_count -%} nullif(trim(source."SUM(Encounter Count)-alias"), '%null%') {%- endset %}
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
        {{ cbp_fiscal_month('source."Fiscal Year-value"', 'source."Month (abbv)-value"') }},

        -- dimensions ('all' = roll-up over that dimension)
        coalesce(components.component, upper(trim(source."Component"))) as component,
        trim(source."Demographic") as demographic,
        trim(source."Citizenship Grouping") as citizenship_group,
        trim(source."Title of Authority") as title_of_authority,

        -- measure: '%null%' is an empty cell, kept as NULL and flagged, never zero
        {{ cbp_count(printed_count) }} as encounter_count,
        trim(source."SUM(Encounter Count)-alias") = '%null%' as is_empty_cell,

        {{ load_lineage('source') }}

    from source
    left join components
        on trim(source."Component") = components.source_label

),

final as (

    select
        renamed.*,
        (component <> 'ALL' and demographic <> 'all' and citizenship_group <> 'all'
            and title_of_authority <> 'all') as is_leaf
    from renamed

)

select * from final
