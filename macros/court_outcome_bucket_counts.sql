{#
  court_outcome_bucket_counts(): the goal 2 count columns of an aggregate over case_outcomes rows
  (columns outcome_bucket, is_in_absentia): one count per outcome bucket of seed court_outcome_buckets,
  plus the in absentia subset of removal orders. Shared by the goal 2 marts so they stay alike.
#}
{% macro court_outcome_bucket_counts() -%}
        cast(count(*) filter (where outcome_bucket = 'removal_order') as bigint) as removal_orders,
        cast(count(*) filter (where outcome_bucket = 'removal_order' and is_in_absentia) as bigint) as removal_orders_in_absentia,
        cast(count(*) filter (where outcome_bucket = 'voluntary_departure') as bigint) as voluntary_departures,
        cast(count(*) filter (where outcome_bucket = 'termination') as bigint) as terminations,
        cast(count(*) filter (where outcome_bucket = 'relief_granted') as bigint) as relief_granted,
        cast(count(*) filter (where outcome_bucket = 'dismissal') as bigint) as dismissals,
        cast(count(*) filter (where outcome_bucket = 'administrative_closure') as bigint) as administrative_closures,
        cast(count(*) filter (where outcome_bucket = 'other') as bigint) as other_completions,
{%- endmacro %}
