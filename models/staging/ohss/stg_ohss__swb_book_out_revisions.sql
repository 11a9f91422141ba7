-- One row per cell of OHSS's "CBP SWB Book-Outs by Agency" sheet (fiscal year x month x agency x outcome)
-- across every landed vintage (raw history, orchestration/raw/history.py): how many vintages printed it,
-- the earliest and the latest printed value, and whether a later vintage revised it.
{%- set current = source('ohss', 'ohss_swb_book_outs_by_agency') %}
{%- set history = current.incorporate(path={"identifier": current.identifier ~ "__history"}) %}
with

history as (

    select * from {{ history }}

),

per_cell as (

    select
        cast(fiscal_year as integer) as fiscal_year,
        month as month_name,
        {{ ohss_agency('column_group') }} as agency,
        {{ ohss_outcome_id('measure') }} as outcome_id,
        count(distinct _vintage) as vintages,
        min(_vintage) as first_vintage,
        max(_vintage) as latest_vintage,
        arg_min(value, _vintage) as first_value,
        arg_max(value, _vintage) as latest_value,
        count(distinct value) > 1 as is_revised
    from history
    group by all

),

final as (

    select
        fiscal_year,
        month_name,
        case when month_name <> 'Total'
            then {{ fiscal_month_start('fiscal_year', 'substr(month_name, 1, 3)') }}
        end as month_start,
        agency,
        outcome_id,
        vintages,
        first_vintage,
        latest_vintage,
        try_cast(first_value as bigint) as first_book_outs,
        try_cast(latest_value as bigint) as latest_book_outs,
        is_revised
    from per_cell

)

select * from final
