{{ config(meta={'dagster': {'ref': {'name': 'court_headline_metrics'}}}) }}
-- (meta.dagster.ref: dagster-dbt attaches this multi-model test to court_headline_metrics as an asset check)
-- Every headline figure equals the number of distinct cases listed behind it in court_metric_cases,
-- and the drill-down lists no (metric, period) the headline lacks. Returns the mismatches.
with

headline as (

    select metric_id, period, value from {{ ref('court_headline_metrics') }}

),

drilldown as (

    select metric_id, period, count(distinct case_id) as case_count
    from {{ ref('court_metric_cases') }}
    group by metric_id, period

),

compared as (

    select
        coalesce(headline.metric_id, drilldown.metric_id) as metric_id,
        coalesce(headline.period, drilldown.period) as period,
        headline.value,
        coalesce(drilldown.case_count, 0) as case_count
    from headline
    full outer join drilldown
        on headline.metric_id = drilldown.metric_id
        and headline.period is not distinct from drilldown.period

)

select * from compared
where value is null or value <> case_count
