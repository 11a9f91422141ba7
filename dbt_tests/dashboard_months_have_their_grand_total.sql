-- The CBP dashboard cube holds, for every month it publishes, one grand-total row ('all' over every
-- dimension: component, demographic, citizenship, title of authority). A month with cells but without its
-- grand total is an incomplete cube (a dropped row): the leaves-vs-roll-up comparison of
-- swb_encounters_source_reconciliation would have nothing to compare that month's leaves with. Likewise a
-- month with its grand total but no leaf row at all (a file cut after the month's roll-up rows): the
-- comparison joins months that have leaves, so it would skip that month. Fails with each such month.
with

dashboard as (

    select * from {{ ref('stg_cbp__sw_encounters_dashboard') }}

),

months as (

    select
        month_start,
        count(*) filter (
            where component = 'ALL' and demographic = 'all' and citizenship_group = 'all'
                and title_of_authority = 'all'
        ) as grand_total_rows,
        count(*) filter (where is_leaf) as leaf_rows
    from dashboard
    group by month_start

)

select * from months
where grand_total_rows <> 1 or leaf_rows = 0
