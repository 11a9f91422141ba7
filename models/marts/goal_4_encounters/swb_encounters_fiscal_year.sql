-- One row per federal fiscal year (October to September) with at least one month in swb_encounters_monthly.
with

monthly as (

    select * from {{ ref('swb_encounters_monthly') }}

),

final as (

    select
        fiscal_year,
        'FY' || fiscal_year as period,
        cast(count(*) as bigint) as months_reported,
        count(*) = 12 as is_complete,
        cast(sum(encounters) as bigint) as encounters,
        cast(sum(usbp_encounters) as bigint) as usbp_encounters,
        cast(sum(ofo_encounters) as bigint) as ofo_encounters,
        cast(sum(title_8_encounters) as bigint) as title_8_encounters,
        cast(sum(title_42_encounters) as bigint) as title_42_encounters,
        string_agg(distinct source_table, ', ' order by source_table) as source_tables,
        max(vintage) as vintage,
        case when bool_and(input_kind = 'real') then 'real' else 'synthetic' end as input_kind
    from monthly
    group by fiscal_year

)

select * from final
