{{ config(meta={'dagster': {'ref': {'name': 'court_headline_metrics'}}}) }}
-- (meta.dagster.ref: dagster-dbt attaches this multi-model test to court_headline_metrics as an asset check)
-- Arithmetic identities of the court headline (METRICS.md): outcome buckets add up to initial
-- completions; enrolled = initial completions + pending; in absentia is a subset of removal orders;
-- relief forms add up to relief cases; after-reopening is a subset; goal 2 and goal 3 enrolled agree;
-- monthly figures add up to the cumulative one. Returns the identities that fail.
with

headline as (

    select * from {{ ref('court_headline_metrics') }}

),

buckets as (

    select * from {{ ref('court_outcome_buckets') }}

),

relief_forms as (

    select * from {{ ref('eoir_relief_applications') }} where is_relief

),

cumulative as (

    select metric_id, value from headline where period is null

),

checks as (

    select 'buckets add up to initial completions' as identity,
        (select sum(value) from cumulative where metric_id in (select metric_id from buckets)) as lhs,
        (select value from cumulative where metric_id = 'g2_initial_completions') as rhs
    union all
    select 'enrolled = initial completions + pending',
        (select value from cumulative where metric_id = 'g2_enrolled_nta_filed'),
        (select sum(value) from cumulative where metric_id in ('g2_initial_completions', 'g2_pending'))
    union all
    select 'goal 2 and goal 3 enrolled agree',
        (select value from cumulative where metric_id = 'g2_enrolled_nta_filed'),
        (select value from cumulative where metric_id = 'g3_enrolled_nta_filed')
    union all
    select 'relief forms add up to relief cases',
        (select sum(value) from cumulative where metric_id in (select metric_id from relief_forms)),
        (select value from cumulative where metric_id = 'g1a_relief_granted_cases')
    union all
    select 'in absentia <= removal orders (as 0 when it holds)',
        greatest(0, (select value from cumulative where metric_id = 'g2_removal_orders_in_absentia')
            - (select value from cumulative where metric_id = 'g2_removal_orders')),
        0
    union all
    select 'after reopening <= relief cases (as 0 when it holds)',
        greatest(0, (select value from cumulative where metric_id = 'g1a_relief_after_reopening')
            - (select value from cumulative where metric_id = 'g1a_relief_granted_cases')),
        0
    union all
    select 'months add up: ' || monthly.metric_id,
        sum(monthly.value),
        any_value(cumulative.value)
    from headline as monthly
    inner join cumulative on monthly.metric_id = cumulative.metric_id
    where monthly.period is not null
    group by monthly.metric_id

)

select * from checks
where lhs is distinct from rhs
