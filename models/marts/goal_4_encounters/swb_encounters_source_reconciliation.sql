-- One row per calendar month x comparison of two sources (or of a cube's leaves with its own roll-up):
-- both values, both vintages, the difference and its status against the comparison's tolerances (seed
-- source_pair_tolerances: agreement = rounding, then a revision band; check_status 'agrees' / 'warns' /
-- 'blocks'; a 'blocks' row fails the error-severity test cross_source_figures_within_tolerance and so
-- stops publication).
-- Comparisons:
--   dashboard_leaves_vs_rollup  dashboard leaf rows summed vs the dashboard's own 'all' roll-up
--   dashboard_vs_state_file     dashboard SW total vs the Nationwide-by-State SW region total
--   dashboard_usbp_vs_cbp_pdf   dashboard USBP vs USBP SW sectors of the CBP PDF transcription
--   dashboard_usbp_vs_ohss      dashboard USBP vs OHSS SW sectors, each rounded to 10
--   dashboard_usbp_vs_mpp_page  dashboard USBP vs USBP sectors printed on CBP's MPP pages, per page version
--   dashboard_ofo_vs_mpp_page   dashboard OFO vs OFO field offices printed on CBP's MPP pages, per page version
with

dashboard as (

    select * from {{ ref('stg_cbp__sw_encounters_dashboard') }}

),

encounters as (

    select * from {{ ref('swb_encounters_by_source_monthly') }}

),

sectors as (

    select * from {{ ref('int_usbp_encounters_by_sector') }}

),

page_locations as (

    select * from {{ ref('int_swb_encounters_by_location_mpp_pages') }}

),

tolerances as (

    select * from {{ ref('source_pair_tolerances') }}

),

page_totals as (

    select
        page_version, component, month_start, sum(encounter_count) as value, count(*) as locations,
        max(vintage) as vintage
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
        1 as locations
    from dashboard_totals as d
    inner join rollup_totals as r on d.month_start = r.month_start

    union all

    select
        'dashboard_vs_state_file',
        d.month_start,
        d.source_table, d.vintage, d.value,
        s.source_table, s.vintage, s.value,
        1
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
        t.sectors
    from dashboard_totals as d
    inner join sector_totals as t on d.month_start = t.month_start

    union all

    select
        case when p.component = 'USBP' then 'dashboard_usbp_vs_mpp_page' else 'dashboard_ofo_vs_mpp_page' end,
        d.month_start,
        d.source_table || ' (' || p.component || ')', d.vintage,
        case when p.component = 'USBP' then d.usbp_value else d.ofo_value end,
        'cbp_mpp_published_tables (' || p.page_version || ')', p.vintage, p.value,
        p.locations
    from dashboard_totals as d
    inner join page_totals as p on d.month_start = p.month_start

),

judged as (

    select
        c.*,
        c.left_value - c.right_value as difference,
        t.agreement_abs + t.agreement_per_location * c.locations as tolerance,
        t.agreement_abs + t.agreement_per_location * c.locations
        + greatest(t.block_min_abs, t.block_share * abs(c.right_value)) as block_tolerance
    from comparisons as c
    left join tolerances as t on c.comparison = t.comparison

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
        difference,
        tolerance,
        block_tolerance,
        abs(difference) <= tolerance as agrees,
        case
            when abs(difference) <= tolerance then 'agrees'
            when abs(difference) <= block_tolerance then 'warns'
            else 'blocks'
        end as check_status
    from judged

)

select * from final
