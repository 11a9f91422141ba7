-- 'real' only when every row of every raw EOIR table the court metrics read is real. Every row
-- contributes to a court figure, by being counted or by being ruled out, so the flag is release-wide.
with

input_kinds as (

    select input_kind from {{ ref('stg_eoir__cases') }}
    union all
    select input_kind from {{ ref('stg_eoir__case_identifiers') }}
    union all
    select input_kind from {{ ref('stg_eoir__proceedings') }}
    union all
    select input_kind from {{ ref('stg_eoir__applications') }}
    union all
    select input_kind from {{ ref('stg_eoir__hearings') }}

),

final as (

    select
        case when coalesce(bool_and(input_kind = 'real'), false) then 'real' else 'synthetic' end as input_kind,
        count(*) as raw_rows
    from input_kinds

)

select * from final
