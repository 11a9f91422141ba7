-- One row per revision of a month by a newer vintage of a CBP encounter file (official open-data layouts:
-- by AOR, by state): the Southwest Land Border total of the month in the previous and the newer vintage,
-- how many published cells (natural keys) changed, and whether the month belonged to a closed fiscal year in
-- the previous vintage. Read from the load histories (every vintage ever landed, orchestration/raw/history.py);
-- the newest vintage is the one the headline uses. exceeds_tolerance: a closed month revised by more than
-- closed_month_revision_tolerance() of its total (a warning test).
with

aor_history as (

    select * from {{ source('cbp', 'cbp_sw_encounters_aor__history') }}

),

state_history as (

    select * from {{ source('cbp', 'cbp_nationwide_encounters_state__history') }}

),

raw_labels as (

    select
        'cbp_sw_encounters_aor' as source_table,
        "Fiscal Year" as fiscal_year_label, "Month (abbv)" as month_label,
        concat_ws('|', "Component", "Area of Responsibility", "Demographic", "Citizenship", "Title of Authority")
            as cell_key,
        "Encounter Count" as count_text, _load_id as load_id, _source_file as source_file, _vintage as vintage,
        _loaded_at as loaded_at
    from aor_history
    where trim("Land Border Region") = 'Southwest Land Border'

    union all

    select
        'cbp_nationwide_encounters_state',
        "Fiscal Year", "Month (abbv)",
        concat_ws('|', "State", "Demographic", "Citizenship", "Title of Authority"),
        "Encounter Count", _load_id, _source_file, _vintage, _loaded_at
    from state_history
    where trim("Land Border Region") = 'Southwest Land Border'

),

raw_cells as (

    select *, cast(regexp_extract(fiscal_year_label, '^\s*([0-9]{4})', 1) as integer) as fiscal_year
    from raw_labels

),

cells as (

    select
        source_table,
        {{ fiscal_month_start('fiscal_year', 'month_label') }}
            as month_start,
        load_id,
        any_value(source_file) as source_file,
        any_value(vintage) as vintage,
        max(loaded_at) as loaded_at,
        bool_or(fiscal_year_label ilike '%FYTD%') as is_preliminary,
        cell_key,
        sum(try_cast(replace(trim(count_text), ',', '') as bigint)) as encounter_count
    from raw_cells
    group by all

),

loads as (

    select
        source_table, month_start, load_id,
        any_value(source_file) as source_file,
        any_value(vintage) as vintage,
        max(loaded_at) as loaded_at,
        bool_or(is_preliminary) as is_preliminary,
        sum(encounter_count) as encounters
    from cells
    group by all

),

ordered as (

    select
        *,
        lag(load_id) over months as previous_load_id,
        lag(source_file) over months as previous_source_file,
        lag(vintage) over months as previous_vintage,
        lag(encounters) over months as previous_encounters,
        lag(is_preliminary) over months as previous_is_preliminary
    from loads
    window months as (partition by source_table, month_start order by vintage nulls first, loaded_at)

),

pair_keys as (

    select distinct ordered.source_table, ordered.month_start, ordered.load_id, ordered.previous_load_id,
                    cells.cell_key
    from ordered
    inner join cells
        on cells.source_table = ordered.source_table
        and cells.month_start = ordered.month_start
        and cells.load_id in (ordered.load_id, ordered.previous_load_id)
    where ordered.previous_load_id is not null

),

cells_revised as (

    select
        pair_keys.source_table, pair_keys.month_start, pair_keys.load_id,
        count(*) filter (where newer.encounter_count is distinct from older.encounter_count) as cells_revised
    from pair_keys
    left join cells as newer
        on newer.source_table = pair_keys.source_table and newer.month_start = pair_keys.month_start
        and newer.load_id = pair_keys.load_id and newer.cell_key = pair_keys.cell_key
    left join cells as older
        on older.source_table = pair_keys.source_table and older.month_start = pair_keys.month_start
        and older.load_id = pair_keys.previous_load_id and older.cell_key = pair_keys.cell_key
    group by all

),

final as (

    select
        ordered.source_table,
        ordered.month_start,
        strftime(ordered.month_start, '%Y-%m') as period,
        ordered.previous_vintage,
        ordered.vintage,
        ordered.previous_source_file,
        ordered.source_file,
        cast(ordered.previous_encounters as bigint) as previous_encounters,
        cast(ordered.encounters as bigint) as encounters,
        cast(ordered.encounters - ordered.previous_encounters as bigint) as difference,
        abs(ordered.encounters - ordered.previous_encounters) / nullif(ordered.previous_encounters, 0)
            as revised_share,
        cast(cells_revised.cells_revised as bigint) as cells_revised,
        not ordered.previous_is_preliminary as is_closed_month,
        not ordered.previous_is_preliminary
            and coalesce(abs(ordered.encounters - ordered.previous_encounters)
                         / nullif(ordered.previous_encounters, 0), 0) > {{ closed_month_revision_tolerance() }}
            as exceeds_tolerance
    from ordered
    inner join cells_revised
        on cells_revised.source_table = ordered.source_table
        and cells_revised.month_start = ordered.month_start
        and cells_revised.load_id = ordered.load_id
    where cells_revised.cells_revised > 0

)

select * from final
