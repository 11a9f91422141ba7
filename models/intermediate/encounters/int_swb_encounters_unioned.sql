-- One row per source table x calendar month x component x title of authority x demographic x citizenship:
-- Southwest Land Border encounters from every full-coverage source, at the finest grain each source has.
with

dashboard as (

    select * from {{ ref('stg_cbp__sw_encounters_dashboard') }}
    where is_leaf

),

aor_file as (

    select * from {{ ref('stg_cbp__sw_encounters_aor') }}
    where land_border_region = 'Southwest Land Border'

),

state_file as (

    select * from {{ ref('stg_cbp__nationwide_encounters_state') }}
    where land_border_region = 'Southwest Land Border'

),

dashboard_leaves as (

    select
        'cbp_sw_encounters_dashboard' as source_table,
        month_start,
        fiscal_year,
        component,
        title_of_authority,
        demographic,
        citizenship_group as citizenship,
        encounter_count,
        is_empty_cell,
        vintage,
        input_kind
    from dashboard

),

state_file_summed as (

    select
        'cbp_nationwide_encounters_state' as source_table,
        month_start,
        fiscal_year,
        cast(null as varchar) as component,
        title_of_authority,
        demographic,
        citizenship,
        cast(sum(encounter_count) as bigint) as encounter_count,
        false as is_empty_cell,
        max(vintage) as vintage,
        max(input_kind) as input_kind
    from state_file
    group by month_start, fiscal_year, title_of_authority, demographic, citizenship

),

aor_file_summed as (

    select
        'cbp_sw_encounters_aor' as source_table,
        month_start,
        fiscal_year,
        component,
        title_of_authority,
        demographic,
        citizenship,
        cast(sum(encounter_count) as bigint) as encounter_count,
        false as is_empty_cell,
        max(vintage) as vintage,
        max(input_kind) as input_kind
    from aor_file
    group by month_start, fiscal_year, component, title_of_authority, demographic, citizenship

),

final as (

    select * from aor_file_summed
    union all
    select * from dashboard_leaves
    union all
    select * from state_file_summed

)

select * from final
