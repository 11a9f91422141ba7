-- One row per goal-4 headline metric and period, in the metrics.json shape (shared/METRICS.md):
-- g4_swb_encounters for every month in swb_encounters_monthly ('YYYY-MM') and every complete fiscal year
-- ('FYyyyy'; a fiscal year counts once all 12 months are on or before the as-of date). source: the raw
-- table serving the month (seed encounter_source_precedence); for a fiscal year, every table serving one of
-- its months (comma-separated).
with

monthly as (

    select * from {{ ref('swb_encounters_monthly') }}

),

fiscal_years as (

    select * from {{ ref('swb_encounters_fiscal_year') }}
    where is_complete

),

final as (

    select 'g4_swb_encounters' as metric_id, period, encounters as value, input_kind, source_table as source
    from monthly

    union all

    select 'g4_swb_encounters', period, encounters, input_kind, source_tables
    from fiscal_years

)

select
    metric_id,
    period,
    cast(value as bigint) as value,
    input_kind,
    cast(source as varchar) as source
from final
