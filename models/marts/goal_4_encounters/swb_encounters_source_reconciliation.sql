-- One row per calendar month x comparison of two sources (or of a cube's leaves with its own roll-up):
-- both values, both vintages, the difference and whether they agree within the comparison's tolerance.
-- Comparisons:
--   dashboard_leaves_vs_rollup  dashboard leaf rows summed vs the dashboard's own 'all' roll-up (exact)
--   dashboard_vs_state_file     dashboard SW total vs the Nationwide-by-State SW region total (exact)
--   dashboard_usbp_vs_cbp_pdf   dashboard USBP vs USBP SW sectors of the CBP PDF transcription (exact)
--   dashboard_usbp_vs_ohss      dashboard USBP vs OHSS SW sectors, each rounded to 10 (tolerance 5 per sector)
--   dashboard_usbp_vs_mpp_page  dashboard USBP vs USBP sectors printed on CBP's MPP pages, per page version (exact)
--   dashboard_ofo_vs_mpp_page   dashboard OFO vs OFO field offices printed on CBP's MPP pages, per page version (exact)
with

dashboard as (

    select * from {{ ref('stg_cbp__sw_encounters_dashboard') }}

),

encounters as (

    select * from {{ ref('fct_swb_encounters') }}

),

sectors as (

    select * from {{ ref('int_usbp_encounters_by_sector') }}

),

page_locations as (

    select * from {{ ref('int_swb_encounters_by_location_mpp_pages') }}

),

page_totals as (

    select page_version, component, month_start, sum(encounter_count) as value, max(vintage) as vintage
    from page_locations
    group by page_version, component, month_start

),

rollup_totals as (

    select month_start, sum(encounter_count) as value, max(vintage) as vintage
    from dashboard
    where component = 'ALL' and demographic = 'all' and citizenship_group = 'all' and title_of_authority = 'all'
    group by month_start

),

source_totals as (

    select
        source_table,
        month_start,
        sum(encounter_count) as value,
        sum(case when component = 'USBP' then encounter_count end) as usbp_value,
        sum(case when component = 'OFO' then encounter_count end) as ofo_value,
        max(vintage) as vintage
    from encounters
    group by source_table, month_start

),

sector_totals as (

    select source_table, month_start, sum(encounter_count) as value, count(*) as sectors, max(vintage) as vintage
    from sectors
    group by source_table, month_start

),

dashboard_totals as (

    select * from source_totals where source_table = 'cbp_sw_encounters_dashboard'

),

comparisons as (

    select
        'dashboard_leaves_vs_rollup' as comparison,
        d.month_start,
        'cbp_sw_encounters_dashboard (leaves)' as left_source, d.vintage as left_vintage, d.value as left_value,
        'cbp_sw_encounters_dashboard (roll-up)' as right_source, r.vintage as right_vintage, r.value as right_value,
        0 as tolerance
    from dashboard_totals as d
    inner join rollup_totals as r on d.month_start = r.month_start

    union all

    select
        'dashboard_vs_state_file',
        d.month_start,
        d.source_table, d.vintage, d.value,
        s.source_table, s.vintage, s.value,
        0
    from dashboard_totals as d
    inner join source_totals as s
        on d.month_start = s.month_start and s.source_table = 'cbp_nationwide_encounters_state'

    union all

    select
        case when t.source_table = 'ohss_usbp_encounters_region_sector'
            then 'dashboard_usbp_vs_ohss' else 'dashboard_usbp_vs_cbp_pdf' end,
        d.month_start,
        d.source_table || ' (USBP)', d.vintage, d.usbp_value,
        t.source_table, t.vintage, t.value,
        case when t.source_table = 'ohss_usbp_encounters_region_sector' then 5 * t.sectors else 0 end
    from dashboard_totals as d
    inner join sector_totals as t on d.month_start = t.month_start

    union all

    select
        case when p.component = 'USBP' then 'dashboard_usbp_vs_mpp_page' else 'dashboard_ofo_vs_mpp_page' end,
        d.month_start,
        d.source_table || ' (' || p.component || ')', d.vintage,
        case when p.component = 'USBP' then d.usbp_value else d.ofo_value end,
        'cbp_mpp_published_tables (' || p.page_version || ')', p.vintage, p.value,
        0
    from dashboard_totals as d
    inner join page_totals as p on d.month_start = p.month_start

),

final as (

    select
        comparison,
        month_start,
        left_source,
        left_vintage,
        left_value,
        right_source,
        right_vintage,
        right_value,
        left_value - right_value as difference,
        tolerance,
        abs(left_value - right_value) <= tolerance as agrees
    from comparisons

)

select * from final
