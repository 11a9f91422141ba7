{{ config(meta={'dagster': {'ref': {'name': 'court_headline_metrics'}}}) }}
-- (meta.dagster.ref: dagster-dbt attaches this multi-model test to court_headline_metrics as an asset check)
-- When the as-of date is a month-end, the history row for it equals the headline cumulative figure.
with

headline as (

    select metric_id, value, as_of_date from {{ ref('court_headline_metrics') }} where period is null

),

history as (

    select metric_id, value, as_of_date from {{ ref('court_metrics_history') }}

)

select headline.metric_id, headline.value as headline_value, history.value as history_value
from headline
inner join history
    on headline.metric_id = history.metric_id
    and headline.as_of_date = history.as_of_date
where headline.value <> history.value
