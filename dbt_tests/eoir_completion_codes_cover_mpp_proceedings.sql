{{ config(severity='warn') }}
-- Warns when a completed proceeding of an MPP case carries a DEC_CODE / OTHER_COMP missing from seed
-- eoir_completion_codes for its case type: it still counts (bucket 'other'), but the seed should say so.
with

proceedings as (

    select * from {{ ref('stg_eoir__proceedings') }}

),

mpp_cases as (

    select * from {{ ref('int_mpp_cases_identified') }}

),

codes as (

    select * from {{ ref('eoir_completion_codes') }}

),

case_types as (

    select * from {{ ref('eoir_case_types') }}

),

used as (

    select distinct
        coalesce(proceedings.case_type, mpp_cases.case_type) as case_type,
        case when proceedings.decision_code is not null then 'DEC_CODE' else 'OTHER_COMP' end as code_field,
        coalesce(proceedings.decision_code, proceedings.other_completion_code) as code
    from proceedings
    inner join mpp_cases on proceedings.case_id = mpp_cases.case_id
    -- only removal-type proceedings complete a case (the others never are decoded: eoir_case_types)
    inner join case_types
        on coalesce(proceedings.case_type, mpp_cases.case_type) = case_types.case_type
        and case_types.completes_removal_case
    where proceedings.completion_date is not null
        and coalesce(proceedings.decision_code, proceedings.other_completion_code) is not null

)

select used.*
from used
left join codes
    on used.case_type = codes.case_type
    and used.code_field = codes.code_field
    and used.code = codes.code
where codes.code is null
