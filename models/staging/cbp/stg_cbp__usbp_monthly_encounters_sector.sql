-- One row per calendar month x U.S. Border Patrol sector (all 20 sectors; SW sectors flagged downstream).
with

source as (

    select * from {{ source('cbp', 'cbp_usbp_monthly_encounters_sector') }}

),

unpivoted as (

    unpivot (
        select
            month, fy, cy, _load_id, _source_file, _vintage, _input_kind, _source_line,
            livermore, miami, new_orleans, ramey, blaine, buffalo, detroit, grand_forks, havre, houlton,
            spokane, swanton, big_bend, del_rio, el_centro, el_paso, laredo, rio_grande_valley, san_diego,
            tucson, yuma
        from source
    )
    on livermore, miami, new_orleans, ramey, blaine, buffalo, detroit, grand_forks, havre, houlton,
        spokane, swanton, big_bend, del_rio, el_centro, el_paso, laredo, rio_grande_valley, san_diego,
        tucson, yuma
    into name sector_column value encounter_text

),

final as (

    select
        make_date(cast(cy as integer), cast(month as integer), 1) as month_start,
        cast(fy as integer) as fiscal_year,
        sector_column,
        try_cast(replace(trim(encounter_text), ',', '') as bigint) as encounter_count,
        {{ load_lineage() }}
    from unpivoted

)

select * from final
