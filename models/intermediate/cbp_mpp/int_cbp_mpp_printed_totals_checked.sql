-- One row per arithmetic check of a printed total on the CBP MPP pages:
--   locations_to_component_total: table x month x component x page version, the location rows summed
--                                 against the printed component total row;
--   components_to_cbp_total:      table x month, the printed USBP and OFO totals summed against the
--                                 printed CBP total (the parts may come from different page versions).
-- Both values are kept as published; nothing is corrected here.
with

rows_classified as (

    select * from {{ ref('int_cbp_mpp_rows_classified') }}

),

location_sums as (

    select
        table_name,
        month_start,
        component,
        page_version,
        sum(value) as summed_value,
        count(*) as n_parts,
        string_agg(distinct page_version, ', ' order by page_version) as parts_page_versions,
        string_agg(distinct source_url, ' ' order by source_url) as parts_source_urls,
        max(vintage) as vintage
    from rows_classified
    where row_kind = 'location'
    group by all

),

component_totals as (

    select
        table_name,
        month_start,
        component,
        page_version,
        value as printed_value,
        source_url as printed_source_url,
        vintage
    from rows_classified
    where row_kind = 'component_total'

),

locations_to_component as (

    select
        'locations_to_component_total' as check_level,
        coalesce(t.table_name, s.table_name) as table_name,
        coalesce(t.month_start, s.month_start) as month_start,
        coalesce(t.component, s.component) as component,
        t.printed_value,
        s.summed_value,
        s.n_parts,
        t.page_version as printed_page_version,
        t.printed_source_url,
        s.parts_page_versions,
        s.parts_source_urls,
        coalesce(t.vintage, s.vintage) as vintage
    from component_totals as t
    full outer join location_sums as s
        on t.table_name = s.table_name
        and t.month_start = s.month_start
        and t.component = s.component
        and t.page_version = s.page_version

),

cbp_totals as (

    select
        table_name,
        month_start,
        value as printed_value,
        page_version as printed_page_version,
        source_url as printed_source_url,
        vintage
    from rows_classified
    where row_kind = 'cbp_total'

),

component_sums as (

    select
        table_name,
        month_start,
        sum(value) as summed_value,
        count(*) as n_parts,
        string_agg(distinct page_version, ', ' order by page_version) as parts_page_versions,
        string_agg(distinct source_url, ' ' order by source_url) as parts_source_urls,
        max(vintage) as vintage
    from rows_classified
    where row_kind = 'component_total'
      and table_name in (select table_name from cbp_totals)
    group by all

),

components_to_cbp as (

    select
        'components_to_cbp_total' as check_level,
        coalesce(t.table_name, s.table_name) as table_name,
        coalesce(t.month_start, s.month_start) as month_start,
        'CBP' as component,
        t.printed_value,
        s.summed_value,
        s.n_parts,
        t.printed_page_version,
        t.printed_source_url,
        s.parts_page_versions,
        s.parts_source_urls,
        coalesce(t.vintage, s.vintage) as vintage
    from cbp_totals as t
    full outer join component_sums as s
        on t.table_name = s.table_name
        and t.month_start = s.month_start

),

unioned as (

    select * from locations_to_component
    union all
    select * from components_to_cbp

),

final as (

    select
        md5(concat_ws('|', check_level, table_name, month_start, component, printed_page_version,
            parts_page_versions)) as check_id,
        check_level,
        table_name,
        month_start,
        component,
        printed_value,
        summed_value,
        printed_value - summed_value as difference,
        coalesce(printed_value = summed_value, false) as agrees,
        case
            when printed_value is null then 'total_not_printed'
            when summed_value is null then 'parts_not_printed'
            when printed_value = summed_value then 'agrees'
            else 'printed_total_differs_from_sum'
        end as check_status,
        n_parts,
        printed_page_version,
        printed_source_url,
        parts_page_versions,
        parts_source_urls,
        vintage
    from unioned

)

select * from final
