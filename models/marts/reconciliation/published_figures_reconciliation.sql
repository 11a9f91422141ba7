{#-
  One row per published control figure (seed published_control_figures) beside the pipeline's value for
  the same metric id and period, the difference, and whether the pipeline value came from real or
  synthetic input.

  Pipeline values come from headline models with the interface
    metric_id varchar, period varchar (null = cumulative as of the as-of date | 'YYYY-MM' | 'FYyyyy'),
    value bigint, input_kind varchar ('real' | 'synthetic'):
  - ref('cbp_uscis_headline_metrics')      always (this branch);
  - ref('court_headline_metrics')          when var court_headline_metrics_available is true (court-metrics);
  - ref('swb_encounters_monthly')          when var swb_encounters_monthly_available is true (goal 4), with the
    interface month_start date, fiscal_year integer, encounters bigint [, input_kind varchar]; it is rolled
    up to g4_swb_encounters by 'YYYY-MM' and, for fiscal years with all 12 months, by 'FYyyyy'. Without an
    input_kind column its rows count as 'real' (the goal-4 sources are all real CBP extracts).
  Both vars default to false so this branch builds on its own; the integrator sets them (or removes the
  conditionals) once those models are merged.
-#}
{%- set court_available = var('court_headline_metrics_available', false) -%}
{%- set swb_available = var('swb_encounters_monthly_available', false) -%}
with

figures as (

    select * from {{ ref('published_control_figures') }}

),

cbp_uscis as (

    select metric_id, period, value, input_kind, 'cbp_uscis_headline_metrics' as pipeline_model
    from {{ ref('cbp_uscis_headline_metrics') }}

),

court as (

{%- if court_available %}
    select
        cast(metric_id as varchar) as metric_id,
        cast(period as varchar) as period,
        cast(value as bigint) as value,
        cast(input_kind as varchar) as input_kind,
        'court_headline_metrics' as pipeline_model
    from {{ ref('court_headline_metrics') }}
{%- else %}
    -- court_headline_metrics not available in this build (var court_headline_metrics_available = false)
    select
        cast(null as varchar) as metric_id, cast(null as varchar) as period, cast(null as bigint) as value,
        cast(null as varchar) as input_kind, cast(null as varchar) as pipeline_model
    where false
{%- endif %}

),

swb as (

{%- if swb_available %}
{%- set swb_relation = ref('swb_encounters_monthly') %}
{%- set swb_has_input_kind = false %}
{%- if execute %}
{%- set swb_columns = adapter.get_columns_in_relation(swb_relation) | map(attribute='name') | map('lower') | list %}
{%- set swb_has_input_kind = 'input_kind' in swb_columns %}
{%- endif %}
    select
        month_start,
        fiscal_year,
        encounters,
        {{ 'input_kind' if swb_has_input_kind else "'real'" }} as input_kind
    from {{ swb_relation }}
{%- else %}
    -- swb_encounters_monthly not available in this build (var swb_encounters_monthly_available = false)
    select
        cast(null as date) as month_start, cast(null as integer) as fiscal_year,
        cast(null as bigint) as encounters, cast(null as varchar) as input_kind
    where false
{%- endif %}

),

swb_metrics as (

    select
        'g4_swb_encounters' as metric_id,
        strftime(month_start, '%Y-%m') as period,
        cast(sum(encounters) as bigint) as value,
        case when bool_or(input_kind = 'synthetic') then 'synthetic' else 'real' end as input_kind,
        'swb_encounters_monthly' as pipeline_model
    from swb
    group by month_start

    union all

    select
        'g4_swb_encounters' as metric_id,
        'FY' || fiscal_year as period,
        cast(sum(encounters) as bigint) as value,
        case when bool_or(input_kind = 'synthetic') then 'synthetic' else 'real' end as input_kind,
        'swb_encounters_monthly' as pipeline_model
    from swb
    group by fiscal_year
    having count(distinct month_start) = 12

),

pipeline_values as (

    select * from cbp_uscis
    union all
    select * from court
    union all
    select * from swb_metrics

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
