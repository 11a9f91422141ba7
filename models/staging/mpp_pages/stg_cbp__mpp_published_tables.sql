-- One row per published table x month x component x location x page version of CBP's MPP stat pages,
-- typed. Casting is strict: a value that is not an integer fails the build (never nulled silently).
with

source as (

    select * from {{ source('mpp_pages', 'cbp_mpp_published_tables') }}

),

renamed as (

    select
        -- keys
        md5(concat_ws('|', "table", "month", component, location, page_version)) as published_row_id,
        lower(trim("table")) as table_name,
        trim(component) as component,
        trim(location) as location,
        trim(page_version) as page_version,

        -- dates
        cast(trim(fiscal_year) as integer) as fiscal_year,
        cast(strptime(trim("month"), '%Y-%m') as date) as month_start,

        -- measures
        cast(replace(trim("value"), ',', '') as bigint) as value,

        -- provenance
        trim(source_url) as source_url,
        trim(parse_method) as parse_method,
        {{ load_lineage() }}

    from source

),

final as (

    select * from renamed

)

select * from final
