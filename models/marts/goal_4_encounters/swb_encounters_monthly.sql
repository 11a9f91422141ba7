-- One row per calendar month whose last day is on or before the as-of date: Southwest Border enforcement
-- encounters (USBP apprehensions + OFO inadmissibles; Title 8 + Title 42), from the best source covering
-- the month (seed encounter_source_precedence), with the MPP phase in effect at month end.
with

encounters as (

    select * from {{ ref('swb_encounters_by_source_monthly') }}

),

phases as (

    select * from {{ ref('mpp_phases') }}

),

per_source as (

    select
        source_table,
        source_precedence,
        month_start,
        fiscal_year,
        cast(sum(encounter_count) as bigint) as encounters,
        -- a source with a component split lists every non-empty cell: a component without cells that
        -- month had no encounters (0); a source without the split gives NULL, never 0
        case when bool_or(component is not null) then
            cast(coalesce(sum(case when component = 'USBP' then encounter_count end), 0) as bigint) end
            as usbp_encounters,
        case when bool_or(component is not null) then
            cast(coalesce(sum(case when component = 'OFO' then encounter_count end), 0) as bigint) end
            as ofo_encounters,
        cast(sum(case when title_of_authority = 'Title 8' then encounter_count end) as bigint) as title_8_encounters,
        cast(sum(case when title_of_authority = 'Title 42' then encounter_count end) as bigint) as title_42_encounters,
        cast(count(*) filter (where is_empty_cell) as bigint) as empty_cells,
        max(vintage) as vintage,
        case when bool_and(input_kind = 'real') then 'real' else 'synthetic' end as input_kind
    from encounters
    group by source_table, source_precedence, month_start, fiscal_year

),

best_source as (

    select *
    from per_source
    qualify row_number() over (partition by month_start order by source_precedence) = 1

),

final as (

    select
        best_source.month_start,
        strftime(best_source.month_start, '%Y-%m') as period,
        best_source.fiscal_year,
        best_source.encounters,
        best_source.usbp_encounters,
        best_source.ofo_encounters,
        coalesce(best_source.title_8_encounters, 0) as title_8_encounters,
        coalesce(best_source.title_42_encounters, 0) as title_42_encounters,
        best_source.empty_cells,
        phases.phase as mpp_phase,
        best_source.source_table,
        best_source.vintage,
        best_source.input_kind
    from best_source
    left join phases
        on last_day(best_source.month_start) between phases.start_date and phases.end_date
    where last_day(best_source.month_start) <= {{ as_of_date() }}

)

select * from final
