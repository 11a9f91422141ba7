-- One row per calendar month x region x U.S. Border Patrol sector (OHSS, rounded to the nearest 10).
with

source as (

    select * from {{ source('ohss', 'ohss_usbp_encounters_region_sector') }}

),

renamed as (

    select
        cast(fiscal_year as integer) as fiscal_year,
        upper(substr(trim(regexp_extract(month, '^[0-9]+ (.*)$', 1)), 1, 3)) as month_abbv,
        trim(region) as region,
        trim(sector) as sector_label,
        try_cast(replace(trim(quantity), ',', '') as bigint) as encounter_count_rounded,
        {{ load_lineage() }}
    from source

),

final as (

    select
        fiscal_year,
        month_abbv,
        {{ fiscal_month_start('fiscal_year', 'month_abbv') }} as month_start,
        region,
        sector_label,
        encounter_count_rounded,
        load_id,
        source_file,
        vintage,
        input_kind,
        source_line
    from renamed

)

select * from final
