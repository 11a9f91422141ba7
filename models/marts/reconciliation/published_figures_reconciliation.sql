{#-
  One row per published control figure (seed published_control_figures) beside the pipeline's value for
  the same metric id and period, the difference, and whether the pipeline value came from real or
  synthetic input.

  Pipeline values come from headline models with the interface
    metric_id varchar, period varchar (null = cumulative as of the as-of date | 'YYYY-MM' | 'FYyyyy'),
    value bigint, input_kind varchar ('real' | 'synthetic'):
  - ref('cbp_uscis_headline_metrics')  goal 1b;
  - ref('g3_headline_metrics')         goal 3 (CBP side: g3_cbp_enrollments);
  - ref('court_headline_metrics')      goals 1a, 2 and 3 (court side);
  - ref('g4_headline_metrics')         goal 4: g4_swb_encounters by 'YYYY-MM' and complete 'FYyyyy'.
-#}
with

figures as (

    select * from {{ ref('published_control_figures') }}

),

cbp_uscis as (

    select metric_id, period, value, input_kind, 'cbp_uscis_headline_metrics' as pipeline_model
    from {{ ref('cbp_uscis_headline_metrics') }}

),

goal_3_cbp as (

    select metric_id, period, value, input_kind, 'g3_headline_metrics' as pipeline_model
    from {{ ref('g3_headline_metrics') }}

),

court as (

    select
        cast(metric_id as varchar) as metric_id,
        cast(period as varchar) as period,
        cast(value as bigint) as value,
        cast(input_kind as varchar) as input_kind,
        'court_headline_metrics' as pipeline_model
    from {{ ref('court_headline_metrics') }}

),

goal_4 as (

    select
        cast(metric_id as varchar) as metric_id,
        cast(period as varchar) as period,
        cast(value as bigint) as value,
        cast(input_kind as varchar) as input_kind,
        'g4_headline_metrics' as pipeline_model
    from {{ ref('g4_headline_metrics') }}

),

pipeline_values as (

    select * from cbp_uscis
    union all
    select * from goal_3_cbp
    union all
    select * from court
    union all
    select * from goal_4

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
