-- One row per source table x calendar month x component x title of authority x demographic x citizenship.
with

unioned as (

    select * from {{ ref('int_swb_encounters_unioned') }}

),

precedence as (

    select * from {{ ref('encounter_source_precedence') }}

),

final as (

    select
        unioned.source_table,
        precedence.precedence as source_precedence,
        unioned.month_start,
        unioned.fiscal_year,
        unioned.component,
        unioned.title_of_authority,
        unioned.demographic,
        unioned.citizenship,
        unioned.encounter_count,
        unioned.is_empty_cell,
        unioned.vintage,
        unioned.input_kind
    from unioned
    inner join precedence
        on unioned.source_table = precedence.source_table

)

select * from final
