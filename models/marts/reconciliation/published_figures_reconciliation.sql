{#-
  One row per published control figure (seed published_control_figures) beside the pipeline's value for
  the same metric id and period, the difference, and whether the pipeline value came from real or
  synthetic input.

  Pipeline values: every goal's headline figures before the coverage cut (int_headline_figures, which
  stacks court_headline_metrics, nri_headline_metrics, enrollment_headline_metrics and encounter_headline_metrics);
  pipeline_model names the headline model that computed the figure.
-#}
with

figures as (

    select * from {{ ref('published_control_figures') }}

),

pipeline_values as (

    select metric_id, period, value, input_kind, headline_model as pipeline_model
    from {{ ref('int_headline_figures') }}

),

joined as (

    select
        figures.*,
        pipeline_values.value as pipeline_value,
        pipeline_values.input_kind as pipeline_input_kind,
        pipeline_values.pipeline_model
    from figures
    left join pipeline_values
        on figures.metric_id = pipeline_values.metric_id
        and figures.period is not distinct from pipeline_values.period
        -- a cumulative pipeline value is as of the run's as-of date: compare only same-date figures
        and (figures.period is not null or figures.as_of = {{ as_of_date() }})

),

final as (

    select
        cast(figure_id as varchar) as figure_id,
        cast(metric_id as varchar) as metric_id,
        cast(period as varchar) as period,
        cast(as_of as date) as figure_as_of,
        {{ as_of_date() }} as run_as_of,
        cast(value as bigint) as published_value,
        cast(value_qualifier as varchar) as value_qualifier,
        cast(unit as varchar) as unit,
        cast(publisher as varchar) as publisher,
        cast(source_url as varchar) as source_url,
        cast(scope_note as varchar) as scope_note,
        cast(pipeline_value as bigint) as pipeline_value,
        cast(pipeline_value - value as bigint) as difference,
        cast(pipeline_value - value as double) / nullif(value, 0) as relative_difference,
        cast(pipeline_input_kind as varchar) as pipeline_input_kind,
        cast(pipeline_model as varchar) as pipeline_model,
        cast(case
            when metric_id is null then 'no_pipeline_definition'
            when period is null and as_of <> {{ as_of_date() }} then 'as_of_differs'
            when pipeline_value is null then 'not_computed'
            when pipeline_value = value then 'match'
            when value_qualifier = 'over' and pipeline_value >= value then 'consistent'
            when value_qualifier = 'approx' and abs(pipeline_value - value) <= 0.05 * value then 'consistent'
            else 'differs'
        end as varchar) as comparison_status
    from joined

)

select * from final
