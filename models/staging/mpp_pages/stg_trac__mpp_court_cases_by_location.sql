-- One row per month x column of TRAC's 2019 "Remain in Mexico court cases by month and location" table,
-- unpivoted: the five hearing locations plus the printed all-locations total (is_printed_total).
with

source as (

    select * from {{ source('mpp_pages', 'trac_mpp_court_cases_by_location') }}

),

unpivoted as (

    unpivot source
    on all_locations, el_paso, san_ysidro_port, calexico_port, laredo_port_of_entry,
       brownsville_gateway_international_bridge
    into name location_key value new_court_cases_text

),

renamed as (

    select
        -- keys
        cast(strptime(trim("month"), '%Y-%m') as date) as month_start,
        location_key,
        case location_key
            when 'el_paso' then 'ENP'
            when 'san_ysidro_port' then 'SYP'
            when 'calexico_port' then 'CIX'
            when 'laredo_port_of_entry' then 'MPL'
            when 'brownsville_gateway_international_bridge' then 'MPB'
        end as hearing_loc_code,
        location_key = 'all_locations' as is_printed_total,

        -- measures
        cast(replace(trim(new_court_cases_text), ',', '') as bigint) as new_court_cases,

        -- provenance
        {{ load_lineage() }}

    from unpivoted

),

final as (

    select * from renamed

)

select * from final
